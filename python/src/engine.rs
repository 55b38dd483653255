//! `gridgov._gridgov.Engine`: a frozen handle on a core [`Engine`] behind a `Mutex`.
//!
//! Actors, reports and actions cross as JSON text in the shapes of the C ABI
//! (`{"worker": "SV001"}`, `{"action": "dispatch", "unit": "WATER"}`), so the core's own
//! parsers name unknown actions and missing or extra fields; cases and events cross as the
//! core's JSON and escalations as tuples. Instants are `int` milliseconds. Every call takes the
//! lock with the GIL released (`py.detach`) and builds Python objects only after unlocking, so
//! a long sweep or replay never blocks other Python threads and the lock never waits on the GIL.

use std::sync::{Mutex, MutexGuard};

use gridgov::Error;
use gridgov::case::{Action, Actor, Report};
use gridgov::engine::{Engine, EventSink};
use gridgov::event::{Event, EventBody};
use gridgov::sink::Commit;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};
use serde_json::Value;

use crate::errors::{OrRaise, invalid};
use crate::model::PyModel;

/// An escalation as a tuple: seq, case id, instant (ms), rule index, rule name, effect,
/// target, firing number.
type EscalationRow = (u64, u64, i64, u32, String, String, Option<String>, u32);

/// The case engine of one model: cases, events, timers, escalations.
#[pyclass(frozen, module = "gridgov._gridgov", name = "Engine")]
pub struct PyEngine {
    inner: Mutex<Engine>,
    model: Py<PyModel>,
}

fn parse(text: &str, what: &str) -> gridgov::Result<Value> {
    serde_json::from_str(text).map_err(|e| Error::Parse {
        format: "JSON",
        message: format!("{what}: {e}"),
    })
}

fn actor_of(text: &str, what: &str) -> gridgov::Result<Actor> {
    serde_json::from_value(parse(text, what)?).map_err(|e| {
        Error::invalid(
            what,
            text,
            format!("{e}; an actor is {{\"worker\": id}}, {{\"citizen\": id}} or \"system\""),
        )
    })
}

/// Parses a report from JSON text (the core refuses non-objects and unknown fields).
fn report_of(text: &str) -> gridgov::Result<Report> {
    Report::from_json(parse(text, "report")?)
}

/// Parses an action from JSON text (the core refuses non-objects and unknown fields).
fn action_of(text: &str) -> gridgov::Result<Action> {
    Action::from_json(parse(text, "action")?)
}

fn escalation_rows(events: &[Event]) -> Vec<EscalationRow> {
    events
        .iter()
        .filter_map(|e| match &e.body {
            EventBody::Escalation(f) => Some((
                e.seq,
                e.case,
                e.at,
                f.rule,
                f.name().to_string(),
                f.effect().to_string(),
                f.target.as_ref().map(ToString::to_string),
                f.firing,
            )),
            _ => None,
        })
        .collect()
}

/// Every event as JSON lines with the audit chain, citizen contact data included (for
/// pickling: a full copy, which unpickling verifies).
/// With the events on disk, the lines are read from the journal.
fn full_jsonl(eng: &Engine) -> gridgov::Result<String> {
    eng.all_json_lines(true)
}

/// A Python callable as the engine's event sink: called with the list of the commit's JSON
/// lines; raising refuses the call. When the object also has a callable `finish`, it is called
/// with `True` once the journal committed (the host commits its transaction) or `False` when
/// the call is refused after the sink took the lines.
struct PySink {
    call: Py<PyAny>,
    finish: Option<Py<PyAny>>,
}

impl PySink {
    fn new(py: Python<'_>, call: Py<PyAny>) -> PySink {
        let finish = call
            .bind(py)
            .getattr("finish")
            .ok()
            .filter(PyAnyMethods::is_callable)
            .map(Bound::unbind);
        PySink { call, finish }
    }
}

/// A Python exception raised by a sink as the core's sink error.
fn sink_error(e: &PyErr) -> Error {
    Error::Sink {
        reason: Python::attach(|py| {
            let name = e
                .get_type(py)
                .name()
                .map_or_else(|_| "exception".to_owned(), |n| n.to_string());
            format!("{name}: {e}")
        }),
    }
}

impl EventSink for PySink {
    fn write(&mut self, commit: &Commit<'_>) -> gridgov::Result<()> {
        Python::attach(|py| {
            let lines = PyList::new(py, commit.lines.iter().map(String::as_str))?;
            self.call.call1(py, (lines,)).map(|_| ())
        })
        .map_err(|e| sink_error(&e))
    }

