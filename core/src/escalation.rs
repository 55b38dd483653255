//! Escalation rules: which cases, when, what to do, how often — reminders (催办), escalation up
//! the unit graph, supervision (督办) and reassignment, as city centres and 12345 platforms run
//! them. The thresholds are data in the model file, not figures from a standard.
//!
//! A rule in the model file (`[[escalation]]`):
//!
//! ```toml
//! [[escalation]]
//! name = "handling 80 % used: warn"
//! categories = ["*"]                 # duty-style patterns; empty or omitted = all
//! areas = []                         # area codes (whole subtrees); empty = all
//! urgency = []                       # urgency ids; empty = all
//! stages = ["handle"]                # timed stages; empty = all (accept … close)
//! trigger = { share = 0.8 }          # or before / after = "<limit>", rework = n, unsatisfied = n, order_overdue = true
//! action = { warn = "yellow" }       # or notify = unit, escalate = levels, supervise = true, reassign = unit
//! repeat = { every = "2 working_hours", times = 3 }   # optional
//! ```
//!
//! Triggers:
//! - `share = f`: when `f` of the running stage's limit is used (pauses excluded, approved
//!   extensions included);
//! - `before = d`: when `d` remains before the stage's deadline;
//! - `after = d`: `d` after the stage's deadline, the stage not being done;
//! - `overdue = true`: at the stage's deadline;
//! - `rework = n`: when a check fails for the n-th time (or later);
//! - `unsatisfied = n`: when the citizen rates `n` or less;
//! - `order_overdue = true`: at the reply deadline of a 督办 order still unanswered (one
//!   occurrence per order; `stages` does not apply). A 12345 rule set sends a reminder notice
//!   (催办通知书) the day after expiry and a public criticism (通报批评) after 5 more working
//!   days: rules with `after`-style repeats express it.
//!
//! Repeats are bounded: `times` is at most [`MAX_REPEATS`] and `every` at least
//! [`MIN_REPEAT_MINUTES`] minutes (of working or continuous time). These are engineering
//! bounds, not figures from a standard: 100 reminders half an hour apart cover more than six
//! working days, and one a working day more than four months — beyond every stage limit of the
//! default catalog — while a case's history stays at most `1 + 100` firings per rule and stage
//! run. A sweep that comes late records **every** missed firing, each at its own instant (the
//! history is the audit record of each 催办 the rules called for, and later rules and replays
//! depend on the firing numbers); the bounds are what keep one late sweep small: at most
//! `1 + MAX_REPEATS` events per rule and trigger occurrence of a case.
//!
//! Timer triggers are counted in the measure of the limit (working or continuous time), `after`
//! and `every` in their own; triggers counted in working time fall on working instants (never at
//! midnight). A timer trigger belongs to one run of a stage: when the stage ends or restarts
//! (rework, re-dispatch), its pending firings are dropped and counted afresh.

use serde::{Deserialize, Serialize};

use crate::calendar::TimeLimit;
use crate::case::Light;
use crate::catalog::{CategoryPattern, Stage};
use crate::error::Issues;
use crate::org::{Organisation, UnitId};
use crate::territory::{AreaId, Territory};

/// The most further firings a rule's `repeat.times` may ask for.
pub const MAX_REPEATS: u32 = 100;

/// The shortest interval a rule's `repeat.every` may give, in minutes (working or continuous).
pub const MIN_REPEAT_MINUTES: i64 = 30;

/// When a rule fires.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TriggerConfig {
    /// Share of the stage's limit used, in (0, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// Time left before the stage's deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<TimeLimit>,
    /// Time after the stage's deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<TimeLimit>,
    /// `true`: at the stage's deadline itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue: Option<bool>,
    /// Number of failed checks (返工) reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rework: Option<u32>,
    /// A citizen rating at or below this satisfaction (1–5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsatisfied: Option<u8>,
    /// `true`: at the reply deadline of an unanswered 督办 order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_overdue: Option<bool>,
}

/// What a rule does.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionConfig {
    /// Show this light (a warning).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warn: Option<Light>,
    /// Notify this unit (`"$unit"`: the unit the case is dispatched to).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<String>,
    /// Escalate this many levels up the unit graph from the case's unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate: Option<u32>,
    /// Put the case under supervision (督办).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supervise: Option<bool>,
    /// Reassign the case to this unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reassign: Option<String>,
}

/// How often a rule fires again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RepeatConfig {
    /// Interval between firings: at least 30 minutes (`MIN_REPEAT_MINUTES`).
    pub every: TimeLimit,
    /// Further firings after the first, at most; 1 to 100 (`MAX_REPEATS`).
    #[schemars(range(min = 1, max = 100))]
    pub times: u32,
}

/// One escalation rule as written in the model file (`[[escalation]]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationRuleConfig {
    /// Name shown with every firing.
    pub name: String,
    /// Category patterns (`"*"`, `"C"`, `"C01"`, `"C0101"`); empty for all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// Area codes whose subtrees are selected; empty for all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub areas: Vec<String>,
    /// Urgency ids; empty for all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urgency: Vec<String>,
    /// Timed stages; empty for all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<Stage>,
    /// When it fires.
    pub trigger: TriggerConfig,
    /// What it does.
    pub action: ActionConfig,
    /// Optional repetition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat: Option<RepeatConfig>,
}

