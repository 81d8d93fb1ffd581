#![no_main]
//! Fuzz target: see `zan::fuzz_entry::split`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| zan::fuzz_entry::split(data));
