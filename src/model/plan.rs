//! Diff and push plan: for one Okta group pushed to one Statsig group, the exact members to
//! add and remove, the members who cannot be pushed and why, and the PATCH requests that
//! will carry the change.

use super::directory::Directory;
pub use super::member::{MemberRef, SkipReason, Skipped};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Okta's documented default of membership changes per PATCH.
pub const DEFAULT_BATCH_SIZE: usize = 100;

/// The members one PATCH request changes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PatchBatch {
    /// Members removed by this request.
    pub removes: Vec<MemberRef>,
    /// Members added by this request.
    pub adds: Vec<MemberRef>,
}

impl PatchBatch {
    /// Membership changes in this request.
    pub fn len(&self) -> usize {
        self.removes.len() + self.adds.len()
    }

    /// No change at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Everything a push of one mapping would do. Deterministic for the same input.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Plan {
    /// The Okta group pushed.
    pub okta_group_id: String,
    /// The Statsig group pushed into.
    pub statsig_group_id: String,
    /// Its name.
    pub statsig_group_name: String,
    /// In Okta, not yet in Statsig: sorted by email.
    pub adds: Vec<MemberRef>,
    /// In Statsig, not in Okta: sorted by email.
    pub removes: Vec<MemberRef>,
    /// Already right.
    pub unchanged: Vec<MemberRef>,
    /// Okta members left out, with the reason: sorted by email.
    pub skipped: Vec<Skipped>,
    /// The PATCH requests, in order.
    pub batches: Vec<PatchBatch>,
}

impl Plan {
    /// Statsig already has exactly the desired members.
    pub fn is_noop(&self) -> bool {
        self.adds.is_empty() && self.removes.is_empty()
    }

    /// The PATCH requests the push sends.
    pub fn request_count(&self) -> usize {
        self.batches.len()
    }

    /// One line for lists and logs.
    pub fn summary(&self) -> String {
        format!(
            "{} to add, {} to remove, {} unchanged, {} cannot be pushed; {} request{}",
            self.adds.len(),
            self.removes.len(),
            self.unchanged.len(),
            self.skipped.len(),
            self.request_count(),
            if self.request_count() == 1 { "" } else { "s" }
        )
    }
}

/// Why a plan could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// The Okta group is not in the directory.
    #[error("Okta group {0} is not in the imported directory; import again")]
    UnknownOktaGroup(String),
    #[error(
        "Statsig group {0} is not in the imported directory; it may have been deleted in Statsig"
    )]
    /// The Statsig group is not in the directory.
    UnknownStatsigGroup(String),
}

/// The desired Statsig membership for an Okta group: its active, provisioned members, and
/// the ones left out with the reason.
pub fn desired_members(
    dir: &Directory,
    okta_group_id: &str,
) -> Result<(Vec<MemberRef>, Vec<Skipped>), PlanError> {
    let (wanted, skipped) = desired_indices(dir, okta_group_id)?;
    Ok((
        wanted.into_iter().map(|i| member_ref(dir, i)).collect(),
        skipped,
    ))
}

/// Statsig user indices, sorted as lists show them, and the members left out.
fn desired_indices(
    dir: &Directory,
    okta_group_id: &str,
) -> Result<(Vec<usize>, Vec<Skipped>), PlanError> {
    let gi = dir
        .okta_group_index(okta_group_id)
        .ok_or_else(|| PlanError::UnknownOktaGroup(okta_group_id.to_string()))?;
    let group = &dir.okta_groups[gi];
    // A membership row for a user the import did not see: nothing to push.
    let members: Vec<usize> = match dir.okta_member_indices(gi) {
        Some(ix) => ix.iter().map(|&i| i as usize).collect(),
        None => group
            .members
            .iter()
            .filter_map(|uid| dir.okta_user_index(uid))
            .collect(),
    };
    let mut wanted = Vec::with_capacity(members.len());
    let mut skipped = Vec::new();
    for oi in members {
        match dir.pushable(oi) {
            Ok(si) => wanted.push(si),
            Err(reason) => {
                let user = &dir.okta_users[oi];
                skipped.push(Skipped {
                    email: user.email.clone(),
                    okta_user_id: user.id.clone(),
                    reason: reason.clone(),
                });
            }
        }
    }
    sort_indices(dir, &mut wanted);
    wanted.dedup();
    skipped.sort();
    Ok((wanted, skipped))
}

