//! Word-level decoding: the known words (corpus lexicon and dictionary FST) a garbled token can
//! be, found by a depth-first search that walks the garble's glyph strings through the channel and
//! the word automata at once (a prefix no word starts with is dropped at once, so only a few
//! branches live), then ranked by channel × character LM × word frequency; a line's readings are
//! chosen together by Viterbi with the corpus's word bigrams. Tokens with no known reading fall
//! back to the character beam (`OcrModel::decode_token`).
//!
//! This replaces a "look-alike skeleton" index: the channel already says which glyph strings a
//! letter may become, with probabilities, so searching the automata under it finds the same words
//! without a second model file, and also survives the OCR's dropped or extra glyphs.

use super::channel::{Cand, MAX_GLYPHS};
use super::lm::{is_letter_sym, push_ctx, sym, BOUND, NO_NODE};
use super::{OcrModel, Weights, NO_DICT};
use rustc_hash::{FxHashMap, FxHasher};
use std::hash::{Hash, Hasher};

/// One reading of a token with its total log score (channel + LM + word terms).
#[derive(Clone, Debug)]
pub struct Reading {
    /// Lower-case reading (case is restored afterwards).
    pub text: String,
    pub score: f32,
    /// First and last letter word (lower case), for the bigram model.
    pub first: String,
    pub last: String,
}

/// Word bigram counts of the clean training text, keyed by a hash of the two words.
#[derive(Default)]
pub struct Bigrams {
    counts: FxHashMap<u64, u32>,
}

fn pair_key(a: &str, b: &str) -> u64 {
    let mut h = FxHasher::default();
    a.hash(&mut h);
    b.hash(&mut h);
    h.finish()
}

impl Bigrams {
    pub fn train(text: &str) -> Bigrams {
        let mut counts: FxHashMap<u64, u32> = FxHashMap::default();
        for line in text.lines() {
            let mut prev: Option<String> = None;
            for tok in line.split_whitespace() {
                let words: Vec<String> = letter_words(tok);
                let (Some(first), Some(last)) = (words.first(), words.last()) else {
                    prev = None;
                    continue;
                };
                if let Some(p) = &prev {
                    *counts.entry(pair_key(p, first)).or_insert(0) += 1;
                }
                prev = Some(last.clone());
            }
        }
        Bigrams { counts }
    }

    pub fn count(&self, a: &str, b: &str) -> u32 {
        if a.is_empty() || b.is_empty() {
            return 0;
        }
        self.counts.get(&pair_key(a, b)).copied().unwrap_or(0)
    }
}

