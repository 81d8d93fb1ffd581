//! Act identity and the dates and requisites it is built from.
//!
//! The official register names an act `V` + two-digit year of its justice registration + the
//! registration number padded to 8 digits (`V1800017705`). Registration numbers are unique;
//! order numbers are not (they restart per body and year), so an act without registration data
//! gets a fallback ID from its date and number (and issuer key when known).

use crate::model::{Registration, Requisites};
use chrono::{Datelike, NaiveDate};
use once_cell::sync::Lazy;
use regex::Regex;

/// Register ID from a registration, when its year is known. `fallback_year` is used when the
/// registration date is missing (orders often cite only the number); callers pass the order's
/// own year, which is the registration year for nearly all orders.
pub fn register_id(reg: &Registration, fallback_year: Option<i32>) -> Option<String> {
    let digits: String = reg.number.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() || digits.len() > 8 {
        return None;
    }
    let year = reg.date.map(|d| d.year()).or(fallback_year)?;
    Some(format!("V{:02}{:0>8}", year.rem_euclid(100), digits))
}

/// Stable ID for an act known without registration data: `A` + date + `-` + number
/// (non-alphanumerics folded to `_`). The kk and ru texts cite the same date and number, so they
/// get the same ID; the issuer is left out because it is spelt differently in each language.
pub fn fallback_id(date: Option<NaiveDate>, number: &str) -> String {
    let num: String = number
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect();
    match date {
        Some(d) => format!("A{}-{}", d.format("%Y%m%d"), num),
        None => format!("A00000000-{}", num),
    }
}

/// The ID of an act from its requisites: register ID when registered, fallback otherwise.
pub fn act_id(req: &Requisites) -> Option<String> {
    if let Some(reg) = &req.registration {
        if let Some(id) = register_id(reg, req.date.map(|d| d.year())) {
            return Some(id);
        }
    }
    req.number.as_ref().map(|n| fallback_id(req.date, n))
}

const RU_MONTHS: [&str; 12] = [
    "январ",
    "феврал",
    "март",
    "апрел",
    "ма",
    "июн",
    "июл",
    "август",
    "сентябр",
    "октябр",
    "ноябр",
    "декабр",
];
const KK_MONTHS: [&str; 12] = [
    "қаңтар",
    "ақпан",
    "наурыз",
    "сәуір",
    "мамыр",
    "маусым",
    "шілде",
    "тамыз",
    "қыркүйек",
    "қазан",
    "қараша",
    "желтоқсан",
];

/// Month number of a Russian (any case) or Kazakh (any suffix) month word.
pub fn month_number(word: &str) -> Option<u32> {
    let w = word.to_lowercase().replace('i', "і");
    for (i, m) in KK_MONTHS.iter().enumerate() {
        if w.starts_with(m) {
            return Some(i as u32 + 1);
        }
    }
    for (i, m) in RU_MONTHS.iter().enumerate() {
        // "ма" alone would match "марта"; March is checked first in array order ("март").
        if *m == "ма" {
            if w == "мая" || w == "май" || w == "мае" {
                return Some(5);
            }
            continue;
        }
        if w.starts_with(m) {
            return Some(i as u32 + 1);
        }
    }
    None
}

static RU_DATE: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(\d{1,2})\s+([А-Яа-яЁё]+)\s+(\d{4})\s*(?:года|г\.|год)?").unwrap());
static KK_DATE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(\d{4})\s*жыл(?:ғы|ы)?\s+(\d{1,2})\s*-?\s*([А-Яа-яӘәҒғҚқҢңӨөҰұҮүҺһІіi]+)").unwrap()
});
static NUM_DATE: Lazy<Regex> = Lazy::new(|| Regex::new(r"\b(\d{2})\.(\d{2})\.(\d{4})\b").unwrap());

