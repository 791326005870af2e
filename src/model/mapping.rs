//! Push mappings: one Okta group pushed to one Statsig group, with its status.

use serde::{Deserialize, Serialize};

/// How a mapping came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PushAction {
    /// Linked to an existing Statsig team group.
    Link,
    /// Created the Statsig team by pushing.
    Create,
}

/// A mapping's status, as in Okta's Push Groups tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status")]
pub enum MappingStatus {
    /// Pushed; changes are pushed as they come.
    Active,
    /// Nothing is pushed; memberships stay as they are.
    Inactive,
    /// A push is under way (or was, when the app stopped: it is re-planned at the next start).
    Pushing,
    /// The last push failed.
    Error {
        /// When.
        at: String,
        /// Why, in one sentence.
        cause: String,
        /// The failing request ("PATCH /Groups/…"), when one failed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        request: Option<String>,
        /// What must change first, when pushing again as it is cannot work (a name
        /// Statsig refuses, a deleted team); `None` when a retry may work.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fix: Option<String>,
    },
    /// The deletion guard held a push's removals (its adds went); the admin must confirm.
    NeedsConfirmation {
        /// When.
        at: String,
        /// Members the push would remove.
        removals: usize,
        /// Members the team role has.
        members: usize,
        /// Who would be removed (emails), as the push found them.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        names: Vec<String>,
    },
}

impl MappingStatus {
    /// The status as the Pushed groups list shows it.
    pub fn label(&self) -> &'static str {
        match self {
            MappingStatus::Active => "Active",
            MappingStatus::Inactive => "Inactive",
            MappingStatus::Pushing => "Pushing",
            MappingStatus::Error { .. } => "Error",
            MappingStatus::NeedsConfirmation { .. } => "Needs confirmation",
        }
    }
}

/// Members changed by the last push.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushCounts {
    /// Members added.
    pub added: usize,
    /// Members removed.
    pub removed: usize,
    /// Okta members that could not be pushed.
    pub skipped: usize,
    /// Requests sent.
    pub requests: usize,
}

/// Edits made in Statsig since the last push.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drift {
    /// Statsig user ids added in Statsig, not by a push.
    pub added_in_statsig: Vec<String>,
    /// Statsig user ids removed in Statsig.
    pub removed_in_statsig: Vec<String>,
}

impl Drift {
    /// Nothing changed in Statsig.
    pub fn is_empty(&self) -> bool {
        self.added_in_statsig.is_empty() && self.removed_in_statsig.is_empty()
    }
}

/// One Okta group pushed to one Statsig group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    /// The mapping's id (`m1`, …; never reused).
    pub id: String,
    /// The Okta group pushed.
    pub okta_group_id: String,
    /// Its name.
    pub okta_group_name: String,
    /// The Statsig group it feeds.
    pub statsig_group_id: String,
    /// Its name.
    pub statsig_group_name: String,
    /// Link or Create.
    pub action: PushAction,
    /// Active, Inactive, Pushing, Error or Needs confirmation.
    #[serde(flatten)]
    pub status: MappingStatus,
    /// When it was made.
    pub created: String,
    /// When it was last pushed.
    #[serde(default)]
    pub last_push: Option<String>,
    /// What the last push did.
    #[serde(default)]
    pub last_counts: Option<PushCounts>,
    /// The Statsig membership the last push left, to tell drift from our own changes.
    #[serde(default)]
    pub last_pushed_members: Vec<String>,
    /// Edits made in Statsig since the last push, when there are any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drift: Option<Drift>,
    /// For a mapping that lives in the service that pushes it (a backend that steers
    /// another pusher): what that service says of it. Files written before it had this
    /// name call it `okta`, and read the same.
    #[serde(default, alias = "okta", skip_serializing_if = "Option::is_none")]
    pub remote: Option<Remote>,
}

/// What the service that pushes a mapping says of it, beyond what every mapping has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remote {
    /// The group the mapping pushes into, by the service's own id.
    pub target_group_id: String,
    /// When the mapping last changed there.
    pub last_updated: String,
    /// The service's own summary of the last failed push.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_summary: Option<String>,
    /// Why the service still has work to do ("the group changed after its last push"),
    /// when it has: Statsig differing then is the service pushing, not drift.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<String>,
}

