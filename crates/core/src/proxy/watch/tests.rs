//! The watchdog's configuration, routes, answers and runs, natively.

use super::*;
use crate::attention::StuckAfter;
use crate::proxy::{plan, Step};
use crate::watchdog::{Event, EventKind, Pending};
use crate::webhook::Sent;
use crate::webhook::WebhookKind;
use dcs_tasks_parse::time::format_iso_ms;

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let v: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k: &str| v.iter().find(|(kk, _)| kk == k).map(|(_, vv)| vv.clone())
}

const BASE: [(&str, &str); 4] = [
    ("HUAWEICLOUD_SDK_AK", "HPUAXXXXXXXXXXXXXXXX"),
    (
        "HUAWEICLOUD_SDK_SK",
        "SKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSK",
    ),
    (
        "HUAWEICLOUD_SDK_PROJECT_ID",
        "0123456789abcdef0123456789abcdef",
    ),
    ("DCS_REGION", "cn-north-4"),
];

fn vars(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut all = BASE.to_vec();
    all.extend_from_slice(extra);
    all
}

fn cfg(extra: &[(&'static str, &'static str)]) -> ProxyConfig {
    ProxyConfig::from_env(env(&vars(extra))).unwrap()
}

fn refused(extra: &[(&'static str, &'static str)]) -> crate::proxy::ConfigError {
    ProxyConfig::from_env(env(&vars(extra))).unwrap_err()
}

const HOOK: &str = "https://hooks.example.com/secret-path-1234";

#[test]
fn alert_variables_are_read_with_defaults() {
    let c = cfg(&[]);
    assert!(c.alerts.webhooks.is_empty());
    assert_eq!(c.alerts.stuck_after, StuckAfter::ByTaskType);
    assert_eq!(c.alerts.every_s, 300);
    let c = cfg(&[
        (
            "ALERT_WEBHOOKS",
            "generic:https://a.example/x,feishu:https://open.feishu.cn/h",
        ),
        ("ALERT_FEISHU_SECRET", "fs-secret"),
        ("ALERT_STUCK_AFTER", "2h"),
        ("ALERT_EVERY", "60"),
    ]);
    assert_eq!(c.alerts.webhooks.len(), 2);
    assert_eq!(c.alerts.webhooks[1].secret.as_deref(), Some("fs-secret"));
    assert_eq!(c.alerts.stuck_after, StuckAfter::Ms(2 * 3_600_000));
    assert_eq!(c.alerts.every_s, 60);
    let shown = format!("{c:?}");
    assert!(
        !shown.contains("fs-secret") && !shown.contains("open.feishu.cn"),
        "{shown}"
    );
}

#[test]
fn wrong_alert_variables_are_refused_naming_the_variable_never_the_value() {
    let url_entry: &'static str =
        Box::leak(format!("slack:{}", HOOK.replace("https", "http")).into_boxed_str());
    for (extra, var, says) in [
        (
            vec![("ALERT_WEBHOOKS", "teams:https://x.example")],
            "ALERT_WEBHOOKS",
            "entry 1 must be kind:url",
        ),
        (
            vec![("ALERT_WEBHOOKS", url_entry)],
            "ALERT_WEBHOOKS",
            "entry 1 (slack): the URL must be https://",
        ),
        (
            vec![("ALERT_STUCK_AFTER", "soon")],
            "ALERT_STUCK_AFTER",
            "must be a duration",
        ),
        (
            vec![("ALERT_STUCK_AFTER", "10s")],
            "ALERT_STUCK_AFTER",
            "must be from one minute",
        ),
        (
            vec![("ALERT_EVERY", "5")],
            "ALERT_EVERY",
            "must be an integer from 10 to 86400",
        ),
        (
            vec![("ALERT_EVERY", "1m")],
            "ALERT_EVERY",
            "must be an integer",
        ),
        (
            vec![
                ("ALERT_WEBHOOKS", "generic:https://a.example"),
                ("ALERT_DINGTALK_SECRET", "SECabc"),
            ],
            "ALERT_DINGTALK_SECRET",
            "is set but ALERT_WEBHOOKS has no dingtalk webhook",
        ),
        (
            vec![
                ("ALERT_WEBHOOKS", "feishu:https://a.example"),
                ("ALERT_FEISHU_SECRET", "two words"),
            ],
            "ALERT_FEISHU_SECRET",
            "must be at most 256 printable ASCII",
        ),
    ] {
        let e = refused(&extra);
        assert_eq!(e.variable, var, "{extra:?}");
        assert!(
            e.message.starts_with(&format!("{var} {says}")),
            "{}",
            e.message
        );
        assert!(
            !e.message.contains("secret-path") && !e.message.contains("two words"),
            "{}",
            e.message
        );
    }
}

