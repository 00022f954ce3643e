//! A group's working times as sorted runs, for the medians and 90th
//! percentiles of groups made of many parts: the days and months rolled up
//! (each row's times kept in order) and the transactions read live.
//!
//! Adding a part shares its runs rather than copying its values. A
//! percentile is then found whichever way costs less for the group's shape:
//! by counting across the runs (a binary search per run for each value
//! tried: the platform's year, two million times in a few thousand long
//! runs), or by gathering the times and selecting among them (an entity's
//! year per employee, department and type: thousands of runs of one or two
//! times each, where counting would visit every run thirty times over).

use std::sync::Arc;

/// Working seconds, each run in ascending order.
#[derive(Debug, Clone, Default)]
pub struct Times {
    runs: Vec<Arc<[i64]>>,
    len: usize,
}

impl Times {
    /// Times in any order (sorted here unless they already are).
    pub fn of(mut values: Vec<i64>) -> Times {
        if !values.is_sorted() {
            values.sort_unstable();
        }
        let len = values.len();
        if len == 0 {
            return Times::default();
        }
        Times { runs: vec![values.into()], len }
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

    /// Several percentiles at once, gathering the times at most once.
    pub fn percentiles<const N: usize>(&self, ps: [u32; N]) -> [Option<f64>; N] {
        if self.len == 0 {
            return [None; N];
        }
        let ranks = ps.map(|p| self.rank(p));
        if self.counting_is_cheaper() {
            ranks.map(|r| Some(self.nth_by_counting(r) as f64))
        } else {
            let mut all = self.gathered();
            ranks.map(|r| Some(nth_by_selecting(&mut all, r) as f64))
        }
    }

    fn rank(&self, p: u32) -> u64 {
        (u64::from(p) * self.len as u64).div_ceil(100).clamp(1, self.len as u64)
    }

    /// Counting tries about 32 values (halving the range of working
    /// seconds), each a binary search in every run; gathering copies every
    /// time and selects among them, a few passes over them.
    fn counting_is_cheaper(&self) -> bool {
        let runs = self.runs.len().max(1);
        let per_run = (self.len / runs).max(1);
        let searches = 32 * runs * (usize::BITS - per_run.leading_zeros()) as usize;
        searches < 4 * self.len
    }

    fn gathered(&self) -> Vec<i64> {
        let mut all = Vec::with_capacity(self.len);
        for r in &self.runs {
            all.extend_from_slice(r);
        }
        all
    }

    /// The `rank`th smallest time (1 ≤ rank ≤ len): the least value that at
    /// least `rank` of the times are at or below. It lies between the least
    /// first and the greatest last of the runs; halving that range finds it.
    fn nth_by_counting(&self, rank: u64) -> i64 {
        let at_or_below = |v: i64| -> u64 { self.runs.iter().map(|r| r.partition_point(|t| *t <= v) as u64).sum() };
        let mut lo = self.runs.iter().map(|r| r[0]).min().unwrap_or(0);
        let mut hi = self.runs.iter().map(|r| r[r.len() - 1]).max().unwrap_or(0);
        // Invariant: fewer than `rank` times are below `lo`, and at least
        // `rank` are at or below `hi`.
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if at_or_below(mid) >= rank {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        lo
    }

    /// Every time, in order (for comparing groups).
    pub fn to_sorted_vec(&self) -> Vec<i64> {
        let mut all = self.gathered();
        all.sort_unstable();
        all
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
        let ten = Times::of((1..=10).rev().collect());
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
    fn many_tiny_runs_are_gathered_and_a_few_long_ones_counted() {
        let mut tiny = Times::default();
        for v in 0..1000 {
            tiny.add(&Times::of(vec![v]));
        }
        assert!(!tiny.counting_is_cheaper());
        let mut long = Times::default();
        for r in 0..10 {
            long.add(&Times::of((0..10_000).map(|v| v * 10 + r).collect()));
        }
        assert!(long.counting_is_cheaper());
        assert_eq!((tiny.percentile(50), long.percentile(50)), (Some(499.0), Some(49_999.0)));
    }

    proptest! {
        /// Cut into any runs, the times give the percentiles of all of them
        /// gathered and selected among.
        #[test]
        fn runs_give_the_percentiles_of_the_whole(
            values in prop::collection::vec((0..100_000i64, 0..5usize), 1..200),
            p in 0..=100u32,
        ) {
            let mut parts = Times::default();
            for run in 0..5 {
                parts.add(&Times::of(values.iter().filter(|v| v.1 == run).map(|v| v.0).collect()));
            }
            let all: Vec<i64> = values.iter().map(|v| v.0).collect();
            prop_assert_eq!(parts.len(), all.len());
            let expected = by_sorting(all.clone(), p);
            prop_assert_eq!(parts.percentile(p), expected);
            // Both ways, whichever the shape would choose.
            let rank = parts.rank(p);
            prop_assert_eq!(Some(parts.nth_by_counting(rank) as f64), expected);
            prop_assert_eq!(Some(nth_by_selecting(&mut parts.gathered(), rank) as f64), expected);
        }
    }
}
