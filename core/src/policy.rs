//! The engine's policy: what a model's `[engine]` section and `[[escalation]]` rules set
//! beyond the lifecycle table — when a light turns yellow, who may perform which action
//! ([`crate::access::Permissions`]) and which escalation rules run
//! ([`crate::escalation::EscalationRule`]).
//!
//! The model validates and holds an [`EngineConfig`]; an engine takes it from the model
//! ([`crate::engine::Engine::new`]) or is given one ([`crate::engine::Engine::with_config`]).

use std::collections::BTreeMap;

use crate::access::Permissions;
use crate::calendar::TimeLimit;
use crate::case::Source;
use crate::catalog::Stage;
use crate::error::Issues;
use crate::escalation::EscalationRule;

/// The report sources verified on site (核实) by default: the public's (hotline, app) and the
/// media's. Reports by supervisors, leaders' referrals and sensor alerts are filed without
/// verification. Source: a city's 数字城管 handbook (桂林) has public and media reports verified
/// on site, and referrals from higher authorities (上级部门批件) and leaders' instructions filed
/// and dispatched directly by the centre; a supervisor reports what they saw on patrol. Sensors
/// are a city's choice (gridgov: not verified).
pub const DEFAULT_VERIFIED_SOURCES: [Source; 3] = [Source::Hotline, Source::App, Source::Media];

/// The default reply limits of 督办 orders: a general order 1 working day, after the "三个一"
/// target of 联勤联动 practice (initial feedback within a working day; a local practice
/// document, not a standard); a leader's order 4 working hours (gridgov's assumption: no
/// published figure was found). Set them in `[engine.order_reply]`.
pub const DEFAULT_ORDER_REPLY: [TimeLimit; 2] = [
    TimeLimit::WorkingDays { days: 1 },
    TimeLimit::Working { minutes: 240 },
];

/// What a failed check (返工) does to the handling clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rework {
    /// The case goes back to the unit on the deadline of the handling it failed (the bundle
    /// deadline, 捆绑时限): only approved postponements move it, and the escalations armed on it
    /// stay armed. The default: eGova-style statistics judge the final disposal against one
    /// deadline spanning the disposal activities, and a clock restarted at every rework lets a
    /// unit feed back a sham fix and still be on time.
    #[default]
    Keep,
    /// The handling clock starts again at the failed check, with the catalog's limit in force
    /// then (gridgov's behaviour before; kept as an option).
    Restart,
}

impl Rework {
    /// `"keep"` or `"restart"`, as the model file writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Rework::Keep => "keep",
            Rework::Restart => "restart",
        }
    }
}

/// What the engine does beyond the lifecycle table: light thresholds, permissions, which
/// sources are verified, what rework does to the handling clock, escalation rules.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineConfig {
    /// Share of the limit used from which a case is yellow (default 0.8).
    pub yellow_share: f64,
    /// Also yellow when this many minutes (of the limit's own measure) or fewer remain.
    pub yellow_before_minutes: Option<i64>,
    /// The permission matrix.
    pub permissions: Permissions,
    /// Per source (by `Source as usize`, see [`Source::ALL`]): whether its reports are verified
    /// on site before filing (default [`DEFAULT_VERIFIED_SOURCES`]).
    pub verified: [bool; Source::ALL.len()],
    /// What a failed check does to the handling clock (default [`Rework::Keep`]).
    pub rework: Rework,
    /// The reply limit of a 督办 order, per level ([`crate::case::SuperviseLevel`]: general,
    /// leader's); `[engine.order_reply]`, default [`DEFAULT_ORDER_REPLY`].
    pub order_reply: [TimeLimit; 2],
    /// A callback (回访) rating at or above this is satisfied (`[engine.callback] satisfied`,
    /// default 4: 满意 and 非常满意 on the 1–5 scale).
    pub callback_satisfied: u8,
    /// An unsatisfied callback sends the case back to its unit for redo
    /// (`[engine.callback] redo`, default false).
    pub callback_redo: bool,
    /// A joint dispatch's lead feedback (主办 `handle`) is refused until every co-handler (协办)
    /// has fed back (`[engine] co_feedback_required`, default true: the lead answers for the
    /// whole case and gathers the co-handlers' parts first; see [`crate::case`]).
    pub co_feedback_required: bool,
    /// Escalation rules, in the model file's order.
    pub rules: Vec<EscalationRule>,
}

