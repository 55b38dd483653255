//! Committing: every public call that changes the engine (report, act, sweep) runs as one
//! transaction. The call computes its changes on the engine while an undo log keeps the cases
//! it touches; then the new events go to the engine's sinks (the journal of
//! `crate::journal`, a host's [`EventSink`]); if the call fails, a sink refuses, or the call
//! panics, the engine is put back exactly as it was (cases, events, the escalation queue). A
//! batch ([`Engine::begin_batch`]) defers the sinks to its end and commits all or nothing.

use std::panic::{self, AssertUnwindSafe};
use std::sync::{Mutex, PoisonError};

use crate::calendar::Millis;
use crate::case::{Case, CaseId};
use crate::error::{Error, Result};
use crate::event;
use crate::sink::{Commit, EventSink, line_after};

use super::Engine;
use super::sinks::{Mark, Rollback, Undo};

/// Undo entries whose room the log keeps between calls.
const UNDO_KEPT: usize = 4096;

impl Engine {
    pub(super) fn mark(&self) -> Mark {
        Mark {
            events: self.events.len(),
            cases: self.cases.len(),
            undo: self.undo.len(),
            last_event_at: self.last_event_at,
        }
    }

    /// Empties the undo log; after a big call (a sweep that changed most cases) its buffer is
    /// given back, so that one such call does not hold a copy of every case for good.
    pub(super) fn clear_undo(&mut self) {
        self.undo.clear();
        self.undo.shrink_to(UNDO_KEPT);
    }

    /// Keeps a copy of case `idx` before a change (not while replaying: a failed replay
    /// discards its engine).
    #[inline]
    pub(super) fn save_case(&mut self, idx: usize, old: Case) {
        if !self.replaying {
            self.undo.push(Undo::Case(idx, old));
        }
    }

    /// Runs one changing call as a transaction: on success its events are committed to the
    /// sinks (or left for the open batch); on error, refusal by a sink or panic, the engine is
    /// put back as it was before the call. While the host's sink is behind the journal the
    /// call is refused before it starts ([`Error::SinkBehind`]); when the journal commits the
    /// call's events and the host's sink then fails, the engine keeps them and the call returns
    /// [`Error::SinkBehind`].
    pub(super) fn transact<T>(
        &mut self,
        queue: Rollback,
        f: impl FnOnce(&mut Engine) -> Result<T>,
    ) -> Result<T> {
        self.refuse_while_behind()?;
        let mark = self.mark();
        let out = panic::catch_unwind(AssertUnwindSafe(|| f(self)));
        let out = match out {
            Ok(Ok(v)) if self.sinks.batch.is_some() => return Ok(v),
            Ok(Ok(v)) => match panic::catch_unwind(AssertUnwindSafe(|| self.commit_since(mark))) {
                Ok(Ok(None)) => Ok(v),
                Ok(Ok(Some(behind))) => {
                    // The journal has the events: the engine keeps them.
                    self.undo.clear();
                    return Err(behind);
                }
                Ok(Err(e)) => Err(e),
                Err(payload) => {
                    self.rollback(mark, queue);
                    self.clear_undo();
                    panic::resume_unwind(payload);
                }
            },
            Ok(Err(e)) => Err(e),
            Err(payload) => {
                self.rollback(mark, queue);
                if self.sinks.batch.is_some() {
                    self.sinks.batch_failed = Some("a call panicked".into());
                }
                panic::resume_unwind(payload);
            }
        };
        match out {
            Ok(v) => {
                self.clear_undo();
                self.forget_committed();
                Ok(v)
            }
            Err(e) => {
                self.rollback(mark, queue);
                if self.sinks.batch.is_some() && self.sinks.batch_failed.is_none() {
                    self.sinks.batch_failed = Some(e.to_string());
                }
                Err(e)
            }
        }
    }

