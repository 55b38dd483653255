//! City models: load, inspect, check, route.

use std::ffi::c_char;
use std::sync::Arc;

use gridgov::Model;
use gridgov::catalog::Stage;
use gridgov::divisions::DivisionCodes;
use gridgov::model::Format;
use gridgov::org::{Role, UnitId};

use crate::error::{Failure, gridgov_status};
use crate::handle::{Handle, in_str, in_text, need, out_as_json, out_string, write_out};
use crate::panic::guard;

/// An opaque, immutable city model. Create with `gridgov_model_sample`,
/// `gridgov_model_from_path` or `gridgov_model_from_text`; release with `gridgov_model_free`.
/// A model may be shared between threads. Engines, records and scorecards made from it share
/// it (reference-counted, never copied), so freeing the model handle before them is fine.
#[allow(non_camel_case_types, reason = "C naming")]
pub struct gridgov_model {
    _private: [u8; 0],
}

impl Handle for gridgov_model {
    /// Shared, not copied, by every handle made from the model (as rustls-ffi shares its
    /// read-only configs): cards of one model handle compare by pointer.
    type Inner = Arc<Model>;
    const NAME: &'static str = "model";
}

/// The format of a text argument.
#[allow(non_camel_case_types, reason = "C naming")]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum gridgov_format {
    /// JSON when the first non-blank character is `{`, else TOML.
    Auto = 0,
    /// TOML.
    Toml = 1,
    /// JSON.
    Json = 2,
}

pub(crate) fn format_of(format: u32) -> Result<Option<Format>, Failure> {
    match format {
        0 => Ok(None),
        1 => Ok(Some(Format::Toml)),
        2 => Ok(Some(Format::Json)),
        other => Err(Failure::boundary(
            gridgov_status::InvalidEnum,
            format!("format {other} is not a gridgov_format (0 auto, 1 TOML, 2 JSON)"),
        )),
    }
}

/// Creates the built-in sample city 清河市 (fictional, 408 unit grids).
///
/// # Safety
/// `out` must be a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_model_sample(out: *mut *mut gridgov_model) -> gridgov_status {
    guard(|| gridgov_model::emit(Arc::new(Model::sample()), out))
}

/// Loads a model from a `.toml` or `.json` file.
///
/// On `GRIDGOV_STATUS_MODEL`, `gridgov_last_error_issues` lists every problem with its path.
///
/// # Safety
/// `path` must be NULL or a NUL-terminated string; `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_model_from_path(
    path: *const c_char,
    out: *mut *mut gridgov_model,
) -> gridgov_status {
    guard(|| {
        let path = in_str(path, "path")?;
        need(out, "out")?;
        gridgov_model::emit(Arc::new(Model::load(path)?), out)
    })
}

/// Loads a model from TOML or JSON text of `len` bytes (`format`: a `gridgov_format`).
///
/// # Safety
/// `text` must point to `len` readable bytes; `out` must be a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_model_from_text(
    text: *const c_char,
    len: usize,
    format: u32,
    out: *mut *mut gridgov_model,
) -> gridgov_status {
    guard(|| {
        let text = in_text(text, len, "text")?;
        let format = format_of(format)?;
        need(out, "out")?;
        let model = match format {
            None => Model::from_str_auto(text)?,
            Some(f) => Model::from_str_as(text, f)?,
        };
        gridgov_model::emit(Arc::new(model), out)
    })
}

/// Releases a model. NULL is accepted and ignored.
///
/// # Safety
/// `model` must be NULL or a handle from this library not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_model_free(model: *mut gridgov_model) {
    let _ = guard(|| {
        gridgov_model::free(model);
        Ok(())
    });
}

/// Runs `f` on a borrowed model and returns its text through `out`/`out_len`.
fn model_string(
    model: *const gridgov_model,
    out: *mut *mut c_char,
    out_len: *mut usize,
    f: impl FnOnce(&Model) -> String,
) -> gridgov_status {
    guard(|| {
        let m = gridgov_model::borrow(model)?;
        need(out, "out")?;
        out_string(f(m), out, out_len)
    })
}

/// Runs `f` on a borrowed model and returns its result as JSON through `out`/`out_len`.
fn model_json<'a, T: serde::Serialize>(
    model: *const gridgov_model,
    out: *mut *mut c_char,
    out_len: *mut usize,
    f: impl FnOnce(&'a Model) -> T,
) -> gridgov_status {
    guard(|| {
        let m: &'a Model = gridgov_model::borrow(model)?;
        need(out, "out")?;
        out_as_json(&f(m), out, out_len)
    })
}

