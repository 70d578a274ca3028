//! A Kubernetes API server on loopback, for tests.
//!
//! It serves, over HTTPS with a certificate of its own CA and a bearer
//! token, the kinds Quorum reads (see [`kinds::KINDS`]), loaded from the same
//! kubectl exports the offline tests use. Clients reach it through a
//! generated kubeconfig, exactly as they reach a user's cluster, so the real
//! `quorum` binary, kube-rs and kubectl can be pointed at it unchanged.
//!
//! What it speaks: discovery (`/api`, `/apis`, `/api/v1`, `/apis/G/V`,
//! `/version`); LIST with `limit`/`continue`, label and field selectors and
//! `resourceVersion`/`resourceVersionMatch`; GET; WATCH with history replay,
//! bookmarks, `timeoutSeconds` and 410 Gone after compaction; POST, PUT,
//! PATCH (merge, strategic merge served as merge, JSON patch, a simplified
//! server-side apply) and DELETE with `dryRun=All` and resourceVersion
//! preconditions; the eviction subresource with PodDisruptionBudgets; 401
//! for a wrong token and 403 for denied (verb, resource) pairs.
//!
//! Secrets are never served: they are dropped when fixtures load, and every
//! request for them is answered 403 Forbidden.
//!
//! ```no_run
//! # fn main() -> Result<(), quorum_testapi::Error> {
//! let server = quorum_testapi::Server::builder()
//!     .fixtures(["samples/three-zones"])
//!     .page_limit_max(50)
//!     .start_blocking()?;
//! let dir = std::env::temp_dir();
//! server.write_kubeconfig(&dir.join("kubeconfig"), "three-zones")?;
//! # Ok(()) }
//! ```

pub mod kinds;
pub mod kubeconfig;
pub mod load;
pub mod selector;
pub mod status;
pub mod store;

mod params;
mod routes;
mod state;
pub mod tls;

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::{broadcast, watch as tokio_watch};

pub use kubeconfig::KubeconfigEntry;
pub use load::{LoadError, LoadStats};
pub use routes::watch::GARBAGE_LINE;
pub use state::RequestRecord;
pub use tls::{ClientIdentity, Serving, TlsOptions, install_crypto_provider};

use state::{Control, Shared};
use store::{Candidate, Reject, Store};

/// Why a server could not start, or a hook was refused.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("objects: {0}")]
    Objects(String),
    #[error("{0}")]
    Tls(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("unknown kind {0:?}")]
    UnknownKind(String),
    #[error("Secrets are never stored")]
    Secret,
}

/// Configures and starts a [`Server`].
#[derive(Debug)]
pub struct ServerBuilder {
    fixtures: Vec<PathBuf>,
    objects: Vec<Value>,
    page_limit_max: Option<usize>,
    token: Option<String>,
    user: String,
    history: usize,
    bookmark_interval: Duration,
    port: u16,
    served: kinds::Served,
    version: String,
    watch_list: Option<bool>,
    cut_initial_events: bool,
    tls: TlsOptions,
}

impl Default for ServerBuilder {
    fn default() -> Self {
        Self {
            fixtures: Vec::new(),
            objects: Vec::new(),
            page_limit_max: None,
            token: None,
            user: "system:serviceaccount:quorum:testapi".into(),
            history: 100_000,
            bookmark_interval: Duration::from_secs(1),
            port: 0,
            served: kinds::Served::default(),
            version: "v1.33.0".into(),
            watch_list: None,
            cut_initial_events: false,
            tls: TlsOptions::default(),
        }
    }
}

impl ServerBuilder {
    /// Fixture files or directories (kubectl exports; see [`load`]).
    pub fn fixtures<P: AsRef<Path>>(mut self, paths: impl IntoIterator<Item = P>) -> Self {
        self.fixtures
            .extend(paths.into_iter().map(|p| p.as_ref().to_path_buf()));
        self
    }

