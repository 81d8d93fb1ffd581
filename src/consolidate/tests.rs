//! Consolidation on hand-built inputs whose wording is taken from the corpus (act 142971 and
//! seed 004, which rewords its point 2).

use super::*;
use crate::amend::{Amendment, Op, OrderHeader, ParsedOrder};
use crate::model::*;
use crate::structure::{ActText, Unit};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn pt(n: &str) -> Vec<UnitRef> {
    vec![UnitRef::new(UnitKind::Point, n)]
}

const RULES: &str =
    "Правила оказания государственной услуги «Апостилирование официальных документов»";

fn base() -> ActText {
    let unit = |n: &str, text: &str| Unit {
        document: Some(RULES.into()),
        path: pt(n),
        text: text.into(),
        status: UnitStatus::InForce,
        events: vec![],
        line: 1,
    };
    ActText {
        id: "V2000020668".into(),
        lang: Lang::Ru,
        title: "Об утверждении Правил оказания государственной услуги «Апостилирование»".into(),
        requisites: Requisites {
            issuer: Some("Министра образования и науки Республики Казахстан".into()),
            number: Some("209".into()),
            date: Some(d(2020, 5, 18)),
            registration: Some(Registration { number: "20668".into(), date: Some(d(2020, 5, 19)) }),
        },
        units: vec![
            unit("1", "1. Настоящие Правила определяют порядок оказания государственной услуги."),
            unit("2", "2. В настоящих Правилах используются следующие определения: апостиль – специальный штамп."),
            unit("3", "3. Государственная услуга оказывается территориальными департаментами."),
        ],
        events: vec![],
        version_date: None,
    }
}

fn order(amendments: Vec<Amendment>) -> OrderInput {
    let n = amendments.len();
    OrderInput {
        order: ParsedOrder {
            header: OrderHeader {
                lang: Lang::Ru,
                number: "586".into(),
                date: Some(d(2021, 12, 10)),
                registration: Some(Registration { number: "25911".into(), date: Some(d(2021, 12, 22)) }),
            },
            issuer: None,
            title: "О внесении изменений".into(),
            target: Some(TargetAct {
                number: "209".into(),
                date: Some(d(2020, 5, 18)),
                registration: Some(Registration { number: "20668".into(), date: None }),
                issuer: None,
                title: None,
            }),
            amendments,
            amendment_lines: (1..=n).collect(),
            entry_into_force: Some("вводится в действие по истечении десяти календарных дней после дня его первого официального опубликования".into()),
            effective: None,
            appendices: vec![],
            unparsed: vec![],
        },
        source: "test.txt".into(),
        published: None,
    }
}

fn am(op: Op, unit: Vec<UnitRef>, text: Option<&str>) -> Amendment {
    Amendment {
        op,
        act: ActCite {
            number: "209".into(),
            date: Some(d(2020, 5, 18)),
        },
        document: Some(
            "Правила оказания государственной услуги «Апостилирование официальных документов»"
                .into(),
        ),
        unit,
        text: text.map(String::from),
        words_old: None,
        words_new: None,
        scope: Default::default(),
        lang_only: None,
        placement_after: None,
    }
}

#[test]
fn replace_repeal_insert_make_versions() {
    let o = order(vec![
        am(
            Op::Replace,
            pt("2"),
            Some("2. В настоящих Правилах используются определения: апостиль – штамп."),
        ),
        am(Op::Repeal, pt("3"), None),
        am(
            Op::Insert,
            pt("1-1"),
            Some("1-1. Услуга оказывается бесплатно."),
        ),
    ]);
    let acts = consolidate(&[base()], &[o]);
    assert_eq!(acts.len(), 1);
    let a = &acts[0];
    assert!(a.conflicts.is_empty(), "{:?}", a.conflicts);
    // Effective: registration 22.12.2021 + 10 days, estimated.
    let eff = d(2022, 1, 1);
    let before = a.as_of(d(2021, 6, 1));
    let after = a.as_of(eff);
    let text_of = |vs: &[&UnitVersion], n: &str| {
        vs.iter()
            .find(|v| v.path == pt(n))
            .map(|v| (v.status, v.text.clone()))
    };
    assert!(text_of(&before, "2")
        .unwrap()
        .1
        .contains("следующие определения"));
    assert!(text_of(&after, "2")
        .unwrap()
        .1
        .contains("используются определения"));
    assert_eq!(text_of(&before, "3").unwrap().0, UnitStatus::InForce);
    assert_eq!(text_of(&after, "3").unwrap().0, UnitStatus::Repealed);
    assert!(text_of(&before, "1-1").is_none());
    assert!(text_of(&after, "1-1").is_some());
    // 1-1 is placed after 1 and before 2.
    let order: Vec<String> = after.iter().map(|v| v.path[0].num.clone()).collect();
    assert_eq!(order, vec!["1", "1-1", "2", "3"]);
    let v2 = after.iter().find(|v| v.path == pt("2")).unwrap();
    assert_eq!(v2.valid_from, Some(eff));
    assert!(v2.estimated);
    assert_eq!(v2.changed_by.as_ref().unwrap().number, "586");
    let kinds: Vec<EventKind> = a
        .history
        .iter()
        .filter(|e| e.kind != EventKind::Original)
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds.len(), 3);
}

