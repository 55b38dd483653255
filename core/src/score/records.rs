//! Case records: the validated, columnar table the scorer reads (schema in [`crate::score`]).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use crate::calendar::{Millis, TimeLimit};
use crate::case::{Source, State};
use crate::catalog::Stage;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::parallel;

/// "No value" in an instant column.
pub const NO_TIME: Millis = i64::MIN;
/// "No value" in an index column.
pub const NONE: u32 = u32::MAX;

/// The instant columns, in lifecycle order (the order rule of the schema).
pub const TIME_COLUMNS: [&str; 9] = [
    "reported_at",
    "accepted_at",
    "verified_at",
    "filed_at",
    "dispatched_at",
    "handled_at",
    "checked_at",
    "closed_at",
    "rated_at",
];

/// Positions in [`TIME_COLUMNS`].
pub(crate) mod t {
    pub const REPORTED: usize = 0;
    pub const ACCEPTED: usize = 1;
    pub const VERIFIED: usize = 2;
    pub const FILED: usize = 3;
    pub const DISPATCHED: usize = 4;
    pub const HANDLED: usize = 5;
    pub const CHECKED: usize = 6;
    pub const CLOSED: usize = 7;
    pub const RATED: usize = 8;
}

/// The deadline columns, in stage order (verify, dispatch, handle, check).
pub const DEADLINE_COLUMNS: [&str; 4] = [
    "verify_deadline",
    "dispatch_deadline",
    "handle_deadline",
    "check_deadline",
];

/// The person columns; the first is the reporter.
pub const PERSON_COLUMNS: [&str; 7] = [
    "reporter",
    "acceptor",
    "verifier",
    "filer",
    "dispatcher",
    "checker",
    "closer",
];

/// Positions in [`PERSON_COLUMNS`].
pub(crate) mod p {
    pub const REPORTER: usize = 0;
    pub const ACCEPTOR: usize = 1;
    pub const VERIFIER: usize = 2;
    pub const FILER: usize = 3;
    pub const DISPATCHER: usize = 4;
    pub const CHECKER: usize = 5;
    pub const CLOSER: usize = 6;
}

/// The integer columns (besides `id` and `satisfaction`).
pub const COUNT_COLUMNS: [&str; 4] = ["rework", "returns", "postponements", "extension_minutes"];

/// The boolean columns.
pub const FLAG_COLUMNS: [&str; 2] = ["shelved", "self_handled"];

/// The type a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Whole numbers.
    Int,
    /// Instants (milliseconds since the epoch).
    Time,
    /// Text.
    Text,
    /// True or false.
    Bool,
}

impl ColumnType {
    fn as_str(self) -> &'static str {
        match self {
            ColumnType::Int => "integers",
            ColumnType::Time => "instants",
            ColumnType::Text => "text",
            ColumnType::Bool => "booleans",
        }
    }
}

/// The type of a schema column, `None` for a name the schema does not have.
pub fn column_type(name: &str) -> Option<ColumnType> {
    Some(match name {
        "id" | "satisfaction" => ColumnType::Int,
        "category" | "urgency" | "grid" | "source" | "state" | "unit" => ColumnType::Text,
        n if PERSON_COLUMNS.contains(&n) => ColumnType::Text,
        n if TIME_COLUMNS.contains(&n) || DEADLINE_COLUMNS.contains(&n) => ColumnType::Time,
        n if COUNT_COLUMNS.contains(&n) => ColumnType::Int,
        n if FLAG_COLUMNS.contains(&n) => ColumnType::Bool,
        _ => return None,
    })
}

/// Every column of the schema, in the documented order.
pub fn schema_columns() -> Vec<&'static str> {
    let mut v = vec![
        "id", "category", "urgency", "grid", "source", "reporter", "state",
    ];
    v.extend(TIME_COLUMNS);
    v.extend([
        "acceptor",
        "verifier",
        "filer",
        "dispatcher",
        "checker",
        "closer",
    ]);
    v.extend(["unit", "satisfaction"]);
    v.extend(COUNT_COLUMNS);
    v.extend(FLAG_COLUMNS);
    v.extend(DEADLINE_COLUMNS);
    v
}

