//! Case records as CSV (RFC 4180: comma-separated, `"` quotes, `""` inside quotes).
//!
//! The first line names the columns. Columns outside the schema are ignored (exports carry
//! more). Empty fields are missing values. Instants are integers (milliseconds since the
//! epoch) or text as [`Calendar::parse_instant`](crate::calendar::Calendar::parse_instant)
//! reads it: ISO 8601 with an offset or `Z` is absolute; without one (or a date alone, or
//! `2026/3/2 9:15`) it is local time of the model's calendar (how city systems export). Booleans are
//! `true`/`false`/`1`/`0`/`yes`/`no`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use chrono::DateTime;

use crate::calendar::Millis;
use crate::calendar::parse_instant_text;
use crate::error::{Error, Result};
use crate::model::Model;

use super::records::{
    Checked, ColumnData, ColumnType, Columns, NO_TIME, OnError, Problem, Records, column_type,
};

/// Splits CSV text into records of fields. Errors name the 1-based line.
fn split(text: &str) -> Result<Vec<Vec<String>>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut line = 1usize;
    let mut quoted = false;
    let mut any = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => {
                quoted = true;
                any = true;
            }
            ',' => {
                row.push(std::mem::take(&mut field));
                any = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                line += 1;
                if any || !field.is_empty() {
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                any = false;
            }
            _ => {
                field.push(c);
                any = true;
            }
        }
    }
    if quoted {
        return Err(Error::invalid(
            format!("csv line {line}"),
            field,
            "has an unterminated quoted field",
        ));
    }
    if any || !field.is_empty() {
        row.push(field);
        rows.push(row);
    }
    Ok(rows)
}

fn parse_instant(s: &str, offset_minutes: i32) -> std::result::Result<Millis, String> {
    if let Ok(ms) = s.parse::<i64>() {
        return Ok(ms);
    }
    parse_instant_text(s, offset_minutes)
}

impl Records<'_> {
    /// Reads records from CSV text (see the module documentation of `score::csv` for the
    /// format) and validates them ([`Records::from_columns`]).
    ///
    /// # Errors
    /// A malformed line or field as [`Error::InvalidValue`] naming `records[ROW].COLUMN`
    /// (rows from 0, not counting the header); then as [`Records::from_columns`].
    pub fn from_csv(
        model: Arc<Model>,
        text: &str,
        as_of: Option<Millis>,
    ) -> Result<Records<'static>> {
        let (cols, known) = csv_columns(&model, text, false)?;
        debug_assert!(known.is_empty());
        Records::from_columns(model, &cols, as_of)
    }

    /// Reads records from CSV text in a validation mode ([`OnError`]): with `Collect` or
    /// `Drop`, a row with the wrong number of fields, a field that is not a number or an
    /// instant, and every row validation refuses is a [`Problem`](super::Problem) (see
    /// [`Records::check`]).
    ///
    /// # Errors
    /// Text that is not CSV (an unterminated quote, no header line), and problems not about
    /// one row, in every mode; with `Raise`, as [`Records::from_csv`].
    pub fn from_csv_checked(
        model: Arc<Model>,
        text: &str,
        as_of: Option<Millis>,
        on_error: OnError,
    ) -> Result<Checked> {
        if on_error == OnError::Raise {
            return Ok(Checked {
                records: Some(Records::from_csv(model, text, as_of)?),
                problems: Vec::new(),
            });
        }
        let (cols, known) = csv_columns(&model, text, true)?;
        Records::check_columns_with(model, &cols, as_of, on_error, known)
    }
}

