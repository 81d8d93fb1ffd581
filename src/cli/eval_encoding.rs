//! `zan eval encoding`: prints the figures of `zan::repair::encoding_eval` as a table.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use zan::repair::encoding_eval::{evaluate, KindFigures};

#[derive(clap::Args)]
pub struct Args {
    /// Corpus folder (default: corpus/ here, else the one shipped with the source).
    #[arg(long)]
    corpus: Option<PathBuf>,
    /// Lines per one-deep kind and language.
    #[arg(long, default_value_t = 40)]
    per_kind: usize,
    /// Lines per two-deep kind and language.
    #[arg(long, default_value_t = 2)]
    per_kind_two: usize,
    /// Skip the ftfy comparison.
    #[arg(long)]
    no_ftfy: bool,
    /// List up to N missed cases (clean line, damaged input, zan's output); 0 = none.
    #[arg(long, default_value_t = 10)]
    show_misses: usize,
    /// Instead of the evaluation: show the best candidate repairs of TEXT and their scores.
    #[arg(long, value_name = "TEXT")]
    explain: Option<String>,
}

fn pct(n: usize, d: usize) -> String {
    if d == 0 {
        "-".into()
    } else {
        format!("{:.2}%", 100.0 * n as f64 / d as f64)
    }
}

fn row(kind: &str, f: &KindFigures) {
    let ftfy = f.ftfy.map_or("-".into(), |x| pct(x, f.cases));
    println!(
        "  {kind:<58} {:>6} {:>8} {:>8}",
        f.cases,
        pct(f.ours, f.cases),
        ftfy
    );
}

pub fn run(args: Args) -> Result<()> {
    if let Some(text) = &args.explain {
        for (p, ev, chain, t) in zan::repair::mojibake::explain(text, 15) {
            println!("{p:9.2} {ev:3} {chain}\n          {t:?}");
        }
        return Ok(());
    }
    let root = args.corpus.unwrap_or_else(|| {
        let here = PathBuf::from("corpus");
        if here.is_dir() {
            here
        } else {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
        }
    });
    let rep = evaluate(&root, args.per_kind, args.per_kind_two, !args.no_ftfy)
        .with_context(|| format!("{}", root.display()))?;
    println!(
        "Mojibake cases from {} (act {} left out: the letter model learnt from it)",
        root.display(),
        rep.training_act
    );
    println!(
        "Cases come from {} documents: {}",
        rep.case_docs.len(),
        rep.case_docs.join(", ")
    );
    if let Some(n) = &rep.ftfy_note {
        println!("ftfy: {n}");
    }
    println!(
        "\nOne deep (true page read as wrong page)                       cases    zan     ftfy"
    );
    for (k, f) in &rep.one_deep {
        row(k, f);
    }
    row("ALL one-deep", &rep.one_total);
    println!(
        "\nTwo deep ({} kinds), grouped by the first wrong decoding        cases    zan     ftfy",
        rep.two_deep_kinds
    );
    for (k, f) in &rep.two_deep {
        row(k, f);
    }
    row("ALL two-deep", &rep.two_total);
    println!(
        "\nClean inputs changed: {} of {} files, {} of {} lines",
        rep.clean_files.0, rep.clean_files.1, rep.clean_lines.0, rep.clean_lines.1
    );
    for e in &rep.changed_examples {
        println!("  {e}");
    }
    if !rep.failures.is_empty() && args.show_misses > 0 {
        println!(
            "\nMisses ({} of {}, --show-misses N for more):",
            rep.failures.len().min(args.show_misses),
            rep.failures.len()
        );
        for m in rep.failures.iter().take(args.show_misses) {
            println!(
                "  [{}] {}\n    clean: {:?}\n    in:    {:?}\n    out:   {:?}",
                m.kind, m.doc, m.clean, m.garbled, m.ours
            );
        }
    }
    Ok(())
}
