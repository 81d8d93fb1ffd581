//! `zan eval footnotes`: how many change footnotes of the corpus acts become history events.
//!
//! A footnote counts as understood when the structured act carries at least one event sourced
//! from its line and every event of that line names its order (number and date). Everything
//! else is listed with its file and line, so that a reader sees what the parser misses.

use crate::ingest;
use crate::model::SourceFormat;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One footnote that did not become a complete event.
#[derive(Debug, Clone, Serialize)]
pub struct MissedFootnote {
    pub file: String,
    pub line: usize,
    pub text: String,
    /// Why it is counted as missed.
    pub reason: String,
}

/// Result of the footnote evaluation over a corpus.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FootnoteEval {
    pub acts: usize,
    pub footnotes: usize,
    /// Footnotes with at least one complete event.
    pub as_events: usize,
    /// Events produced from the footnotes (several orders per footnote give several).
    pub events: usize,
    /// Events tied to a unit of the text (the rest are act- or document-level).
    pub events_on_units: usize,
    /// Events of footnotes naming a unit that was not found by that name, so the event went to
    /// the unit the footnote follows (a weaker tie, counted to be watched).
    pub events_by_position: usize,
    /// Repealed placeholders ("5. Исключен приказом …") that became events.
    pub placeholders: usize,
    pub missed: Vec<MissedFootnote>,
}

impl FootnoteEval {
    /// Share of footnotes that became events, in percent.
    pub fn rate(&self) -> f64 {
        if self.footnotes == 0 {
            100.0
        } else {
            100.0 * self.as_events as f64 / self.footnotes as f64
        }
    }
}

/// Evaluate every consolidated act (folders with `meta.yaml`) under `dir`.
pub fn eval_footnotes(dir: &Path) -> Result<FootnoteEval, ingest::IngestError> {
    let corpus = ingest::load_corpus(dir)?;
    let mut out = FootnoteEval::default();
    for doc in &corpus.acts {
        let mut doc = doc.clone();
        doc.text = crate::repair::repair_text(&doc.text, Some(doc.lang)).text;
        let file = display_name(&doc.path);
        let blocks = match doc.format {
            SourceFormat::Markdown => super::markdown::markdown_blocks(&doc.text),
            _ => super::markdown::text_blocks(&doc.text),
        };
        let notes: Vec<(usize, String)> = blocks
            .iter()
            .filter(|b| b.kind == super::markdown::BlockKind::Footnote)
            .map(|b| (b.line, b.text.clone()))
            .collect();
        out.acts += 1;
        out.footnotes += notes.len();
        let act = match super::parse_act(&doc) {
            Ok(a) => a,
            Err(e) => {
                for (line, text) in notes {
                    out.missed.push(MissedFootnote {
                        file: file.clone(),
                        line,
                        text,
                        reason: format!("act not structured: {e}"),
                    });
                }
                continue;
            }
        };
        // Events per source line, with whether each is complete and tied to a unit.
        let mut by_line: BTreeMap<usize, Vec<(bool, bool, Vec<crate::model::UnitRef>)>> =
            BTreeMap::new();
        let note_lines: BTreeSet<usize> = notes.iter().map(|(l, _)| *l).collect();
        let all = act
            .units
            .iter()
            .flat_map(|u| u.events.iter())
            .chain(act.events.iter());
        for e in all {
            let Some(line) = e
                .source
                .rsplit(':')
                .next()
                .and_then(|l| l.parse::<usize>().ok())
            else {
                continue;
            };
            let complete = e
                .order
                .as_ref()
                .is_some_and(|o| !o.number.is_empty() && o.date.is_some());
            if note_lines.contains(&line) {
                by_line.entry(line).or_default().push((
                    complete,
                    !e.path.is_empty(),
                    e.path.clone(),
                ));
            } else if complete {
                out.placeholders += 1;
            }
        }
        for (line, text) in notes {
            match by_line.get(&line) {
                Some(evs) if evs.iter().all(|(c, _, _)| *c) => {
                    out.as_events += 1;
                    out.events += evs.len();
                    out.events_on_units += evs.iter().filter(|(_, u, _)| *u).count();
                    let named =
                        super::parse_footnote(&text, doc.lang)
                            .first()
                            .and_then(|f| match &f.target {
                                super::FootnoteTarget::Unit(p) => Some(p.clone()),
                                _ => None,
                            });
                    if let Some(named) = named {
                        out.events_by_position +=
                            evs.iter().filter(|(_, _, p)| !p.ends_with(&named)).count();
                    }
                }
                Some(_) => out.missed.push(MissedFootnote {
                    file: file.clone(),
                    line,
                    text,
                    reason: "an order without number or date".into(),
                }),
                None => out.missed.push(MissedFootnote {
                    file: file.clone(),
                    line,
                    text,
                    reason: "no event".into(),
                }),
            }
        }
    }
    Ok(out)
}

fn display_name(p: &Path) -> String {
    let parent = p
        .parent()
        .and_then(|p| p.file_name())
        .map(|p| format!("{}/", p.to_string_lossy()))
        .unwrap_or_default();
    format!(
        "{parent}{}",
        p.file_name()
            .map(|f| f.to_string_lossy())
            .unwrap_or_default()
    )
}
