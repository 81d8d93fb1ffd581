//! One function per subcommand. Each reads its input, calls the library, prints.

use anyhow::{anyhow, bail, Context, Result};
use chrono::NaiveDate;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use zan::consolidate::{self as cons, render, ConsolidatedAct};
use zan::model::{parse_path, path_to_string, EventKind, Lang};
use zan::{amend, index, ingest, pipeline, repair};

fn parse_lang(s: &str) -> Result<Option<Lang>> {
    match s {
        "auto" | "" => Ok(None),
        other => Lang::parse(other)
            .map(Some)
            .ok_or_else(|| anyhow!("--lang: expected auto, kk or ru, got `{other}`")),
    }
}

fn parse_date(s: Option<&str>) -> Result<NaiveDate> {
    match s {
        None => Ok(chrono::Local::now().date_naive()),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| anyhow!("--as-of: expected a date YYYY-MM-DD, got `{s}`")),
    }
}

/// The corpus folder: the one given, else `corpus/` here, else the one shipped with the source.
pub(crate) fn corpus_dir(given: Option<PathBuf>) -> PathBuf {
    if let Some(p) = given {
        return p;
    }
    let here = PathBuf::from("corpus");
    if here.is_dir() {
        return here;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

pub fn repair(file: &str, lang: &str, report: bool, reflow: bool, ocr: bool) -> Result<()> {
    let lang = parse_lang(lang)?;
    let bytes = if file == "-" {
        let mut b = Vec::new();
        std::io::stdin()
            .read_to_end(&mut b)
            .context("standard input")?;
        if b.is_empty() {
            bail!("standard input: empty input");
        }
        b
    } else {
        ingest::read_bytes(Path::new(file))?
    };
    let (text, encoding) = if bytes.starts_with(b"%PDF-") {
        (
            ingest::read_file_with(Path::new(file), ocr)?.text,
            "PDF".to_string(),
        )
    } else {
        repair::decode_bytes(&bytes).map_err(|e| anyhow!("{file}: {e}"))?
    };
    // Lines repaired so far, on standard error (drawn only on a terminal).
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("repairing {bar:30} {pos}/{len} lines")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut fixed = repair::repair_text_with(&text, lang, &mut |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    });
    bar.finish_and_clear();
    fixed.report.encoding = encoding;
    let out = if reflow {
        repair::reflow_text(&fixed.text)
    } else {
        fixed.text
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    if report {
        eprintln!("{}", serde_json::to_string_pretty(&fixed.report)?);
    }
    Ok(())
}

pub fn split(file: &Path, json: bool, ocr: bool) -> Result<()> {
    let doc = ingest::read_file_with(file, ocr)?;
    let fixed = repair::repair_text(&doc.text, Some(doc.lang));
    let order = amend::parse_order(&fixed.text).map_err(|e| anyhow!("{}: {e}", file.display()))?;
    if order.amendments.is_empty() && order.target.is_none() {
        bail!(
            "{}: no amending order found (no amended act and no amendment instruction)",
            file.display()
        );
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&order.split_json())?);
    } else {
        let h = &order.header;
        println!(
            "Order № {} of {} ({}), {} amendment(s)",
            h.number,
            h.date.map(|d| d.to_string()).unwrap_or_else(|| "?".into()),
            h.lang,
            order.amendments.len()
        );
        if let Some(t) = &order.target {
            println!(
                "Amends № {} of {}",
                t.number,
                t.date.map(|d| d.to_string()).unwrap_or_default()
            );
        }
        for (i, a) in order.amendments.iter().enumerate() {
            println!(
                "{:>3}. {:<13} {:<28} {}",
                i + 1,
                format!("{:?}", a.op).to_lowercase(),
                path_to_string(&a.unit),
                a.document.as_deref().unwrap_or("(the order itself)")
            );
        }
    }
    for u in &order.unparsed {
        eprintln!(
            "zan: {}:{}: instruction not understood: {}",
            file.display(),
            u.line,
            u.text
        );
    }
    Ok(())
}

fn run_pipeline(corpus: Option<PathBuf>) -> Result<pipeline::PipelineOutput> {
    run_pipeline_with(corpus, false)
}

/// [`run_pipeline`]; with `ocr`, scanned PDFs are read by tesseract.
fn run_pipeline_with(corpus: Option<PathBuf>, ocr: bool) -> Result<pipeline::PipelineOutput> {
    let dir = corpus_dir(corpus);
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let out = pipeline::run_with(&dir, ocr, &mut |done, total, path| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        bar.set_message(path.display().to_string());
    })?;
    bar.finish_and_clear();
    Ok(out)
}

