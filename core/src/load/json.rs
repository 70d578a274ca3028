//! JSON inputs, streamed: a scanner cuts the text into items (each element of a `*List`'s
//! `items`, of a bare array, or a whole top-level object) without building any value, and the
//! items are parsed in batches on every core while the scanner reads on. The text is never held
//! whole: only the item being scanned and a few batches in flight.

use std::collections::HashMap;
use std::io::Read;
use std::sync::mpsc;

use rayon::prelude::*;
use serde::de::DeserializeOwned;

use super::raw::{RawHead, RawObject};
use super::{BATCH_BYTES, Outcome, Piece, classify, classify_failure, list_item_kind};
use crate::model::Kind;

/// Bytes kept before the scanner's position when the buffer drops what it has read.
const LOOKBEHIND: usize = 256;
const READ_CHUNK: usize = 1 << 20;
/// The line `kubectl cluster-info dump` opens a container's logs with.
const LOG_START: &[u8] = b"==== START logs for container ";

/// One item's bytes inside a batch.
struct ItemRef {
    range: std::ops::Range<usize>,
    document: u32,
    line: u32,
    /// The item sits in a list whose kind is not known yet.
    in_list: bool,
    /// Cut by indentation (pretty-printed JSON), not by a full scan.
    fast: bool,
}

type Batch = super::Batch<ItemRef>;

enum Event {
    Batch(Batch),
    /// The `kind` of the list in this document (`NodeList`), seen after or before its items.
    ListKind(u32, String),
    Error(u32, u32, String),
    /// A list with no items: a Kubernetes document all the same.
    EmptyList(u32, u32),
}

pub fn parse_reader(reader: impl Read + Send, hint: Option<Kind>) -> Vec<Piece> {
    let (tx, rx) = mpsc::sync_channel::<Event>(3);
    // Parsed batches go back to the scanner to be filled again: fresh 5 MB buffers would cost a
    // page fault and the zeroing of every page, for every batch.
    let (spare_tx, spare_rx) = mpsc::channel::<Batch>();
    let mut pieces: Vec<Piece> = Vec::new();
    let mut list_kinds: HashMap<u32, String> = HashMap::new();
    // Items of lists whose kind comes after them, parsed but not yet classified.
    let mut deferred: Vec<(usize, u32, Box<RawObject>)> = Vec::new();
    std::thread::scope(|scope| {
        scope.spawn(move || Scanner::new(reader, tx, spare_rx).run());
        for event in rx {
            match event {
                Event::Batch(batch) => {
                    let parsed: Vec<(Piece, Option<Box<RawObject>>)> = batch
                        .units
                        .par_iter()
                        .flat_map_iter(|item| {
                            parse_item(&batch.data[item.range.clone()], item, hint)
                        })
                        .collect();
                    let _ = spare_tx.send(batch);
                    for (piece, raw) in parsed {
                        if let Some(raw) = raw {
                            deferred.push((pieces.len(), piece.document, raw));
                        }
                        pieces.push(piece);
                    }
                }
                Event::ListKind(document, kind) => {
                    if kind.ends_with("List") {
                        pieces.push(Piece {
                            document,
                            line: 0,
                            outcome: Outcome::List {
                                typed: super::is_typed_list(&kind),
                            },
                        });
                    }
                    list_kinds.insert(document, kind);
                }
                Event::Error(document, line, message) => pieces.push(Piece {
                    document,
                    line,
                    outcome: Outcome::Error(message),
                }),
                Event::EmptyList(document, line) => pieces.push(Piece {
                    document,
                    line,
                    outcome: Outcome::Empty(None),
                }),
            }
        }
    });
    for (index, document, raw) in deferred {
        let list_kind = list_kinds.get(&document).and_then(|k| list_item_kind(k));
        pieces[index].outcome = classify(*raw, list_kind, hint);
    }
    // An empty list's kind came with the list (or from the file's name).
    for piece in &mut pieces {
        if let Outcome::Empty(kind @ None) = &mut piece.outcome {
            *kind = list_kinds
                .get(&piece.document)
                .and_then(|k| list_item_kind(k))
                .and_then(|k| super::recognise(k, None))
                .or(hint);
        }
    }
    pieces
}

