//! The query set of `zan eval search` is well formed and covers what the issue asks for
//! (the figures themselves come from `zan eval search tests/data/queries.tsv`).

use zan::index::eval::parse_queries;
use zan::model::Lang;

#[test]
fn query_set_covers_both_languages_phrases_and_dates() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/queries.tsv"
    ))
    .unwrap();
    let qs = parse_queries(&text).unwrap();
    assert!(qs.len() >= 60, "{}", qs.len());
    let kk = qs.iter().filter(|q| q.lang == Lang::Kk).count();
    assert!(kk >= 25 && qs.len() - kk >= 25, "kk {kk} of {}", qs.len());
    assert!(qs.iter().filter(|q| q.as_of.is_some()).count() >= 5);
    assert!(qs.iter().filter(|q| q.q.contains('"')).count() >= 5);
    let mut ids: Vec<_> = qs.iter().map(|q| &q.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), qs.len(), "query ids are unique");
}
