//! Request building and argument validation.

use crate::endpoint::{self, Endpoint};
use crate::error::{DcsError, Result};
use crate::time::{self, TimeForm};

/// Largest accepted `limit` (page size). The API documents no bound; DCS list
/// APIs cap pages at 1000 elsewhere, and larger pages only make slower responses.
pub const MAX_LIMIT: u32 = 1000;
/// Largest accepted ID length.
pub const MAX_ID_LEN: usize = 64;

/// An HTTP request as plain data: what `fetch` needs, and what the signer signs.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: String,
    pub url: String,
    /// Header names as they will be sent (case kept), in order.
    pub headers: Vec<(String, String)>,
}

impl HttpRequest {
    /// First value of a header, matched case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Sets a header, replacing any value under the same name (any case).
    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.headers.push((name.to_string(), value.into()));
    }
}

/// Secret-bearing headers are redacted: `Debug` output is safe to log.
impl core::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let secret = ["authorization", "x-auth-token", "x-security-token"]
                    .iter()
                    .any(|s| k.eq_ignore_ascii_case(s));
                (k.as_str(), if secret { "[redacted]" } else { v.as_str() })
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .finish()
    }
}

/// A loosely typed argument as it arrives from JS (or any dynamic caller): the
/// validation below decides what each shape means for each field.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// `undefined` or `null`.
    Absent,
    Str(String),
    Num(f64),
    /// A `Date`, as its epoch milliseconds (NaN for an invalid Date).
    Date(f64),
    /// Anything else; the string names its type for the error message.
    Other(String),
}

impl Arg {
    fn type_name(&self) -> &str {
        match self {
            Arg::Absent => "nothing",
            Arg::Str(_) => "a string",
            Arg::Num(_) => "a number",
            Arg::Date(_) => "a Date",
            Arg::Other(t) => t,
        }
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Str(s.to_string())
    }
}

/// Validates an ID (project, instance, task): 1..=64 of `[A-Za-z0-9_-]`.
pub fn validate_id<'a>(field: &str, arg: &'a Arg) -> Result<&'a str> {
    match arg {
        Arg::Str(s) => {
            check_id(field, s)?;
            Ok(s)
        }
        Arg::Absent => Err(DcsError::invalid_argument(field, "is required")),
        other => Err(DcsError::invalid_argument(
            field,
            format!("must be a string, got {}", other.type_name()),
        )),
    }
}

/// The ID rule on a plain string.
pub fn check_id(field: &str, s: &str) -> Result<()> {
    if s.is_empty() {
        return Err(DcsError::invalid_argument(field, "must not be empty"));
    }
    if s.len() > MAX_ID_LEN {
        return Err(DcsError::invalid_argument(
            field,
            format!(
                "must be at most {MAX_ID_LEN} characters, got {}",
                s.chars().count()
            ),
        ));
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(DcsError::invalid_argument(
            field,
            format!("may hold only A-Z a-z 0-9 - _, found {c:?}"),
        ));
    }
    Ok(())
}

fn optional_str<'a>(field: &str, arg: &'a Arg) -> Result<Option<&'a str>> {
    match arg {
        Arg::Absent => Ok(None),
        Arg::Str(s) => Ok(Some(s)),
        other => Err(DcsError::invalid_argument(
            field,
            format!("must be a string, got {}", other.type_name()),
        )),
    }
}

/// Resolves `endpoint` / `region` arguments.
pub fn resolve_endpoint(endpoint: &Arg, region: &Arg) -> Result<Endpoint> {
    let e = optional_str("endpoint", endpoint)?;
    let r = optional_str("region", region)?;
    endpoint::resolve(e, r)
}

