//! `zan train ocr`: learn the substitution model from OCR pairs and collect the clean text of the
//! language models, leaving out whole held-out documents (test pairs and clean-text tests).

use super::channel;
use super::ModelFile;
use crate::model::Lang;
use anyhow::{Context, Result};
use serde::Deserialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// One line of a pairs file (see shared/ocr/README.md); extra fields are ignored.
#[derive(Deserialize, Clone, Debug)]
pub struct Pair {
    pub lang: String,
    pub garbled: String,
    pub clean: String,
    #[serde(default)]
    pub reocr: Option<String>,
    #[serde(default)]
    pub src: String,
}

impl Pair {
    /// The document a pair comes from: `src` up to its line number (`004_c501….txt`).
    pub fn doc(&self) -> &str {
        self.src
            .rsplit_once(':')
            .map(|(d, _)| d)
            .unwrap_or(&self.src)
    }

    /// Whether the pair's document matches one of `ids` (a prefix of the document name).
    pub fn in_docs(&self, ids: &[String]) -> bool {
        ids.iter().any(|id| self.doc().starts_with(id.as_str()))
    }
}

pub fn read_pairs(path: &Path) -> Result<Vec<Pair>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let p: Pair = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not a pair", path.display(), i + 1))?;
        out.push(p);
    }
    Ok(out)
}

pub struct TrainConfig {
    pub pairs: Vec<PathBuf>,
    pub corpus: PathBuf,
    /// Documents (prefixes of the pairs' `src`) kept out of training.
    pub held_out_docs: Vec<String>,
    /// Corpus act codes kept out of the language models (clean-text false-positive tests).
    pub held_out_acts: Vec<String>,
    /// More folders of acts (`<code>/kaz.md`, `<code>/rus.md`, as in `corpus/acts`) whose text
    /// trains the language models beside the corpus: the corpus is a few acts, and most words the
    /// decoder gets wrong are words its text lacks.
    pub extra_acts: Vec<PathBuf>,
    pub out: PathBuf,
    pub iterations: usize,
    /// Public word lists per language (`kk`/`ru`, one word form a line, e.g. hunspell expanded
    /// with `unmunch`): compiled into `<lang>.fst`, the decoder's dictionary of known forms.
    pub words: Vec<(String, PathBuf)>,
    /// Lists of the forms a web crawl found per language (tesseract's word list): the
    /// dictionary forms among them are marked common in `<lang>.fst` (see `build_dict`).
    pub common: Vec<(String, PathBuf)>,
    /// Pairs files per language (`kk`/`ru`) that train only that language's channel (not its case
    /// tables), on top of `pairs`: more Kazakh renders taught the Kazakh channel rare garbles
    /// but, shared, cost Russian words (the one channel is then mostly Kazakh garble).
    pub lang_pairs: Vec<(String, PathBuf)>,
    /// General word frequencies per language (`word<TAB>zipf` lines, `wordfreq-dump.py`): each
    /// dictionary form's Zipf class goes into its FST value (see `build_dict`).
    pub word_freq: Vec<(String, PathBuf)>,
}

/// Compile word lists into a map of lower-case word forms (letters only) as an FST: a million
/// Kazakh forms take a few MB and are searched letter by letter without being loaded. A form
/// also in the `common` lists has the `COMMON` bit (hunspell forms any ending of any stem; that a
/// web crawl wrote a form says it is used), and a form of the `freq` lists its general Zipf
/// frequency's class above it (`FREQ_SHIFT`, `zipf_class`): which of two forms real text uses
/// more (`условий` 4.6, `условии` 4.3), where the small corpus has neither.
pub fn build_dict(files: &[&Path], common: &[&Path], freq: &[&Path], out: &Path) -> Result<usize> {
    let letters = |w: &str| {
        let n = w.chars().count();
        n > 0
            && n <= 40
            && w.chars()
                .all(|c| super::lm::is_letter_sym(super::lm::sym(c)))
    };
    let forms = |f: &Path| -> Result<Vec<String>> {
        let text = std::fs::read_to_string(f).with_context(|| format!("{}", f.display()))?;
        let mut v = Vec::new();
        for w in text.lines() {
            let w = w.split('/').next().unwrap_or("").trim().to_lowercase();
            if !letters(&w) {
                continue;
            }
            if w.contains('ё') {
                v.push(w.replace('ё', "е"));
            }
            v.push(w);
        }
        Ok(v)
    };
    let mut words: Vec<String> = Vec::new();
    for f in files {
        words.extend(forms(f)?);
    }
    words.sort_unstable();
    words.dedup();
    let mut frequent: rustc_hash::FxHashSet<String> = rustc_hash::FxHashSet::default();
    for f in common {
        frequent.extend(forms(f)?);
    }
    // A form's class: the highest of its spellings (`её` and `ее` are one form here).
    let mut class: rustc_hash::FxHashMap<String, u64> = rustc_hash::FxHashMap::default();
    for f in freq {
        let text = std::fs::read_to_string(f).with_context(|| format!("{}", f.display()))?;
        for line in text.lines() {
            let Some((w, z)) = line.split_once('\t') else {
                continue;
            };
            let (w, Ok(z)) = (w.trim().to_lowercase(), z.trim().parse::<f32>()) else {
                continue;
            };
            if !letters(&w) {
                continue;
            }
            let c = u64::from(zipf_class(z));
            for w in [w.replace('ё', "е"), w] {
                let e = class.entry(w).or_insert(0);
                *e = (*e).max(c);
            }
        }
    }
    let map = fst::Map::from_iter(words.iter().map(|w| {
        let common = u64::from(frequent.contains(w.as_str())) * COMMON;
        (
            w,
            common | class.get(w.as_str()).copied().unwrap_or(0) << FREQ_SHIFT,
        )
    }))
    .context("building the word FST")?;
    std::fs::write(out, map.as_fst().as_bytes()).with_context(|| format!("{}", out.display()))?;
    Ok(words.len())
}

