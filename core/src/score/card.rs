//! Scorecards: tables, composite scores, ranks, merging, comparison and JSON.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::calendar::{Calendar, Millis};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::org::{Role, UnitKind};
use crate::territory::AreaId;

use super::config::ScoringConfig;
use super::records::Records;
use super::spec::{ColumnKind, Numerator, Subject};
use super::tally::{
    AREA_COUNTS, AreaTally, DEPT_COUNTS, DEPT_COUNTS_BEFORE_DISPATCH, DeptTally, POST_COUNTS,
    Tally, Window, ac, tally,
};

const HOUR_MS: f64 = 3_600_000.0;
const DAY_MS: f64 = 86_400_000.0;

/// One row of a table: a subject, its indicators, score, grade and rank.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Area code, unit id or worker id.
    pub id: String,
    /// Display name (empty for a worker the model does not know).
    pub name: String,
    /// One value per column of the subject ([`Subject::columns`]); `None` when undefined.
    pub values: Vec<Option<f64>>,
    /// Composite score 0–100.
    pub score: Option<f64>,
    /// Grade `A`–`E`.
    pub grade: Option<char>,
    /// Rank among the peers (1 = best); `None` below the minimum sample or without a score.
    pub rank: Option<u32>,
    /// The ranking sample.
    pub sample: u64,
}

impl Row {
    /// A row with its indicator values; [`Scorecard`] fills the rest when it builds the table.
    fn unscored(id: String, name: String, values: Vec<Option<f64>>) -> Row {
        Row {
            id,
            name,
            values,
            score: None,
            grade: None,
            rank: None,
            sample: 0,
        }
    }
}

/// A table: one row per subject, sorted by id.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// What the rows are.
    pub subject: Subject,
    /// The level, for areas.
    pub level: Option<String>,
    /// Column names ([`Subject::columns`]).
    pub columns: Vec<&'static str>,
    /// The rows.
    pub rows: Vec<Row>,
}

impl Table {
    /// The row of a subject.
    pub fn row(&self, id: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.id == id)
    }

    /// The value of column `name` in the row of `id`.
    pub fn value(&self, id: &str, name: &str) -> Option<f64> {
        let c = self.subject.column(name)?;
        self.row(id)?.values[c]
    }

    /// As JSON: `{subject, level, columns, rows: [{id, name, <column>: value…, score, grade,
    /// rank, sample}]}`.
    pub fn to_json(&self) -> Value {
        let rows: Vec<Value> = self
            .rows
            .iter()
            .map(|r| {
                let mut m = serde_json::Map::new();
                m.insert("id".into(), json!(r.id));
                m.insert("name".into(), json!(r.name));
                for (c, v) in self.columns.iter().zip(&r.values) {
                    m.insert((*c).into(), json!(v));
                }
                m.insert("score".into(), json!(r.score));
                m.insert("grade".into(), json!(r.grade.map(String::from)));
                m.insert("rank".into(), json!(r.rank));
                m.insert("sample".into(), json!(r.sample));
                Value::Object(m)
            })
            .collect();
        json!({
            "subject": self.subject.as_str(),
            "level": self.level,
            "columns": self.columns,
            "rows": rows,
        })
    }
}

/// A scorecard: the tallies of one period, from which every table is built.
#[derive(Clone)]
pub struct Scorecard {
    model: Arc<Model>,
    config: ScoringConfig,
    start: Millis,
    end: Millis,
    as_of: Millis,
    tally: Tally,
}

impl std::fmt::Debug for Scorecard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let area = |k: usize| self.tally.areas.iter().map(|a| a.counts[k]).sum::<u64>();
        f.debug_struct("Scorecard")
            .field("model", &self.model.name())
            .field("start", &self.start)
            .field("end", &self.end)
            .field("as_of", &self.as_of)
            .field("reported", &area(ac::REPORTED))
            .field("filed", &area(ac::FILED))
            .field(
                "units",
                &self
                    .tally
                    .units
                    .iter()
                    .map(|u| u.counts)
                    .collect::<Vec<_>>(),
            )
            .field("posts", &self.tally.posts)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Scorecard {
    fn eq(&self, other: &Self) -> bool {
        self.start == other.start
            && self.end == other.end
            && self.as_of == other.as_of
            && self.config == other.config
            && self.tally == other.tally
    }
}