/// One input column.
#[derive(Debug, Clone)]
pub enum ColumnData<'a> {
    /// Whole numbers.
    Int(Cow<'a, [i64]>),
    /// Numbers with `NaN` for missing (whole numbers are required where integers are expected).
    Float(Cow<'a, [f64]>),
    /// Instants in milliseconds, [`NO_TIME`] (`NaT`) for missing.
    Time(Cow<'a, [i64]>),
    /// Booleans.
    Bool(Cow<'a, [bool]>),
    /// Dictionary-encoded text: `codes[i]` indexes `values`; a negative code is missing.
    Text {
        /// Per row.
        codes: Cow<'a, [i64]>,
        /// The distinct values.
        values: Vec<String>,
    },
    /// Text in the Arrow layout (a `large_string` array, e.g. a pandas `str` column): row `i`
    /// is `data[offsets[offset + i] .. offsets[offset + i + 1]]`, missing where bit
    /// `offset + i` of `validity` is 0. Dictionary-encoded here, without a Python object per
    /// cell.
    Utf8 {
        /// Byte offsets (`offset + len + 1` of them at least).
        offsets: Cow<'a, [i64]>,
        /// The UTF-8 bytes.
        data: Cow<'a, [u8]>,
        /// Validity bitmap (least significant bit first), `None` when nothing is missing.
        validity: Option<Cow<'a, [u8]>>,
        /// The array's offset into `offsets` and `validity`.
        offset: usize,
        /// Number of rows.
        len: usize,
    },
}

impl ColumnData<'_> {
    fn len(&self) -> usize {
        match self {
            ColumnData::Int(v) | ColumnData::Time(v) => v.len(),
            ColumnData::Float(v) => v.len(),
            ColumnData::Bool(v) => v.len(),
            ColumnData::Text { codes, .. } => codes.len(),
            ColumnData::Utf8 { len, .. } => *len,
        }
    }

    fn type_name(&self) -> &'static str {
        match self {
            ColumnData::Int(_) => "integers",
            ColumnData::Float(_) => "numbers",
            ColumnData::Time(_) => "instants",
            ColumnData::Bool(_) => "booleans",
            ColumnData::Text { .. } | ColumnData::Utf8 { .. } => "text",
        }
    }
}

/// A table of case records as columns, before validation.
#[derive(Debug, Clone, Default)]
pub struct Columns<'a> {
    /// `(name, data)`, at most once per name.
    pub columns: Vec<(String, ColumnData<'a>)>,
}

impl<'a> Columns<'a> {
    /// An empty table.
    pub fn new() -> Self {
        Columns::default()
    }

    /// Adds a column.
    pub fn push(&mut self, name: impl Into<String>, data: ColumnData<'a>) {
        self.columns.push((name.into(), data));
    }

    fn get(&self, name: &str) -> Option<&ColumnData<'a>> {
        self.columns.iter().find(|(n, _)| n == name).map(|(_, d)| d)
    }
}

