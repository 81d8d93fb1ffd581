//! The two passes of a search that asks for no facets: the best `limit` hits by block-max
//! WAND, and the number of matches counted up to a cap.
//!
//! tantivy's `TopDocs` prunes with block-max WAND only when it is the sole collector of a pure
//! disjunction of terms; counting every match, the date filter in a `FilterCollector` or
//! facets beside it make it score every matching document (tens of thousands per broad query
//! over a million versions). Here the top-k pass runs `Weight::for_each_pruning` on the user's
//! query alone and applies the cheap, broad conditions (date window from fast fields, language,
//! repealed placeholders) in its callback: a document that fails them is simply not taken, and
//! the threshold only rises on documents that are, so the pruning stays exact. Selective
//! filters (act, document, kind, issuer, year) go into the query instead, where the
//! intersection is driven by their short posting lists.

use super::date_to_days;
use super::search::{SearchQuery, StatusFilter};
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::{EnableScoring, Query, Scorer, Weight};
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED};

/// The validity window a search restricts versions to, read from the `valid_from` /
/// `valid_to` fast fields (see `search::dated`, which does the same for tantivy collectors).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    day: i64,
    from_on: bool,
    to_on: bool,
}

impl Window {
    pub(crate) fn of(q: &SearchQuery) -> Self {
        let (from_on, to_on) = match q.status {
            StatusFilter::InForce => (true, true),
            StatusFilter::All => (true, false),
            StatusFilter::Repealed => (false, false),
        };
        Window {
            day: date_to_days(q.as_of),
            from_on,
            to_on,
        }
    }

    fn columns(self, reader: &SegmentReader) -> tantivy::Result<SegmentWindow> {
        let ff = reader.fast_fields();
        Ok(SegmentWindow {
            window: self,
            from: ff.i64("valid_from").ok(),
            to: ff.i64("valid_to").ok(),
        })
    }
}

struct SegmentWindow {
    window: Window,
    from: Option<Column<i64>>,
    to: Option<Column<i64>>,
}

impl SegmentWindow {
    /// Whether `doc` is valid on the day (a version without the value is not).
    #[inline]
    fn accepts(&self, doc: DocId) -> bool {
        let w = self.window;
        let check = |on: bool, col: &Option<Column<i64>>, ok: &dyn Fn(i64) -> bool| {
            !on || col.as_ref().and_then(|c| c.first(doc)).is_some_and(ok)
        };
        check(w.from_on, &self.from, &|v| v <= w.day) && check(w.to_on, &self.to, &|v| v > w.day)
    }
}

/// What a search collects: the query that is scored, and the conditions checked per candidate.
pub(crate) struct Plan {
    /// Scored (and pruned) query.
    pub scored: Box<dyn Query>,
    /// Candidates must match this too (not scored), when set.
    pub required: Option<Box<dyn Query>>,
    /// Candidates must not match this, when set.
    pub excluded: Option<Box<dyn Query>>,
    pub window: Window,
}

/// Membership test on a docset positioned anywhere before `doc` (candidates come in
/// increasing order within a segment, so the docset only moves forward).
#[inline]
fn contains(s: &mut dyn Scorer, doc: DocId) -> bool {
    if s.doc() < doc {
        s.seek(doc);
    }
    s.doc() == doc
}

/// A kept hit: ordered by score, then the earlier address first (as `TopDocs` does).
#[derive(Debug, Clone, Copy)]
struct Entry {
    score: Score,
    addr: DocAddress,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    /// Greater is better: higher score, then lower address.
    fn cmp(&self, other: &Self) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then_with(|| other.addr.cmp(&self.addr))
    }
}

fn weight_of(
    q: &Option<Box<dyn Query>>,
    searcher: &Searcher,
) -> tantivy::Result<Option<Box<dyn Weight>>> {
    q.as_ref()
        .map(|q| q.weight(EnableScoring::disabled_from_searcher(searcher)))
        .transpose()
}