/// Parses one item. An item without a `kind` inside a list is returned raw, to be classified
/// once the list's kind is known.
fn parse_item(
    bytes: &[u8],
    item: &ItemRef,
    hint: Option<Kind>,
) -> Vec<(Piece, Option<Box<RawObject>>)> {
    let piece = |outcome| Piece {
        document: item.document,
        line: item.line,
        outcome,
    };
    if is_secret(bytes) {
        return vec![(piece(Outcome::Skipped("Secret".into())), None)];
    }
    // A string, number or array where an object would be (an array of messages): no object.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return vec![(piece(Outcome::Foreign), None)];
    }
    match serde_json::from_slice::<RawObject>(bytes) {
        Ok(raw) if raw.kind.as_ref().is_some_and(|k| k.0.ends_with("List")) => {
            // A list nested as an element of an array: its items are objects of their own.
            let list_name = raw.kind.as_ref().map(|k| k.0.clone()).unwrap_or_default();
            let list_kind = list_item_kind(&list_name);
            let items = raw.items.unwrap_or_default();
            let mut out: Vec<(Piece, Option<Box<RawObject>>)> = items
                .into_iter()
                .map(|i| (piece(classify(i, list_kind, hint)), None))
                .collect();
            if out.is_empty() {
                let kind = list_kind.and_then(|k| super::recognise(k, None)).or(hint);
                out.push((piece(Outcome::Empty(kind)), None));
            }
            out.push((
                piece(Outcome::List {
                    typed: super::is_typed_list(&list_name),
                }),
                None,
            ));
            out
        }
        Ok(raw) => {
            let named = raw.kind.as_ref().is_some_and(|k| !k.0.is_empty());
            if !named && item.in_list {
                vec![(piece(Outcome::Empty(None)), Some(Box::new(raw)))]
            } else {
                vec![(piece(classify(raw, None, hint)), None)]
            }
        }
        Err(_) if item.fast => split_exact(bytes)
            .into_iter()
            .flat_map(|(from, to)| {
                let line = item.line + memchr::memchr_iter(b'\n', &bytes[..from]).count() as u32;
                let sub = ItemRef {
                    range: 0..to - from,
                    document: item.document,
                    line,
                    in_list: item.in_list,
                    fast: false,
                };
                parse_item(&bytes[from..to], &sub, hint)
            })
            .collect(),
        Err(error) => {
            let (outcome, line) = failure::<RawObject>(bytes, &error, item.line);
            vec![(
                Piece {
                    document: item.document,
                    line,
                    outcome,
                },
                None,
            )]
        }
    }
}

/// Splits `value, value, ...` exactly (strings and brackets honoured): the fallback when an
/// indentation cut was wrong.
fn split_exact(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let (mut depth, mut in_string, mut escaped) = (0i32, false, false);
    let mut start = None;
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => continue,
            b',' if depth == 0 => {
                if let Some(s) = start.take() {
                    out.push((s, i));
                }
                continue;
            }
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth -= 1,
            _ => {}
        }
        start.get_or_insert(i);
    }
    if let Some(s) = start {
        let end = bytes.len() - (bytes.len() - bytes.trim_ascii_end().len());
        out.push((s, end));
    }
    out
}

/// `"kind": "Secret"` at the object's top level, found without parsing the object.
fn is_secret(bytes: &[u8]) -> bool {
    let Some(at) = memchr::memmem::find(bytes, b"\"Secret\"") else {
        return false;
    };
    let before = &bytes[..at];
    let trimmed = before.trim_ascii_end();
    trimmed.ends_with(b":")
        && trimmed[..trimmed.len() - 1]
            .trim_ascii_end()
            .ends_with(b"\"kind\"")
        && serde_json::from_slice::<RawHead>(bytes)
            .ok()
            .and_then(|h| h.kind)
            .is_some_and(|k| k.0 == "Secret")
}

/// An error message with the field path, and the absolute line of the error.
fn failure<T: DeserializeOwned>(
    bytes: &[u8],
    error: &serde_json::Error,
    first_line: u32,
) -> (Outcome, u32) {
    let line = first_line + (error.line() as u32).saturating_sub(1);
    let head = serde_json::from_slice::<RawHead>(bytes).ok();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let message = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) if e.path().iter().next().is_some() => {
            format!("{}: {}", e.path(), strip_location(&e.inner().to_string()))
        }
        _ => strip_location(&error.to_string()),
    };
    let message = if error.is_eof() {
        format!("the JSON ends in the middle of an object ({message})")
    } else {
        format!("invalid JSON: {message}")
    };
    classify_failure(head, message, line)
}

