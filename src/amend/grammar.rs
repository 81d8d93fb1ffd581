//! The amendment grammar (kk and ru): unit mentions, verbs, word changes, document lead-ins.
//!
//! Unit mentions are found anywhere in an instruction head and ordered by their rank in the
//! hierarchy, not by their place in the sentence. That makes the grammar indifferent to word
//! order, which differs between the languages (Kazakh puts the target first and the verb last)
//! and is scrambled by the moved-hyperlink artefact of PDF extraction.

use super::ordinals::{ordinal_value, KK_ORD, RU_ORD};
use super::Op;
use crate::model::{Lang, UnitKind, UnitRef};
use once_cell::sync::Lazy;
use regex::Regex;

const N: &str = r"\d+(?:-\d+)*";

/// One unit named in an instruction; several numbers for a list ("пункты 3 и 5").
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Mention {
    pub start: usize,
    pub kind: UnitKind,
    pub nums: Vec<String>,
    /// Named in the instrumental case ("пунктом 6-1", "6-1-тармақпен"): the unit being added.
    pub inserted: bool,
    /// Named as the place of an insertion ("после пункта 6", "6-тармақтан кейін").
    pub after: bool,
}

struct Pat {
    re: Regex,
    kind: UnitKind,
    /// Capture group holding the number(s); 0 = none.
    num: usize,
    /// Capture group holding the case ending.
    suffix: usize,
}

fn pat(re: &str, kind: UnitKind, num: usize, suffix: usize) -> Pat {
    Pat {
        re: Regex::new(re).unwrap(),
        kind,
        num,
        suffix,
    }
}

static RU_PATS: Lazy<Vec<Pat>> = Lazy::new(|| {
    let list = |item: &str| format!(r"({item}(?:\s*(?:,|\bи\b|[–—])\s*{item})*)");
    vec![
        pat(
            &format!(r"(?i)\bподпункт(\w*)\s+{}", list(&format!(r"{N}\)"))),
            UnitKind::Subpoint,
            2,
            1,
        ),
        pat(
            &format!(r"(?i)\bпункт(\w*)\s+{}", list(N)),
            UnitKind::Point,
            2,
            1,
        ),
        pat(
            &format!(r"(?i)\bабзац(\w*)(?:\s+{})?", list(RU_ORD)),
            UnitKind::Indent,
            2,
            1,
        ),
        pat(
            &format!(r"(?i)\bглав(\w*)\s+({N})"),
            UnitKind::Chapter,
            2,
            1,
        ),
        pat(
            &format!(r"(?i)\bраздел(\w*)\s+({N})"),
            UnitKind::Section,
            2,
            1,
        ),
        pat(
            &format!(r"(?i)\bпараграф(\w*)\s+({N})"),
            UnitKind::Paragraph,
            2,
            1,
        ),
        pat(
            &format!(r"(?i)\bстать(\w*)\s+({N})"),
            UnitKind::Article,
            2,
            1,
        ),
        pat(
            &format!(r"(?i)\bчаст(\w*)\s+({N}|{RU_ORD})"),
            UnitKind::Part,
            2,
            1,
        ),
        pat(
            &format!(r"(?i)\bприложени(\w*)(?:\s+({N}))?"),
            UnitKind::Appendix,
            2,
            1,
        ),
        pat(r"(?i)\bпреамбул(\w*)", UnitKind::Preamble, 0, 1),
        pat(r"(?i)\b(?:заголов|наименовани)(\w*)", UnitKind::Title, 0, 1),
    ]
});

