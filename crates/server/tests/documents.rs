//! The month's act and invoice (`shared/domain.md`, "Documents"): the seller's requisites checked
//! digit by digit, the buyer's, numbers per seller and year without gaps, the VAT lines of each
//! mode, the total in words — and the PDF read back by a real PDF reader (`pdftotext`).

mod support;

use chrono::Months;
use hourbank_domain::{parse_date, Contract, Period, Tariff, Vat, VatRate};
use hourbank_server::clock::business_period;
use hourbank_server::services::orgs::insert_new_org;
use hourbank_server::store::NewOrg;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::TestApp;

fn seller() -> Value {
    json!({"name": "ООО «Часовой банк»", "inn": "7707083893", "kpp": "770701001", "address": "Москва, Тверская, 1",
           "bank_name": "ПАО Сбербанк", "bik": "044525225", "account": "40702810938000012345",
           "corr_account": "30101810400000000225"})
}

fn fields(problem: &Value) -> Vec<&str> {
    problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect()
}

/// An organisation two months into «Старт» (this month is its first on the subscription).
async fn org(app: &TestApp, name: &str, inn: &str, vat: Vat) -> i64 {
    let start = business_period().first_day().checked_sub_months(Months::new(2)).unwrap();
    let org = NewOrg {
        name: name.into(),
        inn: inn.into(),
        tariff_name: "Старт".into(),
        tariff: Tariff::start(),
        contract: Contract::new(Tariff::start(), parse_date("s", &start.to_string()).unwrap(), None).unwrap(),
        vat,
        analyst_id: None,
        warranty_days: 30,
    };
    insert_new_org(&app.state, &org, None).await.unwrap()
}

/// A task accepted this month with `hours` logged against an estimate of as many.
async fn accepted(app: &TestApp, client: &str, analyst: &str, specialist: &str, hours: &str) {
    let (_, b) = app.post("/api/v1/tasks", client, json!({"title": "Доработка", "description": "Сделать"})).await;
    let id = b["task"]["id"].as_i64().unwrap();
    let step = |token: &str, body: Value| {
        let path = format!("/api/v1/tasks/{id}/transitions");
        let token = token.to_string();
        async move { assert_eq!(app.post(&path, &token, body).await.0, StatusCode::OK) }
    };
    step(analyst, json!({"action": "estimate", "specification": "ТЗ", "estimate": hours, "deadline": "2030-01-01"}))
        .await;
    step(client, json!({"action": "approve"})).await;
    // Logged a day (at most 8 h) at a time, each on a day of its own going back (one person's
    // day holds at most 24 h).
    let mut left: u32 = hours.parse().unwrap();
    let mut date = hourbank_server::clock::business_today();
    while left > 0 {
        let day = left.min(8);
        left -= day;
        date = date.pred_opt().unwrap();
        let log = json!({"date": date.to_string(), "hours": day.to_string(), "description": "работа"});
        assert_eq!(app.post(&format!("/api/v1/tasks/{id}/worklogs"), specialist, log).await.0, StatusCode::CREATED);
    }
    step(specialist, json!({"action": "submit_for_testing"})).await;
    step(client, json!({"action": "accept"})).await;
}

async fn close_through_now(app: &TestApp, analyst: &str, org: i64) {
    for back in [2, 1, 0] {
        let month = Period::of(business_period().first_day().checked_sub_months(Months::new(back)).unwrap());
        let (s, b) = app.post(&format!("/api/v1/reports/{month}/close?org={org}"), analyst, json!({})).await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }
}

