//! Which Arabic stemmer the archive uses, settled by measurement: the labelled
//! queries of `relevance/queries.tsv` over the documents of
//! `relevance/corpus.tsv`, searched as the archive searches (every word
//! required, BM25, top 10), once per stemmer. Prints recall@10 (relevant
//! documents in the top 10 / relevant documents) and precision@10 (relevant
//! documents in the top 10 / documents returned, at most 10; 0 when nothing is
//! returned), averaged over the queries, and fails unless `analysis::CHOSEN`
//! scores best (recall first, then precision).
//!
//! `cargo nextest run -p tawasul-search --test relevance --no-capture` shows the table.

use std::collections::{BTreeSet, HashMap};

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{Index, TantivyDocument, Term};
use tawasul_search::analysis::{self, ANALYZER, ArabicStemmer, CHOSEN};
use tawasul_search::document::Fields;

const CORPUS: &str = include_str!("relevance/corpus.tsv");
const QUERIES: &str = include_str!("relevance/queries.tsv");

fn rows(tsv: &str) -> impl Iterator<Item = (&str, &str)> {
    tsv.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).filter_map(|l| l.split_once('\t'))
}

#[derive(Debug, Clone, Copy, Default)]
struct Scores {
    recall: f64,
    precision: f64,
    /// Queries that found nothing at all.
    empty: usize,
}

fn evaluate(stemmer: ArabicStemmer) -> Scores {
    let (schema, f) = Fields::schema();
    let index = Index::create_in_ram(schema);
    index.tokenizers().register(ANALYZER, analysis::analyzer(stemmer));
    let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap_or_else(|e| panic!("{e}"));
    for (id, text) in rows(CORPUS) {
        let mut doc = TantivyDocument::default();
        doc.add_text(f.key, id);
        doc.add_text(f.text, text);
        writer.add_document(doc).unwrap_or_else(|e| panic!("{e}"));
    }
    writer.commit().unwrap_or_else(|e| panic!("{e}"));
    let searcher = index.reader().unwrap_or_else(|e| panic!("{e}")).searcher();
    let mut total = Scores::default();
    let queries: Vec<(&str, &str)> = rows(QUERIES).collect();
    for (q, relevant) in &queries {
        let relevant: BTreeSet<&str> = relevant.split_whitespace().collect();
        let mut words = analysis::analyze_text(q, stemmer);
        words.sort();
        words.dedup();
        let query = BooleanQuery::new(
            words
                .iter()
                .map(|w| {
                    let t: Box<dyn Query> =
                        Box::new(TermQuery::new(Term::from_field_text(f.text, w), IndexRecordOption::WithFreqs));
                    (Occur::Must, t)
                })
                .collect(),
        );
        let top = searcher.search(&query, &TopDocs::with_limit(10).order_by_score()).unwrap_or_else(|e| panic!("{e}"));
        let found: Vec<String> = top
            .iter()
            .map(|(_, a)| {
                let d: TantivyDocument = searcher.doc(*a).unwrap_or_else(|e| panic!("{e}"));
                d.get_first(f.key).and_then(|v| v.as_str()).unwrap_or_default().to_owned()
            })
            .collect();
        let hits = found.iter().filter(|k| relevant.contains(String::as_str(k))).count() as f64;
        total.recall += hits / relevant.len() as f64;
        if found.is_empty() {
            total.empty += 1;
        } else {
            total.precision += hits / found.len() as f64;
        }
    }
    let n = queries.len() as f64;
    Scores { recall: total.recall / n, precision: total.precision / n, empty: total.empty }
}

#[test]
fn the_chosen_arabic_stemmer_scores_best_on_the_labelled_queries() {
    let queries = rows(QUERIES).count();
    assert!(queries >= 50, "the labelled set holds {queries} queries");
    let mut scores = HashMap::new();
    println!("{queries} labelled queries, {} documents", rows(CORPUS).count());
    println!("{:<10} {:>10} {:>13} {:>14}", "stemmer", "recall@10", "precision@10", "empty results");
    for s in [ArabicStemmer::None, ArabicStemmer::Light, ArabicStemmer::Snowball] {
        let r = evaluate(s);
        println!("{:<10} {:>10.3} {:>13.3} {:>14}", format!("{s:?}"), r.recall, r.precision, r.empty);
        scores.insert(s, r);
    }
    let chosen = scores[&CHOSEN];
    for (s, r) in &scores {
        assert!(
            chosen.recall > r.recall || (chosen.recall == r.recall && chosen.precision >= r.precision),
            "{CHOSEN:?} ({chosen:?}) does not beat {s:?} ({r:?})"
        );
    }
}
