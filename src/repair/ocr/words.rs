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
use super::lm::{is_letter_sym, sym, BOUND, NO_NODE};
use super::{DocWords, OcrModel, Weights, NO_DICT};
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
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

/// Adds `more` to readings `r`, a text found twice keeping its better score, best first.
pub fn merge_readings(r: &mut Vec<Reading>, more: impl IntoIterator<Item = Reading>) {
    for m in more {
        match r.iter_mut().find(|x| x.text == m.text) {
            Some(x) => x.score = x.score.max(m.score),
            None => r.push(m),
        }
    }
    r.sort_by(|a, b| b.score.total_cmp(&a.score));
}

impl Reading {
    /// A reading of `text` (lower case) with its first and last word for the bigrams.
    pub fn new(text: String, score: f32) -> Reading {
        let words = letter_words(&text);
        Reading {
            first: words.first().cloned().unwrap_or_default(),
            last: words.last().cloned().unwrap_or_default(),
            score,
            text,
        }
    }

    /// A token kept as it is, as context of its neighbours' readings.
    pub fn fixed(tok: &str) -> Reading {
        Reading::new(tok.to_lowercase(), 0.0)
    }
}

/// Word bigram counts of the clean training text, keyed by a hash of the two words.
pub struct Bigrams {
    counts: FxHashMap<u64, u32>,
    /// The highest count.
    max: u32,
    /// The lowest and highest `ending_pmi` any two words can have (bounds for `max_gain`).
    pmi_range: (f32, f32),
    /// Pairs of word endings (`ending`) of adjacent words, and each ending's count on the left
    /// and on the right of such pairs.
    ends: FxHashMap<u64, u32>,
    left: FxHashMap<u64, u32>,
    right: FxHashMap<u64, u32>,
    pairs: u32,
    /// The longer endings' association (see `LongEndings`).
    end2: LongEndings,
    /// The frequent words kept for the word-level association (`LongEndings::word`): the word
    /// on the left and the word on the right of a pair, by `key(word)`, each with its count in
    /// pairs on that side; its pairs with the other word's longer ending are in `ends`.
    word_left: FxHashMap<u64, u32>,
    word_right: FxHashMap<u64, u32>,
    /// Each word's count on the left and on the right of pairs, for `pair_pmi` (words seen at
    /// least `PairPmi::min` times).
    uni_left: FxHashMap<u64, u32>,
    uni_right: FxHashMap<u64, u32>,
    pair_pmi: PairPmi,
    /// Weight of the endings' association between two inflected words (`inflected`) in the
    /// line Viterbi, where it differs from `ReadWeights::ending` (see `ending_term`).
    agree: Option<f32>,
}

/// How `Bigrams::ending_pmi` weighs the association of the words' longer endings.
#[derive(Clone, Copy, Debug)]
pub struct LongEndings {
    /// Weight over the one-letter association (0: unused).
    pub weight: f32,
    /// Letters taken of the left and right words (`ending_n`): two and two in Russian, three
    /// and four in Kazakh.
    pub len: (usize, usize),
    /// Pseudo-count of its prior, the one-letter association: a left ending seen far more
    /// often than this, never before some right ending, makes that pair unlikely.
    pub prior: f32,
    /// Weight of a frequent word's own association with the other word's longer ending, over
    /// the longer endings' (0: unused): the noun decides its adjective's ending (`в
    /// интерактивном режиме`, where `-ой ме` is common for `форме`) and a word its
    /// complement's case (`согласно пункту`).
    pub word: f32,
    /// Pseudo-count of the word level's prior, the longer endings' association.
    pub word_prior: f32,
    /// Least count (in pairs, on its side) of a word the word level keeps.
    pub word_min: u32,
}

impl Default for LongEndings {
    fn default() -> Self {
        LongEndings::NONE
    }
}

impl LongEndings {
    /// No longer endings: the one-letter association alone.
    pub const NONE: LongEndings = LongEndings {
        weight: 0.0,
        len: (2, 2),
        prior: 10.0,
        word: 0.0,
        word_prior: 10.0,
        word_min: 10,
    };
}

/// Pseudo-count of the prior of `ending_pmi`: a left ending seen less often than this says
/// little.
const PMI_PRIOR: f32 = 20.0;

/// The ending of a word: its last letter, or a word of up to two letters whole (`в`, `по`,
/// `№`: their own classes).
fn ending(w: &str) -> &str {
    ending_n(w, 1)
}

/// The last `n` letters of a word, or a word of up to `n + 1` letters whole.
fn ending_n(w: &str, n: usize) -> &str {
    let len = w.chars().count();
    if len <= n + 1 {
        return w;
    }
    let start = w.char_indices().nth(len - n).map_or(0, |(i, _)| i);
    &w[start..]
}

/// Whether a word of the bigrams is longer than the two-letter endings take whole (`ending_n`):
/// an inflected word rather than a preposition, conjunction, number or sign.
fn inflected(w: &str) -> bool {
    w.chars().nth(3).is_some()
}

/// Tag of the two-letter endings' keys (they share the maps of the one-letter ones).
const END2: u8 = 2;
/// Tags of the word level's keys in `ends`: a left word with a right ending, a left ending
/// with a right word.
const WORD_LEFT: u8 = 3;
const WORD_RIGHT: u8 = 4;
/// Tag of the keys of word pairs with a number between them (`Bigrams::count_over_number`).
const NUMBER_SKIP: u8 = 5;
/// The most the word level (`Bigrams::word_level`) moves the association per side, in nats.
const WORD_CLAMP: f32 = 3.0;

/// How the line Viterbi weighs the words' own association (`Bigrams::pair_pmi`).
#[derive(Clone, Copy, Debug)]
pub struct PairPmi {
    /// Weight (0: unused).
    pub weight: f32,
    /// Pseudo-count of the right word's own share, towards which P(right | left) is smoothed.
    pub prior: f32,
    /// Least count (in pairs, on its side) of a word it is taken for.
    pub min: u32,
    /// The most it says either way, in nats before the weight.
    pub clamp: f32,
}

impl PairPmi {
    /// Unused.
    pub const NONE: PairPmi = PairPmi {
        weight: 0.0,
        prior: 20.0,
        min: 3,
        clamp: 1.0,
    };
}

/// The map key of a word, an ending or a pair of them.
fn key(k: impl Hash) -> u64 {
    let mut h = FxHasher::default();
    k.hash(&mut h);
    h.finish()
}