fn print_failures(out: &pipeline::PipelineOutput) {
    if !out.failures.is_empty() {
        eprintln!("{} file(s) could not be used:", out.failures.len());
        for f in &out.failures {
            eprintln!("  {}", f.message);
        }
    }
}

pub fn index(corpus: Option<PathBuf>, index_dir: &Path, ocr: bool) -> Result<index::IndexSummary> {
    let out = run_pipeline_with(corpus, ocr)?;
    let total: usize = out.acts.iter().map(|a| a.versions.len()).sum();
    let bar = indicatif::ProgressBar::new(total as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("indexing {bar:30} {pos}/{len} unit versions")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let summary = index::build_index(index_dir, &out.acts, &mut |done, _| {
        bar.set_position(done as u64)
    })
    .with_context(|| format!("writing the index to {}", index_dir.display()))?;
    bar.finish_and_clear();
    let conflicts: usize = out.acts.iter().map(|a| a.conflicts.len()).sum();
    println!(
        "Indexed {} unit versions of {} acts ({} act texts) into {}: {} in force, {} repealed, {} unknown; {} files read, {} amending orders, {} conflicts, {} failures.",
        summary.unit_versions,
        summary.acts,
        out.acts.len(),
        index_dir.display(),
        summary.in_force,
        summary.repealed,
        summary.unknown,
        out.files_read,
        out.orders.len(),
        conflicts,
        out.failures.len()
    );
    for a in &out.acts {
        for c in &a.conflicts {
            eprintln!(
                "  conflict: {} {} ({}): {}",
                c.act_id, c.order, c.source, c.message
            );
        }
    }
    print_failures(&out);
    Ok(summary)
}

pub fn search(
    query: &str,
    index_dir: &Path,
    lang: Option<String>,
    as_of: Option<String>,
    limit: usize,
    json: bool,
) -> Result<()> {
    let lang = match lang.as_deref() {
        None => None,
        Some(l) => {
            Some(Lang::parse(l).ok_or_else(|| anyhow!("--lang: expected kk or ru, got `{l}`"))?)
        }
    };
    let q = index::SearchQuery {
        q: query.to_string(),
        lang,
        as_of: parse_date(as_of.as_deref())?,
        limit,
        ..index::SearchQuery::new("", chrono::NaiveDate::MIN)
    };
    let res = index::search_counted(index_dir, &q)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&res)?);
        return Ok(());
    }
    if let Some(n) = &res.notice {
        eprintln!("zan: {n}");
    }
    let hits = res.hits;
    if hits.is_empty() {
        println!("No unit in force on {} matches `{query}`.", q.as_of);
    }
    for h in &hits {
        let validity = format!(
            "{} – {}{}",
            h.valid_from
                .map(|d| d.to_string())
                .unwrap_or_else(|| "?".into()),
            h.valid_to
                .map(|d| d.to_string())
                .unwrap_or_else(|| "in force".into()),
            if h.estimated { " (estimated)" } else { "" }
        );
        println!("{} [{}] {} · {}", h.act_id, h.lang, h.path, validity);
        println!("  {}", h.act_title);
        println!("  {}\n", h.snippet);
    }
    Ok(())
}

fn find_acts<'a>(
    acts: &'a [ConsolidatedAct],
    id: &str,
    lang: Option<Lang>,
) -> Result<Vec<&'a ConsolidatedAct>> {
    let found: Vec<&ConsolidatedAct> = acts
        .iter()
        .filter(|a| a.id.eq_ignore_ascii_case(id) && lang.is_none_or(|l| a.lang == l))
        .collect();
    if found.is_empty() {
        let mut ids: Vec<&str> = acts.iter().map(|a| a.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        bail!("act `{id}` not found; known acts: {}", ids.join(", "));
    }
    Ok(found)
}

fn event_word(k: EventKind) -> &'static str {
    match k {
        EventKind::Original => "original",
        EventKind::Reworded => "reworded",
        EventKind::Inserted => "inserted",
        EventKind::Repealed => "repealed",
        EventKind::Amended => "amended",
    }
}

