//! What the library accepts at its doors, in one place: the range of instants, and the
//! characters an identifier may not hold. Every entry point (engine calls, periods, case
//! records from CSV or columns, scorecard files, model files, actors) checks with these
//! functions, so the limits are the same everywhere and a refusal names the bad value.
//!
//! - **Instants** lie in [`MIN_INSTANT`]`..=`[`MAX_INSTANT`]: 1970-01-01T00:00:00Z to
//!   2200-01-01T00:00:00Z. Grid management began in 2004 and calendars cover a few years, so
//!   the range refuses nothing real; what it refuses (a negative or 19-digit count of
//!   milliseconds) is a bug in the caller, and accepting it broke the arithmetic of periods and
//!   the round trip of case records (a year that ISO 8601 text cannot hold).
//! - **Identifiers and text fields** hold no control character (`U+0000`–`U+001F`,
//!   `U+007F`–`U+009F`): a NUL cannot cross the C boundary, and a line feed or tab in an id
//!   breaks the CSV and line-oriented exports that carry it.
//!
//! ```
//! use gridgov::limits::{check_instant, MAX_INSTANT};
//! assert!(check_instant("at", MAX_INSTANT).is_ok());
//! let err = check_instant("at", 9_000_000_000_000_000_000).unwrap_err();
//! assert!(err.to_string().contains("9000000000000000000"));
//! assert!(gridgov::limits::check_identifier("citizen", "c\u{0}x").is_err());
//! ```

use crate::calendar::Millis;
use crate::error::{Clip, Error, Issues, Result};

/// The earliest instant accepted: 1970-01-01T00:00:00Z.
pub const MIN_INSTANT: Millis = 0;

/// The latest instant accepted: 2200-01-01T00:00:00Z (84,006 days after the epoch).
pub const MAX_INSTANT: Millis = 84_006 * 86_400_000;

/// The accepted range as text, for messages and documentation.
pub const INSTANT_RANGE: &str =
    "1970-01-01T00:00:00Z..=2200-01-01T00:00:00Z (0..=7258118400000 ms)";

/// Checks that `t` is an instant the library accepts.
///
/// # Errors
/// [`Error::InvalidValue`] naming `what` and the value: `NaT` (`i64::MIN`, "is not a time"), or
/// an instant outside [`MIN_INSTANT`]`..=`[`MAX_INSTANT`].
pub fn check_instant(what: &str, t: Millis) -> Result<()> {
    if t == i64::MIN {
        return Err(Error::invalid(what, "NaT", "is not a time"));
    }
    if !(MIN_INSTANT..=MAX_INSTANT).contains(&t) {
        return Err(Error::invalid(
            what,
            t,
            format!("is outside the instants gridgov accepts, {INSTANT_RANGE}"),
        ));
    }
    Ok(())
}

/// The first control character of `s`, if any.
pub fn control_char(s: &str) -> Option<char> {
    s.chars().find(|c| c.is_control())
}

/// The reason an identifier holding control character `c` is refused.
pub fn control_reason(c: char) -> String {
    format!(
        "contains the control character U+{:04X}; identifiers and text fields may not",
        u32::from(c)
    )
}

/// Checks that identifier or text field `what` holds no control character.
///
/// # Errors
/// [`Error::InvalidValue`] naming `what`, the value and the character.
pub fn check_identifier(what: &str, value: &str) -> Result<()> {
    match control_char(value) {
        Some(c) => Err(Error::invalid(what, value, control_reason(c))),
        None => Ok(()),
    }
}

