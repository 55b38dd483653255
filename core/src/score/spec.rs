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
pub(crate) const AREA: [Column; 19] = [
    count("reported"),
    count("public_reported"),
    count("filed"),
    count("public_filed"),
    count("due_to_close"),
    count("closed"),
    count("closed_on_time"),
    count("shelved"),
    count("rated"),
    count("satisfied"),
    count("missed"),
    lower("public_share", 3, 2),
    rate("closure_rate", 5, 4),
    rate("on_time_closure_rate", 6, 4),
    rate("satisfaction_rate", 9, 8),
    value("cases_per_10k"),
    value("filed_per_grid_month"),
    hours("mean_response_hours"),
    hours("mean_handle_hours"),
];

/// Department columns; the counts come first, in tally order.
pub(crate) const DEPARTMENT: [Column; 22] = [
    count("due"),
    count("handled"),
    count("handled_on_time"),
    count("overdue_handled"),
    count("overdue_unhandled"),
    count("reworked"),
    count("rework"),
    count("postponed"),
    count("shelved"),
    count("second_handled"),
    count("second_handled_on_time"),
    count("co_assigned"),
    count("co_on_time"),
    rate("handle_rate", 1, 0),
    rate("on_time_rate", 2, 0),
    lower("overdue_unhandled_rate", 4, 0),
    lower("rework_rate", 5, 1),
    lower("postponement_rate", 7, 0),
    hours("mean_handle_hours"),
    hours("median_handle_hours"),
    rate("second_on_time_rate", 10, 9),
    rate("co_on_time_rate", 12, 11),
];