fn fleet_plan(
    target: &str,
    extra: &[(&'static str, &'static str)],
    header: &[(&str, &str)],
) -> crate::proxy::Plan {
    let all = vars(extra);
    let h: Vec<(String, String)> = header
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    plan(
        "GET",
        &format!("https://proxy.example.com{target}"),
        move |k| h.iter().find(|(kk, _)| kk == k).map(|(_, v)| v.clone()),
        env(&all),
    )
}

#[test]
fn attention_and_metrics_are_api_routes_under_the_access_rules() {
    const TOKEN: &str = "0123456789abcdef-token";
    for target in ["/api/attention", "/metrics"] {
        // closed by default
        let p = fleet_plan(target, &[], &[]);
        let Step::Answer(a) = p.step else {
            panic!("{target}")
        };
        assert_eq!(a.status, 401, "{target}");
        // with the token: a look at the fleet
        let p = fleet_plan(
            target,
            &[("PROXY_TOKEN", TOKEN)],
            &[("authorization", "Bearer 0123456789abcdef-token")],
        );
        let Step::Fleet(g) = p.step else {
            panic!("{target}")
        };
        let want = if target == "/metrics" {
            FleetPurpose::Metrics
        } else {
            FleetPurpose::Attention
        };
        assert_eq!(g.purpose, want);
        assert_eq!(
            p.log.route,
            if target == "/metrics" {
                "metrics"
            } else {
                "attention"
            }
        );
        // a wrong token
        let p = fleet_plan(
            target,
            &[("PROXY_TOKEN", TOKEN)],
            &[("authorization", "Bearer nope-nope-nope-nope")],
        );
        let Step::Answer(a) = p.step else {
            panic!("{target}")
        };
        assert_eq!(a.status, 401);
        // PUBLIC_ACCESS=read opens them like the other reads
        let p = fleet_plan(target, &[("PUBLIC_ACCESS", "read")], &[]);
        assert!(matches!(p.step, Step::Fleet(_)), "{target}");
        // no query, GET only
        let p = fleet_plan(&format!("{target}?x=1"), &[("PUBLIC_ACCESS", "read")], &[]);
        let Step::Answer(a) = p.step else {
            panic!("{target}")
        };
        assert_eq!(a.status, 400);
    }
    // under a mount
    let p = fleet_plan(
        "/dcs/metrics",
        &[("PUBLIC_ACCESS", "read"), ("PROXY_BASE_PATH", "/dcs")],
        &[],
    );
    assert!(matches!(p.step, Step::Fleet(_)));
}

const NOW: i64 = 1_780_000_000_000;
const MIN: i64 = 60_000;

fn inst(id: &str, name: &str, status: &str) -> Instance {
    Instance {
        instance_id: id.into(),
        name: name.into(),
        status: status.into(),
        ..Instance::default()
    }
}

fn task(id: &str, status: &str, created: i64) -> Task {
    Task {
        id: id.into(),
        name: "BindEip".into(),
        status: status.into(),
        created_at: Some(format_iso_ms(created)),
        updated_at: Some(format_iso_ms(created + MIN)),
        ..Task::default()
    }
}

fn gathering(purpose: FleetPurpose, extra: &[(&'static str, &'static str)]) -> FleetGathering {
    FleetGathering {
        config: cfg(extra),
        purpose,
    }
}

fn sample_look(g: &FleetGathering) -> FleetLook {
    let s = vec![
        g.sighting(
            inst("i-1", "orders \"eu\"", "RUNNING"),
            Ok(vec![
                task("t1", "EXECUTING", NOW - 2 * 60 * MIN), // stuck (1 h)
                task("t2", "FAILED", NOW - 30 * MIN),
                task("t3", "SUCCESS", NOW - 3 * 24 * 60 * MIN), // out of the range: dropped
            ]),
            NOW,
            false,
        ),
        g.sighting(
            inst("i-2", "cache", "RUNNING"),
            Err(DcsError::network("refused")),
            NOW,
            false,
        ),
        g.sighting(inst("i-3", "frozen", "FROZEN"), Ok(vec![]), NOW, false),
    ];
    g.look(NOW, s)
}

