//! The loader on arbitrary bytes: never a panic, never a hang, whatever the input.
//! Run: cargo +nightly fuzz run load -- -max_total_time=60
#![no_main]

use libfuzzer_sys::fuzz_target;
use quorum_core::load::parse_bytes;
use quorum_core::model::Kind;

fuzz_target!(|data: &[u8]| {
    let _ = parse_bytes(data, None);
    let _ = parse_bytes(data, Some(Kind::Pod));
});
