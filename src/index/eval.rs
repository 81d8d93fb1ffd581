//! Search quality over a query set: MRR@k and Recall@k (`zan eval search`).
//!
//! The query set is a TSV file, one query a line (`#` starts a comment):
//!
//! ```text
//! id  lang  as_of  query  act  doc  units  note
//! ```
//!
//! - `as_of`: `YYYY-MM-DD`, or `-` for today;
//! - `doc`: which text of the act the unit is in: `-` the order's own units, `*` any,
//!   otherwise a word of the approved document's title (case-insensitive substring);
//! - `units`: expected unit paths (`point:12/subpoint:3`), `|`-separated when several are
//!   right.
//!
//! A hit is relevant when it is in the query's language, of the expected act and document, and
//! its unit is an expected one, inside one, or contains one (a point's text includes its
//! subpoints', so the point is a right answer too). The rank of the first relevant hit gives
//! the reciprocal rank; Recall@k is the share of expected units found (directly or through a
//! containing/contained unit) in the top k.

use super::{Hit, IndexReaderHandle, SearchError, SearchQuery};
use crate::model::Lang;
use chrono::NaiveDate;
use serde::Serialize;

/// One query of the set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvalQuery {
    pub id: String,
    pub lang: Lang,
    pub as_of: Option<NaiveDate>,
    pub q: String,
    pub act: String,
    /// `None`: the order's own units; `Some("")`: any; else a title substring (lowercase).
    pub doc: Option<String>,
    pub units: Vec<String>,
    pub note: String,
}

/// Parses the TSV query set; errors name the line.
pub fn parse_queries(text: &str) -> Result<Vec<EvalQuery>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        if cols.len() < 7 {
            return Err(format!(
                "line {line_no}: expected 7 tab-separated columns (id lang as_of query act doc units [note]), got {}",
                cols.len()
            ));
        }
        if cols[0] == "id" {
            continue; // header
        }
        let lang = Lang::parse(cols[1])
            .ok_or_else(|| format!("line {line_no}: bad lang `{}`", cols[1]))?;
        let as_of = match cols[2] {
            "-" | "" => None,
            s => Some(
                NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|_| format!("line {line_no}: bad as_of `{s}`"))?,
            ),
        };
        let doc = match cols[5] {
            "-" => None,
            "*" | "" => Some(String::new()),
            s => Some(s.to_lowercase()),
        };
        let units: Vec<String> = cols[6]
            .split('|')
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(str::to_string)
            .collect();
        if units.is_empty() {
            return Err(format!("line {line_no}: no expected unit"));
        }
        out.push(EvalQuery {
            id: cols[0].to_string(),
            lang,
            as_of,
            q: cols[3].to_string(),
            act: cols[4].to_string(),
            doc,
            units,
            note: cols.get(7).map(|s| s.to_string()).unwrap_or_default(),
        });
    }
    Ok(out)
}

/// How one query did.
#[derive(Debug, Clone, Serialize)]
pub struct QueryOutcome {
    pub id: String,
    /// 1-based rank of the first relevant hit within the top k.
    pub rank: Option<usize>,
    /// Expected units found in the top k.
    pub found: usize,
    pub expected: usize,
    /// The top hit, to read failures: `act lang path`.
    pub top: Option<String>,
    /// Matches in all (not only the top k).
    pub total: usize,
}

/// Metrics of one index over the whole set.
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    pub name: String,
    pub k: usize,
    pub queries: usize,
    pub mrr: f64,
    pub recall: f64,
    /// Share of queries whose first hit is relevant.
    pub success_at_1: f64,
    pub outcomes: Vec<QueryOutcome>,
}

/// `a` lies inside `b` or is `b` (`point:3/subpoint:1` inside `point:3`).
fn within(a: &str, b: &str) -> bool {
    a == b || (a.starts_with(b) && a[b.len()..].starts_with('/'))
}

fn doc_matches(want: &Option<String>, got: &Option<String>) -> bool {
    match (want, got) {
        (None, None) => true,
        (None, Some(_)) => false,
        (Some(w), _) if w.is_empty() => true,
        (Some(w), Some(g)) => g.to_lowercase().contains(w.as_str()),
        (Some(_), None) => false,
    }
}

/// Which expected units `hit` answers (by index into `q.units`).
fn answers(q: &EvalQuery, hit: &Hit) -> Vec<usize> {
    if hit.lang != q.lang || hit.act_id != q.act || !doc_matches(&q.doc, &hit.document) {
        return Vec::new();
    }
    q.units
        .iter()
        .enumerate()
        .filter(|(_, u)| within(&hit.path, u) || within(u, &hit.path))
        .map(|(i, _)| i)
        .collect()
}

/// Runs every query on `index` and scores the top `k` hits.
pub fn evaluate(
    index: &IndexReaderHandle,
    name: &str,
    queries: &[EvalQuery],
    k: usize,
    today: NaiveDate,
) -> Result<EvalReport, SearchError> {
    evaluate_with(index, name, queries, k, today, false)
}

