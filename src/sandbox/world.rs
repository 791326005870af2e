//! The sandbox's data and rules: one world behind both servers, so what a request to one
//! writes, the next request to either reads.

use super::patch;
use crate::model::filter::{self, Filter};
use crate::model::names::{self, ParsedName};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// Largest SCIM page served; announced as `filter.maxResults`.
pub const MAX_PAGE: usize = 1000;
/// Largest Okta page (`limit`).
pub const OKTA_MAX_LIMIT: usize = 200;

/// A SCIM failure: HTTP status, `scimType` and the sentence for `detail`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimFailure {
    pub status: u16,
    pub scim_type: Option<&'static str>,
    pub detail: String,
}

impl ScimFailure {
    pub fn new(status: u16, scim_type: Option<&'static str>, detail: impl Into<String>) -> Self {
        Self {
            status,
            scim_type,
            detail: detail.into(),
        }
    }

    pub fn body(&self) -> Value {
        let mut v = json!({"schemas": [ERROR_SCHEMA], "status": self.status.to_string(), "detail": self.detail});
        if let Some(t) = self.scim_type {
            v["scimType"] = json!(t);
        }
        v
    }
}

fn bad(scim_type: &'static str, detail: impl Into<String>) -> ScimFailure {
    ScimFailure::new(400, Some(scim_type), detail)
}

fn not_found(kind: &str, id: &str) -> ScimFailure {
    ScimFailure::new(404, None, format!("{kind} {id} not found"))
}

/// An Okta failure: status, `errorCode`, `errorSummary`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OktaFailure {
    pub status: u16,
    pub code: &'static str,
    pub summary: String,
}

impl OktaFailure {
    pub fn new(status: u16, code: &'static str, summary: impl Into<String>) -> Self {
        Self {
            status,
            code,
            summary: summary.into(),
        }
    }

    pub fn body(&self, error_id: &str) -> Value {
        json!({
            "errorCode": self.code,
            "errorSummary": self.summary,
            "errorLink": self.code,
            "errorId": error_id,
            "errorCauses": [],
        })
    }
}

/// SCIM resources of one type, in creation order, with a case-insensitive name index.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ResourceStore {
    by_seq: BTreeMap<u64, Value>,
    #[serde(skip)]
    seq_by_id: HashMap<String, u64>,
    #[serde(skip)]
    seq_by_name: HashMap<String, u64>,
    name_attr: String,
}

impl ResourceStore {
    fn new(name_attr: &str) -> Self {
        Self {
            name_attr: name_attr.to_string(),
            ..Default::default()
        }
    }

    fn reindex(&mut self) {
        self.seq_by_id.clear();
        self.seq_by_name.clear();
        let entries: Vec<(u64, String, Option<String>)> = self
            .by_seq
            .iter()
            .map(|(s, v)| (*s, id_of(v).to_string(), self.name_of(v)))
            .collect();
        for (seq, id, name) in entries {
            self.seq_by_id.insert(id, seq);
            if let Some(n) = name {
                self.seq_by_name.insert(n, seq);
            }
        }
    }

    fn name_of(&self, v: &Value) -> Option<String> {
        v.get(&self.name_attr)
            .and_then(Value::as_str)
            .map(str::to_lowercase)
    }

