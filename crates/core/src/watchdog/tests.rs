use super::*;

const MIN: i64 = 60_000;
const T0: i64 = 1_780_000_000_000;

fn instance(id: &str, status: &str) -> Instance {
    Instance {
        instance_id: id.into(),
        name: format!("{id}-name"),
        status: status.into(),
        ..Instance::default()
    }
}

fn task(id: &str, status: &str, created: i64, updated: Option<i64>) -> Task {
    Task {
        id: id.into(),
        name: "BindEip".into(), // stuck after one hour
        status: status.into(),
        created_at: Some(format_iso_ms(created)),
        updated_at: updated.map(format_iso_ms),
        ..Task::default()
    }
}

fn seen(id: &str, status: &str, tasks: Vec<Task>) -> Sighting {
    Sighting {
        instance: instance(id, status),
        tasks,
        error: None,
        unseen: false,
    }
}

fn down(id: &str) -> Sighting {
    Sighting {
        instance: instance(id, "RUNNING"),
        tasks: Vec::new(),
        error: Some(DcsError::network("connection refused")),
        unseen: false,
    }
}

/// The look ran out of its deadline before this instance was listed.
fn unseen(id: &str) -> Sighting {
    Sighting {
        error: Some(DcsError::timeout(
            "did not finish within REQUEST_TIMEOUT_MS",
        )),
        unseen: true,
        ..down(id)
    }
}

fn look(now: i64, sightings: Vec<Sighting>) -> FleetLook {
    FleetLook {
        now_ms: now,
        stuck_after: StuckAfter::ByTaskType,
        sightings,
    }
}

fn kinds(e: &[Event]) -> Vec<(EventKind, String)> {
    e.iter()
        .map(|e| {
            let what = e.task_id.clone().unwrap_or_else(|| e.instance_id.clone());
            (e.kind, what)
        })
        .collect()
}

/// Runs the looks in turn through a stored (serialized) state; the events of each run.
fn runs(looks: &[FleetLook]) -> Vec<Vec<(EventKind, String)>> {
    let mut stored: Option<String> = None;
    looks
        .iter()
        .map(|l| {
            let prev = stored.as_deref().and_then(WatchState::from_json);
            let (events, st) = evaluate(prev, l);
            stored = Some(st.to_json());
            kinds(&events)
        })
        .collect()
}

#[test]
fn a_failure_is_reported_once() {
    let running = task("t1", "EXECUTING", T0 + MIN, None);
    let failed = task("t1", "FAILED", T0 + MIN, Some(T0 + 10 * MIN));
    let r = runs(&[
        look(T0 + 5 * MIN, vec![seen("a", "RUNNING", vec![running])]),
        look(
            T0 + 15 * MIN,
            vec![seen("a", "RUNNING", vec![failed.clone()])],
        ),
        look(
            T0 + 25 * MIN,
            vec![seen("a", "RUNNING", vec![failed.clone()])],
        ),
        look(T0 + 35 * MIN, vec![seen("a", "RUNNING", vec![failed])]),
    ]);
    assert_eq!(r[0], []);
    assert_eq!(r[1], [(EventKind::Failed, "t1".to_string())]);
    assert!(r[2].is_empty() && r[3].is_empty());
}

#[test]
fn the_first_run_reports_conditions_never_past_failures() {
    let l = look(
        T0 + 3 * 60 * MIN,
        vec![
            seen(
                "a",
                "RUNNING",
                vec![
                    task("old", "FAILED", T0, Some(T0 + MIN)),
                    task("slow", "EXECUTING", T0, None), // 3 h > 1 h
                ],
            ),
            seen("b", "FROZEN", vec![]),
            down("c"),
        ],
    );
    let (events, st) = evaluate(None, &l);
    assert_eq!(
        kinds(&events),
        [
            (EventKind::Stuck, "slow".to_string()),
            (EventKind::Abnormal, "b".to_string()),
            (EventKind::Unreachable, "c".to_string()),
        ]
    );
    assert!(st.failed.contains_key("a old"));
    assert_eq!(st.lease, 0);
    let e = &events[0];
    assert_eq!(e.since, format_iso_ms(T0));
    assert!(e.message.contains("has run for 180 min"), "{}", e.message);
    // The same look again: nothing new.
    let (again, _) = evaluate(Some(st), &l);
    assert!(again.is_empty());
}