/// Validated case records, one row per case, stored by column.
#[derive(Debug, Clone)]
pub struct Records<'a> {
    pub(crate) model: Arc<Model>,
    pub(crate) id: Cow<'a, [i64]>,
    /// Catalog leaf index ([`NONE`]: not given).
    pub(crate) category: Vec<u32>,
    /// Index into the catalog's urgencies.
    pub(crate) urgency: Vec<u8>,
    /// Area index of the unit grid.
    pub(crate) grid: Vec<u32>,
    pub(crate) source: Vec<Source>,
    pub(crate) state: Vec<State>,
    /// Per person column: the ids given.
    pub(crate) people: [Vec<Arc<str>>; 7],
    /// Per person column: index into its `people` list.
    pub(crate) person: [Vec<u32>; 7],
    /// Unit index ([`NONE`]: not dispatched).
    pub(crate) unit: Vec<u32>,
    pub(crate) time: [Cow<'a, [Millis]>; 9],
    pub(crate) deadline: [Cow<'a, [Millis]>; 4],
    pub(crate) rework: Vec<u32>,
    pub(crate) returns: Vec<u32>,
    pub(crate) postponements: Vec<u32>,
    pub(crate) extension_minutes: Cow<'a, [i64]>,
    pub(crate) shelved: Cow<'a, [bool]>,
    pub(crate) self_handled: Cow<'a, [bool]>,
    /// 0: not rated.
    pub(crate) satisfaction: Vec<u8>,
    pub(crate) as_of: Millis,
}

fn bad(row: usize, column: &str, value: &dyn ToString, reason: impl Into<String>) -> Error {
    Error::invalid(
        format!("records[{row}].{column}"),
        value.to_string(),
        reason,
    )
}

/// A text lookup shared by validation threads: value → index, or why it is refused.
type Lookup<'m> = &'m (dyn Fn(&str) -> std::result::Result<u32, String> + Sync);

/// A person column: per row an index into its own list of ids.
type PersonColumn = (Vec<u32>, Vec<Arc<str>>);

/// Resolving one text column, run on a worker thread for large tables.
type ColumnJob<'s> = Box<dyn FnOnce() -> Result<PersonColumn> + Send + 's>;

/// Tables at least this long are validated on all cores.
const PARALLEL_ROWS: usize = 1 << 16;

/// A value that failed its lookup (indices never come near it).
const ERR: u32 = u32::MAX - 1;

/// A fast, non-cryptographic hasher for dictionary-encoding text columns (the input is the
/// caller's own table, so hash flooding is not a concern here).
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl Fx {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for Fx {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    #[inline]
    fn write_u128(&mut self, n: u128) {
        self.add(n as u64);
        self.add((n >> 64) as u64);
    }

    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    #[inline]
    fn finish(&self) -> u64 {
        // Avalanche (the MurmurHash3 finaliser): the table indexes by the low bits, which the
        // multiply-rotate steps alone leave poorly mixed for codes that differ in one digit.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

/// An Arrow-layout text column (see [`ColumnData::Utf8`]).
struct Utf8Column<'c> {
    offsets: &'c [i64],
    data: &'c [u8],
    validity: Option<&'c [u8]>,
    offset: usize,
    len: usize,
}

/// Resolves an Arrow-layout text column: each distinct byte string is looked up once.
fn resolve_utf8(
    name: &str,
    col: &Utf8Column<'_>,
    required: bool,
    mut lookup: impl FnMut(&str) -> std::result::Result<u32, String>,
) -> Result<Resolved> {
    let rows_n = col.len;
    let enough = col
        .offset
        .checked_add(rows_n + 1)
        .is_some_and(|e| e <= col.offsets.len())
        && col
            .validity
            .is_none_or(|v| (col.offset + rows_n).div_ceil(8) <= v.len());
    if !enough {
        return Err(Error::invalid(
            format!("records.{name}"),
            col.offsets.len(),
            "offsets or validity are shorter than the rows",
        ));
    }
    let mut seen: HashMap<&[u8], u32, std::hash::BuildHasherDefault<Fx>> = HashMap::default();
    let mut short: HashMap<(u128, u8), u32, std::hash::BuildHasherDefault<Fx>> = HashMap::default();
    let mut rows = vec![NONE; rows_n];
    for (row, slot) in rows.iter_mut().enumerate() {
        let at = col.offset + row;
        let valid = col
            .validity
            .is_none_or(|v| (v[at >> 3] >> (at & 7)) & 1 == 1);
        if !valid {
            if required {
                return Err(bad(row, name, &"", "is missing (the column is required)"));
            }
            continue;
        }
        let (lo, hi) = (col.offsets[at], col.offsets[at + 1]);
        let Some(bytes) = usize::try_from(lo)
            .ok()
            .zip(usize::try_from(hi).ok())
            .filter(|(lo, hi)| lo <= hi)
            .and_then(|(lo, hi)| col.data.get(lo..hi))
        else {
            return Err(bad(
                row,
                name,
                &format!("{lo}..{hi}"),
                "is not a range of the text bytes",
            ));
        };
        if bytes.is_empty() {
            // Empty text is a missing value, as in CSV.
            if required {
                return Err(bad(row, name, &"", "is missing (the column is required)"));
            }
            continue;
        }
        // Short strings (codes, ids) are keyed by their bytes packed in a u128 and their
        // length: one multiply-hash and one compare per row.
        let short_key = (bytes.len() <= 16).then(|| {
            let len = bytes.len();
            let start = lo as usize;
            // One unaligned 16-byte load, masked to the string, where the buffer allows it.
            let word = match col.data.get(start..start + 16) {
                Some(w16) => {
                    let mut w = [0u8; 16];
                    w.copy_from_slice(w16);
                    let mask = if len == 16 {
                        u128::MAX
                    } else {
                        (1u128 << (8 * len)) - 1
                    };
                    u128::from_le_bytes(w) & mask
                }
                None => {
                    let mut w = [0u8; 16];
                    w[..len].copy_from_slice(bytes);
                    u128::from_le_bytes(w)
                }
            };
            (word, len as u8)
        });
        let cached = match short_key {
            Some(k) => short.get(&k).copied(),
            None => seen.get(bytes).copied(),
        };
        let r = if let Some(r) = cached {
            r
        } else {
            let text = std::str::from_utf8(bytes)
                .map_err(|_| bad(row, name, &String::from_utf8_lossy(bytes), "is not UTF-8"))?;
            let r = match lookup(text) {
                Ok(r) => r,
                Err(reason) => return Err(bad(row, name, &text, reason)),
            };
            match short_key {
                Some(k) => {
                    short.insert(k, r);
                }
                None => {
                    seen.insert(bytes, r);
                }
            }
            r
        };
        if r == NONE && required {
            return Err(bad(row, name, &"", "is missing (the column is required)"));
        }
        *slot = r;
    }
    Ok(Resolved { rows })
}

/// A text column resolved through a per-value lookup.
struct Resolved {
    /// Per row: the resolved index, or [`NONE`].
    rows: Vec<u32>,
}

/// Resolves a text column: `lookup` maps each distinct value to an index or an error reason.
fn resolve_text(
    cols: &Columns<'_>,
    name: &str,
    n: usize,
    required: bool,
    mut lookup: impl FnMut(&str) -> std::result::Result<u32, String>,
) -> Result<Resolved> {
    let Some(data) = cols.get(name) else {
        if required {
            return Err(Error::invalid(
                format!("records.{name}"),
                "",
                "is a required column",
            ));
        }
        return Ok(Resolved {
            rows: vec![NONE; n],
        });
    };
    if let ColumnData::Utf8 {
        offsets,
        data,
        validity,
        offset,
        len,
    } = data
    {
        let utf8 = Utf8Column {
            offsets,
            data,
            validity: validity.as_deref(),
            offset: *offset,
            len: *len,
        };
        return resolve_utf8(name, &utf8, required, lookup);
    }
    let ColumnData::Text { codes, values } = data else {
        let row = 0;
        return Err(bad(
            row,
            name,
            &data.type_name(),
            "must be text (the column holds another type)",
        ));
    };
    // Per distinct value: its index, or ERR with the reason kept aside.
    let mut reasons: HashMap<usize, String> = HashMap::new();
    let mut map: Vec<u32> = Vec::with_capacity(values.len());
    for (i, v) in values.iter().enumerate() {
        if v.is_empty() {
            map.push(NONE); // empty text is a missing value, as in CSV
            continue;
        }
        match lookup(v) {
            Ok(x) => map.push(x),
            Err(reason) => {
                reasons.insert(i, reason);
                map.push(ERR);
            }
        }
    }
    let mut rows = vec![NONE; n];
    for (row, (&c, slot)) in codes.iter().zip(rows.iter_mut()).enumerate() {
        if c < 0 {
            if required {
                return Err(bad(row, name, &"", "is missing (the column is required)"));
            }
            continue;
        }
        let Some(&r) = usize::try_from(c).ok().and_then(|c| map.get(c)) else {
            return Err(bad(row, name, &c, "is not a code of the column's values"));
        };
        if r == ERR {
            let i = c as usize;
            let reason = reasons.remove(&i).unwrap_or_default();
            return Err(bad(row, name, &values[i], reason));
        }
        if r == NONE && required {
            return Err(bad(row, name, &"", "is missing (the column is required)"));
        }
        *slot = r;
    }
    Ok(Resolved { rows })
}

fn int_column<'a>(
    cols: &Columns<'a>,
    name: &str,
    n: usize,
    default: i64,
) -> Result<Cow<'a, [i64]>> {
    match cols.get(name) {
        None => Ok(Cow::Owned(vec![default; n])),
        Some(ColumnData::Int(v)) => Ok(v.clone()),
        Some(ColumnData::Float(v)) => v
            .iter()
            .enumerate()
            .map(|(row, &x)| {
                if x.is_nan() {
                    Ok(default)
                } else if x.fract() == 0.0 && x.abs() < 9.0e15 {
                    #[allow(clippy::cast_possible_truncation)]
                    Ok(x as i64)
                } else {
                    Err(bad(row, name, &x, "is not a whole number"))
                }
            })
            .collect(),
        Some(ColumnData::Bool(v)) => Ok(v.iter().map(|&b| i64::from(b)).collect()),
        Some(other) => Err(bad(
            0,
            name,
            &other.type_name(),
            "must be integers (the column holds another type)",
        )),
    }
}

fn count_column(cols: &Columns<'_>, name: &str, n: usize) -> Result<Vec<u32>> {
    let v = int_column(cols, name, n, 0)?;
    v.iter()
        .enumerate()
        .map(|(row, &x)| u32::try_from(x).map_err(|_| bad(row, name, &x, "is not a count ≥ 0")))
        .collect()
}

fn time_column<'a>(cols: &Columns<'a>, name: &str, n: usize) -> Result<Option<Cow<'a, [Millis]>>> {
    match cols.get(name) {
        None => Ok(None),
        Some(ColumnData::Time(v) | ColumnData::Int(v)) => Ok(Some(v.clone())),
        Some(ColumnData::Text { codes, .. }) if codes.iter().all(|&c| c < 0) => {
            Ok(Some(Cow::Owned(vec![NO_TIME; n])))
        }
        Some(ColumnData::Float(v)) if v.iter().all(|x| x.is_nan()) => {
            Ok(Some(Cow::Owned(vec![NO_TIME; n])))
        }
        Some(other) => Err(bad(
            0,
            name,
            &other.type_name(),
            "must be instants (the column holds another type)",
        )),
    }
}

