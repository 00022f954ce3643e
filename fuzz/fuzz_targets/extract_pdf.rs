//! Any bytes claiming to be a PDF: text or a refusal, never a crash or a hang.
//! pdf-extract panics on some malformed files; `extract` catches that, as it
//! does in the server, so the fuzzer's abort-on-panic hook is replaced by a
//! silent one: what remains to find is what unwinding cannot catch. It finds
//! one within seconds: pdf-extract recursing without bound on a 600-byte file
//! (`server/tests/data/pdf-extract-hangs.pdf`), which is why the server reads
//! documents in a child process (`server/src/archive/extractor.rs`).
#![no_main]

use std::sync::Once;

use libfuzzer_sys::fuzz_target;
use tawasul_storage::extract::{MAX_TEXT_CHARS, PDF, extract};

static QUIET: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    if let Ok(text) = extract(PDF, data) {
        assert!(text.chars().count() <= MAX_TEXT_CHARS);
    }
});
