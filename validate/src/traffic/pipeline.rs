//! A HAR file read on a second thread while the calling thread checks and
//! reports the exchanges already read. Reading (the file's structure, each
//! entry's fields, the bodies' strings decoded) costs a little less than
//! checking (routing, each body parsed and validated, the report written),
//! so the reader also judges exchanges (routes and validates them) whenever
//! the checker is behind, and the checker then only reports them: the work
//! is shared out as the two threads go, whichever is faster on the machine.
//!
//! The reader hands over the exchanges in batches, copied into a batch's
//! two buffers (an exchange borrows from the read buffer, which the reader
//! moves on), through a bounded channel: memory stays that of a few
//! batches, whatever the size of the file. Emptied batches come back to the
//! reader to be filled again, so a run allocates only its first few.

use std::cell::Cell;
use std::io::BufRead;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use intercom_runtime::Position;
use std::borrow::Cow;

use crate::exchanges::{self, Body, Exchange, ReadError};

/// A batch is handed over when it holds this many exchanges, or this many
/// bytes of bodies (whichever comes first), and this many batches wait for
/// the checker at most. Batches of 16 met too often (each thread waited on
/// the other); more batches waiting, or bigger ones, leave the checker more
/// to go through alone once the reader is done (half a millisecond with 4
/// of 64, of about 22 on the benchmark's 10,000 exchanges).
const ENTRIES: usize = 32;
const BYTES: usize = 256 << 10;
const WAITING: usize = 2;

