//! The city model file: one TOML or JSON document describing a city.
//!
//! ```toml
//! name = "Example city"
//! levels = ["city", "district", "street", "community", "grid"]   # optional, this is the default
//! code_format = "national"                                        # or "free"
//! catalog = "default"                                             # or a [catalog] table
//! calendar = "china"                                              # or a [calendar] table
//!                                                                 # (the default calendar)
//! duty_fallback = "street_office"                                 # 属地兜底; or "none"
//!
//! [[areas]]   # code, name, level, parent, population, households, area_m2, neighbours
//! [[units]]   # id, name, kind, parent, jurisdiction
//! [[workers]] # id, name, role, unit, grids
//! [[duty]]    # category, area, unit
//!
//! [calendars.duty_roster]   # more calendars, by name, each like `calendar`
//! [engine.stage_calendars]  # accept = "duty_roster", …: the centre's stages' calendars
//! ```
//!
//! **Calendars per unit and per stage.** Every deadline is counted on the calendar of whoever
//! must act ([`Model::calendar_for`], the one place that decides): handling on the responsible
//! unit's (`calendar = "seven_day"` in its `[[units]]` entry), the centre's stages on theirs
//! (`[engine.stage_calendars]`), anything not named on the model's `calendar`. Domain facts
//! §11: the centre works in duty shifts including weekends, and some units (环卫 sanitation,
//! emergency repair) work 7 days.
//!
//! Loading checks the document in two passes and reports **every** problem with the path of
//! the bad field (`areas[12].code: "11010" is not a 14- or 15-digit grid code`): first the
//! shape (types, unknown fields) of every section and list element independently, then, if the
//! shape is right, the meaning (codes, references, cycles, overlaps, duplicates). The JSON
//! Schema of the file, generated from these types, is [`ModelFile::json_schema`] and is
//! checked in as `schema/model.schema.json`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::calendar::{Calendar, CalendarSpec, Millis};
use crate::catalog::{Catalog, CategoryKey, Stage};
use crate::divisions::{DivisionCheck, DivisionCodes, UnknownDivision, unknown_divisions};
use crate::duty::{CheckReport, DutyMatrix, Route};
use crate::error::{Error, Issues, Result};
use crate::escalation::EscalationRule;
use crate::org::{Organisation, Role, Unit, UnitConfig, UnitId};
use crate::policy::{EngineConfig, EngineSection};
use crate::score::ScoringConfig;
use crate::score::labels::RecordLabels;
use crate::spatial::{GridMap, GridMapOptions};
use crate::territory::{DEFAULT_LEVELS, Territory};

mod file;

pub use file::{Format, ModelFile, parse_document};

/// A loaded, validated city model.
#[derive(Debug, Clone)]
pub struct Model {
    file: ModelFile,
    territory: Territory,
    org: Organisation,
    catalog: Catalog,
    /// The calendars by name: `calendars[0]` is `"default"`, the model's `calendar`; then the
    /// `[calendars]` in name order.
    calendars: Vec<(String, Calendar)>,
    /// Per unit (by [`UnitId`]): the index in `calendars` of its calendar.
    unit_calendars: Vec<usize>,
    /// Per stage (in [`Stage::ALL`] order): the index in `calendars` of the centre's calendar
    /// of that stage (`[engine.stage_calendars]`).
    stage_calendars: [usize; Stage::ALL.len()],
    duty: DutyMatrix,
    grid_map: Option<std::sync::Arc<GridMap>>,
    engine: EngineConfig,
    scoring: ScoringConfig,
    labels: RecordLabels,
}

