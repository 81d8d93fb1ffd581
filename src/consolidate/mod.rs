//! Consolidate: base acts + amending orders → unit versions with validity, unit histories, and
//! the text in force on any date.

use crate::model::{HistoryEvent, Lang, UnitVersion};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A problem met while applying an amendment: reported and kept, never dropped silently.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    pub act_id: String,
    pub order: String,
    pub source: String,
    pub message: String,
}

/// One act in one language, consolidated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsolidatedAct {
    pub id: String,
    pub lang: Lang,
    pub title: String,
    /// False when the base text is not in the corpus and only amended units are known.
    pub base_known: bool,
    pub version_date: Option<NaiveDate>,
    /// Every version of every unit, in document order, versions of a unit in date order.
    pub versions: Vec<UnitVersion>,
    /// Every event of every unit, in date order.
    pub history: Vec<HistoryEvent>,
    pub conflicts: Vec<Conflict>,
}

impl ConsolidatedAct {
    /// The versions in force (or repealed, or unknown) on `date`: one per unit.
    pub fn as_of(&self, date: NaiveDate) -> Vec<&UnitVersion> {
        self.versions
            .iter()
            .filter(|v| {
                v.valid_from.is_none_or(|f| f <= date) && v.valid_to.is_none_or(|t| date < t)
            })
            .collect()
    }
}

mod engine;
pub use engine::{consolidate, effective_date, norm, OrderInput};
pub mod render;

pub mod diff;
pub mod roundtrip;
#[cfg(test)]
mod tests;
