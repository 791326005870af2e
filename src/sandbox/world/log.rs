//! Okta's System Log as the emulator keeps it: one event for every change made to a push
//! mapping, every push the worker makes or fails, and every group assigned to an app,
//! with Okta's event type names, actor, targets and outcome (LogEvent, as
//! `GET /api/v1/logs` answers it).

use super::World;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// A mapping was made through the API or the console.
pub const MAPPING_CREATED: &str = "application.provision.group_push.mapping.created";
/// A push rule made a mapping.
pub const MAPPING_FROM_RULE: &str = "app.user_management.grouppush.mapping.created.from.rule";
/// A mapping was activated.
pub const MAPPING_ACTIVATED: &str = "application.provision.group_push.activate_mapping";
/// A mapping was deactivated.
pub const MAPPING_DEACTIVATED: &str = "application.provision.group_push.deactivate_mapping";
/// A mapping was deleted with its target group.
pub const APP_GROUP_DELETED: &str = "application.provision.group_push.delete_appgroup";
/// A mapping was unlinked, its target group left in place. Okta's catalog names no event
/// of its own for this; clients show it by its `displayMessage`.
pub const MAPPING_DELETED: &str = "application.provision.group_push.mapping.deleted";
/// A full push of a mapping.
pub const PUSHED: &str = "application.provision.group_push.pushed";
/// Membership changes pushed.
pub const PUSH_MEMBERSHIPS: &str = "application.provision.group_push.push_memberships";
/// A push failed; Okta retries it.
pub const PUSH_FAILED: &str = "application.provision.group_push.mapping.update.or.delete.failed";
/// A push failed and is not retried: an admin must act.
pub const PUSH_FAILED_WITH_ERROR: &str =
    "application.provision.group_push.mapping.update.or.delete.failed.with.error";
/// A group was assigned to an app.
pub const APP_ASSIGNMENT_ADDED: &str = "group.application_assignment.add";

/// Who did something (`actor`) or what it was done to (`target`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntity {
    /// The id.
    pub id: String,
    /// User, SystemPrincipal, AppInstance, UserGroup, AppGroup, GroupPushMapping, …
    pub kind: String,
    /// A login, an app's key, a group's name.
    pub alternate_id: String,
    /// What people call it.
    pub display_name: String,
}

impl LogEntity {
    /// An entity of `kind`.
    pub fn new(id: &str, kind: &str, alternate_id: &str, display_name: &str) -> Self {
        LogEntity {
            id: id.to_string(),
            kind: kind.to_string(),
            alternate_id: alternate_id.to_string(),
            display_name: display_name.to_string(),
        }
    }

    /// The admin the sandbox's API token belongs to.
    pub fn api_admin() -> Self {
        Self::new(
            "00usandboxadmin00001",
            "User",
            "okta-admin@example.com",
            "Okta API admin",
        )
    }

    /// Okta itself (its push worker).
    pub fn okta_system() -> Self {
        Self::new(
            "0oaoktasystem0000001",
            "SystemPrincipal",
            "system@okta.com",
            "Okta System",
        )
    }

    fn json(&self) -> Value {
        json!({"id": self.id, "type": self.kind, "alternateId": self.alternate_id,
               "displayName": self.display_name, "detailEntry": null})
    }
}

/// One System Log event.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogEventRec {
    /// Orders events published at the same instant.
    pub seq: u64,
    /// The event's UUID.
    pub uuid: String,
    /// When (the app's fixed-width form, milliseconds).
    pub published: String,
    /// Okta's event type name.
    pub event_type: String,
    /// Okta's sentence for it.
    pub display_message: String,
    /// INFO, WARN or ERROR.
    pub severity: String,
    /// Who did it.
    pub actor: LogEntity,
    /// SUCCESS or FAILURE.
    pub result: String,
    /// Why it failed.
    pub reason: Option<String>,
    /// What it was done to.
    pub targets: Vec<LogEntity>,
    /// `debugContext.debugData`: counts of a push.
    #[serde(default)]
    pub debug: BTreeMap<String, String>,
}

