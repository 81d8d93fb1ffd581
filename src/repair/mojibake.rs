//! Mojibake: text whose bytes were decoded with the wrong code page, once or twice
//! (`Р—Р°РєРѕРЅ` = UTF-8 read as windows-1251, `Ïðèêàç` = windows-1251 read as windows-1252,
//! `ЪЮЙНМ` = windows-1251 read as KOI8-R, `ќ`/`ј` for `қ`/`ә` = KZ-1048 or PT154 bytes shown on
//! windows-1251 code points, as old Kazakh fonts did).
//!
//! A wrong decoding is undone by encoding the text back with the page it was wrongly decoded as
//! (this must be lossless) and decoding the bytes with the true page (strict for UTF-8). Every
//! chain of one or two such steps is tried; the candidate that reads most like Kazakh or Russian
//! wins if it beats the input by a clear margin. "Reads like" = a letter-bigram model of kk + ru
//! legal text (learnt from one act of the corpus, kept out of `zan eval encoding`'s cases) plus
//! penalties for characters that kk/ru text never holds (Latin-1 letters, box drawing, Serbian and
//! other non-Kazakh Cyrillic letters, C1 controls) and for case flips inside words. No crate does
//! this for Cyrillic code pages (ftfy, in Python, covers UTF-8 mojibake only).

use super::kz1048::{KZ1048, PT154};
use encoding_rs::{Encoding, IBM866, KOI8_R, UTF_8, WINDOWS_1251, WINDOWS_1252, X_MAC_CYRILLIC};
use once_cell::sync::Lazy;
use std::borrow::Cow;

/// A code page that text is encoded in or decoded as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Page {
    Utf8,
    Cp1251,
    Cp1252,
    /// ISO-8859-1 proper (0x80-0x9F are C1 controls; encoding_rs maps this label to 1252).
    Latin1,
    Koi8R,
    Cp866,
    MacCyrillic,
    Kz1048,
    Pt154,
}

impl Page {
    /// Pages text can be wrongly decoded as (every single-byte page).
    pub const SINGLE_BYTE: [Page; 8] = [
        Page::Cp1251,
        Page::Cp1252,
        Page::Latin1,
        Page::Koi8R,
        Page::Cp866,
        Page::MacCyrillic,
        Page::Kz1048,
        Page::Pt154,
    ];
    /// Pages Cyrillic text is truly written in.
    pub const CYRILLIC: [Page; 7] = [
        Page::Utf8,
        Page::Cp1251,
        Page::Koi8R,
        Page::Cp866,
        Page::MacCyrillic,
        Page::Kz1048,
        Page::Pt154,
    ];

    /// Single-byte Cyrillic pages: a swap between two of them maps letters to letters.
    pub const CYRILLIC_SINGLE: [Page; 6] = [
        Page::Cp1251,
        Page::Koi8R,
        Page::Cp866,
        Page::MacCyrillic,
        Page::Kz1048,
        Page::Pt154,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Page::Utf8 => "UTF-8",
            Page::Cp1251 => "windows-1251",
            Page::Cp1252 => "windows-1252",
            Page::Latin1 => "latin-1",
            Page::Koi8R => "KOI8-R",
            Page::Cp866 => "CP866",
            Page::MacCyrillic => "mac-cyrillic",
            Page::Kz1048 => "KZ-1048",
            Page::Pt154 => "PT154",
        }
    }

    /// Python codec name of the page (for the ftfy comparison of `zan eval encoding`).
    pub fn python_codec(self) -> &'static str {
        match self {
            Page::Utf8 => "utf-8",
            Page::Cp1251 => "cp1251",
            Page::Cp1252 => "cp1252",
            Page::Latin1 => "latin-1",
            Page::Koi8R => "koi8_r",
            Page::Cp866 => "cp866",
            Page::MacCyrillic => "mac_cyrillic",
            Page::Kz1048 => "kz1048",
            Page::Pt154 => "ptcp154",
        }
    }

    fn rs(self) -> Option<&'static Encoding> {
        match self {
            Page::Utf8 => Some(UTF_8),
            Page::Cp1251 => Some(WINDOWS_1251),
            Page::Cp1252 => Some(WINDOWS_1252),
            Page::Koi8R => Some(KOI8_R),
            Page::Cp866 => Some(IBM866),
            Page::MacCyrillic => Some(X_MAC_CYRILLIC),
            Page::Latin1 | Page::Kz1048 | Page::Pt154 => None,
        }
    }

    fn table(self) -> Option<&'static [char; 128]> {
        match self {
            Page::Kz1048 => Some(&KZ1048),
            Page::Pt154 => Some(&PT154),
            _ => None,
        }
    }

    /// Encode losslessly, or `None` when a character has no byte in this page.
    pub fn encode(self, s: &str) -> Option<Vec<u8>> {
        if self == Page::Latin1 {
            return s
                .chars()
                .map(|c| u8::try_from(c as u32).ok())
                .collect::<Option<Vec<u8>>>();
        }
        if let Some(t) = self.table() {
            return s
                .chars()
                .map(|c| {
                    if c.is_ascii() {
                        Some(c as u8)
                    } else if ('А'..='я').contains(&c) {
                        // Both tables hold А..я at 0xC0..=0xFF, as windows-1251 does.
                        Some((c as u32 - 'А' as u32 + 0xC0) as u8)
                    } else {
                        t[..64].iter().position(|&x| x == c).map(|i| 0x80 + i as u8)
                    }
                })
                .collect();
        }
        let enc = self.rs()?;
        if enc == UTF_8 {
            return Some(s.as_bytes().to_vec());
        }
        let (bytes, _, unmappable) = enc.encode(s);
        (!unmappable).then(|| bytes.into_owned())
    }

    /// Decode; `None` for invalid UTF-8 (single-byte pages decode every byte).
    pub fn decode(self, b: &[u8]) -> Option<String> {
        if self == Page::Latin1 {
            return Some(b.iter().map(|&x| x as char).collect());
        }
        if let Some(t) = self.table() {
            return Some(
                b.iter()
                    .map(|&x| {
                        if x < 0x80 {
                            x as char
                        } else {
                            t[x as usize - 0x80]
                        }
                    })
                    .collect(),
            );
        }
        let enc = self.rs()?;
        enc.decode_without_bom_handling_and_without_replacement(b)
            .map(Cow::into_owned)
    }
}

