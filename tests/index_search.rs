//! Index and search over real units of act 142971 (see `index_support`).

mod index_support;

use index_support::*;
use zan::index::{
    build_index, load_acts, load_summary, search, IndexError, IndexReaderHandle, SearchError,
    SearchQuery,
};
use zan::model::{Lang, UnitStatus};

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

fn q(text: &str) -> SearchQuery {
    SearchQuery::new(text, today())
}

fn langs(hits: &[zan::index::Hit]) -> Vec<Lang> {
    let mut l: Vec<_> = hits.iter().map(|h| h.lang).collect();
    l.sort();
    l.dedup();
    l
}

#[test]
fn word_found_in_both_languages_with_snippets() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    let summary = build(&dir);
    assert_eq!(summary.acts, 1);
    assert_eq!(summary.languages, 2);
    assert_eq!(summary.texts, 2);
    assert_eq!(summary.unit_versions, 8);
    assert_eq!(summary.in_force, 8);

    // "апостиль" (this exact form) is the first defined term of point 2 in both texts.
    let hits = search(&dir, &q("\"апостиль\"")).unwrap();
    assert_eq!(langs(&hits), vec![Lang::Kk, Lang::Ru]);
    for h in &hits {
        assert_eq!(h.act_id, ACT_ID);
        assert_eq!(h.path, "point:2");
        assert_eq!(h.unit_kind, "point");
        assert_eq!(h.status, UnitStatus::InForce);
        assert!(h.snippet.contains("[апостиль]"), "{}", h.snippet);
        assert!(
            h.snippet_html.contains("<b>апостиль</b>"),
            "{}",
            h.snippet_html
        );
        assert_eq!(
            h.changed_by.as_ref().map(|c| c.number.as_str()),
            Some("586")
        );
        assert_eq!(h.valid_from, Some(amend_from()));
        assert_eq!(h.valid_to, None);
        assert!(h.estimated);
    }
}

#[test]
fn case_does_not_matter() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    build(&dir);
    let lower = search(&dir, &q("гаагской конвенции")).unwrap();
    let upper = search(&dir, &q("ГААГСКОЙ Конвенции")).unwrap();
    assert_eq!(lower.len(), 1);
    assert_eq!(lower[0].path, "point:3");
    assert_eq!(lower, upper);
}

#[test]
fn kazakh_query_with_cyrillic_i_finds_text_typed_with_latin_i() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    build(&dir);
    assert!(KK_P3.contains("рәсiмiнiң")); // Latin i in the source
    let hits = search(&dir, &q("рәсімінің")).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!((hits[0].lang, hits[0].path.as_str()), (Lang::Kk, "point:3"));
    // The snippet shows the text as written, the match marked.
    assert!(
        hits[0].snippet.contains("[рәсiмiнiң]"),
        "{}",
        hits[0].snippet
    );
}

#[test]
fn validity_dates_select_versions() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    build(&dir);

    // Before the base order was in force: nothing.
    let mut before = q("\"апостиль\"");
    before.as_of = base_from().pred_opt().unwrap();
    assert!(search(&dir, &before).unwrap().is_empty());

    // On the first day of the base order: the old wording of point 2, which ends the day
    // order № 586 takes effect.
    let mut first = q("\"апостиль\"");
    first.as_of = base_from();
    let old = search(&dir, &first).unwrap();
    assert_eq!(old.len(), 2);
    assert!(old
        .iter()
        .all(|h| h.valid_to == Some(amend_from()) && h.changed_by.is_none()));

    // The subpoint added by № 586 is not found before it, found from its first day on.
    let mut sub3 = q("сервис цифровых документов");
    sub3.as_of = amend_from().pred_opt().unwrap();
    assert!(search(&dir, &sub3).unwrap().is_empty());
    sub3.as_of = amend_from();
    let new = search(&dir, &sub3).unwrap();
    assert_eq!(new.len(), 1);
    assert_eq!(new[0].valid_from, Some(amend_from()));

    // Today only the new wording.
    let now = search(&dir, &q("апостиль")).unwrap();
    assert!(now.iter().all(|h| h.valid_to.is_none()));
}

