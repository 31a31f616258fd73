// What the elements share: their base class (a plain class where there is no DOM, so importing
// the module during server-side rendering does not throw), events, copying, the proxy's config
// and the client made from an endpoint.
import { DcsClient } from "../dcs_tasks.js";
import { pickLang, translator } from "./i18n.js";
import { directClient } from "./direct.js";

/** HTMLElement in a browser; elsewhere (SSR, Node) a stand-in that is never instantiated. */
export const HostElement = globalThis.HTMLElement ?? class {};

/** Dispatches a bubbling, composed CustomEvent (it crosses shadow roots to the page). */
export function emit(el, type, detail) {
  el.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}

/** Copies `text` to the clipboard (a hidden textarea in `root` where the API is refused). */
export async function copyText(root, text) {
  try {
    if (navigator.clipboard && globalThis.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the textarea fallback
  }
  const ta = document.createElement("textarea");
  ta.readOnly = true;
  ta.className = "sr-only";
  ta.setAttribute("aria-hidden", "true");
  ta.value = text;
  root.append(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}

/** An Error shaped like the package's DcsError (name, code and the HTTP fields). */
function dcsError(code, message, fields = {}) {
  const e = new Error(message);
  e.name = "DcsError";
  e.code = code;
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null && v !== "") e[k] = v;
  return e;
}

/**
 * The configuration a dcs-tasks proxy publishes at `{endpoint}/api/config` (`projectId`, and
 * `demoInstance` in the demo), asked with `headers` (its token). Fails with a DcsError: NETWORK,
 * HTTP_ERROR (status, the proxy's errorCode and message, requestId) or INVALID_RESPONSE.
 */
export async function readProxyConfig(endpoint, headers = {}, signal) {
  const url = `${String(endpoint).replace(/\/+$/, "")}/api/config`;
  let r;
  try {
    r = await fetch(url, { headers: { Accept: "application/json", ...headers }, signal });
  } catch (err) {
    throw dcsError(err?.name === "AbortError" ? "ABORTED" : "NETWORK", `${url}: ${err?.message ?? err}`);
  }
  const text = await r.text();
  let body = null;
  try { body = JSON.parse(text); } catch { /* said below */ }
  const requestId = r.headers.get("x-request-id");
  if (!r.ok) {
    const msg = body?.message || body?.error || `${r.status} ${r.statusText}`;
    throw dcsError("HTTP_ERROR", msg, { status: r.status, errorCode: body?.code, errorMsg: msg, requestId });
  }
  if (!body || typeof body.projectId !== "string" || !body.projectId) {
    throw dcsError("INVALID_RESPONSE", `${url}: no projectId in the answer`, { path: "projectId", requestId });
  }
  return body;
}

/**
 * The client for `endpoint` with `project-id`, else with the project the proxy publishes at
 * /api/config: { client, config } (config null when not read), or null without an endpoint.
 * Throws the DcsError of /api/config or of the client's options.
 */
export async function openClient(endpoint, projectId, headers) {
  if (!endpoint) return null;
  // The client's own rules for the endpoint and the headers (absolute https, http only for
  // loopback, no credentials in the URL) apply before anything is sent: a refused endpoint
  // throws INVALID_ARGUMENT here, and `headers` never go where the client would not send them.
  const client = new DcsClient({ endpoint, projectId: projectId || "config", headers });
  if (projectId) return { client: await directClient(client, { endpoint, projectId, headers }), config: null };
  const config = await readProxyConfig(endpoint, headers);
  return { client: new DcsClient({ endpoint, projectId: config.projectId, headers }), config };
}

/**
 * Properties a page set on the element before it was defined are own properties that hide the
 * class's accessors: take them off and set them again through the accessors (web.dev's custom
 * element best practices, "make properties lazy").
 */
export function upgradeProperties(el, names) {
  for (const name of names) {
    if (!Object.prototype.hasOwnProperty.call(el, name)) continue;
    const value = el[name];
    delete el[name];
    el[name] = value;
  }
}

/** Sets (or, for null, undefined and "", removes) a reflected attribute. */
export function reflect(el, name, value) {
  if (value === null || value === undefined || value === "") el.removeAttribute(name);
  else el.setAttribute(name, String(value));
}

/** The element's translator: its `lang`, else the nearest `lang` around it, else the browser's. */
export function translatorFor(el) {
  return translator(pickLang(el.getAttribute("lang"), el.parentElement?.closest("[lang]")?.getAttribute("lang"),
    globalThis.navigator?.languages ?? [], globalThis.navigator?.language));
}

/** A function that runs `fn` once, in a microtask, however often it is called before that. */
export function coalesced(fn) {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      fn();
    });
  };
}