/// The files of word lists given as `(lang, file)` that are for `lang`.
fn of_lang<'a>(lists: &'a [(String, PathBuf)], lang: &str) -> Vec<&'a Path> {
    lists
        .iter()
        .filter(|(l, _)| l == lang)
        .map(|(_, p)| p.as_path())
        .collect()
}

/// The value bit of a common form in the dictionary FST (`build_dict`).
pub const COMMON: u64 = 1;

/// Where a form's Zipf class starts in its FST value (above `COMMON`; 0: no frequency known).
pub const FREQ_SHIFT: u32 = 1;

/// Zipf classes per Zipf unit (a factor of 10 in frequency): eighths, 0.29 nats apart.
const ZIPF_STEPS: f32 = 8.0;

/// The Zipf class of a frequency, 1..=63 (Zipf 1/8 to 7.9: wordfreq's lists run from 1 to 7.6).
pub fn zipf_class(zipf: f32) -> u8 {
    (zipf * ZIPF_STEPS).round().clamp(1.0, 63.0) as u8
}

/// The Zipf frequency of a class (`zipf_class`; None for 0, no frequency known).
pub fn class_zipf(class: u8) -> Option<f32> {
    (class > 0).then(|| f32::from(class) / ZIPF_STEPS)
}

/// Markdown of a corpus act → plain paragraphs (marks dropped, table cells split, HTML tags
/// dropped: the acts' HTML tables and anchors, `<td>`, `<a id="p1"></a>`, are no text, and the
/// language model had learnt `<`, `>` and Latin tag names as a common part of it).
pub fn md_to_text(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    for line in md.lines() {
        let l = line.trim();
        if l.starts_with("|-") || l.starts_with("| -") || l.starts_with("|:") {
            continue;
        }
        let untagged;
        let l = if l.contains('<') {
            // Each tag a cell break: a table cell or row ends at its tag, and an anchor
            // (`<a id="p1"></a>`) stands before its paragraph.
            untagged = super::replace_tags(l, '|');
            untagged.as_str()
        } else {
            l
        };
        for cell in l.split('|') {
            let t: String = cell
                .trim_start_matches(['#', '>', ' '])
                .replace(['*', '_'], "")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if !t.is_empty() {
                out.push_str(&t);
                out.push('\n');
            }
        }
    }
    out
}

/// What one language's model learns from its pairs: the channel's counts (from `channel_pairs`),
/// the case tables (from `pairs`) and, from the pairs of that language, the digit tokens.
struct PairStats {
    channel_rows: Vec<(char, String, u32)>,
    case_table: Vec<[u32; 3]>,
    first_glyphs: Vec<(char, [u32; 3])>,
    digit_tokens: Vec<(String, u32, u32)>,
    digit_forms: Vec<(String, String, u32)>,
}

