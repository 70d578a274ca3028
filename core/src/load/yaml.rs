//! YAML inputs. This is the only module that names the YAML library, so the choice can change in
//! one place (see BENCHMARKS.md for why it is this one).
//!
//! A stream is cut at its `---` markers before anything is parsed, so a broken document never
//! hides its neighbours. A list in kubectl's block style is cut further into its items, which
//! parse in parallel and keep their own line numbers. The cutting streams (`yaml_stream`): the
//! text is never held whole.

use serde::de::DeserializeOwned;

use super::raw::{RawHead, RawObject};
use super::yaml_stream::UnitRef;
use super::{Outcome, Piece, classify, classify_failure, list_item_kind};
use crate::model::Kind;

/// The YAML library behind every YAML read (reported by `quorum --version`).
pub const YAML_LIBRARY: &str = "serde_yaml_ng 0.10";

/// A YAML error with its 1-based line, when the library knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: Option<u32>,
    pub message: String,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

fn yaml_error(e: &serde_yaml_ng::Error) -> YamlError {
    YamlError {
        line: e.location().map(|l| l.line() as u32),
        message: super::json::strip_location(&e.to_string()),
    }
}

/// Deserializes a small YAML text (configuration, drill files) with its field path in errors.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    let de = serde_yaml_ng::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let mut err = yaml_error(e.inner());
        let path = e.path().to_string();
        if e.path().iter().next().is_some() && !err.message.starts_with(&path) {
            err.message = format!("{path}: {}", err.message);
        }
        err
    })
}

/// Serializes to YAML text.
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, YamlError> {
    serde_yaml_ng::to_string(value).map_err(|e| yaml_error(&e))
}

/// Parses a YAML stream from a reader, never holding it whole (see `yaml_stream`).
pub fn parse_reader(reader: impl std::io::Read + Send, hint: Option<Kind>) -> Vec<Piece> {
    super::yaml_stream::parse_reader(reader, hint, |text, unit| parse_unit(text, unit, hint))
}

/// Parses YAML text already in memory.
pub fn parse(bytes: &[u8], hint: Option<Kind>) -> Vec<Piece> {
    parse_reader(bytes, hint)
}

/// Parses one document, or one element of a list (as a one-element sequence). An element
/// without a `kind` comes back raw with it, to be classified once its list's kind is known.
fn parse_unit(
    bytes: &[u8],
    unit: &UnitRef,
    hint: Option<Kind>,
) -> Vec<(Piece, Option<Box<RawObject>>)> {
    let text = String::from_utf8_lossy(bytes);
    let piece = |line: u32, outcome| Piece {
        document: unit.document,
        line,
        outcome,
    };
    let line_of = |e: &serde_yaml_ng::Error| {
        unit.line
            + e.location()
                .map_or(0, |l| (l.line() as u32).saturating_sub(1))
    };
    if unit.item {
        if is_secret_item(&text) {
            return vec![(piece(unit.line, Outcome::Skipped("Secret".into())), None)];
        }
        return match deserialize::<Vec<RawObject>>(&text) {
            Ok(items) => items
                .into_iter()
                .map(|raw| {
                    if raw.kind.as_ref().is_some_and(|k| !k.0.is_empty()) {
                        (piece(unit.line, classify(raw, None, hint)), None)
                    } else {
                        (piece(unit.line, Outcome::Empty(None)), Some(Box::new(raw)))
                    }
                })
                .collect(),
            Err(e) => {
                let head = serde_yaml_ng::from_str::<Vec<RawHead>>(&text)
                    .ok()
                    .and_then(|mut h| h.pop());
                let message = path_message::<Vec<RawObject>>(&text, &e);
                let (outcome, line) = classify_failure(head, message, line_of(&e));
                vec![(piece(line, outcome), None)]
            }
        };
    }
    let pieces = match deserialize::<RawObject>(&text) {
        Ok(mut raw) => match raw.items.take() {
            Some(items) => {
                let list_kind = raw.kind.as_ref().map(|k| k.0.clone());
                let list_kind = list_kind.as_deref().and_then(list_item_kind);
                let mut out: Vec<Piece> = items
                    .into_iter()
                    .map(|item| piece(unit.line, classify(item, list_kind, hint)))
                    .collect();
                if out.is_empty() {
                    let kind = list_kind.and_then(|k| super::recognise(k, None)).or(hint);
                    out.push(piece(unit.line, Outcome::Empty(kind)));
                }
                out
            }
            None => vec![piece(unit.line, classify(raw, None, hint))],
        },
        // A bare sequence of objects, as JSON has bare arrays.
        Err(_) if text.trim_start().starts_with('-') && is_sequence_of_mappings(&text) => {
            match deserialize::<Vec<RawObject>>(&text) {
                Ok(items) => items
                    .into_iter()
                    .map(|raw| piece(unit.line, classify(raw, None, hint)))
                    .collect(),
                Err(e) => {
                    let message = path_message::<Vec<RawObject>>(&text, &e);
                    vec![piece(line_of(&e), Outcome::Error(message))]
                }
            }
        }
        // Prose, a list of strings: well-formed YAML that is no object.
        Err(_) if is_not_a_mapping(&text) => vec![piece(unit.line, Outcome::Foreign)],
        Err(e) => {
            let head = serde_yaml_ng::from_str::<RawHead>(&text).ok();
            let message = path_message::<RawObject>(&text, &e);
            let (outcome, line) = classify_failure(head, message, line_of(&e));
            vec![piece(line, outcome)]
        }
    };
    pieces.into_iter().map(|p| (p, None)).collect()
}

