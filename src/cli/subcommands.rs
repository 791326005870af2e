//! The subcommands that read or change the directories and the mappings, each group an
//! enum its module matches in full (flattened into the command line by [`super::Command`]).

use clap::Subcommand;

/// Directories: read them, list them, change Okta groups.
#[derive(Debug, Subcommand)]
pub enum DirectoryCommand {
    /// List the apps in Okta that could be Statsig's (label starts with the search), and
    /// the one in use; pick one with --okta-app APP_ID.
    Apps,
    /// Sandbox only: Okta's Import Now of Statsig's groups into the Statsig app. Real Okta
    /// has no API for it: click Import Now in the app's Import tab.
    ImportNow,
    /// Import both directories and print a summary; `--out` also writes a snapshot.
    Import {
        /// Write a snapshot of what was imported to this file.
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
        /// Replace emails, names and ids in the snapshot by pseudonyms under the profile's
        /// key (the same in each file it redacts, so they compare).
        #[arg(long, requires = "out")]
        redact: bool,
    },
    /// List Statsig projects and teams with member counts.
    Teams {
        /// Only this project.
        #[arg(long)]
        project: Option<String>,
    },
    /// Show one team's members by role.
    Team {
        /// The project.
        project: String,
        /// The team.
        team: String,
    },
    /// List Okta users, with whether each is provisioned in Statsig.
    Users {
        /// Only users whose name or email contains this (case-insensitive).
        #[arg(long)]
        search: Option<String>,
    },
    /// List Okta groups with member counts (the Statsig app's imported groups too with
    /// --app-groups).
    Groups {
        /// Only groups whose name contains this (case-insensitive).
        #[arg(long)]
        search: Option<String>,
        /// Also list the Statsig app's groups that Okta imported from Statsig (the
        /// `Statsig-…` team groups a mapping pushes to, not groups to push from).
        #[arg(long)]
        app_groups: bool,
    },
    /// Create an Okta group of chosen users (a mapping group).
    CreateGroup {
        /// The new group's name.
        #[arg(long)]
        name: String,
        /// Its description.
        #[arg(long, default_value = "")]
        description: String,
        /// Member emails, comma-separated.
        #[arg(long, value_delimiter = ',')]
        members: Vec<String>,
    },
    /// Add a user to an Okta group.
    AddMember {
        /// The Okta group, by name or id.
        #[arg(long)]
        group: String,
        /// The user, by email or id.
        #[arg(long)]
        user: String,
    },
    /// Remove a user from an Okta group.
    RemoveMember {
        /// The Okta group, by name or id.
        #[arg(long)]
        group: String,
        /// The user, by email or id.
        #[arg(long)]
        user: String,
    },
}

/// Push mappings: make, list, push, unlink, verify, watch.
#[derive(Debug, Subcommand)]
pub enum MappingCommand {
    /// Show what pushing an Okta group into a Statsig group would do; sends nothing.
    Plan {
        /// The Okta group, by name or id.
        #[arg(long)]
        okta_group: String,
        /// The Statsig group, by name or id.
        #[arg(long)]
        statsig_group: String,
    },
    /// Link an Okta group to an existing Statsig team group, and push.
    Link {
        /// The Okta group, by name or id.
        #[arg(long)]
        okta_group: String,
        /// The Statsig team group, by name or id.
        #[arg(long)]
        statsig_group: String,
        /// Save the mapping without pushing memberships now.
        #[arg(long)]
        no_push: bool,
    },
    /// Create a Statsig team (`Statsig-<Project>-<Team>-Member`) from an Okta group, and push.
    #[command(
        about = "Create a Statsig team (Statsig-<Project>-<Team>-Member) from an Okta group, and push."
    )]
    Create {
        /// The Okta group, by name or id.
        #[arg(long)]
        okta_group: String,
        /// The project the team goes in.
        #[arg(long)]
        project: String,
        /// The new team's name.
        #[arg(long)]
        team: String,
        /// Save the mapping without pushing memberships now.
        #[arg(long)]
        no_push: bool,
    },
    /// List push mappings and their status.
    Mappings,
    /// Push one mapping now (by id or Okta group name).
    Push {
        /// The mapping: its id, or its Okta or Statsig group's name.
        mapping: String,
    },
    /// Push every mapping in Error again.
    Retry,
    /// Stop pushing a mapping; memberships stay.
    Deactivate {
        /// The mapping: its id, or its Okta or Statsig group's name.
        mapping: String,
    },
    /// Resume pushing a mapping, and push.
    Activate {
        /// The mapping: its id, or its Okta or Statsig group's name.
        mapping: String,
    },
    /// Unlink a mapping: --delete deletes the Statsig team, --leave only stops pushing.
    Unlink {
        /// The mapping: its id, or its Okta or Statsig group's name.
        mapping: String,
        /// Delete the Statsig team (asks for its name; --yes confirms).
        #[arg(long, conflicts_with = "leave", required_unless_present = "leave")]
        delete: bool,
        /// Leave the Statsig team as it is; only stop pushing.
        #[arg(long)]
        leave: bool,
    },
    /// Settle edits made directly in Statsig (`mappings` lists them by name): --overwrite
    /// from Okta, --adopt them into the Okta group, or --pause the mapping.
    ResolveDrift {
        /// The mapping: its id, or its Okta or Statsig group's name.
        mapping: String,
        /// Push Okta's membership over the edits: remove who was added there, add back who
        /// was removed there.
        #[arg(long, group = "choice")]
        overwrite: bool,
        /// Make the Okta group match the edits (who was added there joins it, who was
        /// removed there leaves it), then push.
        #[arg(long, group = "choice")]
        adopt: bool,
        /// Keep Statsig's edits and stop pushing; they stay listed.
        #[arg(long, group = "choice")]
        pause: bool,
    },
    /// Compare a mapping's Okta group and Statsig group member by member.
    Verify {
        /// The mapping: its id, or its Okta or Statsig group's name.
        mapping: String,
    },
    /// Push Okta membership changes as they happen (Ctrl-C to stop). With --once, exits 1
    /// or 2 when a push failed and 3 when the deletion guard holds removals. With --json,
    /// one JSON line per event (status_changed, drift_found, pushed, proposal_made,
    /// finding_raised), then one "checked" line per cycle, each flushed as it comes.
    Watch {
        /// Run one cycle and exit.
        #[arg(long)]
        once: bool,
        /// With --once: exit 4 when edits made in Statsig wait for resolve-drift.
        #[arg(long, requires = "once")]
        fail_on_drift: bool,
        /// Seconds between cycles.
        #[arg(long, default_value_t = 60)]
        interval: u64,
        /// Raise a desktop notification for a mapping entering Error, new drift or a new
        /// error-level finding (as the app does while watching).
        #[arg(long)]
        notify: bool,
    },
}
