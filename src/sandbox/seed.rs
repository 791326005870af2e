//! Demo data that looks like a real company and exercises the hard cases, deterministic
//! from a seed (ids included), plus a large fixture for benchmarks.

use super::world::{Rules, World};
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
    pub users: usize,
    pub projects: usize,
    pub teams: usize,
    pub okta_groups: usize,
    /// Members per team-role group, on average.
    pub team_members: usize,
    /// Members per Okta group, on average.
    pub group_members: usize,
}

impl Scale {
    /// The `--seed large` fixture: 100,000 users, 40 projects, 2,500 teams (400,000 team
    /// memberships), 5,000 Okta groups (500,000 memberships).
    pub fn large() -> Self {
        Scale {
            users: 100_000,
            projects: 40,
            teams: 2_500,
            okta_groups: 5_000,
            team_members: 80,
            group_members: 100,
        }
    }
}

/// What to seed.
#[derive(Debug, Clone)]
pub struct SeedSpec {
    pub seed: u64,
    pub kind: SeedKind,
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

fn add_person(world: &mut World, i: usize, status: &str, in_statsig: bool, domain: &str) -> Person {
    let first = FIRST[i % FIRST.len()];
    let last = LAST[(i / FIRST.len() + i * 7) % LAST.len()];
    let email = email_for(first, last, i / (FIRST.len() * LAST.len()), domain);
    let okta_id = world.add_okta_user(first, last, &email, status);
    let at = world.seeded_at.clone();
    let scim_id = in_statsig.then(|| {
        let body = json!({
            "userName": email, "name": {"givenName": first, "familyName": last},
            "emails": [{"value": email, "primary": true, "type": "work"}],
            "active": status == "ACTIVE", "statsigOrgRole": if i.is_multiple_of(23) { "Admin" } else { "Member" },
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
    let mut world = World::new(spec.seed, rules(spec, projects.clone()));
    world.frozen_clock = true;
    let at = world.seeded_at.clone();
    // 300 people: most in Statsig and active; some only in Okta; some inactive.
    let mut people = Vec::new();
    for i in 0..300 {
        let status = match i % 50 {
            7 | 31 => "SUSPENDED",
            19 => "DEPROVISIONED",
            44 => "STAGED",
            _ => "ACTIVE",
        };
        let in_statsig = i % 9 != 4 && status != "STAGED";
        people.push(add_person(&mut world, i, status, in_statsig, DEMO_DOMAIN));
    }
    // A contractor outside the org's domain: Okta has them, Statsig refuses them.
    let contractor_id =
        world.add_okta_user("Sam", "Contractor", "sam@partner-agency.com", "ACTIVE");

    // Statsig: project role groups and teams.
    for (project, teams) in DEMO_PROJECTS {
        for role in ["Admin", "Member"] {
            world_new_group(&mut world, &format!("Statsig-{project}-{role}"), &at);
        }
        for team in *teams {
            let name = format!("Statsig-{project}-{team}-Member");
            world_create_team(&mut world, &name, &at);
        }
    }
    // Team memberships: deterministic slices of the provisioned people.
    let provisioned: Vec<&Person> = people.iter().filter(|p| p.scim_id.is_some()).collect();
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
                let ids: Vec<&str> = (0..size)
                    .map(|k| {
                        provisioned[(cursor + k * 3) % provisioned.len()]
                            .scim_id
                            .as_deref()
                            .unwrap_or_default()
                    })
                    .collect();
                cursor += size * 2 + 1;
                set_scim_members(
                    &mut world,
                    &format!("Statsig-{project}-{team}-{role}"),
                    &ids,
                );
            }
        }
        let admins: Vec<&str> = (0..2)
            .map(|k| {
                provisioned[(cursor + k) % provisioned.len()]
                    .scim_id
                    .as_deref()
                    .unwrap_or_default()
            })
            .collect();
        set_scim_members(&mut world, &format!("Statsig-{project}-Admin"), &admins);
        cursor += 3;
    }

    // Okta: Everyone, departments, mapping groups, and imported app groups.
    let everyone = world
        .create_okta_group(
            "Everyone",
            "All users in your organization",
            "BUILT_IN",
            &at,
        )
        .expect("seed");
    let all: Vec<String> = people
        .iter()
        .map(|p| p.okta_id.clone())
        .chain([contractor_id.clone()])
        .collect();
    world
        .okta_groups
        .get_mut(&everyone.id)
        .expect("just made")
        .members
        .extend(all);
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
        let g = world
            .create_okta_group(dept, &format!("{dept} department"), "OKTA_GROUP", &at)
            .expect("seed");
        let members: Vec<String> = people
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 7 == d)
            .map(|(_, p)| p.okta_id.clone())
            .collect();
        world
            .okta_groups
            .get_mut(&g.id)
            .expect("just made")
            .members
            .extend(members);
    }
    // Mapping groups. Some match a team exactly, some differ, one has every kind of member
    // that cannot be pushed.
    let team_okta_members = |world: &World, name: &str| -> Vec<String> {
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
    };
    let mapping = |world: &mut World, name: &str, desc: &str, members: Vec<String>| {
        let g = world
            .create_okta_group(name, desc, "OKTA_GROUP", &at)
            .expect("seed");
        world
            .okta_groups
            .get_mut(&g.id)
            .expect("just made")
            .members
            .extend(members);
    };
    // The seed document's mapping group: the Okta Test Proj team's members plus two more.
    let mut okta_test = team_okta_members(&world, "Statsig-Okta Test Proj-Test Team-Member");
    okta_test.extend([people[120].okta_id.clone(), people[121].okta_id.clone()]);
    mapping(
        &mut world,
        "Okta Test Team",
        "Mapping group for Statsig-Okta Test Proj-Test Team-Member",
        okta_test,
    );
    let payments = team_okta_members(&world, "Statsig-Checkout-Payments-Member");
    mapping(
        &mut world,
        "Payments Engineers",
        "Checkout payments engineers",
        payments,
    );
    let mut fraud = team_okta_members(&world, "Statsig-Checkout-Fraud Detection-Member");
    fraud.pop();
    fraud.push(people[200].okta_id.clone());
    mapping(
        &mut world,
        "Fraud Squad",
        "Fraud detection on-call rotation",
        fraud,
    );
    let ml = team_okta_members(&world, "Statsig-Data-Platform-ML-Ops-Member");
    mapping(&mut world, "ML Platform", "", ml);
    mapping(
        &mut world,
        "iOS Guild",
        "",
        people
            .iter()
            .skip(10)
            .step_by(17)
            .take(9)
            .map(|p| p.okta_id.clone())
            .collect(),
    );
    // Every hard case at once: a suspended user, a user not in Statsig, the contractor.
    let mut onboarding: Vec<String> = people
        .iter()
        .skip(60)
        .step_by(11)
        .take(6)
        .map(|p| p.okta_id.clone())
        .collect();
    onboarding.extend([
        people[7].okta_id.clone(),
        people[4].okta_id.clone(),
        contractor_id,
    ]);
    mapping(
        &mut world,
        "Onboarding Squad",
        "Growth onboarding experiments",
        onboarding,
    );
    mapping(
        &mut world,
        "Pricing Council",
        "",
        people
            .iter()
            .skip(3)
            .step_by(29)
            .take(7)
            .map(|p| p.okta_id.clone())
            .collect(),
    );
    // Statsig groups imported into Okta show up there as app groups.
    for name in [
        "Statsig-Okta Test Proj-Test Team-Member",
        "Statsig-Checkout-Payments-Member",
    ] {
        let members = team_okta_members(&world, name);
        let g = world
            .create_okta_group(name, "Imported from Statsig", "APP_GROUP", &at)
            .expect("seed");
        world
            .okta_groups
            .get_mut(&g.id)
            .expect("just made")
            .members
            .extend(members);
    }
    world
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
    world
}
