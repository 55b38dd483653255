//! Category catalog (事部件分类): components (部件) and events (事件), urgency levels and time
//! limits.
//!
//! A category's key carries its family, because components and events reuse the same numbers
//! (DESIGN §3.4): `C0101` is component 01/01 (上水井盖), `E0102` is event 01/02 (暴露垃圾). A key
//! of a family letter and two digits (`C01`, `E03`) names a major class; two more digits name a
//! leaf category, the level cases are filed under. Local extensions use the same shape with
//! higher numbers (`E07`, `E0701`).
//!
//! Every leaf carries a handling limit per urgency level (e.g. 紧急 `urgent` / 一般 `normal`),
//! limits for the verify, dispatch and check stages (its own, or the catalog-wide default), and
//! the texts of its filing (立案) and closing (结案) conditions. Limits are
//! [`TimeLimit`]s: working time, working days or continuous time.
//!
//! A default catalog ships as data ([`Catalog::default_catalog`]); a model file either names it
//! (`catalog = "default"`) or gives a table ([`CatalogConfig`]) that may start from it
//! (`base = "default"`) and add or override majors and categories by key.
//!
//! ```
//! use gridgov::catalog::{Catalog, CategoryPattern, Stage};
//!
//! let catalog = Catalog::default_catalog();
//! let cover = catalog.get("C0101")?;
//! assert_eq!(cover.name, "上水井盖");
//! let limit = catalog.limit("C0101", "urgent")?;
//! assert_eq!(catalog.stage_limit("C0101", Stage::Handle, "urgent")?, limit);
//!
//! let manhole_covers = CategoryPattern::parse("C01")?;
//! assert!(catalog.matching(&manhole_covers).all(|c| c.key.major() == "C01"));
//! # Ok::<(), gridgov::Error>(())
//! ```

use std::borrow::{Borrow, Cow};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::calendar::TimeLimit;
use crate::error::{Error, Issues, Result};

/// Name under which the built-in catalog is referred to (`catalog = "default"`,
/// `base = "default"`).
pub const DEFAULT_CATALOG: &str = "default";

/// The built-in catalog data (TOML, the shape of [`CatalogConfig`]).
pub const DEFAULT_CATALOG_TOML: &str = include_str!("../data/catalog/default.toml");

/// Regular expression every [`CategoryKey`] matches (also its JSON Schema `pattern`).
pub const CATEGORY_KEY_REGEX: &str = "^[CE](0[1-9]|[1-9][0-9])(0[1-9]|[1-9][0-9])?$";

/// JSON Schema pattern of a major-class key in a table.
const MAJOR_KEY_REGEX: &str = "^[CE](0[1-9]|[1-9][0-9])$";

/// JSON Schema pattern of a leaf key in a table.
const LEAF_KEY_REGEX: &str = "^[CE](0[1-9]|[1-9][0-9])(0[1-9]|[1-9][0-9])$";

/// Regular expression every [`CategoryPattern`] matches (also its JSON Schema `pattern`).
pub const CATEGORY_PATTERN_REGEX: &str = "^(\\*|[CE]|[CE](0[1-9]|[1-9][0-9])(0[1-9]|[1-9][0-9])?)$";

// ---------------------------------------------------------------------------------------------
// Family
// ---------------------------------------------------------------------------------------------

/// The two families of problems: components (部件, physical facilities) and events (事件,
/// behaviours and situations).
///
/// Serialised in lower case (`"component"`, `"event"`); the key letter is `C` or `E`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// 部件: a public facility (manhole cover, street light, bench…); key letter `C`.
    Component,
    /// 事件: a behaviour or situation (exposed rubbish, street vending…); key letter `E`.
    Event,
}

impl Family {
    /// Both families, components first.
    pub const ALL: [Family; 2] = [Family::Component, Family::Event];

    /// The key letter: `'C'` or `'E'`.
    pub const fn letter(self) -> char {
        match self {
            Self::Component => 'C',
            Self::Event => 'E',
        }
    }

