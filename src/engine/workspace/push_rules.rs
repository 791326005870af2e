//! Push rules: saved per connection (`rules.json` beside the mappings, user-only, never a
//! secret), previewed from the imported directory, applied as one bulk (links paced by the
//! backend, creations one after another, cancellable between requests). A rule's mappings
//! are ordinary mappings of the connection's push mode; the rule lives in the app.

use super::Workspace;
use super::journal::BulkKind;
use crate::engine::backend::Report;
use crate::engine::error::{EngineError, Result, refused};
use crate::engine::files::{FileError, write_atomic};
use crate::model::mapping::Mapping;
use crate::model::push_rule::{self, PushRule, RowTarget, RuleRow};
use crate::model::restore::Applied;
use crate::model::rules::GuardStop;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The rules file's shape.
#[derive(Debug, Default, Serialize, Deserialize)]
struct RuleFile {
    version: u32,
    rules: Vec<PushRule>,
}

/// The saved rules of one connection.
#[derive(Debug)]
pub struct RuleStore {
    path: PathBuf,
    rules: Vec<PushRule>,
}

impl RuleStore {
    /// The rules saved in `dir` (none when there is no file yet).
    pub fn open(dir: &Path) -> std::result::Result<Self, FileError> {
        let mut s = RuleStore {
            path: dir.join("rules.json"),
            rules: Vec::new(),
        };
        s.reload()?;
        Ok(s)
    }

    /// No rules, kept in `dir`.
    pub fn empty(dir: &Path) -> Self {
        RuleStore {
            path: dir.join("rules.json"),
            rules: Vec::new(),
        }
    }

