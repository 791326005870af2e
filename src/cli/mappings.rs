//! Push mappings: `plan`, `link`, `create`, `mappings`, `push`, `retry`, `activate`,
//! `deactivate`, `unlink`, `resolve-drift`, `verify`, `watch`.

use super::directory::okta_group_id;
use super::outcome::{DRIFT, FAILED, Failure, NOT_CONFIRMED, REFUSED, code_of, refuse};
use super::output::{Output, Row, err};
use super::suggest::{command_prefix, finish_with, settle_with};
use crate::cli::args::{Global, MappingCommand};
use crate::engine::backend::{PushReport, Unlink};
use crate::engine::error::EngineError;
use crate::engine::state::{DriftChoice, Mapping, MappingStatus};
use crate::engine::workspace::Workspace;
use crate::model::Plan;
use crate::model::text::plural;
use crate::model::{MemberList, SkippedList, rules};
use serde::Serialize;
use std::time::Duration;

/// A mapping as the command line prints it, with who pushes it when the backend steers
/// another service's pushes (`Shown::of`); in JSON, the mapping itself.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub(super) struct Shown<'a> {
    mapping: &'a Mapping,
    #[serde(skip)]
    who: Option<&'static str>,
}

impl<'a> Shown<'a> {
    /// `m` as `ws` speaks of it.
    pub(super) fn of(ws: &Workspace, m: &'a Mapping) -> Self {
        Shown {
            mapping: m,
            who: ws.steered().map(|s| s.who),
        }
    }
}

impl Row for Shown<'_> {
    fn text(&self) -> String {
        let who = self.who;
        let this = self.mapping;
        let mut s = format!(
            "{:<4} {:<18} {} -> {}",
            this.id,
            this.status.label(),
            this.okta_group_name,
            this.statsig_group_name
        );
        if let Some(t) = &this.last_push {
            s.push_str(&format!("  (last push {t})"));
        }
        if let Some(c) = &this.last_counts {
            s.push_str(&format!(
                "\n     last push: {} added, {} removed, {} could not be pushed, {}",
                c.added,
                c.removed,
                c.skipped,
                plural(c.requests, "request")
            ));
        }
        if let (Some(o), Some(who)) = (&this.remote, who) {
            s.push_str(&format!(
                "\n     in {who}: updated {}{}",
                o.last_updated,
                o.pending
                    .as_deref()
                    .map(|p| format!("; {p}"))
                    .unwrap_or_default()
            ));
        }
        match &this.status {
            MappingStatus::Error {
                at,
                cause,
                request,
                fix,
            } => {
                s.push_str(&format!("\n     error at {at}: {cause}"));
                if let Some(r) = request {
                    s.push_str(&format!(" [{r}]"));
                }
                s.push_str(&match fix {
                    Some(fix) => format!("\n     a retry cannot fix this: {fix}"),
                    None => "\n     a retry may fix this: push it again, or `retry`".into(),
                });
            }
            MappingStatus::NeedsConfirmation { names, .. } if !names.is_empty() => {
                s.push_str(&format!(
                    "\n     waits for confirmation to remove {}",
                    crate::model::text::names(names, 10)
                ));
            }
            _ => {}
        }
        s
    }
}

/// A mapping as `mappings` lists it: with the edits made in Statsig it keeps, by name.
#[derive(Debug, Serialize)]
struct Listed<'a> {
    #[serde(flatten)]
    mapping: Shown<'a>,
    /// Each person edited in Statsig, with what was done there.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    edited_in_statsig: Vec<String>,
    #[serde(skip)]
    settle: String,
}