/// The letter words of a string, lower-cased.
pub fn letter_words(s: &str) -> Vec<String> {
    s.split(|c: char| !is_letter_sym(sym(c)))
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

static LIMITS: once_cell::sync::Lazy<(usize, f32, f32)> = once_cell::sync::Lazy::new(|| {
    let v: Vec<f32> = std::env::var("ZAN_OCR_LIMITS")
        .unwrap_or_default()
        .split(',')
        .filter_map(|x| x.parse().ok())
        .collect();
    if v.len() == 3 {
        (v[0] as usize, v[1], v[2])
    } else {
        (6000, 9.0, 2.6)
    }
});

struct Search<'a> {
    m: &'a OcrModel,
    w: Weights,
    g: Vec<char>,
    cands: Vec<[Option<&'a [Cand]>; MAX_GLYPHS]>,
    out: Vec<char>,
    found: FxHashMap<String, f32>,
    best: f32,
    steps: usize,
}

#[derive(Clone, Copy)]
struct Node {
    i: usize,
    /// 0 before the word, 1 inside, 2 after it.
    phase: u8,
    dict: usize,
    lex: u32,
    score: f32,
    drops: u8,
    skips: u8,
    subs: u8,
}

impl Search<'_> {
    fn record(&mut self, score: f32) {
        let text: String = self.out.iter().collect();
        let e = self.found.entry(text).or_insert(f32::NEG_INFINITY);
        if score > *e {
            *e = score;
        }
        if score > self.best {
            self.best = score;
        }
    }

    fn word_final(&self, n: &Node) -> bool {
        (n.lex != NO_NODE && self.m.lex.count(n.lex) > 0) || self.m.dict_final(n.dict)
    }

    /// Emit `c` (one reading of garble `len` chars long) from node `n`.
    fn emit(&mut self, n: &Node, c: char, s: u8, logp: f32, len: usize) -> bool {
        let mut x = *n;
        x.i += len;
        x.score += logp;
        if is_letter_sym(s) {
            let (dict, lex) = if n.phase == 1 {
                (n.dict, n.lex)
            } else if n.phase == 0 && self.out.last().is_some_and(char::is_ascii_digit) {
                // `6беру`: a digit glued to a word is a garbled letter, not a number.
                return false;
            } else if n.phase == 0 || matches!(self.out.last(), Some('-' | '.' | '/')) {
                (self.m.dict_root(), 0)
            } else {
                return false;
            };
            x.dict = self.m.dict_step(dict, c);
            x.lex = self.m.lex.child(lex, s);
            if x.dict == NO_DICT && x.lex == NO_NODE {
                return false;
            }
            x.phase = 1;
        } else {
            if s == BOUND {
                return false;
            }
            if n.phase == 1 {
                if !self.word_final(n) {
                    return false;
                }
                x.phase = 2;
            }
        }
        self.out.push(c);
        self.go(x);
        self.out.pop();
        true
    }

    fn go(&mut self, n: Node) {
        self.steps += 1;
        let (max_steps, margin, per_char) = *LIMITS;
        if self.steps > max_steps
            || n.score < self.best - margin
            || n.score < -per_char * n.i as f32 - 4.0
        {
            return;
        }
        // A letter the OCR dropped (once a token), also first or last in the word.
        let base = match n.phase {
            1 => Some((n.dict, n.lex)),
            0 if n.i < self.g.len() && !self.out.last().is_some_and(char::is_ascii_digit) => {
                Some((self.m.dict_root(), 0))
            }
            _ => None,
        };
        if let (Some((dict, lex)), 0) = (base, n.drops) {
            let model = self.m;
            for d in model.channel.dropped.iter().take(4) {
                let mut x = n;
                x.drops = 1;
                x.phase = 1;
                x.score += self.w.channel * d.logp;
                x.dict = model.dict_step(dict, d.c);
                x.lex = model.lex.child(lex, d.sym);
                if x.dict == NO_DICT && x.lex == NO_NODE {
                    continue;
                }
                self.out.push(d.c);
                self.go(x);
                self.out.pop();
            }
        }
        let m = self.g.len();
        if n.i == m {
            if n.phase != 1 || self.word_final(&n) {
                self.record(n.score);
            }
            return;
        }
        let ch = self.w.channel;
        let mut went_on = false;
        for k in 0..MAX_GLYPHS.min(m - n.i) {
            let Some(list) = self.cands[n.i][k] else {
                continue;
            };
            for cand in list.iter().take(6) {
                if cand.logp < -7.0 {
                    break;
                }
                went_on |= self.emit(&n, cand.c, cand.sym, ch * cand.logp, k + 1);
            }
        }
        let c = self.g[n.i];
        // Cyrillic letters read as themselves; digits and signs the channel never saw, too.
        if (is_letter_sym(sym(c)) && !c.is_ascii())
            || (self.cands[n.i][0].is_none() && !c.is_alphabetic())
        {
            went_on |= self.emit(&n, c, sym(c), -0.1, 1);
        }
        // Where no reading goes on, one or two garbled characters the channel never saw for a
        // letter are read as any letter that continues a known word (once a token, at a cost).
        if !went_on && n.subs == 0 && n.phase < 2 && self.w.subst > -90.0 {
            let model = self.m;
            let (dict, lex) = if n.phase == 1 {
                (n.dict, n.lex)
            } else {
                (model.dict_root(), 0)
            };
            for k in 1..=2.min(m - n.i) {
                for c in super::lm::LOWER.chars() {
                    let s = sym(c);
                    let mut x = n;
                    x.i += k;
                    x.subs = 1;
                    x.phase = 1;
                    x.score += self.w.subst;
                    x.dict = model.dict_step(dict, c);
                    x.lex = model.lex.child(lex, s);
                    if x.dict == NO_DICT && x.lex == NO_NODE {
                        continue;
                    }
                    self.out.push(c);
                    self.go(x);
                    self.out.pop();
                }
            }
        }
        // A garbled character that stands for nothing (once a token).
        if n.skips == 0 {
            let mut x = n;
            x.i += 1;
            x.skips = 1;
            x.score += self.w.skip;
            self.go(x);
        }
    }
}

