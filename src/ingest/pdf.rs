//! Text layer of a PDF via lopdf. A PDF without one gets a clear message: it needs OCR.
//!
//! lopdf's own `extract_text` concatenates strings in content-stream order, which puts hyperlink
//! text (drawn in its own text object) and table cells wherever the producer happened to emit
//! them. So we walk the content stream ourselves, place every string by its text matrix, and
//! rebuild lines from coordinates: what is drawn on one baseline is one line, left to right.
//! lopdf has no positioned-text API, so the small text-state machine below is ours; decoding goes
//! through lopdf's font encodings (ToUnicode CMaps included).

use super::IngestError;
use lopdf::{Dictionary, Document, Encoding, Object, ObjectId};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Message for a PDF without a text layer.
pub const NO_TEXT_LAYER: &str = "the PDF has no text layer (a scan?): run it with --ocr (needs \
    `pdftoppm` from poppler-utils and `tesseract` with kaz+rus), or OCR it yourself, e.g. \
    `tesseract page.png out -l kaz+rus`";

/// The text layer; with `ocr`, a PDF without one is read by tesseract (see [`ocr_pdf`]).
pub fn extract_text_ocr(path: &Path, bytes: &[u8], ocr: bool) -> Result<String, IngestError> {
    match extract_text(path, bytes) {
        Err(IngestError::Pdf { msg, .. }) if ocr && msg == NO_TEXT_LAYER => ocr_pdf(path),
        other => other,
    }
}

