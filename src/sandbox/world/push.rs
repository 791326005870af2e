//! Okta's Group Push mappings of an app, as the Group Push Mappings API manages them, and
//! the bookkeeping of the sandbox's push worker (what it owes Statsig, what it last
//! pushed). The worker itself, which speaks HTTP, is `sandbox::push_worker`.

use super::World;
use super::failure::OktaFailure;
use super::log::{self, NewEvent};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// One Group Push mapping.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushMappingRec {
    /// The id (`gPm…`, 20 characters).
    pub id: String,
    /// The app it belongs to.
    pub app_id: String,
    /// The Okta group whose members are pushed.
    pub source_group_id: String,
    /// The APP_GROUP it pushes into (an Okta id).
    pub target_group_id: String,
    /// ACTIVE, INACTIVE or ERROR.
    pub status: String,
    /// When it was made (Okta's form: seconds, no fraction).
    pub created: String,
    /// When it last changed.
    pub last_updated: String,
    /// When it was last pushed.
    pub last_push: Option<String>,
    /// Why the last push failed.
    pub error_summary: Option<String>,
    /// SCIM ids the last push left in the target group.
    #[serde(default)]
    pub pushed: BTreeSet<String>,
    /// The source group's `lastMembershipUpdated` when it was last pushed.
    #[serde(default)]
    pub synced_membership: Option<String>,
    /// A full push is owed (the mapping was made or activated).
    #[serde(default)]
    pub full_push: bool,
    /// When the worker will push, in epoch milliseconds.
    #[serde(default)]
    pub due_ms: Option<u64>,
}

/// A push the worker owes: everything it needs without the world.
#[derive(Debug, Clone)]
pub struct PushJob {
    /// The mapping.
    pub mapping_id: String,
    /// The target group's name in Statsig.
    pub target_name: String,
    /// The Statsig group's SCIM id, when the APP_GROUP was imported from it.
    pub scim_id: Option<String>,
    /// SCIM ids Okta wants in the group.
    pub desired: BTreeSet<String>,
    /// SCIM ids the last push left.
    pub previous: BTreeSet<String>,
    /// Reconcile with what Statsig has (made or activated), or push only the changes.
    pub full: bool,
    /// The source group's membership stamp this job pushes.
    pub source_stamp: String,
}

/// What a push did.
#[derive(Debug, Clone)]
pub enum PushOutcome {
    /// Pushed: the group's SCIM id and the members it now has from Okta.
    Pushed {
        /// The Statsig group.
        scim_id: String,
        /// The SCIM ids pushed.
        members: BTreeSet<String>,
    },
    /// Statsig refused or could not be reached: `errorSummary`.
    Failed(String),
}

/// The System Log event of a push: pushed (with counts) or failed (with Okta's reason).
fn push_event(job: &PushJob, outcome: &PushOutcome) -> NewEvent {
    match outcome {
        PushOutcome::Pushed { members, .. } => {
            let before = if job.full { None } else { Some(&job.previous) };
            let added = before.map_or(members.len(), |b| members.difference(b).count());
            let removed = before.map_or(0, |b| b.difference(members).count());
            let (kind, message) = if job.full {
                (log::PUSHED, "Push group to app")
            } else {
                (log::PUSH_MEMBERSHIPS, "Push group memberships to app")
            };
            let mut ev = NewEvent::ok(kind, message, Vec::new());
            ev.debug.insert("membersAdded".into(), added.to_string());
            ev.debug
                .insert("membersRemoved".into(), removed.to_string());
            ev.debug
                .insert("groupMembers".into(), members.len().to_string());
            ev
        }
        PushOutcome::Failed(summary) => {
            let retried = log::retried_failure(summary);
            let kind = if retried {
                log::PUSH_FAILED
            } else {
                log::PUSH_FAILED_WITH_ERROR
            };
            NewEvent {
                event_type: kind,
                message: "Push group to app failed".to_string(),
                failure: Some(summary.clone()),
                targets: Vec::new(),
                debug: Default::default(),
            }
        }
    }
}

/// Okta's timestamp form for push mappings: seconds, no fraction.
pub fn okta_time(stamp: &str) -> String {
    match stamp.split_once('.') {
        Some((secs, _)) => format!("{secs}Z"),
        None => stamp.to_string(),
    }
}

/// The `errorSummary` of a failed push.
pub fn push_error_summary(at: &str, target: &str, detail: &str) -> String {
    format!(
        "Failed on {}: Unable to push group \"{target}\" to Statsig SCIM: {detail}",
        okta_time(at)
    )
}

