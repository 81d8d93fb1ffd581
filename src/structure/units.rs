//! The unit builder: walks the blocks of one act and keeps track of where it stands (the order
//! itself, an approved document, an appendix, the open chapter/point/subpoint), creating units
//! and attaching footnote events. Shared by the markdown and plain-text front ends.

use super::footnotes::{parse_footnote, FootnoteTarget};
use super::markdown::{collapse, Block, BlockKind};
use super::Unit;
use crate::model::{EventKind, HistoryEvent, Lang, UnitKind, UnitRef, UnitStatus};
use once_cell::sync::Lazy;
use regex::Regex;
use std::collections::HashMap;

static POINT: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^(\d{1,3}(?:-\d{1,3})*)\.(?:\s+(.*)|([^\d\s.].*))$").unwrap());
static SUBPOINT: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^(\d{1,3}(?:-\d{1,3})*)\)\s*(.*)$").unwrap());
static CHAPTER: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)^(?:глава\s+(\d+(?:-\d+)?)\b|(\d+(?:-\d+)?)\s*-\s*тарау\b)").unwrap()
});
static SECTION: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)^(?:раздел\s+(\d+(?:-\d+)?)\b|(\d+(?:-\d+)?)\s*-\s*бөлім\b)").unwrap()
});
static PARAGRAPH: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)^(?:параграф\s+(\d+(?:-\d+)?)\b|§\s*(\d+(?:-\d+)?)\b|(\d+(?:-\d+)?)\s*-\s*параграф\b)")
        .unwrap()
});
static NUMBERED_HEADING: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^(\d{1,2}(?:-\d+)?)\.\s+\S").unwrap());
static RU_APPENDIX: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)приложение\s*(?:№\s*)?(\d+(?:-\d+)?)?").unwrap());
static KK_APPENDIX: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)(?:(\d+(?:-\d+)?)\s*-\s*|№\s*(\d+(?:-\d+)?)\s*)?қосымша").unwrap()
});

#[derive(Debug, Clone, PartialEq)]
enum Stamp {
    Approval,
    Agreement,
    Appendix {
        num: String,
        target: String,
        to_order: bool,
    },
    Other,
}

fn first_cap(c: &regex::Captures) -> String {
    c.iter()
        .skip(1)
        .flatten()
        .next()
        .map(|m| m.as_str().to_string())
        .unwrap_or_default()
}

fn classify_stamp(text: &str) -> Stamp {
    let lower = text.to_lowercase();
    let first = lower.lines().next().unwrap_or("").trim().to_string();
    let last = lower.lines().last().unwrap_or("").trim().to_string();
    if first.starts_with("утвержден") || last.contains("бекітілген") {
        return Stamp::Approval;
    }
    let flat = collapse(text);
    if first.starts_with("приложение") {
        if let Some(c) = RU_APPENDIX.captures(&flat) {
            let num = c.get(1).map(|m| m.as_str().to_string()).unwrap_or_default();
            let end = c.get(0).map(|m| m.end()).unwrap_or(0);
            let target = flat[end..].trim().to_string();
            return appendix_stamp(num, target);
        }
    }
    if lower.contains("қосымша") && !lower.contains("бекітілген") {
        if let Some(c) = KK_APPENDIX.captures(&flat) {
            let num = first_cap(&c);
            let start = c.get(0).map(|m| m.start()).unwrap_or(0);
            let target = flat[..start].trim().to_string();
            return appendix_stamp(num, target);
        }
    }
    if lower.contains("утвержден") || lower.contains("бекітілген") {
        return Stamp::Approval;
    }
    if lower.contains("согласован") || lower.contains("келісілді") {
        return Stamp::Agreement;
    }
    if first.starts_with("приложение") {
        return appendix_stamp(String::new(), flat);
    }
    Stamp::Other
}

