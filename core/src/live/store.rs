//! The objects of every live cluster, kept current by one watcher per (cluster, kind).

use std::collections::hash_map::Entry;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use futures::StreamExt;
use kube::Api;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use tokio::task::JoinHandle;

use super::Cluster;
use super::discover::{Discovery, Served};
use super::errors::{LiveError, Problem, classify_watch, forbidden_warning, unserved_warning};
use super::traffic::{Requests, Traffic};
use super::wire::{Decoded, Model, Wire, resource_name};
use crate::model::{ClusterObjects, InputError, InputReport, Kind, Object, Snapshot, Source};
use crate::release::Release;

type Key = (String, String);

/// One kind of one cluster.
#[derive(Default)]
struct KindState {
    /// The collection's URL path (`/api/v1/pods`).
    path: String,
    objects: FxHashMap<Key, Arc<Object>>,
    /// Objects of a list in progress: they replace `objects` when it completes.
    buffer: Option<FxHashMap<Key, Arc<Object>>>,
    synced: bool,
    lists: u32,
    forbidden: Option<String>,
    /// The server does not serve this kind (discovery said so): why.
    unserved: Option<String>,
    error: Option<String>,
    error_since: Option<DateTime<Utc>>,
    /// When the newest error came: a success on `path` after it means the watch works again.
    error_at: Option<DateTime<Utc>>,
    /// Connection failures in a row (reset by any success).
    unreachable: u32,
    last_event: Option<DateTime<Utc>>,
    invalid: FxHashMap<Key, String>,
    /// Objects changed since the session last sent them.
    changed: bool,
    /// Of those changes, some the graph's shape reads: an object came, went, was listed anew,
    /// or changed more than a node's or pod's state ([`crate::graph::same_place`],
    /// [`crate::graph::pod_in_place`]).
    reshaped: bool,
    /// The pods changed in place or that came since the session last sent them: a snapshot of
    /// changes carries these alone.
    in_place: FxHashSet<Key>,
    /// The pods deleted since the session last sent them (one of the same name may have come
    /// since: it is in `in_place`).
    gone: FxHashSet<Key>,
}

impl KindState {
    /// Listed, or known never to be: refused by RBAC, or not served.
    fn done(&self) -> bool {
        self.synced || self.forbidden.is_some() || self.unserved.is_some()
    }
}

struct ClusterState {
    name: String,
    server: String,
    source: Arc<str>,
    kinds: Vec<KindState>,
    unauthorized: Option<(Kind, String)>,
    traffic: Arc<Traffic>,
    /// How the cluster is reached, when the user should know (no verification of the server).
    connection: Vec<String>,
    /// The server's `/version` (`gitVersion`), from discovery.
    version: Option<String>,
}

impl ClusterState {
    /// What the user should know: how the cluster is reached, and why each kind the analysis
    /// lacks is missing (refused by RBAC, or not served).
    fn warnings(&self) -> Vec<String> {
        let kinds = Kind::ALL.iter().zip(&self.kinds).filter_map(|(kind, k)| {
            (k.forbidden.as_ref().map(|m| forbidden_warning(*kind, m)))
                .or_else(|| k.unserved.as_ref().map(|m| unserved_warning(*kind, m)))
        });
        self.connection.iter().cloned().chain(kinds).collect()
    }

    /// The kind's error, unless its path has answered since (a watch re-opened after a cut).
    fn error<'a>(&self, k: &'a KindState) -> Option<&'a String> {
        let error = k.error.as_ref()?;
        let recovered = matches!(
            (self.traffic.ok_at(&k.path), k.error_at),
            (Some(ok), Some(at)) if ok > at
        );
        (!recovered).then_some(error)
    }
}

/// Everything the watchers know.
pub(super) struct Shared {
    clusters: Vec<ClusterState>,
    /// Bumped on every change of objects.
    pub generation: u64,
    /// Bumped on every write of objects, renewals too (which leave `generation` alone).
    writes: u64,
    /// The last [`Shared::expiry`]: at which `writes`, until when it holds, what it was.
    expiry_seen: Option<ExpirySeen>,
}

/// `writes` when it was counted, until when it holds (the first unexpired record's expiry), and
/// the fingerprint.
type ExpirySeen = (u64, Option<DateTime<Utc>>, (usize, u64));

