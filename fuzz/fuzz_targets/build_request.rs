//! `build_list_tasks_request` over arbitrary `ListTasksInput`s (every `Arg` variant,
//! steered towards the values the validators care about).
//!
//! Invariants: never panics; an error is INVALID_ARGUMENT naming one of the eight
//! fields; a success is a GET of `<endpoint>/v2/{p}/instances/{i}/tasks[?query]` with
//! printable-ASCII URL and headers, which the signer accepts and which the proxy's router
//! (configured for the same project) accepts as the same list query.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use dcs_tasks_core::query::{resolve_endpoint, ListQuery};
use dcs_tasks_core::proxy::{route, ProxyConfig, Route};
use dcs_tasks_core::{build_list_tasks_request, sign_request, Arg, Credentials, ListTasksInput};
use dcs_tasks_fuzz::{assert_argument_error, number, word};
use libfuzzer_sys::fuzz_target;

#[derive(Debug)]
struct FArg(Arg);

impl<'a> Arbitrary<'a> for FArg {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(FArg(match u.int_in_range(0u8..=9)? {
            0 | 1 => Arg::Absent,
            2..=5 => Arg::Str(word(u)?),
            6 | 7 => Arg::Num(number(u)?),
            8 => Arg::Date(number(u)?),
            _ => Arg::Other(String::arbitrary(u)?),
        }))
    }
}

#[derive(Debug, Arbitrary)]
struct Input {
    endpoint: FArg,
    region: FArg,
    project_id: FArg,
    instance_id: FArg,
    offset: FArg,
    limit: FArg,
    start_time: FArg,
    end_time: FArg,
}

const FIELDS: [&str; 8] = [
    "endpoint",
    "region",
    "projectId",
    "instanceId",
    "offset",
    "limit",
    "startTime",
    "endTime",
];

fuzz_target!(|i: Input| {
    let input = ListTasksInput {
        endpoint: i.endpoint.0,
        region: i.region.0,
        project_id: i.project_id.0,
        instance_id: i.instance_id.0,
        offset: i.offset.0,
        limit: i.limit.0,
        start_time: i.start_time.0,
        end_time: i.end_time.0,
    };
    let req = match build_list_tasks_request(&input) {
        Ok(r) => r,
        Err(e) => {
            assert_argument_error(&e);
            let f = e.field.as_deref().unwrap_or("");
            assert!(FIELDS.contains(&f), "unexpected field {f:?}: {e:?}");
            return;
        }
    };
    let (Arg::Str(project), Arg::Str(instance)) = (&input.project_id, &input.instance_id) else {
        panic!("accepted non-string IDs: {input:?}");
    };
    assert_eq!(req.method, "GET");
    assert!(req.url.bytes().all(|b| b.is_ascii_graphic()), "{}", req.url);
    assert_eq!(req.header("X-Project-Id"), Some(project.as_str()));
    for (k, v) in &req.headers {
        assert!(
            k.bytes()
                .chain(v.bytes())
                .all(|b| (0x20..0x7f).contains(&b)),
            "{k}: {v}"
        );
    }
    let base = resolve_endpoint(&input.endpoint, &input.region)
        .expect("the endpoint was accepted once")
        .base_url();
    let target = req
        .url
        .strip_prefix(&base)
        .unwrap_or_else(|| panic!("{} does not start with {base}", req.url));
    let path = format!("/v2/{project}/instances/{instance}/tasks");
    assert!(
        target == path || target.starts_with(&format!("{path}?")),
        "{target} is not {path}[?query]"
    );

    // The signer takes every request the builder makes.
    let cred = Credentials::new("AK", "SK", None).unwrap();
    if let Err(e) = sign_request(&req, &cred, 1_704_067_200_000) {
        panic!("the signer refused a built request: {e:?} {req:?}");
    }

    // The proxy's router reads the same query back (times at whole seconds).
    let cfg = ProxyConfig::from_env(|k| match k {
        "HUAWEICLOUD_SDK_PROJECT_ID" => Some(project.clone()),
        "DCS_REGION" => Some("cn-north-4".into()),
        "DCS_AUTH_TOKEN" => Some("token".into()),
        _ => None,
    })
    .expect("config for a valid project");
    let expected = ListQuery::validate(
        &input.offset,
        &input.limit,
        &input.start_time,
        &input.end_time,
    )
    .expect("validated once");
    let secs = |ms: Option<i64>| ms.map(|m| m - m.rem_euclid(1000));
    match route("GET", target, &cfg) {
        Ok(Route::MirrorList {
            instance: got,
            query,
        }) => {
            assert_eq!(&got, instance);
            assert_eq!(query.offset, expected.offset);
            assert_eq!(query.limit, expected.limit);
            assert_eq!(query.start_ms, secs(expected.start_ms));
            assert_eq!(query.end_ms, secs(expected.end_ms));
        }
        other => panic!("the router does not take a built request {target}: {other:?}"),
    }
});