impl OcrModel {
    /// Known-word readings of a garbled token, best first (empty when none fits).
    pub fn word_readings(&self, token: &str) -> Vec<Reading> {
        let g: Vec<char> = token.chars().collect();
        let m = g.len();
        if m == 0 || m > 60 {
            return Vec::new();
        }
        let mut cands: Vec<[Option<&[Cand]>; MAX_GLYPHS]> = vec![[None; MAX_GLYPHS]; m];
        let mut buf = String::new();
        for i in 0..m {
            buf.clear();
            for k in 0..MAX_GLYPHS.min(m - i) {
                buf.push(g[i + k]);
                cands[i][k] = self.channel.table.get(buf.as_str()).map(|v| v.as_slice());
            }
        }
        let mut s = Search {
            m: self,
            w: self.weights,
            g,
            cands,
            out: Vec::with_capacity(m + 4),
            found: FxHashMap::default(),
            best: f32::NEG_INFINITY,
            steps: 0,
        };
        s.go(Node {
            i: 0,
            phase: 0,
            dict: NO_DICT,
            lex: NO_NODE,
            score: 0.0,
            drops: 0,
            skips: 0,
            subs: 0,
        });
        let mut out: Vec<Reading> = s
            .found
            .into_iter()
            .map(|(text, ch)| self.reading(text, ch))
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        out.truncate(6);
        out
    }

    /// Score a reading: channel + weighted character LM + word terms (frequency in the clean
    /// text, or the dictionary bonus).
    pub fn reading(&self, text: String, channel: f32) -> Reading {
        let w = &self.weights;
        let mut ctx = BOUND as u64;
        let mut lm = 0.0;
        for c in text.chars() {
            let y = sym(c);
            lm += self.lm_logp(ctx, y);
            ctx = push_ctx(ctx, y);
        }
        lm += self.lm_logp(ctx, BOUND);
        let words = letter_words(&text);
        let mut word = 0.0;
        for wd in &words {
            let n = self.lex.word_count(wd);
            word += if n > 0 {
                w.lex_bonus + w.freq * (n as f32).ln()
            } else if self.dict.as_ref().is_some_and(|d| d.contains(wd)) {
                w.dict_bonus
            } else {
                w.oov
            };
        }
        Reading {
            first: words.first().cloned().unwrap_or_default(),
            last: words.last().cloned().unwrap_or_default(),
            text,
            score: channel + w.lm * lm + word,
        }
    }
}

/// Choose one reading per token of a run of garbled tokens: Viterbi over the readings with a
/// bonus for word pairs seen in the clean text. Returns the index of the chosen reading per token.
pub fn viterbi(model: &OcrModel, lattice: &[Vec<Reading>]) -> Vec<usize> {
    let wb = model.weights.bigram;
    let mut best: Vec<Vec<(f32, usize)>> = Vec::with_capacity(lattice.len());
    for (t, col) in lattice.iter().enumerate() {
        let mut row = Vec::with_capacity(col.len());
        for r in col {
            if t == 0 || lattice[t - 1].is_empty() {
                row.push((r.score, 0));
                continue;
            }
            let mut arg = (f32::NEG_INFINITY, 0);
            for (j, p) in lattice[t - 1].iter().enumerate() {
                let c = model.bigrams.count(&p.last, &r.first);
                let v = best[t - 1][j].0 + wb * (1.0 + c as f32).ln();
                if v > arg.0 {
                    arg = (v, j);
                }
            }
            row.push((arg.0 + r.score, arg.1));
        }
        best.push(row);
    }
    let mut pick = vec![0; lattice.len()];
    let Some(last) = best.last() else {
        return pick;
    };
    let mut j = (0..last.len())
        .max_by(|&a, &b| last[a].0.total_cmp(&last[b].0))
        .unwrap_or(0);
    for t in (0..lattice.len()).rev() {
        pick[t] = j;
        if !best[t].is_empty() {
            j = best[t][j].1;
        }
    }
    pick
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bigrams_count_adjacent_words() {
        let b = Bigrams::train("Мемлекеттік қызмет көрсету\nқызмет, көрсету.\n");
        assert_eq!(b.count("мемлекеттік", "қызмет"), 1);
        assert_eq!(b.count("қызмет", "көрсету"), 2);
        assert_eq!(b.count("көрсету", "қызмет"), 0);
    }
}
