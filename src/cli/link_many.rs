//! `link-many`: many links from a CSV file of `okta group,statsig team group` lines. The
//! whole file is checked first and every bad line named by its number before anything is
//! sent; a line already linked the same way is done, so running the file again goes on
//! where the last run stopped (unless its last push failed: then it is named with what to
//! do, and counts as failed); exit codes as `link`.

use super::directory::okta_group_id;
use super::mappings::statsig_group_id;
use super::outcome::{FAILED, Failure, NOT_CONFIRMED, REFUSED, code_of};
use super::output::{Output, err};
use super::suggest::{command_prefix, finish_with, shell_word};
use crate::cli::args::Global;
use crate::engine::error::EngineError;
use crate::engine::state::{Mapping, MappingStatus};
use crate::engine::workspace::Workspace;
use crate::model::rules;
use crate::model::text::plural;
use std::collections::HashMap;
use std::path::Path;

/// One line of the file, checked.
enum Line {
    /// To link: (line number, Okta group id, Statsig group id).
    Todo(usize, String, String),
    /// Linked this way already.
    Done(usize, Box<Mapping>),
}

/// Runs `link-many`.
pub async fn run(
    g: &Global,
    out: Output,
    ws: &mut Workspace,
    file: &Path,
    push_now: bool,
) -> Result<(), Failure> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| super::outcome::refuse(format!("Cannot read {}: {e}", file.display())))?;
    let lines = check_all(ws, &text).map_err(|bad| {
        super::outcome::refuse(format!(
            "{}: {} cannot be linked; nothing was linked:\n  {}",
            file.display(),
            plural(bad.len(), "line"),
            bad.join("\n  ")
        ))
    })?;
    let mut code = 0;
    let mut tally = Tally::default();
    let mut todo = Vec::new();
    let mut numbers = Vec::new();
    for line in lines {
        match line {
            Line::Todo(n, okta, statsig) => {
                numbers.push(n);
                todo.push((okta, statsig));
            }
            Line::Done(n, m) => code = code.max(report_done(g, n, &m, &mut tally)),
        }
    }
    let report = super::output::progress("processed");
    let results = ws
        .link_many(&todo, push_now, g.allowed_removals(), &report)
        .await;
    let mut most_removals = 0;
    for ((n, (okta, _)), r) in numbers.iter().zip(&todo).zip(results) {
        match r {
            Ok(m) => {
                tally.linked += 1;
                out.one(&super::mappings::Shown::of(ws, &m));
            }
            Err(EngineError::NeedsConfirmation(stop)) => {
                code = code.max(NOT_CONFIRMED);
                match rules::pushed_from(ws.mappings(), okta) {
                    // Direct push: the mapping was saved; its push waits.
                    Some(m) => {
                        tally.saved_waiting += 1;
                        err!(
                            "line {n}: {stop} Mapping {} was saved and waits for confirmation. To push with these removals: {}",
                            m.id,
                            finish_with(g, "push", &m.id, stop.removals)
                        );
                    }
                    None => {
                        tally.held += 1;
                        most_removals = most_removals.max(stop.removals);
                        err!("line {n}: {stop} Nothing was made for it.");
                    }
                }
            }
            Err(e) => {
                tally.failed += 1;
                code = code.max(code_of(&e));
                err!("line {n}: {e}");
            }
        }
    }
    if most_removals > 0 {
        err!(
            "To link the lines the guard stopped with their removals (the lines done are skipped): {}link-many {} --allow-removals {most_removals}",
            command_prefix(g),
            shell_word(&file.display().to_string())
        );
    }
    let summary = tally.summary();
    match code {
        0 => {
            err!("{summary}");
            Ok(())
        }
        code => Err(Failure(code, summary)),
    }
}

/// A line linked this way already: done, or waiting for confirmation, or (its last push
/// failed) not done until a push works, named with what to do. The exit code it calls for.
fn report_done(g: &Global, n: usize, m: &Mapping, tally: &mut Tally) -> u8 {
    if let MappingStatus::Error { cause, fix, .. } = &m.status {
        tally.failed += 1;
        let (code, next) = match fix {
            Some(fix) => (REFUSED, fix.clone()),
            None => (
                FAILED,
                format!("To push it again: {}push {}", command_prefix(g), m.id),
            ),
        };
        err!(
            "line {n}: {} is linked to {} ({}), but its last push failed: {}. {next}",
            m.okta_group_name,
            m.statsig_group_name,
            m.id,
            cause.trim_end_matches('.')
        );
        return code;
    }
    if let MappingStatus::NeedsConfirmation { removals, .. } = m.status {
        tally.waiting += 1;
        err!(
            "line {n}: {} is linked to {} already ({}); its push waits for confirmation. To push with these removals: {}",
            m.okta_group_name,
            m.statsig_group_name,
            m.id,
            finish_with(g, "push", &m.id, removals)
        );
        return NOT_CONFIRMED;
    }
    tally.done += 1;
    err!(
        "line {n}: {} is linked to {} already ({}); done",
        m.okta_group_name,
        m.statsig_group_name,
        m.id
    );
    0
}

