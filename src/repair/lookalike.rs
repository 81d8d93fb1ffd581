//! Latin letters inside Cyrillic words → Cyrillic.
//!
//! Two kinds of contamination occur in the sources:
//! - homoglyphs typed on the wrong keyboard layout or produced by OCR (`шiлдедегi`, `cондай-ақ`):
//!   Latin `a c e o p x y i k m t` stand for the Cyrillic letters they look like;
//! - half-transliterated words from a PDF font with a Latin fallback (`kөrsetu`, `негізdemесімен`,
//!   `өндіrіp`): here the Latin letters are a phonetic transliteration, so `p` is `п` (not `р`)
//!   and `y` is `ы`. A word is treated as transliterated as soon as it contains a Latin letter that
//!   has no Cyrillic look-alike (`b d f g j l n q r s u v w z`).
//!
//! Only words (maximal letter runs; a hyphen separates words, so `SMS-уведомление` keeps `SMS`)
//! that hold *both* Cyrillic and Latin letters are touched; pure Latin words (URLs, `mGov`,
//! `Bilim`, e-mail) never are. Mixed all-capital codes with Latin-only capitals (`ККМFKZ`, a bank
//! code) are left alone, as are mostly-Latin words whose Cyrillic letters are themselves
//! look-alikes (Latin words with a stray Cyrillic letter).
//!
//! Latin `i`: Kazakh text (or a word with Kazakh-specific letters) gets `і`; in Russian words it
//! becomes `и`, since Russian has no `і` and the corpus' Russian files never use one. Latin schwa
//! `ə`/`Ə` is always `ә`/`Ә` in a Cyrillic word (`Дəленов`).
//!
//! A lone Latin `a c o y k` standing between two Cyrillic words of a Russian text is the
//! preposition/conjunction typed in Latin (`в соответствии c Законом`) and is mapped too.

use crate::model::Lang;

const KK_LETTERS: &str = "әғқңөұүһіӘҒҚҢӨҰҮҺІ";
/// Cyrillic letters that look like a Latin letter; a mostly-Latin word made only of these plus
/// Latin letters is a Latin word, not a Cyrillic one.
const CYR_HOMOGLYPHS: &str = "авекмнорстухіАВЕКМНОРСТУХІ";
/// Latin capitals with a Cyrillic twin.
const UPPER_HOMOGLYPHS: &str = "ABCEHKMOPTXYI";
/// Latin lowercase letters without a Cyrillic twin: their presence marks a transliterated word.
const TRANSLIT_MARKERS: &str = "bdfgjlnqrsuvwz";

pub fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}' | '\u{0500}'..='\u{052F}')
}

pub fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic() || c == 'ə' || c == 'Ə'
}

/// Digits belong to the word so that codes like `KKMFKZ2A` are judged as one token.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining(c)
}

fn is_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

/// Replace Latin letters inside Cyrillic words of one line; returns the line and the number of
/// letters replaced.
pub fn fix_lookalikes(line: &str, lang: Lang) -> (String, usize) {
    if !line.chars().any(is_latin) || !line.chars().any(is_cyrillic) {
        return (line.to_string(), 0);
    }
    // Split into alternating word / non-word segments.
    let mut segs: Vec<(bool, &str)> = Vec::new();
    let mut start = 0;
    let mut cur: Option<bool> = None;
    for (i, c) in line.char_indices() {
        let w = is_word_char(c);
        if cur != Some(w) {
            if let Some(prev) = cur {
                segs.push((prev, &line[start..i]));
            }
            start = i;
            cur = Some(w);
        }
    }
    if let Some(prev) = cur {
        segs.push((prev, &line[start..]));
    }

    // One transliterated word makes the whole line a transliteration (`өндіріp` next to
    // `kөrsetu` is `өндіріп`, not `өндірір`).
    let translit_line = segs.iter().any(|&(w, s)| {
        w && s.chars().any(is_cyrillic) && s.chars().any(|c| TRANSLIT_MARKERS.contains(c))
    });
    let mut out = String::with_capacity(line.len() + 8);
    let mut count = 0;
    for (i, &(is_word, s)) in segs.iter().enumerate() {
        if !is_word {
            out.push_str(s);
            continue;
        }
        if let Some((fixed, n)) = fix_word(s, lang, translit_line) {
            out.push_str(&fixed);
            count += n;
        } else if let Some(c) = lone_latin(&segs, i, lang) {
            out.push(c);
            count += 1;
        } else {
            out.push_str(s);
        }
    }
    (out, count)
}

/// A single Latin letter between Cyrillic words in Russian text (`c`, `a`, `o`, `y`, `k`).
fn lone_latin(segs: &[(bool, &str)], i: usize, lang: Lang) -> Option<char> {
    if lang != Lang::Ru {
        return None;
    }
    let s = segs[i].1;
    let mut chars = s.chars();
    let c = chars.next()?;
    if chars.next().is_some() {
        return None;
    }
    let mapped = match c {
        'a' => 'а',
        'c' => 'с',
        'o' => 'о',
        'y' => 'у',
        'k' => 'к',
        _ => return None,
    };
    // Separated from both neighbours by exactly one plain space, and the neighbours are Cyrillic.
    let before = segs.get(i.checked_sub(1)?)?;
    let after = segs.get(i + 1)?;
    if before.1 != " " || after.1 != " " {
        return None;
    }
    let prev_word = segs.get(i.checked_sub(2)?)?;
    let next_word = segs.get(i + 2)?;
    let cyr_word = |w: &str| w.chars().all(is_cyrillic);
    (cyr_word(prev_word.1) && cyr_word(next_word.1)).then_some(mapped)
}

