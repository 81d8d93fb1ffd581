//! Readings of badly damaged tokens: the corpus words a garbled token is closest to under the
//! channel, by a weighted edit distance (`үшін` from `YH`, `жұмыс` from `xyuic`).
//!
//! The word search (`words.rs`) lets a token have at most one dropped letter, one skipped glyph
//! and one unseen substitution, so a word the OCR mangled in two or three places has no known
//! reading there and the character beam spells out the damage. Here every edit is allowed, each at
//! its channel cost (a letter dropped: its learned drop probability; a glyph string read as a
//! letter: P(string | letter); a stray glyph or an unseen substitution: a fixed cost), and the
//! distance is computed against every word of the clean-text lexicon at once by walking its trie
//! with one dynamic-programming column per letter. Column scores only fall as a prefix grows, so a
//! subtree whose column best is already below the running cut-off is never entered.

use super::channel::MAX_GLYPHS;
use super::lm::{is_letter_sym, sym, sym_char, BOUND};
use super::words::Reading;
use super::OcrModel;
use once_cell::sync::Lazy;

/// Costs (log scale) of the edits the channel has no probability for.
#[derive(Clone, Copy, Debug)]
pub struct FuzzyCosts {
    /// A garbled character that stands for nothing.
    pub skip: f32,
    /// A letter the OCR dropped whose drop the channel never saw.
    pub drop: f32,
    /// One garbled character read as a letter the channel never paired with it.
    pub subst: f32,
    /// Readings kept below the best one (score margin).
    pub margin: f32,
    /// Lowest channel score per garbled character a reading may have.
    pub floor: f32,
}

impl Default for FuzzyCosts {
    fn default() -> Self {
        FuzzyCosts {
            // The word search's costs (`Weights::skip`, `Weights::subst`), so a word scores the
            // same whichever search finds it; chosen on development act 105095 (kk + ru).
            skip: -12.0,
            drop: -12.0,
            subst: -15.0,
            // 8: with the lexicon of the 99 training acts (`--acts`) many more words lie near a
            // garble by the channel alone, and at 6 the right one fell out before its word and
            // LM terms were added (`KOH`, a damaged `және`, lost to `қон`): dev kk WER 7.00 ->
            // 6.82, dev2 5.79 -> 5.67, two unseen acts 10.30 -> 10.23, 17.49 -> 17.42; dev2 ru
            // 3.53 -> 3.47, an unseen act 8.59 -> 8.53, the rest the same (10 alike). At the
            // corpus's own lexicon 6 had given the same as 8 with fewer words scored.
            margin: 8.0,
            floor: -4.5,
        }
    }
}

impl FuzzyCosts {
    /// The defaults, or `ZAN_OCR_FUZZY="skip,drop,subst,margin,floor"` (a tuning hook for
    /// development documents; unset in normal use).
    pub fn from_env() -> FuzzyCosts {
        match super::tuning_hook("ZAN_OCR_FUZZY", 5) {
            Some(f) => FuzzyCosts {
                skip: f[0],
                drop: f[1],
                subst: f[2],
                margin: f[3],
                floor: f[4],
            },
            None => FuzzyCosts::default(),
        }
    }
}

/// Characters around a word that read as themselves (quotes, round brackets, sentence marks;
/// not `!`, which the OCR writes for the end of ы, `b!`, far more often than legal text has it,
/// nor square brackets, which the training text never has and the OCR writes for the strokes of
/// П and Д: `[lepesenb` is `Перечень`, `[JIA` `для`).
fn is_lead(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„' | '«' | '\'' | '(')
}

fn is_trail(c: char) -> bool {
    matches!(
        c,
        '"' | '“' | '”' | '„' | '»' | '\'' | ')' | '.' | ',' | ';' | ':'
    )
}

/// Words found by the fuzzy search (letter symbols) with their channel scores.
type Found = Vec<(Vec<u8>, f32)>;

/// What the fuzzy search may leave out: words whose reading (channel + LM + word terms) scores
/// below `beat`, or more than `gain` below the best reading found.
struct Gate<'a> {
    beat: f32,
    gain: f32,
    /// The LM state and score after the characters before the word, and the characters after.
    lm: u32,
    lm_score: f32,
    lead: &'a str,
    lead_chars: usize,
    trail: &'a str,
}

/// The larger of two scores, for the DP's inner loop: one `maxss`, where `f32::max` also
/// handles NaN (scores are finite or -inf, never NaN), a quarter of the search's time.
#[inline(always)]
fn fmax(a: f32, b: f32) -> f32 {
    if b > a {
        b
    } else {
        a
    }
}

/// The other forms of the fuzzy search's words (`paradigm_readings`): of its best `words`
/// words, each less its last `cut` letters followed by up to `extra` letters
/// (`ZAN_OCR_PARADIGM="words,cut,extra"`, a tuning hook; 0 words: none). 3,3,5 against none:
/// dev kk WER 10.08 -> 9.94, dev2 kk 8.56 -> 8.38, dev ru 6.93 -> 6.82, dev2 ru 4.78 -> 4.37
/// (cut 2 found fewer: kk 10.05, 8.50; extra 4 and 6 as good or less, 3,4,6 mixed).
static PARADIGM: Lazy<(usize, usize, usize)> = Lazy::new(|| {
    super::tuning_hook("ZAN_OCR_PARADIGM", 3)
        .map_or((3, 3, 5), |v| (v[0] as usize, v[1] as usize, v[2] as usize))
});

