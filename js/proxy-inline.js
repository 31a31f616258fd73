// `dcs-tasks/proxy` for any other runtime that compiles wasm from bytes: the wasm inside the
// JavaScript (dcs_tasks_proxy_wasm.js), compiled and instantiated at import.
import wasm from "./dcs_tasks_proxy_wasm.js";
import { initSync } from "./dcs_tasks_proxy.js";

initSync({ module: wasm });
export { handleProxyRequest } from "./dcs_tasks_proxy.js";
