//! The comparison page as plain types: the scenario's hours under «Старт», pay-as-you-go at the
//! offer's hourly rate, the scenario's own tariff and any tariffs typed in; the cheapest tariff by
//! hours per month; and a history of months (typed or pasted as CSV) replayed against each.
//! The figures come from `hourbank_domain::compare`; this module parses and renders text/HTML.

use hourbank_domain::compare::{
    break_even, cheapest_by_hours, compare, pay_as_you_go, replay, Band, Candidate, Comparison, Replay, Verdict,
    MIN_HISTORY_MONTHS,
};
use hourbank_domain::format::rubles;
use hourbank_domain::scenario::MAX_SCENARIO_MONTHS;
use hourbank_domain::{FieldError, Hours, Period, Problem, Tariff, Vat};

use crate::calculator::{tariff_texts, CalculatorForm, TARIFF_CUSTOM};
use crate::html;
use crate::i18n::Lang;
use crate::link::{escape, number, pairs, unescape};

/// The query key of each added tariff: `alt=fee:incl:over:cap:trial:trate`, repeated.
pub const ALT_KEY: &str = "alt";
/// Most tariffs one may add.
pub const MAX_ALTS: usize = 5;

/// Tariffs typed in on the comparison page, each as its six fields (the order of `Tariff::FIELDS`).
pub fn decode_alts(query: &str) -> Vec<[String; 6]> {
    pairs(query)
        .filter(|(k, _)| k == ALT_KEY)
        .take(MAX_ALTS)
        .map(|(_, raw)| {
            let mut fields: [String; 6] = Default::default();
            for (slot, part) in fields.iter_mut().zip(raw.split(':')) {
                *slot = unescape(part);
            }
            fields
        })
        .collect()
}

/// The `alt=` parts of a query (each starting with `&`).
pub fn encode_alts(alts: &[[String; 6]]) -> String {
    alts.iter()
        .map(|a| {
            let parts: Vec<String> = a.iter().map(|t| escape(&number(t))).collect();
            format!("&{ALT_KEY}={}", parts.join(":"))
        })
        .collect()
}

/// A new added tariff: «Старт»'s terms to edit.
pub fn new_alt() -> [String; 6] {
    tariff_texts(&Tariff::start())
}

/// Field name of an added tariff's field: `alt[0].monthly_fee`.
pub fn alt_field(i: usize, name: &str) -> String {
    format!("alt[{i}].{name}")
}

/// The query key of the market price of an hour of one-off work: `market=3000`.
pub const MARKET_KEY: &str = "market";

/// What a prospect would otherwise pay for an hour of one-off 1C work, when the link does not
/// say: 3 000 ₽, 1.5 × the offer's price of an hour over the tariff — an assumption, not a
/// measured market figure (the README says so); sales set theirs in the link.
pub const DEFAULT_MARKET_RATE: &str = "3000";

/// The market price of an hour as the link has it (`market=`), or the default.
pub fn decode_market(query: &str) -> String {
    pairs(query)
        .find(|(k, _)| k == MARKET_KEY)
        .map(|(_, raw)| unescape(raw))
        .unwrap_or_else(|| DEFAULT_MARKET_RATE.to_string())
}

/// The `market=` part of a query (starting with `&`), empty for the default.
pub fn encode_market(market: &str) -> String {
    let market = number(market);
    if market == DEFAULT_MARKET_RATE {
        String::new()
    } else {
        format!("&{MARKET_KEY}={}", escape(&market))
    }
}

/// Name of the one-off work row: `Разовые работы (3 000,00 ₽ за час)`.
pub fn one_off_name(rate: hourbank_domain::Money, lang: Lang) -> String {
    format!("{} ({} {})", lang.pick("Разовые работы", "One-off work"), rubles(rate), lang.pick("за час", "an hour"))
}

