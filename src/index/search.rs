//! Searching an index folder: the text query intersected with the validity interval, the
//! language and the act, with highlighted snippets.

use super::collect::{self, Plan, Scored, SegmentColumns, Window};
use super::query::{Analyzers, Builder, Plain};
use super::{
    analyzer, date_to_days, days_to_date, fields_of, Fields, IndexSummary, ACTS_FILE,
    FORMAT_VERSION, SUMMARY_FILE, TANTIVY_META,
};
use crate::consolidate::ConsolidatedAct;
use crate::model::{Lang, OrderCite, UnitStatus};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use tantivy::collector::{Count, FilterCollector, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{
    DocAddress, Index, IndexReader, Order, ReloadPolicy, Searcher, TantivyDocument, Term,
};

/// Largest `limit` accepted: more is never useful to a person and costs snippets.
pub const MAX_LIMIT: usize = 1000;
/// Longest query accepted (characters): a pasted page is not a query.
pub const MAX_QUERY_CHARS: usize = 2000;
/// Snippet length in characters.
const SNIPPET_CHARS: usize = 240;
/// Buckets per facet.
const FACET_SIZE: u32 = 20;
/// Matches counted exactly when no facets are asked for; past it `total_exact` is false and
/// the page says "more than 1000" (Elasticsearch's `track_total_hits` does the same at 10,000;
/// counting is unscored but still a pass over every match, the largest cost left per query).
pub const TOTAL_CAP: usize = 1_000;
/// The closeness bonus of a plain-words query reorders the best `limit` × this by the words'
/// own scores (computing it for every match was most of a two-word query's cost). Deeper
/// costs pruning: at 1M versions a two-word query took 2.4 ms at ×1 and 4.7 ms at 100 hits;
/// `zan eval search` ranks exactly as the exhaustive search at ×2.
const RERANK_DEPTH: usize = 2;

fn yes() -> bool {
    true
}

/// What [`IndexReaderHandle::collect`] found.
struct Found {
    addrs: Vec<(f32, DocAddress)>,
    total: usize,
    exact: bool,
    facets: Option<super::facets::FacetCounts>,
    counted: Option<collect::Counted>,
}

/// Which wordings a search looks at, relative to `as_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusFilter {
    /// The wording in force on `as_of` (repealed placeholders left out).
    #[default]
    InForce,
    /// Wordings no longer in force on `as_of`: replaced or repealed before it (and the
    /// repealed placeholders valid on it).
    Repealed,
    /// Every wording that had started by `as_of`, whatever happened to it later.
    All,
}

impl StatusFilter {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "in_force" | "in-force" | "inforce" | "current" => Some(StatusFilter::InForce),
            "repealed" | "old" | "former" => Some(StatusFilter::Repealed),
            "all" | "any" => Some(StatusFilter::All),
            _ => None,
        }
    }
}

/// Order of the hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    #[default]
    Relevance,
    /// Newest wording first (by the date it took effect).
    Date,
}

impl SortBy {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "relevance" | "score" => Some(SortBy::Relevance),
            "date" | "newest" => Some(SortBy::Date),
            _ => None,
        }
    }
}

/// A search request. Build it with [`SearchQuery::new`] and set what differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    /// Words (any form), "exact phrases", `-excluded`, `OR`, `field:value`.
    pub q: String,
    pub lang: Option<Lang>,
    /// The date the wording is asked for (see [`StatusFilter`]).
    pub as_of: NaiveDate,
    pub limit: usize,
    /// Only units of this act ID.
    pub act: Option<String>,
    /// Only units of the approved document with exactly this title.
    #[serde(default)]
    pub document: Option<String>,
    /// Only units of this kind (`point`, `subpoint`, `chapter`, …).
    #[serde(default)]
    pub unit_kind: Option<String>,
    /// Only acts of this issuer (as in the facets).
    #[serde(default)]
    pub issuer: Option<String>,
    /// Only acts adopted this year.
    #[serde(default)]
    pub year: Option<i32>,
    #[serde(default)]
    pub status: StatusFilter,
    #[serde(default)]
    pub sort: SortBy,
    /// Count facets (issuer, year, kind, language) over all matches, and so count every
    /// match exactly. Off by default: on a broad word over a million versions that pass costs
    /// several times the search itself.
    #[serde(default)]
    pub facets: bool,
}

