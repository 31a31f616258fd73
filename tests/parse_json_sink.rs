//! The JS API's one-pass writer (`parse_list_tasks_json`) against the Rust API
//! (`parse_list_tasks_response` + `TaskList::to_json`): the same text, or the same error,
//! for every fixture and hostile case, in both modes. (Random bodies: tests/parse_prop.rs.)

use dcs_tasks::normalize::parse_list_tasks_json;
use dcs_tasks::{parse_list_tasks_response, ParseOptions};

fn both(body: &[u8], strict: bool) -> (Result<String, String>, Result<String, String>) {
    let o = ParseOptions { strict };
    let err = |e: dcs_tasks::DcsError| format!("{:?} {:?} {}", e.code, e.path, e.message);
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
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
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
        "/tests/fixtures/seed-example.json"
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
