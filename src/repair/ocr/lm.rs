//! Character n-gram language model (interpolated Witten-Bell) and a word lexicon as a trie.
//!
//! Both are built at load time from the clean training text shipped in the model file: counting
//! a few hundred thousand characters takes a fraction of a second and keeps the shipped file small
//! (a table of smoothed n-gram probabilities would be ten times larger). Written here because no
//! maintained crate offers a small character n-gram model with fast backoff queries.

use rustc_hash::FxHashMap;

/// Order of the character model (context = ORDER - 1 symbols).
pub const ORDER: usize = 6;
/// Symbol of a word boundary (space, line start and end).
pub const BOUND: u8 = 43;
const N_SYMS: u8 = 53;
const BITS: u32 = 6;

/// Letter symbols of the Cyrillic block (0 = not one of the 42 letters), upper and lower case.
static CYR_SYMS: [u8; 256] = {
    let lower: [char; 42] = [
        'а', 'б', 'в', 'г', 'д', 'е', 'ё', 'ж', 'з', 'и', 'й', 'к', 'л', 'м', 'н', 'о', 'п', 'р',
        'с', 'т', 'у', 'ф', 'х', 'ц', 'ч', 'ш', 'щ', 'ъ', 'ы', 'ь', 'э', 'ю', 'я', 'ә', 'ғ', 'қ',
        'ң', 'ө', 'ұ', 'ү', 'һ', 'і',
    ];
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 42 {
        let c = lower[i] as usize - 0x400;
        t[c] = i as u8 + 1;
        // Upper case: а..я are 32 below, ѐ..џ (ё, і) 80 below, the rest (ә, ғ, …) one below.
        let u = if c >= 0x30 && c < 0x50 {
            c - 32
        } else if c >= 0x50 && c < 0x60 {
            c - 80
        } else {
            c - 1
        };
        t[u] = i as u8 + 1;
        i += 1;
    }
    t
};

/// Letter symbol of a code point of the Cyrillic block (0: none of the 42 letters).
pub fn cyr_sym(cp: u32) -> u8 {
    match cp.checked_sub(0x400) {
        Some(i) if i < 256 => CYR_SYMS[i as usize],
        _ => 0,
    }
}

/// Lower-case letter of each letter symbol 1..=42 (index 0 unused).
pub fn sym_char(s: u8) -> char {
    LOWER_CHARS[s as usize]
}

static LOWER_CHARS: [char; 43] = [
    ' ', 'а', 'б', 'в', 'г', 'д', 'е', 'ё', 'ж', 'з', 'и', 'й', 'к', 'л', 'м', 'н', 'о', 'п', 'р',
    'с', 'т', 'у', 'ф', 'х', 'ц', 'ч', 'ш', 'щ', 'ъ', 'ы', 'ь', 'э', 'ю', 'я', 'ә', 'ғ', 'қ', 'ң',
    'ө', 'ұ', 'ү', 'һ', 'і',
];

/// LM symbol of a character: lower-case Cyrillic letters 1..=42, then classes for the rest.
pub fn sym(c: char) -> u8 {
    // Fast path for the Russian alphabet (а..я in one block, А..Я 32 below).
    match c {
        'а'..='е' => return (c as u32 - 'а' as u32) as u8 + 1,
        'ж'..='я' => return (c as u32 - 'ж' as u32) as u8 + 8,
        'А'..='Е' => return (c as u32 - 'А' as u32) as u8 + 1,
        'Ж'..='Я' => return (c as u32 - 'Ж' as u32) as u8 + 8,
        ' ' => return BOUND,
        _ => {}
    }
    if ('\u{0400}'..='\u{04FF}').contains(&c) {
        let v = CYR_SYMS[c as usize - 0x400];
        if v != 0 {
            return v;
        }
    }
    match c {
        c if c.is_whitespace() => BOUND,
        '0'..='9' => 44,
        '.' => SYM_DOT,
        ',' => 46,
        '-' | '–' | '—' => 47,
        // Square brackets are no brackets here: the training text has none, and in garble they
        // are the strokes of П or Д (`[pu` for `При`), which the round brackets' symbol made cheap.
        '(' | ')' => SYM_BRACKET,
        '"' | '«' | '»' | '“' | '”' | '„' | '\'' => 49,
        ':' | ';' | '!' | '?' => 50,
        '№' => 51,
        c if c.is_ascii_alphabetic() => 52,
        _ => N_SYMS,
    }
}

