//! Identical upstream reads shared between the proxy's callers (sans-IO): twenty operators with
//! the fleet open make one fan-out upstream, not twenty. A GET that another request is already
//! making, or made less than `UPSTREAM_SHARE_MS` ago with a 2xx answer, takes that answer instead
//! of calling DCS again. Shared only between callers with the same access: the key holds the
//! upstream identity the proxy calls with (endpoint, project, the AK or a digest of the token),
//! and every caller that reaches an upstream call was admitted by the same rules (token,
//! origins, `ALLOWED_INSTANCES`), which the plan applies before any upstream step. Bounded:
//! at most [`MAX_SHARED_ENTRIES`] entries and [`MAX_SHARED_BYTES`] of bodies, the oldest
//! dropped first; an entry in flight for longer than [`MAX_FLIGHT_MS`] is forgotten.

use sha2::{Digest, Sha256};

use crate::query::HttpRequest;
use crate::sign::{hex, Auth};

/// How long a 2xx answer is shared, by default (`UPSTREAM_SHARE_MS`).
pub const DEFAULT_SHARE_MS: u64 = 5_000;
/// The longest `UPSTREAM_SHARE_MS` (the task views poll every few seconds; a minute-old
/// answer would hide progress).
pub const MAX_SHARE_MS: u64 = 60_000;
/// Most entries kept.
pub const MAX_SHARED_ENTRIES: usize = 512;
/// Most body bytes kept in all.
pub const MAX_SHARED_BYTES: usize = 32 * 1024 * 1024;
/// An entry still in flight after this long is forgotten (its caller's deadline is shorter:
/// `REQUEST_TIMEOUT_MS` is at most ten minutes).
pub const MAX_FLIGHT_MS: f64 = 600_000.0;

/// Who the proxy calls DCS as: the endpoint, the project and a digest of the credentials (the
/// first 16 bytes of the SHA-256 of the AK, SK and security token, or of the token; never a
/// secret itself). Different secrets never share, even under one AK.
pub fn identity(endpoint: &str, project_id: &str, auth: &Auth) -> String {
    let digest = |parts: &[&str]| {
        let mut h = Sha256::new();
        for p in parts {
            h.update(p.as_bytes());
            h.update([0]);
        }
        hex(&h.finalize()[..16])
    };
    let who = match auth {
        Auth::None => String::from("none"),
        Auth::AkSk(c) => {
            let st = c.security_token.as_deref().unwrap_or("");
            ["aksk:", &digest(&[&c.ak, &c.sk, st])].concat()
        }
        Auth::Token(t) => ["token:", &digest(&[t])].concat(),
    };
    [endpoint, " ", project_id, " ", &who].concat()
}

/// The key of a request that may be shared (a GET, while sharing is on: `share_ms` > 0), or
/// `None`.
pub fn key(identity: &str, req: &HttpRequest, share_ms: u64) -> Option<String> {
    (req.method == "GET" && share_ms > 0).then(|| [identity, " ", &req.url].concat())
}

/// How long the 2xx answer of `req` is shared once it arrives: `share_ms`, but none for a
/// task's progress (the views poll it every few seconds: a kept answer would hold the bar
/// still; callers polling at once still join the read in flight).
pub fn window(req: &HttpRequest, share_ms: u64) -> u64 {
    let path = req.url.split('?').next().unwrap_or("");
    if path.ends_with("/progress") {
        0
    } else {
        share_ms
    }
}

/// Does the call change what DCS answers (anything but a GET)? Then every shared read is
/// forgotten when it ends (a task deleted through the proxy is gone from the next list).
pub fn invalidates(req: &HttpRequest) -> bool {
    req.method != "GET"
}

/// One entry: in flight (no `until`), or settled and shared until `until`.
#[derive(Debug)]
struct Entry<T> {
    key: String,
    started: f64,
    until: Option<f64>,
    bytes: usize,
    value: T,
}

/// The table of shared reads: `T` is the shell's handle on a flight (its promise and result).
#[derive(Debug)]
pub struct ShareTable<T> {
    entries: Vec<Entry<T>>,
    bytes: usize,
}

impl<T> Default for ShareTable<T> {
    fn default() -> Self {
        ShareTable {
            entries: Vec::new(),
            bytes: 0,
        }
    }
}

impl<T> ShareTable<T> {
    /// The flight to join for `key` at `now` (in flight, or settled and still fresh), after
    /// dropping what has expired.
    pub fn find(&mut self, key: &str, now: f64) -> Option<&T> {
        self.expire(now);
        self.entries.iter().find(|e| e.key == key).map(|e| &e.value)
    }

    /// A flight started for `key` (replacing any entry of the key).
    pub fn start(&mut self, key: String, value: T, now: f64) {
        self.remove(&key);
        if self.entries.len() >= MAX_SHARED_ENTRIES {
            self.drop_oldest();
        }
        self.entries.push(Entry {
            key,
            started: now,
            until: None,
            bytes: 0,
            value,
        });
    }

    /// The flight of `key` ended at `now`: a 2xx answer of `bytes` is shared for `share_ms`;
    /// anything else is forgotten (the next caller calls again).
    pub fn settle(&mut self, key: &str, ok: bool, bytes: usize, share_ms: u64, now: f64) {
        if !ok || share_ms == 0 || bytes > MAX_SHARED_BYTES {
            self.remove(key);
            return;
        }
        if let Some(e) = self.entries.iter_mut().find(|e| e.key == key) {
            e.until = Some(now + share_ms as f64);
            e.bytes = bytes;
            self.bytes += bytes;
        }
        while self.bytes > MAX_SHARED_BYTES {
            self.drop_oldest();
        }
    }