/// The tariffs compared: «Старт»; what a prospect would otherwise buy, one-off work at the market
/// price of an hour (`market`); the scenario's own tariff when it has one; then each added
/// tariff. Or every bad field.
pub fn candidates(
    scenario_tariff: &Tariff,
    form: &CalculatorForm,
    alts: &[[String; 6]],
    market: &str,
    lang: Lang,
) -> Result<Vec<Candidate>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let rate = match hourbank_domain::Money::parse(MARKET_KEY, market.trim()) {
        Ok(rate) if rate.is_zero() => {
            // A free text of the browser's own: in the interface's language.
            let text = lang.pick("должно быть больше 0", "must be greater than 0");
            errors.push(FieldError::new(MARKET_KEY, Problem::Other(text.into())));
            hourbank_domain::Money::ZERO
        }
        Ok(rate) => rate,
        Err(e) => {
            errors.push(e);
            hourbank_domain::Money::ZERO
        }
    };
    let mut list =
        vec![Candidate::new("«Старт»", Tariff::start()), Candidate::new(one_off_name(rate, lang), pay_as_you_go(rate))];
    if form.tariff == TARIFF_CUSTOM {
        list.push(Candidate::new(
            lang.pick("Свой тариф из расчёта", "Your tariff from the calculation"),
            scenario_tariff.clone(),
        ));
    }
    for (i, alt) in alts.iter().enumerate() {
        let mut tariff = Tariff::start();
        for (name, text) in Tariff::FIELDS.iter().zip(alt) {
            if let Err(e) = tariff.set_field(name, text.trim()) {
                errors.push(FieldError::new(alt_field(i, name), e.problem));
            }
        }
        list.push(Candidate::new(format!("{} {}", lang.pick("Тариф", "Tariff"), i + 1), tariff));
    }
    if errors.is_empty() {
        Ok(list)
    } else {
        Err(errors)
    }
}

/// A tariff of the company's catalogue (`GET /api/v1/tariffs`, read when the page's server
/// answers): its name and its six terms as the server wrote them (the order of `Tariff::FIELDS`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueTariff {
    pub name: String,
    pub terms: [String; 6],
}

impl CatalogueTariff {
    /// The terms, if every one reads.
    pub fn tariff(&self) -> Option<Tariff> {
        let mut tariff = Tariff::start();
        for (name, text) in Tariff::FIELDS.iter().zip(&self.terms) {
            tariff.set_field(name, text.trim()).ok()?;
        }
        Some(tariff)
    }
}

/// `list` (from [`candidates`]) with the company's other tariffs after «Старт» and one-off work,
/// each under its name in quotes as the offer writes «Старт». One-off work stays second: each
/// tariff's break-even is stated against it ([`bands_html`]). A tariff whose terms this page
/// cannot read is left out rather than shown wrong; «Старт» itself is built in and comes first
/// already.
pub fn with_catalogue(mut list: Vec<Candidate>, catalogue: &[CatalogueTariff]) -> Vec<Candidate> {
    let company = catalogue
        .iter()
        .filter(|entry| entry.name != "Старт")
        .filter_map(|entry| entry.tariff().map(|tariff| Candidate::new(format!("«{}»", entry.name), tariff)))
        .collect::<Vec<_>>();
    let at = list.len().min(2);
    list.splice(at..at, company);
    list
}

/// A history of months as typed or pasted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    /// The first month, when the lines name their months.
    pub first: Option<Period>,
    pub hours: Vec<Hours>,
}

/// Field name of a history line (1-based, as a person counts lines).
pub fn history_field(line: usize) -> String {
    format!("history[{line}]")
}

/// Splits a line into cells: on `;` or a tab when there is one; else `YYYY-MM,hours` on its first
/// comma (the hours may then use a decimal comma); else the line is one cell.
fn cells(line: &str) -> Vec<&str> {
    if line.contains([';', '\t']) {
        // A month the calculator's CSV keeps as text (`="2027-01"`) reads as that text.
        return line
            .split([';', '\t'])
            .map(|c| hourbank_domain::csv::kept_text_in(c.trim()).unwrap_or(c.trim()))
            .collect();
    }
    match line.split_once(',') {
        Some((first, rest)) if Period::parse("", first.trim()).is_ok() => vec![first.trim(), rest.trim()],
        _ => vec![line.trim()],
    }
}