/// Signs that end or frame words (`.`, brackets): what follows a word depends on the
/// sentence, not on the word's spelling, and the ~100k characters of training text have seen
/// few such pairs after any long context, so the backed-off estimate after a word's last
/// letters is far too sure (`балаларды)` 17 nats below `балалардың)`, though `ы)` is common;
/// the readings of `(6ananapabl)` differ by that alone). A sign's log P is therefore never more
/// than `SIGN_CLAMP.1` below its log P after the last `SIGN_CLAMP.0 - 1` symbols. (Commas,
/// quotes, `:` and `;` keep the full context: the OCR writes them for parts of letters, `H,`
/// for ң, `m` for `»`, and the LM's doubt of them after a word's letters helps there.)
fn is_sign_sym(s: u8) -> bool {
    s == SYM_DOT || s == SYM_BRACKET
}

/// The symbols of `.` and of brackets (see `sym`).
const SYM_DOT: u8 = 45;
const SYM_BRACKET: u8 = 48;

/// The clamp of a sign's log P: n-gram order and slack (`ZAN_OCR_LM_CLAMP="order,slack"`, a
/// tuning hook; unset in normal use; `6,0` turns it off). Chosen on development act 105095
/// (kk WER 15.14 -> 14.60, ru 10.60 unchanged).
static SIGN_CLAMP: once_cell::sync::Lazy<(usize, f32)> = once_cell::sync::Lazy::new(|| {
    super::tuning_hook("ZAN_OCR_LM_CLAMP", 2)
        .map_or((3, 4.0), |v| ((v[0] as usize).clamp(1, ORDER), v[1]))
});

/// The clamp of symbol `s`: order and slack (no clamp: order ORDER).
fn clamp_of(s: u8) -> (usize, f32) {
    if is_sign_sym(s) {
        *SIGN_CLAMP
    } else {
        (ORDER, 0.0)
    }
}

/// The clamp of a letter's or a word end's log P in readings of known words only
/// (`ZAN_OCR_LM_KNOWN_CLAMP="order,slack"`, a tuning hook; unset in normal use; `6,0` turns it
/// off): see `LmTable::step_known`.
static KNOWN_CLAMP: once_cell::sync::Lazy<(usize, f32)> = once_cell::sync::Lazy::new(|| {
    super::tuning_hook("ZAN_OCR_LM_KNOWN_CLAMP", 2)
        .map_or((3, 4.0), |v| ((v[0] as usize).clamp(1, ORDER), v[1]))
});

/// Symbols 1..=42 are letters.
pub fn is_letter_sym(s: u8) -> bool {
    (1..=42).contains(&s)
}

const CTX_MASK: u64 = (1u64 << (BITS * (ORDER as u32 - 1))) - 1;

/// Append a symbol to a packed context (keeps the last ORDER-1 symbols).
pub fn push_ctx(ctx: u64, s: u8) -> u64 {
    ((ctx << BITS) | s as u64) & CTX_MASK
}

pub struct CharLm {
    prob: FxHashMap<u64, f32>,
    backoff: FxHashMap<u64, f32>,
    floor: f32,
}

fn order_of(key: u64) -> usize {
    (64 - key.leading_zeros()).div_ceil(BITS) as usize
}

impl CharLm {
    /// Count n-grams of every line of `text` (each line framed by boundaries).
    pub fn train(text: &str) -> CharLm {
        let mut counts: FxHashMap<u64, u32> = FxHashMap::default();
        for line in text.lines() {
            let mut syms = vec![BOUND];
            for c in line.chars() {
                let s = sym(c);
                if s == BOUND && syms.last() == Some(&BOUND) {
                    continue;
                }
                syms.push(s);
            }
            if syms.last() != Some(&BOUND) {
                syms.push(BOUND);
            }
            for i in 1..syms.len() {
                let mut key = 0u64;
                for k in 0..ORDER.min(i + 1) {
                    key |= (syms[i - k] as u64) << (BITS * k as u32);
                    *counts.entry(key).or_insert(0) += 1;
                }
            }
        }
        // By order, and the map freed before the probabilities are made: the counts of a large
        // text are the most memory a model's load needs at one time.
        let mut by_order: Vec<Vec<(u64, u32)>> = vec![Vec::new(); ORDER + 1];
        for (k, c) in counts {
            by_order[order_of(k)].push((k, c));
        }
        let mut ctx_total: FxHashMap<u64, (u32, u32)> = FxHashMap::default();
        let mut uni_total = 0u64;
        for (o, level) in by_order.iter().enumerate() {
            for &(k, c) in level {
                if o == 1 {
                    uni_total += c as u64;
                } else {
                    let e = ctx_total.entry(k >> BITS).or_insert((0, 0));
                    e.0 += c;
                    e.1 += 1;
                }
            }
        }
        let mut lm = CharLm {
            prob: FxHashMap::default(),
            backoff: FxHashMap::default(),
            floor: -((uni_total + N_SYMS as u64) as f32).ln(),
        };
        for (k, c) in &by_order[1] {
            let p = (*c as f32 + 1.0) / (uni_total as f32 + N_SYMS as f32);
            lm.prob.insert(*k, p.ln());
        }
        for (h, (total, types)) in &ctx_total {
            let bo = *types as f32 / (*total as f32 + *types as f32);
            lm.backoff.insert(*h, bo.ln());
        }
        for level in by_order.iter().skip(2) {
            let mut new = Vec::with_capacity(level.len());
            for &(k, c) in level {
                let h = k >> BITS;
                let (total, types) = ctx_total[&h];
                let lower = lm.logp_raw(k, order_of(k) - 1).exp();
                let p = (c as f32 + types as f32 * lower) / (total as f32 + types as f32);
                new.push((k, p.ln()));
            }
            lm.prob.extend(new);
        }
        lm
    }

