// Browser / Deno / default entry: loads the wasm next to this file with a top-level await,
// so importers need no `await` of their own.
import init from "./dcs_tasks.js";
await init({ module_or_path: new URL("./dcs_tasks_bg.wasm", import.meta.url) });
export * from "./dcs_tasks.js";
