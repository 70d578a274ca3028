//! Files, directories and standard input into a [`Snapshot`].
//!
//! Every input format of the contract: multi-document YAML, `List`/`*List`, JSON, bare JSON
//! arrays, concatenated JSON values, directories (recursively, which covers `kubectl cluster-info
//! dump` folders and must-gather trees), and stdin. A document that cannot be read is reported
//! with its file, document number and line, and never hides the documents around it. Secrets are
//! skipped without their data being read.
//!
//! Parsing is split in two: `json` and `yaml` cut the input into items (one object each, with
//! its line), and [`parse_item`] turns an item into a model object. Items are parsed on every
//! core.

pub(crate) mod convert;
mod json;
pub(crate) mod raw;
mod yaml;
mod yaml_stream;

/// The streaming readers (JSON and YAML) hand their parsers batches of this many bytes.
const BATCH_BYTES: usize = 4 << 20;

/// Units cut from an input (items of a list, documents), their bytes side by side, handed to
/// the parsers together. A parsed batch goes back to its reader to be filled again.
struct Batch<U> {
    data: Vec<u8>,
    units: Vec<U>,
}

impl<U> Batch<U> {
    /// Sized for a full batch up front: growing a 4 MB buffer by doubling copies it again and
    /// again.
    fn new() -> Self {
        Batch {
            data: Vec::with_capacity(BATCH_BYTES + (BATCH_BYTES >> 2)),
            units: Vec::with_capacity(1024),
        }
    }

    /// The filled batch, when it holds anything, replaced by a parsed one from `spare` (emptied)
    /// or a new one.
    fn take(&mut self, spare: &std::sync::mpsc::Receiver<Self>) -> Option<Self> {
        if self.units.is_empty() {
            return None;
        }
        let next = spare.try_recv().map_or_else(
            |_| Batch::new(),
            |mut b| {
                b.data.clear();
                b.units.clear();
                b
            },
        );
        Some(std::mem::replace(self, next))
    }
}

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::model::{InputError, InputReport, Kind, Object, Snapshot, Source};
pub use convert::recognise;
pub use yaml::{YAML_LIBRARY, YamlError, from_str as yaml_from_str, to_string as yaml_to_string};

/// The errors that stop loading altogether (a missing input path). Problems inside a file are
/// not errors: they go into the [`InputReport`] of that file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: no such file or directory")]
    NotFound { path: String },
    #[error("{path}: {message}")]
    Io { path: String, message: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One file's cluster, report and objects.
type FileResult = (String, InputReport, Vec<(Box<Object>, Source)>);

/// One input: a path (or `-` for stdin) and the cluster its objects belong to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub cluster: String,
    pub path: PathBuf,
}

impl Input {
    pub fn new(cluster: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        Self {
            cluster: cluster.into(),
            path: path.into(),
        }
    }

    /// `NAME=PATH` (`--cluster`, the desktop app's Open prompt): the objects under PATH belong
    /// to cluster NAME.
    pub fn parse_cluster(spec: &str) -> Result<Input, String> {
        spec.split_once('=')
            .filter(|(name, path)| !name.is_empty() && !path.is_empty())
            .map(|(name, path)| Input::new(name, path))
            .ok_or_else(|| format!("--cluster takes NAME=PATH, got {spec:?}"))
    }

    pub fn is_stdin(&self) -> bool {
        self.path.as_os_str() == "-"
    }
}

/// What one item (one object's text) became.
#[derive(Debug)]
pub enum Outcome {
    Object(Box<Object>),
    Skipped(String),
    /// Not a Kubernetes object at all (a version or metadata file, an array of messages):
    /// skipped with a note, never an error.
    Foreign,
    /// A version document: the server's `gitVersion` (whose rules the model follows).
    Version(String),
    Error(String),
    /// A list with no items (or a placeholder for items that follow as further outcomes): the
    /// kind its items would have had, when known, is evidence that kind was exported.
    Empty(Option<Kind>),
    /// The document is a list; a typed one (`PodList`, not `List`) says the export was made
    /// kind by kind.
    List {
        typed: bool,
    },
}

