//! Serve: the HTTP JSON API and the search page over an index folder.
//!
//! The index is opened read-only and `acts.json` loaded into memory: every request is
//! answered from memory or from the tantivy searcher, never by touching the pipeline. Bad input
//! always gets a 4xx JSON error (`{"error": …, "status": …}`), never a 500.
//!
//! A rebuilt index (`zan index` writes a new generation folder and points `CURRENT` at it) is
//! picked up without a restart: a watcher thread checks `CURRENT` and the live generation's
//! `summary.json`/`meta.json` every second,
//! opens the new index beside the old one and swaps an `Arc`. Requests clone the `Arc` when
//! they start, so one already running finishes on the index it began with (its files stay
//! readable after the old generation is removed, being open) and none is dropped.

mod acts;

use crate::consolidate::ConsolidatedAct;
use crate::index::{
    self, IndexReaderHandle, IndexSummary, SearchError, SearchQuery, SearchResults, SortBy,
    StatusFilter,
};
use crate::model::{
    parse_path, path_to_string, EventKind, HistoryEvent, Lang, OrderCite, UnitRef, UnitStatus,
    UnitVersion,
};
use anyhow::Context;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::{Duration, SystemTime};

/// The search page: one self-contained file (inline CSS and JS, no external assets), so it
/// works on a machine without internet access.
const PAGE: &str = include_str!("page.html");
/// The OpenAPI description of the JSON API.
const OPENAPI: &str = include_str!("openapi.json");
/// How often the watcher looks for a rebuilt index.
const RELOAD_POLL: Duration = Duration::from_secs(1);

/// Default number of hits per search request.
const DEFAULT_LIMIT: usize = 20;

/// Limits of one request: every route is a GET, so a body is never needed; a long URI or a
/// complex query only costs memory and time.
pub mod limits {
    use std::time::Duration;
    /// Request body (any method): larger bodies get 413.
    pub const MAX_BODY_BYTES: u64 = 16 * 1024;
    /// Path and query string together: longer URIs get 414.
    pub const MAX_URI_BYTES: usize = 8 * 1024;
    /// Words (query leaves) in one search query.
    pub const MAX_TERMS: usize = 32;
    /// Nesting of parentheses / boolean groups in one search query.
    pub const MAX_DEPTH: usize = 8;
    /// Hits per page.
    pub const MAX_PAGE: usize = crate::index::MAX_LIMIT;
    /// Characters of a filter parameter (act, document, issuer, kind).
    pub const MAX_PARAM_CHARS: usize = 500;
    /// A request not answered within this time gets 503.
    pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
}

/// Options of the server beyond the index folder.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// How often the watcher looks for a rebuilt index.
    pub poll: Duration,
    /// Bearer token of the admin endpoints (`POST /api/admin/reload`); `None` (the default)
    /// turns them off: they answer 404 as if absent.
    pub admin_token: Option<String>,
    /// Per-request time limit.
    pub timeout: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            poll: RELOAD_POLL,
            admin_token: None,
            timeout: limits::REQUEST_TIMEOUT,
        }
    }
}

/// Environment variable holding the admin token when `--admin-token` is not given.
pub const ADMIN_TOKEN_ENV: &str = "ZAN_ADMIN_TOKEN";

struct AppState {
    index: IndexReaderHandle,
    /// Act texts by act ID (one per language).
    acts: BTreeMap<String, Vec<ConsolidatedAct>>,
    summary: Option<IndexSummary>,
}

impl AppState {
    fn open(index_dir: &Path) -> anyhow::Result<Self> {
        let index = IndexReaderHandle::open(index_dir)
            .with_context(|| format!("opening the index in {}", index_dir.display()))?;
        let list = index
            .load_acts()
            .with_context(|| format!("reading acts.json in {}", index_dir.display()))?;
        let summary = index::load_summary(index_dir).ok();
        let mut acts: BTreeMap<String, Vec<ConsolidatedAct>> = BTreeMap::new();
        for act in list {
            acts.entry(act.id.clone()).or_default().push(act);
        }
        Ok(AppState {
            index,
            acts,
            summary,
        })
    }
}

