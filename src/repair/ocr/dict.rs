//! The dictionary's word forms as a letter-symbol trie for the decoder's searches.
//!
//! The shipped FST is small and answers "is this a word" well, but a search walks it letter by
//! letter millions of times, and there each Cyrillic letter is two byte transitions through
//! FST nodes that must be decoded first. This trie is built from the FST at load time (about a
//! million forms, two million nodes, five bytes a node) and follows a letter in a few array
//! reads. Nodes are in breadth-first order, so a node's children sit side by side (one cache
//! line to scan, where a depth-first layout spread them over the whole array).
//! Written here because the `fst` crate keeps bytes, not our letter symbols, and no maintained
//! crate offers a compact symbol trie built from a sorted stream.

use super::lm::cyr_sym;

/// The letter symbol of a two-byte UTF-8 sequence (0: not one of our letters).
fn letter_sym(a: u8, b: u8) -> u8 {
    if !(0xD0..=0xD3).contains(&a) || b & 0xC0 != 0x80 {
        return 0;
    }
    cyr_sym(u32::from(a & 0x1F) << 6 | u32::from(b & 0x3F))
}

/// No node: the prefix is no word's prefix.
pub const NONE: usize = usize::MAX;

/// Flag bit of a node's symbol byte: the prefix is a word.
const FINAL: u8 = 0x80;

/// Flag bit of a node's symbol byte: the word is a common form (`train::build_dict`).
const COMMON: u8 = 0x40;

/// The letter symbol of a node's symbol byte (the flags off).
const SYM: u8 = 0x3F;

/// One node: where its children start, and the letter symbol of the edge into it with the FINAL
/// bit. Side by side, so the scan of a node's children also fetches what the next step reads.
#[derive(Clone, Copy)]
#[repr(C, packed)]
struct Node {
    first: u32,
    sym: u8,
}

/// Nodes in breadth-first order: the children of node `n` are nodes `first(n)..first(n + 1)`
/// (one extra node at the end closes the last range).
pub struct DictTrie {
    nodes: Vec<Node>,
    /// The root's children by symbol (0: none): every word's search starts there.
    level1: [u32; 64],
    /// The same for the root's children (nodes `first(0)..first(1)`, 64 entries each): they
    /// have the most children to scan.
    level2: Vec<u32>,
    /// Whether any form is marked common.
    marks_common: bool,
    /// Per node: the Zipf class of the form it ends (`train::zipf_class`, 0: none known), or
    /// empty when the dictionary has no frequencies (Kazakh).
    freq: Vec<u8>,
    /// Per node: the highest Zipf class of a form at or below it (a form with none counts as
    /// Zipf 1, as `DictFreq::term` takes it), empty with `freq`: the word search's look-ahead,
    /// so a frequent form's prefix outranks a rare form's before either word ends.
    best: Vec<u8>,
}

/// FST addresses in the trie builder's queue fit these bits (the shipped dictionaries are a few
/// megabytes); the path's output sum, at most a value (`train::build_dict`, 7 bits), sits above.
const ADDR_BITS: u32 = 25;

