//! The responsibility matrix (权责清单): routing a case to a unit, and the static check.
//!
//! A rule is `(category pattern, area, unit)`. Routing a case of category `c` in
//! grid `g` considers the rules whose pattern is a prefix of `c` and whose area is `g` or one of
//! its ancestors (a rule without an area covers the whole territory), and picks the most
//! specific: the longest category prefix first, then the deepest area. When no rule applies, the
//! model's territorial fallback (属地兜底) names the street office whose jurisdiction covers the
//! grid. Two equally specific rules naming different units are a conflict (多头管理).
//!
//! The static check classifies every (leaf category × unit grid) cell. It walks the area tree
//! once per distinct set of applicable rules (categories sharing the same rules share the walk),
//! in preorder with a stack of active rules, and compresses the cells it reports into maximal
//! subtrees, so a city of 10^5 grids × 500 categories is checked in about a second.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, CategoryKey, CategoryPattern};
use crate::error::{Error, Issues, Result};
use crate::org::{Organisation, Role, UnitId, UnitKind};
use crate::territory::{AreaId, Territory};

/// A duty rule as written in the model file (`[[duty]]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DutyRuleConfig {
    /// Category pattern: `"*"`, a family (`"C"`, `"E"`), a major class (`"C01"`) or a leaf
    /// category (`"C0101"`).
    pub category: String,
    /// Area code whose whole subtree the rule covers; omitted for the whole territory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// Identifier of the responsible unit.
    pub unit: String,
}

/// What happens when no duty rule covers a (category, grid) cell.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Fallback {
    /// No fallback: the cell is a gap.
    #[default]
    None,
    /// 属地兜底: the street office (unit of kind `street_office`) whose jurisdiction covers the
    /// grid is responsible.
    StreetOffice,
}

/// A validated duty rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DutyRule {
    /// The category pattern.
    pub pattern: CategoryPattern,
    /// The area whose subtree it covers (`None`: everywhere).
    pub area: Option<AreaId>,
    /// The responsible unit.
    pub unit: UnitId,
}

/// The answer of [`DutyMatrix::route`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// The responsible unit.
    pub unit: UnitId,
    /// Index of the deciding rule in the model's `duty` list; `None` when the territorial
    /// fallback decided.
    pub rule: Option<usize>,
}

/// Rules indexed for routing and checking.
#[derive(Debug, Clone, PartialEq)]
pub struct DutyMatrix {
    rules: Vec<DutyRule>,
    /// Rule indices per area (preorder id), most specific pattern first.
    by_area: Vec<Vec<u32>>,
    /// Rules without an area, most specific pattern first.
    everywhere: Vec<u32>,
    fallback: Fallback,
    /// For each area, the street office covering it (nearest jurisdiction wins).
    fallback_unit: Vec<Option<UnitId>>,
}

/// Specificity of a candidate: (pattern length, area depth + 1; 0 for "everywhere").
type Spec = (u8, u16);

