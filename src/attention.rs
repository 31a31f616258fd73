//! `summarizeFleet(entries, o?)`: the core's attention model
//! ([`dcs_tasks_core::attention`]) over `listFleetTasks`' entries. Only the fields the model
//! reads cross back (the instance's ID, name and status; each task's ID, name, status and
//! times; the error's code and message).

use js_sys::Array;
use wasm_bindgen::prelude::*;

use crate::bindings::{get, js_err, to_js};
use crate::options::{to_arg, Options, SummarizeOptions};
use dcs_tasks_core::attention::{assess, Assessment, FleetSummary, ListingFailure, StuckAfter};
use dcs_tasks_core::fleet::{MAX_FLEET_TASKS_PER_INSTANCE, MAX_LIST_ALL_INSTANCES};
use dcs_tasks_core::query::{validate_time, Arg, ListQuery};
use dcs_tasks_core::{Field, Instance, Task};
use dcs_tasks_parse::error::{cat, DcsError};

/// `summarizeFleet(entries, o?)`: every instance assessed and ranked (what needs attention
/// first, with its reasons), with the fleet's totals.
#[wasm_bindgen(js_name = summarizeFleet, skip_typescript)]
pub fn summarize_fleet(entries: JsValue, o: JsValue) -> Result<JsValue, JsValue> {
    js_err((|| {
        let o = SummarizeOptions::read(&o, "o", "o.")?;
        let range = ListQuery::validate(&Arg::Absent, &Arg::Absent, &o.start_time, &o.end_time)
            .map_err(|e| e.js("o."))?;
        let now = validate_time("o.now", &o.now)?.unwrap_or_else(|| js_sys::Date::now() as i64);
        let stuck_after =
            StuckAfter::parse(&o.stuck_after, Field::StuckAfter).map_err(|e| e.js("o."))?;
        let at = Assessment {
            now_ms: now,
            since_ms: range.start_ms,
            until_ms: range.end_ms,
            stuck_after,
        };
        let entries = list(&entries, "entries", MAX_LIST_ALL_INSTANCES)?;
        let mut out = Vec::with_capacity(entries.length() as usize);
        for (i, e) in entries.iter().enumerate() {
            let at_i = cat(&["entries[", &i.to_string(), "]"]);
            let instance = Instance {
                instance_id: text(&e, &at_i, "instance.instanceId", true)?,
                name: text(&e, &at_i, "instance.name", false)?,
                status: text(&e, &at_i, "instance.status", false)?,
                ..Instance::default()
            };
            let tasks_at = cat(&[&at_i, ".tasks"]);
            let raw = get(&e, "tasks");
            let tasks = if raw.is_undefined() || raw.is_null() {
                Vec::new()
            } else {
                tasks(
                    &list(&raw, &tasks_at, MAX_FLEET_TASKS_PER_INSTANCE)?,
                    &tasks_at,
                )?
            };
            let err = get(&e, "error");
            let failure = if err.is_undefined() || err.is_null() {
                None
            } else {
                Some((
                    text(&e, &at_i, "error.code", true)?,
                    text(&e, &at_i, "error.message", false)?,
                ))
            };
            let failure = failure
                .as_ref()
                .map(|(code, message)| ListingFailure { code, message });
            out.push(assess(&instance, &tasks, failure, &at));
        }
        to_js(&FleetSummary::new(out, &at))
    })())
}

/// The array at `field`, at most `max` long.
fn list(v: &JsValue, field: &str, max: u64) -> Result<Array, DcsError> {
    let a = v
        .dyn_ref::<Array>()
        .ok_or_else(|| DcsError::invalid_argument(field, "must be an array"))?;
    if u64::from(a.length()) > max {
        return Err(DcsError::invalid_argument(
            field,
            cat(&["must hold at most ", &max.to_string(), " items"]),
        ));
    }
    Ok(a.clone())
}

/// The string at `o.key` (`key` a dotted path), `""` when absent and not `required`.
fn text(o: &JsValue, at: &str, key: &str, required: bool) -> Result<String, DcsError> {
    let v = key.split('.').fold(o.clone(), |v, k| get(&v, k));
    match to_arg(&v) {
        Arg::Str(s) => Ok(s),
        Arg::Absent if !required => Ok(String::new()),
        _ => Err(DcsError::invalid_argument(
            cat(&[at, ".", key]),
            if required {
                "must be a string"
            } else {
                "must be a string when present"
            },
        )),
    }
}

/// The fields of each task the model reads.
fn tasks(a: &Array, at: &str) -> Result<Vec<Task>, DcsError> {
    let mut out = Vec::with_capacity(a.length() as usize);
    for (j, t) in a.iter().enumerate() {
        let at = cat(&[at, "[", &j.to_string(), "]"]);
        let opt = |k: &str| text(&t, &at, k, false).map(|s| Some(s).filter(|s| !s.is_empty()));
        out.push(Task {
            id: text(&t, &at, "id", false)?,
            name: text(&t, &at, "name", false)?,
            status: text(&t, &at, "status", false)?,
            created_at: opt("createdAt")?,
            updated_at: opt("updatedAt")?,
            ..Task::default()
        });
    }
    Ok(out)
}
