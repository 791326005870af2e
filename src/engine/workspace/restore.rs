//! Restore, copy and undo: a plan from a snapshot (or from the journal's last bulk apply)
//! against the imported directory, and its ticked rows applied: members first, then rules,
//! links as one paced bulk, creations one after another (a team that exists by then is
//! linked, never made twice), statuses, unlinks (Leave). Cancel stops between requests and
//! what was done stays; planning again makes only the rest. Each apply is journaled.

use super::Workspace;
use super::journal::{self, BulkKind, JournalEntry};
use crate::engine::backend::{Report, Unlink};
use crate::engine::error::{EngineError, Result, refused};
use crate::engine::state::MappingStatus;
use crate::model::restore::{
    self, Applied, Change, MakeTarget, RestoreOptions, RestorePlan, RestoreRow,
};
use crate::model::rules::{self, GuardStop};
use crate::model::snapshot::{Snapshot, Source};

/// What an apply did, row by row.
#[derive(Debug, Default)]
pub struct RestoreDone {
    /// The changes made, as the journal keeps them.
    pub applied: Vec<Applied>,
    /// Rows left out, with why (unticked, skipped by the plan, already done, cancelled).
    pub skipped: Vec<(String, String)>,
    /// Rows the deletion guard stopped (nothing done for them).
    pub stopped: Vec<GuardStop>,
    /// Rows that failed, with the error.
    pub failed: Vec<(String, EngineError)>,
}

impl RestoreDone {
    /// "Restore: 3 changes made; 1 failed; 2 skipped."
    pub fn summary(&self, what: &str) -> String {
        let made = crate::model::text::plural(self.applied.len(), "change");
        let counts = (self.stopped.len(), self.failed.len(), self.skipped.len());
        format!(
            "{what}: {}.",
            super::push_rules::bulk_outcome(&made, counts)
        )
    }
}

/// One line per planned row, for the journal.
fn planned(plan: &RestorePlan) -> Vec<String> {
    plan.rows
        .iter()
        .filter(|r| r.change.is_some())
        .map(|r| {
            format!("{}: {} {}", r.label(), r.what, r.target)
                .trim_end()
                .to_string()
        })
        .collect()
}

impl Workspace {
    /// Where this connection reads from, as a snapshot names it.
    fn source_of(&self, demo: bool) -> Source {
        Source {
            statsig_url: self.core.conn().statsig_url.clone(),
            okta_url: self.core.conn().okta_url.clone(),
            demo,
        }
    }

    /// The snapshot's Okta when it was taken of another org than this connection's (a
    /// restore of it is refused; a copy by names is what fits).
    pub fn other_org(&self, snap: &Snapshot, demo: bool) -> Option<String> {
        (!restore::same_org(&snap.source, &self.source_of(demo)))
            .then(|| snap.source.okta_url.clone())
    }

    /// The plan that puts back what `snap` shows (`opts.copy`: into this connection, by
    /// names). Refuses a snapshot of another org for a restore, one whose mappings another
    /// pusher made, a newer or a redacted one, each in one sentence.
    pub fn restore_plan(
        &self,
        snap: &Snapshot,
        demo: bool,
        opts: RestoreOptions,
    ) -> Result<RestorePlan> {
        let here = self.source_of(demo);
        let plan = restore::plan(
            snap,
            &here,
            self.directory(),
            self.mappings(),
            self.rules(),
            self.connection().guard,
            opts,
        )
        .map_err(|e| refused(e.to_string()))?;
        let okta_here = self.steered().is_some();
        if !opts.copy
            && !snap.mappings.is_empty()
            && self.pusher.is_some()
            && plan.okta_push != okta_here
        {
            let by = |okta: bool| if okta { "Okta push" } else { "Direct push" };
            return Err(refused(format!(
                "The snapshot's mappings were made in {}, and this connection pushes in {}; switch the push mode in Settings to restore them, or copy them instead.",
                by(plan.okta_push),
                by(okta_here)
            )));
        }
        Ok(plan)
    }

