//! `history [MAPPING | --team PROJECT/TEAM] [--since 7d]`: a mapping's or a team's
//! timeline. In Okta push, Okta's System Log (read incrementally) beside the app's own
//! journal; in Direct push, the journal.

use super::doctor::find_team;
use super::outcome::{FAILED, Failure, refuse};
use super::output::{Output, Row, safe};
use crate::engine::workspace::Workspace;
use crate::engine::workspace::history::History;
use crate::model::history::{self, Entry, Subject};
use crate::model::mapping::Mapping;
use crate::model::text::short_time;
use serde::Serialize;

/// What `history` is asked for.
#[derive(Debug, Default, clap::Args)]
pub struct Ask {
    /// A mapping: its id, or its Okta or Statsig group's name.
    pub mapping: Option<String>,
    /// A team instead, as PROJECT/TEAM (every mapping that feeds it).
    #[arg(long, value_name = "PROJECT/TEAM", conflicts_with = "mapping")]
    pub team: Option<String>,
    /// Only what happened since: a span (7d, 12h, 30m) or a date (2026-01-05).
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
}

impl Row for Entry {
    fn text(&self) -> String {
        let mut line = format!(
            "{}  {:<24} {:<14} {}",
            short_time(&self.at),
            self.what.label(),
            safe(&self.who),
            safe(&self.says)
        );
        if let Some(r) = &self.reason {
            line.push_str(&format!("\n{:>18}reason: {}", "", safe(r)));
        }
        line
    }
}

/// `history --json`.
#[derive(Debug, Serialize)]
struct Report<'a> {
    /// Where Okta's part starts (`null` in Direct push or without the logs scope).
    okta_from: Option<&'a str>,
    notes: &'a [String],
    entries: &'a [Entry],
}

impl Row for Report<'_> {
    fn text(&self) -> String {
        String::new()
    }
}

/// The mappings `ask` is about (`None`: all of them).
fn subject(ws: &Workspace, ask: &Ask) -> Result<Option<(String, Subject)>, Failure> {
    if let Some(key) = &ask.mapping {
        let m = ws
            .mappings()
            .iter()
            .find(|m| {
                m.id == *key
                    || m.okta_group_name.eq_ignore_ascii_case(key)
                    || m.statsig_group_name.eq_ignore_ascii_case(key)
            })
            .ok_or_else(|| refuse(format!("No mapping is called \"{key}\"; see `mappings`.")))?;
        let name = format!("{} → {}", m.okta_group_name, m.statsig_group_name);
        return Ok(Some((name, Subject::of([m]))));
    }
    let Some(team) = &ask.team else {
        return Ok(None);
    };
    let dir = ws.directory();
    let (project, team) = find_team(dir, team)?;
    let groups = dir
        .teams()
        .get(&project)
        .and_then(|t| t.get(&team))
        .cloned();
    let prefix = format!("Statsig-{project}-{team}-").to_lowercase();
    let feeds: Vec<&Mapping> = ws
        .mappings()
        .iter()
        .filter(|m| {
            let at = dir.statsig_group_index(&m.statsig_group_id);
            at.is_some_and(|i| {
                groups
                    .as_ref()
                    .is_some_and(|g| g.admin == Some(i) || g.member == Some(i))
            }) || m.statsig_group_name.to_lowercase().starts_with(&prefix)
        })
        .collect();
    let subject = Subject::team(dir, &project, &team, feeds);
    Ok(Some((format!("{project} / {team}"), subject)))
}

/// `history`.
pub async fn run(out: Output, ws: &mut Workspace, ask: Ask) -> Result<(), Failure> {
    if ask.mapping.is_some() && ask.team.is_some() {
        return Err(refuse(
            "history takes a mapping or --team PROJECT/TEAM, not both.",
        ));
    }
    let now = crate::clock::now();
    let since = ask
        .since
        .as_deref()
        .map(|s| history::parse_since(s, &now))
        .transpose()
        .map_err(refuse)?;
    let about = subject(ws, &ask)?;
    let h: History = ws.history().await?;
    let entries = history::timeline(
        &h.events,
        &h.journal,
        about.as_ref().map(|(_, s)| s),
        since.as_deref(),
    );
    let okta_from = h.okta_from.clone().map(|from| match &since {
        Some(s) if *s > from => s.clone(),
        _ => from,
    });
    let scope_missing = h.notes.iter().any(|n| n.contains("okta.logs.read"));
    let okta_from = okta_from.filter(|_| !scope_missing);
    if out.json {
        out.one(&Report {
            okta_from: okta_from.as_deref(),
            notes: &h.notes,
            entries: &entries,
        });
    } else {
        if let Some((name, _)) = &about {
            out.note(&format!("History of {}", safe(name)));
        }
        match &okta_from {
            Some(from) => out.note(&format!(
                "Okta's System Log from {} on (Okta keeps {} days), and this app's own record.",
                short_time(from),
                history::OKTA_KEEPS_DAYS
            )),
            None if !scope_missing => {
                out.note("This app's own record of what it pushed (Direct push).")
            }
            None => {}
        }
        out.rows(&entries);
        if entries.is_empty() {
            out.note("Nothing happened in this time.");
        }
    }
    for n in &h.notes {
        super::output::err!("warning: {n}");
    }
    // A page that could not be read: what came before it printed, and a retry may work.
    match h
        .notes
        .iter()
        .find(|n| n.starts_with("A page of Okta's System Log"))
    {
        Some(n) => Err(Failure(FAILED, n.clone())),
        None => Ok(()),
    }
}
