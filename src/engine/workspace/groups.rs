//! Mapping groups (Okta groups built for pushing) and settling edits made in Statsig.

use super::Workspace;
use crate::engine::backend::{PushReport, Unlink};
use crate::engine::error::{Result, refused};
use crate::engine::state::{Drift, DriftChoice, Mapping, MappingStatus};
use crate::model::{OktaGroup, hold, text};

impl Workspace {
    /// Creates an Okta group with the chosen Okta users (a "mapping group").
    pub async fn create_mapping_group(
        &mut self,
        name: &str,
        description: &str,
        user_ids: &[String],
    ) -> Result<OktaGroup> {
        let name = name.trim();
        if name.is_empty() {
            return Err(refused("Type a name for the new Okta group."));
        }
        if let Some(existing) = self.directory().okta_group_by_name(name) {
            return Err(refused(format!(
                "An Okta group named \"{}\" already exists; pick another name or start from that group.",
                existing.name
            )));
        }
        if let Some(unknown) = user_ids
            .iter()
            .find(|u| self.directory().okta_user(u).is_none())
        {
            return Err(refused(format!(
                "Okta user {unknown} is not in the imported directory; import again."
            )));
        }
        let mut group = self.core.okta().create_group(name, description).await?;
        for uid in user_ids {
            if self.core.cancel().is_cancelled() {
                break;
            }
            self.core.okta().set_member(&group.id, uid, true).await?;
            group.members.push(uid.clone());
        }
        group.members.sort();
        self.core.dir_mut().upsert_okta_group(group.clone());
        Ok(group)
    }

    /// Adds or removes one member of an Okta group (used to change a mapping group).
    pub async fn set_okta_member(
        &mut self,
        group_id: &str,
        user_id: &str,
        member: bool,
    ) -> Result<()> {
        self.core
            .okta()
            .set_member(group_id, user_id, member)
            .await?;
        if let Some(mut g) = self.directory().okta_group(group_id).cloned() {
            if member {
                g.members.push(user_id.to_string());
            } else {
                g.members.retain(|m| m != user_id);
            }
            self.core.dir_mut().upsert_okta_group(g);
        }
        Ok(())
    }

    /// Adds and removes several members of an Okta group, one request each; Cancel stops
    /// between requests (what was done stays done).
    pub async fn set_okta_members(
        &mut self,
        group_id: &str,
        add: &[String],
        remove: &[String],
    ) -> Result<()> {
        let group = self
            .directory()
            .okta_group(group_id)
            .cloned()
            .ok_or_else(|| {
                refused(format!(
                    "Okta group {group_id} is not in the imported directory; import again."
                ))
            })?;
        if !group.is_editable() {
            return Err(refused(format!(
                "Okta group \"{}\" is an {} whose members Okta manages elsewhere; change them there.",
                group.name, group.kind
            )));
        }
        let changes = add
            .iter()
            .map(|u| (u, true))
            .chain(remove.iter().map(|u| (u, false)));
        for (user, member) in changes {
            if self.core.cancel().is_cancelled() {
                return Err(crate::engine::error::EngineError::Cancelled);
            }
            self.set_okta_member(group_id, user, member).await?;
        }
        Ok(())
    }

    /// The edits made in Statsig that mapping `mapping_id` holds open, in one sentence
    /// naming each person, if there are any.
    pub fn drift_note(&self, mapping_id: &str) -> Option<String> {
        let m = self.core.state().mapping(mapping_id)?;
        let d = m.drift.as_ref().filter(|d| !d.is_empty())?;
        Some(format!(
            "Kept the edits made in Statsig on {}: {}. Nothing is pushed over them until you choose Overwrite from Okta or Adopt into Okta group.",
            m.statsig_group_name,
            text::names(&self.core.describe_drift(d), 5)
        ))
    }

    /// Each person mapping `mapping_id` keeps as edited in Statsig, by email with what was
    /// done there.
    pub fn drift_people(&self, mapping_id: &str) -> Vec<String> {
        self.core
            .state()
            .mapping(mapping_id)
            .and_then(|m| m.drift.as_ref())
            .map(|d| self.core.describe_drift(d))
            .unwrap_or_default()
    }

    /// What an unlink of `m` did (the mapping as it was).
    pub fn unlinked(&self, m: &Mapping, how: Unlink) -> super::Unlinked {
        let gone = crate::model::rules::team_gone(self.directory(), m);
        super::Unlinked {
            okta_group_name: m.okta_group_name.clone(),
            statsig_group_name: m.statsig_group_name.clone(),
            how,
            by: m.remote.as_ref().and(self.steered()).map(|s| s.who),
            already_gone: gone,
        }
    }

    /// What a Link or Create that made `m` did.
    pub fn made(&self, m: Mapping) -> super::Made {
        super::Made {
            by: m.remote.as_ref().and(self.steered()).map(|s| s.who),
            mapping: m,
        }
    }

    /// What a push did, with the edits made in Statsig its mapping keeps.
    pub fn pushed(&self, report: PushReport) -> super::Pushed {
        super::Pushed {
            kept: self.drift_note(&report.mapping_id),
            okta_group_name: self.mapping_name(&report.mapping_id),
            report,
        }
    }

