//! Building an index folder crash-safely: every build is a new generation folder inside the
//! index folder, made live by atomically replacing the pointer file `CURRENT` (see
//! [`build_index_with`]), so a crash or an error never leaves a half-written or missing index
//! where the server or `zan search` would open it.

use super::{
    analyzer, date_to_days, schema, Fields, ACTS_FILE, FORMAT_VERSION, SUMMARY_FILE, TANTIVY_META,
};
use crate::consolidate::ConsolidatedAct;
use crate::model::{path_to_string, Lang, UnitStatus, UnitVersion};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use tantivy::{Index, IndexWriter, TantivyDocument};

/// Memory budget of the index writer: small, the corpus is small and the machine modest.
const WRITER_HEAP_BYTES: usize = 64 * 1024 * 1024;
/// Unit versions from which the index is written by several threads.
pub const PARALLEL_FROM: usize = 200_000;

/// Counts written to `summary.json` and returned to the CLI.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexSummary {
    /// Distinct act IDs.
    pub acts: usize,
    /// Distinct languages.
    pub languages: usize,
    /// Act texts (one act in one language), i.e. `ConsolidatedAct` records.
    #[serde(default)]
    pub texts: usize,
    /// Indexed documents: one per unit version.
    pub unit_versions: usize,
    pub in_force: usize,
    pub repealed: usize,
    pub unknown: usize,
    /// Conflicts carried by the acts (reported by consolidate).
    #[serde(default)]
    pub conflicts: usize,
    #[serde(default)]
    pub format_version: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("tantivy error while building {path}: {source}")]
    Tantivy {
        path: PathBuf,
        #[source]
        source: tantivy::TantivyError,
    },
    #[error("writing {path}: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    /// Refuse to replace a folder that is not a zan index: it may hold someone's files.
    #[error("{0} exists and is not a zan index (no meta.json/summary.json); refusing to replace it — choose another folder or remove it")]
    NotAnIndex(PathBuf),
    #[error("bad index path {0}: it must name a folder")]
    BadPath(PathBuf),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> IndexError + '_ {
    move |source| IndexError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// How to build an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildOptions {
    /// Index stems (the default); `false` indexes exact forms only, the baseline that
    /// `zan eval search` compares against.
    pub stemming: bool,
    /// Put the versions that ended before today in a segment of their own (see `write_all`);
    /// `None`: from [`PARALLEL_FROM`] versions on.
    pub split_ended: Option<bool>,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            stemming: true,
            split_ended: None,
        }
    }
}

/// Name of the pointer file inside an index folder: one line, the name of the live generation.
pub const CURRENT_FILE: &str = "CURRENT";
/// Prefix of generation folders (`gen-1`, `gen-2`, …) and of folders being built.
const GEN_PREFIX: &str = "gen-";
const BUILD_PREFIX: &str = "build-";

/// The folder holding the live index of `dir`: the generation `CURRENT` names, or `dir` itself
/// when there is no pointer (an index of the older flat layout, or a generation folder).
///
/// A `CURRENT` naming anything but a `gen-N` folder is ignored (it cannot point outside).
pub fn current_dir(dir: &Path) -> PathBuf {
    match fs::read_to_string(dir.join(CURRENT_FILE)) {
        Ok(s) => match gen_number(s.trim()) {
            Some(_) => dir.join(s.trim()),
            None => dir.to_path_buf(),
        },
        Err(_) => dir.to_path_buf(),
    }
}

fn gen_number(name: &str) -> Option<u64> {
    name.strip_prefix(GEN_PREFIX)?.parse().ok()
}

/// Builds the index of `acts` in `dir`, replacing an index already there.
///
/// `progress(done, total)` is called with unit versions written so far and their total,
/// after each act text and once at the end.
pub fn build_index(
    dir: &Path,
    acts: &[ConsolidatedAct],
    progress: &mut dyn FnMut(usize, usize),
) -> Result<IndexSummary, IndexError> {
    build_index_with(dir, acts, BuildOptions::default(), progress)
}