/// A garbled word's emissions `emit` and their table by letter `et` (see `edit_tables`).
type EditTables = (Vec<f32>, ByLetter);

/// A garbled word's emissions by letter, as the DP columns read them: `at(s, k)[j]` is the
/// log P of letter `s` dropped (k = 0) or read from the k glyphs before j (`g[j-k..j]`), -inf
/// where there are none. Rows are `stride` cells, the word's m + 1 rounded up to four and -inf
/// past m, so a column's cells are computed four at a time (see `emissions`).
struct ByLetter {
    stride: usize,
    e: Vec<f32>,
}

impl ByLetter {
    #[inline(always)]
    fn at(&self, s: u8, k: usize) -> &[f32] {
        let r = (s as usize * (MAX_GLYPHS + 1) + k) * self.stride;
        &self.e[r..r + self.stride]
    }
}

/// Cells of -inf in front of each DP column, so cell j reads its parent's cells j - k
/// (k <= MAX_GLYPHS) without a test.
const P: usize = MAX_GLYPHS;

/// Four cells, from `at`.
#[inline(always)]
fn quad(v: &[f32], at: usize) -> [f32; 4] {
    let mut q = [f32::NEG_INFINITY; 4];
    q.copy_from_slice(&v[at..at + 4]);
    q
}

/// The emission part of the DP column of letter `s` after column `par` (padded, see `P`), four
/// cells at a time over `c0..c1` (multiples of four): `base[j]`, the best of `par` at j with `s`
/// dropped and at j - k with `s` read from the k glyphs before j. Returns the best `base[j] +
/// rest[j]`. A column's first live cell is such a cell (a skip needs a live cell before it), so
/// that best is below the search's cut exactly when the whole column is: most columns the
/// search visits die there, before the serial chain of skips is computed. Split from that
/// chain, the cells are independent and the compiler keeps four in one register.
#[inline(always)]
fn emissions(
    par: &[f32],
    et: &ByLetter,
    s: u8,
    rest: &[f32],
    base: &mut [f32],
    (c0, c1): (usize, usize),
) -> f32 {
    let e: [&[f32]; MAX_GLYPHS + 1] = std::array::from_fn(|k| et.at(s, k));
    let mut acc = [f32::NEG_INFINITY; 4];
    for c in (c0..c1).step_by(4) {
        let (p0, e0) = (quad(par, P + c), quad(e[0], c));
        let mut b: [f32; 4] = std::array::from_fn(|i| p0[i] + e0[i]);
        for (k, ek) in e.iter().enumerate().skip(1) {
            let (pk, ek) = (quad(par, P + c - k), quad(ek, c));
            b = std::array::from_fn(|i| fmax(b[i], pk[i] + ek[i]));
        }
        let r = quad(rest, c);
        acc = std::array::from_fn(|i| fmax(acc[i], b[i] + r[i]));
        base[c..c + 4].copy_from_slice(&b);
    }
    fmax(fmax(acc[0], acc[1]), fmax(acc[2], acc[3]))
}

/// The DP column at `depth` and the one after it, in `cols` (columns of `wd` cells by depth,
/// grown with -inf as the search goes deeper).
fn column_pair(cols: &mut Vec<f32>, depth: usize, wd: usize) -> (&[f32], &mut [f32]) {
    if cols.len() < (depth + 2) * wd {
        cols.resize((depth + 2) * wd, f32::NEG_INFINITY);
    }
    let (par, cur) = cols.split_at_mut((depth + 1) * wd);
    (&par[depth * wd..], &mut cur[..wd])
}

/// How far a column's best (`fuzzy_dfs`) may lie above the best of its emissions (`emissions`):
/// the chain of skips after a cell only falls, but its sums round apart (by a few ulps, in
/// about one column in ten thousand).
const CHAIN_SLACK: f32 = 0.01;

/// How far below the best reading of the whole garble by any letters the suffix search
/// (`suffix_bound`) cuts: higher costs more suffix nodes than it spares word-search nodes, lower
/// leaves the bound loose (4 spent the fewest instructions on the dev garble; 3 and 5 more).
const SUFFIX_REACH: f32 = 4.0;

/// Number of letter symbols (index 0 unused).
const LETTERS: usize = 43;

impl OcrModel {
    /// Lexicon words within reach of the garbled `token` by the channel's edit costs, scored as
    /// readings (channel + LM + word terms), best first; empty when the token is no single
    /// damaged word (numbers, hyphenated or very long tokens).
    pub fn fuzzy_readings(&self, token: &str, costs: &FuzzyCosts) -> Vec<Reading> {
        self.fuzzy_readings_above(token, costs, f32::NEG_INFINITY)
    }

