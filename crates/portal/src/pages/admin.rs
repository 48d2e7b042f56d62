//! Staff administration: organisations, users, tariffs, the audit log; and the sales desk.

use hourbank_domain::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::WriteOutcome;
use crate::app::{ctx, load, show};
use crate::format::{day_text, instant_text};
use crate::model::{AuditList, Me, OrgList, SellerSettings, TariffList, UserList};
use crate::pages::{field_error, form_status, input, send_now, sent_state, Sent};
use crate::route::AdminPage as Page;
use hourbank_domain::format::rubles;

#[allow(non_snake_case)]
pub fn AdminPage(me: Me, page: Page) -> impl IntoView {
    match page {
        Page::Orgs => orgs(me.role).into_any(),
        Page::Users => users(me.role, me.id).into_any(),
        Page::Tariffs => view! { <h1>{ctx().t("Тарифы", "Tariffs")}</h1> {tariffs()} {new_tariff()} }.into_any(),
        Page::Audit => audit().into_any(),
        Page::Seller => requisites().into_any(),
    }
}

/// Sales see the tariffs and the calculator — no client data.
#[allow(non_snake_case)]
pub fn SalesHome() -> impl IntoView {
    let ctx = ctx();
    view! {
        <h1>{ctx.t("Отдел продаж", "Sales")}</h1>
        <p><a href="/" class="button">{ctx.t("Открыть калькулятор тарифов", "Open the tariff calculator")}</a></p>
        {tariffs()}
        {new_tariff()}
    }
}

/// The terms' fields with their labels (the offer's wording) and «Старт»'s values to start from.
const TERMS: [(&str, &str, &str, &str); 6] = [
    ("monthly_fee", "Абонентская плата в месяц, ₽", "Monthly fee, ₽", "20000"),
    ("included_hours", "Включено часов в месяц", "Hours included a month", "10"),
    ("overage_rate", "Стоимость часа сверх тарифа, ₽", "Price of an extra hour, ₽", "2000"),
    ("reserve_cap", "Часов в резерве, не более", "Reserve cap, hours", "10"),
    ("trial_months", "Месяцев без абонентской платы", "Months without the fee", "2"),
    ("trial_rate", "Стоимость часа в эти месяцы, ₽", "Price of an hour in those months, ₽", "2000"),
];

/// A new tariff (admin and sales): its name and terms, checked by the server field by field.
fn new_tariff() -> impl IntoView {
    let ctx = ctx();
    let name = RwSignal::new(String::new());
    let values: Vec<RwSignal<String>> = TERMS.iter().map(|(_, _, _, start)| RwSignal::new(start.to_string())).collect();
    let sent = RwSignal::new(Sent::Idle);
    let known: &'static [&'static str] = &[
        "name",
        "terms.monthly_fee",
        "terms.included_hours",
        "terms.overage_rate",
        "terms.reserve_cap",
        "terms.trial_months",
        "terms.trial_rate",
    ];
    let fields = values.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sent.set(Sent::Sending);
        let terms: serde_json::Map<String, serde_json::Value> = TERMS
            .iter()
            .zip(&fields)
            .map(|((key, ..), value)| {
                let text = value.get_untracked().trim().replace(',', ".").replace(' ', "");
                // Trial months are a count; the rest are decimal strings, as the API takes them.
                let json = match (*key, text.parse::<u32>()) {
                    ("trial_months", Ok(n)) => serde_json::Value::from(n),
                    _ => serde_json::Value::from(text),
                };
                (key.to_string(), json)
            })
            .collect();
        let body = serde_json::json!({ "name": name.get_untracked().trim(), "terms": terms });
        let label = format!("Новый тариф: {}", name.get_untracked().trim());
        spawn_local(async move {
            let outcome = ctx.sync.write(hourbank_api::Write::CreateTariff(body), label).await;
            sent.set(sent_state(&outcome, known));
            if matches!(outcome, WriteOutcome::Done(_)) {
                name.set(String::new());
                ctx.refresh.update(|r| *r += 1);
            }
        });
    };
    let inputs = TERMS
        .iter()
        .zip(values)
        .zip(known[1..].iter())
        .map(|(((key, ru, en, _), value), field)| {
            let id: &'static str = match *key {
                "monthly_fee" => "tariff-monthly_fee",
                "included_hours" => "tariff-included_hours",
                "overage_rate" => "tariff-overage_rate",
                "reserve_cap" => "tariff-reserve_cap",
                "trial_months" => "tariff-trial_months",
                _ => "tariff-trial_rate",
            };
            input(id, ctx.t(ru, en), value, field_error(sent, field), "text")
        })
        .collect_view();
    view! {
        <form class="card" on:submit=submit>
            <h2>{ctx.t("Новый тариф", "New tariff")}</h2>
            {input("tariff-name", ctx.t("Название", "Name"), name, field_error(sent, "name"), "text")}
            <div class="row">{inputs}</div>
            <button type="submit" id="tariff-submit">{ctx.t("Добавить тариф", "Add the tariff")}</button>
            {form_status(sent)}
        </form>
    }
}

