//! The moved-hyperlink PDF artefact.
//!
//! Some PDF exports of adilet.zan.kz put the text of every hyperlink at the end of its line and
//! leave a double space where it stood (one extra leading space when the link opened the line):
//! `       изложить в новой редакции:пункт 12` is `      пункт 12 изложить в новой редакции:`.
//! The links are references to legal units and acts, so the moved tail is a run of
//! reference-like words (`пункт 12`, `подпунктом 29)`, `приказ`, `Типовых правилах`,
//! `2-тармақ`, `2) тармақшаларында`, `бұйрығына`) at the very end of the line, either after a
//! space or glued to the punctuation that ended the line (`редакции:пункт 12`,
//! `Правилам.";приложению 2`, `көрсету :қағидаларында`).
//!
//! The rule: find the gaps (double spaces; an odd leading space over the normal 0/6 indent; a
//! space left before the line-final punctuation), find the reference tail, split the tail into
//! exactly as many reference phrases as there are gaps (Russian: `[Adj] keyword [№] [number]`;
//! Kazakh: `[number] keyword`, `N-keyword`, `N)`), and put the phrases back in order. Displaced
//! end punctuation goes back to the end. When anything is ambiguous — more reference phrases than
//! gaps, runs of 3+ spaces (tables, forms), a link wrapped onto the next line — the line is left
//! unchanged: a wrong repair is worse than none.

use super::lookalike::is_cyrillic;
use crate::model::Lang;
use once_cell::sync::Lazy;
use regex::Regex;

/// Paragraph indentation of the PDF text layer: 0 (wrapped lines) or 6 (paragraph start).
const NORMAL_INDENTS: [usize; 2] = [0, 6];

const KK_LETTERS: &str = "әғқңөұүһіӘҒҚҢӨҰҮҺІ";

/// Russian unit/act nouns and the case endings they take in references.
const RU_STEMS: &[&str] = &[
    "пункт",
    "подпункт",
    "абзац",
    "част",
    "стать",
    "глав",
    "параграф",
    "раздел",
    "приложени",
    "приказ",
    "постановлени",
    "указ",
    "закон",
    "кодекс",
    "правил",
    "преамбул",
    "перечн",
    "перечень",
    "стандарт",
    "регламент",
    "решени",
    "распоряжени",
    "конституци",
    "инструкци",
];
const RU_ENDINGS: &[&str] = &[
    "", "а", "у", "ом", "е", "ы", "ов", "ам", "ами", "ах", "и", "ей", "ю", "ям", "ями", "ях", "я",
    "ем", "ой", "ою", "ь", "ью", "ий", "иям",
];
/// Kazakh unit/act nouns (agglutinative: any Cyrillic suffix chain may follow).
const KK_STEMS: &[&str] = &[
    "тармақ",
    "тармағ",
    "бап",
    "баб",
    "тарау",
    "параграф",
    "бөлім",
    "қосымша",
    "бұйрық",
    "бұйрығ",
    "қаулы",
    "жарлық",
    "жарлығ",
    "заң",
    "кодекс",
    "қағида",
    "тізбе",
    "преамбула",
    "стандарт",
    "шешім",
    "конституция",
    "абзац",
    "нұсқаулық",
    "регламент",
];
/// Words that start like a Kazakh unit noun but are not one ("заңнама" = legislation…).
const KK_NOT_UNITS: &[&str] = &[
    "заңнам",
    "заңды",
    "заңсыз",
    "заңгер",
    "қағидат",
    "тізбек",
    "бапкер",
    "бабас",
];
const RU_ADJ_ENDINGS: &[&str] = &[
    "ых", "ые", "ый", "ой", "ая", "ого", "ому", "ым", "ыми", "ую", "ий", "ие", "их", "ими", "ее",
    "его", "ему", "ое",
];

static NUM: Lazy<Regex> = Lazy::new(|| Regex::new(r"^№?\d+(?:[-.]\d+)*\)?$").unwrap());
static PAREN_NUM: Lazy<Regex> = Lazy::new(|| Regex::new(r"^\d+(?:-\d+)*\)$").unwrap());
static NUM_KW: Lazy<Regex> = Lazy::new(|| Regex::new(r"^\d+(?:-\d+)*-(\p{L}+)$").unwrap());
/// `prefix` + end punctuation + glued tail word (the tail word has no punctuation but `-`/`)`).
static GLUE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r#"^(.*?)([:;.,"'«»“”„!?()\[\]]+)([\p{L}\d№][\p{L}\d№-]*\)?)$"#).unwrap()
});

