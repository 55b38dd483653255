//! The subjects that are scored and the columns of their tables.

use std::fmt;

/// What a table is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    /// Areas of one level (区域).
    Area,
    /// Units cases are dispatched to (专业部门).
    Department,
    /// Supervisors (监督员).
    Supervisor,
    /// Acceptors (受理员).
    Acceptor,
    /// Shift leaders (值班长).
    ShiftLeader,
    /// Dispatchers (派遣员).
    Dispatcher,
}

/// How a rate's numerator is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numerator {
    /// The count in this column.
    Column(usize),
    /// The denominator minus the count in this column.
    Complement(usize),
}

/// The kind of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// A count of cases or actions.
    Count,
    /// `numerator / denominator` (undefined when the denominator is 0).
    Rate {
        /// The numerator.
        num: Numerator,
        /// Column of the denominator.
        den: usize,
        /// Scored as `100 (1 − r)`.
        lower_better: bool,
    },
    /// A figure in hours (undefined without cases).
    Hours,
    /// Another derived figure.
    Value,
}

/// A column of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The indicator's name.
    pub name: &'static str,
    /// Its kind.
    pub kind: ColumnKind,
}

const fn count(name: &'static str) -> Column {
    Column {
        name,
        kind: ColumnKind::Count,
    }
}

const fn rate(name: &'static str, num: usize, den: usize) -> Column {
    Column {
        name,
        kind: ColumnKind::Rate {
            num: Numerator::Column(num),
            den,
            lower_better: false,
        },
    }
}

const fn lower(name: &'static str, num: usize, den: usize) -> Column {
    Column {
        name,
        kind: ColumnKind::Rate {
            num: Numerator::Column(num),
            den,
            lower_better: true,
        },
    }
}

const fn complement(name: &'static str, col: usize, den: usize) -> Column {
    Column {
        name,
        kind: ColumnKind::Rate {
            num: Numerator::Complement(col),
            den,
            lower_better: false,
        },
    }
}

const fn hours(name: &'static str) -> Column {
    Column {
        name,
        kind: ColumnKind::Hours,
    }
}

const fn value(name: &'static str) -> Column {
    Column {
        name,
        kind: ColumnKind::Value,
    }
}

/// Area columns; the counts come first, in tally order.
pub(crate) const AREA: [Column; 16] = [
    count("reported"),
    count("public_reported"),
    count("filed"),
    count("public_filed"),
    count("closed"),
    count("closed_on_time"),
    count("rated"),
    count("satisfied"),
    lower("public_share", 3, 2),
    rate("closure_rate", 4, 2),
    rate("on_time_closure_rate", 5, 2),
    rate("satisfaction_rate", 7, 6),
    value("cases_per_10k"),
    value("filed_per_grid_month"),
    hours("mean_response_hours"),
    hours("mean_handle_hours"),
];

pub(crate) const DEPARTMENT: [Column; 14] = [
    count("due"),
    count("handled"),
    count("handled_on_time"),
    count("overdue_handled"),
    count("overdue_unhandled"),
    count("rework"),
    count("postponed"),
    rate("handle_rate", 1, 0),
    rate("on_time_rate", 2, 0),
    lower("overdue_unhandled_rate", 4, 0),
    lower("rework_rate", 5, 1),
    lower("postponement_rate", 6, 0),
    hours("mean_handle_hours"),
    hours("median_handle_hours"),
];

pub(crate) const SUPERVISOR: [Column; 12] = [
    count("reports"),
    count("valid_reports"),
    count("verify_due"),
    count("verified_on_time"),
    count("check_due"),
    count("checked_on_time"),
    count("filed_in_grids"),
    count("missed"),
    rate("valid_report_rate", 1, 0),
    rate("verify_on_time_rate", 3, 2),
    rate("check_on_time_rate", 5, 4),
    lower("missed_rate", 7, 6),
];

pub(crate) const ACCEPTOR: [Column; 5] = [
    count("accepted"),
    count("accepted_on_time"),
    count("accepted_accurate"),
    rate("accept_on_time_rate", 1, 0),
    rate("accept_accuracy_rate", 2, 0),
];

pub(crate) const SHIFT_LEADER: [Column; 8] = [
    count("filing_decisions"),
    count("filed_on_time"),
    count("voided"),
    count("closings"),
    count("closed_on_time"),
    rate("filing_on_time_rate", 1, 0),
    complement("filing_accuracy_rate", 2, 0),
    rate("closing_on_time_rate", 4, 3),
];

pub(crate) const DISPATCHER: [Column; 5] = [
    count("dispatched"),
    count("dispatched_on_time"),
    count("returned"),
    rate("dispatch_on_time_rate", 1, 0),
    complement("dispatch_accuracy_rate", 2, 0),
];

impl Subject {
    /// Every subject, in index order.
    pub const ALL: [Subject; 6] = [
        Subject::Area,
        Subject::Department,
        Subject::Supervisor,
        Subject::Acceptor,
        Subject::ShiftLeader,
        Subject::Dispatcher,
    ];

    /// The names, for messages.
    pub const NAMES: &'static str =
        "area, department, supervisor, acceptor, shift_leader, dispatcher";

    /// Position in [`Subject::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The `snake_case` name (`area`, …, `shift_leader`, `dispatcher`).
    pub fn as_str(self) -> &'static str {
        match self {
            Subject::Area => "area",
            Subject::Department => "department",
            Subject::Supervisor => "supervisor",
            Subject::Acceptor => "acceptor",
            Subject::ShiftLeader => "shift_leader",
            Subject::Dispatcher => "dispatcher",
        }
    }

    /// The subject of a name.
    pub fn parse(name: &str) -> Option<Subject> {
        Subject::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The post subject of a role name (`supervisor`, `acceptor`, `shift_leader`, `dispatcher`).
    pub fn post(role: &str) -> Option<Subject> {
        Subject::parse(role).filter(|s| !matches!(s, Subject::Area | Subject::Department))
    }

    /// The columns of its table.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Subject::Area => &AREA,
            Subject::Department => &DEPARTMENT,
            Subject::Supervisor => &SUPERVISOR,
            Subject::Acceptor => &ACCEPTOR,
            Subject::ShiftLeader => &SHIFT_LEADER,
            Subject::Dispatcher => &DISPATCHER,
        }
    }

    /// Index of a column by name.
    pub fn column(self, name: &str) -> Option<usize> {
        self.columns().iter().position(|c| c.name == name)
    }

    /// Number of leading count columns (the tally of one subject).
    pub fn counts(self) -> usize {
        self.columns()
            .iter()
            .take_while(|c| c.kind == ColumnKind::Count)
            .count()
    }

    /// The column whose value is the ranking sample.
    pub fn sample_column(self) -> usize {
        match self {
            Subject::Area => 2,
            _ => 0,
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