/// What identifies one build of the index folder: the generation folder `CURRENT` names (or
/// the folder itself, flat layout) and the modification times and sizes of its metadata files.
type Stamp = (PathBuf, Vec<Option<(SystemTime, u64)>>);

fn stamp(dir: &Path) -> Stamp {
    let live = index::current_dir(dir);
    let files = [index::SUMMARY_FILE, "meta.json"]
        .iter()
        .map(|f| {
            let m = std::fs::metadata(live.join(f)).ok()?;
            Some((m.modified().ok()?, m.len()))
        })
        .collect();
    (live, files)
}

/// The live index: swapped whole when the folder is rebuilt.
struct Live {
    dir: PathBuf,
    current: RwLock<Arc<AppState>>,
    stamp: Mutex<Stamp>,
    /// How many times a rebuilt index was swapped in (reported by `/api/summary`).
    reloads: std::sync::atomic::AtomicU64,
    admin_token: Option<String>,
}

impl Live {
    fn get(&self) -> Arc<AppState> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Opens the folder again when its stamp changed; keeps the old index when the new one
    /// cannot be opened (mid-swap, or broken), and tries again on the next poll.
    fn reload_if_changed(&self) -> bool {
        let now = stamp(&self.dir);
        let Ok(mut last) = self.stamp.lock() else {
            return false;
        };
        if *last == now || now.1.iter().any(Option::is_none) {
            return false;
        }
        match AppState::open(&self.dir) {
            Ok(state) => {
                let state = Arc::new(state);
                match self.current.write() {
                    Ok(mut g) => *g = state,
                    Err(poisoned) => *poisoned.into_inner() = state,
                }
                *last = now;
                self.reloads
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                true
            }
            Err(_) => false,
        }
    }
}

type Shared = Arc<Live>;

/// Polls the folder while the application lives (the thread ends when the router is dropped).
fn watch(live: Weak<Live>, every: Duration) {
    let _ = std::thread::Builder::new()
        .name("zan-index-watch".into())
        .spawn(move || loop {
            std::thread::sleep(every);
            match live.upgrade() {
                Some(l) => {
                    l.reload_if_changed();
                }
                None => return,
            }
        });
}

/// Serves the index in `index_dir` on `addr` until Ctrl-C; the admin token comes from
/// `ZAN_ADMIN_TOKEN` (admin endpoints off when unset or empty).
pub async fn serve(index_dir: PathBuf, addr: SocketAddr) -> anyhow::Result<()> {
    let options = ServeOptions {
        admin_token: std::env::var(ADMIN_TOKEN_ENV).ok(),
        ..Default::default()
    };
    serve_with(index_dir, addr, options).await
}

/// [`serve`] with options.
pub async fn serve_with(
    index_dir: PathBuf,
    addr: SocketAddr,
    options: ServeOptions,
) -> anyhow::Result<()> {
    if !addr.ip().is_loopback() {
        eprintln!("zan: warning: listening on {addr}, reachable from other machines");
    }
    let app = router_with_options(index_dir.clone(), options)?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr().unwrap_or(addr);
    println!(
        "zan: serving {} on http://{local}/ (Ctrl-C to stop)",
        index_dir.display()
    );
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("HTTP server failed")
}

/// The application over the index in `index_dir` (separate from [`serve`] so tests can call
/// it without a socket); a rebuilt index is picked up within a second.
pub fn router(index_dir: PathBuf) -> anyhow::Result<Router> {
    router_with_reload(index_dir, RELOAD_POLL)
}

/// [`router`] with the watcher's polling interval.
pub fn router_with_reload(index_dir: PathBuf, poll: Duration) -> anyhow::Result<Router> {
    router_with_options(
        index_dir,
        ServeOptions {
            poll,
            ..Default::default()
        },
    )
}

