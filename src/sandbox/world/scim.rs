//! SCIM resources: users and groups under Statsig's rules (or a generic server's),
//! PATCH operations all or nothing, listing with paging and filters, and attribute
//! projection.

use super::attributes::apply_ops;
use super::failure::{ScimFailure, bad, not_found};
use super::store::id_of;
use super::{GROUP_SCHEMA, USER_SCHEMA, World};
use crate::model::filter::{self, Filter};
use crate::model::names::{self, ParsedName};
use serde_json::{Value, json};
use std::collections::BTreeSet;

impl World {
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

    /// `GET /Users/{id}`.
    pub fn get_user(&self, id: &str) -> Result<Value, ScimFailure> {
        self.users
            .get(id)
            .cloned()
            .ok_or_else(|| not_found("User", id))
    }

    /// `PATCH /Users/{id}`: under Statsig's rules, only `active` changes.
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

    /// `PUT /Users/{id}`.
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

    /// `DELETE /Users/{id}`: Statsig refuses it; a generic server deletes.
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

    /// `GET /Groups/{id}`.
    pub fn get_group(&self, id: &str) -> Result<Value, ScimFailure> {
        self.groups
            .get(id)
            .cloned()
            .ok_or_else(|| not_found("Group", id))
    }

    /// `PATCH /Groups/{id}`: the operations in order, all or nothing.
    pub fn patch_group(&mut self, id: &str, ops: &Value) -> Result<Value, ScimFailure> {
        let current = self.get_group(id)?;
        let mut next = current.clone();
        apply_ops(&mut next, ops)?;
        self.finish_group_write(id, current, next)
    }

    /// `PUT /Groups/{id}`: the whole group, as Okta's wizard-made apps send it.
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
}
