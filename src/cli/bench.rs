//! `zan gen` and `zan bench search`: the synthetic corpus and the load benchmark.

use anyhow::{Context, Result};
use clap::Subcommand;
use std::path::{Path, PathBuf};
use zan::gen;
use zan::loadbench::{self, LoadOptions};

#[derive(Subcommand)]
pub enum BenchCmd {
    /// Build an index of generated acts and measure build rate, query latency (in-process and
    /// over HTTP with wrk, 32 clients) and the same queries in PostgreSQL full-text search.
    #[command(
        after_help = "Example (the issue's figure; ~15 min, ~4 GB of RAM, ~3 GB under /tmp):\n  cargo run --release -- bench search --units 1000000"
    )]
    Search {
        /// Unit versions to index (both languages together).
        #[arg(long, default_value_t = 1_000_000)]
        units: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Concurrent HTTP/PostgreSQL clients.
        #[arg(long, default_value_t = 32)]
        clients: usize,
        /// Seconds of each concurrent run.
        #[arg(long, default_value_t = 15)]
        seconds: u64,
        /// Queries per class.
        #[arg(long, default_value_t = 200)]
        queries: usize,
        /// Work folder (default: a new /tmp/zan-load-<pid>), deleted at the end unless --keep.
        #[arg(long)]
        dir: Option<PathBuf>,
        #[arg(long)]
        keep: bool,
        /// Reuse the index a previous `--keep` run left in --dir (same --units and --seed)
        /// instead of building it again; implies --keep.
        #[arg(long)]
        reuse: bool,
        /// Skip PostgreSQL.
        #[arg(long)]
        no_pg: bool,
        /// Skip the HTTP part (wrk).
        #[arg(long)]
        no_http: bool,
        #[arg(long)]
        corpus: Option<PathBuf>,
    },
}

pub fn gen(acts: usize, seed: u64, out: &Path, corpus: Option<PathBuf>) -> Result<()> {
    let corpus = super::commands::corpus_dir(corpus);
    let vocab = gen::vocab_from_corpus(&corpus)?;
    let mut versions = 0;
    let mut orders = 0;
    for i in 0..acts {
        let a = gen::gen_act(&vocab, seed, i);
        a.write(out)
            .with_context(|| format!("writing act {} under {}", a.code, out.display()))?;
        versions += a.unit_versions() * 2;
        orders += a.orders.len();
    }
    println!(
        "{acts} acts (kk + ru) in {}: {versions} unit versions, {orders} amending orders (seed {seed})",
        out.join("acts").display()
    );
    Ok(())
}

pub fn run(cmd: BenchCmd) -> Result<()> {
    match cmd {
        BenchCmd::Search {
            units,
            seed,
            clients,
            seconds,
            queries,
            dir,
            keep,
            reuse,
            no_pg,
            no_http,
            corpus,
        } => loadbench::run(&LoadOptions {
            units,
            seed,
            clients,
            seconds,
            queries,
            dir,
            keep,
            reuse,
            pg: !no_pg,
            http: !no_http,
            corpus: super::commands::corpus_dir(corpus),
        }),
    }
}
