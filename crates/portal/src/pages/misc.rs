//! Consultations, instructions, and the outbox of writes made offline.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::WriteOutcome;
use crate::app::{ctx, load, show};
use crate::format::instant_text;
use crate::model::{ConsultationList, InstructionList, Me};
use crate::outbox::WriteState;
use crate::pages::reports::consultation_table;
use crate::pages::{field_error, form_status, input, send_now, sent_state, Sent};
use crate::route::Route;
use hourbank_api::Write;
#[cfg(feature = "staff")]
use {
    crate::labels,
    crate::model::{Org, OrgList},
    crate::pages::textarea,
    hourbank_domain::Role,
};

#[allow(non_snake_case)]
pub fn Consultations(me: Me) -> impl IntoView {
    let ctx = ctx();
    let org = RwSignal::new(None::<i64>);
    let list = load::<ConsultationList>(move || {
        Some(match org.get() {
            Some(org) => format!("/consultations?org={org}"),
            None => "/consultations".into(),
        })
    });
    // (Only staff's part of the page asks who is signed in.)
    #[cfg(not(feature = "staff"))]
    let _ = me;
    // Staff pick an organisation, and see whose each consultation is when they pick none.
    #[cfg(feature = "staff")]
    let orgs = load::<OrgList>(move || (me.role != Role::Client).then(|| "/orgs".into()));
    view! {
        <h1>{ctx.t("Консультации", "Consultations")}</h1>
        {staff_only!((me.role != Role::Client).then(|| staff_part(org, orgs)))}
        {move || show(list, move |l: ConsultationList| view! {
            {
                #[cfg(feature = "staff")]
                let names = org.get().is_none().then(|| crate::pages::tasks::org_names(&orgs.get())).flatten();
                #[cfg(not(feature = "staff"))]
                let names: Option<Vec<(i64, String)>> = None;
                consultation_table(&l.consultations, ctx.lang.get(), names.as_deref())
            }
            {l.next_before.is_some().then(|| view! { <p class="hint" id="consultations-more">{ctx.t(
                "Показаны 100 последних консультаций; все за месяц — в CSV его отчёта.",
                "The 100 latest consultations are shown; a month's report lists all of its own in its CSV.")}</p> })}
        })}
    }
}

/// Staff choose whose consultations they see, and record one for the organisation chosen.
#[cfg(feature = "staff")]
fn staff_part(org: RwSignal<Option<i64>>, orgs: crate::app::Loaded<OrgList>) -> impl IntoView {
    let ctx = ctx();
    // A memo, so the list read again after every write (the same organisation) keeps the form and
    // its «записана» rather than drawing a fresh one.
    let chosen = Memo::new(move |_| {
        let id = org.get()?;
        orgs.get()?.ok()?.value.orgs.into_iter().find(|o| o.id == id)
    });
    view! {
        <div class="field">
            <label for="consultation-org">{ctx.t("Организация", "Organisation")}</label>
            <select id="consultation-org" on:change:target=move |ev| org.set(ev.target().value().parse().ok())>
                <option value="">{ctx.t("все", "all")}</option>
                {crate::pages::org_options(orgs)}
            </select>
        </div>
        {move || chosen.get().map(new_consultation)}
    }
}

