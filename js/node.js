// Node entry: compiles the wasm synchronously at import, so no `await` is needed before use.
import { readFileSync } from "node:fs";
import { initSync } from "./dcs_tasks.js";
initSync({ module: readFileSync(new URL("./dcs_tasks_bg.wasm", import.meta.url)) });
export * from "./dcs_tasks.js";
