//! The OpenAPI 3.1 document of `/api/v1`, served at `/api/openapi.json`. Written as data next to
//! the handlers; a test checks that every route in the code is documented and every documented
//! operation is routed.

use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use super::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(|| async { Json(document()) }))
}

fn schema(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn json_body(schema: Value) -> Value {
    json!({ "required": true, "content": { "application/json": { "schema": schema } } })
}

fn ok(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

fn problem(description: &str) -> Value {
    json!({ "description": description, "content": { "application/problem+json": { "schema": schema("Problem") } } })
}

/// An operation with the errors every authenticated endpoint may answer.
fn op(
    tag: &str,
    summary: &str,
    body: Option<Value>,
    success: (&str, Value),
    secured: bool,
    params: Vec<Value>,
) -> Value {
    let mut responses = Map::new();
    responses.insert(success.0.to_string(), success.1);
    responses.insert("400".into(), problem("Malformed JSON"));
    responses.insert("422".into(), problem("Invalid input: `errors` lists each field"));
    if secured {
        responses.insert("401".into(), problem("No valid session"));
        responses.insert("403".into(), problem("Not allowed for the caller's role"));
        responses.insert("404".into(), problem("Not found, or outside the caller's organisation"));
    }
    // 409 (a state that does not allow it, a key still in progress), 413, 415, 429, 5xx.
    responses.insert("default".into(), problem("Any other error"));
    let mut operation = json!({ "tags": [tag], "summary": summary, "responses": responses, "parameters": params });
    if let Some(body) = body {
        operation["requestBody"] = body;
    }
    if !secured {
        operation["security"] = json!([]);
    }
    operation
}

fn path_param(name: &str, description: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "description": description, "schema": { "type": "string" } })
}

/// A query parameter whose value is read as `schema` (an empty value counts as not given).
fn query_param(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "query", "required": false, "description": description, "schema": schema })
}

/// A 64-bit integer query parameter, any value (an id no record has simply matches nothing).
fn id_param(name: &str, description: &str) -> Value {
    query_param(
        name,
        description,
        json!({ "anyOf": [{ "const": "" }, { "type": "integer", "minimum": i64::MIN, "maximum": i64::MAX }] }),
    )
}

/// A query parameter matching `pattern` (an empty value counts as not given).
fn pattern_param(name: &str, description: &str, pattern: &str) -> Value {
    query_param(name, description, json!({ "type": "string", "pattern": format!("^$|{pattern}") }))
}

/// A day, `YYYY-MM-DD` from the year 1000.
fn date_param(name: &str, description: &str) -> Value {
    query_param(
        name,
        description,
        json!({ "anyOf": [{ "const": "" }, { "type": "string", "format": "date", "pattern": DATE_PATTERN }] }),
    )
}

/// Search words: at most 200 characters.
fn search_param(description: &str) -> Value {
    query_param("q", description, json!({ "type": "string", "maxLength": super::input::MAX_SEARCH_CHARS }))
}

const STATES: &str = "(new|estimated|in_work|testing|accepted|cancelled)";

const MONTH_PATTERN: &str = "^[1-9][0-9]{3}-(0[1-9]|1[0-2])$";
const DATE_PATTERN: &str = "^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$";

/// `limit` and `before` of a list that comes a page at a time, newest first.
fn page_params() -> [Value; 2] {
    [
        json!({ "name": "limit", "in": "query", "required": false, "description": "items on a page, 100 by default",
                "schema": { "type": "integer", "minimum": 1, "maximum": 200 } }),
        json!({ "name": "before", "in": "query", "required": false,
                "description": "the page after this item: the previous answer's next_before (null on the last page)",
                "schema": { "type": "integer", "minimum": 1, "maximum": i64::MAX } }),
    ]
}