/// [`router`] with all options.
pub fn router_with_options(index_dir: PathBuf, options: ServeOptions) -> anyhow::Result<Router> {
    let poll = options.poll;
    let before = stamp(&index_dir);
    let state = AppState::open(&index_dir)?;
    let live = Arc::new(Live {
        dir: index_dir,
        current: RwLock::new(Arc::new(state)),
        stamp: Mutex::new(before),
        reloads: Default::default(),
        admin_token: options.admin_token.filter(|t| !t.is_empty()),
    });
    watch(Arc::downgrade(&live), poll);
    Ok(Router::new()
        .route("/", get(page))
        .route("/api/openapi.json", get(openapi))
        .route("/api/search", get(search))
        .route("/api/summary", get(summary_handler))
        .route("/api/acts/{id}", get(act))
        .route("/api/acts/{id}/history", get(history))
        .route("/api/acts/{id}/versions", get(versions))
        .route("/api/acts/{id}/diff", get(diff))
        .route("/api/acts/{id}/units/{*rest}", get(unit_history))
        .route("/api/admin/reload", axum::routing::post(admin_reload))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(move |req, next| {
            guard(req, next, options.timeout)
        }))
        .with_state(live))
}

/// Size limits and the time limit, before and around every handler.
async fn guard(
    req: axum::extract::Request,
    next: axum::middleware::Next,
    timeout: Duration,
) -> Response {
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let chunked = req
        .headers()
        .get(axum::http::header::TRANSFER_ENCODING)
        .is_some();
    // No endpoint reads a request body; one left unread makes the server drop the connection
    // after answering, so say so: a keep-alive client then reconnects instead of failing its
    // next request on a closed socket.
    let unread_body = chunked || declared.is_some_and(|n| n > 0);
    let mut res = limited(req, next, timeout, declared, chunked).await;
    if unread_body {
        res.headers_mut().insert(
            axum::http::header::CONNECTION,
            axum::http::HeaderValue::from_static("close"),
        );
    }
    res
}

async fn limited(
    req: axum::extract::Request,
    next: axum::middleware::Next,
    timeout: Duration,
    declared: Option<u64>,
    chunked: bool,
) -> Response {
    let uri_len = req.uri().path().len() + req.uri().query().map_or(0, str::len);
    if uri_len > limits::MAX_URI_BYTES {
        return ApiError {
            status: StatusCode::URI_TOO_LONG,
            message: format!("URI longer than {} bytes", limits::MAX_URI_BYTES),
        }
        .into_response();
    }
    if declared.is_some_and(|n| n > limits::MAX_BODY_BYTES) || chunked {
        return ApiError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            message: format!(
                "request body larger than {} bytes (or of unknown length)",
                limits::MAX_BODY_BYTES
            ),
        }
        .into_response();
    }
    match tokio::time::timeout(timeout, next.run(req)).await {
        Ok(res) => res,
        Err(_) => ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message: format!("request took longer than {timeout:?}"),
        }
        .into_response(),
    }
}

async fn method_not_allowed() -> ApiError {
    ApiError {
        status: StatusCode::METHOD_NOT_ALLOWED,
        message: "method not allowed: the API is read-only (GET)".into(),
    }
}

/// Equal strings, compared in time independent of where they differ.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `POST /api/admin/reload` with `Authorization: Bearer <token>`: looks for a rebuilt index
/// now instead of at the next poll. Absent (404) unless the server was given a token.
async fn admin_reload(
    State(live): State<Shared>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let Some(token) = live.admin_token.as_deref() else {
        return Err(ApiError::not_found("no such route"));
    };
    let given = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !same_secret(given.trim().as_bytes(), token.as_bytes()) {
        return Err(ApiError {
            status: StatusCode::FORBIDDEN,
            message: "admin token missing or wrong".into(),
        });
    }
    let live2 = live.clone();
    let swapped = tokio::task::spawn_blocking(move || live2.reload_if_changed())
        .await
        .unwrap_or(false);
    let reloads = live.reloads.load(std::sync::atomic::Ordering::Relaxed);
    Ok(Json(serde_json::json!({"reloaded": swapped, "reloads": reloads})).into_response())
}

/// An error answered as JSON with its status.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn bad(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }
    fn not_found(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"error": self.message, "status": self.status.as_u16()});
        (self.status, Json(body)).into_response()
    }
}

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> Self {
        match e {
            SearchError::BadQuery(m) => ApiError::bad(m),
            other => ApiError {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                message: other.to_string(),
            },
        }
    }
}

