//! Index: a tantivy full-text index with one document per unit version, plus `acts.json`
//! (act records with their histories) beside it.
