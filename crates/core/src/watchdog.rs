//! The watchdog's decisions (sans-IO): from one look at the fleet ([`FleetLook`]: every
//! instance with its tasks or its listing's error) and what earlier runs remembered
//! ([`WatchState`]), the events to post, each once ([`evaluate`]).
//!
//! The rules:
//! - **failed**: a task seen `FAILED` is reported once (its key is remembered until it leaves
//!   the look's range). The first run (no state) remembers the failures it finds without
//!   reporting them: those are past; so are failures older than the first run that show up
//!   later (an instance unreachable at the first run).
//! - **stuck**: a running task past its threshold ([`crate::attention::StuckAfter`]) once; it
//!   is forgotten when it stops running, so a task stuck again later (a new task) is new.
//! - **unreachable**: an instance whose task listing fails, once; **recovered** once when it
//!   answers again.
//! - **abnormal**: once per entry into an abnormal status
//!   ([`crate::attention::ABNORMAL_INSTANCE_STATUSES`]); leaving it is silent.
//! - The first run reports the conditions that hold now (stuck, unreachable, abnormal), never
//!   past failures. An instance that left the project is forgotten.
//!
//! Runs that overlap: a run claims the state first ([`WatchState::claim`]: a lease until its
//! deadline, written before it gathers); a run that finds a live lease does nothing.
//!
//! Delivery, with storage: at least once. The state written before the posts holds, for each
//! webhook, what it is about to be told ([`WatchState::undelivered`]: the run's events and
//! any an earlier run could not deliver) and keeps the lease; the state written after them
//! drops what each webhook took (or refused for good: a 4xx but 408/429, a service's error
//! code) and releases the lease. A webhook that fails every retry of a run (a network error,
//! 408, 429, 5xx) is told those events again by the next runs, for [`LOOK_RANGE_MS`] at most
//! ([`MAX_UNDELIVERED`] events of it). An event is posted twice only when a run stops
//! between a post and the state after it, or a webhook took a post whose answer was lost.
//!
//! Without storage there is no state: [`evaluate_window`] reports what happened in the run's
//! own time window `[from, to)` (the schedule's previous tick to this one): a failure whose
//! time is in it, a stuck task whose threshold was crossed in it. Windows of on-time runs
//! tile the timeline, so nothing is reported twice and nothing is missed; the instance's own
//! states (unreachable, abnormal) carry no time and are not posted (they show in
//! `/api/attention` and `/metrics`).

use std::collections::{BTreeMap, BTreeSet};

use dcs_tasks_parse::error::DcsError;
use dcs_tasks_parse::model::{Instance, Task};
use dcs_tasks_parse::time::{format_iso_ms, parse_timestamp};
use serde::{Deserialize, Serialize};

use crate::attention::{assess, Assessment, FleetSummary, StuckAfter, ABNORMAL_INSTANCE_STATUSES};
use crate::views::is_running;

/// The range a look covers: tasks created in the last day (and the tasks still running,
/// whatever their start: [`crate::attention::listing_start`]).
pub const LOOK_RANGE_MS: i64 = 24 * 3_600_000;
/// Most keys the state keeps of each kind (the oldest failures go first): about 1 MB of JSON.
pub const MAX_STATE_KEYS: usize = 10_000;
/// The state's format version.
pub const STATE_VERSION: u32 = 1;
/// Most events kept for one webhook that does not take them (the oldest go first).
pub const MAX_UNDELIVERED: usize = 100;
/// How far DCS's clock may be behind ours: a failure first seen after the first run counts
/// as new when DCS dates it at most this long before that run.
pub const CLOCK_SKEW_MS: i64 = 15 * 60_000;

/// What an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    Failed,
    Stuck,
    Unreachable,
    Recovered,
    Abnormal,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Failed => "failed",
            EventKind::Stuck => "stuck",
            EventKind::Unreachable => "unreachable",
            EventKind::Recovered => "recovered",
            EventKind::Abnormal => "abnormal",
        }
    }
}

/// One event, as the `generic` webhook posts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub kind: EventKind,
    pub instance_id: String,
    pub instance_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_name: Option<String>,
    /// Since when (ISO-8601): the failure, the stuck task's start, the first run that saw the
    /// instance unreachable or abnormal; for `recovered`, the run that saw it answer.
    pub since: String,
    /// One English sentence.
    pub message: String,
}