impl Bigrams {
    /// Word pairs of `text`; `end2` weighs the longer endings' association (`ending_pmi`),
    /// `agree` the association between inflected words (`ending_term`; None: as any pair).
    pub fn train(text: &str, end2: LongEndings, agree: Option<f32>, pmi: PairPmi) -> Bigrams {
        let len2 = end2.len;
        let mut counts: FxHashMap<u64, u32> = FxHashMap::default();
        let (mut ends, mut left, mut right) = (
            FxHashMap::default(),
            FxHashMap::default(),
            FxHashMap::default(),
        );
        let mut pairs = 0u32;
        let mut end_pairs: FxHashSet<(String, String)> = FxHashSet::default();
        let mut end2_pairs: FxHashSet<[String; 4]> = FxHashSet::default();
        // Each pair's words and longer endings, for the word level (kept words only, below).
        let mut word_pairs: Vec<[u64; 4]> = Vec::new();
        for line in text.lines() {
            let mut prev: Option<String> = None;
            // The word before `prev` where `prev` is a number: `от` of `от 80 до`.
            let mut before_number: Option<String> = None;
            for tok in line.split_whitespace() {
                let mut words: Vec<String> = letter_words(tok);
                if words.is_empty() {
                    words.extend(sign_word(tok).map(str::to_string));
                }
                let (Some(first), Some(last)) = (words.first(), words.last()) else {
                    prev = None;
                    before_number = None;
                    continue;
                };
                if let Some(a) = before_number.take() {
                    *counts.entry(key((NUMBER_SKIP, &a, first))).or_insert(0) += 1;
                }
                if first == "0" {
                    before_number = prev.clone();
                }
                if let Some(p) = &prev {
                    *counts.entry(key((p, first))).or_insert(0) += 1;
                    let (a, b) = (ending(p), ending(first));
                    *ends.entry(key((a, b))).or_insert(0) += 1;
                    *left.entry(key(a)).or_insert(0) += 1;
                    *right.entry(key(b)).or_insert(0) += 1;
                    end_pairs.insert((a.to_string(), b.to_string()));
                    let (a2, b2) = (ending_n(p, len2.0), ending_n(first, len2.1));
                    *ends.entry(key((END2, a2, b2))).or_insert(0) += 1;
                    *left.entry(key((END2, a2))).or_insert(0) += 1;
                    *right.entry(key((END2, b2))).or_insert(0) += 1;
                    end2_pairs.insert([a, b, a2, b2].map(str::to_string));
                    if end2.word != 0.0 || pmi.weight != 0.0 {
                        word_pairs.push([key(p), key(a2), key(first), key(b2)]);
                    }
                    pairs += 1;
                }
                prev = Some(last.clone());
            }
        }
        let (mut word_left, mut word_right) = (FxHashMap::default(), FxHashMap::default());
        for &[wa, _, wb, _] in &word_pairs {
            *word_left.entry(wa).or_insert(0u32) += 1;
            *word_right.entry(wb).or_insert(0u32) += 1;
        }
        let (mut uni_left, mut uni_right) = (FxHashMap::default(), FxHashMap::default());
        if pmi.weight != 0.0 {
            let kept = |m: &FxHashMap<u64, u32>| -> FxHashMap<u64, u32> {
                m.iter()
                    .filter(|(_, n)| **n >= pmi.min)
                    .map(|(k, n)| (*k, *n))
                    .collect()
            };
            (uni_left, uni_right) = (kept(&word_left), kept(&word_right));
        }
        word_left.retain(|_, n| end2.word != 0.0 && *n >= end2.word_min);
        word_right.retain(|_, n| end2.word != 0.0 && *n >= end2.word_min);
        for &[wa, a2, wb, b2] in &word_pairs {
            if word_left.contains_key(&wa) {
                *ends.entry(key((WORD_LEFT, wa, b2))).or_insert(0) += 1;
            }
            if word_right.contains_key(&wb) {
                *ends.entry(key((WORD_RIGHT, a2, wb))).or_insert(0) += 1;
            }
        }
        let max = counts.values().copied().max().unwrap_or(0);
        let mut b = Bigrams {
            counts,
            max,
            pmi_range: (0.0, 0.0),
            ends,
            left,
            right,
            pairs,
            end2,
            word_left,
            word_right,
            uni_left,
            uni_right,
            pair_pmi: pmi,
            agree,
        };
        b.pmi_range = b.pmi_bounds(&end_pairs, &end2_pairs);
        b
    }

    /// The range of `ending_pmi`: an unseen pair of endings scores below a seen one with the
    /// same left ending, so the lowest is an unseen pair after the commonest left ending (at
    /// both levels); the highest is a seen pair's, or 0 (unseen pairs and empty words): a pair
    /// of two-letter endings never seen scores below its one-letter pair.
    fn pmi_bounds(
        &self,
        end_pairs: &FxHashSet<(String, String)>,
        end2_pairs: &FxHashSet<[String; 4]>,
    ) -> (f32, f32) {
        if self.pairs == 0 {
            return (0.0, 0.0);
        }
        let c1max = self.left.values().copied().max().unwrap_or(0) as f32;
        let lo1 = (PMI_PRIOR / (c1max + PMI_PRIOR)).ln().min(0.0);
        // A two-letter ending is seen no more often than its one-letter one.
        let lo = lo1
            + self.end2.weight.min(1.0)
                * (self.end2.prior / (c1max + self.end2.prior)).ln().min(0.0);
        let hi1 = end_pairs
            .iter()
            .map(|(a, b)| self.pmi(a, b, None))
            .fold(0.0f32, f32::max);
        let hi = end2_pairs
            .iter()
            .map(|[a, b, a2, b2]| self.pmi(a, b, Some((a2, b2))))
            .fold(hi1, f32::max);
        // The word level moves the longer endings' association by at most `WORD_CLAMP` each way
        // per side.
        let w3 = 2.0 * self.end2.word.abs() * WORD_CLAMP;
        (lo.min(lo1) - w3, hi + w3)
    }

    /// The most the line Viterbi (`viterbi`, bigram weight `wb`) can add to one reading of a
    /// token over another: on each side, a pair bonus and the widest swing of the endings'
    /// association (plus a little for rounding). A reading scoring further below the token's
    /// best is never picked, so the searches need not find it.
    pub fn max_gain(&self, wb: f32) -> f32 {
        if wb < 0.0 {
            return f32::INFINITY;
        }
        let w = READ.ending.abs().max(self.agree.map_or(0.0, f32::abs));
        let ends = w * (self.pmi_range.1 - self.pmi_range.0);
        // The words' own association (`pair_pmi`) swings by its clamp either way.
        let pmi = 2.0 * self.pair_pmi.weight.abs() * self.pair_pmi.clamp;
        2.0 * (wb * (1.0 + self.max as f32).ln() + ends + pmi) + 1e-3
    }