/// Parses a history: one month a line, `hours` alone or `YYYY-MM;hours` (also `,` or a tab), with
/// an optional header row naming the columns (the calculator's own CSV works: its «Период» and
/// «Часы» columns are used, and the blank line before its totals ends the months). Months named
/// must follow one another. Errors name the line: `history[3]`.
pub fn parse_history(text: &str, lang: Lang) -> Result<History, Vec<FieldError>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut errors = Vec::new();
    let mut columns: Option<(Option<usize>, usize)> = None;
    let mut first = None;
    let mut hours = Vec::new();
    let mut named: Option<bool> = None;
    for (index, line) in text.lines().enumerate() {
        let n = index + 1;
        let field = || history_field(n);
        if line.trim().is_empty() {
            if hours.is_empty() && errors.is_empty() {
                continue;
            }
            break;
        }
        let cells = cells(line);
        let header = |cells: &[&str]| {
            let find =
                |names: &[&str]| cells.iter().position(|c| names.iter().any(|n| lowercase_ru_en(c).starts_with(n)));
            let hours = find(&["часы", "часов", "hours"])?;
            Some((find(&["период", "месяц", "period", "month"]), hours))
        };
        if columns.is_none()
            && hours.is_empty()
            && errors.is_empty()
            && let Some(found) = header(&cells)
        {
            columns = Some(found);
            continue;
        }
        let (period_cell, hours_cell) = match columns {
            Some((p, h)) => (p.and_then(|p| cells.get(p).copied()), cells.get(h).copied().unwrap_or("")),
            None if cells.len() >= 2 => (Some(cells[0]), cells[1]),
            None => (None, cells[0]),
        };
        if named.is_some_and(|named| named != period_cell.is_some()) {
            errors.push(FieldError::new(
                field(),
                Problem::Other(lang.pick("месяц указан не во всех строках", "not every line names its month").into()),
            ));
            continue;
        }
        named = Some(period_cell.is_some());
        if let Some(cell) = period_cell {
            match Period::parse(&field(), cell) {
                Ok(period) => {
                    let expected = first.map(|f: Period| f.plus(hours.len() as u32));
                    match expected {
                        None => first = Some(period),
                        Some(expected) if expected != period => {
                            errors.push(FieldError::new(
                                field(),
                                Problem::Other(format!(
                                    "{} {expected}",
                                    lang.pick("ожидался месяц", "expected the month")
                                )),
                            ));
                            continue;
                        }
                        Some(_) => {}
                    }
                }
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            }
        }
        match Hours::parse_month(&field(), hours_cell) {
            Ok(h) => hours.push(h),
            Err(e) => errors.push(e),
        }
        if hours.len() > MAX_SCENARIO_MONTHS {
            errors.push(FieldError::new(
                field(),
                Problem::TooLarge { max: format!("{MAX_SCENARIO_MONTHS} {}", lang.pick("месяцев", "months")) },
            ));
            break;
        }
    }
    if errors.is_empty() {
        Ok(History { first, hours })
    } else {
        Err(errors)
    }
}

/// The cheapest tariffs' names, joined.
fn names(list: &[usize], names: &[String]) -> String {
    list.iter().map(|&i| names[i].as_str()).collect::<Vec<_>>().join(", ")
}

/// The comparison as a table: each tariff's fees, hours paid one by one, totals, and how much
/// more than the cheapest. Every text in it is ours (names and figures). `label` names the
/// table's scrolling region (unique on the page).
pub fn comparison_html(c: &Comparison, vat: Vat, id: &str, label: &str, lang: Lang) -> String {
    let t = |ru, en| lang.pick(ru, en);
    let with_vat = vat != Vat::None;
    let mut heads = vec![
        t("Тариф", "Tariff"),
        t("Абонплата", "Fees"),
        t("Часы по ставке, ₽", "Hours at the rate, ₽"),
        t("Итого", "Total"),
    ];
    if with_vat {
        heads.push(t("Итого с НДС", "Total with VAT"));
    }
    heads.extend([
        t("Средняя цена часа", "Average price of an hour"),
        t("Дороже самого дешёвого на", "Above the cheapest by"),
    ]);
    let mut html = format!(
        "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"{}\"><table id=\"{}\"><thead><tr>",
        html::text(label),
        html::text(id)
    );
    for h in &heads {
        html += &format!("<th scope=\"col\">{}</th>", html::text(h));
    }
    html += "</tr></thead><tbody>";
    // A tie is a tie: «дешевле всех» only for one row; rows tied at the least total say so;
    // when every row costs the same, none is marked.
    let all_tie = c.cheapest.len() == c.rows.len();
    for (i, row) in c.rows.iter().enumerate() {
        let s = &row.statement.summary;
        let cheapest = c.cheapest.contains(&i) && !all_tie;
        let class = if cheapest { " class=\"cheapest\"" } else { "" };
        let mark = match (cheapest, c.cheapest.len()) {
            (false, _) => String::new(),
            (true, 1) => format!(" <strong>— {}</strong>", t("дешевле всех", "the cheapest")),
            (true, _) => format!(" <strong>— {}</strong>", t("дешевле остальных, поровну", "cheapest, tied")),
        };
        html += &format!("<tr{class} data-row=\"{i}\"><th scope=\"row\">{}{mark}</th>", html::text(&row.name));
        let rate = s.effective_rate.map_or_else(|| "—".into(), rubles);
        let over = if c.cheapest.contains(&i) { "—".to_string() } else { rubles(row.over_cheapest) };
        let mut cells = vec![("num", rubles(s.fees)), ("num", rubles(s.extra_charges)), ("num total", rubles(s.total))];
        if with_vat {
            cells.push(("num total", rubles(s.total_with_vat)));
        }
        cells.extend([("num", rate), ("num over", over)]);
        // Each cell names its column: on a phone every tariff is a card of labelled lines.
        for ((class, text), head) in cells.into_iter().zip(&heads[1..]) {
            html += &format!("<td class=\"{class}\" data-label=\"{}\">{text}</td>", html::text(head));
        }
        html += "</tr>";
    }
    html + "</tbody></table></div>"
}

