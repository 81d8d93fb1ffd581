//! The order's entry-into-force clause as a rule: "по истечении десяти календарных дней после
//! дня его первого официального опубликования", "со дня подписания", "с 1 января 2022 года",
//! "алғашқы ресми жарияланған күнінен кейін күнтізбелік он күн өткен соң", with exceptions for
//! particular points ("за исключением подпункта 3) пункта 1, который вводится в действие с …",
//! "осы бұйрықтың 2-тармағын қоспағанда").

use super::grammar;
use crate::model::{Lang, UnitRef};
use chrono::NaiveDate;
use once_cell::sync::Lazy;
use regex::Regex;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EffectiveKind {
    /// N calendar days after the first official publication.
    AfterPublicationDays,
    /// From the day of the first official publication.
    FromPublication,
    /// From a stated date.
    FromDate,
    /// From the day of signing (adoption).
    FromSigning,
    /// A clause was found but its rule was not understood (the text is kept).
    Unknown,
}

/// A rule for one part of the order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EffectiveRule {
    pub kind: EffectiveKind,
    pub days: Option<u32>,
    pub date: Option<NaiveDate>,
}

/// Points of the order itself that enter into force by another rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EffectiveException {
    /// Units of the order (`[point 1, subpoint 3]`).
    pub units: Vec<Vec<UnitRef>>,
    #[serde(flatten)]
    pub rule: EffectiveRule,
}

/// The order's entry-into-force rule (the `effective` object of `zan split --json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Effective {
    #[serde(flatten)]
    pub rule: EffectiveRule,
    pub exceptions: Vec<EffectiveException>,
    /// The clause as written.
    pub text: String,
}

/// Cardinal number words (genitive and nominative, ru and kk), summed word by word:
/// "двадцати одного" = 21, "жиырма бір" = 21; digits are taken as they are.
fn number_value(words: &str) -> Option<u32> {
    let w = words.trim().to_lowercase();
    if let Some(n) = w
        .split(|c: char| !c.is_ascii_digit())
        .find(|s| !s.is_empty())
        .and_then(|s| s.parse().ok())
    {
        return Some(n);
    }
    // Teens and tens first (shared with the ordinals), so that "пятнадцат" is not read as "пят".
    const RU: [(&str, u32); 16] = [
        ("сорок", 40),
        ("пятидесят", 50),
        ("шестидесят", 60),
        ("девяност", 90),
        ("десят", 10),
        ("одн", 1),
        ("один", 1),
        ("дв", 2),
        ("тр", 3),
        ("четыр", 4),
        ("пят", 5),
        ("шест", 6),
        ("сем", 7),
        ("восьм", 8),
        ("девят", 9),
        ("сто", 100),
    ];
    const KK: [(&str, u32); 18] = [
        ("бір", 1),
        ("екі", 2),
        ("үш", 3),
        ("төрт", 4),
        ("бес", 5),
        ("алты", 6),
        ("жеті", 7),
        ("сегіз", 8),
        ("тоғыз", 9),
        ("он", 10),
        ("жиырма", 20),
        ("отыз", 30),
        ("қырық", 40),
        ("елу", 50),
        ("алпыс", 60),
        ("жетпіс", 70),
        ("сексен", 80),
        ("тоқсан", 90),
    ];
    let mut total = 0;
    for word in w.split_whitespace() {
        if word.starts_with("календарн") || word.starts_with("күнтізбел") {
            continue;
        }
        let v = KK
            .iter()
            .find(|(s, _)| word == *s)
            .or_else(|| {
                super::ordinals::RU_TEENS_TENS
                    .iter()
                    .chain(RU.iter())
                    .find(|(s, _)| word.starts_with(s))
            })
            .map(|(_, v)| *v)?;
        total += v;
    }
    (total > 0).then_some(total)
}

static RU_DAYS: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)по\s+истечении\s+(\d+|[а-яё]+(?:\s+[а-яё]+)?)(?:\s*\([^)]*\))?\s+(?:календарн\w*\s+)?дн").unwrap()
});
static KK_DAYS: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)(?:к[үу]нт[іi]збел[іi]к\s+)?(\d+|(?:он|жиырма|отыз|қырық|алпыс|тоқсан|бір|үш|бес|жеті)(?:\s+(?:бір|екі|үш|төрт|бес|алты|жеті|сегіз|тоғыз))?)(?:\s*\([^)]*\))?\s+(?:к[үу]нт[іi]збел[іi]к\s+)?к[үу]н\s+[өе]ткен").unwrap()
});
static PUBLICATION: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)опубликовани|жарияланған|жарияланғаннан").unwrap());
static SIGNING: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)подписани|принятия|қол\s+қойылған|қабылданған").unwrap());
static RU_EXCEPT: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)за\s+исключением\s+([^,;]*?)(?:,\s*котор|\s+настоящего|\s*,|$)").unwrap()
});
static KK_EXCEPT: Lazy<Regex> = Lazy::new(|| Regex::new(r"(?i)қоспағанда").unwrap());
static KK_RELATIVE: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)(?:қолданысқа\s+)?енгізілетін|күшіне\s+енетін").unwrap());

/// The rule of one clause fragment.
fn rule_of(text: &str) -> EffectiveRule {
    if let Some(c) = RU_DAYS.captures(text).or_else(|| KK_DAYS.captures(text)) {
        if let Some(n) = number_value(&c[1]) {
            return EffectiveRule {
                kind: EffectiveKind::AfterPublicationDays,
                days: Some(n),
                date: None,
            };
        }
    }
    if let Some((d, _)) = crate::identity::find_date(text) {
        return EffectiveRule {
            kind: EffectiveKind::FromDate,
            days: None,
            date: Some(d),
        };
    }
    let kind = if SIGNING.is_match(text) {
        EffectiveKind::FromSigning
    } else if PUBLICATION.is_match(text) {
        EffectiveKind::FromPublication
    } else {
        EffectiveKind::Unknown
    };
    EffectiveRule {
        kind,
        days: None,
        date: None,
    }
}

