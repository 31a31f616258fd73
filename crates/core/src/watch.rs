//! Watching one task's progress (`watchTaskProgress`): the sans-IO decisions. Which answers
//! to hand out (those whose progress or steps changed), when the watch is over (progress 100
//! or a `FAILED` step, after handing that answer out), and how long to wait between polls.

use crate::field::{ArgError, Field};
use crate::query::{validate_int, Arg};
use dcs_tasks_parse::model::TaskProgress;

/// Default wait between two polls.
pub const DEFAULT_WATCH_INTERVAL_MS: u32 = 3_000;
/// Shortest wait between two polls (the service is not to be hammered).
pub const MIN_WATCH_INTERVAL_MS: u32 = 250;
/// Longest wait between two polls.
pub const MAX_WATCH_INTERVAL_MS: u32 = 3_600_000;

/// The watch of one task: feed it each answer ([`Watch::observe`]), wait [`Watch::wait_ms`]
/// before the next poll, stop when [`Watch::done`].
#[derive(Debug, Clone)]
pub struct Watch {
    interval_ms: u32,
    polls: u64,
    last: Option<TaskProgress>,
    done: bool,
}

impl Watch {
    /// A watch polling every `interval` (`intervalMs`), validated: an integer within
    /// `MIN_WATCH_INTERVAL_MS..=MAX_WATCH_INTERVAL_MS`, absent the default (the error names
    /// [`Field::IntervalMs`]).
    pub fn from_arg(interval: &Arg) -> Result<Watch, ArgError> {
        let ms = validate_int(
            Field::IntervalMs,
            interval,
            MIN_WATCH_INTERVAL_MS,
            MAX_WATCH_INTERVAL_MS,
        )?;
        Ok(Watch::new(ms))
    }

    /// A watch polling every `interval_ms` (`None`: the default), kept within
    /// `MIN_WATCH_INTERVAL_MS..=MAX_WATCH_INTERVAL_MS` ([`Watch::from_arg`] refuses values
    /// outside).
    pub fn new(interval_ms: Option<u32>) -> Watch {
        Watch {
            interval_ms: interval_ms
                .unwrap_or(DEFAULT_WATCH_INTERVAL_MS)
                .clamp(MIN_WATCH_INTERVAL_MS, MAX_WATCH_INTERVAL_MS),
            polls: 0,
            last: None,
            done: false,
        }
    }

    /// Is the task over in this answer: progress 100, or a step `FAILED`?
    pub fn finished(p: &TaskProgress) -> bool {
        p.progress.is_some_and(|v| v >= 100)
            || p.step_details
                .iter()
                .any(|s| s.step_status.as_deref() == Some("FAILED"))
    }

    /// Takes one answer: `Some` when it is to be handed out (the first, and each whose
    /// progress or steps differ from the last handed out; `remainTime` and warnings alone
    /// are no change). After a finished answer the watch is done.
    pub fn observe(&mut self, p: TaskProgress) -> Option<TaskProgress> {
        self.polls += 1;
        if self.done {
            return None;
        }
        let changed = self
            .last
            .as_ref()
            .is_none_or(|l| l.progress != p.progress || l.step_details != p.step_details);
        if Self::finished(&p) {
            self.done = true;
            self.last = None;
            return Some(p);
        }
        if !changed {
            return None;
        }
        self.last = Some(p.clone());
        Some(p)
    }

    /// The wait before the next poll: none before the first, the interval after.
    pub fn wait_ms(&self) -> u32 {
        if self.polls == 0 {
            0
        } else {
            self.interval_ms
        }
    }

    /// Has the finished answer been handed out?
    pub fn done(&self) -> bool {
        self.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dcs_tasks_parse::model::Step;

    fn p(progress: i64, steps: &[&str]) -> TaskProgress {
        TaskProgress {
            progress: Some(progress),
            remain_time: Some(100 - progress),
            step_details: steps
                .iter()
                .map(|s| Step {
                    step_status: Some(s.to_string()),
                    ..Step::default()
                })
                .collect(),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn hands_out_changes_and_ends_after_the_finished_answer() {
        let mut w = Watch::new(None);
        assert_eq!(w.wait_ms(), 0);
        assert!(w.observe(p(10, &["EXECUTING"])).is_some());
        assert_eq!(w.wait_ms(), DEFAULT_WATCH_INTERVAL_MS);
        // the same progress and steps (another remainTime): not handed out
        let mut same = p(10, &["EXECUTING"]);
        same.remain_time = Some(7);
        assert!(w.observe(same).is_none());
        assert!(w.observe(p(10, &["FINISH", "EXECUTING"])).is_some());
        assert!(w.observe(p(40, &["FINISH", "EXECUTING"])).is_some());
        assert!(!w.done());
        let last = w.observe(p(100, &["FINISH", "FINISH"])).unwrap();
        assert_eq!(last.progress, Some(100));
        assert!(w.done());
        assert!(w.observe(p(100, &["FINISH", "FINISH"])).is_none());
    }

    #[test]
    fn a_failed_step_ends_it() {
        let mut w = Watch::new(Some(250));
        assert!(w.observe(p(30, &["FINISH", "FAILED"])).is_some());
        assert!(w.done());
        // even as the first answer, and even when nothing changed since
        let mut w = Watch::new(Some(250));
        w.observe(p(30, &["EXECUTING"]));
        assert!(w.observe(p(30, &["FAILED"])).is_some());
        assert!(w.done());
        assert!(Watch::finished(&p(100, &[])));
        assert!(!Watch::finished(&p(99, &["FINISH"])));
        assert!(!Watch::finished(&TaskProgress::default()));
    }

    #[test]
    fn interval_bounds() {
        assert_eq!(Watch::new(Some(0)).interval_ms, MIN_WATCH_INTERVAL_MS);
        assert_eq!(
            Watch::new(Some(u32::MAX)).interval_ms,
            MAX_WATCH_INTERVAL_MS
        );
        assert_eq!(Watch::new(Some(250)).interval_ms, 250);
        assert_eq!(Watch::new(None).interval_ms, 3_000);
    }
}
