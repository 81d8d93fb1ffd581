//! Acronyms a text defines (`учебно-методический комплекс (УМК)`, `Национальная образовательная
//! база данных (далее – НОБД)`, `Білім және ғылым министрлігі (бұдан әрі – БҒМ)`).
//!
//! An acronym is no word of any lexicon, and its garble (`YMK`, `HOBJ]`) reads as some short
//! known word instead (`упк`, `нова`): on the development pairs 120 of 730 Russian word errors
//! were acronyms, six in ten of the acronyms printed. Yet the text spells each one out where it
//! defines it: its letters are the initials of the words just before the bracket. So at a
//! definition the initials of the words read before it are tried against the garble under the
//! channel, and an acronym that fits is read there and remembered; the text's later garble of
//! it is then read against the acronyms it has defined, also before a Kazakh case ending
//! (`ОӘК-мен`). No crate does this; the weights are tuned on the development pairs.

use super::{tuning_hook, OcrModel};
use once_cell::sync::Lazy;

/// The bonus (nats) of a defined acronym's reading of a later garble on top of its channel
/// score, and the lowest channel log P per garbled glyph at which an acronym reads a garble
/// (`ZAN_OCR_ACRONYM="bonus,floor"`, a tuning hook; a floor of 0 or more: off). All of this
/// module against none (off reads as before it), on the eight development sets (sum of WER):
/// Russian 52.87 -> 51.43, Kazakh 75.84 -> 74.11; four acts read whole (dev5) 7.37 -> 6.41 and
/// 10.35 -> 9.70; dev6 4.29 -> 4.21 and 5.50 -> 5.33. Floors -2, -2.5, -3 and -4 did less well
/// in Russian (51.9-52.1), bonuses 2 to 8 alike (51.70), -2 and -4 no better.
static SETTINGS: Lazy<(f32, f32)> =
    Lazy::new(|| tuning_hook("ZAN_OCR_ACRONYM", 2).map_or((0.0, -3.5), |v| (v[0], v[1])));

/// The floor per glyph at a definition that says `(далее –` / `(бұдан әрі –`, which leaves
/// less doubt than a bracket alone (`ZAN_OCR_ACRONYM_SAID`, a tuning hook). Left at the general
/// floor: -4.5 to -7 moved the sets by a word or two either way.
static SAID_FLOOR: Lazy<f32> =
    Lazy::new(|| tuning_hook("ZAN_OCR_ACRONYM_SAID", 1).map_or(-3.5, |v| v[0]));

/// How many words may stand between the phrase an acronym spells and its bracket (`… учетам
/// Генеральной прокуратуры (далее – КПСиСУ)`; `ZAN_OCR_ACRONYM_SKIP`, a tuning hook). Left at
/// 0: 2 or 4 fixed that but misread `(при его наличии)` and `(ИИН)`, Russian sum 51.49 -> 51.61.
pub static SKIP_WORDS: Lazy<usize> =
    Lazy::new(|| tuning_hook("ZAN_OCR_ACRONYM_SKIP", 1).map_or(0, |v| v[0] as usize));

/// How much worse than the reading it replaces an acronym may fit the garble at a definition
/// (`ZAN_OCR_ACRONYM_OVER`, a tuning hook): a guard for words in brackets that are no acronym.
/// Russian whole acts (dev5, measured with the `(далее –` floor at -4.5): 6.38 at 4, 6.58 at 2,
/// 6.79 at 0, 6.41 without.
pub static OVER_MARGIN: Lazy<f32> =
    Lazy::new(|| tuning_hook("ZAN_OCR_ACRONYM_OVER", 1).map_or(4.0, |v| v[0]));

/// Acronyms no text defines read by the channel alone (`OcrModel::channel_acronym`): their
/// cost per letter and fixed cost on top of the channel's log P, and the fewest letters
/// (`ZAN_OCR_ACRONYM_FREE="per_letter,fixed,min"`, a tuning hook; a fixed cost of -inf: off).
/// -2, 0, 3 against off, on the eight development sets (sum of WER): Russian 50.29 -> 49.67,
/// Kazakh 74.11 -> 73.86; whole acts (dev5) 6.21 -> 6.18 and 9.70 the same; dev6 the same.
/// -1.5 and -2.5 a letter alike; no cost at all read common words as acronyms (Russian dev5
/// 6.38), and so did two letters at the least (Kazakh sum 73.92).
pub static FREE: Lazy<(f32, f32, f32)> = Lazy::new(|| {
    tuning_hook("ZAN_OCR_ACRONYM_FREE", 3).map_or((-2.0, 0.0, 3.0), |v| (v[0], v[1], v[2]))
});

