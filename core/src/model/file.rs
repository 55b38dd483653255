//! The model file as written: [`ModelFile`] (the serde types of every section), reading a TOML
//! or JSON document ([`parse_document`], [`Format`]) and checking its shape section by section
//! so that every problem is reported with its path. What the sections mean is checked when the
//! [`Model`](super::Model) is built (`model/mod.rs`).

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::calendar::CalendarSpec;
use crate::catalog::CatalogSpec;
use crate::divisions::DivisionCodesSection;
use crate::duty::{DutyRuleConfig, Fallback};
use crate::error::{Error, Issues, Result};
use crate::escalation::EscalationRuleConfig;
use crate::org::{UnitConfig, WorkerConfig};
use crate::policy::EngineSection;
use crate::score::ScoringSection;
use crate::territory::{AreaConfig, CodeFormat};

/// The model file, as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "gridgov city model")]
pub struct ModelFile {
    /// Name of the city or district the model describes.
    pub name: String,
    /// Version of the model (boundaries and rules change; history keeps the version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// First day the model is valid (YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    /// Last day the model is valid (YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<String>,
    /// Level names from the top of the area tree to the unit grids
    /// (default city, district, street, community, grid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<Vec<String>>,
    /// How area codes are written (default `national`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_format: Option<CodeFormat>,
    /// The problem category catalog: `"default"` or a table (default `"default"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog: Option<CatalogSpec>,
    /// The working calendar: `"china"` or a table (default `"china"`). It is the model's
    /// default calendar, named `"default"`: every unit and stage not given another runs on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<CalendarSpec>,
    /// More calendars, by name (each `"china"` or a table, like `calendar`), for the units and
    /// the centre's stages that work other days or hours: e.g. `[calendars.seven_day]` with
    /// `workweek` every day for sanitation, `[calendars.duty_roster]` for the centre's duty
    /// shifts. Units name theirs with `calendar`, stages in `[engine.stage_calendars]`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub calendars: BTreeMap<String, CalendarSpec>,
    /// What decides when no duty rule covers a cell (default `none`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duty_fallback: Option<Fallback>,
    /// How the first six digits of national area codes are checked against the GB/T 2260
    /// list of division codes (default: `warn`, the built-in list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division_codes: Option<DivisionCodesSection>,
    /// The area tree.
    #[serde(default)]
    pub areas: Vec<AreaConfig>,
    /// Units (centres, departments, street offices…).
    #[serde(default)]
    pub units: Vec<UnitConfig>,
    /// Workers, one role each.
    #[serde(default)]
    pub workers: Vec<WorkerConfig>,
    /// The responsibility matrix (权责清单).
    #[serde(default)]
    pub duty: Vec<DutyRuleConfig>,
    /// Case-engine settings: light thresholds, permission overrides, the sources verified on
    /// site, what rework does to the handling clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<EngineSection>,
    /// Escalation rules, applied by the engine's sweeps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub escalation: Vec<EscalationRuleConfig>,
    /// Performance-evaluation settings: limits, weights, step tables, grades, ranking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scoring: Option<ScoringSection>,
}

impl ModelFile {
    /// The JSON Schema of the model file, as pretty-printed JSON.
    pub fn json_schema() -> String {
        let schema = schemars::schema_for!(ModelFile);
        serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
    }
}

/// Format of a model text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML.
    Toml,
    /// JSON.
    Json,
}

impl Format {
    /// Guesses the format: JSON when the first non-blank character is `{`.
    pub fn detect(text: &str) -> Format {
        if crate::limits::strip_bom(text).trim_start().starts_with('{') {
            Format::Json
        } else {
            Format::Toml
        }
    }
}

/// Parses TOML or JSON text into a JSON value (TOML dates become strings).
///
/// # Errors
/// [`Error::Parse`] with the parser's message (line and column).
pub fn parse_document(text: &str, format: Format) -> Result<Value> {
    let text = crate::limits::strip_bom(text);
    match format {
        Format::Json => serde_json::from_str(text).map_err(|e| Error::Parse {
            format: "JSON",
            message: e.to_string(),
        }),
        Format::Toml => {
            let v: toml::Table = toml::from_str(text).map_err(|e| Error::Parse {
                format: "TOML",
                message: e.to_string().trim_end().to_owned(),
            })?;
            Ok(toml_to_json(toml::Value::Table(v)))
        }
    }
}

fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// Deserialises `value` as `T`, recording a problem at `path` (plus the inner path) on failure.
pub(crate) fn field<T: DeserializeOwned>(
    value: Value,
    path: &str,
    issues: &mut Issues,
) -> Option<T> {
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(t) => Some(t),
        Err(e) => {
            let inner = e.path().to_string();
            let full = if inner == "." {
                path.to_owned()
            } else if inner.starts_with('[') {
                format!("{path}{inner}")
            } else {
                format!("{path}.{inner}")
            };
            issues.push(full, e.into_inner().to_string());
            None
        }
    }
}

fn list<T: DeserializeOwned>(value: Option<Value>, key: &str, issues: &mut Issues) -> Vec<T> {
    match value {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .filter_map(|(i, v)| field(v, &format!("{key}[{i}]"), issues))
            .collect(),
        Some(other) => {
            issues.push(key, format!("expected a list, found {}", kind_of(&other)));
            Vec::new()
        }
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a table",
    }
}

/// Top-level keys of a model file.
const KNOWN: [&str; 18] = [
    "name",
    "version",
    "valid_from",
    "valid_to",
    "levels",
    "code_format",
    "catalog",
    "calendar",
    "calendars",
    "duty_fallback",
    "division_codes",
    "areas",
    "units",
    "workers",
    "duty",
    "engine",
    "escalation",
    "scoring",
];

impl ModelFile {
    /// Reads the shape of a parsed document, checking every section and list element
    /// independently so that every shape problem is reported.
    ///
    /// # Errors
    /// [`Error::Model`] listing every problem with its path.
    pub fn from_value(value: Value) -> Result<ModelFile> {
        let mut issues = Issues::default();
        // No control character in any id, name or text, wherever it is (paths as below).
        crate::limits::control_chars_in(&value, "", &mut issues);
        let Value::Object(mut map) = value else {
            issues.push(
                "",
                format!("a model must be a table, found {}", kind_of(&value)),
            );
            return Err(Error::Model(issues));
        };

        let mut unknown: Vec<&String> = map
            .keys()
            .filter(|k| !KNOWN.contains(&k.as_str()))
            .collect();
        unknown.sort();
        for k in unknown {
            issues.push(
                k.clone(),
                format!("unknown field {k:?}; expected one of {KNOWN:?}"),
            );
        }
        let name = match map.remove("name") {
            None => {
                issues.push("name", "missing field \"name\"");
                None
            }
            Some(v) => field::<String>(v, "name", &mut issues),
        };
        let mut opt = |key: &str| map.remove(key);
        let version = opt("version");
        let valid_from = opt("valid_from");
        let valid_to = opt("valid_to");
        let levels = opt("levels");
        let code_format = opt("code_format");
        let catalog = opt("catalog");
        let calendar = opt("calendar");
        let calendars = opt("calendars");
        let duty_fallback = opt("duty_fallback");
        let division_codes = opt("division_codes");
        let areas = opt("areas");
        let units = opt("units");
        let workers = opt("workers");
        let duty = opt("duty");
        let engine = opt("engine");
        let escalation = opt("escalation");
        let scoring = opt("scoring");
        let file = ModelFile {
            name: name.unwrap_or_default(),
            version: version.and_then(|v| field(v, "version", &mut issues)),
            valid_from: valid_from.and_then(|v| field(v, "valid_from", &mut issues)),
            valid_to: valid_to.and_then(|v| field(v, "valid_to", &mut issues)),
            levels: levels.and_then(|v| field(v, "levels", &mut issues)),
            code_format: code_format.and_then(|v| field(v, "code_format", &mut issues)),
            catalog: catalog.and_then(|v| field(v, "catalog", &mut issues)),
            calendar: calendar.and_then(|v| field(v, "calendar", &mut issues)),
            calendars: calendars
                .and_then(|v| field(v, "calendars", &mut issues))
                .unwrap_or_default(),
            duty_fallback: duty_fallback.and_then(|v| field(v, "duty_fallback", &mut issues)),
            division_codes: division_codes.and_then(|v| field(v, "division_codes", &mut issues)),
            areas: list(areas, "areas", &mut issues),
            units: list(units, "units", &mut issues),
            workers: list(workers, "workers", &mut issues),
            duty: list(duty, "duty", &mut issues),
            engine: engine.and_then(|v| field(v, "engine", &mut issues)),
            escalation: list(escalation, "escalation", &mut issues),
            scoring: scoring.and_then(|v| field(v, "scoring", &mut issues)),
        };
        issues.into_result(file)
    }
}
