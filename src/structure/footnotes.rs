//! Change footnotes of consolidated texts ("Сноска. …" / "Ескерту. …") → events.
//!
//! A footnote names what changed (a unit, the title, the preamble, the whole document), how
//! (reworded, inserted, repealed, amended) and by which orders. Several orders may be listed,
//! separated by ";", each possibly with its own verb; parenthesised entry-into-force notes are
//! set aside first so that their dates are never taken for order dates.

use crate::identity::find_date;
use crate::model::{EventKind, Lang, OrderCite, UnitKind, UnitRef};
use chrono::NaiveDate;
use once_cell::sync::Lazy;
use regex::Regex;

/// What a footnote says it is about, relative to the document/appendix it stands in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FootnoteTarget {
    /// A numbered unit: `[point 12]`, `[chapter 2]`, `[appendix 1]`, `[point 2, subpoint 5]`.
    Unit(Vec<UnitRef>),
    /// The title ("Заголовок", "Тақырыбы", "Атауы") of the act or of the current document.
    Title,
    /// The preamble ("Преамбула", "Кіріспе").
    Preamble,
    /// The whole approved document ("Правила в редакции", "Қағидалар жаңа редакцияда").
    Document,
    /// Nothing recognisable (or the whole text, "по всему тексту").
    Unknown,
}

impl FootnoteTarget {
    /// The target as a unit path, when it is one (title and preamble are one-step paths).
    pub fn path(&self) -> Option<Vec<UnitRef>> {
        match self {
            FootnoteTarget::Unit(p) => Some(p.clone()),
            FootnoteTarget::Title => Some(vec![UnitRef::new(UnitKind::Title, "")]),
            FootnoteTarget::Preamble => Some(vec![UnitRef::new(UnitKind::Preamble, "")]),
            _ => None,
        }
    }
}

/// One order named by a footnote, with what it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FootnoteEvent {
    pub target: FootnoteTarget,
    pub kind: EventKind,
    pub order: OrderCite,
    /// Only when the footnote states a date of entry into force ("вводится в действие с
    /// 01.01.2022", "01.07.2022 бастап қолданысқа енгізіледі").
    pub effective: Option<NaiveDate>,
}

/// True when `text` (a line, markup stripped) is a change footnote.
pub fn is_footnote(text: &str) -> bool {
    let t =
        text.trim_start_matches(|c: char| c.is_whitespace() || c == '*' || c == '>' || c == '_');
    t.starts_with("Сноска") || t.starts_with("Ескерту")
}

/// Parse one footnote into one event per cited order, in date order (undated last).
/// `lang` is a hint only: both Russian and Kazakh wordings are recognised.
pub fn parse_footnote(text: &str, _lang: Lang) -> Vec<FootnoteEvent> {
    let body = strip_lead(text);
    let (flat, parens) = split_parens(&body);
    let target = parse_target(head_of(&flat));
    let whole_kind = detect_kind(&flat.to_lowercase()).unwrap_or(EventKind::Amended);
    let corner = is_part_only(&flat.to_lowercase());
    let mut out = Vec::new();
    let mut kind = None;
    let mut issuer: Option<String> = None;
    for seg in flat.split(';') {
        let lower = seg.to_lowercase();
        if let Some(k) = detect_kind(&lower) {
            kind = Some(k);
        }
        let Some(num_m) = NUMBER.captures(seg) else {
            continue;
        };
        let number = normalize_number(&num_m[1]);
        if number.is_empty() {
            continue;
        }
        let num_start = num_m.get(0).map(|m| m.start()).unwrap_or(0);
        let date_hit = find_date(&seg[..num_start]).or_else(|| find_date(seg));
        let date = date_hit.as_ref().map(|(d, _)| *d);
        let before = match &date_hit {
            Some((_, r)) if r.start <= num_start => &seg[..r.start],
            _ => &seg[..num_start],
        };
        if let Some(i) = extract_issuer(before) {
            issuer = Some(i);
        }
        // Entry-into-force note: the parenthesis that follows this number.
        let effective = parens
            .iter()
            .filter(|(pos, _)| {
                *pos >= seg_offset(&flat, seg) + num_start
                    && *pos <= seg_offset(&flat, seg) + seg.len()
            })
            .find_map(|(_, p)| {
                let pl = p.to_lowercase();
                if pl.contains("вводится") || pl.contains("қолданысқа") || pl.contains("действие")
                {
                    find_date(p).map(|(d, _)| d)
                } else {
                    None
                }
            });
        let mut k = kind.unwrap_or(whole_kind);
        if corner && k == EventKind::Reworded {
            k = EventKind::Amended;
        }
        out.push(FootnoteEvent {
            target: target.clone(),
            kind: k,
            order: OrderCite {
                number,
                date,
                issuer: issuer.clone(),
            },
            effective,
        });
    }
    out.sort_by_key(|e| (e.order.date.is_none(), e.order.date));
    out
}