impl DutyMatrix {
    /// Validates and indexes the rules, recording every problem with its path.
    pub fn from_config(
        rules: &[DutyRuleConfig],
        fallback: Fallback,
        territory: &Territory,
        org: &Organisation,
        catalog: &Catalog,
        issues: &mut Issues,
    ) -> Option<DutyMatrix> {
        let before = issues.len();
        let mut built = Vec::with_capacity(rules.len());
        for (i, r) in rules.iter().enumerate() {
            let pattern = match CategoryPattern::parse(&r.category) {
                Ok(p) => {
                    if catalog.matching(&p).next().is_none() {
                        issues.push(
                            format!("duty[{i}].category"),
                            format!(
                                "pattern {:?} matches no category of the catalog",
                                r.category
                            ),
                        );
                    }
                    Some(p)
                }
                Err(e) => {
                    issues.push(format!("duty[{i}].category"), e.to_string());
                    None
                }
            };
            let area = match &r.area {
                None => Some(None),
                Some(code) => match territory.find(code) {
                    Ok(a) => Some(Some(a)),
                    Err(_) => {
                        issues.push(format!("duty[{i}].area"), format!("unknown area {code:?}"));
                        None
                    }
                },
            };
            let unit = match org.find_unit(&r.unit) {
                Ok(u) => Some(u),
                Err(_) => {
                    issues.push(
                        format!("duty[{i}].unit"),
                        format!("unknown unit {:?}", r.unit),
                    );
                    None
                }
            };
            if let (Some(pattern), Some(area), Some(unit)) = (pattern, area, unit) {
                built.push(DutyRule {
                    pattern,
                    area,
                    unit,
                });
            }
        }
        // The fallback: street offices by jurisdiction, nearest area wins; two offices claiming
        // the same area make the fallback ambiguous, which is a model error.
        let mut own: Vec<Option<UnitId>> = vec![None; territory.len()];
        if fallback == Fallback::StreetOffice {
            let mut any = false;
            for (ui, u) in org.units().iter().enumerate() {
                if u.kind != UnitKind::StreetOffice {
                    continue;
                }
                any = true;
                for (j, &a) in u.jurisdiction.iter().enumerate() {
                    if let Some(other) = own[a.index()] {
                        issues.push(
                            format!("units[{ui}].jurisdiction[{j}]"),
                            format!(
                                "area {:?} is also claimed by street office {:?}: the territorial fallback would be ambiguous",
                                territory.area(a).code.as_str(),
                                org.unit(other).id
                            ),
                        );
                    } else {
                        own[a.index()] = Some(UnitId(ui as u32));
                    }
                }
            }
            if !any {
                issues.push(
                    "duty_fallback",
                    "\"street_office\" needs at least one unit of kind street_office",
                );
            }
        }
        if issues.len() > before {
            return None;
        }
        // Preorder: a parent precedes its children, so inheritance is one forward pass.
        let mut fallback_unit = own;
        for i in 0..territory.len() {
            if fallback_unit[i].is_none()
                && let Some(p) = territory.area(AreaId(i as u32)).parent
            {
                fallback_unit[i] = fallback_unit[p.index()];
            }
        }
        let mut by_area = vec![Vec::new(); territory.len()];
        let mut everywhere = Vec::new();
        for (i, r) in built.iter().enumerate() {
            match r.area {
                Some(a) => by_area[a.index()].push(i as u32),
                None => everywhere.push(i as u32),
            }
        }
        let spec_of = |i: &u32| std::cmp::Reverse(built[*i as usize].pattern.specificity());
        for v in &mut by_area {
            v.sort_by_key(spec_of);
        }
        everywhere.sort_by_key(spec_of);
        Some(DutyMatrix {
            rules: built,
            by_area,
            everywhere,
            fallback,
            fallback_unit,
        })
    }

    /// The rules, in file order.
    pub fn rules(&self) -> &[DutyRule] {
        &self.rules
    }

    /// The configured fallback.
    pub fn fallback(&self) -> Fallback {
        self.fallback
    }

    /// Routes a case of category `category` in unit grid `grid` (O(depth × rules per area)).
    ///
    /// # Errors
    /// [`Error::NoResponsibleUnit`] when nothing covers the cell, [`Error::DutyConflict`] when
    /// equally specific rules disagree.
    pub fn route(
        &self,
        territory: &Territory,
        org: &Organisation,
        category: &CategoryKey,
        grid: AreaId,
    ) -> Result<Route> {
        let mut best: Option<Spec> = None;
        let mut winners: Vec<usize> = Vec::new();
        let mut consider = |list: &[u32], depth: u16| {
            for &ri in list {
                let r = &self.rules[ri as usize];
                if !r.pattern.matches(category) {
                    continue;
                }
                let spec = (r.pattern.specificity() as u8, depth);
                match best {
                    Some(b) if spec < b => {}
                    Some(b) if spec == b => winners.push(ri as usize),
                    _ => {
                        best = Some(spec);
                        winners.clear();
                        winners.push(ri as usize);
                    }
                }
            }
        };
        for a in territory.ancestors(grid) {
            consider(&self.by_area[a.index()], u16::from(territory.depth(a)) + 1);
        }
        consider(&self.everywhere, 0);
        let Some(&first) = winners.first() else {
            return match self.fallback_for(grid) {
                Some(unit) => Ok(Route { unit, rule: None }),
                None => Err(Error::NoResponsibleUnit {
                    category: category.to_string(),
                    grid: territory.area(grid).code.to_string(),
                }),
            };
        };
        let unit = self.rules[first].unit;
        if winners.iter().any(|&w| self.rules[w].unit != unit) {
            winners.sort_unstable();
            let mut units: Vec<String> = winners
                .iter()
                .map(|&w| org.unit(self.rules[w].unit).id.clone())
                .collect();
            units.dedup();
            return Err(Error::DutyConflict {
                category: category.to_string(),
                grid: territory.area(grid).code.to_string(),
                rules: winners,
                units,
            });
        }
        let rule = winners.into_iter().min();
        Ok(Route { unit, rule })
    }

    fn fallback_for(&self, grid: AreaId) -> Option<UnitId> {
        match self.fallback {
            Fallback::None => None,
            Fallback::StreetOffice => self.fallback_unit[grid.index()],
        }
    }

