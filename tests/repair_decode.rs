//! Round trips of real corpus text through every supported encoding.

use encoding_rs::{Encoding, IBM866, KOI8_R, WINDOWS_1251};
use zan::repair::{decode_bytes, DecodeError};

fn corpus(path: &str) -> String {
    let p = format!("{}/corpus/acts/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// Prose lines (several Cyrillic words), as they come, markup included.
fn prose_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| {
            l.split_whitespace()
                .filter(|w| {
                    w.chars()
                        .filter(|c| ('\u{0400}'..='\u{04FF}').contains(c))
                        .count()
                        >= 3
                })
                .count()
                >= 4
        })
        .collect()
}

fn encodable(enc: &'static Encoding, s: &str) -> Option<Vec<u8>> {
    let (bytes, _, unmappable) = enc.encode(s);
    (!unmappable).then(|| bytes.into_owned())
}

#[test]
fn russian_lines_round_trip_through_single_byte_pages() {
    let text = corpus("125804/rus.md");
    let lines = prose_lines(&text);
    for enc in [WINDOWS_1251, KOI8_R, IBM866] {
        let mut tested = 0;
        let mut chunk = Vec::new();
        for line in &lines {
            let Some(bytes) = encodable(enc, line) else {
                continue;
            };
            let (decoded, name) = decode_bytes(&bytes).unwrap();
            assert_eq!(&decoded, line, "{}", enc.name());
            assert_eq!(name, enc.name(), "{line}");
            chunk.push(*line);
            tested += 1;
        }
        assert!(
            tested >= 50,
            "{}: only {tested} encodable lines",
            enc.name()
        );
        let joined = chunk.join("\n");
        let (decoded, name) = decode_bytes(&encodable(enc, &joined).unwrap()).unwrap();
        assert_eq!(
            (decoded.as_str(), name.as_str()),
            (joined.as_str(), enc.name())
        );
    }
}

#[test]
fn kazakh_text_round_trips_through_unicode_encodings() {
    let text = corpus("125804/kaz.md");
    let sample: String = prose_lines(&text)[..40].join("\n");
    let mut bom8 = vec![0xEF, 0xBB, 0xBF];
    bom8.extend_from_slice(sample.as_bytes());
    let mut le = vec![0xFF, 0xFE];
    le.extend(sample.encode_utf16().flat_map(|u| u.to_le_bytes()));
    let mut be = vec![0xFE, 0xFF];
    be.extend(sample.encode_utf16().flat_map(|u| u.to_be_bytes()));
    for (bytes, name) in [
        (sample.as_bytes().to_vec(), "UTF-8"),
        (bom8, "UTF-8"),
        (le, "UTF-16LE"),
        (be, "UTF-16BE"),
    ] {
        let (decoded, got) = decode_bytes(&bytes).unwrap();
        assert_eq!(decoded, sample, "{name}");
        assert_eq!(got, name);
    }
}

#[test]
fn garbage_is_rejected() {
    assert!(matches!(decode_bytes(&[]), Err(DecodeError::Empty)));
    assert!(matches!(
        decode_bytes(&[0xEF, 0xBB, 0xBF]),
        Err(DecodeError::Empty)
    ));
    // A zip header and some compressed-looking bytes.
    let mut zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec();
    zip.extend((0u32..400).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8));
    assert!(matches!(decode_bytes(&zip), Err(DecodeError::Binary(_))));
}
