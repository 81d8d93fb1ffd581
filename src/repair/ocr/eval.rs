//! `zan eval ocr`: CER and WER of the garble, the repair and the look-alike baseline against the
//! clean side of OCR pairs, the share of tokens repair changes on clean lines, and throughput.

use super::train::Pair;
use crate::model::Lang;
use std::time::Instant;

/// Levenshtein distance over any comparable items (two rows).
pub fn levenshtein<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, x) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(x != y);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Accumulated character and word edit counts of one system.
#[derive(Debug, Default, Clone, Copy)]
pub struct Errors {
    pub char_edits: usize,
    pub chars: usize,
    pub word_edits: usize,
    pub words: usize,
}

impl Errors {
    pub fn add(&mut self, hyp: &str, reference: &str) {
        let h: Vec<char> = hyp.chars().collect();
        let r: Vec<char> = reference.chars().collect();
        self.char_edits += levenshtein(&h, &r);
        self.chars += r.len();
        let hw: Vec<&str> = hyp.split_whitespace().collect();
        let rw: Vec<&str> = reference.split_whitespace().collect();
        self.word_edits += levenshtein(&hw, &rw);
        self.words += rw.len();
    }
    pub fn cer(&self) -> f64 {
        self.char_edits as f64 / self.chars.max(1) as f64
    }
    pub fn wer(&self) -> f64 {
        self.word_edits as f64 / self.words.max(1) as f64
    }
}

#[derive(Debug, Default, Clone)]
pub struct LangReport {
    pub lang: String,
    pub pairs: usize,
    pub docs: Vec<String>,
    pub garbled: Errors,
    pub repaired: Errors,
    pub baseline: Errors,
    pub reocr: Errors,
    /// Tokens of the clean lines, and how many of them repair changed.
    pub clean_tokens: usize,
    pub clean_changed: usize,
    /// The same, counting only the OCR step's changes.
    pub clean_changed_ocr: usize,
    /// Bytes of garbled text repaired and the seconds it took (one thread).
    pub bytes: usize,
    pub seconds: f64,
    pub baseline_seconds: f64,
    pub load_seconds: f64,
    /// Lines the repair got wrong: (garbled, repaired, clean).
    pub errors: Vec<(String, String, String)>,
}

/// Count tokens of `repaired` that differ from `original` (same line, compared position-wise;
/// a changed token count is what a reader sees changed).
pub fn changed_tokens(original: &str, repaired: &str) -> (usize, usize) {
    let a: Vec<&str> = original.split_whitespace().collect();
    let b: Vec<&str> = repaired.split_whitespace().collect();
    let changed = if a.len() == b.len() {
        a.iter().zip(&b).filter(|(x, y)| x != y).count()
    } else {
        levenshtein(&a, &b)
    };
    (a.len(), changed)
}

/// Whether pair `b` is the line right after pair `a` in the same document (`src` = `doc:line`).
fn follows(a: &Pair, b: &Pair) -> bool {
    let line = |p: &Pair| {
        p.src
            .rsplit_once(':')
            .and_then(|(_, n)| n.parse::<u64>().ok())
    };
    a.doc() == b.doc() && matches!((line(a), line(b)), (Some(x), Some(y)) if y == x + 1)
}

/// Evaluate full line repair (`repair::repair_line`) on the pairs of one language.
pub fn eval_pairs(pairs: &[Pair], lang: Lang) -> LangReport {
    let mut r = LangReport {
        lang: lang.code().to_string(),
        ..Default::default()
    };
    let mut docs = std::collections::BTreeSet::new();
    let sel: Vec<&Pair> = pairs.iter().filter(|p| p.lang == lang.code()).collect();
    r.pairs = sel.len();
    // Load the model before timing (loading counts the language model's n-grams).
    let t_load = Instant::now();
    let _ = super::model(lang);
    r.load_seconds = t_load.elapsed().as_secs_f64();
    let t0 = Instant::now();
    // Each document's dashes, as `zan repair` of the whole text counts them; its words as the
    // lines are read in order.
    let mut texts: std::collections::HashMap<&str, super::TextContext> = Default::default();
    for p in &sel {
        texts.entry(p.doc()).or_default().dashes.add(&p.garbled);
    }
    let mut outs: Vec<String> = Vec::with_capacity(sel.len());
    for (i, p) in sel.iter().enumerate() {
        let mut rep = crate::repair::RepairReport::default();
        // The pair before is the line before when it is the next line of the same document:
        // its repair is this line's case context, as in `zan repair` of the whole text.
        let before = match (i.checked_sub(1).map(|j| sel[j]), i.checked_sub(1)) {
            (Some(q), Some(j)) if follows(q, p) => Some(outs[j].as_str()),
            _ => None,
        };
        let doc = texts.get_mut(p.doc());
        // Likewise the pair after, when it is the next line.
        let next = sel
            .get(i + 1)
            .filter(|q| follows(p, q))
            .map(|q| q.garbled.as_str());
        let out = crate::repair::repair_line_in(&p.garbled, before, next, lang, doc, &mut rep);
        outs.push(out);
        r.bytes += p.garbled.len();
    }
    r.seconds = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let base: Vec<String> = sel.iter().map(|p| super::baseline(&p.garbled)).collect();
    r.baseline_seconds = t1.elapsed().as_secs_f64();
    for ((p, out), b) in sel.iter().zip(&outs).zip(&base) {
        docs.insert(p.doc().to_string());
        r.garbled.add(&p.garbled, &p.clean);
        r.repaired.add(out, &p.clean);
        if out != &p.clean {
            r.errors
                .push((p.garbled.clone(), out.clone(), p.clean.clone()));
        }
        r.baseline.add(b, &p.clean);
        if let Some(re) = &p.reocr {
            r.reocr.add(re, &p.clean);
        }
        let mut rep = crate::repair::RepairReport::default();
        let fixed = crate::repair::repair_line(&p.clean, lang, &mut rep);
        let (n, c) = changed_tokens(&p.clean, &fixed);
        r.clean_tokens += n;
        r.clean_changed += c;
        let (ocr_fixed, _) = super::repair_line(&p.clean, lang);
        r.clean_changed_ocr += changed_tokens(&p.clean, &ocr_fixed).1;
    }
    r.docs = docs.into_iter().collect();
    r
}

/// Changed tokens when repairing clean text line by line: (tokens, changed, examples).
pub fn eval_clean_text(text: &str, lang: Lang) -> (usize, usize, Vec<(String, String)>) {
    let (mut n, mut c) = (0, 0);
    let mut examples = Vec::new();
    for line in text.lines() {
        let (fixed, _) = super::repair_line(line, lang);
        let (a, b) = changed_tokens(line, &fixed);
        n += a;
        c += b;
        if b > 0 && examples.len() < 10 {
            examples.push((line.to_string(), fixed));
        }
    }
    (n, c, examples)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances() {
        let mut e = Errors::default();
        e.add("қызмет көрсету", "қызмет көрсету");
        assert_eq!(e.cer(), 0.0);
        e.add("кызмет", "қызмет");
        assert_eq!(e.char_edits, 1);
        assert_eq!(e.word_edits, 1);
        assert_eq!(changed_tokens("а б в", "а б г"), (3, 1));
    }
}
