//! The portal's shell: shared state in context, the address bar as the router, the header with
//! the navigation for the signed-in role, the language switch and the connection/outbox status.

use hourbank_domain::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError, Fetched, OutboxSync};
use crate::i18n::{self, Lang};
use crate::model::{Me, SessionState};
use crate::pages;
use crate::route::{AdminPage, Route, TaskFilter};

/// What every page can reach.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub lang: RwSignal<Lang>,
    pub route: RwSignal<Route>,
    /// `None` until `/me` answered; `Some(None)` when nobody is signed in.
    pub me: RwSignal<Option<Option<Me>>>,
    pub sync: OutboxSync,
    /// Bumped after every write, so pages read again.
    pub refresh: RwSignal<u32>,
    /// The session ended while in use (not: nobody had signed in yet), for the sign-in page to say so.
    pub expired: RwSignal<bool>,
    /// What a write just did («Работа записана»), shown on the page it was made for until the
    /// user goes elsewhere.
    pub notice: RwSignal<Option<(Route, String)>>,
}

pub fn ctx() -> Ctx {
    expect_context::<Ctx>()
}

impl Ctx {
    /// Says what a write did, on the page it was made for.
    pub fn tell(&self, route: Route, text: String) {
        self.notice.set(Some((route, text)));
    }

    pub fn ru(&self) -> bool {
        self.lang.get() == Lang::Ru
    }

    /// A text in the current language, reactive.
    pub fn t(self, ru: &'static str, en: &'static str) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        let lang = self.lang;
        move || lang.get().pick(ru, en)
    }

    pub fn navigate(&self, route: Route) {
        let href = route.href();
        if let Ok(history) = window().history() {
            let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&href));
        }
        self.route.set(route);
        window().scroll_to_with_x_and_y(0.0, 0.0);
        // Screen readers start reading the new page, as after a page load.
        if let Some(main) = window().document().and_then(|d| d.get_element_by_id("main")) {
            let _ = main.unchecked_into::<web_sys::HtmlElement>().focus();
        }
    }

    /// The session is over: to the sign-in page, and back here afterwards.
    pub fn signed_out(&self) {
        let here = current_path();
        self.expired.set(matches!(self.me.get_untracked(), Some(Some(_))));
        self.me.set(Some(None));
        api::set_cache_owner(None);
        self.sync.switch_user(None);
        let next = crate::route::is_portal_path(&here).then_some(here);
        self.navigate(Route::Login { next });
    }
}

fn current_path() -> String {
    let location = window().location();
    let path = location.pathname().unwrap_or_default();
    let search = location.search().unwrap_or_default();
    format!("{path}{search}")
}

fn route_from_location() -> Route {
    let location = window().location();
    Route::parse(&location.pathname().unwrap_or_default(), &location.search().unwrap_or_default())
}

/// A read that follows `path` (and every write): `None` while loading.
pub type Loaded<T> = RwSignal<Option<Result<Fetched<T>, ApiError>>>;

