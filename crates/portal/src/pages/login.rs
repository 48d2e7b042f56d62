//! Sign-in. After it the user goes back to where the expired session left them.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::app::ctx;
use crate::model::Me;
use crate::route::Route;

#[allow(non_snake_case)]
pub fn LoginPage(next: Option<String>) -> impl IntoView {
    let ctx = ctx();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let next = StoredValue::new(next);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::sign_in(email.get_untracked().trim(), &password.get_untracked()).await;
            let me = match result {
                Ok(()) => api::get::<Me>("/me").await.map(|f| f.value),
                Err(e) => Err(e),
            };
            busy.set(false);
            match me {
                Ok(me) => {
                    api::set_cache_owner(Some(me.id));
                    ctx.sync.switch_user(Some(me.id));
                    ctx.me.set(Some(Some(me)));
                    let target = next.get_value().map(|n| {
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
            {move || (next.get_value().is_some() && ctx.expired.get()).then(|| view! {
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
