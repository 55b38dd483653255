//! The [`GridMap`] type: unit-grid boundaries stored flat (coordinates, rings, polygons,
//! grids) with an R-tree over the polygons' bounding boxes, its accessors, the check against a
//! territory, and the R-tree candidate-pair loop ([`GridMap::grid_pairs`]) behind the overlap
//! check and adjacency.
//!
//! Reading is in `geojson.rs`, point location in `locate.rs`, shared boundaries in
//! `adjacency.rs`.

use std::collections::BTreeMap;
use std::fmt;

use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::error::{Error, Issues, Result};
use crate::parallel;
use crate::territory::Territory;

use super::geometry::{self, Pt};
use super::polygon_index::PolygonIndex;

/// Polygons of one grid: polygons → rings → positions.
pub(super) type Polygons = Vec<Vec<Vec<Pt>>>;

/// Below this many features or polygons per thread, geometry checks do not spawn threads.
pub(super) const GEOMETRY_ITEMS_PER_THREAD: usize = 64;

type TreeEntry = GeomWithData<Rectangle<Pt>, u32>;

/// A ring: `coords[start..end]`, closed.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Ring {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) bbox: [f64; 4],
}

/// One polygon of a grid: `rings[start..end]`, the shell first.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Part {
    pub(super) grid: usize,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) bbox: [f64; 4],
}

/// Unit-grid boundaries: polygons (with holes) and multipolygons keyed by grid code, an R-tree
/// over their bounding boxes, and exact point location (see the
/// [module documentation](crate::spatial#the-boundary-rule) for the boundary rule).
///
/// Grids are indexed `0..len()` in code order. Immutable, `Send + Sync`: share it between
/// threads freely.
#[derive(Clone)]
pub struct GridMap {
    pub(super) codes: Vec<String>,
    pub(super) version: Option<String>,
    pub(super) code_property: String,
    /// Index of each grid's feature in the source it was loaded from.
    pub(super) source_index: Vec<usize>,
    /// Per grid: `parts[a..b]`.
    pub(super) grid_parts: Vec<(usize, usize)>,
    pub(super) parts: Vec<Part>,
    pub(super) rings: Vec<Ring>,
    pub(super) coords: Vec<Pt>,
    pub(super) areas: Vec<f64>,
    pub(super) bbox: Option<[f64; 4]>,
    pub(super) tree: RTree<TreeEntry>,
    /// Per part: the index over its edges, for parts with many (`polygon_index.rs`).
    pub(super) indexes: Vec<Option<PolygonIndex>>,
}

impl fmt::Debug for GridMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GridMap")
            .field("grids", &self.codes.len())
            .field("polygons", &self.parts.len())
            .field("vertices", &self.coords.len())
            .field("version", &self.version)
            .field("bbox", &self.bbox)
            .finish_non_exhaustive()
    }
}

/// Two maps are equal when they have the same codes, version and geometry (position for
/// position); where they were loaded from does not matter.
impl PartialEq for GridMap {
    fn eq(&self, other: &Self) -> bool {
        self.codes == other.codes
            && self.version == other.version
            && self.grid_parts == other.grid_parts
            && self.parts == other.parts
            && self.rings == other.rings
            && self.coords == other.coords
    }
}

