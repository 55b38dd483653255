//! Territory: the area tree (city → district → street → community → unit grid).
//!
//! Areas are stored in an arena in depth-first preorder, so a subtree is a contiguous range of
//! [`AreaId`]s: `a` lies under `b` exactly when `b <= a < subtree_end(b)`. Lookups by code go
//! through a hash map (O(1)); ancestor walks follow parent links (O(depth)).
//!
//! Codes follow the national schemes: a unit grid has 14 digits (CJ/T 213-2005: 6-digit
//! GB/T 2260 division + 3-digit street + 3-digit community + 2-digit sequence) or 15 digits
//! (3-digit sequence, Beijing's DB11 单元网格划分); divisions have 6 digits, streets 9 and communities 12.
//! A model may declare `code_format = "free"` for other schemes.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Issues, Result};

/// Default levels of the area tree (市-区-街道-社区-网格, the five levels of common practice); the
/// last level holds the unit grids.
pub const DEFAULT_LEVELS: [&str; 5] = ["city", "district", "street", "community", "grid"];

/// GB/T 2260 province-level codes (first two digits of a division code): the 31 provinces,
/// autonomous regions and municipalities, Taiwan (71), Hong Kong (81) and Macao (82).
const PROVINCE_CODES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

/// How area codes are written.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CodeFormat {
    /// National numeric codes: 6-digit divisions, 9-digit streets, 12-digit communities,
    /// 14- or 15-digit unit grids (CJ/T 213-2005, DB11).
    #[default]
    National,
    /// Any code of 1–64 printable characters without spaces.
    Free,
}

/// A validated area code.
///
/// # Examples
/// ```
/// use gridgov::territory::{AreaCode, CodeFormat};
/// let grid = AreaCode::parse_grid("37990100100101", CodeFormat::National)?;
/// assert_eq!(grid.as_str(), "37990100100101");
/// assert!(AreaCode::parse_grid("11010", CodeFormat::National).is_err());
/// # Ok::<(), gridgov::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AreaCode(Box<str>);

impl AreaCode {
    /// Parses the code of a unit grid.
    ///
    /// # Errors
    /// [`Error::InvalidCode`] naming the code and what is wrong with it.
    pub fn parse_grid(code: &str, format: CodeFormat) -> Result<Self> {
        match format {
            CodeFormat::Free => Self::parse_free(code, "grid"),
            CodeFormat::National => {
                let bad = |reason: String| Error::InvalidCode {
                    what: "grid",
                    value: code.to_owned(),
                    reason,
                };
                if !(code.len() == 14 || code.len() == 15) || !all_digits(code) {
                    return Err(bad("is not a 14- or 15-digit grid code".into()));
                }
                check_division(&code[..6]).map_err(bad)?;
                if &code[6..9] == "000" {
                    return Err(bad("street part (digits 7-9) is 000".into()));
                }
                if &code[9..12] == "000" {
                    return Err(bad("community part (digits 10-12) is 000".into()));
                }
                if code[12..].bytes().all(|b| b == b'0') {
                    return Err(bad(
                        "grid sequence is zero (a sequence of zeros denotes the community itself)"
                            .into(),
                    ));
                }
                Ok(Self(code.into()))
            }
        }
    }

    /// Parses the code of an area above the unit grids (division, street, community).
    ///
    /// # Errors
    /// [`Error::InvalidCode`] naming the code and what is wrong with it.
    pub fn parse_area(code: &str, format: CodeFormat) -> Result<Self> {
        match format {
            CodeFormat::Free => Self::parse_free(code, "area"),
            CodeFormat::National => {
                let bad = |reason: String| Error::InvalidCode {
                    what: "area",
                    value: code.to_owned(),
                    reason,
                };
                if !matches!(code.len(), 6 | 9 | 12) || !all_digits(code) {
                    return Err(bad(
                        "is not a 6-digit division, 9-digit street or 12-digit community code"
                            .into(),
                    ));
                }
                check_division(&code[..6]).map_err(bad)?;
                Ok(Self(code.into()))
            }
        }
    }

    fn parse_free(code: &str, what: &'static str) -> Result<Self> {
        let bad = |reason: &str| Error::InvalidCode {
            what,
            value: code.to_owned(),
            reason: reason.to_owned(),
        };
        if code.is_empty() || code.chars().count() > 64 {
            return Err(bad("must have 1 to 64 characters"));
        }
        if code.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("must not contain spaces or control characters"));
        }
        Ok(Self(code.into()))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn all_digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