fn appendix_stamp(num: String, target: String) -> Stamp {
    let t = target.to_lowercase();
    let to_order = t.contains("приказ")
        || t.contains("бұйрық")
        || t.contains("бұйрығ")
        || (t.contains('№') && crate::identity::find_date(&target).is_some());
    Stamp::Appendix {
        num,
        target,
        to_order,
    }
}

/// Words of the kinds of approved documents (stems), to tell an appendix of an appendix
/// ("к стандарту …" inside "Приложение 1 к правилам") from an appendix of the document.
const KIND_STEMS: [&str; 17] = [
    "правил",
    "положени",
    "стандарт",
    "перечн",
    "перечен",
    "требовани",
    "инструкци",
    "регламент",
    "методик",
    "қағида",
    "ереже",
    "тізбе",
    "талап",
    "нұсқаулы",
    "әдістеме",
    "порядк",
    "порядок",
];

fn kind_of(text: &str, last: bool) -> Option<&'static str> {
    let lower = text.to_lowercase();
    let hits = KIND_STEMS
        .iter()
        .filter_map(|s| lower.find(s).map(|i| (i, *s)));
    let hit = if last {
        hits.max_by_key(|(i, _)| *i)
    } else {
        hits.min_by_key(|(i, _)| *i)
    };
    // Normalise the two spellings of a stem pair.
    hit.map(|(_, s)| match s {
        "перечен" => "перечн",
        "порядок" => "порядк",
        s => s,
    })
}

fn words(s: &str) -> Vec<String> {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .map(|w| w.to_string())
        .collect()
}

fn stem(w: &str) -> String {
    w.chars().take(5).collect()
}

struct SubState {
    idx: usize,
    path: Vec<UnitRef>,
    indent: usize,
    paras: Vec<(usize, String)>,
}

struct PointState {
    idx: usize,
    path: Vec<UnitRef>,
    paras: Vec<(usize, String)>,
    sub: Option<SubState>,
}

enum Pending {
    None,
    Approval,
    OrderAppendix { num: String, line: usize },
}

pub(crate) struct Builder {
    file: String,
    lang: Lang,
    pub units: Vec<Unit>,
    pub act_events: Vec<HistoryEvent>,
    index: HashMap<(Option<String>, Vec<UnitRef>), usize>,
    doc: Option<String>,
    doc_stamp_num: Option<String>,
    doc_title_idx: Option<usize>,
    act_title_idx: Option<usize>,
    preamble_idx: Option<usize>,
    preamble_open: bool,
    appendix: Option<(Vec<UnitRef>, usize)>,
    chapter: Option<(UnitRef, usize)>,
    point: Option<PointState>,
    last_unit: Option<usize>,
    pending: Pending,
    /// Indent of the block being processed (continuation vs subpoint paragraphs).
    current_indent: usize,
    /// Fallback title for a document whose heading is missing.
    pub fallback_title: String,
    /// Plain text: indentation says nothing about points (PDF text indents every paragraph).
    pub plain: bool,
}

impl Builder {
    pub fn new(file: String, lang: Lang) -> Self {
        Builder {
            file,
            lang,
            units: Vec::new(),
            act_events: Vec::new(),
            index: HashMap::new(),
            doc: None,
            doc_stamp_num: None,
            doc_title_idx: None,
            act_title_idx: None,
            preamble_idx: None,
            preamble_open: false,
            appendix: None,
            chapter: None,
            point: None,
            last_unit: None,
            pending: Pending::None,
            current_indent: 0,
            fallback_title: String::new(),
            plain: false,
        }
    }

    pub fn has_title(&self) -> bool {
        self.act_title_idx.is_some()
    }

    fn exists(&self, path: &[UnitRef]) -> bool {
        self.index.contains_key(&(self.doc.clone(), path.to_vec()))
    }

    fn push_unit(&mut self, kind_path: Vec<UnitRef>, text: String, line: usize) -> usize {
        let idx = self.units.len();
        self.index
            .insert((self.doc.clone(), kind_path.clone()), idx);
        self.units.push(Unit {
            document: self.doc.clone(),
            path: kind_path,
            text,
            status: UnitStatus::InForce,
            events: Vec::new(),
            line,
        });
        self.last_unit = Some(idx);
        idx
    }