    /// Checks every (leaf category × unit grid) cell for gaps and conflicts.
    ///
    /// # Examples
    /// ```
    /// let model = gridgov::Model::sample();
    /// let report = model.check();
    /// assert_eq!(report.gaps.len(), 0);
    /// assert_eq!(report.cells, report.categories as u64 * report.grids as u64);
    /// ```
    pub fn check(
        &self,
        territory: &Territory,
        org: &Organisation,
        catalog: &Catalog,
    ) -> CheckReport {
        let n = territory.len();
        let cats = catalog.categories();
        let grid_level = territory.levels().len() - 1;
        let is_grid: Vec<bool> = territory
            .areas()
            .iter()
            .map(|a| usize::from(a.level) == grid_level)
            .collect();
        // Group categories by the set of rules that apply to them.
        let mut groups: HashMap<Vec<u32>, Vec<usize>> = HashMap::new();
        for (ci, c) in cats.iter().enumerate() {
            let sig: Vec<u32> = (0..self.rules.len() as u32)
                .filter(|&ri| self.rules[ri as usize].pattern.matches(&c.key))
                .collect();
            groups.entry(sig).or_default().push(ci);
        }
        let mut groups: Vec<(Vec<u32>, Vec<usize>)> = groups.into_iter().collect();
        groups.sort_by_key(|(_, cs)| cs[0]);

        let mut report = CheckReport {
            categories: cats.len(),
            grids: territory.grids().len(),
            cells: cats.len() as u64 * territory.grids().len() as u64,
            ..CheckReport::default()
        };
        let mut applies = vec![false; self.rules.len()];
        let mut outcome = vec![Outcome::NONE; n];
        let mut stack: Vec<(u32, Spec, u32)> = Vec::new(); // (subtree end, spec, winner-set id)
        for (sig, members) in &groups {
            for &ri in sig {
                applies[ri as usize] = true;
            }
            // Winner sets found during this walk: sorted rule indices.
            let mut sets: Vec<Vec<u32>> = Vec::new();
            let mut set_ids: HashMap<Vec<u32>, u32> = HashMap::new();
            let base_winners: Vec<u32> = best_of(&self.everywhere, &applies, &self.rules);
            let base_spec: Spec = base_winners.first().map_or((0, 0), |&r| {
                (self.rules[r as usize].pattern.specificity() as u8, 0)
            });
            let base_set = if base_winners.is_empty() {
                u32::MAX
            } else {
                intern(&mut sets, &mut set_ids, base_winners)
            };
            stack.clear();
            let mut fallback_cells = 0u64;
            for i in 0..n {
                while stack.last().is_some_and(|&(end, _, _)| end as usize <= i) {
                    stack.pop();
                }
                let (cur_spec, cur_set) = stack
                    .last()
                    .map_or((base_spec, base_set), |&(_, s, w)| (s, w));
                let local = best_of(&self.by_area[i], &applies, &self.rules);
                let (spec, set) = if let Some(&r) = local.first() {
                    let p = self.rules[r as usize].pattern.specificity() as u8;
                    if cur_set == u32::MAX || p >= cur_spec.0 {
                        let d = u16::from(territory.depth(AreaId(i as u32))) + 1;
                        ((p, d), intern(&mut sets, &mut set_ids, local))
                    } else {
                        (cur_spec, cur_set)
                    }
                } else {
                    (cur_spec, cur_set)
                };
                let end = territory.subtree_end(AreaId(i as u32)).0;
                if end as usize > i + 1 {
                    stack.push((end, spec, set));
                }
                if is_grid[i] {
                    outcome[i] = if set == u32::MAX {
                        if self.fallback_for(AreaId(i as u32)).is_some() {
                            fallback_cells += 1;
                            Outcome::OK
                        } else {
                            Outcome::GAP
                        }
                    } else {
                        let units_differ = {
                            let s = &sets[set as usize];
                            let u0 = self.rules[s[0] as usize].unit;
                            s.iter().any(|&r| self.rules[r as usize].unit != u0)
                        };
                        if units_differ {
                            Outcome(set)
                        } else {
                            Outcome::OK
                        }
                    };
                } else {
                    outcome[i] = Outcome::NONE;
                }
            }
            // Compress bad cells into maximal uniform subtrees.
            let mut uniform = outcome.clone();
            for i in (0..n).rev() {
                if is_grid[i] {
                    continue;
                }
                let kids = territory.children(AreaId(i as u32));
                let mut acc = Outcome::NONE;
                for k in kids {
                    let o = uniform[k.index()];
                    if o == Outcome::NONE {
                        continue; // no grids below
                    }
                    if acc == Outcome::NONE {
                        acc = o;
                    } else if acc != o {
                        acc = Outcome::MIXED;
                        break;
                    }
                }
                uniform[i] = acc;
            }
            let mut gap_areas = Vec::new();
            let mut gap_grids = 0u64;
            let mut conflict_areas: HashMap<u32, (Vec<String>, u64)> = HashMap::new();
            for i in 0..n {
                let o = uniform[i];
                if matches!(o, Outcome::NONE | Outcome::MIXED | Outcome::OK) {
                    continue;
                }
                let parent = territory.area(AreaId(i as u32)).parent;
                if parent.is_some_and(|p| uniform[p.index()] == o) {
                    continue; // covered by a larger uniform subtree
                }
                let code = territory.area(AreaId(i as u32)).code.to_string();
                let count = territory.grids_within(AreaId(i as u32)).count() as u64;
                if o == Outcome::GAP {
                    gap_areas.push(code);
                    gap_grids += count;
                } else {
                    let e = conflict_areas.entry(o.0).or_default();
                    e.0.push(code);
                    e.1 += count;
                }
            }
            let mut conflict_sets: Vec<(u32, (Vec<String>, u64))> =
                conflict_areas.into_iter().collect();
            conflict_sets.sort_by_key(|(s, _)| sets[*s as usize].clone());
            for &ci in members {
                let category = cats[ci].key.to_string();
                report.fallback_cells += fallback_cells;
                if gap_grids > 0 {
                    report.gaps.push(Gap {
                        category: category.clone(),
                        areas: gap_areas.clone(),
                        grids: gap_grids,
                    });
                }
                for (set, (areas, grids)) in &conflict_sets {
                    let rules: Vec<usize> =
                        sets[*set as usize].iter().map(|&r| r as usize).collect();
                    let mut units: Vec<String> = rules
                        .iter()
                        .map(|&r| org.unit(self.rules[r].unit).id.clone())
                        .collect();
                    units.sort();
                    units.dedup();
                    report.conflicts.push(Conflict {
                        category: category.clone(),
                        rules,
                        units,
                        areas: areas.clone(),
                        grids: *grids,
                    });
                }
            }
            for &ri in sig {
                applies[ri as usize] = false;
            }
        }
        report.gaps.sort_by(|a, b| a.category.cmp(&b.category));
        report
            .conflicts
            .sort_by(|a, b| (&a.category, &a.rules).cmp(&(&b.category, &b.rules)));
        report.gap_cells = report.gaps.iter().map(|g| g.grids).sum();
        report.conflict_cells = report.conflicts.iter().map(|c| c.grids).sum();
        report
    }
}