/// Well-formed YAML whose value is a sequence of mappings.
fn is_sequence_of_mappings(text: &str) -> bool {
    serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text).is_ok_and(|v| {
        v.as_sequence()
            .is_some_and(|s| !s.is_empty() && s.iter().all(|i| i.is_mapping()))
    })
}

/// Well-formed YAML whose value is a scalar or a sequence, not a mapping.
fn is_not_a_mapping(text: &str) -> bool {
    serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text).is_ok_and(|v| !v.is_mapping())
}

/// Deserializes a document, resolving YAML merge keys (`<<: *anchor`) when it uses them. A key
/// written twice in one mapping (hand-edited manifests have them) takes its last value, as the
/// API server's YAML reader does, instead of costing the whole document.
fn deserialize<T: DeserializeOwned>(text: &str) -> Result<T, serde_yaml_ng::Error> {
    let first = if text.contains("<<") {
        serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text).and_then(|mut value| {
            value.apply_merge()?;
            serde_yaml_ng::from_value(value)
        })
    } else {
        serde_yaml_ng::from_str(text)
    };
    match first {
        Err(e) if e.to_string().contains("duplicate field") => last_value_wins(text).ok_or(e),
        other => other,
    }
}

/// `text` read through a JSON value, whose mappings keep the last of duplicate keys.
fn last_value_wins<T: DeserializeOwned>(text: &str) -> Option<T> {
    let value: serde_json::Value = if text.contains("<<") {
        let mut yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).ok()?;
        yaml.apply_merge().ok()?;
        serde_yaml_ng::from_value(yaml).ok()?
    } else {
        serde_yaml_ng::from_str(text).ok()?
    };
    serde_json::from_value(value).ok()
}

/// A list element that is a Secret (`- apiVersion: v1` ... `  kind: Secret`).
fn is_secret_item(text: &str) -> bool {
    let mut indent = None;
    text.lines().any(|l| {
        let spaces = l.len() - l.trim_start_matches([' ', '-']).len();
        let own = *indent.get_or_insert(spaces);
        spaces == own && l.trim_start_matches([' ', '-']).trim_end() == "kind: Secret"
    })
}

/// The error with the path of the field it is in, said once (the library may already start its
/// message with it, after a dot). A list item is parsed as a one-element sequence: its `[0]` is
/// not the user's, the line already points at the item.
fn path_message<T: DeserializeOwned>(text: &str, error: &serde_yaml_ng::Error) -> String {
    let de = serde_yaml_ng::Deserializer::from_str(text);
    let message = match serde_path_to_error::deserialize::<_, T>(de) {
        Err(e) if e.path().iter().next().is_some() => {
            let inner = yaml_error(e.inner()).message;
            let path = e.path().to_string();
            match inner.trim_start_matches('.').strip_prefix(path.as_str()) {
                Some(rest) if rest.starts_with(':') => format!("{path}{rest}"),
                _ => format!("{path}: {inner}"),
            }
        }
        _ => yaml_error(error).message,
    };
    let message = message
        .strip_prefix("[0].")
        .or_else(|| message.strip_prefix("[0]: "))
        .filter(|_| text.trim_start().starts_with('-'))
        .unwrap_or(&message);
    format!("invalid YAML: {message}")
}

/// Cuts like [`parse_reader`] and walks each unit into `IgnoredAny` on one thread (the
/// parser's floor).
pub(crate) fn walk_units(bytes: &[u8]) -> usize {
    use serde::de::IgnoredAny;
    let mut walked = 0;
    super::yaml_stream::walk(bytes, |text, _| {
        let text = String::from_utf8_lossy(text);
        walked += usize::from(serde_yaml_ng::from_str::<IgnoredAny>(&text).is_ok());
    });
    walked
}
