//! Snapshots from the command line: `snapshot export | show | diff`, and `import --out`.

use super::outcome::{FAILED, Failure, refuse};
use super::output::{Output, Row};
use crate::cli::args::{Global, SnapshotCommand};
use crate::engine::files;
use crate::engine::workspace::Workspace;
use crate::model::snapshot::{self, Comparison, Snapshot};
use crate::model::text::plural;
use serde::Serialize;
use std::path::Path;

/// What `snapshot show` prints.
#[derive(Debug, Serialize)]
struct Summary<'a> {
    taken_at: &'a str,
    source: &'a snapshot::Source,
    redacted: bool,
    version: u32,
    projects: usize,
    teams: usize,
    statsig_users: usize,
    okta_users: usize,
    okta_groups: usize,
    mappings: usize,
}

impl Row for Summary<'_> {
    fn text(&self) -> String {
        format!(
            "Snapshot taken {} (format {}){}\nFrom Okta {} and Statsig {}\nStatsig: {}, {}, {}; Okta: {}, {}; {}",
            self.taken_at,
            self.version,
            if self.redacted { ", redacted" } else { "" },
            self.source.okta_url,
            self.source.statsig_url,
            plural(self.statsig_users, "user"),
            plural(self.projects, "project"),
            plural(self.teams, "team"),
            plural(self.okta_users, "user"),
            plural(self.okta_groups, "group"),
            plural(self.mappings, "mapping"),
        )
    }
}

impl Row for Comparison {
    fn text(&self) -> String {
        if self.is_empty() {
            return "No differences.".to_string();
        }
        let mut lines = vec![self.summary()];
        lines.extend(
            self.teams_created
                .iter()
                .map(|t| format!("team created: {t}")),
        );
        lines.extend(
            self.teams_deleted
                .iter()
                .map(|t| format!("team deleted: {t}")),
        );
        for r in &self.members_changed {
            lines.extend(
                r.added
                    .iter()
                    .map(|a| format!("+ {} / {} / {}: {a}", r.project, r.team, r.role)),
            );
            lines.extend(
                r.removed
                    .iter()
                    .map(|a| format!("- {} / {} / {}: {a}", r.project, r.team, r.role)),
            );
        }
        lines.extend(
            self.mappings_created
                .iter()
                .map(|m| format!("mapping created: {m}")),
        );
        lines.extend(
            self.mappings_unlinked
                .iter()
                .map(|m| format!("mapping unlinked: {m}")),
        );
        lines.extend(self.status_changes.iter().map(|s| {
            format!(
                "status: {} -> {}: {} to {}",
                s.okta_group, s.statsig_group, s.before, s.after
            )
        }));
        lines.extend(self.rule_changes.iter().cloned());
        lines.join("\n")
    }
}

/// Writes a snapshot of the workspace to `file`.
pub fn write(ws: &Workspace, g: &Global, file: &Path, redact: bool) -> Result<(), Failure> {
    let snap = ws.snapshot(g.demo);
    let snap = if redact { snap.redacted() } else { snap };
    files::export_snapshot(file, &snap).map_err(|e| Failure(FAILED, e.to_string()))?;
    eprintln!(
        "Snapshot written{}: {}",
        if redact { " (redacted)" } else { "" },
        file.display()
    );
    Ok(())
}

/// Summarizes a snapshot file.
pub fn show(out: Output, file: &Path) -> Result<(), Failure> {
    let s = files::open_snapshot(file).map_err(|e| refuse(e.to_string()))?;
    let d = s.directory();
    out.one(&Summary {
        taken_at: &s.taken_at,
        source: &s.source,
        redacted: s.redacted,
        version: s.version,
        projects: s.projects.len(),
        teams: d.teams().values().map(|t| t.len()).sum(),
        statsig_users: s.statsig_users.len(),
        okta_users: s.okta_users.len(),
        okta_groups: s.okta_groups.len(),
        mappings: s.mappings.len(),
    });
    Ok(())
}

/// Prints a comparison; differences exit 1, like `diff`.
fn report(out: Output, c: &Comparison) -> Result<(), Failure> {
    out.one(c);
    if c.is_empty() {
        Ok(())
    } else {
        Err(Failure(FAILED, String::new()))
    }
}

/// Compares two snapshot files.
pub fn diff_files(out: Output, before: &Path, after: &Path) -> Result<(), Failure> {
    let open = |p: &Path| -> Result<Snapshot, Failure> {
        files::open_snapshot(p).map_err(|e| refuse(e.to_string()))
    };
    report(out, &snapshot::compare(&open(before)?, &open(after)?))
}

/// `snapshot export` and `snapshot diff --live`.
pub fn run(
    g: &Global,
    out: Output,
    ws: &Workspace,
    command: SnapshotCommand,
) -> Result<(), Failure> {
    match command {
        SnapshotCommand::Export { file, redact } => write(ws, g, &file, redact),
        SnapshotCommand::Diff { before, .. } => {
            let old = files::open_snapshot(&before).map_err(|e| refuse(e.to_string()))?;
            report(out, &snapshot::compare(&old, &ws.snapshot(g.demo)))
        }
        SnapshotCommand::Show { file } => show(out, &file),
    }
}