    fn finish(&mut self, commit: bool) -> gridgov::Result<()> {
        let Some(finish) = &self.finish else {
            return Ok(());
        };
        Python::attach(|py| finish.call1(py, (commit,)).map(|_| ())).map_err(|e| sink_error(&e))
    }
}

fn poisoned() -> PyErr {
    PyRuntimeError::new_err(
        "the engine is unusable: an internal error (a gridgov bug) interrupted an earlier call",
    )
}

impl PyEngine {
    /// Wraps a core engine built elsewhere (the simulator) on `model`, which must be the
    /// model the engine runs on.
    pub(crate) fn from_core(engine: Engine, model: Py<PyModel>) -> Self {
        Self {
            inner: Mutex::new(engine),
            model,
        }
    }

    /// Runs `f` on the locked engine with the GIL released.
    fn with<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut Engine) -> gridgov::Result<T> + Send,
    ) -> PyResult<T> {
        py.detach(|| self.inner.lock().ok().map(|mut g| f(&mut g)))
            .ok_or_else(poisoned)?
            .or_raise()
    }
}

#[pymethods]
impl PyEngine {
    /// An empty engine on `model`, with the model's engine settings and escalation rules.
    #[new]
    fn new(model: Bound<'_, PyModel>) -> Self {
        let engine = Engine::new(std::sync::Arc::clone(&model.get().inner));
        Self {
            inner: Mutex::new(engine),
            model: model.unbind(),
        }
    }

    /// Rebuilds an engine from events as JSON lines (every event applied again, with every
    /// check; the stage limits taken from the events). The audit chain is verified first
    /// unless `verify` is false (events stored without their `hash` members).
    #[staticmethod]
    #[pyo3(signature = (model, events_jsonl, verify = true))]
    fn replay(
        py: Python<'_>,
        model: Bound<'_, PyModel>,
        events_jsonl: &str,
        verify: bool,
    ) -> PyResult<Self> {
        let m = std::sync::Arc::clone(&model.get().inner);
        let engine = py
            .detach(|| {
                if verify {
                    Engine::replay_json_lines(m, events_jsonl)
                } else {
                    Engine::replay_json_lines_unverified(m, events_jsonl)
                }
            })
            .or_raise()?;
        Ok(Self {
            inner: Mutex::new(engine),
            model: model.unbind(),
        })
    }

    /// Opens (or creates) the SQLite journal at `path`: the engine holding every committed
    /// event; later calls commit before they return. `options_json`: the core's
    /// `OpenOptions` as JSON (`None`: defaults).
    #[staticmethod]
    #[pyo3(signature = (model, path, options_json = None))]
    fn open(
        py: Python<'_>,
        model: Bound<'_, PyModel>,
        path: &str,
        options_json: Option<&str>,
    ) -> PyResult<Self> {
        let m = std::sync::Arc::clone(&model.get().inner);
        let engine = py
            .detach(|| {
                let options = match options_json {
                    None => gridgov::journal::OpenOptions::default(),
                    Some(text) => {
                        gridgov::journal::OpenOptions::from_json(&parse(text, "options")?)?
                    }
                };
                Engine::open(m, path, &options)
            })
            .or_raise()?;
        Ok(Self {
            inner: Mutex::new(engine),
            model: model.unbind(),
        })
    }

    /// Writes the engine's whole history into a new or empty journal at `path` and commits
    /// every later call to it. `options_json`: the core's `OpenOptions` as JSON.
    #[pyo3(signature = (path, options_json = None))]
    fn attach_journal(
        &self,
        py: Python<'_>,
        path: &str,
        options_json: Option<&str>,
    ) -> PyResult<()> {
        self.with(py, |eng| {
            let options = match options_json {
                None => gridgov::journal::OpenOptions::default(),
                Some(text) => gridgov::journal::OpenOptions::from_json(&parse(text, "options")?)?,
            };
            eng.attach_journal(path, &options)
        })
    }

