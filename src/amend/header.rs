//! The order's own identity (title, requisites, language), the act it amends, and its
//! appendices.

use super::text::{collapse, indent_width, is_quote, join_lines, mask_quotes};
use crate::identity::{find_date, find_number, find_register_number, parse_requisites};
use crate::model::{Lang, Registration, Requisites, TargetAct};
use once_cell::sync::Lazy;
use regex::Regex;

/// The command word decides the language ("ПРИКАЗЫВАЮ" / "БҰЙЫРАМЫН"), because a Russian
/// order may quote Kazakh wording (changes "в тексте на казахском языке"); without one,
/// Kazakh-specific letters decide: Russian has none of them.
pub(crate) fn detect_lang(text: &str) -> Lang {
    static RU_CMD: Lazy<Regex> =
        Lazy::new(|| Regex::new(r"ПРИКАЗЫВАЮ|ПОСТАНОВЛЯЮ|РЕШИЛ|Приказ\s+Министра").unwrap());
    static KK_CMD: Lazy<Regex> =
        Lazy::new(|| Regex::new(r"Б[ҰҮУ]Й[ЫҮ]РАМЫН|ҚАУЛЫ\s+ЕТЕДІ|бұйрығы\.").unwrap());
    match (RU_CMD.is_match(text), KK_CMD.is_match(text)) {
        (true, false) => return Lang::Ru,
        (false, true) => return Lang::Kk,
        _ => {}
    }
    let kk = text
        .chars()
        .filter(|c| "әғқңөұүһіӘҒҚҢӨҰҮҺІ".contains(*c))
        .count();
    let letters = text.chars().filter(|c| c.is_alphabetic()).count().max(1);
    if kk * 200 > letters {
        Lang::Kk
    } else {
        Lang::Ru
    }
}

static ORDER_WORD: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)приказ|постановлени|решени|распоряжени|бұйры[ғқ]|қаулы|шешім|Зарегистрир|Әділет\s+министрлігінде").unwrap()
});
static COMMAND: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)ПРИКАЗЫВАЮ|БҰЙЫРАМЫН|ПОСТАНОВЛЯЮ|ҚАУЛЫ\s+ЕТЕДІ").unwrap());

pub(crate) struct Head {
    pub title: String,
    pub req: Requisites,
    /// Index of the first line after the requisites.
    pub after: usize,
}

/// Title (first paragraph) and requisites (the first line after it citing a date and a number
/// with an order word, joined with its continuation lines).
pub(crate) fn parse_head(lines: &[&str]) -> Option<Head> {
    let mut i = 0;
    while i < lines.len() && (lines[i].trim().is_empty() || lines[i].trim_start().starts_with('#'))
    {
        i += 1;
    }
    let title_start = i;
    // A requisites line may wrap inside its date, so it is judged with the next two lines.
    let looks_req = |k: usize| {
        let first = lines[k].trim_start();
        if first.is_empty() || first.starts_with('#') || !first.chars().any(|c| c.is_ascii_digit())
        {
            return false;
        }
        let l = lines[k..(k + 3).min(lines.len())]
            .iter()
            .map(|s| s.trim())
            .collect::<Vec<_>>()
            .join(" ");
        find_date(&l).is_some() && l.contains('№') && ORDER_WORD.is_match(&l) && {
            first.starts_with("Приказ")
                || l.contains("Зарегистрир")
                || l.contains("бұйрығы.")
                || l.contains("болып тіркелді")
        }
    };
    while i < lines.len() && !lines[i].trim().is_empty() && (i == title_start || !looks_req(i)) {
        i += 1;
    }
    let title = collapse(&lines[title_start..i.min(lines.len())].join(" "));
    // Requisites: the first line after the title that looks like them, within 12 lines.
    let mut r = i;
    while r < lines.len() && r < i + 12 && !looks_req(r) {
        r += 1;
    }
    if r >= lines.len() || r >= i + 12 {
        return None;
    }
    let mut req_text = lines[r].trim().to_string();
    let mut e = r + 1;
    while e < lines.len()
        && e < r + 4
        && !lines[e].trim().is_empty()
        && indent_width(lines[e]) < 4
        && !COMMAND.is_match(lines[e])
    {
        req_text.push(' ');
        req_text.push_str(lines[e].trim());
        e += 1;
    }
    let req = parse_requisites(&req_text);
    if req.number.is_none() && req.date.is_none() {
        return None;
    }
    Some(Head {
        title,
        req,
        after: e,
    })
}

/// Index of the line after the command word ("ПРИКАЗЫВАЮ:"/"БҰЙЫРАМЫН:"), or `from`.
pub(crate) fn command_end(lines: &[&str], from: usize) -> usize {
    for (k, l) in lines.iter().enumerate().skip(from).take(40) {
        if COMMAND.is_match(l) {
            return k + 1;
        }
    }
    from
}

