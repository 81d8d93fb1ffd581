//! Serve: the HTTP JSON API and the search page over an index folder.
