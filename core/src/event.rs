//! Events: what the engine records for every accepted report, action and escalation, and
//! their JSON form on disk (schema version 1).
//!
//! A case's state is the fold of its events, so events are the source of truth: an engine is
//! rebuilt from them ([`crate::engine::Engine::replay`]), hosts store them, and the audit chain
//! ([`crate::audit`]) links them.
//!
//! # Event schema (version 1)
//!
//! [`to_json_lines`] (and [`crate::engine::Engine::events_json_lines`]) write one JSON object
//! per line, with members in sorted order and no spaces:
//!
//! ```json
//! {"action":"dispatch","actor":{"worker":"DP01"},"at":1759219200000,"case":3,"hash":"…","limit":"4 working_hours","seq":7,"unit":"WATER","v":1}
//! ```
//!
//! - `v`: schema version (1); `seq`: 1, 2, 3… over the whole engine; `case`: the case id;
//!   `at`: epoch milliseconds (UTC); `actor`: `{"worker": id}`, `{"citizen": id}` or `"system"`.
//! - `action` and its fields as in [`Action`]'s JSON form; for `"report"` the fields of
//!   [`Report`] (`category`, `grid`, `point`, `urgency`, `source`, `description`, `contact`);
//!   for `"escalate"` (actor `"system"`) the members of [`Firing`] (`rule`, `name`, `effect`,
//!   `target`, `firing`), and no others.
//! - `limit`: the time limit of the stage this event started, as in force then (the policy
//!   snapshot); absent when no stage started.
//! - `contact` appears only in exports made for a role allowed to see citizen contact data
//!   ([`crate::access::CONTACT_ROLES`]); `contact_sha256` (its digest) appears whenever the
//!   report had contact data.
//! - `hash`: the SHA-256 chain link of [`crate::audit`]: over the previous link and the
//!   event's canonical text ([`canonical`]: the line without `hash` and `contact`).
//!
//! Writing an event never loses a member silently: a value that cannot be written is an
//! error, not a `null` in the audit chain.

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::audit::{GENESIS, contact_digest, hex, link};
use crate::calendar::{Millis, TimeLimit};
use crate::case::{Action, Actor, CaseId, Point, Report, Source};
use crate::error::{Error, Result};
use crate::escalation::EscalationAction;

/// Version of the event JSON schema written by [`to_json_lines`].
pub const EVENT_SCHEMA_VERSION: u32 = 1;

/// An accepted action, immutable once recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Sequence number over the engine, from 1.
    pub seq: u64,
    /// The case.
    pub case: CaseId,
    /// When it happened.
    pub at: Millis,
    /// Who did it.
    pub actor: Actor,
    /// What was done.
    pub body: EventBody,
    /// The limit of the stage this event started, as in force then.
    pub limit: Option<TimeLimit>,
}

/// The content of an event.
#[derive(Debug, Clone, PartialEq)]
pub enum EventBody {
    /// A new case.
    Report(Box<Report>),
    /// An action on the case.
    Action(Action),
    /// An escalation rule fired (actor: the system). Held inline: a sweep records one per
    /// firing, and an allocation per firing would be most of its cost.
    Escalation(Firing),
}

/// What an escalation rule is called and does: shared by every firing of the rule (one
/// allocation per rule, not per firing).
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct RuleLabel {
    /// The rule's name.
    pub name: Arc<str>,
    /// `warn`, `notify`, `escalate`, `supervise` or `reassign`.
    pub effect: &'static str,
}

/// An escalation that fired. Its JSON form (in the event schema) is
/// `{"rule": 0, "name": "...", "effect": "warn", "target": "yellow", "firing": 1}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Firing {
    /// Index of the rule in the model's `escalation` list.
    pub rule: u32,
    /// 1 for the first firing of this trigger, 2 for the first repeat…
    pub firing: u32,
    /// The rule's name and effect.
    pub label: Arc<RuleLabel>,
    /// The unit notified, escalated to or reassigned to; the light for `warn`.
    pub target: Option<Arc<str>>,
}

impl Firing {
    /// The rule's name.
    pub fn name(&self) -> &str {
        &self.label.name
    }

    /// `warn`, `notify`, `escalate`, `supervise` or `reassign`.
    pub fn effect(&self) -> &'static str {
        self.label.effect
    }
}

