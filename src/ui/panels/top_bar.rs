//! The top bar: File and View menus, the connection (or snapshot) badge, Import/Refresh,
//! and the running job's progress with Cancel.

use super::Chrome;
use crate::engine::runner::{Command, RestoreRequest};
use crate::engine::workspace::PushMode;
use crate::ui::a11y;
use crate::ui::action::{Action, FileJob, Open};
use crate::ui::view::View;
use crate::ui::widgets::{self, Pill};
use egui::{Color32, RichText, Ui};

/// Draws the top bar.
pub fn show(ui: &mut Ui, view: &View, chrome: &Chrome, actions: &mut Vec<Action>) {
    egui::Panel::top("top").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            a11y::menu_bar(ui);
            let file = ui.menu_button("File", |ui| {
                a11y::menu_items(ui, |ui| {
                    file_menu(ui, view, chrome, actions);
                    quit_item(ui, actions);
                })
            });
            a11y::menu(&file.response);
            let view_menu = ui.menu_button("View", |ui| {
                a11y::menu_items(ui, |ui| {
                    let label = if chrome.dark {
                        "Light theme"
                    } else {
                        "Dark theme"
                    };
                    if ui.button(label).clicked() {
                        actions.push(Action::ToggleTheme);
                    }
                })
            });
            a11y::menu(&view_menu.response);
            let help = ui.menu_button("Help", |ui| {
                a11y::menu_items(ui, |ui| help_menu(ui, actions))
            });
            a11y::menu(&help.response);
            ui.separator();
            profiles(ui, view, actions);
            badge(ui, view, actions);
            ui.separator();
            let label = if view.imported { "Refresh" } else { "Import" };
            if widgets::send_button(ui, view.can_send, true, label)
                .on_hover_text("Read both directories again")
                .clicked()
            {
                actions.push(Action::Send(Command::Import));
            }
            if let Some(b) = chrome.busy {
                progress(ui, b, actions);
            }
        });
    });
}

/// The profile switcher: always shown, so the admin knows which org's data this is.
fn profiles(ui: &mut Ui, view: &View, actions: &mut Vec<Action>) {
    let l = ui.label("Profile");
    egui::ComboBox::from_id_salt("profile")
        .selected_text(RichText::new(view.profile).strong())
        .show_ui(ui, |ui| {
            for p in view.profiles {
                if ui.selectable_label(p == view.profile, p).clicked() && p != view.profile {
                    actions.push(Action::Send(Command::SwitchProfile {
                        name: p.clone(),
                        create: false,
                    }));
                }
            }
            ui.separator();
            if ui.button("New profile…").clicked() {
                actions.push(Action::Open(Open::NewProfile));
            }
        })
        .response
        .labelled_by(l.id)
        .on_hover_text(
            "Each profile is one org's connection: settings, tokens, mappings, recent snapshots",
        );
}

fn help_menu(ui: &mut Ui, actions: &mut Vec<Action>) {
    use crate::ui::dialogs::help::HelpPage;
    for (label, page) in [
        ("Keyboard shortcuts", HelpPage::Shortcuts),
        ("Walkthrough", HelpPage::Walkthrough),
        ("About", HelpPage::About),
    ] {
        if ui.button(label).clicked() {
            actions.push(Action::Open(Open::Help(page)));
        }
    }
    ui.separator();
    if ui.button("Open log folder").clicked() {
        actions.push(Action::OpenLogFolder);
    }
}

