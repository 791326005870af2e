//! The dialogs, one file each. Every dialog is modal (focus stays inside it, Escape closes
//! it), reads a narrow [`View`], and returns at most one [`Action`](crate::ui::action::Action).

pub mod app_picker;
pub mod builder;
pub mod compare;
pub mod confirm;
pub mod explain;
mod frame;
pub mod help;
pub mod members;
pub mod path;
pub mod profile;
pub mod push;
pub mod restore;
pub mod rules;
pub mod settings;
pub mod unlink;
mod user_picker;
pub mod wizard;

use crate::engine::runner::Ticket;
use crate::ui::view::View;
pub use frame::{Shown, full_width_rows, modal, two_columns};

/// The open dialog.
pub enum Dialog {
    /// Push Groups.
    Push(Box<push::PushDialog>),
    /// New mapping group.
    Builder(Box<builder::GroupBuilder>),
    /// A mapping group's members.
    Members(Box<members::MembersDialog>),
    /// Unlink.
    Unlink(unlink::UnlinkDialog),
    /// Confirm removals the guard stopped.
    ConfirmRemovals(confirm::ConfirmRemovals),
    /// Ask before starting the demo over.
    ConfirmResetDemo(confirm::ConfirmResetDemo),
    /// Settings.
    Settings(Box<settings::SettingsDialog>),
    /// Type a file path (no native file dialog here).
    Path(path::PathDialog),
    /// What changed since a snapshot.
    Compare(Box<compare::CompareDialog>),
    /// Choose the Statsig app among several.
    AppPicker(app_picker::AppPicker),
    /// Push by rule.
    Rules(Box<rules::RulesDialog>),
    /// Help: shortcuts, walkthrough, about.
    Help(help::HelpDialog),
    /// Connect to a real org, step by step.
    Connect(Box<wizard::ConnectWizard>),
    /// Name a new profile.
    NewProfile(profile::NewProfile),
    /// Another window has the profile open.
    ProfileInUse(profile::ProfileInUse),
    /// A person's trace.
    Explain(Box<explain::ExplainDialog>),
    /// A restore's or an undo's plan.
    Restore(Box<restore::RestoreDialog>),
}

impl Dialog {
    /// Draws the dialog.
    pub fn show(&mut self, ctx: &egui::Context, view: &View) -> Shown {
        match self {
            Dialog::Push(d) => d.show(ctx, view),
            Dialog::Builder(d) => d.show(ctx, view),
            Dialog::Members(d) => d.show(ctx, view),
            Dialog::Unlink(d) => d.show(ctx, view),
            Dialog::ConfirmRemovals(d) => d.show(ctx, view),
            Dialog::ConfirmResetDemo(d) => d.show(ctx),
            Dialog::Settings(d) => d.show(ctx, view),
            Dialog::Path(d) => d.show(ctx),
            Dialog::Compare(d) => d.show(ctx),
            Dialog::AppPicker(d) => d.show(ctx, view),
            Dialog::Rules(d) => d.show(ctx, view),
            Dialog::Help(d) => d.show(ctx),
            Dialog::Connect(d) => d.show(ctx, view),
            Dialog::NewProfile(d) => d.show(ctx, view),
            Dialog::ProfileInUse(d) => d.show(ctx, view),
            Dialog::Explain(d) => d.show(ctx, view),
            Dialog::Restore(d) => d.show(ctx, view),
        }
    }

    /// The request this dialog just asked for was sent with `ticket`; its answer comes back
    /// with it.
    pub fn asked(&mut self, ticket: Ticket) {
        match self {
            Dialog::Settings(d) => d.asked(ticket),
            Dialog::Connect(d) => d.asked(ticket),
            _ => {}
        }
    }

    /// Settings and the connect wizard: they stay open while a connection changes (they
    /// are what changes it).
    pub fn is_about_connecting(&self) -> bool {
        matches!(self, Dialog::Settings(_) | Dialog::Connect(_))
    }
}