/// A date found in `s`, with the byte range it occupies. Recognises "18 октября 2018 года",
/// "2018 жылғы 18 қазандағы" and "18.10.2018"; the earliest match in the text wins.
pub fn find_date(s: &str) -> Option<(NaiveDate, std::ops::Range<usize>)> {
    let mut best: Option<(NaiveDate, std::ops::Range<usize>)> = None;
    let mut consider = |d: Option<NaiveDate>, r: std::ops::Range<usize>| {
        if let Some(d) = d {
            if best.as_ref().is_none_or(|(_, b)| r.start < b.start) {
                best = Some((d, r));
            }
        }
    };
    for c in RU_DATE.captures_iter(s) {
        let d = month_number(&c[2])
            .and_then(|m| NaiveDate::from_ymd_opt(c[3].parse().ok()?, m, c[1].parse().ok()?));
        consider(d, c.get(0).unwrap().range());
    }
    for c in KK_DATE.captures_iter(s) {
        let d = month_number(&c[3])
            .and_then(|m| NaiveDate::from_ymd_opt(c[1].parse().ok()?, m, c[2].parse().ok()?));
        consider(d, c.get(0).unwrap().range());
    }
    for c in NUM_DATE.captures_iter(s) {
        let d = NaiveDate::from_ymd_opt(
            c[3].parse().unwrap_or(0),
            c[2].parse().unwrap_or(0),
            c[1].parse().unwrap_or(0),
        );
        consider(d, c.get(0).unwrap().range());
    }
    best
}

/// All dates in `s`, in text order.
pub fn find_dates(s: &str) -> Vec<(NaiveDate, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut rest = 0;
    while rest < s.len() {
        match find_date(&s[rest..]) {
            Some((d, r)) => {
                out.push((d, rest + r.start..rest + r.end));
                rest += r.end;
            }
            None => break,
        }
    }
    out
}

static NUMBER: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"№\s*((?:ҚР\s+)?[0-9A-Za-zА-Яа-яӘәҒғҚқҢңӨөҰұҮүІі/\-\.]*[0-9A-Za-zА-Яа-яІі])")
        .unwrap()
});

/// The first "№ X" in `s`, with its byte range.
pub fn find_number(s: &str) -> Option<(String, std::ops::Range<usize>)> {
    NUMBER
        .captures(s)
        .map(|c| (c[1].to_string(), c.get(0).unwrap().range()))
}

static RU_REG: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?is)Зарегистрирован\w*\s+в\s+Министерстве\s+юстиции[^0-9]*?(\d{1,2}\s+\S+\s+\d{4}\s*(?:года)?)\s*№\s*(\d+)").unwrap()
});
static KK_REG: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?is)Әділет\s+министрлігінде\s+(\d{4}\s*жылғы\s+\d{1,2}\s*\S+)\s*№\s*(\d+)\s*болып\s+тіркелді").unwrap()
});
static REGISTER_NO: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?s)(?:под\s*№\s*(\d+)|тізілімінде\s*№\s*(\d+)\s*болып\s+тіркелген|зарегистрирован\w*\s+под\s*№\s*(\d+))").unwrap()
});

