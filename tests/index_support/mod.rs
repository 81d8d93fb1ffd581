//! Shared fixture of the index and serve tests: act 142971 (MES order № 209 of 18.05.2020,
//! registered № 20668) in both languages, built from units copied from
//! corpus/acts/142971/{rus,kaz}.md.
//!
//! Point 2 of the rules was reworded by order № 586 of 10.12.2021 (footnote in both texts),
//! which added subpoint 3) "сервис цифровых документов"; its earlier wording is not in the
//! corpus, so the old version here is the current one without that subpoint.
#![allow(dead_code)]

use chrono::NaiveDate;
use std::path::Path;
use zan::consolidate::ConsolidatedAct;
use zan::index::{build_index, IndexSummary};
use zan::model::{
    EventKind, HistoryEvent, Lang, OrderCite, UnitKind, UnitRef, UnitStatus, UnitVersion,
};

pub const ACT_ID: &str = "V2000020668";

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Base order in force (estimated: registration + publication + 10 days).
pub fn base_from() -> NaiveDate {
    d(2020, 6, 2)
}

/// Order № 586 in force (estimated).
pub fn amend_from() -> NaiveDate {
    d(2022, 1, 3)
}

fn order_586() -> OrderCite {
    OrderCite {
        number: "586".into(),
        date: Some(d(2021, 12, 10)),
        issuer: Some("и.о. Министра образования и науки РК".into()),
    }
}

const RU_TITLE: &str = "Об утверждении Правил оказания государственной услуги «Апостилирование официальных документов, исходящих из организаций образования»";
const RU_DOC: &str = "Правила оказания государственной услуги «Апостилирование официальных документов, исходящих из организаций образования»";
const RU_P1: &str = "1. Настоящие Правила оказания государственной услуги «Апостилирование официальных документов, исходящих из организаций образования» (далее – государственная услуга), разработаны в соответствии с подпунктом 1) статьи 10 Закона Республики Казахстан от 15 апреля 2013 года «О государственных услугах» и постановлением Правительства Республики Казахстан от 24 апреля 2001 года № 545 «О мерах по реализации положений Конвенции, отменяющей требование легализации иностранных официальных документов, совершенной в городе Гааге 5 октября 1961 года», и определяют порядок и условия проставления апостиля.";
const RU_P2_HEAD: &str = "2. В настоящих Правилах оказания государственной услуги «Апостилирование официальных документов, исходящих из организаций образования» используются следующие определения:
1) апостиль – специальный штамп, удостоверяющий подлинность подписи лица, подписавшего документ, и подтверждение его полномочий, а также подлинность печати или штампа, которыми скреплен этот документ;
2) стандарт государственной услуги – перечень основных требований к оказанию государственной услуги, включающий характеристики процесса, форму, содержание и результат оказания, а также иные сведения с учетом особенностей предоставления государственной услуги.";
const RU_P2_SUB3: &str = "3) сервис цифровых документов – объект информационно-коммуникационной инфраструктуры «электронного правительства», закрепленный за оператором и предназначенный для создания, хранения и использования электронных документов в целях реализации государственных функций и вытекающих из них государственных услуг, а также при взаимодействии с физическими и юридическими лицами, получении и оказании услуг в электронной форме.";
const RU_P3: &str = "3. Целью процедуры проставления апостиля является обеспечение гарантии подлинности и надлежащего оформления апостилируемых документов, предназначенных для действия на территории стран-участниц Гаагской конвенции.";