pub fn load<T>(path: impl Fn() -> Option<String> + Send + Sync + 'static) -> Loaded<T>
where
    T: serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
{
    let ctx = ctx();
    let data: Loaded<T> = RwSignal::new(None);
    let generation = StoredValue::new(0_u32);
    Effect::new(move |_| {
        ctx.refresh.track();
        let Some(path) = path() else { return };
        let id = generation.get_value() + 1;
        generation.set_value(id);
        spawn_local(async move {
            let answer = api::get::<T>(&path).await;
            // An older request answering late must not replace a newer one.
            if generation.try_get_value() != Some(id) {
                return;
            }
            if matches!(answer, Err(ApiError::SignedOut)) {
                ctx.signed_out();
                return;
            }
            data.set(Some(answer));
        });
    });
    data
}

/// Renders a read: loading, its error, or the page, with a note when it is an offline copy.
pub fn show<T, V>(data: Loaded<T>, render: impl Fn(T) -> V + Send + Sync + 'static) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let ctx = ctx();
    move || match data.get() {
        None => view! { <p class="loading" role="status">{ctx.t("Загрузка…", "Loading…")}</p> }.into_any(),
        Some(Err(e)) => view! { <p class="error-box" role="alert">{e.message(ctx.ru())}</p> }.into_any(),
        Some(Ok(fetched)) => {
            let stale = fetched.saved_at.map(|at| {
                let age = crate::cache::age_text(api::now_ms() - at, ctx.lang.get());
                view! {
                    <p class="stale" role="status">
                        {ctx.t("Нет связи с сервером: показана сохранённая копия ", "Offline: showing the copy saved ")}
                        {age}
                    </p>
                }
            });
            view! { {stale} {render(fetched.value)} }.into_any()
        }
    }
}

/// Like [`show`] for a page whose heading comes with its data: while loading or on an error the
/// page still has its `<h1>`, named by `title`.
pub fn show_page<T, V>(
    data: Loaded<T>,
    title: impl Fn(Lang) -> String + Send + Sync + 'static,
    render: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let ctx = ctx();
    let heading = move || data.with(|d| !matches!(d, Some(Ok(_)))).then(|| view! { <h1>{title(ctx.lang.get())}</h1> });
    view! { {heading} {show(data, render)} }
}

/// Follows the address bar: links inside the portal change the page without reloading it.
fn install_router(ctx: Ctx) {
    let on_pop = Closure::<dyn Fn()>::new(move || ctx.route.set(route_from_location()));
    let _ = window().add_event_listener_with_callback("popstate", on_pop.as_ref().unchecked_ref());
    on_pop.forget();
    let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
        if ev.default_prevented()
            || ev.button() != 0
            || ev.ctrl_key()
            || ev.meta_key()
            || ev.shift_key()
            || ev.alt_key()
        {
            return;
        }
        let Some(anchor) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("a[href]").ok().flatten())
        else {
            return;
        };
        if anchor.has_attribute("download") || anchor.get_attribute("target").is_some() {
            return;
        }
        let href = anchor.get_attribute("href").unwrap_or_default();
        if !(href == "/portal" || href.starts_with("/portal/")) {
            return;
        }
        ev.prevent_default();
        let (path, query) = href.split_once('?').unwrap_or((&href, ""));
        ctx.navigate(Route::parse(path, query));
    });
    let _ = window().document().map(|d| d.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref()));
    on_click.forget();
}

/// Sends the outbox once the server has confirmed whose session this is: a page opened without a
/// connection shows the last user's queue, but sends it only with that user's own session.
async fn confirm_and_drain(ctx: Ctx) {
    if !ctx.sync.confirmed.get_untracked() {
        match api::get::<SessionState>("/session").await {
            Ok(session) if session.saved_at.is_none() => match session.value.user {
                Some(me) => {
                    api::set_cache_owner(Some(me.id));
                    ctx.sync.switch_user(Some(me.id));
                    ctx.me.set(Some(Some(me)));
                }
                None => return ctx.signed_out(),
            },
            Err(api::ApiError::SignedOut) => return ctx.signed_out(),
            _ => return,
        }
    }
    ctx.sync.drain().await;
}

/// Keeps `online` true to the browser's idea and sends the outbox when the connection returns;
/// also retries every 20 s while something waits (a server that was down comes back silently).
fn install_sync(ctx: Ctx) {
    let sync = ctx.sync;
    let online = Closure::<dyn Fn()>::new(move || {
        sync.online.set(true);
        spawn_local(async move {
            confirm_and_drain(ctx).await;
            ctx.refresh.update(|r| *r += 1);
        });
    });
    let offline = Closure::<dyn Fn()>::new(move || sync.online.set(false));
    let _ = window().add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
    let _ = window().add_event_listener_with_callback("offline", offline.as_ref().unchecked_ref());
    online.forget();
    offline.forget();
    let tick = Closure::<dyn Fn()>::new(move || {
        if sync.outbox.with_untracked(|o| o.waiting() > 0) && window().navigator().on_line() {
            spawn_local(async move {
                confirm_and_drain(ctx).await;
                ctx.refresh.update(|r| *r += 1);
            });
        }
    });
    let _ = window().set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), 20_000);
    tick.forget();
}

/// Lets the portal open without a connection (`sw.js`: network first, the saved copy otherwise).
/// Browsers offer service workers only on secure origins (HTTPS, localhost); elsewhere the portal
/// still works while open, it just cannot be reopened offline.
fn register_service_worker() {
    let navigator = window().navigator();
    let supported =
        js_sys::Reflect::has(&navigator, &wasm_bindgen::JsValue::from_str("serviceWorker")).unwrap_or(false);
    if supported {
        let _ = navigator.service_worker().register("/portal/sw.js");
    }
}

