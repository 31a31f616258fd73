//! The proxy's gatherings, sans-IO: every page of a listing fetched upstream and folded into
//! one answer (`/api/instances/{id}/tasks?all=1`, `/api/instances` gathered whole, the
//! ListInstances mirror under `ALLOWED_INSTANCES`). A [`Gathering`] says what to page (a
//! [`PageSource`]), the bound of the listing, how each delivered page is taken in and the
//! answer; the wasm handler runs one generic loop over it (the client's pager).

use dcs_tasks_parse::error::{cat, DcsError, Reason};
use dcs_tasks_parse::model::{write_list, Instance, InstanceList, ListJson, Warning};

use super::answers::{cacheable, upstream_error, Answer};
use super::config::ProxyConfig;
use crate::listing::{InstancePages, PageSource, TaskPages};
use crate::policy::Delivery;
use crate::query::{self, InstanceQuery, ListQuery};

/// `all=1` never gathers more than this many tasks.
pub const MAX_ALL_TASKS: u64 = 20_000;
/// `all=1` pages upstream at the API's largest page, whatever the caller's `limit` says: one
/// proxy request makes at most ⌈tasks / 1,000⌉ upstream calls (plus the pager's re-fetch
/// bound, [`crate::policy::MAX_REFETCHES`]).
pub const ALL_PAGE_SIZE: u32 = query::MAX_LIMIT;
/// `/api/instances` and the ListInstances mirror never gather more than this many instances
/// (`/api/instances?all=1`, or either route while `ALLOWED_INSTANCES` is set): at most 10
/// upstream calls at [`ALL_PAGE_SIZE`].
pub const MAX_ALL_INSTANCES: u64 = 10_000;
/// A gathering: the pages to fetch (at [`ALL_PAGE_SIZE`]), the bound, the fold and the answer.
pub trait Gathering {
    type Source: PageSource;
    /// What the delivered pages are folded into.
    type Acc: Default;
    /// Most items gathered: the page plan plans no page beyond it, and a delivered page whose
    /// total is over it ends the gathering ([`Gathering::check_total`]).
    const MAX_ITEMS: u64;
    /// The configuration of the upstream calls.
    fn config(&self) -> &ProxyConfig;
    /// What to page.
    fn source(&self) -> Self::Source;
    /// Refuses a total over [`Gathering::MAX_ITEMS`] (never a silent partial list).
    fn check_total(total: u64) -> Result<(), DcsError>;
    /// Folds in one delivered page (in order, duplicates already removed by the page plan).
    fn fold(
        &self,
        acc: &mut Self::Acc,
        d: Delivery<<Self::Source as PageSource>::Page>,
    ) -> Result<(), DcsError>;
    /// Takes in one delivered page: the bound checked, then folded in.
    fn take(
        &self,
        acc: &mut Self::Acc,
        d: Delivery<<Self::Source as PageSource>::Page>,
    ) -> Result<(), DcsError> {
        Self::check_total(d.total)?;
        self.fold(acc, d)
    }
    /// The answer from what was gathered (or the error that ended the gathering).
    fn finish(&self, gathered: Result<Self::Acc, DcsError>) -> Answer;
}

/// `all=1`: every page of `instance`'s list for `query` (from the start, without the caller's
/// `limit`, which would multiply the upstream calls), at [`ALL_PAGE_SIZE`], bounded by
/// [`MAX_ALL_TASKS`] ([`check_all_total`] on each delivered page), merged into one list.
#[derive(Debug)]
pub struct TaskGathering {
    pub config: ProxyConfig,
    pub instance: String,
    pub query: ListQuery,
    pub if_none_match: Option<String>,
}

/// `/api/instances` with `all=1`, or any `/api/instances` while `ALLOWED_INSTANCES` is set:
/// every page of the instance list for `query` (`name`, `status`) at [`ALL_PAGE_SIZE`],
/// bounded by [`MAX_ALL_INSTANCES`], then filtered by `ALLOWED_INSTANCES` and cut to the
/// caller's `window` (offset, limit). With the filter, `instanceCount` is the number of
/// allowed instances matching the query (every page), so that it and the caller's paging
/// agree with what the caller may see.
#[derive(Debug)]
pub struct InstanceGathering {
    pub config: ProxyConfig,
    pub query: InstanceQuery,
    /// `(offset, limit)` of the caller's page; `None` for `all=1`.
    pub window: Option<(u32, u32)>,
    pub if_none_match: Option<String>,
}