static KK_PATS: Lazy<Vec<Pat>> = Lazy::new(|| {
    vec![
        pat(
            &format!(r"(?i)({N}\)(?:\s*(?:,|және|[–—])\s*{N}\))*)\s*тармақша(\w*)"),
            UnitKind::Subpoint,
            1,
            2,
        ),
        pat(
            &format!(r"(?i)((?:{N}\s*(?:,|және|[–—])\s*)*{N})-тарма[қғ](\w*)"),
            UnitKind::Point,
            1,
            2,
        ),
        pat(
            &format!(r"(?i)(?:({KK_ORD}(?:\s*(?:,|және)\s*{KK_ORD})*)\s+)?абзац(\w*)"),
            UnitKind::Indent,
            1,
            2,
        ),
        pat(&format!(r"(?i)({N})-абзац(\w*)"), UnitKind::Indent, 1, 2),
        pat(&format!(r"(?i)({N})-тарау(\w*)"), UnitKind::Chapter, 1, 2),
        pat(
            &format!(r"(?i)({N})-параграф(\w*)"),
            UnitKind::Paragraph,
            1,
            2,
        ),
        pat(&format!(r"(?i)({N})-ба[пб](\w*)"), UnitKind::Article, 1, 2),
        pat(&format!(r"(?i)({N})-бөлім(\w*)"), UnitKind::Section, 1, 2),
        pat(&format!(r"(?i)({N})-бөлі[кг](\w*)"), UnitKind::Part, 1, 2),
        pat(
            &format!(r"(?i)(?:({N})-)?\bқосымша(\w*)"),
            UnitKind::Appendix,
            1,
            2,
        ),
        pat(r"(?i)\bкіріспе(\w*)", UnitKind::Preamble, 0, 1),
        pat(r"(?i)\b(?:тақырыб|атау)(\w*)", UnitKind::Title, 0, 1),
    ]
});

/// "согласно приложению 1 к настоящему приказу" / "осы бұйрыққа 1-қосымшаға сәйкес": the
/// order's own appendix holding the new wording, not a unit of the amended document.
static RU_SOURCE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(
        r"(?i)(?:(?:согласно|в\s+соответствии\s+с)\s+)?приложени\w*(?:\s+({N}))?\s+к\s+(?:настоящему\s+)?приказу"
    ))
    .unwrap()
});
static KK_SOURCE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(
        r"(?i)(?:осы\s+бұйрыққа\s+)?(?:({N})-)?қосымша(?:ға|сына|ларға)\s+сәйкес"
    ))
    .unwrap()
});

fn is_instrumental(lang: Lang, suffix: &str) -> bool {
    let s = suffix.to_lowercase();
    match lang {
        Lang::Ru => matches!(s.as_str(), "ом" | "ем" | "ой" | "ей" | "ью" | "ами" | "ями"),
        Lang::Kk => s.ends_with("пен") || s.ends_with("мен") || s.ends_with("бен"),
    }
}

/// Numbers of a list ("3, 5 и 7–9"): ranges are expanded when written with a dash, or with a
/// hyphen after a plural noun ("пункты 10-12", "7-9-тармақтар"), where "6-1" would otherwise be
/// one inserted unit's number.
fn split_list(s: &str, plural: bool) -> Vec<String> {
    static SEP: Lazy<Regex> = Lazy::new(|| Regex::new(r"\s*(,|\bи\b|\bжәне\b|[–—])\s*").unwrap());
    let clean = |p: &str| p.trim().trim_end_matches(')').trim().to_string();
    let mut out: Vec<String> = Vec::new();
    let mut pos = 0;
    let mut range_open = false;
    let push = |item: String, range: bool, out: &mut Vec<String>| {
        if item.is_empty() {
            return;
        }
        if range {
            if let (Some(a), Ok(b)) = (
                out.last().and_then(|l| l.parse::<u32>().ok()),
                item.parse::<u32>(),
            ) {
                if b > a && b - a <= 60 {
                    out.extend((a + 1..=b).map(|n| n.to_string()));
                    return;
                }
            }
        }
        // "10-12" after a plural noun: a range, not the number of an inserted unit.
        if plural {
            if let Some((a, b)) = item.split_once('-') {
                if let (Ok(a), Ok(b)) = (a.parse::<u32>(), b.parse::<u32>()) {
                    if b > a && b - a <= 60 {
                        out.extend((a..=b).map(|n| n.to_string()));
                        return;
                    }
                }
            }
        }
        out.push(item);
    };
    for m in SEP.captures_iter(s) {
        let whole = m.get(0).unwrap();
        push(clean(&s[pos..whole.start()]), range_open, &mut out);
        range_open = matches!(&m[1], "–" | "—");
        pos = whole.end();
    }
    push(clean(&s[pos..]), range_open, &mut out);
    out
}