    pub fn len(&self) -> usize {
        self.by_seq.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_seq.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Value> {
        self.seq_by_id.get(id).and_then(|s| self.by_seq.get(s))
    }

    pub fn by_name(&self, name: &str) -> Option<&Value> {
        self.seq_by_name
            .get(&name.to_lowercase())
            .and_then(|s| self.by_seq.get(s))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Value> {
        self.by_seq.values()
    }

    fn insert(&mut self, seq: u64, v: Value) {
        if let Some(n) = self.name_of(&v) {
            self.seq_by_name.insert(n, seq);
        }
        self.seq_by_id.insert(id_of(&v).to_string(), seq);
        self.by_seq.insert(seq, v);
    }

    fn replace(&mut self, id: &str, v: Value) {
        let Some(&seq) = self.seq_by_id.get(id) else {
            return;
        };
        if let Some(old) = self.by_seq.get(&seq).and_then(|o| self.name_of(o)) {
            self.seq_by_name.remove(&old);
        }
        if let Some(n) = self.name_of(&v) {
            self.seq_by_name.insert(n, seq);
        }
        self.by_seq.insert(seq, v);
    }

    fn remove(&mut self, id: &str) -> Option<Value> {
        let seq = self.seq_by_id.remove(id)?;
        let v = self.by_seq.remove(&seq)?;
        if let Some(n) = self.name_of(&v) {
            self.seq_by_name.remove(&n);
        }
        Some(v)
    }

    fn get_mut_members(&mut self) -> impl Iterator<Item = &mut Value> {
        self.by_seq.values_mut()
    }
}

pub fn id_of(v: &Value) -> &str {
    v.get("id").and_then(Value::as_str).unwrap_or_default()
}

/// An Okta user.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OktaUserRec {
    pub id: String,
    pub status: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub login: String,
    pub created: String,
}

/// An Okta group with its members.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OktaGroupRec {
    pub id: String,
    pub name: String,
    pub description: String,
    pub kind: String,
    pub created: String,
    pub last_updated: String,
    pub last_membership_updated: String,
    pub members: BTreeSet<String>,
}

/// How strictly the SCIM side follows Statsig's rules.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rules {
    /// Relax group-name and email-domain rules for a generic SCIM checker.
    pub generic: bool,
    pub org_domain: String,
    pub projects: Vec<String>,
}

