//! Demo data that looks like a real company and exercises the hard cases, deterministic
//! from a seed (ids included), plus a large fixture for benchmarks.

use super::world::{PushOutcome, Rules, STATSIG_APP_LABEL, World, push_error_summary};
use serde_json::json;

/// The demo organization's email domain.
pub const DEMO_DOMAIN: &str = "northwind.dev";

/// Which data set to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeedKind {
    /// A few hundred users, a handful of projects with every hard case.
    Demo,
    /// Enterprise scale: generated projects, teams and groups.
    Scaled(Scale),
}

/// Sizes of a generated data set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scale {
    /// Users in both directories.
    pub users: usize,
    /// Projects.
    pub projects: usize,
    /// Teams, spread over the projects.
    pub teams: usize,
    /// Okta groups.
    pub okta_groups: usize,
    /// Members per team-role group, on average.
    pub team_members: usize,
    /// Members per Okta group, on average.
    pub group_members: usize,
    /// Okta has the Statsig app, as in the demo: Group Push on, the provisioned people
    /// assigned (their Statsig id as `externalId`), Statsig's groups imported but the
    /// newest team's, and three mappings made in Okta's console (one pushed and Active,
    /// one Inactive, one in Error). Without it Okta push cannot run.
    pub okta_app: bool,
}

impl Scale {
    /// The `--seed large` fixture: 100,000 users, 40 projects, 2,500 teams (400,000 team
    /// memberships), 5,000 Okta groups (500,000 memberships), and the Statsig app in Okta
    /// (with Statsig's 5,080 groups imported into it).
    pub fn large() -> Self {
        Scale {
            users: 100_000,
            projects: 40,
            teams: 2_500,
            okta_groups: 5_000,
            team_members: 80,
            group_members: 100,
            okta_app: true,
        }
    }
}

/// What to seed.
#[derive(Debug, Clone)]
pub struct SeedSpec {
    /// The seed of every draw (ids included).
    pub seed: u64,
    /// Which data set.
    pub kind: SeedKind,
    /// Relax Statsig's rules for generic SCIM checkers.
    pub generic: bool,
}

impl Default for SeedSpec {
    fn default() -> Self {
        SeedSpec {
            seed: 7,
            kind: SeedKind::Demo,
            generic: false,
        }
    }
}

const FIRST: &[&str] = &[
    "Ada", "Bea", "Carlos", "Dana", "Elif", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi",
    "Liam", "Maya", "Nikhil", "Olga", "Priya", "Quinn", "Rafael", "Sofia", "Tariq", "Uma",
    "Victor", "Wen", "Ximena", "Yusuf", "Zoe", "Amara", "Bruno", "Chen", "Dmitri", "Eva", "Felix",
    "Gita", "Hannah", "Ivan", "Jade", "Kofi", "Lena", "Mateo", "Noor",
];
const LAST: &[&str] = &[
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Kowalski",
    "Haddad",
    "Fernandes",
    "Nguyen",
    "Schmidt",
    "O'Brien",
    "Rossi",
    "Patel",
    "Kim",
    "Mensah",
    "Novak",
    "Garcia",
    "Ivanova",
    "Dubois",
    "Yilmaz",
    "Costa",
    "Hughes",
    "Sato",
    "Berg",
    "Adeyemi",
    "Larsen",
    "Khan",
    "Silva",
    "Park",
    "Meyer",
    "Jensen",
];

/// The demo projects and their teams. "Checkout" is a prefix of "Checkout Web"; "Data-Platform"
/// has a hyphen; "Mobile"'s team "Payments-Core" collides with project "Mobile-Payments", so
/// its group names read two ways.
pub const DEMO_PROJECTS: &[(&str, &[&str])] = &[
    ("Okta Test Proj", &["Test Team"]),
    ("Checkout", &["Payments", "Fraud Detection", "Growth"]),
    ("Checkout Web", &["Payments", "Storefront"]),
    ("Data-Platform", &["ML-Ops", "Warehouse", "Analytics Eng"]),
    ("Mobile", &["iOS", "Android", "Payments-Core"]),
    ("Mobile-Payments", &["Wallet"]),
    (
        "Growth Experiments",
        &["Onboarding", "Pricing", "Empty Team"],
    ),
];