    /// Forgets every settled read (a write went through; flights in progress finish for the
    /// callers that joined them but are not kept).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }

    /// Entries kept (in flight or settled).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn expire(&mut self, now: f64) {
        let mut freed = 0;
        self.entries.retain(|e| {
            let live = match e.until {
                Some(until) => now < until,
                None => now - e.started < MAX_FLIGHT_MS,
            };
            if !live {
                freed += e.bytes;
            }
            live
        });
        self.bytes -= freed;
    }

    fn remove(&mut self, key: &str) {
        if let Some(i) = self.entries.iter().position(|e| e.key == key) {
            self.bytes -= self.entries.remove(i).bytes;
        }
    }

    fn drop_oldest(&mut self) {
        if !self.entries.is_empty() {
            self.bytes -= self.entries.remove(0).bytes;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::Credentials;

    fn get(url: &str) -> HttpRequest {
        HttpRequest {
            method: "GET".into(),
            url: url.into(),
            headers: Vec::new(),
        }
    }

    #[test]
    fn keys_hold_the_access_and_only_gets_share() {
        let ak = Auth::AkSk(Credentials {
            ak: "AK1".into(),
            sk: "secret".into(),
            security_token: None,
        });
        let id = identity("https://dcs", "p", &ak);
        assert!(!id.contains("secret") && !id.contains("AK1"));
        let other_sk = Auth::AkSk(Credentials {
            ak: "AK1".into(),
            sk: "secreT".into(),
            security_token: None,
        });
        assert_ne!(id, identity("https://dcs", "p", &other_sk));
        let token = identity("https://dcs", "p", &Auth::Token("tok-en".into()));
        assert!(!token.contains("tok-en") && token.starts_with("https://dcs p token:"));
        assert_ne!(
            token,
            identity("https://dcs", "p", &Auth::Token("other".into()))
        );
        assert_ne!(id, identity("https://dcs", "q", &ak));
        assert_eq!(
            key(&id, &get("https://dcs/x"), 5_000).unwrap(),
            [&id, " https://dcs/x"].concat()
        );
        assert_eq!(key(&id, &get("https://dcs/x"), 0), None, "0: sharing off");
        let del = HttpRequest {
            method: "DELETE".into(),
            ..get("https://dcs/x")
        };
        assert_eq!(key(&id, &del, 5_000), None);
        assert!(invalidates(&del) && !invalidates(&get("https://dcs/x")));
        let list = get("https://dcs/v2/p/instances/i/tasks?limit=1");
        assert_eq!(window(&list, 5_000), 5_000);
        let progress = get("https://dcs/v2/p/instances/i/tasks/t/progress");
        assert_eq!(window(&progress, 5_000), 0);
    }

    #[test]
    fn in_flight_then_shared_for_the_window_then_gone() {
        let mut t = ShareTable::default();
        t.start("a".into(), 1, 0.0);
        assert_eq!(t.find("a", 10.0), Some(&1), "in flight: joined");
        t.settle("a", true, 100, 5_000, 1_000.0);
        assert_eq!(t.find("a", 5_999.0), Some(&1), "settled: shared");
        assert_eq!(t.find("a", 6_000.0), None, "expired at the window's end");
        assert!(t.is_empty());
        assert_eq!(t.bytes, 0);
    }

    #[test]
    fn failures_and_zero_windows_are_not_kept() {
        let mut t = ShareTable::default();
        t.start("a".into(), 1, 0.0);
        t.settle("a", false, 10, 5_000, 1.0);
        assert_eq!(t.find("a", 2.0), None);
        t.start("b".into(), 2, 0.0);
        t.settle("b", true, 10, 0, 1.0);
        assert_eq!(t.find("b", 2.0), None);
        // A flight that never settles is forgotten after MAX_FLIGHT_MS.
        t.start("c".into(), 3, 0.0);
        assert_eq!(t.find("c", MAX_FLIGHT_MS - 1.0), Some(&3));
        assert_eq!(t.find("c", MAX_FLIGHT_MS), None);
    }

    #[test]
    fn bounded_in_entries_and_bytes() {
        let mut t = ShareTable::default();
        for i in 0..MAX_SHARED_ENTRIES + 10 {
            t.start(i.to_string(), i, 0.0);
        }
        assert_eq!(t.len(), MAX_SHARED_ENTRIES);
        assert_eq!(t.find("0", 1.0), None, "the oldest dropped");
        let mut t = ShareTable::default();
        let big = MAX_SHARED_BYTES / 2 + 1;
        t.start("x".into(), 1, 0.0);
        t.settle("x", true, big, 5_000, 0.0);
        t.start("y".into(), 2, 0.0);
        t.settle("y", true, big, 5_000, 0.0);
        assert_eq!(
            t.find("x", 1.0),
            None,
            "over the byte bound: the oldest dropped"
        );
        assert_eq!(t.find("y", 1.0), Some(&2));
        assert!(t.bytes <= MAX_SHARED_BYTES);
        t.clear();
        assert!(t.is_empty() && t.bytes == 0);
        t.start("z".into(), 3, 0.0);
        t.settle("z", true, MAX_SHARED_BYTES + 1, 5_000, 0.0);
        assert_eq!(t.find("z", 1.0), None, "too large to keep at all");
    }
}
