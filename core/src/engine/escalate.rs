//! Firing escalation rules: when each rule's trigger falls on a case, the schedule of each
//! case's next firing in the [`Queue`](super::queue::Queue), what a firing does and records,
//! and the sweep. The rules themselves (what they select, trigger and do) are
//! [`crate::escalation`].

use std::sync::Arc;

use crate::calendar::{Calendar, MINUTE_MS, Millis};
use crate::case::{Actor, Case, CaseId, Timer};
use crate::error::Result;
use crate::escalation::{EscalationAction, EscalationRule, Trigger};
use crate::event::{Event, EventBody, Firing};
use crate::org::UnitId;

use super::sinks::Rollback;
use super::{Engine, check_instant, timers};

/// The trigger occurrence a rule's firings on a case belong to: one per stage run for timer
/// triggers (the running timer's run: a rework that resumes the handling resumes its run), one
/// per reopening for an unsatisfied rating, one for the rework count.
fn occurrence_of(case: &Case, rule: &EscalationRule) -> u32 {
    match rule.trigger {
        Trigger::Rework(_) => 0,
        Trigger::Unsatisfied(_) => case.reopen_count,
        Trigger::OrderOverdue => case.orders,
        _ => case.timer_run,
    }
}

/// The deadline of one case's running timer, computed at most once while the rules are tried
/// on the case (several rules are based on it: overdue, after, before).
#[derive(Debug, Clone, Copy, Default)]
pub(super) enum Memo {
    /// Not computed yet.
    #[default]
    Unknown,
    /// Computed (`None`: the timer is paused).
    Known(Option<Millis>),
}

impl Memo {
    fn deadline(&mut self, cal: &Calendar, timer: &Timer) -> Result<Option<Millis>> {
        match *self {
            Memo::Known(d) => Ok(d),
            Memo::Unknown => {
                let d = timers::deadline(cal, timer)?;
                *self = Memo::Known(d);
                Ok(d)
            }
        }
    }
}

impl Engine {
    /// The occurrence key and base instant of a rule's trigger on a case, if it is armed.
    fn trigger_base(
        &self,
        case: &Case,
        rule: &EscalationRule,
        memo: &mut Memo,
    ) -> Result<Option<(u32, Millis)>> {
        match rule.trigger {
            Trigger::Rework(n) => Ok(case
                .last_rework_at
                .filter(|_| case.rework_count >= n && case.state.is_open())
                .map(|t| (0, t))),
            Trigger::Unsatisfied(n) => Ok(case
                .rated_at
                .filter(|_| case.satisfaction.is_some_and(|s| s <= n))
                .map(|t| (case.reopen_count, t))),
            // 督办: an unanswered order escalates at its reply deadline, like any deadline.
            Trigger::OrderOverdue => Ok(case
                .order
                .filter(|o| o.is_open() && case.state.is_open())
                .map(|o| (case.orders, o.deadline))),
            Trigger::Share(_) | Trigger::Before(_) | Trigger::After(_) | Trigger::Overdue => {
                let Some(timer) = &case.timer else {
                    return Ok(None);
                };
                if timer.paused_since.is_some() || !rule.applies_to_stage(timer.stage) {
                    return Ok(None);
                }
                let cal = self.model.calendar_for(timer.stage, case.unit);
                let total = timers::total_ms(cal, timer);
                let base = match rule.trigger {
                    Trigger::Share(f) => {
                        timers::instant_at_used(cal, timer, (total as f64 * f).round() as i64)?
                    }
                    Trigger::Before(d)
                        if timers::is_working(d) == timers::is_working(timer.limit) =>
                    {
                        timers::instant_at_used(cal, timer, total - timers::limit_ms(cal, d))?
                    }
                    Trigger::Before(d) => memo
                        .deadline(cal, timer)?
                        .map(|dl| dl.saturating_sub(timers::limit_ms(cal, d))),
                    Trigger::Overdue => memo.deadline(cal, timer)?,
                    Trigger::After(d) => match memo.deadline(cal, timer)? {
                        Some(dl) => Some(timers::step(cal, dl, d, 1)?),
                        None => None,
                    },
                    _ => None,
                };
                Ok(base.map(|b| (case.timer_run, b)))
            }
        }
    }

    /// The next firing of `rule` on `case`: (occurrence, firing number from 1, instant).
    pub(super) fn next_firing(
        &self,
        case: &Case,
        rule_index: u32,
    ) -> Result<Option<(u32, u32, Millis)>> {
        self.next_firing_with(case, rule_index, &mut Memo::default())
    }

