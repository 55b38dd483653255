//! The built-in China calendar against the State Council schedules 2019–2026, working-time
//! arithmetic against a naive minute-by-minute reference, validation paths, time limits and the
//! bulk forms.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

mod common;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use gridgov::calendar::{
    Calendar, CalendarConfig, CalendarSpec, DAY_MS, MINUTE_MS, Millis, TimeLimit, Window,
};
use gridgov::{Error, ErrorKind, Issues};

const H: i64 = 3_600_000;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

// ---------------------------------------------------------------------------------------------
// The official schedule, typed from the notices (domain facts §8), independent of china.toml.
// ---------------------------------------------------------------------------------------------

type Ymd = (i32, u32, u32);

/// (first, last) inclusive days off per holiday.
const OFF: &[(Ymd, Ymd)] = &[
    // 2019, 国办发明电〔2018〕15号; 劳动节 as revised by 国办发明电〔2019〕2号
    ((2019, 1, 1), (2019, 1, 1)),
    ((2019, 2, 4), (2019, 2, 10)),
    ((2019, 4, 5), (2019, 4, 7)),
    ((2019, 5, 1), (2019, 5, 4)),
    ((2019, 6, 7), (2019, 6, 9)),
    ((2019, 9, 13), (2019, 9, 15)),
    ((2019, 10, 1), (2019, 10, 7)),
    // 2020, 国办发明电〔2019〕16号; 春节 extended to Feb 2 by 国办发明电〔2020〕1号
    ((2020, 1, 1), (2020, 1, 1)),
    ((2020, 1, 24), (2020, 2, 2)),
    ((2020, 4, 4), (2020, 4, 6)),
    ((2020, 5, 1), (2020, 5, 5)),
    ((2020, 6, 25), (2020, 6, 27)),
    ((2020, 10, 1), (2020, 10, 8)),
    // 2021, 国办发明电〔2020〕27号
    ((2021, 1, 1), (2021, 1, 3)),
    ((2021, 2, 11), (2021, 2, 17)),
    ((2021, 4, 3), (2021, 4, 5)),
    ((2021, 5, 1), (2021, 5, 5)),
    ((2021, 6, 12), (2021, 6, 14)),
    ((2021, 9, 19), (2021, 9, 21)),
    ((2021, 10, 1), (2021, 10, 7)),
    // 2022, 国办发明电〔2021〕11号
    ((2022, 1, 1), (2022, 1, 3)),
    ((2022, 1, 31), (2022, 2, 6)),
    ((2022, 4, 3), (2022, 4, 5)),
    ((2022, 4, 30), (2022, 5, 4)),
    ((2022, 6, 3), (2022, 6, 5)),
    ((2022, 9, 10), (2022, 9, 12)),
    ((2022, 10, 1), (2022, 10, 7)),
    // 2023, 国办发明电〔2022〕16号
    ((2023, 1, 1), (2023, 1, 2)),
    ((2023, 1, 21), (2023, 1, 27)),
    ((2023, 4, 5), (2023, 4, 5)),
    ((2023, 4, 29), (2023, 5, 3)),
    ((2023, 6, 22), (2023, 6, 24)),
    ((2023, 9, 29), (2023, 10, 6)),
    // 2024, notice of 2023-10-25
    ((2024, 1, 1), (2024, 1, 1)),
    ((2024, 2, 10), (2024, 2, 17)),
    ((2024, 4, 4), (2024, 4, 6)),
    ((2024, 5, 1), (2024, 5, 5)),
    ((2024, 6, 10), (2024, 6, 10)),
    ((2024, 9, 15), (2024, 9, 17)),
    ((2024, 10, 1), (2024, 10, 7)),
    // 2025, 国办发明电〔2024〕12号
    ((2025, 1, 1), (2025, 1, 1)),
    ((2025, 1, 28), (2025, 2, 4)),
    ((2025, 4, 4), (2025, 4, 6)),
    ((2025, 5, 1), (2025, 5, 5)),
    ((2025, 5, 31), (2025, 6, 2)),
    ((2025, 10, 1), (2025, 10, 8)),
    // 2026, notice of 2025-11-04
    ((2026, 1, 1), (2026, 1, 3)),
    ((2026, 2, 15), (2026, 2, 23)),
    ((2026, 4, 4), (2026, 4, 6)),
    ((2026, 5, 1), (2026, 5, 5)),
    ((2026, 6, 19), (2026, 6, 21)),
    ((2026, 9, 25), (2026, 9, 27)),
    ((2026, 10, 1), (2026, 10, 7)),
];

/// 调休 make-up workdays.
const ON: &[Ymd] = &[
    (2019, 2, 2),
    (2019, 2, 3),
    (2019, 4, 28),
    (2019, 5, 5),
    (2019, 9, 29),
    (2019, 10, 12),
    (2020, 1, 19),
    (2020, 4, 26),
    (2020, 5, 9),
    (2020, 6, 28),
    (2020, 9, 27),
    (2020, 10, 10),
    (2021, 2, 7),
    (2021, 2, 20),
    (2021, 4, 25),
    (2021, 5, 8),
    (2021, 9, 18),
    (2021, 9, 26),
    (2021, 10, 9),
    (2022, 1, 29),
    (2022, 1, 30),
    (2022, 4, 2),
    (2022, 4, 24),
    (2022, 5, 7),
    (2022, 10, 8),
    (2022, 10, 9),
    (2023, 1, 28),
    (2023, 1, 29),
    (2023, 4, 23),
    (2023, 5, 6),
    (2023, 6, 25),
    (2023, 10, 7),
    (2023, 10, 8),
    (2024, 2, 4),
    (2024, 2, 18),
    (2024, 4, 7),
    (2024, 4, 28),
    (2024, 5, 11),
    (2024, 9, 14),
    (2024, 9, 29),
    (2024, 10, 12),
    (2025, 1, 26),
    (2025, 2, 8),
    (2025, 4, 27),
    (2025, 9, 28),
    (2025, 10, 11),
    (2026, 1, 4),
    (2026, 2, 14),
    (2026, 2, 28),
    (2026, 5, 9),
    (2026, 9, 20),
    (2026, 10, 10),
];