/// One wrong decoding: bytes in `truth` were decoded as `shown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Step {
    pub truth: Page,
    pub shown: Page,
}

impl Step {
    /// Produce the mojibake (for building test cases): encode in `truth`, decode as `shown`.
    pub fn garble(self, s: &str) -> Option<String> {
        self.shown.decode(&self.truth.encode(s)?)
    }
    /// Undo the mojibake: encode as `shown`, decode in `truth`.
    pub fn undo(self, s: &str) -> Option<String> {
        self.truth.decode(&self.shown.encode(s)?)
    }
    pub fn label(self) -> String {
        format!("{} read as {}", self.truth.name(), self.shown.name())
    }
}

/// Every step worth undoing: any Cyrillic page (or UTF-8) read as a different single-byte page.
pub fn all_steps() -> Vec<Step> {
    let mut v = Vec::new();
    for truth in Page::CYRILLIC {
        for shown in Page::SINGLE_BYTE {
            if truth != shown {
                v.push(Step { truth, shown });
            }
        }
    }
    v
}

/// Lowercase kk + ru letters (а..е, ё, ж..я, then [`LETTER_TAIL`]); index 0 of the model is
/// "not a letter".
const N: usize = 44;

fn letter_index(c: char) -> Option<usize> {
    let i = match c {
        'а'..='е' => c as usize - 'а' as usize,
        'ё' | 'Ё' => 6,
        'ж'..='я' => c as usize - 'ж' as usize + 7,
        'А'..='Е' => c as usize - 'А' as usize,
        'Ж'..='Я' => c as usize - 'Ж' as usize + 7,
        _ => {
            return LETTER_TAIL
                .iter()
                .position(|&(l, u)| c == l || c == u)
                .map(|i| i + 34)
        }
    };
    Some(i + 1)
}

/// Kazakh letters after the Russian alphabet in [`LETTERS`] (lower, upper).
const LETTER_TAIL: [(char, char); 9] = [
    ('ә', 'Ә'),
    ('ғ', 'Ғ'),
    ('қ', 'Қ'),
    ('ң', 'Ң'),
    ('ө', 'Ө'),
    ('ұ', 'Ұ'),
    ('ү', 'Ү'),
    ('һ', 'Һ'),
    ('і', 'І'),
];

/// Training text of the letter model: act 105095 (kk + ru). `zan eval encoding` leaves it out.
pub const TRAINING_ACT: &str = "105095";
static TRAIN_KK: &str = include_str!("../../corpus/acts/105095/kaz.md");
static TRAIN_RU: &str = include_str!("../../corpus/acts/105095/rus.md");
/// The amending orders of the corpus (kk and ru) add to the training text: `zan eval encoding`
/// builds its cases from the acts only, so they stay apart from the test cases.
static TRAIN_ORDERS: [&str; 5] = [
    include_str!("../../corpus/orders/000_3e349c36dd5e86ff.txt"),
    include_str!("../../corpus/orders/001_07bc7e74aa9aa38f.txt"),
    include_str!("../../corpus/orders/002_e7f73df5011e2bee.txt"),
    include_str!("../../corpus/orders/003_814b87d5786cfbf5.txt"),
    include_str!("../../corpus/orders/004_c501787c74ae2a74.txt"),
];

/// Every training text.
fn training_texts() -> impl Iterator<Item = &'static str> {
    [TRAIN_KK, TRAIN_RU].into_iter().chain(TRAIN_ORDERS)
}

/// log P(next | previous) over letters and the word boundary, add-0.5 smoothed.
static MODEL: Lazy<Vec<f64>> = Lazy::new(|| {
    let mut counts = vec![0f64; N * N];
    for text in training_texts() {
        let mut prev = 0;
        for c in text.chars() {
            let cur = letter_index(c).unwrap_or(0);
            if cur != 0 || prev != 0 {
                counts[prev * N + cur] += 1.0;
            }
            prev = cur;
        }
    }
    let mut logp = vec![0f64; N * N];
    for a in 0..N {
        let row: f64 = counts[a * N..(a + 1) * N].iter().sum();
        for b in 0..N {
            logp[a * N + b] = ((counts[a * N + b] + 0.5) / (row + 0.5 * N as f64)).ln();
        }
    }
    logp
});

