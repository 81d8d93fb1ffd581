//! Substitution (channel) model: P(garbled glyph string | Cyrillic letter), learned from aligned
//! (garbled, clean) line pairs by hard EM over a monotone alignment in which every clean
//! character emits 0..=MAX_GLYPHS garbled characters.

use super::lm::sym;
use rustc_hash::FxHashMap;

/// Longest garbled string one clean character may emit (`III` for ш, `2%K` for ж).
pub const MAX_GLYPHS: usize = 3;

/// Clean character → garbled string → count.
pub type Counts = FxHashMap<char, FxHashMap<String, u32>>;

/// One reading of a garbled string.
#[derive(Clone, Copy, Debug)]
pub struct Cand {
    pub c: char,
    pub sym: u8,
    pub logp: f32,
}

pub struct Channel {
    /// Garbled string → Cyrillic readings with log P(string | letter).
    pub table: FxHashMap<String, Vec<Cand>>,
    /// Letters the OCR may drop entirely, with log P(nothing | letter).
    pub dropped: Vec<Cand>,
}

/// Output characters the decoder may produce: Cyrillic, digits, punctuation; never Latin letters
/// or spaces (a garbled token is one word-like run).
fn allowed_output(c: char) -> bool {
    !c.is_ascii_alphabetic() && !c.is_whitespace() && !c.is_control()
}

impl Channel {
    pub fn from_counts(counts: &Counts) -> Channel {
        // Case is decided per word afterwards (the OCR's case is unreliable): fold it here.
        let mut folded = Counts::default();
        for (&c, row) in counts {
            let lc = c.to_lowercase().next().unwrap_or(c);
            let e = folded.entry(lc).or_default();
            for (s, n) in row {
                *e.entry(s.clone()).or_insert(0) += n;
            }
        }
        let mut table: FxHashMap<String, Vec<Cand>> = FxHashMap::default();
        let mut dropped = Vec::new();
        for (&c, row) in &folded {
            if !allowed_output(c) {
                continue;
            }
            let total: u32 = row.values().sum();
            if total == 0 {
                continue;
            }
            for (s, &n) in row {
                // One-off multi-glyph alignments are mostly alignment noise.
                if n < 2 && s.chars().count() > 1 {
                    continue;
                }
                let logp = (n as f32 / total as f32).ln();
                let cand = Cand {
                    c,
                    sym: sym(c),
                    logp,
                };
                if s.is_empty() {
                    // Seen three times is no noise, however rare against the letter's count:
                    // the fuzzy search needs `и` (1 in 116, `Ip` = при, `HII` = или) and `ы`;
                    // the other searches try only the likeliest few.
                    if n >= 3 {
                        dropped.push(cand);
                    }
                } else {
                    table.entry(s.clone()).or_default().push(cand);
                }
            }
        }
        for v in table.values_mut() {
            v.sort_by(|a, b| b.logp.total_cmp(&a.logp));
        }
        dropped.sort_by(|a, b| b.logp.total_cmp(&a.logp));
        Channel { table, dropped }
    }
}

/// Fixed look-alike table used to seed the alignment and as the evaluation baseline: the reading
/// a person would give each Latin glyph at first sight.
pub fn lookalike(s: &str) -> Option<&'static str> {
    Some(match s {
        "bI" | "bl" | "bi" | "BI" | "Bl" | "bI." => "ы",
        "JI" | "Jl" => "л",
        "III" => "ш",
        "IO" | "Io" => "ю",
        "Ne" => "№",
        "a" => "а",
        "A" => "А",
        "B" => "В",
        "b" => "ь",
        "c" => "с",
        "C" => "С",
        "e" => "е",
        "E" => "Е",
        "H" => "Н",
        "h" => "һ",
        "i" => "і",
        "I" => "І",
        "K" => "К",
        "k" => "к",
        "M" => "М",
        "m" => "м",
        "n" => "п",
        "O" => "О",
        "o" => "о",
        "P" => "Р",
        "p" => "р",
        "T" => "Т",
        "t" => "т",
        "X" => "Х",
        "x" => "х",
        "y" => "у",
        "Y" => "У",
        "u" => "и",
        "r" => "г",
        "F" => "Ғ",
        "3" => "з",
        "6" => "б",
        _ => return None,
    })
}