/// What a poppler tool (Debian's poppler-utils; ./dev installs it) prints about `pdf`, given
/// `options`, the file, then `after` on its command line.
fn poppler(tool: &str, options: &[&str], after: &[&str], pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new(tool)
        .args(options)
        .arg(&path)
        .args(after)
        .output()
        .unwrap_or_else(|e| panic!("{tool} runs (poppler-utils): {e}"));
    assert!(out.status.success(), "{tool}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The PDF's text as `pdftotext -layout` reads it, white space folded.
fn pdf_text(pdf: &[u8]) -> String {
    fold(&poppler("pdftotext", &["-layout"], &["-"], pdf))
}

/// The PDF's title as `pdfinfo` reads it.
fn pdf_title(pdf: &[u8]) -> String {
    let info = poppler("pdfinfo", &[], &[], pdf);
    let title = info.lines().find_map(|l| l.strip_prefix("Title:")).unwrap_or_else(|| panic!("no title: {info}"));
    title.trim().to_string()
}

fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn pdf(app: &TestApp, path: &str, token: &str) -> Vec<u8> {
    let response = app.client.get(format!("{}{path}", app.base)).bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    response.bytes().await.unwrap().to_vec()
}

/// Every line the document carries is in the PDF: the work lines cell by cell, the rest whole.
fn assert_pdf_carries(pdf: &str, document: &Value) {
    for line in document["text_lines"].as_array().unwrap() {
        let line = line.as_str().unwrap();
        if line.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            continue; // a work line: a table row, checked below
        }
        assert!(pdf.contains(&fold(line)), "the PDF lacks {line:?}:\n{pdf}");
    }
    for row in document["document"]["lines"].as_array().unwrap() {
        let line: hourbank_domain::documents::DocumentLine = serde_json::from_value(row.clone()).unwrap();
        for cell in [line.quantity_ru(), line.unit] {
            assert!(pdf.contains(&cell), "the PDF lacks {cell:?} of {row}:\n{pdf}");
        }
        for word in row["name"].as_str().unwrap().split(' ') {
            assert!(pdf.contains(word), "the PDF lacks {word:?} of {row}:\n{pdf}");
        }
        for money in ["price", "amount"] {
            let text = hourbank_domain::documents::money(
                hourbank_domain::Money::parse("m", row[money].as_str().unwrap()).unwrap(),
            );
            assert!(pdf.contains(&text), "the PDF lacks {text}:\n{pdf}");
        }
    }
}

async fn acts_and_invoices(app: TestApp) {
    let admin = app.user("admin@hb.test", "admin", None).await.1;
    let analyst = app.user("analyst@hb.test", "analyst", None).await.1;
    let specialist = app.user("spec@hb.test", "specialist", None).await.1;
    let on_top = org(&app, "ООО «Ромашка»", "7736207543", Vat::OnTop(VatRate::GENERAL)).await;
    let included = org(&app, "АО «Вектор»", "7707083893", Vat::Included(VatRate::GENERAL)).await;
    let client = app.user("client@romashka.test", "client", Some(on_top)).await.1;
    let other = app.user("client@vector.test", "client", Some(included)).await.1;
    let month = business_period();

    // No seller yet: an open month's document says what is missing.
    let (s, b) = app.get(&format!("/api/v1/reports/{month}/documents/act"), &client).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    // Every bad requisite is named, and nothing is stored.
    let mut bad = seller();
    bad["inn"] = json!("7707083894");
    bad["kpp"] = json!("77070100");
    bad["bik"] = json!("123456789");
    bad["name"] = json!("");
    let (s, b) = app.call(Method::PUT, "/api/v1/settings/seller", Some(&admin), Some(bad)).await;
    assert_eq!((s, fields(&b)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["name", "inn", "kpp", "bik"]), "{b}");
    let mut bad_account = seller();
    bad_account["account"] = json!("40702810838000012345");
    let (s, b) = app.call(Method::PUT, "/api/v1/settings/seller", Some(&admin), Some(bad_account)).await;
    assert_eq!((s, fields(&b)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["account"]), "{b}");
    assert_eq!(app.get("/api/v1/settings/seller", &admin).await.1["seller"], Value::Null);
    // Only an admin keeps them.
    let (s, _) = app.call(Method::PUT, "/api/v1/settings/seller", Some(&analyst), Some(seller())).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, b) = app.call(Method::PUT, "/api/v1/settings/seller", Some(&admin), Some(seller())).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    // The buyer's КПП and address.
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/orgs/{on_top}/requisites"),
            Some(&admin),
            Some(json!({"kpp": "7736", "address": "Москва"})),
        )
        .await;
    assert_eq!((s, fields(&b)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["kpp"]), "{b}");
    // A company (a ten-digit ИНН) has a КПП: refused when it is set, not when the act is issued.
    let body = json!({"kpp": null, "address": "Москва"});
    let (s, b) = app.call(Method::PUT, &format!("/api/v1/orgs/{on_top}/requisites"), Some(&admin), Some(body)).await;
    assert_eq!((s, fields(&b)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["kpp"]), "{b}");
    let body = json!({"kpp": "773601001", "address": "Москва, Ленинский проспект, 2"});
    let (s, b) = app.call(Method::PUT, &format!("/api/v1/orgs/{on_top}/requisites"), Some(&admin), Some(body)).await;
    assert_eq!((s, b["kpp"].as_str()), (StatusCode::OK, Some("773601001")), "{b}");

    // 25 h in the first subscription month: 10 included, no reserve yet, 15 over at 2000.
    accepted(&app, &client, &analyst, &specialist, "25").await;
    accepted(&app, &other, &analyst, &specialist, "3").await;
    // While the month is open: preliminary, no number.
    let (_, open) = app.get(&format!("/api/v1/reports/{month}/documents/act"), &client).await;
    assert_eq!(
        open["title"],
        format!("Акт оказанных услуг от {} (предварительный)", month.last_day().format("%d.%m.%Y"))
    );
    assert_eq!(open["document"]["number"], Value::Null);
    // An open month with nothing to pay so far (the trial's last, without work) has no draft.
    let trial = Period::of(month.first_day().pred_opt().unwrap());
    for kind in ["act", "invoice.pdf"] {
        let (s, b) = app.get(&format!("/api/v1/reports/{trial}/documents/{kind}"), &client).await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}");
        let words = b["detail_ru"].as_str().unwrap();
        assert!(words.ends_with("пока к оплате 0,00 ₽: предварительных акта и счёта нет"), "{b}");
    }

    close_through_now(&app, &analyst, on_top).await;
    close_through_now(&app, &analyst, included).await;
    let date = month.last_day().format("%d.%m.%Y").to_string();
    // Numbers per kind and year, without gaps, taken as the months close (in order), whatever
    // order they are first opened in. The two trial months billed nothing: they issue no act or
    // invoice and take no number, so «Ромашка»'s month, closed first, took № 1.
    let (_, act) = app.get(&format!("/api/v1/reports/{month}/documents/act"), &client).await;
    assert_eq!(act["title"], format!("Акт оказанных услуг № 1 от {date}"), "{act}");
    let lines: Vec<&str> = act["text_lines"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    for expected in [
        "Исполнитель: ООО «Часовой банк»",
        "ИНН 7707083893, КПП 770701001",
        "Р/с 40702810938000012345 в ПАО Сбербанк",
        "БИК 044525225, к/с 30101810400000000225",
        "Заказчик: ООО «Ромашка»",
        "ИНН 7736207543, КПП 773601001",
        "Адрес: Москва, Ленинский проспект, 2",
        "Итого: 50 000,00",
        "НДС 22 %: 11 000,00",
        "Всего к оплате: 61 000,00",
        "Сумма прописью: Шестьдесят одна тысяча рублей 00 копеек",
    ] {
        assert!(lines.contains(&expected), "the act lacks {expected:?}: {lines:#?}");
    }
    assert!(!lines.iter().any(|l| l.contains("В том числе")), "{lines:#?}");
    let (_, invoice) = app.get(&format!("/api/v1/reports/{month}/documents/invoice"), &client).await;
    // The invoice is dated the day its month closed (today here); the act, the period's last day.
    let closed_on = hourbank_server::clock::business_today().format("%d.%m.%Y");
    assert_eq!(invoice["title"], format!("Счёт на оплату № 1 от {closed_on}"));
    // Without the buyer's КПП and address a closed month's document holds the number it took at
    // closing but is not issued (it would keep them missing for good).
    let (s, b) = app.get(&format!("/api/v1/reports/{month}/documents/act"), &other).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert!(b["detail"].as_str().unwrap().contains("kpp and address"), "{b}");
    let body = json!({"kpp": "770701001", "address": "Москва, ул. Лесная, 5"});
    let (s, b) = app.call(Method::PUT, &format!("/api/v1/orgs/{included}/requisites"), Some(&admin), Some(body)).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, vector_act) = app.get(&format!("/api/v1/reports/{month}/documents/act"), &other).await;
    // Issued when first asked for, once the requisites are there, with the number taken when its
    // month closed (after «Ромашка»'s).
    assert_eq!(vector_act["title"], format!("Акт оказанных услуг № 2 от {date}"));
    assert!(vector_act["text_lines"].to_string().contains("Адрес: Москва, ул. Лесная, 5"), "{vector_act}");
    let vector_lines = vector_act["text_lines"].to_string();
    assert!(vector_lines.contains("В том числе НДС 22 %: 3 606,56"), "{vector_lines}");
    assert!(vector_lines.contains("Сумма прописью: Двадцать тысяч рублей 00 копеек"), "{vector_lines}");
    // Asking again gives the same number. A trial month with nothing to pay, opened later, is
    // refused with the reason, and took no number.
    assert_eq!(app.get(&format!("/api/v1/reports/{month}/documents/act"), &client).await.1, act);
    let earlier = Period::of(month.first_day().pred_opt().unwrap());
    for kind in ["act", "invoice", "act.pdf"] {
        let (s, b) = app.get(&format!("/api/v1/reports/{earlier}/documents/{kind}"), &client).await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}");
        assert!(
            b["detail_ru"].as_str().unwrap().ends_with("к оплате 0,00 ₽: акт и счёт за него не выставляются"),
            "{b}"
        );
    }
    let (_, report) = app.get(&format!("/api/v1/reports/{earlier}"), &client).await;
    assert_eq!(
        (report["status"].as_str(), report["statement"]["total_with_vat"].as_str()),
        (Some("closed"), Some("0.00"))
    );
    let numbers: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM documents")
        .fetch_one(app.state.db().pool())
        .await
        .unwrap();
    assert_eq!(numbers, 4, "two months with something to pay, an act and an invoice each");
    // Issued documents keep the parties they were issued with.
    let mut renamed = seller();
    renamed["name"] = json!("ООО «Новое имя»");
    assert_eq!(app.call(Method::PUT, "/api/v1/settings/seller", Some(&admin), Some(renamed)).await.0, StatusCode::OK);
    assert_eq!(app.get(&format!("/api/v1/reports/{month}/documents/act"), &client).await.1, act);

    // The PDFs carry every line, read back by a real PDF reader. The act is kept in
    // target/documents/ for a look (the README shows it rendered).
    let act_pdf = pdf(&app, &format!("/api/v1/reports/{month}/documents/act.pdf"), &client).await;
    let kept = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/documents");
    std::fs::create_dir_all(&kept).unwrap();
    std::fs::write(
        kept.join(format!("act-{}.pdf", format!("{:?}", app.state.db().backend()).to_lowercase())),
        &act_pdf,
    )
    .unwrap();
    let text = pdf_text(&act_pdf);
    assert_pdf_carries(&text, &act);
    // Its title, as a reader's title bar shows it: Cyrillic, not UTF-8 read as Latin-1.
    assert_eq!(pdf_title(&act_pdf), act["title"].as_str().unwrap());
    assert!(text.contains("Исполнитель ____") && text.contains("Заказчик ____"), "{text}");
    let text = pdf_text(&pdf(&app, &format!("/api/v1/reports/{month}/documents/invoice.pdf"), &other).await);
    let (_, vector_invoice) = app.get(&format!("/api/v1/reports/{month}/documents/invoice"), &other).await;
    assert_pdf_carries(&text, &vector_invoice);

    // A client sees its own organisation's documents only.
    let (s, _) = app.get(&format!("/api/v1/reports/{month}/documents/act?org={included}"), &client).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.get(&format!("/api/v1/reports/{month}/documents/receipt"), &client).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

