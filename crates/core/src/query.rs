//! Request building and argument validation.

use crate::endpoint::{self, Endpoint};
use crate::field::{ArgError, Field, Problem};
pub use crate::request::HttpRequest;
use dcs_tasks_parse::error::{cat, Result};
use dcs_tasks_parse::time::{self, TimeForm};

/// Largest accepted `limit` (page size). The API documents no bound; DCS list
/// APIs cap pages at 1000 elsewhere, and larger pages only make slower responses.
pub const MAX_LIMIT: u32 = 1000;
/// Largest accepted ID length.
pub const MAX_ID_LEN: usize = 64;

/// A loosely typed argument as it arrives from JS (or any dynamic caller): the
/// validation below decides what each shape means for each field.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Arg {
    /// `undefined` or `null`.
    #[default]
    Absent,
    Str(String),
    Num(f64),
    Bool(bool),
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
            Arg::Bool(_) => "a boolean",
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

/// An argument's validation: the value, or the [`ArgError`] naming its [`Field`].
pub type ArgResult<T> = core::result::Result<T, ArgError>;

/// Validates an optional boolean (`strict`).
pub fn validate_bool(field: Field, arg: &Arg) -> ArgResult<Option<bool>> {
    match arg {
        Arg::Absent => Ok(None),
        Arg::Bool(b) => Ok(Some(*b)),
        other => Err(ArgError::new(
            field,
            cat(&["must be a boolean, got ", other.type_name()]),
        )),
    }
}

/// Validates an optional string (credentials): `None` when absent.
pub fn validate_string(field: Field, arg: &Arg) -> ArgResult<Option<String>> {
    Ok(optional_str(field, arg)?.map(str::to_string))
}

/// Validates a string that must be given (a credential): absent is `must be a string`.
pub fn required_string(field: Field, arg: &Arg) -> ArgResult<String> {
    validate_string(field, arg)?.ok_or_else(|| ArgError::new(field, "must be a string"))
}

/// Validates an ID (project, instance, task): 1..=64 of `[A-Za-z0-9_-]`.
pub fn validate_id(field: Field, arg: &Arg) -> ArgResult<&str> {
    match arg {
        Arg::Str(s) => {
            check_id(field, s)?;
            Ok(s)
        }
        Arg::Absent => Err(ArgError::new(field, "is required")),
        other => Err(not_a_string(field, other)),
    }
}

fn not_a_string(field: Field, other: &Arg) -> ArgError {
    ArgError::new(field, cat(&["must be a string, got ", other.type_name()]))
}

/// The ID rule on a plain string.
pub fn check_id(field: Field, s: &str) -> ArgResult<()> {
    if s.is_empty() {
        return Err(ArgError::new(field, "must not be empty"));
    }
    if s.len() > MAX_ID_LEN {
        let mut m = String::from("must be at most ");
        m.push_str(&(MAX_ID_LEN as u64).to_string());
        m.push_str(" characters, got ");
        m.push_str(&(s.chars().count() as u64).to_string());
        return Err(ArgError::new(field, m));
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        let mut m = String::from("may hold only A-Z a-z 0-9 - _, found ");
        m.push_str(&dcs_tasks_parse::text::quoted(
            c.encode_utf8(&mut [0; 4]),
            1,
        ));
        m.push_str(" (U+");
        let cp = c as u32;
        for shift in [20, 16, 12, 8, 4, 0] {
            let d = (cp >> shift) & 15;
            if shift < 16 || cp >> shift != 0 {
                m.push(char::from_digit(d, 16).unwrap_or('0').to_ascii_uppercase());
            }
        }
        m.push(')');
        return Err(ArgError::new(field, m));
    }
    Ok(())
}

fn optional_str(field: Field, arg: &Arg) -> ArgResult<Option<&str>> {
    str_in(arg).map_err(|m| ArgError::new(field, m))
}

/// An optional string, its problem as a sentence that names no field.
fn str_in(arg: &Arg) -> core::result::Result<Option<&str>, String> {
    match arg {
        Arg::Absent => Ok(None),
        Arg::Str(s) => Ok(Some(s)),
        other => Err(cat(&["must be a string, got ", other.type_name()])),
    }
}

/// Resolves `endpoint` / `region` arguments.
pub fn resolve_endpoint(endpoint: &Arg, region: &Arg) -> ArgResult<Endpoint> {
    let e = optional_str(Field::Endpoint, endpoint)?;
    let r = optional_str(Field::Region, region)?;
    endpoint::resolve(e, r)
}

