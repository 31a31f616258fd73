// The watchdog's scheduling helpers for every runtime (`dcs-tasks/proxy`): a store kept in
// memory, and a timer that runs `runWatchdog` every `ALERT_EVERY` seconds (Node, Deno, Bun
// servers; Workers use a Cron Trigger and `scheduled`, FunctionGraph a timer trigger). The
// checks themselves (what to list, which events, what to post) are the wasm's.

/** A store with Workers KV's `get`/`put`, kept in this process (lost on restart). */
export function memoryStore() {
  const kept = new Map();
  return {
    async get(key) {
      return kept.get(key) ?? null;
    },
    async put(key, value) {
      kept.set(key, String(value));
    },
  };
}

/**
 * `startWatchdog(env, { store, onReport })` for a `runWatchdog`: a check now, then one every
 * `ALERT_EVERY` seconds (the wasm reads it; a refused configuration is logged and retried at
 * the same pace). The timer never keeps a process alive by itself; `stop()` ends it.
 */
export function timerFor(runWatchdog, defaultStore) {
  return function startWatchdog(env, options = {}) {
    const store = options.store ?? defaultStore(env);
    let timer;
    let stopped = false;
    const tick = async () => {
      let every = 300;
      try {
        const report = await runWatchdog(env, { store, scheduledTime: Date.now() });
        every = report.every;
        options.onReport?.(report);
      } catch (e) {
        console.error(`dcs-tasks watchdog: ${e?.message ?? e}`);
      }
      if (stopped) return;
      timer = setTimeout(tick, every * 1000);
      if (typeof timer === "object") timer.unref?.();
      else if (typeof Deno !== "undefined") Deno.unrefTimer?.(timer);
    };
    tick();
    return {
      stop() {
        stopped = true;
        clearTimeout(timer);
      },
    };
  };
}
