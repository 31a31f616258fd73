//! The JS API's one-pass writers (`parse_list_tasks_json`, and `parse_list_tasks_chunks`
//! with its chunks put back together) against the Rust API (`parse_list_tasks_response` +
//! `TaskList::to_json`): the same text, or the same error, for every fixture and hostile
//! case, in both modes. (Random bodies: crates/core/tests/parse_prop.rs.)

use dcs_tasks_parse::error::DcsError;
use dcs_tasks_parse::model::ParseOptions;
use dcs_tasks_parse::normalize::{
    parse_list_tasks_chunks, parse_list_tasks_json, parse_list_tasks_response, Chunk, CHUNK_BYTES,
};

fn err(e: DcsError) -> String {
    format!("{:?} {:?} {}", e.code, e.path, e.message)
}

fn both(body: &[u8], strict: bool) -> (Result<String, String>, Result<String, String>) {
    let o = ParseOptions { strict };
    let sink = parse_list_tasks_json(body, o).map(|l| l.json().to_string());
    assert_eq!(chunked(body, o).0, sink.clone().map_err(err));
    (
        sink.map_err(err),
        parse_list_tasks_response(body, o)
            .map(|l| l.to_json())
            .map_err(err),
    )
}

/// `parse_list_tasks_chunks`' page with its chunks' tasks put in, and how many restarts and
/// chunks (after the last restart) there were.
fn chunked(body: &[u8], o: ParseOptions) -> (Result<String, String>, usize, usize) {
    let (mut chunks, mut restarts) = (Vec::<String>::new(), 0);
    let page = parse_list_tasks_chunks(body, o, &mut |c| match c {
        Chunk::Tasks(b) => {
            let t = std::str::from_utf8(b).unwrap();
            assert!(t.starts_with('[') && t.ends_with(']') && t.len() > 2, "{t}");
            chunks.push(t[1..t.len() - 1].to_string());
        }
        Chunk::Restart => {
            restarts += 1;
            chunks.clear();
        }
    });
    let n = chunks.len();
    let text = page.map(|p| {
        assert_eq!(p.len(), 0);
        p.json().replacen(
            "\"tasks\":[]",
            &format!("\"tasks\":[{}]", chunks.join(",")),
            1,
        )
    });
    (text.map_err(err), restarts, n)
}

#[test]
fn chunks_of_a_long_page_and_a_restart() {
    let task =
        r#"{"id":"ID","name":"BindEip","status":"SUCCESS","details":{"replica_ip":"10.0.0.1"}}"#;
    let tasks: Vec<String> = (0..2000)
        .map(|i| task.replace("ID", &i.to_string()))
        .collect();
    let body = format!(r#"{{"task_count":"2000","tasks":[{}]}}"#, tasks.join(","));
    let o = ParseOptions::default();
    let whole = parse_list_tasks_json(body.as_bytes(), o).unwrap();
    let (text, restarts, n) = chunked(body.as_bytes(), o);
    assert_eq!(text.unwrap(), whole.json());
    assert_eq!(restarts, 0);
    assert!(
        n > 1 && n <= whole.json().len() / CHUNK_BYTES + 1,
        "{n} chunks"
    );
    // A top-level task field: the tasks are read again, the first walk's chunks dropped.
    let body = body.replacen(r#""status":"SUCCESS","#, "", 1);
    let body = body.replacen(r#"{"task_count""#, r#"{"status":"FAILED","task_count""#, 1);
    let whole = parse_list_tasks_json(body.as_bytes(), o).unwrap();
    let (text, restarts, _) = chunked(body.as_bytes(), o);
    assert_eq!(text.unwrap(), whole.json());
    assert_eq!(restarts, 1);
    assert!(whole
        .json()
        .contains(r#"{"id":"0","name":"BindEip","status":"FAILED""#));
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
