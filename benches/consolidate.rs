//! Consolidation at scale: 1,000 acts with 10 amending orders each (generated from the corpus's
//! real base acts by the round-trip generator), against the same acts with no orders as the
//! baseline. Run with `cargo bench --bench consolidate`; prints medians of 3 runs.

use std::path::Path;
use std::time::Instant;
use zan::consolidate::{consolidate, roundtrip, OrderInput};
use zan::model::Registration;
use zan::{amend, pipeline};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let base = pipeline::base_acts(&corpus).expect("corpus");
    let n_acts = 1000;
    let per_act = 10;
    let mut acts = Vec::with_capacity(n_acts);
    let mut orders = Vec::with_capacity(n_acts * per_act);
    let t = Instant::now();
    let cases = roundtrip::generate(&base, 7, 4000);
    let mut by_act: Vec<Vec<&roundtrip::Case>> = vec![Vec::new(); base.len()];
    for c in &cases {
        by_act[c.act].push(c);
    }
    let usable: Vec<usize> = (0..base.len())
        .filter(|&i| by_act[i].len() >= per_act)
        .collect();
    for j in 0..n_acts {
        let src = usable[j % usable.len()];
        let mut a = base[src].clone();
        let reg = format!("{}", 900_000 + j);
        a.id = format!("V26{reg:0>8}");
        a.requisites.registration = Some(Registration {
            number: reg.clone(),
            date: None,
        });
        for k in 0..per_act {
            let case = by_act[src][(j + k) % by_act[src].len()];
            let mut o = amend::parse_order(&case.order_text).expect("generated order parses");
            if let Some(t) = o.target.as_mut() {
                t.registration = Some(Registration {
                    number: reg.clone(),
                    date: None,
                });
            }
            o.header.number = format!("{}-{k}", o.header.number);
            orders.push(OrderInput {
                order: o,
                source: format!("gen {j}/{k}"),
                published: None,
            });
        }
        acts.push(a);
    }
    println!(
        "prepared {} acts and {} orders in {:.1}s",
        acts.len(),
        orders.len(),
        t.elapsed().as_secs_f64()
    );
    let run = |with_orders: bool| {
        let t = Instant::now();
        let out = consolidate(&acts, if with_orders { &orders } else { &[] });
        let secs = t.elapsed().as_secs_f64();
        let versions: usize = out.iter().map(|a| a.versions.len()).sum();
        (secs, versions)
    };
    let mut base_t = Vec::new();
    let mut full_t = Vec::new();
    let mut versions = (0, 0);
    for _ in 0..3 {
        let (b, vb) = run(false);
        let (f, vf) = run(true);
        base_t.push(b);
        full_t.push(f);
        versions = (vb, vf);
    }
    let (mb, mf) = (median(base_t), median(full_t));
    println!(
        "baseline (1,000 acts, no orders): median {mb:.2}s, {} unit versions",
        versions.0
    );
    println!(
        "consolidate (1,000 acts × 10 orders): median {mf:.2}s, {} unit versions; ratio {:.2}× the baseline; target < 10 s: {}",
        versions.1,
        mf / mb.max(1e-9),
        if mf < 10.0 { "met" } else { "NOT met" }
    );
}
