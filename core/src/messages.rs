//! What notifications say, in Arabic and English: one catalogue, chosen by
//! the recipient's language. Every text is built from the transaction's
//! reference, its subject (the beneficiary's own words), the entity's name,
//! and what the beneficiary is shown anyway (a postponement's date and reason,
//! a rejection's reason) — never from a comment, so nothing written inside
//! the entity can reach a message.

use chrono::{DateTime, FixedOffset, Utc};

use crate::Lang;
use crate::notify::NoticeKind;

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

/// The sentence of a notice, and its e-mail subject.
fn sentence(kind: NoticeKind, lang: Lang, f: &NoticeFacts) -> (String, String) {
    let r = &f.reference;
    let s = &f.subject;
    let until = f.until.map(riyadh).unwrap_or_default();
    let reason = f.reason.clone().unwrap_or_default();
    match lang {
        Lang::Ar => {
            let e = &f.entity_ar;
            match kind {
                NoticeKind::TransactionCreated => (
                    format!("تم استلام معاملتك رقم {r}"),
                    format!(
                        "تم استلام معاملتك «{s}» لدى {e} برقم {r} للعام {}هـ. احتفظ بهذا الرقم للمتابعة.",
                        f.hijri_year
                    ),
                ),
                NoticeKind::Assigned => {
                    (format!("أُسندت إليك المعاملة رقم {r}"), format!("أُسندت إليك المعاملة رقم {r}: «{s}»."))
                }
                NoticeKind::QueuedUnassigned => (
                    format!("معاملة رقم {r} بانتظار الإسناد"),
                    format!("المعاملة رقم {r} «{s}» في قائمة انتظار القسم ولا يوجد موظف متاح لإسنادها."),
                ),
                NoticeKind::ExternalReply => (
                    format!("رد جديد على المعاملة رقم {r}"),
                    format!("يوجد رد جديد على المعاملة رقم {r} «{s}». افتح المعاملة للاطلاع عليه."),
                ),
                NoticeKind::AwaitingBeneficiary => (
                    format!("المعاملة رقم {r} بانتظار ردك"),
                    format!("تحتاج {e} إلى ردك لاستكمال المعاملة رقم {r} «{s}»."),
                ),
                NoticeKind::Postponed => (
                    format!("تأجيل المعاملة رقم {r}"),
                    format!("أُجّلت المعاملة رقم {r} حتى {until} بتوقيت الرياض. السبب: {reason}"),
                ),
                NoticeKind::Resumed => {
                    (format!("استئناف المعاملة رقم {r}"), format!("استُؤنف العمل على المعاملة رقم {r} «{s}»."))
                }
                NoticeKind::Completed => {
                    (format!("إنجاز المعاملة رقم {r}"), format!("أنجزت {e} المعاملة رقم {r} «{s}»."))
                }
                NoticeKind::Rejected => {
                    (format!("رفض المعاملة رقم {r}"), format!("رُفضت المعاملة رقم {r} «{s}». السبب: {reason}"))
                }
                NoticeKind::Reopened => {
                    (format!("إعادة فتح المعاملة رقم {r}"), format!("أُعيد فتح المعاملة رقم {r} «{s}»."))
                }
                NoticeKind::PleaseRate => (
                    format!("قيّم خدمة المعاملة رقم {r}"),
                    format!("نرجو تقييم الخدمة التي تلقيتها في المعاملة رقم {r} من {e}؛ رأيك يحسّن الخدمة."),
                ),
            }
        }
        Lang::En => {
            let e = &f.entity_en;
            match kind {
                NoticeKind::TransactionCreated => (
                    format!("Your transaction {r} has been received"),
                    format!(
                        "{e} has received your transaction “{s}” under number {r} ({} AH). Keep this number to follow it up.",
                        f.hijri_year
                    ),
                ),
                NoticeKind::Assigned => (
                    format!("Transaction {r} is assigned to you"),
                    format!("Transaction {r}, “{s}”, is assigned to you."),
                ),
                NoticeKind::QueuedUnassigned => (
                    format!("Transaction {r} is waiting to be assigned"),
                    format!(
                        "Transaction {r}, “{s}”, is in the department's queue with no employee available to take it."
                    ),
                ),
                NoticeKind::ExternalReply => (
                    format!("New reply on transaction {r}"),
                    format!("There is a new reply on transaction {r}, “{s}”. Open the transaction to read it."),
                ),
                NoticeKind::AwaitingBeneficiary => (
                    format!("Transaction {r} is waiting for you"),
                    format!("{e} needs your reply to complete transaction {r}, “{s}”."),
                ),
                NoticeKind::Postponed => (
                    format!("Transaction {r} postponed"),
                    format!("Transaction {r} is postponed until {until} (Riyadh time). Reason: {reason}"),
                ),
                NoticeKind::Resumed => {
                    (format!("Transaction {r} resumed"), format!("Work on transaction {r}, “{s}”, has resumed."))
                }
                NoticeKind::Completed => {
                    (format!("Transaction {r} completed"), format!("{e} has completed transaction {r}, “{s}”."))
                }
                NoticeKind::Rejected => (
                    format!("Transaction {r} rejected"),
                    format!("Transaction {r}, “{s}”, was rejected. Reason: {reason}"),
                ),
                NoticeKind::Reopened => {
                    (format!("Transaction {r} reopened"), format!("Transaction {r}, “{s}”, has been reopened."))
                }
                NoticeKind::PleaseRate => (
                    format!("Rate the service on transaction {r}"),
                    format!(
                        "Please rate the service you received from {e} on transaction {r}; your opinion improves it."
                    ),
                ),
            }
        }
    }
}

pub fn render(kind: NoticeKind, lang: Lang, f: &NoticeFacts) -> Rendered {
    let (subject, line) = sentence(kind, lang, f);
    let (open, prefs, brand) = match lang {
        Lang::Ar => ("فتح المعاملة", "تفضيلات الإشعارات", "تواصل"),
        Lang::En => ("Open the transaction", "Notification preferences", "Tawasul"),
    };
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
            link: "https://tawasul.example/transactions/1".into(),
            preferences_link: "https://tawasul.example/me/notification-preferences".into(),
        }
    }

    #[test]
    fn every_notice_speaks_both_languages_with_its_number() {
        for kind in NoticeKind::ALL {
            for lang in [Lang::Ar, Lang::En] {
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
