//! Chunked data parallelism on scoped threads: the one place the crate starts worker threads.
//!
//! Bulk operations (point location, coordinate conversion and the geometry checks of
//! [`crate::spatial`], validation and tallying of case records in [`crate::score`]) cut their
//! input into contiguous chunks with [`map_chunks`] (or [`map`] for a vector of independent
//! items), run each chunk on its own scoped thread ([`std::thread::scope`]) and get the chunks'
//! results back in input order, so no result depends on the number of threads. Each caller
//! chooses its thread count with [`thread_count`]: a requested count (0 for every available
//! core), capped so that every thread gets enough work to pay for starting it.
//!
//! # Panics
//!
//! One policy for every caller: a worker's panic is a bug in gridgov, not a fault in the
//! caller's data, so it is re-raised in the calling thread with
//! [`std::panic::resume_unwind`], carrying the worker's own payload (that of the first
//! panicking chunk, in chunk order). It is never turned into an [`Error`](crate::Error). The
//! bindings turn a panic that reaches them into their own "internal error" (the C ABI's panic
//! guard, Python's `PanicException`).

use std::ops::Range;

/// Work that can be cut into contiguous pieces: an index range, a slice (shared or mutable), a
/// vector, or a pair of them cut at the same place (for inputs and outputs of equal length).
pub(crate) trait Split: Send + Sized {
    /// Number of items.
    fn items(&self) -> usize;

    /// The first `mid` items and the rest (`mid <= items()`).
    fn cut(self, mid: usize) -> (Self, Self);
}

impl Split for Range<usize> {
    fn items(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    fn cut(self, mid: usize) -> (Self, Self) {
        let cut = self.start + mid;
        (self.start..cut, cut..self.end)
    }
}

impl<T: Sync> Split for &[T] {
    fn items(&self) -> usize {
        <[T]>::len(self)
    }

    fn cut(self, mid: usize) -> (Self, Self) {
        <[T]>::split_at(self, mid)
    }
}

impl<T: Send> Split for &mut [T] {
    fn items(&self) -> usize {
        <[T]>::len(self)
    }

    fn cut(self, mid: usize) -> (Self, Self) {
        self.split_at_mut(mid)
    }
}

impl<T: Send> Split for Vec<T> {
    fn items(&self) -> usize {
        Vec::len(self)
    }

    fn cut(mut self, mid: usize) -> (Self, Self) {
        let tail = self.split_off(mid);
        (self, tail)
    }
}

impl<A: Split, B: Split> Split for (A, B) {
    fn items(&self) -> usize {
        debug_assert_eq!(
            self.0.items(),
            self.1.items(),
            "both halves of a pair have equal lengths"
        );
        self.0.items()
    }

    fn cut(self, mid: usize) -> (Self, Self) {
        let (a0, a1) = self.0.cut(mid);
        let (b0, b1) = self.1.cut(mid);
        ((a0, b0), (a1, b1))
    }
}

/// How many threads to use for `items` items: `requested`, or every available core when it is
/// 0, but no more than one thread per `min_per_thread` items, and at least one.
pub(crate) fn thread_count(requested: usize, items: usize, min_per_thread: usize) -> usize {
    let threads = if requested == 0 {
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
    } else {
        requested
    };
    threads.min(items.div_ceil(min_per_thread.max(1))).max(1)
}

/// Cuts `work` into contiguous chunks of `work.items().div_ceil(threads)` items (the last one
/// shorter) and returns `f(chunk)` for every chunk, in chunk order.
///
/// With one thread, or when everything fits in one chunk, `f` runs once on the calling thread
/// over the whole of `work` (also when it is empty). Otherwise every chunk runs on its own
/// scoped thread while the caller waits; at most `threads` chunks are made.
///
/// # Panics
///
/// When a worker panics: the panic of the first panicking chunk (in chunk order) is re-raised
/// in the caller with its own payload, after every other worker has finished (see the
/// [module documentation](self)).
pub(crate) fn map_chunks<S, R>(work: S, threads: usize, f: impl Fn(S) -> R + Sync) -> Vec<R>
where
    S: Split,
    R: Send,
{
    let n = work.items();
    let size = n.div_ceil(threads.max(1)).max(1);
    if n <= size {
        return vec![f(work)];
    }
    // Cut from the end, so that a vector moves each item at most once.
    let mut chunks = Vec::with_capacity(n.div_ceil(size));
    let mut rest = work;
    let mut len = n;
    while len > size {
        let start = (len - 1) / size * size;
        let (head, tail) = rest.cut(start);
        chunks.push(tail);
        rest = head;
        len = start;
    }
    chunks.push(rest);
    chunks.reverse();
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let worker = std::thread::Builder::new().name(crate::WORKER_THREAD_NAME.into());
                match worker.spawn_scoped(scope, move || f(chunk)) {
                    Ok(handle) => handle,
                    // As `scope.spawn` would: the system refused a thread.
                    Err(e) => panic!("cannot start a worker thread: {e}"),
                }
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
            })
            .collect()
    })
}

