//! The ASC X12 envelope: an interchange (ISA … IEA) of functional groups (GS … GE) of
//! transaction sets (ST … SE), read with the delimiters the ISA itself declares.
//!
//! The ISA is fixed-width: its fourth character is the element separator, ISA16 (the 105th
//! character) the component separator, and the character after it the segment terminator.
//! Line breaks around segments and a UTF-8 byte-order mark are tolerated. Every count and
//! control number is checked: SE01 against the segments of its set, SE02 against ST02, GE01
//! against the sets of its group, GE02 against GS06, IEA01 against the groups, IEA02 against
//! ISA13. A fault in the interchange envelope rejects the whole interchange (TA1, with its
//! I18 note code); a fault in a group or a set rejects only that group or set (997, with its
//! 716 or 717 code), and the others go on. Nothing here panics, whatever the input.

use std::fmt;

/// The characters that separate elements, components, repetitions and segments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delimiters {
    pub element: char,
    pub component: char,
    /// ISA11 in 005010; 004010 has the standards identifier `U` there instead.
    pub repetition: Option<char>,
    pub segment: char,
    /// A line break written after each segment terminator (`""`, `"\n"` or `"\r\n"`);
    /// line breaks between segments are always tolerated when reading.
    pub line_break: &'static str,
}

impl Delimiters {
    /// `*`, `:`, `^` and `~`: what this server writes unless a partner is set up otherwise.
    pub const STANDARD: Delimiters = Delimiters {
        element: '*',
        component: ':',
        repetition: Some('^'),
        segment: '~',
        line_break: "",
    };
}

/// One segment: its id, its elements (element 1 first), and its position in the
/// interchange, counting the ISA as 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub id: String,
    pub elements: Vec<String>,
    pub position: usize,
}

impl Segment {
    /// Element `n` (1-based), empty when absent.
    pub fn element(&self, n: usize) -> &str {
        n.checked_sub(1)
            .and_then(|i| self.elements.get(i))
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// Test or production traffic (ISA15); the two are never mixed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Usage {
    Production,
    Test,
}

impl From<Usage> for entity::enums::EdiUsage {
    fn from(u: Usage) -> Self {
        match u {
            Usage::Production => Self::Production,
            Usage::Test => Self::Test,
        }
    }
}

impl From<entity::enums::EdiUsage> for Usage {
    fn from(u: entity::enums::EdiUsage) -> Self {
        match u {
            entity::enums::EdiUsage::Production => Self::Production,
            entity::enums::EdiUsage::Test => Self::Test,
        }
    }
}

/// Why an interchange was refused as a whole, for its TA1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterchangeError {
    /// The TA1 interchange note code (data element I18), for example `001` or `023`.
    pub note: &'static str,
    /// The segment at fault: its position (ISA = 1) and id.
    pub position: usize,
    pub segment: String,
    /// The element at fault, 1-based, when one is.
    pub element: Option<usize>,
    pub message: String,
}

impl fmt::Display for InterchangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "segment {} ({})", self.position, self.segment)?;
        if let Some(e) = self.element {
            write!(f, ", element {e:02}")?;
        }
        write!(f, ": {} (TA1 note {})", self.message, self.note)
    }
}

/// Why a functional group or a transaction set was refused, for its 997.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The 997 code: AK9 (data element 716) for a group, AK5/IK5 (717) for a set.
    pub code: &'static str,
    pub position: usize,
    pub segment: String,
    pub element: Option<usize>,
    /// The 997's note on the segment (AK304, data element 720), when it is not the usual:
    /// `8` (data element errors) for a fault with an element, `2` (unexpected) without.
    pub segment_note: Option<&'static str>,
    /// The 997's note on the element (AK403, data element 723), when it is not `7`
    /// (invalid code value): `6` for an invalid character, for example.
    pub element_note: Option<&'static str>,
    pub message: String,
}

impl Problem {
    /// A problem at `segment`, noted the usual way.
    pub fn at(
        code: &'static str,
        segment: &Segment,
        element: Option<usize>,
        message: impl Into<String>,
    ) -> Problem {
        Problem {
            code,
            position: segment.position,
            segment: segment.id.clone(),
            element,
            segment_note: None,
            element_note: None,
            message: shortened(message.into()),
        }
    }
}

