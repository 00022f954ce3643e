//! Archive search end to end: what each caller finds through `GET /search`,
//! how soon a write is found, snippets, paging, bad parameters, and a rebuild
//! beside the running server that gives the same answers.

use std::time::{Duration, Instant};

use serde_json::json;
use tawasul_client::Client;
use tawasul_core::api::{AllMarker, CreateRegulatorRequest, EntityIds, Kind, SearchPage};
use tawasul_core::ids::TransactionId;

use crate::helpers::*;
use crate::on_both_backends;
use crate::transactions::{Setup, request, setup};

on_both_backends!(
    every_caller_finds_only_what_they_could_open,
    a_write_is_found_within_a_second,
    a_step_that_changes_a_transaction_reaches_its_earlier_documents,
    snippets_paging_and_bad_parameters,
    a_rebuild_beside_the_running_server_gives_the_same_answers,
    documents_and_voice_notes_are_found,
    arabic_queries_find_the_other_forms_of_their_words,
);

async fn find(c: &Client, params: &[(&str, &str)]) -> SearchPage {
    c.search(params).await.unwrap_or_else(|e| panic!("search {params:?}: {e:?}"))
}

/// Waits until `c` finds `q` (the indexer runs beside the writes).
async fn indexed(c: &Client, q: &str) -> Duration {
    indexed_n(c, q, 1).await
}

