//! Seed 000 (order № 20 of 31.01.2025) against corpus act 125804 (the official current text of
//! order № 578): every point whose official footnote names order № 20 as its last change must
//! read, in `zan split`'s wording, as the official text (normalised edit distance ≤ 0.5%).

use std::path::Path;
use zan::model::{EventKind, Lang, UnitKind};
use zan::{amend, ingest, repair, structure};

/// Whitespace collapsed, quotes «» “” „ folded to ", dashes folded, case kept.
fn fold(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| match c {
            '«' | '»' | '“' | '”' | '„' => '"',
            '–' | '—' => '-',
            'ё' => 'е',
            other => other,
        })
        .collect();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn seed_000_wording_matches_the_official_text() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let act_dir = root.join("corpus/acts/125804");
    let mut doc = ingest::read_file(&act_dir.join("rus.md")).unwrap();
    doc.meta = Some(ingest::read_meta(&act_dir.join("meta.yaml")).unwrap());
    doc.lang = Lang::Ru;
    doc.format = zan::model::SourceFormat::Markdown;
    doc.text = repair::repair_text(&doc.text, Some(Lang::Ru)).text;
    let act = structure::parse_act(&doc).unwrap();

    let seed = std::fs::read_dir(root.join("corpus/orders"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("000_"))
        .unwrap();
    let text = ingest::read_text(&seed).unwrap();
    let order = amend::parse_order(&repair::repair_text(&text, Some(Lang::Ru)).text).unwrap();

    let mut checked = 0;
    let mut report = Vec::new();
    for unit in act.units.iter().filter(|u| u.document.is_some()) {
        if unit.path.len() != 1 || unit.path[0].kind != UnitKind::Point {
            continue;
        }
        let last = unit
            .events
            .iter()
            .filter(|e| e.kind != EventKind::Original)
            .max_by_key(|e| e.order.as_ref().and_then(|o| o.date));
        let by_20 = last.and_then(|e| e.order.as_ref()).is_some_and(|o| {
            o.number == "20" && o.date.map(|d| d.to_string()) == Some("2025-01-31".into())
        });
        if !by_20 || last.unwrap().kind != EventKind::Reworded {
            continue;
        }
        let am = order
            .amendments
            .iter()
            .find(|a| a.unit == unit.path)
            .unwrap_or_else(|| panic!("seed 000 has no amendment of {:?}", unit.path));
        let ours = fold(am.text.as_deref().unwrap_or(""));
        let official = fold(&unit.text);
        let dist =
            strsim::levenshtein(&ours, &official) as f64 / official.chars().count().max(1) as f64;
        report.push(format!("{}: {:.2}%", unit.path[0].num, dist * 100.0));
        assert!(
            dist <= 0.005,
            "point {}: distance {:.2}%\nours:     {ours}\nofficial: {official}",
            unit.path[0].num,
            dist * 100.0
        );
        checked += 1;
    }
    eprintln!("{}", report.join(", "));
    // And in the consolidation: on a date after order № 20 took effect, those units read the same.
    let out = zan::pipeline::run(&root.join("corpus"), &mut |_, _, _| {}).unwrap();
    let cons = out
        .acts
        .iter()
        .find(|a| a.id == "V1800017705" && a.lang == Lang::Ru)
        .unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
    let now = cons.as_of(day);
    for am in order
        .amendments
        .iter()
        .filter(|a| a.unit.len() == 1 && a.unit[0].kind == UnitKind::Point)
    {
        let Some(v) = now
            .iter()
            .find(|v| v.document.is_some() && v.path == am.unit)
        else {
            continue;
        };
        if v.changed_by.as_ref().is_some_and(|c| c.number == "20") {
            let dist = strsim::levenshtein(&fold(&v.text), &fold(am.text.as_deref().unwrap_or("")))
                as f64
                / fold(&v.text).chars().count().max(1) as f64;
            assert!(
                dist <= 0.005,
                "consolidated point {} differs by {:.2}%",
                am.unit[0].num,
                dist * 100.0
            );
        }
    }
    assert!(
        checked >= 10,
        "only {checked} points named order № 20 as last change"
    );
}