impl EngineConfig {
    /// Whether reports from `source` are verified on site (核实) before they are filed.
    ///
    /// # Examples
    /// ```
    /// use gridgov::case::Source;
    /// use gridgov::engine::EngineConfig;
    /// let config = EngineConfig::default();
    /// assert!(config.verifies(Source::Hotline));
    /// assert!(!config.verifies(Source::Supervisor));
    /// assert!(!config.verifies(Source::Leader));
    /// ```
    pub fn verifies(&self, source: Source) -> bool {
        self.verified[source as usize]
    }
}

/// The `[engine]` section of a model file.
#[derive(
    Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct EngineSection {
    /// Share of a stage's limit used from which its light is yellow (default 0.8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yellow_share: Option<f64>,
    /// Also yellow when this much time or less remains, e.g. `"1 working_hours"` (default: not
    /// used). Counted in the measure of the stage's limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yellow_before: Option<TimeLimit>,
    /// Rows of the permission matrix to replace: action name → roles allowed
    /// (`"citizen"` for citizens), e.g. `dispatch = ["dispatcher", "shift_leader"]`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub permissions: BTreeMap<String, Vec<String>>,
    /// The report sources whose reports are verified on site (核实) before filing; the others
    /// are filed straight after acceptance. Default `["hotline", "app", "media"]`: public and
    /// media reports are verified, supervisors', leaders' and sensors' reports are not (a
    /// city's 数字城管 handbook, 桂林: leaders' instructions and referrals are filed and
    /// dispatched directly). Names: `supervisor`, `hotline`, `app`, `media`, `leader`,
    /// `sensor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("items" = { "enum": ["supervisor", "hotline", "app", "media", "leader", "sensor"] }))]
    pub verified_sources: Option<Vec<String>>,
    /// What a failed check (返工) does to the handling clock: `"keep"` (default) sends the case
    /// back on the deadline of the handling it failed (the bundle deadline; only approved
    /// postponements move it), `"restart"` starts the handling limit again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("enum" = ["keep", "restart"]))]
    pub rework: Option<String>,
    /// The reply limits of 督办 orders per level (`general`, `leader`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_reply: Option<OrderReplySection>,
    /// Callbacks (回访): the satisfied threshold and whether an unsatisfied one means redo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback: Option<CallbackSection>,
    /// Joint dispatch (主办/协办): whether the lead unit's feedback waits for every
    /// co-handler's own feedback (default true: refused until then); false lets the lead's
    /// feedback alone handle the case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub co_feedback_required: Option<bool>,
    /// The calendar each of the centre's stages is timed on: stage name (`accept`, `verify`,
    /// `file`, `dispatch`, `check`, `close`) → the name of one of the model's `[calendars]`
    /// (or `"default"`), e.g. `accept = "duty_roster"` for a centre that takes reports in duty
    /// shifts at weekends too. A stage not named runs on the model's `calendar`; handling runs
    /// on the responsible unit's calendar (`calendar` of its `[[units]]` entry), so `handle`
    /// is not set here. Domain facts §11: the centre works in duty shifts including weekends,
    /// and calendars differ per unit and per stage.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub stage_calendars: BTreeMap<String, String>,
}

/// `[engine.callback]`: callbacks (回访) before closing.
#[derive(
    Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct CallbackSection {
    /// A rating at or above this (1–5) is satisfied (default 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfied: Option<u8>,
    /// An unsatisfied callback sends the case back to its unit for redo (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redo: Option<bool>,
}

/// `[engine.order_reply]`: the reply limit of a 督办 order of each level.
#[derive(
    Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct OrderReplySection {
    /// A general order's reply limit (default 1 working day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub general: Option<TimeLimit>,
    /// A leader's order's reply limit (default 4 working hours).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leader: Option<TimeLimit>,
}

