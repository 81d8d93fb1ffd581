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
use super::query::{Alt, Plain};
use super::search::{SearchQuery, StatusFilter};
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use tantivy::columnar::{Column, StrColumn};
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{
    Bm25Weight, BooleanQuery, BoostQuery, EnableScoring, Occur, Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{
    index::SegmentId, DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, Term, TERMINATED,
};

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

    fn columns(self, cols: &SegmentColumns) -> SegmentWindow<'_> {
        SegmentWindow {
            window: self,
            from: &cols.from,
            to: &cols.to,
            bits: cols.today(self),
        }
    }
}

/// One bit per document: accepted by a window.
type Bits = std::sync::Arc<Vec<u64>>;

/// A window as a key: day, whether it must have started, whether it must not have ended.
type WindowKey = (i64, bool, bool);

/// The columns a search reads per document, opened once per segment when the index is opened:
/// opening a column decodes its header, a cost every search would pay again otherwise.
#[derive(Clone)]
pub(crate) struct SegmentColumns {
    segment: SegmentId,
    from: Option<Column<i64>>,
    to: Option<Column<i64>>,
    act: Option<StrColumn>,
    max_doc: DocId,
    /// The windows of today's date, worked out once a day: most searches ask for the wording
    /// in force today, and a bit is cheaper to read than two columns.
    today: std::sync::Arc<std::sync::Mutex<Vec<(WindowKey, Bits)>>>,
}

impl SegmentColumns {
    pub(crate) fn open(reader: &SegmentReader) -> tantivy::Result<Self> {
        let ff = reader.fast_fields();
        Ok(SegmentColumns {
            segment: reader.segment_id(),
            from: ff.i64("valid_from").ok(),
            to: ff.i64("valid_to").ok(),
            act: ff.str("act_id")?,
            max_doc: reader.max_doc(),
            today: Default::default(),
        })
    }

    /// Whether no document of the segment can be in `window` (the versions that ended before
    /// the index was built have a segment of their own, which a search of today skips whole).
    fn none_in(&self, window: Window) -> bool {
        let after =
            |c: &Option<Column<i64>>| c.as_ref().is_none_or(|c| c.max_value() <= window.day);
        let before =
            |c: &Option<Column<i64>>| c.as_ref().is_none_or(|c| c.min_value() > window.day);
        (window.to_on && after(&self.to)) || (window.from_on && before(&self.from))
    }

    /// The bits of `window` when its day is today (worked out on first use), else `None`.
    fn today(&self, window: Window) -> Option<Bits> {
        let today = super::date_to_days(chrono::Local::now().date_naive());
        if window.day != today || !(window.from_on || window.to_on) {
            return None;
        }
        let key = (window.day, window.from_on, window.to_on);
        // A poisoned lock only means another search panicked; the bits are still whole.
        let mut cache = self.today.lock().unwrap_or_else(|e| e.into_inner());
        cache.retain(|(k, _)| k.0 == today);
        if let Some((_, bits)) = cache.iter().find(|(k, _)| *k == key) {
            return Some(bits.clone());
        }
        let columns = SegmentWindow {
            window,
            from: &self.from,
            to: &self.to,
            bits: None,
        };
        let mut bits = vec![0u64; (self.max_doc as usize).div_ceil(64)];
        for doc in 0..self.max_doc {
            if columns.accepts(doc) {
                bits[doc as usize / 64] |= 1 << (doc % 64);
            }
        }
        let bits = Bits::new(bits);
        cache.push((key, bits.clone()));
        Some(bits)
    }

    /// The columns of segment `ord` of a searcher: from `cache` when it holds that segment,
    /// else opened now.
    fn of<'c>(
        cache: &'c [SegmentColumns],
        ord: usize,
        reader: &SegmentReader,
    ) -> tantivy::Result<std::borrow::Cow<'c, SegmentColumns>> {
        Ok(match cache.get(ord) {
            Some(c) if c.segment == reader.segment_id() => std::borrow::Cow::Borrowed(c),
            _ => std::borrow::Cow::Owned(SegmentColumns::open(reader)?),
        })
    }
}

