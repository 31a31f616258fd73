//! Where a client's calls go and how their answers are read. Two builds of the crate:
//! - the library (default, and the proxy's build): DCS's own routes (`/v2/{project}/...`, or
//!   a proxy's mirror of them), read by the strict normalizing parsers of `dcs-tasks-parse`
//!   and `dcs-tasks-core`;
//! - the elements' build (cargo feature `page`, `dcs-tasks/element`): a dcs-tasks proxy's
//!   normalized routes (`/api/instances/...`), whose answers the proxy's own strict parsers
//!   wrote. Those are read with the host's `JSON.parse` and their shape checked where the
//!   client relies on it (the totals, the IDs it pages and deduplicates by, the progress the
//!   watch decides on), so the page carries no parser of DCS's wire JSON and no signer.
//!
//! The rest of the client (options, retries, deadlines, paging, the fleet, the iterators) is
//! the same code in both builds.

#[cfg(not(feature = "page"))]
pub(crate) use dcs::*;
#[cfg(feature = "page")]
pub(crate) use proxy_api::*;

#[cfg(not(feature = "page"))]
mod dcs {
    use js_sys::Array;
    use wasm_bindgen::{JsCast, JsValue};

    use crate::bindings::{json_to_js, round_trip_error, set, to_js};
    use crate::fetch::Inner;
    use dcs_tasks_core::attention::keeps_task_json;
    use dcs_tasks_core::listing::{InstancePages, TaskPages};
    use dcs_tasks_core::policy::Delivery;
    use dcs_tasks_core::query::{self, HttpRequest, InstanceQuery, ListQuery};
    use dcs_tasks_parse::error::DcsError;
    use dcs_tasks_parse::model::{
        write_list, Instance, InstanceList, ListJson, ParseOptions, TaskProgress,
    };

    pub(crate) type TaskSource = TaskPages;
    pub(crate) type InstanceSource = InstancePages;

    /// The pages of an instance's tasks for `q`.
    pub(crate) fn task_pages(inner: &Inner, instance_id: String, q: ListQuery) -> TaskSource {
        TaskPages {
            endpoint: inner.endpoint.clone(),
            project_id: inner.project_id.clone(),
            instance_id,
            query: q,
        }
    }

    /// The pages of the instance list for `q`.
    pub(crate) fn instance_pages(inner: &Inner, q: InstanceQuery) -> InstanceSource {
        InstancePages {
            endpoint: inner.endpoint.clone(),
            project_id: inner.project_id.clone(),
            query: q,
        }
    }

    pub(crate) fn list_request(inner: &Inner, id: &str, q: &ListQuery) -> HttpRequest {
        query::list_request(&inner.endpoint, &inner.project_id, id, q)
    }

    pub(crate) fn progress_request(inner: &Inner, id: &str, task: &str) -> HttpRequest {
        query::progress_request(&inner.endpoint, &inner.project_id, id, task)
    }

    pub(crate) fn instances_request(inner: &Inner, q: &InstanceQuery) -> HttpRequest {
        query::list_instances_request(&inner.endpoint, &inner.project_id, q)
    }

    /// `listTasks`' value from a list page's body.
    pub(crate) fn list_value(body: &[u8], strict: bool) -> Result<JsValue, DcsError> {
        crate::bindings::list_value(body, strict)
    }

    /// A progress body, typed (the watch decides on it).
    pub(crate) fn progress(body: &[u8], strict: bool) -> Result<TaskProgress, DcsError> {
        dcs_tasks_core::progress::parse_task_progress(body, ParseOptions { strict })
    }

    /// `listInstances`' value from an instance page's body.
    pub(crate) fn instances_value(body: &[u8], strict: bool) -> Result<JsValue, DcsError> {
        let list = dcs_tasks_core::instances::parse_list_instances_response(
            body,
            ParseOptions { strict },
        )?;
        to_js(&list)
    }

