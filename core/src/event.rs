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
//!   `target`, `firing`), and no others; for `"migrate"` (case 0, actor `"system"`: a journal
//!   moved to another model) `from` and `to`, the two models' SHA-256 ([`Migration`]).
//! - `limit`: the time limit of the stage this event started, as in force then (the policy
//!   snapshot); absent when no stage started.
//! - `assigned_to`: on an `accept` that issues a verification task, the worker id of the
//!   supervisor it was assigned to; absent otherwise (and in logs written before tasks were
//!   assigned).
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

use sha2::{Digest, Sha256};

use crate::audit::{GENESIS, contact_digest, hex_array, link, link_parts};
use crate::calendar::{Millis, TimeLimit};
use crate::case::{Action, Actor, CaseId, Point, Report, Source};
use crate::error::{Error, Result};
use crate::escalation::EscalationAction;

mod read;

pub use read::from_json_lines;
pub(crate) use read::{Members, Strings, read_line_at};

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
    /// The supervisor the verification task this event issued was assigned to (an `accept`
    /// of a report from a verified source); `None` otherwise.
    pub assigned_to: Option<Arc<str>>,
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
    /// The engine moved to another model (an explicit migration of a journal,
    /// [`crate::journal::OpenOptions::migrate`]): case 0, actor the system.
    Migration(Box<Migration>),
}

/// A change of model, recorded in the event log (and so in the audit chain) where it
/// happened: the events before it were accepted under `from`, those after under `to`. Its
/// JSON form (in the event schema) is `{"action": "migrate", "from": "…", "to": "…"}`, with
/// `case` 0 and actor `"system"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Migration {
    /// The SHA-256 (lower-case hex) of the model before.
    pub from: String,
    /// The SHA-256 (lower-case hex) of the model after.
    pub to: String,
}