/// Letter transitions (and word boundaries) seen in the training text: a word with a transition
/// never seen there is evidence of a swap between pages (`жғне`, `Һрта`), worth a search.
static SEEN: Lazy<Vec<bool>> = Lazy::new(|| {
    let mut seen = vec![false; N * N];
    for text in training_texts() {
        let mut prev = 0;
        for c in text.chars() {
            let cur = letter_index(c).unwrap_or(0);
            seen[prev * N + cur] = true;
            prev = cur;
        }
    }
    seen
});

/// Words (lowercase, 3+ letters) of the training text: a candidate made of known words reads
/// right; mojibake almost never forms one.
static WORDS: Lazy<std::collections::HashSet<String>> = Lazy::new(|| {
    training_texts()
        .flat_map(|t| t.split(|c: char| !is_kk_ru_letter(c)))
        .filter(|w| w.chars().count() >= 3)
        .map(|w| w.to_lowercase())
        .collect()
});

/// Word forms of the public hunspell dictionaries (kk and ru, lower case, see `ocr`): lexical
/// evidence that owes nothing to the corpus, so it can decide between chains whose results
/// differ in a letter or two (`Нормы`/`Қормы`: Mac Cyrillic and KZ-1048 put different capitals
/// on one byte) without fitting anything to the evaluation's documents.
static DICTS: Lazy<Vec<fst::Set<&'static [u8]>>> = Lazy::new(|| {
    [super::ocr::KK_DICT, super::ocr::RU_DICT]
        .into_iter()
        .filter_map(|b| fst::Set::new(b).ok())
        .collect()
});

/// Whether a lower-case word is a known word form (training text or dictionaries).
fn known_lower(lw: &str) -> bool {
    WORDS.contains(lw) || DICTS.iter().any(|d| d.contains(lw))
}

/// Whether a word is written in a normal case shape (lower, Capitalised or all caps):
/// `свЯзанные` is not a known word even if `связанные` is.
fn normal_case_shape(w: &[char]) -> bool {
    let first_upper = w.first().is_some_and(|c| c.is_uppercase());
    let rest_upper = w.iter().skip(1).filter(|c| c.is_uppercase()).count();
    rest_upper == 0 || (first_upper && rest_upper + 1 == w.len())
}

/// Score bonus of a known word.
const KNOWN_WORD: f64 = 2.0;

/// Characters kk/ru legal text holds besides ASCII and letters.
const TYPOGRAPHY: &str = "«»–—№“”…’\u{00A0}°";

fn is_kk_ru_letter(c: char) -> bool {
    letter_index(c).is_some()
}

/// How much `s` reads like kk/ru text: (sum of letter-bigram log-probabilities and penalties,
/// number of letters and odd characters). Short all-caps words (abbreviations: ОКБ, МП, БС) score
/// a neutral cost per letter instead of their unusual bigrams.
fn score(s: &str) -> (f64, usize) {
    let model = &*MODEL;
    let mut total = 0f64;
    let mut count = 0usize;
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut prev_char: Option<char> = None;
    let lone_quotes = unpaired_quotes(&chars) > 0;
    while i < chars.len() {
        let c = chars[i];
        if is_kk_ru_letter(c) {
            let start = i;
            while i < chars.len() && is_kk_ru_letter(chars[i]) {
                i += 1;
            }
            let word = &chars[start..i];
            count += word.len();
            if word.len() >= 3 && normal_case_shape(word) {
                let lw: String = word.iter().flat_map(|c| c.to_lowercase()).collect();
                if known_lower(&lw) {
                    total += KNOWN_WORD;
                }
            }
            if prev_char.is_some_and(|p| p.is_ascii_alphabetic())
                || chars.get(i).is_some_and(|n| n.is_ascii_alphabetic())
            {
                total -= 3.0; // Latin glued to Cyrillic
            }
            if (2..=3).contains(&word.len()) && word.iter().all(|c| c.is_uppercase()) {
                total -= ABBREVIATION_COST * word.len() as f64;
            } else {
                let mut prev = 0;
                for (k, &w) in word.iter().enumerate() {
                    let li = letter_index(w).unwrap_or(0);
                    total += model[prev * N + li];
                    if k > 0 && w.is_uppercase() && word[k - 1].is_lowercase() {
                        total -= 4.0; // "пРИКАЗ": case flipped inside a word
                    }
                    prev = li;
                }
                total += model[prev * N];
            }
            prev_char = Some(word[word.len() - 1]);
            continue;
        }
        if c.is_ascii() {
            if c.is_control() && !matches!(c, '\t' | '\r' | '\n' | '\u{0C}') {
                total -= 8.0;
                count += 1;
            }
        } else {
            // Typographic marks are rarer than letters, and have their places: a closing mark
            // or `№` never runs into a following letter, an opening mark never follows one.
            // Non-ASCII spaces count as marks too: free, a no-break space (on a capital's byte
            // in CP866 and Mac Cyrillic) would make the letter it replaced look like a cost saved
            // (`\u{a0}раткое` for `Краткое`).
            let misplaced = misplaced_mark(c, prev_char, chars.get(i + 1).copied())
                || (c == '“' && lone_quotes);
            count += 1;
            total -= if c.is_control() || c == '\u{FFFD}' {
                12.0
            } else if TYPOGRAPHY.contains(c) && !misplaced {
                4.0
            } else {
                10.0
            };
        }
        prev_char = Some(c);
        i += 1;
    }
    (total, count)
}

