// The client's I/O driver (included by wasm-bindgen as a local snippet and bundled into the
// glue by scripts/build-pkg.sh). It only does I/O: fetch, timers, AbortController wiring,
// reading the answer, running listAllTasks' pages concurrently, the async iterator and
// onPage. Every decision (what to send, retry or not and after how long, which error,
// which page next, what to deliver) is asked of the Rust objects `Call` and `Pages`
// (src/driver.rs), so no rule is written twice.
//
// Call: request() -> [url, method, headers]; head(status, contentLength) -> -1 (read the
// body) or a retry wait; response(status, body, date, retryAfter, requestId, contentType)
// -> the value, or a retry wait (a number); fail(cancelled, what, error) -> a retry wait.
// Each throws the DcsError to report. `cancelled`: 0 no, 1 deadline, 2 caller's signal.
// Pages: next(inFlight) -> [page, Call] to start now, or undefined; receive(page) ->
// [finished, refetch ([page, Call] or undefined), deliveries]; error(aborted, e) -> the
// DcsError of an iteration.

/** Waits `ms`, or less when `signal` fires first. */
const sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });

/** One exchange: a retry wait (number) or the call's value. */
async function attempt(c, f, signal, state) {
  const [url, method, headers] = c.request();
  const s = state();
  if (s) c.fail(s, 0);
  let r;
  try {
    r = f.call(globalThis, url, { method, headers, signal, redirect: "manual" });
  } catch (e) {
    return c.fail(state(), 0, e);
  }
  if (!(r instanceof Promise)) return c.fail(0, 1);
  try {
    r = await r;
  } catch (e) {
    return c.fail(state(), 0, e);
  }
  const header = (name) => {
    try {
      const v = r.headers.get(name);
      return typeof v == "string" ? v : undefined;
    } catch {}
  };
  let status = 0;
  try {
    if (typeof r.status == "number") status = r.status;
  } catch {}
  let w;
  try {
    w = c.head(status, header("content-length"));
  } catch (e) {
    // Too large: do not download it.
    try {
      Promise.resolve(r.body.cancel()).catch(() => {});
    } catch {}
    throw e;
  }
  if (w >= 0) return w;
  let read;
  try {
    read = r.arrayBuffer;
  } catch {}
  if (typeof read != "function") return c.fail(0, 2);
  let body;
  try {
    body = read.call(r);
  } catch (e) {
    return c.fail(state(), 0, e);
  }
  if (!(body instanceof Promise)) return c.fail(0, 3);
  try {
    body = new Uint8Array(await body);
  } catch (e) {
    return c.fail(state(), 0, e);
  }
  return c.response(status, body, header("date"), header("retry-after"), header("x-request-id"), header("content-type"));
}

/**
 * One call with its retries: `timeoutMs` covers every attempt and wait; the caller's signal
 * and the deadline abort one internal controller. `f`: the injected fetch, else the global
 * one (looked up now, so a polyfill installed after the client was made is seen).
 */
export async function run(c, f, timeoutMs, caller) {
  try {
    f = f || globalThis.fetch;
    if (typeof f != "function") c.fail(0, 4);
    const ac = new AbortController();
    const signal = ac.signal;
    const abort = () => ac.abort();
    let timedOut = false;
    const timer = timeoutMs > 0 && setTimeout(() => ((timedOut = true), abort()), timeoutMs);
    if (caller) {
      caller.addEventListener("abort", abort);
      if (caller.aborted) abort();
    }
    const state = () => (caller && caller.aborted ? 2 : timedOut || signal.aborted ? 1 : 0);
    try {
      for (;;) {
        const w = await attempt(c, f, signal, state);
        if (typeof w != "number") return w;
        if (w > 0) await sleep(w, signal);
        const s = state();
        if (s) c.fail(s, 0);
      }
    } finally {
      clearTimeout(timer);
      if (caller) caller.removeEventListener("abort", abort);
    }
  } finally {
    c.free();
  }
}

/** The pages of a listing: fetched concurrently (Rust says how many), delivered in order. */
function pager(p, f, timeoutMs) {
  const master = new AbortController();
  let queue = [];
  let ready = [];
  let done = false;
  const abort = () => {
    done = true;
    queue = [];
    ready = [];
    master.abort();
  };
  const start = ([page, c]) => {
    const s = { page };
    s.p = run(c, f, timeoutMs, master.signal).then(
      () => {},
      (e) => {
        s.failed = true;
        s.error = e;
      },
    );
    return s;
  };
  async function next() {
    for (;;) {
      if (ready.length) return ready.shift();
      if (done) return null;
      for (let n; (n = p.next(queue.length)); ) queue.push(start(n));
      const head = queue.shift();
      if (!head) {
        done = true;
        continue;
      }
      await head.p;
      if (done) return null;
      let finished, again, delivered;
      try {
        if (head.failed) throw head.error;
        [finished, again, delivered] = p.receive(head.page);
      } catch (e) {
        abort();
        throw e;
      }
      for (const d of delivered) ready.push(d);
      if (again) queue.unshift(start(again));
      if (finished) {
        // Whatever is still in flight is beyond the end: cancel it.
        done = true;
        queue = [];
        master.abort();
      }
    }
  }
  return { next, abort };
}

/** `listAllTasks`' async iterator; `next()`/`return()` run one at a time, in call order. */
export function iterate(p, f, timeoutMs, caller, onPage) {
  const pages = pager(p, f, timeoutMs);
  const buffer = [];
  let last = Promise.resolve();
  if (caller) {
    caller.addEventListener("abort", pages.abort);
    if (caller.aborted) pages.abort();
  }
  const stop = () => {
    buffer.length = 0;
    pages.abort();
  };
  const check = () => {
    if (caller && caller.aborted) throw p.error(true);
  };
  async function step() {
    for (;;) {
      check();
      if (buffer.length) return { value: buffer.shift(), done: false };
      const d = await pages.next();
      check();
      if (!d) return { value: undefined, done: true };
      for (const t of d.tasks) buffer.push(t);
      if (onPage) {
        try {
          onPage({ fetched: d.fetched, total: d.total, warnings: d.warnings });
        } catch (e) {
          throw p.error(false, e);
        }
      }
    }
  }
  const serialized = (finish) => {
    const go = () =>
      finish
        ? (stop(), { value: undefined, done: true })
        : step().catch((e) => {
            stop();
            throw e;
          });
    return (last = last.then(go, go));
  };
  return {
    next: () => serialized(false),
    return: () => serialized(true),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** Every page, for a consumer that gathers them in Rust (the proxy's `all=1`). */
export async function drain(p, f, timeoutMs) {
  const pages = pager(p, f, timeoutMs);
  while (await pages.next());
}