/// One parsed item with its position.
#[derive(Debug)]
pub struct Piece {
    pub document: u32,
    pub line: u32,
    pub outcome: Outcome,
}

/// Reads every input. Files below a directory are read in parallel; large files parse on every
/// core. `progress` is called with the number of bytes read so far.
pub fn load(inputs: &[Input]) -> Result<Snapshot> {
    load_with_progress(inputs, &|_| {})
}

pub fn load_with_progress(inputs: &[Input], progress: &(dyn Fn(u64) + Sync)) -> Result<Snapshot> {
    // Each file with the input it was found under.
    let mut files: Vec<(usize, PathBuf)> = Vec::new();
    let mut others: Vec<Vec<PathBuf>> = vec![vec![]; inputs.len()];
    for (i, input) in inputs.iter().enumerate() {
        if input.is_stdin() {
            files.push((i, input.path.clone()));
            continue;
        }
        let meta = std::fs::metadata(&input.path).map_err(|_| Error::NotFound {
            path: input.path.display().to_string(),
        })?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(&input.path, &mut found, &mut others[i]).map_err(|e| Error::Io {
                path: input.path.display().to_string(),
                message: e.to_string(),
            })?;
            found.sort();
            files.extend(found.into_iter().map(|p| (i, p)));
        } else {
            files.push((i, input.path.clone()));
        }
    }
    let read = std::sync::atomic::AtomicU64::new(0);
    let mut results: Vec<(usize, FileResult)> = files
        .par_iter()
        .map(|(i, path)| {
            let cluster = &inputs[*i].cluster;
            let (report, objects) = load_file(cluster, path);
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            // fetch_add answers the count before this file: add it, or one file reads as 0.
            let total = read.fetch_add(size, std::sync::atomic::Ordering::Relaxed) + size;
            progress(total);
            (*i, (cluster.clone(), report, objects))
        })
        .collect();
    // What each input path gave as a whole: skipped files, or nothing of Kubernetes at all.
    for (i, input) in inputs.iter().enumerate() {
        let is_dir = !input.is_stdin() && input.path.is_dir();
        let mut own = results
            .iter_mut()
            .filter(|(j, _)| *j == i)
            .map(|(_, r)| &mut r.1);
        let (mut files, mut kubernetes, mut errors) = (0, 0, false);
        for report in own.by_ref() {
            files += 1;
            kubernetes += report.kubernetes_documents;
            errors |= !report.errors.is_empty();
        }
        let nothing = (kubernetes == 0 && !errors).then(|| {
            let message = nothing_kubernetes(input, is_dir, files, others[i].len());
            InputError {
                document: 0,
                line: 0,
                message,
            }
        });
        // A single file's (or stdin's) problem is that file's.
        if let Some(error) = &nothing
            && !is_dir
            && let Some((_, (_, report, _))) = results.iter_mut().find(|(j, _)| *j == i)
        {
            report.errors.push(error.clone());
            continue;
        }
        if nothing.is_some() || !others[i].is_empty() {
            let report = InputReport {
                source: input.path.display().to_string(),
                cluster: input.cluster.clone(),
                errors: nothing.into_iter().collect(),
                notes: (!others[i].is_empty())
                    .then(|| other_files_note(&others[i]))
                    .into_iter()
                    .collect(),
                ..InputReport::default()
            };
            results.push((i, (input.cluster.clone(), report, vec![])));
        }
    }
    let results = results.into_iter().map(|(_, r)| r).collect();
    let clusters: Vec<&str> = inputs.iter().map(|i| i.cluster.as_str()).collect();
    Ok(assemble(&clusters, results))
}

