//! What needs an operator, decided once (sans-IO) for the elements, the proxy's
//! `GET /api/attention` and `GET /metrics`, and the watchdog.
//!
//! One instance is [`assess`]ed from what its listing gave (the instance, its tasks, or the
//! error of its listing) at a moment `now`, over a time range; the fleet is the
//! [`FleetSummary`] of every instance, ranked: what needs attention first, each with its
//! [`Concern`]s (the reason, a count, since when, the task it is about).
//!
//! - **unreachable**: the instance's task listing failed (the error is the reason);
//! - **abnormal**: the instance's status is one of [`ABNORMAL_INSTANCE_STATUSES`];
//! - **stuck**: a task still running (any start, also before the range) for longer than its
//!   threshold ([`StuckAfter`]: per task type by default, [`STUCK_AFTER_BY_TASK`]);
//! - **failed**: tasks that failed in the range.
//!
//! Tasks still running are counted whatever their start: a fleet listing looks
//! [`RUNNING_LOOKBACK_MS`] before the range for them ([`listing_start`], [`keeps_task`]).

use dcs_tasks_parse::error::{cat, DcsError};
use dcs_tasks_parse::model::{Instance, Task};
use dcs_tasks_parse::time::{format_iso_ms, parse_timestamp};
use serde::{Deserialize, Serialize};

use crate::field::{ArgError, Field};
use crate::query::Arg;
use crate::views::is_running;

const MINUTE: u64 = 60_000;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;

/// Instance statuses that need a human: creation failed, the instance broke, or it is frozen
/// (arrears or a compliance hold).
pub const ABNORMAL_INSTANCE_STATUSES: [&str; 3] = ["ERROR", "CREATEFAILED", "FROZEN"];
/// Instance statuses of an instance being changed (not an alarm: it is busy).
pub const CHANGING_INSTANCE_STATUSES: [&str; 5] = [
    "CREATING",
    "RESTARTING",
    "EXTENDING",
    "RESTORING",
    "FLUSHING",
];

/// How long a task of a type may run before it counts as stuck, by default. DCS's own
/// durations differ by type: a switchover or an address change takes seconds to minutes, a
/// specification change or a replica copies data (hours for large instances).
pub const STUCK_AFTER_BY_TASK: [(&str, u64); 12] = [
    ("masterStandbySwapJob", 30 * MINUTE),
    ("BindEip", HOUR),
    ("UnBindEip", HOUR),
    ("AddWhitelist", HOUR),
    ("UpdatePort", HOUR),
    ("RemoveIpFromDns", HOUR),
    ("DeleteAcl", HOUR),
    ("modify", HOUR),
    ("ChangeInstanceSpec", 6 * HOUR),
    ("AddReplica", 6 * HOUR),
    ("DelReplica", 6 * HOUR),
    ("EXTEND", 6 * HOUR),
];
/// The threshold of a task type not in [`STUCK_AFTER_BY_TASK`].
pub const DEFAULT_STUCK_AFTER_MS: u64 = 6 * HOUR;
/// The smallest and largest threshold an option may set.
pub const MIN_STUCK_AFTER_MS: u64 = MINUTE;
pub const MAX_STUCK_AFTER_MS: u64 = 30 * DAY;
/// How far before the range a fleet listing looks for tasks still running (a switchover
/// started yesterday and still executing is what an operator most needs to see).
pub const RUNNING_LOOKBACK_MS: u64 = 7 * DAY;

/// When a running task counts as stuck.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StuckAfter {
    /// Per task type ([`STUCK_AFTER_BY_TASK`], else [`DEFAULT_STUCK_AFTER_MS`]).
    #[default]
    ByTaskType,
    /// The same threshold for every task, in milliseconds.
    Ms(u64),
}

impl StuckAfter {
    /// The threshold of a task named `name`, in milliseconds.
    pub fn for_task(self, name: &str) -> u64 {
        match self {
            StuckAfter::Ms(ms) => ms,
            StuckAfter::ByTaskType => STUCK_AFTER_BY_TASK
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(DEFAULT_STUCK_AFTER_MS, |(_, ms)| *ms),
        }
    }

