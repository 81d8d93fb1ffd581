//! A suffix-stripping stemmer for Kazakh (Cyrillic). No maintained crate stems Kazakh (Snowball
//! has no Kazakh algorithm, `rust-stemmers` neither), so this one is written here.
//!
//! Kazakh is agglutinative: a noun is `stem + plural + possessive + case`, each layer optional,
//! each suffix in a back-vowel and a front-vowel variant (vowel harmony) and with its first
//! consonant chosen by the sound the stem ends in (`-лар` after vowels, `-дар` after `м`,
//! `-тар` after voiceless consonants…). The stemmer peels the layers from the outside in —
//! case (with the pronominal `-н-` forms after a possessive), possessive, plural, then a few
//! verb endings frequent in legal text (participles, imperative, verbal noun) — and strips a
//! suffix only when its vowel agrees with the stem's last vowel and its first consonant agrees
//! with the stem's last sound. Agreement checks are what keep it from eating word ends that
//! only look like suffixes. Derivational suffixes (`-лық`, `-шы`, `-лау`) are kept: they make
//! a different word (`мемлекет` state, `мемлекеттік` state-owned).
//!
//! Finally a stem-final `ғ`/`г`/`б` left by a vowel suffix is turned back into `қ`/`к`/`п`
//! (`тармағы` → `тармақ`), so all forms of a word meet in one term.

/// Vowel class for harmony.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Harmony {
    Back,
    Front,
}

fn harmony_of_vowel(c: char) -> Option<Harmony> {
    match c {
        'а' | 'о' | 'ұ' | 'ы' | 'я' => Some(Harmony::Back),
        'ә' | 'е' | 'ө' | 'ү' | 'і' | 'э' => Some(Harmony::Front),
        _ => None,
    }
}

fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'а' | 'ә' | 'е' | 'ё' | 'и' | 'о' | 'ө' | 'ұ' | 'ү' | 'ы' | 'і' | 'э' | 'ю' | 'я'
    )
}

fn is_voiceless(c: char) -> bool {
    matches!(
        c,
        'к' | 'қ' | 'п' | 'с' | 'т' | 'ф' | 'х' | 'һ' | 'ц' | 'ч' | 'ш' | 'щ'
    )
}

/// `м`, `н`, `ң`: the nasals that select `-нан`, `-ның`, `-бен`.
fn is_nasal(c: char) -> bool {
    matches!(c, 'м' | 'н' | 'ң')
}

/// Harmony of the last vowel of `stem`; `None` when it does not decide: `у`, `и` and `ю` go
/// with both classes (`беру-ге`, `ресурс-тар`).
fn stem_harmony(stem: &[char]) -> Option<Harmony> {
    let last = stem.iter().rev().find(|&&c| is_vowel(c) || c == 'у')?;
    harmony_of_vowel(*last)
}

/// Harmony of a suffix (from its first vowel that decides it).
fn suffix_harmony(suffix: &[char]) -> Option<Harmony> {
    suffix.iter().find_map(|&c| harmony_of_vowel(c))
}

/// Does the suffix's first sound fit after the stem's last sound?
fn sound_agrees(first: char, prev: char) -> bool {
    let vowel = is_vowel(prev);
    let voiceless = is_voiceless(prev);
    match first {
        // -ның, -ны, -нан: after vowels (and -нан/-ның after nasals).
        'н' => vowel || is_nasal(prev),
        // -дың, -ды, -да, -дан, -дар: after voiced consonants (-да, -дан also after vowels).
        'д' => !voiceless,
        // -тың, -ты, -та, -тан, -тар: after voiceless consonants (and б, в, г, д of loans).
        'т' => voiceless || matches!(prev, 'б' | 'в' | 'г' | 'д'),
        // -лар: after vowels and р, й, у.
        'л' => vowel || matches!(prev, 'р' | 'й' | 'у'),
        // -ға/-ге: after vowels and voiced consonants; -қа/-ке after voiceless ones.
        'ғ' | 'г' => !voiceless,
        'қ' | 'к' => voiceless,
        // -мен after vowels and sonorants, -бен after nasals and ж/з, -пен after voiceless.
        'м' => !voiceless,
        'б' => !voiceless && !vowel,
        'п' => voiceless,
        // -сы/-сі (possessive after a vowel).
        'с' => vowel,
        // -ы/-і (possessive, accusative-like) after consonants; -а/-е of verbs after consonants.
        c if is_vowel(c) => !vowel,
        // -у (verbal noun) after consonants and the `а`/`е` of verbs (`сақта-у`).
        'у' => !vowel || matches!(prev, 'а' | 'е'),
        'й' => vowel,
        _ => true,
    }
}

