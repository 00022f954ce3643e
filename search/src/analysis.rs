//! The analyzer the archive indexes and queries with: words are split on
//! anything that is neither a letter, a digit nor an Arabic mark, and each word
//! is analysed in its own language, so that text mixing Arabic and English is
//! handled word by word. Arabic: the analysis the labelled query sets chose
//! (`CHOSEN`, see `tests/relevance.rs`). Other words: digits of every script
//! as ASCII digits, lower-cased, then Snowball's English stemmer.
//!
//! A word may be indexed as several terms at one position: its stems (a word
//! that may begin with a one-letter particle has two), and, where the analysis
//! keeps them, its normalized form marked `=` and its root marked `√`. A query
//! word asks for any of its terms, its own form weighing most and its root
//! least, so that exact forms rank above stem matches and stem matches above
//! root matches.

use std::str::CharIndices;
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};
use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

use crate::{arabic, plurals, roots};

/// The name the index registers the analyzer under. It names the analysis's
/// version too: the schema holds it, so an index written by another analysis
/// no longer opens as current and is rebuilt from the database at start
/// (`Archive::open`), rather than answer queries analysed otherwise.
pub const ANALYZER: &str = "tawasul-forms-1";

/// Which Arabic stemmer the analysis applies after normalization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArabicStemmer {
    /// Lucene's normalization only.
    None,
    /// Lucene's `ArabicStemmer` (light stemming).
    Light,
    /// Snowball's Arabic stemmer, on the normalized word.
    Snowball,
    /// Tawasul's rules (`arabic::normalize_more`, prefix stacks, pronouns, the
    /// feminine dual, both readings of a one-letter particle), then the light
    /// suffixes.
    Forms,
}

/// How the broken-plural table (`plurals`) is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Plurals {
    /// Not at all.
    No,
    /// A plural is indexed and asked for as its singular's stem.
    Indexed,
    /// The index keeps plurals as they are; a query word also asks for the
    /// other number's stems.
    Expanded,
}

/// One candidate analysis: what the relevance test compares and the archive
/// uses one of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Analysis {
    pub stemmer: ArabicStemmer,
    pub plurals: Plurals,
    /// The root (`roots`) indexed beside the stem, and the word's own form,
    /// so that they rank exact, then stem, then root.
    pub roots: bool,
}

impl Analysis {
    pub const fn stemmer(stemmer: ArabicStemmer) -> Analysis {
        Analysis { stemmer, plurals: Plurals::No, roots: false }
    }
}

/// The one the archive uses; chosen by `tests/relevance.rs`.
pub const CHOSEN: Analysis = Analysis { stemmer: ArabicStemmer::Forms, plurals: Plurals::Indexed, roots: false };

/// A query word's own form weighs this much more than its stem…
const EXACT_BOOST: f32 = 2.0;
/// …and its root this much.
const ROOT_BOOST: f32 = 0.3;

fn stemmer(algorithm: Algorithm) -> &'static Stemmer {
    static ENGLISH: OnceLock<Stemmer> = OnceLock::new();
    static ARABIC: OnceLock<Stemmer> = OnceLock::new();
    match algorithm {
        Algorithm::Arabic => ARABIC.get_or_init(|| Stemmer::create(Algorithm::Arabic)),
        _ => ENGLISH.get_or_init(|| Stemmer::create(Algorithm::English)),
    }
}

/// The terms of one word.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WordTerms {
    /// Its stems: one, or more when it reads several ways (a particle or not,
    /// a pronoun or a taa marbuta).
    pub stems: Vec<String>,
    /// Its normalized form, when the analysis ranks exact forms first and the
    /// form is not its first stem already.
    pub exact: Option<String>,
    /// Its root, when the analysis keeps roots.
    pub root: Option<String>,
}

impl WordTerms {
    /// The terms as the index holds them (`=` and `√` mark the form and the
    /// root). A root that is the word's stem is not written twice: the stem
    /// stands for it.
    pub fn indexed(&self) -> impl Iterator<Item = String> + '_ {
        let root = self.root.as_ref().filter(|r| Some(*r) != self.stems.first());
        self.stems
            .iter()
            .cloned()
            .chain(self.exact.iter().map(|e| format!("={e}")))
            .chain(root.map(|r| format!("√{r}")))
    }
}