/// [`build_index`] with options.
///
/// Crash safety: the index lives in a generation folder `dir/gen-N`, and `dir/CURRENT` names
/// the live one. A build writes `dir/build-<pid>`, syncs it, renames it to the next `gen-N`,
/// then replaces `CURRENT` by writing `CURRENT.tmp-<pid>`, syncing it and renaming it over
/// (atomic on POSIX), and syncs `dir`. A kill at any moment leaves `CURRENT` naming a complete
/// generation (the old one until the rename, the new one after); leftovers of killed builds
/// and generations older than the previous one are removed by the next build. The previous
/// generation is kept so that a reader that read `CURRENT` just before the swap can still
/// open what it names.
pub fn build_index_with(
    dir: &Path,
    acts: &[ConsolidatedAct],
    options: BuildOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<IndexSummary, IndexError> {
    let dir = std::path::absolute(dir).map_err(io(dir))?;
    if dir.file_name().is_none() || dir.parent().is_none() {
        return Err(IndexError::BadPath(dir));
    }
    if dir.exists() && !is_replaceable(&dir)? {
        return Err(IndexError::NotAnIndex(dir));
    }
    fs::create_dir_all(&dir).map_err(io(&dir))?;
    let pid = std::process::id();
    let tmp = dir.join(format!("{BUILD_PREFIX}{pid}"));
    if tmp.exists() {
        // Left by a crashed run that had our pid: it is ours to clear.
        fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
    }
    fs::create_dir_all(&tmp).map_err(io(&tmp))?;

    let summary = match write_all(&tmp, acts, options, progress) {
        Ok(s) => s,
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    if let Err(e) = publish(&tmp, &dir, pid) {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    Ok(summary)
}

/// An existing `dir` may be replaced when it is empty or holds an index (ours, of either
/// layout, or tantivy's).
fn is_replaceable(dir: &Path) -> Result<bool, IndexError> {
    if !dir.is_dir() {
        return Ok(false);
    }
    // Hidden files (a `.gitkeep` in the repository's `index/`) do not make a folder "used".
    let mut entries = fs::read_dir(dir).map_err(io(dir))?;
    if entries.all(|e| e.is_ok_and(|e| e.file_name().to_string_lossy().starts_with('.'))) {
        return Ok(true);
    }
    Ok(dir.join(CURRENT_FILE).is_file()
        || dir.join(TANTIVY_META).is_file()
        || dir.join(SUMMARY_FILE).is_file())
}

/// Syncs a file or folder to disk (a folder: its entries, i.e. renames inside it).
fn sync(path: &Path) -> Result<(), IndexError> {
    fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(io(path))
}

/// Makes the finished build `tmp` the live generation of `dir`, then removes what is no
/// longer needed.
fn publish(tmp: &Path, dir: &Path, pid: u32) -> Result<(), IndexError> {
    // tantivy syncs its own files; acts.json and summary.json are synced by write_json.
    sync(tmp)?;
    let live = fs::read_to_string(dir.join(CURRENT_FILE)).ok();
    let live = live.as_deref().map(str::trim).and_then(gen_number);
    let highest = generations(dir)?.into_iter().map(|(n, _)| n).max();
    let next = highest.max(live).map_or(1, |n| n + 1);
    let gen_name = format!("{GEN_PREFIX}{next}");
    let gen = dir.join(&gen_name);
    fs::rename(tmp, &gen).map_err(io(&gen))?;
    sync(dir)?;
    let pointer_tmp = dir.join(format!("{CURRENT_FILE}.tmp-{pid}"));
    {
        use std::io::Write;
        let mut f = fs::File::create(&pointer_tmp).map_err(io(&pointer_tmp))?;
        f.write_all(format!("{gen_name}\n").as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(io(&pointer_tmp))?;
    }
    let pointer = dir.join(CURRENT_FILE);
    fs::rename(&pointer_tmp, &pointer).map_err(io(&pointer))?;
    sync(dir)?;
    // From here on the new index is live: clean-up failures only waste space.
    collect_garbage(dir, next, live);
    Ok(())
}

/// `gen-N` folders in `dir`.
fn generations(dir: &Path) -> Result<Vec<(u64, PathBuf)>, IndexError> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).map_err(io(dir))?.flatten() {
        if let Some(n) = gen_number(&e.file_name().to_string_lossy()) {
            out.push((n, e.path()));
        }
    }
    Ok(out)
}

/// True when a process with this id runs (so its build folder is not stale).
fn pid_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: kill with signal 0 only checks that the process exists; it sends nothing.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Removes generations other than the live one and the previous one, builds and pointer
/// files of dead processes, the files of the older flat layout, and the sibling
/// `<dir>.tmp-*` / `<dir>.old-*` folders that layout's builds left when killed.
fn collect_garbage(dir: &Path, live: u64, previous: Option<u64>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        let stale_pid = |rest: &str| rest.parse::<u32>().is_ok_and(|p| !pid_alive(p));
        if let Some(n) = gen_number(&name) {
            if n != live && Some(n) != previous {
                let _ = fs::remove_dir_all(&path);
            }
        } else if let Some(rest) = name.strip_prefix(BUILD_PREFIX) {
            if stale_pid(rest) {
                let _ = fs::remove_dir_all(&path);
            }
        } else if let Some(rest) = name.strip_prefix(&format!("{CURRENT_FILE}.tmp-")) {
            if stale_pid(rest) {
                let _ = fs::remove_file(&path);
            }
        } else if name == ".managed.json" || name.starts_with(".tantivy-") {
            // tantivy's bookkeeping of the flat layout.
            let _ = fs::remove_file(&path);
        } else if name == CURRENT_FILE || name.starts_with('.') {
            // The pointer and hidden files (`.gitkeep`) stay.
        } else if path.is_file() {
            // tantivy files, acts.json and summary.json of the flat layout, now shadowed by
            // CURRENT.
            let _ = fs::remove_file(&path);
        }
    }
    let (Some(parent), Some(base)) = (dir.parent(), dir.file_name()) else {
        return;
    };
    let base = base.to_string_lossy();
    if let Ok(entries) = fs::read_dir(parent) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(rest) = name.strip_prefix(base.as_ref()) else {
                continue;
            };
            let pid = rest
                .strip_prefix(".tmp-")
                .or_else(|| rest.strip_prefix(".old-"));
            if pid.is_some_and(|p| p.parse::<u32>().is_ok_and(|p| !pid_alive(p))) {
                let _ = fs::remove_dir_all(e.path());
            }
        }
    }
}