impl SearchQuery {
    /// A query over both languages, in force on `as_of`, by relevance, 20 hits.
    pub fn new(q: impl Into<String>, as_of: NaiveDate) -> Self {
        SearchQuery {
            q: q.into(),
            lang: None,
            as_of,
            limit: 20,
            act: None,
            document: None,
            unit_kind: None,
            issuer: None,
            year: None,
            status: StatusFilter::InForce,
            sort: SortBy::Relevance,
            facets: false,
        }
    }
}

/// One found unit version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub act_id: String,
    pub lang: Lang,
    pub act_title: String,
    pub document: Option<String>,
    /// `point:12/subpoint:3`.
    pub path: String,
    pub unit_kind: String,
    /// Plain text with matched words marked `[…]` (for the terminal).
    pub snippet: String,
    /// HTML-escaped text with matched words in `<b>…</b>` (for the page).
    pub snippet_html: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub status: UnitStatus,
    pub estimated: bool,
    pub changed_by: Option<OrderCite>,
    pub score: f32,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub year: Option<i32>,
}

/// One value of a facet and the number of matching unit versions that have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facet {
    pub value: String,
    pub count: u64,
}

/// Counts over all matches (not only the returned hits).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    pub issuer: Vec<Facet>,
    pub year: Vec<Facet>,
    pub unit_kind: Vec<Facet>,
    pub lang: Vec<Facet>,
}

/// The hits of one act: how a person reads results ("which acts say this, and where").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActGroup {
    pub act_id: String,
    pub act_title: String,
    /// Matching unit versions in this act (all of them, not only the returned ones); `None`
    /// when the matches were not all counted (see [`SearchResults::total_exact`]).
    pub total: Option<u64>,
    pub best_score: f32,
    /// Indices into `hits`, best first.
    pub hits: Vec<usize>,
}

/// Hits plus the number of all matching versions (hits are cut at `limit`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// Matching versions: exact when `total_exact`, else counting stopped at [`TOTAL_CAP`] and
    /// more than `total` matched (facets asked for: always exact).
    pub total: usize,
    #[serde(default = "yes")]
    pub total_exact: bool,
    pub hits: Vec<Hit>,
    /// The hits grouped by act, in the order of each act's best hit.
    #[serde(default)]
    pub groups: Vec<ActGroup>,
    #[serde(default)]
    pub facets: Facets,
    /// Set when the query syntax was not understood and its words were searched literally
    /// (e.g. `подпункт 3)` has an unbalanced parenthesis): show it to the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("no index in {0}: run `zan index` first")]
    NoIndex(PathBuf),
    /// The request itself is wrong (maps to HTTP 400).
    #[error("bad query: {0}")]
    BadQuery(String),
    #[error("index in {path} is unreadable: {message}")]
    Corrupt { path: PathBuf, message: String },
    #[error("search failed: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

/// Time spent per phase of [`IndexReaderHandle::search_timed`], summed over queries.
#[derive(Debug, Clone, Default)]
pub struct SearchTimings {
    pub queries: u64,
    /// Query text to tantivy query (grammar, analysis, filters).
    pub parse: std::time::Duration,
    /// The relaxed retry of a plain-words query that matched nothing.
    pub relaxed: std::time::Duration,
    /// Matching, scoring, top-k, the date filter, counting (and facets when asked).
    pub collect: std::time::Duration,
    /// Matches counted up to the cap (no facets asked for).
    pub count: std::time::Duration,
    /// Facet buckets merged and sorted.
    pub facets: std::time::Duration,
    /// Stored documents of the returned hits loaded.
    pub docs: std::time::Duration,
    /// Highlighting and snippets of the returned hits.
    pub snippets: std::time::Duration,
    /// Grouping by act (with per-act totals).
    pub group: std::time::Duration,
}

impl SearchTimings {
    /// `(phase, mean milliseconds per query)`.
    pub fn mean_ms(&self) -> Vec<(&'static str, f64)> {
        let n = self.queries.max(1) as f64;
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0 / n;
        vec![
            ("parse", ms(self.parse)),
            ("relaxed", ms(self.relaxed)),
            ("collect", ms(self.collect)),
            ("count", ms(self.count)),
            ("facets", ms(self.facets)),
            ("docs", ms(self.docs)),
            ("snippets", ms(self.snippets)),
            ("group", ms(self.group)),
        ]
    }
}