/// One note for every file under a directory that is not YAML or JSON (container logs above all).
fn other_files_note(others: &[PathBuf]) -> String {
    let logs = others.iter().filter(|p| is_log_file(p)).count();
    let rest = others.len() - logs;
    let files = |n: usize| if n == 1 { "file" } else { "files" };
    let are = |n: usize| if n == 1 { "is" } else { "are" };
    match (logs, rest) {
        (0, n) => format!("{n} {} that {} not YAML or JSON: skipped", files(n), are(n)),
        (n, 0) => format!("{n} container log {}: skipped", files(n)),
        (l, n) => format!(
            "{l} container log {} and {n} other {} that {} not YAML or JSON: skipped",
            files(l),
            files(n),
            are(n)
        ),
    }
}

/// `logs.txt` of `kubectl cluster-info dump --output-directory`, `*.log`, sonobuoy's pod logs.
fn is_log_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    name == "logs.txt"
        || name.ends_with(".log")
        || path.components().any(|c| {
            matches!(
                c.as_os_str().to_str(),
                Some("logs" | "podlogs" | "pod-logs")
            )
        })
}

/// The error for an input path under which nothing is a Kubernetes document.
fn nothing_kubernetes(input: &Input, is_dir: bool, files: usize, others: usize) -> String {
    if input.is_stdin() {
        "standard input holds no Kubernetes object or list".into()
    } else if is_dir {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        format!(
            "no Kubernetes object or list under this directory ({files} YAML or JSON file{}, \
             {others} other file{}): is it the export you meant?",
            plural(files),
            plural(others)
        )
    } else {
        "no Kubernetes object or list in this file: is it the export you meant?".into()
    }
}

/// Reads texts already in memory (the embedded samples): (cluster, source name, text).
pub fn load_texts(texts: &[(&str, &str, &[u8])]) -> Snapshot {
    let results = texts
        .iter()
        .map(|(cluster, name, text)| {
            let (report, objects) = collect(
                cluster,
                Arc::from(*name),
                parse_bytes(text, kind_from_path(Path::new(name))),
            );
            (cluster.to_string(), report, objects)
        })
        .collect();
    let clusters: Vec<&str> = texts.iter().map(|t| t.0).collect();
    assemble(&clusters, results)
}

/// Puts each file's objects into its cluster, keeping duplicates once and counting them.
///
/// Two passes, so that the objects move once into vectors of their final size: the first finds
/// the duplicates by borrowed keys (no key is copied per object), the second moves the rest.
fn assemble(clusters: &[&str], results: Vec<FileResult>) -> Snapshot {
    let mut snapshot = Snapshot::default();
    for cluster in clusters {
        snapshot.cluster_mut(cluster);
    }
    let (kept, counts) = first_of_each(&results);
    for (cluster, count) in counts {
        snapshot.cluster_mut(cluster).reserve(&count);
    }
    // Each node's id and where it was read, to tell a node read twice from two nodes of one name.
    let mut node_ids: rustc_hash::FxHashMap<(String, String), (String, Source)> =
        Default::default();
    for ((cluster, mut report, objects), kept) in results.into_iter().zip(kept) {
        let target = snapshot.cluster_mut(&cluster);
        target.listed.extend(report.kinds.iter().copied());
        target
            .listed_in
            .extend(report.namespaced_kinds.iter().cloned());
        target.by_kind |= report.by_kind;
        if let Some(v) = &report.server_version {
            target.server_version = Some(v.clone());
        }
        for ((object, source), kept) in objects.into_iter().zip(kept) {
            if let Object::Node(node) = &*object
                && let Some(uid) = &node.uid
            {
                let key = (cluster.clone(), node.meta.name.clone());
                match node_ids.get(&key) {
                    None => {
                        node_ids.insert(key, (uid.clone(), source.clone()));
                    }
                    Some((first, at)) if first != uid => report.notes.push(format!(
                        "warning: node {} at line {} has another uid ({uid}) than the node of the \
                         same name in {} line {} ({first}): two clusters' exports are mixed up in \
                         cluster {cluster:?}; the first one is used (give each cluster its own \
                         `--cluster NAME=PATH`)",
                        node.meta.name, source.line, at.file, at.line
                    )),
                    Some(_) => {}
                }
            }
            if kept {
                target.push(*object, source);
            } else {
                report.duplicates += 1;
                report.objects -= 1;
            }
        }
        snapshot.inputs.push(report);
    }
    // No snapshot time is given: each lease is judged at its own file's newest renewal.
    snapshot
}