fn bool_column<'a>(cols: &Columns<'a>, name: &str, n: usize) -> Result<Cow<'a, [bool]>> {
    match cols.get(name) {
        None => Ok(Cow::Owned(vec![false; n])),
        Some(ColumnData::Bool(v)) => Ok(v.clone()),
        Some(ColumnData::Int(v)) => v
            .iter()
            .enumerate()
            .map(|(row, &x)| match x {
                0 => Ok(false),
                1 => Ok(true),
                _ => Err(bad(row, name, &x, "is not a boolean (0 or 1)")),
            })
            .collect(),
        Some(ColumnData::Float(v)) => v
            .iter()
            .enumerate()
            .map(|(row, &x)| {
                if x.is_nan() || x == 0.0 {
                    Ok(false)
                } else if (x - 1.0).abs() < f64::EPSILON {
                    Ok(true)
                } else {
                    Err(bad(row, name, &x, "is not a boolean (0 or 1)"))
                }
            })
            .collect(),
        Some(ColumnData::Text { codes, values }) => codes
            .iter()
            .enumerate()
            .map(|(row, &c)| {
                if c < 0 {
                    return Ok(false);
                }
                let v = values.get(c as usize).map_or("", String::as_str);
                match v.trim().to_ascii_lowercase().as_str() {
                    "" | "0" | "false" | "f" | "no" => Ok(false),
                    "1" | "true" | "t" | "yes" => Ok(true),
                    _ => Err(bad(row, name, &v, "is not a boolean (true or false)")),
                }
            })
            .collect(),
        Some(other) => Err(bad(
            0,
            name,
            &other.type_name(),
            "must be booleans (the column holds another type)",
        )),
    }
}

