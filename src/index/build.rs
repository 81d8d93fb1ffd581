//! Building an index folder atomically: everything is written into a sibling folder
//! `<dir>.tmp-<pid>` and renamed into place only when complete, so a crash or an error never
//! leaves a half-written index where the server or `zan search` would open it.

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
const PARALLEL_FROM: usize = 200_000;

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
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions { stemming: true }
    }
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
pub fn build_index_with(
    dir: &Path,
    acts: &[ConsolidatedAct],
    options: BuildOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<IndexSummary, IndexError> {
    let dir = std::path::absolute(dir).map_err(io(dir))?;
    let name = dir
        .file_name()
        .ok_or_else(|| IndexError::BadPath(dir.clone()))?
        .to_string_lossy()
        .into_owned();
    let parent = dir
        .parent()
        .ok_or_else(|| IndexError::BadPath(dir.clone()))?;
    if dir.exists() && !is_replaceable(&dir)? {
        return Err(IndexError::NotAnIndex(dir));
    }
    fs::create_dir_all(parent).map_err(io(parent))?;
    let pid = std::process::id();
    let tmp = parent.join(format!("{name}.tmp-{pid}"));
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
    if let Err(e) = swap_in(&tmp, &dir, parent, &name, pid) {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    Ok(summary)
}

/// An existing `dir` may be replaced when it is empty or holds an index (ours or tantivy's).
fn is_replaceable(dir: &Path) -> Result<bool, IndexError> {
    if !dir.is_dir() {
        return Ok(false);
    }
    // Hidden files (a `.gitkeep` in the repository's `index/`) do not make a folder "used".
    let mut entries = fs::read_dir(dir).map_err(io(dir))?;
    if entries.all(|e| e.is_ok_and(|e| e.file_name().to_string_lossy().starts_with('.'))) {
        return Ok(true);
    }
    Ok(dir.join(TANTIVY_META).is_file() || dir.join(SUMMARY_FILE).is_file())
}

/// Moves the finished `tmp` to `dir`: old index renamed away first, then the new one renamed
/// in, then the old one deleted. Between the two renames `dir` is briefly absent (readers get
/// "no index"), never half-written. On failure the old index is put back.
fn swap_in(tmp: &Path, dir: &Path, parent: &Path, name: &str, pid: u32) -> Result<(), IndexError> {
    let old = parent.join(format!("{name}.old-{pid}"));
    let had_old = dir.exists();
    if had_old {
        // Keep the folder's hidden files (e.g. `.gitkeep`) across the swap.
        if let Ok(entries) = fs::read_dir(dir) {
            for e in entries.flatten() {
                let n = e.file_name();
                if n.to_string_lossy().starts_with('.') && e.path().is_file() {
                    let _ = fs::copy(e.path(), tmp.join(&n));
                }
            }
        }
        if old.exists() {
            fs::remove_dir_all(&old).map_err(io(&old))?;
        }
        fs::rename(dir, &old).map_err(io(dir))?;
    }
    if let Err(e) = fs::rename(tmp, dir) {
        if had_old {
            let _ = fs::rename(&old, dir);
        }
        return Err(IndexError::Io {
            path: dir.to_path_buf(),
            source: e,
        });
    }
    if had_old {
        // The new index is in place; a leftover old folder is only wasted space.
        let _ = fs::remove_dir_all(&old);
    }
    Ok(())
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
    let index = Index::create_in_dir(tmp, schema).map_err(tv)?;
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
    for act in acts {
        ids.insert(act.id.as_str());
        langs.insert(act.lang);
        summary.conflicts += act.conflicts.len();
        let (issuer, year) = act_issuer_year(act);
        let meta = ActMetaFields {
            issuer: issuer.as_deref(),
            year,
        };
        for v in &act.versions {
            writer
                .add_document(document(&fields, act, &meta, v))
                .map_err(tv)?;
            match v.status {
                UnitStatus::InForce => summary.in_force += 1,
                UnitStatus::Repealed => summary.repealed += 1,
                UnitStatus::Unknown => summary.unknown += 1,
            }
            done += 1;
        }
        progress(done, total);
    }
    writer.commit().map_err(tv)?;
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
