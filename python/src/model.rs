//! `gridgov._gridgov.Model`: a frozen handle on a loaded, validated core [`Model`].
//!
//! Records (areas, units, workers) cross as tuples of plain values with ids and codes in place
//! of the core's internal indices; report-like values (summary, check report, categories)
//! cross as the core's own JSON. The pure-Python layer turns both into dataclasses.

use std::path::PathBuf;
use std::sync::Arc;

use gridgov::Model;
use gridgov::model::Format;
use gridgov::org::Role;
use gridgov::territory::AreaId;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::calendar::PyCalendar;
use crate::divisions::PyDivisionCodes;
use crate::errors::{OrRaise, invalid};
use crate::spatial::PyGridMap;

/// An area as a tuple: code, name, level name, parent code, population, households, area in
/// m², neighbour codes.
type AreaRow = (
    String,
    String,
    String,
    Option<String>,
    Option<u64>,
    Option<u64>,
    Option<f64>,
    Vec<String>,
);

/// A unit as a tuple: id, name, kind, parent id, jurisdiction area codes.
type UnitRow = (String, String, String, Option<String>, Vec<String>);

/// A worker as a tuple: id, name, role, unit id, grid codes.
type WorkerRow = (String, String, String, String, Vec<String>);

/// A city model: territory, organisation, duty matrix, catalog and calendar.
#[pyclass(frozen, module = "gridgov._gridgov", name = "Model")]
pub struct PyModel {
    pub(crate) inner: Arc<Model>,
    calendar: Py<PyCalendar>,
    /// Every calendar of the model by name, `"default"` first (the same object as `calendar`).
    calendars: Vec<(String, Py<PyCalendar>)>,
}

impl PyModel {
    fn new(py: Python<'_>, model: Model) -> PyResult<Self> {
        let calendar = Py::new(py, PyCalendar::new(model.calendar().clone()))?;
        let mut calendars = vec![(
            gridgov::model::DEFAULT_CALENDAR.to_owned(),
            calendar.clone_ref(py),
        )];
        for (name, cal) in model.calendars().skip(1) {
            calendars.push((name.to_owned(), Py::new(py, PyCalendar::new(cal.clone()))?));
        }
        Ok(Self {
            inner: Arc::new(model),
            calendar,
            calendars,
        })
    }

    fn row(&self, id: AreaId) -> AreaRow {
        let t = self.inner.territory();
        let a = t.area(id);
        (
            a.code.to_string(),
            a.name.clone(),
            t.levels()[usize::from(a.level)].clone(),
            a.parent.map(|p| t.area(p).code.to_string()),
            a.population,
            a.households,
            a.area_m2,
            self.codes(&a.neighbours),
        )
    }

    fn codes(&self, ids: &[AreaId]) -> Vec<String> {
        let t = self.inner.territory();
        ids.iter().map(|a| t.area(*a).code.to_string()).collect()
    }
}

#[pymethods]
impl PyModel {
    /// The built-in sample city.
    #[staticmethod]
    fn sample(py: Python<'_>) -> PyResult<Self> {
        let model = py.detach(Model::sample);
        Self::new(py, model)
    }