impl GridMap {
    /// Stores validated grids (sorted by code) and bulk-loads the R-tree.
    pub(super) fn assemble(
        mut grids: Vec<(usize, String, Polygons)>,
        version: Option<String>,
        code_property: String,
    ) -> Result<GridMap> {
        grids.sort_by(|a, b| a.1.cmp(&b.1));
        let n = grids.len();
        let mut map = GridMap {
            codes: Vec::with_capacity(n),
            version,
            code_property,
            source_index: Vec::with_capacity(n),
            grid_parts: Vec::with_capacity(n),
            parts: Vec::new(),
            rings: Vec::new(),
            coords: Vec::new(),
            areas: Vec::with_capacity(n),
            bbox: None,
            tree: RTree::new(),
            indexes: Vec::new(),
        };
        for (g, (index, code, polygons)) in grids.into_iter().enumerate() {
            let first_part = map.parts.len();
            let mut grid_box: Option<[f64; 4]> = None;
            for poly in polygons {
                let first_ring = map.rings.len();
                for ring in poly {
                    let start = map.coords.len();
                    let bbox = geometry::bbox_of(&ring);
                    map.coords.extend(ring);
                    map.rings.push(Ring {
                        start,
                        end: map.coords.len(),
                        bbox,
                    });
                }
                let bbox = map.rings[first_ring].bbox;
                grid_box = Some(grid_box.map_or(bbox, |b| geometry::bbox_union(b, bbox)));
                map.parts.push(Part {
                    grid: g,
                    start: first_ring,
                    end: map.rings.len(),
                    bbox,
                });
            }
            map.grid_parts.push((first_part, map.parts.len()));
            let lat0 = grid_box.map_or(0.0, |b| f64::midpoint(b[1], b[3]));
            let area = map.parts[first_part..]
                .iter()
                .map(|p| {
                    geometry::polygon_area_m2(
                        map.rings[p.start..p.end]
                            .iter()
                            .map(|r| &map.coords[r.start..r.end]),
                        lat0,
                    )
                })
                .sum();
            map.areas.push(area);
            if let Some(b) = grid_box {
                map.bbox = Some(map.bbox.map_or(b, |m| geometry::bbox_union(m, b)));
            }
            map.codes.push(code);
            map.source_index.push(index);
        }
        let entries = map
            .parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let id = u32::try_from(i).map_err(|_| {
                    Error::invalid("features", i, "more than 2^32 polygons in one grid map")
                })?;
                Ok(GeomWithData::new(
                    Rectangle::from_corners([p.bbox[0], p.bbox[1]], [p.bbox[2], p.bbox[3]]),
                    id,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        map.tree = RTree::bulk_load(entries);
        map.indexes = map.build_indexes();
        Ok(map)
    }

    /// The polygon index of every part with enough edges, built on all cores.
    fn build_indexes(&self) -> Vec<Option<PolygonIndex>> {
        let threads = parallel::thread_count(0, self.parts.len(), GEOMETRY_ITEMS_PER_THREAD);
        let parts: Vec<&Part> = self.parts.iter().collect();
        parallel::map(parts, threads, |part| {
            let rings: Vec<(usize, usize)> = self.rings[part.start..part.end]
                .iter()
                .map(|r| (r.start, r.end))
                .collect();
            PolygonIndex::build(&self.coords, &rings, part.bbox)
        })
    }

    /// Heap bytes held by the map's boundaries (coordinates, rings, parts), and by the polygon
    /// indexes built over detailed polygons for point location.
    pub fn memory_bytes(&self) -> (usize, usize) {
        let geometry = self.coords.capacity() * std::mem::size_of::<Pt>()
            + self.rings.capacity() * std::mem::size_of::<Ring>()
            + self.parts.capacity() * std::mem::size_of::<Part>();
        let indexes = self
            .indexes
            .iter()
            .flatten()
            .map(PolygonIndex::heap_bytes)
            .sum();
        (geometry, indexes)
    }

    /// Rings of a part as coordinate slices, the shell first.
    pub(super) fn part_rings(&self, part: &Part) -> impl Iterator<Item = &[Pt]> + '_ {
        self.rings[part.start..part.end]
            .iter()
            .map(|r| &self.coords[r.start..r.end])
    }

    /// Number of grids.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// `true` when the map has no grid.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// Grid codes, sorted; index `i` of every other method is `codes()[i]`.
    pub fn codes(&self) -> &[String] {
        &self.codes
    }

    /// The code of grid `index`, `None` when out of range.
    pub fn code(&self, index: usize) -> Option<&str> {
        self.codes.get(index).map(String::as_str)
    }

    /// Index of the grid with `code`.
    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.codes.binary_search_by(|c| c.as_str().cmp(code)).ok()
    }

