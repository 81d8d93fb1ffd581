//! The structure stage on the real corpus (corpus/acts/<code>/{rus,kaz}.md + meta.yaml).

use chrono::NaiveDate;
use std::path::PathBuf;
use zan::model::{path_to_string, EventKind, Lang, SourceDoc, SourceFormat, UnitKind, UnitStatus};
use zan::structure::{meta_from_yaml, parse_act, ActText, Unit};

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus/acts")
}

fn codes() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("meta.yaml").exists())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

fn load(code: &str, lang: Lang) -> SourceDoc {
    let dir = corpus_dir().join(code);
    let file = if lang == Lang::Ru { "rus.md" } else { "kaz.md" };
    let meta = meta_from_yaml(&std::fs::read_to_string(dir.join("meta.yaml")).unwrap());
    SourceDoc {
        path: dir.join(file),
        lang,
        format: SourceFormat::Markdown,
        text: std::fs::read_to_string(dir.join(file)).unwrap(),
        meta,
    }
}

fn act(code: &str, lang: Lang) -> ActText {
    parse_act(&load(code, lang)).unwrap_or_else(|e| panic!("{code} {lang}: {e}"))
}

fn find<'a>(a: &'a ActText, doc_prefix: Option<&str>, path: &str) -> Option<&'a Unit> {
    a.units.iter().find(|u| {
        path_to_string(&u.path) == path
            && match (doc_prefix, &u.document) {
                (None, None) => true,
                (Some(p), Some(d)) => d.starts_with(p),
                _ => false,
            }
    })
}

fn event_count(a: &ActText) -> usize {
    a.units.iter().map(|u| u.events.len()).sum::<usize>() + a.events.len()
}

#[test]
fn every_corpus_act_parses_in_both_languages() {
    for code in codes() {
        for lang in [Lang::Ru, Lang::Kk] {
            let a = act(&code, lang);
            assert!(a.id.starts_with('V'), "{code} {lang}: id {}", a.id);
            assert!(!a.title.is_empty());
            assert!(a.units.len() > 5, "{code} {lang}: {} units", a.units.len());
            assert_eq!(a.units[0].path[0].kind, UnitKind::Title);
            // Paths are unique within a document.
            let mut seen = std::collections::HashSet::new();
            for u in &a.units {
                assert!(
                    seen.insert((u.document.clone(), u.path.clone())),
                    "{code} {lang}: duplicate {:?} {}",
                    u.document,
                    path_to_string(&u.path)
                );
            }
            // Document order.
            assert!(a.units.windows(2).all(|w| w[0].line <= w[1].line));
            // Every footnote line yields at least one event.
            let text = std::fs::read_to_string(load(&code, lang).path).unwrap();
            let word = if lang == Lang::Ru {
                "Сноска"
            } else {
                "Ескерту"
            };
            let fn_lines: Vec<usize> = text
                .lines()
                .enumerate()
                .filter(|(_, l)| l.contains(word))
                .map(|(i, _)| i + 1)
                .collect();
            let sources: std::collections::BTreeSet<usize> = a
                .units
                .iter()
                .flat_map(|u| u.events.iter())
                .chain(a.events.iter())
                .filter_map(|e| e.source.rsplit(':').next()?.parse().ok())
                .collect();
            let missing: Vec<_> = fn_lines.iter().filter(|l| !sources.contains(l)).collect();
            assert!(
                missing.is_empty(),
                "{code} {lang}: footnotes without events at {missing:?}"
            );
            if std::env::var("ZAN_DUMP").is_ok() {
                eprintln!(
                    "| {code} | {lang} | {} | {} | {} | {} | {} |",
                    a.units.len(),
                    a.units.iter().filter(|u| u.document.is_some()).count(),
                    fn_lines.len(),
                    event_count(&a),
                    a.events.len()
                );
            }
        }
    }
}