#[test]
fn stuck_once_when_it_crosses_and_again_only_for_a_new_task() {
    let t = |status| task("t", status, T0, None);
    let r = runs(&[
        look(
            T0 + 30 * MIN,
            vec![seen("a", "RUNNING", vec![t("EXECUTING")])],
        ),
        look(
            T0 + 61 * MIN,
            vec![seen("a", "RUNNING", vec![t("EXECUTING")])],
        ),
        look(
            T0 + 90 * MIN,
            vec![seen("a", "RUNNING", vec![t("EXECUTING")])],
        ),
        look(
            T0 + 120 * MIN,
            vec![seen("a", "RUNNING", vec![t("SUCCESS")])],
        ),
        look(
            T0 + 200 * MIN,
            vec![seen(
                "a",
                "RUNNING",
                vec![t("SUCCESS"), task("u", "EXECUTING", T0 + 130 * MIN, None)],
            )],
        ),
    ]);
    assert_eq!(r[0], []);
    assert_eq!(r[1], [(EventKind::Stuck, "t".to_string())]);
    assert!(r[2].is_empty() && r[3].is_empty());
    assert_eq!(r[4], [(EventKind::Stuck, "u".to_string())]);
}

#[test]
fn a_stuck_task_that_fails_is_reported_as_failed_too() {
    let r = runs(&[
        look(
            T0 + 70 * MIN,
            vec![seen("a", "RUNNING", vec![task("t", "EXECUTING", T0, None)])],
        ),
        look(
            T0 + 80 * MIN,
            vec![seen(
                "a",
                "RUNNING",
                vec![task("t", "FAILED", T0, Some(T0 + 75 * MIN))],
            )],
        ),
    ]);
    assert_eq!(r[0], [(EventKind::Stuck, "t".to_string())]);
    assert_eq!(r[1], [(EventKind::Failed, "t".to_string())]);
}

#[test]
fn unreachable_once_then_recovered_once() {
    let ok = || seen("a", "RUNNING", vec![]);
    let r = runs(&[
        look(T0, vec![ok()]),
        look(T0 + MIN, vec![down("a")]),
        look(T0 + 2 * MIN, vec![down("a")]),
        look(T0 + 3 * MIN, vec![ok()]),
        look(T0 + 4 * MIN, vec![ok()]),
        look(T0 + 5 * MIN, vec![down("a")]),
    ]);
    let a = "a".to_string();
    assert_eq!(
        r,
        [
            vec![],
            vec![(EventKind::Unreachable, a.clone())],
            vec![],
            vec![(EventKind::Recovered, a.clone())],
            vec![],
            vec![(EventKind::Unreachable, a)],
        ]
    );
}

#[test]
fn abnormal_once_per_entry() {
    let s = |status| seen("a", status, vec![]);
    let r = runs(&[
        look(T0, vec![s("RUNNING")]),
        look(T0 + MIN, vec![s("ERROR")]),
        look(T0 + 2 * MIN, vec![s("ERROR")]),
        look(T0 + 3 * MIN, vec![s("FROZEN")]),
        look(T0 + 4 * MIN, vec![s("RUNNING")]),
        look(T0 + 5 * MIN, vec![s("FROZEN")]),
    ]);
    let n: Vec<usize> = r.iter().map(Vec::len).collect();
    assert_eq!(n, [0, 1, 0, 0, 0, 1]);
    assert_eq!(r[1][0].0, EventKind::Abnormal);
}

