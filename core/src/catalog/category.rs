//! What a category carries: a leaf [`Category`] of a built catalog (its handling limit per
//! urgency, the limits of its other stages, its filing and closing conditions), a
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
    /// Limits of the stages other than handling (accept, verify, file, dispatch, check,
    /// close): the category's own, else the catalog-wide default. All six are present.
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

/// A case stage that carries a time limit: every node of the lifecycle, from acceptance to
/// closing, is timed (an unaccepted report is overdue like any other stage).
///
/// The handling limit depends on the urgency and lives in [`Category::limits`]; the other
/// stages' limits live in [`Category::stages`]. Serialised in snake case (`"verify"`, …).
///
/// | stage | runs from | until |
/// |---|---|---|
/// | `accept` (受理) | the report | accept, reject or `self_handle` |
/// | `verify` (核实) | acceptance of a report whose source is verified | verify |
/// | `file` (立案) | acceptance of a report not verified, or a valid verification | file or void |
/// | `dispatch` (派遣) | filing, a return or a reopening | dispatch |
/// | `handle` (处置) | dispatch | handle (feedback); a failed check resumes it |
/// | `check` (核查) | feedback | check |
/// | `close` (结案) | a passed check or `self_handle` | close |
///
/// The centre's stages `accept`, `file` and `close` are newer than the others: a catalog table
/// that sets none of their limits gets [`Stage::centre_default`]'s.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 受理: the acceptor accepts (or rejects) a new report.
    Accept,
    /// 核实: the supervisor verifies a reported problem on site.
    Verify,
    /// 立案: the shift leader files (or voids) an accepted report.
    File,
    /// 派遣: the dispatcher sends a filed case to the responsible unit.
    Dispatch,
    /// 处置: the responsible unit handles the case (limit per urgency).
    Handle,
    /// 核查: the supervisor checks the result on site.
    Check,
    /// 结案: the shift leader closes a checked case.
    Close,
}

impl Stage {
    /// Every stage, in lifecycle order.
    pub const ALL: [Stage; 7] = [
        Stage::Accept,
        Stage::Verify,
        Stage::File,
        Stage::Dispatch,
        Stage::Handle,
        Stage::Check,
        Stage::Close,
    ];

    /// The stages whose limits live in stage maps (all but [`Stage::Handle`]).
    pub const NON_HANDLING: [Stage; 6] = [
        Stage::Accept,
        Stage::Verify,
        Stage::File,
        Stage::Dispatch,
        Stage::Check,
        Stage::Close,
    ];

    /// The serialised name (`"accept"`, `"verify"`, `"file"`, `"dispatch"`, `"handle"`,
    /// `"check"`, `"close"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Verify => "verify",
            Self::File => "file",
            Self::Dispatch => "dispatch",
            Self::Handle => "handle",
            Self::Check => "check",
            Self::Close => "close",
        }
    }

    /// The limit of one of the centre's own stages (`accept`, `file`, `close`) when a catalog
    /// table sets none: 10 working minutes each. `None` for the other stages, whose limits a
    /// catalog must give.
    ///
    /// 10 minutes is the "三个一" target of 联勤联动 practice — transfer a case within 10 minutes
    /// (m.777doc.com/doc-7854975.html) — a practice figure, not a standard; the scorecards'
    /// `[scoring]` step limits of the acceptor, the shift leader and closing default to the same
    /// figure, so a case's deadline and its score agree. Public 数字城管 systems show that every
    /// node has its own configurable limit; configure them.
    ///
    /// # Examples
    /// ```
    /// use gridgov::calendar::TimeLimit;
    /// use gridgov::catalog::Stage;
    /// assert_eq!(Stage::Accept.centre_default(), Some(TimeLimit::Working { minutes: 10 }));
    /// assert_eq!(Stage::Handle.centre_default(), None);
    /// ```
    pub const fn centre_default(self) -> Option<TimeLimit> {
        match self {
            Self::Accept | Self::File | Self::Close => Some(TimeLimit::Working { minutes: 10 }),
            Self::Verify | Self::Dispatch | Self::Handle | Self::Check => None,
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
                    "expected \"accept\", \"verify\", \"file\", \"dispatch\", \"handle\", \"check\" \
                     or \"close\"",
                )
            })
    }
}