    /// The family of a key letter (`'C'` or `'E'`, upper case only).
    pub const fn from_letter(letter: char) -> Option<Family> {
        match letter {
            'C' => Some(Self::Component),
            'E' => Some(Self::Event),
            _ => None,
        }
    }

    /// The lower-case English name (`"component"`, `"event"`), as serialised.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Component => "component",
            Self::Event => "event",
        }
    }

    /// The Chinese name (`"部件"`, `"事件"`).
    pub const fn name_zh(self) -> &'static str {
        match self {
            Self::Component => "部件",
            Self::Event => "事件",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Family {
    type Err = Error;

    /// Accepts `"component"`, `"event"`, `"C"` or `"E"`.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "component" | "C" => Ok(Self::Component),
            "event" | "E" => Ok(Self::Event),
            _ => Err(Error::invalid(
                "family",
                format!("{s:?}"),
                "expected \"component\", \"event\", \"C\" or \"E\"",
            )),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// CategoryKey
// ---------------------------------------------------------------------------------------------

/// A validated category key: family letter + 2-digit major code (a major class, e.g. `"C01"`,
/// `"E03"`) or + 4 digits (a leaf category, e.g. `"C0101"`, `"E0102"`). Local extensions use
/// the same shape with higher numbers (e.g. `"E07"`, `"E0701"`).
///
/// Codes `00` are not used (a major or minor code starts at `01`).
///
/// # Examples
/// ```
/// use gridgov::catalog::{CategoryKey, Family};
/// let key = CategoryKey::parse("E0102")?;
/// assert_eq!(key.family(), Family::Event);
/// assert_eq!(key.major(), "E01");
/// assert!(key.is_leaf());
/// assert!(!CategoryKey::parse("C01")?.is_leaf());
/// assert!(CategoryKey::parse("0101").is_err());
/// # Ok::<(), gridgov::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CategoryKey(String);

/// Why `s` is not a category key, or `None` when it is one.
fn key_problem(s: &str) -> Option<String> {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return Some("is empty".into());
    };
    if Family::from_letter(first).is_none() {
        return Some(if matches!(first, 'c' | 'e') {
            "the family letter must be upper case (C or E)".into()
        } else {
            "must start with the family letter C (component, 部件) or E (event, 事件)".into()
        });
    }
    let digits = &s[first.len_utf8()..];
    if !(digits.len() == 2 || digits.len() == 4) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Some(
            "must be a family letter followed by 2 digits (major class, e.g. C01) \
             or 4 digits (leaf category, e.g. C0101)"
                .into(),
        );
    }
    if &digits[..2] == "00" {
        return Some("major code 00 is not used (codes start at 01)".into());
    }
    if digits.len() == 4 && &digits[2..] == "00" {
        return Some("minor code 00 is not used (codes start at 01)".into());
    }
    None
}

