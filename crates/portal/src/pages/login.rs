//! Sign-in. After it the user goes back to where the expired session left them.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError};
use crate::app::ctx;
use crate::model::SessionState;
use crate::route::Route;

/// What was typed into the sign-in form of the page's static frame (`dist/portal/sign-in.html`,
/// painted before the app) while the app was loading: the app's form starts with it.
#[derive(Clone, Default)]
pub struct EarlySignIn {
    pub email: String,
    pub password: String,
}

impl EarlySignIn {
    /// Removes the static frame, keeping what was typed into its sign-in form (if it had one).
    pub fn take_from_shell() -> Option<EarlySignIn> {
        let document = document();
        let shell = document.get_element_by_id("shell")?;
        let value = |id: &str| {
            document
                .get_element_by_id(id)
                .and_then(|el| el.dyn_into::<web_sys::HtmlInputElement>().ok())
                .map(|input| input.value())
                .unwrap_or_default()
        };
        let early = shell
            .has_attribute("data-sign-in")
            .then(|| EarlySignIn { email: value("shell-email"), password: value("shell-password") });
        shell.remove();
        early
    }
}

/// The sign-in form. Where to go after it comes from the address: `?next=` on `/portal/login`,
/// or the page the user asked for (the session having ended, or never begun).
#[allow(non_snake_case)]
pub fn LoginPage(early: EarlySignIn) -> impl IntoView {
    let ctx = ctx();
    let email = RwSignal::new(early.email);
    let password = RwSignal::new(early.password);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let next = move || match ctx.route.get() {
        Route::Login { next } => next,
        other => Some(other.href()),
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::sign_in(email.get_untracked().trim(), &password.get_untracked()).await;
            let me = match result {
                // `/session`, as the portal asks at its start (one reader of the answer, not two).
                Ok(()) => {
                    api::get::<SessionState>("/session").await.and_then(|f| f.value.user.ok_or(ApiError::SignedOut))
                }
                Err(e) => Err(e),
            };
            busy.set(false);
            match me {
                Ok(me) => {
                    api::set_cache_owner(Some(me.id));
                    ctx.sync.switch_user(Some(me.id));
                    ctx.me.set(Some(Some(me)));
                    let target = next().map(|n| {
                        let (path, query) = n.split_once('?').unwrap_or((&n, ""));
                        Route::parse(path, query)
                    });
                    ctx.navigate(target.unwrap_or(Route::Overview));
                    let sync = ctx.sync;
                    spawn_local(sync.drain());
                }
                Err(ApiError::Problem(p)) if p.status == 401 => error.set(Some(
                    ctx.lang.get_untracked().pick("Неверный e-mail или пароль.", "Wrong e-mail or password.").into(),
                )),
                Err(e) => error.set(Some(e.message(ctx.ru()))),
            }
        });
    };
    view! {
        <section class="login card">
            <h1>{ctx.t("Вход в личный кабинет", "Sign in")}</h1>
            {move || (next().is_some() && ctx.expired.get()).then(|| view! {
                <p role="status">{ctx.t("Сеанс истёк — войдите, и вы вернётесь на ту же страницу.",
                    "Your session expired — sign in to return to the same page.")}</p>
            })}
            <form on:submit=submit>
                <div class="field">
                    <label for="login-email">"E-mail"</label>
                    <input id="login-email" type="email" autocomplete="username" required
                        prop:value=email on:input:target=move |ev| email.set(ev.target().value()) />
                </div>
                <div class="field">
                    <label for="login-password">{ctx.t("Пароль", "Password")}</label>
                    <input id="login-password" type="password" autocomplete="current-password" required
                        prop:value=password on:input:target=move |ev| password.set(ev.target().value()) />
                </div>
                <p class="error-box" role="alert" hidden=move || error.get().is_none()>{move || error.get()}</p>
                <button type="submit" id="login-submit" disabled=busy>{ctx.t("Войти", "Sign in")}</button>
            </form>
        </section>
    }
}