/// An integer argument within `min..=max`: a JS number that is an integer, or a
/// string of decimal digits (as query strings carry them).
pub fn validate_int(field: &str, arg: &Arg, min: u32, max: u32) -> Result<Option<u32>> {
    let range = || format!("must be an integer from {min} to {max}");
    let v: f64 = match arg {
        Arg::Absent => return Ok(None),
        Arg::Num(n) => {
            if !n.is_finite() || n.fract() != 0.0 {
                return Err(DcsError::invalid_argument(
                    field,
                    format!("{}, got {n}", range()),
                ));
            }
            *n
        }
        Arg::Str(s) => {
            if s.is_empty() || s.len() > 10 || !s.bytes().all(|b| b.is_ascii_digit()) {
                let shown: String = s.chars().take(20).collect();
                return Err(DcsError::invalid_argument(
                    field,
                    format!("{}, got the string {shown:?}", range()),
                ));
            }
            s.parse::<u64>().unwrap_or(u64::MAX) as f64
        }
        other => {
            return Err(DcsError::invalid_argument(
                field,
                format!("{}, got {}", range(), other.type_name()),
            ))
        }
    };
    if v < min as f64 || v > max as f64 {
        return Err(DcsError::invalid_argument(
            field,
            format!("{}, got {v}", range()),
        ));
    }
    Ok(Some(v as u32))
}

/// A time argument: a Date, epoch milliseconds, an ISO-8601 string with a zone, or
/// the API's `yyyyMMddHHmmss` (UTC). Returns epoch milliseconds.
pub fn validate_time(field: &str, arg: &Arg) -> Result<Option<i64>> {
    let ms = match arg {
        Arg::Absent => return Ok(None),
        Arg::Date(ms) | Arg::Num(ms) => {
            let what = if matches!(arg, Arg::Date(_)) {
                "Date"
            } else {
                "epoch milliseconds"
            };
            if !ms.is_finite() {
                return Err(DcsError::invalid_argument(
                    field,
                    format!("is an invalid {what}"),
                ));
            }
            if ms.fract() != 0.0 {
                return Err(DcsError::invalid_argument(
                    field,
                    "epoch milliseconds must be an integer",
                ));
            }
            if *ms < time::MIN_MS as f64 || *ms > time::MAX_MS as f64 {
                return Err(DcsError::invalid_argument(
                    field,
                    format!("{what} is outside 1970-01-01..9999-12-31"),
                ));
            }
            *ms as i64
        }
        Arg::Str(s) => match time::parse_timestamp(s) {
            Ok((_, TimeForm::NoZone)) => {
                return Err(DcsError::invalid_argument(
                    field,
                    "an ISO-8601 time needs a zone (Z or ±HH:MM)",
                ))
            }
            Ok((ms, _)) => ms,
            Err(m) => {
                let shown: String = s.chars().take(40).collect();
                return Err(DcsError::invalid_argument(field, format!("{m}: {shown:?}")));
            }
        },
        Arg::Other(t) => {
            return Err(DcsError::invalid_argument(
                field,
                format!("must be a Date, epoch milliseconds or a string, got {t}"),
            ))
        }
    };
    Ok(Some(ms))
}

/// Validated query of the list call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    pub offset: Option<u32>,
    pub limit: Option<u32>,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
}

impl ListQuery {
    /// Validates the four query arguments (JS names in errors).
    pub fn validate(offset: &Arg, limit: &Arg, start: &Arg, end: &Arg) -> Result<ListQuery> {
        let q = ListQuery {
            offset: validate_int("offset", offset, 0, i32::MAX as u32)?,
            limit: validate_int("limit", limit, 1, MAX_LIMIT)?,
            start_ms: validate_time("startTime", start)?,
            end_ms: validate_time("endTime", end)?,
        };
        if let (Some(s), Some(e)) = (q.start_ms, q.end_ms) {
            if s > e {
                return Err(DcsError::invalid_argument(
                    "startTime",
                    "must not be after endTime",
                ));
            }
        }
        Ok(q)
    }