fn not_found(id: &str) -> OktaFailure {
    OktaFailure::new(
        404,
        "E0000007",
        format!("Not found: Resource not found: {id} (GroupPushMapping)"),
    )
}

fn invalid(summary: impl Into<String>) -> OktaFailure {
    OktaFailure::new(400, "E0000001", summary)
}

/// The status a create or update asks for: ACTIVE (the default) or INACTIVE.
fn wanted_status(body: &Value, default: Option<&str>) -> Result<String, OktaFailure> {
    match body.get("status") {
        None | Some(Value::Null) => default.map(str::to_string).ok_or_else(|| {
            invalid("Api validation failed: status: The field cannot be left blank")
        }),
        Some(Value::String(s)) if s == "ACTIVE" || s == "INACTIVE" => Ok(s.clone()),
        Some(other) => Err(invalid(format!(
            "Api validation failed: status: {other} is not one of ACTIVE, INACTIVE"
        ))),
    }
}

impl World {
    /// A mapping of `app_id`, or Okta's 404.
    pub fn push_mapping(&self, app_id: &str, id: &str) -> Result<&PushMappingRec, OktaFailure> {
        self.push_mappings
            .get(id)
            .filter(|m| m.app_id == app_id)
            .ok_or_else(|| not_found(id))
    }