/// The best `limit` documents of `plan`, best first.
pub(crate) fn top_k(
    searcher: &Searcher,
    plan: &Plan,
    limit: usize,
) -> tantivy::Result<Vec<(Score, DocAddress)>> {
    let weight = plan
        .scored
        .weight(EnableScoring::enabled_from_searcher(searcher))?;
    let required = weight_of(&plan.required, searcher)?;
    let excluded = weight_of(&plan.excluded, searcher)?;
    // Min-heap of the kept hits: the worst on top.
    let mut heap: BinaryHeap<Reverse<Entry>> = BinaryHeap::with_capacity(limit + 1);
    let threshold = |heap: &BinaryHeap<Reverse<Entry>>| -> Score {
        if heap.len() >= limit {
            heap.peek().map_or(Score::MIN, |e| e.0.score)
        } else {
            Score::MIN
        }
    };
    for (seg, reader) in searcher.segment_readers().iter().enumerate() {
        let window = plan.window.columns(reader)?;
        let mut req = required
            .as_ref()
            .map(|w| w.scorer(reader, 1.0))
            .transpose()?;
        let mut exc = excluded
            .as_ref()
            .map(|w| w.scorer(reader, 1.0))
            .transpose()?;
        let alive = reader.alive_bitset();
        let start = threshold(&heap);
        weight.for_each_pruning(start, reader, &mut |doc, score| {
            let keep = alive.is_none_or(|a| a.is_alive(doc))
                && window.accepts(doc)
                && req.as_deref_mut().is_none_or(|s| contains(s, doc))
                && !exc.as_deref_mut().is_some_and(|s| contains(s, doc));
            if keep {
                let e = Entry {
                    score,
                    addr: DocAddress::new(seg as u32, doc),
                };
                if heap.len() < limit {
                    heap.push(Reverse(e));
                } else if heap.peek().is_some_and(|w| e > w.0) {
                    heap.pop();
                    heap.push(Reverse(e));
                }
            }
            threshold(&heap)
        })?;
    }
    let mut out: Vec<Entry> = heap.into_iter().map(|e| e.0).collect();
    out.sort_by(|a, b| b.cmp(a));
    Ok(out.into_iter().map(|e| (e.score, e.addr)).collect())
}

/// Matches of one search counted by [`count`].
pub(crate) struct Counted {
    pub total: usize,
    /// False when counting stopped at the cap: more than `total` matched.
    pub exact: bool,
    /// Per segment: the `act_id` column and the matches per act ordinal.
    acts: Vec<Option<(StrColumn, Vec<u32>)>>,
}

/// Counts the matches of `query` (filters included, not scored) in the window, stopping once
/// more than `cap` matched; counts per act on the way (for the act groups).
pub(crate) fn count(
    searcher: &Searcher,
    query: &dyn Query,
    window: Window,
    cap: usize,
) -> tantivy::Result<Counted> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut total = 0usize;
    let mut acts = Vec::new();
    let mut buffer = [0 as DocId; tantivy::COLLECT_BLOCK_BUFFER_LEN];
    for reader in searcher.segment_readers() {
        let window = window.columns(reader)?;
        let mut act_col = reader.fast_fields().str("act_id")?.map(|c| {
            let n = c.num_terms();
            (c, vec![0u32; n])
        });
        let alive = reader.alive_bitset();
        let mut scorer = weight.scorer(reader, 1.0)?;
        if scorer.doc() == TERMINATED {
            acts.push(act_col);
            continue;
        }
        loop {
            let n = scorer.fill_buffer(&mut buffer);
            for &doc in &buffer[..n] {
                if !alive.is_none_or(|a| a.is_alive(doc)) || !window.accepts(doc) {
                    continue;
                }
                if total == cap {
                    acts.push(act_col);
                    return Ok(Counted {
                        total,
                        exact: false,
                        acts,
                    });
                }
                total += 1;
                if let Some((col, counts)) = &mut act_col {
                    for ord in col.term_ords(doc) {
                        counts[ord as usize] += 1;
                    }
                }
            }
            if n < buffer.len() {
                break;
            }
        }
        acts.push(act_col);
    }
    Ok(Counted {
        total,
        exact: true,
        acts,
    })
}

impl Counted {
    /// Matches in the act of the document at `addr` (named `act_id`) over all segments, when
    /// the count is exact. The ordinal comes from the document's own column; other segments
    /// (an index not merged into one) are looked up in their dictionaries.
    pub(crate) fn act_total(&self, act_id: &str, addr: DocAddress) -> Option<u64> {
        if !self.exact {
            return None;
        }
        let mut sum = 0u64;
        for (seg, slot) in self.acts.iter().enumerate() {
            let Some((col, counts)) = slot.as_ref() else {
                continue;
            };
            let ord = if seg as u32 == addr.segment_ord {
                col.term_ords(addr.doc_id).next()
            } else {
                col.dictionary().term_ord(act_id.as_bytes()).ok().flatten()
            };
            if let Some(n) = ord.and_then(|o| counts.get(o as usize)) {
                sum += u64::from(*n);
            }
        }
        Some(sum)
    }
}
