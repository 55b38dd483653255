//! The analysis's configuration: household bounds, the outlier factor, which adjacency to use.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::spatial::DEFAULT_MIN_SHARED_M;

/// Default lower bound of households per unit grid (the commonly cited 300–500; see the module).
pub const DEFAULT_HOUSEHOLDS_MIN: u64 = 300;
/// Default upper bound of households per unit grid (the commonly cited 300–500; see the module).
pub const DEFAULT_HOUSEHOLDS_MAX: u64 = 500;
/// Default Tukey fence factor `k`.
pub const DEFAULT_OUTLIER_K: f64 = 1.5;

/// Which adjacency to use ([`DivisionConfig::adjacency`]).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AdjacencyChoice {
    /// Shared boundaries when the model has them, else declared neighbours.
    #[default]
    Auto,
    /// Shared boundaries; an error when the model has none.
    Boundaries,
    /// The areas' declared `neighbours`.
    Declared,
}

/// Where an adjacency graph came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AdjacencySource {
    /// Grids sharing more than `min_shared_m` metres of boundary ([`Model::grid_map`](crate::Model::grid_map)).
    /// Unit grids without a boundary have no neighbour.
    Boundaries,
    /// The areas' declared `neighbours`, made symmetric (one side declaring is enough);
    /// neighbours that are not unit grids are ignored.
    Declared,
}

/// Settings of the analysis. Every field has a default, so `{}` is a valid configuration.
///
/// # Examples
/// ```
/// use gridgov::division::DivisionConfig;
/// let c = DivisionConfig::from_json(r#"{"households_max": 600}"#)?;
/// assert_eq!((c.households_min, c.households_max, c.outlier_k), (300, 600, 1.5));
/// let e = DivisionConfig::from_json(r#"{"households_min": 700}"#).unwrap_err();
/// assert!(e.to_string().contains("households_min"));
/// # Ok::<(), gridgov::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct DivisionConfig {
    /// Fewest households a unit grid should have (default 300: "300–500 households per basic
    /// grid" is the figure commonly cited for urban communities, not an official text).
    pub households_min: u64,
    /// Most households a unit grid should have (default 500, same source); at least 1.
    pub households_max: u64,
    /// Tukey fence factor `k` on the distribution of load per worker (default 1.5): outliers
    /// lie below `Q1 − k·IQR` or above `Q3 + k·IQR`. Finite, ≥ 0.
    pub outlier_k: f64,
    /// Which adjacency to use (default `auto`: boundaries when the model has them).
    pub adjacency: AdjacencyChoice,
    /// Shared boundary length (metres) above which two grids are adjacent (default 1 m, so
    /// that grids meeting at a corner are not). Finite, ≥ 0.
    pub min_shared_m: f64,
}

impl Default for DivisionConfig {
    fn default() -> Self {
        Self {
            households_min: DEFAULT_HOUSEHOLDS_MIN,
            households_max: DEFAULT_HOUSEHOLDS_MAX,
            outlier_k: DEFAULT_OUTLIER_K,
            adjacency: AdjacencyChoice::Auto,
            min_shared_m: DEFAULT_MIN_SHARED_M,
        }
    }
}

impl DivisionConfig {
    /// Checks the settings.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the field: `households_max` of 0, `households_min`
    /// above `households_max`, `outlier_k` or `min_shared_m` negative or not finite.
    pub fn validate(&self) -> Result<()> {
        if self.households_max == 0 {
            return Err(Error::invalid(
                "households_max",
                self.households_max,
                "must be at least 1",
            ));
        }
        if self.households_min > self.households_max {
            return Err(Error::invalid(
                "households_min",
                self.households_min,
                format!("is greater than households_max ({})", self.households_max),
            ));
        }
        if !(self.outlier_k.is_finite() && self.outlier_k >= 0.0) {
            return Err(Error::invalid(
                "outlier_k",
                self.outlier_k,
                "must be a finite number >= 0",
            ));
        }
        if !(self.min_shared_m.is_finite() && self.min_shared_m >= 0.0) {
            return Err(Error::invalid(
                "min_shared_m",
                self.min_shared_m,
                "must be a finite number >= 0",
            ));
        }
        Ok(())
    }

    /// Reads and validates a configuration from JSON text (an object; missing fields take
    /// their defaults; empty or blank text is the default configuration).
    ///
    /// # Errors
    /// [`Error::Parse`] for malformed JSON; [`Error::InvalidValue`] naming the field for an
    /// unknown field, a wrong type or a value [`DivisionConfig::validate`] refuses.
    pub fn from_json(text: &str) -> Result<DivisionConfig> {
        if text.trim().is_empty() {
            return Ok(DivisionConfig::default());
        }
        let value: Value = serde_json::from_str(text).map_err(|e| Error::Parse {
            format: "JSON",
            message: format!("division config: {e}"),
        })?;
        if !value.is_object() {
            return Err(Error::invalid(
                "config",
                value,
                "the division config must be a JSON object",
            ));
        }
        let config: DivisionConfig = serde_path_to_error::deserialize(&value).map_err(|e| {
            let path = e.path().to_string();
            let (what, bad) = if path == "." {
                ("config".to_owned(), value.to_string())
            } else {
                let pointer = format!("/{}", path.replace('.', "/"));
                let bad = value
                    .pointer(&pointer)
                    .map_or_else(|| value.to_string(), Value::to_string);
                (path, bad)
            };
            Error::invalid(what, bad, e.into_inner().to_string())
        })?;
        config.validate()?;
        Ok(config)
    }
}