#[test]
fn lang_and_act_filters() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    build(&dir);
    let mut kk = q("\"апостиль\"");
    kk.lang = Some(Lang::Kk);
    let hits = search(&dir, &kk).unwrap();
    assert_eq!(langs(&hits), vec![Lang::Kk]);

    let mut other = q("\"апостиль\"");
    other.act = Some("V1800017705".into());
    assert!(search(&dir, &other).unwrap().is_empty());
    other.act = Some(ACT_ID.into());
    assert_eq!(search(&dir, &other).unwrap().len(), 2);
}

#[test]
fn all_words_are_required_and_title_words_count() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    build(&dir);
    // "штамп" only in ru point 2, "Гааге" only in ru point 1: no unit has both.
    assert!(search(&dir, &q("штамп Гааге")).unwrap().is_empty());
    assert_eq!(search(&dir, &q("штамп OR Гааге")).unwrap().len(), 2);
    // "Апостилирование" is in the ru title of every unit, "Гаагской" only in point 3.
    let hits = search(&dir, &q("апостилирование гаагской")).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].path, "point:3");
}

#[test]
fn bad_queries_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    build(&dir);
    let handle = IndexReaderHandle::open(&dir).unwrap();
    for bad in ["", "   ", ":", "-", "()"] {
        match handle.search(&q(bad)) {
            Err(SearchError::BadQuery(_)) => {}
            other => panic!("{bad:?}: expected BadQuery, got {other:?}"),
        }
    }
    for limit in [0, 1001] {
        let mut lq = q("апостиль");
        lq.limit = limit;
        assert!(matches!(handle.search(&lq), Err(SearchError::BadQuery(_))));
    }
    // Text pasted from an act is not valid syntax ("1)" closes no parenthesis): its words
    // are searched instead, with a notice.
    let pasted = handle
        .search_counted(&q("подпунктом 1) статьи 10 Закона"))
        .unwrap();
    assert_eq!(pasted.total, 1);
    assert_eq!(
        (pasted.hits[0].lang, pasted.hits[0].path.as_str()),
        (Lang::Ru, "point:1")
    );
    assert!(pasted.notice.is_some());
    let fine = handle.search_counted(&q("подпунктом статьи")).unwrap();
    assert!(fine.notice.is_none());
    let unknown_field = handle.search_counted(&q("Примечание: штамп")).unwrap();
    assert!(unknown_field.notice.is_some());
    assert_eq!(unknown_field.total, 0);
    // Unbalanced syntax is either rejected or read leniently, never a crash.
    for odd in ["\"апостиль", "AND OR (", "((апостиль", "апостиль)"] {
        match handle.search(&q(odd)) {
            Ok(_) | Err(SearchError::BadQuery(_)) => {}
            Err(e) => panic!("{odd:?}: {e}"),
        }
    }
}

#[test]
fn missing_index_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let err = search(&tmp.path().join("none"), &q("апостиль")).unwrap_err();
    assert!(matches!(err, SearchError::NoIndex(_)));
    assert!(err.to_string().contains("zan index"), "{err}");
    let err = search(tmp.path(), &q("апостиль")).unwrap_err();
    assert!(matches!(err, SearchError::NoIndex(_)));
}

#[test]
fn acts_and_summary_stored_beside_the_index() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    let summary = build(&dir);
    assert_eq!(load_acts(&dir).unwrap(), fixture_acts());
    assert_eq!(load_summary(&dir).unwrap(), summary);
}

#[test]
fn rebuild_replaces_the_index_atomically() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    build(&dir);
    let mut calls = Vec::new();
    let summary = build_index(&dir, &[kk_act()], &mut |done, total| {
        calls.push((done, total))
    })
    .unwrap();
    assert_eq!(summary.languages, 1);
    assert_eq!(calls.first(), Some(&(0, 4)));
    assert_eq!(calls.last(), Some(&(4, 4)));
    // The Russian documents of the first build are gone.
    let mut ru = q("\"апостиль\"");
    ru.lang = Some(Lang::Ru);
    assert!(search(&dir, &ru).unwrap().is_empty());
    assert_eq!(search(&dir, &q("\"апостиль\"")).unwrap().len(), 1);
    assert_eq!(load_acts(&dir).unwrap(), vec![kk_act()]);
    // No temporary or old folder is left beside it.
    let names: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["idx".to_string()]);
}