/// An index opened once (read-only) and searched many times: what the server holds.
pub struct IndexReaderHandle {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    analyzers: Analyzers,
    /// Per segment of the (never reloaded) reader.
    columns: Vec<SegmentColumns>,
}

impl std::fmt::Debug for IndexReaderHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexReaderHandle")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl IndexReaderHandle {
    /// Opens the index in `dir`; [`SearchError::NoIndex`] when there is none.
    pub fn open(dir: &Path) -> Result<Self, SearchError> {
        let dir = &super::current_dir(dir);
        if !dir.join(TANTIVY_META).is_file() {
            return Err(SearchError::NoIndex(dir.to_path_buf()));
        }
        let corrupt = |message: String| SearchError::Corrupt {
            path: dir.to_path_buf(),
            message,
        };
        if let Ok(summary) = load_summary(dir) {
            if summary.format_version != FORMAT_VERSION {
                return Err(corrupt(format!(
                    "index format {} but this zan reads format {FORMAT_VERSION}: run `zan index` again",
                    summary.format_version
                )));
            }
        }
        let index = Index::open_in_dir(dir).map_err(|e| corrupt(e.to_string()))?;
        analyzer::register(&index);
        let fields = fields_of(&index.schema()).map_err(corrupt)?;
        let tok = |field: Field| {
            index
                .tokenizer_for_field(field)
                .map_err(|e| corrupt(e.to_string()))
        };
        let analyzers = Analyzers {
            exact: tok(fields.text)?,
            kk: tok(fields.text_kk)?,
            ru: tok(fields.text_ru)?,
        };
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e: tantivy::TantivyError| corrupt(e.to_string()))?;
        let columns = reader
            .searcher()
            .segment_readers()
            .iter()
            .map(SegmentColumns::open)
            .collect::<tantivy::Result<_>>()
            .map_err(|e| corrupt(e.to_string()))?;
        Ok(IndexReaderHandle {
            dir: dir.to_path_buf(),
            index,
            reader,
            fields,
            analyzers,
            columns,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The best `limit` hits.
    pub fn search(&self, q: &SearchQuery) -> Result<Vec<Hit>, SearchError> {
        Ok(self.search_counted(q)?.hits)
    }

    /// The best `limit` hits, the number of all matches, facets and act groups.
    pub fn search_counted(&self, q: &SearchQuery) -> Result<SearchResults, SearchError> {
        self.search_timed(q, &mut SearchTimings::default())
    }

    /// [`Self::search_counted`], adding the time of each phase to `t` (the load benchmark's
    /// cost breakdown).
    pub fn search_timed(
        &self,
        q: &SearchQuery,
        t: &mut SearchTimings,
    ) -> Result<SearchResults, SearchError> {
        let mut clock = std::time::Instant::now();
        let mut lap = |slot: &mut std::time::Duration| {
            let now = std::time::Instant::now();
            *slot += now - clock;
            clock = now;
        };
        if q.limit == 0 || q.limit > MAX_LIMIT {
            return Err(SearchError::BadQuery(format!(
                "limit must be between 1 and {MAX_LIMIT}, got {}",
                q.limit
            )));
        }
        let text = q.q.trim();
        if text.is_empty() {
            return Err(SearchError::BadQuery("empty query".into()));
        }
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(SearchError::BadQuery(format!(
                "query longer than {MAX_QUERY_CHARS} characters"
            )));
        }
        let langs: Vec<Lang> = match q.lang {
            Some(l) => vec![l],
            None => vec![Lang::Kk, Lang::Ru],
        };
        let builder = Builder {
            fields: &self.fields,
            analyzers: &self.analyzers,
            langs: &langs,
        };
        // Staff paste text from the acts ("подпункт 3)", "Примечание: …") that is not valid
        // query syntax: rather than refuse it, search its words, and say so.
        let (user, notice) = match builder.parse(text) {
            Ok(Some(query)) => (query, None),
            Ok(None) => {
                return Err(SearchError::BadQuery(
                    "the query has no words to search".into(),
                ))
            }
            Err(e) => {
                let query = builder.literal(text).ok_or_else(|| {
                    SearchError::BadQuery(format!("{e}; the query has no words to search"))
                })?;
                (query, Some(format!("{e}: searched its words")))
            }
        };
        // Words standing close together rank higher (an optional clause: matches unchanged,
        // so the count goes without it: a sloppy phrase scorer looks for its first match as
        // soon as it is made).
        let matching = user.box_clone();
        let user: Box<dyn Query> = match builder.proximity(text) {
            Some(near) if notice.is_none() => Box::new(BooleanQuery::new(vec![
                (Occur::Must, user),
                (Occur::Should, near),
            ])),
            _ => user,
        };
        // Plain words or one exact phrase run pruned (see [`Plain`]).
        let plain = if notice.is_none() {
            builder.plain(text)
        } else {
            None
        };
        let mut user = user;
        let mut notice = notice;
        let searcher = self.reader.searcher();
        lap(&mut t.parse);
        let mut found =
            self.collect(&searcher, user.box_clone(), matching, plain.as_ref(), q, t)?;
        // (collect and count time themselves)
        let mut counted_inside = std::time::Duration::ZERO;
        lap(&mut counted_inside);
        // No match at all: for plain words, retry with about two thirds of them required.
        if notice.is_none() && found.addrs.is_empty() {
            if let Some((relaxed, need, n)) = builder.relaxed(text) {
                let again = self.collect(
                    &searcher,
                    relaxed.box_clone(),
                    relaxed.box_clone(),
                    None,
                    q,
                    t,
                )?;
                if !again.addrs.is_empty() {
                    found = again;
                    user = relaxed;
                    notice = Some(format!(
                        "no unit has all {n} words: showing units with at least {need} of them"
                    ));
                }
            }
        }
        lap(&mut t.relaxed);
        let facets = found
            .facets
            .as_ref()
            .map(|f| f.facets(FACET_SIZE as usize))
            .unwrap_or_default();
        lap(&mut t.facets);
        let terms = HighlightTerms::of(&*user, &self.fields);
        let mut docs = Vec::with_capacity(found.addrs.len());
        for &(score, addr) in &found.addrs {
            let doc: TantivyDocument = searcher.doc(addr)?;
            docs.push((score, doc));
        }
        lap(&mut t.docs);
        let hits: Vec<Hit> = docs
            .iter()
            .map(|(score, doc)| self.hit(doc, &terms, *score))
            .collect();
        lap(&mut t.snippets);
        let groups = group_by_act(&hits, |i| {
            let act = hits[i].act_id.as_str();
            match (&found.facets, &found.counted) {
                (Some(f), _) => Some(f.act_total(act)),
                (None, Some(c)) => c.act_total(act, found.addrs[i].1),
                (None, None) => None,
            }
        });
        lap(&mut t.group);
        t.queries += 1;
        Ok(SearchResults {
            total: found.total,
            total_exact: found.exact,
            hits,
            groups,
            facets,
            notice,
        })
    }

    /// The hits, the count and (when asked) the facets of `user` under the filters of `q`
    /// (`matching`: the same matches without the optional clauses, for the count).
    ///
    /// With facets asked for, one exact pass scores, counts and buckets every match (what the
    /// page asks for). Without, the best `limit` come from a pruning top-k pass and the matches
    /// are counted, unscored, up to [`TOTAL_CAP`]: the cost then grows with the page and the
    /// cap, not with how many versions a broad word matches.
    fn collect(
        &self,
        searcher: &Searcher,
        user: Box<dyn Query>,
        matching: Box<dyn Query>,
        plain: Option<&Plain>,
        q: &SearchQuery,
        t: &mut SearchTimings,
    ) -> Result<Found, SearchError> {
        let clock = std::time::Instant::now();
        let query = self.filtered(user.box_clone(), q)?;
        if q.facets {
            let agg_collector = super::facets::FacetCollector;
            let (addrs, total, aggs): (Vec<(f32, DocAddress)>, usize, _) = match q.sort {
                SortBy::Relevance => searcher.search(
                    &query,
                    &dated((TopDocs::with_limit(q.limit), Count, agg_collector), q),
                )?,
                SortBy::Date => {
                    let by_date = TopDocs::with_limit(q.limit)
                        .order_by_fast_field::<i64>("valid_from", Order::Desc);
                    let (top, total, aggs) =
                        searcher.search(&query, &dated((by_date, Count, agg_collector), q))?;
                    (
                        top.into_iter().map(|(_, a)| (0.0, a)).collect(),
                        total,
                        aggs,
                    )
                }
            };
            t.collect += clock.elapsed();
            return Ok(Found {
                addrs,
                total,
                exact: true,
                facets: Some(aggs),
                counted: None,
            });
        }
        let window = Window::of(q);
        let addrs = match q.sort {
            SortBy::Relevance => {
                let plan = self.plan(user, q, &query, plain);
                match plain {
                    Some(plain) if !plan.verify.is_empty() => {
                        // The closeness bonus reorders the best few: take more, cut after.
                        let depth = if plain.near.is_empty() {
                            q.limit
                        } else {
                            q.limit.saturating_mul(RERANK_DEPTH)
                        };
                        let mut hits = collect::top_k(searcher, &self.columns, &plan, depth)?;
                        collect::rerank_near(searcher, plain, &mut hits)?;
                        hits.truncate(q.limit);
                        hits
                    }
                    _ => collect::top_k(searcher, &self.columns, &plan, q.limit)?,
                }
            }
            SortBy::Date => {
                let by_date = TopDocs::with_limit(q.limit)
                    .order_by_fast_field::<i64>("valid_from", Order::Desc);
                searcher
                    .search(&query, &dated(by_date, q))?
                    .into_iter()
                    .map(|(_, a)| (0.0, a))
                    .collect()
            }
        };
        t.collect += clock.elapsed();
        let clock = std::time::Instant::now();
        let counted = collect::count(
            searcher,
            &self.columns,
            &self.filtered(matching, q)?,
            window,
            TOTAL_CAP,
        )?;
        t.count += clock.elapsed();
        Ok(Found {
            addrs,
            total: counted.total,
            exact: counted.exact,
            facets: None,
            counted: Some(counted),
        })
    }

    /// How the top-k pass runs `user` under the filters of `q`: broad conditions (language,
    /// repealed placeholders, the date window) are checked per candidate so that a query of
    /// alternative terms keeps block-max WAND; selective ones (act, document, kind, issuer,
    /// year, and the repealed status, whose window is a query) join the query.
    ///
    /// A [`Plain`] query (plain words, one exact phrase) is scored by its terms alone, a pure
    /// union that block-max WAND prunes, and its groups are checked per candidate.
    fn plan(
        &self,
        user: Box<dyn Query>,
        q: &SearchQuery,
        full: &BooleanQuery,
        plain: Option<&Plain>,
    ) -> Plan {
        let set = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.trim().is_empty());
        let selective = set(&q.act)
            || set(&q.document)
            || set(&q.unit_kind)
            || set(&q.issuer)
            || q.year.is_some()
            || q.status == StatusFilter::Repealed;
        let window = Window::of(q);
        if selective {
            return Plan {
                scored: Scored::Query(Box::new(full.clone())),
                required: None,
                excluded: None,
                verify: Vec::new(),
                window,
            };
        }
        let f = &self.fields;
        let term = |field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        let (scored, verify) = match plain {
            Some(plain) => (collect::plain_terms(plain), plain.groups.clone()),
            None => (Scored::Query(user), Vec::new()),
        };
        Plan {
            scored,
            verify,
            required: q.lang.map(|l| term(f.lang, l.code())),
            excluded: (q.status == StatusFilter::InForce)
                .then(|| term(f.status, UnitStatus::Repealed.as_str())),
            window,
        }
    }

    /// The user's query, required together with the date, status, language and other
    /// filters (which do not score).
    fn filtered(&self, user: Box<dyn Query>, q: &SearchQuery) -> Result<BooleanQuery, SearchError> {
        let f = &self.fields;
        let day = date_to_days(q.as_of);
        let no_score = |query: Box<dyn Query>| -> Box<dyn Query> {
            Box::new(ConstScoreQuery::new(query, 0.0))
        };
        let started = || -> Box<dyn Query> {
            no_score(Box::new(RangeQuery::new(
                Bound::Unbounded,
                Bound::Included(Term::from_field_i64(f.valid_from, day)),
            )))
        };
        let not_ended = || -> Box<dyn Query> {
            no_score(Box::new(RangeQuery::new(
                Bound::Excluded(Term::from_field_i64(f.valid_to, day)),
                Bound::Unbounded,
            )))
        };
        let term = |field, value: &str| -> Box<dyn Query> {
            no_score(Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            )))
        };
        // The date window of `InForce` and `All` is applied by the collectors (see
        // [`dated`]); `Repealed` (rare) keeps it in the query.
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, user)];
        match q.status {
            StatusFilter::InForce => {
                clauses.push((
                    Occur::MustNot,
                    term(f.status, UnitStatus::Repealed.as_str()),
                ));
            }
            StatusFilter::Repealed => {
                let ended: Box<dyn Query> = no_score(Box::new(RangeQuery::new(
                    Bound::Unbounded,
                    Bound::Included(Term::from_field_i64(f.valid_to, day)),
                )));
                let repealed_now: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
                    (Occur::Must, not_ended()),
                    (Occur::Must, term(f.status, UnitStatus::Repealed.as_str())),
                ]));
                clauses.push((Occur::Must, started()));
                clauses.push((
                    Occur::Must,
                    Box::new(BooleanQuery::new(vec![
                        (Occur::Should, ended),
                        (Occur::Should, repealed_now),
                    ])),
                ));
            }
            StatusFilter::All => {}
        }
        if let Some(lang) = q.lang {
            clauses.push((Occur::Must, term(f.lang, lang.code())));
        }
        let nonblank = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        if let Some(act) = nonblank(&q.act) {
            clauses.push((Occur::Must, term(f.act_id, &act.to_uppercase())));
        }
        if let Some(doc) = nonblank(&q.document) {
            clauses.push((Occur::Must, term(f.doc_key, &doc)));
        }
        if let Some(kind) = nonblank(&q.unit_kind) {
            if crate::model::UnitKind::parse(&kind.to_lowercase()).is_none() {
                return Err(SearchError::BadQuery(format!("unknown unit kind `{kind}`")));
            }
            clauses.push((Occur::Must, term(f.unit_kind, &kind.to_lowercase())));
        }
        if let Some(issuer) = nonblank(&q.issuer) {
            clauses.push((Occur::Must, term(f.issuer, &issuer)));
        }
        if let Some(year) = q.year {
            let y = u64::try_from(year)
                .map_err(|_| SearchError::BadQuery(format!("bad year {year}")))?;
            clauses.push((
                Occur::Must,
                no_score(Box::new(TermQuery::new(
                    Term::from_field_u64(f.year, y),
                    IndexRecordOption::Basic,
                ))),
            ));
        }
        Ok(BooleanQuery::new(clauses))
    }

    fn hit(&self, doc: &TantivyDocument, terms: &HighlightTerms, score: f32) -> Hit {
        let f = &self.fields;
        let s = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        };
        let i = |field, default| {
            doc.get_first(field)
                .and_then(|v| v.as_i64())
                .unwrap_or(default)
        };
        let lang = Lang::parse(&s(f.lang)).unwrap_or(Lang::Ru);
        let text = s(f.text);
        let stem_analyzer = match lang {
            Lang::Kk => &self.analyzers.kk,
            Lang::Ru => &self.analyzers.ru,
        };
        let marks = terms.marks(
            &text,
            &self.analyzers.exact,
            stem_analyzer,
            f.stemmed_text(lang),
        );
        let (plain, html) = render_snippet(&text, &marks);
        let document = Some(s(f.document)).filter(|d| !d.is_empty());
        let changed_by = serde_json::from_str::<OrderCite>(&s(f.changed_by)).ok();
        Hit {
            act_id: s(f.act_id),
            lang,
            act_title: s(f.act_title),
            document,
            path: s(f.path),
            unit_kind: s(f.unit_kind),
            snippet: plain,
            snippet_html: html,
            valid_from: days_to_date(i(f.valid_from, i64::MIN)),
            valid_to: days_to_date(i(f.valid_to, i64::MAX)),
            status: parse_status(&s(f.status)),
            estimated: doc
                .get_first(f.estimated)
                .and_then(|v| v.as_bool())
                .unwrap_or(false),
            changed_by,
            score,
            issuer: Some(s(f.issuer)).filter(|i| !i.is_empty()),
            year: doc
                .get_first(f.year)
                .and_then(|v| v.as_u64())
                .and_then(|y| i32::try_from(y).ok()),
        }
    }

    /// The acts records stored beside the index.
    pub fn load_acts(&self) -> Result<Vec<ConsolidatedAct>, SearchError> {
        load_acts(&self.dir)
    }

    /// The tantivy index, for callers that need more than [`Self::search`].
    pub fn index(&self) -> &Index {
        &self.index
    }
}

