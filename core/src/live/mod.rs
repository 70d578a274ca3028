//! Live clusters: read through a kubeconfig context, follow through watches, apply plans.
//!
//! One client per context; each context is one cluster of the snapshot, named after it. Every kind
//! the model reads is listed (paged) and then watched through kube-runtime's watcher, which
//! resumes from the last resourceVersion after a disconnect, re-lists after a 410 Gone and backs
//! off; no request carries a whole-request timeout. Objects are decoded straight into the model
//! ([`wire`]), so the live snapshot costs what the model costs, not what the JSON costs.
//!
//! - [`read`]: one complete snapshot, for the subcommands (`analyze --context`, ...).
//! - [`Session`]: a snapshot kept current in the background, for the terminal UI.
//! - [`export`]: what was read, written as kubectl-style files.
//! - [`apply`]: a saved plan carried out step by step, dry run first.

mod ahead;
pub mod apply;
mod client;
pub mod discover;
mod errors;
pub mod export;
mod minimal;
mod store;
mod tls;
mod traffic;
pub mod wire;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use kube::config::{KubeConfigOptions, Kubeconfig};

pub use discover::{Discovery, Served};
pub use errors::{LiveError, Problem};
pub use store::{ClusterStatus, KindStatus};
pub use traffic::Requests;

use crate::model::Snapshot;
use store::Shared;

/// Where the clusters are and how to read them.
#[derive(Clone, Debug)]
pub struct Options {
    /// Contexts to read; none means the kubeconfig's current context.
    pub contexts: Vec<String>,
    /// The kubeconfig file; `None` reads `KUBECONFIG` (several files merge) or `~/.kube/config`.
    pub kubeconfig: Option<PathBuf>,
    /// Objects per LIST page.
    pub page_size: u32,
    /// List in pages even where the server streams a watch's initial state (Kubernetes 1.32 and
    /// 1.34 on, by their `/version`): each kind's first complete list then costs one LIST per
    /// `page_size` objects instead of one watch.
    pub list_in_pages: bool,
    /// How long [`read`] waits for a complete first snapshot.
    pub timeout: Duration,
    /// A [`Session`] sends a change that touched only leader records (or a lease expiring with
    /// time) and nodes' states (readiness, taints, cordons: nothing that moves a node) as
    /// [`Update::changes`], those records and nodes alone, instead of a whole snapshot; the
    /// receiver applies them with
    /// [`Topology::with_changes`](crate::graph::Topology::with_changes). On a large cluster that
    /// spares the copy of every pod and the rebuild of the graph.
    pub partial_updates: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            contexts: vec![],
            kubeconfig: None,
            page_size: 500,
            list_in_pages: false,
            timeout: Duration::from_secs(60),
            partial_updates: false,
        }
    }
}

/// A connected cluster: its name (the context), its API server and a client.
#[derive(Clone)]
pub struct Cluster {
    pub name: String,
    pub server: String,
    pub client: kube::Client,
    /// What the client sent and what answered.
    traffic: Arc<traffic::Traffic>,
    /// What the user should know about how it connects (no verification of the server).
    pub warnings: Vec<String>,
}

/// How long a server may take to accept a connection, and to answer discovery: a server that
/// answers nothing fails in seconds, named.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Asks every cluster what it serves, all at once; the first that fails stops the read.
pub async fn discover_all(clusters: &[Cluster]) -> Result<Vec<Discovery>, LiveError> {
    futures::future::join_all(
        clusters
            .iter()
            .map(|c| discover::discover(c, CONNECT_TIMEOUT)),
    )
    .await
    .into_iter()
    .collect()
}

/// Installs the TLS crypto provider once (kube's rustls backend needs one per process).
fn tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Reads the kubeconfig the options name.
pub fn kubeconfig(options: &Options) -> Result<Kubeconfig, LiveError> {
    let read = match &options.kubeconfig {
        Some(path) => Kubeconfig::read_from(path).map_err(|e| LiveError::Kubeconfig {
            path: path.display().to_string(),
            message: errors::chain(&e),
        })?,
        None => Kubeconfig::read().map_err(|e| LiveError::Kubeconfig {
            path: std::env::var("KUBECONFIG").unwrap_or_else(|_| "~/.kube/config".into()),
            message: errors::chain(&e),
        })?,
    };
    Ok(read)
}