/// Everything both servers serve.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct World {
    pub rules: Rules,
    next_seq: u64,
    rng: u64,
    pub users: ResourceStore,
    pub groups: ResourceStore,
    /// Okta users and groups by id; lists are served in id order, so `after=<id>` pages.
    pub okta_users: BTreeMap<String, OktaUserRec>,
    pub okta_groups: BTreeMap<String, OktaGroupRec>,
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

    pub fn new(seed: u64, rules: Rules) -> Self {
        World {
            rules,
            next_seq: 1,
            rng: seed ^ 0x9E37_79B9_7F4A_7C15,
            users: ResourceStore::new("userName"),
            groups: ResourceStore::new("displayName"),
            okta_users: BTreeMap::new(),
            okta_groups: BTreeMap::new(),
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

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    fn token(&mut self, len: usize) -> String {
        (0..len).map(|_| BASE62[self.below(62)] as char).collect()
    }

    fn scim_id(&mut self) -> String {
        self.token(20)
    }

    fn seq(&mut self) -> u64 {
        let s = self.next_seq;
        self.next_seq += 1;
        s
    }

    fn meta(&self, kind: &str, id: &str, at: &str) -> Value {
        let base = if kind == "User" { "Users" } else { "Groups" };
        json!({"resourceType": kind, "created": at, "lastModified": at, "location": format!("/scim/{base}/{id}")})
    }

    // ---------------------------------------------------------------- SCIM users

    /// Creates a SCIM user. `at` is the creation time (fixed for seeded data).
    pub fn create_user(&mut self, mut body: Value, at: &str) -> Result<Value, ScimFailure> {
        let obj = body
            .as_object_mut()
            .ok_or_else(|| bad("invalidSyntax", "the request body is not a JSON object"))?;
        let user_name = obj
            .get("userName")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| bad("invalidValue", "userName is required"))?
            .to_string();
        if !self.rules.generic {
            let emails_ok = obj
                .get("emails")
                .and_then(Value::as_array)
                .is_some_and(|e| {
                    e.iter()
                        .any(|x| x.get("value").and_then(Value::as_str).is_some())
                });
            if !emails_ok {
                return Err(bad("invalidValue", "emails[].value is required"));
            }
            let name = obj.get("name");
            for part in ["givenName", "familyName"] {
                if name
                    .and_then(|n| n.get(part))
                    .and_then(Value::as_str)
                    .is_none()
                {
                    return Err(bad("invalidValue", format!("name.{part} is required")));
                }
            }
            let domain = crate::model::directory::email_domain(&user_name).unwrap_or_default();
            if domain != self.rules.org_domain {
                return Err(bad(
                    "invalidValue",
                    format!("User {user_name} is not allowed to be created in this organization"),
                ));
            }
        }
        if self.users.by_name(&user_name).is_some() {
            return Err(ScimFailure::new(
                409,
                Some("uniqueness"),
                format!("a user with userName {user_name} already exists"),
            ));
        }
        let id = self.scim_id();
        obj.insert("id".into(), json!(id));
        obj.entry("active").or_insert(json!(true));
        obj.insert("schemas".into(), json!([USER_SCHEMA]));
        obj.insert("meta".into(), self.meta("User", &id, at));
        obj.remove("password");
        let seq = self.seq();
        self.users.insert(seq, body.clone());
        Ok(body)
    }

    pub fn get_user(&self, id: &str) -> Result<Value, ScimFailure> {
        self.users
            .get(id)
            .cloned()
            .ok_or_else(|| not_found("User", id))
    }

    pub fn patch_user(&mut self, id: &str, ops: &Value) -> Result<Value, ScimFailure> {
        let current = self.get_user(id)?;
        let mut next = current.clone();
        apply_ops(&mut next, ops)?;
        if !self.rules.generic {
            let mut a = current.clone();
            let mut b = next.clone();
            for v in [&mut a, &mut b] {
                if let Some(o) = v.as_object_mut() {
                    o.retain(|k, _| !k.eq_ignore_ascii_case("active"));
                }
            }
            if a != b {
                return Err(bad(
                    "mutability",
                    "Statsig only lets SCIM change a user's \"active\" flag",
                ));
            }
        }
        self.finish_user_write(id, current, next)
    }

    pub fn put_user(&mut self, id: &str, mut body: Value) -> Result<Value, ScimFailure> {
        let current = self.get_user(id)?;
        let obj = body
            .as_object_mut()
            .ok_or_else(|| bad("invalidSyntax", "the request body is not a JSON object"))?;
        obj.insert("id".into(), json!(id));
        obj.remove("password");
        if obj.get("userName").and_then(Value::as_str).is_none() {
            return Err(bad("invalidValue", "userName is required"));
        }
        if !self.rules.generic && body.get("userName") != current.get("userName") {
            return Err(bad(
                "mutability",
                "Statsig does not let SCIM change a user's userName",
            ));
        }
        self.finish_user_write(id, current, body)
    }

    fn finish_user_write(
        &mut self,
        id: &str,
        current: Value,
        mut next: Value,
    ) -> Result<Value, ScimFailure> {
        let name = next
            .get("userName")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if name.trim().is_empty() {
            return Err(bad("invalidValue", "userName is required"));
        }
        if let Some(other) = self.users.by_name(&name)
            && id_of(other) != id
        {
            return Err(ScimFailure::new(
                409,
                Some("uniqueness"),
                format!("userName {name} is taken"),
            ));
        }
        self.stamp(&mut next, &current, id, USER_SCHEMA);
        self.users.replace(id, next.clone());
        Ok(next)
    }

    /// Keeps what a write may not change (id, schemas, created) and stamps lastModified.
    fn stamp(&self, next: &mut Value, current: &Value, id: &str, schema: &str) {
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

    pub fn delete_user(&mut self, id: &str) -> Result<(), ScimFailure> {
        if !self.rules.generic {
            return Err(ScimFailure::new(
                405,
                None,
                "Statsig does not delete users over SCIM; set active to false instead",
            ));
        }
        self.users.remove(id).ok_or_else(|| not_found("User", id))?;
        for g in self.groups.get_mut_members() {
            if let Some(Value::Array(m)) = g.get_mut("members") {
                m.retain(|x| x.get("value").and_then(Value::as_str) != Some(id));
            }
        }
        Ok(())
    }

    // ---------------------------------------------------------------- SCIM groups

    fn new_group(&mut self, name: &str, at: &str) -> Value {
        let id = self.scim_id();
        json!({"schemas": [GROUP_SCHEMA], "id": id, "displayName": name, "members": [],
               "meta": self.meta("Group", &id, at)})
    }

    /// Checks `members` of a group body, fills in `display`, drops duplicates.
    fn clean_members(&self, group: &mut Value) -> Result<(), ScimFailure> {
        let Some(obj) = group.as_object_mut() else {
            return Err(bad("invalidSyntax", "the group is not a JSON object"));
        };
        let key = obj
            .keys()
            .find(|k| k.eq_ignore_ascii_case("members"))
            .cloned();
        let Some(key) = key else {
            obj.insert("members".into(), json!([]));
            return Ok(());
        };
        let members = match obj.remove(&key) {
            Some(Value::Array(m)) => m,
            Some(Value::Null) | None => Vec::new(),
            Some(_) => return Err(bad("invalidValue", "members must be a list")),
        };
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for m in members {
            let Some(uid) = m.get("value").and_then(Value::as_str) else {
                return Err(bad(
                    "invalidValue",
                    "every member needs a \"value\" with the user's id",
                ));
            };
            if self.rules.generic {
                // A generic checker invents member references: keep them as sent.
                if seen.insert(uid.to_string()) {
                    out.push(m.clone());
                }
                continue;
            }
            let Some(user) = self.users.get(uid) else {
                return Err(bad("invalidValue", format!("no user has id \"{uid}\"")));
            };
            if seen.insert(uid.to_string()) {
                let display = user.get("userName").cloned().unwrap_or(Value::Null);
                let mut entry =
                    json!({"value": uid, "display": display, "$ref": format!("/scim/Users/{uid}")});
                if let Some(t) = m.get("type") {
                    entry["type"] = t.clone();
                }
                out.push(entry);
            }
        }
        obj.insert("members".into(), Value::Array(out));
        Ok(())
    }

    /// Creates a group. Under Statsig's rules a valid team name creates the team (both
    /// role groups) and returns the requested one.
    pub fn create_group(&mut self, body: Value, at: &str) -> Result<Value, ScimFailure> {
        let name = body
            .get("displayName")
            .and_then(Value::as_str)
            .map(str::to_string)
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| bad("invalidValue", "displayName is required"))?;
        if let Some(existing) = self.groups.by_name(&name) {
            return Err(ScimFailure::new(
                409,
                Some("uniqueness"),
                format!(
                    "a group named \"{name}\" already exists (id {})",
                    id_of(existing)
                ),
            ));
        }
        if self.rules.generic {
            let mut group = body.clone();
            let fresh = self.new_group(&name, at);
            if let Some(o) = group.as_object_mut() {
                for k in ["id", "schemas", "meta"] {
                    o.insert(k.into(), fresh[k].clone());
                }
            }
            self.clean_members(&mut group)?;
            let seq = self.seq();
            self.groups.insert(seq, group.clone());
            return Ok(group);
        }
        let (project, team, role) = match names::parse_group_name(&name, &self.rules.projects) {
            ParsedName::Team {
                project,
                team,
                role,
            } => (project, team, role),
            ParsedName::Project { project, .. } => {
                return Err(bad(
                    "invalidValue",
                    format!(
                        "\"{name}\" is a project role group of \"{project}\"; projects cannot be created over SCIM"
                    ),
                ));
            }
            ParsedName::NotStatsig => {
                return Err(bad(
                    "invalidValue",
                    format!(
                        "\"{name}\" is not a Statsig team name: it must look like Statsig-<Project>-<Team>-<Admin|Member>"
                    ),
                ));
            }
            other => {
                return Err(bad(
                    "invalidValue",
                    format!(
                        "\"{name}\" is not a valid team name: {}",
                        other.problem().unwrap_or_default()
                    ),
                ));
            }
        };
        if let Err(e) = names::validate_new_team(&project, &team, role, &self.rules.projects) {
            return Err(bad("invalidValue", format!("\"{name}\": {e}")));
        }
        let mut requested = self.new_group(&name, at);
        if let Some(m) = body.get("members") {
            requested["members"] = m.clone();
        }
        self.clean_members(&mut requested)?;
        for other_role in names::Role::ALL {
            let other_name = names::team_group_name(&project, &team, other_role);
            if other_role == role {
                let seq = self.seq();
                self.groups.insert(seq, requested.clone());
            } else if self.groups.by_name(&other_name).is_none() {
                let g = self.new_group(&other_name, at);
                let seq = self.seq();
                self.groups.insert(seq, g);
            }
        }
        Ok(requested)
    }

    pub fn get_group(&self, id: &str) -> Result<Value, ScimFailure> {
        self.groups
            .get(id)
            .cloned()
            .ok_or_else(|| not_found("Group", id))
    }

    pub fn patch_group(&mut self, id: &str, ops: &Value) -> Result<Value, ScimFailure> {
        let current = self.get_group(id)?;
        let mut next = current.clone();
        apply_ops(&mut next, ops)?;
        self.finish_group_write(id, current, next)
    }

    pub fn put_group(&mut self, id: &str, mut body: Value) -> Result<Value, ScimFailure> {
        let current = self.get_group(id)?;
        if !body.is_object() {
            return Err(bad(
                "invalidSyntax",
                "the request body is not a JSON object",
            ));
        }
        body["id"] = json!(id);
        self.finish_group_write(id, current, body)
    }

    fn finish_group_write(
        &mut self,
        id: &str,
        current: Value,
        mut next: Value,
    ) -> Result<Value, ScimFailure> {
        let old_name = current
            .get("displayName")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let new_name = next
            .get("displayName")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("invalidValue", "displayName is required"))?
            .to_string();
        if new_name != old_name {
            if !self.rules.generic {
                return Err(bad(
                    "mutability",
                    "Statsig does not support renaming groups; turn off \"Rename groups\"",
                ));
            }
            if let Some(other) = self.groups.by_name(&new_name)
                && id_of(other) != id
            {
                return Err(ScimFailure::new(
                    409,
                    Some("uniqueness"),
                    format!("a group named \"{new_name}\" already exists"),
                ));
            }
        }
        if !self.rules.generic
            && let Some(o) = next.as_object()
            && let Some(k) = o.keys().find(|k| {
                !matches!(
                    k.to_ascii_lowercase().as_str(),
                    "id" | "displayname" | "members" | "schemas" | "meta" | "externalid"
                )
            })
        {
            return Err(bad(
                "invalidPath",
                format!("Statsig groups have no attribute \"{k}\""),
            ));
        }
        self.clean_members(&mut next)?;
        self.stamp(&mut next, &current, id, GROUP_SCHEMA);
        self.groups.replace(id, next.clone());
        Ok(next)
    }

    /// Deletes a group; under Statsig's rules deleting a team-role group deletes the team.
    pub fn delete_group(&mut self, id: &str) -> Result<(), ScimFailure> {
        let group = self.get_group(id)?;
        if self.rules.generic {
            self.groups.remove(id);
            return Ok(());
        }
        let name = group
            .get("displayName")
            .and_then(Value::as_str)
            .unwrap_or_default();
        match names::parse_group_name(name, &self.rules.projects) {
            ParsedName::Team { project, team, .. } => {
                for role in names::Role::ALL {
                    let n = names::team_group_name(&project, &team, role);
                    if let Some(gid) = self.groups.by_name(&n).map(|g| id_of(g).to_string()) {
                        self.groups.remove(&gid);
                    }
                }
                Ok(())
            }
            ParsedName::Project { project, .. } => Err(bad(
                "mutability",
                format!(
                    "\"{name}\" is a project role group of \"{project}\"; projects cannot be deleted over SCIM"
                ),
            )),
            _ => {
                self.groups.remove(id);
                Ok(())
            }
        }
    }

    /// Lists resources with RFC 7644 paging and filtering, at most `max` per page.
    pub fn list(
        &self,
        groups: bool,
        filter: Option<&str>,
        start_index: Option<i64>,
        count: Option<i64>,
        max: usize,
    ) -> Result<(usize, Vec<&Value>, usize), ScimFailure> {
        let store = if groups { &self.groups } else { &self.users };
        let parsed: Option<Filter> = match filter.map(str::trim).filter(|f| !f.is_empty()) {
            Some(f) => Some(filter::parse(f).map_err(|e| bad("invalidFilter", e.to_string()))?),
            None => None,
        };
        let start = start_index.unwrap_or(1).max(1) as usize;
        let count = count.map_or(max, |c| {
            c.clamp(0, max.min(i64::MAX as usize) as i64) as usize
        });
        let name_attr = if groups { "displayName" } else { "userName" };
        // An exact-name lookup uses the index instead of a scan.
        if let Some(name) = parsed.as_ref().and_then(|f| f.as_eq_on(name_attr)) {
            let hit: Vec<&Value> = store.by_name(name).into_iter().collect();
            let total = hit.len();
            let page: Vec<&Value> = hit.into_iter().skip(start - 1).take(count).collect();
            return Ok((total, page, start));
        }
        let mut total = 0;
        let mut page = Vec::new();
        for v in store.iter() {
            if parsed.as_ref().is_none_or(|f| f.matches(v)) {
                total += 1;
                if total >= start && page.len() < count {
                    page.push(v);
                }
            }
        }
        Ok((total, page, start))
    }

    // ---------------------------------------------------------------- Okta

    pub fn okta_id(&mut self, prefix: &str) -> String {
        format!("{prefix}{}", self.token(17))
    }

    pub fn add_okta_user(&mut self, first: &str, last: &str, email: &str, status: &str) -> String {
        let id = self.okta_id("00u");
        self.okta_users.insert(
            id.clone(),
            OktaUserRec {
                id: id.clone(),
                status: status.to_string(),
                first_name: first.to_string(),
                last_name: last.to_string(),
                email: email.to_string(),
                login: email.to_string(),
                created: self.seeded_at.clone(),
            },
        );
        id
    }

    pub fn okta_group_by_name(&self, name: &str) -> Option<&OktaGroupRec> {
        self.okta_groups
            .values()
            .find(|g| g.name.eq_ignore_ascii_case(name))
    }

    pub fn create_okta_group(
        &mut self,
        name: &str,
        description: &str,
        kind: &str,
        at: &str,
    ) -> Result<OktaGroupRec, OktaFailure> {
        let name = name.trim();
        if name.is_empty() {
            return Err(OktaFailure::new(
                400,
                "E0000001",
                "Api validation failed: name: The field cannot be left blank",
            ));
        }
        if name.chars().count() > 255 {
            return Err(OktaFailure::new(
                400,
                "E0000001",
                "Api validation failed: name: The field is too long",
            ));
        }
        if kind == "OKTA_GROUP"
            && self
                .okta_group_by_name(name)
                .is_some_and(|g| g.kind == "OKTA_GROUP")
        {
            return Err(OktaFailure::new(
                400,
                "E0000001",
                format!(
                    "Api validation failed: name: An object with this field already exists in the current organization ({name})"
                ),
            ));
        }
        let id = self.okta_id("00g");
        let g = OktaGroupRec {
            id: id.clone(),
            name: name.to_string(),
            description: description.to_string(),
            kind: kind.to_string(),
            created: at.to_string(),
            last_updated: at.to_string(),
            last_membership_updated: at.to_string(),
            members: BTreeSet::new(),
        };
        self.okta_groups.insert(id, g.clone());
        Ok(g)
    }

    fn okta_group_mut(&mut self, gid: &str) -> Result<&mut OktaGroupRec, OktaFailure> {
        self.okta_groups.get_mut(gid).ok_or_else(|| {
            OktaFailure::new(
                404,
                "E0000007",
                format!("Not found: Resource not found: {gid} (UserGroup)"),
            )
        })
    }

    pub fn set_okta_membership(
        &mut self,
        gid: &str,
        uid: &str,
        member: bool,
        at: &str,
    ) -> Result<(), OktaFailure> {
        if !self.okta_users.contains_key(uid) {
            return Err(OktaFailure::new(
                404,
                "E0000007",
                format!("Not found: Resource not found: {uid} (User)"),
            ));
        }
        let g = self.okta_group_mut(gid)?;
        if g.kind != "OKTA_GROUP" {
            return Err(OktaFailure::new(
                403,
                "E0000006",
                format!(
                    "You do not have permission to perform the requested action: {} is an {} and its members are managed elsewhere",
                    g.name, g.kind
                ),
            ));
        }
        let changed = if member {
            g.members.insert(uid.to_string())
        } else {
            g.members.remove(uid)
        };
        if changed {
            g.last_membership_updated = at.to_string();
        }
        Ok(())
    }

    pub fn delete_okta_group(&mut self, gid: &str) -> Result<(), OktaFailure> {
        let g = self.okta_group_mut(gid)?;
        if g.kind == "BUILT_IN" {
            return Err(OktaFailure::new(
                403,
                "E0000006",
                "You do not have permission to perform the requested action: the Everyone group cannot be deleted",
            ));
        }
        self.okta_groups.remove(gid);
        Ok(())
    }

    pub fn okta_user_json(u: &OktaUserRec) -> Value {
        json!({
            "id": u.id, "status": u.status, "created": u.created, "activated": u.created,
            "statusChanged": u.created, "lastLogin": null, "lastUpdated": u.created,
            "passwordChanged": null, "type": {"id": "oty00000000000000000"},
            "profile": {"firstName": u.first_name, "lastName": u.last_name, "email": u.email,
                         "login": u.login, "mobilePhone": null, "secondEmail": null},
            "_links": {"self": {"href": format!("/api/v1/users/{}", u.id)}},
        })
    }

    pub fn okta_group_json(g: &OktaGroupRec) -> Value {
        json!({
            "id": g.id, "created": g.created, "lastUpdated": g.last_updated,
            "lastMembershipUpdated": g.last_membership_updated,
            "objectClass": ["okta:user_group"], "type": g.kind,
            "profile": {"name": g.name, "description": g.description},
            "_links": {"users": {"href": format!("/api/v1/groups/{}/users", g.id)}},
        })
    }

    // ---------------------------------------------------------------- test helpers

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