/// Whether acronyms are read at all.
pub fn enabled() -> bool {
    SETTINGS.1 < 0.0
}

/// log P of a glyph the channel never saw for a letter, and of a glyph no letter emitted (the
/// stray `]` of `HOBJ]`): a garble that fits an acronym but for one glyph still fits it.
const UNSEEN: f32 = -9.0;
const STRAY: f32 = -7.0;

/// Most letters an acronym has (`КПСиСУ`, `ЦЭСО`).
const MAX_LETTERS: usize = 7;

/// The acronyms a text has defined so far, as printed (`УМК`, `КПСиСУ`).
#[derive(Clone, Debug, Default)]
pub struct Acronyms {
    forms: Vec<String>,
    /// The same in lower case, as readings spell them (looked up for every decoded token).
    lower: Vec<String>,
    /// The last words of the lines before, as repaired: a definition's phrase may begin two
    /// lines up (`обязательных` / `пенсионных взносов работодателя` / `(далее – ОПВР)`).
    recent: std::collections::VecDeque<String>,
}

/// Most words of the lines before kept for a definition's phrase.
const RECENT: usize = 16;

impl Acronyms {
    /// Keeps the last words of a line as repaired.
    pub fn push_line(&mut self, line: &str) {
        for w in line.split_whitespace() {
            if self.recent.len() == RECENT {
                self.recent.pop_front();
            }
            self.recent.push_back(w.to_string());
        }
    }

    /// The words of the lines before, oldest first.
    pub fn recent(&self) -> impl DoubleEndedIterator<Item = &String> {
        self.recent.iter()
    }

    /// Remembers `form` (as printed), once.
    pub fn add(&mut self, form: &str) {
        if !self.forms.iter().any(|f| f == form) {
            self.forms.push(form.to_string());
            self.lower.push(form.to_lowercase());
        }
    }

    /// The acronyms defined so far, as printed and in lower case.
    pub fn forms(&self) -> impl Iterator<Item = (&str, &str)> {
        self.forms
            .iter()
            .zip(&self.lower)
            .map(|(f, l)| (f.as_str(), l.as_str()))
    }

    /// Whether no acronym is defined yet.
    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }

    /// The printed form of a reading's letters (lower case) where they are a defined acronym.
    pub fn form_of(&self, low: &str) -> Option<&str> {
        self.forms().find(|(_, l)| *l == low).map(|(f, _)| f)
    }

    /// Adds the acronyms a clean line defines: `(УМК)`, `(далее – НОБД)`.
    pub fn scan_clean(&mut self, line: &str) {
        static DEFINED: Lazy<regex::Regex> = Lazy::new(|| {
            regex::Regex::new(r"\((?:(?:далее|бұдан әрі)\s*[–—-]\s*)?(\w{2,7})\)")
                .expect("the acronym definition pattern")
        });
        if !line.contains('(') {
            return;
        }
        for c in DEFINED.captures_iter(line) {
            let w = &c[1];
            if is_acronym(w) {
                self.add(w);
            }
        }
    }
}

/// Whether `w` is written as an acronym: Cyrillic letters, at least two capitals and at most
/// one small letter (`КПСиСУ`), no more than `MAX_LETTERS`.
fn is_acronym(w: &str) -> bool {
    let n = w.chars().count();
    let up = w.chars().filter(|c| c.is_uppercase()).count();
    (2..=MAX_LETTERS).contains(&n)
        && w.chars().all(|c| c.is_alphabetic() && !c.is_ascii())
        && up >= 2
        && up + 1 >= n
}