    /// Opens a batch (commits deferred to `commit_batch`, all or nothing).
    fn begin_batch(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, Engine::begin_batch)
    }

    /// Commits the open batch; returns the number of events committed.
    fn commit_batch(&self, py: Python<'_>) -> PyResult<usize> {
        self.with(py, Engine::commit_batch)
    }

    /// Drops the open batch; returns the number of events dropped.
    fn rollback_batch(&self, py: Python<'_>) -> PyResult<usize> {
        self.with(py, Engine::rollback_batch)
    }

    /// Whether a batch is open.
    fn in_batch(&self, py: Python<'_>) -> PyResult<bool> {
        self.with(py, |eng| Ok(eng.in_batch()))
    }

    /// Sets the event sink (a callable taking the list of each commit's JSON lines), or
    /// removes it with `None`. With `after_seq`, first redelivers every committed event after
    /// it to the sink; returns the number redelivered.
    #[pyo3(signature = (sink = None, after_seq = None))]
    fn set_sink(
        &self,
        py: Python<'_>,
        sink: Option<Py<PyAny>>,
        after_seq: Option<u64>,
    ) -> PyResult<usize> {
        match (sink, after_seq) {
            (None, None) => self.with(py, |eng| eng.set_sink(None).map(|()| 0)),
            (None, Some(_)) => Err(invalid(
                "sink",
                "None",
                "after_seq needs a sink to catch up",
            )),
            (Some(s), None) => {
                let sink: Box<dyn EventSink> = Box::new(PySink::new(py, s));
                self.with(py, move |eng| eng.set_sink(Some(sink)).map(|()| 0))
            }
            (Some(s), Some(after)) => {
                let sink: Box<dyn EventSink> = Box::new(PySink::new(py, s));
                self.with(py, move |eng| eng.set_sink_from(sink, after))
            }
        }
    }

    /// Redelivers every committed event after `after_seq` to `sink` (not attached); returns
    /// the number delivered.
    fn catch_up(&self, py: Python<'_>, sink: Py<PyAny>, after_seq: u64) -> PyResult<usize> {
        let mut sink = PySink::new(py, sink);
        self.with(py, move |eng| eng.catch_up(&mut sink, after_seq))
    }

    /// The last event the host's sink took when it is behind the journal, else `None`.
    fn sink_behind(&self, py: Python<'_>) -> PyResult<Option<u64>> {
        self.with(py, |eng| Ok(eng.sink_behind()))
    }

    /// The seq of the last committed event (0 when none).
    fn committed_seq(&self, py: Python<'_>) -> PyResult<u64> {
        self.with(py, |eng| Ok(eng.committed_seq()))
    }

    /// The model the engine runs on.
    #[getter]
    fn model(&self, py: Python<'_>) -> Py<PyModel> {
        self.model.clone_ref(py)
    }

    /// Records a new case; returns its id.
    fn report(
        &self,
        py: Python<'_>,
        actor_json: &str,
        at: i64,
        report_json: &str,
    ) -> PyResult<u64> {
        self.with(py, |eng| {
            let actor = actor_of(actor_json, "actor")?;
            eng.report(actor, at, report_of(report_json)?)
        })
    }

    /// Applies an action (JSON with an `"action"` member) to a case; returns the event as JSON.
    fn act(
        &self,
        py: Python<'_>,
        case_id: u64,
        actor_json: &str,
        at: i64,
        action_json: &str,
    ) -> PyResult<String> {
        self.with(py, |eng| {
            let actor = actor_of(actor_json, "actor")?;
            let action = action_of(action_json)?;
            let event = eng.act(case_id, actor, at, action)?;
            Ok(event.to_json(false)?.to_string())
        })
    }

    /// A case as JSON, its light at `now` (default: the time of the engine's last event).
    #[pyo3(signature = (case_id, now=None))]
    fn case_json(&self, py: Python<'_>, case_id: u64, now: Option<i64>) -> PyResult<String> {
        self.with(py, |eng| {
            let now = now.unwrap_or_else(|| eng.last_event_at().unwrap_or(0));
            eng.case_json(case_id, now).map(|v| v.to_string())
        })
    }

    /// The deadline (ms) of the case's running stage, if any.
    fn deadline(&self, py: Python<'_>, case_id: u64) -> PyResult<Option<i64>> {
        self.with(py, |eng| eng.deadline(case_id))
    }

    /// The light of a case at `now` (ms): `"green"`, `"yellow"`, `"red"` or `None`.
    fn light(&self, py: Python<'_>, case_id: u64, now: i64) -> PyResult<Option<String>> {
        self.with(py, |eng| {
            Ok(eng.light(case_id, now)?.map(|l| l.to_string()))
        })
    }

    /// Fires every escalation due at or before `now` (ms) and records it; returns them.
    fn sweep(&self, py: Python<'_>, now: i64) -> PyResult<Vec<EscalationRow>> {
        self.with(py, |eng| eng.sweep(now).map(escalation_rows))
    }

    /// Every event as JSON lines; contact data only for a viewer (actor JSON) allowed to see it.
    #[pyo3(signature = (viewer_json=None))]
    fn events_jsonl(&self, py: Python<'_>, viewer_json: Option<&str>) -> PyResult<String> {
        self.with(py, |eng| {
            let viewer = viewer_json.map(|v| actor_of(v, "viewer")).transpose()?;
            eng.events_json_lines(viewer.as_ref())
        })
    }

    /// Every event as columns, for `Engine.events_frame`: `(names, columns)` where `names` are
    /// `seq`, `case`, `at`, `actor_kind`, `actor_id`, `action`, `limit` and then every other
    /// member in order of first appearance (each event's members in alphabetical order), and
    /// each column holds one value per event (NaN where the event has no such member, as pandas
    /// makes it from one dict per event; objects and arrays as dicts and lists): the export's lines (`events_jsonl`, contact data as
    /// there), parsed with the GIL released.
    #[pyo3(signature = (viewer_json=None))]
    fn events_columns(
        &self,
        py: Python<'_>,
        viewer_json: Option<&str>,
    ) -> PyResult<(Vec<String>, Vec<Py<PyList>>)> {
        let (names, columns) = self.with(py, |eng| {
            let viewer = viewer_json.map(|v| actor_of(v, "viewer")).transpose()?;
            event_columns(&eng.events_json_lines(viewer.as_ref())?)
        })?;
        // Missing members are NaN, as pandas makes them from one dict per event; repeated texts
        // (codes, ids, actions) become one Python string each.
        let nan = f64::NAN.into_pyobject(py)?.into_any().unbind();
        let mut texts: std::collections::HashMap<&str, Py<PyAny>> =
            std::collections::HashMap::new();
        let mut out = Vec::with_capacity(columns.len());
        for column in &columns {
            let mut items = Vec::with_capacity(column.len());
            for v in column {
                items.push(match v {
                    None => nan.clone_ref(py),
                    Some(Value::String(t)) => texts
                        .entry(t.as_str())
                        .or_insert_with(|| pyo3::types::PyString::new(py, t).into_any().unbind())
                        .clone_ref(py),
                    Some(v) => json_to_py(py, v)?,
                });
            }
            out.push(PyList::new(py, items)?.unbind());
        }
        Ok((names, out))
    }

    /// The audit chain check: `{"events": n, "head": "<hex>"}` as JSON.
    fn verify_json(&self, py: Python<'_>) -> PyResult<String> {
        self.with(py, |eng| {
            let v = eng.verify()?;
            serde_json::to_string(&v)
                .map_err(|e| Error::invalid("verify", e, "cannot be serialised"))
        })
    }

    /// The cases as case records (for scoring).
    fn records(&self, py: Python<'_>) -> PyResult<crate::score::PyRecords> {
        self.with(py, |eng| eng.records())
            .map(crate::score::PyRecords::wrap)
    }

    /// The security log (refused actions) as a JSON array.
    fn denials_json(&self, py: Python<'_>) -> PyResult<String> {
        self.with(py, |eng| {
            serde_json::to_string(eng.denials())
                .map_err(|e| Error::invalid("denials", e, "cannot be serialised"))
        })
    }

    /// Number of cases and number of events.
    fn counts(&self, py: Python<'_>) -> PyResult<(usize, usize)> {
        self.with(py, |eng| {
            Ok((eng.cases().len(), eng.event_count() as usize))
        })
    }

    /// Whether the events stay on disk (opened with `keep_events` off): the engine holds only
    /// the events of the call in progress and reads its history from the journal.
    fn events_on_disk(&self, py: Python<'_>) -> PyResult<bool> {
        self.with(py, |eng| Ok(eng.events_on_disk()))
    }

    fn __len__(&self, py: Python<'_>) -> PyResult<usize> {
        self.with(py, |eng| Ok(eng.cases().len()))
    }

    /// Same cases and events (the security log is not compared).
    fn __eq__(&self, py: Python<'_>, other: &Self) -> PyResult<bool> {
        if std::ptr::eq(self, other) {
            return Ok(true);
        }
        // Lock in address order, so that `a == b` and `b == a` in two threads cannot deadlock.
        let (first, second) = if std::ptr::from_ref(self) < std::ptr::from_ref(other) {
            (self, other)
        } else {
            (other, self)
        };
        py.detach(|| {
            let a: MutexGuard<'_, Engine> = first.inner.lock().ok()?;
            let b: MutexGuard<'_, Engine> = second.inner.lock().ok()?;
            Some(*a == *b)
        })
        .ok_or_else(poisoned)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let (cases, events) = self.counts(py)?;
        Ok(format!("<_gridgov.Engine {cases} cases, {events} events>"))
    }

    /// Pickles as `Engine.replay(model, events with contact data)` (the security log is not
    /// kept).
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let ctor = py.get_type::<Self>().getattr("replay")?;
        let this = slf.get();
        let text = this.with(py, |eng| full_jsonl(eng))?;
        let args = (this.model.clone_ref(py), text).into_pyobject(py)?;
        Ok((ctor, args))
    }
}

