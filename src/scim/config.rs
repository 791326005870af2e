//! What a SCIM server says of itself (`/ServiceProviderConfig`), as far as pushes care.

use serde_json::Value;

/// The parts of a server's configuration that shape a push.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ServerConfig {
    /// `patch.supported` is false: membership pushes cannot work.
    pub no_patch: bool,
    /// The most membership changes one request may carry, as far as the server says.
    pub patch_cap: Option<usize>,
}

impl ServerConfig {
    /// Reads a `ServiceProviderConfig` body (`Null` when the server has none).
    pub fn from_json(spc: &Value) -> Self {
        ServerConfig {
            no_patch: spc.pointer("/patch/supported").and_then(Value::as_bool) == Some(false),
            patch_cap: patch_cap(spc),
        }
    }
}

/// The largest list the server serves (`filter.maxResults`) and, when it takes bulk
/// requests, its `bulk.maxOperations`. SCIM has no field for PATCH size itself.
fn patch_cap(spc: &Value) -> Option<usize> {
    let num = |p: &str| {
        spc.pointer(p)
            .and_then(Value::as_u64)
            .filter(|n| *n > 0)
            .map(|n| n as usize)
    };
    let bulk = (spc.pointer("/bulk/supported").and_then(Value::as_bool) == Some(true))
        .then(|| num("/bulk/maxOperations"))
        .flatten();
    [num("/filter/maxResults"), bulk]
        .into_iter()
        .flatten()
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_patch_cap_comes_from_what_the_server_announces() {
        let cap = |v: Value| ServerConfig::from_json(&v).patch_cap;
        assert_eq!(
            cap(json!({"filter": {"supported": true, "maxResults": 200}})),
            Some(200)
        );
        assert_eq!(
            cap(
                json!({"filter": {"maxResults": 200}, "bulk": {"supported": true, "maxOperations": 50}})
            ),
            Some(50)
        );
        assert_eq!(
            cap(
                json!({"filter": {"maxResults": 200}, "bulk": {"supported": false, "maxOperations": 0}})
            ),
            Some(200)
        );
        assert_eq!(cap(json!({})), None);
        assert_eq!(cap(Value::Null), None);
        assert!(ServerConfig::from_json(&json!({"patch": {"supported": false}})).no_patch);
    }
}
