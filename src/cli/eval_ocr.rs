//! `zan eval ocr` and `zan train ocr`: thin wrappers over `zan::repair::ocr`.

use anyhow::{anyhow, Result};
use std::path::{Path, PathBuf};
use zan::model::Lang;
use zan::repair::ocr::{eval, train};

fn pct(x: f64) -> String {
    format!("{:6.2}%", 100.0 * x)
}

/// Print CER/WER of garble, repair, baseline (and re-OCR when present) per language.
pub fn eval_ocr(file: &Path, lang: Option<&str>, docs: &[String], clean: &[PathBuf]) -> Result<()> {
    let mut pairs = train::read_pairs(file)?;
    if !docs.is_empty() {
        pairs.retain(|p| p.in_docs(docs));
    }
    let langs: Vec<Lang> = match lang {
        None => vec![Lang::Kk, Lang::Ru],
        Some(s) => {
            vec![Lang::parse(s).ok_or_else(|| anyhow!("--lang: expected kk or ru, got `{s}`"))?]
        }
    };
    match std::env::var("ZAN_OCR_MODEL_DIR") {
        // A development model says its own split (the command that trained it).
        Ok(dir) => println!("models from {dir} (ZAN_OCR_MODEL_DIR, a development model)"),
        Err(_) => println!(
            "split (shipped models): channel from pairs rendered from training acts \
             (src/repair/ocr/data); LM from corpus acts less 125804, 142171, 142971 (amended by \
             seeds 000, 003, 004) and 141011, 97449 (clean-text tests), and from the training acts \
             of src/repair/ocr/data/acts; seeds 000-004 and the acts of dev3-*.jsonl and \
             dev4*-*.jsonl are test only"
        ),
    }
    for lang in langs {
        if zan::repair::ocr::model(lang).is_none() {
            println!("{}: no embedded model (run `zan train ocr`)", lang.code());
        }
        let r = eval::eval_pairs(&pairs, lang);
        if r.pairs == 0 {
            continue;
        }
        println!("{} — {} pairs from {}", r.lang, r.pairs, r.docs.join(", "));
        println!("  {:<22} {:>8} {:>8}", "", "CER", "WER");
        println!(
            "  {:<22} {} {}",
            "input garble",
            pct(r.garbled.cer()),
            pct(r.garbled.wer())
        );
        println!(
            "  {:<22} {} {}",
            "baseline (fixed table)",
            pct(r.baseline.cer()),
            pct(r.baseline.wer())
        );
        println!(
            "  {:<22} {} {}",
            "repair",
            pct(r.repaired.cer()),
            pct(r.repaired.wer())
        );
        if r.reocr.chars > 0 {
            println!(
                "  {:<22} {} {}",
                "re-OCR kaz+rus (ref.)",
                pct(r.reocr.cer()),
                pct(r.reocr.wer())
            );
        }
        println!(
            "  clean lines: {} of {} tokens changed by repair ({} by the OCR step) = {:.2} per 10,000",
            r.clean_changed,
            r.clean_tokens,
            r.clean_changed_ocr,
            1e4 * r.clean_changed as f64 / r.clean_tokens.max(1) as f64
        );
        if std::env::var_os("ZAN_OCR_SHOW").is_some() {
            for (g, o, c) in &r.errors {
                println!("    G {g}\n    R {o}\n    C {c}");
            }
        }
        println!(
            "  throughput: repair {:.3} MB/s, baseline {:.2} MB/s ({} bytes, one thread, cold cache; model load {:.2} s)",
            r.bytes as f64 / 1e6 / r.seconds.max(1e-9),
            r.bytes as f64 / 1e6 / r.baseline_seconds.max(1e-9),
            r.bytes,
            r.load_seconds
        );
    }
    for path in clean {
        let text = std::fs::read_to_string(path).map_err(|e| anyhow!("{}: {e}", path.display()))?;
        let text = if path.extension().is_some_and(|e| e == "md") {
            train::md_to_text(&text)
        } else {
            text
        };
        let lang = lang
            .and_then(Lang::parse)
            .unwrap_or_else(|| zan::repair::detect_lang(&text));
        let (n, c, ex) = eval::eval_clean_text(&text, lang);
        println!(
            "clean text {} ({}): {} of {} tokens changed = {:.2} per 10,000",
            path.display(),
            lang.code(),
            c,
            n,
            1e4 * c as f64 / n.max(1) as f64
        );
        for (a, b) in ex {
            println!("    {a}\n  → {b}");
        }
    }
    Ok(())
}

/// The arguments of `zan train ocr` as given (the `LANG=FILE` lists not yet split).
#[derive(clap::Args)]
pub struct TrainOcrArgs {
    /// OCR pairs files; pairs of held-out documents are skipped.
    #[arg(long, required = true)]
    pairs: Vec<PathBuf>,
    #[arg(long, default_value = "corpus")]
    corpus: PathBuf,
    /// Documents kept out for testing (prefixes of the pairs' `src`).
    #[arg(long, value_delimiter = ',', default_value = "000,001,002,003,004")]
    held_out_docs: Vec<String>,
    /// Corpus acts kept out of the language models: the clean-text tests (141011, 97449) and
    /// the acts the seeds amend, whose wording the test pairs repeat (125804, 142171, 142971).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "141011,97449,125804,142171,142971"
    )]
    held_out_acts: Vec<String>,
    /// More folders of acts (`<code>/kaz.md`, `<code>/rus.md`) whose text trains the
    /// language models beside the corpus's; `--held-out-acts` applies to them too.
    #[arg(long)]
    acts: Vec<PathBuf>,
    #[arg(long, default_value = "src/repair/ocr/models")]
    out: PathBuf,
    /// Word lists as LANG=FILE (one form a line, e.g. `unmunch` of hunspell-kk / hunspell-ru).
    #[arg(long)]
    words: Vec<String>,
    /// Word lists as LANG=FILE of forms a web crawl found (`tess-words.sh LANG all`): the
    /// dictionary forms among them count as common.
    #[arg(long)]
    common_words: Vec<String>,
    /// OCR pairs files as LANG=FILE that train only that language's channel.
    #[arg(long)]
    lang_pairs: Vec<String>,
    /// Word frequency lists as LANG=FILE (`word<TAB>zipf`, `wordfreq-dump.py`): the general
    /// frequency of each dictionary form, stored in the dictionary FST's values.
    #[arg(long)]
    word_freq: Vec<String>,
}

pub fn train_ocr(args: TrainOcrArgs) -> Result<()> {
    let lists = |v: &[String], flag: &str| {
        v.iter()
            .map(|w| {
                w.split_once('=')
                    .map(|(l, p)| (l.to_string(), PathBuf::from(p)))
                    .ok_or_else(|| anyhow!("--{flag}: expected LANG=FILE, got `{w}`"))
            })
            .collect::<Result<Vec<_>>>()
    };
    let cfg = train::TrainConfig {
        words: lists(&args.words, "words")?,
        common: lists(&args.common_words, "common-words")?,
        lang_pairs: lists(&args.lang_pairs, "lang-pairs")?,
        word_freq: lists(&args.word_freq, "word-freq")?,
        pairs: args.pairs,
        corpus: args.corpus,
        held_out_docs: args.held_out_docs,
        held_out_acts: args.held_out_acts,
        extra_acts: args.acts,
        out: args.out,
        iterations: 4,
    };
    print!("{}", train::train(&cfg)?);
    Ok(())
}
