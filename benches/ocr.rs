//! OCR garble repair throughput: the noisy-channel decoder against the fixed look-alike table
//! (the baseline), on the real garble of seed 002 and the garbled side of the shipped training
//! pairs. Each run starts in a fresh thread, so the per-thread token cache starts cold.
//! Run with `cargo bench --bench ocr`; prints medians of 3 runs.

use std::path::Path;
use std::time::Instant;
use zan::model::Lang;
use zan::repair::ocr;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Garbled lines with their language.
fn inputs(root: &Path) -> Vec<(String, Lang)> {
    let mut out = Vec::new();
    if let Ok(t) = std::fs::read_to_string(root.join("corpus/orders/002_e7f73df5011e2bee.txt")) {
        out.extend(t.lines().map(|l| (l.to_string(), Lang::Kk)));
    }
    for (f, lang) in [("kk-acts.jsonl", Lang::Kk), ("ru-acts.jsonl", Lang::Ru)] {
        let p = root.join("src/repair/ocr/data").join(f);
        if let Ok(pairs) = ocr::train::read_pairs(&p) {
            out.extend(pairs.into_iter().map(|p| (p.garbled, lang)));
        }
    }
    out
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lines = inputs(root);
    let bytes: usize = lines.iter().map(|(l, _)| l.len() + 1).sum();
    let t = Instant::now();
    let _ = (ocr::model(Lang::Kk), ocr::model(Lang::Ru));
    println!(
        "ocr: {} lines, {:.2} MB of garbled text; model load {:.2} s",
        lines.len(),
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let mut rep = Vec::new();
    let mut base = Vec::new();
    for _ in 0..3 {
        let l = lines.clone();
        let secs = std::thread::spawn(move || {
            let t = Instant::now();
            let mut n = 0usize;
            for (line, lang) in &l {
                n += ocr::repair_line(line, *lang).0.len();
            }
            std::hint::black_box(n);
            t.elapsed().as_secs_f64()
        })
        .join()
        .expect("bench thread");
        rep.push(secs);
        let t = Instant::now();
        let mut n = 0usize;
        for (line, _) in &lines {
            n += ocr::baseline(line).len();
        }
        std::hint::black_box(n);
        base.push(t.elapsed().as_secs_f64());
    }
    let (r, b) = (median(rep), median(base));
    let mbps = |s: f64| bytes as f64 / 1e6 / s.max(1e-9);
    println!(
        "repair   {:8.3} s  {:7.3} MB/s (one thread, cold token cache)",
        r,
        mbps(r)
    );
    println!(
        "baseline {:8.3} s  {:7.3} MB/s (fixed look-alike table)",
        b,
        mbps(b)
    );
    println!("repair/baseline time ratio: {:.1}", r / b.max(1e-9));
}