/// `collector` restricted to the versions valid on `q.as_of` (`InForce`: started and not
/// ended; `All`: started; `Repealed`: no restriction, its window is in the query). Reading two
/// fast-field values of each matching document is what makes the date filter cheap: a range
/// query over the same fields scans the whole column, i.e. every version of the index, on
/// every search.
fn dated<C: tantivy::collector::Collector>(
    collector: C,
    q: &SearchQuery,
) -> impl tantivy::collector::Collector<Fruit = C::Fruit> {
    let day = date_to_days(q.as_of);
    let (from_on, to_on) = match q.status {
        StatusFilter::InForce => (true, true),
        StatusFilter::All => (true, false),
        StatusFilter::Repealed => (false, false),
    };
    let started = FilterCollector::new(
        "valid_from".to_string(),
        move |v: i64| !from_on || v <= day,
        collector,
    );
    FilterCollector::new(
        "valid_to".to_string(),
        move |v: i64| !to_on || v > day,
        started,
    )
}

/// `per_act(i)`: the matches in the act of hit `i`, when counted.
fn group_by_act(hits: &[Hit], per_act: impl Fn(usize) -> Option<u64>) -> Vec<ActGroup> {
    let mut groups: Vec<ActGroup> = Vec::new();
    for (i, h) in hits.iter().enumerate() {
        match groups.iter_mut().find(|g| g.act_id == h.act_id) {
            Some(g) => g.hits.push(i),
            None => groups.push(ActGroup {
                act_id: h.act_id.clone(),
                act_title: h.act_title.clone(),
                total: per_act(i),
                best_score: h.score,
                hits: vec![i],
            }),
        }
    }
    groups
}

