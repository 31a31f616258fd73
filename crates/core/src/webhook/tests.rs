use super::*;
use crate::watchdog::EventKind;
use serde_json::{json, Value};

fn hook(kind: WebhookKind, url: &str, secret: Option<&str>) -> Webhook {
    Webhook {
        kind,
        index: 1,
        url: url.into(),
        secret: secret.map(Into::into),
    }
}

fn event() -> Event {
    Event {
        kind: EventKind::Failed,
        instance_id: "i-1".into(),
        instance_name: "orders".into(),
        task_id: Some("t-1".into()),
        task_name: Some("BindEip".into()),
        since: "2026-12-07T06:00:00.000Z".into(),
        message: "task BindEip (t-1) failed on instance orders (i-1)".into(),
    }
}

fn body(p: &Post) -> Value {
    serde_json::from_str(&p.body).unwrap()
}

const NOW: i64 = 1_599_360_473_123;

#[test]
fn generic_is_the_documented_json() {
    let events = [event()];
    let n = Notice {
        project_id: "p1",
        checked_at: "2026-12-07T06:05:00.000Z".into(),
        events: &events,
        redelivered: 0,
    };
    let p = hook(WebhookKind::Generic, "https://hooks.example.com/x", None).post(&n, NOW);
    assert_eq!(p.url, "https://hooks.example.com/x");
    assert_eq!(
        body(&p),
        json!({
            "projectId": "p1",
            "checkedAt": "2026-12-07T06:05:00.000Z",
            "events": [{
                "kind": "failed", "instanceId": "i-1", "instanceName": "orders",
                "taskId": "t-1", "taskName": "BindEip", "since": "2026-12-07T06:00:00.000Z",
                "message": "task BindEip (t-1) failed on instance orders (i-1)"
            }]
        })
    );
}

#[test]
fn chat_formats_are_each_services_text_message() {
    let events = [event()];
    let n = Notice {
        project_id: "p1",
        checked_at: "2026-12-07T06:05:00.000Z".into(),
        events: &events,
        redelivered: 0,
    };
    let text = "DCS tasks watchdog: 1 event in project p1 (checked 2026-12-07T06:05:00.000Z)\n- [failed] task BindEip (t-1) failed on instance orders (i-1) (since 2026-12-07T06:00:00.000Z)";
    // Slack incoming webhook: {"text": "..."}
    let p = hook(
        WebhookKind::Slack,
        "https://hooks.slack.com/services/T/B/X",
        None,
    )
    .post(&n, NOW);
    assert_eq!(body(&p), json!({ "text": text }));
    // Feishu custom bot without a secret: {"msg_type":"text","content":{"text":"..."}}
    let p = hook(
        WebhookKind::Feishu,
        "https://open.feishu.cn/open-apis/bot/v2/hook/x",
        None,
    )
    .post(&n, NOW);
    assert_eq!(
        body(&p),
        json!({ "msg_type": "text", "content": { "text": text } })
    );
    // DingTalk and WeCom: {"msgtype":"text","text":{"content":"..."}}
    for k in [WebhookKind::Dingtalk, WebhookKind::Wecom] {
        let url = "https://oapi.dingtalk.com/robot/send?access_token=abc";
        let p = hook(k, url, None).post(&n, NOW);
        assert_eq!(p.url, url, "unsigned: the URL as given");
        assert_eq!(
            body(&p),
            json!({ "msgtype": "text", "text": { "content": text } })
        );
    }
}

/// Feishu's documented algorithm (its Python sample, `hmac.new(f"{timestamp}\n{secret}",
/// b"", sha256)` then base64) at a fixed timestamp; the body carries `timestamp` (seconds)
/// and `sign` beside the message, as its documented request example.
#[test]
fn feishu_signature_matches_the_documented_algorithm() {
    assert_eq!(
        feishu_sign("1599360473", "demo-feishu-secret"),
        "I14G+BylJBIS1VqI4nUg1mKqMAjMGZlFJGT36IJRUr8="
    );
    let n = Notice {
        project_id: "p",
        checked_at: "x".into(),
        events: &[],
        redelivered: 0,
    };
    let p = hook(
        WebhookKind::Feishu,
        "https://open.feishu.cn/open-apis/bot/v2/hook/x",
        Some("demo-feishu-secret"),
    )
    .post(&n, NOW);
    let b = body(&p);
    assert_eq!(b["timestamp"], "1599360473");
    assert_eq!(b["sign"], "I14G+BylJBIS1VqI4nUg1mKqMAjMGZlFJGT36IJRUr8=");
    assert_eq!(b["msg_type"], "text");
}

