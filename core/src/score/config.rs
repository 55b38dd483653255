//! The `[scoring]` section of the model file and its resolved form.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::calendar::TimeLimit;
use crate::error::Issues;

use super::labels::LabelsSection;
use super::spec::{ColumnKind, Subject};

/// A step table: maps a count or value to a 0–100 score.
///
/// With `at_least`, the first pair `[min, score]` whose `min` the value reaches gives the score
/// (list them from the highest `min` down); with `at_most`, the first pair `[max, score]` whose
/// `max` the value does not exceed (list them from the lowest `max` up). A value no pair takes
/// scores `otherwise`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepTable {
    /// `[min, score]` pairs, highest `min` first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub at_least: Vec<[f64; 2]>,
    /// `[max, score]` pairs, lowest `max` first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub at_most: Vec<[f64; 2]>,
    /// Score of a value no pair takes (default 0).
    #[serde(default)]
    pub otherwise: f64,
}

impl StepTable {
    /// The score of `value`.
    pub fn score(&self, value: f64) -> f64 {
        for &[min, s] in &self.at_least {
            if value >= min {
                return s;
            }
        }
        for &[max, s] in &self.at_most {
            if value <= max {
                return s;
            }
        }
        self.otherwise
    }

    fn check(&self, path: &str, issues: &mut Issues) {
        if self.at_least.is_empty() == self.at_most.is_empty() {
            issues.push(path, "give exactly one of at_least and at_most");
        }
        let pairs = self.at_least.iter().chain(&self.at_most);
        for (i, &[bound, s]) in pairs.enumerate() {
            if !bound.is_finite() {
                issues.push(
                    format!("{path}[{i}]"),
                    format!("bound {bound} is not finite"),
                );
            }
            if !(0.0..=100.0).contains(&s) {
                issues.push(format!("{path}[{i}]"), format!("score {s} is not in 0–100"));
            }
        }
        if !(0.0..=100.0).contains(&self.otherwise) {
            issues.push(
                format!("{path}.otherwise"),
                format!("score {} is not in 0–100", self.otherwise),
            );
        }
    }
}

/// The `[scoring]` section of a model file: every field optional, defaults in
/// [`crate::score`]'s documentation.
///
/// ```toml
/// [scoring]
/// min_sample = 10
/// shrinkage = 5
/// accept_limit = "15 working_minutes"
/// grades = [90, 80, 70, 60]
/// [scoring.weights.department]      # replaces the department weights
/// on_time_rate = 50
/// rework_rate = 50
/// [scoring.steps.dispatcher.dispatched]
/// at_least = [[1000, 100], [500, 80]]
/// otherwise = 0
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoringSection {
    /// Limit of the acceptor's decision from the report (default 10 working minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept_limit: Option<TimeLimit>,
    /// Limit of the shift leader's filing decision (default 10 working minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_limit: Option<TimeLimit>,
    /// Limit of the closing after the check (default 10 working minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_limit: Option<TimeLimit>,
    /// Smallest sample that is ranked (default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_sample: Option<u64>,
    /// Pseudo-count pulling rates toward the peers' pooled rate before scoring (default 0: off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shrinkage: Option<f64>,
    /// Lower bounds of grades A, B, C and D (default `[90, 75, 60, 40]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grades: Option<[f64; 4]>,
    /// Composite weights per subject (`area`, `department`, `supervisor`, `acceptor`,
    /// `shift_leader`, `dispatcher`): indicator → weight. A subject given here has exactly
    /// these weights.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub weights: BTreeMap<String, BTreeMap<String, f64>>,
    /// Step tables per subject and indicator (a count or value indicator needs one to be
    /// weighted).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub steps: BTreeMap<String, BTreeMap<String, StepTable>>,
    /// The categories supervisors must collect on patrol (漏报 counts only public reports in
    /// them): catalog keys, each naming a category and every category under it (`"C"` every
    /// 部件, `"E01"` one event class, `"E0102"` one leaf). Default: every category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missed_scope: Option<Vec<String>>,
    /// The supervisors' patrol hours in local time, `"HH:MM-HH:MM"` (漏报 counts only public
    /// reports made within them). Default: the whole day, `"00:00-24:00"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patrol_hours: Option<String>,
    /// The model's own words for the ids of the record schema (see [`crate::score::labels`]).
    #[serde(default, skip_serializing_if = "LabelsSection::is_empty")]
    pub labels: LabelsSection,
}