impl Row for Listed<'_> {
    fn text(&self) -> String {
        let mut s = self.mapping.text();
        if !self.edited_in_statsig.is_empty() {
            s.push_str(&format!(
                "\n     edited in Statsig, kept until you choose: {}",
                self.settle
            ));
            for p in &self.edited_in_statsig {
                s.push_str(&format!("\n       {p}"));
            }
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
    /// "checked": the cycle's line among the events' lines.
    event: &'static str,
    okta_groups_changed: usize,
    pushed: Vec<String>,
    drifted: Vec<String>,
    needs_confirmation: Vec<String>,
    errors: Vec<String>,
    failed: Vec<String>,
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

pub(super) fn statsig_group_id(ws: &Workspace, key: &str) -> Result<String, Failure> {
    let d = ws.directory();
    d.statsig_group(key)
        .or_else(|| d.statsig_group_by_name(key))
        .map(|g| g.id.clone())
        .ok_or_else(|| refuse(format!("No Statsig group is called \"{key}\".")))
}

/// The failure of a push that kept edits made in Statsig (exit 4), when it did.
fn kept_drift(g: &Global, ws: &Workspace, id: &str) -> Result<(), Failure> {
    match ws.drift_note(id) {
        Some(note) => Err(Failure(
            DRIFT,
            format!("{note} To choose: {}", settle_with(g, id)),
        )),
        None => Ok(()),
    }
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
    command: MappingCommand,
) -> Result<(), Failure> {
    match command {
        MappingCommand::Plan {
            okta_group,
            statsig_group,
        } => plan(out, ws, &okta_group, &statsig_group),
        MappingCommand::Link {
            okta_group,
            statsig_group,
            no_push,
        } => link(g, out, ws, &okta_group, &statsig_group, !no_push).await,
        MappingCommand::Create {
            okta_group,
            project,
            team,
            no_push,
        } => {
            let okta = okta_group_id(ws, &okta_group)?;
            if let Some(w) = crate::model::names::unusual_character(&team) {
                err!("warning: {w}");
            }
            let m = ws.create(&okta, &project, &team, !no_push).await?;
            out.one(&Shown::of(ws, &m));
            Ok(())
        }
        MappingCommand::Mappings => {
            list(g, out, ws);
            Ok(())
        }
        MappingCommand::Verify { mapping } => verify(out, ws, &mapping),
        MappingCommand::Push { mapping } => push(g, out, ws, &mapping).await,
        MappingCommand::Retry => retry(g, out, ws).await,
        MappingCommand::Deactivate { mapping } => {
            let m = find_mapping(ws, &mapping)?;
            let done = ws.set_active(&m.id, false).await?;
            out.note(&done.to_string());
            Ok(())
        }
        MappingCommand::Activate { mapping } => activate(g, out, ws, &mapping).await,
        MappingCommand::Unlink {
            mapping, delete, ..
        } => unlink(g, out, ws, &mapping, delete).await,
        MappingCommand::ResolveDrift {
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
                (false, false, false) => {
                    return Err(refuse("Choose --overwrite, --adopt or --pause."));
                }
            };
            match ws.resolve_drift(&m.id, choice).await {
                Ok(said) => {
                    out.note(&said);
                    Ok(())
                }
                Err(e) => Err(guard_stop(g, e, "push", Some(&m), false)),
            }
        }
        MappingCommand::Watch {
            once,
            fail_on_drift,
            interval,
            notify,
        } => watch(out, ws, once, fail_on_drift, interval, notify).await,
    }
}

/// `plan`: what pushing an Okta group into a Statsig group would do.
fn plan(out: Output, ws: &Workspace, okta_group: &str, statsig_group: &str) -> Result<(), Failure> {
    let okta = okta_group_id(ws, okta_group)?;
    let plan = ws.plan(&okta, &statsig_group_id(ws, statsig_group)?)?;
    let okta_group = ws
        .directory()
        .okta_group(&okta)
        .map_or(okta, |g| g.name.clone());
    out.one(&PlanOut {
        plan: &plan,
        okta_group,
        done: false,
    });
    Ok(())
}

/// `link`.
async fn link(
    g: &Global,
    out: Output,
    ws: &mut Workspace,
    okta_group: &str,
    statsig_group: &str,
    push_now: bool,
) -> Result<(), Failure> {
    let okta = okta_group_id(ws, okta_group)?;
    let statsig = statsig_group_id(ws, statsig_group)?;
    match ws
        .link_confirmed(&okta, &statsig, push_now, g.allowed_removals())
        .await
    {
        Ok(m) => {
            out.one(&Shown::of(ws, &m));
            Ok(())
        }
        Err(EngineError::NeedsConfirmation(stop))
            if rules::pushed_from(ws.mappings(), &okta).is_none() =>
        {
            // A steered service: nothing was made there; the same link goes ahead.
            let there = ws
                .steered()
                .map_or(String::new(), |s| format!(" in {}", s.who));
            Err(Failure(
                NOT_CONFIRMED,
                format!(
                    "{stop} No mapping was made{there}. To link with these removals: {}link --okta-group \"{okta_group}\" --statsig-group \"{statsig_group}\" --allow-removals {}",
                    command_prefix(g),
                    stop.removals
                ),
            ))
        }
        Err(e) => {
            let saved = rules::pushed_from(ws.mappings(), &okta).cloned();
            Err(guard_stop(g, e, "push", saved.as_ref(), true))
        }
    }
}

/// `mappings`.
fn list(g: &Global, out: Output, ws: &Workspace) {
    if ws.mappings().is_empty() && !out.json {
        out.note("No mappings yet; create one with `link` or `create`.");
    } else {
        let rows: Vec<Listed> = ws
            .mappings()
            .iter()
            .map(|m| Listed {
                mapping: Shown::of(ws, m),
                edited_in_statsig: ws.drift_people(&m.id),
                settle: settle_with(g, &m.id),
            })
            .collect();
        out.rows(&rows);
    }
}

/// `verify`: exit 1 when the mapping is out of sync.
fn verify(out: Output, ws: &Workspace, mapping: &str) -> Result<(), Failure> {
    let m = find_mapping(ws, mapping)?;
    let plan = ws.plan(&m.okta_group_id, &m.statsig_group_id)?;
    out.one(&VerifyOut {
        in_sync: &plan.unchanged,
        missing_in_statsig: &plan.adds,
        extra_in_statsig: &plan.removes,
        cannot_be_pushed: &plan.skipped,
    });
    if plan.is_noop() {
        return Ok(());
    }
    Err(Failure(
        FAILED,
        format!(
            "{} is out of sync: {}",
            m.statsig_group_name,
            plan.summary()
        ),
    ))
}

/// `push`.
async fn push(g: &Global, out: Output, ws: &mut Workspace, mapping: &str) -> Result<(), Failure> {
    let m = find_mapping(ws, mapping)?;
    match ws.confirm_removals(&m.id, g.allowed_removals()).await {
        Ok(r) => print_push(out, ws, &r),
        Err(e) => return Err(guard_stop(g, e, "push", Some(&m), false)),
    }
    kept_drift(g, ws, &m.id)
}

/// `activate`.
async fn activate(
    g: &Global,
    out: Output,
    ws: &mut Workspace,
    mapping: &str,
) -> Result<(), Failure> {
    let m = find_mapping(ws, mapping)?;
    match ws
        .set_active_confirmed(&m.id, true, g.allowed_removals())
        .await
    {
        Ok(done) => out.note(&done.to_string()),
        Err(e) => return Err(guard_stop(g, e, "activate", Some(&m), false)),
    }
    kept_drift(g, ws, &m.id)
}

/// `retry`: pushes again what a retry may fix; names what it skipped and why. Exits with
/// the highest code of what failed or was skipped (a skip needs a change: 2).
async fn retry(g: &Global, out: Output, ws: &mut Workspace) -> Result<(), Failure> {
    let r = ws.retry_errors().await;
    let skipped = r.skipped.iter().map(|_| REFUSED);
    let failed = r.failed.iter().map(|(_, e)| code_of(e));
    let mut code = skipped.chain(failed).max().unwrap_or(0);
    let mut kept = 0;
    for m in &r.pushed {
        if let Some(note) = ws.drift_note(&m.id) {
            err!("{note} To choose: {}", settle_with(g, &m.id));
            kept += 1;
            code = code.max(DRIFT);
        }
    }
    if code == 0 {
        out.note(&r.to_string());
        return Ok(());
    }
    let mut said = r.to_string();
    if kept > 0 {
        said.push_str(&format!(
            " {} kept edits made in Statsig.",
            plural(kept, "mapping")
        ));
    }
    Err(Failure(code, said))
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
    let m = ws.unlink(&m.id, how, &confirmation).await?;
    out.note(&ws.unlinked(&m, how).to_string());
    Ok(())
}

async fn watch(
    out: Output,
    ws: &mut Workspace,
    once: bool,
    fail_on_drift: bool,
    interval: u64,
    notify: bool,
) -> Result<(), Failure> {
    loop {
        let r = ws.watch_cycle().await?;
        for e in &r.errors {
            err!("  {e}");
        }
        if out.json {
            for e in &r.events {
                out.json_line(e);
            }
        } else {
            for line in &r.proposals {
                err!("{line}");
            }
            for a in crate::engine::alerts::alerts_of(&r.events) {
                err!("{}: {}", a.summary, a.body);
            }
        }
        if notify {
            // Shown before the next cycle (or the exit), each in its turn.
            let alerts = crate::engine::alerts::alerts_of(&r.events);
            let shown = tokio::task::spawn_blocking(move || {
                alerts.iter().for_each(crate::engine::alerts::show)
            });
            let _ = shown.await;
        }
        let code = watch_code(ws, &r, fail_on_drift);
        let checked = WatchOut {
            event: "checked",
            okta_groups_changed: r.okta_groups_changed,
            pushed: r.pushed,
            drifted: r.drifted,
            needs_confirmation: r.needs_confirmation,
            errors: r.errors.iter().map(ToString::to_string).collect(),
            failed: r.failed,
        };
        if out.json {
            out.json_line(&checked);
        } else {
            out.one(&checked);
        }
        let cancel = ws.cancel_token().clone();
        if once {
            return code;
        }
        if cancel.is_cancelled() {
            return Ok(());
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(interval.max(5))) => {}
            _ = cancel.cancelled() => return Ok(()),
        }
    }
}

