//! Repair: turn damaged input into clean UTF-8 Cyrillic text, line for line.
//! (decode bytes → NFC → look-alike letters → letter spacing → PDF layout artefacts)
//!
//! Every step works on one line at a time and never joins or splits lines, so line numbers of
//! the repaired text are those of the input (later stages and error messages rely on that).

mod decode;
pub mod encoding_eval;
mod kz1048;
mod layout;
mod lookalike;
pub mod mojibake;
pub mod ocr;
pub mod reflow;
mod spacing;

pub use decode::cyrillic_score;
pub use layout::{restore_moved_links, restore_moved_links_lang, restore_split_links};
pub use lookalike::fix_lookalikes;
pub use reflow::reflow_text;
pub use spacing::join_spaced_letters;

use crate::model::Lang;
use serde::{Deserialize, Serialize};
use unicode_normalization::{is_nfc, UnicodeNormalization};

/// Counts of what repair changed, for `zan repair --report`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RepairReport {
    pub encoding: String,
    pub lines: usize,
    pub changed_lines: usize,
    /// Lines that were not in Unicode NFC.
    pub nfc_changes: usize,
    /// Latin letters replaced inside Cyrillic words.
    pub lookalike_letters: usize,
    pub letter_spaced_words: usize,
    /// Hyperlink texts put back in place.
    pub moved_links: usize,
    /// Lines on which moved hyperlinks were put back.
    #[serde(default)]
    pub moved_link_lines: usize,
    /// Lines changed by putting back links split over two lines.
    #[serde(default)]
    pub split_link_lines: usize,
    /// Lines whose wrong decoding (mojibake) was undone, and the chain found for the text.
    #[serde(default)]
    pub mojibake_lines: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mojibake: Option<String>,
    /// Tokens read by an English OCR (Latin look-alike garble) decoded back to Cyrillic.
    #[serde(default)]
    pub ocr_tokens: usize,
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

/// Decode raw bytes of any common encoding to UTF-8; returns the text and the encoding's name
/// (encoding_rs names: "UTF-8", "UTF-16LE", "UTF-16BE", "windows-1251", "KOI8-R", "IBM866", …).
pub fn decode_bytes(bytes: &[u8]) -> Result<(String, String), DecodeError> {
    decode::decode_bytes(bytes)
}

const KK_LETTERS: &str = "әғқңөұүһіӘҒҚҢӨҰҮҺІ";
/// Frequent Kazakh function words written with the Russian part of the alphabet only.
const KK_MARKERS: &[&str] = &[
    "және",
    "туралы",
    "бойынша",
    "мен",
    "бен",
    "пен",
    "осы",
    "немесе",
    "мынадай",
    "жазылсын",
    "бекітілсін",
    "редакцияда",
];
const RU_MARKERS: &[&str] = &[
    "и", "в", "на", "с", "по", "не", "от", "для", "к", "о", "или", "при", "об", "что", "со",
];

/// Kazakh or Russian, from the text's letters and function words: a word with a Kazakh-specific
/// letter (or Latin `ə`) or a Kazakh function word votes kk, a Russian function word votes ru.
/// Russian texts quote Kazakh names, so a few Kazakh letters alone do not make a text Kazakh.
pub fn detect_lang(text: &str) -> Lang {
    let mut kk = 0usize;
    let mut ru = 0usize;
    for w in text.split(|c: char| !c.is_alphabetic()) {
        if w.is_empty() {
            continue;
        }
        if w.chars()
            .any(|c| KK_LETTERS.contains(c) || c == 'ə' || c == 'Ə')
        {
            kk += 1;
        } else {
            let lw = w.to_lowercase();
            if KK_MARKERS.contains(&lw.as_str()) {
                kk += 1;
            } else if RU_MARKERS.contains(&lw.as_str()) {
                ru += 1;
            }
        }
    }
    if kk > ru {
        Lang::Kk
    } else {
        Lang::Ru
    }
}

/// Repair one line (no '\n' inside); returns the new line and adds to the report's counters.
pub fn repair_line(line: &str, lang: Lang, report: &mut RepairReport) -> String {
    repair_line_after(line, None, lang, report)
}

/// `repair_line`, given the line before it as repaired (`None` at the start of a text): a line
/// of OCR garble is mostly a sentence wrapped there, and the line before says how its first word
/// is cased.
pub fn repair_line_after(
    line: &str,
    before: Option<&str>,
    lang: Lang,
    report: &mut RepairReport,
) -> String {
    repair_line_in(line, before, None, lang, None, report)
}

