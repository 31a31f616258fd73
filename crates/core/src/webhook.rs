//! The watchdog's webhooks (sans-IO): `ALERT_WEBHOOKS` read ([`parse_webhooks`]), each
//! run's events as the request a webhook takes in its service's own format
//! ([`Webhook::post`]: `generic` JSON, Slack incoming webhooks, Feishu/Lark custom bots,
//! DingTalk custom robots, WeCom group robots; the Feishu and DingTalk signatures when a
//! secret is given), and what its answer means ([`outcome`]: delivered, retry after a delay,
//! or refused). A URL or secret never appears in an error or a `Debug` output.

use base64::Engine;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde::Serialize;

use dcs_tasks_parse::model::to_json;

use crate::sign::{hex, hmac_sha256, sha256};
use crate::watchdog::Event;

/// Most webhooks `ALERT_WEBHOOKS` may list.
pub const MAX_WEBHOOKS: usize = 10;
/// Longest webhook URL.
pub const MAX_URL_LEN: usize = 2048;
/// Attempts of one post (the first and its retries), within the run's deadline.
pub const MAX_ATTEMPTS: u32 = 4;
/// The first retry's delay; each next one doubles, up to [`MAX_RETRY_DELAY_MS`].
pub const FIRST_RETRY_DELAY_MS: u64 = 1_000;
pub const MAX_RETRY_DELAY_MS: u64 = 30_000;
/// Events listed one per line in a chat message (the rest counted).
pub const MAX_CHAT_LINES: usize = 20;
/// Bytes of a webhook's answer that are read (the rest is not needed to judge it).
pub const MAX_ANSWER_BYTES: usize = 4096;

/// A webhook's kind: its message format and signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookKind {
    Generic,
    Slack,
    Feishu,
    Dingtalk,
    Wecom,
}

impl WebhookKind {
    pub const ALL: [WebhookKind; 5] = [
        WebhookKind::Generic,
        WebhookKind::Slack,
        WebhookKind::Feishu,
        WebhookKind::Dingtalk,
        WebhookKind::Wecom,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WebhookKind::Generic => "generic",
            WebhookKind::Slack => "slack",
            WebhookKind::Feishu => "feishu",
            WebhookKind::Dingtalk => "dingtalk",
            WebhookKind::Wecom => "wecom",
        }
    }

    /// The variable holding the signing secret of this kind's webhooks, if it signs.
    pub fn secret_variable(self) -> Option<&'static str> {
        match self {
            WebhookKind::Feishu => Some("ALERT_FEISHU_SECRET"),
            WebhookKind::Dingtalk => Some("ALERT_DINGTALK_SECRET"),
            _ => None,
        }
    }

    /// Longest text of a chat message (the services' limits, with room to spare: WeCom takes
    /// 2,048 bytes of text, DingTalk 20,000, Slack and Feishu more).
    fn max_text(self) -> usize {
        match self {
            WebhookKind::Wecom => 2_000,
            _ => 8_000,
        }
    }
}

/// One webhook. `Debug` shows the kind and its position only.
#[derive(Clone, PartialEq, Eq)]
pub struct Webhook {
    pub kind: WebhookKind,
    /// Its place in `ALERT_WEBHOOKS` (1-based): how logs name it.
    pub index: usize,
    pub url: String,
    pub secret: Option<String>,
}

impl core::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.name())
    }
}

/// Reads `ALERT_WEBHOOKS` (comma-separated `kind:url`); `secret` gives each signing kind's
/// secret. The error says what is wrong and which entry, never a URL.
pub fn parse_webhooks(
    value: &str,
    secret: impl Fn(WebhookKind) -> Option<String>,
) -> Result<Vec<Webhook>, String> {
    let entries: Vec<&str> = value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if entries.len() > MAX_WEBHOOKS {
        return Err(format!("lists more than {MAX_WEBHOOKS} webhooks"));
    }
    let mut out = Vec::with_capacity(entries.len());
    for (n, e) in entries.iter().enumerate() {
        let index = n + 1;
        let (kind, url) = e.split_once(':').unwrap_or((e, ""));
        let kind = WebhookKind::ALL
            .into_iter()
            .find(|k| k.as_str() == kind.trim().to_ascii_lowercase())
            .ok_or_else(|| {
                format!(
                    "entry {index} must be kind:url with kind generic, slack, feishu, dingtalk or wecom"
                )
            })?;
        check_url(url.trim())
            .map_err(|m| format!("entry {index} ({}): the URL {m}", kind.as_str()))?;
        out.push(Webhook {
            kind,
            index,
            url: url.trim().to_string(),
            secret: secret(kind),
        });
    }
    Ok(out)
}