/// Reads the HAR `input` on a second thread and calls `check` with each
/// entry in the file's order, as `exchanges::read_har` does on one: the
/// same entries, and the same `Err` after them when the file as a whole
/// cannot be read. With an entry comes what `judge` found for it when the
/// reader had the time to judge it, or `None` (always `None` for an entry
/// that could not be read). A panic on the reader's side is resumed here
/// after the entries read before it are checked; when `check` panics, the
/// reader stops at its next read and the panic goes on once it has.
pub(super) fn check_har<V: Send>(
    input: impl BufRead + Send,
    judge: impl Fn(&Exchange<'_>) -> V + Send,
    mut check: impl FnMut(Result<Exchange<'_>, ReadError>, Option<V>),
) -> Result<(), ReadError> {
    // Batches the checker has taken from the channel.
    let taken = &AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let (send, batches) = mpsc::sync_channel::<Batch<V>>(WAITING);
        let (give_back, emptied) = mpsc::channel::<Batch<V>>();
        let reader = scope.spawn(move || {
            let stopped = Cell::new(false);
            let mut filling = Filling {
                batch: Batch::default(),
                send,
                emptied,
                judge,
                size: 4,
                sent: 0,
                taken,
                stopped: &stopped,
            };
            let input = Stoppable {
                input,
                stopped: &stopped,
            };
            exchanges::read_har(input, |entry| filling.push(entry))
            // `filling` is dropped here, handing over the last batch.
        });
        // Ends when the reader has returned (or panicked) and everything it
        // sent has been taken.
        for mut batch in batches.iter() {
            taken.fetch_add(1, Ordering::Relaxed);
            let Batch {
                words,
                bodies,
                entries,
                ..
            } = &mut batch;
            for entry in entries.drain(..) {
                match entry {
                    Ok((packed, verdict)) => check(Ok(packed.exchange(words, bodies)), verdict),
                    Err(error) => check(Err(error), None),
                }
            }
            // The reader may be gone (it has sent its last batch).
            let _ = give_back.send(batch);
        }
        match reader.join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Exchanges read and not yet checked, their strings in two buffers, each
/// with its verdict once the reader has judged it.
struct Batch<V> {
    /// Methods, URLs and media types, one after another.
    words: String,
    /// The bodies' texts (not always UTF-8: a body may be decoded from base64).
    bodies: Vec<u8>,
    entries: Vec<Result<(Packed, Option<V>), ReadError>>,
    /// The entries before this one have been judged (or cannot be).
    judged: usize,
}

impl<V> Default for Batch<V> {
    fn default() -> Self {
        Batch {
            words: String::new(),
            bodies: Vec::new(),
            entries: Vec::new(),
            judged: 0,
        }
    }
}

/// An exchange of a batch: its strings are ranges of the batch's buffers.
struct Packed {
    entry: u64,
    line: u64,
    method: Range<usize>,
    target: Range<usize>,
    status: Option<u16>,
    request: Option<PackedBody>,
    response: Option<PackedBody>,
}

struct PackedBody {
    media_type: Option<Range<usize>>,
    text: Range<usize>,
    origin: Option<Position>,
    utf8: bool,
    /// Rare (a body that could not be decoded): kept as it is.
    unreadable: Option<String>,
}

impl<V> Batch<V> {
    fn push(&mut self, entry: Result<Exchange<'_>, ReadError>) {
        let packed = entry.map(|exchange| {
            let method = push_str(&mut self.words, &exchange.method);
            let target = push_str(&mut self.words, &exchange.target);
            let mut body = |body: Option<Body<'_>>| {
                body.map(|body| PackedBody {
                    media_type: body
                        .media_type
                        .map(|media_type| push_str(&mut self.words, &media_type)),
                    text: {
                        let start = self.bodies.len();
                        self.bodies.extend_from_slice(&body.text);
                        start..self.bodies.len()
                    },
                    origin: body.origin,
                    utf8: body.utf8,
                    unreadable: body.unreadable,
                })
            };
            Packed {
                entry: exchange.entry,
                line: exchange.line,
                method,
                target,
                status: exchange.status,
                request: body(exchange.request),
                response: body(exchange.response),
            }
        });
        self.entries.push(packed.map(|packed| (packed, None)));
    }

    /// Judges the next entry not judged yet; `false` when there is none.
    fn judge_next(&mut self, judge: &impl Fn(&Exchange<'_>) -> V) -> bool {
        let Some(entry) = self.entries.get_mut(self.judged) else {
            return false;
        };
        self.judged += 1;
        if let Ok((packed, verdict)) = entry {
            *verdict = Some(judge(&packed.exchange(&self.words, &self.bodies)));
        }
        true
    }

    fn is_full(&self, entries: usize) -> bool {
        self.entries.len() >= entries || self.bodies.len() >= BYTES
    }

    /// Emptied for the reader to fill again; a batch that once held an
    /// entry much bigger than a batch gives that memory back.
    fn clear(&mut self) {
        self.words.clear();
        self.bodies.clear();
        self.entries.clear();
        self.judged = 0;
        if self.bodies.capacity() > 4 * BYTES {
            self.bodies.shrink_to(BYTES);
        }
        if self.words.capacity() > BYTES {
            self.words.shrink_to(BYTES / 4);
        }
    }
}

fn push_str(words: &mut String, s: &str) -> Range<usize> {
    let start = words.len();
    words.push_str(s);
    start..words.len()
}

impl Packed {
    fn exchange<'b>(&self, words: &'b str, bodies: &'b [u8]) -> Exchange<'b> {
        let body = |body: &PackedBody| Body {
            media_type: body
                .media_type
                .clone()
                .map(|range| Cow::Borrowed(&words[range])),
            text: Cow::Borrowed(&bodies[body.text.clone()]),
            origin: body.origin,
            utf8: body.utf8,
            unreadable: body.unreadable.clone(),
        };
        Exchange {
            entry: self.entry,
            line: self.line,
            method: Cow::Borrowed(&words[self.method.clone()]),
            target: Cow::Borrowed(&words[self.target.clone()]),
            status: self.status,
            request: self.request.as_ref().map(body),
            response: self.response.as_ref().map(body),
        }
    }
}

/// The reader's batch being filled. Dropping it hands over what it holds,
/// also when the reader unwinds from a panic: the exchanges read before the
/// panic are checked before it is resumed, as they are on one thread.
struct Filling<'s, V, J: Fn(&Exchange<'_>) -> V> {
    batch: Batch<V>,
    send: mpsc::SyncSender<Batch<V>>,
    emptied: mpsc::Receiver<Batch<V>>,
    judge: J,
    /// Entries a batch, growing to `ENTRIES` over the first batches: the
    /// checker starts as soon as the first few entries are read.
    size: usize,
    /// Batches sent, and taken by the checker: at the end of the file, the
    /// last batch is judged here while the checker has others to go through.
    sent: usize,
    taken: &'s AtomicUsize,
    stopped: &'s Cell<bool>,
}

impl<V, J: Fn(&Exchange<'_>) -> V> Filling<'_, V, J> {
    fn push(&mut self, entry: Result<Exchange<'_>, ReadError>) {
        if self.stopped.get() {
            return;
        }
        self.batch.push(entry);
        if self.batch.is_full(self.size) {
            self.size = (self.size * 2).min(ENTRIES);
            let mut next = self.emptied.try_recv().unwrap_or_default();
            next.clear();
            let full = std::mem::replace(&mut self.batch, next);
            self.hand_over(full);
        }
    }

    /// Sends `batch` to the checker; while the checker is behind (the
    /// channel is full), judges the batch's entries one at a time, to be
    /// only reported when it gets there.
    fn hand_over(&mut self, mut batch: Batch<V>) {
        self.sent += 1;
        loop {
            batch = match self.send.try_send(batch) {
                Ok(()) => return,
                Err(mpsc::TrySendError::Full(batch)) => batch,
                // The checker is gone (it panicked): reading stops.
                Err(mpsc::TrySendError::Disconnected(_)) => {
                    self.stopped.set(true);
                    return;
                }
            };
            // Not while unwinding (the last batch of a reader that panicked
            // goes as it is): a second panic would abort.
            if std::thread::panicking() || !batch.judge_next(&self.judge) {
                break;
            }
        }
        if self.send.send(batch).is_err() {
            self.stopped.set(true);
        }
    }
}

impl<V, J: Fn(&Exchange<'_>) -> V> Drop for Filling<'_, V, J> {
    fn drop(&mut self) {
        if !self.stopped.get() && !self.batch.entries.is_empty() {
            let mut last = std::mem::take(&mut self.batch);
            // Done reading: the last batch is judged here while the checker
            // has batches before it to go through (not while unwinding).
            if !std::thread::panicking() {
                while self.taken.load(Ordering::Relaxed) < self.sent {
                    if !last.judge_next(&self.judge) {
                        break;
                    }
                }
            }
            self.hand_over(last);
        }
    }
}

/// The reader's input, which ends as soon as the checker is gone: a file of
/// any size is not read to its end for no one.
struct Stoppable<'s, R> {
    input: R,
    stopped: &'s Cell<bool>,
}

impl<R: BufRead> std::io::Read for Stoppable<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.stopped.get() {
            return Ok(0);
        }
        self.input.read(buf)
    }
}

impl<R: BufRead> BufRead for Stoppable<'_, R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.stopped.get() {
            return Ok(&[]);
        }
        self.input.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.input.consume(amount);
    }
}

