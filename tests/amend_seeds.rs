//! The splitter on the seed orders: every instruction hand-counted from the text, then op, act,
//! document and unit path asserted one by one.

use chrono::NaiveDate;
use zan::amend::{parse_order, Op, ParsedOrder};
use zan::model::path_to_string;

fn seed(name: &str) -> String {
    let p = format!("{}/corpus/orders/{}.txt", env!("CARGO_MANIFEST_DIR"), name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// Expected instruction: op, unit path (`point:3/indent:2`), document prefix (None = the order
/// itself is amended).
type Exp<'a> = (Op, &'a str, Option<&'a str>);

fn check(o: &ParsedOrder, act: (&str, NaiveDate), exp: &[Exp]) {
    let got: Vec<String> = o
        .amendments
        .iter()
        .map(|a| format!("{:?} {}", a.op, path_to_string(&a.unit)))
        .collect();
    assert_eq!(o.amendments.len(), exp.len(), "amendments: {got:#?}");
    for (k, (a, (op, path, doc))) in o.amendments.iter().zip(exp).enumerate() {
        assert_eq!(a.op, *op, "#{k} op");
        assert_eq!(path_to_string(&a.unit), *path, "#{k} unit");
        assert_eq!(a.act.number, act.0, "#{k} act number");
        assert_eq!(a.act.date, Some(act.1), "#{k} act date");
        match doc {
            None => assert_eq!(a.document, None, "#{k} document"),
            Some(d) => {
                let got = a.document.as_deref().unwrap_or("");
                assert!(got.starts_with(d), "#{k} document {got:?} !~ {d:?}");
            }
        }
        // New wordings of points start with their own number; repeals carry none.
        match a.op {
            Op::Repeal => assert_eq!(a.text, None, "#{k}"),
            Op::Replace | Op::Insert => {
                let t = a
                    .text
                    .as_deref()
                    .unwrap_or_else(|| panic!("#{k} has no text"));
                let last = a.unit.last().unwrap();
                if path.starts_with("point:") && !path.contains("indent:2") {
                    let num = &a.unit[0].num;
                    assert!(t.starts_with(&format!("{num}. ")), "#{k} text {t:.60}");
                }
                assert!(!last.num.is_empty() || last.kind != zan::model::UnitKind::Point);
                for verb in [
                    "изложить в новой редакции",
                    "редакцияда жазылсын",
                    "толықтырылсын",
                ] {
                    assert!(!t.contains(verb), "#{k} text swallowed an instruction");
                }
            }
            _ => {}
        }
    }
    // Natural order: instructions come out in the order of the text.
    assert!(o.amendment_lines.windows(2).all(|w| w[0] <= w[1]));
    assert!(o.unparsed.is_empty(), "unparsed: {:#?}", o.unparsed);
}

const RULES_578: &str = "Типовые правила приема на обучение в организации образования, реализующие образовательные программы технического и профессионального, послесреднего образования";

// Seed 000 (ru, order № 20 of 31.01.2025 amending order № 578 of 18.10.2018), hand count: 21.
//  1 replace preamble (order itself)          12 replace point 38
//  2 replace point 1        (Типовые правила) 13 replace point 48
//  3 replace point 3 / indent 2               14 replace point 53
//  4 replace point 6                          15 replace point 54
//  5 replace point 9 / indent 1               16 replace point 55
//  6 replace point 12                         17 replace point 61
//  7 replace point 16                         18 replace point 62
//  8 replace point 18                         19 replace point 63
//  9 replace point 23                         20 replace point 64
// 10 replace point 26                         21 replace appendix 1 (by the order's appendix)
// 11 replace point 32
// Points 2-4 of the order (registration, control, entry into force) are not amendments.
fn exp_000() -> Vec<Exp<'static>> {
    let d = Some(RULES_578);
    let mut v: Vec<Exp> = vec![
        (Op::Replace, "preamble", None),
        (Op::Replace, "point:1", d),
        (Op::Replace, "point:3/indent:2", d),
        (Op::Replace, "point:6", d),
        (Op::Replace, "point:9/indent:1", d),
    ];
    for p in [
        "point:12", "point:16", "point:18", "point:23", "point:26", "point:32", "point:38",
        "point:48", "point:53", "point:54", "point:55", "point:61", "point:62", "point:63",
        "point:64",
    ] {
        v.push((Op::Replace, p, d));
    }
    v.push((Op::Replace, "appendix:1", d));
    v
}

#[test]
fn seed_000_ru_with_moved_links() {
    let o = parse_order(&seed("000_3e349c36dd5e86ff")).unwrap();
    assert_eq!(o.header.lang, zan::model::Lang::Ru);
    assert_eq!(o.header.number, "20");
    assert_eq!(o.header.date, NaiveDate::from_ymd_opt(2025, 1, 31));
    let reg = o.header.registration.clone().unwrap();
    assert_eq!(reg.number, "35694");
    assert_eq!(reg.date, NaiveDate::from_ymd_opt(2025, 2, 3));
    assert!(o
        .title
        .starts_with("О внесении изменений в приказ Министра"));
    let t = o.target.clone().unwrap();
    assert_eq!(t.registration.unwrap().number, "17705");
    assert_eq!(
        t.issuer.as_deref(),
        Some("Министра образования и науки Республики Казахстан")
    );
    assert!(t
        .title
        .unwrap()
        .starts_with("Об утверждении Типовых правил приема"));
    let d = NaiveDate::from_ymd_opt(2018, 10, 18).unwrap();
    check(&o, ("578", d), &exp_000());
    assert_eq!(o.amendments[1].document.as_deref(), Some(RULES_578));
    assert!(o.amendments[2]
        .text
        .as_deref()
        .unwrap()
        .starts_with("Прием на обучение"));
    // The appendix wording comes from the order's own appendix.
    assert_eq!(o.appendices.len(), 1);
    let app = o.amendments[20].text.as_deref().unwrap();
    assert!(
        app.starts_with("Приложение 1 к Типовым правилам приема"),
        "{app:.80}"
    );
    assert!(app.contains("Перечень основных требований"));
    assert!(o
        .entry_into_force
        .as_deref()
        .unwrap()
        .contains("по истечении десяти календарных дней"));
}

/// Test-only undo of the moved-hyperlink artefact on instruction lines ("       изложить в
/// новой редакции:пункт 12" → "      пункт 12 изложить в новой редакции:"), to check that the
/// natural order gives the same result.
fn natural_instruction_lines(text: &str) -> String {
    let re = regex::Regex::new(r"^\s+(.*?(?:редакции|жазылсын)):(\S.*)$").unwrap();
    text.lines()
        .map(|l| match re.captures(l) {
            Some(c) => {
                let (body, tail) = (&c[1], &c[2]);
                if body.contains("  ") {
                    format!("      {}:", body.replacen("  ", &format!(" {tail} "), 1))
                } else {
                    format!("      {tail} {body}:")
                }
            }
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn seed_000_and_004_same_in_natural_order() {
    for name in ["000_3e349c36dd5e86ff", "004_c501787c74ae2a74"] {
        let raw = seed(name);
        let fixed = natural_instruction_lines(&raw);
        assert_ne!(raw, fixed);
        assert!(
            fixed.contains("      пункт 12 изложить в новой редакции:")
                || fixed.contains("      2-тармақ мынадай редакцияда жазылсын:")
        );
        let a = parse_order(&raw).unwrap();
        let b = parse_order(&fixed).unwrap();
        let key = |o: &ParsedOrder| {
            o.amendments
                .iter()
                .map(|a| (a.op, a.unit.clone(), a.document.clone(), a.text.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(key(&a), key(&b), "{name}");
        assert!(b.unparsed.is_empty());
    }
}

// Seed 001 (kk, order № 204 of 29.05.2020 amending order № 503 of 13.06.2016), hand count: 17.
//  1 replace preamble (кіріспе, the order itself)    10 replace point 16
//  2 replace point 1  (… ұзарту қағидалары)          11 repeal  point 17
//  3 replace point 5  } "5 және 6-тармақтар",         12 replace point 18
//  4 replace point 6  } one quoted block split at "6." 13 replace point 21
//  5 insert  point 6-1                                14 replace point 22
//  6 replace point 7                                  15 replace point 27
//  7 repeal  point 8                                  16 insert  point 27-1
//  8 replace point 10                                 17 insert  appendix 3 (the order's appendix)
//  9 replace point 14
#[test]
fn seed_001_kk() {
    let o = parse_order(&seed("001_07bc7e74aa9aa38f")).unwrap();
    assert_eq!(o.header.lang, zan::model::Lang::Kk);
    assert_eq!(o.header.number, "204");
    assert_eq!(o.header.date, NaiveDate::from_ymd_opt(2020, 5, 29));
    assert_eq!(o.header.registration.as_ref().unwrap().number, "20785");
    let t = o.target.clone().unwrap();
    assert_eq!(t.registration.unwrap().number, "14149");
    let rules = "Өз бетінше жұмысқа орналасуы үшін шетелдікке немесе азаматтығы жоқ адамға біліктілігінің сәйкестігі туралы анықтама беру немесе ұзарту қағидалары";
    let d = Some(rules);
    let exp: Vec<Exp> = vec![
        (Op::Replace, "preamble", None),
        (Op::Replace, "point:1", d),
        (Op::Replace, "point:5", d),
        (Op::Replace, "point:6", d),
        (Op::Insert, "point:6-1", d),
        (Op::Replace, "point:7", d),
        (Op::Repeal, "point:8", d),
        (Op::Replace, "point:10", d),
        (Op::Replace, "point:14", d),
        (Op::Replace, "point:16", d),
        (Op::Repeal, "point:17", d),
        (Op::Replace, "point:18", d),
        (Op::Replace, "point:21", d),
        (Op::Replace, "point:22", d),
        (Op::Replace, "point:27", d),
        (Op::Insert, "point:27-1", d),
        (Op::Insert, "appendix:3", d),
    ];
    check(
        &o,
        ("503", NaiveDate::from_ymd_opt(2016, 6, 13).unwrap()),
        &exp,
    );
    assert_eq!(o.amendments[1].document.as_deref(), Some(rules));
    // The two points of one quoted block are split apart.
    let p5 = o.amendments[2].text.as_deref().unwrap();
    assert!(p5.ends_with("өтінішті уәкілетті органға жібереді."), "{p5}");
    assert!(!p5.contains("6. Шетелдік"));
    assert!(o.amendments[3]
        .text
        .as_deref()
        .unwrap()
        .starts_with("6. Шетелдік немесе"));
    assert!(o.amendments[5]
        .text
        .as_deref()
        .unwrap()
        .ends_with("бас тартады."));
    let app = o.amendments[16].text.as_deref().unwrap();
    assert!(
        app.contains("мемлекеттік көрсетілетін қызмет стандарты"),
        "{app:.200}"
    );
    assert!(o
        .entry_into_force
        .as_deref()
        .unwrap()
        .contains("қолданысқа енгізіледі"));
}

// Seed 003 (kk, order № 343 of 28.07.2022 amending order № 158 of 24.04.2020), hand count: 7,
// in four approved documents (each lead-in switches the document):
//  D1 "Жетім балаға … қамқоршылық немесе қорғаншылық белгілеу" rules:
//    1 insert point 15-1;  2 replace appendix 2 (by the order's appendix 1)
//  D2 "Баланы (балаларды) патронаттық тәрбиелеуге беру …" rules:
//    3 replace point 12;   4 replace appendix 2 (by the order's appendix 2)
//  D3 "Баланы (балаларды) қабылдаушы отбасына тәрбиелеуге беру …" rules:
//    5 replace point 12;   6 replace appendix 2 (by the order's appendix 3)
//  D4 "Он жасқа толған баланың пікірін ескеру …" rules:
//    7 replace point 5
#[test]
fn seed_003_kk_several_documents() {
    let o = parse_order(&seed("003_814b87d5786cfbf5")).unwrap();
    assert_eq!(o.header.number, "343");
    assert_eq!(o.header.date, NaiveDate::from_ymd_opt(2022, 7, 28));
    assert_eq!(
        o.target
            .as_ref()
            .unwrap()
            .registration
            .as_ref()
            .unwrap()
            .number,
        "20478"
    );
    let d1 = Some("Жетім балаға (жетім балаларға) және ата-анасының қамқорлығынсыз қалған балаға (балаларға) қамқоршылық немесе қорғаншылық белгілеу мемлекеттік қызметті көрсету қағидалары");
    let d2 = Some("Баланы (балаларды) патронаттық тәрбиелеуге беру");
    let d3 = Some("Баланы (балаларды) қабылдаушы отбасына тәрбиелеуге беру және оларды асырауға ақшалай қаражат төлеуді тағайындау мемлекеттік қызметті көрсету қағидалары");
    let d4 = Some("Он жасқа толған баланың п");
    let exp: Vec<Exp> = vec![
        (Op::Insert, "point:15-1", d1),
        (Op::Replace, "appendix:2", d1),
        (Op::Replace, "point:12", d2),
        (Op::Replace, "appendix:2", d2),
        (Op::Replace, "point:12", d3),
        (Op::Replace, "appendix:2", d3),
        (Op::Replace, "point:5", d4),
    ];
    check(
        &o,
        ("158", NaiveDate::from_ymd_opt(2020, 4, 24).unwrap()),
        &exp,
    );
    for k in [2, 4, 6] {
        let d = o.amendments[k].document.as_deref().unwrap();
        assert!(
            d.ends_with("мемлекеттік қызметті көрсету қағидалары"),
            "{d}"
        );
    }
    // Each appendix replacement takes its own appendix of the order.
    let nums: Vec<&str> = o.appendices.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(nums, ["1", "2", "3"]);
    assert!(o.amendments[1]
        .text
        .as_deref()
        .unwrap()
        .contains("Жетім балаға"));
    assert!(o.amendments[3]
        .text
        .as_deref()
        .unwrap()
        .contains("патронаттық тәрбиелеуге"));
    assert!(o.amendments[5]
        .text
        .as_deref()
        .unwrap()
        .contains("қабылдаушы отбасына"));
}

// Seed 004 (kk, order № 586 of 10.12.2021 amending order № 209 of 18.05.2020), moved-link
// artefact on every instruction line, hand count: 7, all in the apostille rules:
//  1 replace point 2;  2 replace point 4;  3 replace point 10;  4 replace point 11;
//  5 replace point 17; 6 replace point 18; 7 replace appendix 1 (by the order's appendix)
#[test]
fn seed_004_kk_with_moved_links() {
    let o = parse_order(&seed("004_c501787c74ae2a74")).unwrap();
    assert_eq!(o.header.number, "586");
    assert_eq!(o.header.date, NaiveDate::from_ymd_opt(2021, 12, 10));
    assert_eq!(o.header.registration.as_ref().unwrap().number, "25911");
    assert_eq!(
        o.target
            .as_ref()
            .unwrap()
            .registration
            .as_ref()
            .unwrap()
            .number,
        "20668"
    );
    let d = Some("Білім беру ұйымдарынан шығатын ресми құжаттарды апостильдеу мемлекеттік қызмет көрсету қағидалары");
    let mut exp: Vec<Exp> = [
        "point:2", "point:4", "point:10", "point:11", "point:17", "point:18",
    ]
    .iter()
    .map(|p| (Op::Replace, *p, d))
    .collect();
    exp.push((Op::Replace, "appendix:1", d));
    check(
        &o,
        ("209", NaiveDate::from_ymd_opt(2020, 5, 18).unwrap()),
        &exp,
    );
    assert_eq!(o.amendments[0].document.as_deref(), d);
    let app = o.amendments[6].text.as_deref().unwrap();
    assert!(
        app.contains("мемлекеттік көрсетілетін қызмет стандарты"),
        "{app:.200}"
    );
}

/// A natural-order Russian order exercising the word grammar, lists and nested targets.
#[test]
fn synthetic_ru_word_changes_and_lists() {
    let text = "О внесении изменений в приказ Министра от 1 марта 2020 года № 10\n\nПриказ Министра юстиции Республики Казахстан от 2 апреля 2021 года № 55. Зарегистрирован в Министерстве юстиции Республики Казахстан 3 апреля 2021 года № 22222\n\nПРИКАЗЫВАЮ:\n1. Внести в приказ Министра юстиции Республики Казахстан от 1 марта 2020 года № 10 \"Об утверждении Правил учета\" (зарегистрирован в Реестре государственной регистрации нормативных правовых актов под № 11111) следующие изменения:\nзаголовок изложить в следующей редакции:\n\"Об утверждении Правил учета и отчетности\";\nв Правилах учета, утвержденных указанным приказом:\nпункты 3 и 5 исключить;\nв пункте 7 слова «на бумажном носителе» заменить словами «в электронной форме», слова «лично» исключить;\nподпункт 2) пункта 8 изложить в следующей редакции:\n\"2) в электронной форме;\";\nпункт 9 дополнить подпунктом 4-1) следующего содержания:\n\"4-1) через портал;\";\nпо всему тексту слова «орган» заменить словами «уполномоченный орган»;\nв пункте 10 после слов «в течение» дополнить словами «пяти рабочих»;\n2. Признать утратившим силу приказ Министра юстиции Республики Казахстан от 5 мая 2015 года № 7.\n3. Настоящий приказ вводится в действие со дня его первого официального опубликования.\n";
    let o = parse_order(text).unwrap();
    let got: Vec<(Op, String, Option<String>, Option<String>)> = o
        .amendments
        .iter()
        .map(|a| {
            (
                a.op,
                path_to_string(&a.unit),
                a.words_old.clone(),
                a.words_new.clone(),
            )
        })
        .collect();
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        got,
        vec![
            (Op::Replace, "title".into(), None, None),
            (Op::Repeal, "point:3".into(), None, None),
            (Op::Repeal, "point:5".into(), None, None),
            (
                Op::ReplaceWords,
                "point:7".into(),
                s("на бумажном носителе"),
                s("в электронной форме")
            ),
            (Op::DeleteWords, "point:7".into(), s("лично"), None),
            (Op::Replace, "point:8/subpoint:2".into(), None, None),
            (Op::Insert, "point:9/subpoint:4-1".into(), None, None),
            (
                Op::ReplaceWords,
                "".into(),
                s("орган"),
                s("уполномоченный орган")
            ),
            (
                Op::InsertWords,
                "point:10".into(),
                s("в течение"),
                s("пяти рабочих")
            ),
            (Op::RepealAct, "".into(), None, None),
        ]
    );
    assert_eq!(o.amendments[0].document, None);
    assert_eq!(
        o.amendments[0].text.as_deref(),
        Some("Об утверждении Правил учета и отчетности")
    );
    assert_eq!(o.amendments[1].document.as_deref(), Some("Правила учета"));
    assert_eq!(
        o.amendments[5].text.as_deref(),
        Some("2) в электронной форме;")
    );
    assert_eq!(o.amendments[9].act.number, "7");
    assert!(o.unparsed.is_empty(), "{:?}", o.unparsed);
    assert!(o
        .entry_into_force
        .as_deref()
        .unwrap()
        .contains("со дня его первого"));
    let json = serde_json::to_value(o.split_json()).unwrap();
    assert_eq!(json["order"]["number"], "55");
    assert_eq!(json["amendments"][3]["op"], "replace_words");
    assert_eq!(json["amendments"][5]["unit"][1]["kind"], "subpoint");
}

/// Kazakh word changes and an instruction the grammar does not know (reported, not dropped).
#[test]
fn synthetic_kk_words_and_unparsed() {
    let text = "Бұйрыққа өзгерістер енгізу туралы\n\nҚазақстан Республикасы Әділет министрінің 2021 жылғы 2 сәуірдегі № 55 бұйрығы. Қазақстан Республикасының Әділет министрлігінде 2021 жылғы 3 сәуірде № 22222 болып тіркелді\n\nБҰЙЫРАМЫН:\n1. \"Қағидаларды бекіту туралы\" Қазақстан Республикасы Әділет министрінің 2020 жылғы 1 наурыздағы № 10 бұйрығына мынадай өзгерістер енгізілсін:\nкөрсетілген бұйрықпен бекітілген Есеп жүргізу қағидаларында:\n4-тармақтағы «қағаз» деген сөз «электрондық» деген сөзбен ауыстырылсын;\n3-тармақтың екінші абзацы алып тасталсын;\n5-тармақтың 2) тармақшасы мынадай редакцияда жазылсын:\n\"2) портал арқылы;\";\nбүкіл мәтін бойынша «орган» деген сөз алып тасталсын;\n6-тармақ мүлдем басқаша жазылсын;\n2. Осы бұйрық алғашқы ресми жарияланған күнінен кейін күнтізбелік он күн өткен соң қолданысқа енгізіледі.\n";
    let o = parse_order(text).unwrap();
    let got: Vec<(Op, String)> = o
        .amendments
        .iter()
        .map(|a| (a.op, path_to_string(&a.unit)))
        .collect();
    assert_eq!(
        got,
        vec![
            (Op::ReplaceWords, "point:4".into()),
            (Op::Repeal, "point:3/indent:2".into()),
            (Op::Replace, "point:5/subpoint:2".into()),
            (Op::DeleteWords, "".into()),
        ]
    );
    assert_eq!(
        o.amendments[0].document.as_deref(),
        Some("Есеп жүргізу қағидалары")
    );
    assert_eq!(o.amendments[2].text.as_deref(), Some("2) портал арқылы;"));
    assert_eq!(o.unparsed.len(), 1);
    assert_eq!(o.unparsed[0].line, 13);
}

#[test]
fn not_an_order_is_an_error() {
    assert!(parse_order("").is_err());
    assert!(parse_order("просто текст без реквизитов").is_err());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
    #[test]
    fn never_panics(s in "(?s).{0,400}") {
        let _ = parse_order(&s);
    }

    #[test]
    fn never_panics_on_order_like_text(
        parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "ПРИКАЗЫВАЮ:\n", "1. Внести в приказ от 1 марта 2020 года № 10 изменения:\n",
                "пункт 5 изложить в новой редакции:\n", "\"5. Текст \"", "\";\n", "«", "»",
                "       изложить в новой редакции:пункт 12\n", "2-қосымша осы бұйрыққа 1-қосымшаға сәйкес жаңа редакцияда жазылсын;\n",
                "Приказ Министра от 2 апреля 2021 года № 55.\n", "бұйрығына\n", "қосымша\n",
                "Приложение к приказу\n", "  ", "\n", "слова «а» заменить словами «б»;\n", "5 және 6-тармақтар",
                "2. Настоящий приказ вводится в действие\n", "абзац второй  изложить в новой редакции:пункта 3\n",
            ]),
            0..40,
        )
    ) {
        let s: String = parts.concat();
        let _ = parse_order(&s);
    }
}

/// A lead-in, a quoted title and an instruction on one line (the colon inside quotes must not
/// split it).
#[test]
fn inline_leadin_and_instruction() {
    let text = "Заголовок\n\nПриказ Министра от 2 апреля 2021 года № 55.\n\nПРИКАЗЫВАЮ:\n1. Внести в приказ Министра от 1 марта 2020 года № 10 \"Об утверждении: Правил\" следующее изменение: в Правилах учета, утвержденных указанным приказом: пункт 4 исключить.\n2. Настоящий приказ вводится в действие со дня опубликования.\n";
    let o = parse_order(text).unwrap();
    assert_eq!(o.amendments.len(), 1, "{:?}", o.amendments);
    assert_eq!(o.amendments[0].op, Op::Repeal);
    assert_eq!(o.amendments[0].document.as_deref(), Some("Правила учета"));
    assert_eq!(path_to_string(&o.amendments[0].unit), "point:4");
}