    /// How much more (log) the ending of `b` follows the ending of `a` than it follows any word
    /// (smoothed towards 0 where the pair's left ending is rare).
    ///
    /// With `end2`, the longer endings' association too (`len2` letters), backed off to the
    /// one-letter one where the left longer ending is rare: Russian agreement shows in two letters
    /// (`независимым экспертам`, `-ый`/`-ой` against `-ом`/`-ым`), where the last letter alone
    /// (`й`, `м`) is the same for the cases the garble leaves open; a Kazakh case ending in
    /// three (`-ның` against `-ны`) before a possessive and case ending in four (`-ының`).
    pub fn ending_pmi(&self, a: &str, b: &str) -> f32 {
        if a.is_empty() || b.is_empty() || self.pairs == 0 {
            return 0.0;
        }
        // The longer endings only where they weigh (`end2` set): this runs for every pair of
        // readings the line Viterbi compares.
        let two = (self.end2.weight != 0.0)
            .then(|| (ending_n(a, self.end2.len.0), ending_n(b, self.end2.len.1)));
        let pmi = self.pmi(ending(a), ending(b), two);
        match two {
            Some((a2, b2)) if self.end2.word != 0.0 => pmi + self.word_level(a, a2, b, b2, pmi),
            _ => pmi,
        }
    }

    /// What a frequent word says of its neighbour's longer ending beyond the longer endings'
    /// association `pmi2` (`LongEndings::word`), from each side: P(b2 | a) against P(b2 | a2)
    /// and P(a2 | b) against P(a2 | b2), each smoothed towards the latter and clamped to
    /// `WORD_CLAMP` either way (a word seen `word_min` times says that much at most).
    fn word_level(&self, a: &str, a2: &str, b: &str, b2: &str, pmi2: f32) -> f32 {
        let get = |m: &FxHashMap<u64, u32>, k: u64| m.get(&k).copied().unwrap_or(0) as f32;
        let (k, total) = (self.end2.word_prior, self.pairs as f32 + 0.5);
        let mut dev = 0.0;
        // The word's count on its side, its pairs with the other ending, that ending's share.
        let (ka, kb) = (key(a), key(b));
        let sides = [
            (
                get(&self.word_left, ka),
                key((WORD_LEFT, ka, key(b2))),
                get(&self.right, key((END2, b2))),
            ),
            (
                get(&self.word_right, kb),
                key((WORD_RIGHT, key(a2), kb)),
                get(&self.left, key((END2, a2))),
            ),
        ];
        for (n, pair, other) in sides {
            if n == 0.0 {
                continue;
            }
            // The other ending's share given the ending on this side, by the association.
            let q = ((other + 0.5) / total * pmi2.exp()).min(0.999);
            let p = (get(&self.ends, pair) + k * q) / (n + k);
            dev += (p / q).ln().clamp(-WORD_CLAMP, WORD_CLAMP);
        }
        self.end2.word * dev
    }

    /// The endings' association of adjacent words `a`, `b` as the line Viterbi weighs it. Between
    /// two inflected words it is agreement or government (`апелляционной комиссии`, not
    /// `комиссий`; `электронных копий`), which the garble often cannot tell (`й` and `и` read
    /// alike); beside a short word (`в`, `по`, `для`, a number) the word pair says more and
    /// the association less (a Russian weight near the agreement one there read `для` as `ой`
    /// and `№ 4` as `по и`).
    pub fn ending_term(&self, a: &str, b: &str) -> f32 {
        let w = match self.agree {
            Some(w) if inflected(a) && inflected(b) => w,
            _ => READ.ending,
        };
        w * self.ending_pmi(a, b)
    }

    /// `ending_pmi` of one-letter endings `ea`, `eb` and, if given, two-letter ones.
    fn pmi(&self, ea: &str, eb: &str, two: Option<(&str, &str)>) -> f32 {
        let get = |m: &FxHashMap<u64, u32>, k: u64| m.get(&k).copied().unwrap_or(0) as f32;
        let c12 = get(&self.ends, key((ea, eb)));
        let c1 = get(&self.left, key(ea));
        let c2 = get(&self.right, key(eb));
        let p2 = (c2 + 0.5) / (self.pairs as f32 + 0.5);
        let beta = PMI_PRIOR;
        let cond = (c12 + beta * p2) / (c1 + beta);
        let pmi1 = (cond / p2).ln();
        let Some((fa, fb)) = two else {
            return pmi1;
        };
        let d12 = get(&self.ends, key((END2, fa, fb)));
        let d1 = get(&self.left, key((END2, fa)));
        let q2 = (get(&self.right, key((END2, fb))) + 0.5) / (self.pairs as f32 + 0.5);
        // P(fb | fa), its prior P(fb | ea) taken as P(eb | ea) shared out by P(fb) / P(eb).
        let cond2 = (d12 + self.end2.prior * cond * q2 / p2) / (d1 + self.end2.prior);
        pmi1 + self.end2.weight * ((cond2 / q2).ln() - pmi1)
    }

    /// How much more (log) the word `b` follows the word `a` than it follows any word, for
    /// words the text writes often enough (`PairPmi`; `c`: the pair's count), weighted,
    /// smoothed towards the right word's own share (0) and clamped. The pair bonus (ln of the count) is the same for a pair
    /// of a rare word and of a common one; this tells the rare word's pair for what it is:
    /// `до` is in 141 pairs and in 50 of them before a number, `по` in 1,758 and in 10 (`до 25
    /// апреля` read `по 25 апреля`).
    pub fn pair_pmi(&self, a: &str, b: &str, c: u32) -> f32 {
        let PairPmi {
            weight: w,
            prior: k,
            clamp,
            ..
        } = self.pair_pmi;
        if w == 0.0 || a.is_empty() || b.is_empty() {
            return 0.0;
        }
        let (Some(&ca), Some(&cb)) = (self.uni_left.get(&key(a)), self.uni_right.get(&key(b)))
        else {
            return 0.0;
        };
        let pb = cb as f32 / self.pairs.max(1) as f32;
        let p = (c as f32 + k * pb) / (ca as f32 + k);
        w * (p / pb).ln().clamp(-clamp, clamp)
    }

