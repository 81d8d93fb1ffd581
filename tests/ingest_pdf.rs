//! PDF ingest: the text layer of a PDF is read with lopdf; a PDF without one gets a message that
//! says it needs OCR; a broken PDF names the file.

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream};
use zan::ingest;

/// A one-page PDF whose page shows `lines` (or nothing when empty) in a Type1 font.
fn make_pdf(lines: &[&str]) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Courier",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let mut ops = Vec::new();
    if !lines.is_empty() {
        ops.push(Operation::new("BT", vec![]));
        ops.push(Operation::new("Tf", vec!["F1".into(), 12.into()]));
        ops.push(Operation::new("Td", vec![72.into(), 760.into()]));
        ops.push(Operation::new("TL", vec![14.into()]));
        for l in lines {
            ops.push(Operation::new("Tj", vec![Object::string_literal(*l)]));
            ops.push(Operation::new("T*", vec![]));
        }
        ops.push(Operation::new("ET", vec![]));
    }
    let content = Content { operations: ops };
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

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