    /// Reads the option: absent (per task type), a number of milliseconds, or a duration
    /// (`90s`, `45m`, `12h`, `2d`; a bare number of a string is seconds), from one minute to
    /// 30 days. `field` is how the surface names it (`stuckAfter`, `ALERT_STUCK_AFTER`).
    pub fn parse(arg: &Arg, field: Field) -> Result<StuckAfter, ArgError> {
        let ms = match arg {
            Arg::Absent => return Ok(StuckAfter::ByTaskType),
            Arg::Num(n) if n.fract() == 0.0 && *n >= 0.0 && *n <= MAX_STUCK_AFTER_MS as f64 => {
                *n as u64
            }
            Arg::Str(s) => parse_duration(s).ok_or_else(|| {
                ArgError::new(
                    field,
                    "must be a duration such as 30m, 12h or 2d (s, m, h, d), got a string that is not one",
                )
            })?,
            _ => {
                return Err(ArgError::new(
                    field,
                    "must be a number of milliseconds or a duration such as 12h",
                ))
            }
        };
        if !(MIN_STUCK_AFTER_MS..=MAX_STUCK_AFTER_MS).contains(&ms) {
            return Err(ArgError::new(
                field,
                "must be from one minute (1m) to 30 days (30d)",
            ));
        }
        Ok(StuckAfter::Ms(ms))
    }
}

/// `90s`, `45m`, `12h`, `2d` or a bare number of seconds, in milliseconds (at most 30 days;
/// `None` for anything else, without overflow on any input).
pub fn parse_duration(s: &str) -> Option<u64> {
    let s = s.trim();
    let (digits, unit) = match s.as_bytes().last()? {
        b's' => (&s[..s.len() - 1], 1_000),
        b'm' => (&s[..s.len() - 1], MINUTE),
        b'h' => (&s[..s.len() - 1], HOUR),
        b'd' => (&s[..s.len() - 1], DAY),
        _ => (s, 1_000),
    };
    if digits.is_empty() || digits.len() > 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits
        .parse::<u64>()
        .ok()?
        .checked_mul(unit)
        .filter(|ms| *ms <= MAX_STUCK_AFTER_MS)
}

/// The start of a fleet listing's task query for the range starting at `since_ms`: far
/// enough back to see the tasks still running that began before it.
pub fn listing_start(since_ms: Option<i64>) -> Option<i64> {
    since_ms.map(|s| s.saturating_sub(RUNNING_LOOKBACK_MS as i64))
}

/// Is a task of the lookback kept (it began in the range, or it is still running)?
pub fn keeps_task(task: &Task, since_ms: Option<i64>) -> bool {
    keeps(&task.status, created_ms(task), since_ms)
}

/// [`keeps_task`] for a task's contract JSON text (as the fleet listing streams it; one
/// that cannot be read is kept: nothing says it is outside the range).
pub fn keeps_task_json(text: &str, since_ms: Option<i64>) -> bool {
    // Borrowed: serde_json writes the statuses and times of the contract without escapes (a
    // status that needs one fails to borrow, and the task is kept).
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Brief<'a> {
        status: &'a str,
        #[serde(default)]
        created_at: Option<&'a str>,
    }
    if since_ms.is_none() {
        return true;
    }
    serde_json::from_str::<Brief>(text).map_or(true, |b| {
        keeps_task_fields(b.status, b.created_at, since_ms)
    })
}

/// [`keeps_task`] for a task's `status` and `createdAt` as the contract writes them (as the
/// elements' build reads them from a proxy's normalized page; a time that cannot be read
/// keeps the task).
pub fn keeps_task_fields(status: &str, created_at: Option<&str>, since_ms: Option<i64>) -> bool {
    keeps(status, created_at.and_then(ms_of), since_ms)
}

fn keeps(status: &str, created_ms: Option<i64>, since_ms: Option<i64>) -> bool {
    match (since_ms, created_ms) {
        (Some(since), Some(at)) if at < since => is_running(status),
        _ => true,
    }
}

fn ms_of(s: &str) -> Option<i64> {
    parse_timestamp(s).ok().map(|(ms, _)| ms)
}

fn created_ms(task: &Task) -> Option<i64> {
    task.created_at.as_deref().and_then(ms_of)
}