fn orgs(role: Role) -> impl IntoView {
    let ctx = ctx();
    let list = load::<OrgList>(|| Some("/orgs".into()));
    view! {
        <h1>{ctx.t("Организации", "Organisations")}</h1>
        {move || show(list, move |l: OrgList| {
            let lang = ctx.lang.get();
            let t = |ru: &'static str, en: &'static str| lang.pick(ru, en);
            view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label=t("Организации", "Organisations")>
                    <table id="orgs">
                        <thead><tr>
                            <th scope="col">{t("Название", "Name")}</th><th scope="col">{t("ИНН", "INN")}</th>
                            <th scope="col">{t("Тариф", "Tariff")}</th><th scope="col">{t("Договор", "Contract")}</th>
                            <th scope="col">{t("НДС", "VAT")}</th><th scope="col">{t("Аналитик", "Analyst")}</th>
                        </tr></thead>
                        <tbody>{l.orgs.into_iter().map(|o| view! {
                            <tr><td>{o.name}</td><td>{o.inn}</td>
                                <td>{format!("«{}»: {} / {}", o.tariff_name, rubles(o.tariff.monthly_fee), lang.hours(o.tariff.included_hours))}</td>
                                <td>{day_text(o.contract_start)} " — " {o.contract_end.map(day_text).unwrap_or_default()}</td>
                                <td>{match (o.vat.mode.as_str(), o.vat.rate.as_deref().unwrap_or_default()) {
                                    ("on_top", r) => format!("{r} % {}", t("сверху", "on top")),
                                    ("included", r) => format!("{r} % {}", t("в т. ч.", "included")),
                                    _ => t("без НДС", "none").to_string(),
                                }}</td>
                                <td>{o.analyst.map(|a| a.name)}</td></tr>
                        }).collect_view()}</tbody>
                    </table>
                </div>
            }
        })}
        {(role == Role::Admin).then(new_org)}
    }
}

