//! Any bytes claiming to be a DOCX: text or a refusal, never a crash, a hang or
//! unbounded memory (the XML part is read through a bounded reader).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tawasul_storage::extract::{DOCX, MAX_TEXT_CHARS, extract};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = extract(DOCX, data) {
        assert!(text.chars().count() <= MAX_TEXT_CHARS);
    }
});
