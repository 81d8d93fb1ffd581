//! Table-driven test of the amendment grammar: every line of `tests/data/grammar_variants.jsonl`
//! is one instruction (or a set of operative points) worded as a real order words it, in Kazakh
//! or Russian, with the `zan split --json` amendments it must give.
//!
//! The instruction is placed into a full order (title, requisites, command word, the amending
//! point with its document lead-in, entry-into-force clause) and split by the library, so the
//! whole path — paragraphs, quotes, wording, context — is exercised, not only the regexes.
//!
//! Expected amendments list only the fields that matter for the variant; `unit` and
//! `placement_after` may be written as path strings (`point:5/subpoint:3`) for readability.
//! The count of amendments must match exactly; `unparsed` (default 0) is the count of lines the
//! order must report as not understood.

use serde_json::Value;
use zan::amend::parse_order;
use zan::model::{path_to_string, UnitRef};

const RU_HEAD: &str = "О внесении изменений в приказ Министра здравоохранения Республики Казахстан от 30 июня 2020 года № 100

Приказ Министра здравоохранения Республики Казахстан от 15 марта 2023 года № 45. Зарегистрирован в Министерстве юстиции Республики Казахстан 17 марта 2023 года № 32100

      ПРИКАЗЫВАЮ:
";
const RU_POINT1: &str = "      1. Внести в приказ Министра здравоохранения Республики Казахстан от 30 июня 2020 года № 100 «Об утверждении Правил оказания медицинской помощи» (зарегистрирован в Реестре государственной регистрации нормативных правовых актов под № 20900) следующие изменения:
";
const RU_DOC: &str =
    "      в Правилах оказания медицинской помощи, утвержденных указанным приказом:
";
const RU_TAIL: &str = "      2. Департаменту организации медицинской помощи в установленном законодательством порядке обеспечить государственную регистрацию настоящего приказа.
      3. Настоящий приказ вводится в действие по истечении десяти календарных дней после дня его первого официального опубликования.

      Министр здравоохранения
      Республики Казахстан                              А. Гиният
";

const KK_HEAD: &str = "\"Медициналық көмек көрсету қағидаларын бекіту туралы\" Қазақстан Республикасы Денсаулық сақтау министрінің 2020 жылғы 30 маусымдағы № 100 бұйрығына өзгерістер енгізу туралы

Қазақстан Республикасы Денсаулық сақтау министрінің 2023 жылғы 15 наурыздағы № 45 бұйрығы. Қазақстан Республикасының Әділет министрлігінде 2023 жылғы 17 наурызда № 32100 болып тіркелді

      БҰЙЫРАМЫН:
";
const KK_POINT1: &str = "      1. \"Медициналық көмек көрсету қағидаларын бекіту туралы\" Қазақстан Республикасы Денсаулық сақтау министрінің 2020 жылғы 30 маусымдағы № 100 бұйрығына (Нормативтік құқықтық актілерді мемлекеттік тіркеу тізілімінде № 20900 болып тіркелген) мынадай өзгерістер енгізілсін:
";
const KK_DOC: &str =
    "      көрсетілген бұйрықпен бекітілген Медициналық көмек көрсету қағидаларында:
";
const KK_TAIL: &str = "      2. Қазақстан Республикасы Денсаулық сақтау министрлігінің Медициналық көмекті ұйымдастыру департаменті заңнамада белгіленген тәртіппен осы бұйрықтың мемлекеттік тіркелуін қамтамасыз етсін.
      3. Осы бұйрық алғашқы ресми жарияланған күнінен кейін күнтізбелік он күн өткен соң қолданысқа енгізіледі.

      Қазақстан Республикасының
      Денсаулық сақтау министрі                              А. Ғиният
";

fn indent(body: &str) -> String {
    body.lines()
        .map(|l| {
            if l.trim().is_empty() {
                String::new()
            } else {
                format!("      {l}\n")
            }
        })
        .collect()
}

