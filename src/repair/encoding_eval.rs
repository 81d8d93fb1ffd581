//! `zan eval encoding`: mojibake cases built from clean corpus lines (every true page × wrong
//! decoding, one and two deep), exact recovery of [`super::repair_text`]'s mojibake step per case
//! kind, the share of clean inputs it changes, and Python ftfy's figures on the same cases when
//! ftfy is installed (`python3 -c 'import ftfy'`).

use super::mojibake::{self, all_steps, Page, Step, TRAINING_ACT};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// One damaged line and the clean line it came from.
#[derive(Debug, Clone)]
pub struct Case {
    /// Steps in the order they damaged the text.
    pub chain: Vec<Step>,
    pub lang: &'static str,
    pub clean: String,
    pub garbled: String,
    /// The document (act folder) the clean line comes from.
    pub doc: String,
}

impl Case {
    pub fn depth(&self) -> usize {
        self.chain.len()
    }
    /// "UTF-8 read as windows-1251" / "… ⇒ UTF-8 read as KOI8-R".
    pub fn kind(&self) -> String {
        self.chain
            .iter()
            .map(|s| s.label())
            .collect::<Vec<_>>()
            .join(" ⇒ ")
    }
}

#[derive(Debug, Default, Clone)]
pub struct KindFigures {
    pub cases: usize,
    pub ours: usize,
    pub ftfy: Option<usize>,
}

/// A case the repair did not recover exactly.
#[derive(Debug, Clone)]
pub struct Miss {
    pub kind: String,
    pub depth: usize,
    pub doc: String,
    pub clean: String,
    pub garbled: String,
    pub ours: String,
}

#[derive(Debug, Default)]
pub struct EvalReport {
    /// Per one-deep kind, and per first step of the two-deep kinds.
    pub one_deep: BTreeMap<String, KindFigures>,
    pub two_deep: BTreeMap<String, KindFigures>,
    pub two_deep_kinds: usize,
    pub one_total: KindFigures,
    pub two_total: KindFigures,
    /// Clean inputs: (changed, total) whole files and single lines.
    pub clean_files: (usize, usize),
    pub clean_lines: (usize, usize),
    pub changed_examples: Vec<String>,
    /// Every failed case, in case order.
    pub failures: Vec<Miss>,
    /// Documents (act folders) the cases were built from.
    pub case_docs: Vec<String>,
    /// Why ftfy figures are missing, when they are.
    pub ftfy_note: Option<String>,
    pub training_act: &'static str,
}

fn md_files(root: &Path) -> Vec<(PathBuf, &'static str)> {
    let mut v: Vec<(PathBuf, &'static str)> = walkdir::WalkDir::new(root.join("acts"))
        .into_iter()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let p = e.path().to_path_buf();
            let lang = match p.file_name()?.to_str()? {
                "kaz.md" => "kk",
                "rus.md" => "ru",
                _ => return None,
            };
            Some((p, lang))
        })
        .collect();
    v.sort();
    v
}

/// Clean corpus files: every act (kk + ru) and every order text.
fn clean_files(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = md_files(root).into_iter().map(|(p, _)| p).collect();
    if let Ok(rd) = std::fs::read_dir(root.join("orders")) {
        let mut o: Vec<PathBuf> = rd
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        o.sort();
        v.extend(o);
    }
    v
}

/// "acts/142971/rus.md" of a corpus file (the act folder and file name).
fn doc_name(p: &Path) -> String {
    let parts: Vec<String> = p
        .components()
        .rev()
        .take(3)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.into_iter().rev().collect::<Vec<_>>().join("/")
}

/// Prose lines: at least four words of three or more Cyrillic letters (formulas of abbreviations
/// such as `ОКБ = (МП+БП)/БС` are left out: their case-swapped forms are as plausible).
fn eligible(line: &str) -> bool {
    line.split_whitespace()
        .filter(|w| {
            w.chars()
                .filter(|c| ('\u{0400}'..='\u{04FF}').contains(c))
                .count()
                >= 3
        })
        .count()
        >= 4
}

/// Build the cases: `per_kind` lines per kind and language (two-deep: `per_kind_two`), from
/// the acts except the one the letter model learnt from.
pub fn build_cases(
    root: &Path,
    per_kind: usize,
    per_kind_two: usize,
) -> std::io::Result<Vec<Case>> {
    let mut pools: BTreeMap<&'static str, Vec<(String, String)>> = BTreeMap::new();
    for (p, lang) in md_files(root) {
        if p.components().any(|c| c.as_os_str() == TRAINING_ACT) {
            continue;
        }
        let text = std::fs::read_to_string(&p)?;
        let doc = doc_name(&p);
        pools.entry(lang).or_default().extend(
            text.lines()
                .filter(|l| eligible(l))
                .map(|l| (doc.clone(), l.to_string())),
        );
    }
    let steps = all_steps();
    let mut cases = Vec::new();
    let mut cursor = 0usize;
    for (lang, pool) in &pools {
        if pool.is_empty() {
            continue;
        }
        let mut take = |chain: Vec<Step>, n: usize, cursor: &mut usize| {
            let mut got = 0;
            let mut tries = 0;
            while got < n && tries < pool.len().min(400) {
                // A stride through the pool so that kinds see different lines.
                *cursor = (*cursor + 7919) % pool.len();
                tries += 1;
                let (doc, clean) = &pool[*cursor];
                let mut t = clean.clone();
                let mut ok = true;
                for st in &chain {
                    match st.garble(&t) {
                        Some(g) => t = g,
                        None => {
                            ok = false;
                            break;
                        }
                    }
                }
                if ok && t != *clean {
                    cases.push(Case {
                        chain: chain.clone(),
                        lang,
                        clean: clean.clone(),
                        garbled: t,
                        doc: doc.clone(),
                    });
                    got += 1;
                }
            }
        };
        for &s1 in &steps {
            take(vec![s1], per_kind, &mut cursor);
        }
        for &s1 in &steps {
            // The garbled text is saved in UTF-8 or any single-byte page, then read wrongly again.
            for truth in std::iter::once(Page::Utf8).chain(Page::SINGLE_BYTE) {
                if truth == s1.shown {
                    continue;
                }
                for shown in Page::SINGLE_BYTE {
                    if shown != truth {
                        take(vec![s1, Step { truth, shown }], per_kind_two, &mut cursor);
                    }
                }
            }
        }
    }
    Ok(cases)
}