struct SegmentWindow<'c> {
    window: Window,
    from: &'c Option<Column<i64>>,
    to: &'c Option<Column<i64>>,
    bits: Option<Bits>,
}

impl SegmentWindow<'_> {
    /// Whether `doc` is valid on the day (a version without the value is not).
    #[inline]
    fn accepts(&self, doc: DocId) -> bool {
        if let Some(bits) = &self.bits {
            return bits
                .get(doc as usize / 64)
                .is_some_and(|w| w & (1 << (doc % 64)) != 0);
        }
        let w = self.window;
        let check = |on: bool, col: &Option<Column<i64>>, ok: &dyn Fn(i64) -> bool| {
            !on || col.as_ref().and_then(|c| c.first(doc)).is_some_and(ok)
        };
        check(w.from_on, self.from, &|v| v <= w.day) && check(w.to_on, self.to, &|v| v > w.day)
    }
}

/// What a top-k pass scores.
pub(crate) enum Scored {
    /// A query, as it is.
    Query(Box<dyn Query>),
    /// A union of terms with their boosts (see [`plain_terms`]), made per segment of the terms
    /// present in it: tantivy runs block-max WAND only over a union of term scorers that all
    /// read frequencies, and an absent term's empty postings do not, so one absent term (the
    /// Kazakh stem of a Russian word, a word in no title) would make it score every match.
    Terms(Vec<(Term, Score)>),
}