/// `repair_line_after` of a line of a text (`text`: how it writes a dash between words and the
/// words its lines before read, `ocr::TextContext`, to which this line's are added; None: a line
/// alone) and whose next line is `next` (as it stands: its first word is context for this
/// line's last).
pub fn repair_line_in(
    line: &str,
    before: Option<&str>,
    next: Option<&str>,
    lang: Lang,
    text: Option<&mut ocr::TextContext>,
    report: &mut RepairReport,
) -> String {
    let mut s: String = if is_nfc(line) {
        line.to_string()
    } else {
        report.nfc_changes += 1;
        line.nfc().collect()
    };
    // Before the look-alike fixer: on a garbled line the decoder also takes the mixed tokens.
    let (decoded, n) = ocr::repair_line_in_lang(&s, before, next, lang, text);
    if n > 0 {
        report.ocr_tokens += n;
        s = decoded;
    }
    let (fixed, n) = fix_lookalikes(&s, lang);
    if n > 0 {
        report.lookalike_letters += n;
        s = fixed;
    }
    let (joined, n) = join_spaced_letters(&s, lang);
    if n > 0 {
        report.letter_spaced_words += n;
        s = joined;
    }
    if let Some((restored, n)) = restore_moved_links_lang(&s, Some(lang)) {
        report.moved_links += n;
        report.moved_link_lines += 1;
        s = restored;
    }
    s
}

/// Repair decoded text; output has exactly as many lines as the input ('\n'-separated; a
/// trailing newline and "\r\n" line ends are kept).
pub fn repair_text(text: &str, lang: Option<Lang>) -> Repaired {
    repair_text_with(text, lang, &mut |_, _| {})
}

/// `repair_text`, telling `progress(done, total)` each line as it is repaired: a scan's garble
/// repairs at about 0.1 MB/s, so a long text takes a while.
pub fn repair_text_with(
    text: &str,
    lang: Option<Lang>,
    progress: &mut dyn FnMut(usize, usize),
) -> Repaired {
    let (unmojibaked, mojibake_lines, mojibake) = mojibake::fix_text(text);
    let text = unmojibaked.as_str();
    let lang = lang.unwrap_or_else(|| ocr::garbled_lang(text).unwrap_or_else(|| detect_lang(text)));
    let mut report = RepairReport {
        lines: text.lines().count(),
        mojibake_lines,
        mojibake,
        ..Default::default()
    };
    let mut context = ocr::TextContext::of_lines(text.lines());
    let mut originals = Vec::new();
    let mut fixed = Vec::new();
    let mut crs = Vec::new();
    let lines: Vec<&str> = text.split('\n').collect();
    for (i, raw) in lines.iter().copied().enumerate() {
        let (line, cr) = match raw.strip_suffix('\r') {
            Some(l) => (l, "\r"),
            None => (raw, ""),
        };
        let before = fixed.last().map(String::as_str);
        let next = lines.get(i + 1).map(|l| l.trim_end_matches('\r'));
        let repaired = repair_line_in(line, before, next, lang, Some(&mut context), &mut report);
        fixed.push(repaired);
        progress(i + 1, lines.len());
        originals.push(line);
        crs.push(cr);
    }
    report.split_link_lines = restore_split_links(&mut fixed, lang);
    let mut out = String::with_capacity(text.len() + 64);
    for (i, ((line, orig), cr)) in fixed.iter().zip(&originals).zip(&crs).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if line != orig {
            report.changed_lines += 1;
        }
        out.push_str(line);
        out.push_str(cr);
    }
    Repaired {
        text: out,
        lang,
        report,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line of OCR garble starts a sentence when the line before ends one (development pairs
    /// of act 105095, Russian); alone, a line start reads as a wrapped sentence going on.
    #[test]
    fn garbled_line_start_takes_its_case_from_the_line_before() {
        let second = "OpraH, OCylUecTBIAIOLUMHM dyHKUMM rocyAzapctTBa 10";
        let text = format!("HepBoro O*PULNAILHOrO ONYOAHKOBaHHSA).\n{second}");
        let r = repair_text(&text, Some(Lang::Ru));
        let lines: Vec<&str> = r.text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].ends_with("опубликования)."), "{}", lines[0]);
        assert!(
            lines[1].starts_with("Орган, осуществляющий"),
            "{}",
            lines[1]
        );
        let alone = repair_text(second, Some(Lang::Ru));
        assert!(
            alone.text.starts_with("орган, осуществляющий"),
            "{}",
            alone.text
        );
    }

    #[test]
    fn detects_languages() {
        assert_eq!(
            detect_lang("2-тармақ мынадай редакцияда жазылсын:"),
            Lang::Kk
        );
        assert_eq!(detect_lang("пункт 12 изложить в новой редакции:"), Lang::Ru);
        assert_eq!(
            detect_lang("Министр просвещения Республики Казахстан Ә.Н. Тұрысов и в порядке"),
            Lang::Ru
        );
        assert_eq!(detect_lang(""), Lang::Ru);
    }

    #[test]
    fn keeps_line_structure() {
        let t = "a\r\n  b\n\nшiлдедегi\n";
        let r = repair_text(t, Some(Lang::Kk));
        assert_eq!(r.text, "a\r\n  b\n\nшілдедегі\n");
        assert_eq!(r.report.changed_lines, 1);
        assert_eq!(r.report.lookalike_letters, 2);
    }

    #[test]
    fn nfc_is_applied() {
        let t = "и\u{0306}ск";
        let r = repair_text(t, Some(Lang::Ru));
        assert_eq!(r.text, "йск");
        assert_eq!(r.report.nfc_changes, 1);
    }
}