/// An integer argument within `min..=max`: a JS number that is an integer, or a
/// string of decimal digits (as query strings carry them).
pub fn validate_int(field: Field, arg: &Arg, min: u32, max: u32) -> ArgResult<Option<u32>> {
    int_in(arg, min, max).map_err(|m| ArgError::new(field, m))
}

/// The rule of [`validate_int`], its problem as a sentence that names no field.
pub fn int_in(arg: &Arg, min: u32, max: u32) -> core::result::Result<Option<u32>, String> {
    // "must be an integer from MIN to MAX, got ..."
    let fail = |got: &str, number: Option<f64>| {
        let mut m = String::from("must be an integer from ");
        m.push_str(&(min as u64).to_string());
        m.push_str(" to ");
        m.push_str(&(max as u64).to_string());
        m.push_str(", got ");
        m.push_str(got);
        if let Some(n) = number {
            m.push_str(&dcs_tasks_parse::text::number(n));
        }
        m
    };
    let v: u64 = match arg {
        Arg::Absent => return Ok(None),
        Arg::Num(n) => {
            if !n.is_finite() || n.fract() != 0.0 || *n < min as f64 || *n > max as f64 {
                return Err(fail("", Some(*n)));
            }
            *n as u64
        }
        Arg::Str(s) => {
            if s.is_empty() || s.len() > 10 || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(fail(
                    &cat(&["the string ", &dcs_tasks_parse::text::quoted(s, 20)]),
                    None,
                ));
            }
            dcs_tasks_parse::text::digits(s).unwrap_or(u64::MAX)
        }
        other => return Err(fail(other.type_name(), None)),
    };
    if v < min as u64 || v > max as u64 {
        return Err(fail(&v.to_string(), None));
    }
    Ok(Some(v as u32))
}

/// A time argument: a Date, epoch milliseconds, an ISO-8601 string with a zone, or
/// the API's `yyyyMMddHHmmss` (UTC). Returns epoch milliseconds.
pub fn validate_time(field: Field, arg: &Arg) -> ArgResult<Option<i64>> {
    time_ms(arg).map_err(|m| ArgError::new(field, m))
}