/// A webhook URL: `https://`, or `http://` to a loopback host (a local receiver).
fn check_url(url: &str) -> Result<(), &'static str> {
    if url.len() > MAX_URL_LEN {
        return Err("is too long");
    }
    let u = crate::url::parse(url).map_err(|_| "is not a valid http(s) URL")?;
    if u.scheme != "https" && !u.is_loopback() {
        return Err("must be https:// (http:// only for a loopback host)");
    }
    Ok(())
}

/// Is a signing secret usable (printable ASCII, no spaces, at most 256 characters)?
pub fn valid_secret(s: &str) -> bool {
    !s.is_empty() && s.len() <= 256 && s.bytes().all(|b| b.is_ascii_graphic())
}

/// A run's notice: what every webhook is told.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Notice<'a> {
    pub project_id: &'a str,
    pub checked_at: String,
    pub events: &'a [Event],
    /// How many of `events`, the first ones, an earlier check could not deliver (omitted: 0).
    #[serde(skip_serializing_if = "is_zero")]
    pub redelivered: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A request to post: JSON to `url`.
#[derive(Clone, PartialEq, Eq)]
pub struct Post {
    pub url: String,
    pub body: String,
}

impl core::fmt::Debug for Post {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Post([redacted])")
    }
}

#[derive(Serialize)]
struct SlackBody<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct TextContent<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct FeishuBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sign: Option<String>,
    msg_type: &'static str,
    content: TextContent<'a>,
}

#[derive(Serialize)]
struct Content<'a> {
    content: &'a str,
}

/// DingTalk's and WeCom's text message.
#[derive(Serialize)]
struct RobotBody<'a> {
    msgtype: &'static str,
    text: Content<'a>,
}

impl Webhook {
    /// How logs name it: its kind and place, never its URL.
    pub fn name(&self) -> String {
        format!("webhook {} ({})", self.index, self.kind.as_str())
    }

    /// How the watchdog's state names it (what it is yet to take): its kind and the start of
    /// its URL's SHA-256, never the URL (whose token is a secret). Another URL is another
    /// webhook: what the old one did not take is not posted to the new one.
    pub fn key(&self) -> String {
        let digest = sha256(self.url.as_bytes());
        format!("{}:{}", self.kind.as_str(), hex(&digest[..12]))
    }

    /// The request telling `notice` to this webhook at `now_ms` (the signatures' time).
    pub fn post(&self, notice: &Notice, now_ms: i64) -> Post {
        let text = chat_text(notice, self.kind.max_text());
        let secret = self.secret.as_deref();
        let (url, body) = match self.kind {
            WebhookKind::Generic => (self.url.clone(), to_json(notice)),
            WebhookKind::Slack => (self.url.clone(), to_json(&SlackBody { text: &text })),
            WebhookKind::Feishu => {
                let ts = (now_ms.div_euclid(1000)).to_string();
                let sign = secret.map(|s| feishu_sign(&ts, s));
                let body = FeishuBody {
                    timestamp: sign.as_ref().map(|_| ts),
                    sign,
                    msg_type: "text",
                    content: TextContent { text: &text },
                };
                (self.url.clone(), to_json(&body))
            }
            WebhookKind::Dingtalk | WebhookKind::Wecom => {
                let url = match (self.kind, secret) {
                    (WebhookKind::Dingtalk, Some(s)) => {
                        let ts = now_ms.to_string();
                        let sep = if self.url.contains('?') { '&' } else { '?' };
                        format!(
                            "{}{sep}timestamp={ts}&sign={}",
                            self.url,
                            dingtalk_sign(&ts, s)
                        )
                    }
                    _ => self.url.clone(),
                };
                let body = RobotBody {
                    msgtype: "text",
                    text: Content { content: &text },
                };
                (url, to_json(&body))
            }
        };
        Post { url, body }
    }
}

/// Feishu/Lark's custom bot signature: HMAC-SHA256 keyed by `timestamp + "\n" + secret` over
/// an empty message, in base64 (`timestamp` in seconds).
pub fn feishu_sign(timestamp: &str, secret: &str) -> String {
    let key = [timestamp, "\n", secret].concat();
    base64::engine::general_purpose::STANDARD.encode(hmac_sha256(key.as_bytes(), b""))
}

/// DingTalk's custom robot signature: HMAC-SHA256 of `timestamp + "\n" + secret` keyed by
/// the secret, in base64, URL-encoded (`timestamp` in milliseconds).
pub fn dingtalk_sign(timestamp: &str, secret: &str) -> String {
    let text = [timestamp, "\n", secret].concat();
    let b64 = base64::engine::general_purpose::STANDARD
        .encode(hmac_sha256(secret.as_bytes(), text.as_bytes()));
    utf8_percent_encode(&b64, NON_ALPHANUMERIC).to_string()
}