fn write_all(
    tmp: &Path,
    acts: &[ConsolidatedAct],
    options: BuildOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<IndexSummary, IndexError> {
    let tv = |source| IndexError::Tantivy {
        path: tmp.to_path_buf(),
        source,
    };
    let (schema, fields) = schema(options.stemming);
    // Smaller store blocks than tantivy's 16 KB: a result page loads ~20 documents from
    // random places, and each costs the decompression of its whole block.
    let settings = tantivy::IndexSettings {
        docstore_blocksize: 4096,
        ..Default::default()
    };
    let index = Index::builder()
        .schema(schema)
        .settings(settings)
        .create_in_dir(tmp)
        .map_err(tv)?;
    analyzer::register(&index);
    let total: usize = acts.iter().map(|a| a.versions.len()).sum();
    // One indexing thread below a size where threads pay: one segment, documents in input
    // order, so equal scores rank the same on every build (search results are reproducible).
    let threads = if total < PARALLEL_FROM {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
    };
    let mut writer: IndexWriter = index
        .writer_with_num_threads(threads, WRITER_HEAP_BYTES * threads)
        .map_err(tv)?;

    let mut summary = IndexSummary {
        format_version: FORMAT_VERSION,
        texts: acts.len(),
        ..Default::default()
    };
    let mut ids = BTreeSet::new();
    let mut langs = BTreeSet::<Lang>::new();
    let mut done = 0;
    progress(0, total);
    // A large index keeps the versions that ended before today apart, in a segment of their
    // own: a search of the wording in force today (most searches) then skips that segment
    // whole, a third of a large index. A small one stays one segment, in input order.
    let today = date_to_days(chrono::Local::now().date_naive());
    let ended = |v: &UnitVersion| v.valid_to.is_some_and(|d| date_to_days(d) <= today);
    let passes: &[Option<bool>] = if options.split_ended.unwrap_or(total >= PARALLEL_FROM) {
        &[Some(false), Some(true)]
    } else {
        &[None]
    };
    // Segments are merged below, by group, never across groups in the background.
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    let mut groups: Vec<Vec<tantivy::index::SegmentId>> = Vec::new();
    for pass in passes {
        for act in acts {
            let (issuer, year) = act_issuer_year(act);
            let meta = ActMetaFields {
                issuer: issuer.as_deref(),
                year,
            };
            let mut added = 0;
            for v in act
                .versions
                .iter()
                .filter(|v| pass.is_none_or(|p| ended(v) == p))
            {
                writer
                    .add_document(document(&fields, act, &meta, v))
                    .map_err(tv)?;
                match v.status {
                    UnitStatus::InForce => summary.in_force += 1,
                    UnitStatus::Repealed => summary.repealed += 1,
                    UnitStatus::Unknown => summary.unknown += 1,
                }
                added += 1;
            }
            if pass.is_none_or(|p| !p) {
                ids.insert(act.id.as_str());
                langs.insert(act.lang);
                summary.conflicts += act.conflicts.len();
            }
            done += added;
            progress(done, total);
        }
        writer.commit().map_err(tv)?;
        let before: Vec<_> = groups.iter().flatten().cloned().collect();
        let segments = index.searchable_segment_ids().map_err(tv)?;
        groups.push(
            segments
                .into_iter()
                .filter(|s| !before.contains(s))
                .collect(),
        );
    }
    // One segment per group: every search pays per segment (term look-ups, the act
    // dictionary of the groups), and the index is read-only once built.
    for group in groups.iter().filter(|g| g.len() > 1) {
        writer.merge(group).wait().map_err(tv)?;
    }
    writer.wait_merging_threads().map_err(tv)?;
    summary.acts = ids.len();
    summary.languages = langs.len();
    summary.unit_versions = done;

    write_json(&tmp.join(ACTS_FILE), &acts)?;
    write_json(&tmp.join(SUMMARY_FILE), &summary)?;
    Ok(summary)
}

fn write_json<T: Serialize + ?Sized>(path: &Path, value: &T) -> Result<(), IndexError> {
    let file = fs::File::create(path).map_err(io(path))?;
    let mut w = std::io::BufWriter::new(file);
    serde_json::to_writer(&mut w, value).map_err(|source| IndexError::Json {
        path: path.to_path_buf(),
        source,
    })?;
    use std::io::Write;
    w.flush().map_err(io(path))?;
    w.get_ref().sync_all().map_err(io(path))
}

/// The act's issuer and year, from the history event of its original wording (whose order
/// is the act itself, with the issuer of its requisites); the year falls back to the earliest
/// date a version starts.
pub fn act_issuer_year(act: &ConsolidatedAct) -> (Option<String>, Option<i32>) {
    use crate::model::EventKind;
    use chrono::Datelike;
    let own = act
        .history
        .iter()
        .filter(|e| e.kind == EventKind::Original)
        .find_map(|e| e.order.as_ref());
    let issuer = own
        .and_then(|o| o.issuer.as_deref())
        .map(|i| i.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|i| !i.is_empty());
    let year = own
        .and_then(|o| o.date)
        .or_else(|| act.versions.iter().filter_map(|v| v.valid_from).min())
        .map(|d| d.year());
    (issuer, year)
}

struct ActMetaFields<'a> {
    issuer: Option<&'a str>,
    year: Option<i32>,
}

