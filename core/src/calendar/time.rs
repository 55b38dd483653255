//! Instants and the text forms of dates and times: [`Millis`] and its unit constants, civil
//! dates of epoch days, and the parsers of `HH:MM`, `YYYY-MM-DD` and date ranges shared by the
//! rest of the module (with the serde glue that reads a type from its string form).

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

use crate::error::Error;

/// Milliseconds since the Unix epoch, UTC.
pub type Millis = i64;

/// One minute in milliseconds.
pub const MINUTE_MS: i64 = 60_000;

/// One day in milliseconds.
pub const DAY_MS: i64 = 86_400_000;

/// Minutes in a day; a window may end at `24:00` = 1440.
pub(super) const DAY_MINUTES: u16 = 1440;

/// `NumPy`'s `NaT` as an `i64`.
pub(super) const NAT: i64 = i64::MIN;

/// `NaiveDate::num_days_from_ce` of 1970-01-01.
pub(super) const EPOCH_DAYS_FROM_CE: i64 = 719_163;

/// Civil date of an epoch day number, for any `i64` (proleptic Gregorian).
pub(super) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

pub(super) fn days_iso(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    if (0..=9999).contains(&y) {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        format!("{y:+}-{m:02}-{d:02}")
    }
}

/// Parses `H:MM` or `HH:MM` into minutes after midnight, `24:00` allowed.
pub(super) fn parse_hhmm(s: &str) -> std::result::Result<u16, String> {
    let bad = || format!("{s:?} is not a time HH:MM");
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || h.len() > 2 || m.len() != 2 || !digits(m) {
        return Err(bad());
    }
    let h: u16 = h.parse().map_err(|_| bad())?;
    let m: u16 = m.parse().map_err(|_| bad())?;
    if m >= 60 {
        return Err(format!("{s:?}: minutes must be 00..59"));
    }
    if h > 24 || (h == 24 && m != 0) {
        return Err(format!("{s:?} is past 24:00"));
    }
    Ok(h * 60 + m)
}

/// Parses a strict `YYYY-MM-DD`.
pub(super) fn parse_date(text: &str) -> std::result::Result<NaiveDate, String> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    let field = |r: std::ops::Range<usize>| text.get(r).and_then(|f| f.parse::<u32>().ok());
    let parts = (field(0..4), field(5..7), field(8..10));
    let (true, Some(year), Some(month), Some(day)) = (shape_ok, parts.0, parts.1, parts.2) else {
        return Err(format!("invalid date {text:?}: expected YYYY-MM-DD"));
    };
    i32::try_from(year)
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, month, day))
        .ok_or_else(|| format!("invalid date {text:?}: no such day"))
}

/// Parses an instant as city systems export it: ISO 8601 with an offset or `Z` (absolute), or
/// without one — `YYYY-MM-DD HH:MM[:SS[.fff]]`, with `T` or a space, or a date alone — read as
/// wall-clock time `offset_minutes` east of UTC. `/` may stand for `-` in the date and months,
/// days and hours may have one digit (`2026/3/2 9:15`, as spreadsheets write it); an offset is
/// `Z`, `+08:00`, `+0800` or `+08`; a fraction of a second is floored to the millisecond. The
/// one parser of instants in text: case-record CSV, frames from Python and
/// [`Calendar::parse_instant`](super::Calendar::parse_instant) all use it, so a value means
/// the same instant whichever way it comes. A byte-level scanner, not a format-string parser:
/// a column of a million timestamps is read in a few tens of milliseconds.
pub(crate) fn parse_instant_text(
    text: &str,
    offset_minutes: i32,
) -> std::result::Result<Millis, String> {
    const REASON: &str = "is not an instant (ISO 8601 such as 2026-03-01 08:30:00, 2026-03-01 or 2026-03-01T00:30:00Z)";
    scan_instant(text.trim().as_bytes(), offset_minutes).ok_or_else(|| REASON.to_string())
}