    /// Version of the boundaries, if known.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// Name of the property the codes were read from.
    pub fn code_property(&self) -> &str {
        &self.code_property
    }

    /// Area of grid `index` in m² (holes excluded; see the module documentation for the
    /// projection); NaN when `index` is out of range.
    pub fn area_m2(&self, index: usize) -> f64 {
        self.areas.get(index).copied().unwrap_or(f64::NAN)
    }

    /// Bounding box of the whole map, `[min lon, min lat, max lon, max lat]`; `None` when
    /// empty.
    pub fn bbox(&self) -> Option<[f64; 4]> {
        self.bbox
    }

    /// Checks the map against a model's territory: every code must be a unit grid of it.
    /// Returns the codes of the unit grids that have no boundary, in territory order (a
    /// report, not an error).
    ///
    /// # Errors
    /// [`Error::Model`] with one issue per unknown code, at
    /// `features[i].properties.code`: `"…" is not a unit grid of the model`.
    pub fn check_against(&self, territory: &Territory) -> Result<Vec<String>> {
        let mut issues = Issues::default();
        let mut bad: Vec<(usize, &String)> = self
            .codes
            .iter()
            .enumerate()
            .filter(|(_, code)| !territory.find(code).is_ok_and(|id| territory.is_grid(id)))
            .map(|(i, code)| (self.source_index[i], code))
            .collect();
        bad.sort();
        for (index, code) in bad {
            issues.push(
                format!("features[{index}].properties.{}", self.code_property),
                format!("{code:?} is not a unit grid of the model"),
            );
        }
        let missing = territory
            .grids()
            .iter()
            .map(|id| territory.area(*id).code.as_str())
            .filter(|code| self.index_of(code).is_none())
            .map(str::to_owned)
            .collect();
        issues.into_result(missing)
    }

    /// Returns the map with `version` set.
    #[must_use]
    pub fn with_version(mut self, version: Option<String>) -> GridMap {
        self.version = version;
        self
    }

    /// The R-tree candidate-pair loop behind the overlap check and [`GridMap::adjacency`]:
    /// for every polygon `a` and every polygon `b` of a grid with a larger index whose bounding
    /// boxes, grown by `margin` degrees, intersect, `measure(a, b)`; the positive measures
    /// summed per pair of grids `(i, j)`, `i < j`. Polygons are visited on all cores, and the
    /// sums are taken in polygon order, so they do not depend on the number of threads.
    pub(super) fn grid_pairs(
        &self,
        margin: f64,
        measure: impl Fn(&Part, &Part) -> f64 + Sync,
    ) -> BTreeMap<(usize, usize), f64> {
        let threads = parallel::thread_count(0, self.parts.len(), GEOMETRY_ITEMS_PER_THREAD);
        let found = parallel::map_chunks(0..self.parts.len(), threads, |parts| {
            let mut out = Vec::new();
            for part in &self.parts[parts] {
                let b = part.bbox;
                let env = AABB::from_corners(
                    [b[0] - margin, b[1] - margin],
                    [b[2] + margin, b[3] + margin],
                );
                let mut cands: Vec<u32> = self
                    .tree
                    .locate_in_envelope_intersecting(&env)
                    .map(|e| e.data)
                    .collect();
                cands.sort_unstable();
                for c in cands {
                    let other = &self.parts[c as usize];
                    if other.grid <= part.grid {
                        continue;
                    }
                    let value = measure(part, other);
                    if value > 0.0 {
                        out.push((part.grid, other.grid, value));
                    }
                }
            }
            out
        });
        let mut sums: BTreeMap<(usize, usize), f64> = BTreeMap::new();
        for (i, j, value) in found.into_iter().flatten() {
            *sums.entry((i, j)).or_insert(0.0) += value;
        }
        sums
    }
}
