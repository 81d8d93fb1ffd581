//! Structure: split a base act (corpus markdown or plain text) into its unit tree, and parse
//! its change footnotes (Сноска/Ескерту) into history events.

pub mod eval;
pub mod footnotes;
pub(crate) mod markdown;
pub(crate) mod units;

pub use footnotes::{is_footnote, parse_footnote, unit_mentions, FootnoteEvent, FootnoteTarget};

use crate::identity::{act_id, parse_requisites};
use crate::model::{
    ActMeta, HistoryEvent, Lang, Requisites, SourceDoc, SourceFormat, UnitKind, UnitRef, UnitStatus,
};
use serde::{Deserialize, Serialize};

/// One unit of an act's text as found in the source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    /// Title of the approved document (rules, standard, list …); `None` for the order itself.
    pub document: Option<String>,
    pub path: Vec<UnitRef>,
    /// The unit's own wording (heading line for chapters), whitespace collapsed.
    pub text: String,
    pub status: UnitStatus,
    /// Events from the footnotes attached to this unit, in date order.
    pub events: Vec<HistoryEvent>,
    /// 1-based line in the source where the unit starts.
    pub line: usize,
}

impl Unit {
    /// Kind of the unit itself (the last step of its path).
    pub fn kind(&self) -> Option<UnitKind> {
        self.path.last().map(|u| u.kind)
    }
}

/// A base act split into units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActText {
    pub id: String,
    pub lang: Lang,
    pub title: String,
    pub requisites: Requisites,
    pub units: Vec<Unit>,
    /// Footnote events that could not be tied to a unit (act-level, e.g. title changes).
    pub events: Vec<HistoryEvent>,
    /// The date of the consolidated text (corpus `version_date`), when known.
    pub version_date: Option<chrono::NaiveDate>,
}

#[derive(Debug, thiserror::Error)]
pub enum StructureError {
    #[error("{path}: no act requisites or title found")]
    NoIdentity { path: String },
}

/// Split a base act. `doc.meta` (corpus) gives identity when present.
///
/// Markdown is the corpus form; plain text (and PDF text) goes through the same unit rules
/// with one block per line. Never panics on odd input: unknown blocks are attached to the
/// text of the unit they follow.
pub fn parse_act(doc: &SourceDoc) -> Result<ActText, StructureError> {
    let file = doc
        .path
        .file_name()
        .map(|f| {
            let parent = doc
                .path
                .parent()
                .and_then(|p| p.file_name())
                .map(|p| format!("{}/", p.to_string_lossy()))
                .unwrap_or_default();
            format!("{}{}", parent, f.to_string_lossy())
        })
        .unwrap_or_else(|| doc.path.display().to_string());
    let blocks = match doc.format {
        SourceFormat::Markdown => markdown::markdown_blocks(&doc.text),
        SourceFormat::Text | SourceFormat::Pdf => markdown::text_blocks(&doc.text),
    };
    let meta = doc.meta.clone().unwrap_or_default();
    let meta_title = match doc.lang {
        Lang::Ru => meta.title_ru.clone(),
        Lang::Kk => meta.title_kk.clone(),
    }
    .map(|t| markdown::collapse(&t))
    .filter(|t| !t.is_empty());

    // Identity: meta requisites, else the text's requisites line.
    let mut requisites = meta
        .requisite
        .as_deref()
        .map(parse_requisites)
        .unwrap_or_default();
    let mut skip_line = None;
    if requisites.number.is_none() && requisites.registration.is_none() {
        if let Some((line, req)) = find_requisites_line(&blocks) {
            requisites = req;
            skip_line = Some(line);
        }
    }
    let id = act_id(&requisites).ok_or_else(|| StructureError::NoIdentity {
        path: doc.path.display().to_string(),
    })?;

    let mut b = units::Builder::new(file, doc.lang);
    b.plain = doc.format != SourceFormat::Markdown;
    let heading_title = blocks
        .iter()
        .find(|b| matches!(b.kind, markdown::BlockKind::Heading(1)))
        .map(|b| b.text.clone());
    b.fallback_title = meta_title
        .clone()
        .or(heading_title.clone())
        .unwrap_or_default();
    let mut rest: Vec<markdown::Block> = blocks
        .into_iter()
        .filter(|bl| Some(bl.line) != skip_line)
        .collect();
    if doc.format != SourceFormat::Markdown {
        // Plain text: the title is the first line that is no point, stamp or footnote
        // (or the meta title when the text has none).
        if let Some(i) = rest
            .iter()
            .position(|bl| bl.kind == markdown::BlockKind::Para)
        {
            let t = rest[i].text.clone();
            let looks_like_title = !t.chars().next().is_some_and(|c| c.is_ascii_digit())
                && t.chars().count() < 400
                && meta_title.is_none();
            if looks_like_title {
                b.act_title(&t, rest[i].line);
                rest.remove(i);
            }
        }
        if !b.has_title() {
            if let Some(t) = &meta_title {
                b.act_title(t, 1);
            }
        }
    }
    b.run(&rest);
    let title = meta_title
        .or(heading_title)
        .or_else(|| {
            b.units
                .iter()
                .find(|u| u.document.is_none() && u.kind() == Some(UnitKind::Title))
                .map(|u| u.text.clone())
        })
        .unwrap_or_default();
    if title.is_empty() && b.units.is_empty() {
        return Err(StructureError::NoIdentity {
            path: doc.path.display().to_string(),
        });
    }
    let version_date = match doc.lang {
        Lang::Ru => meta.version_date_ru,
        Lang::Kk => meta.version_date_kk,
    };
    Ok(ActText {
        id,
        lang: doc.lang,
        title,
        requisites,
        units: b.units,
        events: b.act_events,
        version_date,
    })
}

/// The requisites line of a plain text: the first early line that yields a number or a
/// registration ("Приказ … от … № 578. Зарегистрирован …", "… № 180 бұйрығы. … тіркелді").
fn find_requisites_line(blocks: &[markdown::Block]) -> Option<(usize, Requisites)> {
    let mut best: Option<(usize, Requisites)> = None;
    let head = &blocks[..blocks.len().min(40)];
    for (i, bl) in head.iter().enumerate() {
        let t = markdown::collapse(&bl.text);
        let l = t.to_lowercase();
        let cue = l.contains("зарегистрирован")
            || l.contains("тіркелді")
            || l.starts_with("приказ")
            || l.contains("бұйрығы");
        if !cue {
            continue;
        }
        // PDF text wraps the requisites over several lines: read on a little.
        // A wrapped date starts on the line before ("… 2020 жылғы 4" / "мамырдағы № 180 …").
        let from = if i > 0
            && head[i - 1]
                .text
                .trim_end()
                .ends_with(|c: char| c.is_ascii_digit())
        {
            i - 1
        } else {
            i
        };
        let joined = head[from..head.len().min(i + 4)]
            .iter()
            .map(|b| b.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let joined = markdown::collapse(&joined);
        if !joined.contains('№') {
            continue;
        }
        let req = parse_requisites(&joined);
        if req.registration.is_some() && req.number.is_some() {
            return Some((bl.line, req));
        }
        if req.number.is_some() && best.is_none() {
            best = Some((bl.line, req));
        }
    }
    best
}

/// The subset of a corpus `meta.yaml` zan uses (`requisite`, `title.{rus,kaz}`,
/// `approved_on`, `version_date.{rus,kaz}`). `None` when the YAML does not parse.
pub fn meta_from_yaml(yaml: &str) -> Option<ActMeta> {
    crate::ingest::parse_meta(yaml).ok()
}
