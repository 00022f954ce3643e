//! A group's working times as sorted runs, for the medians and 90th
//! percentiles of groups made of many parts: the days and months rolled up
//! (each row's times kept in order) and the transactions read live.
//!
//! Adding a part shares its runs rather than copying its values. A
//! percentile is found in two passes whatever the group's shape (the
//! platform's year, two million times in a thousand long runs; an entity's
//! year per employee, department and type, thousands of runs of one or two
//! times): one pass counts every time into a small histogram over the range
//! the runs span, then the few times of the bucket that holds the rank are
//! picked out of each run (a binary search, the runs being sorted) and
//! selected among. Both passes read memory in order, and one way serves
//! every shape: the platform's percentiles at 1,000,000 take ~11 ms, where
//! counting across the runs (a binary search in every run for each of
//! thirty values tried) took ~13 ms and gathering more for the long runs.

use std::sync::Arc;

/// At most this many buckets: the histogram stays in the first-level cache.
const MAX_BUCKETS: usize = 2048;
/// About this many times per bucket for a small group (one bucket below
/// it: the group is gathered and selected among).
const PER_BUCKET: usize = 16;

/// Working seconds, each run in ascending order.
#[derive(Debug, Clone, Default)]
pub struct Times {
    runs: Vec<Arc<[i64]>>,
    len: usize,
}

impl Times {
    /// Times in any order (sorted here unless they already are); a run read
    /// in order is taken as it is, shared.
    pub fn of(values: impl Into<Arc<[i64]>>) -> Times {
        let mut run: Arc<[i64]> = values.into();
        if run.is_empty() {
            return Times::default();
        }
        if !run.is_sorted() {
            let mut sorted = run.to_vec();
            sorted.sort_unstable();
            run = sorted.into();
        }
        Times { len: run.len(), runs: vec![run] }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Counts `o`'s times in too, sharing its runs.
    pub fn add(&mut self, o: &Times) {
        self.runs.extend(o.runs.iter().cloned());
        self.len += o.len;
    }

    /// The `p`th percentile by nearest rank: the value at rank ⌈p/100 × n⌉ of
    /// all the times in order (the median of four is the second).
    pub fn percentile(&self, p: u32) -> Option<f64> {
        self.percentiles([p])[0]
    }

    /// Several percentiles at once, from one histogram.
    pub fn percentiles<const N: usize>(&self, ps: [u32; N]) -> [Option<f64>; N] {
        if self.len == 0 {
            return [None; N];
        }
        let histogram = Histogram::of(self);
        ps.map(|p| Some(histogram.nth(self, self.rank(p)) as f64))
    }

    fn rank(&self, p: u32) -> u64 {
        (u64::from(p) * self.len as u64).div_ceil(100).clamp(1, self.len as u64)
    }

    fn gathered(&self) -> Vec<i64> {
        let mut all = Vec::with_capacity(self.len);
        for r in &self.runs {
            all.extend_from_slice(r);
        }
        all
    }

    /// Every time, in order (for comparing groups).
    pub fn to_sorted_vec(&self) -> Vec<i64> {
        let mut all = self.gathered();
        all.sort_unstable();
        all
    }
}

/// How many of a group's times fall in each of equal ranges of values, from
/// the least time on; each range `1 << shift` wide.
struct Histogram {
    least: i64,
    shift: u32,
    counts: Vec<u64>,
}

impl Histogram {
    fn of(t: &Times) -> Histogram {
        // The runs are sorted and none is empty: the ends bound every time.
        let least = t.runs.iter().map(|r| r[0]).min().unwrap_or(0);
        let greatest = t.runs.iter().map(|r| r[r.len() - 1]).max().unwrap_or(0);
        let buckets = (t.len / PER_BUCKET).clamp(1, MAX_BUCKETS).next_power_of_two();
        // The least shift that brings the span under `buckets`.
        let span = greatest.abs_diff(least);
        let shift = (u64::BITS - span.leading_zeros()).saturating_sub(buckets.trailing_zeros());
        let mut counts = vec![0u64; buckets];
        for r in &t.runs {
            for v in r.iter() {
                counts[v.abs_diff(least).checked_shr(shift).unwrap_or(0) as usize] += 1;
            }
        }
        Histogram { least, shift, counts }
    }