/// Longest message a refusal carries: a value quoted from a partner's document is cut
/// there, so a huge element is named, not echoed back whole.
const MESSAGE_CHARS: usize = 300;

fn shortened(message: String) -> String {
    let chars = message.chars().count();
    if chars <= MESSAGE_CHARS {
        return message;
    }
    let cut: String = message.chars().take(MESSAGE_CHARS).collect();
    format!("{cut}… (cut; {chars} characters in all)")
}

/// A transaction set: ST, its body, SE.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransactionSet {
    /// ST01, for example `850`.
    pub id: String,
    /// ST02.
    pub control_number: String,
    /// The segments between ST and SE.
    pub body: Vec<Segment>,
    /// The ST segment's position in the interchange.
    pub position: usize,
    /// Why the envelope refuses this set, if it does.
    pub problem: Option<Problem>,
}

/// A functional group: GS, its sets, GE.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// GS01, for example `PO` for 850s.
    pub functional_id: String,
    pub sender: String,
    pub receiver: String,
    /// GS06.
    pub control_number: String,
    /// GS08, for example `004010` or `005010`.
    pub version: String,
    pub sets: Vec<TransactionSet>,
    pub position: usize,
    pub problem: Option<Problem>,
}

/// A whole interchange.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interchange {
    pub delimiters: Delimiters,
    pub sender_qualifier: String,
    pub sender_id: String,
    pub receiver_qualifier: String,
    pub receiver_id: String,
    /// ISA09 and ISA10: YYMMDD and HHMM.
    pub date: String,
    pub time: String,
    /// ISA12: `00401` or `00501`.
    pub version: String,
    /// ISA13: nine digits.
    pub control_number: String,
    /// ISA14: whether the sender asked for a TA1.
    pub ack_requested: bool,
    pub usage: Usage,
    pub groups: Vec<Group>,
}

const ISA_LENGTH: usize = 106;
const BOM: char = '\u{feff}';

fn fail(
    note: &'static str,
    position: usize,
    segment: &str,
    element: Option<usize>,
    message: impl Into<String>,
) -> InterchangeError {
    InterchangeError {
        note,
        position,
        segment: segment.to_owned(),
        element,
        message: message.into(),
    }
}

fn problem(
    code: &'static str,
    segment: &Segment,
    element: Option<usize>,
    message: impl Into<String>,
) -> Problem {
    Problem::at(code, segment, element, message)
}

/// What is wrong with a value's characters, if anything: a control character, a character
/// that shows nothing or turns the text around (a zero-width space, a bidirectional
/// override), or bytes that were not text in the partner's encoding (read as U+FFFD).
pub fn bad_character(value: &str) -> Option<String> {
    let found = value.chars().find_map(|c| {
        if c == char::REPLACEMENT_CHARACTER {
            Some("holds bytes that are not UTF-8".to_owned())
        } else if c.is_control() {
            Some(format!("holds the control character U+{:04X}", c as u32))
        } else {
            None
        }
    });
    found.or_else(|| {
        crate::domain::invisible(value)
            .map(|c| format!("holds the invisible character U+{:04X}", c as u32))
    })
}

/// The first element of `segment` with a bad character: its number and what is wrong.
fn bad_element(segment: &Segment) -> Option<(usize, String)> {
    segment
        .elements
        .iter()
        .enumerate()
        .find_map(|(i, e)| bad_character(e).map(|why| (i + 1, why)))
}

/// The refusal of a segment with a bad character (AK403 `6`).
fn bad_characters(code: &'static str, segment: &Segment) -> Option<Problem> {
    let (element, why) = bad_element(segment)?;
    let mut p = Problem::at(
        code,
        segment,
        Some(element),
        format!("{}{element:02} {why}", segment.id),
    );
    p.element_note = Some("6");
    Some(p)
}

/// Whether ISA12 is a version whose envelope this server reads: the 004 and 005 releases
/// (`00400` to `00406`, `00500` to `00508`), which many 004010 and 005010 senders use.
pub fn readable_version(isa12: &str) -> bool {
    matches!(
        isa12,
        "00400"
            | "00401"
            | "00402"
            | "00403"
            | "00404"
            | "00405"
            | "00406"
            | "00500"
            | "00501"
            | "00502"
            | "00503"
            | "00504"
            | "00505"
            | "00506"
            | "00507"
            | "00508"
    )
}

