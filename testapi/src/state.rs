//! State shared by the request handlers and the test hooks.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;

use tokio::sync::{broadcast, watch};

use crate::kinds::Served;
use crate::params::parse_query;
use crate::store::Store;

/// One request as the server saw it: for tests that count LISTs against
/// GETs, check that a step was a dry run, or what a read asked for and got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// The request's number, in the order the server answered them (from 0).
    pub id: u64,
    /// `GET`, `PATCH`...
    pub method: String,
    /// The path without the query.
    pub path: String,
    /// The raw query string (may be empty).
    pub query: String,
    /// HTTP status of the response (a watch records 200 when it opens).
    pub status: u16,
    /// The `Accept` header (empty when there was none).
    pub accept: String,
    /// What the response was served as: `PartialObjectMetadata` or `PartialObjectMetadataList`
    /// for a read of metadata alone; empty for whole objects (and everything but reads).
    pub served_as: String,
    /// Bytes of response body sent so far (a watch's grow while it stays open).
    pub bytes: u64,
}

impl RequestRecord {
    /// The decoded value of a query parameter.
    pub fn param(&self, name: &str) -> Option<String> {
        parse_query(&self.query)
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// Whether this was a WATCH (`watch=true` or `watch=1`).
    pub fn is_watch(&self) -> bool {
        self.param("watch").is_some_and(|v| v == "true" || v == "1")
    }

    /// Whether the client asked for metadata alone (`as=PartialObjectMetadata` or
    /// `as=PartialObjectMetadataList` in its `Accept` header).
    pub fn asked_for_metadata(&self) -> bool {
        self.accept.contains("as=PartialObjectMetadata")
    }

    /// Whether this was a server-side dry run (`dryRun=All`).
    pub fn is_dry_run(&self) -> bool {
        self.param("dryRun").is_some_and(|v| v == "All")
    }
}

/// Signals to open watch streams from the test hooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Abort every open watch connection without a final chunk.
    Cut,
    /// Someone asked for a garbage line; the first stream to claim
    /// [`Shared::garbage`] writes it.
    Garbage,
}

pub struct Shared {
    pub store: RwLock<Store>,
    pub token: String,
    pub user: String,
    /// `(verb, resource)` pairs answered with 403; `*` matches anything.
    pub denied: Mutex<HashSet<(String, String)>>,
    pub latency_us: AtomicU64,
    pub requests: Mutex<Vec<RequestRecord>>,
    /// The id of the next request.
    pub next_request: AtomicU64,
    pub page_limit_max: Option<usize>,
    pub bookmark_interval: Duration,
    pub control: broadcast::Sender<Control>,
    pub garbage: AtomicBool,
    /// Every request is answered 503 (an API server that lost its etcd, say).
    pub unavailable: AtomicBool,
    /// Number of open watch streams; tests await it before cutting.
    pub open_watches: watch::Sender<usize>,
    pub addr: OnceLock<SocketAddr>,
    /// Which kinds are served, at which versions.
    pub served: Served,
    /// What `/version` says (`gitVersion`).
    pub version: String,
    /// A watch may ask for the current state first (`sendInitialEvents`).
    pub watch_list: bool,
    /// Such a watch ends after the objects, without the bookmark that closes the list.
    pub cut_initial_events: bool,
    /// Clients authenticate with a certificate (checked in the TLS handshake), not a token.
    pub client_certificates: bool,
}

impl Shared {
    pub fn is_denied(&self, verb: &str, resource: &str, qualified: &str) -> bool {
        let denied = self.denied.lock().expect("lock");
        [verb, "*"].iter().any(|v| {
            [resource, qualified, "*"]
                .iter()
                .any(|r| denied.contains(&(v.to_string(), r.to_string())))
        })
    }

    pub fn latency(&self) -> Duration {
        Duration::from_micros(self.latency_us.load(Ordering::Relaxed))
    }

    pub fn record(&self, r: RequestRecord) {
        self.requests.lock().expect("lock").push(r);
    }

    /// Counts `n` more bytes sent in the response to request `id` (gone if the log was cleared).
    pub fn sent(&self, id: u64, n: usize) {
        let mut requests = self.requests.lock().expect("lock");
        if let Some(r) = requests.iter_mut().rev().find(|r| r.id == id) {
            r.bytes += n as u64;
        }
    }
}

/// Counts an open watch for as long as it lives.
pub struct WatchGuard(pub Arc<Shared>);

impl WatchGuard {
    pub fn new(shared: Arc<Shared>) -> Self {
        shared.open_watches.send_modify(|n| *n += 1);
        Self(shared)
    }
}

impl Drop for WatchGuard {
    fn drop(&mut self) {
        self.0.open_watches.send_modify(|n| *n -= 1);
    }
}
