//! The table before validation: [`Columns`] of [`ColumnData`] as callers hand them in, and the
//! reading of one column as integers, counts, instants or booleans (what counts as missing and
//! which other types each accepts).

use std::borrow::Cow;

use crate::calendar::Millis;
use crate::error::Result;
use crate::score::labels::RecordLabels;

use super::schema::{NO_TIME, bad};

/// One input column.
#[derive(Debug, Clone)]
pub enum ColumnData<'a> {
    /// Whole numbers.
    Int(Cow<'a, [i64]>),
    /// Numbers with `NaN` for missing (whole numbers are required where integers are expected).
    Float(Cow<'a, [f64]>),
    /// Instants in milliseconds, [`NO_TIME`] (`NaT`) for missing.
    Time(Cow<'a, [i64]>),
    /// Booleans.
    Bool(Cow<'a, [bool]>),
    /// Dictionary-encoded text: `codes[i]` indexes `values`; a negative code is missing.
    Text {
        /// Per row.
        codes: Cow<'a, [i64]>,
        /// The distinct values.
        values: Vec<String>,
    },
    /// Text in the Arrow layout (a `large_string` array, e.g. a pandas `str` column): row `i`
    /// is `data[offsets[offset + i] .. offsets[offset + i + 1]]`, missing where bit
    /// `offset + i` of `validity` is 0. Dictionary-encoded here, without a Python object per
    /// cell.
    Utf8 {
        /// Byte offsets (`offset + len + 1` of them at least).
        offsets: Cow<'a, [i64]>,
        /// The UTF-8 bytes.
        data: Cow<'a, [u8]>,
        /// Validity bitmap (least significant bit first), `None` when nothing is missing.
        validity: Option<Cow<'a, [u8]>>,
        /// The array's offset into `offsets` and `validity`.
        offset: usize,
        /// Number of rows.
        len: usize,
    },
}

impl ColumnData<'_> {
    /// The number of rows.
    pub fn len(&self) -> usize {
        match self {
            ColumnData::Int(v) | ColumnData::Time(v) => v.len(),
            ColumnData::Float(v) => v.len(),
            ColumnData::Bool(v) => v.len(),
            ColumnData::Text { codes, .. } => codes.len(),
            ColumnData::Utf8 { len, .. } => *len,
        }
    }

    /// No rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(super) fn type_name(&self) -> &'static str {
        match self {
            ColumnData::Int(_) => "integers",
            ColumnData::Float(_) => "numbers",
            ColumnData::Time(_) => "instants",
            ColumnData::Bool(_) => "booleans",
            ColumnData::Text { .. } | ColumnData::Utf8 { .. } => "text",
        }
    }
}

/// A table of case records as columns, before validation.
#[derive(Debug, Clone, Default)]
pub struct Columns<'a> {
    /// `(name, data)`, at most once per name.
    pub columns: Vec<(String, ColumnData<'a>)>,
}

impl<'a> Columns<'a> {
    /// An empty table.
    pub fn new() -> Self {
        Columns::default()
    }

    /// Adds a column.
    pub fn push(&mut self, name: impl Into<String>, data: ColumnData<'a>) {
        self.columns.push((name.into(), data));
    }

    pub(super) fn get(&self, name: &str) -> Option<&ColumnData<'a>> {
        self.columns.iter().find(|(n, _)| n == name).map(|(_, d)| d)
    }
}

pub(super) fn int_column<'a>(
    cols: &Columns<'a>,
    name: &str,
    n: usize,
    default: i64,
) -> Result<Cow<'a, [i64]>> {
    match cols.get(name) {
        None => Ok(Cow::Owned(vec![default; n])),
        Some(ColumnData::Int(v)) => Ok(v.clone()),
        Some(ColumnData::Float(v)) => v
            .iter()
            .enumerate()
            .map(|(row, &x)| {
                if x.is_nan() {
                    Ok(default)
                } else if x.fract() == 0.0 && x.abs() < 9.0e15 {
                    #[allow(clippy::cast_possible_truncation)]
                    Ok(x as i64)
                } else {
                    Err(bad(row, name, &x, "is not a whole number"))
                }
            })
            .collect(),
        Some(ColumnData::Bool(v)) => Ok(v.iter().map(|&b| i64::from(b)).collect()),
        Some(other) => Err(bad(
            0,
            name,
            &other.type_name(),
            "must be integers (the column holds another type)",
        )),
    }
}

pub(super) fn count_column(cols: &Columns<'_>, name: &str, n: usize) -> Result<Vec<u32>> {
    let v = int_column(cols, name, n, 0)?;
    v.iter()
        .enumerate()
        .map(|(row, &x)| u32::try_from(x).map_err(|_| bad(row, name, &x, "is not a count ≥ 0")))
        .collect()
}

pub(super) fn time_column<'a>(
    cols: &Columns<'a>,
    name: &str,
    n: usize,
) -> Result<Option<Cow<'a, [Millis]>>> {
    match cols.get(name) {
        None => Ok(None),
        Some(ColumnData::Time(v) | ColumnData::Int(v)) => Ok(Some(v.clone())),
        Some(ColumnData::Text { codes, .. }) if codes.iter().all(|&c| c < 0) => {
            Ok(Some(Cow::Owned(vec![NO_TIME; n])))
        }
        Some(ColumnData::Float(v)) if v.iter().all(|x| x.is_nan()) => {
            Ok(Some(Cow::Owned(vec![NO_TIME; n])))
        }
        Some(other) => Err(bad(
            0,
            name,
            &other.type_name(),
            "must be instants (the column holds another type)",
        )),
    }
}

pub(super) fn bool_column<'a>(
    cols: &Columns<'a>,
    name: &str,
    n: usize,
    labels: &RecordLabels,
) -> Result<Cow<'a, [bool]>> {
    match cols.get(name) {
        None => Ok(Cow::Owned(vec![false; n])),
        Some(ColumnData::Bool(v)) => Ok(v.clone()),
        Some(ColumnData::Int(v)) => v
            .iter()
            .enumerate()
            .map(|(row, &x)| match x {
                0 => Ok(false),
                1 => Ok(true),
                _ => Err(bad(row, name, &x, "is not a boolean (0 or 1)")),
            })
            .collect(),
        Some(ColumnData::Float(v)) => v
            .iter()
            .enumerate()
            .map(|(row, &x)| {
                if x.is_nan() || x == 0.0 {
                    Ok(false)
                } else if (x - 1.0).abs() < f64::EPSILON {
                    Ok(true)
                } else {
                    Err(bad(row, name, &x, "is not a boolean (0 or 1)"))
                }
            })
            .collect(),
        Some(ColumnData::Text { codes, values }) => codes
            .iter()
            .enumerate()
            .map(|(row, &c)| {
                if c < 0 {
                    return Ok(false);
                }
                let v = values.get(c as usize).map_or("", String::as_str);
                match v.trim().to_ascii_lowercase().as_str() {
                    "" | "0" | "false" | "f" | "no" => Ok(false),
                    "1" | "true" | "t" | "yes" => Ok(true),
                    _ => labels.boolean(v).ok_or_else(|| {
                        bad(row, name, &v, "is not a boolean (true or false, 是 or 否)")
                    }),
                }
            })
            .collect(),
        Some(other) => Err(bad(
            0,
            name,
            &other.type_name(),
            "must be booleans (the column holds another type)",
        )),
    }
}