    /// Objects given directly (single objects, Lists or arrays), loaded after
    /// the fixtures.
    pub fn objects(mut self, objects: impl IntoIterator<Item = Value>) -> Self {
        self.objects.extend(objects);
        self
    }

    /// Caps every LIST page at this many items, whatever `limit` the client
    /// asks (and pages a LIST that asks no limit): forces pagination.
    pub fn page_limit_max(mut self, n: usize) -> Self {
        self.page_limit_max = Some(n.max(1));
        self
    }

    /// The bearer token to accept (default: a random one).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The user named in 403 messages (default
    /// `system:serviceaccount:quorum:testapi`).
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = user.into();
        self
    }

    /// How many watch events to keep for replay (default 100,000). Older
    /// resourceVersions get 410 Gone.
    pub fn history(mut self, events: usize) -> Self {
        self.history = events.max(1);
        self
    }

    /// How often a watch that asked for bookmarks gets one (default 1 s; the
    /// apiserver's is about a minute).
    pub fn bookmark_interval(mut self, d: Duration) -> Self {
        self.bookmark_interval = d.max(Duration::from_millis(10));
        self
    }

    /// The port on 127.0.0.1 (default: any free one).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Does not serve `kind` (`pdb`, `poddisruptionbudgets`, `Lease`...): it is missing from
    /// discovery and its paths answer 404, as on a server without that API.
    pub fn without(mut self, kind: &str) -> Result<Self, Error> {
        self.served.without(kind_id(kind)?);
        Ok(self)
    }

    /// The `gitVersion` `/version` answers (default `v1.33.0`).
    pub fn server_version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
        self
    }

    /// Whether a watch may ask for the collection's current state first
    /// (`sendInitialEvents`: the `WatchList` feature gate). By default as the
    /// server version's release has it: on in 1.32 and from 1.34, off in
    /// 1.33 and before 1.32, where such a watch is refused with 422.
    pub fn watch_list(mut self, on: bool) -> Self {
        self.watch_list = Some(on);
        self
    }

    /// A watch that asks for the current state first ends after the objects, without the
    /// bookmark that says the list is complete (a proxy or a timeout cutting a long stream).
    pub fn cut_initial_events(mut self) -> Self {
        self.cut_initial_events = true;
        self
    }

    /// Serves `kind` at `version` of its group instead of its own (`pdb` at `v1beta1`).
    pub fn serve_at(mut self, kind: &str, version: &str) -> Result<Self, Error> {
        self.served.at(kind_id(kind)?, version);
        Ok(self)
    }

    /// Which serving certificate the server presents and what its kubeconfig trusts.
    pub fn serving(mut self, serving: Serving) -> Self {
        self.tls.serving = serving;
        self
    }

    /// The names in the serving certificate (DNS names; IP addresses become IP SANs). Default
    /// `localhost`, `127.0.0.1`, `::1`.
    pub fn server_names<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.tls.names = names.into_iter().map(Into::into).collect();
        self
    }

    /// A serving certificate whose validity ended in 2021.
    pub fn expired_certificate(mut self) -> Self {
        self.tls.expired = true;
        self
    }

    /// Requires a client certificate signed by the server's CA in the TLS handshake; requests
    /// then need no token. The kubeconfig written carries the certificate and its key.
    pub fn client_certificates(mut self) -> Self {
        self.tls.client_certificates = true;
        self
    }

    fn load(&self) -> Result<(Store, LoadStats), Error> {
        let mut store = Store::new(self.history);
        let mut sink = |c: Candidate| store.load(c);
        let mut stats = load::load_paths(&self.fixtures, &mut sink)?;
        let more = load::load_values(self.objects.clone(), &mut sink).map_err(Error::Objects)?;
        stats.objects += more.objects;
        stats.secrets_dropped += more.secrets_dropped;
        stats.skipped += more.skipped;
        Ok((store, stats))
    }

    /// Loads the fixtures and starts serving on the current tokio runtime.
    /// The server stops when the [`Server`] is dropped.
    pub async fn start(self) -> Result<Server, Error> {
        // Reading a big export is blocking work: keep it off the runtime.
        let (this, loaded) = tokio::task::spawn_blocking(move || {
            let loaded = self.load();
            (self, loaded)
        })
        .await
        .map_err(|e| Error::Objects(format!("loader panicked: {e}")))?;
        let (store, stats) = loaded?;
        this.serve(store, stats)
    }

    /// Same as [`ServerBuilder::start`] for synchronous tests (a CLI binary
    /// run through `assert_cmd`): the server gets its own two-thread tokio
    /// runtime, shut down when the [`Server`] is dropped. Do not call it from
    /// inside a tokio runtime (tokio refuses to nest `block_on`); use
    /// `start().await` there.
    pub fn start_blocking(self) -> Result<Server, Error> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("quorum-testapi")
            .enable_all()
            .build()?;
        let (store, stats) = self.load()?;
        let mut server = rt.block_on(async { self.serve(store, stats) })?;
        server.runtime = Some(rt);
        Ok(server)
    }

    /// Binds, builds the TLS config and spawns the accept loop on the
    /// current runtime.
    fn serve(self, store: Store, stats: LoadStats) -> Result<Server, Error> {
        tls::install_crypto_provider();
        let tls = tls::generate_with(&self.tls).map_err(Error::Tls)?;
        let token = self
            .token
            .unwrap_or_else(|| format!("qta-{}", uuid::Uuid::new_v4().simple()));
        let listener = TcpListener::bind(("127.0.0.1", self.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (control, _) = broadcast::channel(64);
        let (open_watches, _) = tokio_watch::channel(0usize);
        let shared = Arc::new(Shared {
            store: RwLock::new(store),
            token: token.clone(),
            user: self.user,
            denied: Mutex::new(Default::default()),
            latency_us: AtomicU64::new(0),
            requests: Mutex::new(Vec::new()),
            next_request: AtomicU64::new(0),
            page_limit_max: self.page_limit_max,
            bookmark_interval: self.bookmark_interval,
            control,
            garbage: AtomicBool::new(false),
            unavailable: AtomicBool::new(false),
            open_watches,
            addr: OnceLock::new(),
            served: self.served,
            watch_list: self
                .watch_list
                .unwrap_or_else(|| watch_list_by_default(&self.version)),
            cut_initial_events: self.cut_initial_events,
            version: self.version,
            client_certificates: self.tls.client_certificates,
        });
        let _ = shared.addr.set(addr);
        let handle = axum_server::Handle::new();
        let config = axum_server::tls_rustls::RustlsConfig::from_config(tls.config);
        let server = axum_server::from_tcp_rustls(listener, config)?.handle(handle.clone());
        let app = routes::router(shared.clone());
        tokio::spawn(async move {
            if let Err(e) = server.serve(app.into_make_service()).await {
                eprintln!("quorum-testapi: server stopped: {e}");
            }
        });
        Ok(Server {
            shared,
            addr,
            ca_pem: tls.ca_pem,
            client: tls.client,
            token,
            stats,
            handle,
            runtime: None,
        })
    }
}

/// A running test API server. Dropping it stops it (and aborts open
/// watches).
pub struct Server {
    shared: Arc<Shared>,
    addr: SocketAddr,
    ca_pem: String,
    client: Option<ClientIdentity>,
    token: String,
    stats: LoadStats,
    handle: axum_server::Handle<SocketAddr>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the token or the certificate.
        f.debug_struct("Server").field("url", &self.url()).finish()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.handle.shutdown();
        // Wake watches so they see their connections go.
        let _ = self.shared.control.send(Control::Cut);
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

fn kind_id(kind: &str) -> Result<kinds::KindId, Error> {
    if kinds::is_secret(kind) || kind.eq_ignore_ascii_case("secret") {
        return Err(Error::Secret);
    }
    kinds::lookup(kind).ok_or_else(|| Error::UnknownKind(kind.to_string()))
}

impl Server {
    /// A builder with the defaults: no objects, random token, any port.
    pub fn builder() -> ServerBuilder {
        ServerBuilder::default()
    }

    /// `https://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("https://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The CA certificate (PEM) that signed the server's certificate.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The client certificate and key the server accepts, with
    /// [`ServerBuilder::client_certificates`].
    pub fn client_identity(&self) -> Option<&ClientIdentity> {
        self.client.as_ref()
    }

    /// The bearer token the server accepts.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// What loading the fixtures found.
    pub fn load_stats(&self) -> &LoadStats {
        &self.stats
    }

    /// This server as one kubeconfig context.
    pub fn kubeconfig_entry(&self, context: &str) -> KubeconfigEntry {
        KubeconfigEntry {
            context: context.to_string(),
            server: self.url(),
            ca_pem: self.ca_pem.clone(),
            token: self.token.clone(),
            client: self.client.clone(),
            ..KubeconfigEntry::default()
        }
    }

    /// A kubeconfig (YAML) with one context for this server, current.
    pub fn kubeconfig_yaml(&self, context: &str) -> String {
        kubeconfig::render(&[self.kubeconfig_entry(context)])
    }

    /// Writes a kubeconfig with one context for this server, current.
    pub fn write_kubeconfig(&self, path: &Path, context: &str) -> std::io::Result<()> {
        kubeconfig::write(path, &[self.kubeconfig_entry(context)])
    }

    /// Stores an object (create or replace) as if a controller wrote it:
    /// new resourceVersion, ADDED or MODIFIED to watches. Returns the object
    /// as served.
    pub fn upsert(&self, obj: Value) -> Result<Value, Error> {
        let cand = Candidate::from_value(obj).map_err(|r| match r {
            Reject::Secret => Error::Secret,
            Reject::UnknownKind(k) => Error::UnknownKind(k),
            Reject::Invalid(m) => Error::Objects(m),
        })?;
        let (_, entry) = self.shared.store.write().expect("lock").put(cand);
        Ok(serde_json::from_slice(&entry.bytes).expect("stored objects are JSON"))
    }

    /// Deletes an object (DELETED to watches). `kind` is `Pod`, `pods`,
    /// `po`...; `ns` is `None` (or `""`) for cluster-scoped kinds. Returns
    /// the object as deleted.
    pub fn delete<'a>(
        &self,
        kind: &str,
        ns: impl Into<Option<&'a str>>,
        name: &str,
    ) -> Option<Value> {
        let kind = kind_id(kind).ok()?;
        let ns = ns.into().unwrap_or("");
        let entry = self
            .shared
            .store
            .write()
            .expect("lock")
            .remove(kind, ns, name)?;
        Some(serde_json::from_slice(&entry.bytes).expect("stored objects are JSON"))
    }

    /// The object as the server would serve it now.
    pub fn object<'a>(
        &self,
        kind: &str,
        ns: impl Into<Option<&'a str>>,
        name: &str,
    ) -> Option<Value> {
        let kind = kind_id(kind).ok()?;
        let store = self.shared.store.read().expect("lock");
        let e = store.get(kind, ns.into().unwrap_or(""), name)?;
        Some(serde_json::from_slice(&e.bytes).expect("stored objects are JSON"))
    }

    /// How many objects are stored (all kinds).
    pub fn object_count(&self) -> usize {
        self.shared.store.read().expect("lock").len()
    }

    /// The latest resourceVersion.
    pub fn resource_version(&self) -> u64 {
        self.shared.store.read().expect("lock").rv()
    }

    /// Drops the event history and moves the horizon past every
    /// resourceVersion handed out so far: the next watch or continue token
    /// from an older version gets 410 Gone (open watches go on; combine
    /// with [`Server::cut_watches`] to force a reconnect).
    pub fn compact(&self) {
        self.shared.store.write().expect("lock").compact();
    }

    /// Breaks every open watch connection mid-stream (no final chunk).
    pub fn cut_watches(&self) {
        let _ = self.shared.control.send(Control::Cut);
    }

    /// The next line written to any watch stream (an open one, at once, or
    /// the next one opened) is [`GARBAGE_LINE`], which is not JSON.
    pub fn garbage_on_next_watch(&self) {
        self.shared.garbage.store(true, Ordering::SeqCst);
        let _ = self.shared.control.send(Control::Garbage);
    }

    /// While `true`, every request is answered 503 Service Unavailable and
    /// open watches are cut: a server that is up but cannot serve.
    pub fn set_unavailable(&self, unavailable: bool) {
        self.shared.unavailable.store(unavailable, Ordering::SeqCst);
        if unavailable {
            let _ = self.shared.control.send(Control::Cut);
        }
    }

    /// Answers `verb` (`get`, `list`, `watch`, `create`, `update`, `patch`,
    /// `delete`) on `resource` (`pods`, `leases`, `pods/eviction`; `*` for
    /// any) with 403 Forbidden from now on.
    pub fn deny(&self, verb: &str, resource: &str) {
        self.shared
            .denied
            .lock()
            .expect("lock")
            .insert((verb.to_string(), resource.to_string()));
    }

    /// Undoes one [`Server::deny`].
    pub fn allow(&self, verb: &str, resource: &str) {
        self.shared
            .denied
            .lock()
            .expect("lock")
            .remove(&(verb.to_string(), resource.to_string()));
    }

    /// Delays every response by this much (zero to stop).
    pub fn set_latency(&self, d: Duration) {
        self.shared
            .latency_us
            .store(d.as_micros() as u64, Ordering::Relaxed);
    }

    /// Every request so far, in order of completion.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.requests.lock().expect("lock").clone()
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        self.shared.requests.lock().expect("lock").clear();
    }

    /// Number of watch streams open now.
    pub fn open_watches(&self) -> usize {
        *self.shared.open_watches.borrow()
    }

    /// Waits until at least `n` watch streams are open (to cut them, say).
    pub async fn wait_for_watches(&self, n: usize) {
        let mut rx = self.shared.open_watches.subscribe();
        let _ = rx.wait_for(|&open| open >= n).await;
    }

    /// Blocking [`Server::wait_for_watches`] with a timeout, for sync tests
    /// (not from inside a tokio runtime). Returns whether `n` were reached.
    pub fn wait_for_watches_blocking(&self, n: usize, timeout: Duration) -> bool {
        let deadline = std::time::Instant::now() + timeout;
        let mut rx = self.shared.open_watches.subscribe();
        loop {
            if *rx.borrow_and_update() >= n {
                return true;
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return false;
            }
            // A watch receiver can be polled without a runtime through a
            // tiny current-thread one.
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .expect("runtime");
            let changed = rt.block_on(async { tokio::time::timeout(left, rx.changed()).await });
            if !matches!(changed, Ok(Ok(()))) {
                return *rx.borrow() >= n;
            }
        }
    }
}

/// Writes one kubeconfig holding several servers, one context each; the
/// first is the current context.
pub fn write_kubeconfig(path: &Path, servers: &[(&Server, &str)]) -> std::io::Result<()> {
    let entries: Vec<KubeconfigEntry> = servers
        .iter()
        .map(|(s, ctx)| s.kubeconfig_entry(ctx))
        .collect();
    kubeconfig::write(path, &entries)
}

/// The `WatchList` gate's default in the release `version` (`v1.34.1`) names.
fn watch_list_by_default(version: &str) -> bool {
    let minor = version
        .trim_start_matches('v')
        .split('.')
        .nth(1)
        .and_then(|m| m.parse::<u32>().ok());
    matches!(minor, Some(32) | Some(34..))
}
