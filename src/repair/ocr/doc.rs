//! What the rest of a garbled text tells each of its lines: how it writes a dash, and the words
//! and word pairs its earlier lines read clearly.
//!
//! A legal text repeats its own words (`функций`, `отбасына`, a ministry's name, a term of the
//! act) far more often than the training text does. Where the garble of one occurrence is
//! ambiguous (`PyHKUMH`: функций or функции), the occurrences read before it without doubt speak
//! for the word. This is a cache language model (Kuhn and De Mori 1990): a word's probability
//! is the training text's mixed with its share of the document so far, so a word the text
//! writes no more often than the acts do gains next to nothing (`по`, `и`), and a rare word the
//! document keeps writing gains most. Only readings that beat every other reading of their
//! token by a margin (before this bonus) are remembered, so one misreading does not feed on
//! itself. No crate models this; the weights are tuned on the development pairs.

use super::{lang_hook, tuning_hook, words, DashCounts, OcrModel};
use crate::model::Lang;
use once_cell::sync::Lazy;
use rustc_hash::FxHashMap;

/// The cache model's settings: weight of its log-odds term, the margin (nats, before the bonus)
/// by which a reading must beat its token's other readings to be remembered, the cache's share
/// λ, and the highest bonus (`ZAN_OCR_DOC_WORDS="weight,margin,lambda,cap"`, a tuning hook;
/// weight 0 turns the memory off). Against none, on the eight development sets (sum of WER):
/// Russian 54.46 -> 53.60, Kazakh 77.54 -> 76.78. A margin of 3 or 4 remembers too little (ru
/// 53.79, 54.44), 1 no better than 2; λ 0.02 and 0.2, cap 3 alike. Counting every pick (no
/// margin) and a bonus of ln(1 + count) instead of the shares lost in Kazakh: a word the acts
/// write often (`отбасына`) yielded to its rarer neighbour (`отбасында`) once that had been
/// picked a few times (README, "The document's own words").
static SETTINGS: Lazy<(f32, f32, f32, f32)> = Lazy::new(|| {
    tuning_hook("ZAN_OCR_DOC_WORDS", 4).map_or((1.0, 2.0, 0.1, 2.0), |v| (v[0], v[1], v[2], v[3]))
});

/// How much a word pair the text has read counts in the line Viterbi, as that many pairs of
/// the training text (`ZAN_OCR_DOC_PAIRS`, a tuning hook; 0: off). 10 against none, on the
/// eight development sets (sum of WER): Russian 53.60 -> 52.99, Kazakh 76.78 -> 76.53; 5, 20 and
/// 50 did alike.
static PAIR_WEIGHT: Lazy<f32> =
    Lazy::new(|| tuning_hook("ZAN_OCR_DOC_PAIRS", 1).map_or(10.0, |v| v[0]));

/// The words a text's lines have read so far (lower case), with their counts, and the pairs of
/// adjacent words (hashed: the Viterbi looks them up for every pair of readings).
#[derive(Clone, Debug, Default)]
pub struct DocWords {
    counts: FxHashMap<String, u32>,
    total: u32,
    pairs: FxHashMap<u64, u32>,
}

/// The key of the word pair `a b`.
fn pair_key(a: &str, b: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    a.hash(&mut h);
    b.hash(&mut h);
    h.finish()
}

impl DocWords {
    /// Whether the memory is in use (its weight is not 0).
    pub fn enabled() -> bool {
        SETTINGS.0 != 0.0
    }

    /// The margin by which a reading must beat the others of its token to be remembered.
    pub fn margin() -> f32 {
        SETTINGS.1
    }

    /// The score a reading `text` (lower case) gains from the document so far: for a reading
    /// of one word the text has read before, w · ln(1 − λ + λ · share in the text / share in
    /// the training text), at most the cap; else 0.
    pub fn bonus(&self, model: &OcrModel, text: &str) -> f32 {
        let (w, _, lambda, cap) = *SETTINGS;
        if w == 0.0 || self.total == 0 {
            return 0.0;
        }
        let ws = words::letter_words(text);
        let [one] = &ws[..] else {
            return 0.0;
        };
        let Some(&c) = self.counts.get(one) else {
            return 0.0;
        };
        let here = c as f32 / self.total as f32;
        let there = (model.lex.word_count(one) as f32 + 1.0) / model.lex.total.max(1) as f32;
        (w * (1.0 - lambda + lambda * here / there).ln()).min(cap)
    }

    /// Remembers `text` if it is one word.
    pub fn add(&mut self, text: &str) {
        if let [one] = &words::letter_words(text)[..] {
            *self.counts.entry(one.clone()).or_default() += 1;
            self.total += 1;
        }
    }

    /// Remembers the words of a clean line (no garble in it), and their pairs.
    pub fn add_clean_line(&mut self, line: &str) {
        // As `remember_words` pairs the tokens of a garbled line: the last word of one token
        // and the first of the next.
        let mut last: Option<String> = None;
        for tok in line.split_whitespace() {
            self.add(tok);
            let ws = words::letter_words(tok);
            if let (Some(a), Some(b)) = (&last, ws.first()) {
                self.add_pair(a, b);
            }
            last = ws.last().cloned();
        }
    }

