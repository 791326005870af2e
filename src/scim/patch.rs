//! Membership PATCH bodies (RFC 7644 PatchOp), in either removal form a server may want.

use crate::model::filter;
use crate::model::plan::{MemberRef, PatchBatch};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The PatchOp message schema.
pub const PATCH_OP_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// How a server wants member removal spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum RemoveForm {
    /// RFC 7644: one `remove` op per member, `path: members[value eq "<id>"]`, no value.
    #[default]
    Filter,
    /// Entra-style: one `remove` op, `path: members`, with a value list.
    ValueList,
}

impl RemoveForm {
    /// The other form, to try when a server refuses this one.
    pub fn other(self) -> Self {
        match self {
            RemoveForm::Filter => RemoveForm::ValueList,
            RemoveForm::ValueList => RemoveForm::Filter,
        }
    }
}

fn member_value(m: &MemberRef) -> Value {
    json!({ "value": m.id, "display": m.display })
}

/// The PatchOp body of one batch, removals first.
pub fn body(batch: &PatchBatch, form: RemoveForm) -> Value {
    let mut ops = Vec::new();
    if !batch.removes.is_empty() {
        match form {
            RemoveForm::Filter => {
                for m in &batch.removes {
                    ops.push(json!({
                        "op": "remove",
                        "path": format!("members[value eq {}]", filter::quote(&m.id)),
                    }));
                }
            }
            RemoveForm::ValueList => ops.push(json!({
                "op": "remove",
                "path": "members",
                "value": batch.removes.iter().map(member_value).collect::<Vec<_>>(),
            })),
        }
    }
    if !batch.adds.is_empty() {
        ops.push(json!({
            "op": "add",
            "path": "members",
            "value": batch.adds.iter().map(member_value).collect::<Vec<_>>(),
        }));
    }
    json!({ "schemas": [PATCH_OP_SCHEMA], "Operations": ops })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(prefix: &str, n: usize) -> Vec<MemberRef> {
        (0..n)
            .map(|i| MemberRef {
                id: format!("{prefix}{i:03}").into(),
                display: format!("{prefix}{i:03}@x").into(),
            })
            .collect()
    }

    #[test]
    fn patch_bodies_in_both_removal_forms() {
        let b = PatchBatch {
            removes: refs("r", 2),
            adds: refs("a", 1),
        };
        let rfc = body(&b, RemoveForm::Filter);
        assert_eq!(rfc["Operations"].as_array().unwrap().len(), 3);
        assert_eq!(rfc["Operations"][0]["path"], "members[value eq \"r000\"]");
        assert!(rfc["Operations"][0].get("value").is_none());
        assert_eq!(rfc["Operations"][2]["op"], "add");
        let list = body(&b, RemoveForm::ValueList);
        assert_eq!(list["Operations"].as_array().unwrap().len(), 2);
        assert_eq!(list["Operations"][0]["path"], "members");
        assert_eq!(list["Operations"][0]["value"][1]["value"], "r001");
    }
}