/// `f` applied to every item of `items`, in order, the items cut into chunks as by
/// [`map_chunks`] (whose panic policy applies).
pub(crate) fn map<T, R>(items: Vec<T>, threads: usize, f: impl Fn(T) -> R + Sync) -> Vec<R>
where
    T: Send,
    R: Send,
{
    let mut chunks = map_chunks(items, threads, |chunk| {
        chunk.into_iter().map(&f).collect::<Vec<R>>()
    });
    if chunks.len() == 1 {
        return chunks.pop().unwrap_or_default();
    }
    chunks.into_iter().flatten().collect()
}

/// `a` on a scoped thread while `b` runs on the calling thread (a pipeline of two stages), with
/// both results; the panic policy of [`map_chunks`] (`a`'s panic first).
pub(crate) fn join<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB,
    RA: Send,
{
    std::thread::scope(|scope| {
        let handle = scope.spawn(a);
        let rb = std::panic::catch_unwind(std::panic::AssertUnwindSafe(b));
        let ra = handle
            .join()
            .unwrap_or_else(|payload| std::panic::resume_unwind(payload));
        (
            ra,
            rb.unwrap_or_else(|payload| std::panic::resume_unwind(payload)),
        )
    })
}

/// `f` applied to pieces of `piece` items of `items` on `threads` worker threads, each piece's
/// result handed to `g` on the calling thread **in piece order** as soon as it and every piece
/// before it are done: a pipeline whose first stage runs on every core and whose second stage
/// (sequential work such as a hash chain) overlaps with it. `g` returns whether to go on; once
/// it returns `false` no piece is handed to it again and the workers stop taking new pieces.
///
/// With one thread, or when everything fits in one piece, both run on the calling thread,
/// piece by piece.
///
/// # Panics
///
/// As [`map_chunks`]: a worker's panic is re-raised in the caller with its own payload (the
/// first worker's in thread order), after every worker has finished; a panic of `g` likewise,
/// after the workers.
pub(crate) fn pieces_in_order<T, R>(
    items: &[T],
    threads: usize,
    piece: usize,
    f: impl Fn(&[T]) -> R + Sync,
    mut g: impl FnMut(R) -> bool,
) where
    T: Sync,
    R: Send,
{
    let piece = piece.max(1);
    let pieces = items.len().div_ceil(piece);
    let nth = |i: usize| &items[i * piece..((i + 1) * piece).min(items.len())];
    if threads <= 1 || pieces <= 1 {
        for i in 0..pieces {
            if !g(f(nth(i))) {
                return;
            }
        }
        return;
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let (f, next, stop, nth) = (&f, &next, &stop, &nth);
    std::thread::scope(|scope| {
        let (done, received) = std::sync::mpsc::channel::<(usize, R)>();
        let handles: Vec<_> = (0..threads.min(pieces))
            .map(|_| {
                let done = done.clone();
                let worker = std::thread::Builder::new().name(crate::WORKER_THREAD_NAME.into());
                let work = move || {
                    use std::sync::atomic::Ordering::Relaxed;
                    while !stop.load(Relaxed) {
                        let i = next.fetch_add(1, Relaxed);
                        if i >= pieces || done.send((i, f(nth(i)))).is_err() {
                            break;
                        }
                    }
                };
                match worker.spawn_scoped(scope, work) {
                    Ok(handle) => handle,
                    // As `scope.spawn` would: the system refused a thread.
                    Err(e) => panic!("cannot start a worker thread: {e}"),
                }
            })
            .collect();
        drop(done);
        // Pieces come back in any order; each waits here until the ones before it are handed on.
        let consumed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut waiting = std::collections::BTreeMap::new();
            let mut want = 0;
            for (i, r) in received {
                waiting.insert(i, r);
                while let Some(r) = waiting.remove(&want) {
                    want += 1;
                    if !g(r) {
                        stop.store(true, std::sync::atomic::Ordering::Relaxed);
                        return;
                    }
                }
            }
        }));
        if consumed.is_err() {
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        for h in handles {
            if let Err(payload) = h.join() {
                std::panic::resume_unwind(payload);
            }
        }
        if let Err(payload) = consumed {
            std::panic::resume_unwind(payload);
        }
    });
}

