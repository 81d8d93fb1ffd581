//! From the user's query text to a tantivy query.
//!
//! tantivy's own `QueryParser` sends every word to every default field with one analyzer per
//! field; here a bare word has to go to the stemmed fields (any form) and a quoted phrase to
//! the exact field (those words, in that order). So the text is parsed with tantivy's query
//! grammar (`query_grammar::parse_query`: words, "phrases", `+`/`-`, `AND`/`OR`/`NOT`,
//! parentheses, `field:value`, `^boost`) and the tree is turned into queries here.

use super::Fields;
use crate::model::Lang;
use std::ops::Bound;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::query_grammar::{Delimiter, UserInputAst, UserInputBound, UserInputLeaf};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::Term;

/// Weight of a match in the act or document title against one in the unit's own text.
const CTX_BOOST: f32 = 0.1;
/// Extra weight when the exact form matches too (a bare word): the form typed ranks first.
const EXACT_BONUS: f32 = 0.3;
/// Words apart (moves) a proximity match allows, and its weight.
const PROXIMITY_SLOP: u32 = 6;
const PROXIMITY_BOOST: f32 = 0.5;

/// What turns text into terms: the index's own analyzers (so a baseline index without stems
/// is queried without stems).
pub(crate) struct Analyzers {
    pub exact: TextAnalyzer,
    pub kk: TextAnalyzer,
    pub ru: TextAnalyzer,
}

impl Analyzers {
    fn stem(&self, lang: Lang) -> TextAnalyzer {
        match lang {
            Lang::Kk => self.kk.clone(),
            Lang::Ru => self.ru.clone(),
        }
    }
}

pub(crate) fn tokens(analyzer: &TextAnalyzer, text: &str) -> Vec<String> {
    let mut a = analyzer.clone();
    let mut stream = a.token_stream(text);
    let mut out = Vec::new();
    while let Some(t) = stream.next() {
        out.push(t.text.clone());
    }
    out
}

pub(crate) struct Builder<'a> {
    pub fields: &'a Fields,
    pub analyzers: &'a Analyzers,
    /// Languages whose stemmed fields a bare word is looked up in.
    pub langs: &'a [Lang],
}

type Q = Box<dyn Query>;

fn term_q(field: Field, text: &str) -> Q {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqsAndPositions,
    ))
}

fn boost(q: Q, by: f32) -> Q {
    if (by - 1.0).abs() < f32::EPSILON {
        q
    } else {
        Box::new(BoostQuery::new(q, by))
    }
}

/// A query on consecutive tokens of one field: a term for one, a phrase for more.
fn seq(field: Field, toks: &[String], slop: u32) -> Option<Q> {
    match toks {
        [] => None,
        [one] => Some(term_q(field, one)),
        many => {
            let terms = many
                .iter()
                .map(|t| Term::from_field_text(field, t))
                .collect();
            let mut p = PhraseQuery::new(terms);
            p.set_slop(slop);
            Some(Box::new(p))
        }
    }
}

fn any(clauses: Vec<Q>) -> Option<Q> {
    match clauses.len() {
        0 => None,
        1 => clauses.into_iter().next(),
        _ => Some(Box::new(BooleanQuery::new(
            clauses.into_iter().map(|q| (Occur::Should, q)).collect(),
        ))),
    }
}

/// A filter: required, not scored.
fn filter(q: Q) -> Q {
    Box::new(ConstScoreQuery::new(q, 0.0))
}

/// tantivy's query grammar, made total: besides syntax errors it panics on some inputs (found
/// by fuzzing: `(a OI b +++ …` and `I +++ * unit_` assert "Exist query without a field"; still
/// so in tantivy-query-grammar 0.24), and a user's query must never take down a search or a
/// server worker. A panic counts as "not understood".
///
/// The panic is caught, and a panic hook keeps it quiet: a malformed query is an expected
/// input, not a bug to print a backtrace for (and libFuzzer's hook would abort on it although it
/// is handled). Panics anywhere else still reach the previous hook.
pub fn parse_user_query(text: &str) -> Option<UserInputAst> {
    use std::cell::Cell;
    use std::sync::Once;
    thread_local! {
        static IN_GRAMMAR: Cell<bool> = const { Cell::new(false) };
    }
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_GRAMMAR.with(Cell::get) {
                previous(info);
            }
        }));
    });
    IN_GRAMMAR.with(|g| g.set(true));
    let ast = std::panic::catch_unwind(|| tantivy::query_grammar::parse_query(text).ok());
    IN_GRAMMAR.with(|g| g.set(false));
    ast.ok().flatten()
}

