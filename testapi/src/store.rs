//! The object store: serialized objects plus a small index, a global
//! resourceVersion counter and a bounded history of watch events.
//!
//! Objects are kept as their final JSON bytes (`Bytes`, minified, with
//! `managedFields` stripped and `resourceVersion`/`uid` set), never as a
//! `serde_json::Value` tree: a 150,000-pod export is 2 GB of JSON and a Value
//! tree of it would be several times that. LIST responses are the stored
//! bytes concatenated; only a mutation parses an object.

use std::collections::{BTreeMap, VecDeque};
use std::ops::Bound;
use std::sync::Arc;

use bytes::Bytes;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use tokio::sync::broadcast;

use crate::kinds::{self, KINDS, KindId};

/// Labels of an object, kept in the index for label selectors and PDBs.
pub type Labels = Box<[(Box<str>, Box<str>)]>;

/// The top-level fields of one object, each still raw JSON, in their
/// original order. Deserializing an item into this validates it but parses
/// only the structure of the top level: `spec` and `status` stay text.
#[derive(Debug, Default)]
pub struct Fields(pub Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Fields;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a Kubernetes object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut out = Vec::with_capacity(5);
                while let Some(k) = map.next_key::<String>()? {
                    out.push((k, map.next_value::<Box<RawValue>>()?));
                }
                Ok(Fields(out))
            }
        }
        d.deserialize_map(V)
    }
}

impl Fields {
    /// Splits a parsed object into raw top-level fields.
    pub fn from_value(v: Value) -> Result<Self, String> {
        let Value::Object(map) = v else {
            return Err("an object must be a JSON/YAML mapping".into());
        };
        map.into_iter()
            .map(|(k, v)| {
                serde_json::value::to_raw_value(&v)
                    .map(|r| (k, r))
                    .map_err(|e| e.to_string())
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Fields)
    }

    /// The raw value of a top-level field.
    pub fn get(&self, key: &str) -> Option<&RawValue> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| &**v)
    }

    fn get_str(&self, key: &str) -> Option<String> {
        self.get(key)
            .and_then(|r| serde_json::from_str::<String>(r.get()).ok())
    }
}

/// An object about to be stored: its index keys and its parsed metadata,
/// with the rest of the body still raw.
#[derive(Debug)]
pub struct Candidate {
    pub kind: KindId,
    pub namespace: String,
    pub name: String,
    pub labels: Labels,
    pub metadata: Map<String, Value>,
    pub fields: Fields,
}

/// Why an object could not be stored.
#[derive(Debug, PartialEq)]
pub enum Reject {
    /// A Secret: never stored.
    Secret,
    /// A kind outside [`KINDS`] (Services, custom resources...): skipped.
    UnknownKind(String),
    /// Not an object, or no name.
    Invalid(String),
}

impl Candidate {
    /// Classifies and indexes an object. A namespaced object without a
    /// namespace lands in `default`, as `kubectl create` would put it.
    pub fn new(fields: Fields) -> Result<Self, Reject> {
        let kind_name = fields
            .get_str("kind")
            .ok_or_else(|| Reject::Invalid("object has no kind".into()))?;
        if kinds::is_secret(&kind_name) {
            return Err(Reject::Secret);
        }
        let api_version = fields.get_str("apiVersion");
        let kind = kinds::by_kind(&kind_name, api_version.as_deref())
            .ok_or_else(|| Reject::UnknownKind(kind_name.clone()))?;
        let metadata: Map<String, Value> = match fields.get("metadata") {
            Some(raw) => serde_json::from_str(raw.get())
                .map_err(|e| Reject::Invalid(format!("metadata: {e}")))?,
            None => Map::new(),
        };
        Self::with_metadata(kind, fields, metadata)
    }

