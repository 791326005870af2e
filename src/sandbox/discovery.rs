//! The SCIM discovery documents: ServiceProviderConfig, ResourceTypes and Schemas.

use super::world::{GROUP_SCHEMA, MAX_PAGE, USER_SCHEMA};
use serde_json::{Value, json};

const SCHEMA_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";
const RT_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
const SPC_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";

/// `/ServiceProviderConfig`: what the server supports, with the page size it serves.
pub fn service_provider_config() -> Value {
    json!({
        "schemas": [SPC_SCHEMA],
        "documentationUri": "https://docs.statsig.com/access-management/scim/overview",
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": MAX_PAGE},
        "changePassword": {"supported": false},
        "sort": {"supported": false},
        "etag": {"supported": false},
        "authenticationSchemes": [{
            "type": "oauthbearertoken", "name": "Bearer token",
            "description": "Authorization: Bearer <SCIM API key>", "primary": true,
        }],
        "meta": {"resourceType": "ServiceProviderConfig", "location": "/scim/ServiceProviderConfig"},
    })
}

/// `/ResourceTypes`: Users and Groups.
pub fn resource_types() -> Vec<Value> {
    vec![
        json!({"schemas": [RT_SCHEMA], "id": "User", "name": "User", "endpoint": "/Users",
               "description": "Statsig user", "schema": USER_SCHEMA, "schemaExtensions": [],
               "meta": {"resourceType": "ResourceType", "location": "/scim/ResourceTypes/User"}}),
        json!({"schemas": [RT_SCHEMA], "id": "Group", "name": "Group", "endpoint": "/Groups",
               "description": "Statsig project or team role", "schema": GROUP_SCHEMA, "schemaExtensions": [],
               "meta": {"resourceType": "ResourceType", "location": "/scim/ResourceTypes/Group"}}),
    ]
}

/// One attribute definition. `kind` is the SCIM type.
fn attr(name: &str, kind: &str, multi: bool, required: bool, subs: Vec<Value>) -> Value {
    let mut a = json!({
        "name": name, "type": kind, "multiValued": multi, "required": required,
        "caseExact": false, "mutability": "readWrite", "returned": "default", "uniqueness": "none",
        "description": name,
    });
    if !subs.is_empty() {
        a["subAttributes"] = Value::Array(subs);
    }
    a
}

fn s(name: &str) -> Value {
    attr(name, "string", false, false, vec![])
}

fn schema(id: &str, name: &str, attributes: Vec<Value>) -> Value {
    let short = id.rsplit(':').next().unwrap_or(name);
    json!({"schemas": [SCHEMA_SCHEMA], "id": id, "name": name, "description": format!("{name} schema"),
           "attributes": attributes,
           "meta": {"resourceType": "Schema", "location": format!("/scim/Schemas/{id}")},
           "x-short": short})
}

/// `/Schemas`: the User and Group schemas served.
pub fn schemas() -> Vec<Value> {
    let mut user_name = attr("userName", "string", false, true, vec![]);
    user_name["uniqueness"] = json!("server");
    let mut members_value = s("value");
    members_value["mutability"] = json!("immutable");
    let mut display = s("display");
    display["mutability"] = json!("readOnly");
    let mut reference = attr("$ref", "reference", false, false, vec![]);
    reference["referenceTypes"] = json!(["User"]);
    reference["mutability"] = json!("readOnly");
    let mut display_name = attr("displayName", "string", false, true, vec![]);
    display_name["uniqueness"] = json!("server");
    let mut all: Vec<Value> = vec![
        schema(
            USER_SCHEMA,
            "User",
            vec![
                user_name,
                attr(
                    "name",
                    "complex",
                    false,
                    false,
                    vec![s("givenName"), s("familyName"), s("formatted")],
                ),
                s("displayName"),
                attr(
                    "emails",
                    "complex",
                    true,
                    false,
                    vec![
                        s("value"),
                        s("type"),
                        attr("primary", "boolean", false, false, vec![]),
                    ],
                ),
                attr("active", "boolean", false, false, vec![]),
                s("statsigOrgRole"),
            ],
        ),
        schema(
            GROUP_SCHEMA,
            "Group",
            vec![
                display_name,
                attr(
                    "members",
                    "complex",
                    true,
                    false,
                    vec![members_value, display, reference],
                ),
            ],
        ),
        schema(SCHEMA_SCHEMA, "Schema", vec![s("name"), s("description")]),
        schema(
            RT_SCHEMA,
            "ResourceType",
            vec![s("name"), s("endpoint"), s("schema")],
        ),
        schema(
            SPC_SCHEMA,
            "ServiceProviderConfig",
            vec![s("documentationUri")],
        ),
    ];
    for v in &mut all {
        if let Some(o) = v.as_object_mut() {
            o.remove("x-short");
        }
    }
    all
}