    /// What the admin calls mapping `mapping_id`: its Okta group's name (its id when gone).
    pub fn mapping_name(&self, mapping_id: &str) -> String {
        self.core
            .state()
            .mapping(mapping_id)
            .map_or_else(|| mapping_id.to_string(), |m| m.okta_group_name.clone())
    }

    /// Settles edits made directly in Statsig, as the admin chose, on exactly the people
    /// the admin was shown (the drift as last found); says what was done, by name.
    /// Overwrite pushes over them, Adopt makes the Okta group match them (both ways),
    /// Pause stops pushing and leaves them open. Never done silently.
    pub async fn resolve_drift(&mut self, mapping_id: &str, choice: DriftChoice) -> Result<String> {
        self.settle_mode().await?;
        let m = self.core.mapping(mapping_id)?;
        let Some(drift) = m.drift.clone().filter(|d| !d.is_empty()) else {
            return Err(refused(format!(
                "\"{}\" has no edits made in Statsig to settle; Check now looks for them.",
                m.statsig_group_name
            )));
        };
        let email = |ids: &[String]| -> Vec<String> {
            ids.iter()
                .map(|id| hold::email(self.directory(), id))
                .collect()
        };
        let (added_there, removed_there) = (
            email(&drift.added_in_statsig),
            email(&drift.removed_in_statsig),
        );
        let people = self.core.describe_drift(&drift);
        let said = match choice {
            DriftChoice::Overwrite => {
                if m.status == MappingStatus::Inactive {
                    self.core.set_status(mapping_id, MappingStatus::Active)?;
                }
                let (core, backend) = self.backend()?;
                backend.overwrite(core, mapping_id, &drift).await?;
                format!(
                    "Overwrote the edits made in Statsig on {}: {}.",
                    m.statsig_group_name,
                    text::clauses(
                        &[("removed", &added_there), ("added back", &removed_there)],
                        5
                    )
                )
            }
            DriftChoice::Adopt => {
                self.adopt(&m, &drift).await?;
                if m.status == MappingStatus::Inactive {
                    self.core.set_status(mapping_id, MappingStatus::Active)?;
                }
                // The edits are the Okta group's own now.
                if let Some(mm) = self.core.state_mut().mapping_mut(mapping_id) {
                    mm.drift = None;
                }
                self.push(mapping_id).await?;
                format!(
                    "Okta group \"{}\" adopted the edits made in Statsig: {}; Statsig keeps them.",
                    m.okta_group_name,
                    text::clauses(
                        &[
                            ("added to it", &added_there),
                            ("removed from it", &removed_there)
                        ],
                        5
                    )
                )
            }
            DriftChoice::Pause => {
                self.set_active(mapping_id, false).await?;
                format!(
                    "Paused {}: nothing is pushed, and Statsig keeps its edits: {}. They stay listed, to choose again when it is activated.",
                    m.okta_group_name,
                    text::names(&people, 5)
                )
            }
        };
        // Edits made after the admin looked are held, never settled unseen.
        let left = self
            .core
            .mapping(mapping_id)?
            .drift
            .filter(|_| choice != DriftChoice::Pause);
        Ok(match left {
            Some(d) => format!(
                "{said} Still open (found since): {}.",
                text::names(&self.core.describe_drift(&d), 5)
            ),
            None => said,
        })
    }

    /// Makes the Okta group match the edits made in Statsig: members added there join it,
    /// members removed there leave it, one request each. Refuses (changing nothing) when
    /// any of them has no Okta account or the group's members are managed elsewhere.
    async fn adopt(&mut self, m: &Mapping, drift: &Drift) -> Result<()> {
        let dir = self.shared_directory();
        let group = dir.okta_group(&m.okta_group_id).ok_or_else(|| {
            refused(format!(
                "Okta group \"{}\" is not in the imported directory; import again.",
                m.okta_group_name
            ))
        })?;
        if !group.is_editable() {
            return Err(refused(format!(
                "Okta group \"{}\" is an {} whose members Okta manages elsewhere; it cannot adopt edits made in Statsig.",
                group.name, group.kind
            )));
        }
        let mut missing = Vec::new();
        let mut okta_user = |sid: &String| {
            let email = hold::email(&dir, sid);
            match dir.okta_user_by_email(&email) {
                Some(u) => Some(u.id.clone()),
                None => {
                    missing.push(email);
                    None
                }
            }
        };
        let add: Vec<String> = drift
            .added_in_statsig
            .iter()
            .filter_map(&mut okta_user)
            .filter(|u| !group.members.contains(u))
            .collect();
        let remove: Vec<String> = drift
            .removed_in_statsig
            .iter()
            .filter_map(&mut okta_user)
            .filter(|u| group.members.contains(u))
            .collect();
        if !missing.is_empty() {
            return Err(refused(format!(
                "These people edited in Statsig have no Okta account, so the Okta group cannot adopt them: {}. Nothing was changed.",
                missing.join(", ")
            )));
        }
        self.set_okta_members(&group.id, &add, &remove).await
    }
}
