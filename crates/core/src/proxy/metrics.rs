//! `GET /metrics`: the fleet's attention model in the Prometheus text exposition format
//! (version 0.0.4), for Prometheus scraping and its alerting (and Grafana).
//!
//! Per instance (labels `instance_id`, `instance_name`): `dcs_tasks_instance_reachable`,
//! `dcs_tasks_instance_abnormal` (with `status`), `dcs_tasks_running`,
//! `dcs_tasks_failed_24h`, `dcs_tasks_stuck`; per project (label `project_id`):
//! `dcs_tasks_instances`, `dcs_tasks_gather_success`, `dcs_tasks_gather_duration_seconds`,
//! `dcs_tasks_gather_errors`.

use core::fmt::Write;

use super::watch::GatherStats;
use crate::attention::{ConcernKind, FleetSummary};

/// Longest label value (an instance name is the operator's text).
const MAX_LABEL: usize = 128;

/// A label value, escaped as the format says (`\\`, `\"`, `\n`), cut to [`MAX_LABEL`]
/// characters.
fn label(v: &str) -> String {
    let mut out = String::with_capacity(v.len().min(MAX_LABEL) + 2);
    for c in v.chars().take(MAX_LABEL) {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn head(out: &mut String, name: &str, help: &str) {
    let _ = write!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n");
}

/// The text of `/metrics`: `summary` is `None` when the instances could not be listed.
pub fn render(project_id: &str, summary: Option<&FleetSummary>, stats: GatherStats) -> String {
    let mut out = String::new();
    let p = label(project_id);
    let per_instance: [(&str, &str); 5] = [
        (
            "dcs_tasks_instance_reachable",
            "1 when the instance's tasks could be listed, else 0.",
        ),
        (
            "dcs_tasks_instance_abnormal",
            "1 when the instance's status needs a human (ERROR, CREATEFAILED, FROZEN).",
        ),
        (
            "dcs_tasks_running",
            "Tasks of the instance still running (CREATED, EXECUTING).",
        ),
        (
            "dcs_tasks_failed_24h",
            "Tasks of the instance created in the last 24 hours that failed.",
        ),
        (
            "dcs_tasks_stuck",
            "Tasks of the instance running past their threshold (ALERT_STUCK_AFTER).",
        ),
    ];
    for (k, (name, help)) in per_instance.iter().enumerate() {
        head(&mut out, name, help);
        for h in summary.map_or(&[][..], |s| &s.instances[..]) {
            let has = |kind| h.concerns.iter().any(|c| c.kind == kind);
            let value = match k {
                0 => u32::from(!has(ConcernKind::Unreachable)),
                1 => u32::from(has(ConcernKind::Abnormal)),
                2 => h.counts.running,
                3 => h.counts.failed,
                _ => h.counts.stuck,
            };
            let status = if k == 1 {
                format!(",status=\"{}\"", label(&h.status))
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "{name}{{project_id=\"{p}\",instance_id=\"{}\",instance_name=\"{}\"{status}}} {value}",
                label(&h.instance_id),
                label(&h.name)
            );
        }
    }
    head(&mut out, "dcs_tasks_instances", "Instances of the project.");
    if let Some(s) = summary {
        let _ = writeln!(
            out,
            "dcs_tasks_instances{{project_id=\"{p}\"}} {}",
            s.totals.instances
        );
    }
    head(
        &mut out,
        "dcs_tasks_gather_success",
        "1 when the instances could be listed, else 0.",
    );
    let _ = writeln!(
        out,
        "dcs_tasks_gather_success{{project_id=\"{p}\"}} {}",
        u8::from(summary.is_some())
    );
    head(
        &mut out,
        "dcs_tasks_gather_duration_seconds",
        "How long this look at the fleet took.",
    );
    // milliseconds as seconds with three decimals (integers: no float formatting code)
    let ms = stats.duration_ms.max(0.0) as u64;
    let _ = writeln!(
        out,
        "dcs_tasks_gather_duration_seconds{{project_id=\"{p}\"}} {}.{:03}",
        ms / 1000,
        ms % 1000
    );
    head(
        &mut out,
        "dcs_tasks_gather_errors",
        "Listings of this look that failed (each unreachable instance; the instance list).",
    );
    let _ = writeln!(
        out,
        "dcs_tasks_gather_errors{{project_id=\"{p}\"}} {}",
        stats.errors
    );
    out
}