impl CategoryKey {
    /// Parses and validates a key.
    ///
    /// # Examples
    /// ```
    /// use gridgov::catalog::CategoryKey;
    /// assert_eq!(CategoryKey::parse("C0101")?.as_str(), "C0101");
    /// let err = CategoryKey::parse("X0101").unwrap_err();
    /// assert_eq!(err.kind(), gridgov::ErrorKind::InvalidCode);
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidCode`] (`what` = `"category"`) naming the text and what is wrong with it.
    pub fn parse(s: &str) -> Result<CategoryKey> {
        match key_problem(s) {
            None => Ok(Self(s.to_owned())),
            Some(reason) => Err(Error::InvalidCode {
                what: "category",
                value: s.to_owned(),
                reason,
            }),
        }
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The family, from the key letter.
    pub fn family(&self) -> Family {
        if self.0.starts_with('E') {
            Family::Event
        } else {
            Family::Component
        }
    }

    /// The key of the major class: the first three characters (`"C01"` for `"C0101"`).
    pub fn major(&self) -> &str {
        self.0.get(..3).unwrap_or(&self.0)
    }

    /// `true` for a leaf category (4 digits), `false` for a major class (2 digits).
    pub fn is_leaf(&self) -> bool {
        self.0.len() == 5
    }
}

impl fmt::Display for CategoryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for CategoryKey {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl AsRef<str> for CategoryKey {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for CategoryKey {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl Serialize for CategoryKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CategoryKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Cow::<str>::deserialize(deserializer)?;
        Self::parse(&s).map_err(de::Error::custom)
    }
}

/// A string schema with a pattern and a description.
fn string_schema(pattern: &str, description: &str) -> Schema {
    let mut map = serde_json::Map::new();
    map.insert("type".into(), "string".into());
    map.insert("pattern".into(), pattern.into());
    map.insert("description".into(), description.into());
    Schema::from(map)
}

impl JsonSchema for CategoryKey {
    fn schema_name() -> Cow<'static, str> {
        "CategoryKey".into()
    }

    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::CategoryKey").into()
    }

    fn json_schema(_generator: &mut SchemaGenerator) -> Schema {
        string_schema(
            CATEGORY_KEY_REGEX,
            "Category key: family letter C (component 部件) or E (event 事件), a 2-digit major \
             code, and for a leaf category a 2-digit minor code, e.g. \"C01\", \"C0101\".",
        )
    }
}

// ---------------------------------------------------------------------------------------------
// CategoryPattern
// ---------------------------------------------------------------------------------------------

/// A duty-rule category pattern (DESIGN §3.3): `"*"`, a family (`"C"`/`"E"`), a major class
/// (`"C01"`), or a leaf key (`"C0101"`). It matches a key when it is a prefix of it.
///
/// # Examples
/// ```
/// use gridgov::catalog::{CategoryKey, CategoryPattern};
/// let leaf = CategoryKey::parse("C0101")?;
/// for (pattern, specificity) in [("*", 0), ("C", 1), ("C01", 3), ("C0101", 5)] {
///     let p = CategoryPattern::parse(pattern)?;
///     assert!(p.matches(&leaf));
///     assert_eq!(p.specificity(), specificity);
/// }
/// assert!(!CategoryPattern::parse("E")?.matches(&leaf));
/// assert!(CategoryPattern::parse("C0").is_err());
/// # Ok::<(), gridgov::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CategoryPattern(String);

impl CategoryPattern {
    /// The pattern that matches every category.
    pub fn any() -> CategoryPattern {
        Self("*".into())
    }

