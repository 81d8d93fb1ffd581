//! OCR garble repair (Cyrillic read by an English OCR): decoding, detection, line structure and
//! the repaired first page of seed 002 (reviewed by eye: fluent Kazakh with a few word errors).

use zan::model::Lang;
use zan::repair::{ocr, repair_text};

fn kk(s: &str) -> String {
    ocr::repair_line(s, Lang::Kk).0
}

#[test]
fn decodes_the_issue_examples() {
    assert_eq!(kk("KbI3MeT KOpCeTy"), "қызмет көрсету");
    assert_eq!(kk("Oepy >KoHe KbI3MeT"), "беру және қызмет");
    assert_eq!(
        kk("Ka3akctaH PecnyOsukacbi 3aHbI"),
        // Title as the corpus writes a law after the state's name.
        "Қазақстан Республикасы Заңы"
    );
    assert_eq!(
        ocr::repair_line("BHeCceHuu u3MeHeHuii B NpuKa3", Lang::Ru).0,
        "внесении изменений в приказ"
    );
}

#[test]
fn clean_text_and_real_latin_stay() {
    for s in [
        "порталы www.egov.kz арқылы SMS хабарлама",
        "сервисе Bilim мобильного приложения mGov, e-mail: info@edu.gov.kz",
        "Глава II. Порядок оказания государственной услуги",
        "2020 жылғы 18 мамырдағы № 209 бұйрығы",
        "www.egov.kz",
        "e-mail: info@edu.gov.kz",
    ] {
        assert_eq!(ocr::repair_line(s, Lang::Kk).0, s);
        assert_eq!(ocr::repair_line(s, Lang::Ru).0, s);
    }
}

#[test]
fn keeps_lines_and_counts_tokens() {
    let t = "KbI3MeT KOpCeTy\n\nwww.egov.kz\r\nмемлекеттік қызмет\n";
    let r = repair_text(t, Some(Lang::Kk));
    assert_eq!(r.text.lines().count(), t.lines().count());
    assert_eq!(
        r.text,
        "қызмет көрсету\n\nwww.egov.kz\r\nмемлекеттік қызмет\n"
    );
    assert_eq!(r.report.ocr_tokens, 2);
}

#[test]
fn seed_002_first_page() {
    let raw = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/orders/002_e7f73df5011e2bee.txt"
    ))
    .unwrap();
    let expected = include_str!("fixtures/ocr/002-page1.txt");
    let page: String = raw
        .lines()
        .take(expected.lines().count())
        .map(|l| format!("{l}\n"))
        .collect();
    let r = repair_text(&page, None);
    assert_eq!(
        r.lang,
        Lang::Kk,
        "a garbled Kazakh text is detected as Kazakh"
    );
    assert_eq!(r.text, expected);
}

/// A Kazakh line after one that stops on a small letter goes on with the sentence: its first
/// word keeps a small letter though the OCR wrote `т` as `T` (act 146415, a dev line).
#[test]
fn wrapped_kazakh_line_keeps_its_small_first_letter() {
    let before = "(көмектің) сапасына сараптама жүргізу үшін";
    let line = "Toyeci3s capanlbiiap Men OeHiHdi MaMaHJapAbl";
    let (after_word, _) = ocr::repair_line_after_lang(line, Some(before), Lang::Kk);
    assert!(after_word.starts_with("тәуелсіз "), "{after_word}");
    let (after_stop, _) = ocr::repair_line_after_lang(line, Some("үшін."), Lang::Kk);
    assert!(after_stop.starts_with("Тәуелсіз "), "{after_stop}");
}

/// A line after one that ends a list item (`;`) opens a new paragraph with a capital, though the
/// OCR writes small к as `K` (act 105095, a dev line); after a wrapped line it stays small; after
/// a short line with no sign, one that had room for the first word, it opens a paragraph too.
#[test]
fn a_line_after_a_list_item_opens_with_a_capital() {
    let line = "KouvuecTBO XXWIBIX KOMHAT MpomvicaHbl (NOCTOAHHO,";
    let (after_item, _) = ocr::repair_line_after_lang(line, Some("родительских прав;"), Lang::Ru);
    assert!(after_item.starts_with("Количество "), "{after_item}");
    let wrapped = "не лишенных родительских прав и не ограниченных в правах";
    let (after_word, _) = ocr::repair_line_after_lang(line, Some(wrapped), Lang::Ru);
    assert!(after_word.starts_with("количество "), "{after_word}");
    let (after_label, _) = ocr::repair_line_after_lang(line, Some("Место работы"), Lang::Ru);
    assert!(after_label.starts_with("Количество "), "{after_label}");
}

