//! YAML inputs. This is the only module that names the YAML library, so the choice can change in
//! one place (see BENCHMARKS.md for why it is this one).
//!
//! A stream is cut at its `---` markers before anything is parsed, so a broken document never
//! hides its neighbours. A `kind: List` document in kubectl's block style is cut further into
//! its items, which parse in parallel and keep their own line numbers.

use serde::de::DeserializeOwned;

use super::raw::{RawHead, RawObject};
use super::{Outcome, Piece, Unit, classify, classify_failure, list_item_kind, parse_units};
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

/// One document of a stream: its bytes and where it starts.
struct Document<'a> {
    text: &'a [u8],
    number: u32,
    line: u32,
}

fn is_blank_or_comment(line: &[u8]) -> bool {
    let t = line.trim_ascii();
    t.is_empty() || t.starts_with(b"#")
}

fn is_marker(line: &[u8], marker: &[u8; 3]) -> bool {
    line.starts_with(marker) && line[3..].first().is_none_or(|b| b.is_ascii_whitespace())
}

/// Lines with their byte offsets.
fn lines(text: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= text.len() {
            return None;
        }
        let start = at;
        let end = memchr::memchr(b'\n', &text[at..]).map_or(text.len(), |i| at + i + 1);
        at = end;
        Some((start, &text[start..end]))
    })
}

/// Cuts a stream at `---` (and `...`) markers; blank and comment-only documents are dropped.
fn documents<'a>(text: &'a [u8]) -> Vec<Document<'a>> {
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1u32;
    let mut line_no = 0u32;
    let push = |from: usize, to: usize, line: u32, out: &mut Vec<Document<'a>>| {
        let slice = &text[from..to];
        if !lines(slice).all(|(_, l)| is_blank_or_comment(l) || is_marker(l, b"---")) {
            out.push(Document {
                text: slice,
                number: out.len() as u32 + 1,
                line,
            });
        }
    };
    for (offset, line) in lines(text) {
        line_no += 1;
        if is_marker(line, b"---") {
            push(start, offset, start_line, &mut out);
            start = offset;
            start_line = line_no;
        } else if is_marker(line, b"...") {
            push(start, offset, start_line, &mut out);
            start = offset + line.len();
            start_line = line_no + 1;
        }
    }
    push(start, text.len(), start_line, &mut out);
    out
}

/// `kind: Secret` at the top level of a document, found without parsing it.
fn is_secret(text: &[u8]) -> bool {
    lines(text).any(|(_, l)| {
        l.strip_prefix(b"kind:").is_some_and(|v| {
            let v = v.trim_ascii();
            v == b"Secret" || v == b"\"Secret\"" || v == b"'Secret'"
        })
    })
}

fn top_level_value<'a>(text: &'a [u8], key: &[u8]) -> Option<&'a str> {
    lines(text).find_map(|(_, l)| {
        let v = l.strip_prefix(key)?.strip_prefix(b":")?;
        let v = v.trim_ascii();
        let v = v
            .strip_prefix(b"\"")
            .and_then(|v| v.strip_suffix(b"\""))
            .unwrap_or(v);
        std::str::from_utf8(v).ok().filter(|v| !v.is_empty())
    })
}

/// A block-style `items:` sequence cut into its elements: (offset, line) of each element, and the
/// document's text outside the items.
fn list_items(doc: &Document<'_>) -> Option<Vec<(usize, usize, u32)>> {
    let text = doc.text;
    let mut iter = lines(text).enumerate().peekable();
    // Find `items:` at column 0.
    loop {
        let (_, (_, l)) = iter.next()?;
        if l.trim_ascii_end() == b"items:" {
            break;
        }
    }
    let mut indent = None;
    let mut items: Vec<(usize, usize, u32)> = Vec::new();
    let mut end = text.len();
    for (index, (offset, l)) in iter {
        if is_blank_or_comment(l) {
            continue;
        }
        let spaces = l.iter().take_while(|b| **b == b' ').count();
        let rest = &l[spaces..];
        let starts_item = rest.starts_with(b"- ") || rest.trim_ascii_end() == b"-";
        let item_indent = match indent {
            Some(i) => i,
            None if starts_item => *indent.insert(spaces),
            None => return None,
        };
        if spaces == item_indent && starts_item {
            if let Some(last) = items.last_mut() {
                last.1 = offset;
            }
            items.push((offset, text.len(), doc.line_of(index)));
        } else if spaces <= item_indent {
            end = offset;
            break;
        }
    }
    if let Some(last) = items.last_mut() {
        last.1 = last.1.min(end);
    }
    Some(items)
}

impl<'a> Document<'a> {
    /// The absolute line of the document's line `index` (0-based).
    fn line_of(&self, index: usize) -> u32 {
        self.line + index as u32
    }

