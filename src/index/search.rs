//! Searching an index folder: the text query intersected with the validity interval, the
//! language and the act, with highlighted snippets.

use super::{
    analyzer, date_to_days, days_to_date, fields_of, Fields, IndexSummary, ACTS_FILE,
    FORMAT_VERSION, SUMMARY_FILE, TANTIVY_META,
};
use crate::consolidate::ConsolidatedAct;
use crate::model::{Lang, OrderCite, UnitStatus};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, QueryParser, RangeQuery, TermQuery,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::{Snippet, SnippetGenerator};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument, Term};

/// Largest `limit` accepted: more is never useful to a person and costs snippets.
pub const MAX_LIMIT: usize = 1000;
/// Snippet length in characters.
const SNIPPET_CHARS: usize = 240;

/// A search request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    /// tantivy query syntax: words (all required), "phrases", `-excluded`, `OR`, `field:value`.
    pub q: String,
    pub lang: Option<Lang>,
    /// Only versions valid on this date: `valid_from <= as_of < valid_to`.
    pub as_of: NaiveDate,
    pub limit: usize,
    /// Only units of this act ID.
    pub act: Option<String>,
}

impl SearchQuery {
    /// A query over both languages with the default limit (20).
    pub fn new(q: impl Into<String>, as_of: NaiveDate) -> Self {
        SearchQuery {
            q: q.into(),
            lang: None,
            as_of,
            limit: 20,
            act: None,
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
}

/// Hits plus the number of all matching versions (hits are cut at `limit`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<Hit>,
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

/// An index opened once (read-only) and searched many times: what the server holds.
pub struct IndexReaderHandle {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    parser: QueryParser,
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
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e: tantivy::TantivyError| corrupt(e.to_string()))?;
        let mut parser =
            QueryParser::for_index(&index, vec![fields.text, fields.act_title, fields.document]);
        parser.set_conjunction_by_default();
        // A word in the unit's own text matters more than one in the (shared) act title.
        parser.set_field_boost(fields.act_title, 0.5);
        parser.set_field_boost(fields.document, 0.5);
        Ok(IndexReaderHandle {
            dir: dir.to_path_buf(),
            index,
            reader,
            fields,
            parser,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The best `limit` hits.
    pub fn search(&self, q: &SearchQuery) -> Result<Vec<Hit>, SearchError> {
        Ok(self.search_counted(q)?.hits)
    }

    /// The best `limit` hits and the number of all matches.
    pub fn search_counted(&self, q: &SearchQuery) -> Result<SearchResults, SearchError> {
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
        // Staff paste text from the acts ("подпункт 3)", "Примечание: …") that is not valid
        // query syntax: rather than refuse it, search its words, and say so.
        let (user, notice) = match self.parser.parse_query(text) {
            Ok(query) => (query, None),
            Err(e) => {
                let query = self.literal_query(text).ok_or_else(|| {
                    SearchError::BadQuery(format!("{e}; the query has no words to search"))
                })?;
                let notice = format!("query syntax not understood ({e}): searched its words");
                (query, Some(notice))
            }
        };
        let query = self.filtered(user.box_clone(), q);

        let searcher = self.reader.searcher();
        let (top, total) = searcher.search(&query, &(TopDocs::with_limit(q.limit), Count))?;
        let mut snippets = SnippetGenerator::create(&searcher, &*user, self.fields.text)?;
        snippets.set_max_num_chars(SNIPPET_CHARS);
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            hits.push(self.hit(&doc, &snippets, score));
        }
        Ok(SearchResults {
            total,
            hits,
            notice,
        })
    }

    /// Every word of `text` required, each in the text, title or document title; `None` when
    /// `text` has no words.
    fn literal_query(&self, text: &str) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        let mut a = analyzer::analyzer();
        let mut stream = a.token_stream(text);
        let mut words = Vec::new();
        while let Some(t) = stream.next() {
            if !words.contains(&t.text) {
                words.push(t.text.clone());
            }
        }
        if words.is_empty() {
            return None;
        }
        let clauses = words
            .iter()
            .map(|w| {
                let fields = [(f.text, 1.0), (f.act_title, 0.5), (f.document, 0.5)];
                let any: Vec<(Occur, Box<dyn Query>)> = fields
                    .into_iter()
                    .map(|(field, boost)| {
                        let term = TermQuery::new(
                            Term::from_field_text(field, w),
                            IndexRecordOption::WithFreqs,
                        );
                        let q: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(term), boost));
                        (Occur::Should, q)
                    })
                    .collect();
                (
                    Occur::Must,
                    Box::new(BooleanQuery::new(any)) as Box<dyn Query>,
                )
            })
            .collect();
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    /// The user's query, required together with the date, language and act filters (which do
    /// not score).
    fn filtered(&self, user: Box<dyn Query>, q: &SearchQuery) -> BooleanQuery {
        let f = &self.fields;
        let day = date_to_days(q.as_of);
        let no_score = |query: Box<dyn Query>| -> Box<dyn Query> {
            Box::new(ConstScoreQuery::new(query, 0.0))
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, user),
            (
                Occur::Must,
                no_score(Box::new(RangeQuery::new(
                    Bound::Unbounded,
                    Bound::Included(Term::from_field_i64(f.valid_from, day)),
                ))),
            ),
            (
                Occur::Must,
                no_score(Box::new(RangeQuery::new(
                    Bound::Excluded(Term::from_field_i64(f.valid_to, day)),
                    Bound::Unbounded,
                ))),
            ),
        ];
        let term = |field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        if let Some(lang) = q.lang {
            clauses.push((Occur::Must, no_score(term(f.lang, lang.code()))));
        }
        if let Some(act) = q.act.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            clauses.push((Occur::Must, no_score(term(f.act_id, act))));
        }
        BooleanQuery::new(clauses)
    }

    fn hit(&self, doc: &TantivyDocument, snippets: &SnippetGenerator, score: f32) -> Hit {
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
        let text = s(f.text);
        let snippet = snippets.snippet(&text);
        let (plain, html) = render_snippet(&snippet, &text);
        let document = Some(s(f.document)).filter(|d| !d.is_empty());
        let changed_by = serde_json::from_str::<OrderCite>(&s(f.changed_by)).ok();
        Hit {
            act_id: s(f.act_id),
            lang: Lang::parse(&s(f.lang)).unwrap_or(Lang::Ru),
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

fn parse_status(s: &str) -> UnitStatus {
    match s {
        "in_force" => UnitStatus::InForce,
        "repealed" => UnitStatus::Repealed,
        _ => UnitStatus::Unknown,
    }
}

/// Plain (`[word]`) and HTML (`<b>word</b>`) renderings of a snippet; when the match was only
/// in the title (no highlight in the text) the start of the text stands in.
fn render_snippet(snippet: &Snippet, text: &str) -> (String, String) {
    if snippet.fragment().is_empty() {
        let head = head_chars(text, SNIPPET_CHARS);
        return (head.clone(), html_escape(&head));
    }
    let fragment = snippet.fragment();
    let mut ranges: Vec<_> = snippet.highlighted().to_vec();
    ranges.sort_by_key(|r| r.start);
    let mut plain = String::with_capacity(fragment.len() + 8);
    let mut at = 0;
    for r in ranges {
        if r.start < at || r.end > fragment.len() {
            continue; // overlapping or out of range: keep the first marking
        }
        plain.push_str(&fragment[at..r.start]);
        plain.push('[');
        plain.push_str(&fragment[r.clone()]);
        plain.push(']');
        at = r.end;
    }
    plain.push_str(&fragment[at..]);
    (plain, snippet.to_html())
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