/// Records an issue for every string (value or key) of a parsed document that holds a
/// control character, with its path (`units[3].id`): a model file is checked this way as a
/// whole, before its fields are read.
pub fn control_chars_in(value: &serde_json::Value, path: &str, issues: &mut Issues) {
    use serde_json::Value;
    match value {
        Value::String(s) => {
            if let Some(c) = control_char(s) {
                issues.push(path, format!("{} {}", Clip(s), control_reason(c)));
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                control_chars_in(v, &format!("{path}[{i}]"), issues);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                if let Some(c) = control_char(k) {
                    issues.push(
                        p.clone(),
                        format!("the key {} {}", Clip(k), control_reason(c)),
                    );
                }
                control_chars_in(v, &p, issues);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// `text` without a leading UTF-8 byte-order mark, which Windows editors (Notepad) and Excel
/// write at the start of UTF-8 files and which the JSON and TOML parsers would refuse: every
/// text reader (model files, `GeoJSON`, case-record CSV) takes it off first.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Whether bytes that are not UTF-8 are well-formed GBK/GB18030 double-byte text: every byte
/// above 0x7F starts a pair whose lead is 0x81–0xFE and whose trail is 0x40–0xFE (not 0x7F),
/// or a GB18030 four-byte sequence (lead, 0x30–0x39, 0x81–0xFE, 0x30–0x39).
pub fn looks_like_gb18030(bytes: &[u8]) -> bool {
    let mut at = 0;
    let mut pairs = 0;
    while let Some(&lead) = bytes.get(at) {
        if lead < 0x80 {
            at += 1;
            continue;
        }
        if !(0x81..=0xFE).contains(&lead) {
            return false;
        }
        match bytes.get(at + 1) {
            Some(&trail) if (0x40..=0xFE).contains(&trail) && trail != 0x7F => at += 2,
            Some(&second) if second.is_ascii_digit() => {
                match (bytes.get(at + 2), bytes.get(at + 3)) {
                    (Some(&third), Some(&fourth))
                        if (0x81..=0xFE).contains(&third) && fourth.is_ascii_digit() =>
                    {
                        at += 4;
                    }
                    _ => return false,
                }
            }
            _ => return false,
        }
        pairs += 1;
    }
    pairs > 0
}

/// Reads a text file a city system exported: UTF-8, with or without a byte-order mark (taken
/// off by the parsers, [`strip_bom`]). A file that is not UTF-8 is refused naming the file, the
/// first bad byte and its offset, and — when its bytes read as GBK/GB18030, what Chinese Windows
/// systems and Excel write — saying so, with the conversion to make.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read; [`Error::InvalidValue`] naming the file when
/// it is not UTF-8.
pub fn read_text_file(path: &std::path::Path, what: &str) -> Result<String> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::io(shown.clone(), &e))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let hint = if looks_like_gb18030(bytes) {
            "; it looks like GBK/GB18030 (a Chinese export): convert it to UTF-8 first (iconv -f \
             GB18030 -t UTF-8), or in Python pass encoding=\"gb18030\""
        } else {
            ""
        };
        Error::invalid(
            format!("{what} file"),
            shown.clone(),
            format!(
                "is not UTF-8 text (bad byte 0x{:02x} at offset {at}){hint}",
                bytes.get(at).copied().unwrap_or(0)
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_is_what_it_says() {
        let day = |y, m, d| {
            chrono::NaiveDate::from_ymd_opt(y, m, d)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc().timestamp_millis())
        };
        assert_eq!(day(1970, 1, 1), Some(MIN_INSTANT));
        assert_eq!(day(2200, 1, 1), Some(MAX_INSTANT));
        assert!(INSTANT_RANGE.contains(&MAX_INSTANT.to_string()));
        for bad in [-1, MAX_INSTANT + 1, i64::MAX, i64::MIN + 1] {
            let e = check_instant("t", bad).unwrap_err();
            assert!(e.to_string().contains(&bad.to_string()), "{e}");
        }
        assert!(
            check_instant("t", i64::MIN)
                .unwrap_err()
                .to_string()
                .contains("NaT")
        );
    }

    #[test]
    fn control_characters_are_named() {
        for s in ["a\u{0}b", "\n", "x\u{7f}", "\u{9b}"] {
            let e = check_identifier("citizen", s).unwrap_err();
            assert!(e.to_string().contains("citizen"), "{e}");
            assert!(e.to_string().contains("U+00"), "{e}");
        }
        assert!(check_identifier("id", "街道-01 ok").is_ok());
    }
}