/// How one kind of one cluster is read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KindStatus {
    pub kind: Kind,
    /// Objects held (during the first list: received so far).
    pub objects: usize,
    pub synced: bool,
    /// Complete lists so far (more than one: re-listed after a 410 or a reconnect).
    pub lists: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forbidden: Option<String>,
    /// The server does not serve this kind: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unserved: Option<String>,
}

/// How a live cluster is read: for the status line and `--context` reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClusterStatus {
    pub cluster: String,
    pub server: String,
    pub kinds: Vec<KindStatus>,
    /// The newest event received from the cluster.
    pub last_update: Option<DateTime<Utc>>,
    /// Since when the cluster's view is not current (a watch failing); `None` when it is.
    pub stale_since: Option<DateTime<Utc>>,
    /// The newest error, if the cluster is stale.
    pub error: Option<String>,
    /// Kinds RBAC refuses or the server does not serve: the analysis runs without them.
    pub warnings: Vec<String>,
    /// Requests made so far.
    pub requests: Requests,
}

impl ClusterStatus {
    /// "12 s" since `stale_since`, for display.
    pub fn stale_for(&self, now: DateTime<Utc>) -> Option<chrono::Duration> {
        self.stale_since.map(|s| now - s)
    }
}

impl Shared {
    pub fn new(clusters: &[Cluster]) -> Shared {
        Shared {
            clusters: clusters
                .iter()
                .map(|c| ClusterState {
                    name: c.name.clone(),
                    server: c.server.clone(),
                    source: format!("context {} ({})", c.name, c.server).into(),
                    kinds: Kind::ALL.iter().map(|_| KindState::default()).collect(),
                    unauthorized: None,
                    traffic: c.traffic.clone(),
                    connection: c.warnings.clone(),
                    version: None,
                })
                .collect(),
            generation: 0,
            writes: 0,
            expiry_seen: None,
        }
    }

    /// Every kind of every cluster listed once (or refused by RBAC, or not served).
    pub fn complete(&self) -> bool {
        self.clusters
            .iter()
            .all(|c| c.kinds.iter().all(KindState::done))
    }

    /// Which leader records have expired at `now`, as a fingerprint: renewals do not make a new
    /// snapshot, so a leader that stops renewing shows up when this changes, not with an event.
    ///
    /// Asked every second and on every change: with no write since the last answer, it holds
    /// until the first unexpired record expires, and is not counted again before.
    pub fn expiry(&mut self, now: DateTime<Utc>) -> (usize, u64) {
        if let Some((writes, until, seen)) = self.expiry_seen
            && writes == self.writes
            && until.is_none_or(|until| now <= until)
        {
            return seen;
        }
        use std::hash::{Hash, Hasher};
        let (mut count, mut hash) = (0, 0u64);
        let mut until: Option<DateTime<Utc>> = None;
        for (ci, c) in self.clusters.iter().enumerate() {
            for (kind, k) in Kind::ALL.iter().zip(&c.kinds) {
                if !kind.holds_leaders() {
                    continue;
                }
                for (key, object) in &k.objects {
                    let Object::Leader(l) = &**object else {
                        continue;
                    };
                    if l.is_expired(now) {
                        let mut h = rustc_hash::FxHasher::default();
                        (ci, kind, key).hash(&mut h);
                        count += 1;
                        hash ^= h.finish();
                    } else if let Some(at) = l.expires_at() {
                        until = Some(until.map_or(at, |u| u.min(at)));
                    }
                }
            }
        }
        self.expiry_seen = Some((self.writes, until, (count, hash)));
        (count, hash)
    }

    pub fn any_stale(&self) -> bool {
        self.clusters
            .iter()
            .any(|c| c.kinds.iter().any(|k| c.error(k).is_some()))
    }

    /// An error no retry will mend before a one-shot read gives up.
    pub fn fatal(&self) -> Option<LiveError> {
        for c in &self.clusters {
            if let Some((kind, _)) = &c.unauthorized {
                return Some(LiveError::Unauthorized {
                    context: c.name.clone(),
                    verb: "list".into(),
                    resource: resource_name(*kind).into(),
                });
            }
            if let Some(k) = c.kinds.iter().find(|k| !k.synced && k.unreachable >= 3) {
                return Some(LiveError::Unreachable {
                    context: c.name.clone(),
                    server: c.server.clone(),
                    message: k.error.clone().unwrap_or_default(),
                });
            }
        }
        None
    }

