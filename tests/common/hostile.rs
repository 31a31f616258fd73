//! The hostile-input corpus shared by the native (crates/core/tests/parse_hostile.rs) and the wasm
//! (tests/wasm_hostile.rs) runs: the manifest `tests/fixtures/hostile/cases.tsv`, every
//! file of it (included, since wasm tests have no file system) and the generators of
//! the `@...` cases (10 MB strings, 100,000-deep nesting, huge arrays).
#![allow(dead_code)]

pub const MANIFEST: &str = include_str!("../fixtures/hostile/cases.tsv");

macro_rules! files {
    ($($f:literal),* $(,)?) => {
        &[$(($f, include_bytes!(concat!("../fixtures/hostile/", $f)) as &[u8])),*]
    };
}

/// Every file of the corpus (kept in step with the manifest by `manifest_matches_files`).
pub const FILES: &[(&str, &[u8])] = files![
    "001-empty.json",
    "002-whitespace-only.json",
    "003-open-brace.json",
    "004-unclosed-string.json",
    "005-trailing-comma-object.json",
    "006-trailing-comma-array.json",
    "007-single-quotes.json",
    "008-unquoted-key.json",
    "009-comment.json",
    "010-nan.json",
    "011-infinity.json",
    "012-leading-zero.json",
    "013-trailing-garbage.json",
    "014-two-documents.json",
    "015-bad-escape.json",
    "016-raw-tab-in-string.json",
    "017-lone-high-surrogate.json",
    "018-lone-low-surrogate.json",
    "019-reversed-surrogate-pair.json",
    "020-invalid-utf8.bin",
    "021-overlong-utf8-slash.bin",
    "022-utf8-encoded-surrogate.bin",
    "023-utf16le-bom.bin",
    "024-utf8-bom.bin",
    "025-nul-after-document.bin",
    "026-raw-nul-in-string.bin",
    "027-escaped-nul-in-id.json",
    "028-valid-surrogate-pair.json",
    "029-truncated-after-key.json",
    "030-truncated-in-task.json",
    "031-truncated-mid-escape.json",
    "032-truncated-mid-utf8.bin",
    "033-truncated-before-last-brace.json",
    "034-truncated-mid-number.json",
    "035-truncated-mid-literal.json",
    "036-root-array.json",
    "037-root-string.json",
    "038-root-null.json",
    "039-root-number.json",
    "040-tasks-object.json",
    "041-tasks-null.json",
    "042-tasks-missing.json",
    "043-task-count-missing.json",
    "044-task-count-bool.json",
    "045-task-count-negative.json",
    "046-task-count-negative-number.json",
    "047-task-count-float.json",
    "048-task-count-huge.json",
    "049-task-count-2pow53.json",
    "050-task-count-number-strict.json",
    "051-task-count-empty-string.json",
    "052-task-not-object.json",
    "053-second-task-null.json",
    "054-task-id-number.json",
    "055-task-id-missing.json",
    "056-task-name-array.json",
    "057-task-status-object.json",
    "058-task-status-missing.json",
    "059-enable-show-string.json",
    "060-user-name-number.json",
    "061-details-array.json",
    "062-details-string.json",
    "063-capacity-non-numeric.json",
    "064-capacity-negative.json",
    "065-capacity-negative-number.json",
    "066-capacity-huge.json",
    "067-capacity-hex.json",
    "068-capacity-with-unit.json",
    "069-capacity-bool.json",
    "070-capacity-number-strict.json",
    "071-capacity-number-default.json",
    "072-port-string.json",
    "073-port-float.json",
    "074-port-exponent.json",
    "075-replica-num-2pow53.json",
    "076-replica-num-1e30.json",
    "077-rename-commands-mixed.json",
    "078-rename-commands-string.json",
    "079-date-feb-30.json",
    "080-date-hour-24.json",
    "081-date-year-10000.json",
    "082-date-before-1970.json",
    "083-date-garbage.json",
    "084-date-epoch-number.json",
    "085-date-offset-99.json",
    "086-date-non-canonical-strict.json",
    "087-hoisted-bad-date.json",
    "088-duplicate-top-key.json",
    "089-duplicate-task-key.json",
    "090-duplicate-details-key.json",
    "091-duplicate-in-40-keys.json",
    "092-duplicate-escaped-key.json",
    "093-misspelled-conflict.json",
    "094-unknown-field-strict.json",
    "095-unknown-status-strict.json",
    "096-top-level-status-strict.json",
    "097-empty-key-strict.json",
    "098-odd-keys-default.json",
    "099-depth-65-in-unknown-field.json",
    "100-strict-clean.json",
    "101-seed-strict.json",
    "102-progress-empty.json",
    "103-progress-array.json",
    "104-progress-string.json",
    "105-progress-float.json",
    "106-progress-huge.json",
    "107-progress-steps-object.json",
    "108-progress-step-not-object.json",
    "109-progress-step-id-string.json",
    "110-progress-sub-steps-string.json",
    "111-progress-sub-step-bad-time.json",
    "112-progress-duplicate-key.json",
    "113-progress-invalid-utf8.bin",
    "114-progress-minimal.json",
    "115-progress-nulls.json",
];

