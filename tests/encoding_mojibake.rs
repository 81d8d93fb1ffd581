//! Mojibake repair on real corpus text: every one-deep kind (true page read as a wrong page) is
//! undone exactly on sample lines, a two-deep chain too, and clean corpus files are not changed.
//! The full measurement is `zan eval encoding`.

use zan::repair::mojibake::{all_steps, fix_text, Page, Step};
use zan::repair::repair_text;

fn corpus(path: &str) -> String {
    let p = format!("{}/corpus/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// Prose lines of an act the letter model did not learn from (it learnt from 105095).
fn prose(path: &str, n: usize) -> Vec<String> {
    corpus(path)
        .lines()
        .filter(|l| {
            l.split_whitespace()
                .filter(|w| w.chars().count() >= 4)
                .count()
                >= 6
        })
        .step_by(7)
        .take(n)
        .map(str::to_string)
        .collect()
}

#[test]
fn every_one_deep_kind_is_undone() {
    let mut lines = prose("acts/142971/rus.md", 3);
    lines.extend(prose("acts/142971/kaz.md", 3));
    let mut tried = 0;
    let mut failed = Vec::new();
    for st in all_steps() {
        for l in &lines {
            let Some(bad) = st.garble(l).filter(|b| b != l) else {
                continue;
            };
            tried += 1;
            let (fixed, _, _) = fix_text(&bad);
            if fixed != *l {
                failed.push(format!("[{}] {bad:?} -> {fixed:?}", st.label()));
            }
        }
    }
    assert!(tried > 150, "{tried}");
    // One-deep recovery is 100% on the cases of `zan eval encoding`.
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn double_utf8_mojibake_is_undone_by_repair_text() {
    let clean = "Қазақстан Республикасының Әділет министрлігінде 2021 жылғы 10 қарашада тіркелді";
    let once = Step {
        truth: Page::Utf8,
        shown: Page::Cp1251,
    };
    let twice = once.garble(&once.garble(clean).unwrap()).unwrap();
    let r = repair_text(&format!("{twice}\n"), None);
    assert_eq!(r.text, format!("{clean}\n"));
    assert_eq!(r.report.mojibake_lines, 1);
    assert!(r.report.mojibake.is_some());
}

#[test]
fn clean_corpus_files_are_not_changed() {
    let root = format!("{}/corpus", env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for e in walkdir::WalkDir::new(&root).into_iter().flatten() {
        let p = e.path();
        if !p.extension().is_some_and(|x| x == "md" || x == "txt") {
            continue;
        }
        let text = std::fs::read_to_string(p).unwrap();
        let (fixed, changed, chain) = fix_text(&text);
        assert_eq!(changed, 0, "{}: {chain:?}", p.display());
        assert_eq!(fixed, text);
        n += 1;
    }
    assert!(n >= 30);
}
