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

use rustc_hash::FxHashSet as HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::model::{InputError, InputReport, Kind, Object, ObjectKey, Snapshot, Source};
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
type FileResult = (String, InputReport, Vec<(Object, Source)>);

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

    pub fn is_stdin(&self) -> bool {
        self.path.as_os_str() == "-"
    }
}

/// What one item (one object's text) became.
#[derive(Debug)]
pub enum Outcome {
    Object(Box<Object>),
    Skipped(String),
    Error(String),
    /// A `*List` parsed whole: its items follow as further outcomes.
    Empty,
}

/// One parsed item with its position.
#[derive(Debug)]
pub struct Piece {
    pub document: u32,
    pub line: u32,
    pub outcome: Outcome,
}

/// A text unit ready to parse: one document, or one item of a list.
pub(crate) struct Unit<'a> {
    pub text: &'a [u8],
    pub document: u32,
    pub line: u32,
    /// The kind items of a typed `*List` take when they name none.
    pub list_kind: Option<Kind>,
    /// An element of a YAML block sequence (`- ...`), parsed as a one-element sequence.
    pub item: bool,
}

/// Reads every input. Files below a directory are read in parallel; large files parse on every
/// core. `progress` is called with the number of bytes read so far.
pub fn load(inputs: &[Input]) -> Result<Snapshot> {
    load_with_progress(inputs, &|_| {})
}

pub fn load_with_progress(inputs: &[Input], progress: &(dyn Fn(u64) + Sync)) -> Result<Snapshot> {
    let mut files: Vec<(String, PathBuf, bool)> = Vec::new();
    for input in inputs {
        if input.is_stdin() {
            files.push((input.cluster.clone(), input.path.clone(), true));
            continue;
        }
        let meta = std::fs::metadata(&input.path).map_err(|_| Error::NotFound {
            path: input.path.display().to_string(),
        })?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(&input.path, &mut found).map_err(|e| Error::Io {
                path: input.path.display().to_string(),
                message: e.to_string(),
            })?;
            found.sort();
            files.extend(found.into_iter().map(|p| (input.cluster.clone(), p, true)));
        } else {
            files.push((input.cluster.clone(), input.path.clone(), false));
        }
    }
    let read = std::sync::atomic::AtomicU64::new(0);
    let results: Vec<FileResult> = files
        .par_iter()
        .map(|(cluster, path, _)| {
            let (report, objects) = load_file(cluster, path);
            let total = read.fetch_add(
                std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
                std::sync::atomic::Ordering::Relaxed,
            );
            progress(total);
            (cluster.clone(), report, objects)
        })
        .collect();

    let clusters: Vec<&str> = inputs.iter().map(|i| i.cluster.as_str()).collect();
    Ok(assemble(&clusters, results))
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
fn assemble(clusters: &[&str], results: Vec<FileResult>) -> Snapshot {
    let mut snapshot = Snapshot::default();
    let mut seen: HashSet<(String, ObjectKey)> = HashSet::default();
    for cluster in clusters {
        snapshot.cluster_mut(cluster);
    }
    for (cluster, mut report, objects) in results {
        let target = snapshot.cluster_mut(&cluster);
        for (object, source) in objects {
            if seen.insert((cluster.clone(), object.key())) {
                target.push(object, source);
            } else {
                report.duplicates += 1;
                report.objects -= 1;
            }
        }
        snapshot.inputs.push(report);
    }
    snapshot.now = snapshot.newest_renew_time();
    snapshot
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() || (kind.is_symlink() && path.is_dir()) {
            if !entry.file_name().to_string_lossy().starts_with('.') {
                walk(&path, out)?;
            }
        } else if has_manifest_extension(&path) && !is_secret_file(&path) {
            out.push(path);
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
pub fn load_file(cluster: &str, path: &Path) -> (InputReport, Vec<(Object, Source)>) {
    let stdin = path.as_os_str() == "-";
    let name: Arc<str> = if stdin {
        Arc::from("<stdin>")
    } else {
        Arc::from(path.display().to_string())
    };
    let hint = kind_from_path(path);
    let pieces = if stdin {
        let mut text = Vec::new();
        match std::io::stdin().lock().read_to_end(&mut text) {
            Ok(_) => parse_bytes(&text, hint),
            Err(e) => vec![io_error(e)],
        }
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
) -> (InputReport, Vec<(Object, Source)>) {
    let mut report = InputReport {
        source: name.to_string(),
        cluster: cluster.to_string(),
        ..InputReport::default()
    };
    let mut objects = Vec::new();
    let mut documents = HashSet::default();
    for piece in pieces {
        if piece.document > 0 {
            documents.insert(piece.document);
        }
        match piece.outcome {
            Outcome::Object(object) => {
                report.objects += 1;
                objects.push((
                    *object,
                    Source {
                        file: name.clone(),
                        document: piece.document,
                        line: piece.line,
                    },
                ));
            }
            Outcome::Skipped(kind) => *report.skipped.entry(kind).or_default() += 1,
            Outcome::Error(message) => report.errors.push(InputError {
                document: piece.document,
                line: piece.line,
                message,
            }),
            Outcome::Empty => {}
        }
    }
    report.documents = documents.len() as u32;
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

/// Parses from a reader: JSON streams (the text is never held whole), YAML is read whole.
fn parse_reader(mut reader: impl Read + Send, hint: Option<Kind>) -> Vec<Piece> {
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
        let mut text = Vec::new();
        let mut chained = chained;
        if let Err(e) = chained.read_to_end(&mut text) {
            return vec![io_error(e)];
        }
        yaml::parse(&text, hint)
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
        let resource = name.rsplit('_').next().unwrap_or(name);
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
    })
}

/// The kind a `*List` gives its items (`NodeList` → Node).
pub fn list_item_kind(list_kind: &str) -> Option<Kind> {
    list_kind.strip_suffix("List").and_then(Kind::parse)
}

/// Turns one parsed raw object into an outcome, working out its kind.
pub(crate) fn classify(
    raw: raw::RawObject,
    list_kind: Option<Kind>,
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
            None if name.ends_with("List") && raw.items.is_none() => return Outcome::Empty,
            None => return Outcome::Skipped(name.to_string()),
        },
        None => match list_kind.or(hint) {
            Some(kind) => kind,
            None => {
                return Outcome::Error(
                    "the document has no `kind`, and neither its list nor its file name says \
                     which kind it is"
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

pub(crate) fn parse_units(units: Vec<Unit<'_>>, hint: Option<Kind>, json: bool) -> Vec<Piece> {
    let parse = |unit: &Unit<'_>| {
        if json {
            json::parse_unit(unit, hint)
        } else {
            yaml::parse_unit(unit, hint)
        }
    };
    let total: usize = units.iter().map(|u| u.text.len()).sum();
    if total < 256 * 1024 {
        units.iter().flat_map(parse).collect()
    } else {
        units.par_iter().flat_map_iter(parse).collect()
    }
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
