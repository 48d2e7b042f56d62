//! `/contact`: «Оставить заявку», the calculator's and the demo's next step. A page the server
//! writes from the company's record (name, phone, e-mail): it needs no script, costs the
//! calculator's download nothing but a link, and carries the prospect's calculation into the
//! letter it starts.

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use hourbank_domain::contacts::{tel_href, Contacts};
use hourbank_domain::html::text as esc;

use super::{ApiError, AppState};

/// `/contact?<the calculator's query>`: the page, with the calculation at `/?<that query>` of
/// this very site (so the calculator links here without encoding anything, and the page can only
/// ever carry a link of its own site).
pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let (name, contacts) = crate::store::company(state.db()).await?;
    // The configured address when there is one: the request's `Host` is whatever the client (or a
    // proxy that passes it on) wrote.
    let site = match state.public_url() {
        Some(url) => url,
        None => {
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
            let scheme = if state.behind_https() { "https" } else { "http" };
            if host.is_empty() {
                String::new()
            } else {
                format!("{scheme}://{host}")
            }
        }
    };
    let calc = calculation_link(&site, query.as_deref());
    let html = contact_html(name.as_deref(), &contacts, calc.as_deref());
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], html)
        .into_response())
}

/// The calculator's address for `query` on this site (`site`: `https://host`); none without a
/// query (or a site), or for one too long to go into a letter.
pub fn calculation_link(site: &str, query: Option<&str>) -> Option<String> {
    let query = query.filter(|q| !q.is_empty() && q.len() <= 2000)?;
    (!site.is_empty()).then(|| format!("{site}/?{query}"))
}

/// Percent-encoding for a `mailto:` header value (RFC 6068): everything but the unreserved
/// characters, so spaces are `%20` (a `+` would reach the letter as a plus sign).
fn mailto_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The letter a prospect starts from the page: to the company, with the calculation's link.
pub fn mailto_href(email: &str, calc: Option<&str>) -> String {
    let subject = "Заявка на абонентское обслуживание 1С";
    let mut body = String::from("Здравствуйте!\n\nХочу обсудить абонентское обслуживание нашей 1С.\n");
    if let Some(calc) = calc {
        body.push_str(&format!("Мой расчёт: {calc}\n"));
    }
    body.push_str("\nОрганизация:\nКонтактное лицо:\nТелефон:\n");
    format!("mailto:{email}?subject={}&body={}", mailto_encode(subject), mailto_encode(&body))
}

/// The page: the company's contacts with a letter ready to send, or — before the admin has set
/// them — a plain word that they are not there yet; always the way back and the portal.
pub fn contact_html(name: Option<&str>, contacts: &Contacts, calc: Option<&str>) -> String {
    let mut main = String::from("<h1>Оставить заявку <span lang=\"en\" class=\"en\">Contact us</span></h1>");
    if let Some(name) = name {
        main.push_str(&format!(
            "<p>{}: подключим абонентское обслуживание, ответим на вопросы о тарифе и о задачах вашей 1С.</p>",
            esc(name)
        ));
    }
    if contacts.is_empty() {
        main.push_str(
            "<p id=\"no-contacts\">Контакты компании ещё не указаны. \
             <span lang=\"en\">The company has not published its contacts yet.</span></p>",
        );
    } else {
        if let Some(email) = &contacts.email {
            main.push_str(&format!(
                "<p><a class=\"button\" id=\"contact-mail\" href=\"{}\">Написать заявку</a> \
                 <span lang=\"en\" class=\"en\">Write to us</span></p>",
                esc(&mailto_href(email, calc))
            ));
        }
        main.push_str("<dl>");
        if let Some(phone) = &contacts.phone {
            main.push_str(&format!(
                "<dt>Телефон <span lang=\"en\" class=\"en\">Phone</span></dt>\
                 <dd><a id=\"contact-phone\" href=\"{}\">{}</a></dd>",
                esc(&tel_href(phone)),
                esc(phone)
            ));
        }
        if let Some(email) = &contacts.email {
            main.push_str(&format!(
                "<dt>Почта <span lang=\"en\" class=\"en\">E-mail</span></dt>\
                 <dd><a id=\"contact-email\" href=\"mailto:{0}\">{0}</a></dd>",
                esc(email)
            ));
        }
        main.push_str("</dl>");
    }
    if let Some(calc) = calc {
        main.push_str(&format!(
            "<p>Ваш расчёт{}: <a id=\"contact-calc\" href=\"{1}\">{1}</a></p>",
            if contacts.email.is_some() { " будет в письме" } else { "" },
            esc(calc)
        ));
    }
    let back = calc.unwrap_or("/");
    main.push_str(&format!(
        "<p class=\"next\"><a href=\"{}\">← К расчёту</a> · <a href=\"/portal/\">Уже клиент? Войти в портал</a></p>",
        esc(back)
    ));
    format!(
        "<!doctype html><html lang=\"ru\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Оставить заявку — hourbank</title><style>{STYLE}</style></head>\
         <body><header>hourbank</header><main>{main}</main></body></html>"
    )
}