/// One instance as a look saw it.
#[derive(Debug, Clone)]
pub struct Sighting {
    pub instance: Instance,
    /// Its tasks in the look's range (and the running ones), empty when `error` is set.
    pub tasks: Vec<Task>,
    pub error: Option<DcsError>,
    /// The look ran out of its own deadline or byte budget before this instance's listing
    /// finished: its `error` is the look's, not the instance's. The watchdog judges nothing of
    /// it (no event, its state kept); `/api/attention` shows the error.
    pub unseen: bool,
}

/// One look at the fleet at `now_ms`.
#[derive(Debug, Clone)]
pub struct FleetLook {
    pub now_ms: i64,
    pub stuck_after: StuckAfter,
    pub sightings: Vec<Sighting>,
}

impl FleetLook {
    /// The assessment of this look: the last day, now.
    pub fn assessment(&self) -> Assessment {
        Assessment {
            now_ms: self.now_ms,
            since_ms: Some(self.now_ms.saturating_sub(LOOK_RANGE_MS)),
            until_ms: None,
            stuck_after: self.stuck_after,
        }
    }

    /// The attention model of this look (what `/api/attention` and `/metrics` show).
    pub fn summary(&self) -> FleetSummary {
        let at = self.assessment();
        let healths = self
            .sightings
            .iter()
            .map(|s| assess(&s.instance, &s.tasks, s.error.as_ref(), &at))
            .collect();
        FleetSummary::new(healths, &at)
    }
}

/// What the watchdog remembers between runs: small (keys and times), bounded
/// ([`MAX_STATE_KEYS`] of each kind), serialized as JSON by the storage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WatchState {
    pub version: u32,
    /// The first run's time: failures before it are past.
    pub started: i64,
    /// The last finished run's time.
    pub last: i64,
    /// A run in progress holds the state until then (ms; 0: none).
    pub lease: i64,
    /// Failed tasks seen: `instance task` to the task's creation (ms), for pruning.
    pub failed: BTreeMap<String, i64>,
    /// Stuck tasks reported (`instance task`).
    pub stuck: BTreeSet<String>,
    /// Instances reported unreachable, with since when (ms).
    pub unreachable: BTreeMap<String, i64>,
    /// Instances reported abnormal.
    pub abnormal: BTreeSet<String>,
    /// What each webhook (by [`crate::webhook::Webhook::key`]) is yet to take: while a run
    /// posts, what it is posting; after it, what a webhook failed to take (tried again by the
    /// next runs).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub undelivered: BTreeMap<String, Vec<Pending>>,
}

/// An event a webhook is yet to take, and when a run first had it to post (ms).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    pub queued: i64,
    pub event: Event,
}

/// What a webhook is told by a run at `now_ms`: what it did not take before (at most
/// [`LOOK_RANGE_MS`] old), then the run's `events`; [`MAX_UNDELIVERED`] at most, the newest.
/// Also how many of them are from earlier runs.
pub fn backlog(earlier: Vec<Pending>, events: &[Event], now_ms: i64) -> (Vec<Pending>, usize) {
    let since = now_ms.saturating_sub(LOOK_RANGE_MS);
    let mut all: Vec<Pending> = earlier.into_iter().filter(|p| p.queued >= since).collect();
    let mut earlier = all.len();
    all.extend(events.iter().map(|e| Pending {
        queued: now_ms,
        event: e.clone(),
    }));
    if all.len() > MAX_UNDELIVERED {
        let extra = all.len() - MAX_UNDELIVERED;
        all.drain(..extra);
        earlier = earlier.saturating_sub(extra);
    }
    (all, earlier)
}

impl WatchState {
    /// Reads a stored state; anything unreadable (or of another version) is no state: the
    /// next run is a first run (it reports conditions, never past failures).
    pub fn from_json(text: &str) -> Option<WatchState> {
        serde_json::from_str::<WatchState>(text)
            .ok()
            .filter(|s| s.version == STATE_VERSION)
    }

    pub fn to_json(&self) -> String {
        dcs_tasks_parse::model::to_json(self)
    }