/// How many objects of each kind, in the order of `Kind::ALL`.
type KindCounts = [usize; Kind::ALL.len()];

/// Which objects are the first of their cluster, kind, namespace and name (in input order), and
/// how many of each kind each cluster keeps.
fn first_of_each(results: &[FileResult]) -> (Vec<Vec<bool>>, HashMap<&str, KindCounts>) {
    let mut seen: HashSet<(&str, Kind, &str, &str)> = HashSet::default();
    seen.reserve(results.iter().map(|r| r.2.len()).sum());
    let mut counts: HashMap<&str, KindCounts> = HashMap::default();
    let kept = results
        .iter()
        .map(|(cluster, _, objects)| {
            let count = counts.entry(cluster.as_str()).or_default();
            objects
                .iter()
                .map(|(object, _)| {
                    let meta = object.meta();
                    let kind = object.kind();
                    let first = seen.insert((cluster, kind, &meta.namespace, &meta.name));
                    if first {
                        count[kind.index()] += 1;
                    }
                    first
                })
                .collect()
        })
        .collect();
    (kept, counts)
}

/// The YAML and JSON files below `dir` (Secrets' files left out), and the other files.
fn walk(dir: &Path, out: &mut Vec<PathBuf>, others: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if kind.is_dir() || (kind.is_symlink() && path.is_dir()) {
            if !hidden {
                walk(&path, out, others)?;
            }
        } else if has_manifest_extension(&path) {
            if !is_secret_file(&path) {
                out.push(path);
            }
        } else if !hidden {
            others.push(path);
        }
    }
    Ok(())
}

fn has_manifest_extension(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("yaml" | "yml" | "json")
    )
}

/// `secrets.yaml` in must-gather trees and support bundles: skipped unread.
fn is_secret_file(path: &Path) -> bool {
    path.file_stem()
        .and_then(|s| s.to_str())
        .map(|s| s.to_ascii_lowercase())
        .is_some_and(|s| s == "secrets" || s == "secret" || s.ends_with("_v1_secrets"))
}

/// Reads one file (or stdin) into its report and its objects.
pub fn load_file(cluster: &str, path: &Path) -> (InputReport, Vec<(Box<Object>, Source)>) {
    let stdin = path.as_os_str() == "-";
    let name: Arc<str> = if stdin {
        Arc::from("<stdin>")
    } else {
        Arc::from(path.display().to_string())
    };
    let hint = kind_from_path(path);
    let pieces = if stdin {
        parse_reader(std::io::stdin(), hint)
    } else {
        match std::fs::File::open(path) {
            Ok(file) => parse_reader(file, hint),
            Err(e) => vec![io_error(e)],
        }
    };
    collect(cluster, name, pieces)
}

