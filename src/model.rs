//! Normalized output types and their contract JSON (camelCase, absent optionals omitted).
//!
//! These are what the parser (`normalize`) produces: clean types with every documented
//! field, timestamps as ISO-8601 UTC with milliseconds, capacities as numbers (GB).

use std::borrow::Cow;

use crate::json::{
    push_u64, write_array, write_f64, write_i64, write_str, write_str_body, ObjWriter,
};

/// Parser options. The default is the normalizing (non-strict) mode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// Accept only what the API definition says: every tolerated quirk becomes an error.
    pub strict: bool,
}

/// One page of `ListBackgroundTask`.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskList {
    /// The total the service reports (all pages), not `tasks.len()`.
    pub task_count: u64,
    pub tasks: Vec<Task>,
    /// One per fix made while normalizing (always empty in strict mode).
    pub warnings: Vec<Warning>,
}

/// One background task.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub id: String,
    pub name: String,
    /// As sent: CREATED | EXECUTING | SUCCESS | FAILED | DELETED | CANCELLED | other.
    pub status: String,
    pub user_name: Option<String>,
    pub user_id: Option<String>,
    pub params: Option<String>,
    /// ISO-8601 UTC with milliseconds, e.g. `2020-06-17T08:18:06.597Z`.
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    /// The task has step-by-step progress (`showTaskProgress`).
    pub enable_show: Option<bool>,
    pub details: TaskDetails,
}

/// Every detail field of the current API definition.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskDetails {
    /// GB.
    pub old_capacity: Option<f64>,
    /// GB.
    pub new_capacity: Option<f64>,
    pub old_cache_mode: Option<String>,
    pub new_cache_mode: Option<String>,
    pub old_cache_type: Option<String>,
    pub new_cache_type: Option<String>,
    pub old_resource_spec_code: Option<String>,
    pub new_resource_spec_code: Option<String>,
    pub public_ip_id: Option<String>,
    pub public_ip_address: Option<String>,
    pub replica_ip: Option<String>,
    pub replica_az: Option<String>,
    pub group_name: Option<String>,
    pub account_name: Option<String>,
    pub source_ip: Option<String>,
    pub target_ip: Option<String>,
    pub node_name: Option<String>,
    pub old_replica_num: Option<i64>,
    pub new_replica_num: Option<i64>,
    pub old_port: Option<i64>,
    pub new_port: Option<i64>,
    pub updated_config_length: Option<i64>,
    pub enable_public_ip: Option<bool>,
    pub enable_ssl: Option<bool>,
    pub is_only_adjust_charging: Option<bool>,
    pub rename_commands: Option<Vec<String>>,
}

/// What kind of fix a warning reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
        }
    }
}

/// One fix made while normalizing, at its wire path (`tasks[0].details.new_cahce_mode`).
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub code: WarningCode,
    pub path: String,
    pub message: String,
}

/// `ShowBackgroundTaskProgress`: the step-by-step progress of one task.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskProgress {
    /// Percent.
    pub progress: Option<i64>,
    /// Seconds.
    pub remain_time: Option<i64>,
    pub step_details: Vec<Step>,
    pub warnings: Vec<Warning>,
}

/// One step of a task's progress.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Step {
    pub step_id: Option<i64>,
    pub step_name: Option<String>,
    /// As sent: FINISH | FAILED | EXECUTING | WAITING | other.
    pub step_status: Option<String>,
    /// ISO-8601 UTC with milliseconds.
    pub begin_time: Option<String>,
    pub end_time: Option<String>,
    pub error_code: Option<String>,
    pub sub_step_details: Vec<SubStep>,
}

/// One sub-step of a step.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SubStep {
    pub sub_step_id: Option<i64>,
    pub sub_step_name: Option<String>,
    pub sub_step_status: Option<String>,
    pub begin_time: Option<String>,
    pub end_time: Option<String>,
    pub detail: Option<String>,
    pub error_code: Option<String>,
}

