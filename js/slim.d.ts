// `dcs-tasks/slim`: the same API as `dcs-tasks`, once `init()` has resolved.
export * from "./dcs_tasks.js";

/** What `init` accepts: the .wasm's URL (default: next to this module), a `Response` or its
 * promise, its bytes, or a compiled `WebAssembly.Module`. */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/** Fetches and compiles the .wasm (streamed when served as `application/wasm`) and instantiates
 * it. Call it once, and await it, before any other export; later calls resolve at once. */
export function init(opts?: { module_or_path?: InitInput | Promise<InitInput> }): Promise<unknown>;