/// The garbled letters of a token shaped like an acronym's garble, with the signs before and
/// after them (`(YMK),` → `(`, `YMK`, `),`): Latin capitals (one small letter allowed, `u` for
/// и in `KIICuCY`), stray strokes and digits and signs that stand for letters (`2KBM3X` =
/// ЖБМЗЖ), two to ten glyphs. Allowing `2 7 ? % > @` and every digit (was `0 3 6 9`): Kazakh
/// sum of WER 74.19 -> 74.11, dev5 9.82 -> 9.70, dev6 5.50 -> 5.33; Russian the same.
pub fn shape(tok: &str) -> Option<(&str, &str, &str)> {
    let lead = |c: char| matches!(c, '(' | '"' | '«' | '“' | '„');
    let trail = |c: char| matches!(c, ')' | ',' | '.' | ';' | ':' | '"' | '»' | '”');
    let core = tok.trim_start_matches(lead);
    let start = tok.len() - core.len();
    let core = core.trim_end_matches(trail);
    let end = start + core.len();
    let n = core.chars().count();
    let up = core.chars().filter(char::is_ascii_uppercase).count();
    let low = core.chars().filter(char::is_ascii_lowercase).count();
    let other_ok = core.chars().all(|c| {
        c.is_ascii_alphabetic() || matches!(c, ']' | '[' | '|' | '?' | '%' | '>' | '@' | '0'..='9')
    });
    ((2..=10).contains(&n) && up >= 2 && low <= 1 && other_ok)
        .then(|| (&tok[..start], core, &tok[end..]))
}

/// Small words an acronym leaves out (`Комитет по правовой статистике` = КПС) or writes small
/// (`и` in `КПСиСУ`).
const SKIPPED: &[&str] = &[
    "и", "в", "во", "по", "на", "с", "со", "о", "об", "для", "из", "к", "от", "при", "за", "және",
    "мен", "бен", "пен", "мен", "үшін", "а",
];

