//! What notifications say, in Arabic and English: one catalogue, chosen by
//! the recipient's language. Every text is built from the transaction's
//! reference, its subject (the beneficiary's own words), the entity's name,
//! and what the beneficiary is shown anyway (a postponement's date and reason,
//! a rejection's reason) — never from a comment, so nothing written inside
//! the entity can reach a message.

use chrono::{DateTime, FixedOffset, Utc};

use crate::Lang;
use crate::catalogue::{Arg, text};
use crate::notify::NoticeKind;
use crate::service::{Target, Why};

/// What a notice is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeFacts {
    /// `1448/000123`.
    pub reference: String,
    pub hijri_year: i32,
    pub subject: String,
    pub entity_ar: String,
    pub entity_en: String,
    pub until: Option<DateTime<Utc>>,
    pub reason: Option<String>,
    /// The target a service-level notice is about.
    pub target: Option<Target>,
    /// Why an escalation was made.
    pub escalation: Option<Why>,
    /// Where to open the transaction.
    pub link: String,
    /// Where to change one's notification preferences.
    pub preferences_link: String,
}

/// A notice as each channel carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    /// The e-mail's plain-text part.
    pub text: String,
    /// The e-mail's HTML part (`dir="rtl"` in Arabic).
    pub html: String,
    pub sms: String,
    /// The in-app notice: the subject and the sentence, without the brand.
    pub headline: String,
    pub line: String,
}

/// Riyadh keeps UTC+3 all year.
fn riyadh(t: DateTime<Utc>) -> String {
    match FixedOffset::east_opt(3 * 3600) {
        Some(offset) => t.with_timezone(&offset).format("%Y-%m-%d %H:%M").to_string(),
        None => t.format("%Y-%m-%d %H:%M UTC").to_string(),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The sentence of a notice, and its e-mail subject, from the catalogue
/// (`notice-<kind>-subject`, `notice-<kind>-line`).
fn sentence(kind: NoticeKind, lang: Lang, f: &NoticeFacts) -> (String, String) {
    let until = f.until.map(riyadh).unwrap_or_default();
    let year = f.hijri_year.to_string();
    let entity = if lang == Lang::Ar { &f.entity_ar } else { &f.entity_en };
    // In Arabic text the digits of `1448-000001` are Arabic numbers to the
    // bidi algorithm, which a hyphen does not join: shown as `000001-1448`.
    // Isolated left to right, it reads as written.
    let reference = if lang == Lang::Ar { format!("\u{2066}{}\u{2069}", f.reference) } else { f.reference.clone() };
    let target = f.target.map(|t| text(lang, &format!("sla-target-{}", t.as_str()), &[])).unwrap_or_default();
    let reason = match f.escalation {
        Some(why) => text(lang, &format!("escalation-why-{}", why.as_str()), &[]),
        None => f.reason.clone().unwrap_or_default(),
    };
    let args = [
        ("reference", Arg::Text(&reference)),
        ("subject", Arg::Text(&f.subject)),
        ("entity", Arg::Text(entity)),
        ("year", Arg::Text(&year)),
        ("until", Arg::Text(&until)),
        ("reason", Arg::Text(&reason)),
        ("target", Arg::Text(&target)),
    ];
    let id = format!("notice-{}", kind.as_str());
    (text(lang, &format!("{id}-subject"), &args), text(lang, &format!("{id}-line"), &args))
}

pub fn render(kind: NoticeKind, lang: Lang, f: &NoticeFacts) -> Rendered {
    let (subject, line) = sentence(kind, lang, f);
    let (open, prefs, brand) =
        (text(lang, "mail-open", &[]), text(lang, "mail-preferences", &[]), text(lang, "brand", &[]));
    let text = format!("{line}\n\n{open}: {}\n{prefs}: {}\n", f.link, f.preferences_link);
    let dir = if lang == Lang::Ar { "rtl" } else { "ltr" };
    let html = format!(
        "<!doctype html><html lang=\"{lang}\" dir=\"{dir}\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body style=\"font-family:sans-serif\"><p>{body}</p><p><a href=\"{link}\">{open}</a></p>\
         <p style=\"color:#555;font-size:small\"><a href=\"{prefs_link}\">{prefs}</a></p></body></html>",
        lang = lang.as_str(),
        title = escape(&subject),
        body = escape(&line),
        link = escape(&f.link),
        prefs_link = escape(&f.preferences_link),
    );
    // An SMS is the sentence alone, with the brand first (no links: an SMS
    // with a link is what phishing looks like).
    let sms = format!("{brand}: {line}");
    Rendered { subject: format!("{brand} · {subject}"), text, html, sms, headline: subject, line }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> NoticeFacts {
        NoticeFacts {
            reference: "1448/000123".into(),
            hijri_year: 1448,
            subject: "رخصة <بناء>".into(),
            entity_ar: "أمانة الرياض".into(),
            entity_en: "Riyadh Municipality".into(),
            until: Some(DateTime::parse_from_rfc3339("2026-12-03T09:00:00Z").unwrap().with_timezone(&Utc)),
            reason: Some("انتظار رد جهة أخرى".into()),
            target: None,
            escalation: None,
            link: "https://tawasul.example/transactions/1".into(),
            preferences_link: "https://tawasul.example/me/notification-preferences".into(),
        }
    }

    #[test]
    fn every_notice_speaks_both_languages_with_its_number() {
        for kind in NoticeKind::ALL {
            for lang in [Lang::Ar, Lang::En] {
                for part in ["subject", "line"] {
                    let id = format!("notice-{}-{part}", kind.as_str());
                    assert_ne!(text(lang, &id, &[]), id, "{id} is missing from the {lang:?} catalogue");
                }
                let r = render(kind, lang, &facts());
                assert!(r.subject.contains("1448/000123") && r.sms.contains("1448/000123"), "{kind:?} {lang:?}");
                assert!(r.text.contains("notification-preferences"), "a way to change preferences");
                assert!(!r.sms.contains("http"), "no link in an SMS");
                assert!(!r.html.contains("<بناء>"), "the subject is escaped in HTML");
                let dir = if lang == Lang::Ar { "dir=\"rtl\"" } else { "dir=\"ltr\"" };
                assert!(r.html.contains(dir));
            }
        }
        let ar = render(NoticeKind::Postponed, Lang::Ar, &facts());
        assert!(ar.text.contains("2026-12-03 12:00"), "Riyadh time: {}", ar.text);
        let created = render(NoticeKind::TransactionCreated, Lang::En, &facts());
        assert!(created.text.contains("1448 AH"));
    }
}