/// A validated trigger.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Trigger {
    /// Share of the limit used.
    Share(f64),
    /// Time left before the deadline.
    Before(TimeLimit),
    /// Time after the deadline.
    After(TimeLimit),
    /// At the deadline.
    Overdue,
    /// Failed checks reached.
    Rework(u32),
    /// Rating at or below.
    Unsatisfied(u8),
    /// An unanswered 督办 order's reply deadline.
    OrderOverdue,
}

impl Trigger {
    /// `true` for triggers tied to a running stage timer.
    pub fn is_timed(self) -> bool {
        matches!(
            self,
            Trigger::Share(_) | Trigger::Before(_) | Trigger::After(_) | Trigger::Overdue
        )
    }
}

/// A validated action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EscalationAction {
    /// Show a light.
    Warn(Light),
    /// Notify a unit (`None`: the case's unit).
    Notify(Option<UnitId>),
    /// Escalate n levels up from the case's unit.
    Escalate(u32),
    /// Supervise (督办).
    Supervise,
    /// Reassign to a unit.
    Reassign(UnitId),
}

impl EscalationAction {
    /// Every action's name, in the order of the variants.
    pub const NAMES: [&'static str; 5] = ["warn", "notify", "escalate", "supervise", "reassign"];

    /// The action's name: `warn`, `notify`, `escalate`, `supervise`, `reassign`.
    pub fn name(&self) -> &'static str {
        Self::NAMES[match self {
            EscalationAction::Warn(_) => 0,
            EscalationAction::Notify(_) => 1,
            EscalationAction::Escalate(_) => 2,
            EscalationAction::Supervise => 3,
            EscalationAction::Reassign(_) => 4,
        }]
    }
}

/// A validated rule.
#[derive(Debug, Clone, PartialEq)]
pub struct EscalationRule {
    /// Its name.
    pub name: std::sync::Arc<str>,
    /// Category patterns (empty: all).
    pub categories: Vec<CategoryPattern>,
    /// Areas (empty: all).
    pub areas: Vec<AreaId>,
    /// Urgency ids (empty: all).
    pub urgency: Vec<String>,
    /// Stages (empty: all).
    pub stages: Vec<Stage>,
    /// When.
    pub trigger: Trigger,
    /// What.
    pub action: EscalationAction,
    /// Repetition: (interval, further firings).
    pub repeat: Option<(TimeLimit, u32)>,
}

