//! Reading events back from JSON lines without a JSON tree per line: the fast path of
//! [`from_json_lines`], with the general path ([`Event::from_json`]) for any line it does not
//! take.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

use super::{EVENT_SCHEMA_VERSION, Event, EventBody, Firing, RuleLabel};
use crate::audit::Member;
use crate::calendar::TimeLimit;
use crate::case::{Action, Actor, Point, Report, Source};
use crate::error::{Error, Result};
use crate::escalation::EscalationAction;

/// Parses JSON lines written by [`super::to_json_lines`] (blank lines are skipped). This reads the
/// events only: the chain is checked by [`crate::audit::verify_json_lines`] (which
/// [`crate::engine::Engine::replay_json_lines`] runs first).
///
/// Each line is read straight into the event's fields, without a JSON tree, on all cores; a
/// line this fast path does not take (an unknown member, a field of the wrong kind…) is read
/// through [`Event::from_json`], which names what is wrong with it.
///
/// # Errors
/// [`Error::Parse`] or [`Error::InvalidValue`] naming the line number.
pub fn from_json_lines(text: &str) -> Result<Vec<Event>> {
    let threads = crate::parallel::thread_count(0, text.len(), PARSE_BYTES_PER_THREAD);
    let chunks = crate::parallel::line_chunks(text, threads);
    // a chunk stops at its first bad line: (line within the chunk, the chunk's start)
    let parts = crate::parallel::map_chunks(chunks, threads, |ranges| {
        ranges
            .into_iter()
            .map(|r| {
                let mut out = Vec::new();
                for (i, line) in text[r.clone()].lines().enumerate() {
                    if line.trim().is_empty() {
                        continue;
                    }
                    match read_line(line) {
                        Some(e) => out.push(e),
                        None => return (out, Some((i, r.start))),
                    }
                }
                (out, None)
            })
            .collect::<Vec<_>>()
    });
    let mut events = Vec::with_capacity(parts.iter().flatten().map(|(e, _)| e.len()).sum());
    for (part, bad) in parts.into_iter().flatten() {
        if let Some((i, start)) = bad {
            let line = text[start..].lines().nth(i).unwrap_or_default();
            return Err(read_line_slowly(line, text[..start].lines().count() + i));
        }
        events.extend(part);
    }
    Ok(events)
}

/// Below this many bytes per thread, reading runs on fewer threads.
const PARSE_BYTES_PER_THREAD: usize = 1 << 20;

/// One non-blank line (`i` counts every line from 0), with [`from_json_lines`]' error for it.
pub(crate) fn read_line_at(line: &str, i: usize) -> Result<Event> {
    read_line(line).ok_or_else(|| read_line_slowly(line, i))
}

/// One line: the fast path, else the general one (`None`: the line is refused).
fn read_line(line: &str) -> Option<Event> {
    if let Some(e) = serde_json::from_str::<EventIn<'_>>(line)
        .ok()
        .and_then(EventIn::into_event)
    {
        return Some(e);
    }
    Event::from_json(serde_json::from_str(line).ok()?).ok()
}

/// The error of the general path for a line (`i` counts from 0).
fn read_line_slowly(line: &str, i: usize) -> Error {
    let v: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => {
            return Error::Parse {
                format: "JSON",
                message: format!("line {}: {e}", i + 1),
            };
        }
    };
    match Event::from_json(v) {
        Err(e) => Error::invalid(format!("line {}", i + 1), "event", e.to_string()),
        Ok(_) => Error::invalid(
            format!("line {}", i + 1),
            "event",
            "was refused by the fast reader and read by the general one",
        ),
    }
}