    /// [`Engine::next_firing`] with the case's deadline kept in `memo` from rule to rule.
    fn next_firing_with(
        &self,
        case: &Case,
        rule_index: u32,
        memo: &mut Memo,
    ) -> Result<Option<(u32, u32, Millis)>> {
        let rule = &self.config.rules[rule_index as usize];
        // Cheap tests first: most rules are not armed on most cases.
        let armed = match rule.trigger {
            Trigger::Unsatisfied(n) => case.satisfaction.is_some_and(|s| s <= n),
            Trigger::Rework(n) => case.state.is_open() && case.rework_count >= n,
            Trigger::OrderOverdue => {
                case.state.is_open() && case.order.is_some_and(|o| o.is_open())
            }
            _ => {
                case.state.is_open()
                    && case
                        .timer
                        .as_ref()
                        .is_some_and(|t| t.paused_since.is_none() && rule.applies_to_stage(t.stage))
            }
        };
        if !armed {
            return Ok(None);
        }
        // A trigger occurrence that has fired all it may needs no further work.
        let occurrence = occurrence_of(case, rule);
        if case
            .fired
            .get(rule_index)
            .is_some_and(|(occ, n)| occ == occurrence && n >= rule.max_firings())
        {
            return Ok(None);
        }
        // The category test needs a catalog look-up: only rules that name categories pay it.
        if !rule.categories.is_empty() {
            let key = &self.model.catalog().get(&case.category)?.key;
            if !rule.categories.iter().any(|p| p.matches(key)) {
                return Ok(None);
            }
        }
        let territory = self.model.territory();
        if !(rule.areas.is_empty()
            || rule
                .areas
                .iter()
                .any(|a| territory.is_within(case.grid, *a)))
            || !(rule.urgency.is_empty() || rule.urgency.iter().any(|u| **u == *case.urgency))
        {
            return Ok(None);
        }
        let Some((occurrence, base)) = self.trigger_base(case, rule, memo)? else {
            return Ok(None);
        };
        let done = match case.fired.get(rule_index) {
            Some((occ, n)) if occ == occurrence => n,
            _ => 0,
        };
        if done >= rule.max_firings() {
            return Ok(None);
        }
        let at = match (done, rule.repeat) {
            (0, _) => base,
            (n, Some((every, _))) => timers::step(self.case_calendar(case), base, every, n)?,
            (_, None) => return Ok(None),
        };
        Ok(Some((occurrence, done + 1, at)))
    }

    /// Recomputes the queue entries of a case after it changed.
    pub(super) fn reschedule(&mut self, id: CaseId) -> Result<()> {
        self.reschedule_with(id, Memo::default())
    }

    /// [`Engine::reschedule`], given what the caller already knows of the case's deadline.
    pub(super) fn reschedule_with(&mut self, id: CaseId, mut memo: Memo) -> Result<()> {
        if self.config.rules.is_empty() {
            return Ok(());
        }
        let idx = (id - 1) as usize;
        let generation = self.queue.bump(idx);
        // One entry per case: its earliest next firing (firing it schedules the next one).
        let mut earliest: Option<(Millis, u32)> = None;
        for r in 0..self.config.rules.len() as u32 {
            if let Some((_, _, at)) = self.next_firing_with(&self.cases[idx], r, &mut memo)?
                && earliest.is_none_or(|(b, _)| at < b)
            {
                earliest = Some((at, r));
            }
        }
        // Entries of earlier generations stay queued until their bucket is swept; rebuild the
        // queue when they outnumber the live ones, so memory stays proportional to what is
        // armed.
        let entry = earliest.map(|(at, r)| (at, id, r, generation));
        if self.queue.arm(idx, entry) {
            self.rebuild_queue()?;
        }
        Ok(())
    }

    /// Rebuilds the escalation queue from the cases (drops stale entries).
    pub(super) fn rebuild_queue(&mut self) -> Result<()> {
        let mut due = Vec::new();
        for (idx, case) in self.cases.iter().enumerate() {
            if !case.state.is_open() && case.satisfaction.is_none() {
                continue;
            }
            let mut earliest: Option<(Millis, u32)> = None;
            let mut memo = Memo::default();
            for r in 0..self.config.rules.len() as u32 {
                if let Some((_, _, at)) = self.next_firing_with(case, r, &mut memo)?
                    && earliest.is_none_or(|(b, _)| at < b)
                {
                    earliest = Some((at, r));
                }
            }
            if let Some((at, r)) = earliest {
                due.push((at, case.id, r, self.queue.generation(idx)));
            }
        }
        self.queue.rebuild(due, self.cases.len());
        Ok(())
    }

    /// The occurrence and firing number of a queued firing whose case is unchanged: the
    /// case's fired map gives them without evaluating the trigger again.
    fn queued_firing(&self, id: CaseId, r: u32, at: Millis) -> Result<(u32, u32)> {
        let case = &self.cases[(id - 1) as usize];
        let occurrence = occurrence_of(case, &self.config.rules[r as usize]);
        let done = match case.fired.get(r) {
            Some((occ, n)) if occ == occurrence => n,
            _ => 0,
        };
        debug_assert_eq!(
            self.next_firing(case, r)?,
            Some((occurrence, done + 1, at)),
            "a queued entry of a current generation is the rule's next firing"
        );
        Ok((occurrence, done + 1))
    }