/// Apply the fixed look-alike table greedily (longest glyph string first): the baseline.
pub fn baseline(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() * 2);
    let mut i = 0;
    'outer: while i < chars.len() {
        // Only inside letter runs, so numbers stay numbers.
        let in_word = chars[i].is_alphabetic()
            || (i + 1 < chars.len() && chars[i + 1].is_alphabetic())
            || (i > 0 && chars[i - 1].is_alphabetic());
        if in_word {
            for k in (1..=3).rev() {
                if i + k <= chars.len() {
                    let s: String = chars[i..i + k].iter().collect();
                    if let Some(r) = lookalike(&s) {
                        out.push_str(r);
                        i += k;
                        continue 'outer;
                    }
                }
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Cost of `c` emitting `s` before any counts exist: look-alikes are cheap, identity is cheapest.
fn seed_cost(c: char, s: &str) -> f32 {
    if s.is_empty() {
        return 6.0;
    }
    let mut one = s.chars();
    let first = one.next().unwrap_or(' ');
    if one.next().is_none() && first == c {
        return 0.1;
    }
    if let Some(r) = lookalike(s) {
        let rl: String = r.to_lowercase();
        let cl: String = c.to_lowercase().collect();
        if rl == cl {
            return 0.7;
        }
    }
    4.0 + 2.0 * s.chars().count() as f32
}

/// Align one pair under the current model; adds the emissions to `out`. Garbled characters that
/// no clean character explains are skipped at a fixed cost.
pub fn align(clean: &str, garbled: &str, model: Option<&Counts>, out: &mut Counts) {
    let c: Vec<char> = clean.chars().collect();
    let g: Vec<char> = garbled.chars().collect();
    let (n, m) = (c.len(), g.len());
    if n == 0 || m == 0 || n > 400 || m > 400 {
        return;
    }
    let totals: Option<FxHashMap<char, u32>> =
        model.map(|m| m.iter().map(|(k, v)| (*k, v.values().sum())).collect());
    let cost = |ch: char, s: &[char]| -> f32 {
        let st: String = s.iter().collect();
        match (model, &totals) {
            (Some(mo), Some(t)) => {
                let total = *t.get(&ch).unwrap_or(&0) as f32;
                let n = mo.get(&ch).and_then(|r| r.get(&st)).copied().unwrap_or(0) as f32;
                if n > 0.0 {
                    -(n / (total + 1.0)).ln()
                } else {
                    seed_cost(ch, &st) + 3.0
                }
            }
            _ => seed_cost(ch, &st),
        }
    };
    const SKIP: f32 = 9.0;
    let inf = f32::INFINITY;
    let mut dp = vec![inf; (n + 1) * (m + 1)];
    let mut bp = vec![(0u16, 0u16); (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    dp[0] = 0.0;
    for i in 0..=n {
        for j in 0..=m {
            let cur = dp[at(i, j)];
            if cur == inf {
                continue;
            }
            if j < m && cur + SKIP < dp[at(i, j + 1)] {
                dp[at(i, j + 1)] = cur + SKIP;
                bp[at(i, j + 1)] = (i as u16, j as u16);
            }
            if i < n {
                for k in 0..=MAX_GLYPHS {
                    if j + k > m {
                        break;
                    }
                    let v = cur + cost(c[i], &g[j..j + k]);
                    if v < dp[at(i + 1, j + k)] {
                        dp[at(i + 1, j + k)] = v;
                        bp[at(i + 1, j + k)] = (i as u16, j as u16);
                    }
                }
            }
        }
    }
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        let (pi, pj) = bp[at(i, j)];
        let (pi, pj) = (pi as usize, pj as usize);
        if pi < i {
            let s: String = g[pj..j].iter().collect();
            *out.entry(c[pi]).or_default().entry(s).or_insert(0) += 1;
        }
        if (pi, pj) == (i, j) {
            break;
        }
        i = pi;
        j = pj;
    }
}

/// Hard EM: align every pair, re-estimate, repeat.
pub fn train(pairs: &[(String, String)], iterations: usize) -> Counts {
    let mut model: Option<Counts> = None;
    for _ in 0..iterations.max(1) {
        let mut counts = Counts::default();
        for (clean, garbled) in pairs {
            align(clean, garbled, model.as_ref(), &mut counts);
        }
        model = Some(counts);
    }
    model.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_multi_glyph_letters() {
        let pairs = vec![
            ("қызмет".to_string(), "KbI3MeT".to_string()),
            ("мемлекеттік".to_string(), "MeMJIeKeTTiK".to_string()),
            ("қызмет".to_string(), "KbI3MeT".to_string()),
        ];
        let counts = train(&pairs, 3);
        assert_eq!(counts[&'ы'].get("bI"), Some(&2));
        assert_eq!(counts[&'л'].get("JI"), Some(&1));
        assert_eq!(counts[&'з'].get("3"), Some(&2));
    }

    #[test]
    fn baseline_reads_lookalikes() {
        assert_eq!(baseline("KbI3MeT 2020"), "КызМеТ 2020");
    }
}