fn check_division(div: &str) -> std::result::Result<(), String> {
    let province: u8 = div[..2]
        .parse()
        .map_err(|_| "division prefix is not numeric")?;
    if !PROVINCE_CODES.contains(&province) {
        return Err(format!(
            "division prefix {div} does not start with a GB/T 2260 province code"
        ));
    }
    Ok(())
}

/// Whether `child` is a plausible national child code of `parent`.
///
/// Street, community and grid codes extend their parent's code. A 6-digit division only shares
/// its significant digits with its parent division (`379901` under `379900`, `370000`).
fn national_prefix_ok(parent: &str, child: &str) -> bool {
    if parent.len() > 6 {
        return child.starts_with(parent);
    }
    let mut significant = parent;
    while significant.len() > 2 && significant.ends_with("00") {
        significant = &significant[..significant.len() - 2];
    }
    child.starts_with(significant)
}

/// Index of an area in its [`Territory`] (depth-first preorder position).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AreaId(pub u32);

impl AreaId {
    /// The index as `usize`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One area of the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    /// Its code.
    pub code: AreaCode,
    /// Its name.
    pub name: String,
    /// Index into [`Territory::levels`].
    pub level: u8,
    /// The parent area, `None` for a root.
    pub parent: Option<AreaId>,
    /// Residents.
    pub population: Option<u64>,
    /// Households.
    pub households: Option<u64>,
    /// Surface in square metres.
    pub area_m2: Option<f64>,
    /// Declared neighbouring areas (used by the grid-division analysis when no boundaries exist).
    pub neighbours: Vec<AreaId>,
}

/// One area as written in the model file (`[[areas]]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaConfig {
    /// The area code (national form or free, per `code_format`).
    pub code: String,
    /// Display name.
    pub name: String,
    /// One of the model's `levels`.
    pub level: String,
    /// Code of the parent area; omitted for a root (the city).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Residents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<u64>,
    /// Households.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub households: Option<u64>,
    /// Surface in square metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_m2: Option<f64>,
    /// Codes of neighbouring areas of the same level.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub neighbours: Vec<String>,
}

/// The area tree of a city.
#[derive(Debug, Clone, PartialEq)]
pub struct Territory {
    levels: Vec<String>,
    format: CodeFormat,
    areas: Vec<Area>,
    subtree_end: Vec<u32>,
    depth: Vec<u8>,
    children: Vec<Vec<AreaId>>,
    index: foldhash::HashMap<Box<str>, AreaId>,
    grids: Vec<AreaId>,
}

