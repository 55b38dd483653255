//! Validation modes: what reading records does with a bad row ([`OnError`]).
//!
//! [`Records::from_columns`] stops at the first problem ([`OnError::Raise`]). An analyst with
//! the centre's raw export wants every bad row at once: [`Records::check`] with
//! [`OnError::Collect`] returns a [`Problem`] for every bad row (its row, case id, column,
//! value and reason) and scores nothing; [`OnError::Drop`] returns the records of the good
//! rows beside the problems of the dropped ones.
//!
//! How: duplicated case ids are found first (every row of a duplicated id is a problem, naming
//! the other rows). The rest is validated as a whole; when validation names a bad row, that row
//! is recorded and the remaining rows are validated again in two halves, each half split again
//! only when it holds a bad row (so a table of `n` rows with `b` bad ones costs about
//! `n · min(log n, b)` row checks, not `n · b`). Every rule of the schema is row-local apart
//! from id uniqueness, so the rows left are exactly the rows that validate. A problem that is
//! not about one row (a missing required column, a column of the wrong type, an `as_of`
//! outside the range) is raised in every mode.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use crate::calendar::Millis;
use crate::error::{Error, Result};
use crate::model::Model;

use super::columns::{ColumnData, Columns};
use super::table::Records;

/// What reading records does with a bad row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnError {
    /// Stop at the first problem with an error (the default).
    #[default]
    Raise,
    /// Find every bad row; build no records.
    Collect,
    /// Leave the bad rows out, build records of the good ones, and report the dropped rows.
    Drop,
}

impl OnError {
    /// Every mode, as its name.
    pub const NAMES: &'static str = "raise, collect, drop";

    /// The mode named `name` (`raise`, `collect`, `drop`).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming `errors` for any other name.
    pub fn parse(name: &str) -> Result<OnError> {
        match name {
            "raise" => Ok(OnError::Raise),
            "collect" => Ok(OnError::Collect),
            "drop" => Ok(OnError::Drop),
            _ => Err(Error::invalid(
                "errors",
                name,
                format!("is not a validation mode ({})", Self::NAMES),
            )),
        }
    }

    /// The mode's name.
    pub fn as_str(self) -> &'static str {
        match self {
            OnError::Raise => "raise",
            OnError::Collect => "collect",
            OnError::Drop => "drop",
        }
    }
}

/// One bad row: where it is, which case, which column, the value and why it is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The row, from 0 (header not counted), as in errors (`records[ROW].COLUMN`).
    pub row: usize,
    /// The row's case id, when the row has a readable one.
    pub id: Option<i64>,
    /// The column (empty when the problem is the row as a whole, e.g. a CSV line with the
    /// wrong number of fields).
    pub column: String,
    /// The value refused, as text.
    pub value: String,
    /// Why.
    pub reason: String,
}

impl Problem {
    /// A problem of `row` in `column`.
    pub fn new(
        row: usize,
        column: impl Into<String>,
        value: &dyn ToString,
        reason: impl Into<String>,
    ) -> Problem {
        Problem {
            row,
            id: None,
            column: column.into(),
            value: value.to_string(),
            reason: reason.into(),
        }
    }

    /// The problem as the error [`OnError::Raise`] gives (`records[ROW].COLUMN`, the case id
    /// after the reason).
    pub fn to_error(&self) -> Error {
        let what = if self.column.is_empty() {
            format!("records[{}]", self.row)
        } else {
            format!("records[{}].{}", self.row, self.column)
        };
        let reason = match self.id {
            Some(id) if self.column != "id" => format!("{} (case {id})", self.reason),
            _ => self.reason.clone(),
        };
        Error::invalid(what, self.value.clone(), reason)
    }

    /// Problems as CSV text: `row,id,column,value,reason` (RFC 4180 quoting).
    pub fn to_csv(problems: &[Problem]) -> String {
        fn field(out: &mut String, s: &str) {
            if s.contains([',', '"', '\n', '\r']) {
                out.push('"');
                out.push_str(&s.replace('"', "\"\""));
                out.push('"');
            } else {
                out.push_str(s);
            }
        }
        let mut out = String::from("row,id,column,value,reason\n");
        for p in problems {
            out.push_str(&p.row.to_string());
            out.push(',');
            if let Some(id) = p.id {
                out.push_str(&id.to_string());
            }
            out.push(',');
            field(&mut out, &p.column);
            out.push(',');
            field(&mut out, &p.value);
            out.push(',');
            field(&mut out, &p.reason);
            out.push('\n');
        }
        out
    }
}

/// Records read in a validation mode, with the problems found.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The records: of every row ([`OnError::Raise`]), of the good rows ([`OnError::Drop`]),
    /// or `None` ([`OnError::Collect`]).
    pub records: Option<Records<'static>>,
    /// Every bad row, in row order (empty for [`OnError::Raise`]); a row may have more than
    /// one problem only when its CSV fields and its validation both fail.
    pub problems: Vec<Problem>,
}

