//! The visibility filter of a caller, remembered per segment as a bit set.
//!
//! A filter is a tree of unions and intersections over the documents' facts
//! (entity, department, assignee, visibility, kind); a search intersects it
//! with the words asked for, which means seeking in those unions at every
//! candidate document: about a third of the server's time in a profile of
//! staff members' searches over 600,000 comments. A segment never changes its documents' facts (a transaction whose
//! facts change is written again, in a newer segment, and its old documents
//! are deleted, which the collectors check apart from any query), so the set
//! of documents a filter lets through in a segment can be kept for the life of
//! the segment, and seeking in it is a look at a bit.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::query::{ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError};

/// How much memory the remembered bit sets may take in all (a segment of a
/// million documents takes 125 KiB per caller's filter).
const BUDGET_BYTES: usize = 64 << 20;

type Key = (SegmentId, Arc<str>);

/// The bit sets of one generation's segments, oldest forgotten first.
#[derive(Default)]
pub(crate) struct FilterCache {
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    sets: HashMap<Key, Arc<DocBits>>,
    order: VecDeque<Key>,
    bytes: usize,
}

impl FilterCache {
    /// `filter`, answered from the bit set remembered for each segment.
    pub(crate) fn cached(self: &Arc<Self>, filter: Box<dyn Query>) -> Box<dyn Query> {
        // Queries print every term they hold: the printout names the filter.
        let key: Arc<str> = format!("{filter:?}").into();
        Box::new(Cached { filter, key, cache: self.clone() })
    }

    fn get(&self, key: &Key) -> Option<Arc<DocBits>> {
        self.lock().sets.get(key).cloned()
    }

    fn insert(&self, key: Key, bits: Arc<DocBits>) {
        let mut e = self.lock();
        if e.sets.contains_key(&key) {
            return; // another search computed it meanwhile
        }
        e.bytes += bits.bytes();
        e.sets.insert(key.clone(), bits);
        e.order.push_back(key);
        while e.bytes > BUDGET_BYTES
            && let Some(oldest) = e.order.pop_front()
        {
            if let Some(gone) = e.sets.remove(&oldest) {
                e.bytes -= gone.bytes();
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().sets.len()
    }
}

struct Cached {
    filter: Box<dyn Query>,
    key: Arc<str>,
    cache: Arc<FilterCache>,
}

impl Clone for Cached {
    fn clone(&self) -> Self {
        Cached { filter: self.filter.box_clone(), key: self.key.clone(), cache: self.cache.clone() }
    }
}

impl fmt::Debug for Cached {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Cached").field(&self.filter).finish()
    }
}

impl Query for Cached {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        // A filter only decides which documents pass: it is never scored.
        let filter = self.filter.weight(EnableScoring::disabled_from_schema(scoring.schema()))?;
        Ok(Box::new(CachedWeight { filter, key: self.key.clone(), cache: self.cache.clone() }))
    }
}

struct CachedWeight {
    filter: Box<dyn Weight>,
    key: Arc<str>,
    cache: Arc<FilterCache>,
}

impl CachedWeight {
    fn bits(&self, reader: &SegmentReader) -> tantivy::Result<Arc<DocBits>> {
        let key = (reader.segment_id(), self.key.clone());
        if let Some(bits) = self.cache.get(&key) {
            return Ok(bits);
        }
        // Computed without the lock held: two searches may both compute it.
        let bits = Arc::new(DocBits::collect(self.filter.scorer(reader, 1.0)?.as_mut(), reader.max_doc()));
        self.cache.insert(key, bits.clone());
        Ok(bits)
    }
}

impl Weight for CachedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ConstScorer::new(BitsDocSet::new(self.bits(reader)?), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        if !self.bits(reader)?.contains(doc) {
            return Err(TantivyError::InvalidArgument(format!("Document #({doc}) does not match")));
        }
        Ok(Explanation::new("Cached filter", 1.0))
    }
}

/// The documents of one segment a filter lets through.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DocBits {
    words: Vec<u64>,
    count: u32,
}

