//! Arabic analysis: the normalization of Lucene's `ArabicNormalizer` and the
//! light stemming of Lucene's `ArabicStemmer` (Larkey, Ballesteros and
//! Connell, "Light Stemming for Arabic Information Retrieval"), so that a query
//! matches regardless of diacritics, hamza/alef forms, taa marbuta and haa,
//! alef maqsura and yaa, tatweel, and the common prefixes and suffixes.
//!
//! Beside them, Tawasul's own rules (`analysis::ArabicStemmer::Forms`:
//! `normalize_more`, `without_prefixes`, `without_pronoun`,
//! `strip_suffixes`), which the labelled sets
//! of `tests/relevance.rs` chose: the hamza on its seats and the digits of
//! every script folded too; prefixes stacked as Arabic stacks them (a
//! conjunction, a preposition, the article); attached pronouns; the feminine
//! dual; a taa marbuta written open before a pronoun; and a word that may or
//! may not begin with a one-letter particle kept both ways.

use std::borrow::Cow;

/// Whether a character is an Arabic letter (the basic block and the
/// presentation forms a keyboard never types but a PDF may hold).
pub fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{064A}' | '\u{0671}'..='\u{06D3}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// Whether a token is Arabic (its first letter decides, as in mixed text each
/// token is one language or the other).
pub fn is_arabic(token: &str) -> bool {
    // The basic Arabic letters first: `is_alphabetic` searches Unicode's tables.
    token.chars().find(|&c| matches!(c, '\u{0621}'..='\u{064A}') || c.is_alphabetic()).is_some_and(is_arabic_letter)
}

/// Lucene's `ArabicNormalizer`: harakat (U+064B–U+0652) and the dagger alef
/// (U+0670) and tatweel (U+0640) removed; أ إ آ → ا; ى → ي; ة → ه.
pub fn normalize(token: &str) -> String {
    token.chars().filter_map(normalize_char).collect()
}

/// One character of `normalize`; `None` drops it.
fn normalize_char(c: char) -> Option<char> {
    match c {
        '\u{064B}'..='\u{0652}' | '\u{0670}' | '\u{0640}' => None,
        'أ' | 'إ' | 'آ' => Some('ا'),
        'ى' => Some('ي'),
        'ة' => Some('ه'),
        other => Some(other),
    }
}

/// Prefixes, longest first; one at most is removed: وال بال كال فال ال لل و.
const PREFIXES: [&[char]; 7] =
    [&['و', 'ا', 'ل'], &['ب', 'ا', 'ل'], &['ك', 'ا', 'ل'], &['ف', 'ا', 'ل'], &['ا', 'ل'], &['ل', 'ل'], &['و']];
/// Suffixes in normalized form, each tried once, in this order, as Lucene
/// does: ها ان ات ون ين يه ه ي (Lucene's ية and ة never match a normalized
/// word, where ة is already ه).
const SUFFIXES: [&[char]; 8] =
    [&['ه', 'ا'], &['ا', 'ن'], &['ا', 'ت'], &['و', 'ن'], &['ي', 'ن'], &['ي', 'ه'], &['ه'], &['ي']];

/// Lucene's `ArabicStemmer` on a normalized token: one prefix (و only from
/// words of more than three letters), then the suffixes, each leaving at least
/// two letters.
pub fn light_stem(token: &str) -> String {
    let chars: Vec<char> = token.chars().collect();
    stem(&chars).iter().collect()
}

/// `light_stem` on characters: the stem is a slice of the word.
fn stem(chars: &[char]) -> &[char] {
    let mut w = chars;
    for p in PREFIXES {
        let long_enough = if p.len() == 1 { w.len() > 3 } else { w.len() >= p.len() + 2 };
        if long_enough && w.starts_with(p) {
            w = &w[p.len()..];
            break;
        }
    }
    for s in SUFFIXES {
        if w.len() >= s.len() + 2 && w.ends_with(s) {
            w = &w[..w.len() - s.len()];
        }
    }
    w
}

/// Normalization then light stemming: what the index stores and a query asks
/// (in one pass over the word: it runs for every word indexed).
pub fn analyze(token: &str) -> String {
    let chars: Vec<char> = token.chars().filter_map(normalize_char).collect();
    stem(&chars).iter().collect()
}

/// Tawasul's normalization: Lucene's, with the hamza on a seat (ؤ ئ) as the
/// bare hamza (مسؤول and مسئول are one word spelled two ways), and the
/// Arabic-Indic and Eastern Arabic-Indic digits as ASCII digits (١٤٤٨ and 1448
/// are one number).
///
/// The alef that carries a written tanween al-fath (أرضاً، تعويضاً) is not
/// part of the word and goes too.
pub fn normalize_more(token: &str) -> String {
    let mut chars = Vec::new();
    normalize_more_into(token, &mut chars);
    chars.into_iter().collect()
}

