//! Catching a host's sink up with the journal: the journal is the truth, and a host that keeps
//! its own database (and so cannot commit in one transaction with the journal) gets every
//! committed event it lacks redelivered, in order, keyed by `seq`, with the lines, chain links
//! and `prev` a live commit carries ([`Engine::catch_up`], [`Engine::set_sink_from`]).
//!
//! Redelivery reads the committed events through one function,
//! `Engine::committed_events_after`, the one place to change when the events come from the
//! journal rather than from memory.

use std::borrow::Cow;
use std::sync::Mutex;

use crate::audit::{self, GENESIS};
use crate::error::{Error, Result};
use crate::event::{self, Event};
use crate::sink::EventSink;

use super::Engine;

/// The most events one redelivered commit holds.
pub const CATCH_UP_CHUNK: usize = 8192;

impl Engine {
    /// The `seq` of the last committed event (0 when none): inside an open batch, the last one
    /// before it.
    pub fn committed_seq(&self) -> u64 {
        // the events before the open batch's (all of them outside a batch), counting those
        // that stay on disk
        self.sinks
            .batch
            .map_or(self.event_count(), |m| self.base + m.events as u64)
    }

    /// The last event the host's sink took when it is behind the journal (the journal
    /// committed later events, then the sink failed to commit them); `None` when it is not.
    /// While it is behind, every changing call is refused with [`Error::SinkBehind`] until
    /// [`Engine::set_sink_from`] catches a sink up (or [`Engine::set_sink`] replaces it).
    pub fn sink_behind(&self) -> Option<u64> {
        self.sinks.behind
    }

    /// [`Error::SinkBehind`] when the host's sink is behind.
    pub(super) fn refuse_while_behind(&self) -> Result<()> {
        match self.sinks.behind {
            None => Ok(()),
            Some(sink_seq) => Err(Error::SinkBehind {
                sink_seq,
                committed_seq: self.committed_seq(),
                reason: "no call is taken until the sink is caught up".into(),
            }),
        }
    }

