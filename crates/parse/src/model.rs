//! The normalized output types (serde `Serialize`: camelCase, absent optionals omitted)
//! and the contract JSON text of a list page ([`ListJson`]).
//!
//! These are what the parser (`normalize`) produces: clean types with every documented
//! field, timestamps as ISO-8601 UTC with milliseconds, capacities as numbers (GB). Every
//! byte of JSON they become is written by `serde_json`.

use std::borrow::Cow;

use serde::{Deserialize, Serialize, Serializer};

/// Largest integer a JS number holds exactly: counts and integers in the output stay
/// within ±(2^53 - 1) (the parser refuses larger ones), so `JSON.parse` reads them exactly.
pub const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// Parser options. The default is the normalizing (non-strict) mode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// Accept only what the API definition says: every tolerated quirk becomes an error.
    pub strict: bool,
}

/// One page of `ListBackgroundTask`.
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskList {
    /// The total the service reports (all pages), not the number of tasks on this page.
    pub task_count: u64,
    pub tasks: Vec<Task>,
    /// One per fix made while normalizing (always empty in strict mode); at most 100, then
    /// one `warnings_truncated` (`normalize::MAX_WARNINGS`).
    pub warnings: Vec<Warning>,
}

/// One background task.
// `S` is the string type: `String` for the owned task the Rust API returns, a string
// borrowed from the body while the parser writes the contract JSON.
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Task<S = String> {
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub id: S,
    #[cfg_attr(feature = "typescript", tsify(type = "TaskName"))]
    pub name: S,
    /// As sent: CREATED | EXECUTING | SUCCESS | FAILED | DELETED | CANCELLED | other.
    #[cfg_attr(feature = "typescript", tsify(type = "TaskStatus"))]
    pub status: S,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub user_name: Option<S>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub user_id: Option<S>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub params: Option<S>,
    /// ISO-8601 UTC with milliseconds, e.g. `2020-06-17T08:18:06.597Z`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub created_at: Option<S>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub updated_at: Option<S>,
    /// The task has step-by-step progress (`showTaskProgress`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_show: Option<bool>,
    #[cfg_attr(feature = "typescript", tsify(type = "TaskDetails"))]
    pub details: TaskDetails<S>,
}

/// Every detail field of the current API definition, camelCase. Capacities are numbers (GB).
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskDetails<S = String> {
    /// GB.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "gb")]
    pub old_capacity: Option<f64>,
    /// GB.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "gb")]
    pub new_capacity: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub old_cache_mode: Option<S>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub new_cache_mode: Option<S>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub old_cache_type: Option<S>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub new_cache_type: Option<S>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub old_resource_spec_code: Option<S>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub new_resource_spec_code: Option<S>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub public_ip_id: Option<S>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub public_ip_address: Option<S>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub replica_ip: Option<S>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub replica_az: Option<S>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub group_name: Option<S>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub account_name: Option<S>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub source_ip: Option<S>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub target_ip: Option<S>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub node_name: Option<S>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_replica_num: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_replica_num: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_port: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_port: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_config_length: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_public_ip: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_ssl: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_only_adjust_charging: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string[]"))]
    pub rename_commands: Option<Vec<S>>,
}

/// A capacity as a JSON number: whole values within ±(2^53 - 1) as integers (`2`, not
/// serde_json's `2.0`; the same number for `JSON.parse`), others in serde_json's shortest
/// round-trip form.
fn gb<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    const SAFE: f64 = MAX_SAFE_INTEGER as f64;
    match *v {
        Some(x) if x.fract() == 0.0 && x.abs() <= SAFE => s.serialize_i64(x as i64),
        Some(x) => s.serialize_f64(x),
        None => s.serialize_none(),
    }
}

