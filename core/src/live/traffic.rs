//! What the API server answered, seen from the client: a tower layer under kube's client that
//! notes the newest success per path and counts the requests.
//!
//! kube-runtime's watcher says nothing when a watch it re-opened after a failure works again (a
//! resumed watch yields no event until something changes), so a cluster would look stale until
//! its quiet kinds changed. The 200 that answers the re-opened watch is the proof it works.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;
use serde::Serialize;

/// Requests made to one cluster, by what they were.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Requests {
    /// LIST pages.
    pub lists: u64,
    /// WATCH streams opened.
    pub watches: u64,
    /// Everything else (discovery, GETs, writes).
    pub other: u64,
}

/// Shared by a cluster's client and its store.
#[derive(Default)]
pub struct Traffic {
    ok: Mutex<FxHashMap<String, DateTime<Utc>>>,
    lists: AtomicU64,
    watches: AtomicU64,
    other: AtomicU64,
}

impl Traffic {
    /// When `path` last answered with a success.
    pub fn ok_at(&self, path: &str) -> Option<DateTime<Utc>> {
        self.ok.lock().expect("traffic").get(path).copied()
    }

    pub fn requests(&self) -> Requests {
        Requests {
            lists: self.lists.load(Ordering::Relaxed),
            watches: self.watches.load(Ordering::Relaxed),
            other: self.other.load(Ordering::Relaxed),
        }
    }

    fn count(&self, method: &http::Method, query: &str) {
        let param = |name: &str| {
            query
                .split('&')
                .any(|p| p.split_once('=').map_or(p, |(k, _)| k) == name)
        };
        let counter = if method != http::Method::GET {
            &self.other
        } else if query
            .split('&')
            .any(|p| p == "watch=true" || p == "watch=1")
        {
            &self.watches
        } else if param("limit") || param("continue") {
            &self.lists
        } else {
            &self.other
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// The tower layer.
#[derive(Clone)]
pub struct Observe(pub std::sync::Arc<Traffic>);

impl<S> tower::Layer<S> for Observe {
    type Service = Observed<S>;

    fn layer(&self, inner: S) -> Observed<S> {
        Observed {
            inner,
            traffic: self.0.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Observed<S> {
    inner: S,
    traffic: std::sync::Arc<Traffic>,
}

impl<S, B, R> tower::Service<http::Request<B>> for Observed<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<R>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let uri = request.uri();
        self.traffic
            .count(request.method(), uri.query().unwrap_or_default());
        let path = uri.path().to_string();
        let traffic = self.traffic.clone();
        let response = self.inner.call(request);
        Box::pin(async move {
            let response = response.await?;
            if response.status().is_success() {
                traffic.ok.lock().expect("traffic").insert(path, Utc::now());
            }
            Ok(response)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_told_apart_by_their_query() {
        let t = Traffic::default();
        t.count(&http::Method::GET, "limit=500");
        t.count(&http::Method::GET, "limit=500&continue=abc");
        t.count(
            &http::Method::GET,
            "watch=true&resourceVersion=5&allowWatchBookmarks=true",
        );
        t.count(&http::Method::GET, "");
        t.count(&http::Method::PATCH, "dryRun=All");
        assert_eq!(
            t.requests(),
            Requests {
                lists: 2,
                watches: 1,
                other: 2
            }
        );
    }
}