fn new_org() -> impl IntoView {
    let ctx = ctx();
    let name = RwSignal::new(String::new());
    let inn = RwSignal::new(String::new());
    let start = RwSignal::new(String::new());
    let end = RwSignal::new(String::new());
    // The seller's VAT option for this client (`shared/domain.md`): none, on top, or included.
    let vat = RwSignal::new("none".to_string());
    let rate = RwSignal::new("22".to_string());
    let analyst = RwSignal::new(String::new());
    let staff = load::<UserList>(|| Some("/users".into()));
    let sent = RwSignal::new(Sent::Idle);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sent.set(Sent::Sending);
        let mut body = serde_json::json!({ "name": name.get_untracked().trim(), "inn": inn.get_untracked().trim(),
            "contract_start": start.get_untracked() });
        if !end.get_untracked().is_empty() {
            body["contract_end"] = end.get_untracked().into();
        }
        if vat.get_untracked() != "none" {
            body["vat"] = serde_json::json!({ "mode": vat.get_untracked(), "rate": rate.get_untracked().trim() });
        }
        if let Ok(id) = analyst.get_untracked().parse::<i64>() {
            body["analyst_id"] = id.into();
        }
        let label = format!("Новая организация: {}", name.get_untracked().trim());
        spawn_local(async move {
            let outcome = ctx.sync.write(hourbank_api::Write::CreateOrg(body), label).await;
            let fields =
                &["name", "inn", "contract_start", "contract_end", "vat", "vat.mode", "vat.rate", "analyst_id"];
            sent.set(sent_state(&outcome, fields));
            if matches!(outcome, WriteOutcome::Done(_)) {
                name.set(String::new());
                inn.set(String::new());
                end.set(String::new());
                ctx.refresh.update(|r| *r += 1);
            }
        });
    };
    view! {
        <form class="card" on:submit=submit>
            <h2>{ctx.t("Новая организация на тарифе «Старт»", "New organisation on «Старт»")}</h2>
            {input("org-name", ctx.t("Название", "Name"), name, field_error(sent, "name"), "text")}
            {input("org-inn", ctx.t("ИНН", "INN"), inn, field_error(sent, "inn"), "text")}
            {input("org-start", ctx.t("Начало договора", "Contract start"), start, field_error(sent, "contract_start"), "date")}
            {input("org-end", ctx.t("Окончание договора (если известно)", "Contract end (if known)"), end, field_error(sent, "contract_end"), "date")}
            <div class="field">
                <label for="org-vat">{ctx.t("НДС", "VAT")}</label>
                <select id="org-vat" aria-describedby="org-vat-error" on:change:target=move |ev| vat.set(ev.target().value())>
                    <option value="none">{ctx.t("Без НДС", "No VAT")}</option>
                    <option value="on_top">{ctx.t("НДС сверх суммы", "VAT on top")}</option>
                    <option value="included">{ctx.t("НДС в том числе", "VAT included")}</option>
                </select>
                <span class="field-error" id="org-vat-error">{move || field_error(sent, "vat").get().or_else(|| field_error(sent, "vat.mode").get())}</span>
            </div>
            {move || (vat.get() != "none").then(|| input("org-vat-rate", ctx.t("Ставка НДС, %", "VAT rate, %"), rate, field_error(sent, "vat.rate"), "text"))}
            <div class="field">
                <label for="org-analyst">{ctx.t("Аналитик", "Analyst")}</label>
                <select id="org-analyst" aria-describedby="org-analyst-error" on:change:target=move |ev| analyst.set(ev.target().value())>
                    <option value="">{ctx.t("— позже —", "— later —")}</option>
                    {move || staff.get().and_then(|s| s.ok()).map(|s| s.value.users.into_iter()
                        .filter(|u| u.role == Role::Analyst && !u.disabled)
                        .map(|u| view! { <option value=u.id.to_string()>{u.name}</option> })
                        .collect_view())}
                </select>
                <span class="field-error" id="org-analyst-error">{field_error(sent, "analyst_id")}</span>
            </div>
            <button type="submit">{ctx.t("Создать", "Create")}</button>
            {form_status(sent)}
        </form>
    }
}

