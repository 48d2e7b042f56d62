//! Amounts in Russian words, as an act of completed work writes its total:
//! `20 000,00` → «Двадцать тысяч рублей 00 копеек».

use crate::units::Money;

const UNITS_MASCULINE: [&str; 10] = ["", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"];
const UNITS_FEMININE: [&str; 10] = ["", "одна", "две", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"];
const TEENS: [&str; 10] = [
    "десять",
    "одиннадцать",
    "двенадцать",
    "тринадцать",
    "четырнадцать",
    "пятнадцать",
    "шестнадцать",
    "семнадцать",
    "восемнадцать",
    "девятнадцать",
];
const TENS: [&str; 10] =
    ["", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто"];
const HUNDREDS: [&str; 10] =
    ["", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот"];

/// Grammatical gender of the counted noun: «одна тысяча», but «один рубль», «один миллион».
#[derive(Clone, Copy)]
enum Gender {
    Masculine,
    Feminine,
}

/// The form of a noun after `n`: 1 рубль, 2 рубля, 5 рублей, 11 рублей, 21 рубль.
pub fn plural<'a>(n: u64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    let last_two = n % 100;
    if (11..=14).contains(&last_two) {
        return many;
    }
    match n % 10 {
        1 => one,
        2..=4 => few,
        _ => many,
    }
}

/// Words for 1..=999 (nothing for 0).
fn triad(n: u64, gender: Gender, out: &mut Vec<&'static str>) {
    let (h, t, u) = ((n / 100) as usize, ((n / 10) % 10) as usize, (n % 10) as usize);
    if h > 0 {
        out.push(HUNDREDS[h]);
    }
    if t == 1 {
        out.push(TEENS[u]);
        return;
    }
    if t > 1 {
        out.push(TENS[t]);
    }
    if u > 0 {
        out.push(match gender {
            Gender::Masculine => UNITS_MASCULINE[u],
            Gender::Feminine => UNITS_FEMININE[u],
        });
    }
}

/// A whole number in words, lower case: `21 000` → «двадцать одна тысяча».
pub fn number_in_words(n: u64) -> String {
    if n == 0 {
        return "ноль".to_string();
    }
    // (scale, gender of its noun, forms of its noun)
    const SCALES: [(u64, Gender, [&str; 3]); 4] = [
        (1_000_000_000_000, Gender::Masculine, ["триллион", "триллиона", "триллионов"]),
        (1_000_000_000, Gender::Masculine, ["миллиард", "миллиарда", "миллиардов"]),
        (1_000_000, Gender::Masculine, ["миллион", "миллиона", "миллионов"]),
        (1_000, Gender::Feminine, ["тысяча", "тысячи", "тысяч"]),
    ];
    let mut words = Vec::new();
    let mut rest = n;
    for (scale, gender, [one, few, many]) in SCALES {
        let count = rest / scale;
        rest %= scale;
        if count == 0 {
            continue;
        }
        // Counts above 999 only happen past the largest scale (over 10^15 rubles).
        if count > 999 {
            words.push(number_in_words(count));
        } else {
            let mut part = Vec::new();
            triad(count, gender, &mut part);
            words.push(part.join(" "));
        }
        words.push(plural(count, one, few, many).to_string());
    }
    let mut part = Vec::new();
    triad(rest, Gender::Masculine, &mut part);
    if !part.is_empty() {
        words.push(part.join(" "));
    }
    words.join(" ")
}

/// «Двадцать тысяч рублей 00 копеек»: rubles in words with a capital letter, kopecks in digits,
/// as Russian accounting documents write a total. (`Money` is never negative.)
pub fn rubles_in_words(amount: Money) -> String {
    let kopecks = amount.kopecks().unsigned_abs();
    let (rubles, kop) = (kopecks / 100, kopecks % 100);
    let text = format!(
        "{} {} {kop:02} {}",
        number_in_words(rubles),
        plural(rubles, "рубль", "рубля", "рублей"),
        plural(kop, "копейка", "копейки", "копеек")
    );
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rub(s: &str) -> Money {
        Money::parse("m", s).unwrap()
    }

    #[test]
    fn the_offer_fee_and_everyday_totals() {
        assert_eq!(rubles_in_words(rub("20000")), "Двадцать тысяч рублей 00 копеек");
        assert_eq!(rubles_in_words(rub("26000.00")), "Двадцать шесть тысяч рублей 00 копеек");
        assert_eq!(rubles_in_words(rub("24400")), "Двадцать четыре тысячи четыреста рублей 00 копеек");
        assert_eq!(rubles_in_words(rub("0")), "Ноль рублей 00 копеек");
        assert_eq!(rubles_in_words(rub("1.01")), "Один рубль 01 копейка");
        assert_eq!(rubles_in_words(rub("2.02")), "Два рубля 02 копейки");
        assert_eq!(rubles_in_words(rub("11.11")), "Одиннадцать рублей 11 копеек");
        assert_eq!(rubles_in_words(rub("21.21")), "Двадцать один рубль 21 копейка");
    }

    #[test]
    fn thousands_are_feminine_and_larger_scales_masculine() {
        assert_eq!(number_in_words(1_000), "одна тысяча");
        assert_eq!(number_in_words(2_000), "две тысячи");
        assert_eq!(number_in_words(5_000), "пять тысяч");
        assert_eq!(number_in_words(11_000), "одиннадцать тысяч");
        assert_eq!(number_in_words(21_000), "двадцать одна тысяча");
        assert_eq!(number_in_words(1_000_000), "один миллион");
        assert_eq!(number_in_words(2_000_000), "два миллиона");
        assert_eq!(number_in_words(1_002_001), "один миллион две тысячи один");
        assert_eq!(number_in_words(100_000_000), "сто миллионов");
        assert_eq!(number_in_words(999_999), "девятьсот девяносто девять тысяч девятьсот девяносто девять");
        assert_eq!(number_in_words(112), "сто двенадцать");
    }

    #[test]
    fn plural_forms_follow_the_last_two_digits() {
        let forms = |n| plural(n, "час", "часа", "часов");
        assert_eq!(
            [1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111].map(forms),
            ["час", "часа", "часа", "часов", "часов", "часов", "часов", "час", "часа", "часов", "час", "часов"]
        );
    }

    proptest::proptest! {
        /// Every amount has words; the kopecks are its last two digits.
        #[test]
        fn every_amount_reads_out(kopecks in 0_i64..100_000_000_00) {
            let text = rubles_in_words(Money::from_kopecks(kopecks));
            let kop = format!(" {:02} ", kopecks % 100);
            proptest::prop_assert!(text.contains(&kop), "{text}");
            proptest::prop_assert!(!text.contains("  "), "{text}");
            proptest::prop_assert!(text.chars().next().unwrap().is_uppercase());
        }
    }
}