/// serde's messages end in " at line L column C", relative to the item: we give lines ourselves.
/// They also name the reader's own structs (`expected struct RawMeta`): a user wrote a mapping.
pub(crate) fn strip_location(message: &str) -> String {
    let message = without_struct_names(message);
    let message = message.as_str();
    // Every "at line N column M" a parser writes counts within the piece it was given, not the
    // file: the error carries the file's line instead.
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(" at line ") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + " at line ".len()..];
        let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let n = digits(tail);
        let after = &tail[n..];
        rest = match after.strip_prefix(" column ") {
            Some(col) if n > 0 => &col[digits(col)..],
            _ if n > 0 => after,
            _ => {
                out.push_str(" at line ");
                tail
            }
        };
    }
    out.push_str(rest);
    out
}

/// `struct RawMeta` (a type of the loader's) as `a mapping`.
fn without_struct_names(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("struct Raw") {
        out.push_str(&rest[..at]);
        let name = &rest[at + "struct ".len()..];
        let end = name
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(name.len());
        out.push_str("a mapping");
        rest = &name[end..];
    }
    out.push_str(rest);
    out
}

/// Cuts a JSON stream into items. Offsets are absolute (from the start of the input); `buf`
/// holds the bytes from `base` on, and bytes before `keep` may be dropped on refill.
struct Scanner<R> {
    reader: R,
    tx: mpsc::SyncSender<Event>,
    /// Batches parsed already, to fill again.
    spare: mpsc::Receiver<Batch>,
    buf: Vec<u8>,
    base: u64,
    pos: u64,
    keep: u64,
    eof: bool,
    /// Newlines counted up to `line_pos`.
    line: u32,
    line_pos: u64,
    batch: Batch,
    /// The closing line of a pretty-printed item at the current indentation, and its finder.
    item_end: Option<(usize, memchr::memmem::Finder<'static>)>,
}

type Scan<T> = Result<T, String>;

impl<R: Read> Scanner<R> {
    fn new(reader: R, tx: mpsc::SyncSender<Event>, spare: mpsc::Receiver<Batch>) -> Self {
        Self {
            reader,
            tx,
            spare,
            buf: Vec::with_capacity(4 * READ_CHUNK),
            base: 0,
            pos: 0,
            keep: 0,
            eof: false,
            line: 1,
            line_pos: 0,
            batch: Batch::new(),
            item_end: None,
        }
    }

    fn run(mut self) {
        let mut document = 0u32;
        loop {
            match self.skip_ws() {
                Ok(None) => break,
                Ok(Some(_)) => {}
                Err(e) => {
                    self.error(document.max(1), e);
                    break;
                }
            }
            // `kubectl cluster-info dump` puts container logs between its lists: no documents.
            if self.skip_log_block() {
                continue;
            }
            document += 1;
            let result = match self.peek() {
                Some(b'{') => self.top_object(document),
                Some(b'[') => self.top_array(document),
                Some(b) => Err(format!(
                    "not JSON: unexpected {} where an object or array should start",
                    describe(b)
                )),
                None => break,
            };
            if let Err(e) = result {
                self.error(document, e);
                // What follows the broken part is still read: the next line that opens a value.
                if !self.resync() {
                    break;
                }
            }
        }
        self.flush();
    }

    /// Makes `n` bytes from `pos` available if the input has them; false when it ends before.
    fn ensure(&mut self, n: usize) -> bool {
        while self.buf.len() < (self.pos - self.base) as usize + n {
            if !self.read_more() {
                return false;
            }
        }
        true
    }