/// Byte offset of `seg` (a slice of `flat`) inside `flat`.
fn seg_offset(flat: &str, seg: &str) -> usize {
    (seg.as_ptr() as usize).saturating_sub(flat.as_ptr() as usize)
}

fn strip_lead(text: &str) -> String {
    let t = text
        .replace(['*', '\u{a0}'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let t = t.trim_start_matches(['>', ' ']);
    let t = t
        .strip_prefix("Сноска")
        .or_else(|| t.strip_prefix("Ескерту"))
        .unwrap_or(t);
    t.trim_start_matches(['.', ':', ' ']).trim().to_string()
}

/// Text with top-level parentheses removed (replaced by a space) and their contents with the
/// byte position (in the flat text) where they stood.
fn split_parens(s: &str) -> (String, Vec<(usize, String)>) {
    let mut flat = String::with_capacity(s.len());
    let mut parens = Vec::new();
    let mut depth = 0usize;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' => {
                if depth > 0 {
                    cur.push(c);
                }
                depth += 1;
            }
            ')' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    parens.push((flat.len(), std::mem::take(&mut cur)));
                    flat.push(' ');
                } else {
                    cur.push(c);
                }
            }
            _ => {
                if depth > 0 {
                    cur.push(c);
                } else {
                    flat.push(c);
                }
            }
        }
    }
    if depth > 0 {
        // Unclosed parenthesis: keep its text, it may hold the order cite.
        flat.push_str(&cur);
    }
    (flat, parens)
}

/// The part of the footnote before the first order cite: it names the unit and the change.
fn head_of(flat: &str) -> &str {
    let lower = flat.to_lowercase();
    let mut end = flat.len();
    for pat in ["приказ", "в соответствии", "қр ", "№"] {
        if let Some(i) = lower.find(pat) {
            // `lower` may differ in byte length from `flat` only for exotic letters; guard.
            if i < end && flat.is_char_boundary(i) {
                end = i;
            }
        }
    }
    if let Some((_, r)) = find_date(flat) {
        end = end.min(r.start);
    }
    &flat[..end]
}

fn detect_kind(lower: &str) -> Option<EventKind> {
    let pats: [(&str, EventKind); 13] = [
        ("исключен", EventKind::Repealed),
        ("утратил", EventKind::Repealed),
        ("алып тасталды", EventKind::Repealed),
        ("күші жойыл", EventKind::Repealed),
        ("дополнен", EventKind::Inserted),
        ("толықтырыл", EventKind::Inserted),
        ("в редакции", EventKind::Reworded),
        ("редакцияда", EventKind::Reworded),
        ("изменени", EventKind::Amended),
        ("өзгеріс", EventKind::Amended),
        ("внесен", EventKind::Amended),
        ("изменен", EventKind::Amended),
        ("енгізілді", EventKind::Amended),
    ];
    pats.iter()
        .filter_map(|(p, k)| lower.find(p).map(|i| (i, *k)))
        .min_by_key(|(i, _)| *i)
        .map(|(_, k)| k)
}

/// "Верхний правый угол приложения 2", "оң жақ жоғарғы бұрышы": only a part of the unit.
fn is_part_only(lower: &str) -> bool {
    lower.contains("угол") || lower.contains("углу") || lower.contains("бұрыш")
}