impl<S> Task<S> {
    /// The same task with every string converted by `f`.
    pub fn map<T>(self, mut f: impl FnMut(S) -> T) -> Task<T> {
        let d = self.details;
        Task {
            id: f(self.id),
            name: f(self.name),
            status: f(self.status),
            user_name: self.user_name.map(&mut f),
            user_id: self.user_id.map(&mut f),
            params: self.params.map(&mut f),
            created_at: self.created_at.map(&mut f),
            updated_at: self.updated_at.map(&mut f),
            enable_show: self.enable_show,
            details: TaskDetails {
                old_capacity: d.old_capacity,
                new_capacity: d.new_capacity,
                old_cache_mode: d.old_cache_mode.map(&mut f),
                new_cache_mode: d.new_cache_mode.map(&mut f),
                old_cache_type: d.old_cache_type.map(&mut f),
                new_cache_type: d.new_cache_type.map(&mut f),
                old_resource_spec_code: d.old_resource_spec_code.map(&mut f),
                new_resource_spec_code: d.new_resource_spec_code.map(&mut f),
                public_ip_id: d.public_ip_id.map(&mut f),
                public_ip_address: d.public_ip_address.map(&mut f),
                replica_ip: d.replica_ip.map(&mut f),
                replica_az: d.replica_az.map(&mut f),
                group_name: d.group_name.map(&mut f),
                account_name: d.account_name.map(&mut f),
                source_ip: d.source_ip.map(&mut f),
                target_ip: d.target_ip.map(&mut f),
                node_name: d.node_name.map(&mut f),
                old_replica_num: d.old_replica_num,
                new_replica_num: d.new_replica_num,
                old_port: d.old_port,
                new_port: d.new_port,
                updated_config_length: d.updated_config_length,
                enable_public_ip: d.enable_public_ip,
                enable_ssl: d.enable_ssl,
                is_only_adjust_charging: d.is_only_adjust_charging,
                rename_commands: d
                    .rename_commands
                    .map(|v| v.into_iter().map(&mut f).collect()),
            },
        }
    }
}

/// A task whose strings borrow from the body where they need no unescaping.
pub(crate) type TaskView<'a> = Task<Cow<'a, str>>;

impl From<TaskView<'_>> for Task {
    fn from(v: TaskView<'_>) -> Task {
        v.map(Cow::into_owned)
    }
}

/// One page of `ListInstances` (`GET /v2/{project_id}/instances`).
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceList {
    /// `instance_num`: every matching instance (all pages), not the number on this page.
    pub instance_count: u64,
    pub instances: Vec<Instance>,
    /// As for [`TaskList::warnings`]: at most 100, then one `warnings_truncated`.
    pub warnings: Vec<Warning>,
}

/// One DCS instance: every field of the API definition, the wire names in camelCase
/// (`enable_publicip` is `enablePublicip`). Integers and booleans as JSON numbers and
/// booleans; `capacity` in GB with `capacity_minor` folded in (`0.125`); timestamps as
/// ISO-8601 UTC with milliseconds; `maintainBegin`/`maintainEnd` as sent (`HH:mm:ss`, UTC).
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Instance {
    pub instance_id: String,
    pub name: String,
    /// As sent: CREATING | CREATEFAILED | RUNNING | ERROR | RESTARTING | FROZEN | EXTENDING |
    /// RESTORING | FLUSHING | other.
    #[cfg_attr(feature = "typescript", tsify(type = "InstanceStatus"))]
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `Redis` | `Memcached` | other.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "InstanceEngine"))]
    pub engine: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engine_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec_code: Option<String>,
    /// GB: `capacity` (an integer), or `capacity_minor` (`"0.125"`) when that is 0 or absent.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "gb")]
    pub capacity: Option<f64>,
    /// MB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_memory: Option<i64>,
    /// MB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub used_memory: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub az_codes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub features: Option<InstanceFeatures>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readonly_domain_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_group_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_publicip: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publicip_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publicip_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_ssl: Option<bool>,
    /// Documented as the string `"true"`/`"false"`: a boolean here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_password_access: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enterprise_project_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<InstanceTag>>,
    /// 0 pay-per-use, 1 yearly/monthly.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charging_mode: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// ISO-8601 UTC with milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maintain_begin: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maintain_end: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_upgrade: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_task_id: Option<String>,
}