/// The JSON form of a [`Firing`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FiringJson<'a> {
    rule: u32,
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    effect: Cow<'a, str>,
    #[serde(default, skip_serializing_if = "Option::is_none", borrow)]
    target: Option<Cow<'a, str>>,
    firing: u32,
}

impl Serialize for Firing {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        FiringJson {
            rule: self.rule,
            name: Cow::Borrowed(self.name()),
            effect: Cow::Borrowed(self.effect()),
            target: self.target.as_deref().map(Cow::Borrowed),
            firing: self.firing,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Firing {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let j = FiringJson::deserialize(d)?;
        let Some(effect) = EscalationAction::NAMES.into_iter().find(|e| *e == j.effect) else {
            return Err(serde::de::Error::custom(format!(
                "unknown effect {:?}: expected one of {}",
                j.effect,
                EscalationAction::NAMES.join(", ")
            )));
        };
        Ok(Firing {
            rule: j.rule,
            firing: j.firing,
            label: Arc::new(RuleLabel {
                name: Arc::from(j.name.as_ref()),
                effect,
            }),
            target: j.target.map(|t| Arc::from(t.as_ref())),
        })
    }
}

/// The JSON form of an event, borrowing it (the writer's side of the schema).
#[derive(Serialize)]
struct EventOut<'a> {
    v: u32,
    seq: u64,
    case: CaseId,
    at: Millis,
    actor: &'a Actor,
    #[serde(flatten)]
    body: BodyOut<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<TimeLimit>,
}

/// The members an event's content adds, `action` among them.
#[derive(Serialize)]
#[serde(untagged)]
enum BodyOut<'a> {
    Report(ReportOut<'a>),
    Action(&'a Action),
    Escalation {
        action: &'static str,
        #[serde(flatten)]
        firing: &'a Firing,
    },
}

/// A report as an event writes it: the contact only on request, its digest always.
#[derive(Serialize)]
struct ReportOut<'a> {
    action: &'static str,
    category: &'a str,
    grid: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    point: Option<&'a Point>,
    #[serde(skip_serializing_if = "Option::is_none")]
    urgency: Option<&'a str>,
    source: Source,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    contact: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contact_sha256: Option<Cow<'a, str>>,
}

impl<'a> ReportOut<'a> {
    fn new(r: &'a Report, with_contact: bool) -> ReportOut<'a> {
        // The digest always stands for the contact (so exports with and without it, and their
        // replays, agree); the contact itself only on request.
        let contact_sha256 = match &r.contact {
            Some(c) => Some(Cow::Owned(contact_digest(c))),
            None => r.contact_sha256.as_deref().map(Cow::Borrowed),
        };
        ReportOut {
            action: "report",
            category: &r.category,
            grid: &r.grid,
            point: r.point.as_ref(),
            urgency: r.urgency.as_deref(),
            source: r.source,
            description: &r.description,
            contact: r.contact.as_deref().filter(|_| with_contact),
            contact_sha256,
        }
    }
}

impl Event {
    /// The event as a JSON object of the schema (members in sorted order). `with_contact`
    /// includes the citizen contact of a report.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the event when a member cannot be written as JSON
    /// (never silently a `null`).
    pub fn to_json(&self, with_contact: bool) -> Result<Value> {
        let body = match &self.body {
            EventBody::Report(r) => BodyOut::Report(ReportOut::new(r, with_contact)),
            EventBody::Action(a) => BodyOut::Action(a),
            EventBody::Escalation(f) => BodyOut::Escalation {
                action: "escalate",
                firing: f,
            },
        };
        let out = EventOut {
            v: EVENT_SCHEMA_VERSION,
            seq: self.seq,
            case: self.case,
            at: self.at,
            actor: &self.actor,
            body,
            limit: self.limit,
        };
        match serde_json::to_value(&out) {
            Ok(v @ Value::Object(_)) => Ok(v),
            Ok(other) => Err(Error::invalid(
                format!("event {}", self.seq),
                other,
                "is not written as a JSON object",
            )),
            Err(e) => Err(Error::invalid(
                format!("event {}", self.seq),
                "(not written)",
                format!("cannot be written as JSON: {e}"),
            )),
        }
    }

