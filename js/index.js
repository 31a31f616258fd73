// The zero-configuration entry (browsers, Node, Deno, Bun, bundlers, SSR): the wasm travels inside
// the JavaScript (dcs_tasks_wasm.js: deflated, base64), so no bundler needs to know about .wasm
// files and nothing is fetched or read from disk; module evaluation never awaits (no top-level
// await: every bundler's default target takes it). No init call: the wasm is inflated (Node's
// and Bun's zlib, or DecompressionStream) and compiled in the background from the import, and a
// call made before that is done instantiates it on the spot (zlib, else fflate's inflateSync).
// `await ready` to start calling only when it is free.
// Pages that want the smallest download use `dcs-tasks/slim` (the .wasm as its own file).
// The build bundles load.js and inflate.js into this module (fewer modules, a faster import).
import wasm from "./dcs_tasks_wasm.js";
import { inflateSync } from "./inflate.js";
import { start } from "./load.js";
start(wasm, inflateSync);
export * from "./dcs_tasks.js";
export { ready } from "./ready.js";