impl EscalationRule {
    /// Validates the `[[escalation]]` list, recording every problem with its path.
    pub fn from_configs(
        configs: &[EscalationRuleConfig],
        territory: &Territory,
        org: &Organisation,
        urgencies: &[String],
        issues: &mut Issues,
    ) -> Vec<EscalationRule> {
        let mut out = Vec::with_capacity(configs.len());
        for (i, c) in configs.iter().enumerate() {
            let p = format!("escalation[{i}]");
            let before = issues.len();
            if c.name.trim().is_empty() {
                issues.push(format!("{p}.name"), "name is empty");
            }
            let mut categories = Vec::new();
            for (j, s) in c.categories.iter().enumerate() {
                match CategoryPattern::parse(s) {
                    Ok(pat) => categories.push(pat),
                    Err(e) => issues.push(format!("{p}.categories[{j}]"), e.to_string()),
                }
            }
            let mut areas = Vec::new();
            for (j, s) in c.areas.iter().enumerate() {
                match territory.find(s) {
                    Ok(a) => areas.push(a),
                    Err(_) => issues.push(format!("{p}.areas[{j}]"), format!("unknown area {s:?}")),
                }
            }
            for (j, u) in c.urgency.iter().enumerate() {
                if !urgencies.contains(u) {
                    issues.push(
                        format!("{p}.urgency[{j}]"),
                        format!("unknown urgency {u:?}"),
                    );
                }
            }
            let t = &c.trigger;
            let set = [
                t.share.is_some(),
                t.before.is_some(),
                t.after.is_some(),
                t.overdue.is_some(),
                t.rework.is_some(),
                t.unsatisfied.is_some(),
                t.order_overdue.is_some(),
            ]
            .iter()
            .filter(|x| **x)
            .count();
            let trigger = if set != 1 {
                issues.push(
                    format!("{p}.trigger"),
                    "give exactly one of share, before, after, overdue, rework, unsatisfied, order_overdue",
                );
                None
            } else if let Some(s) = t.share {
                if s.is_finite() && s > 0.0 && s <= 1.0 {
                    Some(Trigger::Share(s))
                } else {
                    issues.push(
                        format!("{p}.trigger.share"),
                        format!("{s} is not a share in (0, 1]"),
                    );
                    None
                }
            } else if let Some(d) = t.before {
                Some(Trigger::Before(d))
            } else if let Some(d) = t.after {
                Some(Trigger::After(d))
            } else if let Some(o) = t.overdue {
                if !o {
                    issues.push(format!("{p}.trigger.overdue"), "use overdue = true");
                }
                Some(Trigger::Overdue)
            } else if let Some(o) = t.order_overdue {
                if !o {
                    issues.push(
                        format!("{p}.trigger.order_overdue"),
                        "use order_overdue = true",
                    );
                }
                Some(Trigger::OrderOverdue)
            } else if let Some(n) = t.rework {
                if n == 0 {
                    issues.push(format!("{p}.trigger.rework"), "must be at least 1");
                }
                Some(Trigger::Rework(n.max(1)))
            } else {
                let n = t.unsatisfied.unwrap_or(0);
                if !(1..=5).contains(&n) {
                    issues.push(
                        format!("{p}.trigger.unsatisfied"),
                        format!("{n} is not a satisfaction from 1 to 5"),
                    );
                }
                Some(Trigger::Unsatisfied(n))
            };
            let unit = |field: &str, id: &str, issues: &mut Issues| match org.find_unit(id) {
                Ok(u) => Some(u),
                Err(_) => {
                    issues.push(
                        format!("{p}.action.{field}"),
                        format!("unknown unit {id:?}"),
                    );
                    None
                }
            };
            let a = &c.action;
            let set = [
                a.warn.is_some(),
                a.notify.is_some(),
                a.escalate.is_some(),
                a.supervise.is_some(),
                a.reassign.is_some(),
            ]
            .iter()
            .filter(|x| **x)
            .count();
            let action = if set != 1 {
                issues.push(
                    format!("{p}.action"),
                    "give exactly one of warn, notify, escalate, supervise, reassign",
                );
                None
            } else if let Some(l) = a.warn {
                Some(EscalationAction::Warn(l))
            } else if let Some(n) = &a.notify {
                if n == "$unit" {
                    Some(EscalationAction::Notify(None))
                } else {
                    unit("notify", n, issues).map(|u| EscalationAction::Notify(Some(u)))
                }
            } else if let Some(levels) = a.escalate {
                let depth = org.units().len() as u32;
                if levels == 0 || levels > depth {
                    issues.push(
                        format!("{p}.action.escalate"),
                        format!("{levels} levels: the unit graph has at most {depth}"),
                    );
                }
                Some(EscalationAction::Escalate(levels))
            } else if let Some(s) = a.supervise {
                if !s {
                    issues.push(format!("{p}.action.supervise"), "use supervise = true");
                }
                Some(EscalationAction::Supervise)
            } else {
                a.reassign
                    .as_deref()
                    .and_then(|r| unit("reassign", r, issues))
                    .map(EscalationAction::Reassign)
            };
            if let Some(r) = &c.repeat {
                if r.times == 0 {
                    issues.push(format!("{p}.repeat.times"), "must be at least 1");
                } else if r.times > MAX_REPEATS {
                    issues.push(
                        format!("{p}.repeat.times"),
                        format!("{} repeats: at most {MAX_REPEATS}", r.times),
                    );
                }
                let short = match r.every {
                    TimeLimit::Working { minutes } | TimeLimit::Continuous { minutes } => {
                        minutes < MIN_REPEAT_MINUTES
                    }
                    TimeLimit::WorkingDays { .. } => false,
                };
                if short {
                    issues.push(
                        format!("{p}.repeat.every"),
                        format!(
                            "{} is shorter than the minimum interval, {MIN_REPEAT_MINUTES} minutes",
                            r.every
                        ),
                    );
                }
            }
            if let (Some(trigger), Some(action)) = (trigger, action)
                && issues.len() == before
            {
                out.push(EscalationRule {
                    name: std::sync::Arc::from(c.name.as_str()),
                    categories,
                    areas,
                    urgency: c.urgency.clone(),
                    stages: c.stages.clone(),
                    trigger,
                    action,
                    repeat: c.repeat.map(|r| (r.every, r.times)),
                });
            }
        }
        out
    }

    /// Whether the rule selects a case of this category, grid and urgency.
    pub fn selects(
        &self,
        category: &crate::catalog::CategoryKey,
        grid: AreaId,
        urgency: &str,
        territory: &Territory,
    ) -> bool {
        (self.categories.is_empty() || self.categories.iter().any(|p| p.matches(category)))
            && (self.areas.is_empty() || self.areas.iter().any(|a| territory.is_within(grid, *a)))
            && (self.urgency.is_empty() || self.urgency.iter().any(|u| u == urgency))
    }

    /// Whether the rule applies to a running stage.
    pub fn applies_to_stage(&self, stage: Stage) -> bool {
        self.stages.is_empty() || self.stages.contains(&stage)
    }

    /// How many times it may fire in all for one trigger: `1 + times`, at most
    /// `1 + MAX_REPEATS` for a rule of a model file. A rule built by hand with a larger count
    /// saturates at `u32::MAX` rather than wrapping.
    pub fn max_firings(&self) -> u32 {
        self.repeat.map_or(0, |(_, n)| n).saturating_add(1)
    }
}
