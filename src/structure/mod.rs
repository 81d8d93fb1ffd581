//! Structure: split a base act (corpus markdown or plain text) into its unit tree, and parse
//! its change footnotes (Сноска/Ескерту) into history events.

use crate::model::{HistoryEvent, Lang, Requisites, SourceDoc, UnitRef, UnitStatus};
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
pub fn parse_act(doc: &SourceDoc) -> Result<ActText, StructureError> {
    Err(StructureError::NoIdentity {
        path: doc.path.display().to_string(),
    })
}