fn is_plural(lang: Lang, suffix: &str) -> bool {
    let s = suffix.to_lowercase();
    match lang {
        Lang::Ru => matches!(
            s.as_str(),
            "ы" | "ов" | "ам" | "ами" | "ах" | "и" | "ей" | "ям" | "ями" | "ях"
        ),
        Lang::Kk => {
            s.starts_with("тар")
                || s.starts_with("тер")
                || s.starts_with("дар")
                || s.starts_with("лар")
        }
    }
}

/// Unit mentions of a masked instruction head, and the order's own appendix it takes the
/// wording from (`Some(None)` = the unnumbered appendix).
pub(crate) fn mentions(masked: &str, lang: Lang) -> (Vec<Mention>, Option<Option<String>>) {
    let (src_re, pats) = match lang {
        Lang::Ru => (&*RU_SOURCE, &*RU_PATS),
        Lang::Kk => (&*KK_SOURCE, &*KK_PATS),
    };
    let mut text = masked.to_string();
    let mut source = None;
    if let Some(c) = src_re.captures(masked) {
        source = Some(c.get(1).map(|m| m.as_str().to_string()));
        let r = c.get(0).unwrap().range();
        text.replace_range(r.clone(), &" ".repeat(r.len()));
    }
    let mut out: Vec<Mention> = Vec::new();
    let mut taken: Vec<std::ops::Range<usize>> = Vec::new();
    for p in pats.iter() {
        for c in p.re.captures_iter(&text) {
            let whole = c.get(0).unwrap().range();
            if taken
                .iter()
                .any(|t| t.start < whole.end && whole.start < t.end)
            {
                continue;
            }
            let suffix = c.get(p.suffix).map_or("", |m| m.as_str());
            if p.kind == UnitKind::Point && lang == Lang::Kk && suffix.starts_with('ш') {
                continue;
            }
            let plural = is_plural(lang, suffix);
            let nums: Vec<String> = match c.get(p.num).filter(|_| p.num > 0) {
                Some(m) => split_list(m.as_str(), plural)
                    .into_iter()
                    .map(|n| {
                        if p.kind == UnitKind::Indent || p.kind == UnitKind::Part {
                            ordinal_value(&n).map_or(n, |v| v.to_string())
                        } else {
                            n
                        }
                    })
                    .collect(),
                None => vec![String::new()],
            };
            taken.push(whole.clone());
            let after = match lang {
                Lang::Ru => text[..whole.start]
                    .trim_end()
                    .to_lowercase()
                    .ends_with("после"),
                Lang::Kk => text[whole.end..].trim_start().starts_with("кейін"),
            };
            out.push(Mention {
                start: whole.start,
                kind: p.kind,
                nums,
                inserted: is_instrumental(lang, suffix),
                after,
            });
        }
    }
    out.sort_by_key(|m| m.start);
    (out, source)
}

/// Unit paths named by the mentions: containers outer→inner, a list fanned out into one path
/// per number. For an insertion only containers above the inserted unit are kept ("после
/// пункта 5 дополнить пунктом 5-1" adds point 5-1, not 5/5-1).
pub(crate) fn paths(ms: &[Mention], op: Op) -> Vec<Vec<UnitRef>> {
    let mut ms: Vec<Mention> = ms.iter().filter(|m| !m.after).cloned().collect();
    if op == Op::Insert {
        if let Some(ins) = ms.iter().rposition(|m| m.inserted) {
            let r = ms[ins].kind.rank();
            let keep = ms[ins].clone();
            ms.retain(|m| m.kind.rank() < r);
            ms.push(keep);
        }
    }
    // Merge mentions of one kind into a list ("пункт 5 и пункт 6").
    let mut merged: Vec<Mention> = Vec::new();
    for m in ms {
        if let Some(e) = merged.iter_mut().find(|e| e.kind == m.kind) {
            for n in m.nums {
                if !e.nums.contains(&n) {
                    e.nums.push(n);
                }
            }
        } else {
            merged.push(m);
        }
    }
    merged.sort_by_key(|m| m.kind.rank());
    let mut out: Vec<Vec<UnitRef>> = vec![Vec::new()];
    for m in &merged {
        if m.nums.len() > 1 && out.len() == 1 {
            let base = out.pop().unwrap_or_default();
            for n in &m.nums {
                let mut p = base.clone();
                p.push(UnitRef::new(m.kind, n.clone()));
                out.push(p);
            }
        } else {
            for p in out.iter_mut() {
                p.push(UnitRef::new(m.kind, m.nums[0].clone()));
            }
        }
    }
    if out.len() == 1 && out[0].is_empty() {
        return Vec::new();
    }
    out
}