impl Records<'_> {
    /// Validates a table in a validation mode (module documentation): `Raise` as
    /// [`Records::from_columns`]; `Collect` every bad row and no records; `Drop` the records
    /// of the good rows and the problems of the others.
    ///
    /// # Errors
    /// In every mode, a problem that is not about one row (as [`Records::from_columns`]);
    /// with `Raise`, the first problem.
    pub fn check(
        model: Arc<Model>,
        cols: &Columns<'_>,
        as_of: Option<Millis>,
        on_error: OnError,
    ) -> Result<Checked> {
        Self::check_columns_with(model, cols, as_of, on_error, Vec::new())
    }

    /// As [`Records::check`], with problems already found while reading the table (a CSV
    /// field or a frame's cell that is not a number or an instant): their rows are bad
    /// whatever validation says, and come first in `Raise` mode.
    ///
    /// # Errors
    /// As [`Records::check`].
    pub fn check_columns_with(
        model: Arc<Model>,
        cols: &Columns<'_>,
        as_of: Option<Millis>,
        on_error: OnError,
        known: Vec<Problem>,
    ) -> Result<Checked> {
        let ids = row_ids(cols);
        if on_error == OnError::Raise {
            if let Some(p) = known.into_iter().min_by_key(|p| p.row) {
                let mut p = p;
                p.id = p.id.or_else(|| ids.get(p.row).copied().flatten());
                return Err(p.to_error());
            }
            let records = Records::from_columns(model, cols, as_of)?.into_owned();
            return Ok(Checked {
                records: Some(records),
                problems: Vec::new(),
            });
        }
        let n = table_len(cols);
        let mut problems = known;
        // The whole table first: a clean table costs one validation.
        if problems.is_empty() {
            match Records::validate(Arc::clone(&model), cols, as_of) {
                Ok(r) => {
                    return Ok(Checked {
                        records: (on_error == OnError::Drop).then(|| r.into_owned()),
                        problems,
                    });
                }
                Err(e) if named_row(&e).is_none() => return Err(e),
                Err(_) => {}
            }
        }
        let mut bad = vec![false; n];
        for p in &problems {
            if let Some(b) = bad.get_mut(p.row) {
                *b = true;
            }
        }
        // Duplicated ids: every row of one, naming the others.
        let mut by_id: HashMap<i64, Vec<usize>> = HashMap::new();
        for (row, id) in ids.iter().enumerate() {
            if let Some(id) = id
                && !bad[row]
            {
                by_id.entry(*id).or_default().push(row);
            }
        }
        for rows in by_id.values().filter(|rows| rows.len() > 1) {
            for &row in rows {
                let others: Vec<String> = rows
                    .iter()
                    .filter(|&&r| r != row)
                    .map(|r| format!("records[{r}]"))
                    .collect();
                problems.push(Problem::new(
                    row,
                    "id",
                    &ids[row].unwrap_or_default(),
                    format!(
                        "duplicates the case id of {} (each case is one row)",
                        others.join(", ")
                    ),
                ));
                bad[row] = true;
            }
        }
        let rest: Vec<usize> = (0..n).filter(|&r| !bad[r]).collect();
        find(&model, cols, as_of, &rest, &mut problems)?;
        problems.sort_by(|a, b| a.row.cmp(&b.row).then_with(|| a.column.cmp(&b.column)));
        for p in &mut problems {
            p.id = p.id.or_else(|| ids.get(p.row).copied().flatten());
        }
        let records = if on_error == OnError::Drop {
            let mut bad = vec![false; n];
            for p in &problems {
                if let Some(b) = bad.get_mut(p.row) {
                    *b = true;
                }
            }
            let keep: Vec<usize> = (0..n).filter(|&r| !bad[r]).collect();
            let table = gather(cols, &keep);
            Some(Records::from_columns(model, &table, as_of)?.into_owned())
        } else {
            None
        };
        Ok(Checked { records, problems })
    }
}

/// Validates the table of `rows` (original row numbers); records a problem for every bad row.
fn find(
    model: &Arc<Model>,
    cols: &Columns<'_>,
    as_of: Option<Millis>,
    rows: &[usize],
    out: &mut Vec<Problem>,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let table = gather(cols, rows);
    let Err(err) = Records::validate(Arc::clone(model), &table, as_of) else {
        return Ok(());
    };
    let Some(r) = named_row(&err).filter(|&r| r < rows.len()) else {
        // Not about one row: the same in every mode.
        return Err(err);
    };
    out.push(problem_of(err, rows[r]));
    let rest: Vec<usize> = rows[..r].iter().chain(&rows[r + 1..]).copied().collect();
    if rest.len() < 2 {
        return find(model, cols, as_of, &rest, out);
    }
    let (a, b) = rest.split_at(rest.len() / 2);
    find(model, cols, as_of, a, out)?;
    find(model, cols, as_of, b, out)
}