/// The terms of a query to mark in a hit's text: exact forms and stems per field.
struct HighlightTerms {
    exact: HashSet<String>,
    stems: BTreeMap<Field, HashSet<String>>,
    text_field: Field,
}

impl HighlightTerms {
    fn of(query: &dyn Query, f: &Fields) -> Self {
        let mut exact = HashSet::new();
        let mut stems: BTreeMap<Field, HashSet<String>> = BTreeMap::new();
        query.query_terms(&mut |term, _| {
            let value = term.value();
            let Some(text) = value.as_str() else { return };
            let field = term.field();
            if field == f.text {
                exact.insert(text.to_string());
            } else if field == f.text_kk || field == f.text_ru {
                stems.entry(field).or_default().insert(text.to_string());
            }
        });
        HighlightTerms {
            exact,
            stems,
            text_field: f.text,
        }
    }

    /// Byte ranges of `text` to mark: tokens whose exact form or stem the query asked for.
    ///
    /// One pass of the (cheap) exact analyzer; the stemmer runs only on tokens that begin like
    /// one of the query's stems (their first three letters: a stem is the start of its word,
    /// give or take a final consonant alternation), not on every word of the text.
    fn marks(
        &self,
        text: &str,
        exact: &tantivy::tokenizer::TextAnalyzer,
        stem: &tantivy::tokenizer::TextAnalyzer,
        stem_field: Field,
    ) -> Vec<std::ops::Range<usize>> {
        let _ = self.text_field;
        let stems = self.stems.get(&stem_field).filter(|s| !s.is_empty());
        let heads: Vec<String> = stems
            .map(|s| s.iter().map(|st| st.chars().take(3).collect()).collect())
            .unwrap_or_default();
        let mut out = Vec::new();
        if self.exact.is_empty() && heads.is_empty() {
            return out;
        }
        let mut a = exact.clone();
        let mut stemmer = stem.clone();
        let mut stream = a.token_stream(text);
        while let Some(t) = stream.next() {
            let hit = self.exact.contains(&t.text)
                || stems.is_some_and(|stems| {
                    heads.iter().any(|h| t.text.starts_with(h.as_str())) && {
                        let mut one = stemmer.token_stream(&t.text);
                        one.next().is_some_and(|s| stems.contains(&s.text))
                    }
                });
            if hit {
                out.push(t.offset_from..t.offset_to);
            }
        }
        out
    }
}