    /// log P(last symbol of `key` | its context), using at most `max_order`, with a sign's
    /// clamp (`is_sign_sym`; the state table's entries, which the tests compare with).
    #[cfg(test)]
    fn logp_key(&self, key: u64, max_order: usize) -> f32 {
        let s = key & ((1 << BITS) - 1);
        let (o, d) = clamp_of(s as u8);
        if max_order > o && order_of(key) > o {
            let full = self.logp_raw(key, max_order);
            return full.max(self.logp_raw(key, o) - d);
        }
        self.logp_raw(key, max_order)
    }

    /// `logp_key` without the clamp (the backed-off estimate itself; training interpolates it).
    fn logp_raw(&self, key: u64, max_order: usize) -> f32 {
        let s = key & ((1 << BITS) - 1);
        let h_full = key >> BITS;
        let mut acc = 0.0;
        for k in (1..=max_order.min(order_of(key))).rev() {
            let h = if k == 1 {
                0
            } else {
                h_full & ((1u64 << (BITS * (k as u32 - 1))) - 1)
            };
            if k > 1 && order_of(h) < k - 1 {
                continue;
            }
            // An unseen context has no n-grams and no backoff weight: one lookup, not two.
            let b = if k > 1 {
                match self.backoff.get(&h) {
                    Some(b) => *b,
                    None => continue,
                }
            } else {
                0.0
            };
            if let Some(lp) = self.prob.get(&((h << BITS) | s)) {
                return acc + lp;
            }
            acc += b;
        }
        acc + self.floor
    }

    /// log P(s | ctx).
    #[cfg(test)]
    pub fn logp(&self, ctx: u64, s: u8) -> f32 {
        self.logp_key((ctx << BITS) | s as u64, ORDER)
    }

    pub fn entries(&self) -> usize {
        self.prob.len() + self.backoff.len()
    }
}

/// `score` plus the log P of each character of `text` in turn, from `state` by `step`, and the
/// state after it (`LmTable::walk`, `LmTable::walk_known`).
fn walk_by(state: u32, score: f32, text: &str, step: impl Fn(u32, u8) -> (f32, u32)) -> (f32, u32) {
    text.chars().fold((score, state), |(score, st), c| {
        let (lp, next) = step(st, sym(c));
        (score + lp, next)
    })
}

/// log P and next state side by side: the table is larger than the caches, and a step needs
/// both (one cache miss, not two). log P is kept in 1/`LOGP_SCALE` nat steps (an `i16`, down to
/// -64 nats): four bytes, so a model at `MAX_STATES` holds 14 MB, not 21 (six bytes with an
/// `f32`), and the two languages' models fit the memory budget with the larger training text.
/// A step of 0.002 nats is far below any difference the weights were tuned to.
#[derive(Clone, Copy, Default)]
struct Entry {
    logp: i16,
    next: u16,
}

/// log P steps per nat in `Entry`.
const LOGP_SCALE: f32 = 512.0;

impl Entry {
    fn logp(self) -> f32 {
        f32::from(self.logp) / LOGP_SCALE
    }

    /// `lp` to the nearest step.
    fn quantize(lp: f32) -> i16 {
        (lp * LOGP_SCALE).round().clamp(f32::from(i16::MIN), 0.0) as i16
    }
}

/// At most this many states (ids fit `Entry::next`); a larger model keeps its shorter contexts
/// (states are numbered shortest first), and a step whose context has no state backs off to
/// the longest suffix that has one.
const MAX_STATES: usize = u16::MAX as usize + 1;

/// Symbols per row of the state table (symbol values 0..=N_SYMS).
const ROW: usize = N_SYMS as usize + 1;

/// The character model compiled into a state machine: a state is a context seen in training
/// (the longest seen suffix of what was read; longer unseen ones add nothing to a backed-off
/// query), and each state holds log P(symbol | state) and the next state for every symbol in
/// dense rows. A search step is then two array reads instead of a chain of hash lookups
/// (the decoder's main cost before). Written here for the same reason as `CharLm`.
pub struct LmTable {
    rows: Vec<Entry>,
    /// Per state: the state of its last `KNOWN_CLAMP.0 - 1` symbols (itself when shorter), the
    /// short context a known word's letters are clamped to (`step_known`).
    short: Vec<u16>,
    /// `KNOWN_CLAMP.1`.
    known_slack: f32,
    /// The highest log P of each symbol over all states: a bound for searches with a bar.
    best: Vec<f32>,
    start: u32,
    entries: usize,
}

