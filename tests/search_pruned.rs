//! The pruned search (block-max WAND over the query's terms, groups checked per candidate,
//! closeness bonus on the best few) against the exhaustive one (every match scored, as with
//! `facets=true`), on real acts of the corpus and queries drawn from their own text.

use std::collections::HashMap;
use std::path::Path;
use zan::index::{build_index_with, load_acts, BuildOptions, Hit, IndexReaderHandle, SearchQuery};

/// Acts copied into the test corpus: both languages each, a few hundred units.
const ACTS: [&str; 4] = ["141011", "142971", "97449", "87453"];

fn key(h: &Hit) -> String {
    format!(
        "{} {} {:?} {} {:?} {:?}",
        h.act_id, h.lang, h.document, h.path, h.valid_from, h.valid_to
    )
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .collect()
}

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() <= 1e-3 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn pruned_search_scores_and_ranks_as_the_exhaustive_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    for code in ACTS {
        let to = tmp.path().join("acts").join(code);
        std::fs::create_dir_all(&to).unwrap();
        for f in ["kaz.md", "rus.md", "meta.yaml"] {
            let from = root.join("corpus/acts").join(code).join(f);
            if from.exists() {
                std::fs::copy(&from, to.join(f)).unwrap();
            }
        }
    }
    let out = zan::pipeline::run(tmp.path(), &mut |_, _, _| {}).unwrap();
    // One segment, as a small index is built; and the layout of a large one: the versions
    // that ended before today in a segment of their own, which searches of today skip.
    for split in [false, true] {
        let dir = tmp.path().join(format!("index-{split}"));
        let options = BuildOptions {
            split_ended: Some(split),
            ..Default::default()
        };
        build_index_with(&dir, &out.acts, options, &mut |_, _| {}).unwrap();
        let index = IndexReaderHandle::open(&dir).unwrap();
        let segments = index.index().searchable_segment_metas().unwrap().len();
        assert_eq!(segments, if split { 2 } else { 1 });
        same_as_exhaustive(&index, &dir);
    }
}

/// Every query ranks, scores and counts as the exhaustive search does, on `index`.
fn same_as_exhaustive(index: &IndexReaderHandle, dir: &Path) {
    // Queries from the units' own words: 1–4 words anywhere in a unit, and 2–3 adjacent
    // words as an exact phrase (deterministic, every 7th unit).
    let mut texts: Vec<Vec<String>> = Vec::new();
    for act in load_acts(dir).unwrap() {
        for v in &act.versions {
            let w = words(&v.text);
            if w.len() >= 6 {
                texts.push(w);
            }
        }
    }
    assert!(texts.len() > 100, "{} units with words", texts.len());
    let mut queries = Vec::new();
    for (i, w) in texts.iter().enumerate().step_by(7) {
        let n = w.len();
        let pick = |k: usize| w[(i * 31 + k * 17) % n].clone();
        queries.push(pick(0));
        queries.push(format!("{} {}", pick(1), pick(2)));
        queries.push(format!("{} {} {}", pick(3), pick(4), pick(5)));
        queries.push(format!("{} {} {} {}", pick(6), pick(7), pick(8), pick(9)));
        let s = i % (n - 3);
        queries.push(format!("\"{} {}\"", w[s], w[s + 1]));
        queries.push(format!("\"{} {} {}\"", w[s], w[s + 1], w[s + 2]));
    }

    // A past date, and today: the window of today's date is read from a bitset worked out
    // once a day, other dates from the columns.
    let days = [
        chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap(),
        chrono::Local::now().date_naive(),
    ];
    let (mut compared, mut same_order, mut hits_seen) = (0, 0, 0);
    for (day, text) in days
        .iter()
        .flat_map(|d| queries.iter().map(move |q| (*d, q)))
    {
        let mut pruned_q = SearchQuery::new(text.clone(), day);
        pruned_q.limit = 10;
        let mut full_q = pruned_q.clone();
        full_q.facets = true;
        full_q.limit = 1000;
        let pruned = index.search_counted(&pruned_q).unwrap();
        let full = index.search_counted(&full_q).unwrap();
        assert_eq!(pruned.total, full.total, "{text}: totals differ");
        for g in &pruned.groups {
            let f = full.groups.iter().find(|f| f.act_id == g.act_id);
            assert_eq!(
                g.total,
                f.and_then(|f| f.total),
                "{text}: matches in {}",
                g.act_id
            );
        }
        let scores: HashMap<String, f32> = full.hits.iter().map(|h| (key(h), h.score)).collect();
        // Every hit of the pruned search is a match with the score the exhaustive one gives.
        for h in &pruned.hits {
            let want = scores
                .get(&key(h))
                .unwrap_or_else(|| panic!("{text}: {} not a match", key(h)));
            assert!(
                close(h.score, *want),
                "{text}: {} scored {} not {want}",
                key(h),
                h.score
            );
            hits_seen += 1;
        }
        // Best first, and never below the true k-th best.
        for (i, h) in pruned.hits.iter().enumerate() {
            assert!(
                h.score + 1e-3 >= full.hits[i].score || close(h.score, full.hits[i].score),
                "{text}: hit {i} scored {} below the exhaustive {}",
                h.score,
                full.hits[i].score
            );
        }
        let pruned_scores: Vec<f32> = pruned.hits.iter().map(|h| h.score).collect();
        let full_scores: Vec<f32> = full.hits.iter().take(10).map(|h| h.score).collect();
        compared += 1;
        if pruned_scores.len() == full_scores.len()
            && pruned_scores
                .iter()
                .zip(&full_scores)
                .all(|(a, b)| close(*a, *b))
        {
            same_order += 1;
        } else {
            // Only the closeness bonus on the best 2×limit may differ: never a word or phrase
            // query without it (single words, exact phrases).
            assert!(
                text.split_whitespace().count() > 1 && !text.starts_with('"'),
                "{text}: {pruned_scores:?} vs {full_scores:?}"
            );
        }
    }
    eprintln!("{compared} queries, {same_order} ranked as the exhaustive search, {hits_seen} hits");
    assert!(compared >= 100);
    assert!(hits_seen > 500);
    assert!(
        same_order * 100 >= compared * 97,
        "only {same_order} of {compared} ranked as the exhaustive search"
    );
}