static OPERATIVE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r#"^(.*\S) {1,2}([";.,»]+)((?:ПРИКАЗЫВАЮ|ПОСТАНОВЛЯЮ|ПОСТАНОВЛЯЕТ|БҰЙЫРАМЫН|ҚАУЛЫ ЕТЕДІ):)$"#)
        .unwrap()
});

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok {
    Kw,
    NumKw,
    Num,
    NumSign,
    Adj,
}

fn is_ru_keyword(w: &str) -> bool {
    let lw = w.to_lowercase();
    RU_STEMS.iter().any(|stem| {
        lw.strip_prefix(stem)
            .is_some_and(|rest| RU_ENDINGS.contains(&rest))
    })
}

fn is_kk_keyword(w: &str) -> bool {
    let lw = w.to_lowercase();
    if !lw.chars().all(is_cyrillic) || KK_NOT_UNITS.iter().any(|d| lw.starts_with(d)) {
        return false;
    }
    KK_STEMS.iter().any(|stem| lw.starts_with(stem))
}

/// Longest run of reference words considered at the end of a line.
const MAX_REF_RUN: usize = 24;

fn classify(w: &str, lang: Lang) -> Option<Tok> {
    if w == "№" {
        return Some(Tok::NumSign);
    }
    if NUM.is_match(w) {
        return Some(Tok::Num);
    }
    match lang {
        Lang::Ru => {
            if is_ru_keyword(w) {
                return Some(Tok::Kw);
            }
            let mut chars = w.chars();
            let first_upper = chars
                .next()
                .is_some_and(|c| is_cyrillic(c) && c.is_uppercase());
            let lw = w.to_lowercase();
            if first_upper
                && w.chars().count() >= 5
                && w.chars().all(is_cyrillic)
                && RU_ADJ_ENDINGS.iter().any(|e| lw.ends_with(e))
            {
                return Some(Tok::Adj);
            }
            None
        }
        Lang::Kk => {
            if is_kk_keyword(w) {
                return Some(Tok::Kw);
            }
            if NUM_KW
                .captures(w)
                .is_some_and(|c| is_kk_keyword(c.get(1).map_or("", |m| m.as_str())))
            {
                return Some(Tok::NumKw);
            }
            None
        }
    }
}

/// Length of the reference phrase starting at `toks[i]` for each way it can end.
fn piece_ends(words: &[&str], toks: &[Tok], i: usize, lang: Lang) -> Vec<usize> {
    let mut ends = Vec::new();
    match lang {
        Lang::Ru => {
            // Adj* Kw [№] [Num]
            let mut j = i;
            while j < toks.len() && toks[j] == Tok::Adj {
                j += 1;
            }
            if j < toks.len() && toks[j] == Tok::Kw {
                j += 1;
                ends.push(j);
                if j < toks.len() && toks[j] == Tok::Num {
                    ends.push(j + 1);
                } else if j + 1 < toks.len() && toks[j] == Tok::NumSign && toks[j + 1] == Tok::Num {
                    ends.push(j + 2);
                }
            }
        }
        Lang::Kk => match toks[i] {
            Tok::NumKw | Tok::Kw => ends.push(i + 1),
            Tok::Num => {
                if i + 1 < toks.len() && toks[i + 1] == Tok::Kw {
                    ends.push(i + 2);
                }
                if PAREN_NUM.is_match(words[i]) {
                    ends.push(i + 1);
                }
            }
            _ => {}
        },
    }
    ends
}