    /// A delivered page of tasks: its tasks, and the page as JS
    /// (`{ taskCount, tasks, warnings, fetched, total }`).
    pub(crate) fn task_page(d: &Delivery<ListJson>) -> Result<(Array, JsValue), DcsError> {
        let mut text = String::with_capacity(d.list.json_bytes().len() + 2);
        write_list(
            &mut text,
            d.list.task_count,
            d.list.tasks(),
            &d.list.warnings,
        );
        text.push('}');
        let v = json_to_js(&text).map_err(|_| round_trip_error())?;
        set(&v, "fetched", &JsValue::from_f64(d.fetched as f64));
        set(&v, "total", &JsValue::from_f64(d.total as f64));
        Ok((crate::bindings::get(&v, "tasks").unchecked_into(), v))
    }

    /// A delivered page's instances as JS.
    pub(crate) fn instance_items(d: &Delivery<InstanceList>) -> Result<Array, DcsError> {
        Ok(to_js(&d.list.instances)?.unchecked_into())
    }

    /// A fleet's instance: typed until it is handed out.
    pub(crate) type FleetInstance = Instance;

    /// A page's instances for the fleet.
    pub(crate) fn fleet_instances(list: InstanceList) -> Vec<FleetInstance> {
        list.instances
    }

    /// What its task listing asks for.
    pub(crate) fn instance_id(i: &FleetInstance) -> &str {
        &i.instance_id
    }

    /// The instance as the fleet's entry holds it.
    pub(crate) fn instance_value(i: &FleetInstance) -> Result<JsValue, DcsError> {
        to_js(i)
    }

    /// The tasks of a fleet's instance that the attention model keeps
    /// ([`keeps_task_json`]), gathered page by page as the contract JSON of an array.
    pub(crate) struct KeptTasks(String);

    impl KeptTasks {
        pub(crate) fn new() -> Self {
            KeptTasks(String::from("["))
        }
        pub(crate) fn add(&mut self, page: &ListJson, since_ms: Option<i64>) {
            for t in page.tasks().filter(|t| keeps_task_json(t, since_ms)) {
                if self.0.len() > 1 {
                    self.0.push(',');
                }
                self.0.push_str(t);
            }
        }
        pub(crate) fn finish(mut self) -> Result<JsValue, DcsError> {
            self.0.push(']');
            json_to_js(&self.0).map_err(|_| round_trip_error())
        }
    }
}

#[cfg(feature = "page")]
mod proxy_api {
    use std::marker::PhantomData;

    use js_sys::{Array, Object};
    use wasm_bindgen::{JsCast, JsValue};

    use crate::bindings::{get, parse_json_bytes, set};
    use crate::fetch::Inner;
    use dcs_tasks_core::attention::keeps_task_fields;
    use dcs_tasks_core::call::RawResponse;
    use dcs_tasks_core::endpoint::Endpoint;
    use dcs_tasks_core::listing::PageSource;
    use dcs_tasks_core::policy::{Delivery, Page};
    use dcs_tasks_core::query::{self, HttpRequest, InstanceQuery, ListQuery};
    use dcs_tasks_parse::error::{cat, DcsError};
    use dcs_tasks_parse::model::{ParseOptions, TaskProgress};

    /// Longest ID accepted in a normalized answer (DCS's are 36-character UUIDs).
    const MAX_ID_LEN: usize = 256;

    /// What a normalized listing holds: its items' and total's names, and the items' ID.
    pub(crate) trait Listing {
        const ITEMS: &'static str;
        const COUNT: &'static str;
        const ID: &'static str;
    }

    pub(crate) struct Tasks;
    impl Listing for Tasks {
        const ITEMS: &'static str = "tasks";
        const COUNT: &'static str = "taskCount";
        const ID: &'static str = "id";
    }

    pub(crate) struct Instances;
    impl Listing for Instances {
        const ITEMS: &'static str = "instances";
        const COUNT: &'static str = "instanceCount";
        const ID: &'static str = "instanceId";
    }

    /// One normalized page, parsed by the host: the whole value, the total, each item with
    /// its ID, and the warnings (an array).
    pub(crate) struct JsPage<L> {
        value: JsValue,
        total: u64,
        items: Vec<(String, JsValue)>,
        warnings: JsValue,
        listing: PhantomData<L>,
    }