/// `normalize_more` into a buffer the caller reuses (it runs for every word
/// indexed).
pub fn normalize_more_into(token: &str, out: &mut Vec<char>) {
    out.clear();
    out.extend(token.chars().filter_map(normalize_more_char));
    if out.len() > 3 && (token.ends_with("اً") || token.ends_with("ًا")) {
        out.pop();
    }
}

fn normalize_more_char(c: char) -> Option<char> {
    match c {
        'ؤ' | 'ئ' => Some('ء'),
        '\u{0660}'..='\u{0669}' => char::from_digit(c as u32 - 0x0660, 10),
        '\u{06F0}'..='\u{06F9}' => char::from_digit(c as u32 - 0x06F0, 10),
        other => normalize_char(other),
    }
}

/// Prefix stacks in normalized form, longest first, one removed at most: a
/// conjunction (و ف) before a preposition (ب ك) and the article, or before
/// ل with the article (لل), and each of these without the conjunction.
const STACKS: [&[char]; 12] = [
    &['و', 'ب', 'ا', 'ل'],
    &['ف', 'ب', 'ا', 'ل'],
    &['و', 'ك', 'ا', 'ل'],
    &['ف', 'ك', 'ا', 'ل'],
    &['و', 'ل', 'ل'],
    &['ف', 'ل', 'ل'],
    &['و', 'ا', 'ل'],
    &['ف', 'ا', 'ل'],
    &['ب', 'ا', 'ل'],
    &['ك', 'ا', 'ل'],
    &['ل', 'ل'],
    &['ا', 'ل'],
];

/// Attached pronouns in normalized form, longest first, one removed at most:
/// ـهما ـكما ـهم ـهن ـكم ـكن ـنا ـها ـه ـي. (ـك alone is left: too many nouns
/// end in it — بنك، سلوك، شريك.)
const PRONOUNS: [&[char]; 10] = [
    &['ه', 'م', 'ا'],
    &['ك', 'م', 'ا'],
    &['ه', 'م'],
    &['ه', 'ن'],
    &['ك', 'م'],
    &['ك', 'ن'],
    &['ن', 'ا'],
    &['ه', 'ا'],
    &['ه'],
    &['ي'],
];

/// Particles a word may begin with and no rule can tell from its first
/// letters: و ف (and, so), ب ل ك (with, for, like), and a conjunction before a
/// preposition (وب فل …).
const PARTICLES: [char; 5] = ['و', 'ف', 'ب', 'ل', 'ك'];
const CONJUNCTIONS: [char; 2] = ['و', 'ف'];
const PREPOSITIONS: [char; 3] = ['ب', 'ل', 'ك'];

/// The forms of a normalized word (`normalize_more`) with its prefixes
/// removed: the word after the longest prefix stack it begins with, and, when
/// it begins with particles no stack took, the word without them as well
/// (وطلب is و + طلب, وثيقة is one word: the index keeps both readings).
pub fn without_prefixes(chars: &[char]) -> impl Iterator<Item = &[char]> {
    let w = strip_prefix(chars);
    let particle = w.len() == chars.len() && w.len() >= 3 && PARTICLES.contains(&w[0]);
    let two = particle && w.len() >= 5 && CONJUNCTIONS.contains(&w[0]) && PREPOSITIONS.contains(&w[1]);
    std::iter::once(w).chain(particle.then(|| &w[1..])).chain(two.then(|| &w[2..]))
}

fn strip_prefix(chars: &[char]) -> &[char] {
    for p in STACKS {
        if chars.len() >= p.len() + 2 && chars.starts_with(p) {
            return &chars[p.len()..];
        }
    }
    chars
}

/// The readings of a word without its attached pronoun (one removed at most,
/// leaving three letters). A taa marbuta the pronoun made open (رخصتي،
/// فاتورتكم) is then dropped, as the suffix rules drop its closed form — but
/// ـه after ت reads two ways, his (رخصته) or the word's own taa marbuta
/// (سفلتة), and both readings are kept. An alef maqsura the pronoun made alef
/// (شكواي، مستشفاهم) is read both as alef and as yaa.
pub fn without_pronoun(chars: &[char]) -> [Option<Cow<'_, [char]>>; 2] {
    let Some((w, p)) = pronoun(chars) else { return [Some(Cow::Borrowed(chars)), None] };
    let closed = || Some(Cow::Borrowed(&w[..w.len() - 1]));
    if opened_taa(w) {
        return if p == 1 && chars.ends_with(&['ه']) { [Some(Cow::Borrowed(w)), closed()] } else { [closed(), None] };
    }
    if w.len() >= 4 && w.ends_with(&['ا']) {
        let mut yaa = w.to_vec();
        yaa.pop();
        yaa.push('ي');
        return [Some(Cow::Borrowed(w)), Some(Cow::Owned(yaa))];
    }
    [Some(Cow::Borrowed(w)), None]
}