impl LogEventRec {
    /// The key events are served in: when, then in what order they were written.
    pub fn key(&self) -> String {
        format!("{}_{:010}", self.published, self.seq)
    }

    /// The event as `GET /api/v1/logs` answers it.
    pub fn json(&self) -> Value {
        json!({
            "uuid": self.uuid, "published": self.published, "eventType": self.event_type,
            "version": "0", "displayMessage": self.display_message, "severity": self.severity,
            "legacyEventType": null,
            "actor": self.actor.json(),
            "client": {"userAgent": null, "zone": "null", "device": null, "id": null,
                       "ipAddress": null, "geographicalContext": null},
            "outcome": {"result": self.result, "reason": self.reason},
            "target": self.targets.iter().map(LogEntity::json).collect::<Vec<_>>(),
            "transaction": {"type": "JOB", "id": self.uuid, "detail": {}},
            "debugContext": {"debugData": self.debug},
            "authenticationContext": {"externalSessionId": null},
            "securityContext": {},
        })
    }
}

/// What a new event says; the world adds its uuid, time and actor.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// Okta's event type name.
    pub event_type: &'static str,
    /// Okta's sentence for it.
    pub message: String,
    /// Why it failed (`None` is a success).
    pub failure: Option<String>,
    /// What it was done to.
    pub targets: Vec<LogEntity>,
    /// Push counts.
    pub debug: BTreeMap<String, String>,
}

impl NewEvent {
    /// A successful event.
    pub fn ok(event_type: &'static str, message: &str, targets: Vec<LogEntity>) -> Self {
        NewEvent {
            event_type,
            message: message.to_string(),
            failure: None,
            targets,
            debug: BTreeMap::new(),
        }
    }
}

/// Did the push that failed with `summary` fail for a reason Okta retries (Statsig busy
/// or unreachable), rather than one an admin must fix?
pub fn retried_failure(summary: &str) -> bool {
    summary.contains("could not be reached")
        || summary.contains("answered 5")
        || summary.contains("answered 429")
}

/// The most characters Okta's `outcome.reason` holds.
pub const MAX_REASON: usize = 255;

/// `reason` cut to [`MAX_REASON`] characters, ending with `…` when cut.
fn short_reason(reason: &str) -> String {
    if reason.chars().count() <= MAX_REASON {
        return reason.to_string();
    }
    let mut cut: String = reason.chars().take(MAX_REASON - 1).collect();
    cut.push('…');
    cut
}

impl World {
    /// Writes an event at `at`, by the acting admin (the API token's unless the seed says
    /// who), or by Okta itself with `by_okta`.
    pub fn log_event(&mut self, ev: NewEvent, at: &str, by_okta: bool) {
        let seq = self.log_seq;
        self.log_seq += 1;
        let actor = if by_okta {
            LogEntity::okta_system()
        } else {
            self.acting.clone().unwrap_or_else(LogEntity::api_admin)
        };
        let severity = match (&ev.failure, ev.event_type) {
            (None, _) => "INFO",
            (Some(_), PUSH_FAILED) => "WARN",
            (Some(_), _) => "ERROR",
        };
        let salt = self.seeded_at.len() as u64 ^ 0x5eed;
        self.system_log.push(LogEventRec {
            seq,
            uuid: format!(
                "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
                seq as u32,
                (seq >> 32) as u16,
                salt & 0xfff,
                seq % 0xfff,
                seq.wrapping_mul(0x9E37_79B9) & 0xffff_ffff_ffff
            ),
            published: at.to_string(),
            event_type: ev.event_type.to_string(),
            display_message: ev.message,
            severity: severity.to_string(),
            actor,
            result: if ev.failure.is_some() {
                "FAILURE"
            } else {
                "SUCCESS"
            }
            .to_string(),
            reason: ev.failure.map(|r| short_reason(&r)),
            targets: ev.targets,
            debug: ev.debug,
        });
    }
}