#[test]
fn the_look_lists_every_instance_then_a_day_of_tasks_and_the_running_ones() {
    let g = gathering(FleetPurpose::Attention, &[("ALLOWED_INSTANCES", "i-1,i-3")]);
    assert_eq!(g.instance_pages().query, InstanceQuery::default());
    assert!(g.keeps(&inst("i-1", "a", "RUNNING")) && !g.keeps(&inst("i-2", "b", "RUNNING")));
    let q = g.task_pages("i-1", NOW).0.query;
    assert_eq!(
        q.start_ms,
        Some(NOW - watchdog::LOOK_RANGE_MS - crate::attention::RUNNING_LOOKBACK_MS as i64)
    );
    assert_eq!(q.end_ms, None);
    let l = sample_look(&g);
    assert_eq!(l.sightings[0].tasks.len(), 2);
    // a listing that failed for time once the look had run out of it: unseen (not judged)
    let timeout = || {
        Err(DcsError::timeout(
            "did not finish within REQUEST_TIMEOUT_MS",
        ))
    };
    assert!(
        g.sighting(inst("i-1", "a", "RUNNING"), timeout(), NOW, true)
            .unseen
    );
    assert!(
        !g.sighting(inst("i-1", "a", "RUNNING"), timeout(), NOW, false)
            .unseen
    );
    let refused = Err(DcsError::network("refused"));
    assert!(
        !g.sighting(inst("i-1", "a", "RUNNING"), refused, NOW, true)
            .unseen
    );
}

#[test]
fn attention_answers_the_model_and_metrics_agree() {
    let g = gathering(FleetPurpose::Attention, &[]);
    let a = g.finish(Ok(sample_look(&g)), GatherStats::default());
    assert_eq!(a.status, 200);
    assert_eq!(a.header("Cache-Control"), Some("no-store"));
    let v: serde_json::Value = serde_json::from_slice(a.body.as_deref().unwrap()).unwrap();
    assert_eq!(v["projectId"], "0123456789abcdef0123456789abcdef");
    assert_eq!(v["totals"]["instances"], 3);
    assert_eq!(v["totals"]["unreachable"], 1);
    assert_eq!(v["totals"]["abnormal"], 1);
    assert_eq!(v["totals"]["stuck"], 1);
    assert_eq!(v["totals"]["failed"], 1);
    assert_eq!(v["instances"][0]["instanceId"], "i-2");

    let g = gathering(FleetPurpose::Metrics, &[]);
    let stats = GatherStats {
        duration_ms: 1234.9,
        errors: 1,
        calls: 4,
    };
    let a = g.finish(Ok(sample_look(&g)), stats);
    assert_eq!(a.header("Content-Type"), Some(METRICS_TYPE));
    let text = String::from_utf8(a.body.unwrap()).unwrap();
    let p = "project_id=\"0123456789abcdef0123456789abcdef\"";
    for line in [
        format!("dcs_tasks_instances{{{p}}} 3"),
        format!("dcs_tasks_instance_reachable{{{p},instance_id=\"i-2\",instance_name=\"cache\"}} 0"),
        format!("dcs_tasks_instance_reachable{{{p},instance_id=\"i-1\",instance_name=\"orders \\\"eu\\\"\"}} 1"),
        format!("dcs_tasks_instance_abnormal{{{p},instance_id=\"i-3\",instance_name=\"frozen\",status=\"FROZEN\"}} 1"),
        format!("dcs_tasks_stuck{{{p},instance_id=\"i-1\",instance_name=\"orders \\\"eu\\\"\"}} 1"),
        format!("dcs_tasks_failed_24h{{{p},instance_id=\"i-1\",instance_name=\"orders \\\"eu\\\"\"}} 1"),
        format!("dcs_tasks_running{{{p},instance_id=\"i-1\",instance_name=\"orders \\\"eu\\\"\"}} 1"),
        format!("dcs_tasks_gather_success{{{p}}} 1"),
        format!("dcs_tasks_gather_duration_seconds{{{p}}} 1.234"),
        format!("dcs_tasks_gather_errors{{{p}}} 1"),
        "# TYPE dcs_tasks_stuck gauge".to_string(),
    ] {
        assert!(text.lines().any(|l| l == line), "missing {line}\n{text}");
    }
    // the instances not listed: attention is the upstream error, metrics say so
    let e = DcsError::network("down");
    let g = gathering(FleetPurpose::Attention, &[]);
    assert_eq!(g.finish(Err(e.clone()), GatherStats::default()).status, 502);
    let g = gathering(FleetPurpose::Metrics, &[]);
    let a = g.finish(
        Err(e),
        GatherStats {
            errors: 1,
            ..GatherStats::default()
        },
    );
    let text = String::from_utf8(a.body.unwrap()).unwrap();
    assert!(text
        .contains("dcs_tasks_gather_success{project_id=\"0123456789abcdef0123456789abcdef\"} 0"));
    assert!(!text.contains("dcs_tasks_instances{"));
}

