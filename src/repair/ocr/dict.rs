//! The dictionary's word forms as a letter-symbol trie for the decoder's searches.
//!
//! The shipped FST is small and answers "is this a word" well, but a search walks it letter by
//! letter millions of times, and there each Cyrillic letter is two byte transitions through
//! FST nodes that must be decoded first. This trie is built from the FST at load time (about a
//! million forms, two million nodes, six bytes a node) and follows a letter in a few array reads.
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

const FINAL: u8 = 1;
const HAS_CHILD: u8 = 2;

/// Nodes in depth-first preorder: a node's first child is the next node, further children are
/// linked by `next`.
pub struct DictTrie {
    sym: Vec<u8>,
    flags: Vec<u8>,
    next: Vec<u32>,
    /// The first two levels as dense tables (0: no such node): there a node has dozens of
    /// children spread over the whole array, and every word's search starts there.
    level1: [u32; 64],
    level2: Vec<[u32; 64]>,
}

impl DictTrie {
    /// Build from the FST's words by walking its graph (each trie node is one path prefix);
    /// a character outside the letter symbols cuts its branch (the FST holds letter words only).
    pub fn from_fst<D: AsRef<[u8]>>(set: &fst::Set<D>) -> DictTrie {
        let mut t = DictTrie {
            sym: vec![0],
            flags: vec![0],
            next: vec![0],
            level1: [0; 64],
            level2: vec![[0; 64]; 64],
        };
        let fst = set.as_fst();
        t.grow(fst, fst.root(), 0);
        let mut kids = Vec::new();
        t.children_walk(0, &mut kids);
        for &(s1, n1) in &kids {
            t.level1[s1 as usize] = n1 as u32;
            let mut kids2 = Vec::new();
            t.children_walk(n1, &mut kids2);
            for (s2, n2) in kids2 {
                t.level2[s1 as usize][s2 as usize] = n2 as u32;
            }
        }
        t
    }

    /// Add the letters below FST node `node` as children of trie node `parent`, depth first
    /// (so a first child directly follows its parent). A letter is two bytes in the FST.
    fn grow<D: AsRef<[u8]>>(
        &mut self,
        fst: &fst::raw::Fst<D>,
        node: fst::raw::Node,
        parent: usize,
    ) {
        let mut prev: Option<usize> = None;
        for t1 in node.transitions() {
            let lead = fst.node(t1.addr);
            for t2 in lead.transitions() {
                let s = letter_sym(t1.inp, t2.inp);
                if s == 0 {
                    continue;
                }
                let child = fst.node(t2.addr);
                let id = self.sym.len();
                self.sym.push(s);
                self.flags.push(if child.is_final() { FINAL } else { 0 });
                self.next.push(0);
                match prev {
                    Some(p) => self.next[p] = id as u32,
                    None => self.flags[parent] |= HAS_CHILD,
                }
                prev = Some(id);
                self.grow(fst, child, id);
            }
        }
    }

    pub fn root(&self) -> usize {
        0
    }

    /// Follow letter symbol `s` from node `n`.
    pub fn step(&self, n: usize, s: u8) -> usize {
        let dense = |v: u32| if v == 0 { NONE } else { v as usize };
        if n == 0 {
            return dense(self.level1[s as usize & 63]);
        }
        if n == NONE || self.flags[n] & HAS_CHILD == 0 {
            return NONE;
        }
        let s1 = self.sym[n] as usize & 63;
        if self.level1[s1] as usize == n {
            return dense(self.level2[s1][s as usize & 63]);
        }
        let mut c = n + 1;
        loop {
            if self.sym[c] == s {
                return c;
            }
            match self.next[c] {
                0 => return NONE,
                x => c = x as usize,
            }
        }
    }

    pub fn is_final(&self, n: usize) -> bool {
        n != NONE && self.flags[n] & FINAL != 0
    }

    /// The letters that continue node `n`, with their nodes.
    pub fn children(&self, n: usize, out: &mut Vec<(u8, usize)>) {
        self.children_walk(n, out);
    }

    fn children_walk(&self, n: usize, out: &mut Vec<(u8, usize)>) {
        out.clear();
        if n == NONE || self.flags[n] & HAS_CHILD == 0 {
            return;
        }
        let mut c = n + 1;
        loop {
            out.push((self.sym[c], c));
            match self.next[c] {
                0 => return,
                x => c = x as usize,
            }
        }
    }

    pub fn nodes(&self) -> usize {
        self.sym.len()
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
        let t = DictTrie::from_fst(&set);
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
    }
}