/// What became of the lines: each line counted once.
#[derive(Default)]
struct Tally {
    linked: usize,
    done: usize,
    /// Linked (saved), its push waiting for its removals to be confirmed (Direct push).
    saved_waiting: usize,
    /// Stopped by the guard with nothing made (Okta push).
    held: usize,
    /// Linked already, and still waiting for confirmation.
    waiting: usize,
    failed: usize,
}

impl Tally {
    fn summary(&self) -> String {
        let mut parts = vec![format!("{} linked", self.linked)];
        if self.done > 0 {
            parts.push(format!("{} linked already", self.done));
        }
        if self.saved_waiting > 0 {
            parts.push(format!(
                "{} linked with its push waiting for confirmation of removals",
                self.saved_waiting
            ));
        }
        if self.held > 0 {
            parts.push(format!(
                "{} stopped by the deletion guard (nothing made)",
                self.held
            ));
        }
        if self.waiting > 0 {
            parts.push(format!(
                "{} linked already and waiting for confirmation",
                self.waiting
            ));
        }
        if self.failed > 0 {
            parts.push(format!("{} failed", self.failed));
        }
        format!("link-many: {}.", parts.join(", "))
    }
}

/// Every line of the file checked, or every bad line, each named by its number.
fn check_all(ws: &Workspace, text: &str) -> Result<Vec<Line>, Vec<String>> {
    let mut lines = Vec::new();
    let mut bad = Vec::new();
    let mut okta_on: HashMap<String, usize> = HashMap::new();
    let mut statsig_on: HashMap<String, usize> = HashMap::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match check_line(ws, line, n, &mut okta_on, &mut statsig_on) {
            Ok(l) => lines.push(l),
            Err(why) => bad.push(format!("line {n}: {why}")),
        }
    }
    if bad.is_empty() { Ok(lines) } else { Err(bad) }
}

fn check_line(
    ws: &Workspace,
    line: &str,
    n: usize,
    okta_on: &mut HashMap<String, usize>,
    statsig_on: &mut HashMap<String, usize>,
) -> Result<Line, String> {
    let (okta_name, statsig_name) = csv_pair(line).ok_or_else(|| {
        format!(
            "expected \"okta group,statsig team group\", got \"{}\"",
            crate::model::names::display_safe(line)
        )
    })?;
    let sentence = |f: Failure| f.1;
    let okta = okta_group_id(ws, &okta_name).map_err(sentence)?;
    let statsig = statsig_group_id(ws, &statsig_name).map_err(sentence)?;
    if let Some(first) = okta_on.insert(okta.clone(), n) {
        return Err(format!(
            "Okta group \"{okta_name}\" is on line {first} too; one Okta group maps to one Statsig group."
        ));
    }
    if let Some(first) = statsig_on.insert(statsig.clone(), n) {
        return Err(format!(
            "\"{statsig_name}\" is on line {first} too; a Statsig group is pushed from one Okta group only."
        ));
    }
    if let Some(m) =
        rules::pushed_from(ws.mappings(), &okta).filter(|m| m.statsig_group_id == statsig)
    {
        return Ok(Line::Done(n, Box::new(m.clone())));
    }
    ws.check_link(&okta, &statsig).map_err(|e| e.to_string())?;
    Ok(Line::Todo(n, okta, statsig))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_two_fields_either_quoted() {
        assert_eq!(
            csv_pair("\"Fraud, Squad\",Statsig-Checkout-Fraud-Member"),
            Some((
                "Fraud, Squad".into(),
                "Statsig-Checkout-Fraud-Member".into()
            ))
        );
        assert_eq!(csv_pair("only one"), None);
        assert_eq!(csv_pair("a,b,c"), None);
        assert_eq!(csv_pair(" ,b"), None);
    }

    #[test]
    fn the_summary_names_each_outcome_and_counts_each_line_once() {
        let t = Tally {
            linked: 2,
            done: 1,
            saved_waiting: 1,
            held: 1,
            waiting: 1,
            failed: 1,
        };
        assert_eq!(
            t.summary(),
            "link-many: 2 linked, 1 linked already, 1 linked with its push waiting for confirmation of removals, 1 stopped by the deletion guard (nothing made), 1 linked already and waiting for confirmation, 1 failed."
        );
    }
}