    /// Parses and validates a pattern.
    ///
    /// # Examples
    /// ```
    /// use gridgov::catalog::CategoryPattern;
    /// assert_eq!(CategoryPattern::parse("E03")?.as_str(), "E03");
    /// assert!(CategoryPattern::parse("C*").is_err());
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidCode`] (`what` = `"category pattern"`) naming the text and the reason.
    pub fn parse(s: &str) -> Result<CategoryPattern> {
        let bad = |reason: String| Error::InvalidCode {
            what: "category pattern",
            value: s.to_owned(),
            reason,
        };
        match s {
            "*" | "C" | "E" => Ok(Self(s.to_owned())),
            "" => Err(bad(
                "is empty (use \"*\" for every category, \"C\"/\"E\" for a family, \
                 \"C01\" for a major class or \"C0101\" for a leaf)"
                    .into(),
            )),
            _ => match key_problem(s) {
                None => Ok(Self(s.to_owned())),
                Some(reason) => Err(bad(format!(
                    "{reason}; a pattern is \"*\", a family letter (C or E), \
                     a major class (C01) or a leaf key (C0101)"
                ))),
            },
        }
    }

    /// The pattern as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key prefix the pattern stands for (`""` for `"*"`).
    pub fn prefix(&self) -> &str {
        if self.0 == "*" { "" } else { &self.0 }
    }

    /// `true` when the pattern is a prefix of `key` (`"*"` matches every key).
    pub fn matches(&self, key: &CategoryKey) -> bool {
        key.as_str().starts_with(self.prefix())
    }

    /// Length of the prefix: `"*"` → 0, `"C"` → 1, `"C01"` → 3, `"C0101"` → 5. Longer is more
    /// specific.
    pub fn specificity(&self) -> usize {
        self.prefix().len()
    }
}

impl From<CategoryKey> for CategoryPattern {
    fn from(key: CategoryKey) -> Self {
        Self(key.0)
    }
}

impl fmt::Display for CategoryPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for CategoryPattern {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl Serialize for CategoryPattern {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CategoryPattern {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Cow::<str>::deserialize(deserializer)?;
        Self::parse(&s).map_err(de::Error::custom)
    }
}

impl JsonSchema for CategoryPattern {
    fn schema_name() -> Cow<'static, str> {
        "CategoryPattern".into()
    }

    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::CategoryPattern").into()
    }

    fn json_schema(_generator: &mut SchemaGenerator) -> Schema {
        string_schema(
            CATEGORY_PATTERN_REGEX,
            "Category pattern, a prefix of category keys: \"*\" (every category), \"C\" or \"E\" \
             (a family), \"C01\" (a major class) or \"C0101\" (a leaf category).",
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Stage
// ---------------------------------------------------------------------------------------------

/// A case stage that carries a time limit.
///
/// The handling limit depends on the urgency and lives in [`Category::limits`]; the other
/// stages' limits live in [`Category::stages`]. Serialised in snake case (`"verify"`, …).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 核实: the supervisor verifies a reported problem on site.
    Verify,
    /// 派遣: the dispatcher sends a filed case to the responsible unit.
    Dispatch,
    /// 处置: the responsible unit handles the case (limit per urgency).
    Handle,
    /// 核查: the supervisor checks the result on site.
    Check,
}

impl Stage {
    /// Every stage, in lifecycle order.
    pub const ALL: [Stage; 4] = [Stage::Verify, Stage::Dispatch, Stage::Handle, Stage::Check];

    /// The stages whose limits live in stage maps (all but [`Stage::Handle`]).
    pub const NON_HANDLING: [Stage; 3] = [Stage::Verify, Stage::Dispatch, Stage::Check];

    /// The serialised name (`"verify"`, `"dispatch"`, `"handle"`, `"check"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Verify => "verify",
            Self::Dispatch => "dispatch",
            Self::Handle => "handle",
            Self::Check => "check",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Stage {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|stage| stage.as_str() == s)
            .ok_or_else(|| {
                Error::invalid(
                    "stage",
                    format!("{s:?}"),
                    "expected \"verify\", \"dispatch\", \"handle\" or \"check\"",
                )
            })
    }
}

// ---------------------------------------------------------------------------------------------
// Built categories
// ---------------------------------------------------------------------------------------------

/// A leaf category of a built catalog.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Category {
    /// The leaf key, e.g. `C0101`.
    pub key: CategoryKey,
    /// The standard name, e.g. `上水井盖`.
    pub name: String,
    /// The family (from the key letter).
    pub family: Family,
    /// Handling limit per urgency id; every urgency of the catalog has one.
    pub limits: BTreeMap<String, TimeLimit>,
    /// Limits of the verify, dispatch and check stages: the category's own, else the
    /// catalog-wide default. All three are present.
    pub stages: BTreeMap<Stage, TimeLimit>,
    /// Filing condition (立案条件); empty when the catalog gives none.
    pub filing: String,
    /// Closing condition (结案条件); empty when the catalog gives none.
    pub closing: String,
    /// Where the limits come from (a standard, a local table, or a gridgov default).
    pub source: Option<String>,
}

/// A major class of a built catalog (e.g. `C01` 公用设施).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MajorClass {
    /// The major key, e.g. `C01`.
    pub key: CategoryKey,
    /// The class name, e.g. `公用设施`.
    pub name: String,
}

// ---------------------------------------------------------------------------------------------
// Configuration (model file)
// ---------------------------------------------------------------------------------------------

/// The `catalog` section of a model file: the name of a built-in catalog (`"default"`) or a
/// table.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum CatalogSpec {
    /// A built-in catalog by name; the only one is `"default"`.
    Builtin(String),
    /// A catalog given in the model file, optionally starting from a built-in one.
    Custom(CatalogConfig),
}

impl Default for CatalogSpec {
    fn default() -> Self {
        Self::Builtin(DEFAULT_CATALOG.to_owned())
    }
}

