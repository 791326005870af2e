//! Diff and push plan: for one Okta group pushed to one Statsig group, the exact members to
//! add and remove, the members who cannot be pushed and why, and the PATCH requests that
//! will carry the change.

use super::directory::Directory;
use super::member::Pushed;
pub use super::member::{MemberList, MemberRef, SharedList, SkipReason, Skipped, SkippedList};
use serde::{Deserialize, Serialize, Serializer};
use std::borrow::Cow;
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
///
/// Member lists are places in the directory's shared table of users, and the PATCH
/// requests are cut from them when asked for: making a plan copies no member.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// The Okta group pushed.
    pub okta_group_id: String,
    /// The Statsig group pushed into.
    pub statsig_group_id: String,
    /// Its name.
    pub statsig_group_name: String,
    /// In Okta, not yet in Statsig: sorted by email.
    pub adds: MemberList,
    /// In Statsig, not in Okta: sorted by email.
    pub removes: MemberList,
    /// Already right.
    pub unchanged: MemberList,
    /// Okta members left out, with the reason: sorted by email.
    pub skipped: SkippedList,
    /// Membership changes per PATCH request.
    pub batch_size: usize,
}

impl Plan {
    /// Statsig already has exactly the desired members.
    pub fn is_noop(&self) -> bool {
        self.adds.is_empty() && self.removes.is_empty()
    }

    /// The membership changes the push makes: adds and removes.
    pub fn change_count(&self) -> usize {
        self.adds.len() + self.removes.len()
    }

    /// The PATCH requests the push sends.
    pub fn request_count(&self) -> usize {
        self.change_count().div_ceil(self.batch_size.max(1))
    }

    /// The PATCH requests, in order: removes first, then adds, at most `batch_size`
    /// changes each.
    pub fn batches(&self) -> Vec<PatchBatch> {
        batch(&self.removes, &self.adds, self.batch_size)
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

impl Serialize for Plan {
    /// The plan with its PATCH requests, as `plan` and `push` print it.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shown<'a> {
            okta_group_id: &'a str,
            statsig_group_id: &'a str,
            statsig_group_name: &'a str,
            adds: &'a MemberList,
            removes: &'a MemberList,
            unchanged: &'a MemberList,
            skipped: &'a SkippedList,
            batches: Vec<PatchBatch>,
        }
        Shown {
            okta_group_id: &self.okta_group_id,
            statsig_group_id: &self.statsig_group_id,
            statsig_group_name: &self.statsig_group_name,
            adds: &self.adds,
            removes: &self.removes,
            unchanged: &self.unchanged,
            skipped: &self.skipped,
            batches: self.batches(),
        }
        .serialize(s)
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
    /// The Okta group's members are still being read.
    #[error(
        "Okta group \"{0}\"'s members are still being read; plan it when the import has finished"
    )]
    MembersPending(String),
    /// The Okta group's members were not read: the import stopped before them.
    #[error(
        "Okta group \"{0}\"'s members were not read (the import stopped before them); Refresh reads them, then it can be planned"
    )]
    MembersUnread(String),
}

/// The desired Statsig membership for an Okta group: its active, provisioned members, and
/// the ones left out with the reason.
pub fn desired_members(
    dir: &Directory,
    okta_group_id: &str,
) -> Result<(MemberList, SkippedList), PlanError> {
    let desired = desired_ranks(dir, okta_group_id)?;
    Ok((
        MemberList::new(dir.members_by_rank().clone(), desired.ranks().to_vec()),
        desired.skipped(dir),
    ))
}

/// An Okta group's members as pushed (see `member::Pushed`), unless they are still being
/// read.
fn desired_ranks<'d>(dir: &'d Directory, okta_group_id: &str) -> Result<Desired<'d>, PlanError> {
    let gi = dir
        .okta_group_index(okta_group_id)
        .ok_or_else(|| PlanError::UnknownOktaGroup(okta_group_id.to_string()))?;
    let g = &dir.okta_groups[gi];
    if g.members_pending {
        let name = g.name.clone();
        return Err(if dir.members_reading {
            PlanError::MembersPending(name)
        } else {
            PlanError::MembersUnread(name)
        });
    }
    Ok(Desired(dir.okta_pushed(gi)))
}

