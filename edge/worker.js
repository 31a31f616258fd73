// The edge proxy worker: all logic is in the dcs-tasks package (Rust/wasm).
import { handleProxyRequest, runWatchdog } from "dcs-tasks/proxy";

export default {
  fetch(request, env) {
    return handleProxyRequest(request, env);
  },
  // The watchdog, on the Cron Trigger of wrangler.toml: its state in the WATCHDOG KV
  // namespace (without that binding, each run reports its own time window: edge/README.md).
  scheduled(controller, env, ctx) {
    ctx.waitUntil(runWatchdog(env, { store: env.WATCHDOG, scheduledTime: controller.scheduledTime }));
  },
};
