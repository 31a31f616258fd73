//! The proxy's look at the fleet (sans-IO) for `GET /api/attention`, `GET /metrics` and the
//! scheduled check ([`FleetGathering`]): what to list (every instance, at
//! [`super::ALL_PAGE_SIZE`], bounded by [`super::MAX_ALL_INSTANCES`], kept to
//! `ALLOWED_INSTANCES`; then each instance's tasks of the last day and the ones still running,
//! bounded per instance), and the answers of what was gathered; the scheduled check's
//! decisions ([`WatchRun`]): the state claimed, the events, the posts.
//!
//! The shell (`src/watch.rs`) lists the instances, then the instances' tasks with at most
//! [`WATCH_CONCURRENCY`] at once, everything under the request's one deadline
//! (`REQUEST_TIMEOUT_MS`) and byte budget; an instance whose listing fails is that instance's
//! error (unreachable), a failure to list the instances ends the look.

use dcs_tasks_parse::error::DcsError;
use dcs_tasks_parse::model::{to_json, Instance, Task};
use serde::Serialize;

use super::answers::{upstream_error, Answer};
use super::config::ProxyConfig;
use crate::attention::{listing_start, FleetSummary};
use crate::listing::{InstancePages, TaskPages, TypedTaskPages};
use crate::query::{InstanceQuery, ListQuery};
use crate::watchdog::{self, Event, FleetLook, Sighting, WatchState};
use crate::webhook::{Notice, Post, Sent, Webhook};

/// Instances whose tasks are listed at once.
pub const WATCH_CONCURRENCY: u32 = 4;
/// Most tasks listed for one instance in a look (more: that instance's error).
pub const MAX_WATCH_TASKS: u64 = super::MAX_ALL_TASKS;
/// The Content-Type of `/metrics` (the Prometheus text format).
pub const METRICS_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// What a fleet gathering answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FleetPurpose {
    /// `GET /api/attention`: the attention model as JSON.
    Attention,
    /// `GET /metrics`: the Prometheus text.
    Metrics,
}

/// A look at the fleet: the instances, then their tasks.
#[derive(Debug)]
pub struct FleetGathering {
    pub config: ProxyConfig,
    pub purpose: FleetPurpose,
}

/// What a gathering cost: its duration and the listings that failed.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GatherStats {
    pub duration_ms: f64,
    /// Listings that failed (each unreachable instance; the instance list itself).
    pub errors: u32,
    /// Upstream HTTP exchanges.
    pub calls: u32,
}

/// `/api/attention`'s body: the project and the fleet's summary.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AttentionJson<'a> {
    project_id: &'a str,
    #[serde(flatten)]
    summary: &'a FleetSummary,
}

impl FleetGathering {
    /// Every instance of the project.
    pub fn instance_pages(&self) -> InstancePages {
        InstancePages {
            endpoint: self.config.endpoint.clone(),
            project_id: self.config.project_id.clone(),
            query: InstanceQuery::default(),
        }
    }

    /// The instances a look keeps (`ALLOWED_INSTANCES`).
    pub fn keeps(&self, i: &Instance) -> bool {
        self.config.instance_allowed(&i.instance_id)
    }

    /// One instance's tasks for a look at `now_ms`: created in the last day, or earlier and
    /// still running (the lookback of [`listing_start`]; [`Self::sighting`] drops the rest).
    pub fn task_pages(&self, instance_id: &str, now_ms: i64) -> TypedTaskPages {
        let since = now_ms.saturating_sub(watchdog::LOOK_RANGE_MS);
        TypedTaskPages(TaskPages {
            endpoint: self.config.endpoint.clone(),
            project_id: self.config.project_id.clone(),
            instance_id: instance_id.to_string(),
            query: ListQuery {
                start_ms: listing_start(Some(since)),
                end_ms: None,
                ..ListQuery::default()
            },
        })
    }

    /// An instance as seen: its tasks (those of the lookback kept only while running), or
    /// its listing's error.
    /// `spent_out`: the look had run out of its own deadline or bytes
    /// ([`crate::call::Budget::spent_out`]), so a listing that failed for time or size failed
    /// for the look's sake, not the instance's.
    pub fn sighting(
        &self,
        instance: Instance,
        tasks: Result<Vec<Task>, DcsError>,
        now_ms: i64,
        spent_out: bool,
    ) -> Sighting {
        let since = Some(now_ms.saturating_sub(watchdog::LOOK_RANGE_MS));
        match tasks {
            Ok(mut t) => {
                t.retain(|t| crate::attention::keeps_task(t, since));
                Sighting {
                    instance,
                    tasks: t,
                    error: None,
                    unseen: false,
                }
            }
            Err(e) => Sighting {
                instance,
                tasks: Vec::new(),
                unseen: spent_out
                    && (e.code == dcs_tasks_parse::error::ErrorCode::Timeout
                        || e.reason == Some(dcs_tasks_parse::error::Reason::BodyTooLarge)),
                error: Some(e),
            },
        }
    }

