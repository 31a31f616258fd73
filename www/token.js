// The proxy's token: asked for only when the proxy answers 401 (TOKEN_REQUIRED, UNAUTHORIZED),
// typed by the user, sent as Authorization: Bearer, never in the URL; kept in memory, and in
// sessionStorage (this tab only) when "remember for this tab" is ticked. The panel is shown
// only while a token is asked for or in use: an operator's normal load never sees it.
import { t } from "./strings.js";

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = "dcs-tasks.proxyToken";
let proxyToken = "";
let tokenRefusal = null; // the last 401, shown in the panel until a token is tried
let changed = () => {}; // the page opens its client again with the token

function storedToken() {
  try { return sessionStorage.getItem(TOKEN_KEY) || ""; } catch { return ""; }
}

function storeToken(remember) {
  try {
    if (remember && proxyToken) sessionStorage.setItem(TOKEN_KEY, proxyToken);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch { /* storage disabled: memory only */ }
}

/** The headers the page's client sends the proxy. */
export const authHeaders = () => (proxyToken ? { Authorization: `Bearer ${proxyToken}` } : {});

/** The panel in the page's language; shown only while a token is asked for or in use. */
export function renderToken() {
  const r = tokenRefusal;
  // The proxy's own codes have a translated reason; anything else shows what it said.
  const reason = r && (r.code === "TOKEN_REQUIRED" || r.code === "UNAUTHORIZED") ? t(`token.reason.${r.code}`) : r?.reason;
  $("token-reason").textContent = r ? t(r.withToken ? "token.rejected" : "token.required", { reason }) : "";
  $("token-reason").dataset.code = r ? r.code : "";
  $("token-state").textContent = t(!proxyToken ? "token.none" : storedToken() ? "token.remembered" : "token.inUse");
  $("token-forget").disabled = !proxyToken;
  $("token-panel").hidden = !proxyToken && !r;
}

/** The proxy answered 401: the panel opens on its reason, the focus in the field. */
export function askForToken(err) {
  tokenRefusal = { reason: err.errorMsg || err.message || String(err), code: err.errorCode || err.code || "", withToken: Boolean(proxyToken) };
  renderToken();
  $("token-panel").open = true;
  $("token-input").focus();
}

/** The proxy answered with the token in use: the panel closes (it stays, to forget the token). */
export function tokenAccepted() {
  if (tokenRefusal === null && proxyToken) $("token-panel").open = false;
}

/** Reads the remembered token and wires the form; `onChange` runs when the token changes. */
export function initToken(onChange) {
  changed = onChange;
  proxyToken = storedToken();
  $("token-remember").checked = Boolean(proxyToken);
  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    proxyToken = $("token-input").value.trim();
    $("token-input").value = "";
    storeToken($("token-remember").checked);
    tokenRefusal = null;
    renderToken();
    changed();
  });
  $("token-remember").addEventListener("change", () => { storeToken($("token-remember").checked); renderToken(); });
  $("token-forget").addEventListener("click", () => {
    proxyToken = "";
    storeToken(false);
    $("token-remember").checked = false;
    renderToken();
    changed();
  });
  renderToken();
}