    /// Remembers the pair of words `a b` (the last word of a token and the first of the next).
    pub fn add_pair(&mut self, a: &str, b: &str) {
        *self.pairs.entry(pair_key(a, b)).or_default() += 1;
    }

    /// The count the word pair `a b` adds to the training text's in the line Viterbi.
    pub fn pair_count(&self, a: &str, b: &str) -> u32 {
        if self.pairs.is_empty() || *PAIR_WEIGHT == 0.0 {
            return 0;
        }
        let n = self.pairs.get(&pair_key(a, b)).copied().unwrap_or(0);
        (*PAIR_WEIGHT * n as f32) as u32
    }

    /// Number of words remembered (with repeats).
    pub fn len(&self) -> usize {
        self.total as usize
    }

    /// Whether no word is remembered yet (then no reading gains anything).
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

/// The capitals bonus (nats, for Title) of a defined term's later forms, and how many letters
/// a form may have past the term's stem (`ZAN_OCR_TERMS="bonus,extra"`, a tuning hook; bonus 0:
/// off). In the acts, a term defined in capitals is written so later inside sentences 69% of
/// the time in Russian against 9% in acts that do not define it (Kazakh 43% against 6%): log
/// odds about 3 (2.5). 2 against none: four unseen acts read whole (dev5) Russian WER 7.44 ->
/// 7.37, Kazakh the same; the eight development sets Russian the same, Kazakh 76.06 -> 75.84
/// (README, "Terms the text defines keep their capitals"). Per language since then (`_RU`,
/// `_KK` suffixes): Russian 3, the log odds its acts show, against 2: the eight sets 51.43 ->
/// 51.32, whole acts 6.41 -> 6.35; in Kazakh 2.5 and 3 lost (eight sets 74.11 -> 74.19, 74.39).
static TERMS_KK: Lazy<(f32, usize)> = Lazy::new(|| terms_setting(Lang::Kk, 2.0));
static TERMS_RU: Lazy<(f32, usize)> = Lazy::new(|| terms_setting(Lang::Ru, 3.0));

fn terms_setting(lang: Lang, bonus: f32) -> (f32, usize) {
    lang_hook("ZAN_OCR_TERMS", lang, 2).map_or((bonus, 4), |v| (v[0], v[1] as usize))
}

/// The defined terms' setting for `lang`.
fn terms(lang: Lang) -> (f32, usize) {
    match lang {
        Lang::Kk => *TERMS_KK,
        Lang::Ru => *TERMS_RU,
    }
}

/// The terms a text defines in capitals (`(далее – Соглашение)`, `(бұдан әрі – Қағидалар)`),
/// by their stems (the word less its last two letters, at least four): the acts keep writing a
/// defined term in capitals (`заключении Соглашения`, `Национальной палатой`), where the
/// training text, which mostly does not define it, has it small. A term of two words or more
/// is known by its first two (`Национальная палата`): its first word alone is often a common
/// word (`(далее – Налоговый кодекс)` and `налоговые режимы`, `Салық кодексі` and `салық`).
#[derive(Clone, Debug, Default)]
pub struct DefinedTerms {
    /// The first word's stem, and the second word's where the term has one.
    stems: Vec<(String, Option<String>)>,
}

/// A term word's stem: lower case, less its last two letters, at least four letters.
fn term_stem(w: &str) -> String {
    let low: Vec<char> = w.to_lowercase().chars().collect();
    low[..low.len().saturating_sub(2).max(4).min(low.len())]
        .iter()
        .collect()
}

impl DefinedTerms {
    /// Adds the terms defined in `line` (as repaired), reading on from the end of the line
    /// before (`before`, as repaired): a definition may break across the two.
    pub fn scan(&mut self, before: Option<&str>, line: &str) {
        static DEFINITION: Lazy<regex::Regex> = Lazy::new(|| {
            regex::Regex::new(
                r#"\((?:далее|бұдан әрі|бұдан кейін)\s*[–—-]\s*["«“]?(\w+)(?:[ \t]+(\w+))?"#,
            )
            .expect("the definition pattern")
        });
        if TERMS_KK.0 == 0.0 && TERMS_RU.0 == 0.0 {
            return;
        }
        let tail: String = before.map_or_else(String::new, |b| {
            let n = b.chars().count();
            b.chars().skip(n.saturating_sub(24)).collect()
        });
        // Most lines define nothing: no bracket, no copy of the line.
        if !line.contains('(') && !tail.contains('(') {
            return;
        }
        let text = format!("{tail} {line}");
        for c in DEFINITION.captures_iter(&text) {
            let w = &c[1];
            let mut chars = w.chars();
            let title =
                chars.next().is_some_and(char::is_uppercase) && chars.any(char::is_lowercase);
            if !title {
                continue;
            }
            let term = (term_stem(w), c.get(2).map(|m| term_stem(m.as_str())));
            if !self.stems.contains(&term) {
                self.stems.push(term);
            }
        }
    }

