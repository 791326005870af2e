//! Mapping groups (Okta groups built for pushing) and settling edits made in Statsig.

use super::Workspace;
use crate::engine::error::{Result, refused};
use crate::engine::state::{DriftChoice, MappingStatus};
use crate::model::OktaGroup;

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
        let mut group = self.core.okta.create_group(name, description).await?;
        for uid in user_ids {
            if self.core.cancel.is_cancelled() {
                break;
            }
            self.core.okta.set_member(&group.id, uid, true).await?;
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
        self.core.okta.set_member(group_id, user_id, member).await?;
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
            if self.core.cancel.is_cancelled() {
                return Err(crate::engine::error::EngineError::Cancelled);
            }
            self.set_okta_member(group_id, user, member).await?;
        }
        Ok(())
    }

    /// Settles edits made directly in Statsig, as the admin chose. Never done silently.
    pub async fn resolve_drift(&mut self, mapping_id: &str, choice: DriftChoice) -> Result<()> {
        let m = self.core.mapping(mapping_id)?;
        let drift = m.drift.clone().unwrap_or_default();
        match choice {
            DriftChoice::Overwrite => {
                // Removing what was added in Statsig is exactly what the admin chose.
                if m.status == MappingStatus::Inactive {
                    self.core.set_status(mapping_id, MappingStatus::Active)?;
                }
                self.push_confirmed(mapping_id, drift.added_in_statsig.len())
                    .await
                    .map(|_| ())
            }
            DriftChoice::Adopt => {
                self.adopt(
                    &m.okta_group_id,
                    &m.okta_group_name,
                    &drift.added_in_statsig,
                )
                .await?;
                if m.status == MappingStatus::Inactive {
                    self.core.set_status(mapping_id, MappingStatus::Active)?;
                }
                self.push(mapping_id).await.map(|_| ())
            }
            DriftChoice::Pause => self.set_active(mapping_id, false).await,
        }
    }

    /// Adds the Statsig users `statsig_ids` to the Okta group, by email; refuses (changing
    /// nothing) when any of them has no Okta account.
    async fn adopt(
        &mut self,
        okta_group_id: &str,
        okta_name: &str,
        statsig_ids: &[String],
    ) -> Result<()> {
        let dir = self.shared_directory();
        let group = dir.okta_group(okta_group_id).ok_or_else(|| {
            refused(format!(
                "Okta group \"{okta_name}\" is not in the imported directory; import again."
            ))
        })?;
        if !group.is_editable() {
            return Err(refused(format!(
                "Okta group \"{}\" is an {} whose members Okta manages elsewhere; it cannot adopt members.",
                group.name, group.kind
            )));
        }
        let mut missing = Vec::new();
        let mut to_add = Vec::new();
        for sid in statsig_ids {
            let email = dir
                .statsig_user(sid)
                .map(|u| u.user_name.clone())
                .unwrap_or_else(|| sid.clone());
            match dir.okta_user_by_email(&email) {
                Some(u) => to_add.push(u.id.clone()),
                None => missing.push(email),
            }
        }
        if !missing.is_empty() {
            return Err(refused(format!(
                "These members added in Statsig have no Okta account, so the Okta group cannot adopt them: {}. Nothing was changed.",
                missing.join(", ")
            )));
        }
        for uid in to_add {
            if !group.members.contains(&uid) {
                self.set_okta_member(&group.id, &uid, true).await?;
            }
        }
        Ok(())
    }
}
