// The dcs-tasks proxy on Deno 2: `deno add npm:dcs-tasks`, then
// `deno run --allow-net --allow-env server.ts` (and --allow-read=<ASSETS_DIR> to serve the page).
import { handleProxyRequest, runWatchdog, startWatchdog } from "dcs-tasks/proxy";

const hostname = Deno.env.get("HOST") ?? "127.0.0.1";
const port = Number(Deno.env.get("PORT") ?? 8000);
const env = Deno.env.toObject();
Deno.serve({ hostname, port }, (request) => handleProxyRequest(request, env));
// The watchdog: on Deno Deploy (Deno.cron, with Deno KV for its state) every 5 minutes; elsewhere
// a timer every ALERT_EVERY seconds (state in ALERT_STATE_FILE, with --allow-read/--allow-write).
if (env.ALERT_WEBHOOKS) {
  if (typeof Deno.cron === "function" && typeof Deno.openKv === "function") {
    const kv = await Deno.openKv();
    const store = {
      get: async (key: string) => (await kv.get<string>([key])).value,
      put: async (key: string, value: string) => void (await kv.set([key], value)),
    };
    Deno.cron("dcs-tasks watchdog", "*/5 * * * *", () => runWatchdog(env, { store }).then(() => {}));
  } else {
    startWatchdog(env);
  }
}
