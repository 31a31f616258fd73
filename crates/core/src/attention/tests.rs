use super::*;
use dcs_tasks_parse::error::Reason;

const T0: i64 = 1_780_000_000_000; // the range's start
const NOW: i64 = T0 + DAY as i64; // a 24 h range ending now

fn at() -> Assessment {
    Assessment {
        now_ms: NOW,
        since_ms: Some(T0),
        until_ms: Some(NOW),
        stuck_after: StuckAfter::ByTaskType,
    }
}

fn instance(id: &str, name: &str, status: &str) -> Instance {
    Instance {
        instance_id: id.into(),
        name: name.into(),
        status: status.into(),
        ..Instance::default()
    }
}

fn task(id: &str, name: &str, status: &str, created: i64) -> Task {
    Task {
        id: id.into(),
        name: name.into(),
        status: status.into(),
        created_at: Some(format_iso_ms(created)),
        ..Task::default()
    }
}

fn kinds(h: &InstanceHealth) -> Vec<ConcernKind> {
    h.concerns.iter().map(|c| c.kind).collect()
}

#[test]
fn a_quiet_instance_needs_nothing() {
    let h = assess(
        &instance("a", "quiet", "RUNNING"),
        &[task("1", "BindEip", "SUCCESS", T0 + 1000)],
        None,
        &at(),
    );
    assert!(h.concerns.is_empty());
    assert_eq!(h.counts.succeeded, 1);
    assert_eq!(h.counts.total, 1);
    assert_eq!(h.status_kind, "success");
    assert_eq!(h.last_task.as_ref().unwrap().id, "1");
    assert_eq!(h.rank, 6);
}

#[test]
fn unreachable_names_the_error() {
    let e = DcsError::network("connection refused");
    let h = assess(&instance("a", "x", "RUNNING"), &[], Some(&e), &at());
    assert_eq!(kinds(&h), [ConcernKind::Unreachable]);
    assert_eq!(h.concerns[0].code.as_deref(), Some("NETWORK"));
    assert!(h.concerns[0].message.contains("connection refused"));
    assert_eq!(h.rank, 0);
}

#[test]
fn abnormal_states() {
    for s in ABNORMAL_INSTANCE_STATUSES {
        let h = assess(&instance("a", "x", s), &[], None, &at());
        assert_eq!(kinds(&h), [ConcernKind::Abnormal], "{s}");
        assert_eq!(h.concerns[0].code.as_deref(), Some(s));
    }
    for s in CHANGING_INSTANCE_STATUSES {
        let h = assess(&instance("a", "x", s), &[], None, &at());
        assert!(h.concerns.is_empty(), "{s}");
        assert_eq!(h.status_kind, "executing");
        assert_eq!(h.rank, 5);
    }
    assert_eq!(instance_status_kind("FROZEN"), "cancelled");
    assert_eq!(instance_status_kind("ERROR"), "failed");
    assert_eq!(instance_status_kind("SOMETHING"), "other");
}

#[test]
fn failed_tasks_in_the_range_the_latest_named() {
    let mut late = task("2", "UpdatePort", "FAILED", T0 + 5000);
    late.updated_at = Some(format_iso_ms(T0 + 9000));
    let tasks = [
        task("1", "BindEip", "FAILED", T0 + 1000),
        late,
        // Failed before the range (a lookback task): not counted.
        task("0", "BindEip", "FAILED", T0 - 1),
    ];
    let h = assess(&instance("a", "x", "RUNNING"), &tasks, None, &at());
    assert_eq!(kinds(&h), [ConcernKind::Failed]);
    let c = &h.concerns[0];
    assert_eq!(c.count, 2);
    assert_eq!(c.task.as_ref().unwrap().id, "2");
    assert_eq!(c.since.as_deref(), Some(format_iso_ms(T0 + 9000).as_str()));
    assert_eq!(h.counts.total, 2);
    assert_eq!(h.rank, 3);
}