/// Sizes of a model, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Model name.
    pub name: String,
    /// Model version.
    pub version: Option<String>,
    /// (level name, number of areas) from the top.
    pub areas_per_level: Vec<(String, usize)>,
    /// Number of unit grids.
    pub grids: usize,
    /// Households over all unit grids.
    pub households: u64,
    /// Residents over all unit grids.
    pub population: u64,
    /// Number of units.
    pub units: usize,
    /// (role, number of workers) for every role.
    pub workers_per_role: Vec<(String, usize)>,
    /// Number of leaf categories.
    pub categories: usize,
    /// Number of duty rules.
    pub duty_rules: usize,
    /// Calendar name.
    pub calendar: String,
    /// Covered years of the calendar.
    pub calendar_years: (i32, i32),
}

/// The name of the model's `calendar` among its calendars.
pub const DEFAULT_CALENDAR: &str = "default";

/// Builds the `[calendars]`, recording every problem with its path (`calendars.seven_day…`);
/// `None` when any was recorded.
fn named_calendars(
    specs: &BTreeMap<String, CalendarSpec>,
    issues: &mut Issues,
) -> Option<Vec<(String, Calendar)>> {
    let before = issues.len();
    let mut out = Vec::with_capacity(specs.len());
    for (name, spec) in specs {
        let path = format!("calendars.{name}");
        if name == DEFAULT_CALENDAR {
            issues.push(
                path,
                "\"default\" is the model's `calendar`; give this calendar another name",
            );
            continue;
        }
        if name.trim().is_empty() || name.chars().any(char::is_whitespace) {
            issues.push(path, format!("{name:?} is not a calendar name (no spaces)"));
            continue;
        }
        if let Some(cal) = Calendar::from_spec_named(spec, Some(name), &path, issues) {
            out.push((name.clone(), cal));
        }
    }
    (issues.len() == before).then_some(out)
}

/// The index in `names` of each unit's calendar (0, the default, when it names none), every
/// unknown name recorded at `units[i].calendar`.
fn unit_calendars(units: &[UnitConfig], names: &[&str], issues: &mut Issues) -> Vec<usize> {
    units
        .iter()
        .enumerate()
        .map(|(i, u)| match &u.calendar {
            None => 0,
            Some(name) => names.iter().position(|n| n == name).unwrap_or_else(|| {
                issues.push(
                    format!("units[{i}].calendar"),
                    format!(
                        "unknown calendar {name:?}; the model's calendars: {}",
                        names.join(", ")
                    ),
                );
                0
            }),
        })
        .collect()
}

fn check_date(v: Option<&String>, path: &str, issues: &mut Issues) -> Option<chrono::NaiveDate> {
    let s = v?;
    match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            issues.push(path, format!("{s:?} is not a date of the form YYYY-MM-DD"));
            None
        }
    }
}