fn pair_stats(
    channel_pairs: &[&Pair],
    train_pairs: &[&Pair],
    lang: &str,
    iterations: usize,
) -> PairStats {
    // The glyph confusions belong to the OCR and fonts more than to the language: the pairs of
    // both languages train each channel (see `TrainConfig::lang_pairs`).
    let aligned: Vec<(String, String)> = channel_pairs
        .iter()
        .map(|p| (p.clean.clone(), p.garbled.clone()))
        .collect();
    let counts = channel::train(&aligned, iterations);
    let mut channel_rows: Vec<(char, String, u32)> = counts
        .iter()
        .flat_map(|(c, row)| row.iter().map(move |(s, n)| (*c, s.clone(), *n)))
        .collect();
    channel_rows.sort();
    let mut case_table = [[0u32; 3]; super::CASE_KEYS * super::CASE_CTXS];
    let mut first_glyphs: std::collections::BTreeMap<char, [u32; 3]> = Default::default();
    for p in train_pairs {
        let g: Vec<&str> = p.garbled.split_whitespace().collect();
        let c: Vec<&str> = p.clean.split_whitespace().collect();
        if g.len() != c.len() {
            continue;
        }
        for (k, (gw, cw)) in g.iter().zip(&c).enumerate() {
            let letters: String = cw.chars().filter(|c| c.is_alphabetic()).collect();
            if letters.is_empty() {
                continue;
            }
            let ctx = super::case_ctx(k.checked_sub(1).map(|j| g[j]), gw);
            let row = ctx * super::CASE_KEYS + super::garble_case_key(gw);
            case_table[row][super::lm::case_pattern(&letters)] += 1;
            // Words of two letters or more (a lone `C` is mostly the preposition с).
            if let Some(g) = super::first_glyph(gw).filter(|_| letters.chars().count() > 1) {
                first_glyphs.entry(g).or_default()[super::lm::case_pattern(&letters)] += 1;
            }
        }
    }
    // Tokens of digits only, of the model's language: how often each was a number and how often a garbled
    // word (`06` = об, `110` = по in Russian).
    let mut digit_tokens: std::collections::BTreeMap<String, [u32; 2]> = Default::default();
    // The words they were (`10` = по).
    let mut digit_forms: std::collections::BTreeMap<(String, String), u32> = Default::default();
    for p in train_pairs.iter().filter(|p| p.lang == lang) {
        let g: Vec<&str> = p.garbled.split_whitespace().collect();
        let c: Vec<&str> = p.clean.split_whitespace().collect();
        if g.len() != c.len() {
            continue;
        }
        for (k, (gw, cw)) in g.iter().zip(&c).enumerate() {
            // A line's opening clause number (`4)`) is no evidence on a number inside a line.
            if k == 0 && super::clause_number_token(gw) {
                continue;
            }
            if let Some(core) = super::digit_core(gw) {
                let word = !cw.chars().any(|c| c.is_ascii_digit());
                digit_tokens.entry(core.to_string()).or_default()[usize::from(word)] += 1;
                let form = cw.trim_matches(|c: char| !c.is_alphabetic()).to_lowercase();
                if word && !form.is_empty() {
                    *digit_forms.entry((core.to_string(), form)).or_default() += 1;
                }
            }
        }
    }
    PairStats {
        channel_rows,
        case_table: case_table.to_vec(),
        first_glyphs: first_glyphs.into_iter().collect(),
        digit_tokens: digit_tokens
            .into_iter()
            .map(|(t, n)| (t, n[0], n[1]))
            .collect(),
        digit_forms: digit_forms
            .into_iter()
            .map(|((t, f), n)| (t, f, n))
            .collect(),
    }
}

/// Append the text of each act folder's `md_name` under `dir` (in code order, `held_out` acts
/// left out) to `text`, and its path (the folder's last two components) to `sources`. Latin
/// look-alikes inside Cyrillic words are repaired first (`fix_lookalikes`), as `zan repair`
/// does: many Kazakh files type `і` as a Latin `i` (`бiлiм`), which would split the word in the
/// lexicon and teach the character model Latin letters inside Kazakh words.
fn read_acts(
    dir: &Path,
    md_name: &str,
    lang: Lang,
    held_out: &[String],
    text: &mut String,
    sources: &mut Vec<String>,
) -> Result<()> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("{}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let base = dir.file_name().and_then(|s| s.to_str()).unwrap_or("");
    for d in dirs {
        let code = d.file_name().and_then(|s| s.to_str()).unwrap_or("");
        if held_out.iter().any(|h| h == code) {
            continue;
        }
        let f = d.join(md_name);
        if let Ok(md) = std::fs::read_to_string(&f) {
            for line in md_to_text(&md).lines() {
                text.push_str(&crate::repair::fix_lookalikes(line, lang).0);
                text.push('\n');
            }
            sources.push(format!("{base}/{code}/{md_name}"));
        }
    }
    Ok(())
}

