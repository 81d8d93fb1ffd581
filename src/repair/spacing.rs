//! Letter-spaced words (`т е х н и ч е с к о г о` → `технического`).
//!
//! PDF text layers render tracked (spaced-out) headings as one letter per glyph with a space
//! between. A run of single Cyrillic letters separated by single spaces is joined when it has at
//! least 4 letters, or 3 letters of which at most one could be a one-letter word of the language
//! (Russian `а в и к о с у я`), so genuine sequences like `и в` / `с и в` stay. In such a line the
//! words of the spaced text are separated by double spaces; those become single spaces too.

use super::lookalike::is_cyrillic;
use crate::model::Lang;

const RU_ONE_LETTER_WORDS: &str = "авиксоуяАВИКСОУЯ";

/// Join letter-spaced words; returns the line and the number of words joined.
pub fn join_spaced_letters(line: &str, lang: Lang) -> (String, usize) {
    // Tokens separated by exactly one space; "" marks where a longer space run was.
    let parts: Vec<&str> = line.split(' ').collect();
    let single = |p: &str| {
        let mut it = p.chars();
        matches!((it.next(), it.next()), (Some(c), None) if is_cyrillic(c) && c.is_alphabetic())
    };
    // The last letter of a spaced word may carry the punctuation that follows the word.
    let single_punct = |p: &str| {
        let mut it = p.chars();
        it.next()
            .is_some_and(|c| is_cyrillic(c) && c.is_alphabetic())
            && it
                .as_str()
                .chars()
                .all(|c| c.is_ascii_punctuation() || "»”".contains(c))
    };
    let mut out: Vec<String> = Vec::with_capacity(parts.len());
    let mut joined = 0;
    let mut i = 0;
    while i < parts.len() {
        if single(parts[i]) {
            let mut j = i;
            while j < parts.len() && single(parts[j]) {
                j += 1;
            }
            if j < parts.len() && j > i && single_punct(parts[j]) {
                j += 1;
            }
            let run = &parts[i..j];
            if is_spaced_word(run, lang) {
                out.push(run.concat());
                joined += 1;
            } else {
                out.extend(run.iter().map(|s| s.to_string()));
            }
            i = j;
        } else {
            out.push(parts[i].to_string());
            i += 1;
        }
    }
    if joined == 0 {
        return (line.to_string(), 0);
    }
    // Collapse the double spaces that separated the spaced-out words (keep the indentation).
    let text = out.join(" ");
    let indent = text.len() - text.trim_start_matches(' ').len();
    let (lead, rest) = text.split_at(indent);
    let mut body = String::with_capacity(rest.len());
    let mut spaces = 0;
    let flush = |body: &mut String, spaces: usize| {
        let n = if spaces == 2 { 1 } else { spaces };
        body.extend(std::iter::repeat_n(' ', n));
    };
    for c in rest.chars() {
        if c == ' ' {
            spaces += 1;
            continue;
        }
        flush(&mut body, spaces);
        spaces = 0;
        body.push(c);
    }
    flush(&mut body, spaces);
    (format!("{lead}{body}"), joined)
}

fn is_spaced_word(run: &[&str], lang: Lang) -> bool {
    match run.len() {
        0..=2 => false,
        3 => {
            let words = run
                .iter()
                .filter(|s| {
                    lang == Lang::Ru
                        && s.chars()
                            .next()
                            .is_some_and(|c| RU_ONE_LETTER_WORDS.contains(c))
                })
                .count();
            words <= 1
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_spaced_words() {
        assert_eq!(
            join_spaced_letters("т е х н и ч е с к о г о  и  ", Lang::Ru).0,
            "технического и "
        );
        assert_eq!(
            join_spaced_letters("      П Р И К А З Ы В А Ю:", Lang::Ru),
            ("      ПРИКАЗЫВАЮ:".to_string(), 1)
        );
        assert_eq!(join_spaced_letters("б е с", Lang::Ru).0, "бес");
    }

    #[test]
    fn keeps_genuine_single_letter_words() {
        for s in [
            "в соответствии с и в порядке",
            "к и в области",
            "права и обязанности с у с",
            "а) б) в) г)",
        ] {
            assert_eq!(join_spaced_letters(s, Lang::Ru).0, s);
        }
    }
}
