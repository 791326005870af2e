//! SCIM PATCH operations applied to a JSON resource (RFC 7644 §3.5.2), generic over
//! attributes so the same code serves Statsig's rules and a standards checker.

use crate::model::filter::{self, Filter};
use serde_json::{Map, Value};

/// A PATCH that cannot be applied: the SCIM `scimType` and a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchError {
    /// The SCIM error type.
    pub scim_type: &'static str,
    /// Why, in one sentence.
    pub detail: String,
}

fn err(scim_type: &'static str, detail: impl Into<String>) -> PatchError {
    PatchError {
        scim_type,
        detail: detail.into(),
    }
}

/// A parsed `path`: `attr`, `attr.sub`, `attr[filter]` or `attr[filter].sub`.
#[derive(Debug)]
struct PathSpec {
    attr: String,
    filter: Option<Filter>,
    sub: Option<String>,
}

fn parse_path(path: &str) -> Result<PathSpec, PatchError> {
    let path = filter::strip_urn(path.trim());
    if path.is_empty() {
        return Err(err("invalidPath", "the path is empty"));
    }
    if let Some(open) = path.find('[') {
        let close = path
            .rfind(']')
            .filter(|&c| c > open)
            .ok_or_else(|| err("invalidPath", format!("\"{path}\" has an unclosed '['")))?;
        let attr = path[..open].to_string();
        let inner =
            filter::parse(&path[open + 1..close]).map_err(|e| err("invalidPath", e.to_string()))?;
        let rest = &path[close + 1..];
        let sub = match rest.strip_prefix('.') {
            Some(s) if !s.is_empty() => Some(s.to_string()),
            None if rest.is_empty() => None,
            _ => {
                return Err(err(
                    "invalidPath",
                    format!("\"{path}\" is not a valid path"),
                ));
            }
        };
        return Ok(PathSpec {
            attr,
            filter: Some(inner),
            sub,
        });
    }
    match path.split_once('.') {
        Some((a, s)) => Ok(PathSpec {
            attr: a.to_string(),
            filter: None,
            sub: Some(s.to_string()),
        }),
        None => Ok(PathSpec {
            attr: path.to_string(),
            filter: None,
            sub: None,
        }),
    }
}

/// The existing key in `obj` that matches `name` case-insensitively, else `name`.
fn key_of(obj: &Map<String, Value>, name: &str) -> String {
    obj.keys()
        .find(|k| k.eq_ignore_ascii_case(name))
        .cloned()
        .unwrap_or_else(|| name.to_string())
}