    /// Claims the state for a run at `now_ms` that ends by `until_ms`: `false` when another
    /// run's lease is still live (this run then does nothing). A lease past its time (a run
    /// that died) is taken over.
    pub fn claim(&mut self, now_ms: i64, until_ms: i64) -> bool {
        if self.lease > now_ms {
            return false;
        }
        self.lease = until_ms;
        true
    }
}

fn key(instance: &str, task: &str) -> String {
    let mut k = String::with_capacity(instance.len() + task.len() + 1);
    k.push_str(instance);
    k.push(' ');
    k.push_str(task);
    k
}

fn ms_of(s: Option<&str>) -> Option<i64> {
    s.and_then(|s| parse_timestamp(s).ok()).map(|(ms, _)| ms)
}

/// When a failed task failed: its update (else its creation).
fn failed_at(t: &Task) -> Option<i64> {
    ms_of(t.updated_at.as_deref()).or_else(|| ms_of(t.created_at.as_deref()))
}

fn task_event(kind: EventKind, i: &Instance, t: &Task, since: i64, message: String) -> Event {
    Event {
        kind,
        instance_id: i.instance_id.clone(),
        instance_name: i.name.clone(),
        task_id: Some(t.id.clone()),
        task_name: Some(t.name.clone()),
        since: format_iso_ms(since),
        message,
    }
}

fn instance_event(kind: EventKind, i: &Instance, since: i64, message: String) -> Event {
    Event {
        kind,
        instance_id: i.instance_id.clone(),
        instance_name: i.name.clone(),
        task_id: None,
        task_name: None,
        since: format_iso_ms(since),
        message,
    }
}

fn failed_message(i: &Instance, t: &Task) -> String {
    format!(
        "task {} ({}) failed on instance {} ({})",
        t.name, t.id, i.name, i.instance_id
    )
}

fn stuck_message(i: &Instance, t: &Task, ran_ms: i64, after_ms: u64) -> String {
    format!(
        "task {} ({}) on instance {} ({}) has run for {} min, past its threshold of {} min",
        t.name,
        t.id,
        i.name,
        i.instance_id,
        ran_ms.max(0) / 60_000,
        after_ms / 60_000
    )
}

/// Is a running task stuck at `now`, and since when (its creation)?
fn stuck_since(t: &Task, now: i64, stuck_after: StuckAfter) -> Option<(i64, u64)> {
    if !is_running(&t.status) {
        return None;
    }
    let created = ms_of(t.created_at.as_deref())?;
    let after = stuck_after.for_task(&t.name);
    (now.saturating_sub(created) > after as i64).then_some((created, after))
}

/// The events of a look, given the state of earlier runs (`None`: the first run), and the
/// state to store (released: no lease).
pub fn evaluate(prev: Option<WatchState>, look: &FleetLook) -> (Vec<Event>, WatchState) {
    // The claim of a check that never finished (no run before it) is no state either.
    let prev = prev.filter(|p| p.last != 0);
    let first = prev.is_none();
    let mut st = prev.unwrap_or(WatchState {
        started: look.now_ms,
        ..WatchState::default()
    });
    st.version = STATE_VERSION;
    let mut events = Vec::new();
    let since = look.now_ms.saturating_sub(LOOK_RANGE_MS);
    for s in &look.sightings {
        sighting_events(&mut st, s, look, first, &mut events);
    }
    // Forget instances that left the project, and failures out of the range.
    let present: BTreeSet<&str> = look
        .sightings
        .iter()
        .map(|s| s.instance.instance_id.as_str())
        .collect();
    let kept = |k: &str| present.contains(k.split(' ').next().unwrap_or(""));
    st.failed.retain(|k, created| kept(k) && *created >= since);
    st.stuck.retain(|k| kept(k));
    st.unreachable.retain(|k, _| present.contains(k.as_str()));
    st.abnormal.retain(|k| present.contains(k.as_str()));
    bound(&mut st);
    st.last = look.now_ms;
    st.lease = 0;
    (events, st)
}