/// The whole portal; `early` is what the sign-in frame of the page held, if it had one.
#[allow(non_snake_case)]
pub fn Portal(early: Option<pages::login::EarlySignIn>) -> impl IntoView {
    let lang = RwSignal::new(i18n::load());
    i18n::store(lang.get_untracked());
    let ctx = Ctx {
        lang,
        route: RwSignal::new(route_from_location()),
        me: RwSignal::new(None),
        sync: OutboxSync::load(),
        refresh: RwSignal::new(0),
        expired: RwSignal::new(false),
        notice: RwSignal::new(None),
    };
    provide_context(ctx);
    #[cfg(feature = "staff")]
    if let Ok(Some(storage)) = window().session_storage() {
        let _ = storage.remove_item(STAFF_APP_TRIED_AT);
    }
    install_router(ctx);
    install_sync(ctx);
    register_service_worker();
    // Who is signed in (the cookie says); the first sends of the outbox wait for this. Without a
    // connection the last user's saved `/me` stands in, so the cached pages stay readable.
    ctx.sync.restore(api::restore_cache_owner());
    // Asked of `/session`, which answers "nobody" with a 200: a browser logs any 401 as an error.
    spawn_local(async move {
        match api::get::<SessionState>("/session").await {
            // Without a connection the answer comes from the cache: it confirms nobody.
            Ok(session) if session.saved_at.is_some() => match session.value.user {
                Some(me) => ctx.me.set(Some(Some(me))),
                None => ctx.signed_out(),
            },
            Ok(session) => match session.value.user {
                Some(me) => {
                    api::set_cache_owner(Some(me.id));
                    ctx.sync.switch_user(Some(me.id));
                    ctx.me.set(Some(Some(me)));
                    ctx.sync.drain().await;
                }
                None => ctx.signed_out(),
            },
            Err(_) => ctx.signed_out(),
        }
    });
    Effect::new(move |_| {
        if ctx.sync.signed_out.get() {
            ctx.sync.signed_out.set(false);
            ctx.signed_out();
        }
    });
    Effect::new(move |_| {
        let title = page_title(&ctx.route.get(), ctx.lang.get());
        if let Some(doc) = window().document() {
            doc.set_title(&format!("{title} — hourbank"));
        }
    });

    // Whether the sign-in form shows. A change of who is signed in or of the address that keeps
    // it showing (`/session` answering "nobody" while someone types, the session ending) must not
    // build it again, which would empty it. A page that came with the sign-in frame (the browser
    // sent no session cookie) shows it from the start, so the app takes over the frame in place.
    let starts_signed_out = early.is_some();
    let early = StoredValue::new(early.unwrap_or_default());
    let login = Memo::new(move |_| match (ctx.route.get(), ctx.me.get()) {
        (Route::Login { .. }, _) | (_, Some(None)) => true,
        (_, None) => starts_signed_out,
        (_, Some(Some(_))) => false,
    });
    view! {
        <a class="skip" href="#main">{ctx.t("К содержанию", "Skip to content")}</a>
        <Header/>
        // Whether the server has said who is signed in: "unknown" until `/me` answers.
        <main id="main" tabindex="-1" data-session=move || match ctx.me.get() {
            None => "unknown",
            Some(None) => "none",
            Some(Some(_)) => "user",
        }>
            {move || {
                let route = ctx.route.get();
                ctx.notice.with(|n| n.as_ref().filter(|(on, _)| *on == route).map(|(_, text)| text.clone())).map(|text| {
                    view! { <p id="notice" class="notice" role="status">{text}</p> }
                })
            }}
            {move || match login.get() {
                // Nobody signed in (after «Выйти», Back lands here too): the sign-in form, back to
                // this page after. The early typing is the first form's only.
                true => pages::login::LoginPage(early.try_update_value(std::mem::take).unwrap_or_default()).into_any(),
                // Until the server has said who is signed in, nothing: the header grows its
                // sections when it does, and a line shown meanwhile would be pushed down (a
                // layout shift); the page itself paints at once after.
                false => ctx.me.get().flatten().map(|me| pages::page(me, ctx.route.get())).into_any(),
            }}
        </main>
    }
}