/// The colour kind of an instance status (the elements' palette): `success` (running),
/// `failed` (abnormal), `cancelled` (frozen), `executing` (being changed), `other`.
pub fn instance_status_kind(status: &str) -> &'static str {
    match status {
        "RUNNING" => "success",
        "FROZEN" => "cancelled",
        s if ABNORMAL_INSTANCE_STATUSES.contains(&s) => "failed",
        s if CHANGING_INSTANCE_STATUSES.contains(&s) => "executing",
        _ => "other",
    }
}

/// Why an instance needs attention, most urgent first (the order ranks the fleet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConcernKind {
    Unreachable,
    Abnormal,
    Stuck,
    Failed,
}

impl ConcernKind {
    /// The names, in rank order (the JS union is generated from them).
    pub const ALL: [&'static str; 4] = ["unreachable", "abnormal", "stuck", "failed"];

    pub fn as_str(self) -> &'static str {
        Self::ALL[self as usize]
    }
}

/// A task a concern is about (or an instance's last task).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskRef {
    pub id: String,
    pub name: String,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(skip)]
    pub created_ms: Option<i64>,
}

impl TaskRef {
    fn of(t: &TaskFacts<'_>, created_ms: Option<i64>) -> TaskRef {
        TaskRef {
            id: t.id.to_owned(),
            name: t.name.to_owned(),
            status: t.status.to_owned(),
            created_at: t.created_at.map(str::to_owned),
            created_ms,
        }
    }
}

/// One reason an instance needs attention.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Concern {
    pub kind: ConcernKind,
    /// How many (failed or stuck tasks; 1 for the instance's own state).
    pub count: u32,
    /// Since when (the oldest stuck task's start, the latest failure; absent for the instance's
    /// state, which DCS does not date).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// The task (the oldest stuck one, the latest failed one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task: Option<TaskRef>,
    /// The listing's error code (`HTTP_ERROR`, `NETWORK`, ...) of an unreachable instance, or
    /// the abnormal status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// One English sentence (logs, webhooks); the elements compose their own from the fields.
    pub message: String,
}

/// An instance's task counts in the range (running: whatever their start).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TaskCounts {
    pub running: u32,
    pub stuck: u32,
    pub failed: u32,
    pub succeeded: u32,
    pub total: u32,
}

/// Where an instance ranks when nothing is wrong with it (after every concern kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Calm {
    Running,
    Changing,
    Quiet,
}

/// One instance, assessed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceHealth {
    pub instance_id: String,
    pub name: String,
    pub status: String,
    /// [`instance_status_kind`] of the status.
    pub status_kind: &'static str,
    pub counts: TaskCounts,
    /// The most recently created task (in the range or still running).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_task: Option<TaskRef>,
    /// Its reasons to need attention, most urgent first (empty: it needs none).
    pub concerns: Vec<Concern>,
    /// The tasks still running, oldest first (each flagged stuck or not).
    pub running: Vec<RunningTask>,
    /// Position in the fleet's order (0 first): the kind of its first concern, then busy,
    /// changing, quiet.
    pub rank: u8,
}

/// A task still running, and whether it is stuck.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunningTask {
    pub id: String,
    pub name: String,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(skip)]
    pub created_ms: Option<i64>,
    pub stuck: bool,
    /// The threshold it is judged by (ms).
    pub stuck_after: u64,
}

impl RunningTask {
    fn task(&self) -> TaskRef {
        TaskRef {
            id: self.id.clone(),
            name: self.name.clone(),
            status: self.status.clone(),
            created_at: self.created_at.clone(),
            created_ms: self.created_ms,
        }
    }
}

/// The moment and range of an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assessment {
    pub now_ms: i64,
    pub since_ms: Option<i64>,
    pub until_ms: Option<i64>,
    pub stuck_after: StuckAfter,
}

impl Assessment {
    fn in_range(&self, at: Option<i64>) -> bool {
        at.is_none_or(|at| {
            self.since_ms.is_none_or(|s| at >= s) && self.until_ms.is_none_or(|u| at <= u)
        })
    }
}

/// Why an instance's task listing failed: the error's code (`NETWORK`, `HTTP_ERROR`...) and
/// message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListingFailure<'a> {
    pub code: &'a str,
    pub message: &'a str,
}

impl<'a> From<&'a DcsError> for ListingFailure<'a> {
    fn from(e: &'a DcsError) -> Self {
        ListingFailure {
            code: e.code.as_str(),
            message: &e.message,
        }
    }
}