/// The sizes of the model as JSON (`name`, `areas_per_level`, `grids`, `units`,
/// `workers_per_role`, `categories`, `duty_rules`, `calendar_years`...).
///
/// # Safety
/// `model` must be a valid handle, `out` a valid pointer, `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_model_summary_json(
    model: *const gridgov_model,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    model_json(model, out, out_len, Model::summary)
}

#[derive(serde::Serialize)]
struct CalendarOut<'a> {
    name: &'a str,
    calendar: &'a str,
    years: (i32, i32),
    units: Vec<&'a str>,
    stages: Vec<&'static str>,
}

/// The model's calendars as a JSON array, `"default"` (the model's `calendar`) first, then its
/// `[calendars]` by name: `[{"name": "seven_day", "calendar": "seven_day", "years": [2019,
/// 2026], "units": ["SANIT", ...], "stages": []}, ...]` — `calendar` is the calendar's own name,
/// `units` the units whose handling runs on it, `stages` the stages timed on it when no unit
/// acts (`"handle"` on `"default"`). Open one with `gridgov_model_calendar_named`.
///
/// # Safety
/// `model` must be a valid handle, `out` a valid pointer, `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_model_calendars_json(
    model: *const gridgov_model,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    model_json(model, out, out_len, |m| {
        let org = m.org();
        m.calendars()
            .map(|(name, cal)| CalendarOut {
                name,
                calendar: cal.name(),
                years: cal.years(),
                units: (0..org.units().len())
                    .map(|i| UnitId(i as u32))
                    .filter(|&u| m.calendar_name_for(Stage::Handle, Some(u)) == name)
                    .map(|u| org.unit(u).id.as_str())
                    .collect(),
                stages: Stage::ALL
                    .into_iter()
                    .filter(|&s| m.calendar_name_for(s, None) == name)
                    .map(Stage::as_str)
                    .collect(),
            })
            .collect::<Vec<_>>()
    })
}

/// The labels case records may use for the schema's ids, as JSON in the shape of the model's
/// `[scoring.labels]`: `{"state": {"已结案": "closed", ...}, "source": {...}, "urgency": {...},
/// "boolean": {"是": true, ...}}` — the built-in Chinese labels plus the model's own.
///
/// # Safety
/// `model` must be a valid handle, `out` a valid pointer, `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_model_record_labels_json(
    model: *const gridgov_model,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    model_json(model, out, out_len, |m| m.record_labels().to_section())
}

/// The model as JSON, in the same shape as the model file.
///
/// # Safety
/// `model` must be a valid handle, `out` a valid pointer, `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_model_to_json(
    model: *const gridgov_model,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    model_string(model, out, out_len, Model::to_json)
}

/// Runs the static check of the responsibility matrix over every (leaf category × unit grid)
/// and returns the report as JSON: `cells`, `gap_cells`, `conflict_cells`, `fallback_cells`,
/// `gaps` (`category`, `areas`, `grids`) and `conflicts` (`category`, `rules`, `units`,
/// `areas`, `grids`); and the staffing gaps, `staffing`: `units_without_handler` (units a
/// duty rule or the territorial fallback assigns cases to with no worker of role `handler`:
/// `unit`, `name`, `rules` — indices into the model's `duty` list — and `fallback_grids`) and
/// `grids_without_supervisor` (unit grids no supervisor patrols: `code`, `name`); and
/// `unknown_divisions`, the division codes the built-in GB/T 2260 list lacks (as
/// `gridgov_model_unknown_divisions_json` gives them; empty when the model's
/// `division_codes.check` is `off`).
///
/// # Safety
/// `model` must be a valid handle, `out` a valid pointer, `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_model_check_json(
    model: *const gridgov_model,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    model_string(model, out, out_len, |m| m.check().to_json())
}