/// Builds the world for `spec`.
pub fn build(spec: &SeedSpec) -> World {
    let mut world = match &spec.kind {
        SeedKind::Demo => demo(spec),
        SeedKind::Scaled(scale) => scaled(spec, scale),
    };
    world.frozen_clock = false;
    world
}

fn email_for(first: &str, last: &str, n: usize, domain: &str) -> String {
    let clean = |s: &str| s.to_lowercase().replace(['\'', ' '], "");
    if n == 0 {
        format!("{}.{}@{domain}", clean(first), clean(last))
    } else {
        format!("{}.{}{n}@{domain}", clean(first), clean(last))
    }
}

struct Person {
    okta_id: String,
    scim_id: Option<String>,
}

/// The demo person who left (deprovisioned in Okta) but is still active in Statsig.
const LEAVER: usize = 19;

fn add_person(world: &mut World, i: usize, status: &str, in_statsig: bool, domain: &str) -> Person {
    let first = FIRST[i % FIRST.len()];
    let last = LAST[(i / FIRST.len() + i * 7) % LAST.len()];
    let email = email_for(first, last, i / (FIRST.len() * LAST.len()), domain);
    let okta_id = world.add_okta_user(first, last, &email, status);
    let at = world.seeded_at.clone();
    // The demo's leaver: deprovisioned in Okta, still active in Statsig (Okta's
    // deactivation never reached Statsig), as Health finds.
    let active = status == "ACTIVE" || (i == LEAVER && status == "DEPROVISIONED");
    let scim_id = in_statsig.then(|| {
        let body = json!({
            "userName": email, "name": {"givenName": first, "familyName": last},
            "emails": [{"value": email, "primary": true, "type": "work"}],
            "active": active, "statsigOrgRole": if i.is_multiple_of(23) { "Admin" } else { "Member" },
        });
        let u = world.create_user(body, &at).expect("seed users are valid");
        super::world::id_of(&u).to_string()
    });
    Person { okta_id, scim_id }
}

fn rules(spec: &SeedSpec, projects: Vec<String>) -> Rules {
    Rules {
        generic: spec.generic,
        org_domain: DEMO_DOMAIN.to_string(),
        projects,
    }
}

fn set_scim_members(world: &mut World, name: &str, ids: &[&str]) {
    let gid =
        super::world::id_of(world.groups.by_name(name).expect("seeded group exists")).to_string();
    let members: Vec<_> = ids.iter().map(|id| json!({"value": id})).collect();
    world
        .patch_group(
            &gid,
            &json!({"Operations": [{"op": "replace", "path": "members", "value": members}]}),
        )
        .expect("seed members are valid");
}

fn demo(spec: &SeedSpec) -> World {
    let projects: Vec<String> = DEMO_PROJECTS.iter().map(|(p, _)| p.to_string()).collect();
    let mut world = World::new(spec.seed, rules(spec, projects));
    world.frozen_clock = true;
    let people = demo_people(&mut world);
    // A contractor outside the org's domain: Okta has them, Statsig refuses them.
    let contractor = world.add_okta_user("Sam", "Contractor", "sam@partner-agency.com", "ACTIVE");
    demo_teams(&mut world, &people);
    super::seed_findings::gone_team(&mut world);
    demo_okta_groups(&mut world, &people, &contractor);
    demo_okta_app(&mut world, &people);
    world
}

/// 300 people: most in Statsig and active; some only in Okta; some inactive.
fn demo_people(world: &mut World) -> Vec<Person> {
    (0..300)
        .map(|i| {
            let status = match i % 50 {
                7 | 31 => "SUSPENDED",
                19 => "DEPROVISIONED",
                44 => "STAGED",
                _ => "ACTIVE",
            };
            let in_statsig = i % 9 != 4 && status != "STAGED";
            add_person(world, i, status, in_statsig, DEMO_DOMAIN)
        })
        .collect()
}

