//! `gridgov._gridgov.Records` and `Scorecard`: case records and scorecards.
//!
//! Columns cross as `NumPy` arrays borrowed for the call (`int64` instants and integers,
//! `float64` numbers with `NaN`, `bool`) and text as dictionary codes (`int64`, negative for
//! missing) plus the list of distinct values, so a 10^7-row `DataFrame` is validated without a
//! Python object per cell. Tables come back as one `float64` matrix plus lists, turned into
//! `DataFrame`s by the Python package.

use std::borrow::Cow;
use std::sync::Arc;

use gridgov::score::{
    Checked, ColumnData, Columns, Freq, OnError, Problem, Records, Scorecard, Subject, Table,
    compare_at,
};
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::errors::OrRaise;
use crate::model::PyModel;

/// Validated case records of one model.
#[pyclass(frozen, module = "gridgov._gridgov", name = "Records")]
pub struct PyRecords {
    pub(crate) inner: Arc<Records<'static>>,
}

impl PyRecords {
    pub(crate) fn wrap(records: Records<'static>) -> Self {
        PyRecords {
            inner: Arc::new(records),
        }
    }
}

/// One problem: `(row, id, column, value, reason)`.
type ProblemRow = (usize, Option<i64>, String, String, String);

fn checked_parts(checked: Checked) -> (Option<PyRecords>, Vec<ProblemRow>) {
    let rows = checked
        .problems
        .into_iter()
        .map(|p| (p.row, p.id, p.column, p.value, p.reason))
        .collect();
    (checked.records.map(PyRecords::wrap), rows)
}