#[cfg(feature = "staff")]
fn new_consultation(org: Org) -> impl IntoView {
    let ctx = ctx();
    let org_id = org.id;
    let channel = RwSignal::new("phone".to_string());
    let date = RwSignal::new(crate::pages::task::today());
    let duration = RwSignal::new(String::new());
    let topic = RwSignal::new(String::new());
    // Consultations are unlimited: billable only when staff decide so, and never in the trial.
    let billable = RwSignal::new(false);
    let org = StoredValue::new(org);
    let trial = Memo::new(move |_| org.with_value(|o| crate::billing::in_trial(o, &date.get())));
    let sent = RwSignal::new(Sent::Idle);
    // Said once it is stored: the form empties, and the list may not show it (another month's).
    let saved = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let form = serde_json::json!({
            "org_id": org_id, "channel": channel.get_untracked(), "date": date.get_untracked(),
            "duration": duration.get_untracked().trim().replace(',', "."), "topic": topic.get_untracked().trim(),
            "billable": billable.get_untracked() && !trial.get_untracked(),
        });
        let known = &["channel", "date", "duration", "topic", "billable"];
        // Checked here as the server checks the body itself (the contract's dates are the server's).
        let consultation = match hourbank_api::request::read::<hourbank_api::consultations::NewConsultation>(&form) {
            Ok(consultation) => consultation,
            Err(invalid) => {
                return sent.set(sent_state(&crate::api::refused_here(&invalid), known));
            }
        };
        sent.set(Sent::Sending);
        let label = format!("Консультация: {}", consultation.topic);
        spawn_local(async move {
            let outcome = crate::api::consultations::log(ctx.sync, consultation, label).await;
            sent.set(sent_state(&outcome, known));
            if matches!(outcome, WriteOutcome::Done(_)) {
                topic.set(String::new());
                duration.set(String::new());
                saved.set(true);
                ctx.refresh.update(|r| *r += 1);
            }
        });
    };
    view! {
        <form class="card" on:submit=submit>
            <h2>{ctx.t("Записать консультацию", "Record a consultation")}</h2>
            <div class="field">
                <label for="consultation-channel">{ctx.t("Канал", "Channel")}</label>
                <select id="consultation-channel" on:change:target=move |ev| channel.set(ev.target().value())>
                    {labels::CHANNELS.into_iter().map(|c| view! {
                        <option value=c>{move || labels::channel(c, ctx.lang.get())}</option>
                    }).collect_view()}
                </select>
            </div>
            {input("consultation-date", ctx.t("Дата", "Date"), date, field_error(sent, "date"), "date")}
            {input("consultation-duration", ctx.t("Длительность, часов", "Duration, hours"), duration, field_error(sent, "duration"), "text")}
            {textarea("consultation-topic", ctx.t("Тема", "Topic"), topic, field_error(sent, "topic"))}
            <div class="field checkbox">
                <input id="consultation-billable" type="checkbox" prop:checked=move || billable.get() && !trial.get()
                    prop:disabled=move || trial.get() aria-describedby="consultation-billable-why"
                    on:change:target=move |ev| billable.set(ev.target().checked()) />
                <label for="consultation-billable">{ctx.t("Оплачивается", "Billable")}</label>
                <p id="consultation-billable-why" class="hint">{move || if trial.get() {
                    ctx.t("В пробный период консультации не оплачиваются: оплата только за закрытые задачи.",
                          "Consultations are not billed in the trial: only closed tasks are paid for.")
                } else {
                    ctx.t("Консультации безлимитные; отметьте, только если эта должна войти в счёт.",
                          "Consultations are unlimited; tick only if this one is to be billed.")
                }}</p>
                <span class="field-error" id="consultation-billable-error">{field_error(sent, "billable")}</span>
            </div>
            <button type="submit">{ctx.t("Записать", "Record")}</button>
            {form_status(sent)}
            {move || saved.get().then(|| view! {
                <p class="notice" role="status" id="consultation-saved">{ctx.t("Консультация записана.", "The consultation is recorded.")}</p>
            })}
        </form>
    }
}

#[allow(non_snake_case)]
pub fn Instructions(q: String) -> impl IntoView {
    let ctx = ctx();
    let query = RwSignal::new(q.clone());
    let path = if q.trim().is_empty() {
        "/instructions".to_string()
    } else {
        format!("/instructions?q={}", crate::route::encode_component(q.trim()))
    };
    let list = load::<InstructionList>(move || Some(path.clone()));
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        ctx.navigate(Route::Instructions { q: query.get_untracked().trim().to_string() });
    };
    view! {
        <h1>{ctx.t("Инструкции", "Instructions")}</h1>
        <form role="search" class="filters" on:submit=search>
            <div class="field">
                <label for="instructions-q">{ctx.t("Поиск по инструкциям", "Search the instructions")}</label>
                <input id="instructions-q" type="search" prop:value=query on:input:target=move |ev| query.set(ev.target().value()) />
            </div>
            <button type="submit">{ctx.t("Найти", "Search")}</button>
        </form>
        {move || show(list, move |l: InstructionList| {
            let lang = ctx.lang.get();
            if l.instructions.is_empty() {
                return view! { <p>{lang.pick("Ничего не нашлось.", "Nothing found.")}</p> }.into_any();
            }
            let more = l.next_before.is_some().then(|| view! { <p class="hint" id="instructions-more">{lang.pick(
                "Показаны 100 самых новых; уточните поиск, чтобы найти остальные.",
                "The 100 newest are shown; narrow the search to find the rest.")}</p> });
            let articles = l.instructions.into_iter().map(|i| view! {
                <article class="instruction">
                    <h2>{i.title}</h2>
                    <p class="meta">
                        <a href=Route::Task { id: i.task_id }.href()>{i.task_title.clone()}</a> ", "
                        {i.author_name} ", " {instant_text(&i.created_at)}
                    </p>
                    // Sanitised by the server (ammonia).
                    <div class="markdown" inner_html=i.html></div>
                </article>
            }).collect_view();
            view! { {articles} {more} }.into_any()
        })}
    }
}

