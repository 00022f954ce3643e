//! Voice notes: whatever arrives (Ogg Opus, WebM Opus as Chromium's
//! MediaRecorder makes it, or PCM WAV) leaves as canonical Ogg Opus, validated
//! by decoding every packet, with its exact duration and a 64-value waveform.
//! Containers are read with well-kept crates (`ogg`, `matroska-demuxer`,
//! `hound`); Opus is libopus through the `opus` crate; WAV at a rate Opus does
//! not take is resampled with `rubato`.

use std::io::Cursor;

use ogg::{PacketReader, PacketWriteEndInfo, PacketWriter};
use opus::{Application, Bitrate, Channels, Decoder, Encoder};

/// Opus works at 48 kHz; granule positions and pre-skip count 48 kHz samples.
const RATE: u32 = 48_000;
/// The longest voice note accepted.
pub const MAX_DURATION_MS: u64 = 5 * 60 * 1000;
/// Waveform values for the player.
pub const WAVEFORM: usize = 64;
/// Bitrate of voice notes encoded here (speech, mono).
const BITRATE: i32 = 24_000;
/// The largest Opus frame: 120 ms at 48 kHz, per channel.
const MAX_FRAME: usize = 5_760;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AudioError {
    #[error("not a supported audio type: {0}")]
    Unsupported(String),
    #[error("the audio is not valid: {0}")]
    Invalid(String),
    #[error("the voice note is longer than five minutes")]
    TooLong,
}

fn invalid(what: impl std::fmt::Display) -> AudioError {
    AudioError::Invalid(what.to_string())
}

/// A voice note ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct VoiceNote {
    /// Ogg Opus, one logical stream.
    pub ogg: Vec<u8>,
    pub duration_ms: u64,
    /// Peaks of 64 equal spans, 0–255.
    pub waveform: Vec<u8>,
}

/// Validates and converts `bytes`, which claim to be `content_type`.
pub fn ingest(bytes: &[u8], content_type: &str) -> Result<VoiceNote, AudioError> {
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let stream = match essence.as_str() {
        // A file picked from a device may be labelled by its container alone.
        "audio/ogg" | "audio/opus" | "application/ogg" => read_ogg(bytes)?,
        "audio/webm" | "video/webm" => read_webm(bytes)?,
        "audio/wav" | "audio/wave" | "audio/x-wav" | "audio/vnd.wave" => encode_wav(bytes)?,
        other => return Err(AudioError::Unsupported(other.to_owned())),
    };
    stream.finish()
}

/// Opus packets with what the Ogg header needs, decoded once to validate them.
struct OpusStream {
    channels: u8,
    pre_skip: u16,
    input_rate: u32,
    packets: Vec<Vec<u8>>,
    /// 48 kHz samples per channel of each packet.
    durations: Vec<u64>,
    /// The playable length in 48 kHz samples (after pre-skip, before any end trimming).
    samples: u64,
    waveform: Vec<u8>,
}

impl OpusStream {
    /// Decodes every packet (refusing the stream at the first that does not
    /// decode) and works out the duration and the waveform.
    fn decode(
        channels: u8,
        pre_skip: u16,
        input_rate: u32,
        packets: Vec<Vec<u8>>,
        end: Option<u64>,
    ) -> Result<OpusStream, AudioError> {
        let ch = match channels {
            1 => Channels::Mono,
            2 => Channels::Stereo,
            n => return Err(invalid(format!("{n} channels"))),
        };
        if packets.is_empty() {
            return Err(invalid("no audio"));
        }
        let mut decoder = Decoder::new(RATE, ch).map_err(invalid)?;
        let mut pcm = vec![0i16; MAX_FRAME * usize::from(channels)];
        let mut peaks = Vec::with_capacity(packets.len());
        let mut durations = Vec::with_capacity(packets.len());
        let mut total = 0u64;
        for p in &packets {
            let n =
                decoder.decode(p, &mut pcm, false).map_err(|e| invalid(format!("a packet does not decode: {e}")))?;
            total += n as u64;
            if total > (MAX_DURATION_MS + 1_000) * u64::from(RATE) / 1000 {
                return Err(AudioError::TooLong);
            }
            durations.push(n as u64);
            let peak = pcm[..n * usize::from(channels)].iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
            peaks.push((n as u64, peak));
        }
        let decoded = total.saturating_sub(u64::from(pre_skip));
        // A stream may end before its last packet does (end trimming).
        let samples = end.map_or(decoded, |e| e.saturating_sub(u64::from(pre_skip)).min(decoded));
        if samples == 0 {
            return Err(invalid("no audio"));
        }
        if samples * 1000 / u64::from(RATE) > MAX_DURATION_MS {
            return Err(AudioError::TooLong);
        }
        Ok(OpusStream { channels, pre_skip, input_rate, packets, durations, samples, waveform: waveform(&peaks) })
    }