fn users(role: Role, me: i64) -> impl IntoView {
    let ctx = ctx();
    let list = load::<UserList>(|| Some("/users".into()));
    let orgs = load::<OrgList>(|| Some("/orgs".into()));
    let admin = role == Role::Admin;
    view! {
        <h1>{ctx.t("Пользователи", "Users")}</h1>
        {move || {
            let names = super::tasks::org_names(&orgs.get()).unwrap_or_default();
            show(list, move |l: UserList| {
                let lang = ctx.lang.get();
                let t = |ru: &'static str, en: &'static str| lang.pick(ru, en);
                let names = names.clone();
                view! {
                    <div class="table-scroll">
                    <div class="table-wrap" tabindex="0" role="region" aria-label=t("Пользователи", "Users")>
                        <table id="users">
                            <thead><tr><th scope="col">{t("Имя", "Name")}</th><th scope="col">"E-mail"</th>
                                <th scope="col">{t("Роль", "Role")}</th><th scope="col">{t("Организация", "Organisation")}</th>
                                <th scope="col">{t("Вход", "Sign-in")}</th>
                                {admin.then(|| view! { <th scope="col">{t("Действия", "Actions")}</th> })}</tr></thead>
                            <tbody>{l.users.into_iter().map(|u| {
                                let org = u.org_id.map(|id| {
                                    names.iter().find(|(o, _)| *o == id).map_or_else(|| format!("№{id}"), |(_, n)| n.clone())
                                });
                                let status = if u.disabled { t("отключён", "disabled") } else { t("разрешён", "allowed") };
                                view! {
                                    <tr data-user=u.email.clone() class:disabled=u.disabled>
                                        <td>{u.name.clone()}</td><td>{u.email.clone()}</td><td>{crate::labels::role(u.role, lang)}</td>
                                        <td>{org}</td><td class="user-status">{status}</td>
                                        // One's own account: not disabled, and its password changed with the old one.
                                        {admin.then(|| if u.id == me {
                                            view! { <td><a href=crate::route::Route::Account.href()>{t("Это вы: пароль — в учётной записи", "You: your password is in Account")}</a></td> }.into_any()
                                        } else {
                                            view! { <td>{user_actions(u.clone())}</td> }.into_any()
                                        })}
                                    </tr>
                                }
                            }).collect_view()}</tbody>
                        </table>
                    </div>
                    </div>
                }
            })
        }}
        {admin.then(new_user)}
    }
}

/// An admin's actions on a user: disable (every session ends at once) or enable, and set a new
/// password — each confirmed first, each sent at once (a password never waits in the browser).
fn user_actions(user: crate::model::User) -> impl IntoView {
    let ctx = ctx();
    // What the admin is about to do: nothing, disable/enable, or a new password.
    let asking = RwSignal::new(None::<&'static str>);
    let password = RwSignal::new(String::new());
    let sent = RwSignal::new(Sent::Idle);
    let id = user.id;
    let disable = !user.disabled;
    let send = move |path: String, body: String, fields: &'static [&'static str]| {
        sent.set(Sent::Sending);
        spawn_local(async move {
            let Some(outcome) = send_now(
                ctx,
                "PUT",
                &path,
                &body,
                ("Нет связи: ничего не изменено.", "No connection: nothing changed."),
            )
            .await
            else {
                return;
            };
            sent.set(sent_state(&outcome, fields));
            if matches!(outcome, WriteOutcome::Done(_)) {
                asking.set(None);
                password.set(String::new());
                ctx.refresh.update(|r| *r += 1);
            }
        });
    };
    let confirm_access = move |_| {
        let state = hourbank_api::accounts::SetDisabled { disabled: disable };
        send(format!("/users/{id}/disabled"), crate::api::body(&state), &["disabled"]);
    };
    let set_password = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(
            format!("/users/{id}/password"),
            crate::api::body(&hourbank_api::accounts::NewPassword { password: password.get_untracked() }),
            &["password"],
        );
    };
    let field = format!("user-{id}-password");
    view! {
        <div class="user-actions">
            <button type="button" class="secondary" on:click=move |_| asking.set(Some("access"))>
                {move || if disable { ctx.t("Отключить", "Disable") } else { ctx.t("Включить", "Enable") }}
            </button>
            <button type="button" class="secondary" on:click=move |_| asking.set(Some("password"))>
                {ctx.t("Новый пароль", "New password")}
            </button>
            {move || match asking.get() {
                Some("access") => Some(view! {
                    <p role="alert">{if disable {
                        ctx.t("Все сеансы пользователя завершатся сразу, войти он не сможет, пока его не включат.",
                              "Every session of the user ends at once; they cannot sign in until enabled again.")
                    } else {
                        ctx.t("Пользователь снова сможет войти.", "The user will be able to sign in again.")
                    }}</p>
                    <button type="button" class="confirm-access" on:click=confirm_access>
                        {if disable { ctx.t("Да, отключить", "Yes, disable") } else { ctx.t("Да, включить", "Yes, enable") }}
                    </button>
                    <button type="button" class="secondary" on:click=move |_| asking.set(None)>{ctx.t("Отмена", "Cancel")}</button>
                }.into_any()),
                Some(_) => Some(view! {
                    <form on:submit=set_password>
                        {input(field.clone(), ctx.t("Новый пароль (не короче 10 символов); сеансы пользователя завершатся",
                            "New password (10 characters or more); the user's sessions end"), password, field_error(sent, "password"), "password")}
                        <button type="submit" class="confirm-password">{ctx.t("Задать пароль", "Set the password")}</button>
                        <button type="button" class="secondary" on:click=move |_| asking.set(None)>{ctx.t("Отмена", "Cancel")}</button>
                    </form>
                }.into_any()),
                None => None,
            }}
            {form_status(sent)}
        </div>
    }
}