    /// Same as [`Candidate::new`] for a kind already known (a request path).
    pub fn with_metadata(
        kind: KindId,
        fields: Fields,
        mut metadata: Map<String, Value>,
    ) -> Result<Self, Reject> {
        let info = &KINDS[kind];
        let name = metadata
            .get("name")
            .and_then(Value::as_str)
            .map(String::from)
            .ok_or_else(|| Reject::Invalid(format!("{} without metadata.name", info.kind)))?;
        let namespace = if info.namespaced {
            let ns = metadata
                .get("namespace")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .unwrap_or("default")
                .to_string();
            metadata.insert("namespace".into(), Value::String(ns.clone()));
            ns
        } else {
            metadata.remove("namespace");
            String::new()
        };
        metadata.remove("managedFields");
        let labels = metadata
            .get("labels")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.as_str().into(), v.as_str()?.into())))
                    .collect::<Vec<_>>()
                    .into_boxed_slice()
            })
            .unwrap_or_default();
        Ok(Self {
            kind,
            namespace,
            name,
            labels,
            metadata,
            fields,
        })
    }

    /// Parses a whole object (from a request body or a test hook).
    pub fn from_value(v: Value) -> Result<Self, Reject> {
        Self::new(Fields::from_value(v).map_err(Reject::Invalid)?)
    }

    /// Sets `metadata.generation` as the apiserver does for an object with a
    /// spec: 1 when it is created, one more each time its spec changes, the
    /// same when only its metadata or status does. Controllers and `apply`
    /// judge a workload's or budget's change by it.
    fn carry_generation(&mut self, old: Option<&Entry>) {
        // Only kinds whose apiserver strategy tracks it (workloads, budgets); a Lease's renewal
        // changes its spec and never its generation.
        let tracked = matches!(
            KINDS[self.kind].kind,
            "Deployment" | "StatefulSet" | "ReplicaSet" | "DaemonSet" | "PodDisruptionBudget"
        );
        let Some(spec) = self.fields.get("spec").filter(|_| tracked) else {
            return;
        };
        let parse = |raw: &str| serde_json::from_str::<Value>(raw).ok();
        let old = old.and_then(|e| serde_json::from_slice::<Value>(&e.bytes).ok());
        let before = old
            .as_ref()
            .and_then(|o| o["metadata"]["generation"].as_u64());
        let generation = match &old {
            None => 1,
            Some(o) => {
                let before = o["metadata"]["generation"].as_u64().unwrap_or(1);
                if o.get("spec") == parse(spec.get()).as_ref() {
                    before
                } else {
                    before + 1
                }
            }
        };
        self.metadata
            .insert("generation".into(), Value::from(generation));
        if before.is_some_and(|b| b != generation)
            && matches!(KINDS[self.kind].kind, "Deployment" | "StatefulSet")
        {
            self.settle_rollout(generation);
        }
    }

    /// The server runs no controllers and moves no pod, so a workload whose
    /// spec changed is reported rolled out at once, as `kubectl rollout
    /// status` would read it when its controller is done: the new
    /// generation observed and every replica updated and ready. Tests of
    /// what a rollout does to pods run on the real control plane.
    fn settle_rollout(&mut self, generation: u64) {
        let spec: Value = self
            .fields
            .get("spec")
            .and_then(|r| serde_json::from_str(r.get()).ok())
            .unwrap_or_default();
        let replicas = spec["replicas"].as_u64().unwrap_or(1);
        let mut status: Value = self
            .fields
            .get("status")
            .and_then(|r| serde_json::from_str(r.get()).ok())
            .filter(Value::is_object)
            .unwrap_or_else(|| Value::Object(Map::new()));
        status["observedGeneration"] = Value::from(generation);
        for key in [
            "replicas",
            "updatedReplicas",
            "readyReplicas",
            "availableReplicas",
        ] {
            status[key] = Value::from(replicas);
        }
        if let Some(update) = status["updateRevision"].as_str().map(String::from) {
            status["currentRevision"] = Value::String(update);
        }
        let raw = serde_json::value::to_raw_value(&status).expect("a JSON value");
        match self.fields.0.iter_mut().find(|(k, _)| k == "status") {
            Some((_, v)) => *v = raw,
            None => self.fields.0.push(("status".into(), raw)),
        }
    }

    /// Serializes the object with its final resourceVersion (and a fresh
    /// uid if it had none): `apiVersion` and `kind` first, the other fields
    /// in their original order, whitespace removed.
    pub(crate) fn finish(mut self, rv: u64) -> Entry {
        self.metadata
            .insert("resourceVersion".into(), Value::String(rv.to_string()));
        if !self.metadata.get("uid").is_some_and(Value::is_string) {
            self.metadata.insert(
                "uid".into(),
                Value::String(uuid::Uuid::new_v4().to_string()),
            );
        }
        let info = &KINDS[self.kind];
        let size: usize = self.fields.0.iter().map(|(_, v)| v.get().len()).sum();
        let mut out = Vec::with_capacity(size + 64);
        out.extend_from_slice(b"{\"apiVersion\":");
        serde_json::to_writer(&mut out, &info.api_version()).expect("write to Vec");
        out.extend_from_slice(b",\"kind\":");
        serde_json::to_writer(&mut out, info.kind).expect("write to Vec");
        out.extend_from_slice(b",\"metadata\":");
        serde_json::to_writer(&mut out, &self.metadata).expect("write to Vec");
        for (k, v) in &self.fields.0 {
            if matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
                continue;
            }
            out.push(b',');
            serde_json::to_writer(&mut out, k).expect("write to Vec");
            out.push(b':');
            minify_into(&mut out, v.get());
        }
        out.push(b'}');
        out.shrink_to_fit();
        Entry {
            rv,
            labels: self.labels,
            bytes: Bytes::from(out),
        }
    }
}

