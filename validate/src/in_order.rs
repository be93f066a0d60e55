//! Many inputs read and judged on every core, their results handed over in
//! the inputs' order: the report is the same whichever thread read what.

use std::collections::VecDeque;
use std::sync::{Mutex, mpsc};

/// How many items may be started ahead of the first whose result is awaited
/// (or two runs a thread, on a machine with more threads than that leaves
/// work for): it bounds the results held back behind one slow item (a big
/// file among small ones).
pub const AHEAD: usize = 64;

/// Calls `work` on every item, on up to `threads` threads, and `each` on
/// the results in the items' order, on the calling thread. A panic in
/// `work` stops the handing over and is raised again on the calling thread.
pub fn map_in_order<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    work: impl Fn(&T) -> R + Sync,
    mut each: impl FnMut(R),
) {
    let threads = threads.min(items.len());
    if threads <= 1 {
        items.iter().for_each(|item| each(work(item)));
        return;
    }
    // Items go out in runs, a hand-over (a wake-up of the waiting thread)
    // per run rather than per item; short runs when there are few items, so
    // that every thread gets some.
    let run = (items.len() / (threads * 8)).clamp(1, 16);
    let (jobs, queue) = mpsc::channel::<(&[T], mpsc::SyncSender<Vec<R>>)>();
    let queue = Mutex::new(queue);
    std::thread::scope(|scope| {
        // Owned by this closure, so that leaving it, by a panic too, closes
        // the queue and the workers stop instead of waiting for jobs.
        let jobs = jobs;
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    // The lock is held while waiting for a job, not while working on it.
                    let job = match queue.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => return,
                    };
                    let Ok((items, slot)) = job else { return };
                    // The calling thread may have stopped waiting (a panic elsewhere).
                    let _ = slot.send(items.iter().map(&work).collect());
                }
            });
        }
        // Runs handed out and not yet handed over.
        let window = (AHEAD / run).max(2 * threads);
        let mut awaited = VecDeque::with_capacity(window);
        let mut runs = items.chunks(run);
        loop {
            while awaited.len() < window
                && let Some(items) = runs.next()
            {
                let (slot, results) = mpsc::sync_channel(1);
                // Cannot fail: the workers hold the queue until `jobs` is dropped.
                let _ = jobs.send((items, slot));
                awaited.push_back(results);
            }
            let Some(next) = awaited.pop_front() else {
                break;
            };
            match next.recv() {
                Ok(results) => results.into_iter().for_each(&mut each),
                // Its worker panicked; leaving the scope raises the panic.
                Err(_) => break,
            }
        }
        drop(jobs);
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn results_come_in_the_order_of_the_items_whatever_each_takes() {
        let items: Vec<u64> = (0..500).collect();
        for threads in [0, 1, 2, 3, 8] {
            let mut seen = Vec::new();
            map_in_order(
                &items,
                threads,
                |&item| {
                    // Later items often finish first.
                    std::thread::sleep(Duration::from_micros((item * 7919) % 13 * 40));
                    item * 2
                },
                |result| seen.push(result),
            );
            let doubled: Vec<u64> = items.iter().map(|item| item * 2).collect();
            assert_eq!(seen, doubled, "{threads} threads");
        }
    }

    #[test]
    fn no_more_than_the_window_is_started_ahead_of_a_slow_first_item() {
        let items: Vec<usize> = (0..AHEAD * 4).collect();
        let started = AtomicUsize::new(0);
        let mut first = None;
        map_in_order(
            &items,
            4,
            |&item| {
                started.fetch_add(1, Ordering::SeqCst);
                if item == 0 {
                    std::thread::sleep(Duration::from_millis(100));
                }
                item
            },
            |item| {
                if item == 0 {
                    first = Some(started.load(Ordering::SeqCst));
                }
            },
        );
        let first = first.expect("the first item was handed over");
        assert!(
            first <= AHEAD,
            "{first} items started before the first was handed over"
        );
        assert!(first > 1, "the other threads went on meanwhile");
    }

    #[test]
    fn every_thread_has_work_when_there_are_many() {
        let items: Vec<usize> = (0..1000).collect();
        let (busy, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        map_in_order(
            &items,
            8,
            |&item| {
                let now = busy.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_micros(300));
                busy.fetch_sub(1, Ordering::SeqCst);
                item
            },
            drop,
        );
        assert_eq!(most.load(Ordering::SeqCst), 8);
    }

    #[test]
    fn a_panic_in_the_work_reaches_the_caller() {
        let items: Vec<usize> = (0..200).collect();
        let handed = Mutex::new(Vec::new());
        let outcome = std::panic::catch_unwind(|| {
            map_in_order(
                &items,
                2,
                |&item| {
                    assert_ne!(item, 77, "item 77 cannot be worked on");
                    item
                },
                |item| handed.lock().unwrap().push(item),
            );
        });
        assert!(outcome.is_err());
        // What was handed over is in order and stops before the item that
        // panicked (the items of its run are held back with it).
        let handed = handed.into_inner().unwrap();
        assert!(handed.len() <= 77, "{handed:?}");
        assert!(handed.iter().copied().eq(0..handed.len()), "{handed:?}");
    }

    #[test]
    fn a_panic_in_the_handing_over_stops_the_workers() {
        let items: Vec<usize> = (0..AHEAD * 3).collect();
        let outcome = std::panic::catch_unwind(|| {
            map_in_order(&items, 2, |&item| item, |item| assert_ne!(item, 5));
        });
        // Reaching this line at all means the workers did not wait forever.
        assert!(outcome.is_err());
    }
}