    /// Skips a `==== START logs for container ... ====` block, through its `==== END logs for
    /// container ... ====` line (the logs may not end in a newline, so the marker may start
    /// mid-line), or to the end of the input when the block is cut off. False when no block
    /// starts at `pos`.
    fn skip_log_block(&mut self) -> bool {
        if !self.at_log_block() {
            return false;
        }
        self.pos += LOG_START.len() as u64;
        const END: &[u8] = b"==== END logs for container ";
        let finder = memchr::memmem::Finder::new(END);
        loop {
            // Nothing of a log is kept: what is searched may be dropped on the next read.
            self.keep = self.pos;
            let at = (self.pos - self.base) as usize;
            if let Some(i) = finder.find(&self.buf[at..]) {
                self.pos += (i + END.len()) as u64;
                break;
            }
            // Keep the tail that could hold the start of a marker cut by the chunk boundary.
            let searched = self.buf.len().saturating_sub(END.len() - 1).max(at);
            self.pos = self.base + searched as u64;
            self.keep = self.pos;
            if !self.read_more() {
                self.pos = self.base + self.buf.len() as u64;
                return true;
            }
        }
        // The rest of the END line.
        self.skip_line();
        true
    }

    /// Moves `pos` past the next newline (or to the end of the input).
    fn skip_line(&mut self) {
        loop {
            self.keep = self.pos;
            let at = (self.pos - self.base) as usize;
            if let Some(i) = memchr::memchr(b'\n', &self.buf[at..]) {
                self.pos += i as u64 + 1;
                return;
            }
            self.pos = self.base + self.buf.len() as u64;
            if !self.read_more() {
                return;
            }
        }
    }

    fn at_log_block(&mut self) -> bool {
        if !self.ensure(LOG_START.len()) {
            return false;
        }
        let at = (self.pos - self.base) as usize;
        &self.buf[at..at + LOG_START.len()] == LOG_START
    }

    /// After a broken value: moves to the next line that starts with `{`, `[` or a log block, so
    /// the values after it are read. False at the end of the input.
    fn resync(&mut self) -> bool {
        loop {
            self.skip_line();
            match self.peek() {
                None => return false,
                Some(b'{' | b'[') => return true,
                Some(b'=') if self.at_log_block() => return true,
                Some(_) => {}
            }
        }
    }

    fn error(&mut self, document: u32, message: String) {
        self.flush();
        let line = self.line_at(self.pos);
        let _ = self.tx.send(Event::Error(document, line, message));
    }

    fn flush(&mut self) {
        if let Some(batch) = self.batch.take(&self.spare) {
            let _ = self.tx.send(Event::Batch(batch));
        }
    }

    fn emit(&mut self, start: u64, document: u32, line: u32, in_list: bool, fast: bool) {
        let from = (start - self.base) as usize;
        let to = (self.pos - self.base) as usize;
        let at = self.batch.data.len();
        self.batch.data.extend_from_slice(&self.buf[from..to]);
        self.batch.units.push(ItemRef {
            range: at..self.batch.data.len(),
            document,
            line,
            in_list,
            fast,
        });
        if self.batch.data.len() >= BATCH_BYTES {
            self.flush();
        }
    }

    /// The 1-based line of an absolute offset at or after the last one asked for.
    fn line_at(&mut self, pos: u64) -> u32 {
        if pos > self.line_pos {
            let from = (self.line_pos.max(self.base) - self.base) as usize;
            let to = ((pos - self.base) as usize).min(self.buf.len());
            self.line += memchr::memchr_iter(b'\n', &self.buf[from..to]).count() as u32;
            self.line_pos = pos;
        }
        self.line
    }