    /// The look at `now_ms` of the sightings.
    pub fn look(&self, now_ms: i64, sightings: Vec<Sighting>) -> FleetLook {
        FleetLook {
            now_ms,
            stuck_after: self.config.alerts.stuck_after,
            sightings,
        }
    }

    /// The answer of a look (or of the failure to list the instances).
    pub fn finish(&self, look: Result<FleetLook, DcsError>, stats: GatherStats) -> Answer {
        match (self.purpose, look) {
            (FleetPurpose::Attention, Ok(l)) => {
                let summary = l.summary();
                Answer::fresh_json(
                    200,
                    to_json(&AttentionJson {
                        project_id: &self.config.project_id,
                        summary: &summary,
                    }),
                )
            }
            (FleetPurpose::Attention, Err(e)) => upstream_error(&e),
            (FleetPurpose::Metrics, l) => {
                let summary = l.ok().map(|l| l.summary());
                let text = super::metrics::render(&self.config.project_id, summary.as_ref(), stats);
                Answer {
                    status: 200,
                    headers: vec![
                        ("Content-Type", METRICS_TYPE.into()),
                        ("Cache-Control", "no-store".into()),
                    ],
                    body: Some(text.into_bytes()),
                    code: None,
                }
            }
        }
    }
}

/// Where the scheduled check keeps its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// A store (Workers KV, a file, the process's memory): the state of earlier runs.
    Kept,
    /// None: each run reports its own time window ([`watchdog::evaluate_window`]).
    None,
}

/// One scheduled check's decisions.
#[derive(Debug)]
pub struct WatchRun<'a> {
    pub config: &'a ProxyConfig,
    pub storage: Storage,
    /// When the run was due (the schedule's tick; the window's end without storage).
    pub scheduled_ms: i64,
    pub now_ms: i64,
}

/// What a run decided: its events, the state to store before posting (with storage), and
/// the posts.
#[derive(Debug)]
pub struct RunResult {
    pub events: Vec<Event>,
    /// Before the posts: what each webhook is about to be told kept in
    /// [`WatchState::undelivered`], the lease held; [`RunResult::settle`] makes it the state
    /// after them.
    pub state: Option<WatchState>,
    pub posts: Vec<Posting>,
}

/// One webhook's post in a run.
#[derive(Debug)]
pub struct Posting {
    pub webhook: Webhook,
    pub post: Post,
    /// How many of its events an earlier run failed to deliver.
    pub earlier: usize,
    /// How many events it tells.
    pub events: usize,
}

/// One webhook's line in a run's report and log: never its URL or secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivered {
    pub name: String,
    pub delivered: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Events of earlier runs in the post.
    #[serde(skip_serializing_if = "is_zero")]
    pub redelivered: usize,
    /// Events kept for the next run (the post failed every retry of this one).
    #[serde(skip_serializing_if = "is_zero")]
    pub kept: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl RunResult {
    /// What the posts came to (`sent`, one per post, in order): each webhook's line, and the
    /// state to store after them ([`RunResult::state`]): what a webhook took, or refused for
    /// good, no longer kept; the lease released.
    pub fn settle(&mut self, sent: Vec<Sent>) -> Vec<Delivered> {
        let mut lines = Vec::with_capacity(self.posts.len());
        for (p, sent) in self.posts.iter().zip(sent) {
            let kept = matches!(sent, Sent::Failed(_));
            if let (Some(st), false) = (self.state.as_mut(), kept) {
                st.undelivered.remove(&p.webhook.key());
            }
            let (delivered, error) = match sent {
                Sent::Delivered => (true, None),
                Sent::Refused(m) | Sent::Failed(m) => (false, Some(m)),
            };
            lines.push(Delivered {
                name: p.webhook.name(),
                delivered,
                error,
                redelivered: p.earlier,
                kept: if kept && self.state.is_some() {
                    p.events
                } else {
                    0
                },
            });
        }
        if let Some(st) = self.state.as_mut() {
            st.lease = 0;
        }
        lines
    }
}

