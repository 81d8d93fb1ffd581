//! PDF layout: fixtures made by LibreOffice from HTML (tests/fixtures/pdf/links_*.html) come out
//! with the same text as their sources modulo whitespace, hyperlink text in its place inside the
//! sentence, and each table row on one line with its cells in order.

use std::path::Path;
use zan::ingest;

/// Source text of an HTML fixture: paragraphs and table rows as lines, cells joined by " | ".
/// Tags are stripped; the fixtures use only p, a, table, tr, td (no entities).
fn html_lines(html: &str) -> Vec<String> {
    let body = &html[html.find("<body>").unwrap()..];
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut rest = body;
    while let Some(i) = rest.find('<') {
        cur.push_str(&rest[..i]);
        let j = rest[i..].find('>').unwrap() + i;
        let tag = &rest[i + 1..j];
        if tag == "/p" || tag == "/tr" {
            lines.push(cur.trim().trim_end_matches(" |").to_string());
            cur.clear();
        } else if tag == "/td" {
            cur.push_str(" | ");
        }
        rest = &rest[j + 1..];
    }
    lines
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn check(lang: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pdf");
    let html = std::fs::read_to_string(dir.join(format!("links_{lang}.html"))).unwrap();
    let doc = ingest::read_file(&dir.join(format!("links_{lang}.pdf"))).unwrap();
    let want = html_lines(&html);
    let got: Vec<String> = doc
        .text
        .lines()
        .map(squash)
        .filter(|l| !l.is_empty())
        .collect();
    // Same text modulo whitespace: paragraphs may wrap, so compare the whole word stream with
    // table cell separators included.
    assert_eq!(
        squash(&got.join(" ")),
        squash(&want.join(" ")),
        "text of links_{lang}.pdf differs from its source"
    );
    // Hyperlinks in place: the PDF really carries Link annotations over the anchor texts, and
    // each anchor reads between the same words as in the source, not at a line end.
    let pdf = lopdf::Document::load(dir.join(format!("links_{lang}.pdf"))).unwrap();
    let mut anchors = Vec::new();
    for (_, page) in pdf.get_pages() {
        for a in pdf.get_page_annotations(page).unwrap() {
            if a.get(b"Subtype").and_then(|o| o.as_name()).ok() == Some(b"Link".as_slice()) {
                assert!(a.get(b"Rect").is_ok());
                let c = a.get(b"Contents").unwrap();
                anchors.push(lopdf::decode_text_string(c).unwrap());
            }
        }
    }
    let src_anchors: Vec<String> = html
        .split("<a href=")
        .skip(1)
        .map(|s| s[s.find('>').unwrap() + 1..s.find("</a>").unwrap()].to_string())
        .collect();
    assert_eq!(anchors, src_anchors, "Link annotations of links_{lang}.pdf");
    let flat_src = squash(&want.join(" "));
    let flat_got = squash(&got.join(" "));
    for a in &src_anchors {
        let i = flat_src.find(a.as_str()).unwrap();
        let before = flat_src[..i].split_whitespace().last().unwrap();
        let after = flat_src[i + a.len()..].split_whitespace().next().unwrap();
        let ctx = format!("{before} {a} {after}");
        assert!(
            flat_got.contains(&ctx),
            "link {a:?} not in place: {ctx:?} missing"
        );
    }
    // Table rows: every row of the source is one line of the output.
    for row in want.iter().filter(|l| l.contains(" | ")) {
        assert!(
            got.contains(row),
            "row {row:?} not kept as one line in {got:#?}"
        );
    }
}

#[test]
fn russian_fixture_reads_as_its_source() {
    check("ru");
}

#[test]
fn kazakh_fixture_reads_as_its_source() {
    check("kk");
}