/// A chat message's text: a title line, then one line per event (at most
/// [`MAX_CHAT_LINES`], the rest counted), within `max` bytes.
pub fn chat_text(notice: &Notice, max: usize) -> String {
    let n = notice.events.len();
    let mut text = format!(
        "DCS tasks watchdog: {n} event{} in project {} (checked {})",
        if n == 1 { "" } else { "s" },
        notice.project_id,
        notice.checked_at
    );
    match notice.redelivered {
        0 => {}
        1 => text.push_str("; the first one is late: an earlier check could not post it"),
        r => text.push_str(&format!(
            "; the first {r} are late: an earlier check could not post them"
        )),
    }
    let mut listed = 0;
    for e in notice.events.iter().take(MAX_CHAT_LINES) {
        let line = format!(
            "\n- [{}] {} (since {})",
            e.kind.as_str(),
            e.message,
            e.since
        );
        if text.len() + line.len() + 40 > max {
            break;
        }
        text.push_str(&line);
        listed += 1;
    }
    if listed < n {
        text.push_str(&format!(
            "\n... and {} more: see /api/attention",
            n - listed
        ));
    }
    text
}

/// What a run's post to one webhook came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    Delivered,
    /// Not taken, and not worth posting again (a 4xx but 408/429, a service's error code): why.
    Refused(String),
    /// Every retry of the run failed (a network error or timeout, 408, 429, 5xx, a service's rate
    /// limit, the run's deadline): why. With storage, posted again by the next run.
    Failed(String),
}

/// What a webhook's answer means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    /// Try again after this many ms (408, 429, 5xx, a service's own rate limit, a network error).
    Retry(u64),
    /// Not delivered and not worth retrying: why (the status and the service's code).
    Refused(String),
}

/// The service's own code in a 200 answer (Feishu `code`/`StatusCode`, DingTalk and WeCom
/// `errcode`; 0 is success).
#[derive(serde::Deserialize, Default)]
struct ServiceCode {
    code: Option<i64>,
    #[serde(rename = "StatusCode")]
    status_code: Option<i64>,
    errcode: Option<i64>,
}

/// The services' "too many requests" codes in a 200 answer: Feishu 11232, DingTalk 130101,
/// WeCom 45009.
const RATE_LIMIT_CODES: [i64; 3] = [11232, 130101, 45009];

/// What a webhook's answer (`status`, the start of its body, its `Retry-After`) means for
/// attempt `attempt` (0 first); `status` `None` is a network error or a timeout.
pub fn outcome(
    kind: WebhookKind,
    status: Option<u16>,
    body: &str,
    retry_after: Option<&str>,
    attempt: u32,
) -> Outcome {
    let delay = retry_delay(attempt, retry_after);
    let Some(status) = status else {
        return Outcome::Retry(delay);
    };
    // 408: the webhook's server gave up waiting for the request (RFC 9110 15.5.9: may be
    // repeated); 429: too many requests; 5xx: the server's trouble. Every other status is
    // an answer about the post itself.
    if matches!(status, 408 | 429) || status >= 500 {
        return Outcome::Retry(delay);
    }
    if !(200..300).contains(&status) {
        return Outcome::Refused(format!("answered HTTP {status}"));
    }
    if matches!(kind, WebhookKind::Generic | WebhookKind::Slack) {
        return Outcome::Delivered;
    }
    let c: ServiceCode = serde_json::from_str(body).unwrap_or_default();
    match c.code.or(c.status_code).or(c.errcode) {
        None | Some(0) => Outcome::Delivered,
        Some(code) if RATE_LIMIT_CODES.contains(&code) => Outcome::Retry(delay),
        Some(code) => Outcome::Refused(format!("answered HTTP {status} with error code {code}")),
    }
}

/// The delay before retry `attempt + 1`: `Retry-After` (seconds) when given, else doubling
/// from [`FIRST_RETRY_DELAY_MS`]; at most [`MAX_RETRY_DELAY_MS`].
pub fn retry_delay(attempt: u32, retry_after: Option<&str>) -> u64 {
    let given = retry_after
        .and_then(|s| dcs_tasks_parse::text::digits(s.trim()))
        .map(|s| s.saturating_mul(1000));
    given
        .unwrap_or(FIRST_RETRY_DELAY_MS.saturating_mul(1 << attempt.min(16)))
        .min(MAX_RETRY_DELAY_MS)
}

#[cfg(test)]
mod tests;