/// Applies a PatchOp body's operations in order; all or nothing.
fn apply_ops(resource: &mut Value, body: &Value) -> Result<(), ScimFailure> {
    let ops = body
        .get("Operations")
        .or_else(|| body.get("operations"))
        .and_then(Value::as_array)
        .ok_or_else(|| {
            bad(
                "invalidSyntax",
                "the PatchOp body has no \"Operations\" list",
            )
        })?;
    let mut next = resource.clone();
    for op in ops {
        let name = op
            .get("op")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("invalidSyntax", "every operation needs \"op\""))?;
        let path = op.get("path").and_then(Value::as_str);
        patch::apply(&mut next, name, path, op.get("value").cloned())
            .map_err(|e| bad(e.scim_type, e.detail))?;
    }
    *resource = next;
    Ok(())
}

/// `attributes` / `excludedAttributes` projection. `id` and `schemas` are always returned.
pub fn project(resource: &Value, attributes: Option<&str>, excluded: Option<&str>) -> Value {
    let split = |s: &str| -> Vec<String> {
        s.split(',')
            .map(|a| filter::strip_urn(a.trim()).to_string())
            .filter(|a| !a.is_empty())
            .collect()
    };
    let Some(obj) = resource.as_object() else {
        return resource.clone();
    };
    let always = |k: &str| k == "id" || k == "schemas";
    if let Some(attrs) = attributes.map(split).filter(|a| !a.is_empty()) {
        let mut out = Map::new();
        for (k, v) in obj {
            if always(k) {
                out.insert(k.clone(), v.clone());
                continue;
            }
            let wanted: Vec<&String> = attrs
                .iter()
                .filter(|a| {
                    a.split('.')
                        .next()
                        .is_some_and(|h| h.eq_ignore_ascii_case(k))
                })
                .collect();
            if wanted.is_empty() {
                continue;
            }
            if wanted.iter().any(|a| !a.contains('.')) {
                out.insert(k.clone(), v.clone());
            } else if let Some(sub) = v.as_object() {
                let subs: Vec<&str> = wanted
                    .iter()
                    .filter_map(|a| a.split_once('.').map(|(_, s)| s))
                    .collect();
                let kept: Map<String, Value> = sub
                    .iter()
                    .filter(|(sk, _)| subs.iter().any(|s| s.eq_ignore_ascii_case(sk)))
                    .map(|(a, b)| (a.clone(), b.clone()))
                    .collect();
                out.insert(k.clone(), Value::Object(kept));
            } else {
                out.insert(k.clone(), v.clone());
            }
        }
        return Value::Object(out);
    }
    if let Some(ex) = excluded.map(split).filter(|a| !a.is_empty()) {
        let mut out = obj.clone();
        for a in ex {
            match a.split_once('.') {
                None => {
                    if let Some(k) = out
                        .keys()
                        .find(|k| k.eq_ignore_ascii_case(&a) && !always(k))
                        .cloned()
                    {
                        out.remove(&k);
                    }
                }
                Some((head, sub)) => {
                    if let Some(Value::Object(o)) = out
                        .iter_mut()
                        .find(|(k, _)| k.eq_ignore_ascii_case(head))
                        .map(|(_, v)| v)
                        && let Some(k) = o.keys().find(|k| k.eq_ignore_ascii_case(sub)).cloned()
                    {
                        o.remove(&k);
                    }
                }
            }
        }
        return Value::Object(out);
    }
    resource.clone()
}
