//! Both directories as plain data (Statsig users and groups, Okta users, groups and
//! memberships) with the indices every view and plan looks things up in.

use super::keyed::{Finder, UserKeys, okta_keys, statsig_keys};
use super::member::{MemberRef, Members, Pushed, SkipReason, Skipped};
use super::names::{self, ParsedName, Role};
use super::okta_app::{AppGroup, AppSide};
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

pub use super::records::{OktaGroup, OktaUser, StatsigGroup, StatsigUser, email_domain};

/// Users in both directories from which sorting and indexing run on two threads (below
/// it a thread costs more than it saves).
const PARALLEL_FROM: usize = 20_000;

/// A team's two role groups (indices into `Directory::statsig_groups`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TeamGroups {
    /// The Admin role's group.
    pub admin: Option<usize>,
    /// The Member role's group.
    pub member: Option<usize>,
}

impl TeamGroups {
    /// The group of `role`.
    pub fn get(&self, role: Role) -> Option<usize> {
        match role {
            Role::Admin => self.admin,
            Role::Member => self.member,
        }
    }
}

/// A Statsig-looking group name that could not be read, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The group (an index into `Directory::statsig_groups`).
    pub group: usize,
    /// Why its name cannot be read.
    pub reason: String,
}

/// Everything imported from both sides. Build with [`Directory::new`]; the indices are
/// derived and rebuilt, never stored.
///
/// Cheap to clone: the user lists, each group and the indices are shared, so the engine
/// changes its copy while the UI draws the one it was sent, and a change copies only what
/// it touches (copy-on-write).
#[derive(Debug, Clone, Default)]
pub struct Directory {
    /// Statsig projects used to read group names (from the settings or derived).
    pub projects: Vec<String>,
    /// Email domains Statsig accepts (from the settings or derived from Statsig users).
    pub org_domains: Vec<String>,
    /// Statsig users, by id.
    pub statsig_users: Arc<Vec<StatsigUser>>,
    /// Statsig groups, by display name.
    pub statsig_groups: Vec<Arc<StatsigGroup>>,
    /// Okta users, by id.
    pub okta_users: Arc<Vec<OktaUser>>,
    /// Okta groups, by name.
    pub okta_groups: Vec<Arc<OktaGroup>>,
    /// Okta's Statsig app, its users and imported groups (Okta push); empty otherwise.
    pub app: Arc<AppSide>,
    /// Statsig's side was read over SCIM. Without a Statsig token (Okta push) the teams
    /// come from the groups imported into Okta and their members are unknown.
    pub statsig_read: bool,
    /// An import is reading the members of the Okta groups marked `members_pending` right
    /// now. False while some are marked: the reading stopped (a cancel, a failure) and
    /// those groups were not read; the next import reads them.
    pub members_reading: bool,
    index: Arc<Index>,
}

#[derive(Debug, Clone, Default)]
struct Index {
    // Fx hashing: the keys are ids and names from our own import, and lookups are the
    // inner loop of every plan.
    statsig_users_by: UserKeys,
    statsig_group_by_id: FxHashMap<String, usize>,
    statsig_group_by_name: FxHashMap<String, usize>,
    okta_users_by: UserKeys,
    okta_group_by_id: FxHashMap<String, usize>,
    okta_group_by_name: FxHashMap<String, usize>,
    parsed: Vec<ParsedName>,
    /// Per Okta user (by index): the Statsig user it is pushed as, or why it cannot be.
    pushable: Vec<Result<usize, SkipReason>>,
    /// Per Okta user: the rank of the Statsig user it is pushed as, or `u32::MAX`.
    pushed_as_rank: Vec<u32>,
    /// Every Okta user who cannot be pushed, with the reason, sorted: the table plans'
    /// lists of members left out point into.
    skips: Arc<[Skipped]>,
    /// Per Okta user: its place in `skips`, or `u32::MAX` when it can be pushed.
    skip_place: Vec<u32>,
    /// Per Statsig user (by index): its place in the order lists show (lower-cased
    /// userName, then id), so sorting members is integer work.
    rank: Vec<u32>,
    /// Statsig users' ids and userNames in rank order: the table every plan's member
    /// lists point into.
    by_rank: Arc<[MemberRef]>,
    /// Per Okta group: its members as pushed (see [`Pushed`]), so a plan is one merge;
    /// for the group as indexed (a group replaced since is worked out when asked).
    okta_pushed: Vec<Members<OktaGroup, Pushed>>,
    /// Per Statsig group: its members as ranks (sorted, no repeats), when every member
    /// is a known user.
    statsig_members: Vec<Members<StatsigGroup>>,
    teams: BTreeMap<String, BTreeMap<String, TeamGroups>>,
    project_groups: BTreeMap<String, TeamGroups>,
    unreadable: Vec<Unreadable>,
}

