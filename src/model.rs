//! Plain data passed between the stages (ingest → repair → structure → amend → consolidate →
//! index → serve). Every stage takes and returns these types, so that no stage reaches into
//! another's internals and every intermediate result can be dumped as JSON.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;

/// The two languages every Kazakhstani act exists in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Kk,
    Ru,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Kk => "kk",
            Lang::Ru => "ru",
        }
    }
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_lowercase().as_str() {
            "kk" | "kz" | "kaz" | "kazakh" => Some(Lang::Kk),
            "ru" | "rus" | "russian" => Some(Lang::Ru),
            _ => None,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Kinds of addressable units, in the vocabulary of the `zan split` contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitKind {
    Title,
    Preamble,
    Section,
    Chapter,
    Paragraph,
    Article,
    Part,
    Point,
    Subpoint,
    Indent,
    Appendix,
}

impl UnitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Title => "title",
            UnitKind::Preamble => "preamble",
            UnitKind::Section => "section",
            UnitKind::Chapter => "chapter",
            UnitKind::Paragraph => "paragraph",
            UnitKind::Article => "article",
            UnitKind::Part => "part",
            UnitKind::Point => "point",
            UnitKind::Subpoint => "subpoint",
            UnitKind::Indent => "indent",
            UnitKind::Appendix => "appendix",
        }
    }
    /// Place in the hierarchy, outer units first: a path is written outer → inner whatever
    /// order the words name its units in.
    pub fn rank(self) -> u8 {
        match self {
            UnitKind::Appendix => 0,
            UnitKind::Section => 1,
            UnitKind::Chapter => 2,
            UnitKind::Paragraph => 3,
            UnitKind::Article => 4,
            UnitKind::Part => 5,
            UnitKind::Point => 6,
            UnitKind::Subpoint => 7,
            UnitKind::Indent => 8,
            UnitKind::Title | UnitKind::Preamble => 9,
        }
    }

    pub fn parse(s: &str) -> Option<UnitKind> {
        Some(match s {
            "title" => UnitKind::Title,
            "preamble" => UnitKind::Preamble,
            "section" => UnitKind::Section,
            "chapter" => UnitKind::Chapter,
            "paragraph" => UnitKind::Paragraph,
            "article" => UnitKind::Article,
            "part" => UnitKind::Part,
            "point" => UnitKind::Point,
            "subpoint" => UnitKind::Subpoint,
            "indent" => UnitKind::Indent,
            "appendix" => UnitKind::Appendix,
            _ => return None,
        })
    }
}

/// One step of a unit address: `{"kind": "point", "num": "12-1"}`; `{"kind": "title", "num":
/// null}` for units that have no number (title, preamble).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UnitRef {
    pub kind: UnitKind,
    /// Empty for unnumbered units; written as JSON `null` (the `zan split` contract).
    #[serde(serialize_with = "num_out", deserialize_with = "num_in")]
    pub num: String,
}

fn num_out<S: serde::Serializer>(num: &str, s: S) -> Result<S::Ok, S::Error> {
    if num.is_empty() {
        s.serialize_none()
    } else {
        s.serialize_str(num)
    }
}

fn num_in<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

impl UnitRef {
    pub fn new(kind: UnitKind, num: impl Into<String>) -> Self {
        UnitRef {
            kind,
            num: num.into(),
        }
    }
}

/// A unit path written as `point:12/subpoint:3` (the CLI's `--unit` syntax and the index's
/// `path` field).
pub fn path_to_string(path: &[UnitRef]) -> String {
    path.iter()
        .map(|u| {
            if u.num.is_empty() {
                u.kind.as_str().to_string()
            } else {
                format!("{}:{}", u.kind.as_str(), u.num)
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Inverse of [`path_to_string`]; `None` on an unknown kind.
pub fn parse_path(s: &str) -> Option<Vec<UnitRef>> {
    let s = s.trim();
    if s.is_empty() {
        return Some(Vec::new());
    }
    s.split('/')
        .map(|step| {
            let (k, n) = step.split_once(':').unwrap_or((step, ""));
            UnitKind::parse(k.trim()).map(|kind| UnitRef::new(kind, n.trim()))
        })
        .collect()
}

/// Justice registration of an act: number in the register and date.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Registration {
    pub number: String,
    pub date: Option<NaiveDate>,
}

/// How an order cites another act: "от 18 октября 2018 года № 578" (the `zan split` contract
/// shape: number and date only).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ActCite {
    pub number: String,
    pub date: Option<NaiveDate>,
}

/// Everything an order says about the act it amends, richer than [`ActCite`]: used to link the
/// order to an act ID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetAct {
    pub number: String,
    pub date: Option<NaiveDate>,
    pub registration: Option<Registration>,
    /// Issuer as written ("Министра образования и науки Республики Казахстан").
    pub issuer: Option<String>,
    /// Title of the amended act as quoted by the order, when found.
    pub title: Option<String>,
}

/// Requisites of an act (its own identity).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requisites {
    pub issuer: Option<String>,
    pub number: Option<String>,
    pub date: Option<NaiveDate>,
    pub registration: Option<Registration>,
}

