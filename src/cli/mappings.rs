//! Push mappings: `plan`, `link`, `create`, `mappings`, `push`, `retry`, `activate`,
//! `deactivate`, `unlink`, `resolve-drift`, `verify`, `watch`.

use super::directory::okta_group_id;
use super::outcome::{FAILED, Failure, NOT_CONFIRMED, refuse};
use super::output::{Output, Row, err};
use crate::cli::args::{Command, Global};
use crate::engine::backend::{PushReport, Unlink};
use crate::engine::error::EngineError;
use crate::engine::state::{DriftChoice, Mapping, MappingStatus};
use crate::engine::workspace::Workspace;
use crate::model::Plan;
use crate::model::text::plural;
use crate::model::{MemberList, SkippedList, rules};
use serde::Serialize;
use std::time::Duration;

impl Row for Mapping {
    fn text(&self) -> String {
        let mut s = format!(
            "{:<4} {:<18} {} -> {}",
            self.id,
            self.status.label(),
            self.okta_group_name,
            self.statsig_group_name
        );
        if let Some(t) = &self.last_push {
            s.push_str(&format!("  (last push {t})"));
        }
        if let Some(c) = &self.last_counts {
            s.push_str(&format!(
                "\n     last push: {} added, {} removed, {} could not be pushed, {}",
                c.added,
                c.removed,
                c.skipped,
                plural(c.requests, "request")
            ));
        }
        if let Some(o) = &self.okta {
            s.push_str(&format!(
                "\n     in Okta: updated {}{}",
                o.last_updated,
                o.pending
                    .as_deref()
                    .map(|p| format!("; {p}"))
                    .unwrap_or_default()
            ));
        }
        if let MappingStatus::Error { at, cause, request } = &self.status {
            s.push_str(&format!("\n     error at {at}: {cause}"));
            if let Some(r) = request {
                s.push_str(&format!(" [{r}]"));
            }
        }
        if let Some(d) = &self.drift {
            s.push_str(&format!(
                "\n     drift: {} added and {} removed in Statsig since the last push",
                d.added_in_statsig.len(),
                d.removed_in_statsig.len()
            ));
        }
        s
    }
}

/// A plan, as `plan` and `push` print it.
#[derive(Debug, Serialize)]
struct PlanOut<'a> {
    #[serde(flatten)]
    plan: &'a Plan,
    #[serde(skip)]
    okta_group: String,
    #[serde(skip)]
    done: bool,
}

impl Row for PlanOut<'_> {
    fn text(&self) -> String {
        let p = self.plan;
        let mut s = format!(
            "{} <- Okta group {}\n  ",
            p.statsig_group_name, self.okta_group
        );
        if self.done {
            s.push_str(&format!(
                "Pushed: {} added, {} removed, {} could not be pushed, {}.",
                p.adds.len(),
                p.removes.len(),
                p.skipped.len(),
                plural(p.request_count(), "request")
            ));
        } else {
            s.push_str(&p.summary());
        }
        for m in &p.adds {
            s.push_str(&format!("\n  + {}", m.display));
        }
        for m in &p.removes {
            s.push_str(&format!("\n  - {}", m.display));
        }
        for x in &p.skipped {
            s.push_str(&format!("\n  ! {}: {}", x.email, x.reason));
        }
        s
    }
}

/// A member-by-member comparison.
#[derive(Debug, Serialize)]
struct VerifyOut<'a> {
    in_sync: &'a MemberList,
    missing_in_statsig: &'a MemberList,
    extra_in_statsig: &'a MemberList,
    cannot_be_pushed: &'a SkippedList,
}

impl Row for VerifyOut<'_> {
    fn text(&self) -> String {
        let mut lines = Vec::new();
        lines.extend(
            self.in_sync
                .iter()
                .map(|x| format!("  in sync:            {}", x.display)),
        );
        lines.extend(
            self.missing_in_statsig
                .iter()
                .map(|x| format!("  missing in Statsig: {}", x.display)),
        );
        lines.extend(
            self.extra_in_statsig
                .iter()
                .map(|x| format!("  extra in Statsig:   {}", x.display)),
        );
        lines.extend(
            self.cannot_be_pushed
                .iter()
                .map(|x| format!("  cannot be pushed:   {} ({})", x.email, x.reason)),
        );
        lines.join("\n")
    }
}

/// What one watch cycle did.
#[derive(Debug, Serialize)]
struct WatchOut {
    okta_groups_changed: usize,
    pushed: Vec<String>,
    drifted: Vec<String>,
    needs_confirmation: Vec<String>,
    errors: Vec<String>,
}