    /// Loads a `.toml` or `.json` model file.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let model = py.detach(move || Model::load(path)).or_raise()?;
        Self::new(py, model)
    }

    /// Loads a model from text; `format` is `"toml"`, `"json"` or `None` (detected);
    /// `grid_map` attaches unit-grid boundaries (as `with_grid_map`).
    #[staticmethod]
    #[pyo3(signature = (text, format=None, grid_map=None))]
    fn from_text(
        py: Python<'_>,
        text: &str,
        format: Option<&str>,
        grid_map: Option<&PyGridMap>,
    ) -> PyResult<Self> {
        let format = match format {
            None => None,
            Some(f) if f.eq_ignore_ascii_case("toml") => Some(Format::Toml),
            Some(f) if f.eq_ignore_ascii_case("json") => Some(Format::Json),
            Some(f) => {
                return Err(invalid(
                    "format",
                    format!("{f:?}"),
                    "expected \"toml\" or \"json\"",
                ));
            }
        };
        let map = grid_map.map(|g| (*g.inner).clone());
        let model = py
            .detach(|| {
                let model = match format {
                    None => Model::from_str_auto(text),
                    Some(f) => Model::from_str_as(text, f),
                }?;
                match map {
                    Some(map) => model.with_grid_map(map),
                    None => Ok(model),
                }
            })
            .or_raise()?;
        Self::new(py, model)
    }

    /// Model name.
    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }

    /// Model version, if any.
    #[getter]
    fn version(&self) -> Option<&str> {
        self.inner.version()
    }

    /// The model's working calendar.
    #[getter]
    fn calendar(&self, py: Python<'_>) -> Py<PyCalendar> {
        self.calendar.clone_ref(py)
    }

    /// Every calendar of the model as (name, calendar) pairs, `"default"` (the model's
    /// `calendar`) first, then its `[calendars]` by name.
    #[getter]
    fn calendars(&self, py: Python<'_>) -> Vec<(String, Py<PyCalendar>)> {
        self.calendars
            .iter()
            .map(|(n, c)| (n.clone(), c.clone_ref(py)))
            .collect()
    }

    /// The name of the calendar a deadline of `stage` is counted on for `unit` (a unit id or
    /// `None`): the calendar of whoever must act (`Model::calendar_for`).
    #[pyo3(signature = (stage, unit=None))]
    fn calendar_name_for(&self, stage: &str, unit: Option<&str>) -> PyResult<String> {
        let stage: gridgov::catalog::Stage = stage.parse().or_raise()?;
        let unit = match unit {
            None => None,
            Some(u) => Some(self.inner.org().find_unit(u).or_raise()?),
        };
        Ok(self.inner.calendar_name_for(stage, unit).to_owned())
    }

    /// A copy of the model's unit-grid boundaries; `None` when the model has none.
    #[getter]
    fn grid_map(&self) -> Option<PyGridMap> {
        self.inner.grid_map().cloned().map(PyGridMap::new)
    }

    /// Codes of the model's unit grids that have no boundary in `grid_map`; raises when the
    /// map has grids the model does not know.
    fn grids_without_boundary(&self, grid_map: &PyGridMap) -> PyResult<Vec<String>> {
        grid_map
            .inner
            .check_against(self.inner.territory())
            .or_raise()
    }

    /// A copy of the model with `grid_map` as its unit-grid boundaries (checked against the
    /// model's grids).
    fn with_grid_map(&self, py: Python<'_>, grid_map: &PyGridMap) -> PyResult<Self> {
        let (model, map) = ((*self.inner).clone(), (*grid_map.inner).clone());
        let model = py.detach(move || model.with_grid_map(map)).or_raise()?;
        Self::new(py, model)
    }

    /// The model as JSON, same shape as the file.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// Sizes of the model, as JSON.
    fn summary_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner.summary())
            .map_err(|e| invalid("summary", e, "cannot be serialised"))
    }

    /// This model with more record labels (JSON in the shape of `[scoring.labels]`).
    fn with_record_labels(&self, py: Python<'_>, labels_json: &str) -> PyResult<Self> {
        let section: gridgov::score::labels::LabelsSection = serde_json::from_str(labels_json)
            .map_err(|e| invalid("labels", labels_json, &e.to_string()))?;
        let model = self.inner.with_record_labels(&section).or_raise()?;
        Self::new(py, model)
    }

    /// The labels case records may use (built-in Chinese plus the model's), as JSON.
    fn record_labels_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner.record_labels().to_section())
            .map_err(|e| invalid("labels", e, "cannot be serialised"))
    }

    /// The static check of the responsibility matrix, as JSON.
    fn check_json(&self, py: Python<'_>) -> String {
        let model = &*self.inner;
        py.detach(|| model.check().to_json())
    }

    /// The division codes the list (the built-in one when `None`) lacks, as JSON.
    #[pyo3(signature = (codes=None))]
    fn unknown_divisions_json(&self, py: Python<'_>, codes: Option<&PyDivisionCodes>) -> String {
        let model = &*self.inner;
        let list = codes.map(|c| Arc::clone(&c.inner));
        py.detach(|| {
            let found = match &list {
                Some(l) => model.unknown_divisions(l),
                None => model.unknown_divisions(gridgov::divisions::DivisionCodes::builtin()),
            };
            serde_json::to_string(&found).unwrap_or_else(|_| String::from("[]"))
        })
    }

    /// Unit id responsible for `category` in unit grid `grid`.
    fn route(&self, category: &str, grid: &str) -> PyResult<String> {
        Ok(self.inner.route(category, grid).or_raise()?.id.clone())
    }

    /// Unit id and deciding rule index (`None`: the territorial fallback decided).
    fn route_detail(&self, category: &str, grid: &str) -> PyResult<(String, Option<usize>)> {
        let r = self.inner.route_detail(category, grid).or_raise()?;
        Ok((self.inner.org().unit(r.unit).id.clone(), r.rule))
    }

    /// Handling deadline (ms) of a case reported at `start_ms`.
    fn deadline(&self, category: &str, urgency: &str, start_ms: i64) -> PyResult<i64> {
        self.inner.deadline(category, urgency, start_ms).or_raise()
    }

    /// Bulk `deadline` over lists of categories and urgencies (`None`: the default) and an
    /// `int64` array of starts; the GIL is released while the core works.
    #[expect(
        clippy::needless_pass_by_value,
        reason = "PyO3 extracts list and array arguments by value"
    )]
    fn deadlines<'py>(
        &self,
        py: Python<'py>,
        categories: Vec<String>,
        urgencies: Option<Vec<String>>,
        starts: numpy::PyReadonlyArray1<'py, i64>,
    ) -> PyResult<Bound<'py, numpy::PyArray1<i64>>> {
        use numpy::IntoPyArray;
        let s = starts.as_slice().map_err(|_| {
            invalid(
                "starts",
                "a non-contiguous array",
                "arrays must be C-contiguous and aligned",
            )
        })?;
        let model = &*self.inner;
        let mut out = vec![0_i64; s.len()];
        py.detach(|| {
            let cats: Vec<&str> = categories.iter().map(String::as_str).collect();
            let urgs: Option<Vec<&str>> = urgencies
                .as_ref()
                .map(|u| u.iter().map(String::as_str).collect());
            model.deadlines(&cats, urgs.as_deref(), s, &mut out)
        })
        .or_raise()?;
        Ok(out.into_pyarray(py))
    }

    /// The handling limit of a category at an urgency, as text (`"4 working_hours"`).
    fn limit(&self, category: &str, urgency: &str) -> PyResult<String> {
        Ok(self
            .inner
            .catalog()
            .limit(category, urgency)
            .or_raise()?
            .to_string())
    }

    /// Urgency ids of the catalog, in declared order.
    fn urgencies(&self) -> Vec<String> {
        self.inner.catalog().urgencies().to_vec()
    }

    /// The urgency of a case that states none.
    fn default_urgency(&self) -> &str {
        self.inner.catalog().default_urgency()
    }

    /// Leaf categories, as the core's JSON list.
    fn categories_json(&self) -> PyResult<String> {
        serde_json::to_string(self.inner.catalog().categories())
            .map_err(|e| invalid("categories", e, "cannot be serialised"))
    }

    /// One leaf category, as the core's JSON.
    fn category_json(&self, key: &str) -> PyResult<String> {
        let c = self.inner.catalog().get(key).or_raise()?;
        serde_json::to_string(c).map_err(|e| invalid("category", e, "cannot be serialised"))
    }

    /// Major classes as `(key, name)`.
    fn majors(&self) -> Vec<(String, String)> {
        self.inner
            .catalog()
            .majors()
            .iter()
            .map(|m| (m.key.as_str().to_owned(), m.name.clone()))
            .collect()
    }

    /// Level names from the top of the area tree.
    fn levels(&self) -> Vec<String> {
        self.inner.territory().levels().to_vec()
    }

    /// Areas (all, or those of one level), in tree preorder.
    #[pyo3(signature = (level=None))]
    fn areas(&self, level: Option<&str>) -> PyResult<Vec<AreaRow>> {
        let t = self.inner.territory();
        let level = level.map(|l| t.level_index(l)).transpose().or_raise()?;
        Ok((0..t.len())
            .map(|i| AreaId(i as u32))
            .filter(|id| level.is_none_or(|l| t.area(*id).level == l))
            .map(|id| self.row(id))
            .collect())
    }

    /// One area by code.
    fn area(&self, code: &str) -> PyResult<AreaRow> {
        let t = self.inner.territory();
        let id = t.find(code).or_raise()?;
        Ok(self.row(id))
    }

    /// Codes of the unit grids.
    fn grids(&self) -> Vec<String> {
        self.codes(self.inner.territory().grids())
    }

    /// Codes of an area and its ancestors, nearest first.
    fn ancestors(&self, code: &str) -> PyResult<Vec<String>> {
        let t = self.inner.territory();
        let id = t.find(code).or_raise()?;
        Ok(t.ancestors(id)
            .map(|a| t.area(a).code.to_string())
            .collect())
    }

    /// Units, in file order.
    fn units(&self) -> Vec<UnitRow> {
        let org = self.inner.org();
        org.units()
            .iter()
            .map(|u| {
                (
                    u.id.clone(),
                    u.name.clone(),
                    u.kind.to_string(),
                    u.parent.map(|p| org.unit(p).id.clone()),
                    self.codes(&u.jurisdiction),
                )
            })
            .collect()
    }

    /// Workers (all, or those holding `role`), in file order.
    #[pyo3(signature = (role=None))]
    fn workers(&self, role: Option<&str>) -> PyResult<Vec<WorkerRow>> {
        let role: Option<Role> = role.map(str::parse).transpose().or_raise()?;
        let org = self.inner.org();
        Ok(org
            .workers_with(role)
            .map(|w| {
                (
                    w.id.clone(),
                    w.name.clone(),
                    w.role.to_string(),
                    org.unit(w.unit).id.clone(),
                    self.codes(&w.grids),
                )
            })
            .collect())
    }

    /// A unit and the units it escalates to, nearest first.
    fn escalation_chain(&self, unit: &str) -> PyResult<Vec<String>> {
        let org = self.inner.org();
        let id = org.find_unit(unit).or_raise()?;
        Ok(org
            .escalation_chain(id)
            .map(|u| org.unit(u).id.clone())
            .collect())
    }

    fn __repr__(&self) -> String {
        format!("<_gridgov.Model {:?}>", self.inner.name())
    }

    /// Pickles as `Model.from_text(to_json(), "json", grid_map)`.
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let ctor = py.get_type::<Self>().getattr("from_text")?;
        let model = &slf.get().inner;
        let map = model.grid_map().cloned().map(PyGridMap::new);
        let args = (model.to_json(), "json", map).into_pyobject(py)?;
        Ok((ctor, args))
    }
}
