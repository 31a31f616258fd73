//! Property tests: generated valid responses in any mix of the tolerated forms parse in
//! the default mode and keep their values; arbitrary bytes and mutations never panic.
#![cfg(not(target_arch = "wasm32"))]

use dcs_tasks_core::{
    parse_error_body, parse_list_tasks_response, parse_task_progress, ErrorCode, ParseOptions,
    WarningCode,
};
use dcs_tasks_parse::time::format_iso_ms;
use proptest::prelude::*;

const NAMES: &[&str] = &[
    "ChangeInstanceSpec",
    "BindEip",
    "UnBindEip",
    "AddReplica",
    "EXTEND",
    "modify",
];
const STATUSES: &[&str] = dcs_tasks_parse::normalize::KNOWN_TASK_STATUSES;
/// Up to 9999-12-30, so a +08:00 rendering stays in range.
const MAX_MS: i64 = 253_402_214_399_999;

#[derive(Debug, Clone)]
enum TimeForm {
    Canonical,
    Space,
    Offset,
    Compact,
    ZNoMillis,
}

#[derive(Debug, Clone)]
struct Spec {
    id: String,
    name: &'static str,
    status: &'static str,
    user_name: Option<String>,
    created: Option<(i64, TimeForm)>,
    updated: Option<(i64, TimeForm)>,
    old_capacity: Option<(f64, bool, bool)>, // value, as number, exponent form
    new_cache_mode: Option<(String, bool)>,  // value, misspelled
    old_port: Option<i64>,
    enable_ssl: Option<bool>,
    rename_commands: Option<Vec<String>>,
}

fn time_form() -> impl Strategy<Value = TimeForm> {
    prop_oneof![
        Just(TimeForm::Canonical),
        Just(TimeForm::Space),
        Just(TimeForm::Offset),
        Just(TimeForm::Compact),
        Just(TimeForm::ZNoMillis),
    ]
}

fn time() -> impl Strategy<Value = (i64, TimeForm)> {
    (0..=MAX_MS, time_form()).prop_map(|(ms, f)| match f {
        // These forms carry whole seconds: keep the model exact.
        TimeForm::Compact | TimeForm::ZNoMillis => (ms - ms % 1000, f),
        _ => (ms, f),
    })
}

fn render_time((ms, f): &(i64, TimeForm)) -> String {
    let iso = format_iso_ms(*ms);
    match f {
        TimeForm::Canonical => iso,
        TimeForm::Space => iso.replace('T', " ").replace('Z', ""),
        TimeForm::Offset => {
            let shifted = format_iso_ms(ms + 8 * 3_600_000);
            format!("{}+08:00", &shifted[..shifted.len() - 1])
        }
        TimeForm::Compact => iso[..19].replace(['-', ':', 'T'], ""),
        TimeForm::ZNoMillis => format!("{}Z", &iso[..19]),
    }
}

fn text() -> impl Strategy<Value = String> {
    // Any Unicode (escapes and surrogate pairs included once written as JSON).
    proptest::collection::vec(any::<char>(), 0..12).prop_map(|v| v.into_iter().collect())
}

prop_compose! {
    fn spec()(
        id in "[a-f0-9]{1,32}",
        name in proptest::sample::select(NAMES),
        status in proptest::sample::select(STATUSES),
        user_name in proptest::option::of(text()),
        created in proptest::option::of(time()),
        updated in proptest::option::of(time()),
        old_capacity in proptest::option::of((0.0f64..1e6, any::<bool>(), any::<bool>())),
        new_cache_mode in proptest::option::of((text(), any::<bool>())),
        old_port in proptest::option::of(0i64..65536),
        enable_ssl in proptest::option::of(any::<bool>()),
        rename_commands in proptest::option::of(proptest::collection::vec(text(), 0..3)),
    ) -> Spec {
        Spec { id, name, status, user_name, created, updated, old_capacity, new_cache_mode, old_port, enable_ssl, rename_commands }
    }
}

/// The list's contract JSON (or its error) through the JS API's one-pass writer...
fn sink_text(b: &[u8], strict: bool) -> Result<String, String> {
    dcs_tasks_parse::normalize::parse_list_tasks_json(b, ParseOptions { strict })
        .map(|l| l.json().to_string())
        .map_err(|e| format!("{:?} {:?} {}", e.code, e.path, e.message))
}

/// ... and through the Rust API's `TaskList`.
fn model_text(b: &[u8], strict: bool) -> Result<String, String> {
    parse_list_tasks_response(b, ParseOptions { strict })
        .map(|l| l.to_json())
        .map_err(|e| format!("{:?} {:?} {}", e.code, e.path, e.message))
}

fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// Renders a body; returns it with the number of quirks it contains.
fn render(specs: &[Spec], count_as_number: bool, hoist: [bool; 3]) -> (String, usize) {
    let mut quirks = usize::from(count_as_number);
    let mut top = Vec::new();
    top.push(if count_as_number {
        format!(r#""task_count":{}"#, specs.len())
    } else {
        format!(r#""task_count":"{}""#, specs.len())
    });
    let single = specs.len() == 1;
    let mut tasks = Vec::new();
    for s in specs {
        let mut f = vec![
            format!(r#""id":{}"#, q(&s.id)),
            format!(r#""name":{}"#, q(s.name)),
        ];
        let mut hoisted = Vec::new();
        let status = format!(r#""status":{}"#, q(s.status));
        if single && hoist[0] {
            hoisted.push(status);
            quirks += 1;
        } else {
            f.push(status);
        }
        if let Some(u) = &s.user_name {
            f.push(format!(r#""user_name":{}"#, q(u)));
        }
        for (key, t, h) in [
            ("created_at", &s.created, hoist[1]),
            ("updated_at", &s.updated, hoist[2]),
        ] {
            if let Some(t) = t {
                if !matches!(t.1, TimeForm::Canonical) {
                    quirks += 1;
                }
                let m = format!(r#""{key}":{}"#, q(&render_time(t)));
                if single && h {
                    hoisted.push(m);
                    quirks += 1;
                } else {
                    f.push(m);
                }
            }
        }
        let mut d = Vec::new();
        if let Some((v, as_number, exp)) = s.old_capacity {
            let text = if exp {
                format!("{v:e}")
            } else {
                format!("{v}")
            };
            if as_number {
                d.push(format!(r#""old_capacity":{text}"#));
                quirks += 1;
            } else {
                d.push(format!(r#""old_capacity":"{text}""#));
            }
        }
        if let Some((m, misspelled)) = &s.new_cache_mode {
            if *misspelled {
                d.push(format!(r#""new_cahce_mode":{}"#, q(m)));
                quirks += 1;
            } else {
                d.push(format!(r#""new_cache_mode":{}"#, q(m)));
            }
        }
        if let Some(p) = s.old_port {
            d.push(format!(r#""old_port":{p}"#));
        }
        if let Some(b) = s.enable_ssl {
            d.push(format!(r#""enable_ssl":{b}"#));
        }
        if let Some(c) = &s.rename_commands {
            let items: Vec<String> = c.iter().map(|s| q(s)).collect();
            d.push(format!(r#""rename_commands":[{}]"#, items.join(",")));
        }
        f.push(format!(r#""details":{{{}}}"#, d.join(",")));
        tasks.push(format!("{{{}}}", f.join(",")));
        top.extend(hoisted);
    }
    top.insert(1, format!(r#""tasks":[{}]"#, tasks.join(",")));
    (format!("{{{}}}", top.join(",")), quirks)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn tolerated_forms_keep_their_values(
        specs in proptest::collection::vec(spec(), 0..4),
        count_as_number in any::<bool>(),
        hoist in any::<[bool; 3]>(),
    ) {
        let (body, quirks) = render(&specs, count_as_number, hoist);
        let list = parse_list_tasks_response(body.as_bytes(), ParseOptions::default())
            .map_err(|e| TestCaseError::fail(format!("{e} in {body}")))?;
        prop_assert_eq!(list.task_count, specs.len() as u64);
        prop_assert_eq!(list.tasks.len(), specs.len());
        // and user names with invisible characters are reported (invisible_text, strict mode too)
        let notes = specs
            .iter()
            .filter(|s| s.user_name.as_ref().is_some_and(|u| u.chars().any(dcs_tasks_parse::text::is_invisible)))
            .count();
        prop_assert_eq!(list.warnings.len(), quirks + notes, "{:?}", list.warnings);
        for w in &list.warnings {
            prop_assert!(matches!(w.code, WarningCode::CoercedType | WarningCode::RenamedField | WarningCode::HoistedField | WarningCode::InvisibleText));
        }
        for (t, s) in list.tasks.iter().zip(&specs) {
            prop_assert_eq!(&t.id, &s.id);
            prop_assert_eq!(t.name.as_str(), s.name);
            prop_assert_eq!(t.status.as_str(), s.status);
            prop_assert_eq!(&t.user_name, &s.user_name);
            prop_assert_eq!(t.created_at.clone(), s.created.as_ref().map(|t| format_iso_ms(t.0)));
            prop_assert_eq!(t.updated_at.clone(), s.updated.as_ref().map(|t| format_iso_ms(t.0)));
            prop_assert_eq!(t.details.old_capacity, s.old_capacity.map(|c| c.0));
            prop_assert_eq!(t.details.new_cache_mode.clone(), s.new_cache_mode.as_ref().map(|m| m.0.clone()));
            prop_assert_eq!(t.details.old_port, s.old_port);
            prop_assert_eq!(t.details.enable_ssl, s.enable_ssl);
            prop_assert_eq!(&t.details.rename_commands, &s.rename_commands);
        }
        // Strict mode accepts exactly the quirk-free bodies.
        let strict = parse_list_tasks_response(body.as_bytes(), ParseOptions { strict: true });
        if quirks == 0 {
            prop_assert_eq!(strict.unwrap(), list.clone());
        } else {
            let e = strict.unwrap_err();
            prop_assert_eq!(e.code, ErrorCode::InvalidResponse);
            prop_assert!(e.path.is_some());
        }
        // The JS API's one-pass writer gives the same text.
        for strict in [false, true] {
            prop_assert_eq!(sink_text(body.as_bytes(), strict), model_text(body.as_bytes(), strict));
        }
        // The output is valid JSON, and capacities read back exactly.
        let out = list.to_json();
        let v: serde_json::Value = serde_json::from_str(&out).map_err(|e| TestCaseError::fail(format!("{e} in {out}")))?;
        if let Some(serde_json::Value::Array(ts)) = v.get("tasks") {
            for (t, s) in ts.iter().zip(&specs) {
                let cap = t.get("details").and_then(|d| d.get("oldCapacity")).and_then(|c| c.as_f64());
                prop_assert_eq!(cap, s.old_capacity.map(|c| c.0));
            }
        } else {
            prop_assert!(false, "no tasks array in {}", out);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..256)) {
        for strict in [false, true] {
            if let Err(e) = parse_list_tasks_response(&body, ParseOptions { strict }) {
                prop_assert_eq!(e.code, ErrorCode::InvalidResponse);
                prop_assert!(e.path.is_some());
            }
            let _ = parse_task_progress(&body, ParseOptions { strict });
        }
        let _ = parse_error_body(&body);
    }

    #[test]
    fn arbitrary_json_like_text_never_panics(body in "[\\[\\]{}\":,0-9a-z_\\\\. eE+-]{0,200}") {
        let _ = parse_list_tasks_response(body.as_bytes(), ParseOptions::default());
        let _ = parse_task_progress(body.as_bytes(), ParseOptions::default());
        let _ = parse_error_body(body.as_bytes());
    }

    #[test]
    fn mutations_of_valid_bodies_never_panic(
        specs in proptest::collection::vec(spec(), 1..3),
        hoist in any::<[bool; 3]>(),
        edits in proptest::collection::vec((any::<u8>(), any::<proptest::sample::Index>(), any::<u8>()), 1..6),
    ) {
        let (body, _) = render(&specs, false, hoist);
        let mut b = body.into_bytes();
        for (kind, at, byte) in edits {
            let len = b.len();
            if len == 0 {
                break;
            }
            let i = at.index(len);
            match kind % 5 {
                0 => { b.remove(i); }
                1 => b.insert(i, byte),
                2 => b[i] = byte,
                3 => b.truncate(i),
                _ => b.insert(i, b"{}[]\",:0-e.\\n"[byte as usize % 13]),
            }
        }
        for strict in [false, true] {
            prop_assert_eq!(sink_text(&b, strict), model_text(&b, strict));
            match parse_list_tasks_response(&b, ParseOptions { strict }) {
                Ok(list) => {
                    prop_assert!(serde_json::from_str::<serde_json::Value>(&list.to_json()).is_ok());
                }
                Err(e) => {
                    prop_assert_eq!(e.code, ErrorCode::InvalidResponse);
                    prop_assert!(e.path.is_some());
                }
            }
            let _ = parse_task_progress(&b, ParseOptions { strict });
        }
        let _ = parse_error_body(&b);
    }

    #[test]
    fn progress_mutations_never_panic(
        edits in proptest::collection::vec((any::<u8>(), any::<proptest::sample::Index>(), any::<u8>()), 0..6),
    ) {
        let mut b = include_bytes!("../../../tests/fixtures/progress.json").to_vec();
        for (kind, at, byte) in edits {
            let len = b.len();
            if len == 0 {
                break;
            }
            let i = at.index(len);
            match kind % 4 {
                0 => { b.remove(i); }
                1 => b.insert(i, byte),
                2 => b[i] = byte,
                _ => b.truncate(i),
            }
        }
        if let Ok(p) = parse_task_progress(&b, ParseOptions::default()) {
            prop_assert!(serde_json::from_str::<serde_json::Value>(&p.to_json()).is_ok());
        }
    }
}