static RU_REPLACE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)изложить\s+(?:\S+\s+){0,2}?в\s+(?:новой\s+|следующей\s+)?редакции").unwrap()
});
static RU_REPEAL: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)\bисключить\b|признать\s+утративш\w*\s+силу").unwrap());
static RU_INSERT: Lazy<Regex> = Lazy::new(|| Regex::new(r"(?i)\bдополнить\b").unwrap());
static KK_REPLACE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)(?:жаңа|мынадай|келесі)\s+редакцияда\s+жазылсын|редакцияда\s+жазылсын")
        .unwrap()
});
static KK_REPEAL: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)алып\s+тасталсын|күші\s+жойылды\s+деп\s+танылсын").unwrap());
static KK_INSERT: Lazy<Regex> = Lazy::new(|| Regex::new(r"(?i)толықтырылсын").unwrap());

/// Any verb of the grammar: such a line is an instruction and must be understood or reported.
static ANY_VERB: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)изложить|исключить|дополнить|заменить|утративш\w*\s+силу|жазылсын|алып\s+тасталсын|толықтырылсын|ауыстырылсын|күші\s+жойылды").unwrap()
});

pub(crate) fn has_verb(masked: &str) -> bool {
    ANY_VERB.is_match(masked)
}

/// The main verb of an instruction: op and the byte end of the verb phrase.
pub(crate) fn main_verb(masked: &str, lang: Lang) -> Option<(Op, usize)> {
    let (rep, del, ins) = match lang {
        Lang::Ru => (&*RU_REPLACE, &*RU_REPEAL, &*RU_INSERT),
        Lang::Kk => (&*KK_REPLACE, &*KK_REPEAL, &*KK_INSERT),
    };
    if let Some(m) = rep.find(masked) {
        return Some((Op::Replace, m.end()));
    }
    if let Some(m) = ins.find(masked) {
        return Some((Op::Insert, m.end()));
    }
    del.find(masked).map(|m| (Op::Repeal, m.end()))
}

static RU_WHOLE: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)по\s+всему\s+тексту|по\s+тексту").unwrap());
static KK_WHOLE: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)бүкіл\s+мәтін\w*\s+бойынша|мәтін\w*\s+бойынша").unwrap());

/// "по всему тексту" / "бүкіл мәтін бойынша": the change applies to the whole text.
pub(crate) fn whole_text(masked: &str) -> bool {
    RU_WHOLE.is_match(masked) || KK_WHOLE.is_match(masked)
}

static RU_UNCHANGED: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)текст\w*\s+на\s+(казахском|государственном|русском)\s+языке\s+не\s+(?:меняется|изменяется)").unwrap()
});
static RU_IN_LANG: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)на\s+(казахском|государственном|русском)\s+языке").unwrap());
static KK_UNCHANGED: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)(орыс|қазақ|мемлекеттік)\s+т[іи]л\w*\s+мәтін\w*\s+(?:өзгермейді|өзгертілмейді|өзгеріс\s+енгізілмейді)").unwrap()
});
static KK_IN_LANG: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)(орыс|қазақ|мемлекеттік)\s+т[іи]л\w*\s+мәтін").unwrap());

/// The only language an instruction changes, when the order says so: "…, текст на русском
/// языке не меняется" (→ kk), "в тексте на казахском языке" (→ kk), "қазақ тіліндегі мәтін
/// өзгермейді" (→ ru), "орыс тіліндегі мәтінде" (→ ru). Either language's wording is read,
/// because an order in one language describes changes of the other's text too.
pub(crate) fn lang_only(masked: &str) -> Option<Lang> {
    let lang_of = |w: &str| match w.to_lowercase().as_str() {
        "русском" | "орыс" => Lang::Ru,
        _ => Lang::Kk,
    };
    let other = |l: Lang| match l {
        Lang::Ru => Lang::Kk,
        Lang::Kk => Lang::Ru,
    };
    if let Some(c) = RU_UNCHANGED
        .captures(masked)
        .or_else(|| KK_UNCHANGED.captures(masked))
    {
        return Some(other(lang_of(&c[1])));
    }
    RU_IN_LANG
        .captures(masked)
        .or_else(|| KK_IN_LANG.captures(masked))
        .map(|c| lang_of(&c[1]))
}