/// One way a required word or phrase can match: consecutive terms (one for a word) in one
/// field, and the weight of a match there.
#[derive(Clone)]
pub(crate) struct Alt {
    pub field: Field,
    pub terms: Vec<Term>,
    pub boost: f32,
}

/// A query of the two shapes people type most, plain words and one "exact phrase", taken apart
/// so that the top-k pass can prune (see `collect::top_k`): every group must match by at
/// least one of its alternatives; the score is the sum of the BM25 of every alternative's terms
/// found in the document. For plain words that is exactly the score of the boolean query the
/// builder makes; for a phrase the phrase is scored by its words.
pub(crate) struct Plain {
    pub groups: Vec<Vec<Alt>>,
    /// Per language, the stems of all the words in the stemmed text field: the closeness bonus
    /// (see [`Builder::proximity`]) applied to the best candidates only.
    pub near: Vec<(Field, Vec<Term>)>,
}

impl Plain {
    /// Slop of the closeness bonus and its weight (as in [`Builder::proximity`]).
    pub const NEAR_SLOP: u32 = PROXIMITY_SLOP;
    pub const NEAR_BOOST: f32 = PROXIMITY_BOOST;
}

impl Builder<'_> {
    /// Parses `text` and builds its query; `Err` says what was not understood (the caller
    /// then searches the words literally). `Ok(None)`: nothing to search (no words).
    pub fn parse(&self, text: &str) -> Result<Option<Q>, String> {
        let ast =
            parse_user_query(text).ok_or_else(|| "query syntax not understood".to_string())?;
        self.ast(&ast)
    }

    /// Every word of `text` required, in any form: the fallback for text that is not query
    /// syntax (pasted from an act: `подпункт 3)`).
    pub fn literal(&self, text: &str) -> Option<Q> {
        let exact = tokens(&self.analyzers.exact, text);
        let mut clauses: Vec<(Occur, Q)> = Vec::new();
        let mut seen = Vec::new();
        for w in exact {
            if seen.contains(&w) {
                continue;
            }
            if let Some(q) = self.word(&w) {
                clauses.push((Occur::Must, q));
            }
            seen.push(w);
        }
        if clauses.is_empty() {
            None
        } else {
            Some(Box::new(BooleanQuery::new(clauses)))
        }
    }

    fn ast(&self, ast: &UserInputAst) -> Result<Option<Q>, String> {
        match ast {
            UserInputAst::Clause(items) => {
                let mut clauses: Vec<(Occur, Q)> = Vec::new();
                for (occur, sub) in items {
                    if let Some(q) = self.ast(sub)? {
                        clauses.push((occur.unwrap_or(Occur::Must), q));
                    }
                }
                if clauses.is_empty() {
                    return Ok(None);
                }
                // Only exclusions (`-word`): everything else.
                if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
                    clauses.push((Occur::Must, Box::new(AllQuery)));
                }
                if clauses.len() == 1 && clauses[0].0 != Occur::MustNot {
                    return Ok(clauses.pop().map(|(_, q)| q));
                }
                Ok(Some(Box::new(BooleanQuery::new(clauses))))
            }
            UserInputAst::Boost(sub, by) => Ok(self.ast(sub)?.map(|q| boost(q, *by as f32))),
            UserInputAst::Leaf(leaf) => self.leaf(leaf),
        }
    }

    fn leaf(&self, leaf: &UserInputLeaf) -> Result<Option<Q>, String> {
        match leaf {
            UserInputLeaf::Literal(lit) => match &lit.field_name {
                Some(name) => self.field(name, &lit.phrase).map(Some),
                None if lit.delimiter == Delimiter::None => Ok(self.bare(&lit.phrase)),
                None => Ok(self.phrase(&lit.phrase, lit.slop)),
            },
            UserInputLeaf::All => Ok(Some(Box::new(AllQuery))),
            UserInputLeaf::Range {
                field,
                lower,
                upper,
            } => {
                match field.as_deref() {
                    Some("year") => {}
                    _ => {
                        return Err("ranges are only supported on year: year:[2018 TO 2020]".into())
                    }
                }
                let bound = |b: &UserInputBound| -> Result<Bound<Term>, String> {
                    let parse = |s: &str| {
                        s.trim()
                            .parse::<u64>()
                            .map(|y| Term::from_field_u64(self.fields.year, y))
                            .map_err(|_| format!("bad year `{s}`"))
                    };
                    Ok(match b {
                        UserInputBound::Inclusive(s) => Bound::Included(parse(s)?),
                        UserInputBound::Exclusive(s) => Bound::Excluded(parse(s)?),
                        UserInputBound::Unbounded => Bound::Unbounded,
                    })
                };
                Ok(Some(filter(Box::new(RangeQuery::new(
                    bound(lower)?,
                    bound(upper)?,
                )))))
            }
            UserInputLeaf::Set { .. } | UserInputLeaf::Exists { .. } => {
                Err("sets and exists queries are not supported".into())
            }
        }
    }

    /// A bare word (or a hyphenated group: `12-1`, `интернет-ресурс`): its stems in the
    /// stemmed fields of each language, plus a bonus for the exact form.
    fn bare(&self, text: &str) -> Option<Q> {
        let exact = tokens(&self.analyzers.exact, text);
        match exact.len() {
            0 => None,
            1 => self.word(&exact[0]),
            _ => {
                let f = self.fields;
                let mut clauses = Vec::new();
                for &lang in self.langs {
                    let stems = tokens(&self.analyzers.stem(lang), text);
                    clauses.extend(seq(f.stemmed_text(lang), &stems, 0));
                    clauses
                        .extend(seq(f.stemmed_ctx(lang), &stems, 0).map(|q| boost(q, CTX_BOOST)));
                }
                clauses.extend(seq(f.text, &exact, 0).map(|q| boost(q, EXACT_BONUS)));
                any(clauses)
            }
        }
    }

    /// One exact (folded) token: stems in each language and the exact form. A stop word (no
    /// stem in any language: `в`, `и`, `және`) is no condition at all.
    fn word(&self, exact: &str) -> Option<Q> {
        let f = self.fields;
        let mut clauses = Vec::new();
        for &lang in self.langs {
            // Stem the folded token with the language's analyzer (a token stays one token).
            let stems = tokens(&self.analyzers.stem(lang), exact);
            let Some(stem) = stems.first() else { continue };
            clauses.push(term_q(f.stemmed_text(lang), stem));
            clauses.push(boost(term_q(f.stemmed_ctx(lang), stem), CTX_BOOST));
        }
        if clauses.is_empty() {
            return None;
        }
        clauses.push(boost(term_q(f.text, exact), EXACT_BONUS));
        any(clauses)
    }

    /// The query as a [`Plain`], when it is plain words or one exact phrase (`"…"`, no slop);
    /// `None` for anything else (operators, fields, sloppy phrases), which runs unpruned.
    pub fn plain(&self, text: &str) -> Option<Plain> {
        let f = self.fields;
        let ast = parse_user_query(text)?;
        let terms = |field: Field, toks: &[String]| -> Vec<Term> {
            toks.iter()
                .map(|t| Term::from_field_text(field, t))
                .collect()
        };
        let alt = |field: Field, toks: &[String], boost: f32| -> Option<Alt> {
            (!toks.is_empty()).then(|| Alt {
                field,
                terms: terms(field, toks),
                boost,
            })
        };
        // One quoted phrase: `"…"` or a clause holding only it.
        let single = match &ast {
            UserInputAst::Leaf(leaf) => Some(&**leaf),
            UserInputAst::Clause(items) if items.len() == 1 => match &items[0] {
                (None | Some(Occur::Must), UserInputAst::Leaf(leaf)) => Some(&**leaf),
                _ => None,
            },
            _ => None,
        };
        if let Some(UserInputLeaf::Literal(lit)) = single {
            if lit.field_name.is_none() && lit.delimiter != Delimiter::None {
                if lit.slop != 0 {
                    return None;
                }
                let exact = tokens(&self.analyzers.exact, &lit.phrase);
                let group: Vec<Alt> = [
                    alt(f.text, &exact, 1.0),
                    alt(f.act_title, &exact, CTX_BOOST),
                    alt(f.document, &exact, CTX_BOOST),
                ]
                .into_iter()
                .flatten()
                .collect();
                return (!group.is_empty()).then(|| Plain {
                    groups: vec![group],
                    near: Vec::new(),
                });
            }
        }
        let words = Self::plain_words_of(&ast)?;
        let mut groups = Vec::new();
        for w in &words {
            let exact = tokens(&self.analyzers.exact, w);
            let mut group = Vec::new();
            if exact.len() == 1 {
                // As `word`: a token no language stems is a stop word, no condition.
                for &lang in self.langs {
                    let stems = tokens(&self.analyzers.stem(lang), &exact[0]);
                    let Some(stem) = stems.first() else { continue };
                    let one = std::slice::from_ref(stem);
                    group.extend(alt(f.stemmed_text(lang), one, 1.0));
                    group.extend(alt(f.stemmed_ctx(lang), one, CTX_BOOST));
                }
                if group.is_empty() {
                    continue;
                }
                group.extend(alt(f.text, &exact, EXACT_BONUS));
            } else if exact.len() > 1 {
                // As `bare`: a hyphenated group is a phrase of its parts.
                for &lang in self.langs {
                    let stems = tokens(&self.analyzers.stem(lang), w);
                    group.extend(alt(f.stemmed_text(lang), &stems, 1.0));
                    group.extend(alt(f.stemmed_ctx(lang), &stems, CTX_BOOST));
                }
                group.extend(alt(f.text, &exact, EXACT_BONUS));
            }
            if !group.is_empty() {
                groups.push(group);
            }
        }
        if groups.is_empty() {
            return None;
        }
        let joined = words.join(" ");
        let near = self
            .langs
            .iter()
            .filter_map(|&lang| {
                let stems = tokens(&self.analyzers.stem(lang), &joined);
                (stems.len() >= 2).then(|| {
                    let field = f.stemmed_text(lang);
                    (field, terms(field, &stems))
                })
            })
            .collect();
        Some(Plain { groups, near })
    }

    /// The words of a plain-words query (no operator, phrase or field), else `None`.
    fn plain_words(text: &str) -> Option<Vec<String>> {
        Self::plain_words_of(&parse_user_query(text)?)
    }

    /// [`Self::plain_words`] of an already parsed query.
    fn plain_words_of(ast: &UserInputAst) -> Option<Vec<String>> {
        let items: Vec<(Option<Occur>, &UserInputAst)> = match ast {
            UserInputAst::Clause(items) => items.iter().map(|(o, sub)| (*o, sub)).collect(),
            // One word parses to a bare leaf, not a clause of one.
            UserInputAst::Leaf(_) => vec![(None, ast)],
            _ => return None,
        };
        items
            .into_iter()
            .map(|(occur, sub)| match (occur, sub) {
                (None, UserInputAst::Leaf(leaf)) => match &**leaf {
                    UserInputLeaf::Literal(l)
                        if l.field_name.is_none() && l.delimiter == Delimiter::None =>
                    {
                        Some(l.phrase.clone())
                    }
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    /// Ranks units where the words of a plain-words query stand close together (within a
    /// few words, in order) above units that have them scattered: a sloppy phrase on the
    /// stems, to add as an optional clause.
    pub fn proximity(&self, text: &str) -> Option<Q> {
        let words = Self::plain_words(text)?;
        let joined = words.join(" ");
        let f = self.fields;
        let clauses: Vec<Q> = self
            .langs
            .iter()
            .filter_map(|&lang| {
                let stems = tokens(&self.analyzers.stem(lang), &joined);
                (stems.len() >= 2)
                    .then(|| seq(f.stemmed_text(lang), &stems, PROXIMITY_SLOP))
                    .flatten()
            })
            .collect();
        any(clauses).map(|q| boost(q, PROXIMITY_BOOST))
    }

    /// For a query of plain words only (no operator, phrase or field): the words, of which
    /// about two thirds must match. Used when no unit has them all — people type words that
    /// the text has in another part of speech ("регистрирует" for "регистрацию").
    pub fn relaxed(&self, text: &str) -> Option<(Q, usize, usize)> {
        let leaves = Self::plain_words(text)?;
        let words: Vec<Q> = leaves.iter().filter_map(|w| self.bare(w)).collect();
        let n = words.len();
        if n < 3 {
            return None;
        }
        let need = (n * 2).div_ceil(3);
        let q = BooleanQuery::with_minimum_required_clauses(
            words.into_iter().map(|q| (Occur::Should, q)).collect(),
            need,
        );
        Some((Box::new(q), need, n))
    }

    /// A quoted phrase: exact forms, in order (`slop` from `"…"~N`).
    fn phrase(&self, text: &str, slop: u32) -> Option<Q> {
        let f = self.fields;
        let exact = tokens(&self.analyzers.exact, text);
        let clauses: Vec<Q> = [
            seq(f.text, &exact, slop),
            seq(f.act_title, &exact, slop).map(|q| boost(q, CTX_BOOST)),
            seq(f.document, &exact, slop).map(|q| boost(q, CTX_BOOST)),
        ]
        .into_iter()
        .flatten()
        .collect();
        any(clauses)
    }

    /// `field:value`: filters on the act, language, unit kind, issuer, year, status, path;
    /// exact matches in a text field.
    fn field(&self, name: &str, value: &str) -> Result<Q, String> {
        let f = self.fields;
        let value = value.trim();
        let q: Q = match name.to_lowercase().as_str() {
            "act" | "act_id" => filter(term_q(f.act_id, &value.to_uppercase())),
            "lang" => {
                let lang = Lang::parse(value).ok_or_else(|| format!("bad lang `{value}`"))?;
                filter(term_q(f.lang, lang.code()))
            }
            "kind" | "unit_kind" | "unit" => filter(term_q(f.unit_kind, &value.to_lowercase())),
            "issuer" => filter(term_q(f.issuer, value)),
            "path" => filter(term_q(f.path, value)),
            "status" => filter(term_q(f.status, &value.to_lowercase())),
            "year" => {
                let y: u64 = value.parse().map_err(|_| format!("bad year `{value}`"))?;
                filter(Box::new(TermQuery::new(
                    Term::from_field_u64(f.year, y),
                    IndexRecordOption::Basic,
                )))
            }
            "text" | "title" | "document" | "doc" => {
                let field = match name {
                    "text" => f.text,
                    "title" => f.act_title,
                    _ => f.document,
                };
                let toks = tokens(&self.analyzers.exact, value);
                seq(field, &toks, 0).ok_or_else(|| format!("`{name}:` needs words"))?
            }
            other => {
                return Err(format!(
                    "unknown field `{other}` (known: act, lang, kind, issuer, year, status, path, text, title, document)"
                ))
            }
        };
        Ok(q)
    }
}

#[cfg(test)]
mod tests {
    use super::Builder;

    /// One word must take the pruned path too: the grammar gives it as a bare leaf, not as a
    /// clause of one, and it once fell through to the unpruned search.
    #[test]
    fn plain_words_include_a_single_word() {
        let words = |s: &str| Builder::plain_words(s);
        assert_eq!(words("взносов"), Some(vec!["взносов".to_string()]));
        assert_eq!(
            words("обязательных взносов"),
            Some(vec!["обязательных".to_string(), "взносов".to_string()])
        );
        // (`+` on a lone word changes nothing: the grammar drops it)
        assert_eq!(words("-взносов"), None);
        assert_eq!(words("title:взносов"), None);
        assert_eq!(words("\"обязательных взносов\""), None);
        assert_eq!(words("взносов OR налог"), None);
    }
}