    /// At most `max` committed events after event `after`, in order: where redelivery reads
    /// them — from memory, or, when the events stay on disk, from the journal.
    fn committed_events_after(&self, after: u64, max: usize) -> Result<Cow<'_, [Event]>> {
        let end = self.committed_seq();
        let start = after.min(end);
        let stop = end.min(start.saturating_add(max as u64));
        if self.keep_events {
            return Ok(Cow::Borrowed(&self.events[start as usize..stop as usize]));
        }
        let mut out = Vec::with_capacity((stop - start) as usize);
        self.read_stored(None, start, &mut |seq, line| {
            if seq > stop {
                return Ok(false);
            }
            out.push(event::read_line_at(line, (seq - 1) as usize)?);
            Ok(seq < stop)
        })?;
        Ok(Cow::Owned(out))
    }

    /// The chain link of event `seq` (the genesis hash for 0): the `prev` of a commit that
    /// starts after it.
    fn committed_link(&self, seq: u64) -> Result<[u8; 32]> {
        if seq == 0 {
            return Ok(GENESIS);
        }
        if self.has_sink() && seq == self.committed_seq() {
            return Ok(self.sinks.head);
        }
        if self.keep_events {
            return event::chain_head(&self.events[..seq as usize]);
        }
        // on disk: the link the journal stored with the event
        let mut link = None;
        self.read_stored(None, seq - 1, &mut |_, line| {
            link = audit::stated_link(line);
            Ok(false)
        })?;
        link.ok_or_else(|| {
            Error::invalid("after_seq", seq, "the journal holds no link for this event")
        })
    }

    /// Redelivers to `sink` every committed event after event `after_seq` (the last one the
    /// host stored), in order, in commits of at most [`CATCH_UP_CHUNK`] events, each written
    /// ([`EventSink::write`]) and finished ([`EventSink::finish`]) like a live commit, with the
    /// same lines, chain links and `prev`. A redelivered commit's `cases` are the cases as
    /// they are now (a host mirroring cases ends with the current ones). Returns the number of
    /// events delivered; `after_seq` equal to [`Engine::committed_seq`] delivers none.
    ///
    /// The engine does not change. When the sink fails, the commits before the failing one
    /// stay delivered and the failing one was told to roll back ([`EventSink::finish`] with
    /// `false`): ask the host for its last seq again and call again; delivery keyed by `seq`
    /// gives no duplicates.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] when `after_seq` is beyond the last committed event (both
    /// numbers named); the sink's error.
    ///
    /// # Examples
    /// ```
    /// use std::sync::Arc;
    /// use gridgov::engine::{Commit, Engine, EventSink};
    /// struct Lines(Vec<String>);
    /// impl EventSink for Lines {
    ///     fn write(&mut self, commit: &Commit<'_>) -> gridgov::Result<()> {
    ///         self.0.extend(commit.lines.iter().cloned());
    ///         Ok(())
    ///     }
    /// }
    /// let model = Arc::new(gridgov::Model::sample());
    /// let sim = gridgov::simulate::Simulation::new(1_759_219_200_000, 1).with_reports_per_day(20);
    /// let eng = gridgov::simulate::simulate(model, &sim)?;
    /// let mut host = Lines(Vec::new());
    /// eng.catch_up(&mut host, 0)?;
    /// // the lines of the export with contact data, each once, in order
    /// assert_eq!(host.0.join("\n") + "\n", gridgov::event::to_json_lines(eng.events(), true)?);
    /// assert!(eng.catch_up(&mut host, eng.committed_seq() + 1).is_err());
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn catch_up(&self, sink: &mut dyn EventSink, after_seq: u64) -> Result<usize> {
        self.redeliver(sink, after_seq).map(|(n, _)| n)
    }

    /// [`Engine::catch_up`]; also returns the chain head after the last event.
    fn redeliver(&self, sink: &mut dyn EventSink, after_seq: u64) -> Result<(usize, [u8; 32])> {
        let last = self.committed_seq();
        if after_seq > last {
            return Err(Error::invalid(
                "after_seq",
                after_seq,
                format!(
                    "is beyond the last committed event (seq {last}): the sink cannot hold events the journal does not have; drop the sink's events after seq {last}, then catch up from {last}"
                ),
            ));
        }
        let mut prev = self.committed_link(after_seq)?;
        let mut next = after_seq;
        let mut delivered = 0;
        while next < last {
            let events = self.committed_events_after(next, CATCH_UP_CHUNK)?;
            let Some(end) = events.last().map(|e| e.seq) else {
                break;
            };
            let (written, link) = self.with_commit(&events, prev, |commit| sink.write(commit))?;
            if let Err(e) = written {
                let _ = sink.finish(false);
                return Err(e);
            }
            sink.finish(true)?;
            delivered += events.len();
            prev = link;
            next = end;
        }
        Ok((delivered, prev))
    }

    /// Catches `sink` up from event `after_seq` (the last one the host stored) with
    /// [`Engine::catch_up`], then attaches it as the host's sink (replacing any) for every later
    /// commit: the restart path of a host that keeps its own database (open the journal, ask
    /// the host for its last seq, catch up and attach in one call), and the way back after
    /// [`Error::SinkBehind`]. Returns the number of events redelivered.
    ///
    /// On error nothing in the engine changes (the sink it had stays, and stays behind if it
    /// was); the commits redelivered before a failure stay with the host: ask it for its last
    /// seq again and call again.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] inside an open batch, or when `after_seq` is beyond the last
    /// committed event; the sink's error.
    pub fn set_sink_from(&mut self, mut sink: Box<dyn EventSink>, after_seq: u64) -> Result<usize> {
        if self.sinks.batch.is_some() {
            return Err(Error::invalid(
                "sink",
                "(set)",
                "cannot change the sink inside a batch",
            ));
        }
        let (delivered, head) = self.redeliver(sink.as_mut(), after_seq)?;
        self.sinks.head = head;
        self.sinks.host = Some(Mutex::new(sink));
        self.sinks.behind = None;
        Ok(delivered)
    }
}