/// One tag of an instance (`value` is `""` when the service sends none).
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct InstanceTag {
    pub key: String,
    pub value: String,
}

/// An instance's `features` (the official SDK's model), camelCase.
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceFeatures {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_acl: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_transparent_client_ip: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_ssl: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_audit_log: Option<bool>,
}

impl InstanceList {
    /// The contract JSON: `{"instanceCount":N,"instances":[...],"warnings":[...]}`.
    pub fn to_json(&self) -> String {
        to_json(self)
    }
}

/// What kind of fix a warning reports.
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningCode {
    /// A value sent as another type or format than documented, converted.
    CoercedType,
    /// A misspelled field read under its documented name.
    RenamedField,
    /// A task field sent at the top level, moved into the task.
    HoistedField,
    /// A field the API definition does not know, dropped.
    UnknownField,
    /// A value outside the known set, kept as sent.
    UnknownValue,
    /// More warnings than are listed: the message says how many were left out.
    WarningsTruncated,
    /// Display text (a name) holding characters a reader cannot see or that reorder what is
    /// shown (bidi controls, zero-width, control characters); kept as sent.
    InvisibleText,
}

impl WarningCode {
    /// The code as the JS contract spells it, e.g. `coerced_type`.
    pub fn as_str(self) -> &'static str {
        match self {
            WarningCode::CoercedType => "coerced_type",
            WarningCode::RenamedField => "renamed_field",
            WarningCode::HoistedField => "hoisted_field",
            WarningCode::UnknownField => "unknown_field",
            WarningCode::UnknownValue => "unknown_value",
            WarningCode::WarningsTruncated => "warnings_truncated",
            WarningCode::InvisibleText => "invisible_text",
        }
    }
}

/// One fix made while normalizing, at its wire path (`tasks[0].details.new_cahce_mode`).
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    pub code: WarningCode,
    pub path: String,
    pub message: String,
}

/// `ShowBackgroundTaskProgress`: the step-by-step progress of one task. `Deserialize` reads
/// its contract JSON back (what a dcs-tasks proxy answers at its normalized progress route).
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskProgress {
    /// Percent, 0-100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<i64>,
    /// Seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remain_time: Option<i64>,
    pub step_details: Vec<Step>,
    pub warnings: Vec<Warning>,
}

/// One step of a task's progress.
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_name: Option<String>,
    /// As sent: FINISH | FAILED | EXECUTING | WAITING | other.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_status: Option<String>,
    /// ISO-8601 UTC with milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub begin_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    pub sub_step_details: Vec<SubStep>,
}

/// One sub-step of a step.
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubStep {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_step_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_step_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_step_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub begin_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
}

/// `value` as JSON text, by serde_json. Serializing these types cannot fail (string keys,
/// no maps, every float finite), so the empty result is unreachable.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// Appends `value` as JSON text, by serde_json.
fn append_json<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    let _ = serde_json::to_writer(out, value);
}

impl TaskList {
    /// The contract JSON: `{"taskCount":1,"tasks":[...],"warnings":[...]}` (the same
    /// text [`crate::normalize::parse_list_tasks_json`] writes).
    pub fn to_json(&self) -> String {
        to_json(self)
    }
}

impl<S: Serialize> Task<S> {
    /// The contract JSON of one task.
    pub fn to_json(&self) -> String {
        to_json(self)
    }
}

impl Warning {
    /// `{"code":"renamed_field","path":"...","message":"..."}`
    pub fn to_json(&self) -> String {
        to_json(self)
    }
}