pub struct Case<'a> {
    pub file: &'a str,
    pub function: &'a str,
    pub expected: &'a str,
    pub path: &'a str,
}

pub fn manifest() -> Vec<Case<'static>> {
    MANIFEST
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            assert_eq!(c.len(), 4, "manifest row {l:?}");
            assert!(
                matches!(c[1], "list" | "list_strict" | "progress"),
                "function of {l:?}"
            );
            assert!(
                matches!(c[2], "ok" | "INVALID_RESPONSE"),
                "expected of {l:?}"
            );
            Case {
                file: c[0],
                function: c[1],
                expected: c[2],
                path: c[3],
            }
        })
        .collect()
}

pub const MB10: usize = 10 * 1024 * 1024;

/// A task list around one task's members (`"id":"a"` and `"name"` are supplied unless given).
fn list_with(task_members: &str) -> String {
    format!(r#"{{"task_count":"1","tasks":[{{"status":"SUCCESS",{task_members}}}]}}"#)
}

/// The generated cases: big inputs built at run time rather than committed.
pub fn generate(name: &str) -> Vec<u8> {
    let s = match name {
        "@deep-arrays-100000" | "@deep-arrays-100000-progress" => {
            format!("{}{}", "[".repeat(100_000), "]".repeat(100_000))
        }
        "@deep-objects-100000" => {
            format!("{}1{}", r#"{"a":"#.repeat(100_000), "}".repeat(100_000))
        }
        "@id-10mb" => list_with(&format!(r#""id":"{}","name":"BindEip""#, "a".repeat(MB10))),
        "@unknown-status-10mb" => format!(
            r#"{{"task_count":"1","tasks":[{{"id":"a","name":"BindEip","status":"{}"}}]}}"#,
            "X".repeat(MB10)
        ),
        "@capacity-10mb-digits" => list_with(&format!(
            r#""id":"a","name":"BindEip","details":{{"old_capacity":"{}"}}"#,
            "1".repeat(MB10)
        )),
        "@params-10mb-escapes" => list_with(&format!(
            r#""id":"a","name":"BindEip","params":"{}""#,
            r"\u00e9".repeat(MB10 / 6)
        )),
        "@task-count-10mb-digits" => {
            format!(r#"{{"task_count":{},"tasks":[]}}"#, "1".repeat(MB10))
        }
        "@unterminated-string-10mb" => format!(r#"{{"task_count":"{}"#, "1".repeat(MB10)),
        "@whitespace-10mb" => format!(
            "{}{}{}",
            " \n".repeat(MB10 / 4),
            list_with(r#""id":"a","name":"BindEip""#),
            "\t\r".repeat(MB10 / 4)
        ),
        "@tasks-1m-numbers" => format!(
            r#"{{"task_count":"1000000","tasks":[{}1]}}"#,
            "1,".repeat(999_999)
        ),
        "@tasks-20000" => {
            let task = r#"{"id":"8abf6e1e72c12e7c0172c15b508500aa","name":"ChangeInstanceSpec","status":"SUCCESS","created_at":"2020-06-17T08:18:06.597Z","details":{"old_capacity":"0.125","new_capacity":"0.25"}}"#;
            let tasks = vec![task; 20_000].join(",");
            format!(r#"{{"task_count":"20000","tasks":[{tasks}]}}"#)
        }
        "@rename-commands-1m" => list_with(&format!(
            r#""id":"a","name":"BindEip","details":{{"rename_commands":[{}"x"]}}"#,
            r#""x","#.repeat(999_999)
        )),
        "@keys-100000-duplicate" => {
            let keys: Vec<String> = (0..100_000).map(|i| format!(r#""k{i}":1"#)).collect();
            list_with(&format!(
                r#""id":"a","name":"BindEip","details":{{{},"k99999":2}}"#,
                keys.join(",")
            ))
        }
        "@steps-100000" => format!(r#"{{"step_details":[{}{{}}]}}"#, "{},".repeat(99_999)),
        _ => panic!("no generator for {name}"),
    };
    s.into_bytes()
}
