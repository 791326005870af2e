//! A Statsig user as a team member, a group's members as user indices, and why an Okta
//! member cannot be pushed: the pieces the directory and plans share.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

/// A Statsig user as a group member: id and the email shown beside it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct MemberRef {
    /// Shared with the directory: plans copy these by reference count, not by allocation.
    pub id: Arc<str>,
    /// The email shown beside it.
    pub display: Arc<str>,
}

/// Items as places in a shared table, in the table's order: a plan holds integers, not
/// copies. Reads, compares and serializes as a list of `T`.
#[derive(Clone)]
pub struct SharedList<T> {
    table: Arc<[T]>,
    places: Vec<u32>,
}

/// Members as places in the directory's table of Statsig users, in list order.
pub type MemberList = SharedList<MemberRef>;

/// Okta members left out as places in the directory's table of them, by email.
pub type SkippedList = SharedList<Skipped>;

impl<T> SharedList<T> {
    /// The items at `places` in `table`. Every place must be inside the table.
    pub(crate) fn new(table: Arc<[T]>, places: Vec<u32>) -> Self {
        debug_assert!(places.iter().all(|&p| (p as usize) < table.len()));
        SharedList { table, places }
    }

    /// How many items.
    pub fn len(&self) -> usize {
        self.places.len()
    }

    /// No item at all.
    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// The items `keep` says yes to, in order: places in the same table, nothing copied.
    pub fn filtered(&self, mut keep: impl FnMut(&T) -> bool) -> Self {
        SharedList {
            table: self.table.clone(),
            places: self
                .places
                .iter()
                .copied()
                .filter(|&p| keep(&self.table[p as usize]))
                .collect(),
        }
    }

    /// The items, in order.
    pub fn iter(&self) -> Iter<'_, T> {
        Iter {
            table: &self.table,
            places: self.places.iter(),
        }
    }
}

impl<T> Default for SharedList<T> {
    fn default() -> Self {
        SharedList {
            table: Arc::from(Vec::new()),
            places: Vec::new(),
        }
    }
}

impl<T> From<Vec<T>> for SharedList<T> {
    fn from(items: Vec<T>) -> Self {
        let places = (0..items.len() as u32).collect();
        SharedList {
            table: items.into(),
            places,
        }
    }
}

impl<'a, T> IntoIterator for &'a SharedList<T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

/// The items of a [`SharedList`], in order.
#[derive(Clone)]
pub struct Iter<'a, T> {
    table: &'a [T],
    places: std::slice::Iter<'a, u32>,
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        self.places.next().map(|&p| &self.table[p as usize])
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.places.size_hint()
    }
}

impl<T> ExactSizeIterator for Iter<'_, T> {}

impl<T: PartialEq> PartialEq for SharedList<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: Eq> Eq for SharedList<T> {}

impl<T: fmt::Debug> fmt::Debug for SharedList<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Serialize> Serialize for SharedList<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for SharedList<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<T>::deserialize(d).map(SharedList::from)
    }
}

/// Something worked out from a group's members (user indices, ranks), tied to the group
/// value it was made from.
#[derive(Debug, Clone)]
pub(crate) struct Members<G, T = Box<[u32]>> {
    group: std::sync::Weak<G>,
    users: Option<T>,
}

/// An Okta group's members as pushed: the ranks of the Statsig users they are pushed as,
/// and the places of those who cannot be among the directory's skips (both sorted, no
/// repeats).
#[derive(Debug, Clone, Default)]
pub(crate) struct Pushed {
    pub(crate) ranks: Box<[u32]>,
    pub(crate) skipped: Box<[u32]>,
}

impl<G, T> Members<G, T> {
    pub(crate) fn of(group: &Arc<G>, users: Option<T>) -> Self {
        Members {
            group: Arc::downgrade(group),
            users,
        }
    }

    /// The indices, if `group` is still the value they were made from.
    pub(crate) fn for_group(&self, group: &Arc<G>) -> Option<&T> {
        if std::ptr::eq(self.group.as_ptr(), Arc::as_ptr(group)) {
            self.users.as_ref()
        } else {
            None
        }
    }
}

/// Why an Okta group member cannot be pushed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SkipReason {
    /// Not active in Okta (suspended, deprovisioned, staged...): Okta pushes active users only.
    InactiveInOkta {
        /// The user's Okta status.
        status: String,
    },
    /// The email's domain is not one Statsig accepts for this organization.
    OutsideOrgDomain {
        /// The email's domain.
        domain: String,
    },
    /// No Statsig user has this email: assign the user to the Statsig app first.
    NoStatsigUser,
    /// Okta push: not assigned to the Statsig app in Okta, so Okta does not push them.
    NotAssigned {
        /// The app's label.
        app: String,
    },
    /// Okta push: assigned, but Okta has not created the Statsig account yet.
    NotProvisionedYet {
        /// The app's label.
        app: String,
    },
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::InactiveInOkta { status } => {
                write!(
                    f,
                    "{} in Okta; only active users are pushed",
                    status.to_lowercase()
                )
            }
            SkipReason::OutsideOrgDomain { domain } => {
                write!(
                    f,
                    "{domain} is outside the Statsig organization's email domains"
                )
            }
            SkipReason::NoStatsigUser => {
                f.write_str("not provisioned in Statsig; assign the user to the Statsig app first")
            }
            SkipReason::NotAssigned { app } => {
                write!(
                    f,
                    "not assigned to the \"{app}\" app in Okta; Okta pushes assigned users only"
                )
            }
            SkipReason::NotProvisionedYet { app } => {
                write!(
                    f,
                    "assigned to \"{app}\" but Okta has not created the Statsig account yet"
                )
            }
        }
    }
}

/// An Okta member left out of the push.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Skipped {
    /// The member's email.
    pub email: String,
    /// The member's Okta id.
    pub okta_user_id: String,
    /// Why the member is left out.
    pub reason: SkipReason,
}