/// An Okta group's members as pushed: ranks, and places among the directory's skips.
struct Desired<'d>(Cow<'d, Pushed>);

impl Desired<'_> {
    fn ranks(&self) -> &[u32] {
        &self.0.ranks
    }

    fn skipped(&self, dir: &Directory) -> SkippedList {
        SkippedList::new(dir.skips().clone(), self.0.skipped.to_vec())
    }
}

/// Plans the push of `okta_group_id` into `statsig_group_id`, in PATCHes of at most
/// `batch_size` membership changes.
///
/// Integer work: members are ranks (places in the order lists show), so wanted and
/// current are sorted integer lists and the diff is one merge.
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
    let desired = desired_ranks(dir, okta_group_id)?;
    // Current members: known users by rank; ids no user has are removed as they are.
    let mut strangers = Vec::new();
    let current = match dir.statsig_member_ranks(ti) {
        Some(ranks) => Cow::Borrowed(ranks),
        None => {
            let mut current = Vec::with_capacity(target.members.len());
            for id in &target.members {
                match dir.statsig_user_index(id) {
                    Some(i) => current.push(dir.rank(i)),
                    None => strangers.push(MemberRef {
                        id: Arc::from(id.as_str()),
                        display: Arc::from(id.as_str()),
                    }),
                }
            }
            current.sort_unstable();
            current.dedup();
            Cow::Owned(current)
        }
    };
    let (adds, removes, unchanged) = merge(desired.ranks(), &current);
    let table = dir.members_by_rank();
    let list = |places| MemberList::new(table.clone(), places);
    let removes = if strangers.is_empty() {
        list(removes)
    } else {
        let mut all: Vec<MemberRef> = list(removes).iter().cloned().collect();
        all.extend(strangers);
        sort_by_display(&mut all);
        MemberList::from(all)
    };
    Ok(Plan {
        okta_group_id: okta_group_id.to_string(),
        statsig_group_id: statsig_group_id.to_string(),
        statsig_group_name: target.display_name.clone(),
        adds: list(adds),
        removes,
        unchanged: list(unchanged),
        skipped: desired.skipped(dir),
        batch_size: batch_size.max(1),
    })
}