#[test]
fn a_run_claims_evaluates_and_posts_to_every_webhook() {
    let c = cfg(&[(
        "ALERT_WEBHOOKS",
        "generic:https://a.example/x,wecom:https://qyapi.weixin.qq.com/x",
    )]);
    let g = FleetGathering {
        config: cfg(&[]),
        purpose: FleetPurpose::Attention,
    };
    let run = WatchRun {
        config: &c,
        storage: Storage::Kept,
        scheduled_ms: NOW,
        now_ms: NOW,
    };
    // nothing stored: claimed, a first run
    let claimed = run.claim(None).unwrap();
    assert!(claimed.lease > NOW);
    // another run meanwhile sees the claim and does nothing
    let other = WatchRun {
        now_ms: NOW + 1000,
        ..run
    };
    assert!(other.claim(Some(&claimed.to_json())).is_none());
    let r = run.finish(None, &sample_look(&g));
    let kinds: Vec<EventKind> = r.events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::Stuck,
            EventKind::Unreachable,
            EventKind::Abnormal
        ]
    );
    assert_eq!(r.posts.len(), 2);
    assert_eq!(r.posts[1].webhook.kind, WebhookKind::Wecom);
    assert_eq!((r.posts[1].events, r.posts[1].earlier), (3, 0));
    // before the posts: the lease still held, what each webhook is about to be told kept
    let mut r = r;
    let before = r.state.clone().unwrap();
    assert_eq!(before.lease, claimed.lease);
    assert_eq!(before.undelivered.len(), 2);
    assert!(other.claim(Some(&before.to_json())).is_none());
    let lines = r.settle(vec![Sent::Delivered, Sent::Delivered]);
    assert!(lines
        .iter()
        .all(|l| l.delivered && l.kept == 0 && l.redelivered == 0));
    let st = r.state.unwrap();
    assert_eq!(st.lease, 0);
    assert!(st.undelivered.is_empty());
    assert!(!st.to_json().contains("undelivered"));
    // the next run: nothing new, nothing posted
    let next = WatchRun {
        now_ms: NOW + 5 * MIN,
        scheduled_ms: NOW + 5 * MIN,
        ..run
    };
    let stored = st.to_json();
    assert!(next.claim(Some(&stored)).is_some());
    let r = next.finish(Some(&stored), &sample_look(&g));
    assert!(r.events.is_empty() && r.posts.is_empty());
    // without storage: the window before the tick (ALERT_EVERY = 300 s)
    let none = WatchRun {
        storage: Storage::None,
        scheduled_ms: NOW - 28 * MIN,
        ..run
    };
    let r = none.finish(None, &sample_look(&g));
    let kinds: Vec<EventKind> = r.events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [EventKind::Failed]);
    assert!(r.state.is_none());
    assert_eq!(
        note_log("failed", Some("NETWORK"), "a \"quoted\" line\n"),
        r#"{"watchdog":"failed","code":"NETWORK","message":"a \"quoted\" line\n"}"#
    );
    let mut r = r;
    assert_eq!(r.posts.len(), 2);
    let lines = r.settle(vec![
        Sent::Delivered,
        Sent::Failed("answered HTTP 503 after 4 attempt(s)".into()),
    ]);
    // without storage nothing is kept for a next run
    assert_eq!(lines[1].kept, 0);
    let log = run_log(&r.events, &lines);
    assert_eq!(
        log,
        r#"{"watchdog":"run","events":1,"kinds":["failed"],"webhooks":[{"name":"webhook 1 (generic)","delivered":true},{"name":"webhook 2 (wecom)","delivered":false,"error":"answered HTTP 503 after 4 attempt(s)"}]}"#
    );
}

/// Three webhooks; runs at `now`, each run's posts coming to `sent`.
fn hooks_config() -> ProxyConfig {
    cfg(&[(
        "ALERT_WEBHOOKS",
        "generic:https://a.example/x,generic:https://b.example/y?token=s3cret,slack:https://c.example/z",
    )])
}