impl Row for WatchOut {
    fn text(&self) -> String {
        let list = |v: &[String]| {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.join(", ")
            }
        };
        let mut s = format!(
            "{} changed in Okta; pushed: {}; edited in Statsig: {}",
            plural(self.okta_groups_changed, "group"),
            list(&self.pushed),
            list(&self.drifted)
        );
        if !self.needs_confirmation.is_empty() {
            s.push_str(&format!(
                "; waiting for confirmation: {}",
                list(&self.needs_confirmation)
            ));
        }
        s
    }
}

/// A mapping by id, or by its Okta or Statsig group's name.
fn find_mapping(ws: &Workspace, key: &str) -> Result<Mapping, Failure> {
    ws.mappings()
        .iter()
        .find(|m| {
            m.id == key
                || m.okta_group_name.eq_ignore_ascii_case(key)
                || m.statsig_group_name.eq_ignore_ascii_case(key)
        })
        .cloned()
        .ok_or_else(|| refuse(format!("No mapping is called \"{key}\"; see `mappings`.")))
}

fn statsig_group_id(ws: &Workspace, key: &str) -> Result<String, Failure> {
    let d = ws.directory();
    d.statsig_group(key)
        .or_else(|| d.statsig_group_by_name(key))
        .map(|g| g.id.clone())
        .ok_or_else(|| refuse(format!("No Statsig group is called \"{key}\".")))
}

/// The exact command that finishes a push the guard stopped.
fn finish_with(g: &Global, verb: &str, mapping_id: &str, removals: usize) -> String {
    format!(
        "{}{verb} {mapping_id} --allow-removals {removals}",
        command_prefix(g)
    )
}

/// `okta-statsig-teams` with the flags that chose this connection (demo, push mode).
fn command_prefix(g: &Global) -> String {
    let mut s = "okta-statsig-teams ".to_string();
    if g.demo {
        s.push_str("--demo ");
    }
    if let Some(m) = g.push_mode {
        let name = match m {
            crate::cli::args::PushModeArg::Auto => "auto",
            crate::cli::args::PushModeArg::Okta => "okta",
            crate::cli::args::PushModeArg::Direct => "direct",
        };
        s.push_str(&format!("--push-mode {name} "));
    }
    s
}

/// A guard stop as the command line reports it: what was stopped, what was saved, and
/// the exact command to go ahead.
fn guard_stop(
    g: &Global,
    e: EngineError,
    verb: &str,
    mapping: Option<&Mapping>,
    just_saved: bool,
) -> Failure {
    let EngineError::NeedsConfirmation(stop) = &e else {
        return e.into();
    };
    let Some(m) = mapping else {
        return e.into();
    };
    let mut s = format!("{stop}");
    if just_saved {
        s.push_str(&format!(
            " Mapping {} was saved and waits for confirmation.",
            m.id
        ));
    }
    s.push_str(&format!(
        " To push with these removals: {}",
        finish_with(g, verb, &m.id, stop.removals)
    ));
    Failure(NOT_CONFIRMED, s)
}

fn print_push(out: Output, ws: &Workspace, r: &PushReport) {
    let okta_group = ws
        .directory()
        .okta_group(&r.plan.okta_group_id)
        .map_or("?".to_string(), |g| g.name.clone());
    out.one(&PlanOut {
        plan: &r.plan,
        okta_group,
        done: true,
    });
}

/// Runs a mapping command.
pub async fn run(
    g: &Global,
    out: Output,
    ws: &mut Workspace,
    command: Command,
) -> Result<(), Failure> {
    match command {
        c @ (Command::Plan { .. } | Command::Link { .. } | Command::Create { .. }) => {
            make(g, out, ws, c).await
        }
        Command::LinkMany { file, no_push } => {
            link_many(out, ws, &file, !no_push, g.allowed_removals()).await
        }
        c @ (Command::Mappings | Command::Verify { .. }) => show(out, ws, c),
        Command::Unlink {
            mapping, delete, ..
        } => unlink(g, out, ws, &mapping, delete).await,
        Command::Watch { once, interval } => watch(out, ws, once, interval).await,
        c => push(g, out, ws, c).await,
    }
}