/// The interchange id qualifiers of the X12 code list (data element I05).
const ID_QUALIFIERS: [&str; 35] = [
    "01", "02", "03", "04", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16", "17", "18",
    "19", "20", "27", "28", "29", "30", "31", "32", "33", "34", "35", "36", "37", "38", "AM", "NR",
    "SA", "SN", "ZZ",
];

/// Whether `value` is an interchange id qualifier (I05).
pub fn id_qualifier(value: &str) -> bool {
    ID_QUALIFIERS.contains(&value)
}

/// The delimiters an interchange declares in its ISA.
fn delimiters(isa: &[char]) -> Result<Delimiters, InterchangeError> {
    let element = isa[3];
    let component = isa[104];
    let segment = isa[105];
    // NUL cannot be stored as text by every database, so it separates nothing.
    let usable = |c: char| !c.is_ascii_alphanumeric() && c != ' ' && c != '\0';
    if !usable(element) {
        return Err(fail(
            "026",
            1,
            "ISA",
            None,
            format!("`{element}` cannot separate elements"),
        ));
    }
    if !usable(component) || component == element {
        return Err(fail(
            "027",
            1,
            "ISA",
            Some(16),
            format!("`{component}` cannot separate components"),
        ));
    }
    if !(usable(segment) || segment == '\n' || segment == '\r')
        || segment == element
        || segment == component
    {
        return Err(fail(
            "004",
            1,
            "ISA",
            None,
            format!("`{}` cannot end segments", segment.escape_default()),
        ));
    }
    let repetition = isa[82];
    let repetition = (usable(repetition)
        && repetition != element
        && repetition != component
        && repetition != segment)
        .then_some(repetition);
    Ok(Delimiters {
        element,
        component,
        repetition,
        segment,
        line_break: "",
    })
}

/// Splits the text after the ISA into segments, dropping line breaks and other white space
/// around them (never a delimiter).
fn segments(text: &str, d: Delimiters) -> Vec<Segment> {
    // Only ASCII white space: anything else at a segment's end is part of its last element.
    let around =
        |c: char| matches!(c, ' ' | '\t' | '\r' | '\n') && c != d.element && c != d.component;
    text.split(d.segment)
        .map(|raw| raw.trim_matches(around))
        .filter(|raw| !raw.is_empty())
        .enumerate()
        .map(|(i, raw)| {
            let mut parts = raw.split(d.element).map(str::to_owned);
            let id = parts.next().unwrap_or_default();
            Segment {
                id,
                elements: parts.collect(),
                position: i + 2,
            }
        })
        .collect()
}

fn valid_id(id: &str) -> bool {
    (2..=3).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// What a TA1 needs of an interchange, read from its ISA as far as it can be read, even when
/// the interchange is refused: the sender, the control number, date and time, and the
/// delimiters to answer with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IsaSummary {
    /// ISA05 and ISA06.
    pub sender_qualifier: String,
    pub sender_id: String,
    /// ISA07 and ISA08.
    pub receiver_qualifier: String,
    pub receiver_id: String,
    pub control_number: String,
    pub date: String,
    pub time: String,
    /// ISA12 when it is a version this server reads.
    pub version: Option<String>,
    /// ISA15 when it is `P` or `T`.
    pub usage: Option<Usage>,
    pub delimiters: Delimiters,
}

/// The TA1 facts of `raw`, or nothing when not even the ISA's fixed layout is there.
pub fn isa_summary(raw: &str) -> Option<IsaSummary> {
    let text = raw.trim_start_matches(BOM).trim_start();
    let chars: Vec<char> = text.chars().take(ISA_LENGTH).collect();
    if chars.len() < ISA_LENGTH || !text.starts_with("ISA") {
        return None;
    }
    let d = delimiters(&chars).ok()?;
    let isa: String = chars[..ISA_LENGTH - 1].iter().collect();
    let fields: Vec<&str> = isa.split(d.element).collect();
    (fields.len() == 17).then(|| IsaSummary {
        sender_qualifier: fields[5].trim().to_owned(),
        sender_id: fields[6].trim().to_owned(),
        receiver_qualifier: fields[7].trim().to_owned(),
        receiver_id: fields[8].trim().to_owned(),
        control_number: fields[13].to_owned(),
        date: fields[9].to_owned(),
        time: fields[10].to_owned(),
        version: readable_version(fields[12]).then(|| fields[12].to_owned()),
        usage: match fields[15] {
            "P" => Some(Usage::Production),
            "T" => Some(Usage::Test),
            _ => None,
        },
        delimiters: d,
    })
}

