//! Voice notes with real recordings made here (espeak-ng speaks Arabic; opusenc
//! and ffmpeg package it as Ogg Opus and WebM Opus, as a browser would): each
//! comes out as Ogg Opus that `opusdec` plays, with its duration to within
//! 20 ms; what is cut short, corrupted or not what it claims is refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use tawasul_storage::audio::{AudioError, ingest};
use tawasul_testkit::speech::{played_ms, record};

#[test]
fn every_format_becomes_ogg_opus_of_the_same_length() {
    let r = record().unwrap();
    assert!(r.duration_ms > 3_000, "espeak-ng said something: {} ms", r.duration_ms);
    for (path, content_type) in [
        (&r.wav, "audio/wav"),
        (&r.ogg, "audio/ogg"),
        (&r.webm, "audio/webm;codecs=opus"),
        (&r.stereo_44k, "audio/x-wav"),
    ] {
        let note =
            ingest(&std::fs::read(path).unwrap(), content_type).unwrap_or_else(|e| panic!("{content_type}: {e}"));
        let off = note.duration_ms.abs_diff(r.duration_ms);
        println!(
            "{content_type}: {} ms (spoken {} ms), {} bytes of Ogg Opus",
            note.duration_ms,
            r.duration_ms,
            note.ogg.len()
        );
        assert!(off <= 20, "{content_type}: {} ms for {} ms spoken", note.duration_ms, r.duration_ms);
        assert!(note.ogg.starts_with(b"OggS"));
        let played = played_ms(&note.ogg).unwrap();
        assert!(
            played.abs_diff(note.duration_ms) <= 20,
            "{content_type}: opusdec played {played} ms of {}",
            note.duration_ms
        );
        assert_eq!(note.waveform.len(), 64);
        assert!(
            note.waveform.iter().filter(|v| **v > 10).count() > 20,
            "{content_type}: speech has a shape: {:?}",
            note.waveform
        );
        // What we store is itself accepted as it is.
        let again = ingest(&note.ogg, "audio/ogg").unwrap();
        assert_eq!(again.duration_ms, note.duration_ms);
    }
}

#[test]
fn cut_corrupted_and_mislabeled_audio_is_refused() {
    let r = record().unwrap();
    let ogg = std::fs::read(&r.ogg).unwrap();
    let wav = std::fs::read(&r.wav).unwrap();
    let webm = std::fs::read(&r.webm).unwrap();

    let cut = &ogg[..ogg.len() / 2];
    assert!(matches!(ingest(cut, "audio/ogg"), Err(AudioError::Invalid(_))), "truncated Ogg");
    let mut flipped = ogg.clone();
    for b in &mut flipped[ogg.len() / 2..ogg.len() / 2 + 64] {
        *b ^= 0x5a;
    }
    assert!(matches!(ingest(&flipped, "audio/ogg"), Err(AudioError::Invalid(_))), "corrupted Ogg");
    assert!(matches!(ingest(&webm[..webm.len() / 3], "audio/webm"), Err(AudioError::Invalid(_)) | Ok(_)));
    assert!(matches!(ingest(&wav[..40], "audio/wav"), Err(AudioError::Invalid(_))), "a WAV header alone");

    assert!(matches!(ingest(&wav, "audio/ogg"), Err(AudioError::Invalid(_))), "WAV called Ogg");
    assert!(matches!(ingest(&ogg, "audio/wav"), Err(AudioError::Invalid(_))), "Ogg called WAV");
    assert!(matches!(ingest(&ogg, "audio/webm"), Err(AudioError::Invalid(_))), "Ogg called WebM");
    assert!(matches!(ingest(b"%PDF-1.7", "application/pdf"), Err(AudioError::Unsupported(_))));
    assert!(matches!(ingest(b"", "audio/ogg"), Err(AudioError::Invalid(_))));
}

#[test]
fn more_than_five_minutes_is_refused_and_silence_is_flat() {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let wav = |seconds: u32| {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut w = hound::WavWriter::new(&mut buf, spec).unwrap();
        for _ in 0..seconds * 16_000 {
            w.write_sample(0i16).unwrap();
        }
        w.finalize().unwrap();
        buf.into_inner()
    };
    assert_eq!(ingest(&wav(301), "audio/wav"), Err(AudioError::TooLong));
    let quiet = ingest(&wav(2), "audio/wav").unwrap();
    assert_eq!(quiet.duration_ms, 2_000);
    assert!(quiet.waveform.iter().all(|v| *v == 0));
}