/// Train both models and write `kk.json.gz` and `ru.json.gz` into `cfg.out`; returns a summary.
pub fn train(cfg: &TrainConfig) -> Result<String> {
    let mut pairs = Vec::new();
    for p in &cfg.pairs {
        pairs.extend(read_pairs(p)?);
    }
    // Each language's own pairs (`TrainConfig::lang_pairs`), read before anything is written.
    let own: Vec<Vec<Pair>> = ["kk", "ru"]
        .iter()
        .map(|lang| {
            let mut v = Vec::new();
            for p in of_lang(&cfg.lang_pairs, lang) {
                v.extend(read_pairs(p)?);
            }
            Ok(v)
        })
        .collect::<Result<_>>()?;
    let train_pairs: Vec<&Pair> = pairs
        .iter()
        .filter(|p| !p.in_docs(&cfg.held_out_docs))
        .collect();
    let mut summary = String::new();
    std::fs::create_dir_all(&cfg.out).with_context(|| format!("{}", cfg.out.display()))?;
    for lang in ["kk", "ru"] {
        let (files, common) = (of_lang(&cfg.words, lang), of_lang(&cfg.common, lang));
        if !files.is_empty() {
            let path = cfg.out.join(format!("{lang}.fst"));
            let n = build_dict(&files, &common, &of_lang(&cfg.word_freq, lang), &path)?;
            let size = std::fs::metadata(&path)?.len();
            summary.push_str(&format!(
                "{lang}: dictionary of {n} word forms → {} ({} KB)\n",
                path.display(),
                size / 1024
            ));
        }
    }
    for ((l, md_name), own) in [(Lang::Kk, "kaz.md"), (Lang::Ru, "rus.md")]
        .into_iter()
        .zip(&own)
    {
        let lang = l.code();
        let mut text = String::new();
        let mut sources = Vec::new();
        let corpus_acts = cfg.corpus.join("acts");
        for dir in std::iter::once(&corpus_acts).chain(&cfg.extra_acts) {
            read_acts(dir, md_name, l, &cfg.held_out_acts, &mut text, &mut sources)?;
        }

        let mine: Vec<&Pair> = train_pairs
            .iter()
            .copied()
            .chain(own.iter().filter(|p| !p.in_docs(&cfg.held_out_docs)))
            .collect();
        let stats = pair_stats(&mine, &train_pairs, lang, cfg.iterations);
        summary.push_str(&format!(
            "{lang}: channel from {} training pairs ({} held out), {} emissions\n",
            mine.len(),
            pairs.len() + own.len() - mine.len(),
            stats.channel_rows.len()
        ));
        let file = ModelFile {
            lang: lang.to_string(),
            channel: stats.channel_rows,
            case_table: stats.case_table,
            first_glyphs: stats.first_glyphs,
            digit_tokens: stats.digit_tokens,
            digit_forms: stats.digit_forms,
            text,
            sources,
        };
        let path = cfg.out.join(format!("{lang}.json.gz"));
        let json = serde_json::to_vec(&file)?;
        let f = std::fs::File::create(&path).with_context(|| format!("{}", path.display()))?;
        let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::best());
        gz.write_all(&json)?;
        gz.finish()?;
        let size = std::fs::metadata(&path)?.len();
        summary.push_str(&format!(
            "{lang}: {} chars of clean text from {} sources → {} ({} KB)\n",
            file.text.chars().count(),
            file.sources.len(),
            path.display(),
            size / 1024
        ));
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_documents() {
        let p: Pair = serde_json::from_str(
            r#"{"lang":"kk","garbled":"x","clean":"у","src":"004_c501787c74ae2a74.txt:2"}"#,
        )
        .unwrap();
        assert_eq!(p.doc(), "004_c501787c74ae2a74.txt");
        assert!(p.in_docs(&["004".into()]));
        assert!(!p.in_docs(&["001".into()]));
    }

    #[test]
    fn language_pairs_train_the_channel_only() {
        // A line of kk-acts3.jsonl (training acts) and one of ru-acts.jsonl.
        let kk: Pair = serde_json::from_str(
            r#"{"lang":"kk","garbled":"MemnekeTTik KbI3MeT KepceTy Mep3iMi","clean":"Мемлекеттік қызмет көрсету мерзімі","src":"kk3.txt:1"}"#,
        )
        .unwrap();
        let ru: Pair = serde_json::from_str(
            r#"{"lang":"ru","garbled":"«Ipeaocrapienue HHcopMaliMn 06 yuacTHH B kayuecTBe","clean":"«Предоставление информации об участии в качестве","src":"ru.txt:10"}"#,
        )
        .unwrap();
        let with = pair_stats(&[&ru, &kk], &[&ru], "kk", 2);
        let without = pair_stats(&[&ru], &[&ru], "kk", 2);
        // The Kazakh line teaches the channel its `3` for з ...
        let z3 = |s: &PairStats| s.channel_rows.iter().any(|(c, g, _)| *c == 'з' && g == "3");
        assert!(z3(&with) && !z3(&without));
        // ... but neither the case tables nor, in Kazakh, the Russian `06` = об.
        assert_eq!(with.case_table, without.case_table);
        assert!(with.digit_tokens.is_empty());
        let ru_stats = pair_stats(&[&ru], &[&ru], "ru", 2);
        assert_eq!(ru_stats.digit_forms, vec![("06".into(), "об".into(), 1)]);
    }

    #[test]
    fn dictionary_values_hold_common_marks_and_zipf_classes() {
        let dir = std::env::temp_dir().join(format!("zan-dict-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = |name: &str, text: &str| {
            let p = dir.join(name);
            std::fs::write(&p, text).unwrap();
            p
        };
        let words = file("w", "условие\nусловии\nусловий\nеё\n");
        let common = file("c", "условий\n");
        // wordfreq-dump.py lines; a word the dictionary lacks stays out.
        let freq = file(
            "f",
            "условий\t4.60\nусловии\t4.27\nеё\t5.90\nусловиях\t4.00\n",
        );
        let out = dir.join("d.fst");
        assert_eq!(
            build_dict(&[&words], &[&common], &[&freq], &out).unwrap(),
            5
        );
        let map = fst::Map::new(std::fs::read(&out).unwrap()).unwrap();
        let class = |z: f32| u64::from(zipf_class(z)) << FREQ_SHIFT;
        assert_eq!(map.get("условий"), Some(COMMON | class(4.6)));
        assert_eq!(map.get("условии"), Some(class(4.27)));
        assert_eq!(map.get("условие"), Some(0));
        // `её` counts for `ее` too (the decoder reads е for ё as well).
        assert_eq!(map.get("её"), Some(class(5.9)));
        assert_eq!(map.get("ее"), Some(class(5.9)));
        assert_eq!(map.get("условиях"), None);
        assert_eq!(class_zipf(zipf_class(4.6)), Some(4.625));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn markdown_to_text() {
        let t = md_to_text("# Заголовок\n\n> *Сноска. Текст*\n| а | б |\n|---|---|\n");
        assert_eq!(t, "Заголовок\nСноска. Текст\nа\nб\n");
        let t = md_to_text(
            "<table>\n<tr>\n<td>№</td>\n<td>«» 20 года</td>\n</tr>\n<a id=\"p1\"></a>1. Текст",
        );
        assert_eq!(t, "№\n«» 20 года\n1. Текст\n");
    }

    #[test]
    fn act_folders_are_read_in_code_order_without_held_out_acts() {
        // Two folders as `--acts` takes them: the corpus's and one more, each act a folder of
        // `kaz.md` / `rus.md`; an act without the language's file is skipped, not an error.
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("acts"), tmp.path().join("more"));
        for (dir, code, kaz) in [
            (&a, "200", Some("# Екінші бұйрық")),
            (&a, "100", Some("# Бірінші бұйрық")),
            (&b, "300", None),
            (&b, "400", Some("# Үшінші бұйрық")),
            (&b, "500", Some("# Алынбайтын бұйрық")),
        ] {
            std::fs::create_dir_all(dir.join(code)).unwrap();
            std::fs::write(dir.join(code).join("rus.md"), "# Приказ").unwrap();
            if let Some(k) = kaz {
                std::fs::write(dir.join(code).join("kaz.md"), k).unwrap();
            }
        }
        let (mut text, mut sources) = (String::new(), Vec::new());
        let held = vec!["500".to_string()];
        for dir in [&a, &b] {
            read_acts(dir, "kaz.md", Lang::Kk, &held, &mut text, &mut sources).unwrap();
        }
        assert_eq!(text, "Бірінші бұйрық\nЕкінші бұйрық\nҮшінші бұйрық\n");
        assert_eq!(
            sources,
            ["acts/100/kaz.md", "acts/200/kaz.md", "more/400/kaz.md"]
        );
        // A folder that is not there is an error that names it.
        let err = read_acts(
            &tmp.path().join("none"),
            "kaz.md",
            Lang::Kk,
            &held,
            &mut text,
            &mut sources,
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("none"), "{err:#}");
    }
}
