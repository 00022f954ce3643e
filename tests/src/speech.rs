//! Real speech for the voice-note tests, recorded during the run (never
//! committed): espeak-ng says an Arabic sentence into WAV, opusenc makes Ogg
//! Opus of it and ffmpeg WebM Opus (what a browser's MediaRecorder sends) and a
//! 44.1 kHz stereo WAV. The README's test command installs the three tools.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

pub const SENTENCE: &str = "السلام عليكم، أود الاستفسار عن حالة طلبي رقم ألف وأربعمئة وثمانية وأربعين، وشكراً لكم";

pub struct Recordings {
    pub wav: PathBuf,
    pub ogg: PathBuf,
    pub webm: PathBuf,
    pub stereo_44k: PathBuf,
    /// The spoken length in milliseconds, from the WAV's sample count.
    pub duration_ms: u64,
    _dir: tempfile::TempDir,
}

fn run(cmd: &mut Command) -> anyhow::Result<()> {
    let out = cmd.output().with_context(|| format!("{cmd:?} (the README's test command installs it)"))?;
    if !out.status.success() {
        bail!("{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(())
}

pub fn record() -> anyhow::Result<Recordings> {
    let dir = tempfile::tempdir()?;
    let p = |n: &str| dir.path().join(n);
    run(Command::new("espeak-ng").args(["-v", "ar", "-w"]).arg(p("speech.wav")).arg(SENTENCE))?;
    run(Command::new("opusenc").arg("--quiet").arg(p("speech.wav")).arg(p("speech.opus")))?;
    let ffmpeg = |args: &[&str], out: &Path| {
        run(Command::new("ffmpeg").args(["-loglevel", "error", "-y", "-i"]).arg(p("speech.wav")).args(args).arg(out))
    };
    ffmpeg(&["-c:a", "libopus"], &p("speech.webm"))?;
    ffmpeg(&["-ac", "2", "-ar", "44100"], &p("stereo.wav"))?;
    let bytes = std::fs::read(p("speech.wav"))?;
    Ok(Recordings {
        wav: p("speech.wav"),
        ogg: p("speech.opus"),
        webm: p("speech.webm"),
        stereo_44k: p("stereo.wav"),
        duration_ms: wav_duration_ms(&bytes)?,
        _dir: dir,
    })
}

/// The length of a PCM WAV (16-bit, as espeak-ng and opusdec write them).
pub fn wav_duration_ms(bytes: &[u8]) -> anyhow::Result<u64> {
    let find = |tag: &[u8]| bytes.windows(4).position(|w| w == tag).context("not a WAV");
    let fmt = find(b"fmt ")?;
    let channels = u64::from(u16::from_le_bytes([bytes[fmt + 10], bytes[fmt + 11]]));
    let rate = u64::from(u32::from_le_bytes(bytes[fmt + 12..fmt + 16].try_into()?));
    let bits = u64::from(u16::from_le_bytes([bytes[fmt + 22], bytes[fmt + 23]]));
    let data = find(b"data")?;
    let len = u64::from(u32::from_le_bytes(bytes[data + 4..data + 8].try_into()?));
    Ok(len * 1000 / (rate * channels * bits / 8))
}

/// Plays Ogg Opus with `opusdec`; returns the length it played, in milliseconds.
pub fn played_ms(ogg: &[u8]) -> anyhow::Result<u64> {
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("in.opus"), ogg)?;
    run(Command::new("opusdec").arg("--quiet").arg(dir.path().join("in.opus")).arg(dir.path().join("out.wav")))?;
    wav_duration_ms(&std::fs::read(dir.path().join("out.wav"))?)
}
