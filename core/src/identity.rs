//! Validated personal identifiers: national ID and iqama (with the registry's check
//! digit), passport, Saudi mobile, e-mail, names and passwords. Once a value has one
//! of these types it is valid; handlers never re-check.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ErrorCode;

/// Maps Arabic-Indic (٠١٢…) and Eastern Arabic-Indic (۰۱۲…) digits to ASCII, since
/// people type numbers on Arabic keyboards.
pub fn ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            _ => c,
        })
        .collect()
}

/// The registry's check digit for the first nine digits of a national ID or iqama:
/// Luhn, doubling the digits in odd positions counted from one on the left.
pub fn id_check_digit(first_nine: &[u8; 9]) -> u8 {
    let sum: u32 = first_nine
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 0 {
                let t = d * 2;
                t / 10 + t % 10
            } else {
                d
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

fn parse_registry_number(raw: &str, leading: u8) -> Result<String, ErrorCode> {
    let s = ascii_digits(raw.trim());
    let bytes = s.as_bytes();
    if bytes.len() != 10 || !bytes.iter().all(u8::is_ascii_digit) || bytes[0] != b'0' + leading {
        return Err(ErrorCode::InvalidIdNumber);
    }
    let mut nine = [0u8; 9];
    for (n, b) in nine.iter_mut().zip(bytes) {
        *n = b - b'0';
    }
    if id_check_digit(&nine) != bytes[9] - b'0' {
        return Err(ErrorCode::InvalidIdNumber);
    }
    Ok(s)
}

macro_rules! redacted_string_newtype {
    ($name:ident, $parse:expr) => {
        #[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, ErrorCode> {
                let f: fn(&str) -> Result<String, ErrorCode> = $parse;
                f(raw).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = ErrorCode;
            fn try_from(s: String) -> Result<Self, ErrorCode> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        /// Personal data: never printed whole in logs.
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let tail: String = self.0.chars().rev().take(2).collect::<Vec<_>>().into_iter().rev().collect();
                write!(f, concat!(stringify!($name), "(…{})"), tail)
            }
        }
    };
}

redacted_string_newtype!(NationalId, |s| parse_registry_number(s, 1));
redacted_string_newtype!(Iqama, |s| parse_registry_number(s, 2));
redacted_string_newtype!(Passport, |raw| {
    let s: String = raw.trim().to_ascii_uppercase();
    if (6..=20).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(s)
    } else {
        Err(ErrorCode::InvalidPassport)
    }
});
redacted_string_newtype!(Mobile, parse_mobile);
redacted_string_newtype!(Email, |raw| {
    let s = raw.trim().to_lowercase();
    if s.len() > 254 || !email_address::EmailAddress::is_valid(&s) || !s.contains('.') {
        return Err(ErrorCode::InvalidEmail);
    }
    Ok(s)
});

/// Normalizes any usual way of writing a Saudi mobile to `+9665XXXXXXXX`.
fn parse_mobile(raw: &str) -> Result<String, ErrorCode> {
    let cleaned: String = ascii_digits(raw)
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.' | '\u{200E}' | '\u{200F}'))
        .collect();
    let national = cleaned
        .strip_prefix("+966")
        .or_else(|| cleaned.strip_prefix("00966"))
        .or_else(|| cleaned.strip_prefix("966"))
        .or_else(|| cleaned.strip_prefix('0'))
        .unwrap_or(&cleaned);
    if national.len() == 9 && national.starts_with('5') && national.bytes().all(|b| b.is_ascii_digit()) {
        Ok(format!("+966{national}"))
    } else {
        Err(ErrorCode::InvalidMobile)
    }
}

/// The kind of identity document a person registers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdType {
    NationalId,
    Iqama,
    Passport,
}

