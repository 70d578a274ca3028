//! The stream readers on `kubectl cluster-info dump`-shaped input (JSON lists, container-log blocks
//! between them, text where it does not belong; YAML when the input does not open with `{` or
//! `[`), fed a few bytes at a time: never a panic or a hang, and the same pieces as when the
//! whole input is in memory (no read boundary changes what is read).
//! Run: cargo +nightly fuzz run dump fuzz/seeds/dump -- -max_total_time=600
#![no_main]

use std::io::Read;

use libfuzzer_sys::fuzz_target;
use quorum_core::load::{parse_bytes, parse_reader};

/// Gives at most `chunk` bytes per read.
struct Trickle<'a> {
    data: &'a [u8],
    chunk: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.chunk.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fuzz_target!(|input: &[u8]| {
    let Some((&first, data)) = input.split_first() else {
        return;
    };
    let chunk = usize::from(first % 61) + 1;
    let streamed = parse_reader(Trickle { data, chunk }, None);
    let whole = parse_bytes(data, None);
    assert_eq!(format!("{streamed:?}"), format!("{whole:?}"));
});
