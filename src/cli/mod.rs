//! The `zan` command line: a thin layer over the library stages. Every subcommand prints a
//! one-line error naming the file or argument at fault and exits non-zero on bad input.

mod bench;
mod commands;
mod eval_encoding;
mod eval_footnotes;
mod eval_ocr;
mod eval_search;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "zan",
    version,
    about = "Repair, split, consolidate and search the legal acts of Kazakhstan (Kazakh and Russian)",
    after_help = "Start with `zan pipeline` (corpus/ → index/, then a short tour), then `zan search 'апостиль'`."
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Repair damaged text: encoding, NFC, Latin look-alikes, letter spacing, moved PDF links.
    #[command(
        after_help = "Example:\n  zan repair corpus/orders/000_3e349c36dd5e86ff.txt --report > fixed.txt\n  cat scan.txt | zan repair - --lang kk\n  zan repair --ocr --reflow scan.pdf"
    )]
    Repair {
        /// Input file, or `-` for standard input.
        #[arg(default_value = "-")]
        file: String,
        /// Language of the text: auto (detect), kk or ru.
        #[arg(long, default_value = "auto")]
        lang: String,
        /// Write a JSON summary of the changes to standard error.
        #[arg(long)]
        report: bool,
        /// Join lines broken by the PDF extraction into paragraphs (line count then changes).
        #[arg(long)]
        reflow: bool,
        /// OCR a PDF without a text layer (runs `pdftoppm` and `tesseract -l kaz+rus`).
        #[arg(long)]
        ocr: bool,
    },
    /// Split an amending order into its header and amendment instructions.
    #[command(after_help = "Example:\n  zan split corpus/orders/001_07bc7e74aa9aa38f.txt --json")]
    Split {
        file: PathBuf,
        /// Print the stable JSON contract (default: a readable list).
        #[arg(long)]
        json: bool,
        /// OCR a PDF without a text layer (runs `pdftoppm` and `tesseract -l kaz+rus`).
        #[arg(long)]
        ocr: bool,
    },
    /// Run the pipeline over a corpus and write the search index.
    #[command(after_help = "Example:\n  zan index --corpus corpus --index index")]
    Index {
        #[arg(long)]
        corpus: Option<PathBuf>,
        #[arg(long, default_value = "index")]
        index: PathBuf,
        /// Read PDFs without a text layer (scans) with tesseract (`-l kaz+rus`).
        #[arg(long)]
        ocr: bool,
    },
    /// Search the wording in force (today by default).
    #[command(
        after_help = "Examples:\n  zan search 'апостиль'\n  zan search '\"государственной услуги\"' --lang ru --as-of 2021-01-01 --limit 5 --json"
    )]
    Search {
        query: String,
        #[arg(long, default_value = "index")]
        index: PathBuf,
        /// kk or ru (default: both).
        #[arg(long)]
        lang: Option<String>,
        /// Date of the wording, YYYY-MM-DD (default: today).
        #[arg(long = "as-of")]
        as_of: Option<String>,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Every unit's history: original, reworded, inserted, repealed; by which order and when.
    #[command(
        after_help = "Examples:\n  zan history --act V2000020668\n  zan history --act V1800017705 --unit point:12 --json"
    )]
    History {
        #[arg(long)]
        act: String,
        /// Only this unit, e.g. point:12 or point:5/subpoint:3.
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        corpus: Option<PathBuf>,
        /// kk or ru (default: both).
        #[arg(long)]
        lang: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The act as in force on a date.
    #[command(
        after_help = "Example:\n  zan consolidate --act V2000020668 --lang ru --as-of 2022-01-01 --format md"
    )]
    Consolidate {
        #[arg(long)]
        act: String,
        #[arg(long, default_value = "ru")]
        lang: String,
        #[arg(long = "as-of")]
        as_of: Option<String>,
        #[arg(long)]
        corpus: Option<PathBuf>,
        /// text, md or json.
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// What changed in an act between two dates: unit-level and word-level.
    #[command(
        after_help = "Examples:\n  zan diff --act V2000020668 --lang kk --from 2021-01-01 --to 2022-06-01\n  zan diff --act V1800017705 --from 2024-01-01 --to 2025-06-01 --langs\n  zan diff --act V1800017705 --lang ru --from 2024-01-01 --to 2025-06-01 --json"
    )]
    Diff {
        #[arg(long)]
        act: String,
        /// kk or ru (default: ru; ignored with --langs).
        #[arg(long, default_value = "ru")]
        lang: String,
        #[arg(long)]
        from: String,
        /// Default: today.
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        corpus: Option<PathBuf>,
        #[arg(long)]
        json: bool,
        /// List the units changed in one language's text but not in the other's.
        #[arg(long)]
        langs: bool,
    },
    /// Measure a stage on the corpus (figures of the issues, with their baselines).
    Eval {
        #[command(subcommand)]
        cmd: EvalCmd,
    },
    /// Serve the JSON API and the search page.
    #[command(
        after_help = "Example:\n  zan serve --index index --addr 127.0.0.1:8080\n  curl 'http://127.0.0.1:8080/api/search?q=апостиль&lang=kk'"
    )]
    Serve {
        #[arg(long, default_value = "index")]
        index: PathBuf,
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Turns on the admin endpoints (`POST /api/admin/reload`) behind this bearer token;
        /// also read from ZAN_ADMIN_TOKEN. Off by default.
        #[arg(long)]
        admin_token: Option<String>,
    },
    /// Generate a synthetic corpus of realistic acts (kk + ru) for load tests.
    #[command(
        after_help = "Example:\n  zan gen --acts 100 --seed 1 --out /tmp/gen-corpus && zan index --corpus /tmp/gen-corpus --index /tmp/gen-index"
    )]
    Gen {
        #[arg(long)]
        acts: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value = "gen-corpus")]
        out: PathBuf,
        /// The corpus whose vocabulary and structure are used (default: corpus/).
        #[arg(long)]
        corpus: Option<PathBuf>,
    },
    /// Load benchmarks (heavy: minutes, gigabytes).
    Bench {
        #[command(subcommand)]
        cmd: bench::BenchCmd,
    },
    /// The main job: corpus/ → index/, then a short tour (counts, one search, one history).
    #[command(
        after_help = "Example:\n  zan pipeline\n  zan pipeline --corpus my-corpus --index /tmp/zan-index"
    )]
    Pipeline {
        #[arg(long)]
        corpus: Option<PathBuf>,
        #[arg(long, default_value = "index")]
        index: PathBuf,
        /// Read PDFs without a text layer (scans) with tesseract (`-l kaz+rus`).
        #[arg(long)]
        ocr: bool,
    },
    /// Train the models shipped with the repository.
    Train {
        #[command(subcommand)]
        cmd: TrainCmd,
    },
}