    /// Makes at least one more byte available at `pos`; false at the end of the input.
    fn fill(&mut self) -> bool {
        if ((self.pos - self.base) as usize) < self.buf.len() {
            return true;
        }
        if self.eof {
            return false;
        }
        // Count the lines of what is dropped before dropping it.
        if self.keep > self.line_pos {
            self.line_at(self.keep);
        }
        // A little of what comes before stays: the pretty-printed fast path looks back at the
        // indentation of an item's line, and must see the same bytes however the input was read.
        let drop =
            (self.keep.min(self.pos) - self.base).saturating_sub(LOOKBEHIND as u64 + 1) as usize;
        if drop > 0 {
            self.buf.drain(..drop);
            self.base += drop as u64;
        }
        let old = self.buf.len();
        self.buf.resize(old + READ_CHUNK, 0);
        loop {
            match self.reader.read(&mut self.buf[old..]) {
                Ok(0) => {
                    self.buf.truncate(old);
                    self.eof = true;
                    return false;
                }
                Ok(n) => {
                    self.buf.truncate(old + n);
                    return true;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => {
                    self.buf.truncate(old);
                    self.eof = true;
                    return false;
                }
            }
        }
    }

    /// Reads another chunk whatever `pos` is (dropping what is before `keep`); false at the end.
    fn read_more(&mut self) -> bool {
        let end = self.base + self.buf.len() as u64;
        let saved = self.pos;
        self.pos = end;
        let more = self.fill();
        self.pos = saved;
        more
    }

    /// Pretty-printed JSON (kubectl, Go, Python): an item that opens with `{` at the end of a line
    /// indented by N spaces closes at the next line of exactly N spaces and `}`, because JSON
    /// strings hold no raw newlines and nested lines are indented further. Found with a substring
    /// search at memory speed instead of a full scan; the parse of the item checks the cut.
    fn skip_pretty_item(&mut self, start: u64) -> bool {
        while self.buf.len() < (start - self.base) as usize + 3 {
            if !self.read_more() {
                return false;
            }
        }
        let at = (start - self.base) as usize;
        let after = &self.buf[at + 1..];
        if self.buf[at] != b'{' || !(after.starts_with(b"\n") || after.starts_with(b"\r\n")) {
            return false;
        }
        // Within LOOKBEHIND bytes, which the buffer always keeps: the same answer whether the
        // input came whole or a few bytes at a time.
        let indent = self.buf[..at]
            .iter()
            .rev()
            .take(LOOKBEHIND)
            .take_while(|b| **b == b' ')
            .count();
        if indent >= LOOKBEHIND || at < indent + 1 || self.buf[at - indent - 1] != b'\n' {
            return false;
        }
        if self.item_end.as_ref().is_none_or(|(i, _)| *i != indent) {
            let mut needle = vec![b'\n'];
            needle.extend(std::iter::repeat_n(b' ', indent));
            needle.push(b'}');
            self.item_end = Some((indent, memchr::memmem::Finder::new(&needle).into_owned()));
        }
        let needle_len = indent + 2;
        let mut from = (start - self.base) as usize;
        loop {
            let found = {
                let (_, finder) = self.item_end.as_ref().expect("set above");
                finder.find(&self.buf[from..])
            };
            if let Some(i) = found {
                self.pos = self.base + (from + i + needle_len) as u64;
                return true;
            }
            let searched = self.base + self.buf.len().saturating_sub(needle_len) as u64;
            if !self.read_more() {
                return false;
            }
            from = (searched.max(start) - self.base) as usize;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        if !self.fill() {
            return None;
        }
        Some(self.buf[(self.pos - self.base) as usize])
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    fn skip_ws(&mut self) -> Scan<Option<u8>> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                // A UTF-8 byte order mark at the start.
                Some(0xEF) if self.pos == 0 => self.pos += 3,
                other => return Ok(other),
            }
        }
    }

    fn expect(&mut self, want: u8) -> Scan<()> {
        match self.skip_ws()? {
            Some(b) if b == want => {
                self.pos += 1;
                Ok(())
            }
            Some(b) => Err(format!(
                "invalid JSON: expected `{}`, found {}",
                want as char,
                describe(b)
            )),
            None => Err(eof()),
        }
    }

    /// Skips a string whose opening quote is at `pos`.
    fn skip_string(&mut self) -> Scan<()> {
        self.pos += 1;
        loop {
            if !self.fill() {
                return Err(eof());
            }
            let at = (self.pos - self.base) as usize;
            match memchr::memchr2(b'"', b'\\', &self.buf[at..]) {
                Some(i) if self.buf[at + i] == b'"' => {
                    self.pos += i as u64 + 1;
                    return Ok(());
                }
                Some(i) => {
                    self.pos += i as u64 + 1;
                    if self.next().is_none() {
                        return Err(eof());
                    }
                }
                None => self.pos += (self.buf.len() - at) as u64,
            }
        }
    }

    /// Reads a string at `pos` whole (keys and `kind` values: short).
    fn read_string(&mut self) -> Scan<String> {
        let start = self.pos;
        let keep = self.keep;
        self.keep = self.keep.min(start);
        self.skip_string()?;
        let from = (start - self.base) as usize + 1;
        let to = (self.pos - self.base) as usize - 1;
        let text = serde_json::from_slice::<String>(&self.buf[from - 1..to + 1])
            .unwrap_or_else(|_| String::from_utf8_lossy(&self.buf[from..to]).into_owned());
        self.keep = keep;
        Ok(text)
    }