impl TaskList {
    /// The contract JSON: `{"taskCount":1,"tasks":[...],"warnings":[...]}` (the same
    /// text [`crate::normalize::parse_list_tasks_json`] writes).
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(64 + self.tasks.len() * 320);
        write_list(
            &mut out,
            self.task_count,
            &self.tasks,
            Task::write_json,
            &self.warnings,
        );
        out.push('}');
        out
    }
}

impl Task {
    /// The contract JSON of one task.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(320);
        self.write_json(&mut out);
        out
    }

    pub fn write_json(&self, out: &mut String) {
        let _ = self.view().write_json(out);
    }

    /// This task as the parser's borrowed view (whose writer is the one JSON writer).
    fn view(&self) -> TaskView<'_> {
        fn b(s: &Option<String>) -> Option<Cow<'_, str>> {
            s.as_deref().map(Cow::Borrowed)
        }
        let d = &self.details;
        let cap = |x: Option<f64>| {
            x.map(|x| {
                let mut s = String::new();
                write_f64(&mut s, x);
                Cow::Owned(s)
            })
        };
        TaskView {
            strs: [
                Some(Cow::Borrowed(&self.id)),
                Some(Cow::Borrowed(&self.name)),
                Some(Cow::Borrowed(&self.status)),
                b(&self.user_name),
                b(&self.user_id),
                b(&self.params),
                b(&self.created_at),
                b(&self.updated_at),
            ],
            enable_show: self.enable_show,
            details: DetailsView {
                caps: [cap(d.old_capacity), cap(d.new_capacity)],
                strs: d.strs().map(b),
                ints: d.ints(),
                bools: d.bools(),
                rename_commands: d
                    .rename_commands
                    .as_ref()
                    .map(|v| v.iter().map(|s| Cow::Borrowed(s.as_str())).collect()),
            },
        }
    }
}

impl TaskDetails {
    /// The string fields in [`DETAIL_STRS`] order.
    fn strs(&self) -> [&Option<String>; 15] {
        let d = self;
        [
            &d.old_cache_mode,
            &d.new_cache_mode,
            &d.old_cache_type,
            &d.new_cache_type,
            &d.old_resource_spec_code,
            &d.new_resource_spec_code,
            &d.public_ip_id,
            &d.public_ip_address,
            &d.replica_ip,
            &d.replica_az,
            &d.group_name,
            &d.account_name,
            &d.source_ip,
            &d.target_ip,
            &d.node_name,
        ]
    }

    /// The integer fields in [`DETAIL_INTS`] order.
    fn ints(&self) -> [Option<i64>; 5] {
        let d = self;
        [
            d.old_replica_num,
            d.new_replica_num,
            d.old_port,
            d.new_port,
            d.updated_config_length,
        ]
    }

    /// The boolean fields in [`DETAIL_BOOLS`] order.
    fn bools(&self) -> [Option<bool>; 3] {
        [
            self.enable_public_ip,
            self.enable_ssl,
            self.is_only_adjust_charging,
        ]
    }
}

/// `,"name":` (a member of the contract JSON after another; the writer drops the comma
/// for the first), and for strings `,"name":"` (the value's opening quote included).
macro_rules! key {
    ($k:literal) => {
        concat!(",\"", $k, "\":")
    };
}
macro_rules! skey {
    ($k:literal) => {
        concat!(",\"", $k, "\":\"")
    };
}

