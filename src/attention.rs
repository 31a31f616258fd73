//! `summarizeFleet(entries, o?)`: the core's attention model
//! ([`dcs_tasks_core::attention`]) over `listFleetTasks`' entries. Only the fields the model
//! reads cross back (the instance's ID, name and status; each task's ID, name, status and
//! times; the error's code and message). And `mergeFirstPage`, the core's refresh of a
//! listing shown whole, over the tasks' IDs.

use js_sys::Array;
use wasm_bindgen::prelude::*;

use crate::bindings::{get, js_err, set, to_js};
use crate::options::{to_arg, Options, SummarizeOptions};
use dcs_tasks_core::attention::{
    assess_facts, Assessment, FleetSummary, InstanceFacts, ListingFailure, StuckAfter, TaskFacts,
};
use dcs_tasks_core::fleet::{MAX_FLEET_TASKS_PER_INSTANCE, MAX_LIST_ALL_INSTANCES};
use dcs_tasks_core::policy::{refresh_first_page, Pick};
use dcs_tasks_core::query::{validate_time, Arg, ListQuery};
use dcs_tasks_core::Field;
use dcs_tasks_parse::error::{cat, DcsError};

/// `summarizeFleet(entries, o?)`: every instance assessed and ranked (what needs attention
/// first, with its reasons), with the fleet's totals.
#[wasm_bindgen(js_name = summarizeFleet, skip_typescript)]
pub fn summarize_fleet(entries: JsValue, o: JsValue) -> Result<JsValue, JsValue> {
    js_err((|| {
        let o = SummarizeOptions::read(&o, "o", "o.")?;
        let range = ListQuery::validate(&Arg::Absent, &Arg::Absent, &o.start_time, &o.end_time)
            .map_err(|e| e.js("o."))?;
        let now = validate_time(Field::Now, &o.now)
            .map_err(|e| e.js("o."))?
            .unwrap_or_else(|| js_sys::Date::now() as i64);
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
            let (id, name, status) = (
                text(&e, &at_i, "instance.instanceId", true)?,
                text(&e, &at_i, "instance.name", false)?,
                text(&e, &at_i, "instance.status", false)?,
            );
            let instance = InstanceFacts {
                instance_id: &id,
                name: &name,
                status: &status,
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
            out.push(assess_facts(
                instance,
                tasks.iter().map(Brief::facts),
                failure,
                &at,
            ));
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

/// What the model reads of a task: `id`, `name`, `status`, `createdAt`, `updatedAt`.
struct Brief([String; 5]);

impl Brief {
    fn facts(&self) -> TaskFacts<'_> {
        let [id, name, status, created, updated] = &self.0;
        fn opt(s: &str) -> Option<&str> {
            Some(s).filter(|s| !s.is_empty())
        }
        TaskFacts {
            id,
            name,
            status,
            created_at: opt(created),
            updated_at: opt(updated),
        }
    }
}

/// The fields of each task the model reads.
fn tasks(a: &Array, at: &str) -> Result<Vec<Brief>, DcsError> {
    let mut out = Vec::with_capacity(a.length() as usize);
    for (j, t) in a.iter().enumerate() {
        let at = cat(&[at, "[", &j.to_string(), "]"]);
        let mut b = Brief(Default::default());
        for (slot, k) in
            b.0.iter_mut()
                .zip(["id", "name", "status", "createdAt", "updatedAt"])
        {
            *slot = text(&t, &at, k, false)?;
        }
        out.push(b);
    }
    Ok(out)
}

/// `mergeFirstPage(shown, shownTotal, page)`: every task shown ("Load all", a filter) with the
/// first page of the same listing asked again merged in, as the core decides
/// ([`dcs_tasks_core::policy::refresh_first_page`]: the page's new tasks first, each shown
/// task replaced by the page's copy, each ID once, the total grown). Only the IDs cross into
/// wasm; the answer picks the given task objects.
#[wasm_bindgen(js_name = mergeFirstPage, skip_typescript)]
pub fn merge_first_page(
    shown: JsValue,
    shown_total: JsValue,
    page: JsValue,
) -> Result<JsValue, JsValue> {
    js_err((|| {
        let shown = list(&shown, "shown", MAX_FLEET_TASKS_PER_INSTANCE)?;
        let page_tasks = list(
            &get(&page, "tasks"),
            "page.tasks",
            MAX_FLEET_TASKS_PER_INSTANCE,
        )?;
        let count = |v: &JsValue, field: &str| {
            v.as_f64()
                .filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n <= 9_007_199_254_740_991.0)
                .map(|n| n as u64)
                .ok_or_else(|| DcsError::invalid_argument(field, "must be a whole number"))
        };
        let shown_total = count(&shown_total, "shownTotal")?;
        let page_total = count(&get(&page, "taskCount"), "page.taskCount")?;
        let ids = |a: &Array, at: &str| -> Result<Vec<String>, DcsError> {
            let at = cat(&[at, "["]);
            a.iter()
                .enumerate()
                .map(|(i, t)| text(&t, &cat(&[&at, &i.to_string(), "]"]), "id", true))
                .collect()
        };
        let (s, p) = (ids(&shown, "shown")?, ids(&page_tasks, "page.tasks")?);
        let (s, p): (Vec<&str>, Vec<&str>) = (
            s.iter().map(String::as_str).collect(),
            p.iter().map(String::as_str).collect(),
        );
        let r = refresh_first_page(&s, shown_total, &p, page_total);
        let tasks: Array = r
            .order
            .iter()
            .map(|pick| match *pick {
                Pick::Page(i) => page_tasks.get(i as u32),
                Pick::Shown(j) => shown.get(j as u32),
            })
            .collect();
        let out: JsValue = js_sys::Object::new().into();
        set(&out, "tasks", &tasks);
        set(&out, "total", &JsValue::from(r.total as f64));
        Ok(out)
    })())
}
