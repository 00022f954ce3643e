//! Any bytes claiming to be audio/ogg: refused or accepted, never a crash, a hang
//! or an accepted note that is not a valid Ogg Opus stream.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tawasul_storage::audio::ingest;

fuzz_target!(|data: &[u8]| {
    if let Ok(note) = ingest(data, "audio/ogg") {
        // What we would store must itself be accepted, with the same duration.
        let again = ingest(&note.ogg, "audio/ogg").expect("our own output is valid");
        assert_eq!(again.duration_ms, note.duration_ms);
        assert_eq!(note.waveform.len(), 64);
    }
});
