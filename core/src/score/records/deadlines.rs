//! Deadlines computed where a deadline column is absent: the catalog's limit for the case's
//! category and urgency (and stage), added to the instant the stage started on the calendar of
//! whoever acts in it ([`crate::Model::calendar_for`]: handling on the row's unit's calendar, the
//! centre's stages on theirs); handling is lengthened by the approved extension minutes.

use std::collections::HashMap;

use crate::calendar::{Millis, TimeLimit};
use crate::catalog::Stage;
use crate::error::Result;
use crate::org::UnitId;

use super::schema::{DEADLINE_COLUMNS, NO_TIME, NONE, bad, t};
use super::table::Records;

impl Records<'_> {
    /// Deadlines of stage `k` from the catalog, for the rows that reached the stage.
    pub(super) fn compute_deadlines(&self, k: usize) -> Result<Vec<Millis>> {
        let (stage, from, needed) = match k {
            0 => (Stage::Verify, t::ACCEPTED, t::VERIFIED),
            1 => (Stage::Dispatch, t::FILED, t::DISPATCHED),
            2 => (Stage::Handle, t::DISPATCHED, t::DISPATCHED),
            _ => (Stage::Check, t::HANDLED, t::CHECKED),
        };
        let model = &self.model;
        let catalog = model.catalog();
        let mut limits: HashMap<(u32, u8), TimeLimit> = HashMap::new();
        let n = self.len();
        let mut out = vec![NO_TIME; n];
        for (row, slot) in out.iter_mut().enumerate() {
            let start = self.time[from][row];
            if self.time[needed][row] == NO_TIME || start == NO_TIME {
                continue;
            }
            // verification deadlines only for the sources the model verifies
            if stage == Stage::Verify && !model.engine_config().verifies(self.source[row]) {
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
            // handling on the responsible unit's calendar, the centre's stages on theirs
            let unit =
                (stage == Stage::Handle && self.unit[row] != NONE).then(|| UnitId(self.unit[row]));
            let cal = model.calendar_for(stage, unit);
            let limit = if stage == Stage::Handle {
                extend(limit, self.extension_minutes[row], cal.day_length_minutes())
            } else {
                limit
            };
            *slot = cal.add_limit(start, limit).map_err(|e| {
                let at = crate::score::local::local_text(cal, start);
                bad(row, DEADLINE_COLUMNS[k], &at, e.to_string())
            })?;
        }
        Ok(out)
    }
}

/// A limit lengthened by approved extension minutes (in the limit's own measure).
fn extend(limit: TimeLimit, minutes: i64, day_length: i64) -> TimeLimit {
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
