//! The proxy's configuration: one reader per variable (or per pair that only make sense
//! together), run in a fixed order so that the first problem named is always the same.

use dcs_tasks_parse::error::cat;

use crate::endpoint::{self, Endpoint};
use crate::field::Field;
use crate::query;
use crate::rules::is_token_text;
use crate::sign::{Auth, Credentials};
use crate::webhook::{self, Webhook, WebhookKind};

/// Default upstream deadline and body cap.
pub const DEFAULT_UPSTREAM_TIMEOUT_MS: u32 = 15_000;
pub const DEFAULT_MAX_UPSTREAM_BYTES: usize = 8 * 1024 * 1024;
/// Default deadline of one proxy request across all its upstream calls (`REQUEST_TIMEOUT_MS`).
pub const DEFAULT_REQUEST_TIMEOUT_MS: u32 = 30_000;
/// Default total of upstream body bytes one proxy request may read (`MAX_REQUEST_BYTES`).
pub const DEFAULT_MAX_REQUEST_BYTES: u64 = 32 * 1024 * 1024;

/// The proxy's validated configuration. `Debug` never shows secrets (Credentials
/// redacts itself; the tokens are redacted below).
pub struct ProxyConfig {
    /// How the proxy authenticates upstream: AK/SK or a token (never [`Auth::None`]).
    pub auth: Auth,
    pub project_id: String,
    pub endpoint: Endpoint,
    pub allowed_origins: Vec<String>,
    pub proxy_token: Option<String>,
    /// `PUBLIC_ACCESS=read`: the read routes answer anyone, token or not.
    pub public_read: bool,
    /// `TRUST_LOOPBACK=true`: callers on a loopback host need no token (a developer's stack).
    pub trust_loopback: bool,
    pub allowed_instances: Option<Vec<String>>,
    pub enable_delete: bool,
    pub demo_instance: Option<String>,
    pub upstream_timeout_ms: u32,
    pub max_upstream_bytes: usize,
    /// `REQUEST_TIMEOUT_MS`: one request's deadline across all its upstream calls.
    pub request_timeout_ms: u32,
    /// `MAX_REQUEST_BYTES`: the upstream body bytes one request may read in all.
    pub max_request_bytes: u64,
    /// `PROXY_BASE_PATH`: where the proxy is mounted, `""` (the root) or `/dcs` (never a
    /// trailing slash). Requests outside it are 404; inside it the rest is routed.
    pub base_path: String,
    /// `PROXY_IGNORE_QUERY`: query parameters a framework adds to the request (Next.js adds
    /// its catch-all segment, `path`), removed before the query is validated.
    pub ignore_query: Vec<String>,
    /// `UPSTREAM_SHARE_MS`: how long a 2xx upstream read is shared between callers (0: no
    /// sharing at all; see [`super::share`]).
    pub share_ms: u64,
    /// The watchdog: `ALERT_WEBHOOKS`, their secrets, `ALERT_STUCK_AFTER`, `ALERT_EVERY`.
    pub alerts: AlertConfig,
}

/// Default `ALERT_EVERY` (seconds): where the proxy keeps its own timer.
pub const DEFAULT_ALERT_EVERY_S: u32 = 300;

/// The watchdog's configuration. `Debug` names the webhooks by kind and place only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertConfig {
    /// `ALERT_WEBHOOKS` (with `ALERT_FEISHU_SECRET`, `ALERT_DINGTALK_SECRET`); empty: the
    /// scheduled check posts nothing (it still runs, and `/api/attention` answers).
    pub webhooks: Vec<Webhook>,
    /// `ALERT_STUCK_AFTER`: one threshold for every task, else per task type.
    pub stuck_after: crate::attention::StuckAfter,
    /// `ALERT_EVERY`: seconds between the checks of a proxy that keeps its own timer.
    pub every_s: u32,
}

impl ProxyConfig {
    /// Who the proxy calls DCS as ([`super::share::identity`]): the key of shared reads.
    pub fn upstream_identity(&self) -> String {
        super::share::identity(&self.endpoint.base_url(), &self.project_id, &self.auth)
    }
}