impl LmTable {
    /// Compile `lm`. Every entry equals `lm.logp` of any context whose longest seen suffix is the
    /// state (the backoff weights are summed in the same order, so the floats are the same),
    /// to the table's step (`LOGP_SCALE`).
    pub fn new(lm: &CharLm) -> LmTable {
        // States: the empty context and every seen context, shorter ones first.
        let mut ctxs: Vec<u64> = lm.backoff.keys().copied().collect();
        ctxs.push(0);
        ctxs.sort_unstable_by_key(|&c| (order_of(c), c));
        let id: FxHashMap<u64, u32> = ctxs
            .iter()
            .enumerate()
            .map(|(i, &c)| (c, i as u32))
            .collect();
        // The explicit n-grams of each state.
        let mut explicit: Vec<Vec<(u8, f32)>> = vec![Vec::new(); ctxs.len()];
        for (&k, &lp) in &lm.prob {
            if let Some(&h) = id.get(&(k >> BITS)) {
                explicit[h as usize].push(((k & ((1 << BITS) - 1)) as u8, lp));
            }
        }
        let n = ctxs.len().min(MAX_STATES);
        // Built in place, each row's log P summed in full and then stepped (`Entry`): a second,
        // full-precision table would double the memory the load needs for a moment.
        let mut rows = vec![Entry::default(); n * ROW];
        let mut full = [0.0f32; ROW];
        let mut t = LmTable {
            rows: Vec::new(),
            short: Vec::new(),
            known_slack: KNOWN_CLAMP.1,
            best: Vec::new(),
            start: id.get(&(BOUND as u64)).copied().unwrap_or(0),
            entries: lm.entries(),
        };
        let suffix = |c: u64| -> u64 {
            let o = order_of(c);
            if o <= 1 {
                0
            } else {
                c & ((1u64 << (BITS * (o as u32 - 1))) - 1)
            }
        };
        let mut set = [false; ROW];
        // A state's id if it has a row.
        let state = |c: u64| id.get(&c).copied().filter(|&x| (x as usize) < n);
        for (i, &c) in ctxs.iter().enumerate().take(n) {
            // log P: down the suffix chain as `logp_key` does, summing the backoff weights.
            set.fill(false);
            let row = &mut rows[i * ROW..(i + 1) * ROW];
            let mut acc = 0.0f32;
            let mut h = c;
            loop {
                let hid = id[&h] as usize;
                for &(s, lp) in &explicit[hid] {
                    if !set[s as usize] {
                        set[s as usize] = true;
                        full[s as usize] = acc + lp;
                    }
                }
                if h == 0 {
                    break;
                }
                acc += lm.backoff.get(&h).copied().unwrap_or(0.0);
                h = suffix(h);
            }
            for (s, e) in row.iter_mut().enumerate() {
                e.logp = Entry::quantize(if set[s] { full[s] } else { acc + lm.floor });
            }
            // Next state: the longest seen context ending the (at most ORDER-1) symbols read.
            if c == 0 {
                for (s, e) in row.iter_mut().enumerate() {
                    e.next = state(s as u64).unwrap_or(0) as u16;
                }
                continue;
            }
            let sid = id[&suffix(c)] as usize;
            for s in 0..ROW {
                let x = rows[sid * ROW + s].next;
                rows[i * ROW + s].next = x;
            }
            if order_of(c) < ORDER - 1 {
                for &(s, _) in &explicit[i] {
                    if let Some(x) = state(c << BITS | s as u64) {
                        rows[i * ROW + s as usize].next = x as u16;
                    }
                }
            }
        }
        // A sign's log P no lower than after the state's short suffix, less the slack (see
        // `is_sign_sym`); the suffix is a shorter state, never clamped itself.
        for (i, &c) in ctxs.iter().enumerate().take(n) {
            for s in (0..ROW as u8).filter(|&s| is_sign_sym(s)) {
                let (o, slack) = clamp_of(s);
                if order_of(c) < o {
                    continue;
                }
                let sid = state(c & ((1u64 << (BITS * (o as u32 - 1))) - 1)).unwrap_or(0);
                let short = Entry::quantize(rows[sid as usize * ROW + s as usize].logp() - slack);
                let e = &mut rows[i * ROW + s as usize];
                e.logp = e.logp.max(short);
            }
        }
        let ko = KNOWN_CLAMP.0;
        t.short = ctxs
            .iter()
            .take(n)
            .enumerate()
            .map(|(i, &c)| {
                let words_only = (0..order_of(c)).all(|k| {
                    let x = ((c >> (BITS * k as u32)) & ((1 << BITS) - 1)) as u8;
                    is_letter_sym(x) || x == BOUND
                });
                if ko >= ORDER || order_of(c) < ko || !words_only {
                    i as u16
                } else {
                    state(c & ((1u64 << (BITS * (ko as u32 - 1))) - 1)).unwrap_or(0) as u16
                }
            })
            .collect();
        t.rows = rows;
        t.best = vec![f32::NEG_INFINITY; ROW];
        for row in t.rows.chunks_exact(ROW) {
            for (b, e) in t.best.iter_mut().zip(row) {
                *b = b.max(e.logp());
            }
        }
        t
    }