fn new_user() -> impl IntoView {
    let ctx = ctx();
    let orgs = load::<OrgList>(|| Some("/orgs".into()));
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new("client".to_string());
    let org = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let sent = RwSignal::new(Sent::Idle);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let org_id: Option<i64> = org.get_untracked().trim().parse().ok();
        let form = serde_json::json!({ "email": email.get_untracked().trim(), "name": name.get_untracked().trim(),
            "role": role.get_untracked(), "org_id": org_id, "password": password.get_untracked() });
        let known = &["email", "name", "role", "org_id", "password"];
        // Checked here as the server checks it, then sent as its type (an e-mail already taken is
        // the server's to say).
        let user = match hourbank_api::request::read::<hourbank_api::admin::NewUser>(&form) {
            Ok(user) => user,
            Err(invalid) => {
                return sent.set(sent_state(&crate::api::refused_here(&invalid), known));
            }
        };
        sent.set(Sent::Sending);
        let body = crate::api::body(&user);
        spawn_local(async move {
            let Some(outcome) = send_now(
                ctx,
                "POST",
                "/users",
                &body,
                ("Нет связи: пользователь не создан.", "No connection: the user was not created."),
            )
            .await
            else {
                return;
            };
            sent.set(sent_state(&outcome, known));
            if matches!(outcome, WriteOutcome::Done(_)) {
                email.set(String::new());
                password.set(String::new());
                ctx.refresh.update(|r| *r += 1);
            }
        });
    };
    view! {
        <form class="card" on:submit=submit>
            <h2>{ctx.t("Новый пользователь", "New user")}</h2>
            {input("user-email", || "E-mail", email, field_error(sent, "email"), "email")}
            {input("user-name", ctx.t("Имя", "Name"), name, field_error(sent, "name"), "text")}
            <div class="field">
                <label for="user-role">{ctx.t("Роль", "Role")}</label>
                <select id="user-role" on:change:target=move |ev| role.set(ev.target().value())>
                    {[Role::Client, Role::Analyst, Role::Specialist, Role::Admin, Role::Sales].into_iter().map(|r| view! {
                        <option value=r.as_str()>{move || crate::labels::role(r, ctx.lang.get())}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="user-org">{ctx.t("Организация (для клиента)", "Organisation (for a client)")}</label>
                <select id="user-org" aria-describedby="user-org-error" on:change:target=move |ev| org.set(ev.target().value())>
                    <option value="">{ctx.t("— нет —", "— none —")}</option>
                    {move || orgs.get().and_then(|o| o.ok()).map(|o| o.value.orgs.into_iter().map(|o| view! {
                        <option value=o.id.to_string()>{format!("{} (ИНН {})", o.name, o.inn)}</option>
                    }).collect_view())}
                </select>
                <span class="field-error" id="user-org-error">{field_error(sent, "org_id")}</span>
            </div>
            {input("user-password", ctx.t("Пароль", "Password"), password, field_error(sent, "password"), "password")}
            <button type="submit">{ctx.t("Создать", "Create")}</button>
            {form_status(sent)}
        </form>
    }
}

fn tariffs() -> impl IntoView {
    let ctx = ctx();
    let list = load::<TariffList>(|| Some("/tariffs".into()));
    // The tariff being taken off the catalogue, asked about first (the catalogue is public).
    let removing = RwSignal::new(None::<(i64, String)>);
    let sent = RwSignal::new(Sent::Idle);
    let remove = move |_| {
        let Some((id, name)) = removing.get_untracked() else { return };
        sent.set(Sent::Sending);
        spawn_local(async move {
            let label = format!("Убрать тариф «{name}»");
            let outcome = ctx.sync.write(hourbank_api::Write::RemoveTariff { id }, label).await;
            sent.set(sent_state(&outcome, &[]));
            if matches!(outcome, WriteOutcome::Done(_)) {
                removing.set(None);
                ctx.refresh.update(|r| *r += 1);
            }
        });
    };
    let confirm = move || {
        removing.get().map(|(_, name)| {
            let lang = ctx.lang.get();
            let text = match lang {
                crate::i18n::Lang::Ru => format!(
                    "Убрать «{name}» из каталога? Калькулятор перестанет его предлагать; организации на этом тарифе сохранят свои условия."
                ),
                crate::i18n::Lang::En => format!(
                    "Take «{name}» off the catalogue? The calculator stops offering it; organisations on it keep their terms."
                ),
            };
            view! {
                <div class="preview" id="remove-tariff-confirm" role="alert">
                    <p><strong>{text}</strong></p>
                    <p class="buttons">
                        <button type="button" class="primary" id="remove-tariff-yes" on:click=remove>{lang.pick("Убрать", "Remove")}</button>
                        <button type="button" class="secondary" on:click=move |_| removing.set(None)>{lang.pick("Не сейчас", "Not now")}</button>
                    </p>
                </div>
            }
        })
    };
    view! {
        <h2>{ctx.t("Каталог тарифов (его видит калькулятор)", "The tariff catalogue (the calculator shows it)")}</h2>
        {confirm}
        {form_status(sent)}
        {move || show(list, move |l: TariffList| {
            let lang = ctx.lang.get();
            let t = |ru: &'static str, en: &'static str| lang.pick(ru, en);
            view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label=t("Тарифы", "Tariffs")>
                    <table id="tariffs">
                        <thead><tr>
                            <th scope="col">{t("Тариф", "Tariff")}</th>
                            <th scope="col" class="num">{t("Абонентская плата", "Monthly fee")}</th>
                            <th scope="col" class="num">{t("Часов включено", "Included hours")}</th>
                            <th scope="col" class="num">{t("Час сверх тарифа", "Extra hour")}</th>
                            <th scope="col" class="num">{t("Резерв до", "Reserve cap")}</th>
                            <th scope="col" class="num">{t("Пробных месяцев", "Trial months")}</th>
                            <th scope="col" class="num">{t("Час в пробный период", "Trial hour")}</th>
                            <th scope="col"><span class="visually-hidden">{t("Действия", "Actions")}</span></th>
                        </tr></thead>
                        <tbody>{l.tariffs.into_iter().map(|tariff| view! {
                            <tr><td>{tariff.name.clone()}</td>
                                <td class="num">{rubles(tariff.terms.monthly_fee)}</td>
                                <td class="num">{lang.hours(tariff.terms.included_hours)}</td>
                                <td class="num">{rubles(tariff.terms.overage_rate)}</td>
                                <td class="num">{lang.hours(tariff.terms.reserve_cap)}</td>
                                <td class="num">{tariff.terms.trial_months}</td>
                                <td class="num">{rubles(tariff.terms.trial_rate)}</td>
                                <td>{tariff.id.map(|id| {
                                    let name = tariff.name.clone();
                                    view! {
                                        <button type="button" class="secondary remove-tariff" data-tariff=id
                                            on:click=move |_| removing.set(Some((id, name.clone())))>
                                            {t("Убрать", "Remove")}
                                        </button>
                                    }
                                })}</td></tr>
                        }).collect_view()}</tbody>
                    </table>
                </div>
            }
        })}
    }
}

fn audit() -> impl IntoView {
    let ctx = ctx();
    let list = load::<AuditList>(|| Some("/audit?limit=200".into()));
    view! {
        <h1>{ctx.t("Журнал изменений", "Audit log")}</h1>
        {move || show(list, move |l: AuditList| {
            let lang = ctx.lang.get();
            let t = |ru: &'static str, en: &'static str| lang.pick(ru, en);
            view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label=t("Журнал изменений", "Audit log")>
                    <table id="audit">
                        <thead><tr><th scope="col">{t("Когда", "When")}</th><th scope="col">{t("Кто", "Who")}</th>
                            <th scope="col">{t("Что", "What")}</th><th scope="col">{t("Что изменилось", "What changed")}</th></tr></thead>
                        <tbody>{l.entries.into_iter().map(|e| {
                            let changes = crate::labels::audit_changes(&e.entity, e.before.as_ref(), e.after.as_ref(), lang);
                            view! {
                            <tr><td>{instant_text(&e.at)}</td>
                                <td>{e.user_name.clone().unwrap_or_else(|| match e.user_id {
                                        Some(u) => format!("{} {u}", t("пользователь", "user")),
                                        None => t("система", "system").to_string(),
                                    })}
                                    {e.org_name.clone().map(|o| format!(" ({o})"))}</td>
                                <td>{crate::labels::audit_what(&e.action, &e.entity, e.entity_id, lang)}</td>
                                <td><ul class="changes">{changes.into_iter().map(|(field, before, after)| view! {
                                    <li>{(!field.is_empty()).then(|| view! { <span class="field-name">{field}</span> ": " })}
                                        <del>{before}</del> " → " <ins>{after}</ins></li>
                                }).collect_view()}</ul></td></tr>
                        }}).collect_view()}</tbody>
                    </table>
                </div>
            }
        })}
    }
}