/// Returns the id of a winner set, adding it when new.
fn intern(sets: &mut Vec<Vec<u32>>, ids: &mut HashMap<Vec<u32>, u32>, set: Vec<u32>) -> u32 {
    if let Some(&id) = ids.get(&set) {
        return id;
    }
    let id = sets.len() as u32;
    sets.push(set.clone());
    ids.insert(set, id);
    id
}

/// The most specific applicable rules of a list sorted by descending specificity.
fn best_of(list: &[u32], applies: &[bool], rules: &[DutyRule]) -> Vec<u32> {
    let mut out = Vec::new();
    let mut best = None;
    for &r in list {
        if !applies[r as usize] {
            continue;
        }
        let s = rules[r as usize].pattern.specificity();
        match best {
            None => {
                best = Some(s);
                out.push(r);
            }
            Some(b) if b == s => out.push(r),
            Some(_) => break,
        }
    }
    out.sort_unstable();
    out
}

/// Per-area outcome of a walk: NONE (no grids), OK, GAP, MIXED, or a conflicting winner set id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Outcome(u32);

impl Outcome {
    const NONE: Outcome = Outcome(u32::MAX);
    const OK: Outcome = Outcome(u32::MAX - 1);
    const GAP: Outcome = Outcome(u32::MAX - 2);
    const MIXED: Outcome = Outcome(u32::MAX - 3);
}

/// Cells of one category that no rule and no fallback covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// Leaf category key.
    pub category: String,
    /// Maximal areas whose every unit grid is uncovered (the union is exactly the gap).
    pub areas: Vec<String>,
    /// Number of unit grids uncovered.
    pub grids: u64,
}