    impl<L: Listing> Page for JsPage<L> {
        const ITEMS: &'static str = L::ITEMS;
        const COUNT: &'static str = L::COUNT;
        fn total(&self) -> u64 {
            self.total
        }
        fn len(&self) -> usize {
            self.items.len()
        }
        fn id(&self, i: usize) -> &str {
            self.items.get(i).map_or("", |(id, _)| id.as_str())
        }
        fn retain_ids(&mut self, mut keep: impl FnMut(&str) -> bool) {
            self.items.retain(|(id, _)| keep(id));
        }
    }

    impl<L: Listing> JsPage<L> {
        /// The items as a JS array, in order.
        fn array(&self) -> Array {
            self.items.iter().map(|(_, v)| v.clone()).collect()
        }
    }

    /// The number at `path`: an integer from 0 to 2^53 - 1.
    fn count(v: &JsValue, path: &str) -> Result<u64, DcsError> {
        v.as_f64()
            .filter(|n| n.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(n))
            .map(|n| n as u64)
            .ok_or_else(|| DcsError::invalid_response(path, "must be a non-negative integer"))
    }

    /// Reads a normalized listing page: an object with the total, the items (each an object
    /// with a non-empty string ID) and the warnings (an array, when present).
    pub(crate) fn read_page<L: Listing>(body: &[u8]) -> Result<JsPage<L>, DcsError> {
        let value = parse_json_bytes(body)?;
        if !value.is_object() || Array::is_array(&value) {
            return Err(DcsError::invalid_response("$", "must be an object"));
        }
        let total = count(&get(&value, L::COUNT), L::COUNT)?;
        let items = get(&value, L::ITEMS)
            .dyn_into::<Array>()
            .map_err(|_| DcsError::invalid_response(L::ITEMS, "must be an array"))?;
        let mut out = Vec::with_capacity(items.length() as usize);
        for (i, item) in items.iter().enumerate() {
            let id = get(&item, L::ID)
                .as_string()
                .filter(|s| !s.is_empty() && s.len() <= MAX_ID_LEN);
            let Some(id) = id else {
                let at = cat(&[L::ITEMS, "[", &i.to_string(), "].", L::ID]);
                let m = cat(&[
                    "must be a string of 1 to ",
                    &MAX_ID_LEN.to_string(),
                    " bytes",
                ]);
                return Err(DcsError::invalid_response(at, m));
            };
            out.push((id, item));
        }
        let warnings = get(&value, "warnings");
        let warnings = if warnings.is_undefined() {
            Array::new().into()
        } else if Array::is_array(&warnings) {
            warnings
        } else {
            return Err(DcsError::invalid_response("warnings", "must be an array"));
        };
        Ok(JsPage {
            value,
            total,
            items: out,
            warnings,
            listing: PhantomData,
        })
    }

    /// The pages of an instance's tasks at a proxy's `/api/instances/{id}/tasks`.
    pub(crate) struct TaskSource {
        endpoint: Endpoint,
        instance_id: String,
        query: ListQuery,
    }

    impl PageSource for TaskSource {
        type Page = JsPage<Tasks>;
        fn page_request(&self, offset: u32, limit: u32) -> HttpRequest {
            query::api_list_request(
                &self.endpoint,
                &self.instance_id,
                &self.query.page(offset, limit),
            )
        }
        fn parse_page(&self, resp: &RawResponse, _: ParseOptions) -> Result<Self::Page, DcsError> {
            read_page(&resp.body)
        }
    }

    /// The pages of the instance list at a proxy's `/api/instances`.
    pub(crate) struct InstanceSource {
        endpoint: Endpoint,
        query: InstanceQuery,
    }

    impl PageSource for InstanceSource {
        type Page = JsPage<Instances>;
        fn page_request(&self, offset: u32, limit: u32) -> HttpRequest {
            query::api_instances_request(&self.endpoint, &self.query.page(offset, limit))
        }
        fn parse_page(&self, resp: &RawResponse, _: ParseOptions) -> Result<Self::Page, DcsError> {
            read_page(&resp.body)
        }
    }