pub fn page_title(route: &Route, lang: Lang) -> String {
    let t = |ru, en| lang.pick(ru, en).to_string();
    match route {
        Route::Overview => t("Обзор", "Overview"),
        Route::Login { .. } => t("Вход", "Sign in"),
        Route::Tasks { .. } => t("Задачи", "Tasks"),
        Route::NewTask => t("Новая задача", "New task"),
        Route::Task { id } => format!("{} №{id}", lang.pick("Задача", "Task")),
        Route::Reports => t("Отчёты", "Reports"),
        // «Отчёт: ноябрь 2026», as the page's heading names the month.
        Route::Report { period, .. } => {
            format!("{}: {}", lang.pick("Отчёт", "Report"), crate::labels::period(*period, lang))
        }
        Route::Act { period, .. } => format!("{}: {}", lang.pick("Акт", "Act"), crate::labels::period(*period, lang)),
        Route::Invoice { period, .. } => {
            format!("{}: {}", lang.pick("Счёт", "Invoice"), crate::labels::period(*period, lang))
        }
        Route::Consultations => t("Консультации", "Consultations"),
        Route::Instructions { .. } => t("Инструкции", "Instructions"),
        Route::Outbox => t("Неотправленное", "Outbox"),
        Route::Account => t("Учётная запись", "Account"),
        Route::Admin(AdminPage::Orgs) => t("Организации", "Organisations"),
        Route::Admin(AdminPage::Users) => t("Пользователи", "Users"),
        Route::Admin(AdminPage::Tariffs) => t("Тарифы", "Tariffs"),
        Route::Admin(AdminPage::Audit) => t("Журнал изменений", "Audit log"),
        Route::Admin(AdminPage::Seller) => t("Реквизиты исполнителя", "Seller's requisites"),
        Route::NotFound => t("Страница не найдена", "Page not found"),
    }
}

/// When this tab last reloaded to open the staff build (session storage); the staff build clears
/// it as it starts.
const STAFF_APP_TRIED_AT: &str = "hourbank-staff-app-tried";

/// Staff signed in on the client build (the sign-in page is the client's): the page again, which
/// the server now answers with the staff build. Tried at most once in half a minute until that
/// build has started, so a server without it, or the client's page saved for offline use, says
/// so instead of reloading forever.
pub fn open_staff_app() -> AnyView {
    use std::sync::atomic::{AtomicBool, Ordering};
    static RELOADING: AtomicBool = AtomicBool::new(false);
    let ctx = ctx();
    let loading = || view! { <p class="loading" role="status">{ctx.t("Загрузка…", "Loading…")}</p> }.into_any();
    if RELOADING.load(Ordering::Relaxed) {
        return loading();
    }
    let storage = window().session_storage().ok().flatten();
    // Whole milliseconds: formatting and parsing floats would cost the wasm kilobytes.
    let now = js_sys::Date::now() as i64;
    let tried_lately = storage
        .as_ref()
        .and_then(|s| s.get_item(STAFF_APP_TRIED_AT).ok().flatten())
        .and_then(|at| at.parse::<i64>().ok())
        .is_some_and(|at| (0..30_000).contains(&(now - at)));
    if tried_lately || !window().navigator().on_line() {
        return view! {
            <p class="error-box" role="alert">{ctx.t(
                "Страницы сотрудников сейчас не открываются: обновите страницу, когда сервер будет доступен.",
                "The staff pages cannot be opened right now: reload the page once the server can be reached.")}</p>
        }
        .into_any();
    }
    if let Some(storage) = storage {
        let _ = storage.set_item(STAFF_APP_TRIED_AT, &now.to_string());
    }
    RELOADING.store(true, Ordering::Relaxed);
    // After this turn, so that a sign-in's move to the page it was going to comes first.
    let reload = Closure::once_into_js(|| {
        let _ = window().location().reload();
    });
    let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(reload.unchecked_ref(), 0);
    loading()
}

/// The links a role has in the header.
fn nav_for(role: Role) -> Vec<(Route, &'static str, &'static str)> {
    let tasks = Route::Tasks { filter: TaskFilter::default() };
    let mut links = vec![(Route::Overview, "Обзор", "Overview")];
    match role {
        Role::Client => links.extend([
            (tasks, "Задачи", "Tasks"),
            (Route::Reports, "Отчёты", "Reports"),
            (Route::Consultations, "Консультации", "Consultations"),
            (Route::Instructions { q: String::new() }, "Инструкции", "Instructions"),
        ]),
        Role::Analyst | Role::Specialist => links.extend([
            (tasks, "Задачи", "Tasks"),
            (Route::Reports, "Отчёты", "Reports"),
            (Route::Consultations, "Консультации", "Consultations"),
            (Route::Instructions { q: String::new() }, "Инструкции", "Instructions"),
        ]),
        Role::Admin => links.extend([
            (tasks, "Задачи", "Tasks"),
            (Route::Reports, "Отчёты", "Reports"),
            (Route::Admin(AdminPage::Orgs), "Организации", "Organisations"),
            (Route::Admin(AdminPage::Users), "Пользователи", "Users"),
            (Route::Admin(AdminPage::Tariffs), "Тарифы", "Tariffs"),
            (Route::Admin(AdminPage::Audit), "Журнал", "Audit log"),
            (Route::Admin(AdminPage::Seller), "Реквизиты", "Requisites"),
        ]),
        Role::Sales => links.push((Route::Admin(AdminPage::Tariffs), "Тарифы", "Tariffs")),
    }
    links
}

