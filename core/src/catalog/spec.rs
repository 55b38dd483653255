//! The catalog file format: the `catalog` section of a model file ([`CatalogSpec`]: a built-in
//! name or a [`CatalogConfig`] table of majors and categories), field by field, and the
//! built-in data ([`DEFAULT_CATALOG_TOML`]). How a table is checked and merged is in `load.rs`.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::calendar::TimeLimit;

use super::category::Stage;
use super::key::{LEAF_KEY_REGEX, MAJOR_KEY_REGEX};

/// Name under which the built-in catalog is referred to (`catalog = "default"`,
/// `base = "default"`).
pub const DEFAULT_CATALOG: &str = "default";

/// The built-in catalog data (TOML, the shape of [`CatalogConfig`]).
pub const DEFAULT_CATALOG_TOML: &str = include_str!("../../data/catalog/default.toml");

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
    /// Catalog-wide limits of the stages other than handling (`accept`, `verify`, `file`,
    /// `dispatch`, `check`, `close`), used by categories that set none of their own (handling
    /// limits belong in each category's `limits`). `verify`, `dispatch` and `check` are
    /// required without a base; `accept`, `file` and `close` default to
    /// [`Stage::centre_default`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("propertyNames" = { "enum": ["accept", "verify", "file", "dispatch", "check", "close"] }))]
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
    /// Own limits of the stages other than handling (`accept`, `verify`, `file`, `dispatch`,
    /// `check`, `close`), overriding the catalog-wide `stage_limits`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("propertyNames" = { "enum": ["accept", "verify", "file", "dispatch", "check", "close"] }))]
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
