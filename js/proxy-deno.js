// `dcs-tasks/proxy` on Deno: the wasm travels inside the JavaScript (no read permission needed
// for the package); `ASSETS_DIR` serves the page from a folder (`--allow-read` for it).
import { handleProxyRequest as handle, runWatchdog } from "./proxy-inline.js";
import { fileStore, withFolderAssets } from "./proxy-files.js";
import { memoryStore, timerFor } from "./proxy-watch.js";

export { runWatchdog, memoryStore, fileStore };
/** A check now, then every `ALERT_EVERY` seconds; state in `ALERT_STATE_FILE`, else in memory. */
export const startWatchdog = timerFor(runWatchdog, (env) =>
  env.ALERT_STATE_FILE ? fileStore(env.ALERT_STATE_FILE) : memoryStore(),
);

export const handleProxyRequest = withFolderAssets(handle);