/// The mirror of the instance list under `ALLOWED_INSTANCES`: what to page
/// ([`super::mirror::MirrorPages`] with `filter`) and the caller's window.
#[derive(Debug)]
pub struct MirrorGathering {
    pub config: ProxyConfig,
    /// The caller's query without `offset` and `limit` (validated, encoded).
    pub filter: String,
    /// The caller's `offset` and `limit` (DCS defaults 0 and [`super::DEFAULT_MIRROR_LIMIT`]).
    pub window: (u32, u32),
    pub if_none_match: Option<String>,
}

impl InstanceGathering {
    /// The answer from the delivered pages, in order (or the error that ended the listing).
    fn answer(&self, pages: Result<Vec<Delivery<InstanceList>>, DcsError>) -> Answer {
        match pages.and_then(|p| self.merge(p)) {
            Ok(list) => cacheable(
                200,
                list.to_json().into_bytes(),
                self.if_none_match.as_deref(),
            ),
            Err(e) => upstream_error(&e),
        }
    }

    /// One `InstanceList` of the pages: filtered by `ALLOWED_INSTANCES` (`instanceCount` then
    /// counts what is left), cut to the window, the warnings once each. Under the filter nothing
    /// of a hidden instance leaves: its warnings are dropped, an allowed instance's are kept
    /// with their path at its place in the answer; the pages' own warnings (`instance_num` sent
    /// as a string carries the upstream count, hidden instances included) and the parser's
    /// `warnings_truncated` counts are dropped: `instanceCount` is the proxy's own count.
    fn merge(&self, pages: Vec<Delivery<InstanceList>>) -> Result<InstanceList, DcsError> {
        let Some(allowed) = &self.config.allowed_instances else {
            let mut out = InstanceList::default();
            for d in pages {
                out.instance_count = d.total;
                for w in d.list.warnings {
                    if !out.warnings.contains(&w) {
                        out.warnings.push(w);
                    }
                }
                out.instances.extend(d.list.instances);
            }
            self.cut(&mut out.instances);
            return Ok(out);
        };
        let mut out = InstanceList::default();
        // (the instance's index among the allowed ones, the warning)
        let mut kept: Vec<(usize, Warning)> = Vec::new();
        for d in pages {
            let mut at = Vec::with_capacity(d.list.instances.len());
            for i in d.list.instances {
                if allowed.contains(&i.instance_id) {
                    at.push(Some(out.instances.len()));
                    out.instances.push(i);
                } else {
                    at.push(None);
                }
            }
            for w in d.list.warnings {
                if let Some(Some(k)) = instance_index(&w.path).and_then(|(n, _)| at.get(n)) {
                    kept.push((*k, w));
                }
            }
        }
        out.instance_count = out.instances.len() as u64;
        let (from, len) = self.cut(&mut out.instances);
        for (k, mut w) in kept {
            if k < from || k >= from + len {
                continue;
            }
            let rest = instance_index(&w.path).map_or("", |(_, r)| r).to_string();
            w.path = cat(&["instances[", &(k - from).to_string(), "]", &rest]);
            if out.warnings.len() < dcs_tasks_parse::de::MAX_WARNINGS && !out.warnings.contains(&w)
            {
                out.warnings.push(w);
            }
        }
        Ok(out)
    }

    /// Cuts the instances to the caller's window: the offset and the number left.
    fn cut(&self, instances: &mut Vec<Instance>) -> (usize, usize) {
        let Some((offset, limit)) = self.window else {
            return (0, instances.len());
        };
        let from = (offset as usize).min(instances.len());
        instances.drain(..from);
        instances.truncate(limit as usize);
        (from, instances.len())
    }
}

/// `instances[N]...` as `(N, the rest of the path)`.
fn instance_index(path: &str) -> Option<(usize, &str)> {
    let rest = path.strip_prefix("instances[")?;
    let (n, rest) = rest.split_once(']')?;
    let n = dcs_tasks_parse::text::digits(n)?;
    Some((usize::try_from(n).ok()?, rest))
}

