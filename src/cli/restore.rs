//! `snapshot restore | copy` and `undo-bulk`: the plan that puts a snapshot's mappings
//! back (or makes them in another org, by name), or reverses the last bulk apply; printed
//! row by row, or applied with progress on stderr. Exit 3 when the deletion guard stops a
//! row and nothing confirms it.

use super::args::{Global, RestoreArgs};
use super::outcome::{Failure, NOT_CONFIRMED, code_of, refuse};
use super::output::{Output, Row, err, safe};
use crate::engine::files;
use crate::engine::workspace::journal::BulkKind;
use crate::engine::workspace::{RestoreDone, Workspace};
use crate::model::restore::{RestoreOptions, RestorePlan, RestoreRow};
use crate::model::text::plural;
use serde::Serialize;
use std::path::Path;

/// One row of a plan, as printed.
#[derive(Debug, Serialize)]
struct Shown {
    key: String,
    action: &'static str,
    what: String,
    target: String,
    gains: Vec<String>,
    loses: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    people: Vec<String>,
    /// "ready", "stopped by the guard: …" or "skipped: …".
    status: String,
}

impl Shown {
    fn of(r: &RestoreRow) -> Self {
        let status = match (&r.skipped, &r.guard) {
            (Some(why), _) => format!("skipped: {why}"),
            (None, Some(stop)) => format!("stopped by the guard: {stop}"),
            (None, None) => "ready".to_string(),
        };
        Shown {
            key: r.key.clone(),
            action: r.label(),
            what: r.what.clone(),
            target: r.target.clone(),
            gains: r.gains.clone(),
            loses: r.loses.clone(),
            people: r.people.clone(),
            status,
        }
    }
}

impl Row for Shown {
    fn text(&self) -> String {
        let to = if self.target.is_empty() {
            String::new()
        } else {
            format!(" -> {}", safe(&self.target))
        };
        let mut lines = vec![format!(
            "{}: {}{to}: Statsig gains {}, loses {}; {}",
            self.action,
            safe(&self.what),
            self.gains.len(),
            self.loses.len(),
            safe(&self.status)
        )];
        lines.extend(self.people.iter().map(|p| format!("    {}", safe(p))));
        lines.extend(self.gains.iter().map(|p| format!("    gains {}", safe(p))));
        lines.extend(self.loses.iter().map(|p| format!("    loses {}", safe(p))));
        lines.join("\n")
    }
}

/// The keys of the rows `skip` names (by key, or by Okta group or rule name).
fn unticked(plan: &RestorePlan, skip: &[String]) -> Result<Vec<String>, Failure> {
    let mut keys = Vec::new();
    for s in skip {
        let found: Vec<&RestoreRow> = plan
            .rows
            .iter()
            .filter(|r| r.key == *s || r.what.eq_ignore_ascii_case(s))
            .collect();
        if found.is_empty() {
            return Err(refuse(format!(
                "No row of the plan is \"{}\"; --skip takes a row's Okta group or rule name, or its key.",
                safe(s)
            )));
        }
        keys.extend(found.iter().map(|r| r.key.clone()));
    }
    Ok(keys)
}

/// Prints a plan, or applies it as `what`.
async fn plan_or_apply(
    g: &Global,
    out: Output,
    ws: &mut Workspace,
    plan: RestorePlan,
    (what, kind): (&str, BulkKind),
    apply: bool,
    skip: &[String],
) -> Result<(), Failure> {
    let unticked = unticked(&plan, skip)?;
    if !apply {
        if plan.rows.is_empty() {
            out.note("Nothing to put back: now is as the snapshot shows.");
        }
        out.rows(&plan.rows.iter().map(Shown::of).collect::<Vec<_>>());
        err!("{}: {}.", what, plan.summary());
        return Ok(());
    }
    let report = super::output::progress("done");
    let done = ws
        .apply_restore(&plan, what, kind, &unticked, g.allowed_removals(), &report)
        .await?;
    finish(what, &done)
}

/// What an apply did, on stderr; the exit code of its worst row.
fn finish(what: &str, done: &RestoreDone) -> Result<(), Failure> {
    for (row, why) in &done.skipped {
        err!("skipped {}: {}", safe(row), safe(why));
    }
    for stop in &done.stopped {
        err!("stopped: {stop}");
    }
    for (row, e) in &done.failed {
        err!("error: {}: {e}", safe(row));
    }
    err!("{}", done.summary(what));
    if let Some(code) = done.failed.iter().map(|(_, e)| code_of(e)).max() {
        return Err(Failure(
            code,
            format!(
                "{} failed; running it again does only the rest.",
                plural(done.failed.len(), "row")
            ),
        ));
    }
    if let Some(most) = done.stopped.iter().map(|s| s.removals).max() {
        return Err(Failure(
            NOT_CONFIRMED,
            format!(
                "The deletion guard stopped {}; nothing was done for them. To do them anyway: add --allow-removals {most}.",
                plural(done.stopped.len(), "row")
            ),
        ));
    }
    Ok(())
}

/// `snapshot restore` (`copy`: `snapshot copy`).
pub async fn restore(
    g: &Global,
    out: Output,
    ws: &mut Workspace,
    file: &Path,
    how: RestoreArgs,
    copy: bool,
) -> Result<(), Failure> {
    let snap = files::open_snapshot(file).map_err(|e| refuse(e.to_string()))?;
    let opts = RestoreOptions {
        unlink_new: how.unlink_new,
        members: how.members,
        copy,
    };
    let plan = ws.restore_plan(&snap, g.demo, opts)?;
    let (what, kind) = if copy {
        (
            format!(
                "Copy of the snapshot taken {}",
                crate::model::text::short_time(&snap.taken_at)
            ),
            BulkKind::Copy,
        )
    } else {
        (
            format!(
                "Restore from the snapshot taken {}",
                crate::model::text::short_time(&snap.taken_at)
            ),
            BulkKind::Restore,
        )
    };
    plan_or_apply(g, out, ws, plan, (&what, kind), how.apply, &how.skip).await
}

/// `undo-bulk`.
pub async fn undo(
    g: &Global,
    out: Output,
    ws: &mut Workspace,
    apply: bool,
    skip: &[String],
) -> Result<(), Failure> {
    let (entry, plan) = ws.undo_plan()?;
    let what = entry.undo_what();
    if !apply {
        return plan_or_apply(g, out, ws, plan, (&what, BulkKind::Undo), false, skip).await;
    }
    let unticked = unticked(&plan, skip)?;
    let report = super::output::progress("done");
    let done = ws
        .undo_last(&unticked, g.allowed_removals(), &report)
        .await?;
    finish(&what, &done)
}
