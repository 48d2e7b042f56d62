//! Instructions (`/instructions`, `/tasks/{id}/instructions`).

use serde::{Deserialize, Serialize};

/// An instruction with its task's title and its author's name.
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
/// first, no `next_before`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct InstructionList {
    pub instructions: Vec<Instruction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_before: Option<i64>,
}

/// `POST /tasks/{id}/instructions`: the instruction just written.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct WrittenInstruction {
    pub instruction: Instruction,
}