/// The contexts to read: those asked for, or the current one.
pub fn contexts(options: &Options, config: &Kubeconfig) -> Result<Vec<String>, LiveError> {
    let known: Vec<String> = config.contexts.iter().map(|c| c.name.clone()).collect();
    let wanted = if options.contexts.is_empty() {
        vec![
            config
                .current_context
                .clone()
                .filter(|c| !c.is_empty())
                .ok_or(LiveError::NoCurrentContext {
                    available: known.clone(),
                })?,
        ]
    } else {
        options.contexts.clone()
    };
    for name in &wanted {
        if !known.contains(name) {
            return Err(LiveError::UnknownContext {
                context: name.clone(),
                available: known,
            });
        }
    }
    Ok(wanted)
}

/// A `tokenFile` is read as kubectl reads it, without the whitespace around the token (a file
/// written with `echo` ends in a newline, which kube-rs would send in the header and fail on).
/// A file with nothing to trim is left to kube-rs, which re-reads it as it rotates.
fn trim_token_file(auth: &mut kube::config::AuthInfo) {
    if auth.token.is_some() {
        return;
    }
    let Some(path) = &auth.token_file else { return };
    let Ok(text) = std::fs::read_to_string(path) else {
        return; // kube-rs says what is wrong with it
    };
    if text.trim() != text {
        auth.token = Some(secrecy::SecretString::from(text.trim().to_string()));
        auth.token_file = None;
    }
}

/// Builds one client per context.
pub async fn connect(options: &Options) -> Result<Vec<Cluster>, LiveError> {
    tls_provider();
    let config = kubeconfig(options)?;
    let mut clusters = Vec::new();
    for name in contexts(options, &config)? {
        let mut client_config = kube::Config::from_custom_kubeconfig(
            config.clone(),
            &KubeConfigOptions {
                context: Some(name.clone()),
                ..KubeConfigOptions::default()
            },
        )
        .await
        .map_err(|e| LiveError::Context {
            context: name.clone(),
            message: errors::chain(&e),
        })?;
        trim_token_file(&mut client_config.auth_info);
        client_config.connect_timeout = Some(CONNECT_TIMEOUT);
        // Watchers back off on their own, and a 429 from an eviction is a PodDisruptionBudget
        // refusing it: an answer to report at once, not to retry for minutes.
        client_config.default_retry = false;
        let server = client_config.cluster_url.to_string();
        let mut warnings = Vec::new();
        if client_config.accept_invalid_certs {
            warnings.push(format!(
                "insecure-skip-tls-verify is set: the server {server} is not verified (anyone on the way can read and answer in its place)"
            ));
        }
        let traffic = Arc::new(traffic::Traffic::default());
        let client = client::build(&client_config, traffic.clone()).map_err(|message| {
            LiveError::Context {
                context: name.clone(),
                message,
            }
        })?;
        clusters.push(Cluster {
            name,
            server,
            client,
            traffic,
            warnings,
        });
    }
    Ok(clusters)
}

/// A complete live snapshot and how each cluster was read.
pub struct Read {
    pub snapshot: Snapshot,
    pub status: Vec<ClusterStatus>,
}

/// Reads every context once: asks each server what it serves, lists every kind, returns when
/// each is complete (or refused by RBAC, or not served: both degrade with a warning), fails on
/// refused credentials, an unreachable server or the timeout, naming what was missing.
pub fn read(options: &Options) -> Result<Read, LiveError> {
    read_with_progress(options, |_| {})
}

/// How far a one-shot read has come, over every cluster: for a progress line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadProgress {
    /// Kinds listed whole, refused or not served, of `kinds`.
    pub kinds_done: usize,
    pub kinds: usize,
    /// LIST pages received.
    pub pages: u64,
    /// Objects received.
    pub objects: usize,
}

