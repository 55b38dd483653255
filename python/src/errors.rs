//! The one place where core errors become Python exceptions.
//!
//! The exception classes are defined in Python (`gridgov/_errors.py`), because several derive
//! from two bases (`ValidationError(GridgovError, ValueError)`), which `create_exception!`
//! cannot express; they are imported once each (`import_exception!`, cached per interpreter).
//! Each core [`ErrorKind`] maps to exactly one class in an exhaustive match ([`class_of`]), so a
//! kind added to the core does not compile until it has a class here; the message is the core's
//! `Display` text and the variant's fields become keyword attributes.

use gridgov::error::Text;
use gridgov::{Error, ErrorKind};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};

/// The exception classes of `gridgov._errors`, imported once.
mod classes {
    pyo3::import_exception!(gridgov._errors, ValidationError);
    pyo3::import_exception!(gridgov._errors, CodeError);
    pyo3::import_exception!(gridgov._errors, UnknownError);
    pyo3::import_exception!(gridgov._errors, CalendarRangeError);
    pyo3::import_exception!(gridgov._errors, NoResponsibleUnitError);
    pyo3::import_exception!(gridgov._errors, DutyConflictError);
    pyo3::import_exception!(gridgov._errors, ModelError);
    pyo3::import_exception!(gridgov._errors, ParseError);
    pyo3::import_exception!(gridgov._errors, GridgovIOError);
    pyo3::import_exception!(gridgov._errors, GridgovFileNotFoundError);
    pyo3::import_exception!(gridgov._errors, InvalidTransition);
    pyo3::import_exception!(gridgov._errors, PermissionDenied);
    pyo3::import_exception!(gridgov._errors, JournalError);
    pyo3::import_exception!(gridgov._errors, TamperedError);
    pyo3::import_exception!(gridgov._errors, SinkError);
    pyo3::import_exception!(gridgov._errors, SinkBehindError);
}

/// The exception class of a kind of core error (an `Io` error for a missing file is the
/// subclass `GridgovFileNotFoundError`, see [`class_for`]).
pub(crate) fn class_of(py: Python<'_>, kind: ErrorKind) -> Bound<'_, PyType> {
    use classes as c;
    match kind {
        ErrorKind::InvalidValue => py.get_type::<c::ValidationError>(),
        ErrorKind::InvalidCode => py.get_type::<c::CodeError>(),
        ErrorKind::Unknown => py.get_type::<c::UnknownError>(),
        ErrorKind::CalendarRange => py.get_type::<c::CalendarRangeError>(),
        ErrorKind::NoResponsibleUnit => py.get_type::<c::NoResponsibleUnitError>(),
        ErrorKind::DutyConflict => py.get_type::<c::DutyConflictError>(),
        ErrorKind::Model => py.get_type::<c::ModelError>(),
        ErrorKind::Parse => py.get_type::<c::ParseError>(),
        ErrorKind::Io => py.get_type::<c::GridgovIOError>(),
        ErrorKind::InvalidTransition => py.get_type::<c::InvalidTransition>(),
        ErrorKind::PermissionDenied => py.get_type::<c::PermissionDenied>(),
        ErrorKind::Journal => py.get_type::<c::JournalError>(),
        ErrorKind::Tampered => py.get_type::<c::TamperedError>(),
        ErrorKind::Sink => py.get_type::<c::SinkError>(),
        ErrorKind::SinkBehind => py.get_type::<c::SinkBehindError>(),
    }
}

/// The exception class of one error: its kind's, or the file-not-found subclass.
fn class_for<'py>(py: Python<'py>, err: &Error) -> Bound<'py, PyType> {
    match err {
        Error::Io {
            kind: std::io::ErrorKind::NotFound,
            ..
        } => py.get_type::<classes::GridgovFileNotFoundError>(),
        _ => class_of(py, err.kind()),
    }
}

/// Every core error kind with its number (the C status) and its Python class, in number
/// order: the one list the tests check the exception tree against.
#[pyfunction]
pub(crate) fn error_kinds(py: Python<'_>) -> Vec<(&'static str, u32, Bound<'_, PyType>)> {
    ErrorKind::ALL
        .iter()
        .map(|&k| (k.name(), k.number(), class_of(py, k)))
        .collect()
}