/// What ingest hands on: one text of one act in one language, already decoded to UTF-8.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceDoc {
    pub path: PathBuf,
    pub lang: Lang,
    pub format: SourceFormat,
    pub text: String,
    /// Metadata of the corpus form (`meta.yaml`), when present.
    pub meta: Option<ActMeta>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    /// Consolidated markdown of the corpus (`kaz.md` / `rus.md`).
    Markdown,
    /// Plain text (orders, extracted PDFs).
    Text,
    /// PDF text layer.
    Pdf,
}

/// The subset of the corpus's `meta.yaml` zan uses.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ActMeta {
    pub act_code: Option<String>,
    pub requisite: Option<String>,
    pub title_ru: Option<String>,
    pub title_kk: Option<String>,
    pub approved_on: Option<NaiveDate>,
    pub version_date_ru: Option<NaiveDate>,
    pub version_date_kk: Option<NaiveDate>,
}

/// What happened to a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The unit as first enacted.
    Original,
    /// New wording ("в редакции", "жаңа редакцияда").
    Reworded,
    /// Added ("дополнен", "толықтырылды").
    Inserted,
    /// Repealed ("исключен", "алып тасталды").
    Repealed,
    /// Changed in part ("с изменениями", "өзгеріс енгізілді"), e.g. words replaced.
    Amended,
}

/// An order as cited by a footnote or known from its own header.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OrderCite {
    pub number: String,
    pub date: Option<NaiveDate>,
    pub issuer: Option<String>,
}

/// One event in a unit's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEvent {
    pub document: Option<String>,
    pub path: Vec<UnitRef>,
    pub kind: EventKind,
    pub order: Option<OrderCite>,
    /// The date the change took effect.
    pub effective: Option<NaiveDate>,
    /// True when `effective` is estimated (e.g. registration date + 10 days) rather than known.
    pub estimated: bool,
    /// Where the event was learnt: "footnote" or "order <file>:<line>".
    pub source: String,
}

/// Status of a unit version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitStatus {
    InForce,
    Repealed,
    /// Only known from amendments: its wording before them is not in the corpus.
    Unknown,
}

impl UnitStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitStatus::InForce => "in_force",
            UnitStatus::Repealed => "repealed",
            UnitStatus::Unknown => "unknown",
        }
    }
}

/// One version of one unit: what the index stores, one document per version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitVersion {
    pub act_id: String,
    pub lang: Lang,
    pub act_title: String,
    /// Title of the approved document (rules, standard, …) the unit belongs to; `None` for the
    /// order's own units.
    pub document: Option<String>,
    pub path: Vec<UnitRef>,
    pub text: String,
    pub valid_from: Option<NaiveDate>,
    /// Exclusive end; `None` while in force.
    pub valid_to: Option<NaiveDate>,
    pub estimated: bool,
    pub status: UnitStatus,
    /// The order that gave the unit this wording; `None` for the original wording.
    pub changed_by: Option<OrderCite>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unnumbered_units_are_null_in_json() {
        let p = vec![
            UnitRef::new(UnitKind::Chapter, "2"),
            UnitRef::new(UnitKind::Title, ""),
        ];
        let j = serde_json::to_string(&p).unwrap();
        assert_eq!(
            j,
            r#"[{"kind":"chapter","num":"2"},{"kind":"title","num":null}]"#
        );
        let back: Vec<UnitRef> = serde_json::from_str(&j).unwrap();
        assert_eq!(back, p);
        assert_eq!(parse_path("chapter:2/title"), Some(p));
    }
}