pub fn history(
    act: &str,
    unit: Option<String>,
    corpus: Option<PathBuf>,
    lang: Option<String>,
    json: bool,
) -> Result<()> {
    let lang = match lang.as_deref() {
        None => None,
        Some(l) => parse_lang(l)?,
    };
    let unit = match unit.as_deref() {
        None => None,
        Some(u) => Some(parse_path(u).ok_or_else(|| {
            anyhow!("--unit: expected e.g. point:12 or point:5/subpoint:3, got `{u}`")
        })?),
    };
    let out = run_pipeline(corpus)?;
    let acts = find_acts(&out.acts, act, lang)?;
    let mut all = Vec::new();
    for a in acts {
        let events: Vec<_> = a
            .history
            .iter()
            .filter(|e| unit.as_ref().is_none_or(|u| &e.path == u))
            .collect();
        if json {
            all.push(serde_json::json!({"act": a.id, "lang": a.lang, "title": a.title, "base_known": a.base_known, "events": events}));
            continue;
        }
        println!("{} [{}] {}", a.id, a.lang, a.title);
        if !a.base_known {
            println!("  (base text not in the corpus: only units known from amending orders)");
        }
        for e in events {
            let order = e
                .order
                .as_ref()
                .map(|o| {
                    format!(
                        "order № {} of {}",
                        o.number,
                        o.date
                            .map(|d| d.format("%d.%m.%Y").to_string())
                            .unwrap_or_default()
                    )
                })
                .unwrap_or_else(|| "(order unknown)".into());
            let eff = e
                .effective
                .map(|d| format!("{}{}", d, if e.estimated { " (est.)" } else { "" }))
                .unwrap_or_else(|| "?".into());
            let unit = match &e.document {
                Some(d) => format!("{} in «{}»", path_to_string(&e.path), short(d, 40)),
                None => path_to_string(&e.path),
            };
            println!(
                "  {:<18} {:<9} {:<30} by {}",
                eff,
                event_word(e.kind),
                unit,
                order
            );
        }
        println!();
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&all)?);
    }
    Ok(())
}

pub fn consolidate(
    act: &str,
    lang: &str,
    as_of: Option<String>,
    corpus: Option<PathBuf>,
    format: &str,
) -> Result<()> {
    let lang = parse_lang(lang)?.ok_or_else(|| anyhow!("--lang: choose kk or ru"))?;
    let date = parse_date(as_of.as_deref())?;
    if !matches!(format, "text" | "md" | "json") {
        bail!("--format: expected text, md or json, got `{format}`");
    }
    let out = run_pipeline(corpus)?;
    let a = find_acts(&out.acts, act, Some(lang))?[0];
    match format {
        "json" => println!(
            "{}",
            serde_json::to_string_pretty(&render::to_json(a, date))?
        ),
        "md" => print!("{}", render::to_text(a, date, true)),
        _ => print!("{}", render::to_text(a, date, false)),
    }
    Ok(())
}

pub fn serve(index_dir: &Path, addr: &str, admin_token: Option<String>) -> Result<()> {
    let addr: std::net::SocketAddr = addr
        .parse()
        .map_err(|_| anyhow!("--addr: expected HOST:PORT, got `{addr}`"))?;
    // Searches run on the blocking pool and are CPU-bound: more threads than a few per core only
    // add memory (stacks, malloc arenas) and context switches, so requests queue instead.
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(4 * cores)
        .build()?;
    let options = zan::serve::ServeOptions {
        admin_token: admin_token.or_else(|| std::env::var(zan::serve::ADMIN_TOKEN_ENV).ok()),
        ..Default::default()
    };
    rt.block_on(zan::serve::serve_with(
        index_dir.to_path_buf(),
        addr,
        options,
    ))
}

pub fn pipeline(corpus: Option<PathBuf>, index_dir: &Path, ocr: bool) -> Result<()> {
    let summary = index(corpus.clone(), index_dir, ocr)?;
    let _ = summary;
    println!("\nA short tour:");
    for (q, lang) in [("апостиль", Lang::Kk), ("государственной услуги", Lang::Ru)]
    {
        let hits = index::search(
            index_dir,
            &index::SearchQuery {
                q: q.into(),
                lang: Some(lang),
                as_of: chrono::Local::now().date_naive(),
                limit: 3,
                ..index::SearchQuery::new("", chrono::NaiveDate::MIN)
            },
        )?;
        println!("\n$ zan search '{q}' --lang {lang} --limit 3");
        for h in hits {
            println!("  {} [{}] {}: {}", h.act_id, h.lang, h.path, h.snippet);
        }
    }
    let out = run_pipeline(corpus)?;
    if let Some(a) = out
        .acts
        .iter()
        .filter(|a| !a.base_known)
        .max_by_key(|a| a.history.len())
    {
        println!("\n$ zan history --act {} --lang {}", a.id, a.lang);
        for e in a.history.iter().take(12) {
            println!(
                "  {:<9} {:<22} order № {} of {}",
                event_word(e.kind),
                path_to_string(&e.path),
                e.order.as_ref().map(|o| o.number.as_str()).unwrap_or("?"),
                e.order
                    .as_ref()
                    .and_then(|o| o.date)
                    .map(|d| d.to_string())
                    .unwrap_or_default()
            );
        }
    }
    println!("\nNext: `zan serve` and open http://127.0.0.1:8080/");
    Ok(())
}