static RU_UNITS: Lazy<Vec<(UnitKind, Regex)>> = Lazy::new(|| {
    let n = r"(\d+(?:-\d+)*)";
    vec![
        (
            UnitKind::Subpoint,
            Regex::new(&format!(r"(?i)\bподпункт\w*\s+{n}\)?")).unwrap(),
        ),
        (
            UnitKind::Point,
            Regex::new(&format!(r"(?i)\bпункт\w*\s+{n}")).unwrap(),
        ),
        (
            UnitKind::Chapter,
            Regex::new(&format!(r"(?i)\bглав\w*\s+{n}")).unwrap(),
        ),
        (
            UnitKind::Paragraph,
            Regex::new(&format!(r"(?i)\bпараграф\w*\s+{n}")).unwrap(),
        ),
        (
            UnitKind::Section,
            Regex::new(&format!(r"(?i)\bраздел\w*\s+{n}")).unwrap(),
        ),
        (
            UnitKind::Appendix,
            Regex::new(&format!(r"(?i)\bприложени\w*(?:\s*№)?(?:\s+{n})?")).unwrap(),
        ),
        (
            UnitKind::Subpoint,
            Regex::new(&format!(r"(?i){n}\)\s*-?\s*тармақша")).unwrap(),
        ),
        (
            UnitKind::Point,
            Regex::new(&format!(r"(?i){n}\s*-\s*тарм(\w*)")).unwrap(),
        ),
        (
            UnitKind::Chapter,
            Regex::new(&format!(r"(?i){n}\s*-\s*тарау")).unwrap(),
        ),
        (
            UnitKind::Paragraph,
            Regex::new(&format!(r"(?i){n}\s*-\s*параграф")).unwrap(),
        ),
        (
            UnitKind::Section,
            Regex::new(&format!(r"(?i){n}\s*-\s*бөлім")).unwrap(),
        ),
        (
            UnitKind::Appendix,
            Regex::new(&format!(r"(?i)(?:{n}\s*-\s*|№\s*{n}\s*)?\bқосымша")).unwrap(),
        ),
    ]
});

/// Unit mentions in a footnote head, outer → inner.
pub fn unit_mentions(head: &str) -> Vec<UnitRef> {
    let mut found: Vec<UnitRef> = Vec::new();
    for (kind, re) in RU_UNITS.iter() {
        for c in re.captures_iter(head) {
            if *kind == UnitKind::Point {
                // "3-тармақша" is a subpoint word caught by the point pattern.
                if let Some(rest) = c.get(2) {
                    if rest.as_str().starts_with("ақша") {
                        continue;
                    }
                }
            }
            let num = c
                .iter()
                .skip(1)
                .flatten()
                .next()
                .map(|m| m.as_str().to_string())
                .unwrap_or_default();
            if num.is_empty() && *kind != UnitKind::Appendix {
                continue;
            }
            if !found.iter().any(|u| u.kind == *kind) {
                found.push(UnitRef::new(*kind, num));
            }
        }
    }
    found.sort_by_key(|u| u.kind.rank());
    found
}

fn parse_target(head: &str) -> FootnoteTarget {
    let lower = head.to_lowercase();
    if lower.contains("по всему тексту") || lower.contains("бүкіл мәтін") {
        return FootnoteTarget::Unknown;
    }
    let units = unit_mentions(head);
    if !units.is_empty() {
        return FootnoteTarget::Unit(units);
    }
    if lower.contains("заголов") || lower.contains("тақырыб") || lower.contains("атау")
    {
        return FootnoteTarget::Title;
    }
    if lower.contains("преамбул") || lower.contains("кіріспе") {
        return FootnoteTarget::Preamble;
    }
    const DOC_WORDS: [&str; 15] = [
        "правил",
        "стандарт",
        "перечень",
        "положени",
        "требовани",
        "инструкци",
        "регламент",
        "порядок",
        "методик",
        "қағида",
        "ереже",
        "тізбе",
        "талаптар",
        "нұсқаулық",
        "әдістеме",
    ];
    if DOC_WORDS.iter().any(|w| lower.contains(w)) {
        return FootnoteTarget::Document;
    }
    FootnoteTarget::Unknown
}

static NUMBER: Lazy<Regex> = Lazy::new(|| Regex::new(r"№\s*([^;№]*)").unwrap());

/// "ҚР ДСМ - 50 бұйрығымен." → "ҚР ДСМ-50".
fn normalize_number(raw: &str) -> String {
    let mut s = raw.trim().to_string();
    for stop in [" бұйр", " приказ", " от ", " в соответствии", "  "] {
        if let Some(i) = s.find(stop) {
            s.truncate(i);
        }
    }
    static HY: Lazy<Regex> = Lazy::new(|| Regex::new(r"\s*[-–]\s*").unwrap());
    let s = HY.replace_all(s.trim(), "-");
    s.trim_end_matches(['.', ',', '*', ' ', ')', '-'])
        .trim()
        .to_string()
}