/// One column as handed over by the Python package.
#[derive(FromPyObject)]
enum PyColumn<'py> {
    /// `(name, "utf8", offsets, data, validity, offset)`: an Arrow `large_string` array.
    Utf8(
        String,
        String,
        PyReadonlyArray1<'py, i64>,
        PyReadonlyArray1<'py, u8>,
        Option<PyReadonlyArray1<'py, u8>>,
        usize,
    ),
    /// `(name, "text", codes, values)`
    Text(String, String, PyReadonlyArray1<'py, i64>, Vec<String>),
    /// `(name, kind, data)` with kind `int`, `time`, `float` or `bool`.
    Int(String, String, PyReadonlyArray1<'py, i64>),
    Float(String, String, PyReadonlyArray1<'py, f64>),
    Bool(String, String, PyReadonlyArray1<'py, bool>),
}

fn contiguous<'a, T: numpy::Element>(
    a: &'a PyReadonlyArray1<'_, T>,
    name: &str,
) -> PyResult<&'a [T]> {
    a.as_slice().map_err(|_| {
        crate::errors::to_py(&gridgov::Error::invalid(
            format!("records.{name}"),
            "array",
            "is not contiguous",
        ))
    })
}

/// The borrowed core columns of the handed-over tuples.
fn to_columns<'a>(columns: &'a [PyColumn<'_>]) -> PyResult<Columns<'a>> {
    let mut cols = Columns::new();
    for c in columns {
        let bad_kind = |name: &str, kind: &str| {
            crate::errors::to_py(&gridgov::Error::invalid(
                format!("records.{name}"),
                kind,
                "is not a column kind (text, int, time, float, bool)",
            ))
        };
        let (name, data) = match c {
            PyColumn::Text(name, kind, _, _) if kind != "text" => {
                return Err(bad_kind(name, kind));
            }
            PyColumn::Utf8(name, kind, _, _, _, _) if kind != "utf8" => {
                return Err(bad_kind(name, kind));
            }
            PyColumn::Utf8(name, _, offsets, data, validity, offset) => {
                let offsets = contiguous(offsets, name)?;
                let len = offsets.len().saturating_sub(offset + 1);
                (
                    name,
                    ColumnData::Utf8 {
                        offsets: Cow::Borrowed(offsets),
                        data: Cow::Borrowed(contiguous(data, name)?),
                        validity: validity
                            .as_ref()
                            .map(|v| contiguous(v, name).map(Cow::Borrowed))
                            .transpose()?,
                        offset: *offset,
                        len,
                    },
                )
            }
            PyColumn::Text(name, _, codes, values) => (
                name,
                ColumnData::Text {
                    codes: Cow::Borrowed(contiguous(codes, name)?),
                    values: values.clone(),
                },
            ),
            PyColumn::Int(name, kind, a) => {
                let s = Cow::Borrowed(contiguous(a, name)?);
                match kind.as_str() {
                    "int" => (name, ColumnData::Int(s)),
                    "time" => (name, ColumnData::Time(s)),
                    k => return Err(bad_kind(name, k)),
                }
            }
            PyColumn::Float(name, kind, a) if kind == "float" => {
                (name, ColumnData::Float(Cow::Borrowed(contiguous(a, name)?)))
            }
            PyColumn::Bool(name, kind, a) if kind == "bool" => {
                (name, ColumnData::Bool(Cow::Borrowed(contiguous(a, name)?)))
            }
            PyColumn::Float(name, kind, _) | PyColumn::Bool(name, kind, _) => {
                return Err(bad_kind(name, kind));
            }
        };
        cols.push(name.clone(), data);
    }
    Ok(cols)
}

#[pymethods]
impl PyRecords {
    /// Validates columns against `model`: a list of `(name, kind, data)` or
    /// `(name, "text", codes, values)` tuples.
    #[staticmethod]
    #[pyo3(signature = (model, columns, as_of=None))]
    #[allow(
        clippy::needless_pass_by_value,
        reason = "pyo3 extracts arguments by value"
    )]
    fn from_columns(
        py: Python<'_>,
        model: &PyModel,
        columns: Vec<PyColumn<'_>>,
        as_of: Option<i64>,
    ) -> PyResult<Self> {
        let cols = to_columns(&columns)?;
        let model = Arc::clone(&model.inner);
        py.detach(|| Records::from_columns(model, &cols, as_of).map(Records::into_owned))
            .or_raise()
            .map(PyRecords::wrap)
    }

    /// Reads and validates CSV text.
    #[staticmethod]
    #[pyo3(signature = (model, text, as_of=None))]
    fn from_csv(py: Python<'_>, model: &PyModel, text: &str, as_of: Option<i64>) -> PyResult<Self> {
        let model = Arc::clone(&model.inner);
        py.detach(|| Records::from_csv(model, text, as_of))
            .or_raise()
            .map(PyRecords::wrap)
    }

    /// Validates columns in a validation mode (`"raise"`, `"collect"`, `"drop"`), with the
    /// problems the package found converting the frame (`(row, column, value, reason)`):
    /// `(records or None, [(row, id, column, value, reason)])`.
    #[staticmethod]
    #[pyo3(signature = (model, columns, as_of, errors, known))]
    #[allow(
        clippy::needless_pass_by_value,
        reason = "pyo3 extracts arguments by value"
    )]
    fn check_columns(
        py: Python<'_>,
        model: &PyModel,
        columns: Vec<PyColumn<'_>>,
        as_of: Option<i64>,
        errors: &str,
        known: Vec<(usize, String, String, String)>,
    ) -> PyResult<(Option<Self>, Vec<ProblemRow>)> {
        let mode = OnError::parse(errors).or_raise()?;
        let cols = to_columns(&columns)?;
        let model = Arc::clone(&model.inner);
        let known = known
            .into_iter()
            .map(|(row, column, value, reason)| Problem::new(row, column, &value, reason))
            .collect();
        let checked = py
            .detach(|| Records::check_columns_with(model, &cols, as_of, mode, known))
            .or_raise()?;
        Ok(checked_parts(checked))
    }

    /// Reads CSV text in a validation mode: `(records or None, problems)`.
    #[staticmethod]
    #[pyo3(signature = (model, text, as_of, errors))]
    fn check_csv(
        py: Python<'_>,
        model: &PyModel,
        text: &str,
        as_of: Option<i64>,
        errors: &str,
    ) -> PyResult<(Option<Self>, Vec<ProblemRow>)> {
        let mode = OnError::parse(errors).or_raise()?;
        let model = Arc::clone(&model.inner);
        let checked = py
            .detach(|| Records::from_csv_checked(model, text, as_of, mode))
            .or_raise()?;
        Ok(checked_parts(checked))
    }

    /// The records as CSV text.
    fn to_csv(&self, py: Python<'_>) -> String {
        py.detach(|| self.inner.to_csv())
    }

    /// The default as-of instant (ms).
    #[getter]
    fn as_of(&self) -> i64 {
        self.inner.as_of()
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// Cases reported in `[start, end)` per unit grid, in `Model.grids()` order (`uint64`):
    /// what `division_report_json` takes.
    fn grid_load<'py>(&self, py: Python<'py>, start: i64, end: i64) -> Bound<'py, PyArray1<u64>> {
        self.inner.grid_load(start, end).into_pyarray(py)
    }

    /// Every column as `(name, kind, data)` or `(name, "text", codes, values)`.
    fn columns<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyTuple>>> {
        column_tuples(py, &self.inner.to_columns())
    }

    /// The per-case drill-down over `[start, end)` (ms) as of `as_of` (default: the records'
    /// own), as column tuples (`gridgov::score::drill_down`).
    #[pyo3(signature = (start, end, as_of=None))]
    fn drill_down<'py>(
        &self,
        py: Python<'py>,
        start: i64,
        end: i64,
        as_of: Option<i64>,
    ) -> PyResult<Vec<Bound<'py, PyTuple>>> {
        let r = Arc::clone(&self.inner);
        let cols = py
            .detach(|| gridgov::score::drill_down(&r, start, end, as_of))
            .or_raise()?;
        column_tuples(py, &cols)
    }
}