    pub(crate) fn task_pages(inner: &Inner, instance_id: String, q: ListQuery) -> TaskSource {
        TaskSource {
            endpoint: inner.endpoint.clone(),
            instance_id,
            query: q,
        }
    }

    pub(crate) fn instance_pages(inner: &Inner, q: InstanceQuery) -> InstanceSource {
        InstanceSource {
            endpoint: inner.endpoint.clone(),
            query: q,
        }
    }

    pub(crate) fn list_request(inner: &Inner, id: &str, q: &ListQuery) -> HttpRequest {
        query::api_list_request(&inner.endpoint, id, q)
    }

    pub(crate) fn progress_request(inner: &Inner, id: &str, task: &str) -> HttpRequest {
        query::api_progress_request(&inner.endpoint, id, task)
    }

    pub(crate) fn instances_request(inner: &Inner, q: &InstanceQuery) -> HttpRequest {
        query::api_instances_request(&inner.endpoint, q)
    }

    /// `listTasks`' value: the proxy's page, its shape checked.
    pub(crate) fn list_value(body: &[u8], _strict: bool) -> Result<JsValue, DcsError> {
        Ok(read_page::<Tasks>(body)?.value)
    }

    /// The proxy's progress (its contract JSON), typed (the watch decides on it).
    pub(crate) fn progress(body: &[u8], _strict: bool) -> Result<TaskProgress, DcsError> {
        serde_json::from_slice(body).map_err(|e| {
            DcsError::invalid_response("$", cat(&["not a task's progress: ", &e.to_string()]))
        })
    }

    /// `listInstances`' value: the proxy's page, its shape checked.
    pub(crate) fn instances_value(body: &[u8], _strict: bool) -> Result<JsValue, DcsError> {
        Ok(read_page::<Instances>(body)?.value)
    }

    /// A delivered page of tasks: its tasks, and the page as JS
    /// (`{ taskCount, tasks, warnings, fetched, total }`).
    pub(crate) fn task_page(d: &Delivery<JsPage<Tasks>>) -> Result<(Array, JsValue), DcsError> {
        let tasks = d.list.array();
        let v: JsValue = Object::new().into();
        set(&v, "taskCount", &JsValue::from_f64(d.list.total as f64));
        set(&v, "tasks", &tasks);
        set(&v, "warnings", &d.list.warnings);
        set(&v, "fetched", &JsValue::from_f64(d.fetched as f64));
        set(&v, "total", &JsValue::from_f64(d.total as f64));
        Ok((tasks, v))
    }

    /// A delivered page's instances.
    pub(crate) fn instance_items(d: &Delivery<JsPage<Instances>>) -> Result<Array, DcsError> {
        Ok(d.list.array())
    }

    /// A fleet's instance: its ID and its value as the proxy wrote it.
    pub(crate) type FleetInstance = (String, JsValue);

    /// A page's instances for the fleet.
    pub(crate) fn fleet_instances(list: JsPage<Instances>) -> Vec<FleetInstance> {
        list.items
    }

    /// What its task listing asks for.
    pub(crate) fn instance_id(i: &FleetInstance) -> &str {
        &i.0
    }

    /// The instance as the fleet's entry holds it.
    pub(crate) fn instance_value(i: &FleetInstance) -> Result<JsValue, DcsError> {
        Ok(i.1.clone())
    }

    /// The tasks of a fleet's instance that the attention model keeps ([`keeps_task_fields`]).
    pub(crate) struct KeptTasks(Array);

    impl KeptTasks {
        pub(crate) fn new() -> Self {
            KeptTasks(Array::new())
        }
        pub(crate) fn add(&mut self, page: &JsPage<Tasks>, since_ms: Option<i64>) {
            for (_, t) in &page.items {
                let status = get(t, "status").as_string().unwrap_or_default();
                let created = get(t, "createdAt").as_string();
                if keeps_task_fields(&status, created.as_deref(), since_ms) {
                    self.0.push(t);
                }
            }
        }
        pub(crate) fn finish(self) -> Result<JsValue, DcsError> {
            Ok(self.0.into())
        }
    }
}