/// Requisites from an act's requisites line (ru or kk):
/// "Приказ Министра … от 18 октября 2018 года № 578. Зарегистрирован в Министерстве юстиции
/// Республики Казахстан 7 ноября 2018 года № 17705" /
/// "… 2020 жылғы 4 мамырдағы № 180 бұйрығы. Қазақстан Республикасының Әділет министрлігінде
/// 2020 жылғы 5 мамырда № 20579 болып тіркелді".
pub fn parse_requisites(line: &str) -> Requisites {
    let line = line.replace('\u{a0}', " ");
    // OCR and typists lower-case "Әділет" and "Зарегистрирован"; Cyrillic keeps its byte
    // length in either case, so offsets found in the lower-cased line hold in the line.
    let lower = line.to_lowercase();
    let cut = if lower.len() == line.len() {
        lower
            .find("зарегистрир")
            .or_else(|| lower.find("қазақстан республикасының әділет"))
            .or_else(|| lower.find("әділет"))
            .filter(|&i| line.is_char_boundary(i))
    } else {
        line.find("Зарегистрир").or_else(|| line.find("Әділет"))
    };
    let (own, reg_part) = match cut {
        Some(i) => (&line[..i], &line[i..]),
        None => (&line[..], ""),
    };
    let mut req = Requisites::default();
    if let Some((d, r)) = find_date(own) {
        req.date = Some(d);
        let issuer = own[..r.start]
            .trim()
            .trim_start_matches("Приказ")
            .trim()
            .trim_end_matches("от")
            .trim();
        if !issuer.is_empty() {
            req.issuer = Some(issuer.to_string());
        }
    }
    if let Some((n, _)) = find_number(own) {
        req.number = Some(n);
    }
    let caps = RU_REG
        .captures(reg_part)
        .or_else(|| KK_REG.captures(reg_part));
    if let Some(c) = caps {
        req.registration = Some(Registration {
            number: c[2].to_string(),
            date: find_date(&c[1]).map(|(d, _)| d),
        });
    } else if let Some(c) = REGISTER_NO.captures(reg_part) {
        let n = c.get(1).or(c.get(2)).or(c.get(3)).unwrap().as_str();
        req.registration = Some(Registration {
            number: n.to_string(),
            date: None,
        });
    }
    req
}

/// A registration number cited inside an order ("зарегистрирован в Реестре … под № 17705",
/// "… тізілімінде № 20668 болып тіркелген").
pub fn find_register_number(s: &str) -> Option<String> {
    REGISTER_NO.captures(s).map(|c| {
        c.get(1)
            .or(c.get(2))
            .or(c.get(3))
            .unwrap()
            .as_str()
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_id_of_order_578() {
        let req = parse_requisites("Приказ Министра образования и науки Республики Казахстан от 18 октября 2018 года № 578. Зарегистрирован в Министерстве юстиции Республики Казахстан 7 ноября 2018 года № 17705");
        assert_eq!(req.number.as_deref(), Some("578"));
        assert_eq!(req.date, NaiveDate::from_ymd_opt(2018, 10, 18));
        assert_eq!(act_id(&req).as_deref(), Some("V1800017705"));
        assert_eq!(
            req.issuer.as_deref(),
            Some("Министра образования и науки Республики Казахстан")
        );
    }

    #[test]
    fn kazakh_requisites() {
        let req = parse_requisites("Қазақстан Республикасы Оқу-ағарту министрінің м.а. 2022 жылғы 28 шiлдедегi № 343 бұйрығы. Қазақстан Республикасының Әділет министрлігінде 2022 жылғы 1 тамызда № 28962 болып тіркелді");
        assert_eq!(req.number.as_deref(), Some("343"));
        assert_eq!(req.date, NaiveDate::from_ymd_opt(2022, 7, 28));
        let reg = req.registration.clone().unwrap();
        assert_eq!(reg.date, NaiveDate::from_ymd_opt(2022, 8, 1));
        assert_eq!(act_id(&req).as_deref(), Some("V2200028962"));
    }

    #[test]
    fn numeric_dates_and_numbers() {
        let (d, _) = find_date("от 24.09.2025 № 520").unwrap();
        assert_eq!(d, NaiveDate::from_ymd_opt(2025, 9, 24).unwrap());
        assert_eq!(
            find_number("№ 11-1-4/141 (вводится").unwrap().0,
            "11-1-4/141"
        );
        assert_eq!(find_number("№ ҚР ДСМ-2 (").unwrap().0, "ҚР ДСМ-2");
    }

    #[test]
    fn fallback_is_stable_across_languages() {
        let d = NaiveDate::from_ymd_opt(2016, 6, 13);
        assert_eq!(fallback_id(d, "503"), "A20160613-503");
    }
}