/// Waits until `c` finds `q` at least `n` times.
pub async fn indexed_n(c: &Client, q: &str, n: u64) -> Duration {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        if find(c, &[("q", q)]).await.total >= n {
            return started.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{q} was not found within 10 s");
}

async fn regulator(app: &TestApp, n: u32, remit: EntityIds) -> Client {
    let email = format!("regulator{n}@oversight.sa");
    app.platform
        .create_regulator(&CreateRegulatorRequest {
            name_ar: "هيئة الرقابة".into(),
            name_en: "Oversight".into(),
            email: email.clone(),
            mobile: format!("0591{n:06}"),
            national_id: valid_id(1, 71_000_000 + n),
            entity_ids: remit,
            initial_password: Some(PASSWORD.into()),
        })
        .await
        .unwrap();
    app.client.with_token(app.client.login(&email, PASSWORD).await.unwrap().access_token)
}

/// Entity A with a transaction of the beneficiary, an external and an internal
/// comment; entity B with a transaction of another beneficiary.
struct World {
    a: Setup,
    b: Setup,
    ben: Client,
    other_ben: Client,
    mine: TransactionId,
}

async fn world(app: &TestApp, base: u32) -> World {
    let a = setup(app, 1, "round_robin", base).await;
    let b = setup(app, 1, "round_robin", base + 1).await;
    let (ben, _) = app.beneficiary(base * 100).await;
    let (other_ben, _) = app.beneficiary(base * 100 + 1).await;
    let mine = ben.create_transaction(&request(a.entity.id, a.type_id, 1)).await.unwrap().id;
    let emp = &a.employees[0].1;
    emp.comment(mine, "external", "تم استلام المستندات المطلوبة لتجديد الرخصة").await.unwrap();
    emp.comment(mine, "internal", "ملاحظة داخلية: المستندات ناقصة والملف سرّي للغاية").await.unwrap();
    let theirs = other_ben.create_transaction(&request(b.entity.id, b.type_id, 2)).await.unwrap().id;
    b.employees[0].1.comment(theirs, "internal", "المستندات وصلت ناقصة أيضاً، والملف سري").await.unwrap();
    indexed_n(&app.platform, "ناقصه", 2).await;
    World { a, b, ben, other_ben, mine }
}

fn kinds(p: &SearchPage) -> Vec<Kind> {
    let mut k: Vec<Kind> = p.items.iter().map(|i| i.kind).collect();
    k.sort_by_key(|k| k.as_str());
    k
}

async fn every_caller_finds_only_what_they_could_open(app: TestApp) {
    let w = world(&app, 81).await;
    // The beneficiary: their external comment, never the internal one, by any word of it.
    let p = find(&w.ben, &[("q", "المستندات")]).await;
    assert_eq!((p.total, kinds(&p)), (1, vec![Kind::Comment]));
    assert_eq!(p.items[0].transaction_id, Some(w.mine));
    for q in ["سري", "ناقصة", "ملاحظة داخلية", "للغاية"] {
        assert_eq!(find(&w.ben, &[("q", q)]).await.total, 0, "{q}");
        assert_eq!(find(&w.ben, &[("q", q), ("kind", "comment")]).await.total, 0, "{q}");
    }
    // Their transaction itself is found by its subject.
    assert_eq!(kinds(&find(&w.ben, &[("q", "طلب موعد")]).await), vec![Kind::Transaction]);
    // Another beneficiary finds none of it.
    assert_eq!(find(&w.other_ben, &[("q", "تجديد")]).await.total, 0);
    // The assignee finds both comments; B's employee finds only B's.
    assert_eq!(find(&w.a.employees[0].1, &[("q", "المستندات")]).await.total, 2);
    let b_emp = find(&w.b.employees[0].1, &[("q", "سري")]).await;
    assert_eq!(b_emp.total, 1);
    assert_eq!(b_emp.items[0].entity_id, w.b.entity.id);
    // B's admin, asking for A by name, still finds nothing of A.
    let a_id = w.a.entity.id.to_string();
    assert_eq!(find(&w.b.entity.admin, &[("q", "المستندات"), ("entity_id", &a_id)]).await.total, 0);
    // A regulator of A finds A's internal text only; one over everything finds
    // both entities', and the entity filter narrows.
    let of_a = regulator(&app, 1, EntityIds::List(vec![w.a.entity.id])).await;
    let p = find(&of_a, &[("q", "سري")]).await;
    assert_eq!(p.total, 1);
    assert_eq!(p.items[0].entity_id, w.a.entity.id);
    let all = regulator(&app, 2, EntityIds::All(AllMarker::All)).await;
    assert_eq!(find(&all, &[("q", "سري")]).await.total, 2);
    let b_id = w.b.entity.id.to_string();
    let narrowed = find(&all, &[("q", "سري"), ("entity_id", &b_id)]).await;
    assert_eq!((narrowed.total, narrowed.items[0].entity_id), (1, w.b.entity.id));
    // Filters by kind and status.
    assert_eq!(find(&all, &[("q", "موعد"), ("kind", "transaction")]).await.total, 2);
    assert_eq!(find(&all, &[("q", "موعد"), ("status", "completed")]).await.total, 0);
    // Nothing of the internal comments travels in what the beneficiary gets back.
    let serialized = serde_json::to_string(&find(&w.ben, &[("q", "الملف")]).await).unwrap();
    assert!(!serialized.contains("سرّي") && !serialized.contains("ناقصة"), "{serialized}");
}

async fn a_write_is_found_within_a_second(app: TestApp) {
    let s = setup(&app, 1, "round_robin", 83).await;
    let (ben, _) = app.beneficiary(8300).await;
    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap().id;
    let mut waits = Vec::new();
    for i in 0..5 {
        let word = format!("كلمةفريدة{i}");
        s.employees[0].1.comment(t, "external", &format!("تحديث {word}")).await.unwrap();
        waits.push(indexed(&ben, &word).await);
    }
    waits.sort();
    println!("write → found: {waits:?}");
    assert!(waits[2] <= Duration::from_secs(1), "median {:?}", waits[2]);
}

/// A comment that changes nothing else is indexed alone; a later step that
/// changes the transaction (status, assignee) reaches the documents written
/// before it, since every document carries the transaction's facts.
async fn a_step_that_changes_a_transaction_reaches_its_earlier_documents(app: TestApp) {
    let s = setup(&app, 2, "round_robin", 84).await;
    let (ben, _) = app.beneficiary(8400).await;
    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    let first = s.employees.iter().find(|(id, _)| Some(*id) == t.assignee.as_ref().map(|a| a.id)).unwrap();
    let other = s.employees.iter().find(|(id, _)| *id != first.0).unwrap();
    // The first reply starts the work (a status change); the next ones only add words.
    first.1.comment(t.id, "external", "بدأنا العمل على طلبكم").await.unwrap();
    first.1.comment(t.id, "internal", "ملاحظةمتابعة داخلية").await.unwrap();
    ben.comment(t.id, "external", "ردالمستفيد بالمستند").await.unwrap();
    indexed(&ben, "ردالمستفيد").await;
    indexed(&first.1, "ملاحظةمتابعة").await;
    let status = |q: &'static str, st: &'static str| [("q", q), ("status", st)];
    assert_eq!(find(&ben, &status("ردالمستفيد", "in_progress")).await.total, 1);
    assert_eq!(find(&other.1, &[("q", "ملاحظةمتابعة")]).await.total, 0, "not theirs yet");
    // Given to a colleague, then completed: both the earlier comments follow.
    s.supervisor.step(t.id, "assign", &json!({ "employee_id": other.0 })).await.unwrap();
    other.1.step(t.id, "complete", &json!({})).await.unwrap();
    let started = Instant::now();
    while find(&ben, &status("ردالمستفيد", "completed")).await.total == 0 {
        assert!(started.elapsed() < Duration::from_secs(10), "the completion did not reach the earlier comment");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(find(&ben, &status("ردالمستفيد", "in_progress")).await.total, 0);
    // The note written before the assignment is the new assignee's to find, and no longer the first's.
    assert_eq!(find(&other.1, &status("ملاحظةمتابعة", "completed")).await.total, 1);
    assert_eq!(find(&first.1, &[("q", "ملاحظةمتابعة")]).await.total, 0);
}

async fn snippets_paging_and_bad_parameters(app: TestApp) {
    let s = setup(&app, 1, "round_robin", 85).await;
    let (ben, _) = app.beneficiary(8500).await;
    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap().id;
    let hostile = r#"<script>alert("x")</script> الفاتورة & <img src=x onerror=alert(1)>"#;
    ben.comment(t, "external", hostile).await.unwrap();
    for i in 0..24 {
        ben.comment(t, "external", &format!("متابعة رقم {i}")).await.unwrap();
    }
    indexed_n(&ben, "متابعة", 24).await;
    indexed(&ben, "الفاتورة").await;
    let p = find(&ben, &[("q", "بالفاتورة")]).await;
    let snippet = &p.items[0].snippet;
    assert!(snippet.contains("<mark>الفاتورة</mark>"), "{snippet}");
    let bare = snippet.replace("<mark>", "").replace("</mark>", "");
    assert!(!bare.contains('<') && !bare.contains('>') && bare.contains("&lt;script&gt;"), "{snippet}");
    // Pages of 10: 24 hits, each once.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut params = vec![("q", "متابعة"), ("limit", "10")];
        if let Some(c) = &cursor {
            params.push(("cursor", c));
        }
        let p = find(&ben, &params).await;
        assert_eq!(p.total, 24);
        seen.extend(p.items.iter().map(|i| i.snippet.clone()));
        match p.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    let unique: std::collections::BTreeSet<&String> = seen.iter().collect();
    assert_eq!((seen.len(), unique.len()), (24, 24));
    // Bad parameters: a localized error with a stable code per field.
    for (params, field, code) in [
        (vec![], "q", "search.query_empty"),
        (vec![("q", "  ...؟ ")], "q", "search.query_empty"),
        (vec![("q", "رخصة"), ("kind", "memo")], "kind", "request.invalid_choice"),
        (vec![("q", "رخصة"), ("entity_id", "x")], "entity_id", "request.invalid_field"),
        (vec![("q", "رخصة"), ("cursor", "abc")], "cursor", "request.invalid_field"),
        (vec![("q", "رخصة"), ("from", "أمس")], "from", "request.invalid_field"),
    ] {
        let res = ben.request(reqwest::Method::GET, "/api/v1/search").query(&params).send().await.unwrap();
        assert_eq!(res.status(), 422, "{params:?}");
        assert_eq!(res.headers()["content-language"], "ar");
        let body: serde_json::Value = res.json().await.unwrap();
        let first = &body["error"]["details"]["fields"][0];
        assert_eq!((&first["field"], &first["code"]), (&json!(field), &json!(code)), "{body}");
        assert!(
            first["message"].as_str().is_some_and(|m| m.chars().any(tawasul_search::arabic::is_arabic_letter)),
            "{body}"
        );
    }
    let anonymous = app.client.request(reqwest::Method::GET, "/api/v1/search").query(&[("q", "رخصة")]).send();
    assert_eq!(anonymous.await.unwrap().status(), 401);
}

/// A page with its hits in a fixed order (hits of equal score may come in
/// another order from another generation).
fn normalized(mut p: SearchPage) -> SearchPage {
    p.items.sort_by(|a, b| {
        (a.transaction_id, a.kind.as_str(), &a.snippet).cmp(&(b.transaction_id, b.kind.as_str(), &b.snippet))
    });
    p
}

async fn a_rebuild_beside_the_running_server_gives_the_same_answers(app: TestApp) {
    let w = world(&app, 87).await;
    let callers = [&w.ben, &w.other_ben, &w.a.employees[0].1, &w.b.entity.admin, &app.platform];
    let queries = ["المستندات", "سري", "موعد", "تجديد الرخصة"];
    let mut before = Vec::new();
    for c in callers {
        for q in queries {
            before.push(normalized(find(c, &[("q", q)]).await));
        }
    }
    let index_dir = app.data_dir.join("index");
    let old = std::fs::read_to_string(index_dir.join("CURRENT")).unwrap();
    let db = tawasul_storage::Db::connect(&app.database_url).await.unwrap();
    let rebuilt = tawasul_server::archive::rebuild::rebuild(&db, &index_dir, |_, _| {}).await.unwrap();
    db.close().await;
    assert_eq!(rebuilt.transactions, 2);
    assert_eq!(rebuilt.documents, 2 + 3);
    assert_ne!(rebuilt.generation, old.trim());
    // The server switches to the new generation and removes the old one.
    let started = Instant::now();
    while index_dir.join(old.trim()).exists() {
        assert!(started.elapsed() < Duration::from_secs(10), "the server did not switch");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut after = Vec::new();
    for c in callers {
        for q in queries {
            after.push(normalized(find(c, &[("q", q)]).await));
        }
    }
    assert_eq!(before, after);
    // And it goes on indexing into the new generation.
    w.ben.comment(w.mine, "external", "شكراً على المتابعة السريعة").await.unwrap();
    indexed(&w.ben, "السريعة").await;
}

async fn documents_and_voice_notes_are_found(app: TestApp) {
    use tawasul_tests::documents::{docx, pdf};
    let s = setup(&app, 1, "round_robin", 89).await;
    let (ben, _) = app.beneficiary(8900).await;
    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap().id;
    let emp = &s.employees[0].1;
    // The beneficiary's PDF (external) and the employee's internal DOCX.
    let invoice = pdf(&["فاتورة الكهرباء لشهر ربيع الأول", "Meter 7781 reading disputed"]).unwrap();
    ben.upload_attachment(t, "external", "فاتورة.pdf", "application/pdf", invoice).await.unwrap();
    let memo = docx(&["مذكرة داخلية", "يوصى بإسقاط الغرامة بعد مراجعة العداد"]).unwrap();
    let docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    emp.upload_attachment(t, "internal", "مذكرة.docx", docx_type, memo).await.unwrap();
    // Words only inside the documents, found once the extractor has read them.
    indexed(emp, "الغرامة").await;
    indexed(&ben, "disputed").await;
    let p = find(&ben, &[("q", "والفاتورة للكهرباء"), ("kind", "document")]).await;
    assert_eq!((p.total, p.items[0].kind), (1, Kind::Document));
    assert!(p.items[0].snippet.contains("<mark>الكهرباء</mark>"), "{}", p.items[0].snippet);
    // The internal memo: the employee finds it, the beneficiary never.
    assert_eq!(find(emp, &[("q", "الغرامة العداد")]).await.total, 1);
    assert_eq!(find(&ben, &[("q", "الغرامة العداد")]).await.total, 0);
    assert_eq!(find(&ben, &[("q", "مذكرة")]).await.total, 0);
    // File names are searched too.
    assert_eq!(find(emp, &[("q", "مذكرة"), ("kind", "document")]).await.total, 1);
    // A voice note is found as one.
    let speech = tawasul_tests::speech::record().unwrap();
    emp.record_voice(t, "external", "audio/wav", std::fs::read(&speech.wav).unwrap()).await.unwrap();
    indexed(&ben, "voice").await;
    let p = find(&ben, &[("q", "رسالة صوتية"), ("kind", "voice")]).await;
    assert_eq!((p.total, p.items[0].kind), (1, Kind::Voice));
}

/// Arabic as people write it, through `GET /search`: each phenomenon of the
/// labelled set (`search/tests/relevance/forms-queries.tsv`) written in one
/// form and asked for in another, and found — the comment itself, named by
/// its snippet, not only something.
async fn arabic_queries_find_the_other_forms_of_their_words(app: TestApp) {
    let s = setup(&app, 1, "round_robin", 88).await;
    let (ben, _) = app.beneficiary(8800).await;
    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap().id;
    // (what is written, what is asked for, the phenomenon)
    let cases = [
        ("تم تجديد تراخيص البناء للعمارة", "ترخيص البناء", "a broken plural, asked in the singular"),
        ("فواتير الكهرباء مرتفعة هذا الصيف", "فاتورتي", "a broken plural; a pronoun on a taa marbuta"),
        ("سُجلت مخالفتان على المركبة", "المخالفات", "a feminine dual; a sound plural"),
        ("جوازاتهم جاهزة للاستلام", "الجواز", "a pronoun on a sound plural"),
        ("المدارس القريبة ممتلئة", "وبالمدرسة", "stacked prefixes"),
        ("تجديد إقامتي متأخر منذ شهر", "الاقامه", "hamza, taa marbuta as haa"),
        ("صرفنا تعويضاً للمتضرر", "التعويض", "tanween"),
        ("راجعت المستشفى صباح الأحد", "مستشفي", "alef maqsura as yaa"),
        ("وصلت شكواكم وسنرد عليها", "شكوى", "an alef maqsura opened by a pronoun"),
        ("الـمُـعَامَلَة قيد المراجعة", "المعاملة", "tatweel and diacritics"),
        ("رقم الملف ١٤٤٨٢٣ لدى الأرشيف", "144823", "Arabic-Indic digits"),
        ("المسئول عن الملف في إجازة", "المسؤول", "hamza seats"),
        ("وثيقة الملكية مرفقة", "الوثيقة", "a word that begins like a particle"),
        ("وعقدكم سيُوثَّق غداً", "العقد", "a particle, a pronoun"),
        ("أعضاؤها خمسة من الإدارات", "عضو", "a broken plural with its pronoun on a hamza"),
        ("Permit renewal لتجديد الرخصة", "permits", "English among Arabic"),
    ];
    for (written, _, _) in &cases {
        s.employees[0].1.comment(t, "external", written).await.unwrap();
    }
    indexed(&ben, "permits").await;
    for (written, asked, phenomenon) in cases {
        let p = find(&ben, &[("q", asked)]).await;
        let snippets: Vec<String> =
            p.items.iter().map(|i| i.snippet.replace("<mark>", "").replace("</mark>", "")).collect();
        assert!(
            snippets.iter().any(|sn| sn == written),
            "{phenomenon}: {asked} does not find «{written}»: {snippets:?}"
        );
    }
}
