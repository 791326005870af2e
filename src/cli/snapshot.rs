//! Snapshots from the command line: `snapshot export | show | diff | restore | copy`, and
//! `import --out`.

use super::outcome::{FAILED, Failure, refuse};
use super::output::{Output, Row, safe};
use crate::cli::args::{Global, SnapshotCommand};
use crate::engine::paths::DataDir;
use crate::engine::workspace::Workspace;
use crate::engine::{files, redaction};
use crate::model::compare::{self, Comparison};
use crate::model::snapshot::{self, Snapshot};
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
            safe(self.taken_at),
            self.version,
            if self.redacted { ", redacted" } else { "" },
            safe(&self.source.okta_url),
            safe(&self.source.statsig_url),
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
        let mut lines: Vec<String> = self.note.iter().map(|n| format!("note: {n}")).collect();
        if self.is_empty() {
            lines.push("No differences.".to_string());
            return lines.join("\n");
        }
        lines.push(self.summary());
        let each = |lines: &mut Vec<String>, what: &str, items: &[String]| {
            lines.extend(items.iter().map(|t| format!("{what}: {}", safe(t))));
        };
        each(&mut lines, "team created", &self.teams_created);
        each(&mut lines, "team deleted", &self.teams_deleted);
        for r in &self.members_changed {
            let role = format!(
                "{} / {} / {}",
                safe(&r.project),
                safe(&r.team),
                safe(&r.role)
            );
            lines.extend(r.added.iter().map(|a| format!("+ {role}: {}", safe(a))));
            lines.extend(r.removed.iter().map(|a| format!("- {role}: {}", safe(a))));
        }
        each(&mut lines, "Okta group created", &self.okta_groups_created);
        each(&mut lines, "Okta group deleted", &self.okta_groups_deleted);
        for g in &self.okta_groups_changed {
            let group = format!("Okta group {}", safe(&g.group));
            lines.extend(g.added.iter().map(|a| format!("+ {group}: {}", safe(a))));
            lines.extend(g.removed.iter().map(|a| format!("- {group}: {}", safe(a))));
        }
        each(&mut lines, "mapping created", &self.mappings_created);
        each(&mut lines, "mapping unlinked", &self.mappings_unlinked);
        lines.extend(self.status_changes.iter().map(|s| {
            format!(
                "status: {} -> {}: {} to {}",
                safe(&s.okta_group),
                safe(&s.statsig_group),
                s.before,
                s.after
            )
        }));
        lines.extend(self.rule_changes.iter().map(|r| safe(r)));
        lines.join("\n")
    }
}

/// Writes a snapshot of the workspace to `file`; redacted with the profile's key.
pub fn write(
    ws: &Workspace,
    g: &Global,
    data: &DataDir,
    file: &Path,
    redact: bool,
) -> Result<(), Failure> {
    let snap = ws.snapshot(g.demo);
    let snap = if redact {
        snap.redacted(&redaction::profile_key(data)?)
    } else {
        snap
    };
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
pub fn diff_files(out: Output, data: &DataDir, before: &Path, after: &Path) -> Result<(), Failure> {
    let open = |p: &Path| -> Result<Snapshot, Failure> {
        files::open_snapshot(p).map_err(|e| refuse(e.to_string()))
    };
    let key = redaction::existing_key(data);
    report(
        out,
        &compare::compare_keyed(&open(before)?, &open(after)?, key.as_ref()),
    )
}

/// `snapshot export`, `snapshot diff --live`, `restore` and `copy`.
pub async fn run(
    g: &Global,
    out: Output,
    data: &DataDir,
    ws: &mut Workspace,
    command: SnapshotCommand,
) -> Result<(), Failure> {
    match command {
        SnapshotCommand::Export { file, redact } => write(ws, g, data, &file, redact),
        SnapshotCommand::Diff { before, .. } => {
            let old = files::open_snapshot(&before).map_err(|e| refuse(e.to_string()))?;
            let key = redaction::existing_key(data);
            report(
                out,
                &compare::compare_keyed(&old, &ws.snapshot(g.demo), key.as_ref()),
            )
        }
        SnapshotCommand::Show { file } => show(out, &file),
        SnapshotCommand::Restore { file, how } => {
            super::restore::restore(g, out, ws, &file, how, false).await
        }
        SnapshotCommand::Copy { file, how, .. } => {
            super::restore::restore(g, out, ws, &file, how, true).await
        }
    }
}