/// What the model reads of an instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstanceFacts<'a> {
    pub instance_id: &'a str,
    pub name: &'a str,
    pub status: &'a str,
}

impl<'a> From<&'a Instance> for InstanceFacts<'a> {
    fn from(i: &'a Instance) -> Self {
        InstanceFacts {
            instance_id: &i.instance_id,
            name: &i.name,
            status: &i.status,
        }
    }
}

/// What the model reads of a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskFacts<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub status: &'a str,
    pub created_at: Option<&'a str>,
    pub updated_at: Option<&'a str>,
}

impl<'a> From<&'a Task> for TaskFacts<'a> {
    fn from(t: &'a Task) -> Self {
        TaskFacts {
            id: &t.id,
            name: &t.name,
            status: &t.status,
            created_at: t.created_at.as_deref(),
            updated_at: t.updated_at.as_deref(),
        }
    }
}

/// What an instance's listing gave: the instance and its tasks, or the listing's error.
pub fn assess(
    instance: &Instance,
    tasks: &[Task],
    error: Option<&DcsError>,
    at: &Assessment,
) -> InstanceHealth {
    assess_facts(
        instance.into(),
        tasks.iter().map(TaskFacts::from),
        error.map(ListingFailure::from),
        at,
    )
}

/// [`assess`] over what the model reads (the JS binding reads only that from JS values).
pub fn assess_facts<'t>(
    instance: InstanceFacts<'_>,
    tasks: impl IntoIterator<Item = TaskFacts<'t>>,
    error: Option<ListingFailure<'_>>,
    at: &Assessment,
) -> InstanceHealth {
    let mut tally = Tally::default();
    for t in tasks {
        tally.take(&t, at);
    }
    let Tally {
        counts,
        mut running,
        failed,
        last,
    } = tally;
    running.sort_unstable_by_key(|r| r.created_ms.unwrap_or(i64::MAX));
    let mut concerns = Vec::new();
    if let Some(e) = error {
        concerns.push(Concern {
            kind: ConcernKind::Unreachable,
            count: 1,
            since: None,
            task: None,
            code: Some(e.code.to_owned()),
            message: cat(&["its tasks could not be listed: ", e.message]),
        });
    }
    if ABNORMAL_INSTANCE_STATUSES.contains(&instance.status) {
        concerns.push(Concern {
            kind: ConcernKind::Abnormal,
            count: 1,
            since: None,
            task: None,
            code: Some(instance.status.to_owned()),
            message: cat(&["the instance is ", instance.status]),
        });
    }
    concerns.extend(stuck_concern(&running, counts.stuck, at.now_ms));
    concerns.extend(failed.map(|(when, task)| failed_concern(when, task, counts.failed)));
    let calm = if counts.running > 0 {
        Calm::Running
    } else if instance.status != "RUNNING" {
        Calm::Changing
    } else {
        Calm::Quiet
    };
    let rank = concerns
        .first()
        .map_or(ConcernKind::ALL.len() as u8 + calm as u8, |c| c.kind as u8);
    InstanceHealth {
        instance_id: instance.instance_id.to_owned(),
        name: instance.name.to_owned(),
        status: instance.status.to_owned(),
        status_kind: instance_status_kind(instance.status),
        counts,
        last_task: last,
        concerns,
        running,
        rank,
    }
}

/// An instance's tasks counted, one at a time.
#[derive(Default)]
struct Tally {
    counts: TaskCounts,
    running: Vec<RunningTask>,
    /// The latest failure: when it ended (else began), and the task.
    failed: Option<(Option<i64>, TaskRef)>,
    last: Option<TaskRef>,
}