type Params = Result<Query<HashMap<String, String>>, QueryRejection>;

fn params(p: Params) -> Result<HashMap<String, String>, ApiError> {
    p.map(|Query(m)| m)
        .map_err(|e| ApiError::bad(format!("malformed query string: {e}")))
}

/// A parameter, `None` when absent or blank.
fn param<'a>(p: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    p.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
}

fn lang_param(p: &HashMap<String, String>) -> Result<Option<Lang>, ApiError> {
    match param(p, "lang") {
        None => Ok(None),
        Some(s) => Lang::parse(s)
            .map(Some)
            .ok_or_else(|| ApiError::bad(format!("bad lang `{s}`: use kk or ru"))),
    }
}

/// `as_of` as `YYYY-MM-DD` (or `DD.MM.YYYY`, as dates are written in the acts); today when
/// absent.
fn date_param(p: &HashMap<String, String>) -> Result<NaiveDate, ApiError> {
    match param(p, "as_of") {
        None => Ok(chrono::Local::now().date_naive()),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(s, "%d.%m.%Y"))
            .map_err(|_| ApiError::bad(format!("bad as_of `{s}`: use YYYY-MM-DD"))),
    }
}

fn path_id(id: Result<UrlPath<String>, PathRejection>) -> Result<String, ApiError> {
    id.map(|UrlPath(id)| id.trim().to_string())
        .map_err(|e| ApiError::bad(format!("bad act id: {e}")))
}

async fn page() -> Html<&'static str> {
    Html(PAGE)
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such route")
}

async fn openapi() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        OPENAPI,
    )
        .into_response()
}

async fn summary_handler(State(live): State<Shared>) -> Result<Response, ApiError> {
    let state = live.get();
    match &state.summary {
        Some(s) => {
            let mut v = serde_json::to_value(s).unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                let reloads = live.reloads.load(std::sync::atomic::Ordering::Relaxed);
                o.insert("reloads".into(), reloads.into());
            }
            Ok(Json(v).into_response())
        }
        None => Err(ApiError::not_found("summary.json is missing in the index")),
    }
}

#[derive(Serialize)]
struct SearchResponse {
    query: String,
    lang: Option<Lang>,
    as_of: NaiveDate,
    limit: usize,
    act: Option<String>,
    status: StatusFilter,
    sort: SortBy,
    #[serde(flatten)]
    results: SearchResults,
}

/// Words and nesting depth of a query, by tantivy's query grammar (the parser the search
/// uses); text it does not parse is searched literally, so its words are counted.
fn query_complexity(q: &str) -> (usize, usize) {
    use tantivy::query_grammar::UserInputAst;
    fn walk(ast: &UserInputAst, depth: usize, acc: &mut (usize, usize)) {
        acc.1 = acc.1.max(depth);
        match ast {
            UserInputAst::Clause(cs) => cs.iter().for_each(|(_, c)| walk(c, depth + 1, acc)),
            UserInputAst::Boost(inner, _) => walk(inner, depth + 1, acc),
            UserInputAst::Leaf(_) => acc.0 += 1,
        }
    }
    let words = q.split_whitespace().count();
    // Grammar parsing of a very long text is itself work: words first.
    if words > limits::MAX_TERMS {
        return (words, 0);
    }
    // Nesting of parentheses as written (the grammar may flatten some of it).
    let mut parens = (0usize, 0usize);
    for c in q.chars() {
        match c {
            '(' => {
                parens.0 += 1;
                parens.1 = parens.1.max(parens.0);
            }
            ')' => parens.0 = parens.0.saturating_sub(1),
            _ => {}
        }
    }
    // tantivy's grammar backtracks exponentially on unclosed parentheses (found by fuzzing:
    // 21 of them took minutes): too deep a text is refused before it is parsed.
    if parens.1 > limits::MAX_DEPTH {
        return (words, parens.1);
    }
    match crate::index::query::parse_user_query(q) {
        Some(ast) => {
            let mut acc = (0, 0);
            walk(&ast, 0, &mut acc);
            (acc.0.max(words), acc.1.max(parens.1))
        }
        None => (words, parens.1),
    }
}

