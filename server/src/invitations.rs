//! What a meeting sends its invitees: the invitation (an e-mail with an
//! iCalendar event, METHOD:REQUEST, and an SMS), the reminder before it
//! starts, and the `invite.ics` of the API. Each in the invitee's language;
//! times on Riyadh's clock, Gregorian and Hijri.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike, Property};
use tawasul_core::Lang;
use tawasul_core::catalogue::{Arg, text};
use tawasul_core::dates::shown;
use tawasul_core::ids::MeetingId;
use tawasul_core::meetings::Rsvp;
use tawasul_storage::meetings::{Invitation, Stored};
use tawasul_storage::outbox::Message;

/// A meeting as its messages tell of it.
pub struct Told<'a> {
    pub meeting: &'a Stored,
    /// The organiser's names (Arabic, English) and e-mail address.
    pub organiser: (&'a str, &'a str, Option<&'a str>),
    pub invitations: &'a [Invitation],
    /// Where the application is opened.
    pub public_url: &'a str,
}

/// What a calendar program is asked to do with the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// The invitation, or its change.
    Request,
    /// The cancellation.
    Cancel,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// The event's UID: the same across every message of the meeting, so that a
/// calendar program updates the one event.
pub fn uid(id: MeetingId) -> String {
    format!("meeting-{id}@tawasul")
}

/// The iCalendar object of the meeting: one VEVENT with its times in
/// Asia/Riyadh, the organiser and every invitee with an e-mail address.
pub fn ics(t: &Told<'_>, method: Method, now: DateTime<Utc>) -> String {
    let m = &t.meeting;
    let riyadh = |at: DateTime<Utc>| CalendarDateTime::from_date_time(at.with_timezone(&chrono_tz::Asia::Riyadh));
    let mut event = Event::new();
    event
        .uid(&uid(m.id))
        .timestamp(now)
        .summary(&m.title)
        .description(
            &m.agenda.iter().enumerate().map(|(i, a)| format!("{}. {a}", i + 1)).collect::<Vec<_>>().join("\n"),
        )
        .starts(riyadh(m.facts.starts_at))
        .ends(riyadh(m.facts.ends_at()))
        .append_property(Property::new("SEQUENCE", m.sequence.to_string()));
    if method == Method::Cancel {
        event.append_property(Property::new("STATUS", "CANCELLED"));
    }
    if let Some(l) = &m.location {
        event.location(l);
    }
    let (ar, en, email) = t.organiser;
    if let Some(email) = email {
        event.append_property(
            Property::new("ORGANIZER", format!("mailto:{email}")).add_parameter("CN", &format!("{ar} / {en}")).done(),
        );
    }
    for i in t.invitations {
        if let Some(email) = &i.email {
            let status = match i.rsvp {
                Some(Rsvp::Accepted) => "ACCEPTED",
                Some(Rsvp::Declined) => "DECLINED",
                Some(Rsvp::Tentative) => "TENTATIVE",
                None => "NEEDS-ACTION",
            };
            event.append_property(
                Property::new("ATTENDEE", format!("mailto:{email}"))
                    .add_parameter("CN", name(i, i.lang))
                    .add_parameter("ROLE", "REQ-PARTICIPANT")
                    .add_parameter("PARTSTAT", status)
                    .add_parameter("RSVP", "TRUE")
                    .done(),
            );
        }
    }
    let mut cal = Calendar::new();
    cal.append_property(Property::new("METHOD", method.as_str()));
    cal.append_property(Property::new("PRODID", "-//Tawasul//Meetings//AR"));
    cal.push(event.done());
    cal.done().to_string()
}

fn name(i: &Invitation, lang: Lang) -> &str {
    match lang {
        Lang::Ar => &i.name_ar,
        Lang::En => &i.name_en,
    }
}

/// Where an invitee answers and checks in: a guest's signed link, or the
/// meeting in the application for an employee.
pub fn link(public_url: &str, meeting: MeetingId, guest_token: Option<&str>) -> String {
    match guest_token {
        Some(token) => format!("{public_url}/guest/meetings/{token}"),
        None => format!("{public_url}/meetings/{meeting}"),
    }
}

/// The facts every message of the meeting shows, in `lang`.
fn args<'a>(t: &'a Told<'_>, lang: Lang, shown_at: &'a (String, String, String)) -> Vec<(&'static str, String)> {
    let m = &t.meeting;
    let mode = text(lang, &format!("meeting-mode-{}", m.mode.as_str()), &[]);
    let place = match &m.location {
        Some(l) => format!("{mode} — {l}"),
        None => mode,
    };
    let organiser = match lang {
        Lang::Ar => t.organiser.0,
        Lang::En => t.organiser.1,
    };
    vec![
        ("title", m.title.clone()),
        ("gregorian", shown_at.0.clone()),
        ("hijri", shown_at.1.clone()),
        ("time", shown_at.2.clone()),
        ("duration", m.facts.duration_minutes.to_string()),
        ("place", place),
        ("agenda", m.agenda.iter().enumerate().map(|(i, a)| format!("{}. {a}", i + 1)).collect::<Vec<_>>().join("\n")),
        ("organiser", organiser.to_owned()),
    ]
}

