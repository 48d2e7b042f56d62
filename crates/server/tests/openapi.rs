//! The OpenAPI document stays true to the code: the API's routes are registered only through
//! `utoipa_axum::routes!` (a handler and its `#[utoipa::path]` together, so the router and the
//! document are made from one list), and every documented operation reaches a handler (not the
//! API's 404 fallback, not 405).

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::Value;

/// The handlers' modules add no route by hand (`.route("…")`): only `routes!`, which documents it.
fn routes_added_by_hand() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/http");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        // `mod.rs` routes what is outside `/api/v1` (the document itself, the browsers' CSP
        // reports, the contact page), `openapi.rs` the document.
        if ["mod.rs", "openapi.rs"].contains(&path.file_name().unwrap().to_str().unwrap()) {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        // Unit tests build their own little routers.
        let source = source.split("#[cfg(test)]").next().unwrap_or_default();
        for chunk in source.split(".route(\"").skip(1) {
            found.push(format!("{}: {}", path.display(), chunk.split('"').next().unwrap()));
        }
    }
    found
}

fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| ops.as_object().unwrap().keys().map(move |m| (path.clone(), m.clone())))
        .collect()
}

#[tokio::test]
async fn every_route_is_documented_and_every_operation_is_routed() {
    let doc = hourbank_server::http::openapi::document();
    assert_eq!(routes_added_by_hand(), Vec::<String>::new(), "routes without their documentation");
    let docs = documented(&doc);
    assert!(docs.len() >= 40, "too few operations documented: {docs:?}");

    let dir = tempfile::tempdir().unwrap();
    let db = hourbank_server::Db::connect(&format!("sqlite://{}/t.db", dir.path().display())).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = hourbank_server::AppState::new(dir.path(), db);
    tokio::spawn(async move { hourbank_server::serve(listener, state).await.unwrap() });
    let client = reqwest::Client::new();
    let served: Value = client.get(format!("{base}/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert_eq!(served, doc);
    for (path, method) in docs {
        let url = format!("{base}/api/v1{}", path.replace("{id}", "1").replace("{period}", "2027-01"));
        let response =
            client.request(Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(), &url).send().await.unwrap();
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        // Unauthenticated calls are refused by the handler (401, 415…), never by the router.
        assert!(status != 404 && status != 405, "{method} {path} is not routed: {status} {body}");
    }
}

/// Operation ids are unique, and every link names an operation that exists and takes the
/// parameter it fills.
#[test]
fn links_lead_to_operations_that_exist() {
    let doc = hourbank_server::http::openapi::document();
    let mut operations = std::collections::HashMap::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(operations.insert(id.to_string(), path.clone()).is_none(), "{id} twice");
        }
    }
    let mut links = 0;
    for item in doc["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            for response in operation["responses"].as_object().unwrap().values() {
                for link in response["links"].as_object().into_iter().flat_map(|l| l.values()) {
                    let target = link["operationId"].as_str().unwrap();
                    let path =
                        operations.get(target).unwrap_or_else(|| panic!("a link to {target}, which does not exist"));
                    for parameter in link["parameters"].as_object().unwrap().keys() {
                        assert!(path.contains(&format!("{{{parameter}}}")), "{target} ({path}) takes no {parameter}");
                    }
                    links += 1;
                }
            }
        }
    }
    assert!(links >= 20, "only {links} links");
}

/// Every body's schema, asked or answered, is one generated from the type its handler reads or
/// answers with (a named schema, not an untyped object), and every reference in the document
/// names a schema it has.
#[test]
fn every_body_is_typed_and_every_reference_resolves() {
    let doc = hourbank_server::http::openapi::document();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if let Some(body) = operation.get("requestBody") {
                let reference = body["content"]["application/json"]["schema"]["$ref"].as_str();
                assert!(reference.is_some(), "{method} {path} reads a body without a named schema: {body}");
            }
            for (status, response) in operation["responses"].as_object().unwrap() {
                // A CSV or a PDF is text or bytes, not a typed body.
                for (media, content) in
                    response["content"].as_object().into_iter().flatten().filter(|(media, _)| media.contains("json"))
                {
                    let reference = content["schema"]["$ref"].as_str();
                    assert!(
                        reference.is_some_and(|r| r.starts_with("#/components/schemas/")),
                        "{method} {path} answers {status} {media} without a named schema: {}",
                        content["schema"]
                    );
                }
            }
        }
    }
    fn references<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    found.push(r);
                }
                map.values().for_each(|v| references(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| references(v, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    references(&doc, &mut found);
    assert!(found.len() > 100, "only {} references", found.len());
    for reference in found {
        let name = reference.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("{reference}"));
        assert!(schemas.contains_key(name), "{reference} names no schema");
    }
    // The answers' schemas come from their types: a field the type has, the schema has.
    let task = &schemas["Task"]["properties"];
    for field in ["id", "state", "estimate", "late_from", "warranty_until", "assignee_name", "logged"] {
        assert!(task.get(field).is_some(), "Task's schema has no {field}");
    }
}

/// What every operation shares is said of each: a public operation (no session needed) answers
/// no 401 (but a sign-in's wrong password, with 429 for too many); every other answers 401, 403
/// and 404; a body, 413 and 415; a signed-in caller's write takes an
/// `Idempotency-Key` (the layer's rule: any write but signing in or out), and a read does not.
#[test]
fn every_operation_says_what_it_shares() {
    let doc = hourbank_server::http::openapi::document();
    let public: BTreeSet<(&str, &str)> = [
        ("/health", "get"),
        ("/simulate", "post"),
        ("/session", "get"),
        ("/session", "post"),
        ("/tariffs", "get"),
        ("/contacts", "get"),
    ]
    .into();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            let is_public = public.contains(&(path.as_str(), method.as_str()));
            assert_eq!(operation["security"] == serde_json::json!([]), is_public, "{method} {path}: security");
            // A sign-in answers 401 for a wrong password, and 429 when too many failed.
            let sign_in = (path.as_str(), method.as_str()) == ("/session", "post");
            assert_eq!(responses.contains_key("401"), !is_public || sign_in, "{method} {path}: 401");
            assert_eq!(responses.contains_key("429"), sign_in, "{method} {path}: 429");
            for status in ["403", "404"] {
                assert_eq!(!responses.contains_key(status), is_public, "{method} {path}: {status}");
            }
            for status in ["400", "422", "default"] {
                assert!(responses.contains_key(status), "{method} {path}: {status}");
            }
            // A body may be too large or not JSON.
            let has_body = operation.get("requestBody").is_some();
            for status in ["413", "415"] {
                assert_eq!(responses.contains_key(status), has_body, "{method} {path}: {status}");
            }
            let keyed = operation["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header");
            let a_write = ["post", "put", "patch", "delete"].contains(&method.as_str());
            assert_eq!(keyed, a_write && !is_public && path != "/session", "{method} {path}: Idempotency-Key");
            // A keyed write may find its key still in progress, or a state that refuses it.
            assert!(!keyed || responses.contains_key("409"), "{method} {path}: 409");
        }
    }
}