/// The resolved scoring configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoringConfig {
    /// Limit of the acceptor's decision.
    pub accept_limit: TimeLimit,
    /// Limit of the filing decision.
    pub file_limit: TimeLimit,
    /// Limit of the closing.
    pub close_limit: TimeLimit,
    /// Smallest ranked sample.
    pub min_sample: u64,
    /// Shrinkage pseudo-count (0: off).
    pub shrinkage: f64,
    /// Lower bounds of grades A–D.
    pub grades: [f64; 4],
    /// Weights per subject (indexed by [`Subject::index`]): column index → weight.
    pub weights: [Vec<(usize, f64)>; 6],
    /// Step tables per subject: column index → table.
    pub steps: [BTreeMap<usize, StepTable>; 6],
    /// The supervisors' collection scope as catalog key prefixes (`None`: every category).
    pub missed_scope: Option<Vec<String>>,
    /// The patrol hours, local minutes of the day `[start, end)` (default `[0, 1440)`).
    pub patrol_hours: [u32; 2],
}

/// 10 working minutes: the "三个一" target of transferring within 10 minutes (联勤联动 practice,
/// not a standard).
const CENTRE_STEP_LIMIT: TimeLimit = TimeLimit::Working { minutes: 10 };

fn default_steps(subject: Subject) -> BTreeMap<usize, StepTable> {
    let mut steps = BTreeMap::new();
    // 受理数分值 (CJ/T 292's example as restated by missaouib/urban-management-platform):
    // > 2000 → 100; 1201–2000 → 90; 501–1200 → 75; 301–500 → 60.
    let accepted = StepTable {
        at_least: vec![
            [2001.0, 100.0],
            [1201.0, 90.0],
            [501.0, 75.0],
            [301.0, 60.0],
        ],
        at_most: Vec::new(),
        otherwise: 0.0,
    };
    let col = |name| subject.column(name).expect("default step column exists");
    match subject {
        Subject::Acceptor => {
            steps.insert(col("accepted"), accepted);
        }
        Subject::Dispatcher => {
            steps.insert(col("dispatched"), accepted);
        }
        Subject::Area => {
            // 立案数分值 per unit grid (§5.2): 0 → 100; 1–2 → 90; 3–4 → 75; 5–6 → 60; 7–8 → 40.
            steps.insert(
                col("filed_per_grid_month"),
                StepTable {
                    at_least: Vec::new(),
                    at_most: vec![
                        [0.0, 100.0],
                        [2.0, 90.0],
                        [4.0, 75.0],
                        [6.0, 60.0],
                        [8.0, 40.0],
                    ],
                    otherwise: 0.0,
                },
            );
        }
        _ => {}
    }
    steps
}

fn default_weights(subject: Subject) -> Vec<(usize, f64)> {
    let list: &[(&str, f64)] = match subject {
        Subject::Area => &[
            ("public_share", 10.0),
            ("filed_per_grid_month", 20.0),
            ("closure_rate", 30.0),
            ("on_time_closure_rate", 40.0),
        ],
        Subject::Department => &[
            ("handle_rate", 40.0),
            ("on_time_rate", 40.0),
            ("overdue_unhandled_rate", 10.0),
            ("rework_rate", 10.0),
        ],
        Subject::Supervisor => &[
            ("valid_report_rate", 40.0),
            ("missed_rate", 20.0),
            ("verify_on_time_rate", 20.0),
            ("check_on_time_rate", 20.0),
        ],
        Subject::Acceptor => &[
            ("accepted", 25.0),
            ("accept_on_time_rate", 40.0),
            ("accept_accuracy_rate", 35.0),
        ],
        Subject::ShiftLeader => &[
            ("filing_on_time_rate", 25.0),
            ("filing_accuracy_rate", 40.0),
            ("closing_on_time_rate", 35.0),
        ],
        Subject::Dispatcher => &[
            ("dispatched", 20.0),
            ("dispatch_on_time_rate", 40.0),
            ("dispatch_accuracy_rate", 40.0),
        ],
    };
    let mut v: Vec<(usize, f64)> = list
        .iter()
        .map(|&(name, w)| {
            (
                subject.column(name).expect("default weight column exists"),
                w,
            )
        })
        .collect();
    v.sort_by_key(|&(i, _)| i);
    v
}

