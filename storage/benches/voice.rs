//! P7 and P8 of PERFORMANCE.md, on speech the bench records itself (espeak-ng,
//! opusenc; never downloaded):
//! - P7: our validate-by-decode of Ogg Opus (parse, decode every packet, write
//!   the canonical stream) against libopus decoding the same packets directly;
//! - P8: our WAV → Ogg Opus (resample, encode at 24 kb/s) against Debian's
//!   `opusenc` on the same file at the same bitrate.
//!
//! Criterion times each; a summary line per figure gives the ratio.
//!
//! `cargo bench -p tawasul-storage --bench voice`

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use tawasul_storage::audio::ingest;

/// About a minute of Arabic speech: the sentence eight times.
fn speech(dir: &Path) -> (Vec<u8>, Vec<u8>, u64) {
    let sentence = "السلام عليكم، أود الاستفسار عن حالة طلبي رقم ألف وأربعمئة وثمانية وأربعين، وشكراً لكم. ";
    let wav = dir.join("speech.wav");
    let status = Command::new("espeak-ng").args(["-v", "ar", "-w"]).arg(&wav).arg(sentence.repeat(8)).status().unwrap();
    assert!(status.success(), "espeak-ng (the README's test command installs it)");
    let opus = dir.join("speech.opus");
    assert!(
        Command::new("opusenc").args(["--quiet", "--bitrate", "24"]).arg(&wav).arg(&opus).status().unwrap().success()
    );
    let wav = std::fs::read(wav).unwrap();
    let duration_ms = ingest(&wav, "audio/wav").unwrap().duration_ms;
    (wav, std::fs::read(opus).unwrap(), duration_ms)
}

/// libopus alone on the packets of an Ogg Opus stream: the P7 baseline.
fn decode_directly(ogg: &[u8]) -> usize {
    let mut r = ogg::PacketReader::new(std::io::Cursor::new(ogg));
    let head = r.read_packet().unwrap().unwrap();
    let channels = if head.data[9] == 2 { opus::Channels::Stereo } else { opus::Channels::Mono };
    r.read_packet().unwrap();
    let mut d = opus::Decoder::new(48_000, channels).unwrap();
    let mut pcm = vec![0i16; 5_760 * 2];
    let mut n = 0;
    while let Some(p) = r.read_packet().unwrap() {
        n += d.decode(&p.data, &mut pcm, false).unwrap();
    }
    n
}

fn opusenc(wav: &Path, out: &Path) {
    let ok = Command::new("opusenc").args(["--quiet", "--bitrate", "24"]).arg(wav).arg(out).status().unwrap();
    assert!(ok.success());
}

/// The median of `runs` timings of `f`.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut t: Vec<Duration> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed()
        })
        .collect();
    t.sort();
    t[runs / 2]
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (wav, ogg, duration_ms) = speech(dir.path());
    let wav_path = dir.path().join("speech.wav");
    let out = dir.path().join("out.opus");

    let mut p7 = c.benchmark_group("P7 validate-by-decode");
    p7.bench_function("tawasul ingest (audio/ogg)", |b| b.iter(|| ingest(&ogg, "audio/ogg").unwrap()));
    p7.bench_function("libopus decode of the same packets", |b| b.iter(|| decode_directly(&ogg)));
    p7.finish();
    let mut p8 = c.benchmark_group("P8 WAV to Ogg Opus");
    p8.sample_size(10);
    p8.bench_function("tawasul ingest (audio/wav)", |b| b.iter(|| ingest(&wav, "audio/wav").unwrap()));
    p8.bench_function("opusenc --bitrate 24", |b| b.iter(|| opusenc(&wav_path, &out)));
    p8.finish();

    let ours = median(21, || drop(ingest(&ogg, "audio/ogg").unwrap()));
    let base = median(21, || {
        std::hint::black_box(decode_directly(&ogg));
    });
    let audio = Duration::from_millis(duration_ms);
    println!(
        "P7 validate-by-decode of {:.1} s of speech: ours {:.2} ms ({:.0}x real time), libopus alone {:.2} ms; ratio {:.2} (target >= 0.8, and >= 500x real time)",
        audio.as_secs_f64(),
        ours.as_secs_f64() * 1e3,
        audio.as_secs_f64() / ours.as_secs_f64(),
        base.as_secs_f64() * 1e3,
        base.as_secs_f64() / ours.as_secs_f64()
    );
    let ours = median(11, || drop(ingest(&wav, "audio/wav").unwrap()));
    let base = median(11, || opusenc(&wav_path, &out));
    println!(
        "P8 WAV -> Ogg Opus of {:.1} s of speech: ours {:.1} ms ({:.0}x real time), opusenc {:.1} ms; ratio {:.2} (target >= 1)",
        audio.as_secs_f64(),
        ours.as_secs_f64() * 1e3,
        audio.as_secs_f64() / ours.as_secs_f64(),
        base.as_secs_f64() * 1e3,
        base.as_secs_f64() / ours.as_secs_f64()
    );
}

criterion_group!(voice, benches);

fn main() {
    voice();
    Criterion::default().configure_from_args().final_summary();
}