/// What a search collects: the query that is scored, and the conditions checked per candidate.
pub(crate) struct Plan {
    /// Scored (and pruned).
    pub scored: Scored,
    /// Candidates must match this too (not scored), when set.
    pub required: Option<Box<dyn Query>>,
    /// Candidates must not match this, when set.
    pub excluded: Option<Box<dyn Query>>,
    /// Groups a candidate must all match (by one alternative each), checked on the postings:
    /// the conditions of a [`Plain`] query whose terms alone are `scored`.
    pub verify: Vec<Vec<Alt>>,
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
    columns: &[SegmentColumns],
    plan: &Plan,
    limit: usize,
) -> tantivy::Result<Vec<(Score, DocAddress)>> {
    let scoring_on = EnableScoring::enabled_from_searcher(searcher);
    let required = weight_of(&plan.required, searcher)?;
    let excluded = weight_of(&plan.excluded, searcher)?;
    let scoring = phrase_scoring(searcher, &plan.verify)?;
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
        let cols = SegmentColumns::of(columns, seg, reader)?;
        if cols.none_in(plan.window) {
            continue;
        }
        // Per segment: which terms are present differs from one segment to the next.
        let weight = match &plan.scored {
            Scored::Terms(terms) => {
                let mut present = Vec::with_capacity(terms.len());
                for (t, boost) in terms {
                    if reader
                        .inverted_index(t.field())?
                        .get_term_info(t)?
                        .is_some()
                    {
                        present.push((t.clone(), *boost));
                    }
                }
                if present.is_empty() {
                    continue;
                }
                union_of(present).weight(scoring_on)?
            }
            Scored::Query(q) => q.weight(scoring_on)?,
        };
        let window = plan.window.columns(&cols);
        let mut req = required
            .as_ref()
            .map(|w| w.scorer(reader, 1.0))
            .transpose()?;
        let mut exc = excluded
            .as_ref()
            .map(|w| w.scorer(reader, 1.0))
            .transpose()?;
        let mut verify = Verifier::new(reader, &plan.verify, &scoring)?;
        let alive = reader.alive_bitset();
        let start = threshold(&heap);
        weight.for_each_pruning(start, reader, &mut |doc, score| {
            let keep = alive.is_none_or(|a| a.is_alive(doc))
                && window.accepts(doc)
                && req.as_deref_mut().is_none_or(|s| contains(s, doc))
                && !exc.as_deref_mut().is_some_and(|s| contains(s, doc));
            let delta = if !keep {
                None
            } else if plan.verify.is_empty() {
                Some(0.0)
            } else {
                verify.matches(doc)
            };
            if let Some(delta) = delta {
                let score = score + delta;
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

/// The scored part of a [`Plain`] query: every term of every alternative, with the
/// alternative's weight. A pure union of terms is what tantivy runs by block-max WAND (see
/// [`Scored::Terms`]); the groups then go to [`Plan::verify`].
pub(crate) fn plain_terms(plain: &Plain) -> Scored {
    Scored::Terms(
        plain
            .groups
            .iter()
            .flatten()
            .flat_map(|alt| alt.terms.iter().map(move |t| (t.clone(), alt.boost)))
            .collect(),
    )
}

/// `terms` as alternatives of one boolean query. With no other clause, "at least one" is what
/// a union means anyway; said as a minimum of 1 (`BooleanQuery::new`'s default for a query of
/// alternatives), tantivy 0.24 boxes the union into a scorer that scores every match instead
/// of running block-max WAND; a minimum of 0 keeps the union of term scorers.
fn union_of(terms: Vec<(Term, Score)>) -> BooleanQuery {
    BooleanQuery::with_minimum_required_clauses(
        terms
            .into_iter()
            .map(|(t, boost)| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs));
                let q: Box<dyn Query> = if (boost - 1.0).abs() < f32::EPSILON {
                    q
                } else {
                    Box::new(BoostQuery::new(q, boost))
                };
                (Occur::Should, q)
            })
            .collect(),
        0,
    )
}

/// How a phrase alternative (more than one term) is scored: the phrase's BM25 in place of the
/// BM25 of its words, which the pruned pass summed. The words' sum bounds the phrase's score
/// from above (its frequency is at most each word's, its idf their sum), so pruning on it and
/// keeping the phrase's score is exact.
struct PhraseScoring {
    phrase: Bm25Weight,
    words: Vec<Bm25Weight>,
}

/// The scoring of every phrase alternative of `groups` (`None` for single terms).
fn phrase_scoring(
    searcher: &Searcher,
    groups: &[Vec<Alt>],
) -> tantivy::Result<Vec<Vec<Option<PhraseScoring>>>> {
    groups
        .iter()
        .map(|group| {
            group
                .iter()
                .map(|alt| {
                    if alt.terms.len() < 2 {
                        return Ok(None);
                    }
                    let phrase = Bm25Weight::for_terms(searcher, &alt.terms)?.boost_by(alt.boost);
                    let words = alt
                        .terms
                        .iter()
                        .map(|t| {
                            Bm25Weight::for_terms(searcher, std::slice::from_ref(t))
                                .map(|w| w.boost_by(alt.boost))
                        })
                        .collect::<tantivy::Result<_>>()?;
                    Ok(Some(PhraseScoring { phrase, words }))
                })
                .collect()
        })
        .collect()
}

/// One alternative in one segment: its postings (`None`: a term it needs is absent here) and,
/// for a phrase, the field norms its score needs.
struct AltPostings<'a> {
    postings: Option<Vec<SegmentPostings>>,
    /// A phrase's words one by one (those absent from the segment as `None`): their scores
    /// are in the pruned sum whether or not the whole phrase is there.
    words: Vec<Option<SegmentPostings>>,
    norms: Option<FieldNormReader>,
    scoring: Option<&'a PhraseScoring>,
}

/// Checks candidates, in increasing order within a segment, against groups of alternatives by
/// moving the postings of each alternative forward: a term is one seek, a phrase a seek per
/// word and a look at the positions when all are there. Cheaper than the boolean query's own
/// scorers, which merge whole blocks of every alternative to answer one membership question.
struct Verifier<'a> {
    groups: Vec<Vec<AltPostings<'a>>>,
    positions: Vec<Vec<u32>>,
}