static ACT_KIND_RU: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)\b(?:приказ|постановлени|решени|распоряжени)\w*\s+").unwrap());
static REG_CUT: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)\(\s*зарегистр|\(\s*нормативтік|следующ|мынадай").unwrap());

/// The act a point cites as amended ("Внести в приказ … от 18 октября 2018 года № 578 "…"
/// (зарегистрирован … под № 17705)" / ""…" … 2016 жылғы 13 маусымдағы № 503 бұйрығына (…
/// тізілімінде № 14149 болып тіркелген)"). Dates and numbers inside the quoted title are not
/// taken for the act's own.
pub(crate) fn parse_target(text: &str, lang: Lang) -> Option<TargetAct> {
    let (masked, _) = mask_quotes(text);
    let (date, dr) = find_date(&masked)?;
    let (number, _) = find_number(&masked[dr.end..])?;
    let registration = find_register_number(text).map(|n| Registration {
        number: n,
        date: None,
    });
    // Title and issuer, located in the unmasked text around the date.
    let (_, odr) = find_date_outside_quotes(text)?;
    let (title, issuer) = match lang {
        Lang::Kk => {
            let before = &text[..odr.start];
            let first = before.find(is_quote);
            let last = before.rfind(is_quote);
            match (first, last) {
                (Some(a), Some(b)) if b > a => {
                    let a1 = a + before[a..].chars().next().map_or(1, char::len_utf8);
                    let title = collapse(&before[a1..b]);
                    let b1 = b + before[b..].chars().next().map_or(1, char::len_utf8);
                    (Some(title), Some(collapse(&before[b1..])))
                }
                _ => (None, None),
            }
        }
        Lang::Ru => {
            let before = &text[..odr.start];
            let issuer = ACT_KIND_RU
                .find_iter(before)
                .last()
                .map(|m| collapse(before[m.end()..].trim().trim_end_matches("от").trim()));
            let after = &text[odr.end..];
            let cut = REG_CUT.find(after).map_or(after.len(), |m| m.start());
            let region = &after[..cut];
            let first = region.find(is_quote);
            let last = region.rfind(is_quote);
            let title = match (first, last) {
                (Some(a), Some(b)) if b > a => {
                    let a1 = a + region[a..].chars().next().map_or(1, char::len_utf8);
                    Some(collapse(&region[a1..b]))
                }
                _ => None,
            };
            (title, issuer)
        }
    };
    Some(TargetAct {
        number,
        date: Some(date),
        registration,
        issuer: issuer.filter(|s| !s.is_empty()),
        title: title.filter(|s| !s.is_empty()),
    })
}

/// First date of `text` that is not inside a top-level quoted segment, in `text`'s offsets.
fn find_date_outside_quotes(text: &str) -> Option<(chrono::NaiveDate, std::ops::Range<usize>)> {
    let segs = super::text::quoted_segments(text);
    crate::identity::find_dates(text)
        .into_iter()
        .find(|(_, r)| !segs.iter().any(|(a, b)| r.start >= *a && r.start < *b))
}

static RU_APP_HEAD: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)^\s*Приложение(?:\s+(\d+(?:-\d+)*))?\s*(?:к\s+(?:настоящему\s+)?приказу.*)?$")
        .unwrap()
});
static RU_TO_ORDER: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)^\s*к\s+(?:настоящему\s+)?приказу").unwrap());
static KK_APP_HEAD: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)б[ұү]йры(?:ғына|ққа)(?:\s+(?:(\d+(?:-\d+)*)-)?қосымша(?:сы)?)?\s*$").unwrap()
});
static KK_APP_WORD: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)^\s*(?:(\d+(?:-\d+)*)-)?қосымша\s*$").unwrap());

/// If line `i` heads one of the order's own appendices: its number ("" when unnumbered) and the
/// index of the first line of its text.
pub(crate) fn appendix_header(lines: &[&str], i: usize, order_no: &str) -> Option<(String, usize)> {
    let l = lines[i];
    let next_non_empty = |from: usize| (from..lines.len()).find(|&k| !lines[k].trim().is_empty());
    if let Some(c) = RU_APP_HEAD.captures(l) {
        let num = c.get(1).map_or(String::new(), |m| m.as_str().to_string());
        let to_order_same = l.to_lowercase().contains("приказу");
        let mut k = i + 1;
        if !to_order_same {
            let n = next_non_empty(i + 1)?;
            if !RU_TO_ORDER.is_match(lines[n]) {
                return None;
            }
            k = n + 1;
        }
        // Skip the rest of the header block (issuer, date, number of the order).
        let window = &lines[k.min(lines.len())..(k + 8).min(lines.len())];
        if let Some(off) = window
            .iter()
            .position(|l| !order_no.is_empty() && l.contains('№') && l.contains(order_no))
        {
            k += off + 1;
        }
        return Some((num, k));
    }
    if let Some(c) = KK_APP_HEAD.captures(l) {
        if let Some(m) = c.get(1) {
            return Some((m.as_str().to_string(), i + 1));
        }
        if l.to_lowercase().trim_end().ends_with("қосымша") {
            return Some((String::new(), i + 1));
        }
        let n = next_non_empty(i + 1)?;
        let w = KK_APP_WORD.captures(lines[n])?;
        let num = w.get(1).map_or(String::new(), |m| m.as_str().to_string());
        return Some((num, n + 1));
    }
    None
}

