//! Text helpers of the splitter: quotes, whitespace, line joining and a grammar-aware undo of the
//! moved-hyperlink artefact on instruction lines.
//!
//! Quotes are the splitter's main difficulty: orders mostly use the ASCII `"` for both opening
//! and closing, nest them, and sometimes lose one. Direction is therefore guessed from the
//! neighbouring characters, and a wording ends only at a closing quote that brings the depth to
//! zero AND is followed by `;`/`.` or the end of the line.

use once_cell::sync::Lazy;
use regex::Regex;

pub(crate) fn is_quote(c: char) -> bool {
    matches!(c, '"' | '«' | '»' | '“' | '”' | '„')
}

/// Width of a line's indentation (tab = 4).
pub(crate) fn indent_width(line: &str) -> usize {
    let mut w = 0;
    for c in line.chars() {
        match c {
            ' ' | '\u{a0}' => w += 1,
            '\t' => w += 4,
            _ => break,
        }
    }
    w
}

/// Collapse runs of whitespace to one space and trim.
pub(crate) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Join the physical lines of an extracted block: a line ending in a hyphen glued to a word
/// ("1-" + "қосымшаға") is joined without a space, every other break becomes a space; markdown
/// bold markers of the corpus form are dropped; whitespace is collapsed.
pub(crate) fn join_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut first = true;
    for line in s.split('\n') {
        let line = line.trim_end();
        if !first {
            let glued = out
                .trim_end()
                .strip_suffix('-')
                .and_then(|r| r.chars().last())
                .is_some_and(|c| c.is_alphanumeric());
            if glued && !line.trim().is_empty() {
                let t = out.trim_end().len();
                out.truncate(t);
                out.push_str(line.trim_start());
                continue;
            }
            // PDF extraction breaks lines inside brackets and quotes: "падчериц\n)" and
            // "(\nили)" and `системе "\nНациональная` join without a space.
            let next = line.trim_start();
            let tail = out.trim_end();
            let closes = next.starts_with([')', ',', '.', ';', ':']) && !next.starts_with("...");
            let opens = tail.ends_with('(') || tail.ends_with(" \"") || tail.ends_with(" «");
            if (closes || opens) && !next.is_empty() && !tail.is_empty() {
                let t = tail.len();
                out.truncate(t);
                out.push_str(next);
                continue;
            }
            out.push(' ');
        }
        first = false;
        out.push_str(line);
    }
    collapse(&out.replace("**", ""))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Q {
    Open,
    Close,
}

/// Direction of the quote character at byte `idx` of `s`, given the current nesting depth.
pub(crate) fn quote_role(s: &str, idx: usize, depth: usize) -> Q {
    let c = s[idx..].chars().next().unwrap_or('"');
    match c {
        '«' | '„' => return Q::Open,
        '»' | '”' => return Q::Close,
        _ => {}
    }
    let prev = s[..idx].chars().next_back();
    let after = &s[idx + c.len_utf8()..];
    let next = after.chars().next();
    let next_ns = after.chars().find(|c| !c.is_whitespace());
    let next_word = next.is_some_and(|c| c.is_alphanumeric() || c == '«' || c == '(');
    if prev.is_some_and(is_quote) {
        return if next_word { Q::Open } else { Q::Close };
    }
    let prev_word =
        prev.is_some_and(|c| c.is_alphanumeric() || ".,;:!?)»*'…".contains(c) || c == '-');
    match (prev_word, next_word) {
        (false, true) => Q::Open,
        (true, false) => Q::Close,
        (true, true) => {
            if depth > 0 {
                Q::Close
            } else {
                Q::Open
            }
        }
        (false, false) => match next_ns {
            Some(n) if n.is_alphanumeric() || n == '«' => Q::Open,
            _ if depth > 0 => Q::Close,
            _ => Q::Open,
        },
    }
}

/// Top-level quoted segments of `s` as byte ranges of their contents (quotes excluded).
pub(crate) fn quoted_segments(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if !is_quote(c) {
            continue;
        }
        match quote_role(s, i, depth) {
            Q::Open => {
                if depth == 0 {
                    start = i + c.len_utf8();
                }
                depth += 1;
            }
            Q::Close => {
                if depth == 1 {
                    out.push((start, i));
                }
                depth = depth.saturating_sub(1);
            }
        }
    }
    if depth > 0 {
        out.push((start, s.len()));
    }
    out
}

