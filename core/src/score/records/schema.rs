//! The case-record schema: the column names in their documented order, the positions of the
//! instant and person columns, the type each column holds, the "no value" markers, and how an
//! error names the cell it is about (`records[ROW].COLUMN`).

use crate::calendar::Millis;
use crate::error::Error;

/// "No value" in an instant column.
pub const NO_TIME: Millis = i64::MIN;
/// "No value" in an index column.
pub const NONE: u32 = u32::MAX;

/// The instant columns, in lifecycle order (the order rule of the schema).
pub const TIME_COLUMNS: [&str; 9] = [
    "reported_at",
    "accepted_at",
    "verified_at",
    "filed_at",
    "dispatched_at",
    "handled_at",
    "checked_at",
    "closed_at",
    "rated_at",
];

/// Positions in [`TIME_COLUMNS`].
pub(crate) mod t {
    pub const REPORTED: usize = 0;
    pub const ACCEPTED: usize = 1;
    pub const VERIFIED: usize = 2;
    pub const FILED: usize = 3;
    pub const DISPATCHED: usize = 4;
    pub const HANDLED: usize = 5;
    pub const CHECKED: usize = 6;
    pub const CLOSED: usize = 7;
    pub const RATED: usize = 8;
}

/// The deadline columns, in stage order (verify, dispatch, handle, check).
pub const DEADLINE_COLUMNS: [&str; 4] = [
    "verify_deadline",
    "dispatch_deadline",
    "handle_deadline",
    "check_deadline",
];

/// The person columns; the first is the reporter. `last_checker` (schema version 4) is the
/// supervisor of the case's last check, passed or failed; `verify_assignee` (version 4) the
/// supervisor the verification task was assigned to.
pub const PERSON_COLUMNS: [&str; 9] = [
    "reporter",
    "acceptor",
    "verifier",
    "filer",
    "dispatcher",
    "checker",
    "closer",
    "last_checker",
    "verify_assignee",
];

/// Positions in [`PERSON_COLUMNS`].
pub(crate) mod p {
    pub const REPORTER: usize = 0;
    pub const ACCEPTOR: usize = 1;
    pub const VERIFIER: usize = 2;
    pub const FILER: usize = 3;
    pub const DISPATCHER: usize = 4;
    pub const CHECKER: usize = 5;
    pub const CLOSER: usize = 6;
    pub const LAST_CHECKER: usize = 7;
    pub const VERIFY_ASSIGNEE: usize = 8;
}

/// The integer columns (besides `id` and `satisfaction`).
pub const COUNT_COLUMNS: [&str; 4] = ["rework", "returns", "postponements", "extension_minutes"];

/// The boolean columns.
pub const FLAG_COLUMNS: [&str; 2] = ["shelved", "self_handled"];

/// The shelf columns (schema version 2): when the case was last put on the shelf (挂账
/// approved) and when it was taken off it again (handling resumed). They are events, but
/// outside the lifecycle order of [`TIME_COLUMNS`] (a case is shelved during handling).
pub const SHELF_COLUMNS: [&str; 2] = ["shelved_at", "resumed_at"];

/// The approval columns (schema version 3): per case, the approved returns whose cause was a
/// wrong unit (the dispatcher's error; `returns` counts every approved return), and the cause
/// of an approved void after filing (`duplicate`, `outside_scope`, `problem_gone`; empty for
/// a case not voided after filing).
pub const APPROVAL_COLUMNS: [&str; 2] = ["wrong_unit_returns", "void_cause"];

/// The 督办 order columns (schema version 3): per case, the orders issued and those answered
/// by their reply deadline.
pub const ORDER_COLUMNS: [&str; 2] = ["orders", "orders_replied_on_time"];

/// The check columns (schema version 4): per case, every check (核查) done, failed ones
/// included, and those done by their own check deadline; `last_checked_at` and
/// `last_checker` (a person column) say when and by whom the last of them was done. The
/// failed checks are `rework`. Absent (a table of version 1–3): the failed checks (`rework`)
/// plus the last passed one, credited to `checker` at `checked_at`, the passed one on time by
/// `check_deadline` and the failed ones not (their deadlines are not in the table).
pub const CHECK_COLUMNS: [&str; 3] = ["checks", "checks_on_time", "last_checked_at"];
/// The dispatch columns (schema version 4): the second-level unit a case was last passed on
/// to (二级派遣; a unit id, empty for none), the co-handlers (协办) of a joint dispatch, and those
/// of them whose own feedback came by the case's handling deadline. The two lists are text:
/// unit ids joined by `;` (e.g. `POWER;LIGHT`), empty for none; `co_on_time` names only units
/// of `co_units`.
pub const DISPATCH_COLUMNS: [&str; 3] = ["second_unit", "co_units", "co_on_time"];