impl<'a> Verifier<'a> {
    fn new(
        reader: &SegmentReader,
        groups: &[Vec<Alt>],
        scoring: &'a [Vec<Option<PhraseScoring>>],
    ) -> tantivy::Result<Self> {
        let mut out = Vec::with_capacity(groups.len());
        for (gi, group) in groups.iter().enumerate() {
            let mut alts = Vec::with_capacity(group.len());
            for (ai, alt) in group.iter().enumerate() {
                // Built from the same groups by `phrase_scoring`: one slot per alternative.
                let scoring = scoring[gi][ai].as_ref();
                let (postings, words, norms) = match scoring {
                    Some(_) => {
                        let inverted = reader.inverted_index(alt.field)?;
                        let words = alt
                            .terms
                            .iter()
                            .map(|t| {
                                inverted.read_postings(t, IndexRecordOption::WithFreqsAndPositions)
                            })
                            .collect::<std::io::Result<Vec<_>>>()?;
                        let norms = reader.get_fieldnorms_reader(alt.field)?;
                        (None, words, Some(norms))
                    }
                    None => (
                        postings_of(reader, alt.field, &alt.terms)?,
                        Vec::new(),
                        None,
                    ),
                };
                alts.push(AltPostings {
                    postings,
                    words,
                    norms,
                    scoring,
                });
            }
            out.push(alts);
        }
        Ok(Verifier {
            groups: out,
            positions: Vec::new(),
        })
    }

    /// `None` when `doc` misses a group; else what to add to the sum of its terms' scores to
    /// get its score (phrases scored as phrases).
    fn matches(&mut self, doc: DocId) -> Option<Score> {
        let positions = &mut self.positions;
        let mut delta = 0.0;
        for group in &mut self.groups {
            let mut hit = false;
            for alt in group.iter_mut() {
                match alt.scoring {
                    // A term: its score is already in the sum; the first match settles it.
                    None => {
                        if alt.postings.as_mut().is_some_and(|p| at(p, doc)) {
                            hit = true;
                            break;
                        }
                    }
                    // A phrase: its words' scores come out of the sum wherever they are, the
                    // phrase's goes in where it is.
                    Some(scoring) => {
                        let norm = alt.norms.as_ref().map_or(0, |r| r.fieldnorm_id(doc));
                        let mut all = true;
                        for (word, weight) in alt.words.iter_mut().zip(&scoring.words) {
                            let Some(posting) = word.as_mut() else {
                                all = false;
                                continue;
                            };
                            if posting.doc() < doc {
                                posting.seek(doc);
                            }
                            if posting.doc() == doc {
                                delta -= weight.score(norm, posting.term_freq());
                            } else {
                                all = false;
                            }
                        }
                        if all {
                            let n = phrase_count(alt.words.iter_mut().flatten(), positions);
                            if n > 0 {
                                delta += scoring.phrase.score(norm, n);
                                hit = true;
                            }
                        }
                    }
                }
            }
            if !hit {
                return None;
            }
        }
        Some(delta)
    }
}

/// The postings of `terms` in `field` (with positions when more than one), or `None` when one
/// of them does not occur in the segment.
fn postings_of(
    reader: &SegmentReader,
    field: tantivy::schema::Field,
    terms: &[Term],
) -> tantivy::Result<Option<Vec<SegmentPostings>>> {
    let inverted = reader.inverted_index(field)?;
    let option = if terms.len() > 1 {
        IndexRecordOption::WithFreqsAndPositions
    } else {
        IndexRecordOption::Basic
    };
    let mut out = Vec::with_capacity(terms.len());
    for t in terms {
        match inverted.read_postings(t, option)? {
            Some(p) => out.push(p),
            None => return Ok(None),
        }
    }
    Ok(Some(out))
}

/// Moves every posting list to `doc` (never back) and says whether all have it.
fn at(postings: &mut [SegmentPostings], doc: DocId) -> bool {
    postings.iter_mut().all(|p| {
        if p.doc() < doc {
            p.seek(doc);
        }
        p.doc() == doc
    })
}

/// How many times the words (postings positioned on one document) stand in order, one right
/// after the other: the frequency of an exact phrase.
fn phrase_count<'p>(
    postings: impl Iterator<Item = &'p mut SegmentPostings>,
    buffers: &mut Vec<Vec<u32>>,
) -> u32 {
    load_positions(postings, buffers);
    // Shift every word's positions back by its place in the phrase: an occurrence of the
    // phrase is then one position all of them share.
    let (first, rest) = buffers.split_first_mut().expect("a phrase has words");
    for (i, other) in rest.iter_mut().enumerate() {
        let shift = i as u32 + 1;
        first.retain(|p| other.binary_search(&(p + shift)).is_ok());
        if first.is_empty() {
            return 0;
        }
    }
    first.len() as u32
}