fn char_count_vowels(s: &[char]) -> usize {
    s.iter().filter(|&&c| is_vowel(c) || c == 'у').count()
}

/// One layer of suffixes: the longest one that agrees is stripped.
fn strip_layer(word: &mut Vec<char>, suffixes: &[&str], min_stem: usize) -> Option<String> {
    let floor = STEMS
        .iter()
        .map(|s| s.chars().collect::<Vec<_>>())
        .filter(|s| word.starts_with(s))
        .map(|s| s.len())
        .max()
        .unwrap_or(0);
    let mut best: Option<(usize, &str)> = None;
    for s in suffixes {
        let sc: Vec<char> = s.chars().collect();
        if sc.len() >= word.len() || !word.ends_with(&sc) {
            continue;
        }
        let stem = &word[..word.len() - sc.len()];
        // A one-letter suffix, or a two-letter one starting with a vowel, needs a longer
        // stem: short words end in those letters by nature (`аты`, `кейін`).
        let short = sc.len() == 1 || (sc.len() == 2 && is_vowel(sc[0]));
        let need = if short { min_stem + 1 } else { min_stem };
        if stem.len() < need || char_count_vowels(stem) == 0 {
            continue;
        }
        let prev = *stem.last().expect("stem is not empty");
        // Two-letter stems end in a consonant (`іс`, `ат`); `кү-ні` is `күн-і`, `ау-дан` a
        // word.
        if stem.len() == 2 && (is_vowel(prev) || matches!(prev, 'у' | 'й')) {
            continue;
        }
        // `-шы/-ші` makes agent nouns (`алушы`, `сарапшы`): not a possessive to strip.
        if prev == 'ш' && stem.len() > 2 && matches!(sc[0], 'ы' | 'і') {
            continue;
        }
        // Never cut into a known stem (`отбас-ына` is `отбасы-на`).
        if stem.len() < floor {
            continue;
        }
        // `-лы/-лі` after a longer stem is the adjective suffix (`туралы`, `пайдалы`,
        // `қаулы`); the possessive after `л` is met on short stems (`тілі`, `жылы`).
        if prev == 'л' && matches!(*s, "ы" | "і") && stem.len() > 3 {
            continue;
        }
        let imperative = matches!(*s, "сын" | "сін");
        let after_possessive = N_CASE.contains(s) && matches!(prev, 'ы' | 'і');
        let n_only = N_CASE.contains(s) && !CASE.contains(s);
        if n_only && !after_possessive {
            continue;
        }
        if !after_possessive && !imperative && !sound_agrees(sc[0], prev) {
            continue;
        }
        // The instrumental `-мен/-бен/-пен` and imperative `-сын/-сін` aside, vowels agree.
        let free = matches!(*s, "мен" | "бен" | "пен");
        if let (false, Some(a), Some(b)) = (free, stem_harmony(stem), suffix_harmony(&sc)) {
            if a != b {
                continue;
            }
        }
        if best.is_none_or(|(n, _)| sc.len() > n) {
            best = Some((sc.len(), s));
        }
    }
    let (n, s) = best?;
    word.truncate(word.len() - n);
    Some(s.to_string())
}

/// Case endings, including the attributive `-дағы`/`-ғы` forms.
const CASE: &[&str] = &[
    // genitive
    "ның",
    "нің",
    "дың",
    "дің",
    "тың",
    "тің", // dative
    "ға",
    "ге",
    "қа",
    "ке", // accusative
    "ны",
    "ні",
    "ды",
    "ді",
    "ты",
    "ті", // locative
    "да",
    "де",
    "та",
    "те", // ablative
    "дан",
    "ден",
    "тан",
    "тен",
    "нан",
    "нен", // instrumental
    "мен",
    "бен",
    "пен",
    "менен",
    "бенен",
    "пенен", // attributive locative
    "дағы",
    "дегі",
    "тағы",
    "тегі",
    // finite verb endings, outermost like the cases: present 3rd person (`енгізіледі`),
    // imperative 3rd person (`бекітілсін`)
    "ады",
    "еді",
    "сын",
    "сін",
];