/// One sentence on which tariff is cheapest for these hours, never claiming an unshown saving.
pub fn comparison_verdict(c: &Comparison, lang: Lang) -> String {
    let all: Vec<String> = c.rows.iter().map(|r| r.name.clone()).collect();
    let total = |i: usize| rubles(c.rows[i].statement.summary.total_with_vat);
    match (c.winner(), c.saving(), lang) {
        (Some(w), Some(saving), Lang::Ru) => format!(
            "Дешевле всех — {}: {}, на {} меньше следующего варианта.",
            w.name,
            rubles(w.statement.summary.total_with_vat),
            rubles(saving)
        ),
        (Some(w), Some(saving), Lang::En) => format!(
            "The cheapest is {}: {}, {} less than the next option.",
            w.name,
            rubles(w.statement.summary.total_with_vat),
            rubles(saving)
        ),
        (_, _, Lang::Ru) if c.cheapest.len() == all.len() => {
            format!("Все тарифы стоят одинаково: по {} — ни один не выгоднее.", total(0))
        }
        (_, _, Lang::En) if c.cheapest.len() == all.len() => {
            format!("Every tariff costs the same: {} each — none is cheaper.", total(0))
        }
        (_, _, Lang::Ru) => format!(
            "Одинаково дешевле остальных: {} — по {}; выгоды одного из них перед другим нет.",
            names(&c.cheapest, &all),
            total(c.cheapest[0])
        ),
        (_, _, Lang::En) => format!(
            "Equally the cheapest: {} — {} each; neither is cheaper than the other.",
            names(&c.cheapest, &all),
            total(c.cheapest[0])
        ),
    }
}

/// The cheapest tariffs by hours closed every month, as a list, and each tariff's break-even with
/// one-off work (the second candidate).
pub fn bands_html(candidates: &[Candidate], lang: Lang) -> String {
    let t = |ru, en| lang.pick(ru, en);
    let tariffs: Vec<Tariff> = candidates.iter().map(|c| c.tariff.clone()).collect();
    let all: Vec<String> = candidates.iter().map(|c| c.name.clone()).collect();
    let bands = cheapest_by_hours(&tariffs);
    let mut html = String::from("<ul id=\"bands\" class=\"bands\">");
    for (i, band) in bands.iter().enumerate() {
        html += &format!("<li data-band=\"{i}\">{}: ", band_range(band, i + 1 == bands.len(), lang));
        html += &if band.cheapest.len() == all.len() {
            t("все стоят одинаково", "all cost the same").to_string()
        } else if band.cheapest.len() == 1 {
            format!("{} — {}", t("дешевле всех", "the cheapest"), html::text(&all[band.cheapest[0]]))
        } else {
            format!("{} — {}", t("одинаково", "equal"), html::text(&names(&band.cheapest, &all)))
        };
        html += "</li>";
    }
    html += "</ul><ul id=\"break-even\" class=\"bands\">";
    let one_off = &candidates[1];
    for (i, c) in candidates.iter().enumerate().filter(|&(i, _)| i != 1) {
        let text = match break_even(&c.tariff, &one_off.tariff) {
            Some(h) if h.is_zero() => {
                t("не дороже разовых работ при любых часах", "no dearer than one-off work at any hours").to_string()
            }
            Some(h) => format!(
                "{} {} {}",
                t("не дороже разовых работ от", "no dearer than one-off work from"),
                lang.hours(h),
                t("в месяц", "a month")
            ),
            None => t(
                "дороже разовых работ при больших объёмах (до 744 ч)",
                "dearer than one-off work at large volumes (up to 744 h)",
            )
            .to_string(),
        };
        html += &format!("<li data-tariff=\"{i}\">{}: {text}</li>", html::text(&c.name));
    }
    html + "</ul>"
}