    /// The highest log P(s | state) of any state.
    pub fn max_logp(&self, s: u8) -> f32 {
        self.best.get(s as usize).copied().unwrap_or(0.0)
    }

    /// The state at a line start (after a boundary).
    pub fn start(&self) -> u32 {
        self.start
    }

    /// log P(s | state).
    #[inline]
    pub fn logp(&self, state: u32, s: u8) -> f32 {
        self.rows[state as usize * ROW + s as usize].logp()
    }

    /// log P(s | state) and the state after `s`.
    #[inline]
    pub fn step(&self, state: u32, s: u8) -> (f32, u32) {
        let e = self.rows[state as usize * ROW + s as usize];
        (e.logp(), u32::from(e.next))
    }

    /// The state after the characters of `text` from `state`, and `score` plus their log P,
    /// added one by one (the readings' LM term; one walk for every caller, so all add alike).
    pub fn walk(&self, state: u32, score: f32, text: &str) -> (f32, u32) {
        walk_by(state, score, text, |st, s| self.step(st, s))
    }

    /// log P of `text` as a whole: from the start state through its end (`BOUND`).
    pub fn text_logp(&self, text: &str) -> f32 {
        let (lp, st) = self.walk(self.start(), 0.0, text);
        lp + self.logp(st, BOUND)
    }

    /// `step` for a reading made of known words only (lexicon or dictionary words): a letter's
    /// or a word end's log P is never more than the slack below its log P after the state's
    /// last two symbols. From ~100k characters, Witten-Bell backoff across long contexts seen
    /// a few times rules out common continuations the text just never had after that stem
    /// (`ғ` after `ұйым`, 20 nats down: `мға` unseen; the end of `ереже`, seen only inflected,
    /// 11 down). A known word's letters are evidence enough that the long context is not that
    /// unlikely. The character beam's unknown readings keep the full context, where the LM's
    /// doubt is what keeps a garble from reading as a string of letters.
    #[inline]
    pub fn step_known(&self, state: u32, s: u8) -> (f32, u32) {
        let e = self.rows[state as usize * ROW + s as usize];
        if !is_letter_sym(s) && s != BOUND {
            return (e.logp(), u32::from(e.next));
        }
        let short = self.short[state as usize] as usize;
        let lp = self.rows[short * ROW + s as usize].logp() - self.known_slack;
        (e.logp().max(lp), u32::from(e.next))
    }

    /// Start loading the table entries `step_known(state, s)` reads for each of `syms`, so a
    /// search that steps there a little later does not wait on memory (the table is megabytes,
    /// and these loads were a sixth of the fuzzy search's time).
    #[inline]
    pub fn prefetch_known(&self, state: u32, syms: impl Iterator<Item = u8>) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            let Some(&short) = self.short.get(state as usize) else {
                return;
            };
            let (a, b) = (state as usize * ROW, short as usize * ROW);
            let p = self.rows.as_ptr();
            for s in syms {
                // SAFETY: a prefetch is a hint (SSE, always on x86_64): it reads nothing into
                // the program and cannot fault, whatever the address.
                unsafe {
                    _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(a + s as usize).cast());
                    _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(b + s as usize).cast());
                }
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = (state, syms);
    }

    /// `walk` with `step_known`.
    pub fn walk_known(&self, state: u32, score: f32, text: &str) -> (f32, u32) {
        walk_by(state, score, text, |st, s| self.step_known(st, s))
    }

    /// `text_logp` with `step_known`.
    pub fn text_logp_known(&self, text: &str) -> f32 {
        let (lp, st) = self.walk_known(self.start(), 0.0, text);
        lp + self.logp_known(st, BOUND)
    }

    /// `logp` with `step_known`'s clamp.
    pub fn logp_known(&self, state: u32, s: u8) -> f32 {
        self.step_known(state, s).0
    }

    /// Entries of the model it was compiled from.
    pub fn entries(&self) -> usize {
        self.entries
    }
}

/// 0 = lower case, 1 = Title, 2 = UPPER (a one-letter capital counts as Title).
pub fn case_pattern(w: &str) -> usize {
    let mut it = w.chars();
    match (it.next(), it.next()) {
        (Some(a), _) if !a.is_uppercase() => 0,
        (Some(_), Some(b)) if b.is_uppercase() => 2,
        _ => 1,
    }
}