/// Writes made offline: waiting ones in order, refused ones with the server's message, to fix
/// (their text fields are editable) or discard.
#[allow(non_snake_case)]
pub fn OutboxPage() -> impl IntoView {
    let ctx = ctx();
    let sync = ctx.sync;
    let send_now = move |_| {
        spawn_local(async move {
            sync.drain().await;
            ctx.refresh.update(|r| *r += 1);
        });
    };
    view! {
        <h1>{ctx.t("Неотправленное", "Outbox")}</h1>
        {move || sync.damaged.get().map(|reason| view! {
            <p class="error-box" role="alert">
                {ctx.t("Сохранённая очередь не читается; она отложена в хранилище браузера под ключом hourbank.outbox.damaged: ",
                    "The saved queue could not be read; it was kept aside in the browser's storage as hourbank.outbox.damaged: ")}
                {reason}
            </p>
        })}
        <p>{ctx.t("Изменения, сделанные без связи, отправляются по порядку, как только связь появится.",
            "Changes made offline are sent in order as soon as the connection returns.")}</p>
        <button type="button" id="outbox-send" on:click=send_now>{ctx.t("Отправить сейчас", "Send now")}</button>
        {move || {
            let lang = ctx.lang.get();
            let entries = sync.outbox.get().entries;
            if entries.is_empty() {
                return view! { <p id="outbox-empty">{lang.pick("Всё отправлено.", "Everything has been sent.")}</p> }.into_any();
            }
            view! {
                <ol class="outbox" id="outbox">
                    {entries.into_iter().map(|w| {
                        let key = w.key.clone();
                        let discard_key = key.clone();
                        let discard = move |_| sync.update(|o| o.discard(&discard_key));
                        match w.state {
                            WriteState::Waiting => view! {
                                <li class="waiting">{w.label} " — " {lang.pick("ждёт отправки", "waiting")}
                                    " (" {instant_text(&w.made_at)} ")"</li>
                            }.into_any(),
                            WriteState::Refused { status, message } => {
                                let fields = editable_fields(&w.write);
                                let edited = RwSignal::new(fields.clone());
                                // A fix the portal can already see is wrong stays on the page.
                                let invalid = RwSignal::new(None::<String>);
                                let write = w.write.clone();
                                let retry = move |_| match apply_edits(&write, &edited.get_untracked()) {
                                    Ok(fixed) => {
                                        invalid.set(None);
                                        sync.update(|o| o.retry(&key, fixed));
                                        spawn_local(async move { sync.drain().await; ctx.refresh.update(|r| *r += 1); });
                                    }
                                    Err(problems) => {
                                        let russian = ctx.lang.get_untracked() == crate::i18n::Lang::Ru;
                                        let text = problems.0.iter().map(|e| {
                                            format!("{}: {}", e.field, if russian { e.problem.ru() } else { e.problem.to_string() })
                                        });
                                        invalid.set(Some(text.collect::<Vec<_>>().join("; ")));
                                    }
                                };
                                view! {
                                    <li class="refused">
                                        <p>{w.label} " — " <strong>{lang.pick("отклонено сервером", "refused by the server")}</strong>
                                            " (" {status} "): " <span class="refusal">{message}</span></p>
                                        {fields.into_iter().enumerate().map(|(i, (name, _))| {
                                            let id = format!("outbox-{}-{name}", w.key);
                                            view! {
                                                <div class="field">
                                                    <label for=id.clone()>{name.clone()}</label>
                                                    <input id=id type="text" prop:value=move || edited.with(|e| e[i].1.clone())
                                                        on:input:target=move |ev| edited.update(|e| e[i].1 = ev.target().value()) />
                                                </div>
                                            }
                                        }).collect_view()}
                                        {move || invalid.get().map(|text| view! { <p class="error-box" role="alert">{text}</p> })}
                                        <button type="button" on:click=retry>{lang.pick("Исправить и отправить", "Fix and send")}</button>
                                        " " <button type="button" class="secondary" on:click=discard>{lang.pick("Отказаться", "Discard")}</button>
                                    </li>
                                }.into_any()
                            }
                        }
                    }).collect_view()}
                </ol>
            }.into_any()
        }}
    }
}