/// The rule of [`validate_time`], its problem as a sentence that names no field.
pub fn time_ms(arg: &Arg) -> core::result::Result<Option<i64>, String> {
    let ms = match arg {
        Arg::Absent => return Ok(None),
        Arg::Date(ms) | Arg::Num(ms) => {
            let what = if matches!(arg, Arg::Date(_)) {
                "Date"
            } else {
                "epoch milliseconds"
            };
            if !ms.is_finite() {
                return Err(cat(&["is an invalid ", what]));
            }
            if ms.fract() != 0.0 {
                return Err(String::from("epoch milliseconds must be an integer"));
            }
            if *ms < time::MIN_MS as f64 || *ms > time::MAX_MS as f64 {
                return Err(cat(&[what, " is outside 1970-01-01..9999-12-31"]));
            }
            *ms as i64
        }
        Arg::Str(s) => match time::parse_timestamp(s) {
            Ok((_, TimeForm::NoZone)) => {
                return Err(String::from("an ISO-8601 time needs a zone (Z or ±HH:MM)"))
            }
            Ok((ms, _)) => ms,
            Err(m) => {
                return Err(cat(&[m, ": ", &dcs_tasks_parse::text::quoted(s, 40)]));
            }
        },
        other @ (Arg::Other(_) | Arg::Bool(_)) => {
            return Err(cat(&[
                "must be a Date, epoch milliseconds or a string, got ",
                other.type_name(),
            ]))
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
    /// The same query for one page of a listing: at `offset`, at most `limit` items.
    pub fn page(&self, offset: u32, limit: u32) -> ListQuery {
        ListQuery {
            offset: Some(offset),
            limit: Some(limit),
            ..self.clone()
        }
    }

    /// Validates the four query arguments; the error names its [`Field`], which each surface
    /// spells its own way.
    pub fn validate(offset: &Arg, limit: &Arg, start: &Arg, end: &Arg) -> ArgResult<ListQuery> {
        let q = ListQuery {
            offset: validate_int(Field::Offset, offset, 0, i32::MAX as u32)?,
            limit: validate_int(Field::Limit, limit, 1, MAX_LIMIT)?,
            start_ms: validate_time(Field::StartTime, start)?,
            end_ms: validate_time(Field::EndTime, end)?,
        };
        if let (Some(s), Some(e)) = (q.start_ms, q.end_ms) {
            if s > e {
                return Err(ArgError {
                    field: Field::StartTime,
                    problem: Problem::After(Field::EndTime),
                });
            }
        }
        Ok(q)
    }

    /// `offset=0&limit=10&start_time=...&end_time=...` (only the given ones; never `begin_time`).
    /// Times are sent at whole seconds: the API's format has no milliseconds.
    pub fn to_query_string(&self) -> String {
        let mut out = String::with_capacity(80);
        let sep = |out: &mut String, key: &str| {
            if !out.is_empty() {
                out.push('&');
            }
            out.push_str(key);
        };
        if let Some(o) = self.offset {
            sep(&mut out, "offset=");
            out.push_str(&(o as u64).to_string());
        }
        if let Some(l) = self.limit {
            sep(&mut out, "limit=");
            out.push_str(&(l as u64).to_string());
        }
        if let Some(s) = self.start_ms {
            sep(&mut out, "start_time=");
            out.push_str(&time::format_api_time(s));
        }
        if let Some(e) = self.end_ms {
            sep(&mut out, "end_time=");
            out.push_str(&time::format_api_time(e));
        }
        out
    }
}

/// `/v2/{project}/instances/{instance}/tasks` (IDs must be validated already).
pub fn tasks_path(project_id: &str, instance_id: &str) -> String {
    cat(&["/v2/", project_id, "/instances/", instance_id, "/tasks"])
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
    let path = cat(&[
        &tasks_path(project_id, instance_id),
        "/",
        task_id,
        "/progress",
    ]);
    request("GET", ep, &path, "", project_id)
}

/// `DELETE .../tasks/{task_id}` from validated parts.
pub fn delete_request(
    ep: &Endpoint,
    project_id: &str,
    instance_id: &str,
    task_id: &str,
) -> HttpRequest {
    let path = cat(&[&tasks_path(project_id, instance_id), "/", task_id]);
    request("DELETE", ep, &path, "", project_id)
}

/// `GET /api/instances/{instance_id}/tasks?...` at a dcs-tasks proxy: the same page as
/// [`list_request`], normalized by the proxy (`{"taskCount","tasks","warnings"}`); what the
/// elements' build of the client asks (the proxy routes it to [`crate::proxy::routes::Route::ApiList`]).
pub fn api_list_request(ep: &Endpoint, instance_id: &str, q: &ListQuery) -> HttpRequest {
    let path = cat(&["/api/instances/", instance_id, "/tasks"]);
    api_request(ep, &path, &q.to_query_string())
}

/// `GET /api/instances/{instance_id}/tasks/{task_id}/progress` at a dcs-tasks proxy: the
/// task's progress, normalized.
pub fn api_progress_request(ep: &Endpoint, instance_id: &str, task_id: &str) -> HttpRequest {
    let path = cat(&[
        "/api/instances/",
        instance_id,
        "/tasks/",
        task_id,
        "/progress",
    ]);
    api_request(ep, &path, "")
}

/// `GET /api/instances?...` at a dcs-tasks proxy: a page of the project's instances,
/// normalized (`{"instanceCount","instances","warnings"}`).
pub fn api_instances_request(ep: &Endpoint, q: &InstanceQuery) -> HttpRequest {
    api_request(ep, "/api/instances", &q.to_query_string())
}

/// A GET of a proxy's normalized route: no project header (the proxy holds the project).
fn api_request(ep: &Endpoint, path: &str, query: &str) -> HttpRequest {
    let mut r = request("GET", ep, path, query, "");
    r.headers.retain(|(k, _)| k != "X-Project-Id");
    r
}

/// The arguments of `buildListTasksRequest`.
#[derive(Debug, Clone, PartialEq, Default)]
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

/// Validates everything and builds the list request (`buildListTasksRequest`).
/// Arguments are checked in a fixed order: endpoint/region, projectId, instanceId,
/// offset, limit, startTime, endTime.
pub fn build_list_tasks_request(input: &ListTasksInput) -> Result<HttpRequest> {
    let ep = resolve_endpoint(&input.endpoint, &input.region)?;
    let project = validate_id(Field::ProjectId, &input.project_id)?;
    let instance = validate_id(Field::InstanceId, &input.instance_id)?;
    let q = ListQuery::validate(
        &input.offset,
        &input.limit,
        &input.start_time,
        &input.end_time,
    )?;
    Ok(list_request(&ep, project, instance, &q))
}

/// Longest instance-name filter (DCS names are at most 64 characters).
pub const MAX_NAME_FILTER_CHARS: usize = 64;
/// Longest status filter.
pub const MAX_STATUS_FILTER_LEN: usize = 32;

/// Validated query of `ListInstances` (`GET /v2/{project_id}/instances`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstanceQuery {
    /// `name`: the service matches it fuzzily (a part of the name).
    pub name: Option<String>,
    /// `status`, e.g. `RUNNING`.
    pub status: Option<String>,
    pub offset: Option<u32>,
    pub limit: Option<u32>,
}

impl InstanceQuery {
    /// The same query for one page of a listing: at `offset`, at most `limit` instances.
    pub fn page(&self, offset: u32, limit: u32) -> InstanceQuery {
        InstanceQuery {
            offset: Some(offset),
            limit: Some(limit),
            ..self.clone()
        }
    }

    /// Validates the four query arguments: `name` 1-64 characters with no control character,
    /// `status` 1-32 of `[A-Z0-9_]`, `offset` 0..2147483647, `limit` 1..1000. The error names
    /// its [`Field`].
    pub fn validate(
        name: &Arg,
        status: &Arg,
        offset: &Arg,
        limit: &Arg,
    ) -> ArgResult<InstanceQuery> {
        let name = optional_str(Field::Name, name)?;
        if let Some(n) = name {
            let chars = n.chars().count();
            if chars == 0 || chars > MAX_NAME_FILTER_CHARS {
                return Err(ArgError::new(Field::Name, "must be 1 to 64 characters"));
            }
            if n.chars().any(char::is_control) {
                return Err(ArgError::new(
                    Field::Name,
                    "must not hold control characters",
                ));
            }
        }
        let status = optional_str(Field::Status, status)?;
        if let Some(s) = status {
            let ok = (1..=MAX_STATUS_FILTER_LEN).contains(&s.len())
                && s.bytes()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_');
            if !ok {
                return Err(ArgError::new(
                    Field::Status,
                    cat(&[
                        "must be 1 to 32 of A-Z 0-9 _ (e.g. RUNNING), got ",
                        &dcs_tasks_parse::text::quoted(s, 40),
                    ]),
                ));
            }
        }
        Ok(InstanceQuery {
            name: name.map(str::to_string),
            status: status.map(str::to_string),
            offset: validate_int(Field::Offset, offset, 0, i32::MAX as u32)?,
            limit: validate_int(Field::Limit, limit, 1, MAX_LIMIT)?,
        })
    }

    /// `name=...&status=...&offset=0&limit=10` (only the given ones; values percent-encoded
    /// as the signer encodes them).
    pub fn to_query_string(&self) -> String {
        let mut out = String::with_capacity(64);
        let mut pair = |key: &str, value: &str| {
            if !out.is_empty() {
                out.push('&');
            }
            out.push_str(key);
            out.push('=');
            crate::sign::encode_into(&mut out, value);
        };
        if let Some(n) = &self.name {
            pair("name", n);
        }
        if let Some(s) = &self.status {
            pair("status", s);
        }
        if let Some(o) = self.offset {
            pair("offset", &(o as u64).to_string());
        }
        if let Some(l) = self.limit {
            pair("limit", &(l as u64).to_string());
        }
        out
    }
}

/// `/v2/{project}/instances` (the ID must be validated already).
pub fn instances_path(project_id: &str) -> String {
    cat(&["/v2/", project_id, "/instances"])
}

/// `GET /v2/{project}/instances?...` from validated parts.
pub fn list_instances_request(ep: &Endpoint, project_id: &str, q: &InstanceQuery) -> HttpRequest {
    instances_request_with_query(ep, project_id, &q.to_query_string())
}

/// `GET /v2/{project}/instances?{query}` with a query already validated and encoded (the
/// proxy's mirror, which passes the documented parameters the official SDKs send).
pub fn instances_request_with_query(ep: &Endpoint, project_id: &str, query: &str) -> HttpRequest {
    request("GET", ep, &instances_path(project_id), query, project_id)
}