fn search_query(p: &HashMap<String, String>) -> Result<SearchQuery, ApiError> {
    let q = param(p, "q").ok_or_else(|| ApiError::bad("missing parameter q"))?;
    let (terms, depth) = query_complexity(q);
    if terms > limits::MAX_TERMS {
        return Err(ApiError::bad(format!(
            "query too complex: {terms} words, at most {}",
            limits::MAX_TERMS
        )));
    }
    if depth > limits::MAX_DEPTH {
        return Err(ApiError::bad(format!(
            "query too complex: nested {depth} deep, at most {}",
            limits::MAX_DEPTH
        )));
    }
    for name in ["act", "document", "issuer", "kind"] {
        if param(p, name).is_some_and(|v| v.chars().count() > limits::MAX_PARAM_CHARS) {
            return Err(ApiError::bad(format!(
                "parameter {name} longer than {} characters",
                limits::MAX_PARAM_CHARS
            )));
        }
    }
    let limit = match param(p, "limit") {
        None => DEFAULT_LIMIT,
        Some(s) => s
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=limits::MAX_PAGE).contains(n))
            .ok_or_else(|| {
                ApiError::bad(format!(
                    "bad limit `{s}`: use a number 1..{}",
                    limits::MAX_PAGE
                ))
            })?,
    };
    let mut query = SearchQuery::new(q, date_param(p)?);
    query.lang = lang_param(p)?;
    query.limit = limit;
    query.act = param(p, "act").map(str::to_string);
    query.document = param(p, "document").map(str::to_string);
    query.unit_kind = param(p, "kind").map(str::to_string);
    query.issuer = param(p, "issuer").map(str::to_string);
    if let Some(y) = param(p, "year") {
        query.year = Some(
            y.parse()
                .map_err(|_| ApiError::bad(format!("bad year `{y}`")))?,
        );
    }
    if let Some(s) = param(p, "status") {
        query.status = StatusFilter::parse(s).ok_or_else(|| {
            ApiError::bad(format!("bad status `{s}`: use in_force, repealed or all"))
        })?;
    }
    if let Some(s) = param(p, "facets") {
        query.facets = match s.trim().to_lowercase().as_str() {
            "true" | "1" | "yes" => true,
            "false" | "0" | "no" | "" => false,
            _ => {
                return Err(ApiError::bad(format!(
                    "bad facets `{s}`: use true or false"
                )))
            }
        };
    }
    if let Some(s) = param(p, "sort") {
        query.sort = SortBy::parse(s)
            .ok_or_else(|| ApiError::bad(format!("bad sort `{s}`: use relevance or date")))?;
    }
    Ok(query)
}

/// The search parameters as the server reads them (the fuzz target's entry point).
pub fn search_query_of(p: &HashMap<String, String>) -> Result<SearchQuery, String> {
    search_query(p).map_err(|e| e.message)
}

async fn search(State(live): State<Shared>, p: Params) -> Result<Json<SearchResponse>, ApiError> {
    let p = params(p)?;
    let query = search_query(&p)?;
    // tantivy searches block: keep them off the async workers.
    let st = live.get();
    let qq = query.clone();
    let results = tokio::task::spawn_blocking(move || st.index.search_counted(&qq))
        .await
        .map_err(|e| ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: format!("search task failed: {e}"),
        })??;
    Ok(Json(SearchResponse {
        query: query.q,
        lang: query.lang,
        as_of: query.as_of,
        limit: query.limit,
        act: query.act,
        status: query.status,
        sort: query.sort,
        results,
    }))
}

/// The act texts of `id`, restricted to `lang`; 404 when none.
fn act_texts<'a>(
    state: &'a AppState,
    id: &str,
    lang: Option<Lang>,
) -> Result<Vec<&'a ConsolidatedAct>, ApiError> {
    let texts = state
        .acts
        .get(id)
        .ok_or_else(|| ApiError::not_found(format!("unknown act `{id}`")))?;
    let texts: Vec<_> = texts
        .iter()
        .filter(|a| lang.is_none_or(|l| a.lang == l))
        .collect();
    if texts.is_empty() {
        let l = lang.map(|l| l.code()).unwrap_or("");
        return Err(ApiError::not_found(format!("act `{id}` has no {l} text")));
    }
    Ok(texts)
}