fn load_positions<'p>(
    postings: impl Iterator<Item = &'p mut SegmentPostings>,
    buffers: &mut Vec<Vec<u32>>,
) {
    let mut n = 0;
    for p in postings {
        if buffers.len() == n {
            buffers.push(Vec::new());
        }
        buffers[n].clear();
        p.positions(&mut buffers[n]);
        n += 1;
    }
    buffers.truncate(n);
}

/// The phrase frequency tantivy's sloppy `PhraseQuery` (slop > 0) gives a document, so that
/// the closeness bonus computed for a few candidates ranks them as the phrase query that
/// scored every match did. Positions are aligned by each word's place in the phrase; two
/// words match when their aligned positions differ by at most `slop`; with more words the
/// distances spent so far are carried and their sum is held to `slop`. (tantivy keeps this
/// private to its scorer; the logic follows `intersection_count_with_slop` and
/// `intersection_count_with_carrying_slop` of tantivy 0.24.)
fn sloppy_count(postings: &mut [SegmentPostings], buffers: &mut Vec<Vec<u32>>, slop: u32) -> u32 {
    load_positions(postings.iter_mut(), buffers);
    let n = buffers.len();
    for (i, buf) in buffers.iter_mut().enumerate() {
        let shift = (n - 1 - i) as u32;
        buf.iter_mut().for_each(|p| *p += shift);
    }
    // tantivy walks the words from the rarest (its intersection sorts them by length), and
    // with more than two words the order changes the count.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| postings[i].size_hint());
    let mut left = buffers[order[0]].clone();
    let mut left_slops: Vec<u8> = Vec::new();
    if n == 2 {
        return pair_count(&left, &buffers[order[1]], slop);
    }
    for &i in &order[1..n - 1] {
        carry(&mut left, &mut left_slops, &buffers[i], slop, true);
        if left.is_empty() {
            return 0;
        }
    }
    carry(
        &mut left,
        &mut left_slops,
        &buffers[order[n - 1]],
        slop,
        false,
    )
}

/// Two words: greedy pairs of positions at most `slop` apart, each position used once, a
/// left position giving way to a later one that is still not past the right.
fn pair_count(left: &[u32], right: &[u32], slop: u32) -> u32 {
    let (mut l, mut r, mut count) = (0, 0, 0);
    while l < left.len() && r < right.len() {
        let (a, b) = (left[l], right[r]);
        if a.abs_diff(b) <= slop {
            while l + 1 < left.len() && left[l + 1] <= b {
                l += 1;
            }
            count += 1;
            l += 1;
            r += 1;
        } else if a < b {
            l += 1;
        } else {
            r += 1;
        }
    }
    count
}

