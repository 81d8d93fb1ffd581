//! Round-trip check of the amendment chain: from real base acts, generate random amendments,
//! word them as a real amending order would (ru and kk), parse the order with the amend stage,
//! consolidate, and compare with the same edits made directly on the unit list.
//!
//! Every failure names the case, so a generated order can be reproduced with its seed.

use super::{consolidate, norm, OrderInput};
use crate::amend;
use crate::model::{Lang, UnitKind, UnitRef, UnitStatus};
use crate::structure::ActText;
use chrono::{Duration, NaiveDate};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GenOp {
    Replace,
    Repeal,
    Insert,
    ReplaceWords,
    DeleteWords,
}

const OPS: [GenOp; 5] = [
    GenOp::Replace,
    GenOp::Repeal,
    GenOp::Insert,
    GenOp::ReplaceWords,
    GenOp::DeleteWords,
];

/// One generated case: an amending order's text and the units as directly edited.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    pub id: usize,
    pub act: usize,
    pub lang: Lang,
    pub ops: Vec<GenOp>,
    pub order_text: String,
    pub effective: NaiveDate,
    pub document: String,
    /// (point number, status, wording) after the edits, for every unit the edits touched.
    pub expected: Vec<(String, UnitStatus, String)>,
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub cases: usize,
    pub passed: usize,
    pub per_op: Vec<(GenOp, usize, usize)>,
    pub failures: Vec<(usize, String)>,
}

const RU_MONTHS: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];
const KK_MONTHS: [&str; 12] = [
    "қаңтардағы",
    "ақпандағы",
    "наурыздағы",
    "сәуірдегі",
    "мамырдағы",
    "маусымдағы",
    "шілдедегі",
    "тамыздағы",
    "қыркүйектегі",
    "қазандағы",
    "қарашадағы",
    "желтоқсандағы",
];

fn ru_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!(
        "{} {} {} года",
        d.day(),
        RU_MONTHS[d.month0() as usize],
        d.year()
    )
}

fn kk_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!(
        "{} жылғы {} {}",
        d.year(),
        d.day(),
        KK_MONTHS[d.month0() as usize]
    )
}

/// Russian lead-in for an approved document: its title in the prepositional case with the
/// participle that agrees with it ("в Правилах …, утвержденных указанным приказом:").
fn ru_leadin(title: &str) -> Option<String> {
    let words: Vec<&str> = title.split_whitespace().collect();
    let (head, rest) = words.split_first()?;
    let inflect = |w: &str| -> Option<(String, &'static str)> {
        let lw = w.to_lowercase();
        let table: [(&str, &str, &str); 8] = [
            ("правила", "правилах", "утвержденных"),
            ("требования", "требованиях", "утвержденных"),
            ("положение", "положении", "утвержденном"),
            ("стандарт", "стандарте", "утвержденном"),
            ("перечень", "перечне", "утвержденном"),
            ("регламент", "регламенте", "утвержденном"),
            ("порядок", "порядке", "утвержденном"),
            ("инструкция", "инструкции", "утвержденной"),
        ];
        let (_, prep, part) = table.iter().find(|(n, _, _)| *n == lw)?;
        let mut out: String = prep.to_string();
        if w.chars().next().is_some_and(|c| c.is_uppercase()) {
            let mut c = out.chars();
            out = c
                .next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default();
        }
        Some((out, part))
    };
    // "Типовые правила …", "Минимальные социальные стандарты …": adjectives before the noun.
    if let Some((noun, part)) = inflect(head) {
        return Some(format!(
            "в {noun} {}, {part} указанным приказом:",
            rest.join(" ")
        ));
    }
    let (second, rest2) = rest.split_first()?;
    let (noun, part) = inflect(second)?;
    let adj = head.strip_suffix("ые").map(|s| format!("{s}ых"))?;
    Some(format!(
        "в {adj} {noun} {}, {part} указанным приказом:",
        rest2.join(" ")
    ))
}

/// Kazakh lead-in: the title's last word in the locative ("… қағидалары" → "… қағидаларында").
fn kk_leadin(title: &str) -> Option<String> {
    let t = title.trim().trim_end_matches('.');
    let last = t.split_whitespace().last()?;
    if last == "туралы" {
        return None;
    }
    let loc = if last.ends_with('ы') {
        "нда"
    } else if last.ends_with('і') {
        "нде"
    } else {
        return None;
    };
    Some(format!("көрсетілген бұйрықпен бекітілген {t}{loc}:"))
}

fn strip_number(text: &str) -> String {
    let t = text.trim_start();
    let cut = t
        .find(". ")
        .filter(|&i| i <= 8 && t[..i].chars().all(|c| c.is_ascii_digit() || c == '-'));
    match cut {
        Some(i) => t[i + 2..].to_string(),
        None => t.to_string(),
    }
}

