//! What every calculator page shows around its content — the header's links, named in both
//! languages — and the static frame each entry's HTML carries, so that the page paints its header,
//! its heading and (on the calculator) the offer's terms before the wasm has arrived. The app
//! (`app::Shell`) renders the same texts from the same table and replaces the frame as it mounts.

use hourbank_domain::Tariff;

use crate::html::text;
use crate::i18n::Lang;

/// The pages of the calculator, each its own Trunk entry (and wasm bundle).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Calculator,
    Compare,
    Simulate,
    Demo,
    /// `/contact` («Оставить заявку»), a page the server writes: never the current one here.
    Contact,
}

/// A text in Russian and in English.
pub type Text = (&'static str, &'static str);

/// One link of the header: the full name, and the short one a phone shows (where the four pages'
/// full names do not fit one row; the link's accessible name stays the full one).
#[derive(Debug, Clone, Copy)]
pub struct NavLink {
    pub page: Page,
    pub path: &'static str,
    pub id: &'static str,
    pub full: Text,
    pub short: Text,
}

/// The four pages, in the header's order.
pub const PAGES: [NavLink; 4] = [
    NavLink {
        page: Page::Calculator,
        path: "/",
        id: "nav-calculator",
        full: ("Расчёт", "Calculation"),
        short: ("Расчёт", "Calculation"),
    },
    NavLink {
        page: Page::Compare,
        path: "/compare/",
        id: "nav-compare",
        full: ("Сравнение тарифов", "Compare tariffs"),
        short: ("Сравнение", "Compare"),
    },
    NavLink {
        page: Page::Simulate,
        path: "/simulate/",
        id: "nav-simulate",
        full: ("Моделирование", "Simulation"),
        short: ("Моделирование", "Simulation"),
    },
    NavLink {
        page: Page::Demo,
        path: "/demo/",
        id: "nav-demo",
        full: ("Демо для клиента", "Client demo"),
        short: ("Демо", "Demo"),
    },
];

/// The next step from every page: the company's contacts, with a letter that carries the scenario.
pub const CONTACT: NavLink = NavLink {
    page: Page::Contact,
    path: "/contact",
    id: "nav-contact",
    full: ("Оставить заявку", "Leave a request"),
    short: ("Оставить заявку", "Leave a request"),
};

/// The name of the pages' navigation.
pub const NAV_LABEL: Text = ("Разделы калькулятора", "Calculator pages");

/// Clients of the company sign in to the portal from the header.
pub const PORTAL_LINK: Text = ("Вход для клиентов", "Client sign-in");

/// Each page's `<h1>` (the calculator's while the «Старт» tariff is chosen).
pub fn heading(page: Page) -> Text {
    match page {
        Page::Calculator => ("Тариф «Старт»", "The «Старт» tariff"),
        Page::Compare => ("Сравнение тарифов", "Comparing tariffs"),
        Page::Simulate => ("Моделирование стоимости", "Simulating the cost"),
        Page::Demo => ("Демо тарифа для клиента", "The tariff, for a client"),
        Page::Contact => CONTACT.full,
    }
}

/// The tab's title after «hourbank — »: the entry's HTML carries the Russian one (a test holds
/// them equal), and the app sets the English one when English is the remembered language.
pub fn title(page: Page) -> Text {
    match page {
        Page::Calculator => ("калькулятор тарифа «Старт»", "the «Старт» tariff calculator"),
        Page::Compare => ("сравнение тарифов", "comparing tariffs"),
        Page::Simulate => ("моделирование стоимости", "simulating the cost"),
        Page::Demo => ("демо тарифа «Старт»", "the «Старт» tariff, a demo"),
        Page::Contact => CONTACT.full,
    }
}

/// The tariff's terms in the offer's wording (`../shared/seed-tariff-start.ru.txt`).
pub fn terms_lines(tariff: &Tariff, l: Lang) -> [String; 6] {
    use hourbank_domain::format::rubles;
    [
        format!(
            "{} {} {} {} {}",
            l.pick("Первые", "The first"),
            tariff.trial_months,
            l.pick(
                "месяца — без абонентской платы: оплата только за закрытые задачи,",
                "months without a fee: only closed tasks are paid,"
            ),
            rubles(tariff.trial_rate),
            l.pick("за час", "an hour")
        ),
        format!(
            "{} {} {}",
            l.pick("Стоимость абонентской платы:", "Subscription fee:"),
            rubles(tariff.monthly_fee),
            l.pick("в месяц", "a month")
        ),
        format!(
            "{} {} {}",
            l.pick("Включено часов по тарифу:", "Hours included:"),
            l.hours(tariff.included_hours),
            l.pick("в месяц", "a month")
        ),
        format!(
            "{} {}",
            l.pick("Стоимость часа сверх тарифа:", "An hour over the tariff:"),
            rubles(tariff.overage_rate)
        ),
        format!(
            "{} {} {} {} {}",
            l.pick("Часов в резерве: до", "Reserve: up to"),
            l.hours(tariff.reserve_cap),
            l.pick(
                "— не выработанные часы копятся; максимум без доплаты:",
                "— unused hours are kept; most without paying extra:"
            ),
            l.hours(tariff.max_hours_without_extra()),
            l.pick("в месяц", "a month")
        ),
        format!(
            "{} {} {}",
            l.pick("Гарантийные обязательства:", "Warranty:"),
            hourbank_domain::DEFAULT_WARRANTY_DAYS,
            l.pick(
                "дней после приёмки задачи — исправления без оплаты",
                "days after a task is accepted — fixes are not billed"
            )
        ),
    ]
}

