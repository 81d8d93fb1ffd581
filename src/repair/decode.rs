//! Bytes → UTF-8 text. BOMs decide first, then strict UTF-8, then (BOM-less) UTF-16 by its NUL
//! pattern, then the Cyrillic single-byte pages. chardetng alone confuses windows-1251, KOI8-R and
//! IBM866 on short Russian texts (all three decode to *some* Cyrillic), so those three are decoded
//! and scored by how Russian/Kazakh the result looks; chardetng is the fallback for non-Cyrillic.

use super::DecodeError;
use encoding_rs::{Encoding, IBM866, KOI8_R, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1251};

/// Share of control bytes above which the input is treated as binary, not text.
const MAX_CONTROL_SHARE: f64 = 0.02;

/// Decode raw bytes; see the module doc for the order of decisions.
pub fn decode_bytes(bytes: &[u8]) -> Result<(String, String), DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        if body.is_empty() {
            return Err(DecodeError::Empty);
        }
        let (text, _) = enc.decode_without_bom_handling(body);
        check_text(&text, enc.name())?;
        return Ok((text.into_owned(), enc.name().to_string()));
    }
    if let Some(enc) = sniff_utf16(bytes) {
        let (text, _) = enc.decode_without_bom_handling(bytes);
        check_text(&text, enc.name())?;
        return Ok((text.into_owned(), enc.name().to_string()));
    }
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        return Err(DecodeError::Binary(format!("NUL byte at offset {pos}")));
    }
    let controls = bytes
        .iter()
        .filter(|&&b| b < 0x80 && is_bad_control(b as char))
        .count();
    if controls as f64 > MAX_CONTROL_SHARE * bytes.len() as f64 {
        return Err(DecodeError::Binary(format!(
            "{controls} control bytes in {} bytes",
            bytes.len()
        )));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_string(), UTF_8.name().to_string()));
    }
    // Nearly-valid UTF-8 (a few broken sequences) is still UTF-8: a single-byte page would turn
    // every correct multi-byte letter into two symbols.
    let (lossy, _) = UTF_8.decode_without_bom_handling(bytes);
    let bad = lossy.chars().filter(|&c| c == '\u{FFFD}').count();
    let multi = lossy
        .chars()
        .filter(|&c| (c as u32) > 0x7F && c != '\u{FFFD}')
        .count();
    if multi > 0 && bad * 20 < multi {
        return Ok((lossy.into_owned(), UTF_8.name().to_string()));
    }
    if let Some(text) = decode_mixed_lines(bytes) {
        return Ok((
            text,
            "mixed: UTF-8 and a single-byte page by line".to_string(),
        ));
    }
    Ok(decode_single_byte(bytes))
}

/// A file of UTF-8 lines with some lines in a single-byte page (a cp1251 paragraph pasted into
/// a UTF-8 file): decoding the whole file with one page would garble every UTF-8 line, so each
/// line keeps its own encoding. A non-ASCII line that is valid UTF-8 is UTF-8: Cyrillic
/// single-byte text never forms valid multi-byte sequences. The other lines are decoded
/// together, so the page is chosen on all their evidence.
fn decode_mixed_lines(bytes: &[u8]) -> Option<String> {
    let lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    let utf8_lines = lines
        .iter()
        .filter(|l| !l.is_ascii() && std::str::from_utf8(l).is_ok())
        .count();
    if utf8_lines == 0 {
        return None;
    }
    let other: Vec<&[u8]> = lines
        .iter()
        .copied()
        .filter(|l| std::str::from_utf8(l).is_err())
        .collect();
    let (decoded, _) = decode_single_byte(&other.join(&b'\n'));
    let decoded: Vec<&str> = decoded.split('\n').collect();
    if decoded.len() != other.len() {
        return None;
    }
    let mut next = decoded.into_iter();
    let mut out = Vec::with_capacity(lines.len());
    for l in lines {
        match std::str::from_utf8(l) {
            Ok(t) => out.push(t),
            Err(_) => out.push(next.next()?),
        }
    }
    Some(out.join("\n"))
}

