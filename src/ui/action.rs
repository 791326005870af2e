//! Everything a click can ask for. Panels and dialogs return [`Action`]s; the app applies
//! them after drawing. Engine work is [`Action::Send`] with the engine's own command.

use crate::engine::runner::Command;
use serde::{Deserialize, Serialize};

/// The main views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, Hash)]
pub enum Tab {
    /// Projects, teams and their members.
    #[default]
    Teams,
    /// Okta groups and their members.
    OktaGroups,
    /// Every mapping with its status.
    Pushed,
    /// One mapping, Okta and Statsig side by side.
    Verify,
    /// Every request sent.
    Activity,
    /// What is wrong across the mappings, with the fixes.
    Health,
}

impl Tab {
    /// In the order the tab strip shows them.
    pub const ALL: [Tab; 6] = [
        Tab::Teams,
        Tab::OktaGroups,
        Tab::Pushed,
        Tab::Verify,
        Tab::Health,
        Tab::Activity,
    ];

    /// The tab's name.
    pub fn label(self) -> &'static str {
        match self {
            Tab::Teams => "Teams",
            Tab::OktaGroups => "Okta groups",
            Tab::Pushed => "Pushed groups",
            Tab::Verify => "Verify",
            Tab::Activity => "Activity",
            Tab::Health => "Health",
        }
    }

    /// The id of the tab's search field (Ctrl+F focuses it).
    pub fn search_id(self) -> String {
        format!("search-{self:?}")
    }
}

/// A page of Help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpPage {
    /// Keyboard shortcuts.
    Shortcuts,
    /// The README's walkthrough.
    Walkthrough,
    /// Version, licence, log.
    About,
}

/// A dialog to open.
#[derive(Debug, Clone, PartialEq)]
pub enum Open {
    /// Push Groups, with an Okta group picked or not.
    Push {
        /// The Okta group picked.
        okta_group: Option<String>,
    },
    /// A new mapping group, copied from a group or not.
    Builder {
        /// The group whose members start the selection.
        from_group: Option<String>,
    },
    /// Add and remove members of a mapping group.
    Members {
        /// The Okta group.
        group: String,
    },
    /// Unlink a mapping.
    Unlink(String),
    /// Confirm removals the deletion guard stopped.
    ConfirmRemovals(String),
    /// Settings.
    Settings,
    /// Ask before starting the demo over.
    ConfirmResetDemo,
    /// Push by rule.
    Rules,
    /// Help on a page.
    Help(HelpPage),
    /// The connect wizard.
    Connect,
    /// Name a new connection profile.
    NewProfile,
    /// A person's trace, for this email or name (or a search to type one).
    Explain(Option<String>),
}

/// Work on a file the admin picks.
#[derive(Debug, Clone, PartialEq)]
pub enum FileJob {
    /// Open a snapshot.
    OpenSnapshot,
    /// Export what is shown.
    ExportSnapshot {
        /// Pseudonymize emails and names.
        redact: bool,
    },
    /// Compare what is shown with a file.
    Compare,
    /// Copy a snapshot's mappings into the live org, matched by names.
    CopyFrom,
    /// Write member rows.
    ExportCsv {
        /// Column names.
        header: Vec<String>,
        /// Rows.
        rows: Vec<Vec<String>>,
    },
}

impl FileJob {
    /// Whether the file is written (a save dialog) or read.
    pub fn saves(&self) -> bool {
        matches!(
            self,
            FileJob::ExportSnapshot { .. } | FileJob::ExportCsv { .. }
        )
    }

    /// The file type: (name, extension).
    pub fn kind(&self) -> (&'static str, &'static str) {
        match self {
            FileJob::ExportCsv { .. } => ("CSV", "csv"),
            _ => ("Snapshot", "json"),
        }
    }

    /// What the job is, for sentences ("export the snapshot").
    pub fn verb(&self) -> &'static str {
        match self {
            FileJob::OpenSnapshot => "open a snapshot",
            FileJob::ExportSnapshot { .. } => "export the snapshot",
            FileJob::Compare => "compare with a snapshot",
            FileJob::CopyFrom => "copy mappings from a snapshot",
            FileJob::ExportCsv { .. } => "export the CSV file",
        }
    }

    /// The engine command for `path`.
    pub fn command(self, path: std::path::PathBuf) -> Command {
        match self {
            FileJob::OpenSnapshot => Command::OpenSnapshot(path),
            FileJob::ExportSnapshot { redact } => Command::ExportSnapshot { path, redact },
            FileJob::Compare => Command::Compare { path },
            FileJob::CopyFrom => Command::PlanRestore(crate::engine::runner::RestoreRequest {
                path: Some(path),
                unlink_new: false,
                members: false,
                copy: true,
            }),
            FileJob::ExportCsv { header, rows } => Command::ExportCsv { path, header, rows },
        }
    }
}

/// Quits the app (File > Quit).
pub const QUIT: egui::KeyboardShortcut =
    egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::Q);

/// Everything a click can ask for.
pub enum Action {
    /// Engine work.
    Send(Command),
    /// Engine work whose answer goes back to the dialog that asked (and to no other: one
    /// closed meanwhile gets nothing).
    Ask(Command),
    /// Pick a project (and show Teams).
    SelectProject(String),
    /// Pick a team.
    SelectTeam(String),
    /// Pick an Okta group.
    SelectOktaGroup(String),
    /// Pick a mapping.
    SelectMapping(String),
    /// Show a tab.
    SetTab(Tab),
    /// Open a dialog.
    Open(Open),
    /// Ask for a file, then do `job` with it.
    PickFile {
        /// What to do with it.
        job: FileJob,
        /// The file name offered.
        suggested: String,
    },
    /// Cancel the running job.
    Cancel,
    /// Light or dark.
    ToggleTheme,
    /// Desktop alerts while watching on or off (kept across restarts).
    SetAlerts(bool),
    /// Hide the messages.
    DismissToasts,
    /// Show the log file's folder in the file manager.
    OpenLogFolder,
    /// Close the window (File > Quit, Ctrl+Q).
    Quit,
}