#[test]
fn running_tasks_count_whatever_their_start_and_stick_past_their_threshold() {
    let tasks = [
        // A switchover started 30 h ago (before the 24 h range): still executing, stuck.
        task(
            "s",
            "masterStandbySwapJob",
            "EXECUTING",
            NOW - 30 * HOUR as i64,
        ),
        // A spec change for 2 h: within its 6 h.
        task(
            "c",
            "ChangeInstanceSpec",
            "EXECUTING",
            NOW - 2 * HOUR as i64,
        ),
        // A port update waiting 2 h: past its hour.
        task("p", "UpdatePort", "CREATED", NOW - 2 * HOUR as i64),
    ];
    let h = assess(&instance("a", "x", "RUNNING"), &tasks, None, &at());
    assert_eq!(h.counts.running, 3);
    assert_eq!(h.counts.stuck, 2);
    assert_eq!(kinds(&h), [ConcernKind::Stuck]);
    let c = &h.concerns[0];
    assert_eq!(c.count, 2);
    assert_eq!(c.task.as_ref().unwrap().id, "s", "the oldest stuck task");
    assert_eq!(
        h.running.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["s", "c", "p"]
    );
    assert_eq!(
        h.running.iter().map(|r| r.stuck).collect::<Vec<_>>(),
        [true, false, true]
    );
    assert_eq!(h.rank, 2);
    // One threshold for all: 3 h leaves only the switchover stuck.
    let one = Assessment {
        stuck_after: StuckAfter::Ms(3 * HOUR),
        ..at()
    };
    let h = assess(&instance("a", "x", "RUNNING"), &tasks, None, &one);
    assert_eq!(h.counts.stuck, 1);
}

#[test]
fn the_threshold_is_exclusive_at_the_edge() {
    let t = [task(
        "s",
        "masterStandbySwapJob",
        "EXECUTING",
        NOW - 30 * MINUTE as i64,
    )];
    let h = assess(&instance("a", "x", "RUNNING"), &t, None, &at());
    assert_eq!(h.counts.stuck, 0, "exactly at the threshold: not yet");
    let later = Assessment {
        now_ms: NOW + 1,
        ..at()
    };
    let h = assess(&instance("a", "x", "RUNNING"), &t, None, &later);
    assert_eq!(h.counts.stuck, 1, "one millisecond past it");
}

#[test]
fn the_range_edges_are_inclusive() {
    let tasks = [
        task("a", "BindEip", "SUCCESS", T0),
        task("b", "BindEip", "SUCCESS", NOW),
        task("c", "BindEip", "SUCCESS", NOW + 1),
    ];
    let h = assess(&instance("a", "x", "RUNNING"), &tasks, None, &at());
    assert_eq!(h.counts.succeeded, 2);
    // A task with no creation time is counted (nothing says it is outside).
    let mut undated = task("u", "BindEip", "SUCCESS", 0);
    undated.created_at = None;
    let h = assess(&instance("a", "x", "RUNNING"), &[undated], None, &at());
    assert_eq!(h.counts.succeeded, 1);
}

#[test]
fn concerns_are_ordered_and_the_fleet_ranked() {
    let e = DcsError::http(403, None, None, None, None).because(Reason::TooManyTasks);
    let both = assess(
        &instance("b", "both", "FROZEN"),
        &[task("1", "BindEip", "FAILED", T0 + 10)],
        Some(&e),
        &at(),
    );
    assert_eq!(
        kinds(&both),
        [
            ConcernKind::Unreachable,
            ConcernKind::Abnormal,
            ConcernKind::Failed
        ]
    );
    let a = at();
    let rows = vec![
        assess(&instance("q", "quiet", "RUNNING"), &[], None, &a),
        assess(
            &instance("f2", "failed-old", "RUNNING"),
            &[task("1", "BindEip", "FAILED", T0 + 10)],
            None,
            &a,
        ),
        assess(
            &instance("f1", "failed-new", "RUNNING"),
            &[task("2", "BindEip", "FAILED", T0 + 20)],
            None,
            &a,
        ),
        assess(&instance("z", "frozen", "FROZEN"), &[], None, &a),
        assess(
            &instance("r", "busy", "RUNNING"),
            &[task("3", "BindEip", "EXECUTING", NOW - 1000)],
            None,
            &a,
        ),
        assess(&instance("c", "changing", "EXTENDING"), &[], None, &a),
        both,
    ];
    let s = FleetSummary::new(rows, &a);
    let order: Vec<_> = s.instances.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(
        order,
        [
            "both",
            "frozen",
            "failed-new",
            "failed-old",
            "busy",
            "changing",
            "quiet"
        ]
    );
    assert_eq!(s.totals.instances, 7);
    assert_eq!(s.totals.attention, 4);
    assert_eq!(s.attention().len(), 4);
    assert_eq!(s.totals.unreachable, 1);
    assert_eq!(s.totals.abnormal, 2);
    assert_eq!(s.totals.failed, 3);
    assert_eq!(s.totals.running, 1);
    assert_eq!(s.checked_at, format_iso_ms(NOW));
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["instances"][0]["concerns"][0]["kind"], "unreachable");
    assert_eq!(json["instances"][0]["statusKind"], "cancelled");
    assert_eq!(json["totals"]["attention"], 4);
}