    /// Creates a mapping from a CreateGroupPushMappingRequest body, as Okta validates it.
    pub fn create_push_mapping(
        &mut self,
        app_id: &str,
        body: &Value,
        at: &str,
    ) -> Result<PushMappingRec, OktaFailure> {
        self.app(app_id)?;
        let text = |k: &str| {
            body.get(k)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let source = text("sourceGroupId").ok_or_else(|| {
            invalid("Api validation failed: sourceGroupId: The field cannot be left blank")
        })?;
        let status = wanted_status(body, Some("ACTIVE"))?;
        let target = match (text("targetGroupId"), text("targetGroupName")) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "Api validation failed: Provide either targetGroupId or targetGroupName, not both",
                ));
            }
            (None, None) => {
                return Err(invalid(
                    "Api validation failed: Either targetGroupId or targetGroupName is required",
                ));
            }
            (Some(id), None) => self.link_target(app_id, &id)?,
            (None, Some(name)) => self.named_target(app_id, &name, at)?,
        };
        let src = self.okta_groups.get(&source).ok_or_else(|| {
            OktaFailure::new(
                404,
                "E0000007",
                format!("Not found: Resource not found: {source} (UserGroup)"),
            )
        })?;
        if src.kind == "APP_GROUP" && src.source.as_deref() == Some(app_id) {
            return Err(invalid(
                "Api validation failed: sourceGroupId: a group imported from this app cannot be pushed to it",
            ));
        }
        if let Some(m) = self
            .push_mappings
            .values()
            .find(|m| m.app_id == app_id && m.target_group_id == target)
        {
            return Err(invalid(format!(
                "Api validation failed: targetGroupId: the target group is already linked by push mapping {}",
                m.id
            )));
        }
        let id = format!("gPm{}", self.token(17));
        let at = okta_time(at);
        let m = PushMappingRec {
            id: id.clone(),
            app_id: app_id.to_string(),
            source_group_id: source,
            target_group_id: target,
            full_push: status == "ACTIVE",
            status,
            created: at.clone(),
            last_updated: at,
            last_push: None,
            error_summary: None,
            pushed: BTreeSet::new(),
            synced_membership: None,
            due_ms: None,
        };
        self.push_mappings.insert(id, m.clone());
        let targets = self.mapping_targets(&m);
        let stamp = self.now();
        self.log_event(
            NewEvent::ok(log::MAPPING_CREATED, "Group push mapping created", targets),
            &stamp,
            false,
        );
        Ok(m)
    }

    /// `targetGroupId` must be an APP_GROUP imported from this app.
    fn link_target(&self, app_id: &str, gid: &str) -> Result<String, OktaFailure> {
        match self.okta_groups.get(gid) {
            Some(g) if g.kind == "APP_GROUP" && g.source.as_deref() == Some(app_id) => {
                Ok(g.id.clone())
            }
            Some(g) => Err(invalid(format!(
                "Api validation failed: targetGroupId: {} is not a group imported from this app",
                g.name
            ))),
            None => Err(OktaFailure::new(
                404,
                "E0000007",
                format!("Not found: Resource not found: {gid} (UserGroup)"),
            )),
        }
    }

    /// `targetGroupName`: an imported group of that name is linked; otherwise a new
    /// APP_GROUP stands for the group the first push creates.
    fn named_target(&mut self, app_id: &str, name: &str, at: &str) -> Result<String, OktaFailure> {
        if let Some(g) = self.app_groups(app_id).find(|g| g.name == name) {
            return Ok(g.id.clone());
        }
        let g = self.create_okta_group(name, "", "APP_GROUP", at)?;
        if let Some(rec) = self.okta_groups.get_mut(&g.id) {
            rec.source = Some(app_id.to_string());
        }
        Ok(g.id)
    }

    /// PATCH a mapping's status (ACTIVE or INACTIVE). Activating owes a full push.
    pub fn update_push_mapping(
        &mut self,
        app_id: &str,
        id: &str,
        body: &Value,
        at: &str,
    ) -> Result<PushMappingRec, OktaFailure> {
        self.push_mapping(app_id, id)?;
        let status = wanted_status(body, None)?;
        let m = self
            .push_mappings
            .get_mut(id)
            .ok_or_else(|| not_found(id))?;
        let changed = m.status != status;
        if changed {
            if status == "ACTIVE" {
                m.full_push = true;
            } else {
                m.full_push = false;
                m.due_ms = None;
            }
            m.error_summary = None;
            m.status = status;
        }
        m.last_updated = okta_time(at);
        let m = m.clone();
        if changed {
            let (kind, message) = if m.status == "ACTIVE" {
                (log::MAPPING_ACTIVATED, "Activate group push mapping")
            } else {
                (log::MAPPING_DEACTIVATED, "Deactivate group push mapping")
            };
            let targets = self.mapping_targets(&m);
            let stamp = self.now();
            self.log_event(NewEvent::ok(kind, message, targets), &stamp, false);
        }
        Ok(m)
    }

    /// Deletes a mapping; it must be INACTIVE first. With `delete_target`, the target
    /// APP_GROUP goes and the worker deletes the Statsig group.
    pub fn delete_push_mapping(
        &mut self,
        app_id: &str,
        id: &str,
        delete_target: bool,
    ) -> Result<(), OktaFailure> {
        let m = self.push_mapping(app_id, id)?;
        if m.status == "ACTIVE" {
            return Err(invalid(
                "Api validation failed: status: the mapping must be INACTIVE before it can be deleted; deactivate it first",
            ));
        }
        let target = m.target_group_id.clone();
        let (kind, message) = if delete_target {
            (
                log::APP_GROUP_DELETED,
                "Delete group push mapping and its app group",
            )
        } else {
            (log::MAPPING_DELETED, "Delete group push mapping")
        };
        let targets = self.mapping_targets(m);
        let stamp = self.now();
        self.log_event(NewEvent::ok(kind, message, targets), &stamp, false);
        self.push_mappings.remove(id);
        if delete_target
            && let Some(g) = self.okta_groups.remove(&target)
            && let Some(scim_id) = g.external_id
        {
            self.scim_deletes.push(scim_id);
        }
        Ok(())
    }

    /// Pushes that are due at `now_ms`; a push first noticed now is due `delay_ms` later.
    pub fn due_pushes(&mut self, now_ms: u64, delay_ms: u64) -> Vec<PushJob> {
        let mut jobs = Vec::new();
        let ids: Vec<String> = self.push_mappings.keys().cloned().collect();
        for id in ids {
            let Some(job) = self.owed_push(&id) else {
                continue;
            };
            let Some(m) = self.push_mappings.get_mut(&id) else {
                continue;
            };
            match m.due_ms {
                None => m.due_ms = Some(now_ms + delay_ms),
                Some(due) if due <= now_ms => {
                    m.due_ms = Some(u64::MAX);
                    jobs.push(job);
                }
                Some(_) => {}
            }
        }
        jobs
    }

    /// Every push owed now, whenever it is due (seeding a world that was pushed).
    pub fn owed_pushes(&self) -> Vec<PushJob> {
        self.push_mappings
            .keys()
            .filter_map(|id| self.owed_push(id))
            .collect()
    }

    /// The push mapping `id` owes now, if any.
    fn owed_push(&self, id: &str) -> Option<PushJob> {
        let m = self.push_mappings.get(id)?;
        if m.status != "ACTIVE" {
            return None;
        }
        let source = self.okta_groups.get(&m.source_group_id)?;
        let target = self.okta_groups.get(&m.target_group_id)?;
        let changed = m.synced_membership.as_deref() != Some(&source.last_membership_updated);
        if !m.full_push && !changed {
            return None;
        }
        Some(PushJob {
            mapping_id: m.id.clone(),
            target_name: target.name.clone(),
            scim_id: target.external_id.clone(),
            desired: self.pushable_scim_ids(&m.app_id, &source.members),
            previous: m.pushed.clone(),
            full: m.full_push,
            source_stamp: source.last_membership_updated.clone(),
        })
    }

    /// Records what the worker did for `job`, unless the mapping changed meanwhile.
    pub fn record_push(&mut self, job: &PushJob, outcome: PushOutcome, at: &str) {
        let Some(m) = self.push_mappings.get_mut(&job.mapping_id) else {
            return;
        };
        if m.status != "ACTIVE" {
            return;
        }
        m.due_ms = None;
        m.last_updated = okta_time(at);
        let target = m.target_group_id.clone();
        let event = push_event(job, &outcome);
        let mapping = m.clone();
        match outcome {
            PushOutcome::Pushed { scim_id, members } => {
                m.full_push = false;
                m.synced_membership = Some(job.source_stamp.clone());
                m.pushed = members.clone();
                m.last_push = Some(okta_time(at));
                m.error_summary = None;
                let app_id = m.app_id.clone();
                let okta_members: BTreeSet<String> = self
                    .app_users
                    .get(&app_id)
                    .map(|a| {
                        a.values()
                            .filter(|u| u.external_id.as_ref().is_some_and(|e| members.contains(e)))
                            .map(|u| u.id.clone())
                            .collect()
                    })
                    .unwrap_or_default();
                if let Some(g) = self.okta_groups.get_mut(&target) {
                    g.external_id = Some(scim_id);
                    if g.members != okta_members {
                        g.members = okta_members;
                        g.last_membership_updated = at.to_string();
                    }
                }
            }
            PushOutcome::Failed(summary) => {
                m.full_push = false;
                m.status = "ERROR".into();
                m.error_summary = Some(summary);
            }
        }
        let mut event = event;
        event.targets = self.mapping_targets(&mapping);
        self.log_event(event, at, true);
    }

    /// The targets of an event about mapping `m`: the app, the source group, the app
    /// group it pushes into, and the mapping.
    pub fn mapping_targets(&self, m: &PushMappingRec) -> Vec<log::LogEntity> {
        let mut t = Vec::new();
        if let Some(a) = self.apps.get(&m.app_id) {
            t.push(log::LogEntity::new(&a.id, "AppInstance", &a.name, &a.label));
        }
        if let Some(g) = self.okta_groups.get(&m.source_group_id) {
            t.push(log::LogEntity::new(&g.id, "UserGroup", &g.name, &g.name));
        }
        if let Some(g) = self.okta_groups.get(&m.target_group_id) {
            t.push(log::LogEntity::new(&g.id, "AppGroup", &g.name, &g.name));
        }
        let name = t.get(1).map(|g| g.display_name.clone()).unwrap_or_default();
        t.push(log::LogEntity::new(&m.id, "GroupPushMapping", &m.id, &name));
        t
    }

    /// Statsig groups the worker must delete (unlinked with "Delete"), taken.
    pub fn take_scim_deletes(&mut self) -> Vec<String> {
        std::mem::take(&mut self.scim_deletes)
    }

    /// A mapping as Okta's API answers it (absent fields omitted, as observed).
    pub fn push_mapping_json(m: &PushMappingRec) -> Value {
        let mut v = json!({
            "id": m.id, "sourceGroupId": m.source_group_id, "targetGroupId": m.target_group_id,
            "status": m.status, "created": m.created, "lastUpdated": m.last_updated,
            "_links": {
                "app": {"href": format!("/api/v1/apps/{}", m.app_id)},
                "sourceGroup": {"href": format!("/api/v1/groups/{}", m.source_group_id)},
                "targetGroup": {"href": format!("/api/v1/groups/{}", m.target_group_id)},
            },
        });
        if let Some(p) = &m.last_push {
            v["lastPush"] = json!(p);
        }
        if let Some(e) = &m.error_summary {
            v["errorSummary"] = json!(e);
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::okta_time;

    #[test]
    fn okta_times_have_no_fraction() {
        assert_eq!(
            okta_time("2026-03-25T06:09:58.123Z"),
            "2026-03-25T06:09:58Z"
        );
        assert_eq!(okta_time("2026-03-25T06:09:58Z"), "2026-03-25T06:09:58Z");
    }
}
