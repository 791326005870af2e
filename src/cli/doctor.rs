//! `doctor` (the Health check, for a nightly job) and `explain PERSON` (a person's trace),
//! on live data or on a snapshot file.

use super::outcome::{FAILED, Failure, refuse};
use super::output::{Output, Row, safe};
use crate::engine::files;
use crate::engine::workspace::Workspace;
use crate::engine::workspace::mode::PushMode;
use crate::model::Directory;
use crate::model::explain::{self, Explanation};
use crate::model::health::{self, Access, Change, Finding, OtherFeed, Severity};
use crate::model::mapping::Mapping;
use crate::model::text::plural;
use clap::Subcommand;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Health and a person's trace.
#[derive(Debug, Subcommand)]
pub enum HealthCommand {
    /// Check what is wrong across the mappings: leavers, mappings in Error or long
    /// Inactive, gone teams, double feeders, members Okta skips, names Okta cannot use,
    /// what the token may not do. Each finding says why it matters and the fix. With
    /// --fail-on, exits 1 when a finding at that level (or above) exists.
    Doctor {
        /// Exit 1 when a finding at this level or above exists: warning or error.
        #[arg(long, value_name = "LEVEL", value_parser = ["warning", "error"])]
        fail_on: Option<String>,
        /// Check a snapshot file instead of the live data (offline).
        #[arg(long, value_name = "FILE")]
        snapshot: Option<PathBuf>,
        /// Compare with an earlier snapshot: print the findings raised and resolved since
        /// (--fail-on then counts the raised ones).
        #[arg(long, value_name = "FILE")]
        since: Option<PathBuf>,
    },
    /// Explain why a person (email or "First Last") is or is not in each Statsig team role
    /// Okta feeds, step by step, with the verdict and the next step.
    Explain {
        /// The person: an email, or the whole name.
        person: String,
        /// Only this team, as PROJECT/TEAM (both roles).
        #[arg(long, value_name = "PROJECT/TEAM")]
        team: Option<String>,
        /// Explain from a snapshot file instead of the live data (offline).
        #[arg(long, value_name = "FILE")]
        snapshot: Option<PathBuf>,
    },
}

impl HealthCommand {
    /// The snapshot the command reads instead of the live data, if any.
    pub fn snapshot(&self) -> Option<&Path> {
        match self {
            HealthCommand::Doctor { snapshot, .. } | HealthCommand::Explain { snapshot, .. } => {
                snapshot.as_deref()
            }
        }
    }
}

/// What a Health check looks at, from live data or a snapshot.
struct Subject {
    dir: std::sync::Arc<Directory>,
    mappings: Vec<Mapping>,
    other_feeds: Vec<OtherFeed>,
    access: Access,
}

