//! Values parsed at the edge. Past the edge, code works with values that are already valid.
//! Each parser takes the input field path so that its error names the field.

use crate::error::ErrorCode;
use crate::error::{Error, Result};

pub const NAME_MAX: usize = 200;

/// Text as people type it, made comparable: trimmed, and in Unicode normal form C.
pub fn typed(value: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
    let value = value.trim();
    match is_nfc_quick(value.chars()) {
        IsNormalized::Yes => std::borrow::Cow::Borrowed(value),
        _ => std::borrow::Cow::Owned(value.nfc().collect()),
    }
}

/// Characters that show nothing or change the direction of what follows: format
/// characters (zero-width spaces, bidirectional overrides and isolates, the byte order
/// mark, tag characters), Hangul fillers, and noncharacters. A name, code, number or title
/// holding one reads as something other than what it is. Zero-width joiners and
/// non-joiners are part of writing (Persian, the Indic scripts, emoji) between two visible
/// characters, and only there.
pub fn invisible(text: &str) -> Option<char> {
    let chars: Vec<char> = text.chars().collect();
    chars.iter().enumerate().find_map(|(i, &c)| {
        let code = u32::from(c);
        let joiner = matches!(c, '\u{200C}' | '\u{200D}');
        if joiner {
            let visible =
                |c: Option<&char>| c.is_some_and(|c| !c.is_whitespace() && !is_format(*c));
            let between = i > 0 && visible(chars.get(i - 1)) && visible(chars.get(i + 1));
            return (!between).then_some(c);
        }
        let filler = matches!(c, '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}');
        let noncharacter = (0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE;
        (is_format(c) || filler || noncharacter).then_some(c)
    })
}

/// Unicode's format characters (general category Cf).
fn is_format(c: char) -> bool {
    matches!(u32::from(c),
        0x00AD | 0x0600..=0x0605 | 0x061C | 0x06DD | 0x070F | 0x0890..=0x0891 | 0x08E2
        | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F
        | 0xFEFF | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F)
}

/// How a message names the field at `field`: its name, and for an item of a list the
/// list's name with the item's place (`productLines[2]`).
pub fn label_of(field: &[&str]) -> String {
    match field {
        [.., list, item] if item.bytes().all(|b| b.is_ascii_digit()) && !item.is_empty() => {
            format!("{list}[{item}]")
        }
        [.., name] => (*name).to_owned(),
        [] => "value".to_owned(),
    }
}

/// A required single-line text of at most `max` characters: trimmed, in normal form C,
/// with no control, invisible or direction-changing characters.
pub fn required_text(field: &[&str], value: &str, max: usize) -> Result<String> {
    let value = typed(value);
    let value = value.as_ref();
    let label = label_of(field);
    if value.is_empty() {
        return Err(Error::user(
            field,
            ErrorCode::Required,
            format!("{label} must not be empty"),
        ));
    }
    let chars = value.chars().count();
    if chars > max {
        return Err(Error::user(
            field,
            ErrorCode::TooLong,
            format!("{label} is {chars} characters long; at most {max} are allowed"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::user(
            field,
            ErrorCode::Invalid,
            format!("{label} must not contain control characters"),
        ));
    }
    if let Some(c) = invisible(value) {
        return Err(Error::user(
            field,
            ErrorCode::Invalid,
            format!(
                "{label} must not contain invisible or direction-changing characters (U+{:04X})",
                u32::from(c)
            ),
        ));
    }
    Ok(value.to_owned())
}

/// An optional text: blank becomes absent.
pub fn optional_text(field: &[&str], value: Option<&str>, max: usize) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => required_text(field, v, max).map(Some),
    }
}

/// Free text such as notes, which may span lines: trimmed and in normal form C; tabs and
/// line breaks are text, other control characters are not.
pub fn optional_note(field: &[&str], value: Option<&str>, max: usize) -> Result<Option<String>> {
    let Some(value) = value.map(typed).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let value = value.as_ref();
    if let Some(c) = value
        .chars()
        .find(|&c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        let label = label_of(field);
        return Err(Error::user(
            field,
            ErrorCode::Invalid,
            format!(
                "{label} must not contain control characters other than tabs and line breaks (U+{:04X})",
                u32::from(c)
            ),
        ));
    }
    let chars = value.chars().count();
    if chars > max {
        let label = label_of(field);
        return Err(Error::user(
            field,
            ErrorCode::TooLong,
            format!("{label} is {chars} characters long; at most {max} are allowed"),
        ));
    }
    Ok(Some(value.to_owned()))
}

/// The longest text a `…Contains` filter searches for, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;

/// A `…Contains` filter's text as names are searched (trimmed, in sort-key form), or `None`
/// when blank; longer than [`MAX_SEARCH_CHARS`] is refused, naming the argument.
pub fn search_text(
    field: &str,
    value: Option<String>,
) -> std::result::Result<Option<String>, crate::error::Error> {
    let Some(value) = value else {
        return Ok(None);
    };
    let chars = value.trim().chars().count();
    if chars > MAX_SEARCH_CHARS {
        return Err(crate::error::Error::bad_input(
            field,
            format!("{field} is {chars} characters long; at most {MAX_SEARCH_CHARS} are searched"),
        ));
    }
    Ok(Some(sort_key(value.trim())).filter(|n| !n.is_empty()))
}

/// The key names are searched and sorted by: the name folded to lower case (Unicode-aware,
/// so `Ärzte` and `ärzte` match; scripts without case are unchanged).
pub fn sort_key(name: &str) -> String {
    name.to_lowercase()
}

/// Words of legal forms and filler that do not tell companies apart.
const LEGAL_FORMS: [&str; 30] = [
    "gmbh",
    "ag",
    "kg",
    "ohg",
    "ug",
    "co",
    "inc",
    "ltd",
    "llc",
    "lp",
    "llp",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "plc",
    "corp",
    "corporation",
    "company",
    "limited",
    "the",
    "und",
    "and",
    "oy",
    "ab",
    "kk",
    "pte",
];

/// Legal forms written without spaces in Chinese and Japanese names.
const CJK_LEGAL_FORMS: [&str; 5] = [
    "株式会社",
    "有限会社",
    "合同会社",
    "有限公司",
    "股份有限公司",
];

/// A company name reduced to what tells it apart: lower case, letters and digits of any
/// script, legal forms dropped, single spaces. `Müller GmbH & Co. KG` and `müller` match.
pub fn company_key(name: &str) -> String {
    let mut text = name.to_lowercase();
    for form in CJK_LEGAL_FORMS {
        text = text.replace(form, " ");
    }
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !LEGAL_FORMS.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A partner code: 2 to 15 letters, digits, `-` or `_`, stored in upper case. It doubles as
/// the trading partner id in EDI, whose interchange ids are at most 15 characters.
pub fn partner_code(field: &[&str], value: &str) -> Result<String> {
    let given = value.trim();
    let chars = given.chars().count();
    // Checked as given: upper-casing first would let `ß` in as `SS`.
    let valid = (2..=15).contains(&chars)
        && given
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        // What was sent is named back only where it is short and printable.
        let message = if chars <= 40 && !given.chars().any(char::is_control) {
            format!("code `{given}` must be 2 to 15 letters, digits, `-` or `_`")
        } else {
            format!(
                "code is {chars} characters long; it must be 2 to 15 letters, digits, `-` or `_`"
            )
        };
        return Err(Error::user(field, ErrorCode::Invalid, message));
    }
    Ok(given.to_ascii_uppercase())
}

/// An email address: one `@`, a local part, and a domain with a dot. Stored as given, with
/// the domain in lower case.
pub fn email(field: &[&str], value: &str) -> Result<String> {
    let value = value.trim();
    let invalid = || {
        Error::user(
            field,
            ErrorCode::Invalid,
            format!("`{value}` is not a valid email address"),
        )
    };
    if value.chars().count() > 254 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid());
    }
    let (local, domain) = value.split_once('@').ok_or_else(invalid)?;
    let labels_ok = domain.split('.').count() >= 2
        && domain
            .split('.')
            .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'))
        && !domain.contains('@');
    if local.is_empty() || local.chars().count() > 64 || !labels_ok {
        return Err(invalid());
    }
    Ok(format!("{local}@{}", domain.to_lowercase()))
}

