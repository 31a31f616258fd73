//! The watchdog's configuration, routes, answers and runs, natively.

use super::*;
use crate::attention::StuckAfter;
use crate::proxy::{plan, Step};
use crate::watchdog::EventKind;
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
    assert_eq!(r.posts[1].0.kind, WebhookKind::Wecom);
    let st = r.state.unwrap();
    assert_eq!(st.lease, 0);
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
    let log = run_log(
        &r.events,
        &[
            ("webhook 1 (generic)".into(), Ok(())),
            ("webhook 2 (wecom)".into(), Err("answered HTTP 404".into())),
        ],
    );
    assert_eq!(
        log,
        r#"{"watchdog":"run","events":1,"kinds":["failed"],"webhooks":[{"name":"webhook 1 (generic)","delivered":true},{"name":"webhook 2 (wecom)","delivered":false,"error":"answered HTTP 404"}]}"#
    );
}