/// A string member, borrowed from the line when it has no escapes.
struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// A member that is present (`Some`), with the value it holds (a `null` only where `T`
/// takes one), or absent (`None`, by `#[serde(default)]`).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> std::result::Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// Every member an event line may have, read in one pass (the fast path of
/// [`from_json_lines`]). `Option<Option<T>>`: absent, `null`, or a value.
#[derive(Deserialize, Default)]
#[allow(clippy::option_option)] // absent, `null` and a value are three different lines
#[serde(deny_unknown_fields)]
pub(super) struct EventIn<'a> {
    #[serde(default, deserialize_with = "present")]
    v: Option<u64>,
    #[serde(default, deserialize_with = "present")]
    seq: Option<i64>,
    #[serde(default, deserialize_with = "present")]
    case: Option<i64>,
    #[serde(default, deserialize_with = "present")]
    at: Option<i64>,
    #[serde(default, deserialize_with = "present")]
    actor: Option<Actor>,
    #[serde(default, deserialize_with = "present", borrow)]
    limit: Option<Option<Text<'a>>>,
    #[serde(default, deserialize_with = "present", borrow)]
    assigned_to: Option<Text<'a>>,
    #[serde(default, deserialize_with = "present", rename = "hash")]
    _hash: Option<serde::de::IgnoredAny>,
    #[serde(default, deserialize_with = "present", borrow)]
    action: Option<Text<'a>>,
    #[serde(default, deserialize_with = "present", borrow)]
    category: Option<Text<'a>>,
    #[serde(default, deserialize_with = "present", borrow)]
    grid: Option<Text<'a>>,
    #[serde(default, deserialize_with = "present")]
    point: Option<Option<Point>>,
    #[serde(default, deserialize_with = "present", borrow)]
    urgency: Option<Option<Text<'a>>>,
    #[serde(default, deserialize_with = "present")]
    source: Option<Source>,
    #[serde(default, deserialize_with = "present", borrow)]
    description: Option<Text<'a>>,
    #[serde(default, deserialize_with = "present", borrow)]
    contact: Option<Option<Text<'a>>>,
    #[serde(default, deserialize_with = "present", borrow)]
    contact_sha256: Option<Option<Text<'a>>>,
    #[serde(default, deserialize_with = "present", borrow)]
    reason: Option<Option<Text<'a>>>,
    #[serde(default, deserialize_with = "present")]
    valid: Option<bool>,
    #[serde(default, deserialize_with = "present", borrow)]
    unit: Option<Option<Text<'a>>>,
    #[serde(default, deserialize_with = "present")]
    minutes: Option<i64>,
    #[serde(default, deserialize_with = "present", borrow)]
    result: Option<Text<'a>>,
    #[serde(default, deserialize_with = "present")]
    passed: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    satisfaction: Option<u8>,
    #[serde(default, deserialize_with = "present", borrow)]
    cause: Option<Text<'a>>,
    #[serde(default, deserialize_with = "present")]
    level: Option<Option<crate::case::SuperviseLevel>>,
    #[serde(default, deserialize_with = "present", borrow)]
    note: Option<Text<'a>>,
    #[serde(default, deserialize_with = "present")]
    rule: Option<u32>,
    #[serde(default, deserialize_with = "present", borrow)]
    name: Option<Text<'a>>,
    #[serde(default, deserialize_with = "present", borrow)]
    effect: Option<Text<'a>>,
    #[serde(default, deserialize_with = "present", borrow)]
    target: Option<Option<Text<'a>>>,
    #[serde(default, deserialize_with = "present")]
    firing: Option<u32>,
}

/// An event read from the top-level members of a line in canonical form as the audit chain's
/// scan hands them ([`crate::audit::Follower::follow_members`]), so the line is read in the
/// same pass that checks its link: the members fill the same [`EventIn`] the fast path's
/// `serde` reader fills, and a member this reader does not take as `serde` would (an unknown
/// key, a value of another kind, a number that is not a plain integer…) leaves the line to
/// [`read_line_at`], which reads it, or refuses it, exactly as before.
pub(crate) struct Members<'a, 's> {
    fields: EventIn<'a>,
    refused: bool,
    strings: &'s mut Strings,
}

impl<'a, 's> Members<'a, 's> {
    /// A line's members to come, its ids taken from `strings`.
    pub(crate) fn new(strings: &'s mut Strings) -> Members<'a, 's> {
        Members {
            fields: EventIn::default(),
            refused: false,
            strings,
        }
    }

    /// Takes the member whose key spans `key` in `line` (keys come once each, as the scan
    /// refuses a repeated key).
    pub(crate) fn take(&mut self, line: &'a str, key: Range<usize>, value: &Member) {
        if !self.refused && self.set(line, &line[key], value).is_none() {
            self.refused = true;
        }
    }

