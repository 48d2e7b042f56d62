//! What the business does, over the database and the domain: creating organisations and users,
//! accounts, task steps and work logs, consultations, instructions, building and closing a
//! month's report, numbering its documents. The HTTP handlers, the `hourbank` command, the demo loader and the tests all
//! call these functions; they return [`crate::Error`], which only `http` turns into an answer.

pub mod accounts;
pub mod consultations;
pub mod documents;
pub mod instructions;
pub mod orgs;
pub mod reports;
pub mod tasks;
pub mod users;