/// Letters the OCR drops seldom (`и`: 1 in 116) are still dropped letters to the fuzzy search:
/// `Ip` is при, `TOMO` is помощи (act 146415, dev lines).
#[test]
fn rarely_dropped_letters_are_found() {
    for (garbled, clean) in [
        (
            "CHCTeMBI Ip paccMoTpeHuH oOpalleHuit, B TOM",
            "системы при рассмотрении обращений, в том",
        ),
        (
            "KavecTBa MCJMIMHCKMX YCryT (TOMO)",
            "качества медицинских услуг (помощи)",
        ),
    ] {
        assert_eq!(ocr::repair_line(garbled, Lang::Ru).0, clean);
    }
}

#[test]
fn the_ocrs_curly_quotes_are_the_prints_straight_ones() {
    // Renders of training acts written with straight quotes, as Adilet's text exports write
    // them: the English OCR reads about one `"` in ten as `“`, `”` or `"”`. Through the whole
    // pipeline: a lone `“` before Latin letters is no mojibake capital either.
    let r = repair_text(
        "“Tipapin paccneqopaHHA Cry4aeB MH(PeCKUMOHHEIX H\n3upaBooxpaHeHnn” TIPAKA3bIBAIO:\n",
        Some(Lang::Ru),
    );
    assert_eq!(
        r.text,
        "\"Правил расследования случаев инфекционных и\nздравоохранения\" ПРИКАЗЫВАЮ:\n"
    );
    assert_eq!(r.report.mojibake_lines, 0);
}