impl TaskProgress {
    /// The contract JSON: `{"progress":..,"remainTime":..,"stepDetails":[..],"warnings":[..]}`.
    pub fn to_json(&self) -> String {
        to_json(self)
    }
}

/// One page of `ListBackgroundTask` as its contract JSON text, written by the parser as it
/// reads the body (what the JS API hands to one `JSON.parse`), with where each task's text
/// is and its ID, so that pages can be merged and deduplicated without parsing again.
#[derive(Debug, Clone)]
pub struct ListJson {
    pub task_count: u64,
    pub warnings: Vec<Warning>,
    /// The text (UTF-8: serde_json writes nothing else). While tasks are written: their texts,
    /// comma-separated; [`ListJson::finish`] puts the head in front and the warnings after.
    /// Kept as bytes: the JS API hands them to `TextDecoder` and `JSON.parse` as they are, so
    /// the whole page is never validated again in wasm (`str::from_utf8` of a 4 MB page cost
    /// as much as a tenth of the parse).
    buf: Vec<u8>,
    /// Per task: start of its text, end of its (JSON-escaped) ID, end of its text.
    spans: Vec<[usize; 3]>,
    /// Scratch for measuring an ID's escaped length (reused: no allocation per task).
    scratch: Vec<u8>,
}

/// Bytes `r` of a page's text as a `str` ("" if out of range).
fn span_text(buf: &[u8], r: core::ops::Range<usize>) -> &str {
    buf.get(r)
        .and_then(|b| core::str::from_utf8(b).ok())
        .unwrap_or("")
}

/// `{"id":"`: every task's text starts so (`id` is its first field).
const ID_AT: usize = 7;

impl ListJson {
    /// An empty page for a body of about `n` bytes.
    pub(crate) fn with_capacity(n: usize) -> Self {
        ListJson {
            task_count: 0,
            warnings: Vec::new(),
            buf: Vec::with_capacity(n),
            spans: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// Appends one task.
    pub(crate) fn push(&mut self, t: &TaskView) {
        if !self.spans.is_empty() {
            self.buf.push(b',');
        }
        let start = self.buf.len();
        append_json(&mut self.buf, t);
        // A borrowed ID came from the body with no escape, so it holds no byte serde_json
        // escapes (a quote, a backslash or a control character is invalid there unescaped):
        // its escaped text is itself. Others are measured by writing them again.
        let escaped_len = match &t.id {
            Cow::Borrowed(id) => id.len(),
            Cow::Owned(id) => {
                self.scratch.clear();
                append_json(&mut self.scratch, id);
                self.scratch.len().saturating_sub(2)
            }
        };
        let id_end = start + ID_AT + escaped_len;
        self.spans.push([start, id_end, self.buf.len()]);
    }

    /// Empty again (the capacity kept).
    pub(crate) fn clear(&mut self) {
        self.buf.clear();
        self.spans.clear();
    }

    /// Closes the text once the count and the warnings are known: the head is moved in
    /// front of the tasks in place (one buffer, no copy of the page).
    pub(crate) fn finish(&mut self, task_count: u64, warnings: Vec<Warning>) {
        self.task_count = task_count;
        let buf = &mut self.buf;
        let head = format!("{{\"taskCount\":{},\"tasks\":[", to_json(&task_count));
        let (n, len) = (head.len(), buf.len());
        buf.resize(len + n, 0);
        buf.copy_within(0..len, n);
        if let Some(h) = buf.get_mut(..n) {
            h.copy_from_slice(head.as_bytes());
        }
        buf.extend_from_slice(b"],\"warnings\":");
        append_json(buf, &warnings);
        buf.push(b'}');
        for span in &mut self.spans {
            for at in span {
                *at += n;
            }
        }
        self.warnings = warnings;
    }

    /// The contract JSON: `{"taskCount":N,"tasks":[...],"warnings":[...]}` (checked as UTF-8
    /// on each call: see [`ListJson::json_bytes`]).
    pub fn json(&self) -> &str {
        self.text(0..self.buf.len())
    }

    /// The contract JSON's UTF-8 bytes, as serde_json wrote them.
    pub fn json_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// A span of the text (always on character boundaries: spans are where serde_json
    /// started and ended a value).
    fn text(&self, r: core::ops::Range<usize>) -> &str {
        span_text(&self.buf, r)
    }

    /// The number of tasks.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Task `i`'s ID as JSON-escaped text (serde_json escapes deterministically: equal IDs
    /// have equal escaped text).
    pub fn id(&self, i: usize) -> &str {
        self.spans
            .get(i)
            .map_or("", |&[s, id_end, _]| self.text(s + ID_AT..id_end))
    }

    /// The tasks' contract JSON texts, in order.
    pub fn tasks(&self) -> impl Iterator<Item = &str> + '_ {
        self.spans.iter().map(|&[s, _, e]| match self.text(s..e) {
            "" => "{}",
            t => t,
        })
    }

    /// Keeps the tasks whose (escaped) ID `keep` accepts.
    pub fn retain_ids(&mut self, mut keep: impl FnMut(&str) -> bool) {
        let buf = &self.buf;
        self.spans
            .retain(|&[s, id_end, _]| keep(span_text(buf, s + ID_AT..id_end)));
    }
}

/// Writes `{"taskCount":N,"tasks":[...],"warnings":[...]` (no closing brace: the caller
/// may add members) from tasks' contract JSON texts (written by serde_json, as
/// [`ListJson::tasks`] gives them).
pub fn write_list<'t>(
    out: &mut String,
    task_count: u64,
    tasks: impl IntoIterator<Item = &'t str>,
    warnings: &[Warning],
) {
    out.push_str("{\"taskCount\":");
    out.push_str(&to_json(&task_count));
    out.push_str(",\"tasks\":[");
    for (i, t) in tasks.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(t);
    }
    out.push_str("],\"warnings\":");
    out.push_str(&to_json(warnings));
}

