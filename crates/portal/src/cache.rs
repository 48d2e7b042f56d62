//! How old an offline copy is, in words: «5 мин назад».

use hourbank_domain::words::plural;

use crate::i18n::Lang;

/// `elapsed_ms` since a copy was saved, as people say it.
pub fn age_text(elapsed_ms: f64, lang: Lang) -> String {
    // Whole minutes are plenty; a clock moved backwards reads as "just now".
    let minutes = if elapsed_ms.is_finite() && elapsed_ms > 0.0 { (elapsed_ms / 60_000.0) as u64 } else { 0 };
    let (hours, days) = (minutes / 60, minutes / (60 * 24));
    match lang {
        Lang::Ru => match (minutes, hours, days) {
            (0, _, _) => "только что".into(),
            (m, 0, _) => format!("{m} мин назад"),
            (_, h, 0) => format!("{h} {} назад", plural(h, "час", "часа", "часов")),
            (_, _, d) => format!("{d} {} назад", plural(d, "день", "дня", "дней")),
        },
        Lang::En => match (minutes, hours, days) {
            (0, _, _) => "just now".into(),
            (m, 0, _) => format!("{m} min ago"),
            (_, 1, 0) => "1 hour ago".into(),
            (_, h, 0) => format!("{h} hours ago"),
            (_, _, 1) => "1 day ago".into(),
            (_, _, d) => format!("{d} days ago"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_naturally() {
        let min = 60_000.0;
        assert_eq!(age_text(10_000.0, Lang::Ru), "только что");
        assert_eq!(age_text(-5.0 * min, Lang::Ru), "только что");
        assert_eq!(age_text(5.0 * min, Lang::Ru), "5 мин назад");
        assert_eq!(age_text(61.0 * min, Lang::Ru), "1 час назад");
        assert_eq!(age_text(180.0 * min, Lang::Ru), "3 часа назад");
        assert_eq!(age_text(5.0 * 24.0 * 60.0 * min, Lang::Ru), "5 дней назад");
        assert_eq!(age_text(2.0 * 60.0 * min, Lang::En), "2 hours ago");
        assert_eq!(age_text(f64::NAN, Lang::En), "just now");
    }
}