fn same_item(a: &Value, b: &Value) -> bool {
    match (a.get("value"), b.get("value")) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn add_to(target: &mut Value, value: Value) {
    match (target, value) {
        (Value::Array(items), Value::Array(new)) => {
            for v in new {
                if !items.iter().any(|x| same_item(x, &v)) {
                    items.push(v);
                }
            }
        }
        (Value::Object(obj), Value::Object(new)) => {
            for (k, v) in new {
                let key = key_of(obj, &k);
                obj.insert(key, v);
            }
        }
        (slot, v) => *slot = v,
    }
}

/// Applies one operation to `resource`. `op` is case-insensitive.
pub fn apply(
    resource: &mut Value,
    op: &str,
    path: Option<&str>,
    value: Option<Value>,
) -> Result<(), PatchError> {
    let op = op.to_ascii_lowercase();
    let obj = resource
        .as_object_mut()
        .ok_or_else(|| err("invalidSyntax", "the resource is not an object"))?;
    let Some(path) = path.filter(|p| !p.trim().is_empty()) else {
        return match op.as_str() {
            "remove" => Err(err("noTarget", "a remove operation needs a path")),
            "add" | "replace" => {
                let Some(Value::Object(map)) = value else {
                    return Err(err(
                        "invalidValue",
                        "an operation without a path needs an object value",
                    ));
                };
                for (k, v) in map {
                    // Each key may itself be a path ("name.givenName").
                    let p = k.clone();
                    apply_path(obj, &op, &p, Some(v))?;
                }
                Ok(())
            }
            other => Err(err(
                "invalidSyntax",
                format!("unknown operation \"{other}\""),
            )),
        };
    };
    apply_path(obj, &op, path, value)
}

fn apply_path(
    obj: &mut Map<String, Value>,
    op: &str,
    path: &str,
    value: Option<Value>,
) -> Result<(), PatchError> {
    let spec = parse_path(path)?;
    let key = key_of(obj, &spec.attr);
    match op {
        "add" | "replace" => {
            let value = value
                .ok_or_else(|| err("invalidValue", format!("\"{op}\" on {path} needs a value")))?;
            set_path(obj, op, path, key, spec, value)
        }
        "remove" => {
            remove_path(obj, key, spec, value);
            Ok(())
        }
        other => Err(err(
            "invalidSyntax",
            format!("unknown operation \"{other}\""),
        )),
    }
}

/// "add" or "replace" at a path.
fn set_path(
    obj: &mut Map<String, Value>,
    op: &str,
    path: &str,
    key: String,
    spec: PathSpec,
    value: Value,
) -> Result<(), PatchError> {
    match (spec.filter, spec.sub) {
        (None, None) => {
            match (op, obj.get_mut(&key)) {
                ("add", Some(existing)) => add_to(existing, value),
                _ => {
                    obj.insert(key, value);
                }
            }
            Ok(())
        }
        (None, Some(sub)) => {
            let parent = obj.entry(key).or_insert_with(|| Value::Object(Map::new()));
            match parent {
                Value::Object(p) => {
                    let k = key_of(p, &sub);
                    p.insert(k, value);
                    Ok(())
                }
                Value::Array(items) => {
                    for item in items.iter_mut().filter_map(Value::as_object_mut) {
                        let k = key_of(item, &sub);
                        item.insert(k, value.clone());
                    }
                    Ok(())
                }
                _ => Err(err(
                    "invalidPath",
                    format!("{path}: the attribute has no sub-attributes"),
                )),
            }
        }
        (Some(f), sub) => {
            let Some(Value::Array(items)) = obj.get_mut(&key) else {
                return Err(err("noTarget", format!("{path} matches nothing")));
            };
            let mut hit = false;
            for item in items.iter_mut().filter(|i| f.matches(i)) {
                hit = true;
                match (&sub, item) {
                    (Some(s), Value::Object(o)) => {
                        let k = key_of(o, s);
                        o.insert(k, value.clone());
                    }
                    (None, slot) => add_to(slot, value.clone()),
                    _ => {}
                }
            }
            if hit {
                Ok(())
            } else {
                Err(err("noTarget", format!("{path} matches nothing")))
            }
        }
    }
}

/// "remove" at a path; removing what is not there is not an error.
fn remove_path(obj: &mut Map<String, Value>, key: String, spec: PathSpec, value: Option<Value>) {
    match (spec.filter, spec.sub) {
        (None, None) => match (value, obj.get_mut(&key)) {
            // Entra's form: remove the listed values from a multi-valued attribute.
            (Some(Value::Array(gone)), Some(Value::Array(items))) => {
                items.retain(|i| !gone.iter().any(|g| same_item(i, g)));
            }
            (Some(Value::Array(_)), None) => {}
            _ => {
                obj.remove(&key);
            }
        },
        (None, Some(sub)) => match obj.get_mut(&key) {
            Some(Value::Object(p)) => {
                let k = key_of(p, &sub);
                p.remove(&k);
            }
            Some(Value::Array(items)) => {
                for item in items.iter_mut().filter_map(Value::as_object_mut) {
                    let k = key_of(item, &sub);
                    item.remove(&k);
                }
            }
            _ => {}
        },
        (Some(f), sub) => {
            if let Some(Value::Array(items)) = obj.get_mut(&key) {
                match sub {
                    None => items.retain(|i| !f.matches(i)),
                    Some(s) => {
                        for item in items.iter_mut().filter(|i| f.matches(i)) {
                            if let Some(o) = item.as_object_mut() {
                                let k = key_of(o, &s);
                                o.remove(&k);
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn group() -> Value {
        json!({"id": "g", "displayName": "G", "members": [{"value": "a"}, {"value": "b"}]})
    }

    #[test]
    fn member_changes_in_every_form_seen_in_the_wild() {
        let mut g = group();
        apply(
            &mut g,
            "Add",
            Some("members"),
            Some(json!([{"value": "c"}, {"value": "a"}])),
        )
        .unwrap();
        assert_eq!(
            g["members"].as_array().unwrap().len(),
            3,
            "adding an existing member is a no-op"
        );
        apply(&mut g, "remove", Some("members[value eq \"a\"]"), None).unwrap();
        apply(
            &mut g,
            "Remove",
            Some("members"),
            Some(json!([{"value": "b"}])),
        )
        .unwrap();
        assert_eq!(g["members"], json!([{"value": "c"}]));
        apply(
            &mut g,
            "replace",
            Some("members"),
            Some(json!([{"value": "z"}])),
        )
        .unwrap();
        assert_eq!(g["members"], json!([{"value": "z"}]));
        apply(&mut g, "replace", None, Some(json!({"displayName": "H"}))).unwrap();
        assert_eq!(g["displayName"], "H");
    }

    #[test]
    fn remove_without_path_is_no_target() {
        assert_eq!(
            apply(&mut group(), "remove", None, None)
                .unwrap_err()
                .scim_type,
            "noTarget"
        );
        assert_eq!(
            apply(&mut group(), "frobnicate", Some("x"), None)
                .unwrap_err()
                .scim_type,
            "invalidSyntax"
        );
    }
}