#[derive(Serialize)]
struct UnitOut<'a> {
    unit: String,
    kind: Option<&'a str>,
    document: Option<&'a str>,
    text: &'a str,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
    estimated: bool,
    status: UnitStatus,
    changed_by: Option<&'a OrderCite>,
}

impl<'a> UnitOut<'a> {
    fn of(v: &'a UnitVersion) -> Self {
        UnitOut {
            unit: path_to_string(&v.path),
            kind: v.path.last().map(|u| u.kind.as_str()),
            document: v.document.as_deref(),
            text: &v.text,
            valid_from: v.valid_from,
            valid_to: v.valid_to,
            estimated: v.estimated,
            status: v.status,
            changed_by: v.changed_by.as_ref(),
        }
    }
}

/// When the act's wording changed: one entry per distinct start date of a non-original
/// version.
#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
struct Change {
    date: Option<NaiveDate>,
    order: Option<String>,
    units: usize,
}

#[derive(Serialize)]
struct ActText<'a> {
    lang: Lang,
    title: &'a str,
    base_known: bool,
    version_date: Option<NaiveDate>,
    /// All versions of all units in the index.
    versions: usize,
    /// Distinct units (document + path).
    units_total: usize,
    changes: Vec<Change>,
    conflicts: usize,
    /// Units in force (or repealed / unknown) on `as_of`.
    units: Vec<UnitOut<'a>>,
}

#[derive(Serialize)]
struct ActResponse<'a> {
    id: &'a str,
    as_of: NaiveDate,
    texts: Vec<ActText<'a>>,
}

fn changes(act: &ConsolidatedAct) -> Vec<Change> {
    let mut by: BTreeMap<(Option<NaiveDate>, Option<String>), usize> = BTreeMap::new();
    for v in act.versions.iter().filter(|v| v.changed_by.is_some()) {
        let order = v.changed_by.as_ref().map(|o| match o.date {
            Some(d) => format!("№ {} от {}", o.number, d.format("%d.%m.%Y")),
            None => format!("№ {}", o.number),
        });
        *by.entry((v.valid_from, order)).or_default() += 1;
    }
    by.into_iter()
        .map(|((date, order), units)| Change { date, order, units })
        .collect()
}

async fn act(
    State(live): State<Shared>,
    id: Result<UrlPath<String>, PathRejection>,
    p: Params,
) -> Result<Response, ApiError> {
    let id = path_id(id)?;
    let p = params(p)?;
    let lang = lang_param(&p)?;
    let as_of = date_param(&p)?;
    let state = live.get();
    let texts = act_texts(&state, &id, lang)?;
    let out = ActResponse {
        id: &id,
        as_of,
        texts: texts
            .into_iter()
            .map(|a| ActText {
                lang: a.lang,
                title: &a.title,
                base_known: a.base_known,
                version_date: a.version_date,
                versions: a.versions.len(),
                units_total: a
                    .versions
                    .iter()
                    .map(|v| (v.document.as_deref(), &v.path))
                    .collect::<BTreeSet<_>>()
                    .len(),
                changes: changes(a),
                conflicts: a.conflicts.len(),
                units: a.as_of(as_of).into_iter().map(UnitOut::of).collect(),
            })
            .collect(),
    };
    Ok(Json(out).into_response())
}

#[derive(Serialize)]
struct EventOut<'a> {
    unit: String,
    document: Option<&'a str>,
    kind: EventKind,
    order: Option<&'a OrderCite>,
    effective: Option<NaiveDate>,
    estimated: bool,
    source: &'a str,
}

#[derive(Serialize)]
struct HistoryText<'a> {
    lang: Lang,
    title: &'a str,
    events: Vec<EventOut<'a>>,
}

#[derive(Serialize)]
struct HistoryResponse<'a> {
    id: &'a str,
    unit: Option<String>,
    texts: Vec<HistoryText<'a>>,
}