/// The company's contacts live with the seller's record: checked field by field (nothing stored
/// on a bad one), read by anyone from `/api/v1/contacts`, and shown on `/contact` — «Оставить
/// заявку» — with a letter that carries the prospect's calculation (the page's query is the
/// calculator's: the link is always one of this site).
async fn the_companys_contacts_are_kept_with_the_seller_and_shown_to_anyone(app: TestApp) {
    let admin = app.user("admin@hb.test", "admin", None).await.1;
    // Nothing set yet: nulls, and a page that says so.
    let (s, b) = app.call(Method::GET, "/api/v1/contacts", None, None).await;
    assert_eq!((s, b), (StatusCode::OK, json!({"name": null, "phone": null, "email": null})));
    let (s, page) = app.call_text(Method::GET, "/contact", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("id=\"no-contacts\"") && page.contains("href=\"/portal/\""), "{page}");

    let mut bad = seller();
    bad["phone"] = json!("call us");
    bad["email"] = json!("sales at hourbank");
    let (s, b) = app.call(Method::PUT, "/api/v1/settings/seller", Some(&admin), Some(bad)).await;
    assert_eq!((s, fields(&b)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["phone", "email"]), "{b}");
    assert_eq!(b["errors"][0]["message_ru"], "это не номер телефона", "{b}");
    assert_eq!(app.get("/api/v1/settings/seller", &admin).await.1["seller"], Value::Null);

    let mut good = seller();
    good["name"] = json!("ООО «Часовой банк» <b>&</b>");
    good["phone"] = json!("8 (495) 123-45-67");
    good["email"] = json!("Sales@HourBank.test");
    let (s, b) = app.call(Method::PUT, "/api/v1/settings/seller", Some(&admin), Some(good)).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["contacts"], json!({"phone": "8 (495) 123-45-67", "email": "sales@hourbank.test"}));
    let (_, b) = app.call(Method::GET, "/api/v1/contacts", None, None).await;
    assert_eq!(
        b,
        json!({"name": "ООО «Часовой банк» <b>&</b>", "phone": "8 (495) 123-45-67", "email": "sales@hourbank.test"})
    );

    // The page: the name as text, the phone dialled in full, a letter with the calculation.
    let host = app.base.trim_start_matches("http://");
    let calc = format!("{}/?m=10&s=2027-01", app.base);
    let (_, page) = app.call_text(Method::GET, "/contact?m=10&s=2027-01", None, None).await;
    assert!(page.contains("ООО «Часовой банк» &lt;b&gt;&amp;&lt;/b&gt;"), "{page}");
    assert!(page.contains("href=\"tel:+74951234567\""), "{page}");
    assert!(page.contains("href=\"mailto:sales@hourbank.test?subject="), "{page}");
    let calc_in_letter: String = calc
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    assert!(page.contains(&calc_in_letter), "the letter carries {calc}: {page}");
    assert!(page.contains(&format!("href=\"http://{host}/?m=10&amp;s=2027-01\"")), "{page}");
    // Whatever the query holds, it is this site's calculator's, and text.
    let (_, page) = app.call_text(Method::GET, "/contact?x=%22%3E%3Cscript%3E", None, None).await;
    assert!(page.contains(&format!("href=\"http://{host}/?x=%22%3E%3Cscript%3E\"")), "{page}");
    // With the site's address configured, a request's Host cannot make the links another site's.
    app.state.set_public_url(Some("https://hourbank.test/".into()));
    let forged = app
        .client
        .get(format!("{}/contact?m=10", app.base))
        .header("Host", "evil.example")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(forged.contains("href=\"https://hourbank.test/?m=10\""), "{forged}");
    assert!(!forged.contains("evil.example"), "{forged}");
}

