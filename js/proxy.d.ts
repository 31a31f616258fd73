// Types of `dcs-tasks/proxy`: the proxy's standard fetch handler, the same on workerd / Cloudflare
// Workers, Node, Deno, Bun and Vercel's Edge Runtime / Next.js (one entry per runtime family).

/**
 * The edge proxy's environment (worker bindings, see the repository's edge/): settings are
 * strings, `ASSETS` an optional static-file service.
 */
export interface ProxyEnv {
  HUAWEICLOUD_SDK_AK?: string;
  HUAWEICLOUD_SDK_SK?: string;
  HUAWEICLOUD_SDK_SECURITY_TOKEN?: string;
  DCS_AUTH_TOKEN?: string;
  HUAWEICLOUD_SDK_PROJECT_ID?: string;
  DCS_REGION?: string;
  DCS_ENDPOINT?: string;
  ALLOWED_ORIGINS?: string;
  PROXY_TOKEN?: string;
  ALLOWED_INSTANCES?: string;
  ENABLE_DELETE?: string;
  DEMO_INSTANCE?: string;
  UPSTREAM_TIMEOUT_MS?: string;
  MAX_UPSTREAM_BYTES?: string;
  REQUEST_TIMEOUT_MS?: string;
  MAX_REQUEST_BYTES?: string;
  PUBLIC_ACCESS?: string;
  TRUST_LOOPBACK?: string;
  /** Where the proxy is mounted, e.g. `/dcs` (a Next.js catch-all, an API gateway's path). */
  PROXY_BASE_PATH?: string;
  /** Query parameters a framework adds to the request (Next.js' catch-all: `path`), dropped. */
  PROXY_IGNORE_QUERY?: string;
  /** Node, Deno, Bun: serve the page (www/ with pkg/ at /pkg/) from this folder. */
  ASSETS_DIR?: string;
  ASSETS?: { fetch(request: Request): Promise<Response> };
  [binding: string]: unknown;
}

/**
 * The proxy's fetch handler: `Deno.serve((req) => handleProxyRequest(req, Deno.env.toObject()))`,
 * `Bun.serve({ fetch: (req) => handleProxyRequest(req, process.env) })`, a Worker's
 * `export default { fetch: (req, env) => handleProxyRequest(req, env) }`, a Next.js route handler.
 */
export function handleProxyRequest(request: Request, env: ProxyEnv): Promise<Response>;
