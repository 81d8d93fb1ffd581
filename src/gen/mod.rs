//! A corpus generator for load tests (`zan gen`, `zan bench search`): acts in Kazakh and
//! Russian with the structure of the real ones (the order's own points, an approved document
//! with chapters, points and subpoints) and an amendment history (reworded points, repealed
//! subpoints, each with its footnote), their text drawn from the real corpus.
//!
//! Text comes from a word-bigram chain trained on the unit texts of the corpus in each
//! language, so word frequencies, word forms and phrases are those of real acts; titles,
//! chapter headings and issuers are taken from the corpus as they are. No crate generates
//! legal text, hence this module.
//!
//! One generated act has two renderings: the corpus form (`meta.yaml`, `rus.md`, `kaz.md`,
//! footnotes listing the amending orders) that the pipeline reads, and the consolidated form
//! (every wording of every unit with its validity interval) that the index builder takes —
//! the corpus form carries only the current wording, the consolidated form also the old ones,
//! which a load test needs (the as-of searches).

use crate::consolidate::ConsolidatedAct;
use crate::model::{
    EventKind, HistoryEvent, Lang, OrderCite, UnitKind, UnitRef, UnitStatus, UnitVersion,
};
use chrono::{Datelike, NaiveDate};
use rustc_hash::FxHashMap;
use std::fmt::Write as _;
use std::path::Path;

/// Word-bigram chain of one language.
#[derive(Debug, Default)]
struct Chain {
    words: Vec<String>,
    /// Words that start a unit's text.
    starts: Vec<u32>,
    /// Followers of each word (with repetition: frequent pairs drawn more often).
    next: Vec<Vec<u32>>,
}

impl Chain {
    fn train(texts: &[String]) -> Chain {
        let mut ids: FxHashMap<String, u32> = FxHashMap::default();
        let mut c = Chain::default();
        let mut id = |c: &mut Chain, w: &str| -> u32 {
            if let Some(&i) = ids.get(w) {
                return i;
            }
            let i = c.words.len() as u32;
            c.words.push(w.to_string());
            c.next.push(Vec::new());
            ids.insert(w.to_string(), i);
            i
        };
        for t in texts {
            let mut prev: Option<u32> = None;
            for w in t.split_whitespace() {
                let i = id(&mut c, w);
                match prev {
                    Some(p) => c.next[p as usize].push(i),
                    None => c.starts.push(i),
                }
                prev = Some(i);
            }
        }
        c
    }

    /// One sentence of `min..max` words, ending at a word that ends a sentence when possible.
    fn sentence(&self, rng: &mut fastrand::Rng, min: usize, max: usize) -> String {
        let mut out = String::new();
        if self.starts.is_empty() {
            return out;
        }
        let mut w = self.starts[rng.usize(..self.starts.len())];
        for n in 0..max {
            let word = &self.words[w as usize];
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
            let ends = word.ends_with('.') || word.ends_with(';');
            if ends && n + 1 >= min {
                return out;
            }
            let next = &self.next[w as usize];
            w = if next.is_empty() || (ends && rng.u8(..4) == 0) {
                self.starts[rng.usize(..self.starts.len())]
            } else {
                next[rng.usize(..next.len())]
            };
        }
        let trimmed = out.trim_end_matches([',', ';', ':', '.']).len();
        out.truncate(trimmed);
        out.push('.');
        out
    }
}

/// What the generator learnt from the corpus.
#[derive(Debug, Default)]
pub struct Vocab {
    ru: Chain,
    kk: Chain,
    /// Act titles (ru, kk), taken as they are.
    titles: Vec<(String, String)>,
    /// Chapter headings (ru, kk).
    chapters: Vec<(String, String)>,
    /// Issuers in the genitive, as in requisites and footnotes (ru "Министра юстиции",
    /// kk "Әділет министрінің").
    issuers: Vec<(String, String)>,
}