    /// Reads one event from its JSON object (a `hash` member is ignored: checking the chain is
    /// [`crate::audit::verify_json_lines`]'s work).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the bad member.
    pub fn from_json(value: Value) -> Result<Event> {
        let Value::Object(mut m) = value else {
            return Err(Error::invalid(
                "event",
                "(not an object)",
                "an event is a JSON object",
            ));
        };
        m.remove("hash");
        if m.contains_key("contact") {
            m.remove("contact_sha256"); // derived from the contact itself
        }
        let mut take = |k: &str| m.remove(k);
        let version = take("v").and_then(|v| v.as_u64());
        if version != Some(u64::from(EVENT_SCHEMA_VERSION)) {
            return Err(Error::invalid(
                "event.v",
                format!("{version:?}"),
                format!("this library reads event schema version {EVENT_SCHEMA_VERSION}"),
            ));
        }
        let int = |v: Option<Value>, k: &str| -> Result<i64> {
            v.as_ref().and_then(Value::as_i64).ok_or_else(|| {
                Error::invalid(format!("event.{k}"), format!("{v:?}"), "must be an integer")
            })
        };
        let seq = int(take("seq"), "seq")?;
        let case = int(take("case"), "case")?;
        let at = int(take("at"), "at")?;
        let actor: Actor = serde_json::from_value(take("actor").unwrap_or(Value::Null))
            .map_err(|e| Error::invalid("event.actor", "?", e.to_string()))?;
        let limit = match take("limit") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.parse::<TimeLimit>()?),
            Some(other) => return Err(Error::invalid("event.limit", other, "must be a string")),
        };
        let body = match m.get("action").and_then(Value::as_str) {
            Some("escalate") => {
                m.remove("action");
                EventBody::Escalation(
                    serde_json::from_value(Value::Object(m))
                        .map_err(|e| Error::invalid("event", "escalate", e.to_string()))?,
                )
            }
            Some("report") => {
                m.remove("action");
                EventBody::Report(Box::new(
                    serde_json::from_value(Value::Object(m))
                        .map_err(|e| Error::invalid("event", "report", e.to_string()))?,
                ))
            }
            _ => EventBody::Action(Action::from_json(Value::Object(m))?),
        };
        let (Ok(seq), Ok(case)) = (u64::try_from(seq), u64::try_from(case)) else {
            return Err(Error::invalid("event.seq", seq, "must not be negative"));
        };
        Ok(Event {
            seq,
            case,
            at,
            actor,
            body,
            limit,
        })
    }
}

/// The canonical text of an event, which the audit chain hashes: its JSON object without the
/// citizen contact (its digest instead) and without `hash`, members sorted, no spaces.
///
/// # Errors
/// As [`Event::to_json`].
pub fn canonical(event: &Event) -> Result<String> {
    Ok(event.to_json(false)?.to_string())
}

/// The chain link after each event, in order ([`crate::audit::link`] from
/// [`crate::audit::GENESIS`]).
///
/// # Errors
/// As [`Event::to_json`].
pub fn chain(events: &[Event]) -> Result<Vec<[u8; 32]>> {
    let mut prev = GENESIS;
    events
        .iter()
        .map(|e| {
            prev = link(&prev, canonical(e)?.as_bytes());
            Ok(prev)
        })
        .collect()
}

/// Events as JSON lines, each with its `hash` chain link. `with_contact` includes the citizen
/// contact of reports (the caller checks that the viewer may see it).
///
/// # Errors
/// As [`Event::to_json`].
pub fn to_json_lines(events: &[Event], with_contact: bool) -> Result<String> {
    let mut out = String::new();
    let mut prev = GENESIS;
    for e in events {
        let mut v = e.to_json(false)?;
        prev = link(&prev, v.to_string().as_bytes());
        if with_contact {
            v = e.to_json(true)?;
        }
        if let Value::Object(o) = &mut v {
            o.insert("hash".into(), Value::String(hex(&prev)));
        }
        out.push_str(&v.to_string());
        out.push('\n');
    }
    Ok(out)
}

/// Parses JSON lines written by [`to_json_lines`] (blank lines are skipped). This reads the
/// events only: the chain is checked by [`crate::audit::verify_json_lines`] (which
/// [`crate::engine::Engine::replay_json_lines`] runs first).
///
/// # Errors
/// [`Error::Parse`] or [`Error::InvalidValue`] naming the line number.
pub fn from_json_lines(text: &str) -> Result<Vec<Event>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line).map_err(|e| Error::Parse {
            format: "JSON",
            message: format!("line {}: {e}", i + 1),
        })?;
        out.push(
            Event::from_json(v)
                .map_err(|e| Error::invalid(format!("line {}", i + 1), "event", e.to_string()))?,
        );
    }
    Ok(out)
}
