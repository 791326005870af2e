//! Engine events, applied at the top of each frame: the state the app shows follows them.

use super::App;
use crate::engine::error::EngineError;
use crate::engine::runner::{Activity, Event, JobKind, Ticket};
use crate::model::Directory;
use crate::ui::dialogs::{Dialog, compare::CompareDialog};
use crate::ui::panels::Busy;
use crate::ui::panels::projects::UNREADABLE;
use crate::ui::view::HistoryState;
use std::sync::Arc;

/// Snapshots kept in Open recent.
const MAX_RECENT: usize = 8;

impl App {
    /// Applies everything the engine said since the last frame.
    pub(super) fn apply_events(&mut self, now: f64, ctx: &egui::Context) {
        for event in self.engine.drain() {
            self.apply_event(event, now, ctx);
        }
    }

    fn apply_event(&mut self, event: Event, now: f64, _ctx: &egui::Context) {
        match event {
            Event::Connecting => self.forget_connection(),
            Event::Connected(info) => self.connected(info, now),
            Event::JobStarted { id, kind } => self.job_started(id, kind),
            Event::JobFinished {
                id,
                kind,
                ticket,
                outcome,
            } => {
                if self.shown.job.is_none_or(|j| j == id) {
                    self.shown.job = None;
                    self.shown.busy = None;
                }
                self.shown.pending = false;
                self.finished(kind, ticket, outcome, now);
            }
            Event::Progress(p) => {
                if let Some(b) = &mut self.shown.busy {
                    b.progress = Some(p);
                }
            }
            Event::Directory {
                directory,
                generation,
                batch_size,
            } => {
                self.show_directory(directory);
                self.shown.generation = self.shown.generation.max(generation) + 1;
                self.shown.batch_size = batch_size;
            }
            Event::Cached(at) => self.shown.cached = at,
            Event::Mappings(m) => {
                self.shown.mappings = m;
                self.shown.mappings_version += 1;
            }
            Event::Activity(a) => {
                match &a {
                    Activity::Wait(w) => self.notice(
                        format!(
                            "{}: {}, retrying in {} s",
                            w.service,
                            w.reason,
                            w.wait.as_secs().max(1)
                        ),
                        w.service,
                        now,
                    ),
                    Activity::Request(r) => self.status_line.answered(r.service, r.status),
                }
                self.tabs.activity.push(&a);
            }
            Event::Warning(s) => self.toast(s, true, now),
            Event::Mode(report) => self.mode_settled(report, now),
            Event::AppsFound { ticket, apps } => match &mut self.dialog {
                Some(Dialog::Settings(s)) => s.apps_found(ticket, apps),
                Some(Dialog::Connect(w)) => w.apps_found(ticket, apps),
                _ => {}
            },
            Event::Watching(on) => self.watching = on,
            Event::OtherInstancePushing(on) => self.other_pushing = on,
            Event::Settings(s) => self.saved = *s,
            Event::Profiles { current, all } => {
                self.shown.profile = current;
                self.shown.profiles = all;
            }
            Event::NoConnection => self.open(crate::ui::action::Open::Connect),
            Event::ProfileInUse(profile) => {
                self.dialog = Some(Dialog::ProfileInUse(
                    crate::ui::dialogs::profile::ProfileInUse::new(profile),
                ));
            }
            Event::Rules(r) => {
                self.shown.rules = r;
                self.shown.rules_version += 1;
            }
            Event::SnapshotOpened {
                info,
                directory,
                mappings,
                rules,
            } => self.snapshot_opened(info, directory, mappings, rules),
            Event::SnapshotClosed => self.snapshot_closed(),
            Event::Compared {
                against,
                comparison,
                health,
            } => self.compared(against, comparison, health),
            e @ (Event::RestorePlanned { .. } | Event::RestoreRefused { .. }) => {
                self.restore_planned(e);
            }
            Event::History(history) => self.shown.history = HistoryState::read(history),
        }
    }

    /// Back to the live connection from a snapshot.
    fn snapshot_closed(&mut self) {
        self.shown.snapshot = None;
        self.tabs.forget_connection();
    }

    /// A job started: the status bar shows it.
    fn job_started(&mut self, id: crate::engine::runner::JobId, kind: JobKind) {
        self.shown.pending = false;
        self.shown.job = Some(id);
        self.shown.busy = Some(Busy {
            kind,
            progress: None,
        });
    }

    /// A restore's (copy's, undo's) plan, or a restore refused with the copy offered:
    /// shown in its dialog.
    fn restore_planned(&mut self, e: Event) {
        use crate::ui::dialogs::restore::RestoreDialog;
        let dialog = match e {
            Event::RestorePlanned {
                request,
                what,
                plan,
            } => RestoreDialog::new(request, what, plan),
            Event::RestoreRefused { request, okta } => RestoreDialog::refused(request, okta),
            _ => return,
        };
        self.dialog = Some(Dialog::Restore(Box::new(dialog)));
    }

    /// The comparison with a snapshot file, Health's findings with it.
    fn compared(
        &mut self,
        against: std::path::PathBuf,
        comparison: crate::model::compare::Comparison,
        health: crate::model::health::Change,
    ) {
        self.dialog = Some(Dialog::Compare(CompareDialog::new(
            against, comparison, health,
        )));
    }

    /// Connected. After the wizard's *Save and connect*, the connection is tested and
    /// saved: the wizard closes, and the import shows in the main window.
    fn connected(&mut self, info: crate::engine::runner::ConnectionInfo, now: f64) {
        if let Some(Dialog::Connect(w)) = &self.dialog
            && w.is_saving()
        {
            self.dialog = None;
            self.toast(
                format!("Connected to {}. Importing…", info.label),
                false,
                now,
            );
        }
        self.shown.connection = Some(info);
    }