#[test]
fn failures_of_an_instance_unreachable_at_the_first_run_are_past() {
    let r = runs(&[
        look(T0 + 60 * MIN, vec![down("a")]),
        look(
            T0 + 70 * MIN,
            vec![seen(
                "a",
                "RUNNING",
                vec![
                    // long before the first run: past
                    task("old", "FAILED", T0, Some(T0 + MIN)),
                    // after it: new
                    task("new", "FAILED", T0 + 62 * MIN, Some(T0 + 65 * MIN)),
                ],
            )],
        ),
    ]);
    assert_eq!(r[0], [(EventKind::Unreachable, "a".to_string())]);
    assert_eq!(
        r[1],
        [
            (EventKind::Recovered, "a".to_string()),
            (EventKind::Failed, "new".to_string())
        ]
    );
}

#[test]
fn clock_skew_does_not_hide_or_repeat_a_failure() {
    // DCS's clock 5 minutes behind ours: a failure right after the first run is dated before
    // it, and still new; DCS's clock ahead: dated in our future, reported once.
    let behind = task("b", "FAILED", T0 + MIN, Some(T0 + 10 * MIN - 5 * MIN));
    let ahead = task("f", "FAILED", T0 + 20 * MIN, Some(T0 + 40 * MIN));
    let r = runs(&[
        look(T0 + 9 * MIN, vec![seen("a", "RUNNING", vec![])]),
        look(
            T0 + 11 * MIN,
            vec![seen("a", "RUNNING", vec![behind.clone()])],
        ),
        look(
            T0 + 21 * MIN,
            vec![seen("a", "RUNNING", vec![behind.clone(), ahead.clone()])],
        ),
        look(
            T0 + 31 * MIN,
            vec![seen("a", "RUNNING", vec![behind, ahead])],
        ),
    ]);
    assert_eq!(r[1], [(EventKind::Failed, "b".to_string())]);
    assert_eq!(r[2], [(EventKind::Failed, "f".to_string())]);
    assert_eq!(r[3], []);
}

#[test]
fn late_and_skipped_runs_with_state_report_each_change_once() {
    // Runs every 10 minutes, then none for 5 hours: the failure and the stuck task of the gap
    // are reported by the next run, once.
    let r = runs(&[
        look(
            T0,
            vec![seen("a", "RUNNING", vec![task("s", "EXECUTING", T0, None)])],
        ),
        look(
            T0 + 300 * MIN,
            vec![seen(
                "a",
                "RUNNING",
                vec![
                    task("s", "EXECUTING", T0, None),
                    task("f", "FAILED", T0 + 100 * MIN, Some(T0 + 120 * MIN)),
                ],
            )],
        ),
        look(
            T0 + 310 * MIN,
            vec![seen(
                "a",
                "RUNNING",
                vec![
                    task("s", "EXECUTING", T0, None),
                    task("f", "FAILED", T0 + 100 * MIN, Some(T0 + 120 * MIN)),
                ],
            )],
        ),
    ]);
    assert_eq!(r[0], []);
    assert_eq!(
        r[1],
        [
            (EventKind::Stuck, "s".to_string()),
            (EventKind::Failed, "f".to_string())
        ]
    );
    assert_eq!(r[2], []);
}