    /// Hands the events since `mark` to the sinks (journal first, then the host's): all take
    /// them, or the first refusal is returned after the earlier sinks were told to drop them.
    /// `Ok(Some(error))`: the journal committed them but the host's sink failed to (the head
    /// moves on, the sink is marked behind, `error` is the [`Error::SinkBehind`] to return).
    fn commit_since(&mut self, mark: Mark) -> Result<Option<Error>> {
        if self.events.len() == mark.events
            || (self.sinks.durable.is_none() && self.sinks.host.is_none())
        {
            return Ok(None);
        }
        let mut durable = self.sinks.durable.take().map(unlock);
        let mut host = self.sinks.host.take().map(unlock);
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            self.deliver_since(mark, durable.as_deref_mut(), host.as_deref_mut())
        }));
        self.sinks.durable = durable.map(Mutex::new);
        self.sinks.host = host.map(Mutex::new);
        let (head, behind) = match result {
            Ok(result) => result?,
            Err(payload) => panic::resume_unwind(payload),
        };
        self.sinks.head = head;
        Ok(behind.map(|e| {
            let sink_seq = self.events[mark.events].seq - 1;
            self.sinks.behind = Some(sink_seq);
            Error::SinkBehind {
                sink_seq,
                committed_seq: self.committed_seq(),
                reason: e.to_string(),
            }
        }))
    }

    /// Builds the commit of the events since `mark` and delivers it; returns the new head, and
    /// the host's error when the journal committed but the host's sink did not.
    fn deliver_since(
        &self,
        mark: Mark,
        durable: Option<&mut (dyn EventSink + 'static)>,
        host: Option<&mut (dyn EventSink + 'static)>,
    ) -> Result<([u8; 32], Option<Error>)> {
        let (behind, head) =
            self.with_commit(&self.events[mark.events..], self.sinks.head, |commit| {
                deliver(commit, durable, host)
            })?;
        Ok((head, behind?))
    }

    /// Builds the commit of `events` (chained after `prev`, the cases they touched as they are
    /// now) and hands it to `f`; returns `f`'s answer and the chain link of the last event.
    pub(super) fn with_commit<R>(
        &self,
        events: &[crate::event::Event],
        prev: [u8; 32],
        f: impl FnOnce(&Commit<'_>) -> R,
    ) -> Result<(R, [u8; 32])> {
        let mut hashes = Vec::with_capacity(events.len());
        let mut hex = Vec::with_capacity(events.len());
        let mut lines = Vec::with_capacity(events.len());
        let mut link = prev;
        for e in events {
            let (line, h);
            (line, link, h) = line_after(&link, e)?;
            hashes.push(link);
            hex.push(h);
            lines.push(line);
        }
        // a migration (case 0) belongs to no case
        let mut case_ids: Vec<CaseId> = events.iter().map(|e| e.case).filter(|&c| c != 0).collect();
        case_ids.sort_unstable();
        case_ids.dedup();
        let cases = case_ids
            .iter()
            .map(|&id| {
                let case = self.case(id)?;
                Ok((case, self.deadline_of(case)?))
            })
            .collect::<Result<Vec<(&Case, Option<Millis>)>>>()?;
        let commit = Commit {
            events,
            lines: &lines,
            hashes: &hashes,
            hex: &hex,
            prev,
            case_ids: &case_ids,
            cases: &cases,
            model: &self.model,
        };
        Ok((f(&commit), link))
    }

    /// Puts the engine back to `mark`: cases from the undo log (newest first, so each ends as
    /// its oldest copy), events and cases created since cut off, the queue rescheduled or
    /// rebuilt.
    pub(super) fn rollback(&mut self, mark: Mark, queue: Rollback) {
        let mut touched = Vec::new();
        while self.undo.len() > mark.undo {
            match self.undo.pop() {
                Some(Undo::Case(idx, case)) => {
                    if idx < self.cases.len() {
                        self.cases[idx] = case;
                    }
                    touched.push(idx);
                }
                Some(Undo::Trail(idx, trail)) => {
                    if idx < self.trails.len() {
                        self.trails[idx] = trail;
                    }
                }
                None => break,
            }
        }
        touched.sort_unstable();
        touched.dedup();
        // Each touched case's last event before the mark.
        for &idx in &touched {
            if idx >= mark.cases || idx >= self.last_of_case.len() {
                continue;
            }
            let mut i = self.last_of_case[idx];
            while i != u32::MAX && u64::from(i) >= self.base + mark.events as u64 {
                i = self.prev_of_case[(u64::from(i) - self.base) as usize];
            }
            self.last_of_case[idx] = i;
        }
        let removed = self.cases.len() > mark.cases;
        self.events.truncate(mark.events);
        self.prev_of_case.truncate(mark.events);
        self.cases.truncate(mark.cases);
        self.last_of_case.truncate(mark.cases);
        self.trails.truncate(mark.cases);
        self.last_event_at = mark.last_event_at;
        if queue == Rollback::Rebuild || removed {
            self.queue.truncate_cases(mark.cases);
            // The rebuild cannot fail where it did not before: every case is as it was when its
            // entry was computed. Should it fail, the queue is left empty of that case's entry.
            let _ = self.rebuild_queue();
        } else {
            for idx in touched {
                if idx < self.cases.len() && self.reschedule(idx as CaseId + 1).is_err() {
                    let _ = self.rebuild_queue();
                    break;
                }
            }
        }
    }

    /// Attaches a host's sink (replacing any), or detaches it with `None`. The sink takes
    /// every later commit; events already recorded are **not** sent (on an engine with history,
    /// a host that lacks some of them is caught up with [`Engine::set_sink_from`]). Either way
    /// the engine no longer counts a sink as behind ([`Engine::sink_behind`]): the caller says
    /// the new sink holds every event so far.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] inside an open batch; as [`crate::event::chain`] while computing
    /// the chain head of the events already recorded.
    pub fn set_sink(&mut self, sink: Option<Box<dyn EventSink>>) -> Result<()> {
        if self.sinks.batch.is_some() {
            return Err(Error::invalid(
                "sink",
                "(set)",
                "cannot change the sink inside a batch",
            ));
        }
        if sink.is_some() && !self.keep_events && self.sinks.durable.is_none() {
            return Err(self.no_journal());
        }
        if sink.is_some() && self.sinks.durable.is_none() && self.sinks.host.is_none() {
            self.sinks.head = event::chain_head(&self.events)?;
        }
        self.sinks.host = sink.map(Mutex::new);
        self.sinks.behind = None;
        Ok(())
    }

    /// When the events stay on disk and a journal took the commit: drops the committed events
    /// from memory (the last call's stay until the next, for its return value). A clone has no
    /// journal: its events stay in memory.
    fn forget_committed(&mut self) {
        if !self.keep_events && self.sinks.durable.is_some() && self.sinks.batch.is_none() {
            self.forget_events();
        }
    }

    /// Events on disk from now on ([`crate::journal::OpenOptions::keep_events`] off): drops
    /// the events in memory, which the journal holds.
    pub(crate) fn keep_events_on_disk(&mut self) {
        self.keep_events = false;
        self.base += self.events.len() as u64;
        self.events = Vec::new();
        self.prev_of_case = Vec::new();
        self.recent = Vec::new();
    }

    /// Attaches the durable store (the journal) whose stored chain ends at `head`.
    pub(crate) fn attach_durable(&mut self, sink: Box<dyn EventSink>, head: [u8; 32]) {
        self.sinks.durable = Some(Mutex::new(sink));
        self.sinks.head = head;
    }

    /// Whether a journal takes the commits.
    pub(crate) fn has_durable(&self) -> bool {
        self.sinks.durable.is_some()
    }

    /// Whether a sink or journal takes the commits.
    pub fn has_sink(&self) -> bool {
        self.sinks.durable.is_some() || self.sinks.host.is_some()
    }

    /// Opens a batch: later reports, actions and sweeps apply to the engine as usual, but reach
    /// the journal and the sink only at [`Engine::commit_batch`], all in one commit. If any call
    /// inside the batch fails, the whole batch commits nothing ([`Engine::commit_batch`] puts the
    /// engine back to where the batch began and says why).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] when a batch is already open; [`Error::SinkBehind`] while the
    /// host's sink is behind the journal.
    pub fn begin_batch(&mut self) -> Result<()> {
        self.refuse_while_behind()?;
        if self.sinks.batch.is_some() {
            return Err(Error::invalid("batch", "(open)", "a batch is already open"));
        }
        self.clear_undo();
        self.sinks.batch = Some(self.mark());
        self.sinks.batch_failed = None;
        Ok(())
    }

    /// Whether a batch is open.
    pub fn in_batch(&self) -> bool {
        self.sinks.batch.is_some()
    }

    /// Commits the open batch: every event since [`Engine::begin_batch`] in one commit to the
    /// journal and the sink. Returns the number of events committed.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] when no batch is open, or when a call inside it failed (then
    /// nothing is committed and the engine is back where the batch began); the sink's or
    /// journal's error when it refuses (likewise); [`Error::SinkBehind`] when the journal
    /// committed the batch but the host's sink failed to (the engine keeps the batch).
    pub fn commit_batch(&mut self) -> Result<usize> {
        let Some(mark) = self.sinks.batch.take() else {
            return Err(Error::invalid("batch", "(none)", "no batch is open"));
        };
        if let Some(reason) = self.sinks.batch_failed.take() {
            self.rollback(mark, Rollback::Rebuild);
            self.clear_undo();
            return Err(Error::invalid(
                "batch",
                format!("{} events", self.events.len() - mark.events),
                format!("a call inside the batch failed ({reason}); nothing was committed"),
            ));
        }
        let n = self.events.len() - mark.events;
        let out = match panic::catch_unwind(AssertUnwindSafe(|| self.commit_since(mark))) {
            Ok(out) => out,
            Err(payload) => {
                self.rollback(mark, Rollback::Rebuild);
                self.clear_undo();
                panic::resume_unwind(payload);
            }
        };
        if out.is_err() {
            self.rollback(mark, Rollback::Rebuild);
        }
        self.clear_undo();
        let behind = out?;
        // Committed (to the journal at least): events that stay on disk leave memory.
        self.forget_committed();
        match behind {
            None => Ok(n),
            // The journal has the batch: the engine keeps it.
            Some(behind) => Err(behind),
        }
    }

    /// Drops the open batch: the engine goes back to where [`Engine::begin_batch`] left it and
    /// nothing reaches the journal or the sink. Returns the number of events dropped.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] when no batch is open.
    pub fn rollback_batch(&mut self) -> Result<usize> {
        let Some(mark) = self.sinks.batch.take() else {
            return Err(Error::invalid("batch", "(none)", "no batch is open"));
        };
        self.sinks.batch_failed = None;
        let n = self.events.len() - mark.events;
        self.rollback(mark, Rollback::Rebuild);
        self.clear_undo();
        Ok(n)
    }

    /// Runs `f` as one batch: commits everything it did in one commit, or, when `f` or the
    /// commit fails, nothing (the engine is back where it was).
    ///
    /// # Errors
    /// `f`'s error, or as [`Engine::commit_batch`].
    ///
    /// # Examples
    /// ```
    /// use std::sync::Arc;
    /// use gridgov::case::{Action, Actor, Report, Source};
    /// let mut eng = gridgov::engine::Engine::new(Arc::new(gridgov::Model::sample()));
    /// let report = Report { category: "C0101".into(), grid: "37990100100101".into(), point: None,
    ///     urgency: None, source: Source::Supervisor, description: String::new(), contact: None,
    ///     contact_sha256: None };
    /// let refused = eng.batch(|eng| {
    ///     let id = eng.report(Actor::Worker("SV001".into()), 1_759_219_200_000, report.clone())?;
    ///     eng.act(id, Actor::Worker("SV001".into()), 1_759_219_260_000, Action::Rate { satisfaction: 5 })?;
    ///     Ok(())
    /// });
    /// assert!(refused.is_err());
    /// assert!(eng.events().is_empty()); // the report went with the refused rating
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn batch<T>(&mut self, f: impl FnOnce(&mut Engine) -> Result<T>) -> Result<T> {
        self.begin_batch()?;
        let out = panic::catch_unwind(AssertUnwindSafe(|| f(self)));
        match out {
            Ok(Ok(v)) => self.commit_batch().map(|_| v),
            Ok(Err(e)) => {
                let _ = self.rollback_batch();
                Err(e)
            }
            Err(payload) => {
                let _ = self.rollback_batch();
                panic::resume_unwind(payload);
            }
        }
    }
}

/// Gives the commit to the durable sink, then the host's, then finishes both (the durable sink
/// first). `Err`: refused, nothing committed anywhere (the sinks that took the commit were told
/// to drop it). `Ok(Some(error))`: the durable sink committed, then the host's sink failed (or
/// panicked) in its [`EventSink::finish`]: the commit stands and the host's sink is behind.
fn deliver(
    commit: &Commit<'_>,
    mut durable: Option<&mut (dyn EventSink + 'static)>,
    mut host: Option<&mut (dyn EventSink + 'static)>,
) -> Result<Option<Error>> {
    if let Some(d) = durable.as_deref_mut() {
        d.write(commit)?;
    }
    if let Some(h) = host.as_deref_mut() {
        match panic::catch_unwind(AssertUnwindSafe(|| h.write(commit))) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                if let Some(d) = durable {
                    let _ = d.finish(false);
                }
                return Err(e);
            }
            Err(payload) => {
                // A panicking sink refuses too: the journal drops the commit first.
                if let Some(d) = durable {
                    let _ = d.finish(false);
                }
                panic::resume_unwind(payload);
            }
        }
    }
    let Some(d) = durable else {
        // No journal: the host's failure to commit refuses the call.
        return host.map_or(Ok(None), |h| h.finish(true).map(|()| None));
    };
    if let Err(e) = d.finish(true) {
        if let Some(h) = host {
            let _ = h.finish(false);
        }
        return Err(e);
    }
    let Some(h) = host else {
        return Ok(None);
    };
    // The journal committed: from here on the call stands whatever the host's sink does.
    match panic::catch_unwind(AssertUnwindSafe(|| h.finish(true))) {
        Ok(Ok(())) => Ok(None),
        Ok(Err(e)) => Ok(Some(e)),
        Err(payload) => Ok(Some(Error::Sink {
            reason: format!("the sink panicked: {}", panic_text(payload.as_ref())),
        })),
    }
}

/// A panic's message, when it has one.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}

/// The sink out of its mutex (a sink whose call panicked is still the sink).
fn unlock(sink: Mutex<Box<dyn EventSink>>) -> Box<dyn EventSink> {
    sink.into_inner().unwrap_or_else(PoisonError::into_inner)
}
