//! YAML inputs, streamed: the text is read line by line and cut into units (each document at its
//! `---`/`...` markers, each element of a block `items:` sequence on its own) without parsing
//! anything; the units are parsed in batches on every core while the cutter reads on. Only the
//! unit being cut and a few batches in flight are held, never the whole file.
//!
//! The cut follows what kubectl prints: `items:` at column 0, its elements starting with `- `
//! at one indentation, the list's `kind:` after them. A document whose `items:` are not a block
//! sequence (`items: []`, a mapping) is parsed whole, like any other document. As with JSON, a
//! document's top-level block `items:` are read as a list's items whatever its `kind` says.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::ops::Range;
use std::sync::mpsc;

use rayon::prelude::*;

use super::raw::RawObject;
use super::{BATCH_BYTES, Outcome, Piece, classify, list_item_kind};
use crate::model::Kind;

const READ_BUFFER: usize = 1 << 20;

/// One unit inside a batch: a whole document or one element of a list.
pub(crate) struct UnitRef {
    pub range: Range<usize>,
    pub document: u32,
    pub line: u32,
    /// An element of a block `items:` sequence.
    pub item: bool,
}

type Batch = super::Batch<UnitRef>;

enum Event {
    Batch(Batch),
    /// A document whose items were cut out: its `kind`, if it has one, and its first line.
    Listed(u32, u32, Option<String>),
    /// A document with `kind: Secret`, skipped unread.
    Secret(u32, u32),
    /// The input could not be read on.
    Error(String),
}

/// Cuts a YAML stream on a thread of its own and hands each event to `on_event` as it comes;
/// a batch `on_event` returns goes back to the cutter to be filled again (fresh buffers would
/// cost a page fault and the zeroing of every page, for every batch).
fn cut(reader: impl Read + Send, mut on_event: impl FnMut(Event) -> Option<Batch>) {
    let (tx, rx) = mpsc::sync_channel::<Event>(3);
    let (spare_tx, spare_rx) = mpsc::channel::<Batch>();
    std::thread::scope(|scope| {
        scope.spawn(move || Cutter::new(reader, tx, spare_rx).run());
        for event in rx {
            if let Some(batch) = on_event(event) {
                let _ = spare_tx.send(batch);
            }
        }
    });
}

/// Walks every unit into `parse` on this thread, in order (the parser's floor); how many units.
pub(crate) fn walk(reader: impl Read + Send, mut parse: impl FnMut(&[u8], &UnitRef)) -> usize {
    let mut units = 0;
    cut(reader, |event| {
        let Event::Batch(batch) = event else {
            return None;
        };
        for unit in &batch.units {
            parse(&batch.data[unit.range.clone()], unit);
            units += 1;
        }
        Some(batch)
    });
    units
}

/// Parses a YAML stream. `parse_unit` turns one unit into its pieces; an element of a list
/// without a `kind` comes back raw, to be classified once its list's kind is known.
pub(crate) fn parse_reader(
    reader: impl Read + Send,
    hint: Option<Kind>,
    parse_unit: impl Fn(&[u8], &UnitRef) -> Vec<(Piece, Option<Box<RawObject>>)> + Sync,
) -> Vec<Piece> {
    let mut pieces: Vec<Piece> = Vec::new();
    let mut list_kinds: HashMap<u32, String> = HashMap::new();
    let mut deferred: Vec<(usize, u32, Box<RawObject>)> = Vec::new();
    cut(reader, |event| {
        match event {
            Event::Batch(batch) => {
                let parsed: Vec<(Piece, Option<Box<RawObject>>)> = if batch.data.len() < 256 << 10 {
                    batch
                        .units
                        .iter()
                        .flat_map(|u| parse_unit(&batch.data[u.range.clone()], u))
                        .collect()
                } else {
                    batch
                        .units
                        .par_iter()
                        .flat_map_iter(|u| parse_unit(&batch.data[u.range.clone()], u))
                        .collect()
                };
                for (piece, raw) in parsed {
                    if let Some(raw) = raw {
                        deferred.push((pieces.len(), piece.document, raw));
                    }
                    pieces.push(piece);
                }
                return Some(batch);
            }
            Event::Listed(document, line, kind) => {
                if let Some(kind) = kind {
                    if kind.ends_with("List") {
                        pieces.push(Piece {
                            document,
                            line,
                            outcome: Outcome::List {
                                typed: super::is_typed_list(&kind),
                            },
                        });
                    }
                    list_kinds.insert(document, kind);
                }
            }
            Event::Secret(document, line) => pieces.push(Piece {
                document,
                line,
                outcome: Outcome::Skipped("Secret".into()),
            }),
            Event::Error(message) => pieces.push(Piece {
                document: 0,
                line: 0,
                outcome: Outcome::Error(message),
            }),
        }
        None
    });
    for (index, document, raw) in deferred {
        let list_kind = list_kinds.get(&document).and_then(|k| list_item_kind(k));
        pieces[index].outcome = classify(*raw, list_kind, hint);
    }
    pieces
}