impl Subject {
    fn live(ws: &Workspace) -> Subject {
        let report = ws.mode_report();
        let other_feeds = report
            .map(|r| {
                r.other_pushers
                    .iter()
                    .map(|p| OtherFeed {
                        mapping_id: p.mapping_id.clone(),
                        target_name: p.target_name.clone(),
                        by: p.by.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Subject {
            dir: ws.shared_directory(),
            mappings: ws.mappings().to_vec(),
            other_feeds,
            access: access_of(ws),
        }
    }

    fn file(path: &Path) -> Result<Subject, Failure> {
        let snap = files::open_snapshot(path).map_err(|e| refuse(e.to_string()))?;
        let mappings = snap.mappings.clone();
        Ok(Subject {
            dir: std::sync::Arc::new(snap.into_directory()),
            mappings,
            other_feeds: Vec::new(),
            access: Access::default(),
        })
    }

    fn findings(&self, now: &str) -> Vec<Finding> {
        health::check(health::Input {
            dir: &self.dir,
            mappings: &self.mappings,
            other_feeds: &self.other_feeds,
            access: &self.access,
            now,
        })
    }
}

/// What the Okta token may do, as the first import found out.
fn access_of(ws: &Workspace) -> Access {
    match ws.mode_report() {
        Some(r) => Access::from_mode(matches!(r.mode, PushMode::Okta(_)), r.warning.as_deref()),
        None => Access::default(),
    }
}

impl Row for Finding {
    fn text(&self) -> String {
        format!(
            "{:<7} {}\n        why: {}\n        fix: {}{}",
            self.severity.label(),
            safe(&self.what),
            safe(&self.why),
            safe(&self.fix),
            if self.items.is_empty() {
                String::new()
            } else {
                let items: Vec<String> = self.items.iter().map(|i| safe(i)).collect();
                format!("\n        who: {}", explain::listed(&items))
            }
        )
    }
}

/// `doctor --json`: the findings and their counts.
#[derive(Debug, Serialize)]
struct Report<'a> {
    errors: usize,
    warnings: usize,
    infos: usize,
    findings: &'a [Finding],
}

fn summary(findings: &[Finding]) -> String {
    let (e, w, i) = health::counts(findings);
    if findings.is_empty() {
        return "No findings: nothing is wrong that the app can see.".into();
    }
    format!(
        "{}, {}, {}.",
        plural(e, "error"),
        plural(w, "warning"),
        plural(i, "note")
    )
}

/// Exit 1 when `findings` hold one at `fail_on` or above.
fn gate(findings: &[Finding], fail_on: Option<&str>) -> Result<(), Failure> {
    let Some(level) = fail_on.and_then(Severity::parse) else {
        return Ok(());
    };
    match health::at_least(findings, level) {
        0 => Ok(()),
        n => Err(Failure(
            FAILED,
            format!(
                "{} at {} or above (--fail-on {}).",
                plural(n, "finding"),
                level.label(),
                level.label()
            ),
        )),
    }
}

/// `doctor`.
pub fn doctor(
    out: Output,
    ws: Option<&Workspace>,
    snapshot: Option<&Path>,
    since: Option<&Path>,
    fail_on: Option<&str>,
) -> Result<(), Failure> {
    let subject = match (ws, snapshot) {
        (Some(ws), _) => Subject::live(ws),
        (None, Some(path)) => Subject::file(path)?,
        (None, None) => return Err(refuse("doctor needs a connection or --snapshot FILE.")),
    };
    let now = crate::clock::now();
    let findings = subject.findings(&now);
    if let Some(before) = since {
        let earlier = Subject::file(before)?.findings(&now);
        let change = health::compare(&earlier, &findings);
        print_change(out, &change);
        return gate(&change.raised, fail_on);
    }
    if out.json {
        let (errors, warnings, infos) = health::counts(&findings);
        out.one(&JsonOnly(Report {
            errors,
            warnings,
            infos,
            findings: &findings,
        }));
    } else {
        out.rows(&findings);
        out.note(&summary(&findings));
    }
    gate(&findings, fail_on)
}

fn print_change(out: Output, change: &Change) {
    if out.json {
        out.one(&JsonOnly(change));
        return;
    }
    for f in &change.raised {
        out.note(&format!("raised: {}", f.text()));
    }
    for f in &change.resolved {
        out.note(&format!("resolved: {}", f.text()));
    }
    out.note(&format!(
        "{} raised, {} resolved, {} unchanged.",
        plural(change.raised.len(), "finding"),
        change.resolved.len(),
        change.unchanged.len()
    ));
}

/// A value printed only as JSON.
#[derive(Serialize)]
#[serde(transparent)]
struct JsonOnly<T: Serialize>(T);

impl<T: Serialize> Row for JsonOnly<T> {
    fn text(&self) -> String {
        String::new()
    }
}

/// `explain PERSON [--team PROJECT/TEAM]`.
pub fn explain(
    out: Output,
    ws: Option<&Workspace>,
    snapshot: Option<&Path>,
    person: &str,
    team: Option<&str>,
) -> Result<(), Failure> {
    let subject = match (ws, snapshot) {
        (Some(ws), _) => Subject::live(ws),
        (None, Some(path)) => Subject::file(path)?,
        (None, None) => return Err(refuse("explain needs a connection or --snapshot FILE.")),
    };
    let dir = &subject.dir;
    let team = match team {
        None => None,
        Some(t) => Some(find_team(dir, t)?),
    };
    let who = explain::find(dir, person).map_err(|e| refuse(e.to_string()))?;
    let e = explain::explain(
        dir,
        &subject.mappings,
        &who,
        team.as_ref().map(|(p, t)| (p.as_str(), t.as_str())),
    );
    out.one(&e);
    Ok(())
}

/// `PROJECT/TEAM` as the directory names them.
pub(super) fn find_team(dir: &Directory, text: &str) -> Result<(String, String), Failure> {
    let Some((p, t)) = text.split_once('/') else {
        return Err(refuse(format!(
            "--team takes PROJECT/TEAM, e.g. Checkout/Payments, not \"{text}\"."
        )));
    };
    let (p, t) = (p.trim(), t.trim());
    let Some((project, teams)) = dir
        .teams()
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(p))
    else {
        return Err(refuse(format!(
            "There is no project \"{p}\"; the projects are {}.",
            dir.teams().keys().cloned().collect::<Vec<_>>().join(", ")
        )));
    };
    match teams.keys().find(|name| name.eq_ignore_ascii_case(t)) {
        Some(team) => Ok((project.clone(), team.clone())),
        None => Err(refuse(format!(
            "There is no team \"{t}\" in {project}; its teams are {}.",
            teams.keys().cloned().collect::<Vec<_>>().join(", ")
        ))),
    }
}

impl Row for Explanation {
    fn text(&self) -> String {
        let p = &self.person;
        let mut lines = vec![format!("{} <{}>", safe(&p.name), safe(&p.email))];
        lines.extend(self.steps.iter().map(|s| format!("  {}", safe(s))));
        if let Some(access) = &self.still_has_access {
            lines.push(safe(access));
        } else if self.roles.is_empty() {
            lines.push("No team role Okta feeds concerns this person.".into());
        }
        for r in &self.roles {
            lines.push(format!(
                "{} / {} / {} ({})",
                safe(&r.project),
                safe(&r.team),
                r.role,
                safe(&r.group)
            ));
            if r.feeds.is_empty() {
                lines.push("  no mapping feeds it".into());
            }
            for f in &r.feeds {
                lines.push(format!(
                    "  from {} (mapping {}, {}, pushed by {}{}): {}",
                    safe(&f.okta_group),
                    safe(&f.mapping_id),
                    f.status,
                    f.pushed_by,
                    f.last_push
                        .as_deref()
                        .map(|t| format!(", last push {}", crate::model::text::short_time(t)))
                        .unwrap_or_default(),
                    if f.member { "in it" } else { "not in it" }
                ));
            }
            lines.push(format!(
                "  Statsig: {}",
                match r.in_statsig {
                    Some(true) => "has this person in the role",
                    Some(false) => "does not have this person in the role",
                    None => "not read",
                }
            ));
            lines.push(format!("  verdict: {}", safe(&r.says)));
            lines.push(format!("  next: {}", safe(&r.next)));
        }
        lines.join("\n")
    }
}

/// Runs `doctor` or `explain`: on `ws` (live), or on the command's snapshot file.
pub fn run(out: Output, ws: Option<&Workspace>, command: HealthCommand) -> Result<(), Failure> {
    let ws = if command.snapshot().is_some() {
        None
    } else {
        ws
    };
    match command {
        HealthCommand::Doctor {
            fail_on,
            snapshot,
            since,
        } => doctor(
            out,
            ws,
            snapshot.as_deref(),
            since.as_deref(),
            fail_on.as_deref(),
        ),
        HealthCommand::Explain {
            person,
            team,
            snapshot,
        } => explain(out, ws, snapshot.as_deref(), &person, team.as_deref()),
    }
}