impl Directory {
    /// Sorts everything into a deterministic order and builds the indices. Empty
    /// `projects` or `org_domains` are derived from the data.
    pub fn new(
        projects: Vec<String>,
        org_domains: Vec<String>,
        mut statsig_users: Vec<StatsigUser>,
        mut statsig_groups: Vec<StatsigGroup>,
        mut okta_users: Vec<OktaUser>,
        mut okta_groups: Vec<OktaGroup>,
    ) -> Self {
        let statsig_side = |users: &mut Vec<StatsigUser>, groups: &mut Vec<StatsigGroup>| {
            users.sort_by(|a, b| a.id.cmp(&b.id));
            groups.sort_by(|a, b| a.display_name.cmp(&b.display_name).then(a.id.cmp(&b.id)));
            for g in groups {
                g.members.sort();
                g.members.dedup();
            }
        };
        let okta_side = |users: &mut Vec<OktaUser>, groups: &mut Vec<OktaGroup>| {
            users.sort_by(|a, b| a.id.cmp(&b.id));
            groups.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
            for g in groups {
                g.members.sort();
                g.members.dedup();
            }
        };
        // Both sides side by side when it is worth a thread.
        if statsig_users.len() + okta_users.len() > PARALLEL_FROM {
            std::thread::scope(|s| {
                s.spawn(|| okta_side(&mut okta_users, &mut okta_groups));
                statsig_side(&mut statsig_users, &mut statsig_groups);
            });
        } else {
            statsig_side(&mut statsig_users, &mut statsig_groups);
            okta_side(&mut okta_users, &mut okta_groups);
        }
        let mut projects = if projects.is_empty() {
            names::derive_projects(statsig_groups.iter().map(|g| g.display_name.as_str()))
        } else {
            projects
        };
        projects.sort();
        projects.dedup();
        let mut org_domains: Vec<String> = if org_domains.is_empty() {
            statsig_users
                .iter()
                .filter_map(|u| email_domain(&u.user_name))
                .collect()
        } else {
            org_domains
                .into_iter()
                .map(|d| d.to_ascii_lowercase())
                .collect()
        };
        org_domains.sort();
        org_domains.dedup();
        let mut dir = Directory {
            projects,
            org_domains,
            statsig_users: Arc::new(statsig_users),
            statsig_groups: statsig_groups.into_iter().map(Arc::new).collect(),
            okta_users: Arc::new(okta_users),
            okta_groups: okta_groups.into_iter().map(Arc::new).collect(),
            app: Arc::default(),
            statsig_read: true,
            members_reading: false,
            index: Arc::default(),
        };
        dir.reindex();
        dir
    }

    /// With Okta's Statsig app: members are matched through the app's assignments.
    pub fn with_app(mut self, app: AppSide) -> Self {
        self.app = Arc::new(app);
        self.reindex();
        self
    }

    /// Okta's view alone (Okta push without a Statsig token): Statsig users are the app's
    /// provisioned users, team groups are the groups imported into Okta (by their Okta
    /// ids), and no team's members are known.
    pub fn from_okta_only(
        projects: Vec<String>,
        okta_users: Vec<OktaUser>,
        okta_groups: Vec<OktaGroup>,
        app: AppSide,
    ) -> Self {
        let users = app
            .users
            .values()
            .filter_map(|a| {
                a.external_id.as_ref().map(|id| StatsigUser {
                    id: id.clone(),
                    user_name: a.user_name.clone(),
                    given_name: String::new(),
                    family_name: String::new(),
                    email: a.user_name.clone(),
                    active: true,
                    org_role: None,
                })
            })
            .collect();
        let groups = app
            .groups
            .iter()
            .map(|g| StatsigGroup {
                id: g.id.clone(),
                display_name: g.name.clone(),
                members: Vec::new(),
            })
            .collect();
        let mut dir = Directory::new(projects, Vec::new(), users, groups, okta_users, okta_groups);
        dir.statsig_read = false;
        dir.with_app(app)
    }