    /// Reads the file again (another run of the app may have changed it).
    pub fn reload(&mut self) -> std::result::Result<(), FileError> {
        self.rules = match std::fs::read(&self.path) {
            Ok(b) => {
                serde_json::from_slice::<RuleFile>(&b)
                    .map_err(|e| FileError::unreadable("the push rules", &self.path, e))?
                    .rules
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(FileError::read("the push rules", &self.path, e)),
        };
        Ok(())
    }

    fn save(&self) -> std::result::Result<(), FileError> {
        let file = RuleFile {
            version: 1,
            rules: self.rules.clone(),
        };
        let json = serde_json::to_vec_pretty(&file)
            .map_err(|e| FileError::unreadable("the push rules", &self.path, e))?;
        write_atomic(&self.path, &json)
            .map_err(|e| FileError::write("the push rules", &self.path, e))
    }

    /// The folder the rules are kept in (the connection's).
    pub fn folder(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// The rules.
    pub fn rules(&self) -> &[PushRule] {
        &self.rules
    }
}

/// What applying a rule did, row by row.
#[derive(Debug, Default)]
pub struct RuleApplied {
    /// Mappings made.
    pub made: Vec<Mapping>,
    /// Rows left out, with why (unticked, skipped by the rule, cancelled).
    pub skipped: Vec<(String, String)>,
    /// Rows the deletion guard stopped (nothing made for them).
    pub stopped: Vec<GuardStop>,
    /// Rows whose mapping failed, with the error.
    pub failed: Vec<(String, EngineError)>,
}

impl RuleApplied {
    /// "3 mappings made; 1 stopped by the deletion guard; 2 skipped".
    pub fn summary(&self, rule: &str) -> String {
        let made = crate::model::text::plural(self.made.len(), "mapping");
        let counts = (self.stopped.len(), self.failed.len(), self.skipped.len());
        format!("Rule \"{rule}\": {}.", bulk_outcome(&made, counts))
    }
}

/// A bulk apply's outcome: "`made` made; N stopped by the deletion guard; N failed; N
/// skipped", leaving out the counts that are 0. `counts`: stopped, failed, skipped.
pub(super) fn bulk_outcome(made: &str, counts: (usize, usize, usize)) -> String {
    let (stopped, failed, skipped) = counts;
    let mut parts = vec![format!("{made} made")];
    if stopped > 0 {
        parts.push(format!("{stopped} stopped by the deletion guard"));
    }
    if failed > 0 {
        parts.push(format!("{failed} failed"));
    }
    if skipped > 0 {
        parts.push(format!("{skipped} skipped"));
    }
    parts.join("; ")
}

impl Workspace {
    /// The connection's push rules.
    pub fn rules(&self) -> &[PushRule] {
        self.rules.rules()
    }

    /// Saves a new rule (its id is given here) after checking it.
    pub fn add_rule(&mut self, mut rule: PushRule) -> Result<PushRule> {
        self.rules.reload()?;
        let n = (1..)
            .find(|n| !self.rules.rules.iter().any(|r| r.id == format!("r{n}")))
            .unwrap_or(1);
        rule.id = format!("r{n}");
        rule.name = rule.name.trim().to_string();
        rule.check(self.directory(), &self.rules.rules)
            .map_err(|e| refused(e.to_string()))?;
        self.rules.rules.push(rule.clone());
        self.rules.save()?;
        Ok(rule)
    }

    /// Removes a rule (its mappings stay).
    pub fn remove_rule(&mut self, id_or_name: &str) -> Result<PushRule> {
        self.rules.reload()?;
        let i = self.rule_index(id_or_name)?;
        let rule = self.rules.rules.remove(i);
        self.rules.save()?;
        Ok(rule)
    }

    fn rule_index(&self, id_or_name: &str) -> Result<usize> {
        self.rules
            .rules
            .iter()
            .position(|r| r.id == id_or_name || r.name.eq_ignore_ascii_case(id_or_name))
            .ok_or_else(|| {
                refused(format!(
                    "There is no push rule \"{id_or_name}\"; see the list of rules."
                ))
            })
    }

    /// A rule by id or name.
    pub fn rule(&self, id_or_name: &str) -> Result<&PushRule> {
        Ok(&self.rules.rules[self.rule_index(id_or_name)?])
    }

    /// Every mapping the rule would make now, from the imported directory.
    pub fn preview_rule(&self, id_or_name: &str) -> Result<Vec<RuleRow>> {
        let rule = self.rule(id_or_name)?;
        Ok(push_rule::preview(
            self.directory(),
            self.mappings(),
            self.rules(),
            rule,
            self.connection().guard,
        ))
    }

    /// Applies a rule: every ready row except those in `unticked` (Okta group ids), and
    /// rows the guard stops only up to `allowed_removals` confirmed. Links go as one
    /// paced bulk, creations one after another; a cancel stops between requests and what
    /// was made stays (applying again makes only the rest).
    pub async fn apply_rule(
        &mut self,
        id_or_name: &str,
        unticked: &[String],
        allowed_removals: usize,
        report: Report<'_>,
    ) -> Result<RuleApplied> {
        let rows = self.preview_rule(id_or_name)?;
        let mut out = RuleApplied::default();
        let mut links = Vec::new();
        let mut creates = Vec::new();
        for row in rows {
            if unticked.contains(&row.okta_group_id) {
                out.skipped
                    .push((row.okta_group_name, "unticked".to_string()));
                continue;
            }
            if let Some(stop) = row.guard.filter(|g| g.removals > allowed_removals) {
                out.stopped.push(stop);
                continue;
            }
            match row.target {
                RowTarget::Link {
                    statsig_group_id, ..
                } => links.push((row.okta_group_id, statsig_group_id, row.okta_group_name)),
                RowTarget::Create { project, team, .. } => {
                    creates.push((row.okta_group_id, project, team, row.okta_group_name));
                }
                RowTarget::Skip(why) => out.skipped.push((row.okta_group_name, why)),
            }
        }
        let creates_planned: Vec<String> = creates
            .iter()
            .map(|(_, _, _, n)| format!("Create: {n}"))
            .collect();
        let total = links.len() + creates.len();
        if total == 0 {
            return Ok(out);
        }
        let pairs: Vec<(String, String)> = links
            .iter()
            .map(|(o, s, _)| (o.clone(), s.clone()))
            .collect();
        let of_all = |done: usize, _: usize, left| report(done, total, left);
        let linked = self
            .link_many(&pairs, true, allowed_removals, &of_all)
            .await;
        for ((_, _, name), r) in links.iter().zip(linked) {
            match r {
                Ok(m) => out.made.push(m),
                Err(EngineError::Cancelled) => out.skipped.push((name.clone(), "cancelled".into())),
                Err(e) => out.failed.push((name.clone(), e)),
            }
        }
        for (i, (okta, project, team, name)) in creates.into_iter().enumerate() {
            if self.cancel_token().is_cancelled() {
                out.skipped.push((name, "cancelled".into()));
                continue;
            }
            match self.create(&okta, &project, &team, true).await {
                Ok(m) => out.made.push(m),
                Err(EngineError::Cancelled) => out.skipped.push((name, "cancelled".into())),
                Err(e) => out.failed.push((name, e)),
            }
            report(links.len() + i + 1, total, None);
        }
        let name = self.rule(id_or_name).map(|r| r.name.clone())?;
        let planned = links
            .iter()
            .map(|(_, _, n)| format!("Link: {n}"))
            .chain(creates_planned)
            .collect();
        let done: Vec<Applied> = out
            .made
            .iter()
            .map(|m| Applied::Made {
                mapping_id: m.id.clone(),
                okta_group_name: m.okta_group_name.clone(),
                statsig_group_name: m.statsig_group_name.clone(),
            })
            .collect();
        self.journal_apply(&format!("Rule \"{name}\""), BulkKind::Rule, planned, &done);
        Ok(out)
    }

    /// With rules saved: Okta groups made since the import are read (one list of groups,
    /// then the new groups' members), so a new group a rule matches is proposed at the next
    /// check. How many were new.
    pub async fn read_new_okta_groups(&mut self) -> Result<usize> {
        if self.rules().is_empty() {
            return Ok(0);
        }
        let listed = self.core.okta().list_groups(None, None, || {}).await?;
        let mut new: Vec<_> = listed
            .into_iter()
            .filter(|g| self.directory().okta_group(&g.id).is_none())
            .collect();
        if new.is_empty() {
            return Ok(0);
        }
        self.core.okta().fill_members(&mut new, || {}).await?;
        let n = new.len();
        for g in new {
            let members = g.members.clone();
            self.core.dir_mut().upsert_okta_group(g);
            self.core.learn_users(&members).await?;
        }
        Ok(n)
    }

    /// Applies every rule that creates new matches automatically, ready rows only (never
    /// one the guard would stop); one line per rule that made something.
    pub async fn apply_automatic_rules(&mut self) -> Vec<String> {
        let auto: Vec<(String, String)> = self
            .rules()
            .iter()
            .filter(|r| r.auto_create)
            .map(|r| (r.id.clone(), r.name.clone()))
            .collect();
        let mut lines = Vec::new();
        for (id, name) in auto {
            let Ok(rows) = self.preview_rule(&id) else {
                continue;
            };
            let not_ready: Vec<String> = rows
                .iter()
                .filter(|r| !r.ready())
                .map(|r| r.okta_group_id.clone())
                .collect();
            if rows.len() == not_ready.len() {
                continue;
            }
            match self.apply_rule(&id, &not_ready, 0, &|_, _, _| {}).await {
                Ok(done) if !done.made.is_empty() || !done.failed.is_empty() => {
                    let mut done = done;
                    // Rows that were not ready are not news here.
                    done.skipped.clear();
                    lines.push(done.summary(&name));
                }
                Ok(_) => {}
                Err(e) => lines.push(format!("Rule \"{name}\": {e}")),
            }
        }
        lines
    }

    /// After an import or a check: Okta groups made since are read (`read_new`, for a
    /// check), the rules that create new matches automatically do so, and new matches of
    /// the other rules are proposed; one line each.
    pub async fn rules_after_a_look(&mut self, read_new: bool) -> Result<Vec<String>> {
        if self.rules().is_empty() {
            return Ok(Vec::new());
        }
        if read_new {
            self.read_new_okta_groups().await?;
        }
        let mut lines = self.apply_automatic_rules().await;
        for rule in self.rules().iter().filter(|r| !r.auto_create) {
            let ready = push_rule::preview(
                self.directory(),
                self.mappings(),
                self.rules(),
                rule,
                self.connection().guard,
            )
            .iter()
            .filter(|r| r.ready())
            .count();
            if ready > 0 {
                lines.push(format!(
                    "{} rule \"{}\" and {} not pushed yet: review {} in Push by rule.",
                    if ready == 1 {
                        "1 Okta group matches".to_string()
                    } else {
                        format!("{ready} Okta groups match")
                    },
                    rule.name,
                    if ready == 1 { "is" } else { "are" },
                    if ready == 1 { "it" } else { "them" },
                ));
            }
        }
        Ok(lines)
    }
}
