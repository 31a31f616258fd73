// The zero-configuration entry (browsers, Node, Deno, bundlers, SSR): the wasm travels inside
// the JavaScript (dcs_tasks_wasm.js, base64), so no bundler needs to know about .wasm files,
// nothing is fetched or read from disk, and it is compiled and instantiated synchronously at
// import (no top-level await): every export is usable as soon as the import resolves. Pages
// that want the smallest download use `dcs-tasks/slim` (the .wasm as its own file, streamed).
import { initSync } from "./dcs_tasks.js";
import wasm from "./dcs_tasks_wasm.js";
import { markReady } from "./ready.js";
initSync({ module: wasm });
markReady();
export * from "./dcs_tasks.js";
