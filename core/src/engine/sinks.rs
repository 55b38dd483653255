//! The engine's sink state: the journal and the host's sink, the chain head, the open batch,
//! whether the host's sink is behind the journal, and the marks a rollback returns to. What a commit does with them is `engine/commit.rs`.

use std::sync::Mutex;

use crate::calendar::Millis;
use crate::case::Case;
use crate::score::trail::Trail;
use crate::sink::EventSink;

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
    /// When the host's sink is behind the journal: the last event it took (the journal
    /// committed later ones, then the sink failed to). Changing calls are refused until
    /// [`crate::engine::Engine::set_sink_from`] catches it up.
    pub(super) behind: Option<u64>,
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
            .field("behind", &self.behind)
            .finish_non_exhaustive()
    }
}

/// The lengths to go back to.
#[derive(Debug, Clone, Copy)]
pub(super) struct Mark {
    pub(super) events: usize,
    pub(super) cases: usize,
    pub(super) undo: usize,
    pub(super) last_event_at: Option<Millis>,
}

/// An entry of the undo log: a case, or its records trail, as it was before a change.
#[derive(Debug, Clone)]
pub(super) enum Undo {
    Case(usize, Case),
    Trail(usize, Trail),
}

/// How a rollback puts the escalation queue back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rollback {
    /// Reschedule the touched cases (calls that do not take entries off the queue).
    Touched,
    /// Rebuild it from the cases (sweeps and batches: rare, O(cases)).
    Rebuild,
}