impl Territory {
    /// Builds the tree from the `[[areas]]` entries of a model file, recording every problem
    /// in `issues` with a path such as `areas[12].code`. Returns `None` when anything is wrong.
    pub fn from_config(
        levels: &[String],
        format: CodeFormat,
        configs: &[AreaConfig],
        issues: &mut Issues,
    ) -> Option<Territory> {
        let before = issues.len();
        let mut seen_levels: HashMap<&str, usize> = HashMap::new();
        if levels.is_empty() {
            issues.push("levels", "must name at least one level");
        }
        for (i, l) in levels.iter().enumerate() {
            if l.trim().is_empty() {
                issues.push(format!("levels[{i}]"), "level name is empty");
            } else if seen_levels.insert(l.as_str(), i).is_some() {
                issues.push(
                    format!("levels[{i}]"),
                    format!("level {l:?} is listed twice"),
                );
            }
        }
        let grid_level = levels.len().saturating_sub(1);

        // Pass 1: codes, levels, duplicates.
        let mut codes: Vec<Option<AreaCode>> = Vec::with_capacity(configs.len());
        let mut lvl: Vec<Option<usize>> = Vec::with_capacity(configs.len());
        let mut by_code: HashMap<&str, usize> = HashMap::with_capacity(configs.len());
        for (i, a) in configs.iter().enumerate() {
            let level = seen_levels.get(a.level.as_str()).copied();
            if level.is_none() {
                issues.push(
                    format!("areas[{i}].level"),
                    format!("{:?} is not one of the levels {levels:?}", a.level),
                );
            }
            let code = if level == Some(grid_level) {
                AreaCode::parse_grid(&a.code, format)
            } else {
                AreaCode::parse_area(&a.code, format)
            };
            match code {
                Ok(c) => {
                    if let Some(first) = by_code.insert(&a.code, i) {
                        issues.push(
                            format!("areas[{i}].code"),
                            format!("{:?} duplicates areas[{first}].code", a.code),
                        );
                    }
                    codes.push(Some(c));
                }
                Err(Error::InvalidCode { reason, .. }) => {
                    issues.push(format!("areas[{i}].code"), format!("{:?} {reason}", a.code));
                    codes.push(None);
                }
                Err(e) => {
                    issues.push(format!("areas[{i}].code"), e.to_string());
                    codes.push(None);
                }
            }
            if a.name.trim().is_empty() {
                issues.push(format!("areas[{i}].name"), "name is empty");
            }
            if let Some(m2) = a.area_m2
                && !(m2.is_finite() && m2 >= 0.0)
            {
                issues.push(
                    format!("areas[{i}].area_m2"),
                    format!("{m2} is not a finite, non-negative surface"),
                );
            }
            lvl.push(level);
        }

        // Pass 2: parents.
        let mut parent: Vec<Option<usize>> = vec![None; configs.len()];
        let mut kids: Vec<Vec<usize>> = vec![Vec::new(); configs.len()];
        let mut roots = Vec::new();
        for (i, a) in configs.iter().enumerate() {
            match &a.parent {
                None => {
                    if lvl[i].is_some_and(|l| l != 0) {
                        issues.push(
                            format!("areas[{i}].parent"),
                            format!(
                                "area {:?} at level {:?} needs a parent (only the top level {:?} may be a root)",
                                a.code, a.level, levels[0]
                            ),
                        );
                    }
                    roots.push(i);
                }
                Some(p) => match by_code.get(p.as_str()) {
                    None => {
                        issues.push(format!("areas[{i}].parent"), format!("unknown area {p:?}"));
                    }
                    Some(&pi) => {
                        if let (Some(cl), Some(pl)) = (lvl[i], lvl[pi])
                            && cl <= pl
                        {
                            issues.push(
                                format!("areas[{i}].parent"),
                                format!(
                                    "parent {p:?} is at level {:?}, not above {:?}",
                                    configs[pi].level, a.level
                                ),
                            );
                        }
                        if lvl[pi] == Some(grid_level) {
                            issues.push(
                                format!("areas[{i}].parent"),
                                format!("parent {p:?} is a unit grid; grids have no children"),
                            );
                        }
                        if format == CodeFormat::National && !national_prefix_ok(p, &a.code) {
                            issues.push(
                                format!("areas[{i}].code"),
                                format!("{:?} does not extend its parent's code {p:?}", a.code),
                            );
                        }
                        parent[i] = Some(pi);
                        kids[pi].push(i);
                    }
                },
            }
        }
        if configs.is_empty() {
            issues.push("areas", "a model needs at least one area");
        }
        if issues.len() > before {
            return None;
        }

        // Preorder numbering (iterative DFS; children in file order).
        let n = configs.len();
        let mut order = Vec::with_capacity(n);
        let mut stack: Vec<usize> = roots.iter().rev().copied().collect();
        while let Some(i) = stack.pop() {
            order.push(i);
            stack.extend(kids[i].iter().rev().copied());
        }
        let mut new_id = vec![0u32; n];
        for (pos, &i) in order.iter().enumerate() {
            new_id[i] = pos as u32;
        }
        let mut areas = Vec::with_capacity(n);
        let mut depth = vec![0u8; n];
        let mut index =
            foldhash::HashMap::with_capacity_and_hasher(n, foldhash::fast::RandomState::default());
        let mut grids = Vec::new();
        for &i in &order {
            let a = &configs[i];
            let id = AreaId(new_id[i]);
            let p = parent[i].map(|pi| AreaId(new_id[pi]));
            if let Some(p) = p {
                depth[id.index()] = depth[p.index()].saturating_add(1);
            }
            let level = lvl[i].unwrap_or(0) as u8;
            if usize::from(level) == grid_level {
                grids.push(id);
            }
            index.insert(Box::from(a.code.as_str()), id);
            areas.push(Area {
                code: codes[i]
                    .clone()
                    .unwrap_or_else(|| AreaCode(a.code.as_str().into())),
                name: a.name.clone(),
                level,
                parent: p,
                population: a.population,
                households: a.households,
                area_m2: a.area_m2,
                neighbours: Vec::new(),
            });
        }
        let mut subtree_end = vec![0u32; n];
        let mut children = vec![Vec::new(); n];
        for pos in (0..n).rev() {
            let end = children[pos]
                .iter()
                .map(|c: &AreaId| subtree_end[c.index()])
                .max()
                .unwrap_or(pos as u32 + 1);
            subtree_end[pos] = end;
            if let Some(p) = areas[pos].parent {
                children[p.index()].push(AreaId(pos as u32));
            }
        }
        for c in &mut children {
            c.reverse();
        }
        let mut territory = Territory {
            levels: levels.to_vec(),
            format,
            areas,
            subtree_end,
            depth,
            children,
            index,
            grids,
        };
        // Neighbours, now that every code resolves.
        for (i, a) in configs.iter().enumerate() {
            let id = AreaId(new_id[i]);
            for (j, nb) in a.neighbours.iter().enumerate() {
                match territory.index.get(nb.as_str()) {
                    None => issues.push(
                        format!("areas[{i}].neighbours[{j}]"),
                        format!("unknown area {nb:?}"),
                    ),
                    Some(&other) if other == id => issues.push(
                        format!("areas[{i}].neighbours[{j}]"),
                        format!("area {nb:?} cannot neighbour itself"),
                    ),
                    Some(&other) => territory.areas[id.index()].neighbours.push(other),
                }
            }
        }
        if issues.len() > before {
            return None;
        }
        Some(territory)
    }