impl<'a> Records<'a> {
    /// Validates a table against `model` (the rules of the schema in [`crate::score`]).
    /// `as_of` overrides the records' own as-of instant (default: one millisecond after
    /// the latest instant in the table).
    ///
    /// # Errors
    /// The first problem, as [`Error::InvalidValue`] whose `what` is `records[ROW].COLUMN`
    /// (`records.COLUMN` for a column-wide problem).
    pub fn from_columns(
        model: Arc<Model>,
        cols: &Columns<'a>,
        as_of: Option<Millis>,
    ) -> Result<Records<'a>> {
        // Column names, types and lengths.
        let mut n = None;
        for (i, (name, data)) in cols.columns.iter().enumerate() {
            let Some(ty) = column_type(name) else {
                return Err(Error::invalid(
                    format!("records.{name}"),
                    name,
                    format!(
                        "is not a column of the case-record schema ({})",
                        schema_columns().join(", ")
                    ),
                ));
            };
            if cols.columns[..i].iter().any(|(m, _)| m == name) {
                return Err(Error::invalid(
                    format!("records.{name}"),
                    name,
                    "is given twice",
                ));
            }
            let ok = matches!(
                (ty, data),
                (
                    ColumnType::Int,
                    ColumnData::Int(_) | ColumnData::Float(_) | ColumnData::Bool(_)
                ) | (ColumnType::Time, ColumnData::Time(_) | ColumnData::Int(_))
                    | (
                        ColumnType::Text,
                        ColumnData::Text { .. } | ColumnData::Utf8 { .. }
                    )
                    | (ColumnType::Bool, _)
            ) || (ty == ColumnType::Time
                && matches!(data, ColumnData::Text { codes, .. } if codes.iter().all(|&c| c < 0)))
                || (ty == ColumnType::Time
                    && matches!(data, ColumnData::Float(v) if v.iter().all(|x| x.is_nan())));
            if !ok {
                return Err(Error::invalid(
                    format!("records.{name}"),
                    data.type_name(),
                    format!("must hold {}", ty.as_str()),
                ));
            }
            match n {
                None => n = Some(data.len()),
                Some(m) if m != data.len() => {
                    return Err(Error::invalid(
                        format!("records.{name}"),
                        data.len(),
                        format!("rows, where the other columns have {m}"),
                    ));
                }
                Some(_) => {}
            }
        }
        let n = n.unwrap_or(0);
        if u32::try_from(n).is_err() {
            return Err(Error::invalid("records", n, "rows exceed 2^32 − 1"));
        }
        let territory = model.territory();
        let catalog = model.catalog();
        let org = model.org();

        // Required columns.
        let Some(id_data) = cols.get("id") else {
            return Err(Error::invalid("records.id", "", "is a required column"));
        };
        if let ColumnData::Float(v) = id_data
            && let Some(row) = v.iter().position(|x| x.is_nan())
        {
            return Err(bad(
                row,
                "id",
                &"NaN",
                "is missing (the column is required)",
            ));
        }
        let id = int_column(cols, "id", n, 0)?;
        let Some(reported) = time_column(cols, "reported_at", n)? else {
            return Err(Error::invalid(
                "records.reported_at",
                "",
                "is a required column",
            ));
        };
        if let Some(row) = reported.iter().position(|&t| t == NO_TIME) {
            return Err(bad(
                row,
                "reported_at",
                &"NaT",
                "is missing (the column is required)",
            ));
        }

