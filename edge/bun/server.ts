// The dcs-tasks proxy on Bun: `bun add dcs-tasks`, then `bun server.ts`.
import { handleProxyRequest, startWatchdog } from "dcs-tasks/proxy";

const hostname = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? 8000);
Bun.serve({ hostname, port, fetch: (request) => handleProxyRequest(request, process.env) });
console.log(`dcs-tasks proxy on http://${hostname}:${port}/`);
// The watchdog: a check every ALERT_EVERY seconds (state in ALERT_STATE_FILE, else in memory).
if (process.env.ALERT_WEBHOOKS) startWatchdog(process.env);
