//! Snapshots and Compare: a snapshot compared at once with what it was taken from shows
//! no differences; compared later, no item is listed in two opposite sections.

use crate::run::Walk;
use crate::run::close_dialog;
use crate::support::settle;
use okta_statsig_teams::engine::runner::Command;
use okta_statsig_teams::model::compare::Comparison;
use okta_statsig_teams::ui::Action;
use std::path::PathBuf;

fn compare(w: &mut Walk, path: PathBuf) -> Option<Comparison> {
    w.h.state_mut()
        .perform(Action::Send(Command::Compare { path }));
    settle(&mut w.h);
    w.idle("Compare");
    settle(&mut w.h);
    let c = w.h.state().comparison().cloned();
    if w.h.state().has_dialog() {
        close_dialog(&mut w.h);
    }
    c
}

/// Items listed in two opposite sections.
fn both_ways(c: &Comparison) -> Vec<String> {
    let mut out = Vec::new();
    for (a, b, what) in [
        (
            &c.teams_created,
            &c.teams_deleted,
            "team created and deleted",
        ),
        (
            &c.okta_groups_created,
            &c.okta_groups_deleted,
            "Okta group created and deleted",
        ),
        (
            &c.mappings_created,
            &c.mappings_unlinked,
            "mapping created and unlinked",
        ),
    ] {
        out.extend(
            a.iter()
                .filter(|x| b.contains(x))
                .map(|x| format!("{x}: {what}")),
        );
    }
    for r in &c.members_changed {
        out.extend(
            r.added
                .iter()
                .filter(|x| r.removed.contains(x))
                .map(|x| format!("{x}: added to and removed from {} {}", r.team, r.role)),
        );
    }
    out
}

/// Export a snapshot of what is shown, then compare what is shown with it at once.
pub fn export_and_compare(w: &mut Walk) -> Result<(), String> {
    w.idle("a quiet moment");
    w.ledger.exports += 1;
    let path = w
        .data
        .path()
        .join(format!("walk-{}.json", w.ledger.exports));
    w.h.state_mut()
        .perform(Action::Send(Command::ExportSnapshot {
            path: path.clone(),
            redact: false,
        }));
    settle(&mut w.h);
    w.idle("the export");
    if !path.exists() {
        return Err(format!(
            "the export wrote no file; last message: {:?}",
            w.h.state().messages().last()
        ));
    }
    w.ledger.snapshot = Some(path.clone());
    let Some(c) = compare(w, path) else {
        return Err(format!(
            "Compare showed nothing; last message: {:?}",
            w.h.state().messages().last()
        ));
    };
    // What is shown may have moved on between export and compare only if an event came.
    if !c.is_empty() {
        return Err(format!(
            "Compare of a snapshot with what it was taken from lists changes: {}",
            c.summary()
        ));
    }
    Ok(())
}

/// Compare what is shown with the last snapshot exported.
pub fn compare_later(w: &mut Walk) -> Result<(), String> {
    let Some(path) = w.ledger.snapshot.clone() else {
        return Ok(());
    };
    w.idle("a quiet moment");
    let Some(c) = compare(w, path) else {
        return Err(format!(
            "Compare showed nothing; last message: {:?}",
            w.h.state().messages().last()
        ));
    };
    let both = both_ways(&c);
    if both.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "Compare lists items in two opposite sections: {both:?}"
        ))
    }
}