fn event_out(e: &HistoryEvent) -> EventOut<'_> {
    EventOut {
        unit: path_to_string(&e.path),
        document: e.document.as_deref(),
        kind: e.kind,
        order: e.order.as_ref(),
        effective: e.effective,
        estimated: e.estimated,
        source: &e.source,
    }
}

/// True when `path` is `unit` or lies inside it (the history of a point includes its
/// subpoints').
fn within(path: &[UnitRef], unit: &[UnitRef]) -> bool {
    path.len() >= unit.len() && path[..unit.len()] == *unit
}

async fn history(
    State(live): State<Shared>,
    id: Result<UrlPath<String>, PathRejection>,
    p: Params,
) -> Result<Response, ApiError> {
    let id = path_id(id)?;
    let p = params(p)?;
    let lang = lang_param(&p)?;
    let unit = match param(&p, "unit") {
        None => None,
        Some(s) => Some(parse_path(s).ok_or_else(|| {
            ApiError::bad(format!(
                "bad unit `{s}`: use e.g. point:12 or point:12/subpoint:3"
            ))
        })?),
    };
    let document = param(&p, "document");
    let state = live.get();
    let texts = act_texts(&state, &id, lang)?;
    let out = HistoryResponse {
        id: &id,
        unit: unit.as_deref().map(path_to_string),
        texts: texts
            .into_iter()
            .map(|a| HistoryText {
                lang: a.lang,
                title: &a.title,
                events: a
                    .history
                    .iter()
                    .filter(|e| unit.as_deref().is_none_or(|u| within(&e.path, u)))
                    .filter(|e| document.is_none_or(|d| e.document.as_deref() == Some(d)))
                    .map(event_out)
                    .collect(),
            })
            .collect(),
    };
    Ok(Json(out).into_response())
}

#[derive(Serialize)]
struct VersionsText<'a> {
    lang: Lang,
    title: &'a str,
    editions: Vec<acts::Edition>,
}

/// `GET /api/acts/{id}/versions`: the act's editions (dates its wording changed, by which
/// orders).
async fn versions(
    State(live): State<Shared>,
    id: Result<UrlPath<String>, PathRejection>,
    p: Params,
) -> Result<Response, ApiError> {
    let id = path_id(id)?;
    let p = params(p)?;
    let lang = lang_param(&p)?;
    let state = live.get();
    let texts = act_texts(&state, &id, lang)?;
    let out: Vec<VersionsText> = texts
        .into_iter()
        .map(|a| VersionsText {
            lang: a.lang,
            title: &a.title,
            editions: acts::editions(a),
        })
        .collect();
    Ok(Json(serde_json::json!({"id": id, "texts": out})).into_response())
}

fn required_date(p: &HashMap<String, String>, name: &str) -> Result<NaiveDate, ApiError> {
    let s = param(p, name).ok_or_else(|| ApiError::bad(format!("missing parameter {name}")))?;
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d.%m.%Y"))
        .map_err(|_| ApiError::bad(format!("bad {name} `{s}`: use YYYY-MM-DD")))
}

#[derive(Serialize)]
struct DiffText<'a> {
    lang: Lang,
    title: &'a str,
    added: usize,
    removed: usize,
    changed: usize,
    units: Vec<acts::UnitDiff>,
}

/// `GET /api/acts/{id}/diff?from=&to=`: units added, removed and reworded between two dates,
/// with the old and new text and a word-level difference.
async fn diff(
    State(live): State<Shared>,
    id: Result<UrlPath<String>, PathRejection>,
    p: Params,
) -> Result<Response, ApiError> {
    let id = path_id(id)?;
    let p = params(p)?;
    let lang = lang_param(&p)?;
    let from = required_date(&p, "from")?;
    let to = match param(&p, "to") {
        None => chrono::Local::now().date_naive(),
        Some(_) => required_date(&p, "to")?,
    };
    let state = live.get();
    let texts = act_texts(&state, &id, lang)?;
    let out: Vec<DiffText> = texts
        .into_iter()
        .map(|a| {
            let units = acts::diff(a, from, to);
            let count = |c| units.iter().filter(|u| u.change == c).count();
            DiffText {
                lang: a.lang,
                title: &a.title,
                added: count(acts::Change::Added),
                removed: count(acts::Change::Removed),
                changed: count(acts::Change::Changed),
                units,
            }
        })
        .collect();
    Ok(Json(serde_json::json!({"id": id, "from": from, "to": to, "texts": out})).into_response())
}