fn is_blank_or_comment(line: &[u8]) -> bool {
    let t = line.trim_ascii();
    t.is_empty() || t.starts_with(b"#")
}

fn is_marker(line: &[u8], marker: &[u8; 3]) -> bool {
    line.starts_with(marker) && line[3..].first().is_none_or(|b| b.is_ascii_whitespace())
}

/// The value of a top-level `key:` line (`kind: List`), unquoted.
fn top_level_value(line: &[u8], key: &[u8]) -> Option<String> {
    let v = line.strip_prefix(key)?.strip_prefix(b":")?.trim_ascii();
    let v = v
        .strip_prefix(b"\"")
        .and_then(|v| v.strip_suffix(b"\""))
        .or_else(|| v.strip_prefix(b"'").and_then(|v| v.strip_suffix(b"'")))
        .unwrap_or(v);
    std::str::from_utf8(v)
        .ok()
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

fn starts_item(rest: &[u8]) -> bool {
    rest.starts_with(b"- ") || rest.starts_with(b"-\t") || rest.trim_ascii_end() == b"-"
}

#[derive(PartialEq, Eq)]
enum Mode {
    /// Before `items:`, or in a document that has none: the document's text is kept.
    Head,
    /// After `items:` at column 0, before its first element: the text is still kept, in case
    /// the value is no block sequence.
    AfterItems,
    /// Inside the elements, each cut into the batch; `indent` is their dashes' column.
    Items { indent: usize },
    /// After the elements: only `kind:` is looked for.
    Tail,
}

/// The document being cut.
struct Doc {
    /// Its number among the documents with content (0 while it has none).
    number: u32,
    /// The line it starts at (its `---` marker's, or the first).
    line: u32,
    /// The first line that is neither blank, a comment nor a bare `---`.
    body_line: Option<u32>,
    /// Its text from `body_line` on, while it may be parsed whole.
    text: Vec<u8>,
    mode: Mode,
    kind: Option<String>,
    secret: bool,
    /// The element being cut: where it starts in the batch, and its line.
    item: Option<(usize, u32)>,
    listed: bool,
}

impl Doc {
    fn new(line: u32) -> Self {
        Doc {
            number: 0,
            line,
            body_line: None,
            text: Vec::new(),
            mode: Mode::Head,
            kind: None,
            secret: false,
            item: None,
            listed: false,
        }
    }
}

struct Cutter<R> {
    reader: BufReader<R>,
    tx: mpsc::SyncSender<Event>,
    spare: mpsc::Receiver<Batch>,
    batch: Batch,
    documents: u32,
    line: u32,
    doc: Doc,
}

impl<R: Read> Cutter<R> {
    fn new(reader: R, tx: mpsc::SyncSender<Event>, spare: mpsc::Receiver<Batch>) -> Self {
        Cutter {
            reader: BufReader::with_capacity(READ_BUFFER, reader),
            tx,
            spare,
            batch: Batch::new(),
            documents: 0,
            line: 0,
            doc: Doc::new(1),
        }
    }

    fn run(mut self) {
        let mut line = Vec::with_capacity(256);
        loop {
            line.clear();
            match self.reader.read_until(b'\n', &mut line) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                // What was read is still parsed.
                Err(e) => {
                    self.send(Event::Error(format!("cannot read: {e}")));
                    break;
                }
            }
            self.line += 1;
            if self.line == 1 && line.starts_with(b"\xEF\xBB\xBF") {
                line.drain(..3);
            }
            self.take(&line);
        }
        self.end_document();
        self.flush();
    }

    fn take(&mut self, line: &[u8]) {
        if is_marker(line, b"---") {
            self.end_document();
            self.doc = Doc::new(self.line);
        } else if is_marker(line, b"...") {
            self.end_document();
            self.doc = Doc::new(self.line + 1);
            return;
        }
        let blank = is_blank_or_comment(line);
        if self.doc.number == 0 && !blank && !is_marker(line, b"---") {
            self.documents += 1;
            self.doc.number = self.documents;
        }
        if self.doc.body_line.is_none()
            && !(blank || is_marker(line, b"---") && line.trim_ascii().len() == 3)
        {
            self.doc.body_line = Some(self.line);
        }
        if self.doc.body_line.is_none() {
            return;
        }
        if let Mode::Items { indent } = self.doc.mode {
            if blank {
                self.batch.data.extend_from_slice(line);
                return;
            }
            let spaces = line.iter().take_while(|b| **b == b' ').count();
            if spaces == indent && starts_item(&line[spaces..]) {
                self.end_item();
                self.doc.item = Some((self.batch.data.len(), self.line));
                self.batch.data.extend_from_slice(line);
                return;
            }
            if spaces > indent {
                self.batch.data.extend_from_slice(line);
                return;
            }
            self.end_item();
            self.doc.mode = Mode::Tail;
        }
        if self.doc.kind.is_none() {
            self.doc.kind = top_level_value(line, b"kind");
            self.doc.secret |= self.doc.kind.as_deref().is_some_and(|k| k == "Secret");
        } else if line.starts_with(b"kind:") {
            self.doc.secret |= top_level_value(line, b"kind").is_some_and(|k| k == "Secret");
        }
        match self.doc.mode {
            Mode::Head => {
                if line.trim_ascii_end() == b"items:" {
                    self.doc.mode = Mode::AfterItems;
                }
                self.doc.text.extend_from_slice(line);
            }
            Mode::AfterItems if !blank => {
                let spaces = line.iter().take_while(|b| **b == b' ').count();
                if starts_item(&line[spaces..]) {
                    // A block sequence: its elements are cut; the rest is not needed whole.
                    self.doc.listed = true;
                    self.doc.text = Vec::new();
                    self.doc.mode = Mode::Items { indent: spaces };
                    self.doc.item = Some((self.batch.data.len(), self.line));
                    self.batch.data.extend_from_slice(line);
                } else {
                    self.doc.mode = Mode::Head;
                    self.doc.text.extend_from_slice(line);
                }
            }
            Mode::AfterItems => self.doc.text.extend_from_slice(line),
            Mode::Items { .. } | Mode::Tail => {}
        }
    }

    /// Ends the element being cut: it joins the batch, and a full batch is sent.
    fn end_item(&mut self) {
        if let Some((start, line)) = self.doc.item.take() {
            self.batch.units.push(UnitRef {
                range: start..self.batch.data.len(),
                document: self.doc.number,
                line,
                item: true,
            });
            if self.batch.data.len() >= BATCH_BYTES {
                self.flush();
            }
        }
    }

    fn end_document(&mut self) {
        self.end_item();
        let doc = std::mem::replace(&mut self.doc, Doc::new(self.line));
        if doc.number == 0 {
            return;
        }
        if doc.secret && !doc.listed {
            self.send(Event::Secret(doc.number, doc.line));
            return;
        }
        if doc.listed {
            self.send(Event::Listed(doc.number, doc.line, doc.kind));
            return;
        }
        let start = self.batch.data.len();
        self.batch.data.extend_from_slice(&doc.text);
        self.batch.units.push(UnitRef {
            range: start..self.batch.data.len(),
            document: doc.number,
            line: doc.body_line.unwrap_or(doc.line),
            item: false,
        });
        if self.batch.data.len() >= BATCH_BYTES {
            self.flush();
        }
    }

    /// Sends an event beside the batches (its piece's place among them does not matter: the
    /// list's kind is applied once everything is parsed).
    fn send(&mut self, event: Event) {
        let _ = self.tx.send(event);
    }

    fn flush(&mut self) {
        if let Some(batch) = self.batch.take(&self.spare) {
            let _ = self.tx.send(Event::Batch(batch));
        }
    }
}
