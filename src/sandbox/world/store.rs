//! SCIM resources of one type, in creation order, with id and name indices.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// SCIM resources of one type, in creation order, with a case-insensitive name index.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ResourceStore {
    by_seq: BTreeMap<u64, Value>,
    #[serde(skip)]
    seq_by_id: HashMap<String, u64>,
    #[serde(skip)]
    seq_by_name: HashMap<String, u64>,
    name_attr: String,
}

impl ResourceStore {
    pub(super) fn new(name_attr: &str) -> Self {
        Self {
            name_attr: name_attr.to_string(),
            ..Default::default()
        }
    }

    pub(super) fn reindex(&mut self) {
        self.seq_by_id.clear();
        self.seq_by_name.clear();
        let entries: Vec<(u64, String, Option<String>)> = self
            .by_seq
            .iter()
            .map(|(s, v)| (*s, id_of(v).to_string(), self.name_of(v)))
            .collect();
        for (seq, id, name) in entries {
            self.seq_by_id.insert(id, seq);
            if let Some(n) = name {
                self.seq_by_name.insert(n, seq);
            }
        }
    }

    fn name_of(&self, v: &Value) -> Option<String> {
        v.get(&self.name_attr)
            .and_then(Value::as_str)
            .map(str::to_lowercase)
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.by_seq.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.by_seq.is_empty()
    }

    /// The resource with this id.
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.seq_by_id.get(id).and_then(|s| self.by_seq.get(s))
    }

    /// The resource with this name, compared case-insensitively.
    pub fn by_name(&self, name: &str) -> Option<&Value> {
        self.seq_by_name
            .get(&name.to_lowercase())
            .and_then(|s| self.by_seq.get(s))
    }

    /// Every resource, in creation order.
    pub fn iter(&self) -> impl Iterator<Item = &Value> {
        self.by_seq.values()
    }

    pub(super) fn insert(&mut self, seq: u64, v: Value) {
        if let Some(n) = self.name_of(&v) {
            self.seq_by_name.insert(n, seq);
        }
        self.seq_by_id.insert(id_of(&v).to_string(), seq);
        self.by_seq.insert(seq, v);
    }

    pub(super) fn replace(&mut self, id: &str, v: Value) {
        let Some(&seq) = self.seq_by_id.get(id) else {
            return;
        };
        if let Some(old) = self.by_seq.get(&seq).and_then(|o| self.name_of(o)) {
            self.seq_by_name.remove(&old);
        }
        if let Some(n) = self.name_of(&v) {
            self.seq_by_name.insert(n, seq);
        }
        self.by_seq.insert(seq, v);
    }

    pub(super) fn remove(&mut self, id: &str) -> Option<Value> {
        let seq = self.seq_by_id.remove(id)?;
        let v = self.by_seq.remove(&seq)?;
        if let Some(n) = self.name_of(&v) {
            self.seq_by_name.remove(&n);
        }
        Some(v)
    }

    pub(super) fn get_mut_members(&mut self) -> impl Iterator<Item = &mut Value> {
        self.by_seq.values_mut()
    }
}

/// A resource's `id` (empty when it has none).
pub fn id_of(v: &Value) -> &str {
    v.get("id").and_then(Value::as_str).unwrap_or_default()
}