fn file_menu(ui: &mut Ui, view: &View, chrome: &Chrome, actions: &mut Vec<Action>) {
    if widgets::send_button(ui, view.can_send, true, "Import / Refresh").clicked() {
        actions.push(Action::Send(Command::Import));
    }
    if ui
        .button("Connect…")
        .on_hover_text("Set up a real org step by step: Okta, the Statsig app, Statsig")
        .clicked()
    {
        actions.push(Action::Open(Open::Connect));
    }
    if ui.button("Settings…").clicked() {
        actions.push(Action::Open(Open::Settings));
    }
    if ui.button("Use demo sandbox").clicked() {
        actions.push(Action::Send(Command::Connect(
            crate::engine::runner::Target::Demo { reset: false },
        )));
    }
    if view.connection.is_some_and(|c| c.demo)
        && ui
            .button("Reset demo data…")
            .on_hover_text("Start the demo over: fresh data, no mappings")
            .clicked()
    {
        actions.push(Action::Open(Open::ConfirmResetDemo));
    }
    ui.separator();
    if ui.button("Open snapshot…").clicked() {
        actions.push(Action::PickFile {
            job: FileJob::OpenSnapshot,
            suggested: String::new(),
        });
    }
    ui.add_enabled_ui(!chrome.recent.is_empty(), |ui| {
        let recent = ui.menu_button("Open recent", |ui| {
            a11y::menu_items(ui, |ui| recent_items(ui, chrome, actions))
        });
        a11y::menu(&recent.response);
    });
    let stamp = crate::clock::now();
    let day = stamp.get(..10).unwrap_or("snapshot");
    let has_data = view.imported;
    let nothing = "Import first, or open a snapshot";
    for (label, redact, hover) in [
        (
            "Export snapshot…",
            false,
            "Everything shown, as a JSON file",
        ),
        (
            "Export redacted snapshot…",
            true,
            "Emails, names and ids become pseudonyms under this profile's key (the same in each file it redacts, so they compare), for sharing",
        ),
    ] {
        let r = ui.add_enabled(has_data, egui::Button::new(label));
        if !has_data {
            r.clone().on_disabled_hover_text(nothing);
        }
        if r.on_hover_text(hover).clicked() {
            actions.push(Action::PickFile {
                job: FileJob::ExportSnapshot { redact },
                suggested: format!(
                    "statsig-teams-{day}{}.json",
                    if redact { "-redacted" } else { "" }
                ),
            });
        }
    }
    let r = ui.add_enabled(has_data, egui::Button::new("Compare with snapshot…"));
    if !has_data {
        r.clone().on_disabled_hover_text(nothing);
    }
    if r.on_hover_text("What changed between a snapshot file and what is shown now")
        .clicked()
    {
        actions.push(Action::PickFile {
            job: FileJob::Compare,
            suggested: String::new(),
        });
    }
    copy_item(ui, view, actions);
    undo_item(ui, view, actions);
    if view.snapshot.is_some() && ui.button("Close snapshot").clicked() {
        actions.push(Action::Send(Command::CloseSnapshot));
    }
}

/// File > Copy mappings from a snapshot…: picks a file, then plans the copy by names.
fn copy_item(ui: &mut Ui, view: &View, actions: &mut Vec<Action>) {
    let live = view.connection.is_some();
    let r = ui.add_enabled(live, egui::Button::new("Copy mappings from a snapshot…"));
    if !live {
        r.clone()
            .on_disabled_hover_text("Not connected: open Settings or use the demo sandbox");
    }
    if r.on_hover_text(
        "Make a snapshot's mappings (of another org or profile) here, its groups and teams matched by names, with the same preview",
    )
    .clicked()
    {
        actions.push(Action::PickFile {
            job: FileJob::CopyFrom,
            suggested: String::new(),
        });
    }
}

/// File > Undo last bulk apply…: plans the reverse of the last restore, copy or rule apply.
fn undo_item(ui: &mut Ui, view: &View, actions: &mut Vec<Action>) {
    let live = view.connection.is_some();
    let r = ui.add_enabled(live, egui::Button::new("Undo last bulk apply…"));
    if !live {
        r.clone()
            .on_disabled_hover_text("Not connected: open Settings or use the demo sandbox");
    }
    if r.on_hover_text(
        "Plan the reverse of the last restore, copy or rule apply, with the same preview",
    )
    .clicked()
    {
        actions.push(Action::Send(Command::PlanRestore(RestoreRequest {
            path: None,
            unlink_new: false,
            members: false,
            copy: false,
        })));
    }
}

/// File > Quit, with its shortcut.
fn quit_item(ui: &mut Ui, actions: &mut Vec<Action>) {
    ui.separator();
    let shortcut = ui.ctx().format_shortcut(&crate::ui::action::QUIT);
    if ui
        .add(egui::Button::new("Quit").shortcut_text(shortcut))
        .clicked()
    {
        actions.push(Action::Quit);
    }
}