/// Lower-case word list as a trie over LM letter symbols; a node's count > 0 ends a word.
pub struct Lexicon {
    /// The root's children by symbol (every word's search starts there).
    root: [u32; 64],
    /// The same edges by parent node (`edges[first[n]..first[n + 1]]`), to list a node's letters.
    first: Vec<u32>,
    edges: Vec<(u8, u32)>,
    /// Per node: the highest count of a word that starts with the node's prefix, and its log.
    best: Vec<u32>,
    best_ln: Vec<f32>,
    /// Per node: the most letters a word starting with the node's prefix has after it (at most
    /// 255), which bounds what a search can still read from there.
    height: Vec<u8>,
    /// Per node: the fewest letters a word starting with the node's prefix has after it (0: the
    /// prefix is a word; at most 255): a reading from there is at least that much longer.
    low: Vec<u8>,
    counts: Vec<u32>,
    /// Per node: how often the word was written lower / Title / UPPER.
    cases: Vec<[u32; 3]>,
    pub total: u64,
    /// The words' suffixes as a trie of reversed words (`suffix_children`; node 0: the empty
    /// suffix), for the fuzzy search's bound on what a word's last letters can still read.
    sfirst: Vec<u32>,
    sedges: Vec<(u8, u32)>,
}

pub const NO_NODE: u32 = u32::MAX;

/// A trie's edges `(parent, symbol) -> child` of `nodes` nodes, sorted by parent and symbol,
/// with each node's first edge (one more entry closes the last node's range): node n's
/// children are `edges[first[n]..first[n + 1]]`.
fn by_parent(
    children: &FxHashMap<(u32, u8), u32>,
    nodes: usize,
) -> (Vec<u32>, Vec<(u32, u8, u32)>) {
    let mut edges: Vec<(u32, u8, u32)> = children.iter().map(|(&(p, s), &c)| (p, s, c)).collect();
    edges.sort_unstable();
    let mut first = vec![0u32; nodes + 1];
    for &(p, _, _) in &edges {
        first[p as usize + 1] += 1;
    }
    for n in 0..nodes {
        first[n + 1] += first[n];
    }
    (first, edges)
}

impl Lexicon {
    pub fn train(text: &str) -> Lexicon {
        let mut children: FxHashMap<(u32, u8), u32> = FxHashMap::default();
        let mut lex = Lexicon {
            root: [NO_NODE; 64],
            first: Vec::new(),
            edges: Vec::new(),
            best: Vec::new(),
            best_ln: Vec::new(),
            height: Vec::new(),
            low: Vec::new(),
            counts: vec![0],
            cases: vec![[0; 3]],
            total: 0,
            sfirst: Vec::new(),
            sedges: Vec::new(),
        };
        // Reversed-word trie edges (parent, symbol) -> child, each new word once.
        let mut rchildren: FxHashMap<(u32, u8), u32> = FxHashMap::default();
        let mut syms: Vec<u8> = Vec::new();
        for w in text.split(|c: char| !is_letter_sym(sym(c))) {
            if w.is_empty() {
                continue;
            }
            let mut node = 0u32;
            syms.clear();
            for c in w.chars() {
                let s = sym(c);
                syms.push(s);
                let next = lex.counts.len() as u32;
                let child = *children.entry((node, s)).or_insert(next);
                if child == next {
                    lex.counts.push(0);
                    lex.cases.push([0; 3]);
                }
                node = child;
            }
            if lex.counts[node as usize] == 0 {
                let mut r = 0u32;
                for &s in syms.iter().rev() {
                    let next = rchildren.len() as u32 + 1;
                    r = *rchildren.entry((r, s)).or_insert(next);
                }
            }
            lex.counts[node as usize] += 1;
            lex.cases[node as usize][case_pattern(w)] += 1;
            lex.total += 1;
        }
        let edges;
        (lex.first, edges) = by_parent(&children, lex.counts.len());
        // A child is always made after its parent: children first, by falling node number.
        let mut parent = vec![0u32; lex.counts.len()];
        for &(p, _, c) in &edges {
            parent[c as usize] = p;
        }
        lex.best = lex.counts.clone();
        for n in (1..lex.counts.len()).rev() {
            let p = parent[n] as usize;
            lex.best[p] = lex.best[p].max(lex.best[n]);
        }
        lex.best_ln = lex.best.iter().map(|&n| (n as f32).ln()).collect();
        lex.height = vec![0; lex.counts.len()];
        for n in (1..lex.counts.len()).rev() {
            let p = parent[n] as usize;
            lex.height[p] = lex.height[p].max(lex.height[n].saturating_add(1));
        }
        lex.low = lex
            .counts
            .iter()
            .map(|&c| if c > 0 { 0 } else { u8::MAX })
            .collect();
        for n in (1..lex.counts.len()).rev() {
            let p = parent[n] as usize;
            lex.low[p] = lex.low[p].min(lex.low[n].saturating_add(1));
        }
        for &(p, s, c) in &edges {
            if p == 0 {
                lex.root[s as usize & 63] = c;
            }
        }
        lex.edges = edges.into_iter().map(|(_, s, c)| (s, c)).collect();
        // The reversed trie's nodes: the root and one per edge.
        let (sfirst, redges) = by_parent(&rchildren, rchildren.len() + 1);
        lex.sfirst = sfirst;
        lex.sedges = redges.into_iter().map(|(_, s, c)| (s, c)).collect();
        lex
    }