fn plain_words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|w| w.chars().count() >= 4 && w.chars().all(|c| c.is_alphabetic()))
        .map(String::from)
        .collect()
}

struct Leaf {
    num: String,
    text: String,
}

fn leaves(act: &ActText, doc: &str) -> Vec<Leaf> {
    let units: Vec<_> = act
        .units
        .iter()
        .filter(|u| u.document.as_deref() == Some(doc))
        .collect();
    units
        .iter()
        .filter(|u| {
            u.path.len() == 1
                && u.path[0].kind == UnitKind::Point
                && u.status == UnitStatus::InForce
                && u.path[0].num.chars().all(|c| c.is_ascii_digit())
                && !u.text.contains('"')
                && !units
                    .iter()
                    .any(|o| o.path.len() > 1 && o.path[0] == u.path[0])
        })
        .map(|u| Leaf {
            num: u.path[0].num.clone(),
            text: u.text.clone(),
        })
        .collect()
}

/// Generate `n` cases from `acts` with a fixed `seed`.
pub fn generate(acts: &[ActText], seed: u64, n: usize) -> Vec<Case> {
    let mut rng = fastrand::Rng::with_seed(seed);
    // Candidate (act, document) pairs with enough leaf points and a lead-in we can word.
    let mut pool: Vec<(usize, String)> = Vec::new();
    for (i, a) in acts.iter().enumerate() {
        if a.requisites.registration.is_none()
            || a.requisites.number.is_none()
            || a.requisites.date.is_none()
        {
            continue;
        }
        let mut docs: Vec<String> = a.units.iter().filter_map(|u| u.document.clone()).collect();
        docs.dedup();
        for d in docs {
            let ok = match a.lang {
                Lang::Ru => ru_leadin(&d).is_some(),
                Lang::Kk => kk_leadin(&d).is_some(),
            };
            if ok && leaves(a, &d).len() >= 4 {
                pool.push((i, d));
            }
        }
    }
    let mut cases = Vec::new();
    if pool.is_empty() {
        return cases;
    }
    let mut next_id = 0;
    while cases.len() < n && next_id < n * 3 {
        let id = next_id;
        next_id += 1;
        let (ai, doc) = pool[rng.usize(..pool.len())].clone();
        let act = &acts[ai];
        let lf = leaves(act, &doc);
        let k = rng.usize(1..=3).min(lf.len() - 1);
        let mut picked: Vec<usize> = Vec::new();
        while picked.len() < k {
            let j = rng.usize(..lf.len());
            if !picked.contains(&j) {
                picked.push(j);
            }
        }
        picked.sort_by_key(|&j| lf[j].num.parse::<u32>().unwrap_or(0));
        let order_date =
            NaiveDate::from_ymd_opt(2026, 1, 10).unwrap() + Duration::days(rng.i64(0..300));
        let reg_date = order_date + Duration::days(rng.i64(1..10));
        let effective = reg_date + Duration::days(10);
        let number = format!("{}", 100 + id);
        let mut lines: Vec<String> = Vec::new();
        let mut ops = Vec::new();
        let mut expected = Vec::new();
        let n_ops = picked.len();
        for (pos, &j) in picked.iter().enumerate() {
            let leaf = &lf[j];
            let end = if pos + 1 == n_ops { "." } else { ";" };
            let op = OPS[rng.usize(..OPS.len())];
            // Real orders never re-enact the same wording: the donor is another point.
            let mut donor = &lf[rng.usize(..lf.len())];
            while norm(&donor.text) == norm(&leaf.text) {
                donor = &lf[rng.usize(..lf.len())];
            }
            let wording = |num: &str| format!("{num}. {}", strip_number(&donor.text));
            let words = plain_words(&leaf.text);
            let op = match op {
                GenOp::ReplaceWords | GenOp::DeleteWords if words.len() < 3 => GenOp::Replace,
                other => other,
            };
            match op {
                GenOp::Replace => {
                    let w = wording(&leaf.num);
                    lines.push(match act.lang {
                        Lang::Ru => format!("пункт {} изложить в следующей редакции:", leaf.num),
                        Lang::Kk => format!("{}-тармақ мынадай редакцияда жазылсын:", leaf.num),
                    });
                    lines.push(format!("\"{w}\"{end}"));
                    expected.push((leaf.num.clone(), UnitStatus::InForce, w));
                }
                GenOp::Repeal => {
                    lines.push(match act.lang {
                        Lang::Ru => format!("пункт {} исключить{end}", leaf.num),
                        Lang::Kk => format!("{}-тармақ алып тасталсын{end}", leaf.num),
                    });
                    expected.push((leaf.num.clone(), UnitStatus::Repealed, String::new()));
                }
                GenOp::Insert => {
                    let num = format!("{}-1", leaf.num);
                    if lf.iter().any(|l| l.num == num)
                        || act
                            .units
                            .iter()
                            .any(|u| u.path.first().is_some_and(|p| p.num == num))
                    {
                        continue;
                    }
                    let w = wording(&num);
                    lines.push(match act.lang {
                        Lang::Ru => format!("дополнить пунктом {num} следующего содержания:"),
                        Lang::Kk => format!("мынадай мазмұндағы {num}-тармақпен толықтырылсын:"),
                    });
                    lines.push(format!("\"{w}\"{end}"));
                    expected.push((num, UnitStatus::InForce, w));
                }
                GenOp::ReplaceWords | GenOp::DeleteWords => {
                    let s = rng.usize(..words.len() - 1);
                    let old = format!("{} {}", words[s], words[s + 1]);
                    if !leaf.text.contains(&old) {
                        continue;
                    }
                    let donor_words = plain_words(&donor.text);
                    let new = match donor_words.len() {
                        n if n >= 2 => format!("{} {}", donor_words[n / 2 - 1], donor_words[n / 2]),
                        _ => "новыми словами".to_string(),
                    };
                    if new == old {
                        continue;
                    }
                    let text = if op == GenOp::ReplaceWords {
                        leaf.text.replace(&old, &new)
                    } else {
                        leaf.text.replace(&old, "")
                    };
                    lines.push(match (act.lang, op) {
                        (Lang::Ru, GenOp::ReplaceWords) => format!("в пункте {} слова \"{old}\" заменить словами \"{new}\"{end}", leaf.num),
                        (Lang::Ru, _) => format!("в пункте {} слова \"{old}\" исключить{end}", leaf.num),
                        (Lang::Kk, GenOp::ReplaceWords) => format!("{}-тармақтағы \"{old}\" деген сөздер \"{new}\" деген сөздермен ауыстырылсын{end}", leaf.num),
                        (Lang::Kk, _) => format!("{}-тармақтағы \"{old}\" деген сөздер алып тасталсын{end}", leaf.num),
                    });
                    expected.push((leaf.num.clone(), UnitStatus::InForce, text));
                }
            }
            ops.push(op);
        }
        if expected.is_empty() {
            continue;
        }
        let order_text = render_order(act, &doc, &number, order_date, reg_date, &lines);
        cases.push(Case {
            id,
            act: ai,
            lang: act.lang,
            ops,
            order_text,
            effective,
            document: doc,
            expected,
        });
    }
    cases
}