/// A file's pieces into its report and its objects.
fn collect(
    cluster: &str,
    name: Arc<str>,
    pieces: Vec<Piece>,
) -> (InputReport, Vec<(Box<Object>, Source)>) {
    let mut report = InputReport {
        source: name.to_string(),
        cluster: cluster.to_string(),
        ..InputReport::default()
    };
    let mut objects = Vec::with_capacity(pieces.len());
    let mut documents = HashSet::default();
    let mut kubernetes = HashSet::default();
    // The file's stem and folders: a namespace among them makes it that namespace's file.
    let path = Path::new(&*name);
    let path_parts: HashSet<&str> = path
        .file_stem()
        .into_iter()
        .chain(path.parent().into_iter().flat_map(|p| p.iter()))
        .filter_map(|c| c.to_str())
        .collect();
    for piece in pieces {
        if piece.document > 0 {
            documents.insert(piece.document);
        }
        // A version document is read, but no Kubernetes object: a path of nothing else is
        // still a path with nothing of Kubernetes under it.
        if !matches!(piece.outcome, Outcome::Foreign | Outcome::Version(_)) {
            kubernetes.insert(piece.document);
        }
        match piece.outcome {
            Outcome::Object(object) => {
                report.objects += 1;
                // Read from a file of its namespace: evidence for that namespace alone.
                let ns = &object.meta().namespace;
                if !ns.is_empty() && path_parts.contains(ns.as_str()) {
                    if !report
                        .namespaced_kinds
                        .contains(&(object.kind(), ns.clone()))
                    {
                        report.namespaced_kinds.insert((object.kind(), ns.clone()));
                    }
                } else {
                    report.kinds.insert(object.kind());
                }
                objects.push((
                    object,
                    Source {
                        file: name.clone(),
                        document: piece.document,
                        line: piece.line,
                    },
                ));
            }
            Outcome::Skipped(kind) => *report.skipped.entry(kind).or_default() += 1,
            Outcome::Foreign => report.not_kubernetes += 1,
            Outcome::Version(v) => {
                report.not_kubernetes += 1;
                report.notes.push(format!(
                    "a version document: the server is {v} (the model follows its release)"
                ));
                report.server_version = Some(v);
            }
            Outcome::Error(message) => report.errors.push(InputError {
                document: piece.document,
                line: piece.line,
                message,
            }),
            Outcome::Empty(kind) => {
                if let Some(kind) = kind {
                    match list_namespace(&name) {
                        Some(ns) => report.namespaced_kinds.insert((kind, ns)),
                        None => report.kinds.insert(kind),
                    };
                }
            }
            Outcome::List { typed } => {
                report.by_kind |= typed;
                report.listing = true;
            }
        }
    }
    report.documents = documents.len() as u32;
    report.kubernetes_documents = kubernetes.len() as u32;
    // One object alone in its file, no list: picked out, not listed with its peers.
    if objects.len() == 1
        && report.documents == 1
        && !report.listing
        && let Object::Pod(pod) = &mut *objects[0].0
    {
        pod.alone = true;
    }
    report.by_kind |= kind_from_path(Path::new(&*name)).is_some();
    if report.not_kubernetes > 0 && report.kubernetes_documents == 0 {
        report
            .notes
            .push("not a Kubernetes document (no `apiVersion`, `kind` or name): skipped".into());
    }
    (report, objects)
}

fn io_error(e: std::io::Error) -> Piece {
    Piece {
        document: 0,
        line: 0,
        outcome: Outcome::Error(format!("cannot read: {e}")),
    }
}

/// JSON when the first meaningful byte opens an object or an array; YAML otherwise.
fn looks_like_json(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    head.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{' || *b == b'[')
}

/// Parses a file's bytes already in memory.
pub fn parse_bytes(bytes: &[u8], hint: Option<Kind>) -> Vec<Piece> {
    if looks_like_json(&bytes[..bytes.len().min(4096)]) {
        json::parse_reader(bytes, hint)
    } else {
        yaml::parse(bytes, hint)
    }
}

/// Parses from a reader: JSON and YAML both stream (the text is never held whole). Public
/// for the fuzz targets, which feed it a few bytes at a time.
#[doc(hidden)]
pub fn parse_reader(mut reader: impl Read + Send, hint: Option<Kind>) -> Vec<Piece> {
    let mut head = vec![0u8; 4096];
    let mut filled = 0;
    while filled < head.len() {
        match reader.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) => return vec![io_error(e)],
        }
    }
    head.truncate(filled);
    let chained = std::io::Cursor::new(head.clone()).chain(reader);
    if looks_like_json(&head) {
        json::parse_reader(chained, hint)
    } else {
        yaml::parse_reader(chained, hint)
    }
}

