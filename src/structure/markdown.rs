//! Turn source text into blocks: the corpus markdown (headings, blockquote stamps and
//! footnotes, HTML tables, code fences, bold signatures) or plain text (one block per line).
//! Markup is removed here so that the unit builder sees only words.

use super::footnotes::is_footnote;
use once_cell::sync::Lazy;
use regex::Regex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BlockKind {
    /// `#`… heading of the given level (plain text: never).
    Heading(u8),
    /// A paragraph (one source line in the corpus).
    Para,
    /// A blockquote group that is not a footnote: approval stamp, appendix header, form corner.
    Stamp,
    Footnote,
    /// An HTML table, flattened to one row per line.
    Table,
    /// A ``` block (fill-in forms).
    Code,
    /// A bold line: signature, not unit text.
    Signature,
}

#[derive(Debug, Clone)]
pub(crate) struct Block {
    /// 1-based source line.
    pub line: usize,
    /// Leading spaces of the source line.
    pub indent: usize,
    pub kind: BlockKind,
    /// Cleaned text; stamp and table lines are joined with '\n'.
    pub text: String,
}

static ANCHOR: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)<a\s[^>]*>\s*</a>|<a\s[^>]*/>").unwrap());
static ESCAPE: Lazy<Regex> = Lazy::new(|| Regex::new(r"\\([\\.)(*_\-#\[\]`>+!|{}])").unwrap());
static TAG: Lazy<Regex> = Lazy::new(|| Regex::new(r"<[^>]*>").unwrap());
static HEADING: Lazy<Regex> = Lazy::new(|| Regex::new(r"^(#{1,6})\s+(.*)$").unwrap());

/// Collapse whitespace runs (NBSP included) to single spaces.
pub(crate) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn decode_entities(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Markdown inline cleanup: anchors, escapes, emphasis, tags, entities.
pub(crate) fn clean_inline(s: &str) -> String {
    let s = ANCHOR.replace_all(s, " ");
    let s = s.replace("**", "");
    // Escapes first, then stray emphasis stars (an escaped "\*" is kept as a star).
    let s = ESCAPE.replace_all(&s, "\u{1}$1");
    let s: String = s
        .chars()
        .scan(false, |esc, c| {
            if c == '\u{1}' {
                *esc = true;
                return Some(None);
            }
            let keep = *esc || c != '*';
            *esc = false;
            Some(if keep { Some(c) } else { None })
        })
        .flatten()
        .collect();
    let s = TAG.replace_all(&s, " ");
    collapse(&decode_entities(&s))
}

fn indent_of(line: &str) -> usize {
    line.chars()
        .take_while(|c| *c == ' ' || *c == '\t' || *c == '\u{a0}')
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum()
}

/// Flatten `<table>` HTML: one row per line, cells joined with " | ".
pub(crate) fn flatten_table(html: &str) -> String {
    static ROW: Lazy<Regex> = Lazy::new(|| Regex::new(r"(?is)<tr[^>]*>(.*?)(?:</tr>|$)").unwrap());
    static CELL: Lazy<Regex> =
        Lazy::new(|| Regex::new(r"(?is)<t[dh][^>]*>(.*?)(?:</t[dh]>|$)").unwrap());
    let mut rows = Vec::new();
    for r in ROW.captures_iter(html) {
        let cells: Vec<String> = CELL
            .captures_iter(&r[1])
            .map(|c| clean_inline(&c[1]))
            .filter(|c| !c.is_empty())
            .collect();
        if !cells.is_empty() {
            rows.push(cells.join(" | "));
        }
    }
    if rows.is_empty() {
        clean_inline(html)
    } else {
        rows.join("\n")
    }
}

/// Blocks of the corpus markdown.
pub(crate) fn markdown_blocks(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let raw = lines[i].trim_end_matches('\r');
        let line_no = i + 1;
        let indent = indent_of(raw);
        let t = raw.trim();
        if t.is_empty() {
            i += 1;
            continue;
        }
        // Code fence.
        if t.starts_with("```") {
            let mut body = Vec::new();
            i += 1;
            while i < lines.len() && !lines[i].trim().starts_with("```") {
                let c = collapse(lines[i]);
                if !c.is_empty() {
                    body.push(c);
                }
                i += 1;
            }
            i += 1; // closing fence (or end)
            if !body.is_empty() {
                out.push(Block {
                    line: line_no,
                    indent,
                    kind: BlockKind::Code,
                    text: body.join("\n"),
                });
            }
            continue;
        }
        // HTML table.
        if t.to_lowercase().starts_with("<table") {
            let mut html = String::new();
            while i < lines.len() {
                html.push_str(lines[i]);
                html.push('\n');
                let done = lines[i].to_lowercase().contains("</table>");
                i += 1;
                if done {
                    break;
                }
            }
            let flat = flatten_table(&html);
            if !flat.is_empty() {
                out.push(Block {
                    line: line_no,
                    indent,
                    kind: BlockKind::Table,
                    text: flat,
                });
            }
            continue;
        }
        // Blockquote group: footnotes start a new block at each "Сноска"/"Ескерту" line.
        if t.starts_with('>') {
            let mut group: Vec<(usize, String)> = Vec::new();
            while i < lines.len() && lines[i].trim().starts_with('>') {
                let inner = lines[i].trim().trim_start_matches('>').trim();
                group.push((i + 1, clean_inline(inner)));
                i += 1;
            }
            let mut cur: Option<(usize, BlockKind, Vec<String>)> = None;
            for (ln, text) in group {
                if text.is_empty() {
                    continue;
                }
                let fn_start = is_footnote(&text);
                let continue_cur = matches!(&cur, Some((_, k, _)) if !fn_start && (*k == BlockKind::Stamp || *k == BlockKind::Footnote));
                if continue_cur {
                    if let Some((_, _, v)) = cur.as_mut() {
                        v.push(text);
                    }
                    continue;
                }
                if let Some((l, k, v)) = cur.take() {
                    out.push(finish_quote(l, indent, k, v));
                }
                let kind = if fn_start {
                    BlockKind::Footnote
                } else {
                    BlockKind::Stamp
                };
                cur = Some((ln, kind, vec![text]));
            }
            if let Some((l, k, v)) = cur.take() {
                out.push(finish_quote(l, indent, k, v));
            }
            continue;
        }
        i += 1;
        if let Some(c) = HEADING.captures(t) {
            let text = clean_inline(&c[2]);
            if !text.is_empty() {
                out.push(Block {
                    line: line_no,
                    indent,
                    kind: BlockKind::Heading(c[1].len() as u8),
                    text,
                });
            }
            continue;
        }
        let bold = t.starts_with("**") && t.ends_with("**") && t.len() > 4;
        let text = clean_inline(t);
        if text.is_empty() {
            continue;
        }
        let kind = if is_footnote(&text) {
            BlockKind::Footnote
        } else if bold {
            BlockKind::Signature
        } else {
            BlockKind::Para
        };
        out.push(Block {
            line: line_no,
            indent,
            kind,
            text,
        });
    }
    out
}