/// Reads an interchange. Faults in the interchange envelope are an error; faults in a group
/// or set are recorded on it.
pub fn parse(raw: &str) -> Result<Interchange, InterchangeError> {
    let text = raw.trim_start_matches(BOM).trim_start();
    if !text.starts_with("ISA") {
        return Err(fail(
            "022",
            1,
            "ISA",
            None,
            "an interchange starts with an ISA segment",
        ));
    }
    let isa_chars: Vec<char> = text.chars().take(ISA_LENGTH).collect();
    if isa_chars.len() < ISA_LENGTH {
        return Err(fail(
            "023",
            1,
            "ISA",
            None,
            format!(
                "the ISA has {} characters; it must have {ISA_LENGTH}",
                isa_chars.len()
            ),
        ));
    }
    let d = delimiters(&isa_chars)?;
    let isa_text: String = isa_chars[..ISA_LENGTH - 1].iter().collect();
    let isa: Vec<&str> = isa_text.split(d.element).collect();
    if isa.len() != 17 {
        return Err(fail(
            "022",
            1,
            "ISA",
            None,
            format!("the ISA has {} elements; it has 16", isa.len() - 1),
        ));
    }
    let field = |n: usize| isa[n];
    let numeric = |n: usize, len: usize| {
        field(n).len() == len && field(n).chars().all(|c| c.is_ascii_digit())
    };
    if !numeric(9, 6) {
        return Err(fail(
            "014",
            1,
            "ISA",
            Some(9),
            "ISA09 must be a date YYMMDD",
        ));
    }
    if !numeric(10, 4) {
        return Err(fail("015", 1, "ISA", Some(10), "ISA10 must be a time HHMM"));
    }
    if !readable_version(field(12)) {
        return Err(fail(
            "017",
            1,
            "ISA",
            Some(12),
            format!(
                "version `{}` is not one we read: 00400 to 00406 or 00500 to 00508",
                field(12)
            ),
        ));
    }
    if !numeric(13, 9) {
        return Err(fail("018", 1, "ISA", Some(13), "ISA13 must be nine digits"));
    }
    let ack_requested = match field(14) {
        "0" => false,
        "1" => true,
        _ => return Err(fail("019", 1, "ISA", Some(14), "ISA14 must be 0 or 1")),
    };
    let usage = match field(15) {
        "P" => Usage::Production,
        "T" => Usage::Test,
        _ => return Err(fail("020", 1, "ISA", Some(15), "ISA15 must be P or T")),
    };
    for (n, note) in [(2, "010"), (4, "012"), (6, "006"), (8, "008")] {
        if let Some(why) = bad_character(field(n)) {
            return Err(fail(note, 1, "ISA", Some(n), format!("ISA{n:02} {why}")));
        }
    }
    for (n, note) in [(5, "005"), (7, "007")] {
        if !id_qualifier(field(n).trim()) {
            return Err(fail(
                note,
                1,
                "ISA",
                Some(n),
                format!(
                    "ISA{n:02} `{}` is not an interchange id qualifier (ZZ, 01, 14, …)",
                    field(n).trim()
                ),
            ));
        }
    }
    if field(6).trim().is_empty() {
        return Err(fail("006", 1, "ISA", Some(6), "ISA06 names no sender"));
    }
    if field(8).trim().is_empty() {
        return Err(fail("008", 1, "ISA", Some(8), "ISA08 names no receiver"));
    }
    let rest: String = text.chars().skip(ISA_LENGTH).collect();
    let mut interchange = Interchange {
        delimiters: d,
        sender_qualifier: field(5).trim().to_owned(),
        sender_id: field(6).trim().to_owned(),
        receiver_qualifier: field(7).trim().to_owned(),
        receiver_id: field(8).trim().to_owned(),
        date: field(9).to_owned(),
        time: field(10).to_owned(),
        version: field(12).to_owned(),
        control_number: field(13).to_owned(),
        ack_requested,
        usage,
        groups: Vec::new(),
    };

    let segments = segments(&rest, d);
    let mut i = 0;
    loop {
        let Some(seg) = segments.get(i) else {
            let last = segments.last().map(|s| s.position + 1).unwrap_or(2);
            return Err(fail(
                "023",
                last,
                "IEA",
                None,
                "the interchange ends without an IEA",
            ));
        };
        if !valid_id(&seg.id) {
            return Err(fail(
                "024",
                seg.position,
                &seg.id,
                None,
                format!("`{}` is not a segment id", seg.id),
            ));
        }
        match seg.id.as_str() {
            "GS" => {
                let (group, next) = read_group(&segments, i);
                interchange.groups.push(group);
                i = next;
            }
            // An interchange acknowledgement of something we sent: read past it.
            "TA1" => i += 1,
            "IEA" => {
                if seg.element(2) != interchange.control_number {
                    return Err(fail(
                        "001",
                        seg.position,
                        "IEA",
                        Some(2),
                        format!(
                            "IEA02 {} does not match ISA13 {}",
                            seg.element(2),
                            interchange.control_number
                        ),
                    ));
                }
                if seg.element(1).parse::<usize>().ok() != Some(interchange.groups.len()) {
                    return Err(fail(
                        "021",
                        seg.position,
                        "IEA",
                        Some(1),
                        format!(
                            "IEA01 says {} groups; the interchange has {}",
                            seg.element(1),
                            interchange.groups.len()
                        ),
                    ));
                }
                if let Some(after) = segments.get(i + 1) {
                    return Err(fail(
                        "022",
                        after.position,
                        &after.id,
                        None,
                        "segments follow the IEA",
                    ));
                }
                return Ok(interchange);
            }
            other => {
                return Err(fail(
                    "024",
                    seg.position,
                    other,
                    None,
                    format!("{other} cannot stand outside a functional group"),
                ));
            }
        }
    }
}