    /// Who pushes was settled: say what needs saying, and ask for the app when the
    /// search found several.
    fn mode_settled(&mut self, report: crate::engine::workspace::ModeReport, now: f64) {
        if let Some(w) = &report.warning {
            self.toast(w.clone(), true, now);
        }
        if !report.candidates.is_empty() && self.dialog.is_none() {
            self.dialog = Some(Dialog::AppPicker(
                crate::ui::dialogs::app_picker::AppPicker::new(report.candidates.clone()),
            ));
        }
        self.shown.mode = Some(report);
    }

    /// A new connection: nothing of the old one stays on screen.
    /// A snapshot is shown in place of live data, read-only.
    fn snapshot_opened(
        &mut self,
        info: crate::engine::runner::SnapshotInfo,
        directory: Arc<Directory>,
        mappings: Vec<crate::model::mapping::Mapping>,
        rules: Vec<crate::model::push_rule::PushRule>,
    ) {
        let recent = self.persisted.recent_mut(&self.shown.profile);
        recent.retain(|p| p != &info.path);
        recent.insert(0, info.path.clone());
        recent.truncate(MAX_RECENT);
        self.show_directory(directory);
        self.shown.generation += 1;
        self.shown.mappings = mappings;
        self.shown.mappings_version += 1;
        self.shown.rules = rules;
        self.shown.rules_version += 1;
        self.watching = false;
        self.tabs.forget_connection();
        // The last message was about the connection being left (another profile's, say).
        self.status_line = Default::default();
        if !self
            .dialog
            .as_ref()
            .is_some_and(Dialog::is_about_connecting)
        {
            self.dialog = None;
        }
        self.shown.snapshot = Some(info);
    }

    fn forget_connection(&mut self) {
        self.shown.connection = None;
        self.shown.mode = None;
        self.shown.directory = Arc::new(Directory::default());
        self.shown.generation += 1;
        self.shown.mappings.clear();
        self.shown.mappings_version += 1;
        self.shown.imported = false;
        self.shown.cached = None;
        self.shown.snapshot = None;
        self.shown.history = HistoryState::Unread;
        self.watching = false;
        self.shown.sel.team = None;
        self.shown.sel.okta_group = None;
        self.shown.sel.mapping = None;
        self.tabs.forget_connection();
        // The last message was about the connection being left (another profile's, say).
        self.status_line = Default::default();
        if !self
            .dialog
            .as_ref()
            .is_some_and(Dialog::is_about_connecting)
        {
            self.dialog = None;
        }
    }

    fn show_directory(&mut self, directory: Arc<Directory>) {
        self.shown.directory = directory;
        self.shown.imported = true;
        let d = &self.shown.directory;
        let keep = self.shown.sel.project.as_ref().is_some_and(|p| {
            d.projects.contains(p) || (p == UNREADABLE && !d.unreadable().is_empty())
        });
        if !keep {
            self.shown.sel.project = d.projects.first().cloned();
            self.shown.sel.team = None;
        }
    }

    /// A job ended: its answer goes to the dialog that asked for it, when that dialog is
    /// still open; anything else is a message.
    fn finished(
        &mut self,
        kind: JobKind,
        ticket: Ticket,
        outcome: Result<String, EngineError>,
        now: f64,
    ) {
        let text = |o: &Result<String, EngineError>| match o {
            Ok(s) => s.clone(),
            Err(e) => e.to_string(),
        };
        if let Some(Dialog::Connect(w)) = &mut self.dialog {
            let asked = w.asked_for(ticket);
            if w.finished(kind, ticket, &outcome) {
                self.dialog = None;
            } else if asked && matches!(kind, JobKind::FindApps | JobKind::TestConnection) {
                // Said inside the wizard, under its step.
                return;
            }
        }
        if let Some(Dialog::Settings(s)) = &mut self.dialog {
            let asked = s.asked_for(ticket);
            match kind {
                JobKind::TestConnection if asked => {
                    s.tested(&outcome);
                    return;
                }
                JobKind::Connect if asked && s.is_saving() => {
                    s.saved(&outcome);
                    if outcome.is_ok() {
                        self.dialog = None;
                    }
                }
                JobKind::Connect if outcome.is_ok() => self.dialog = None,
                _ => {}
            }
        }
        match (&mut self.shown.history, kind, &outcome) {
            (h, JobKind::History, Err(EngineError::Cancelled)) => *h = HistoryState::Unread,
            (h, JobKind::History, Err(e)) => *h = HistoryState::Failed(e.to_string()),
            (HistoryState::Read { stale, .. }, k, _) if k != JobKind::History && k.spec().sends => {
                *stale = true
            }
            _ => {}
        }
        // A restore of another org's snapshot: its dialog says so, and offers the copy.
        if kind == JobKind::PlanRestore
            && outcome.is_err()
            && matches!(&self.dialog, Some(Dialog::Restore(d)) if d.offers_copy())
        {
            return;
        }
        let error = outcome.is_err() && !matches!(outcome, Err(EngineError::Cancelled));
        self.toast(text(&outcome), error, now);
        // An Activate the deletion guard held asks to confirm its removals, as a push does.
        if let Some((_, mapping_id)) = self.activating.take_if(|(t, _)| *t == ticket)
            && let Err(EngineError::NeedsConfirmation(stop)) = &outcome
            && self.dialog.is_none()
        {
            self.dialog = Some(Dialog::ConfirmRemovals(
                crate::ui::dialogs::confirm::ConfirmRemovals::activating(&mapping_id, stop),
            ));
        }
    }
}
