//! What to simulate: [`Simulation`], the window, the seed and the volume, and the checks of
//! these parameters against the model's calendar.

use crate::calendar::{DAY_MS, Millis};
use crate::error::{Error, Result};
use crate::model::Model;

/// What to simulate: the window, the seed and the volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Simulation {
    /// First instant of the window (epoch milliseconds, UTC); usually local midnight.
    pub start: Millis,
    /// Length of the window in days of 24 hours (at least 1).
    pub days: u32,
    /// The seed: the same seed (and model) gives the same history.
    pub seed: u64,
    /// Reports on a working day (a day off gets 40 % of it); default 120.
    pub reports_per_day: u32,
}

impl Simulation {
    /// Reports on a working day unless told otherwise.
    pub const DEFAULT_REPORTS_PER_DAY: u32 = 120;
    /// The seed unless told otherwise.
    pub const DEFAULT_SEED: u64 = 1;
    /// The longest window, in days (ten years).
    pub const MAX_DAYS: u32 = 3660;
    /// The most reports per working day.
    pub const MAX_REPORTS_PER_DAY: u32 = 100_000;

    /// `days` days from `start`, with seed 1 and 120 reports per working day.
    pub fn new(start: Millis, days: u32) -> Simulation {
        Simulation {
            start,
            days,
            seed: Simulation::DEFAULT_SEED,
            reports_per_day: Simulation::DEFAULT_REPORTS_PER_DAY,
        }
    }

    /// The same with another seed.
    #[must_use]
    pub fn with_seed(self, seed: u64) -> Simulation {
        Simulation { seed, ..self }
    }

    /// The same with another volume.
    #[must_use]
    pub fn with_reports_per_day(self, reports_per_day: u32) -> Simulation {
        Simulation {
            reports_per_day,
            ..self
        }
    }

    /// Checks the parameters against the model's calendar; returns the window `(start, end)`.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] for `days` 0 or above [`Simulation::MAX_DAYS`], too many reports
    /// per day, a `NaT` start or a window that overflows; [`Error::CalendarRange`] when the
    /// window's first or last day lies outside the calendar's covered years.
    pub fn window(&self, model: &Model) -> Result<(Millis, Millis)> {
        if self.start == i64::MIN {
            return Err(Error::invalid("start", "NaT", "is not a time"));
        }
        if self.days == 0 || self.days > Simulation::MAX_DAYS {
            return Err(Error::invalid(
                "days",
                self.days,
                format!("must be from 1 to {}", Simulation::MAX_DAYS),
            ));
        }
        if self.reports_per_day > Simulation::MAX_REPORTS_PER_DAY {
            return Err(Error::invalid(
                "reports_per_day",
                self.reports_per_day,
                format!("must be at most {}", Simulation::MAX_REPORTS_PER_DAY),
            ));
        }
        let end = self
            .start
            .checked_add(i64::from(self.days) * DAY_MS)
            .ok_or_else(|| Error::invalid("start", self.start, "the window overflows"))?;
        let cal = model.calendar();
        for t in [self.start, end - 1] {
            cal.is_workday(cal.try_local_date(t)?)?;
        }
        Ok((self.start, end))
    }
}
