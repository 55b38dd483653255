//! Committing: every public call that changes the engine (report, act, sweep) runs as one
//! transaction. The call computes its changes on the engine while an undo log keeps the cases
//! it touches; then the new events go to the engine's sinks (the journal of
//! `crate::journal`, a host's [`EventSink`]); if the call fails, a sink refuses, or the call
//! panics, the engine is put back exactly as it was (cases, events, the escalation queue). A
//! batch ([`Engine::begin_batch`]) defers the sinks to its end and commits all or nothing.

use std::panic::{self, AssertUnwindSafe};
use std::sync::{Mutex, PoisonError};

use crate::audit::{self, GENESIS};
use crate::case::{Case, CaseId};
use crate::error::{Error, Result};
use crate::event::{self, Event, EventBody};

use super::Engine;

/// What one commit hands to each sink: the new events of one call (or of one batch), in order,
/// with their chain links and their JSON lines.
#[derive(Debug)]
pub struct Commit<'a> {
    /// The new events, in order (their `seq` follow the last committed one).
    pub events: &'a [Event],
    /// Per event: its line as [`crate::event::to_json_lines`] writes it with contact data —
    /// the JSON object with its `hash` member, no trailing newline.
    pub lines: &'a [String],
    /// Per event: its chain link (the `hash` of its line, as bytes).
    pub hashes: &'a [[u8; 32]],
    /// The chain link before the first new event (32 zero bytes before the first event ever).
    pub prev: [u8; 32],
    /// The ids of the cases these events created or changed, ascending, each once.
    pub cases: &'a [CaseId],
}

/// A destination for committed events: the engine calls [`EventSink::write`] with the events
/// of each accepted call before the call returns. Returning an error refuses the call: the
/// engine is put back as it was and the caller gets [`Error::Sink`] (or the sink's own error).
///
/// This, with [`Engine::replay`], is the whole contract of an external store: write the lines
/// in the host's own transaction; on restart, replay them.
///
/// # Examples
/// ```
/// use std::sync::{Arc, Mutex};
/// use gridgov::case::{Actor, Report, Source};
/// use gridgov::engine::{Commit, Engine, EventSink};
///
/// struct Lines(Arc<Mutex<Vec<String>>>);
/// impl EventSink for Lines {
///     fn write(&mut self, _engine: &Engine, commit: &Commit<'_>) -> gridgov::Result<()> {
///         self.0.lock().unwrap().extend(commit.lines.iter().cloned());
///         Ok(())
///     }
/// }
///
/// let store = Arc::new(Mutex::new(Vec::new()));
/// let mut eng = Engine::new(Arc::new(gridgov::Model::sample()));
/// eng.set_sink(Some(Box::new(Lines(Arc::clone(&store)))))?;
/// eng.report(Actor::Worker("SV001".into()), 1_759_219_200_000, Report {
///     category: "C0101".into(), grid: "37990100100101".into(), point: None, urgency: None,
///     source: Source::Supervisor, description: String::new(), contact: None, contact_sha256: None })?;
/// assert_eq!(store.lock().unwrap().len(), 1);
/// assert_eq!(store.lock().unwrap()[0], eng.events_json_lines(None)?.trim_end());
/// # Ok::<(), gridgov::Error>(())
/// ```
pub trait EventSink: Send {
    /// Takes the events of one accepted call (or batch). An error refuses the call.
    ///
    /// # Errors
    /// Whatever the sink reports; the engine turns it into the caller's error unchanged.
    fn write(&mut self, engine: &Engine, commit: &Commit<'_>) -> Result<()>;

    /// Called after every sink took the commit (`true`), or when a later sink refused it
    /// (`false`). A sink that holds a transaction open in [`EventSink::write`] commits or rolls
    /// it back here; the default does nothing.
    ///
    /// # Errors
    /// A failure to commit: the engine refuses the call.
    fn finish(&mut self, _commit: bool) -> Result<()> {
        Ok(())
    }

    /// Checks what the sink stored, when it can (the journal walks its chain); `None` when it
    /// keeps nothing it can check.
    ///
    /// # Errors
    /// The first stored event whose hash or link does not match.
    fn verify(&self) -> Option<Result<audit::Verified>> {
        None
    }
}

/// The sinks of an engine and the head of its chain. A clone of an engine is an in-memory
/// copy: it has no sinks.
#[derive(Default)]
pub(super) struct Sinks {
    /// The durable store opened with the engine (the journal), first to take each commit
    /// (behind a mutex so that an engine stays `Sync`; calls that change the engine reach it
    /// without locking, through `&mut`).
    pub(super) durable: Option<Mutex<Box<dyn EventSink>>>,
    /// A host's sink, second.
    pub(super) host: Option<Mutex<Box<dyn EventSink>>>,
    /// The chain link of the last committed event (kept while a sink is attached).
    pub(super) head: [u8; 32],
    /// The mark at the start of the open batch.
    pub(super) batch: Option<Mark>,
    /// Whether a call inside the open batch failed (the batch then commits nothing).
    pub(super) batch_failed: Option<String>,
}

impl Clone for Sinks {
    fn clone(&self) -> Self {
        Sinks::default()
    }
}

impl std::fmt::Debug for Sinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sinks")
            .field("durable", &self.durable.is_some())
            .field("host", &self.host.is_some())
            .field("batch", &self.batch.is_some())
            .finish_non_exhaustive()
    }
}