/// The row an error names (`records[ROW]…`), if any.
fn named_row(e: &Error) -> Option<usize> {
    let Error::InvalidValue { what, .. } = e else {
        return None;
    };
    what.strip_prefix("records[")
        .and_then(|rest| rest.split_once(']'))
        .and_then(|(r, _)| r.parse().ok())
}

/// A row's error as a problem of original row `row`.
fn problem_of(e: Error, row: usize) -> Problem {
    match e {
        Error::InvalidValue {
            what,
            value,
            reason,
        } => {
            let column = what
                .split_once("].")
                .map(|(_, c)| c.to_owned())
                .unwrap_or_default();
            Problem::new(row, column, &value, reason)
        }
        other => Problem::new(row, "", &"", other.to_string()),
    }
}

/// The number of rows of a table (of its first column).
fn table_len(cols: &Columns<'_>) -> usize {
    cols.columns.first().map_or(0, |(_, d)| d.len())
}

/// Each row's case id, when readable (a whole number).
fn row_ids(cols: &Columns<'_>) -> Vec<Option<i64>> {
    match cols.get("id") {
        Some(ColumnData::Int(v)) => v.iter().map(|&x| Some(x)).collect(),
        #[allow(clippy::cast_possible_truncation)]
        Some(ColumnData::Float(v)) => v
            .iter()
            .map(|&x| (x.fract() == 0.0 && x.abs() < 9.0e15).then_some(x as i64))
            .collect(),
        _ => Vec::new(),
    }
}

/// The rows `rows` of a table, copied (text columns get a dictionary of their own rows).
pub(super) fn gather(cols: &Columns<'_>, rows: &[usize]) -> Columns<'static> {
    let mut out = Columns::new();
    for (name, data) in &cols.columns {
        let pick = |v: &[i64]| -> Cow<'static, [i64]> {
            Cow::Owned(
                rows.iter()
                    .map(|&r| v.get(r).copied().unwrap_or(0))
                    .collect(),
            )
        };
        let d = match data {
            ColumnData::Int(v) => ColumnData::Int(pick(v)),
            ColumnData::Time(v) => ColumnData::Time(pick(v)),
            ColumnData::Float(v) => ColumnData::Float(Cow::Owned(
                rows.iter()
                    .map(|&r| v.get(r).copied().unwrap_or(f64::NAN))
                    .collect(),
            )),
            ColumnData::Bool(v) => ColumnData::Bool(Cow::Owned(
                rows.iter()
                    .map(|&r| v.get(r).copied().unwrap_or(false))
                    .collect(),
            )),
            ColumnData::Text { codes, values } => {
                let mut map: HashMap<i64, i64> = HashMap::new();
                let mut kept: Vec<String> = Vec::new();
                let codes = rows
                    .iter()
                    .map(|&r| {
                        let c = codes.get(r).copied().unwrap_or(-1);
                        if c < 0 {
                            return -1;
                        }
                        let Some(v) = usize::try_from(c).ok().and_then(|i| values.get(i)) else {
                            return i64::MAX; // stays "not a code of the column's values"
                        };
                        *map.entry(c).or_insert_with(|| {
                            kept.push(v.clone());
                            kept.len() as i64 - 1
                        })
                    })
                    .collect();
                ColumnData::Text {
                    codes: Cow::Owned(codes),
                    values: kept,
                }
            }
            ColumnData::Utf8 {
                offsets,
                data,
                validity,
                offset,
                len,
            } => {
                let mut new_offsets = Vec::with_capacity(rows.len() + 1);
                let mut bytes = Vec::new();
                let mut bits = vec![0u8; rows.len().div_ceil(8)];
                new_offsets.push(0i64);
                for (i, &r) in rows.iter().enumerate() {
                    let at = offset + r;
                    let valid = r < *len
                        && validity.as_ref().is_none_or(|v| {
                            v.get(at >> 3).is_some_and(|b| (b >> (at & 7)) & 1 == 1)
                        });
                    let text = offsets
                        .get(at)
                        .zip(offsets.get(at + 1))
                        .and_then(|(&lo, &hi)| {
                            let lo = usize::try_from(lo).ok()?;
                            let hi = usize::try_from(hi).ok()?;
                            data.get(lo..hi)
                        });
                    if valid && let Some(text) = text {
                        bytes.extend_from_slice(text);
                        bits[i >> 3] |= 1 << (i & 7);
                    }
                    new_offsets.push(bytes.len() as i64);
                }
                ColumnData::Utf8 {
                    offsets: Cow::Owned(new_offsets),
                    data: Cow::Owned(bytes),
                    validity: Some(Cow::Owned(bits)),
                    offset: 0,
                    len: rows.len(),
                }
            }
        };
        out.push(name.clone(), d);
    }
    out
}