/// Whether `link` is the current section (for `aria-current`).
fn is_current(link: &Route, current: &Route) -> bool {
    use std::mem::discriminant;
    match (link, current) {
        (Route::Tasks { .. }, Route::Task { .. } | Route::NewTask) => true,
        (Route::Reports, Route::Report { .. } | Route::Act { .. } | Route::Invoice { .. }) => true,
        (Route::Admin(a), Route::Admin(b)) => a == b,
        _ => discriminant(link) == discriminant(current),
    }
}

#[component]
fn Header() -> impl IntoView {
    let ctx = ctx();
    let sync = ctx.sync;
    let toggle_lang = move |_| {
        let next = ctx.lang.get_untracked().other();
        i18n::store(next);
        ctx.lang.set(next);
    };
    let sign_out = move |_| {
        spawn_local(async move {
            api::sign_out().await;
            ctx.me.set(Some(None));
            api::set_cache_owner(None);
            ctx.sync.switch_user(None);
            ctx.navigate(Route::Login { next: None });
        });
    };
    let nav = move || {
        // Staff on the client build are on their way to their own (`open_staff_app`).
        let me = ctx.me.get().flatten().filter(|me| cfg!(feature = "staff") || me.role == Role::Client)?;
        let current = ctx.route.get();
        let lang = ctx.lang.get();
        let links = nav_for(me.role)
            .into_iter()
            .map(|(route, ru, en)| {
                let aria = is_current(&route, &current).then_some("page");
                view! { <li><a href=route.href() aria-current=aria>{lang.pick(ru, en)}</a></li> }
            })
            .collect_view();
        let who = crate::labels::who(&me.name, crate::labels::role(me.role, lang));
        Some(view! {
            <nav aria-label=lang.pick("Разделы", "Sections")><ul class="nav">{links}</ul></nav>
            <a class="who" id="account-link" href=Route::Account.href()>{who}</a>
            <button type="button" class="link-button" on:click=sign_out>{lang.pick("Выйти", "Sign out")}</button>
        })
    };
    let status = move || {
        let lang = ctx.lang.get();
        let (waiting, refused) = sync.outbox.with(|o| (o.waiting(), o.refused()));
        let offline = !sync.online.get();
        let mut parts = Vec::new();
        if offline {
            parts.push(lang.pick("Нет связи", "Offline").to_string());
        }
        if waiting > 0 {
            parts.push(format!("{}: {waiting}", lang.pick("ждут отправки", "waiting to send")));
        }
        if refused > 0 {
            parts.push(format!("{}: {refused}", lang.pick("отклонены сервером", "refused by the server")));
        }
        (!parts.is_empty()).then(|| {
            let class = if refused > 0 {
                "sync sync-refused"
            } else if offline {
                "sync sync-offline"
            } else {
                "sync"
            };
            view! { <a class=class href=Route::Outbox.href() id="sync-status">{parts.join(" · ")}</a> }
        })
    };
    // On a phone the header is one row: the name, the sync status and «Меню», which opens the
    // sections and the account links below it (on a wider screen they are all in the row, and
    // the button is hidden). Following a link closes it.
    let menu_open = RwSignal::new(false);
    Effect::new(move |_| {
        ctx.route.track();
        menu_open.set(false);
    });
    let signed_in = move || ctx.me.get().flatten().is_some();
    let header_class = move || match (signed_in(), menu_open.get()) {
        (false, _) => "top portal-top",
        (true, false) => "top portal-top has-menu",
        (true, true) => "top portal-top has-menu open",
    };
    view! {
        <header class=header_class>
            <a class="brand" href="/portal/">"hourbank"</a>
            <button type="button" class="link-button menu-button" id="menu-button" aria-controls="portal-menu"
                aria-expanded=move || if menu_open.get() { "true" } else { "false" }
                on:click=move |_| menu_open.update(|open| *open = !*open)>
                {move || ctx.lang.get().pick("Меню", "Menu")}
            </button>
            <div class="menu-panel" id="portal-menu">
                {nav}
                <a class="calc-link" href="/">{ctx.t("Калькулятор", "Calculator")}</a>
                <button type="button" class="link-button" id="lang-switch" on:click=toggle_lang
                    lang=move || ctx.lang.get().other().code()>
                    {move || ctx.lang.get().switch_label()}
                </button>
            </div>
            <span role="status" aria-live="polite">{status}</span>
        </header>
    }
}
