//! The analyzer the archive indexes and queries with: words are split on
//! anything that is neither a letter, a digit nor an Arabic mark, and each word
//! is analysed in its own language, so that text mixing Arabic and English is
//! handled word by word. Arabic: Lucene's normalization, then the stemmer the
//! labelled query set chose (`ArabicStemmer::Light`, see `tests/relevance.rs`).
//! Other words: lower-cased, then Snowball's English stemmer.

use std::str::CharIndices;
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

use crate::arabic;

/// The name the index registers the analyzer under.
pub const ANALYZER: &str = "tawasul";

/// Which Arabic stemmer the analyzer applies after normalization. Both are kept
/// so that the relevance evaluation can compare them on the same queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArabicStemmer {
    /// Normalization only.
    None,
    /// Lucene's `ArabicStemmer` (light stemming).
    Light,
    /// Snowball's Arabic stemmer, on the normalized word.
    Snowball,
}

/// The one the archive uses; chosen by `tests/relevance.rs`.
pub const CHOSEN: ArabicStemmer = ArabicStemmer::Light;

fn stemmer(algorithm: Algorithm) -> &'static Stemmer {
    static ENGLISH: OnceLock<Stemmer> = OnceLock::new();
    static ARABIC: OnceLock<Stemmer> = OnceLock::new();
    match algorithm {
        Algorithm::Arabic => ARABIC.get_or_init(|| Stemmer::create(Algorithm::Arabic)),
        _ => ENGLISH.get_or_init(|| Stemmer::create(Algorithm::English)),
    }
}

/// One word as the index stores it and a query asks for it.
pub fn analyze_word(word: &str, arabic_stemmer: ArabicStemmer) -> String {
    if arabic::is_arabic(word) {
        match arabic_stemmer {
            ArabicStemmer::None => arabic::normalize(word),
            ArabicStemmer::Light => arabic::analyze(word),
            ArabicStemmer::Snowball => stemmer(Algorithm::Arabic).stem(&arabic::normalize(word)).into_owned(),
        }
    } else {
        let lower = word.to_lowercase();
        stemmer(Algorithm::English).stem(&lower).into_owned()
    }
}

/// Every word of a text, analysed, in order (what a query is made of).
pub fn analyze_text(text: &str, arabic_stemmer: ArabicStemmer) -> Vec<String> {
    let mut analyzer = analyzer(arabic_stemmer);
    let mut stream = analyzer.token_stream(text);
    let mut words = Vec::new();
    while stream.advance() {
        words.push(stream.token().text.clone());
    }
    words
}

/// The Tantivy analyzer.
pub fn analyzer(arabic_stemmer: ArabicStemmer) -> TextAnalyzer {
    TextAnalyzer::from(WordTokenizer { arabic_stemmer, token: Token::default() })
}

/// Whether a character belongs inside a word. Arabic harakat, the dagger alef
/// and the other Arabic marks are not alphanumeric for Unicode, yet split a
/// word if treated as separators.
fn in_word(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}')
}

/// Words longer than this are not indexed (a pasted key or a base64 blob would
/// only bloat the term dictionary).
const MAX_WORD_BYTES: usize = 80;

#[derive(Clone)]
struct WordTokenizer {
    arabic_stemmer: ArabicStemmer,
    token: Token,
}

struct WordStream<'a> {
    text: &'a str,
    chars: CharIndices<'a>,
    token: &'a mut Token,
    arabic_stemmer: ArabicStemmer,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.token.reset();
        WordStream { text, chars: text.char_indices(), token: &mut self.token, arabic_stemmer: self.arabic_stemmer }
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        while let Some((from, c)) = self.chars.next() {
            if !in_word(c) {
                continue;
            }
            let to = self.chars.find(|(_, c)| !in_word(*c)).map_or(self.text.len(), |(i, _)| i);
            let word = &self.text[from..to];
            if word.len() > MAX_WORD_BYTES {
                continue;
            }
            let analysed = analyze_word(word, self.arabic_stemmer);
            if analysed.is_empty() {
                continue;
            }
            self.token.text = analysed;
            self.token.offset_from = from;
            self.token.offset_to = to;
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
    fn mixed_text_is_analysed_word_by_word() {
        assert_eq!(
            analyze_text("طلبات Renewals للمُعَامَلَات، the Permits (2024)", CHOSEN),
            ["طلب", "renew", "معامل", "the", "permit", "2024"]
        );
    }

    #[test]
    fn harakat_and_tatweel_stay_inside_the_word() {
        assert_eq!(analyze_text("المُـــعَامَلَة", CHOSEN), analyze_text("المعاملة", CHOSEN));
        assert_eq!(analyze_text("المُـــعَامَلَة", CHOSEN).len(), 1);
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
        assert_eq!(analyze_text("Inspections INSPECTED inspecting", CHOSEN), ["inspect", "inspect", "inspect"]);
    }

    #[test]
    fn oversized_words_are_skipped() {
        let blob = "A".repeat(200);
        assert_eq!(analyze_text(&format!("key {blob} end"), CHOSEN), ["key", "end"]);
    }
}