/// DingTalk's documented algorithm and sample secret ("this is secret"; the Python sample:
/// `hmac.new(secret, f"{timestamp}\n{secret}", sha256)`, base64, `quote_plus`) at fixed
/// millisecond timestamps: `+`, `/` and `=` URL-encoded; appended as `&timestamp=…&sign=…`.
#[test]
fn dingtalk_signature_matches_the_documented_algorithm() {
    assert_eq!(
        dingtalk_sign("1577262236757", "this is secret"),
        "hmPWwU%2B7lVdm3ZZz0r9tSfx0L4Q26jWOZr9%2BGs6EZQM%3D"
    );
    assert_eq!(
        dingtalk_sign("1577262236760", "this is secret"),
        "Mb8Fo%2FcKIJ1NhTNC2vtbnuR6Y0qQN45MehXx03gjKmE%3D"
    );
    let n = Notice {
        project_id: "p",
        checked_at: "x".into(),
        events: &[],
        redelivered: 0,
    };
    let url = "https://oapi.dingtalk.com/robot/send?access_token=abc";
    let p = hook(WebhookKind::Dingtalk, url, Some("this is secret")).post(&n, 1_577_262_236_757);
    assert_eq!(
        p.url,
        "https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1577262236757&sign=hmPWwU%2B7lVdm3ZZz0r9tSfx0L4Q26jWOZr9%2BGs6EZQM%3D"
    );
    assert!(!p.body.contains("this is secret"));
}

#[test]
fn long_notices_are_cut_to_the_services_limits() {
    let events: Vec<Event> = (0..100).map(|_| event()).collect();
    let n = Notice {
        project_id: "p",
        checked_at: "x".into(),
        events: &events,
        redelivered: 0,
    };
    let t = chat_text(&n, WebhookKind::Wecom.max_text());
    assert!(t.len() <= 2_000, "{}", t.len());
    assert!(t.ends_with("more: see /api/attention"));
    let t = chat_text(&n, WebhookKind::Slack.max_text());
    assert_eq!(t.matches("\n- [failed]").count(), MAX_CHAT_LINES);
    assert!(t.contains("... and 80 more"));
    // generic carries every event
    let p = hook(WebhookKind::Generic, "https://x.example", None).post(&n, NOW);
    assert_eq!(body(&p)["events"].as_array().unwrap().len(), 100);
}

#[test]
fn alert_webhooks_is_read_and_refused_without_its_urls() {
    let secret = |k: WebhookKind| (k == WebhookKind::Feishu).then(|| "s3cr3t".to_string());
    let w = parse_webhooks(
        " generic:https://a.example/x , FEISHU:https://open.feishu.cn/h?x=1,dingtalk:http://127.0.0.1:9/r",
        secret,
    )
    .unwrap();
    assert_eq!(w.len(), 3);
    assert_eq!(w[1].kind, WebhookKind::Feishu);
    assert_eq!(w[1].secret.as_deref(), Some("s3cr3t"));
    assert_eq!(w[2].url, "http://127.0.0.1:9/r");
    assert_eq!(format!("{:?}", w[1]), "webhook 2 (feishu)");
    for (bad, says) in [
        ("teams:https://x.example", "entry 1 must be kind:url"),
        ("https://x.example", "entry 1 must be kind:url"),
        (
            "slack:http://hooks.example.com/secret-path",
            "entry 1 (slack): the URL must be https://",
        ),
        (
            "generic:https://a.example,wecom:not a url",
            "entry 2 (wecom): the URL is not a valid",
        ),
        ("generic:", "entry 1 (generic): the URL is not a valid"),
    ] {
        let e = parse_webhooks(bad, |_| None).unwrap_err();
        assert!(e.starts_with(says), "{bad}: {e}");
        assert!(!e.contains("example") && !e.contains("secret-path"), "{e}");
    }
    let many = ["generic:https://a.example"; 11].join(",");
    assert!(parse_webhooks(&many, |_| None).is_err());
    assert!(valid_secret("SECabc123"));
    assert!(!valid_secret("has space") && !valid_secret(""));
}