/// Scores `records` over `[start, end)` with the model's `[scoring]` configuration.
///
/// # Errors
/// As [`Scorecard::compute`].
pub fn score(
    records: &Records,
    start: Millis,
    end: Millis,
    as_of: Option<Millis>,
) -> Result<Scorecard> {
    Scorecard::compute(records, start, end, as_of, None)
}

/// Checks a period `[start, end)`; a reversed one is named in local time on `cal`.
pub(super) fn check_period(cal: &Calendar, start: Millis, end: Millis) -> Result<()> {
    if start == i64::MIN || end == i64::MIN {
        return Err(Error::invalid("period", "NaT", "is not a time"));
    }
    crate::limits::check_instant("start", start)?;
    crate::limits::check_instant("end", end)?;
    if end <= start {
        return Err(Error::invalid(
            "end",
            super::local::local_text(cal, end),
            format!(
                "is not after start ({})",
                super::local::local_text(cal, start)
            ),
        ));
    }
    Ok(())
}

impl Scorecard {
    /// Tallies `records` over `[start, end)`, statuses as of `as_of` (default: the records'
    /// own, [`Records::as_of`]), with `config` (default: the model's `[scoring]` section).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] for an empty or reversed period; a row whose instants fall
    /// outside the calendar's years, naming the row and column.
    pub fn compute(
        records: &Records,
        start: Millis,
        end: Millis,
        as_of: Option<Millis>,
        config: Option<ScoringConfig>,
    ) -> Result<Scorecard> {
        check_period(records.model().calendar(), start, end)?;
        if let Some(t) = as_of {
            crate::limits::check_instant("as_of", t)?;
        }
        let config = config.unwrap_or_else(|| records.model.scoring_config().clone());
        let as_of = as_of.unwrap_or(records.as_of);
        let t = tally(
            records,
            Window {
                start,
                end,
                as_of,
                config: &config,
            },
        )?;
        Ok(Scorecard {
            model: Arc::clone(&records.model),
            config,
            start,
            end,
            as_of,
            tally: t,
        })
    }

    /// The model.
    pub fn model(&self) -> &Arc<Model> {
        &self.model
    }

    /// The configuration the card scores with.
    pub fn config(&self) -> &ScoringConfig {
        &self.config
    }

    /// `[start, end)`.
    pub fn period(&self) -> (Millis, Millis) {
        (self.start, self.end)
    }

    /// The instant statuses are judged at.
    pub fn as_of(&self) -> Millis {
        self.as_of
    }

    /// The card of both periods (or both record sets): adjacent periods give their union;
    /// equal periods are taken as disjoint record sets of one period.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] when the models, configurations or `as_of` differ, or the
    /// periods overlap without being equal or leave a gap.
    pub fn merge(&self, other: &Scorecard) -> Result<Scorecard> {
        if !same_model(&self.model, &other.model) {
            return Err(Error::invalid(
                "other",
                other.model.name(),
                "was scored on another model",
            ));
        }
        if self.config != other.config {
            return Err(Error::invalid(
                "other",
                "config",
                "was scored with another configuration",
            ));
        }
        if self.as_of != other.as_of {
            let cal = self.model.calendar();
            return Err(Error::invalid(
                "other.as_of",
                super::local::local_text(cal, other.as_of),
                format!(
                    "differs from this card's as_of ({}): statuses judged at different instants do not add up",
                    super::local::local_text(cal, self.as_of)
                ),
            ));
        }
        let (start, end) = if (self.start, self.end) == (other.start, other.end) {
            (self.start, self.end)
        } else if self.end == other.start {
            (self.start, other.end)
        } else if other.end == self.start {
            (other.start, self.end)
        } else {
            let cal = self.model.calendar();
            let local = |t| super::local::local_text(cal, t);
            return Err(Error::invalid(
                "other.period",
                format!("[{}, {})", local(other.start), local(other.end)),
                format!(
                    "neither equals nor adjoins this card's period [{}, {})",
                    local(self.start),
                    local(self.end)
                ),
            ));
        };
        let mut tally = self.tally.clone();
        tally.add(&other.tally);
        Ok(Scorecard {
            model: Arc::clone(&self.model),
            config: self.config.clone(),
            start,
            end,
            as_of: self.as_of,
            tally,
        })
    }

