//! Differences between an act's wording on two dates: which units were added, removed, changed
//! or repealed, with a word-level diff of changed wording (the `similar` crate does the diff).

use super::ConsolidatedAct;
use crate::model::{path_to_string, Lang, UnitRef, UnitStatus, UnitVersion};
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Added,
    Removed,
    Changed,
    Repealed,
    /// Known on one date, unknown on the other (the corpus lacks the wording).
    Unknown,
}

/// One word-level piece of a changed wording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Piece {
    /// "same", "del" or "ins".
    pub op: &'static str,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitDiff {
    pub document: Option<String>,
    pub path: Vec<UnitRef>,
    pub change: Change,
    pub old: Option<String>,
    pub new: Option<String>,
    pub words: Vec<Piece>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActDiff {
    pub act: String,
    pub lang: Lang,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub units: Vec<UnitDiff>,
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Word-level changes between two texts as merged runs (the `similar` crate does the diff):
/// the one diff that `zan diff` and the server's diff both render.
pub fn word_runs(old: &str, new: &str) -> Vec<(similar::ChangeTag, String)> {
    let d = similar::TextDiff::configure().diff_words(old, new);
    let mut out: Vec<(similar::ChangeTag, String)> = Vec::new();
    for change in d.iter_all_changes() {
        match out.last_mut() {
            Some((tag, text)) if *tag == change.tag() => text.push_str(change.value()),
            _ => out.push((change.tag(), change.value().to_string())),
        }
    }
    out
}

/// Word-level diff of two wordings, whitespace collapsed.
pub fn word_diff(old: &str, new: &str) -> Vec<Piece> {
    word_runs(&collapse(old), &collapse(new))
        .into_iter()
        .map(|(tag, text)| Piece {
            op: match tag {
                similar::ChangeTag::Equal => "same",
                similar::ChangeTag::Delete => "del",
                similar::ChangeTag::Insert => "ins",
            },
            text,
        })
        .collect()
}

type Key = (Option<String>, Vec<UnitRef>);

fn key(v: &UnitVersion) -> Key {
    (v.document.clone(), v.path.clone())
}

/// The units whose wording or status differ between `from` and `to`, in document order.
pub fn diff(act: &ConsolidatedAct, from: NaiveDate, to: NaiveDate) -> ActDiff {
    let a = act.as_of(from);
    let b = act.as_of(to);
    let mut order: Vec<Key> = Vec::new();
    for v in act.versions.iter() {
        let k = key(v);
        if !order.contains(&k) {
            order.push(k);
        }
    }
    let find =
        |vs: &[&UnitVersion], k: &Key| vs.iter().find(|v| key(v) == *k).map(|v| (*v).clone());
    let mut units = Vec::new();
    for k in order {
        let (old, new) = (find(&a, &k), find(&b, &k));
        let change = match (&old, &new) {
            (None, None) => continue,
            (None, Some(_)) => Change::Added,
            (Some(_), None) => Change::Removed,
            (Some(o), Some(n)) => {
                if o.status == n.status && collapse(&o.text) == collapse(&n.text) {
                    continue;
                }
                if n.status == UnitStatus::Repealed && o.status != UnitStatus::Repealed {
                    Change::Repealed
                } else if o.status == UnitStatus::Unknown || n.status == UnitStatus::Unknown {
                    Change::Unknown
                } else {
                    Change::Changed
                }
            }
        };
        let text = |v: &Option<UnitVersion>| {
            v.as_ref()
                .filter(|v| v.status == UnitStatus::InForce)
                .map(|v| collapse(&v.text))
        };
        let (ot, nt) = (text(&old), text(&new));
        let words = match (&ot, &nt) {
            (Some(o), Some(n)) if change == Change::Changed => word_diff(o, n),
            _ => Vec::new(),
        };
        units.push(UnitDiff {
            document: k.0,
            path: k.1,
            change,
            old: ot,
            new: nt,
            words,
        });
    }
    ActDiff {
        act: act.id.clone(),
        lang: act.lang,
        from,
        to,
        units,
    }
}

/// The diff for a terminal: `color` marks deletions red and insertions green (ANSI).
pub fn render(d: &ActDiff, color: bool) -> String {
    let (red, green, reset) = if color {
        ("\x1b[31m", "\x1b[32m", "\x1b[0m")
    } else {
        ("[-", "{+", "")
    };
    let (del_end, ins_end) = if color { (reset, reset) } else { ("-]", "+}") };
    let mut out = format!(
        "{} [{}] {} → {}: {} unit(s) differ\n",
        d.act,
        d.lang,
        d.from,
        d.to,
        d.units.len()
    );
    for u in &d.units {
        let what = match u.change {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
            Change::Repealed => "repealed",
            Change::Unknown => "wording unknown on one date",
        };
        out.push_str(&format!("\n{} — {}\n", path_to_string(&u.path), what));
        match u.change {
            Change::Changed => {
                out.push_str("  ");
                for p in &u.words {
                    match p.op {
                        "del" => out.push_str(&format!("{red}{}{del_end}", p.text)),
                        "ins" => out.push_str(&format!("{green}{}{ins_end}", p.text)),
                        _ => out.push_str(&p.text),
                    }
                }
                out.push('\n');
            }
            _ => {
                if let Some(o) = &u.old {
                    out.push_str(&format!("  {red}{o}{del_end}\n"));
                }
                if let Some(n) = &u.new {
                    out.push_str(&format!("  {green}{n}{ins_end}\n"));
                }
            }
        }
    }
    out
}

/// Units changed in one language's text but not in the other's between two dates (`zan diff
/// --langs`): amendments sometimes touch only one language.
pub fn lang_mismatch(kk: &ActDiff, ru: &ActDiff) -> Vec<(Vec<UnitRef>, Lang)> {
    let paths = |d: &ActDiff| d.units.iter().map(|u| u.path.clone()).collect::<Vec<_>>();
    let (pk, pr) = (paths(kk), paths(ru));
    let mut out: Vec<(Vec<UnitRef>, Lang)> = Vec::new();
    for p in &pk {
        if !pr.contains(p) {
            out.push((p.clone(), Lang::Kk));
        }
    }
    for p in &pr {
        if !pk.contains(p) {
            out.push((p.clone(), Lang::Ru));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_diff_marks_replaced_words() {
        let d = word_diff(
            "Государственная услуга оказывается департаментами.",
            "Государственная услуга оказывается Государственной корпорацией.",
        );
        let del: String = d
            .iter()
            .filter(|p| p.op == "del")
            .map(|p| p.text.as_str())
            .collect();
        let ins: String = d
            .iter()
            .filter(|p| p.op == "ins")
            .map(|p| p.text.as_str())
            .collect();
        assert!(del.contains("департаментами"), "{d:?}");
        assert!(ins.contains("Государственной корпорацией"), "{d:?}");
        assert!(d[0].op == "same" && d[0].text.starts_with("Государственная услуга"));
    }
}