/// The form a plural with a pronoun is looked up as in the plural table: the
/// word without a pronoun of two letters or more (رواتبهم), or the word whose
/// pronoun opened its taa marbuta, closed again (أدويتي → أدويه). A single ـه
/// or ـي with no open taa before it is more often the word's own (ـة, ـي).
pub fn plural_lookup_form(chars: &[char]) -> Option<Cow<'_, [char]>> {
    let (w, p) = pronoun(chars)?;
    if opened_taa(w) {
        let mut closed = w[..w.len() - 1].to_vec();
        closed.push('ه');
        Some(Cow::Owned(closed))
    } else {
        (p > 1).then_some(Cow::Borrowed(w))
    }
}

/// The word without its pronoun, and the pronoun's length.
fn pronoun(chars: &[char]) -> Option<(&[char], usize)> {
    PRONOUNS
        .iter()
        .find(|p| chars.len() >= p.len() + 3 && chars.ends_with(p))
        .map(|p| (&chars[..chars.len() - p.len()], p.len()))
}

/// Whether a word (its pronoun removed) ends in a taa marbuta written open.
fn opened_taa(w: &[char]) -> bool {
    w.len() >= 4 && w.ends_with(&['ت']) && !w.ends_with(&['ا', 'ت'])
}

/// The feminine dual (تين تان): its taa is the singular's taa marbuta.
const DUALS: [&[char]; 2] = [&['ت', 'ي', 'ن'], &['ت', 'ا', 'ن']];