/// The full order text of a variant.
fn order_text(v: &Value) -> String {
    let lang = v["lang"].as_str().unwrap_or("ru");
    let body = v["body"].as_str().unwrap_or("");
    let wrap = v["wrap"].as_str().unwrap_or("instr");
    let with_doc = v.get("doc").and_then(Value::as_bool).unwrap_or(true);
    let (head, p1, doc, tail) = match lang {
        "kk" => (KK_HEAD, KK_POINT1, KK_DOC, KK_TAIL),
        _ => (RU_HEAD, RU_POINT1, RU_DOC, RU_TAIL),
    };
    let appendix = v["appendix"].as_str().unwrap_or("");
    let mut s = String::from(head);
    if wrap == "points" {
        s.push_str(&indent(body));
    } else {
        s.push_str(p1);
        if with_doc {
            s.push_str(doc);
        }
        s.push_str(&indent(body));
        s.push_str(tail);
    }
    s.push_str(appendix);
    s
}

fn path_str(v: &Value) -> Option<String> {
    let p: Vec<UnitRef> = serde_json::from_value(v.clone()).ok()?;
    Some(path_to_string(&p))
}

/// Compare the expected fields of one amendment; returns the mismatches.
fn compare(exp: &Value, got: &Value) -> Vec<String> {
    let mut bad = Vec::new();
    let Some(obj) = exp.as_object() else {
        return vec!["expectation is not an object".into()];
    };
    for (k, e) in obj {
        let g = got.get(k).cloned().unwrap_or(Value::Null);
        let ok = match (k.as_str(), e) {
            ("unit" | "placement_after", Value::String(s)) => path_str(&g).as_deref() == Some(s),
            ("text", Value::String(s)) if s.ends_with('…') => g
                .as_str()
                .is_some_and(|t| t.starts_with(s.trim_end_matches('…'))),
            _ => &g == e,
        };
        if !ok {
            bad.push(format!("{k}: expected {e}, got {g}"));
        }
    }
    bad
}

#[test]
fn grammar_variants() {
    let path = format!(
        "{}/tests/data/grammar_variants.jsonl",
        env!("CARGO_MANIFEST_DIR")
    );
    let data = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut total = 0;
    let mut langs = std::collections::BTreeMap::new();
    let mut failures = Vec::new();
    for (n, line) in data.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with("//") {
            continue;
        }
        let v: Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{path}:{}: {e}", n + 1));
        total += 1;
        *langs
            .entry(v["lang"].as_str().unwrap_or("?").to_string())
            .or_insert(0) += 1;
        let id = format!(
            "{}:{} {}",
            n + 1,
            v["lang"].as_str().unwrap_or("?"),
            v["id"].as_str().unwrap_or("")
        );
        let text = order_text(&v);
        let order = match parse_order(&text) {
            Ok(o) => o,
            Err(e) => {
                failures.push(format!("{id}: {e}"));
                continue;
            }
        };
        let split = serde_json::to_value(order.split_json()).unwrap();
        let got = split["amendments"].as_array().cloned().unwrap_or_default();
        let exp = v["expect"].as_array().cloned().unwrap_or_default();
        let mut bad = Vec::new();
        if got.len() != exp.len() {
            bad.push(format!("{} amendments, expected {}", got.len(), exp.len()));
        }
        for (k, (e, g)) in exp.iter().zip(&got).enumerate() {
            for b in compare(e, g) {
                bad.push(format!("#{k} {b}"));
            }
        }
        let unparsed = split["order"]["unparsed"].as_array().map_or(0, Vec::len);
        let want_unparsed = v["unparsed"].as_u64().unwrap_or(0) as usize;
        if unparsed != want_unparsed {
            bad.push(format!(
                "unparsed {unparsed}, expected {want_unparsed}: {}",
                split["order"]["unparsed"]
            ));
        }
        if let Some(eff) = v.get("effective") {
            let g = &split["order"]["effective"];
            for (k, e) in eff.as_object().into_iter().flatten() {
                if &g[k] != e {
                    bad.push(format!("effective.{k}: expected {e}, got {}", g[k]));
                }
            }
        }
        if !bad.is_empty() {
            failures.push(format!(
                "{id}\n    {}\n    got: {}",
                bad.join("\n    "),
                serde_json::to_string(&got).unwrap()
            ));
        }
    }
    eprintln!(
        "grammar variants: {total} ({langs:?}), passed {}, failed {}",
        total - failures.len(),
        failures.len()
    );
    assert!(total >= 150, "only {total} variants");
    assert!(
        failures.is_empty(),
        "{} of {total} variants fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