/// Replace every top-level quoted segment (quotes included) with a placeholder `\u{1}k\u{2}`,
/// so that the grammar never reads unit names or verbs inside quoted words. Returns the masked
/// text and the segments' contents.
pub(crate) fn mask_quotes(s: &str) -> (String, Vec<String>) {
    let segs = quoted_segments(s);
    let mut out = String::with_capacity(s.len());
    let mut texts = Vec::new();
    let mut pos = 0;
    for (a, b) in segs {
        // a - 1 is the opening quote (1..3 bytes); find its start.
        let open = s[..a].char_indices().next_back().map_or(a, |(i, _)| i);
        if open < pos {
            continue;
        }
        out.push_str(&s[pos..open]);
        out.push_str(&format!("\u{1}{}\u{2}", texts.len()));
        texts.push(s[a..b].to_string());
        pos = s[b..].chars().next().map_or(b, |c| b + c.len_utf8());
    }
    if pos < s.len() {
        out.push_str(&s[pos..]);
    }
    (out, texts)
}

/// Byte index of the first `:` of `s` outside quoted segments.
pub(crate) fn colon_outside_quotes(s: &str) -> Option<usize> {
    let segs = quoted_segments(s);
    s.char_indices()
        .find(|(i, c)| *c == ':' && !segs.iter().any(|(a, b)| i >= a && i < b))
        .map(|(i, _)| i)
}

/// Where a quoted wording opened at byte `open` of `flat` ends, searching no further than
/// `limit`: returns the byte index of the closing quote and the end of that line.
pub(crate) fn wording_end(flat: &str, open: usize, limit: usize) -> Option<(usize, usize)> {
    let limit = limit.min(flat.len());
    let first = flat[open..].chars().next()?;
    let mut depth = 1usize;
    let mut idx = open + first.len_utf8();
    while idx < limit {
        let c = flat[idx..].chars().next()?;
        let len = c.len_utf8();
        if is_quote(c) {
            match quote_role(flat, idx, depth) {
                Q::Open => depth += 1,
                Q::Close => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        let after = &flat[idx + len..];
                        let line_rest = after.split('\n').next().unwrap_or("");
                        let t = line_rest.trim_start();
                        let punct = t.starts_with([';', '.']);
                        let tail = t.trim_start_matches([';', '.']).trim();
                        let tail_ok = tail.is_empty()
                            || (tail.chars().count() <= 60 && !tail.chars().any(is_quote));
                        if (punct && tail_ok) || tail.is_empty() {
                            return Some((idx, idx + len + line_rest.len()));
                        }
                        // A lost opener made an inner quote look final: keep reading.
                        depth = 1;
                    }
                }
            }
        }
        idx += len;
    }
    // Unbalanced inner quotes (official texts do lose a closing «»: "«Государственная
    // корпорация «Правительство для граждан»") leave the depth above zero: take the first quote
    // that ends a line with `;` or `.` before the limit; it must be the opener's own character
    // when that is a straight quote (outer quotes of extracted orders are straight, inner «»).
    let region = flat.get(open..limit)?;
    for (k, c) in region.char_indices() {
        if k == 0 || !is_quote(c) || (first == '"' && c != '"') {
            continue;
        }
        let at = open + k;
        let line_rest = flat[at + c.len_utf8()..].split('\n').next().unwrap_or("");
        if matches!(line_rest.trim(), ";" | ".") {
            return Some((at, at + c.len_utf8() + line_rest.len()));
        }
    }
    None
}

/// Tokens the PDF artefact moves to the end of an instruction line: unit names, document heads,
/// the cited act's kind word.
static TAIL_TOKEN: Lazy<Regex> = Lazy::new(|| {
    Regex::new(concat!(
        r#"(?:^|[\s.:;,"»)])("#,
        r"(?i:преамбул\w*|заголов\w*|(?:под)?пункт\w*\s+\d+(?:-\d+)*\)?",
        r"|абзац\w*(?:\s+(?:перв|втор|трет|четверт|пят|шест|седьм|восьм|девят|десят)\w*)?",
        r"|приложени\w*(?:\s+\d+(?:-\d+)*)?|глав\w*\s+\d+(?:-\d+)*|приказ\w*(?:\s+№\s*\d+)?",
        r"|кіріспе\w*|тақырыб\w*|\d+(?:-\d+)*-(?:тармақ|қосымша|тарау|бап|абзац)\w*",
        r"|\d+(?:-\d+)*\)\s*тармақша\w*|қосымша\w*|бұйры[ғқ]\w*|қағидалар\w*|стандарт\w*|тізбе\w*)",
        r"|(?:[А-ЯЁ]\w+\s+)?(?i:правил|стандарт|перечн|положени|инструкци|требовани|методик|регламент)\w*",
        r")$"
    ))
    .unwrap()
});

