//! The JS API's one-pass writer (`parse_list_tasks_json`) against the Rust API
//! (`parse_list_tasks_response` + `TaskList::to_json`): the same text, or the same error,
//! for every fixture and hostile case, in both modes. (Random bodies: crates/core/tests/parse_prop.rs.)

use dcs_tasks_parse::model::ParseOptions;
use dcs_tasks_parse::normalize::parse_list_tasks_json;
use dcs_tasks_parse::normalize::parse_list_tasks_response;

fn both(body: &[u8], strict: bool) -> (Result<String, String>, Result<String, String>) {
    let o = ParseOptions { strict };
    let err =
        |e: dcs_tasks_parse::error::DcsError| format!("{:?} {:?} {}", e.code, e.path, e.message);
    (
        parse_list_tasks_json(body, o)
            .map(|l| l.json().to_string())
            .map_err(err),
        parse_list_tasks_response(body, o)
            .map(|l| l.to_json())
            .map_err(err),
    )
}

#[test]
fn fixtures_and_hostile_cases_give_the_same_text_or_error() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures");
    let mut bodies: Vec<(String, Vec<u8>)> = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            bodies.push((p.display().to_string(), std::fs::read(&p).unwrap()));
        }
    }
    for e in std::fs::read_dir(format!("{dir}/hostile")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x != "tsv") {
            bodies.push((p.display().to_string(), std::fs::read(&p).unwrap()));
        }
    }
    assert!(bodies.len() > 100, "{}", bodies.len());
    let mut ok = 0;
    for (name, body) in &bodies {
        for strict in [false, true] {
            let (sink, model) = both(body, strict);
            assert_eq!(sink, model, "{name} (strict: {strict})");
            ok += sink.is_ok() as usize;
        }
    }
    assert!(ok >= 10, "only {ok} bodies parsed");
}

#[test]
fn seed_example_text() {
    let body = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/seed-example.json"
    ))
    .unwrap();
    let l = parse_list_tasks_json(&body, ParseOptions::default()).unwrap();
    // The text starts at the object (no head room left over) and the pages' views agree.
    assert!(l
        .json()
        .starts_with("{\"taskCount\":1,\"tasks\":[{\"id\":\""));
    assert_eq!(l.len(), 1);
    assert_eq!(l.id(0), "8abf6e1e72c12e7c0172c15b508500aa");
    assert_eq!(l.tasks().count(), 1);
    assert_eq!(l.warnings.len(), 7);
}

#[test]
fn ids_and_task_texts_of_a_page() {
    let body = br#"{"task_count":"3","tasks":[
        {"id":"a\"b\u00e9","name":"BindEip","status":"SUCCESS"},
        {"id":"plain","name":"BindEip","status":"SUCCESS"},
        {"id":"a\"b\u00e9","name":"UnBindEip","status":"FAILED"}]}"#;
    let mut l = parse_list_tasks_json(body, ParseOptions::default()).unwrap();
    assert_eq!(l.len(), 3);
    // IDs as serde_json escapes them; equal IDs give equal text.
    assert_eq!(l.id(0), "a\\\"bé");
    assert_eq!(l.id(1), "plain");
    assert_eq!(l.id(0), l.id(2));
    let texts: Vec<&str> = l.tasks().collect();
    assert!(
        texts[0].starts_with(r#"{"id":"a\"bé","name":"BindEip""#),
        "{}",
        texts[0]
    );
    for t in &texts {
        serde_json::from_str::<serde_json::Value>(t).unwrap();
    }
    // Deduplicating by ID keeps the first of each.
    let mut seen = std::collections::BTreeSet::new();
    l.retain_ids(|id| seen.insert(id.to_string()));
    assert_eq!(l.len(), 2);
    assert_eq!(l.id(1), "plain");
    assert!(l.tasks().nth(1).unwrap().starts_with(r#"{"id":"plain""#));
}