/// The separator of the unit ids in a list column ([`DISPATCH_COLUMNS`]).
pub const LIST_SEPARATOR: char = ';';

/// The version of the case-record schema this gridgov writes (the `schema_version` column of
/// every export).
///
/// - **1**: the schema up to gridgov's issue 12, without a `schema_version` column;
/// - **2**: adds `schema_version` and the shelf columns [`SHELF_COLUMNS`];
/// - **3**: adds the approval columns [`APPROVAL_COLUMNS`] (returns and voids are approved)
///   and the order columns [`ORDER_COLUMNS`] (督办 orders);
/// - **4**: adds the check columns [`CHECK_COLUMNS`] and `last_checker` (every check counts,
///   failed ones too), `verify_assignee` (verification tasks are assigned) and the dispatch
///   columns [`DISPATCH_COLUMNS`] (two-level and joint dispatch).
///
/// A table without the column is read as the current version (every column added since 1 is
/// optional, so a version-1 table reads unchanged); a table that states a version reads only
/// the columns of that version.
pub const SCHEMA_VERSION: i64 = 4;

/// The versions this gridgov reads, as text for messages.
pub(super) const KNOWN_VERSIONS: &str = "1, 2, 3, 4";

/// The first schema version that has column `name` (`schema_version` itself may state 1).
pub(super) fn since_version(name: &str) -> i64 {
    if DISPATCH_COLUMNS.contains(&name)
        || CHECK_COLUMNS.contains(&name)
        || name == "last_checker"
        || name == "verify_assignee"
    {
        4
    } else if APPROVAL_COLUMNS.contains(&name) || ORDER_COLUMNS.contains(&name) {
        3
    } else if SHELF_COLUMNS.contains(&name) {
        2
    } else {
        1
    }
}

/// The type a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Whole numbers.
    Int,
    /// Instants (milliseconds since the epoch).
    Time,
    /// Text.
    Text,
    /// True or false.
    Bool,
}

impl ColumnType {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            ColumnType::Int => "integers",
            ColumnType::Time => "instants",
            ColumnType::Text => "text",
            ColumnType::Bool => "booleans",
        }
    }
}

/// The type of a schema column, `None` for a name the schema does not have.
pub fn column_type(name: &str) -> Option<ColumnType> {
    Some(match name {
        "id" | "satisfaction" | "schema_version" | "wrong_unit_returns" => ColumnType::Int,
        n if ORDER_COLUMNS.contains(&n) => ColumnType::Int,
        "checks" | "checks_on_time" => ColumnType::Int,
        "last_checked_at" => ColumnType::Time,
        "category" | "urgency" | "grid" | "source" | "state" | "unit" | "void_cause" => {
            ColumnType::Text
        }
        n if PERSON_COLUMNS.contains(&n) || DISPATCH_COLUMNS.contains(&n) => ColumnType::Text,
        n if TIME_COLUMNS.contains(&n)
            || DEADLINE_COLUMNS.contains(&n)
            || SHELF_COLUMNS.contains(&n) =>
        {
            ColumnType::Time
        }
        n if COUNT_COLUMNS.contains(&n) => ColumnType::Int,
        n if FLAG_COLUMNS.contains(&n) => ColumnType::Bool,
        _ => return None,
    })
}

/// Every column of the schema, in the documented order.
pub fn schema_columns() -> Vec<&'static str> {
    let mut v = vec![
        "schema_version",
        "id",
        "category",
        "urgency",
        "grid",
        "source",
        "reporter",
        "state",
    ];
    v.extend(TIME_COLUMNS);
    v.extend([
        "acceptor",
        "verifier",
        "filer",
        "dispatcher",
        "checker",
        "closer",
    ]);
    v.extend(["unit", "satisfaction"]);
    v.extend(COUNT_COLUMNS);
    v.extend(FLAG_COLUMNS);
    v.extend(SHELF_COLUMNS);
    v.extend(APPROVAL_COLUMNS);
    v.extend(ORDER_COLUMNS);
    v.extend(CHECK_COLUMNS);
    v.push("last_checker");
    v.push("verify_assignee");
    v.extend(DISPATCH_COLUMNS);
    v.extend(DEADLINE_COLUMNS);
    v
}

/// The error for a bad `value` in row `row` (from 0) of `column`: its `what` is
/// `records[ROW].COLUMN`.
pub(super) fn bad(
    row: usize,
    column: &str,
    value: &dyn ToString,
    reason: impl Into<String>,
) -> Error {
    Error::invalid(
        format!("records[{row}].{column}"),
        value.to_string(),
        reason,
    )
}