/// Whether a typographic mark stands where kk/ru text never puts it: a closing mark or `№`
/// running into a following letter, an opening mark after a letter, a dash glued to a letter.
/// (Pages put `“ ’ – …` on the bytes of other pages' capital letters: `’иповые`.)
fn misplaced_mark(c: char, prev: Option<char>, next: Option<char>) -> bool {
    let prev_letter = prev.is_some_and(is_kk_ru_letter);
    let next_letter = next.is_some_and(is_kk_ru_letter);
    match c {
        '«' | '“' => prev_letter,
        '»' | '”' | '’' | '…' | '№' | '°' => next_letter,
        '–' | '—' => prev_letter || next_letter,
        _ => prev_letter && next_letter,
    }
}

/// Cost per letter of a short all-caps word (about the mean of running text).
const ABBREVIATION_COST: f64 = 3.0;

/// [`score`] per letter (or odd character); higher is better, about -3 for clean prose, far
/// lower for mojibake.
pub fn plausibility(s: &str) -> f64 {
    let (t, n) = score(s);
    t / n.max(1) as f64
}

/// Per-letter plausibility below which a line without odd characters is still searched.
const FLOOR: f64 = -3.6;

/// Whether a line may be mojibake: it holds a character kk/ru text does not, a case flip inside
/// a word, or letters in an implausible order. Clean lines fail all three and are not searched.
pub fn suspicious(s: &str) -> bool {
    strongly_suspicious(s) || swap_evidence(s)
}

/// Odd characters, many case flips, or implausible letters: evidence enough for a repair that
/// reads clearly better. (Weaker [`swap_evidence`] also needs lexical evidence, see [`best_chain`].)
fn strongly_suspicious(s: &str) -> bool {
    let mut prev: Option<char> = None;
    // Words with a case flip inside ("пРИКАЗ"), and words in all: a few flipped words are
    // abbreviations of clean text (`ТиППО`, `КоАП`); a swap between pages flips most words.
    let (mut flipped_words, mut words, mut in_word, mut word_flipped) =
        (0usize, 0usize, false, false);
    for c in s.chars() {
        if !(c.is_ascii() || c.is_whitespace() || TYPOGRAPHY.contains(c) || is_kk_ru_letter(c)) {
            return true;
        }
        if is_kk_ru_letter(c) {
            if !in_word {
                in_word = true;
                word_flipped = false;
                words += 1;
            }
            if c.is_uppercase()
                && prev.is_some_and(|p| is_kk_ru_letter(p) && p.is_lowercase())
                && !word_flipped
            {
                word_flipped = true;
                flipped_words += 1;
            }
        } else {
            in_word = false;
        }
        prev = Some(c);
    }
    let flips = flipped_words >= 2 && flipped_words * 10 >= words * 3;
    // Case flips and letters alone (a swap between two Cyrillic pages) are evidence only in a
    // line long enough for them to mean something (`КоАП РК.` is an abbreviation).
    s.chars().filter(|&c| is_kk_ru_letter(c)).count() >= 12 && (flips || plausibility(s) < FLOOR)
}

/// Evidence that a line of letters only may come from a swap between two Cyrillic pages (which
/// maps letters to letters, so no odd character shows): a typographic mark in a place text never
/// puts it, or a word (not a short abbreviation) with a letter transition the training text
/// never has. Such a line is only searched; the repair must still beat it by [`MARGIN`].
fn swap_evidence(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    if unpaired_quotes(&chars) > 0 {
        return true;
    }
    let seen = &*SEEN;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if !is_kk_ru_letter(c) {
            if TYPOGRAPHY.contains(c)
                && !c.is_whitespace()
                && misplaced_mark(
                    c,
                    i.checked_sub(1).map(|k| chars[k]),
                    chars.get(i + 1).copied(),
                )
            {
                return true;
            }
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_kk_ru_letter(chars[i]) {
            i += 1;
        }
        let word = &chars[start..i];
        // Glued to Latin or digits: codes and mixed tokens, not words.
        let glued = (start > 0 && chars[start - 1].is_ascii_alphanumeric())
            || chars.get(i).is_some_and(|n| n.is_ascii_alphanumeric());
        // Abbreviations (`РК`, `КоАП`, `ТиППО`: a capital, then more capitals) have their own
        // letter orders.
        let abbreviation =
            word[0].is_uppercase() && word.iter().filter(|c| c.is_uppercase()).count() >= 2;
        if glued || abbreviation {
            continue;
        }
        // A capital inside a word that starts in lower case (`выЯвление`: Mac Cyrillic `я` read
        // as windows-1251 `Я`); abbreviations start with a capital.
        if word[0].is_lowercase() && word.iter().any(|c| c.is_uppercase()) {
            return true;
        }
        let mut prev = 0;
        for &w in word.iter().chain(std::iter::once(&' ')) {
            let li = letter_index(w).unwrap_or(0);
            if !seen[prev * N + li] {
                return true;
            }
            prev = li;
        }
    }
    false
}