/// One word as the index stores it and a query asks for it.
pub fn analyze_word(word: &str, analysis: Analysis) -> WordTerms {
    let (mut letters, mut stems) = (Vec::new(), Vec::with_capacity(1));
    stems_into(word, analysis, &mut letters, &mut stems);
    let mut terms = WordTerms { stems, exact: None, root: None };
    if analysis.roots
        && analysis.stemmer == ArabicStemmer::Forms
        && arabic::is_arabic(word)
        && let Some(first) = terms.stems.first()
    {
        let stem: Vec<char> = first.chars().collect();
        terms.root = Some(roots::root(&stem).into_iter().collect());
        terms.exact = (letters != stem).then(|| letters.iter().collect());
    }
    terms
}

/// The stems of one word, pushed onto `stems`; `letters` is left holding the
/// word normalized (Tawasul's rules). Both are buffers the tokenizer reuses:
/// this runs for every word indexed.
fn stems_into(word: &str, analysis: Analysis, letters: &mut Vec<char>, stems: &mut Vec<String>) {
    if !arabic::is_arabic(word) {
        let lower =
            if word.is_ascii() { word.to_ascii_lowercase() } else { arabic::normalize_more(word).to_lowercase() };
        stems.push(stemmer(Algorithm::English).stem(&lower).into_owned());
        return;
    }
    match analysis.stemmer {
        ArabicStemmer::None => stems.push(arabic::normalize(word)),
        ArabicStemmer::Light => stems.push(arabic::analyze(word)),
        ArabicStemmer::Snowball => stems.push(stemmer(Algorithm::Arabic).stem(&arabic::normalize(word)).into_owned()),
        ArabicStemmer::Forms => {
            arabic::normalize_more_into(word, letters);
            forms_into(letters, analysis.plurals, stems);
        }
    }
}

/// Tawasul's rules on one normalized Arabic word: each reading of its
/// prefixes, then its plural's singular or each reading of its pronoun, then
/// the suffixes.
fn forms_into(letters: &[char], plurals: Plurals, stems: &mut Vec<String>) {
    for bare in arabic::without_prefixes(letters) {
        if plurals == Plurals::Indexed
            && let Some(singular) = singular_of(bare)
        {
            push_new(stems, singular);
            continue;
        }
        for reading in arabic::without_pronoun(bare).into_iter().flatten() {
            push_new(stems, arabic::strip_suffixes(&reading));
        }
    }
}

fn push_new(stems: &mut Vec<String>, stem: &[char]) {
    if !stems.iter().any(|s| s.chars().eq(stem.iter().copied())) {
        stems.push(stem.iter().collect());
    }
}

/// The singular's stem of a word without its prefixes, if the plural table
/// knows it (with its pronoun, or without).
fn singular_of(bare: &[char]) -> Option<&'static [char]> {
    plurals::singular_stem(bare).or_else(|| arabic::plural_lookup_form(bare).and_then(|f| plurals::singular_stem(&f)))
}

/// What a query word asks for beyond its own terms: with `Plurals::Expanded`,
/// the stems of its other number (a plural's singular, a singular's plurals).
fn expansions(word: &str, terms: &WordTerms) -> Vec<String> {
    let mut letters = Vec::new();
    arabic::normalize_more_into(word, &mut letters);
    let mut out = Vec::new();
    for bare in arabic::without_prefixes(&letters) {
        if let Some(s) = singular_of(bare) {
            out.push(s.iter().collect::<String>());
        }
        for reading in arabic::without_pronoun(bare).into_iter().flatten() {
            for p in plurals::plurals_of(arabic::strip_suffixes(&reading)) {
                out.push(arabic::strip_suffixes(p).iter().collect());
            }
        }
    }
    out.retain(|s| !terms.stems.contains(s));
    out.sort();
    out.dedup();
    out
}

/// Every word of a text, analysed, in order.
pub fn analyze_text(text: &str, analysis: Analysis) -> Vec<WordTerms> {
    words(text).map(|w| analyze_word(w, analysis)).filter(|t| t.stems.iter().any(|s| !s.is_empty())).collect()
}

