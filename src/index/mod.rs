//! Index: a tantivy full-text index with one document per unit version, plus `acts.json`
//! (act records with their histories) and `summary.json` beside it.
//!
//! One document per *version* (not per unit) lets a single query answer "what did the rules
//! say on date D": every version carries its validity interval as two i64 fast fields and the
//! search intersects the text query with `valid_from <= D < valid_to`.

//!
//! Each text is indexed twice: exact forms (`text`, folded only: quoted phrases) and stems of
//! its language (`text_kk` / `text_ru`: bare words in any form). The act title and the
//! document title go the same way (`ctx_kk` / `ctx_ru` stemmed).

pub mod analyzer;
mod build;
mod collect;
pub mod eval;
mod facets;

pub mod kazakh;
pub(crate) mod query;
mod search;

pub use analyzer::{analyzer, TOKENIZER};
pub use build::{
    act_issuer_year, build_index, build_index_with, current_dir, BuildOptions, IndexError,
    IndexSummary, CURRENT_FILE,
};
pub use search::{
    load_acts, load_summary, search, search_counted, ActGroup, Facet, Facets, Hit,
    IndexReaderHandle, SearchError, SearchTimings, SortBy, StatusFilter, MAX_LIMIT, TOTAL_CAP,
};
pub use search::{SearchQuery, SearchResults};

use chrono::NaiveDate;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};

/// File names inside an index folder, besides tantivy's own files.
pub const ACTS_FILE: &str = "acts.json";
pub const SUMMARY_FILE: &str = "summary.json";
/// tantivy's metadata file: its presence means "there is an index here".
const TANTIVY_META: &str = "meta.json";

/// Bumped when the schema changes, so an old folder is reported instead of misread.
/// 2: stemmed fields, issuer and year.
pub const FORMAT_VERSION: u32 = 2;

/// The schema's fields, looked up once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub act_id: Field,
    pub lang: Field,
    pub act_title: Field,
    pub document: Field,
    pub path: Field,
    pub unit_kind: Field,
    pub text: Field,
    pub valid_from: Field,
    pub valid_to: Field,
    pub estimated: Field,
    pub status: Field,
    pub changed_by: Field,
    /// Stems of the text in its language (only one of the two is filled per document).
    pub text_kk: Field,
    pub text_ru: Field,
    /// Stems of the act title and document title.
    pub ctx_kk: Field,
    pub ctx_ru: Field,
    /// The exact document title (filter).
    pub doc_key: Field,
    /// Who issued the act ("Министра юстиции Республики Казахстан"), as its requisites say.
    pub issuer: Field,
    /// Year the act was adopted.
    pub year: Field,
}

impl Fields {
    pub(crate) fn stemmed_text(&self, lang: crate::model::Lang) -> Field {
        match lang {
            crate::model::Lang::Kk => self.text_kk,
            crate::model::Lang::Ru => self.text_ru,
        }
    }
    pub(crate) fn stemmed_ctx(&self, lang: crate::model::Lang) -> Field {
        match lang {
            crate::model::Lang::Kk => self.ctx_kk,
            crate::model::Lang::Ru => self.ctx_ru,
        }
    }
}

/// The schema; `stemming: false` gives the stem fields an analyzer without stemmer (the
/// baseline of `zan eval search`).
pub(crate) fn schema(stemming: bool) -> (Schema, Fields) {
    let text_indexing = TextFieldIndexing::default()
        .set_tokenizer(TOKENIZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text_opts = TextOptions::default()
        .set_indexing_options(text_indexing)
        .set_stored();
    let stem_opts = |lang| {
        let name = if stemming {
            analyzer::stem_tokenizer(lang)
        } else {
            analyzer::plain_tokenizer(lang)
        };
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(name)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    use crate::model::Lang;
    let mut b = Schema::builder();
    let fields = Fields {
        act_id: b.add_text_field("act_id", STRING | STORED | FAST),
        lang: b.add_text_field("lang", STRING | STORED | FAST),
        act_title: b.add_text_field("act_title", text_opts.clone()),
        document: b.add_text_field("document", text_opts.clone()),
        path: b.add_text_field("path", STRING | STORED),
        unit_kind: b.add_text_field("unit_kind", STRING | STORED | FAST),
        text: b.add_text_field("text", text_opts),
        valid_from: b.add_i64_field("valid_from", INDEXED | FAST | STORED),
        valid_to: b.add_i64_field("valid_to", INDEXED | FAST | STORED),
        estimated: b.add_bool_field("estimated", INDEXED | STORED),
        status: b.add_text_field("status", STRING | STORED),
        changed_by: b.add_text_field("changed_by", STORED),
        text_kk: b.add_text_field("text_kk", stem_opts(Lang::Kk)),
        text_ru: b.add_text_field("text_ru", stem_opts(Lang::Ru)),
        ctx_kk: b.add_text_field("ctx_kk", stem_opts(Lang::Kk)),
        ctx_ru: b.add_text_field("ctx_ru", stem_opts(Lang::Ru)),
        doc_key: b.add_text_field("doc_key", STRING),
        issuer: b.add_text_field("issuer", STRING | STORED | FAST),
        year: b.add_u64_field("year", INDEXED | STORED | FAST),
    };
    (b.build(), fields)
}

/// Looks the fields up by name in an opened index's schema.
pub(crate) fn fields_of(schema: &Schema) -> Result<Fields, String> {
    let f = |name: &str| {
        schema
            .get_field(name)
            .map_err(|_| format!("field `{name}` missing from the index schema"))
    };
    Ok(Fields {
        act_id: f("act_id")?,
        lang: f("lang")?,
        act_title: f("act_title")?,
        document: f("document")?,
        path: f("path")?,
        unit_kind: f("unit_kind")?,
        text: f("text")?,
        valid_from: f("valid_from")?,
        valid_to: f("valid_to")?,
        estimated: f("estimated")?,
        status: f("status")?,
        changed_by: f("changed_by")?,
        text_kk: f("text_kk")?,
        text_ru: f("text_ru")?,
        ctx_kk: f("ctx_kk")?,
        ctx_ru: f("ctx_ru")?,
        doc_key: f("doc_key")?,
        issuer: f("issuer")?,
        year: f("year")?,
    })
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid epoch")
}

/// Days since 1970-01-01: the representation of dates in the index.
pub fn date_to_days(d: NaiveDate) -> i64 {
    (d - epoch()).num_days()
}

/// Inverse of [`date_to_days`]; the open-interval sentinels (`i64::MIN`, `i64::MAX`) and
/// out-of-range values give `None`.
pub fn days_to_date(days: i64) -> Option<NaiveDate> {
    if days == i64::MIN || days == i64::MAX {
        return None;
    }
    epoch().checked_add_signed(chrono::TimeDelta::try_days(days)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_roundtrip() {
        let d = NaiveDate::from_ymd_opt(2021, 12, 10).unwrap();
        assert_eq!(days_to_date(date_to_days(d)), Some(d));
        assert_eq!(date_to_days(epoch()), 0);
        assert_eq!(days_to_date(i64::MIN), None);
        assert_eq!(days_to_date(i64::MAX), None);
    }

    #[test]
    fn schema_fields_found_by_name() {
        let (schema, fields) = schema(true);
        let again = fields_of(&schema).unwrap();
        assert_eq!(again.text, fields.text);
        assert_eq!(again.changed_by, fields.changed_by);
    }
}
