//! The whole pipeline over a corpus folder: ingest → repair → structure / amend → consolidate.
//! The CLI commands `index`, `history`, `consolidate` and `pipeline` all start here.

use crate::amend;
use crate::consolidate::{self, ConsolidatedAct, OrderInput};
use crate::ingest::{self, IngestError, IngestFailure};
use crate::model::{SourceDoc, SourceFormat};
use crate::repair;
use crate::structure::{self, ActText};
use std::path::Path;

/// What a pipeline run produced, and what it could not use.
#[derive(Debug, Default)]
pub struct PipelineOutput {
    pub acts: Vec<ConsolidatedAct>,
    pub orders: Vec<OrderInput>,
    pub failures: Vec<IngestFailure>,
    /// Files read (acts + texts, failures excluded).
    pub files_read: usize,
}

/// Decide what a plain text is: an amending order when the grammar finds amendments, else a
/// base act, else a failure that says so.
fn classify(doc: &SourceDoc) -> Result<Classified, String> {
    let repaired = repair::repair_text(&doc.text, Some(doc.lang));
    let order = amend::parse_order(&repaired.text);
    if let Ok(o) = &order {
        if o.target.is_some() && !o.amendments.is_empty() {
            return Ok(Classified::Order(Box::new(o.clone())));
        }
    }
    let mut fixed = doc.clone();
    fixed.text = repaired.text;
    match structure::parse_act(&fixed) {
        Ok(act) if !act.units.is_empty() => Ok(Classified::Act(Box::new(act))),
        _ => Err(match order {
            Ok(o) if o.target.is_some() => "an amending order with no amendment instruction understood".into(),
            Ok(_) | Err(_) => "neither an amending order nor an act with units was recognised (garbled OCR text needs repair first)".to_string(),
        }),
    }
}

enum Classified {
    Order(Box<amend::ParsedOrder>),
    Act(Box<ActText>),
}

/// Run the pipeline; `progress` is told each file as it is handled. Only an unreadable corpus
/// root is an error.
pub fn run(
    corpus: &Path,
    progress: &mut dyn FnMut(usize, usize, &Path),
) -> Result<PipelineOutput, IngestError> {
    run_with(corpus, false, progress)
}

/// [`run`]; with `ocr`, scanned PDFs (no text layer) are read by tesseract when installed.
pub fn run_with(
    corpus: &Path,
    ocr: bool,
    progress: &mut dyn FnMut(usize, usize, &Path),
) -> Result<PipelineOutput, IngestError> {
    let loaded = ingest::load_corpus_with(corpus, ocr)?;
    let mut out = PipelineOutput {
        failures: loaded.failures,
        ..Default::default()
    };
    let total = loaded.acts.len() + loaded.texts.len();
    let mut acts: Vec<ActText> = Vec::new();
    let mut done = 0;
    for doc in &loaded.acts {
        done += 1;
        progress(done, total, &doc.path);
        match parse_consolidated(doc) {
            Ok(a) => {
                out.files_read += 1;
                acts.push(a)
            }
            Err(e) => out.failures.push(IngestFailure {
                path: doc.path.clone(),
                message: e.to_string(),
            }),
        }
    }
    for doc in &loaded.texts {
        done += 1;
        progress(done, total, &doc.path);
        let res = if doc.format == SourceFormat::Markdown && doc.meta.is_none() {
            structure::parse_act(doc)
                .map(|a| Classified::Act(Box::new(a)))
                .map_err(|e| e.to_string())
        } else {
            classify(doc)
        };
        match res {
            Ok(Classified::Order(o)) => {
                out.files_read += 1;
                out.orders.push(OrderInput {
                    order: *o,
                    source: doc.path.display().to_string(),
                    published: published_date(&doc.path),
                })
            }
            Ok(Classified::Act(a)) => {
                out.files_read += 1;
                acts.push(*a)
            }
            Err(msg) => out.failures.push(IngestFailure {
                path: doc.path.clone(),
                message: format!("{}: {msg}", doc.path.display()),
            }),
        }
    }
    out.acts = consolidate::consolidate(&acts, &out.orders);
    Ok(out)
}

/// The corpus's consolidated base acts, repaired and split into units (no orders applied).
pub fn base_acts(corpus: &Path) -> Result<Vec<ActText>, IngestError> {
    let loaded = ingest::load_corpus(corpus)?;
    Ok(loaded
        .acts
        .iter()
        .filter_map(|d| parse_consolidated(d).ok())
        .collect())
}

/// A consolidated corpus act split into units. Its text is clean but for stray Latin
/// look-alikes (`өкiлеттiк`); repair keeps every line, so the markup is untouched.
fn parse_consolidated(doc: &SourceDoc) -> Result<ActText, structure::StructureError> {
    let mut doc = doc.clone();
    doc.text = repair::repair_text(&doc.text, Some(doc.lang)).text;
    structure::parse_act(&doc)
}

/// The publication date of an order from its sidecar file `<name>.yaml` (or `<name>.meta.yaml`)
/// beside it: `published: 2025-02-05`. Texts do not carry it; without it dates are estimated.
pub fn published_date(order: &Path) -> Option<chrono::NaiveDate> {
    let candidates = [
        order.with_extension("yaml"),
        order.with_extension("meta.yaml"),
    ];
    let text = candidates
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())?;
    let v: serde_yaml::Value = serde_yaml::from_str(&text).ok()?;
    ingest::yaml_date(v.get("published"))
}