    #[allow(clippy::used_underscore_binding)] // `hash` is taken and not read
    fn set(&mut self, line: &'a str, key: &str, value: &Member) -> Option<()> {
        let f = &mut self.fields;
        match key {
            "v" => f.v = Some(int(line, value)?),
            "seq" => f.seq = Some(int(line, value)?),
            "case" => f.case = Some(int(line, value)?),
            "at" => f.at = Some(int(line, value)?),
            "actor" => f.actor = Some(actor(line, value, self.strings)?),
            "limit" => f.limit = Some(nullable(line, value)?),
            "hash" => f._hash = Some(serde::de::IgnoredAny),
            "action" => f.action = Some(text(line, value)?),
            "category" => f.category = Some(text(line, value)?),
            "grid" => f.grid = Some(text(line, value)?),
            "point" => f.point = Some(json(line, value)?),
            "urgency" => f.urgency = Some(nullable(line, value)?),
            "source" => f.source = Some(json(line, value)?),
            "description" => f.description = Some(text(line, value)?),
            "contact" => f.contact = Some(nullable(line, value)?),
            "contact_sha256" => f.contact_sha256 = Some(nullable(line, value)?),
            "reason" => f.reason = Some(nullable(line, value)?),
            "valid" => f.valid = Some(boolean(line, value)?),
            "unit" => f.unit = Some(nullable(line, value)?),
            "minutes" => f.minutes = Some(int(line, value)?),
            "result" => f.result = Some(text(line, value)?),
            "passed" => f.passed = Some(boolean(line, value)?),
            "satisfaction" => f.satisfaction = Some(int(line, value)?),
            "cause" => f.cause = Some(text(line, value)?),
            "level" => f.level = Some(json(line, value)?),
            "note" => f.note = Some(text(line, value)?),
            "rule" => f.rule = Some(int(line, value)?),
            "name" => f.name = Some(text(line, value)?),
            "effect" => f.effect = Some(text(line, value)?),
            "target" => f.target = Some(nullable(line, value)?),
            "firing" => f.firing = Some(int(line, value)?),
            "assigned_to" => f.assigned_to = Some(text(line, value)?),
            _ => return None,
        }
        Some(())
    }

    /// The event, as [`EventIn::into_event`] gives it; `None` when a member was refused or the
    /// members make no event (the caller then reads the line with [`read_line_at`]).
    pub(crate) fn into_event(self) -> Option<Event> {
        if self.refused {
            return None;
        }
        self.fields.into_event_with(self.strings)
    }
}

/// The whole JSON value of a member (a string with its quotes).
fn raw<'a>(line: &'a str, value: &Member) -> &'a str {
    match value {
        Member::Text(r, _) => &line[(r.start - 1)..=r.end],
        Member::Other(r) => &line[r.clone()],
    }
}

/// A string, borrowed from the line when it holds no escapes.
fn text<'a>(line: &'a str, value: &Member) -> Option<Text<'a>> {
    match value {
        Member::Text(r, false) => Some(Text(Cow::Borrowed(&line[r.clone()]))),
        Member::Text(..) => serde_json::from_str::<String>(raw(line, value))
            .ok()
            .map(|s| Text(Cow::Owned(s))),
        Member::Other(_) => None,
    }
}

/// A string or `null`.
#[allow(clippy::option_option)] // `null` and a string, as the members `EventIn` holds
fn nullable<'a>(line: &'a str, value: &Member) -> Option<Option<Text<'a>>> {
    match value {
        Member::Other(r) if &line[r.clone()] == "null" => Some(None),
        _ => text(line, value).map(Some),
    }
}

/// A plain integer of the type (the scan took only numbers as `serde_json` prints them: no
/// sign but `-`, no leading zero); a float, or an integer out of range, is refused, as the
/// `serde` reader refuses it.
fn int<T: std::str::FromStr>(line: &str, value: &Member) -> Option<T> {
    match value {
        Member::Other(r) => line[r.clone()].parse().ok(),
        Member::Text(..) => None,
    }
}