impl EngineConfig {
    /// Validates the `[engine]` section, recording every problem under `path`.
    pub fn from_section(
        section: &EngineSection,
        day_length_minutes: i64,
        path: &str,
        issues: &mut Issues,
    ) -> EngineConfig {
        let mut config = EngineConfig {
            permissions: Permissions::with_overrides(
                &section.permissions,
                &format!("{path}.permissions"),
                issues,
            ),
            ..EngineConfig::default()
        };
        if let Some(share) = section.yellow_share {
            if share.is_finite() && share > 0.0 && share <= 1.0 {
                config.yellow_share = share;
            } else {
                issues.push(
                    format!("{path}.yellow_share"),
                    format!("{share} is not a share in (0, 1]"),
                );
            }
        }
        if let Some(names) = &section.verified_sources {
            config.verified = [false; Source::ALL.len()];
            for (i, name) in names.iter().enumerate() {
                match Source::parse(name) {
                    Some(s) if config.verified[s as usize] => issues.push(
                        format!("{path}.verified_sources[{i}]"),
                        format!("source {name:?} is listed twice"),
                    ),
                    Some(s) => config.verified[s as usize] = true,
                    None => issues.push(
                        format!("{path}.verified_sources[{i}]"),
                        format!(
                            "{name:?} is not a report source (supervisor, hotline, app, media, \
                             leader, sensor)"
                        ),
                    ),
                }
            }
        }
        match section.rework.as_deref() {
            None | Some("keep") => {}
            Some("restart") => config.rework = Rework::Restart,
            Some(other) => issues.push(
                format!("{path}.rework"),
                format!("{other:?} is not a rework rule (\"keep\" or \"restart\")"),
            ),
        }
        if let Some(o) = &section.order_reply {
            for (i, given) in [o.general, o.leader].into_iter().enumerate() {
                match given {
                    Some(l)
                        if matches!(
                            l,
                            TimeLimit::Working { minutes: ..=0 }
                                | TimeLimit::Continuous { minutes: ..=0 }
                                | TimeLimit::WorkingDays { days: ..=0 }
                        ) =>
                    {
                        issues.push(
                            format!(
                                "{path}.order_reply.{}",
                                crate::case::SuperviseLevel::ALL[i].as_str()
                            ),
                            format!("{l} is not a positive limit"),
                        );
                    }
                    Some(l) => config.order_reply[i] = l,
                    None => {}
                }
            }
        }
        if let Some(c) = &section.callback {
            match c.satisfied {
                Some(n) if (1..=5).contains(&n) => config.callback_satisfied = n,
                Some(n) => issues.push(
                    format!("{path}.callback.satisfied"),
                    format!("{n} is not a rating 1–5"),
                ),
                None => {}
            }
            config.callback_redo = c.redo.unwrap_or(false);
        }
        if let Some(required) = section.co_feedback_required {
            config.co_feedback_required = required;
        }
        config.yellow_before_minutes = section.yellow_before.map(|l| match l {
            TimeLimit::Working { minutes } | TimeLimit::Continuous { minutes } => minutes,
            TimeLimit::WorkingDays { days } => days.saturating_mul(day_length_minutes),
        });
        config
    }
}

/// Resolves `[engine.stage_calendars]` against the model's calendar names (`names[0]` is
/// `"default"`, the model's `calendar`): the index into `names` of each stage's calendar, in
/// [`Stage::ALL`] order, recording every unknown stage or calendar under `path`.
pub(crate) fn stage_calendars(
    section: &EngineSection,
    names: &[&str],
    path: &str,
    issues: &mut Issues,
) -> [usize; Stage::ALL.len()] {
    let mut out = [0; Stage::ALL.len()];
    for (stage_name, calendar) in &section.stage_calendars {
        let at = format!("{path}.stage_calendars.{stage_name}");
        let stage = Stage::ALL.iter().position(|s| s.as_str() == stage_name);
        match stage {
            Some(i) if Stage::ALL[i] == Stage::Handle => issues.push(
                at.clone(),
                "handling runs on the responsible unit's calendar: set `calendar` on the unit \
                 ([[units]]), not a stage calendar",
            ),
            Some(_) => {}
            None => issues.push(
                at.clone(),
                format!(
                    "{stage_name:?} is not a centre stage (accept, verify, file, dispatch, check, \
                     close)"
                ),
            ),
        }
        match names.iter().position(|n| n == calendar) {
            Some(c) => {
                if let Some(i) = stage {
                    out[i] = c;
                }
            }
            None => issues.push(
                at,
                format!(
                    "unknown calendar {calendar:?}; the model's calendars: {}",
                    names.join(", ")
                ),
            ),
        }
    }
    out
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            yellow_share: 0.8,
            yellow_before_minutes: None,
            permissions: Permissions::default(),
            verified: Source::ALL.map(|s| DEFAULT_VERIFIED_SOURCES.contains(&s)),
            rework: Rework::Keep,
            order_reply: DEFAULT_ORDER_REPLY,
            callback_satisfied: 4,
            callback_redo: false,
            co_feedback_required: true,
            rules: Vec::new(),
        }
    }
}