/// Digits at the cursor, between `min` and `max` of them, as a number.
fn digits(b: &[u8], at: &mut usize, min: usize, max: usize) -> Option<u32> {
    let start = *at;
    let mut v = 0_u32;
    while *at < b.len() && *at - start < max && b[*at].is_ascii_digit() {
        v = v * 10 + u32::from(b[*at] - b'0');
        *at += 1;
    }
    (*at - start >= min).then_some(v)
}

fn scan_instant(b: &[u8], offset_minutes: i32) -> Option<Millis> {
    let mut at = 0;
    let year = digits(b, &mut at, 4, 4)?;
    let sep = *b.get(at)?;
    if sep != b'-' && sep != b'/' {
        return None;
    }
    at += 1;
    let month = digits(b, &mut at, 1, 2)?;
    if b.get(at) != Some(&sep) {
        return None;
    }
    at += 1;
    let day = digits(b, &mut at, 1, 2)?;
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    let epoch_day = i64::from(chrono::Datelike::num_days_from_ce(&date)) - EPOCH_DAYS_FROM_CE;
    let mut ms_of_day = 0_i64;
    let mut offset = None;
    if at < b.len() {
        if !matches!(b[at], b'T' | b't' | b' ') {
            return None;
        }
        at += 1;
        let hour = digits(b, &mut at, 1, 2)?;
        if b.get(at) != Some(&b':') {
            return None;
        }
        at += 1;
        let minute = digits(b, &mut at, 2, 2)?;
        let mut second = 0;
        let mut millis = 0;
        if b.get(at) == Some(&b':') {
            at += 1;
            second = digits(b, &mut at, 2, 2)?;
            if matches!(b.get(at), Some(b'.' | b',')) {
                at += 1;
                let start = at;
                let frac = digits(b, &mut at, 1, 3)?;
                millis = frac * [100, 10, 1][at - start - 1];
                while at < b.len() && b[at].is_ascii_digit() {
                    at += 1; // finer than a millisecond: floored
                }
            }
        }
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        ms_of_day = i64::from(hour) * 3_600_000
            + i64::from(minute) * MINUTE_MS
            + i64::from(second) * 1000
            + i64::from(millis);
        match b.get(at) {
            None => {}
            Some(b'Z' | b'z') if at + 1 == b.len() => offset = Some(0),
            Some(&c @ (b'+' | b'-')) => {
                at += 1;
                let h = digits(b, &mut at, 2, 2)?;
                if b.get(at) == Some(&b':') {
                    at += 1;
                }
                let m = if at < b.len() {
                    digits(b, &mut at, 2, 2)?
                } else {
                    0
                };
                if at != b.len() || h > 23 || m > 59 {
                    return None;
                }
                let minutes = i32::try_from(h * 60 + m).ok()?;
                offset = Some(if c == b'-' { -minutes } else { minutes });
            }
            Some(_) => return None,
        }
    }
    let offset = offset.unwrap_or(offset_minutes);
    Some(epoch_day * DAY_MS + ms_of_day - i64::from(offset) * MINUTE_MS)
}

/// Parses `"A"` or `"A..B"` into an inclusive range.
pub(super) fn parse_date_range(s: &str) -> std::result::Result<(NaiveDate, NaiveDate), String> {
    let Some((a, b)) = s.split_once("..") else {
        let d = parse_date(s.trim())?;
        return Ok((d, d));
    };
    let a = parse_date(a.trim())?;
    let b = parse_date(b.trim())?;
    if b < a {
        return Err(format!("range {s:?} is reversed: {b} is before {a}"));
    }
    Ok((a, b))
}

/// A serde visitor that parses a string with `FromStr`.
pub(super) struct FromStrVisitor<T> {
    expecting: &'static str,
    marker: std::marker::PhantomData<T>,
}

