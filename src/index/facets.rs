//! Facet counts (issuer, year, unit kind, language) and matches per act, counted straight
//! from the fast-field columns: per matching document a few integer reads and an array
//! increment. tantivy's aggregation framework did the same through generic buckets and a JSON
//! result; on broad queries over a million versions that cost more than the search itself.

use super::search::{Facet, Facets};
use rustc_hash::FxHashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentReader};

/// String facets, in this order.
const STR_FIELDS: [&str; 3] = ["issuer", "unit_kind", "lang"];

pub(crate) struct FacetCollector;

/// One segment's counts: string facets resolved, act counts kept by term ordinal (resolved only
/// for the acts of the returned hits, see [`FacetCounts::act_total`]).
pub(crate) struct SegmentCounts {
    strs: [FxHashMap<String, u64>; 3],
    years: FxHashMap<u64, u64>,
    acts: Option<(StrColumn, Vec<u32>)>,
}

pub(crate) struct FacetCounts(Vec<SegmentCounts>);

pub(crate) struct FacetSegment {
    strs: [Option<(StrColumn, Vec<u32>)>; 3],
    year: Option<Column<u64>>,
    years: FxHashMap<u64, u64>,
    acts: Option<(StrColumn, Vec<u32>)>,
}

fn str_col(reader: &SegmentReader, name: &str) -> tantivy::Result<Option<(StrColumn, Vec<u32>)>> {
    Ok(reader.fast_fields().str(name)?.map(|c| {
        let n = c.num_terms();
        (c, vec![0u32; n])
    }))
}

impl Collector for FacetCollector {
    type Fruit = FacetCounts;
    type Child = FacetSegment;

    fn for_segment(&self, _: u32, reader: &SegmentReader) -> tantivy::Result<FacetSegment> {
        Ok(FacetSegment {
            strs: [
                str_col(reader, STR_FIELDS[0])?,
                str_col(reader, STR_FIELDS[1])?,
                str_col(reader, STR_FIELDS[2])?,
            ],
            year: reader.fast_fields().u64("year").ok(),
            years: FxHashMap::default(),
            acts: str_col(reader, "act_id")?,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<SegmentCounts>) -> tantivy::Result<FacetCounts> {
        Ok(FacetCounts(fruits))
    }
}

impl SegmentCollector for FacetSegment {
    type Fruit = SegmentCounts;

    fn collect(&mut self, doc: DocId, _: Score) {
        for (col, counts) in self.strs.iter_mut().flatten() {
            for ord in col.term_ords(doc) {
                counts[ord as usize] += 1;
            }
        }
        if let Some((col, counts)) = &mut self.acts {
            for ord in col.term_ords(doc) {
                counts[ord as usize] += 1;
            }
        }
        if let Some(y) = self.year.as_ref().and_then(|c| c.first(doc)) {
            *self.years.entry(y).or_default() += 1;
        }
    }

    fn harvest(self) -> SegmentCounts {
        let resolve = |slot: Option<(StrColumn, Vec<u32>)>| {
            let mut out = FxHashMap::default();
            if let Some((col, counts)) = slot {
                let mut s = String::new();
                for (ord, &n) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
                    s.clear();
                    if col.ord_to_str(ord as u64, &mut s).unwrap_or(false) {
                        *out.entry(s.clone()).or_default() += n as u64;
                    }
                }
            }
            out
        };
        let [a, b, c] = self.strs;
        SegmentCounts {
            strs: [resolve(a), resolve(b), resolve(c)],
            years: self.years,
            acts: self.acts,
        }
    }
}

impl FacetCounts {
    /// The top `size` values of each facet, most frequent first (ties by value).
    pub(crate) fn facets(&self, size: usize) -> Facets {
        let top = |merged: FxHashMap<String, u64>| -> Vec<Facet> {
            let mut v: Vec<Facet> = merged
                .into_iter()
                .map(|(value, count)| Facet { value, count })
                .collect();
            v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            v.truncate(size);
            v
        };
        let merge = |k: usize| {
            let mut m: FxHashMap<String, u64> = FxHashMap::default();
            for seg in &self.0 {
                for (v, n) in &seg.strs[k] {
                    *m.entry(v.clone()).or_default() += n;
                }
            }
            m
        };
        let mut years: FxHashMap<String, u64> = FxHashMap::default();
        for seg in &self.0 {
            for (y, n) in &seg.years {
                *years.entry(y.to_string()).or_default() += n;
            }
        }
        Facets {
            issuer: top(merge(0)),
            year: top(years),
            unit_kind: top(merge(1)),
            lang: top(merge(2)),
        }
    }

    /// Matching versions of one act.
    pub(crate) fn act_total(&self, act_id: &str) -> u64 {
        self.0
            .iter()
            .filter_map(|seg| {
                let (col, counts) = seg.acts.as_ref()?;
                let ord = col.dictionary().term_ord(act_id.as_bytes()).ok()??;
                counts.get(ord as usize).map(|&n| n as u64)
            })
            .sum()
    }
}