#[derive(Subcommand)]
enum TrainCmd {
    /// Train the OCR garble decoder (substitution model + kk/ru language models) into src/repair/ocr/models.
    #[command(
        after_help = "Example (the shipped models; the seed pairs in ../shared/ocr are test data, never trained on;\nREADME \"OCR garble\" gives the word lists' commands):\n  zan train ocr --pairs src/repair/ocr/data/kk-acts.jsonl --pairs src/repair/ocr/data/ru-acts.jsonl \\\n    --pairs src/repair/ocr/data/kk-acts2.jsonl --pairs src/repair/ocr/data/ru-acts2.jsonl \\\n    --lang-pairs kk=src/repair/ocr/data/kk-acts3.jsonl --lang-pairs kk=src/repair/ocr/data/kk-acts4.jsonl \\\n    --lang-pairs kk=src/repair/ocr/data/kk-acts5.jsonl --acts src/repair/ocr/data/acts \\\n    --words kk=/tmp/kk.words --words ru=/tmp/ru.words --words kk=/tmp/kk.tess --words ru=/tmp/ru.tess \\\n    --common-words kk=/tmp/kk.tessall --common-words ru=/tmp/ru.tessall --word-freq ru=/tmp/ru.freq"
    )]
    Ocr(eval_ocr::TrainOcrArgs),
}