impl IdType {
    pub fn as_str(self) -> &'static str {
        match self {
            IdType::NationalId => "national_id",
            IdType::Iqama => "iqama",
            IdType::Passport => "passport",
        }
    }

    pub fn parse(s: &str) -> Result<IdType, ErrorCode> {
        match s {
            "national_id" => Ok(IdType::NationalId),
            "iqama" => Ok(IdType::Iqama),
            "passport" => Ok(IdType::Passport),
            _ => Err(ErrorCode::InvalidChoice),
        }
    }
}

/// A validated identity document number of a given kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum IdDocument {
    NationalId(NationalId),
    Iqama(Iqama),
    Passport(Passport),
}

impl IdDocument {
    pub fn parse(kind: IdType, number: &str) -> Result<IdDocument, ErrorCode> {
        Ok(match kind {
            IdType::NationalId => IdDocument::NationalId(NationalId::parse(number)?),
            IdType::Iqama => IdDocument::Iqama(Iqama::parse(number)?),
            IdType::Passport => IdDocument::Passport(Passport::parse(number)?),
        })
    }

    pub fn kind(&self) -> IdType {
        match self {
            IdDocument::NationalId(_) => IdType::NationalId,
            IdDocument::Iqama(_) => IdType::Iqama,
            IdDocument::Passport(_) => IdType::Passport,
        }
    }

    pub fn number(&self) -> &str {
        match self {
            IdDocument::NationalId(n) => n.as_str(),
            IdDocument::Iqama(n) => n.as_str(),
            IdDocument::Passport(n) => n.as_str(),
        }
    }
}

/// Characters that change how text is shown without being seen: the
/// bidirectional controls (embeddings, overrides, isolates and the direction
/// marks, which can make `exe.png` read as `png.exe`) and the zero-width
/// characters (which make two different strings look the same).
pub fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{180E}')
}

/// Whether `s` has a character one can see: not white space, not an invisible
/// format character, not a combining mark on nothing (harakat alone), not a
/// blank that looks like a letter (Hangul fillers, the braille blank).
pub fn has_visible(s: &str) -> bool {
    s.chars().any(|c| {
        !c.is_whitespace()
            && !c.is_control()
            && !is_invisible_format(c)
            && !matches!(c,
                '\u{0300}'..='\u{036F}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}'
                | '\u{0640}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}'
                | '\u{FE00}'..='\u{FE0F}' | '\u{FE20}'..='\u{FE2F}' | '\u{115F}' | '\u{1160}' | '\u{3164}'
                | '\u{FFA0}' | '\u{2800}' | '\u{00AD}')
    })
}

/// A person's or an organisation's name in one language: trimmed, inner runs of
/// white space collapsed, 1–120 characters, no control or invisible format
/// characters, something visible.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Name(String);

impl Name {
    pub const MAX_CHARS: usize = 120;

