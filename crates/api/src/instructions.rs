//! Instructions (`/instructions`, `/tasks/{id}/instructions`).

use hourbank_domain::contacts::looks_blank;
use hourbank_domain::{FieldError, Problem, Rule};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::input::Input;
use crate::request::Request;

/// Most characters in an instruction's title.
pub const MAX_TITLE_CHARS: usize = 200;
/// Most characters in an instruction's Markdown.
pub const MAX_MARKDOWN_CHARS: usize = 200_000;

/// An instruction with its task's title and its author's name.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Instruction {
    pub id: i64,
    pub task_id: i64,
    pub task_title: String,
    pub org_id: i64,
    pub title: String,
    /// As written.
    pub markdown: String,
    /// Rendered and sanitised on the server (ammonia) when written: the only HTML the portal
    /// inserts.
    pub html: String,
    pub author_id: i64,
    pub author_name: String,
    pub created_at: String,
    pub updated_at: String,
}

/// `GET /instructions` (a page, newest first) and `GET /tasks/{id}/instructions` (all, oldest
/// first, `next_before` null).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct InstructionList {
    pub instructions: Vec<Instruction>,
    /// More follow this page: the next starts below this id; null on the last page, as every
    /// list's (it was left out).
    #[serde(default)]
    pub next_before: Option<i64>,
}

/// `POST /tasks/{id}/instructions`: the instruction just written.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct WrittenInstruction {
    pub instruction: Instruction,
}

/// `POST /tasks/{id}/instructions`: an instruction in Markdown (rendered and sanitised by the
/// server).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewInstruction {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<MAX_TITLE_CHARS>))]
    pub title: String,
    /// As written: not trimmed, as leading spaces can mean a code block.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<MAX_MARKDOWN_CHARS>))]
    pub markdown: String,
}

pub struct NewInstructionDraft {
    pub title: Option<String>,
    pub markdown: Option<String>,
}

impl Request for NewInstruction {
    const FIELDS: &'static [&'static str] = &["title", "markdown"];
    type Draft = NewInstructionDraft;

    fn read(input: &mut Input<'_>) -> NewInstructionDraft {
        let title = input.text("title", MAX_TITLE_CHARS);
        let problem = match input.raw("markdown") {
            Some(Value::String(s)) if s.chars().count() > MAX_MARKDOWN_CHARS => Problem::MaxChars(MAX_MARKDOWN_CHARS),
            // As user text is read ([`Input::optional_text`]), but kept as written: its
            // indentation is Markdown's.
            Some(Value::String(s)) if cfg!(feature = "server") && s.contains(crate::input::refused_in_text) => {
                Problem::Rule(Rule::Malformed)
            }
            Some(Value::String(s)) if !(s.trim().is_empty() || cfg!(feature = "server") && looks_blank(s)) => {
                return NewInstructionDraft { title, markdown: Some(s.clone()) };
            }
            Some(Value::String(_)) | None => Problem::Missing,
            Some(_) => Problem::WrongType(hourbank_domain::Expected::Text),
        };
        input.push(FieldError::new("markdown", problem));
        NewInstructionDraft { title, markdown: None }
    }

    fn complete(d: NewInstructionDraft) -> Option<NewInstruction> {
        Some(NewInstruction { title: d.title?, markdown: d.markdown? })
    }
}