/// Parse an entry-into-force clause (the point's text after its number).
pub fn parse_effective(clause: &str, lang: Lang) -> Effective {
    let text = super::text::collapse(clause);
    // Exceptions are stated as "за исключением <units>, которые вводятся в действие <rule>" /
    // "<units> қоспағанда, … <rule> қолданысқа енгізіледі"; the main rule is in the other part.
    let mut exceptions = Vec::new();
    let mut main = text.clone();
    match lang {
        Lang::Ru => {
            if let Some(m) = RU_EXCEPT.find(&text) {
                let units_txt = RU_EXCEPT
                    .captures(&text)
                    .map(|c| c[1].to_string())
                    .unwrap_or_default();
                let after = &text[m.start()..];
                // The exception's rule follows "котор…"; the main rule is what precedes.
                let rule_txt = after.find("котор").map(|k| &after[k..]).unwrap_or("");
                let units = units_of(&units_txt, Lang::Ru);
                if !units.is_empty() && !rule_txt.is_empty() {
                    exceptions.push(EffectiveException {
                        units,
                        rule: rule_of(rule_txt),
                    });
                    main = text[..m.start()].to_string();
                }
            }
        }
        Lang::Kk => {
            if let Some(m) = KK_EXCEPT.find(&text) {
                let before = &text[..m.start()];
                // "… 2022 жылғы 1 қаңтардан бастап қолданысқа енгізілетін <units> қоспағанда,
                // <main rule>" or "<units> қоспағанда, <main rule>. <units> <rule>."
                let (rule_txt, units_txt) = match KK_RELATIVE.find(before) {
                    Some(r) => (before[..r.start()].to_string(), &before[r.end()..]),
                    None => {
                        let rest = &text[m.end()..];
                        let second = rest.split(". ").nth(1).unwrap_or("").to_string();
                        (second, before)
                    }
                };
                let units = units_of(units_txt, Lang::Kk);
                if !units.is_empty() {
                    main = text[m.end()..].split(". ").next().unwrap_or("").to_string();
                    exceptions.push(EffectiveException {
                        units,
                        rule: rule_of(&rule_txt),
                    });
                }
            }
        }
    }
    Effective {
        rule: rule_of(&main),
        exceptions,
        text,
    }
}

/// Units of the order named in an exception ("подпункта 3) пункта 1 и пункта 4", "осы
/// бұйрықтың 1-тармағының 3) тармақшасын").
fn units_of(s: &str, lang: Lang) -> Vec<Vec<UnitRef>> {
    let (masked, _) = super::text::mask_quotes(s);
    let (ms, _) = grammar::mentions(&masked, lang);
    grammar::paths(&ms, super::Op::Replace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_clauses() {
        let e = parse_effective("Настоящий приказ вводится в действие по истечении десяти календарных дней после дня его первого официального опубликования.", Lang::Ru);
        assert_eq!(e.rule.kind, EffectiveKind::AfterPublicationDays);
        assert_eq!(e.rule.days, Some(10));
        let e = parse_effective("Осы бұйрық алғашқы ресми жарияланған күнінен кейін күнтізбелік он күн өткен соң қолданысқа енгізіледі.", Lang::Kk);
        assert_eq!(e.rule.days, Some(10));
        let e = parse_effective("Осы бүйрық алғашқы ресми жарияланғаннан кейін құнтізбелік он күн еткен соң қолданысқа енгізіледі.", Lang::Kk);
        assert_eq!(e.rule.days, Some(10));
        let e = parse_effective(
            "Настоящий приказ вводится в действие со дня его подписания.",
            Lang::Ru,
        );
        assert_eq!(e.rule.kind, EffectiveKind::FromSigning);
        let e = parse_effective("Настоящий приказ вводится в действие с 1 января 2022 года и подлежит официальному опубликованию.", Lang::Ru);
        assert_eq!(e.rule.kind, EffectiveKind::FromDate);
        assert_eq!(e.rule.date, NaiveDate::from_ymd_opt(2022, 1, 1));
        let e = parse_effective("Настоящий приказ вводится в действие по истечении десяти календарных дней после дня его первого официального опубликования, за исключением подпункта 3) пункта 1 настоящего приказа, который вводится в действие с 1 июля 2024 года.", Lang::Ru);
        assert_eq!(e.rule.days, Some(10));
        assert_eq!(e.exceptions.len(), 1);
        assert_eq!(
            crate::model::path_to_string(&e.exceptions[0].units[0]),
            "point:1/subpoint:3"
        );
        assert_eq!(
            e.exceptions[0].rule.date,
            NaiveDate::from_ymd_opt(2024, 7, 1)
        );
        let e = parse_effective("Осы бұйрық 2022 жылғы 1 қаңтардан бастап қолданысқа енгізілетін осы бұйрықтың 1-тармағының 3) тармақшасын қоспағанда, алғашқы ресми жарияланған күнінен кейін күнтізбелік он күн өткен соң қолданысқа енгізіледі.", Lang::Kk);
        assert_eq!(e.rule.days, Some(10));
        assert_eq!(
            crate::model::path_to_string(&e.exceptions[0].units[0]),
            "point:1/subpoint:3"
        );
        assert_eq!(
            e.exceptions[0].rule.date,
            NaiveDate::from_ymd_opt(2022, 1, 1)
        );
    }
}
