//! An ordered parallel map with bounded memory: workers on a rayon pool take
//! the next index from a shared counter and compute its result; the calling
//! thread receives the results and hands them to a sink in index order, each
//! as soon as every earlier one has been handed over.
//!
//! A worker never runs more than `window` indices ahead of the sink, so the
//! results waiting for an earlier, slower one are bounded whatever the
//! number of items; the output is the same whatever the number of threads.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, mpsc};

/// How far ahead of the sink the workers may run, for `threads` threads.
pub(super) fn window(threads: usize) -> usize {
    (threads * 8).max(64)
}

/// Shared state of one run.
struct Shared {
    /// The next index to hand to a worker.
    next: AtomicUsize,
    /// Set when the sink fails or a worker panics: take no more work.
    stop: AtomicBool,
    /// How many results the sink has taken.
    written: Mutex<usize>,
    advanced: Condvar,
    window: usize,
}

impl Shared {
    /// Wait until index `i` is inside the window; false when stopping.
    fn admit(&self, i: usize) -> bool {
        let mut w = self.written.lock().unwrap_or_else(|e| e.into_inner());
        while i >= *w + self.window {
            if self.stop.load(Ordering::Relaxed) {
                return false;
            }
            w = self.advanced.wait(w).unwrap_or_else(|e| e.into_inner());
        }
        !self.stop.load(Ordering::Relaxed)
    }

    fn advance(&self, written: usize) {
        *self.written.lock().unwrap_or_else(|e| e.into_inner()) = written;
        self.advanced.notify_all();
    }

    fn halt(&self) {
        self.stop.store(true, Ordering::Relaxed);
        // Under the lock, so that no waiter misses the wake-up.
        let _w = self.written.lock().unwrap_or_else(|e| e.into_inner());
        self.advanced.notify_all();
    }
}

/// Stops the run if a worker unwinds, so that the others do not wait for
/// its result forever (the panic is then re-raised by the scope).
struct HaltOnPanic<'a>(&'a Shared);

impl Drop for HaltOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.halt();
        }
    }
}

/// Compute `work(i)` for every `i` in `0..n` on the pool's threads (the
/// global pool when `pool` is `None`) and give the results to `sink` on the
/// calling thread, in order of `i`. The first error of `sink` stops the run
/// (work in progress is finished and dropped) and is returned.
pub(super) fn ordered<T, E, W, S>(
    pool: Option<&rayon::ThreadPool>,
    n: usize,
    work: W,
    mut sink: S,
) -> Result<(), E>
where
    T: Send,
    W: Fn(usize) -> T + Sync,
    S: FnMut(T) -> Result<(), E>,
{
    let threads = pool
        .map_or_else(rayon::current_num_threads, |p| p.current_num_threads())
        .clamp(1, n.max(1));
    let shared = Shared {
        next: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
        written: Mutex::new(0),
        advanced: Condvar::new(),
        window: window(threads),
    };
    match pool {
        Some(p) => p.in_place_scope(|scope| run(scope, &shared, &work, n, threads, &mut sink)),
        None => rayon::in_place_scope(|scope| run(scope, &shared, &work, n, threads, &mut sink)),
    }
}

/// The workers, spawned on `scope`, and the sink, on this thread.
fn run<'s, T, E, W, S>(
    scope: &rayon::Scope<'s>,
    shared: &'s Shared,
    work: &'s W,
    n: usize,
    threads: usize,
    sink: &mut S,
) -> Result<(), E>
where
    T: Send + 's,
    W: Fn(usize) -> T + Sync,
    S: FnMut(T) -> Result<(), E>,
{
    let _guard = HaltOnPanic(shared);
    let (tx, rx) = mpsc::channel::<(usize, T)>();
    for _ in 0..threads {
        let tx = tx.clone();
        scope.spawn(move |_| {
            let _guard = HaltOnPanic(shared);
            loop {
                let i = shared.next.fetch_add(1, Ordering::Relaxed);
                if i >= n || !shared.admit(i) {
                    break;
                }
                if tx.send((i, work(i))).is_err() {
                    break;
                }
            }
        });
    }
    drop(tx);
    let mut pending: BTreeMap<usize, T> = BTreeMap::new();
    let mut at = 0;
    for (i, t) in &rx {
        pending.insert(i, t);
        let before = at;
        while let Some(t) = pending.remove(&at) {
            at += 1;
            if let Err(e) = sink(t) {
                shared.halt();
                return Err(e);
            }
        }
        if at != before {
            shared.advance(at);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(n: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    }

    #[test]
    fn results_come_in_order_whatever_the_threads() {
        for threads in [1, 2, 4] {
            let p = pool(threads);
            let mut got = Vec::new();
            let r: Result<(), ()> = ordered(
                Some(&p),
                1000,
                |i| {
                    // Uneven work, so that results finish out of order.
                    if i % 7 == 0 {
                        std::thread::sleep(std::time::Duration::from_micros(200));
                    }
                    i * 2
                },
                |t| {
                    got.push(t);
                    Ok(())
                },
            );
            assert!(r.is_ok());
            assert_eq!(got, (0..1000).map(|i| i * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn no_work_and_the_global_pool() {
        let r: Result<(), ()> = ordered(None, 0, |i| i, |_| Err(()));
        assert!(r.is_ok());
        let mut n = 0;
        let r: Result<(), ()> = ordered(
            None,
            10,
            |i| i,
            |_| {
                n += 1;
                Ok(())
            },
        );
        assert!(r.is_ok());
        assert_eq!(n, 10);
    }

    #[test]
    fn a_failing_sink_stops_the_run() {
        let p = pool(2);
        let done = AtomicUsize::new(0);
        let r = ordered(
            Some(&p),
            100_000,
            |i| {
                done.fetch_add(1, Ordering::Relaxed);
                i
            },
            |i| if i == 10 { Err(i) } else { Ok(()) },
        );
        assert_eq!(r, Err(10));
        // The workers stopped within the window, not at the end.
        assert!(done.load(Ordering::Relaxed) <= 11 + window(2) + 2);
    }

    #[test]
    fn workers_stay_inside_the_window() {
        let p = pool(2);
        let slow_done = AtomicBool::new(false);
        let max_ahead = AtomicUsize::new(0);
        let r: Result<(), ()> = ordered(
            Some(&p),
            2000,
            |i| {
                if i == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                    slow_done.store(true, Ordering::SeqCst);
                } else if !slow_done.load(Ordering::SeqCst) {
                    max_ahead.fetch_max(i, Ordering::SeqCst);
                }
                i
            },
            |_| Ok(()),
        );
        assert!(r.is_ok());
        assert!(max_ahead.load(Ordering::SeqCst) < window(2));
    }
}