#[derive(Serialize)]
struct UnitHistoryText<'a> {
    lang: Lang,
    title: &'a str,
    timeline: Vec<acts::TimelineEntry>,
    events: Vec<EventOut<'a>>,
}

/// `GET /api/acts/{id}/units/{path}/history`: one unit's wordings over time and its events
/// (the path keeps its slashes: `/api/acts/V…/units/point:12/subpoint:3/history`).
async fn unit_history(
    State(live): State<Shared>,
    rest: Result<UrlPath<(String, String)>, PathRejection>,
    p: Params,
) -> Result<Response, ApiError> {
    let UrlPath((id, rest)) = rest.map_err(|e| ApiError::bad(format!("bad path: {e}")))?;
    let id = id.trim().to_string();
    let Some(path_text) = rest.strip_suffix("/history") else {
        return Err(ApiError::not_found(
            "no such route: use /api/acts/{id}/units/{path}/history",
        ));
    };
    let path = parse_path(path_text)
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            ApiError::bad(format!(
                "bad unit `{path_text}`: use e.g. point:12 or point:12/subpoint:3"
            ))
        })?;
    let p = params(p)?;
    let lang = lang_param(&p)?;
    let document = param(&p, "document");
    let state = live.get();
    let texts = act_texts(&state, &id, lang)?;
    let out: Vec<UnitHistoryText> = texts
        .into_iter()
        .map(|a| UnitHistoryText {
            lang: a.lang,
            title: &a.title,
            timeline: acts::timeline(a, &path, document),
            events: a
                .history
                .iter()
                .filter(|e| e.path == path)
                .filter(|e| document.is_none_or(|d| e.document.as_deref() == Some(d)))
                .map(event_out)
                .collect(),
        })
        .collect();
    if out
        .iter()
        .all(|t| t.timeline.is_empty() && t.events.is_empty())
    {
        return Err(ApiError::not_found(format!(
            "act `{id}` has no unit {}",
            path_to_string(&path)
        )));
    }
    Ok(
        Json(serde_json::json!({"id": id, "unit": path_to_string(&path), "texts": out}))
            .into_response(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower::ServiceExt;

    #[tokio::test]
    async fn slow_requests_get_503_json_not_a_hang() {
        let app: Router = Router::new()
            .route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    "late"
                }),
            )
            .layer(axum::middleware::from_fn(|req, next| {
                guard(req, next, Duration::from_millis(50))
            }));
        let req = axum::http::Request::get("/slow")
            .body(axum::body::Body::empty())
            .unwrap();
        let res = tokio::time::timeout(Duration::from_secs(5), app.oneshot(req))
            .await
            .expect("answered within the limit")
            .unwrap();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        let body = axum::body::to_bytes(res.into_body(), 1 << 16)
            .await
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["status"], 503, "{v}");
    }

    #[test]
    fn query_complexity_counts_words_and_nesting() {
        assert_eq!(query_complexity("a b c"), (3, 1));
        assert_eq!(query_complexity("a OR (b AND (c OR d))").1, 3);
        assert_eq!(query_complexity("\"a b c d\"").0, 4);
        assert!(query_complexity("((((((((((x").1 >= 10);
    }

    /// Unclosed parentheses up to the depth limit parse quickly (beyond it they are refused
    /// unparsed).
    #[test]
    fn unclosed_parentheses_at_the_limit_are_cheap() {
        let q = format!("(a OR b) AJ l{}im:it", "(".repeat(limits::MAX_DEPTH));
        let start = std::time::Instant::now();
        let _ = query_complexity(&q);
        let _ = query_complexity(&format!("{}x", "(".repeat(100)));
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "{:?}",
            start.elapsed()
        );
    }
}