/// Verifies the journal at `path` (read-only); `{"events": n, "head": "<hex>"}` as JSON, or
/// an error naming the first event that does not verify.
#[pyfunction]
pub fn verify_journal(py: Python<'_>, path: &str) -> PyResult<String> {
    py.detach(|| {
        gridgov::journal::verify(path).and_then(|v| {
            serde_json::to_string(&v)
                .map_err(|e| Error::invalid("verify", e, "cannot be serialised"))
        })
    })
    .or_raise()
}

/// Verifies the SHA-256 chain of exported event lines; `{"events": n, "head": "<hex>"}` as
/// JSON, or an error naming the first broken line.
#[pyfunction]
pub fn verify_events(py: Python<'_>, text: &str) -> PyResult<String> {
    py.detach(|| {
        gridgov::audit::verify_json_lines(text).and_then(|v| {
            serde_json::to_string(&v)
                .map_err(|e| Error::invalid("verify", e, "cannot be serialised"))
        })
    })
    .or_raise()
}

/// The base columns of `Engine.events_frame`, in order.
const EVENT_BASE: [&str; 7] = [
    "seq",
    "case",
    "at",
    "actor_kind",
    "actor_id",
    "action",
    "limit",
];

/// One column of `events_frame`: a value per event, `None` where it has no such member.
type Column = Vec<Option<Value>>;