/// More words: one step of the carried-slop intersection. Counts the pairs of `left`
/// (positions with the slop spent to reach them) and `right` within the budget; with `update`
/// replaces `left` by the positions reached and their slops.
fn carry(left: &mut Vec<u32>, slops: &mut Vec<u8>, right: &[u32], max: u32, update: bool) -> u32 {
    if left.is_empty() || right.is_empty() {
        left.clear();
        slops.clear();
        return 0;
    }
    let mut out: Vec<u32> = Vec::new();
    let mut out_slops: Vec<u8> = Vec::new();
    let mut push = |slop: u32, pos: u32| {
        if !update {
            return;
        }
        let slop = slop.min(u32::from(u8::MAX)) as u8;
        if out.last() == Some(&pos) {
            let last = out_slops.last_mut().expect("slops follow positions");
            *last = (*last).min(slop);
        } else {
            out.push(pos);
            out_slops.push(slop);
        }
    };
    let (mut l, mut r, mut count) = (0usize, 0usize, 0u32);
    loop {
        let a = left[l];
        let spent = u32::from(slops.get(l).copied().unwrap_or(0));
        let b = right[r];
        let distance = spent + a.abs_diff(b);
        if distance <= max {
            let (small, large, mut idx, small_list) = if a < b {
                (a, b, l, left.as_slice())
            } else {
                (b, a, r, right)
            };
            let mut slop = distance;
            push(slop, small);
            while idx + 1 < small_list.len() {
                let next = small_list[idx + 1];
                if next > large {
                    break;
                }
                idx += 1;
                slop = spent + next.abs_diff(large);
                push(slop, next);
            }
            push(slop, large);
            count += 1;
            l += 1;
            r += 1;
        } else if a < b {
            l += 1;
        } else {
            r += 1;
        }
        if l >= left.len() || r >= right.len() {
            if l >= left.len() {
                let a = *left.last().expect("not empty");
                let spent = u32::from(slops.last().copied().unwrap_or(0));
                for &b in &right[r..] {
                    let s = a.abs_diff(b) + spent;
                    if s <= max {
                        push(s, b);
                    }
                }
            } else {
                let b = *right.last().expect("not empty");
                for (i, &a) in left.iter().enumerate().skip(l) {
                    let s = a.abs_diff(b) + u32::from(slops.get(i).copied().unwrap_or(0));
                    if s <= max {
                        push(s, a);
                    }
                }
            }
            break;
        }
    }
    if update {
        *left = out;
        *slops = out_slops;
    }
    count
}

/// Adds the closeness bonus of `plain` to the candidates and sorts them again, best first: the
/// score a sloppy phrase of the stems (slop [`Plain::NEAR_SLOP`]) would give, computed only for
/// the candidates instead of for every match.
pub(crate) fn rerank_near(
    searcher: &Searcher,
    plain: &Plain,
    hits: &mut [(Score, DocAddress)],
) -> tantivy::Result<()> {
    if plain.near.is_empty() || hits.is_empty() {
        return Ok(());
    }
    let weights: Vec<Bm25Weight> = plain
        .near
        .iter()
        .map(|(_, terms)| {
            Bm25Weight::for_terms(searcher, terms).map(|w| w.boost_by(Plain::NEAR_BOOST))
        })
        .collect::<tantivy::Result<_>>()?;
    let mut order: Vec<usize> = (0..hits.len()).collect();
    order.sort_by_key(|&i| hits[i].1);
    let mut buffers = Vec::new();
    let mut segment = u32::MAX;
    let mut lists: Vec<(
        Option<Vec<SegmentPostings>>,
        Option<tantivy::fieldnorm::FieldNormReader>,
    )> = Vec::new();
    for i in order {
        let addr = hits[i].1;
        if addr.segment_ord != segment {
            segment = addr.segment_ord;
            let reader = searcher.segment_reader(segment);
            lists = plain
                .near
                .iter()
                .map(|(field, terms)| {
                    Ok((
                        postings_of(reader, *field, terms)?,
                        reader.get_fieldnorms_reader(*field).ok(),
                    ))
                })
                .collect::<tantivy::Result<_>>()?;
        }
        for ((postings, norms), weight) in lists.iter_mut().zip(&weights) {
            let Some(p) = postings.as_mut() else { continue };
            if !at(p, addr.doc_id) {
                continue;
            }
            let n = sloppy_count(p, &mut buffers, Plain::NEAR_SLOP);
            if n > 0 {
                let norm = norms.as_ref().map_or(0, |r| r.fieldnorm_id(addr.doc_id));
                hits[i].0 += weight.score(norm, n);
            }
        }
    }
    hits.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    Ok(())
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
    columns: &[SegmentColumns],
    query: &dyn Query,
    window: Window,
    cap: usize,
) -> tantivy::Result<Counted> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut total = 0usize;
    let mut acts = Vec::new();
    let mut buffer = [0 as DocId; tantivy::COLLECT_BLOCK_BUFFER_LEN];
    for (seg, reader) in searcher.segment_readers().iter().enumerate() {
        let cols = SegmentColumns::of(columns, seg, reader)?;
        if cols.none_in(window) {
            acts.push(None);
            continue;
        }
        let window = window.columns(&cols);
        let mut act_col = cols.act.clone().map(|c| {
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