/// Copies valid JSON text without the whitespace between tokens: exports
/// are pretty-printed and half their bytes are indentation.
fn minify_into(out: &mut Vec<u8>, json: &str) {
    let mut in_string = false;
    let mut escaped = false;
    for &b in json.as_bytes() {
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
            if b == b'"' {
                in_string = true;
            }
            out.push(b);
        }
    }
}

/// One stored object.
#[derive(Debug, Clone)]
pub struct Entry {
    pub rv: u64,
    pub labels: Labels,
    /// The object as served: complete JSON.
    pub bytes: Bytes,
}

/// The `type` of a watch event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// A change, kept in the history and broadcast to open watches.
#[derive(Debug)]
pub struct WatchEvent {
    pub kind: KindId,
    pub namespace: Box<str>,
    pub name: Box<str>,
    pub rv: u64,
    pub etype: EventType,
    pub labels: Labels,
    /// The object as of this event.
    pub object: Bytes,
    /// The whole line as written to every watch: `{"type":..,"object":..}\n`.
    pub line: Bytes,
}

/// Builds the line a watch stream writes for an event.
pub fn event_line(etype: &str, object: &[u8]) -> Bytes {
    let mut line = Vec::with_capacity(object.len() + 32);
    line.extend_from_slice(b"{\"type\":\"");
    line.extend_from_slice(etype.as_bytes());
    line.extend_from_slice(b"\",\"object\":");
    line.extend_from_slice(object);
    line.extend_from_slice(b"}\n");
    Bytes::from(line)
}

type Key = (String, String);

/// All objects, the resourceVersion counter and the event history.
pub struct Store {
    kinds: Vec<BTreeMap<Key, Entry>>,
    rv: u64,
    history: VecDeque<Arc<WatchEvent>>,
    /// The history holds every event with an rv above this one; a watch or
    /// a continue token from before it gets 410 Gone.
    history_start: u64,
    history_cap: usize,
    events: broadcast::Sender<Arc<WatchEvent>>,
}

impl Store {
    pub fn new(history_cap: usize) -> Self {
        let (events, _) = broadcast::channel(history_cap.max(16));
        Self {
            kinds: KINDS.iter().map(|_| BTreeMap::new()).collect(),
            rv: 0,
            history: VecDeque::new(),
            history_start: 0,
            history_cap,
            events,
        }
    }

    /// The current (latest) resourceVersion.
    pub fn rv(&self) -> u64 {
        self.rv
    }

    /// See [`Store::history_start`] field.
    pub fn history_start(&self) -> u64 {
        self.history_start
    }