        // Text columns, each resolved on its own thread for large tables.
        let grid_of = |code: &str| {
            territory
                .find_grid(code)
                .map(|a| a.0)
                .map_err(|e| e.to_string())
        };
        let category_of = |key: &str| {
            catalog.get(key).map_err(|e| e.to_string()).and_then(|_| {
                catalog
                    .index_of(key)
                    .and_then(|i| u32::try_from(i).ok())
                    .ok_or_else(|| "is not a leaf category".to_owned())
            })
        };
        let urgency_of = |u: &str| {
            catalog
                .urgencies()
                .iter()
                .position(|x| x == u)
                .and_then(|i| u32::try_from(i).ok())
                .ok_or_else(|| {
                    format!(
                        "is not an urgency of the catalog ({})",
                        catalog.urgencies().join(", ")
                    )
                })
        };
        let source_index = |s: &str| {
            Source::parse(s).map(|s| s as u32).ok_or_else(|| {
                "is not a source (supervisor, hotline, app, media, leader, sensor)".to_owned()
            })
        };
        let state_of = |s: &str| {
            State::ALL
                .iter()
                .position(|x| x.as_str() == s)
                .map(|i| i as u32)
                .ok_or_else(|| "is not a lifecycle state".to_owned())
        };
        let unit_of = |u: &str| org.find_unit(u).map(|u| u.0).map_err(|e| e.to_string());
        let specs: [(&str, bool, Lookup<'_>); 6] = [
            ("grid", true, &grid_of),
            ("category", false, &category_of),
            ("urgency", false, &urgency_of),
            ("source", false, &source_index),
            ("state", false, &state_of),
            ("unit", false, &unit_of),
        ];
        let text_one = |(name, required, f): (&str, bool, Lookup<'_>)| {
            resolve_text(cols, name, n, required, f).map(|r| r.rows)
        };
        // People: each person column keeps its own dictionary (no hashing of 10^6 citizen
        // ids); posts are merged by id only when tables are built.
        let person_one = |name: &str| {
            let mut dict: Vec<Arc<str>> = Vec::new();
            let rows = resolve_text(cols, name, n, false, |id| {
                if id.is_empty() {
                    return Ok(NONE);
                }
                dict.push(Arc::from(id));
                Ok(dict.len() as u32 - 1)
            })?
            .rows;
            Ok((rows, dict))
        };
        // One job per text column (a looked-up column has no dictionary of its own); large
        // tables give every job its own thread.
        let mut jobs: Vec<ColumnJob<'_>> = Vec::with_capacity(specs.len() + PERSON_COLUMNS.len());
        for spec in specs {
            jobs.push(Box::new(move || {
                text_one(spec).map(|rows| (rows, Vec::new()))
            }));
        }
        for name in PERSON_COLUMNS {
            jobs.push(Box::new(move || person_one(name)));
        }
        let threads = if n < PARALLEL_ROWS { 1 } else { jobs.len() };
        let mut resolved = parallel::map(jobs, threads, |job| job()).into_iter();
        let texts: Vec<Result<Vec<u32>>> = resolved
            .by_ref()
            .take(specs.len())
            .map(|r| r.map(|(rows, _)| rows))
            .collect();
        let persons: Vec<Result<PersonColumn>> = resolved.collect();
        let mut texts = texts.into_iter();
        let mut next_text = || texts.next().unwrap_or_else(|| Ok(Vec::new()));
        let grid = next_text()?;
        let category = next_text()?;
        let default_urgency = catalog
            .urgencies()
            .iter()
            .position(|u| u == catalog.default_urgency())
            .unwrap_or(0);
        let urgency: Vec<u8> = next_text()?
            .into_iter()
            .map(|u| {
                if u == NONE {
                    default_urgency as u8
                } else {
                    u as u8
                }
            })
            .collect();
        let source: Vec<Source> = next_text()?
            .into_iter()
            .map(|s| {
                if s == NONE {
                    Source::Supervisor
                } else {
                    Source::ALL[s as usize]
                }
            })
            .collect();
        let state_given = cols.get("state").is_some();
        let states = next_text()?;
        let unit = next_text()?;
        let mut people: [Vec<Arc<str>>; 7] = Default::default();
        let mut person: [Vec<u32>; 7] = Default::default();
        for (k, r) in persons.into_iter().enumerate() {
            let (rows, dict) = r?;
            person[k] = rows;
            people[k] = dict;
        }

        // Instants.
        let mut time: [Cow<'a, [Millis]>; 9] = Default::default();
        time[0] = reported;
        for (k, name) in TIME_COLUMNS.iter().enumerate().skip(1) {
            time[k] = time_column(cols, name, n)?.unwrap_or_else(|| Cow::Owned(vec![NO_TIME; n]));
        }
        let mut given_deadline: [Option<Cow<'a, [Millis]>>; 4] = Default::default();
        for (k, name) in DEADLINE_COLUMNS.iter().enumerate() {
            given_deadline[k] = time_column(cols, name, n)?;
        }

        let rework = count_column(cols, "rework", n)?;
        let returns = count_column(cols, "returns", n)?;
        let postponements = count_column(cols, "postponements", n)?;
        let extension_minutes = int_column(cols, "extension_minutes", n, 0)?;
        if let Some(row) = extension_minutes.iter().position(|&x| x < 0) {
            return Err(bad(
                row,
                "extension_minutes",
                &extension_minutes[row],
                "is negative",
            ));
        }
        let shelved = bool_column(cols, "shelved", n)?;
        let self_handled = bool_column(cols, "self_handled", n)?;
        let sat_raw = int_column(cols, "satisfaction", n, 0)?;
        let mut satisfaction = Vec::with_capacity(n);
        for (row, &s) in sat_raw.iter().enumerate() {
            match s {
                0 => satisfaction.push(0),
                1..=5 => {
                    if time[t::RATED][row] == NO_TIME {
                        return Err(bad(row, "satisfaction", &s, "is given without rated_at"));
                    }
                    satisfaction.push(s as u8);
                }
                _ => return Err(bad(row, "satisfaction", &s, "is not a rating 1–5")),
            }
        }

        // Row rules: order of instants, states (in row chunks on all cores).
        let check_rows = |rows: std::ops::Range<usize>| -> Result<(Vec<State>, i64)> {
            let mut latest = i64::MIN;
            let mut state = Vec::with_capacity(rows.len());
            for row in rows {
                let mut last: Option<usize> = None;
                for (k, col) in time.iter().enumerate() {
                    let v = col[row];
                    if v == NO_TIME {
                        continue;
                    }
                    if let Some(j) = last
                        && v < time[j][row]
                    {
                        return Err(bad(
                            row,
                            TIME_COLUMNS[k],
                            &v,
                            format!("is earlier than {} ({})", TIME_COLUMNS[j], time[j][row]),
                        ));
                    }
                    last = Some(k);
                    latest = latest.max(v);
                }
                let s = if states[row] == NONE {
                    if state_given {
                        return Err(bad(row, "state", &"", "is missing"));
                    }
                    derive_state(&time, row)
                } else {
                    State::ALL[states[row] as usize]
                };
                if s == State::Closed && time[t::CLOSED][row] == NO_TIME {
                    return Err(bad(row, "state", &"closed", "is given without closed_at"));
                }
                if satisfaction[row] == 0 && time[t::RATED][row] != NO_TIME {
                    return Err(bad(
                        row,
                        "rated_at",
                        &time[t::RATED][row],
                        "is given without satisfaction",
                    ));
                }
                state.push(s);
            }
            Ok((state, latest))
        };
        let threads = if n < PARALLEL_ROWS {
            1
        } else {
            parallel::thread_count(0, n, 1)
        };
        let chunks = parallel::map_chunks(0..n, threads, check_rows);
        let mut state = Vec::with_capacity(n);
        let mut latest = i64::MIN;
        for c in chunks {
            let (s, l) = c?;
            state.extend(s);
            latest = latest.max(l);
        }

        let mut records = Records {
            model,
            id,
            category,
            urgency,
            grid,
            source,
            state,
            people,
            person,
            unit,
            time,
            deadline: Default::default(),
            rework,
            returns,
            postponements,
            extension_minutes,
            shelved,
            self_handled,
            satisfaction,
            as_of: as_of.unwrap_or(if latest == i64::MIN {
                0
            } else {
                latest.saturating_add(1)
            }),
        };
        for (k, given) in given_deadline.into_iter().enumerate() {
            records.deadline[k] = match given {
                Some(v) => v,
                None => Cow::Owned(records.compute_deadlines(k)?),
            };
        }
        Ok(records)
    }

    /// Deadlines of stage `k` from the catalog, for the rows that reached the stage.
    fn compute_deadlines(&self, k: usize) -> Result<Vec<Millis>> {
        let (stage, from, needed) = match k {
            0 => (Stage::Verify, t::ACCEPTED, t::VERIFIED),
            1 => (Stage::Dispatch, t::FILED, t::DISPATCHED),
            2 => (Stage::Handle, t::DISPATCHED, t::DISPATCHED),
            _ => (Stage::Check, t::HANDLED, t::CHECKED),
        };
        let model = &self.model;
        let catalog = model.catalog();
        let cal = model.calendar();
        let mut limits: HashMap<(u32, u8), TimeLimit> = HashMap::new();
        let n = self.len();
        let mut out = vec![NO_TIME; n];
        for (row, slot) in out.iter_mut().enumerate() {
            let start = self.time[from][row];
            if self.time[needed][row] == NO_TIME || start == NO_TIME {
                continue;
            }
            if stage == Stage::Verify && !self.source[row].is_public() {
                continue;
            }
            let cat = self.category[row];
            if cat == NONE {
                return Err(bad(
                    row,
                    "category",
                    &"",
                    format!(
                        "is missing: it is needed to compute {} (give the column or the category)",
                        DEADLINE_COLUMNS[k]
                    ),
                ));
            }
            let urg = self.urgency[row];
            let limit = match limits.get(&(cat, urg)) {
                Some(l) => *l,
                None => {
                    let key = catalog.categories()[cat as usize].key.as_str();
                    let u = &catalog.urgencies()[urg as usize];
                    let l = if stage == Stage::Handle {
                        catalog.limit(key, u)?
                    } else {
                        catalog.stage_limit(key, stage, u)?
                    };
                    limits.insert((cat, urg), l);
                    l
                }
            };
            let limit = if stage == Stage::Handle {
                extend(limit, self.extension_minutes[row], cal.day_length_minutes())
            } else {
                limit
            };
            *slot = cal
                .add_limit(start, limit)
                .map_err(|e| bad(row, DEADLINE_COLUMNS[k], &start, e.to_string()))?;
        }
        Ok(out)
    }

    /// Cases reported in `[start, end)` per unit grid, in the order of
    /// [`Territory::grids`](crate::territory::Territory::grids): the load
    /// [`division_report`](crate::division::division_report) takes.
    pub fn grid_load(&self, start: Millis, end: Millis) -> Vec<u64> {
        let territory = self.model.territory();
        let mut per_area = vec![0; territory.len()];
        for (&g, &t) in self.grid.iter().zip(self.time[t::REPORTED].iter()) {
            if t >= start && t < end {
                per_area[g as usize] += 1;
            }
        }
        territory
            .grids()
            .iter()
            .map(|g| per_area[g.index()])
            .collect()
    }

    /// The records with every column owned (no borrow of the input arrays left).
    pub fn into_owned(self) -> Records<'static> {
        let own = |c: Cow<'_, [Millis]>| Cow::Owned(c.into_owned());
        Records {
            model: self.model,
            id: Cow::Owned(self.id.into_owned()),
            category: self.category,
            urgency: self.urgency,
            grid: self.grid,
            source: self.source,
            state: self.state,
            people: self.people,
            person: self.person,
            unit: self.unit,
            time: self.time.map(own),
            deadline: self.deadline.map(own),
            rework: self.rework,
            returns: self.returns,
            postponements: self.postponements,
            extension_minutes: Cow::Owned(self.extension_minutes.into_owned()),
            shelved: Cow::Owned(self.shelved.into_owned()),
            self_handled: Cow::Owned(self.self_handled.into_owned()),
            satisfaction: self.satisfaction,
            as_of: self.as_of,
        }
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.id.len()
    }

    /// `true` when there are no records.
    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }

    /// The model the records were validated against.
    pub fn model(&self) -> &Arc<Model> {
        &self.model
    }

    /// The instant statuses are judged at by default.
    pub fn as_of(&self) -> Millis {
        self.as_of
    }

    /// The records as columns, in the schema's order (text dictionary-encoded, missing
    /// instants [`NO_TIME`]).
    pub fn to_columns(&self) -> Columns<'_> {
        let n = self.len();
        let mut cols = Columns::new();
        let text = |values: Vec<String>, rows: &dyn Fn(usize) -> i64| ColumnData::Text {
            codes: Cow::Owned((0..n).map(rows).collect()),
            values,
        };
        let territory = self.model.territory();
        let catalog = self.model.catalog();
        let org = self.model.org();
        for name in schema_columns() {
            let data = match name {
                "id" => ColumnData::Int(Cow::Borrowed(&self.id)),
                "category" => text(
                    catalog
                        .categories()
                        .iter()
                        .map(|c| c.key.as_str().to_owned())
                        .collect(),
                    &|i| opt(self.category[i]),
                ),
                "urgency" => text(catalog.urgencies().to_vec(), &|i| {
                    i64::from(self.urgency[i])
                }),
                "grid" => text(
                    territory
                        .areas()
                        .iter()
                        .map(|a| a.code.as_str().to_owned())
                        .collect(),
                    &|i| i64::from(self.grid[i]),
                ),
                "source" => text(
                    Source::ALL.iter().map(|s| s.as_str().to_owned()).collect(),
                    &|i| self.source[i] as i64,
                ),
                "state" => text(
                    State::ALL.iter().map(|s| s.as_str().to_owned()).collect(),
                    &|i| {
                        State::ALL
                            .iter()
                            .position(|s| *s == self.state[i])
                            .unwrap_or(0) as i64
                    },
                ),
                "unit" => text(org.units().iter().map(|u| u.id.clone()).collect(), &|i| {
                    opt(self.unit[i])
                }),
                "satisfaction" => ColumnData::Float(Cow::Owned(
                    self.satisfaction
                        .iter()
                        .map(|&s| if s == 0 { f64::NAN } else { f64::from(s) })
                        .collect(),
                )),
                "rework" => ints(&self.rework),
                "returns" => ints(&self.returns),
                "postponements" => ints(&self.postponements),
                "extension_minutes" => ColumnData::Int(Cow::Borrowed(&self.extension_minutes)),
                "shelved" => ColumnData::Bool(Cow::Borrowed(&self.shelved)),
                "self_handled" => ColumnData::Bool(Cow::Borrowed(&self.self_handled)),
                n if PERSON_COLUMNS.contains(&n) => {
                    let k = PERSON_COLUMNS.iter().position(|x| *x == n).unwrap_or(0);
                    text(
                        self.people[k].iter().map(ToString::to_string).collect(),
                        &|i| opt(self.person[k][i]),
                    )
                }
                n => {
                    if let Some(k) = TIME_COLUMNS.iter().position(|x| *x == n) {
                        ColumnData::Time(Cow::Borrowed(&self.time[k]))
                    } else {
                        let k = DEADLINE_COLUMNS.iter().position(|x| *x == n).unwrap_or(0);
                        ColumnData::Time(Cow::Borrowed(&self.deadline[k]))
                    }
                }
            };
            cols.push(name, data);
        }
        cols
    }
}