    /// Level names, top first; the last is the unit-grid level.
    pub fn levels(&self) -> &[String] {
        &self.levels
    }

    /// The code format of this territory.
    pub fn code_format(&self) -> CodeFormat {
        self.format
    }

    /// Index of the level named `name`.
    ///
    /// # Errors
    /// [`Error::Unknown`] when no level has that name.
    pub fn level_index(&self, name: &str) -> Result<u8> {
        self.levels
            .iter()
            .position(|l| l == name)
            .map(|i| i as u8)
            .ok_or_else(|| Error::unknown("level", name))
    }

    /// Number of areas.
    pub fn len(&self) -> usize {
        self.areas.len()
    }

    /// `true` when there are no areas (never the case for a loaded model).
    pub fn is_empty(&self) -> bool {
        self.areas.is_empty()
    }

    /// All areas in depth-first preorder.
    pub fn areas(&self) -> &[Area] {
        &self.areas
    }

    /// The area with this id.
    ///
    /// # Panics
    /// Never for an id obtained from this territory; an id from another territory may panic.
    pub fn area(&self, id: AreaId) -> &Area {
        &self.areas[id.index()]
    }

    /// Looks an area up by code in O(1).
    ///
    /// # Errors
    /// [`Error::Unknown`] naming the code.
    ///
    /// # Examples
    /// ```
    /// let model = gridgov::Model::sample();
    /// let t = model.territory();
    /// let id = t.find("379901")?;
    /// assert_eq!(t.area(id).name, "东湖区");
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn find(&self, code: &str) -> Result<AreaId> {
        self.index
            .get(code)
            .copied()
            .ok_or_else(|| Error::unknown("area", code))
    }

    /// Looks a unit grid up by code.
    ///
    /// # Errors
    /// [`Error::Unknown`] (`what = "grid"`) when the code is unknown or not a unit grid.
    pub fn find_grid(&self, code: &str) -> Result<AreaId> {
        match self.index.get(code) {
            Some(&id) if self.is_grid(id) => Ok(id),
            _ => Err(Error::unknown("grid", code)),
        }
    }

    /// `true` when the area is at the unit-grid level.
    pub fn is_grid(&self, id: AreaId) -> bool {
        usize::from(self.areas[id.index()].level) + 1 == self.levels.len()
    }

    /// The unit grids, in preorder.
    pub fn grids(&self) -> &[AreaId] {
        &self.grids
    }

    /// Depth in the tree (0 for a root).
    pub fn depth(&self, id: AreaId) -> u8 {
        self.depth[id.index()]
    }

    /// Direct children, in file order.
    pub fn children(&self, id: AreaId) -> &[AreaId] {
        &self.children[id.index()]
    }

    /// One past the last preorder id in the subtree of `id`.
    pub fn subtree_end(&self, id: AreaId) -> AreaId {
        AreaId(self.subtree_end[id.index()])
    }

    /// `true` when `area` is `ancestor` or lies in its subtree (O(1)).
    pub fn is_within(&self, area: AreaId, ancestor: AreaId) -> bool {
        ancestor.0 <= area.0 && area.0 < self.subtree_end[ancestor.index()]
    }