#[test]
fn apostille_rules_142971_ru() {
    let a = act("142971", Lang::Ru);
    assert_eq!(a.id, "V2000020668");
    assert_eq!(a.version_date, NaiveDate::from_ymd_opt(2021, 12, 10));
    assert_eq!(a.requisites.number.as_deref(), Some("209"));
    // Preamble and the order's own points.
    let pre = find(&a, None, "preamble").unwrap();
    assert!(pre.text.starts_with("В соответствии с подпунктом 1)"));
    assert!(pre.text.ends_with("ПРИКАЗЫВАЮ:"));
    assert!(find(&a, None, "point:3/subpoint:2").is_some());
    // Rules: chapters, point 2 with its subpoints.
    let rules = Some("Правила оказания государственной услуги");
    let ch = find(&a, rules, "chapter:2").unwrap();
    assert!(ch.text.starts_with("Глава 2. Порядок оказания"));
    let p2 = find(&a, rules, "point:2").unwrap();
    assert!(p2.text.contains("1) апостиль – специальный штамп"));
    assert!(p2.text.contains("3) сервис цифровых документов"));
    for s in 1..=3 {
        assert!(find(&a, rules, &format!("point:2/subpoint:{s}")).is_some());
    }
    // The footnote on point 10: reworded by order No 586 of 10.12.2021.
    let p10 = find(&a, rules, "point:10").unwrap();
    assert_eq!(p10.events.len(), 1);
    let ev = &p10.events[0];
    assert_eq!(ev.kind, EventKind::Reworded);
    let o = ev.order.as_ref().unwrap();
    assert_eq!(o.number, "586");
    assert_eq!(o.date, NaiveDate::from_ymd_opt(2021, 12, 10));
    assert!(ev.source.contains("rus.md:89"));
    // Subpoint 5) of point 10 has continuation paragraphs; point 6 has two indents.
    assert!(find(&a, rules, "point:10/subpoint:5")
        .unwrap()
        .text
        .contains("По результатам заслушивания"));
    assert!(find(&a, rules, "point:6/indent:2")
        .unwrap()
        .text
        .starts_with("День обращения"));
    // Appendix 1 of the Rules (the standard) with its table flattened and its footnote.
    let ap1 = find(&a, rules, "appendix:1").unwrap();
    assert!(ap1
        .text
        .contains("1 | Наименование услугодателя | Территориальными"));
    assert_eq!(ap1.events.len(), 1);
    // The list of repealed orders is an appendix of the order itself, with its own points.
    let ap = a
        .units
        .iter()
        .find(|u| u.document.is_none() && u.kind() == Some(UnitKind::Appendix))
        .unwrap();
    assert_eq!(ap.path[0].num, "2");
    assert!(ap.text.contains("Перечень утративших силу"));
    assert!(find(&a, None, "appendix:2/point:6").is_some());
    // Stamps and signatures are not unit text.
    assert!(!a
        .units
        .iter()
        .any(|u| u.text.contains("Утвержден приказом")));
    assert!(!a.units.iter().any(|u| u.text.contains("Аймагамбетов")));
}