fn idempotency_key() -> Value {
    json!({ "name": "Idempotency-Key", "in": "header", "required": false,
            "schema": { "type": "string", "pattern": "^[ \\t]*[!-~]([\\t -~]{0,198}[!-~])?[ \\t]*$" },
            "description": "A repeated key returns the first successful answer (header idempotent-replayed: true) and stores nothing twice; 409 while the first is still running; 422 for a key reused with another request; {\"stored\": true, \"answer_lost\": true} when the first write was stored but its server stopped before recording the answer" })
}

pub fn document() -> Value {
    with_request_rules(with_links(with_generated_schemas(paths())))
}

/// The schemas of the request bodies and answers, generated from the types the handlers read and
/// answer with (`hourbank_api`, the domain's statement and documents, the error's problem): what
/// a handler reads or writes and what the document says cannot drift apart. Each type's schema
/// comes with those it refers to.
#[derive(utoipa::OpenApi)]
#[openapi(components(schemas(
    super::error::Problem,
    hourbank_api::Health,
    hourbank_api::SessionState,
    hourbank_api::SignedIn,
    hourbank_api::Me,
    hourbank_api::SessionList,
    hourbank_api::Org,
    hourbank_api::OrgList,
    hourbank_api::UserList,
    hourbank_api::CreatedUser,
    hourbank_api::UserDisabled,
    hourbank_api::TariffList,
    hourbank_api::TariffEntry,
    hourbank_api::AuditList,
    hourbank_api::TaskList,
    hourbank_api::TaskDetail,
    hourbank_api::WorklogList,
    hourbank_api::LoggedWork,
    hourbank_api::InstructionList,
    hourbank_api::WrittenInstruction,
    hourbank_api::ConsultationList,
    hourbank_api::LoggedConsultation,
    hourbank_api::SellerSettings,
    hourbank_api::CompanyContacts,
    hourbank_api::DocumentView,
    hourbank_api::MonthList,
    hourbank_api::Report,
    hourbank_domain::Statement,
    hourbank_api::accounts::SignIn,
    hourbank_api::accounts::PasswordChange,
    hourbank_api::accounts::NewPassword,
    hourbank_api::accounts::SetDisabled,
    hourbank_api::admin::NewUser,
    hourbank_api::tasks::NewTask,
    hourbank_api::tasks::Assignment,
    hourbank_api::tasks::WarrantyClaim,
    hourbank_api::tasks::LogWork,
    hourbank_api::instructions::NewInstruction,
    hourbank_api::consultations::NewConsultation,
    hourbank_api::orgs::BuyerRequisites,
    hourbank_api::orgs::NewOrg,
    hourbank_api::admin::NewTariff,
    hourbank_api::documents::SellerForm,
)))]
struct Bodies;