    /// What a timed-out read still lacks, per cluster: each kind not listed whole, and why (its
    /// last error, or how far its list has come).
    pub fn missing(&self) -> Vec<String> {
        let mut out = Vec::new();
        for c in &self.clusters {
            let kinds: Vec<String> = Kind::ALL
                .iter()
                .zip(&c.kinds)
                .filter(|(_, k)| !k.done())
                .map(|(kind, k)| {
                    let why = match (c.error(k), &k.buffer) {
                        (Some(e), _) => format!("last error: {e}"),
                        (None, Some(b)) if !b.is_empty() => {
                            format!("still listing, {} objects so far", b.len())
                        }
                        (None, _) => "no answer yet".to_string(),
                    };
                    format!("{} ({why})", resource_name(*kind))
                })
                .collect();
            if !kinds.is_empty() {
                out.push(format!(
                    "context {} ({}): {}",
                    c.name,
                    c.server,
                    kinds.join(", ")
                ));
            }
        }
        out
    }

    pub fn status(&self) -> Vec<ClusterStatus> {
        self.clusters
            .iter()
            .map(|c| {
                let kinds: Vec<KindStatus> = Kind::ALL
                    .iter()
                    .zip(&c.kinds)
                    .map(|(kind, k)| KindStatus {
                        kind: *kind,
                        // While the first list is in progress, what it has brought so far.
                        objects: match (&k.buffer, k.synced) {
                            (Some(buffer), false) => buffer.len(),
                            _ => k.objects.len(),
                        },
                        synced: k.synced,
                        lists: k.lists,
                        error: c.error(k).cloned(),
                        forbidden: k.forbidden.clone(),
                        unserved: k.unserved.clone(),
                    })
                    .collect();
                let stale_since = c
                    .kinds
                    .iter()
                    .filter(|k| c.error(k).is_some())
                    .filter_map(|k| k.error_since)
                    .min();
                ClusterStatus {
                    cluster: c.name.clone(),
                    server: c.server.clone(),
                    last_update: c.kinds.iter().filter_map(|k| k.last_event).max(),
                    stale_since,
                    error: c.kinds.iter().find_map(|k| c.error(k).cloned()),
                    warnings: c.warnings(),
                    kinds,
                    requests: c.traffic.requests(),
                }
            })
            .collect()
    }

    /// Whether what changed since [`Shared::mark_sent`] is leader records and nodes' and pods'
    /// states alone, which [`Topology::with_changes`](crate::graph::Topology::with_changes) applies to
    /// the last graph.
    pub fn shape_unchanged(&self) -> bool {
        self.clusters.iter().all(|c| {
            Kind::ALL.iter().zip(&c.kinds).all(|(kind, k)| {
                !k.changed
                    || kind.holds_leaders()
                    || (matches!(kind, Kind::Node | Kind::Pod) && !k.reshaped)
            })
        })
    }

    /// The session has sent the objects as they are now.
    pub fn mark_sent(&mut self) {
        for c in &mut self.clusters {
            for k in &mut c.kinds {
                k.changed = false;
                k.reshaped = false;
                k.in_place.clear();
                k.gone.clear();
            }
        }
    }

    /// The objects as a snapshot at `now`, copied (the watchers go on). Objects that did not
    /// convert are input errors of their cluster, so they show like a broken document in a file.
    pub fn snapshot(&self, now: DateTime<Utc>) -> Snapshot {
        self.copy(now, |_, _, _| Wanted::All)
    }

    /// What [`Shared::shape_unchanged`] allows to send alone as a snapshot at `now`: the leader
    /// records, the nodes of each cluster whose nodes changed, and the pods that changed (the
    /// input reports are complete).
    pub fn changes_snapshot(&self, now: DateTime<Utc>) -> Snapshot {
        let partial: Vec<bool> = self.clusters.iter().map(leaders_in_place).collect();
        let mut snapshot = self.copy(now, |c, kind, _| match kind {
            Kind::Pod | Kind::Node => Wanted::InPlace,
            _ if kind.holds_leaders() && partial[c] => Wanted::InPlace,
            _ if kind.holds_leaders() => Wanted::All,
            _ => Wanted::None,
        });
        for ((cluster, partial), c) in snapshot
            .clusters
            .iter_mut()
            .zip(partial)
            .zip(&self.clusters)
        {
            cluster.leaders_changed_only = partial;
            cluster.pods_gone = c.kinds[Kind::Pod.index()].gone.iter().cloned().collect();
            cluster.pods_gone.sort_unstable();
        }
        snapshot
    }

