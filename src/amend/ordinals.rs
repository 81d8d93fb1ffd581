//! Ordinal words of indents ("абзац второй", "екінші абзацы") turned into digits, because the
//! unit path stores numbers, not words.

/// Stems of Russian teens and tens shared by ordinals ("пятнадцатый") and cardinals
/// ("пятнадцати"); looked up before unit stems so that "пятнадцат" is not read as "пят".
pub(crate) const RU_TEENS_TENS: [(&str, u32); 11] = [
    ("одиннадцат", 11),
    ("двенадцат", 12),
    ("тринадцат", 13),
    ("четырнадцат", 14),
    ("пятнадцат", 15),
    ("шестнадцат", 16),
    ("семнадцат", 17),
    ("восемнадцат", 18),
    ("девятнадцат", 19),
    ("двадцат", 20),
    ("тридцат", 30),
];

/// Russian ordinal unit stems (after [`RU_TEENS_TENS`]).
const RU_STEMS: [(&str, u32); 10] = [
    ("перв", 1),
    ("втор", 2),
    ("трет", 3),
    ("четверт", 4),
    ("пят", 5),
    ("шест", 6),
    ("седьм", 7),
    ("восьм", 8),
    ("девят", 9),
    ("десят", 10),
];

const RU_TENS: [(&str, u32); 2] = [("двадцать", 20), ("тридцать", 30)];

const KK_ORDINALS: [(&str, u32); 12] = [
    ("бірінші", 1),
    ("екінші", 2),
    ("үшінші", 3),
    ("төртінші", 4),
    ("бесінші", 5),
    ("алтыншы", 6),
    ("жетінші", 7),
    ("сегізінші", 8),
    ("тоғызыншы", 9),
    ("оныншы", 10),
    ("жиырмасыншы", 20),
    ("отызыншы", 30),
];

const KK_TENS: [(&str, u32); 5] = [
    ("он", 10),
    ("жиырма", 20),
    ("отыз", 30),
    ("қырық", 40),
    ("елу", 50),
];

/// Regex fragment matching one Russian ordinal (any case), compound tens included.
pub(crate) const RU_ORD: &str = r"(?:(?:двадцать|тридцать)\s+)?(?:одиннадцат|двенадцат|тринадцат|четырнадцат|пятнадцат|шестнадцат|семнадцат|восемнадцат|девятнадцат|двадцат|тридцат|перв|втор|трет|четверт|пят|шест|седьм|восьм|девят|десят)\w*";

/// Regex fragment matching one Kazakh ordinal, compound tens included.
pub(crate) const KK_ORD: &str = r"(?:(?:он|жиырма|отыз|қырық|елу)\s+)?(?:бірінші|екінші|үшінші|төртінші|бесінші|алтыншы|жетінші|сегізінші|тоғызыншы|оныншы|жиырмасыншы|отызыншы)";

/// Value of an ordinal phrase in either language ("второго", "двадцать первый", "он бірінші");
/// digits are accepted as they are.
pub fn ordinal_value(phrase: &str) -> Option<u32> {
    let p = phrase.trim().to_lowercase().replace('i', "і");
    if let Ok(n) = p
        .trim_end_matches(|c: char| !c.is_ascii_digit())
        .parse::<u32>()
    {
        return Some(n);
    }
    let words: Vec<&str> = p.split_whitespace().collect();
    let (base, rest) = match words.as_slice() {
        [w] => (0, *w),
        [t, w] => {
            let tens = RU_TENS
                .iter()
                .chain(KK_TENS.iter())
                .find(|(s, _)| s == t)
                .map(|(_, v)| *v)?;
            (tens, *w)
        }
        _ => return None,
    };
    if let Some((_, v)) = KK_ORDINALS.iter().find(|(s, _)| rest == *s) {
        return Some(base + v);
    }
    RU_TEENS_TENS
        .iter()
        .chain(RU_STEMS.iter())
        .find(|(s, _)| rest.starts_with(s))
        .map(|(_, v)| base + v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_and_kazakh_ordinals() {
        assert_eq!(ordinal_value("второй"), Some(2));
        assert_eq!(ordinal_value("второго"), Some(2));
        assert_eq!(ordinal_value("пятнадцатом"), Some(15));
        assert_eq!(ordinal_value("пятом"), Some(5));
        assert_eq!(ordinal_value("двадцать первый"), Some(21));
        assert_eq!(ordinal_value("екінші"), Some(2));
        assert_eq!(ordinal_value("он бірінші"), Some(11));
        assert_eq!(ordinal_value("алтыншы"), Some(6));
        assert_eq!(ordinal_value("3"), Some(3));
        assert_eq!(ordinal_value("слово"), None);
    }
}