/// Undo the moved-hyperlink artefact on one instruction line, using the grammar to recognise
/// the moved words: "       изложить в новой редакции:пункт 12" → "пункт 12 изложить в новой
/// редакции:". Gaps are double spaces inside the line, a space left before punctuation, or one
/// extra space of indentation (`base_indent` + 1). Lines without both a gap and a recognised
/// tail come back unchanged, so natural text is left alone.
pub(crate) fn undo_moved_tail(line: &str, base_indent: usize) -> String {
    let indent_len = line.len() - line.trim_start().len();
    let indent = &line[..indent_len];
    let mut body = line[indent_len..].trim_end().to_string();
    let mut tokens: Vec<String> = Vec::new();
    while tokens.len() < 3 {
        let Some(c) = TAIL_TOKEN.captures(&body) else {
            break;
        };
        let m = c.get(1).unwrap();
        if m.start() == 0 {
            break;
        }
        tokens.insert(0, m.as_str().to_string());
        body.truncate(m.start());
        let t = body.trim_end().len();
        body.truncate(t);
    }
    if tokens.is_empty() {
        return line.to_string();
    }
    // Gaps: (position, replacement kind) — 0 = start, 1 = double space, 2 = space before punct.
    let mut gaps: Vec<(usize, usize, u8)> = Vec::new();
    if base_indent >= 4 && indent_width(indent) == base_indent + 1 {
        gaps.push((0, 0, 0));
    }
    let bytes: Vec<(usize, char)> = body.char_indices().collect();
    let mut k = 0;
    while k < bytes.len() {
        let (i, c) = bytes[k];
        if c == ' ' && k > 0 && bytes[k - 1].1 != ' ' {
            let mut e = k;
            while e < bytes.len() && bytes[e].1 == ' ' {
                e += 1;
            }
            if e < bytes.len() {
                let end = bytes[e].0;
                let next = bytes[e].1;
                if e - k >= 2 {
                    gaps.push((i, end, 1));
                } else if matches!(next, ':' | ';' | ',' | '.') && bytes[k - 1].1.is_alphabetic() {
                    gaps.push((i, end, 2));
                }
            }
            k = e;
            continue;
        }
        k += 1;
    }
    if gaps.is_empty() {
        return line.to_string();
    }
    let n = tokens.len().min(gaps.len());
    let kept_back = tokens.len() - n;
    let moved = &tokens[kept_back..];
    let mut out = String::new();
    let mut pos = 0;
    for (g, tok) in gaps.iter().take(n).zip(moved) {
        out.push_str(&body[pos..g.0]);
        match g.2 {
            0 => {
                out.push_str(tok);
                out.push(' ');
            }
            _ => {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(tok);
                if g.2 == 1 {
                    out.push(' ');
                }
            }
        }
        pos = g.1;
    }
    out.push_str(&body[pos..]);
    for t in &tokens[..kept_back] {
        out.push(' ');
        out.push_str(t);
    }
    format!("{indent}{out}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undo_instruction_lines() {
        assert_eq!(
            undo_moved_tail("       изложить в новой редакции:пункт 12", 6).trim(),
            "пункт 12 изложить в новой редакции:"
        );
        assert_eq!(
            undo_moved_tail("      абзац второй  изложить в новой редакции:пункта 3", 6).trim(),
            "абзац второй пункта 3 изложить в новой редакции:"
        );
        assert_eq!(
            undo_moved_tail(
                "      Көрсетілген қағидаларға  осы бұйрыққа  сәйкес жаңа 1-қосымша қосымшаға",
                6
            )
            .trim(),
            "Көрсетілген қағидаларға 1-қосымша осы бұйрыққа қосымшаға сәйкес жаңа"
        );
        assert_eq!(
            undo_moved_tail(
                "құжаттарды апостильдеу\" мемлекеттік қызмет көрсету :қағидаларында",
                6
            ),
            "құжаттарды апостильдеу\" мемлекеттік қызмет көрсету қағидаларында:"
        );
        // Natural text is left alone.
        let natural = "      пункт 12 изложить в новой редакции:";
        assert_eq!(undo_moved_tail(natural, 6), natural);
    }

    #[test]
    fn quotes_and_wording_end() {
        let s = "\"1. Текст \"Об образовании\" и далее.\";\nпункт 2 исключить;";
        let (close, _) = wording_end(s, 0, s.len()).unwrap();
        assert_eq!(&s[close - 1..close], ".");
        let (m, q) = mask_quotes("слова «X» заменить словами \"Y\"");
        assert_eq!(q, vec!["X".to_string(), "Y".to_string()]);
        assert!(!m.contains('X'));
        assert_eq!(
            join_lines("қағидаларына 1-\nқосымшаға сәйкес"),
            "қағидаларына 1-қосымшаға сәйкес"
        );
    }
}