/// Whether `t` (a repair of `s`) makes a kk/ru letter somewhere: a repair that only turns odd
/// symbols into punctuation or spaces (`O11€T` of an OCR garble) is no repair.
fn makes_letters(s: &str, t: &str) -> bool {
    if s.chars().count() != t.chars().count() {
        return true; // a multi-byte decoding: every character is new
    }
    // The new letter must stand in a Cyrillic word, not alone among Latin letters and digits.
    let tc: Vec<char> = t.chars().collect();
    s.chars().zip(tc.iter()).enumerate().any(|(i, (a, &b))| {
        a != b
            && is_kk_ru_letter(b)
            && ((i > 0 && is_kk_ru_letter(tc[i - 1]))
                || tc.get(i + 1).is_some_and(|&n| is_kk_ru_letter(n)))
    })
}

/// Minimum gain in total score for a repair (or a second step) to be taken: more than one odd
/// character or case flip must go.
const MARGIN: f64 = 3.0;

/// Whether a text has anything a wrong decoding leaves: non-ASCII that kk/ru text does not hold,
/// or letters at all (single-byte swaps map letters to letters).
fn worth_trying(s: &str) -> bool {
    !s.is_ascii()
}

/// The best chain (steps in the order they are undone) and its result, if it clearly beats `s`.
pub fn best_chain(s: &str) -> Option<(Vec<Step>, String)> {
    if !worth_trying(s) {
        return None;
    }
    if !strongly_suspicious(s) {
        return quiet_swap(s);
    }
    let base = score(s).0;
    let steps = all_steps();
    let mut level1: Vec<(f64, Step, String)> = Vec::new();
    for &st in &steps {
        let Some(t) = st.undo(s) else { continue };
        if t == s {
            continue;
        }
        level1.push((score(&t).0, st, t));
    }
    level1.sort_by(|a, b| b.0.total_cmp(&a.0));
    // Many steps give the same text (pages share most letters): the beam holds distinct texts.
    let mut distinct = std::collections::HashSet::new();
    let beam: Vec<&(f64, Step, String)> = level1
        .iter()
        .filter(|c| distinct.insert(c.2.as_str()))
        .take(BEAM)
        .collect();
    let mut best: Option<(f64, Vec<Step>, String)> =
        level1.first().map(|(p, st, t)| (*p, vec![*st], t.clone()));
    // Every candidate, for the lexical choice below.
    let mut all: Vec<(f64, Vec<Step>, String)> = level1
        .iter()
        .map(|(p, st, t)| (*p, vec![*st], t.clone()))
        .collect();
    // Two deep: expand the most plausible one-step results (a beam keeps this fast); a second
    // step must earn its place by a margin of its own.
    let mut best2: Option<(f64, Vec<Step>, String)> = None;
    for (_, st1, t1) in beam.into_iter().map(|c| (c.0, &c.1, &c.2)) {
        if !worth_trying(t1) {
            continue;
        }
        for &st2 in &steps {
            let Some(t2) = st2.undo(t1) else { continue };
            if t2 == *t1 || t2 == s {
                continue;
            }
            let p = score(&t2).0;
            if best2.as_ref().is_none_or(|(bp, _, _)| p > *bp) {
                best2 = Some((p, vec![*st1, st2], t2.clone()));
            }
            all.push((p, vec![*st1, st2], t2));
        }
    }
    if let Some(b2) = best2 {
        if best.as_ref().is_none_or(|b| b2.0 > b.0 + MARGIN) {
            best = Some(b2);
        }
    }
    let best = best?;
    // Chains that differ in a letter or two (Mac Cyrillic, KZ-1048, PT154 and CP866 put
    // different capitals on one byte: `Жокумент`/`Документ`, `Твейное`/`Швейное`) score about
    // alike on letter statistics; among the candidates about as plausible as the best, the one
    // that makes the most known word forms (and fewest case flips and misplaced marks) wins.
    let evidence = |t: &str| {
        lexical_evidence(t) + short_known_words(t) as i64
            - unpaired_closing(t) as i64
            - odd_chars(t) as i64
    };
    // Whether to repair is decided by the best score; which repair, by the evidence (a
    // candidate that reads worse than the input is no choice).
    if best.0 <= base + MARGIN {
        return None;
    }
    let best_ev = evidence(&best.2);
    let (_, chain, t) = all
        .into_iter()
        .filter(|c| c.0 >= best.0 - LEXICAL_WINDOW && c.0 > base)
        .map(|c| (evidence(&c.2), c))
        .filter(|(ev, _)| *ev > best_ev)
        .max_by(|a, b| a.0.cmp(&b.0).then(a.1 .0.total_cmp(&b.1 .0)))
        .map_or(best, |(_, c)| c);
    // A line of kk/ru letters and marks only (a swap between Cyrillic pages maps letters to
    // letters) is repaired on lexical evidence: the repair must make more known words. Letter
    // statistics alone would "repair" rare but right words (`Художественный`).
    repairs(s, &t).then_some((chain, t))
}

/// Whether `t` is a repair of `s` at all: it makes a letter in a kk/ru word, or it leaves no odd
/// character in a line of known words. A repair that makes no letter (windows-1251 read as Mac
/// Cyrillic changes only marks in a line without capitals: `Ђэлектронного правительстваї`) is
/// one only there: an English OCR's garble has no kk/ru words, and its lone `“` is a quote
/// (`“Tipapin` = `"Правил`), not a mark of another page.
fn repairs(s: &str, t: &str) -> bool {
    makes_letters(s, t) || (odd_chars(t) == 0 && known_words(t) >= 2)
}