/// The seller's requisites, printed on every act and invoice, and the buyers' КПП and address.
fn requisites() -> impl IntoView {
    let ctx = ctx();
    let current = load::<SellerSettings>(|| Some("/settings/seller".into()));
    view! {
        <h1>{ctx.t("Реквизиты для актов и счетов", "Requisites for acts and invoices")}</h1>
        {move || show(current, |s: SellerSettings| seller_form(s))}
        {buyer_form()}
    }
}

const SELLER_FIELDS: [(&str, &str, &str, &str); 10] = [
    ("name", "seller-name", "Наименование исполнителя", "Seller's name"),
    ("inn", "seller-inn", "ИНН", "INN"),
    ("kpp", "seller-kpp", "КПП", "KPP"),
    ("address", "seller-address", "Адрес", "Address"),
    ("bank_name", "seller-bank", "Банк", "Bank"),
    ("bik", "seller-bik", "БИК", "BIK"),
    ("account", "seller-account", "Расчётный счёт", "Settlement account"),
    ("corr_account", "seller-corr", "Корреспондентский счёт", "Correspondent account"),
    ("phone", "seller-phone", "Телефон для клиентов (необязательно)", "Phone for prospects (optional)"),
    ("email", "seller-email", "Почта для заявок (необязательно)", "E-mail for requests (optional)"),
];