/// The lengths to go back to.
#[derive(Debug, Clone, Copy)]
pub(super) struct Mark {
    events: usize,
    cases: usize,
    undo: usize,
}

/// How a rollback puts the escalation queue back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Queue {
    /// Reschedule the touched cases (calls that do not take entries off the queue).
    Touched,
    /// Rebuild it from the cases (sweeps and batches: rare, O(cases)).
    Rebuild,
}

impl Engine {
    pub(super) fn mark(&self) -> Mark {
        Mark {
            events: self.events.len(),
            cases: self.cases.len(),
            undo: self.undo.len(),
        }
    }

    /// Keeps a copy of case `idx` before a change (not while replaying: a failed replay
    /// discards its engine).
    #[inline]
    pub(super) fn save_case(&mut self, idx: usize, old: Case) {
        if !self.replaying {
            self.undo.push((idx, old));
        }
    }

    /// Runs one changing call as a transaction: on success its events are committed to the
    /// sinks (or left for the open batch); on error, refusal by a sink or panic, the engine is
    /// put back as it was before the call.
    pub(super) fn transact<T>(
        &mut self,
        queue: Queue,
        f: impl FnOnce(&mut Engine) -> Result<T>,
    ) -> Result<T> {
        let mark = self.mark();
        let out = panic::catch_unwind(AssertUnwindSafe(|| f(self)));
        let out = match out {
            Ok(Ok(v)) if self.sinks.batch.is_some() => return Ok(v),
            Ok(Ok(v)) => match panic::catch_unwind(AssertUnwindSafe(|| self.commit_since(mark))) {
                Ok(done) => done.map(|()| v),
                Err(payload) => {
                    self.rollback(mark, queue);
                    self.undo.clear();
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
                self.undo.clear();
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
    fn commit_since(&mut self, mark: Mark) -> Result<()> {
        if self.events.len() == mark.events
            || (self.sinks.durable.is_none() && self.sinks.host.is_none())
        {
            return Ok(());
        }
        let events = &self.events[mark.events..];
        let prev = self.sinks.head;
        let mut hashes = Vec::with_capacity(events.len());
        let mut lines = Vec::with_capacity(events.len());
        let mut link = prev;
        for e in events {
            let line;
            (line, link) = line_after(&link, e)?;
            hashes.push(link);
            lines.push(line);
        }
        let mut cases: Vec<CaseId> = events.iter().map(|e| e.case).collect();
        cases.sort_unstable();
        cases.dedup();
        let commit = Commit {
            events,
            lines: &lines,
            hashes: &hashes,
            prev,
            cases: &cases,
        };
        let mut durable = self.sinks.durable.take().map(unlock);
        let mut host = self.sinks.host.take().map(unlock);
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            deliver(self, &commit, durable.as_deref_mut(), host.as_deref_mut())
        }));
        self.sinks.durable = durable.map(Mutex::new);
        self.sinks.host = host.map(Mutex::new);
        match result {
            Ok(result) => result?,
            Err(payload) => panic::resume_unwind(payload),
        }
        self.sinks.head = link;
        Ok(())
    }

    /// Puts the engine back to `mark`: cases from the undo log (newest first, so each ends as
    /// its oldest copy), events and cases created since cut off, the queue rescheduled or
    /// rebuilt.
    pub(super) fn rollback(&mut self, mark: Mark, queue: Queue) {
        let mut touched = Vec::new();
        while self.undo.len() > mark.undo {
            let Some((idx, case)) = self.undo.pop() else {
                break;
            };
            if idx < self.cases.len() {
                self.cases[idx] = case;
            }
            touched.push(idx);
        }
        touched.sort_unstable();
        touched.dedup();
        // Each touched case's last event before the mark.
        for &idx in &touched {
            if idx >= mark.cases || idx >= self.last_of_case.len() {
                continue;
            }
            let mut i = self.last_of_case[idx];
            while i != u32::MAX && i as usize >= mark.events {
                i = self.prev_of_case[i as usize];
            }
            self.last_of_case[idx] = i;
        }
        let removed = self.cases.len() > mark.cases;
        self.events.truncate(mark.events);
        self.prev_of_case.truncate(mark.events);
        self.cases.truncate(mark.cases);
        self.last_of_case.truncate(mark.cases);
        if queue == Queue::Rebuild || removed {
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
    /// every later commit; events already recorded are not sent again.
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
        if sink.is_some() && self.sinks.durable.is_none() && self.sinks.host.is_none() {
            self.sinks.head = event::chain(&self.events)?
                .last()
                .copied()
                .unwrap_or(GENESIS);
        }
        self.sinks.host = sink.map(Mutex::new);
        Ok(())
    }

    /// Attaches the durable store (the journal) whose stored chain ends at `head`.
    pub(crate) fn attach_durable(&mut self, sink: Box<dyn EventSink>, head: [u8; 32]) {
        self.sinks.durable = Some(Mutex::new(sink));
        self.sinks.head = head;
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
    /// [`Error::InvalidValue`] when a batch is already open.
    pub fn begin_batch(&mut self) -> Result<()> {
        if self.sinks.batch.is_some() {
            return Err(Error::invalid("batch", "(open)", "a batch is already open"));
        }
        self.undo.clear();
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
    /// journal's error when it refuses (likewise).
    pub fn commit_batch(&mut self) -> Result<usize> {
        let Some(mark) = self.sinks.batch.take() else {
            return Err(Error::invalid("batch", "(none)", "no batch is open"));
        };
        if let Some(reason) = self.sinks.batch_failed.take() {
            self.rollback(mark, Queue::Rebuild);
            self.undo.clear();
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
                self.rollback(mark, Queue::Rebuild);
                self.undo.clear();
                panic::resume_unwind(payload);
            }
        };
        if out.is_err() {
            self.rollback(mark, Queue::Rebuild);
        }
        self.undo.clear();
        out.map(|()| n)
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
        self.rollback(mark, Queue::Rebuild);
        self.undo.clear();
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

/// An event's line with contact data and its `hash` (as [`crate::event::to_json_lines`]
/// writes it), and its chain link after `prev`. The JSON object is built once: without contact
/// data it is also the canonical text.
pub(crate) fn line_after(prev: &[u8; 32], e: &Event) -> Result<(String, [u8; 32])> {
    let mut v = e.to_json(true)?;
    let has_contact = matches!(&e.body, EventBody::Report(r) if r.contact.is_some());
    let link = if has_contact {
        audit::link(prev, event::canonical(e)?.as_bytes())
    } else {
        audit::link(prev, v.to_string().as_bytes())
    };
    if let serde_json::Value::Object(o) = &mut v {
        o.insert("hash".into(), serde_json::Value::String(audit::hex(&link)));
    }
    Ok((v.to_string(), link))
}

/// Gives the commit to the durable sink, then the host's, then finishes both; on a refusal the
/// sinks that took it are told to drop it.
fn deliver(
    engine: &Engine,
    commit: &Commit<'_>,
    durable: Option<&mut (dyn EventSink + 'static)>,
    host: Option<&mut (dyn EventSink + 'static)>,
) -> Result<()> {
    let mut taken: Vec<&mut (dyn EventSink + 'static)> = Vec::with_capacity(2);
    for sink in [durable, host].into_iter().flatten() {
        match panic::catch_unwind(AssertUnwindSafe(|| sink.write(engine, commit))) {
            Ok(Ok(())) => taken.push(sink),
            Ok(Err(e)) => {
                for s in taken {
                    let _ = s.finish(false);
                }
                return Err(e);
            }
            Err(payload) => {
                // A panicking sink refuses too: the sinks that took the commit drop it first.
                for s in taken {
                    let _ = s.finish(false);
                }
                panic::resume_unwind(payload);
            }
        }
    }
    let mut first_error = None;
    for s in taken {
        if let Err(e) = s.finish(first_error.is_none())
            && first_error.is_none()
        {
            first_error = Some(e);
        }
    }
    first_error.map_or(Ok(()), Err)
}

/// The sink out of its mutex (a sink whose call panicked is still the sink).
fn unlock(sink: Mutex<Box<dyn EventSink>>) -> Box<dyn EventSink> {
    sink.into_inner().unwrap_or_else(PoisonError::into_inner)
}
