// `dcs-tasks/slim`: the smallest download. The .wasm stays its own file (fetched next to this
// module and compiled while it streams in); call `await init()` once before anything else
// (`init({ module_or_path })` takes another URL, a Response, bytes or a compiled module).
import initWasm from "./dcs_tasks.js";
import { markReady } from "./ready.js";
export * from "./dcs_tasks.js";
export { ready } from "./ready.js";

export function init(opts) {
  const where = opts?.module_or_path ?? new URL("./dcs_tasks_bg.wasm", import.meta.url);
  return initWasm({ module_or_path: where }).then((exports) => {
    markReady();
    return exports;
  });
}