impl Default for ScoringConfig {
    fn default() -> Self {
        ScoringConfig {
            accept_limit: CENTRE_STEP_LIMIT,
            file_limit: CENTRE_STEP_LIMIT,
            close_limit: CENTRE_STEP_LIMIT,
            min_sample: 5,
            shrinkage: 0.0,
            grades: [90.0, 75.0, 60.0, 40.0],
            weights: Subject::ALL.map(default_weights),
            steps: Subject::ALL.map(default_steps),
            missed_scope: None,
            patrol_hours: [0, 1440],
        }
    }
}

impl ScoringConfig {
    /// Resolves a `[scoring]` section, recording every problem under `path`.
    pub fn from_section(section: &ScoringSection, path: &str, issues: &mut Issues) -> Self {
        let mut c = ScoringConfig::default();
        if let Some(l) = section.accept_limit {
            c.accept_limit = l;
        }
        if let Some(l) = section.file_limit {
            c.file_limit = l;
        }
        if let Some(l) = section.close_limit {
            c.close_limit = l;
        }
        if let Some(m) = section.min_sample {
            c.min_sample = m;
        }
        if let Some(scope) = &section.missed_scope {
            for (i, key) in scope.iter().enumerate() {
                if key.is_empty() || !key.chars().all(|ch| ch.is_ascii_alphanumeric()) {
                    issues.push(
                        format!("{path}.missed_scope[{i}]"),
                        format!("{key:?} is not a catalog key (C…, E…)"),
                    );
                }
            }
            c.missed_scope = Some(scope.clone());
        }
        if let Some(text) = &section.patrol_hours {
            match parse_hours(text) {
                Some(h) => c.patrol_hours = h,
                None => issues.push(
                    format!("{path}.patrol_hours"),
                    format!(
                        "{text:?} is not local hours \"HH:MM-HH:MM\" with the start before the \
                         end (e.g. \"08:00-18:00\")"
                    ),
                ),
            }
        }
        if let Some(k) = section.shrinkage {
            if k.is_finite() && k >= 0.0 {
                c.shrinkage = k;
            } else {
                issues.push(
                    format!("{path}.shrinkage"),
                    format!("{k} is not a number ≥ 0"),
                );
            }
        }
        if let Some(g) = section.grades {
            if g.iter().all(|x| x.is_finite()) && g.windows(2).all(|w| w[0] > w[1]) {
                c.grades = g;
            } else {
                issues.push(
                    format!("{path}.grades"),
                    format!("{g:?} are not four finite bounds, highest first"),
                );
            }
        }
        for (name, tables) in &section.steps {
            let Some(subject) = Subject::parse(name) else {
                issues.push(
                    format!("{path}.steps.{name}"),
                    format!(
                        "unknown subject {name:?} (expected one of {})",
                        Subject::NAMES
                    ),
                );
                continue;
            };
            for (indicator, table) in tables {
                let p = format!("{path}.steps.{name}.{indicator}");
                match subject.column(indicator) {
                    Some(i) if !matches!(subject.columns()[i].kind, ColumnKind::Rate { .. }) => {
                        table.check(&p, issues);
                        c.steps[subject.index()].insert(i, table.clone());
                    }
                    Some(_) => issues.push(p, "a rate is scored linearly and takes no step table"),
                    None => issues.push(p, format!("{name} has no indicator {indicator:?}")),
                }
            }
        }
        for (name, weights) in &section.weights {
            let Some(subject) = Subject::parse(name) else {
                issues.push(
                    format!("{path}.weights.{name}"),
                    format!(
                        "unknown subject {name:?} (expected one of {})",
                        Subject::NAMES
                    ),
                );
                continue;
            };
            let mut list = Vec::new();
            for (indicator, &w) in weights {
                let p = format!("{path}.weights.{name}.{indicator}");
                if !(w.is_finite() && w >= 0.0) {
                    issues.push(&p, format!("weight {w} is not a number ≥ 0"));
                }
                match subject.column(indicator) {
                    Some(i)
                        if matches!(subject.columns()[i].kind, ColumnKind::Rate { .. })
                            || c.steps[subject.index()].contains_key(&i) =>
                    {
                        list.push((i, w));
                    }
                    Some(_) => issues.push(
                        p,
                        format!("{indicator} is not a rate and has no step table in steps.{name}"),
                    ),
                    None => issues.push(p, format!("{name} has no indicator {indicator:?}")),
                }
            }
            if list.iter().map(|&(_, w)| w).sum::<f64>() <= 0.0 {
                issues.push(format!("{path}.weights.{name}"), "the weights sum to 0");
            }
            list.sort_by_key(|&(i, _)| i);
            c.weights[subject.index()] = list;
        }
        c
    }