/// `text` cut into `threads` byte ranges of about equal size, each ending after a line break
/// (the last at the end of the text): whole lines, for line-by-line work on each chunk.
pub(crate) fn line_chunks(text: &str, threads: usize) -> Vec<Range<usize>> {
    let threads = threads.max(1);
    let bytes = text.as_bytes();
    let mut chunks = Vec::with_capacity(threads);
    let mut from = 0;
    for k in 1..=threads {
        let to = if k == threads {
            bytes.len()
        } else {
            let mid = (bytes.len() * k / threads).max(from);
            bytes[mid..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(bytes.len(), |i| mid + i + 1)
        };
        chunks.push(from..to);
        from = to;
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_chunks_hold_whole_lines() {
        let text = "a\nbb\n\nccc\nd";
        for threads in 0..8 {
            let chunks = line_chunks(text, threads);
            assert_eq!(chunks.first().map(|r| r.start), Some(0));
            assert_eq!(chunks.last().map(|r| r.end), Some(text.len()));
            for w in chunks.windows(2) {
                assert_eq!(w[0].end, w[1].start);
                let whole = w[0].end == text.len() || text[w[0].clone()].ends_with('\n');
                assert!(w[0].is_empty() || whole);
            }
        }
    }

    #[test]
    fn chunks_are_those_of_slice_chunks() {
        for n in 0..40 {
            for threads in 1..9 {
                let items: Vec<usize> = (0..n).collect();
                let got = map_chunks(items.as_slice(), threads, <[usize]>::to_vec);
                let want: Vec<Vec<usize>> = if threads == 1 || n <= n.div_ceil(threads) {
                    vec![items.clone()]
                } else {
                    items
                        .chunks(n.div_ceil(threads))
                        .map(<[usize]>::to_vec)
                        .collect()
                };
                assert_eq!(got, want, "n {n}, threads {threads}");
                assert!(got.len() <= threads);
                let ranges = map_chunks(0..n, threads, Iterator::collect::<Vec<_>>);
                assert_eq!(ranges, want);
                let owned = map_chunks(items.clone(), threads, |v| v);
                assert_eq!(owned, want);
            }
        }
    }

    #[test]
    fn pairs_and_mutable_slices_are_cut_together() {
        let input: Vec<u64> = (0..1000).collect();
        let mut out = vec![0u64; 1000];
        let mut twice = vec![0u64; 1000];
        map_chunks(
            (input.as_slice(), (out.as_mut_slice(), twice.as_mut_slice())),
            4,
            |(x, (o, t))| {
                for ((x, o), t) in x.iter().zip(o.iter_mut()).zip(t.iter_mut()) {
                    *o = x + 1;
                    *t = 2 * x;
                }
            },
        );
        assert!(out.iter().zip(&input).all(|(o, x)| *o == x + 1));
        assert!(twice.iter().zip(&input).all(|(t, x)| *t == 2 * x));
    }

    #[test]
    fn map_keeps_the_order() {
        let items: Vec<String> = (0..100).map(|i| i.to_string()).collect();
        for threads in [1, 2, 3, 7, 100, 1000] {
            let got = map(items.clone(), threads, |s| s.parse::<usize>().unwrap_or(0));
            assert_eq!(got, (0..100).collect::<Vec<_>>());
        }
        assert!(map(Vec::<u8>::new(), 4, |x| x).is_empty());
    }

    #[test]
    fn thread_counts() {
        assert_eq!(thread_count(3, 1_000_000, 10), 3);
        assert_eq!(thread_count(8, 25, 10), 3);
        assert_eq!(thread_count(8, 0, 10), 1);
        assert_eq!(thread_count(8, 10, 0), 8);
        assert!(thread_count(0, usize::MAX, 1) >= 1);
    }

    #[test]
    fn a_worker_panic_is_re_raised_with_its_payload() {
        let caught = std::panic::catch_unwind(|| {
            map_chunks(0..100, 4, |r| {
                assert!(!r.contains(&60), "worker saw row 60");
                r.len()
            })
        });
        let payload = caught.expect_err("the panic reaches the caller");
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        assert_eq!(message, "worker saw row 60");
    }

    #[test]
    fn pieces_come_in_order_and_stop_when_asked() {
        let items: Vec<u32> = (0..1000).collect();
        for threads in [1, 2, 3, 8] {
            for piece in [1, 7, 100, 1000, 5000] {
                let mut seen = Vec::new();
                pieces_in_order(&items, threads, piece, <[u32]>::to_vec, |p| {
                    seen.extend(p);
                    true
                });
                assert_eq!(seen, items, "{threads} threads, pieces of {piece}");
                // stopping after the third piece hands on exactly three
                let mut handed = 0;
                pieces_in_order(&items, threads, piece, <[u32]>::len, |_| {
                    handed += 1;
                    handed < 3
                });
                assert_eq!(handed, 3.min(items.len().div_ceil(piece)));
            }
        }
        let mut none = 0;
        pieces_in_order(&[] as &[u32], 2, 10, <[u32]>::len, |_| {
            none += 1;
            true
        });
        assert_eq!(none, 0);
    }

    #[test]
    fn a_panic_in_either_stage_of_the_pieces_is_re_raised() {
        let items: Vec<u32> = (0..100).collect();
        let message = |payload: Box<dyn std::any::Any + Send>| {
            payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default()
        };
        let worker = std::panic::catch_unwind(|| {
            pieces_in_order(
                &items,
                2,
                10,
                |p| assert!(!p.contains(&60), "worker saw 60"),
                |()| true,
            );
        });
        assert_eq!(message(worker.expect_err("re-raised")), "worker saw 60");
        let consumer = std::panic::catch_unwind(|| {
            pieces_in_order(
                &items,
                2,
                10,
                |p| p[0],
                |first| {
                    assert!(first != 30, "consumer saw 30");
                    true
                },
            );
        });
        assert_eq!(message(consumer.expect_err("re-raised")), "consumer saw 30");
    }
}
