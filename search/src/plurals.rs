//! Broken plurals and their singulars (`data/broken-plurals.tsv`, with its
//! sources and licence), as the analysis meets them: a plural without its
//! prefixes (and pronoun) → its singular's stem, and the way back for query
//! expansion.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use crate::arabic::{normalize_more, strip_suffixes};

const DATA: &str = include_str!("../data/broken-plurals.tsv");

/// The table is looked up for every word indexed: a multiply-rotate hash of
/// its letters (as rustc's FxHash) rather than SipHash. Its keys are fixed,
/// so there is no flooding to resist.
#[derive(Default, Clone, Copy)]
struct LetterHash(u64);

impl Hasher for LetterHash {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        bytes.iter().for_each(|b| self.write_u64(u64::from(*b)));
    }

    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
}

type Letters<V> = HashMap<Vec<char>, V, BuildHasherDefault<LetterHash>>;

struct Table {
    /// Normalized plural → the singular's stem.
    singular: Letters<Vec<char>>,
    /// A singular's stem → the normalized plurals.
    plurals: Letters<Vec<Vec<char>>>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = Table { singular: Letters::default(), plurals: Letters::default() };
        for line in DATA.lines().filter(|l| !l.starts_with('#')) {
            let Some((plural, singular)) = line.split_once('\t') else { continue };
            let plural: Vec<char> = normalize_more(plural.trim()).chars().collect();
            let singular: Vec<char> = normalize_more(singular.trim()).chars().collect();
            let stem = strip_suffixes(&singular).to_vec();
            // The file's first entry for a plural wins.
            if !t.singular.contains_key(&plural) {
                t.plurals.entry(stem.clone()).or_default().push(plural.clone());
                t.singular.insert(plural, stem);
            }
        }
        t
    })
}

/// The stem of the singular of `plural` (normalized, without prefixes or
/// pronoun), if the table knows it as a plural.
pub fn singular_stem(plural: &[char]) -> Option<&'static [char]> {
    table().singular.get(plural).map(Vec::as_slice)
}

/// The plurals (normalized) of the singular whose stem is `stem`.
pub fn plurals_of(stem: &[char]) -> &'static [Vec<char>] {
    table().plurals.get(stem).map_or(&[], Vec::as_slice)
}

/// How many plurals the table holds.
#[cfg(test)]
fn len() -> usize {
    table().singular.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        normalize_more(s).chars().collect()
    }

    #[test]
    fn the_table_maps_plurals_to_their_singulars_stem() {
        for (plural, stem) in [
            ("تراخيص", "ترخيص"),
            ("فواتير", "فاتور"),
            ("وظائف", "وظيف"),
            ("مدارس", "مدرس"),
            ("أراضي", "ارض"),
            ("أعضاء", "عضو"),
            ("شكاوى", "شكو"),
            ("مواعيد", "موعد"),
            ("رسائل", "رسال"),
        ] {
            assert_eq!(singular_stem(&chars(plural)), Some(chars(stem).as_slice()), "{plural}");
        }
        assert_eq!(singular_stem(&chars("طلب")), None);
        assert!(len() > 2_500, "{}", len());
    }

    #[test]
    fn a_singular_knows_its_plurals() {
        assert!(plurals_of(&chars("ترخيص")).contains(&chars("تراخيص")));
    }
}