/// Statsig: project role groups, teams, and their members (deterministic slices of the
/// provisioned people).
fn demo_teams(world: &mut World, people: &[Person]) {
    let at = world.seeded_at.clone();
    for (project, teams) in DEMO_PROJECTS {
        for role in ["Admin", "Member"] {
            world_new_group(world, &format!("Statsig-{project}-{role}"), &at);
        }
        for team in *teams {
            world_create_team(world, &format!("Statsig-{project}-{team}-Member"), &at);
        }
    }
    let provisioned: Vec<&str> = people.iter().filter_map(|p| p.scim_id.as_deref()).collect();
    let pick = |start: usize, size: usize, step: usize| -> Vec<&str> {
        (0..size)
            .map(|k| provisioned[(start + k * step) % provisioned.len()])
            .collect()
    };
    let mut cursor = 0usize;
    for (project, teams) in DEMO_PROJECTS {
        for (t, team) in teams.iter().enumerate() {
            if *team == "Empty Team" {
                continue;
            }
            for (role, size) in [
                ("Admin", 1 + t % 3),
                ("Member", 4 + (t * 5 + project.len()) % 12),
            ] {
                let ids = pick(cursor, size, 3);
                cursor += size * 2 + 1;
                set_scim_members(world, &format!("Statsig-{project}-{team}-{role}"), &ids);
            }
        }
        let admins = pick(cursor, 2, 1);
        set_scim_members(world, &format!("Statsig-{project}-Admin"), &admins);
        cursor += 3;
    }
}

/// Adds an Okta group with these members.
fn okta_group(world: &mut World, name: &str, desc: &str, kind: &str, members: Vec<String>) {
    let at = world.seeded_at.clone();
    let g = world
        .create_okta_group(name, desc, kind, &at)
        .expect("seeded Okta group names are unique");
    if let Some(rec) = world.okta_groups.get_mut(&g.id) {
        rec.members.extend(members);
    }
}

/// Okta: Everyone, departments, mapping groups (some match a team exactly, some differ,
/// one has every kind of member that cannot be pushed), and imported app groups.
fn demo_okta_groups(world: &mut World, people: &[Person], contractor: &str) {
    let all: Vec<String> = people
        .iter()
        .map(|p| p.okta_id.clone())
        .chain([contractor.to_string()])
        .collect();
    okta_group(
        world,
        "Everyone",
        "All users in your organization",
        "BUILT_IN",
        all,
    );
    for (d, dept) in [
        "Engineering",
        "Product",
        "Design",
        "Data Science",
        "Sales",
        "Finance",
        "Support",
    ]
    .iter()
    .enumerate()
    {
        let members = people
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 7 == d)
            .map(|(_, p)| p.okta_id.clone())
            .collect();
        okta_group(
            world,
            dept,
            &format!("{dept} department"),
            "OKTA_GROUP",
            members,
        );
    }
    demo_mapping_groups(world, people, contractor);
}

/// The Statsig app as Statsig's setup guide makes it (a custom SWA app with SCIM
/// provisioning and Group Push), with the provisioned people assigned (their Statsig id as
/// `externalId`) and Statsig's groups imported (see [`assign_and_import`]). Returns its id.
fn statsig_app(world: &mut World) -> String {
    world.add_app(
        STATSIG_APP_LABEL,
        "AUTO_LOGIN",
        &[
            "GROUP_PUSH",
            "IMPORT_NEW_USERS",
            "IMPORT_PROFILE_UPDATES",
            "PUSH_NEW_USERS",
            "PUSH_PROFILE_UPDATES",
            "PUSH_USER_DEACTIVATION",
        ],
    )
}

/// Assigns the provisioned people to the app and imports Statsig's groups into it, but
/// the groups named as made since Okta's last import.
fn assign_and_import(
    world: &mut World,
    app: &str,
    people: &[Person],
    newest: impl Fn(&str) -> bool,
) {
    for p in people {
        if let Some(sid) = &p.scim_id {
            world.assign_app_user(app, &p.okta_id, Some(sid));
        }
    }
    let at = world.seeded_at.clone();
    world
        .import_app_groups(app, &at)
        .expect("the app was just made");
    let unimported: Vec<String> = world
        .app_groups(app)
        .filter(|g| newest(&g.name))
        .map(|g| g.id.clone())
        .collect();
    for gid in unimported {
        world.okta_groups.remove(&gid);
    }
}