    /// The `rank`th smallest time (1 ≤ rank ≤ len): the bucket that holds
    /// it, then its place among that bucket's times.
    fn nth(&self, t: &Times, rank: u64) -> i64 {
        let mut below = 0;
        let mut bucket = self.counts.len() - 1;
        for (b, n) in self.counts.iter().enumerate() {
            if below + n >= rank {
                bucket = b;
                break;
            }
            below += n;
        }
        // The bucket's values are [start, end); `end` may pass i64's range.
        let start = i128::from(self.least) + ((bucket as i128) << self.shift);
        let end = start + (1i128 << self.shift);
        let mut within = Vec::with_capacity(self.counts[bucket] as usize);
        for r in &t.runs {
            let a = r.partition_point(|v| i128::from(*v) < start);
            let b = r.partition_point(|v| i128::from(*v) < end);
            within.extend_from_slice(&r[a..b]);
        }
        nth_by_selecting(&mut within, rank - below)
    }
}

/// The `rank`th smallest of `values` (1 ≤ rank ≤ len), reordering them.
fn nth_by_selecting(values: &mut [i64], rank: u64) -> i64 {
    let i = usize::try_from(rank).unwrap_or(usize::MAX).clamp(1, values.len()) - 1;
    *values.select_nth_unstable(i).1
}

/// Two groups are equal when they hold the same times, however cut in runs.
impl PartialEq for Times {
    fn eq(&self, o: &Times) -> bool {
        self.len == o.len && self.to_sorted_vec() == o.to_sorted_vec()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Nearest rank the plain way: all the times sorted, and the one at rank.
    fn by_sorting(mut all: Vec<i64>, p: u32) -> Option<f64> {
        all.sort_unstable();
        let rank = (p as usize * all.len()).div_ceil(100).max(1);
        all.get(rank - 1).map(|v| *v as f64)
    }

    #[test]
    fn percentiles_are_by_nearest_rank() {
        assert_eq!(Times::of(vec![7]).percentile(90), Some(7.0));
        let ten = Times::of((1..=10).rev().collect::<Vec<_>>());
        assert_eq!((ten.percentile(50), ten.percentile(90), ten.percentile(100)), (Some(5.0), Some(9.0), Some(10.0)));
    }

    #[test]
    fn nearest_rank_across_runs() {
        let mut t = Times::of(vec![40, 10]);
        t.add(&Times::of(vec![30, 20]));
        assert_eq!((t.percentile(50), t.percentile(90), t.len()), (Some(20.0), Some(40.0), 4));
        assert_eq!(Times::default().percentile(50), None);
        assert_eq!(Times::of(vec![]).len(), 0);
        let mut same = Times::of(vec![7, 7, 7]);
        same.add(&Times::of(vec![7]));
        assert_eq!((same.percentile(1), same.percentile(100)), (Some(7.0), Some(7.0)));
        assert_eq!(t.percentiles([50, 90]), [Some(20.0), Some(40.0)]);
    }

    #[test]
    fn a_sorted_run_is_shared_as_it_is() {
        let run: Arc<[i64]> = Arc::from(vec![1, 2, 3]);
        let t = Times::of(run.clone());
        assert!(Arc::ptr_eq(&t.runs[0], &run));
        assert_eq!(Times::of(vec![3, 1, 2]).runs[0].as_ref(), &[1, 2, 3]);
    }

    /// The shapes statistics give: a few long runs (the platform's months),
    /// many runs of one (an employee's days), times crowded into one bucket
    /// beside a far one, and the widest span there is.
    #[test]
    fn every_shape_gives_the_plain_answer() {
        let mut long = Times::default();
        let mut tiny = Times::default();
        for r in 0..10 {
            long.add(&Times::of((0..10_000).map(|v| v * 10 + r).collect::<Vec<_>>()));
        }
        for v in 0..1000 {
            tiny.add(&Times::of(vec![v]));
        }
        assert_eq!((long.percentile(50), long.percentile(90)), (Some(49_999.0), Some(89_999.0)));
        assert_eq!((tiny.percentile(50), tiny.percentile(90)), (Some(499.0), Some(899.0)));
        let mut crowded = Times::of(vec![5; 100_000]);
        crowded.add(&Times::of(vec![4, 6, 3_000_000]));
        assert_eq!(crowded.percentiles([1, 50, 100]), [Some(5.0), Some(5.0), Some(3_000_000.0)]);
        let wide = Times::of(vec![i64::MIN, -1, 0, 1, i64::MAX]);
        assert_eq!(
            wide.percentiles([20, 40, 60, 100]),
            [Some(i64::MIN as f64), Some(-1.0), Some(0.0), Some(i64::MAX as f64)]
        );
    }

    proptest! {
        /// Cut into any runs, the times give the percentiles of all of them
        /// sorted.
        #[test]
        fn runs_give_the_percentiles_of_the_whole(
            values in prop::collection::vec((prop_oneof![0..100_000i64, any::<i64>(), 0..3i64], 0..5usize), 1..2000),
            p in 0..=100u32,
        ) {
            let mut parts = Times::default();
            for run in 0..5 {
                parts.add(&Times::of(values.iter().filter(|v| v.1 == run).map(|v| v.0).collect::<Vec<_>>()));
            }
            let all: Vec<i64> = values.iter().map(|v| v.0).collect();
            prop_assert_eq!(parts.len(), all.len());
            prop_assert_eq!(parts.percentile(p), by_sorting(all, p));
        }
    }
}