    /// Area tallies rolled up the tree (index = area index).
    fn rolled_up(&self) -> Vec<AreaTally> {
        let territory = self.model.territory();
        let mut acc = self.tally.areas.clone();
        for i in (0..territory.len()).rev() {
            if let Some(parent) = territory.area(AreaId(i as u32)).parent {
                let child = acc[i];
                acc[parent.index()].add(&child);
            }
        }
        acc
    }

    /// The area table of one level (`"street"`, `"grid"`…).
    ///
    /// # Errors
    /// [`Error::Unknown`] for a level the model does not have.
    pub fn areas(&self, level: &str) -> Result<Table> {
        let territory = self.model.territory();
        let li = territory.level_index(level)?;
        let acc = self.rolled_up();
        let days = (self.end - self.start) as f64 / DAY_MS;
        let mut rows = Vec::new();
        for (i, area) in territory.areas().iter().enumerate() {
            if area.level != li {
                continue;
            }
            let a = &acc[i];
            let grids = territory.grids_within(AreaId(i as u32)).count() as f64;
            let mut values = counts_then_none(Subject::Area, &a.counts);
            let set = |values: &mut Vec<Option<f64>>, name: &str, v: Option<f64>| {
                if let Some(c) = Subject::Area.column(name) {
                    values[c] = v;
                }
            };
            let reported = a.counts[ac::REPORTED] as f64;
            set(
                &mut values,
                "cases_per_10k",
                area.population
                    .filter(|&p| p > 0)
                    .map(|p| reported / p as f64 * 10_000.0),
            );
            set(
                &mut values,
                "filed_per_grid_month",
                (grids > 0.0).then(|| a.counts[ac::FILED] as f64 / grids / (days / 30.0)),
            );
            set(
                &mut values,
                "mean_response_hours",
                mean_hours(a.response_ms, a.response_n),
            );
            set(
                &mut values,
                "mean_handle_hours",
                mean_hours(a.handle_ms, a.handle_n),
            );
            rows.push(Row::unscored(
                area.code.as_str().to_owned(),
                area.name.clone(),
                values,
            ));
        }
        Ok(self.finish(Subject::Area, Some(level.to_owned()), rows))
    }

    /// The department table: every unit of kind `department` or `street_office` (the units
    /// the duty matrix and its territorial fallback route cases to), and every other unit that
    /// had cases dispatched to it in the period that are due or on the shelf.
    pub fn departments(&self) -> Table {
        let org = self.model.org();
        let mut rows = Vec::new();
        for (i, unit) in org.units().iter().enumerate() {
            let d: &DeptTally = &self.tally.units[i];
            let handles = matches!(unit.kind, UnitKind::Department | UnitKind::StreetOffice);
            if !handles && d.counts.iter().all(|&c| c == 0) {
                continue;
            }
            let mut values = counts_then_none(Subject::Department, &d.counts);
            let handled = d.counts[super::tally::dc::HANDLED];
            let set = |values: &mut Vec<Option<f64>>, name: &str, v: Option<f64>| {
                if let Some(c) = Subject::Department.column(name) {
                    values[c] = v;
                }
            };
            set(
                &mut values,
                "mean_handle_hours",
                mean_hours(d.handle_ms, handled),
            );
            set(
                &mut values,
                "median_handle_hours",
                median_minutes(&d.minutes).map(|m| m / 60.0),
            );
            rows.push(Row::unscored(unit.id.clone(), unit.name.clone(), values));
        }
        self.finish(Subject::Department, None, rows)
    }