    /// The letters that extend a word suffix at its front, with their suffix-trie nodes (node 0:
    /// the empty suffix).
    pub fn suffix_children(&self, node: u32) -> &[(u8, u32)] {
        let n = node as usize;
        &self.sedges[self.sfirst[n] as usize..self.sfirst[n + 1] as usize]
    }

    /// The highest count of a word below `node` (0: none, or no node).
    #[cfg(test)]
    pub fn best_below(&self, node: u32) -> u32 {
        if node == NO_NODE {
            0
        } else {
            self.best[node as usize]
        }
    }

    /// The log of `best_below`, None where that is 0.
    #[inline]
    pub fn best_below_ln(&self, node: u32) -> Option<f32> {
        if node == NO_NODE || self.best[node as usize] == 0 {
            None
        } else {
            Some(self.best_ln[node as usize])
        }
    }

    /// The most letters a word has after the prefix of `node` (a real node).
    #[inline]
    pub fn height(&self, node: u32) -> usize {
        self.height[node as usize] as usize
    }

    /// The fewest letters a word has after the prefix of `node` (a real node).
    #[inline]
    pub fn low(&self, node: u32) -> usize {
        self.low[node as usize] as usize
    }

    /// The letters that continue a prefix, with their nodes.
    pub fn children(&self, node: u32) -> &[(u8, u32)] {
        if node == NO_NODE {
            return &[];
        }
        let n = node as usize;
        &self.edges[self.first[n] as usize..self.first[n + 1] as usize]
    }

    /// The symbols that continue `node`, one bit each (as `DictTrie::child_mask`).
    pub fn child_mask(&self, node: u32) -> u64 {
        self.children(node)
            .iter()
            .fold(0, |m, e| m | 1 << (e.0 & 63))
    }

    /// Follow symbol `s` from `node` (a short scan of the node's edges: a node has a few).
    #[inline]
    pub fn child(&self, node: u32, s: u8) -> u32 {
        if node == 0 {
            return self.root[s as usize & 63];
        }
        self.children(node)
            .iter()
            .find(|e| e.0 == s)
            .map_or(NO_NODE, |e| e.1)
    }

    pub fn count(&self, node: u32) -> u32 {
        if node == NO_NODE {
            0
        } else {
            self.counts[node as usize]
        }
    }

    /// Case counts (lower, Title, UPPER) of a word, if known.
    pub fn cases(&self, word: &str) -> Option<[u32; 3]> {
        let mut node = 0;
        for c in word.chars() {
            node = self.child(node, sym(c));
        }
        (self.count(node) > 0).then(|| self.cases[node as usize])
    }

    /// How often a word occurs in the clean text (any case).
    pub fn word_count(&self, word: &str) -> u32 {
        let mut node = 0;
        for c in word.chars() {
            node = self.child(node, sym(c));
        }
        self.count(node)
    }

    pub fn contains(&self, word: &str) -> bool {
        let mut node = 0;
        for c in word.chars() {
            node = self.child(node, sym(c));
        }
        self.count(node) > 0
    }

