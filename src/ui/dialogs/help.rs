//! Help: keyboard shortcuts, the README's walkthrough (the same words, compiled in), and
//! About (version, licence, where the log file is).

use super::frame::{Shown, modal};
use crate::ui::action::Action;
pub use crate::ui::action::HelpPage;
use crate::ui::markdown::{self, Block};
use egui::{RichText, Ui};
use std::path::PathBuf;

/// The dialog's state.
pub struct HelpDialog {
    page: HelpPage,
    log_file: PathBuf,
    /// The walkthrough, read once.
    walkthrough: Vec<Block>,
}

/// The README's "Using the app" section, read into blocks.
fn walkthrough() -> Vec<Block> {
    let readme = include_str!("../../../README.md");
    let start = readme.find("## Using the app").unwrap_or(0);
    let rest = &readme[start..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    let body = rest[..end].split_once('\n').map_or("", |(_, b)| b);
    // The bundled font has no arrows.
    markdown::parse(body, |t| t.replace('→', "->"))
}

const SHORTCUTS: [(&str, &str); 8] = [
    ("Ctrl+F", "Search the current list"),
    (
        "Up / Down",
        "On a table's row or with nothing focused: move through the current list",
    ),
    ("Enter", "On an Okta group: open Push Groups with it"),
    (
        "Tab / Shift+Tab",
        "Move between controls in the order of the screen (inside a dialog, only its own)",
    ),
    (
        "Space / Enter",
        "Press the focused button, tick the focused box",
    ),
    (
        "Escape",
        "Close the dialog on top (focus goes back to what opened it); else leave the focused control",
    ),
    ("F1", "This help"),
    ("Ctrl+Q", "Quit (File > Quit)"),
];

impl HelpDialog {
    /// Help on `page`; `log_file` is shown in About.
    pub fn new(page: HelpPage, log_file: PathBuf) -> Self {
        HelpDialog {
            page,
            log_file,
            walkthrough: walkthrough(),
        }
    }

    /// Draws the dialog.
    pub fn show(&mut self, ctx: &egui::Context) -> Shown {
        let (shown, escape) = modal(ctx, "help", "Help", 720.0, |ui| {
            ui.horizontal(|ui| {
                for (page, label) in [
                    (HelpPage::Shortcuts, "Keyboard shortcuts"),
                    (HelpPage::Walkthrough, "Walkthrough"),
                    (HelpPage::About, "About"),
                ] {
                    ui.selectable_value(&mut self.page, page, label);
                }
            });
            ui.separator();
            let mut out = Shown::stay();
            egui::ScrollArea::vertical()
                .max_height((ctx.content_rect().height() - 220.0).max(160.0))
                .show(ui, |ui| match self.page {
                    HelpPage::Shortcuts => shortcuts(ui),
                    HelpPage::Walkthrough => markdown::show(ui, &self.walkthrough),
                    HelpPage::About => {
                        if let Some(a) = about(ui, &self.log_file) {
                            out.action = Some(a);
                        }
                    }
                });
            ui.separator();
            if ui.button("Close").clicked() {
                out = Shown::close();
            }
            out
        });
        if escape { Shown::close() } else { shown }
    }
}

fn shortcuts(ui: &mut Ui) {
    egui::Grid::new("shortcuts")
        .num_columns(2)
        .spacing([24.0, 6.0])
        .show(ui, |ui| {
            for (keys, what) in SHORTCUTS {
                ui.label(RichText::new(keys).monospace().strong());
                ui.label(what);
                ui.end_row();
            }
        });
}

fn about(ui: &mut Ui, log_file: &std::path::Path) -> Option<Action> {
    ui.label(RichText::new(format!("okta-statsig-teams {}", env!("CARGO_PKG_VERSION"))).strong());
    ui.label(env!("CARGO_PKG_DESCRIPTION"));
    ui.label(format!(
        "Licence: {}. Built with egui and eframe, reqwest, tokio, serde, axum, clap, rfd and keyring, each under MIT or Apache-2.0 (their licences ship with the package).",
        env!("CARGO_PKG_LICENSE")
    ));
    ui.add_space(6.0);
    ui.label(RichText::new("Log file (send it to support; it never holds a token)").strong());
    ui.label(RichText::new(log_file.display().to_string()).monospace());
    let mut out = None;
    ui.horizontal(|ui| {
        if ui.button("Open log folder").clicked() {
            out = Some(Action::OpenLogFolder);
        }
        if ui.button("Copy path").clicked() {
            ui.ctx().copy_text(log_file.display().to_string());
        }
    });
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_walkthrough_is_the_readmes() {
        let w: Vec<String> = super::walkthrough().iter().map(|b| b.plain()).collect();
        assert!(w[0].starts_with("With nothing configured"), "{}", w[0]);
        assert!(w.iter().any(|b| b.contains("Push by rule")));
        assert!(w.iter().any(|b| b == "Connecting a real org"));
        assert!(w[0].contains("(a yellow Demo sandbox badge), in Okta push"));
        for b in &w {
            assert!(
                !b.contains("**") && !b.contains(['`', '\n', '#']),
                "no markup and no line breaks inside a block: {b}"
            );
        }
    }
}