/// Known words, less words with a capital after a lower-case start (`выЯвление`) and
/// typographic marks where text never has them (`’иповые`): what a quiet swap must improve.
fn lexical_evidence(s: &str) -> i64 {
    let chars: Vec<char> = s.chars().collect();
    let misplaced = (0..chars.len())
        .filter(|&i| {
            let c = chars[i];
            TYPOGRAPHY.contains(c)
                && !c.is_whitespace()
                && misplaced_mark(
                    c,
                    i.checked_sub(1).map(|k| chars[k]),
                    chars.get(i + 1).copied(),
                )
        })
        .count();
    let flipped = s
        .split(|c: char| !is_kk_ru_letter(c))
        .filter(|w| {
            w.chars().next().is_some_and(char::is_lowercase) && w.chars().any(char::is_uppercase)
        })
        .count();
    known_words(s) as i64 - flipped as i64 - misplaced as i64 - unpaired_quotes(&chars) as i64
}

/// Characters kk/ru text does not hold (not ASCII, a space, a typographic mark or a letter).
fn odd_chars(s: &str) -> usize {
    s.chars()
        .filter(|&c| {
            !(c.is_ascii() || c.is_whitespace() || TYPOGRAPHY.contains(c) || is_kk_ru_letter(c))
        })
        .count()
}

/// Known words of one or two letters (`В`, `и`, `на`, `от`): too common in mojibake to count as
/// evidence for a repair, but they decide between two repairs that differ only there (`В
/// случае` and `Р случае`: KZ-1048 and Mac Cyrillic put different capitals on one byte).
fn short_known_words(s: &str) -> usize {
    s.split(|c: char| !is_kk_ru_letter(c))
        .filter(|w| {
            let n = w.chars().count();
            // Two capitals are an abbreviation (`ФО`, `СЭ`), not a word.
            (1..=2).contains(&n) && {
                let chars: Vec<char> = w.chars().collect();
                normal_case_shape(&chars)
                    && !(n == 2 && chars.iter().all(|c| c.is_uppercase()))
                    && known_lower(&w.to_lowercase())
            }
        })
        .count()
}

/// Closing guillemets `»` with no `«` before them on the line. A quotation can run over lines,
/// so this is evidence only between candidate repairs of one damaged line (Mac Cyrillic `я`
/// and windows-1251 `»` share a byte: `лице»` for `лицея`), never for whether to repair.
fn unpaired_closing(s: &str) -> usize {
    let mut open = 0usize;
    let mut unpaired = 0;
    for c in s.chars() {
        match c {
            '«' => open += 1,
            '»' if open > 0 => open -= 1,
            '»' => unpaired += 1,
            _ => {}
        }
    }
    unpaired
}

/// English opening quotes `“` with no closing `”` after them: kk/ru text quotes with «» (and
/// Russian „…“ closes with `“`), so a lone `“` is a capital of another page (Mac Cyrillic `У`
/// and KZ-1048 `Т` share its windows-1251 byte).
fn unpaired_quotes(chars: &[char]) -> usize {
    // Linear: a line can be megabytes long, and a candidate page can turn every letter into `“`.
    let first_low = chars.iter().position(|&c| c == '„').unwrap_or(usize::MAX);
    let last_close = chars.iter().rposition(|&c| c == '”');
    chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| c == '“' && last_close.is_none_or(|j| j < i) && first_low >= i)
        .count()
}

/// Number of words of `s` (3+ kk/ru letters) that the training text has, written in a normal
/// case shape (lower, Capitalised or all caps: `свЯзанные` is not a known word).
fn known_words(s: &str) -> usize {
    s.split(|c: char| !is_kk_ru_letter(c))
        .filter(|w| {
            let chars: Vec<char> = w.chars().collect();
            chars.len() >= 3 && normal_case_shape(&chars) && known_lower(&w.to_lowercase())
        })
        .count()
}

/// A line without strong signs of mojibake (see [`strongly_suspicious`]) may still hold swapped
/// letters: capitals inside words (`выЯвление`), or one swapped letter (`«Ғділет»`: PT154
/// `ә` read as KZ-1048 `ғ`, which the two pages put on one byte). Only steps between two
/// Cyrillic single-byte pages can do that (letters to letters), one or two of them; such a
/// repair is taken when it keeps the line free of odd characters, makes more known words and
/// does not read worse.
fn quiet_swap(s: &str) -> Option<(Vec<Step>, String)> {
    let base = score(s).0;
    let known = lexical_evidence(s);
    let steps: Vec<Step> = all_steps()
        .into_iter()
        .filter(|st| {
            Page::CYRILLIC_SINGLE.contains(&st.truth) && Page::CYRILLIC_SINGLE.contains(&st.shown)
        })
        .collect();
    // One step, and two (a file saved again in a third page after a first swap): every
    // distinct result, a text reached in one step counted as one step.
    let mut seen = std::collections::HashSet::new();
    let mut cands: Vec<(Vec<Step>, String)> = Vec::new();
    for &st1 in &steps {
        if let Some(t1) = st1.undo(s).filter(|t| t != s) {
            if seen.insert(t1.clone()) {
                cands.push((vec![st1], t1));
            }
        }
    }
    // Two steps give many more texts to choose from: only on a line with evidence of a swap.
    let deep = if swap_evidence(s) { cands.len() } else { 0 };
    for i in 0..deep {
        let (st1, t1) = (cands[i].0[0], cands[i].1.clone());
        for &st2 in &steps {
            let Some(t2) = st2.undo(&t1) else { continue };
            if t2 != s && seen.insert(t2.clone()) {
                cands.push((vec![st1, st2], t2));
            }
        }
    }
    // Known words are the evidence here: the repair must make more of them than the input (a
    // second step more than any single step), keep the line free of odd characters, and not
    // read worse.
    let mut best: Option<(i64, bool, f64, Vec<Step>, String)> = None;
    for (chain, t) in cands {
        let ev = lexical_evidence(&t);
        if ev <= known || strongly_suspicious(&t) || !repairs(s, &t) {
            continue;
        }
        let p = score(&t).0;
        // A second step must earn its place by a margin, as in [`best_chain`].
        if p <= base || (chain.len() > 1 && p <= base + MARGIN) {
            continue;
        }
        let key = (ev, chain.len() == 1, p);
        if best.as_ref().is_none_or(|b| {
            (key.0, key.1)
                .cmp(&(b.0, b.1))
                .then(key.2.total_cmp(&b.2))
                .is_gt()
        }) {
            best = Some((ev, chain.len() == 1, p, chain, t));
        }
    }
    best.map(|b| (b.3, b.4))
}