/// Split `words` (all reference tokens) into exactly `g` reference phrases (the first split
/// found; the phrase grammar leaves little room for a second one).
fn split_pieces(words: &[&str], toks: &[Tok], g: usize, lang: Lang) -> Option<Vec<(usize, usize)>> {
    fn go(
        words: &[&str],
        toks: &[Tok],
        i: usize,
        g: usize,
        lang: Lang,
        acc: &mut Vec<(usize, usize)>,
    ) -> bool {
        if i == toks.len() {
            return g == 0;
        }
        if g == 0 {
            return false;
        }
        for end in piece_ends(words, toks, i, lang) {
            acc.push((i, end));
            if go(words, toks, end, g - 1, lang, acc) {
                return true;
            }
            acc.pop();
        }
        false
    }
    let mut acc = Vec::new();
    go(words, toks, 0, g, lang, &mut acc).then_some(acc)
}

/// Whether some suffix of `words` is itself a sequence of reference phrases.
fn ends_with_pieces(words: &[&str], toks: &[Tok], lang: Lang) -> bool {
    (0..words.len()).any(|s| {
        (1..=words.len() - s).any(|g| split_pieces(&words[s..], &toks[s..], g, lang).is_some())
    })
}

fn line_lang(line: &str, hint: Option<Lang>) -> Lang {
    if line.chars().any(|c| KK_LETTERS.contains(c)) {
        Lang::Kk
    } else {
        hint.unwrap_or(Lang::Ru)
    }
}

/// Undo the moved-hyperlink artefact on one line; `None` when the line does not show it (or
/// shows it too ambiguously to repair).
pub fn restore_moved_links(line: &str) -> Option<String> {
    restore_moved_links_lang(line, None).map(|(s, _)| s)
}

/// As [`restore_moved_links`], with a language hint for lines without Kazakh-specific letters;
/// also returns the number of links put back.
pub fn restore_moved_links_lang(line: &str, hint: Option<Lang>) -> Option<(String, usize)> {
    if line.contains('\t') || !line.contains(' ') {
        return None;
    }
    // The operative word of an order moves like a link: `услугах" ";ПРИКАЗЫВАЮ:` is
    // `услугах" ПРИКАЗЫВАЮ:";` (the gap is the space before the displaced punctuation).
    if let Some(c) = OPERATIVE.captures(line) {
        return Some((format!("{} {}{}", &c[1], &c[3], &c[2]), 1));
    }
    let lang = line_lang(line, hint);
    let lead = line.len() - line.trim_start_matches(' ').len();
    let content = &line[lead..];
    let content_trim = content.trim_end_matches(' ');
    if content_trim.is_empty() {
        return None;
    }
    // words[k] with seps[k] = spaces before words[k] (seps[0] = 0).
    let mut words: Vec<&str> = Vec::new();
    let mut seps: Vec<usize> = Vec::new();
    let mut pending = 0;
    for part in content_trim.split(' ') {
        if part.is_empty() {
            pending += 1;
            continue;
        }
        seps.push(if words.is_empty() { 0 } else { pending + 1 });
        words.push(part);
        pending = 0;
    }
    if seps.iter().any(|&s| s >= 3) {
        return None; // aligned columns of a form or table
    }
    let n = words.len();
    let mut j = n;
    // A moved reference is a few words long; bounding the run keeps the suffix search below
    // linear in the line (a one-line dump of keywords was quadratic: 140 KB took 80 s).
    let floor = n.saturating_sub(MAX_REF_RUN);
    while j > floor && classify(words[j - 1], lang).is_some() {
        j -= 1;
    }
    // The word before the reference run may carry the glued start of the tail.
    let glue = if j > 0 {
        GLUE.captures(words[j - 1]).and_then(|c| {
            let rest = c.get(3)?.as_str();
            classify(rest, lang)?;
            Some((
                c.get(1)?.as_str().to_string(),
                c.get(2)?.as_str().to_string(),
                rest.to_string(),
            ))
        })
    } else {
        None
    };
    let lead_gap = lead >= 1 && NORMAL_INDENTS.contains(&(lead - 1));

    if let Some((prefix, punct, rest)) = glue {
        let g_idx = j - 1; // index of the glued word
        let mut tail: Vec<&str> = vec![rest.as_str()];
        tail.extend_from_slice(&words[j..]);
        let toks: Vec<Tok> = tail
            .iter()
            .map(|w| classify(w, lang).unwrap_or(Tok::Adj))
            .collect();
        let mut body: Vec<&str> = words[..g_idx].to_vec();
        let mut body_seps: Vec<usize> = seps[..g_idx].to_vec();
        // A space before the displaced punctuation is a gap, unless that punctuation opens a
        // bracket or quote: a space belongs before those (`№ 181 (28307)`, `5 (бес)`).
        let opens = punct.starts_with(['(', '[', '«', '“', '„']);
        let trailing_gap = prefix.is_empty() && g_idx > 0 && !opens;
        if !prefix.is_empty() {
            body.push(prefix.as_str());
            body_seps.push(seps[g_idx]);
        }
        if body.is_empty() {
            return None;
        }
        let plan = plan_gaps(&body_seps, lead_gap, trailing_gap, &tail, &toks, lang)?;
        let end_punct = if plan.end || !prefix.is_empty() {
            punct.clone()
        } else {
            format!(" {punct}")
        };
        return Some(render(lead, &body, &body_seps, &plan, &tail, &end_punct));
    }

    // No glue: the tail is the longest suffix of the reference run that splits into the gaps.
    for t in j..n {
        if t == 0 {
            continue;
        }
        let tail = &words[t..];
        let toks: Vec<Tok> = tail
            .iter()
            .map(|w| classify(w, lang).unwrap_or(Tok::Adj))
            .collect();
        let body = &words[..t];
        let body_seps = &seps[..t];
        let adjacent = seps[t] == 2;
        let Some(plan) = plan_gaps(body_seps, lead_gap, adjacent, tail, &toks, lang) else {
            continue;
        };
        // An odd leading space is weak evidence on its own (headings of PDF tables start with
        // one): without glue or a double space, the line must start mid-sentence.
        let only_lead = plan.lead && !plan.end && plan.pieces.len() == 1;
        if only_lead && !body[0].chars().next().is_some_and(|c| c.is_lowercase()) {
            return None;
        }
        // Reference words left in front of the tail would mean more links than gaps.
        let left = &words[j..t];
        let left_toks: Vec<Tok> = left
            .iter()
            .map(|w| classify(w, lang).unwrap_or(Tok::Adj))
            .collect();
        if !left.is_empty() && ends_with_pieces(left, &left_toks, lang) {
            return None;
        }
        return Some(render(lead, body, body_seps, &plan, tail, ""));
    }
    None
}

