//! Event sinks: where the engine's committed events go. [`EventSink`] is the contract a store
//! implements (the SQLite journal of `crate::journal`, or a host's own database through the C
//! and Python bindings); [`Commit`] is what one commit hands it.

use crate::audit::{self, Verified};
use crate::calendar::Millis;
use crate::case::{Case, CaseId};
use crate::error::Result;
use crate::event::{self, Event};
use crate::model::Model;

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
    /// Per event: its chain link as lower-case hex (as in its line).
    pub hex: &'a [String],
    /// The chain link before the first new event (32 zero bytes before the first event ever).
    pub prev: [u8; 32],
    /// The ids of the cases these events created or changed, ascending, each once (a
    /// migration event, case 0, belongs to none).
    pub case_ids: &'a [CaseId],
    /// Those cases as they are after the commit, with the deadline of their running stage (in
    /// a commit redelivered by [`crate::engine::Engine::catch_up`]: as they are now).
    pub cases: &'a [(&'a Case, Option<Millis>)],
    /// The model the engine runs on.
    pub model: &'a Model,
}

/// A destination for committed events: the engine calls [`EventSink::write`] with the events
/// of each accepted call before the call returns, then [`EventSink::finish`]. Returning an
/// error from `write` refuses the call: the engine is put back as it was, nothing is committed
/// anywhere, and the caller gets the error ([`crate::Error::Sink`] for a host's refusal).
///
/// With a journal ([`crate::engine::Engine::open`]) the order is: the journal's `write`, the
/// host's `write`, the journal's `finish(true)` (it commits), the host's `finish(true)`. A
/// host's sink that opens its transaction in `write` and commits it in `finish` can therefore
/// only be *behind* the journal, never ahead: when its `finish` fails (or the process dies
/// before it), the journal has events the host lacks. The call then returns
/// [`crate::Error::SinkBehind`] (the call took effect; the engine keeps its events), later
/// calls are refused until [`crate::engine::Engine::set_sink_from`] redelivers the missing
/// events, keyed by `seq`. A sink that commits inside `write` itself (the C and Python
/// callbacks) can instead end one commit *ahead* if the journal's commit then fails or the
/// process dies in between: on restart its last seq is beyond the journal's, which
/// `set_sink_from` refuses naming both numbers; the host drops its events after the
/// journal's last seq (they were never acknowledged) and catches up.
///
/// This, with [`crate::engine::Engine::replay`] or the journal, is the whole contract of an
/// external store: write the lines in the host's own transaction; on restart, catch up from the
/// host's last stored `seq`.
///
/// # Examples
/// ```
/// use std::sync::{Arc, Mutex};
/// use gridgov::case::{Actor, Report, Source};
/// use gridgov::engine::{Engine, EventSink};
/// use gridgov::sink::Commit;
///
/// struct Lines(Arc<Mutex<Vec<String>>>);
/// impl EventSink for Lines {
///     fn write(&mut self, commit: &Commit<'_>) -> gridgov::Result<()> {
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
    /// Whatever the sink reports; the engine returns it to the caller unchanged.
    fn write(&mut self, commit: &Commit<'_>) -> Result<()>;

    /// Called after every sink took the commit (`true`; the journal, when there is one, has
    /// committed it by then), or when the commit is dropped after this sink took it (`false`:
    /// a later sink refused it, or the journal failed to commit). Not called after this sink's
    /// own [`EventSink::write`] refused. A sink that holds a transaction open in `write` commits
    /// or rolls it back here; the default does nothing.
    ///
    /// # Errors
    /// A failure to commit. Without a journal the engine refuses the call; after the journal
    /// committed, the call stands and returns [`crate::Error::SinkBehind`].
    fn finish(&mut self, _commit: bool) -> Result<()> {
        Ok(())
    }

    /// Checks what the sink stored, when it can (the journal walks its chain); `None` when it
    /// keeps nothing it can check.
    ///
    /// # Errors
    /// The first stored event whose hash or link does not match.
    fn verify(&self) -> Option<Result<Verified>> {
        None
    }

    /// Reads the stored events back, when the sink can (the journal): calls `each` with the
    /// `seq` and stored line (contact data and `hash` included) of every stored event after
    /// event `after` (0: all), or of case `case`'s, in order, until `each` answers `false`;
    /// `None` (the default) when the sink keeps nothing it can read. An engine whose events
    /// stay on disk reads its history this way.
    ///
    /// # Errors
    /// The store's error, or `each`'s (which stops the reading).
    fn read_lines(
        &self,
        _case: Option<crate::case::CaseId>,
        _after: u64,
        _each: &mut dyn FnMut(u64, &str) -> Result<bool>,
    ) -> Option<Result<()>> {
        None
    }
}

/// An event's line with contact data and its `hash` (as [`crate::event::to_json_lines`]
/// writes it), its chain link after `prev`, and the link as hex
/// ([`crate::event::line_with_link`]: written once, hashed from the bytes written).
///
/// # Errors
/// As [`crate::event::Event::to_json`].
pub fn line_after(prev: &[u8; 32], e: &Event) -> Result<(String, [u8; 32], String)> {
    let (line, link) = event::line_with_link(prev, e)?;
    let hex = audit::hex(&link);
    Ok((line, link, hex))
}