    /// The group imported into Okta for the Statsig group `statsig_group_id`.
    pub fn app_group_for(&self, statsig_group_id: &str) -> Option<&AppGroup> {
        if !self.statsig_read {
            return self.app.group(statsig_group_id);
        }
        let g = self.statsig_group(statsig_group_id)?;
        self.app.group_named(&g.display_name)
    }

    /// Team groups Statsig has that are not imported into Okta yet (Okta push with
    /// Statsig read), so Okta cannot link to them until its next import.
    pub fn not_imported(&self) -> Vec<&StatsigGroup> {
        if self.app.app.is_none() || !self.statsig_read {
            return Vec::new();
        }
        self.statsig_groups
            .iter()
            .enumerate()
            .filter(|(i, g)| {
                matches!(self.parsed(*i), ParsedName::Team { .. })
                    && self.app.group_named(&g.display_name).is_none()
            })
            .map(|(_, g)| g.as_ref())
            .collect()
    }

    /// The Statsig group an imported group stands for (by name; by id without SCIM).
    pub fn statsig_group_for_app_group(&self, app_group_id: &str) -> Option<&StatsigGroup> {
        if !self.statsig_read {
            return self.statsig_group(app_group_id);
        }
        let g = self.app.group(app_group_id)?;
        self.statsig_group_by_name(&g.name)
    }

    /// Rebuilds the indices after the data changed (or after deserialising).
    pub fn reindex(&mut self) {
        // Okta's side and Statsig's are indexed side by side (a large org's open and
        // import wait for this); a small directory is not worth a thread.
        let large = self.okta_users.len() + self.statsig_users.len() > PARALLEL_FROM;
        let (mut ix, (okta, okta_members)) = if large {
            std::thread::scope(|s| {
                let okta = s.spawn(|| self.index_okta());
                let statsig = self.index_statsig();
                let okta = okta.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
                (statsig, okta)
            })
        } else {
            (self.index_statsig(), self.index_okta())
        };
        ix.okta_users_by = okta.okta_users_by;
        ix.okta_group_by_id = okta.okta_group_by_id;
        ix.okta_group_by_name = okta.okta_group_by_name;
        // Matching each Okta user once here makes every plan integer work.
        let find = Finder {
            keys: &ix.statsig_users_by,
            users: &self.statsig_users,
        };
        ix.pushable = self
            .okta_users
            .iter()
            .map(|u| match &self.app.app {
                Some(app) => match_through_app(&find, &self.app, &app.label, u),
                None => match_okta_user(&find, &self.org_domains, u),
            })
            .collect();
        ix.pushed_as_rank = ix
            .pushable
            .iter()
            .map(|p| p.as_ref().map_or(u32::MAX, |&si| ix.rank[si]))
            .collect();
        (ix.skips, ix.skip_place) = self.skip_table(&ix.pushable);
        ix.okta_pushed = self
            .okta_groups
            .iter()
            .zip(okta_members)
            .map(|(g, members)| {
                Members::of(g, Some(pushed(&ix, members.iter().map(|&i| i as usize))))
            })
            .collect();
        self.index = Arc::new(ix);
    }

    /// The Okta users who cannot be pushed, sorted, and each Okta user's place among them.
    fn skip_table(&self, pushable: &[Result<usize, SkipReason>]) -> (Arc<[Skipped]>, Vec<u32>) {
        let mut skips: Vec<(Skipped, usize)> = pushable
            .iter()
            .enumerate()
            .filter_map(|(oi, p)| {
                let reason = p.as_ref().err()?;
                let user = &self.okta_users[oi];
                let skipped = Skipped {
                    email: user.email.clone(),
                    okta_user_id: user.id.clone(),
                    reason: reason.clone(),
                };
                Some((skipped, oi))
            })
            .collect();
        skips.sort_unstable();
        let mut place = vec![u32::MAX; pushable.len()];
        for (p, (_, oi)) in skips.iter().enumerate() {
            place[*oi] = p as u32;
        }
        (skips.into_iter().map(|(s, _)| s).collect(), place)
    }