/// The kind a file's objects have when they do not say (sonobuoy's `Nodes.json`, support
/// bundles' `pvcs/default.json`, insights' `config/node/x.json`).
pub fn kind_from_path(path: &Path) -> Option<Kind> {
    let stem = path.file_stem()?.to_str()?.to_ascii_lowercase();
    let mut names = vec![stem];
    names.extend(
        path.parent()
            .into_iter()
            .flat_map(|p| p.iter().rev().take(3))
            .filter_map(|c| c.to_str())
            .map(str::to_ascii_lowercase),
    );
    names.iter().find_map(|name| {
        // `core_v1_pods`, `coordination.k8s.io_v1_leases`: the resource is the last part.
        kind_of_resource(name.rsplit('_').next().unwrap_or(name))
    })
}

/// The kind a resource's name (`pods`, `pvcs`, `pod-disruption-budgets`) stands for.
fn kind_of_resource(resource: &str) -> Option<Kind> {
    {
        Some(match resource {
            "nodes" | "node" => Kind::Node,
            "pods" | "pod" => Kind::Pod,
            "pvcs" | "persistentvolumeclaims" | "persistentvolumeclaim" => {
                Kind::PersistentVolumeClaim
            }
            "pvs" | "persistentvolumes" | "persistentvolume" => Kind::PersistentVolume,
            "storage-classes" | "storageclasses" | "storageclass" => Kind::StorageClass,
            "leases" | "lease" => Kind::Lease,
            "statefulsets" | "statefulset" => Kind::StatefulSet,
            "deployments" | "deployment" => Kind::Deployment,
            "replicasets" | "replicaset" => Kind::ReplicaSet,
            "daemonsets" | "daemonset" => Kind::DaemonSet,
            "pod-disruption-budgets" | "poddisruptionbudgets" | "pdbs" | "pdb" => {
                Kind::PodDisruptionBudget
            }
            "namespaces" => Kind::Namespace,
            "endpoints" => Kind::Endpoints,
            "configmaps" => Kind::ConfigMap,
            _ => return None,
        })
    }
}

/// The resource an object's `metadata.selfLink` names (`/apis/config.openshift.io/v1/
/// clusterversions/version` is a `clusterversions`), as exports that leave out `kind` still
/// carry it (Insights archives, releases before 1.20).
fn resource_of_self_link(link: &str) -> Option<&str> {
    let parts: Vec<&str> = link.trim_matches('/').split('/').collect();
    // api/VERSION/[namespaces/NS/]RESOURCE/NAME, apis/GROUP/VERSION/[namespaces/NS/]RESOURCE/NAME
    let rest = match *parts.first()? {
        "api" => parts.get(2..)?,
        "apis" => parts.get(3..)?,
        _ => return None,
    };
    let rest = match rest {
        ["namespaces", _, more @ ..] if more.len() >= 2 => more,
        _ => rest,
    };
    match rest {
        [resource, _name, ..] => Some(resource),
        _ => None,
    }
}

/// The namespace an empty list's file is for, by the layouts of per-namespace exports:
/// `namespaces/<ns>/...` (must-gather), `ns/<ns>/...` (sonobuoy), `<kind folder>/<ns>.json`
/// (support bundles). None: the list is cluster-wide.
fn list_namespace(path: &str) -> Option<String> {
    let path = Path::new(path);
    let parts: Vec<&str> = path.iter().filter_map(|c| c.to_str()).collect();
    if let Some(i) = parts.iter().position(|c| *c == "namespaces" || *c == "ns")
        && i + 2 < parts.len()
    {
        return Some(parts[i + 1].to_string());
    }
    let stem = path.file_stem()?.to_str()?;
    let parent = path.parent()?;
    (kind_from_path(parent).is_some() && kind_from_path(Path::new(stem)).is_none())
        .then(|| stem.to_string())
}

/// A typed list's kind (`PodList`, `EventList`), not the untyped `List`.
pub(crate) fn is_typed_list(kind: &str) -> bool {
    kind.len() > 4 && kind.ends_with("List")
}

/// The kind a typed `*List` gives its items (`NodeList` → `Node`, `EventList` → `Event`); none
/// for an untyped `List`.
pub fn list_item_kind(list_kind: &str) -> Option<&str> {
    list_kind.strip_suffix("List").filter(|k| !k.is_empty())
}