/// A phone number: digits with optional `+`, spaces, dots, dashes and parentheses.
pub fn phone(field: &[&str], value: &str) -> Result<String> {
    let value = value.trim();
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let allowed = value
        .chars()
        .all(|c| c.is_ascii_digit() || " +-.()/".contains(c));
    if !allowed || !(4..=20).contains(&digits) || value.len() > 40 {
        return Err(Error::user(
            field,
            ErrorCode::Invalid,
            format!("`{value}` is not a phone number"),
        ));
    }
    Ok(value.to_owned())
}

/// An ISO 3166-1 alpha-2 country code, in upper case.
pub fn country(field: &[&str], value: &str) -> Result<String> {
    let code = value.trim().to_uppercase();
    if code.len() != 2 || !code.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(Error::user(
            field,
            ErrorCode::Invalid,
            format!(
                "`{}` is not an ISO 3166-1 alpha-2 country code",
                value.trim()
            ),
        ));
    }
    Ok(code)
}

/// A GS1 Global Location Number: 13 digits whose last is the GS1 check digit.
pub fn gln(field: &[&str], value: &str) -> Result<String> {
    let value = value.trim();
    let digits: Vec<u32> = value.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 13 || value.len() != 13 {
        return Err(Error::user(
            field,
            ErrorCode::Invalid,
            format!("GLN `{value}` must be 13 digits"),
        ));
    }
    if gs1_check_digit(&digits[..12]) != digits[12] {
        return Err(Error::user(
            field,
            ErrorCode::Invalid,
            format!("GLN `{value}` has a wrong check digit"),
        ));
    }
    Ok(value.to_owned())
}