    fn copy(
        &self,
        now: DateTime<Utc>,
        wanted: impl Fn(usize, Kind, &KindState) -> Wanted + Sync,
    ) -> Snapshot {
        // The copy is most of a live update's cost on a large cluster: kinds on every core.
        let objects = self
            .clusters
            .iter()
            .enumerate()
            .map(|(ci, c)| {
                c.kinds
                    .par_iter()
                    .zip(Kind::ALL.par_iter())
                    .map(|(k, kind)| {
                        let mut sorted: Vec<(&Key, &Arc<Object>)> = match wanted(ci, *kind, k) {
                            Wanted::None => return vec![],
                            Wanted::All => k.objects.iter().collect(),
                            Wanted::InPlace => k
                                .in_place
                                .iter()
                                .filter_map(|key| k.objects.get_key_value(key))
                                .collect(),
                        };
                        sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
                        sorted.into_iter().map(|(_, o)| Object::clone(o)).collect()
                    })
                    .collect()
            })
            .collect();
        self.assemble(now, objects, |o| o)
    }

    /// The objects as a snapshot at `now`, moved out of the store (a one-shot read is done with
    /// it): no copy, and no second cluster in memory.
    pub fn take_snapshot(&mut self, now: DateTime<Utc>) -> Snapshot {
        self.writes += 1;
        let objects = self
            .clusters
            .iter_mut()
            .map(|c| {
                c.kinds
                    .par_iter_mut()
                    .map(|k| {
                        let mut sorted: Vec<(Key, Arc<Object>)> =
                            std::mem::take(&mut k.objects).into_iter().collect();
                        sorted.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
                        sorted.into_iter().map(|(_, o)| o).collect()
                    })
                    .collect()
            })
            .collect();
        // Each object moved out of its `Arc` (the store lets them go) into vectors of their
        // final size, once.
        self.assemble(now, objects, Arc::unwrap_or_clone)
    }

    /// A snapshot of `objects` (per cluster, per kind, in key order), each made an [`Object`]
    /// by `object`.
    fn assemble<O>(
        &self,
        now: DateTime<Utc>,
        objects: Vec<Vec<Vec<O>>>,
        object: impl Fn(O) -> Object,
    ) -> Snapshot {
        let mut snapshot = Snapshot {
            now: Some(now),
            ..Snapshot::default()
        };
        for (c, kinds) in self.clusters.iter().zip(objects) {
            let mut cluster = ClusterObjects::new(c.name.clone());
            cluster.clock = Some(now);
            cluster.by_kind = true;
            cluster.server_version = c.version.clone();
            // A kind the analysis lacks is said where input problems are, as a note: the
            // snapshot is what the server lets us read, no broken input.
            let mut report = InputReport {
                source: c.source.to_string(),
                cluster: c.name.clone(),
                notes: c.warnings(),
                ..InputReport::default()
            };
            // Vectors of their final size: a cluster's pods are moved once, not doubled into
            // fresh memory again and again.
            let mut counts = [0; Kind::ALL.len()];
            for (count, list) in counts.iter_mut().zip(&kinds) {
                *count = list.len();
            }
            cluster.reserve(&counts);
            for ((k, list), kind) in c.kinds.iter().zip(kinds).zip(Kind::ALL) {
                // A kind listed whole, even empty: the export says what there is of it.
                if k.synced {
                    cluster.listed.insert(kind);
                }
                // A snapshot of changes leaves the other kinds out but reports them (counted
                // in the store); a taken snapshot has emptied the store (counted in the list).
                let count = list.len().max(k.objects.len());
                report.objects += count as u32;
                report.documents += (count + k.invalid.len()) as u32;
                for o in list {
                    let source = Source {
                        file: c.source.clone(),
                        document: 0,
                        line: 0,
                    };
                    cluster.push(object(o), source);
                }
                let mut invalid: Vec<(&Key, &String)> = k.invalid.iter().collect();
                invalid.sort();
                for ((ns, name), message) in invalid {
                    report.errors.push(InputError {
                        document: 0,
                        line: 0,
                        message: format!(
                            "{}: {message}",
                            if ns.is_empty() {
                                name.clone()
                            } else {
                                format!("{ns}/{name}")
                            }
                        ),
                    });
                }
            }
            snapshot.clusters.push(cluster);
            snapshot.inputs.push(report);
        }
        snapshot
    }
}

