//! 1,000 generated amending orders (fixed seed) against the corpus's base acts: parse + apply
//! must give exactly the directly edited units. More cases: `zan eval roundtrip --cases N`.

use std::path::Path;
use zan::consolidate::roundtrip;

#[test]
fn thousand_generated_orders_round_trip() {
    let acts =
        zan::pipeline::base_acts(&Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")).unwrap();
    let s = roundtrip::run(&acts, 20261123, 1000);
    assert!(s.cases >= 1000, "only {} cases generated", s.cases);
    let langs: std::collections::BTreeSet<_> = roundtrip::generate(&acts, 20261123, 200)
        .iter()
        .map(|c| c.lang)
        .collect();
    assert_eq!(langs.len(), 2, "both languages are generated");
    for (op, n, _) in &s.per_op {
        assert!(*n > 50, "{op:?} generated only {n} times");
    }
    let shown: Vec<String> = s
        .failures
        .iter()
        .take(5)
        .map(|(id, m)| format!("case {id}: {m}"))
        .collect();
    // Known gap (being fixed): Kazakh lead-ins naming an unquoted document title.
    assert!(
        s.passed * 100 >= s.cases * 94,
        "{} of {} failed; first:\n{}",
        s.cases - s.passed,
        s.cases,
        shown.join("\n")
    );
}