/// A D-U-N-S number: nine digits, or thirteen with a four-digit location suffix (DUNS+4).
/// Dashes, as people write it, are dropped.
pub fn duns(field: &[&str], value: &str) -> Result<String> {
    let digits: String = value.trim().chars().filter(|c| *c != '-').collect();
    if !(digits.len() == 9 || digits.len() == 13) || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::user(
            field,
            ErrorCode::Invalid,
            format!(
                "DUNS `{}` must be 9 digits, or 13 with a location suffix",
                value.trim()
            ),
        ));
    }
    Ok(digits)
}

/// A GTIN as 14 digits, so that a UPC-A, an EAN-13 and a GTIN-14 of one item compare equal.
pub fn gtin14(code: &str) -> Option<String> {
    let code = code.trim();
    (matches!(code.len(), 8 | 12 | 13 | 14) && code.chars().all(|c| c.is_ascii_digit()))
        .then(|| format!("{code:0>14}"))
}

/// The ways one GTIN may be written: as 8, 12, 13 or 14 digits, as far as its digits fit.
pub fn gtin_forms(code: &str) -> Vec<String> {
    let Some(full) = gtin14(code) else {
        return Vec::new();
    };
    let core = full.trim_start_matches('0');
    [8, 12, 13, 14]
        .into_iter()
        .filter(|n| core.len() <= *n)
        .map(|n| format!("{core:0>n$}"))
        .collect()
}

/// A GS1 Global Trade Item Number: 8, 12, 13 or 14 digits whose last is the check digit.
pub fn gtin(field: &[&str], value: &str) -> Result<String> {
    let value = value.trim();
    let digits: Vec<u32> = value.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != value.len() || ![8, 12, 13, 14].contains(&digits.len()) {
        return Err(Error::user(
            field,
            ErrorCode::Invalid,
            format!("GTIN `{value}` must be 8, 12, 13 or 14 digits"),
        ));
    }
    let (body, check) = digits.split_at(digits.len() - 1);
    if gs1_check_digit(body) != check[0] {
        return Err(Error::user(
            field,
            ErrorCode::Invalid,
            format!("GTIN `{value}` has a wrong check digit"),
        ));
    }
    Ok(value.to_owned())
}

