//! Organisation: units (centres, departments, street offices), their reporting graph, workers
//! and roles.
//!
//! Units form a directed graph (petgraph), each unit pointing to the parent it escalates to; a
//! cycle is rejected at load time. Workers hold exactly one role; supervisors (grid workers) are
//! assigned unit grids, other roles act within their unit's jurisdiction.

use std::fmt;
use std::str::FromStr;

use petgraph::graph::{DiGraph, NodeIndex};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Issues, Result};
use crate::territory::{AreaId, Territory};

/// What kind of organisation a unit is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// 监督中心: collects problems, supervises results, evaluates.
    SupervisionCentre,
    /// 指挥中心: dispatches tasks to departments and feeds results back.
    CommandCentre,
    /// 专业部门: a professional department that handles cases.
    #[default]
    Department,
    /// 街道办事处: the street office, the territorial authority (属地).
    StreetOffice,
    /// 社区工作站: a community station.
    CommunityStation,
    /// Anything else (contractors, utilities).
    Other,
}

/// The role a worker holds (one each).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 监督员 / 网格员: patrols assigned grids, reports, verifies and checks on site.
    Supervisor,
    /// 受理员: registers reports, sends verification and check tasks.
    Acceptor,
    /// 值班长: files (立案) and closes (结案) cases.
    ShiftLeader,
    /// 派遣员: dispatches cases to departments.
    Dispatcher,
    /// 处置人员: handles cases for a department.
    Handler,
    /// Leader who supervises (督办).
    Manager,
    /// Read-only auditor.
    Auditor,
}

impl Role {
    /// Every role, in the order above.
    pub const ALL: [Role; 7] = [
        Role::Supervisor,
        Role::Acceptor,
        Role::ShiftLeader,
        Role::Dispatcher,
        Role::Handler,
        Role::Manager,
        Role::Auditor,
    ];

    /// The `snake_case` name used in files and bindings.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Supervisor => "supervisor",
            Role::Acceptor => "acceptor",
            Role::ShiftLeader => "shift_leader",
            Role::Dispatcher => "dispatcher",
            Role::Handler => "handler",
            Role::Manager => "manager",
            Role::Auditor => "auditor",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| Error::unknown("role", s))
    }
}

impl UnitKind {
    /// The `snake_case` name used in files and bindings.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::SupervisionCentre => "supervision_centre",
            UnitKind::CommandCentre => "command_centre",
            UnitKind::Department => "department",
            UnitKind::StreetOffice => "street_office",
            UnitKind::CommunityStation => "community_station",
            UnitKind::Other => "other",
        }
    }
}

impl fmt::Display for UnitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Index of a unit in its [`Organisation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitId(pub u32);

impl UnitId {
    /// The index as `usize`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Index of a worker in its [`Organisation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WorkerId(pub u32);

impl WorkerId {
    /// The index as `usize`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// Identifier used in files, duty rules and bindings.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What it is.
    pub kind: UnitKind,
    /// The unit it escalates to.
    pub parent: Option<UnitId>,
    /// Areas (whole subtrees) it acts in.
    pub jurisdiction: Vec<AreaId>,
    /// The name of the calendar its deadlines are counted on (`None`: the model's calendar);
    /// checked against the model's `[calendars]` by the model
    /// ([`crate::Model::calendar_for`]).
    pub calendar: Option<String>,
}

/// A worker.
#[derive(Debug, Clone, PartialEq)]
pub struct Worker {
    /// Identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The one role held.
    pub role: Role,
    /// The unit the worker belongs to.
    pub unit: UnitId,
    /// Unit grids assigned to a supervisor (empty for other roles).
    pub grids: Vec<AreaId>,
}

/// A unit as written in the model file (`[[units]]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitConfig {
    /// Unique identifier (1–64 characters, no spaces).
    pub id: String,
    /// Display name.
    pub name: String,
    /// What kind of unit it is.
    #[serde(default)]
    pub kind: UnitKind,
    /// Identifier of the unit it escalates to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Codes of the areas (whole subtrees) it acts in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub jurisdiction: Vec<String>,
    /// The calendar its deadlines are counted on: the name of one of the model's
    /// `[calendars]`, e.g. `"seven_day"` for a sanitation or emergency-repair unit that works
    /// every day (default: the model's `calendar`). Handling runs on the responsible unit's
    /// calendar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
}

/// A worker as written in the model file (`[[workers]]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkerConfig {
    /// Unique identifier (1–64 characters, no spaces).
    pub id: String,
    /// Display name.
    pub name: String,
    /// The worker's one role.
    pub role: Role,
    /// Identifier of the worker's unit.
    pub unit: String,
    /// Unit-grid codes a supervisor patrols (supervisors only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grids: Vec<String>,
}

