//! The escalation queue: each open case's next escalation firing, bucketed by minute, so that
//! a sweep takes the due buckets in order instead of scanning every case.
//!
//! Every change to a case bumps the case's *generation* and queues its new earliest firing; the
//! entries queued before stay where they are and are dropped as *stale* when a sweep reaches
//! their bucket (their generation is no longer the case's). When stale entries outnumber the
//! live ones four to one (plus a floor), the engine rebuilds the queue from the cases, so memory
//! stays proportional to what is armed. What fires when is decided by the engine
//! (`engine/escalate.rs`); this module only keeps the entries.
//!
//! A replay *defers* the queue: it keeps only each case's latest entry, in a list by case, and
//! queues them once at its end ([`Queue::settle`]). Nothing sweeps during a replay, so the
//! buckets and their stale entries would only be built to be rebuilt.

use std::collections::BTreeMap;

use crate::calendar::{MINUTE_MS, Millis};
use crate::case::CaseId;

/// A queued firing: (instant, case, rule index, the case's generation when it was queued).
pub(crate) type Entry = (Millis, CaseId, u32, u32);

/// The queue, with per-case generations and the count of live (current) entries.
#[derive(Debug, Clone, Default)]
pub(crate) struct Queue {
    /// Entries by minute bucket (`instant div 60 000`).
    buckets: BTreeMap<i64, Vec<Entry>>,
    /// Entries in `buckets`, stale ones included.
    queued: usize,
    /// Per case (by id − 1): its current generation.
    generation: Vec<u32>,
    /// Per case: whether it has a current entry (0 or 1).
    live_of_case: Vec<u32>,
    /// Sum of `live_of_case`.
    live: usize,
    /// While deferred (a replay): each case's current entry, queued at [`Queue::settle`].
    pending: Option<Vec<Option<Entry>>>,
}

impl Queue {
    /// Makes room for one more case (the next id).
    #[inline]
    pub(crate) fn add_case(&mut self) {
        self.generation.push(0);
        if let Some(pending) = &mut self.pending {
            pending.push(None);
        }
    }

    /// Defers queuing until [`Queue::settle`]: a replay, which starts on an empty engine and
    /// sweeps nothing meanwhile.
    pub(crate) fn defer(&mut self) {
        debug_assert!(self.queued == 0, "a replay starts with nothing queued");
        self.pending = Some(vec![None; self.generation.len()]);
    }

    /// Queues the entries kept since [`Queue::defer`], and queues as it goes again.
    pub(crate) fn settle(&mut self) {
        if let Some(pending) = self.pending.take() {
            let cases = pending.len();
            self.rebuild(pending.into_iter().flatten().collect(), cases);
        }
    }

    /// Sets case `idx`'s current entry (none: nothing armed), its generation just bumped;
    /// returns whether the stale entries now outnumber the live ones enough that the queue
    /// should be rebuilt ([`Queue::set_armed`]).
    #[inline]
    pub(crate) fn arm(&mut self, idx: usize, entry: Option<Entry>) -> bool {
        if let Some(pending) = &mut self.pending {
            pending[idx] = entry;
            return false;
        }
        let armed = entry.is_some();
        if let Some(entry) = entry {
            self.push(entry);
        }
        self.set_armed(idx, armed)
    }

    /// Starts a new generation for case `idx` (id − 1), making its queued entries stale, and
    /// returns it.
    #[inline]
    pub(crate) fn bump(&mut self, idx: usize) -> u32 {
        self.generation[idx] = self.generation[idx].wrapping_add(1);
        self.generation[idx]
    }

    /// The current generation of case `idx`.
    #[inline]
    pub(crate) fn generation(&self, idx: usize) -> u32 {
        self.generation[idx]
    }

    /// Queues a firing.
    #[inline]
    pub(crate) fn push(&mut self, entry: Entry) {
        self.buckets
            .entry(entry.0.div_euclid(MINUTE_MS))
            .or_default()
            .push(entry);
        self.queued += 1;
    }

    /// Records whether case `idx` has a current entry; returns whether the stale entries now
    /// outnumber the live ones enough that the queue should be rebuilt.
    #[inline]
    fn set_armed(&mut self, idx: usize, armed: bool) -> bool {
        if self.live_of_case.len() <= idx {
            self.live_of_case.resize(idx + 1, 0);
        }
        let armed = u32::from(armed);
        self.live = self.live - self.live_of_case[idx] as usize + armed as usize;
        self.live_of_case[idx] = armed;
        self.queued > 4 * self.live + 65_536
    }

    /// Forgets the cases from index `cases` on (a rolled-back report); the caller rebuilds the
    /// queue next.
    pub(crate) fn truncate_cases(&mut self, cases: usize) {
        self.generation.truncate(cases);
        if let Some(pending) = &mut self.pending {
            pending.truncate(cases);
        }
        self.live_of_case.truncate(cases);
        let mut dropped = 0;
        for entries in self.buckets.values_mut() {
            let before = entries.len();
            entries.retain(|e| e.1 as usize <= cases);
            dropped += before - entries.len();
        }
        self.queued -= dropped;
    }

    /// Replaces every entry by `entries` (one current entry per armed case, of `cases` cases).
    pub(crate) fn rebuild(&mut self, entries: Vec<Entry>, cases: usize) {
        if let Some(pending) = &mut self.pending {
            *pending = vec![None; cases];
            for entry in entries {
                pending[(entry.1 - 1) as usize] = Some(entry);
            }
            return;
        }
        self.buckets.clear();
        self.queued = 0;
        self.live = entries.len();
        self.live_of_case = vec![0; cases];
        for entry in entries {
            self.live_of_case[(entry.1 - 1) as usize] += 1;
            self.push(entry);
        }
    }

    /// Takes the first bucket if it holds instants of minute `last_bucket` or earlier, with the
    /// stale entries dropped and the rest in time order: (bucket, entries).
    pub(crate) fn pop_due(&mut self, last_bucket: i64) -> Option<(i64, Vec<Entry>)> {
        let entry = self.buckets.first_entry()?;
        if *entry.key() > last_bucket {
            return None;
        }
        let bucket = *entry.key();
        let mut entries = entry.remove();
        self.queued -= entries.len();
        // Stale entries are dropped before ordering the rest (mostly queued in time order
        // already).
        entries.retain(|&(_, id, _, generation)| self.generation[(id - 1) as usize] == generation);
        if !entries.is_sorted() {
            entries.sort_unstable();
        }
        Some((bucket, entries))
    }

    /// Puts entries not yet due back into `bucket`; returns whether any entry of that bucket
    /// is at or before `now` (firings queued into the bucket meanwhile may be due).
    pub(crate) fn put_back(&mut self, bucket: i64, later: Vec<Entry>, now: Millis) -> bool {
        self.queued += later.len();
        let rest = self.buckets.entry(bucket).or_default();
        rest.extend(later);
        rest.iter().any(|e| e.0 <= now)
    }
}