/// Reads the group whose GS is at `start`; returns it and the index after its GE.
fn read_group(segments: &[Segment], start: usize) -> (Group, usize) {
    let gs = &segments[start];
    let mut group = Group {
        functional_id: gs.element(1).to_owned(),
        sender: gs.element(2).trim().to_owned(),
        receiver: gs.element(3).trim().to_owned(),
        control_number: gs.element(6).to_owned(),
        version: gs.element(8).to_owned(),
        sets: Vec::new(),
        position: gs.position,
        problem: None,
    };
    let code_of = |element: Option<usize>| match element {
        Some(2) => "7",
        Some(3) => "8",
        Some(6) => "6",
        _ => "1",
    };
    if let Some(mut bad) = bad_characters("1", gs) {
        bad.code = code_of(bad.element);
        group.problem = Some(bad);
    } else if group.control_number.is_empty()
        || !group.control_number.chars().all(|c| c.is_ascii_digit())
    {
        group.problem = Some(problem("6", gs, Some(6), "GS06 must be a number"));
    } else if !matches!(group.version.get(..6), Some("004010" | "005010"))
        || group.version.len() > 12
    {
        group.problem = Some(problem(
            "2",
            gs,
            Some(8),
            format!(
                "version `{}` is not one we read: 004010 or 005010, with or without an \
                 industry suffix such as VICS",
                group.version
            ),
        ));
    }
    let mut i = start + 1;
    loop {
        let Some(seg) = segments.get(i) else {
            group
                .problem
                .get_or_insert_with(|| problem("3", gs, None, "the group ends without a GE"));
            return (group, i);
        };
        match seg.id.as_str() {
            "ST" => {
                let (set, next) = read_set(segments, i);
                group.sets.push(set);
                i = next;
            }
            "GE" => {
                if seg.element(2) != group.control_number {
                    group.problem.get_or_insert_with(|| {
                        problem(
                            "4",
                            seg,
                            Some(2),
                            format!(
                                "GE02 {} does not match GS06 {}",
                                seg.element(2),
                                group.control_number
                            ),
                        )
                    });
                } else if seg.element(1).parse::<usize>().ok() != Some(group.sets.len()) {
                    group.problem.get_or_insert_with(|| {
                        problem(
                            "5",
                            seg,
                            Some(1),
                            format!(
                                "GE01 says {} sets; the group has {}",
                                seg.element(1),
                                group.sets.len()
                            ),
                        )
                    });
                }
                return (group, i + 1);
            }
            "GS" | "IEA" => {
                group
                    .problem
                    .get_or_insert_with(|| problem("3", seg, None, "the group ends without a GE"));
                return (group, i);
            }
            _ => {
                group.problem.get_or_insert_with(|| {
                    problem(
                        "1",
                        seg,
                        None,
                        format!("{} cannot stand outside a transaction set", seg.id),
                    )
                });
                i += 1;
            }
        }
    }
}

