//! Scoring by calendar period: the months, quarters or years of a history, one card each
//! ([`score_periods`]); cards merged whatever their order ([`merge_all`]); and comparison that
//! refuses cards judged at different instants unless asked ([`compare_at`]).
//!
//! Periods run from local midnight of their first day (the calendar's zone) to local midnight
//! of the next period's first day, so the cards of consecutive periods merge into the card of
//! their union exactly ([`Scorecard::merge`]).

use chrono::{Datelike, NaiveDate};

use crate::calendar::{Calendar, DAY_MS, Millis};
use crate::error::{Error, Result};

use super::card::{Change, Scorecard, compare, score};
use super::local::local_text;
use super::records::Records;

/// The length of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freq {
    /// Calendar months (pandas `"MS"`).
    Month,
    /// Calendar quarters from January (pandas `"QS"`).
    Quarter,
    /// Calendar years (pandas `"YS"`).
    Year,
}

impl Freq {
    /// The frequency named `name`: `MS`, `QS` or `YS` (pandas' period-start aliases; `M`, `Q`,
    /// `Y`, `month`, `quarter` and `year` too).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming `freq` for any other name.
    pub fn parse(name: &str) -> Result<Freq> {
        match name {
            "MS" | "M" | "month" => Ok(Freq::Month),
            "QS" | "QS-JAN" | "Q" | "quarter" => Ok(Freq::Quarter),
            "YS" | "AS" | "Y" | "year" => Ok(Freq::Year),
            _ => Err(Error::invalid(
                "freq",
                name,
                "is not a period length (MS months, QS quarters, YS years)",
            )),
        }
    }

    fn months(self) -> u32 {
        match self {
            Freq::Month => 1,
            Freq::Quarter => 3,
            Freq::Year => 12,
        }
    }
}

/// The local date of an instant on `cal`'s zone.
fn local_date(cal: &Calendar, t: Millis) -> Option<NaiveDate> {
    let local = t.checked_add(i64::from(cal.utc_offset_minutes()) * 60_000)?;
    let days = local.div_euclid(DAY_MS);
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(chrono::TimeDelta::try_days(days)?)
}

/// Local midnight of `d` on `cal`'s zone, in ms.
fn midnight(cal: &Calendar, d: NaiveDate) -> Millis {
    let days = d.signed_duration_since(NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(d));
    days.num_days() * DAY_MS - i64::from(cal.utc_offset_minutes()) * 60_000
}

/// The first day of the period of `freq` holding `d`.
fn period_start(d: NaiveDate, freq: Freq) -> NaiveDate {
    let m0 = d.month0() / freq.months() * freq.months();
    NaiveDate::from_ymd_opt(d.year(), m0 + 1, 1).unwrap_or(d)
}

/// The first day of the period after the one starting on `d`.
fn next_start(d: NaiveDate, freq: Freq) -> Option<NaiveDate> {
    d.checked_add_months(chrono::Months::new(freq.months()))
}

/// The periods of `freq` that meet `[start, end)`: `(start, end)` pairs from local midnight of
/// the first day of each period, the first holding `start`, the last holding `end − 1`.
///
/// # Errors
/// [`Error::InvalidValue`] for an empty or reversed range, or one outside the instants
/// gridgov accepts.
pub fn periods(
    cal: &Calendar,
    start: Millis,
    end: Millis,
    freq: Freq,
) -> Result<Vec<(Millis, Millis)>> {
    super::card::check_period(cal, start, end)?;
    let (Some(first), Some(last)) = (local_date(cal, start), local_date(cal, end - 1)) else {
        return Err(Error::invalid("period", start, "has no local date"));
    };
    let mut out = Vec::new();
    let mut d = period_start(first, freq);
    while d <= last {
        let Some(next) = next_start(d, freq) else {
            break;
        };
        out.push((midnight(cal, d), midnight(cal, next)));
        d = next;
    }
    Ok(out)
}

/// One card per period of `freq` (months, quarters, years) meeting `[start, end)`, statuses
/// judged as of `as_of` (default: the records' own) for every card, so that they merge and
/// compare. `start` defaults to the earliest `reported_at`, `end` to the records' `as_of`
/// (the periods then cover the whole history). No records and no range give no cards.
///
/// # Errors
/// As [`periods`] and [`score`].
pub fn score_periods(
    records: &Records,
    freq: Freq,
    start: Option<Millis>,
    end: Option<Millis>,
    as_of: Option<Millis>,
) -> Result<Vec<Scorecard>> {
    let start = match start {
        Some(s) => s,
        None => match records.reported_min() {
            Some(s) => s,
            None => return Ok(Vec::new()),
        },
    };
    let end = end.unwrap_or_else(|| records.as_of().max(start.saturating_add(1)));
    let as_of = as_of.unwrap_or_else(|| records.as_of());
    periods(records.model().calendar(), start, end, freq)?
        .into_iter()
        .map(|(s, e)| score(records, s, e, Some(as_of)))
        .collect()
}

/// The card of all `cards`, whatever their order: sorted by period, then merged one by one
/// ([`Scorecard::merge`]: adjacent periods, or equal periods of disjoint record sets).
///
/// # Errors
/// [`Error::InvalidValue`] naming `cards` for an empty list; as [`Scorecard::merge`] (a gap
/// or overlap between periods, another model, configuration or `as_of`).
pub fn merge_all(cards: &[Scorecard]) -> Result<Scorecard> {
    let mut sorted: Vec<&Scorecard> = cards.iter().collect();
    sorted.sort_by_key(|c| c.period());
    let Some((first, rest)) = sorted.split_first() else {
        return Err(Error::invalid(
            "cards",
            0,
            "is an empty list: nothing to merge",
        ));
    };
    let mut acc = (*first).clone();
    for c in rest {
        acc = acc.merge(c)?;
    }
    Ok(acc)
}

/// [`compare`], refusing cards judged at different instants unless
/// `allow_different_as_of`: a case still within its limit on one card may be overdue on the
/// other, so their rates do not measure the same thing.
///
/// # Errors
/// [`Error::InvalidValue`] naming `after.as_of` when the `as_of` differ and that is not
/// allowed; as [`compare`].
pub fn compare_at(
    before: &Scorecard,
    after: &Scorecard,
    level: Option<&str>,
    allow_different_as_of: bool,
) -> Result<Vec<Change>> {
    if !allow_different_as_of && before.as_of() != after.as_of() {
        let cal = before.model().calendar();
        return Err(Error::invalid(
            "after.as_of",
            local_text(cal, after.as_of()),
            format!(
                "differs from before.as_of ({}): cards judged at different instants do not \
                 compare (score both with one as_of, or allow different ones)",
                local_text(cal, before.as_of())
            ),
        ));
    }
    compare(before, after, level)
}