#[test]
fn answers_mean_delivered_retry_or_refused() {
    use WebhookKind::*;
    assert_eq!(outcome(Slack, Some(200), "ok", None, 0), Outcome::Delivered);
    assert_eq!(outcome(Generic, Some(204), "", None, 0), Outcome::Delivered);
    assert_eq!(
        outcome(Generic, Some(429), "", Some("3"), 0),
        Outcome::Retry(3_000)
    );
    assert_eq!(
        outcome(Generic, Some(503), "", None, 0),
        Outcome::Retry(1_000)
    );
    assert_eq!(
        outcome(Generic, Some(503), "", None, 2),
        Outcome::Retry(4_000)
    );
    assert_eq!(outcome(Generic, None, "", None, 1), Outcome::Retry(2_000));
    assert_eq!(
        outcome(Generic, Some(500), "", Some("3600"), 0),
        Outcome::Retry(MAX_RETRY_DELAY_MS)
    );
    assert_eq!(
        outcome(Generic, Some(408), "", None, 1),
        Outcome::Retry(2_000)
    );
    assert_eq!(
        outcome(Slack, Some(404), "no_service", None, 0),
        Outcome::Refused("answered HTTP 404".into())
    );
    assert_eq!(
        outcome(Generic, Some(409), "", Some("3"), 0),
        Outcome::Refused("answered HTTP 409".into())
    );
    assert_eq!(
        outcome(Feishu, Some(200), r#"{"code":0,"msg":"success"}"#, None, 0),
        Outcome::Delivered
    );
    assert_eq!(
        outcome(Feishu, Some(200), r#"{"StatusCode":0}"#, None, 0),
        Outcome::Delivered
    );
    assert_eq!(
        outcome(
            Feishu,
            Some(200),
            r#"{"code":19021,"msg":"sign match fail"}"#,
            None,
            0
        ),
        Outcome::Refused("answered HTTP 200 with error code 19021".into())
    );
    assert_eq!(
        outcome(Feishu, Some(200), r#"{"code":11232}"#, None, 0),
        Outcome::Retry(1_000)
    );
    assert_eq!(
        outcome(
            Dingtalk,
            Some(200),
            r#"{"errcode":0,"errmsg":"ok"}"#,
            None,
            0
        ),
        Outcome::Delivered
    );
    assert_eq!(
        outcome(Dingtalk, Some(200), r#"{"errcode":130101}"#, None, 0),
        Outcome::Retry(1_000)
    );
    assert_eq!(
        outcome(
            Dingtalk,
            Some(200),
            r#"{"errcode":310000,"errmsg":"sign not match"}"#,
            None,
            0
        ),
        Outcome::Refused("answered HTTP 200 with error code 310000".into())
    );
    assert_eq!(
        outcome(Wecom, Some(200), r#"{"errcode":45009}"#, None, 0),
        Outcome::Retry(1_000)
    );
    assert_eq!(
        outcome(Wecom, Some(200), "not json", None, 0),
        Outcome::Delivered
    );
}

// proptest is a native dev-dependency only.
#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;

    proptest::proptest! {
        /// Any `ALERT_WEBHOOKS` is read or refused, never a panic, and a refusal never repeats a
        /// URL (nothing of the value after an entry's `kind:`).
        #[test]
        fn any_alert_webhooks_is_read_or_refused_without_its_urls(
            s in "[a-z:/.,?=&%0-9A-Z \\-]{0,200}"
        ) {
            if let Err(e) = parse_webhooks(&s, |_| None) {
                proptest::prop_assert!(!e.contains("://"), "{e}");
            }
        }

        /// Any stored text is a state or no state (a first run), never a panic.
        #[test]
        fn any_stored_state_is_read_or_ignored(s in ".{0,300}") {
            let _ = crate::watchdog::WatchState::from_json(&s);
        }
    }
}

#[test]
fn events_an_earlier_check_could_not_post_are_said_to_be_late() {
    let events = [event(), event()];
    let n = Notice {
        project_id: "p1",
        checked_at: "2026-12-07T06:05:00.000Z".into(),
        events: &events,
        redelivered: 1,
    };
    let p = hook(WebhookKind::Generic, "https://hooks.example.com/x", None).post(&n, NOW);
    assert_eq!(body(&p)["redelivered"], json!(1));
    let p = hook(
        WebhookKind::Slack,
        "https://hooks.slack.com/services/T/B/X",
        None,
    )
    .post(&n, NOW);
    let text = body(&p)["text"].as_str().unwrap().to_string();
    assert!(
        text.starts_with("DCS tasks watchdog: 2 events in project p1 (checked 2026-12-07T06:05:00.000Z); the first one is late: an earlier check could not post it\n- [failed]"),
        "{text}"
    );
    let n = Notice {
        redelivered: 2,
        ..n
    };
    let text = chat_text(&n, 4000);
    assert!(
        text.contains("; the first 2 are late: an earlier check could not post them\n"),
        "{text}"
    );
}
