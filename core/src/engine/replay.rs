//! Replay: an engine rebuilt from its events, each applied again with every check and with the
//! stage limits recorded in the events (policy snapshots). Exported text is verified against its
//! audit chain first, unless the caller explicitly asks not to.

use std::sync::Arc;

use crate::audit;
use crate::error::{Error, Result};
use crate::event::{self, Event, EventBody};
use crate::model::Model;
use crate::policy::EngineConfig;

use super::Engine;

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
        eng.replaying = true;
        for (i, e) in events.iter().enumerate() {
            let bad = |reason: String| Error::invalid(format!("events[{i}]"), e.seq, reason);
            if e.seq != i as u64 + 1 {
                return Err(bad(format!(
                    "sequence number {} where {} was expected",
                    e.seq,
                    i + 1
                )));
            }
            match &e.body {
                EventBody::Report(r) => {
                    let id = eng
                        .report(e.actor.clone(), e.at, (**r).clone())
                        .map_err(|err| bad(err.to_string()))?;
                    if id != e.case {
                        return Err(bad(format!(
                            "report creates case {id}, the event says {}",
                            e.case
                        )));
                    }
                }
                EventBody::Action(a) => {
                    eng.act_with_limit(e.case, e.actor.clone(), e.at, a.clone(), e.limit)
                        .map_err(|err| bad(err.to_string()))?;
                }
                EventBody::Escalation(f) => {
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
        }
        eng.replaying = false;
        Ok(eng)
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
        audit::verify_json_lines(text)?;
        Engine::replay(model, &event::from_json_lines(text)?)
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