    /// The table of one post role: `supervisor`, `acceptor`, `shift_leader` or `dispatcher`.
    /// Rows: every worker of the model with that role, and every other id that acted in it.
    ///
    /// # Errors
    /// [`Error::Unknown`] for another role.
    pub fn posts(&self, role: &str) -> Result<Table> {
        let subject = Subject::post(role).ok_or_else(|| Error::Unknown {
            what: "post role",
            value: role.to_owned(),
        })?;
        let k = subject.index() - 2;
        let org = self.model.org();
        let model_role = match subject {
            Subject::Supervisor => Role::Supervisor,
            Subject::Acceptor => Role::Acceptor,
            Subject::ShiftLeader => Role::ShiftLeader,
            _ => Role::Dispatcher,
        };
        let mut ids: BTreeMap<String, String> = org
            .workers_with(Some(model_role))
            .map(|w| (w.id.clone(), w.name.clone()))
            .collect();
        for id in self.tally.posts[k].keys() {
            ids.entry(id.to_string()).or_insert_with(|| {
                org.find_worker(id)
                    .map(|w| org.worker(w).name.clone())
                    .unwrap_or_default()
            });
        }
        let zeros = vec![0; POST_COUNTS[k]];
        let mut rows = Vec::new();
        for (id, name) in ids {
            let counts = self.tally.posts[k].get(id.as_str()).unwrap_or(&zeros);
            let mut all = counts.clone();
            if subject == Subject::Supervisor {
                // filed_in_grids and missed (漏报: public reports in the collection scope during
                // patrol hours) come from the grids the supervisor patrols.
                let (mut filed, mut public) = (0, 0);
                if let Ok(w) = org.find_worker(&id) {
                    for g in &org.worker(w).grids {
                        let a = &self.tally.areas[g.index()];
                        filed = a.counts[ac::FILED].saturating_add(filed);
                        public = a.counts[ac::MISSED].saturating_add(public);
                    }
                }
                all.extend([filed, public]);
            }
            rows.push(Row::unscored(id, name, counts_then_none(subject, &all)));
        }
        Ok(self.finish(subject, None, rows))
    }

    /// A table by name: `"areas:<level>"` (e.g. `"areas:grid"`), `"departments"` or
    /// `"posts:<role>"` — the form the C and Python bindings use.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] for another name; as [`Scorecard::areas`] and
    /// [`Scorecard::posts`].
    pub fn table(&self, name: &str) -> Result<Table> {
        if name == "departments" {
            return Ok(self.departments());
        }
        if let Some(level) = name.strip_prefix("areas:") {
            return self.areas(level);
        }
        if let Some(role) = name.strip_prefix("posts:") {
            return self.posts(role);
        }
        Err(Error::invalid(
            "table",
            name,
            "is not a table: \"areas:<level>\" (e.g. \"areas:grid\"), \"departments\" or \
             \"posts:<role>\" (supervisor, acceptor, shift_leader, dispatcher)",
        ))
    }

    /// Fills rates, scores, grades, samples and ranks.
    fn finish(&self, subject: Subject, level: Option<String>, mut rows: Vec<Row>) -> Table {
        let cols = subject.columns();
        // Rates, and the pooled rate of each rate column for shrinkage.
        let mut pooled: Vec<Option<f64>> = vec![None; cols.len()];
        for (c, col) in cols.iter().enumerate() {
            if let ColumnKind::Rate { num, den, .. } = col.kind {
                let (mut sx, mut sn) = (0.0, 0.0);
                for r in &mut rows {
                    let (x, n) = rate_parts(&r.values, num, den);
                    r.values[c] = (n > 0.0).then(|| x / n);
                    sx += x;
                    sn += n;
                }
                pooled[c] = (sn > 0.0).then(|| sx / sn);
            }
        }
        let weights = &self.config.weights[subject.index()];
        let steps = &self.config.steps[subject.index()];
        let k = self.config.shrinkage;
        for r in &mut rows {
            let (mut sum, mut wsum) = (0.0, 0.0);
            for &(c, w) in weights {
                let s = match cols[c].kind {
                    ColumnKind::Rate {
                        num,
                        den,
                        lower_better,
                    } => {
                        let rate = if k > 0.0 {
                            let (x, n) = rate_parts(&r.values, num, den);
                            pooled[c].map(|pbar| (x + k * pbar) / (n + k))
                        } else {
                            r.values[c]
                        };
                        rate.map(|v| {
                            let s = if lower_better { 1.0 - v } else { v };
                            (100.0 * s).clamp(0.0, 100.0)
                        })
                    }
                    _ => match (steps.get(&c), r.values[c]) {
                        (Some(table), Some(v)) => Some(table.score(v)),
                        _ => None,
                    },
                };
                if let Some(s) = s {
                    sum += w * s;
                    wsum += w;
                }
            }
            r.score = (wsum > 0.0).then(|| sum / wsum);
            r.grade = r.score.map(|s| self.config.grade(s));
            r.sample = r.values[subject.sample_column()].map_or(0, |v| v as u64);
        }
        rows.sort_by(|a, b| a.id.cmp(&b.id));
        // Competition ranking among the eligible.
        let mut order: Vec<usize> = (0..rows.len())
            .filter(|&i| rows[i].score.is_some() && rows[i].sample >= self.config.min_sample)
            .collect();
        order.sort_by(|&a, &b| {
            rows[b]
                .score
                .partial_cmp(&rows[a].score)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| rows[a].id.cmp(&rows[b].id))
        });
        let mut prev: Option<(f64, u32)> = None;
        for (pos, &i) in order.iter().enumerate() {
            let s = rows[i].score.unwrap_or(0.0);
            let rank = match prev {
                Some((ps, pr)) if ps.total_cmp(&s).is_eq() => pr,
                _ => pos as u32 + 1,
            };
            rows[i].rank = Some(rank);
            prev = Some((s, rank));
        }
        Table {
            subject,
            level,
            columns: cols.iter().map(|c| c.name).collect(),
            rows,
        }
    }
}