/// Wire names and contract JSON keys of the detail fields, by type; the parser's field
/// views and the JSON writer index the same tables.
pub(crate) const DETAIL_STRS: [(&str, &str); 15] = [
    ("old_cache_mode", skey!("oldCacheMode")),
    ("new_cache_mode", skey!("newCacheMode")),
    ("old_cache_type", skey!("oldCacheType")),
    ("new_cache_type", skey!("newCacheType")),
    ("old_resource_spec_code", skey!("oldResourceSpecCode")),
    ("new_resource_spec_code", skey!("newResourceSpecCode")),
    ("public_ip_id", skey!("publicIpId")),
    ("public_ip_address", skey!("publicIpAddress")),
    ("replica_ip", skey!("replicaIp")),
    ("replica_az", skey!("replicaAz")),
    ("group_name", skey!("groupName")),
    ("account_name", skey!("accountName")),
    ("source_ip", skey!("sourceIp")),
    ("target_ip", skey!("targetIp")),
    ("node_name", skey!("nodeName")),
];
pub(crate) const DETAIL_INTS: [(&str, &str); 5] = [
    ("old_replica_num", key!("oldReplicaNum")),
    ("new_replica_num", key!("newReplicaNum")),
    ("old_port", key!("oldPort")),
    ("new_port", key!("newPort")),
    ("updated_config_length", key!("updatedConfigLength")),
];
pub(crate) const DETAIL_BOOLS: [(&str, &str); 3] = [
    ("enable_public_ip", key!("enablePublicIp")),
    ("enable_ssl", key!("enableSsl")),
    ("is_only_adjust_charging", key!("isOnlyAdjustCharging")),
];
pub(crate) const DETAIL_CAPS: [(&str, &str); 2] = [
    ("old_capacity", key!("oldCapacity")),
    ("new_capacity", key!("newCapacity")),
];
/// The task's string fields: id, name, status, then the optional ones.
pub(crate) const TASK_STRS: [(&str, &str); 8] = [
    ("id", skey!("id")),
    ("name", skey!("name")),
    ("status", skey!("status")),
    ("user_name", skey!("userName")),
    ("user_id", skey!("userId")),
    ("params", skey!("params")),
    ("created_at", skey!("createdAt")),
    ("updated_at", skey!("updatedAt")),
];

/// One task as the parser reads it: strings borrowed from the body where they need no
/// unescaping, numbers as their contract JSON text. [`TaskView::write_json`] is the one
/// writer of a task's contract JSON; [`Task`] is its owned form.
#[derive(Debug, Default)]
pub(crate) struct TaskView<'a> {
    /// In [`TASK_STRS`] order; id, name and status are always written (status as `""`
    /// when the service sent none).
    pub strs: [Option<Cow<'a, str>>; 8],
    pub enable_show: Option<bool>,
    pub details: DetailsView<'a>,
}

#[derive(Debug, Default)]
pub(crate) struct DetailsView<'a> {
    /// Capacities as JSON number text, in [`DETAIL_CAPS`] order.
    pub caps: [Option<Cow<'a, str>>; 2],
    pub strs: [Option<Cow<'a, str>>; 15],
    pub ints: [Option<i64>; 5],
    pub bools: [Option<bool>; 3],
    pub rename_commands: Option<Vec<Cow<'a, str>>>,
}

/// Writes a member's key fragment (see [`key!`]), without its comma for the first member.
fn member(out: &mut String, frag: &str, first: &mut bool) {
    out.push_str(if *first {
        frag.get(1..).unwrap_or(frag)
    } else {
        frag
    });
    *first = false;
}

impl TaskView<'_> {
    /// Appends the task's contract JSON; returns the offset of its ID's closing quote.
    pub(crate) fn write_json(&self, out: &mut String) -> usize {
        out.push('{');
        let mut first = true;
        let mut id_end = 0;
        for (i, ((_, k), v)) in TASK_STRS.iter().zip(&self.strs).enumerate() {
            if i < 3 || v.is_some() {
                member(out, k, &mut first);
                write_str_body(out, v.as_deref().unwrap_or(""));
                if i == 0 {
                    id_end = out.len() - 1;
                }
            }
        }
        if let Some(b) = self.enable_show {
            out.push_str(key!("enableShow"));
            out.push_str(if b { "true" } else { "false" });
        }
        out.push_str(key!("details"));
        out.push('{');
        let d = &self.details;
        let mut first = true;
        for ((_, k), v) in DETAIL_CAPS.iter().zip(&d.caps) {
            if let Some(v) = v {
                member(out, k, &mut first);
                out.push_str(v);
            }
        }
        for ((_, k), v) in DETAIL_STRS.iter().zip(&d.strs) {
            if let Some(v) = v {
                member(out, k, &mut first);
                write_str_body(out, v);
            }
        }
        for ((_, k), v) in DETAIL_INTS.iter().zip(d.ints) {
            if let Some(v) = v {
                member(out, k, &mut first);
                write_i64(out, v);
            }
        }
        for ((_, k), v) in DETAIL_BOOLS.iter().zip(d.bools) {
            if let Some(b) = v {
                member(out, k, &mut first);
                out.push_str(if b { "true" } else { "false" });
            }
        }
        if let Some(cmds) = &d.rename_commands {
            member(out, key!("renameCommands"), &mut first);
            write_array(out, cmds, |c, out| write_str(out, c));
        }
        out.push_str("}}");
        id_end
    }
}