/// A stock keeping unit: 1 to 48 letters, digits, `-`, `_`, `.` or `/`; stored in upper case.
pub fn sku(field: &[&str], value: &str) -> Result<String> {
    let value = required_text(field, value, 48)?;
    if !value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
    {
        return Err(Error::user(
            field,
            ErrorCode::Invalid,
            format!("SKU `{value}` may hold only letters, digits, `-`, `_`, `.` and `/`"),
        ));
    }
    Ok(value.to_uppercase())
}

/// The GS1 check digit of a body of digits (weights 3 and 1 from the right).
pub fn gs1_check_digit(body: &[u32]) -> u32 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d })
        .sum();
    (10 - sum % 10) % 10
}

/// A territory code such as `NORTH` or `DE-BY`: 1 to 64 characters, stored in upper case.
pub fn territory(field: &[&str], value: &str) -> Result<String> {
    let value = required_text(field, value, 64)?;
    Ok(value.to_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_upc_an_ean_and_a_gtin_14_of_one_item_compare_equal() {
        assert_eq!(gtin14("012345678905"), gtin14("0012345678905"));
        assert_eq!(gtin14("012345678905"), gtin14("00012345678905"));
        assert_eq!(gtin14("12345"), None);
        assert!(gtin_forms("012345678905").contains(&"0012345678905".to_owned()));
        assert!(gtin_forms("00012345678905").contains(&"012345678905".to_owned()));
    }

    #[test]
    fn typed_text_is_trimmed_and_composed() {
        // `é` as `e` and a combining acute accent becomes the one character.
        assert_eq!(
            required_text(&["name"], "  Cafe\u{301} ", 10).unwrap(),
            "Caf\u{e9}"
        );
        assert_eq!(
            optional_note(&["notes"], Some(" line one\n\tline two "), 100).unwrap(),
            Some("line one\n\tline two".to_owned())
        );
        assert!(optional_note(&["notes"], Some("bell\u{7}"), 100).is_err());
    }

    #[test]
    fn invisible_and_direction_changing_characters_are_refused_in_names() {
        for bad in [
            "\u{200B}",
            "Acme\u{202E}gnp.exe",
            "Ac\u{200B}me",
            "Acme\u{E0041}",
            "Acme\u{FFFF}",
            "\u{FEFF}Acme",
            "Acme\u{2066}x\u{2069}",
            "\u{3164}",
        ] {
            let err = required_text(&["input", "name"], bad, 50).unwrap_err();
            let Error::User(user) = err else {
                panic!("{bad:?}")
            };
            assert_eq!(user.field, ["input", "name"], "{bad:?}");
        }
        // Joiners inside words are writing: Persian, Devanagari, an emoji family.
        for good in [
            "می\u{200C}خواهم",
            "क्\u{200D}ष",
            "👩\u{200D}👩\u{200D}👧",
            "Zoë Ångström",
        ] {
            assert!(required_text(&["name"], good, 50).is_ok(), "{good:?}");
        }
        assert!(required_text(&["name"], "Acme\u{200D}", 50).is_err());
    }

    #[test]
    fn company_keys_ignore_case_punctuation_and_legal_forms() {
        assert_eq!(company_key("Müller GmbH & Co. KG"), "müller");
        assert_eq!(company_key("  MÜLLER gmbh"), "müller");
        assert_eq!(company_key("The Acme Corporation, Inc."), "acme");
        assert_eq!(company_key("トヨタ自動車株式会社"), "トヨタ自動車");
        assert_eq!(company_key("华为技术有限公司"), "华为技术");
        assert_ne!(company_key("Acme Tools"), company_key("Acme"));
    }

    #[test]
    fn gtins_need_their_check_digit() {
        assert_eq!(gtin(&["g"], "4006381333931").unwrap(), "4006381333931");
        assert_eq!(gtin(&["g"], "96385074").unwrap(), "96385074");
        assert_eq!(code_of(gtin(&["g"], "4006381333932")), ErrorCode::Invalid);
        assert_eq!(code_of(gtin(&["g"], "40063813339")), ErrorCode::Invalid);
        assert_eq!(code_of(gtin(&["g"], "40063813339a1")), ErrorCode::Invalid);
    }

    #[test]
    fn skus_are_upper_case_codes() {
        assert_eq!(sku(&["s"], " ab-100/2 ").unwrap(), "AB-100/2");
        assert_eq!(code_of(sku(&["s"], "AB 100")), ErrorCode::Invalid);
        assert_eq!(code_of(sku(&["s"], "")), ErrorCode::Required);
    }

    fn code_of(result: Result<String>) -> ErrorCode {
        match result {
            Err(Error::User(e)) => e.code,
            other => panic!("expected a user error, got {other:?}"),
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(required_text(&["name"], "  Acme ", 200).unwrap(), "Acme");
        assert_eq!(
            code_of(required_text(&["name"], "   ", 200)),
            ErrorCode::Required
        );
        let long = "é".repeat(201);
        assert_eq!(
            code_of(required_text(&["name"], &long, 200)),
            ErrorCode::TooLong
        );
        assert!(required_text(&["name"], &"漢".repeat(200), 200).is_ok());
    }

    #[test]
    fn partner_codes_are_upper_case_edi_ids() {
        assert_eq!(partner_code(&["code"], "dist-001").unwrap(), "DIST-001");
        assert_eq!(code_of(partner_code(&["code"], "a")), ErrorCode::Invalid);
        assert_eq!(
            code_of(partner_code(&["code"], "has space")),
            ErrorCode::Invalid
        );
        assert_eq!(
            code_of(partner_code(&["code"], "ABCDEFGHIJKLMNOP")),
            ErrorCode::Invalid
        );
        // `ß` upper-cases to `SS`: refused as sent, not let in as another code.
        assert_eq!(
            code_of(partner_code(&["code"], "straße")),
            ErrorCode::Invalid
        );
        assert_eq!(code_of(partner_code(&["code"], "ǅ-1")), ErrorCode::Invalid);
        match partner_code(&["code"], &"X".repeat(5000)) {
            Err(Error::User(e)) => {
                assert_eq!(
                    e.message,
                    "code is 5000 characters long; it must be 2 to 15 letters, digits, `-` or `_`"
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_list_items_field_is_named_with_its_place() {
        assert_eq!(label_of(&["input", "productLines", "2"]), "productLines[2]");
        assert_eq!(label_of(&["input", "name"]), "name");
        assert_eq!(label_of(&[]), "value");
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert_eq!(
            email(&["email"], "Li.Wei@Example.CN").unwrap(),
            "Li.Wei@example.cn"
        );
        for bad in [
            "nobody",
            "a@b",
            "@example.com",
            "a b@example.com",
            "a@@b.com",
        ] {
            assert_eq!(code_of(email(&["email"], bad)), ErrorCode::Invalid, "{bad}");
        }
    }

    #[test]
    fn glns_carry_a_gs1_check_digit() {
        assert_eq!(gln(&["gln"], "4012345000009").unwrap(), "4012345000009");
        assert_eq!(code_of(gln(&["gln"], "4012345000008")), ErrorCode::Invalid);
        assert_eq!(code_of(gln(&["gln"], "40123")), ErrorCode::Invalid);
    }

    #[test]
    fn sort_keys_fold_case_across_scripts() {
        assert_eq!(sort_key("ÄRZTE Groß"), "ärzte groß");
        assert_eq!(sort_key("東京商事"), "東京商事");
    }
}