/// Reads the set whose ST is at `start`; returns it and the index after its SE.
fn read_set(segments: &[Segment], start: usize) -> (TransactionSet, usize) {
    let st = &segments[start];
    let mut set = TransactionSet {
        id: st.element(1).to_owned(),
        control_number: st.element(2).to_owned(),
        body: Vec::new(),
        position: st.position,
        problem: None,
    };
    if !(set.id.len() == 3 && set.id.chars().all(|c| c.is_ascii_digit())) {
        set.problem = Some(problem(
            "6",
            st,
            Some(1),
            "ST01 must name a transaction set",
        ));
    } else if !(4..=9).contains(&set.control_number.len()) {
        set.problem = Some(problem("7", st, Some(2), "ST02 must be 4 to 9 characters"));
    }
    let mut i = start + 1;
    loop {
        let Some(seg) = segments.get(i) else {
            set.problem
                .get_or_insert_with(|| problem("2", st, None, "the set ends without an SE"));
            return (set, i);
        };
        match seg.id.as_str() {
            "SE" => {
                let count = i - start + 1;
                if seg.element(2) != set.control_number {
                    set.problem.get_or_insert_with(|| {
                        problem(
                            "3",
                            seg,
                            Some(2),
                            format!(
                                "SE02 {} does not match ST02 {}",
                                seg.element(2),
                                set.control_number
                            ),
                        )
                    });
                } else if seg.element(1).parse::<usize>().ok() != Some(count) {
                    set.problem.get_or_insert_with(|| {
                        problem(
                            "4",
                            seg,
                            Some(1),
                            format!("SE01 says {} segments; the set has {count}", seg.element(1)),
                        )
                    });
                }
                return (set, i + 1);
            }
            "ST" | "GE" | "GS" | "IEA" => {
                set.problem
                    .get_or_insert_with(|| problem("2", seg, None, "the set ends without an SE"));
                return (set, i);
            }
            _ => {
                if !valid_id(&seg.id) {
                    set.problem.get_or_insert_with(|| {
                        problem("5", seg, None, format!("`{}` is not a segment id", seg.id))
                    });
                } else if set.problem.is_none() {
                    set.problem = bad_characters("5", seg);
                }
                set.body.push(seg.clone());
                i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_names_a_huge_value_without_echoing_it_whole() {
        let po1 = Segment {
            id: "PO1".into(),
            elements: vec![],
            position: 3,
        };
        let huge = "H".repeat(900_000);
        let problem = Problem::at(
            "5",
            &po1,
            Some(7),
            format!("no product is known by VP `{huge}`"),
        );
        assert!(
            problem
                .message
                .starts_with("no product is known by VP `HHH")
        );
        assert!(
            problem
                .message
                .ends_with("… (cut; 900028 characters in all)")
        );
        assert!(problem.message.chars().count() < 400);
        let short = Problem::at("5", &po1, Some(7), "PO107: no product is known by VP `X`");
        assert_eq!(short.message, "PO107: no product is known by VP `X`");
    }

    fn isa(element: char, component: char, segment: char, control: &str) -> String {
        let fields = [
            "ISA",
            "00",
            "          ",
            "00",
            "          ",
            "ZZ",
            "DIST-001       ",
            "ZZ",
            "AURORA         ",
            "261122",
            "1200",
            "^",
            "00501",
            control,
            "0",
            "T",
        ];
        let mut out = fields.join(&element.to_string());
        out.push(element);
        out.push(component);
        out.push(segment);
        out
    }

    fn interchange(e: char, s: char, body: &[&str], control: &str) -> String {
        let mut out = isa(e, ':', s, control);
        for seg in body {
            out.push_str(&seg.replace('*', &e.to_string()));
            out.push(s);
        }
        out
    }

    const PO: [&str; 7] = [
        "GS*PO*DIST-001*AURORA*20261122*1200*7*X*005010",
        "ST*850*0001",
        "BEG*00*SA*NL-2026-118**20261122",
        "PO1*1*12*EA*3444**VP*HP-100",
        "SE*4*0001",
        "GE*1*7",
        "IEA*1*000000042",
    ];

    #[test]
    fn reads_the_delimiters_the_isa_declares() {
        let raw = interchange('|', '\n', &PO, "000000042");
        let x = parse(&raw).unwrap();
        assert_eq!(x.delimiters.element, '|');
        assert_eq!(x.delimiters.segment, '\n');
        assert_eq!(x.delimiters.component, ':');
        assert_eq!(x.sender_id, "DIST-001");
        assert_eq!(x.usage, Usage::Test);
        assert_eq!(x.groups[0].sets[0].id, "850");
        assert_eq!(x.groups[0].sets[0].body[1].element(7), "HP-100");
        assert_eq!(x.groups[0].sets[0].problem, None);
    }

    #[test]
    fn tolerates_line_breaks_and_a_byte_order_mark() {
        let raw = format!(
            "\u{feff}{}",
            interchange('*', '~', &PO, "000000042").replace('~', "~\r\n")
        );
        let x = parse(&raw).unwrap();
        assert_eq!(x.groups.len(), 1);
        assert_eq!(x.groups[0].sets[0].body.len(), 2);
    }

    #[test]
    fn a_wrong_se01_rejects_only_its_set() {
        let body = [
            "GS*PO*DIST-001*AURORA*20261122*1200*7*X*005010",
            "ST*850*0001",
            "BEG*00*SA*A**20261122",
            "SE*9*0001",
            "ST*850*0002",
            "BEG*00*SA*B**20261122",
            "SE*3*0002",
            "GE*2*7",
            "IEA*1*000000042",
        ];
        let x = parse(&interchange('*', '~', &body, "000000042")).unwrap();
        let sets = &x.groups[0].sets;
        let p = sets[0].problem.as_ref().unwrap();
        assert_eq!(
            (p.code, p.position, p.segment.as_str(), p.element),
            ("4", 5, "SE", Some(1))
        );
        assert_eq!(sets[1].problem, None);
        assert_eq!(x.groups[0].problem, None);
    }

    #[test]
    fn control_numbers_must_match_at_every_level() {
        let mut body = PO[..7].to_vec();
        body[4] = "SE*4*0002";
        let x = parse(&interchange('*', '~', &body, "000000042")).unwrap();
        assert_eq!(x.groups[0].sets[0].problem.as_ref().unwrap().code, "3");

        let mut body = PO[..7].to_vec();
        body[5] = "GE*1*8";
        let x = parse(&interchange('*', '~', &body, "000000042")).unwrap();
        assert_eq!(x.groups[0].problem.as_ref().unwrap().code, "4");

        let mut body = PO[..7].to_vec();
        body[5] = "GE*2*7";
        let x = parse(&interchange('*', '~', &body, "000000042")).unwrap();
        assert_eq!(x.groups[0].problem.as_ref().unwrap().code, "5");

        let mut body = PO[..7].to_vec();
        body[6] = "IEA*1*000000043";
        let e = parse(&interchange('*', '~', &body, "000000042")).unwrap_err();
        assert_eq!(
            (e.note, e.segment.as_str(), e.element),
            ("001", "IEA", Some(2))
        );

        let mut body = PO[..7].to_vec();
        body[6] = "IEA*2*000000042";
        let e = parse(&interchange('*', '~', &body, "000000042")).unwrap_err();
        assert_eq!(e.note, "021");
    }

    #[test]
    fn several_groups_and_sets_are_read_in_order() {
        let body = [
            "GS*PO*DIST-001*AURORA*20261122*1200*7*X*005010",
            "ST*850*0001",
            "BEG*00*SA*A**20261122",
            "SE*3*0001",
            "ST*850*0002",
            "BEG*00*SA*B**20261122",
            "SE*3*0002",
            "GE*2*7",
            "GS*IB*DIST-001*AURORA*20261122*1200*8*X*004010",
            "ST*846*0001",
            "BIA*00*MM*1*20261122",
            "SE*3*0001",
            "GE*1*8",
            "IEA*2*000000042",
        ];
        let x = parse(&interchange('*', '~', &body, "000000042")).unwrap();
        assert_eq!(x.groups.len(), 2);
        assert_eq!(x.groups[0].sets.len(), 2);
        assert_eq!(x.groups[1].version, "004010");
        assert_eq!(x.groups[1].sets[0].id, "846");
        assert!(x.groups.iter().all(|g| g.problem.is_none()));
    }

    #[test]
    fn broken_envelopes_are_refused_with_the_segment_named() {
        // A truncated ISA.
        let e = parse("ISA*00*          *00").unwrap_err();
        assert_eq!(e.note, "023");
        // Not an interchange at all.
        assert_eq!(parse("hello").unwrap_err().note, "022");
        // No IEA.
        let e = parse(&interchange('*', '~', &PO[..6], "000000042")).unwrap_err();
        assert_eq!((e.note, e.segment.as_str()), ("023", "IEA"));
        // A bad segment id at the top.
        let mut body = PO[..7].to_vec();
        body.insert(0, "zz*1");
        let e = parse(&interchange('*', '~', &body, "000000042")).unwrap_err();
        assert_eq!((e.note, e.position), ("024", 2));
        // An alphanumeric element separator.
        let raw = interchange('*', '~', &PO, "000000042");
        let bad = format!("ISAX{}", &raw[4..].replace('*', "X"));
        assert_eq!(parse(&bad).unwrap_err().note, "026");
        // Non-digit control number.
        let e = parse(&interchange('*', '~', &PO, "00000004A")).unwrap_err();
        assert_eq!((e.note, e.element), ("018", Some(13)));
    }

    #[test]
    fn an_unfinished_set_or_group_is_named() {
        let body = [
            "GS*PO*DIST-001*AURORA*20261122*1200*7*X*005010",
            "ST*850*0001",
            "BEG*00*SA*A**20261122",
            "GE*1*7",
            "IEA*1*000000042",
        ];
        let x = parse(&interchange('*', '~', &body, "000000042")).unwrap();
        let p = x.groups[0].sets[0].problem.as_ref().unwrap();
        assert_eq!((p.code, p.segment.as_str()), ("2", "GE"));
    }

    #[test]
    fn the_isa_is_read_for_a_ta1_even_when_the_rest_is_broken() {
        let mut body = PO.to_vec();
        body[6] = "IEA*1*000000043";
        let raw = interchange('|', '\n', &body, "000000042");
        assert!(parse(&raw).is_err());
        let isa = isa_summary(&raw).unwrap();
        assert_eq!(isa.control_number, "000000042");
        assert_eq!(isa.sender_id, "DIST-001");
        assert_eq!((isa.date.as_str(), isa.time.as_str()), ("261122", "1200"));
        assert_eq!(isa.delimiters.element, '|');
        assert_eq!(isa_summary("ISA*00*short"), None);
    }

    #[test]
    fn nul_separates_nothing_and_versions_are_held_to_their_ranges() {
        let raw = interchange('\0', '~', &PO, "000000042");
        assert_eq!(parse(&raw).unwrap_err().note, "026");
        assert!(readable_version("00400") && readable_version("00406"));
        assert!(readable_version("00500") && readable_version("00508"));
        for other in ["00399", "00407", "00409", "00509", "00600", "4010", "0040A"] {
            assert!(!readable_version(other), "{other}");
        }
        assert!(bad_character("NL\u{202e}1").is_some());
        assert!(bad_character("Lager Süd").is_none());
    }

    #[test]
    fn no_input_panics() {
        // Every prefix of a valid interchange, and some noise, is answered without a panic.
        let raw = interchange('*', '~', &PO, "000000042");
        for end in 0..raw.len() {
            if raw.is_char_boundary(end) {
                let _ = parse(&raw[..end]);
                let _ = isa_summary(&raw[..end]);
            }
        }
        for noise in [
            "ISA",
            "ISA*",
            "ISA~~~~",
            "\u{feff}",
            "ISA*ü*ü*ü",
            "GS*PO~ST*850~",
        ] {
            let _ = parse(noise);
        }
    }
}