#[test]
fn a_russian_texts_dash_between_words_is_the_en_dash_it_writes() {
    // Garble of acts no model trains on (dev4, not seeds). The OCR reads two `–` in three as
    // `—` and the rest as `-`: beside `—` elsewhere in the text, a lone `-` is `–` too.
    let text =
        "TOBapoB (Jasee — IIpapnia) paspa6oTaHbl B\n5) Kputepun “Tlepnog ocyuectanenua BOY\" -\n";
    let r = repair_text(text, Some(Lang::Ru));
    let last = r.text.lines().nth(1).unwrap_or_default();
    assert!(last.ends_with("\" –"), "{}", r.text);
    assert!(
        r.text.starts_with("товаров (далее – Правила)"),
        "{}",
        r.text
    );
    // Alone, with nothing to say the text writes `–`, the `-` stays: a text that writes `-`
    // shows no `—`.
    let alone = ocr::repair_line("5) Kputepun “Tlepnog ocyuectanenua BOY\" -", Lang::Ru).0;
    assert!(alone.ends_with("\" -"), "{alone}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
    /// Garble with every quote and dash glyph the OCR makes, anywhere in a token: the quote and
    /// dash readings never panic and keep the lines.
    #[test]
    fn garble_with_quotes_and_dashes_keeps_its_lines(
        s in "[A-Za-z0-9 \"“”„'‘’`«»<>—–\\-\n().,;:]{0,100}"
    ) {
        for lang in [Lang::Ru, Lang::Kk] {
            let r = repair_text(&s, Some(lang));
            proptest::prop_assert_eq!(r.text.split('\n').count(), s.split('\n').count());
        }
    }
}

/// A line's last word is read with the next line's first (dev4n, a narrow render of an act no
/// model trains on; not a seed): `Tepes` alone reads `перед`, before `Государственную` `через`.
#[test]
fn a_line_reads_its_last_word_with_the_next_lines_first() {
    let t = "OCMOTPa H JOCMOTPa NepeMellaeMbIX Tepes\nCocygapcrsenuyto rpanuuy Pecny6nuku\n";
    let r = repair_text(t, Some(Lang::Ru));
    assert_eq!(
        r.text,
        "осмотра и досмотра перемещаемых через\nГосударственную границу Республики\n"
    );
}

/// The next line's first word is the case context of this line's last (dev4, an act no model
/// trains on; not a seed): the Tax Code's name, `Налогового` before `кодекса`.
#[test]
fn a_lines_last_word_takes_its_case_from_the_next_line() {
    let alone = repair_text("NYHKTOM 9 cTaTbH 456 Hanorosoro\n", Some(Lang::Ru));
    assert_eq!(alone.text, "пунктом 9 статьи 456 налогового\n");
    let r = repair_text(
        "NYHKTOM 9 cTaTbH 456 Hanorosoro\nKomekca B TeyeHHe 15\n",
        Some(Lang::Ru),
    );
    assert!(
        r.text.starts_with("пунктом 9 статьи 456 Налогового\n"),
        "{}",
        r.text
    );
}

/// A long repair tells its progress line by line, and the text is the same as without.
#[test]
fn repair_tells_its_progress_line_by_line() {
    let t = "KbI3MeT KOpCeTy\n\nwww.egov.kz\r\nмемлекеттік қызмет";
    let mut seen = Vec::new();
    let r = zan::repair::repair_text_with(t, Some(Lang::Kk), &mut |done, total| {
        seen.push((done, total))
    });
    assert_eq!(seen, vec![(1, 4), (2, 4), (3, 4), (4, 4)]);
    assert_eq!(r.text, repair_text(t, Some(Lang::Kk)).text);
}

/// A word the text has read clearly speaks for a later garble of it (dev4, an act no model
/// trains on; not a seed): `WaTH` alone reads `пяти`, after a line that reads `даты` without
/// doubt it reads `даты`. The memory follows the text: the clear line after the garbled one
/// does not change it.
#[test]
fn a_word_the_text_read_clearly_speaks_for_its_later_garble() {
    let clear =
        "yCTpaHeHveM HapylieHnii B Teyenve 15 (naTHaquaTH) KayleHdapHblx WHet C WaTbI NOLyYeHHA";
    let unclear = "WaTH H BDCMCHH B HacTpoiikax, a Take B YCTA€HOBKe";
    let alone = repair_text(unclear, Some(Lang::Ru)).text;
    assert_eq!(alone, "пяти и времени в настройках, а также в установке");
    let after = repair_text(&format!("{clear}\n{unclear}"), Some(Lang::Ru)).text;
    assert_eq!(
        after,
        "устранением нарушений в течение 15 (пятнадцати) календарных дней с даты получения\n\
         даты и времени в настройках, а также в установке"
    );
    let before = repair_text(&format!("{unclear}\n{clear}"), Some(Lang::Ru)).text;
    assert!(before.starts_with(&format!("{alone}\n")), "{before}");
}

/// A word pair the text has read clearly speaks for a later garble of it (dev4q, an act no model
/// trains on; not a seed). The text has read both `операций` and `операции`; `таможенные
/// операции` once, so the garble after `таможенные` reads `операции`, which the line alone does
/// not.
#[test]
fn a_word_pair_the_text_read_clearly_speaks_for_its_later_garble() {
    let lines = [
        "TIPHOCTAHOBJICHHH PaCXODHbIx onepalHu T1o",
        "Koyekca, B OTHOMeHHH Jima, COBEpMaloMlero TAMOXeHHEIC Olepaluy;",
        "COBEpIatOluM TaMOKECHHbIE OMe pally;",
    ];
    let alone = repair_text(lines[2], Some(Lang::Ru)).text;
    assert_eq!(alone, "совершающим таможенные операций;");
    let r = repair_text(&lines.join("\n"), Some(Lang::Ru)).text;
    let out: Vec<&str> = r.lines().collect();
    assert!(
        out[0].starts_with("приостановлении расходных операций "),
        "{r}"
    );
    assert_eq!(
        out[1],
        "Кодекса, в отношении лица, совершающего таможенные операции;"
    );
    assert_eq!(out[2], "совершающим таможенные операции;");
}

/// A Kazakh line that goes on from a small letter takes the line before's last word as the word
/// before for its first word's case (dev4q, an act no model trains on; not a seed): alone the
/// line reads `Кодексі)`, after `(бұдан әрі – Салық` it reads the Tax Code's `кодексі)`.
#[test]
fn a_kazakh_lines_first_word_takes_its_case_after_the_line_befores_last() {
    let (before, line) = (
        "2*KeNTOKCaHAaFbl Kopekcinin (OygqaH epi - Casbik",
        "KoeKci) 22-6a6n1 15-Tapmarbina colikec a3ipnenzi",
    );
    let (alone, out) = alone_and_after(before, line, Lang::Kk);
    assert!(alone.starts_with("Кодексі) 22-бабы"), "{alone}");
    assert!(out[0].ends_with("(бұдан әрі - Салық"), "{out:?}");
    assert!(out[1].starts_with("кодексі) 22-бабы"), "{out:?}");
}

/// A Russian line after one that stops on a preposition goes on with its sentence (dev4n, an act
/// no model trains on; not a seed): `продаже` after `по`, where a line start reads `Продаже`.
#[test]
fn a_russian_line_after_a_preposition_goes_on_in_small_letters() {
    let line = "Tipog@ke HMylWecTBa FOJLUKHUKa";
    let alone = repair_text(line, Some(Lang::Ru)).text;
    assert_eq!(alone, "Продаже имущества должника");
    let r = repair_text(
        &format!("INEKTPOHHOLO aYKLIMVOHA NO\n{line}"),
        Some(Lang::Ru),
    );
    assert_eq!(
        r.text,
        "электронного аукциона по\nпродаже имущества должника"
    );
}

/// A term the text defines in capitals keeps them later (an act of dev4, no model trains on
/// it, rendered whole as for dev5; not a seed): after `(далее – Национальная`, `Национальной палатой`, which the line
/// alone reads small, as the training text mostly writes it.
#[test]
fn a_term_the_text_defines_keeps_its_capital() {
    let line = "Ww HalMonanbHoit naiatoit npexanpHHuMateneii";
    let definition = "TIpequpHuHMateeH Pecny6maku Ka3zaxctay (gasee — HanwonambHad";
    let (alone, out) = alone_and_after(definition, line, Lang::Ru);
    assert!(alone.contains("национальной палатой"), "{alone}");
    assert!(out[0].ends_with("(далее – Национальная"), "{out:?}");
    assert!(out[1].contains("Национальной палатой"), "{out:?}");
}

/// An acronym is in no lexicon, so its garble reads as a short word (`YMK` as `упк`) until the
/// text defines it: there its letters are the initials of the words before the bracket, and
/// later garble of it reads as the acronym. Lines of act 99760 (dev3, never trained on).
#[test]
fn an_acronym_the_text_defines_reads_its_later_garble() {
    let use_line = "yue6Hukos u YMK (pu Hanuuun) no 5 neKaopa.";
    let definition = "4) yae6Ho-MeToqHYeCKHH KomimeKc (YMK) - COBOKYHHOCTb y4¥eOHEIX H";
    let (alone, out) = alone_and_after(definition, use_line, Lang::Ru);
    assert!(!alone.contains("УМК"), "{alone}");
    assert!(
        out[0].contains("учебно-методический комплекс (УМК)"),
        "{out:?}"
    );
    assert!(out[1].starts_with("учебников и УМК"), "{out:?}");
}

/// `line` repaired alone, and the lines of `before` then `line` repaired as one text.
fn alone_and_after(before: &str, line: &str, lang: Lang) -> (String, Vec<String>) {
    let alone = repair_text(line, Some(lang)).text;
    let r = repair_text(&format!("{before}\n{line}"), Some(lang)).text;
    (alone, r.lines().map(String::from).collect())
}

/// A definition's phrase may begin two lines up (`обязательных` / `пенсионных взносов
/// работодателя` / `(далее – ОПВР)`), and the bracket the garble closes stays. Lines of act
/// 178002 (dev4n, never trained on).
#[test]
fn an_acronyms_phrase_is_read_from_the_lines_before() {
    let lines = "(qanee — OTIB), o6a3aTenpHbrx\nN€HCHOHHEIX BIHOCOB paGoTroraTesin\n(aautee — OTTBP), conmaybHHx";
    let r = repair_text(lines, Some(Lang::Ru)).text;
    assert!(
        r.lines()
            .nth(2)
            .is_some_and(|l| l.starts_with("(далее – ОПВР), социальных")),
        "{r}"
    );
}

/// An acronym no text defines (the lines are sampled, or an amending order uses its base
/// act's) is read as the channel spells its garble, not as the short word the lexicon
/// offers (`клеим`, `опций`, `опыт`). Lines of acts never trained on (dev4, dev4q).
#[test]
fn an_acronym_no_text_defines_reads_as_the_channel_spells_it() {
    let r = repair_text(
        "MuuuctTepctsom u KIICuCY no mepe aktyanu3ayuu MeToquku.\n\
         ymulaweHHLx cyMM OIIB, OITBP, CO 1 BOCMC",
        Some(Lang::Ru),
    )
    .text;
    let lines: Vec<&str> = r.lines().collect();
    assert_eq!(
        lines[0],
        "Министерством и КПСиСУ по мере актуализации Методики."
    );
    assert!(lines[1].starts_with("уплаченных сумм ОПВ, ОПВР,"), "{r}");
}

/// A digit token is also each word the training pairs read it as, though the channel alone
/// does not spell it: `0` for `по` (its `п` lost), which the word pairs then choose over `о`.
/// Lines of acts never trained on (dev3 99760, dev4q).
#[test]
fn a_digit_token_can_be_a_word_the_channel_loses_a_letter_of() {
    let r = repair_text(
        "BOSJIOMKUThb Ha Ilpeqceyatena KomutTeta 0 KOHTPOJIEO B\n\
         NpHMeHeHwHHe Mep 0 o6ecne4ueHHi0 B3bICKaHHA",
        Some(Lang::Ru),
    )
    .text;
    let lines: Vec<&str> = r.lines().collect();
    assert!(lines[0].ends_with("Комитета по контролю в"), "{r}");
    assert!(lines[1].ends_with("мер по обеспечению взыскания"), "{r}");
}

/// A lone sign between the words of a garbled line is read as the one-letter word its glyph
/// stands for where the word pairs say so (`¢` = с). Lines of acts never trained on (dev4q,
/// dev5).
#[test]
fn a_lone_sign_reads_as_a_one_letter_word() {
    let r = repair_text(
        "pa3pa6oTaHbl B COOTBETCTBHH ¢ HYHKTOM\nB cooTserTcTBuu ¢ nopnyHKToM 4) nyHkTa 5 craTau",
        Some(Lang::Ru),
    )
    .text;
    let lines: Vec<&str> = r.lines().collect();
    assert_eq!(lines[0], "разработаны в соответствии с пунктом");
    assert!(lines[1].starts_with("В соответствии с подпунктом"), "{r}");
}

/// A word after a number reads with the word before the number too (`от 80 до 100`, not
/// `по`): a line of act never trained on (dev4q).
#[test]
fn a_word_after_a_number_reads_with_the_word_before_it() {
    let r = repair_text("\"BHICOKAA CTEIEHE pucKa\" — oT 80 no 100.", Some(Lang::Ru)).text;
    assert!(r.ends_with("от 80 до 100."), "{r}");
}

/// A Kazakh acronym takes its case ending after a hyphen (`ОӘК-мен`): the acronym the text
/// defined reads the part before it. Lines of act 99760 (dev3, never trained on).
#[test]
fn a_defined_kazakh_acronym_keeps_its_case_ending() {
    let use_line = "Ti36ere eHreH OKYyJIbIKTapMeH, OOK-MeH, OHBIH";
    let definition =
        "Oinim Gepyre apHasiFaH OKy-aficTeMenik KelleH\n(6yaaH epi — OOK) — ezictremenik HycKaynbiK,";
    let (alone, out) = alone_and_after(definition, use_line, Lang::Kk);
    assert!(!alone.contains("ОӘК-мен"), "{alone}");
    assert!(out[1].starts_with("(бұдан әрі – ОӘК)"), "{out:?}");
    assert!(out[2].contains("оқулықтармен, ОӘК-мен, оның"), "{out:?}");
}

/// A small word's garble read as an acronym's letters is the word: in a text that defines `СО`
/// (социальные отчисления), `co` is still `со`.
#[test]
fn a_small_words_garble_is_no_acronym_the_text_defined() {
    let lines = "социальных отчислений (далее – СО) и\nB COOTBETCTBMM co cTaTbeit 5 3akoHa";
    let r = repair_text(lines, Some(Lang::Ru)).text;
    assert!(
        r.lines()
            .nth(1)
            .is_some_and(|l| l.contains("соответствии со статьей")),
        "{r}"
    );
}