/// Wanted and current, both sorted and without repeats, as (only wanted, only current,
/// both), each sorted.
fn merge(wanted: &[u32], current: &[u32]) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let mut only_w = Vec::with_capacity(wanted.len());
    let mut only_c = Vec::with_capacity(current.len());
    let mut both = Vec::with_capacity(wanted.len().min(current.len()));
    let (mut i, mut j) = (0, 0);
    while i < wanted.len() && j < current.len() {
        match wanted[i].cmp(&current[j]) {
            std::cmp::Ordering::Less => {
                only_w.push(wanted[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                only_c.push(current[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                both.push(wanted[i]);
                i += 1;
                j += 1;
            }
        }
    }
    only_w.extend_from_slice(&wanted[i..]);
    only_c.extend_from_slice(&current[j..]);
    (only_w, only_c, both)
}

fn sort_by_display(members: &mut [MemberRef]) {
    // One lower-cased key per member, not two per comparison.
    members.sort_by_cached_key(|m| (m.display.to_lowercase(), m.id.clone()));
}

/// Splits removes then adds into requests of at most `batch_size` changes each: the fewest
/// requests the protocol allows.
pub fn batch<'a>(
    removes: impl IntoIterator<Item = &'a MemberRef>,
    adds: impl IntoIterator<Item = &'a MemberRef>,
    batch_size: usize,
) -> Vec<PatchBatch> {
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

    #[test]
    fn a_group_changed_since_indexing_plans_as_a_fresh_index_would() {
        let mut d = dir();
        let mut og = (*d.okta_groups[0]).clone();
        og.members = vec!["o2".into(), "o3".into(), "o4".into(), "o2".into()];
        d.upsert_okta_group(og);
        let mut sg = (*d.statsig_groups[0]).clone();
        sg.members = vec!["s3".into(), "gone-user".into(), "s1".into()];
        d.upsert_statsig_group(sg);
        // Both groups were replaced in place: the plan looks their members up.
        assert!(matches!(d.okta_pushed(0), Cow::Owned(_)) && d.statsig_member_ranks(0).is_none());
        let looked_up = plan_push(&d, "og1", "g1", 2).unwrap();
        let mut fresh = d.clone();
        fresh.reindex();
        assert_eq!(looked_up, plan_push(&fresh, "og1", "g1", 2).unwrap());
        let ids = |l: &MemberList| l.iter().map(|m| m.id.to_string()).collect::<Vec<_>>();
        assert_eq!(ids(&looked_up.adds), ["s2"]);
        assert_eq!(ids(&looked_up.removes), ["s1", "s3", "gone-user"]);
        assert_eq!(
            looked_up.skipped.len(),
            2,
            "eve (no Statsig user), dee (suspended)"
        );
        let batches = looked_up.batches();
        assert_eq!(batches.len(), 2);
        assert_eq!(batches[1].adds[0].id.as_ref(), "s2");
    }

    /// A plan with only adds, or only removes, is work; its requests are its changes cut
    /// at the batch size (as many as `batches` sends); its lists read by email, whatever
    /// order the directory holds the people in.
    #[test]
    fn requests_count_the_changes_and_lists_read_by_email() {
        let d = Directory::new(
            vec!["Checkout".into()],
            vec!["example.com".into()],
            vec![
                su("s1", "zoe@example.com"),
                su("s2", "Mia@example.com"),
                su("s3", "amy@example.com"),
                su("s4", "kim@example.com"),
            ],
            vec![
                sg("g1", "Statsig-Checkout-Payments-Member", &["s4"]),
                sg(
                    "g2",
                    "Statsig-Checkout-Risk-Member",
                    &["s1", "s2", "s3", "s4"],
                ),
            ],
            vec![
                ou("o1", "zoe@example.com", "ACTIVE"),
                ou("o2", "mia@example.com", "ACTIVE"),
                ou("o3", "amy@example.com", "ACTIVE"),
                ou("o4", "kim@example.com", "ACTIVE"),
            ],
            vec![
                og("og1", "Everyone", &["o1", "o2", "o3", "o4"]),
                og("og2", "Kim", &["o4"]),
            ],
        );
        let emails = |l: &MemberList| l.iter().map(|m| m.display.to_string()).collect::<Vec<_>>();
        let adds_only = plan_push(&d, "og1", "g1", 2).unwrap();
        assert!(!adds_only.is_noop());
        assert_eq!(
            emails(&adds_only.adds),
            ["amy@example.com", "Mia@example.com", "zoe@example.com"]
        );
        assert_eq!(adds_only.request_count(), 2, "3 changes, 2 a request");
        assert_eq!(adds_only.batches().len(), 2);
        // A member no user has is removed too, in its place by what is shown of it.
        let mut d = d;
        let mut g2 = (*d.statsig_groups[1]).clone();
        g2.members.push("aaa-gone".into());
        d.upsert_statsig_group(g2);
        let removes_only = plan_push(&d, "og2", "g2", 1).unwrap();
        assert!(!removes_only.is_noop());
        assert_eq!(
            emails(&removes_only.removes),
            [
                "aaa-gone",
                "amy@example.com",
                "Mia@example.com",
                "zoe@example.com"
            ]
        );
        assert_eq!(removes_only.request_count(), 4);
        // Everyone already in: nothing to send.
        let d = {
            let mut d = d;
            let mut g2 = (*d.statsig_groups[1]).clone();
            g2.members.retain(|m| m != "aaa-gone");
            d.upsert_statsig_group(g2);
            d
        };
        let both = plan_push(&d, "og1", "g2", 1).unwrap();
        assert!(both.is_noop());
        assert_eq!(both.request_count(), 0);
        assert!(both.batches().is_empty());
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