/// The connection badge: the snapshot's, the demo's, or the org's.
fn badge(ui: &mut Ui, view: &View, actions: &mut Vec<Action>) {
    match (view.snapshot, view.connection) {
        (Some(s), _) => {
            let from = if s.source.demo {
                "the demo sandbox".to_string()
            } else {
                format!("{} and {}", s.source.okta_url, s.source.statsig_url)
            };
            ui.label(
                RichText::new(format!(
                    " Snapshot taken {}{} (read-only) ",
                    widgets::short_time(&s.taken_at),
                    if s.redacted { ", redacted" } else { "" }
                ))
                .strong()
                .color(Color32::BLACK)
                .background_color(Color32::from_rgb(147, 197, 253)),
            )
            .on_hover_text(format!("From {from}\n{}", s.path.display()));
            // Restore and copy work on the live org: offered when there is one.
            if view.connection.is_some() {
                for (label, copy, hover) in [
                    (
                        "Restore…",
                        false,
                        "Plan putting back what this snapshot shows, in the live org (the snapshot closes)",
                    ),
                    (
                        "Copy by names…",
                        true,
                        "Plan making this snapshot's mappings in the live org, its groups and teams matched by names (the snapshot closes)",
                    ),
                ] {
                    if ui.button(label).on_hover_text(hover).clicked() {
                        actions.push(Action::Send(Command::PlanRestore(RestoreRequest {
                            path: Some(s.path.clone()),
                            unlink_new: false,
                            members: false,
                            copy,
                        })));
                    }
                }
            }
            if ui.button("Close snapshot").clicked() {
                actions.push(Action::Send(Command::CloseSnapshot));
            }
        }
        (None, Some(c)) if c.demo => {
            ui.label(
                RichText::new(" Demo sandbox ")
                    .strong()
                    .color(Color32::BLACK)
                    .background_color(Color32::from_rgb(250, 204, 21)),
            )
            .on_hover_text(format!(
                "Local emulators with demo data.\nStatsig SCIM: {}\nOkta: {}",
                c.statsig_url, c.okta_url
            ));
            mode_label(ui, view);
        }
        (None, Some(c)) => {
            ui.label(RichText::new(&c.label).strong())
                .on_hover_text(format!(
                    "Statsig SCIM: {}\nOkta: {}",
                    c.statsig_url, c.okta_url
                ));
            mode_label(ui, view);
        }
        (None, None) => {
            ui.label(RichText::new("Not connected").italics());
        }
    }
}

/// Who pushes, always in sight: Okta push (Okta keeps teams in sync) or Direct push.
fn mode_label(ui: &mut Ui, view: &View) {
    let text = view.mode_label();
    let mode = view.mode.map(|r| &r.mode);
    let hover = mode.map_or_else(|| "Settled at the first import".into(), PushMode::hover);
    let pill = match mode.and_then(PushMode::ready) {
        Some(false) => Pill::Warn,
        Some(true) => Pill::Good,
        None => Pill::Neutral,
    };
    widgets::pill(ui, pill, &text).on_hover_text(hover);
}

fn progress(ui: &mut Ui, b: &super::Busy, actions: &mut Vec<Action>) {
    let (fraction, text) = match &b.progress {
        Some(p) if p.total > 0 => (
            p.done as f32 / p.total as f32,
            match p.left {
                Some(left) if !left.is_zero() => format!(
                    "{}: {} of {}, about {} left",
                    p.stage,
                    p.done,
                    p.total,
                    crate::model::text::duration(left)
                ),
                _ => format!("{}: {} of {}", p.stage, p.done, p.total),
            },
        ),
        _ => (0.0, b.kind.label().to_string()),
    };
    ui.add(
        egui::ProgressBar::new(fraction.clamp(0.0, 1.0))
            .desired_width(240.0)
            .text(text)
            .animate(true),
    );
    if ui
        .button("Cancel")
        .on_hover_text("Stop now: a wait ends at once, nothing more is sent")
        .clicked()
    {
        actions.push(Action::Cancel);
    }
}

/// The recent snapshots, each an item that opens it.
fn recent_items(ui: &mut Ui, chrome: &Chrome, actions: &mut Vec<Action>) {
    for p in chrome.recent {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if ui
            .button(name)
            .on_hover_text(p.display().to_string())
            .clicked()
        {
            actions.push(Action::Send(Command::OpenSnapshot(p.clone())));
        }
    }
}