    /// Whether a report of category `key` at local minute of the day `minute` is one the
    /// supervisors should have found (漏报 scope): the category is in `missed_scope` and the
    /// minute within `patrol_hours`.
    pub fn in_patrol(&self, key: Option<&str>, minute: u32) -> bool {
        self.in_scope(key) && minute >= self.patrol_hours[0] && minute < self.patrol_hours[1]
    }

    /// Whether category `key` is in the supervisors' collection scope (a row without a
    /// category is, only when the model sets no scope).
    pub fn in_scope(&self, key: Option<&str>) -> bool {
        match (&self.missed_scope, key) {
            (None, _) => true,
            (Some(scope), Some(key)) => scope.iter().any(|p| key.starts_with(p.as_str())),
            (Some(_), None) => false,
        }
    }

    /// Checks `missed_scope` against the catalog: every entry names at least one category.
    pub fn check_scope(&self, catalog: &crate::catalog::Catalog, issues: &mut Issues) {
        for (i, key) in self.missed_scope.iter().flatten().enumerate() {
            if !catalog
                .categories()
                .iter()
                .any(|c| c.key.as_str().starts_with(key.as_str()))
            {
                issues.push(
                    format!("scoring.missed_scope[{i}]"),
                    format!("{key:?} names no category of the catalog"),
                );
            }
        }
    }

    /// The grade of a score: `A` ≥ `grades[0]`, … `D` ≥ `grades[3]`, else `E`.
    pub fn grade(&self, score: f64) -> char {
        ['A', 'B', 'C', 'D']
            .into_iter()
            .zip(self.grades)
            .find(|&(_, bound)| score >= bound)
            .map_or('E', |(g, _)| g)
    }
}

impl ScoringConfig {
    /// The complete `[scoring]` section that resolves to this configuration.
    pub fn to_section(&self) -> ScoringSection {
        let mut weights = BTreeMap::new();
        let mut steps = BTreeMap::new();
        for s in Subject::ALL {
            let cols = s.columns();
            weights.insert(
                s.as_str().to_owned(),
                self.weights[s.index()]
                    .iter()
                    .map(|&(c, w)| (cols[c].name.to_owned(), w))
                    .collect(),
            );
            let t: BTreeMap<String, StepTable> = self.steps[s.index()]
                .iter()
                .map(|(&c, t)| (cols[c].name.to_owned(), t.clone()))
                .collect();
            if !t.is_empty() {
                steps.insert(s.as_str().to_owned(), t);
            }
        }
        ScoringSection {
            accept_limit: Some(self.accept_limit),
            file_limit: Some(self.file_limit),
            close_limit: Some(self.close_limit),
            min_sample: Some(self.min_sample),
            shrinkage: Some(self.shrinkage),
            grades: Some(self.grades),
            weights,
            steps,
            missed_scope: self.missed_scope.clone(),
            patrol_hours: Some(format_hours(self.patrol_hours)),
            labels: LabelsSection::default(), // labels live on the model (Model::record_labels)
        }
    }
}

/// `"HH:MM-HH:MM"` as local minutes of the day `[start, end)`, the end up to `24:00`.
fn parse_hours(text: &str) -> Option<[u32; 2]> {
    let minute = |t: &str| -> Option<u32> {
        let (h, m) = t.trim().split_once(':')?;
        if h.len() != 2 || m.len() != 2 {
            return None;
        }
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
    };
    let (a, b) = text.split_once('-')?;
    let (a, b) = (minute(a)?, minute(b)?);
    (a < b).then_some([a, b])
}

fn format_hours([a, b]: [u32; 2]) -> String {
    format!("{:02}:{:02}-{:02}:{:02}", a / 60, a % 60, b / 60, b % 60)
}
