//! The ListInstances mirror (`GET /v2/{project_id}/instances`) while `ALLOWED_INSTANCES` is
//! set: one raw page cannot be filtered without breaking the caller's paging (its offsets and
//! `instance_num` are the whole list's), so the proxy gathers every page of the list at
//! [`super::gather::ALL_PAGE_SIZE`] (bounded by [`super::gather::MAX_ALL_INSTANCES`], as `/api/instances`),
//! keeps the instances whose `instance_id` is allowed, each object passed on as DCS sent it
//! ([`RawValue`]), and answers the caller's `offset`/`limit` (DCS defaults: 0 and 10) of them
//! in the wire format: `{"instance_num": <allowed matches>, "instances": [...]}`.
//!
//! Bounded against a hostile upstream: a page is at most the configured body size (the
//! client's call loop), at most [`super::gather::ALL_PAGE_SIZE`] instances (refused while it is read),
//! read by serde_json in linear time (skipped values with an explicit stack, not recursion);
//! only the caller's window is kept across pages, at most `MAX_UPSTREAM_BYTES` of it. A page
//! that is not a ListInstances page (not JSON, not an object, `instances` not an array, an
//! instance that is not an object with one string `instance_id`) ends the listing with a 502
//! `BAD_UPSTREAM`.
//!
//! Compiled natively and in the proxy's wasm build (cargo feature `proxy`, which turns on
//! serde_json's `raw_value`); the library's wasm has none of it, its serde_json unchanged.
//! The gathering's plan ([`MirrorGathering`]) is in [`super::gather`], with the others.

use std::fmt;

use dcs_tasks_parse::error::{cat, DcsError, ErrorCode, Reason};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::answers::{cacheable, upstream_error, Answer};
use super::codes::ProxyCode;
use super::config::ProxyConfig;
use super::gather::{
    check_all_instances, Gathering, MirrorGathering, ALL_PAGE_SIZE, MAX_ALL_INSTANCES,
};
use crate::call::RawResponse;
use crate::endpoint::Endpoint;
use crate::listing::PageSource;
use crate::policy::{Delivery, Page};
use crate::query::{instances_request_with_query, HttpRequest};
use dcs_tasks_parse::model::ParseOptions;

/// One raw page of the instance list: the total DCS reports and the instances, each with its
/// `instance_id` and its object as sent.
#[derive(Debug, Default)]
pub struct RawInstancePage {
    pub instance_num: u64,
    pub instances: Vec<(String, Box<RawValue>)>,
    /// The page's `X-Request-Id` (set by the caller, which has the response).
    pub request_id: Option<String>,
}

/// A page as serde reads it (an object: see [`RawInstancePage::parse`]).
#[derive(serde::Deserialize)]
struct WirePage {
    #[serde(deserialize_with = "count")]
    instance_num: u64,
    #[serde(deserialize_with = "instances")]
    instances: Vec<(String, Box<RawValue>)>,
}

/// An instance's ID, from its object (other members skipped; twice is an error).
#[derive(serde::Deserialize)]
struct IdOnly {
    instance_id: String,
}

/// `instance_num`: a non-negative integer, or (a quirk the normalized parser tolerates too) a
/// string of at most 16 digits.
fn count<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = u64;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a non-negative integer")
        }
        fn visit_u64<E: de::Error>(self, n: u64) -> Result<u64, E> {
            Ok(n)
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<u64, E> {
            if s.is_empty() || s.len() > 16 || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(E::custom("instance_num: expected a non-negative integer"));
            }
            s.parse()
                .map_err(|_| E::custom("instance_num: out of range"))
        }
    }
    d.deserialize_any(V)
}

/// `instances`: an array of at most [`ALL_PAGE_SIZE`] objects (refused at the first one
/// over: a page never holds more), each with a string `instance_id`.
fn instances<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, Box<RawValue>)>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<(String, Box<RawValue>)>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an array of instances")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(raw) = seq.next_element::<Box<RawValue>>()? {
                if out.len() >= ALL_PAGE_SIZE as usize {
                    let m = cat(&["more than ", &ALL_PAGE_SIZE.to_string(), " instances"]);
                    return Err(de::Error::custom(m));
                }
                let at = || cat(&["instances[", &out.len().to_string(), "]"]);
                if !raw.get().starts_with('{') {
                    return Err(de::Error::custom(cat(&[&at(), ": not an object"])));
                }
                let id = serde_json::from_str::<IdOnly>(raw.get())
                    .map_err(|_| {
                        let m = cat(&[&at(), ": no single string instance_id"]);
                        de::Error::custom(m)
                    })?
                    .instance_id;
                out.push((id, raw));
            }
            Ok(out)
        }
    }
    d.deserialize_seq(V)
}

impl RawInstancePage {
    /// Reads a ListInstances body: an object with `instance_num` and `instances` (other
    /// members skipped). Anything else is an `INVALID_RESPONSE` (the message bounded: no
    /// upstream text beyond a short excerpt).
    pub fn parse(body: &[u8]) -> Result<RawInstancePage, DcsError> {
        let fail = |why: &str| {
            let why: String = why.chars().take(200).collect();
            DcsError::invalid_response("$", cat(&["not a ListInstances page (", &why, ")"]))
        };
        // serde's derive would take an array too: the page must be an object.
        let first = body.iter().find(|b| !b.is_ascii_whitespace());
        if first != Some(&b'{') {
            return Err(fail("not a JSON object"));
        }
        let w: WirePage = serde_json::from_slice(body).map_err(|e| fail(&e.to_string()))?;
        Ok(RawInstancePage {
            instance_num: w.instance_num,
            instances: w.instances,
            request_id: None,
        })
    }
}