fn with_generated_schemas(mut doc: Value) -> Value {
    use utoipa::OpenApi;
    let generated = serde_json::to_value(Bodies::openapi().components.map(|c| c.schemas).unwrap_or_default())
        .expect("schemas serialize");
    let mut generated = generated.as_object().cloned().unwrap_or_default();
    // Bodies read by hand rather than by a derive: their schemas are built next to their readers.
    generated.insert(
        "Scenario".into(),
        serde_json::to_value(hourbank_domain::openapi::scenario()).expect("schema serializes"),
    );
    // A tagged body whose steps the derive cannot tell apart by their fields' rules.
    generated.insert(
        "Transition".into(),
        serde_json::to_value(hourbank_api::openapi::transition()).expect("schema serializes"),
    );
    let schemas = doc["components"]["schemas"].as_object_mut().expect("the document has schemas");
    for (name, schema) in &generated {
        let earlier = schemas.insert(name.clone(), schema.clone());
        assert!(earlier.is_none(), "two schemas named {name}");
    }
    doc
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
                property.insert("pattern".into(), json!(DATE_PATTERN));
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

fn paths() -> Value {
    let id = || path_param("id", "numeric id");
    let period = || {
        json!({ "name": "period", "in": "path", "required": true, "description": "YYYY-MM (append .csv for CSV)",
                "schema": { "type": "string", "pattern": "^[1-9][0-9]{3}-(0[1-9]|1[0-2])(\\.csv)?$" } })
    };
    let org = || id_param("org", "organisation id (staff; a client's own is implied)");
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "hourbank API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Tasks, work logs, reports and the tariff statement of an hours-bank subscription. \
                            Amounts and hours are strings holding exact decimals.",
        },
        "servers": [{ "url": "/api/v1" }],
        "security": [{ "bearer": [] }, { "cookie": [] }],
        "paths": {
            "/health": { "get": op("system", "Health, with a database round trip", None, ("200", ok("Healthy", schema("Health"))), false, vec![]) },
            "/simulate": { "post": op("calculator", "The month-by-month statement of a scenario", Some(json_body(schema("Scenario"))),
                ("200", ok("The statement", schema("Statement"))), false, vec![]) },
            "/session": {
                "get": op("session", "Who is signed in: the caller as /me answers, or null — never 401 (a page asks this first)",
                    None, ("200", ok("{\"user\": …} or {\"user\": null}", schema("SessionState"))), false, vec![]),
                "post": op("session", "Sign in: sets an HttpOnly SameSite=Strict cookie and returns a bearer token",
                    Some(json_body(schema("SignIn"))),
                    ("201", ok("Signed in", schema("SignedIn"))), false, vec![]),
                "delete": op("session", "Sign out", None, ("204", json!({ "description": "Signed out" })), true, vec![]),
            },
            "/me": { "get": op("session", "The caller, with the organisation and its dedicated analyst", None, ("200", ok("The caller", schema("Me"))), true, vec![]) },
            "/orgs": {
                "get": op("orgs", "Organisations the caller may see", None, ("200", ok("Organisations", schema("OrgList"))), true, vec![]),
                "post": op("orgs", "Create an organisation (admin)", Some(json_body(schema("NewOrg"))), ("201", ok("Created", schema("Org"))), true, vec![idempotency_key()]),
            },
            "/orgs/{id}": { "get": op("orgs", "One organisation", None, ("200", ok("The organisation", schema("Org"))), true, vec![id()]) },
            "/users": {
                "get": op("users", "All users (admin); the specialists and analysts, to assign tasks to (analyst)", None, ("200", ok("Users", schema("UserList"))), true,
                    vec![query_param("role", "client | analyst | specialist | admin | sales", json!({ "enum": ["", "client", "analyst", "specialist", "admin", "sales"] }))]),
                "post": op("users", "Create a user (admin)", Some(json_body(schema("NewUser"))), ("201", ok("Created", schema("CreatedUser"))), true, vec![idempotency_key()]),
            },
            "/tariffs": {
                "get": op("tariffs", "The tariff catalogue («Старт» built in); public: no session needed", None, ("200", ok("Tariffs", schema("TariffList"))), false, vec![]),
                "post": op("tariffs", "Add a tariff (sales, admin); omitted terms take «Старт»'s", Some(json_body(schema("NewTariff"))), ("201", ok("Created", schema("TariffEntry"))), true, vec![idempotency_key()]),
            },
            "/audit": { "get": op("users", "The audit log, newest first, a page at a time, each entry with its user's and organisation's names (admin)", None, ("200", ok("Entries; `next_before` names the next page", schema("AuditList"))), true,
                vec![id_param("limit", "entries on a page, default 200; more than 1000 reads as 1000"), id_param("before", "the previous page's next_before"), org(),
                     id_param("user", "a user's id"), query_param("action", "create, accept, close, …", json!({ "type": "string", "maxLength": super::users::MAX_ACTION_CHARS })),
                     date_param("from", "YYYY-MM-DD"), date_param("to", "YYYY-MM-DD")]) },
            "/tasks": {
                "get": op("tasks", "Tasks the caller may see, newest first, a page at a time", None, ("200", ok("Tasks; `next_before` names the next page", schema("TaskList"))), true,
                    [vec![org(), pattern_param("state", "new | estimated | in_work | testing | accepted | cancelled, or several separated by commas",
                             &format!("^ *{STATES} *(, *{STATES} *)*$")),
                         pattern_param("month", "accepted in YYYY-MM", MONTH_PATTERN), search_param("words in the title or description"),
                         pattern_param("assignee", "`me`, or a user's id: the tasks assigned to them", "^ *(me|[1-9][0-9]{0,17}) *$")], page_params().to_vec()].concat()),
                "post": op("tasks", "Create a task in plain words", Some(json_body(schema("NewTask"))),
                    ("201", ok("Created", schema("TaskDetail"))), true, vec![idempotency_key()]),
            },
            "/tasks/{id}": { "get": op("tasks", "A task with its history, work logs and the caller's allowed actions", None, ("200", ok("The task", schema("TaskDetail"))), true, vec![id()]) },
            "/tasks/{id}/transitions": { "post": op("tasks", "Move a task through its workflow (409 when the state does not allow it)",
                Some(json_body(schema("Transition"))), ("200", ok("The task after the step", schema("TaskDetail"))), true, vec![id(), idempotency_key()]) },
            "/tasks/{id}/assignee": { "put": op("tasks", "Assign an open task to a specialist or analyst, or to nobody with null (analyst, admin); 409 when the task is accepted or cancelled",
                Some(json_body(schema("Assignment"))),
                ("200", ok("The task after it", schema("TaskDetail"))), true, vec![id(), idempotency_key()]) },
            "/tasks/{id}/warranty": { "post": op("tasks", "A warranty claim on an accepted task within the tariff's warranty days (client, analyst, admin): a linked task that follows the usual workflow and bills 0 h. 409 unless the task is accepted; 422 on `warranty_until` past the window",
                Some(json_body(schema("WarrantyClaim"))),
                ("201", ok("The warranty task", schema("TaskDetail"))), true, vec![id(), idempotency_key()]) },
            "/tasks/{id}/worklogs": {
                "get": op("tasks", "Work logged on a task", None, ("200", ok("Work logs", schema("WorklogList"))), true, vec![id()]),
                "post": op("tasks", "Log work (specialist, analyst, admin)", Some(json_body(schema("LogWork"))),
                    ("201", ok("Logged", schema("LoggedWork"))), true, vec![id(), idempotency_key()]),
            },
            "/tasks/{id}/instructions": {
                "get": op("instructions", "The user instructions attached to a task", None, ("200", ok("Instructions", schema("InstructionList"))), true, vec![id()]),
                "post": op("instructions", "Attach a user instruction in Markdown (analyst, specialist, admin); the HTML is rendered and sanitized on the server",
                    Some(json_body(schema("NewInstruction"))),
                    ("201", ok("Attached", schema("WrittenInstruction"))), true, vec![id(), idempotency_key()]),
            },
            "/instructions": { "get": op("instructions", "Instructions the caller may see, newest first, a page at a time", None, ("200", ok("Instructions; `next_before` names the next page", schema("InstructionList"))), true,
                [vec![search_param("words in the title or the Markdown")], page_params().to_vec()].concat()) },
            "/consultations": {
                "get": op("consultations", "Consultations the caller may see, newest entry first, a page at a time", None, ("200", ok("Consultations; `next_before` names the next page", schema("ConsultationList"))), true,
                    [vec![org(), pattern_param("month", "dated in YYYY-MM", MONTH_PATTERN)], page_params().to_vec()].concat()),
                "post": op("consultations", "Log a consultation (specialist, analyst, admin); a billable one counts as hours of its month",
                    Some(json_body(schema("NewConsultation"))),
                    ("201", ok("Logged", schema("LoggedConsultation"))), true, vec![idempotency_key()]),
            },
            "/me/password": { "put": op("session", "Change one's own password: the old one required; the caller's other sessions end (422 on old_password or new_password)",
                Some(json_body(schema("PasswordChange"))),
                ("204", json!({ "description": "Changed" })), true, vec![idempotency_key()]) },
            "/me/sessions": { "get": op("session", "The caller's sessions: opened when and where, last used, ending when; `id` is a prefix of the token's hash", None,
                ("200", ok("Sessions", schema("SessionList"))), true, vec![]) },
            "/me/sessions/{id}": { "delete": op("session", "End one of the caller's own sessions", None,
                ("204", json!({ "description": "Ended" })), true, vec![path_param("id", "16 hex digits from /me/sessions")]) },
            "/users/{id}/disabled": { "put": op("users", "Disable (every session ends at once; sign-in refused) or re-enable a user (admin; not oneself)",
                Some(json_body(schema("SetDisabled"))),
                ("200", ok("Done", schema("UserDisabled"))), true, vec![id(), idempotency_key()]) },
            "/users/{id}/password": { "put": op("users", "Set a user's password (admin); their sessions end",
                Some(json_body(schema("NewPassword"))),
                ("204", json!({ "description": "Set" })), true, vec![id(), idempotency_key()]) },
            "/settings/seller": {
                "get": op("documents", "The seller's requisites on the acts and invoices (null until an admin sets them), and the company's `contacts` (phone, email)", None, ("200", ok("The seller", schema("SellerSettings"))), true, vec![]),
                "put": op("documents", "Set the seller's requisites (admin); ИНН, КПП, БИК and both accounts are checked by their check digits, every bad field named",
                    Some(json_body(schema("SellerForm"))),
                    ("200", ok("Saved", schema("SellerSettings"))), true, vec![idempotency_key()]),
            },
            "/contacts": { "get": op("documents", "The company's name, phone and e-mail, as the calculator's «Оставить заявку» shows them (each null until an admin sets it); public: no session needed",
                None, ("200", ok("Contacts", schema("CompanyContacts"))), false, vec![]) },
            "/orgs/{id}/requisites": { "put": op("documents", "The buyer's КПП and address on its acts and invoices (admin)",
                Some(json_body(schema("BuyerRequisites"))),
                ("200", ok("The organisation", schema("Org"))), true, vec![id(), idempotency_key()]) },
            "/reports/{period}/documents/{kind}": { "get": op("documents", "The month's act (`act`) or invoice (`invoice`) as JSON, or as PDF (`act.pdf`, `invoice.pdf`). A closed month's is numbered per kind and year and keeps the parties it was issued with; an open month's is preliminary, without a number. 409 until the seller's requisites are set",
                None, ("200", ok("The document", schema("DocumentView"))), true, vec![period(), path_param("kind", "act | invoice | act.pdf | invoice.pdf"), org()]) },
            "/reports": { "get": op("reports", "The contract's months so far, open or closed", None, ("200", ok("Months", schema("MonthList"))), true, vec![org()]) },
            "/reports/{period}": { "get": op("reports", "A month's report (the month so far, or the frozen closed month); `.csv` for CSV. Reports exist from the contract's first month through the month after the current one (or the contract's last): others are 404", None,
                ("200", ok("The report", schema("Report"))), true, vec![period(), org(), query_param("lang", "ru (default) | en: the words of the `.csv` (its numbers have decimal commas and its times are Moscow time either way)", json!({ "enum": ["", "ru", "en"] }))]) },
            "/reports/{period}/close": { "post": op("reports", "Freeze a month (analyst, admin); closing twice is harmless. The running month may be closed before it ends: work settled in it afterwards bills in the next open month", None,
                ("200", ok("The frozen report", schema("Report"))), true, vec![json!({ "name": "period", "in": "path", "required": true, "description": "YYYY-MM",
                    "schema": { "type": "string", "pattern": MONTH_PATTERN } }), org(), idempotency_key()]) },
        },
        "components": {
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer" },
                "cookie": { "type": "apiKey", "in": "cookie", "name": crate::auth::SESSION_COOKIE },
            },
            // Every body's schema is generated (`with_generated_schemas`).
            "schemas": {},
        },
    })
}