impl core::fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ProxyConfig")
            .field("auth", &self.auth)
            .field("project_id", &self.project_id)
            .field("endpoint", &self.endpoint.base_url())
            .field("allowed_origins", &self.allowed_origins)
            .field(
                "proxy_token",
                &self.proxy_token.as_ref().map(|_| "[redacted]"),
            )
            .field("public_read", &self.public_read)
            .field("trust_loopback", &self.trust_loopback)
            .field("allowed_instances", &self.allowed_instances)
            .field("enable_delete", &self.enable_delete)
            .field("base_path", &self.base_path)
            .field("ignore_query", &self.ignore_query)
            .field("alerts", &self.alerts)
            .field("share_ms", &self.share_ms)
            .finish()
    }
}

/// A configuration problem: the variable's name, never its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

fn cfg_err(variable: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        message: cat(&[variable, " ", &message.into()]),
    }
}

/// The environment as the readers see it: a variable that is absent, empty or blank is unset.
struct Env<F: Fn(&str) -> Option<String>>(F);

impl<F: Fn(&str) -> Option<String>> Env<F> {
    fn get(&self, k: &str) -> Option<String> {
        (self.0)(k).filter(|v| !v.trim().is_empty())
    }
}

type Read<T> = Result<T, ConfigError>;

fn list(v: &str) -> Vec<String> {
    v.split(',')
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| s.to_string())
        .collect()
}

fn flag(variable: &'static str, v: Option<String>) -> Read<bool> {
    match v.as_deref().map(|s| s.trim().to_ascii_lowercase()) {
        None => Ok(false),
        Some(s) if s.is_empty() || s == "0" || s == "false" || s == "no" || s == "off" => Ok(false),
        Some(s) if s == "1" || s == "true" || s == "yes" || s == "on" => Ok(true),
        Some(_) => Err(cfg_err(variable, "must be true or false")),
    }
}

fn number(
    variable: &'static str,
    v: Option<String>,
    min: u64,
    max: u64,
    default: u64,
) -> Read<u64> {
    let Some(s) = v else { return Ok(default) };
    let t = s.trim();
    match dcs_tasks_parse::text::digits(t.strip_prefix('+').unwrap_or(t)) {
        Some(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(cfg_err(
            variable,
            cat(&[
                "must be an integer from ",
                &min.to_string(),
                " to ",
                &max.to_string(),
            ]),
        )),
    }
}

/// An `ALLOWED_ORIGINS` entry as a browser writes `Origin` (lower-cased, no default port),
/// or `None` when it is not a bare `scheme://host[:port]`.
fn canonical_origin(o: &str) -> Option<String> {
    let u = crate::url::parse(o).ok()?;
    (u.path.is_empty() && u.query.is_none()).then(|| u.origin())
}

// ------------------------------------------------------------------- one reader per variable

fn project_id(env: &Env<impl Fn(&str) -> Option<String>>) -> Read<String> {
    const V: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
    let p = env.get(V).ok_or_else(|| cfg_err(V, "is not set"))?;
    query::check_id(Field::ProjectId, &p)
        .map_err(|_| cfg_err(V, "must be 1-64 characters of A-Z a-z 0-9 - _"))?;
    Ok(p)
}

/// `DCS_ENDPOINT`, else `DCS_REGION`.
fn upstream_endpoint(env: &Env<impl Fn(&str) -> Option<String>>) -> Read<Endpoint> {
    match (env.get("DCS_ENDPOINT"), env.get("DCS_REGION")) {
        (Some(e), _) => endpoint::parse_endpoint(e.trim())
            .map_err(|e| cfg_err("DCS_ENDPOINT", e.problem_text(Field::snake))),
        (None, Some(r)) => endpoint::region_endpoint(r.trim()).map_err(|_| {
            cfg_err(
                "DCS_REGION",
                "is not a known DCS region (set DCS_ENDPOINT instead)",
            )
        }),
        (None, None) => Err(cfg_err("DCS_REGION", "or DCS_ENDPOINT must be set")),
    }
}

/// The variable that holds a credential's field.
fn credential_var(f: Field) -> &'static str {
    match f {
        Field::Ak => "HUAWEICLOUD_SDK_AK",
        Field::SecurityToken => "HUAWEICLOUD_SDK_SECURITY_TOKEN",
        _ => "HUAWEICLOUD_SDK_SK",
    }
}