/// The Statsig app beside apps a search must tell it from; its users assigned; its groups
/// imported (all but the newest teams); and mappings "made in Okta's console": one pushed,
/// one inactive, one in ERROR.
fn demo_okta_app(world: &mut World, people: &[Person]) {
    let app = statsig_app(world);
    let staging = world.add_app("Statsig SCIM (staging)", "AUTO_LOGIN", &["GROUP_PUSH"]);
    if let Some(a) = world.apps.get_mut(&staging) {
        a.status = "INACTIVE".into();
    }
    world.add_app("Statsig Console", "SAML_2_0", &[]);
    world.add_app("Slack", "SAML_2_0", &["PUSH_NEW_USERS", "GROUP_PUSH"]);
    // Teams made in Statsig since Okta's last import.
    assign_and_import(world, &app, people, |name| {
        name.starts_with("Statsig-Mobile-Payments-")
            || name.starts_with("Statsig-Data-Platform-Analytics Eng-")
    });
    demo_console_mappings(world, &app, people);
}

fn demo_console_mappings(world: &mut World, app: &str, people: &[Person]) {
    let ids = |skip: usize, step: usize, take: usize| -> Vec<String> {
        people
            .iter()
            .skip(skip)
            .step_by(step)
            .take(take)
            .map(|p| p.okta_id.clone())
            .collect()
    };
    okta_group(
        world,
        "Warehouse Crew",
        "Data warehouse on-call",
        "OKTA_GROUP",
        ids(5, 23, 8),
    );
    okta_group(
        world,
        "Growth Lab",
        "Experimentation guild",
        "OKTA_GROUP",
        ids(8, 31, 6),
    );
    // Growth Lab also assigns the app (its members are assigned one by one too): one group
    // for both, which Okta does not support, as Health finds.
    let growth = world
        .okta_group_by_name("Growth Lab")
        .expect("seeded")
        .id
        .clone();
    world.acting = Some(super::history::console_admin(
        &world.rules.org_domain.clone(),
    ));
    world.assign_app_group(app, &growth);
    console_mappings(
        world,
        app,
        ConsoleMappings {
            active: ("iOS Guild", "Statsig-Mobile-iOS-Member"),
            inactive: ("Warehouse Crew", "Statsig-Data-Platform-Warehouse-Member"),
            // "Create group" with a project Statsig does not have.
            failed: ("Growth Lab", "Statsig-Growth Lab-Experiments-Member"),
        },
    );
    super::seed_findings::after_import(world, app, ids(40, 13, 6), ids(2, 37, 5));
    world.acting = None;
    super::history::seed(world, "iOS Guild", "Warehouse Crew", "Growth Lab");
}

/// Mappings made in Okta's console, each (Okta group, Statsig group name).
struct ConsoleMappings<'a> {
    /// Pushed and in sync: Statsig's team is exactly the group's pushable members.
    active: (&'a str, &'a str),
    /// Made but never activated.
    inactive: (&'a str, &'a str),
    /// "Create group" of a team Statsig refuses: the push is in ERROR.
    failed: (&'a str, &'a str),
}

