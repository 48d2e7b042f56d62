//! Signing in and the accounts' own writes: a password changed by its user or set by an admin,
//! a user disabled or enabled.

use hourbank_domain::{FieldError, Problem, Rule};
use serde::Serialize;

use crate::input::Input;
use crate::request::Request;

/// Fewest characters in a new password: long passphrases beat complex rules.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Most characters read from a password field (argon2 hashes any length; this bounds the work).
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// A new password is long enough: the one rule for every way a password is set.
pub fn check_new_password(field: &str, password: &str) -> Result<(), FieldError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(FieldError::new(field, Problem::Rule(Rule::MinChars(MIN_PASSWORD_CHARS))));
    }
    Ok(())
}

/// `POST /session`: the e-mail (read in lower case) and the password.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignIn {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<254>))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::password))]
    pub password: String,
}

pub struct SignInDraft {
    pub email: Option<String>,
    pub password: Option<String>,
}

impl Request for SignIn {
    const FIELDS: &'static [&'static str] = &["email", "password"];
    type Draft = SignInDraft;

    fn read(input: &mut Input<'_>) -> SignInDraft {
        SignInDraft {
            email: input.text("email", 254).map(|e| e.to_lowercase()),
            password: input.secret("password", MAX_PASSWORD_CHARS),
        }
    }

    fn complete(d: SignInDraft) -> Option<SignIn> {
        Some(SignIn { email: d.email?, password: d.password? })
    }
}

/// `PUT /me/password`: the old password proves it is the user; their other sessions end.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PasswordChange {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::password))]
    pub old_password: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::new_password))]
    pub new_password: String,
}

pub struct PasswordChangeDraft {
    pub old_password: Option<String>,
    pub new_password: Option<String>,
}

impl Request for PasswordChange {
    const FIELDS: &'static [&'static str] = &["old_password", "new_password"];
    type Draft = PasswordChangeDraft;

    fn read(input: &mut Input<'_>) -> PasswordChangeDraft {
        let old_password = input.secret("old_password", MAX_PASSWORD_CHARS);
        let new_password = input
            .secret("new_password", MAX_PASSWORD_CHARS)
            .filter(|new| check_new_password("new_password", new).map_err(|e| input.push(e)).is_ok());
        PasswordChangeDraft { old_password, new_password }
    }

    fn complete(d: PasswordChangeDraft) -> Option<PasswordChange> {
        Some(PasswordChange { old_password: d.old_password?, new_password: d.new_password? })
    }
}

/// `PUT /users/{id}/password` (admin): the user's sessions end; they sign in with the new one.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewPassword {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::new_password))]
    pub password: String,
}

impl Request for NewPassword {
    const FIELDS: &'static [&'static str] = &["password"];
    type Draft = Option<String>;

    fn read(input: &mut Input<'_>) -> Option<String> {
        input.secret("password", MAX_PASSWORD_CHARS)
    }

    fn complete(password: Option<String>) -> Option<NewPassword> {
        Some(NewPassword { password: password? })
    }
}

/// `PUT /users/{id}/disabled` (admin; not oneself): `{"disabled": true | false}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetDisabled {
    pub disabled: bool,
}

impl Request for SetDisabled {
    const FIELDS: &'static [&'static str] = &["disabled"];
    type Draft = Option<bool>;

    fn read(input: &mut Input<'_>) -> Option<bool> {
        input.boolean("disabled")
    }

    fn complete(disabled: Option<bool>) -> Option<SetDisabled> {
        Some(SetDisabled { disabled: disabled? })
    }
}