/// Which gaps receive the pieces: `lead` (the extra leading space), every interior double
/// space, and `end` (the space before the tail or before the displaced punctuation).
struct Plan {
    lead: bool,
    end: bool,
    pieces: Vec<(usize, usize)>,
}

fn plan_gaps(
    body_seps: &[usize],
    lead_gap: bool,
    end_gap: bool,
    tail: &[&str],
    toks: &[Tok],
    lang: Lang,
) -> Option<Plan> {
    let interior = body_seps.iter().skip(1).filter(|&&s| s == 2).count();
    let mut options: Vec<(bool, bool)> = vec![(false, false)];
    if lead_gap {
        options.push((true, false));
    }
    if end_gap {
        options.push((false, true));
    }
    if lead_gap && end_gap {
        options.push((true, true));
    }
    let mut found: Option<Plan> = None;
    let mut found_g = usize::MAX;
    for (l, e) in options {
        let g = interior + l as usize + e as usize;
        if g == 0 || g > found_g {
            continue;
        }
        if let Some(pieces) = split_pieces(tail, toks, g, lang) {
            if g == found_g {
                return None; // leading vs end gap: cannot tell
            }
            found_g = g;
            found = Some(Plan {
                lead: l,
                end: e,
                pieces,
            });
        }
    }
    found
}

fn render(
    lead: usize,
    body: &[&str],
    body_seps: &[usize],
    plan: &Plan,
    tail: &[&str],
    end_punct: &str,
) -> (String, usize) {
    let mut pieces = plan.pieces.iter().map(|&(a, b)| tail[a..b].join(" "));
    let mut out = String::new();
    let indent = if plan.lead { lead - 1 } else { lead };
    out.extend(std::iter::repeat_n(' ', indent));
    if plan.lead {
        if let Some(p) = pieces.next() {
            out.push_str(&p);
            out.push(' ');
        }
    }
    for (k, w) in body.iter().enumerate() {
        if k > 0 {
            out.push(' ');
            if body_seps[k] == 2 {
                if let Some(p) = pieces.next() {
                    out.push_str(&p);
                    out.push(' ');
                }
            }
        }
        out.push_str(w);
    }
    if plan.end {
        if let Some(p) = pieces.next() {
            out.push(' ');
            out.push_str(&p);
        }
    }
    out.push_str(end_punct);
    (out, plan.pieces.len())
}