/// One instance's events, the state updated.
fn sighting_events(
    st: &mut WatchState,
    s: &Sighting,
    look: &FleetLook,
    first: bool,
    out: &mut Vec<Event>,
) {
    if s.unseen {
        return;
    }
    let (i, now) = (&s.instance, look.now_ms);
    let id = &i.instance_id;
    if ABNORMAL_INSTANCE_STATUSES.contains(&i.status.as_str()) {
        if st.abnormal.insert(id.clone()) {
            let m = format!("instance {} ({}) is {}", i.name, id, i.status);
            out.push(instance_event(EventKind::Abnormal, i, now, m));
        }
    } else {
        st.abnormal.remove(id);
    }
    if let Some(e) = &s.error {
        if !st.unreachable.contains_key(id) {
            st.unreachable.insert(id.clone(), now);
            let m = format!(
                "instance {} ({}): its tasks could not be listed: {}",
                i.name, id, e.message
            );
            out.push(instance_event(EventKind::Unreachable, i, now, m));
        }
        // Nothing is known of its tasks: their keys are kept as they are.
        return;
    }
    if st.unreachable.remove(id).is_some() {
        let m = format!("instance {} ({}) answers again", i.name, id);
        out.push(instance_event(EventKind::Recovered, i, now, m));
    }
    let mut running = BTreeSet::new();
    for t in &s.tasks {
        let k = key(id, &t.id);
        if t.status == "FAILED" {
            let created = ms_of(t.created_at.as_deref()).unwrap_or(now);
            let when = failed_at(t).unwrap_or(now);
            let new = st.failed.insert(k, created).is_none();
            if new && !first && when >= st.started.saturating_sub(CLOCK_SKEW_MS) {
                out.push(task_event(
                    EventKind::Failed,
                    i,
                    t,
                    when,
                    failed_message(i, t),
                ));
            }
        } else if let Some((created, after)) = stuck_since(t, now, look.stuck_after) {
            running.insert(k.clone());
            if st.stuck.insert(k) {
                let m = stuck_message(i, t, now - created, after);
                out.push(task_event(EventKind::Stuck, i, t, created, m));
            }
        } else if is_running(&t.status) {
            running.insert(k);
        }
    }
    // A stuck task that stopped running is forgotten.
    let prefix = key(id, "");
    st.stuck
        .retain(|k| !k.starts_with(&prefix) || running.contains(k));
}

/// Keeps each kind within [`MAX_STATE_KEYS`] (the oldest failures first; the others by key).
fn bound(st: &mut WatchState) {
    if st.failed.len() > MAX_STATE_KEYS {
        let mut by_age: Vec<(i64, String)> =
            st.failed.iter().map(|(k, c)| (*c, k.clone())).collect();
        by_age.sort();
        let extra = st.failed.len() - MAX_STATE_KEYS;
        for (_, k) in by_age.into_iter().take(extra) {
            st.failed.remove(&k);
        }
    }
    while st.stuck.len() > MAX_STATE_KEYS {
        st.stuck.pop_first();
    }
    while st.unreachable.len() > MAX_STATE_KEYS {
        st.unreachable.pop_first();
    }
    while st.abnormal.len() > MAX_STATE_KEYS {
        st.abnormal.pop_first();
    }
}

/// The events of a look without storage: what happened in the run's window `[from_ms,
/// to_ms)` (the previous scheduled tick to this one): failures whose time is in it, stuck
/// tasks whose threshold was crossed in it. Unreachable and abnormal instances carry no time
/// and are not reported.
pub fn evaluate_window(look: &FleetLook, from_ms: i64, to_ms: i64) -> Vec<Event> {
    let inside = |at: i64| at >= from_ms && at < to_ms;
    let mut out = Vec::new();
    for s in look
        .sightings
        .iter()
        .filter(|s| s.error.is_none() && !s.unseen)
    {
        let i = &s.instance;
        for t in &s.tasks {
            if t.status == "FAILED" {
                if let Some(when) = failed_at(t).filter(|w| inside(*w)) {
                    out.push(task_event(
                        EventKind::Failed,
                        i,
                        t,
                        when,
                        failed_message(i, t),
                    ));
                }
            } else if let Some((created, after)) = stuck_since(t, look.now_ms, look.stuck_after) {
                if inside(created.saturating_add(after as i64)) {
                    let m = stuck_message(i, t, look.now_ms - created, after);
                    out.push(task_event(EventKind::Stuck, i, t, created, m));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
