//! The OpenAPI 3.1 document of `/api/v1`, served at `/api/openapi.json`, generated from the code:
//! the operations from the routes (`utoipa_axum::routes!` registers each handler with its
//! `#[utoipa::path]`, so no route goes undocumented), the bodies' schemas from their types
//! (`hourbank_api`, the domain's), then the rules every operation shares added once here: the
//! errors it may answer, the idempotency key of a write, the strictness of request bodies, the
//! links from a created id to its uses.

use std::sync::OnceLock;

use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use super::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(|| async { Json(document()) }))
}

/// The document (built once: the routes do not change while the server runs).
pub fn document() -> Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(build).clone()
}

fn build() -> Value {
    let (_, operations) = super::api_routes().split_for_parts();
    let mut doc = serde_json::to_value(operations).expect("the document serializes");
    doc["info"] = json!({
        "title": "hourbank API",
        "version": env!("CARGO_PKG_VERSION"),
        "description": "Tasks, work logs, reports and the tariff statement of an hours-bank subscription. \
                        Amounts and hours are strings holding exact decimals.",
    });
    doc["servers"] = json!([{ "url": "/api/v1" }]);
    doc["security"] = json!([{ "bearer": [] }, { "cookie": [] }]);
    doc["components"]["securitySchemes"] = json!({
        "bearer": { "type": "http", "scheme": "bearer" },
        "cookie": { "type": "apiKey", "in": "cookie", "name": crate::auth::SESSION_COOKIE,
                    "description": format!("`{}` when the server is told it is behind HTTPS (`--behind-https`): \
                                            then `Secure` and bound to the host", crate::auth::SECURE_SESSION_COOKIE) },
    });
    with_request_rules(with_links(with_shared_answers(with_problem_schema(doc))))
}

/// The error answer's schema, which every operation refers to (added by [`with_shared_answers`]).
fn with_problem_schema(mut doc: Value) -> Value {
    use utoipa::OpenApi;
    #[derive(utoipa::OpenApi)]
    #[openapi(components(schemas(super::error::Problem)))]
    struct Errors;
    let errors = serde_json::to_value(Errors::openapi().components.map(|c| c.schemas).unwrap_or_default())
        .expect("schemas serialize");
    let schemas = doc["components"]["schemas"].as_object_mut().expect("the document has schemas");
    for (name, schema) in errors.as_object().into_iter().flatten() {
        assert!(schemas.insert(name.clone(), schema.clone()).is_none(), "two schemas named {name}");
    }
    doc
}