/// Cells of one category where equally specific rules name different units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    /// Leaf category key.
    pub category: String,
    /// Indices of the competing rules in the model's `duty` list.
    pub rules: Vec<usize>,
    /// The units they name.
    pub units: Vec<String>,
    /// Maximal areas whose every unit grid is in conflict between exactly these rules.
    pub areas: Vec<String>,
    /// Number of unit grids affected.
    pub grids: u64,
}

/// The result of the static check.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct CheckReport {
    /// Leaf categories checked.
    pub categories: usize,
    /// Unit grids checked.
    pub grids: usize,
    /// Cells checked (categories × grids).
    pub cells: u64,
    /// Cells decided by the territorial fallback.
    pub fallback_cells: u64,
    /// Cells with no responsible unit.
    pub gap_cells: u64,
    /// Cells with conflicting rules.
    pub conflict_cells: u64,
    /// Gaps, one entry per category.
    pub gaps: Vec<Gap>,
    /// Conflicts, one entry per (category, competing rules).
    pub conflicts: Vec<Conflict>,
    /// Staffing gaps: units that receive cases with no handler, unit grids no supervisor
    /// patrols ([`crate::Model::check`] fills them; the matrix alone knows no workers).
    pub staffing: Staffing,
    /// Division codes of the model's national area codes that the GB/T 2260 list lacks
    /// ([`crate::Model::check`] fills them unless the model's `division_codes.check` is `off`).
    pub unknown_divisions: Vec<crate::divisions::UnknownDivision>,
}

/// Staffing gaps of a model: who would receive cases that nobody can handle, where nobody
/// patrols.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Staffing {
    /// Units some duty rule or the territorial fallback assigns cases to, without a worker
    /// of role `handler`, in unit order.
    pub units_without_handler: Vec<UnstaffedUnit>,
    /// Unit grids no supervisor is assigned to, in the order of the territory's grids.
    pub grids_without_supervisor: Vec<UnsupervisedGrid>,
}

/// A unit that receives cases but has no handler.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnstaffedUnit {
    /// The unit's id.
    pub unit: String,
    /// Its name.
    pub name: String,
    /// Indices of the duty rules naming it, in the model's `duty` list.
    pub rules: Vec<usize>,
    /// Unit grids whose territorial fallback it is.
    pub fallback_grids: u64,
}

/// A unit grid without a supervisor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnsupervisedGrid {
    /// The grid's code.
    pub code: String,
    /// Its name.
    pub name: String,
}

impl Staffing {
    /// The staffing gaps of a model's organisation under its duty matrix.
    pub fn of(duty: &DutyMatrix, territory: &Territory, org: &Organisation) -> Staffing {
        let units = org.units();
        let mut rules: Vec<Vec<usize>> = vec![Vec::new(); units.len()];
        for (i, r) in duty.rules.iter().enumerate() {
            rules[r.unit.index()].push(i);
        }
        let mut fallback = vec![0u64; units.len()];
        for &g in territory.grids() {
            if let Some(u) = duty.fallback_for(g) {
                fallback[u.index()] += 1;
            }
        }
        let mut handlers = vec![false; units.len()];
        let mut supervised = vec![false; territory.len()];
        for w in org.workers() {
            if w.role == Role::Handler {
                handlers[w.unit.index()] = true;
            }
            if w.role == Role::Supervisor {
                for g in &w.grids {
                    supervised[g.index()] = true;
                }
            }
        }
        let units_without_handler = units
            .iter()
            .enumerate()
            .filter(|&(i, _)| !handlers[i] && (!rules[i].is_empty() || fallback[i] > 0))
            .map(|(i, u)| UnstaffedUnit {
                unit: u.id.clone(),
                name: u.name.clone(),
                rules: rules[i].clone(),
                fallback_grids: fallback[i],
            })
            .collect();
        let grids_without_supervisor = territory
            .grids()
            .iter()
            .filter(|g| !supervised[g.index()])
            .map(|&g| {
                let a = territory.area(g);
                UnsupervisedGrid {
                    code: a.code.to_string(),
                    name: a.name.clone(),
                }
            })
            .collect();
        Staffing {
            units_without_handler,
            grids_without_supervisor,
        }
    }

    /// `true` when every unit that receives cases has a handler and every grid a supervisor.
    pub fn is_empty(&self) -> bool {
        self.units_without_handler.is_empty() && self.grids_without_supervisor.is_empty()
    }
}

impl CheckReport {
    /// `true` when there is neither a gap nor a conflict in the duty matrix (staffing gaps are
    /// reported apart: [`Staffing::is_empty`]).
    pub fn is_clean(&self) -> bool {
        self.gaps.is_empty() && self.conflicts.is_empty()
    }

    /// The report as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }
}