impl ReadProgress {
    pub fn of(status: &[ClusterStatus]) -> ReadProgress {
        let mut p = ReadProgress::default();
        for c in status {
            p.kinds += c.kinds.len();
            p.kinds_done += c
                .kinds
                .iter()
                .filter(|k| k.synced || k.forbidden.is_some() || k.unserved.is_some())
                .count();
            p.objects += c.kinds.iter().map(|k| k.objects).sum::<usize>();
            p.pages += c.requests.lists;
        }
        p
    }
}

/// [`read`], calling `progress` about once a second while it waits.
pub fn read_with_progress(
    options: &Options,
    mut progress: impl FnMut(ReadProgress),
) -> Result<Read, LiveError> {
    runtime()?.block_on(async {
        let clusters = connect(options).await?;
        let discovered = discover_all(&clusters).await?;
        let shared = Arc::new(Mutex::new(Shared::new(&clusters)));
        let (tx, mut rx) = tokio::sync::watch::channel(0u64);
        let tasks = store::spawn_all(&clusters, &discovered, options, shared.clone(), tx);
        let deadline = tokio::time::Instant::now() + options.timeout;
        let outcome = loop {
            {
                let mut state = shared.lock().expect("live state");
                if let Some(error) = state.fatal() {
                    break Err(error);
                }
                if state.complete() {
                    let status = state.status();
                    break Ok(Read {
                        snapshot: state.take_snapshot(Utc::now()),
                        status,
                    });
                }
            }
            let tick = (tokio::time::Instant::now() + Duration::from_secs(1)).min(deadline);
            match tokio::time::timeout_at(tick, rx.changed()).await {
                Ok(Ok(())) => continue,
                Err(_) if tick < deadline => {
                    let status = shared.lock().expect("live state").status();
                    progress(ReadProgress::of(&status));
                }
                Ok(Err(_)) | Err(_) => {
                    let state = shared.lock().expect("live state");
                    break Err(LiveError::Timeout {
                        seconds: options.timeout.as_secs(),
                        missing: state.missing(),
                    });
                }
            }
        };
        for task in tasks {
            task.abort();
        }
        outcome
    })
}

fn runtime() -> Result<tokio::runtime::Runtime, LiveError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| LiveError::Runtime(e.to_string()))
}

/// What a [`Session`] reports: a new snapshot, or only a new status.
#[derive(Clone, Debug)]
pub struct Update {
    /// Present when objects changed since the last update.
    pub snapshot: Option<Arc<Snapshot>>,
    /// With [`Options::partial_updates`], instead of `snapshot` when only leader records and
    /// nodes' and pods' states changed since the last one: a snapshot holding the nodes and pods
    /// that changed and the leader records (those that changed alone when none came or went:
    /// `leaders_changed_only`), every other kind as in the previous snapshot, with complete
    /// input reports and the new time.
    pub changes: Option<Arc<Snapshot>>,
    pub status: Vec<ClusterStatus>,
    /// When this update was made.
    pub at: DateTime<Utc>,
    /// The session's objects as they are now, for one who cannot apply `changes`.
    pub resync: Resync,
}

/// Reads a session's objects whole: what follows `changes` it cannot apply to its last graph
/// (a pod whose workload it does not know yet) starts again from this.
#[derive(Clone)]
pub struct Resync(Arc<Mutex<Shared>>);

impl Resync {
    /// Every object as it is now. The changes sent after it may repeat some of it: each
    /// applies again to the same effect.
    pub fn snapshot(&self) -> Snapshot {
        self.0.lock().expect("live state").snapshot(Utc::now())
    }
}

impl std::fmt::Debug for Resync {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Resync")
    }
}

/// How long a change after a quiet spell waits for the other events of the same write.
const GATHER: Duration = Duration::from_millis(10);