#[test]
fn footnotes_of_125804_ru_all_attached() {
    let a = act("125804", Lang::Ru);
    let text = std::fs::read_to_string(corpus_dir().join("125804/rus.md")).unwrap();
    let footnote_lines = text.lines().filter(|l| l.contains("Сноска")).count();
    assert_eq!(footnote_lines, 44);
    // Every footnote gives at least one event, and every event names its footnote line.
    let mut lines: Vec<String> = a
        .units
        .iter()
        .flat_map(|u| u.events.iter())
        .chain(a.events.iter())
        .filter(|e| e.source.starts_with("footnote"))
        .filter(|e| e.kind != EventKind::Repealed || !e.path.is_empty())
        .map(|e| e.source.clone())
        .collect();
    lines.sort();
    lines.dedup();
    // The repealed placeholder "68. Исключен …" is an event source too but no "Сноска" line.
    let from_footnotes = lines
        .iter()
        .filter(|s| {
            let n: usize = s.rsplit(':').next().unwrap().parse().unwrap();
            text.lines().nth(n - 1).unwrap().contains("Сноска")
        })
        .count();
    assert_eq!(from_footnotes, 44);
    // Multi-order footnote → one event per order, in date order.
    let p1 = find(&a, Some("Типовые правила"), "point:1").unwrap();
    let dates: Vec<_> = p1
        .events
        .iter()
        .map(|e| e.order.as_ref().unwrap().date)
        .collect();
    assert!(dates.len() >= 3, "{dates:?}");
    assert!(dates.windows(2).all(|w| w[0] <= w[1]));
    // Repealed point 68.
    let p68 = find(&a, Some("Типовые правила"), "point:68").unwrap();
    assert_eq!(p68.status, UnitStatus::Repealed);
    assert_eq!(p68.events[0].kind, EventKind::Repealed);
    assert_eq!(p68.events[0].order.as_ref().unwrap().number, "311");
    // Inserted point 24-1 carries its Inserted event.
    let p241 = find(&a, Some("Типовые правила"), "point:24-1").unwrap();
    assert!(p241.events.iter().any(|e| e.kind == EventKind::Inserted));
    // Title and preamble footnotes.
    assert!(!find(&a, None, "title").unwrap().events.is_empty());
    assert!(!find(&a, None, "preamble").unwrap().events.is_empty());
    // "Типовые правила в редакции …" is about the whole document: act-level event.
    assert!(a.events.iter().any(|e| e
        .document
        .as_deref()
        .is_some_and(|d| d.starts_with("Типовые правила"))
        && e.path.is_empty()
        && e.kind == EventKind::Reworded));
}

#[test]
fn repealed_points_and_subpoints() {
    let a = act("141011", Lang::Ru);
    for n in ["9", "10"] {
        let u = a
            .units
            .iter()
            .find(|u| u.document.is_some() && path_to_string(&u.path) == format!("point:{n}"))
            .unwrap();
        assert_eq!(u.status, UnitStatus::Repealed);
        assert_eq!(u.events[0].kind, EventKind::Repealed);
        assert_eq!(u.events[0].order.as_ref().unwrap().number, "ҚР ДСМ-107");
    }
    let k = act("141011", Lang::Kk);
    assert!(k
        .units
        .iter()
        .any(|u| path_to_string(&u.path) == "point:9" && u.status == UnitStatus::Repealed));
    let j = act("97449", Lang::Kk);
    let s = j
        .units
        .iter()
        .find(|u| path_to_string(&u.path) == "point:2/subpoint:3")
        .unwrap();
    assert_eq!(s.status, UnitStatus::Repealed);
    // The kk footnote "2-тармаққа өзгеріс енгізілді" lands on point 2 of the Rules.
    let p2 = j
        .units
        .iter()
        .find(|u| u.document.is_some() && path_to_string(&u.path) == "point:2")
        .unwrap();
    assert!(p2.events.iter().any(|e| e.kind == EventKind::Amended));
}

#[test]
fn point_numbering_restarts_in_appendices() {
    let a = act("105095", Lang::Ru);
    let doc_points = a
        .units
        .iter()
        .filter(|u| u.document.is_some() && path_to_string(&u.path) == "point:1")
        .count();
    assert!(doc_points >= 1);
    assert!(a.units.iter().any(|u| u.path.len() == 2
        && u.path[0].kind == UnitKind::Appendix
        && u.path[1] == zan::model::UnitRef::new(UnitKind::Point, "1")));
    // Order point 1, Rules point 1 and appendix point 1 coexist.
    assert!(find(&a, None, "point:1").is_some());
}