#[cfg(test)]
mod tests {
    use super::check_har;
    use crate::exchanges::{Exchange, ReadError, read_har};
    use std::io::{BufReader, Read};
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::sync::atomic::{AtomicUsize, Ordering};

    const ENTRY: &str = r#"{"request": {"method": "GET", "url": "https://api.intercom.io/tags"}, "response": {"status": 200, "content": {"mimeType": "application/json", "text": "{\"type\": \"list\", \"data\": []}"}}}"#;

    /// A HAR whose entries do not end (before 64 MiB, so that a reader that
    /// does not stop fails the test instead of hanging it); `read` counts
    /// the bytes given out, and it panics after `panic_after` of them.
    struct Endless<'a> {
        read: &'a AtomicUsize,
        panic_after: usize,
    }

    impl Read for Endless<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let at = self.read.load(Ordering::Relaxed);
            assert!(at < self.panic_after, "the input breaks");
            if at > 64 << 20 {
                return Ok(0);
            }
            let head = "{\"log\": {\"entries\": [";
            let text = if at == 0 {
                head.to_owned()
            } else {
                format!("{ENTRY},\n")
            };
            let n = text.len().min(buf.len());
            buf[..n].copy_from_slice(&text.as_bytes()[..n]);
            // An entry cut by a small buffer is given again whole: the
            // buffers here are bigger than an entry.
            assert_eq!(n, text.len());
            self.read.store(at + n, Ordering::Relaxed);
            Ok(n)
        }
    }

    fn line(exchange: &Exchange<'_>) -> String {
        format!(
            "{} {} {} {:?}",
            exchange.entry, exchange.line, exchange.method, exchange.status
        )
    }

    fn describe(entry: &Result<Exchange<'_>, ReadError>) -> String {
        match entry {
            Ok(exchange) => line(exchange),
            Err(error) => format!("{:?} {}", error.entry, error.message),
        }
    }

    /// When the checker panics, the panic comes out of `check_har` (it does
    /// not wait forever for a reader blocked on a full channel) and the
    /// reader stops reading soon after, on an input that would never end.
    #[test]
    fn a_panic_of_the_checker_stops_the_reader_and_goes_on() {
        let read = AtomicUsize::new(0);
        let input = BufReader::new(Endless {
            read: &read,
            panic_after: usize::MAX,
        });
        let mut checked = 0;
        let panic = catch_unwind(AssertUnwindSafe(|| {
            check_har(input, line, |_, _| {
                checked += 1;
                assert!(checked < 1000, "the checker breaks");
            })
        }))
        .unwrap_err();
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"the checker breaks"));
        assert_eq!(checked, 1000);
        // The reader is at most a few batches and a read buffer ahead.
        let read = read.load(Ordering::Relaxed);
        assert!(read < 1000 * ENTRY.len() + (1 << 20), "{read}");
    }

    /// When the reader panics, the entries it read before are checked, as
    /// on one thread, and the panic comes out of `check_har` after them.
    #[test]
    fn a_panic_of_the_reader_comes_out_after_the_entries_before_it() {
        let run = |two: bool| {
            let read = AtomicUsize::new(0);
            let input = BufReader::with_capacity(
                4096,
                Endless {
                    read: &read,
                    panic_after: 300 * ENTRY.len(),
                },
            );
            let mut checked = Vec::new();
            let panic = catch_unwind(AssertUnwindSafe(|| {
                if two {
                    check_har(input, |_| (), |entry, _| checked.push(describe(&entry)))
                } else {
                    read_har(input, |entry| checked.push(describe(&entry)))
                }
            }))
            .unwrap_err();
            assert_eq!(
                panic.downcast_ref::<&str>(),
                Some(&"the input breaks"),
                "two threads: {two}"
            );
            checked
        };
        let one = run(false);
        assert!(one.len() > 250, "{}", one.len());
        assert_eq!(run(true), one);
    }

    /// A checker slower than the reader gets exchanges already judged, each
    /// with the verdict `judge` gives it; the entries and their order are
    /// those of one thread.
    #[test]
    fn the_reader_judges_for_a_slow_checker() {
        let text = format!(
            "{{\"log\": {{\"entries\": [{}, 7]}}}}",
            vec![ENTRY; 2000].join(",\n")
        );
        let mut one = Vec::new();
        read_har(text.as_bytes(), |entry| one.push(describe(&entry))).unwrap();
        let mut two = Vec::new();
        let mut judged = 0;
        check_har(text.as_bytes(), line, |entry, verdict| {
            if two.len() % 64 == 0 {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            match (&entry, verdict) {
                (Ok(exchange), Some(verdict)) => {
                    assert_eq!(verdict, line(exchange));
                    judged += 1;
                }
                (Ok(_), None) => {}
                (Err(_), verdict) => assert!(verdict.is_none()),
            }
            two.push(describe(&entry));
        })
        .unwrap();
        assert_eq!(two, one);
        assert!(judged > 0, "{judged}");
    }
}
