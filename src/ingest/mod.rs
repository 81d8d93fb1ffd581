//! Ingest: read the corpus (markdown + meta.yaml, plain text orders, PDFs) into `SourceDoc`s.