    /// The area and its ancestors, nearest first, ending at the root (O(depth)).
    ///
    /// # Examples
    /// ```
    /// let model = gridgov::Model::sample();
    /// let t = model.territory();
    /// let grid = t.grids()[0];
    /// let chain: Vec<_> = t.ancestors(grid).map(|a| t.area(a).level).collect();
    /// assert_eq!(chain, vec![4, 3, 2, 1, 0]);
    /// ```
    pub fn ancestors(&self, id: AreaId) -> impl Iterator<Item = AreaId> + '_ {
        std::iter::successors(Some(id), move |a| self.areas[a.index()].parent)
    }

    /// The ancestor of `id` (or `id` itself) at `level`, if any.
    pub fn ancestor_at_level(&self, id: AreaId, level: u8) -> Option<AreaId> {
        self.ancestors(id)
            .find(|a| self.areas[a.index()].level == level)
    }

    /// Unit grids in the subtree of `id`.
    pub fn grids_within(&self, id: AreaId) -> impl Iterator<Item = AreaId> + '_ {
        let lo = self.grids.partition_point(|g| g.0 < id.0);
        let hi = self
            .grids
            .partition_point(|g| g.0 < self.subtree_end[id.index()]);
        self.grids[lo..hi].iter().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_codes() {
        let f = CodeFormat::National;
        assert!(AreaCode::parse_grid("37990100100101", f).is_ok());
        assert!(AreaCode::parse_grid("110101001002003", f).is_ok());
        for bad in [
            "11010",
            "3799010010010",
            "1101010010020031",
            "99990100100101",
            "37990100000101",
            "37990100100001",
            "37990100100100",
            "379901001001000",
            "3799010010010a",
        ] {
            let e = AreaCode::parse_grid(bad, f).expect_err(bad);
            assert!(e.to_string().contains(bad), "{e}");
        }
        assert!(AreaCode::parse_grid("G-17", CodeFormat::Free).is_ok());
        assert!(AreaCode::parse_grid("G 17", CodeFormat::Free).is_err());
        assert!(AreaCode::parse_grid("", CodeFormat::Free).is_err());
    }

    #[test]
    fn prefix_rules() {
        assert!(national_prefix_ok("379900", "379901"));
        assert!(national_prefix_ok("370000", "379901"));
        assert!(!national_prefix_ok("379900", "379801"));
        assert!(national_prefix_ok("379901001", "379901001002"));
        assert!(!national_prefix_ok("379901001", "379901002002"));
    }

    fn cfg(code: &str, level: &str, parent: Option<&str>) -> AreaConfig {
        AreaConfig {
            code: code.into(),
            name: format!("n{code}"),
            level: level.into(),
            parent: parent.map(Into::into),
            population: None,
            households: None,
            area_m2: None,
            neighbours: vec![],
        }
    }

    fn levels() -> Vec<String> {
        DEFAULT_LEVELS.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn tree_and_walks() {
        let areas = vec![
            cfg("379901001001", "community", Some("379901001")),
            cfg("379900", "city", None),
            cfg("379901", "district", Some("379900")),
            cfg("379901001", "street", Some("379901")),
            cfg("37990100100101", "grid", Some("379901001001")),
            cfg("37990100100102", "grid", Some("379901001001")),
        ];
        let mut issues = Issues::default();
        let t = Territory::from_config(&levels(), CodeFormat::National, &areas, &mut issues)
            .expect("valid");
        assert!(issues.is_empty());
        assert_eq!(t.len(), 6);
        assert_eq!(t.grids().len(), 2);
        let city = t.find("379900").expect("city");
        let g = t.find_grid("37990100100102").expect("grid");
        assert!(t.is_within(g, city));
        assert_eq!(t.ancestors(g).count(), 5);
        assert_eq!(t.grids_within(city).count(), 2);
        assert!(t.find_grid("379901").is_err());
    }

    #[test]
    fn every_problem_reported() {
        let areas = vec![
            cfg("379900", "city", None),
            cfg("11010", "grid", Some("379900")),
            cfg("379901", "distrct", Some("379900")),
            cfg("379901001", "street", Some("379999")),
            cfg("379900", "district", Some("379900")),
        ];
        let mut issues = Issues::default();
        assert!(
            Territory::from_config(&levels(), CodeFormat::National, &areas, &mut issues).is_none()
        );
        let text = issues.to_string();
        for needle in [
            "areas[1].code: \"11010\" is not a 14- or 15-digit grid code",
            "areas[2].level",
            "areas[3].parent: unknown area \"379999\"",
            "areas[4].code: \"379900\" duplicates areas[0].code",
        ] {
            assert!(text.contains(needle), "missing {needle} in {text}");
        }
    }
}