/// Whether two cards were scored on the same model: the same `Arc` (every handle made from one
/// model shares it, so this is a pointer comparison), else equal model files (a model loaded
/// twice).
fn same_model(a: &Arc<Model>, b: &Arc<Model>) -> bool {
    Arc::ptr_eq(a, b) || a.file() == b.file()
}

fn counts_then_none(subject: Subject, counts: &[u64]) -> Vec<Option<f64>> {
    let mut v = vec![None; subject.columns().len()];
    for (slot, &c) in v.iter_mut().zip(counts) {
        *slot = Some(c as f64);
    }
    v
}

fn rate_parts(values: &[Option<f64>], num: Numerator, den: usize) -> (f64, f64) {
    let n = values[den].unwrap_or(0.0);
    let x = match num {
        Numerator::Column(c) => values[c].unwrap_or(0.0),
        Numerator::Complement(c) => n - values[c].unwrap_or(0.0),
    };
    (x, n)
}

fn mean_hours(sum_ms: i128, n: u64) -> Option<f64> {
    (n > 0).then(|| sum_ms as f64 / n as f64 / HOUR_MS)
}

/// Median of a histogram of whole minutes (mean of the two middle values for an even count).
fn median_minutes(hist: &[u64]) -> Option<f64> {
    let n: u64 = hist.iter().fold(0, |a, &c| a.saturating_add(c));
    if n == 0 {
        return None;
    }
    let nth = |k: u64| -> f64 {
        let mut seen: u64 = 0;
        for (m, &c) in hist.iter().enumerate() {
            seen = seen.saturating_add(c);
            if seen > k {
                return m as f64;
            }
        }
        0.0
    };
    if n % 2 == 1 {
        Some(nth(n / 2))
    } else {
        Some(f64::midpoint(nth(n / 2 - 1), nth(n / 2)))
    }
}

/// One figure of a period comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// Area code.
    pub area: String,
    /// Area name.
    pub name: String,
    /// Its level.
    pub level: String,
    /// `mean_response_hours`, `mean_handle_hours`, `on_time_closure_rate` or
    /// `satisfaction_rate`.
    pub indicator: &'static str,
    /// Value in the first card.
    pub before: Option<f64>,
    /// Value in the second card.
    pub after: Option<f64>,
    /// `after − before`: hours for times, percentage points for rates.
    pub change: Option<f64>,
    /// The unit of `change`: `"hours"` or `"points"` (percentage points).
    pub unit: &'static str,
    /// `(after − before) / before × 100`.
    pub change_pct: Option<f64>,
}

/// The indicators [`compare`] reports.
pub const COMPARED: [&str; 4] = [
    "mean_response_hours",
    "mean_handle_hours",
    "on_time_closure_rate",
    "satisfaction_rate",
];

