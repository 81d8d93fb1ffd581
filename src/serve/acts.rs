//! What the act pages show besides the text on a date: the act's editions (versions), the
//! difference between two dates, and one unit's timeline. Computed from the `ConsolidatedAct`
//! records of `acts.json` (versions with validity intervals), so the server needs nothing else.

use crate::consolidate::ConsolidatedAct;
use crate::model::{path_to_string, OrderCite, UnitRef, UnitStatus, UnitVersion};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// One edition of an act: the day some of its units took a new wording.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Edition {
    /// `None`: the original text, date unknown.
    pub date: Option<NaiveDate>,
    pub estimated: bool,
    /// Orders whose wordings start that day (empty for the original text).
    pub orders: Vec<OrderCite>,
    /// Units whose wording starts that day.
    pub units: usize,
}

/// The editions of `act`, oldest first.
pub fn editions(act: &ConsolidatedAct) -> Vec<Edition> {
    let mut by: BTreeMap<Option<NaiveDate>, Edition> = BTreeMap::new();
    for v in act
        .versions
        .iter()
        .filter(|v| v.status != UnitStatus::Unknown)
    {
        let e = by.entry(v.valid_from).or_insert_with(|| Edition {
            date: v.valid_from,
            estimated: false,
            orders: Vec::new(),
            units: 0,
        });
        e.units += 1;
        e.estimated |= v.estimated;
        if let Some(o) = &v.changed_by {
            if !e.orders.contains(o) {
                e.orders.push(o.clone());
            }
        }
    }
    by.into_values().collect()
}

/// How a unit differs between two dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Not there (or not yet in force) on `from`, there on `to`.
    Added,
    /// There on `from`, gone or repealed on `to`.
    Removed,
    /// Another wording.
    Changed,
}

/// A run of words of a changed unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Piece {
    /// `equal`, `delete` or `insert`.
    pub op: &'static str,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitDiff {
    pub unit: String,
    pub document: Option<String>,
    pub change: Change,
    pub old: Option<String>,
    pub new: Option<String>,
    /// The order that gave the new wording (or repealed the unit).
    pub changed_by: Option<OrderCite>,
    /// Word-level difference of a changed unit.
    pub words: Vec<Piece>,
}

type Key<'a> = (Option<&'a str>, &'a [UnitRef]);

/// Units on `date` with a known wording, by (document, path); repealed placeholders and unknown
/// wordings are left out (a unit repealed on `date` is "not there").
fn in_force(act: &ConsolidatedAct, date: NaiveDate) -> BTreeMap<Key<'_>, &UnitVersion> {
    act.as_of(date)
        .into_iter()
        .filter(|v| v.status == UnitStatus::InForce)
        .map(|v| ((v.document.as_deref(), v.path.as_slice()), v))
        .collect()
}

/// Unit-level difference of `act` between `from` and `to`, in document order of `to` (then
/// of `from` for removed units).
pub fn diff(act: &ConsolidatedAct, from: NaiveDate, to: NaiveDate) -> Vec<UnitDiff> {
    let old = in_force(act, from);
    let new = in_force(act, to);
    // Units whose version on `to` is a repealed placeholder: cite the repealing order.
    let repealed_by: BTreeMap<Key<'_>, &UnitVersion> = act
        .as_of(to)
        .into_iter()
        .filter(|v| v.status == UnitStatus::Repealed)
        .map(|v| ((v.document.as_deref(), v.path.as_slice()), v))
        .collect();
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for v in act.versions.iter() {
        let key = (v.document.as_deref(), v.path.as_slice());
        if !seen.insert(key) {
            continue;
        }
        let (o, n) = (old.get(&key), new.get(&key));
        let change = match (o, n) {
            (None, Some(_)) => Change::Added,
            (Some(_), None) => Change::Removed,
            (Some(a), Some(b)) if a.text != b.text => Change::Changed,
            _ => continue,
        };
        let changed_by = match n {
            Some(b) => b.changed_by.clone(),
            None => repealed_by.get(&key).and_then(|r| r.changed_by.clone()),
        };
        let words = match (o, n) {
            (Some(a), Some(b)) if change == Change::Changed => word_diff(&a.text, &b.text),
            _ => Vec::new(),
        };
        out.push(UnitDiff {
            unit: path_to_string(&v.path),
            document: v.document.clone(),
            change,
            old: o.map(|v| v.text.clone()),
            new: n.map(|v| v.text.clone()),
            changed_by,
            words,
        });
    }
    out
}