#[test]
fn overlapping_runs_one_claims_the_other_does_nothing() {
    let stored = WatchState {
        version: STATE_VERSION,
        ..WatchState::default()
    };
    // run A claims at T0 until T0 + 30 s (its deadline), and the claim is stored
    let mut a = stored.clone();
    assert!(a.claim(T0, T0 + 30_000));
    let stored_a = a.to_json();
    // run B starts 10 s later and reads A's claim: it does nothing
    let mut b = WatchState::from_json(&stored_a).unwrap();
    assert!(!b.claim(T0 + 10_000, T0 + 40_000));
    // A finishes: its state is released
    let l = look(T0 + 20_000, vec![down("x")]);
    let (events, done) = evaluate(Some(a), &l);
    assert_eq!(events.len(), 1);
    assert_eq!(done.lease, 0);
    // a run after A: claims and finds nothing new
    let mut c = WatchState::from_json(&done.to_json()).unwrap();
    assert!(c.claim(T0 + 60_000, T0 + 90_000));
    assert!(evaluate(Some(c), &l).0.is_empty());
    // A lease of a run that died is taken over once its time is past.
    let mut dead = WatchState::from_json(&stored_a).unwrap();
    assert!(dead.claim(T0 + 31_000, T0 + 61_000));
    // ... and when that run was the very first (it claimed an empty store and died), the next
    // one is still a first run: past failures stay unreported.
    let l = look(
        T0 + 40_000,
        vec![seen(
            "a",
            "RUNNING",
            vec![task("f", "FAILED", T0 - MIN, None)],
        )],
    );
    let (events, st) = evaluate(Some(dead), &l);
    assert!(events.is_empty());
    assert_eq!(st.started, T0 + 40_000);
}

