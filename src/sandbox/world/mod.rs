//! The sandbox's data and rules: one world behind both servers, so what a request to one
//! writes, the next request to either reads. SCIM resources and Okta records live in
//! their own files; this one holds the world itself and its deterministic ids.

mod apps;
mod attributes;
mod failure;
pub mod log;
mod okta;
mod push;
mod scim;
mod store;

pub use apps::{AppGroupAssignment, AppRec, AppUserRec, STATSIG_APP_LABEL};
pub use attributes::project;
pub use failure::{ERROR_SCHEMA, OktaFailure, ScimFailure};
pub use log::{LogEntity, LogEventRec};
pub use okta::{OktaGroupRec, OktaUserRec};
pub use push::{PushJob, PushMappingRec, PushOutcome, okta_time, push_error_summary};
pub use store::{ResourceStore, id_of};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The SCIM core User schema.
pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The SCIM core Group schema.
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
/// The SCIM ListResponse message schema.
pub const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

/// Largest SCIM page served; announced as `filter.maxResults`.
pub const MAX_PAGE: usize = 1000;
/// Largest Okta page (`limit`).
pub const OKTA_MAX_LIMIT: usize = 200;

/// How strictly the SCIM side follows Statsig's rules.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rules {
    /// Relax group-name and email-domain rules for a generic SCIM checker.
    pub generic: bool,
    /// The email domain users must have.
    pub org_domain: String,
    /// The Statsig organization's projects.
    pub projects: Vec<String>,
}

/// Everything both servers serve.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct World {
    /// The rules in force.
    pub rules: Rules,
    next_seq: u64,
    rng: u64,
    /// SCIM users.
    pub users: ResourceStore,
    /// SCIM groups.
    pub groups: ResourceStore,
    /// Okta users and groups by id; lists are served in id order, so `after=<id>` pages.
    pub okta_users: BTreeMap<String, OktaUserRec>,
    /// Okta groups by id.
    pub okta_groups: BTreeMap<String, OktaGroupRec>,
    /// Okta app instances by id.
    #[serde(default)]
    pub apps: BTreeMap<String, AppRec>,
    /// Each app's user assignments, by app id then Okta user id.
    #[serde(default)]
    pub app_users: BTreeMap<String, BTreeMap<String, AppUserRec>>,
    /// Each app's group assignments, by app id then Okta group id.
    #[serde(default)]
    pub app_group_assignments: BTreeMap<String, BTreeMap<String, AppGroupAssignment>>,
    /// Group Push mappings of every app, by id.
    #[serde(default)]
    pub push_mappings: BTreeMap<String, PushMappingRec>,
    /// Statsig groups the push worker still has to delete.
    #[serde(default)]
    pub scim_deletes: Vec<String>,
    /// Okta's System Log, in the order the events were written.
    #[serde(default)]
    pub system_log: Vec<LogEventRec>,
    /// The next event's sequence number.
    #[serde(default)]
    pub log_seq: u64,
    /// Who the System Log names for changes made now (the API token's admin when `None`):
    /// the seed's console admins.
    #[serde(skip)]
    pub acting: Option<LogEntity>,
    /// A fixed clock for seeded data; request-time changes use the real clock.
    pub seeded_at: String,
    /// While seeding, every change is stamped with `seeded_at` so that two sandboxes from
    /// the same seed serve identical data.
    #[serde(skip)]
    pub frozen_clock: bool,
}

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

impl World {
    /// The time to stamp a change with.
    pub fn now(&self) -> String {
        if self.frozen_clock {
            self.seeded_at.clone()
        } else {
            crate::clock::now()
        }
    }

    /// An empty world drawing from `seed`.
    pub fn new(seed: u64, rules: Rules) -> Self {
        World {
            rules,
            next_seq: 1,
            rng: seed ^ 0x9E37_79B9_7F4A_7C15,
            users: ResourceStore::new("userName"),
            groups: ResourceStore::new("displayName"),
            okta_users: BTreeMap::new(),
            okta_groups: BTreeMap::new(),
            apps: BTreeMap::new(),
            app_users: BTreeMap::new(),
            app_group_assignments: BTreeMap::new(),
            push_mappings: BTreeMap::new(),
            scim_deletes: Vec::new(),
            system_log: Vec::new(),
            log_seq: 0,
            acting: None,
            seeded_at: "2026-01-05T09:00:00.000Z".to_string(),
            frozen_clock: false,
        }
    }

    /// Rebuilds indices after deserialising.
    pub fn reindex(&mut self) {
        self.users.reindex();
        self.groups.reindex();
    }

    /// SplitMix64: deterministic ids and demo data from the seed.
    pub fn next_u64(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    pub(super) fn token(&mut self, len: usize) -> String {
        (0..len).map(|_| BASE62[self.below(62)] as char).collect()
    }

    pub(super) fn scim_id(&mut self) -> String {
        self.token(20)
    }

    pub(super) fn seq(&mut self) -> u64 {
        let s = self.next_seq;
        self.next_seq += 1;
        s
    }

    pub(super) fn meta(&self, kind: &str, id: &str, at: &str) -> Value {
        let base = if kind == "User" { "Users" } else { "Groups" };
        json!({"resourceType": kind, "created": at, "lastModified": at, "location": format!("/scim/{base}/{id}")})
    }

    /// Keeps what a write may not change (id, schemas, created) and stamps lastModified.
    pub(super) fn stamp(&self, next: &mut Value, current: &Value, id: &str, schema: &str) {
        if let Some(o) = next.as_object_mut() {
            o.insert("id".into(), json!(id));
            o.insert(
                "schemas".into(),
                current.get("schemas").cloned().unwrap_or(json!([schema])),
            );
            let mut meta = current.get("meta").cloned().unwrap_or(json!({}));
            meta["lastModified"] = json!(self.now());
            o.insert("meta".into(), meta);
        }
    }

    /// A Statsig team-role group's member ids, by name (tests and out-of-band edits).
    pub fn group_member_ids(&self, name: &str) -> Option<Vec<String>> {
        self.groups.by_name(name).map(|g| {
            let mut ids: Vec<String> = g
                .get("members")
                .and_then(Value::as_array)
                .map(|m| {
                    m.iter()
                        .filter_map(|x| x.get("value").and_then(Value::as_str).map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            ids.sort();
            ids
        })
    }

    /// The SCIM user id with this userName.
    pub fn user_id_by_name(&self, user_name: &str) -> Option<String> {
        self.users.by_name(user_name).map(|u| id_of(u).to_string())
    }
}