impl From<TaskView<'_>> for Task {
    fn from(v: TaskView<'_>) -> Task {
        let [id, name, status, user_name, user_id, params, created_at, updated_at] =
            v.strs.map(|s| s.map(Cow::into_owned));
        let d = v.details;
        let [old_capacity, new_capacity] = d
            .caps
            .map(|c| c.and_then(|t| crate::json::Number::from_text(&t)?.as_f64()));
        let [old_cache_mode, new_cache_mode, old_cache_type, new_cache_type, old_resource_spec_code, new_resource_spec_code, public_ip_id, public_ip_address, replica_ip, replica_az, group_name, account_name, source_ip, target_ip, node_name] =
            d.strs.map(|s| s.map(Cow::into_owned));
        let [old_replica_num, new_replica_num, old_port, new_port, updated_config_length] = d.ints;
        let [enable_public_ip, enable_ssl, is_only_adjust_charging] = d.bools;
        Task {
            id: id.unwrap_or_default(),
            name: name.unwrap_or_default(),
            status: status.unwrap_or_default(),
            user_name,
            user_id,
            params,
            created_at,
            updated_at,
            enable_show: v.enable_show,
            details: TaskDetails {
                old_capacity,
                new_capacity,
                old_cache_mode,
                new_cache_mode,
                old_cache_type,
                new_cache_type,
                old_resource_spec_code,
                new_resource_spec_code,
                public_ip_id,
                public_ip_address,
                replica_ip,
                replica_az,
                group_name,
                account_name,
                source_ip,
                target_ip,
                node_name,
                old_replica_num,
                new_replica_num,
                old_port,
                new_port,
                updated_config_length,
                enable_public_ip,
                enable_ssl,
                is_only_adjust_charging,
                rename_commands: d
                    .rename_commands
                    .map(|v| v.into_iter().map(Cow::into_owned).collect()),
            },
        }
    }
}

/// `"warnings":[...]`
pub(crate) fn write_warnings(out: &mut String, ws: &[Warning]) {
    out.push_str("\"warnings\":");
    write_array(out, ws, Warning::write_json);
}

/// One page of `ListBackgroundTask` as its contract JSON text, written by the parser in
/// one pass over the body (what the JS API hands to one `JSON.parse`), with where each
/// task's text and ID are, so that pages can be merged and deduplicated without parsing
/// it again.
#[derive(Debug, Clone)]
pub struct ListJson {
    pub task_count: u64,
    pub warnings: Vec<Warning>,
    text: String,
    /// Per task: start of its text, end of its (escaped) ID, end of its text.
    spans: Vec<[u32; 3]>,
}

impl ListJson {
    pub(crate) fn with_capacity(n: usize) -> Self {
        // Room for `{"taskCount":N,` too, inserted once the count is known (the service
        // may send it after the tasks): one move of the text, no second buffer.
        let mut text = String::with_capacity(n.max(64) + 32);
        text.push_str("\"tasks\":[");
        ListJson {
            task_count: 0,
            warnings: Vec::new(),
            text,
            spans: Vec::new(),
        }
    }
}

impl ListJson {
    /// Appends one task.
    pub(crate) fn push(&mut self, t: &TaskView) {
        if !self.spans.is_empty() {
            self.text.push(',');
        }
        let start = self.text.len();
        let id_end = t.write_json(&mut self.text);
        self.spans
            .push([start as u32, id_end as u32, self.text.len() as u32]);
    }

