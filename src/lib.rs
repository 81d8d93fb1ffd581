//! zan: repair, structure, consolidate and search the legal acts of Kazakhstan in Kazakh and
//! Russian. The modules follow the data flow; `cli` is a thin layer over them.

pub mod amend;
pub mod consolidate;
#[doc(hidden)]
pub mod fuzz_entry;
pub mod gen;
pub mod identity;
pub mod index;
pub mod ingest;
pub mod loadbench;
pub mod model;
pub mod pipeline;
pub mod repair;
pub mod serve;
pub mod structure;