    /// The capitals bonus of `word` before the word `after`: for a form of a defined term (its
    /// stem and at most a few letters more, and for a term of two words, before a form of its
    /// second), the setting's bonus for `lang`; else 0.
    pub fn capital_bonus(&self, lang: Lang, word: &str, after: Option<&str>) -> f32 {
        let (bonus, extra) = terms(lang);
        if self.stems.is_empty() || bonus == 0.0 {
            return 0.0;
        }
        // Lower case once, not per term.
        let (word, after) = (word.to_lowercase(), after.map(str::to_lowercase));
        let form = |low: &str, st: &str| {
            low.starts_with(st) && low.chars().count() <= st.chars().count() + extra
        };
        let defined = self.stems.iter().any(|(st, second)| {
            form(&word, st)
                && second
                    .as_deref()
                    .is_none_or(|s2| after.as_deref().is_some_and(|a| form(a, s2)))
        });
        if defined {
            bonus
        } else {
            0.0
        }
    }
}

/// What a text tells each line of it: its dashes (counted over the whole text first), the
/// words and word pairs its lines before read (`DocWords`), and the terms they defined
/// (`DefinedTerms`), the last two filled as the lines are repaired in order.
#[derive(Clone, Debug, Default)]
pub struct TextContext {
    pub dashes: DashCounts,
    pub words: DocWords,
    pub terms: DefinedTerms,
    pub acronyms: super::acronym::Acronyms,
}

impl TextContext {
    /// The context of a text of `lines`, before any of them is repaired.
    pub fn of_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> TextContext {
        TextContext {
            dashes: DashCounts::of_lines(lines),
            ..TextContext::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Lang;

    /// A word the acts write often gains little from the document's repeats, a rare one more,
    /// a word the document has not read nothing; no bonus passes the cap.
    #[test]
    fn rare_words_the_document_repeats_gain_most() {
        let ru = super::super::model(Lang::Ru).expect("the embedded Russian model");
        let mut m = DocWords::default();
        assert_eq!(m.bonus(ru, "и"), 0.0);
        for _ in 0..20 {
            m.add("и");
        }
        m.add("даты");
        m.add("даты,");
        m.add("2020");
        assert_eq!(m.len(), 22);
        let (common, rare) = (m.bonus(ru, "и"), m.bonus(ru, "даты"));
        assert!(rare > common && common >= 0.0, "{common} {rare}");
        assert!(rare <= SETTINGS.3);
        assert_eq!(m.bonus(ru, "пяти"), 0.0);
        // Two words are no one word the memory holds.
        assert_eq!(m.bonus(ru, "и даты"), 0.0);
    }

    /// A term defined in capitals, on one line or across two, speaks for its later forms; a
    /// definition in small letters and other words with the term's first letters do not.
    #[test]
    fn defined_terms_are_found_and_their_forms_known() {
        let mut t = DefinedTerms::default();
        t.scan(None, "на основе индексов (далее – Соглашение) и");
        t.scan(None, "органом (далее – уполномоченный орган)");
        t.scan(Some("в бюджет\" (далее"), "– Правила).");
        t.scan(None, "в бюджет\" (далее – Налоговый кодекс) ПРИКАЗЫВАЮ:");
        assert!(t.capital_bonus(Lang::Ru, "Соглашения", None) > 0.0);
        assert!(t.capital_bonus(Lang::Ru, "соглашением", Some("и")) > 0.0);
        assert!(t.capital_bonus(Lang::Ru, "правилам", None) > 0.0);
        assert_eq!(t.capital_bonus(Lang::Ru, "согласие", None), 0.0);
        assert_eq!(t.capital_bonus(Lang::Ru, "правительство", None), 0.0);
        assert_eq!(
            t.capital_bonus(Lang::Ru, "уполномоченный", Some("орган")),
            0.0
        );
        // A term of two words: its first word before its second only.
        assert!(t.capital_bonus(Lang::Ru, "Налогового", Some("кодекса")) > 0.0);
        assert_eq!(t.capital_bonus(Lang::Ru, "налоговые", Some("режимы")), 0.0);
        // Kazakh.
        t.scan(None, "(бұдан әрі – Қағидалар) бекітілсін");
        assert!(t.capital_bonus(Lang::Kk, "қағидалары", None) > 0.0);
    }

    /// A clean line's words and adjacent pairs are remembered, a pair in its order only.
    #[test]
    fn a_clean_lines_words_and_pairs_are_remembered() {
        let mut m = DocWords::default();
        m.add_clean_line("совершающего таможенные операции; 2020 года");
        assert_eq!(m.len(), 4);
        assert!(m.pair_count("таможенные", "операции") > 0);
        assert!(m.pair_count("совершающего", "таможенные") > 0);
        assert_eq!(m.pair_count("операции", "таможенные"), 0);
        // A number between two words is no pair of them.
        assert_eq!(m.pair_count("операции", "года"), 0);
    }
}