    fn finish(self) -> Result<VoiceNote, AudioError> {
        Ok(VoiceNote {
            ogg: self.write_ogg()?,
            duration_ms: self.samples * 1000 / u64::from(RATE),
            waveform: self.waveform,
        })
    }

    /// Canonical Ogg Opus (RFC 7845): OpusHead, OpusTags, then one packet per
    /// page entry, granule positions counting 48 kHz samples including the
    /// pre-skip, the last one trimmed to the exact end.
    fn write_ogg(&self) -> Result<Vec<u8>, AudioError> {
        let serial = 0x5457_534c; // "TWSL"
        let mut w = PacketWriter::new(Vec::new());
        let mut head = b"OpusHead".to_vec();
        head.push(1);
        head.push(self.channels);
        head.extend_from_slice(&self.pre_skip.to_le_bytes());
        head.extend_from_slice(&self.input_rate.to_le_bytes());
        head.extend_from_slice(&0i16.to_le_bytes());
        head.push(0);
        w.write_packet(head, serial, PacketWriteEndInfo::EndPage, 0).map_err(invalid)?;
        let vendor = b"tawasul";
        let mut tags = b"OpusTags".to_vec();
        tags.extend_from_slice(&(vendor.len() as u32).to_le_bytes());
        tags.extend_from_slice(vendor);
        tags.extend_from_slice(&0u32.to_le_bytes());
        w.write_packet(tags, serial, PacketWriteEndInfo::EndPage, 0).map_err(invalid)?;
        let end = u64::from(self.pre_skip) + self.samples;
        let mut granule = 0u64;
        let last = self.packets.len() - 1;
        for (i, (p, d)) in self.packets.iter().zip(&self.durations).enumerate() {
            granule += d;
            let (info, gp) = if i == last {
                (PacketWriteEndInfo::EndStream, end)
            } else if i % 50 == 49 {
                // About one page a second.
                (PacketWriteEndInfo::EndPage, granule.min(end))
            } else {
                (PacketWriteEndInfo::NormalPacket, granule.min(end))
            };
            w.write_packet(p.clone(), serial, info, gp).map_err(invalid)?;
        }
        Ok(w.into_inner())
    }
}

/// The loudest sample of each of 64 equal spans of time, scaled to 0–255.
fn waveform(peaks: &[(u64, u16)]) -> Vec<u8> {
    let total: u64 = peaks.iter().map(|(n, _)| n).sum();
    let mut out = vec![0u16; WAVEFORM];
    let mut at = 0u64;
    for (n, peak) in peaks {
        let slot = ((at * WAVEFORM as u64) / total.max(1)) as usize;
        let slot = slot.min(WAVEFORM - 1);
        out[slot] = out[slot].max(*peak);
        at += n;
    }
    out.into_iter().map(|p| (u32::from(p) * 255 / 32_768) as u8).collect()
}

/// RFC 7845's identification header: channels, pre-skip, input rate.
fn opus_head(data: &[u8]) -> Result<(u8, u16, u32), AudioError> {
    if data.len() < 19 || &data[..8] != b"OpusHead" {
        return Err(invalid("no OpusHead"));
    }
    if data[8] & 0xf0 != 0 {
        return Err(invalid("an OpusHead version this reader does not know"));
    }
    let channels = data[9];
    let pre_skip = u16::from_le_bytes([data[10], data[11]]);
    let input_rate = u32::from_le_bytes([data[12], data[13], data[14], data[15]]);
    if data[18] != 0 {
        return Err(invalid("multichannel mapping families are not voice notes"));
    }
    Ok((channels, pre_skip, input_rate))
}

fn read_ogg(bytes: &[u8]) -> Result<OpusStream, AudioError> {
    let mut r = PacketReader::new(Cursor::new(bytes));
    let first = r.read_packet().map_err(invalid)?.ok_or_else(|| invalid("empty"))?;
    let serial = first.stream_serial();
    let (channels, pre_skip, input_rate) = opus_head(&first.data)?;
    let tags = r.read_packet().map_err(invalid)?.ok_or_else(|| invalid("no OpusTags"))?;
    if !tags.data.starts_with(b"OpusTags") {
        return Err(invalid("no OpusTags"));
    }
    let mut packets = Vec::new();
    let mut end = None;
    let mut finished = false;
    while let Some(p) = r.read_packet().map_err(invalid)? {
        if p.stream_serial() != serial {
            return Err(invalid("more than one logical stream"));
        }
        finished = p.last_in_stream();
        if p.last_in_page() {
            end = Some(p.absgp_page());
        }
        packets.push(p.data);
    }
    if !finished {
        return Err(invalid("the stream is cut short"));
    }
    OpusStream::decode(channels, pre_skip, input_rate, packets, end)
}