fn member_ref(dir: &Directory, statsig_index: usize) -> MemberRef {
    dir.member_ref(statsig_index)
}

fn sort_indices(dir: &Directory, v: &mut [usize]) {
    // One rank lookup per member (they are scattered in memory), not one per comparison.
    v.sort_by_cached_key(|&i| dir.rank(i));
}

/// Plans the push of `okta_group_id` into `statsig_group_id`, in PATCHes of at most
/// `batch_size` membership changes.
pub fn plan_push(
    dir: &Directory,
    okta_group_id: &str,
    statsig_group_id: &str,
    batch_size: usize,
) -> Result<Plan, PlanError> {
    let ti = dir
        .statsig_group_index(statsig_group_id)
        .ok_or_else(|| PlanError::UnknownStatsigGroup(statsig_group_id.to_string()))?;
    let target = &dir.statsig_groups[ti];
    let (wanted, skipped) = desired_indices(dir, okta_group_id)?;
    // Current members: known users by index; ids no user has are removed as they are.
    let mut current = Vec::with_capacity(target.members.len());
    let mut strangers = Vec::new();
    match dir.statsig_member_indices(ti) {
        Some(ix) => current.extend(ix.iter().map(|&i| i as usize)),
        None => {
            for id in &target.members {
                match dir.statsig_user_index(id) {
                    Some(i) => current.push(i),
                    None => strangers.push(MemberRef {
                        id: Arc::from(id.as_str()),
                        display: Arc::from(id.as_str()),
                    }),
                }
            }
        }
    }
    current.sort_unstable();
    let mut wanted_set = wanted.clone();
    wanted_set.sort_unstable();
    let (mut unchanged, mut adds) = (Vec::new(), Vec::new());
    for &i in &wanted {
        if current.binary_search(&i).is_ok() {
            unchanged.push(member_ref(dir, i))
        } else {
            adds.push(member_ref(dir, i))
        }
    }
    let mut remove_idx: Vec<usize> = current
        .iter()
        .copied()
        .filter(|i| wanted_set.binary_search(i).is_err())
        .collect();
    sort_indices(dir, &mut remove_idx);
    let mut removes: Vec<MemberRef> = remove_idx.into_iter().map(|i| member_ref(dir, i)).collect();
    if !strangers.is_empty() {
        removes.extend(strangers);
        sort_by_display(&mut removes);
    }
    let batches = batch(&removes, &adds, batch_size);
    Ok(Plan {
        okta_group_id: okta_group_id.to_string(),
        statsig_group_id: statsig_group_id.to_string(),
        statsig_group_name: target.display_name.clone(),
        adds,
        removes,
        unchanged,
        skipped,
        batches,
    })
}

fn sort_by_display(members: &mut [MemberRef]) {
    // One lower-cased key per member, not two per comparison.
    members.sort_by_cached_key(|m| (m.display.to_lowercase(), m.id.clone()));
}