/// Columns as `(name, kind, data)` or `(name, "text", codes, values)` tuples.
fn column_tuples<'py>(py: Python<'py>, cols: &Columns<'_>) -> PyResult<Vec<Bound<'py, PyTuple>>> {
    let mut out = Vec::with_capacity(cols.columns.len());
    for (name, data) in &cols.columns {
        let t = match data {
            ColumnData::Int(v) => (name, "int", v.to_vec().into_pyarray(py)).into_pyobject(py)?,
            ColumnData::Time(v) => (name, "time", v.to_vec().into_pyarray(py)).into_pyobject(py)?,
            ColumnData::Float(v) => {
                (name, "float", v.to_vec().into_pyarray(py)).into_pyobject(py)?
            }
            ColumnData::Bool(v) => (name, "bool", v.to_vec().into_pyarray(py)).into_pyobject(py)?,
            ColumnData::Text { codes, values } => (
                name,
                "text",
                codes.to_vec().into_pyarray(py),
                values.clone(),
            )
                .into_pyobject(py)?,
            ColumnData::Utf8 { .. } => continue, // never produced by to_columns or drill_down
        };
        out.push(t);
    }
    Ok(out)
}

/// A scorecard of one period.
#[pyclass(frozen, module = "gridgov._gridgov", name = "Scorecard")]
pub struct PyScorecard {
    inner: Arc<Scorecard>,
}

/// A table as `(subject, columns, ids, names, values, scores, grades, ranks, samples)`:
/// `values` a rows × columns `float64` matrix with `NaN` for undefined, `ranks` −1 where
/// not ranked.
type TableParts<'py> = (
    String,
    Vec<&'static str>,
    Vec<String>,
    Vec<String>,
    Bound<'py, PyArray2<f64>>,
    Bound<'py, PyArray1<f64>>,
    Vec<Option<String>>,
    Bound<'py, PyArray1<i64>>,
    Bound<'py, PyArray1<i64>>,
);

fn table_parts<'py>(py: Python<'py>, t: &Table) -> PyResult<TableParts<'py>> {
    let ncol = t.columns.len();
    let n = t.rows.len();
    let mut values = Vec::with_capacity(n * ncol);
    for r in &t.rows {
        values.extend(r.values.iter().map(|v| v.unwrap_or(f64::NAN)));
    }
    let matrix = numpy::ndarray::Array2::from_shape_vec((n, ncol), values)
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
    Ok((
        t.subject.as_str().to_owned(),
        t.columns.clone(),
        t.rows.iter().map(|r| r.id.clone()).collect(),
        t.rows.iter().map(|r| r.name.clone()).collect(),
        matrix.into_pyarray(py),
        t.rows
            .iter()
            .map(|r| r.score.unwrap_or(f64::NAN))
            .collect::<Vec<_>>()
            .into_pyarray(py),
        t.rows.iter().map(|r| r.grade.map(String::from)).collect(),
        t.rows
            .iter()
            .map(|r| r.rank.map_or(-1, i64::from))
            .collect::<Vec<_>>()
            .into_pyarray(py),
        t.rows
            .iter()
            .map(|r| i64::try_from(r.sample).unwrap_or(i64::MAX))
            .collect::<Vec<_>>()
            .into_pyarray(py),
    ))
}

/// A row of a comparison: area, name, level, indicator, before, after, change, change %.
type ChangeRow = (
    String,
    String,
    String,
    String,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    &'static str,
    Option<f64>,
);

#[pymethods]
impl PyScorecard {
    /// Scores `records` over `[start, end)` (ms), statuses as of `as_of` (default: the
    /// records' own). Runs on all cores with the GIL released.
    #[staticmethod]
    #[pyo3(signature = (records, start, end, as_of=None))]
    fn compute(
        py: Python<'_>,
        records: &PyRecords,
        start: i64,
        end: i64,
        as_of: Option<i64>,
    ) -> PyResult<Self> {
        let r = Arc::clone(&records.inner);
        py.detach(|| gridgov::score::score(&r, start, end, as_of))
            .or_raise()
            .map(|c| PyScorecard { inner: Arc::new(c) })
    }

