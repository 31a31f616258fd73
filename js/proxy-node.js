// `dcs-tasks/proxy` on Node (20, 22, 24) and Bun: the proxy's wasm read from the package's
// folder and compiled synchronously at import (no top-level await), so `handleProxyRequest` is
// usable as soon as the import resolves. `ASSETS_DIR` serves the page from a folder.
import { readFileSync } from "node:fs";
import { initSync, handleProxyRequest as handle, runWatchdog } from "./dcs_tasks_proxy.js";
import { fileStore, withFolderAssets } from "./proxy-files.js";
import { memoryStore, timerFor } from "./proxy-watch.js";

initSync({ module: new WebAssembly.Module(readFileSync(new URL("./dcs_tasks_proxy_bg.wasm", import.meta.url))) });

export const handleProxyRequest = withFolderAssets(handle);
export { runWatchdog, memoryStore, fileStore };
/** A check now, then every `ALERT_EVERY` seconds; state in `ALERT_STATE_FILE`, else in memory. */
export const startWatchdog = timerFor(runWatchdog, (env) =>
  env.ALERT_STATE_FILE ? fileStore(env.ALERT_STATE_FILE) : memoryStore(),
);
