//! Text analysis for Kazakh and Russian: one analyzer for both languages, so that a query in
//! either language (or a mixed one) is analysed exactly like the text it searches.
//!
//! Exact forms: `SimpleTokenizer` → `RemoveLongFilter` → `LowerCaser` → [`KkRuFolding`].
//! Stems: the same, then the language's stemmer — Snowball Russian (tantivy's `Stemmer`) or
//! the Kazakh one of [`super::kazakh`]. The index keeps both, so that a quoted phrase matches
//! the exact words while a bare word matches every form of it.

use crate::model::Lang;
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
    Token, TokenFilter, TokenStream, Tokenizer,
};

/// Name the exact-form analyzer is registered under in the index's tokenizer manager.
pub const TOKENIZER: &str = "kkru";
/// Names of the stemming analyzers.
pub const KK_STEM: &str = "kk_stem";
pub const RU_STEM: &str = "ru_stem";
/// Names of the baseline analyzers: stop words dropped like the stemming ones, no stemming.
pub const KK_PLAIN: &str = "kk_plain";
pub const RU_PLAIN: &str = "ru_plain";

/// Kazakh function words dropped from the stemmed fields (no stop list ships for Kazakh):
/// conjunctions, particles and demonstratives that carry no meaning in a search.
const KK_STOP: &[&str] = &[
    "және",
    "мен",
    "бен",
    "пен",
    "немесе",
    "не",
    "да",
    "де",
    "та",
    "те",
    "ал",
    "бірақ",
    "әрі",
    "осы",
    "сол",
    "бұл",
    "ол",
    "сондай",
    "ақ",
    "үшін",
    "ғана",
    "әр",
    "бойынша",
];

/// Name of the baseline (no stemming) analyzer of `lang`.
pub fn plain_tokenizer(lang: Lang) -> &'static str {
    match lang {
        Lang::Kk => KK_PLAIN,
        Lang::Ru => RU_PLAIN,
    }
}

/// Name of the stemming analyzer of `lang`.
pub fn stem_tokenizer(lang: Lang) -> &'static str {
    match lang {
        Lang::Kk => KK_STEM,
        Lang::Ru => RU_STEM,
    }
}

/// Tokens longer than this (bytes) are dropped: they are garbage (base64, tables glued
/// together), never words somebody searches for.
const MAX_TOKEN_BYTES: usize = 80;

/// The analyzer used for every text field and for queries.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(KkRuFolding)
        .build()
}

fn stop_words(lang: Lang) -> StopWordFilter {
    match lang {
        Lang::Ru => StopWordFilter::new(Language::Russian)
            .unwrap_or_else(|| StopWordFilter::remove(Vec::<String>::new())),
        Lang::Kk => StopWordFilter::remove(KK_STOP.iter().map(|w| w.to_string())),
    }
}

/// The analyzer of `lang` with its stop words and stemmer.
pub fn stemmed(lang: Lang) -> TextAnalyzer {
    let base = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(KkRuFolding)
        .filter(stop_words(lang));
    match lang {
        Lang::Ru => base.filter(Stemmer::new(Language::Russian)).build(),
        Lang::Kk => base.filter(KazakhStemmer).build(),
    }
}

/// The analyzer of `lang` without stemming (stop words dropped): the baseline.
pub fn plain(lang: Lang) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(KkRuFolding)
        .filter(stop_words(lang))
        .build()
}

/// Register the analyzers on an index (needed after every open: tantivy does not persist
/// custom tokenizers).
pub fn register(index: &tantivy::Index) {
    index.tokenizers().register(TOKENIZER, analyzer());
    index.tokenizers().register(KK_STEM, stemmed(Lang::Kk));
    index.tokenizers().register(RU_STEM, stemmed(Lang::Ru));
    index.tokenizers().register(KK_PLAIN, plain(Lang::Kk));
    index.tokenizers().register(RU_PLAIN, plain(Lang::Ru));
}

/// A token filter that rewrites every non-ASCII token with a function (`None` keeps the token):
/// the shape shared by the Kazakh stemmer and the kk/ru folding.
#[derive(Clone, Copy)]
pub struct MapNonAscii(fn(&str) -> Option<String>);

/// Replaces each Cyrillic token by its Kazakh stem ([`super::kazakh::stem`]).
#[allow(non_upper_case_globals)]
pub const KazakhStemmer: MapNonAscii = MapNonAscii(|t| Some(super::kazakh::stem(t)));