#[test]
fn durations() {
    for (s, ms) in [
        ("90s", 90_000),
        ("45m", 45 * MINUTE),
        ("12h", 12 * HOUR),
        ("2d", 2 * DAY),
        ("600", 600_000),
        (" 1h ", HOUR),
    ] {
        assert_eq!(parse_duration(s), Some(ms), "{s}");
    }
    for s in ["", "h", "1.5h", "-1h", "1w", "99999999999d", "1 h", "٣h"] {
        assert_eq!(parse_duration(s), None, "{s}");
    }
    let f = Field::StuckAfter;
    assert_eq!(
        StuckAfter::parse(&Arg::Absent, f),
        Ok(StuckAfter::ByTaskType)
    );
    assert_eq!(
        StuckAfter::parse(&"12h".into(), f),
        Ok(StuckAfter::Ms(12 * HOUR))
    );
    assert_eq!(
        StuckAfter::parse(&Arg::Num(3_600_000.0), f),
        Ok(StuckAfter::Ms(HOUR))
    );
    for bad in [
        Arg::from("30s"),
        Arg::from("31d"),
        Arg::Num(1.5),
        Arg::Num(-1.0),
        Arg::Bool(true),
        Arg::from("soon"),
    ] {
        let e = StuckAfter::parse(&bad, f).unwrap_err();
        assert_eq!(e.field, Field::StuckAfter, "{bad:?}");
    }
    assert_eq!(
        StuckAfter::ByTaskType.for_task("masterStandbySwapJob"),
        30 * MINUTE
    );
    assert_eq!(
        StuckAfter::ByTaskType.for_task("unknown"),
        DEFAULT_STUCK_AFTER_MS
    );
}

#[test]
fn the_lookback_keeps_only_running_tasks_before_the_range() {
    assert_eq!(
        listing_start(Some(T0)),
        Some(T0 - RUNNING_LOOKBACK_MS as i64)
    );
    assert_eq!(listing_start(None), None);
    assert!(keeps_task(&task("a", "x", "EXECUTING", T0 - 1), Some(T0)));
    assert!(!keeps_task(&task("a", "x", "SUCCESS", T0 - 1), Some(T0)));
    assert!(keeps_task(&task("a", "x", "SUCCESS", T0), Some(T0)));
    assert!(keeps_task(&task("a", "x", "SUCCESS", T0 - 1), None));
}

#[test]
fn the_lookback_reads_contract_json() {
    let t = |status: &str, at: i64| serde_json::to_string(&task("a", "x", status, at)).unwrap();
    assert!(keeps_task_json(&t("EXECUTING", T0 - 1), Some(T0)));
    assert!(!keeps_task_json(&t("SUCCESS", T0 - 1), Some(T0)));
    assert!(keeps_task_json(&t("SUCCESS", T0), Some(T0)));
    assert!(keeps_task_json("not json", Some(T0)));
    assert!(keeps_task_json(r#"{"id":"a","status":"FAILED"}"#, Some(T0)));
}

/// The fields' form (the elements' build) decides as the task and its JSON do.
#[test]
fn the_lookback_reads_the_fields() {
    for (status, at) in [("EXECUTING", T0 - 1), ("SUCCESS", T0 - 1), ("SUCCESS", T0)] {
        let t = task("a", "x", status, at);
        let v = serde_json::to_value(&t).unwrap();
        assert_eq!(
            keeps_task_fields(status, v["createdAt"].as_str(), Some(T0)),
            keeps_task(&t, Some(T0)),
            "{status} {at}"
        );
    }
    assert!(!keeps_task_fields(
        "SUCCESS",
        Some("2020-01-01T00:00:00.000Z"),
        Some(T0)
    ));
    assert!(keeps_task_fields("SUCCESS", Some("yesterday"), Some(T0)));
    assert!(keeps_task_fields("SUCCESS", None, Some(T0)));
}
