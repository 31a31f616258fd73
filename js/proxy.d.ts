// Types of `dcs-tasks/proxy` (the edge proxy worker's handler; workerd / Cloudflare Workers).

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
  ASSETS?: { fetch(request: Request): Promise<Response> };
  [binding: string]: unknown;
}

/** The edge proxy worker's `fetch` handler: `export default { fetch: (req, env) => handleProxyRequest(req, env) }`. */
export function handleProxyRequest(request: Request, env: ProxyEnv): Promise<Response>;