/// The words of a query as the archive asks for them: every word required,
/// each satisfied by any of its terms (its own form weighing most, its root
/// least). `indexed` tells whether a term is in the index at all: a reading
/// no document holds (the ب-less reading of بطاقة, say) is left out, so that
/// a word most often stays one term rather than a union, which is what
/// searching costs. `None` when the query holds no word.
pub fn text_query(
    field: Field,
    q: &str,
    analysis: Analysis,
    indexed: &dyn Fn(&Term) -> bool,
) -> Option<Box<dyn Query>> {
    let mut seen: Vec<WordTerms> = Vec::new();
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for w in words(q) {
        let mut terms = analyze_word(w, analysis);
        terms.stems.retain(|s| !s.is_empty());
        if terms.stems.is_empty() || seen.contains(&terms) {
            continue;
        }
        seen.push(terms.clone());
        let term = |text: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs))
        };
        let mut stems = terms.stems.clone();
        if analysis.plurals == Plurals::Expanded && arabic::is_arabic(w) {
            stems.extend(expansions(w, &terms));
        }
        let present: Vec<&String> = stems.iter().filter(|s| indexed(&Term::from_field_text(field, s))).collect();
        // A word none of whose readings is indexed still has to be asked for:
        // it finds nothing, as it should.
        let asked = if present.is_empty() { vec![&stems[0]] } else { present };
        let mut any: Vec<(Occur, Box<dyn Query>)> = asked.iter().map(|s| (Occur::Should, term(s))).collect();
        if let Some(e) = &terms.exact {
            any.push((Occur::Should, Box::new(BoostQuery::new(term(&format!("={e}")), EXACT_BOOST))));
        }
        if let Some(r) = &terms.root {
            // Words whose stem is not their root hold it marked; words whose
            // stem is the root hold the stem.
            any.push((Occur::Should, Box::new(BoostQuery::new(term(&format!("√{r}")), ROOT_BOOST))));
            if !terms.stems.contains(r) {
                any.push((Occur::Should, Box::new(BoostQuery::new(term(r), ROOT_BOOST))));
            }
        }
        let word: Box<dyn Query> = if any.len() == 1 { any.remove(0).1 } else { Box::new(BooleanQuery::new(any)) };
        clauses.push((Occur::Must, word));
    }
    (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
}

/// The Tantivy analyzer.
pub fn analyzer(analysis: Analysis) -> TextAnalyzer {
    TextAnalyzer::from(WordTokenizer { analysis, token: Token::default() })
}

/// The words of a text, as the tokenizer splits them (too long ones left out).
fn words(text: &str) -> impl Iterator<Item = &str> {
    let mut chars = text.char_indices();
    std::iter::from_fn(move || next_word(text, &mut chars))
}

fn next_word<'a>(text: &'a str, chars: &mut CharIndices<'a>) -> Option<&'a str> {
    while let Some((from, c)) = chars.next() {
        if !in_word(c) {
            continue;
        }
        let to = chars.find(|(_, c)| !in_word(*c)).map_or(text.len(), |(i, _)| i);
        if to - from <= MAX_WORD_BYTES {
            return Some(&text[from..to]);
        }
    }
    None
}

/// Whether a character belongs inside a word. Arabic harakat, the dagger alef
/// and the other Arabic marks are not alphanumeric for Unicode, yet split a
/// word if treated as separators.
fn in_word(c: char) -> bool {
    match c {
        // ASCII and the Arabic letters, harakat and digits answer without
        // `is_alphanumeric`, a search of Unicode's tables for every character
        // beyond ASCII (a twelfth of a reindex's time when it was asked first).
        'a'..='z' | 'A'..='Z' | '0'..='9' | '\u{0620}'..='\u{0669}' => true,
        c if c.is_ascii() => false,
        c => {
            c.is_alphanumeric()
                || matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}')
        }
    }
}

/// Words longer than this are not indexed (a pasted key or a base64 blob would
/// only bloat the term dictionary).
const MAX_WORD_BYTES: usize = 80;

#[derive(Clone)]
struct WordTokenizer {
    analysis: Analysis,
    token: Token,
}