    /// The line of the document's first meaningful line (past blanks, comments and `---`).
    fn first_line(&self) -> u32 {
        self.body().1
    }

    /// The document from its first meaningful line on, and that line's number: what is parsed,
    /// so a parser's line within it counts from the line reported for the document.
    fn body(&self) -> (&'a [u8], u32) {
        let mut skipped = 0;
        let mut from = self.text.len();
        for (offset, l) in lines(self.text) {
            if !(is_blank_or_comment(l) || is_marker(l, b"---") && l.trim_ascii().len() == 3) {
                from = offset;
                break;
            }
            skipped += 1;
        }
        (&self.text[from..], self.line_of(skipped))
    }
}

pub fn parse(bytes: &[u8], hint: Option<Kind>) -> Vec<Piece> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut units = Vec::new();
    let mut pieces = Vec::new();
    for doc in documents(bytes) {
        if is_secret(doc.text) {
            pieces.push(Piece {
                document: doc.number,
                line: doc.line,
                outcome: Outcome::Skipped("Secret".into()),
            });
            continue;
        }
        let list_kind = top_level_value(doc.text, b"kind");
        let is_list = list_kind.is_some_and(|k| k.ends_with("List"));
        if is_list {
            pieces.push(Piece {
                document: doc.number,
                line: doc.line,
                outcome: Outcome::List {
                    typed: list_kind.is_some_and(super::is_typed_list),
                },
            });
        }
        match list_items(&doc).filter(|_| is_list) {
            Some(items) => {
                let item_kind = list_kind.and_then(list_item_kind);
                if items.is_empty() {
                    let kind = item_kind.and_then(|k| super::recognise(k, None)).or(hint);
                    pieces.push(Piece {
                        document: doc.number,
                        line: doc.first_line(),
                        outcome: Outcome::Empty(kind),
                    });
                }
                units.extend(items.into_iter().map(|(from, to, line)| Unit {
                    text: &doc.text[from..to],
                    document: doc.number,
                    line,
                    list_kind: item_kind,
                    item: true,
                }));
            }
            None => units.push(Unit {
                text: doc.body().0,
                document: doc.number,
                line: doc.first_line(),
                list_kind: None,
                item: false,
            }),
        }
    }
    pieces.extend(parse_units(units, hint, false));
    pieces
}

/// Parses one document, or one element of a list (as a one-element sequence).
pub(crate) fn parse_unit(unit: &Unit<'_>, hint: Option<Kind>) -> Vec<Piece> {
    let text = String::from_utf8_lossy(unit.text);
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
            return vec![piece(unit.line, Outcome::Skipped("Secret".into()))];
        }
        return match deserialize::<Vec<RawObject>>(&text) {
            Ok(items) => items
                .into_iter()
                .map(|raw| piece(unit.line, classify(raw, unit.list_kind, hint)))
                .collect(),
            Err(e) => {
                let head = serde_yaml_ng::from_str::<Vec<RawHead>>(&text)
                    .ok()
                    .and_then(|mut h| h.pop());
                let message = path_message::<Vec<RawObject>>(&text, &e);
                let (outcome, line) = classify_failure(head, message, line_of(&e));
                vec![piece(line, outcome)]
            }
        };
    }
    match deserialize::<RawObject>(&text) {
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
            None => vec![piece(unit.line, classify(raw, unit.list_kind, hint))],
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
    }
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

fn path_message<T: DeserializeOwned>(text: &str, error: &serde_yaml_ng::Error) -> String {
    let de = serde_yaml_ng::Deserializer::from_str(text);
    let message = match serde_path_to_error::deserialize::<_, T>(de) {
        Err(e) if e.path().iter().next().is_some() => {
            let inner = yaml_error(e.inner()).message;
            let path = e.path().to_string();
            if inner.starts_with(&path) {
                inner
            } else {
                format!("{path}: {inner}")
            }
        }
        _ => yaml_error(error).message,
    };
    format!("invalid YAML: {message}")
}

/// Cuts like [`parse`] and walks each unit into `IgnoredAny` on one thread (the parser's floor).
pub(crate) fn walk_units(bytes: &[u8]) -> usize {
    use serde::de::IgnoredAny;
    let mut walked = 0;
    for doc in documents(bytes) {
        let list = top_level_value(doc.text, b"kind").is_some_and(|k| k.ends_with("List"));
        match list_items(&doc).filter(|_| list) {
            Some(items) => {
                for (from, to, _) in items {
                    let text = String::from_utf8_lossy(&doc.text[from..to]);
                    walked += usize::from(serde_yaml_ng::from_str::<IgnoredAny>(&text).is_ok());
                }
            }
            None => {
                let text = String::from_utf8_lossy(doc.text);
                walked += usize::from(serde_yaml_ng::from_str::<IgnoredAny>(&text).is_ok());
            }
        }
    }
    walked
}