fn finish_quote(line: usize, indent: usize, kind: BlockKind, v: Vec<String>) -> Block {
    let text = if kind == BlockKind::Footnote {
        collapse(&v.join(" "))
    } else {
        v.join("\n")
    };
    Block {
        line,
        indent,
        kind,
        text,
    }
}

/// Blocks of plain text: one per line; stamps ("Утвержден приказом …", "Приложение 1 к …",
/// "… бекітілген") are grouped with their short continuation lines.
pub(crate) fn text_blocks(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<Block> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let raw = lines[i];
        let line_no = i + 1;
        i += 1;
        let text = collapse(raw);
        if text.is_empty() {
            continue;
        }
        let indent = indent_of(raw);
        if is_footnote(&text) {
            out.push(Block {
                line: line_no,
                indent,
                kind: BlockKind::Footnote,
                text,
            });
            continue;
        }
        if looks_like_stamp_start(&text) {
            let mut v = vec![text];
            while i < lines.len() && v.len() < 7 {
                let next = collapse(lines[i]);
                if next.is_empty() {
                    i += 1;
                    continue;
                }
                if looks_like_stamp_continuation(&next) {
                    v.push(next);
                    i += 1;
                } else {
                    break;
                }
            }
            out.push(Block {
                line: line_no,
                indent,
                kind: BlockKind::Stamp,
                text: v.join("\n"),
            });
            continue;
        }
        out.push(Block {
            line: line_no,
            indent,
            kind: BlockKind::Para,
            text,
        });
    }
    out
}

fn looks_like_stamp_start(t: &str) -> bool {
    let l = t.to_lowercase();
    t.chars().count() < 120
        && (l.starts_with("утвержден")
            || l.starts_with("приложение")
            || l.ends_with("бекітілген")
            || l.ends_with("қосымша")
            || l.starts_with("бекітілген"))
}

fn looks_like_stamp_continuation(t: &str) -> bool {
    let l = t.to_lowercase();
    t.chars().count() < 90
        && (l.starts_with("от ")
            || l.starts_with('№')
            || l.starts_with("к ")
            || l.contains("приказ")
            || l.contains("министр")
            || l.contains("республики казахстан")
            || l.contains("бұйр")
            || l.contains("бекітілген")
            || l.contains("қосымша")
            || crate::identity::find_date(t).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_markup() {
        assert_eq!(
            clean_inline("<a id=\"an0_p5\"></a>1\\. *Текст* **жирный**"),
            "1. Текст жирный"
        );
        assert_eq!(clean_inline("&quot;А&quot; &amp; Б"), "\"А\" & Б");
    }

    #[test]
    fn tables_flatten_to_rows() {
        let t = flatten_table("<table>\n<tr>\n<td colspan=\"2\">A &quot;x&quot;</td>\n</tr>\n<tr><td>1</td><td>B\nC</td></tr>\n</table>");
        assert_eq!(t, "A \"x\"\n1 | B C");
    }

    #[test]
    fn quote_groups_split_footnotes() {
        let b = markdown_blocks("> *Приложение 1*  \n> *к Правилам*\n\n> *Сноска. Пункт 1 в редакции приказа от 01.01.2020 № 1.*\n");
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].kind, BlockKind::Stamp);
        assert_eq!(b[0].text, "Приложение 1\nк Правилам");
        assert_eq!(b[1].kind, BlockKind::Footnote);
        assert_eq!(b[1].line, 4);
    }
}