fn parse_status(s: &str) -> UnitStatus {
    match s {
        "in_force" => UnitStatus::InForce,
        "repealed" => UnitStatus::Repealed,
        _ => UnitStatus::Unknown,
    }
}

/// Plain (`[word]`) and HTML (`<b>word</b>`) snippets of `text`: the window of
/// [`SNIPPET_CHARS`] characters holding the most marks (the start of the text when none, e.g.
/// the match was in the title).
fn render_snippet(text: &str, marks: &[std::ops::Range<usize>]) -> (String, String) {
    if marks.is_empty() {
        let head = head_chars(text, SNIPPET_CHARS);
        return (head.clone(), html_escape(&head));
    }
    // Byte length of the window: SNIPPET_CHARS characters from each candidate start.
    let window_end = |from: usize| -> usize {
        text[from..]
            .char_indices()
            .nth(SNIPPET_CHARS)
            .map_or(text.len(), |(i, _)| from + i)
    };
    // Start a little before a mark, at a word boundary.
    let lead = |at: usize| -> usize {
        let back: Vec<(usize, char)> = text[..at].char_indices().rev().take(40).collect();
        if back.len() < 40 {
            return 0; // near the start: show it from the start
        }
        back.iter()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(back[back.len() - 1].0, |(i, c)| i + c.len_utf8())
    };
    let mut best = (0, 0usize);
    for (k, m) in marks.iter().enumerate() {
        let from = lead(m.start);
        let to = window_end(from);
        let n = marks[k..].iter().take_while(|r| r.end <= to).count();
        if n > best.1 {
            best = (from, n);
        }
    }
    let from = best.0;
    let to = window_end(from);
    let mut plain = String::new();
    let mut html = String::new();
    if from > 0 {
        plain.push('…');
        html.push('…');
    }
    let mut at = from;
    for m in marks.iter().filter(|m| m.start >= from && m.end <= to) {
        plain.push_str(&text[at..m.start]);
        html.push_str(&html_escape(&text[at..m.start]));
        plain.push('[');
        plain.push_str(&text[m.clone()]);
        plain.push(']');
        html.push_str("<b>");
        html.push_str(&html_escape(&text[m.clone()]));
        html.push_str("</b>");
        at = m.end;
    }
    plain.push_str(&text[at..to]);
    html.push_str(&html_escape(&text[at..to]));
    if to < text.len() {
        plain.push('…');
        html.push('…');
    }
    (plain, html)
}