/// How much less plausible than the best candidate (in total score) a candidate with more known
/// words may be and still win: about two letters' worth, so it only decides between chains that
/// read alike except for a letter or two.
const LEXICAL_WINDOW: f64 = 8.0;

/// One-step results expanded to a second step.
const BEAM: usize = 16;

/// Repair a text that may be mojibake as a whole, line by line: the chain is chosen on the whole
/// text, then undone on every line where it applies and helps; other lines are tried alone.
/// Returns the text and the number of lines changed (0 = unchanged).
pub fn fix_text(text: &str) -> (String, usize, Option<String>) {
    if !worth_trying(text) {
        return (text.to_string(), 0, None);
    }
    let sample: String = text
        .lines()
        .filter(|l| worth_trying(l))
        .take(200)
        .map(|l| head(l, DECIDE_BYTES))
        .collect::<Vec<_>>()
        .join("\n");
    let sample = head(&sample, 4 * DECIDE_BYTES);
    let doc_chain = best_chain(sample).map(|(c, _)| c);
    let mut changed = 0;
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let fixed = fix_line(line, doc_chain.as_deref());
        if fixed != line {
            changed += 1;
        }
        out.push_str(&fixed);
    }
    let label = doc_chain.map(|c| chain_label(&c));
    (out, changed, label)
}

fn apply_chain(s: &str, chain: &[Step]) -> Option<String> {
    let mut t = s.to_string();
    for st in chain {
        t = st.undo(&t)?;
    }
    Some(t)
}

fn fix_line(line: &str, doc_chain: Option<&[Step]>) -> String {
    if !worth_trying(line) {
        return line.to_string();
    }
    if let Some(chain) = doc_chain {
        if let Some(t) = apply_chain(line, chain) {
            if score(&t).0 >= score(line).0 {
                return t;
            }
        }
    }
    if line.len() > DECIDE_BYTES {
        // A huge line (a dump on one line) is one text: its chain is decided on its head, where
        // each candidate costs a pass, and then undone once over the whole line.
        return best_chain(head(line, DECIDE_BYTES))
            .and_then(|(chain, _)| apply_chain(line, &chain))
            .unwrap_or_else(|| line.to_string());
    }
    match best_chain(line) {
        Some((_, t)) => t,
        None => line.to_string(),
    }
}

/// Enough text to tell a wrong decoding from a right one (a few hundred words); candidate chains
/// are scored on at most this much of a line or a document.
const DECIDE_BYTES: usize = 16 * 1024;

/// The first `max` bytes of `s` or less, cut at a space (else at a letter boundary).
fn head(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    match s[..end].rfind(char::is_whitespace) {
        Some(i) if i > 0 => &s[..i],
        _ => &s[..end],
    }
}

/// The most plausible one- and two-step candidates for `s` (score, lexical evidence, chain,
/// text), best first, and the input's own figures: for `zan eval encoding --explain`, to see
/// why a line was (not) repaired.
pub fn explain(s: &str, top: usize) -> Vec<(f64, i64, String, String)> {
    let mut v = vec![(
        score(s).0,
        lexical_evidence(s),
        "input".to_string(),
        s.to_string(),
    )];
    let steps = all_steps();
    let mut seen = std::collections::HashSet::new();
    let mut c = Vec::new();
    for &a in &steps {
        let Some(t1) = a.undo(s) else { continue };
        for &b in &steps {
            if let Some(t2) = b.undo(&t1) {
                if seen.insert(t2.clone()) {
                    c.push((
                        score(&t2).0,
                        lexical_evidence(&t2),
                        chain_label(&[a, b]),
                        t2,
                    ));
                }
            }
        }
        if seen.insert(t1.clone()) {
            c.push((score(&t1).0, lexical_evidence(&t1), chain_label(&[a]), t1));
        }
    }
    c.sort_by(|x, y| y.0.total_cmp(&x.0));
    c.truncate(top);
    v.extend(c);
    v.push((
        f64::NAN,
        strongly_suspicious(s) as i64,
        format!(
            "strongly suspicious {} / swap evidence {}",
            strongly_suspicious(s),
            swap_evidence(s)
        ),
        best_chain(s).map_or("no repair".into(), |r| r.1),
    ));
    v
}