/// Possessive 3rd person fused with a case: the pronominal `-н-` forms. Stripping one of these
/// consumes the possessive layer too.
const POSS_CASE: &[&str] = &[
    "ын",
    "ін",
    "сын",
    "сін", // accusative
    "ына",
    "іне",
    "сына",
    "сіне", // dative
    "ында",
    "інде",
    "сында",
    "сінде", // locative
    "ынан",
    "інен",
    "сынан",
    "сінен", // ablative
    "ымен",
    "імен",
    "сымен",
    "сімен", // instrumental
    "ындағы",
    "індегі",
    "сындағы",
    "сіндегі",
];

/// The pronominal `-н-` cases on their own, after a possessive `-ы/-і` that the next layer
/// strips (or that ends a known stem: `отбасы-на`).
const N_CASE: &[&str] = &[
    "н",
    "на",
    "не",
    "нда",
    "нде",
    "нан",
    "нен",
    "ндағы",
    "ндегі",
];

/// Attributive `-ғы/-гі/-қы/-кі` (`жылғы`, `кейінгі`): only after a consonant, so that a
/// possessive after `ғ` (`тармағы`) is not read as one.
const ATTRIBUTIVE: &[&str] = &["ғы", "гі", "қы", "кі"];

const POSSESSIVE: &[&str] = &[
    "ы", "і", "сы", "сі", "ымыз", "іміз", "мыз", "міз", "ыңыз", "іңіз", "ңыз", "ңіз",
];

const PLURAL: &[&str] = &["лар", "лер", "дар", "дер", "тар", "тер"];

/// Verb endings frequent in legal text under the case layer: past participle (`берілген`,
/// `берілгенге`) and verbal noun (`беру`, `беруге`). The present participle `-етін` is left:
/// it cannot be told from an accusative after `-ет` (`міндетін`).
const VERB: &[&str] = &["ған", "ген", "қан", "кен", "у"];

/// Shortest stem (in letters) a suffix may leave.
const MIN_STEM: usize = 2;

/// Frequent words that do not inflect but end like a suffix (postpositions, conjunctions,
/// adverbs, the country's name): kept whole.
const UNINFLECTED: &[&str] = &[
    "және",
    "немесе",
    "туралы",
    "арқылы",
    "бойынша",
    "кейін",
    "дейін",
    "бастап",
    "бірге",
    "үшін",
    "сондай",
    "қатысты",
    "байланысты",
    "сәйкес",
    "жалпы",
    "қазақстан",
    "ретінде",
    "бірақ",
    "тиісінше",
    "қоспағанда",
];

/// Frequent stems whose own ending looks like a suffix (`тұлға` is not `тұл-ға`): stripping
/// stops when it reaches one of them.
const STEMS: &[&str] = &[
    "тұлға",
    "оқиға",
    "аудан",
    "отбасы",
    "қаулы",
    "төлемақы",
    "өтемақы",
    "жалақы",
    "ақы",
    "баға",
    "мекенжай",
    "баланс",
    "сағат",
    "тарау",
    "ауыл",
];