#[test]
fn reapplying_an_order_is_idempotent() {
    let o = order(vec![am(
        Op::Replace,
        pt("2"),
        Some("2. Новая редакция пункта."),
    )]);
    let once = consolidate(&[base()], std::slice::from_ref(&o));
    let twice = consolidate(&[base()], &[o.clone(), o]);
    assert_eq!(once[0].versions, twice[0].versions);
    assert_eq!(once[0].history.len(), twice[0].history.len());
}

#[test]
fn missing_targets_and_words_are_conflicts_not_silence() {
    let mut words = am(Op::ReplaceWords, pt("1"), None);
    words.words_old = Some("нет таких слов".into());
    words.words_new = Some("другие".into());
    let o = order(vec![am(Op::Replace, pt("99"), Some("99. Текст.")), words]);
    let a = &consolidate(&[base()], &[o])[0];
    assert_eq!(a.conflicts.len(), 2, "{:?}", a.conflicts);
    assert!(a.conflicts[0].message.contains("point:99"));
    assert!(a.conflicts[0].source.ends_with("test.txt:1"));
    // The unit is still recorded, with its wording from the order.
    assert!(a.as_of(d(2022, 2, 1)).iter().any(|v| v.path == pt("99")));
}

#[test]
fn word_replacement_counts_occurrences() {
    let mut w = am(Op::ReplaceWords, vec![], None);
    w.words_old = Some("Правила".into());
    w.words_new = Some("Регламент".into());
    let a = &consolidate(&[base()], &[order(vec![w])])[0];
    assert!(a.conflicts.is_empty());
    let after = a.as_of(d(2022, 2, 1));
    assert!(after
        .iter()
        .find(|v| v.path == pt("1"))
        .unwrap()
        .text
        .contains("Регламент"));
    assert!(after
        .iter()
        .find(|v| v.path == pt("3"))
        .unwrap()
        .text
        .contains("департаментами"));
}

#[test]
fn unknown_base_gets_a_skeleton() {
    let mut a = am(Op::Insert, pt("6-1"), Some("6-1. Текст."));
    a.act = ActCite {
        number: "503".into(),
        date: Some(d(2016, 6, 13)),
    };
    let mut o = order(vec![a]);
    o.order.target = Some(TargetAct {
        number: "503".into(),
        date: Some(d(2016, 6, 13)),
        registration: Some(Registration {
            number: "14149".into(),
            date: None,
        }),
        issuer: None,
        title: None,
    });
    let acts = consolidate(&[base()], &[o]);
    let s = acts
        .iter()
        .find(|a| a.id == "V1600014149")
        .expect("skeleton act");
    assert!(!s.base_known);
    assert_eq!(s.versions.len(), 1);
}

#[test]
fn effective_dates() {
    let (e, est) = effective_date(
        Some("вводится в действие с 1 января 2016 года"),
        Some(d(2015, 7, 30)),
        None,
    );
    assert_eq!((e, est), (Some(d(2016, 1, 1)), false));
    let (e, est) = effective_date(Some("алғашқы ресми жарияланған күнінен кейін күнтізбелік он күн өткен соң қолданысқа енгізіледі"), Some(d(2022, 7, 28)), Some(d(2022, 8, 1)));
    assert_eq!((e, est), (Some(d(2022, 8, 11)), true));
}

#[test]
fn same_day_changes_and_changes_to_repealed_units_are_conflicts() {
    let a = order(vec![am(Op::Repeal, pt("3"), None)]);
    let mut b = order(vec![
        am(Op::Replace, pt("3"), Some("3. Новая редакция.")),
        am(Op::Replace, pt("2"), Some("2. Новая редакция.")),
    ]);
    b.order.header.number = "587".into();
    let mut c = order(vec![am(
        Op::Replace,
        pt("2"),
        Some("2. Ещё одна редакция."),
    )]);
    c.order.header.number = "600".into();
    c.order.header.registration = Some(Registration {
        number: "30000".into(),
        date: Some(d(2022, 3, 1)),
    });
    let acts = consolidate(&[base()], &[a, b, c]);
    let msgs: Vec<&str> = acts[0]
        .conflicts
        .iter()
        .map(|c| c.message.as_str())
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("same day") && m.contains("point:3")),
        "{msgs:?}"
    );
    assert!(msgs.iter().any(|m| m.contains("repealed")), "{msgs:?}");
    // A later order on another day is no conflict.
    assert!(
        !msgs
            .iter()
            .any(|m| m.contains("point:2") && m.contains("same day")),
        "{msgs:?}"
    );
}
