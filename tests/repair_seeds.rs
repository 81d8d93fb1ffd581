//! Golden checks of the repair stage on the seed orders and the clean corpus.

use proptest::prelude::*;
use zan::model::Lang;
use zan::repair::{repair_text, restore_moved_links};

fn read(rel: &str) -> String {
    let p = format!("{}/corpus/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn seed(prefix: &str) -> String {
    let dir = format!("{}/corpus/orders", env!("CARGO_MANIFEST_DIR"));
    let name = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with(prefix) && n.ends_with(".txt"))
        .unwrap_or_else(|| panic!("no seed {prefix} in {dir}"));
    read(&format!("orders/{name}"))
}

fn has_line(text: &str, want: &str) -> bool {
    text.lines().any(|l| l == want)
}

#[test]
fn seed_000_instructions_come_out_in_natural_order() {
    let src = seed("000_");
    let r = repair_text(&src, None);
    assert_eq!(r.lang, Lang::Ru);
    assert_eq!(r.text.split('\n').count(), src.split('\n').count());
    for want in [
        "      пункт 12 изложить в новой редакции:",
        "      Преамбулу приказа изложить в новой редакции:",
        "      абзац второй пункта 3 изложить в новой редакции:",
        "      абзац первый пункта 9 изложить в новой редакции:",
        "      1. Внести в приказ Министра образования и науки Республики Казахстан от 18",
        "      Приложение 1 изложить в новой редакции согласно приложению к настоящему",
        "отказ на бумажном носителе, согласно приложению 2 к настоящим Правилам.\";",
        "      \"В соответствии с подпунктом 29) статьи 5 Закона Республики Казахстан \"Об",
        "      в Типовых правилах приема на обучение в организации образования, реализующие",
    ] {
        assert!(has_line(&r.text, want), "missing: {want}");
    }
    // Every "изложить в новой редакции:<unit>" glue is undone.
    assert!(!r.text.contains("редакции:пункт"));
    // 39 links + the moved "ПРИКАЗЫВАЮ:" (tests/layout_golden.rs lists every line).
    assert_eq!(r.report.moved_link_lines, 40);
    assert_eq!(r.report.moved_links, 41);
    // A link wrapped across lines: its keyword ends the first line, its number opens the next.
    assert!(has_line(
        &r.text,
        "подпунктом 29) статьи 5 Закона Республики Казахстан \"Об образовании\" и подпунктом"
    ));
    // The letter-spaced table words.
    assert!(has_line(&r.text, "технического и "));
}

#[test]
fn seed_004_instructions_come_out_in_natural_order() {
    let src = seed("004_");
    let r = repair_text(&src, None);
    assert_eq!(r.lang, Lang::Kk);
    assert_eq!(r.text.split('\n').count(), src.split('\n').count());
    for want in [
        "      2-тармақ мынадай редакцияда жазылсын:",
        "      18-тармақ мынадай редакцияда жазылсын:",
        "құжаттарды апостильдеу\" мемлекеттік қызмет көрсету қағидаларында:",
        "ғылым министрінің 2020 жылғы 18 мамырдағы № 209 бұйрығына (нормативтік",
        "министрлігінің Заң департаментіне осы тармақтың 1) және 2) тармақшаларында",
        "      Көрсетілген қағидаларға 1-қосымша осы бұйрыққа қосымшаға сәйкес жаңа",
    ] {
        assert!(has_line(&r.text, want), "missing: {want}");
    }
    assert!(!r.text.contains("жазылсын:2"));
    assert_eq!(r.report.moved_link_lines, 14);
    assert_eq!(r.report.changed_lines, 14);
}

#[test]
fn seed_001_transliterated_table_words_are_cyrillic_again() {
    let src = seed("001_");
    let r = repair_text(&src, None);
    assert_eq!(r.lang, Lang::Kk);
    assert_eq!(r.report.moved_link_lines, 0);
    for word in [
        "Мемлекеттік",
        "көрсету",
        "Көрсетілетін",
        "негіздемесімен",
        "өндіріп",
        "және",
    ] {
        assert!(r.text.contains(word), "{word}");
    }
    for bad in [
        "kөrsetu",
        "Мемлекеттіk",
        "жәne",
        "өндіrіp",
        "негізdemесімен",
    ] {
        assert!(!r.text.contains(bad), "{bad}");
    }
    // Latin words stay Latin.
    assert!(r.text.contains("alushydan") || !src.contains("alushydan"));
}