/// The messages of one kind (`meeting-invitation`, `meeting-changed`,
/// `meeting-cancelled`, `meeting-reminder`) to
/// one invitee: an e-mail (with the event, for an invitation) and an SMS.
pub fn messages(
    t: &Told<'_>,
    kind: &str,
    i: &Invitation,
    guest_token: Option<&str>,
    ics: Option<&str>,
) -> Vec<Message> {
    let lang = i.lang;
    let at = shown(lang, t.meeting.facts.starts_at);
    let local = t.meeting.facts.starts_at.with_timezone(&chrono_tz::Asia::Riyadh).format("%H:%M").to_string();
    let shown_at = (at.gregorian, at.hijri, local);
    // A guest's link is kept only as its hash: after the invitation, a guest
    // is pointed back to the link it carried.
    let link = match (guest_token, i.user_id) {
        (None, None) => text(lang, "meeting-guest-own-link", &[]),
        _ => link(t.public_url, t.meeting.id, guest_token),
    };
    let mut facts = args(t, lang, &shown_at);
    facts.push(("name", name(i, lang).to_owned()));
    facts.push(("link", link));
    let fluent: Vec<(&str, Arg<'_>)> = facts.iter().map(|(k, v)| (*k, Arg::Text(v))).collect();
    let mut out = Vec::with_capacity(2);
    if let Some(to) = &i.email {
        out.push(Message::Email {
            to: to.clone(),
            subject: text(lang, &format!("{kind}-subject"), &fluent),
            body: text(lang, &format!("{kind}-text"), &fluent),
            html: None,
            calendar: ics.map(str::to_owned),
        });
    }
    // An employee is told by e-mail, by SMS only without one; a guest by
    // every address they gave.
    if let Some(to) = i.mobile.as_ref().filter(|_| i.user_id.is_none() || i.email.is_none()) {
        out.push(Message::Sms { to: to.clone(), text: text(lang, &format!("{kind}-sms"), &fluent) });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::str::FromStr;
    use tawasul_core::ids::{EntityId, InviteeId, UserId};
    use tawasul_core::meetings::{MeetingFacts, Mode};

    fn told_of<'a>(m: &'a Stored, invitations: &'a [Invitation]) -> Told<'a> {
        Told {
            meeting: m,
            organiser: ("منى", "Mona", Some("mona@entity.sa")),
            invitations,
            public_url: "https://tawasul.example",
        }
    }

    fn meeting() -> Stored {
        Stored {
            id: MeetingId::new(),
            facts: MeetingFacts {
                entity_id: EntityId::new(),
                organiser_id: UserId::new(),
                starts_at: Utc.with_ymd_and_hms(2026, 12, 6, 7, 0, 0).unwrap(),
                duration_minutes: 90,
                cancelled: false,
                sealed: false,
            },
            title: "لجنة المشتريات".into(),
            agenda: vec!["العروض".into()],
            mode: Mode::Hybrid,
            location: Some("قاعة ١".into()),
            sequence: 0,
        }
    }

    fn guest(lang: Lang) -> Invitation {
        Invitation {
            invitee: InviteeId::new(),
            user_id: None,
            name_ar: "سارة".into(),
            name_en: "Sara".into(),
            email: Some("sara@guest.sa".into()),
            mobile: Some("+966551234567".into()),
            lang,
            rsvp: None,
            guest_token_sha256: None,
        }
    }

    #[test]
    fn the_event_parses_back_with_riyadh_times_and_its_people() {
        let m = meeting();
        let people = [guest(Lang::En)];
        let ics = ics(&told_of(&m, &people), Method::Request, m.facts.starts_at);
        assert!(ics.contains("METHOD:REQUEST") && ics.contains("SEQUENCE:0"), "{ics}");
        let cancel = super::ics(&told_of(&m, &people), Method::Cancel, m.facts.starts_at);
        assert!(cancel.contains("METHOD:CANCEL") && cancel.contains("STATUS:CANCELLED"), "{cancel}");
        assert!(ics.contains("DTSTART;TZID=Asia/Riyadh:20261206T100000"), "{ics}");
        assert!(ics.contains("DTEND;TZID=Asia/Riyadh:20261206T113000"), "{ics}");
        let parsed = Calendar::from_str(&ics).unwrap();
        let event = parsed.components.iter().find_map(|c| c.as_event()).unwrap();
        assert_eq!(event.get_summary(), Some("لجنة المشتريات"));
        assert_eq!(event.get_uid(), Some(uid(m.id).as_str()));
        let attendees = event.multi_properties().get("ATTENDEE").unwrap();
        assert_eq!(attendees[0].value(), "mailto:sara@guest.sa");
    }

    #[test]
    fn each_invitee_is_told_in_their_language_by_every_address_they_have() {
        let m = meeting();
        let people = [guest(Lang::En)];
        let told = told_of(&m, &people);
        let sent = messages(&told, "meeting-invitation", &people[0], Some("tok"), Some("BEGIN:VCALENDAR"));
        assert_eq!(sent.len(), 2);
        let Message::Email { subject, body, calendar, .. } = &sent[0] else { panic!("an e-mail first") };
        assert_eq!(subject, "Invitation: لجنة المشتريات");
        assert!(body.contains("https://tawasul.example/guest/meetings/tok"), "{body}");
        assert!(body.contains("10:00") && body.contains("6 December 2026"), "{body}");
        assert!(calendar.is_some());
        let Message::Sms { text, .. } = &sent[1] else { panic!("an SMS second") };
        assert!(text.contains("https://tawasul.example/guest/meetings/tok"), "{text}");
        let arabic = guest(Lang::Ar);
        let sent = messages(&told, "meeting-reminder", &arabic, None, None);
        let Message::Email { subject, body, calendar, .. } = &sent[0] else { panic!() };
        assert!(subject.starts_with("تذكير") && calendar.is_none(), "{subject}");
        assert!(
            body.contains("الرابط الوارد في دعوتك") && !body.contains("/meetings/"),
            "no address a guest cannot open: {body}"
        );
    }
}