/// Compares two cards of one model, per area of `level` (every level, top first, when
/// `None`): mean response hours (report → dispatch), mean handling hours, on-time closure
/// rate and satisfaction rate — the effect figures of the field ("response 25 % faster").
///
/// # Errors
/// [`Error::InvalidValue`] when the cards are of different models; [`Error::Unknown`] for an
/// unknown level.
pub fn compare(before: &Scorecard, after: &Scorecard, level: Option<&str>) -> Result<Vec<Change>> {
    if !same_model(&before.model, &after.model) {
        return Err(Error::invalid(
            "after",
            after.model.name(),
            "was scored on another model",
        ));
    }
    let territory = before.model.territory();
    let levels: Vec<String> = match level {
        Some(l) => {
            territory.level_index(l)?;
            vec![l.to_owned()]
        }
        None => territory.levels().to_vec(),
    };
    let mut out = Vec::new();
    for l in levels {
        let (first, second) = (before.areas(&l)?, after.areas(&l)?);
        for (rb, ra) in first.rows.iter().zip(&second.rows) {
            for name in COMPARED {
                let col = Subject::Area.column(name).unwrap_or(0);
                let (x, y) = (rb.values[col], ra.values[col]);
                let is_rate = name.ends_with("_rate");
                let change = match (x, y) {
                    (Some(x), Some(y)) => Some(if is_rate { (y - x) * 100.0 } else { y - x }),
                    _ => None,
                };
                let change_pct = match (x, y) {
                    (Some(x), Some(y)) if x != 0.0 => Some((y - x) / x * 100.0),
                    _ => None,
                };
                out.push(Change {
                    area: rb.id.clone(),
                    name: rb.name.clone(),
                    level: l.clone(),
                    indicator: name,
                    before: x,
                    after: y,
                    change,
                    unit: if is_rate { "points" } else { "hours" },
                    change_pct,
                });
            }
        }
    }
    Ok(out)
}

/// The serialised form of a scorecard (see [`Scorecard::to_json`]).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CardFile {
    format: String,
    model: String,
    start: Millis,
    end: Millis,
    as_of: Millis,
    config: super::config::ScoringSection,
    /// Grid code → `[counts…, response_ms, response_n, handle_ms, handle_n]`.
    areas: BTreeMap<String, Vec<i128>>,
    /// Unit id → counts, `handle_ms` and the minute histogram as `[[minute, cases]…]`.
    units: BTreeMap<String, UnitFile>,
    /// Role → worker id → counts.
    posts: BTreeMap<String, BTreeMap<String, Vec<u64>>>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitFile {
    counts: Vec<u64>,
    handle_ms: i128,
    minutes: Vec<[u64; 2]>,
}

const CARD_FORMAT: &str = "gridgov-scorecard/3";
const POST_ROLES: [&str; 4] = ["supervisor", "acceptor", "shift_leader", "dispatcher"];