/// About how many bytes of tasks' text [`Chunk::Tasks`] holds (a chunk ends after the task
/// that reaches it): small enough that a page's text is never whole in wasm memory and that
/// JS reads each chunk as a young string.
pub const CHUNK_BYTES: usize = 64 * 1024;

/// What `normalize::parse_list_tasks_chunks` hands its caller as it reads a page.
pub enum Chunk<'b> {
    /// The next tasks as a JSON array of their contract JSON texts (`[{...},{...}]`).
    Tasks(&'b [u8]),
    /// Drop every chunk so far: the tasks are read again (a top-level task field was met).
    Restart,
}

/// The tasks' text in chunks: one buffer of about [`CHUNK_BYTES`], handed out and reused.
pub(crate) struct Chunks<'f> {
    buf: Vec<u8>,
    out: &'f mut dyn FnMut(Chunk),
}

impl<'f> Chunks<'f> {
    pub(crate) fn new(out: &'f mut dyn FnMut(Chunk)) -> Self {
        Chunks {
            buf: Vec::with_capacity(CHUNK_BYTES + CHUNK_BYTES / 4),
            out,
        }
    }

    /// Appends one task; hands the chunk out once it is [`CHUNK_BYTES`] long.
    pub(crate) fn push(&mut self, t: &TaskView) {
        self.buf.push(if self.buf.is_empty() { b'[' } else { b',' });
        append_json(&mut self.buf, t);
        if self.buf.len() >= CHUNK_BYTES {
            self.flush();
        }
    }

    /// Hands out the tasks not handed out yet, if any.
    pub(crate) fn flush(&mut self) {
        if !self.buf.is_empty() {
            self.buf.push(b']');
            (self.out)(Chunk::Tasks(&self.buf));
            self.buf.clear();
        }
    }

    pub(crate) fn restart(&mut self) {
        self.buf.clear();
        (self.out)(Chunk::Restart);
    }
}