#[derive(Subcommand)]
enum EvalCmd {
    /// Mojibake repair: exact recovery per case kind (one and two wrong decodings deep), clean
    /// inputs changed, and Python ftfy's figures on the same cases when it is installed.
    #[command(
        after_help = "Example:\n  zan eval encoding\n  zan eval encoding --per-kind 50 --no-ftfy"
    )]
    Encoding(eval_encoding::Args),
    /// OCR garble repair on (garbled, clean) pairs: CER and WER of garble, repair and look-alike baseline.
    #[command(
        after_help = "Examples:\n  zan eval ocr ../shared/ocr/pairs-kk.jsonl --lang kk --docs 004\n  zan eval ocr ../shared/ocr/pairs-ru.jsonl --lang ru --clean corpus/acts/141011/rus.md"
    )]
    Ocr {
        /// Pairs file (JSON lines with lang, garbled, clean; see shared/ocr/README.md).
        file: PathBuf,
        /// kk or ru (default: both).
        #[arg(long)]
        lang: Option<String>,
        /// Only pairs from these documents (prefixes of `src`, comma-separated), e.g. 004.
        #[arg(long, value_delimiter = ',')]
        docs: Vec<String>,
        /// Clean text files (.md or .txt) on which to count tokens the OCR step wrongly changes.
        #[arg(long)]
        clean: Vec<PathBuf>,
    },
    /// How many change footnotes of the corpus acts become history events; lists the rest.
    #[command(
        after_help = "Example:\n  zan eval footnotes --corpus ../shared/corpus/kazakhstan-law"
    )]
    Footnotes {
        /// Corpus folder (default: corpus/).
        #[arg(long)]
        corpus: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Generate amending orders from the corpus's base acts, parse + apply them, and compare
    /// with the directly edited units.
    #[command(
        after_help = "Example:\n  zan eval roundtrip --cases 5000\n  zan eval roundtrip --cases 100 --show 15"
    )]
    Roundtrip {
        #[arg(long, default_value_t = 2000)]
        cases: usize,
        #[arg(long, default_value_t = 20261123)]
        seed: u64,
        #[arg(long)]
        corpus: Option<PathBuf>,
        /// Print the generated order of this case and what went wrong.
        #[arg(long)]
        show: Option<usize>,
    },
    /// MRR@k and Recall@k over a query set, for the stemmed index and a baseline without
    /// stemming built from the same acts.
    #[command(
        after_help = "Examples:\n  zan eval search tests/data/queries.tsv\n  zan eval search tests/data/queries.tsv --index index --verbose"
    )]
    Search {
        /// TSV: id, lang, as_of, query, act, doc, units, note (see src/index/eval.rs).
        queries: PathBuf,
        /// Evaluate this index (default: build one from the corpus in a temporary folder).
        #[arg(long)]
        index: Option<PathBuf>,
        #[arg(long)]
        corpus: Option<PathBuf>,
        #[arg(long, default_value_t = 10)]
        k: usize,
        #[arg(long)]
        json: bool,
        /// One line per query: rank with and without stemming, top hit.
        #[arg(long)]
        verbose: bool,
    },
}

/// Parse the arguments and run; returns the process exit code.
pub fn run() -> i32 {
    let cli = Cli::parse();
    let res = match cli.cmd {
        Cmd::Repair {
            file,
            lang,
            report,
            reflow,
            ocr,
        } => commands::repair(&file, &lang, report, reflow, ocr),
        Cmd::Split { file, json, ocr } => commands::split(&file, json, ocr),
        Cmd::Index { corpus, index, ocr } => commands::index(corpus, &index, ocr).map(|_| ()),
        Cmd::Search {
            query,
            index,
            lang,
            as_of,
            limit,
            json,
        } => commands::search(&query, &index, lang, as_of, limit, json),
        Cmd::History {
            act,
            unit,
            corpus,
            lang,
            json,
        } => commands::history(&act, unit, corpus, lang, json),
        Cmd::Consolidate {
            act,
            lang,
            as_of,
            corpus,
            format,
        } => commands::consolidate(&act, &lang, as_of, corpus, &format),
        Cmd::Diff {
            act,
            lang,
            from,
            to,
            corpus,
            json,
            langs,
        } => commands::diff(&act, &lang, &from, to, corpus, json, langs),
        Cmd::Eval { cmd } => match cmd {
            EvalCmd::Roundtrip {
                cases,
                seed,
                corpus,
                show,
            } => commands::eval_roundtrip(cases, seed, corpus, show),
            EvalCmd::Footnotes { corpus, json } => eval_footnotes::run(corpus, json),
            EvalCmd::Encoding(args) => eval_encoding::run(args),
            EvalCmd::Ocr {
                file,
                lang,
                docs,
                clean,
            } => eval_ocr::eval_ocr(&file, lang.as_deref(), &docs, &clean),
            EvalCmd::Search {
                queries,
                index,
                corpus,
                k,
                json,
                verbose,
            } => eval_search::run(
                &queries,
                index.as_deref(),
                commands::corpus_dir(corpus),
                k,
                json,
                verbose,
            ),
        },
        Cmd::Serve {
            index,
            addr,
            admin_token,
        } => commands::serve(&index, &addr, admin_token),
        Cmd::Pipeline { corpus, index, ocr } => commands::pipeline(corpus, &index, ocr),
        Cmd::Gen {
            acts,
            seed,
            out,
            corpus,
        } => bench::gen(acts, seed, &out, corpus),
        Cmd::Bench { cmd } => bench::run(cmd),
        Cmd::Train {
            cmd: TrainCmd::Ocr(args),
        } => eval_ocr::train_ocr(args),
    };
    match res {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("zan: {e:#}");
            1
        }
    }
}