/// Links split over lines. Two shapes, both with the odd leading space of a moved link:
///
/// - a table cell wraps a linked word without a hyphen (`согласно прилож` … ` к настоящим
///   Правилам.ению 2`): the end of the word (and its number) is glued to the end of the next
///   non-blank line, whose leading space marks the gap. The halves join into a reference word.
/// - a link wraps between two lines (`… и подпунктом 29) подпунктом` / ` статьи 10 … Закон1)`):
///   its keyword stays at the end of the first line, its number is glued to the end of the next;
///   both lines have a leading gap.
///
/// Works on repaired lines (no '\n' inside), keeps their number; returns the lines changed.
pub fn restore_split_links(lines: &mut [String], lang: Lang) -> usize {
    let mut changed = 0;
    for i in 0..lines.len() {
        // The next non-blank line, at most one blank line away.
        let Some(j) = (i + 1..lines.len().min(i + 3)).find(|&k| !lines[k].trim().is_empty()) else {
            continue;
        };
        if let Some((a, b)) = join_split_word(&lines[i], &lines[j], lang)
            .or_else(|| move_wrapped_number(&lines[i], &lines[j], lang))
        {
            for (k, new) in [(i, a), (j, b)] {
                if lines[k] != new {
                    lines[k] = new;
                    changed += 1;
                }
            }
        }
    }
    changed
}

/// One leading space, then a lowercase letter: the gap of a link that opened the line.
fn lead_gap_line(line: &str) -> Option<&str> {
    let rest = line.strip_prefix(' ')?;
    rest.chars().next().filter(|c| c.is_lowercase())?;
    Some(rest)
}

static WORD_TAIL: Lazy<Regex> = Lazy::new(|| {
    // `… Правилам.ению 2` / `… обязанности зом`
    Regex::new(r"^(.*?)(?:([.,;:])|\s+)(\p{Ll}+)(?:\s+(\d+(?:-\d+)*\)?))?\s*$").unwrap()
});

fn join_split_word(first: &str, second: &str, lang: Lang) -> Option<(String, String)> {
    let head = first.trim_end();
    if head.len() != first.len() && first.ends_with("  ") {
        return None;
    }
    let frag1 = head.rsplit(' ').next()?;
    if frag1.chars().count() < 3
        || !frag1.chars().all(|c| is_cyrillic(c) && c.is_lowercase())
        || classify(frag1, lang).is_some()
    {
        return None;
    }
    let rest = lead_gap_line(second)?;
    let c = WORD_TAIL.captures(rest)?;
    let body = c.get(1)?.as_str();
    let frag2 = c.get(3)?.as_str();
    let word = format!("{frag1}{frag2}");
    if classify(&word, lang) != Some(Tok::Kw) || body.trim().is_empty() {
        return None;
    }
    let mut a = format!("{}{frag2}", head);
    if let Some(n) = c.get(4) {
        a.push(' ');
        a.push_str(n.as_str());
    }
    let mut b = body.trim_end().to_string();
    if let Some(p) = c.get(2) {
        b.push_str(p.as_str());
    }
    Some((a, b))
}

static GLUED_NUMBER: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^(.*\p{L})(\d+(?:-\d+)*\))$").unwrap());

