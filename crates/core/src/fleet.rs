//! `listFleetTasks`' decisions (sans-IO): its arguments, and which instance's task listing
//! starts next so that at most `concurrency` run at once, with the progress it reports.
//!
//! The fleet is read in two steps: every instance (optionally filtered by `name` and
//! `status`: `listAllInstances`' plan, [`crate::policy::PagePlan`] over
//! [`dcs_tasks_parse::model::InstanceList`]), then each instance's tasks in the time range
//! (every page, one page at a time per instance, so that at most `concurrency` task-list
//! requests are in flight). An instance whose listing fails is reported with its error; the
//! others go on.

use dcs_tasks_parse::error::DcsError;

use crate::field::{ArgError, Field};
use crate::query::{validate_int, Arg, ArgResult, InstanceQuery, ListQuery};

/// Instances whose tasks are listed at once, by default.
pub const DEFAULT_FLEET_CONCURRENCY: u32 = 4;
/// Most instances listed at once.
pub const MAX_FLEET_CONCURRENCY: u32 = 16;
/// Most instances `listAllInstances` and `listFleetTasks` will ever deliver (bounds a lying
/// `instance_num`).
pub const MAX_LIST_ALL_INSTANCES: u64 = 100_000;
/// Most tasks listed for one instance of a fleet (more: that instance's error, `TooManyTasks`).
pub const MAX_FLEET_TASKS_PER_INSTANCE: u64 = 100_000;
/// Page size of the fleet's listings (instances and tasks): the API's largest.
pub const FLEET_PAGE_SIZE: u32 = crate::query::MAX_LIMIT;

/// `listFleetTasks`' validated arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetQuery {
    /// The instances (`name`, `status`; no offset or limit: every page).
    pub instances: InstanceQuery,
    /// Each instance's tasks (`startTime`, `endTime`).
    pub tasks: ListQuery,
    pub concurrency: u32,
}

impl FleetQuery {
    /// Each instance's task query: the range, its start moved back by
    /// [`crate::attention::RUNNING_LOOKBACK_MS`] so that tasks still running that began
    /// before it are seen ([`crate::attention::keeps_task_json`] drops the others).
    pub fn listing(&self) -> ListQuery {
        ListQuery {
            start_ms: crate::attention::listing_start(self.tasks.start_ms),
            ..self.tasks.clone()
        }
    }

    /// Validates the query (`q`): the start and end times, the name and status filters, in
    /// that order; the concurrency is the default until [`FleetQuery::with_concurrency`].
    pub fn validate(start: &Arg, end: &Arg, name: &Arg, status: &Arg) -> ArgResult<FleetQuery> {
        let tasks = ListQuery::validate(&Arg::Absent, &Arg::Absent, start, end)?;
        let instances = InstanceQuery::validate(name, status, &Arg::Absent, &Arg::Absent)?;
        Ok(FleetQuery {
            instances,
            tasks,
            concurrency: DEFAULT_FLEET_CONCURRENCY,
        })
    }

    /// The concurrency, an option of its own (`o.concurrency`): 1..16, absent the default 4.
    pub fn with_concurrency(self, concurrency: &Arg) -> ArgResult<FleetQuery> {
        let c = validate_int(Field::Concurrency, concurrency, 1, MAX_FLEET_CONCURRENCY)?;
        Ok(FleetQuery {
            concurrency: c.unwrap_or(DEFAULT_FLEET_CONCURRENCY),
            ..self
        })
    }
}

/// Which instance starts next, and the progress (`{ done, total }`).
#[derive(Debug, Clone)]
pub struct FleetPlan {
    total: usize,
    concurrency: usize,
    started: usize,
    done: usize,
}

impl FleetPlan {
    /// A plan over `total` instances (in listing order) with at most `concurrency` in flight.
    pub fn new(total: usize, concurrency: u32) -> FleetPlan {
        FleetPlan {
            total,
            concurrency: concurrency.clamp(1, MAX_FLEET_CONCURRENCY) as usize,
            started: 0,
            done: 0,
        }
    }

