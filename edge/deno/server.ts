// The dcs-tasks proxy on Deno 2: `deno add npm:dcs-tasks`, then
// `deno run --allow-net --allow-env server.ts` (and --allow-read=<ASSETS_DIR> to serve the page).
import { handleProxyRequest } from "dcs-tasks/proxy";

const hostname = Deno.env.get("HOST") ?? "127.0.0.1";
const port = Number(Deno.env.get("PORT") ?? 8000);
Deno.serve({ hostname, port }, (request) => handleProxyRequest(request, Deno.env.toObject()));
