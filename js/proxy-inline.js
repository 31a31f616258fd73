// `dcs-tasks/proxy` for any other runtime that compiles wasm from bytes: the wasm inside the
// JavaScript (dcs_tasks_proxy_wasm.js), compiled and instantiated at import.
import wasm from "./dcs_tasks_proxy_wasm.js";
import { initSync } from "./dcs_tasks_proxy.js";

initSync({ module: wasm });
import { runWatchdog } from "./dcs_tasks_proxy.js";
import { memoryStore, timerFor } from "./proxy-watch.js";
export { handleProxyRequest, runWatchdog } from "./dcs_tasks_proxy.js";
export { memoryStore };
/** A check now, then every `ALERT_EVERY` seconds (state in memory unless `store` is given). */
export const startWatchdog = timerFor(runWatchdog, () => memoryStore());
