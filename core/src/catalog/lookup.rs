//! The built [`Catalog`]: its urgencies, major classes and leaf categories, and the lookups —
//! by key in O(1), by pattern, the limit of a stage at an urgency. Building one is in
//! `load.rs`.

use std::collections::{BTreeMap, HashMap};

use crate::calendar::TimeLimit;
use crate::error::{Error, Result};

use super::category::{Category, MajorClass, Stage};
use super::key::{CategoryKey, CategoryPattern};
use super::spec::CatalogSpec;

/// A validated category catalog: urgency levels, major classes and leaf categories with their
/// limits. Lookups by key are O(1).
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    pub(super) spec: CatalogSpec,
    pub(super) urgencies: Vec<String>,
    pub(super) default_urgency: String,
    pub(super) stage_limits: BTreeMap<Stage, TimeLimit>,
    pub(super) majors: Vec<MajorClass>,
    pub(super) categories: Vec<Category>,
    /// Per category (same positions): the stage limits it sets itself, not inherited from the
    /// catalog-wide defaults (kept so a catalog extending this one re-resolves the rest).
    pub(super) own_stages: Vec<BTreeMap<Stage, TimeLimit>>,
    pub(super) index: HashMap<CategoryKey, usize>,
}

impl Catalog {
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

    /// The catalog-wide limits of the stages other than handling (accept, verify, file,
    /// dispatch, check, close).
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