impl DocBits {
    fn collect(docs: &mut dyn DocSet, max_doc: DocId) -> DocBits {
        let mut words = vec![0u64; (max_doc as usize).div_ceil(64)];
        let mut count = 0;
        let mut doc = docs.doc();
        while doc != TERMINATED {
            words[doc as usize / 64] |= 1 << (doc % 64);
            count += 1;
            doc = docs.advance();
        }
        DocBits { words, count }
    }

    fn contains(&self, doc: DocId) -> bool {
        self.words.get(doc as usize / 64).is_some_and(|w| w & (1 << (doc % 64)) != 0)
    }

    /// The first document at or after `from`.
    fn next_from(&self, from: DocId) -> DocId {
        let mut i = from as usize / 64;
        let Some(first) = self.words.get(i) else { return TERMINATED };
        let mut word = first & (u64::MAX << (from % 64));
        loop {
            if word != 0 {
                return (i * 64) as DocId + word.trailing_zeros();
            }
            i += 1;
            match self.words.get(i) {
                Some(w) => word = *w,
                None => return TERMINATED,
            }
        }
    }

    fn bytes(&self) -> usize {
        self.words.len() * 8
    }
}

/// A walk through a remembered bit set.
struct BitsDocSet {
    bits: Arc<DocBits>,
    doc: DocId,
}

impl BitsDocSet {
    fn new(bits: Arc<DocBits>) -> BitsDocSet {
        let doc = bits.next_from(0);
        BitsDocSet { bits, doc }
    }
}

impl DocSet for BitsDocSet {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.doc = self.bits.next_from(self.doc + 1);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if target > self.doc {
            self.doc = if target == TERMINATED { TERMINATED } else { self.bits.next_from(target) };
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.bits.count
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    /// The bit set of `docs`, set bit by bit, then collected again through a
    /// walk (which `DocBits::collect` does from any filter's documents).
    fn bits(docs: &BTreeSet<DocId>, max_doc: DocId) -> Arc<DocBits> {
        let mut words = vec![0u64; (max_doc as usize).div_ceil(64)];
        for d in docs {
            words[*d as usize / 64] |= 1 << (d % 64);
        }
        let set = Arc::new(DocBits { words, count: docs.len() as u32 });
        let collected = DocBits::collect(&mut BitsDocSet::new(set.clone()), max_doc);
        assert_eq!(collected, *set);
        set
    }

    proptest! {
        /// Advancing and seeking through the bit set meet the documents of the
        /// set it was made from, in order, whatever the targets.
        #[test]
        fn a_walk_meets_the_documents_it_was_made_of(
            docs in proptest::collection::btree_set(0u32..700, 0..120),
            targets in proptest::collection::vec(0u32..760, 0..40),
        ) {
            let set = bits(&docs, 700);
            prop_assert_eq!(set.count as usize, docs.len());
            let mut walk = BitsDocSet::new(set.clone());
            let mut met = vec![];
            while walk.doc() != TERMINATED {
                met.push(walk.doc());
                walk.advance();
            }
            prop_assert_eq!(&met, &docs.iter().copied().collect::<Vec<_>>());
            let mut targets = targets;
            targets.sort_unstable();
            let mut walk = BitsDocSet::new(set.clone());
            for t in targets {
                let expected = docs.range(t.max(walk.doc())..).next().copied().unwrap_or(TERMINATED);
                let expected = if walk.doc() >= t { walk.doc() } else { expected };
                prop_assert_eq!(walk.seek(t), expected, "seek({})", t);
            }
            for d in 0..760 {
                prop_assert_eq!(set.contains(d), docs.contains(&d));
            }
        }
    }

    #[test]
    fn the_oldest_sets_are_forgotten_beyond_the_budget() {
        let cache = FilterCache::default();
        let big = Arc::new(DocBits { words: vec![0; BUDGET_BYTES / 8 / 4], count: 0 });
        for n in 0..6 {
            cache.insert((SegmentId::generate_random(), format!("filter {n}").into()), big.clone());
        }
        assert_eq!(cache.len(), 4);
        assert!(cache.lock().bytes <= BUDGET_BYTES);
    }
}