/// Python ftfy's `fix_encoding` on every text, or why it could not run. The texts go in from
/// a file, not a pipe: `zan` restores the default SIGPIPE action, so writing to a Python that
/// died (ftfy not installed) would kill the whole command without a word.
pub fn run_ftfy(texts: &[&str]) -> Result<Vec<String>, String> {
    const SCRIPT: &str = "import sys, json, ftfy\n\
        for line in sys.stdin:\n    \
            print(json.dumps(ftfy.fix_encoding(json.loads(line))))\n";
    let input: String = texts
        .iter()
        .map(|t| serde_json::to_string(t).unwrap_or_default() + "\n")
        .collect();
    let path = std::env::temp_dir().join(format!("zan-ftfy-{}.jsonl", std::process::id()));
    std::fs::write(&path, input).map_err(|e| format!("{}: {e}", path.display()))?;
    let file = std::fs::File::open(&path).map_err(|e| format!("{}: {e}", path.display()));
    let _ = std::fs::remove_file(&path);
    let out = Command::new("python3")
        .args(["-c", SCRIPT])
        .stdin(Stdio::from(file?))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("python3 not found ({e})"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(if err.contains("No module named 'ftfy'") {
            "ftfy is not installed (pip install ftfy)".into()
        } else {
            format!("python3 failed: {}", err.lines().last().unwrap_or(""))
        });
    }
    let res: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_default())
        .collect();
    if res.len() != texts.len() {
        return Err(format!(
            "ftfy gave {} answers for {} cases",
            res.len(),
            texts.len()
        ));
    }
    Ok(res)
}

/// Run the whole evaluation over the corpus at `root`.
pub fn evaluate(
    root: &Path,
    per_kind: usize,
    per_kind_two: usize,
    with_ftfy: bool,
) -> std::io::Result<EvalReport> {
    let cases = build_cases(root, per_kind, per_kind_two)?;
    let ours: Vec<String> = cases
        .iter()
        .map(|c| mojibake::fix_text(&c.garbled).0)
        .collect();
    let mut rep = EvalReport {
        training_act: TRAINING_ACT,
        ..Default::default()
    };
    let ftfy = if with_ftfy {
        let texts: Vec<&str> = cases.iter().map(|c| c.garbled.as_str()).collect();
        match run_ftfy(&texts) {
            Ok(v) => Some(v),
            Err(e) => {
                rep.ftfy_note = Some(e);
                None
            }
        }
    } else {
        rep.ftfy_note = Some("ftfy comparison switched off".into());
        None
    };
    let mut kinds2 = std::collections::BTreeSet::new();
    for (i, c) in cases.iter().enumerate() {
        let ok = ours[i] == c.clean;
        let f_ok = ftfy.as_ref().map(|f| f[i] == c.clean);
        let (key, map, total) = if c.depth() == 1 {
            (c.kind(), &mut rep.one_deep, &mut rep.one_total)
        } else {
            kinds2.insert(c.kind());
            (c.chain[0].label(), &mut rep.two_deep, &mut rep.two_total)
        };
        for fig in [map.entry(key).or_default(), total] {
            fig.cases += 1;
            fig.ours += ok as usize;
            if let Some(f) = f_ok {
                *fig.ftfy.get_or_insert(0) += f as usize;
            }
        }
        if !ok {
            rep.failures.push(Miss {
                kind: c.kind(),
                depth: c.depth(),
                doc: c.doc.clone(),
                clean: c.clean.clone(),
                garbled: c.garbled.clone(),
                ours: ours[i].clone(),
            });
        }
    }
    rep.two_deep_kinds = kinds2.len();
    let docs: std::collections::BTreeSet<&str> = cases.iter().map(|c| c.doc.as_str()).collect();
    rep.case_docs = docs.into_iter().map(str::to_string).collect();
    // Clean inputs: whole files and every line alone.
    for p in clean_files(root) {
        let text = std::fs::read_to_string(&p)?;
        rep.clean_files.1 += 1;
        if mojibake::fix_text(&text).1 > 0 {
            rep.clean_files.0 += 1;
        }
        for (n, line) in text.lines().enumerate() {
            rep.clean_lines.1 += 1;
            let (fixed, changed, _) = mojibake::fix_text(line);
            if changed > 0 {
                rep.clean_lines.0 += 1;
                if rep.changed_examples.len() < 10 {
                    rep.changed_examples.push(format!(
                        "{}:{}: {line:?} -> {fixed:?}",
                        p.display(),
                        n + 1
                    ));
                }
            }
        }
    }
    Ok(rep)
}