    /// Validates and scores columns in one call, borrowing the arrays (no copy of the
    /// table is kept).
    #[staticmethod]
    #[pyo3(signature = (model, columns, start, end, as_of=None, records_as_of=None))]
    #[allow(
        clippy::needless_pass_by_value,
        reason = "pyo3 extracts arguments by value"
    )]
    fn from_columns(
        py: Python<'_>,
        model: &PyModel,
        columns: Vec<PyColumn<'_>>,
        start: i64,
        end: i64,
        as_of: Option<i64>,
        records_as_of: Option<i64>,
    ) -> PyResult<Self> {
        let cols = to_columns(&columns)?;
        let model = Arc::clone(&model.inner);
        py.detach(|| {
            let r = Records::from_columns(model, &cols, records_as_of)?;
            gridgov::score::score(&r, start, end, as_of)
        })
        .or_raise()
        .map(|c| PyScorecard { inner: Arc::new(c) })
    }

    /// One card per calendar period of `freq` (`MS`, `QS`, `YS`) meeting `[start, end)`
    /// (default: the records' history), all judged as of `as_of` (default: the records' own).
    #[staticmethod]
    #[pyo3(signature = (records, freq, start=None, end=None, as_of=None))]
    fn score_periods(
        py: Python<'_>,
        records: &PyRecords,
        freq: &str,
        start: Option<i64>,
        end: Option<i64>,
        as_of: Option<i64>,
    ) -> PyResult<Vec<Self>> {
        let freq = Freq::parse(freq).or_raise()?;
        let r = Arc::clone(&records.inner);
        let cards = py
            .detach(|| gridgov::score::score_periods(&r, freq, start, end, as_of))
            .or_raise()?;
        Ok(cards
            .into_iter()
            .map(|c| PyScorecard { inner: Arc::new(c) })
            .collect())
    }

    /// The card of all `cards`, whatever their order.
    #[staticmethod]
    #[allow(
        clippy::needless_pass_by_value,
        reason = "pyo3 extracts arguments by value"
    )]
    fn merge_all(cards: Vec<PyRef<'_, PyScorecard>>) -> PyResult<Self> {
        let owned: Vec<Scorecard> = cards.iter().map(|c| (*c.inner).clone()).collect();
        gridgov::score::merge_all(&owned)
            .or_raise()
            .map(|c| PyScorecard { inner: Arc::new(c) })
    }

    /// Reads a card written by `to_json` against `model`.
    #[staticmethod]
    fn from_json(model: &PyModel, text: &str) -> PyResult<Self> {
        Scorecard::from_json(Arc::clone(&model.inner), text)
            .or_raise()
            .map(|c| PyScorecard { inner: Arc::new(c) })
    }

    /// The card as JSON (`gridgov-scorecard/3`).
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// `(start, end)` in ms.
    #[getter]
    fn period(&self) -> (i64, i64) {
        self.inner.period()
    }

    /// The as-of instant in ms.
    #[getter]
    fn as_of(&self) -> i64 {
        self.inner.as_of()
    }

    /// The card of both (adjacent periods, or disjoint record sets of one period).
    fn merge(&self, other: &PyScorecard) -> PyResult<Self> {
        self.inner
            .merge(&other.inner)
            .or_raise()
            .map(|c| PyScorecard { inner: Arc::new(c) })
    }

    /// A table by name: `"areas:<level>"`, `"departments"` or `"posts:<role>"`.
    fn table<'py>(&self, py: Python<'py>, name: &str) -> PyResult<TableParts<'py>> {
        let t = self.inner.table(name).or_raise()?;
        table_parts(py, &t)
    }

    /// Every scorecard column with its Chinese label (CJ/T 292's indicator names).
    #[staticmethod]
    fn column_labels_zh() -> std::collections::BTreeMap<&'static str, &'static str> {
        gridgov::score::column_labels_zh()
    }

    /// The column names of a subject (`area`, `department`, `supervisor`…).
    #[staticmethod]
    fn columns_of(subject: &str) -> PyResult<Vec<&'static str>> {
        Subject::parse(subject)
            .map(|s| s.columns().iter().map(|c| c.name).collect())
            .ok_or_else(|| {
                crate::errors::to_py(&gridgov::Error::Unknown {
                    what: "subject",
                    value: subject.to_owned(),
                })
            })
    }

    /// Changes between two cards, per area of `level` (every level when `None`).
    #[staticmethod]
    #[pyo3(signature = (before, after, level=None, allow_different_as_of=false))]
    fn compare(
        before: &PyScorecard,
        after: &PyScorecard,
        level: Option<&str>,
        allow_different_as_of: bool,
    ) -> PyResult<Vec<ChangeRow>> {
        let changes =
            compare_at(&before.inner, &after.inner, level, allow_different_as_of).or_raise()?;
        Ok(changes
            .into_iter()
            .map(|c| {
                (
                    c.area,
                    c.name,
                    c.level,
                    c.indicator.to_owned(),
                    c.before,
                    c.after,
                    c.change,
                    c.unit,
                    c.change_pct,
                )
            })
            .collect())
    }
}