    /// The act's own title (the `# ` heading or the meta title).
    pub fn act_title(&mut self, text: &str, line: usize) {
        if self.act_title_idx.is_some() {
            return;
        }
        let idx = self.push_unit(
            vec![UnitRef::new(UnitKind::Title, "")],
            collapse(text),
            line,
        );
        self.act_title_idx = Some(idx);
        self.preamble_open = true;
    }

    pub fn run(&mut self, blocks: &[Block]) {
        for b in blocks {
            self.block(b);
        }
        self.finish();
    }

    fn block(&mut self, b: &Block) {
        self.current_indent = b.indent;
        match b.kind {
            BlockKind::Footnote => return self.footnote(b),
            BlockKind::Signature => return,
            _ => {}
        }
        // A stamp announced a document or an order appendix: this block decides which.
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::None => {}
            Pending::Approval => match b.kind {
                BlockKind::Stamp if classify_stamp(&b.text) != Stamp::Approval => {
                    // Form corners etc. between the stamp and the title: keep waiting.
                    self.pending = Pending::Approval;
                    return;
                }
                BlockKind::Heading(_) | BlockKind::Para if !self.is_structural(b) => {
                    self.start_document(&b.text, b.line, None);
                    return;
                }
                _ => {
                    let t = self.fallback_title.clone();
                    self.start_document(&t, b.line, None);
                }
            },
            Pending::OrderAppendix { num, line } => {
                let is_title = matches!(b.kind, BlockKind::Heading(_) | BlockKind::Para)
                    && !self.is_structural(b);
                if is_title && self.approved_by_order(&b.text) {
                    self.start_document(&b.text, b.line, Some(num));
                    return;
                }
                self.leave_document();
                self.start_appendix(num, String::new(), line);
            }
        }
        match b.kind {
            BlockKind::Stamp => self.stamp(b),
            BlockKind::Heading(level) => self.heading(b, level),
            BlockKind::Para => self.para(b),
            BlockKind::Table | BlockKind::Code => self.add_text(&b.text, b.line, false),
            BlockKind::Footnote | BlockKind::Signature => {}
        }
    }

    /// A point, subpoint, chapter … line rather than a title.
    fn is_structural(&self, b: &Block) -> bool {
        CHAPTER.is_match(&b.text)
            || SECTION.is_match(&b.text)
            || PARAGRAPH.is_match(&b.text)
            || (b.kind == BlockKind::Para && POINT.is_match(&b.text))
            || (b.kind != BlockKind::Para && NUMBERED_HEADING.is_match(&b.text))
    }

    /// Does an approval point of the order ("Утвердить прилагаемые Правила …", "… қағидалары
    /// бекітілсін") name this heading? Then a stamp "Приложение 1 к приказу" introduces an
    /// approved document rather than a mere appendix of the order.
    fn approved_by_order(&self, heading: &str) -> bool {
        let approval: Vec<String> = self
            .units
            .iter()
            .filter(|u| {
                u.document.is_none() && u.path.first().map(|p| p.kind) == Some(UnitKind::Point)
            })
            .filter(|u| {
                let l = u.text.to_lowercase();
                l.contains("утверд") || l.contains("бекіт")
            })
            .flat_map(|u| words(&u.text))
            .collect();
        let hw: Vec<String> = words(heading).into_iter().take(3).collect();
        if hw.is_empty() || approval.is_empty() {
            return false;
        }
        let stems: Vec<String> = hw.iter().map(|w| stem(w)).collect();
        approval.windows(stems.len()).any(|win| {
            win.iter()
                .zip(&stems)
                .all(|(a, s)| a.starts_with(s.as_str()))
        })
    }

    fn close_sub(&mut self, sub: Option<SubState>) {
        if let Some(s) = sub {
            self.emit_indents(&s.path, &s.paras, s.idx);
        }
    }

    fn emit_indents(&mut self, path: &[UnitRef], paras: &[(usize, String)], owner: usize) {
        if paras.len() < 2 {
            return;
        }
        let saved = self.doc.clone();
        self.doc = self.units[owner].document.clone();
        let last = self.last_unit;
        for (k, (line, text)) in paras.iter().enumerate() {
            let mut p = path.to_vec();
            p.push(UnitRef::new(UnitKind::Indent, (k + 1).to_string()));
            if !self.exists(&p) {
                let i = self.push_unit(p, text.clone(), *line);
                self.units[i].status = self.units[owner].status;
            }
        }
        self.last_unit = last;
        self.doc = saved;
    }

    fn close_point(&mut self) {
        if let Some(mut p) = self.point.take() {
            let sub = p.sub.take();
            self.close_sub(sub);
            self.emit_indents(&p.path, &p.paras, p.idx);
        }
    }

    fn close_appendix(&mut self) {
        self.close_point();
        self.appendix = None;
    }

    fn leave_document(&mut self) {
        self.close_appendix();
        self.chapter = None;
        self.doc = None;
        self.doc_stamp_num = None;
        self.doc_title_idx = None;
    }

    fn start_document(&mut self, title: &str, line: usize, stamp_num: Option<String>) {
        self.leave_document();
        self.preamble_open = false;
        let title = collapse(title);
        let title = if title.is_empty() {
            "document".to_string()
        } else {
            title
        };
        self.doc = Some(title.clone());
        self.doc_stamp_num = stamp_num;
        let path = vec![UnitRef::new(UnitKind::Title, "")];
        if self.exists(&path) {
            // The same title twice: keep the first unit, go on inside it.
            self.doc_title_idx = self.index.get(&(self.doc.clone(), path)).copied();
            return;
        }
        let idx = self.push_unit(path, title, line);
        self.doc_title_idx = Some(idx);
    }

    fn start_appendix(&mut self, num: String, target: String, line: usize) {
        self.preamble_open = false;
        let in_appendix = self.appendix.clone();
        self.close_appendix();
        self.chapter = None;
        let top = vec![UnitRef::new(UnitKind::Appendix, num.clone())];
        // An appendix of an appendix ("Приложение 1 к стандарту" inside "Приложение 1 к
        // правилам"): its target names another kind of document than the current one.
        let nested_by_kind = match (&in_appendix, &self.doc) {
            (Some(_), Some(doc)) => {
                let tk = kind_of(&target, self.lang == Lang::Kk);
                let dk = kind_of(doc, self.lang == Lang::Kk);
                tk.is_some() && dk.is_some() && tk != dk
            }
            _ => false,
        };
        let mut path = top.clone();
        if let Some((outer, _)) = &in_appendix {
            let mut nested = vec![outer[0].clone()];
            nested.push(UnitRef::new(UnitKind::Appendix, num.clone()));
            if nested_by_kind || self.exists(&top) {
                path = nested;
            }
        }
        if self.exists(&path) {
            // Still taken: keep the content in the previous appendix rather than clash.
            if let Some((p, i)) = in_appendix {
                self.appendix = Some((p, i));
            }
            return;
        }
        let idx = self.push_unit(path.clone(), String::new(), line);
        self.appendix = Some((path, idx));
    }

    fn stamp(&mut self, b: &Block) {
        match classify_stamp(&b.text) {
            Stamp::Approval => {
                self.close_point();
                self.pending = Pending::Approval;
            }
            Stamp::Agreement => {}
            Stamp::Appendix {
                num,
                target,
                to_order,
            } => {
                if to_order
                    || self.doc.is_none()
                        && self.appendix.is_none()
                        && !target.is_empty()
                        && kind_of(&target, false).is_none()
                {
                    self.close_point();
                    self.pending = Pending::OrderAppendix { num, line: b.line };
                } else {
                    self.start_appendix(num, target, b.line);
                }
            }
            Stamp::Other => self.add_text(&b.text, b.line, false),
        }
    }

    fn heading(&mut self, b: &Block, level: u8) {
        if level == 1 && self.act_title_idx.is_none() && self.doc.is_none() && self.units.is_empty()
        {
            self.act_title(&b.text, b.line);
            return;
        }
        if self.appendix.is_none() && self.structural_heading(b, true) {
            return;
        }
        if self.appendix.is_none()
            && self.doc.is_none()
            && self.point.is_some()
            && self.approved_by_order(&b.text)
        {
            // An approved document without a stamp.
            self.start_document(&b.text, b.line, None);
            return;
        }
        self.add_text(&b.text, b.line, true);
    }

    /// Chapter / section / paragraph headings; numbered headings ("## 1. Общие положения")
    /// count as chapters only when `numbered` (real headings, not plain lines).
    fn structural_heading(&mut self, b: &Block, numbered: bool) -> bool {
        let t = &b.text;
        if let Some(c) = CHAPTER.captures(t) {
            self.open_division(UnitKind::Chapter, first_cap(&c), t, b.line);
            return true;
        }
        if let Some(c) = SECTION.captures(t) {
            self.open_division(UnitKind::Section, first_cap(&c), t, b.line);
            return true;
        }
        if let Some(c) = PARAGRAPH.captures(t) {
            self.open_division(UnitKind::Paragraph, first_cap(&c), t, b.line);
            return true;
        }
        if numbered && self.doc.is_some() {
            if let Some(c) = NUMBERED_HEADING.captures(t) {
                self.open_division(UnitKind::Chapter, c[1].to_string(), t, b.line);
                return true;
            }
        }
        false
    }

    fn open_division(&mut self, kind: UnitKind, num: String, text: &str, line: usize) {
        self.close_point();
        self.preamble_open = false;
        let mut path = Vec::new();
        if kind == UnitKind::Paragraph {
            if let Some((c, _)) = &self.chapter {
                path.push(c.clone());
            }
        }
        path.push(UnitRef::new(kind, num));
        if self.exists(&path) {
            self.add_text(text, line, true);
            return;
        }
        let idx = self.push_unit(path.clone(), collapse(text), line);
        if kind != UnitKind::Paragraph {
            self.chapter = Some((path[0].clone(), idx));
        }
    }

    fn scope_prefix(&self) -> Vec<UnitRef> {
        self.appendix
            .as_ref()
            .map(|(p, _)| p.clone())
            .unwrap_or_default()
    }

    fn para(&mut self, b: &Block) {
        let t = b.text.as_str();
        if self.appendix.is_none() && t.chars().count() < 300 && self.structural_heading(b, false) {
            return;
        }
        if b.indent <= 3 || self.plain {
            if let Some(c) = POINT.captures(t) {
                let num = c[1].to_string();
                let body = c.get(2).or(c.get(3)).map(|m| m.as_str()).unwrap_or("");
                let mut path = self.scope_prefix();
                path.push(UnitRef::new(UnitKind::Point, num));
                if !self.exists(&path) {
                    self.close_point();
                    self.preamble_open = false;
                    let idx = self.push_unit(path.clone(), collapse(t), b.line);
                    self.mark_repealed(idx, body, b.line);
                    if let Some((_, a)) = &self.appendix {
                        let a = *a;
                        append(&mut self.units[a], t, "\n");
                    }
                    self.point = Some(PointState {
                        idx,
                        path,
                        paras: vec![(b.line, collapse(t))],
                        sub: None,
                    });
                    return;
                }
            }
        }
        if let Some(c) = SUBPOINT.captures(t) {
            if let Some(p) = &self.point {
                let mut path = p.path.clone();
                path.push(UnitRef::new(UnitKind::Subpoint, c[1].to_string()));
                if !self.exists(&path) {
                    let body = c[2].to_string();
                    let sub = self.point.as_mut().and_then(|p| p.sub.take());
                    self.close_sub(sub);
                    let idx = self.push_unit(path.clone(), collapse(t), b.line);
                    self.mark_repealed(idx, &body, b.line);
                    let (pidx, aidx) = (
                        self.point.as_ref().map(|p| p.idx),
                        self.appendix.as_ref().map(|a| a.1),
                    );
                    if let Some(pi) = pidx {
                        append(&mut self.units[pi], t, " ");
                    }
                    if let Some(ai) = aidx {
                        append(&mut self.units[ai], t, "\n");
                    }
                    if let Some(p) = self.point.as_mut() {
                        p.sub = Some(SubState {
                            idx,
                            path,
                            indent: b.indent,
                            paras: vec![(b.line, collapse(t))],
                        });
                    }
                    return;
                }
            }
        }
        self.add_text(t, b.line, true);
    }

    /// Repealed placeholders ("5. Исключен приказом …", "9. Алып тасталды - …").
    fn mark_repealed(&mut self, idx: usize, body: &str, line: usize) {
        let l = body.trim().to_lowercase();
        let repealed = ["исключен", "алып тасталды", "утратил силу", "күші жойылды"]
            .iter()
            .any(|p| l.starts_with(p));
        if !repealed {
            return;
        }
        self.units[idx].status = UnitStatus::Repealed;
        let u = &self.units[idx];
        let mut evs: Vec<HistoryEvent> = parse_footnote(body, self.lang)
            .into_iter()
            .map(|e| HistoryEvent {
                document: u.document.clone(),
                path: u.path.clone(),
                kind: EventKind::Repealed,
                order: Some(e.order),
                effective: e.effective,
                estimated: false,
                source: format!("footnote {}:{}", self.file, line),
            })
            .collect();
        if evs.is_empty() {
            evs.push(HistoryEvent {
                document: u.document.clone(),
                path: u.path.clone(),
                kind: EventKind::Repealed,
                order: None,
                effective: None,
                estimated: false,
                source: format!("footnote {}:{}", self.file, line),
            });
        }
        self.units[idx].events.extend(evs);
    }

    /// Text that is no new unit: continuation of the open (sub)point, preamble, appendix
    /// content, or else the last unit's text.
    fn add_text(&mut self, text: &str, line: usize, new_para: bool) {
        let flat = collapse(text);
        if flat.is_empty() {
            return;
        }
        if let Some(ai) = self.appendix.as_ref().map(|a| a.1) {
            append(&mut self.units[ai], text.trim(), "\n");
        }
        if let Some(pidx) = self.point.as_ref().map(|p| p.idx) {
            append(&mut self.units[pidx], &flat, " ");
            self.continue_point(&flat, line, new_para);
            return;
        }
        if self.appendix.is_some() {
            return;
        }
        if self.preamble_open && self.doc.is_none() {
            match self.preamble_idx {
                Some(i) => append(&mut self.units[i], &flat, " "),
                None => {
                    let idx =
                        self.push_unit(vec![UnitRef::new(UnitKind::Preamble, "")], flat, line);
                    self.preamble_idx = Some(idx);
                }
            }
            return;
        }
        if let Some(i) = self.last_unit {
            append(&mut self.units[i], &flat, " ");
        }
    }

    fn continue_point(&mut self, flat: &str, line: usize, new_para: bool) {
        let indent = self.current_indent;
        let Some(p) = self.point.as_mut() else { return };
        if let Some(s) = p.sub.as_mut() {
            if indent > s.indent {
                if let Some(u) = self.units.get_mut(s.idx) {
                    append(u, flat, " ");
                }
                if new_para {
                    s.paras.push((line, flat.to_string()));
                } else if let Some(last) = s.paras.last_mut() {
                    last.1.push(' ');
                    last.1.push_str(flat);
                }
                return;
            }
        }
        if new_para && p.sub.is_some() {
            let sub = p.sub.take();
            p.paras.push((line, flat.to_string()));
            self.close_sub(sub);
            return;
        }
        if new_para {
            p.paras.push((line, flat.to_string()));
        } else if let Some(last) = p.paras.last_mut() {
            last.1.push(' ');
            last.1.push_str(flat);
        }
    }

    fn footnote(&mut self, b: &Block) {
        let events = parse_footnote(&b.text, self.lang);
        let source = format!("footnote {}:{}", self.file, b.line);
        for e in events {
            let target_idx = self.resolve(&e.target);
            let (document, path) = match target_idx {
                Some(i) => (self.units[i].document.clone(), self.units[i].path.clone()),
                None => (self.doc.clone(), Vec::new()),
            };
            let ev = HistoryEvent {
                document,
                path,
                kind: e.kind,
                order: Some(e.order),
                effective: e.effective,
                estimated: false,
                source: source.clone(),
            };
            match target_idx {
                Some(i) => self.units[i].events.push(ev),
                None => self.act_events.push(ev),
            }
        }
    }

    /// The unit a footnote is about: named in its words (relative to the open appendix, then
    /// the document), else the unit it follows. `None` = act/document level.
    fn resolve(&self, target: &FootnoteTarget) -> Option<usize> {
        match target {
            FootnoteTarget::Unit(path) => {
                let mut cands = Vec::new();
                if let Some((prefix, _)) = &self.appendix {
                    if path.first().map(|u| u.kind) != Some(UnitKind::Appendix) {
                        let mut p = prefix.clone();
                        p.extend(path.iter().cloned());
                        cands.push(p);
                    }
                }
                cands.push(path.clone());
                for c in &cands {
                    if let Some(i) = self.index.get(&(self.doc.clone(), c.clone())) {
                        return Some(*i);
                    }
                }
                if path.len() == 1
                    && path[0].kind == UnitKind::Appendix
                    && self.doc_stamp_num.as_deref() == Some(path[0].num.as_str())
                {
                    return None;
                }
                self.following()
            }
            FootnoteTarget::Title => {
                if self.doc.is_some() {
                    self.doc_title_idx.or_else(|| self.following())
                } else {
                    self.act_title_idx.or_else(|| self.following())
                }
            }
            FootnoteTarget::Preamble => self.preamble_idx.or_else(|| self.following()),
            FootnoteTarget::Document | FootnoteTarget::Unknown => None,
        }
    }

    fn following(&self) -> Option<usize> {
        self.point
            .as_ref()
            .map(|p| p.idx)
            .or(self.appendix.as_ref().map(|a| a.1))
            .or(self.last_unit)
    }

    fn finish(&mut self) {
        if let Pending::OrderAppendix { num, line } =
            std::mem::replace(&mut self.pending, Pending::None)
        {
            self.leave_document();
            self.start_appendix(num, String::new(), line);
        }
        self.close_appendix();
        for u in &mut self.units {
            u.events.sort_by_key(|e| {
                (
                    e.order.as_ref().and_then(|o| o.date).is_none(),
                    e.order.as_ref().and_then(|o| o.date),
                )
            });
            if u.kind() == Some(UnitKind::Appendix) {
                u.text = u
                    .text
                    .lines()
                    .map(collapse)
                    .filter(|l| !l.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n");
            } else {
                u.text = collapse(&u.text);
            }
        }
        self.act_events.sort_by_key(|e| {
            (
                e.order.as_ref().and_then(|o| o.date).is_none(),
                e.order.as_ref().and_then(|o| o.date),
            )
        });
        self.units.sort_by_key(|u| u.line);
    }
}

fn append(u: &mut Unit, text: &str, sep: &str) {
    if text.trim().is_empty() {
        return;
    }
    if !u.text.is_empty() {
        u.text.push_str(sep);
    }
    u.text.push_str(text.trim());
}