    /// The journal of bulk applies, oldest first.
    pub fn journal(&self) -> Result<Vec<JournalEntry>> {
        Ok(journal::read(self.rules.folder())?)
    }

    /// The plan that reverses the last bulk apply (a restore, a copy or a rule), with the
    /// entry it reverses; refused when there is none.
    pub fn undo_plan(&self) -> Result<(JournalEntry, RestorePlan)> {
        let entries = self.journal()?;
        let i = journal::last_undoable(&entries).ok_or_else(|| {
            refused("There is no bulk apply to undo: no restore, copy or rule apply has made a change since the last undo.")
        })?;
        let entry = entries[i].clone();
        let plan = restore::undo(
            self.directory(),
            self.mappings(),
            &entry.done,
            self.connection().guard,
        );
        Ok((entry, plan))
    }

    /// Undoes the last bulk apply (all but the `unticked` rows), journaled as an undo.
    pub async fn undo_last(
        &mut self,
        unticked: &[String],
        allowed_removals: usize,
        report: Report<'_>,
    ) -> Result<RestoreDone> {
        let (entry, plan) = self.undo_plan()?;
        let what = entry.undo_what();
        let done = self
            .apply_restore(
                &plan,
                &what,
                BulkKind::Undo,
                unticked,
                allowed_removals,
                report,
            )
            .await?;
        if done.failed.is_empty() && !done.skipped.iter().any(|(_, w)| w == "cancelled") {
            journal::mark_undone(self.rules.folder(), &entry.at, &entry.what)?;
        }
        Ok(done)
    }

    /// Records a bulk apply in the journal (nothing when it did nothing). A journal that
    /// cannot be written loses no change made: it is said in the log.
    pub(super) fn journal_apply(
        &self,
        what: &str,
        kind: BulkKind,
        planned: Vec<String>,
        done: &[Applied],
    ) {
        if done.is_empty() {
            return;
        }
        let written = journal::append(
            self.rules.folder(),
            JournalEntry {
                at: crate::clock::now(),
                what: what.to_string(),
                kind,
                planned,
                done: done.to_vec(),
                undone: false,
            },
        );
        if let Err(e) = written {
            tracing::warn!("{what} is not in the journal of bulk applies: {e}");
        }
    }

    /// Applies `plan`'s ready rows but the `unticked` (row keys), rows the guard stops
    /// only up to `allowed_removals` confirmed; `report` gets done, total and the time
    /// left. Journaled as `what`.
    pub async fn apply_restore(
        &mut self,
        plan: &RestorePlan,
        what: &str,
        kind: BulkKind,
        unticked: &[String],
        allowed_removals: usize,
        report: Report<'_>,
    ) -> Result<RestoreDone> {
        self.settle_mode().await?;
        let mut out = RestoreDone::default();
        let mut work: Vec<&RestoreRow> = Vec::new();
        for row in &plan.rows {
            if unticked.contains(&row.key) {
                out.skipped.push((row.what.clone(), "unticked".into()));
            } else if let Some(why) = &row.skipped {
                out.skipped.push((row.what.clone(), why.clone()));
            } else if let Some(stop) = row.guard.clone().filter(|g| g.removals > allowed_removals) {
                out.stopped.push(stop);
            } else if row.change.is_some() {
                work.push(row);
            }
        }
        let total = work.len();
        let order = |r: &&RestoreRow| match &r.change {
            Some(Change::Members { .. }) => 0,
            Some(Change::Rule { .. } | Change::RemoveRule { .. }) => 1,
            Some(Change::Make {
                target: MakeTarget::Link { .. },
                ..
            }) => 2,
            Some(Change::Make { .. }) => 3,
            Some(Change::Status { .. }) => 4,
            _ => 5,
        };
        work.sort_by_key(order);
        let mut n = 0;
        let links: Vec<&RestoreRow> = work.iter().copied().filter(|r| order(r) == 2).collect();
        for row in work.iter().copied().filter(|r| order(r) < 2) {
            if self.cancel_token().is_cancelled() {
                out.skipped.push((row.what.clone(), "cancelled".into()));
                continue;
            }
            let r = self.apply_one(row, allowed_removals).await;
            self.record(&mut out, row, r);
            n += 1;
            report(n, total, None);
        }
        self.apply_links(&links, allowed_removals, &mut out, n, total, report)
            .await;
        n += links.len();
        for row in work.iter().copied().filter(|r| order(r) > 2) {
            if self.cancel_token().is_cancelled() {
                out.skipped.push((row.what.clone(), "cancelled".into()));
                continue;
            }
            let r = self.apply_one(row, allowed_removals).await;
            self.record(&mut out, row, r);
            n += 1;
            report(n, total, None);
        }
        self.journal_apply(what, kind, planned(plan), &out.applied);
        Ok(out)
    }