    pub fn parse(raw: &str) -> Result<Name, ErrorCode> {
        if raw.chars().any(is_invisible_format) {
            return Err(ErrorCode::InvisibleCharacters);
        }
        let collapsed = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let n = collapsed.chars().count();
        if n == 0 || n > Self::MAX_CHARS || collapsed.chars().any(char::is_control) || !has_visible(&collapsed) {
            return Err(ErrorCode::InvalidName);
        }
        Ok(Name(collapsed))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Name {
    type Error = ErrorCode;
    fn try_from(s: String) -> Result<Self, ErrorCode> {
        Self::parse(&s)
    }
}

impl From<Name> for String {
    fn from(v: Name) -> String {
        v.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password that meets the policy, kept only until it is hashed. No `Display`,
/// and `Debug` never shows it.
///
/// The policy is NIST SP 800-63B's: 8 to 128 characters and no composition
/// rule, but refused when it is common or easy to guess (the zxcvbn estimator,
/// which knows the common passwords, words, names, dates, keyboard walks and
/// repeats) or when it contains what others know of the person: their ID
/// number, mobile, e-mail or name.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 8;
    pub const MAX_CHARS: usize = 128;
    /// zxcvbn's score 2: more than 10⁸ guesses, which the log-in limits and
    /// Argon2id put out of reach of online guessing. 0 and 1 are the common
    /// passwords and their near variants.
    const MIN_SCORE: u8 = 2;
    /// zxcvbn grows slow on very long input; what lies beyond this many
    /// characters only adds strength.
    const ESTIMATED_CHARS: usize = 64;
    /// Personal words shorter than this are not looked for ("Ali" is in "quality").
    const MIN_PERSONAL_CHARS: usize = 4;

    /// Checks `raw` against the policy; `personal` holds the person's ID number,
    /// mobile, e-mail and names, as far as they are known.
    pub fn parse(raw: &str, personal: &[&str]) -> Result<Password, ErrorCode> {
        let n = raw.chars().count();
        if !(Self::MIN_CHARS..=Self::MAX_CHARS).contains(&n) || raw.chars().any(char::is_control) {
            return Err(ErrorCode::WeakPassword);
        }
        let words = personal_words(personal);
        let folded = fold(raw);
        if words.iter().any(|w| folded.contains(w.as_str())) {
            return Err(ErrorCode::PersonalPassword);
        }
        let estimated: String = raw.chars().take(Self::ESTIMATED_CHARS).collect();
        let inputs: Vec<&str> = words.iter().map(String::as_str).chain(["tawasul", "تواصل"]).collect();
        if u8::from(zxcvbn::zxcvbn(&estimated, &inputs).score()) < Self::MIN_SCORE {
            return Err(ErrorCode::CommonPassword);
        }
        Ok(Password(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Lower-cased, with white space, dots, dashes and underscores removed, and
/// Arabic-Indic digits made ASCII: how a person's words are looked for in a
/// password ("Sara.Alotaibi" and "sara alotaibi" are the same name).
fn fold(s: &str) -> String {
    ascii_digits(s)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The words of a person that their password must not contain: each value
/// whole, and for e-mails the part before `@`, for names each part, for
/// mobiles the national number (5XXXXXXXX) as people type it.
fn personal_words(personal: &[&str]) -> Vec<String> {
    let mut words = Vec::new();
    for value in personal {
        let mut parts: Vec<String> = vec![fold(value)];
        if let Some((local, _)) = value.split_once('@') {
            parts.push(fold(local));
        }
        parts.extend(value.split_whitespace().map(fold));
        if let Ok(m) = Mobile::parse(value) {
            parts.push(m.as_str().trim_start_matches("+966").to_owned());
        }
        words.extend(parts.into_iter().filter(|w| w.chars().count() >= Password::MIN_PERSONAL_CHARS));
    }
    words.sort();
    words.dedup();
    words
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

/// What a person types in the log-in box: an ID number, an e-mail or a mobile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginIdentifier {
    IdNumber(String),
    Email(Email),
    Mobile(Mobile),
}

impl LoginIdentifier {
    /// Never fails on well-formed text: an unknown shape is looked up as an ID
    /// number, so that a wrong login and a wrong password answer alike.
    pub fn parse(raw: &str) -> LoginIdentifier {
        if raw.contains('@')
            && let Ok(e) = Email::parse(raw)
        {
            return LoginIdentifier::Email(e);
        }
        if let Ok(m) = Mobile::parse(raw) {
            return LoginIdentifier::Mobile(m);
        }
        LoginIdentifier::IdNumber(ascii_digits(raw.trim()).to_ascii_uppercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn with_check(prefix: u8, rest: [u8; 8]) -> String {
        let mut nine = [0u8; 9];
        nine[0] = prefix;
        nine[1..].copy_from_slice(&rest);
        let c = id_check_digit(&nine);
        nine.iter().chain(std::iter::once(&c)).map(|d| char::from(b'0' + d)).collect()
    }

    #[test]
    fn known_ids() {
        // Hand-computed: 1 0 0 0 0 0 0 0 0 → sum 2 → check 8.
        assert!(NationalId::parse("1000000008").is_ok());
        assert!(NationalId::parse("1000000009").is_err());
        assert!(NationalId::parse("2000000006").is_err(), "an iqama is not a national ID");
        assert!(Iqama::parse("2000000006").is_ok());
        assert!(NationalId::parse("١٠٠٠٠٠٠٠٠٨").is_ok(), "Arabic-Indic digits");
        assert!(NationalId::parse("100000008").is_err());
        assert!(NationalId::parse("10000000080").is_err());
    }

    #[test]
    fn debug_redacts() {
        let id = NationalId::parse("1000000008").unwrap();
        assert_eq!(format!("{id:?}"), "NationalId(…08)");
        assert_eq!(format!("{:?}", Password::parse("quiet lantern orchard", &[]).unwrap()), "Password(…)");
    }

    #[test]
    fn mobiles() {
        for ok in
            ["0551234567", "+966551234567", "966551234567", "00966551234567", "055 123 4567", "٠٥٥١٢٣٤٥٦٧", "551234567"]
        {
            assert_eq!(Mobile::parse(ok).unwrap().as_str(), "+966551234567", "{ok}");
        }
        for bad in ["0451234567", "+96655123456", "05512345678", "", "+971551234567", "05512x4567"] {
            assert!(Mobile::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails_names_passwords() {
        assert_eq!(Email::parse(" Sara@Example.SA ").unwrap().as_str(), "sara@example.sa");
        assert!(Email::parse("not-an-email").is_err());
        assert!(Email::parse("a@b").is_err());
        assert_eq!(Name::parse("  سارة   العتيبي ").unwrap().as_str(), "سارة العتيبي");
        assert!(Name::parse("   ").is_err());
        assert!(Name::parse(&"ا".repeat(121)).is_err());
        assert!(Name::parse("a\u{0007}b").is_err());
        for spoof in ["\u{202E}ilataS", "سارة\u{200B}", "\u{2067}x\u{2069}", "\u{FEFF}Sara", "Sa\u{200D}ra"] {
            assert_eq!(Name::parse(spoof), Err(ErrorCode::InvisibleCharacters), "{spoof:?}");
        }
        for blank in ["\u{064E}\u{0650}", "\u{3164}", "\u{2800}\u{2800}", "ـــ"] {
            assert_eq!(Name::parse(blank), Err(ErrorCode::InvalidName), "{blank:?}");
        }
        assert!(Name::parse("مُحَمَّد").is_ok(), "harakat on letters are fine");
        assert!(Password::parse("short", &[]).is_err());
        assert!(Password::parse("quiet lantern orchard", &[]).is_ok());
        assert_eq!(Passport::parse(" a1234567 ").unwrap().as_str(), "A1234567");
    }

    /// NIST SP 800-63B: length, no composition rules, common and personal
    /// passwords refused, each with its own reason.
    #[test]
    fn password_policy() {
        let person = ["1000000008", "sara.alotaibi@example.sa", "0551234567", "سارة العتيبي", "Sara Alotaibi"];
        for common in
            ["12345678", "password", "        ", "Password1", "qwertyuiop", "11111111", "iloveyou", "P@ssw0rd!"]
        {
            assert_eq!(Password::parse(common, &person).err(), Some(ErrorCode::CommonPassword), "{common:?}");
        }
        for personal in [
            "my id 1000000008 ok",
            "١٠٠٠٠٠٠٠٠٨ zebra kettle",
            "Sara.Alotaibi rules",
            "xx sara.alotaibi@example.sa",
            "call me on 551234567 maybe",
            "العتيبي بستان الليمون",
        ] {
            assert_eq!(Password::parse(personal, &person).err(), Some(ErrorCode::PersonalPassword), "{personal:?}");
        }
        assert_eq!(Password::parse("short", &person).err(), Some(ErrorCode::WeakPassword));
        assert_eq!(Password::parse(&"x".repeat(129), &person).err(), Some(ErrorCode::WeakPassword));
        // No composition rule: lower-case words, Arabic, or symbols alone all pass.
        for fine in ["quiet lantern orchard", "قهوة الصباح في البستان", "correct horse battery", "7#kQ!z2@Lp"]
        {
            assert!(Password::parse(fine, &person).is_ok(), "{fine:?}");
        }
        // Short personal values are not looked for.
        assert!(Password::parse("reality of kettles", &["Ali"]).is_ok());
    }

    #[test]
    fn login_identifier_shapes() {
        assert!(matches!(LoginIdentifier::parse("sara@example.sa"), LoginIdentifier::Email(_)));
        assert!(matches!(LoginIdentifier::parse("0551234567"), LoginIdentifier::Mobile(_)));
        assert_eq!(LoginIdentifier::parse("1000000008"), LoginIdentifier::IdNumber("1000000008".into()));
    }

    proptest! {
        #[test]
        fn every_valid_national_id_and_iqama_is_accepted(rest in proptest::array::uniform8(0u8..10)) {
            let n = with_check(1, rest);
            prop_assert_eq!(NationalId::parse(&n).unwrap().to_string(), n);
            let i = with_check(2, rest);
            prop_assert_eq!(Iqama::parse(&i).unwrap().to_string(), i);
        }

        #[test]
        fn any_single_changed_digit_is_rejected(rest in proptest::array::uniform8(0u8..10), pos in 0usize..10, delta in 1u8..10) {
            for prefix in [1u8, 2] {
                let valid = with_check(prefix, rest);
                let mut bytes = valid.into_bytes();
                bytes[pos] = b'0' + ((bytes[pos] - b'0' + delta) % 10);
                let changed = String::from_utf8(bytes).unwrap();
                prop_assert!(NationalId::parse(&changed).is_err(), "{}", changed);
                prop_assert!(Iqama::parse(&changed).is_err(), "{}", changed);
            }
        }

        #[test]
        fn mobile_normalization_is_idempotent(n in 0u32..100_000_000, style in 0usize..4) {
            let raw = match style {
                0 => format!("05{n:08}"),
                1 => format!("+9665{n:08}"),
                2 => format!("009665{n:08}"),
                _ => format!("5{n:08}"),
            };
            let once = Mobile::parse(&raw).unwrap();
            let twice = Mobile::parse(once.as_str()).unwrap();
            prop_assert_eq!(&once, &twice);
            prop_assert_eq!(once.as_str().len(), 13);
        }

        #[test]
        fn parsers_never_panic(s in "\\PC{0,40}") {
            let _ = NationalId::parse(&s);
            let _ = Iqama::parse(&s);
            let _ = Passport::parse(&s);
            let _ = Mobile::parse(&s);
            let _ = Email::parse(&s);
            let _ = Name::parse(&s);
            let _ = LoginIdentifier::parse(&s);
            let _ = Password::parse(&s, &[&s]);
        }

        // Letters only: a name of tatweel (U+0640) alone is refused, as it shows nothing.
        #[test]
        fn serde_round_trip(rest in proptest::array::uniform8(0u8..10), n in 0u32..100_000_000, name in "[a-zA-Z\u{0621}-\u{063A}\u{0641}-\u{064A}]{1,20}( [a-zA-Z\u{0621}-\u{063A}\u{0641}-\u{064A}]{1,20})?") {
            let id = NationalId::parse(&with_check(1, rest)).unwrap();
            let json = serde_json::to_string(&id).unwrap();
            prop_assert_eq!(serde_json::from_str::<NationalId>(&json).unwrap(), id);
            let m = Mobile::parse(&format!("05{n:08}")).unwrap();
            let json = serde_json::to_string(&m).unwrap();
            prop_assert_eq!(serde_json::from_str::<Mobile>(&json).unwrap(), m);
            let nm = Name::parse(&name).unwrap();
            let json = serde_json::to_string(&nm).unwrap();
            prop_assert_eq!(serde_json::from_str::<Name>(&json).unwrap(), nm);
            let e = Email::parse(&format!("u{n}@example.sa")).unwrap();
            let json = serde_json::to_string(&e).unwrap();
            prop_assert_eq!(serde_json::from_str::<Email>(&json).unwrap(), e);
        }
    }
}