impl Scorecard {
    /// The card as JSON (format `gridgov-scorecard/3`): its period, `as_of`, configuration
    /// and every tally, so a card computed on one machine merges on another
    /// ([`Scorecard::from_json`]).
    pub fn to_json(&self) -> String {
        let territory = self.model.territory();
        let mut areas = BTreeMap::new();
        for (i, a) in self.tally.areas.iter().enumerate() {
            if *a == AreaTally::default() {
                continue;
            }
            let mut v: Vec<i128> = a.counts.iter().map(|&c| i128::from(c)).collect();
            v.extend([
                a.response_ms,
                i128::from(a.response_n),
                a.handle_ms,
                i128::from(a.handle_n),
            ]);
            areas.insert(territory.area(AreaId(i as u32)).code.as_str().to_owned(), v);
        }
        let org = self.model.org();
        let mut units = BTreeMap::new();
        for (i, d) in self.tally.units.iter().enumerate() {
            if *d == DeptTally::default() {
                continue;
            }
            units.insert(
                org.units()[i].id.clone(),
                UnitFile {
                    counts: d.counts.to_vec(),
                    handle_ms: d.handle_ms,
                    minutes: d
                        .minutes
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| **c > 0)
                        .map(|(m, &c)| [m as u64, c])
                        .collect(),
                },
            );
        }
        let mut posts = BTreeMap::new();
        for (k, role) in POST_ROLES.iter().enumerate() {
            let m: BTreeMap<String, Vec<u64>> = self.tally.posts[k]
                .iter()
                .map(|(id, c)| (id.to_string(), c.clone()))
                .collect();
            posts.insert((*role).to_owned(), m);
        }
        let file = CardFile {
            format: CARD_FORMAT.into(),
            model: self.model.name().to_owned(),
            start: self.start,
            end: self.end,
            as_of: self.as_of,
            config: self.config.to_section(),
            areas,
            units,
            posts,
        };
        serde_json::to_string(&file).unwrap_or_default()
    }

    /// Reads a card written by [`Scorecard::to_json`] against `model`.
    ///
    /// # Errors
    /// [`Error::Parse`] for malformed JSON; [`Error::InvalidValue`] or [`Error::Unknown`] for
    /// a format, area, unit or count that does not fit the model.
    pub fn from_json(model: Arc<Model>, text: &str) -> Result<Scorecard> {
        let file: CardFile = serde_json::from_str(text).map_err(|e| Error::Parse {
            format: "JSON",
            message: format!("scorecard: {e}"),
        })?;
        if file.format == "gridgov-scorecard/1" {
            return Err(Error::invalid(
                "format",
                &file.format,
                format!(
                    "is the format of an earlier gridgov, whose tallies lack 应结案数 and 挂账数 \
                     (issue 12): score the records again to get a {CARD_FORMAT} card"
                ),
            ));
        }
        if file.format == "gridgov-scorecard/2" {
            return Err(Error::invalid(
                "format",
                &file.format,
                format!(
                    "is the format of an earlier gridgov, whose supervisor tallies count only the \
                     last passed check (issue 12, item 12): score the records again to get a \
                     {CARD_FORMAT} card"
                ),
            ));
        }
        if file.format != CARD_FORMAT {
            return Err(Error::invalid(
                "format",
                &file.format,
                format!("is not {CARD_FORMAT}"),
            ));
        }
        check_period(model.calendar(), file.start, file.end)?;
        crate::limits::check_instant("as_of", file.as_of)?;
        let mut issues = crate::error::Issues::default();
        let config = ScoringConfig::from_section(&file.config, "config", &mut issues);
        issues.into_result(())?;
        let territory = model.territory();
        let org = model.org();
        let mut tally = Tally::empty(territory.len(), org.units().len());
        for (code, v) in &file.areas {
            let g = territory.find_grid(code)?;
            let bad = || {
                Error::invalid(
                    format!("areas.{code}"),
                    format!("{v:?}"),
                    format!("is not {} counts ≥ 0", AREA_COUNTS + 4),
                )
            };
            if v.len() != AREA_COUNTS + 4 || v.iter().any(|&x| x < 0) {
                return Err(bad());
            }
            let a = &mut tally.areas[g.index()];
            for (slot, &x) in a.counts.iter_mut().zip(v) {
                *slot = u64::try_from(x).map_err(|_| bad())?;
            }
            a.response_ms = v[AREA_COUNTS];
            a.response_n = u64::try_from(v[AREA_COUNTS + 1]).map_err(|_| bad())?;
            a.handle_ms = v[AREA_COUNTS + 2];
            a.handle_n = u64::try_from(v[AREA_COUNTS + 3]).map_err(|_| bad())?;
        }
        for (id, u) in &file.units {
            let i = org.find_unit(id)?;
            // A card written before two-level and joint dispatch has the first 9 counts: the
            // second-level and co-handler counts of its time were none.
            if u.counts.len() != DEPT_COUNTS && u.counts.len() != DEPT_COUNTS_BEFORE_DISPATCH {
                return Err(Error::invalid(
                    format!("units.{id}.counts"),
                    u.counts.len(),
                    format!("counts, where {DEPT_COUNTS} are expected"),
                ));
            }
            let d = &mut tally.units[i.0 as usize];
            d.counts[..u.counts.len()].copy_from_slice(&u.counts);
            d.handle_ms = u.handle_ms;
            for &[m, c] in &u.minutes {
                let m = usize::try_from(m)
                    .ok()
                    .filter(|&m| m < 1 << 24)
                    .ok_or_else(|| {
                        Error::invalid(format!("units.{id}.minutes"), m, "is too large")
                    })?;
                if d.minutes.len() <= m {
                    d.minutes.resize(m + 1, 0);
                }
                d.minutes[m] = d.minutes[m].checked_add(c).ok_or_else(|| {
                    Error::invalid(format!("units.{id}.minutes"), c, "overflows the count")
                })?;
            }
        }
        for (role, m) in &file.posts {
            let k = POST_ROLES
                .iter()
                .position(|r| r == role)
                .ok_or_else(|| Error::Unknown {
                    what: "post role",
                    value: role.clone(),
                })?;
            for (id, c) in m {
                if c.len() != POST_COUNTS[k] {
                    return Err(Error::invalid(
                        format!("posts.{role}.{id}"),
                        c.len(),
                        format!("counts, where {} are expected", POST_COUNTS[k]),
                    ));
                }
                tally.posts[k].insert(Arc::from(id.as_str()), c.clone());
            }
        }
        Ok(Scorecard {
            model,
            config,
            start: file.start,
            end: file.end,
            as_of: file.as_of,
            tally,
        })
    }
}