impl DictTrie {
    /// Build from the FST's words by walking its graph breadth first (each trie node is one
    /// path prefix); a character outside the letter symbols cuts its branch (the FST holds
    /// letter words only). A word's outputs sum to its value: the `train::COMMON` bit marks a
    /// common form, the bits from `train::FREQ_SHIFT` its Zipf class (a set's outputs are all 0).
    /// None for an FST too large for the queue's addresses or with values above 7 bits.
    pub fn from_fst<D: AsRef<[u8]>>(fst: &fst::raw::Fst<D>) -> Option<DictTrie> {
        if fst.as_bytes().len() >= 1 << ADDR_BITS {
            return None;
        }
        let mut t = DictTrie {
            nodes: vec![Node { first: 0, sym: 0 }],
            level1: [0; 64],
            level2: Vec::new(),
            marks_common: false,
            freq: vec![0],
            best: Vec::new(),
        };
        // The FST node of each trie node not yet expanded, in the same order (a queue), with
        // the output of its path in the top bits (a wide queue cost megabytes at its peak).
        let mut queue: std::collections::VecDeque<u32> = [fst.root().addr() as u32].into();
        let mut b = 0;
        while let Some(entry) = queue.pop_front() {
            let (addr, out) = (
                entry & ((1 << ADDR_BITS) - 1),
                u64::from(entry >> ADDR_BITS),
            );
            let len = t.nodes.len() as u32;
            t.nodes[b].first = len;
            for t1 in fst.node(addr as usize).transitions() {
                let lead = fst.node(t1.addr);
                for t2 in lead.transitions() {
                    let s = letter_sym(t1.inp, t2.inp);
                    if s == 0 {
                        continue;
                    }
                    let child = fst.node(t2.addr);
                    let out = out + t1.out.value() + t2.out.value();
                    if out >= 1 << (32 - ADDR_BITS) {
                        return None;
                    }
                    let mut sym = s;
                    let mut class = 0;
                    if child.is_final() {
                        sym |= FINAL;
                        let value = out + child.final_output().value();
                        if value & super::train::COMMON != 0 {
                            sym |= COMMON;
                            t.marks_common = true;
                        }
                        class = (value >> super::train::FREQ_SHIFT) as u8;
                    }
                    t.nodes.push(Node { first: 0, sym });
                    t.freq.push(class);
                    queue.push_back(t2.addr as u32 | (out as u32) << ADDR_BITS);
                }
            }
            b += 1;
        }
        // The end of the last node's children.
        let len = t.nodes.len() as u32;
        t.nodes.push(Node { first: len, sym: 0 });
        t.nodes.shrink_to_fit();
        if t.freq.iter().all(|&c| c == 0) {
            t.freq = Vec::new();
        }
        t.freq.shrink_to_fit();
        if !t.freq.is_empty() {
            // Children come after their parent in breadth-first order: one backward pass.
            let floor = super::train::zipf_class(1.0);
            t.best = vec![0; t.freq.len()];
            for n in (0..t.freq.len()).rev() {
                let own = if t.is_final(n) {
                    t.freq[n].max(floor)
                } else {
                    0
                };
                let kids = t.best[t.first(n)..t.first(n + 1)].iter().max();
                t.best[n] = own.max(kids.copied().unwrap_or(0));
            }
        }
        let (a, b) = (t.first(0), t.first(1));
        t.level2 = vec![0; (b - a) * 64];
        for c in a..b {
            t.level1[(t.nodes[c].sym & SYM) as usize & 63] = c as u32;
            for g in t.first(c)..t.first(c + 1) {
                t.level2[(c - a) * 64 + (t.nodes[g].sym & SYM) as usize] = g as u32;
            }
        }
        Some(t)
    }

    #[inline]
    fn first(&self, n: usize) -> usize {
        self.nodes[n].first as usize
    }

    pub fn root(&self) -> usize {
        0
    }

    /// Follow letter symbol `s` from node `n`.
    #[inline]
    pub fn step(&self, n: usize, s: u8) -> usize {
        if n == 0 {
            return match self.level1[s as usize & 63] {
                0 => NONE,
                v => v as usize,
            };
        }
        if n == NONE {
            return NONE;
        }
        let a0 = self.first(0);
        if n < self.first(1) {
            return match self.level2[(n - a0) * 64 + (s as usize & 63)] {
                0 => NONE,
                v => v as usize,
            };
        }
        let (a, b) = (self.first(n), self.first(n + 1));
        self.nodes[a..b]
            .iter()
            .position(|x| x.sym & SYM == s)
            .map_or(NONE, |p| a + p)
    }

    pub fn is_final(&self, n: usize) -> bool {
        n != NONE && self.nodes[n].sym & FINAL != 0
    }

    /// Whether node `n` ends a common form (a word the web crawl list has too). A dictionary
    /// that marks none (built without `--common-words`) says nothing of it: all count as common.
    pub fn is_common(&self, n: usize) -> bool {
        n != NONE && (!self.marks_common || self.nodes[n].sym & COMMON != 0)
    }

    /// Whether the forms have general frequencies (`zipf`).
    pub fn has_freq(&self) -> bool {
        !self.freq.is_empty()
    }

    /// The general Zipf frequency of the form node `n` ends (`train::build_dict`), if known.
    pub fn zipf(&self, n: usize) -> Option<f32> {
        super::train::class_zipf(self.freq.get(n).copied().unwrap_or(0))
    }

    /// The highest Zipf frequency of a form node `n` ends or leads to (forms the list lacks
    /// count as Zipf 1), if the dictionary has frequencies.
    pub fn zipf_below(&self, n: usize) -> Option<f32> {
        super::train::class_zipf(self.best.get(n).copied().unwrap_or(0))
    }

    /// The letters that continue node `n`, with their nodes.
    pub fn children(&self, n: usize, out: &mut Vec<(u8, usize)>) {
        out.clear();
        if n == NONE {
            return;
        }
        let (a, b) = (self.first(n), self.first(n + 1));
        out.extend((a..b).map(|c| (self.nodes[c].sym & SYM, c)));
    }

    /// The letter symbols that continue node `n`, one bit each (one scan of its children where
    /// a `step` per letter scans them once per letter).
    pub fn child_mask(&self, n: usize) -> u64 {
        if n == NONE {
            return 0;
        }
        let (a, b) = (self.first(n), self.first(n + 1));
        self.nodes[a..b]
            .iter()
            .fold(0, |m, x| m | 1 << (x.sym & SYM))
    }