/// `от 0 до 9,99 ч`, `от 10 ч`, `ровно 8 ч` (`from 0 h to 9,99 h`, `from 10 h`, `exactly 8 h`).
fn band_range(band: &Band, last: bool, lang: Lang) -> String {
    let (from, to) = (lang.hours(band.from), lang.hours(band.to));
    if band.from == band.to {
        format!("{} {from}", lang.pick("ровно", "exactly"))
    } else if last {
        format!("{} {from}", lang.pick("от", "from"))
    } else {
        format!("{} {from} {} {to}", lang.pick("от", "from"), lang.pick("до", "to"))
    }
}

/// The history's verdict in one sentence.
pub fn replay_verdict(r: &Replay, lang: Lang) -> String {
    match (&r.verdict, lang) {
        (Verdict::TooLittleData { months }, Lang::Ru) => format!(
            "Слишком мало данных: {months} мес. Нужно хотя бы {MIN_HISTORY_MONTHS} месяца, чтобы советовать тариф; \
             суммы ниже — только для сведения."
        ),
        (Verdict::TooLittleData { months }, Lang::En) => format!(
            "Too little data: {months} months. At least {MIN_HISTORY_MONTHS} months are needed to advise a tariff; \
             the totals below are for information only."
        ),
        (Verdict::Tie { names, total }, Lang::Ru) => format!(
            "За эти месяцы {} обошлись бы одинаково: по {} — данные не показывают выгоды ни одного из них.",
            names.join(", "),
            rubles(*total)
        ),
        (Verdict::Tie { names, total }, Lang::En) => format!(
            "Over these months {} would have cost the same: {} each — the data shows no saving for any of them.",
            names.join(", "),
            rubles(*total)
        ),
        (Verdict::Cheapest { name, total, next, saving }, Lang::Ru) => format!(
            "За эти месяцы дешевле всех: {name} — {}, на {} меньше, чем {next}.",
            rubles(*total),
            rubles(*saving)
        ),
        (Verdict::Cheapest { name, total, next, saving }, Lang::En) => format!(
            "Over these months the cheapest is {name}: {}, {} less than {next}.",
            rubles(*total),
            rubles(*saving)
        ),
    }
}

/// Compares the scenario's hours; the error names the field when the scenario cannot be compared.
pub fn compare_scenario(
    start: chrono::NaiveDate,
    end: Option<chrono::NaiveDate>,
    months: &[Hours],
    vat: Vat,
    candidates: &[Candidate],
) -> Result<Comparison, FieldError> {
    compare(start, end, months, vat, candidates)
}

/// Replays a history from its first month (or `fallback` when its lines name none).
pub fn replay_history(
    history: &History,
    fallback: Period,
    vat: Vat,
    candidates: &[Candidate],
) -> Result<Replay, FieldError> {
    replay(history.first.unwrap_or(fallback), &history.hours, vat, candidates)
}

