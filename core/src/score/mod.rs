//! Performance evaluation (绩效评价): case records, indicators, composite scores, fair rankings,
//! mergeable partial aggregates and period comparison.
//!
//! The definitions below are the single place where each indicator is defined; the Python and
//! C bindings return exactly these numbers under exactly these names. Sources: the evaluation
//! standard CJ/T 292-2008 (数字化城市管理信息系统 绩效评价, now GB/T 30428.4), whose indicators,
//! example composite weights, step tables and grade bands are restated in the code comments of
//! the open-source `missaouib/urban-management-platform` (`PositionRepository`,
//! `StatisticsService`) and in eGova's metric catalogue; gridgov follows those restatements. Where gridgov's lifecycle differs from the systems the
//! sources describe, the mapping is stated next to the indicator.
//!
//! # Case records
//!
//! Analysts hold history as tables: one row per case ([`Records`]). The engine exports its
//! cases as records ([`crate::engine::Engine::records`]); tables load through [`Columns`]
//! (CSV, Parquet and pandas go through the Python package, CSV also through [`Records::from_csv`]).
//! Instants are milliseconds since the Unix epoch (UTC); a missing instant is `None`
//! (`NaT` / empty in tables).
//!
//! | column | type | required | meaning |
//! |---|---|---|---|
//! | `schema_version` | integer | no | the version of this schema the table follows ([`SCHEMA_VERSION`], 4); absent: the current one |
//! | `id` | integer | yes | case id (unique) |
//! | `grid` | text | yes | unit-grid code of the model |
//! | `reported_at` | instant | yes | when it was reported |
//! | `category` | text | no | catalog leaf key; needed only to compute absent deadline columns |
//! | `urgency` | text | no | catalog urgency id (default: the catalog's default) |
//! | `source` | text | no | `supervisor` (default), `hotline`, `app`, `media`, `leader`, `sensor` |
//! | `reporter` | text | no | worker id of the reporting supervisor (or a citizen id) |
//! | `state` | text | no | lifecycle state as of the export (derived from the instants when absent) |
//! | `accepted_at`, `acceptor` | instant, text | no | the acceptor's decision (accept or reject) |
//! | `verified_at`, `verifier` | instant, text | no | the supervisor's verification (valid or not) |
//! | `filed_at`, `filer` | instant, text | no | the shift leader's decision (file or void) |
//! | `dispatched_at`, `dispatcher` | instant, text | no | the first dispatch |
//! | `unit` | text | no | unit id the case was last dispatched to |
//! | `handled_at` | instant | no | the unit's last feedback (处置反馈) |
//! | `checked_at`, `checker` | instant, text | no | the last passed check (核查) |
//! | `closed_at`, `closer` | instant, text | no | the last closing (结案) |
//! | `rated_at`, `satisfaction` | instant, integer 1–5 | no | the citizen's last rating |
//! | `rework` | integer ≥ 0 | no | failed checks (返工), default 0 |
//! | `returns` | integer ≥ 0 | no | approved returns to the centre (回退), default 0 |
//! | `postponements` | integer ≥ 0 | no | approved postponements (延期), default 0 |
//! | `extension_minutes` | integer ≥ 0 | no | minutes the approved postponements added, default 0 |
//! | `shelved` | bool | no | ever shelved (挂账), default false (true where `shelved_at` is given and the column is absent) |
//! | `self_handled` | bool | no | handled on the spot by the supervisor (自行处置), default false |
//! | `shelved_at`, `resumed_at` | instant | no (version 2) | the last time on the shelf: the approval of the last shelving, and when handling resumed after it (or the case, closed from the shelf, was reopened) |
//! | `wrong_unit_returns` | integer ≥ 0 | no (version 3) | of `returns`, those approved with the cause "wrong unit" (the dispatcher's error); absent: every return (the rule before returns were approved) |
//! | `orders`, `orders_replied_on_time` | integer ≥ 0 | no (version 3) | 督办 orders issued on the case, and those answered by their reply deadline; default 0 |
//! | `void_cause` | text | no (version 3) | the cause of an approved void after filing: `duplicate`, `outside_scope`, `problem_gone`; empty otherwise (a void before filing has none) |
//! | `checks`, `checks_on_time` | integer ≥ 0 | no (version 4) | every check (核查) done on the case, failed ones included, and those done by their own check deadline; absent: `rework` + 1 for a checked case (`rework` without), of which the passed one on time by `check_deadline` |
//! | `verify_assignee` | text | no (version 4) | the supervisor the verification task was assigned to when the report was accepted; absent: `verifier` (the verification done is the task) |
//! | `last_checked_at`, `last_checker` | instant, text | no (version 4) | the last check, passed or failed, and its supervisor (the checks are credited to them); absent: `checked_at`, `checker` |
//! | `second_unit` | text | no (version 4) | the sub-unit the case was last passed on to (二级派遣) by the unit in `unit`; empty: not passed on |
//! | `co_units` | text list | no (version 4) | the co-handlers (协办) of a joint dispatch, whose lead (主办) is `unit`: unit ids joined by `;` (`POWER;LIGHT`), empty for none |
//! | `co_on_time` | text list | no (version 4) | of `co_units`, those whose own feedback (`co_feedback`) came by the case's handling deadline, joined by `;` |
//! | `verify_deadline`, `dispatch_deadline`, `handle_deadline`, `check_deadline` | instant | no | stage deadlines |
//!
//! Rules checked on load, each failure an [`crate::Error::InvalidValue`] whose `what` is
//! `records[ROW].COLUMN` (row from 0):
//! - a required column is present and has no missing value (empty text is missing, as in
//!   CSV); a column has the right type;
//! - codes and ids resolve: `grid` in the model's unit grids, `category` in the catalog,
//!   `urgency` among the catalog's urgencies, `unit` among the model's units, `source` and
//!   `state` among their names (worker ids are free text: people move on, their history stays);
//! - instants are in order: each of `reported_at ≤ accepted_at ≤ verified_at ≤ filed_at ≤
//!   dispatched_at ≤ handled_at ≤ checked_at ≤ closed_at ≤ rated_at` that is present is not
//!   earlier than the last present one before it;
//! - `satisfaction` is 1–5 and comes with `rated_at`; counts are not negative;
//! - `shelved_at` comes with `dispatched_at`, not earlier, and not with `shelved` false;
//!   `resumed_at` comes with `shelved_at`, not earlier;
//! - `wrong_unit_returns` does not exceed `returns`, `orders_replied_on_time` not `orders`; `void_cause` is one of its names and is
//!   given only for a voided case;
//! - `checks_on_time` comes with `checks` and does not exceed it; with `checks` given,
//!   `rework` (the failed checks) does not exceed it.
//! - `second_unit` and every id of `co_units` and `co_on_time` are units of the model, no list
//!   names a unit twice, and `co_on_time` names only units of its row's `co_units`.
//!
//! **Versions.** [`SCHEMA_VERSION`] is 4; version 1 is the schema before issue 12 (no
//! `schema_version`, no shelf columns), version 2 adds the shelf columns, version 3 the
//! approval columns (`wrong_unit_returns`, `void_cause`) and the order columns (`orders`,
//! `orders_replied_on_time`), version 4 the check columns (`checks`, `checks_on_time`,
//! `last_checked_at`, `last_checker`), the task column `verify_assignee` and the dispatch
//! columns (`second_unit`, `co_units`, `co_on_time`). A table without `schema_version` is read as the
//! current version: every column added since version 1 is optional, so an old table reads
//! unchanged (its shelved cases judged by the `shelved` flag, see *Shelved cases*). Given, the
//! column holds one version on every row, one this gridgov reads (`records[ROW].schema_version`
//! names an unknown or differing one), and the table may hold only the columns of that
//! version (`records.shelved_at` in a table that says version 1 is refused). Exports
//! ([`Records::to_columns`], [`Records::to_csv`], [`crate::engine::Engine::records`]) state
//! the current version.
//!
//! **Calendars.** Every deadline and working-time span is counted on the calendar of whoever
//! acts in it, [`crate::Model::calendar_for`]: the handling deadline and the handling hours
//! (`dispatched_at` → `handled_at`) on the row's `unit`'s calendar, the other deadlines and the
//! acceptor's, filer's and closer's limits on their stage's calendar (verify, dispatch, check;
//! accept, file, close), the response hours (`reported_at` → `dispatched_at`) on the dispatch
//! stage's. A model without `[calendars]` counts everything on its one `calendar`.
//!
//! **Deadlines.** When a deadline *column* is absent, it is computed on the calendar of its
//! stage (above) from the catalog limits (`category` and `urgency` are then needed for the rows that reach
//! the stage): verify from `accepted_at` (public sources only), dispatch from `filed_at`,
//! handle from `dispatched_at` plus `extension_minutes`, check from `handled_at`. Computed
//! deadlines ignore shelving pauses; the engine's export carries the exact ones. A missing
//! value in a *present* deadline column means "no deadline" (the clock was stopped).
//!
//! **As of.** Every status is judged as of one instant, `as_of` ([`Scorecard::as_of`]): an
//! instant at or after it counts as not (yet) happened. Its default is the records' own
//! ([`Records::as_of`]: for the engine the time of its last event, for a table its latest
//! instant). Cards merge only when their `as_of` agree.
//!
//! # Cohorts
//!
//! A period is `[start, end)`. Each count attributes a case to the period of one instant of
//! the case, so that counts over consecutive periods add up exactly:
//! - **reported cohort** R: `reported_at` in the period;
//! - **filed cohort** F: `filed_at` in the period and the state is not `voided`;
//! - **dispatched cohort** D: `dispatched_at` in the period;
//! - a post's actions: the instant of the action (`accepted_at` for the acceptor, …).
//!
//! "Handled on time" means `handled_at ≤ handle_deadline`; "overdue" means the deadline is
//! before `as_of` and the case was not handled. Durations (response, handling) are working
//! time between the two instants, on the calendars above.
//!
//! **Shelved cases (挂账).** A case is *on the shelf* as of `as_of` when it is not closed and
//! `shelved_at` is before `as_of` with no `resumed_at` before `as_of`; in a row without
//! `shelved_at` (a version-1 table), when `shelved` is true and the case is neither handled
//! nor closed. A case on the shelf leaves the closure and disposal indicators (应结案数,
//! 应处置数 and everything over them) and is counted on its own, `shelved` (挂账数), per area
//! and per department. eGova's statistics leave shelved cases out of the disposal indicators
//! ("挂账，不计入处置指标") and report them apart; a case taken off the shelf (handling
//! resumed) counts again, its deadline lengthened by the pause.
//!
//! # Indicators
//!
//! A rate whose denominator is 0 is undefined (`None`, `NaN` in Python).
//!
//! ## Areas (区域评价), at every level
//! Counted per unit grid and summed up the area tree.
//! - `reported` = |R|; `public_reported` = |R from a public source| (hotline, app, media).
//! - `filed` = |F| (立案数); `public_filed` = |F from a public source|.
//! - `due_to_close` = |F closed, or not closed, not on the shelf, and `handle_deadline`
//!   before `as_of`| (应结案数); `closed` = |F closed| (结案数); `closed_on_time` = |F closed
//!   and handled on time| (按期结案数); `shelved` = |F on the shelf| (挂账数).
//! - `missed` = |F from a public source, in the supervisors' collection scope, reported during
//!   patrol hours| (漏报数, see the supervisor's `missed` below).
//! - `public_share` = `public_filed / filed` — 监督举报率, scored inversely (a high share of
//!   problems found by the public means the supervisors missed them).
//! - `closure_rate` = `closed / due_to_close` (结案率); `on_time_closure_rate` =
//!   `closed_on_time / due_to_close` (按期结案率).
//!
//!   | | the standard and the published reports | gridgov |
//!   |---|---|---|
//!   | 结案率 | 结案数 / 应结案数 (CJ/T 292 区域评价) | `closed / due_to_close` |
//!   | 按期结案率 | 按期结案数 / 应结案数 | `closed_on_time / due_to_close` |
//!   | 应结案数 | the cases closed, or whose disposal deadline passed without closing (eGova's statistics; a city's monthly report, 天门市数字城管月报: 立案 996, 应结案 972, 结案 911 = 93.72 %, 按期结案 737 = 75.82 % — only 972 gives those rates) | the filed cohort F, closed as of `as_of`, or overdue (`handle_deadline < as_of`) and not closed; cases on the shelf left out |
//!
//!   Before issue 12 gridgov divided by `filed`, so a case still within its limit lowered
//!   the rates; a month scored early in the next month now reads as the centre's report.
//! - `rated`, `satisfied`: ratings with `rated_at` in the period, and those of 4 or 5
//!   (满意 + 非常满意); `satisfaction_rate` = `satisfied / rated` (满意率).
//! - `cases_per_10k` = `reported / population × 10 000` (population from the model).
//! - `filed_per_grid_month` = `filed / grids / (period days / 30)`: the 立案数 step table is
//!   stated per unit grid per period; gridgov applies it per 30 days so that a quarter or a
//!   year scores like a month.
//! - `mean_response_hours`: mean working hours from `reported_at` to `dispatched_at` over F
//!   dispatched; `mean_handle_hours`: from `dispatched_at` to `handled_at` over F handled.
//!
//! Composite: `public_share` 10 (inverse), `filed_per_grid_month` 20 (step table
//! 0 → 100, ≤ 2 → 90, ≤ 4 → 75, ≤ 6 → 60, ≤ 8 → 40, else 0), `closure_rate` 30,
//! `on_time_closure_rate` 40 (the source's code comment says 10 %, which sums to 70 %; 40 %
//! is the consistent completion).
//!
//! ## Departments (专业部门评价), by `unit`
//! Rows: every unit of kind `department` or `street_office` (the units cases are routed to),
//! and every other unit with a case dispatched to it in the period that is due or on the
//! shelf (a unit whose cases are all still within their limits has nothing to show yet).
//! Over D less the cases on the shelf (挂账, counted apart):
//! - `handled` = |handled| (处置数); `handled_on_time` = |handled on time| (按期处置数);
//!   `overdue_handled` = `handled − handled_on_time` (超期处置数);
//!   `overdue_unhandled` = |not handled, `handle_deadline` before `as_of`| (超期未处置数);
//!   `due` = `handled + overdue_unhandled` (应处置数); `shelved` = |D on the shelf| (挂账数).
//!   A case neither handled nor overdue (still within its limit) is not yet due.
//! - `handle_rate` = `handled / due`; `on_time_rate` = `handled_on_time / due`;
//!   `overdue_unhandled_rate` = `overdue_unhandled / due`.
//! - `reworked` = |handled with `rework > 0`| (返工数: cases reworked at least once);
//!   `rework` = Σ `rework` over the handled (返工次数: the failed checks, the repeat count);
//!   `rework_rate` = `reworked / handled` (返工率), at most 100 %.
//! - `postponed` = |due with postponements| (延期数); `postponement_rate` = `postponed / due`.
//! - Two-level and joint dispatch ([`crate::case`]): the unit in `unit` (the one the centre
//!   dispatched to, the lead 主办 of a joint dispatch) is credited with every count above, as
//!   before: the centre's deadline is its own, and passing a case down does not pass on the
//!   responsibility. The second-level unit (`second_unit`) is credited, in its own row, with
//!   the handling it did: `second_handled` = |handled, passed on to it| (二级处置数),
//!   `second_handled_on_time` (二级按期处置数), `second_on_time_rate` = their ratio. A
//!   co-handler (协办) gets `co_assigned` = |dispatched in the period (not on the shelf) with it
//!   among `co_units`| (协办数), `co_on_time` = |those with it among `co_on_time`| (按时协办反馈数:
//!   its own feedback by the handling deadline), `co_on_time_rate` = their ratio. gridgov's
//!   choice, as no standard defines department indicators for sub-units and co-handlers:
//!   crediting both the first and the second unit keeps the first unit's figures comparable
//!   with a city that does not record sub-units, while the sub-unit's row shows its own work.
//!
//!   | | the standard and the published reports | gridgov |
//!   |---|---|---|
//!   | 应处置数 | 处置数 + 超期未处置数 (eGova's statistics; the restatement of CJ/T 292 专业部门评价 in `missaouib/urban-management-platform`) | `handled + overdue_unhandled`, shelved cases left out |
//!   | 处置率, 按期处置率 | 处置数 / 应处置数, 按期处置数 / 应处置数 | `handled / due`, `handled_on_time / due` |
//!   | 返工率 | 返工数 / 处置数, 返工数 counting cases (a case reworked twice is one reworked case; the repeat count kept apart) | `reworked / handled`; `rework` keeps the failed checks |
//!   | 挂账 | left out of the disposal indicators, reported apart ("挂账，不计入处置指标", eGova) | `shelved`, out of `due` |
//!
//!   Before issue 12 `due` was every case dispatched in the period (in progress included) and
//!   `rework_rate` was failed checks over handled cases (it could pass 100 %).
//! - `mean_handle_hours`, `median_handle_hours`: working time from `dispatched_at` to
//!   `handled_at` over D handled; the median is taken over whole working minutes (floored),
//!   the mean over milliseconds.
//!
//! Composite: the casic implementation quoted in §5.2 (the standard's weights were not
//! verified): `handle_rate` 40, `on_time_rate` 40, `overdue_unhandled_rate` 10 (inverse),
//! `rework_rate` 10 (inverse).
//!
//! ## Posts (岗位评价), by the worker id in the acting column
//! Rows: every worker of the model with the role, and every other id that acted in the role
//! in the period (a former worker keeps their history).
//! **Supervisor** (监督员):
//! - `reports` = |R with source `supervisor` and `reporter` = w|; `valid_reports` = those
//!   filed (not voided) or self-handled (有效上报数); `valid_report_rate`.
//! - `verify_due` = the verification tasks assigned to w (`verify_assignee`) issued in the
//!   period (`accepted_at`; a row without it: `verified_at`), done or not (应核实数);
//!   `verified` = those done as of `as_of` (核实数); `verified_on_time` = those with
//!   `verified_at ≤ verify_deadline` (按时核实数); `verify_on_time_rate` =
//!   `verified_on_time / verify_due` (按时核实率). The engine assigns a task when it accepts a
//!   report from a verified source: to a supervisor who patrols the grid, never the reporter,
//!   in turn by case id among them (gridgov's rule: no source gives one), and only that
//!   supervisor may verify it ([`crate::access`]); a task verified by a shift leader the model
//!   lets verify still counts for its assignee. A table before version 4 (no
//!   `verify_assignee`) counts the verifications done, by their verifier.
//!
//!   | | the standard and the practice | gridgov |
//!   |---|---|---|
//!   | 按时核实率 | 按时核实数 / 应核实数 (CJ/T 292 监督员评价, restated by missaouib); 应核实数 counts every verification task assigned, done or not (domain facts §11) | `verified_on_time / verify_due` over the tasks assigned to w |
//!
//!   Before issue 12 item 12 a task not yet done had no verifier and counted for nobody.
//! - `check_due` = every check (核查) done, failed ones included (Σ `checks`);
//!   `failed_checks` = those that failed (Σ `rework`, 核查不通过); `checked_on_time` = those
//!   done by their own check deadline (Σ `checks_on_time`); `check_on_time_rate` =
//!   `checked_on_time / check_due` (按时核查率). A case's checks are credited to the
//!   supervisor of its last check (`last_checker`) in the period of that check
//!   (`last_checked_at`): records keep one row per case, so checks of one case by several
//!   supervisors, or in several periods, go to the last. A table before version 4 gives the
//!   failed checks and the last passed one to `checker` at `checked_at`, only the passed one
//!   judged on time.
//!
//!   | | the standard and the practice | gridgov |
//!   |---|---|---|
//!   | 按时核查率 | 按时核查数 / 应核查数 (CJ/T 292 监督员评价, restated by missaouib); 核查 counts every check done, failed ones included, 按时核查数 those done and replied on time (domain facts §11) | `checked_on_time / check_due` over every check, failed ones included |
//!
//!   Before issue 12 item 12 only the last passed check of a case counted, so a unit's sham
//!   feedback failed on site cost the supervisor nothing and earned nothing.
//! - `filed_in_grids` = |F in the grids w patrols (model)|; `missed` = those from a public
//!   source, whose category is in the supervisors' collection scope (`[scoring]
//!   missed_scope`: catalog keys, each with the categories under it; default every category;
//!   a row without a category is out of a given scope) and reported during patrol hours
//!   (`[scoring] patrol_hours`, local time `"HH:MM-HH:MM"`, start included, end excluded,
//!   every day; default the whole day) (漏报数); `missed_rate` = `missed / filed_in_grids`.
//!   A case voided as a duplicate (or for any cause) is not in F, so it is never a 漏报.
//!
//!   | | the standard and the practice | gridgov |
//!   |---|---|---|
//!   | 漏报数 | problems confirmed as should-have-been-reported but found through public reports (CJ/T 292 监督员评价, restated by missaouib); a public report of a problem in the supervisors' collection scope during patrol hours, not a duplicate (domain facts §11) | public filed cases in w's grids, category in `missed_scope`, `reported_at` within `patrol_hours`; voided cases never |
//!   | 漏报率 | 漏报数 / 立案数 | `missed / filed_in_grids` (立案数 of the grids w patrols) |
//!
//!   Which categories supervisors must collect and when they patrol are a city's rules (no
//!   source gives a list): the sample city's scope (every 部件 class and the event classes
//!   E01, E02, E03, E05; not emergencies E04 or local extensions E06) and hours (08:00–18:00)
//!   are gridgov's choice. Before issue 12 item 13 every public filed case was a 漏报.
//! - Composite: `valid_report_rate` 40, `missed_rate` 20 (inverse), `verify_on_time_rate` 20,
//!   `check_on_time_rate` 20.
//!
//! **Acceptor** (受理员):
//! - `accepted` = decisions by w (`acceptor`, `accepted_at`), rejections included (受理数);
//!   `accepted_on_time` = those with `accepted_at ≤ reported_at + accept_limit`;
//!   `accepted_accurate` = those whose case did not end `invalid` (准确受理).
//! - `accept_on_time_rate`, `accept_accuracy_rate`.
//! - Composite: `accepted` 25 (step table > 2000 → 100, 1201–2000 → 90, 501–1200 → 75,
//!   301–500 → 60, else 0), `accept_on_time_rate` 40 (核实按时派发率: in gridgov accepting a
//!   public report is what sends the verification task), `accept_accuracy_rate` 35 (in place
//!   of 核查按时派发率: gridgov issues the check task automatically on the unit's feedback, so
//!   the acceptor has no check step to time).
//!
//! **Shift leader** (值班长):
//! - `filing_decisions` = decisions by w (`filer`, `filed_at`), voids included (立案数 read as
//!   the decisions at the 立案 step); `voided` = those whose case was voided (作废数), before
//!   filing or after it on approval, except a **justified void**: a void approved after filing
//!   for a problem gone since (`void_cause` `problem_gone`). A duplicate or a matter outside
//!   city management could be seen when filing, so those voids stay filing errors. Source:
//!   a centre's 2014 approval notice, "a justified void is not a filing error" (domain facts
//!   §11); which causes are justified is gridgov's reading;
//!   `filed_on_time` = decisions with `filed_at ≤ base + file_limit`, base the latest of
//!   `verified_at`, `accepted_at`, `reported_at` present.
//! - `closings` = closings by w (`closer`, `closed_at`); `closed_on_time` = those with
//!   `closed_at ≤ base + close_limit`, base `checked_at`, else `handled_at`, else `reported_at`.
//! - `filing_on_time_rate` (按时立案率), `filing_accuracy_rate` =
//!   `(filing_decisions − voided) / filing_decisions` (准确立案率), `closing_on_time_rate`
//!   (按时结案率).
//! - Composite: `filing_on_time_rate` 25, `filing_accuracy_rate` 40, `closing_on_time_rate` 35.
//!
//! **Dispatcher** (派遣员):
//! - `dispatched` = first dispatches by w (`dispatcher`, `dispatched_at`) (派遣数);
//!   `dispatched_on_time` = those with `dispatched_at ≤ dispatch_deadline`;
//!   `returned` = those later returned at least once with the approved cause "wrong unit"
//!   (`wrong_unit_returns > 0`; a table without the column: `returns > 0`). A return for a
//!   matter outside the unit's duty, or another cause, is not the dispatcher's error (domain
//!   facts §11: a return for a dispatch error is confirmed by the shift leader).
//! - `orders` (督办数) = the 督办 orders issued on the cases w dispatched first in the period;
//!   `orders_replied_on_time` = those answered by their reply deadline;
//!   `order_reply_on_time_rate` = `orders_replied_on_time / orders` (督办按时回复率). Dispatch
//!   centres track 应督查数 and 按时督查数 (domain facts §4.2, §11); gridgov has the manager issue
//!   the orders, so the dispatcher's table counts the orders on its dispatches and how
//!   promptly they were answered. Not weighted in the composite (no source gives a weight).
//! - `dispatch_on_time_rate` (按时派遣率), `dispatch_accuracy_rate` =
//!   `(dispatched − returned) / dispatched` (准确派遣率; the source subtracts 返工, but rework
//!   is the department's failure while a return is the dispatcher's: eGova's 错误派遣).
//! - Composite: `dispatched` 20 (the acceptor's step table by default: no source gives one),
//!   `dispatch_on_time_rate` 40, `dispatch_accuracy_rate` 40.
//!
//! `accept_limit`, `file_limit` and `close_limit` default to 10 working minutes, after the
//! "三个一" target of 联勤联动 (transfer within 10 minutes, on site within an hour, first feedback
//! within a working day), cited by local practice documents, not a standard; configure
//! them in `[scoring]`.
//!
//! # Scores, grades and ranks
//!
//! A rate maps linearly to 0–100 (`100 r`, or `100 (1 − r)` where lower is better, clamped to
//! 0–100); a count goes through its step table. The composite is `Σ wᵢ sᵢ / Σ wᵢ` over the
//! indicators whose score is defined (with every indicator defined and the published weights
//! summing to 100 this is the published weighted sum); it is undefined when none is. Grades:
//! A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, else E (§5.2, missaouib).
//!
//! Ranks are within peers: areas of one level, departments, workers of one role. A subject
//! whose sample (areas: `filed`; departments: `due`; supervisors: `reports`; acceptors:
//! `accepted`; shift leaders: `filing_decisions`; dispatchers: `dispatched`) is below
//! `min_sample` (default 5) is listed with its score but not ranked. With `shrinkage = k > 0`
//! every rate that enters a score is first pulled toward the peers' pooled rate `p̄ = Σx / Σn`:
//! `(x + k p̄) / (n + k)`, so that one fast case does not top the table (a subject without
//! cases gets `p̄`; the tables still show the raw rates). Ranking is by score, highest first; equal scores share a rank (1, 2, 2, 4);
//! subjects without a score are not ranked.
//!
//! Everything above (limits, weights, step tables, grade bands, `min_sample`, `shrinkage`, the 漏报 scope and patrol hours) is
//! overridable in the model file's `[scoring]` section ([`ScoringConfig`]).
//!
//! # Merging and comparing
//!
//! A [`Scorecard`] keeps only additive tallies (counts, sums of milliseconds, histograms of
//! whole minutes), so [`Scorecard::merge`] of cards over adjacent periods, or over disjoint
//! record sets of one period, equals the card computed at once. [`compare`] gives the change
//! between two cards of mean response and handling hours (in hours and percent), on-time
//! closure rate and satisfaction rate (in points and percent), per area and overall.

mod card;
mod config;
mod csv;
mod drill;
mod export;
pub mod labels;
mod local;
mod periods;
mod records;
mod spec;
mod tally;
pub(crate) mod trail;

pub use card::{COMPARED, Change, Row, Scorecard, Table, compare, score};
pub use config::{ScoringConfig, ScoringSection, StepTable};
pub use drill::{DRILL_COLUMNS, drill_down, drill_down_csv};
pub use periods::{Freq, compare_at, merge_all, periods, score_periods};
pub use records::{
    APPROVAL_COLUMNS, CHECK_COLUMNS, Checked, ColumnData, ColumnType, Columns, DEADLINE_COLUMNS,
    DISPATCH_COLUMNS, LIST_SEPARATOR, NO_TIME, ORDER_COLUMNS, OnError, PERSON_COLUMNS, Problem,
    Records, SCHEMA_VERSION, SHELF_COLUMNS, TIME_COLUMNS, column_type, schema_columns,
};
pub use spec::{Column, ColumnKind, Numerator, Subject, column_label_zh, column_labels_zh};
