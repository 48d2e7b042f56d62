//! User instructions: Markdown rendered to safe HTML once, when written.

use std::collections::HashSet;

use pulldown_cmark::{Options, Parser};
use serde_json::json;

use crate::app::App;
use crate::auth::Caller;
use crate::db::{col, now};
use crate::store::{self, TaskRecord};
use crate::Error;

/// Markdown to HTML that is safe to insert into the portal: raw HTML in the Markdown (scripts,
/// event handlers, `javascript:` links) is removed by the sanitizer, not trusted.
pub fn render(markdown: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(
        &mut html,
        Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH),
    );
    ammonia::Builder::default().url_schemes(HashSet::from(["http", "https", "mailto", "tel"])).clean(&html).to_string()
}

/// Writes an instruction to `task` by `caller`, rendered and sanitized, with its audit row;
/// returns its id.
pub async fn write(app: &App, caller: &Caller, task: &TaskRecord, title: &str, markdown: &str) -> Result<i64, Error> {
    let html = render(markdown);
    let now = now();
    let mut tx = app.db().begin_write().await?;
    let row = sqlx::query(
        "INSERT INTO instructions (task_id, org_id, title, markdown, html, author_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(task.id)
    .bind(task.org_id)
    .bind(title)
    .bind(markdown)
    .bind(&html)
    .bind(caller.user_id)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?;
    let instruction_id: i64 = col(&row, "id")?;
    let after = json!({ "task_id": task.id, "title": title, "markdown": markdown });
    store::audit(
        &mut tx,
        store::Audit {
            user_id: Some(caller.user_id),
            org_id: Some(task.org_id),
            action: "create",
            entity: "instruction",
            entity_id: Some(instruction_id),
            after: Some(&after),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(instruction_id)
}
