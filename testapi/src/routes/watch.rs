//! WATCH: a chunked HTTP/1.1 response, one JSON event per line.
//!
//! A watch from resourceVersion N replays the history after N, then follows
//! the broadcast of new events. Subscribing and reading the history happen
//! under the same store lock, so no event falls between the two. If N is
//! older than the compaction horizon the stream is one ERROR event carrying
//! a 410 Expired Status, which is what the apiserver does and what makes
//! kube-runtime's watcher re-list.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::json;
use tokio::sync::{broadcast, mpsc};

use super::media::{Form, ServedAs, partial};
use crate::kinds::{KINDS, KindId};
use crate::params::Params;
use crate::selector::{FieldSelector, LabelSelector, selected};
use crate::state::{Control, Shared, WatchGuard};
use crate::status::{ApiError, status_object};
use crate::store::{EventType, WatchEvent, event_line};

/// The line written by [`crate::Server::garbage_on_next_watch`].
pub const GARBAGE_LINE: &[u8] = b"<html>this is not a watch event {{{\n";

type Chunk = Result<Bytes, std::io::Error>;

/// What one watch request asked for.
struct Filter {
    kind: KindId,
    ns: Option<String>,
    labels: LabelSelector,
    fields: FieldSelector,
    /// Whole objects, or their metadata alone (`PartialObjectMetadata`).
    form: Form,
}

impl Filter {
    /// The line this watch writes for an event of `object`.
    fn line(&self, etype: EventType, object: &Bytes, whole_line: Option<&Bytes>) -> Bytes {
        match (self.form, whole_line) {
            (Form::Full, Some(line)) => line.clone(),
            (Form::Full, None) => event_line(etype.as_str(), object),
            (Form::Metadata(version), _) => event_line(etype.as_str(), &partial(object, version)),
        }
    }

    fn matches(&self, ev: &WatchEvent) -> bool {
        ev.kind == self.kind
            && self.ns.as_deref().is_none_or(|ns| ns == &*ev.namespace)
            && selected(
                &self.labels,
                &self.fields,
                &ev.namespace,
                &ev.name,
                &ev.labels,
                &ev.object,
            )
    }
}

/// Starts a watch; the response streams until the client goes, the
/// timeout passes, or a test hook cuts it.
pub fn watch(
    shared: Arc<Shared>,
    kind: KindId,
    ns: Option<String>,
    params: &Params,
    form: Form,
) -> Result<Response, ApiError> {
    let filter = Filter {
        kind,
        ns,
        labels: params.label_selector()?,
        fields: params.field_selector()?,
        form,
    };
    let bookmarks = params.flag("allowWatchBookmarks");
    let send_initial = params.flag("sendInitialEvents");
    if send_initial && !shared.watch_list {
        return Err(ApiError::new(
            422,
            "Invalid",
            "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled",
        ));
    }
    if send_initial && !bookmarks {
        return Err(ApiError::new(
            422,
            "Invalid",
            "allowWatchBookmarks: Required value: sendInitialEvents requires setting allowWatchBookmarks to true",
        ));
    }
    let timeout = params
        .get("timeoutSeconds")
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|&s| s > 0)
        .map(Duration::from_secs);
    let rv_param = params.get("resourceVersion").unwrap_or("");
    let since = match rv_param {
        "" | "0" => None,
        s => Some(s.parse::<u64>().map_err(|_| {
            ApiError::bad_request(format!("resourceVersion: Invalid value: \"{s}\""))
        })?),
    };

    // Under one lock: the initial state or the replay, and the subscription.
    let mut first: Vec<Bytes> = Vec::new();
    let mut gone = None;
    let (events, last_rv) = {
        let store = shared.store.read().expect("lock");
        match since {
            Some(rv) if !send_initial => match store.events_since(rv) {
                Some(evs) => first.extend(
                    evs.iter()
                        .filter(|e| filter.matches(e))
                        .map(|e| filter.line(e.etype, &e.object, Some(&e.line))),
                ),
                None => gone = Some((rv, store.history_start())),
            },
            // No version (or sendInitialEvents): the current state as ADDED.
            _ => {
                for ((ons, oname), e) in store.range(kind, filter.ns.as_deref(), None) {
                    if selected(
                        &filter.labels,
                        &filter.fields,
                        ons,
                        oname,
                        &e.labels,
                        &e.bytes,
                    ) {
                        first.push(filter.line(EventType::Added, &e.bytes, None));
                    }
                }
            }
        }
        (store.subscribe(), store.rv())
    };
    if send_initial && shared.cut_initial_events {
        // The stream ends after the objects, before the bookmark that would close the list.
        let body = Body::from_stream(futures_util::stream::iter(
            first.into_iter().map(Ok::<Bytes, std::io::Error>),
        ));
        return Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response());
    }
    if send_initial {
        first.push(bookmark(kind, form, last_rv, true));
    }
    let control = shared.control.subscribe();
    let (tx, rx) = mpsc::channel::<Chunk>(64);
    let stream = Stream {
        shared,
        filter,
        events,
        control,
        tx,
        bookmarks,
        timeout,
        last_rv,
    };
    tokio::spawn(stream.run(first, gone));
    let body = Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    }));
    let mut response = (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-cache, private"),
        ],
        body,
    )
        .into_response();
    if form != Form::Full {
        response
            .extensions_mut()
            .insert(ServedAs("PartialObjectMetadata"));
    }
    Ok(response)
}

