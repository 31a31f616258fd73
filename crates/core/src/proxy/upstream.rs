//! The one-exchange upstream calls of the proxy ([`Call`], by route) and how each result
//! becomes the answer ([`Upstream::finish`]).

use dcs_tasks_parse::error::DcsError;
use dcs_tasks_parse::model::{to_json, ParseOptions};

use super::answers::{self, cacheable, upstream_error, Answer};
use super::config::ProxyConfig;
use crate::call::RawResponse;
use crate::query::HttpRequest;

/// Retries of the normalized routes' upstream calls (the mirror routes make one attempt: the
/// caller's client retries).
pub const UPSTREAM_RETRIES: u32 = 1;

/// An upstream call to make, with what is needed to shape its answer.
#[derive(Debug)]
pub struct Upstream {
    pub config: ProxyConfig,
    pub call: Call,
    pub if_none_match: Option<String>,
}

/// The one-exchange upstream calls, by route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    /// One attempt, any status passed back ([`answers::mirrored`]); `list`: cacheable.
    Mirror { request: HttpRequest, list: bool },
    /// A list page, with retries, normalized.
    List { request: HttpRequest },
    /// A task's progress, with retries, normalized.
    Progress { request: HttpRequest },
    /// An instance-list page, with retries, normalized.
    Instances { request: HttpRequest },
}

impl Call {
    /// Retries of the call: none on the mirror routes (the caller's client retries).
    pub fn retries(&self) -> u32 {
        match self {
            Call::Mirror { .. } => 0,
            _ => UPSTREAM_RETRIES,
        }
    }

    /// Does any final answer come back as the result (the mirror routes), or only a 2xx
    /// (a non-2xx one is an `HTTP_ERROR`)?
    pub fn passes_through(&self) -> bool {
        matches!(self, Call::Mirror { .. })
    }
}

impl Upstream {
    /// The answer of a `Mirror`, `List` or `Progress` call from its result.
    pub fn finish(&self, result: Result<RawResponse, DcsError>) -> Answer {
        let inm = self.if_none_match.as_deref();
        let resp = match result {
            Ok(r) => r,
            Err(e) => return upstream_error(&e),
        };
        match &self.call {
            Call::Mirror { list, .. } => answers::mirrored(resp, *list, inm),
            Call::List { .. } => {
                match dcs_tasks_parse::normalize::parse_list_tasks_json(
                    &resp.body,
                    ParseOptions::default(),
                ) {
                    Ok(l) => cacheable(200, l.json_bytes().to_vec(), inm),
                    Err(e) => upstream_error(&e),
                }
            }
            Call::Progress { .. } => {
                match crate::progress::parse_task_progress(&resp.body, ParseOptions::default()) {
                    Ok(p) => Answer::fresh_json(200, to_json(&p)),
                    Err(e) => upstream_error(&e),
                }
            }
            Call::Instances { .. } => {
                match crate::instances::parse_list_instances_response(
                    &resp.body,
                    ParseOptions::default(),
                ) {
                    Ok(l) => cacheable(200, l.to_json().into_bytes(), inm),
                    Err(e) => upstream_error(&e),
                }
            }
        }
    }
}
