//! The text of attached documents, for the archive: PDF through `pdf-extract`,
//! DOCX by reading the paragraphs of `word/document.xml` (a zip of XML; `zip`
//! and `quick-xml` read it, bounded so that a zip bomb cannot expand past
//! `MAX_XML_BYTES`). Text is NFKC-normalized, which folds the Arabic
//! presentation forms many PDFs hold into the letters a query is typed with.

use std::io::Read;

use quick_xml::events::Event;
use unicode_normalization::UnicodeNormalization;

pub const PDF: &str = "application/pdf";
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
/// The content types whose text is extracted.
pub const EXTRACTABLE: [&str; 2] = [PDF, DOCX];

/// At most this much text is kept per document.
pub const MAX_TEXT_CHARS: usize = 500_000;
/// The largest `word/document.xml` read, decompressed.
const MAX_XML_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExtractError {
    #[error("not a document whose text can be read")]
    Unsupported,
    #[error("the document could not be read: {0}")]
    Damaged(String),
}

/// The text of a document of `content_type`.
pub fn extract(content_type: &str, bytes: &[u8]) -> Result<String, ExtractError> {
    let raw = match content_type {
        PDF => pdf(bytes)?,
        DOCX => docx(bytes)?,
        _ => return Err(ExtractError::Unsupported),
    };
    Ok(clean(&raw))
}

/// NFKC, runs of blank space collapsed, cut at `MAX_TEXT_CHARS`.
fn clean(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len().min(MAX_TEXT_CHARS * 2));
    let mut blank = false;
    for c in raw.nfkc().take(MAX_TEXT_CHARS) {
        if c.is_whitespace() || c.is_control() {
            blank = true;
            continue;
        }
        if blank && !out.is_empty() {
            out.push(' ');
        }
        blank = false;
        out.push(c);
    }
    out
}

fn pdf(bytes: &[u8]) -> Result<String, ExtractError> {
    // pdf-extract panics on some malformed files instead of returning an error.
    std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(bytes))
        .map_err(|_| ExtractError::Damaged("the PDF reader gave up".into()))?
        .map_err(|e| ExtractError::Damaged(e.to_string()))
}

fn docx(bytes: &[u8]) -> Result<String, ExtractError> {
    let damaged = |e: &dyn std::fmt::Display| ExtractError::Damaged(e.to_string());
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| damaged(&e))?;
    let mut xml = Vec::new();
    archive
        .by_name("word/document.xml")
        .map_err(|e| damaged(&e))?
        .take(MAX_XML_BYTES)
        .read_to_end(&mut xml)
        .map_err(|e| damaged(&e))?;
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    let mut text = String::new();
    let mut in_text = false;
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).map_err(|e| damaged(&e))? {
            Event::Start(e) if e.name().as_ref() == "w:t" => in_text = true,
            Event::End(e) if e.name().as_ref() == "w:t" => in_text = false,
            Event::End(e) if e.name().as_ref() == "w:p" => text.push('\n'),
            Event::Empty(e) if matches!(e.name().as_ref(), "w:tab" | "w:br") => text.push(' '),
            Event::Text(t) if in_text => text.push_str(&t),
            // `&amp;`, `&#1575;`…: entities come as their own events.
            Event::GeneralRef(r) if in_text => {
                let resolved = quick_xml::escape::resolve_predefined_entity(&r)
                    .map(str::to_owned)
                    .or_else(|| r.resolve_char_ref().ok().flatten().map(String::from));
                text.push_str(&resolved.unwrap_or_default());
            }
            Event::Eof => break,
            _ => {}
        }
        if text.len() > MAX_TEXT_CHARS * 4 {
            break;
        }
        buf.clear();
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presentation_forms_fold_and_space_collapses() {
        // "سلام" in presentation forms, as PDFs often store it.
        assert_eq!(clean("\u{FEB3}\u{FEFC}\u{FEE1}\n\n  end\t"), "سلام end");
    }

    #[test]
    fn other_types_are_not_read() {
        assert_eq!(extract("image/png", b"\x89PNG"), Err(ExtractError::Unsupported));
        assert!(matches!(extract(DOCX, b"not a zip"), Err(ExtractError::Damaged(_))));
        assert!(matches!(extract(PDF, b"%PDF-1.4 broken"), Err(ExtractError::Damaged(_))));
    }
}