/// Units, their reporting graph and workers.
#[derive(Debug, Clone)]
pub struct Organisation {
    units: Vec<Unit>,
    unit_index: foldhash::HashMap<String, UnitId>,
    workers: Vec<Worker>,
    worker_index: foldhash::HashMap<String, WorkerId>,
    graph: DiGraph<UnitId, ()>,
}

impl PartialEq for Organisation {
    fn eq(&self, other: &Self) -> bool {
        self.units == other.units && self.workers == other.workers
    }
}

fn check_id(id: &str, path: &str, issues: &mut Issues) {
    if id.is_empty() || id.chars().count() > 64 || id.chars().any(char::is_whitespace) {
        issues.push(
            path,
            format!("{id:?} is not an identifier (1-64 characters, no spaces)"),
        );
    }
}

impl Organisation {
    /// Builds units and workers from the model file, recording every problem with its path.
    ///
    /// Always returns an organisation so that later sections (the duty rules) can still be
    /// checked and their problems reported too; it is only valid when `issues` did not grow.
    /// Unresolvable references are left out (a bad parent is dropped, a worker with an unknown
    /// unit is attached to the first unit).
    pub fn from_config(
        units: &[UnitConfig],
        workers: &[WorkerConfig],
        territory: &Territory,
        issues: &mut Issues,
    ) -> Organisation {
        let mut unit_index = foldhash::HashMap::with_capacity_and_hasher(
            units.len(),
            foldhash::fast::RandomState::default(),
        );
        for (i, u) in units.iter().enumerate() {
            check_id(&u.id, &format!("units[{i}].id"), issues);
            if let Some(first) = unit_index.insert(u.id.clone(), UnitId(i as u32)) {
                issues.push(
                    format!("units[{i}].id"),
                    format!("{:?} duplicates units[{}].id", u.id, first.0),
                );
                unit_index.insert(u.id.clone(), first);
            }
            if u.name.trim().is_empty() {
                issues.push(format!("units[{i}].name"), "name is empty");
            }
        }
        let mut graph = DiGraph::with_capacity(units.len(), units.len());
        let nodes: Vec<NodeIndex> = (0..units.len())
            .map(|i| graph.add_node(UnitId(i as u32)))
            .collect();
        let mut built = Vec::with_capacity(units.len());
        for (i, u) in units.iter().enumerate() {
            let parent = match &u.parent {
                None => None,
                Some(p) => match unit_index.get(p) {
                    None => {
                        issues.push(format!("units[{i}].parent"), format!("unknown unit {p:?}"));
                        None
                    }
                    Some(&pid) if pid.index() == i => {
                        issues.push(
                            format!("units[{i}].parent"),
                            format!("unit {p:?} cannot be its own parent"),
                        );
                        None
                    }
                    Some(&pid) => {
                        graph.add_edge(nodes[i], nodes[pid.index()], ());
                        Some(pid)
                    }
                },
            };
            let mut jurisdiction = Vec::with_capacity(u.jurisdiction.len());
            for (j, code) in u.jurisdiction.iter().enumerate() {
                match territory.find(code) {
                    Ok(a) => jurisdiction.push(a),
                    Err(_) => issues.push(
                        format!("units[{i}].jurisdiction[{j}]"),
                        format!("unknown area {code:?}"),
                    ),
                }
            }
            built.push(Unit {
                id: u.id.clone(),
                name: u.name.clone(),
                kind: u.kind,
                parent,
                jurisdiction,
                calendar: u.calendar.clone(),
            });
        }
        // Report every cycle: name one, cut it, look again (each round removes an edge).
        while let Err(cycle) = petgraph::algo::toposort(&graph, None) {
            // Walk parent links from the reported node to name every unit on the cycle.
            let start = graph[cycle.node_id()];
            let mut members = vec![start];
            let mut cur = built[start.index()].parent;
            while let Some(u) = cur {
                if u == start || members.len() > built.len() {
                    break;
                }
                members.push(u);
                cur = built[u.index()].parent;
            }
            let names: Vec<String> = members
                .iter()
                .map(|u| built[u.index()].id.clone())
                .collect();
            let first = members.iter().min().map_or(0, |u| u.index());
            issues.push(
                format!("units[{first}].parent"),
                format!(
                    "the unit graph has a cycle: {} -> {}",
                    names.join(" -> "),
                    names[0]
                ),
            );
            // Break the cycle so that escalation walks on this (invalid) value stay finite.
            built[start.index()].parent = None;
            let node = NodeIndex::new(start.index());
            let Some(edge) = graph.find_edge(node, graph.neighbors(node).next().unwrap_or(node))
            else {
                break;
            };
            graph.remove_edge(edge);
        }

        let mut worker_index = foldhash::HashMap::with_capacity_and_hasher(
            workers.len(),
            foldhash::fast::RandomState::default(),
        );
        let mut built_workers = Vec::with_capacity(workers.len());
        for (i, w) in workers.iter().enumerate() {
            check_id(&w.id, &format!("workers[{i}].id"), issues);
            if let Some(first) = worker_index.insert(w.id.clone(), WorkerId(i as u32)) {
                issues.push(
                    format!("workers[{i}].id"),
                    format!("{:?} duplicates workers[{}].id", w.id, first.0),
                );
                worker_index.insert(w.id.clone(), first);
            }
            if w.name.trim().is_empty() {
                issues.push(format!("workers[{i}].name"), "name is empty");
            }
            let unit = match unit_index.get(&w.unit) {
                Some(&u) => u,
                None => {
                    issues.push(
                        format!("workers[{i}].unit"),
                        format!("unknown unit {:?}", w.unit),
                    );
                    UnitId(0)
                }
            };
            if w.role != Role::Supervisor && !w.grids.is_empty() {
                issues.push(
                    format!("workers[{i}].grids"),
                    format!(
                        "only supervisors are assigned grids; {:?} is a {}",
                        w.id, w.role
                    ),
                );
            }
            let mut grids = Vec::with_capacity(w.grids.len());
            for (j, g) in w.grids.iter().enumerate() {
                match territory.find_grid(g) {
                    Ok(a) => {
                        if grids.contains(&a) {
                            issues.push(
                                format!("workers[{i}].grids[{j}]"),
                                format!("grid {g:?} is listed twice"),
                            );
                        }
                        grids.push(a);
                    }
                    Err(_) => issues.push(
                        format!("workers[{i}].grids[{j}]"),
                        format!("{g:?} is not a unit grid of the model"),
                    ),
                }
            }
            built_workers.push(Worker {
                id: w.id.clone(),
                name: w.name.clone(),
                role: w.role,
                unit,
                grids,
            });
        }
        Organisation {
            units: built,
            unit_index,
            workers: built_workers,
            worker_index,
            graph,
        }
    }

