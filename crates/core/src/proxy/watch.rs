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
use crate::webhook::{Notice, Post, Webhook};

/// Instances whose tasks are listed at once.
pub const WATCH_CONCURRENCY: usize = 4;
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

/// A run's result: the events, the state to store (with storage), what to post.
#[derive(Debug)]
pub struct RunResult {
    pub events: Vec<Event>,
    pub state: Option<WatchState>,
    pub posts: Vec<(Webhook, Post)>,
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
        // The webhooks' retries may run past the gathering: hold it for both.
        let hold = self.deadline_ms() + i64::from(self.config.request_timeout_ms);
        st.claim(self.now_ms, hold).then_some(st)
    }

    /// The events of a look given the claimed state (`stored` as read before the claim) and
    /// the posts; a look that failed (no instance list) has no events and keeps the state.
    pub fn finish(&self, stored: Option<&str>, look: &FleetLook) -> RunResult {
        let (events, state) = match self.storage {
            Storage::Kept => {
                let prev = stored.and_then(WatchState::from_json);
                let (e, s) = watchdog::evaluate(prev, look);
                (e, Some(s))
            }
            Storage::None => {
                let every = i64::from(self.config.alerts.every_s) * 1000;
                let to = self.scheduled_ms;
                (watchdog::evaluate_window(look, to - every, to), None)
            }
        };
        let posts = self.posts(&events);
        RunResult {
            events,
            state,
            posts,
        }
    }

    /// Every webhook's request for `events` (none when there is no event).
    pub fn posts(&self, events: &[Event]) -> Vec<(Webhook, Post)> {
        if events.is_empty() {
            return Vec::new();
        }
        let notice = Notice {
            project_id: &self.config.project_id,
            checked_at: dcs_tasks_parse::time::format_iso_ms(self.now_ms),
            events,
        };
        self.config
            .alerts
            .webhooks
            .iter()
            .map(|w| (w.clone(), w.post(&notice, self.now_ms)))
            .collect()
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

/// The log line of a run: counts and kinds, never a URL, a secret or an event's text.
pub fn run_log(events: &[Event], delivered: &[(String, Result<(), String>)]) -> String {
    #[derive(Serialize)]
    struct Line<'a> {
        watchdog: &'static str,
        events: usize,
        kinds: Vec<&'static str>,
        webhooks: Vec<Hook<'a>>,
    }
    #[derive(Serialize)]
    struct Hook<'a> {
        name: &'a str,
        delivered: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<&'a str>,
    }
    to_json(&Line {
        watchdog: "run",
        events: events.len(),
        kinds: events.iter().map(|e| e.kind.as_str()).collect(),
        webhooks: delivered
            .iter()
            .map(|(name, r)| Hook {
                name,
                delivered: r.is_ok(),
                error: r.as_ref().err().map(String::as_str),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests;
