//! Voice notes end to end, with speech recorded during the run: a browser's
//! WebM Opus comes back as Ogg Opus that opusdec plays, with its duration; an
//! internal voice note does not exist for the beneficiary; what is not audio,
//! or not what it claims, is refused with a clear code.

use tawasul_core::events::EventKind;
use tawasul_core::ids::VoiceId;
use tawasul_tests::speech::{played_ms, record};

use crate::helpers::*;
use crate::on_both_backends;
use crate::transactions::{request, setup};

on_both_backends!(voice_notes_play_back_to_their_audience);

async fn voice_notes_play_back_to_their_audience(app: TestApp) {
    let r = record().unwrap();
    let s = setup(&app, 1, "round_robin", 61).await;
    let emp = &s.employees[0].1;
    let (ben, _) = app.beneficiary(6100).await;
    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();

    let webm = std::fs::read(&r.webm).unwrap();
    let v = ben.record_voice(t.id, "external", "audio/webm;codecs=opus", webm).await.unwrap();
    assert!(v.duration_ms.abs_diff(r.duration_ms) <= 20, "{} ms for {} ms spoken", v.duration_ms, r.duration_ms);
    assert_eq!(v.waveform.len(), 64);
    assert_eq!(v.content_type, "audio/ogg");
    let (headers, ogg) = emp.play_voice(v.id).await.unwrap();
    assert_eq!(headers["content-type"], "audio/ogg");
    assert!(played_ms(&ogg).unwrap().abs_diff(v.duration_ms) <= 20);
    let timeline = emp.timeline(t.id).await.unwrap();
    let event = timeline.iter().find(|e| e.kind == EventKind::Voice).unwrap();
    assert_eq!(event.data["voice_id"], v.id.to_string());
    assert_eq!(event.data["duration_ms"], v.duration_ms);

    // Staff talk among themselves: the beneficiary never hears it.
    let wav = std::fs::read(&r.wav).unwrap();
    let internal = emp.record_voice(t.id, "internal", "audio/wav", wav.clone()).await.unwrap();
    assert_eq!(ben.play_voice(internal.id).await.unwrap_err().status(), Some(404));
    assert!(
        ben.timeline(t.id)
            .await
            .unwrap()
            .iter()
            .all(|e| e.data.get("voice_id") != Some(&internal.id.to_string().into()))
    );
    assert_eq!(ben.record_voice(t.id, "internal", "audio/wav", wav.clone()).await.unwrap_err().status(), Some(403));
    assert_eq!(ben.play_voice(VoiceId::new()).await.unwrap_err().status(), Some(404));

    // Not what it claims, not audio, cut short.
    let err = ben.record_voice(t.id, "external", "audio/ogg", wav.clone()).await.unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(422), Some("voice.invalid")));
    let err = ben.record_voice(t.id, "external", "application/pdf", b"%PDF-1.7".to_vec()).await.unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(415), Some("voice.unsupported_type")));
    let ogg = std::fs::read(&r.ogg).unwrap();
    let err = ben.record_voice(t.id, "external", "audio/ogg", ogg[..ogg.len() / 2].to_vec()).await.unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(422), Some("voice.invalid")));
    let voices = ben.timeline(t.id).await.unwrap().iter().filter(|e| e.kind == EventKind::Voice).count();
    assert_eq!(voices, 1, "nothing half-written by the refusals");
}