fn head_chars(text: &str, n: usize) -> String {
    match text.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Opens `dir` and runs one search: for the CLI (`zan search`).
pub fn search(dir: &Path, q: &SearchQuery) -> Result<Vec<Hit>, SearchError> {
    IndexReaderHandle::open(dir)?.search(q)
}

/// Like [`search`], with the total count and the notice of a literal fallback.
pub fn search_counted(dir: &Path, q: &SearchQuery) -> Result<SearchResults, SearchError> {
    IndexReaderHandle::open(dir)?.search_counted(q)
}

/// Reads `acts.json` of an index folder.
pub fn load_acts(dir: &Path) -> Result<Vec<ConsolidatedAct>, SearchError> {
    read_json(dir, ACTS_FILE)
}

/// Reads `summary.json` of an index folder.
pub fn load_summary(dir: &Path) -> Result<IndexSummary, SearchError> {
    read_json(dir, SUMMARY_FILE)
}

fn read_json<T: serde::de::DeserializeOwned>(dir: &Path, name: &str) -> Result<T, SearchError> {
    let dir = &super::current_dir(dir);
    let path = dir.join(name);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(SearchError::NoIndex(dir.to_path_buf()))
        }
        Err(e) => {
            return Err(SearchError::Corrupt {
                path: path.clone(),
                message: e.to_string(),
            })
        }
    };
    serde_json::from_slice(&bytes).map_err(|e| SearchError::Corrupt {
        path,
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_cuts_on_char_boundary() {
        assert_eq!(head_chars("қазақ тілі", 5), "қазақ…");
        assert_eq!(head_chars("абв", 5), "абв");
    }

    #[test]
    fn escape_html() {
        assert_eq!(html_escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
    }
}