/// [`evaluate`], with facets asked for or not (see [`EvalRun::exhaustive`]).
pub fn evaluate_with(
    index: &IndexReaderHandle,
    name: &str,
    queries: &[EvalQuery],
    k: usize,
    today: NaiveDate,
    facets: bool,
) -> Result<EvalReport, SearchError> {
    let mut outcomes = Vec::with_capacity(queries.len());
    for q in queries {
        let mut sq = SearchQuery::new(q.q.clone(), q.as_of.unwrap_or(today));
        sq.limit = k;
        sq.facets = facets;
        let res = index.search_counted(&sq)?;
        let mut rank = None;
        let mut found = vec![false; q.units.len()];
        for (i, hit) in res.hits.iter().enumerate() {
            let a = answers(q, hit);
            if !a.is_empty() && rank.is_none() {
                rank = Some(i + 1);
            }
            for j in a {
                found[j] = true;
            }
        }
        outcomes.push(QueryOutcome {
            id: q.id.clone(),
            rank,
            found: found.iter().filter(|f| **f).count(),
            expected: q.units.len(),
            top: res
                .hits
                .first()
                .map(|h| format!("{} {} {}", h.act_id, h.lang, h.path)),
            total: res.total,
        });
    }
    let n = outcomes.len().max(1) as f64;
    let mrr = outcomes
        .iter()
        .map(|o| o.rank.map_or(0.0, |r| 1.0 / r as f64))
        .sum::<f64>()
        / n;
    let recall = outcomes
        .iter()
        .map(|o| o.found as f64 / o.expected.max(1) as f64)
        .sum::<f64>()
        / n;
    let success_at_1 = outcomes.iter().filter(|o| o.rank == Some(1)).count() as f64 / n;
    Ok(EvalReport {
        name: name.to_string(),
        k,
        queries: outcomes.len(),
        mrr,
        recall,
        success_at_1,
        outcomes,
    })
}

/// Where the acts of an evaluation come from.
pub enum EvalSource<'a> {
    /// Run the pipeline over this corpus folder.
    Corpus(&'a std::path::Path),
    /// Use this index (stemmed), and its `acts.json` for the baseline.
    Index(&'a std::path::Path),
}

/// The stemmed index and the baseline without stemming, on the same acts and queries.
pub struct EvalRun {
    pub stemmed: EvalReport,
    pub baseline: EvalReport,
    /// The stemmed index searched with `facets: true`: every match scored and counted (the
    /// search before the pruned top-k pass), to show pruning changes no ranking.
    pub exhaustive: EvalReport,
}

/// Builds what is needed in a temporary folder (removed afterwards) and evaluates both the
/// stemmed index and the no-stemming baseline.
pub fn run(
    source: EvalSource,
    queries: &[EvalQuery],
    k: usize,
    today: NaiveDate,
) -> anyhow::Result<EvalRun> {
    use anyhow::Context;
    let tmp = std::env::temp_dir().join(format!("zan-eval-search-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    let result = (|| -> anyhow::Result<EvalRun> {
        let (stemmed_dir, acts) = match source {
            EvalSource::Index(dir) => {
                let acts = super::load_acts(dir)
                    .with_context(|| format!("reading acts.json of {}", dir.display()))?;
                (dir.to_path_buf(), acts)
            }
            EvalSource::Corpus(corpus) => {
                let out = crate::pipeline::run(corpus, &mut |_, _, _| {})
                    .with_context(|| format!("running the pipeline on {}", corpus.display()))?;
                let dir = tmp.join("stemmed");
                super::build_index(&dir, &out.acts, &mut |_, _| {})?;
                (dir, out.acts)
            }
        };
        let base_dir = tmp.join("baseline");
        super::build_index_with(
            &base_dir,
            &acts,
            super::BuildOptions {
                stemming: false,
                ..Default::default()
            },
            &mut |_, _| {},
        )?;
        let stemmed_index = IndexReaderHandle::open(&stemmed_dir)?;
        let stemmed = evaluate(&stemmed_index, "stemmed", queries, k, today)?;
        let exhaustive = evaluate_with(&stemmed_index, "exhaustive", queries, k, today, true)?;
        let baseline = evaluate(
            &IndexReaderHandle::open(&base_dir)?,
            "no stemming",
            queries,
            k,
            today,
        )?;
        Ok(EvalRun {
            stemmed,
            baseline,
            exhaustive,
        })
    })();
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rows_and_reports_bad_lines() {
        let text = "# comment\nid\tlang\tas_of\tquery\tact\tdoc\tunits\tnote\n\
                    q1\tru\t-\tапостиль\tV2000020668\tправила\tpoint:2|point:3\tx\n\
                    q2\tkk\t2021-01-01\t\"сөз\"\tV1\t-\tpoint:1\n";
        let qs = parse_queries(text).unwrap();
        assert_eq!(qs.len(), 2);
        assert_eq!(qs[0].units, vec!["point:2", "point:3"]);
        assert_eq!(qs[0].doc.as_deref(), Some("правила"));
        assert_eq!(qs[1].doc, None);
        assert_eq!(qs[1].as_of, NaiveDate::from_ymd_opt(2021, 1, 1));
        let err = parse_queries("q\tde\t-\tx\tV\t-\tpoint:1").unwrap_err();
        assert!(err.contains("line 1"), "{err}");
    }

    #[test]
    fn containing_units_count() {
        assert!(within("point:3/subpoint:1", "point:3"));
        assert!(!within("point:31", "point:3"));
        assert!(within("point:3", "point:3"));
    }
}