    /// All units, in file order.
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// All workers, in file order.
    pub fn workers(&self) -> &[Worker] {
        &self.workers
    }

    /// The unit with this id.
    pub fn unit(&self, id: UnitId) -> &Unit {
        &self.units[id.index()]
    }

    /// The worker with this id.
    pub fn worker(&self, id: WorkerId) -> &Worker {
        &self.workers[id.index()]
    }

    /// Looks a unit up by identifier.
    ///
    /// # Errors
    /// [`Error::Unknown`] naming the identifier.
    pub fn find_unit(&self, id: &str) -> Result<UnitId> {
        self.unit_index
            .get(id)
            .copied()
            .ok_or_else(|| Error::unknown("unit", id))
    }

    /// Looks a worker up by identifier.
    ///
    /// # Errors
    /// [`Error::Unknown`] naming the identifier.
    pub fn find_worker(&self, id: &str) -> Result<WorkerId> {
        self.worker_index
            .get(id)
            .copied()
            .ok_or_else(|| Error::unknown("worker", id))
    }

    /// Workers holding `role` (all workers for `None`).
    pub fn workers_with(&self, role: Option<Role>) -> impl Iterator<Item = &Worker> + '_ {
        self.workers
            .iter()
            .filter(move |w| role.is_none_or(|r| w.role == r))
    }

    /// The unit and the chain of units it escalates to, nearest first.
    ///
    /// # Examples
    /// ```
    /// let model = gridgov::Model::sample();
    /// let org = model.org();
    /// let u = org.find_unit("WATER")?;
    /// let chain: Vec<&str> = org.escalation_chain(u).map(|u| org.unit(u).id.as_str()).collect();
    /// assert_eq!(chain, ["WATER", "CMD", "GOV"]);
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn escalation_chain(&self, unit: UnitId) -> impl Iterator<Item = UnitId> + '_ {
        std::iter::successors(Some(unit), move |u| self.units[u.index()].parent)
    }

    /// The unit `levels` steps up the reporting graph, stopping at the top.
    pub fn escalate(&self, unit: UnitId, levels: usize) -> UnitId {
        self.escalation_chain(unit)
            .take(levels.saturating_add(1))
            .last()
            .unwrap_or(unit)
    }

    /// Units reporting directly to `unit` (from the petgraph reporting graph).
    pub fn subordinates(&self, unit: UnitId) -> Vec<UnitId> {
        let mut v: Vec<UnitId> = self
            .graph
            .neighbors_directed(NodeIndex::new(unit.index()), petgraph::Direction::Incoming)
            .map(|n| self.graph[n])
            .collect();
        v.sort_unstable();
        v
    }

    /// `true` when `area` lies in the jurisdiction of `unit`.
    pub fn in_jurisdiction(&self, unit: UnitId, area: AreaId, territory: &Territory) -> bool {
        self.units[unit.index()]
            .jurisdiction
            .iter()
            .any(|&j| territory.is_within(area, j))
    }
}