    pub fn nodes(&self) -> usize {
        self.nodes.len() - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repair::ocr::lm::sym;

    /// The letter symbols of a UTF-8 word, if it is letters only (all our letters are two-byte
    /// Cyrillic; decoding by hand keeps the load of two million forms quick).
    fn letter_syms(bytes: &[u8], out: &mut Vec<u8>) -> bool {
        out.clear();
        if !bytes.len().is_multiple_of(2) {
            return false;
        }
        for pair in bytes.chunks_exact(2) {
            let s = letter_sym(pair[0], pair[1]);
            if s == 0 {
                return false;
            }
            out.push(s);
        }
        !out.is_empty()
    }

    #[test]
    fn letter_symbols_of_utf8() {
        let mut v = Vec::new();
        assert!(letter_syms("қызмет".as_bytes(), &mut v));
        assert_eq!(v, "қызмет".chars().map(sym).collect::<Vec<_>>());
        assert!(!letter_syms("abc".as_bytes(), &mut v));
        assert!(!letter_syms("қыз-мет".as_bytes(), &mut v));
    }

    #[test]
    fn trie_follows_the_fst() {
        let words = ["бала", "балалар", "бар", "қала", "қалам", "ән"];
        let mut sorted = words.to_vec();
        sorted.sort();
        let set = fst::Set::from_iter(sorted).unwrap();
        let t = DictTrie::from_fst(set.as_fst()).unwrap();
        let walk = |w: &str| w.chars().fold(t.root(), |n, c| t.step(n, sym(c)));
        for w in words {
            assert!(t.is_final(walk(w)), "{w}");
        }
        assert!(!t.is_final(walk("бал")));
        assert_ne!(walk("бал"), NONE);
        assert_eq!(walk("балы"), NONE);
        assert_eq!(walk("кала"), NONE);
        let mut kids = Vec::new();
        t.children(walk("ба"), &mut kids);
        let mut syms: Vec<u8> = kids.iter().map(|k| k.0).collect();
        syms.sort();
        assert_eq!(syms, vec![sym('л'), sym('р')]);
        t.children(t.root(), &mut kids);
        assert_eq!(kids.len(), 3);
        // The child mask has a bit for each letter a step follows, at every node.
        for n in ["", "ба", "бала", "қала", "ән", "бар"].map(walk) {
            let mask = t.child_mask(n);
            for s in 1..43u8 {
                assert_eq!(mask & 1 << s != 0, t.step(n, s) != NONE);
            }
        }
        assert_eq!(t.child_mask(NONE), 0);
    }

    #[test]
    fn trie_marks_common_forms() {
        // Values as `train::build_dict` writes them: 1 for a form the web crawl list has.
        let words = [("бала", 1), ("балалар", 0), ("балаларды", 1), ("бар", 0)];
        let map = fst::Map::from_iter(words).unwrap();
        let t = DictTrie::from_fst(map.as_fst()).unwrap();
        let walk = |w: &str| w.chars().fold(t.root(), |n, c| t.step(n, sym(c)));
        for (w, v) in words {
            assert!(t.is_final(walk(w)), "{w}");
            assert_eq!(t.is_common(walk(w)), v == 1, "{w}");
        }
        assert!(!t.is_common(walk("бал")));
        assert_eq!(t.zipf(walk("бала")), None);
        // A plain set marks none: no evidence, so no form counts as rare.
        let set = fst::Set::from_iter(["бала", "бар"]).unwrap();
        let t = DictTrie::from_fst(set.as_fst()).unwrap();
        assert!(t.is_common(t.step(t.step(t.step(t.root(), sym('б')), sym('а')), sym('р'))));
    }

    #[test]
    fn trie_reads_zipf_classes() {
        // Values as `train::build_dict` writes them: the COMMON bit, the Zipf class above it.
        use crate::repair::ocr::train::{zipf_class, COMMON, FREQ_SHIFT};
        let class = |z: f32| u64::from(zipf_class(z)) << FREQ_SHIFT;
        let words = [
            ("условии", COMMON | class(4.27)),
            ("условий", COMMON | class(4.6)),
            ("условию", 0),
            ("условия", class(4.95)),
        ];
        let map = fst::Map::from_iter(words).unwrap();
        let t = DictTrie::from_fst(map.as_fst()).unwrap();
        let walk = |w: &str| w.chars().fold(t.root(), |n, c| t.step(n, sym(c)));
        assert!(t.has_freq());
        assert_eq!(t.zipf(walk("условий")), Some(4.625));
        assert_eq!(t.zipf(walk("условии")), Some(4.25));
        assert_eq!(t.zipf(walk("условию")), None);
        assert_eq!(t.zipf(walk("услови")), None);
        assert!(t.is_common(walk("условий")) && !t.is_common(walk("условия")));
        // The look-ahead: the best form at or below a node; a form the list lacks counts as 1.
        assert_eq!(t.zipf_below(walk("услов")), Some(5.0));
        assert_eq!(t.zipf_below(walk("условий")), Some(4.625));
        assert_eq!(t.zipf_below(walk("условию")), Some(1.0));
        assert_eq!(t.zipf_below(NONE), None);
    }
}