/// The text fields of a write's body, in order, for the user to fix.
fn editable_fields(write: &Write) -> Vec<(String, String)> {
    match write.body() {
        serde_json::Value::Object(map) => {
            map.into_iter().filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string()))).collect()
        }
        _ => Vec::new(),
    }
}

/// The write with the edited text fields, checked as the server checks it: `None` when nothing
/// changed; every problem, each named, when the fix does not read.
fn apply_edits(write: &Write, edits: &[(String, String)]) -> Result<Option<Write>, hourbank_api::Invalid> {
    let mut body = write.body();
    let Some(map) = body.as_object_mut() else { return Ok(None) };
    for (k, v) in edits {
        map.insert(k.clone(), serde_json::Value::String(v.clone()));
    }
    match Write::from_parts(write.method(), &write.path(), &body) {
        Ok(fixed) if fixed == *write => Ok(None),
        Ok(fixed) => Ok(Some(fixed)),
        Err(invalid) => Err(invalid),
    }
}

/// One's own account: change the password (the old one required; every other session ends) and
/// see and end one's sessions (a phone left signed in somewhere).
#[allow(non_snake_case)]
pub fn AccountPage() -> impl IntoView {
    let ctx = ctx();
    let sessions = load::<crate::model::SessionList>(|| Some("/me/sessions".into()));
    let old = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let sent = RwSignal::new(Sent::Idle);
    let change = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sent.set(Sent::Sending);
        let change = hourbank_api::accounts::PasswordChange {
            old_password: old.get_untracked(),
            new_password: new.get_untracked(),
        };
        let body = crate::api::body(&change);
        spawn_local(async move {
            let Some(outcome) = send_now(
                ctx,
                "PUT",
                "/me/password",
                &body,
                ("Нет связи: пароль не изменён.", "No connection: the password is unchanged."),
            )
            .await
            else {
                return;
            };
            sent.set(sent_state(&outcome, &["old_password", "new_password"]));
            if matches!(outcome, WriteOutcome::Done(_)) {
                old.set(String::new());
                new.set(String::new());
                ctx.refresh.update(|r| *r += 1);
            }
        });
    };
    let end = move |id: String| {
        spawn_local(async move {
            let outcome = ctx.sync.write(Write::EndSession { id }, "Завершить сеанс".into()).await;
            if matches!(outcome, WriteOutcome::Done(_)) {
                ctx.refresh.update(|r| *r += 1);
            }
        });
    };
    view! {
        <h1>{ctx.t("Учётная запись", "Account")}</h1>
        <form class="card" id="password-form" on:submit=change>
            <h2>{ctx.t("Сменить пароль", "Change the password")}</h2>
            {input("old-password", ctx.t("Текущий пароль", "Current password"), old, field_error(sent, "old_password"), "password")}
            {input("new-password", ctx.t("Новый пароль (не короче 10 символов)", "New password (10 characters or more)"), new,
                field_error(sent, "new_password"), "password")}
            <button type="submit" id="password-submit">{ctx.t("Сменить пароль", "Change the password")}</button>
            <p class="hint">{ctx.t("Все другие сеансы будут завершены.", "Every other session ends.")}</p>
            {form_status(sent)}
        </form>
        <section aria-labelledby="sessions-h">
            <h2 id="sessions-h">{ctx.t("Сеансы", "Sessions")}</h2>
            {move || show(sessions, move |l: crate::model::SessionList| {
                let lang = ctx.lang.get();
                let t = |ru: &'static str, en: &'static str| lang.pick(ru, en);
                view! {
                    <div class="table-wrap" role="region" tabindex="0" aria-label=t("Таблица сеансов", "Sessions table")>
                    <table id="sessions">
                        <thead><tr><th scope="col">{t("Вход", "Signed in")}</th><th scope="col">{t("Последний раз", "Last used")}</th>
                            <th scope="col">{t("Адрес", "Address")}</th><th scope="col">{t("Действие", "Action")}</th></tr></thead>
                        <tbody>{l.sessions.into_iter().map(|s| {
                            let id = s.id.clone();
                            view! {
                                <tr><td>{instant_text(&s.created_at)}</td><td>{instant_text(&s.last_seen)}</td><td>{s.address.clone()}</td>
                                    <td>{if s.current {
                                        view! { <span>{t("этот сеанс", "this session")}</span> }.into_any()
                                    } else {
                                        view! { <button type="button" class="secondary" on:click=move |_| end(id.clone())>{t("Завершить", "End")}</button> }.into_any()
                                    }}</td></tr>
                            }
                        }).collect_view()}</tbody>
                    </table>
                    </div>
                }
            })}
        </section>
    }
}