/// The suffixes off a word without its prefixes and pronoun: the feminine
/// dual (leaving three letters, so that بيتين stays بيت), then Lucene's
/// suffixes, each tried once in order and leaving two letters.
pub fn strip_suffixes(chars: &[char]) -> &[char] {
    let mut w = chars;
    if let Some(d) = DUALS.iter().find(|d| w.len() >= d.len() + 3 && w.ends_with(d)) {
        w = &w[..w.len() - d.len()];
    }
    for s in SUFFIXES {
        if w.len() >= s.len() + 2 && w.ends_with(s) {
            w = &w[..w.len() - s.len()];
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        normalize_more(s).chars().collect()
    }

    fn text<'a>(forms: impl IntoIterator<Item = Cow<'a, [char]>>) -> Vec<String> {
        forms.into_iter().map(|f| f.iter().collect()).collect()
    }

    #[test]
    fn more_normalization_table() {
        for (input, expected) in [
            ("مسؤول", "مسءول"),   // hamza on waw
            ("مسئول", "مسءول"),   // hamza on yaa: the same word
            ("١٤٤٨", "1448"),     // Arabic-Indic digits
            ("۱۴۴۸", "1448"),     // Eastern Arabic-Indic digits
            ("تعويضاً", "تعويض"),  // the alef of a written tanween al-fath
            ("أرضًا", "ارض"),      // the tanween written after the alef
            ("جزا", "جزا"),       // an alef without tanween stays
            ("مُعَامَلَة", "معامله"), // Lucene's rules still apply
        ] {
            assert_eq!(normalize_more(input), expected, "{input}");
        }
    }

    #[test]
    fn prefix_table() {
        for (input, expected) in [
            ("وبالمدرسة", vec!["مدرسه"]),     // conjunction, preposition, article
            ("فللموظفين", vec!["موظفين"]),    // conjunction, ل with the article
            ("كالشهادات", vec!["شهادات"]),    // preposition and article
            ("المدرسة", vec!["مدرسه"]),       // the article alone
            ("وثيقة", vec!["وثيقه", "ثيقه"]), // و or one word: both readings
            ("وطلب", vec!["وطلب", "طلب"]),
            ("وبحدائقها", vec!["وبحداءقها", "بحداءقها", "حداءقها"]), // و then ب without the article
            ("بنك", vec!["بنك", "نك"]),
            ("في", vec!["في"]), // too short for a particle
            ("ال", vec!["ال"]), // too short to strip
        ] {
            let forms: Vec<String> = without_prefixes(&chars(input)).map(|f| f.iter().collect()).collect();
            assert_eq!(forms, expected, "{input}");
        }
    }

    #[test]
    fn pronoun_table() {
        for (input, expected) in [
            ("طلبهم", vec!["طلب"]),
            ("طلبكم", vec!["طلب"]),
            ("طلبنا", vec!["طلب"]),
            ("طلبهما", vec!["طلب"]),
            ("رخصتي", vec!["رخص"]), // a taa marbuta opened by the pronoun
            ("فاتورتكم", vec!["فاتور"]),
            ("رخصته", vec!["رخصت", "رخص"]), // his, or the word's own taa marbuta
            ("سفلته", vec!["سفلت", "سفل"]),
            ("خدماتهم", vec!["خدمات"]),      // ـات is a plural, not an open taa
            ("شكواي", vec!["شكوا", "شكوي"]), // an alef maqsura opened by the pronoun
            ("بيتي", vec!["بيت"]),           // three letters left: the ت stays
            ("فهم", vec!["فهم"]),            // too short for a pronoun
            ("بنك", vec!["بنك"]),            // ـك alone is not a pronoun here
        ] {
            assert_eq!(text(without_pronoun(&chars(input)).into_iter().flatten()), expected, "{input}");
        }
    }

    #[test]
    fn plural_lookup_table() {
        for (input, expected) in [
            ("رواتبهم", vec!["رواتب"]), // a pronoun of two letters
            ("ادويتي", vec!["ادويه"]),  // an opened taa marbuta, closed again
            ("مدارسه", vec![]),         // ـه alone may be the word's own
            ("مدارس", vec![]),
        ] {
            let expected: Vec<String> = expected.into_iter().map(str::to_owned).collect();
            assert_eq!(text(plural_lookup_form(&chars(input))), expected, "{input}");
        }
    }

    #[test]
    fn suffix_table() {
        for (input, expected) in [
            ("مخالفتين", "مخالف"), // the feminine dual
            ("حاويتان", "حاو"),    // the dual, then Lucene's ي
            ("بيتين", "بيت"),      // ين of a masculine dual: three letters stay
            ("معاملات", "معامل"),
            ("موظفون", "موظف"),
        ] {
            assert_eq!(strip_suffixes(&chars(input)).iter().collect::<String>(), expected, "{input}");
        }
    }

    #[test]
    fn normalization_table() {
        for (input, expected) in [
            ("مُعَامَلَة", "معامله"), // harakat and taa marbuta
            ("إِجْرَاء", "اجراء"),   // hamza under alef
            ("أحمد", "احمد"),     // hamza over alef
            ("آمال", "امال"),     // madda
            ("مستشفى", "مستشفي"), // alef maqsura
            ("طـــلب", "طلب"),    // tatweel
            ("رحمٰن", "رحمن"),     // dagger alef
            ("ًٌٍَُِّْ", ""),             // every haraka
            ("Request-1448", "Request-1448"),
        ] {
            assert_eq!(normalize(input), expected, "{input}");
        }
    }

    #[test]
    fn light_stemming_table() {
        for (input, expected) in [
            ("المعاملات", "معامل"),  // ال + ات
            ("والمعاملة", "معامل"), // وال + ة→ه
            ("بالطلب", "طلب"),      // بال
            ("للمراجعين", "مراجع"), // لل + ين
            ("وطلب", "طلب"),        // و from a four-letter word
            ("ولد", "ولد"),         // و kept: three letters
            ("موظفون", "موظف"),     // ون
            ("طلبها", "طلب"),       // ها
            ("الهوية", "هو"),       // ال, then يه (from ية), Lucene's result
            ("جوازان", "جواز"),     // ان
            ("قاضي", "قاض"),        // ي
            ("ال", "ال"),           // too short to strip
            ("في", "في"),
        ] {
            assert_eq!(analyze(input), expected, "{input}");
        }
    }

    #[test]
    fn forms_of_a_word_meet() {
        let forms = ["مُعَامَلَة", "معاملة", "المعاملة", "والمعاملات", "معاملات", "بالمعاملة"];
        let stems: Vec<String> = forms.iter().map(|f| analyze(f)).collect();
        assert!(stems.windows(2).all(|w| w[0] == w[1]), "{stems:?}");
    }

    #[test]
    fn tokens_are_told_apart_by_script() {
        assert!(is_arabic("الطلب"));
        assert!(is_arabic("١٤٤٨هـ"));
        assert!(!is_arabic("request"));
        assert!(!is_arabic("1448"));
    }
}