    /// Fires, in time order, every escalation due at or before `now` (of one case, or of all).
    pub(super) fn fire_due(&mut self, only: Option<CaseId>, now: Millis) -> Result<usize> {
        let mut fired = 0;
        if let Some(id) = only {
            // One case: compute its due firings directly (the queue keeps the others).
            loop {
                let case = &self.cases[(id - 1) as usize];
                let mut best: Option<(Millis, u32, u32, u32)> = None;
                for r in 0..self.config.rules.len() as u32 {
                    if let Some((occ, n, at)) = self.next_firing(case, r)?
                        && at <= now
                        && best.is_none_or(|(b, ..)| at < b)
                    {
                        best = Some((at, r, occ, n));
                    }
                }
                let Some((at, r, occ, n)) = best else { break };
                self.fire(id, r, at, occ, n)?;
                fired += 1;
            }
            return Ok(fired);
        }
        let last_bucket = now.div_euclid(MINUTE_MS);
        while let Some((bucket, mut entries)) = self.queue.pop_due(last_bucket) {
            let later = entries.split_off(entries.partition_point(|e| e.0 <= now));
            // Without its stale entries, each case has at most one entry here and a firing
            // changes only its own case, so every case is as it was when its entry was computed
            // (same generation): the entry is its rule's next firing; debug builds (the tests)
            // check it.
            for (at, id, r, _) in entries {
                let (occ, n) = self.queued_firing(id, r, at)?;
                self.fire(id, r, at, occ, n)?;
                fired += 1;
            }
            // Firings scheduled just now into this minute may still be due.
            if !later.is_empty() && !self.queue.put_back(bucket, later, now) {
                break;
            }
        }
        Ok(fired)
    }

    /// Fires rule `r` on case `id` at `at` (its `firing`-th firing of trigger occurrence
    /// `occurrence`, as [`Engine::next_firing`] gave them) and records it.
    pub(super) fn fire(
        &mut self,
        id: CaseId,
        r: u32,
        at: Millis,
        occurrence: u32,
        firing: u32,
    ) -> Result<()> {
        let idx = (id - 1) as usize;
        let rule = &self.config.rules[r as usize];
        let unit = self.cases[idx].unit;
        let unit_id = |u: UnitId| Arc::clone(&self.unit_ids[u.index()]);
        let target = match &rule.action {
            EscalationAction::Warn(_) => self.rule_targets[r as usize].clone(),
            EscalationAction::Notify(None) => unit.map(unit_id),
            EscalationAction::Notify(Some(u)) | EscalationAction::Reassign(u) => Some(unit_id(*u)),
            EscalationAction::Escalate(n) => {
                unit.map(|u| unit_id(self.model.org().escalate(u, *n as usize)))
            }
            EscalationAction::Supervise => None,
        };
        let action = rule.action.clone();
        self.save_case(idx, self.cases[idx].clone());
        let case = &mut self.cases[idx];
        match action {
            EscalationAction::Supervise => case.supervised_count += 1,
            EscalationAction::Reassign(u) => {
                // the new unit starts over: no second-level unit, no co-handlers
                case.unit = Some(u);
                case.second_unit = None;
                case.co.clear();
            }
            _ => {}
        }
        case.fired.insert(r, (occurrence, firing));
        case.last_at = case.last_at.max(at);
        let body = EventBody::Escalation(Firing {
            rule: r,
            firing,
            label: Arc::clone(&self.rule_labels[r as usize]),
            target,
        });
        self.record(id, at, Actor::System, body, None, None);
        self.reschedule(id)
    }

    /// Fires every escalation due at or before `now`, in time order, records each as an event
    /// (actor: the system) and returns them. Idempotent: a second sweep at the same instant fires
    /// nothing; a late sweep fires each missed trigger once, at its own instant. It takes the
    /// due minute-buckets of a queue kept up to date by every action, so it costs
    /// O(due + buckets × log n), not a scan of the open cases. Returns the recorded events.
    ///
    /// # Errors
    /// [`crate::Error::CalendarRange`] when a trigger instant falls outside the calendar.
    pub fn sweep(&mut self, now: Millis) -> Result<&[Event]> {
        check_instant(now)?;
        let start = self.transact(Rollback::Rebuild, |eng| {
            let start = eng.event_count();
            eng.fire_due(None, now)?;
            Ok(start)
        })?;
        Ok(self.events_from(start))
    }

    /// The same answer as [`Engine::sweep`] computed by scanning every case (for tests and the
    /// benchmark that compares the two).
    ///
    /// # Errors
    /// As [`Engine::sweep`].
    pub fn sweep_by_scan(&mut self, now: Millis) -> Result<&[Event]> {
        check_instant(now)?;
        let start = self.transact(Rollback::Rebuild, |eng| {
            let start = eng.event_count();
            for id in 1..=eng.cases.len() as CaseId {
                eng.fire_due(Some(id), now)?;
            }
            Ok(start)
        })?;
        Ok(self.events_from(start))
    }
}