/// Splits removes then adds into requests of at most `batch_size` changes each: the fewest
/// requests the protocol allows.
pub fn batch(removes: &[MemberRef], adds: &[MemberRef], batch_size: usize) -> Vec<PatchBatch> {
    let size = batch_size.max(1);
    let mut batches = Vec::new();
    let mut current = PatchBatch::default();
    for m in removes {
        if current.len() == size {
            batches.push(std::mem::take(&mut current));
        }
        current.removes.push(m.clone());
    }
    for m in adds {
        if current.len() == size {
            batches.push(std::mem::take(&mut current));
        }
        current.adds.push(m.clone());
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::directory::tests::{og, ou, sg, su};

    fn dir() -> Directory {
        Directory::new(
            vec!["Checkout".into()],
            vec!["example.com".into()],
            vec![
                su("s1", "ada@example.com"),
                su("s2", "bob@example.com"),
                su("s3", "cy@example.com"),
                su("s4", "dee@example.com"),
            ],
            vec![sg("g1", "Statsig-Checkout-Payments-Member", &["s2", "s3"])],
            vec![
                ou("o1", "ADA@example.com", "ACTIVE"),
                ou("o2", "bob@example.com", "ACTIVE"),
                ou("o3", "eve@example.com", "ACTIVE"),
                ou("o4", "dee@example.com", "SUSPENDED"),
                ou("o5", "zed@elsewhere.org", "ACTIVE"),
            ],
            vec![og(
                "og1",
                "Payments team",
                &["o1", "o2", "o3", "o4", "o5", "o-unknown"],
            )],
        )
    }

    #[test]
    fn plan_adds_removes_and_explains_skips() {
        let plan = plan_push(&dir(), "og1", "g1", 100).unwrap();
        assert_eq!(plan.adds.iter().map(|m| &*m.id).collect::<Vec<_>>(), ["s1"]);
        assert_eq!(
            plan.removes.iter().map(|m| &*m.id).collect::<Vec<_>>(),
            ["s3"]
        );
        assert_eq!(
            plan.unchanged.iter().map(|m| &*m.id).collect::<Vec<_>>(),
            ["s2"]
        );
        let reasons: Vec<(&str, &SkipReason)> = plan
            .skipped
            .iter()
            .map(|s| (s.email.as_str(), &s.reason))
            .collect();
        assert_eq!(
            reasons,
            [
                (
                    "dee@example.com",
                    &SkipReason::InactiveInOkta {
                        status: "SUSPENDED".into()
                    }
                ),
                ("eve@example.com", &SkipReason::NoStatsigUser),
                (
                    "zed@elsewhere.org",
                    &SkipReason::OutsideOrgDomain {
                        domain: "elsewhere.org".into()
                    }
                ),
            ]
        );
        assert_eq!(plan.request_count(), 1);
        assert_eq!(
            plan.summary(),
            "1 to add, 1 to remove, 1 unchanged, 3 cannot be pushed; 1 request"
        );
    }

    #[test]
    fn plan_is_deterministic_and_a_second_plan_after_applying_is_empty() {
        let d = dir();
        assert_eq!(
            plan_push(&d, "og1", "g1", 1).unwrap(),
            plan_push(&d, "og1", "g1", 1).unwrap()
        );
        let mut applied = d.clone();
        Arc::make_mut(&mut applied.statsig_groups[0]).members = vec!["s1".into(), "s2".into()];
        applied.reindex();
        assert!(plan_push(&applied, "og1", "g1", 100).unwrap().is_noop());
    }

    #[test]
    fn unknown_groups_are_errors_naming_the_group() {
        let d = dir();
        assert_eq!(
            plan_push(&d, "nope", "g1", 100).unwrap_err().to_string(),
            "Okta group nope is not in the imported directory; import again"
        );
        assert!(matches!(
            plan_push(&d, "og1", "gone", 100),
            Err(PlanError::UnknownStatsigGroup(_))
        ));
    }

    fn refs(prefix: &str, n: usize) -> Vec<MemberRef> {
        (0..n)
            .map(|i| MemberRef {
                id: format!("{prefix}{i:03}").into(),
                display: format!("{prefix}{i:03}@x").into(),
            })
            .collect()
    }

    #[test]
    fn batches_are_the_fewest_requests_and_never_exceed_the_size() {
        for (removes, adds, size) in [
            (0, 0, 100),
            (250, 0, 100),
            (30, 171, 100),
            (7, 7, 1),
            (99, 1, 100),
        ] {
            let b = batch(&refs("r", removes), &refs("a", adds), size);
            assert_eq!(
                b.len(),
                (removes + adds).div_ceil(size),
                "{removes}+{adds} by {size}"
            );
            assert!(b.iter().all(|x| x.len() <= size && !x.is_empty()));
            assert_eq!(b.iter().map(|x| x.removes.len()).sum::<usize>(), removes);
            assert_eq!(b.iter().map(|x| x.adds.len()).sum::<usize>(), adds);
        }
    }
}