impl Migration {
    /// Checks both hashes are 64 lower-case hex digits.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the member.
    pub fn validate(&self) -> Result<()> {
        for (name, v) in [("from", &self.from), ("to", &self.to)] {
            if v.len() != 64
                || !v
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            {
                return Err(Error::invalid(
                    format!("event.{name}"),
                    v,
                    "must be a model's SHA-256 as 64 lower-case hex digits",
                ));
            }
        }
        Ok(())
    }
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
    #[serde(skip_serializing_if = "Option::is_none")]
    assigned_to: Option<&'a str>,
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
    Migration {
        action: &'static str,
        #[serde(flatten)]
        migration: &'a Migration,
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
            EventBody::Migration(m) => BodyOut::Migration {
                action: "migrate",
                migration: m,
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
            assigned_to: self.assigned_to.as_deref(),
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
        let assigned_to = match take("assigned_to") {
            None => None,
            Some(Value::String(s)) => {
                crate::limits::check_identifier("event.assigned_to", &s)?;
                Some(Arc::from(s))
            }
            Some(other) => {
                return Err(Error::invalid(
                    "event.assigned_to",
                    other,
                    "must be a worker id",
                ));
            }
        };
        let body = match m.get("action").and_then(Value::as_str) {
            Some("escalate") => {
                m.remove("action");
                EventBody::Escalation(
                    serde_json::from_value(Value::Object(m))
                        .map_err(|e| Error::invalid("event", "escalate", e.to_string()))?,
                )
            }
            Some("migrate") => {
                m.remove("action");
                let migration: Migration = serde_json::from_value(Value::Object(m))
                    .map_err(|e| Error::invalid("event", "migrate", e.to_string()))?;
                migration.validate()?;
                if case != 0 || actor != Actor::System || limit.is_some() || assigned_to.is_some() {
                    return Err(Error::invalid(
                        "event.case",
                        case,
                        "a migration belongs to no case: case 0, actor \"system\", no limit or assignee",
                    ));
                }
                EventBody::Migration(Box::new(migration))
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
            assigned_to,
        })
    }
}

/// The canonical text of an event, which the audit chain hashes: its JSON object without the
/// citizen contact (its digest instead) and without `hash`, members sorted, no spaces.
///
/// # Errors
/// As [`Event::to_json`].
pub fn canonical(event: &Event) -> Result<String> {
    let mut buf = Vec::with_capacity(256);
    write_event(&mut buf, event, false, false)?;
    utf8(buf)
}

/// The chain link after each event, in order ([`crate::audit::link`] from
/// [`crate::audit::GENESIS`]).
///
/// # Errors
/// As [`Event::to_json`].
pub fn chain(events: &[Event]) -> Result<Vec<[u8; 32]>> {
    let mut prev = GENESIS;
    let mut buf = Vec::with_capacity(256);
    events
        .iter()
        .map(|e| {
            buf.clear();
            write_event(&mut buf, e, false, false)?;
            prev = link(&prev, &buf);
            Ok(prev)
        })
        .collect()
}

/// The last link of the chain over `events` ([`crate::audit::GENESIS`] when there are none):
/// [`chain`]'s last element, without keeping the others. This is the head that
/// [`crate::audit::verify_json_lines`] gives for the export of the same events.
///
/// # Errors
/// As [`Event::to_json`].
pub fn chain_head(events: &[Event]) -> Result<[u8; 32]> {
    let mut prev = GENESIS;
    let mut buf = Vec::with_capacity(256);
    for e in events {
        buf.clear();
        write_event(&mut buf, e, false, false)?;
        prev = link(&prev, &buf);
    }
    Ok(prev)
}

/// Events as JSON lines, each with its `hash` chain link. `with_contact` includes the citizen
/// contact of reports (the caller checks that the viewer may see it).
///
/// Each line is written once, straight into the output, and hashed from the bytes written:
/// the canonical text is the line without its `hash` (and `contact`) member.
///
/// # Errors
/// As [`Event::to_json`].
pub fn to_json_lines(events: &[Event], with_contact: bool) -> Result<String> {
    to_json_lines_after(&GENESIS, events, with_contact).map(|(text, _)| text)
}

/// [`to_json_lines`] for events that continue a chain whose last link is `prev` (events read
/// back from a journal a chunk at a time); returns the text and the last link.
///
/// # Errors
/// As [`Event::to_json`].
pub(crate) fn to_json_lines_after(
    prev: &[u8; 32],
    events: &[Event],
    with_contact: bool,
) -> Result<(String, [u8; 32])> {
    // The lines are written on all cores, a piece of events at a time (each line with a
    // placeholder for its link), while this thread hashes the pieces in order from the bytes
    // written and copies them into the output with each link in its placeholder.
    let threads = crate::parallel::thread_count(0, events.len(), EXPORT_EVENTS_PER_THREAD);
    let mut out = String::with_capacity(events.len().saturating_mul(EXPORT_BYTES_PER_EVENT));
    let mut prev = *prev;
    let mut failed = None;
    crate::parallel::pieces_in_order(
        events,
        threads,
        EXPORT_PIECE,
        |piece| write_piece(piece, with_contact),
        |written| match written {
            Ok((text, spans)) => {
                let mut copied = 0;
                for (start, marks) in spans {
                    let [c0, c1, h0, h1, end] = marks.map(|x| x as usize);
                    let w = Written {
                        contact: c0..c1,
                        hash: h0..h1,
                        end,
                    };
                    let line = &text.as_bytes()[start..];
                    prev = link_of(line, &w, &prev);
                    let placeholder = w.link_placeholder();
                    out.push_str(&text[copied..start + placeholder.start]);
                    let hex = hex_array(&prev);
                    out.push_str(std::str::from_utf8(&hex).expect("hex digits are ASCII"));
                    copied = start + placeholder.end;
                }
                out.push_str(&text[copied..]);
                true
            }
            Err(e) => {
                failed = Some(e);
                false
            }
        },
    );
    if let Some(e) = failed {
        return Err(e);
    }
    out.shrink_to_fit();
    Ok((out, prev))
}

/// A written line's start in its piece, and its marks: where its contact member starts and
/// ends, where its hash member starts and ends, where its object ends (from the line's start).
type LineMarks = (usize, [u32; 5]);

/// One piece of the export: its events' lines (placeholders for the links) as UTF-8, checked
/// here on the writing thread, and each line's start with its marks (contact, hash, end).
fn write_piece(events: &[Event], with_contact: bool) -> Result<(String, Vec<LineMarks>)> {
    let mut out = Vec::with_capacity(events.len().saturating_mul(EXPORT_BYTES_PER_EVENT));
    let mut spans = Vec::with_capacity(events.len());
    for e in events {
        let start = out.len();
        let w = write_event(&mut out, e, with_contact, true)?;
        out.push(b'\n');
        // offsets within the line, kept small (a line is far shorter than 4 GiB)
        let small = |x: usize| {
            u32::try_from(x).map_err(|_| {
                Error::invalid(
                    format!("event {}", e.seq),
                    x,
                    "is written longer than 4 GiB",
                )
            })
        };
        let marks = [
            w.contact.start,
            w.contact.end,
            w.hash.start,
            w.hash.end,
            w.end,
        ];
        let [c0, c1, h0, h1, end] = marks.map(small);
        spans.push((start, [c0?, c1?, h0?, h1?, end?]));
    }
    Ok((utf8(out)?, spans))
}

/// One event's JSON line (with the citizen contact, and its `hash`) and its chain link after
/// `prev`: the line [`to_json_lines`] writes for it with `with_contact`, for stores that take
/// events one commit at a time (the journal, a host's sink). Written once into one buffer and
/// hashed from the bytes written, as the export is.
///
/// # Errors
/// As [`Event::to_json`].
pub fn line_with_link(prev: &[u8; 32], e: &Event) -> Result<(String, [u8; 32])> {
    let mut buf = Vec::with_capacity(256);
    let w = write_event(&mut buf, e, true, true)?;
    let link = seal(&mut buf, &w, prev);
    Ok((utf8(buf)?, link))
}

/// Writes at the end of `buf` the line [`line_with_link`] writes for `e` when its link is
/// `link`, without hashing: for checking a stored line whose link is already known.
///
/// # Errors
/// As [`Event::to_json`].
pub(crate) fn write_line_linked(buf: &mut Vec<u8>, e: &Event, link: &[u8; 32]) -> Result<()> {
    let start = buf.len();
    let placeholder = write_event(buf, e, true, true)?.link_placeholder();
    buf[start + placeholder.start..start + placeholder.end].copy_from_slice(&hex_array(link));
    Ok(())
}

/// Hashes a line written with its `hash` placeholder ([`write_event`] with `with_hash`, the
/// spans `w` relative to `line`'s start) after `prev` — the canonical text is the line less
/// its `contact` and `hash` members — and writes the link into the placeholder.
fn seal(line: &mut [u8], w: &Written, prev: &[u8; 32]) -> [u8; 32] {
    let link = link_of(line, w, prev);
    line[w.link_placeholder()].copy_from_slice(&hex_array(&link));
    link
}

/// The chain link of a written line after `prev`: its canonical text is the line without its
/// `contact` and `hash` members.
fn link_of(line: &[u8], w: &Written, prev: &[u8; 32]) -> [u8; 32] {
    link_parts(
        prev,
        &[
            &line[..w.contact.start],
            &line[w.contact.end..w.hash.start],
            &line[w.hash.end..w.end],
        ],
    )
}

/// Below this many events per thread, the export is written on fewer threads.
const EXPORT_EVENTS_PER_THREAD: usize = 20_000;

/// Events written at a time by one thread of the export, hashed as soon as written.
const EXPORT_PIECE: usize = 8_192;

/// Room made for an event's line in the export (they average 216–230 bytes on the sample and
/// the big city; a longer history only grows the buffer).
const EXPORT_BYTES_PER_EVENT: usize = 240;

fn utf8(buf: Vec<u8>) -> Result<String> {
    String::from_utf8(buf).map_err(|e| {
        Error::invalid(
            "event export",
            "(not UTF-8)",
            format!("was written as invalid UTF-8: {e}"),
        )
    })
}

/// One member of an event's JSON object, before the members are sorted.
#[derive(Clone, Copy)]
enum Val<'a> {
    Str(&'a str),
    Int(i64),
    Uint(u64),
    Bool(bool),
    Actor(&'a Actor),
    Point(&'a Point),
    Limit(TimeLimit),
    /// The citizen contact: written, but not part of the canonical text.
    Contact(&'a str),
    /// The chain link: 64 placeholder characters, not part of the canonical text.
    Hash,
}

/// Where [`write_event`] put the members that are not part of the canonical text, relative to
/// the start of the line, each with its leading comma (empty when not written).
struct Written {
    contact: std::ops::Range<usize>,
    hash: std::ops::Range<usize>,
    /// The end of the object.
    end: usize,
}

impl Written {
    /// Where the link goes in a line written with a `hash` placeholder (from the line's
    /// start): the 64 characters before the member's closing quote.
    fn link_placeholder(&self) -> std::ops::Range<usize> {
        self.hash.end - 65..self.hash.end - 1
    }
}

/// The most members an event has (a report with everything, `limit` and `hash`).
const MAX_MEMBERS: usize = 18;

#[allow(clippy::many_single_char_names)]
/// Writes an event's JSON object (members sorted, no spaces: as `serde_json` prints the
/// [`Event::to_json`] value) at the end of `buf`, without a `Value` tree.
fn write_event(
    buf: &mut Vec<u8>,
    e: &Event,
    with_contact: bool,
    with_hash: bool,
) -> Result<Written> {
    // the digest of a report's contact, written in place of it
    let digest = match &e.body {
        EventBody::Report(r) => r
            .contact
            .as_deref()
            .map(|c| hex_array(&Sha256::digest(c).into())),
        _ => None,
    };
    let mut m: [(&'static str, Val<'_>); MAX_MEMBERS] = [("", Val::Bool(false)); MAX_MEMBERS];
    let mut n = 0;
    let mut put = |k: &'static str, v| {
        m[n] = (k, v);
        n += 1;
    };
    put("v", Val::Uint(u64::from(EVENT_SCHEMA_VERSION)));
    put("seq", Val::Uint(e.seq));
    put("case", Val::Uint(e.case));
    put("at", Val::Int(e.at));
    put("actor", Val::Actor(&e.actor));
    if let Some(l) = e.limit {
        put("limit", Val::Limit(l));
    }
    if let Some(w) = &e.assigned_to {
        put("assigned_to", Val::Str(w));
    }
    if with_hash {
        put("hash", Val::Hash);
    }
    match &e.body {
        EventBody::Report(r) => {
            put("action", Val::Str("report"));
            put("category", Val::Str(&r.category));
            put("grid", Val::Str(&r.grid));
            if let Some(p) = &r.point {
                put("point", Val::Point(p));
            }
            if let Some(u) = &r.urgency {
                put("urgency", Val::Str(u));
            }
            put("source", Val::Str(r.source.as_str()));
            if !r.description.is_empty() {
                put("description", Val::Str(&r.description));
            }
            // The digest always stands for the contact (so exports with and without it, and
            // their replays, agree); the contact itself only on request.
            if let Some(c) = r.contact.as_deref().filter(|_| with_contact) {
                put("contact", Val::Contact(c));
            }
            match &digest {
                Some(d) => put(
                    "contact_sha256",
                    Val::Str(std::str::from_utf8(d).unwrap_or_default()),
                ),
                None => {
                    if let Some(d) = &r.contact_sha256 {
                        put("contact_sha256", Val::Str(d));
                    }
                }
            }
        }
        EventBody::Action(a) => {
            put("action", Val::Str(a.kind().as_str()));
            match a {
                Action::Accept
                | Action::File
                | Action::Start
                | Action::ApprovePostpone
                | Action::DenyPostpone
                | Action::ApproveShelve
                | Action::ApproveReturn
                | Action::DenyReturn
                | Action::ApproveVoid
                | Action::DenyVoid => {}
                Action::RequestReturn { cause, reason } => {
                    put("cause", Val::Str(cause.as_str()));
                    put("reason", Val::Str(reason));
                }
                Action::RequestVoid { cause, reason } => {
                    put("cause", Val::Str(cause.as_str()));
                    put("reason", Val::Str(reason));
                }
                Action::Reject { reason }
                | Action::Void { reason }
                | Action::Return { reason }
                | Action::RequestShelve { reason }
                | Action::Close { reason }
                | Action::Reopen { reason } => put("reason", Val::Str(reason)),
                Action::Verify { valid } => put("valid", Val::Bool(*valid)),
                Action::Dispatch { unit, reason } => {
                    if let Some(u) = unit {
                        put("unit", Val::Str(u));
                    }
                    if let Some(r) = reason {
                        put("reason", Val::Str(r));
                    }
                }
                Action::RequestPostpone { minutes } => put("minutes", Val::Int(*minutes)),
                Action::Handle { result }
                | Action::SelfHandle { result }
                | Action::CoFeedback { result } => {
                    put("result", Val::Str(result));
                }
                Action::Subdispatch { unit } | Action::CoDispatch { unit } => {
                    put("unit", Val::Str(unit));
                }
                Action::Check { passed } => put("passed", Val::Bool(*passed)),
                Action::Rate { satisfaction } | Action::Callback { satisfaction } => {
                    put("satisfaction", Val::Uint(u64::from(*satisfaction)));
                }
                Action::Supervise { note, level } => {
                    put("note", Val::Str(note));
                    if let Some(level) = level {
                        put("level", Val::Str(level.as_str()));
                    }
                }
                Action::Reply { note } => put("note", Val::Str(note)),
            }
        }
        EventBody::Escalation(f) => {
            put("action", Val::Str("escalate"));
            put("rule", Val::Uint(u64::from(f.rule)));
            put("name", Val::Str(f.name()));
            put("effect", Val::Str(f.effect()));
            if let Some(t) = &f.target {
                put("target", Val::Str(t));
            }
            put("firing", Val::Uint(u64::from(f.firing)));
        }
        EventBody::Migration(mig) => {
            put("action", Val::Str("migrate"));
            put("from", Val::Str(&mig.from));
            put("to", Val::Str(&mig.to));
        }
    }
    let members = &m[..n];
    let mut order = [0u8; MAX_MEMBERS];
    sort_members(members, &mut order[..n]);
    let start = buf.len();
    let mut w = Written {
        contact: 0..0,
        hash: 0..0,
        end: 0,
    };
    let bad = |err: serde_json::Error| {
        Error::invalid(
            format!("event {}", e.seq),
            "(not written)",
            format!("cannot be written as JSON: {err}"),
        )
    };
    buf.push(b'{');
    for (i, (k, v)) in order
        .iter()
        .take(n)
        .map(|&j| &members[usize::from(j)])
        .enumerate()
    {
        let from = buf.len() - start;
        if i > 0 {
            buf.push(b',');
        }
        buf.push(b'"');
        buf.extend_from_slice(k.as_bytes());
        buf.extend_from_slice(b"\":");
        write_val(buf, *v).map_err(bad)?;
        let span = from..buf.len() - start;
        match v {
            Val::Contact(_) => w.contact = span,
            Val::Hash => w.hash = span,
            _ => {}
        }
    }
    buf.push(b'}');
    if w.contact.is_empty() {
        // an empty span just before the hash (or at the end), so the canonical text is the
        // line less two spans in both cases
        let at = if w.hash.is_empty() {
            buf.len() - start
        } else {
            w.hash.start
        };
        w.contact = at..at;
    }
    w.end = buf.len() - start;
    if w.hash.is_empty() {
        w.hash = w.end..w.end;
    }
    Ok(w)
}

/// The order of an event's members by key (byte order, as `serde_json` prints a map), as
/// indices into `members`: an insertion sort of indices comparing keys byte by byte in line —
/// a dozen short keys that mostly differ in their first byte, where sorting the 40-byte members
/// themselves, calling `memcmp` for every comparison, made writing an event 11 % dearer.
fn sort_members(members: &[(&'static str, Val<'_>)], order: &mut [u8]) {
    #[inline]
    fn less(a: &[u8], b: &[u8]) -> bool {
        for (x, y) in a.iter().zip(b) {
            if x != y {
                return x < y;
            }
        }
        a.len() < b.len()
    }
    for (i, o) in order.iter_mut().enumerate() {
        *o = i as u8; // fewer than MAX_MEMBERS
    }
    let key = |j: u8| members[usize::from(j)].0.as_bytes();
    for i in 1..order.len() {
        let mut j = i;
        while j > 0 && less(key(order[j]), key(order[j - 1])) {
            order.swap(j, j - 1);
            j -= 1;
        }
    }
}

fn write_val(buf: &mut Vec<u8>, v: Val<'_>) -> serde_json::Result<()> {
    let mut s = serde_json::Serializer::new(buf);
    match v {
        Val::Str(x) | Val::Contact(x) => x.serialize(&mut s),
        Val::Int(x) => x.serialize(&mut s),
        Val::Uint(x) => x.serialize(&mut s),
        Val::Bool(x) => x.serialize(&mut s),
        Val::Limit(x) => x.serialize(&mut s),
        Val::Hash => {
            let buf = s.into_inner();
            buf.push(b'"');
            buf.extend_from_slice(&[b'0'; 64]);
            buf.push(b'"');
            Ok(())
        }
        Val::Actor(a) => {
            let buf = s.into_inner();
            let (k, id) = match a {
                Actor::Worker(id) => ("{\"worker\":", id),
                Actor::Citizen(id) => ("{\"citizen\":", id),
                Actor::System => {
                    buf.extend_from_slice(b"\"system\"");
                    return Ok(());
                }
            };
            buf.extend_from_slice(k.as_bytes());
            id.serialize(&mut serde_json::Serializer::new(&mut *buf))?;
            buf.push(b'}');
            Ok(())
        }
        Val::Point(p) => {
            let buf = s.into_inner();
            buf.extend_from_slice(b"{\"crs\":");
            p.crs
                .serialize(&mut serde_json::Serializer::new(&mut *buf))?;
            buf.extend_from_slice(b",\"lat\":");
            p.lat
                .serialize(&mut serde_json::Serializer::new(&mut *buf))?;
            buf.extend_from_slice(b",\"lon\":");
            p.lon
                .serialize(&mut serde_json::Serializer::new(&mut *buf))?;
            buf.push(b'}');
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests;