fn read_webm(bytes: &[u8]) -> Result<OpusStream, AudioError> {
    use matroska_demuxer::{Frame, MatroskaFile};
    let mut file = MatroskaFile::open(Cursor::new(bytes)).map_err(invalid)?;
    let track = file.tracks().iter().find(|t| t.codec_id() == "A_OPUS").ok_or_else(|| invalid("no Opus track"))?;
    let number = track.track_number().get();
    let (channels, pre_skip, input_rate) = opus_head(track.codec_private().ok_or_else(|| invalid("no OpusHead"))?)?;
    let mut packets = Vec::new();
    let mut frame = Frame::default();
    while file.next_frame(&mut frame).map_err(invalid)? {
        if frame.track == number {
            packets.push(std::mem::take(&mut frame.data));
        }
    }
    OpusStream::decode(channels, pre_skip, input_rate, packets, None)
}

/// PCM WAV (8/16/24/32-bit integer or 32-bit float, mono or stereo, any common
/// rate), mixed to mono and encoded to 20 ms Opus frames.
fn encode_wav(bytes: &[u8]) -> Result<OpusStream, AudioError> {
    let reader = hound::WavReader::new(Cursor::new(bytes)).map_err(invalid)?;
    let spec = reader.spec();
    if !(1..=2).contains(&spec.channels) {
        return Err(invalid(format!("{} channels", spec.channels)));
    }
    if !(8_000..=192_000).contains(&spec.sample_rate) {
        return Err(invalid(format!("a sample rate of {} Hz", spec.sample_rate)));
    }
    if u64::from(reader.duration()) * 1000 / u64::from(spec.sample_rate) > MAX_DURATION_MS {
        return Err(AudioError::TooLong);
    }
    let samples: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => reader.into_samples::<f32>().collect::<Result<_, _>>().map_err(invalid)?,
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample - 1)) as f32;
            reader
                .into_samples::<i32>()
                .map(|s| s.map(|v| v as f32 * scale))
                .collect::<Result<_, _>>()
                .map_err(invalid)?
        }
    };
    let mono: Vec<f32> =
        samples.chunks(usize::from(spec.channels)).map(|c| c.iter().sum::<f32>() / c.len() as f32).collect();
    if mono.is_empty() {
        return Err(invalid("no audio"));
    }
    let pcm = to_48k(&mono, spec.sample_rate)?;
    let mut encoder = Encoder::new(RATE, Channels::Mono, Application::Voip).map_err(invalid)?;
    encoder.set_bitrate(Bitrate::Bits(BITRATE)).map_err(invalid)?;
    let pre_skip = u16::try_from(encoder.get_lookahead().map_err(invalid)?).map_err(invalid)?;
    let frame = (RATE / 50) as usize;
    let mut packets = Vec::with_capacity(pcm.len() / frame + 2);
    // The encoder's look-ahead is paid back by encoding that many samples more.
    let mut padded = pcm.clone();
    padded.resize(pcm.len() + usize::from(pre_skip), 0.0);
    for chunk in padded.chunks(frame) {
        let mut block = chunk.to_vec();
        block.resize(frame, 0.0);
        packets.push(encoder.encode_vec_float(&block, 4_000).map_err(invalid)?);
    }
    let end = u64::from(pre_skip) + pcm.len() as u64;
    OpusStream::decode(1, pre_skip, spec.sample_rate, packets, Some(end))
}

/// Resamples mono audio to 48 kHz (a sinc resampler from `rubato`).
fn to_48k(input: &[f32], rate: u32) -> Result<Vec<f32>, AudioError> {
    use rubato::{FftFixedIn, Resampler};
    if rate == RATE {
        return Ok(input.to_vec());
    }
    let chunk = 1_024;
    let mut r = FftFixedIn::<f32>::new(rate as usize, RATE as usize, chunk, 2, 1).map_err(invalid)?;
    let delay = r.output_delay();
    let expected = (input.len() as u64 * u64::from(RATE) / u64::from(rate)) as usize;
    let mut out = Vec::with_capacity(expected + chunk * 2);
    let mut at = 0;
    while at < input.len() {
        let need = r.input_frames_next();
        let mut block: Vec<f32> = input[at..(at + need).min(input.len())].to_vec();
        block.resize(need, 0.0);
        out.extend(r.process(&[block], None).map_err(invalid)?.remove(0));
        at += need;
    }
    // Flush what the resampler still holds.
    while out.len() < delay + expected {
        let need = r.input_frames_next();
        out.extend(r.process(&[vec![0.0; need]], None).map_err(invalid)?.remove(0));
    }
    Ok(out[delay..delay + expected].to_vec())
}