impl WatchRun<'_> {
    /// The run's deadline: the request deadline of the configuration.
    pub fn deadline_ms(&self) -> i64 {
        self.now_ms + i64::from(self.config.request_timeout_ms)
    }

    /// Claims the stored state (text as stored; `None`: nothing stored): the state to store
    /// before gathering, or `None` when another run holds it (this run then does nothing).
    pub fn claim(&self, stored: Option<&str>) -> Option<WatchState> {
        let mut st = stored
            .and_then(WatchState::from_json)
            .unwrap_or_else(|| WatchState {
                version: watchdog::STATE_VERSION,
                ..WatchState::default()
            });
        st.claim(self.now_ms, self.hold_ms()).then_some(st)
    }

    /// Until when a run holds the state: the webhooks' retries may run past the gathering.
    fn hold_ms(&self) -> i64 {
        self.deadline_ms() + i64::from(self.config.request_timeout_ms)
    }

    /// The events of a look given the claimed state (`stored` as read before the claim) and
    /// the posts: with storage, each webhook is told what an earlier run failed to deliver to
    /// it, then the new events; a look that failed (no instance list) has no events and keeps
    /// the state.
    pub fn finish(&self, stored: Option<&str>, look: &FleetLook) -> RunResult {
        match self.storage {
            Storage::Kept => {
                let prev = stored.and_then(WatchState::from_json);
                let (events, mut st) = watchdog::evaluate(prev, look);
                let mut earlier = core::mem::take(&mut st.undelivered);
                let mut posts = Vec::new();
                for w in &self.config.alerts.webhooks {
                    let key = w.key();
                    let before = earlier.remove(&key).unwrap_or_default();
                    let (all, n_earlier) = watchdog::backlog(before, &events, self.now_ms);
                    if all.is_empty() {
                        continue;
                    }
                    let told: Vec<Event> = all.iter().map(|p| p.event.clone()).collect();
                    posts.push(self.posting(w, &told, n_earlier));
                    st.undelivered.insert(key, all);
                }
                // Held until the posts' outcome is stored (`settle`).
                st.lease = self.hold_ms();
                RunResult {
                    events,
                    state: Some(st),
                    posts,
                }
            }
            Storage::None => {
                let every = i64::from(self.config.alerts.every_s) * 1000;
                let to = self.scheduled_ms;
                let events = watchdog::evaluate_window(look, to - every, to);
                let posts = if events.is_empty() {
                    Vec::new()
                } else {
                    let hooks = &self.config.alerts.webhooks;
                    hooks.iter().map(|w| self.posting(w, &events, 0)).collect()
                };
                RunResult {
                    events,
                    state: None,
                    posts,
                }
            }
        }
    }

    /// Webhook `w`'s post of `events`, `earlier` of them from earlier runs.
    fn posting(&self, w: &Webhook, events: &[Event], earlier: usize) -> Posting {
        let notice = Notice {
            project_id: &self.config.project_id,
            checked_at: dcs_tasks_parse::time::format_iso_ms(self.now_ms),
            events,
            redelivered: earlier,
        };
        Posting {
            webhook: w.clone(),
            post: w.post(&notice, self.now_ms),
            earlier,
            events: events.len(),
        }
    }
}

/// A log line of a check that posted nothing: `what` (`refused`: the configuration;
/// `skipped`: another check holds the state; `failed`: nothing was seen), the error's code and
/// message (a variable's name, an upstream error: never a URL of a webhook or a secret).
pub fn note_log(what: &'static str, code: Option<&str>, message: &str) -> String {
    #[derive(Serialize)]
    struct Note<'a> {
        watchdog: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        code: Option<&'a str>,
        message: &'a str,
    }
    to_json(&Note {
        watchdog: what,
        code,
        message,
    })
}

/// The log line of a run: counts and kinds, each webhook's line, never a URL, a secret or an
/// event's text.
pub fn run_log(events: &[Event], delivered: &[Delivered]) -> String {
    #[derive(Serialize)]
    struct Line<'a> {
        watchdog: &'static str,
        events: usize,
        kinds: Vec<&'static str>,
        webhooks: &'a [Delivered],
    }
    to_json(&Line {
        watchdog: "run",
        events: events.len(),
        kinds: events.iter().map(|e| e.kind.as_str()).collect(),
        webhooks: delivered,
    })
}

#[cfg(test)]
mod tests;
