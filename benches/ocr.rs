//! OCR garble repair throughput: the noisy-channel decoder against the fixed look-alike table
//! (the baseline).
//!
//! Measured first on garble no training pair holds: the garbled side of the development pairs
//! (fresh renders of act 105095, `src/repair/ocr/data/dev-{kk,ru}.jsonl`) and the real garble of
//! seed 002; then on the earlier bench text (seed 002 and the training pairs `*-acts.jsonl`), for
//! comparison with older figures. Each run starts in a fresh thread, so the per-thread token
//! cache starts cold. Run with `cargo bench --bench ocr`; prints medians of 3 runs.

use std::path::Path;
use std::time::Instant;
use zan::model::Lang;
use zan::repair::ocr;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Garbled lines with their language: seed 002, then the garbled side of the pairs `files`.
fn inputs(root: &Path, files: &[(&str, Lang)]) -> Vec<(String, Lang)> {
    let mut out = Vec::new();
    if let Ok(t) = std::fs::read_to_string(root.join("corpus/orders/002_e7f73df5011e2bee.txt")) {
        out.extend(t.lines().map(|l| (l.to_string(), Lang::Kk)));
    }
    for (f, lang) in files {
        let p = root.join("src/repair/ocr/data").join(f);
        if let Ok(pairs) = ocr::train::read_pairs(&p) {
            out.extend(pairs.into_iter().map(|p| (p.garbled, *lang)));
        }
    }
    out
}

/// Seconds of one repair of `lines` in a fresh thread (cold token cache).
fn repair_run(lines: &[(String, Lang)]) -> f64 {
    let l = lines.to_vec();
    std::thread::spawn(move || {
        let t = Instant::now();
        let mut n = 0usize;
        for (line, lang) in &l {
            n += ocr::repair_line(line, *lang).0.len();
        }
        std::hint::black_box(n);
        t.elapsed().as_secs_f64()
    })
    .join()
    .expect("bench thread")
}

fn bench(name: &str, lines: &[(String, Lang)]) {
    let bytes: usize = lines.iter().map(|(l, _)| l.len() + 1).sum();
    let mbps = |s: f64| bytes as f64 / 1e6 / s.max(1e-9);
    println!(
        "{name}: {} lines, {:.2} MB of garbled text",
        lines.len(),
        bytes as f64 / 1e6
    );
    let (mut rep, mut base) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        rep.push(repair_run(lines));
        let t = Instant::now();
        let mut n = 0usize;
        for (line, _) in lines {
            n += ocr::baseline(line).len();
        }
        std::hint::black_box(n);
        base.push(t.elapsed().as_secs_f64());
    }
    let (r, b) = (median(rep), median(base));
    println!(
        "  repair   {:8.3} s  {:7.3} MB/s (one thread, cold token cache)",
        r,
        mbps(r)
    );
    println!(
        "  baseline {:8.3} s  {:7.3} MB/s (fixed look-alike table)",
        b,
        mbps(b)
    );
    println!("  repair/baseline time ratio: {:.1}", r / b.max(1e-9));
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let t = Instant::now();
    let _ = (ocr::model(Lang::Kk), ocr::model(Lang::Ru));
    println!("ocr: model load {:.2} s", t.elapsed().as_secs_f64());
    let held_out = inputs(
        root,
        &[("dev-kk.jsonl", Lang::Kk), ("dev-ru.jsonl", Lang::Ru)],
    );
    bench("held-out garble (seed 002 + dev pairs)", &held_out);
    let old = inputs(
        root,
        &[("kk-acts.jsonl", Lang::Kk), ("ru-acts.jsonl", Lang::Ru)],
    );
    bench("earlier bench text (seed 002 + training pairs)", &old);
}