/// How `watch --once` ends: the highest code of the cycle's failed pushes (by each
/// mapping's error), 3 for removals the guard holds, and with `fail_on_drift` 4 for
/// edits made in Statsig waiting for a choice.
fn watch_code(
    ws: &Workspace,
    r: &crate::engine::backend::WatchReport,
    fail_on_drift: bool,
) -> Result<(), Failure> {
    let mut code = 0;
    let mut said = Vec::new();
    for id in &r.failed {
        code = code.max(match ws.state().mapping(id).map(|m| &m.status) {
            Some(MappingStatus::Error { fix: Some(_), .. }) => REFUSED,
            _ => FAILED,
        });
    }
    if !r.failed.is_empty() {
        said.push(format!("{} failed", plural(r.failed.len(), "push")));
    }
    if !r.needs_confirmation.is_empty() {
        code = code.max(NOT_CONFIRMED);
        said.push(format!(
            "{} waiting for confirmation",
            plural(r.needs_confirmation.len(), "mapping")
        ));
    }
    if fail_on_drift && !r.drifted.is_empty() {
        code = code.max(DRIFT);
        said.push(format!(
            "{} with edits made in Statsig kept ({})",
            plural(r.drifted.len(), "mapping"),
            r.drifted.join(", ")
        ));
    }
    match code {
        0 => Ok(()),
        code => Err(Failure(code, format!("{}.", said.join("; ")))),
    }
}