impl<'de> Deserialize<'de> for CatalogSpec {
    // Hand-written instead of `untagged` so that a bad field inside a table reports its own
    // error (e.g. an unknown field) instead of "did not match any variant".
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SpecVisitor;

        impl<'de> Visitor<'de> for SpecVisitor {
            type Value = CatalogSpec;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the name of a built-in catalog (\"default\") or a catalog table")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<CatalogSpec, E> {
                Ok(CatalogSpec::Builtin(v.to_owned()))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<CatalogSpec, A::Error> {
                CatalogConfig::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(CatalogSpec::Custom)
            }
        }

        deserializer.deserialize_any(SpecVisitor)
    }
}

/// A catalog given as a table.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogConfig {
    /// Built-in catalog to start from (`"default"`). Majors and categories given here are added
    /// to it, or replace the built-in ones with the same key (a category's limits and stages are
    /// merged per urgency and per stage; its other fields replace the built-in ones when given).
    /// Omitted: the catalog is exactly what this table declares.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// Urgency ids, e.g. `["urgent", "normal"]` (紧急 / 一般). Required without a base; given
    /// with a base, it replaces the base's list (inherited limits for dropped urgencies are
    /// discarded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgencies: Option<Vec<String>>,
    /// Urgency of a case that states none; one of `urgencies`. Required without a base.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_urgency: Option<String>,
    /// Catalog-wide limits of the `verify`, `dispatch` and `check` stages, used by categories
    /// that set none of their own (handling limits belong in each category's `limits`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("propertyNames" = { "enum": ["verify", "dispatch", "check"] }))]
    pub stage_limits: Option<BTreeMap<Stage, TimeLimit>>,
    /// Major classes (a family letter and 2 digits, e.g. `C01` 公用设施).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub majors: Vec<MajorConfig>,
    /// Leaf categories (a family letter and 4 digits, e.g. `C0101` 上水井盖).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<CategoryConfig>,
}

/// A major class in a catalog table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MajorConfig {
    /// Major key: a family letter (C component, E event) and 2 digits, e.g. `C01`, `E07`.
    #[schemars(pattern(MAJOR_KEY_REGEX))]
    pub key: String,
    /// Class name, e.g. `公用设施`.
    pub name: String,
}

/// A leaf category in a catalog table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryConfig {
    /// Leaf key: a family letter and 4 digits, e.g. `C0101`; its major class (`C01`) must be
    /// declared.
    #[schemars(pattern(LEAF_KEY_REGEX))]
    pub key: String,
    /// Standard name, e.g. `上水井盖`.
    pub name: String,
    /// Handling limit per urgency id, e.g. `{ urgent = "6 hours", normal = "2 working_days" }`;
    /// every urgency of the catalog needs one (an override of a base category may give only
    /// some).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub limits: BTreeMap<String, TimeLimit>,
    /// Own limits of the `verify`, `dispatch` and `check` stages, overriding the catalog-wide
    /// `stage_limits`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("propertyNames" = { "enum": ["verify", "dispatch", "check"] }))]
    pub stages: Option<BTreeMap<Stage, TimeLimit>>,
    /// Filing condition (立案条件).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filing: Option<String>,
    /// Closing condition (结案条件).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closing: Option<String>,
    /// Where the limits come from (a standard, a local table, or "gridgov default").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Catalog
// ---------------------------------------------------------------------------------------------

/// A validated category catalog: urgency levels, major classes and leaf categories with their
/// limits. Lookups by key are O(1).
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    spec: CatalogSpec,
    urgencies: Vec<String>,
    default_urgency: String,
    stage_limits: BTreeMap<Stage, TimeLimit>,
    majors: Vec<MajorClass>,
    categories: Vec<Category>,
    /// Per category (same positions): the stage limits it sets itself, not inherited from the
    /// catalog-wide defaults (kept so a catalog extending this one re-resolves the rest).
    own_stages: Vec<BTreeMap<Stage, TimeLimit>>,
    index: HashMap<CategoryKey, usize>,
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