/// Issuer as written between the cite word ("приказом", "-") and the date.
fn extract_issuer(before: &str) -> Option<String> {
    // Found in `before` itself, not in a lower-cased copy: lower-casing can change byte lengths
    // (`Ⱦ` → `ⱦ`), and the offset is used on `before` (fuzzing found the panic).
    static CITE: Lazy<Regex> = Lazy::new(|| Regex::new(r"(?i)приказ").unwrap());
    let mut start = 0;
    // Russian: after the last "приказ…" word.
    if let Some(i) = CITE.find_iter(before).last().map(|m| m.start()) {
        let rest = &before[i..];
        let w = rest
            .find(char::is_whitespace)
            .map(|j| i + j)
            .unwrap_or(before.len());
        start = w;
    } else {
        // Kazakh: after the last dash standing between words (" - ", " – ").
        let a = before.rfind(" - ").map(|i| i + 3);
        let b = before.rfind(" – ").map(|i| i + " – ".len());
        if let Some(i) = a.max(b) {
            start = i;
        }
    }
    let mut s = before[start..].trim();
    for lead in ["в соответствии с", "от"] {
        s = s.strip_prefix(lead).unwrap_or(s).trim();
    }
    let s = s.trim_end_matches(|c: char| c == ',' || c.is_whitespace());
    let s = s.strip_suffix(" от").unwrap_or(s).trim();
    let low = s.to_lowercase();
    if s.chars().filter(|c| c.is_alphabetic()).count() < 3
        || low.contains("редакци")
        || low.contains("изменени")
        || low.contains("өзгеріс")
    {
        return None;
    }
    Some(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, dd)
    }

    #[test]
    fn russian_reworded_point() {
        let ev = parse_footnote("> *Сноска. Пункт 10 в редакции приказа и.о. Министра образования и науки РК от 10.12.2021 № 586 (вводится в действие по истечении десяти календарных дней после дня его первого официального опубликования).*", Lang::Ru);
        assert_eq!(ev.len(), 1);
        assert_eq!(
            ev[0].target,
            FootnoteTarget::Unit(vec![UnitRef::new(UnitKind::Point, "10")])
        );
        assert_eq!(ev[0].kind, EventKind::Reworded);
        assert_eq!(ev[0].order.number, "586");
        assert_eq!(ev[0].order.date, d(2021, 12, 10));
        assert_eq!(
            ev[0].order.issuer.as_deref(),
            Some("и.о. Министра образования и науки РК")
        );
        assert_eq!(ev[0].effective, None);
    }

    #[test]
    fn several_orders_mixed_kinds() {
        let ev = parse_footnote("Сноска. Пункт 1 с изменениями, внесенными приказом Министра просвещения РК от 30.06.2023 № 188 (вводится в действие по истечении десяти календарных дней после дня его первого официального опубликования); в редакции приказа Министра просвещения РК от 16.02.2024 № 35 (вводится в действие с 01.03.2024).", Lang::Ru);
        assert_eq!(ev.len(), 2);
        assert_eq!(ev[0].kind, EventKind::Amended);
        assert_eq!(ev[0].order.number, "188");
        assert_eq!(ev[1].kind, EventKind::Reworded);
        assert_eq!(ev[1].order.number, "35");
        assert_eq!(ev[1].order.date, d(2024, 2, 16));
        assert_eq!(ev[1].effective, d(2024, 3, 1));
    }

    #[test]
    fn kazakh_orders_inherit_issuer() {
        let ev = parse_footnote("Ескерту. 1-тармақ жаңа редакцияда - ҚР Оқу-ағарту министрінің 23.08.2023 № 270 (алғашқы ресми жарияланған күнінен кейін күнтізбелік он күн өткен соң қолданысқа енгізіледі); 30.04.2025 № 98 (01.07.2025 бастап қолданысқа енгізіледі) бұйрықтарымен.", Lang::Kk);
        assert_eq!(ev.len(), 2);
        assert_eq!(
            ev[0].target,
            FootnoteTarget::Unit(vec![UnitRef::new(UnitKind::Point, "1")])
        );
        assert_eq!(ev[1].order.number, "98");
        assert_eq!(ev[1].order.date, d(2025, 4, 30));
        assert_eq!(
            ev[1].order.issuer.as_deref(),
            Some("ҚР Оқу-ағарту министрінің")
        );
        assert_eq!(ev[1].effective, d(2025, 7, 1));
    }

    #[test]
    fn kazakh_inserted_and_amended() {
        let ev = parse_footnote("Ескерту. Қағидалар 6-1-тармақпен толықтырылды – ҚР Денсаулық сақтау министрінің 18.09.2025 № ҚР ДСМ - 97 (…) бұйрығымен.", Lang::Kk);
        assert_eq!(
            ev[0].target,
            FootnoteTarget::Unit(vec![UnitRef::new(UnitKind::Point, "6-1")])
        );
        assert_eq!(ev[0].kind, EventKind::Inserted);
        assert_eq!(ev[0].order.number, "ҚР ДСМ-97");
        let ev = parse_footnote("Ескерту. 14-тармаққа өзгеріс енгізілді - ҚР Денсаулық сақтау министрінің 18.09.2025 № 97 (…) бұйрығымен.", Lang::Kk);
        assert_eq!(ev[0].kind, EventKind::Amended);
        let ev = parse_footnote(
            "Ескерту. Тақырыбы жаңа редакцияда - ҚР Әділет министрінің м.а. 30.06.2022 № 538 (…) бұйрығымен.",
            Lang::Kk,
        );
        assert_eq!(ev[0].target, FootnoteTarget::Title);
        let ev = parse_footnote(
            "Ескерту. Кіріспе жаңа редакцияда – ҚР Әділет министрінің 10.02.2021 № 109 (…) бұйрығымен.",
            Lang::Kk,
        );
        assert_eq!(ev[0].target, FootnoteTarget::Preamble);
    }

    #[test]
    fn inserted_unit_named_after_verb_and_corner() {
        let ev = parse_footnote("Сноска. Типовые правила дополнены пунктом 24-1 в соответствии с приказом Министра просвещения РК от 05.07.2022 № 311 (…).", Lang::Ru);
        assert_eq!(
            ev[0].target,
            FootnoteTarget::Unit(vec![UnitRef::new(UnitKind::Point, "24-1")])
        );
        assert_eq!(ev[0].kind, EventKind::Inserted);
        assert_eq!(
            ev[0].order.issuer.as_deref(),
            Some("Министра просвещения РК")
        );
        let ev = parse_footnote("Сноска. Верхний правый угол приложения 2 в редакции приказа Министра просвещения РК от 03.07.2025 № 153 (…).", Lang::Ru);
        assert_eq!(
            ev[0].target,
            FootnoteTarget::Unit(vec![UnitRef::new(UnitKind::Appendix, "2")])
        );
        assert_eq!(ev[0].kind, EventKind::Amended);
        let ev = parse_footnote("Сноска. Заголовок главы 2 в редакции приказа Министра просвещения РК от 03.07.2025 № 153 (…).", Lang::Ru);
        assert_eq!(
            ev[0].target,
            FootnoteTarget::Unit(vec![UnitRef::new(UnitKind::Chapter, "2")])
        );
        let ev = parse_footnote(
            "Сноска. Правила в редакции приказа и.о. Министра юстиции РК от 30.06.2022 № 538 (…).",
            Lang::Ru,
        );
        assert_eq!(ev[0].target, FootnoteTarget::Document);
    }

    #[test]
    fn date_order_and_garbage() {
        let ev = parse_footnote("Сноска. Пункт 2 в редакции приказов Министра просвещения РК от 18.08.2022 № 374 (…); и.о. Министра просвещения РК от 16.06.2023 № 171 (…).", Lang::Ru);
        assert_eq!(ev.len(), 2);
        assert_eq!(ev[0].order.number, "374");
        assert_eq!(
            ev[1].order.issuer.as_deref(),
            Some("и.о. Министра просвещения РК")
        );
        assert!(parse_footnote("Сноска.", Lang::Ru).is_empty());
        assert!(parse_footnote("((( № ;;; )", Lang::Ru).len() <= 1);
    }

    /// Letters whose lower case is longer in UTF-8 (`Ⱦ` 2 bytes → `ⱦ` 3) before the cite word
    /// once made the issuer's offset fall inside a letter.
    #[test]
    fn lower_case_of_other_length_before_the_cite() {
        let ev = parse_footnote(
            "СнȾска. Пункт 3 в редакции ȾȾ приказа Министра просвещения РК от 18.08.2022 № 374.",
            Lang::Ru,
        );
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].order.number, "374");
        assert_eq!(
            ev[0].order.issuer.as_deref(),
            Some("Министра просвещения РК")
        );
    }
}