/// The tantivy document of one unit version. The act's own title fills `act_title` when the
/// version lacks it (versions built by hand or by older stages).
fn document(
    f: &Fields,
    act: &ConsolidatedAct,
    meta: &ActMetaFields,
    v: &UnitVersion,
) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    let act_id = if v.act_id.is_empty() {
        &act.id
    } else {
        &v.act_id
    };
    let title = if v.act_title.is_empty() {
        &act.title
    } else {
        &v.act_title
    };
    d.add_text(f.act_id, act_id);
    d.add_text(f.lang, v.lang.code());
    d.add_text(f.act_title, title);
    if let Some(doc) = &v.document {
        d.add_text(f.document, doc);
        d.add_text(f.doc_key, doc);
    }
    d.add_text(f.stemmed_text(v.lang), &v.text);
    d.add_text(f.stemmed_ctx(v.lang), title);
    if let Some(doc) = &v.document {
        d.add_text(f.stemmed_ctx(v.lang), doc);
    }
    if let Some(issuer) = meta.issuer {
        d.add_text(f.issuer, issuer);
    }
    if let Some(year) = meta.year.and_then(|y| u64::try_from(y).ok()) {
        d.add_u64(f.year, year);
    }
    d.add_text(f.path, path_to_string(&v.path));
    if let Some(last) = v.path.last() {
        d.add_text(f.unit_kind, last.kind.as_str());
    }
    d.add_text(f.text, &v.text);
    d.add_i64(f.valid_from, v.valid_from.map_or(i64::MIN, date_to_days));
    d.add_i64(f.valid_to, v.valid_to.map_or(i64::MAX, date_to_days));
    d.add_bool(f.estimated, v.estimated);
    d.add_text(f.status, v.status.as_str());
    let changed_by = v
        .changed_by
        .as_ref()
        .and_then(|c| serde_json::to_string(c).ok())
        .unwrap_or_default();
    d.add_text(f.changed_by, changed_by);
    d
}