    /// Okta's users and groups by id, email and name, and each group's members as user
    /// indices (members no user has left out), so plans never look an id up.
    fn index_okta(&self) -> (Index, Vec<Vec<u32>>) {
        let mut ix = Index {
            okta_users_by: UserKeys::new(&self.okta_users, okta_keys),
            ..Index::default()
        };
        for (i, g) in self.okta_groups.iter().enumerate() {
            ix.okta_group_by_id.insert(g.id.clone(), i);
            ix.okta_group_by_name
                .entry(g.name.to_lowercase())
                .or_insert(i);
        }
        let members = self
            .okta_groups
            .iter()
            .map(|g| {
                g.members
                    .iter()
                    .filter_map(|m| ix.okta_users_by.id(&self.okta_users, okta_keys, m))
                    .map(|i| i as u32)
                    .collect()
            })
            .collect();
        (ix, members)
    }

    /// Statsig's users (by id and email, in list order) and groups (by id and name, with
    /// what each name means).
    fn index_statsig(&self) -> Index {
        let mut ix = Index {
            statsig_users_by: UserKeys::new(&self.statsig_users, statsig_keys),
            ..Index::default()
        };
        self.index_names(&mut ix);
        let mut order: Vec<(String, usize)> = self
            .statsig_users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.user_name.to_lowercase(), i))
            .collect();
        order.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| self.statsig_users[a.1].id.cmp(&self.statsig_users[b.1].id))
        });
        ix.rank = vec![0; order.len()];
        for (r, (_, i)) in order.iter().enumerate() {
            ix.rank[*i] = r as u32;
        }
        ix.by_rank = order
            .into_iter()
            .map(|(_, i)| {
                let u = &self.statsig_users[i];
                MemberRef {
                    id: u.id.as_str().into(),
                    display: u.user_name.as_str().into(),
                }
            })
            .collect();
        ix.statsig_members = self
            .statsig_groups
            .iter()
            .map(|g| {
                let ranks: Option<Vec<u32>> = g
                    .members
                    .iter()
                    .map(|m| {
                        ix.statsig_users_by
                            .id(&self.statsig_users, statsig_keys, m)
                            .map(|i| ix.rank[i])
                    })
                    .collect();
                let ranks = ranks.map(|mut r| {
                    r.sort_unstable();
                    r.dedup();
                    r.into_boxed_slice()
                });
                Members::of(g, ranks)
            })
            .collect();
        ix
    }

    /// Statsig's groups by id and name, and what each name means (teams, project roles,
    /// names that cannot be read).
    fn index_names(&self, ix: &mut Index) {
        for (i, g) in self.statsig_groups.iter().enumerate() {
            ix.statsig_group_by_id.insert(g.id.clone(), i);
            ix.statsig_group_by_name
                .entry(g.display_name.to_lowercase())
                .or_insert(i);
            let parsed = names::parse_group_name(&g.display_name, &self.projects);
            match &parsed {
                ParsedName::Team {
                    project,
                    team,
                    role,
                } => {
                    let slot = ix
                        .teams
                        .entry(project.clone())
                        .or_default()
                        .entry(team.clone())
                        .or_default();
                    set_role(slot, *role, i);
                }
                ParsedName::Project { project, role } => {
                    set_role(
                        ix.project_groups.entry(project.clone()).or_default(),
                        *role,
                        i,
                    );
                }
                ParsedName::Malformed { .. } | ParsedName::Ambiguous { .. } => {
                    ix.unreadable.push(Unreadable {
                        group: i,
                        reason: parsed.problem().unwrap_or_default(),
                    });
                }
                ParsedName::NotStatsig => {}
            }
            ix.parsed.push(parsed);
        }
        for p in &self.projects {
            ix.teams.entry(p.clone()).or_default();
        }
    }

    /// The Statsig user with this id.
    pub fn statsig_user(&self, id: &str) -> Option<&StatsigUser> {
        self.statsig_user_index(id).map(|i| &self.statsig_users[i])
    }

    /// The Statsig user with this email or userName, compared case-insensitively.
    pub fn statsig_user_by_email(&self, email: &str) -> Option<&StatsigUser> {
        self.index
            .statsig_users_by
            .email(&self.statsig_users, statsig_keys, email)
            .map(|i| &self.statsig_users[i])
    }

    /// The Statsig group with this id.
    pub fn statsig_group(&self, id: &str) -> Option<&StatsigGroup> {
        self.index
            .statsig_group_by_id
            .get(id)
            .map(|&i| &*self.statsig_groups[i])
    }

    /// Where the Statsig group with this id is in `statsig_groups`.
    pub fn statsig_group_index(&self, id: &str) -> Option<usize> {
        self.index.statsig_group_by_id.get(id).copied()
    }

    /// The Statsig group with this display name, compared case-insensitively.
    pub fn statsig_group_by_name(&self, name: &str) -> Option<&StatsigGroup> {
        self.index
            .statsig_group_by_name
            .get(&name.to_lowercase())
            .map(|&i| &*self.statsig_groups[i])
    }

    /// What the name of the group at `index` means.
    pub fn parsed(&self, index: usize) -> &ParsedName {
        &self.index.parsed[index]
    }

    /// The Okta user with this id.
    pub fn okta_user(&self, id: &str) -> Option<&OktaUser> {
        self.okta_user_index(id).map(|i| &self.okta_users[i])
    }

    /// The Okta user with this email or login, compared case-insensitively.
    pub fn okta_user_by_email(&self, email: &str) -> Option<&OktaUser> {
        self.index
            .okta_users_by
            .email(&self.okta_users, okta_keys, email)
            .map(|i| &self.okta_users[i])
    }

    /// The Okta group with this id.
    pub fn okta_group(&self, id: &str) -> Option<&OktaGroup> {
        self.index
            .okta_group_by_id
            .get(id)
            .map(|&i| &*self.okta_groups[i])
    }

    /// Where the Okta group with this id is in `okta_groups`.
    pub fn okta_group_index(&self, id: &str) -> Option<usize> {
        self.index.okta_group_by_id.get(id).copied()
    }

    /// The Okta group with this name, compared case-insensitively.
    pub fn okta_group_by_name(&self, name: &str) -> Option<&OktaGroup> {
        self.index
            .okta_group_by_name
            .get(&name.to_lowercase())
            .map(|&i| &*self.okta_groups[i])
    }

    /// The Statsig user an Okta user is provisioned as (same email, any case).
    pub fn statsig_user_for(&self, okta_user: &OktaUser) -> Option<&StatsigUser> {
        self.statsig_user_by_email(&okta_user.email)
            .or_else(|| self.statsig_user_by_email(&okta_user.login))
    }

    /// The Okta user at `index`: the Statsig user (index) it is pushed as, or why not.
    pub fn pushable(&self, okta_index: usize) -> Result<usize, &SkipReason> {
        self.index.pushable[okta_index].as_ref().copied()
    }

    /// Every Okta user who cannot be pushed, with the reason, sorted.
    pub(crate) fn skips(&self) -> &Arc<[Skipped]> {
        &self.index.skips
    }

    /// Where the Okta user with this id is in `okta_users`.
    pub fn okta_user_index(&self, id: &str) -> Option<usize> {
        self.index.okta_users_by.id(&self.okta_users, okta_keys, id)
    }

    /// Where the Statsig user with this id is in `statsig_users`.
    pub fn statsig_user_index(&self, id: &str) -> Option<usize> {
        self.index
            .statsig_users_by
            .id(&self.statsig_users, statsig_keys, id)
    }

    /// The members of the Okta group at `index` as pushed: as indexed, or, for a group
    /// replaced since, worked out from its members now.
    pub(crate) fn okta_pushed(&self, index: usize) -> Cow<'_, Pushed> {
        let group = &self.okta_groups[index];
        match self
            .index
            .okta_pushed
            .get(index)
            .and_then(|p| p.for_group(group))
        {
            Some(pushed) => Cow::Borrowed(pushed),
            // A membership row for a user the import did not see: nothing to push.
            None => Cow::Owned(pushed(
                &self.index,
                group
                    .members
                    .iter()
                    .filter_map(|id| self.okta_user_index(id)),
            )),
        }
    }

    /// The members of the Statsig group at `index` as ranks (sorted, no repeats), when
    /// every member is a known user and known without lookups.
    pub fn statsig_member_ranks(&self, index: usize) -> Option<&[u32]> {
        self.index
            .statsig_members
            .get(index)?
            .for_group(self.statsig_groups.get(index)?)
            .map(|r| &r[..])
    }

    /// Statsig users' ids and userNames in list order: a rank is a place in it.
    pub(crate) fn members_by_rank(&self) -> &Arc<[MemberRef]> {
        &self.index.by_rank
    }

    /// Where a Statsig user comes in lists (by lower-cased userName, then id).
    pub fn rank(&self, statsig_index: usize) -> u32 {
        self.index.rank[statsig_index]
    }

    /// Projects → teams → role groups, sorted by name.
    pub fn teams(&self) -> &BTreeMap<String, BTreeMap<String, TeamGroups>> {
        &self.index.teams
    }

    /// Project → project-role groups.
    pub fn project_groups(&self) -> &BTreeMap<String, TeamGroups> {
        &self.index.project_groups
    }

    /// `Statsig-...` groups whose names are malformed or ambiguous.
    pub fn unreadable(&self) -> &[Unreadable] {
        &self.index.unreadable
    }

    /// Is `email` in one of the org's domains? True when no domain is known.
    pub fn in_org_domain(&self, email: &str) -> bool {
        in_domains(&self.org_domains, email)
    }

    /// Replaces the Okta users (after Okta added some the import did not see).
    pub fn set_okta_users(&mut self, users: Vec<OktaUser>) {
        let mut users = users;
        users.sort_by(|a, b| a.id.cmp(&b.id));
        self.okta_users = Arc::new(users);
        self.reindex();
    }

    /// Replaces (or adds) one Statsig group. Only a new or renamed group rebuilds the
    /// indices; a membership change replaces that one group and nothing else.
    pub fn upsert_statsig_group(&mut self, mut group: StatsigGroup) {
        group.members.sort();
        group.members.dedup();
        match self.statsig_group_index(&group.id) {
            Some(i) if self.statsig_groups[i].display_name == group.display_name => {
                if *self.statsig_groups[i] != group {
                    self.statsig_groups[i] = Arc::new(group);
                }
            }
            Some(i) => {
                self.statsig_groups[i] = Arc::new(group);
                self.resort();
            }
            None => {
                self.statsig_groups.push(Arc::new(group));
                self.resort();
            }
        }
    }

    /// Forgets a Statsig group (deleted in Statsig).
    pub fn remove_statsig_group(&mut self, id: &str) {
        let before = self.statsig_groups.len();
        self.statsig_groups.retain(|g| g.id != id);
        if self.statsig_groups.len() != before {
            self.reindex();
        }
    }

    /// Replaces (or adds) one Okta group, like [`Self::upsert_statsig_group`].
    pub fn upsert_okta_group(&mut self, mut group: OktaGroup) {
        group.members.sort();
        group.members.dedup();
        match self.okta_group_index(&group.id) {
            Some(i) if self.okta_groups[i].name == group.name => {
                if *self.okta_groups[i] != group {
                    self.okta_groups[i] = Arc::new(group);
                }
            }
            Some(i) => {
                self.okta_groups[i] = Arc::new(group);
                self.resort();
            }
            None => {
                self.okta_groups.push(Arc::new(group));
                self.resort();
            }
        }
    }

    fn resort(&mut self) {
        self.statsig_groups
            .sort_by(|a, b| a.display_name.cmp(&b.display_name).then(a.id.cmp(&b.id)));
        self.okta_groups
            .sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        self.reindex();
    }
}

