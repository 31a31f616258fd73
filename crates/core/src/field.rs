//! Typed argument errors: the validators of the core name a [`Field`] once, and each surface
//! spells it its own way (camelCase for JS, snake_case for the proxy's query, the variable's
//! name for the proxy's configuration). Nothing rewrites a message afterwards.

use dcs_tasks_parse::error::{cat, DcsError};

/// An argument a validator of the core names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Offset,
    Limit,
    StartTime,
    EndTime,
    /// The access key of [`crate::sign::Credentials`].
    Ak,
    /// The secret key.
    Sk,
    SecurityToken,
    /// How many instances `listFleetTasks` lists at once.
    Concurrency,
    /// The instance-name filter of ListInstances.
    Name,
    /// The status filter of ListInstances.
    Status,
    /// When a running task counts as stuck ([`crate::attention::StuckAfter`]).
    StuckAfter,
    /// The moment an assessment is made at ([`crate::attention`]).
    Now,
    /// An explicit endpoint URL.
    Endpoint,
    /// A DCS region, used when the endpoint is absent.
    Region,
    ProjectId,
    InstanceId,
    TaskId,
    /// An IAM token (the client's `auth.token`).
    Token,
    /// The page size of a listing that reads every page.
    PageSize,
    /// The deadline of one call.
    TimeoutMs,
    Retries,
    /// Strict parsing.
    Strict,
    /// The wait between two polls of a watch.
    IntervalMs,
    /// The signing time.
    Date,
    /// The URL of a request to sign.
    Url,
    /// The method of a request to sign.
    Method,
    /// The headers of a request to sign.
    Headers,
}

impl Field {
    /// The JS spelling (camelCase), without the option object it belongs to.
    pub fn camel(self) -> &'static str {
        match self {
            Field::Offset => "offset",
            Field::Limit => "limit",
            Field::StartTime => "startTime",
            Field::EndTime => "endTime",
            Field::Ak => "ak",
            Field::Sk => "sk",
            Field::SecurityToken => "securityToken",
            Field::Concurrency => "concurrency",
            Field::Name => "name",
            Field::Status => "status",
            Field::StuckAfter => "stuckAfter",
            Field::Now => "now",
            Field::Endpoint => "endpoint",
            Field::Region => "region",
            Field::ProjectId => "projectId",
            Field::InstanceId => "instanceId",
            Field::TaskId => "taskId",
            Field::Token => "token",
            Field::PageSize => "pageSize",
            Field::TimeoutMs => "timeoutMs",
            Field::Retries => "retries",
            Field::Strict => "strict",
            Field::IntervalMs => "intervalMs",
            Field::Date => "date",
            Field::Url => "url",
            Field::Method => "method",
            Field::Headers => "headers",
        }
    }

    /// The spelling of the proxy's query (snake_case).
    pub fn snake(self) -> &'static str {
        match self {
            Field::StartTime => "start_time",
            Field::EndTime => "end_time",
            Field::SecurityToken => "security_token",
            Field::StuckAfter => "stuck_after",
            Field::ProjectId => "project_id",
            Field::InstanceId => "instance_id",
            Field::TaskId => "task_id",
            Field::PageSize => "page_size",
            Field::TimeoutMs => "timeout_ms",
            Field::IntervalMs => "interval_ms",
            f => f.camel(),
        }
    }
}

/// What is wrong with an argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A sentence that names no other argument, e.g. `must not be empty`.
    Text(String),
    /// `must not be after` the other argument.
    After(Field),
    /// Absent, as is the other argument that could stand in for it: `either a or b is required`.
    EitherRequired(Field),
}

/// An invalid argument: the field and its problem. [`ArgError::js`] or the `From` conversion
/// (no prefix) make the JS error; other surfaces render [`ArgError::message`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgError {
    pub field: Field,
    pub problem: Problem,
}

impl ArgError {
    pub fn new(field: Field, problem: impl Into<String>) -> Self {
        ArgError {
            field,
            problem: Problem::Text(problem.into()),
        }
    }

    /// The problem, every field in it spelled by `name`.
    pub fn problem_text(&self, name: fn(Field) -> &'static str) -> String {
        match &self.problem {
            Problem::Text(t) => t.clone(),
            Problem::After(f) => cat(&["must not be after ", name(*f)]),
            Problem::EitherRequired(f) => cat(&[
                "either `",
                name(self.field),
                "` or `",
                name(*f),
                "` is required",
            ]),
        }
    }

    /// `field: problem`, every field spelled by `name`.
    pub fn message(&self, name: fn(Field) -> &'static str) -> String {
        cat(&[name(self.field), ": ", &self.problem_text(name)])
    }

    /// The JS error, its field `prefix` + the camelCase name (`auth.` + `ak`).
    pub fn js(&self, prefix: &str) -> DcsError {
        DcsError::invalid_argument(
            cat(&[prefix, self.field.camel()]),
            self.problem_text(Field::camel),
        )
    }
}

impl From<ArgError> for DcsError {
    fn from(e: ArgError) -> Self {
        e.js("")
    }
}

impl core::fmt::Display for ArgError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message(Field::camel))
    }
}

impl std::error::Error for ArgError {}