    fn record(&self, out: &mut RestoreDone, row: &RestoreRow, r: Result<Option<Applied>>) {
        match r {
            Ok(Some(a)) => out.applied.push(a),
            Ok(None) => out.skipped.push((row.what.clone(), "done already".into())),
            Err(EngineError::Cancelled) => out.skipped.push((row.what.clone(), "cancelled".into())),
            Err(e) => out.failed.push((row.what.clone(), e)),
        }
    }

    /// The Link rows as one paced bulk (those made since the plan are done already).
    async fn apply_links(
        &mut self,
        rows: &[&RestoreRow],
        allowed_removals: usize,
        out: &mut RestoreDone,
        before: usize,
        total: usize,
        report: Report<'_>,
    ) {
        let mut pairs = Vec::new();
        let mut made = Vec::new();
        for row in rows {
            let Some(Change::Make {
                okta_group_id,
                target: MakeTarget::Link { statsig_group_id },
                active,
            }) = &row.change
            else {
                continue;
            };
            if rules::pushed_from(self.mappings(), okta_group_id).is_some() {
                out.skipped.push((row.what.clone(), "done already".into()));
                continue;
            }
            pairs.push((okta_group_id.clone(), statsig_group_id.clone()));
            made.push((*row, *active));
        }
        if pairs.is_empty() {
            return;
        }
        // A mapping that was Inactive is linked without a push (it pushes nothing until
        // activated, so its guard has nothing to hold): the active ones in one paced bulk,
        // then the inactive ones in another.
        let of_all = |done: usize, _: usize, left| report(before + done, total, left);
        let (mut active_pairs, mut inactive_pairs) = (Vec::new(), Vec::new());
        for (pair, (_, active)) in pairs.into_iter().zip(&made) {
            if *active {
                active_pairs.push(pair);
            } else {
                inactive_pairs.push(pair);
            }
        }
        let mut linked = self
            .link_many(&active_pairs, true, allowed_removals, &of_all)
            .await
            .into_iter();
        let after = active_pairs.len();
        let of_rest = |done: usize, _: usize, left| report(before + after + done, total, left);
        let mut linked_inactive = self
            .link_many(&inactive_pairs, false, allowed_removals, &of_rest)
            .await
            .into_iter();
        let linked: Vec<_> = made
            .iter()
            .filter_map(|(_, active)| {
                if *active {
                    linked.next()
                } else {
                    linked_inactive.next()
                }
            })
            .collect();
        for ((row, active), r) in made.into_iter().zip(linked) {
            let r = match r {
                Ok(m) => self.made_again(m, active).await.map(Some),
                Err(e) => Err(e),
            };
            self.record(out, row, r);
        }
    }

    /// A mapping made: set Inactive when it was, and journaled as made.
    async fn made_again(
        &mut self,
        m: crate::model::mapping::Mapping,
        active: bool,
    ) -> Result<Applied> {
        if !active && m.status != MappingStatus::Inactive {
            self.set_active(&m.id, false).await?;
        }
        Ok(Applied::Made {
            mapping_id: m.id,
            okta_group_name: m.okta_group_name,
            statsig_group_name: m.statsig_group_name,
        })
    }