/// "UTF-8 read as windows-1251, then …".
pub fn chain_label(chain: &[Step]) -> String {
    chain
        .iter()
        .rev()
        .map(|s| s.label())
        .collect::<Vec<_>>()
        .join(", then ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The linear count agrees with the definition (a `“` with no `”` after it and no `„`
    /// before it) on every string of a small alphabet up to length 7.
    #[test]
    fn unpaired_quotes_matches_its_definition() {
        let alphabet = ['“', '”', '„', 'а'];
        for len in 0..=7u32 {
            for code in 0..4usize.pow(len) {
                let chars: Vec<char> = (0..len)
                    .map(|p| alphabet[code / 4usize.pow(p) % 4])
                    .collect();
                let naive = (0..chars.len())
                    .filter(|&i| {
                        chars[i] == '“'
                            && !chars[i + 1..].contains(&'”')
                            && !chars[..i].contains(&'„')
                    })
                    .count();
                assert_eq!(unpaired_quotes(&chars), naive, "{chars:?}");
            }
        }
    }

    #[test]
    fn an_ocr_garbles_lone_quote_is_no_mark_of_another_page() {
        // English OCR garble of `"Шартты` and `"Правил`: no kk/ru word, so turning the lone `“`
        // into `’` or a capital repairs nothing.
        for line in ["“UWaptrsi cosgay", "“Tipapin paccneqopaHHA Cry4aeB"] {
            assert_eq!(fix_text(line).1, 0, "{line}");
        }
        // A mark-only repair in a line of known words is still one (`лицИ` = `лиц»`).
        let clean = "настоящие правила определяют «порядок оказания услуги»";
        let st = Step {
            truth: Page::MacCyrillic,
            shown: Page::Cp1251,
        };
        let bad = st.garble(clean).unwrap();
        assert_ne!(bad, clean);
        assert_eq!(fix_text(&bad).0, clean);
    }

    #[test]
    fn tables_round_trip_every_byte() {
        for p in Page::SINGLE_BYTE {
            let bytes: Vec<u8> = (0u8..=255).collect();
            let s = p.decode(&bytes).unwrap();
            assert_eq!(p.encode(&s).unwrap(), bytes, "{}", p.name());
        }
    }

    #[test]
    fn classic_mojibake_is_undone() {
        let clean = "Закон Республики Казахстан";
        let s = Step {
            truth: Page::Utf8,
            shown: Page::Cp1251,
        };
        let bad = s.garble(clean).unwrap();
        assert!(bad.starts_with("Р—Р°РєРѕРЅ"), "{bad}");
        assert_eq!(best_chain(&bad).unwrap().1, clean);
        let kk = "Қазақстан Республикасының әділет министрлігінде";
        let s = Step {
            truth: Page::Kz1048,
            shown: Page::Cp1251,
        };
        assert_eq!(best_chain(&s.garble(kk).unwrap()).unwrap().1, kk);
    }

    /// Mac Cyrillic, KZ-1048, PT154 and CP866 put different capitals on one byte; the chain is
    /// chosen by the known words it makes, not by letter statistics alone.
    #[test]
    fn capitals_are_decided_by_known_words() {
        let clean = "Настоящие правила определяют порядок оказания услуги";
        let mac_as_pt154 = Step {
            truth: Page::MacCyrillic,
            shown: Page::Pt154,
        };
        let bad = mac_as_pt154.garble(clean).unwrap();
        assert_ne!(bad, clean);
        assert_eq!(fix_text(&bad).0, clean);
        let clean = "Документ составлен в двух экземплярах, имеющих одинаковую силу.";
        let chain = [
            Step {
                truth: Page::Cp1251,
                shown: Page::Koi8R,
            },
            Step {
                truth: Page::MacCyrillic,
                shown: Page::Cp866,
            },
        ];
        let mut bad = clean.to_string();
        for st in chain {
            bad = st.garble(&bad).unwrap();
        }
        assert_eq!(fix_text(&bad).0, clean);
    }

    /// A lone English quote where a capital stood (Mac Cyrillic `У` read as windows-1251).
    #[test]
    fn lone_quote_is_a_capital() {
        let clean = "Уведомление направляется заявителю в течение трех рабочих дней";
        let st = Step {
            truth: Page::MacCyrillic,
            shown: Page::Cp1251,
        };
        let bad = st.garble(clean).unwrap();
        assert!(bad.starts_with('“'), "{bad}");
        assert_eq!(fix_text(&bad).0, clean);
    }

    /// windows-1251 read as Mac Cyrillic changes only the marks of a line without capitals.
    #[test]
    fn marks_only_repair() {
        let clean = "2) веб-портал «электронного правительства» (далее – портал).";
        let st = Step {
            truth: Page::Cp1251,
            shown: Page::MacCyrillic,
        };
        let bad = st.garble(clean).unwrap();
        assert_ne!(bad, clean);
        assert_eq!(fix_text(&bad).0, clean);
    }

    #[test]
    fn clean_text_is_kept() {
        for s in [
            "Закон Республики Казахстан",
            "Қазақстан Республикасының әділет министрлігінде",
            "ПРИКАЗЫВАЮ:",
            "Café déjà vu",
            // A name that one page swap away is a word (`«. Рой`): no evidence of a swap.
            "**А. Цой**",
        ] {
            assert!(best_chain(s).is_none(), "{s}");
        }
    }
}
