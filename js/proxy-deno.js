// `dcs-tasks/proxy` on Deno: the wasm travels inside the JavaScript (no read permission needed
// for the package); `ASSETS_DIR` serves the page from a folder (`--allow-read` for it).
import { handleProxyRequest as handle } from "./proxy-inline.js";
import { withFolderAssets } from "./proxy-files.js";

export const handleProxyRequest = withFolderAssets(handle);