impl<T> FromStrVisitor<T> {
    pub(super) fn new(expecting: &'static str) -> Self {
        Self {
            expecting,
            marker: std::marker::PhantomData,
        }
    }
}

impl<T> serde::de::Visitor<'_> for FromStrVisitor<T>
where
    T: FromStr<Err = Error>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(E::custom)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::Datelike;

    #[test]
    fn scanned_instants_agree_with_chrono() {
        // A seeded walk over 1970–2200: every form chrono writes, read back to the millisecond.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let ms = i64::try_from(x % 7_258_118_400_000).unwrap(); // up to 2200-01-01
            let utc = chrono::DateTime::from_timestamp_millis(ms).unwrap();
            let local = utc + chrono::Duration::minutes(480);
            let forms = [
                (utc.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(), ms),
                (local.format("%Y-%m-%d %H:%M:%S%.3f").to_string(), ms),
                (
                    local.format("%Y/%-m/%-d %-H:%M:%S").to_string(),
                    ms - ms.rem_euclid(1000),
                ),
                (
                    local.format("%Y-%m-%dT%H:%M").to_string(),
                    ms - ms.rem_euclid(60_000),
                ),
                (local.format("%Y-%m-%d %H:%M:%S%.3f+08:00").to_string(), ms),
            ];
            for (text, want) in forms {
                assert_eq!(parse_instant_text(&text, 480), Ok(want), "{text}");
            }
        }
    }

    #[test]
    fn instants_in_text_as_exports_have_them() {
        // 2026-03-02 09:15 at UTC+8 is 01:15Z.
        let want = 1_772_414_100_000;
        for text in [
            "2026-03-02 09:15:00",
            "2026-03-02T09:15",
            " 2026-03-02 09:15:00.000 ",
            "2026/03/02 09:15:00",
            "2026/3/2 9:15",
            "2026-03-02T01:15:00Z",
            "2026-03-02 01:15:00Z",
            "2026-03-02T09:15:00+08:00",
            "2026-03-02 09:15:00+0800",
            "2026-03-02 10:15+09:00",
        ] {
            assert_eq!(parse_instant_text(text, 480), Ok(want), "{text}");
        }
        assert_eq!(
            parse_instant_text("2026-03-02", 480),
            Ok(want - 9 * 3_600_000 - 15 * 60_000)
        );
        // West of UTC the same wall-clock text is a later instant.
        assert_eq!(
            parse_instant_text("2026-03-02 09:15", -300),
            Ok(want + 13 * 3_600_000)
        );
        for bad in [
            "",
            "09:15",
            "2026-13-02 09:15",
            "2026-03-02 25:00",
            "tomorrow",
            "2026-03-02 09:15 CST",
        ] {
            assert!(parse_instant_text(bad, 480).is_err(), "{bad}");
        }
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        // Extreme values do not panic.
        let _ = days_iso(i64::MAX / DAY_MS + 1);
        let _ = days_iso(i64::MIN / DAY_MS - 1);
        for d in -800_000..800_000_i64 {
            let (y, m, dd) = civil_from_days(d);
            let nd = NaiveDate::from_num_days_from_ce_opt((d + EPOCH_DAYS_FROM_CE) as i32).unwrap();
            assert_eq!(
                (y, m, dd),
                (
                    i64::from(nd.year()),
                    i64::from(nd.month()),
                    i64::from(nd.day())
                )
            );
        }
    }

    #[test]
    fn dates() {
        assert!(parse_date("2024-02-29").is_ok());
        assert!(parse_date("2025-02-29").is_err());
        assert!(parse_date("2024-2-4").is_err());
        assert!(parse_date("2024/02/04").is_err());
        assert!(parse_date("２０２４-02-04").is_err());
        assert_eq!(
            parse_date_range("2024-02-10..2024-02-17").map(|(a, b)| (b - a).num_days()),
            Ok(7)
        );
        assert!(parse_date_range("2024-02-17..2024-02-10").is_err());
    }
}