/// `plan`, `link`, `create`.
async fn make(
    g: &Global,
    out: Output,
    ws: &mut Workspace,
    command: Command,
) -> Result<(), Failure> {
    match command {
        Command::Plan {
            okta_group,
            statsig_group,
        } => {
            let okta = okta_group_id(ws, &okta_group)?;
            let plan = ws.plan(&okta, &statsig_group_id(ws, &statsig_group)?)?;
            let okta_group = ws
                .directory()
                .okta_group(&okta)
                .map_or(okta, |g| g.name.clone());
            out.one(&PlanOut {
                plan: &plan,
                okta_group,
                done: false,
            });
        }
        Command::Link {
            okta_group,
            statsig_group,
            no_push,
        } => {
            let okta = okta_group_id(ws, &okta_group)?;
            let statsig = statsig_group_id(ws, &statsig_group)?;
            match ws
                .link_confirmed(&okta, &statsig, !no_push, g.allowed_removals())
                .await
            {
                Ok(m) => out.one(&m),
                Err(EngineError::NeedsConfirmation(stop))
                    if rules::pushed_from(ws.mappings(), &okta).is_none() =>
                {
                    // Okta push: nothing was made in Okta; the same link goes ahead.
                    return Err(Failure(
                        NOT_CONFIRMED,
                        format!(
                            "{stop} No mapping was made in Okta. To link with these removals: {}link --okta-group \"{okta_group}\" --statsig-group \"{statsig_group}\" --allow-removals {}",
                            command_prefix(g),
                            stop.removals
                        ),
                    ));
                }
                Err(e) => {
                    let saved = rules::pushed_from(ws.mappings(), &okta).cloned();
                    return Err(guard_stop(g, e, "push", saved.as_ref(), true));
                }
            }
        }
        Command::Create {
            okta_group,
            project,
            team,
            no_push,
        } => {
            let okta = okta_group_id(ws, &okta_group)?;
            let m = ws.create(&okta, &project, &team, !no_push).await?;
            out.one(&m);
        }
        _ => {}
    }
    Ok(())
}

/// `mappings`, `verify`.
fn show(out: Output, ws: &mut Workspace, command: Command) -> Result<(), Failure> {
    match command {
        Command::Mappings => {
            if ws.mappings().is_empty() && !out.json {
                out.note("No mappings yet; create one with `link` or `create`.");
            } else {
                out.rows(ws.mappings());
            }
        }
        Command::Verify { mapping } => {
            let m = find_mapping(ws, &mapping)?;
            let plan = ws.plan(&m.okta_group_id, &m.statsig_group_id)?;
            out.one(&VerifyOut {
                in_sync: &plan.unchanged,
                missing_in_statsig: &plan.adds,
                extra_in_statsig: &plan.removes,
                cannot_be_pushed: &plan.skipped,
            });
            if !plan.is_noop() {
                return Err(Failure(
                    FAILED,
                    format!(
                        "{} is out of sync: {}",
                        m.statsig_group_name,
                        plan.summary()
                    ),
                ));
            }
        }
        _ => {}
    }
    Ok(())
}

/// `push`, `retry`, `deactivate`, `activate`, `resolve-drift`.
async fn push(
    g: &Global,
    out: Output,
    ws: &mut Workspace,
    command: Command,
) -> Result<(), Failure> {
    match command {
        Command::Push { mapping } => {
            let m = find_mapping(ws, &mapping)?;
            match ws.confirm_removals(&m.id, g.allowed_removals()).await {
                Ok(r) => print_push(out, ws, &r),
                Err(e) => return Err(guard_stop(g, e, "push", Some(&m), false)),
            }
        }
        Command::Retry => {
            let failed = ws.retry_errors().await;
            for (id, e) in &failed {
                err!("{id}: {e}");
            }
            if !failed.is_empty() {
                return Err(Failure(
                    FAILED,
                    format!(
                        "{} still {}",
                        plural(failed.len(), "mapping"),
                        if failed.len() == 1 { "fails" } else { "fail" }
                    ),
                ));
            }
            out.note(if ws.mappings().iter().any(|m| m.okta.is_some()) {
                "Every mapping in error was re-activated: Okta pushes them again."
            } else {
                "Every mapping in error was pushed again."
            });
        }
        Command::Deactivate { mapping } => {
            let m = find_mapping(ws, &mapping)?;
            ws.set_active(&m.id, false).await?;
            out.note(&if m.okta.is_some() {
                format!(
                    "Deactivated {} in Okta: memberships stay, Okta pushes nothing.",
                    m.okta_group_name
                )
            } else {
                format!(
                    "Deactivated {}: memberships stay, nothing is pushed.",
                    m.okta_group_name
                )
            });
        }
        Command::Activate { mapping } => {
            let m = find_mapping(ws, &mapping)?;
            if let Err(e) = ws
                .set_active_confirmed(&m.id, true, g.allowed_removals())
                .await
            {
                return Err(guard_stop(g, e, "activate", Some(&m), false));
            }
            out.note(&if m.okta.is_some() {
                format!(
                    "Activated {} in Okta: Okta runs a full push.",
                    m.okta_group_name
                )
            } else {
                format!("Activated and pushed {}.", m.okta_group_name)
            });
        }
        Command::ResolveDrift {
            mapping,
            overwrite,
            adopt,
            pause,
        } => {
            let m = find_mapping(ws, &mapping)?;
            let choice = match (overwrite, adopt, pause) {
                (true, _, _) => DriftChoice::Overwrite,
                (_, true, _) => DriftChoice::Adopt,
                (_, _, true) => DriftChoice::Pause,
                _ => return Err(refuse("Choose --overwrite, --adopt or --pause.")),
            };
            ws.resolve_drift(&m.id, choice).await?;
            out.note(&format!("Settled the drift of {}.", m.okta_group_name));
        }
        _ => {}
    }
    Ok(())
}