fn render_order(
    act: &ActText,
    doc: &str,
    number: &str,
    date: NaiveDate,
    reg: NaiveDate,
    lines: &[String],
) -> String {
    let r = &act.requisites;
    let (num, adate) = (r.number.clone().unwrap_or_default(), r.date.unwrap_or(date));
    let regno = r
        .registration
        .as_ref()
        .map(|x| x.number.clone())
        .unwrap_or_default();
    let issuer = r.issuer.clone().unwrap_or_default();
    let reg_no = 40000 + number.parse::<u32>().unwrap_or(0);
    let mut out = String::new();
    match act.lang {
        Lang::Ru => {
            out.push_str(&format!(
                "О внесении изменений в приказ {issuer} от {} № {num} \"{}\"\n\n",
                ru_date(adate),
                act.title
            ));
            out.push_str(&format!(
                "Приказ Министра юстиции Республики Казахстан от {} № {number}. Зарегистрирован в Министерстве юстиции Республики Казахстан {} № {reg_no}\n",
                ru_date(date),
                ru_date(reg)
            ));
            out.push_str("      ПРИКАЗЫВАЮ:\n");
            out.push_str(&format!(
                "      1. Внести в приказ {issuer} от {} № {num} \"{}\" (зарегистрирован в Реестре государственной регистрации нормативных правовых актов под № {regno}) следующие изменения:\n",
                ru_date(adate),
                act.title
            ));
            out.push_str(&format!("      {}\n", ru_leadin(doc).unwrap_or_default()));
        }
        Lang::Kk => {
            out.push_str(&format!(
                "\"{}\" {issuer} {} № {num} бұйрығына өзгерістер енгізу туралы\n\n",
                act.title,
                kk_date(adate)
            ));
            out.push_str(&format!(
                "Қазақстан Республикасы Әділет министрінің {} № {number} бұйрығы. Қазақстан Республикасының Әділет министрлігінде {}да № {reg_no} болып тіркелді\n",
                kk_date(date),
                kk_date(reg).trim_end_matches("дағы").trim_end_matches("дегі").trim_end_matches("тегі")
            ));
            out.push_str("      БҰЙЫРАМЫН:\n");
            out.push_str(&format!(
                "      1. \"{}\" {issuer} {} № {num} бұйрығына (Нормативтік құқықтық актілерді мемлекеттік тіркеу тізілімінде № {regno} болып тіркелген) мынадай өзгерістер енгізілсін:\n",
                act.title,
                kk_date(adate)
            ));
            out.push_str(&format!("      {}\n", kk_leadin(doc).unwrap_or_default()));
        }
    }
    for l in lines {
        out.push_str(&format!("      {l}\n"));
    }
    out.push_str(match act.lang {
        Lang::Ru => "      2. Настоящий приказ вводится в действие по истечении десяти календарных дней после дня его первого официального опубликования.\n",
        Lang::Kk => "      2. Осы бұйрық алғашқы ресми жарияланған күнінен кейін күнтізбелік он күн өткен соң қолданысқа енгізіледі.\n",
    });
    out
}

