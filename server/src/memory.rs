//! What the process gives back to the system. glibc's allocator keeps memory
//! that was freed in the middle of its arenas (one per thread that allocated,
//! up to eight per core) until something asks for it back; a server that built
//! its index, seeded the demo or hashed many passwords at once otherwise
//! keeps the high-water mark of that work for as long as it runs. Measured
//! with `tawasul serve --demo` after 25 s: 126 MiB resident, of which 50 MiB
//! were free blocks that trimming returned; about 68 MiB once it had been
//! quiet for a while (most of the rest is the program's own code, mapped in).
//!
//! Elsewhere than on glibc the functions below do nothing.

use std::time::Duration;

/// How often the process looks whether it has been quiet.
const LOOK_EVERY: Duration = Duration::from_secs(30);
/// Quiet: less CPU than this share of one core since the last look. Trimming
/// walks each arena's free blocks under that arena's lock (10 ms for the
/// 55 MiB after the demo's start-up), and pages handed back are faulted in
/// again when used: under load that cost lands on requests (P2's p99 at 50
/// subscribers rose from 4.1 to 7.1 times Node's, mean of four interleaved
/// runs, when it trimmed every 30 s regardless), and there is little to win.
const QUIET_SHARE: f64 = 0.05;

/// Has blocks of 4 MiB and more come straight from the kernel and go back
/// to it when freed, always. By default glibc raises that threshold to the
/// size of the largest such block freed so far: after the first password
/// hash (Argon2's 19 MiB) every later one came from a thread's arena and
/// stayed there (24 log-ins at once left 456 MiB behind, now under 1 MiB:
/// `many_log_ins_at_once_leave_no_memory_behind`). Below 4 MiB (the index
/// writer's 1 MiB pages, upload parts) nothing changes. Called first thing
/// in `main`.
pub fn return_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets a parameter of the allocator, under its own
    // lock; it reads and writes no memory of ours.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 4 << 20);
    }
}

/// Hands the arenas' free pages back whenever the process has been quiet
/// since the last look, off the async workers; runs until aborted.
pub async fn trim_when_quiet() {
    let mut last = cpu_seconds();
    loop {
        tokio::time::sleep(LOOK_EVERY).await;
        let now = cpu_seconds();
        if let (Some(before), Some(now)) = (last, now)
            && now - before < QUIET_SHARE * LOOK_EVERY.as_secs_f64()
        {
            let _ = tokio::task::spawn_blocking(trim).await;
        }
        last = now;
    }
}

/// The CPU time this process has used (user and system), in seconds; `None`
/// where `/proc` does not say.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces:
    // utime and stime are the 12th and 13th, in clock ticks (100 a second on Linux).
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split(' ').skip(11);
    let utime: f64 = fields.next()?.parse().ok()?;
    let stime: f64 = fields.next()?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// Hands the arenas' free pages back now.
pub fn trim() {
    let started = std::time::Instant::now();
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only releases pages of free blocks, under each
    // arena's lock; no memory in use is touched.
    unsafe {
        libc::malloc_trim(0);
    }
    tracing::debug!(micros = started.elapsed().as_micros() as u64, "free memory handed back");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The right fields at the right scale: one thread spinning is seen to
    /// spend CPU, and no more of it than the time that passed.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_process_cpu_time_is_read_and_grows_with_work() {
        let before = cpu_seconds().expect("/proc/self/stat is read");
        let started = std::time::Instant::now();
        let mut x = 0u64;
        let spent = loop {
            for _ in 0..100_000 {
                x = std::hint::black_box(x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
            }
            let spent = cpu_seconds().unwrap() - before;
            if spent >= 0.2 || started.elapsed() > Duration::from_secs(20) {
                break spent;
            }
        };
        let wall = started.elapsed().as_secs_f64();
        assert!(spent >= 0.2, "spinning for {wall} s read as {spent} s of CPU");
        assert!(spent <= wall + 0.05, "one thread read as {spent} s of CPU in {wall} s");
    }
}
