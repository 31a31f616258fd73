// The dcs-tasks proxy on Node (20, 22, 24; a container, a VM) behind node:http, through
// @hono/node-server's adapter. Configuration: the variables of edge/README.md, from process.env.
import { serve } from "@hono/node-server";
import { handleProxyRequest, startWatchdog } from "dcs-tasks/proxy";

const hostname = process.env.HOST ?? "127.0.0.1"; // HOST=0.0.0.0 in a container
const port = Number(process.env.PORT ?? 8000);
serve({ fetch: (request) => handleProxyRequest(request, process.env), hostname, port }, () =>
  console.log(`dcs-tasks proxy on http://${hostname}:${port}/`),
);
// The watchdog: a check every ALERT_EVERY seconds (state in ALERT_STATE_FILE, else in memory).
if (process.env.ALERT_WEBHOOKS) startWatchdog(process.env);