#[test]
fn a_restart_reads_the_stored_state_and_repeats_nothing() {
    let l = look(
        T0 + 90 * MIN,
        vec![seen("a", "RUNNING", vec![task("s", "RUNNING", T0, None)])],
    );
    // "RUNNING" is not a task status DCS sends for a task in progress: only the running
    // statuses count (CREATED, EXECUTING).
    let (e, _) = evaluate(None, &l);
    assert!(e.is_empty());
    let l = look(
        T0 + 90 * MIN,
        vec![seen("a", "RUNNING", vec![task("s", "EXECUTING", T0, None)])],
    );
    let (e, st) = evaluate(None, &l);
    assert_eq!(e.len(), 1);
    let text = st.to_json();
    // a new process: the state read back, the same fleet
    let (e, _) = evaluate(WatchState::from_json(&text), &l);
    assert!(e.is_empty());
    // an unreadable or foreign state is no state (a first run: conditions again, no failure)
    assert!(WatchState::from_json("{not json").is_none());
    assert!(WatchState::from_json(r#"{"version":99}"#).is_none());
}

#[test]
fn the_state_forgets_what_left_and_stays_bounded() {
    let l1 = look(
        T0,
        vec![
            seen("a", "ERROR", vec![task("f", "FAILED", T0 - MIN, None)]),
            down("b"),
        ],
    );
    let (_, st) = evaluate(None, &l1);
    assert_eq!(st.failed.len(), 1);
    assert_eq!(st.unreachable.len(), 1);
    assert_eq!(st.abnormal.len(), 1);
    // a day later both instances are gone
    let (_, st) = evaluate(Some(st), &look(T0 + LOOK_RANGE_MS + MIN, vec![]));
    assert_eq!(
        st,
        WatchState {
            version: STATE_VERSION,
            started: T0,
            last: T0 + LOOK_RANGE_MS + MIN,
            ..WatchState::default()
        }
    );
    // failures out of the range are forgotten, the instance kept
    let l = look(
        T0,
        vec![seen(
            "a",
            "RUNNING",
            vec![task("f", "FAILED", T0 - MIN, None)],
        )],
    );
    let (_, st) = evaluate(None, &l);
    let (_, st) = evaluate(
        Some(st),
        &look(T0 + LOOK_RANGE_MS, vec![seen("a", "RUNNING", vec![])]),
    );
    assert!(st.failed.is_empty());
    // bounded: many failures keep the newest MAX_STATE_KEYS
    let many: Vec<Task> = (0..MAX_STATE_KEYS as i64 + 50)
        .map(|n| task(&format!("t{n}"), "FAILED", T0 - n * 1000, None))
        .collect();
    let (_, st) = evaluate(None, &look(T0, vec![seen("a", "RUNNING", many)]));
    assert_eq!(st.failed.len(), MAX_STATE_KEYS);
    assert!(st.failed.contains_key("a t0"));
    assert!(!st
        .failed
        .contains_key(&format!("a t{}", MAX_STATE_KEYS + 49)));
    assert!(st.to_json().len() < 400_000);
}

#[test]
fn without_storage_windows_tile_the_timeline() {
    // Runs every 10 minutes (ticks at T0 + 10k min); a failure at T0 + 15 min and a task
    // that crosses its hour at T0 + 72 min: each reported by exactly one run, whatever the
    // run's lateness (each run looks at its own window).
    let tasks = |now: i64| {
        let mut v = vec![task("s", "EXECUTING", T0 + 12 * MIN, None)];
        if now >= T0 + 15 * MIN {
            v.push(task("f", "FAILED", T0 + 2 * MIN, Some(T0 + 15 * MIN)));
        }
        v
    };
    let mut all = Vec::new();
    for tick in 1..=12 {
        let to = T0 + tick * 10 * MIN;
        let late = if tick % 3 == 0 { 4 * MIN } else { 0 };
        let l = look(to + late, vec![seen("a", "RUNNING", tasks(to + late))]);
        let e = evaluate_window(&l, to - 10 * MIN, to);
        all.extend(kinds(&e).into_iter().map(|k| (tick, k)));
    }
    assert_eq!(
        all,
        [
            (2, (EventKind::Failed, "f".to_string())),
            (8, (EventKind::Stuck, "s".to_string())),
        ]
    );
    // unreachable and abnormal carry no time: not posted without storage
    let l = look(T0, vec![down("x"), seen("y", "ERROR", vec![])]);
    assert!(evaluate_window(&l, T0 - 10 * MIN, T0).is_empty());
}

#[test]
fn the_generic_event_shape() {
    let (events, _) = evaluate(None, &look(T0, vec![down("a")]));
    let v: serde_json::Value =
        serde_json::from_str(&dcs_tasks_parse::model::to_json(&events[0])).unwrap();
    assert_eq!(
        v,
        serde_json::json!({
            "kind": "unreachable",
            "instanceId": "a",
            "instanceName": "a-name",
            "since": format_iso_ms(T0),
            "message": "instance a-name (a): its tasks could not be listed: connection refused",
        })
    );
}

#[test]
fn the_summary_of_a_look_is_the_attention_model() {
    let l = look(T0, vec![down("a"), seen("b", "RUNNING", vec![])]);
    let s = l.summary();
    assert_eq!(s.totals.instances, 2);
    assert_eq!(s.totals.unreachable, 1);
    assert_eq!(s.instances[0].instance_id, "a");
}

#[test]
fn an_instance_the_look_ran_out_before_is_judged_by_nothing() {
    // a (unreachable, a stuck task) and b were seen; then a look whose deadline ran out before
    // their listings: no event, nothing forgotten, nothing recovered; then seen again: nothing new
    let t = || task("s", "EXECUTING", T0, None);
    let r = runs(&[
        look(
            T0 + 90 * MIN,
            vec![down("a"), seen("b", "RUNNING", vec![t()])],
        ),
        look(T0 + 95 * MIN, vec![unseen("a"), unseen("b")]),
        look(
            T0 + 100 * MIN,
            vec![down("a"), seen("b", "RUNNING", vec![t()])],
        ),
    ]);
    assert_eq!(
        r,
        [
            vec![
                (EventKind::Unreachable, "a".to_string()),
                (EventKind::Stuck, "s".to_string())
            ],
            vec![],
            vec![],
        ]
    );
    let l = look(T0 + 90 * MIN, vec![unseen("b")]);
    assert!(evaluate_window(&l, T0, T0 + 100 * MIN).is_empty());
    // /api/attention still shows it unreachable, with the look's error
    assert_eq!(l.summary().totals.unreachable, 1);
}