    /// A mapping made again (Link, or Create: a team made meanwhile, by an earlier run
    /// whose answer was lost or by someone in Statsig, is linked, never made twice);
    /// `None` when the Okta group is pushed already.
    async fn make_again(
        &mut self,
        okta_group_id: &str,
        target: &MakeTarget,
        active: bool,
        allowed_removals: usize,
    ) -> Result<Option<Applied>> {
        if rules::pushed_from(self.mappings(), okta_group_id).is_some() {
            return Ok(None);
        }
        let m = match target {
            MakeTarget::Link { statsig_group_id } => {
                self.link_confirmed(okta_group_id, statsig_group_id, active, allowed_removals)
                    .await?
            }
            MakeTarget::Create { project, team } => {
                match self.create(okta_group_id, project, team, active).await {
                    Ok(m) => m,
                    Err(EngineError::Rule(rules::RuleError::TeamExists(name))) => {
                        let Some(g) = self.directory().statsig_group_by_name(&name).cloned() else {
                            return Err(EngineError::Rule(rules::RuleError::TeamExists(name)));
                        };
                        self.link_confirmed(okta_group_id, &g.id, active, allowed_removals)
                            .await?
                    }
                    Err(e) => return Err(e),
                }
            }
        };
        self.made_again(m, active).await.map(Some)
    }

    /// One row; `None` when it is done already.
    async fn apply_one(
        &mut self,
        row: &RestoreRow,
        allowed_removals: usize,
    ) -> Result<Option<Applied>> {
        let Some(change) = &row.change else {
            return Ok(None);
        };
        match change {
            Change::Members {
                okta_group_id,
                add,
                remove,
            } => {
                let g = self.directory().okta_group(okta_group_id).cloned();
                let has = |u: &String| g.as_ref().is_some_and(|g| g.members.contains(u));
                let add: Vec<String> = add.iter().filter(|u| !has(u)).cloned().collect();
                let remove: Vec<String> = remove.iter().filter(|u| has(u)).cloned().collect();
                if add.is_empty() && remove.is_empty() {
                    return Ok(None);
                }
                self.set_okta_members(okta_group_id, &add, &remove).await?;
                Ok(Some(Applied::Members {
                    okta_group_id: okta_group_id.clone(),
                    okta_group_name: row.what.clone(),
                    add,
                    remove,
                }))
            }
            Change::Rule { rule } => {
                if self
                    .rules()
                    .iter()
                    .any(|r| r.name.eq_ignore_ascii_case(&rule.name))
                {
                    return Ok(None);
                }
                let r = self.add_rule(rule.clone())?;
                Ok(Some(Applied::Rule { name: r.name }))
            }
            Change::RemoveRule { name } => {
                if !self
                    .rules()
                    .iter()
                    .any(|r| r.name.eq_ignore_ascii_case(name))
                {
                    return Ok(None);
                }
                self.remove_rule(name)?;
                Ok(Some(Applied::Rule { name: name.clone() }))
            }
            Change::Make {
                okta_group_id,
                target,
                active,
            } => {
                self.make_again(okta_group_id, target, *active, allowed_removals)
                    .await
            }
            Change::Status { mapping_id, active } => {
                let m = self.core.mapping(mapping_id)?;
                if (m.status != MappingStatus::Inactive) == *active {
                    return Ok(None);
                }
                self.set_active_confirmed(mapping_id, *active, allowed_removals)
                    .await?;
                Ok(Some(Applied::Status {
                    mapping_id: mapping_id.clone(),
                    okta_group_name: m.okta_group_name,
                    active: *active,
                }))
            }
            Change::Unlink { mapping_id } => {
                let Ok(m) = self.core.mapping(mapping_id) else {
                    return Ok(None);
                };
                self.unlink(mapping_id, Unlink::Leave, "").await?;
                Ok(Some(Applied::Unlinked {
                    okta_group_id: m.okta_group_id,
                    okta_group_name: m.okta_group_name,
                    statsig_group_id: m.statsig_group_id,
                    statsig_group_name: m.statsig_group_name,
                    active: m.status != MappingStatus::Inactive,
                }))
            }
        }
    }
}
