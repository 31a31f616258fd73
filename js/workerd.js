// workerd / Cloudflare Workers entry: workers forbid compiling wasm from bytes, so the
// .wasm is imported as a module (the runtime compiles it) and instantiated synchronously.
import wasm from "./dcs_tasks_bg.wasm";
import { initSync } from "./dcs_tasks.js";
initSync({ module: wasm });
export * from "./dcs_tasks.js";
