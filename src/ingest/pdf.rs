//! Text layer of a PDF via lopdf. A PDF without one gets a clear message: it needs OCR.

use super::IngestError;
use std::path::Path;

/// Extract the text of every page, pages separated by a blank line.
pub fn extract_text(path: &Path, bytes: &[u8]) -> Result<String, IngestError> {
    let p = path.display().to_string();
    let doc = lopdf::Document::load_mem(bytes).map_err(|e| IngestError::Pdf {
        path: p.clone(),
        msg: format!("not a readable PDF: {e}"),
    })?;
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    if pages.is_empty() {
        return Err(IngestError::Pdf {
            path: p,
            msg: "the PDF has no pages".into(),
        });
    }
    let mut out = String::new();
    for n in pages {
        // A page whose text cannot be extracted is skipped, not fatal: the rest may still read.
        if let Ok(t) = doc.extract_text(&[n]) {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&t);
        }
    }
    if out.trim().is_empty() {
        return Err(IngestError::Pdf {
            path: p,
            msg: "the PDF has no text layer (a scan?): run OCR first, e.g. `tesseract page.png out -l kaz+rus`".into(),
        });
    }
    Ok(out)
}