fn opt(v: u32) -> i64 {
    if v == NONE { -1 } else { i64::from(v) }
}

fn ints(v: &[u32]) -> ColumnData<'static> {
    ColumnData::Int(Cow::Owned(v.iter().map(|&x| i64::from(x)).collect()))
}

/// A limit lengthened by approved extension minutes (in the limit's own measure).
pub(crate) fn extend(limit: TimeLimit, minutes: i64, day_length: i64) -> TimeLimit {
    if minutes == 0 {
        return limit;
    }
    match limit {
        TimeLimit::Working { minutes: m } => TimeLimit::Working {
            minutes: m.saturating_add(minutes),
        },
        TimeLimit::WorkingDays { days } => TimeLimit::Working {
            minutes: days.saturating_mul(day_length).saturating_add(minutes),
        },
        TimeLimit::Continuous { minutes: m } => TimeLimit::Continuous {
            minutes: m.saturating_add(minutes),
        },
    }
}

/// The state implied by the latest instant present.
fn derive_state(time: &[Cow<'_, [Millis]>; 9], row: usize) -> State {
    const BY_STAGE: [(usize, State); 7] = [
        (t::CLOSED, State::Closed),
        (t::CHECKED, State::Checked),
        (t::HANDLED, State::Handled),
        (t::DISPATCHED, State::Dispatched),
        (t::FILED, State::Filed),
        (t::VERIFIED, State::Verified),
        (t::ACCEPTED, State::Accepted),
    ];
    BY_STAGE
        .iter()
        .find(|(k, _)| time[*k][row] != NO_TIME)
        .map_or(State::Reported, |&(_, s)| s)
}