/// Okta users (by index) as pushed: the ranks of the Statsig users they are pushed as, and
/// the places of the others among the skips, both sorted without repeats.
fn pushed(ix: &Index, members: impl Iterator<Item = usize>) -> Pushed {
    let (mut ranks, mut skipped) = (Vec::new(), Vec::new());
    for oi in members {
        match ix.pushed_as_rank[oi] {
            u32::MAX => skipped.push(ix.skip_place[oi]),
            rank => ranks.push(rank),
        }
    }
    for v in [&mut ranks, &mut skipped] {
        v.sort_unstable();
        v.dedup();
    }
    Pushed {
        ranks: ranks.into(),
        skipped: skipped.into(),
    }
}

fn in_domains(domains: &[String], email: &str) -> bool {
    domains.is_empty() || email_domain(email).is_some_and(|d| domains.contains(&d))
}

/// The Statsig user (index) an Okta user is pushed as, or why it cannot be.
fn match_okta_user(
    find: &Finder,
    domains: &[String],
    user: &OktaUser,
) -> Result<usize, SkipReason> {
    if !user.is_active() {
        return Err(SkipReason::InactiveInOkta {
            status: user.status.clone(),
        });
    }
    if !in_domains(domains, &user.email) {
        return Err(SkipReason::OutsideOrgDomain {
            domain: email_domain(&user.email).unwrap_or_default(),
        });
    }
    find.email(&user.email)
        .or_else(|| find.email(&user.login))
        .ok_or(SkipReason::NoStatsigUser)
}

