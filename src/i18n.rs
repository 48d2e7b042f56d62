//! The interface language: Russian first (the offer's wording), English second. The choice is
//! remembered in LocalStorage under [`STORAGE_KEY`] and shared by every page of the app
//! (calculator, trial demo, portal).

/// LocalStorage key of the chosen language.
pub const STORAGE_KEY: &str = "hourbank.lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ru,
    En,
}

impl Lang {
    /// The text in this language: every string of the interface is written as a pair at its
    /// place of use, so nothing can be left untranslated by a missing key.
    pub fn pick(self, ru: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Ru => ru,
            Lang::En => en,
        }
    }

    /// The code stored and put into `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// A stored code; anything else (absent, damaged, another app's) is Russian.
    pub fn from_code(code: Option<&str>) -> Lang {
        match code.map(str::trim) {
            Some("en") => Lang::En,
            _ => Lang::Ru,
        }
    }

    /// The other language, for the switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::Ru => Lang::En,
            Lang::En => Lang::Ru,
        }
    }

    /// The switch's own label: the name of the language it switches to, in that language.
    pub fn switch_label(self) -> &'static str {
        match self {
            Lang::Ru => "English",
            Lang::En => "Русский",
        }
    }
}

impl Lang {
    /// A problem the calculator found, in this language, by its code (a free text,
    /// `Problem::Other`, as written: the calculator writes its own in the interface's language).
    /// `browser_words` leaves the API's rules, which the calculator never meets, out of its pages.
    #[inline(never)]
    pub fn problem(self, problem: &hourbank_domain::Problem) -> String {
        problem.browser_words(self == Lang::Ru)
    }

    /// Hours with their unit: `12,5 ч`, `12,5 h`. Figures keep the Russian format in both
    /// languages (the amounts are rubles, invoiced the Russian way); only words change.
    pub fn hours(self, h: hourbank_domain::Hours) -> String {
        match self {
            Lang::Ru => hourbank_domain::format::hours(h),
            Lang::En => format!("{}{}h", hourbank_domain::format::hours_number(h), hourbank_domain::format::NBSP),
        }
    }
}

/// The remembered language (Russian when nothing usable is stored).
#[cfg(target_arch = "wasm32")]
pub fn load() -> Lang {
    let stored = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    Lang::from_code(stored.as_deref())
}

/// Remembers the language and sets `<html lang>` so screen readers switch voice.
#[cfg(target_arch = "wasm32")]
pub fn store(lang: Lang) {
    if let Some(window) = web_sys::window() {
        if let Some(storage) = window.local_storage().ok().flatten() {
            // Private modes may refuse to store: the switch still works for this page.
            let _ = storage.set_item(STORAGE_KEY, lang.code());
        }
        if let Some(root) = window.document().and_then(|d| d.document_element()) {
            let _ = root.set_attribute("lang", lang.code());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_codes_round_trip_and_junk_is_russian() {
        for lang in [Lang::Ru, Lang::En] {
            assert_eq!(Lang::from_code(Some(lang.code())), lang);
            assert_eq!(lang.other().other(), lang);
        }
        assert_eq!(Lang::from_code(None), Lang::Ru);
        assert_eq!(Lang::from_code(Some("de")), Lang::Ru);
        assert_eq!(Lang::from_code(Some("{\"broken")), Lang::Ru);
        assert_eq!(Lang::En.pick("Итого", "Total"), "Total");
        assert_eq!(Lang::Ru.pick("Итого", "Total"), "Итого");
    }

    #[test]
    fn problems_and_hours_in_either_language() {
        let p = hourbank_domain::Problem::Negative;
        assert_eq!(Lang::Ru.problem(&p), "не может быть отрицательным");
        assert_eq!(Lang::En.problem(&p), "must not be negative");
        let h = hourbank_domain::Hours::from_centi(12_50);
        assert_eq!(Lang::Ru.hours(h), "12,5\u{a0}ч");
        assert_eq!(Lang::En.hours(h), "12,5\u{a0}h");
    }

    #[test]
    fn the_form_logics_messages_read_in_either_language_by_code() {
        let zero_months = crate::calculator::parse_count("count", "0").unwrap_err().problem;
        assert_eq!(Lang::Ru.problem(&zero_months), "должно быть не меньше 1");
        assert_eq!(Lang::En.problem(&zero_months), "must be at least 1");
        let long_name = crate::saved::parse_name(&"я".repeat(crate::saved::MAX_NAME + 1)).unwrap_err().problem;
        assert_eq!(Lang::Ru.problem(&long_name), format!("не длиннее {} символов", crate::saved::MAX_NAME));
        assert_eq!(Lang::En.problem(&long_name), format!("must be at most {} characters", crate::saved::MAX_NAME));
        assert!(crate::saved::parse_name(&"я".repeat(crate::saved::MAX_NAME)).is_ok());
    }
}
