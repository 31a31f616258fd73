// `dcs-tasks/proxy` on Vercel's Edge Runtime and Next.js edge routes (condition `edge-light`):
// the `.wasm?module` import is a compiled WebAssembly.Module (no compiling from bytes there).
import wasm from "./dcs_tasks_proxy_bg.wasm?module";
import { initSync } from "./dcs_tasks_proxy.js";
initSync({ module: wasm });
export { handleProxyRequest, runWatchdog } from "./dcs_tasks_proxy.js";
export { memoryStore } from "./proxy-watch.js";
