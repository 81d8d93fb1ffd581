//! Amend: split an amending order into header, operative points, amendment instructions and
//! appendices (the amendment grammar, kk and ru).

mod effective;
mod grammar;
mod header;
mod ordinals;
mod text;

pub use effective::{parse_effective, Effective, EffectiveException, EffectiveKind, EffectiveRule};
pub use ordinals::ordinal_value;

use crate::model::{ActCite, Lang, Registration, TargetAct, UnitRef};
use chrono::NaiveDate;
use once_cell::sync::Lazy;
use regex::Regex;
use serde::{Deserialize, Serialize};

/// The order's own identity (the `order` object of the `zan split` contract).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderHeader {
    pub lang: Lang,
    pub number: String,
    pub date: Option<NaiveDate>,
    pub registration: Option<Registration>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Replace,
    Repeal,
    Insert,
    ReplaceWords,
    DeleteWords,
    InsertWords,
    RepealAct,
}

/// One amendment instruction (an element of `amendments` in the `zan split` contract).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Amendment {
    pub op: Op,
    pub act: ActCite,
    pub document: Option<String>,
    pub unit: Vec<UnitRef>,
    pub text: Option<String>,
    pub words_old: Option<String>,
    pub words_new: Option<String>,
    /// `whole_text` for changes "по всему тексту" / "бүкіл мәтін бойынша" (and for a whole
    /// document replaced); `unit` otherwise.
    #[serde(default)]
    pub scope: Scope,
    /// The only language whose text the amendment changes, when the order says so ("текст на
    /// русском языке не меняется").
    #[serde(default)]
    pub lang_only: Option<Lang>,
    /// For inserts: the unit the new one follows (point 6 for a new point 6-1).
    #[serde(default)]
    pub placement_after: Option<Vec<UnitRef>>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    #[default]
    Unit,
    WholeText,
}

/// `zan split --json` output: exactly the contract shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SplitJson {
    pub order: SplitOrder,
    pub amendments: Vec<Amendment>,
}

/// The `order` object of `zan split --json`: the header plus the entry-into-force rule and the
/// instructions not understood.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SplitOrder {
    #[serde(flatten)]
    pub header: OrderHeader,
    pub effective: Option<Effective>,
    pub unparsed: Vec<Unparsed>,
}

/// An instruction-like line that the grammar did not understand: reported, never dropped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unparsed {
    pub line: usize,
    pub text: String,
}

/// Everything parsed from an amending order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedOrder {
    pub header: OrderHeader,
    pub issuer: Option<String>,
    pub title: String,
    /// The act this order amends (first one cited in point 1).
    pub target: Option<TargetAct>,
    pub amendments: Vec<Amendment>,
    /// 1-based source line of each amendment (parallel to `amendments`).
    pub amendment_lines: Vec<usize>,
    /// The entry-into-force clause, verbatim.
    pub entry_into_force: Option<String>,
    /// The entry-into-force clause as a rule.
    #[serde(default)]
    pub effective: Option<Effective>,
    /// The order's own appendices, by number ("" for a single unnumbered one).
    pub appendices: Vec<(String, String)>,
    pub unparsed: Vec<Unparsed>,
}