/// The schema columns of CSV text. With `collect`, a bad row or field is a problem (the row
/// padded with empty fields, the field made missing) instead of an error.
fn csv_columns(
    model: &Model,
    text: &str,
    collect: bool,
) -> Result<(Columns<'static>, Vec<Problem>)> {
    let mut rows = split(crate::limits::strip_bom(text))?;
    if rows.is_empty() {
        return Err(Error::invalid("csv", "", "is empty (no header line)"));
    }
    let header = rows.remove(0);
    let mut body = rows;
    let offset = model.calendar().utc_offset_minutes();
    let mut known = Vec::new();
    for (r, row) in body.iter_mut().enumerate() {
        if row.len() != header.len() {
            let reason = format!("fields, where the header has {}", header.len());
            if !collect {
                return Err(Error::invalid(format!("records[{r}]"), row.len(), reason));
            }
            known.push(Problem::new(r, "", &row.len(), reason));
            row.resize(header.len(), String::new());
        }
    }
    // A bad field names its case too, as validation does: "… (case 1004)".
    let id_col = header.iter().position(|h| h.trim() == "id");
    let of_case = |r: usize, reason: &str| match id_col.map(|c| body[r][c].trim()) {
        Some(id) if !id.is_empty() => format!("{reason} (case {id})"),
        _ => reason.to_owned(),
    };
    let mut cols = Columns::new();
    for (c, name) in header.iter().enumerate() {
        let name = name.trim();
        let Some(ty) = column_type(name) else {
            continue;
        };
        let cell = |r: usize| body[r][c].trim();
        let n = body.len();
        let data = match ty {
            ColumnType::Time => {
                let mut v = Vec::with_capacity(n);
                for r in 0..n {
                    let s = cell(r);
                    v.push(if s.is_empty() {
                        NO_TIME
                    } else {
                        match parse_instant(s, offset) {
                            Ok(t) => t,
                            Err(reason) if collect => {
                                known.push(Problem::new(r, name, &s, reason));
                                NO_TIME
                            }
                            Err(reason) => {
                                return Err(Error::invalid(
                                    format!("records[{r}].{name}"),
                                    s,
                                    of_case(r, &reason),
                                ));
                            }
                        }
                    });
                }
                ColumnData::Time(Cow::Owned(v))
            }
            ColumnType::Int => {
                let mut v = Vec::with_capacity(n);
                for r in 0..n {
                    let s = cell(r);
                    v.push(if s.is_empty() {
                        f64::NAN
                    } else {
                        match s.parse::<f64>().ok().filter(|x| x.is_finite()) {
                            Some(x) => x,
                            None if collect => {
                                known.push(Problem::new(r, name, &s, "is not a number"));
                                f64::NAN
                            }
                            None => {
                                return Err(Error::invalid(
                                    format!("records[{r}].{name}"),
                                    s,
                                    if name == "id" {
                                        "is not a number".to_owned()
                                    } else {
                                        of_case(r, "is not a number")
                                    },
                                ));
                            }
                        }
                    });
                }
                ColumnData::Float(Cow::Owned(v))
            }
            ColumnType::Text | ColumnType::Bool => {
                let mut values: Vec<String> = Vec::new();
                let mut index: HashMap<&str, i64> = HashMap::new();
                let mut codes = Vec::with_capacity(n);
                for r in 0..n {
                    let s = cell(r);
                    if s.is_empty() {
                        codes.push(-1);
                        continue;
                    }
                    let code = *index.entry(s).or_insert_with(|| {
                        values.push(s.to_owned());
                        values.len() as i64 - 1
                    });
                    codes.push(code);
                }
                ColumnData::Text {
                    codes: Cow::Owned(codes),
                    values,
                }
            }
        };
        if cols.columns.iter().any(|(m, _)| m == name) {
            return Err(Error::invalid(
                format!("records.{name}"),
                name,
                "is given twice",
            ));
        }
        cols.push(name, data);
    }
    Ok((cols, known))
}

impl Records<'_> {
    /// The records as CSV with every schema column; instants as ISO 8601 UTC
    /// (`2026-03-01T00:30:00.000Z`), so the text reads back to equal records.
    pub fn to_csv(&self) -> String {
        let cols = self.to_columns();
        let mut out = String::new();
        let names: Vec<&str> = cols.columns.iter().map(|(n, _)| n.as_str()).collect();
        out.push_str(&names.join(","));
        out.push('\n');
        for r in 0..self.len() {
            for (c, (_, data)) in cols.columns.iter().enumerate() {
                if c > 0 {
                    out.push(',');
                }
                match data {
                    ColumnData::Int(v) => {
                        let _ = write!(out, "{}", v[r]);
                    }
                    ColumnData::Float(v) => {
                        if !v[r].is_nan() {
                            let _ = write!(out, "{}", v[r]);
                        }
                    }
                    ColumnData::Time(v) => {
                        if v[r] != NO_TIME
                            && let Some(dt) = DateTime::from_timestamp_millis(v[r])
                        {
                            let _ = write!(out, "{}", dt.format("%Y-%m-%dT%H:%M:%S%.3fZ"));
                        }
                    }
                    ColumnData::Bool(v) => out.push_str(if v[r] { "true" } else { "false" }),
                    ColumnData::Utf8 { .. } => {} // never produced by to_columns
                    ColumnData::Text { codes, values } => {
                        if let Ok(i) = usize::try_from(codes[r]) {
                            let s = &values[i];
                            if s.contains([',', '"', '\n', '\r']) {
                                out.push('"');
                                out.push_str(&s.replace('"', "\"\""));
                                out.push('"');
                            } else {
                                out.push_str(s);
                            }
                        }
                    }
                }
            }
            out.push('\n');
        }
        out
    }
}