/// What every operation may answer besides its own: a malformed body (400), invalid input (422,
/// each field named), and — unless it is public (`security: []`) — no session (401), a role that
/// may not (403), or not found in the caller's scope (404); with a body, 413 and 415; a write of a
/// signed-in caller, 409 (a state that does not allow it, a key still in progress) and an
/// idempotency key (the `idempotency` layer; sign-in excepted); a sign-in, 401 and 429 with
/// `Retry-After`. `default` covers the rest (405, 5xx).
fn with_shared_answers(mut doc: Value) -> Value {
    let problem = |description: &str| {
        json!({ "description": description,
                "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } })
    };
    for (path, item) in doc["paths"].as_object_mut().expect("the document has paths") {
        for (method, operation) in item.as_object_mut().into_iter().flatten() {
            let public = operation.get("security").is_some_and(|s| s == &json!([]) || s == &json!([{}]));
            if public {
                operation["security"] = json!([]);
            }
            let responses = operation["responses"].as_object_mut().expect("an operation has responses");
            responses.insert("400".into(), problem("Malformed JSON"));
            responses.insert("422".into(), problem("Invalid input: `errors` lists each field"));
            if !public {
                responses.insert("401".into(), problem("No valid session"));
                responses.insert("403".into(), problem("Not allowed for the caller's role"));
                responses.insert("404".into(), problem("Not found, or outside the caller's organisation"));
            }
            responses.insert("default".into(), problem("Any other error"));
            let has_body = operation.get("requestBody").is_some();
            let responses = operation["responses"].as_object_mut().expect("an operation has responses");
            if has_body {
                responses.insert("413".into(), problem("The body is over 1 MiB"));
                responses.insert("415".into(), problem("The body is not `application/json`"));
            }
            if !public && super::idempotency::takes_a_key(method, path) {
                responses.entry("409").or_insert_with(|| {
                    problem("The state does not allow it (the problem says why), or a request with this Idempotency-Key is still in progress")
                });
            }
            if path == "/session" && method == "post" {
                responses.insert("401".into(), problem("Wrong e-mail or password, or the account is disabled"));
                let mut limited = problem("Too many failed sign-ins from this address or for this account");
                limited["headers"] = json!({ "Retry-After": {
                    "description": "Seconds until the next try is allowed", "schema": { "type": "integer", "minimum": 1 } } });
                responses.insert("429".into(), limited);
            }
            let parameters = operation.as_object_mut().expect("an operation is an object").entry("parameters");
            let parameters = parameters.or_insert_with(|| json!([])).as_array_mut().expect("parameters are a list");
            for parameter in parameters.iter_mut() {
                let schema = parameter.get_mut("schema").and_then(Value::as_object_mut);
                if let Some(description) = schema.and_then(|s| s.remove("description")) {
                    parameter["description"] = description;
                }
            }
            if !public && super::idempotency::takes_a_key(method, path) {
                parameters.push(idempotency_key());
            }
        }
    }
    doc
}

fn idempotency_key() -> Value {
    json!({ "name": "Idempotency-Key", "in": "header", "required": false,
            "schema": { "type": "string", "pattern": super::idempotency::KEY_PATTERN },
            "description": "A repeated key returns the first successful answer (header idempotent-replayed: true) and stores nothing twice; 409 while the first is still running; 422 for a key reused with another request; {\"stored\": true, \"answer_lost\": true} when the first write was stored but its server stopped before recording the answer" })
}

/// The rules every request body follows, written into its schema where the server applies them:
/// no field the server does not know (it refuses them, naming each); required text non-blank
/// (it is trimmed); ids from 1; dates with a four-digit year from 1000. Applied to the request
/// bodies and the schemas they name, so the document says what the server accepts.
fn with_request_rules(mut doc: Value) -> Value {
    fn tighten(schema: &mut Value) {
        // One body of several shapes (a transition's steps): each shape by the same rules.
        if let Some(shapes) = schema.get_mut("oneOf").and_then(Value::as_array_mut) {
            shapes.iter_mut().for_each(tighten);
            return;
        }
        let Some(object) = schema.as_object_mut() else { return };
        if object.get("type") != Some(&json!("object")) || !object.contains_key("properties") {
            return;
        }
        object.entry("additionalProperties").or_insert(json!(false));
        let required: Vec<String> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        for (name, property) in object.get_mut("properties").and_then(Value::as_object_mut).into_iter().flatten() {
            let Some(property) = property.as_object_mut() else { continue };
            let is = |kind: &str, p: &Map<String, Value>| {
                p.get("type").is_some_and(|t| t == kind || t.as_array().is_some_and(|a| a.contains(&json!(kind))))
            };
            if property.get("format") == Some(&json!("date")) {
                property.insert("pattern".into(), json!(super::params::DATE_PATTERN));
            } else if is("string", property)
                && required.contains(name)
                && !name.contains("password")
                && !property.contains_key("pattern")
                && !property.contains_key("enum")
            {
                property.insert("pattern".into(), json!("\\S"));
            }
            if is("integer", property) && name.ends_with("_id") {
                property.entry("minimum").or_insert(json!(1));
            }
            // An optional field sent as null is a field not given.
            if !required.contains(name)
                && let Some(kind) = property.get("type").cloned()
            {
                let mut kinds = kind.as_array().cloned().unwrap_or_else(|| vec![kind]);
                if !kinds.contains(&json!("null")) {
                    kinds.push(json!("null"));
                }
                property.insert("type".into(), Value::Array(kinds));
            }
        }
    }
    let mut named = Vec::new();
    for item in doc["paths"].as_object_mut().into_iter().flat_map(|p| p.values_mut()) {
        for operation in item.as_object_mut().into_iter().flat_map(|o| o.values_mut()) {
            // Read, not indexed mutably: `IndexMut` would add an empty body to every operation.
            let schema = operation.pointer("/requestBody/content/application~1json/schema");
            match schema.and_then(|s| s.get("$ref")).and_then(Value::as_str) {
                Some(reference) => named.push(reference.trim_start_matches("#/components/schemas/").to_string()),
                None => assert!(schema.is_none(), "a request body without a named schema: {schema:?}"),
            }
        }
    }
    for name in named {
        tighten(&mut doc["components"]["schemas"][&name]);
    }
    doc
}

/// Every operation gets an `operationId` (`post_tasks_id_transitions`), and the answers that
/// create a task, an organisation or a user link to the operations on it: clients (and
/// schemathesis's stateful phase) follow them from a created id to its use.
fn with_links(mut doc: Value) -> Value {
    let operation_id = |method: &str, path: &str| {
        let words: Vec<&str> =
            path.split('/').map(|w| w.trim_matches(|c| c == '{' || c == '}')).filter(|w| !w.is_empty()).collect();
        format!("{method}_{}", words.join("_"))
    };
    if let Some(paths) = doc["paths"].as_object_mut() {
        for (path, item) in paths.iter_mut() {
            for (method, operation) in item.as_object_mut().into_iter().flatten() {
                operation["operationId"] = json!(operation_id(method, path));
            }
        }
    }
    let task_ops = [
        ("get", "/tasks/{id}"),
        ("post", "/tasks/{id}/transitions"),
        ("get", "/tasks/{id}/worklogs"),
        ("post", "/tasks/{id}/worklogs"),
        ("put", "/tasks/{id}/assignee"),
        ("post", "/tasks/{id}/warranty"),
        ("get", "/tasks/{id}/instructions"),
        ("post", "/tasks/{id}/instructions"),
    ];
    let org_ops = [("get", "/orgs/{id}"), ("put", "/orgs/{id}/requisites")];
    let user_ops = [("put", "/users/{id}/disabled"), ("put", "/users/{id}/password")];
    let creations: [(&str, &str, &str, &[(&str, &str)]); 5] = [
        ("/tasks", "post", "$response.body#/task/id", &task_ops),
        ("/tasks/{id}/transitions", "post", "$response.body#/task/id", &task_ops),
        ("/tasks/{id}/warranty", "post", "$response.body#/task/id", &task_ops),
        ("/orgs", "post", "$response.body#/id", &org_ops),
        ("/users", "post", "$response.body#/user/id", &user_ops),
    ];
    for (path, method, id, targets) in creations {
        let responses = &mut doc["paths"][path][method]["responses"];
        let Some((_, success)) =
            responses.as_object_mut().and_then(|r| r.iter_mut().find(|(code, _)| code.starts_with('2')))
        else {
            continue;
        };
        let links: Map<String, Value> = targets
            .iter()
            .map(|(m, p)| {
                let target = operation_id(m, p);
                (target.clone(), json!({ "operationId": target, "parameters": { "id": id } }))
            })
            .collect();
        success["links"] = Value::Object(links);
    }
    doc
}