impl ParsedOrder {
    pub fn split_json(&self) -> SplitJson {
        SplitJson {
            order: SplitOrder {
                header: self.header.clone(),
                effective: self.effective.clone(),
                unparsed: self.unparsed.clone(),
            },
            amendments: self.amendments.clone(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AmendError {
    #[error("line {line}: {msg}")]
    Header { line: usize, msg: String },
}

/// Parse a repaired order text.
///
/// Works on the text after repair, but tolerates the moved-hyperlink artefact on instruction
/// lines (the grammar reads unit mentions in any order and undoes moved tails it recognises).
/// Errors only when the text has no requisites at all (not an order); everything the grammar
/// does not understand lands in `unparsed`.
pub fn parse_order(text: &str) -> Result<ParsedOrder, AmendError> {
    let norm = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\u{a0}', " ");
    if norm.trim().is_empty() {
        return Err(AmendError::Header {
            line: 1,
            msg: "empty text".into(),
        });
    }
    let lines: Vec<&str> = norm.split('\n').collect();
    let lang = header::detect_lang(&norm);
    let head = header::parse_head(&lines).ok_or_else(|| AmendError::Header {
        line: 1,
        msg: "no requisites line (order date and number) found".into(),
    })?;
    let order_no = head.req.number.clone().unwrap_or_default();
    let start = header::command_end(&lines, head.after);
    let mut p = Parser::new(&lines, lang, &order_no);
    let end = p.run(start);
    let appendices = header::appendices(&lines, end, &order_no);
    for (line, src) in std::mem::take(&mut p.repeal_lists) {
        let items = header::appendix_items(&appendices, &src);
        let before = p.out.len();
        for it in &items {
            // Items that cite no act (a heading, a note) are not instructions.
            if header::parse_target(it, lang).is_some() {
                p.repeal_item(it, line);
            }
        }
        if p.out.len() == before {
            p.unparsed.push(Unparsed {
                line,
                text: "repealed acts listed in the order's appendix: none found".into(),
            });
        }
    }
    let mut amendments = Vec::with_capacity(p.out.len());
    let mut amendment_lines = Vec::with_capacity(p.out.len());
    for (mut a, line, source) in p.out {
        if let Some(src) = source {
            a.text = header::appendix_text(&appendices, &src);
        }
        amendments.push(a);
        amendment_lines.push(line);
    }
    Ok(ParsedOrder {
        header: OrderHeader {
            lang,
            number: order_no,
            date: head.req.date,
            registration: head.req.registration.clone(),
        },
        issuer: head.req.issuer.clone(),
        title: head.title,
        target: p.first_target,
        amendments,
        amendment_lines,
        effective: p.entry.as_deref().map(|e| parse_effective(e, lang)),
        entry_into_force: p.entry,
        appendices,
        unparsed: p.unparsed,
    })
}

static ENTRY: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)вводится\s+в\s+действие|вступает\s+в\s+силу|қолданысқа\s+енгізіледі|күшіне\s+енеді",
    )
    .unwrap()
});
static POINT_NO: Lazy<Regex> = Lazy::new(|| Regex::new(r"^(\d+)\.\s+(.*)$").unwrap());
static AMENDING: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)\bвнести\b|енгізілсін|изменени|дополнени|өзгеріс|толықтыру").unwrap()
});
static REPEAL_ACT: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)утративш\w*\s+силу|күші\s+жойылды").unwrap());
static ENUM: Lazy<Regex> = Lazy::new(|| Regex::new(r"^(?:\d+|[а-я])\)\s+(\S+)").unwrap());

/// State of the pass over the operative points.
struct Parser<'a> {
    lines: &'a [&'a str],
    flat: String,
    starts: Vec<usize>,
    lang: Lang,
    order_no: String,
    base_indent: usize,
    indented: bool,
    limit: usize,
    amending: bool,
    target: Option<ActCite>,
    first_target: Option<TargetAct>,
    document: Option<String>,
    context: Vec<UnitRef>,
    /// Inside "Признать утратившими силу:": each item cites a repealed act.
    repealing: bool,
    /// Repeal points whose acts are listed in the order's appendix: (line, appendix number).
    repeal_lists: Vec<(usize, Option<String>)>,
    /// Language-only note of the current lead-in ("в тексте на казахском языке:").
    lang_ctx: Option<Lang>,
    /// Amendment, 1-based line, order appendix holding its text (when taken from one).
    out: Vec<(Amendment, usize, Option<Option<String>>)>,
    unparsed: Vec<Unparsed>,
    entry: Option<String>,
}

