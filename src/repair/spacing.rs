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
                out.push(split_known(&run.concat(), lang));
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

/// A joined run that is no known word but splits into known words is those words: where the
/// double space between spaced-out words was lost (`т е х н и ч е с к о г о и` is
/// `технического и`). Fewest parts win, then the split whose parts are most unequal (one long
/// word and a short one, not two halves). Unknown joins stay whole (names, rare words).
fn split_known(word: &str, lang: Lang) -> String {
    let Some(model) = crate::repair::ocr::model(lang) else {
        return word.to_string();
    };
    let core = word.trim_end_matches(|c: char| !c.is_alphabetic());
    let tail = &word[core.len()..];
    let chars: Vec<char> = core.chars().collect();
    let n = chars.len();
    if n < 3 || model.knows(core) {
        return word.to_string();
    }
    let known = |a: usize, b: usize| model.knows(&chars[a..b].iter().collect::<String>());
    // best[i]: (parts, -Σ len², previous cut) of the best split of chars[..i] into known words.
    let mut best: Vec<Option<(usize, i64, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0, 0));
    for i in 1..=n {
        for j in 0..i {
            let Some((parts, sq, _)) = best[j] else {
                continue;
            };
            if parts >= 3 || !known(j, i) {
                continue;
            }
            let len = (i - j) as i64;
            let cand = (parts + 1, sq - len * len, j);
            if best[i].is_none_or(|b| (cand.0, cand.1) < (b.0, b.1)) {
                best[i] = Some(cand);
            }
        }
    }
    let Some((parts, _, _)) = best[n] else {
        return word.to_string();
    };
    if parts < 2 {
        return word.to_string();
    }
    let mut cuts = vec![n];
    let mut i = n;
    while i > 0 {
        i = best[i].map_or(0, |b| b.2);
        cuts.push(i);
    }
    cuts.reverse();
    let words: Vec<String> = cuts
        .windows(2)
        .map(|w| chars[w[0]..w[1]].iter().collect())
        .collect();
    format!("{}{tail}", words.join(" "))
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
    fn lost_word_gap_is_found_by_the_lexicon() {
        // The double space before `и` was lost: the join is no word, its split is two.
        assert_eq!(
            join_spaced_letters("т е х н и ч е с к о г о и", Lang::Ru).0,
            "технического и"
        );
        assert_eq!(
            join_spaced_letters("П Р И К А З Ы В А Ю:", Lang::Ru).0,
            "ПРИКАЗЫВАЮ:"
        );
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