/// The division codes of the model's national area codes (their first six digits) that a list
/// of GB/T 2260 codes lacks, as a JSON array of `{code, level, area, index, areas, message}`
/// (`level`: `county`, `prefecture` or `province`; `area`/`index`: the first area using it and
/// its index in the model file's `areas`; `areas`: how many areas use it; `message`, e.g.
/// `unknown county-level code 510199 (not in the division list of 2022-10-31; …)`). Codes the
/// model declares in `division_codes.extra` are known.
///
/// `list`/`list_len` is the list as text (one `code,name` per line, `#` comments, a
/// `# as_of: YYYY-MM-DD` comment dating it; UTF-8); `list` NULL (with `list_len` 0) uses the
/// list shipped with gridgov (National Bureau of Statistics, cut-off 2022-10-31).
/// `gridgov_model_check_json` reports the same under `unknown_divisions` with the built-in list.
///
/// # Errors
/// `GRIDGOV_INVALID_CODE` naming the line of a list entry that is not six digits or is
/// given twice; `GRIDGOV_INVALID_UTF8`.
///
/// # Safety
/// `model` must be a valid handle; `list` NULL or `list_len` readable bytes; `out` a valid
/// pointer, `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_model_unknown_divisions_json(
    model: *const gridgov_model,
    list: *const c_char,
    list_len: usize,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    guard(|| {
        let m = gridgov_model::borrow(model)?;
        need(out, "out")?;
        let found = if list.is_null() && list_len == 0 {
            m.unknown_divisions(DivisionCodes::builtin())
        } else {
            let text = in_text(list, list_len, "list")?;
            m.unknown_divisions(&DivisionCodes::parse(text)?)
        };
        out_as_json(&found, out, out_len)
    })
}

/// Routes a case of `category` (e.g. `"C0101"`) in unit grid `grid` to its responsible unit,
/// returning the unit id through `out_unit`.
///
/// # Safety
/// `model` must be a valid handle; `category` and `grid` NUL-terminated strings; `out_unit` a
/// valid pointer; `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_model_route(
    model: *const gridgov_model,
    category: *const c_char,
    grid: *const c_char,
    out_unit: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    guard(|| {
        let m = gridgov_model::borrow(model)?;
        let category = in_str(category, "category")?;
        let grid = in_str(grid, "grid")?;
        need(out_unit, "out_unit")?;
        let unit = m.route(category, grid)?;
        out_string(unit.id.clone(), out_unit, out_len)
    })
}

/// The handling deadline of a case of `category` with `urgency` (e.g. `"normal"`, `"urgent"`)
/// reported at `start_ms`, on the model's calendar.
///
/// # Safety
/// `model` must be a valid handle; `category` and `urgency` NUL-terminated strings;
/// `out_ms` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_model_deadline(
    model: *const gridgov_model,
    category: *const c_char,
    urgency: *const c_char,
    start_ms: i64,
    out_ms: *mut i64,
) -> gridgov_status {
    guard(|| {
        let m = gridgov_model::borrow(model)?;
        let category = in_str(category, "category")?;
        let urgency = in_str(urgency, "urgency")?;
        need(out_ms, "out_ms")?;
        write_out(out_ms, m.deadline(category, urgency, start_ms)?)
    })
}

/// Bulk `gridgov_model_deadline`: `out_ms[i]` is the deadline of a case of the `i`-th category
/// with the `i`-th urgency, reported at `starts_ms[i]`. `categories_json` is a JSON array of
/// `n` category keys (`["C0101", "E0102", …]`); `urgencies_json` a JSON array of `n` urgencies,
/// or NULL for the catalog's default urgency. Each distinct (category, urgency) is looked up
/// once. Nothing is written on failure.
///
/// Errors: `GRIDGOV_STATUS_INVALID_VALUE` naming the first bad element (`categories[3]`,
/// `urgencies[5]`, `starts[7]`) or the lengths; `GRIDGOV_STATUS_CALENDAR_RANGE`.
///
/// # Safety
/// `model` a valid handle; `categories_json` (and `urgencies_json` unless NULL)
/// NUL-terminated; `starts_ms` and `out_ms` valid for `n` elements (NULL when `n` is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_model_deadlines(
    model: *const gridgov_model,
    categories_json: *const c_char,
    urgencies_json: *const c_char,
    starts_ms: *const i64,
    n: usize,
    out_ms: *mut i64,
) -> gridgov_status {
    guard(|| {
        let m = gridgov_model::borrow(model)?;
        let list = |text: &str, what: &str| -> Result<Vec<String>, Failure> {
            serde_json::from_str::<Vec<String>>(text).map_err(|e| {
                Failure::from(gridgov::Error::invalid(
                    what,
                    text.chars().take(80).collect::<String>(),
                    format!("is not a JSON array of strings ({e})"),
                ))
            })
        };
        let categories = list(
            in_str(categories_json, "categories_json")?,
            "categories_json",
        )?;
        let urgencies = if urgencies_json.is_null() {
            None
        } else {
            Some(list(
                in_str(urgencies_json, "urgencies_json")?,
                "urgencies_json",
            )?)
        };
        let starts = crate::handle::in_slice(starts_ms, n, "starts_ms")?;
        if n > 0 {
            need(out_ms, "out_ms")?;
        }
        let cats: Vec<&str> = categories.iter().map(String::as_str).collect();
        let urgs: Option<Vec<&str>> = urgencies
            .as_ref()
            .map(|u| u.iter().map(String::as_str).collect());
        let mut out = vec![0_i64; n];
        m.deadlines(&cats, urgs.as_deref(), starts, &mut out)?;
        crate::handle::out_slice(&out, out_ms, "out_ms")
    })
}

