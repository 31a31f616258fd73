//! The fleet's sans-IO pieces: the `ListInstances` query (validation naming the field, the
//! URL), `listAllInstances`' page plan (ordered, deduplicated by instance ID, bounded).
#![cfg(not(target_arch = "wasm32"))]

use dcs_tasks_core::endpoint;
use dcs_tasks_core::policy::{Page, PagePlan};
use dcs_tasks_core::{
    list_instances_request, Arg, DcsError, ErrorCode, InstanceList, InstanceQuery,
};
use dcs_tasks_parse::model::Instance;

fn field(name: Arg, status: Arg, offset: Arg, limit: Arg) -> &'static str {
    let e = InstanceQuery::validate(&name, &status, &offset, &limit).unwrap_err();
    assert_eq!(DcsError::from(e.clone()).code, ErrorCode::InvalidArgument);
    e.field.camel()
}

#[test]
fn instance_query_validation_names_the_field() {
    let a = || Arg::Absent;
    assert_eq!(field(Arg::Num(1.0), a(), a(), a()), "name");
    assert_eq!(field("".into(), a(), a(), a()), "name");
    assert_eq!(field("x".repeat(65).as_str().into(), a(), a(), a()), "name");
    assert_eq!(field("a\nb".into(), a(), a(), a()), "name");
    assert_eq!(field(a(), "running".into(), a(), a()), "status");
    assert_eq!(field(a(), "RUN NING".into(), a(), a()), "status");
    assert_eq!(field(a(), Arg::Bool(true), a(), a()), "status");
    assert_eq!(field(a(), a(), Arg::Num(-1.0), a()), "offset");
    assert_eq!(field(a(), a(), Arg::Num(1.5), a()), "offset");
    assert_eq!(field(a(), a(), a(), Arg::Num(0.0)), "limit");
    assert_eq!(field(a(), a(), a(), Arg::Num(1001.0)), "limit");
    assert_eq!(field(a(), a(), a(), "ten".into()), "limit");
    // 64 characters of any script are fine (the service matches names fuzzily).
    let q = InstanceQuery::validate(
        &"缓存".repeat(32).as_str().into(),
        &"CREATEFAILED".into(),
        &Arg::Num(0.0),
        &Arg::Num(1000.0),
    )
    .unwrap();
    assert_eq!(q.limit, Some(1000));
}

#[test]
fn instance_list_url() {
    let ep = endpoint::resolve(None, Some("cn-north-4")).unwrap();
    let q = InstanceQuery::validate(
        &"orders cache/é&x=1".into(),
        &"RUNNING".into(),
        &Arg::Num(20.0),
        &Arg::Num(10.0),
    )
    .unwrap();
    let r = list_instances_request(&ep, "0123456789abcdef0123456789abcdef", &q);
    assert_eq!(r.method, "GET");
    assert_eq!(
        r.url,
        "https://dcs.cn-north-4.myhuaweicloud.com/v2/0123456789abcdef0123456789abcdef/instances?name=orders%20cache%2F%C3%A9%26x%3D1&status=RUNNING&offset=20&limit=10"
    );
    assert_eq!(
        r.header("X-Project-Id"),
        Some("0123456789abcdef0123456789abcdef")
    );
    let none = list_instances_request(&ep, "p", &InstanceQuery::default());
    assert!(none.url.ends_with("/v2/p/instances"), "{}", none.url);
}

fn page(total: u64, ids: &[&str]) -> InstanceList {
    InstanceList {
        instance_count: total,
        instances: ids
            .iter()
            .map(|id| Instance {
                instance_id: id.to_string(),
                name: format!("name-{id}"),
                status: "RUNNING".into(),
                ..Instance::default()
            })
            .collect(),
        warnings: Vec::new(),
    }
}

#[test]
fn instance_pages_in_order_deduplicated_bounded() {
    let mut plan: PagePlan<InstanceList> = PagePlan::new(2, 1000);
    assert_eq!(plan.next_offset(), Some((0, 0)));
    assert_eq!(plan.next_offset(), None); // the total is not known yet
    let d = plan.receive(0, page(5, &["a", "b"])).unwrap();
    assert_eq!(d.len(), 1);
    assert_eq!((d[0].fetched, d[0].total), (2, 5));
    assert_eq!(plan.next_offset(), Some((1, 2)));
    assert_eq!(plan.next_offset(), Some((2, 4)));
    assert_eq!(plan.next_offset(), None);
    // Page 2 first: held back until page 1 arrives; "b" shifted into page 1 is dropped.
    assert!(plan.receive(2, page(5, &["e"])).unwrap().is_empty());
    let d = plan.receive(1, page(5, &["b", "c"])).unwrap();
    let ids: Vec<Vec<&str>> = d
        .iter()
        .map(|d| (0..d.list.len()).map(|i| d.list.id(i)).collect())
        .collect();
    assert_eq!(ids, vec![vec!["c"], vec!["e"]]);
    assert!(plan.is_done());

    // A server that ignores offset: the repeated page is an error at `instances`.
    let mut plan: PagePlan<InstanceList> = PagePlan::new(2, 1000);
    plan.next_offset();
    plan.receive(0, page(6, &["a", "b"])).unwrap();
    plan.next_offset();
    let e = plan.receive(1, page(6, &["a", "b"])).unwrap_err();
    assert_eq!(e.path.as_deref(), Some("instances"));

    // A lying total: at most max items are ever planned.
    let mut plan: PagePlan<InstanceList> = PagePlan::new(2, 4);
    plan.next_offset();
    plan.receive(0, page(1_000_000, &["a", "b"])).unwrap();
    let mut offsets = Vec::new();
    while let Some(o) = plan.next_offset() {
        offsets.push(o);
    }
    assert_eq!(offsets, vec![(1, 2)]);
    // A page over the limit is refused.
    let mut plan: PagePlan<InstanceList> = PagePlan::new(1, 10);
    plan.next_offset();
    let e = plan.receive(0, page(3, &["a", "b"])).unwrap_err();
    assert_eq!(e.path.as_deref(), Some("instances"));
}