/// Where an inserted unit goes when the order does not say: after the unit numbered one
/// lower ("6-1" follows "6", "6-2" follows "6-1", "15" follows "14"); `None` for a first unit.
pub(crate) fn derived_placement(path: &[UnitRef]) -> Option<Vec<UnitRef>> {
    let (last, outer) = path.split_last()?;
    let mut parts: Vec<u32> = last
        .num
        .split('-')
        .map(|p| p.parse::<u32>().ok())
        .collect::<Option<Vec<_>>>()?;
    let tail = parts.last_mut()?;
    if *tail > 1 {
        *tail -= 1;
    } else if parts.len() > 1 {
        parts.pop();
    } else {
        return None;
    }
    let num = parts
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join("-");
    let mut p = outer.to_vec();
    p.push(UnitRef::new(last.kind, num));
    Some(p)
}

/// The unit named as the place of an insertion ("после пункта 6"), inside the containers of
/// the inserted unit.
pub(crate) fn stated_placement(ms: &[Mention], inserted: &[UnitRef]) -> Option<Vec<UnitRef>> {
    let m = ms.iter().find(|m| m.after)?;
    let mut p: Vec<UnitRef> = inserted
        .iter()
        .take(inserted.len().saturating_sub(1))
        .filter(|u| u.kind.rank() < m.kind.rank())
        .cloned()
        .collect();
    p.push(UnitRef::new(
        m.kind,
        m.nums.first().cloned().unwrap_or_default(),
    ));
    Some(p)
}

/// A change of words: op, old words (or anchor), new words.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WordChange {
    pub op: Op,
    pub old: Option<String>,
    pub new: Option<String>,
    pub start: usize,
}

const RU_WORD: &str = r"(?:слов\w*|цифр\w*|знак\w*|букв\w*|предложени\w*|аббревиатур\w*)";
const Q: &str = "\u{1}(\\d+)\u{2}";

static RU_W_REPLACE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(
        r"(?i){RU_WORD}\s+{Q}\s*,?\s*заменить\s+{RU_WORD}\s+{Q}"
    ))
    .unwrap()
});
static RU_W_AFTER: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(
        r"(?i)после\s+{RU_WORD}\s+{Q}\s*,?\s*дополнить\s+{RU_WORD}\s+{Q}"
    ))
    .unwrap()
});
static RU_W_DELETE: Lazy<Regex> =
    Lazy::new(|| Regex::new(&format!(r"(?i){RU_WORD}\s+{Q}\s*,?\s*исключить")).unwrap());
/// "…, слова «X» – словами «Y»": a second replacement with the verb left out.
static RU_W_ELLIPTIC: Lazy<Regex> =
    Lazy::new(|| Regex::new(&format!(r"(?i){RU_WORD}\s+{Q}\s*[–—-]\s*{RU_WORD}\s+{Q}")).unwrap());
static RU_W_APPEND: Lazy<Regex> =
    Lazy::new(|| Regex::new(&format!(r"(?i)дополнить\s+{RU_WORD}\s+{Q}")).unwrap());
const KK_WORD: &str = r"(?:деген\s+)?(?:сөз\w*|цифр\w*|белгі\w*|сөйлем\w*|аббревиатур\w*)";
static KK_W_REPLACE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(
        r"(?i){Q}\s+{KK_WORD}\s+{Q}\s+{KK_WORD}\s+ауыстырылсын"
    ))
    .unwrap()
});
static KK_W_AFTER: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(
        r"(?i){Q}\s+{KK_WORD}\s+(?:кейін|соң)\s+(?:мынадай\s+мазмұндағы\s+)?{Q}\s+{KK_WORD}\s+толықтырылсын"
    ))
    .unwrap()
});
static KK_W_DELETE: Lazy<Regex> =
    Lazy::new(|| Regex::new(&format!(r"(?i){Q}\s+{KK_WORD}\s+алып\s+тасталсын")).unwrap());
static KK_W_APPEND: Lazy<Regex> =
    Lazy::new(|| Regex::new(&format!(r"(?i){Q}\s+{KK_WORD}\s+толықтырылсын")).unwrap());