/// Word-level difference, adjacent runs of one kind merged (the consolidation's diff, with the
/// API's names for the runs).
pub fn word_diff(old: &str, new: &str) -> Vec<Piece> {
    use similar::ChangeTag;
    crate::consolidate::diff::word_runs(old, new)
        .into_iter()
        .map(|(tag, text)| Piece {
            op: match tag {
                ChangeTag::Equal => "equal",
                ChangeTag::Delete => "delete",
                ChangeTag::Insert => "insert",
            },
            text,
        })
        .collect()
}

/// One wording of a unit on its timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineEntry {
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub estimated: bool,
    pub status: UnitStatus,
    pub changed_by: Option<OrderCite>,
    pub text: String,
}

/// The wordings of the unit at `path` (in `document` when given), oldest first; the unit's
/// own versions only (not its subpoints').
pub fn timeline(
    act: &ConsolidatedAct,
    path: &[UnitRef],
    document: Option<&str>,
) -> Vec<TimelineEntry> {
    let mut v: Vec<TimelineEntry> = act
        .versions
        .iter()
        .filter(|v| v.path == path && document.is_none_or(|d| v.document.as_deref() == Some(d)))
        .map(|v| TimelineEntry {
            valid_from: v.valid_from,
            valid_to: v.valid_to,
            estimated: v.estimated,
            status: v.status,
            changed_by: v.changed_by.clone(),
            text: v.text.clone(),
        })
        .collect();
    v.sort_by_key(|e| e.valid_from);
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Lang, UnitKind};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn version(
        num: &str,
        text: &str,
        from: NaiveDate,
        to: Option<NaiveDate>,
        status: UnitStatus,
        by: Option<&str>,
    ) -> UnitVersion {
        UnitVersion {
            act_id: "V1".into(),
            lang: Lang::Ru,
            act_title: "t".into(),
            document: Some("Правила".into()),
            path: vec![UnitRef::new(UnitKind::Point, num)],
            text: text.into(),
            valid_from: Some(from),
            valid_to: to,
            estimated: false,
            status,
            changed_by: by.map(|n| OrderCite {
                number: n.into(),
                date: None,
                issuer: None,
            }),
        }
    }

    fn act() -> ConsolidatedAct {
        let (a, b) = (d(2020, 1, 1), d(2022, 1, 1));
        ConsolidatedAct {
            id: "V1".into(),
            lang: Lang::Ru,
            title: "t".into(),
            base_known: true,
            version_date: None,
            versions: vec![
                version(
                    "1",
                    "1. срок десять дней",
                    a,
                    Some(b),
                    UnitStatus::InForce,
                    None,
                ),
                version(
                    "1",
                    "1. срок пять дней",
                    b,
                    None,
                    UnitStatus::InForce,
                    Some("7"),
                ),
                version("2", "2. старое", a, Some(b), UnitStatus::InForce, None),
                version("2", "2. Исключен", b, None, UnitStatus::Repealed, Some("7")),
                version("3", "3. новое", b, None, UnitStatus::InForce, Some("7")),
            ],
            history: vec![],
            conflicts: vec![],
        }
    }

    #[test]
    fn diff_between_editions() {
        let a = act();
        let diff = diff(&a, d(2021, 1, 1), d(2023, 1, 1));
        let kinds: Vec<_> = diff.iter().map(|u| (u.unit.as_str(), u.change)).collect();
        assert_eq!(
            kinds,
            vec![
                ("point:1", Change::Changed),
                ("point:2", Change::Removed),
                ("point:3", Change::Added)
            ]
        );
        assert!(diff
            .iter()
            .all(|u| u.changed_by.as_ref().unwrap().number == "7"));
        let w = &diff[0].words;
        assert!(w
            .iter()
            .any(|p| p.op == "delete" && p.text.contains("десять")));
        assert!(w
            .iter()
            .any(|p| p.op == "insert" && p.text.contains("пять")));
        // Same date: nothing.
        assert!(super::diff(&a, d(2021, 1, 1), d(2021, 6, 1)).is_empty());
    }

    #[test]
    fn editions_and_timeline() {
        let a = act();
        let e = editions(&a);
        assert_eq!(e.len(), 2);
        assert_eq!(e[1].orders.len(), 1);
        assert_eq!(e[1].units, 3);
        let t = timeline(&a, &[UnitRef::new(UnitKind::Point, "1")], None);
        assert_eq!(t.len(), 2);
        assert_eq!(t[1].text, "1. срок пять дней");
    }
}
