//! Ingest: read a corpus folder (consolidated acts as `.md` + `meta.yaml`, orders as `.txt` in
//! any common encoding or `.pdf` with a text layer) into [`SourceDoc`]s. A file that cannot be
//! read becomes an [`IngestFailure`] naming the file; the rest of the batch goes on.

mod pdf;
/// PDF text layer from bytes (the fuzz targets call it without a file).
pub use pdf::extract_text as pdf_text;

use crate::model::{ActMeta, Lang, SourceDoc, SourceFormat};
use crate::repair;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Why a file could not be read. The message always names the file.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: no such file or folder")]
    Missing { path: String },
    #[error("{path}: is a folder, not a file")]
    IsDir { path: String },
    #[error("{path}: cannot read: {msg}")]
    Io { path: String, msg: String },
    #[error("{path}: the file is empty")]
    Empty { path: String },
    #[error("{path}: not text: {msg}")]
    NotText { path: String, msg: String },
    #[error("{path}: {msg}")]
    Pdf { path: String, msg: String },
    #[error("{path}: bad metadata: {msg}")]
    Meta { path: String, msg: String },
    #[error("{path}: too large ({size} bytes; the limit is {limit} bytes): split it or raise ZAN_MAX_FILE_BYTES")]
    TooLarge { path: String, size: u64, limit: u64 },
    #[error("{path}: unsupported file type (expected .txt, .md or .pdf)")]
    Unsupported { path: String },
}

/// A file of the batch that could not be read, with the reason.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IngestFailure {
    pub path: PathBuf,
    pub message: String,
}

/// Everything read from a corpus folder.
#[derive(Debug, Default)]
pub struct Corpus {
    /// Consolidated acts with metadata (one doc per language).
    pub acts: Vec<SourceDoc>,
    /// Other texts: amending orders, plain-text acts, PDFs.
    pub texts: Vec<SourceDoc>,
    pub failures: Vec<IngestFailure>,
}

/// Largest file read by default: legal acts are well under a megabyte; anything bigger is a dump
/// that would only cost memory (a PDF's objects are held in memory several times over).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The size limit: `ZAN_MAX_FILE_BYTES` if set to a number, else [`MAX_FILE_BYTES`].
pub fn max_file_bytes() -> u64 {
    std::env::var("ZAN_MAX_FILE_BYTES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(MAX_FILE_BYTES)
}

/// Read the raw bytes of a file with errors that name it.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, IngestError> {
    let p = path.display().to_string();
    let md = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => IngestError::Missing { path: p.clone() },
        _ => IngestError::Io {
            path: p.clone(),
            msg: e.to_string(),
        },
    })?;
    if md.is_dir() {
        return Err(IngestError::IsDir { path: p });
    }
    let limit = max_file_bytes();
    if md.len() > limit {
        return Err(IngestError::TooLarge {
            path: p,
            size: md.len(),
            limit,
        });
    }
    let bytes = std::fs::read(path).map_err(|e| IngestError::Io {
        path: p.clone(),
        msg: e.to_string(),
    })?;
    if bytes.is_empty() {
        return Err(IngestError::Empty { path: p });
    }
    Ok(bytes)
}

/// Decode a text file's bytes (any common encoding) to UTF-8.
pub fn read_text(path: &Path) -> Result<String, IngestError> {
    let bytes = read_bytes(path)?;
    decode(path, &bytes)
}

fn decode(path: &Path, bytes: &[u8]) -> Result<String, IngestError> {
    let p = path.display().to_string();
    match repair::decode_bytes(bytes) {
        Ok((text, _enc)) if text.trim().is_empty() => Err(IngestError::Empty { path: p }),
        Ok((text, _enc)) => Ok(text),
        Err(repair::DecodeError::Empty) => Err(IngestError::Empty { path: p }),
        Err(e) => Err(IngestError::NotText {
            path: p,
            msg: e.to_string(),
        }),
    }
}

/// Read one order or act file (`.txt`, `.md`, `.pdf`); the language is detected from the text.
pub fn read_file(path: &Path) -> Result<SourceDoc, IngestError> {
    read_file_with(path, false)
}

/// [`read_file`]; with `ocr`, a PDF without a text layer is OCR'd by tesseract when installed.
pub fn read_file_with(path: &Path, ocr: bool) -> Result<SourceDoc, IngestError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let bytes = read_bytes(path)?;
    let (text, format) = match ext.as_str() {
        "pdf" => (pdf::extract_text_ocr(path, &bytes, ocr)?, SourceFormat::Pdf),
        "md" | "markdown" => (decode(path, &bytes)?, SourceFormat::Markdown),
        "txt" | "text" | "" => {
            if bytes.starts_with(b"%PDF-") {
                (pdf::extract_text_ocr(path, &bytes, ocr)?, SourceFormat::Pdf)
            } else {
                (decode(path, &bytes)?, SourceFormat::Text)
            }
        }
        _ => {
            return Err(IngestError::Unsupported {
                path: path.display().to_string(),
            })
        }
    };
    // A scan read by an English OCR is all Latin look-alikes: its language shows only once
    // decoded, which `garbled_lang` does.
    let lang = repair::ocr::garbled_lang(&text).unwrap_or_else(|| repair::detect_lang(&text));
    Ok(SourceDoc {
        path: path.to_path_buf(),
        lang,
        format,
        text,
        meta: None,
    })
}