/// Turns a core error into the matching `gridgov` exception.
pub(crate) fn to_py(err: &Error) -> PyErr {
    Python::attach(|py| build(py, err).unwrap_or_else(|e| e))
}

/// Shorthand for `result.map_err(|e| to_py(&e))`.
pub(crate) trait OrRaise<T> {
    /// Maps the core error to its Python exception.
    fn or_raise(self) -> PyResult<T>;
}

impl<T> OrRaise<T> for gridgov::Result<T> {
    fn or_raise(self) -> PyResult<T> {
        self.map_err(|e| to_py(&e))
    }
}

/// The variant's fields as keyword arguments of the exception.
fn fields<'py>(py: Python<'py>, err: &Error) -> PyResult<Bound<'py, PyDict>> {
    let kw = PyDict::new(py);
    match err {
        Error::InvalidValue {
            what,
            value,
            reason,
        } => {
            kw.set_item("what", what)?;
            kw.set_item("value", Text(value).to_string())?;
            kw.set_item("reason", reason)?;
        }
        Error::InvalidCode {
            what,
            value,
            reason,
        } => {
            kw.set_item("what", *what)?;
            kw.set_item("value", Text(value).to_string())?;
            kw.set_item("reason", reason)?;
        }
        Error::Unknown { what, value } => {
            kw.set_item("what", *what)?;
            kw.set_item("value", Text(value).to_string())?;
        }
        Error::CalendarRange {
            date,
            first_year,
            last_year,
        } => {
            kw.set_item("date", date)?;
            kw.set_item("first_year", first_year)?;
            kw.set_item("last_year", last_year)?;
        }
        Error::NoResponsibleUnit { category, grid } => {
            kw.set_item("category", category)?;
            kw.set_item("grid", grid)?;
        }
        Error::DutyConflict {
            category,
            grid,
            rules,
            units,
        } => {
            kw.set_item("category", category)?;
            kw.set_item("grid", grid)?;
            kw.set_item("rules", rules)?;
            kw.set_item("units", units)?;
        }
        Error::Model(issues) => {
            let pairs: Vec<(&str, &str)> = issues
                .0
                .iter()
                .map(|i| (i.path.as_str(), i.message.as_str()))
                .collect();
            kw.set_item("issues", pairs)?;
        }
        Error::Parse { format, message } => {
            kw.set_item("format", *format)?;
            kw.set_item("parser_message", Text(message).to_string())?;
        }
        Error::Io { path, .. } => {
            kw.set_item("path", path)?;
        }
        Error::InvalidTransition {
            case,
            state,
            action,
            detail,
        } => {
            kw.set_item("case", case)?;
            kw.set_item("state", state.as_str())?;
            kw.set_item("action", action.as_str())?;
            kw.set_item("detail", detail.unwrap_or_default())?;
        }
        Error::PermissionDenied {
            actor,
            action,
            reason,
        } => {
            kw.set_item("actor", actor)?;
            kw.set_item("action", action)?;
            kw.set_item("reason", reason)?;
        }
        Error::Journal { path, reason } => {
            kw.set_item("path", path)?;
            kw.set_item("reason", reason)?;
        }
        Error::Tampered { seq, reason } => {
            kw.set_item("seq", seq)?;
            kw.set_item("reason", reason)?;
        }
        Error::Sink { reason } => {
            kw.set_item("reason", reason)?;
        }
        Error::SinkBehind {
            sink_seq,
            committed_seq,
            reason,
        } => {
            kw.set_item("sink_seq", sink_seq)?;
            kw.set_item("committed_seq", committed_seq)?;
            kw.set_item("reason", reason)?;
        }
    }
    Ok(kw)
}

fn build(py: Python<'_>, err: &Error) -> PyResult<PyErr> {
    let exc = class_for(py, err).call((err.to_string(),), Some(&fields(py, err)?))?;
    Ok(PyErr::from_value(exc))
}

/// A [`gridgov::Error::InvalidValue`] raised by the binding itself (bad argument shapes).
pub(crate) fn invalid(what: &str, value: impl std::fmt::Display, reason: &str) -> PyErr {
    to_py(&Error::invalid(what, value, reason))
}