/// `HUAWEICLOUD_SDK_AK` + `HUAWEICLOUD_SDK_SK` (+ `HUAWEICLOUD_SDK_SECURITY_TOKEN`), else
/// `DCS_AUTH_TOKEN`.
fn upstream_auth(env: &Env<impl Fn(&str) -> Option<String>>) -> Read<Auth> {
    let (ak, sk) = (env.get("HUAWEICLOUD_SDK_AK"), env.get("HUAWEICLOUD_SDK_SK"));
    match (ak, sk, env.get("DCS_AUTH_TOKEN")) {
        (Some(ak), Some(sk), _) => {
            let token = env.get("HUAWEICLOUD_SDK_SECURITY_TOKEN");
            Credentials::new(ak, sk, token)
                .map(Auth::AkSk)
                .map_err(|e| cfg_err(credential_var(e.field), "is not a valid credential"))
        }
        (Some(_), None, _) => Err(cfg_err(
            "HUAWEICLOUD_SDK_SK",
            "is not set (HUAWEICLOUD_SDK_AK is)",
        )),
        (None, Some(_), _) => Err(cfg_err(
            "HUAWEICLOUD_SDK_AK",
            "is not set (HUAWEICLOUD_SDK_SK is)",
        )),
        (None, None, Some(t)) if is_token_text(&t) => Ok(Auth::Token(t)),
        (None, None, Some(_)) => Err(cfg_err(
            "DCS_AUTH_TOKEN",
            "must be printable ASCII without spaces",
        )),
        (None, None, None) => Err(cfg_err(
            "HUAWEICLOUD_SDK_AK",
            "and HUAWEICLOUD_SDK_SK (or DCS_AUTH_TOKEN) must be set",
        )),
    }
}

fn allowed_origins(env: &Env<impl Fn(&str) -> Option<String>>) -> Read<Vec<String>> {
    const V: &str = "ALLOWED_ORIGINS";
    let entries = env.get(V).map(|v| list(&v)).unwrap_or_default();
    entries
        .iter()
        .map(|o| canonical_origin(o))
        .collect::<Option<Vec<String>>>()
        .ok_or_else(|| {
            cfg_err(
                V,
                "must be a comma-separated list of origins like https://console.example.com (no path, no trailing slash, no *)",
            )
        })
}

fn proxy_token(env: &Env<impl Fn(&str) -> Option<String>>) -> Read<Option<String>> {
    const V: &str = "PROXY_TOKEN";
    match env.get(V) {
        Some(t) if t.len() < 16 || !is_token_text(&t) => {
            Err(cfg_err(V, "must be at least 16 printable ASCII characters"))
        }
        t => Ok(t),
    }
}

fn allowed_instances(env: &Env<impl Fn(&str) -> Option<String>>) -> Read<Option<Vec<String>>> {
    const V: &str = "ALLOWED_INSTANCES";
    let Some(v) = env.get(V) else { return Ok(None) };
    let l = list(&v);
    if l.is_empty()
        || l.iter()
            .any(|i| query::check_id(Field::InstanceId, i).is_err())
    {
        return Err(cfg_err(V, "must be a comma-separated list of instance IDs"));
    }
    Ok(Some(l))
}

fn demo_instance(env: &Env<impl Fn(&str) -> Option<String>>) -> Read<Option<String>> {
    const V: &str = "DEMO_INSTANCE";
    let Some(d) = env.get(V) else { return Ok(None) };
    query::check_id(Field::InstanceId, &d).map_err(|_| cfg_err(V, "is not a valid instance ID"))?;
    Ok(Some(d))
}

fn public_read(env: &Env<impl Fn(&str) -> Option<String>>) -> Read<bool> {
    match env
        .get("PUBLIC_ACCESS")
        .map(|v| v.trim().to_ascii_lowercase())
    {
        None => Ok(false),
        Some(v) if v == "none" => Ok(false),
        Some(v) if v == "read" => Ok(true),
        Some(_) => Err(cfg_err("PUBLIC_ACCESS", "must be read or none")),
    }
}

/// Every query parameter some route takes (`PROXY_IGNORE_QUERY` may not name one; the routes read
/// theirs from here, so that the configuration does not import the routes).
pub const QUERY_KEYS: [&str; 13] = [
    "offset",
    "limit",
    "start_time",
    "end_time",
    "all",
    "name",
    "status",
    "instance_id",
    "include_failure",
    "include_delete",
    "name_equal",
    "tags",
    "ip",
];

/// Longest `PROXY_BASE_PATH`.
pub const MAX_BASE_PATH_LEN: usize = 256;