    pub fn nodes(&self) -> usize {
        self.counts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lm_prefers_seen_text() {
        let lm = CharLm::train("және мемлекеттік қызмет\nжәне қызмет көрсету\n");
        let score = |w: &str| {
            let mut ctx = BOUND as u64;
            let mut t = 0.0;
            for c in w.chars() {
                t += lm.logp(ctx, sym(c));
                ctx = push_ctx(ctx, sym(c));
            }
            t
        };
        assert!(score("қызмет") > score("кызмет"));
        assert!(score("және") > score("жане"));
    }

    #[test]
    fn a_closing_sign_after_a_rare_word_end_is_not_ruled_out() {
        // `ы)` is common, `балаларды` is always followed by a space: the backed-off estimate of
        // `)` after it is many nats below that after `ы`; the clamp keeps it within the slack.
        let text = "(балалардың) баланы (балалардың) және (жұмысы) (қызметі) (заңы)\n\
                    балаларды тәрбиелеу балаларды қабылдау балаларды бақылау\n"
            .repeat(5);
        let lm = CharLm::train(&text);
        let t = LmTable::new(&lm);
        let (_, st) = t.walk(t.start(), 0.0, "(балаларды");
        let (_, short) = t.walk(t.start(), 0.0, "ды");
        let close = sym(')');
        let (o, slack) = *SIGN_CLAMP;
        assert_eq!(o, 3);
        let mut ctx = BOUND as u64;
        for c in "(балаларды".chars() {
            ctx = push_ctx(ctx, sym(c));
        }
        let raw = lm.logp_raw((ctx << BITS) | close as u64, ORDER);
        assert!(raw < t.logp(short, close) - slack, "raw {raw}");
        assert_eq!(t.logp(st, close), t.logp(short, close) - slack);
        // Letters keep the full context.
        assert!(t.logp(st, sym('ң')) < t.logp(st, BOUND));
    }

    #[test]
    fn a_known_words_letters_are_not_ruled_out_by_a_few_seen_contexts() {
        // A stem seen only with `-да` and `-ы` (as in a small training text): the dative `ға`
        // after it is unseen at every order down to `мғ`, though common; in a known word's
        // reading it stays within the slack of its log P after `ым`.
        let text = "ұйымда жұмыс ұйымы бар ұйымда емес ұйымы жоқ\n\
                    жылдарға қарай ақылға сай заңға сәйкес [ұйымда]\n"
            .repeat(5);
        let t = LmTable::new(&CharLm::train(&text));
        let (_, st) = t.walk(t.start(), 0.0, "ұйым");
        let (_, short) = t.walk(t.start(), 0.0, "ым");
        let (g, d) = (sym('ғ'), sym('д'));
        let (o, slack) = *KNOWN_CLAMP;
        assert_eq!(o, 3);
        assert!(t.logp(st, g) < t.logp(short, g) - slack - 3.0);
        assert_eq!(t.logp_known(st, g), t.logp(short, g) - slack);
        // The seen continuation still leads, and a seen one keeps its own log P.
        assert!(t.logp_known(st, d) > t.logp_known(st, g));
        assert_eq!(t.logp_known(st, d), t.logp(st, d));
        // Other readings, and contexts with signs in them, keep the full context.
        assert_eq!(t.step_known(st, sym(',')).0, t.logp(st, sym(',')));
        let (_, br) = t.walk(t.start(), 0.0, "[ұйым");
        assert_eq!(t.logp_known(br, g), t.logp(br, g));
    }

    #[test]
    fn state_table_matches_backed_off_queries() {
        let lm = CharLm::train("және мемлекеттік қызмет\nжәне қызмет көрсету, 2020 ж.\nабв\n");
        let t = LmTable::new(&lm);
        for text in [
            "және қызмет",
            "көрсету мемлекет",
            "xyz 12 абвг жәнеә",
            "ққққққ",
            "(балаларды), қызмет. (жәнеә)",
        ] {
            let (mut ctx, mut st) = (BOUND as u64, t.start());
            for c in text.chars() {
                let s = sym(c);
                // Equal to the table's step of log P (`LOGP_SCALE`).
                let (a, b) = (t.logp(st, s), lm.logp(ctx, s));
                assert!(
                    (a - b).abs() <= 0.5 / LOGP_SCALE + 1e-6,
                    "{text} {c}: {a} {b}"
                );
                ctx = push_ctx(ctx, s);
                st = t.step(st, s).1;
            }
        }
    }

    #[test]
    fn fast_symbols_match_the_alphabet() {
        for (i, c) in "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі"
            .chars()
            .enumerate()
        {
            assert_eq!(sym(c), i as u8 + 1, "{c}");
            let u = c.to_uppercase().next().unwrap();
            assert_eq!(sym(u), i as u8 + 1, "{u}");
            assert_eq!(sym_char(i as u8 + 1), c);
        }
    }

    #[test]
    fn lexicon_lookup() {
        let lex = Lexicon::train("Қызмет көрсету, қызмет.");
        assert!(lex.contains("қызмет"));
        assert!(lex.contains("ҚЫЗМЕТ"));
        assert!(!lex.contains("кызмет"));
        let kids: Vec<u8> = lex.children(0).iter().map(|e| e.0).collect();
        assert_eq!(kids, vec![sym('к'), sym('қ')]);
        let node = |w: &str| w.chars().fold(0, |n, c| lex.child(n, sym(c)));
        assert_eq!(lex.best_below(node("қыз")), 2);
        assert_eq!(lex.best_below(node("кө")), 1);
        assert_eq!(lex.total, 3);
        // Letters left after a prefix in its longest word.
        assert_eq!(lex.height(0), 7);
        assert_eq!(lex.height(node("қыз")), 3);
        assert_eq!(lex.height(node("қызмет")), 0);
        // and in its shortest.
        assert_eq!(lex.low(node("қыз")), 3);
        assert_eq!(lex.low(node("қызмет")), 0);
    }
}
