//! Category catalog (事部件分类): components (部件) and events (事件), urgency levels and time
//! limits.
//!
//! A category's key carries its family, because components and events reuse the same numbers
//! (the layout is [`CategoryKey`]'s): `C0101` is component 01/01 (上水井盖), `E0102` is event
//! 01/02 (暴露垃圾). A key of a family letter and two digits (`C01`, `E03`) names a major class;
//! two more digits name a leaf category, the level cases are filed under. Local extensions use
//! the same shape with higher numbers (`E07`, `E0701`).
//!
//! Every leaf carries a handling limit per urgency level (e.g. 紧急 `urgent` / 一般 `normal`),
//! limits for the other stages — accept, verify, file, dispatch, check, close — (its own, or
//! the catalog-wide default), and the texts of its filing (立案) and closing (结案) conditions.
//! Limits are [`TimeLimit`]s: working time, working days or continuous time.
//!
//! A default catalog ships as data ([`Catalog::default_catalog`]); a model file either names it
//! (`catalog = "default"`) or gives a table ([`CatalogConfig`]) that may start from it
//! (`base = "default"`) and add or override majors and categories by key.
//!
//! # Where things are
//!
//! - `key.rs`: keys and patterns — [`Family`], [`CategoryKey`] (`C01`, `C0101`),
//!   [`CategoryPattern`] (`*`, `C`, `C01`, `C0101`).
//! - `category.rs`: what a built category carries — [`Category`] (limits per urgency and per
//!   stage, filing and closing conditions), [`MajorClass`], and [`Stage`], the case stages that
//!   carry a time limit.
//! - `spec.rs`: the catalog file format ([`CatalogSpec`], [`CatalogConfig`], [`MajorConfig`],
//!   [`CategoryConfig`]) and the built-in data ([`DEFAULT_CATALOG_TOML`]).
//! - `load.rs`: how a catalog is read — the constructors ([`Catalog::from_toml_str`],
//!   [`Catalog::from_spec`], [`Catalog::builtin`] and the others), the merge over a base
//!   catalog, the validation.
//! - `lookup.rs`: the built [`Catalog`] and its lookups: by key, by pattern, limits per urgency
//!   and stage ([`Catalog::limit`], [`Catalog::stage_limit`]).
//!
//! [`TimeLimit`]: crate::calendar::TimeLimit
//!
//! # Examples
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

mod category;
mod key;
mod load;
mod lookup;
mod spec;

pub use category::{Category, MajorClass, Stage};
pub use key::{CATEGORY_KEY_REGEX, CATEGORY_PATTERN_REGEX, CategoryKey, CategoryPattern, Family};
pub use lookup::Catalog;
pub use spec::{
    CatalogConfig, CatalogSpec, CategoryConfig, DEFAULT_CATALOG, DEFAULT_CATALOG_TOML, MajorConfig,
};