/// Refuses an instance listing whose total is over [`MAX_ALL_INSTANCES`] (never a silent
/// partial list). Checked on each delivered page.
pub fn check_all_instances(total: u64) -> Result<(), DcsError> {
    if total <= MAX_ALL_INSTANCES {
        return Ok(());
    }
    let m = cat(&[
        "the project has more than ",
        &MAX_ALL_INSTANCES.to_string(),
        " instances matching: filter by name or status",
    ]);
    Err(DcsError::invalid_argument("all", m).because(Reason::TooManyInstances))
}

impl TaskGathering {
    /// The answer from the delivered pages, in order (or the error that ended the listing).
    fn answer(&self, pages: Result<Vec<Delivery>, DcsError>) -> Answer {
        match pages.and_then(|p| merge_pages(&p)) {
            Ok(text) => cacheable(200, text.into_bytes(), self.if_none_match.as_deref()),
            Err(e) => upstream_error(&e),
        }
    }
}

/// Refuses a listing whose total is over [`MAX_ALL_TASKS`]: never a silent partial list (the
/// caller pages or narrows the time range). Checked on each delivered page.
pub fn check_all_total(total: u64) -> Result<(), DcsError> {
    if total <= MAX_ALL_TASKS {
        return Ok(());
    }
    let m = cat(&[
        "the instance has more than ",
        &MAX_ALL_TASKS.to_string(),
        " tasks in this range: page with offset/limit or narrow start_time/end_time",
    ]);
    Err(DcsError::invalid_argument("all", m).because(Reason::TooManyTasks))
}

/// The pages of a listing as one `TaskList` text: their tasks in order, the warnings once each,
/// the last total.
fn merge_pages(pages: &[Delivery]) -> Result<String, DcsError> {
    let mut warnings: Vec<Warning> = Vec::new();
    for d in pages {
        for w in &d.list.warnings {
            if !warnings.contains(w) {
                warnings.push(w.clone());
            }
        }
    }
    let total = pages.last().map_or(0, |d| d.total);
    let mut out = String::new();
    write_list(
        &mut out,
        total,
        pages.iter().flat_map(|d| d.list.tasks()),
        &warnings,
    );
    out.push('}');
    Ok(out)
}

impl Gathering for TaskGathering {
    type Source = TaskPages;
    type Acc = Vec<Delivery<ListJson>>;
    const MAX_ITEMS: u64 = MAX_ALL_TASKS;
    fn config(&self) -> &ProxyConfig {
        &self.config
    }
    fn source(&self) -> TaskPages {
        TaskPages {
            endpoint: self.config.endpoint.clone(),
            project_id: self.config.project_id.clone(),
            instance_id: self.instance.clone(),
            query: self.query.clone(),
        }
    }
    fn check_total(total: u64) -> Result<(), DcsError> {
        check_all_total(total)
    }
    fn fold(&self, acc: &mut Self::Acc, d: Delivery<ListJson>) -> Result<(), DcsError> {
        acc.push(d);
        Ok(())
    }
    fn finish(&self, pages: Result<Self::Acc, DcsError>) -> Answer {
        self.answer(pages)
    }
}

impl Gathering for InstanceGathering {
    type Source = InstancePages;
    type Acc = Vec<Delivery<InstanceList>>;
    const MAX_ITEMS: u64 = MAX_ALL_INSTANCES;
    fn config(&self) -> &ProxyConfig {
        &self.config
    }
    fn source(&self) -> InstancePages {
        InstancePages {
            endpoint: self.config.endpoint.clone(),
            project_id: self.config.project_id.clone(),
            query: self.query.clone(),
        }
    }
    fn check_total(total: u64) -> Result<(), DcsError> {
        check_all_instances(total)
    }
    fn fold(&self, acc: &mut Self::Acc, d: Delivery<InstanceList>) -> Result<(), DcsError> {
        acc.push(d);
        Ok(())
    }
    fn finish(&self, pages: Result<Self::Acc, DcsError>) -> Answer {
        self.answer(pages)
    }
}