fn official_workday(date: NaiveDate) -> bool {
    let off = OFF
        .iter()
        .any(|&((y0, m0, d0), (y1, m1, d1))| date >= d(y0, m0, d0) && date <= d(y1, m1, d1));
    let on = ON.iter().any(|&(y, m, dd)| date == d(y, m, dd));
    assert!(!(off && on), "{date} both off and on in the test table");
    if on {
        return true;
    }
    !off && !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Days of 2019-01-01 ..= 2026-12-31.
fn covered_days() -> Vec<NaiveDate> {
    let mut v = Vec::new();
    let mut x = d(2019, 1, 1);
    while x <= d(2026, 12, 31) {
        v.push(x);
        x += Duration::days(1);
    }
    v
}

#[test]
fn builtin_agrees_with_the_official_schedule_every_day() {
    let cal = Calendar::china();
    let days = covered_days();
    assert_eq!(days.len(), 2922);
    let mut per_year = std::collections::BTreeMap::new();
    for &day in &days {
        let expect = official_workday(day);
        assert_eq!(cal.is_workday(day).unwrap(), expect, "{day}");
        let ws = cal.windows_on(day).unwrap();
        let minutes = cal.working_minutes_on(day).unwrap();
        if expect {
            assert_eq!(
                ws,
                [
                    Window::parse("08:00-12:00").unwrap(),
                    Window::parse("14:00-18:00").unwrap()
                ],
                "{day}"
            );
            assert_eq!(minutes, 480);
            *per_year.entry(day.year()).or_insert(0) += 1;
        } else {
            assert!(ws.is_empty(), "{day}");
            assert_eq!(minutes, 0);
        }
    }
    assert_eq!(
        per_year.into_iter().collect::<Vec<_>>(),
        [
            (2019, 250),
            (2020, 249),
            (2021, 250),
            (2022, 249),
            (2023, 249),
            (2024, 251),
            (2025, 248),
            (2026, 248)
        ]
    );
    assert_eq!(
        cal.total_working_ms(),
        (250 + 249 + 250 + 249 + 249 + 251 + 248 + 248) * 8 * H
    );
}

#[test]
fn builtin_properties() {
    let cal = Calendar::china();
    assert_eq!(cal.name(), "china");
    assert_eq!(cal.years(), (2019, 2026));
    assert_eq!(cal.utc_offset_minutes(), 480);
    assert_eq!(cal.day_length_minutes(), 480);
    assert_eq!(cal.spec(), &CalendarSpec::Builtin("china".into()));
    assert_eq!(Calendar::builtin("china").unwrap(), cal);
    assert_eq!(
        Calendar::builtin("atlantis").unwrap_err(),
        Error::Unknown {
            what: "calendar",
            value: "atlantis".into()
        }
    );
    // 2024 除夕 (Feb 9, Friday) is only "encouraged off": a workday in the official schedule.
    assert!(cal.is_workday(d(2024, 2, 9)).unwrap());
    // Pickling: the spec round-trips through JSON.
    let json = serde_json::to_string(cal.spec()).unwrap();
    assert_eq!(json, "\"china\"");
    assert_eq!(Calendar::from_json_str(&json).unwrap(), cal);
    // Local 00:00 2019-01-01 +08:00 is 2018-12-31T16:00Z.
    assert_eq!(cal.covered_range().0, 1_546_272_000_000);
    let _: &dyn Send = &cal;
    let _: &dyn Sync = &cal;
}

// ---------------------------------------------------------------------------------------------
// Arithmetic examples
// ---------------------------------------------------------------------------------------------

fn at(cal: &Calendar, s: &str) -> Millis {
    cal.parse_local(s).unwrap()
}

#[test]
fn working_time_examples() {
    let cal = Calendar::china();
    // Fri 16:00 + 3 h: the 调休 Sunday 2024-02-04 is a workday.
    let t = at(&cal, "2024-02-02 16:00");
    assert_eq!(
        cal.add_working(t, 3 * H).unwrap(),
        at(&cal, "2024-02-04 09:00")
    );
    // 17:30 + 4 h: 11:30 next workday.
    let t = at(&cal, "2025-03-05 17:30");
    assert_eq!(
        cal.add_working(t, 4 * H).unwrap(),
        at(&cal, "2025-03-06 11:30")
    );
    // Friday 17:30 + 4 h: Monday 11:30.
    let t = at(&cal, "2025-03-07 17:30");
    assert_eq!(
        cal.add_working(t, 4 * H).unwrap(),
        at(&cal, "2025-03-10 11:30")
    );
    // Ending exactly at a window end gives the window end.
    let t = at(&cal, "2025-03-05 09:00");
    assert_eq!(
        cal.add_working(t, 3 * H).unwrap(),
        at(&cal, "2025-03-05 12:00")
    );
    assert_eq!(
        cal.add_working(t, 3 * H + 1).unwrap(),
        at(&cal, "2025-03-05 14:00") + 1
    );
    // Starting outside a window: counting starts at the next window.
    let t = at(&cal, "2025-03-05 12:30");
    assert_eq!(cal.add_working(t, H).unwrap(), at(&cal, "2025-03-05 15:00"));
    // Zero returns the start, even at night.
    let t = at(&cal, "2025-03-08 03:17") + 123;
    assert_eq!(cal.add_working(t, 0).unwrap(), t);
    // Negative durations are rejected.
    assert_eq!(
        cal.add_working(t, -1).unwrap_err().kind(),
        ErrorKind::InvalidValue
    );
    // 2 working days from Tue 2025-09-30 16:00: 2 h that day, the 8-day 国庆+中秋 break,
    // Sep 28 / Oct 11 are make-up days; 8 h on Thu Oct 9, 6 h on Fri Oct 10 -> 16:00.
    let t = at(&cal, "2025-09-30 16:00");
    let due = cal
        .add_limit(t, TimeLimit::WorkingDays { days: 2 })
        .unwrap();
    assert_eq!(due, at(&cal, "2025-10-10 16:00"));
    assert_eq!(cal.working_between(t, due).unwrap(), 16 * H);
    assert_eq!(cal.working_between(due, t).unwrap(), -16 * H);
    // 3 working days from 2025-10-09 17:00 reach the 调休 Saturday Oct 11.
    let t = at(&cal, "2025-10-09 17:00");
    let due = cal.add_limit(t, "3 working_days".parse().unwrap()).unwrap();
    assert_eq!(due, at(&cal, "2025-10-13 17:00"));
    // 春节 2026: from Fri Feb 13 10:00, 15 working days.
    let t = at(&cal, "2026-02-13 10:00");
    let due = cal
        .add_limit(t, "15 working_days".parse().unwrap())
        .unwrap();
    // Workdays after Feb 13: Feb 14 (Sat, 调休), Feb 24-27, Feb 28 (Sat, 调休), Mar 2-6, Mar 9-12 ...
    // 15 × 8 h from Feb 13 10:00 ends at 10:00 of the 15th workday after Feb 13.
    let mut day = d(2026, 2, 13);
    let mut n = 0;
    while n < 15 {
        day += Duration::days(1);
        if official_workday(day) {
            n += 1;
        }
    }
    assert_eq!(day, d(2026, 3, 12));
    assert_eq!(due, cal.local_instant(day, 10 * 60));
    // Continuous limits ignore the calendar.
    let t = at(&cal, "2026-02-15 23:00");
    assert_eq!(
        cal.add_limit(t, "2 hours".parse().unwrap()).unwrap(),
        at(&cal, "2026-02-16 01:00")
    );
    assert_eq!(
        cal.add_limit(t, "90 working_minutes".parse().unwrap())
            .unwrap(),
        at(&cal, "2026-02-24 09:30")
    );
}

#[test]
fn next_working_examples() {
    let cal = Calendar::china();
    let cases = [
        ("2025-03-05 09:00", "2025-03-05 09:00"),
        ("2025-03-05 07:59", "2025-03-05 08:00"),
        ("2025-03-05 12:00", "2025-03-05 14:00"),
        ("2025-03-05 18:00", "2025-03-06 08:00"),
        ("2025-03-07 18:00", "2025-03-10 08:00"),
        ("2024-02-09 18:30", "2024-02-18 08:00"),
        ("2025-09-30 18:00", "2025-10-09 08:00"),
        ("2025-10-10 19:00", "2025-10-11 08:00"),
    ];
    for (a, b) in cases {
        assert_eq!(cal.next_working(at(&cal, a)).unwrap(), at(&cal, b), "{a}");
    }
    let inside = at(&cal, "2025-03-05 17:59") + 59_999;
    assert_eq!(cal.next_working(inside).unwrap(), inside);
}

#[test]
fn year_boundaries_are_errors_not_guesses() {
    let cal = Calendar::china();
    let range = |e: Error| match e {
        Error::CalendarRange {
            date,
            first_year,
            last_year,
        } => {
            assert_eq!((first_year, last_year), (2019, 2026));
            date
        }
        other => panic!("expected CalendarRange, got {other:?}"),
    };
    assert_eq!(
        range(cal.is_workday(d(2018, 12, 31)).unwrap_err()),
        "2018-12-31"
    );
    assert_eq!(
        range(cal.is_workday(d(2027, 1, 1)).unwrap_err()),
        "2027-01-01"
    );
    assert!(cal.windows_on(d(2027, 1, 1)).is_err());
    assert!(cal.working_minutes_on(d(2018, 12, 31)).is_err());
    assert!(cal.is_workday(d(2019, 1, 1)).is_ok());
    assert!(cal.is_workday(d(2026, 12, 31)).is_ok());

    let first = at(&cal, "2019-01-01 00:00");
    let end = at(&cal, "2027-01-01 00:00");
    assert_eq!(cal.covered_range(), (first, end));
    // Instants before the first covered day.
    assert_eq!(
        range(cal.add_working(first - 1, H).unwrap_err()),
        "2018-12-31"
    );
    assert_eq!(
        range(cal.next_working(first - 1).unwrap_err()),
        "2018-12-31"
    );
    assert!(cal.working_between(first - 1, first).is_err());
    // 2026-12-31 (Thu) 17:00 + 1 h reaches 18:00; + 1 h 1 ms runs past the covered years.
    let t = at(&cal, "2026-12-31 17:00");
    assert_eq!(cal.add_working(t, H).unwrap(), at(&cal, "2026-12-31 18:00"));
    assert_eq!(range(cal.add_working(t, H + 1).unwrap_err()), "2027-01-01");
    assert_eq!(
        range(cal.add_working(first, 20_000 * H).unwrap_err()),
        "2027-01-01"
    );
    // next_working after the last window of the last year.
    assert_eq!(
        range(cal.next_working(at(&cal, "2026-12-31 18:00")).unwrap_err()),
        "2027-01-01"
    );
    // 00:00 after the last covered day is accepted as an interval end point only.
    assert_eq!(cal.working_between(t, end).unwrap(), H);
    assert_eq!(
        cal.working_between(first, end).unwrap(),
        cal.total_working_ms()
    );
    assert_eq!(cal.add_working(end, 0).unwrap(), end);
    assert!(cal.add_working(end, 1).is_err());
    assert!(cal.next_working(end).is_err());
    assert!(cal.working_between(t, end + 1).is_err());
    assert!(cal.is_workday_many(&[end], &mut [false]).is_err());
    // NaT.
    assert!(matches!(
        cal.add_working(i64::MIN, 0).unwrap_err(),
        Error::InvalidValue { ref value, .. } if value == "NaT"
    ));
    assert!(cal.working_between(first, i64::MIN).is_err());
    assert!(cal.next_working(i64::MIN).is_err());
    assert!(cal.try_local_date(i64::MIN).is_err());
    assert!(cal.try_local_date(i64::MAX).is_err());
    assert_eq!(cal.try_local_date(first).unwrap(), d(2019, 1, 1));
    assert_eq!(cal.try_local_date(first - 1).unwrap(), d(2018, 12, 31));
}

// ---------------------------------------------------------------------------------------------
// Property test against a naive minute-by-minute reference
// ---------------------------------------------------------------------------------------------

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Minute-granularity reference built from the typed official table only.
struct Reference {
    first: Millis,
    end: Millis,
    workday: Vec<bool>,
}

impl Reference {
    fn new() -> Reference {
        let days = covered_days();
        // 2019-01-01 00:00 +08:00
        let first = 1_546_272_000_000;
        Reference {
            first,
            end: first + days.len() as i64 * DAY_MS,
            workday: days.iter().map(|&x| official_workday(x)).collect(),
        }
    }

    /// Whether the minute starting at `m_start` (minute-aligned) is working time.
    fn working_minute(&self, m_start: Millis) -> bool {
        let rel = m_start - self.first;
        let day = (rel / DAY_MS) as usize;
        let minute = (rel % DAY_MS) / MINUTE_MS;
        self.workday[day] && ((480..720).contains(&minute) || (840..1080).contains(&minute))
    }

    fn between(&self, a: Millis, b: Millis) -> i64 {
        let (lo, hi, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
        let mut t = lo;
        let mut acc = 0;
        while t < hi {
            let m_start = t.div_euclid(MINUTE_MS) * MINUTE_MS;
            let seg_end = (m_start + MINUTE_MS).min(hi);
            if self.working_minute(m_start) {
                acc += seg_end - t;
            }
            t = seg_end;
        }
        sign * acc
    }

    fn add(&self, start: Millis, d: i64) -> Option<Millis> {
        if d == 0 {
            return Some(start);
        }
        let mut t = start;
        let mut rem = d;
        while t < self.end {
            let m_start = t.div_euclid(MINUTE_MS) * MINUTE_MS;
            let m_end = m_start + MINUTE_MS;
            if self.working_minute(m_start) {
                let avail = m_end - t;
                if rem <= avail {
                    return Some(t + rem);
                }
                rem -= avail;
            }
            t = m_end;
        }
        None
    }

    fn next(&self, t: Millis) -> Option<Millis> {
        let m_start = t.div_euclid(MINUTE_MS) * MINUTE_MS;
        if self.working_minute(m_start) {
            return Some(t);
        }
        let mut m = m_start + MINUTE_MS;
        while m < self.end {
            if self.working_minute(m) {
                return Some(m);
            }
            m += MINUTE_MS;
        }
        None
    }
}

#[test]
fn add_and_between_match_the_naive_reference() {
    let cal = Calendar::china();
    let r = Reference::new();
    let span = (r.end - r.first) as u64;
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for i in 0..1500 {
        // Mix arbitrary milliseconds with minute-aligned and window-aligned starts.
        let mut a = r.first + rng.below(span) as i64;
        match i % 3 {
            0 => {}
            1 => a = a.div_euclid(MINUTE_MS) * MINUTE_MS,
            _ => a = a.div_euclid(H) * H,
        }
        let dur = match i % 4 {
            0 => rng.below(40 * H as u64 + 1) as i64,
            1 => rng.below(40 * 60 + 1) as i64 * MINUTE_MS,
            2 => rng.below(6) as i64 * 4 * H,
            _ => rng.below(5 * MINUTE_MS as u64) as i64,
        };
        let got = cal.add_working(a, dur);
        match r.add(a, dur) {
            Some(expect) => {
                let b = got.unwrap();
                assert_eq!(b, expect, "add_working({a}, {dur})");
                assert_eq!(cal.working_between(a, b).unwrap(), dur);
                assert_eq!(cal.working_between(b, a).unwrap(), -dur);
                if dur > 0 {
                    // Minimal: one millisecond earlier is not enough.
                    assert_eq!(cal.working_between(a, b - 1).unwrap(), dur - 1);
                }
            }
            None => assert_eq!(got.unwrap_err().kind(), ErrorKind::CalendarRange),
        }
        // Between two random instants up to ~20 days apart.
        let b = (a + rng.below(20 * DAY_MS as u64) as i64 - 5 * DAY_MS).clamp(r.first, r.end);
        assert_eq!(
            cal.working_between(a, b).unwrap(),
            r.between(a, b),
            "between({a}, {b})"
        );
        // next_working.
        match r.next(a) {
            Some(n) => {
                assert_eq!(cal.next_working(a).unwrap(), n, "next_working({a})");
                assert_eq!(cal.working_between(a, n).unwrap(), 0);
            }
            None => assert!(cal.next_working(a).is_err()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Bulk forms
// ---------------------------------------------------------------------------------------------

fn random_inputs(n: usize, seed: u64) -> (Vec<Millis>, Vec<i64>) {
    let cal = Calendar::china();
    let (first, end) = cal.covered_range();
    let mut rng = XorShift(seed);
    let starts = (0..n)
        .map(|_| first + rng.below((end - first) as u64 - 60 * DAY_MS as u64) as i64)
        .collect();
    let durs = (0..n).map(|_| rng.below(40 * H as u64) as i64).collect();
    (starts, durs)
}

#[test]
fn bulk_forms_equal_scalar_forms() {
    let cal = Calendar::china();
    let (starts, durs) = random_inputs(5000, 42);
    let mut out = vec![0; starts.len()];
    cal.add_working_many(&starts, &durs, &mut out).unwrap();
    for i in 0..starts.len() {
        assert_eq!(out[i], cal.add_working(starts[i], durs[i]).unwrap());
    }
    let ends = out.clone();
    let mut between = vec![0; starts.len()];
    cal.working_between_many(&starts, &ends, &mut between)
        .unwrap();
    assert_eq!(between, durs);
    let mut next = vec![0; starts.len()];
    cal.next_working_many(&starts, &mut next).unwrap();
    let mut work = vec![false; starts.len()];
    cal.is_workday_many(&starts, &mut work).unwrap();
    for i in 0..starts.len() {
        assert_eq!(next[i], cal.next_working(starts[i]).unwrap());
        let date = cal.try_local_date(starts[i]).unwrap();
        assert_eq!(work[i], cal.is_workday(date).unwrap());
        assert_eq!(work[i], official_workday(date));
    }
    // Empty slices are fine.
    cal.add_working_many(&[], &[], &mut []).unwrap();
}

#[test]
fn bulk_errors_name_the_index() {
    let cal = Calendar::china();
    let (mut starts, durs) = random_inputs(8, 7);
    let mut out = vec![0; 8];

    let e = cal
        .add_working_many(&starts, &durs[..7], &mut out)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidValue);
    let text = e.to_string();
    assert!(
        text.contains("starts 8") && text.contains("durations_ms 7") && text.contains("out 8"),
        "{text}"
    );
    assert!(cal.next_working_many(&starts, &mut out[..3]).is_err());
    assert!(cal.is_workday_many(&starts, &mut [false; 2]).is_err());
    assert!(
        cal.working_between_many(&starts, &starts[1..], &mut out)
            .is_err()
    );

    starts[3] = i64::MIN;
    let e = cal.add_working_many(&starts, &durs, &mut out).unwrap_err();
    assert!(
        matches!(&e, Error::InvalidValue { what, value, .. } if what == "starts[3]" && value == "NaT"),
        "{e:?}"
    );
    let e = cal.next_working_many(&starts, &mut out).unwrap_err();
    assert!(
        matches!(&e, Error::InvalidValue { what, .. } if what == "t[3]"),
        "{e:?}"
    );
    let e = cal
        .working_between_many(&durs, &starts, &mut out)
        .unwrap_err();
    assert!(e.to_string().contains("[0]"), "{e}"); // durs[0] is not an instant in range
    let (good, _) = random_inputs(8, 7);
    let e = cal
        .working_between_many(&good, &starts, &mut out)
        .unwrap_err();
    assert!(
        matches!(&e, Error::InvalidValue { what, .. } if what == "b[3]"),
        "{e:?}"
    );
    let mut w = vec![false; 8];
    let e = cal.is_workday_many(&starts, &mut w).unwrap_err();
    assert!(
        matches!(&e, Error::InvalidValue { what, .. } if what == "t[3]"),
        "{e:?}"
    );

    // Negative duration at index 5.
    let mut bad = durs.clone();
    bad[5] = -1;
    let e = cal.add_working_many(&good, &bad, &mut out).unwrap_err();
    assert!(
        matches!(&e, Error::InvalidValue { what, .. } if what == "durations_ms[5]"),
        "{e:?}"
    );

    // Out of the covered range at index 2: keeps the CalendarRange kind, index in the text.
    let mut late = good.clone();
    late[2] = cal.covered_range().1 + H;
    let e = cal.add_working_many(&late, &durs, &mut out).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CalendarRange);
    assert!(e.to_string().contains("starts[2]"), "{e}");
    assert_eq!(
        out[..2],
        [
            cal.add_working(good[0], durs[0]).unwrap(),
            cal.add_working(good[1], durs[1]).unwrap()
        ]
    );
    let e = cal.next_working_many(&late, &mut out).unwrap_err();
    assert!(
        e.to_string().contains("t[2]") && e.to_string().contains("2027-01-01"),
        "{e}"
    );
    let e = cal.is_workday_many(&late, &mut w).unwrap_err();
    assert!(e.to_string().contains("t[2]"), "{e}");
    let e = cal
        .working_between_many(&good, &late, &mut out)
        .unwrap_err();
    assert!(e.to_string().contains("b[2]"), "{e}");
    // A result running past the covered years names the element too.
    let mut huge = durs.clone();
    huge[6] = 5000 * 8 * H;
    let e = cal.add_working_many(&good, &huge, &mut out).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CalendarRange);
    assert!(e.to_string().contains("[6]"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// TimeLimit
// ---------------------------------------------------------------------------------------------

#[test]
fn time_limit_parse_display_round_trip() {
    let cases = [
        (
            "4 working_hours",
            TimeLimit::Working { minutes: 240 },
            "4 working_hours",
        ),
        (
            "240 working_minutes",
            TimeLimit::Working { minutes: 240 },
            "4 working_hours",
        ),
        (
            "90 working_minutes",
            TimeLimit::Working { minutes: 90 },
            "90 working_minutes",
        ),
        (
            "1.5 working_hours",
            TimeLimit::Working { minutes: 90 },
            "90 working_minutes",
        ),
        (
            "0.25 working_hours",
            TimeLimit::Working { minutes: 15 },
            "15 working_minutes",
        ),
        (
            "15 working_days",
            TimeLimit::WorkingDays { days: 15 },
            "15 working_days",
        ),
        (
            "2.0 working_days",
            TimeLimit::WorkingDays { days: 2 },
            "2 working_days",
        ),
        ("2 hours", TimeLimit::Continuous { minutes: 120 }, "2 hours"),
        (
            "30 minutes",
            TimeLimit::Continuous { minutes: 30 },
            "30 minutes",
        ),
        (
            "1440 minutes",
            TimeLimit::Continuous { minutes: 1440 },
            "1 days",
        ),
        (
            "1.5 days",
            TimeLimit::Continuous { minutes: 2160 },
            "36 hours",
        ),
        (
            "  3   days ",
            TimeLimit::Continuous { minutes: 4320 },
            "3 days",
        ),
    ];
    for (text, limit, canonical) in cases {
        let parsed: TimeLimit = text.parse().unwrap();
        assert_eq!(parsed, limit, "{text}");
        assert_eq!(parsed.to_string(), canonical, "{text}");
        assert_eq!(canonical.parse::<TimeLimit>().unwrap(), limit);
        // serde: a JSON string both ways.
        let json = serde_json::to_string(&limit).unwrap();
        assert_eq!(json, format!("\"{canonical}\""));
        assert_eq!(serde_json::from_str::<TimeLimit>(&json).unwrap(), limit);
    }
    for bad in [
        "",
        "4",
        "working_hours",
        "4 weeks",
        "4 Working_Hours",
        "4 working_hour",
        "0 hours",
        "0.0 working_days",
        "-4 hours",
        "+4 hours",
        "1.5 working_days",
        "0.3333 hours",
        "1.005 working_minutes",
        "1e3 minutes",
        "4.hours",
        "4. hours",
        ".5 hours",
        "4 hours extra",
        "99999999999999999999999 minutes",
        "9223372036854775807 days",
        "四 working_hours",
    ] {
        let e = bad.parse::<TimeLimit>().unwrap_err();
        assert!(
            matches!(&e, Error::InvalidValue { value, .. } if value == bad),
            "{bad:?}: {e:?}"
        );
        assert!(serde_json::from_str::<TimeLimit>(&format!("{bad:?}")).is_err());
    }
    assert!(serde_json::from_str::<TimeLimit>("4").is_err());
    // The schema is a string with the pattern.
    let schema = serde_json::to_value(schemars::schema_for!(TimeLimit)).unwrap();
    assert_eq!(schema["type"], "string");
    assert!(schema["pattern"].as_str().unwrap().contains("working_days"));
}

#[test]
fn add_limit_edge_cases() {
    let cal = Calendar::china();
    let t = at(&cal, "2025-03-05 09:00");
    assert!(
        cal.add_limit(t, TimeLimit::Working { minutes: -1 })
            .is_err()
    );
    assert!(
        cal.add_limit(t, TimeLimit::WorkingDays { days: -1 })
            .is_err()
    );
    assert!(
        cal.add_limit(t, TimeLimit::Continuous { minutes: -1 })
            .is_err()
    );
    let e = cal
        .add_limit(t, TimeLimit::Continuous { minutes: i64::MAX })
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidValue);
    let e = cal
        .add_limit(
            t,
            TimeLimit::WorkingDays {
                days: i64::MAX / 10,
            },
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidValue);
    let e = cal
        .add_limit(t, TimeLimit::WorkingDays { days: 1_000 })
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CalendarRange);
    assert!(
        cal.add_limit(i64::MIN, TimeLimit::Continuous { minutes: 1 })
            .is_err()
    );
    // Continuous limits work outside the covered years (they need no calendar data).
    let far = at(&cal, "2030-01-01 00:00");
    assert_eq!(
        cal.add_limit(far, "1 hours".parse().unwrap()).unwrap(),
        far + H
    );
    assert_eq!(
        cal.add_limit(t, TimeLimit::Working { minutes: 0 }).unwrap(),
        t
    );
}

// ---------------------------------------------------------------------------------------------
// Configuration and validation
// ---------------------------------------------------------------------------------------------

fn issues_of(toml_text: &str) -> Issues {
    let cfg: CalendarConfig = toml::from_str(toml_text).unwrap();
    let mut issues = Issues::default();
    let got = Calendar::from_spec(&CalendarSpec::Custom(cfg), "calendar", &mut issues);
    assert!(got.is_none(), "expected problems in {toml_text}");
    issues
}

fn has(issues: &Issues, path: &str, needle: &str) -> bool {
    issues
        .0
        .iter()
        .any(|i| i.path == path && i.message.contains(needle))
}

#[test]
fn every_validation_problem_is_collected_with_its_path() {
    let issues = issues_of(
        r#"
        base = "mars"
        utc_offset = "+8"
        years = [2026, 2024]
        day_length = "8h"
        workday = ["8-12", "14:00-18:00", "13:00-15:00", "10:00-09:00", "20:00-24:30", "09:00-10:00"]
        workweek = ["mon", "funday"]
        weekly = { sat = ["09:00-12:00", "bad"], caturday = [] }

        [[holidays]]
        name = "春节"
        off = ["2025-01-28..2025-02-04", "2025-02-30", "2025-02-10..2025-02-01"]
        on = ["2025-01-26", "2025-01-29"]

        [[holidays]]
        name = ""
        off = []

        [[dates]]
        date = "2025-03-03"
        rule = "hours"

        [[dates]]
        date = "2025-03-04"
        rule = "off"
        windows = ["08:00-12:00"]

        [[dates]]
        date = "2025-03-05"
        rule = "hours"
        windows = ["08:00-12:00", "11:00-12:30"]

        [[dates]]
        date = "2025-13-01"
        rule = "on"
    "#,
    );
    let expected = [
        ("calendar.base", "mars"),
        ("calendar.utc_offset", "+8"),
        ("calendar.years", "reversed"),
        ("calendar.day_length", "8h"),
        ("calendar.workday[0]", "8-12"),
        (
            "calendar.workday[2]",
            "overlaps calendar.workday[1] (14:00-18:00)",
        ),
        ("calendar.workday[3]", "end must be after the start"),
        ("calendar.workday[4]", "past 24:00"),
        ("calendar.workday[5]", "comes before calendar.workday[2]"),
        ("calendar.workweek[1]", "funday"),
        ("calendar.weekly.sat[1]", "bad"),
        ("calendar.weekly.caturday", "unknown weekday"),
        ("calendar.holidays[0].off[1]", "2025-02-30"),
        ("calendar.holidays[0].off[2]", "reversed"),
        ("calendar.holidays[0].on[1]", "calendar.holidays[0].off[0]"),
        ("calendar.holidays[1].name", "empty"),
        ("calendar.dates[0].windows", "needs windows"),
        ("calendar.dates[1].windows", "only allowed"),
        (
            "calendar.dates[2].windows[1]",
            "overlaps calendar.dates[2].windows[0] (08:00-12:00)",
        ),
        ("calendar.dates[3].date", "2025-13-01"),
    ];
    for (path, needle) in expected {
        assert!(
            has(&issues, path, needle),
            "missing {path} ~ {needle}:\n{issues}"
        );
    }
    assert_eq!(issues.len(), expected.len(), "{issues}");
}

#[test]
fn more_validation_problems() {
    // Dates outside the years, absurd years, missing years, conflicting rules in `dates`.
    let issues = issues_of(
        r#"
        years = [2024, 2024]
        [[holidays]]
        name = "x"
        off = ["2023-12-31", "2024-12-30..2025-01-02"]
        [[dates]]
        date = "2024-05-06"
        rule = "off"
        [[dates]]
        date = "2024-05-06"
        rule = "hours"
        windows = ["09:00-11:00"]
        [[dates]]
        date = "2024-05-06"
        rule = "off"
    "#,
    );
    assert!(
        has(
            &issues,
            "calendar.holidays[0].off[0]",
            "outside the calendar's years 2024-2024"
        ),
        "{issues}"
    );
    assert!(
        has(&issues, "calendar.holidays[0].off[1]", "outside"),
        "{issues}"
    );
    assert!(
        has(&issues, "calendar.dates[1].date", "calendar.dates[0].date"),
        "{issues}"
    );
    assert_eq!(issues.len(), 3, "{issues}");

    let issues = issues_of("years = [1899, 2300]");
    assert!(has(&issues, "calendar.years[0]", "1899"), "{issues}");
    assert!(has(&issues, "calendar.years[1]", "2300"), "{issues}");
    let issues = issues_of("workweek = [\"mon\"]");
    assert!(has(&issues, "calendar.years", "required"), "{issues}");
    let issues = issues_of("years = [2024, 2024]\nworkday = []");
    assert!(
        has(&issues, "calendar.workday", "at least one window"),
        "{issues}"
    );
    let issues = issues_of(
        "years = [2024, 2024]\n[[dates]]\ndate = \"2024-01-02\"\nrule = \"hours\"\nwindows = []",
    );
    assert!(
        has(&issues, "calendar.dates[0].windows", "at least one"),
        "{issues}"
    );

    // Unknown built-in name at the caller's path.
    let mut issues = Issues::default();
    issues.push("earlier", "a problem recorded by the caller");
    assert!(
        Calendar::from_spec(
            &CalendarSpec::Builtin("mars".into()),
            "city.calendar",
            &mut issues
        )
        .is_none()
    );
    assert!(has(&issues, "city.calendar", "mars"));
    // Problems already recorded do not make a valid calendar fail.
    assert!(
        Calendar::from_spec(
            &CalendarSpec::Builtin("china".into()),
            "calendar",
            &mut issues
        )
        .is_some()
    );

    // from_config / from_toml_str / from_json_str error kinds.
    let e = Calendar::from_toml_str("years = [2024, 2025]\nworkweek = [\"xyz\"]").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Model);
    assert_eq!(e.issues()[0].path, "calendar.workweek[0]");
    for bad in [
        "years = [2024",
        "yeers = [2024, 2024]",
        "years = \"2024\"",
        "[[dates]]\ndate = \"2024-01-01\"\nrule = \"maybe\"",
    ] {
        let e = Calendar::from_toml_str(bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Parse, "{bad}: {e}");
    }
    assert_eq!(
        Calendar::from_json_str("{").unwrap_err().kind(),
        ErrorKind::Parse
    );
    assert_eq!(
        Calendar::from_json_str("{\"holidayz\": []}")
            .unwrap_err()
            .kind(),
        ErrorKind::Parse
    );
    assert_eq!(
        Calendar::from_json_str("\"mars\"").unwrap_err().kind(),
        ErrorKind::Unknown
    );
    assert_eq!(
        Calendar::from_json_str("\"china\"").unwrap(),
        Calendar::china()
    );
}

#[test]
fn same_rule_twice_is_fine_and_dates_override_weekly() {
    let cal = Calendar::from_toml_str(
        r#"
        name = "half-saturdays"
        utc_offset = "+00:00"
        years = [2025, 2025]
        day_length = "07:30"
        workday = ["09:00-12:30", "13:30-17:30"]
        weekly = { sat = ["09:00-12:00"], fri = [] }
        [[holidays]]
        name = "a"
        off = ["2025-05-01..2025-05-02", "2025-05-02"]
        [[dates]]
        date = "2025-05-04"
        rule = "on"
        [[dates]]
        date = "2025-05-05..2025-05-06"
        rule = "hours"
        windows = ["10:00-11:00"]
    "#,
    )
    .unwrap();
    assert_eq!(cal.name(), "half-saturdays");
    assert_eq!(cal.utc_offset_minutes(), 0);
    assert_eq!(cal.day_length_minutes(), 450);
    assert_eq!(cal.working_minutes_on(d(2025, 4, 28)).unwrap(), 450); // Monday
    assert_eq!(cal.working_minutes_on(d(2025, 5, 2)).unwrap(), 0); // holiday
    assert_eq!(cal.working_minutes_on(d(2025, 5, 3)).unwrap(), 180); // Saturday
    assert_eq!(cal.working_minutes_on(d(2025, 5, 4)).unwrap(), 450); // Sunday, on
    assert_eq!(cal.working_minutes_on(d(2025, 5, 5)).unwrap(), 60);
    assert_eq!(cal.working_minutes_on(d(2025, 5, 6)).unwrap(), 60);
    assert_eq!(cal.working_minutes_on(d(2025, 5, 9)).unwrap(), 0); // Friday off weekly
    // One working day is 7 h 30 min: Monday 09:00 + 1 working day = Monday 17:30.
    let t = cal.parse_local("2025-04-28 09:00").unwrap();
    assert_eq!(
        cal.add_limit(t, TimeLimit::WorkingDays { days: 1 })
            .unwrap(),
        cal.parse_local("2025-04-28 17:30").unwrap()
    );
    // UTC calendar: 2025-01-01T00:00Z is the first instant.
    assert_eq!(cal.covered_range().0, 1_735_689_600_000);
    // Round trip through the spec.
    let json = serde_json::to_string(cal.spec()).unwrap();
    assert_eq!(Calendar::from_json_str(&json).unwrap(), cal);
    let toml_text = toml::to_string(cal.spec()).unwrap();
    assert_eq!(Calendar::from_toml_str(&toml_text).unwrap(), cal);
}

#[test]
fn years_beyond_the_holiday_data_need_their_holidays() {
    // 2027 added without its notice: every 2027 holiday would count as a workday. Refused.
    let err = Calendar::from_toml_str("base = \"china\"\nyears = [2019, 2027]\n").unwrap_err();
    let text = err.to_string();
    assert!(text.contains("years") && text.contains("2027"), "{text}");
    assert!(text.contains("2019–2026"), "{text}");
    // Years before the data likewise, each named.
    let err = Calendar::from_toml_str("base = \"china\"\nyears = [2017, 2026]\n").unwrap_err();
    let text = err.to_string();
    assert!(text.contains("2017") && text.contains("2018"), "{text}");
    // With the year's holidays listed, or the years narrowed, it loads.
    let cal = Calendar::from_toml_str(
        "base = \"china\"\nyears = [2024, 2027]\n[[holidays]]\nname = \"元旦\"\noff = [\"2027-01-01\"]\n",
    )
    .unwrap();
    assert!(!cal.is_workday(d(2027, 1, 1)).unwrap());
    let narrow = Calendar::from_toml_str("base = \"china\"\nyears = [2024, 2025]\n").unwrap();
    assert_eq!(narrow.years(), (2024, 2025));
}

#[test]
fn base_china_extended_with_2027() {
    // A made-up 2027 schedule, as a city would add it the day the notice appears.
    let text = common::fixture("calendars/china_2027.toml");
    let cal = Calendar::from_toml_str(&text).unwrap();
    let china = Calendar::china();
    assert_eq!(cal.years(), (2024, 2027));
    assert_eq!(cal.name(), "china+2027");
    assert_eq!(cal.utc_offset_minutes(), 480);
    // 2024–2026 unchanged except the overridden date (the city narrowed its years to 2024).
    for day in covered_days().into_iter().filter(|x| x.year() >= 2024) {
        if day == d(2026, 12, 31) {
            assert_eq!(cal.working_minutes_on(day).unwrap(), 240);
        } else {
            assert_eq!(
                cal.is_workday(day).unwrap(),
                china.is_workday(day).unwrap(),
                "{day}"
            );
        }
    }
    assert!(!cal.is_workday(d(2027, 1, 1)).unwrap());
    assert!(cal.is_workday(d(2027, 1, 4)).unwrap());
    assert!(cal.is_workday(d(2027, 1, 31)).unwrap()); // Sunday make-up
    assert!(!cal.is_workday(d(2027, 2, 8)).unwrap()); // Monday in 春节
    assert!(cal.is_workday(d(2027, 2, 20)).unwrap()); // Saturday make-up
    assert!(cal.is_workday(d(2027, 12, 31)).is_ok());
    assert!(cal.is_workday(d(2028, 1, 1)).is_err());
    // Arithmetic now runs into 2027.
    let t = cal.parse_local("2026-12-31 11:00").unwrap();
    assert_eq!(
        cal.add_working(t, 2 * H).unwrap(),
        cal.parse_local("2027-01-04 09:00").unwrap()
    );
    // Rules of the extension outside its own years are errors; narrowing drops base rules.
    let e = Calendar::from_toml_str(
        "base = \"china\"\n[[dates]]\ndate = \"2027-01-01\"\nrule = \"off\"",
    )
    .unwrap_err();
    assert_eq!(e.issues()[0].path, "calendar.dates[0].date");
    let narrow = Calendar::from_toml_str("base = \"china\"\nyears = [2025, 2025]").unwrap();
    assert_eq!(narrow.name(), "china");
    for day in covered_days().into_iter().filter(|x| x.year() == 2025) {
        assert_eq!(narrow.is_workday(day).unwrap(), official_workday(day));
    }
    // Overriding the workday windows applies to 调休 days of the base too.
    let long = Calendar::from_toml_str("base = \"china\"\nworkday = [\"09:00-17:00\"]").unwrap();
    assert_eq!(
        long.windows_on(d(2024, 2, 4)).unwrap(),
        [Window::parse("09:00-17:00").unwrap()]
    );
    assert!(!long.is_workday(d(2024, 2, 12)).unwrap());
    // A city closing on 2024 除夕.
    let city = Calendar::from_toml_str(
        "base = \"china\"\n[[dates]]\ndate = \"2024-02-09\"\nrule = \"off\"\nname = \"除夕\"",
    )
    .unwrap();
    assert!(!city.is_workday(d(2024, 2, 9)).unwrap());
    // The spec (pickling) keeps the extension.
    let json = serde_json::to_string(cal.spec()).unwrap();
    assert_eq!(Calendar::from_json_str(&json).unwrap(), cal);
}

#[test]
fn calendar_spec_deserialises_from_model_sections() {
    #[derive(serde::Deserialize)]
    struct Model {
        calendar: CalendarSpec,
    }
    let m: Model = toml::from_str("calendar = \"china\"").unwrap();
    assert_eq!(m.calendar, CalendarSpec::Builtin("china".into()));
    let m: Model = toml::from_str("[calendar]\nbase = \"china\"\nyears = [2024, 2027]").unwrap();
    assert!(matches!(m.calendar, CalendarSpec::Custom(ref c) if c.years == Some([2024, 2027])));
    // Unknown fields are named in the parse error.
    let e = toml::from_str::<Model>("[calendar]\nbsae = \"china\"")
        .err()
        .unwrap();
    assert!(e.to_string().contains("bsae"), "{e}");
    // The schema documents the fields.
    let schema = serde_json::to_string(&schemars::schema_for!(CalendarSpec)).unwrap();
    assert!(
        schema.contains("day_length") && schema.contains("调休"),
        "{schema}"
    );
}
