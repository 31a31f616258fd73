// The dcs-tasks proxy on Bun: `bun add dcs-tasks`, then `bun server.ts`.
import { handleProxyRequest } from "dcs-tasks/proxy";

const hostname = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? 8000);
Bun.serve({ hostname, port, fetch: (request) => handleProxyRequest(request, process.env) });
console.log(`dcs-tasks proxy on http://${hostname}:${port}/`);
