// Resolves once the wasm is instantiated: at import with the zero-configuration entry
// (index.js), after `await init()` with `dcs-tasks/slim`. The elements wait for it, so they work
// with either entry.
let resolve;
export const ready = new Promise((r) => { resolve = r; });
export const markReady = () => resolve();