db_tests!(acts_and_invoices, the_companys_contacts_are_kept_with_the_seller_and_shown_to_anyone);

/// An invoice is dated the day its month closed, so it takes its number in that day's year: a
/// December closed in January is January's first invoice, and January's own invoice its second —
/// never two invoices № 1 of one year. Acts are dated their period's last day and numbered in its year.
async fn a_december_closed_in_january_numbers_its_invoice_in_january(backend: support::Backend) {
    use chrono::{TimeZone, Utc};
    use hourbank_server::clock::Clock;
    let clock = Clock::fixed(Utc.with_ymd_and_hms(2026, 12, 10, 6, 0, 0).unwrap());
    let Some(app) = TestApp::spawn_with_clock(backend, clock.clone()).await else { return };
    let admin = app.user("admin@hb.test", "admin", None).await.1;
    let analyst = app.user("analyst@hb.test", "analyst", None).await.1;
    let start = parse_date("s", "2026-10-01").unwrap();
    let org = NewOrg {
        name: "ООО «Ромашка»".into(),
        inn: "7736207543".into(),
        tariff_name: "Старт".into(),
        tariff: Tariff::start(),
        contract: Contract::new(Tariff::start(), start, None).unwrap(),
        vat: Vat::None,
        analyst_id: None,
        warranty_days: 30,
    };
    let org = insert_new_org(&app.state, &org, None).await.unwrap();
    let client = app.user("client@romashka.test", "client", Some(org)).await.1;
    assert_eq!(app.call(Method::PUT, "/api/v1/settings/seller", Some(&admin), Some(seller())).await.0, StatusCode::OK);
    let requisites = json!({"kpp": "773601001", "address": "Москва, Ленинский проспект, 2"});
    let path = format!("/api/v1/orgs/{org}/requisites");
    assert_eq!(app.call(Method::PUT, &path, Some(&admin), Some(requisites)).await.0, StatusCode::OK);
    let close = |period: &'static str| {
        let (app, analyst) = (&app, analyst.clone());
        async move {
            let (s, b) = app.post(&format!("/api/v1/reports/{period}/close?org={org}"), &analyst, json!({})).await;
            assert_eq!(s, StatusCode::OK, "{b}");
        }
    };
    // The two trial months bill nothing (no documents); December, the first on the subscription,
    // is closed on 20 January, and January on 5 February.
    clock.set(Utc.with_ymd_and_hms(2027, 1, 20, 6, 0, 0).unwrap());
    for period in ["2026-10", "2026-11", "2026-12"] {
        close(period).await;
    }
    clock.set(Utc.with_ymd_and_hms(2027, 2, 5, 6, 0, 0).unwrap());
    close("2027-01").await;
    let title = |period: &'static str, kind: &'static str| {
        let (app, client) = (&app, client.clone());
        async move { app.get(&format!("/api/v1/reports/{period}/documents/{kind}"), &client).await.1["title"].clone() }
    };
    assert_eq!(title("2026-12", "invoice").await, "Счёт на оплату № 1 от 20.01.2027");
    assert_eq!(title("2027-01", "invoice").await, "Счёт на оплату № 2 от 05.02.2027");
    assert_eq!(title("2026-12", "act").await, "Акт оказанных услуг № 1 от 31.12.2026");
    assert_eq!(title("2027-01", "act").await, "Акт оказанных услуг № 1 от 31.01.2027");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_december_closed_in_january_numbers_its_invoice_in_january_on_sqlite() {
    a_december_closed_in_january_numbers_its_invoice_in_january(support::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_december_closed_in_january_numbers_its_invoice_in_january_on_postgres() {
    a_december_closed_in_january_numbers_its_invoice_in_january(support::Backend::Postgres).await;
}