struct WordStream<'a> {
    text: &'a str,
    chars: CharIndices<'a>,
    token: &'a mut Token,
    analysis: Analysis,
    /// The terms of the current word not yet given, at the token's position
    /// (last first).
    pending: Vec<String>,
    /// The current word's letters, normalized.
    letters: Vec<char>,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.token.reset();
        WordStream {
            text,
            chars: text.char_indices(),
            token: &mut self.token,
            analysis: self.analysis,
            pending: Vec::with_capacity(3),
            letters: Vec::with_capacity(16),
        }
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        if let Some(t) = self.pending.pop() {
            self.token.text = t;
            return true;
        }
        while let Some(word) = next_word(self.text, &mut self.chars) {
            if self.analysis.roots {
                self.pending.extend(analyze_word(word, self.analysis).indexed());
            } else {
                stems_into(word, self.analysis, &mut self.letters, &mut self.pending);
            }
            self.pending.retain(|t| !t.is_empty());
            if self.pending.is_empty() {
                continue;
            }
            self.pending.reverse();
            self.token.text = self.pending.pop().unwrap_or_default();
            self.token.offset_from = word.as_ptr() as usize - self.text.as_ptr() as usize;
            self.token.offset_to = self.token.offset_from + word.len();
            self.token.position = self.token.position.wrapping_add(1);
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_answers_of_in_word_are_unicodes() {
        let marks =
            |c| matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}');
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            assert_eq!(in_word(c), c.is_alphanumeric() || marks(c), "{c:?}");
        }
    }

    /// The first stem of each word.
    fn stems(text: &str) -> Vec<String> {
        analyze_text(text, CHOSEN).into_iter().map(|t| t.stems[0].clone()).collect()
    }

    #[test]
    fn forms_of_a_word_meet_in_one_stem() {
        // (form, a stem it must have): each form of the word shares it.
        for (form, stem) in [
            ("تراخيص", "ترخيص"),    // a broken plural, to its singular
            ("والتراخيص", "ترخيص"), // with prefixes
            ("ترخيصه", "ترخيص"),    // the singular with a pronoun
            ("فواتيرهم", "فاتور"),  // a broken plural with a pronoun
            ("فاتورتي", "فاتور"),   // an opened taa marbuta
            ("أدويتي", "دواء"),     // a plural ending in ة, with a pronoun
            ("دوائه", "دواء"),      // hamza on its seat before a pronoun
            ("مخالفتين", "مخالف"),  // the feminine dual
            ("المسئول", "مسءول"),   // hamza seats
            ("المسؤولين", "مسءول"), // …and a sound plural
            ("تعويضاً", "تعويض"),    // tanween
            ("شكواي", "شكو"),       // an opened alef maqsura
            ("الشكوى", "شكو"),
            ("وبحدائقها", "حديق"), // particles, a broken plural, a pronoun
            ("١٤٤٨", "1448"),      // digits of every script
        ] {
            let terms = analyze_word(form, CHOSEN);
            assert!(terms.stems.iter().any(|s| s == stem), "{form}: {:?}", terms.stems);
        }
        // Plurals a light stemmer never reaches its singular from.
        assert_eq!(analyze_word("الوظائف", CHOSEN).stems, analyze_word("وظيفة", CHOSEN).stems[..1]);
    }

    #[test]
    fn roots_and_forms_are_marked_where_the_analysis_keeps_them() {
        let with_roots = Analysis { roots: true, ..CHOSEN };
        let terms: Vec<String> = analyze_word("التراخيص", with_roots).indexed().collect();
        assert_eq!(terms, ["ترخيص", "=التراخيص", "√رخص"]);
        // A stem that is its own root is not written twice.
        let terms: Vec<String> = analyze_word("طلب", with_roots).indexed().collect();
        assert_eq!(terms, ["طلب"]);
    }

    #[test]
    fn mixed_text_is_analysed_word_by_word() {
        assert_eq!(
            stems("طلبات Renewals للمُعَامَلَات، the Permits (2024)"),
            ["طلب", "renew", "معامل", "the", "permit", "2024"]
        );
    }

    #[test]
    fn harakat_and_tatweel_stay_inside_the_word() {
        assert_eq!(stems("المُـــعَامَلَة"), stems("المعاملة"));
        assert_eq!(stems("المُـــعَامَلَة").len(), 1);
    }

    #[test]
    fn offsets_point_at_the_original_text() {
        let text = "رقم الهُوِيَّة ID";
        let mut a = analyzer(CHOSEN);
        let mut s = a.token_stream(text);
        let mut spans = Vec::new();
        while s.advance() {
            spans.push(text[s.token().offset_from..s.token().offset_to].to_owned());
        }
        assert_eq!(spans, ["رقم", "الهُوِيَّة", "ID"]);
    }

    #[test]
    fn english_is_lower_cased_and_stemmed() {
        assert_eq!(stems("Inspections INSPECTED inspecting"), ["inspect", "inspect", "inspect"]);
    }

    #[test]
    fn oversized_words_are_skipped() {
        let blob = "A".repeat(200);
        assert_eq!(stems(&format!("key {blob} end")), ["key", "end"]);
    }
}