/// Whether the leader records of `c` that changed since the last snapshot sent can be sent
/// alone: none came or went (nor was listed anew), and each is a Lease with no older
/// ConfigMap or Endpoints record of its name (which of such a pair the graph keeps depends on
/// both).
fn leaders_in_place(c: &ClusterState) -> bool {
    let kind = |kind: Kind| &c.kinds[kind.index()];
    let leases = kind(Kind::Lease);
    let pairs = [kind(Kind::ConfigMap), kind(Kind::Endpoints)];
    Kind::ALL
        .iter()
        .zip(&c.kinds)
        .all(|(kind, k)| !kind.holds_leaders() || !k.reshaped)
        && pairs.iter().all(|k| k.in_place.is_empty())
        && leases
            .in_place
            .iter()
            .all(|key| pairs.iter().all(|k| !k.objects.contains_key(key)))
}

/// What of a kind a snapshot copies.
enum Wanted {
    None,
    All,
    /// The objects changed in place since the last snapshot sent.
    InPlace,
}

fn slot(kind: Kind) -> usize {
    kind.index()
}

/// Starts one watcher per served kind per cluster, at the version discovery found; a kind not
/// served is marked so at once. `changed` is bumped on every change.
pub(super) fn spawn_all(
    clusters: &[Cluster],
    discovered: &[Discovery],
    options: &super::Options,
    shared: Arc<Mutex<Shared>>,
    changed: tokio::sync::watch::Sender<u64>,
) -> Vec<JoinHandle<()>> {
    let changed = Arc::new(changed);
    let mut tasks = Vec::new();
    for (index, (cluster, discovery)) in clusters.iter().zip(discovered).enumerate() {
        {
            let mut s = shared.lock().expect("live state");
            for (kind, why) in discovery.missing() {
                s.clusters[index].kinds[slot(kind)].unserved = Some(why.to_string());
            }
            s.clusters[index].version = discovery.server_version.clone();
        }
        changed.send_modify(|_| {});
        // A server that streams a watch's initial state sends a kind's objects without
        // waiting for the client to ask for each page: one stream instead of hundreds of round
        // trips for a large kind.
        let streamed = !options.list_in_pages
            && discovery
                .server_version
                .as_deref()
                .and_then(Release::parse)
                .is_some_and(Release::streams_initial_lists);
        let page_size = options.page_size;
        macro_rules! follow {
            ($($ty:ty),*) => {
                $(if discovery.served(<$ty as Model>::MODEL)
                    == &Served::At(<$ty as k8s_openapi::Resource>::VERSION)
                {
                    tasks.push(tokio::spawn(follow::<$ty>(
                        cluster.clone(),
                        index,
                        page_size,
                        streamed,
                        shared.clone(),
                        changed.clone(),
                    )));
                })*
            };
        }
        crate::live::wire::each_model!(follow);
        crate::live::wire::each_older_model!(follow);
    }
    tasks
}

fn key<K>(w: &Wire<K>) -> Key {
    (
        w.meta.namespace.clone().unwrap_or_default(),
        w.meta.name.clone().unwrap_or_default(),
    )
}

/// What an event changed, as far as the analysis is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Change {
    /// Nothing the model reads: a new resourceVersion, a node heartbeat, a skipped object again.
    None,
    /// Only a leader record's renewTime: the leader is alive, nothing moved. Time alone decides
    /// when that matters (see [`Shared::expiry`]).
    Renewal,
    /// A node's or pod's state (readiness, taints, a cordon, a pod's phase or node): the model
    /// changed, the graph's shape did not.
    InPlace,
    Model,
}

impl Change {
    /// Something the model reads changed.
    fn is_model(self) -> bool {
        matches!(self, Change::InPlace | Change::Model)
    }
}

/// The object without what changes on every write (and, for `renewal`, without its renewal).
fn normalised(o: &Object, renewal: bool) -> Object {
    let mut o = o.clone();
    o.meta_mut().resource_version = None;
    if let (true, Object::Leader(l)) = (renewal, &mut o) {
        l.renew_time = None;
    }
    o
}