/// A BOOKMARK line: only kind, apiVersion and resourceVersion, plus the
/// `initial-events-end` annotation after `sendInitialEvents`.
fn bookmark(kind: KindId, form: Form, rv: u64, initial_end: bool) -> Bytes {
    let info = &KINDS[kind];
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if initial_end {
        meta["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    let (kind, api_version) = match form {
        Form::Full => (info.kind.to_string(), info.api_version()),
        Form::Metadata(v) => ("PartialObjectMetadata".into(), format!("meta.k8s.io/{v}")),
    };
    let obj = json!({"kind": kind, "apiVersion": api_version, "metadata": meta});
    event_line("BOOKMARK", &serde_json::to_vec(&obj).expect("serialize"))
}

/// An ERROR line carrying a 410 Status.
fn expired_line(message: &str) -> Bytes {
    let status = status_object(410, "Failure", "Expired", message, None);
    event_line("ERROR", &serde_json::to_vec(&status).expect("serialize"))
}

/// The task behind one watch response.
struct Stream {
    shared: Arc<Shared>,
    filter: Filter,
    events: broadcast::Receiver<Arc<WatchEvent>>,
    control: broadcast::Receiver<Control>,
    tx: mpsc::Sender<Chunk>,
    bookmarks: bool,
    timeout: Option<Duration>,
    /// Every event up to this version has been seen (sent or filtered out):
    /// the version a BOOKMARK may claim.
    last_rv: u64,
}

impl Stream {
    async fn send(&self, b: Bytes) -> bool {
        self.tx.send(Ok(b)).await.is_ok()
    }

    /// Writes the garbage line if no other stream claimed it first.
    async fn maybe_garbage(&self) -> bool {
        if self.shared.garbage.swap(false, Ordering::SeqCst) {
            return self.send(Bytes::from_static(GARBAGE_LINE)).await;
        }
        true
    }

    async fn run(mut self, first: Vec<Bytes>, gone: Option<(u64, u64)>) {
        let _guard = WatchGuard::new(self.shared.clone());
        if let Some((rv, horizon)) = gone {
            self.send(expired_line(&format!(
                "too old resource version: {rv} ({horizon})"
            )))
            .await;
            return;
        }
        if !self.maybe_garbage().await {
            return;
        }
        for line in first {
            if !self.send(line).await {
                return;
            }
        }
        let deadline = self.timeout.map(|t| tokio::time::Instant::now() + t);
        let period = self.shared.bookmark_interval;
        let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        loop {
            tokio::select! {
                ev = self.events.recv() => match ev {
                    Ok(ev) => {
                        self.last_rv = ev.rv;
                        if self.filter.matches(&ev)
                            && !self.send(self.filter.line(ev.etype, &ev.object, Some(&ev.line))).await
                        {
                            return;
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        // Too slow a reader: the apiserver ends such a watch;
                        // the client resumes or re-lists.
                        self.send(expired_line("watch fell behind the event history")).await;
                        return;
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                c = self.control.recv() => match c {
                    Ok(Control::Cut) => {
                        // An error ends the body without its last chunk:
                        // the client sees the connection break mid-stream.
                        let _ = self.tx.send(Err(std::io::Error::other("watch cut by test"))).await;
                        return;
                    }
                    Ok(Control::Garbage) | Err(broadcast::error::RecvError::Lagged(_)) => {
                        if !self.maybe_garbage().await {
                            return;
                        }
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                _ = ticker.tick(), if self.bookmarks => {
                    if !self.send(bookmark(self.filter.kind, self.filter.form, self.last_rv, false)).await {
                        return;
                    }
                }
                _ = sleep_until(deadline) => return,
                _ = self.tx.closed() => return,
            }
        }
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}