/// One path segment of a mount point: unreserved URL characters only (nothing to decode).
fn is_mount_segment(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// `PROXY_BASE_PATH`: `/` or unset is the root; else `/seg[/seg...]` (a trailing slash is
/// dropped).
fn base_path(env: &Env<impl Fn(&str) -> Option<String>>) -> Read<String> {
    const V: &str = "PROXY_BASE_PATH";
    let Some(v) = env.get(V) else {
        return Ok(String::new());
    };
    let p = v.trim();
    let p = p.strip_suffix('/').unwrap_or(p);
    let ok = p.is_empty()
        || (p.len() <= MAX_BASE_PATH_LEN
            && p.starts_with('/')
            && p.get(1..).unwrap_or("").split('/').all(is_mount_segment));
    if !ok {
        return Err(cfg_err(
            V,
            "must be a path like /dcs (segments of A-Z a-z 0-9 - . _ ~, no . or ..)",
        ));
    }
    Ok(p.to_string())
}

/// `PROXY_IGNORE_QUERY`: comma-separated query parameter names, each a route's own parameter
/// never (the proxy's own parameters cannot be ignored).
fn ignore_query(env: &Env<impl Fn(&str) -> Option<String>>) -> Read<Vec<String>> {
    const V: &str = "PROXY_IGNORE_QUERY";
    let names = env.get(V).map(|v| list(&v)).unwrap_or_default();
    let bad = |n: &String| {
        n.len() > 64
            || !n
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            || QUERY_KEYS.contains(&n.as_str())
    };
    if names.len() > 16 || names.iter().any(bad) {
        return Err(cfg_err(
            V,
            "must be a comma-separated list of at most 16 query parameter names (A-Z a-z 0-9 - _ .), none of the proxy's own",
        ));
    }
    Ok(names)
}

/// `ALERT_WEBHOOKS`, the signing secrets, `ALERT_STUCK_AFTER`, `ALERT_EVERY`: errors name
/// the variable (and the webhook's place), never a URL or a secret.
fn alerts(env: &Env<impl Fn(&str) -> Option<String>>) -> Read<AlertConfig> {
    const V: &str = "ALERT_WEBHOOKS";
    let mut secrets: Vec<(WebhookKind, String)> = Vec::new();
    for k in WebhookKind::ALL {
        let Some(var) = k.secret_variable() else {
            continue;
        };
        if let Some(s) = env.get(var) {
            if !webhook::valid_secret(s.trim()) {
                return Err(cfg_err(
                    var,
                    "must be at most 256 printable ASCII characters without spaces",
                ));
            }
            secrets.push((k, s.trim().to_string()));
        }
    }
    let secret = |k: WebhookKind| {
        secrets
            .iter()
            .find(|(x, _)| *x == k)
            .map(|(_, s)| s.clone())
    };
    let webhooks = match env.get(V) {
        Some(v) => webhook::parse_webhooks(&v, secret).map_err(|m| cfg_err(V, m))?,
        None => Vec::new(),
    };
    for (k, _) in &secrets {
        if !webhooks.iter().any(|w| w.kind == *k) {
            let var = k.secret_variable().unwrap_or(V);
            return Err(cfg_err(
                var,
                cat(&["is set but ALERT_WEBHOOKS has no ", k.as_str(), " webhook"]),
            ));
        }
    }
    let stuck = env
        .get("ALERT_STUCK_AFTER")
        .map_or(query::Arg::Absent, query::Arg::Str);
    let stuck_after = crate::attention::StuckAfter::parse(&stuck, Field::StuckAfter)
        .map_err(|e| cfg_err("ALERT_STUCK_AFTER", e.problem_text(Field::snake)))?;
    let every_s = number(
        "ALERT_EVERY",
        env.get("ALERT_EVERY"),
        10,
        86_400,
        DEFAULT_ALERT_EVERY_S as u64,
    )? as u32;
    Ok(AlertConfig {
        webhooks,
        stuck_after,
        every_s,
    })
}

impl ProxyConfig {
    /// The request target as the routes see it: `target` with [`Self::base_path`] taken off
    /// and the [`Self::ignore_query`] parameters removed; `None` when it is outside the base
    /// path. `/dcs` and `/dcs/` are both the root `/`.
    pub fn mounted_target(&self, target: &str) -> Option<String> {
        let rest = target.strip_prefix(self.base_path.as_str())?;
        let rest = match rest.as_bytes().first() {
            None => "/",
            Some(b'/') => rest,
            Some(b'?') => {
                return Some(self.without_ignored(&cat(&["/", rest])));
            }
            Some(_) => return None,
        };
        Some(self.without_ignored(rest))
    }

    /// A page opened at the mount point without its slash (`GET /dcs`): where to redirect it
    /// (`/dcs/`, the query kept), so that the page's relative URLs resolve under the mount.
    pub fn mount_redirect(&self, method: &str, target: &str) -> Option<String> {
        let (path, query) = target
            .split_once('?')
            .map_or((target, None), |(p, q)| (p, Some(q)));
        if self.base_path.is_empty() || path != self.base_path || !matches!(method, "GET" | "HEAD")
        {
            return None;
        }
        let query = query.filter(|q| q.bytes().all(|b| b.is_ascii_graphic()) && q.len() <= 2048);
        Some(match query {
            Some(q) => cat(&[path, "/?", q]),
            None => cat(&[path, "/"]),
        })
    }

    /// `target` without the ignored query parameters (a key matched as sent, not decoded:
    /// an encoded key is never one of them).
    fn without_ignored(&self, target: &str) -> String {
        let Some((path, query)) = target.split_once('?') else {
            return target.to_string();
        };
        if self.ignore_query.is_empty() {
            return target.to_string();
        }
        let kept: Vec<&str> = query
            .split('&')
            .filter(|kv| {
                let k = kv.split_once('=').map_or(*kv, |(k, _)| k);
                !self.ignore_query.iter().any(|n| n == k)
            })
            .collect();
        if kept.is_empty() {
            path.to_string()
        } else {
            cat(&[path, "?", &kept.join("&")])
        }
    }

    /// Is `TRUST_LOOPBACK` set to true? Read on its own, for a configuration that failed as a
    /// whole: only then is a loopback caller told which variable is wrong.
    pub fn loopback_trusted(get: impl Fn(&str) -> Option<String>) -> bool {
        flag("TRUST_LOOPBACK", Env(get).get("TRUST_LOOPBACK")).unwrap_or(false)
    }

    /// The budget of one request (started at `now_ms`): [`Self::request_timeout_ms`] and
    /// [`Self::max_request_bytes`] across all its upstream calls.
    pub fn request_budget(&self, now_ms: f64) -> crate::call::Budget {
        crate::call::Budget::new(
            now_ms,
            self.request_timeout_ms,
            self.max_request_bytes,
            ("REQUEST_TIMEOUT_MS", "MAX_REQUEST_BYTES"),
        )
    }

    /// Reads the configuration; `get` returns a variable's value (absent or empty = unset).
    /// The readers run in the order of the fields below.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<ProxyConfig, ConfigError> {
        let env = Env(get);
        Ok(ProxyConfig {
            project_id: project_id(&env)?,
            endpoint: upstream_endpoint(&env)?,
            auth: upstream_auth(&env)?,
            allowed_origins: allowed_origins(&env)?,
            proxy_token: proxy_token(&env)?,
            allowed_instances: allowed_instances(&env)?,
            demo_instance: demo_instance(&env)?,
            public_read: public_read(&env)?,
            trust_loopback: flag("TRUST_LOOPBACK", env.get("TRUST_LOOPBACK"))?,
            enable_delete: flag("ENABLE_DELETE", env.get("ENABLE_DELETE"))?,
            upstream_timeout_ms: number(
                "UPSTREAM_TIMEOUT_MS",
                env.get("UPSTREAM_TIMEOUT_MS"),
                100,
                120_000,
                DEFAULT_UPSTREAM_TIMEOUT_MS as u64,
            )? as u32,
            max_upstream_bytes: number(
                "MAX_UPSTREAM_BYTES",
                env.get("MAX_UPSTREAM_BYTES"),
                1024,
                64 * 1024 * 1024,
                DEFAULT_MAX_UPSTREAM_BYTES as u64,
            )? as usize,
            request_timeout_ms: number(
                "REQUEST_TIMEOUT_MS",
                env.get("REQUEST_TIMEOUT_MS"),
                100,
                600_000,
                DEFAULT_REQUEST_TIMEOUT_MS as u64,
            )? as u32,
            max_request_bytes: number(
                "MAX_REQUEST_BYTES",
                env.get("MAX_REQUEST_BYTES"),
                1024,
                1024 * 1024 * 1024,
                DEFAULT_MAX_REQUEST_BYTES,
            )?,
            base_path: base_path(&env)?,
            ignore_query: ignore_query(&env)?,
            alerts: alerts(&env)?,
            share_ms: number(
                "UPSTREAM_SHARE_MS",
                env.get("UPSTREAM_SHARE_MS"),
                0,
                super::share::MAX_SHARE_MS,
                super::share::DEFAULT_SHARE_MS,
            )?,
        })
    }
}
