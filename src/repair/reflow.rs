//! `--reflow`: rebuild paragraphs of text extracted from a PDF. Page furniture goes first: page
//! numbers (`- 3 -`, `Страница 3 из 10`, `3-бет`, a bare number), running headers/footers (a
//! line repeated next to page breaks, i.e. blank runs, on 3+ pages) and runs of blank lines
//! (collapsed to one). Then lines broken inside a paragraph are joined (a hyphen at a line break
//! joins the word halves). Letter-spaced justification ("П р и к а з") is closed up by the
//! repair that runs before.

use std::collections::HashMap;

/// Whether a line is only a page number.
fn is_page_number(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() || t.chars().count() > 40 {
        return false;
    }
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let inner = t.trim_matches(|c: char| c == '-' || c == '–' || c == '—' || c.is_whitespace());
    if digits(inner) {
        return true;
    }
    let lower = t.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    // "Страница 3 из 10", "Стр. 3", "Page 3 of 10", "3-бет", "3 бет".
    match words.as_slice() {
        [w, n] if ["страница", "стр.", "page", "бет"].contains(w) && digits(n) => {
            true
        }
        [n, "бет"] if digits(n) => true,
        [w, n, "из" | "of", m]
            if ["страница", "стр.", "page"].contains(w) && digits(n) && digits(m) =>
        {
            true
        }
        [one] => one.strip_suffix("-бет").is_some_and(digits),
        _ => false,
    }
}

/// Drop page numbers and running headers/footers, collapse blank runs.
fn drop_page_furniture(lines: &[&str]) -> Vec<String> {
    // Lines next to a blank line (where page breaks are), counted; one seen there on 3+ pages
    // is a running header or footer. Body lines seldom repeat exactly at page edges.
    // Page numbers mark page breaks as blank lines do.
    let brk = |l: &str| l.trim().is_empty() || is_page_number(l);
    let mut edge: HashMap<&str, usize> = HashMap::new();
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim();
        if brk(t) {
            continue;
        }
        let near_blank = i == 0 || brk(lines[i - 1]) || lines.get(i + 1).is_none_or(|n| brk(n));
        if near_blank {
            *edge.entry(t).or_default() += 1;
        }
    }
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    for l in lines {
        let t = l.trim();
        if is_page_number(t) || (!t.is_empty() && edge.get(t).is_some_and(|&n| n >= 3)) {
            continue;
        }
        if t.is_empty() && out.last().is_none_or(|p| p.trim().is_empty()) {
            continue;
        }
        out.push(l.to_string());
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out
}

/// Join lines broken inside a paragraph: a line that does not end a sentence or a list item and
/// is followed by a line starting in lower case is joined to it (hyphenated breaks lose the hyphen).
pub fn reflow_text(text: &str) -> String {
    let raw: Vec<&str> = text.lines().collect();
    let kept = drop_page_furniture(&raw);
    // A paragraph broken by a page break: the blank line left between its halves goes too.
    let mut lines: Vec<&str> = Vec::with_capacity(kept.len());
    for (i, l) in kept.iter().enumerate() {
        let blank = l.trim().is_empty();
        let prev_open = lines.last().is_some_and(|p: &&str| {
            !p.trim().is_empty() && !p.trim_end().ends_with(['.', ':', ';', '!', '?', '»', '"'])
        });
        let next_lower = kept
            .get(i + 1)
            .and_then(|n| n.trim_start().chars().next())
            .is_some_and(|c| c.is_lowercase());
        if blank && prev_open && next_lower {
            continue;
        }
        lines.push(l);
    }
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line.trim_end());
        let next = lines.get(i + 1).map(|l| l.trim_start()).unwrap_or("");
        let ends = line
            .trim_end()
            .ends_with(['.', ':', ';', '!', '?', '»', '"'])
            || line.trim().is_empty();
        let next_lower = next.chars().next().is_some_and(|c| c.is_lowercase());
        if i + 1 < lines.len() && !ends && next_lower {
            if out.ends_with('-') {
                out.pop();
            } else {
                out.push(' ');
            }
        } else {
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_furniture_goes_and_paragraphs_join() {
        // Lines of seed 000 as a PDF extraction of three pages gives them.
        let text = "ПРИКАЗ Министра просвещения Республики Казахстан\n\
            - 1 -\n\n\n\
            ПРИКАЗ Министра просвещения Республики Казахстан\n\
            1. Утвердить прилагаемые Правила приема на обучение в органи-\n\
            зации образования.\n\
            2. Признать утратившими силу некоторые\n\
            Страница 2 из 3\n\n\
            ПРИКАЗ Министра просвещения Республики Казахстан\n\
            приказы Министерства.\n\
            3-бет\n";
        let out = reflow_text(text);
        assert_eq!(
            out,
            "1. Утвердить прилагаемые Правила приема на обучение в организации образования.\n\
             2. Признать утратившими силу некоторые приказы Министерства.\n"
        );
    }

    #[test]
    fn text_without_artefacts_keeps_its_lines() {
        let text = "1. Утвердить прилагаемые Правила.\n\n2. Настоящий приказ вводится в действие \
                    по истечении десяти календарных дней.\n3 000 тенге\n";
        assert_eq!(reflow_text(text), text);
    }

    #[test]
    fn page_numbers() {
        for l in [
            "- 3 -",
            "– 12 –",
            "Страница 3 из 10",
            "стр. 4",
            "3-бет",
            "7",
        ] {
            assert!(is_page_number(l), "{l}");
        }
        for l in ["3) пункт", "2021 жылғы", "12-тармақ", "Страница сайта"]
        {
            assert!(!is_page_number(l), "{l}");
        }
    }
}
