// Vercel's Edge Runtime and Next.js edge routes (condition `edge-light`): like workerd, they
// refuse to compile wasm from bytes, and their bundlers hand a `.wasm?module` import over as a
// compiled WebAssembly.Module, instantiated here synchronously.
import wasm from "./dcs_tasks_bg.wasm?module";
import { initSync } from "./dcs_tasks.js";
import { markReady } from "./ready.js";
initSync({ module: wasm });
markReady();
export * from "./dcs_tasks.js";