fn seller_form(current: SellerSettings) -> impl IntoView {
    let ctx = ctx();
    let value = |field: &str| -> String {
        match field {
            "phone" => return current.contacts.phone.clone().unwrap_or_default(),
            "email" => return current.contacts.email.clone().unwrap_or_default(),
            _ => {}
        }
        let Some(p) = &current.seller else { return String::new() };
        let bank = p.bank.as_ref();
        match field {
            "name" => p.name.clone(),
            "inn" => p.inn.clone(),
            "kpp" => p.kpp.clone().unwrap_or_default(),
            "address" => p.address.clone(),
            "bank_name" => bank.map(|b| b.name.clone()).unwrap_or_default(),
            "bik" => bank.map(|b| b.bik.clone()).unwrap_or_default(),
            "account" => bank.map(|b| b.account.clone()).unwrap_or_default(),
            _ => bank.map(|b| b.corr_account.clone()).unwrap_or_default(),
        }
    };
    let signals: Vec<RwSignal<String>> = SELLER_FIELDS.iter().map(|(f, ..)| RwSignal::new(value(f))).collect();
    let sent = RwSignal::new(Sent::Idle);
    let fields = signals.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form: serde_json::Map<String, serde_json::Value> = SELLER_FIELDS
            .iter()
            .zip(&fields)
            .map(|((f, ..), v)| (f.to_string(), serde_json::Value::String(v.get_untracked().trim().to_string())))
            .collect();
        let known = SELLER_FIELDS.map(|(f, ..)| f);
        // Checked here, check digits included, as the server checks it; then sent as its type.
        let change = match hourbank_api::request::read::<hourbank_api::documents::SellerChange>(&form.into()) {
            Ok(change) => change,
            Err(invalid) => {
                return sent.set(sent_state(&crate::api::refused_here(&invalid), &known));
            }
        };
        sent.set(Sent::Sending);
        spawn_local(async move {
            let outcome = ctx.sync.write(hourbank_api::Write::SetSeller(change), "Реквизиты исполнителя".into()).await;
            sent.set(sent_state(&outcome, &known));
            if matches!(outcome, WriteOutcome::Done(_)) {
                ctx.refresh.update(|r| *r += 1);
            }
        });
    };
    view! {
        <form class="card" id="seller-form" on:submit=submit>
            <h2>{ctx.t("Исполнитель", "Seller")}</h2>
            {SELLER_FIELDS.iter().zip(signals).map(|((field, id, ru, en), signal)| {
                let (ru, en) = (*ru, *en);
                // A phone keypad for the phone; the e-mail stays "text" so the server's message,
                // not the browser's, names a bad address.
                let kind = if *field == "phone" { "tel" } else { "text" };
                input(*id, move || ctx.lang.get().pick(ru, en), signal, field_error(sent, field), kind)
            }).collect_view()}
            <button type="submit" id="seller-submit">{ctx.t("Сохранить реквизиты", "Save the requisites")}</button>
            {form_status(sent)}
        </form>
    }
}