fn console_mappings(world: &mut World, app: &str, made: ConsoleMappings) {
    let at = world.seeded_at.clone();
    let group = |w: &World, name: &str| w.okta_group_by_name(name).expect("seeded").id.clone();
    let (source, target) = (group(world, made.active.0), group(world, made.active.1));
    let pushed = world
        .create_push_mapping(
            app,
            &json!({"sourceGroupId": source, "targetGroupId": target}),
            &at,
        )
        .expect("a valid mapping");
    let desired = world.pushable_scim_ids(app, &world.okta_groups[&source].members.clone());
    let ids: Vec<&str> = desired.iter().map(String::as_str).collect();
    set_scim_members(world, made.active.1, &ids);
    let job = world.owed_pushes();
    let scim_id = world.okta_groups[&target]
        .external_id
        .clone()
        .unwrap_or_default();
    for j in job.iter().filter(|j| j.mapping_id == pushed.id) {
        world.record_push(
            j,
            PushOutcome::Pushed {
                scim_id: scim_id.clone(),
                members: desired.clone(),
            },
            &at,
        );
    }
    let (source, target) = (group(world, made.inactive.0), group(world, made.inactive.1));
    world
        .create_push_mapping(
            app,
            &json!({"sourceGroupId": source, "targetGroupId": target, "status": "INACTIVE"}),
            &at,
        )
        .expect("a valid mapping");
    let (source, name) = (group(world, made.failed.0), made.failed.1);
    let failed = world
        .create_push_mapping(
            app,
            &json!({"sourceGroupId": source, "targetGroupName": name}),
            &at,
        )
        .expect("a valid mapping");
    let detail = match world.create_group(json!({"displayName": name}), &at) {
        Err(f) => format!(
            "Statsig answered {} when creating the group: {}",
            f.status, f.detail
        ),
        Ok(_) => "unexpectedly created".into(),
    };
    for j in world
        .owed_pushes()
        .iter()
        .filter(|j| j.mapping_id == failed.id)
    {
        world.record_push(
            j,
            PushOutcome::Failed(push_error_summary(&at, name, &detail)),
            &at,
        );
    }
}

/// The Okta ids of a Statsig team role's members.
fn team_okta_members(world: &World, people: &[Person], name: &str) -> Vec<String> {
    world
        .group_member_ids(name)
        .unwrap_or_default()
        .iter()
        .filter_map(|sid| {
            people
                .iter()
                .find(|p| p.scim_id.as_deref() == Some(sid))
                .map(|p| p.okta_id.clone())
        })
        .collect()
}

fn demo_mapping_groups(world: &mut World, people: &[Person], contractor: &str) {
    let ids = |skip: usize, step: usize, take: usize| -> Vec<String> {
        people
            .iter()
            .skip(skip)
            .step_by(step)
            .take(take)
            .map(|p| p.okta_id.clone())
            .collect()
    };
    // The seed document's mapping group: the Okta Test Proj team's members plus two more.
    let mut okta_test = team_okta_members(world, people, "Statsig-Okta Test Proj-Test Team-Member");
    okta_test.extend([people[120].okta_id.clone(), people[121].okta_id.clone()]);
    okta_group(
        world,
        "Okta Test Team",
        "Mapping group for Statsig-Okta Test Proj-Test Team-Member",
        "OKTA_GROUP",
        okta_test,
    );
    let payments = team_okta_members(world, people, "Statsig-Checkout-Payments-Member");
    okta_group(
        world,
        "Payments Engineers",
        "Checkout payments engineers",
        "OKTA_GROUP",
        payments,
    );
    let mut fraud = team_okta_members(world, people, "Statsig-Checkout-Fraud Detection-Member");
    fraud.pop();
    fraud.push(people[200].okta_id.clone());
    okta_group(
        world,
        "Fraud Squad",
        "Fraud detection on-call rotation",
        "OKTA_GROUP",
        fraud,
    );
    let ml = team_okta_members(world, people, "Statsig-Data-Platform-ML-Ops-Member");
    okta_group(world, "ML Platform", "", "OKTA_GROUP", ml);
    okta_group(world, "iOS Guild", "", "OKTA_GROUP", ids(10, 17, 9));
    // Every hard case at once: a suspended user, a user not in Statsig, the contractor.
    let mut onboarding = ids(60, 11, 6);
    onboarding.extend([
        people[7].okta_id.clone(),
        people[4].okta_id.clone(),
        contractor.to_string(),
    ]);
    okta_group(
        world,
        "Onboarding Squad",
        "Growth onboarding experiments",
        "OKTA_GROUP",
        onboarding,
    );
    okta_group(world, "Pricing Council", "", "OKTA_GROUP", ids(3, 29, 7));
}