    /// The readings of `fuzzy_readings` that score `beat` or more and no more than the line
    /// Viterbi's pair gain (`Bigrams::max_gain`) below the best: a caller that needs no other
    /// reading lets the search leave out every word that could not score that.
    pub fn fuzzy_readings_above(&self, token: &str, costs: &FuzzyCosts, beat: f32) -> Vec<Reading> {
        let chars: Vec<char> = token.chars().collect();
        let a = chars.iter().take_while(|&&c| is_lead(c)).count();
        let b = chars.len()
            - chars[a..]
                .iter()
                .rev()
                .take_while(|&&c| is_trail(c))
                .count();
        if a >= b {
            return Vec::new();
        }
        let g = &chars[a..b];
        let lead: String = chars[..a].iter().collect();
        let trail: String = chars[b..].iter().collect();
        let mut out: Vec<Reading> = Vec::new();
        // A compound (`Tipkesin-GeKiTiyiH`): each part on its own, the best two of each combined.
        let hyphens: Vec<usize> = (0..g.len()).filter(|&i| g[i] == '-').collect();
        if let [h] = hyphens[..] {
            let part = |p: &[char]| {
                self.fuzzy_tables(p, costs).map_or_else(Vec::new, |t| {
                    self.fuzzy_words(p, &t, costs, f32::NEG_INFINITY, None)
                })
            };
            let (x, y) = (part(&g[..h]), part(&g[h + 1..]));
            for (wx, sx) in x.iter().take(2) {
                for (wy, sy) in y.iter().take(2) {
                    out.push(self.reading(format!("{lead}{wx}-{wy}{trail}"), sx + sy));
                }
            }
        } else {
            // A reading scores its channel score plus at most the word term of the likeliest
            // lexicon word (the language model term is a log probability times a weight).
            let w = &self.weights;
            let min = if self.reading_terms_fall() {
                let top_ln = self.lex.best_below_ln(0).unwrap_or(0.0);
                beat - w.corpus_word_bound(top_ln) - 1.0
            } else {
                f32::NEG_INFINITY
            };
            let gate = (beat > f32::NEG_INFINITY).then_some((beat, lead.as_str(), trail.as_str()));
            // One set of edit tables for the search and the other forms of its words.
            let tables = self.fuzzy_tables(g, costs);
            let found = tables
                .as_ref()
                .map_or_else(Vec::new, |t| self.fuzzy_words(g, t, costs, min, gate));
            let read = |w: &str, score: f32| self.reading(format!("{lead}{w}{trail}"), score);
            out.extend(found.iter().map(|(w, score)| read(w, *score)));
            let mut by_reading: Vec<usize> = (0..found.len()).collect();
            by_reading.sort_by(|&a, &b| out[b].score.total_cmp(&out[a].score));
            // The best words as readings, not by the channel, so a bar keeps the best ones it
            // lets through; a word below the bar whose other form beats it is missed, the one
            // place the gate is not exact (README, "Speed without changing the answer").
            let (k, cut, extra) = *PARADIGM;
            let sources: Vec<(String, f32)> = by_reading
                .iter()
                .take(k)
                .map(|&i| found[i].clone())
                .collect();
            if let Some((_, et)) = &tables {
                let forms = self.paradigm_readings(g, et, costs, &sources, &found, (cut, extra));
                out.extend(forms.iter().map(|(w, score)| read(w, *score)));
            }
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        out.truncate(4);
        out.retain(|r| r.score >= beat);
        out
    }

    /// The dictionary forms that share a stem with the words `sources` (best first; the stem: a
    /// word less its last `cut` letters, then up to `extra` letters) and are none of `found`,
    /// with their channel scores against the garbled word `g`, none more than the margin below
    /// the first source. The fuzzy search walks the corpus lexicon only, so a damaged word whose form
    /// the corpus lacks came out in a form it has (`эксперта` for `экспертам`, `специалиста`,
    /// `кандидата`; Kazakh `(балалардың)` for `(балаларды)`), the garble's own ending lost to the edits.
    fn paradigm_readings(
        &self,
        g: &[char],
        et: &ByLetter,
        costs: &FuzzyCosts,
        sources: &[(String, f32)],
        found: &[(String, f32)],
        (cut, extra): (usize, usize),
    ) -> Vec<(String, f32)> {
        let mut out: Vec<(String, f32)> = Vec::new();
        if sources.is_empty() || self.dict_root() == super::NO_DICT {
            return out;
        }
        let m = g.len();
        let bar = sources[0].1 - costs.margin;
        let mut kids = Vec::new();
        let mut stems: Vec<&[u8]> = Vec::new();
        let syms: Vec<Vec<u8>> = sources
            .iter()
            .map(|(w, _)| w.chars().map(sym).collect())
            .collect();
        for w in &syms {
            if w.len() < cut + 4 || stems.contains(&&w[..w.len() - cut]) {
                continue;
            }
            let stem = &w[..w.len() - cut];
            stems.push(stem);
            let node = stem
                .iter()
                .fold(self.dict_root(), |n, &s| self.dict_step(n, s));
            let mut col: Vec<f32> = (0..=m).map(|j| j as f32 * costs.skip).collect();
            for &s in stem {
                col = Self::edit_column(&col, et, costs, s);
            }
            // Depth-first below the stem, at most `extra` letters; a letter only lowers the
            // column, so a subtree whose column is below the bar throughout holds no reading.
            let mut word = stem.to_vec();
            let mut cols = vec![col];
            let mut stack: Vec<(usize, usize, u8)> = vec![(node, 0, 0)];
            while let Some((n, depth, s)) = stack.pop() {
                if n == super::NO_DICT {
                    continue;
                }
                if depth > 0 {
                    word.truncate(stem.len() + depth - 1);
                    cols.truncate(depth);
                    word.push(s);
                    cols.push(Self::edit_column(&cols[depth - 1], et, costs, s));
                    if cols[depth]
                        .iter()
                        .fold(f32::NEG_INFINITY, |a, &b| fmax(a, b))
                        < bar
                    {
                        continue;
                    }
                }
                let last = cols[depth][m];
                if self.dict_final(n) && last >= bar && word != *w {
                    let text: String = word.iter().map(|&s| sym_char(s)).collect();
                    if !found.iter().any(|f| f.0 == text) && !out.iter().any(|f| f.0 == text) {
                        out.push((text, last));
                    }
                }
                if depth < extra {
                    self.dict_children(n, &mut kids);
                    stack.extend(kids.iter().map(|&(t, c)| (c, depth + 1, t)));
                }
            }
        }
        out
    }

    /// The DP column of one more letter `s` after column `par` (cells 0..=m; see `fuzzy_dfs`).
    fn edit_column(par: &[f32], et: &ByLetter, costs: &FuzzyCosts, s: u8) -> Vec<f32> {
        let l = et.stride;
        let mut padded = vec![f32::NEG_INFINITY; P + l];
        padded[P..P + par.len()].copy_from_slice(par);
        let mut child = vec![f32::NEG_INFINITY; l];
        emissions(&padded, et, s, &vec![0.0; l], &mut child, (0, l));
        child.truncate(par.len());
        for j in 1..child.len() {
            child[j] = fmax(child[j], child[j - 1] + costs.skip);
        }
        child
    }

    /// The edit tables of garbled word `g`: `emit[(j * MAX_GLYPHS + k) * LETTERS + s]`, log
    /// P(g[j..j+k+1] | letter s), weighted, and the same by letter and by the glyph they end
    /// at, with the letter's drop first (see `fuzzy_words`).
    fn edit_tables(&self, g: &[char], costs: &FuzzyCosts) -> EditTables {
        let m = g.len();
        let ch = self.weights.channel;
        // emit[(j * MAX_GLYPHS + k) * LETTERS + s]: log P(g[j..j+k+1] | letter s), weighted.
        let mut emit = vec![f32::NEG_INFINITY; m * MAX_GLYPHS * LETTERS];
        let mut buf = String::new();
        for j in 0..m {
            buf.clear();
            for k in 0..MAX_GLYPHS.min(m - j) {
                buf.push(g[j + k]);
                let base = (j * MAX_GLYPHS + k) * LETTERS;
                if k == 0 {
                    // A Cyrillic letter reads as itself; any glyph as any letter at a cost.
                    let s = sym(g[j]) as usize;
                    for e in &mut emit[base..base + LETTERS] {
                        *e = costs.subst;
                    }
                    if is_letter_sym(s as u8) {
                        emit[base + s] = -0.1;
                    }
                }
                if let Some(list) = self.channel.table.get(buf.as_str()) {
                    for cand in list {
                        if is_letter_sym(cand.sym) {
                            let e = &mut emit[base + cand.sym as usize];
                            *e = e.max(ch * cand.logp);
                        }
                    }
                }
            }
        }
        let mut drop = [costs.drop; LETTERS];
        for d in &self.channel.dropped {
            if is_letter_sym(d.sym) {
                drop[d.sym as usize] = drop[d.sym as usize].max(ch * d.logp);
            }
        }
        // The same emissions by letter and by the glyph they end at, the letter's drop first
        // (see `ByLetter`).
        let stride = (m + 4) & !3;
        let mut et = ByLetter {
            stride,
            e: vec![f32::NEG_INFINITY; LETTERS * (MAX_GLYPHS + 1) * stride],
        };
        for si in 1..LETTERS {
            let row = |k: usize| (si * (MAX_GLYPHS + 1) + k) * stride;
            et.e[row(0)..row(0) + m + 1].fill(drop[si]);
            for k in 1..=MAX_GLYPHS {
                for j in k..=m {
                    et.e[row(k) + j] = emit[((j - k) * MAX_GLYPHS + k - 1) * LETTERS + si];
                }
            }
        }
        (emit, et)
    }

    /// The edit tables of garbled word `g` if the fuzzy search reads it at all (2 to 24
    /// characters, no hyphen, dash or slash, two Latin letters or more).
    fn fuzzy_tables(&self, g: &[char], costs: &FuzzyCosts) -> Option<EditTables> {
        let m = g.len();
        let searchable = (2..=24).contains(&m)
            && !g.iter().any(|&c| matches!(c, '-' | '/' | '–' | '—'))
            && g.iter().filter(|c| c.is_ascii_alphabetic()).count() >= 2;
        searchable.then(|| self.edit_tables(g, costs))
    }

    /// The lexicon words within reach of the garbled word `g` (its `fuzzy_tables`), with their
    /// channel scores (none below `min`). With `beat` (a reading score, and the characters the
    /// reading has before the word), only the words whose reading could score `beat` are sure
    /// to be there.
    fn fuzzy_words(
        &self,
        g: &[char],
        (emit, et): &EditTables,
        costs: &FuzzyCosts,
        min: f32,
        beat: Option<(f32, &str, &str)>,
    ) -> Vec<(String, f32)> {
        let m = g.len();
        // rest_h[h * l + j]: the best any word with at most h letters left could still score on
        // g[j..] (each glyph string read as its likeliest letter, or skipped): a column entry
        // plus it bounds every completion in a subtree of that height. Rows are as long as
        // the emission table's (`ByLetter`), 0 past m.
        let w = m + 1;
        let l = et.stride;
        // The likeliest letter's emission of each glyph string.
        let ebest: Vec<f32> = (0..m * MAX_GLYPHS)
            .map(|i| {
                emit[i * LETTERS + 1..(i + 1) * LETTERS]
                    .iter()
                    .fold(f32::NEG_INFINITY, |a, &b| a.max(b))
            })
            .collect();
        let mut rest_h = vec![0.0f32; w * l];
        for (j, r) in rest_h[..m].iter_mut().enumerate() {
            *r = (m - j) as f32 * costs.skip;
        }
        for h in 1..=m {
            for j in (0..m).rev() {
                let mut v = rest_h[h * l + j + 1] + costs.skip;
                v = v.max(rest_h[(h - 1) * l + j]);
                for k in 0..MAX_GLYPHS.min(m - j) {
                    v = v.max(rest_h[(h - 1) * l + j + k + 1] + ebest[j * MAX_GLYPHS + k]);
                }
                rest_h[h * l + j] = v;
            }
        }
        let floor = costs.floor * m as f32;
        let start = floor.max(min);
        // The best any word's last letters read on each tail of the garble, within the tighter
        // bound: it cuts most subtrees whose prefix reads the head well but whose words' endings
        // read no tail (a quarter of the search's nodes on the dev garble).
        let cut = start.max(rest_h[m * l] - SUFFIX_REACH);
        let suffix = self.suffix_bound(m, et, &ebest, costs, cut);
        for (j, &b) in suffix.iter().enumerate() {
            for h in 1..=m {
                rest_h[h * l + j] = rest_h[h * l + j].min(b);
            }
        }
        // The reading's LM state and score after the characters before the word.
        let gate = beat
            .filter(|_| self.reading_terms_fall())
            .map(|(beat, lead, trail)| {
                let (lm_score, lm) = self.lm.walk_known(self.lm.start(), 0.0, lead);
                Gate {
                    // A little lower: the reading's score adds the same terms in another order.
                    beat: beat - 0.01,
                    gain: self.bigrams.max_gain(self.weights.bigram),
                    lm,
                    lm_score,
                    lead,
                    lead_chars: lead.chars().count(),
                    trail,
                }
            });
        let dfs = |gate: Option<&Gate>, rise: bool| {
            self.fuzzy_dfs(m, et, &rest_h, costs, start, gate, rise, false)
        };
        let (found, cut) = gate
            .as_ref()
            .and_then(|gate| dfs(Some(gate), true).or_else(|| dfs(Some(gate), false)))
            .or_else(|| dfs(None, false))
            .unwrap_or_default();
        let mut out: Vec<(String, f32)> = found
            .into_iter()
            .filter(|f| f.1 >= cut)
            .map(|(w, score)| (w.iter().map(|&s| sym_char(s)).collect(), score))
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out
    }

    /// Per glyph j < m: a bound on what any word suffix (`Lexicon::suffix_children`) scores
    /// reading g[j..], found by a depth-first search of the suffix trie that leaves out the
    /// cells that, after the best reading of g[..j] by any letters, fall below `cut`: the bound
    /// is the best found or what such a cell could at most be, whichever is higher, so any
    /// `cut` gives a true bound (a low one, a tighter bound at more cost).
    fn suffix_bound(
        &self,
        m: usize,
        et: &ByLetter,
        ebest: &[f32],
        costs: &FuzzyCosts,
        cut: f32,
    ) -> Vec<f32> {
        // pre[j]: the best reading of g[..j] by any letters or skips.
        let mut pre = vec![0.0f32; m + 1];
        for j in 1..=m {
            let mut v = pre[j - 1] + costs.skip;
            for k in 0..MAX_GLYPHS.min(j) {
                v = v.max(pre[j - k - 1] + ebest[(j - k - 1) * MAX_GLYPHS + k]);
            }
            pre[j] = v;
        }
        let mut found: Vec<f32> = (0..m).map(|j| cut - pre[j]).collect();
        // Columns by depth, each m + 1 cells and MAX_GLYPHS cells of -inf after them.
        let wd = m + 1 + MAX_GLYPHS;
        let mut cols = vec![f32::NEG_INFINITY; wd * 8];
        for (j, c) in cols[..=m].iter_mut().enumerate() {
            *c = (m - j) as f32 * costs.skip;
        }
        // Live cells (first, last) of each column.
        let mut span: Vec<(usize, usize)> = vec![(0, m)];
        let mut stack: Vec<(u32, usize, u8)> = self
            .lex
            .suffix_children(0)
            .iter()
            .map(|&(s, n)| (n, 0usize, s))
            .collect();
        while let Some((node, depth, s)) = stack.pop() {
            let (par, cur) = column_pair(&mut cols, depth, wd);
            let e: [&[f32]; MAX_GLYPHS + 1] = std::array::from_fn(|k| et.at(s, k));
            // The emissions reaching back from the parent's live cells, then the chain of skips
            // down to where it dies.
            let (lo_p, hi_p) = span[depth];
            let (mut lo, mut hi) = (usize::MAX, 0);
            let mut right = f32::NEG_INFINITY;
            cur[hi_p + 1..=m].fill(f32::NEG_INFINITY);
            let mut j = hi_p + 1;
            while j > 0 {
                j -= 1;
                let mut v = fmax(e[0][j] + par[j], right + costs.skip);
                for (k, ek) in e.iter().enumerate().skip(1) {
                    if j + k <= m {
                        v = fmax(v, ek[j + k] + par[j + k]);
                    }
                }
                if v + pre[j] < cut {
                    v = f32::NEG_INFINITY;
                } else {
                    lo = j;
                    hi = hi.max(j);
                    if j < m {
                        found[j] = found[j].max(v);
                    }
                }
                cur[j] = v;
                right = v;
                if v == f32::NEG_INFINITY && j + MAX_GLYPHS < lo_p {
                    break;
                }
            }
            cur[..j].fill(f32::NEG_INFINITY);
            let live = lo != usize::MAX;
            span.truncate(depth + 1);
            span.push((lo.min(m), hi));
            if live {
                for &(t, n) in self.lex.suffix_children(node) {
                    stack.push((n, depth + 1, t));
                }
            }
        }
        // Sums in another order than the forward columns': a little higher.
        for f in &mut found {
            *f += CHAIN_SLACK;
        }
        found
    }

    /// Depth-first search of the lexicon trie for the words scoring at least the cut, `start` or
    /// the best word's score less the margin, whichever is higher, against the garble
    /// (emissions and drops `et`, completion bounds `rest_h` by letters left): those words in
    /// search order, and that cut.
    ///
    /// With a `gate`, a subtree none of whose words could score `gate.beat` as a reading (its
    /// channel bound, its prefix's LM score, its likeliest word's frequency) is not entered; with
    /// `rise`, the bar rises to the best reading found less `gate.gain`. That is exact for the
    /// words that could clear the bar, unless a skipped subtree might hold a word scoring more
    /// than `margin` above the lowest of them by the channel, or the best reading found falls
    /// below the cut (then None: search again, without `rise`, then ungated).
    ///
    /// Unless `chains`, the gate also tests a column by its emissions before its chain of skips
    /// is computed (see `CHAIN_SLACK`); the search is then redone with every chain only in the
    /// rare case where those columns' looser bounds alone would make it answer None.
    #[allow(clippy::too_many_arguments)]
    fn fuzzy_dfs(
        &self,
        m: usize,
        et: &ByLetter,
        rest_h: &[f32],
        costs: &FuzzyCosts,
        start: f32,
        gate: Option<&Gate>,
        rise: bool,
        chains: bool,
    ) -> Option<(Found, f32)> {
        let wt = &self.weights;
        let (mut bar, lm0, lmsc0) =
            gate.map_or((f32::NEG_INFINITY, 0, 0.0), |g| (g.beat, g.lm, g.lm_score));
        // The LM state and score after each prefix (index: depth).
        let mut lms: Vec<(u32, f32)> = vec![(lm0, lmsc0)];
        // The best channel bound of a skipped subtree; per word found, the bound of its reading
        // score and that score; the word that raised the bar.
        let mut skipped = f32::NEG_INFINITY;
        // The same for the subtrees left before their chain of skips, by `emissions` plus slack.
        let mut skipped_ub = f32::NEG_INFINITY;
        let mut scores: Vec<(f32, f32)> = Vec::new();
        let mut raised: Option<usize> = None;
        // Columns by depth, flat, each behind P cells of -inf: cols[d * wd + P + j] = best
        // score of the prefix's d letters against g[..j]; -inf past m.
        let l = et.stride;
        let wd = P + l;
        // The emission part of the column being computed (see `emissions`).
        let mut base = vec![f32::NEG_INFINITY; l];
        let mut cols: Vec<f32> = vec![f32::NEG_INFINITY; wd * 8];
        for j in 0..=m {
            cols[P + j] = j as f32 * costs.skip;
        }
        // Live cells (first, last) of each column.
        let mut span: Vec<(usize, usize)> = vec![(0, m)];
        let mut word: Vec<u8> = Vec::new();
        let mut found: Vec<(Vec<u8>, f32)> = Vec::new();
        let mut cut = start;
        let mut top = f32::NEG_INFINITY;
        // Depth-first over the lexicon trie: (node, depth, letter) on a stack.
        let mut stack: Vec<(u32, usize, u8)> = self
            .lex
            .children(0)
            .iter()
            .map(|&(s, n)| (n, 0usize, s))
            .collect();
        while let Some((node, depth, s)) = stack.pop() {
            word.truncate(depth);
            if !is_letter_sym(s) {
                continue;
            }
            let (par, child) = column_pair(&mut cols, depth, wd);
            let child = &mut child[P..];
            let h = self.lex.height(node).min(m);
            let rest = &rest_h[h * l..(h + 1) * l];
            let (lo_p, hi_p) = span[depth];
            // Cells that cannot reach the cut are -inf: a column's live cells form a narrow band
            // (its parent's, shifted by at most MAX_GLYPHS, plus a dying chain of skips). The
            // emissions reach no further than its parent's last live cell plus MAX_GLYPHS.
            // A column whose emissions all fall below the cut is dead (see `emissions`).
            let c1 = (m.min(hi_p + MAX_GLYPHS) + 4) & !3;
            let emax = emissions(par, et, s, rest, &mut base, (lo_p & !3, c1));
            if emax < cut {
                continue;
            }
            // The gate's terms: letters of the reading so far (lead, prefix, trail), at least
            // as many with the fewest letters a word below has left, the likeliest word's term.
            let terms = gate.map(|g| {
                let chars = g.lead_chars + depth + 1 + g.trail.chars().count();
                let ln = self.lex.best_below_ln(node).unwrap_or(0.0);
                (chars, chars + self.lex.low(node), wt.corpus_word_bound(ln))
            });
            // The gate's tests on a bound of the column's best, before its chain of skips:
            // most subtrees it cuts are cut there, and the chain is the serial part of a column.
            let mut step = None;
            if let (Some((_, least, word_bound)), false) = (terms, chains) {
                let ub = emax + CHAIN_SLACK;
                if ub + self.known_lm_term(lms[depth].1, least) + word_bound < bar {
                    skipped_ub = skipped_ub.max(ub);
                    continue;
                }
                let st = self.lm.step_known(lms[depth].0, s);
                if ub + self.known_lm_term(lms[depth].1 + st.0, least) + word_bound < bar {
                    skipped_ub = skipped_ub.max(ub);
                    continue;
                }
                step = Some(st);
            }
            let mut best = f32::NEG_INFINITY;
            let (mut lo, mut hi) = (usize::MAX, 0);
            child[..lo_p].fill(f32::NEG_INFINITY);
            let mut left = f32::NEG_INFINITY;
            let mut j = lo_p;
            while j <= m {
                let b = if j < c1 { base[j] } else { f32::NEG_INFINITY };
                let mut v = fmax(b, left + costs.skip);
                if v + rest[j] < cut {
                    v = f32::NEG_INFINITY;
                } else {
                    lo = lo.min(j);
                    hi = j;
                }
                child[j] = v;
                left = v;
                best = fmax(best, v + rest[j]);
                j += 1;
                if v == f32::NEG_INFINITY && j > hi_p + MAX_GLYPHS + 1 {
                    break;
                }
            }
            child[j..].fill(f32::NEG_INFINITY);
            span.truncate(depth + 1);
            span.push((lo.min(m), hi));
            let last = cols[(depth + 1) * wd + P + m];
            if let (Some(gate), Some((chars, least, word_bound))) = (gate, terms) {
                // The reading's LM term only falls with more letters (`reading_terms_fall`).
                // First with the LM score before the letter (a letter's log P is at most 0),
                // which spares most cut subtrees the LM table's load.
                if best + self.known_lm_term(lms[depth].1, least) + word_bound < bar {
                    skipped = skipped.max(best);
                    continue;
                }
                let (lp, next) = step.unwrap_or_else(|| self.lm.step_known(lms[depth].0, s));
                let lm = lms[depth].1 + lp;
                if best + self.known_lm_term(lm, least) + word_bound < bar {
                    skipped = skipped.max(best);
                    continue;
                }
                lms.truncate(depth + 1);
                lms.push((next, lm));
                let n = self.lex.count(node);
                if n > 0 && last >= cut {
                    let own = (n as f32).ln();
                    let bound = last + self.known_lm_term(lm, chars) + wt.corpus_word_bound(own);
                    // The reading's score, its terms added as `reading` adds them.
                    let (full, st) = self.lm.walk_known(next, lm, gate.trail);
                    let full = full + self.lm.logp_known(st, BOUND);
                    let text: String = gate
                        .lead
                        .chars()
                        .chain(word.iter().map(|&x| sym_char(x)))
                        .chain([sym_char(s)])
                        .chain(gate.trail.chars())
                        .collect();
                    let score = last
                        + self.known_lm_term(full, chars)
                        + wt.corpus_word(own)
                        + super::words::glue_cost(&text);
                    scores.push((bound, score));
                    if rise && score - gate.gain - 0.01 > bar {
                        bar = score - gate.gain - 0.01;
                        raised = Some(found.len());
                    }
                }
            }
            word.push(s);
            if self.lex.count(node) > 0 && last >= cut {
                found.push((word.clone(), last));
                top = top.max(last);
                cut = cut.max(top - costs.margin);
            }
            let kids = self.lex.children(node);
            if gate.is_some() {
                self.lm
                    .prefetch_known(lms[depth + 1].0, kids.iter().map(|k| k.0));
            }
            for &(t, n) in kids {
                stack.push((n, depth + 1, t));
            }
        }
        // A skipped word may be the best by the channel and raise the cut above a word kept.
        let lowest = (0..scores.len())
            .filter(|&i| scores[i].0 >= bar && found[i].1 >= cut)
            .fold(f32::INFINITY, |a, i| a.min(found[i].1));
        let falls_out = |skipped: f32| skipped > top && skipped - costs.margin > lowest;
        if falls_out(skipped) {
            return None;
        }
        if falls_out(skipped_ub) {
            return self.fuzzy_dfs(m, et, rest_h, costs, start, gate, rise, true);
        }
        // The bar holds only if the reading that raised it is kept.
        if raised.is_some_and(|i| found[i].1 < cut) {
            return None;
        }
        found.retain(|f| f.1 >= cut);
        Some((found, cut))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Lang;

    #[test]
    fn damaged_words_read_as_corpus_words() {
        let m = super::super::model(Lang::Kk).expect("the embedded Kazakh model");
        let c = FuzzyCosts::default();
        let r = m.fuzzy_readings("KbI3MeT", &c);
        assert_eq!(r.first().map(|r| r.text.as_str()), Some("қызмет"));
        // Quotes and commas stay around the word; numbers are not read.
        let r = m.fuzzy_readings("\"KbI3MeT,", &c);
        assert_eq!(r.first().map(|r| r.text.as_str()), Some("\"қызмет,"));
        assert!(m.fuzzy_readings("2020", &c).is_empty());
        // A compound is read part by part.
        let r = m.fuzzy_readings("aTa-aHacbIHbIH", &c);
        assert_eq!(r.first().map(|r| r.text.as_str()), Some("ата-анасының"));
    }

    #[test]
    fn other_forms_of_a_found_word_are_read() {
        // A dev2 garble (act 146415) of `экспертам`: the stray `3` and the lost `S` cost two
        // edits, and a development model whose corpus lacks the form read its corpus form
        // `эксперта`, the final `M` skipped.
        let m = super::super::model(Lang::Ru).expect("the embedded Russian model");
        let c = FuzzyCosts::default();
        let g: Vec<char> = "3SKCIiepTaM".chars().collect();
        let (_, et) = m.edit_tables(&g, &c);
        let score = |w: &str| {
            let col: Vec<f32> = (0..=g.len()).map(|j| j as f32 * c.skip).collect();
            let col = w
                .chars()
                .fold(col, |col, ch| OcrModel::edit_column(&col, &et, &c, sym(ch)));
            col[g.len()]
        };
        let found = vec![("эксперта".to_string(), score("эксперта"))];
        let forms = m.paradigm_readings(&g, &et, &c, &found, &found, (3, 5));
        let form = forms.iter().find(|f| f.0 == "экспертам");
        assert!(form.is_some_and(|f| f.1 > found[0].1), "{forms:?}");
        assert!(forms.iter().all(|f| f.0.starts_with("экспе")));
    }

    #[test]
    fn a_bar_leaves_out_only_readings_below_it() {
        let m = super::super::model(Lang::Kk).expect("the embedded Kazakh model");
        let c = FuzzyCosts::default();
        let gain = m.bigrams.max_gain(m.weights.bigram);
        let mut checked = 0;
        for tok in [
            "KbI3MeT",
            "\"TexXHUKAJBIK",
            "KeliHT]",
            "OijliMHeH",
            "KICINTIK,",
            "aK",
        ] {
            let all = m.fuzzy_readings(tok, &c);
            let best = all.first().map_or(f32::NEG_INFINITY, |r| r.score);
            for beat in all.iter().map(|r| r.score - 0.5).chain([best + 1.0]) {
                let some = m.fuzzy_readings_above(tok, &c, beat);
                // Every reading kept is one of all, with the same score ...
                for r in &some {
                    assert!(all.iter().any(|a| a.text == r.text && a.score == r.score));
                }
                // ... and none of all the caller needs is missing.
                let bar = beat.max(best - gain) + 0.02;
                for a in all.iter().filter(|a| a.score >= bar) {
                    assert!(some.iter().any(|r| r.text == a.text), "{tok}: {}", a.text);
                    checked += 1;
                }
            }
        }
        assert!(checked >= 6, "{checked}");
    }
}