fn kept_run(c: &ProxyConfig, now: i64) -> WatchRun<'_> {
    WatchRun {
        config: c,
        storage: Storage::Kept,
        scheduled_ms: now,
        now_ms: now,
    }
}

/// One stored run at `now` over `look`: the posts' (webhook index, events, earlier) and the
/// state after `sent`.
fn stored_run(
    c: &ProxyConfig,
    stored: Option<&str>,
    now: i64,
    look: &FleetLook,
    sent: impl Fn(usize) -> Sent,
) -> (Vec<(usize, usize, usize)>, Vec<Delivered>, String) {
    let run = kept_run(c, now);
    let claimed = run.claim(stored).unwrap();
    let mut r = run.finish(stored, look);
    assert!(r.state.as_ref().unwrap().lease >= claimed.lease);
    let posts = r
        .posts
        .iter()
        .map(|p| (p.webhook.index, p.events, p.earlier))
        .collect();
    let outcomes = r.posts.iter().map(|p| sent(p.webhook.index)).collect();
    let lines = r.settle(outcomes);
    let st = r.state.unwrap();
    assert_eq!(st.lease, 0);
    (posts, lines, st.to_json())
}

fn look_at(g: &FleetGathering, now: i64, failed: &[&str]) -> FleetLook {
    let tasks = failed
        .iter()
        .map(|id| task(id, "FAILED", now - 10 * MIN))
        .collect();
    g.look(
        now,
        vec![g.sighting(inst("i-1", "orders", "RUNNING"), Ok(tasks), now, false)],
    )
}

#[test]
fn a_webhook_that_fails_every_retry_is_told_again_by_the_next_runs_until_it_takes_them() {
    let c = hooks_config();
    let g = FleetGathering {
        config: cfg(&[]),
        purpose: FleetPurpose::Attention,
    };
    // the first run: past failures, nothing posted
    let (posts, _, st) = stored_run(&c, None, NOW, &look_at(&g, NOW, &["t0"]), |_| {
        Sent::Delivered
    });
    assert!(posts.is_empty());
    // a failure; webhook 2 is down for the whole run, webhook 3 refuses for good
    let t1 = NOW + 5 * MIN;
    let down = |i: usize| match i {
        2 => Sent::Failed("answered HTTP 503 after 4 attempt(s)".into()),
        3 => Sent::Refused("answered HTTP 404".into()),
        _ => Sent::Delivered,
    };
    let (posts, lines, st) = stored_run(&c, Some(&st), t1, &look_at(&g, t1, &["t0", "t1"]), down);
    assert_eq!(posts, [(1, 1, 0), (2, 1, 0), (3, 1, 0)]);
    assert_eq!((lines[1].delivered, lines[1].kept), (false, 1));
    assert_eq!((lines[2].delivered, lines[2].kept), (false, 0));
    // the state names the webhook by its kind and a hash, never its URL or token
    assert!(st.contains("\"generic:") && !st.contains("b.example") && !st.contains("s3cret"));
    // the next run, still down: the old event and the new one, kept again
    let t2 = t1 + 5 * MIN;
    let (posts, lines, st) = stored_run(
        &c,
        Some(&st),
        t2,
        &look_at(&g, t2, &["t0", "t1", "t2"]),
        down,
    );
    assert_eq!(posts, [(1, 1, 0), (2, 2, 1), (3, 1, 0)]);
    assert_eq!((lines[1].redelivered, lines[1].kept), (1, 2));
    // it answers again: both earlier events, nothing new; then nothing more
    let t3 = t2 + 5 * MIN;
    let look = look_at(&g, t3, &["t0", "t1", "t2"]);
    let (posts, lines, st) = stored_run(&c, Some(&st), t3, &look, |_| Sent::Delivered);
    assert_eq!(posts, [(2, 2, 2)]);
    assert_eq!(
        (lines[0].delivered, lines[0].redelivered, lines[0].kept),
        (true, 2, 0)
    );
    let (posts, _, _) = stored_run(&c, Some(&st), t3 + 5 * MIN, &look, |_| Sent::Delivered);
    assert!(posts.is_empty());
    // what each post told: the earlier event first, in the generic body
    let run = kept_run(&c, t2);
    let r = run.finish(
        Some(&st_with_backlog(&c, t1)),
        &look_at(&g, t2, &["t0", "t1", "t2"]),
    );
    let body = &r
        .posts
        .iter()
        .find(|p| p.webhook.index == 2)
        .unwrap()
        .post
        .body;
    let (a, b) = (
        body.find("\"taskId\":\"t1\"").unwrap(),
        body.find("\"taskId\":\"t2\"").unwrap(),
    );
    assert!(a < b, "{body}");
}

