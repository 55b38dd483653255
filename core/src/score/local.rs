//! Instants as local text for messages: `2026-03-02 09:15 (UTC+8)` on the model's calendar,
//! not epoch milliseconds (a leaf: it knows only the calendar).

use crate::calendar::{Calendar, Millis};

/// An instant as local ISO text on `cal`'s zone, for messages: `2026-03-02 09:15 (UTC+8)`
/// (seconds and milliseconds shown only when not zero).
pub(crate) fn local_text(cal: &Calendar, t: Millis) -> String {
    let offset = cal.utc_offset_minutes();
    let zone = if offset % 60 == 0 {
        format!("UTC{:+}", offset / 60)
    } else {
        format!("UTC{:+}:{:02}", offset / 60, (offset % 60).abs())
    };
    let Some(local) = chrono::FixedOffset::east_opt(offset * 60)
        .and_then(|z| chrono::DateTime::from_timestamp_millis(t).map(|d| d.with_timezone(&z)))
    else {
        return format!("{t} ms");
    };
    let format = if t.rem_euclid(60_000) == 0 {
        "%Y-%m-%d %H:%M"
    } else if t.rem_euclid(1000) == 0 {
        "%Y-%m-%d %H:%M:%S"
    } else {
        "%Y-%m-%d %H:%M:%S%.3f"
    };
    format!("{} ({zone})", local.format(format))
}