impl Tally {
    /// Takes a task: counted when it began in the range or is still running.
    fn take(&mut self, t: &TaskFacts<'_>, at: &Assessment) {
        let created = t.created_at.and_then(ms_of);
        let live = is_running(t.status);
        if !live && !at.in_range(created) {
            return;
        }
        let counts = &mut self.counts;
        counts.total += 1;
        if self.last.as_ref().is_none_or(|l| created > l.created_ms) {
            self.last = Some(TaskRef::of(t, created));
        }
        if live {
            let stuck_after = at.stuck_after.for_task(t.name);
            let stuck = created.is_some_and(|c| at.now_ms.saturating_sub(c) > stuck_after as i64);
            counts.running += 1;
            counts.stuck += u32::from(stuck);
            let r = TaskRef::of(t, created);
            self.running.push(RunningTask {
                id: r.id,
                name: r.name,
                status: r.status,
                created_at: r.created_at,
                created_ms: created,
                stuck,
                stuck_after,
            });
        } else if t.status == "FAILED" {
            counts.failed += 1;
            let when = t.updated_at.and_then(ms_of).or(created);
            if self.failed.as_ref().is_none_or(|(w, _)| when > *w) {
                self.failed = Some((when, TaskRef::of(t, created)));
            }
        } else if t.status == "SUCCESS" {
            counts.succeeded += 1;
        }
    }
}

/// The stuck concern: the oldest stuck task of `running` (oldest first), and how many are.
fn stuck_concern(running: &[RunningTask], stuck: u32, now_ms: i64) -> Option<Concern> {
    let task = running.iter().find(|r| r.stuck)?.task();
    let hours = now_ms.saturating_sub(task.created_ms.unwrap_or(now_ms)) / HOUR as i64;
    Some(Concern {
        kind: ConcernKind::Stuck,
        count: stuck,
        since: task.created_at.clone(),
        message: cat(&[
            &stuck.to_string(),
            " task(s) running too long; ",
            &task.name,
            " ",
            &task.id,
            " has run for ",
            &hours.to_string(),
            " h",
        ]),
        task: Some(task),
        code: None,
    })
}

/// The failed concern: the latest failure (`when` it ended) and how many failed.
fn failed_concern(when: Option<i64>, task: TaskRef, failed: u32) -> Concern {
    Concern {
        kind: ConcernKind::Failed,
        count: failed,
        since: when.map(format_iso_ms),
        message: cat(&[
            &failed.to_string(),
            " task(s) failed; the latest: ",
            &task.name,
            " ",
            &task.id,
        ]),
        task: Some(task),
        code: None,
    }
}

/// The fleet's totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FleetTotals {
    pub instances: u32,
    /// Instances with at least one concern.
    pub attention: u32,
    pub unreachable: u32,
    pub abnormal: u32,
    /// Tasks.
    pub stuck: u32,
    pub failed: u32,
    pub running: u32,
    pub succeeded: u32,
}

/// Every instance assessed, ranked.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FleetSummary {
    pub checked_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    pub totals: FleetTotals,
    /// Every instance, in the fleet's order: what needs attention first (by its most urgent
    /// concern, then the most recent last task, the name, the ID). The first
    /// `totals.attention` are the attention list.
    pub instances: Vec<InstanceHealth>,
}

impl FleetSummary {
    pub fn new(mut instances: Vec<InstanceHealth>, at: &Assessment) -> FleetSummary {
        instances.sort_unstable_by(|a, b| {
            let last = |h: &InstanceHealth| h.last_task.as_ref().and_then(|t| t.created_ms);
            a.rank
                .cmp(&b.rank)
                .then_with(|| last(b).cmp(&last(a)))
                .then_with(|| a.name.cmp(&b.name))
                .then_with(|| a.instance_id.cmp(&b.instance_id))
        });
        let mut totals = FleetTotals {
            instances: instances.len() as u32,
            ..FleetTotals::default()
        };
        for h in &instances {
            totals.attention += u32::from(!h.concerns.is_empty());
            for c in &h.concerns {
                match c.kind {
                    ConcernKind::Unreachable => totals.unreachable += 1,
                    ConcernKind::Abnormal => totals.abnormal += 1,
                    _ => {}
                }
            }
            totals.stuck += h.counts.stuck;
            totals.failed += h.counts.failed;
            totals.running += h.counts.running;
            totals.succeeded += h.counts.succeeded;
        }
        FleetSummary {
            checked_at: format_iso_ms(at.now_ms),
            since: at.since_ms.map(format_iso_ms),
            until: at.until_ms.map(format_iso_ms),
            totals,
            instances,
        }
    }

    /// The instances that need attention (the first `totals.attention`).
    pub fn attention(&self) -> &[InstanceHealth] {
        &self.instances[..self.totals.attention as usize]
    }
}

#[cfg(test)]
mod tests;