/// The buyer's КПП and address, per organisation.
fn buyer_form() -> impl IntoView {
    let ctx = ctx();
    let orgs = load::<OrgList>(|| Some("/orgs".into()));
    let org = RwSignal::new(String::new());
    let kpp = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let sent = RwSignal::new(Sent::Idle);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(id) = org.get_untracked().parse::<i64>() else { return };
        sent.set(Sent::Sending);
        let kpp_text = kpp.get_untracked().trim().to_string();
        let requisites = hourbank_api::orgs::BuyerRequisites {
            kpp: (!kpp_text.is_empty()).then_some(kpp_text),
            address: address.get_untracked().trim().to_string(),
        };
        spawn_local(async move {
            let write = hourbank_api::Write::SetRequisites { org: id, requisites };
            let outcome = ctx.sync.write(write, "Реквизиты заказчика".into()).await;
            sent.set(sent_state(&outcome, &["kpp", "address"]));
            if matches!(outcome, WriteOutcome::Done(_)) {
                ctx.refresh.update(|r| *r += 1);
            }
        });
    };
    let choose = move |id: String| {
        let found = orgs
            .get_untracked()
            .and_then(|o| o.ok())
            .and_then(|o| o.value.orgs.into_iter().find(|o| o.id.to_string() == id));
        kpp.set(found.as_ref().and_then(|o| o.kpp.clone()).unwrap_or_default());
        address.set(found.map(|o| o.address).unwrap_or_default());
        org.set(id);
    };
    view! {
        <form class="card" id="buyer-form" on:submit=submit>
            <h2>{ctx.t("Заказчики", "Buyers")}</h2>
            <div class="field">
                <label for="buyer-org">{ctx.t("Организация", "Organisation")}</label>
                <select id="buyer-org" on:change:target=move |ev| choose(ev.target().value())>
                    <option value="">{ctx.t("выберите", "choose")}</option>
                    {crate::pages::org_options(orgs)}
                </select>
            </div>
            {input("buyer-kpp", ctx.t("КПП", "KPP"), kpp, field_error(sent, "kpp"), "text")}
            {input("buyer-address", ctx.t("Адрес", "Address"), address, field_error(sent, "address"), "text")}
            <button type="submit" id="buyer-submit">{ctx.t("Сохранить", "Save")}</button>
            {form_status(sent)}
        </form>
    }
}