    /// New events after this call go to the receiver; subscribe while
    /// holding the lock that also reads the history so nothing falls between.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<WatchEvent>> {
        self.events.subscribe()
    }

    /// Number of stored objects.
    pub fn len(&self) -> usize {
        self.kinds.iter().map(BTreeMap::len).sum()
    }

    /// True when nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Stores an object loaded from a fixture: a later fixture replaces an
    /// earlier object of the same name, and no watch event is made (loading
    /// happens before the server listens).
    pub fn load(&mut self, cand: Candidate) {
        self.rv += 1;
        let key = (cand.namespace.clone(), cand.name.clone());
        let kind = cand.kind;
        let entry = cand.finish(self.rv);
        self.kinds[kind].insert(key, entry);
        self.history_start = self.rv;
    }

    /// Creates or replaces an object, recording and broadcasting the event.
    pub fn put(&mut self, mut cand: Candidate) -> (EventType, Entry) {
        self.rv += 1;
        let key = (cand.namespace.clone(), cand.name.clone());
        let kind = cand.kind;
        cand.carry_generation(self.kinds[kind].get(&key));
        let entry = cand.finish(self.rv);
        let etype = match self.kinds[kind].insert(key.clone(), entry.clone()) {
            Some(_) => EventType::Modified,
            None => EventType::Added,
        };
        self.emit(kind, key, etype, &entry);
        (etype, entry)
    }

    /// Removes an object; the DELETED event and the returned bytes carry the
    /// resourceVersion of the deletion, as the apiserver's do.
    pub fn remove(&mut self, kind: KindId, namespace: &str, name: &str) -> Option<Entry> {
        let key = (namespace.to_string(), name.to_string());
        let old = self.kinds[kind].remove(&key)?;
        self.rv += 1;
        let mut v: Value = serde_json::from_slice(&old.bytes).expect("stored objects are JSON");
        v["metadata"]["resourceVersion"] = Value::String(self.rv.to_string());
        let entry = Entry {
            rv: self.rv,
            labels: old.labels,
            bytes: Bytes::from(serde_json::to_vec(&v).expect("serialize")),
        };
        self.emit(kind, key, EventType::Deleted, &entry);
        Some(entry)
    }

    fn emit(&mut self, kind: KindId, key: Key, etype: EventType, entry: &Entry) {
        let ev = Arc::new(WatchEvent {
            kind,
            namespace: key.0.into(),
            name: key.1.into(),
            rv: entry.rv,
            etype,
            labels: entry.labels.clone(),
            object: entry.bytes.clone(),
            line: event_line(etype.as_str(), &entry.bytes),
        });
        self.history.push_back(ev.clone());
        while self.history.len() > self.history_cap {
            if let Some(old) = self.history.pop_front() {
                self.history_start = old.rv;
            }
        }
        // No receiver is fine: nobody is watching.
        let _ = self.events.send(ev);
    }

    /// Drops the whole history and moves the horizon past every
    /// resourceVersion handed out so far, so any watch or continue token
    /// from before this call gets 410 Gone (as after an etcd compaction).
    pub fn compact(&mut self) {
        self.rv += 1;
        self.history.clear();
        self.history_start = self.rv;
    }

    /// The events after `since`, or `None` if some were compacted away.
    pub fn events_since(&self, since: u64) -> Option<Vec<Arc<WatchEvent>>> {
        if since < self.history_start {
            return None;
        }
        let from = self.history.partition_point(|e| e.rv <= since);
        Some(self.history.range(from..).cloned().collect())
    }

    pub fn get(&self, kind: KindId, namespace: &str, name: &str) -> Option<&Entry> {
        self.kinds[kind].get(&(namespace.to_string(), name.to_string()))
    }

    /// Objects of a kind in key order (namespace, name), optionally within
    /// one namespace and strictly after a key (for continue tokens).
    pub fn range<'a>(
        &'a self,
        kind: KindId,
        namespace: Option<&'a str>,
        after: Option<Key>,
    ) -> impl Iterator<Item = (&'a Key, &'a Entry)> + 'a {
        let lower = match (after, namespace) {
            (Some(k), _) => Bound::Excluded(k),
            (None, Some(ns)) => Bound::Included((ns.to_string(), String::new())),
            (None, None) => Bound::Unbounded,
        };
        self.kinds[kind]
            .range((lower, Bound::Unbounded))
            .take_while(move |((ns, _), _)| namespace.is_none_or(|want| ns == want))
    }

    /// Every object of a kind (the eviction code walks pods and PDBs).
    pub fn all(&self, kind: KindId) -> impl Iterator<Item = (&Key, &Entry)> {
        self.kinds[kind].iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(ns: &str, name: &str) -> Candidate {
        Candidate::from_value(json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": ns, "labels": {"app": "x"},
                "managedFields": [{"manager": "kubectl"}]},
            "spec": {"nodeName": "n1"}}))
        .unwrap()
    }

    #[test]
    fn generation_moves_with_a_workloads_spec_only() {
        let mut s = Store::new(100);
        let sts = |replicas: u32, status: Value| {
            Candidate::from_value(json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
                "metadata": {"name": "pg", "namespace": "db"},
                "spec": {"replicas": replicas}, "status": status}))
            .unwrap()
        };
        let generation = |s: &Store, kind: &str, name: &str| {
            let e = s.get(kinds::lookup(kind).unwrap(), "db", name).unwrap();
            serde_json::from_slice::<Value>(&e.bytes).unwrap()["metadata"]["generation"].clone()
        };
        s.put(sts(3, json!({})));
        assert_eq!(generation(&s, "StatefulSet", "pg"), 1);
        s.put(sts(3, json!({"readyReplicas": 3})));
        assert_eq!(
            generation(&s, "StatefulSet", "pg"),
            1,
            "a status change keeps it"
        );
        s.put(sts(5, json!({"readyReplicas": 3})));
        assert_eq!(
            generation(&s, "StatefulSet", "pg"),
            2,
            "a spec change moves it"
        );
        // The server runs no controller: the change is reported rolled out at once.
        let e = s
            .get(kinds::lookup("StatefulSet").unwrap(), "db", "pg")
            .unwrap();
        let v: Value = serde_json::from_slice(&e.bytes).unwrap();
        assert_eq!(v["status"]["observedGeneration"], 2);
        assert_eq!(v["status"]["updatedReplicas"], 5);
        // A Lease's renewal changes its spec, never a generation (the apiserver keeps none).
        let lease = |renew: &str| {
            Candidate::from_value(
                json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                "metadata": {"name": "l", "namespace": "db"},
                "spec": {"holderIdentity": "pg-0", "renewTime": renew}}),
            )
            .unwrap()
        };
        s.put(lease("2026-11-20T10:00:00.000000Z"));
        s.put(lease("2026-11-20T10:00:02.000000Z"));
        assert_eq!(generation(&s, "Lease", "l"), Value::Null);
    }

    #[test]
    fn finish_sets_rv_uid_and_strips_managed_fields() {
        let mut s = Store::new(100);
        s.put(pod("db", "a"));
        let e = s.get(kinds::POD, "db", "a").unwrap();
        let v: Value = serde_json::from_slice(&e.bytes).unwrap();
        assert_eq!(v["metadata"]["resourceVersion"], "1");
        assert!(v["metadata"]["uid"].is_string());
        assert!(v["metadata"].get("managedFields").is_none());
        assert_eq!(v["spec"]["nodeName"], "n1");
        assert_eq!(&*e.labels, &[("app".into(), "x".into())]);
    }

    #[test]
    fn minify_keeps_strings() {
        let mut out = Vec::new();
        minify_into(&mut out, "{ \"a b\" : [ 1, \"x \\\" y\" ] }");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"a b\":[1,\"x \\\" y\"]}"
        );
    }

    #[test]
    fn secrets_and_unknown_kinds_are_rejected() {
        let r = Candidate::from_value(
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}),
        );
        assert_eq!(r.unwrap_err(), Reject::Secret);
        let r = Candidate::from_value(
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}),
        );
        assert!(matches!(r.unwrap_err(), Reject::UnknownKind(_)));
    }

    #[test]
    fn history_and_compaction() {
        let mut s = Store::new(100);
        s.put(pod("db", "a"));
        s.put(pod("db", "b"));
        assert_eq!(s.events_since(1).unwrap().len(), 1);
        assert_eq!(s.events_since(0).unwrap().len(), 2);
        s.compact();
        assert!(s.events_since(2).is_none());
        assert_eq!(s.events_since(3).unwrap().len(), 0);
        s.remove(kinds::POD, "db", "a").unwrap();
        assert_eq!(s.events_since(3).unwrap()[0].rv, 4);
    }

    #[test]
    fn range_within_namespace_and_after_key() {
        let mut s = Store::new(10);
        for (ns, n) in [("a", "1"), ("b", "1"), ("b", "2"), ("c", "1")] {
            s.put(pod(ns, n));
        }
        let names: Vec<_> = s
            .range(kinds::POD, Some("b"), None)
            .map(|(k, _)| k.1.clone())
            .collect();
        assert_eq!(names, ["1", "2"]);
        let after: Vec<_> = s
            .range(kinds::POD, None, Some(("b".into(), "1".into())))
            .map(|(k, _)| format!("{}/{}", k.0, k.1))
            .collect();
        assert_eq!(after, ["b/2", "c/1"]);
    }
}
