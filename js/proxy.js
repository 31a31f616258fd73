// `dcs-tasks/proxy`: the edge proxy worker's handler, for workerd / Cloudflare Workers.
// A separate wasm build (the library plus the proxy), so pages and plain workers that import
// `dcs-tasks` never download the proxy. Imported as a module (workers compile it) and
// instantiated synchronously.
import wasm from "./dcs_tasks_proxy_bg.wasm";
import { initSync } from "./dcs_tasks_proxy.js";
initSync({ module: wasm });
export { handleProxyRequest, runWatchdog } from "./dcs_tasks_proxy.js";
export { memoryStore } from "./proxy-watch.js";