#[test]
fn kazakh_footnotes_105095() {
    let a = act("105095", Lang::Kk);
    let text = std::fs::read_to_string(corpus_dir().join("105095/kaz.md")).unwrap();
    assert_eq!(text.lines().filter(|l| l.contains("Ескерту")).count(), 14);
    let sources: std::collections::BTreeSet<String> = a
        .units
        .iter()
        .flat_map(|u| u.events.iter())
        .chain(a.events.iter())
        .map(|e| e.source.clone())
        .collect();
    assert_eq!(sources.len(), 14, "{sources:?}");
    let pre = find(&a, None, "preamble").unwrap();
    assert_eq!(pre.events[0].kind, EventKind::Reworded);
    assert_eq!(pre.events[0].order.as_ref().unwrap().number, "171");
    // "2-тармақ жаңа редакцияда - … 18.08.2022 № 374 (…); … м.а. 16.06.2023 № 171 (…)".
    let p2 = find(&a, Some("Бала қонақтайтын отбасы туралы ереже"), "point:2").unwrap();
    let nums: Vec<_> = p2
        .events
        .iter()
        .map(|e| e.order.as_ref().unwrap().number.as_str())
        .collect();
    assert_eq!(nums, ["374", "171"]);
    // The indented footnote under point 1 and the plain-text one on appendix 4.
    let p1 = find(&a, Some("Бала қонақтайтын отбасы туралы ереже"), "point:1").unwrap();
    assert_eq!(p1.events.len(), 1);
    let ap4 = find(
        &a,
        Some("Бала қонақтайтын отбасы туралы ереже"),
        "appendix:4",
    )
    .unwrap();
    assert_eq!(ap4.events.len(), 1);
}

#[test]
fn documents_introduced_by_order_appendix_stamps() {
    // 93444: three standards, each "Приложение N к приказу", each with its own appendix.
    let a = act("93444", Lang::Ru);
    let docs: std::collections::BTreeSet<_> =
        a.units.iter().filter_map(|u| u.document.clone()).collect();
    assert!(docs.len() >= 3, "{docs:?}");
    assert!(docs
        .iter()
        .all(|d| d.starts_with("Минимальный социальный стандарт")));
    // 143761: "Приложение 1 в редакции" right under the Rules' heading is about the Rules.
    let b = act("143761", Lang::Ru);
    assert!(b.events.iter().any(|e| e
        .document
        .as_deref()
        .is_some_and(|d| d.starts_with("Правила"))
        && e.path.is_empty()));
}

#[test]
fn plain_text_acts_parse() {
    let md = std::fs::read_to_string(corpus_dir().join("97449/rus.md")).unwrap();
    let plain: String = md
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.replace(['*', '>'], ""))
        .collect::<Vec<_>>()
        .join("\n");
    let text = format!("Приказ Министра юстиции Республики Казахстан от 29 декабря 2015 года № 652. Зарегистрирован в Министерстве юстиции Республики Казахстан 30 декабря 2015 года № 12615\n\nОб утверждении Правил распределения исполнительных документов\n\n{plain}");
    let doc = SourceDoc {
        path: "x.txt".into(),
        lang: Lang::Ru,
        format: SourceFormat::Text,
        text,
        meta: None,
    };
    let a = parse_act(&doc).unwrap();
    assert_eq!(a.id, "V1500012615");
    assert!(a.title.starts_with("Об утверждении Правил"));
    assert!(find(&a, None, "point:2/subpoint:1").is_some());
    assert!(a
        .units
        .iter()
        .any(|u| u.document.is_some() && path_to_string(&u.path) == "point:8"));
    let none = SourceDoc {
        path: "y.txt".into(),
        lang: Lang::Ru,
        format: SourceFormat::Text,
        text: "просто текст без реквизитов".into(),
        meta: None,
    };
    assert!(parse_act(&none).is_err());
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    fn doc(text: String, format: SourceFormat) -> SourceDoc {
        SourceDoc {
            path: "p.md".into(),
            lang: Lang::Ru,
            format,
            text,
            meta: Some(zan::model::ActMeta {
                requisite: Some("Приказ от 18 мая 2020 года № 209. Зарегистрирован в Министерстве юстиции Республики Казахстан 19 мая 2020 года № 20668".into()),
                ..Default::default()
            }),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn never_panics_on_arbitrary_markdown(s in "(?s)[#>*0-9\\.\\)\\(\\-§ \\n\\tаяАЯқҚ№;<>/tdr|`_]{0,400}") {
            let _ = parse_act(&doc(s.clone(), SourceFormat::Markdown));
            let _ = parse_act(&doc(s, SourceFormat::Text));
        }

        #[test]
        fn never_panics_on_markdown_like_lines(lines in proptest::collection::vec(prop_oneof![
            Just("# Заголовок".to_string()),
            Just("## Правила".to_string()),
            Just("### Глава 1. Общие".to_string()),
            Just("> *Утвержден приказом*  ".to_string()),
            Just("> *Приложение 1 к приказу*".to_string()),
            Just("> *Приложение 2*".to_string()),
            Just("> *Сноска. Пункт 1 в редакции приказа от 01.01.2020 № 1 (".to_string()),
            Just("> *Ескерту. 2-тармақ жаңа редакцияда - ҚР 01.01.2020 № 2);".to_string()),
            Just("*5. Исключен приказом от 01.02.2021 № 3*".to_string()),
            Just("<table><tr><td>1</td>".to_string()),
            Just("```".to_string()),
            Just("1. Пункт".to_string()),
            Just("1\\. Пункт".to_string()),
            Just("   1) подпункт".to_string()),
            Just("       абзац".to_string()),
            "[а-я0-9 \\.\\)]{0,30}",
        ], 0..40)) {
            let text = lines.join("\n\n");
            let _ = parse_act(&doc(text.clone(), SourceFormat::Markdown));
            let _ = parse_act(&doc(text, SourceFormat::Text));
        }
    }
}