/// Fix one word if it mixes scripts; `None` when it is left as it is.
fn fix_word(word: &str, lang: Lang, translit_line: bool) -> Option<(String, usize)> {
    let latin = word.chars().filter(|&c| is_latin(c)).count();
    let cyr = word.chars().filter(|&c| is_cyrillic(c)).count();
    if latin == 0 || cyr == 0 {
        return None;
    }
    let upper_latin_non_homo = word
        .chars()
        .filter(|&c| c.is_ascii_uppercase() && !UPPER_HOMOGLYPHS.contains(c))
        .count();
    let uppers = word.chars().filter(|c| c.is_uppercase()).count();
    if upper_latin_non_homo > 0 && uppers > 1 {
        return None; // a Latin code such as a bank identifier
    }
    if latin > cyr
        && word
            .chars()
            .filter(|&c| is_cyrillic(c))
            .all(|c| CYR_HOMOGLYPHS.contains(c))
    {
        return None; // a Latin word with a stray Cyrillic look-alike
    }
    let kazakh = lang == Lang::Kk || word.chars().any(|c| KK_LETTERS.contains(c));
    let translit = translit_line || word.chars().any(|c| TRANSLIT_MARKERS.contains(c));
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(word.len() + 4);
    let mut n = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if !is_latin(c) {
            out.push(c);
            i += 1;
            continue;
        }
        if translit {
            if let Some(&next) = chars.get(i + 1) {
                let digraph = match (c, next) {
                    ('s', 'h') => Some('ш'),
                    ('c', 'h') => Some('ч'),
                    ('z', 'h') => Some('ж'),
                    _ => None,
                };
                if let Some(d) = digraph {
                    out.push(d);
                    n += 2;
                    i += 2;
                    continue;
                }
            }
        }
        let lower = c.to_ascii_lowercase();
        let mapped = map_letter(lower, translit, kazakh);
        let mapped = if c.is_uppercase() {
            if c == 'Ə' {
                'Ә'
            } else {
                mapped.to_uppercase().next().unwrap_or(mapped)
            }
        } else {
            mapped
        };
        out.push(mapped);
        n += 1;
        i += 1;
    }
    Some((out, n))
}

fn map_letter(c: char, translit: bool, kazakh: bool) -> char {
    match c {
        'a' => 'а',
        'b' => {
            if translit {
                'б'
            } else {
                'в'
            }
        }
        'c' => 'с',
        'd' => 'д',
        'e' => 'е',
        'f' => 'ф',
        'g' => 'г',
        'h' => {
            if kazakh {
                'һ'
            } else {
                'х'
            }
        }
        'i' => {
            if kazakh {
                'і'
            } else {
                'и'
            }
        }
        'j' => 'ж',
        'k' => 'к',
        'l' => 'л',
        'm' => 'м',
        'n' => 'н',
        'o' => 'о',
        'p' => {
            if translit {
                'п'
            } else {
                'р'
            }
        }
        'q' => 'қ',
        'r' => 'р',
        's' => 'с',
        't' => 'т',
        'u' => 'у',
        'v' => 'в',
        'w' => 'у',
        'x' => 'х',
        'y' => {
            if translit {
                'ы'
            } else {
                'у'
            }
        }
        'z' => 'з',
        'ə' => 'ә',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kk(s: &str) -> String {
        fix_lookalikes(s, Lang::Kk).0
    }

    #[test]
    fn homoglyphs_in_kazakh_words() {
        assert_eq!(kk("2020 жылғы 6 шiлдедегi"), "2020 жылғы 6 шілдедегі");
        assert_eq!(kk("cондай-ақ"), "сондай-ақ");
        assert_eq!(kk("Мемлекеттіk қызметтер"), "Мемлекеттік қызметтер");
        assert_eq!(kk("Дəленов"), "Дәленов");
    }

    #[test]
    fn transliterated_fragments() {
        assert_eq!(kk("негізdemесімен"), "негіздемесімен");
        assert_eq!(kk("kөrsetu"), "көрсету");
        assert_eq!(kk("Көрсетіletіn"), "Көрсетілетін");
        assert_eq!(kk("өндіrіp"), "өндіріп");
        assert_eq!(kk("kөrsetu өндіріp"), "көрсету өндіріп");
        assert_eq!(kk("шығарып шiлдедегi p"), "шығарып шілдедегі p");
        assert_eq!(kk("жәne"), "және");
        assert_eq!(kk("қыzmettі"), "қызметті");
        assert_eq!(kk("сәйкестіgі"), "сәйкестігі");
    }

    #[test]
    fn latin_words_stay() {
        for s in [
            "www.egov.kz порталы",
            "SMS-уведомление",
            "сервисе Bilim мобильного приложения mGov.",
            "e-mail: info@edu.gov.kz",
            "БИК ККМFKZ2A",
            "БИК: ККМFKZ2AКБК: 108125",
        ] {
            assert_eq!(fix_lookalikes(s, Lang::Ru).0, s);
            assert_eq!(kk(s), s);
        }
    }

    #[test]
    fn russian_words() {
        let ru = |s: &str| fix_lookalikes(s, Lang::Ru).0;
        assert_eq!(ru("Cлужба"), "Служба");
        assert_eq!(ru("AКБК"), "АКБК");
        assert_eq!(ru("прiказ"), "приказ");
        assert_eq!(ru("в соответствии c Законом"), "в соответствии с Законом");
        assert_eq!(ru("пункт a) исключить"), "пункт a) исключить");
    }

    #[test]
    fn counts_letters() {
        assert_eq!(fix_lookalikes("шiлдедегi", Lang::Kk).1, 2);
    }
}