/// Live clusters followed in the background. A change after a quiet spell is sent at once; a
/// burst is coalesced (at most one update every `interval`); the status alone is re-sent every second while a cluster is stale, so its age shows.
/// A new snapshot comes when something the model reads changed, or when time alone expired a
/// leader record (renewals on their own make none: on a large cluster they never stop).
pub struct Session {
    runtime: Option<tokio::runtime::Runtime>,
    shared: Arc<Mutex<Shared>>,
    pub clusters: Vec<String>,
}

impl Session {
    /// Connects and starts watching; `on_update` is called from a background thread.
    pub fn start(
        options: &Options,
        interval: Duration,
        on_update: impl Fn(Update) + Send + Sync + 'static,
    ) -> Result<Session, LiveError> {
        let runtime = runtime()?;
        let clusters = runtime.block_on(connect(options))?;
        // A server down at the start is followed all the same (its status says it is stale),
        // every kind assumed served until it answers.
        let discovered = runtime.block_on(async {
            let mut out = Vec::new();
            for c in &clusters {
                out.push(
                    discover::discover(c, CONNECT_TIMEOUT)
                        .await
                        .unwrap_or_else(|_| Discovery::assumed()),
                );
            }
            out
        });
        let shared = Arc::new(Mutex::new(Shared::new(&clusters)));
        let (tx, mut rx) = tokio::sync::watch::channel(0u64);
        let _guard = runtime.enter();
        store::spawn_all(&clusters, &discovered, options, shared.clone(), tx);
        let names = clusters.iter().map(|c| c.name.clone()).collect();
        let state = shared.clone();
        let partial_updates = options.partial_updates;
        runtime.spawn(async move {
            let mut sent_generation = None;
            let mut sent_expiry = None;
            let mut sent_status: Option<Vec<ClusterStatus>> = None;
            let mut sent_at: Option<std::time::Instant> = None;
            loop {
                let changed = tokio::time::timeout(Duration::from_secs(1), rx.changed()).await;
                if matches!(changed, Ok(Err(_))) {
                    break; // every watcher has ended
                }
                if changed.is_ok() {
                    // A change after a quiet spell goes out at once (after a moment for the
                    // other events of the same write); a burst is coalesced, at most one update
                    // every `interval`.
                    let wait = match sent_at {
                        Some(at) => interval.saturating_sub(at.elapsed()),
                        None => interval,
                    };
                    tokio::time::sleep(wait.max(interval.min(GATHER))).await;
                }
                let update = {
                    let mut s = state.lock().expect("live state");
                    let status = s.status();
                    let now = Utc::now();
                    let expiry = s.expiry(now);
                    let due = sent_generation != Some(s.generation) || sent_expiry != Some(expiry);
                    let (mut snapshot, mut changes) = (None, None);
                    if s.complete() && due {
                        if partial_updates && sent_generation.is_some() && s.shape_unchanged() {
                            changes = Some(Arc::new(s.changes_snapshot(now)));
                        } else {
                            snapshot = Some(Arc::new(s.snapshot(now)));
                        }
                        s.mark_sent();
                        sent_at = Some(std::time::Instant::now());
                        sent_generation = Some(s.generation);
                        sent_expiry = Some(expiry);
                    }
                    // While stale, the status is re-sent every second so its age shows.
                    let news = snapshot.is_some()
                        || changes.is_some()
                        || sent_status.as_ref() != Some(&status)
                        || s.any_stale();
                    news.then(|| {
                        sent_status = Some(status.clone());
                        Update {
                            snapshot,
                            changes,
                            status,
                            at: Utc::now(),
                            resync: Resync(state.clone()),
                        }
                    })
                };
                if let Some(update) = update {
                    on_update(update);
                }
            }
        });
        Ok(Session {
            runtime: Some(runtime),
            shared,
            clusters: names,
        })
    }

    /// The current status of every cluster.
    pub fn status(&self) -> Vec<ClusterStatus> {
        self.shared.lock().expect("live state").status()
    }

    /// The current snapshot (complete or not).
    pub fn snapshot(&self) -> Snapshot {
        self.shared.lock().expect("live state").snapshot(Utc::now())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}