    /// The index of the next instance to start, if one may start now.
    pub fn next_start(&mut self) -> Option<usize> {
        if self.started >= self.total || self.in_flight() >= self.concurrency {
            return None;
        }
        self.started += 1;
        Some(self.started - 1)
    }

    /// Listings started and not finished.
    pub fn in_flight(&self) -> usize {
        self.started - self.done
    }

    /// One listing finished (with tasks or an error): the progress `(done, total)`.
    pub fn finish(&mut self) -> (usize, usize) {
        self.done = (self.done + 1).min(self.started);
        (self.done, self.total)
    }

    /// Every instance has been handed out.
    pub fn is_done(&self) -> bool {
        self.done >= self.total
    }
}

/// The error of an instance whose listing holds more than
/// [`MAX_FLEET_TASKS_PER_INSTANCE`] tasks in the range.
pub fn too_many_tasks(total: u64) -> Option<DcsError> {
    (total > MAX_FLEET_TASKS_PER_INSTANCE).then(|| {
        DcsError::from(ArgError::new(
            Field::StartTime,
            format!(
                "the instance has {total} tasks in the range, more than the {MAX_FLEET_TASKS_PER_INSTANCE} a fleet listing takes per instance: narrow the range"
            ),
        ))
        .because(dcs_tasks_parse::error::Reason::TooManyTasks)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_concurrency_in_flight_in_order() {
        let mut p = FleetPlan::new(5, 2);
        assert_eq!(p.next_start(), Some(0));
        assert_eq!(p.next_start(), Some(1));
        assert_eq!(p.next_start(), None);
        assert_eq!(p.finish(), (1, 5));
        assert_eq!(p.next_start(), Some(2));
        assert_eq!(p.next_start(), None);
        for _ in 0..2 {
            p.finish();
        }
        assert_eq!(p.next_start(), Some(3));
        assert_eq!(p.next_start(), Some(4));
        assert_eq!(p.next_start(), None);
        assert!(!p.is_done());
        p.finish();
        assert_eq!(p.finish(), (5, 5));
        assert!(p.is_done());
        // Finishing more than was started is ignored.
        assert_eq!(p.finish(), (5, 5));
        let mut empty = FleetPlan::new(0, 4);
        assert_eq!(empty.next_start(), None);
        assert!(empty.is_done());
    }

    #[test]
    fn arguments() {
        let a = Arg::Absent;
        let q = FleetQuery::validate(&a, &a, &a, &a).unwrap();
        assert_eq!(q.concurrency, DEFAULT_FLEET_CONCURRENCY);
        for bad in [
            Arg::Num(0.0),
            Arg::Num(17.0),
            Arg::Num(1.5),
            Arg::Bool(true),
        ] {
            let e = q.clone().with_concurrency(&bad).unwrap_err();
            assert_eq!(e.field, Field::Concurrency, "{bad:?}");
        }
        let q = FleetQuery::validate(&a, &a, &"redis".into(), &"RUNNING".into())
            .and_then(|q| q.with_concurrency(&Arg::Num(16.0)))
            .unwrap();
        assert_eq!(q.concurrency, 16);
        assert_eq!(q.instances.to_query_string(), "name=redis&status=RUNNING");
        let e = FleetQuery::validate(
            &"2024-01-02T00:00:00Z".into(),
            &"2024-01-01T00:00:00Z".into(),
            &a,
            &a,
        )
        .unwrap_err();
        assert_eq!(e.field, Field::StartTime);
        assert!(too_many_tasks(MAX_FLEET_TASKS_PER_INSTANCE).is_none());
        let e = too_many_tasks(MAX_FLEET_TASKS_PER_INSTANCE + 1).unwrap();
        assert_eq!(e.reason, Some(dcs_tasks_parse::error::Reason::TooManyTasks));
    }
}