    /// `offset=0&limit=10&start_time=...&end_time=...` (only the given ones; never `begin_time`).
    /// Times are sent at whole seconds: the API's format has no milliseconds.
    pub fn to_query_string(&self) -> String {
        let mut parts: Vec<String> = Vec::with_capacity(4);
        if let Some(o) = self.offset {
            parts.push(format!("offset={o}"));
        }
        if let Some(l) = self.limit {
            parts.push(format!("limit={l}"));
        }
        if let Some(s) = self.start_ms {
            parts.push(format!("start_time={}", time::format_api_time(s)));
        }
        if let Some(e) = self.end_ms {
            parts.push(format!("end_time={}", time::format_api_time(e)));
        }
        parts.join("&")
    }
}

/// `/v2/{project}/instances/{instance}/tasks` (IDs must be validated already).
pub fn tasks_path(project_id: &str, instance_id: &str) -> String {
    format!("/v2/{project_id}/instances/{instance_id}/tasks")
}

fn request(method: &str, ep: &Endpoint, path: &str, query: &str, project_id: &str) -> HttpRequest {
    let mut url = ep.base_url();
    url.push_str(path);
    if !query.is_empty() {
        url.push('?');
        url.push_str(query);
    }
    HttpRequest {
        method: method.to_string(),
        url,
        headers: vec![
            ("Content-Type".to_string(), "application/json".to_string()),
            ("X-Project-Id".to_string(), project_id.to_string()),
        ],
    }
}

/// `GET .../tasks?...` from validated parts.
pub fn list_request(
    ep: &Endpoint,
    project_id: &str,
    instance_id: &str,
    q: &ListQuery,
) -> HttpRequest {
    request(
        "GET",
        ep,
        &tasks_path(project_id, instance_id),
        &q.to_query_string(),
        project_id,
    )
}

/// `GET .../tasks/{task_id}/progress` from validated parts.
pub fn progress_request(
    ep: &Endpoint,
    project_id: &str,
    instance_id: &str,
    task_id: &str,
) -> HttpRequest {
    let path = format!("{}/{task_id}/progress", tasks_path(project_id, instance_id));
    request("GET", ep, &path, "", project_id)
}

/// `DELETE .../tasks/{task_id}` from validated parts.
pub fn delete_request(
    ep: &Endpoint,
    project_id: &str,
    instance_id: &str,
    task_id: &str,
) -> HttpRequest {
    let path = format!("{}/{task_id}", tasks_path(project_id, instance_id));
    request("DELETE", ep, &path, "", project_id)
}

/// The arguments of `buildListTasksRequest`.
#[derive(Debug, Clone, PartialEq)]
pub struct ListTasksInput {
    pub endpoint: Arg,
    pub region: Arg,
    pub project_id: Arg,
    pub instance_id: Arg,
    pub offset: Arg,
    pub limit: Arg,
    pub start_time: Arg,
    pub end_time: Arg,
}

impl Default for ListTasksInput {
    fn default() -> Self {
        ListTasksInput {
            endpoint: Arg::Absent,
            region: Arg::Absent,
            project_id: Arg::Absent,
            instance_id: Arg::Absent,
            offset: Arg::Absent,
            limit: Arg::Absent,
            start_time: Arg::Absent,
            end_time: Arg::Absent,
        }
    }
}

/// Validates everything and builds the list request (`buildListTasksRequest`).
/// Arguments are checked in a fixed order: endpoint/region, projectId, instanceId,
/// offset, limit, startTime, endTime.
pub fn build_list_tasks_request(input: &ListTasksInput) -> Result<HttpRequest> {
    let ep = resolve_endpoint(&input.endpoint, &input.region)?;
    let project = validate_id("projectId", &input.project_id)?;
    let instance = validate_id("instanceId", &input.instance_id)?;
    let q = ListQuery::validate(
        &input.offset,
        &input.limit,
        &input.start_time,
        &input.end_time,
    )?;
    Ok(list_request(&ep, project, instance, &q))
}