    /// Closes the text once the count and the warnings are known.
    pub(crate) fn finish(&mut self, task_count: u64, warnings: Vec<Warning>) {
        self.task_count = task_count;
        self.text.push_str("],");
        write_warnings(&mut self.text, &warnings);
        self.text.push('}');
        self.warnings = warnings;
        let mut head = String::from("{\"taskCount\":");
        push_u64(&mut head, task_count);
        head.push(',');
        self.text.insert_str(0, &head);
        let shift = head.len() as u32;
        for span in &mut self.spans {
            for at in span {
                *at += shift;
            }
        }
    }

    /// The contract JSON: `{"taskCount":N,"tasks":[...],"warnings":[...]}`.
    pub fn json(&self) -> &str {
        &self.text
    }

    /// The number of tasks.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Task `i`'s ID as JSON-escaped text (equal IDs have equal escaped text).
    pub fn id(&self, i: usize) -> &str {
        self.spans
            .get(i)
            .and_then(|&[s, id_end, _]| self.text.get(s as usize + 7..id_end as usize))
            .unwrap_or("")
    }

    /// The tasks' contract JSON texts, in order.
    pub fn tasks(&self) -> impl Iterator<Item = &str> + '_ {
        self.spans
            .iter()
            .map(|&[s, _, e]| self.text.get(s as usize..e as usize).unwrap_or("{}"))
    }

    /// Keeps the tasks whose (escaped) ID `keep` accepts.
    pub fn retain_ids(&mut self, mut keep: impl FnMut(&str) -> bool) {
        let text = &self.text;
        self.spans.retain(|&[s, id_end, _]| {
            keep(text.get(s as usize + 7..id_end as usize).unwrap_or(""))
        });
    }
}

/// Writes `{"taskCount":N,"tasks":[...],"warnings":[...]` (no closing brace: the caller
/// may add members), each task written by `task`.
pub fn write_list<I: IntoIterator>(
    out: &mut String,
    task_count: u64,
    tasks: I,
    task: impl FnMut(I::Item, &mut String),
    warnings: &[Warning],
) {
    // The parser bounds counts to 2^53 - 1, so JS reads them exactly.
    out.push_str("{\"taskCount\":");
    push_u64(out, task_count);
    out.push_str(",\"tasks\":");
    write_array(out, tasks, task);
    out.push(',');
    write_warnings(out, warnings);
}

impl Warning {
    /// `{"code":"renamed_field","path":"...","message":"..."}`
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    pub fn write_json(&self, out: &mut String) {
        let mut o = ObjWriter::new(out);
        o.str("code", self.code.as_str());
        o.str("path", &self.path);
        o.str("message", &self.message);
        o.end();
    }
}

impl TaskProgress {
    /// The contract JSON: `{"progress":..,"remainTime":..,"stepDetails":[..],"warnings":[..]}`.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(128 + self.step_details.len() * 256);
        let mut o = ObjWriter::new(&mut out);
        o.opt_i64("progress", self.progress);
        o.opt_i64("remainTime", self.remain_time);
        o.array("stepDetails", &self.step_details, Step::write_json);
        o.array("warnings", &self.warnings, Warning::write_json);
        o.end();
        out
    }
}

impl Step {
    pub fn write_json(&self, out: &mut String) {
        let mut o = ObjWriter::new(out);
        o.opt_i64("stepId", self.step_id);
        o.opt_str("stepName", self.step_name.as_deref());
        o.opt_str("stepStatus", self.step_status.as_deref());
        o.opt_str("beginTime", self.begin_time.as_deref());
        o.opt_str("endTime", self.end_time.as_deref());
        o.opt_str("errorCode", self.error_code.as_deref());
        o.array(
            "subStepDetails",
            &self.sub_step_details,
            SubStep::write_json,
        );
        o.end();
    }
}

impl SubStep {
    pub fn write_json(&self, out: &mut String) {
        let mut o = ObjWriter::new(out);
        o.opt_i64("subStepId", self.sub_step_id);
        o.opt_str("subStepName", self.sub_step_name.as_deref());
        o.opt_str("subStepStatus", self.sub_step_status.as_deref());
        o.opt_str("beginTime", self.begin_time.as_deref());
        o.opt_str("endTime", self.end_time.as_deref());
        o.opt_str("detail", self.detail.as_deref());
        o.opt_str("errorCode", self.error_code.as_deref());
        o.end();
    }
}