fn boolean(line: &str, value: &Member) -> Option<bool> {
    match raw(line, value) {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// Any other member, read by its own `serde` reader.
fn json<'de, T: Deserialize<'de>>(line: &'de str, value: &Member) -> Option<T> {
    serde_json::from_str(raw(line, value)).ok()
}

/// The actor: `"system"` and `{"worker": id}` or `{"citizen": id}` without escapes read here,
/// any other form by its `serde` reader.
fn actor(line: &str, value: &Member, strings: &mut Strings) -> Option<Actor> {
    let v = raw(line, value);
    if v == "\"system\"" {
        return Some(Actor::System);
    }
    let plain = |id: &str| !id.contains(['"', '\\']);
    if let Some(id) = v
        .strip_prefix("{\"worker\":\"")
        .and_then(|r| r.strip_suffix("\"}"))
        .filter(|id| plain(id))
    {
        return Some(Actor::Worker(strings.get(id)));
    }
    if let Some(id) = v
        .strip_prefix("{\"citizen\":\"")
        .and_then(|r| r.strip_suffix("\"}"))
        .filter(|id| plain(id))
    {
        return Some(Actor::Citizen(strings.get(id)));
    }
    json(line, value)
}

fn owned(t: Text<'_>) -> String {
    t.0.into_owned()
}

/// Ids shared by many events (actors, categories, grids, units, rule names), each allocated
/// once by a reader that keeps them ([`Strings::new`]), up to [`STRINGS_KEPT`] at a time.
pub(crate) struct Strings {
    kept: foldhash::HashSet<Arc<str>>,
    limit: usize,
}

/// The most ids a [`Strings`] keeps (it starts afresh when full).
const STRINGS_KEPT: usize = 1 << 16;

impl Strings {
    /// A reader's ids, kept.
    pub(crate) fn new() -> Strings {
        Strings {
            kept: foldhash::HashSet::default(),
            limit: STRINGS_KEPT,
        }
    }

    /// Ids allocated each time (a reader of one line).
    fn none() -> Strings {
        Strings {
            kept: foldhash::HashSet::default(),
            limit: 0,
        }
    }

    fn get(&mut self, s: &str) -> Arc<str> {
        if self.limit == 0 {
            return Arc::from(s);
        }
        if let Some(a) = self.kept.get(s) {
            return Arc::clone(a);
        }
        if self.kept.len() >= self.limit {
            self.kept.clear();
        }
        let a: Arc<str> = Arc::from(s);
        self.kept.insert(Arc::clone(&a));
        a
    }

    #[allow(clippy::needless_pass_by_value)] // taken as `map`'s function
    fn shared(&mut self, t: Text<'_>) -> Arc<str> {
        self.get(&t.0)
    }
}

impl EventIn<'_> {
    /// The event, exactly as [`Event::from_json`] reads the same line; `None` for whatever the
    /// general path is to read (or refuse).
    pub(super) fn into_event(self) -> Option<Event> {
        self.into_event_with(&mut Strings::none())
    }

    /// [`EventIn::into_event`], its ids from `strings`.
    fn into_event_with(mut self, strings: &mut Strings) -> Option<Event> {
        if self.v != Some(u64::from(EVENT_SCHEMA_VERSION)) {
            return None;
        }
        let seq = u64::try_from(self.seq?).ok()?;
        let case = u64::try_from(self.case?).ok()?;
        let at = self.at?;
        let actor = self.actor.take()?;
        let limit = match self.limit {
            None | Some(None) => None,
            Some(Some(ref t)) => Some(t.0.parse::<TimeLimit>().ok()?),
        };
        // the members of a report, of an action, of an escalation: each kind takes its own
        let report = self.category.is_some()
            || self.grid.is_some()
            || self.point.is_some()
            || self.urgency.is_some()
            || self.source.is_some()
            || self.description.is_some()
            || self.contact.is_some()
            || self.contact_sha256.is_some();
        let firing = self.rule.is_some()
            || self.name.is_some()
            || self.effect.is_some()
            || self.target.is_some()
            || self.firing.is_some();
        let assigned_to = match self.assigned_to.take() {
            None => None,
            Some(t) if crate::limits::check_identifier("event.assigned_to", &t.0).is_ok() => {
                Some(strings.shared(t))
            }
            Some(_) => return None, // the general path names the bad id
        };
        let actions = self.has_action_fields();
        let action = self.action.take()?;
        let body = match action.0.as_ref() {
            "report" => {
                if firing || actions {
                    return None;
                }
                // as the general path: a contact member (even `null`) drops the digest
                let contact_sha256 = if self.contact.is_some() {
                    None
                } else {
                    self.contact_sha256.flatten().map(owned)
                };
                EventBody::Report(Box::new(Report {
                    category: strings.shared(self.category?),
                    grid: self
                        .grid
                        .map_or_else(|| Arc::from(""), |g| strings.shared(g)),
                    point: self.point.flatten(),
                    urgency: self.urgency.flatten().map(owned),
                    source: self.source.unwrap_or_default(),
                    description: self.description.map(owned).unwrap_or_default(),
                    contact: self.contact.flatten().map(owned),
                    contact_sha256,
                }))
            }
            "escalate" => {
                if report || actions {
                    return None;
                }
                let effect = self.effect?;
                let effect = EscalationAction::NAMES
                    .into_iter()
                    .find(|e| *e == effect.0)?;
                EventBody::Escalation(Firing {
                    rule: self.rule?,
                    firing: self.firing?,
                    label: Arc::new(RuleLabel {
                        name: strings.shared(self.name?),
                        effect,
                    }),
                    target: self.target.flatten().map(|t| strings.shared(t)),
                })
            }
            name => {
                if report || firing {
                    return None;
                }
                EventBody::Action(self.action_of(name, strings)?)
            }
        };
        Some(Event {
            seq,
            case,
            at,
            actor,
            body,
            limit,
            assigned_to,
        })
    }

    fn has_action_fields(&self) -> bool {
        self.reason.is_some()
            || self.valid.is_some()
            || self.unit.is_some()
            || self.minutes.is_some()
            || self.result.is_some()
            || self.passed.is_some()
            || self.satisfaction.is_some()
            || self.note.is_some()
            || self.cause.is_some()
            || self.level.is_some()
    }

    /// The action `name` from exactly its own fields.
    fn action_of(self, name: &str, strings: &mut Strings) -> Option<Action> {
        let kind = crate::lifecycle::ActionKind::from_name(name)?;
        let given = [
            ("reason", self.reason.is_some()),
            ("valid", self.valid.is_some()),
            ("unit", self.unit.is_some()),
            ("minutes", self.minutes.is_some()),
            ("result", self.result.is_some()),
            ("passed", self.passed.is_some()),
            ("satisfaction", self.satisfaction.is_some()),
            ("note", self.note.is_some()),
            ("cause", self.cause.is_some()),
            ("level", self.level.is_some()),
        ];
        if given
            .iter()
            .any(|(field, is)| *is && !kind.fields().contains(field))
        {
            return None;
        }
        // a reason that must be given is a string, never `null`
        let reason = self.reason.flatten().map(owned);
        Some(match kind {
            crate::lifecycle::ActionKind::Report => return None,
            crate::lifecycle::ActionKind::Accept => Action::Accept,
            crate::lifecycle::ActionKind::Reject => Action::Reject { reason: reason? },
            crate::lifecycle::ActionKind::Verify => Action::Verify { valid: self.valid? },
            crate::lifecycle::ActionKind::File => Action::File,
            crate::lifecycle::ActionKind::Void => Action::Void { reason: reason? },
            crate::lifecycle::ActionKind::Dispatch => Action::Dispatch {
                unit: self.unit.flatten().map(|u| strings.shared(u)),
                reason,
            },
            crate::lifecycle::ActionKind::Return => Action::Return { reason: reason? },
            crate::lifecycle::ActionKind::Start => Action::Start,
            crate::lifecycle::ActionKind::RequestPostpone => Action::RequestPostpone {
                minutes: self.minutes?,
            },
            crate::lifecycle::ActionKind::ApprovePostpone => Action::ApprovePostpone,
            crate::lifecycle::ActionKind::DenyPostpone => Action::DenyPostpone,
            crate::lifecycle::ActionKind::RequestShelve => {
                Action::RequestShelve { reason: reason? }
            }
            crate::lifecycle::ActionKind::ApproveShelve => Action::ApproveShelve,
            crate::lifecycle::ActionKind::Handle => Action::Handle {
                result: owned(self.result?),
            },
            crate::lifecycle::ActionKind::Check => Action::Check {
                passed: self.passed?,
            },
            crate::lifecycle::ActionKind::Close => Action::Close { reason: reason? },
            crate::lifecycle::ActionKind::Rate => Action::Rate {
                satisfaction: self.satisfaction?,
            },
            crate::lifecycle::ActionKind::Reopen => Action::Reopen { reason: reason? },
            crate::lifecycle::ActionKind::Supervise => Action::Supervise {
                note: owned(self.note?),
                level: self.level.flatten(),
            },
            crate::lifecycle::ActionKind::Callback => Action::Callback {
                satisfaction: self.satisfaction?,
            },
            crate::lifecycle::ActionKind::Reply => Action::Reply {
                note: owned(self.note?),
            },
            crate::lifecycle::ActionKind::RequestReturn => Action::RequestReturn {
                cause: crate::case::ReturnCause::parse(&self.cause?.0)?,
                reason: reason?,
            },
            crate::lifecycle::ActionKind::RequestVoid => Action::RequestVoid {
                cause: crate::case::VoidCause::parse(&self.cause?.0)?,
                reason: reason?,
            },
            crate::lifecycle::ActionKind::ApproveReturn => Action::ApproveReturn,
            crate::lifecycle::ActionKind::DenyReturn => Action::DenyReturn,
            crate::lifecycle::ActionKind::ApproveVoid => Action::ApproveVoid,
            crate::lifecycle::ActionKind::DenyVoid => Action::DenyVoid,
            crate::lifecycle::ActionKind::SelfHandle => Action::SelfHandle {
                result: owned(self.result?),
            },
            crate::lifecycle::ActionKind::CoFeedback => Action::CoFeedback {
                result: owned(self.result?),
            },
            crate::lifecycle::ActionKind::Subdispatch => Action::Subdispatch {
                unit: strings.shared(self.unit.flatten()?),
            },
            crate::lifecycle::ActionKind::CoDispatch => Action::CoDispatch {
                unit: strings.shared(self.unit.flatten()?),
            },
        })
    }
}