impl Page for RawInstancePage {
    const ITEMS: &'static str = "instances";
    const COUNT: &'static str = "instance_num";
    fn total(&self) -> u64 {
        self.instance_num
    }
    fn len(&self) -> usize {
        self.instances.len()
    }
    fn id(&self, i: usize) -> &str {
        self.instances.get(i).map_or("", |(id, _)| id.as_str())
    }
    fn retain_ids(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.instances.retain(|(id, _)| keep(id));
    }
}

/// What the gathering has kept so far: the allowed instances in the caller's window, the
/// number of allowed matches (all pages), the kept bytes, the first page's request ID.
#[derive(Debug, Default)]
pub struct Gathered {
    pub instances: Vec<Box<RawValue>>,
    pub matches: u64,
    bytes: usize,
    pub request_id: Option<String>,
}

/// The answer's body.
#[derive(serde::Serialize)]
struct MirrorJson<'a> {
    instance_num: u64,
    instances: &'a [Box<RawValue>],
}

/// The raw pages of the instance list for the mirror's `filter` (the caller's other
/// parameters, validated and encoded, forwarded as they are): `GET
/// /v2/{project}/instances?{filter}&offset=..&limit=..`; each page keeps its `X-Request-Id`.
#[derive(Debug, Clone)]
pub struct MirrorPages {
    pub endpoint: Endpoint,
    pub project_id: String,
    pub filter: String,
}

impl PageSource for MirrorPages {
    type Page = RawInstancePage;
    fn page_request(&self, offset: u32, limit: u32) -> HttpRequest {
        let (o, l) = (offset.to_string(), limit.to_string());
        let sep = if self.filter.is_empty() { "" } else { "&" };
        let q = cat(&[&self.filter, sep, "offset=", &o, "&limit=", &l]);
        instances_request_with_query(&self.endpoint, &self.project_id, &q)
    }
    fn parse_page(&self, resp: &RawResponse, _: ParseOptions) -> Result<RawInstancePage, DcsError> {
        let mut page = RawInstancePage::parse(&resp.body)?;
        page.request_id = resp.request_id.clone();
        Ok(page)
    }
}

impl Gathering for MirrorGathering {
    type Source = MirrorPages;
    type Acc = Gathered;
    const MAX_ITEMS: u64 = MAX_ALL_INSTANCES;
    fn config(&self) -> &ProxyConfig {
        &self.config
    }
    fn source(&self) -> MirrorPages {
        MirrorPages {
            endpoint: self.config.endpoint.clone(),
            project_id: self.config.project_id.clone(),
            filter: self.filter.clone(),
        }
    }
    fn check_total(total: u64) -> Result<(), DcsError> {
        check_all_instances(total)
    }

    /// Counts the allowed instances of a page, keeps those in the window (at most
    /// `MAX_UPSTREAM_BYTES` of them, else `UPSTREAM_TOO_LARGE`).
    fn fold(&self, g: &mut Gathered, d: Delivery<RawInstancePage>) -> Result<(), DcsError> {
        if g.request_id.is_none() {
            g.request_id = d.list.request_id;
        }
        let (offset, limit) = (u64::from(self.window.0), u64::from(self.window.1));
        for (id, raw) in d.list.instances {
            if !self.config.instance_allowed(&id) {
                continue;
            }
            let i = g.matches;
            g.matches += 1;
            if i < offset || i - offset >= limit {
                continue;
            }
            g.bytes = g.bytes.saturating_add(raw.get().len());
            if g.bytes > self.config.max_upstream_bytes {
                let m = "the allowed instances of this page are over MAX_UPSTREAM_BYTES";
                return Err(
                    DcsError::invalid_response("instances", m).because(Reason::BodyTooLarge)
                );
            }
            g.instances.push(raw);
        }
        Ok(())
    }

    /// The answer: the window of the allowed instances as DCS's wire format, cacheable as the
    /// other mirrored lists, with the first page's `X-Request-Id`; or the error that ended the
    /// listing (a page that is not a ListInstances page: 502 `BAD_UPSTREAM`).
    fn finish(&self, gathered: Result<Gathered, DcsError>) -> Answer {
        let g = match gathered {
            Ok(g) => g,
            Err(e) => return mirror_error(&e),
        };
        let body = serde_json::to_vec(&MirrorJson {
            instance_num: g.matches,
            instances: &g.instances,
        });
        let Ok(body) = body else {
            let m = "the instance list could not be written";
            return Answer::error(500, ProxyCode::Internal, m, None);
        };
        let mut a = cacheable(200, body, self.if_none_match.as_deref());
        if let Some(id) = g.request_id {
            a.headers.push(("X-Request-Id", id));
        }
        a
    }
}

/// A failed gathering as the proxy's JSON error: a page DCS sent that is not a ListInstances
/// page is a 502 `BAD_UPSTREAM`, as a mirrored body that is not JSON; the rest as on the
/// other routes ([`upstream_error`]).
fn mirror_error(e: &DcsError) -> Answer {
    if e.code == ErrorCode::InvalidResponse && e.reason != Some(Reason::BodyTooLarge) {
        let m = cat(&[
            "DCS answered a page of the instance list that cannot be relayed: ",
            &e.message,
        ]);
        return Answer::error(502, ProxyCode::BadUpstream, &m, e.request_id());
    }
    upstream_error(e)
}
