//! Normalized output types and their contract JSON (camelCase, absent optionals omitted).
//!
//! These are what the parser (`normalize`) produces: clean types with every documented
//! field, timestamps as ISO-8601 UTC with milliseconds, capacities as numbers (GB).

use crate::json::{write_str, ObjWriter};

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
    /// The contract JSON: `{"taskCount":1,"tasks":[...],"warnings":[...]}`.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(64 + self.tasks.len() * 320);
        let mut o = ObjWriter::new(&mut out);
        // The parser bounds counts to 2^53 - 1, so JS reads them exactly.
        o.u64("taskCount", self.task_count);
        o.array("tasks", &self.tasks, Task::write_json);
        o.array("warnings", &self.warnings, Warning::write_json);
        o.end();
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
        let mut o = ObjWriter::new(out);
        o.str("id", &self.id);
        o.str("name", &self.name);
        o.str("status", &self.status);
        o.opt_str("userName", self.user_name.as_deref());
        o.opt_str("userId", self.user_id.as_deref());
        o.opt_str("params", self.params.as_deref());
        o.opt_str("createdAt", self.created_at.as_deref());
        o.opt_str("updatedAt", self.updated_at.as_deref());
        o.opt_bool("enableShow", self.enable_show);
        self.details.write_json(o.key("details"));
        o.end();
    }
}

impl TaskDetails {
    pub fn write_json(&self, out: &mut String) {
        let d = self;
        let mut o = ObjWriter::new(out);
        o.opt_f64("oldCapacity", d.old_capacity);
        o.opt_f64("newCapacity", d.new_capacity);
        for (k, v) in [
            ("oldCacheMode", &d.old_cache_mode),
            ("newCacheMode", &d.new_cache_mode),
            ("oldCacheType", &d.old_cache_type),
            ("newCacheType", &d.new_cache_type),
            ("oldResourceSpecCode", &d.old_resource_spec_code),
            ("newResourceSpecCode", &d.new_resource_spec_code),
            ("publicIpId", &d.public_ip_id),
            ("publicIpAddress", &d.public_ip_address),
            ("replicaIp", &d.replica_ip),
            ("replicaAz", &d.replica_az),
            ("groupName", &d.group_name),
            ("accountName", &d.account_name),
            ("sourceIp", &d.source_ip),
            ("targetIp", &d.target_ip),
            ("nodeName", &d.node_name),
        ] {
            o.opt_str(k, v.as_deref());
        }
        for (k, v) in [
            ("oldReplicaNum", d.old_replica_num),
            ("newReplicaNum", d.new_replica_num),
            ("oldPort", d.old_port),
            ("newPort", d.new_port),
            ("updatedConfigLength", d.updated_config_length),
        ] {
            o.opt_i64(k, v);
        }
        for (k, v) in [
            ("enablePublicIp", d.enable_public_ip),
            ("enableSsl", d.enable_ssl),
            ("isOnlyAdjustCharging", d.is_only_adjust_charging),
        ] {
            o.opt_bool(k, v);
        }
        if let Some(cmds) = &d.rename_commands {
            o.array("renameCommands", cmds, |s, out| write_str(out, s));
        }
        o.end();
    }
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