#[test]
fn refuses_to_replace_a_folder_that_is_not_an_index() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("notes");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "keep me").unwrap();
    let err = build_index(&dir, &fixture_acts(), &mut |_, _| {}).unwrap_err();
    assert!(matches!(err, IndexError::NotAnIndex(_)), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "keep me"
    );
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

#[test]
fn index_of_another_format_is_refused_with_advice() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    let mut summary = build(&dir);
    summary.format_version += 1;
    std::fs::write(
        zan::index::current_dir(&dir).join(zan::index::SUMMARY_FILE),
        serde_json::to_string(&summary).unwrap(),
    )
    .unwrap();
    let err = IndexReaderHandle::open(&dir).unwrap_err();
    assert!(matches!(err, SearchError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("zan index"), "{err}");
}

#[test]
fn bare_words_match_other_forms_and_phrases_stay_exact() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    build(&dir);
    let paths = |query: &str, lang: Lang| {
        let mut sq = q(query);
        sq.lang = Some(lang);
        let mut p: Vec<String> = search(&dir, &sq)
            .unwrap()
            .into_iter()
            .map(|h| h.path)
            .collect();
        p.sort();
        p
    };
    // ru: "апостиля" (points 1 and 3) and "апостиль" (point 2) share a stem.
    assert_eq!(
        paths("апостилем", Lang::Ru),
        vec!["point:1", "point:2", "point:3"]
    );
    assert_eq!(paths("\"апостиль\"", Lang::Ru), vec!["point:2"]);
    // kk: "конвенциясына" (point 3) found by the bare stem form "конвенция"; the exact
    // form only where it is written.
    assert_eq!(paths("конвенция", Lang::Kk), vec!["point:1", "point:3"]);
    assert_eq!(paths("\"конвенциясына\"", Lang::Kk), vec!["point:3"]);
    // A phrase keeps its word order.
    assert_eq!(paths("\"гаагской конвенции\"", Lang::Ru), vec!["point:3"]);
    assert!(paths("\"конвенции гаагской\"", Lang::Ru).is_empty());
}

#[test]
fn snippets_mark_every_form_and_groups_and_facets_count() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    build(&dir);
    let handle = IndexReaderHandle::open(&dir).unwrap();
    let mut sq = q("апостиль");
    sq.lang = Some(Lang::Ru);
    sq.facets = true;
    let res = handle.search_counted(&sq).unwrap();
    let p3 = res.hits.iter().find(|h| h.path == "point:3").unwrap();
    assert!(p3.snippet.contains("[апостиля]"), "{}", p3.snippet);
    assert!(
        p3.snippet_html.contains("<b>апостиля</b>"),
        "{}",
        p3.snippet_html
    );
    // One act: one group holding every hit; facets count all matches.
    assert_eq!(res.groups.len(), 1);
    assert_eq!(res.groups[0].act_id, ACT_ID);
    assert_eq!(res.groups[0].total, Some(res.total as u64));
    assert_eq!(res.groups[0].hits.len(), res.hits.len());
    assert!(res.total_exact);
    let kinds: u64 = res.facets.unit_kind.iter().map(|f| f.count).sum();
    assert_eq!(kinds as usize, res.total);
    assert_eq!(res.facets.lang.len(), 1);
    // Without facets: the same hits, groups and exact total (below the cap), no facet counts.
    sq.facets = false;
    let lean = handle.search_counted(&sq).unwrap();
    assert_eq!(lean.hits, res.hits);
    assert_eq!(lean.groups, res.groups);
    assert_eq!((lean.total, lean.total_exact), (res.total, true));
    assert!(lean.facets.unit_kind.is_empty() && lean.facets.lang.is_empty());
}

