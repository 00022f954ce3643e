//! An employee's calendar end to end: meetings, the due dates of the
//! transactions they hold and their reminders, in time order; the private
//! feed calendar applications read; a reminder told once when due.

use chrono::{Duration, Utc};
use tawasul_core::api::*;

use crate::helpers::*;
use crate::meetings::meeting_request;
use crate::on_both_backends;
use crate::transactions::{request, setup};

on_both_backends!(the_calendar_holds_meetings_due_dates_and_reminders);

async fn the_calendar_holds_meetings_due_dates_and_reminders(app: TestApp) {
    let s = setup(&app, 1, "round_robin", 74).await;
    let (employee_id, employee) = &s.employees[0];
    let (ben, _) = app.beneficiary(7401).await;
    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    assert_eq!(t.assignee.as_ref().map(|a| a.id), Some(*employee_id));
    let members = [(*employee_id, employee.clone())];
    let soon = s
        .supervisor
        .create_meeting(&meeting_request(s.entity.id, &members, Utc::now() + Duration::hours(2)))
        .await
        .unwrap();
    let declined = s
        .supervisor
        .create_meeting(&meeting_request(s.entity.id, &members, Utc::now() + Duration::hours(3)))
        .await
        .unwrap();
    employee.rsvp(declined.id, "declined").await.unwrap();
    let at = Utc::now() + Duration::hours(1);
    let reminder = employee
        .add_reminder(&CreateReminderRequest {
            at: at.to_rfc3339(),
            text: "مراجعة مستندات المعاملة".into(),
            transaction_id: Some(t.id.to_string()),
        })
        .await
        .unwrap();
    assert_eq!(reminder.transaction_id, Some(t.id));

    let from = (Utc::now() - Duration::days(1)).to_rfc3339();
    // Forty-eight working hours of a government week fall beyond a week.
    let to = (Utc::now() + Duration::days(30)).to_rfc3339();
    let cal = employee.my_calendar(Some(&from), Some(&to)).await.unwrap();
    let kinds: Vec<CalendarItemKind> = cal.items.iter().map(|i| i.kind).collect();
    assert_eq!(
        kinds,
        [CalendarItemKind::Reminder, CalendarItemKind::Meeting, CalendarItemKind::Due],
        "in time order: {cal:?}"
    );
    assert_eq!(cal.items[1].meeting_id, Some(soon.id), "the declined meeting is left out");
    assert_eq!(cal.items[2].transaction_id, Some(t.id));
    assert_eq!(cal.items[2].reference.as_deref(), Some(t.reference.as_str()));
    // The organiser's calendar holds both meetings they organise.
    assert_eq!(s.supervisor.my_calendar(Some(&from), Some(&to)).await.unwrap().items.len(), 2);
    // A span outside holds nothing; a bad span is named.
    let later = (Utc::now() + Duration::days(60)).to_rfc3339();
    let much_later = (Utc::now() + Duration::days(61)).to_rfc3339();
    assert!(employee.my_calendar(Some(&later), Some(&much_later)).await.unwrap().items.is_empty());
    let e = employee.my_calendar(Some(&to), Some(&from)).await.unwrap_err();
    assert_eq!(e.details().unwrap()["fields"][0]["field"], "to");

    // Staff only; a reminder names only a transaction the person may see.
    assert_eq!(ben.my_calendar(None, None).await.unwrap_err().status(), Some(403));
    let other = setup(&app, 1, "round_robin", 75).await;
    let theirs = ben.create_transaction(&request(other.entity.id, other.type_id, 2)).await.unwrap();
    let e = employee
        .add_reminder(&CreateReminderRequest {
            at: at.to_rfc3339(),
            text: "x".into(),
            transaction_id: Some(theirs.id.to_string()),
        })
        .await
        .unwrap_err();
    assert_eq!((e.status(), e.details().unwrap()["fields"][0]["field"].as_str()), (Some(422), Some("transaction_id")));

    // The private feed: the same address each time, an iCalendar any program reads.
    let feed = employee.calendar_feed().await.unwrap();
    assert_eq!(employee.calendar_feed().await.unwrap(), feed);
    let path = feed.url.split_once("/api/").map(|(_, p)| format!("/api/{p}")).unwrap();
    let res = app.client.request(reqwest::Method::GET, &path).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    let ics = res.text().await.unwrap();
    let parsed: icalendar::Calendar = ics.parse().expect("the feed parses");
    let events: Vec<&icalendar::Event> = parsed.components.iter().filter_map(|c| c.as_event()).collect();
    assert_eq!(events.len(), 3, "{ics}");
    use icalendar::Component;
    assert!(events.iter().any(|e| e.get_uid() == Some(format!("meeting-{}@tawasul", soon.id).as_str())), "{ics}");
    assert!(ics.contains(&t.reference), "the due date names its transaction: {ics}");
    // A reset: a new address, and the old opens nothing.
    let fresh = employee.reset_calendar_feed().await.unwrap();
    assert_ne!(fresh, feed);
    let res = app.client.request(reqwest::Method::GET, &path).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let res = app.client.request(reqwest::Method::GET, "/api/v1/calendar-feeds/nothing.ics").send().await.unwrap();
    assert_eq!(res.status(), 404);
}

mod a_reminder_is_told_once_when_its_time_comes {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::a_reminder_is_told_once_when_its_time_comes("sqlite").await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::a_reminder_is_told_once_when_its_time_comes("postgres").await
    }
}

async fn a_reminder_is_told_once_when_its_time_comes(backend: &str) {
    let smtp = tawasul_tests::smtp::SmtpServer::start().unwrap();
    let url = smtp.url();
    let app = spawn_app_with(backend, |s| s.smtp_url = Some(url.clone().into())).await;
    let s = setup(&app, 1, "round_robin", 76).await;
    let (_, employee) = &s.employees[0];
    let r = CreateReminderRequest {
        at: (Utc::now() + Duration::seconds(2)).to_rfc3339(),
        text: "الاتصال بالمستفيد".into(),
        transaction_id: None,
    };
    employee.add_reminder(&r).await.unwrap();
    let told = |smtp: &tawasul_tests::smtp::SmtpServer| {
        smtp.messages()
            .iter()
            .filter_map(|m| decode_mail(m))
            .filter(|m| m.contains("Subject: تذكير: الاتصال بالمستفيد"))
            .count()
    };
    for _ in 0..100 {
        if told(&smtp) > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(told(&smtp), 1, "told when due");
    let (_node, _dir) = app.second_node(|s| s.smtp_url = Some(url.into())).await;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(told(&smtp), 1, "once, whatever the nodes");
}
