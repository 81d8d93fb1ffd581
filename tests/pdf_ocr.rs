//! `--ocr` on a PDF without a text layer: `scan_kk.pdf` is a page of LibreOffice's `kk.pdf`
//! rendered to an image and wrapped as an image-only PDF (recipe in tests/fixtures/pdf/README.md).
//! The OCR test needs `pdftoppm` (poppler-utils) and `tesseract` with kaz+rus (`.ci/run` installs
//! them) and skips with a message without them.

use std::path::Path;
use std::process::Command;

const SCAN: &str = "tests/fixtures/pdf/scan_kk.pdf";

fn have(prog: &str, arg: &str) -> Option<String> {
    let out = Command::new(prog).arg(arg).output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr))
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .collect()
}

#[test]
fn scan_without_ocr_gets_a_clear_message() {
    let err = zan::ingest::read_file(Path::new(SCAN))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no text layer") && err.contains("--ocr"),
        "{err}"
    );
}

#[test]
fn missing_programs_are_named() {
    // No program can be found on an empty PATH.
    let out = Command::new(env!("CARGO_BIN_EXE_zan"))
        .args(["repair", "--ocr", SCAN])
        .env("PATH", "")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`tesseract`") && err.contains("not installed"),
        "{err}"
    );
}

#[test]
fn scan_is_read_by_tesseract() {
    let langs = have("tesseract", "--list-langs");
    let ok = langs.as_deref().is_some_and(|l| {
        l.lines().any(|x| x.trim() == "kaz") && l.lines().any(|x| x.trim() == "rus")
    });
    if !ok || have("pdftoppm", "-v").is_none() {
        eprintln!("SKIPPED: needs tesseract (kaz+rus) and pdftoppm (poppler-utils); .ci/run installs them");
        return;
    }
    let doc = zan::ingest::read_file_with(Path::new(SCAN), true).unwrap();
    assert_eq!(doc.lang, zan::model::Lang::Kk);
    let source = std::fs::read_to_string("tests/fixtures/pdf/kk.txt").unwrap();
    let got: std::collections::HashSet<String> = words(&doc.text).into_iter().collect();
    let want = words(&source);
    let found = want.iter().filter(|w| got.contains(*w)).count();
    // OCR is not exact (`№` comes out as `Юю`), but nearly every word of the page must be read.
    assert!(
        found * 100 >= want.len() * 90,
        "{found} of {} words read:\n{}",
        want.len(),
        doc.text
    );
}

/// A corpus folder holding a scan: without `--ocr` the scan is a listed failure that says what to
/// do; with it (`zan index --ocr`, `zan pipeline --ocr`) the scan is read as a text.
#[test]
fn corpus_folder_with_a_scan() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(SCAN, dir.path().join("scan_kk.pdf")).unwrap();
    let plain = zan::ingest::load_corpus(dir.path()).unwrap();
    assert!(plain.texts.is_empty());
    assert_eq!(plain.failures.len(), 1);
    assert!(
        plain.failures[0].message.contains("--ocr"),
        "{}",
        plain.failures[0].message
    );
    let langs = have("tesseract", "--list-langs");
    let ok = langs.as_deref().is_some_and(|l| {
        l.lines().any(|x| x.trim() == "kaz") && l.lines().any(|x| x.trim() == "rus")
    });
    if !ok || have("pdftoppm", "-v").is_none() {
        eprintln!("SKIPPED (OCR half): needs tesseract (kaz+rus) and pdftoppm");
        return;
    }
    let read = zan::ingest::load_corpus_with(dir.path(), true).unwrap();
    assert!(read.failures.is_empty(), "{:?}", read.failures);
    assert_eq!(read.texts.len(), 1);
    assert!(
        words(&read.texts[0].text).len() >= 20,
        "{}",
        read.texts[0].text
    );
    // The pipeline passes the switch on: the scan is no longer refused for want of a text layer.
    let out = zan::pipeline::run_with(dir.path(), true, &mut |_, _, _| {}).unwrap();
    assert!(
        out.failures
            .iter()
            .all(|f| !f.message.contains("text layer")),
        "{:?}",
        out.failures
    );
}
