//! `rule add | list | remove | preview | apply`: push rules from the command line, with the
//! same preview the app shows and the usual exit codes (3 when the deletion guard stops a
//! row and nothing confirms it).

use super::args::{Global, RuleCommand};
use super::directory::okta_group_id;
use super::outcome::{Failure, NOT_CONFIRMED, code_of, refuse};
use super::output::{Output, Row, err};
use crate::engine::workspace::Workspace;
use crate::model::push_rule::{NameMatch, PushRule, RowTarget, RuleAction, RuleRow};
use crate::model::text::plural;
use serde::Serialize;

impl Row for PushRule {
    fn text(&self) -> String {
        format!("{}  {}: {}", self.id, self.name, self.describe())
    }
}

/// One previewed mapping, as printed.
#[derive(Debug, Serialize)]
struct PreviewRow {
    okta_group: String,
    /// "link", "create" or "skip".
    action: &'static str,
    target: String,
    adds: Option<usize>,
    removes: Option<usize>,
    cannot_push: usize,
    /// "ready", "guard: …" or "skipped: …".
    status: String,
}

impl PreviewRow {
    fn of(r: &RuleRow) -> Self {
        let (action, target) = match &r.target {
            RowTarget::Link {
                statsig_group_name, ..
            } => ("link", statsig_group_name.clone()),
            RowTarget::Create { name, .. } => ("create", name.clone()),
            RowTarget::Skip(_) => ("skip", String::new()),
        };
        let status = match (&r.target, &r.guard) {
            (RowTarget::Skip(why), _) => format!("skipped: {why}"),
            (_, Some(stop)) => format!("stopped by the guard: {stop}"),
            (RowTarget::Create { team, .. }, None) => {
                match crate::model::names::unusual_character(team) {
                    Some(w) => format!("ready; {w}"),
                    None => "ready".to_string(),
                }
            }
            _ => "ready".to_string(),
        };
        PreviewRow {
            okta_group: r.okta_group_name.clone(),
            action,
            target,
            adds: r.adds,
            removes: r.removes,
            cannot_push: r.cannot,
            status,
        }
    }
}

impl Row for PreviewRow {
    fn text(&self) -> String {
        let n = |v: Option<usize>| v.map_or("?".to_string(), |v| v.to_string());
        let to = if self.target.is_empty() {
            String::new()
        } else {
            format!(" -> {} ({})", self.target, self.action)
        };
        format!(
            "{}{to}: +{} -{}, {} cannot be pushed; {}",
            self.okta_group,
            n(self.adds),
            n(self.removes),
            self.cannot_push,
            self.status
        )
    }
}

/// Runs a `rule` subcommand on an imported workspace.
pub async fn run(
    g: &Global,
    out: Output,
    ws: &mut Workspace,
    command: RuleCommand,
) -> Result<(), Failure> {
    match command {
        RuleCommand::List => {
            if ws.rules().is_empty() {
                out.note("No push rules yet; add one with `rule add`.");
            }
            out.rows(ws.rules());
            Ok(())
        }
        RuleCommand::Remove { rule } => {
            let r = ws.remove_rule(&rule)?;
            err!("Removed rule \"{}\"; the mappings it made stay.", r.name);
            Ok(())
        }
        RuleCommand::Preview { rule } => {
            let rows = ws.preview_rule(&rule)?;
            if rows.is_empty() {
                out.note("The rule matches no Okta group.");
            }
            out.rows(&rows.iter().map(PreviewRow::of).collect::<Vec<_>>());
            Ok(())
        }
        RuleCommand::Apply { rule, skip } => apply(g, out, ws, &rule, &skip).await,
        add @ RuleCommand::Add { .. } => {
            let r = ws.add_rule(new_rule(add)?)?;
            err!("Saved rule {} \"{}\".", r.id, r.name);
            out.one(&r);
            Ok(())
        }
    }
}

/// The rule `rule add` describes.
fn new_rule(add: RuleCommand) -> Result<PushRule, Failure> {
    let RuleCommand::Add {
        name,
        starts_with,
        contains,
        pattern,
        kind,
        link_in,
        create_in,
        auto,
    } = add
    else {
        return Err(refuse("Not a rule to add."));
    };
    let (how, text) = match (starts_with, contains, pattern) {
        (Some(t), _, _) => (NameMatch::StartsWith, t),
        (_, Some(t), _) => (NameMatch::Contains, t),
        (_, _, Some(p)) => (NameMatch::Pattern, p),
        _ => {
            return Err(refuse(
                "Say how names match: --starts-with, --contains or --pattern.",
            ));
        }
    };
    Ok(PushRule {
        id: String::new(),
        name,
        how,
        text,
        kind: (!kind.eq_ignore_ascii_case("any")).then_some(kind),
        action: match create_in {
            Some(project) => RuleAction::Create { project },
            None => RuleAction::Link { project: link_in },
        },
        auto_create: auto,
    })
}

async fn apply(
    g: &Global,
    out: Output,
    ws: &mut Workspace,
    rule: &str,
    skip: &[String],
) -> Result<(), Failure> {
    let unticked = skip
        .iter()
        .map(|s| okta_group_id(ws, s))
        .collect::<Result<Vec<_>, _>>()?;
    let name = ws.rule(rule)?.name.clone();
    let report = super::output::progress("made");
    let done = ws
        .apply_rule(rule, &unticked, g.allowed_removals(), &report)
        .await?;
    let made: Vec<_> = done
        .made
        .iter()
        .map(|m| super::mappings::Shown::of(ws, m))
        .collect();
    out.rows(&made);
    for (group, why) in &done.skipped {
        err!("skipped {group}: {why}");
    }
    for stop in &done.stopped {
        err!("stopped: {stop}");
    }
    for (group, e) in &done.failed {
        err!("error: {group}: {e}");
    }
    err!("{}", done.summary(&name));
    if let Some(code) = done.failed.iter().map(|(_, e)| code_of(e)).max() {
        return Err(Failure(
            code,
            format!("{} failed.", plural(done.failed.len(), "mapping")),
        ));
    }
    if let Some(most) = done.stopped.iter().map(|s| s.removals).max() {
        return Err(Failure(
            NOT_CONFIRMED,
            format!(
                "The deletion guard stopped {}; nothing was made for {}. To make {} anyway: add --allow-removals {most}.",
                plural(done.stopped.len(), "row"),
                if done.stopped.len() == 1 {
                    "it"
                } else {
                    "them"
                },
                if done.stopped.len() == 1 {
                    "it"
                } else {
                    "them"
                },
            ),
        ));
    }
    Ok(())
}
