//! Division codes (GB/T 2260): the list of province-, prefecture- and county-level codes that
//! the first six digits of a national area code are checked against.
//!
//! A national grid code begins with the 6-digit code of its county-level division (CJ/T 213-2005:
//! division + street + community + sequence). The territory checks the province part of it when
//! the model loads; this module checks the whole six digits against a dated list, so that a typo
//! such as `510199` (no such district of 成都) is found.
//!
//! The built-in list ([`DivisionCodes::builtin`]) is `core/data/divisions/cn_divisions.csv`: the
//! National Bureau of Statistics' 统计用区划代码 with cut-off 2022-10-31 (province, prefecture and
//! county levels), which follows GB/T 2260 and also numbers development zones; its header names
//! the source and the date. Division codes change every year (districts merge, counties become
//! districts), so a model can name codes the list lacks (`[division_codes] extra`), and a caller
//! can check against a list of its own ([`DivisionCodes::parse`], `Model::unknown_divisions`).
//!
//! What a model does with an unknown code is its choice (`[division_codes] check`): `warn`
//! (the default: `Model::check` lists it in `CheckReport::unknown_divisions`), `error` (the model
//! is refused, naming the area) or `off`.
//!
//! ```
//! use gridgov::divisions::DivisionCodes;
//! let list = DivisionCodes::builtin();
//! assert_eq!(list.name("510104"), Some("锦江区"));
//! assert!(!list.contains("510199"));
//! assert_eq!(list.as_of(), "2022-10-31");
//! ```

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Issues, Result};
use crate::territory::{AreaConfig, CodeFormat};

/// The built-in list's text (see the module documentation for its source).
const BUILTIN: &str = include_str!("../data/divisions/cn_divisions.csv");

/// A dated list of 6-digit division codes with their names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DivisionCodes {
    /// `(code, name)`, sorted by code, codes unique.
    codes: Vec<(u32, Box<str>)>,
    /// The list's date (`# as_of:` in its header), empty when it states none.
    as_of: String,
}

impl DivisionCodes {
    /// The list shipped with the crate (National Bureau of Statistics, cut-off 2022-10-31).
    pub fn builtin() -> &'static DivisionCodes {
        static LIST: OnceLock<DivisionCodes> = OnceLock::new();
        LIST.get_or_init(|| match DivisionCodes::parse(BUILTIN) {
            Ok(list) => list,
            // The shipped file is checked by this module's tests; an empty list would only
            // report every code as unknown, never accept a wrong one.
            Err(_) => DivisionCodes {
                codes: Vec::new(),
                as_of: String::new(),
            },
        })
    }

    /// Reads a list: one `code,name` per line (the name may be left out), `#` comments, blank
    /// lines; a comment `# as_of: YYYY-MM-DD` dates the list. UTF-8, a byte-order mark allowed.
    ///
    /// # Errors
    /// [`Error::InvalidCode`] naming the line of a code that is not six digits, or of a code
    /// given twice.
    ///
    /// # Examples
    /// ```
    /// use gridgov::divisions::DivisionCodes;
    /// let list = DivisionCodes::parse("# as_of: 2026-01-01\n379900,清河市\n379901\n")?;
    /// assert!(list.contains("379901") && list.len() == 2);
    /// let err = DivisionCodes::parse("37990\n").unwrap_err();
    /// assert!(err.to_string().contains("line 1"));
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn parse(text: &str) -> Result<DivisionCodes> {
        let mut codes: Vec<(u32, Box<str>, usize)> = Vec::new();
        let mut as_of = String::new();
        for (i, line) in crate::limits::strip_bom(text).lines().enumerate() {
            let line = line.trim();
            if let Some(comment) = line.strip_prefix('#') {
                if let Some(date) = comment.trim().strip_prefix("as_of:") {
                    date.trim().clone_into(&mut as_of);
                }
                continue;
            }
            if line.is_empty() {
                continue;
            }
            let (code, name) = line.split_once(',').unwrap_or((line, ""));
            let code = code.trim();
            let value = parse_code(code).ok_or_else(|| Error::InvalidCode {
                what: "division",
                value: code.to_owned(),
                reason: format!("line {}: a division code has six digits", i + 1),
            })?;
            codes.push((value, name.trim().into(), i + 1));
        }
        codes.sort_by_key(|c| c.0);
        if let Some(w) = codes.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(Error::InvalidCode {
                what: "division",
                value: format!("{:06}", w[1].0),
                reason: format!("line {}: given twice (also line {})", w[1].2, w[0].2),
            });
        }
        Ok(DivisionCodes {
            codes: codes.into_iter().map(|(c, n, _)| (c, n)).collect(),
            as_of,
        })
    }

    /// The list's date, as its header states it (empty when it states none).
    pub fn as_of(&self) -> &str {
        &self.as_of
    }

    /// Number of codes.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// `true` when the list has no code.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// Whether `code` (six digits) is in the list.
    pub fn contains(&self, code: &str) -> bool {
        self.find(code).is_some()
    }

    /// The name the list gives `code`, when it has one.
    pub fn name(&self, code: &str) -> Option<&str> {
        self.find(code).map(|i| &*self.codes[i].1)
    }

    fn find(&self, code: &str) -> Option<usize> {
        let value = parse_code(code)?;
        self.codes.binary_search_by_key(&value, |c| c.0).ok()
    }
}

fn parse_code(code: &str) -> Option<u32> {
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        code.parse().ok()
    } else {
        None
    }
}