/// The static frame of `page`'s HTML, in Russian (the app switches to a remembered English): the
/// app's header and heading with the same classes, so nothing moves when the app takes over, but
/// no ids (the app's own elements, which tests wait for, are the app's alone), plain links
/// (the scenario in the address is the app's to carry) and a language button that waits for
/// the app. The calculator's frame adds the offer's terms, which do not depend on the scenario.
pub fn frame_html(page: Page) -> String {
    let ru = |t: Text| text(t.0);
    let link = |l: &NavLink| {
        let current = if l.page == page { r#" aria-current="page""# } else { "" };
        format!(
            r#"<a href="{}"{current} aria-label="{}"><span class="label-full">{}</span><span class="label-short" aria-hidden="true">{}</span></a>"#,
            l.path,
            ru(l.full),
            ru(l.full),
            ru(l.short)
        )
    };
    let pages: String = PAGES.iter().map(link).collect();
    let header = format!(
        r#"<header class="top"><span class="brand">hourbank</span><nav class="pages" aria-label="{}">{pages}</nav>{}<a class="portal-link" href="/portal/">{}</a><button type="button" class="lang-switch" lang="{}" disabled>{}</button></header>"#,
        ru(NAV_LABEL),
        link(&CONTACT),
        ru(PORTAL_LINK),
        Lang::Ru.other().code(),
        text(Lang::Ru.switch_label())
    );
    let content = match page {
        Page::Calculator => {
            let terms: String =
                terms_lines(&Tariff::start(), Lang::Ru).iter().map(|line| format!("<li>{}</li>", text(line))).collect();
            format!(
                r#"<section class="terms"><h1>{}</h1><ul class="terms-list">{terms}</ul></section>"#,
                ru(heading(page))
            )
        }
        Page::Demo => format!(r#"<h1 class="visually-hidden">{}</h1>"#, ru(heading(page))),
        _ => format!("<h1>{}</h1>", ru(heading(page))),
    };
    format!(r#"<div id="shell">{header}<main>{content}</main></div>"#)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEGIN: &str =
        "<!-- frame: written by shell::frame_html; HOURBANK_WRITE_FRAMES=1 cargo test frame rewrites it -->";
    const END: &str = "<!-- end of frame -->";

    /// Each entry's HTML and the page it mounts.
    const ENTRIES: [(&str, Page); 4] = [
        ("index.html", Page::Calculator),
        ("entries/compare/index.html", Page::Compare),
        ("entries/simulate/index.html", Page::Simulate),
        ("entries/demo/index.html", Page::Demo),
    ];

    /// Each entry's HTML carries exactly the frame made here (`HOURBANK_WRITE_FRAMES=1` writes
    /// it there after a change to the texts or the markup).
    #[test]
    fn every_entrys_html_carries_its_frame() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for (file, page) in ENTRIES {
            let path = root.join(file);
            let html = std::fs::read_to_string(&path).unwrap();
            let (before, rest) = html.split_once(BEGIN).unwrap_or_else(|| panic!("{file}: no `{BEGIN}`"));
            let (_, after) = rest.split_once(END).unwrap_or_else(|| panic!("{file}: no `{END}`"));
            let indent = before.rsplit('\n').next().unwrap_or_default();
            let wanted = format!("{before}{BEGIN}\n{indent}{}\n{indent}{END}{after}", frame_html(page));
            if std::env::var_os("HOURBANK_WRITE_FRAMES").is_some() {
                std::fs::write(&path, &wanted).unwrap();
            } else {
                assert!(
                    html == wanted,
                    "{file}'s frame is not frame_html({page:?}): run HOURBANK_WRITE_FRAMES=1 cargo test frame"
                );
            }
        }
    }

    /// The Russian title the app leaves in place is the table's, so the English one it sets
    /// names the same page.
    #[test]
    fn every_entrys_title_is_the_tables() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for (file, page) in ENTRIES {
            let html = std::fs::read_to_string(root.join(file)).unwrap();
            let wanted = format!("<title>hourbank — {}</title>", title(page).0);
            assert!(html.contains(&wanted), "{file} has no {wanted}");
        }
    }

    #[test]
    fn the_frame_escapes_its_texts_and_marks_the_current_page() {
        let frame = frame_html(Page::Compare);
        assert!(
            frame.contains(r#"<a href="/compare/" aria-current="page" aria-label="Сравнение тарифов">"#),
            "{frame}"
        );
        assert_eq!(frame.matches("aria-current").count(), 1);
        assert!(!frame.contains(" id=\"nav-"), "the app's ids are the app's");
        let calculator = frame_html(Page::Calculator);
        assert!(
            calculator.contains("<li>Стоимость абонентской платы: 20\u{a0}000,00\u{a0}₽ в месяц</li>"),
            "{calculator}"
        );
        assert!(calculator.contains("<h1>Тариф «Старт»</h1>"));
    }
}
