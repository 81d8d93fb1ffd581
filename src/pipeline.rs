//! The whole pipeline over a corpus folder: ingest → repair → structure/amend → consolidate.