fn yaml_str(v: &serde_yaml::Value, key: &str) -> Option<String> {
    match v.get(key)? {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A `YYYY-MM-DD` date of a YAML value, quoted or not.
pub(crate) fn yaml_date(v: Option<&serde_yaml::Value>) -> Option<NaiveDate> {
    let s = match v? {
        serde_yaml::Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other).ok()?.trim().to_string(),
    };
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// Parse the corpus's `meta.yaml` (only the fields zan uses).
pub fn read_meta(path: &Path) -> Result<ActMeta, IngestError> {
    let text = read_text(path)?;
    parse_meta(&text).map_err(|msg| IngestError::Meta {
        path: path.display().to_string(),
        msg,
    })
}

/// Parse the text of a `meta.yaml`.
pub fn parse_meta(text: &str) -> Result<ActMeta, String> {
    let v: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    if !v.is_mapping() {
        return Err("not a YAML mapping".into());
    }
    let title = v.get("title");
    let version = v.get("version_date");
    Ok(ActMeta {
        act_code: yaml_str(&v, "act_code"),
        requisite: yaml_str(&v, "requisite"),
        title_ru: title.and_then(|t| yaml_str(t, "rus")),
        title_kk: title.and_then(|t| yaml_str(t, "kaz")),
        approved_on: yaml_date(v.get("approved_on")),
        version_date_ru: yaml_date(version.and_then(|t| t.get("rus"))),
        version_date_kk: yaml_date(version.and_then(|t| t.get("kaz"))),
    })
}

/// Files that document a corpus rather than belong to it.
fn is_documentation(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    name == "readme.md" || name.ends_with(".tsv") || name.starts_with('.')
}

/// Read a whole corpus folder. Folders holding `meta.yaml` are consolidated acts (`rus.md`,
/// `kaz.md`); every other `.txt`/`.md`/`.pdf` is a text (order or act). Only a missing or
/// unreadable root is an error; bad files are listed in [`Corpus::failures`].
pub fn load_corpus(dir: &Path) -> Result<Corpus, IngestError> {
    load_corpus_with(dir, false)
}

/// [`load_corpus`]; with `ocr`, PDFs without a text layer are read by tesseract (see
/// [`read_file_with`]) instead of being listed as failures.
pub fn load_corpus_with(dir: &Path, ocr: bool) -> Result<Corpus, IngestError> {
    let p = dir.display().to_string();
    if !dir.exists() {
        return Err(IngestError::Missing { path: p });
    }
    if !dir.is_dir() {
        return Err(IngestError::Io {
            path: p,
            msg: "not a folder".into(),
        });
    }
    let mut corpus = Corpus::default();
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
    {
        match entry {
            Ok(e) if e.file_type().is_file() => files.push(e.into_path()),
            Ok(_) => {}
            Err(e) => corpus.failures.push(IngestFailure {
                path: e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| dir.to_path_buf()),
                message: e.to_string(),
            }),
        }
    }
    for path in files {
        let folder = path.parent().unwrap_or(dir);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let has_meta = folder.join("meta.yaml").is_file();
        if name == "meta.yaml" || (is_documentation(&path) && !has_meta) {
            continue;
        }
        if has_meta && (name == "rus.md" || name == "kaz.md") {
            let lang = if name == "rus.md" { Lang::Ru } else { Lang::Kk };
            let res = read_meta(&folder.join("meta.yaml")).and_then(|meta| {
                let text = read_text(&path)?;
                Ok(SourceDoc {
                    path: path.clone(),
                    lang,
                    format: SourceFormat::Markdown,
                    text,
                    meta: Some(meta),
                })
            });
            match res {
                Ok(doc) => corpus.acts.push(doc),
                Err(e) => corpus.failures.push(IngestFailure {
                    path: path.clone(),
                    message: e.to_string(),
                }),
            }
            continue;
        }
        match read_file_with(&path, ocr) {
            Ok(doc) => corpus.texts.push(doc),
            Err(e) => corpus.failures.push(IngestFailure {
                path: path.clone(),
                message: e.to_string(),
            }),
        }
    }
    Ok(corpus)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_of_a_corpus_act() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/acts/142971/meta.yaml");
        let m = read_meta(&dir).unwrap();
        assert_eq!(m.act_code.as_deref(), Some("142971"));
        assert!(m.requisite.unwrap().contains("№ 20668"));
        assert_eq!(m.version_date_kk, NaiveDate::from_ymd_opt(2021, 12, 10));
        assert!(m.title_kk.unwrap().contains("апостильдеу"));
    }

    #[test]
    fn errors_name_the_file() {
        let e = read_file(Path::new("/nonexistent/x.txt")).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/x.txt"));
        let e = read_file(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap_err();
        assert!(e.to_string().contains("is a folder"));
    }

    #[test]
    fn bad_yaml_is_an_error_not_a_panic() {
        assert!(parse_meta(": : :\n - [").is_err());
        assert!(parse_meta("just a string").is_err());
    }
}