/// The unit texts, chapter headings and titles of the corpus's consolidated acts.
pub fn vocab_from_corpus(corpus: &Path) -> anyhow::Result<Vocab> {
    let mut ru_texts = Vec::new();
    let mut kk_texts = Vec::new();
    let mut v = Vocab::default();
    let acts = corpus.join("acts");
    let mut dirs: Vec<_> = std::fs::read_dir(&acts)
        .map_err(|e| anyhow::anyhow!("{}: {e}", acts.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("meta.yaml").is_file())
        .collect();
    dirs.sort();
    for dir in &dirs {
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        let (ru, kk) = (read("rus.md"), read("kaz.md"));
        unit_texts(&ru, &mut ru_texts);
        unit_texts(&kk, &mut kk_texts);
        let heads = |md: &str| -> Vec<String> {
            md.lines()
                .filter_map(|l| l.strip_prefix("### "))
                .filter_map(|h| h.split_once(". ").map(|(_, t)| t.trim().to_string()))
                .collect()
        };
        v.chapters
            .extend(heads(&ru).into_iter().zip(heads(&kk)).take(40));
        if let Ok(meta) = crate::ingest::read_meta(&dir.join("meta.yaml")) {
            if let (Some(r), Some(k)) = (meta.title_ru, meta.title_kk) {
                v.titles.push((r, k));
            }
        }
    }
    anyhow::ensure!(
        !ru_texts.is_empty() && !kk_texts.is_empty(),
        "{}: no act texts to learn from (need acts/<code>/rus.md and kaz.md)",
        acts.display()
    );
    v.ru = Chain::train(&ru_texts);
    v.kk = Chain::train(&kk_texts);
    // The ministries issuing the corpus's acts, in both languages (fixed: the corpus gives
    // them in forms that need a grammar to pair).
    v.issuers = [
        ("Министра юстиции", "Әділет министрінің"),
        ("Министра просвещения", "Оқу-ағарту министрінің"),
        ("Министра здравоохранения", "Денсаулық сақтау министрінің"),
        (
            "Министра образования и науки",
            "Білім және ғылым министрінің",
        ),
        (
            "Министра науки и высшего образования",
            "Ғылым және жоғары білім министрінің",
        ),
        ("Министра финансов", "Қаржы министрінің"),
        (
            "Министра труда и социальной защиты населения",
            "Еңбек және халықты әлеуметтік қорғау министрінің",
        ),
    ]
    .iter()
    .map(|(r, k)| (r.to_string(), k.to_string()))
    .collect();
    if v.chapters.is_empty() {
        v.chapters
            .push(("Общие положения".into(), "Жалпы ережелер".into()));
    }
    Ok(v)
}

/// Texts of points and subpoints (`1. …`, `1) …`) of a corpus markdown file.
fn unit_texts(md: &str, out: &mut Vec<String>) {
    for line in md.lines() {
        let l = line.trim();
        let Some(pos) = l.find(['.', ')']) else {
            continue;
        };
        let (num, rest) = l.split_at(pos);
        if num.is_empty() || num.len() > 4 || !num.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let rest = rest[1..].trim();
        if rest.split_whitespace().count() >= 4 {
            out.push(rest.to_string());
        }
    }
}

/// One amending order of a generated act.
#[derive(Debug, Clone)]
pub struct GenOrder {
    pub number: String,
    pub date: NaiveDate,
    /// Ten days after the date, as the corpus's orders mostly say.
    pub effective: NaiveDate,
}

/// One wording of a unit, in both languages.
#[derive(Debug, Clone)]
pub struct GenWording {
    pub ru: String,
    pub kk: String,
    pub from: NaiveDate,
    /// The amending order; `None` for the original wording.
    pub order: Option<usize>,
    pub repealed: bool,
}

#[derive(Debug, Clone)]
pub struct GenUnit {
    pub path: Vec<UnitRef>,
    /// In the approved document (else the order's own unit).
    pub in_document: bool,
    /// In date order; the last one is in force.
    pub wordings: Vec<GenWording>,
}

/// One generated act.
#[derive(Debug, Clone)]
pub struct GenAct {
    pub code: String,
    pub id: String,
    pub number: String,
    pub date: NaiveDate,
    pub registered: NaiveDate,
    pub registration: u32,
    pub effective: NaiveDate,
    pub issuer: (String, String),
    pub title: (String, String),
    pub document: (String, String),
    pub orders: Vec<GenOrder>,
    pub units: Vec<GenUnit>,
}

impl GenAct {
    /// Unit versions in one language (= documents of the index).
    pub fn unit_versions(&self) -> usize {
        self.units.iter().map(|u| u.wordings.len()).sum()
    }
}

/// Days after `from`, capped at `max`.
fn after(from: NaiveDate, days: u32, max: NaiveDate) -> NaiveDate {
    (from + chrono::TimeDelta::days(days as i64)).min(max)
}

/// The `i`-th act of the corpus seeded by `seed`: the same (seed, i) always gives the same act.
pub fn gen_act(v: &Vocab, seed: u64, i: usize) -> GenAct {
    let mut rng = fastrand::Rng::with_seed(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ i as u64);
    let last_day = NaiveDate::from_ymd_opt(2025, 12, 31).expect("valid date");
    let date = NaiveDate::from_ymd_opt(2010, 1, 1).expect("valid date")
        + chrono::TimeDelta::days(rng.i64(0..365 * 14));
    let registered = after(date, rng.u32(3..40), last_day);
    let effective = after(registered, 10, last_day);
    let registration = 10_000 + i as u32;
    let id = format!(
        "V{:02}{:0>8}",
        registered.year().rem_euclid(100),
        registration
    );
    let issuer = v.issuers[rng.usize(..v.issuers.len())].clone();
    let base = &v.titles[rng.usize(..v.titles.len())];
    // Titles repeat across acts in a big corpus, as in the real one ("Об утверждении Правил
    // оказания государственной услуги …"); the number keeps them apart.
    let title = (
        format!("{} (№ {})", base.0, i + 1),
        format!("{} (№ {})", base.1, i + 1),
    );
    let document = (
        base.0
            .strip_prefix("Об утверждении ")
            .unwrap_or(&base.0)
            .to_string(),
        base.1.trim_end_matches(" бекіту туралы").to_string(),
    );
    // Amending orders: 0–4, in date order after the act took effect.
    let n_orders = rng.usize(0..5);
    let mut orders: Vec<GenOrder> = Vec::new();
    let mut d = effective;
    for _ in 0..n_orders {
        d = after(d, rng.u32(60..900), last_day);
        if orders.last().is_some_and(|o| o.date >= d) || d >= last_day {
            break;
        }
        orders.push(GenOrder {
            number: rng.u32(1..700).to_string(),
            date: d,
            effective: after(d, 10, last_day),
        });
    }
    let mut units = Vec::new();
    let sentence = |rng: &mut fastrand::Rng, min, max| {
        let seed = rng.u64(..);
        (
            v.ru.sentence(&mut fastrand::Rng::with_seed(seed), min, max),
            v.kk.sentence(&mut fastrand::Rng::with_seed(seed), min, max),
        )
    };
    let wordings = |rng: &mut fastrand::Rng, text: (String, String), may_repeal: bool| {
        let mut w = vec![GenWording {
            ru: text.0,
            kk: text.1,
            from: effective,
            order: None,
            repealed: false,
        }];
        for (k, o) in orders.iter().enumerate() {
            if w.last().is_some_and(|l| l.repealed) {
                break;
            }
            let roll = rng.u8(..100);
            if may_repeal && roll < 4 {
                w.push(GenWording {
                    ru: String::new(),
                    kk: String::new(),
                    from: o.effective,
                    order: Some(k),
                    repealed: true,
                });
            } else if roll < 30 {
                let (ru, kk) = sentence(rng, 12, 60);
                w.push(GenWording {
                    ru,
                    kk,
                    from: o.effective,
                    order: Some(k),
                    repealed: false,
                });
            }
        }
        w
    };
    // The order's own points: approval, execution, entry into force.
    for p in 1..=3 {
        let text = sentence(&mut rng, 8, 40);
        units.push(GenUnit {
            path: vec![UnitRef::new(UnitKind::Point, p.to_string())],
            in_document: false,
            wordings: wordings(&mut rng, text, false),
        });
    }
    let mut point = 0;
    for ch in 1..=rng.usize(2..7) {
        let heading = v.chapters[rng.usize(..v.chapters.len())].clone();
        let chapter = UnitRef::new(UnitKind::Chapter, ch.to_string());
        units.push(GenUnit {
            path: vec![chapter.clone()],
            in_document: true,
            wordings: vec![GenWording {
                ru: heading.0,
                kk: heading.1,
                from: effective,
                order: None,
                repealed: false,
            }],
        });
        for _ in 0..rng.usize(2..9) {
            point += 1;
            let pref = UnitRef::new(UnitKind::Point, point.to_string());
            let text = sentence(&mut rng, 12, 60);
            units.push(GenUnit {
                path: vec![chapter.clone(), pref.clone()],
                in_document: true,
                wordings: wordings(&mut rng, text, false),
            });
            if rng.u8(..100) < 30 {
                for sp in 1..=rng.usize(2..7) {
                    let text = sentence(&mut rng, 6, 35);
                    units.push(GenUnit {
                        path: vec![
                            chapter.clone(),
                            pref.clone(),
                            UnitRef::new(UnitKind::Subpoint, sp.to_string()),
                        ],
                        in_document: true,
                        wordings: wordings(&mut rng, text, true),
                    });
                }
            }
        }
    }
    GenAct {
        code: format!("{}", 900_000 + i),
        id,
        number: rng.u32(1..999).to_string(),
        date,
        registered,
        registration,
        effective,
        issuer,
        title,
        document,
        orders,
        units,
    }
}

const MONTHS_RU: [&str; 12] = [
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

fn ru_long(d: NaiveDate) -> String {
    format!(
        "{} {} {} года",
        d.day(),
        MONTHS_RU[d.month0() as usize],
        d.year()
    )
}

fn dotted(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

const IN_FORCE_RU: &str = "(вводится в действие по истечении десяти календарных дней после дня его первого официального опубликования)";
const IN_FORCE_KK: &str =
    "(алғашқы ресми жарияланған күнінен кейін күнтізбелік он күн өткен соң қолданысқа енгізіледі)";

impl GenAct {
    /// `meta.yaml` of the corpus form.
    pub fn meta_yaml(&self) -> String {
        let q = |s: &str| format!("'{}'", s.replace('\'', "''"));
        format!(
            "act_code: '{code}'\nrequisite: {req}\ntitle:\n  rus: {tr}\n  kaz: {tk}\nform: ПРИК\ntype_codes:\n- ПРИК\napproved_on: {date}\nversion_date:\n  kaz: {vd}\n  rus: {vd}\n",
            code = self.code,
            req = q(&format!(
                "Приказ {} Республики Казахстан от {} № {}. Зарегистрирован в Министерстве юстиции Республики Казахстан {} № {}",
                self.issuer.0,
                ru_long(self.date),
                self.number,
                ru_long(self.registered),
                self.registration
            )),
            tr = q(&self.title.0),
            tk = q(&self.title.1),
            date = self.date,
            vd = self.orders.last().map_or(self.effective, |o| o.effective),
        )
    }

    /// The act's markdown in one language: the wording in force, footnotes for the changes.
    pub fn markdown(&self, lang: Lang) -> String {
        let ru = lang == Lang::Ru;
        let pick = |p: &(String, String)| if ru { p.0.clone() } else { p.1.clone() };
        let mut md = format!("# {}\n\n", pick(&self.title));
        md.push_str(if ru {
            "В соответствии с законодательством Республики Казахстан ПРИКАЗЫВАЮ:\n\n"
        } else {
            "Қазақстан Республикасының заңнамасына сәйкес БҰЙЫРАМЫН:\n\n"
        });
        let mut in_doc = false;
        for u in &self.units {
            if u.in_document && !in_doc {
                in_doc = true;
                // Signature and approval stamp, as in the corpus: the structure parser starts
                // the approved document after them.
                if ru {
                    let _ = write!(
                        md,
                        "**Министр Республики Казахстан**\n\n> *Утверждено*  \n> *приказом {}*  \n> *Республики Казахстан*  \n> *от {} № {}*\n\n",
                        self.issuer.0,
                        ru_long(self.date),
                        self.number
                    );
                } else {
                    let _ = write!(
                        md,
                        "**Қазақстан Республикасының министрі**\n\n> *Қазақстан Республикасы*  \n> *{}*  \n> *{} жылғы {}*  \n> *№ {} бұйрығымен*  \n> *бекітілген*\n\n",
                        self.issuer.1,
                        self.date.year(),
                        self.date.format("%d.%m"),
                        self.number
                    );
                }
                let _ = write!(md, "## {}\n\n", pick(&self.document));
            }
            let last = u.wordings.last().expect("a unit has a wording");
            let Some(leaf) = u.path.last() else { continue };
            let text = if ru { &last.ru } else { &last.kk };
            match leaf.kind {
                UnitKind::Chapter => {
                    if ru {
                        let _ = write!(md, "### Глава {}. {}\n\n", leaf.num, text);
                    } else {
                        let _ = write!(md, "### {} - тарау. {}\n\n", leaf.num, text);
                    }
                    continue;
                }
                UnitKind::Subpoint if last.repealed => {
                    let o = &self.orders[last.order.unwrap_or(0)];
                    if ru {
                        let _ = write!(
                            md,
                            "   *{}) исключен приказом {} РК от {} № {} {IN_FORCE_RU}.*\n\n",
                            leaf.num,
                            self.issuer.0,
                            dotted(o.date),
                            o.number
                        );
                    } else {
                        let _ = write!(
                            md,
                            "   *{}) алып тасталды - ҚР {} {} № {} {IN_FORCE_KK} бұйрығымен.*\n\n",
                            leaf.num,
                            self.issuer.1,
                            dotted(o.date),
                            o.number
                        );
                    }
                    continue;
                }
                UnitKind::Subpoint => {
                    let _ = write!(md, "   {}) {}\n\n", leaf.num, text);
                }
                _ => {
                    let _ = write!(md, "{}. {}\n\n", leaf.num, text);
                }
            }
            let changed: Vec<&GenOrder> = u
                .wordings
                .iter()
                .filter_map(|w| w.order.map(|k| &self.orders[k]))
                .collect();
            if changed.is_empty() || leaf.kind != UnitKind::Point {
                continue;
            }
            let list = |in_force: &str| {
                changed
                    .iter()
                    .map(|o| format!("от {} № {} {in_force}", dotted(o.date), o.number))
                    .collect::<Vec<_>>()
            };
            if ru {
                let many = if changed.len() > 1 { "ов" } else { "а" };
                let _ = write!(
                    md,
                    "> *Сноска. Пункт {} в редакции приказ{many} {} РК {}.*\n\n",
                    leaf.num,
                    self.issuer.0,
                    list(IN_FORCE_RU).join("; ")
                );
            } else {
                let items: Vec<String> = list(IN_FORCE_KK)
                    .into_iter()
                    .map(|s| format!("ҚР {} {}", self.issuer.1, s.trim_start_matches("от ")))
                    .collect();
                let many = if changed.len() > 1 {
                    "бұйрықтарымен"
                } else {
                    "бұйрығымен"
                };
                let _ = write!(
                    md,
                    "> *Ескерту. {}-тармақ жаңа редакцияда - {} {many}.*\n\n",
                    leaf.num,
                    items.join("; ")
                );
            }
        }
        md
    }

    /// Writes `<dir>/acts/<code>/{meta.yaml,rus.md,kaz.md}`.
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        let folder = dir.join("acts").join(&self.code);
        std::fs::create_dir_all(&folder)?;
        std::fs::write(folder.join("meta.yaml"), self.meta_yaml())?;
        std::fs::write(folder.join("rus.md"), self.markdown(Lang::Ru))?;
        std::fs::write(folder.join("kaz.md"), self.markdown(Lang::Kk))
    }

    fn cite(&self, lang: Lang, order: Option<usize>) -> OrderCite {
        let issuer = match lang {
            Lang::Ru => &self.issuer.0,
            Lang::Kk => &self.issuer.1,
        };
        match order {
            None => OrderCite {
                number: self.number.clone(),
                date: Some(self.date),
                issuer: Some(issuer.clone()),
            },
            Some(k) => OrderCite {
                number: self.orders[k].number.clone(),
                date: Some(self.orders[k].date),
                issuer: Some(issuer.clone()),
            },
        }
    }

    /// The consolidated act in one language: every wording of every unit.
    pub fn consolidated(&self, lang: Lang) -> ConsolidatedAct {
        let ru = lang == Lang::Ru;
        let title = if ru { &self.title.0 } else { &self.title.1 };
        let doc = if ru {
            &self.document.0
        } else {
            &self.document.1
        };
        let mut versions = Vec::new();
        let mut history = Vec::new();
        for u in &self.units {
            let document = u.in_document.then(|| doc.clone());
            for (k, w) in u.wordings.iter().enumerate() {
                let valid_to = u.wordings.get(k + 1).map(|n| n.from);
                versions.push(UnitVersion {
                    act_id: self.id.clone(),
                    lang,
                    act_title: title.clone(),
                    document: document.clone(),
                    path: u.path.clone(),
                    text: if ru { w.ru.clone() } else { w.kk.clone() },
                    valid_from: Some(w.from),
                    valid_to,
                    estimated: w.order.is_some(),
                    status: if w.repealed {
                        UnitStatus::Repealed
                    } else if valid_to.is_some() {
                        UnitStatus::Unknown
                    } else {
                        UnitStatus::InForce
                    },
                    changed_by: w.order.map(|_| self.cite(lang, w.order)),
                });
                history.push(HistoryEvent {
                    document: document.clone(),
                    path: u.path.clone(),
                    kind: match (w.order, w.repealed) {
                        (None, _) => EventKind::Original,
                        (Some(_), true) => EventKind::Repealed,
                        (Some(_), false) => EventKind::Reworded,
                    },
                    order: Some(self.cite(lang, w.order)),
                    effective: Some(w.from),
                    estimated: w.order.is_some(),
                    source: "generated".into(),
                });
            }
        }
        history.sort_by_key(|e| e.effective);
        ConsolidatedAct {
            id: self.id.clone(),
            lang,
            title: title.clone(),
            base_known: true,
            version_date: Some(self.orders.last().map_or(self.effective, |o| o.effective)),
            versions,
            history,
            conflicts: Vec::new(),
        }
    }
}

/// Acts `0..n` of the corpus seeded by `seed`.
pub fn gen_acts(v: &Vocab, seed: u64, n: usize) -> Vec<GenAct> {
    (0..n).map(|i| gen_act(v, seed, i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocab {
        vocab_from_corpus(&Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")).unwrap()
    }

    #[test]
    fn deterministic_and_realistic() {
        let v = vocab();
        let a = gen_act(&v, 7, 3);
        let b = gen_act(&v, 7, 3);
        assert_eq!(a.markdown(Lang::Ru), b.markdown(Lang::Ru));
        assert_ne!(a.markdown(Lang::Ru), gen_act(&v, 8, 3).markdown(Lang::Ru));
        let ru = a.consolidated(Lang::Ru);
        assert!(ru.versions.iter().all(|u| u.repealed_or_text()));
        // Cyrillic text from the corpus, Kazakh letters in the Kazakh text.
        let kk = a.markdown(Lang::Kk);
        assert!(kk.chars().any(|c| "әғқңөұүһі".contains(c)), "{kk}");
    }

    trait Nonempty {
        fn repealed_or_text(&self) -> bool;
    }
    impl Nonempty for UnitVersion {
        fn repealed_or_text(&self) -> bool {
            self.status == UnitStatus::Repealed || !self.text.trim().is_empty()
        }
    }

    #[test]
    fn corpus_form_parses_back() {
        let v = vocab();
        let acts = gen_acts(&v, 1, 6);
        let dir = tempfile::tempdir().unwrap();
        for a in &acts {
            a.write(dir.path()).unwrap();
        }
        let parsed = crate::pipeline::base_acts(dir.path()).unwrap();
        assert_eq!(parsed.len(), 12, "6 acts × 2 languages");
        for a in &acts {
            for lang in [Lang::Ru, Lang::Kk] {
                let p = parsed
                    .iter()
                    .find(|p| p.id == a.id && p.lang == lang)
                    .unwrap_or_else(|| panic!("{} {lang:?} not parsed back", a.id));
                let points = |kind: UnitKind| {
                    a.units
                        .iter()
                        .filter(|u| u.path.last().is_some_and(|l| l.kind == kind))
                        .count()
                };
                let parsed_points = p
                    .units
                    .iter()
                    .filter(|u| u.path.last().is_some_and(|l| l.kind == UnitKind::Point))
                    .count();
                assert_eq!(parsed_points, points(UnitKind::Point), "{} {lang:?}", a.id);
            }
        }
    }
}