/// Word changes of a masked head (`quotes` holds the placeholders' contents).
pub(crate) fn word_changes(masked: &str, quotes: &[String], lang: Lang) -> Vec<WordChange> {
    let q = |c: &regex::Captures, i: usize| -> Option<String> {
        c.get(i)
            .and_then(|m| m.as_str().parse::<usize>().ok())
            .and_then(|k| quotes.get(k))
            .map(|s| super::text::collapse(s))
    };
    // (regex, op, old group, new group)
    let rules: &[(&Regex, Op, usize, usize)] = match lang {
        Lang::Ru => &[
            (&RU_W_REPLACE, Op::ReplaceWords, 1, 2),
            (&RU_W_AFTER, Op::InsertWords, 1, 2),
            (&RU_W_DELETE, Op::DeleteWords, 1, 0),
            (&RU_W_ELLIPTIC, Op::ReplaceWords, 1, 2),
            (&RU_W_APPEND, Op::InsertWords, 0, 1),
        ],
        Lang::Kk => &[
            (&KK_W_REPLACE, Op::ReplaceWords, 1, 2),
            (&KK_W_AFTER, Op::InsertWords, 1, 2),
            (&KK_W_DELETE, Op::DeleteWords, 1, 0),
            (&KK_W_APPEND, Op::InsertWords, 0, 1),
        ],
    };
    let mut out: Vec<WordChange> = Vec::new();
    let mut taken: Vec<std::ops::Range<usize>> = Vec::new();
    for &(re, op, old, new) in rules {
        for c in re.captures_iter(masked) {
            let r = c.get(0).unwrap().range();
            if taken.iter().any(|t| t.start < r.end && r.start < t.end) {
                continue;
            }
            taken.push(r.clone());
            out.push(WordChange {
                op,
                old: if old > 0 { q(&c, old) } else { None },
                new: if new > 0 { q(&c, new) } else { None },
                start: r.start,
            });
        }
    }
    out.sort_by_key(|w| w.start);
    out
}

/// Nominative of a Russian document head phrase's words up to the head noun; `None` when the
/// phrase does not start (within four words) with a known document noun.
fn ru_nominative(words: &[&str]) -> Option<Vec<String>> {
    #[derive(Clone, Copy)]
    enum G {
        M,
        F,
        N,
        P,
    }
    const NOUNS: &[(&str, &str, u8)] = &[
        ("правилах", "правила", 3),
        ("правилам", "правила", 3),
        ("правилами", "правила", 3),
        ("стандарте", "стандарт", 0),
        ("стандарту", "стандарт", 0),
        ("перечне", "перечень", 0),
        ("перечню", "перечень", 0),
        ("перечнях", "перечни", 3),
        ("положении", "положение", 2),
        ("положению", "положение", 2),
        ("инструкции", "инструкция", 1),
        ("требованиях", "требования", 3),
        ("требованиям", "требования", 3),
        ("методике", "методика", 1),
        ("порядке", "порядок", 0),
        ("регламенте", "регламент", 0),
        ("форме", "форма", 1),
        ("формах", "формы", 3),
        ("классификаторе", "классификатор", 0),
        ("нормах", "нормы", 3),
        ("нормативах", "нормативы", 3),
        ("критериях", "критерии", 3),
        ("программе", "программа", 1),
        ("списке", "список", 0),
        ("характеристиках", "характеристики", 3),
        ("уставе", "устав", 0),
    ];
    for (i, w) in words.iter().enumerate().take(5) {
        let clean: String = w.chars().filter(|c| c.is_alphabetic()).collect();
        let lower = clean.to_lowercase();
        let Some((_, nom, g)) = NOUNS.iter().find(|(f, _, _)| *f == lower) else {
            continue;
        };
        let g = [G::M, G::F, G::N, G::P][*g as usize];
        let mut out: Vec<String> = Vec::new();
        for a in &words[..i] {
            let rules: &[(&str, &str)] = match g {
                G::P => &[
                    ("ыми", "ые"),
                    ("ими", "ие"),
                    ("ых", "ые"),
                    ("их", "ие"),
                    ("ым", "ые"),
                    ("им", "ие"),
                ],
                G::M => &[
                    ("ому", "ый"),
                    ("ему", "ий"),
                    ("ом", "ый"),
                    ("ем", "ий"),
                    ("ым", "ый"),
                    ("им", "ий"),
                ],
                G::N => &[("ому", "ое"), ("ему", "ее"), ("ом", "ое"), ("ем", "ее")],
                G::F => &[("ой", "ая"), ("ей", "яя")],
            };
            let conv = rules
                .iter()
                .find_map(|(from, to)| a.strip_suffix(from).map(|s| format!("{s}{to}")))
                .unwrap_or_else(|| a.to_string());
            out.push(conv);
        }
        let cap = clean.chars().next().is_some_and(|c| c.is_uppercase());
        let mut noun = nom.to_string();
        if cap {
            let mut cs = noun.chars();
            noun = cs
                .next()
                .map(|c| c.to_uppercase().collect::<String>() + cs.as_str())
                .unwrap_or_default();
        }
        out.push(noun);
        out.extend(words[i + 1..].iter().map(|s| s.to_string()));
        return Some(out);
    }
    None
}