/// Folds spellings that real Kazakh/Russian files mix up, so that both spellings meet in one
/// term: `ё` → `е` everywhere, and, inside tokens that contain Cyrillic letters, Latin
/// look-alikes (`i`, `c`, `o`, `a`, `e`, `p`, …, `ə`) → their Cyrillic letters. Tokens that
/// are wholly Latin (names of systems, URLs, `e-mail`) are left alone.
#[allow(non_upper_case_globals)]
pub const KkRuFolding: MapNonAscii = MapNonAscii(fold);

impl TokenFilter for MapNonAscii {
    type Tokenizer<T: Tokenizer> = MapNonAsciiFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> MapNonAsciiFilter<T> {
        MapNonAsciiFilter {
            inner: tokenizer,
            f: self.0,
        }
    }
}

#[derive(Clone)]
pub struct MapNonAsciiFilter<T> {
    inner: T,
    f: fn(&str) -> Option<String>,
}

impl<T: Tokenizer> Tokenizer for MapNonAsciiFilter<T> {
    type TokenStream<'a> = MapNonAsciiStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        MapNonAsciiStream {
            tail: self.inner.token_stream(text),
            f: self.f,
        }
    }
}

pub struct MapNonAsciiStream<S> {
    tail: S,
    f: fn(&str) -> Option<String>,
}

impl<S: TokenStream> TokenStream for MapNonAsciiStream<S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if !token.text.is_ascii() {
            if let Some(t) = (self.f)(&token.text) {
                token.text = t;
            }
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}' | '\u{0500}'..='\u{052F}')
}

/// Cyrillic letter a lowercased Latin look-alike stands for. Upper-case look-alikes arrive
/// here lowercased (`H` → `h` stood for `Н`, `B` → `b` for `В`, `T` → `t` for `Т`).
fn latin_lookalike(c: char) -> Option<char> {
    Some(match c {
        'a' => 'а',
        'b' => 'в',
        'c' => 'с',
        'e' => 'е',
        'h' => 'н',
        'i' => 'і',
        'k' => 'к',
        'm' => 'м',
        'o' => 'о',
        'p' => 'р',
        't' => 'т',
        'x' => 'х',
        'y' => 'у',
        'ə' => 'ә',
        _ => return None,
    })
}

/// The folded form of an already lowercased token, or `None` when nothing changes.
pub fn fold(token: &str) -> Option<String> {
    let cyrillic = token.chars().any(is_cyrillic);
    let needs = token
        .chars()
        .any(|c| c == 'ё' || (cyrillic && latin_lookalike(c).is_some()));
    if !needs {
        return None;
    }
    Some(
        token
            .chars()
            .map(|c| match c {
                'ё' => 'е',
                c if cyrillic => latin_lookalike(c).unwrap_or(c),
                c => c,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        let mut a = analyzer();
        let mut stream = a.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push(t.text.clone());
        }
        out
    }

    #[test]
    fn latin_i_in_kazakh_word_meets_cyrillic_i() {
        // kaz.md of act 142971, point 3, is typed with Latin `i`.
        let latin = tokens("Апостильдi қою рәсiмiнiң мақсаты");
        let cyr = tokens("апостильді қою рәсімінің МАҚСАТЫ");
        assert_eq!(latin, cyr);
    }

    #[test]
    fn yo_and_latin_c_fold_in_russian() {
        assert_eq!(tokens("Ёлка"), tokens("елка"));
        // "в соответствии c настоящими" — the lone Latin `c` stays Latin (no Cyrillic around).
        assert_eq!(tokens("c"), vec!["c".to_string()]);
        assert_eq!(tokens("Cлужба"), tokens("служба"));
    }

    fn stems(lang: Lang, text: &str) -> Vec<String> {
        let mut a = stemmed(lang);
        let mut stream = a.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push(t.text.clone());
        }
        out
    }

    #[test]
    fn russian_forms_meet() {
        assert_eq!(
            stems(Lang::Ru, "государственной услуги"),
            stems(Lang::Ru, "Государственные УСЛУГИ")
        );
        assert_eq!(
            stems(Lang::Ru, "апостилирование"),
            stems(Lang::Ru, "апостилированием")
        );
    }

    #[test]
    fn kazakh_forms_meet_after_folding() {
        // Latin `i` folded before stemming.
        assert_eq!(stems(Lang::Kk, "қызметтерiнiң"), vec!["қызмет"]);
        assert_eq!(stems(Lang::Kk, "тармағына"), stems(Lang::Kk, "тармақ"));
    }

    #[test]
    fn pure_latin_tokens_untouched() {
        assert_eq!(tokens("E-mail Portal"), vec!["e", "mail", "portal"]);
    }

    #[test]
    fn splits_numbers_and_keeps_kazakh_letters() {
        assert_eq!(
            tokens("12-1-тармақ ҚҰЖАТТАР"),
            vec!["12", "1", "тармақ", "құжаттар"]
        );
    }
}