/// `ZAN_DUMP_ACT=142971:ru cargo test --test structure_corpus dump -- --ignored --nocapture`
#[test]
#[ignore]
fn dump() {
    let Ok(spec) = std::env::var("ZAN_DUMP_ACT") else {
        return;
    };
    let (code, lang) = spec.split_once(':').unwrap_or((&spec, "ru"));
    let a = act(code, Lang::parse(lang).unwrap());
    for u in &a.units {
        let t: String = u.text.chars().take(90).collect();
        eprintln!(
            "{:>4} {:<28} {:<34} {:?} | {}",
            u.line,
            u.document
                .as_deref()
                .map(|d| d.chars().take(26).collect::<String>())
                .unwrap_or("-".into()),
            path_to_string(&u.path),
            u.status,
            t.replace('\n', " ⏎ ")
        );
        for e in &u.events {
            let o = e.order.as_ref().unwrap();
            eprintln!(
                "       ev {:?} {} {:?} {:?} eff={:?} {}",
                e.kind, o.number, o.date, o.issuer, e.effective, e.source
            );
        }
    }
    for e in &a.events {
        let o = e.order.as_ref().unwrap();
        eprintln!(
            "  ACT ev {:?} doc={:?} {} {:?} {}",
            e.kind,
            e.document
                .as_deref()
                .map(|d| d.chars().take(30).collect::<String>()),
            o.number,
            o.date,
            e.source
        );
    }
}

#[test]
fn seed_orders_as_plain_text_do_not_fail() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus/orders");
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return;
    };
    for e in rd.flatten() {
        let text = std::fs::read_to_string(e.path()).unwrap_or_default();
        let lang = if text.chars().any(|c| "әғқңөұүһі".contains(c)) {
            Lang::Kk
        } else {
            Lang::Ru
        };
        let doc = SourceDoc {
            path: e.path(),
            lang,
            format: SourceFormat::Text,
            text,
            meta: None,
        };
        // The garbled OCR seed may lack requisites; the others must give an ID and points.
        match parse_act(&doc) {
            Ok(a) => {
                if std::env::var("ZAN_DUMP").is_ok() {
                    eprintln!("{:?}: {} {} units", e.file_name(), a.id, a.units.len());
                }
                assert!(!a.units.is_empty());
            }
            Err(err) => eprintln!("{:?}: {err}", e.file_name()),
        }
    }
}
