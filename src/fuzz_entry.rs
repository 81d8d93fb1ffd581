//! Entry points shared by the cargo-fuzz targets (`fuzz/`) and the regression test
//! (`tests/fuzz_regressions.rs`), so inputs found by the fuzzer are replayed in CI through the
//! very same code, without nightly. Each function takes raw bytes and must never panic, hang or
//! blow up memory; errors are fine.

use crate::model::{Lang, SourceDoc, SourceFormat, UnitKind, UnitRef, UnitStatus, UnitVersion};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Byte decoding (encoding detection, mojibake) and text repair.
pub fn repair(data: &[u8]) {
    if let Ok((text, _)) = crate::repair::decode_bytes(data) {
        let _ = crate::repair::repair_text(&text, None);
        let _ = crate::repair::detect_lang(&text);
    }
}

/// The first byte picks language and format; the rest is the text.
fn doc_of(data: &[u8]) -> Option<(Lang, SourceFormat, String)> {
    let (&sel, rest) = data.split_first()?;
    let lang = if sel & 1 == 0 { Lang::Ru } else { Lang::Kk };
    let format = if sel & 2 == 0 {
        SourceFormat::Markdown
    } else {
        SourceFormat::Text
    };
    Some((lang, format, String::from_utf8_lossy(rest).into_owned()))
}

/// Structure (base act split into units) and the amendment grammar (orders).
pub fn split(data: &[u8]) {
    let Some((lang, format, text)) = doc_of(data) else {
        return;
    };
    let doc = SourceDoc {
        path: PathBuf::from("fuzz/act.md"),
        lang,
        format,
        text,
        meta: None,
    };
    let _ = crate::structure::parse_act(&doc);
    if let Ok(order) = crate::amend::parse_order(&doc.text) {
        let _ = order.split_json();
    }
}

/// Footnote recognition and parsing.
pub fn footnote(data: &[u8]) {
    let Some((lang, _, text)) = doc_of(data) else {
        return;
    };
    let _ = crate::structure::is_footnote(&text);
    for ev in crate::structure::parse_footnote(&text, lang) {
        let _ = ev.target.path();
    }
    let _ = crate::structure::unit_mentions(&text);
}

/// PDF text extraction (hostile PDFs: loops, bombs, truncation).
pub fn pdf(data: &[u8]) {
    let _ = crate::ingest::pdf_text(Path::new("fuzz.pdf"), data);
}

/// The server's search path: query string → parameters → limits → query → search, on a tiny
/// index built once in a temporary folder.
pub fn query(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(uri) = format!("/api/search?{text}").parse::<axum::http::Uri>() else {
        return;
    };
    let Ok(axum::extract::Query(params)) =
        axum::extract::Query::<HashMap<String, String>>::try_from_uri(&uri)
    else {
        return;
    };
    let Ok(q) = crate::serve::search_query_of(&params) else {
        return;
    };
    if let Some(index) = tiny_index() {
        let _ = index.search_counted(&q);
    }
}

fn tiny_index() -> Option<&'static crate::index::IndexReaderHandle> {
    static INDEX: OnceLock<Option<crate::index::IndexReaderHandle>> = OnceLock::new();
    INDEX
        .get_or_init(|| {
            let dir = std::env::temp_dir().join(format!("zan-fuzz-index-{}", std::process::id()));
            let acts = tiny_acts();
            crate::index::build_index(&dir, &acts, &mut |_, _| {}).ok()?;
            crate::index::IndexReaderHandle::open(&dir).ok()
        })
        .as_ref()
}

/// Two short act texts (one per language) with a repealed and a reworded unit.
fn tiny_acts() -> Vec<crate::consolidate::ConsolidatedAct> {
    let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day);
    let texts = [
        (
            Lang::Ru,
            "Об утверждении Правил оказания государственной услуги",
            [
                "Настоящие Правила определяют порядок оказания государственной услуги.",
                "Услугодатель принимает документы через портал электронного правительства.",
                "Срок оказания государственной услуги составляет пять рабочих дней.",
            ],
        ),
        (
            Lang::Kk,
            "Мемлекеттік көрсетілетін қызмет қағидаларын бекіту туралы",
            [
                "Осы Қағидалар мемлекеттік көрсетілетін қызметті көрсету тәртібін айқындайды.",
                "Көрсетілетін қызметті беруші құжаттарды электрондық үкімет порталы арқылы қабылдайды.",
                "Мемлекеттік қызметті көрсету мерзімі бес жұмыс күні.",
            ],
        ),
    ];
    texts
        .into_iter()
        .map(|(lang, title, units)| {
            let versions = units
                .iter()
                .enumerate()
                .map(|(i, text)| UnitVersion {
                    act_id: "V2000000001".into(),
                    lang,
                    act_title: title.into(),
                    document: Some("Правила".into()),
                    path: vec![UnitRef::new(UnitKind::Point, (i + 1).to_string())],
                    text: (*text).into(),
                    valid_from: d(2020, 1, 1),
                    valid_to: if i == 2 { d(2022, 1, 1) } else { None },
                    estimated: false,
                    status: if i == 2 {
                        UnitStatus::Repealed
                    } else {
                        UnitStatus::InForce
                    },
                    changed_by: None,
                })
                .collect();
            crate::consolidate::ConsolidatedAct {
                id: "V2000000001".into(),
                lang,
                title: title.into(),
                base_known: true,
                version_date: d(2023, 1, 1),
                versions,
                history: Vec::new(),
                conflicts: Vec::new(),
            }
        })
        .collect()
}