/// `exported` says whether a node of that name is in the cluster's nodes.
fn compare(old: &Object, new: &Object, exported: &dyn Fn(&str) -> bool) -> Change {
    if normalised(old, false) == normalised(new, false) {
        Change::None
    } else if matches!(old, Object::Leader(_)) && normalised(old, true) == normalised(new, true) {
        Change::Renewal
    } else if match (old, new) {
        (Object::Node(old), Object::Node(new)) => crate::graph::same_place(old, new),
        (Object::Pod(old), Object::Pod(new)) => crate::graph::pod_in_place(old, new, exported),
        _ => false,
    } {
        Change::InPlace
    } else {
        Change::Model
    }
}

/// Records a decoded object in `map`; a skipped or invalid one removes what was there. The newest
/// object is kept even when nothing the model reads changed: its resourceVersion is what a plan
/// made from the next snapshot carries.
fn put(
    map: &mut FxHashMap<Key, Arc<Object>>,
    invalid: &mut FxHashMap<Key, String>,
    key: Key,
    decoded: Decoded,
    exported: &dyn Fn(&str) -> bool,
) -> Change {
    match decoded {
        Decoded::Object(o) => {
            // One lookup of the key: a list puts every object of a kind.
            let was_invalid = !invalid.is_empty() && invalid.remove(&key).is_some();
            match map.entry(key) {
                Entry::Occupied(mut old) => {
                    let change = if was_invalid {
                        Change::Model
                    } else {
                        compare(old.get(), &o, exported)
                    };
                    old.insert(o);
                    change
                }
                Entry::Vacant(slot) => {
                    slot.insert(o);
                    Change::Model
                }
            }
        }
        Decoded::Skipped => {
            let was_invalid = invalid.remove(&key).is_some();
            if map.remove(&key).is_some() || was_invalid {
                Change::Model
            } else {
                Change::None
            }
        }
        Decoded::Invalid(message) => {
            let removed = map.remove(&key).is_some();
            let same = invalid.get(&key) == Some(&message);
            invalid.insert(key, message);
            if removed || !same {
                Change::Model
            } else {
                Change::None
            }
        }
    }
}

/// The server refuses to stream a watch's initial state: its `WatchList` feature gate is off
/// (422 Invalid, "sendInitialEvents is forbidden..."), or it does not know the parameters (400).
fn refuses_streaming(error: &watcher::Error) -> bool {
    use watcher::Error as W;
    match error {
        W::WatchStartFailed(kube::Error::Api(status)) => matches!(status.code, 400 | 422),
        W::WatchError(status) => matches!(status.code, 400 | 422),
        _ => false,
    }
}