fn move_wrapped_number(first: &str, second: &str, lang: Lang) -> Option<(String, String)> {
    let body1 = lead_gap_line(first)?;
    let body2 = lead_gap_line(second)?;
    let words: Vec<&str> = body1.split(' ').collect();
    let n = words.len();
    // `… <keyword> <number>) <keyword>` at the end of the first line.
    if n < 4
        || classify(words[n - 1], lang) != Some(Tok::Kw)
        || !PAREN_NUM.is_match(words[n - 2])
        || classify(words[n - 3], lang) != Some(Tok::Kw)
    {
        return None;
    }
    let c = GLUED_NUMBER.captures(body2)?;
    let piece = format!("{} {}", words[n - 3], words[n - 2]);
    let a = format!("{piece} {} {}", words[..n - 3].join(" "), words[n - 1]);
    let b = format!("{} {}", &c[2], &c[1]);
    Some((a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Option<String> {
        restore_moved_links(s)
    }

    #[test]
    fn russian_shapes() {
        assert_eq!(
            r("       изложить в новой редакции:пункт 12").as_deref(),
            Some("      пункт 12 изложить в новой редакции:")
        );
        assert_eq!(
            r("      абзац второй  изложить в новой редакции:пункта 3").as_deref(),
            Some("      абзац второй пункта 3 изложить в новой редакции:")
        );
        assert_eq!(
            r("      1. Внести в  Министра образования и науки Республики Казахстан от 18 приказ")
                .as_deref(),
            Some(
                "      1. Внести в приказ Министра образования и науки Республики Казахстан от 18"
            )
        );
        assert_eq!(
            r("отказ на бумажном носителе, согласно  к настоящим Правилам.\";приложению 2")
                .as_deref(),
            Some("отказ на бумажном носителе, согласно приложению 2 к настоящим Правилам.\";")
        );
        assert_eq!(
            r("       изложить в новой редакции согласно  к настоящему Приложение 1 приложению")
                .as_deref(),
            Some("      Приложение 1 изложить в новой редакции согласно приложению к настоящему")
        );
        assert_eq!(
            r("      в  приема на обучение в организации образования, реализующие Типовых правилах")
                .as_deref(),
            Some("      в Типовых правилах приема на обучение в организации образования, реализующие")
        );
        assert_eq!(
            r("соответствии с  по 29 августа календарного года.Приказом № 381").as_deref(),
            Some("соответствии с Приказом № 381 по 29 августа календарного года.")
        );
        assert_eq!(
            r(" к настоящим Правилам.приложению 1").as_deref(),
            Some("приложению 1 к настоящим Правилам.")
        );
    }

    #[test]
    fn kazakh_shapes() {
        assert_eq!(
            r("       мынадай редакцияда жазылсын:2-тармақ").as_deref(),
            Some("      2-тармақ мынадай редакцияда жазылсын:")
        );
        assert_eq!(
            r("құжаттарды апостильдеу\" мемлекеттік қызмет көрсету :қағидаларында").as_deref(),
            Some("құжаттарды апостильдеу\" мемлекеттік қызмет көрсету қағидаларында:")
        );
        assert_eq!(
            r("министрлігінің Заң департаментіне осы тармақтың  және  1) 2) тармақшаларында")
                .as_deref(),
            Some("министрлігінің Заң департаментіне осы тармақтың 1) және 2) тармақшаларында")
        );
        assert_eq!(
            r("Республикасы Заңының 25-бабының  сәйкес тіркелген күнінен бастап 5 (2-тармағына")
                .as_deref(),
            Some("Республикасы Заңының 25-бабының 2-тармағына сәйкес тіркелген күнінен бастап 5 (")
        );
    }

    #[test]
    fn ambiguous_or_clean_lines_stay() {
        for s in [
            // a bracket opened after a normal space is no displaced punctuation
            "тіркелген, 2016 жылғы 22 қыркүйектегі № 181 (28307)",
            "Республикасы Заңының 25-бабының сәйкес тіркелген күнінен бастап 5 (2-тармағына",
            // two reference phrases for one gap (a link wrapped from the previous line)
            " статьи 5 Закона Республики Казахстан \"Об образовании\" и подпунктом 29) подпунктом",
            // a word broken across lines
            " к настоящим Правилам.ению 2",
            "№ 21579),  для лиц с ",
            "      1. Внести в приказ Министра образования и науки от 18 октября 2018 года № 578",
            "      пункт 12 изложить в новой редакции:",
            "Базалық білім  ________________",
            "ЖСН   _____________________",
            " Қазақстан Республикасының заңнамасында белгіленген негіздер",
            "",
            "   ",
        ] {
            assert_eq!(r(s), None, "{s}");
        }
    }
}