/// The stem of one lowercased Kazakh word. Words with digits or Latin letters, and very short
/// words, are returned unchanged.
pub fn stem(word: &str) -> String {
    if word.chars().count() < 4 || !word.chars().all(|c| c.is_alphabetic() && !c.is_ascii()) {
        return word.to_string();
    }
    if UNINFLECTED.contains(&word) {
        return word.to_string();
    }
    let mut w: Vec<char> = word.chars().collect();
    let mut vowel_suffix = false;
    let mark = |s: &Option<String>, v: &mut bool| {
        if let Some(s) = s {
            *v = s.chars().next().is_some_and(is_vowel);
        }
    };

    // Case (or possessive+case fused: one competition, the longest wins), then possessive,
    // plural, verb ending.
    let mut outer: Vec<&str> = CASE.to_vec();
    outer.extend_from_slice(POSS_CASE);
    outer.extend_from_slice(N_CASE);
    let protected = |w: &[char]| STEMS.iter().any(|s| s.chars().eq(w.iter().copied()));
    if protected(&w) {
        return word.to_string();
    }
    let case = strip_layer(&mut w, &outer, MIN_STEM);
    mark(&case, &mut vowel_suffix);
    // After a possessive the accusative is `-н` (fused): `-ны/-ні` follow a bare stem.
    let fused = case
        .as_deref()
        .is_some_and(|c| POSS_CASE.contains(&c) || matches!(c, "ны" | "ні"));
    if !fused && !protected(&w) {
        // `-ғы` needs a consonant before it (`жыл-ғы`); after a vowel it is `ғ` + possessive.
        let attributive = if case.is_none() && attributive_fits(&w) {
            strip_layer(&mut w, ATTRIBUTIVE, MIN_STEM)
        } else {
            None
        };
        mark(&attributive, &mut vowel_suffix);
        let poss = strip_layer(&mut w, POSSESSIVE, MIN_STEM);
        mark(&poss, &mut vowel_suffix);
    }
    if !protected(&w) {
        let plural = strip_layer(&mut w, PLURAL, MIN_STEM);
        mark(&plural, &mut vowel_suffix);
        if !protected(&w) {
            let verb = strip_layer(&mut w, VERB, MIN_STEM);
            mark(&verb, &mut vowel_suffix);
        }
    }
    if protected(&w) {
        return w.into_iter().collect();
    }

    // `тармағ-ы` → `тармақ`: consonants voiced between vowels are unvoiced again (not after
    // a consonant: `мониторинг-і` stays `мониторинг`).
    let after_vowel = w.len() >= 2 && is_vowel(w[w.len() - 2]);
    if vowel_suffix && after_vowel {
        if let Some(last) = w.last_mut() {
            *last = match *last {
                'ғ' => 'қ',
                'г' => 'к',
                'б' => 'п',
                c => c,
            };
        }
    }
    w.into_iter().collect()
}

fn attributive_fits(w: &[char]) -> bool {
    ATTRIBUTIVE.iter().any(|s| {
        let sc: Vec<char> = s.chars().collect();
        w.len() > sc.len() + 1 && w.ends_with(&sc) && !is_vowel(w[w.len() - sc.len() - 1])
    })
}

#[cfg(test)]
mod tests {
    use super::stem;

    #[test]
    fn noun_chains_meet_in_one_stem() {
        for w in [
            "қызмет",
            "қызметті",
            "қызметтер",
            "қызметтерді",
            "қызметтерінің",
            "қызметін",
            "қызметіне",
        ] {
            assert_eq!(stem(w), "қызмет", "{w}");
        }
        for w in ["тармақ", "тармағы", "тармағының", "тармағына", "тармақтар"]
        {
            assert_eq!(stem(w), "тармақ", "{w}");
        }
    }

    #[test]
    fn harmony_and_sound_agreement_guard_word_ends() {
        // `-ке` would need a voiceless consonant before it; `а` is a vowel.
        assert_eq!(stem("бала"), "бала");
        // Back-vowel suffix on a front-vowel stem is not stripped.
        assert_eq!(stem("мектепқа"), "мектепқа");
        assert_eq!(stem("мектепке"), "мектеп");
        // Derivational `-тік` stays.
        assert_eq!(stem("мемлекеттік"), "мемлекеттік");
    }

    #[test]
    fn attributive_and_verb_forms() {
        assert_eq!(stem("жылғы"), "жыл");
        assert_eq!(stem("бекітілген"), "бекітіл");
        assert_eq!(stem("беру"), "бер");
        assert_eq!(stem("беруге"), "бер");
    }

    #[test]
    fn loanword_final_consonants_stay() {
        assert_eq!(stem("мониторингінің"), "мониторинг");
        assert_eq!(stem("көмегі"), "көмек");
    }

    #[test]
    fn leaves_short_latin_and_digits_alone() {
        assert_eq!(stem("мен"), "мен");
        assert_eq!(stem("web"), "web");
        assert_eq!(stem("12а"), "12а");
    }
}
