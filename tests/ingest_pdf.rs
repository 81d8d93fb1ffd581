//! PDF ingest: the text layer of a PDF is read with lopdf; a PDF without one gets a message that
//! says it needs OCR; a broken PDF names the file.

mod pdf_support;

use pdf_support::make_pdf;
use zan::ingest;

#[test]
fn text_layer_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("order.pdf");
    std::fs::write(
        &p,
        make_pdf(&["Order No 20 of 31.01.2025", "point 12 is reworded"]),
    )
    .unwrap();
    let doc = ingest::read_file(&p).unwrap();
    assert!(doc.text.contains("Order No 20"), "{}", doc.text);
    assert!(doc.text.contains("point 12 is reworded"), "{}", doc.text);
    assert_eq!(doc.format, zan::model::SourceFormat::Pdf);
}

#[test]
fn pdf_without_text_layer_says_it_needs_ocr() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("scan.pdf");
    std::fs::write(&p, make_pdf(&[])).unwrap();
    let e = ingest::read_file(&p).unwrap_err().to_string();
    assert!(e.contains("scan.pdf") && e.contains("OCR"), "{e}");
}

#[test]
fn truncated_pdf_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cut.pdf");
    let bytes = make_pdf(&["some text"]);
    std::fs::write(&p, &bytes[..bytes.len() / 3]).unwrap();
    let e = ingest::read_file(&p).unwrap_err().to_string();
    assert!(e.contains("cut.pdf"), "{e}");
}

/// PDFs made by LibreOffice from Kazakh and Russian text (tests/fixtures/pdf/README.md): the
/// Cyrillic comes back through the fonts' ToUnicode maps, and the language is detected.
#[test]
fn libreoffice_pdfs_in_kazakh_and_russian() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pdf");
    let kk = ingest::read_file(&dir.join("kk.pdf")).unwrap();
    assert!(kk.text.contains("апостильдеу"), "{}", kk.text);
    assert!(kk.text.contains("№ 25911 болып тіркелді"), "{}", kk.text);
    assert_eq!(kk.lang, zan::model::Lang::Kk);
    let ru = ingest::read_file(&dir.join("ru.pdf")).unwrap();
    assert!(
        ru.text.contains("Зарегистрирован в Министерстве юстиции"),
        "{}",
        ru.text
    );
    assert_eq!(ru.lang, zan::model::Lang::Ru);
}