/// The codes of the model's unit grids as a JSON array, in the territory's order: the order of
/// the per-grid arrays of `gridgov_division_report` (`load`) and `gridgov_records_grid_load`
/// (`out`), which hold one element per code (as many as the summary's `grids`).
///
/// # Safety
/// `model` must be a valid handle, `out` a valid pointer, `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_model_grids_json(
    model: *const gridgov_model,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    model_json(model, out, out_len, |m| {
        let t = m.territory();
        t.grids()
            .iter()
            .map(|g| t.area(*g).code.as_str())
            .collect::<Vec<&str>>()
    })
}

#[derive(serde::Serialize)]
struct WorkerOut<'a> {
    id: &'a str,
    name: &'a str,
    role: String,
    unit: &'a str,
    grids: Vec<&'a str>,
}

/// The workers as a JSON array of `{id, name, role, unit, grids}`; `role` filters by role
/// (`"supervisor"`, `"acceptor"`, `"shift_leader"`, `"dispatcher"`, `"handler"`, `"manager"`,
/// `"auditor"`) or is NULL for all.
///
/// # Safety
/// `model` must be a valid handle; `role` NULL or a NUL-terminated string; `out` a valid
/// pointer; `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_model_workers_json(
    model: *const gridgov_model,
    role: *const c_char,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    guard(|| {
        let m = gridgov_model::borrow(model)?;
        let role: Option<Role> = if role.is_null() {
            None
        } else {
            Some(in_str(role, "role")?.parse()?)
        };
        need(out, "out")?;
        let (t, org) = (m.territory(), m.org());
        let list: Vec<WorkerOut<'_>> = org
            .workers_with(role)
            .map(|w| WorkerOut {
                id: &w.id,
                name: &w.name,
                role: w.role.to_string(),
                unit: &org.unit(w.unit).id,
                grids: w.grids.iter().map(|g| t.area(*g).code.as_str()).collect(),
            })
            .collect();
        out_as_json(&list, out, out_len)
    })
}

#[derive(serde::Serialize)]
struct UnitOut<'a> {
    id: &'a str,
    name: &'a str,
    kind: String,
    parent: Option<&'a str>,
    jurisdiction: Vec<&'a str>,
}

/// The units as a JSON array of `{id, name, kind, parent, jurisdiction}`.
///
/// # Safety
/// `model` must be a valid handle, `out` a valid pointer, `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_model_units_json(
    model: *const gridgov_model,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    model_json(model, out, out_len, |m| {
        let (t, org) = (m.territory(), m.org());
        org.units()
            .iter()
            .map(|u| UnitOut {
                id: &u.id,
                name: &u.name,
                kind: u.kind.to_string(),
                parent: u.parent.map(|p| org.unit(p).id.as_str()),
                jurisdiction: u
                    .jurisdiction
                    .iter()
                    .map(|a| t.area(*a).code.as_str())
                    .collect(),
            })
            .collect::<Vec<UnitOut<'_>>>()
    })
}

#[derive(serde::Serialize)]
struct CategoryOut<'a> {
    key: &'a str,
    name: &'a str,
    kind: String,
    limits: std::collections::BTreeMap<&'a str, String>,
    stages: std::collections::BTreeMap<String, String>,
    filing: &'a str,
    closing: &'a str,
    source: Option<&'a str>,
}

/// The leaf categories of the catalog as a JSON array of `{key, name, kind, limits, stages,
/// filing, closing, source}`; limits are strings such as `"4 working_hours"`.
///
/// # Safety
/// `model` must be a valid handle, `out` a valid pointer, `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_model_categories_json(
    model: *const gridgov_model,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    model_json(model, out, out_len, |m| {
        m.catalog()
            .categories()
            .iter()
            .map(|c| CategoryOut {
                key: c.key.as_str(),
                name: &c.name,
                kind: c.family.to_string(),
                limits: c
                    .limits
                    .iter()
                    .map(|(u, l)| (u.as_str(), l.to_string()))
                    .collect(),
                stages: c
                    .stages
                    .iter()
                    .map(|(s, l)| (s.to_string(), l.to_string()))
                    .collect(),
                filing: &c.filing,
                closing: &c.closing,
                source: c.source.as_deref(),
            })
            .collect::<Vec<CategoryOut<'_>>>()
    })
}