async fn unlink(
    g: &Global,
    out: Output,
    ws: &mut Workspace,
    key: &str,
    delete: bool,
) -> Result<(), Failure> {
    let m = find_mapping(ws, key)?;
    let how = if delete {
        Unlink::Delete
    } else {
        Unlink::Leave
    };
    let word = ws.confirmation_word(&m.id).unwrap_or_default();
    let confirmation = if how == Unlink::Delete && !g.yes {
        let what = ws.describe_target(&m.statsig_group_id);
        let answer = super::auth::read_line(&format!(
            "This deletes the Statsig {what}. Type the team name to confirm: "
        ))?;
        if let Some(why) = rules::confirmation_mismatch(&word, &answer) {
            return Err(Failure(
                NOT_CONFIRMED,
                format!("{why} Nothing was deleted. Pass --yes to confirm without asking."),
            ));
        }
        answer
    } else {
        // --yes confirms; the engine checks the team's name again.
        word
    };
    ws.unlink(&m.id, how, &confirmation).await?;
    out.note(&match how {
        Unlink::Delete if m.okta.is_some() => format!(
            "Unlinked {} in Okta; Okta deletes {} in Statsig.",
            m.okta_group_name, m.statsig_group_name
        ),
        Unlink::Delete => format!(
            "Unlinked {} and deleted {} in Statsig.",
            m.okta_group_name, m.statsig_group_name
        ),
        Unlink::Leave => format!(
            "Unlinked {}; {} was left in Statsig as it is.",
            m.okta_group_name, m.statsig_group_name
        ),
    });
    Ok(())
}

async fn watch(out: Output, ws: &mut Workspace, once: bool, interval: u64) -> Result<(), Failure> {
    loop {
        let r = ws.watch_once().await?;
        for e in &r.errors {
            err!("  {e}");
        }
        for line in ws.rules_after_a_look(true).await? {
            err!("{line}");
        }
        out.one(&WatchOut {
            okta_groups_changed: r.okta_groups_changed,
            pushed: r.pushed,
            drifted: r.drifted,
            needs_confirmation: r.needs_confirmation,
            errors: r.errors,
        });
        let cancel = ws.cancel_token().clone();
        if once || cancel.is_cancelled() {
            return Ok(());
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(interval.max(5))) => {}
            _ = cancel.cancelled() => return Ok(()),
        }
    }
}

/// One line of a `link-many` file: two fields, either may be quoted.
fn csv_pair(line: &str) -> Option<(String, String)> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    fields.push(cur);
    match fields.as_slice() {
        [a, b] if !a.trim().is_empty() && !b.trim().is_empty() => {
            Some((a.trim().to_string(), b.trim().to_string()))
        }
        _ => None,
    }
}

/// `link-many`: every line read and resolved first (nothing is made when a line is bad),
/// then the links, with progress on stderr.
async fn link_many(
    out: Output,
    ws: &mut Workspace,
    file: &std::path::Path,
    push_now: bool,
    allowed_removals: usize,
) -> Result<(), Failure> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| refuse(format!("Cannot read {}: {e}", file.display())))?;
    let mut pairs = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (okta, statsig) = csv_pair(line).ok_or_else(|| {
            refuse(format!(
                "{} line {}: expected \"okta group,statsig team group\", got \"{line}\"; nothing was linked.",
                file.display(),
                n + 1
            ))
        })?;
        pairs.push((okta_group_id(ws, &okta)?, statsig_group_id(ws, &statsig)?));
    }
    let report = |done: usize, total: usize, left: Option<std::time::Duration>| {
        let left = left
            .filter(|l| !l.is_zero())
            .map(|l| format!(", about {} left", crate::model::text::duration(l)))
            .unwrap_or_default();
        err!("linked {done} of {total}{left}");
    };
    let results = ws
        .link_many(&pairs, push_now, allowed_removals, &report)
        .await;
    let mut failed = 0;
    for r in &results {
        match r {
            Ok(m) => out.one(m),
            Err(e) => {
                failed += 1;
                err!("error: {e}");
            }
        }
    }
    if failed > 0 {
        return Err(Failure(
            crate::cli::outcome::FAILED,
            format!("{failed} of {} links failed.", results.len()),
        ));
    }
    Ok(())
}
