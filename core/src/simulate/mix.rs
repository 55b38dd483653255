//! The shares of the mix and the hours of the city's day (the numbers the table of the module
//! documentation states), and the time units the simulator counts in.

use crate::calendar::MINUTE_MS;

pub(super) const MINUTE: i64 = MINUTE_MS;
pub(super) const HOUR: i64 = 60 * MINUTE_MS;
pub(super) const SWEEP_EVERY: i64 = 30 * MINUTE_MS;

pub(super) const SUPERVISOR_SHARE: f64 = 0.65;
pub(super) const DAY_OFF_VOLUME: f64 = 0.4;
pub(super) const P_URGENT: f64 = 0.1;
pub(super) const P_REJECT: f64 = 0.03;
pub(super) const P_INVALID: f64 = 0.08;
pub(super) const P_VOID: f64 = 0.03;
pub(super) const P_SELF_HANDLE: f64 = 0.05;
pub(super) const P_RETURN: f64 = 0.04;
/// Of the return requests, the shares of the causes wrong unit, outside the unit's duty and
/// other (our assumption: no published breakdown was found).
pub(super) const RETURN_CAUSES: [f64; 3] = [0.6, 0.25, 0.15];
/// Return requests the shift leader approves (our assumption).
pub(super) const P_APPROVE_RETURN: f64 = 0.75;
/// Filed cases the shift leader asks to void (our assumption).
pub(super) const P_VOID_FILED: f64 = 0.01;
/// Of the void requests, the shares of duplicate, outside city management and problem gone
/// (our assumption).
pub(super) const VOID_CAUSES: [f64; 3] = [0.5, 0.15, 0.35];
/// Dispatched cases a manager supervises with a 督办 order when the unit starts (our
/// assumption: weekly reports count 领导督办 cases apart, but no rate was found).
pub(super) const P_ORDER: f64 = 0.03;
/// Of the orders, the leader's (our assumption).
pub(super) const P_LEADER_ORDER: f64 = 0.2;
/// Checked public cases the acceptor calls back (回访) before closing (our assumption).
pub(super) const P_CALLBACK: f64 = 0.5;
/// Cases a unit receives that it passes on to a sub-unit (二级派遣) when it has one with
/// handlers whose jurisdiction holds the case's grid (our assumption: systems record a first
/// and a second unit, domain facts §11, but no share was found).
pub(super) const P_SUBDISPATCH: f64 = 0.3;
/// Dispatched cases sent jointly, to the lead unit with co-handlers (主办/协办) (our assumption:
/// "cases needing several departments", domain facts §11, with no published share).
pub(super) const P_JOINT: f64 = 0.03;
/// Of the joint cases, those with two co-handlers rather than one (our assumption).
pub(super) const P_TWO_CO: f64 = 0.3;
/// Void requests the manager approves (our assumption).
pub(super) const P_APPROVE_VOID: f64 = 0.8;
pub(super) const P_LATE_HANDLE: f64 = 0.15;
pub(super) const P_LATE_OTHER: f64 = 0.05;
pub(super) const P_POSTPONE: f64 = 0.05;
pub(super) const P_APPROVE: f64 = 0.7;
pub(super) const P_SHELVE: f64 = 0.01;
pub(super) const P_CHECK_FAIL: f64 = 0.12;
pub(super) const MAX_REWORK: u32 = 2;
pub(super) const P_RATE: f64 = 0.85;
pub(super) const P_REOPEN: f64 = 0.35;
/// Distinct citizens who report.
pub(super) const CITIZENS: usize = 5000;
/// The centre's hours (minutes from local midnight), every day.
pub(super) const CENTRE_HOURS: (u32, u32) = (7 * 60, 22 * 60);
/// When citizens rate (minutes from local midnight).
pub(super) const CITIZEN_HOURS: (u32, u32) = (8 * 60, 22 * 60);
/// Supervisors' patrol windows on a day off (and on a working day without windows).
pub(super) const DAY_OFF_PATROL: [(u16, u16); 2] = [(9 * 60, 12 * 60), (14 * 60, 17 * 60)];
