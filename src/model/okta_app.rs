//! Okta's side of Group Push: the Statsig app instance in Okta, the users assigned to it
//! (with the SCIM id Statsig gave each as `externalId`), the Statsig groups imported into
//! Okta (APP_GROUPs), and Okta's own push mappings with their status.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The Okta feature an app needs for Group Push.
pub const GROUP_PUSH: &str = "GROUP_PUSH";

/// An app instance in Okta.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OktaApp {
    /// The id (`0oa…`).
    pub id: String,
    /// What admins call it ("Statsig SCIM").
    pub label: String,
    /// ACTIVE or INACTIVE.
    pub status: String,
    /// AUTO_LOGIN (SWA), SAML_2_0, …
    #[serde(default)]
    pub sign_on_mode: String,
    /// GROUP_PUSH, PUSH_NEW_USERS, …
    #[serde(default)]
    pub features: Vec<String>,
}

impl OktaApp {
    /// Okta can push groups to it.
    pub fn has_group_push(&self) -> bool {
        self.features.iter().any(|f| f == GROUP_PUSH)
    }

    /// Active in Okta.
    pub fn is_active(&self) -> bool {
        self.status == "ACTIVE"
    }

    /// "Statsig SCIM (0oa…), active, Group Push" for pickers and messages.
    pub fn describe(&self) -> String {
        format!(
            "{} ({}), {}, {}",
            self.label,
            self.id,
            self.status.to_lowercase(),
            if self.has_group_push() {
                "Group Push"
            } else {
                "no Group Push"
            }
        )
    }
}

/// A user assigned to the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppUser {
    /// The Okta user id.
    pub okta_user_id: String,
    /// The user's id in Statsig (SCIM), once Okta provisioned it.
    #[serde(default)]
    pub external_id: Option<String>,
    /// The app username (the email).
    #[serde(default)]
    pub user_name: String,
}

/// A Statsig group imported into Okta (an APP_GROUP of the app).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppGroup {
    /// The Okta id (`00g…`): what a mapping's `targetGroupId` names.
    pub id: String,
    /// Its name: the Statsig group's displayName.
    pub name: String,
}

/// A push mapping's status in Okta.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OktaPushStatus {
    /// Okta pushes membership changes.
    Active,
    /// Okta pushes nothing.
    Inactive,
    /// The last push failed; Okta pushes nothing until it is retried.
    Error,
}

impl OktaPushStatus {
    /// Okta's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            OktaPushStatus::Active => "ACTIVE",
            OktaPushStatus::Inactive => "INACTIVE",
            OktaPushStatus::Error => "ERROR",
        }
    }

    /// Reads Okta's spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ACTIVE" => Some(OktaPushStatus::Active),
            "INACTIVE" => Some(OktaPushStatus::Inactive),
            "ERROR" => Some(OktaPushStatus::Error),
            _ => None,
        }
    }
}

/// One of Okta's Group Push mappings, as the Group Push Mappings API lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OktaPushMapping {
    /// The id (`gPm…`).
    pub id: String,
    /// The Okta group pushed.
    pub source_group_id: String,
    /// The APP_GROUP pushed into.
    pub target_group_id: String,
    /// ACTIVE, INACTIVE or ERROR.
    pub status: OktaPushStatus,
    /// When it was made.
    pub created: String,
    /// When it last changed.
    pub last_updated: String,
    /// When Okta last pushed it.
    #[serde(default)]
    pub last_push: Option<String>,
    /// Why the last push failed.
    #[serde(default)]
    pub error_summary: Option<String>,
}

/// What Okta knows of the Statsig app: the app, its users, its imported groups.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppSide {
    /// The app.
    pub app: Option<OktaApp>,
    /// Its users, by Okta user id.
    pub users: HashMap<String, AppUser>,
    /// Its imported groups, by name.
    pub groups: Vec<AppGroup>,
    /// The Okta groups assigned to the app (their members are assigned through them).
    pub assigned_groups: Vec<String>,
}

impl AppSide {
    /// The imported group named `name` (Statsig's displayName), any case.
    pub fn group_named(&self, name: &str) -> Option<&AppGroup> {
        self.groups
            .iter()
            .find(|g| g.name.eq_ignore_ascii_case(name))
    }

    /// The imported group with Okta id `id`.
    pub fn group(&self, id: &str) -> Option<&AppGroup> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// The app's label, or "the Statsig app".
    pub fn label(&self) -> &str {
        self.app
            .as_ref()
            .map(|a| a.label.as_str())
            .unwrap_or("the Statsig app")
    }
}

/// How the app is found among `candidates` (apps whose label starts with the search
/// text): the one active app with Group Push; else the admin chooses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppChoice {
    /// Exactly one fits.
    Found(OktaApp),
    /// None matches the search.
    None,
    /// Several fit, or none fits well: the admin picks.
    Choose(Vec<OktaApp>),
}

/// Picks the Statsig app from a search's results.
pub fn choose_app(candidates: Vec<OktaApp>) -> AppChoice {
    if candidates.is_empty() {
        return AppChoice::None;
    }
    let fitting: Vec<&OktaApp> = candidates
        .iter()
        .filter(|a| a.is_active() && a.has_group_push())
        .collect();
    match fitting.as_slice() {
        [one] => AppChoice::Found((*one).clone()),
        _ if candidates.len() == 1 => AppChoice::Found(candidates[0].clone()),
        _ => AppChoice::Choose(candidates),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(label: &str, status: &str, push: bool) -> OktaApp {
        OktaApp {
            id: format!("0oa{label}"),
            label: label.into(),
            status: status.into(),
            sign_on_mode: "AUTO_LOGIN".into(),
            features: if push {
                vec![GROUP_PUSH.into()]
            } else {
                vec![]
            },
        }
    }

    #[test]
    fn the_one_active_app_with_group_push_is_chosen_otherwise_the_admin_picks() {
        assert_eq!(choose_app(vec![]), AppChoice::None);
        let prod = app("Statsig SCIM", "ACTIVE", true);
        let staging = app("Statsig SCIM (staging)", "INACTIVE", true);
        let sso = app("Statsig Console", "ACTIVE", false);
        assert_eq!(
            choose_app(vec![prod.clone(), staging.clone(), sso.clone()]),
            AppChoice::Found(prod.clone())
        );
        let prod2 = app("Statsig SCIM EU", "ACTIVE", true);
        assert!(matches!(
            choose_app(vec![prod.clone(), prod2]),
            AppChoice::Choose(c) if c.len() == 2
        ));
        // A lone app without Group Push is still the app: the warning says what is missing.
        assert_eq!(choose_app(vec![sso.clone()]), AppChoice::Found(sso));
    }
}
