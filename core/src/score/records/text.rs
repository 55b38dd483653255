//! Text columns to indices: each distinct value is looked up once (through the column's own
//! dictionary, or by its bytes for an Arrow-layout column, hashed with a fast hasher), and every
//! row gets its value's index, or the lookup's refusal as an error naming the cell.

use std::collections::HashMap;

use crate::error::{Error, Result};

use super::columns::{ColumnData, Columns};
use super::schema::{NONE, bad};

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
pub(super) struct Resolved {
    /// Per row: the resolved index, or [`NONE`].
    pub(super) rows: Vec<u32>,
}

/// Resolves a text column: `lookup` maps each distinct value to an index or an error reason.
pub(super) fn resolve_text(
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
