//! The pages of a listing, sans-IO: how one page is asked for at an offset and a limit, and
//! how its response becomes a [`Page`] ([`PageSource`]). The client's pager (`listAllTasks`,
//! `listAllInstances`, `listFleetTasks`) and the proxy's gatherings fetch them;
//! [`crate::policy::PagePlan`] plans and checks them. The client's listing limits too.

use dcs_tasks_parse::error::Result;
use dcs_tasks_parse::model::{InstanceList, ListJson, ParseOptions, TaskList};

use crate::call::RawResponse;
use crate::endpoint::Endpoint;
use crate::field::Field;
use crate::policy::Page;
use crate::query::{self, Arg, ArgResult, HttpRequest, InstanceQuery, ListQuery};

/// Pages of a listing fetched at once.
pub const PAGE_CONCURRENCY: usize = 4;
/// Default page size of `listAllTasks`.
pub const DEFAULT_PAGE_SIZE: u32 = 100;
/// Most tasks `listAllTasks` will ever deliver (bounds a lying `task_count`).
pub const MAX_LIST_ALL_TASKS: u64 = 1_000_000;
/// Default page size of `listAllInstances`: the API's largest (one call for most fleets).
pub const DEFAULT_INSTANCE_PAGE_SIZE: u32 = query::MAX_LIMIT;

/// A listing's `pageSize` (1..[`query::MAX_LIMIT`]), absent `default` ([`DEFAULT_PAGE_SIZE`]
/// for tasks, [`DEFAULT_INSTANCE_PAGE_SIZE`] for instances).
pub fn page_size(arg: &Arg, default: u32) -> ArgResult<u32> {
    Ok(query::validate_int(Field::PageSize, arg, 1, query::MAX_LIMIT)?.unwrap_or(default))
}

/// What is paged: the request of the page at `offset` (at most `limit` items), and the page
/// from its response.
pub trait PageSource {
    type Page: Page;
    fn page_request(&self, offset: u32, limit: u32) -> HttpRequest;
    fn parse_page(&self, resp: &RawResponse, o: ParseOptions) -> Result<Self::Page>;
}

/// The tasks of an instance for a query (its `offset` and `limit` replaced by each page's).
#[derive(Debug, Clone)]
pub struct TaskPages {
    pub endpoint: Endpoint,
    pub project_id: String,
    pub instance_id: String,
    pub query: ListQuery,
}

impl PageSource for TaskPages {
    type Page = ListJson;
    fn page_request(&self, offset: u32, limit: u32) -> HttpRequest {
        let q = self.query.page(offset, limit);
        query::list_request(&self.endpoint, &self.project_id, &self.instance_id, &q)
    }
    fn parse_page(&self, resp: &RawResponse, o: ParseOptions) -> Result<ListJson> {
        dcs_tasks_parse::normalize::parse_list_tasks_json(&resp.body, o)
    }
}

/// The same pages as typed tasks ([`TaskList`]): what the watchdog assesses.
#[derive(Debug, Clone)]
pub struct TypedTaskPages(pub TaskPages);

impl PageSource for TypedTaskPages {
    type Page = TaskList;
    fn page_request(&self, offset: u32, limit: u32) -> HttpRequest {
        self.0.page_request(offset, limit)
    }
    fn parse_page(&self, resp: &RawResponse, o: ParseOptions) -> Result<TaskList> {
        dcs_tasks_parse::normalize::parse_list_tasks_response(&resp.body, o)
    }
}

/// The instances of a project for a query (its `offset` and `limit` replaced by each page's).
#[derive(Debug, Clone)]
pub struct InstancePages {
    pub endpoint: Endpoint,
    pub project_id: String,
    pub query: InstanceQuery,
}

impl PageSource for InstancePages {
    type Page = InstanceList;
    fn page_request(&self, offset: u32, limit: u32) -> HttpRequest {
        let q = self.query.page(offset, limit);
        query::list_instances_request(&self.endpoint, &self.project_id, &q)
    }
    fn parse_page(&self, resp: &RawResponse, o: ParseOptions) -> Result<InstanceList> {
        crate::instances::parse_list_instances_response(&resp.body, o)
    }
}
