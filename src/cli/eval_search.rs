//! `zan eval search QUERIES.tsv`: MRR@k and Recall@k of the search, beside the same index
//! built without stemming.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use zan::index::eval::{self, EvalSource};

pub fn run(
    queries: &Path,
    index: Option<&Path>,
    corpus: PathBuf,
    k: usize,
    json: bool,
    verbose: bool,
) -> Result<()> {
    let text = std::fs::read_to_string(queries)
        .with_context(|| format!("reading {}", queries.display()))?;
    let set =
        eval::parse_queries(&text).map_err(|e| anyhow::anyhow!("{}: {e}", queries.display()))?;
    anyhow::ensure!(!set.is_empty(), "{}: no queries", queries.display());
    let source = match index {
        Some(dir) => EvalSource::Index(dir),
        None => EvalSource::Corpus(&corpus),
    };
    let today = chrono::Local::now().date_naive();
    let run = eval::run(source, &set, k, today)?;
    if json {
        let out = serde_json::json!({"stemmed": run.stemmed, "baseline": run.baseline, "exhaustive": run.exhaustive});
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    let (s, b) = (&run.stemmed, &run.baseline);
    if verbose {
        println!(
            "{:<8} {:>8} {:>10}  top hit (stemmed)",
            "query", "stemmed", "baseline"
        );
        for (o, ob) in s.outcomes.iter().zip(&b.outcomes) {
            let r = |o: &eval::QueryOutcome| o.rank.map_or("-".to_string(), |r| r.to_string());
            println!(
                "{:<8} {:>8} {:>10}  {}",
                o.id,
                r(o),
                r(ob),
                o.top.as_deref().unwrap_or("(no hit)")
            );
        }
        println!();
    }
    println!("{} queries, k = {k}", s.queries);
    for r in [s, b, &run.exhaustive] {
        println!(
            "{:<12} MRR@{k} {:.3}  Recall@{k} {:.3}  Success@1 {:.3}",
            r.name, r.mrr, r.recall, r.success_at_1
        );
    }
    println!("(exhaustive: stemmed index, every match scored and counted, as with facets=true)");
    let missed: Vec<&str> = s
        .outcomes
        .iter()
        .filter(|o| o.rank.is_none())
        .map(|o| o.id.as_str())
        .collect();
    if !missed.is_empty() {
        println!("not found in the top {k} (stemmed): {}", missed.join(", "));
    }
    Ok(())
}