pub(crate) const SUPERVISOR: [Column; 14] = [
    count("reports"),
    count("valid_reports"),
    count("verify_due"),
    count("verified"),
    count("verified_on_time"),
    count("check_due"),
    count("failed_checks"),
    count("checked_on_time"),
    count("filed_in_grids"),
    count("missed"),
    rate("valid_report_rate", 1, 0),
    rate("verify_on_time_rate", 4, 2),
    rate("check_on_time_rate", 7, 5),
    lower("missed_rate", 9, 8),
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

pub(crate) const DISPATCHER: [Column; 8] = [
    count("dispatched"),
    count("dispatched_on_time"),
    count("returned"),
    count("orders"),
    count("orders_replied_on_time"),
    rate("dispatch_on_time_rate", 1, 0),
    complement("dispatch_accuracy_rate", 2, 0),
    rate("order_reply_on_time_rate", 4, 3),
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

/// The Chinese label of a scorecard column (`on_time_closure_rate` → `按期结案率`), for tables
/// shown to a centre's leadership; `None` for a name that is not a column.
///
/// The labels are the indicator names of the evaluation standard CJ/T 292 (数字化城市管理信息
/// 系统 绩效评价) and of the centres' published monthly reports — 立案数, 结案率, 按期结案率,
/// 按时核实率, 准确派遣率, 返工率, 平均处置时长… — so a table reads as the report a district
/// leader already knows; the few gridgov adds (万人案件数, 网格月均立案数, 样本量) are worded
/// the same way.
pub fn column_label_zh(name: &str) -> Option<&'static str> {
    Some(match name {
        "name" => "名称",
        "reported" | "reports" => "上报数",
        "public_reported" => "公众举报数",
        "filed" => "立案数",
        "public_filed" => "公众举报立案数",
        "closed" => "结案数",
        "closed_on_time" => "按期结案数",
        "rated" => "回访数",
        "satisfied" => "满意数",
        "public_share" => "公众举报占比",
        "closure_rate" => "结案率",
        "on_time_closure_rate" => "按期结案率",
        "satisfaction_rate" => "满意率",
        "cases_per_10k" => "万人案件数",
        "filed_per_grid_month" => "网格月均立案数",
        "mean_response_hours" => "平均响应时长(小时)",
        "mean_handle_hours" => "平均处置时长(小时)",
        "median_handle_hours" => "处置时长中位数(小时)",
        "due" => "应处置数",
        "dispatched" => "派遣数",
        "handled" => "处置数",
        "handled_on_time" => "按期处置数",
        "handle_rate" => "处置率",
        "on_time_rate" => "按期处置率",
        "due_to_close" => "应结案数",
        "shelved" => "挂账数",
        "reworked" => "返工数",
        "rework" => "返工次数",
        "rework_rate" => "返工率",
        "returned" => "回退数",
        "postponed" => "延期数",
        "second_handled" => "二级处置数",
        "second_handled_on_time" => "二级按期处置数",
        "second_on_time_rate" => "二级按期处置率",
        "co_assigned" => "协办数",
        "co_on_time" => "按时协办反馈数",
        "co_on_time_rate" => "协办按时反馈率",
        "postponement_rate" => "延期率",
        "overdue_handled" => "超期处置数",
        "overdue_unhandled" => "超期未处置数",
        "overdue_unhandled_rate" => "超期未处置率",
        "valid_reports" => "有效上报数",
        "valid_report_rate" => "有效上报率",
        "missed" => "漏报数",
        "missed_rate" => "漏报率",
        "verify_due" => "应核实数",
        "verified" => "核实数",
        "verified_on_time" => "按时核实数",
        "verify_on_time_rate" => "按时核实率",
        "check_due" => "应核查数",
        "failed_checks" => "核查不通过数",
        "checked_on_time" => "按时核查数",
        "check_on_time_rate" => "按时核查率",
        "accepted" => "受理数",
        "accepted_on_time" => "按时受理数",
        "accept_on_time_rate" => "按时受理率",
        "accepted_accurate" => "准确受理数",
        "accept_accuracy_rate" => "受理准确率",
        "filing_decisions" => "立案决定数",
        "filed_on_time" => "按时立案数",
        "filing_on_time_rate" => "按时立案率",
        "filing_accuracy_rate" => "准确立案率",
        "filed_in_grids" => "辖区立案数",
        "closings" => "结案操作数",
        "closing_on_time_rate" => "按时结案率",
        "dispatched_on_time" => "按时派遣数",
        "dispatch_on_time_rate" => "按时派遣率",
        "dispatch_accuracy_rate" => "准确派遣率",
        "voided" => "作废数",
        "orders" => "督办数",
        "orders_replied_on_time" => "按时回复督办数",
        "order_reply_on_time_rate" => "督办按时回复率",
        "score" => "综合得分",
        "grade" => "等级",
        "rank" => "排名",
        "sample" => "样本量",
        _ => return None,
    })
}

/// Every scorecard column with its Chinese label ([`column_label_zh`]): the columns of every
/// subject, then `name`, `score`, `grade`, `rank` and `sample`, sorted by id.
pub fn column_labels_zh() -> std::collections::BTreeMap<&'static str, &'static str> {
    let extra = ["name", "score", "grade", "rank", "sample"];
    Subject::ALL
        .iter()
        .flat_map(|s| s.columns().iter().map(|c| c.name))
        .chain(extra)
        .filter_map(|c| column_label_zh(c).map(|l| (c, l)))
        .collect()
}

#[cfg(test)]
mod label_tests {
    use super::*;

    #[test]
    fn every_column_has_one_chinese_label() {
        for s in Subject::ALL {
            let mut seen = std::collections::BTreeSet::new();
            for c in s.columns() {
                let label = column_label_zh(c.name);
                assert!(label.is_some(), "{} has no label", c.name);
                assert!(seen.insert(label), "{}: {label:?} twice in {s:?}", c.name);
            }
        }
        assert_eq!(column_label_zh("on_time_closure_rate"), Some("按期结案率"));
        assert_eq!(column_label_zh("due_to_close"), Some("应结案数"));
        assert_eq!(column_label_zh("shelved"), Some("挂账数"));
        assert_eq!(column_label_zh("nonsense"), None);
        assert!(column_labels_zh().len() > 50);
    }

    #[test]
    fn the_tallies_fill_the_count_columns() {
        use super::super::tally::{AREA_COUNTS, DEPT_COUNTS, ac, dc};
        assert_eq!(Subject::Area.counts(), AREA_COUNTS);
        assert_eq!(Subject::Department.counts(), DEPT_COUNTS);
        for (name, i) in [
            ("filed", ac::FILED),
            ("due_to_close", ac::DUE_TO_CLOSE),
            ("shelved", ac::SHELVED),
            ("satisfied", ac::SATISFIED),
        ] {
            assert_eq!(Subject::Area.column(name), Some(i), "{name}");
        }
        for (name, i) in [
            ("due", dc::DUE),
            ("reworked", dc::REWORKED),
            ("rework", dc::REWORK),
            ("shelved", dc::SHELVED),
            ("second_handled", dc::SECOND_HANDLED),
            ("second_handled_on_time", dc::SECOND_ON_TIME),
            ("co_assigned", dc::CO_ASSIGNED),
            ("co_on_time", dc::CO_ON_TIME),
        ] {
            assert_eq!(Subject::Department.column(name), Some(i), "{name}");
        }
    }
}
