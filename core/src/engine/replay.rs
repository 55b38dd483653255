//! Replay: an engine rebuilt from its events, each applied again with every check and with the
//! stage limits recorded in the events (policy snapshots). Exported text is verified against its
//! audit chain first, unless the caller explicitly asks not to.

use std::sync::{Arc, mpsc};

use crate::audit;
use crate::case::Actor;
use crate::error::{Error, Result};
use crate::event::{self, Event, EventBody};
use crate::model::Model;
use crate::parallel;
use crate::policy::EngineConfig;

use super::Engine;
use super::sinks::Rollback;

impl Engine {
    /// Rebuilds an engine from its events: each is applied again, with every check, and with
    /// the stage limits recorded in the events (policy snapshots). The events are taken as
    /// given (typed values hold no audit chain): text from a store goes through
    /// [`Engine::replay_json_lines`], which verifies the chain first.
    ///
    /// # Errors
    /// The first event that does not apply, as [`Error::InvalidValue`] naming its `seq`, with
    /// the reason.
    pub fn replay(model: Arc<Model>, events: &[Event]) -> Result<Engine> {
        let config = model.engine_config().clone();
        Engine::replay_with_config(model, config, events)
    }

    /// [`Engine::replay`] with an explicit configuration.
    ///
    /// # Errors
    /// As [`Engine::replay`].
    pub fn replay_with_config(
        model: Arc<Model>,
        config: EngineConfig,
        events: &[Event],
    ) -> Result<Engine> {
        let mut eng = Engine::with_config(model, config);
        eng.begin_replay();
        for (i, e) in events.iter().enumerate() {
            eng.apply(i, e.clone())?;
        }
        eng.end_replay();
        Ok(eng)
    }

    /// An empty engine about to replay a journal's events a chunk at a time
    /// ([`Engine::replay_chunk`]); `keep_events` off drops each chunk once applied.
    pub(crate) fn replay_start(model: Arc<Model>, keep_events: bool) -> Engine {
        let config = model.engine_config().clone();
        let mut eng = Engine::with_config(model, config);
        eng.keep_events = keep_events;
        eng.begin_replay();
        eng
    }

    /// Applies the next events of a replay begun with [`Engine::replay_start`] (the first
    /// names its position as [`Engine::replay`] would); with the events on disk, they are
    /// dropped from memory afterwards.
    ///
    /// # Errors
    /// As [`Engine::replay`].
    pub(crate) fn replay_chunk(&mut self, events: Vec<Event>) -> Result<()> {
        for e in events {
            let i = self.event_count() as usize;
            self.apply(i, e)?;
        }
        self.forget_events();
        Ok(())
    }

    /// Ends a replay begun with [`Engine::replay_start`].
    pub(crate) fn replay_end(&mut self) {
        self.end_replay();
        if !self.keep_events {
            self.recent = Vec::new();
            self.events.shrink_to_fit();
        }
    }

    /// Marks the start of a replay: the actions take what the events say where a live call
    /// would decide (`replaying`), and the escalation queue is built once at the end.
    fn begin_replay(&mut self) {
        self.replaying = true;
        self.queue.defer();
    }

    /// Marks the end of a replay begun with [`Engine::begin_replay`]: the escalation queue
    /// takes each case's next firing, as computed after its last event.
    fn end_replay(&mut self) {
        self.replaying = false;
        self.queue.settle();
    }

    /// Applies event `i` (from 0) again, with every check (taking the event: its report or
    /// action moves into the engine instead of being copied).
    fn apply(&mut self, i: usize, e: Event) -> Result<()> {
        let eng = self;
        let seq = e.seq;
        let bad = |reason: String| Error::invalid(format!("events[{i}]"), seq, reason);
        if e.seq != i as u64 + 1 {
            return Err(bad(format!(
                "sequence number {} where {} was expected",
                e.seq,
                i + 1
            )));
        }
        match e.body {
            EventBody::Report(r) => {
                let id = eng
                    .transact(Rollback::Touched, |eng| {
                        eng.report_once(e.actor, e.at, *r, e.limit)
                    })
                    .map_err(|err| bad(err.to_string()))?;
                if id != e.case {
                    return Err(bad(format!(
                        "report creates case {id}, the event says {}",
                        e.case
                    )));
                }
            }
            EventBody::Action(a) => {
                eng.act_with_limit(e.case, e.actor, e.at, a, e.limit, e.assigned_to)
                    .map_err(|err| bad(err.to_string()))?;
            }
            EventBody::Migration(m) => {
                // belongs to no case: kept in the log as it is (the journal checks the models
                // it names against its `models` table)
                m.validate().map_err(|err| bad(err.to_string()))?;
                if e.case != 0 || e.actor != Actor::System || e.limit.is_some() {
                    return Err(bad(
                        "a migration belongs to no case: case 0, actor \"system\", no limit".into(),
                    ));
                }
                eng.record(0, e.at, e.actor, EventBody::Migration(m), None, None);
            }
            EventBody::Escalation(ref f) => {
                eng.case(e.case).map_err(|err| bad(err.to_string()))?;
                let expected = eng
                    .next_firing(&eng.cases[(e.case - 1) as usize], f.rule)
                    .ok()
                    .flatten()
                    .filter(|(_, _, _)| (f.rule as usize) < eng.config.rules.len());
                match expected {
                    Some((occ, n, _)) if n == f.firing => {
                        eng.fire(e.case, f.rule, e.at, occ, n)
                            .map_err(|err| bad(err.to_string()))?;
                        let got = &eng.events[eng.events.len() - 1];
                        if got.body != e.body {
                            return Err(bad(
                                "the escalation differs from what the rules give".into()
                            ));
                        }
                    }
                    _ => {
                        return Err(bad(format!(
                            "escalation rule {} is not due on case {}",
                            f.rule, e.case
                        )));
                    }
                }
            }
        }
        Ok(())
    }

