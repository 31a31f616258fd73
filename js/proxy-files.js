// Static files from a folder (`ASSETS_DIR`) where the runtime has a file system (Node, Deno,
// Bun): the `ASSETS` binding workerd gets from its configuration. Which paths are files, their
// types and headers are the proxy's decisions (the wasm); this only reads the file it asks for.
import { readFile, rename, writeFile } from "node:fs/promises";
import { resolve, sep } from "node:path";

const folders = new Map();

/** `{ fetch(url) }` reading `dir` + the URL's path: 200 with the bytes, 404 when absent. */
function folder(dir) {
  const root = resolve(dir);
  return {
    async fetch(url) {
      const file = resolve(root, "." + new URL(url).pathname);
      // The proxy hands over only plain paths (no dot segments, nothing encoded): this holds.
      if (!file.startsWith(root + sep)) return new Response(null, { status: 404 });
      try {
        return new Response(await readFile(file), { status: 200 });
      } catch (e) {
        if (e?.code === "ENOENT" || e?.code === "EISDIR" || e?.code === "ENOTDIR") return new Response(null, { status: 404 });
        throw e;
      }
    },
  };
}

/** The handler with `env.ASSETS` served from `env.ASSETS_DIR` when that is set (and no `ASSETS`). */
export function withFolderAssets(handle) {
  return function handleProxyRequest(request, env) {
    const dir = env?.ASSETS_DIR;
    if (typeof dir !== "string" || dir.trim() === "" || env.ASSETS) return handle(request, env);
    let assets = folders.get(dir);
    if (!assets) folders.set(dir, (assets = folder(dir.trim())));
    // The variables stay live (a view of `env`, not a copy); only ASSETS is added.
    return handle(request, new Proxy(env, { get: (t, k) => (k === "ASSETS" ? assets : t[k]) }));
  };
}

/**
 * The watchdog's store in one file (`ALERT_STATE_FILE`), with Workers KV's `get`/`put`: read
 * whole (absent: nothing stored), written to a temporary file then renamed, so a crash never
 * leaves half a state.
 */
export function fileStore(path) {
  const file = resolve(path);
  return {
    async get() {
      try {
        return await readFile(file, "utf8");
      } catch (e) {
        if (e?.code === "ENOENT") return null;
        throw e;
      }
    },
    async put(_key, value) {
      const tmp = `${file}.${Date.now()}-${Math.random().toString(36).slice(2)}.tmp`;
      await writeFile(tmp, String(value));
      await rename(tmp, file);
    },
  };
}
