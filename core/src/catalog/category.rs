//! What a category carries: a leaf [`Category`] of a built catalog (its handling limit per
//! urgency, its verify, dispatch and check limits, its filing and closing conditions), a
//! [`MajorClass`], and the case stages that carry a time limit ([`Stage`]).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::calendar::TimeLimit;
use crate::error::{Error, Result};

use super::key::{CategoryKey, Family};

/// A leaf category of a built catalog.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Category {
    /// The leaf key, e.g. `C0101`.
    pub key: CategoryKey,
    /// The standard name, e.g. `上水井盖`.
    pub name: String,
    /// The family (from the key letter).
    pub family: Family,
    /// Handling limit per urgency id; every urgency of the catalog has one.
    pub limits: BTreeMap<String, TimeLimit>,
    /// Limits of the verify, dispatch and check stages: the category's own, else the
    /// catalog-wide default. All three are present.
    pub stages: BTreeMap<Stage, TimeLimit>,
    /// Filing condition (立案条件); empty when the catalog gives none.
    pub filing: String,
    /// Closing condition (结案条件); empty when the catalog gives none.
    pub closing: String,
    /// Where the limits come from (a standard, a local table, or a gridgov default).
    pub source: Option<String>,
}

/// A major class of a built catalog (e.g. `C01` 公用设施).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MajorClass {
    /// The major key, e.g. `C01`.
    pub key: CategoryKey,
    /// The class name, e.g. `公用设施`.
    pub name: String,
}

/// A case stage that carries a time limit.
///
/// The handling limit depends on the urgency and lives in [`Category::limits`]; the other
/// stages' limits live in [`Category::stages`]. Serialised in snake case (`"verify"`, …).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 核实: the supervisor verifies a reported problem on site.
    Verify,
    /// 派遣: the dispatcher sends a filed case to the responsible unit.
    Dispatch,
    /// 处置: the responsible unit handles the case (limit per urgency).
    Handle,
    /// 核查: the supervisor checks the result on site.
    Check,
}

impl Stage {
    /// Every stage, in lifecycle order.
    pub const ALL: [Stage; 4] = [Stage::Verify, Stage::Dispatch, Stage::Handle, Stage::Check];

    /// The stages whose limits live in stage maps (all but [`Stage::Handle`]).
    pub const NON_HANDLING: [Stage; 3] = [Stage::Verify, Stage::Dispatch, Stage::Check];

    /// The serialised name (`"verify"`, `"dispatch"`, `"handle"`, `"check"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Verify => "verify",
            Self::Dispatch => "dispatch",
            Self::Handle => "handle",
            Self::Check => "check",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Stage {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|stage| stage.as_str() == s)
            .ok_or_else(|| {
                Error::invalid(
                    "stage",
                    format!("{s:?}"),
                    "expected \"verify\", \"dispatch\", \"handle\" or \"check\"",
                )
            })
    }
}