    /// Rebuilds an engine from exported JSON lines ([`Engine::events_json_lines`]): the audit
    /// chain is verified first ([`crate::audit::verify_json_lines`]) — every line must carry
    /// its `hash` — then the events are replayed with every check ([`Engine::replay`]). A log
    /// that was edited, or whose hashes were stripped, is refused.
    ///
    /// # Errors
    /// The first line without a hash or whose hash does not follow; then as
    /// [`crate::event::from_json_lines`] and [`Engine::replay`].
    pub fn replay_json_lines(model: Arc<Model>, text: &str) -> Result<Engine> {
        // Two stages at once: one thread follows the chain and reads the events, in batches;
        // this one applies them. The errors are those of verifying everything first, then
        // reading everything, then replaying: a broken chain anywhere wins over a line that
        // does not read, which wins over an event that does not apply.
        let config = model.engine_config().clone();
        let (batches, received) = mpsc::sync_channel::<Vec<Event>>(REPLAY_BATCHES_AHEAD);
        let (read, applied) = parallel::join(
            move || read_verified(text, &batches),
            move || {
                let mut eng = Engine::with_config(model, config);
                // room for every line's event at once (no copy as the history grows)
                eng.reserve(text.lines().count());
                eng.begin_replay();
                let mut failed = None;
                let mut i = 0;
                for batch in received {
                    for e in batch {
                        if failed.is_none()
                            && let Err(err) = eng.apply(i, e)
                        {
                            failed = Some(err);
                        }
                        i += 1;
                    }
                }
                eng.end_replay();
                failed.map_or(Ok(eng), Err)
            },
        );
        read?;
        applied
    }

    /// Rebuilds an engine from JSON lines **without** checking the audit chain: for a host that
    /// stores its events without the `hash` members and asks for this explicitly. What it gives
    /// up: an edited log (a changed unit, time or reason) replays without complaint as long as
    /// every event still applies — only the lifecycle's own checks run. Prefer
    /// [`Engine::replay_json_lines`]; a host that keeps its own store can keep the chain head
    /// ([`Engine::verify`]) to detect edits.
    ///
    /// # Errors
    /// As [`crate::event::from_json_lines`] and [`Engine::replay`].
    pub fn replay_json_lines_unverified(model: Arc<Model>, text: &str) -> Result<Engine> {
        Engine::replay(model, &event::from_json_lines(text)?)
    }
}

/// Batches of events read ahead of the replay (each of [`REPLAY_BATCH`] events).
const REPLAY_BATCHES_AHEAD: usize = 8;

/// Events sent to the replay at once.
const REPLAY_BATCH: usize = 4096;

/// Follows the chain over every line of `text` and reads the events, sending them in batches
/// while the chain holds and every line reads. The first broken link (anywhere) is the error;
/// else the first line that does not read.
fn read_verified(text: &str, batches: &mpsc::SyncSender<Vec<Event>>) -> Result<()> {
    let mut chain = audit::Follower::new();
    let mut strings = event::Strings::new();
    let mut unread = None;
    let mut batch = Vec::with_capacity(REPLAY_BATCH);
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if unread.is_some() {
            chain.follow(i, line)?;
            continue;
        }
        // one pass over the line checks its link and reads its members
        let mut members = event::Members::new(&mut strings);
        let taken = chain.follow_members(i, line, |key, value| members.take(line, key, value))?;
        let read = match taken.then(|| members.into_event()).flatten() {
            Some(e) => Ok(e),
            None => event::read_line_at(line, i),
        };
        match read {
            Ok(e) => batch.push(e),
            Err(e) => unread = Some(e),
        }
        if batch.len() == REPLAY_BATCH {
            // a replay that stopped no longer receives: keep following the chain
            let _ = batches.send(std::mem::replace(
                &mut batch,
                Vec::with_capacity(REPLAY_BATCH),
            ));
        }
    }
    if unread.is_none() && !batch.is_empty() {
        let _ = batches.send(batch);
    }
    unread.map_or(Ok(()), Err)
}