impl<'a> Parser<'a> {
    fn new(lines: &'a [&'a str], lang: Lang, order_no: &str) -> Self {
        let mut flat = String::new();
        let mut starts = Vec::with_capacity(lines.len());
        for l in lines {
            starts.push(flat.len());
            flat.push_str(l);
            flat.push('\n');
        }
        // The usual paragraph indentation (PDF extractions indent each paragraph).
        let mut counts = std::collections::HashMap::new();
        for l in lines.iter().filter(|l| !l.trim().is_empty()) {
            let w = text::indent_width(l);
            if (4..=12).contains(&w) {
                *counts.entry(w).or_insert(0usize) += 1;
            }
        }
        let base_indent = counts
            .into_iter()
            .max_by_key(|(w, c)| (*c, usize::MAX - w))
            .map_or(0, |(w, _)| w);
        Parser {
            lines,
            flat,
            starts,
            lang,
            order_no: order_no.to_string(),
            base_indent,
            indented: false,
            limit: lines.len(),
            amending: false,
            target: None,
            first_target: None,
            document: None,
            context: Vec::new(),
            lang_ctx: None,
            repealing: false,
            repeal_lists: Vec::new(),
            out: Vec::new(),
            unparsed: Vec::new(),
            entry: None,
        }
    }

    fn blank(&self, i: usize) -> bool {
        self.lines[i].trim().is_empty()
    }

    fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    fn flat_at(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.flat.len())
    }

    /// Exclusive end of the paragraph starting at line `i`.
    fn para_end(&self, i: usize) -> usize {
        let ends_clause = |l: &str| {
            let t = l.trim_end();
            t.ends_with([':', ';', '.']) || t.ends_with(text::is_quote)
        };
        let mut k = i + 1;
        let mut last = i;
        while k < self.limit {
            let l = self.lines[k];
            if l.trim().is_empty() {
                if ends_clause(self.lines[last]) {
                    break;
                }
                k += 1;
                continue;
            }
            let starts_new = if self.indented {
                text::indent_width(l) >= 4
            } else {
                ends_clause(self.lines[last])
            };
            if starts_new || l.trim_start().starts_with(text::is_quote) {
                break;
            }
            last = k;
            k += 1;
        }
        last + 1
    }

    /// The pass over the operative points; returns the line where the order's body ends.
    fn run(&mut self, start: usize) -> usize {
        let n = self.lines.len();
        // Where the body can end at the latest: the first appendix header after the
        // entry-into-force clause.
        let entry_line = (start..n).find(|&k| ENTRY.is_match(self.lines[k]));
        if let Some(e) = entry_line {
            self.limit = (e..n)
                .find(|&k| header::appendix_header(self.lines, k, &self.order_no).is_some())
                .map_or(n, |h| header::header_block_start(self.lines, h).max(e + 1));
        }
        let first_point = (start..self.limit).find(|&k| {
            POINT_NO.is_match(self.lines[k].trim_start())
                && self.lines[k].trim_start().starts_with("1.")
        });
        let mut i = first_point.unwrap_or(start);
        self.indented = text::indent_width(self.lines.get(i).copied().unwrap_or("")) >= 4;
        let mut expected = 1u32;
        while i < self.limit {
            if self.blank(i) {
                i += 1;
                continue;
            }
            let j = self.para_end(i);
            let undone: Vec<String> = (i..j)
                .map(|k| text::undo_moved_tail(self.lines[k], self.base_indent))
                .collect();
            let joined = text::join_lines(&undone.join("\n"));
            let point = POINT_NO
                .captures(&joined)
                .and_then(|c| c[1].parse::<u32>().ok().map(|v| (v, c[2].to_string())));
            if let Some((_, rest)) = point.filter(|(v, _)| *v == expected) {
                expected += 1;
                if ENTRY.is_match(&rest) {
                    self.entry = Some(rest);
                    self.amending = false;
                    return j;
                }
                i = self.operative_point(&rest, i, j);
                continue;
            }
            i = if self.amending {
                self.item(&joined, i, j)
            } else if self.repealing {
                self.repeal_item(&joined, i + 1);
                j
            } else {
                let (masked, _) = text::mask_quotes(&joined);
                if grammar::has_verb(&masked) && !joined.trim_start().starts_with(text::is_quote) {
                    self.unparsed.push(Unparsed {
                        line: i + 1,
                        text: joined.clone(),
                    });
                }
                j
            };
        }
        i.min(n)
    }

    /// An operative point of the order: amending (sets the target act), repealing an act, or
    /// other (execution, control). Returns the next line to read.
    fn operative_point(&mut self, rest: &str, i: usize, j: usize) -> usize {
        let (masked, _) = text::mask_quotes(rest);
        let cites = crate::identity::find_date(&masked).is_some() && masked.contains('№');
        let repeal = REPEAL_ACT.is_match(&masked);
        self.document = None;
        self.context.clear();
        self.lang_ctx = None;
        self.repealing = false;
        if repeal && !AMENDING.is_match(&masked) {
            self.amending = false;
            if cites {
                self.repeal_item(rest, i + 1);
                return j;
            }
            // "… согласно приложению к настоящему приказу" / "осы бұйрыққа қосымшаға сәйкес":
            // the repealed acts are listed in the order's appendix.
            let (_, source) = grammar::mentions(&masked, self.lang);
            if let Some(src) = source {
                self.repeal_lists.push((i + 1, src));
                return j;
            }
            // "Признать утратившими силу:" / "Мыналардың күші жойылды деп танылсын:" — one
            // act per following item.
            if masked.trim_end().ends_with(':') {
                self.repealing = true;
                return j;
            }
            self.unparsed.push(Unparsed {
                line: i + 1,
                text: rest.to_string(),
            });
            return j;
        }
        let head_end = masked.trim_end().ends_with(':');
        if cites && (AMENDING.is_match(&masked) || head_end) {
            match header::parse_target(rest, self.lang) {
                Some(t) => {
                    self.target = Some(ActCite {
                        number: t.number.clone(),
                        date: t.date,
                    });
                    if self.first_target.is_none() {
                        self.first_target = Some(t);
                    }
                    self.amending = true;
                }
                None => {
                    self.amending = false;
                    self.unparsed.push(Unparsed {
                        line: i + 1,
                        text: rest.to_string(),
                    });
                }
            }
            // An instruction written on the same line after the lead-in's colon.
            if let Some(c) = text::colon_outside_quotes(rest) {
                let tail = &rest[c + 1..];
                let (mt, _) = text::mask_quotes(tail);
                if self.amending && !mt.trim().is_empty() && grammar::has_verb(&mt) {
                    return self.item(tail, i, j);
                }
            }
            return j;
        }
        self.amending = false;
        if grammar::has_verb(&masked) {
            self.unparsed.push(Unparsed {
                line: i + 1,
                text: rest.to_string(),
            });
        }
        j
    }

    /// One repealed act (or units of one, "пункт 2 приказа … от … № …") cited in `text`.
    /// Returns false (and reports the line) when no act is cited.
    fn repeal_item(&mut self, text: &str, line: usize) -> bool {
        let Some(t) = header::parse_target(text, self.lang) else {
            self.unparsed.push(Unparsed {
                line,
                text: text.to_string(),
            });
            return false;
        };
        let act = ActCite {
            number: t.number.clone(),
            date: t.date,
        };
        // Units named before the act's date are units of that act.
        let (masked, _) = text::mask_quotes(text);
        let head =
            crate::identity::find_date(&masked).map_or(&masked[..], |(_, r)| &masked[..r.start]);
        let (ms, _) = grammar::mentions(head, self.lang);
        let ps = grammar::paths(&ms, Op::Repeal);
        let saved = self.target.replace(act);
        let saved_doc = self.document.take();
        if ps.is_empty() {
            self.push(Op::RepealAct, Vec::new(), line);
        } else {
            for p in ps {
                self.push(Op::Repeal, p, line);
            }
        }
        self.target = saved;
        self.document = saved_doc;
        true
    }

    fn push(&mut self, op: Op, unit: Vec<UnitRef>, line: usize) -> &mut Amendment {
        let act = self.target.clone().unwrap_or(ActCite {
            number: String::new(),
            date: None,
        });
        self.out.push((
            Amendment {
                op,
                act,
                document: self.document.clone(),
                unit,
                text: None,
                words_old: None,
                words_new: None,
                scope: Scope::Unit,
                lang_only: None,
                placement_after: None,
            },
            line,
            None,
        ));
        &mut self.out.last_mut().unwrap().0
    }

    fn with_context(&self, p: Vec<UnitRef>) -> Vec<UnitRef> {
        let minr = p.iter().map(|u| u.kind.rank()).min().unwrap_or(u8::MAX);
        let mut out: Vec<UnitRef> = self
            .context
            .iter()
            .filter(|u| u.kind.rank() < minr)
            .cloned()
            .collect();
        out.extend(p);
        out
    }

    /// One paragraph inside an amending point: a document or unit lead-in, or an instruction
    /// (whose new wording, when it has one, is read from the following lines). Returns the next
    /// line to read.
    fn item(&mut self, joined: &str, i: usize, j: usize) -> usize {
        let mut t = joined.trim().to_string();
        let quoted_instruction = t.starts_with(text::is_quote) && {
            let (m, _) = text::mask_quotes(&t);
            grammar::has_verb(&m)
        };
        if t.starts_with(text::is_quote) && !quoted_instruction {
            // Either a quoted document name opening a lead-in ("«…» қағидаларында:") or a
            // stray quoted block.
            let (masked, _) = text::mask_quotes(&t);
            if masked.trim_end().ends_with(':') && !grammar::has_verb(&masked) {
                if let Some(d) = grammar::document_of_leadin(&t, self.lang) {
                    self.document = Some(d);
                    self.context.clear();
                }
            }
            return j;
        }
        if let Some(c) = ENUM.captures(&t) {
            if !c[1].to_lowercase().starts_with("тармақша") {
                let s = c.get(1).unwrap().start();
                t = t[s..].to_string();
            }
        }
        let (masked, quotes) = text::mask_quotes(&t);
        let lang = self.lang;
        if !grammar::has_verb(&masked) {
            if masked.trim_end().ends_with(':') {
                let (ms, _) = grammar::mentions(&masked, lang);
                self.lang_ctx = grammar::lang_only(&masked);
                if ms.is_empty() {
                    if let Some(d) = grammar::document_of_leadin(&t, lang) {
                        self.document = Some(d);
                        self.context.clear();
                    }
                } else if let Some(p) = grammar::paths(&ms, Op::Replace).into_iter().next() {
                    self.context = self.with_context(p);
                }
            } else {
                // Neither a lead-in nor a known instruction ("пункт 5 считать пунктом 6;"):
                // reported, never dropped.
                self.unparsed.push(Unparsed {
                    line: i + 1,
                    text: t.clone(),
                });
            }
            return j;
        }
        // A document lead-in and an instruction on one line: "в Правилах …: пункт 5 исключить;".
        if let Some(c) = text::colon_outside_quotes(&t) {
            let before = &t[..c + 1];
            let (mb, _) = text::mask_quotes(before);
            if !grammar::has_verb(&mb) && grammar::mentions(&mb, lang).0.is_empty() {
                if let Some(d) = grammar::document_of_leadin(before, lang) {
                    self.document = Some(d);
                    self.context.clear();
                    let rest = t[c + 1..].to_string();
                    return self.item(&rest, i, j);
                }
            }
        }
        let line = i + 1;
        let (ms, source) = grammar::mentions(&masked, lang);
        let words = grammar::word_changes(&masked, &quotes, lang);
        let lang_only = grammar::lang_only(&masked).or(self.lang_ctx);
        if !words.is_empty() {
            let whole = grammar::whole_text(&masked);
            let mut ps = grammar::paths(&ms, Op::ReplaceWords);
            if ps.is_empty() || whole {
                ps = vec![Vec::new()];
            }
            for w in words {
                for p in &ps {
                    let unit = if whole {
                        Vec::new()
                    } else {
                        self.with_context(p.clone())
                    };
                    let a = self.push(w.op, unit, line);
                    a.scope = if a.unit.is_empty() {
                        Scope::WholeText
                    } else {
                        Scope::Unit
                    };
                    a.lang_only = lang_only;
                    a.words_old = w.old.clone();
                    a.words_new = w.new.clone();
                }
            }
            return j;
        }
        let Some((op, _)) = grammar::main_verb(&masked, lang) else {
            self.unparsed.push(Unparsed {
                line,
                text: t.clone(),
            });
            return j;
        };
        let ps = grammar::paths(&ms, op);
        if ps.is_empty() {
            self.unparsed.push(Unparsed {
                line,
                text: t.clone(),
            });
            return j;
        }
        let mut next = j;
        let mut texts: Vec<Option<String>> = vec![None; ps.len()];
        let from_appendix = source.is_some() && matches!(op, Op::Replace | Op::Insert);
        if matches!(op, Op::Replace | Op::Insert) && !from_appendix {
            match self.wording(i, j) {
                Some((raw, end_line)) => {
                    next = (end_line + 1).max(j);
                    texts = split_wording(&raw, &ps);
                }
                None => {
                    self.unparsed.push(Unparsed {
                        line,
                        text: format!("{t} [new wording not found]"),
                    });
                }
            }
        }
        for (p, txt) in ps.into_iter().zip(texts) {
            let unit = self.with_context(p);
            let placement = if op == Op::Insert {
                grammar::stated_placement(&ms, &unit).or_else(|| grammar::derived_placement(&unit))
            } else {
                None
            };
            let a = self.push(op, unit, line);
            a.text = txt;
            a.lang_only = lang_only;
            a.placement_after = placement;
            if from_appendix {
                self.out.last_mut().unwrap().2 = source.clone();
            }
        }
        next
    }

    /// The quoted new wording following the instruction in lines `i..j`: raw text between the
    /// quotes and the index of the line where it ends.
    fn wording(&self, i: usize, j: usize) -> Option<(String, usize)> {
        let ps = self.flat_at(i);
        let pe = self.flat_at(j);
        let region = &self.flat[ps..pe];
        // Verbs are never moved by the artefact, so the verb's place in the original text is
        // the anchor; the wording's opening quote follows the colon after it.
        let (_, vend) = grammar::main_verb(region, self.lang)?;
        let colon = region[vend..].find(':').map(|c| ps + vend + c + 1);
        let from = colon.unwrap_or(ps + vend);
        let mut open = None;
        for (k, c) in self.flat[from..].char_indices() {
            if text::is_quote(c) {
                open = Some(from + k);
                break;
            }
            if c == ';' || k > 400 {
                break;
            }
        }
        let open = open?;
        let limit = self.flat_at(self.limit);
        let (close, eol) = text::wording_end(&self.flat, open, limit)?;
        let q = self.flat[open..].chars().next().map_or(1, char::len_utf8);
        let raw = self.flat[open + q..close].to_string();
        Some((raw, self.line_of(eol)))
    }
}

