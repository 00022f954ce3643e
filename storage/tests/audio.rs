//! Voice notes with real recordings made here (espeak-ng speaks Arabic; opusenc
//! and ffmpeg package it as Ogg Opus and WebM Opus, as a browser would): each
//! comes out as Ogg Opus that `opusdec` plays, with its duration to within
//! 20 ms; what is cut short, corrupted or not what it claims is refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use tawasul_storage::audio::{AudioError, ingest};

const SPEECH: &str = "السلام عليكم، أود الاستفسار عن حالة طلبي رقم ألف وأربعمئة وثمانية وأربعين، وشكراً لكم";

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e} (the README's test command installs it)"));
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
}

struct Recordings {
    _dir: tempfile::TempDir,
    wav: PathBuf,
    ogg: PathBuf,
    webm: PathBuf,
    stereo_44k: PathBuf,
    /// The spoken length, from the WAV's sample count.
    duration_ms: u64,
}

fn record() -> Recordings {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    run(Command::new("espeak-ng").args(["-v", "ar", "-w"]).arg(p("speech.wav")).arg(SPEECH));
    run(Command::new("opusenc").arg("--quiet").arg(p("speech.wav")).arg(p("speech.opus")));
    run(Command::new("ffmpeg")
        .args(["-loglevel", "error", "-y", "-i"])
        .arg(p("speech.wav"))
        .args(["-c:a", "libopus"])
        .arg(p("speech.webm")));
    run(Command::new("ffmpeg")
        .args(["-loglevel", "error", "-y", "-i"])
        .arg(p("speech.wav"))
        .args(["-ac", "2", "-ar", "44100"])
        .arg(p("stereo.wav")));
    let wav = hound::WavReader::open(p("speech.wav")).unwrap();
    let duration_ms = u64::from(wav.duration()) * 1000 / u64::from(wav.spec().sample_rate);
    Recordings {
        wav: p("speech.wav"),
        ogg: p("speech.opus"),
        webm: p("speech.webm"),
        stereo_44k: p("stereo.wav"),
        duration_ms,
        _dir: dir,
    }
}

/// Plays the Ogg Opus with `opusdec` and returns its length in milliseconds.
fn played_ms(ogg: &[u8], dir: &Path) -> u64 {
    let input = dir.join("out.opus");
    let output = dir.join("out.wav");
    std::fs::write(&input, ogg).unwrap();
    run(Command::new("opusdec").arg("--quiet").arg(&input).arg(&output));
    let w = hound::WavReader::open(&output).unwrap();
    u64::from(w.duration()) * 1000 / u64::from(w.spec().sample_rate)
}

#[test]
fn every_format_becomes_ogg_opus_of_the_same_length() {
    let r = record();
    assert!(r.duration_ms > 3_000, "espeak-ng said something: {} ms", r.duration_ms);
    let scratch = tempfile::tempdir().unwrap();
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
        let played = played_ms(&note.ogg, scratch.path());
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
    let r = record();
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