/// Okta push: Okta pushes active users assigned to the app, as the Statsig user the
/// assignment's `externalId` names.
fn match_through_app(
    find: &Finder,
    app: &AppSide,
    label: &str,
    user: &OktaUser,
) -> Result<usize, SkipReason> {
    if !user.is_active() {
        return Err(SkipReason::InactiveInOkta {
            status: user.status.clone(),
        });
    }
    let Some(assigned) = app.users.get(&user.id) else {
        return Err(SkipReason::NotAssigned {
            app: label.to_string(),
        });
    };
    assigned
        .external_id
        .as_ref()
        .and_then(|id| find.id(id))
        .or_else(|| find.email(&user.email))
        .ok_or(SkipReason::NotProvisionedYet {
            app: label.to_string(),
        })
}

fn set_role(slot: &mut TeamGroups, role: Role, index: usize) {
    match role {
        Role::Admin => slot.admin = Some(index),
        Role::Member => slot.member = Some(index),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn su(id: &str, email: &str) -> StatsigUser {
        StatsigUser {
            id: id.into(),
            user_name: email.into(),
            given_name: "Given".into(),
            family_name: id.into(),
            email: email.into(),
            active: true,
            org_role: None,
        }
    }

    pub fn ou(id: &str, email: &str, status: &str) -> OktaUser {
        OktaUser {
            id: id.into(),
            status: status.into(),
            login: email.into(),
            email: email.into(),
            first_name: "First".into(),
            last_name: id.into(),
        }
    }

    pub fn sg(id: &str, name: &str, members: &[&str]) -> StatsigGroup {
        StatsigGroup {
            id: id.into(),
            display_name: name.into(),
            members: members.iter().map(|m| m.to_string()).collect(),
        }
    }

    pub fn og(id: &str, name: &str, members: &[&str]) -> OktaGroup {
        OktaGroup {
            id: id.into(),
            name: name.into(),
            description: String::new(),
            kind: "OKTA_GROUP".into(),
            members: members.iter().map(|m| m.to_string()).collect(),
            last_membership_updated: None,
            members_pending: false,
        }
    }

    #[test]
    fn indexes_teams_projects_and_unreadable_names() {
        let dir = Directory::new(
            vec![],
            vec![],
            vec![su("u1", "Ada@Example.com")],
            vec![
                sg("g1", "Statsig-Checkout-Admin", &[]),
                sg("g2", "Statsig-Checkout-Payments-Admin", &["u1"]),
                sg("g3", "Statsig-Checkout-Payments-Member", &[]),
                sg("g4", "Statsig-Checkout-Broken-Owner", &[]),
                sg("g5", "Everyone", &[]),
            ],
            vec![ou("o1", "ada@example.com", "ACTIVE")],
            vec![],
        );
        assert_eq!(dir.projects, vec!["Checkout".to_string()]);
        assert_eq!(dir.org_domains, vec!["example.com".to_string()]);
        let team = &dir.teams()["Checkout"]["Payments"];
        assert_eq!(dir.statsig_groups[team.admin.unwrap()].id, "g2");
        assert_eq!(dir.statsig_groups[team.member.unwrap()].id, "g3");
        assert!(dir.project_groups()["Checkout"].admin.is_some());
        assert_eq!(dir.unreadable().len(), 1);
        assert_eq!(dir.statsig_groups[dir.unreadable()[0].group].id, "g4");
        // Email matching ignores case on both sides.
        let okta = dir.okta_user("o1").unwrap();
        assert_eq!(dir.statsig_user_for(okta).unwrap().id, "u1");
        assert!(dir.in_org_domain("x@EXAMPLE.com"));
        assert!(!dir.in_org_domain("x@other.com"));
    }
}