/// Creates a group without Statsig's team rules (project role groups in the seed).
fn world_new_group(world: &mut World, name: &str, at: &str) -> String {
    let generic = world.rules.generic;
    world.rules.generic = true;
    let g = world
        .create_group(json!({"displayName": name}), at)
        .expect("seed group names are unique");
    world.rules.generic = generic;
    super::world::id_of(&g).to_string()
}

/// Creates both role groups of a team, whatever the rules (seeded names may be ambiguous).
fn world_create_team(world: &mut World, member_group: &str, at: &str) {
    let admin = member_group
        .strip_suffix("-Member")
        .map(|p| format!("{p}-Admin"))
        .unwrap_or_default();
    world_new_group(world, &admin, at);
    world_new_group(world, member_group, at);
}

fn scaled(spec: &SeedSpec, scale: &Scale) -> World {
    let projects: Vec<String> = (0..scale.projects)
        .map(|p| format!("Project {p:02}"))
        .collect();
    let mut world = World::new(spec.seed, rules(spec, projects.clone()));
    world.frozen_clock = true;
    let at = world.seeded_at.clone();
    let mut people = Vec::with_capacity(scale.users);
    for i in 0..scale.users {
        let status = if i % 97 == 5 { "SUSPENDED" } else { "ACTIVE" };
        people.push(add_person(&mut world, i, status, i % 20 != 3, DEMO_DOMAIN));
    }
    let provisioned: Vec<&str> = people.iter().filter_map(|p| p.scim_id.as_deref()).collect();
    for p in &projects {
        for role in ["Admin", "Member"] {
            world_new_group(&mut world, &format!("Statsig-{p}-{role}"), &at);
        }
    }
    for t in 0..scale.teams {
        let project = &projects[t % projects.len()];
        let team = format!("Team {t:04}");
        world_create_team(&mut world, &format!("Statsig-{project}-{team}-Member"), &at);
        for (role, size) in [
            ("Admin", scale.team_members / 8),
            ("Member", scale.team_members * 2 - scale.team_members / 8),
        ] {
            let start = world.below(provisioned.len());
            let ids: Vec<&str> = (0..size)
                .map(|k| provisioned[(start + k * 13) % provisioned.len()])
                .collect();
            set_scim_members(
                &mut world,
                &format!("Statsig-{project}-{team}-{role}"),
                &ids,
            );
        }
    }
    for g in 0..scale.okta_groups {
        let group = world
            .create_okta_group(&format!("Group {g:05}"), "", "OKTA_GROUP", &at)
            .expect("unique");
        let start = world.below(people.len());
        let members: Vec<String> = (0..scale.group_members)
            .map(|k| people[(start + k * 7) % people.len()].okta_id.clone())
            .collect();
        world
            .okta_groups
            .get_mut(&group.id)
            .expect("just made")
            .members
            .extend(members);
    }
    if scale.okta_app {
        scaled_okta_app(&mut world, &people, &projects, scale);
    }
    world
}

/// The Statsig app in a generated set, as the demo has it: the provisioned people
/// assigned, Statsig's groups imported but the newest team's, and three mappings made in
/// Okta's console from the first generated groups (pushed and Active into the first team,
/// Inactive into the second, and a Create Statsig refused, in Error).
fn scaled_okta_app(world: &mut World, people: &[Person], projects: &[String], scale: &Scale) {
    let app = statsig_app(world);
    let team_group = |t: usize, role: &str| {
        format!(
            "Statsig-{}-Team {t:04}-{role}",
            projects[t % projects.len()]
        )
    };
    let newest = (scale.teams >= 3).then(|| team_group(scale.teams - 1, ""));
    assign_and_import(world, &app, people, |name| {
        newest.as_deref().is_some_and(|n| name.starts_with(n))
    });
    if scale.okta_groups >= 3 && scale.teams >= 2 {
        let (first, second) = (team_group(0, "Member"), team_group(1, "Member"));
        console_mappings(
            world,
            &app,
            ConsoleMappings {
                active: ("Group 00000", &first),
                inactive: ("Group 00001", &second),
                failed: ("Group 00002", "Statsig-Unlisted-Experiments-Member"),
            },
        );
    }
}
