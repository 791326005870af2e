//! Derived data kept between frames: computed when its key changes (the directory's
//! generation, the search text, a selection), never per frame.

/// One value, recomputed only when its key changes.
#[derive(Debug)]
pub struct Memo<K, V> {
    entry: Option<(K, V)>,
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo { entry: None }
    }
}

impl<K: PartialEq, V> Memo<K, V> {
    /// The value for `key`, computed by `make` when the key changed.
    pub fn get(&mut self, key: K, make: impl FnOnce() -> V) -> &V {
        if self.entry.as_ref().is_some_and(|(k, _)| *k != key) {
            self.entry = None;
        }
        &self.entry.get_or_insert_with(|| (key, make())).1
    }

    /// As [`Memo::get`], with the key made (by `key`) only when the kept one is not the
    /// same (by `same`): a key holding text or a record is not copied every frame.
    pub fn get_keyed(
        &mut self,
        same: impl FnOnce(&K) -> bool,
        key: impl FnOnce() -> K,
        make: impl FnOnce() -> V,
    ) -> &V {
        if !self.entry.as_ref().is_some_and(|(k, _)| same(k)) {
            self.entry = None;
        }
        &self.entry.get_or_insert_with(|| (key(), make())).1
    }

    /// Forgets the value.
    pub fn clear(&mut self) {
        self.entry = None;
    }
}

/// A list filtered by search text, kept between frames. What each item is searched by is
/// lower-cased once per version of the data; typing on (the new text contains the old)
/// filters the last result, not every item again.
#[derive(Debug, Default)]
pub struct SearchMemo {
    data: Option<u64>,
    hay: Vec<String>,
    last: Option<(u64, String, Vec<usize>)>,
}

/// Keeps the parts apart, so no search text matches across two of them.
const PART_GAP: char = '\u{1f}';

impl SearchMemo {
    /// The indices of the items whose parts contain `needle` (any case) and that `keep`
    /// keeps. `data` names the version of the items (their parts come from `parts`, asked
    /// only when it changes); `scope` names what `keep` depends on.
    pub fn get<P, I, S>(
        &mut self,
        data: u64,
        scope: u64,
        needle: &str,
        parts: impl FnOnce() -> P,
        keep: impl Fn(usize) -> bool,
    ) -> &[usize]
    where
        P: IntoIterator<Item = I>,
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        if self.data != Some(data) {
            self.hay = parts()
                .into_iter()
                .map(|p| {
                    let mut hay = String::new();
                    for (k, part) in p.into_iter().enumerate() {
                        if k > 0 {
                            hay.push(PART_GAP);
                        }
                        hay.push_str(&part.as_ref().to_lowercase());
                    }
                    hay
                })
                .collect();
            self.data = Some(data);
            self.last = None;
        }
        let n = needle.trim().to_lowercase();
        let same = |l: &(u64, String, Vec<usize>)| l.0 == scope && l.1 == n;
        if !self.last.as_ref().is_some_and(same) {
            let hay = &self.hay;
            let hit = |i: &usize| n.is_empty() || hay[*i].contains(&n);
            let found: Vec<usize> = match &self.last {
                // Typing on: only what matched before can match now.
                Some((sc, old, prev)) if *sc == scope && n.contains(old.as_str()) => {
                    prev.iter().copied().filter(hit).collect()
                }
                _ => (0..hay.len()).filter(|&i| keep(i)).filter(hit).collect(),
            };
            self.last = Some((scope, n, found));
        }
        self.last.as_ref().map_or(&[], |l| &l.2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_filters_typing_on_from_the_last_result_and_starts_over_otherwise() {
        let items = ["Alpha Team", "Alps", "Beta", "alpine"];
        let mut m = SearchMemo::default();
        let parts = || items.iter().map(|i| vec![*i, ""]).collect::<Vec<_>>();
        assert_eq!(m.get(1, 0, "AL", parts, |_| true), &[0, 1, 3]);
        assert_eq!(m.get(1, 0, "alp", parts, |_| true), &[0, 1, 3]);
        assert_eq!(m.get(1, 0, "alph", parts, |_| true), &[0]);
        // Backspace: everything is looked at again.
        assert_eq!(m.get(1, 0, "alp", parts, |_| true), &[0, 1, 3]);
        // Another scope: `keep` applies again.
        assert_eq!(m.get(1, 1, "alp", parts, |i| i != 1), &[0, 3]);
        assert_eq!(m.get(1, 1, "", parts, |i| i != 1), &[0, 2, 3]);
        // New data: the parts are asked for again.
        let fewer = || vec![vec!["Gamma", "alpha description"]];
        assert_eq!(m.get(2, 1, "alpha", fewer, |_| true), &[0]);
        // No match across two parts.
        assert!(m.get(2, 1, "maalpha", fewer, |_| true).is_empty());
    }

    #[test]
    fn computes_once_per_key() {
        let mut m: Memo<u32, u32> = Memo::default();
        let mut calls = 0;
        assert_eq!(
            *m.get(1, || {
                calls += 1;
                10
            }),
            10
        );
        assert_eq!(
            *m.get(1, || {
                calls += 1;
                11
            }),
            10
        );
        assert_eq!(
            *m.get(2, || {
                calls += 1;
                20
            }),
            20
        );
        assert_eq!(calls, 2);
    }

    #[test]
    fn a_keyed_memo_makes_its_key_and_value_only_when_the_key_differs() {
        let mut m: Memo<String, usize> = Memo::default();
        let (mut keys, mut values) = (0, 0);
        for (text, want) in [("ada", 3), ("ada", 3), ("bea", 3), ("bea", 3), ("ad", 2)] {
            let got = *m.get_keyed(
                |k| k == text,
                || {
                    keys += 1;
                    text.to_string()
                },
                || {
                    values += 1;
                    text.len()
                },
            );
            assert_eq!(got, want);
        }
        assert_eq!((keys, values), (3, 3), "made for ada, bea and ad alone");
    }
}
