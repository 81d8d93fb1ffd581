//! The Kazakh stemmer against a word list taken from the corpus (tests/data/kk_stems.tsv:
//! 1,000 forms with the stems a reader of Kazakh expects).

use zan::index::kazakh::stem;

fn list() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/kk_stems.tsv"
    ))
    .expect("tests/data/kk_stems.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (form, stem) = l.split_once('\t').expect("form<TAB>stem");
            (form.trim().to_string(), stem.trim().to_string())
        })
        .collect()
}

#[test]
fn word_list_accuracy() {
    let list = list();
    assert!(list.len() >= 500, "{} forms", list.len());
    let wrong: Vec<_> = list
        .iter()
        .filter(|(f, e)| stem(f) != *e)
        .map(|(f, e)| format!("{f}: expected {e}, got {}", stem(f)))
        .collect();
    let acc = 1.0 - wrong.len() as f64 / list.len() as f64;
    println!(
        "kk stemmer: {}/{} forms right ({:.1}%)",
        list.len() - wrong.len(),
        list.len(),
        acc * 100.0
    );
    for w in &wrong {
        println!("  {w}");
    }
    assert!(acc >= 0.9, "accuracy {acc:.3}");
}

/// Forms of one word must meet: the point of stemming for search. Counted over the list's
/// groups (forms sharing an expected stem): how many forms land on their group's most common
/// stem.
#[test]
fn forms_of_a_word_meet() {
    use std::collections::HashMap;
    let mut groups: HashMap<String, Vec<String>> = HashMap::new();
    for (f, e) in list() {
        groups.entry(e).or_default().push(stem(&f));
    }
    let (mut met, mut all) = (0, 0);
    for stems in groups.values() {
        let mut count: HashMap<&str, usize> = HashMap::new();
        for s in stems {
            *count.entry(s).or_default() += 1;
        }
        met += count.values().max().copied().unwrap_or(0);
        all += stems.len();
    }
    let rate = met as f64 / all as f64;
    println!("kk stemmer: {met}/{all} forms meet their word's main stem");
    assert!(rate >= 0.93, "{rate:.3}");
}
