//! `zan eval footnotes`: the share of corpus footnotes that become history events, and the
//! list of the rest (logic in `zan::structure::eval`).

use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

pub fn run(corpus: Option<PathBuf>, json: bool) -> Result<()> {
    let dir = corpus.unwrap_or_else(|| {
        let here = PathBuf::from("corpus");
        if here.is_dir() {
            here
        } else {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
        }
    });
    let ev = zan::structure::eval::eval_footnotes(&dir)
        .with_context(|| format!("{}: cannot read the corpus", dir.display()))?;
    let mut out = String::new();
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&ev)?)?;
        return emit(&out);
    }
    writeln!(out, "corpus:                {}", dir.display())?;
    writeln!(out, "acts (texts):          {}", ev.acts)?;
    writeln!(out, "footnotes:             {}", ev.footnotes)?;
    writeln!(
        out,
        "became events:         {} ({:.1}%)",
        ev.as_events,
        ev.rate()
    )?;
    writeln!(
        out,
        "events:                {} ({} on units, {} act/document level)",
        ev.events,
        ev.events_on_units,
        ev.events - ev.events_on_units
    )?;
    writeln!(
        out,
        "tied by position:      {} events (the unit named was not found by name)",
        ev.events_by_position
    )?;
    writeln!(out, "repealed placeholders: {} events", ev.placeholders)?;
    writeln!(out, "not understood:        {}", ev.missed.len())?;
    for m in &ev.missed {
        writeln!(out, "  {}:{}: [{}] {}", m.file, m.line, m.reason, m.text)?;
    }
    emit(&out)
}

/// Print the report; a closed pipe (`| head`) is not an error.
fn emit(text: &str) -> Result<()> {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}