/// New wording per path: a list ("5 және 6-тармақтар") splits the quoted block where each
/// further unit's number starts a line ("6. …").
fn split_wording(raw: &str, paths: &[Vec<UnitRef>]) -> Vec<Option<String>> {
    let clean = |s: &str| {
        let t = text::join_lines(s);
        // "….;" before the closing quote: the semicolon belongs to the instruction.
        let t = t.strip_suffix(".;").map_or(t.clone(), |x| format!("{x}."));
        if t.is_empty() {
            None
        } else {
            Some(t)
        }
    };
    if paths.len() == 1 {
        return vec![clean(raw)];
    }
    let mut cuts = vec![0usize];
    for p in &paths[1..] {
        let Some(last) = p.last() else {
            return vec![clean(raw); paths.len()];
        };
        let closer = if last.kind == crate::model::UnitKind::Subpoint {
            r"\)"
        } else {
            r"\."
        };
        let re = Regex::new(&format!(
            r#"(?m)^[ \t]*["«]?{}{}\s"#,
            regex::escape(&last.num),
            closer
        ));
        let from = *cuts.last().unwrap_or(&0);
        match re
            .ok()
            .and_then(|r| r.find(&raw[from..]).map(|m| from + m.start()))
        {
            Some(c) if c > from => cuts.push(c),
            _ => return vec![clean(raw); paths.len()],
        }
    }
    cuts.push(raw.len());
    cuts.windows(2).map(|w| clean(&raw[w[0]..w[1]])).collect()
}
