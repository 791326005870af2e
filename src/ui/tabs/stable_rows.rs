//! Rows that stay where they are: a list's order is the order its items were first shown
//! in, items that appear later go after them, and an update never moves a row under the
//! pointer. What an update changed is marked on its row instead, until that row is
//! selected or a later update changes something else.

use std::collections::HashMap;

/// The order of a list's rows and what the last update changed in them.
#[derive(Debug)]
pub struct StableRows<F> {
    /// The version of the items last brought in.
    version: Option<u64>,
    /// Each item's place.
    place: HashMap<String, usize>,
    /// The next free place.
    next: usize,
    /// What each item looked like at the last update.
    seen: HashMap<String, F>,
    /// What the last update that changed anything changed, per item.
    changed: HashMap<String, String>,
    /// The selection at the last look.
    selected: Option<String>,
}

impl<F> Default for StableRows<F> {
    fn default() -> Self {
        StableRows {
            version: None,
            place: HashMap::new(),
            next: 0,
            seen: HashMap::new(),
            changed: HashMap::new(),
            selected: None,
        }
    }
}

impl<F: PartialEq> StableRows<F> {
    /// Brings in the items of `version` (each its id and what it looks like); `describe`
    /// says in a few words how an item changed (old, new). New items are placed after the
    /// others, in the order given; the first items ever given are not marked new.
    pub fn update(
        &mut self,
        version: u64,
        items: impl IntoIterator<Item = (String, F)>,
        describe: impl Fn(&F, &F) -> String,
    ) {
        if self.version == Some(version) {
            return;
        }
        let first = self.version.is_none();
        self.version = Some(version);
        let mut seen = HashMap::new();
        let mut changed = HashMap::new();
        for (id, look) in items {
            if !self.place.contains_key(&id) {
                self.place.insert(id.clone(), self.next);
                self.next += 1;
                if !first {
                    changed.insert(id.clone(), "New since the last look".to_string());
                }
            } else if let Some(old) = self.seen.get(&id)
                && *old != look
            {
                changed.insert(id.clone(), describe(old, &look));
            }
            seen.insert(id, look);
        }
        self.place.retain(|id, _| seen.contains_key(id));
        self.changed.retain(|id, _| seen.contains_key(id));
        self.seen = seen;
        if !changed.is_empty() {
            self.changed = changed;
        }
    }

    /// The place of the item `id` (sort rows by it); unknown items go last.
    pub fn place(&self, id: &str) -> usize {
        self.place.get(id).copied().unwrap_or(usize::MAX)
    }

    /// What the last update changed in the item `id`, if it is still marked.
    pub fn change(&self, id: &str) -> Option<&str> {
        self.changed.get(id).map(String::as_str)
    }

    /// The admin looked at `selected`: a newly selected row is no longer marked.
    pub fn looked_at(&mut self, selected: Option<&str>) {
        if self.selected.as_deref() != selected {
            self.selected = selected.map(str::to_string);
            if let Some(s) = selected {
                self.changed.remove(s);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(rows: &StableRows<u8>, mut items: Vec<&'static str>) -> Vec<&'static str> {
        items.sort_by_key(|s| rows.place(s));
        items
    }

    fn describe(a: &u8, b: &u8) -> String {
        format!("{a} -> {b}")
    }

    #[test]
    fn rows_keep_their_places_and_new_ones_go_last() {
        let mut rows = StableRows::default();
        rows.update(1, [("b".into(), 0), ("a".into(), 0)], describe);
        assert_eq!(rows.change("a"), None, "the first rows are not new");
        // The source now lists them in another order, with a new one first.
        rows.update(
            2,
            [("c".into(), 0), ("a".into(), 0), ("b".into(), 1)],
            describe,
        );
        assert_eq!(ids(&rows, vec!["a", "b", "c"]), ["b", "a", "c"]);
        assert_eq!(rows.change("b"), Some("0 -> 1"));
        assert_eq!(rows.change("c"), Some("New since the last look"));
        assert_eq!(rows.change("a"), None);
        // An update that changes nothing keeps the marks; selecting a row clears its mark.
        rows.update(
            3,
            [("a".into(), 0), ("b".into(), 1), ("c".into(), 0)],
            describe,
        );
        assert_eq!(rows.change("b"), Some("0 -> 1"));
        rows.looked_at(Some("b"));
        assert_eq!(rows.change("b"), None);
        assert!(rows.change("c").is_some());
        // A later change replaces the marks; a row gone leaves the others in place.
        rows.update(4, [("a".into(), 2), ("c".into(), 0)], describe);
        assert_eq!(rows.change("a"), Some("0 -> 2"));
        assert_eq!(rows.change("c"), None);
        assert_eq!(ids(&rows, vec!["c", "a"]), ["a", "c"]);
    }
}