/// The first `n` characters of `s`, with an ellipsis when cut.
fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

#[allow(clippy::too_many_arguments)]
pub fn diff(
    act: &str,
    lang: &str,
    from: &str,
    to: Option<String>,
    corpus: Option<PathBuf>,
    json: bool,
    langs: bool,
) -> Result<()> {
    let from = NaiveDate::parse_from_str(from, "%Y-%m-%d")
        .map_err(|_| anyhow!("--from: expected a date YYYY-MM-DD, got `{from}`"))?;
    let to = parse_date(to.as_deref())?;
    let out = run_pipeline(corpus)?;
    if langs {
        let kk = find_acts(&out.acts, act, Some(Lang::Kk))?[0];
        let ru = find_acts(&out.acts, act, Some(Lang::Ru))?[0];
        let (dk, dr) = (
            cons::diff::diff(kk, from, to),
            cons::diff::diff(ru, from, to),
        );
        let only = cons::diff::lang_mismatch(&dk, &dr);
        if json {
            let rows: Vec<_> = only
                .iter()
                .map(|(p, l)| serde_json::json!({"path": p, "changed_only_in": l}))
                .collect();
            println!("{}", serde_json::to_string_pretty(&rows)?);
        } else {
            println!(
                "{act} {from} → {to}: {} unit(s) changed in kk, {} in ru; changed in one language only: {}",
                dk.units.len(),
                dr.units.len(),
                only.len()
            );
            for (p, l) in only {
                println!("  {:<30} only in {l}", path_to_string(&p));
            }
        }
        return Ok(());
    }
    let lang = parse_lang(lang)?.ok_or_else(|| anyhow!("--lang: choose kk or ru"))?;
    let a = find_acts(&out.acts, act, Some(lang))?[0];
    let d = cons::diff::diff(a, from, to);
    if json {
        println!("{}", serde_json::to_string_pretty(&d)?);
    } else {
        use std::io::IsTerminal;
        print!(
            "{}",
            cons::diff::render(&d, std::io::stdout().is_terminal())
        );
    }
    Ok(())
}

pub fn eval_roundtrip(
    cases: usize,
    seed: u64,
    corpus: Option<PathBuf>,
    show: Option<usize>,
) -> Result<()> {
    let dir = corpus_dir(corpus);
    let acts = pipeline::base_acts(&dir)?;
    if let Some(id) = show {
        let all = cons::roundtrip::generate(&acts, seed, cases.max(id + 1));
        let c = all
            .iter()
            .find(|c| c.id == id)
            .ok_or_else(|| anyhow!("no case {id} with seed {seed}"))?;
        println!("{}", c.order_text);
        println!("effective {}; expected: {:?}", c.effective, c.expected);
        match cons::roundtrip::check(&acts, c) {
            Ok(()) => println!("OK"),
            Err(e) => println!("FAILED: {e}"),
        }
        return Ok(());
    }
    let t = std::time::Instant::now();
    let s = cons::roundtrip::run(&acts, seed, cases);
    println!(
        "round trip: {}/{} cases exact ({:.2}%), seed {seed}, {} base acts, {:.1}s",
        s.passed,
        s.cases,
        100.0 * s.passed as f64 / s.cases.max(1) as f64,
        acts.len(),
        t.elapsed().as_secs_f64()
    );
    for (op, n, ok) in &s.per_op {
        println!("  {:<14} {ok}/{n}", format!("{op:?}"));
    }
    for (id, m) in s.failures.iter().take(20) {
        println!("  case {id}: {}", m.lines().next().unwrap_or(""));
    }
    Ok(())
}
