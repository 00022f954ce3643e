//! The root of a stem, in the manner of ISRI (Taghva, Elkhoury and Coombs,
//! "Arabic Stemming without a Root Dictionary", 2005): no dictionary, the
//! stem matched against the patterns (أوزان) of its length, the letters in
//! the pattern's ف ع ل places kept. A stem no pattern fits is its own root.
//! What it finds is approximate (weak roots, four-letter roots) and it joins
//! words of one family that mean different things (مكتب، كاتب، كتاب), so the
//! archive ranks root matches below the word's own forms.

/// Patterns by length, normalized (ة is gone from stems, hamza on a seat is
/// ء); ف ع ل mark the root's letters. The first that fits wins.
const PATTERNS: [&str; 38] = [
    // 4 letters
    "فاعل",
    "فعال",
    "فعول",
    "فعيل",
    "مفعل",
    "افعل",
    "تفعل",
    "فعلا",
    // 5 letters
    "مفعول",
    "مفاعل",
    "تفعيل",
    "افتعل",
    "انفعل",
    "فواعل",
    "فعاءل",
    "افعال",
    "تفاعل",
    "فاعول",
    "مفتعل",
    "متفعل",
    "فعلاء",
    "مفعال",
    "فعالي",
    "تفعال",
    // 6 letters
    "مفاعيل",
    "تفاعيل",
    "فواعيل",
    "استفعل",
    "مستفعل",
    "افتعال",
    "انفعال",
    "متفاعل",
    "تفعيلي",
    "مفعولي",
    // 7 letters
    "استفعال",
    "مستفعلي",
    "افتعالي",
    "انفعالي",
];

/// The root of `stem` (normalized, without affixes).
pub fn root(stem: &[char]) -> Vec<char> {
    if stem.len() <= 3 {
        return stem.to_vec();
    }
    for p in PATTERNS {
        let pattern: Vec<char> = p.chars().collect();
        if pattern.len() != stem.len() {
            continue;
        }
        let mut root = Vec::with_capacity(3);
        let fits = pattern.iter().zip(stem).all(|(p, c)| match p {
            'ف' | 'ع' | 'ل' => {
                root.push(*c);
                true
            }
            other => other == c,
        });
        if fits {
            return root;
        }
    }
    stem.to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_by_pattern() {
        for (stem, expected) in [
            ("ترخيص", "رخص"),
            ("تراخيص", "رخص"),
            ("رخص", "رخص"),
            ("مكتب", "كتب"),
            ("كاتب", "كتب"),
            ("مكاتب", "كتب"),
            ("مواعيد", "وعد"),
            ("فاتور", "فتر"),
            ("فواتير", "فتر"),
            ("اجتماع", "جمع"),
            ("استمار", "مار"), // استفعل, as ISRI reads it
            ("جواز", "جوز"),
            ("مبن", "مبن"),
            ("طلب", "طلب"),
        ] {
            let stem: Vec<char> = stem.chars().collect();
            assert_eq!(root(&stem).iter().collect::<String>(), expected, "{}", stem.iter().collect::<String>());
        }
    }
}
