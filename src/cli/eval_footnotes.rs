//! `zan eval footnotes`: the share of corpus footnotes that become history events, and the
//! list of the rest (logic in `zan::structure::eval`).

use anyhow::{Context, Result};
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
    if json {
        println!("{}", serde_json::to_string_pretty(&ev)?);
        return Ok(());
    }
    println!("corpus:                {}", dir.display());
    println!("acts (texts):          {}", ev.acts);
    println!("footnotes:             {}", ev.footnotes);
    println!(
        "became events:         {} ({:.1}%)",
        ev.as_events,
        ev.rate()
    );
    println!(
        "events:                {} ({} on units, {} act/document level)",
        ev.events,
        ev.events_on_units,
        ev.events - ev.events_on_units
    );
    println!("repealed placeholders: {} events", ev.placeholders);
    println!("not understood:        {}", ev.missed.len());
    for m in &ev.missed {
        println!("  {}:{}: [{}] {}", m.file, m.line, m.reason, m.text);
    }
    Ok(())
}
