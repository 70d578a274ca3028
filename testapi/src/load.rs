//! Reading fixtures: the files `kubectl get -o yaml|json` writes, and
//! directories of them.
//!
//! Accepted: multi-document YAML; `kind: List` and any `*List` with `items`;
//! a bare JSON array of objects; a single object; several JSON documents
//! one after another; directories, walked recursively in name order
//! (`.yaml`, `.yml`, `.json` files only). JSON is read as a stream: a
//! `{"items": [...]}` file is never held whole in memory, each item is
//! stored as it is read. YAML is parsed per document (YAML exports are
//! small in tests; a huge YAML file costs a `Value` tree per document).

use std::fmt;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::store::{Candidate, Fields, Reject};

/// What loading found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LoadStats {
    /// Objects stored.
    pub objects: usize,
    /// Secrets dropped (never served).
    pub secrets_dropped: usize,
    /// Objects of kinds the server does not serve.
    pub skipped: usize,
}

/// A fixture that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
}

/// Where each object goes once read.
pub type Sink<'a> = dyn FnMut(Candidate) + 'a;

struct Loader<'a, 'b> {
    sink: &'a mut Sink<'b>,
    stats: LoadStats,
}

impl Loader<'_, '_> {
    fn object(&mut self, fields: Fields) -> Result<(), String> {
        // A List nested in a stream (rare: `kubectl get a,b -o json` makes
        // one List, but people concatenate them).
        if let Some(items) = fields.get("items") {
            let items: Vec<Box<RawValue>> =
                serde_json::from_str(items.get()).map_err(|e| format!("items: {e}"))?;
            for item in items {
                let f: Fields = serde_json::from_str(item.get()).map_err(|e| e.to_string())?;
                self.object(f)?;
            }
            return Ok(());
        }
        match Candidate::new(fields) {
            Ok(c) => {
                self.stats.objects += 1;
                (self.sink)(c);
            }
            Err(Reject::Secret) => self.stats.secrets_dropped += 1,
            Err(Reject::UnknownKind(_)) => self.stats.skipped += 1,
            Err(Reject::Invalid(m)) => return Err(m),
        }
        Ok(())
    }

    fn value(&mut self, v: Value) -> Result<(), String> {
        match v {
            Value::Null => Ok(()),
            Value::Array(items) => items.into_iter().try_for_each(|i| self.value(i)),
            Value::Object(mut map) => {
                if let Some(Value::Array(items)) = map.remove("items") {
                    return items.into_iter().try_for_each(|i| self.value(i));
                }
                self.object(Fields::from_value(Value::Object(map))?)
            }
            other => Err(format!("expected an object or a list, found {other}")),
        }
    }
}

/// Loads fixture files and directories, handing each object to `sink`.
pub fn load_paths(paths: &[PathBuf], sink: &mut Sink<'_>) -> Result<LoadStats, LoadError> {
    let mut loader = Loader {
        sink,
        stats: LoadStats::default(),
    };
    for p in paths {
        load_path(&mut loader, p, true)?;
    }
    Ok(loader.stats)
}

/// Loads objects given as values (the `objects` builder hook).
pub fn load_values(values: Vec<Value>, sink: &mut Sink<'_>) -> Result<LoadStats, String> {
    let mut loader = Loader {
        sink,
        stats: LoadStats::default(),
    };
    for v in values {
        loader.value(v)?;
    }
    Ok(loader.stats)
}

fn load_path(loader: &mut Loader, path: &Path, explicit: bool) -> Result<(), LoadError> {
    let io = |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let parse = |message: String| LoadError::Parse {
        path: path.to_path_buf(),
        message,
    };
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(io)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(io)?;
        entries.sort();
        for e in entries {
            load_path(loader, &e, false)?;
        }
        return Ok(());
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut reader = BufReader::with_capacity(1 << 20, File::open(path).map_err(io)?);
    let json = match ext.as_str() {
        "json" => true,
        "yaml" | "yml" => false,
        _ if !explicit => return Ok(()),
        _ => {
            // Sniff: JSON starts with `{` or `[`.
            let buf = std::io::BufRead::fill_buf(&mut reader).map_err(io)?;
            matches!(
                buf.iter().find(|b| !b.is_ascii_whitespace()),
                Some(b'{' | b'[')
            )
        }
    };
    if json {
        load_json(loader, reader).map_err(parse)
    } else {
        let mut text = String::new();
        reader.read_to_string(&mut text).map_err(io)?;
        for doc in serde_yaml_ng::Deserializer::from_str(&text) {
            let v = Value::deserialize(doc).map_err(|e| parse(e.to_string()))?;
            loader.value(v).map_err(parse)?;
        }
        Ok(())
    }
}

use serde::Deserialize;

/// Streams one or more JSON documents.
fn load_json<R: Read>(loader: &mut Loader, reader: R) -> Result<(), String> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    while de.end().is_err() {
        Document(loader)
            .deserialize(&mut de)
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// A top-level JSON document: an array of objects, a List, or one object.
struct Document<'l, 'a, 'b>(&'l mut Loader<'a, 'b>);

impl<'de> DeserializeSeed<'de> for Document<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Document<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Kubernetes object, a List, or an array of objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        Items(self.0).visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut fields = Vec::new();
        let mut was_list = false;
        while let Some(k) = map.next_key::<String>()? {
            if k == "items" {
                map.next_value_seed(Items(&mut *self.0))?;
                was_list = true;
            } else {
                fields.push((k, map.next_value::<Box<RawValue>>()?));
            }
        }
        if !was_list {
            self.0
                .object(Fields(fields))
                .map_err(serde::de::Error::custom)?;
        }
        Ok(())
    }
}

/// The `items` of a List, stored one by one as they are read.
struct Items<'l, 'a, 'b>(&'l mut Loader<'a, 'b>);

impl<'de> DeserializeSeed<'de> for Items<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Items<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of objects")
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(()) // "items": null
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(f) = seq.next_element::<Fields>()? {
            self.0.object(f).map_err(serde::de::Error::custom)?;
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // Not a list after all; tolerate and ignore.
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(name: &str, text: &str) -> (LoadStats, Vec<String>) {
        let dir = std::env::temp_dir().join(format!("qta-load-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        let mut names = Vec::new();
        let stats = load_paths(&[p], &mut |c: Candidate| names.push(c.name)).unwrap();
        std::fs::remove_dir_all(&dir).ok();
        (stats, names)
    }

    #[test]
    fn json_list_streams_items_and_drops_secrets() {
        let (s, names) = load_str(
            "l.json",
            r#"{"apiVersion":"v1","items":[
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","namespace":"x"}},
                {"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"x"}},
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"svc","namespace":"x"}}
            ],"kind":"List","metadata":{}}"#,
        );
        assert_eq!(names, ["a"]);
        assert_eq!(s.secrets_dropped, 1);
        assert_eq!(s.skipped, 1);
    }

    #[test]
    fn bare_array_and_concatenated_documents() {
        let (_, names) = load_str(
            "a.json",
            r#"[{"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"}}]
               {"apiVersion":"v1","kind":"Node","metadata":{"name":"n2"}}"#,
        );
        assert_eq!(names, ["n1", "n2"]);
    }

    #[test]
    fn multi_document_yaml() {
        let (_, names) = load_str(
            "m.yaml",
            "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n---\napiVersion: v1\nkind: PodList\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n---\n",
        );
        assert_eq!(names, ["n1", "p"]);
    }
}