/// When a push holds its removals to ask: removing more than `max_removals` members, or
/// more than `max_percent` of a team role's members (Microsoft's "accidental deletions"
/// idea). The share counts only past a small team's floor: removing `small_removals`
/// members or fewer is never a mass removal, unless it empties the team role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guard {
    /// Removals allowed without asking.
    pub max_removals: usize,
    /// Share of a team role's members that may be removed without asking.
    pub max_percent: u32,
    /// Removals this small never count as mass, whatever the team's size (unless they
    /// empty the team role).
    #[serde(default = "default_small_removals")]
    pub small_removals: usize,
}

fn default_small_removals() -> usize {
    Guard::default().small_removals
}

impl Default for Guard {
    fn default() -> Self {
        Guard {
            max_removals: 10,
            max_percent: 20,
            small_removals: 2,
        }
    }
}

impl Guard {
    /// Does removing `removals` of `members` need the admin's confirmation?
    pub fn trips(&self, removals: usize, members: usize) -> bool {
        if removals == 0 {
            return false;
        }
        if removals > self.max_removals || removals >= members {
            return true;
        }
        removals > self.small_removals && removals * 100 > members * self.max_percent as usize
    }

    /// "more than 10 members, or more than 20% of a team role once more than 2 go".
    pub fn describe(&self) -> String {
        format!(
            "more than {} members, or more than {}% of a team role once more than {} go",
            self.max_removals, self.max_percent, self.small_removals
        )
    }
}

/// How an admin settles edits made directly in Statsig.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriftChoice {
    /// Push Okta's membership over Statsig's (Okta's own behaviour).
    Overwrite,
    /// Make the Okta group match Statsig's edits (members added there join it, members
    /// removed there leave it), then push.
    Adopt,
    /// Stop pushing; Statsig keeps its edits.
    Pause,
}

#[cfg(test)]
mod tests {
    use super::{Guard, Mapping, Remote};

    #[test]
    fn a_mapping_saved_with_its_okta_link_reads_as_its_remote_record() {
        let old = r#"{"id":"m1","okta_group_id":"00g1","okta_group_name":"Payments",
            "statsig_group_id":"","statsig_group_name":"Statsig-Checkout-Payments-Member",
            "action":"Create","status":"Active","created":"2026-01-01T00:00:00Z",
            "okta":{"target_group_id":"0oa9","last_updated":"2026-01-02T00:00:00Z",
            "pending":"the group changed after Okta's last push"}}"#;
        let m: Mapping = serde_json::from_str(old).unwrap();
        let want = Remote {
            target_group_id: "0oa9".into(),
            last_updated: "2026-01-02T00:00:00Z".into(),
            error_summary: None,
            pending: Some("the group changed after Okta's last push".into()),
        };
        assert_eq!(m.remote.as_ref(), Some(&want));
        let again: Mapping = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        assert_eq!(again, m, "written again, it reads the same");
    }

    #[test]
    fn the_guard_trips_above_either_threshold() {
        let g = Guard::default();
        assert!(!g.trips(0, 0));
        assert!(!g.trips(10, 100), "10 of 100: at both limits");
        assert!(g.trips(11, 1000), "more than 10 members");
        assert!(g.trips(3, 10), "30%");
        assert!(!g.trips(2, 10), "20% exactly");
        assert!(g.trips(1, 1), "emptying a one-member team");
        assert!(g.trips(2, 2), "emptying a two-member team");
    }

    #[test]
    fn a_small_team_has_a_floor_and_it_is_configurable() {
        let g = Guard::default();
        assert!(!g.trips(1, 2), "one of two is not a mass removal");
        assert!(!g.trips(2, 5), "two of five: under the floor");
        assert!(g.trips(3, 5), "three of five: past the floor and the share");
        let strict = Guard {
            small_removals: 0,
            ..g
        };
        assert!(strict.trips(1, 2), "no floor: 50% trips");
        let old: Guard =
            serde_json::from_str(r#"{"max_removals": 10, "max_percent": 20}"#).unwrap();
        assert_eq!(
            old, g,
            "settings saved before the floor read with its default"
        );
    }
}