/// What a model does with a division code that the list lacks.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DivisionCheck {
    /// List it in `Model::check`'s report (`unknown_divisions`); the model loads.
    #[default]
    Warn,
    /// Refuse the model, naming each area whose code has it.
    Error,
    /// Do not check.
    Off,
}

/// The `[division_codes]` section of a model file.
///
/// ```toml
/// [division_codes]
/// check = "warn"                  # warn (default) | error | off
/// extra = ["379900", "379901"]    # codes this city uses that the list lacks (new, or invented)
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DivisionCodesSection {
    /// What an unknown code does (default `warn`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<DivisionCheck>,
    /// Six-digit codes accepted besides the list's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<String>,
}

impl DivisionCodesSection {
    /// Checks the section's own values (each `extra` code has six digits), reporting under
    /// `path`.
    pub fn validate(&self, path: &str, issues: &mut Issues) {
        for (i, code) in self.extra.iter().enumerate() {
            if parse_code(code).is_none() {
                issues.push(
                    format!("{path}.extra[{i}]"),
                    format!("{code:?} is not a six-digit division code"),
                );
            }
        }
    }
}

/// A division code of the model that the list lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownDivision {
    /// The six digits.
    pub code: String,
    /// `county`, `prefecture` or `province` (from the digits: `xx0000` is a province,
    /// `xxxx00` a prefecture, any other a county-level division).
    pub level: &'static str,
    /// The first area (in the model file's order) whose code starts with it.
    pub area: String,
    /// Index of that area in the model file's `areas` list.
    pub index: usize,
    /// How many areas' codes start with it.
    pub areas: u64,
    /// The finding, e.g. `unknown county-level code 510199 (not in the division list of
    /// 2022-10-31)`.
    pub message: String,
}

fn level_of(code: &str) -> &'static str {
    if code.ends_with("0000") {
        "province"
    } else if code.ends_with("00") {
        "prefecture"
    } else {
        "county"
    }
}

/// The division codes of `areas` (national codes: their first six digits) that neither `list`
/// nor `extra` holds, each once, in the order they first appear. Codes that are not national
/// digits are skipped (the territory's own validation names them).
pub fn unknown_divisions(
    areas: &[AreaConfig],
    format: CodeFormat,
    list: &DivisionCodes,
    extra: &[String],
) -> Vec<UnknownDivision> {
    if format != CodeFormat::National {
        return Vec::new();
    }
    let mut found: Vec<UnknownDivision> = Vec::new();
    for (index, area) in areas.iter().enumerate() {
        let code = area.code.as_str();
        let Some(division) = code.get(..6) else {
            continue;
        };
        if !code.bytes().all(|b| b.is_ascii_digit())
            || list.contains(division)
            || extra.iter().any(|e| e == division)
        {
            continue;
        }
        if let Some(known) = found.iter_mut().find(|u| u.code == division) {
            known.areas += 1;
            continue;
        }
        let level = level_of(division);
        let date = if list.as_of().is_empty() {
            String::new()
        } else {
            format!(" of {}", list.as_of())
        };
        found.push(UnknownDivision {
            code: division.to_owned(),
            level,
            area: code.to_owned(),
            index,
            areas: 1,
            message: format!(
                "unknown {level}-level code {division} (not in the division list{date}; \
                 a new or local code goes in division_codes.extra)"
            ),
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(code: &str) -> AreaConfig {
        AreaConfig {
            code: code.to_owned(),
            name: code.to_owned(),
            level: "grid".to_owned(),
            parent: None,
            population: None,
            households: None,
            area_m2: None,
            neighbours: Vec::new(),
        }
    }

    #[test]
    fn builtin_list_is_read_whole_and_dated() {
        let list = DivisionCodes::builtin();
        // 34 provinces (31 + Taiwan, Hong Kong, Macao), 342 prefecture-level rows (municipal
        // 市辖区 included) and 2,975 county-level rows in the 2022 statistical list.
        assert_eq!(list.len(), 3351);
        assert_eq!(list.as_of(), "2022-10-31");
        assert_eq!(list.name("110000"), Some("北京市"));
        assert_eq!(list.name("441900"), Some("东莞市"));
        assert_eq!(list.name("820000"), Some("澳门特别行政区"));
        assert!(DivisionCodes::parse(BUILTIN).is_ok());
    }

    #[test]
    fn unknown_codes_are_named_once_with_their_level() {
        let areas = [
            area("51010400100101"),
            area("51019900100101"),
            area("51019900100102"),
            area("519900"),
            area("990000"),
        ];
        let found = unknown_divisions(
            &areas,
            CodeFormat::National,
            DivisionCodes::builtin(),
            &["519900".to_owned()],
        );
        let codes: Vec<(&str, &str, usize, u64)> = found
            .iter()
            .map(|u| (u.code.as_str(), u.level, u.index, u.areas))
            .collect();
        assert_eq!(
            codes,
            [("510199", "county", 1, 2), ("990000", "province", 4, 1)]
        );
        assert!(found[0].message.starts_with(
            "unknown county-level code 510199 (not in the division list of 2022-10-31"
        ));
        assert!(
            unknown_divisions(&areas, CodeFormat::Free, DivisionCodes::builtin(), &[]).is_empty()
        );
    }

    #[test]
    fn bad_lists_name_the_line() {
        let err = DivisionCodes::parse("110000,北京市\n11010X,x\n").unwrap_err();
        assert!(err.to_string().contains("11010X") && err.to_string().contains("line 2"));
        let err = DivisionCodes::parse("\u{feff}110000\n# c\n110000\n").unwrap_err();
        assert!(
            err.to_string()
                .contains("line 3: given twice (also line 1)"),
            "{err}"
        );
    }
}