/// Turns one parsed raw object into an outcome, working out its kind: its own `kind`, else its
/// typed list's, else its file's. Items of a typed list of a kind Quorum does not model
/// (`EventList`, `ServiceList`) are skipped as that kind.
pub(crate) fn classify(
    raw: raw::RawObject,
    list_kind: Option<&str>,
    hint: Option<Kind>,
) -> Outcome {
    let api_version = raw.api_version.as_ref().map(|t| t.0.clone());
    let named = raw
        .kind
        .as_ref()
        .map(|t| t.0.clone())
        .filter(|k| !k.is_empty());
    let kind = match named.as_deref() {
        Some(name) => match recognise(name, api_version.as_deref()) {
            Some(kind) => kind,
            // An empty `items: null` list: nothing in it.
            None if name.ends_with("List") && raw.items.is_none() => {
                let items = list_item_kind(name).and_then(|k| recognise(k, None));
                return Outcome::Empty(items);
            }
            None => return Outcome::Skipped(name.to_string()),
        },
        None => match (list_kind, hint) {
            (Some(item), _) => match recognise(item, api_version.as_deref()) {
                Some(kind) => kind,
                None => return Outcome::Skipped(item.to_string()),
            },
            // Nothing that makes it an object: a version file, tool metadata.
            _ if raw.is_foreign() => {
                return raw.version().map_or(Outcome::Foreign, Outcome::Version);
            }
            // Its self link names its resource.
            (None, _) if raw.metadata.self_link.is_some() => {
                let link = raw.metadata.self_link.as_ref().map_or("", |t| t.0.as_str());
                match resource_of_self_link(link) {
                    Some(resource) => match kind_of_resource(resource) {
                        Some(kind) => kind,
                        None => return Outcome::Skipped(resource.to_string()),
                    },
                    None => {
                        return Outcome::Error(format!(
                            "the object has no `kind`, and neither a typed list, its file name nor \
                             its selfLink {link:?} says which kind it is: add `kind`"
                        ));
                    }
                }
            }
            (None, Some(kind)) => kind,
            (None, None) => {
                return Outcome::Error(
                    "the object has no `kind`, and neither a typed list, its file name nor a \
                     selfLink says which kind it is: add `kind`"
                        .into(),
                );
            }
        },
    };
    match convert::convert(raw, kind) {
        Ok(convert::Converted::Object(o)) => Outcome::Object(o),
        Ok(convert::Converted::Skipped(s)) => Outcome::Skipped(s),
        Err(message) => Outcome::Error(message),
    }
}

/// A document's head, for a document whose full parse failed: an unknown kind is skipped, a
/// known one reports the error.
pub(crate) fn classify_failure(
    head: Option<raw::RawHead>,
    message: String,
    line: u32,
) -> (Outcome, u32) {
    if let Some(head) = head {
        let api_version = head.api_version.map(|t| t.0);
        if let Some(kind) = head.kind.map(|t| t.0).filter(|k| !k.is_empty())
            && recognise(&kind, api_version.as_deref()).is_none()
            && !kind.ends_with("List")
        {
            return (Outcome::Skipped(kind), line);
        }
    }
    (Outcome::Error(message), line)
}

#[cfg(test)]
mod tests;

/// The parsers' own floors, for benchmarks: the same cutting as the loader, each item walked into
/// `IgnoredAny` on one thread. Nothing is kept.
#[doc(hidden)]
pub mod floor {
    use serde::de::IgnoredAny;

    /// serde_json walking every top-level value of `bytes`.
    pub fn json(bytes: &[u8]) -> Result<usize, serde_json::Error> {
        let mut values = 0;
        for value in serde_json::Deserializer::from_slice(bytes).into_iter::<IgnoredAny>() {
            value?;
            values += 1;
        }
        Ok(values)
    }

    /// The YAML library walking every document (every item of a block `*List`), as the loader cuts them.
    pub fn yaml(bytes: &[u8]) -> usize {
        super::yaml::walk_units(bytes)
    }
}
