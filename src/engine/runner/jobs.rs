//! The workflow steps: each runs one workspace step and says, in one sentence in the past
//! tense, what was done. The runner's one `match` over commands calls them.

use crate::engine::backend::Unlink;
use crate::engine::error::{Result, partly};
use crate::engine::workspace::Workspace;
use crate::model::push_rule::PushRule;
use crate::model::text::plural;

/// `said`, then the edits made in Statsig that mapping `id` keeps open, if any.
fn with_drift(ws: &Workspace, id: &str, said: String) -> String {
    match ws.drift_note(id) {
        Some(note) => format!("{said} {note}"),
        None => said,
    }
}

/// "Create group" of Okta users (a mapping group).
pub(super) async fn create_mapping_group(
    ws: &mut Workspace,
    name: &str,
    description: &str,
    user_ids: &[String],
) -> Result<String> {
    let g = ws.create_mapping_group(name, description, user_ids).await?;
    Ok(format!(
        "Created Okta group \"{}\" with {}.",
        g.name,
        plural(g.members.len(), "member")
    ))
}

/// Adds and removes members of an Okta group.
pub(super) async fn set_okta_members(
    ws: &mut Workspace,
    group_id: &str,
    add: &[String],
    remove: &[String],
) -> Result<String> {
    ws.set_okta_members(group_id, add, remove).await?;
    let group = ws
        .directory()
        .okta_group(group_id)
        .map_or(group_id.to_string(), |g| g.name.clone());
    Ok(format!(
        "{}: added {}, removed {}.",
        group,
        plural(add.len(), "member"),
        plural(remove.len(), "member")
    ))
}

/// "Link group".
pub(super) async fn link(
    ws: &mut Workspace,
    okta_group_id: &str,
    statsig_group_id: &str,
    push_now: bool,
    allowed_removals: usize,
) -> Result<String> {
    ws.link_confirmed(okta_group_id, statsig_group_id, push_now, allowed_removals)
        .await
        .map(|m| ws.made(m).to_string())
}

/// "Create group".
pub(super) async fn create(
    ws: &mut Workspace,
    okta_group_id: &str,
    project: &str,
    team: &str,
    push_now: bool,
) -> Result<String> {
    let m = ws.create(okta_group_id, project, team, push_now).await?;
    Ok(ws.made(m).to_string())
}

/// Unlinks a mapping, deleting its team or leaving it.
pub(super) async fn unlink(
    ws: &mut Workspace,
    mapping_id: &str,
    how: Unlink,
    confirmation: &str,
) -> Result<String> {
    let m = ws.unlink(mapping_id, how, confirmation).await?;
    Ok(ws.unlinked(&m, how).to_string())
}

/// "Push now", with the removals the admin confirmed.
pub(super) async fn push(
    ws: &mut Workspace,
    mapping_id: &str,
    allowed_removals: usize,
) -> Result<String> {
    let r = ws.confirm_removals(mapping_id, allowed_removals).await?;
    Ok(ws.pushed(r).to_string())
}

/// Activates (and pushes) or deactivates a mapping.
pub(super) async fn set_active(
    ws: &mut Workspace,
    mapping_id: &str,
    active: bool,
    allowed_removals: usize,
) -> Result<String> {
    let done = ws
        .set_active_confirmed(mapping_id, active, allowed_removals)
        .await?;
    Ok(with_drift(ws, mapping_id, done.to_string()))
}

/// Saves a push rule.
pub(super) fn save_rule(ws: &mut Workspace, rule: PushRule) -> Result<String> {
    let r = ws.add_rule(rule)?;
    Ok(format!("Saved rule \"{}\": {}.", r.name, r.describe()))
}

/// Removes a push rule; the mappings it made stay.
pub(super) fn remove_rule(ws: &mut Workspace, id: &str) -> Result<String> {
    let r = ws.remove_rule(id)?;
    Ok(format!(
        "Removed rule \"{}\"; the mappings it made stay.",
        r.name
    ))
}

/// *Retry all*: what was pushed again, what was skipped and why, by name.
pub(super) async fn retry_all(ws: &mut Workspace) -> Result<String> {
    ws.retry_errors().await.outcome()
}

/// One watch cycle, reported in one sentence; with `alerts`, one desktop notification
/// per change worth one (`engine::alerts`).
pub(super) async fn watch(ws: Option<&mut Workspace>, alerts: bool) -> Result<String> {
    let ws = ws.ok_or_else(|| {
        crate::engine::error::refused("Not connected: open Settings or use the demo sandbox.")
    })?;
    let r = ws.watch_cycle().await?;
    if alerts {
        crate::engine::alerts::raise(&r.events);
    }
    let mut parts = vec![
        format!("{} changed in Okta", plural(r.okta_groups_changed, "group")),
        format!("{} pushed", r.pushed.len()),
    ];
    if !r.needs_confirmation.is_empty() {
        parts.push(format!(
            "{} waiting for confirmation of removals",
            r.needs_confirmation.len()
        ));
    }
    if !r.drifted.is_empty() {
        parts.push(format!(
            "{} with edits made in Statsig kept",
            r.drifted.len()
        ));
    }
    let mut s = format!("Checked: {}.", parts.join(", "));
    for line in &r.proposals {
        s.push(' ');
        s.push_str(line);
    }
    match r.errors.first() {
        Some(e) => Err(partly(s, "", e.clone())),
        None => Ok(s),
    }
}

/// What a read of the history says on the status line.
pub fn history_read(h: &crate::engine::workspace::history::History) -> String {
    match (&h.okta_from, h.notes.first()) {
        (_, Some(note)) => note.clone(),
        (Some(_), None) => format!(
            "Read the history: {} new in Okta's System Log.",
            plural(h.new_events, "event")
        ),
        (None, None) => "Read this app's own record.".into(),
    }
}
