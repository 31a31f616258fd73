// `dcs-tasks/element`: defines <dcs-task-list> and <dcs-fleet> (idempotent: importing twice, or next to another
// copy, is harmless) and exports their classes. Zero configuration, like `dcs-tasks`: it works in
// every bundler and in a plain <script type="module"> with no import map. The elements wait for
// the wasm (`ready`), so it comes in a dynamic import: bundlers put it in a chunk of its own, off
// the page's first script (no "chunk larger than 500 kB" warning, no Angular initial budget),
// inflated with DecompressionStream and compiled in the background. `dcs-tasks/element/slim` is
// the same elements over `dcs-tasks/slim` (call its `init()`).
import { inBackground, loadAsync, loadSync } from "./load.js";
export * from "./element-slim.js";

// Where nothing inflates in the background (or it failed), fflate's inflateSync does.
const now = (wasm) => import("./inflate.js").then(({ inflateSync }) => loadSync(wasm, inflateSync));
import("./dcs_tasks_wasm.js").then(({ default: wasm }) =>
  inBackground() ? loadAsync(wasm).catch(() => now(wasm)) : now(wasm),
);
