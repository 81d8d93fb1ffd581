//! Replays the fuzz regression corpus (`tests/fuzz_regressions/<target>/`: every input a fuzz
//! run crashed or hung on, plus seeds and a few inputs from the fuzz corpora) through the same
//! entry points as the cargo-fuzz targets in `fuzz/`, so CI checks them on stable Rust.

use std::path::Path;

fn replay(target: &str, entry: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions")
        .join(target);
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let start = std::time::Instant::now();
        entry(&data);
        // Generous: a hang (the fuzzer's -timeout=10) shows up as minutes, not seconds.
        assert!(
            start.elapsed().as_secs() < 20,
            "{}: took {:?}",
            path.display(),
            start.elapsed()
        );
        n += 1;
    }
    assert!(n > 0, "no inputs in {}", dir.display());
}

#[test]
fn repair_inputs() {
    replay("repair", zan::fuzz_entry::repair);
}

#[test]
fn split_inputs() {
    replay("split", zan::fuzz_entry::split);
}

#[test]
fn footnote_inputs() {
    replay("footnote", zan::fuzz_entry::footnote);
}

#[test]
fn pdf_inputs() {
    replay("pdf", zan::fuzz_entry::pdf);
}

#[test]
fn query_inputs() {
    replay("query", zan::fuzz_entry::query);
}