/// The pruned top-k pass (block-max WAND, filters checked per candidate) returns what the
/// exhaustive pass that also counts facets returns: same hits in the same order, same total.
#[test]
fn pruned_top_k_equals_exhaustive_search() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    build(&dir);
    let handle = IndexReaderHandle::open(&dir).unwrap();
    let queries = [
        "апостиль",
        "апостиль гаагской",
        "\"гаагской конвенции\"",
        "конвенция",
        "апостиль -гаагской",
        "апостиль act:V2000020668",
    ];
    for text in queries {
        for lang in [None, Some(Lang::Kk), Some(Lang::Ru)] {
            for status in [
                zan::index::StatusFilter::InForce,
                zan::index::StatusFilter::All,
                zan::index::StatusFilter::Repealed,
            ] {
                for limit in [1, 2, 20] {
                    let mut sq = q(text);
                    sq.lang = lang;
                    sq.status = status;
                    sq.limit = limit;
                    let lean = handle.search_counted(&sq).unwrap();
                    sq.facets = true;
                    let full = handle.search_counted(&sq).unwrap();
                    let key = |r: &zan::index::SearchResults| {
                        r.hits
                            .iter()
                            .map(|h| (h.act_id.clone(), h.lang, h.path.clone(), h.valid_from))
                            .collect::<Vec<_>>()
                    };
                    let ctx = format!("{text} {lang:?} {status:?} limit {limit}");
                    assert_eq!(key(&lean), key(&full), "{ctx}");
                    assert_eq!(lean.total, full.total, "{ctx}");
                }
            }
        }
    }
}

#[test]
fn field_filters_in_the_query_and_in_the_request() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    build(&dir);
    let handle = IndexReaderHandle::open(&dir).unwrap();
    let total = |sq: &SearchQuery| handle.search_counted(sq).unwrap().total;
    let all = total(&q("апостиль"));
    assert!(all >= 6, "{all}");
    assert_eq!(total(&q("апостиль lang:kk")) * 2, all);
    assert_eq!(total(&q("апостиль act:v2000020668")), all);
    assert_eq!(total(&q("апостиль act:V1800017705")), 0);
    assert_eq!(total(&q("апостиль kind:point")), all);
    assert_eq!(total(&q("апостиль -гаагской")), all - 1);
    let mut kind = q("апостиль");
    kind.unit_kind = Some("chapter".into());
    assert_eq!(total(&kind), 0);
    kind.unit_kind = Some("nonsense".into());
    assert!(matches!(
        handle.search(&kind),
        Err(SearchError::BadQuery(_))
    ));
    // Sorted by date: the newest wording first.
    let mut by_date = q("апостиль");
    by_date.sort = zan::index::SortBy::Date;
    let hits = handle.search(&by_date).unwrap();
    let dates: Vec<_> = hits.iter().map(|h| h.valid_from).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
}

#[test]
fn status_filter_reads_old_wordings() {
    use zan::index::StatusFilter;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    build(&dir);
    let handle = IndexReaderHandle::open(&dir).unwrap();
    // Today: the old wording of point 2 (ended when № 586 took effect) is "repealed"
    // (no longer in force), the new one in force; "all" has both.
    let mut sq = q("\"апостиль\"");
    sq.lang = Some(Lang::Ru);
    let now = handle.search(&sq).unwrap();
    sq.status = StatusFilter::Repealed;
    let old = handle.search(&sq).unwrap();
    sq.status = StatusFilter::All;
    let all = handle.search(&sq).unwrap();
    assert_eq!(now.len(), 1);
    assert_eq!(old.len(), 1);
    assert_eq!(old[0].valid_to, Some(amend_from()));
    assert_eq!(all.len(), 2);
    // Before the act existed nothing, whatever the status.
    sq.as_of = base_from().pred_opt().unwrap();
    for st in [
        StatusFilter::InForce,
        StatusFilter::Repealed,
        StatusFilter::All,
    ] {
        sq.status = st;
        assert!(handle.search(&sq).unwrap().is_empty(), "{st:?}");
    }
}