/// The acronyms the words before a definition could make (`учебно-методический комплекс` →
/// `УМК`): the initials of their last one to seven words, each part of a hyphenated word
/// counting, small words left out, or `и` kept small.
pub fn initials(words: &[String], compound: impl Fn(&str) -> Option<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // Initials of each word from the end: (initial letters, the same with a compound's parts
    // each giving one, whether a small word).
    let mut parts: Vec<(String, String, bool)> = Vec::new();
    for w in words.iter().rev() {
        let low = w.to_lowercase();
        let small = SKIPPED.contains(&low.as_str());
        let ini: String = low
            .split('-')
            .filter_map(|p| p.chars().next())
            .filter(|c| c.is_alphabetic())
            .collect();
        if ini.is_empty() {
            break;
        }
        let joined: String = low
            .split('-')
            .filter_map(|p| compound(p).or_else(|| p.chars().next().map(String::from)))
            .collect();
        parts.push((ini, joined, small));
        if parts.iter().filter(|p| !p.2).count() > MAX_LETTERS {
            break;
        }
        // The acronym starts at a word that is not a small one.
        if small {
            continue;
        }
        for (keep_i, compounds) in [(false, false), (true, false), (false, true), (true, true)] {
            let mut s = String::new();
            for (ini, joined, small) in parts.iter().rev() {
                let ini = if compounds { joined } else { ini };
                if !small {
                    s.extend(ini.chars().flat_map(char::to_uppercase));
                } else if keep_i && ini == "и" {
                    s.push('и');
                }
            }
            if is_acronym(&s) && !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

/// log P of each letter of the Russian and Kazakh alphabets as the first letter of a word of
/// `text` (lower case).
pub fn initial_letters(text: &str) -> rustc_hash::FxHashMap<char, f32> {
    let mut n: rustc_hash::FxHashMap<char, u32> = rustc_hash::FxHashMap::default();
    let mut total = 0u32;
    for w in text.split(|c: char| !c.is_alphabetic()) {
        let Some(c) = w.chars().next().and_then(|c| c.to_lowercase().next()) else {
            continue;
        };
        if ('а'..='я').contains(&c) || "әғқңөұүһіё".contains(c) {
            *n.entry(c).or_insert(0) += 1;
            total += 1;
        }
    }
    n.into_iter()
        .map(|(c, k)| (c, (k as f32 / total.max(1) as f32).ln()))
        .collect()
}

impl OcrModel {
    /// The initials of a compound word's parts (`внешнеэкономической` → `вэ`, as in ВЭД), where
    /// it splits after a linking `о` or `е` into a first part of four letters or more and a
    /// word of five or more the training text has; else None.
    pub(super) fn compound_initials(&self, word: &str) -> Option<String> {
        let w: Vec<char> = word.chars().collect();
        (4..w.len().saturating_sub(4)).find_map(|i| {
            let rest: String = w[i..].iter().collect();
            (matches!(w[i - 1], 'о' | 'е') && self.lex.contains(&rest)).then(|| {
                let tail = self
                    .compound_initials(&rest)
                    .unwrap_or_else(|| w[i].to_string());
                format!("{}{tail}", w[0])
            })
        })
    }

    /// log P of `garble` printed for `word` (lower case) under the channel: the best monotone
    /// alignment in which each letter emits one to three glyphs (or none, as the channel drops
    /// it), an unseen glyph or a stray one at a fixed cost. Unlike the decoder's searches this
    /// scores one given word, so it needs no lexicon.
    pub(super) fn channel_fit(&self, garble: &str, word: &str) -> f32 {
        let g: Vec<char> = garble.chars().collect();
        let w: Vec<char> = word.chars().collect();
        let (n, m) = (g.len(), w.len());
        let mut f = vec![f32::NEG_INFINITY; (n + 1) * (m + 1)];
        let at = |i: usize, j: usize| i * (m + 1) + j;
        f[0] = 0.0;
        let mut key = String::new();
        for i in 0..=n {
            for j in 0..=m {
                let here = f[at(i, j)];
                if here == f32::NEG_INFINITY {
                    continue;
                }
                if i < n {
                    // A stray glyph.
                    let s = &mut f[at(i + 1, j)];
                    *s = s.max(here + STRAY);
                }
                if j == m {
                    continue;
                }
                let letter = w[j];
                if let Some(c) = self.channel.dropped.iter().find(|c| c.c == letter) {
                    let s = &mut f[at(i, j + 1)];
                    *s = s.max(here + c.logp);
                }
                for len in 1..=super::channel::MAX_GLYPHS.min(n - i) {
                    key.clear();
                    key.extend(&g[i..i + len]);
                    let lp = self
                        .channel
                        .table
                        .get(key.as_str())
                        .and_then(|v| v.iter().find(|c| c.c == letter))
                        .map(|c| c.logp);
                    let lp = match (lp, len) {
                        (Some(lp), _) => lp,
                        (None, 1) => UNSEEN,
                        (None, _) => continue,
                    };
                    let s = &mut f[at(i + len, j + 1)];
                    *s = s.max(here + lp);
                }
            }
        }
        f[at(n, m)]
    }

    /// The best of `candidates` (acronyms as printed) for the garbled letters `core`, where it
    /// fits the garble at least as well as the floor per glyph.
    pub(super) fn fitting_acronym<'a>(
        &self,
        core: &str,
        candidates: impl IntoIterator<Item = &'a String>,
        said: bool,
    ) -> Option<(&'a String, f32)> {
        let per_glyph = if said { *SAID_FLOOR } else { SETTINGS.1 };
        let floor = per_glyph * core.chars().count() as f32;
        candidates
            .into_iter()
            .map(|a| (a, self.channel_fit(core, &a.to_lowercase())))
            .filter(|(_, s)| *s >= floor)
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// The acronym (as printed) the channel alone reads best from the garbled letters `core`,
    /// with its log P: each garbled string read as the letter it most likely stands for, by the
    /// channel and by how often words begin with it (`initial_letters`: an acronym's letters
    /// are initials, and the shared channel holds the other language's letters too), one to
    /// three glyphs a letter, a stray glyph at a fixed cost. Letters no acronym has (`Ъ Ь Ы Й
    /// Ё`) are left out. For acronyms no text defines (`ИПН`, `ТСК`), whose garble the lexicon
    /// reads as a short word (`или`, `тек`); None for fewer than `FREE.2` letters.
    pub(super) fn channel_acronym(&self, core: &str) -> Option<(String, f32)> {
        let g: Vec<char> = core.chars().collect();
        let n = g.len();
        let mut best: Vec<Option<(f32, String)>> = vec![None; n + 1];
        best[0] = Some((0.0, String::new()));
        let mut key = String::new();
        for i in 0..n {
            let Some((here, text)) = best[i].clone() else {
                continue;
            };
            let mut relax = |j: usize, s: f32, c: Option<char>| {
                if best[j].as_ref().is_none_or(|b| s > b.0) {
                    let mut t = text.clone();
                    t.extend(c);
                    best[j] = Some((s, t));
                }
            };
            relax(i + 1, here + STRAY, None);
            for len in 1..=super::channel::MAX_GLYPHS.min(n - i) {
                key.clear();
                key.extend(&g[i..i + len]);
                let Some(cands) = self.channel.table.get(key.as_str()) else {
                    continue;
                };
                let top = cands
                    .iter()
                    .filter(|c| !matches!(c.c, 'ъ' | 'ь' | 'ы' | 'й' | 'ё'))
                    .filter_map(|c| Some((c.c, c.logp + self.initials.get(&c.c)?)))
                    .max_by(|a, b| a.1.total_cmp(&b.1));
                if let Some((c, lp)) = top {
                    // A small glyph stands for a small letter (`u` for и in `KIICuCY`).
                    let small = g[i..i + len].iter().all(char::is_ascii_lowercase);
                    let c = if small {
                        c
                    } else {
                        c.to_uppercase().next().unwrap_or(c)
                    };
                    relax(i + len, here + lp, Some(c));
                }
            }
        }
        let (s, t) = best[n].clone()?;
        (t.chars().count() >= FREE.2 as usize).then_some((t, s))
    }

    /// The score of a defined acronym's reading (`low`, lower case) of a later garble: its
    /// channel score and the bonus, where it fits as well as the floor per glyph.
    pub(super) fn acronym_score(&self, core: &str, low: &str) -> Option<f32> {
        let s = self.channel_fit(core, low);
        (s >= SETTINGS.1 * core.chars().count() as f32).then_some(s + SETTINGS.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Lang;

    #[test]
    fn initials_of_the_words_before_make_the_acronym() {
        let w = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        let none = |_: &str| None;
        let umk = initials(&w("учебники и учебно-методический комплекс"), none);
        assert!(umk.contains(&"УМК".into()));
        let k = initials(
            &w("Комитет по правовой статистике и специальным учетам"),
            none,
        );
        assert!(k.contains(&"КПСиСУ".into()), "{k:?}");
        assert!(k.contains(&"КПССУ".into()));
        // A small word opens no acronym.
        assert!(!k.iter().any(|a| a.starts_with('И')));
        // A compound word's parts each give a letter.
        let ru = super::super::model(Lang::Ru).expect("the embedded Russian model");
        let v = initials(
            &w("участников внешнеэкономической деятельности"),
            |p| ru.compound_initials(p),
        );
        assert!(v.contains(&"ВЭД".into()), "{v:?}");
    }

    #[test]
    fn garble_shaped_like_an_acronym_is_told_from_words() {
        assert_eq!(shape("(YMK),"), Some(("(", "YMK", "),")));
        assert_eq!(shape("HOBJ]"), Some(("", "HOBJ]", "")));
        assert_eq!(shape("KIICuCY"), Some(("", "KIICuCY", "")));
        // Kazakh ж read as `2K`, `?K`.
        assert_eq!(shape("2KBM3X,"), Some(("", "2KBM3X", ",")));
        assert_eq!(shape("2020"), None);
        assert_eq!(shape("yueOHHKOB"), None);
        assert_eq!(shape("u"), None);
        assert_eq!(shape("MOTHBHEPOBAHHOM"), None);
    }

    #[test]
    fn the_channel_fits_an_acronym_to_its_garble_better_than_another() {
        let ru = super::super::model(Lang::Ru).expect("the embedded Russian model");
        let good = ru.channel_fit("YMK", "умк");
        let other = ru.channel_fit("YMK", "нобд");
        assert!(good > other + 5.0, "{good} {other}");
        let mut a = Acronyms::default();
        a.scan_clean("в Национальную образовательную базу данных (далее – НОБД) и (УМК)");
        a.scan_clean("органа (далее – Министерство)");
        let forms: Vec<&str> = a.forms().map(|(f, _)| f).collect();
        assert_eq!(forms, ["НОБД", "УМК"]);
    }

    #[test]
    fn the_channel_alone_spells_an_acronym_no_text_defines() {
        let ru = super::super::model(Lang::Ru).expect("the embedded Russian model");
        let read = |g: &str| ru.channel_acronym(g).map(|(form, _)| form);
        assert_eq!(read("YMK").as_deref(), Some("УМК"));
        assert_eq!(read("TCK").as_deref(), Some("ТСК"));
        // A small glyph is a small letter (`и` of `КПСиСУ`).
        assert_eq!(read("KIICuCY").as_deref(), Some("КПСиСУ"));
        // Too short: two letters are mostly a small word (`по`, `от`).
        assert_eq!(read("NO"), None);
    }
}