/// OCR of a scanned PDF: pages rendered to PNG by `pdftoppm` (poppler-utils), each read by
/// `tesseract -l kaz+rus`, pages separated by a blank line. No Rust crate wraps both without
/// linking the C libraries, so the two programs run as child processes; a missing one is named.
pub fn ocr_pdf(path: &Path) -> Result<String, IngestError> {
    let p = path.display().to_string();
    let err = |msg: String| IngestError::Pdf {
        path: p.clone(),
        msg,
    };
    let run =
        |prog: &str, args: &[&std::ffi::OsStr]| -> Result<std::process::Output, IngestError> {
            let out = std::process::Command::new(prog)
                .args(args)
                .output()
                .map_err(|e| {
                    err(if e.kind() == std::io::ErrorKind::NotFound {
                        format!(
                        "--ocr needs `{prog}`, which is not installed (Debian: apt-get install {})",
                        if prog == "pdftoppm" {
                            "poppler-utils"
                        } else {
                            "tesseract-ocr tesseract-ocr-kaz tesseract-ocr-rus"
                        }
                    )
                    } else {
                        format!("cannot run `{prog}`: {e}")
                    })
                })?;
            if !out.status.success() {
                let stderr = String::from_utf8_lossy(&out.stderr);
                return Err(err(format!(
                    "`{prog}` failed: {}",
                    stderr.lines().last().unwrap_or("(no message)")
                )));
            }
            Ok(out)
        };
    // Checked first so that a missing tesseract is reported before pages are rendered.
    let langs = run("tesseract", &["--list-langs".as_ref()])?;
    let listed = String::from_utf8_lossy(&langs.stdout).to_string()
        + &String::from_utf8_lossy(&langs.stderr);
    let have: Vec<&str> = listed.lines().map(str::trim).collect();
    let missing: Vec<&str> = ["kaz", "rus"]
        .into_iter()
        .filter(|l| !have.contains(l))
        .collect();
    if !missing.is_empty() {
        return Err(err(format!(
            "--ocr: tesseract lacks the language data {} (Debian: apt-get install {})",
            missing.join(", "),
            missing
                .iter()
                .map(|l| format!("tesseract-ocr-{l}"))
                .collect::<Vec<_>>()
                .join(" ")
        )));
    }
    let dir = std::env::temp_dir().join(format!(
        "zan-ocr-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    std::fs::create_dir_all(&dir).map_err(|e| err(format!("temporary folder: {e}")))?;
    let result = (|| {
        let prefix = dir.join("page");
        run(
            "pdftoppm",
            &[
                "-r".as_ref(),
                "300".as_ref(),
                "-png".as_ref(),
                path.as_os_str(),
                prefix.as_os_str(),
            ],
        )?;
        let mut pages: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| err(format!("temporary folder: {e}")))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "png"))
            .collect();
        // pdftoppm pads page numbers to one width, so names sort in page order.
        pages.sort();
        let mut text = String::new();
        for page in &pages {
            let out = run(
                "tesseract",
                &[
                    page.as_os_str(),
                    "stdout".as_ref(),
                    "-l".as_ref(),
                    "kaz+rus".as_ref(),
                ],
            )?;
            let t = String::from_utf8_lossy(&out.stdout);
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(t.trim_end_matches(['\n', '\u{0C}']));
            text.push('\n');
        }
        if text.trim().is_empty() {
            return Err(err("--ocr: tesseract found no text on any page".into()));
        }
        Ok(text)
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Extract the text of every page, pages separated by a blank line.
pub fn extract_text(path: &Path, bytes: &[u8]) -> Result<String, IngestError> {
    let p = path.display().to_string();
    let doc = Document::load_mem(bytes).map_err(|e| IngestError::Pdf {
        path: p.clone(),
        msg: format!("not a readable PDF: {e}"),
    })?;
    let pages: Vec<(u32, ObjectId)> = doc.get_pages().into_iter().collect();
    if pages.is_empty() {
        return Err(IngestError::Pdf {
            path: p,
            msg: "the PDF has no pages".into(),
        });
    }
    let mut out = String::new();
    for (n, id) in pages {
        // Layout extraction first; lopdf's plain extraction when it yields nothing (e.g. fonts
        // or operators we do not model). A page that reads neither way is skipped, not fatal.
        let mut t = page_layout_text(&doc, id).unwrap_or_default();
        if t.trim().is_empty() {
            t = doc.extract_text(&[n]).unwrap_or_default();
        }
        if t.trim().is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(t.trim_end_matches('\n'));
        out.push('\n');
    }
    if out.trim().is_empty() {
        return Err(IngestError::Pdf {
            path: p,
            msg: NO_TEXT_LAYER.into(),
        });
    }
    Ok(out)
}

/// A string drawn at one place: start/end x of its advance, baseline y, font size (all in page
/// space).
#[derive(Debug, Clone)]
struct Run {
    x0: f32,
    x1: f32,
    y: f32,
    size: f32,
    text: String,
}

/// What we need of a font: how to decode its strings and how wide its glyphs are.
struct FontInfo {
    encoding: Option<Encoding<'static>>,
    fallback: Option<Dictionary>,
    two_byte: bool,
    widths: HashMap<u32, f32>,
    default_width: f32,
}

impl FontInfo {
    fn load(doc: &Document, font: &Dictionary) -> FontInfo {
        let subtype = font
            .get(b"Subtype")
            .and_then(Object::as_name)
            .unwrap_or(b"");
        let enc_name = font
            .get(b"Encoding")
            .and_then(Object::as_name)
            .unwrap_or(b"");
        let two_byte =
            subtype == b"Type0" && (enc_name == b"Identity-H" || enc_name == b"Identity-V");
        // A ToUnicode CMap wins over /Encoding (lopdf prefers /Encoding when both exist, which
        // turns Cyrillic in WinAnsi-tagged subsets into Latin-1 garbage).
        let mut encoding = None;
        if font.has(b"ToUnicode") {
            let mut bare = font.clone();
            // A non-name /Encoding sends lopdf down its ToUnicode path.
            bare.set("Encoding", Object::Integer(0));
            if let Ok(Encoding::UnicodeMapEncoding(cmap)) = bare.get_font_encoding(doc) {
                encoding = Some(Encoding::UnicodeMapEncoding(cmap));
            }
        }
        let mut widths = HashMap::new();
        let mut default_width = 500.0;
        if subtype == b"Type0" {
            default_width = 1000.0;
            let desc = font
                .get_deref(b"DescendantFonts", doc)
                .and_then(Object::as_array)
                .ok()
                .and_then(|a| a.first())
                .and_then(|o| doc.dereference(o).ok())
                .and_then(|(_, o)| o.as_dict().ok());
            if let Some(d) = desc {
                if let Ok(dw) = d.get_deref(b"DW", doc).and_then(Object::as_float) {
                    default_width = dw;
                }
                if let Ok(w) = d.get_deref(b"W", doc).and_then(Object::as_array) {
                    parse_cid_widths(doc, w, &mut widths);
                }
            }
        } else {
            let first = font
                .get_deref(b"FirstChar", doc)
                .and_then(Object::as_i64)
                .unwrap_or(0);
            if let Ok(w) = font.get_deref(b"Widths", doc).and_then(Object::as_array) {
                for (i, o) in w.iter().enumerate() {
                    if let Ok(v) = doc.dereference(o).and_then(|(_, o)| o.as_float()) {
                        widths.insert((first + i as i64) as u32, v);
                    }
                }
            } else {
                let base = font
                    .get(b"BaseFont")
                    .and_then(Object::as_name)
                    .unwrap_or(b"");
                if base.starts_with(b"Courier") {
                    default_width = 600.0;
                }
            }
        }
        FontInfo {
            encoding,
            fallback: Some(font.clone()),
            two_byte,
            widths,
            default_width,
        }
    }

    fn decode(&self, doc: &Document, bytes: &[u8]) -> String {
        if let Some(e) = &self.encoding {
            if let Ok(s) = e.bytes_to_string(bytes) {
                return s;
            }
        }
        if let Some(f) = &self.fallback {
            if let Ok(e) = f.get_font_encoding(doc) {
                if let Ok(s) = e.bytes_to_string(bytes) {
                    return s;
                }
            }
        }
        bytes.iter().map(|&b| b as char).collect()
    }

    /// Character codes of a string with their widths in glyph space (1/1000 em).
    fn codes(&self, bytes: &[u8]) -> Vec<(u32, f32)> {
        let code = |c: u32| (c, *self.widths.get(&c).unwrap_or(&self.default_width));
        if self.two_byte {
            bytes
                .chunks(2)
                .map(|c| code(c.iter().fold(0u32, |a, &b| a * 256 + b as u32)))
                .collect()
        } else {
            bytes.iter().map(|&b| code(b as u32)).collect()
        }
    }
}

/// The CID font /W array: `c [w1 w2 …]` or `c_first c_last w`.
fn parse_cid_widths(doc: &Document, w: &[Object], out: &mut HashMap<u32, f32>) {
    let num = |o: &Object| doc.dereference(o).ok().and_then(|(_, o)| o.as_float().ok());
    let mut i = 0;
    while i + 1 < w.len() {
        let Some(c) = num(&w[i]) else { return };
        match doc.dereference(&w[i + 1]).map(|(_, o)| o) {
            Ok(Object::Array(a)) => {
                for (k, o) in a.iter().enumerate() {
                    if let Some(v) = num(o) {
                        out.insert(c as u32 + k as u32, v);
                    }
                }
                i += 2;
            }
            _ => {
                let (Some(last), Some(v)) = (num(&w[i + 1]), w.get(i + 2).and_then(num)) else {
                    return;
                };
                for k in c as u32..=(last as u32).min(c as u32 + 65535) {
                    out.insert(k, v);
                }
                i += 3;
            }
        }
    }
}

type Matrix = [f32; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a × b` in PDF's row-vector convention (apply a, then b).
fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

/// Text state that persists across BT/ET and is saved by q/Q.
#[derive(Clone)]
struct GState {
    ctm: Matrix,
    font: Option<Vec<u8>>,
    size: f32,
    char_sp: f32,
    word_sp: f32,
    hscale: f32,
    leading: f32,
    rise: f32,
}

/// A vertical rule drawn on the page: x, lowest y, highest y (table borders).
type Rule = (f32, f32, f32);

/// Runs and vertical rules of one page.
fn page_runs(doc: &Document, page: ObjectId) -> Option<(Vec<Run>, Vec<Rule>)> {
    let fonts: BTreeMap<Vec<u8>, FontInfo> = doc
        .get_page_fonts(page)
        .ok()?
        .into_iter()
        .map(|(name, f)| (name, FontInfo::load(doc, f)))
        .collect();
    let content = doc.get_and_decode_page_content(page).ok()?;
    let mut gs = GState {
        ctm: IDENTITY,
        font: None,
        size: 0.0,
        char_sp: 0.0,
        word_sp: 0.0,
        hscale: 1.0,
        leading: 0.0,
        rise: 0.0,
    };
    let mut stack: Vec<GState> = Vec::new();
    let mut tm = IDENTITY;
    let mut tlm = IDENTITY;
    let mut runs = Vec::new();
    let mut rules = Vec::new();
    let mut path_pt: Option<(f32, f32)> = None;
    let f = |o: &Object| o.as_float().unwrap_or(0.0);
    for op in &content.operations {
        let a = &op.operands;
        let arg = |i: usize| a.get(i).map(f).unwrap_or(0.0);
        match op.operator.as_str() {
            "q" => stack.push(gs.clone()),
            "Q" => {
                if let Some(s) = stack.pop() {
                    gs = s;
                }
            }
            "cm" if a.len() == 6 => {
                let m = [arg(0), arg(1), arg(2), arg(3), arg(4), arg(5)];
                gs.ctm = mul(&m, &gs.ctm);
            }
            "m" => path_pt = Some(apply(&gs.ctm, arg(0), arg(1))),
            "l" => {
                let (x, y) = apply(&gs.ctm, arg(0), arg(1));
                if let Some((px, py)) = path_pt {
                    if (px - x).abs() < 0.5 && (py - y).abs() > 1.0 {
                        rules.push((x, py.min(y), py.max(y)));
                    }
                }
                path_pt = Some((x, y));
            }
            "re" => {
                // A thin filled rectangle is a rule too (some producers draw borders that way).
                let (x, y) = apply(&gs.ctm, arg(0), arg(1));
                let (x2, y2) = apply(&gs.ctm, arg(0) + arg(2), arg(1) + arg(3));
                if (x2 - x).abs() < 2.0 && (y2 - y).abs() > 1.0 {
                    rules.push(((x + x2) / 2.0, y.min(y2), y.max(y2)));
                }
            }
            "BT" => {
                tm = IDENTITY;
                tlm = IDENTITY;
            }
            "Tf" => {
                gs.font = a.first().and_then(|o| o.as_name().ok()).map(<[u8]>::to_vec);
                gs.size = arg(1);
            }
            "Tc" => gs.char_sp = arg(0),
            "Tw" => gs.word_sp = arg(0),
            "Tz" => gs.hscale = arg(0) / 100.0,
            "TL" => gs.leading = arg(0),
            "Ts" => gs.rise = arg(0),
            "Td" | "TD" => {
                if op.operator == "TD" {
                    gs.leading = -arg(1);
                }
                tlm = mul(&[1.0, 0.0, 0.0, 1.0, arg(0), arg(1)], &tlm);
                tm = tlm;
            }
            "Tm" if a.len() == 6 => {
                tlm = [arg(0), arg(1), arg(2), arg(3), arg(4), arg(5)];
                tm = tlm;
            }
            "T*" => {
                tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                tm = tlm;
            }
            "Tj" | "TJ" | "'" | "\"" => {
                if op.operator == "'" || op.operator == "\"" {
                    if op.operator == "\"" {
                        gs.word_sp = arg(0);
                        gs.char_sp = arg(1);
                    }
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                    tm = tlm;
                }
                let Some(font) = gs.font.as_ref().and_then(|n| fonts.get(n)) else {
                    continue;
                };
                let items: Vec<&Object> = match op.operator.as_str() {
                    "TJ" => a
                        .first()
                        .and_then(|o| o.as_array().ok())
                        .map(|v| v.iter().collect())
                        .unwrap_or_default(),
                    _ => a.last().into_iter().collect(),
                };
                for it in items {
                    match it {
                        Object::String(bytes, _) => {
                            let m = mul(&tm, &gs.ctm);
                            let (x0, y) = apply(&m, 0.0, gs.rise);
                            let mut adv = 0.0;
                            for (code, w) in font.codes(bytes) {
                                adv += w / 1000.0 * gs.size + gs.char_sp;
                                if code == 32 && !font.two_byte {
                                    adv += gs.word_sp;
                                }
                            }
                            adv *= gs.hscale;
                            tm = mul(&[1.0, 0.0, 0.0, 1.0, adv, 0.0], &tm);
                            let (x1, _) = apply(&mul(&tm, &gs.ctm), 0.0, gs.rise);
                            let scale = (m[2] * m[2] + m[3] * m[3]).sqrt();
                            let text = font.decode(doc, bytes);
                            if !text.is_empty() {
                                runs.push(Run {
                                    x0,
                                    x1,
                                    y,
                                    size: (gs.size * scale).abs().max(1.0),
                                    text,
                                });
                            }
                        }
                        o => {
                            let tx = -f(o) / 1000.0 * gs.size * gs.hscale;
                            tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Some((runs, rules))
}

/// Lines of one page in reading order: top to bottom, each left to right. Runs whose gap holds
/// a vertical rule, or is wider than three ems, are table cells and are joined with " | ".
fn page_layout_text(doc: &Document, page: ObjectId) -> Option<String> {
    let (mut runs, rules) = page_runs(doc, page)?;
    runs.retain(|r| !r.text.trim().is_empty() || r.text.contains(' '));
    runs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
    let mut lines: Vec<Vec<Run>> = Vec::new();
    for r in runs {
        match lines.last_mut() {
            // Half the larger size: superscripts (footnote marks, smaller and raised) stay on
            // their line; the next line is a full leading away.
            Some(l) if (l[0].y - r.y).abs() <= 0.5 * l[0].size.max(r.size) => l.push(r),
            _ => lines.push(vec![r]),
        }
    }
    let mut out = String::new();
    for mut line in lines {
        line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let mut s = String::new();
        let mut prev: Option<&Run> = None;
        for r in &line {
            if let Some(p) = prev {
                let gap = r.x0 - p.x1;
                let y = r.y;
                let ruled = rules.iter().any(|&(x, lo, hi)| {
                    x > p.x1 - 0.5 && x < r.x0 + 0.5 && lo <= y + 1.0 && hi >= y
                });
                if ruled || gap > 3.0 * p.size.max(r.size) {
                    let t = s.trim_end().len();
                    s.truncate(t);
                    s.push_str(" | ");
                    s.push_str(r.text.trim_start());
                    prev = Some(r);
                    continue;
                }
                if gap > 0.15 * p.size && !s.ends_with(' ') && !r.text.starts_with(' ') {
                    s.push(' ');
                }
            }
            s.push_str(&r.text);
            prev = Some(r);
        }
        out.push_str(s.trim_end());
        out.push('\n');
    }
    Some(out)
}