#[test]
fn ocr_garble_of_seed_002_is_left_alone() {
    let src = seed("002_");
    let r = repair_text(&src, None);
    assert_eq!(r.report.moved_link_lines, 0);
    assert_eq!(r.text.split('\n').count(), src.split('\n').count());
}

/// Texts without the artefact: the 14 consolidated acts (kk + ru) and the clean seeds 001/003.
#[test]
fn clean_text_is_not_touched_by_link_repair() {
    let root = format!("{}/corpus", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = walkdir::WalkDir::new(format!("{root}/acts"))
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.path().display().to_string())
        .collect();
    assert!(files.len() >= 28, "corpus missing: {files:?}");
    for p in ["001_", "003_"] {
        let dir = format!("{root}/orders");
        for e in std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()) {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with(p) {
                files.push(e.path().display().to_string());
            }
        }
    }
    let mut changed = Vec::new();
    let mut lines = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for (i, l) in text.split('\n').enumerate() {
            lines += 1;
            if let Some(r) = restore_moved_links(l) {
                changed.push(format!("{f}:{}: {l:?} -> {r:?}", i + 1));
            }
        }
    }
    assert!(lines > 10_000);
    assert!(
        changed.is_empty(),
        "{} of {lines} lines changed:\n{}",
        changed.len(),
        changed.join("\n")
    );
}

#[test]
fn clean_russian_acts_are_unchanged_by_the_whole_repair() {
    // Russian acts carry no Kazakh-keyboard contamination; only genuine fixes may show up
    // (a Latin "c" preposition, "Cлужба"), so at most a handful of lines change.
    let root = format!("{}/corpus/acts", env!("CARGO_MANIFEST_DIR"));
    let mut total = 0;
    for e in std::fs::read_dir(&root).unwrap().filter_map(|e| e.ok()) {
        let p = e.path().join("rus.md");
        if let Ok(t) = std::fs::read_to_string(&p) {
            let r = repair_text(&t, None);
            assert_eq!(r.lang, Lang::Ru, "{}", p.display());
            assert_eq!(r.report.moved_link_lines, 0);
            assert_eq!(r.report.letter_spaced_words, 0, "{}", p.display());
            total += r.report.changed_lines;
        }
    }
    assert!(total <= 10, "{total} lines changed in clean Russian acts");
}

#[test]
fn letter_spacing_keeps_genuine_one_letter_words() {
    // Runs of 4+ letters are spaced words; a run of 3 only when at most one letter could be a
    // Russian one-letter word ("т е м" joins, "с и в" does not).
    let r = repair_text(
        "в соответствии с и в порядке\nП Р И К А З Ы В А Ю:\nт е м\nправа с и в",
        Some(Lang::Ru),
    );
    assert_eq!(
        r.text,
        "в соответствии с и в порядке\nПРИКАЗЫВАЮ:\nтем\nправа с и в"
    );
    assert_eq!(r.report.letter_spaced_words, 2);
}

proptest! {
    #[test]
    fn repair_never_panics_and_keeps_lines(s in "\\PC*") {
        let r = repair_text(&s, None);
        prop_assert_eq!(r.text.split('\n').count(), s.split('\n').count());
        prop_assert_eq!(r.text.ends_with('\n'), s.ends_with('\n'));
    }

    #[test]
    fn repair_keeps_lines_on_legal_looking_text(
        s in "[ \\n:;.\"()№0-9a-zA-Zəа-яА-ЯәғқңөұүһіІ-]{0,120}|( {1,3}(пункт|приказ|тармақ|2-тармақ|12|29\\)|и|в|с|редакции:|т е к с т|Cлужба|шiлдедегi)){0,20}"
    ) {
        let r = repair_text(&s, None);
        prop_assert_eq!(r.text.split('\n').count(), s.split('\n').count());
        for line in s.split('\n') {
            let _ = restore_moved_links(line);
        }
    }
}