/// Pick the best Cyrillic single-byte page by score, or chardetng's guess if none looks Cyrillic.
fn decode_single_byte(bytes: &[u8]) -> (String, String) {
    let mut best: Option<(f64, String, &'static Encoding)> = None;
    for enc in [WINDOWS_1251, KOI8_R, IBM866] {
        let (text, _) = enc.decode_without_bom_handling(bytes);
        let score = cyrillic_score(&text);
        if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
            best = Some((score, text.into_owned(), enc));
        }
    }
    if let Some((score, text, enc)) = best {
        if score > 0.3 {
            return (text, enc.name().to_string());
        }
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let enc = det.guess(None, chardetng::Utf8Detection::Allow);
    let (text, _) = enc.decode_without_bom_handling(bytes);
    (text.into_owned(), enc.name().to_string())
}

/// BOM-less UTF-16: ASCII-range text has a NUL in every other byte.
fn sniff_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let pairs = bytes.len() / 2;
    let even_nul = bytes.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nul = bytes.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    // Cyrillic UTF-16 has 0x04 rather than 0x00 in the high byte; count both as "high byte".
    let even_hi = bytes
        .iter()
        .step_by(2)
        .filter(|&&b| b == 0 || b == 4)
        .count();
    let odd_hi = bytes
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0 || b == 4)
        .count();
    if odd_nul * 4 >= pairs && odd_hi * 10 >= pairs * 9 && even_nul * 10 < pairs {
        Some(UTF_16LE)
    } else if even_nul * 4 >= pairs && even_hi * 10 >= pairs * 9 && odd_nul * 10 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

fn is_bad_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{0C}' | '\u{0B}')
}

/// Decoded text may still be binary (e.g. a BOM in front of garbage).
fn check_text(text: &str, enc: &str) -> Result<(), DecodeError> {
    let total = text.chars().count();
    if total == 0 {
        return Err(DecodeError::Empty);
    }
    let bad = text
        .chars()
        .filter(|&c| is_bad_control(c) || c == '\u{FFFD}')
        .count();
    if bad as f64 > MAX_CONTROL_SHARE * total as f64 {
        return Err(DecodeError::Binary(format!(
            "{bad} control or undecodable characters in {total} characters of {enc}"
        )));
    }
    Ok(())
}

/// Frequent Russian bigrams (lowercase); Kazakh shares most of them in its Russian-alphabet part.
const BIGRAMS: &[&str] = &[
    "ст", "но", "то", "на", "ен", "ов", "ни", "ра", "во", "ко", "по", "ро", "ре", "ос", "пр", "го",
    "ер", "не", "ет", "ан", "ли", "ор", "ел", "ть", "ла", "ал", "ве", "ка", "ит", "ий", "ие", "от",
    "ол", "де", "ле", "ом", "ат", "та", "ти", "ия", "ны", "ва", "ль", "ог", "ем", "ое", "за", "об",
    "ак", "ме", "ин", "ых", "ся", "ед", "ри", "уч", "ци", "ми",
];

