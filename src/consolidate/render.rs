//! Renderings of an act on a date: plain text, markdown, and the stable JSON contract.

use super::ConsolidatedAct;
use crate::model::{path_to_string, Lang, UnitKind, UnitRef, UnitStatus, UnitVersion};
use chrono::NaiveDate;
use serde::Serialize;

/// `zan consolidate --format json` (stable contract).
#[derive(Debug, Serialize)]
pub struct ActJson {
    pub act: String,
    pub lang: Lang,
    pub as_of: NaiveDate,
    pub title: String,
    pub base_known: bool,
    pub units: Vec<UnitJson>,
}

#[derive(Debug, Serialize)]
pub struct ChangedBy {
    pub number: String,
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Serialize)]
pub struct UnitJson {
    pub document: Option<String>,
    pub path: Vec<UnitRef>,
    pub status: UnitStatus,
    pub text: String,
    pub since: Option<NaiveDate>,
    pub estimated: bool,
    pub changed_by: Option<ChangedBy>,
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn to_json(act: &ConsolidatedAct, as_of: NaiveDate) -> ActJson {
    ActJson {
        act: act.id.clone(),
        lang: act.lang,
        as_of,
        title: act.title.clone(),
        base_known: act.base_known,
        units: act
            .as_of(as_of)
            .into_iter()
            .map(|v| UnitJson {
                document: v.document.clone(),
                path: v.path.clone(),
                status: v.status,
                text: collapse(&v.text),
                since: v.valid_from,
                estimated: v.estimated,
                changed_by: v.changed_by.as_ref().map(|c| ChangedBy {
                    number: c.number.clone(),
                    date: c.date,
                }),
            })
            .collect(),
    }
}

/// A unit's label in the act's language: "Пункт 12", "12-тармақ", "Подпункт 3)".
pub fn unit_label(lang: Lang, u: &UnitRef) -> String {
    let n = &u.num;
    match (lang, u.kind) {
        (Lang::Ru, UnitKind::Title) => "Заголовок".into(),
        (Lang::Ru, UnitKind::Preamble) => "Преамбула".into(),
        (Lang::Ru, UnitKind::Section) => format!("Раздел {n}"),
        (Lang::Ru, UnitKind::Chapter) => format!("Глава {n}"),
        (Lang::Ru, UnitKind::Paragraph) => format!("Параграф {n}"),
        (Lang::Ru, UnitKind::Article) => format!("Статья {n}"),
        (Lang::Ru, UnitKind::Part) => format!("Часть {n}"),
        (Lang::Ru, UnitKind::Point) => format!("Пункт {n}"),
        (Lang::Ru, UnitKind::Subpoint) => format!("Подпункт {n})"),
        (Lang::Ru, UnitKind::Indent) => format!("Абзац {n}"),
        (Lang::Ru, UnitKind::Appendix) => format!("Приложение {n}").trim().to_string(),
        (Lang::Kk, UnitKind::Title) => "Тақырыбы".into(),
        (Lang::Kk, UnitKind::Preamble) => "Кіріспе".into(),
        (Lang::Kk, UnitKind::Section) => format!("{n}-бөлім"),
        (Lang::Kk, UnitKind::Chapter) => format!("{n}-тарау"),
        (Lang::Kk, UnitKind::Paragraph) => format!("{n}-параграф"),
        (Lang::Kk, UnitKind::Article) => format!("{n}-бап"),
        (Lang::Kk, UnitKind::Part) => format!("{n}-бөлік"),
        (Lang::Kk, UnitKind::Point) => format!("{n}-тармақ"),
        (Lang::Kk, UnitKind::Subpoint) => format!("{n})-тармақша"),
        (Lang::Kk, UnitKind::Indent) => format!("{n}-абзац"),
        (Lang::Kk, UnitKind::Appendix) => {
            if n.is_empty() {
                "Қосымша".into()
            } else {
                format!("{n}-қосымша")
            }
        }
    }
}

pub fn path_label(lang: Lang, path: &[UnitRef]) -> String {
    if path.is_empty() {
        return match lang {
            Lang::Ru => "Акт".into(),
            Lang::Kk => "Акт".into(),
        };
    }
    path.iter()
        .map(|u| unit_label(lang, u))
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The issuer as official footnotes abbreviate it: "Министра просвещения РК",
/// "ҚР Оқу-ағарту министрінің".
pub fn short_issuer(lang: Lang, issuer: &str) -> String {
    let s = collapse(issuer);
    match lang {
        Lang::Ru => {
            let s = s.replace("Республики Казахстан", "РК");
            s.trim_start_matches("Приказ ").to_string()
        }
        Lang::Kk => {
            let s = s
                .replace("Қазақстан Республикасының", "ҚР")
                .replace("Қазақстан Республикасы", "ҚР");
            if s.starts_with("ҚР") {
                s
            } else {
                format!("ҚР {s}")
            }
        }
    }
}

/// The official-style footnote after a changed unit:
/// "Сноска. Пункт 12 в редакции приказа Министра просвещения РК от 31.01.2025 № 20 (вводится в
/// действие …)" / "Ескерту. 12-тармақ жаңа редакцияда – ҚР Оқу-ағарту министрінің 31.01.2025
/// № 20 бұйрығымен (…)".
pub fn footnote(lang: Lang, v: &UnitVersion) -> Option<String> {
    let by = v.changed_by.as_ref()?;
    let date = by
        .date
        .map(|d| d.format("%d.%m.%Y").to_string())
        .unwrap_or_default();
    let label = v
        .path
        .last()
        .map(|u| unit_label(lang, u))
        .unwrap_or_default();
    let issuer = by
        .issuer
        .as_deref()
        .map(|i| format!("{} ", short_issuer(lang, i)))
        .unwrap_or_default();
    let since = v
        .valid_from
        .map(|d| {
            let d = d.format("%d.%m.%Y");
            match (lang, v.estimated) {
                (Lang::Ru, true) => format!(" (вводится в действие ~{d}, дата оценочная)"),
                (Lang::Ru, false) => format!(" (вводится в действие с {d})"),
                (Lang::Kk, true) => format!(" (~{d} бастап қолданысқа енгізіледі, болжамды күн)"),
                (Lang::Kk, false) => format!(" ({d} бастап қолданысқа енгізіледі)"),
            }
        })
        .unwrap_or_default();
    Some(match (lang, v.status) {
        (Lang::Ru, UnitStatus::Repealed) => {
            format!(
                "Сноска. {label} исключен приказом {issuer}от {date} № {}{since}.",
                by.number
            )
        }
        (Lang::Ru, _) => format!(
            "Сноска. {label} в редакции приказа {issuer}от {date} № {}{since}.",
            by.number
        ),
        (Lang::Kk, UnitStatus::Repealed) => format!(
            "Ескерту. {label} алып тасталды – {issuer}{date} № {}{since} бұйрығымен.",
            by.number
        ),
        (Lang::Kk, _) => format!(
            "Ескерту. {label} жаңа редакцияда – {issuer}{date} № {}{since} бұйрығымен.",
            by.number
        ),
    })
}

fn unknown_note(lang: Lang) -> &'static str {
    match lang {
        Lang::Ru => "Базовый текст акта отсутствует в корпусе: показаны только пункты, известные из изменяющих приказов; остальной текст неизвестен.",
        Lang::Kk => "Актінің негізгі мәтіні корпуста жоқ: тек өзгерту бұйрықтарынан белгілі тармақтар көрсетілген; қалған мәтін белгісіз.",
    }
}

fn status_text(lang: Lang, v: &UnitVersion) -> String {
    match (v.status, lang) {
        (UnitStatus::InForce, _) => collapse(&v.text),
        (UnitStatus::Repealed, Lang::Ru) => "Исключен.".into(),
        (UnitStatus::Repealed, Lang::Kk) => "Алып тасталды.".into(),
        (UnitStatus::Unknown, Lang::Ru) => "[текст на эту дату неизвестен]".into(),
        (UnitStatus::Unknown, Lang::Kk) => "[осы күнгі мәтіні белгісіз]".into(),
    }
}

/// Plain text (`markdown` false) or markdown.
pub fn to_text(act: &ConsolidatedAct, as_of: NaiveDate, markdown: bool) -> String {
    let mut out = String::new();
    if markdown {
        out.push_str(&format!("# {}\n\n", act.title));
        out.push_str(&format!("*{} · {} · {}*\n\n", act.id, act.lang, as_of));
    } else {
        out.push_str(&format!(
            "{}\n{} · {} · {}\n\n",
            act.title, act.id, act.lang, as_of
        ));
    }
    if !act.base_known {
        out.push_str(&format!("{}\n\n", unknown_note(act.lang)));
    }
    let mut doc: Option<&String> = None;
    for v in act.as_of(as_of) {
        if v.document.as_ref() != doc {
            doc = v.document.as_ref();
            if let Some(d) = doc {
                out.push_str(&if markdown {
                    format!("## {d}\n\n")
                } else {
                    format!("{d}\n\n")
                });
            }
        }
        let label = path_label(act.lang, &v.path);
        let body = status_text(act.lang, v);
        if markdown {
            out.push_str(&format!(
                "**{label}** ({}) {body}\n\n",
                path_to_string(&v.path)
            ));
        } else {
            out.push_str(&format!("[{}] {body}\n", path_to_string(&v.path)));
        }
        if let Some(f) = footnote(act.lang, v) {
            out.push_str(&if markdown {
                format!("> *{f}*\n\n")
            } else {
                format!("    {f}\n")
            });
        }
        if !markdown {
            out.push('\n');
        }
    }
    out
}