static KK_HEAD: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)^(?:қағида|стандарт|тізбе|ереже|нұсқаулы|әдістеме|тәртіб|нысан|регламент|талап|сыныптауыш|норма|жоспар|бағдарлама|негіз|тізбе|тізілім)\w*$").unwrap()
});
static KK_LOC: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^(.*[ыі])(?:ндағы|ндегі|нда|нде|на|не)$").unwrap());
static KK_LOC_PLAIN: Lazy<Regex> = Lazy::new(|| Regex::new(r"^(.*?)(?:да|де|та|те)$").unwrap());
static RU_APPROVED: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i),?\s*(?:утвержденн|утверждённ|являющ)\w*.*$").unwrap());
static KK_APPROVED: Lazy<Regex> = Lazy::new(|| Regex::new(r"(?i)^.*?бекітілген\s+").unwrap());

fn strip_quotes(s: &str) -> String {
    collapse_quotes(
        &s.chars()
            .filter(|c| !super::text::is_quote(*c))
            .collect::<String>(),
    )
}

fn collapse_quotes(s: &str) -> String {
    super::text::collapse(s)
}

/// The document a lead-in line switches to, in the nominative, quotes removed:
/// "в Типовых правилах приема …, утвержденных указанным приказом:" → "Типовые правила приема …";
/// "… мемлекеттік қызметті көрсету қағидаларында:" → "… мемлекеттік қызметті көрсету қағидалары".
pub(crate) fn document_of_leadin(text: &str, lang: Lang) -> Option<String> {
    let t = text.trim().trim_end_matches(':').trim();
    static ENUM: Lazy<Regex> = Lazy::new(|| Regex::new(r"^\d+\)\s*").unwrap());
    let t = ENUM.replace(t, "");
    match lang {
        Lang::Ru => {
            static PREP: Lazy<Regex> = Lazy::new(|| Regex::new(r"(?i)^во?\s+").unwrap());
            let m = PREP.find(&t)?;
            let rest = &t[m.end()..];
            let rest = RU_APPROVED.replace(rest, "");
            let rest = strip_quotes(&rest);
            let words: Vec<&str> = rest.split_whitespace().collect();
            let conv = ru_nominative(&words)?;
            Some(conv.join(" "))
        }
        Lang::Kk => {
            let rest = KK_APPROVED.replace(&t, "");
            let rest = strip_quotes(&rest);
            let mut words: Vec<String> = rest.split_whitespace().map(str::to_string).collect();
            let last = words.pop()?;
            let last_l = last.to_lowercase();
            // "көрсетілген бұйрықпен бекітілген … -да:" names an approved document whatever
            // its head noun; without that phrase the head noun must be a document's.
            let approved = t.to_lowercase().contains("бекітілген");
            if !KK_HEAD.is_match(&last_l) && !approved {
                return None;
            }
            let nom = if let Some(c) = KK_LOC.captures(&last) {
                c[1].to_string()
            } else if let Some(c) = KK_LOC_PLAIN.captures(&last) {
                c[1].to_string()
            } else {
                return None;
            };
            words.push(nom);
            Some(words.join(" "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str, lang: Lang) -> Vec<Vec<UnitRef>> {
        let (ms, _) = mentions(s, lang);
        let op = main_verb(s, lang).map_or(Op::Replace, |v| v.0);
        paths(&ms, op)
    }

    fn p(s: &str) -> Vec<UnitRef> {
        crate::model::parse_path(s).unwrap()
    }

    #[test]
    fn nested_targets_both_orders() {
        assert_eq!(
            m("абзац второй пункта 3 изложить в новой редакции:", Lang::Ru),
            vec![p("point:3/indent:2")]
        );
        assert_eq!(
            m("абзац второй  изложить в новой редакции:пункта 3", Lang::Ru),
            vec![p("point:3/indent:2")]
        );
        assert_eq!(
            m("подпункт 3) пункта 5 исключить;", Lang::Ru),
            vec![p("point:5/subpoint:3")]
        );
        assert_eq!(
            m("5-тармақтың 3) тармақшасы алып тасталсын;", Lang::Kk),
            vec![p("point:5/subpoint:3")]
        );
        assert_eq!(
            m(
                "3-тармақтың екінші абзацы жаңа редакцияда жазылсын:",
                Lang::Kk
            ),
            vec![p("point:3/indent:2")]
        );
        assert_eq!(
            m("5 және 6-тармақтар мынадай редакцияда жазылсын:", Lang::Kk),
            vec![p("point:5"), p("point:6")]
        );
        assert_eq!(
            m("пункты 3 и 5 исключить;", Lang::Ru),
            vec![p("point:3"), p("point:5")]
        );
        assert_eq!(
            m(
                "пункт 5 дополнить подпунктом 3-1) следующего содержания:",
                Lang::Ru
            ),
            vec![p("point:5/subpoint:3-1")]
        );
        assert_eq!(
            m("мынадай мазмұндағы 6-1-тармақпен толықтырылсын:", Lang::Kk),
            vec![p("point:6-1")]
        );
        let (ms, src) = mentions(
            "2-қосымша осы бұйрыққа 1-қосымшаға сәйкес жаңа редакцияда жазылсын;",
            Lang::Kk,
        );
        assert_eq!(src, Some(Some("1".into())));
        assert_eq!(paths(&ms, Op::Replace), vec![p("appendix:2")]);
        let (ms, src) = mentions(
            "приложение 1 изложить в новой редакции согласно приложению 2 к настоящему приказу;",
            Lang::Ru,
        );
        assert_eq!(src, Some(Some("2".into())));
        assert_eq!(paths(&ms, Op::Replace), vec![p("appendix:1")]);
    }

    #[test]
    fn word_changes_both_languages() {
        let (mk, q) = super::super::text::mask_quotes("в пункте 5 слова «на бумаге» заменить словами «в электронной форме», слова «лично» исключить;");
        let w = word_changes(&mk, &q, Lang::Ru);
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].op, Op::ReplaceWords);
        assert_eq!(w[0].old.as_deref(), Some("на бумаге"));
        assert_eq!(w[0].new.as_deref(), Some("в электронной форме"));
        assert_eq!(w[1].op, Op::DeleteWords);
        let (mk, q) = super::super::text::mask_quotes(
            "4-тармақтағы «қағаз» деген сөз «электрондық» деген сөзбен ауыстырылсын;",
        );
        let w = word_changes(&mk, &q, Lang::Kk);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].op, Op::ReplaceWords);
        assert_eq!(w[0].new.as_deref(), Some("электрондық"));
    }

    #[test]
    fn documents_in_nominative() {
        assert_eq!(
            document_of_leadin(
                "в Типовых правилах приема на обучение, утвержденных указанным приказом:",
                Lang::Ru
            )
            .as_deref(),
            Some("Типовые правила приема на обучение")
        );
        assert_eq!(
            document_of_leadin(
                "в Государственном общеобязательном стандарте образования:",
                Lang::Ru
            )
            .as_deref(),
            Some("Государственный общеобязательный стандарт образования")
        );
        assert_eq!(
            document_of_leadin("в Перечне документов:", Lang::Ru).as_deref(),
            Some("Перечень документов")
        );
        assert_eq!(
            document_of_leadin("көрсетілген бұйрықпен бекітілген \"Апостильдеу\" мемлекеттік қызмет көрсету қағидаларында:", Lang::Kk).as_deref(),
            Some("Апостильдеу мемлекеттік қызмет көрсету қағидалары")
        );
        assert_eq!(document_of_leadin("в пункте 5:", Lang::Ru), None);
    }
}