/// The export's lines as columns: the base columns, then every other member (but `v`) in order
/// of first appearance; `None` where an event has no such member.
fn event_columns(text: &str) -> gridgov::Result<(Vec<String>, Vec<Column>)> {
    let n = text.lines().count();
    let mut names: Vec<String> = EVENT_BASE.iter().map(|s| (*s).to_owned()).collect();
    let mut index: std::collections::HashMap<String, usize> = names
        .iter()
        .enumerate()
        .map(|(i, s)| (s.clone(), i))
        .collect();
    let mut columns: Vec<Column> = vec![vec![None; n]; names.len()];
    for (row, line) in text.lines().enumerate() {
        let Value::Object(map) = serde_json::from_str::<Value>(line).map_err(|e| {
            Error::invalid(
                "events",
                row + 1,
                format!("an exported line does not parse: {e}"),
            )
        })?
        else {
            continue;
        };
        for (key, value) in map {
            match key.as_str() {
                "v" => {}
                "actor" => {
                    let (kind, id) = match value {
                        Value::Object(m) => match m.into_iter().next() {
                            Some((k, v)) => (Value::String(k), v),
                            None => (Value::Null, Value::Null),
                        },
                        other => (other, Value::Null),
                    };
                    columns[3][row] = Some(kind);
                    columns[4][row] = Some(id);
                }
                _ => {
                    let at = if let Some(&i) = index.get(&key) {
                        i
                    } else {
                        index.insert(key.clone(), names.len());
                        names.push(key);
                        columns.push(vec![None; n]);
                        names.len() - 1
                    };
                    columns[at][row] = Some(value);
                }
            }
        }
    }
    Ok((names, columns))
}

/// A JSON value as the Python object `json.loads` gives.
fn json_to_py(py: Python<'_>, v: &Value) -> PyResult<Py<PyAny>> {
    Ok(match v {
        Value::Null => py.None(),
        Value::Bool(b) => pyo3::types::PyBool::new(py, *b)
            .to_owned()
            .into_any()
            .unbind(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any().unbind()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any().unbind()
            } else {
                n.as_f64()
                    .unwrap_or(f64::NAN)
                    .into_pyobject(py)?
                    .into_any()
                    .unbind()
            }
        }
        Value::String(s) => pyo3::types::PyString::new(py, s).into_any().unbind(),
        Value::Array(items) => {
            let items = items
                .iter()
                .map(|x| json_to_py(py, x))
                .collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)?.into_any().unbind()
        }
        Value::Object(map) => {
            let d = pyo3::types::PyDict::new(py);
            for (k, x) in map {
                d.set_item(k, json_to_py(py, x)?)?;
            }
            d.into_any().unbind()
        }
    })
}
