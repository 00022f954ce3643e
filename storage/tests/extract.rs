//! Text extraction from the documents people attach, built during the run.

use tawasul_storage::extract::{DOCX, ExtractError, PDF, extract};
use tawasul_testkit::documents::{docx, pdf};

fn ok<T, E: std::fmt::Debug>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e:?}"))
}

#[test]
fn docx_paragraphs_come_out_in_order_with_entities_resolved() {
    let bytes = ok(docx(&["عقد إيجار سكني", "المؤجر: شركة الأمل & شركاه <المحدودة>", "Lease no. 2291"]));
    let text = ok(extract(DOCX, &bytes));
    assert_eq!(text, "عقد إيجار سكني المؤجر: شركة الأمل & شركاه <المحدودة> Lease no. 2291");
}

#[test]
fn pdf_text_comes_from_the_fonts_unicode_map() {
    let bytes = ok(pdf(&["Invoice 4471", "فاتورة الكهرباء لشهر ربيع الأول"]));
    let text = ok(extract(PDF, &bytes));
    assert!(text.contains("Invoice 4471"), "{text}");
    assert!(text.contains("فاتورة الكهرباء لشهر ربيع الأول"), "{text}");
}

#[test]
fn pdf_presentation_forms_fold_to_letters() {
    // "سلام عليكم" as a shaping engine writes it: contextual forms and the lam-alef ligature.
    let shaped = "\u{FEB3}\u{FEFC}\u{FEE1} \u{FECB}\u{FEE0}\u{FEF4}\u{FEDC}\u{FEE2}";
    let text = ok(extract(PDF, &ok(pdf(&[shaped]))));
    assert_eq!(text, "سلام عليكم");
}

#[test]
fn damaged_documents_are_refused_not_crashed_on() {
    let good_pdf = ok(pdf(&["نص"]));
    let good_docx = ok(docx(&["نص"]));
    for (what, content_type, bytes) in [
        ("half a PDF", PDF, good_pdf[..good_pdf.len() / 2].to_vec()),
        ("half a DOCX", DOCX, good_docx[..good_docx.len() / 2].to_vec()),
        ("a DOCX without its document part", DOCX, ok(zip_without_document())),
        ("random bytes called PDF", PDF, (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect()),
    ] {
        assert!(matches!(extract(content_type, &bytes), Err(ExtractError::Damaged(_))), "{what}");
    }
}

fn zip_without_document() -> zip::result::ZipResult<Vec<u8>> {
    use std::io::Write;
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file("word/other.xml", zip::write::SimpleFileOptions::default())?;
    z.write_all(b"<x/>")?;
    Ok(z.finish()?.into_inner())
}

#[test]
fn sniffing_recognises_the_built_documents() {
    assert_eq!(tawasul_storage::objects::sniff(&ok(docx(&["نص"]))), DOCX);
    assert_eq!(tawasul_storage::objects::sniff(&ok(pdf(&["نص"]))), PDF);
}