/// Lower case for Latin and Russian letters, enough for the header names a history is read by.
/// `str::to_lowercase` would bring Unicode's whole case table into the page's wasm.
fn lowercase_ru_en(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'А'..='Я' => char::from_u32(c as u32 + ('а' as u32 - 'А' as u32)).unwrap_or(c),
            'Ё' => 'ё',
            _ => c.to_ascii_lowercase(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calculator::TARIFF_START;
    use chrono::NaiveDate;
    use hourbank_domain::Money;

    fn form() -> CalculatorForm {
        CalculatorForm::new(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())
    }

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    /// Tariff names are user text: every function that returns HTML escapes them (and any other
    /// text it is given), so a name like `<script>` or one with quotes renders as text.
    #[test]
    fn header_names_in_any_case() {
        assert_eq!(lowercase_ru_en("ЧАСЫ Часов HOURS Ёмкость Month-1 №"), "часы часов hours ёмкость month-1 №");
        let history = parse_history("МЕСЯЦ;ЧАСЫ\n2026-01;10\n2026-02;3", Lang::Ru).unwrap();
        assert_eq!((history.first.map(|p| p.to_string()), history.hours.len()), (Some("2026-01".into()), 2));
    }

    #[test]
    fn hostile_names_come_out_as_text_from_every_html_builder() {
        use hourbank_domain::compare::Candidate;
        use hourbank_domain::{Hours, Tariff, Vat};
        let hostile = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "O'Brien & Co"];
        let candidates: Vec<Candidate> = hostile.iter().map(|n| Candidate::new(*n, Tariff::start())).collect();
        let hours = [Hours::whole(12); 6];
        let comparison =
            compare(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(), None, &hours, Vat::None, &candidates).unwrap();
        let months = &comparison.rows[0].statement.months;
        let outputs = [
            comparison_html(&comparison, Vat::None, "cmp\"<x>", "<b>метка</b>", Lang::Ru),
            bands_html(&candidates, Lang::Ru),
            bands_html(&candidates, Lang::En),
            crate::simulation::histogram_svg(&[(Money::ZERO, Money::from_kopecks(100), 3)], "<script>\"", Lang::Ru),
            crate::charts::charts_html(months, Hours::whole(10), Lang::Ru),
        ];
        for html in &outputs {
            for raw in ["<script", "<img", "<b>", "<x>"] {
                assert!(!html.contains(raw), "{raw} in {html}");
            }
        }
        assert!(outputs[0].contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{}", outputs[0]);
        assert!(outputs[0].contains("O&#39;Brien &amp; Co"));
        assert!(outputs[0].contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), "{}", outputs[0]);
        assert!(outputs[1].contains("O&#39;Brien &amp; Co"), "{}", outputs[1]);
        assert!(outputs[3].contains("&lt;script&gt;&quot;"));
    }

    #[test]
    fn the_market_price_lives_in_the_link_when_it_is_not_the_default() {
        assert_eq!(decode_market("?start=2027-01-01&h=1"), DEFAULT_MARKET_RATE);
        assert_eq!(decode_market("?market=2%20500&h=1"), "2 500");
        assert_eq!(encode_market("3000"), "");
        assert_eq!(encode_market("3000,00"), "");
        assert_eq!(encode_market("2500,5"), "&market=2500.5");
    }

    #[test]
    fn added_tariffs_live_in_the_link() {
        let alts = decode_alts("?start=2027-01-01&h=1&alt=45000:25:1800:20:1:1800&alt=1%2C5:x&tariff=start");
        assert_eq!(alts[0], ["45000", "25", "1800", "20", "1", "1800"].map(String::from));
        assert_eq!(alts[1][0], "1,5");
        assert_eq!(alts[1][1], "x");
        assert_eq!(alts[1][2], "");
        assert_eq!(encode_alts(&alts[..1]), "&alt=45000:25:1800:20:1:1800");
        let many = ["alt=1:1:1:1:1:1"; 9].join("&");
        assert_eq!(decode_alts(&many).len(), MAX_ALTS);
        // Numbers become canonical (`1,5` → `1.5`); the link of the link is the link.
        let again = decode_alts(&encode_alts(&alts));
        assert_eq!(again[1][0], "1.5");
        assert_eq!(encode_alts(&again), encode_alts(&alts));
    }

    #[test]
    fn the_candidates_and_their_errors() {
        let f = form();
        let list = candidates(&Tariff::start(), &f, &[], DEFAULT_MARKET_RATE, Lang::Ru).unwrap();
        let names: Vec<_> = list.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["«Старт»", "Разовые работы (3\u{a0}000,00\u{a0}₽ за час)"]);
        assert_eq!(list[1].tariff.monthly_fee, Money::ZERO);
        assert_eq!(list[1].tariff.overage_rate, Money::from_kopecks(3_000_00));
        // The market price is named when it is wrong, with every other bad field.
        let e = candidates(&Tariff::start(), &f, &[["x"; 6].map(String::from)], "0", Lang::Ru).unwrap_err();
        assert_eq!(fields(e.clone())[0], "market");
        assert_eq!(e[0].problem.ru(), "должно быть больше 0");
        assert_eq!(fields(candidates(&Tariff::start(), &f, &[], "три", Lang::Ru).unwrap_err()), ["market"]);
        let mut custom = f.clone();
        custom.tariff = TARIFF_CUSTOM.into();
        let alts = vec![new_alt(), ["-1", "10", "2000", "10", "1.5", "2000"].map(String::from)];
        assert_eq!(
            fields(candidates(&Tariff::start(), &custom, &alts, "3000", Lang::Ru).unwrap_err()),
            ["alt[1].monthly_fee", "alt[1].trial_months"]
        );
        let list = candidates(&Tariff::start(), &custom, &alts[..1], "3000", Lang::Ru).unwrap();
        assert_eq!(list[2].name, "Свой тариф из расчёта");
        assert_eq!(list[3].name, "Тариф 1");
        let mut start = f;
        start.tariff = TARIFF_START.into();
        assert_eq!(candidates(&Tariff::start(), &start, &alts[..1], "3000", Lang::Ru).unwrap().len(), 3);
    }

    #[test]
    fn the_company_catalogue_comes_after_start() {
        let list = candidates(&Tariff::start(), &form(), &[], DEFAULT_MARKET_RATE, Lang::Ru).unwrap();
        let terms = |t: [&str; 6]| t.map(String::from);
        let catalogue = [
            CatalogueTariff {
                name: "Старт".into(), terms: terms(["20000.00", "10", "2000.00", "10", "2", "2000.00"])
            },
            CatalogueTariff {
                name: "Бизнес".into(),
                terms: terms(["45000.00", "25", "1900.00", "25", "0", "1900.00"]),
            },
            CatalogueTariff {
                name: "Сломанный".into(), terms: terms(["-1", "25", "1900", "25", "0", "1900"])
            },
        ];
        let list = with_catalogue(list, &catalogue);
        let names: Vec<_> = list.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["«Старт»", "Разовые работы (3\u{a0}000,00\u{a0}₽ за час)", "«Бизнес»"]);
        assert_eq!(list[2].tariff.monthly_fee, Money::from_kopecks(45_000_00));
        assert_eq!(list[2].tariff.included_hours, Hours::whole(25));
        assert_eq!(list[2].tariff.trial_months, 0);
        // Each tariff's break-even is against one-off work, whatever the catalogue holds: «Старт»
        // (2 000 ₽ an hour over 10 h for 20 000 ₽) from 6,67 h, «Бизнес» (45 000 ₽) from 15 h; one-off
        // work is not compared with itself.
        let bands = bands_html(&list, Lang::Ru);
        assert!(bands.contains("«Старт»: не дороже разовых работ от 6,67\u{a0}ч в месяц"), "{bands}");
        assert!(bands.contains("«Бизнес»: не дороже разовых работ от 15\u{a0}ч в месяц"), "{bands}");
        assert!(!bands.contains("Разовые работы (3\u{a0}000,00\u{a0}₽ за час): "), "{bands}");
        // Without the server (the calculator served on its own, or offline): the built-in list.
        let alone = candidates(&Tariff::start(), &form(), &[], DEFAULT_MARKET_RATE, Lang::Ru).unwrap();
        assert_eq!(with_catalogue(alone.clone(), &[]), alone);
    }

    #[test]
    fn histories_in_every_shape() {
        let h = |t: &str| parse_history(t, Lang::Ru).unwrap();
        let plain = h("12,5\n3\n\n");
        assert_eq!(plain, History { first: None, hours: vec![Hours::from_centi(12_50), Hours::whole(3)] });
        let named = h("2026-01;12,5\r\n2026-02;3\n2026-03\t0");
        assert_eq!(named.first, Period::new(2026, 1));
        assert_eq!(named.hours.len(), 3);
        assert_eq!(h("2026-11,7,25\n2026-12,1").hours, [Hours::from_centi(7_25), Hours::whole(1)]);
        assert_eq!(h("Месяц;Часы\n2026-01;4").hours, [Hours::whole(4)]);
        // The calculator's own CSV: its Период and Часы columns, its totals after the blank line.
        let csv = "\u{feff}Период;Этап;Часы;Абонентская плата\r\n2027-01;пробный;3;0.00\r\n2027-02;пробный;12.5;0.00\r\n\r\nИтого;31000.00\r\n";
        assert_eq!(
            h(csv),
            History { first: Period::new(2027, 1), hours: vec![Hours::whole(3), Hours::from_centi(12_50)] }
        );
        assert_eq!(h("").hours, []);
    }

    #[test]
    fn bad_history_lines_are_named() {
        let e = parse_history("2026-01;3\n2026-03;4\nabc;1\n2026-05;-1", Lang::Ru).unwrap_err();
        assert_eq!(fields(e.clone()), ["history[2]", "history[3]", "history[4]"]);
        assert_eq!(e[0].problem.ru(), "ожидался месяц 2026-02");
        assert!(e[1].problem.ru().starts_with("неверный период"), "{}", e[1].problem.ru());
        let e = parse_history("3\n2026-02;4\n1,234", Lang::Ru).unwrap_err();
        assert_eq!(e[0].problem.ru(), "месяц указан не во всех строках");
        assert_eq!(e[1].field, "history[3]");
        assert_eq!(e[1].problem.ru(), "не более двух знаков после запятой");
        let long = vec!["1"; 601].join("\n");
        assert_eq!(parse_history(&long, Lang::Ru).unwrap_err()[0].problem.ru(), "не больше 600 месяцев");
        let e = parse_history("2026-01;3\n2026-03;4\n5", Lang::En).unwrap_err();
        assert_eq!(Lang::En.problem(&e[0].problem), "expected the month 2026-02");
        assert_eq!(Lang::En.problem(&e[1].problem), "not every line names its month");
    }

    #[test]
    fn the_tables_and_verdicts_say_what_the_figures_show() {
        let f = form();
        let list = candidates(
            &Tariff::start(),
            &f,
            &[["45000", "25", "1800", "20", "1", "1800"].map(String::from)],
            "2000",
            Lang::Ru,
        )
        .unwrap();
        let start = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        let c = compare_scenario(start, None, &[Hours::whole(30); 4], Vat::None, &list).unwrap();
        let html = comparison_html(&c, Vat::None, "compare-table", "Сравнение", Lang::Ru);
        assert!(
            html.contains(
                "<tr class=\"cheapest\" data-row=\"2\"><th scope=\"row\">Тариф 1 <strong>— дешевле всех</strong>"
            ),
            "{html}"
        );
        assert!(
            html.contains("<td class=\"num over\" data-label=\"Дороже самого дешёвого на\">24\u{a0}000,00\u{a0}₽</td>"),
            "{html}"
        );
        assert!(!html.contains("с НДС"));
        assert_eq!(
            comparison_verdict(&c, Lang::Ru),
            "Дешевле всех — Тариф 1: 216\u{a0}000,00\u{a0}₽, на 24\u{a0}000,00\u{a0}₽ меньше следующего варианта."
        );
        let c = compare_scenario(start, None, &[Hours::whole(10); 4], Vat::None, &list[..2]).unwrap();
        assert_eq!(
            comparison_verdict(&c, Lang::Ru),
            "Все тарифы стоят одинаково: по 80\u{a0}000,00\u{a0}₽ — ни один не выгоднее."
        );
        // A tie of every row marks none of them; a tie of some says «поровну», never «дешевле всех».
        let html = comparison_html(&c, Vat::None, "t", "Сравнение", Lang::Ru);
        assert!(!html.contains("cheapest") && !html.contains("дешевле"), "{html}");
        let mut three = list[..2].to_vec();
        three.push(hourbank_domain::compare::Candidate::new("Дорогой", {
            let mut t = Tariff::start();
            t.monthly_fee = Money::from_kopecks(90_000_00);
            t
        }));
        let c = compare_scenario(start, None, &[Hours::whole(10); 4], Vat::None, &three).unwrap();
        let html = comparison_html(&c, Vat::None, "t", "Сравнение", Lang::Ru);
        assert_eq!(html.matches("<strong>— дешевле остальных, поровну</strong>").count(), 2, "{html}");
        assert!(!html.contains("дешевле всех"), "{html}");
        let bands = bands_html(&list, Lang::Ru);
        assert!(
            bands.contains("<li data-band=\"0\">от 0\u{a0}ч до 9,99\u{a0}ч: дешевле всех — Разовые работы"),
            "{bands}"
        );
        assert!(
            bands.contains("<li data-tariff=\"0\">«Старт»: не дороже разовых работ от 10\u{a0}ч в месяц</li>"),
            "{bands}"
        );
        let replayed =
            replay_history(&parse_history("2\n2", Lang::Ru).unwrap(), Period::new(2026, 1).unwrap(), Vat::None, &list)
                .unwrap();
        assert!(replay_verdict(&replayed, Lang::Ru).starts_with("Слишком мало данных: 2 мес."));
        let replayed = replay_history(
            &parse_history("10\n10\n10", Lang::Ru).unwrap(),
            Period::new(2026, 1).unwrap(),
            Vat::None,
            &list[..2],
        )
        .unwrap();
        assert_eq!(
            replay_verdict(&replayed, Lang::Ru),
            "За эти месяцы «Старт», Разовые работы (2\u{a0}000,00\u{a0}₽ за час) обошлись бы одинаково: по 60\u{a0}000,00\u{a0}₽ \
             — данные не показывают выгоды ни одного из них."
        );
        let replayed = replay_history(
            &parse_history("1\n1\n1", Lang::Ru).unwrap(),
            Period::new(2026, 1).unwrap(),
            Vat::None,
            &list,
        )
        .unwrap();
        assert_eq!(
            replay_verdict(&replayed, Lang::Ru),
            "За эти месяцы дешевле всех: Разовые работы (2\u{a0}000,00\u{a0}₽ за час) — 6\u{a0}000,00\u{a0}₽, \
             на 54\u{a0}000,00\u{a0}₽ меньше, чем «Старт»."
        );
    }
}