    /// Skips one value of any kind starting at the next non-blank byte.
    fn skip_value(&mut self) -> Scan<()> {
        match self.skip_ws()? {
            None => Err(eof()),
            Some(b'"') => self.skip_string(),
            Some(open @ (b'{' | b'[')) => {
                // Brackets of the other kind are balanced inside this value, so only this kind
                // (and strings) matter: three bytes, found with SIMD.
                let close = if open == b'{' { b'}' } else { b']' };
                let mut depth = 0u32;
                loop {
                    if !self.fill() {
                        return Err(eof());
                    }
                    let at = (self.pos - self.base) as usize;
                    let Some(skip) = memchr::memchr3(b'"', open, close, &self.buf[at..]) else {
                        // Nothing that matters in this chunk: read on.
                        self.pos += (self.buf.len() - at) as u64;
                        continue;
                    };
                    self.pos += skip as u64;
                    let b = self.buf[at + skip];
                    if b == b'"' {
                        self.skip_string()?;
                    } else if b == open {
                        depth += 1;
                        self.pos += 1;
                    } else {
                        depth -= 1;
                        self.pos += 1;
                        if depth == 0 {
                            return Ok(());
                        }
                    }
                }
            }
            Some(b'}' | b']' | b',' | b':') => Err(format!(
                "invalid JSON: expected a value, found {}",
                describe(self.peek().unwrap_or(b' '))
            )),
            Some(_) => {
                while let Some(b) = self.peek() {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.pos += 1;
                }
                Ok(())
            }
        }
    }

    /// The elements of an array whose `[` is at `pos`, each emitted as an item; how many.
    fn elements(&mut self, document: u32, in_list: bool) -> Scan<usize> {
        self.pos += 1;
        let mut count = 0;
        loop {
            match self.skip_ws()? {
                None => return Err(eof()),
                Some(b']') => {
                    self.pos += 1;
                    return Ok(count);
                }
                Some(b',') => {
                    self.pos += 1;
                }
                Some(_) => {
                    let start = self.pos;
                    self.keep = start;
                    let line = self.line_at(start);
                    let fast = self.skip_pretty_item(start);
                    if !fast {
                        self.skip_value()
                            .map_err(|e| format!("{e} (in the item that starts at line {line})"))?;
                    }
                    self.emit(start, document, line, in_list, fast);
                    self.keep = self.pos;
                    count += 1;
                }
            }
        }
    }

    fn top_array(&mut self, document: u32) -> Scan<()> {
        self.elements(document, false).map(|_| ())
    }

    /// A top-level object: a `*List` (its `items` are emitted one by one) or a single object
    /// (emitted whole).
    fn top_object(&mut self, document: u32) -> Scan<()> {
        let start = self.pos;
        self.keep = start;
        let line = self.line_at(start);
        self.pos += 1;
        let mut listed = false;
        loop {
            match self.skip_ws()? {
                None => return Err(eof()),
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                Some(b',') => self.pos += 1,
                Some(b'"') => {
                    let key = self.read_string()?;
                    self.expect(b':')?;
                    let next = self.skip_ws()?;
                    if key == "items" && next == Some(b'[') {
                        listed = true;
                        if self.elements(document, true)? == 0 {
                            self.flush();
                            let _ = self.tx.send(Event::EmptyList(document, line));
                        }
                    } else if key == "kind" && next == Some(b'"') {
                        let kind = self.read_string()?;
                        let _ = self.tx.send(Event::ListKind(document, kind));
                    } else {
                        self.skip_value()?;
                    }
                }
                Some(b) => {
                    return Err(format!(
                        "invalid JSON: expected a key, found {}",
                        describe(b)
                    ));
                }
            }
        }
        if !listed {
            self.emit(start, document, line, false, false);
        }
        self.keep = self.pos;
        Ok(())
    }
}

fn eof() -> String {
    "the JSON ends early: the input is truncated".to_string()
}

fn describe(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("`{}`", b as char)
    } else {
        format!("byte 0x{b:02x}")
    }
}