impl Model {
    /// Validates a [`ModelFile`] and builds the model, collecting every problem.
    ///
    /// # Errors
    /// [`Error::Model`] listing every problem with its path.
    pub fn from_file(file: ModelFile) -> Result<Model> {
        let mut issues = Issues::default();
        if file.name.trim().is_empty() {
            issues.push("name", "name is empty");
        }
        let from = check_date(file.valid_from.as_ref(), "valid_from", &mut issues);
        let to = check_date(file.valid_to.as_ref(), "valid_to", &mut issues);
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            issues.push("valid_to", format!("{t} is before valid_from {f}"));
        }
        let levels: Vec<String> = file
            .levels
            .clone()
            .unwrap_or_else(|| DEFAULT_LEVELS.iter().map(|s| (*s).to_owned()).collect());
        let format = file.code_format.unwrap_or_default();
        let catalog = match &file.catalog {
            None => Some(Catalog::default_catalog()),
            Some(spec) => Catalog::from_spec(spec, "catalog", &mut issues),
        };
        let calendar = match &file.calendar {
            None => Some(Calendar::china()),
            Some(spec) => Calendar::from_spec(spec, "calendar", &mut issues),
        };
        let named = named_calendars(&file.calendars, &mut issues);
        let names: Vec<&str> = std::iter::once(DEFAULT_CALENDAR)
            .chain(
                file.calendars
                    .keys()
                    .map(String::as_str)
                    .filter(|n| *n != DEFAULT_CALENDAR),
            )
            .collect();
        let territory = Territory::from_config(&levels, format, &file.areas, &mut issues);
        let divisions = file.division_codes.clone().unwrap_or_default();
        divisions.validate("division_codes", &mut issues);
        if divisions.check == Some(DivisionCheck::Error) && territory.is_some() {
            let list = DivisionCodes::builtin();
            for u in unknown_divisions(&file.areas, format, list, &divisions.extra) {
                issues.push(format!("areas[{}].code", u.index), u.message);
            }
        }
        let org = territory
            .as_ref()
            .map(|t| Organisation::from_config(&file.units, &file.workers, t, &mut issues));
        let duty = match (&territory, &org, &catalog) {
            (Some(t), Some(o), Some(c)) => DutyMatrix::from_config(
                &file.duty,
                file.duty_fallback.unwrap_or_default(),
                t,
                o,
                c,
                &mut issues,
            ),
            _ => None,
        };
        let mut engine = EngineConfig::from_section(
            &file.engine.clone().unwrap_or_default(),
            calendar.as_ref().map_or(480, Calendar::day_length_minutes),
            "engine",
            &mut issues,
        );
        if let (Some(t), Some(o), Some(c)) = (&territory, &org, &catalog) {
            engine.rules =
                EscalationRule::from_configs(&file.escalation, t, o, c.urgencies(), &mut issues);
        }
        let stage_calendars = crate::policy::stage_calendars(
            file.engine.as_ref().unwrap_or(&EngineSection::default()),
            &names,
            "engine",
            &mut issues,
        );
        let unit_calendars = unit_calendars(&file.units, &names, &mut issues);
        let section = file.scoring.clone().unwrap_or_default();
        let scoring = ScoringConfig::from_section(&section, "scoring", &mut issues);
        if let Some(c) = &catalog {
            scoring.check_scope(c, &mut issues);
        }
        let mut labels = RecordLabels::chinese();
        labels.extend(&section.labels, "scoring.labels", &mut issues);
        match (territory, org, catalog, calendar, duty, named) {
            (
                Some(territory),
                Some(org),
                Some(catalog),
                Some(calendar),
                Some(duty),
                Some(named),
            ) if issues.is_empty() => {
                let mut calendars = vec![(DEFAULT_CALENDAR.to_owned(), calendar)];
                calendars.extend(named);
                Ok(Model {
                    file,
                    territory,
                    org,
                    catalog,
                    calendars,
                    unit_calendars,
                    stage_calendars,
                    duty,
                    grid_map: None,
                    engine,
                    scoring,
                    labels,
                })
            }
            _ => Err(Error::Model(issues)),
        }
    }

    /// Loads a model from TOML or JSON text (detected: JSON starts with `{`).
    ///
    /// # Errors
    /// [`Error::Parse`] for malformed text, [`Error::Model`] listing every problem.
    ///
    /// # Examples
    /// ```
    /// let err = gridgov::Model::from_str_auto(r#"
    ///     name = "tiny"
    ///     [[areas]]
    ///     code = "11010"
    ///     name = "x"
    ///     level = "grid"
    /// "#).unwrap_err();
    /// assert!(err.to_string().contains(r#"areas[0].code: "11010" is not a 14- or 15-digit grid code"#));
    /// ```
    pub fn from_str_auto(text: &str) -> Result<Model> {
        Self::from_str_as(text, Format::detect(text))
    }

    /// Loads a model from text in the given format.
    ///
    /// # Errors
    /// [`Error::Parse`] for malformed text, [`Error::Model`] listing every problem.
    pub fn from_str_as(text: &str, format: Format) -> Result<Model> {
        let value = parse_document(text, format)?;
        Self::from_file(ModelFile::from_value(value)?)
    }

    /// Loads a model from a `.toml` or `.json` file (format from the extension, else detected),
    /// UTF-8 with or without a byte-order mark.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read; [`Error::InvalidValue`] naming the file when
    /// it is not UTF-8 (saying so when it reads as GBK/GB18030); then as [`Model::from_str_as`].
    pub fn load(path: impl AsRef<Path>) -> Result<Model> {
        let path = path.as_ref();
        let text = crate::limits::read_text_file(path, "model")?;
        let format = match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => Format::Json,
            Some(e) if e.eq_ignore_ascii_case("toml") => Format::Toml,
            _ => Format::detect(&text),
        };
        Self::from_str_as(&text, format)
    }

    /// The built-in sample city 清河市 (fictional): 2 districts, 6 streets, 24 communities,
    /// 408 unit grids with boundaries ([`Model::grid_map`]), 45 units, 140 workers in all
    /// seven roles, a complete duty matrix, the default catalog and the China calendar.
    ///
    /// # Examples
    /// ```
    /// let m = gridgov::Model::sample();
    /// assert_eq!(m.territory().grids().len(), 408);
    /// assert_eq!(m.grid_map().map(|g| g.len()), Some(408));
    /// ```
    ///
    /// # Panics
    /// Never: the built-in data is valid, which a test proves.
    pub fn sample() -> Model {
        static SAMPLE: std::sync::OnceLock<Model> = std::sync::OnceLock::new();
        SAMPLE
            .get_or_init(|| {
                #[expect(clippy::expect_used, reason = "built-in data, proven valid by a test")]
                Model::from_str_as(include_str!("../../data/sample_city.toml"), Format::Toml)
                    .and_then(|m| {
                        let map = GridMap::from_geojson_str_with(
                            include_str!("../../data/sample_boundaries.geojson"),
                            &GridMapOptions::default(),
                        )?;
                        m.with_grid_map(map)
                    })
                    .expect("the built-in sample city is valid")
            })
            .clone()
    }

    /// Attaches unit-grid boundaries to the model after checking them against its territory:
    /// every code of the map must be a unit grid of the model (unit grids without a boundary
    /// are allowed; [`GridMap::check_against`] lists them). A map without a version takes the
    /// model's.
    ///
    /// # Errors
    /// [`Error::Model`] naming every feature whose code is not a unit grid of the model, and
    /// the version when the map's differs from the model's.
    pub fn with_grid_map(mut self, map: GridMap) -> Result<Model> {
        let checked = map.check_against(&self.territory);
        let mut issues = match checked {
            Ok(_) => Issues::default(),
            Err(Error::Model(issues)) => issues,
            Err(other) => return Err(other),
        };
        let map = match (map.version(), self.file.version.as_deref()) {
            (Some(v), Some(m)) if v != m => {
                issues.push(
                    "version",
                    format!("the boundaries' version {v:?} differs from the model's {m:?}"),
                );
                map
            }
            (None, Some(m)) => {
                let m = m.to_owned();
                map.with_version(Some(m))
            }
            _ => map,
        };
        self.grid_map = Some(std::sync::Arc::new(map));
        issues.into_result(self)
    }

    /// The unit-grid boundaries, if attached ([`Model::with_grid_map`]; the sample city has
    /// them).
    pub fn grid_map(&self) -> Option<&GridMap> {
        self.grid_map.as_deref()
    }

    /// The model file this model was built from.
    pub fn file(&self) -> &ModelFile {
        &self.file
    }

    /// The model as JSON (same shape as the file), e.g. for pickling or sending to a host.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.file).unwrap_or_default()
    }

    /// Model name.
    pub fn name(&self) -> &str {
        &self.file.name
    }

    /// Model version, if given.
    pub fn version(&self) -> Option<&str> {
        self.file.version.as_deref()
    }

    /// The area tree.
    pub fn territory(&self) -> &Territory {
        &self.territory
    }

    /// Units and workers.
    pub fn org(&self) -> &Organisation {
        &self.org
    }

    /// The category catalog.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The model's default working calendar (its `calendar`, named `"default"`): the calendar
    /// of every unit and stage not given another, of periods and of local times in messages.
    pub fn calendar(&self) -> &Calendar {
        &self.calendars[0].1
    }

    /// Every calendar of the model by name, `"default"` (the model's `calendar`) first, then
    /// the `[calendars]` in name order.
    ///
    /// # Examples
    /// ```
    /// let m = gridgov::Model::sample();
    /// let names: Vec<&str> = m.calendars().map(|(name, _)| name).collect();
    /// assert_eq!(names, ["default", "duty_roster", "seven_day"]);
    /// ```
    pub fn calendars(&self) -> impl ExactSizeIterator<Item = (&str, &Calendar)> {
        self.calendars.iter().map(|(n, c)| (n.as_str(), c))
    }

    /// A calendar of the model by name (`"default"` is the model's `calendar`).
    ///
    /// # Errors
    /// [`Error::Unknown`] (what `"calendar"`) naming the bad name.
    pub fn calendar_named(&self, name: &str) -> Result<&Calendar> {
        self.calendars
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c)
            .ok_or_else(|| Error::unknown("calendar", name))
    }

    /// **The calendar a deadline of `stage` is counted on**: the calendar of whoever must act.
    /// Handling ([`Stage::Handle`]) runs on the responsible `unit`'s calendar (its `calendar`
    /// in `[[units]]`); the centre's stages (accept, verify, file, dispatch, check, close) on
    /// the stage's calendar (`[engine.stage_calendars]`); anything not named, and handling
    /// without a unit, on the model's `calendar`. The engine's deadlines, lights, escalation
    /// triggers and 督办 reply deadlines, the deadlines case records compute from the
    /// catalog, the scorecards' working hours and the drill-down all take their calendar from
    /// here.
    ///
    /// # Panics
    /// When `unit` is not a unit of this model.
    ///
    /// # Examples
    /// ```
    /// use gridgov::catalog::Stage;
    /// let m = gridgov::Model::sample();
    /// let sanitation = m.org().find_unit("SANIT-W")?;
    /// assert_eq!(m.calendar_name_for(Stage::Handle, Some(sanitation)), "seven_day");
    /// assert_eq!(m.calendar_name_for(Stage::Accept, None), "duty_roster");
    /// assert_eq!(m.calendar_name_for(Stage::Check, None), "default");
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn calendar_for(&self, stage: Stage, unit: Option<UnitId>) -> &Calendar {
        &self.calendars[self.calendar_index(stage, unit)].1
    }

    /// The name of [`Model::calendar_for`]'s calendar (a key of [`Model::calendars`]).
    ///
    /// # Panics
    /// When `unit` is not a unit of this model.
    pub fn calendar_name_for(&self, stage: Stage, unit: Option<UnitId>) -> &str {
        &self.calendars[self.calendar_index(stage, unit)].0
    }

    fn calendar_index(&self, stage: Stage, unit: Option<UnitId>) -> usize {
        match (stage, unit) {
            (Stage::Handle, Some(u)) => self.unit_calendars[u.index()],
            _ => self.stage_calendars[stage as usize],
        }
    }

    /// The responsibility matrix.
    pub fn duty(&self) -> &DutyMatrix {
        &self.duty
    }

    /// The case-engine configuration of the model: light thresholds, permissions and the
    /// escalation rules ([`crate::engine::Engine::new`] uses it).
    pub fn engine_config(&self) -> &EngineConfig {
        &self.engine
    }

    /// The performance-evaluation configuration (its `[scoring]` section, defaults in
    /// [`crate::score`]).
    pub fn scoring_config(&self) -> &ScoringConfig {
        &self.scoring
    }

    /// The words case records may use for states, sources, urgencies and booleans: the
    /// built-in Chinese labels plus the model's `[scoring.labels]` ([`crate::score::labels`]).
    pub fn record_labels(&self) -> &RecordLabels {
        &self.labels
    }

    /// This model reading case records with more labels (a call's own words, on top of the
    /// built-in ones and the model's `[scoring.labels]`); everything else is unchanged, the
    /// model file included.
    ///
    /// # Errors
    /// [`Error::Model`] naming each label whose target is not an id
    /// (`labels.state."办完"`).
    pub fn with_record_labels(&self, extra: &crate::score::labels::LabelsSection) -> Result<Model> {
        let mut issues = Issues::default();
        let mut labels = self.labels.clone();
        labels.extend(extra, "labels", &mut issues);
        if !issues.is_empty() {
            return Err(Error::Model(issues));
        }
        let mut m = self.clone();
        m.labels = labels;
        Ok(m)
    }

    /// Runs the static check of the responsibility matrix over every (leaf category × grid),
    /// and of its staffing: units that receive cases (a duty rule or the territorial fallback
    /// names them) without a handler, unit grids without a supervisor
    /// ([`CheckReport::staffing`]).
    pub fn check(&self) -> CheckReport {
        let mut report = self.duty.check(&self.territory, &self.org, &self.catalog);
        report.staffing = crate::duty::Staffing::of(&self.duty, &self.territory, &self.org);
        let divisions = self.file.division_codes.clone().unwrap_or_default();
        if divisions.check.unwrap_or_default() != DivisionCheck::Off {
            report.unknown_divisions = self.unknown_divisions(DivisionCodes::builtin());
        }
        report
    }

    /// The division codes of the model's national area codes (their first six digits) that
    /// neither `list` nor the model's `division_codes.extra` holds, each once with the first
    /// area using it. [`Model::check`] runs this with the built-in list
    /// ([`DivisionCodes::builtin`]) unless `division_codes.check` is `off`; a city with a newer
    /// list passes its own ([`DivisionCodes::parse`]). Empty for `code_format = "free"`.
    ///
    /// ```
    /// use gridgov::divisions::DivisionCodes;
    /// let m = gridgov::Model::sample();   // invented codes 3799xx, declared as extra
    /// assert!(m.unknown_divisions(DivisionCodes::builtin()).is_empty());
    /// let bare = DivisionCodes::parse("370000,山东省\n")?;
    /// assert!(m.unknown_divisions(&bare).is_empty());
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn unknown_divisions(&self, list: &DivisionCodes) -> Vec<UnknownDivision> {
        let extra = self
            .file
            .division_codes
            .as_ref()
            .map_or(&[][..], |d| &d.extra[..]);
        unknown_divisions(&self.file.areas, self.territory.code_format(), list, extra)
    }

    /// Routes a case of `category` in unit grid `grid` to its responsible unit.
    ///
    /// # Errors
    /// [`Error::InvalidCode`] / [`Error::Unknown`] for a bad category or grid,
    /// [`Error::NoResponsibleUnit`], [`Error::DutyConflict`].
    ///
    /// # Examples
    /// ```
    /// let m = gridgov::Model::sample();
    /// assert_eq!(m.route("C0101", "37990100100101")?.id, "WATER");
    /// assert_eq!(m.route("E0102", "37990200100101")?.id, "SANIT-W");   // deeper area wins
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn route(&self, category: &str, grid: &str) -> Result<&Unit> {
        self.route_detail(category, grid)
            .map(|r| self.org.unit(r.unit))
    }

    /// Like [`Model::route`], also telling which rule decided.
    ///
    /// # Errors
    /// As [`Model::route`].
    pub fn route_detail(&self, category: &str, grid: &str) -> Result<Route> {
        let key = self.catalog.get(category)?.key.clone();
        let grid = self.territory.find_grid(grid)?;
        self.duty.route(&self.territory, &self.org, &key, grid)
    }

    /// The handling deadline of a case of `category` and `urgency` reported at `start`, on the
    /// model's default calendar (working time, or continuous time for continuous limits); a
    /// unit with its own calendar counts on it ([`Model::calendar_for`]).
    ///
    /// # Errors
    /// Unknown category or urgency, [`Error::CalendarRange`].
    pub fn deadline(&self, category: &str, urgency: &str, start: Millis) -> Result<Millis> {
        let limit = self.catalog.limit(category, urgency)?;
        self.calendar().add_limit(start, limit)
    }

    /// Bulk [`Model::deadline`]: `out[i]` is the deadline of a case of `categories[i]` with
    /// `urgencies[i]` (the catalog's default urgency when `urgencies` is `None`) reported at
    /// `starts[i]`. Each distinct (category, urgency) is looked up once.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] when the lengths differ, or naming the first bad element
    /// (`categories[3]`, `urgencies[5]`, `starts[7]`) with the reason; [`Error::CalendarRange`]
    /// when a deadline falls outside the calendar's years.
    pub fn deadlines(
        &self,
        categories: &[&str],
        urgencies: Option<&[&str]>,
        starts: &[Millis],
        out: &mut [Millis],
    ) -> Result<()> {
        let n = categories.len();
        let lengths_ok =
            starts.len() == n && out.len() == n && urgencies.is_none_or(|u| u.len() == n);
        if !lengths_ok {
            return Err(Error::invalid(
                "deadlines",
                format!(
                    "{n} categories, {} urgencies, {} starts, {} outputs",
                    urgencies.map_or(n, <[&str]>::len),
                    starts.len(),
                    out.len()
                ),
                "the arrays must have the same length",
            ));
        }
        let default = self.catalog.default_urgency();
        let mut limits: std::collections::HashMap<(&str, &str), crate::calendar::TimeLimit> =
            std::collections::HashMap::new();
        for i in 0..n {
            let (category, urgency) = (categories[i], urgencies.map_or(default, |u| u[i]));
            let limit = match limits.get(&(category, urgency)) {
                Some(l) => *l,
                None => {
                    let l = self.catalog.limit(category, urgency).map_err(|e| {
                        let (what, value) = if self.catalog.get(category).is_ok() {
                            ("urgencies", urgency)
                        } else {
                            ("categories", category)
                        };
                        Error::invalid(format!("{what}[{i}]"), value, e.to_string())
                    })?;
                    limits.insert((category, urgency), l);
                    l
                }
            };
            out[i] = self
                .calendar()
                .add_limit(starts[i], limit)
                .map_err(|e| match e {
                    Error::CalendarRange { .. } => e,
                    e => Error::invalid(format!("starts[{i}]"), starts[i], e.to_string()),
                })?;
        }
        Ok(())
    }

    /// Sizes of the model.
    pub fn summary(&self) -> Summary {
        let t = &self.territory;
        let mut per_level = vec![0usize; t.levels().len()];
        for a in t.areas() {
            per_level[usize::from(a.level)] += 1;
        }
        let grids = t.grids();
        Summary {
            name: self.file.name.clone(),
            version: self.file.version.clone(),
            areas_per_level: t.levels().iter().cloned().zip(per_level).collect(),
            grids: grids.len(),
            households: grids.iter().filter_map(|g| t.area(*g).households).sum(),
            population: grids.iter().filter_map(|g| t.area(*g).population).sum(),
            units: self.org.units().len(),
            workers_per_role: Role::ALL
                .iter()
                .map(|r| (r.to_string(), self.org.workers_with(Some(*r)).count()))
                .collect(),
            categories: self.catalog.categories().len(),
            duty_rules: self.duty.rules().len(),
            calendar: self.calendar().name().to_owned(),
            calendar_years: self.calendar().years(),
        }
    }

    /// Parses a category key (convenience for bindings).
    ///
    /// # Errors
    /// [`Error::InvalidCode`] / [`Error::Unknown`].
    pub fn category_key(&self, category: &str) -> Result<CategoryKey> {
        Ok(self.catalog.get(category)?.key.clone())
    }
}