const KK_TITLE: &str = "«Білім беру ұйымдарынан шығатын ресми құжаттарды апостильдеу» мемлекеттік қызмет көрсету қағидаларын бекіту туралы";
const KK_DOC: &str = "«Білім беру ұйымдарынан шығатын ресми құжаттарды апостильдеу» мемлекеттік қызмет көрсету қағидалары";
const KK_P1: &str = "1. Осы «Білім беру ұйымдарынан шығатын ресми құжаттарды апостильдеу» мемлекеттік қызмет көрсету қағидалары (бұдан әрі – мемлекеттік көрсетілетін қызмет) «Мемлекеттік көрсетілетін қызметтер туралы» 2013 жылғы 15 сәуірдегі Қазақстан Республикасы Заңының 10-бабының 1) тармақшасына және «Шетелдік ресми құжаттарды заңдастыруды талап етудің күшін жоятын конвенция (Гаага, 1961 жылғы 5 қазан) ережелерін іске асыру жөніндегі шаралар туралы» Қазақстан Республикасы Үкіметінің 2001 жылғы 24 сәуірдегі № 545 қаулысына сәйкес әзірленген және апостильді қою тәртібі мен шарттарын айқындайды.";
const KK_P2_HEAD: &str = "2. Осы «Білім беру ұйымдарынан шығатын ресми құжаттарды апостильдеу» мемлекеттік қызмет көрсету қағидаларында мынадай анықтамалар пайдаланылады:
1) апостиль – құжаттамаға қол қойған адамның қолын және оның өкiлеттiктерiн, сондай-ақ осы құжат бекiтiлген мөрдiң немесе мөртаңбаның түпнұсқалылығын растайтын арнайы мөртаңба;
2) мемлекеттік көрсетілетін қызмет стандарты – мемлекеттік қызмет көрсету ерекшеліктері ескеріле отырып, қызмет көрсету процесінің сипаттамаларын, нысанын, мазмұны мен нәтижесін, сондай-ақ өзге де мәліметтерді қамтитын мемлекеттік қызмет көрсетуге қойылатын негізгі талаптар тізбесі;";
const KK_P2_SUB3: &str = "3) цифрлық құжаттар сервисі – операторға бекітілген және мемлекеттік функцияларды және олардан туындайтын көрсетілген мемлекеттік қызметтерді іске асыру мақсатында, сондай-ақ жеке және заңды тұлғалармен өзара іс-қимыл жасау, электрондық нысанда қызметтер алу және көрсету кезінде электрондық құжаттарды жасауға, сақтауға және пайдалануға арналған «электрондық үкіметтің» ақпараттық-коммуникациялық инфрақұрылымының объектісі.";
/// Typed with Latin `i` for `і` in the corpus, kept as is.
pub const KK_P3: &str = "3. Апостильдi қою рәсiмiнiң мақсаты Гаага конвенциясына мүше-елдердiң аумағында қолдануға арналған апостиленетiн құжаттардың түпнұсқалылығы мен дұрыс ресiмделiнуiне кепiлдiктi қамтамасыз ету болып табылады.";

fn point(n: &str) -> Vec<UnitRef> {
    vec![UnitRef::new(UnitKind::Point, n)]
}

struct Texts {
    lang: Lang,
    title: &'static str,
    doc: &'static str,
    p1: &'static str,
    p2_head: &'static str,
    p2_sub3: &'static str,
    p3: &'static str,
}

fn act(t: Texts) -> ConsolidatedAct {
    let version = |path: Vec<UnitRef>, text: String, from, to, changed_by| UnitVersion {
        act_id: ACT_ID.into(),
        lang: t.lang,
        act_title: t.title.into(),
        document: Some(t.doc.into()),
        path,
        text,
        valid_from: Some(from),
        valid_to: to,
        estimated: true,
        status: UnitStatus::InForce,
        changed_by,
    };
    let event = |path: Vec<UnitRef>, kind, order, effective| HistoryEvent {
        document: Some(t.doc.into()),
        path,
        kind,
        order,
        effective: Some(effective),
        estimated: true,
        source: "footnote".into(),
    };
    ConsolidatedAct {
        id: ACT_ID.into(),
        lang: t.lang,
        title: t.title.into(),
        base_known: true,
        version_date: Some(d(2021, 12, 10)),
        versions: vec![
            version(point("1"), t.p1.into(), base_from(), None, None),
            version(
                point("2"),
                t.p2_head.into(),
                base_from(),
                Some(amend_from()),
                None,
            ),
            version(
                point("2"),
                format!("{}\n{}", t.p2_head, t.p2_sub3),
                amend_from(),
                None,
                Some(order_586()),
            ),
            version(point("3"), t.p3.into(), base_from(), None, None),
        ],
        history: vec![
            event(point("1"), EventKind::Original, None, base_from()),
            event(point("2"), EventKind::Original, None, base_from()),
            event(point("3"), EventKind::Original, None, base_from()),
            event(
                point("2"),
                EventKind::Reworded,
                Some(order_586()),
                amend_from(),
            ),
        ],
        conflicts: vec![],
    }
}

pub fn ru_act() -> ConsolidatedAct {
    act(Texts {
        lang: Lang::Ru,
        title: RU_TITLE,
        doc: RU_DOC,
        p1: RU_P1,
        p2_head: RU_P2_HEAD,
        p2_sub3: RU_P2_SUB3,
        p3: RU_P3,
    })
}

pub fn kk_act() -> ConsolidatedAct {
    act(Texts {
        lang: Lang::Kk,
        title: KK_TITLE,
        doc: KK_DOC,
        p1: KK_P1,
        p2_head: KK_P2_HEAD,
        p2_sub3: KK_P2_SUB3,
        p3: KK_P3,
    })
}

pub fn fixture_acts() -> Vec<ConsolidatedAct> {
    vec![ru_act(), kk_act()]
}

/// Builds the fixture index in `dir`.
pub fn build(dir: &Path) -> IndexSummary {
    build_index(dir, &fixture_acts(), &mut |_, _| {}).expect("index builds")
}
