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
use crate::error::Issues;
use crate::escalation::EscalationRule;

/// What the engine does beyond the lifecycle table: light thresholds and permissions.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineConfig {
    /// Share of the limit used from which a case is yellow (default 0.8).
    pub yellow_share: f64,
    /// Also yellow when this many minutes (of the limit's own measure) or fewer remain.
    pub yellow_before_minutes: Option<i64>,
    /// The permission matrix.
    pub permissions: Permissions,
    /// Escalation rules, in the model file's order.
    pub rules: Vec<EscalationRule>,
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
        config.yellow_before_minutes = section.yellow_before.map(|l| match l {
            TimeLimit::Working { minutes } | TimeLimit::Continuous { minutes } => minutes,
            TimeLimit::WorkingDays { days } => days.saturating_mul(day_length_minutes),
        });
        config
    }
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            yellow_share: 0.8,
            yellow_before_minutes: None,
            permissions: Permissions::default(),
            rules: Vec::new(),
        }
    }
}
