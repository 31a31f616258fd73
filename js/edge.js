// Vercel's Edge Runtime and Next.js edge routes (condition `edge-light`): their bundlers hand a
// `.wasm?module` import over as a compiled WebAssembly.Module (from another realm: the glue's
// initSync recognises it by its brand), instantiated here synchronously. Vercel's hosted Edge
// Runtime, like Cloudflare's, may refuse to compile wasm from bytes; this never does.
import wasm from "./dcs_tasks_bg.wasm?module";
import { initSync } from "./dcs_tasks.js";
import { markReady } from "./ready.js";
initSync({ module: wasm });
markReady();
export * from "./dcs_tasks.js";
