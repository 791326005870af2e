//! What a SCIM request asks of a resource as a whole: PATCH operations applied all or
//! nothing, and the `attributes` / `excludedAttributes` projection of an answer.

use super::failure::{ScimFailure, bad};
use crate::model::filter;
use crate::sandbox::patch;
use serde_json::{Map, Value};

/// Applies a PatchOp body's operations in order; all or nothing.
pub(super) fn apply_ops(resource: &mut Value, body: &Value) -> Result<(), ScimFailure> {
    let ops = body
        .get("Operations")
        .or_else(|| body.get("operations"))
        .and_then(Value::as_array)
        .ok_or_else(|| {
            bad(
                "invalidSyntax",
                "the PatchOp body has no \"Operations\" list",
            )
        })?;
    let mut next = resource.clone();
    for op in ops {
        let name = op
            .get("op")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("invalidSyntax", "every operation needs \"op\""))?;
        let path = op.get("path").and_then(Value::as_str);
        patch::apply(&mut next, name, path, op.get("value").cloned())
            .map_err(|e| bad(e.scim_type, e.detail))?;
    }
    *resource = next;
    Ok(())
}

/// `attributes` / `excludedAttributes` projection. `id` and `schemas` are always returned.
pub fn project(resource: &Value, attributes: Option<&str>, excluded: Option<&str>) -> Value {
    let split = |s: &str| -> Vec<String> {
        s.split(',')
            .map(|a| filter::strip_urn(a.trim()).to_string())
            .filter(|a| !a.is_empty())
            .collect()
    };
    let Some(obj) = resource.as_object() else {
        return resource.clone();
    };
    let always = |k: &str| k == "id" || k == "schemas";
    if let Some(attrs) = attributes.map(split).filter(|a| !a.is_empty()) {
        let mut out = Map::new();
        for (k, v) in obj {
            if always(k) {
                out.insert(k.clone(), v.clone());
                continue;
            }
            let wanted: Vec<&String> = attrs
                .iter()
                .filter(|a| {
                    a.split('.')
                        .next()
                        .is_some_and(|h| h.eq_ignore_ascii_case(k))
                })
                .collect();
            if wanted.is_empty() {
                continue;
            }
            if wanted.iter().any(|a| !a.contains('.')) {
                out.insert(k.clone(), v.clone());
            } else if let Some(sub) = v.as_object() {
                let subs: Vec<&str> = wanted
                    .iter()
                    .filter_map(|a| a.split_once('.').map(|(_, s)| s))
                    .collect();
                let kept: Map<String, Value> = sub
                    .iter()
                    .filter(|(sk, _)| subs.iter().any(|s| s.eq_ignore_ascii_case(sk)))
                    .map(|(a, b)| (a.clone(), b.clone()))
                    .collect();
                out.insert(k.clone(), Value::Object(kept));
            } else {
                out.insert(k.clone(), v.clone());
            }
        }
        return Value::Object(out);
    }
    if let Some(ex) = excluded.map(split).filter(|a| !a.is_empty()) {
        let mut out = obj.clone();
        for a in ex {
            match a.split_once('.') {
                None => {
                    if let Some(k) = out
                        .keys()
                        .find(|k| k.eq_ignore_ascii_case(&a) && !always(k))
                        .cloned()
                    {
                        out.remove(&k);
                    }
                }
                Some((head, sub)) => {
                    if let Some(Value::Object(o)) = out
                        .iter_mut()
                        .find(|(k, _)| k.eq_ignore_ascii_case(head))
                        .map(|(_, v)| v)
                        && let Some(k) = o.keys().find(|k| k.eq_ignore_ascii_case(sub)).cloned()
                    {
                        o.remove(&k);
                    }
                }
            }
        }
        return Value::Object(out);
    }
    resource.clone()
}