    /// How often the word `b` comes two words after `a` with a number between (`от 80 до`).
    pub fn count_over_number(&self, a: &str, b: &str) -> u32 {
        if a.is_empty() || b.is_empty() {
            return 0;
        }
        self.counts
            .get(&key((NUMBER_SKIP, a, b)))
            .copied()
            .unwrap_or(0)
    }

    pub fn count(&self, a: &str, b: &str) -> u32 {
        if a.is_empty() || b.is_empty() {
            return 0;
        }
        self.counts.get(&key((a, b))).copied().unwrap_or(0)
    }
}

/// A token without letters as a word of the bigrams: `№`, or `0` for any number (`№ 374`,
/// `18.08.2022 №`: the number sign is told from `по` by its neighbours).
pub fn sign_word(tok: &str) -> Option<&'static str> {
    if tok.contains('№') {
        Some("№")
    } else if tok.chars().any(|c| c.is_ascii_digit()) {
        Some("0")
    } else {
        None
    }
}

/// The first and last word of a reading for the bigrams.
fn ends(r: &Reading) -> (&str, &str) {
    if r.first.is_empty() {
        let s = sign_word(&r.text).unwrap_or("");
        (s, s)
    } else {
        (&r.first, &r.last)
    }
}

/// The letter words of a string, lower-cased.
pub fn letter_words(s: &str) -> Vec<String> {
    s.split(|c: char| !is_letter_sym(sym(c)))
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

/// Search limits: beam width per garbled position and the score margin below the position's
/// best hypothesis (`ZAN_OCR_LIMITS="beam,margin"`, a tuning hook; unset in normal use).
static LIMITS: once_cell::sync::Lazy<(usize, f32)> =
    once_cell::sync::Lazy::new(|| match super::tuning_hook("ZAN_OCR_LIMITS", 2) {
        Some(v) => (v[0] as usize, v[1]),
        // Margin 7 (was 9): dev WER kk 11.80 -> 11.70, ru 8.47 -> 8.31 with the narrower
        // character beam and fuzzy search beside it; a fifth less search.
        None => (16, 7.0),
    });

/// Readings per glyph string tried and their lowest log P (`ZAN_OCR_WORD_CANDS`, a tuning hook).
/// Wide: a rare reading of a common glyph is often the word (`of` = `от`, т read as `f` once
/// in 3,000; at 6 and -7 it was never tried and `од` won), and the margin prunes the rest
/// (dev 105095: kk WER 14.60 -> 13.20, ru 10.60 -> 9.70 against 6,-7; ~10% slower).
static WORD_CANDS: once_cell::sync::Lazy<(usize, f32)> =
    once_cell::sync::Lazy::new(|| match super::tuning_hook("ZAN_OCR_WORD_CANDS", 2) {
        Some(v) => (v[0] as usize, v[1]),
        None => (16, -14.0),
    });

/// Weights of the reading scores and the line Viterbi beside `Weights` (`ZAN_OCR_READ_WEIGHTS=
/// "known_lm,lm_centre,ending,glue"`, a tuning hook; unset in normal use):
/// - `known_lm`: weight of the character LM on readings made of known words only. The LM is
///   trained on ~100k characters, so it is sure of the endings it saw (`ұйымда` over `ұйымға` by
///   11 nats) where the glyphs of the ending say otherwise; known words need it less.
/// - `lm_centre`: log P per character the LM weight taken off known words is charged at instead,
///   so known readings and the character beam's unknown ones stay on one scale (and about as
///   many tokens as before count as weak and go to the costly fuzzy search: -1.5 was as good on
///   the development pairs but sent more there, 15% slower).
/// - `ending`: weight of the ending-pair association (`Bigrams::ending_pmi`) in the Viterbi.
/// - `glue`: cost per place a reading glues letters to digits, quotes or brackets (`7жұмыс`).
struct ReadWeights {
    known_lm: f32,
    lm_centre: f32,
    ending: f32,
    glue: f32,
}

static READ: once_cell::sync::Lazy<ReadWeights> =
    once_cell::sync::Lazy::new(|| match super::tuning_hook("ZAN_OCR_READ_WEIGHTS", 4) {
        Some(v) => ReadWeights {
            known_lm: v[0],
            lm_centre: v[1],
            ending: v[2],
            glue: v[3],
        },
        None => ReadWeights {
            known_lm: 0.5,
            lm_centre: -1.0,
            ending: 0.3,
            glue: -8.0,
        },
    });

/// Complete readings rescored with the language model and word frequencies.
const RESCORE: usize = 10;

/// Flags of a hypothesis: each kind of OCR error is allowed once a token.
const DROPPED: u8 = 1;
const SKIPPED: u8 = 2;
const SUBST: u8 = 4;

/// A partial reading: where it stands in the two word automata and how it got there.
#[derive(Clone, Copy)]
struct Hyp {
    dict: usize,
    lex: u32,
    score: f32,
    /// Look-ahead of the word term: the best frequency bonus of a known word this prefix can
    /// still become (ranks the beam; the readings are scored afresh at the end).
    prior: f32,
    /// The part of `prior` earned by the words before the current one (`детей-` in
    /// `детей-сирот`): without it every first word met the same automata state at the next
    /// word and the beam kept the one the channel liked best (`нефтей-сирот`).
    done: f32,
    /// Arena index of the last emitted character (0: none yet).
    back: u32,
    /// 0 before the word, 1 inside, 2 after it.
    phase: u8,
    flags: u8,
    /// The last emitted character (`\0`: none).
    last: char,
}

/// Backtracking arena entry: one emitted character.
struct Emit {
    parent: u32,
    c: char,
}

struct Beam<'a> {
    m: &'a OcrModel,
    w: Weights,
    g: Vec<char>,
    cands: Vec<[Option<&'a [Cand]>; MAX_GLYPHS]>,
    arena: Vec<Emit>,
    states: Vec<Vec<Hyp>>,
    /// Best score pushed to each position so far: a hypothesis the margin would prune there
    /// is not even built (its automata steps are the search's main cost).
    top: Vec<f32>,
    margin: f32,
    kids: Vec<(u8, usize)>,
}

thread_local! {
    /// Hypotheses per position and the backtracking arena, kept between searches.
    static SCRATCH: std::cell::RefCell<(Vec<Vec<Hyp>>, Vec<Emit>)> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

impl Beam<'_> {
    /// The word term a prefix at lexicon node `lex` and dictionary node `dict` can still earn
    /// (see `Hyp::prior`; a dictionary-only prefix, its best form's general frequency).
    fn prior(&self, dict: usize, lex: u32) -> f32 {
        match self.m.lex.best_below_ln(lex) {
            None => self.w.dict_bonus + self.m.dict_freq_below(dict),
            Some(ln) => self.w.corpus_word(ln),
        }
    }

    /// The word term of the word `h` has finished (its own count, not the look-ahead's best; a
    /// dictionary form's general frequency, as the rescoring weighs it: thin dev ru WER 9.91 ->
    /// 9.86. Not its `dict_rare` cost, which changed Kazakh readings).
    fn finished(&self, h: &Hyp) -> f32 {
        match self.m.lex.count(h.lex) {
            0 => self.w.dict_bonus + self.m.dict_freq_term(h.dict),
            n => self.w.corpus_word((n as f32).ln()),
        }
    }

    fn word_final(&self, h: &Hyp) -> bool {
        (h.lex != NO_NODE && self.m.lex.count(h.lex) > 0) || self.m.dict_final(h.dict)
    }

    /// The automata a letter after `h` continues from (None: no letter may follow).
    fn letter_base(&self, h: &Hyp) -> Option<(usize, u32)> {
        match h.phase {
            1 => Some((h.dict, h.lex)),
            // `6беру`: a digit glued to a word is a garbled letter, not a number.
            0 if h.last.is_ascii_digit() => None,
            0 => Some((self.m.dict_root(), 0)),
            _ if matches!(h.last, '-' | '.' | '/') => Some((self.m.dict_root(), 0)),
            _ => None,
        }
    }

    /// The letter symbols a letter after `h` may be (one bit each): those that continue a word
    /// of the dictionary or the lexicon from where `h` stands.
    fn letter_mask(&self, h: &Hyp) -> u64 {
        let Some((dict, lex)) = self.letter_base(h) else {
            return 0;
        };
        let d = self.m.trie.as_ref().map_or(0, |t| t.child_mask(dict));
        d | self.m.lex.child_mask(lex)
    }

    /// Queue `x` at position `to`, unless the margin would prune it there (`top` only rises).
    fn push(&mut self, to: usize, x: Hyp) {
        let v = x.score + x.prior;
        if v > self.top[to] {
            self.top[to] = v;
        } else if v < self.top[to] - self.margin {
            return;
        }
        self.states[to].push(x);
    }

    /// `h` followed by `c`, if the result still reads as known words.
    fn emit(&mut self, h: &Hyp, c: char, s: u8, cost: f32) -> Option<Hyp> {
        self.emit_at(h, c, s, cost, None)
    }

    /// `emit`, with the dictionary node the letter leads to when the caller knows it.
    fn emit_at(
        &mut self,
        h: &Hyp,
        c: char,
        s: u8,
        cost: f32,
        dict_node: Option<usize>,
    ) -> Option<Hyp> {
        let mut x = *h;
        x.score += cost;
        if is_letter_sym(s) {
            let (dict, lex) = self.letter_base(h)?;
            x.dict = dict_node.unwrap_or_else(|| self.m.dict_step(dict, s));
            x.lex = self.m.lex.child(lex, s);
            if x.dict == NO_DICT && x.lex == NO_NODE {
                return None;
            }
            if h.phase == 2 {
                x.done = h.done + self.finished(h);
            }
            x.phase = 1;
            x.prior = x.done + self.prior(x.dict, x.lex);
        } else {
            if s == BOUND || (h.phase == 1 && !self.word_final(h)) {
                return None;
            }
            if h.phase == 1 {
                x.phase = 2;
            }
        }
        self.arena.push(Emit { parent: h.back, c });
        x.back = self.arena.len() as u32 - 1;
        x.last = c;
        Some(x)
    }

    /// Every reading of the garble at position `i` after `h` (`rank`: its place in the beam).
    fn expand(&mut self, i: usize, h: &Hyp, rank: usize) {
        let m = self.g.len();
        let ch = self.w.channel;
        let mut went_on = false;
        // The letters `emit` could continue with, asked once `h` tries a letter: each letter not
        // among them would fail `emit` (a trie step per candidate letter was the search's cost).
        let mut letters: Option<u64> = None;
        for k in 0..MAX_GLYPHS.min(m - i) {
            let Some(list) = self.cands[i][k] else {
                continue;
            };
            for cand in list.iter().take(WORD_CANDS.0) {
                if cand.logp < WORD_CANDS.1 {
                    break;
                }
                if h.score + h.prior + ch * cand.logp < self.top[i + k + 1] - self.margin {
                    // Out of the margin at its position; the list is sorted, so are the rest.
                    went_on = true;
                    break;
                }
                if is_letter_sym(cand.sym) {
                    let l = *letters.get_or_insert_with(|| self.letter_mask(h));
                    if l & 1 << (cand.sym & 63) == 0 {
                        continue;
                    }
                }
                if let Some(x) = self.emit(h, cand.c, cand.sym, ch * cand.logp) {
                    self.push(i + k + 1, x);
                    went_on = true;
                }
            }
        }
        let c = self.g[i];
        // Cyrillic letters read as themselves; digits and signs the channel never saw, too.
        if (is_letter_sym(sym(c)) && !c.is_ascii())
            || (self.cands[i][0].is_none() && !c.is_alphabetic())
        {
            if let Some(x) = self.emit(h, c, sym(c), -0.1) {
                self.push(i + 1, x);
                went_on = true;
            }
        }
        // Where no reading goes on, one or two garbled characters the channel never saw for a
        // letter are read as any letter that continues a known word (once a token, at a cost).
        if !went_on && rank < 4 && h.flags & SUBST == 0 && h.phase < 2 && self.w.subst > -90.0 {
            if let Some((dict, lex)) = self.letter_base(h) {
                let mut kids = std::mem::take(&mut self.kids);
                self.m.dict_children(dict, &mut kids);
                let in_dict = kids.iter().fold(0u64, |a, k| a | 1 << (k.0 & 63));
                for &(s, _) in self.m.lex.children(lex) {
                    if in_dict & 1 << (s & 63) == 0 {
                        kids.push((s, NO_DICT));
                    }
                }
                for &(s, node) in &kids {
                    let c = super::lm::sym_char(s);
                    if let Some(mut x) = self.emit_at(h, c, s, self.w.subst, Some(node)) {
                        x.flags |= SUBST;
                        self.push(i + 1, x);
                        if i + 2 <= m {
                            self.push(i + 2, x);
                        }
                    }
                }
                self.kids = kids;
            }
        }
        // A garbled character that stands for nothing (once a token).
        if h.flags & SKIPPED == 0 && rank < 4 {
            let mut x = *h;
            x.flags |= SKIPPED;
            x.score += self.w.skip;
            self.push(i + 1, x);
        }
    }

    /// `h` with one letter the OCR dropped inserted (its likeliest variants).
    fn drops(&mut self, h: &Hyp, i: usize, out: &mut Vec<Hyp>) {
        if h.flags & DROPPED != 0 {
            return;
        }
        let (dict, lex) = match h.phase {
            1 => (h.dict, h.lex),
            0 if i < self.g.len() && !h.last.is_ascii_digit() => (self.m.dict_root(), 0),
            _ => return,
        };
        let model = self.m;
        for d in model.channel.dropped.iter().take(4) {
            let mut x = *h;
            x.flags |= DROPPED;
            x.phase = 1;
            x.score += self.w.channel * d.logp;
            x.dict = model.dict_step(dict, d.sym);
            x.lex = model.lex.child(lex, d.sym);
            if x.dict == NO_DICT && x.lex == NO_NODE {
                continue;
            }
            x.prior = x.done + self.prior(x.dict, x.lex);
            self.arena.push(Emit {
                parent: h.back,
                c: d.c,
            });
            x.back = self.arena.len() as u32 - 1;
            x.last = d.c;
            out.push(x);
        }
    }

    fn text(&self, mut node: u32) -> String {
        let mut out: Vec<char> = Vec::new();
        while node != 0 {
            let e = &self.arena[node as usize];
            out.push(e.c);
            node = e.parent;
        }
        out.iter().rev().collect()
    }

    /// Run the beam over the garble: the complete readings with their channel scores.
    fn run(&mut self) -> FxHashMap<String, f32> {
        let (beam, margin) = *LIMITS;
        self.margin = margin;
        let m = self.g.len();
        let mut found: FxHashMap<String, f32> = FxHashMap::default();
        let mut extra: Vec<Hyp> = Vec::new();
        for i in 0..=m {
            let mut cur = std::mem::take(&mut self.states[i]);
            prune(&mut cur, beam, margin);
            extra.clear();
            for h in cur.iter().take(4) {
                self.drops(h, i, &mut extra);
            }
            if i == m {
                cur.extend(extra.iter().copied());
                for h in &cur {
                    if h.phase != 1 || self.word_final(h) {
                        let e = found.entry(self.text(h.back)).or_insert(f32::NEG_INFINITY);
                        *e = e.max(h.score);
                    }
                }
                self.states[i] = cur;
                break;
            }
            for (rank, h) in cur.iter().enumerate() {
                self.expand(i, h, rank);
            }
            for h in &extra {
                self.expand(i, h, 0);
            }
            // Back in its place, so the buffers are reused by the next token.
            self.states[i] = cur;
        }
        found
    }
}

/// Keep the `beam` best hypotheses within `margin` of the best, one per automata state.
/// (The first `beam` distinct ones: a scan of those kept beats hashing every hypothesis.)
fn prune(v: &mut Vec<Hyp>, beam: usize, margin: f32) {
    v.sort_by(|a, b| (b.score + b.prior).total_cmp(&(a.score + a.prior)));
    let class =
        |c: char| u8::from(c.is_ascii_digit()) | u8::from(matches!(c, '-' | '.' | '/')) << 1;
    super::keep_distinct(v, beam, |h: &Hyp| {
        (
            h.dict,
            h.lex,
            h.phase | h.flags << 2 | u8::from(h.done != 0.0) << 5,
            class(h.last),
        )
    });
    if let Some(best) = v.first().map(|h| h.score + h.prior) {
        v.retain(|h| h.score + h.prior >= best - margin);
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
        // Buffers of the last search on this thread (their capacity saves reallocating).
        let (mut states, mut arena) = SCRATCH.with(|s| std::mem::take(&mut *s.borrow_mut()));
        states.iter_mut().for_each(Vec::clear);
        if states.len() < m + 1 {
            states.resize_with(m + 1, Vec::new);
        }
        arena.clear();
        arena.push(Emit { parent: 0, c: '\0' });
        states[0].push(Hyp {
            dict: NO_DICT,
            lex: NO_NODE,
            score: 0.0,
            prior: 0.0,
            done: 0.0,
            back: 0,
            phase: 0,
            flags: 0,
            last: '\0',
        });
        let mut b = Beam {
            m: self,
            w: self.weights,
            g,
            cands,
            arena,
            states,
            top: vec![f32::NEG_INFINITY; m + 1],
            margin: 9.0,
            kids: Vec::new(),
        };
        // Only the likeliest few by the channel are worth the language model's rescoring.
        let mut found: Vec<(String, f32)> = b.run().into_iter().collect();
        SCRATCH.with(|s| *s.borrow_mut() = (b.states, b.arena));
        found.sort_by(|a, b| b.1.total_cmp(&a.1));
        found.truncate(RESCORE);
        let mut out: Vec<Reading> = found
            .into_iter()
            .map(|(text, ch)| self.reading(text, ch))
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        out.truncate(6);
        out
    }

    /// Score a reading: channel + weighted character LM + word terms (frequency in the clean
    /// text, or the dictionary bonus).
    /// The character-LM term of a reading of known words only, `chars` long with LM log
    /// probability `lm` (end of text included): see `ReadWeights`.
    pub fn known_lm_term(&self, lm: f32, chars: usize) -> f32 {
        let n = chars as f32 + 1.0;
        READ.known_lm * lm + (self.weights.lm - READ.known_lm) * READ.lm_centre * n
    }

    /// Whether a known-word reading's LM term and glue cost can only fall as its text grows
    /// (true for the default weights). The fuzzy search bounds a subtree's readings by its
    /// prefix on that ground; with other tuning weights it searches ungated.
    pub fn reading_terms_fall(&self) -> bool {
        READ.known_lm >= 0.0
            && (self.weights.lm - READ.known_lm) * READ.lm_centre <= 0.0
            && glue_only_lowers()
    }

    pub fn reading(&self, text: String, channel: f32) -> Reading {
        let words = letter_words(&text);
        let (word, lm) = self.reading_terms(&text, &words);
        Reading {
            first: words.first().cloned().unwrap_or_default(),
            last: words.last().cloned().unwrap_or_default(),
            score: channel + lm + word + glue_cost(&text),
            text,
        }
    }

    /// A reading's word term (frequency in the clean text, the dictionary bonus or the unknown
    /// word cost, summed over its letter words `words`) and its character-LM term.
    pub fn reading_terms(&self, text: &str, words: &[String]) -> (f32, f32) {
        let w = &self.weights;
        let mut word = 0.0;
        let mut known = true;
        for wd in words {
            let n = self.lex.word_count(wd);
            word += if n > 0 {
                w.corpus_word((n as f32).ln())
            } else if let Some(term) = self.dict_word_term(wd) {
                term
            } else {
                known = false;
                w.oov
            };
        }
        // Known words lean less on the character LM (see `ReadWeights`), and on its
        // overconfidence in the endings it saw (`LmTable::step_known`).
        let lm = if known {
            let lm = self.lm.text_logp_known(text);
            self.known_lm_term(lm, text.chars().count())
        } else {
            w.lm * self.lm.text_logp(text)
        };
        (word, lm)
    }
}

/// Whether the glue cost can only lower a reading's score (the cut character beam's bound
/// leaves it out).
pub(crate) fn glue_only_lowers() -> bool {
    READ.glue <= 0.0
}

/// The cost of a reading's glue (see `glue`): part of its score, so a glued reading also counts
/// as weak and the other searches are asked.
pub fn glue_cost(text: &str) -> f32 {
    READ.glue * glue(text) as f32
}

/// Places where a reading glues letters to what clean text never glues them to: a digit, a
/// closing quote or bracket before a letter, an opening one after it, a sign inside a word.
fn glue(text: &str) -> usize {
    let v: Vec<char> = text.chars().collect();
    let letter = |c: char| is_letter_sym(sym(c));
    let mut n = 0;
    for i in 1..v.len() {
        let (a, b) = (v[i - 1], v[i]);
        let bad = (letter(a) && (b.is_ascii_digit() || matches!(b, '«' | '(' | '“' | '„')))
            || (letter(b) && (a.is_ascii_digit() || matches!(a, '»' | ')' | '”')))
            || (i + 1 < v.len()
                && letter(a)
                && letter(v[i + 1])
                && matches!(b, '"' | '»' | '«' | '/' | '‘'));
        n += usize::from(bad);
    }
    n
}

/// Choose one reading per token of a run of garbled tokens: Viterbi over the readings with a
/// bonus for word pairs seen in the clean text or read already in this one (`memory`). Returns
/// the index of the chosen reading per token.
pub fn viterbi(model: &OcrModel, lattice: &[Vec<Reading>], memory: &DocWords) -> Vec<usize> {
    let wb = model.weights.bigram;
    let mut best: Vec<Vec<(f32, usize)>> = Vec::with_capacity(lattice.len());
    for (t, col) in lattice.iter().enumerate() {
        let mut row = Vec::with_capacity(col.len());
        for r in col {
            let own = r.score;
            if t == 0 || lattice[t - 1].is_empty() {
                row.push((own, 0));
                continue;
            }
            let mut arg = (f32::NEG_INFINITY, 0);
            for (j, p) in lattice[t - 1].iter().enumerate() {
                let (pl, rf) = (ends(p).1, ends(r).0);
                let c0 = model.bigrams.count(pl, rf);
                let c = c0 + memory.pair_count(pl, rf);
                let v = best[t - 1][j].0
                    + wb * (1.0 + c as f32).ln()
                    + model.bigrams.ending_term(pl, rf)
                    + model.bigrams.pair_pmi(pl, rf, c0);
                if v > arg.0 {
                    arg = (v, j);
                }
            }
            row.push((arg.0 + own, arg.1));
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
        let b = Bigrams::train(
            "Мемлекеттік қызмет көрсету\nқызмет, көрсету.\n",
            LongEndings::NONE,
            None,
            PairPmi::NONE,
        );
        assert_eq!(b.count("мемлекеттік", "қызмет"), 1);
        assert_eq!(b.count("қызмет", "көрсету"), 2);
        assert_eq!(b.count("көрсету", "қызмет"), 0);
    }

    #[test]
    fn numbers_and_number_signs_are_bigram_words() {
        let b = Bigrams::train(
            "приказ от 18.08.2022 № 374\nсогласно приказу № 12\n",
            LongEndings::NONE,
            None,
            PairPmi::NONE,
        );
        assert_eq!(b.count("0", "№"), 1);
        assert_eq!(b.count("№", "0"), 2);
        assert_eq!(b.count("от", "0"), 1);
    }

    #[test]
    fn ending_pairs_that_go_together_score_above_those_that_do_not() {
        let b = Bigrams::train(
            "жаңа үй\nжаңа үй\nескі кітап\n",
            LongEndings::NONE,
            None,
            PairPmi::NONE,
        );
        assert!(b.ending_pmi("жаңа", "үй") > 0.0);
        assert!(b.ending_pmi("жаңа", "кітап") < 0.0);
        assert_eq!(b.ending_pmi("", "үй"), 0.0);
    }

    #[test]
    fn two_letter_endings_tell_agreement_the_last_letter_misses() {
        let text = "с независимым экспертом\nнезависимым экспертом\nпо опеке и попечительству\n";
        let (one, two) = (
            Bigrams::train(text, LongEndings::NONE, None, PairPmi::NONE),
            Bigrams::train(
                text,
                LongEndings {
                    weight: 1.0,
                    ..LongEndings::NONE
                },
                None,
                PairPmi::NONE,
            ),
        );
        let (a, b) = ("независимым", "экспертам");
        assert_eq!(one.ending_pmi(a, "экспертом"), one.ending_pmi(a, b));
        assert!(two.ending_pmi(a, "экспертом") > two.ending_pmi(a, b));
        let (lo, hi) = two.pmi_range;
        assert!(lo <= two.ending_pmi(a, b) && two.ending_pmi(a, "экспертом") <= hi);
    }

    #[test]
    fn a_frequent_noun_says_which_ending_its_adjective_takes() {
        // `-ой ме` is the commoner pair of two-letter endings (`письменной форме`), but
        // `режиме` itself comes after `-ом`.
        let mut text = String::new();
        for _ in 0..6 {
            text.push_str("в письменной форме\nв электронной форме\nв установленном режиме\n");
        }
        let level = |word: f32| {
            Bigrams::train(
                &text,
                LongEndings {
                    weight: 1.0,
                    word,
                    word_min: 5,
                    ..LongEndings::NONE
                },
                None,
                PairPmi::NONE,
            )
        };
        let (two, word) = (level(0.0), level(1.0));
        let gain = |b: &Bigrams| {
            b.ending_pmi("интерактивном", "режиме") - b.ending_pmi("интерактивной", "режиме")
        };
        assert!(gain(&two) < 0.0, "{}", gain(&two));
        assert!(gain(&word) > 0.0, "{}", gain(&word));
        // Words the text seldom writes leave it to the endings.
        assert_eq!(
            two.ending_pmi("отдельной", "ставке"),
            word.ending_pmi("отдельной", "ставке")
        );
        let (lo, hi) = word.pmi_range;
        let v = word.ending_pmi("интерактивном", "режиме");
        assert!(lo <= v && v <= hi);
    }

    #[test]
    fn a_rare_words_pair_counts_for_what_it_is() {
        // `по` is in many more pairs than `до`, and in more of them before a number; but `до`
        // mostly comes before one.
        let mut text = String::new();
        for _ in 0..4 {
            text.push_str("до 25 апреля\nпо 5 пункту\n");
        }
        for _ in 0..30 {
            text.push_str("по вопросам\nпо согласованию\n");
        }
        let pmi = PairPmi {
            weight: 1.0,
            ..PairPmi::NONE
        };
        let b = Bigrams::train(&text, LongEndings::NONE, None, pmi);
        let (c_do, c_po) = (b.count("до", "0"), b.count("по", "0"));
        assert!(c_do == c_po, "{c_do} {c_po}");
        assert!(b.pair_pmi("до", "0", c_do) > b.pair_pmi("по", "0", c_po));
        // Within its clamp, and nothing for a word the text does not know.
        assert!(b.pair_pmi("до", "0", c_do) <= pmi.clamp);
        assert_eq!(b.pair_pmi("за", "0", 0), 0.0);
        let off = Bigrams::train(&text, LongEndings::NONE, None, PairPmi::NONE);
        assert_eq!(off.pair_pmi("до", "0", c_do), 0.0);
    }

    #[test]
    fn word_pairs_over_a_number_are_counted() {
        let b = Bigrams::train(
            "от 50 до 79\nот 80 до 100\nс 1 по 5 января\n",
            LongEndings::NONE,
            None,
            PairPmi::NONE,
        );
        assert_eq!(b.count_over_number("от", "до"), 2);
        assert_eq!(b.count_over_number("с", "по"), 1);
        assert_eq!(b.count_over_number("от", "по"), 0);
        // Not over a word.
        assert_eq!(b.count_over_number("до", "от"), 0);
    }

    #[test]
    fn kazakh_genitive_goes_with_a_possessive_on_the_next_word() {
        // `-ның` before a possessive (`-ының`, `-ы`) as in `баланың тұрғылықты жерінің`,
        // `-ны` before a verb; the last letter of each (`ң`, `ы`) is the same for both readings.
        let text = "баланың жерінің\nбаланың жерінің\nбаланы жерледі\nбаланы қабылдады\n";
        let b = Bigrams::train(
            text,
            LongEndings {
                weight: 0.5,
                len: (3, 4),
                prior: 10.0,
                ..LongEndings::NONE
            },
            None,
            PairPmi::NONE,
        );
        let g = b.ending_pmi("баланың", "анасының") - b.ending_pmi("баланы", "анасының");
        let one = Bigrams::train(text, LongEndings::NONE, None, PairPmi::NONE);
        let g1 = one.ending_pmi("баланың", "анасының") - one.ending_pmi("баланы", "анасының");
        assert!(g > g1, "{g} {g1}");
        let (lo, hi) = b.pmi_range;
        assert!(
            lo <= b.ending_pmi("баланы", "анасының") && b.ending_pmi("баланың", "анасының") <= hi
        );
    }

    #[test]
    fn glue_counts_letters_stuck_to_digits_and_quotes() {
        assert_eq!(glue("7жұмыс"), 1);
        assert_eq!(glue("органдары\"а"), 1);
        assert_eq!(glue("»жаңа"), 1);
        assert_eq!(glue("«жаңа»,"), 0);
        assert_eq!(glue("(балаларды)"), 0);
        assert_eq!(glue("2-бап"), 0);
    }

    #[test]
    fn rare_readings_of_common_glyphs_are_tried() {
        use crate::model::Lang;
        // `w` for и, `[p` and `[l` for П, `f` for п: rare readings (below the six likeliest of
        // their glyphs or log P -7, which the search once left out: `ж`, `[Правилам`, `до`).
        let (out, _) = super::super::repair_line("3) w 4) HacToauero npuka3a.", Lang::Ru);
        assert_eq!(out, "3) и 4) настоящего приказа.");
        // `[p` for П (a square bracket is no bracket to the LM or the fuzzy search: the
        // training text has none).
        let (out, _) = super::super::repair_line("[pegocrapsienne", Lang::Ru);
        assert_eq!(out, "Предоставление");
        let (out, _) = super::super::repair_line("cornacHo [lpasvnam npuema", Lang::Ru);
        assert_eq!(out, "согласно Правилам приема");
    }

    #[test]
    fn hyphenated_words_keep_the_likelier_first_part() {
        use crate::model::Lang;
        // Dev lines (acts 105095, 146415): the first part's word term counts in the beam past
        // the hyphen (`тексеріл-` and `акпараттық-` read better by the channel alone).
        let (out, _) = super::super::repair_line("*KaralapbiH TekKcepil-Kapay aKTIciH", Lang::Kk);
        assert!(out.contains("тексеріп-қарау"), "{out}");
        let (out, _) = super::super::repair_line("akMapaTTbIK-KYKBbIKTBIK %*kdHe", Lang::Kk);
        assert!(out.starts_with("ақпараттық-құқықтық"), "{out}");
    }

    #[test]
    fn numbers_beside_a_garbled_token_tell_the_number_sign() {
        use crate::model::Lang;
        // `No` is `№` or `по`; the date and number around it decide.
        // (The first word's case is the case model's business: a capital at a line start.)
        let (out, _) = super::super::repair_line("Mpuka3 or 18.08.2022 No 374", Lang::Ru);
        assert_eq!(out.to_lowercase(), "приказ от 18.08.2022 № 374");
        let (out, _) = super::super::repair_line("CorsacHo mpuka3y No 374", Lang::Ru);
        assert_eq!(out, "согласно приказу № 374");
    }
}