/// The apps' look in brief (style/main.css: its colours, type, buttons and focus ring): this
/// page has no stylesheet of its own to fetch.
const STYLE: &str = "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans\",sans-serif;\
color:#1b1f24;margin:0;line-height:1.45}header{background:#1f4e79;color:#fff;padding:.75rem 1rem;font-weight:700}\
main{max-width:40rem;margin:0 auto;padding:1rem}a{color:#1f4e79}:focus-visible{outline:3px solid #ffbf47;\
outline-offset:2px}.en{color:#4a5560;font-size:.85em;font-weight:400}dt{font-weight:600;margin-top:.75rem}\
dd{margin:0}.button{display:inline-block;background:#1f4e79;color:#fff;padding:.45rem .9rem;border-radius:4px;\
text-decoration:none}.button:hover{filter:brightness(1.1)}.next{margin-top:2rem}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_calculation_is_this_sites_calculator_with_the_query() {
        assert_eq!(
            calculation_link("https://hourbank.ru", Some("start=2027-01-01&h=12,8")).as_deref(),
            Some("https://hourbank.ru/?start=2027-01-01&h=12,8")
        );
        assert_eq!(calculation_link("http://hourbank.ru", Some("")), None);
        assert_eq!(calculation_link("http://hourbank.ru", None), None);
        assert_eq!(calculation_link("", Some("a=1")), None);
        assert_eq!(calculation_link("http://h", Some(&"a".repeat(2001))), None);
    }

    #[test]
    fn the_letter_carries_the_calculation_with_spaces_as_spaces() {
        let href = mailto_href("sales@hourbank.ru", Some("https://hourbank.ru/?m=10&s=2027-01"));
        assert!(href.starts_with("mailto:sales@hourbank.ru?subject=%D0%97"), "{href}");
        assert!(href.contains("%20") && !href.contains('+') && !href.contains(' '), "{href}");
        assert!(href.contains("https%3A%2F%2Fhourbank.ru%2F%3Fm%3D10%26s%3D2027-01"), "{href}");
    }

    #[test]
    fn the_companys_words_are_text_and_missing_contacts_are_said() {
        let contacts = Contacts { phone: Some("+7 (495) 123-45-67".into()), email: Some("a@b.ru".into()) };
        let html = contact_html(Some("<script>alert(1)</script> & Co"), &contacts, Some("https://h/?a=1&b=\"2\""));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"), "{html}");
        assert!(!html.contains("<script>"));
        assert!(html.contains("href=\"tel:+74951234567\""));
        assert!(html.contains("href=\"https://h/?a=1&amp;b=&quot;2&quot;\""), "{html}");
        let none = contact_html(None, &Contacts::default(), None);
        assert!(
            none.contains("id=\"no-contacts\"") && none.contains("href=\"/portal/\"") && none.contains("href=\"/\"")
        );
    }
}
