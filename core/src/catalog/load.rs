//! Reading a catalog: the constructors ([`Catalog::builtin`], [`Catalog::from_spec`],
//! [`Catalog::from_toml_str`], [`Catalog::from_json_str`]), the merge of a table over a base
//! catalog, and its validation (every problem recorded with its path).

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use crate::calendar::TimeLimit;
use crate::error::{Error, Issues, Result};

use super::category::{Category, MajorClass, Stage};
use super::key::CategoryKey;
use super::lookup::Catalog;
use super::spec::{
    CatalogConfig, CatalogSpec, CategoryConfig, DEFAULT_CATALOG, DEFAULT_CATALOG_TOML,
};

impl Catalog {
    /// The built-in default catalog, shared and parsed once.
    ///
    /// # Examples
    /// ```
    /// let catalog = gridgov::catalog::Catalog::builtin();
    /// assert_eq!(catalog.majors().len(), 12);
    /// ```
    ///
    /// # Panics
    /// Never in a released build: the built-in data is checked by a unit test.
    pub fn builtin() -> &'static Catalog {
        static BUILTIN: OnceLock<Catalog> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let spec = CatalogSpec::Custom(builtin_config().clone());
            let mut issues = Issues::default();
            match Self::from_spec(&spec, "", &mut issues) {
                Some(mut catalog) => {
                    catalog.spec = CatalogSpec::default();
                    catalog
                }
                None => {
                    panic!("the built-in catalog data/catalog/default.toml is invalid: {issues}")
                }
            }
        })
    }

    /// The built-in default catalog (a copy of [`Catalog::builtin`]): 12 major classes and the
    /// leaf categories of `data/catalog/default.toml`, urgencies `urgent` (紧急) and `normal`
    /// (一般). Its [`spec`](Self::spec) is `"default"`.
    ///
    /// # Examples
    /// ```
    /// let catalog = gridgov::catalog::Catalog::default_catalog();
    /// assert_eq!(catalog.urgencies(), ["urgent", "normal"]);
    /// assert_eq!(catalog.default_urgency(), "normal");
    /// assert!(catalog.categories().len() >= 40);
    /// ```
    ///
    /// # Panics
    /// Never in a released build: the built-in data is checked by a unit test.
    pub fn default_catalog() -> Catalog {
        Self::builtin().clone()
    }

    /// Validates a catalog section and builds the catalog, recording **every** problem in
    /// `issues` with its path under `path` (e.g. `catalog.categories[7].limits.normal`).
    ///
    /// Returns `None` when at least one problem was found. Checked: malformed keys, a major key
    /// among leaves or a leaf key among majors, duplicate keys, leaves whose major class is not
    /// declared, empty names, urgencies (empty, duplicate, a leaf lacking a limit for one, a
    /// limit for an undeclared one, a default urgency not among them), unknown base or built-in
    /// name, `handle` in a stage map, non-positive limits, stages without any limit, an empty
    /// catalog.
    ///
    /// # Examples
    /// ```
    /// use gridgov::Issues;
    /// use gridgov::catalog::{Catalog, CatalogConfig, CatalogSpec};
    ///
    /// let config: CatalogConfig = toml::from_str(r#"
    ///     base = "default"
    ///     majors = [{ key = "E07", name = "违法建设" }]
    ///     [[categories]]
    ///     key = "E0701"
    ///     name = "违法建设"
    ///     limits = { urgent = "4 working_hours", normal = "15 working_days" }
    /// "#)?;
    /// let spec = CatalogSpec::Custom(config);
    /// let mut issues = Issues::default();
    /// let catalog = Catalog::from_spec(&spec, "catalog", &mut issues).ok_or("invalid")?;
    /// assert!(issues.is_empty());
    /// assert_eq!(catalog.get("E0701")?.name, "违法建设");
    ///
    /// let bad = CatalogSpec::Builtin("beijing".into());
    /// assert!(Catalog::from_spec(&bad, "catalog", &mut issues).is_none());
    /// assert_eq!(issues.0[0].path, "catalog");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_spec(spec: &CatalogSpec, path: &str, issues: &mut Issues) -> Option<Catalog> {
        match spec {
            CatalogSpec::Builtin(name) if name == DEFAULT_CATALOG => {
                let mut catalog = Self::builtin().clone();
                catalog.spec = spec.clone();
                Some(catalog)
            }
            CatalogSpec::Builtin(name) => {
                issues.push(
                    path,
                    format!(
                        "unknown built-in catalog {name:?} (the built-in catalog is \"default\")"
                    ),
                );
                None
            }
            CatalogSpec::Custom(config) => Self::from_config(spec, config, path, issues),
        }
    }

    /// Parses a catalog table from TOML (the shape of [`CatalogConfig`], e.g.
    /// `data/catalog/default.toml`) and validates it. Issue paths start at the table's root
    /// (`categories[3].limits.normal`).
    ///
    /// # Examples
    /// ```
    /// use gridgov::catalog::Catalog;
    /// let catalog = Catalog::from_toml_str(r#"
    ///     base = "default"
    ///     [[categories]]
    ///     key = "C0101"
    ///     name = "上水井盖"
    ///     limits = { normal = "2 working_days" }
    /// "#)?;
    /// assert_eq!(catalog.limit("C0101", "normal")?.to_string(), "2 working_days");
    /// assert!(Catalog::from_toml_str("urgencies = []").is_err());
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Parse`] for malformed TOML or a wrong shape; [`Error::Model`] with every
    /// validation problem.
    pub fn from_toml_str(text: &str) -> Result<Catalog> {
        let config: CatalogConfig = toml::from_str(text).map_err(|e| Error::Parse {
            format: "TOML",
            message: e.to_string(),
        })?;
        Self::build(&CatalogSpec::Custom(config))
    }

    /// Parses a catalog section from JSON (`"default"` or a [`CatalogConfig`] object) and
    /// validates it. Issue paths start at the object's root.
    ///
    /// # Examples
    /// ```
    /// use gridgov::catalog::Catalog;
    /// let catalog = Catalog::from_json_str(r#""default""#)?;
    /// assert_eq!(catalog, Catalog::default_catalog());
    /// let err = Catalog::from_json_str(r#"{"base": "default", "colour": 1}"#).unwrap_err();
    /// assert_eq!(err.kind(), gridgov::ErrorKind::Parse);
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Parse`] for malformed JSON or a wrong shape (the message names the path);
    /// [`Error::Model`] with every validation problem.
    pub fn from_json_str(text: &str) -> Result<Catalog> {
        let parse_error = |message: String| Error::Parse {
            format: "JSON",
            message,
        };
        let mut de = serde_json::Deserializer::from_str(text);
        let spec: CatalogSpec = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let at = e.path().to_string();
            if at == "." {
                parse_error(e.into_inner().to_string())
            } else {
                parse_error(format!("{at}: {}", e.into_inner()))
            }
        })?;
        de.end().map_err(|e| parse_error(e.to_string()))?;
        Self::build(&spec)
    }

    /// Validates a spec with root paths, turning problems into [`Error::Model`].
    fn build(spec: &CatalogSpec) -> Result<Catalog> {
        let mut issues = Issues::default();
        match Self::from_spec(spec, "", &mut issues) {
            Some(catalog) => Ok(catalog),
            None => Err(Error::Model(issues)),
        }
    }

    /// Builds a catalog from a table (see [`Catalog::from_spec`]).
    fn from_config(
        spec: &CatalogSpec,
        config: &CatalogConfig,
        path: &str,
        issues: &mut Issues,
    ) -> Option<Catalog> {
        let before = issues.len();

        // Base. An unknown base is reported; the rest is still checked against the built-in
        // one so that every other problem is reported too, without noise.
        let base: Option<&Catalog> = match config.base.as_deref() {
            None => None,
            Some(DEFAULT_CATALOG) => Some(Self::builtin()),
            Some(other) => {
                issues.push(
                    join(path, "base"),
                    format!("unknown base catalog {other:?} (the built-in catalog is \"default\")"),
                );
                Some(Self::builtin())
            }
        };

        let urgencies = check_urgencies(config, base, path, issues);
        let default_urgency = check_default_urgency(config, base, &urgencies, path, issues);

        // Catalog-wide stage limits: the base's, overlaid with the table's.
        let mut stage_limits = base.map(|b| b.stage_limits.clone()).unwrap_or_default();
        if let Some(map) = &config.stage_limits {
            stage_limits.extend(check_stage_map(map, &join(path, "stage_limits"), issues));
        }
        // The centre's own stages (accept, file, close) came after the others: a table that
        // sets none of their limits gets gridgov's defaults, so older model files still load.
        for stage in Stage::NON_HANDLING {
            if let Some(limit) = stage.centre_default() {
                stage_limits.entry(stage).or_insert(limit);
            }
        }

        let majors = collect_majors(config, base, path, issues);
        let mut drafts = collect_categories(config, base, &urgencies, &majors, path, issues);
        if drafts.is_empty() {
            issues.push(
                join(path, "categories"),
                "the catalog declares no categories",
            );
        }
        check_limits_complete(&drafts, &urgencies, path, issues);
        // Own stage limits, recorded before the catalog-wide ones fill the gaps.
        let own_stages: Vec<BTreeMap<Stage, TimeLimit>> =
            drafts.values().map(|d| d.stages.clone()).collect();
        resolve_stages(&mut drafts, &stage_limits, path, issues);

        if issues.len() > before {
            return None;
        }

        let majors: Vec<MajorClass> = majors
            .into_iter()
            .map(|(key, name)| MajorClass { key, name })
            .collect();
        let categories: Vec<Category> = drafts
            .into_iter()
            .map(|(key, d)| Category {
                family: key.family(),
                key,
                name: d.name,
                limits: d.limits,
                stages: d.stages,
                filing: d.filing,
                closing: d.closing,
                source: d.source,
            })
            .collect();
        let index = categories
            .iter()
            .enumerate()
            .map(|(i, c)| (c.key.clone(), i))
            .collect();
        Some(Catalog {
            spec: spec.clone(),
            urgencies,
            default_urgency,
            stage_limits,
            majors,
            categories,
            own_stages,
            index,
        })
    }
}

impl Default for Catalog {
    /// The built-in default catalog.
    fn default() -> Self {
        Self::default_catalog()
    }
}

/// The parsed built-in catalog data.
fn builtin_config() -> &'static CatalogConfig {
    static CONFIG: OnceLock<CatalogConfig> = OnceLock::new();
    CONFIG.get_or_init(|| match toml::from_str(DEFAULT_CATALOG_TOML) {
        Ok(config) => config,
        Err(e) => panic!("the built-in catalog data/catalog/default.toml does not parse: {e}"),
    })
}

/// Joins a path prefix and a field name.
fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

/// `true` when a limit is strictly positive.
fn is_positive(limit: TimeLimit) -> bool {
    match limit {
        TimeLimit::Working { minutes } | TimeLimit::Continuous { minutes } => minutes > 0,
        TimeLimit::WorkingDays { days } => days > 0,
    }
}

/// A short list of keys for messages: the first five, then "…".
fn short_list(keys: &[&str]) -> String {
    let mut out = keys.iter().take(5).copied().collect::<Vec<_>>().join(", ");
    if keys.len() > 5 {
        out.push_str(", …");
    }
    out
}

/// Checks a stage map, recording problems under `path`; returns the valid entries.
fn check_stage_map(
    map: &BTreeMap<Stage, TimeLimit>,
    path: &str,
    issues: &mut Issues,
) -> BTreeMap<Stage, TimeLimit> {
    let mut out = BTreeMap::new();
    for (&stage, &limit) in map {
        let at = join(path, stage.as_str());
        if stage == Stage::Handle {
            issues.push(
                at,
                "a stage map cannot limit `handle`: handling limits belong in each category's \
                 `limits`, per urgency",
            );
        } else {
            if !is_positive(limit) {
                issues.push(at, format!("limit {limit} is not positive"));
            }
            // Kept even when bad, so that the stage is not also reported missing.
            out.insert(stage, limit);
        }
    }
    out
}

/// Where a category of the merged catalog was declared.
#[derive(Clone, Copy)]
enum Origin {
    /// Inherited from the base catalog, not mentioned in the table.
    Base,
    /// Declared (or overridden) at this index of the table's `categories`.
    Local(usize),
}

/// A category being assembled.
struct Draft {
    origin: Origin,
    name: String,
    limits: BTreeMap<String, TimeLimit>,
    stages: BTreeMap<Stage, TimeLimit>,
    filing: String,
    closing: String,
    source: Option<String>,
}

/// The urgencies of a table (own or inherited), with problems recorded.
fn check_urgencies(
    config: &CatalogConfig,
    base: Option<&Catalog>,
    path: &str,
    issues: &mut Issues,
) -> Vec<String> {
    let at = join(path, "urgencies");
    let Some(list) = &config.urgencies else {
        if let Some(b) = base {
            return b.urgencies.clone();
        }
        issues.push(
            at,
            "missing: declare the urgency levels, e.g. [\"urgent\", \"normal\"]",
        );
        return Vec::new();
    };
    if list.is_empty() {
        issues.push(at.clone(), "no urgency levels declared");
    }
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for (i, u) in list.iter().enumerate() {
        if u.is_empty() || u.chars().any(char::is_whitespace) {
            issues.push(
                format!("{at}[{i}]"),
                format!("urgency id {u:?} is empty or contains whitespace"),
            );
        } else if let Some(j) = out.iter().position(|o| o == u) {
            issues.push(
                format!("{at}[{i}]"),
                format!("duplicate urgency {u:?} (also at urgencies[{j}])"),
            );
        } else {
            out.push(u.clone());
        }
    }
    out
}

/// The default urgency of a table (own or inherited), with problems recorded.
fn check_default_urgency(
    config: &CatalogConfig,
    base: Option<&Catalog>,
    urgencies: &[String],
    path: &str,
    issues: &mut Issues,
) -> String {
    let at = join(path, "default_urgency");
    let (value, inherited) = match (&config.default_urgency, base) {
        (Some(u), _) => (u.clone(), false),
        (None, Some(b)) => (b.default_urgency.clone(), true),
        (None, None) => {
            issues.push(at, "missing: name the urgency of cases that state none");
            return String::new();
        }
    };
    if !urgencies.contains(&value) {
        issues.push(
            at,
            format!(
                "{}default urgency {value:?} is not among the urgencies ({})",
                if inherited { "inherited " } else { "" },
                urgencies.join(", ")
            ),
        );
    }
    value
}

/// The major classes of a table merged over the base's, with problems recorded.
fn collect_majors(
    config: &CatalogConfig,
    base: Option<&Catalog>,
    path: &str,
    issues: &mut Issues,
) -> BTreeMap<CategoryKey, String> {
    let mut majors: BTreeMap<CategoryKey, String> = base
        .map(|b| {
            b.majors
                .iter()
                .map(|m| (m.key.clone(), m.name.clone()))
                .collect()
        })
        .unwrap_or_default();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, m) in config.majors.iter().enumerate() {
        let at = format!("{}[{i}]", join(path, "majors"));
        if m.name.trim().is_empty() {
            issues.push(format!("{at}.name"), "name is empty");
        }
        let key = match CategoryKey::parse(&m.key) {
            Ok(key) if key.is_leaf() => {
                issues.push(
                    format!("{at}.key"),
                    format!(
                        "{:?} is a leaf key; a major class has a family letter and 2 digits \
                         (e.g. {})",
                        m.key,
                        key.major()
                    ),
                );
                continue;
            }
            Ok(key) => key,
            Err(e) => {
                issues.push(format!("{at}.key"), e.to_string());
                continue;
            }
        };
        if let Some(j) = seen.insert(&m.key, i) {
            issues.push(
                format!("{at}.key"),
                format!("duplicate major class {:?} (also at majors[{j}])", m.key),
            );
            continue;
        }
        majors.insert(key, m.name.clone());
    }
    majors
}

/// Checks the limits and stage map of one table category; returns the valid ones.
fn check_category_limits(
    c: &CategoryConfig,
    at: &str,
    urgencies: &[String],
    issues: &mut Issues,
) -> (BTreeMap<String, TimeLimit>, BTreeMap<Stage, TimeLimit>) {
    let mut limits = BTreeMap::new();
    for (u, &limit) in &c.limits {
        let at = format!("{at}.limits.{u}");
        if urgencies.contains(u) {
            if !is_positive(limit) {
                issues.push(at, format!("limit {limit} is not positive"));
            }
            // Kept even when bad, so that it is not also reported missing.
            limits.insert(u.clone(), limit);
        } else {
            issues.push(
                at,
                format!(
                    "limit for undeclared urgency {u:?} (urgencies: {})",
                    urgencies.join(", ")
                ),
            );
        }
    }
    let stages = c
        .stages
        .as_ref()
        .map(|s| check_stage_map(s, &format!("{at}.stages"), issues))
        .unwrap_or_default();
    (limits, stages)
}

/// The leaf categories of a table merged over the base's, with problems recorded.
fn collect_categories(
    config: &CatalogConfig,
    base: Option<&Catalog>,
    urgencies: &[String],
    majors: &BTreeMap<CategoryKey, String>,
    path: &str,
    issues: &mut Issues,
) -> BTreeMap<CategoryKey, Draft> {
    let mut drafts: BTreeMap<CategoryKey, Draft> = BTreeMap::new();
    if let Some(b) = base {
        for (c, own) in b.categories.iter().zip(&b.own_stages) {
            // Limits of urgencies this table dropped are discarded.
            let limits = c
                .limits
                .iter()
                .filter(|(u, _)| urgencies.contains(u))
                .map(|(u, l)| (u.clone(), *l))
                .collect();
            let draft = Draft {
                origin: Origin::Base,
                name: c.name.clone(),
                limits,
                // Only its own stage limits: the others are re-resolved against this
                // catalog's defaults.
                stages: own.clone(),
                filing: c.filing.clone(),
                closing: c.closing.clone(),
                source: c.source.clone(),
            };
            drafts.insert(c.key.clone(), draft);
        }
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, c) in config.categories.iter().enumerate() {
        let at = format!("{}[{i}]", join(path, "categories"));
        if c.name.trim().is_empty() {
            issues.push(format!("{at}.name"), "name is empty");
        }
        let (limits, stages) = check_category_limits(c, &at, urgencies, issues);
        let key = match CategoryKey::parse(&c.key) {
            Ok(key) if !key.is_leaf() => {
                issues.push(
                    format!("{at}.key"),
                    format!(
                        "{:?} is a major class key; a leaf category has a family letter and \
                         4 digits (e.g. {}01)",
                        c.key, c.key
                    ),
                );
                continue;
            }
            Ok(key) => key,
            Err(e) => {
                issues.push(format!("{at}.key"), e.to_string());
                continue;
            }
        };
        if let Some(j) = seen.insert(&c.key, i) {
            issues.push(
                format!("{at}.key"),
                format!("duplicate category {:?} (also at categories[{j}])", c.key),
            );
            continue;
        }
        if !majors.contains_key(key.major()) {
            issues.push(
                format!("{at}.key"),
                format!(
                    "major class {:?} of category {:?} is not declared in majors",
                    key.major(),
                    c.key
                ),
            );
        }
        if let Some(d) = drafts.get_mut(&key) {
            d.origin = Origin::Local(i);
            d.name.clone_from(&c.name);
            d.limits.extend(limits);
            d.stages.extend(stages);
            if let Some(f) = &c.filing {
                d.filing.clone_from(f);
            }
            if let Some(f) = &c.closing {
                d.closing.clone_from(f);
            }
            if c.source.is_some() {
                d.source.clone_from(&c.source);
            }
        } else {
            let draft = Draft {
                origin: Origin::Local(i),
                name: c.name.clone(),
                limits,
                stages,
                filing: c.filing.clone().unwrap_or_default(),
                closing: c.closing.clone().unwrap_or_default(),
                source: c.source.clone(),
            };
            drafts.insert(key, draft);
        }
    }
    drafts
}

/// Records every leaf lacking a limit for a declared urgency. Inherited categories missing
/// one (after a change of urgencies) are reported together, per urgency.
fn check_limits_complete(
    drafts: &BTreeMap<CategoryKey, Draft>,
    urgencies: &[String],
    path: &str,
    issues: &mut Issues,
) {
    let mut inherited_missing: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (key, d) in drafts {
        for u in urgencies {
            if d.limits.contains_key(u) {
                continue;
            }
            match d.origin {
                Origin::Local(i) => issues.push(
                    format!("{}[{i}].limits", join(path, "categories")),
                    format!("no limit for urgency {u:?}"),
                ),
                Origin::Base => inherited_missing
                    .entry(u.as_str())
                    .or_default()
                    .push(key.as_str()),
            }
        }
    }
    for (u, keys) in inherited_missing {
        issues.push(
            join(path, "categories"),
            format!(
                "urgency {u:?} has no limit in {} inherited base categories ({}): \
                 override them here",
                keys.len(),
                short_list(&keys)
            ),
        );
    }
}

/// Fills every leaf's limits of the stages other than handling from the catalog-wide ones, recording
/// stages left without a limit.
fn resolve_stages(
    drafts: &mut BTreeMap<CategoryKey, Draft>,
    stage_limits: &BTreeMap<Stage, TimeLimit>,
    path: &str,
    issues: &mut Issues,
) {
    let mut missing: BTreeMap<Stage, Vec<&str>> = BTreeMap::new();
    for (key, d) in drafts.iter_mut() {
        for stage in Stage::NON_HANDLING {
            if d.stages.contains_key(&stage) {
                continue;
            }
            match stage_limits.get(&stage) {
                Some(&limit) => {
                    d.stages.insert(stage, limit);
                }
                None => missing.entry(stage).or_default().push(key.as_str()),
            }
        }
    }
    for (stage, keys) in missing {
        issues.push(
            join(path, "stage_limits"),
            format!(
                "no limit for stage `{stage}`, and {} categories set none of their own ({})",
                keys.len(),
                short_list(&keys)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_data_is_valid() {
        let spec = CatalogSpec::Custom(builtin_config().clone());
        let mut issues = Issues::default();
        let catalog = Catalog::from_spec(&spec, "catalog", &mut issues);
        assert!(issues.is_empty(), "{issues}");
        let catalog = catalog.expect("no issues, so a catalog");
        assert_eq!(catalog.majors().len(), 12);
        assert!(catalog.categories().len() >= 40);
        // The shared one is the same, with spec "default".
        assert_eq!(Catalog::builtin().categories(), catalog.categories());
        assert_eq!(Catalog::builtin().spec(), &CatalogSpec::default());
    }

    #[test]
    fn every_builtin_leaf_has_texts_and_source() {
        for c in Catalog::builtin().categories() {
            assert!(!c.filing.is_empty(), "{} lacks filing", c.key);
            assert!(!c.closing.is_empty(), "{} lacks closing", c.key);
            assert!(
                c.source.as_deref().is_some_and(|s| !s.is_empty()),
                "{}",
                c.key
            );
            assert_eq!(c.stages.len(), Stage::NON_HANDLING.len(), "{}", c.key);
            assert_eq!(c.limits.len(), 2, "{}", c.key);
            assert!(c.limits.values().all(|&l| is_positive(l)));
        }
    }
}