/// Fills every leaf's verify, dispatch and check limits from the catalog-wide ones, recording
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

    /// What the catalog was built from (for re-serialisation): `"default"` for the built-in
    /// catalog, else the table as given.
    pub fn spec(&self) -> &CatalogSpec {
        &self.spec
    }

    /// The urgency ids, in declared order.
    pub fn urgencies(&self) -> &[String] {
        &self.urgencies
    }

    /// The urgency of a case that states none.
    pub fn default_urgency(&self) -> &str {
        &self.default_urgency
    }

    /// The catalog-wide limits of the verify, dispatch and check stages.
    pub fn stage_limits(&self) -> &BTreeMap<Stage, TimeLimit> {
        &self.stage_limits
    }

    /// The major classes, sorted by key.
    pub fn majors(&self) -> &[MajorClass] {
        &self.majors
    }

    /// The leaf categories, sorted by key.
    pub fn categories(&self) -> &[Category] {
        &self.categories
    }

    /// The major class with key `key` (e.g. `"C01"`).
    ///
    /// # Examples
    /// ```
    /// let catalog = gridgov::catalog::Catalog::builtin();
    /// assert_eq!(catalog.major("E04")?.name, "突发事件");
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidCode`] for a malformed key or a leaf key; [`Error::Unknown`]
    /// (`what` = `"category"`) for a major class the catalog lacks.
    pub fn major(&self, key: &str) -> Result<&MajorClass> {
        let parsed = CategoryKey::parse(key)?;
        if parsed.is_leaf() {
            return Err(Error::InvalidCode {
                what: "category",
                value: key.to_owned(),
                reason: format!("is a leaf category, not a major class ({})", parsed.major()),
            });
        }
        self.majors
            .binary_search_by(|m| m.key.as_str().cmp(key))
            .map(|i| &self.majors[i])
            .map_err(|_| Error::unknown("category", key))
    }

    /// The leaf category with key `key`, in O(1).
    ///
    /// # Examples
    /// ```
    /// use gridgov::{ErrorKind, catalog::Catalog};
    /// let catalog = Catalog::builtin();
    /// assert_eq!(catalog.get("E0102")?.name, "暴露垃圾");
    /// assert_eq!(catalog.get("E0999").unwrap_err().kind(), ErrorKind::Unknown);
    /// assert_eq!(catalog.get("E01").unwrap_err().kind(), ErrorKind::InvalidCode);
    /// assert_eq!(catalog.get("e0102").unwrap_err().kind(), ErrorKind::InvalidCode);
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidCode`] for a malformed key or a major-class key; [`Error::Unknown`]
    /// (`what` = `"category"`) for a well-formed leaf key the catalog lacks.
    pub fn get(&self, key: &str) -> Result<&Category> {
        if let Some(&i) = self.index.get(key) {
            return Ok(&self.categories[i]);
        }
        let parsed = CategoryKey::parse(key)?;
        if !parsed.is_leaf() {
            return Err(Error::InvalidCode {
                what: "category",
                value: key.to_owned(),
                reason: "is a major class; cases are filed under leaf categories \
                         (a family letter and 4 digits)"
                    .into(),
            });
        }
        Err(Error::unknown("category", key))
    }

    /// Position of a leaf category in [`categories`](Self::categories), in O(1); `None` for a
    /// key the catalog lacks (or a malformed one).
    pub fn index_of(&self, key: &str) -> Option<usize> {
        self.index.get(key).copied()
    }

    /// Checks that `urgency` is one of the catalog's urgencies.
    fn check_urgency(&self, urgency: &str) -> Result<()> {
        if self.urgencies.iter().any(|u| u == urgency) {
            Ok(())
        } else {
            Err(Error::unknown("urgency", urgency))
        }
    }

    /// The handling limit of a category at an urgency.
    ///
    /// # Examples
    /// ```
    /// use gridgov::{ErrorKind, catalog::Catalog};
    /// let catalog = Catalog::builtin();
    /// assert_eq!(catalog.limit("E0102", "normal")?.to_string(), "4 working_hours");
    /// assert_eq!(catalog.limit("E0102", "asap").unwrap_err().kind(), ErrorKind::Unknown);
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    ///
    /// # Errors
    /// Those of [`Catalog::get`]; [`Error::Unknown`] (`what` = `"urgency"`) for an urgency the
    /// catalog does not declare.
    pub fn limit(&self, key: &str, urgency: &str) -> Result<TimeLimit> {
        let category = self.get(key)?;
        self.check_urgency(urgency)?;
        category
            .limits
            .get(urgency)
            .copied()
            .ok_or_else(|| Error::unknown("urgency", urgency))
    }

    /// The limit of a stage of a category: the handling limit at `urgency` for
    /// [`Stage::Handle`], the category's (or the catalog-wide) stage limit otherwise.
    ///
    /// # Examples
    /// ```
    /// use gridgov::catalog::{Catalog, Stage};
    /// let catalog = Catalog::builtin();
    /// let verify = catalog.stage_limit("C0101", Stage::Verify, "normal")?;
    /// assert_eq!(Some(&verify), catalog.stage_limits().get(&Stage::Verify));
    /// assert_eq!(
    ///     catalog.stage_limit("C0101", Stage::Handle, "urgent")?,
    ///     catalog.limit("C0101", "urgent")?,
    /// );
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    ///
    /// # Errors
    /// Those of [`Catalog::limit`] (unknown or malformed category, unknown urgency).
    pub fn stage_limit(&self, key: &str, stage: Stage, urgency: &str) -> Result<TimeLimit> {
        if stage == Stage::Handle {
            return self.limit(key, urgency);
        }
        let category = self.get(key)?;
        self.check_urgency(urgency)?;
        category
            .stages
            .get(&stage)
            .or_else(|| self.stage_limits.get(&stage))
            .copied()
            .ok_or_else(|| Error::unknown("stage", stage.as_str()))
    }

    /// The leaf categories a pattern matches, in key order, in O(log n + matches).
    ///
    /// # Examples
    /// ```
    /// use gridgov::catalog::{Catalog, CategoryPattern};
    /// let catalog = Catalog::builtin();
    /// let events = CategoryPattern::parse("E")?;
    /// assert!(catalog.matching(&events).all(|c| c.key.as_str().starts_with('E')));
    /// let all = CategoryPattern::parse("*")?;
    /// assert_eq!(catalog.matching(&all).len(), catalog.categories().len());
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn matching<'a>(
        &'a self,
        pattern: &CategoryPattern,
    ) -> impl ExactSizeIterator<Item = &'a Category> + DoubleEndedIterator + use<'a> {
        let prefix = pattern.prefix();
        let start = self.categories.partition_point(|c| c.key.as_str() < prefix);
        let rest = &self.categories[start..];
        let len = rest.partition_point(|c| c.key.as_str().starts_with(prefix));
        rest[..len].iter()
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
            assert_eq!(c.stages.len(), 3, "{}", c.key);
            assert_eq!(c.limits.len(), 2, "{}", c.key);
            assert!(c.limits.values().all(|&l| is_positive(l)));
        }
    }

    #[test]
    fn key_problems() {
        assert_eq!(key_problem("C0101"), None);
        assert_eq!(key_problem("E99"), None);
        for bad in [
            "", "C", "C1", "C001", "C01010", "X01", "c01", "C0a", "C00", "C0100", "中01",
        ] {
            assert!(key_problem(bad).is_some(), "{bad:?} accepted");
        }
    }

    #[test]
    fn matching_is_a_contiguous_prefix_range() {
        let catalog = Catalog::builtin();
        for p in ["*", "C", "E", "C01", "E04", "C0101", "E0799"] {
            let pattern = CategoryPattern::parse(p).expect("valid pattern");
            let fast: Vec<&str> = catalog.matching(&pattern).map(|c| c.key.as_str()).collect();
            let slow: Vec<&str> = catalog
                .categories()
                .iter()
                .filter(|c| pattern.matches(&c.key))
                .map(|c| c.key.as_str())
                .collect();
            assert_eq!(fast, slow, "pattern {p}");
        }
    }
}