/// First line of the header block that ends at line `h` (Kazakh headers put the issuer, date
/// and number on the lines before "… бұйрығына").
pub(crate) fn header_block_start(lines: &[&str], h: usize) -> usize {
    let mut s = h;
    let mut seen = 0;
    while s > 0 && seen < 6 {
        let p = lines[s - 1].trim();
        if p.is_empty() {
            s -= 1;
            continue;
        }
        let short = p.chars().count() <= 70;
        let headerish = p.contains("жылғы")
            || p.contains('№')
            || p.to_lowercase().contains("министр")
            || p.contains("Қазақстан Республикасы");
        if short && headerish {
            s -= 1;
            seen += 1;
        } else {
            break;
        }
    }
    s
}

/// The order's appendices found from line `from` on: (number, text with its line breaks).
pub(crate) fn appendices(lines: &[&str], from: usize, order_no: &str) -> Vec<(String, String)> {
    let mut heads: Vec<(usize, String, usize)> = Vec::new();
    let mut i = from;
    while i < lines.len() {
        if let Some((num, body)) = appendix_header(lines, i, order_no) {
            let start = if RU_APP_HEAD.is_match(lines[i]) {
                i
            } else {
                header_block_start(lines, i)
            };
            heads.push((start, num, body));
            i = body.max(i + 1);
            continue;
        }
        i += 1;
    }
    let mut out = Vec::new();
    for (k, (_, num, body)) in heads.iter().enumerate() {
        let end = heads.get(k + 1).map_or(lines.len(), |h| h.0);
        let text = lines[(*body).min(end)..end]
            .iter()
            .map(|l| l.trim_end())
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string();
        out.push((num.clone(), text));
    }
    out
}

/// Numbered items of an appendix ("1. Приказ … от … № …"), each joined onto one line.
pub(crate) fn appendix_items(apps: &[(String, String)], num: &Option<String>) -> Vec<String> {
    static ITEM: Lazy<Regex> = Lazy::new(|| Regex::new(r"^\s*\d+[.)]\s").unwrap());
    let found = match num {
        Some(n) => apps.iter().find(|(k, _)| k == n),
        None => None,
    }
    .or_else(|| if apps.len() == 1 { apps.first() } else { None })
    .or_else(|| apps.iter().find(|(k, _)| k.is_empty()));
    let Some((_, text)) = found else {
        return Vec::new();
    };
    let mut items: Vec<String> = Vec::new();
    let mut open = false;
    for l in text.lines() {
        if ITEM.is_match(l) {
            items.push(l.trim().to_string());
            open = true;
        } else if open && !l.trim().is_empty() {
            if let Some(last) = items.last_mut() {
                last.push('\n');
                last.push_str(l);
            }
        }
    }
    items.into_iter().map(|i| join_lines(&i)).collect()
}

/// Text of an appendix for an amendment's `text`: whitespace collapsed.
pub(crate) fn appendix_text(apps: &[(String, String)], num: &Option<String>) -> Option<String> {
    let found = match num {
        Some(n) => apps.iter().find(|(k, _)| k == n).or_else(|| {
            if apps.len() == 1 {
                apps.first()
            } else {
                None
            }
        }),
        None => {
            if apps.len() == 1 {
                apps.first()
            } else {
                apps.iter().find(|(k, _)| k.is_empty() || k == "1")
            }
        }
    };
    found.map(|(_, t)| join_lines(t)).filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn target_ru_and_kk() {
        let t = parse_target("1. Внести в приказ Министра образования и науки Республики Казахстан от 18 октября 2018 года № 578 \"Об утверждении Типовых правил приема\" (зарегистрирован в Реестре государственной регистрации нормативных правовых актов под № 17705) следующие изменения:", Lang::Ru).unwrap();
        assert_eq!(t.number, "578");
        assert_eq!(t.date, NaiveDate::from_ymd_opt(2018, 10, 18));
        assert_eq!(t.registration.unwrap().number, "17705");
        assert_eq!(
            t.issuer.as_deref(),
            Some("Министра образования и науки Республики Казахстан")
        );
        assert_eq!(
            t.title.as_deref(),
            Some("Об утверждении Типовых правил приема")
        );
        let t = parse_target("1. \"2016 жылғы 1 қаңтардағы қағидаларды бекіту туралы\" Қазақстан Республикасы Денсаулық сақтау министрінің 2016 жылғы 13 маусымдағы № 503 бұйрығына (тізілімінде № 14149 болып тіркелген) мынадай өзгерістер енгізілсін:", Lang::Kk).unwrap();
        assert_eq!(t.number, "503");
        assert_eq!(t.date, NaiveDate::from_ymd_opt(2016, 6, 13));
        assert_eq!(t.registration.unwrap().number, "14149");
        assert_eq!(
            t.issuer.as_deref(),
            Some("Қазақстан Республикасы Денсаулық сақтау министрінің")
        );
    }
}
