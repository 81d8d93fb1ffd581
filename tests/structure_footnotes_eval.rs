//! The footnote evaluation on the embedded corpus (a copy of ../shared/corpus/kazakhstan-law):
//! at least 98% of the change footnotes become complete history events (order number and
//! date), and every footnote that does not is listed with its file and line.

use std::path::Path;

#[test]
fn corpus_footnotes_become_events() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let ev = zan::structure::eval::eval_footnotes(&dir).unwrap();
    assert_eq!(ev.acts, 28, "14 acts × 2 languages");
    assert!(ev.footnotes >= 150, "{} footnotes", ev.footnotes);
    assert!(ev.rate() >= 98.0, "{:.1}%: {:#?}", ev.rate(), ev.missed);
    assert_eq!(ev.as_events + ev.missed.len(), ev.footnotes);
    // Several orders in one footnote give several events; most land on a unit.
    assert!(ev.events >= ev.as_events);
    assert!(ev.events_on_units * 10 >= ev.events * 9);
    assert!(
        ev.placeholders > 0,
        "repealed placeholders carry events too"
    );
}
