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
  /** The watchdog's webhooks: comma-separated `kind:url` (generic, slack, feishu, dingtalk, wecom). */
  ALERT_WEBHOOKS?: string;
  /** Signing secrets of the Feishu/Lark and DingTalk webhooks. */
  ALERT_FEISHU_SECRET?: string;
  ALERT_DINGTALK_SECRET?: string;
  /** When a running task is stuck: a duration (`90m`, `12h`, `2d`); default per task type. */
  ALERT_STUCK_AFTER?: string;
  /** Seconds between checks where the proxy keeps its own timer (default 300). */
  ALERT_EVERY?: string;
  /** Node, Deno, Bun: the watchdog's state in this file (else in memory). */
  ALERT_STATE_FILE?: string;
  [binding: string]: unknown;
}

/**
 * The proxy's fetch handler: `Deno.serve((req) => handleProxyRequest(req, Deno.env.toObject()))`,
 * `Bun.serve({ fetch: (req) => handleProxyRequest(req, process.env) })`, a Worker's
 * `export default { fetch: (req, env) => handleProxyRequest(req, env) }`, a Next.js route handler.
 */
export function handleProxyRequest(request: Request, env: ProxyEnv): Promise<Response>;

/** Where the watchdog keeps its state: Workers KV's shape (a KV namespace binding fits). */
export interface WatchdogStore {
  get(key: string): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
}

/** One event, as the `generic` webhook posts it. */
export interface WatchdogEvent {
  kind: "failed" | "stuck" | "unreachable" | "recovered" | "abnormal";
  instanceId: string;
  instanceName: string;
  taskId?: string;
  taskName?: string;
  since: string;
  message: string;
}

/** What one check did. */
export interface WatchdogReport {
  /** Another check held the state: this one did nothing. */
  skipped: boolean;
  events: WatchdogEvent[];
  /**
   * Each webhook posted to by this check: whether it took the post; why not; how many of its
   * events an earlier check could not deliver (`redelivered`); how many are kept for the next
   * check because every retry of this one failed (`kept`: a network error, 429, 5xx; with a
   * store only. A refusal, 4xx or a service's error code, is not retried).
   */
  webhooks: { name: string; delivered: boolean; error?: string; redelivered?: number; kept?: number }[];
  /** `ALERT_EVERY` in seconds. */
  every: number;
  /** Why the check saw nothing (the instances could not be listed, the store failed). */
  error?: string;
}

/**
 * One scheduled check: looks at the fleet, decides the events (each once: with `store`, from
 * the state of earlier checks; without, from the time window ending at `scheduledTime`) and
 * posts them to `ALERT_WEBHOOKS`. Rejects when the configuration is refused.
 */
export function runWatchdog(
  env: ProxyEnv,
  options?: { store?: WatchdogStore; scheduledTime?: number },
): Promise<WatchdogReport>;

/** A store kept in this process's memory. */
export function memoryStore(): WatchdogStore;

/** Node, Deno, Bun: a store in one file (written whole, atomically). */
export function fileStore(path: string): WatchdogStore;

/**
 * Node, Deno, Bun: a check now, then every `ALERT_EVERY` seconds (state in `store`, else
 * `ALERT_STATE_FILE`, else memory). The timer does not keep the process alive by itself.
 */
export function startWatchdog(
  env: ProxyEnv,
  options?: { store?: WatchdogStore; onReport?: (r: WatchdogReport) => void },
): { stop(): void };