/// A stored state after a run at `at` in which webhook 2 failed to take `t1`'s failure.
fn st_with_backlog(c: &ProxyConfig, at: i64) -> String {
    let g = FleetGathering {
        config: cfg(&[]),
        purpose: FleetPurpose::Attention,
    };
    let (_, _, st) = stored_run(
        c,
        None,
        at - 5 * MIN,
        &look_at(&g, at - 5 * MIN, &["t0"]),
        |_| Sent::Delivered,
    );
    let down = |i: usize| {
        if i == 2 {
            Sent::Failed("network error or timeout after 4 attempt(s)".into())
        } else {
            Sent::Delivered
        }
    };
    stored_run(c, Some(&st), at, &look_at(&g, at, &["t0", "t1"]), down).2
}

#[test]
fn what_a_webhook_did_not_take_is_bounded_and_kept_for_a_day_and_only_for_that_url() {
    let c = hooks_config();
    let g = FleetGathering {
        config: cfg(&[]),
        purpose: FleetPurpose::Attention,
    };
    let t1 = NOW;
    let st = st_with_backlog(&c, t1);
    let run_at = |c: &ProxyConfig, t: i64| {
        let r = kept_run(c, t).finish(Some(&st), &look_at(&g, t, &["t0", "t1"]));
        r.posts
            .iter()
            .map(|p| (p.webhook.index, p.earlier))
            .collect::<Vec<_>>()
    };
    // within the day: webhook 2 is told again; past it: dropped
    assert_eq!(run_at(&c, t1 + 23 * 60 * MIN), [(2, 1)]);
    assert!(run_at(&c, t1 + 24 * 60 * MIN + 1).is_empty());
    // another URL at the same place is another webhook: nothing of the old one's
    let moved = cfg(&[(
        "ALERT_WEBHOOKS",
        "generic:https://a.example/x,generic:https://b.example/y?token=other,slack:https://c.example/z",
    )]);
    assert!(run_at(&moved, t1 + 5 * MIN).is_empty());
    // a run that stopped between its posts and the state after them: the state before the
    // posts holds them and the lease; once the lease is past, the next run posts them again
    let run = kept_run(&c, t1 + 5 * MIN);
    let r = run.finish(Some(&st), &look_at(&g, t1 + 5 * MIN, &["t0", "t1", "t2"]));
    let died = r.state.unwrap().to_json();
    let soon = kept_run(&c, t1 + 5 * MIN + 1000);
    assert!(soon.claim(Some(&died)).is_none());
    let later = t1 + 5 * MIN + 2 * i64::from(c.request_timeout_ms) + 1;
    let r = kept_run(&c, later).finish(Some(&died), &look_at(&g, later, &["t0", "t1", "t2"]));
    let told: Vec<(usize, usize, usize)> = r
        .posts
        .iter()
        .map(|p| (p.webhook.index, p.events, p.earlier))
        .collect();
    assert_eq!(told, [(1, 1, 1), (2, 2, 2), (3, 1, 1)]);
    // at most MAX_UNDELIVERED events of one webhook, the newest
    let events: Vec<Event> = (0..watchdog::MAX_UNDELIVERED + 7)
        .map(|k| Event {
            kind: EventKind::Failed,
            instance_id: "i-1".into(),
            instance_name: "orders".into(),
            task_id: Some(format!("t{k}")),
            task_name: None,
            since: format_iso_ms(NOW),
            message: String::new(),
        })
        .collect();
    let (all, earlier) = watchdog::backlog(
        vec![Pending {
            queued: NOW - MIN,
            event: events[0].clone(),
        }],
        &events[1..],
        NOW,
    );
    assert_eq!((all.len(), earlier), (watchdog::MAX_UNDELIVERED, 0));
    assert_eq!(all.last().unwrap().event.task_id.as_deref(), Some("t106"));
    assert_eq!(all[0].event.task_id.as_deref(), Some("t7"));
}

#[test]
fn a_state_stored_before_undelivered_events_is_read_as_before() {
    let old = r#"{"version":1,"started":1,"last":2,"lease":0,"failed":{"i-1 t0":5},"stuck":[],"unreachable":{},"abnormal":[]}"#;
    let st = WatchState::from_json(old).unwrap();
    assert!(st.undelivered.is_empty());
    assert_eq!(st.failed.len(), 1);
    assert_eq!(st.to_json(), old);
}