async fn follow<K: Model>(
    cluster: Cluster,
    index: usize,
    page_size: u32,
    mut streamed: bool,
    shared: Arc<Mutex<Shared>>,
    changed: Arc<tokio::sync::watch::Sender<u64>>,
) {
    let slot = slot(K::MODEL);
    let path = <Wire<K> as kube::Resource>::url_path(&(), None);
    shared.lock().expect("live state").clusters[index].kinds[slot].path = path;
    let api: Api<Wire<K>> = Api::all(cluster.client.clone());
    let start = |streamed: bool| {
        let config = watcher::Config::default().page_size(page_size).timeout(60);
        let config = if streamed {
            config.streaming_lists()
        } else {
            config
        };
        watcher::watcher(api.clone(), config)
            .default_backoff()
            .boxed()
    };
    let mut stream = start(streamed);
    // A streamed list under way: it began and has not ended.
    let mut streaming = false;
    while let Some(item) = stream.next().await {
        // Its operator turned streaming off, or the stream ended before the list did (a proxy,
        // a timeout on a slow link; a second start would end the same way): this kind is listed
        // in pages from now on, as on a server that never streamed.
        let cut = streaming && matches!(item, Ok(Event::Init));
        if streamed && (cut || matches!(&item, Err(error) if refuses_streaming(error))) {
            streamed = false;
            streaming = false;
            stream = start(streamed);
            continue;
        }
        match &item {
            Ok(Event::Init) => streaming = streamed,
            Ok(Event::InitDone) => streaming = false,
            _ => {}
        }
        let now = Utc::now();
        let mut relist = false;
        // The session hears of model changes and of health changes at once; of the rest (a
        // renewal, a page of a list in progress) at its next tick.
        let mut notify = true;
        let generation = {
            let mut s = shared.lock().expect("live state");
            let c = &mut s.clusters[index];
            // This kind, and the cluster's nodes as they are (a pod bound to one of them
            // changes in place).
            let (nodes, k) = match c.kinds.split_at_mut(slot) {
                (before, [k, ..]) => (before.get(Kind::Node.index()).map(|n| &n.objects), k),
                (_, []) => unreachable!("a slot per kind"),
            };
            let exported = |name: &str| {
                nodes.is_some_and(|n| n.contains_key(&(String::new(), name.to_string())))
            };
            let mut objects_changed = false;
            // Objects written, whatever changed in them (a renewal too).
            let wrote = matches!(
                item,
                Ok(Event::InitDone | Event::Apply(_) | Event::Delete(_))
            );
            match item {
                // Said before every LIST, even one about to fail: no proof the server answers.
                Ok(Event::Init) => k.buffer = Some(FxHashMap::default()),
                Ok(event) => {
                    let was_failing = k.error.is_some() || k.forbidden.is_some();
                    k.last_event = Some(now);
                    k.error = None;
                    k.error_since = None;
                    k.unreachable = 0;
                    k.forbidden = None;
                    c.unauthorized = None;
                    match event {
                        Event::Init => {}
                        Event::InitApply(w) => {
                            let key = key(&w);
                            let target = k.buffer.get_or_insert_with(FxHashMap::default);
                            put(target, &mut k.invalid, key, w.decoded, &exported);
                            notify = was_failing;
                        }
                        Event::InitDone => {
                            if let Some(buffer) = k.buffer.take() {
                                k.invalid.retain(|key, _| !buffer.contains_key(key));
                                k.objects = buffer;
                            }
                            k.synced = true;
                            k.lists += 1;
                            objects_changed = true;
                            k.reshaped = true;
                        }
                        Event::Apply(w) => {
                            let key = key(&w);
                            let existed =
                                k.objects.contains_key(&key) && !k.invalid.contains_key(&key);
                            let change = put(
                                &mut k.objects,
                                &mut k.invalid,
                                key.clone(),
                                w.decoded,
                                &exported,
                            );
                            objects_changed = change.is_model();
                            // A leader record that was there and still is changed in place,
                            // whatever changed in it, and so did a pod that came; one that came,
                            // a node or pod that moved, reshaped the graph.
                            let came = !existed && k.objects.contains_key(&key);
                            let in_place = match change {
                                Change::InPlace => true,
                                Change::Model if K::MODEL == Kind::Pod => came,
                                Change::Model => K::MODEL.holds_leaders() && existed,
                                Change::None | Change::Renewal => false,
                            };
                            k.reshaped |= change == Change::Model && !in_place;
                            if in_place {
                                k.in_place.insert(key);
                            }
                            notify = was_failing;
                        }
                        Event::Delete(w) => {
                            let key = key(&w);
                            let removed = k.objects.remove(&key).is_some();
                            objects_changed = k.invalid.remove(&key).is_some() || removed;
                            // A pod that went is a change of pods alone (an invalid one was
                            // never in the graph: its error goes with the reports).
                            if K::MODEL == Kind::Pod {
                                if removed {
                                    k.in_place.remove(&key);
                                    k.gone.insert(key);
                                }
                            } else {
                                k.reshaped |= objects_changed;
                            }
                        }
                    }
                }
                Err(error) => {
                    k.error_at = Some(now);
                    match classify_watch(&error) {
                        Problem::Gone => {}
                        Problem::Forbidden(message) => k.forbidden = Some(message),
                        Problem::Unauthorized => {
                            c.unauthorized = Some((K::MODEL, error.to_string()))
                        }
                        Problem::Unreachable(message) => {
                            k.unreachable += 1;
                            k.error_since.get_or_insert(now);
                            k.error = Some(message);
                        }
                        Problem::Garbled(message) => {
                            // The event it carried is lost: only a new LIST is sure to be current.
                            relist = true;
                            k.error_since.get_or_insert(now);
                            k.error = Some(format!("{message}; listing again"));
                        }
                        Problem::Other(message)
                        | Problem::NotFound(message)
                        | Problem::Credentials(message) => {
                            k.error_since.get_or_insert(now);
                            k.error = Some(message);
                        }
                    }
                }
            }
            if objects_changed {
                k.changed = true;
            }
            if wrote {
                s.writes += 1;
            }
            if objects_changed {
                s.generation += 1;
                notify = true;
            }
            s.generation
        };
        if notify {
            changed.send_replace(generation);
        }
        if relist {
            stream = start(streamed);
        }
    }
}