/// Parse, apply and compare one case; `Err` says what differs.
pub fn check(acts: &[ActText], case: &Case) -> Result<(), String> {
    let act = &acts[case.act];
    let order = amend::parse_order(&case.order_text).map_err(|e| format!("parse: {e}"))?;
    if order.amendments.len() != case.expected.len() {
        return Err(format!(
            "parsed {} amendments, generated {} (unparsed: {:?})",
            order.amendments.len(),
            case.expected.len(),
            order.unparsed
        ));
    }
    let input = OrderInput {
        order,
        source: format!("case {}", case.id),
        published: None,
    };
    let out = consolidate(std::slice::from_ref(act), std::slice::from_ref(&input));
    let cons = out
        .iter()
        .find(|a| a.id == act.id && a.lang == act.lang)
        .ok_or("the order was not linked to its act")?;
    if let Some(c) = cons.conflicts.first() {
        return Err(format!("conflict: {}", c.message));
    }
    let now = cons.as_of(case.effective);
    let before = cons.as_of(case.effective - Duration::days(1));
    for (num, status, text) in &case.expected {
        let path = vec![UnitRef::new(UnitKind::Point, num.clone())];
        let v = now
            .iter()
            .find(|v| v.path == path && v.document.as_deref() == Some(case.document.as_str()))
            .ok_or_else(|| format!("point {num} missing after the order"))?;
        if v.status != *status {
            return Err(format!(
                "point {num}: status {:?}, expected {:?}",
                v.status, status
            ));
        }
        if *status == UnitStatus::InForce && norm(&v.text) != norm(text) {
            return Err(format!(
                "point {num}: wording differs\n got: {}\nwant: {text}",
                v.text
            ));
        }
        // The day before, the base wording still stands (or the unit did not exist yet).
        let base = act
            .units
            .iter()
            .find(|u| u.path == path && u.document.as_deref() == Some(case.document.as_str()));
        let old = before
            .iter()
            .find(|v| v.path == path && v.document.as_deref() == Some(case.document.as_str()));
        match (base, old) {
            (Some(b), Some(o)) if norm(&b.text) != norm(&o.text) => {
                return Err(format!(
                    "point {num}: the day before, the wording is not the base text"
                ))
            }
            (None, Some(_)) => return Err(format!("point {num}: exists before it was inserted")),
            (Some(_), None) => return Err(format!("point {num}: missing the day before")),
            _ => {}
        }
    }
    Ok(())
}

/// Generate and check `n` cases.
pub fn run(acts: &[ActText], seed: u64, n: usize) -> Summary {
    let cases = generate(acts, seed, n);
    let mut s = Summary {
        cases: cases.len(),
        ..Default::default()
    };
    for op in OPS {
        s.per_op.push((op, 0, 0));
    }
    for c in &cases {
        let res = check(acts, c);
        for op in &c.ops {
            if let Some(e) = s.per_op.iter_mut().find(|e| e.0 == *op) {
                e.1 += 1;
                if res.is_ok() {
                    e.2 += 1;
                }
            }
        }
        match res {
            Ok(()) => s.passed += 1,
            Err(m) => s.failures.push((c.id, m)),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leadins_are_worded_as_orders_word_them() {
        assert_eq!(
            ru_leadin("Типовые правила приема на обучение").unwrap(),
            "в Типовых правилах приема на обучение, утвержденных указанным приказом:"
        );
        assert_eq!(
            ru_leadin("Положение о гостевой семье").unwrap(),
            "в Положении о гостевой семье, утвержденном указанным приказом:"
        );
        assert_eq!(
            kk_leadin("Бала қонақтайтын отбасы туралы ереже").as_deref(),
            None
        );
        assert_eq!(
            kk_leadin("Апостильдеу қағидалары").unwrap(),
            "көрсетілген бұйрықпен бекітілген Апостильдеу қағидаларында:"
        );
    }
}