/// How much `text` looks like Russian/Kazakh prose: share of Cyrillic letters among non-ASCII
/// characters, lowercase dominance inside words, frequent bigrams; symbols (box drawing, ¤, §…)
/// from a wrong page cost points. Higher is better; ~1 for clean prose, ≤0 for a wrong page.
pub fn cyrillic_score(text: &str) -> f64 {
    let mut cyr = 0usize;
    let mut lower = 0usize;
    let mut odd = 0usize;
    let mut mid_upper = 0usize;
    let mut bigram_hits = 0usize;
    let mut pairs = 0usize;
    let mut prev: Option<char> = None;
    let mut latin = 0usize;
    let mut mixed_words = 0usize;
    let mut words = 0usize;
    for w in text.split(|c: char| !c.is_alphabetic()) {
        if w.is_empty() {
            continue;
        }
        words += 1;
        if w.chars().any(is_cyrillic) && w.chars().any(|c| c.is_ascii_alphabetic()) {
            mixed_words += 1;
        }
    }
    for c in text.chars() {
        if c.is_ascii_alphabetic() {
            latin += 1;
        }
        if is_cyrillic(c) {
            cyr += 1;
            if c.is_lowercase() {
                lower += 1;
            } else if prev.is_some_and(|p| is_cyrillic(p) && p.is_lowercase()) {
                // "прИказ": an uppercase letter after a lowercase one is a case-swapped page.
                mid_upper += 1;
            }
            if let Some(p) = prev.filter(|p| is_cyrillic(*p)) {
                pairs += 1;
                let mut bg = String::new();
                bg.extend(p.to_lowercase());
                bg.extend(c.to_lowercase());
                if BIGRAMS.contains(&bg.as_str()) && p.is_lowercase() == c.is_lowercase() {
                    bigram_hits += 1;
                }
            }
        } else if (c as u32) > 0x7F && !c.is_whitespace() && !"«»–—№“”„’‘…".contains(c)
        {
            odd += 1;
        }
        prev = Some(c);
    }
    if cyr == 0 || cyr < latin {
        return 0.0;
    }
    let lower_share = lower as f64 / cyr as f64;
    let bigram_share = if pairs == 0 {
        0.0
    } else {
        bigram_hits as f64 / pairs as f64
    };
    let odd_share = odd as f64 / (cyr + odd) as f64;
    let mid_upper_share = mid_upper as f64 / cyr as f64;
    let mixed_share = mixed_words as f64 / words.max(1) as f64;
    lower_share * 0.5 + bigram_share * 2.0
        - odd_share * 2.0
        - mid_upper_share * 2.0
        - mixed_share * 2.0
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    // KOI8-R has no "№", so the sample avoids it.
    const RU: &str = "Приказ Министра просвещения Республики Казахстан от 31 января 2025 года.\n\
        Внести в приказ следующие изменения: пункт 12 изложить в новой редакции.";

    #[test]
    fn single_byte_pages_round_trip() {
        for enc in [WINDOWS_1251, KOI8_R, IBM866] {
            let (bytes, _, unmappable) = enc.encode(RU);
            assert!(!unmappable);
            let (text, name) = decode_bytes(&bytes).unwrap();
            assert_eq!(text, RU, "{}", enc.name());
            assert_eq!(name, enc.name());
        }
    }

    #[test]
    fn short_words_still_pick_the_right_page() {
        for enc in [WINDOWS_1251, KOI8_R, IBM866] {
            let (bytes, _, _) = enc.encode("Приказываю:");
            assert_eq!(decode_bytes(&bytes).unwrap().1, enc.name());
        }
    }

    #[test]
    fn binary_and_empty_are_rejected() {
        assert!(matches!(decode_bytes(b""), Err(DecodeError::Empty)));
        assert!(matches!(
            decode_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Err(DecodeError::Binary(_))
        ));
        let ctrl: Vec<u8> = (0..200u8)
            .map(|i| if i % 5 == 0 { 1 } else { b'a' })
            .collect();
        assert!(matches!(decode_bytes(&ctrl), Err(DecodeError::Binary(_))));
    }

    #[test]
    fn utf16_without_bom_is_sniffed() {
        let s = "Бұйрық 12-тармақ";
        let le: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(
            decode_bytes(&le).unwrap(),
            (s.to_string(), "UTF-16LE".into())
        );
        assert_eq!(
            decode_bytes(&be).unwrap(),
            (s.to_string(), "UTF-16BE".into())
        );
    }

    #[test]
    fn latin_text_goes_to_chardetng() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode("Café déjà vu, naïve façade.");
        let (text, _) = decode_bytes(&bytes).unwrap();
        assert_eq!(text, "Café déjà vu, naïve façade.");
    }
}
