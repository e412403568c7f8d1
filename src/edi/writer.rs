//! Writing X12: segments joined with the delimiters, the fixed-width ISA, and the TA1 that
//! answers an interchange. Every count and control number in what is written is computed
//! here, never typed by a caller.

use super::envelope::{Delimiters, InterchangeError, IsaSummary, Usage};

/// Who an interchange goes from or to: ISA05/ISA06 or ISA07/ISA08.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party {
    pub qualifier: String,
    pub id: String,
}

/// The envelope of an interchange to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    pub sender: Party,
    pub receiver: Party,
    /// YYMMDD and HHMM.
    pub date: String,
    pub time: String,
    /// `00401` or `00501`.
    pub version: String,
    pub control_number: u32,
    pub usage: Usage,
    pub delimiters: Delimiters,
}

/// Pads or cuts `value` to `width` characters, as the fixed-width ISA wants.
fn fixed(value: &str, width: usize) -> String {
    let mut out: String = value.chars().take(width).collect();
    while out.chars().count() < width {
        out.push(' ');
    }
    out
}

/// Keeps delimiters out of a value: a value may never split a segment.
pub fn clean(value: &str, d: Delimiters) -> String {
    value
        .chars()
        .map(|c| {
            let reserved = c == d.element
                || c == d.component
                || c == d.segment
                || Some(c) == d.repetition
                || c.is_control();
            if reserved { ' ' } else { c }
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// One segment: its id and elements, trailing empty elements dropped, with its terminator.
pub fn segment(id: &str, elements: &[&str], d: Delimiters) -> String {
    let mut values: Vec<String> = elements.iter().map(|e| clean(e, d)).collect();
    while values.last().is_some_and(String::is_empty) {
        values.pop();
    }
    let mut out = id.to_owned();
    for v in values {
        out.push(d.element);
        out.push_str(&v);
    }
    out.push(d.segment);
    out.push_str(d.line_break);
    out
}

/// The ISA segment, 106 characters with its terminator.
pub fn isa(e: &Envelope) -> String {
    let d = e.delimiters;
    // ISA11 is the standards identifier `U` before 00402, the repetition separator after.
    let eleven = if e.version.as_str() < "00402" {
        'U'
    } else {
        d.repetition.unwrap_or('^')
    };
    let fields = [
        "ISA".to_owned(),
        "00".to_owned(),
        fixed("", 10),
        "00".to_owned(),
        fixed("", 10),
        fixed(&e.sender.qualifier, 2),
        fixed(&e.sender.id, 15),
        fixed(&e.receiver.qualifier, 2),
        fixed(&e.receiver.id, 15),
        fixed(&e.date, 6),
        fixed(&e.time, 4),
        eleven.to_string(),
        fixed(&e.version, 5),
        format!("{:09}", e.control_number % 1_000_000_000),
        "0".to_owned(),
        match e.usage {
            Usage::Production => "P",
            Usage::Test => "T",
        }
        .to_owned(),
        d.component.to_string(),
    ];
    let mut out = fields.join(&d.element.to_string());
    out.push(d.segment);
    out.push_str(d.line_break);
    out
}

/// The TA1 that answers the interchange summarised by `received`: accepted with note `000`,
/// or rejected with the note of `error`.
pub fn ta1(received: &IsaSummary, error: Option<&InterchangeError>, d: Delimiters) -> String {
    let (ack, note) = match error {
        None => ("A", "000"),
        Some(e) => ("R", e.note),
    };
    segment(
        "TA1",
        &[
            &received.control_number,
            &received.date,
            &received.time,
            ack,
            note,
        ],
        d,
    )
}

/// A whole interchange around already written groups: ISA, the groups, IEA with the group
/// count and the control number.
pub fn interchange(e: &Envelope, groups: &[String]) -> String {
    answer(e, None, groups)
}

/// An interchange that answers another: ISA, a TA1 when there is one, the groups, and the
/// IEA, which counts only the groups.
pub fn answer(e: &Envelope, ta1: Option<&str>, groups: &[String]) -> String {
    let mut out = isa(e);
    if let Some(ta1) = ta1 {
        out.push_str(ta1);
    }
    for g in groups {
        out.push_str(g);
    }
    out.push_str(&segment(
        "IEA",
        &[
            &groups.len().to_string(),
            &format!("{:09}", e.control_number % 1_000_000_000),
        ],
        e.delimiters,
    ));
    out
}

/// A functional group around already written sets, with GE01 and GE02 computed.
#[allow(clippy::too_many_arguments)]
pub fn group(
    functional_id: &str,
    sender: &str,
    receiver: &str,
    date: &str,
    time: &str,
    control_number: u32,
    version: &str,
    sets: &[String],
    d: Delimiters,
) -> String {
    let control = control_number.to_string();
    let mut out = segment(
        "GS",
        &[
            functional_id,
            sender,
            receiver,
            date,
            time,
            &control,
            "X",
            version,
        ],
        d,
    );
    for s in sets {
        out.push_str(s);
    }
    out.push_str(&segment("GE", &[&sets.len().to_string(), &control], d));
    out
}

/// A transaction set around body segments (each as `(id, elements)`), with SE01 counted.
pub fn set(id: &str, control_number: &str, body: &[(&str, Vec<String>)], d: Delimiters) -> String {
    let mut out = segment("ST", &[id, control_number], d);
    for (seg, elements) in body {
        let refs: Vec<&str> = elements.iter().map(String::as_str).collect();
        out.push_str(&segment(seg, &refs, d));
    }
    let count = body.len() + 2;
    out.push_str(&segment("SE", &[&count.to_string(), control_number], d));
    out
}

#[cfg(test)]
mod tests {
    use super::super::envelope::{isa_summary, parse};
    use super::*;

    fn envelope(d: Delimiters, version: &str) -> Envelope {
        Envelope {
            sender: Party {
                qualifier: "ZZ".into(),
                id: "AURORA".into(),
            },
            receiver: Party {
                qualifier: "ZZ".into(),
                id: "DIST-001".into(),
            },
            date: "261122".into(),
            time: "1200".into(),
            version: version.into(),
            control_number: 42,
            usage: Usage::Test,
            delimiters: d,
        }
    }

    #[test]
    fn the_isa_is_106_characters_and_reads_back() {
        let e = envelope(Delimiters::STANDARD, "00501");
        assert_eq!(isa(&e).chars().count(), 106);
        let sets = [set(
            "855",
            "0001",
            &[(
                "BAK",
                vec![
                    "00".into(),
                    "AC".into(),
                    "NL-2026-118".into(),
                    "20261122".into(),
                ],
            )],
            e.delimiters,
        )];
        let g = group(
            "PR",
            "AURORA",
            "DIST-001",
            "20261122",
            "1200",
            9,
            "005010",
            &sets,
            e.delimiters,
        );
        let raw = interchange(&e, &[g]);
        let x = parse(&raw).unwrap();
        assert_eq!(x.control_number, "000000042");
        assert_eq!(x.receiver_id, "DIST-001");
        assert_eq!(x.groups[0].control_number, "9");
        assert_eq!(x.groups[0].problem, None);
        assert_eq!(x.groups[0].sets[0].problem, None);
        assert_eq!(x.groups[0].sets[0].body[0].element(3), "NL-2026-118");
    }

    #[test]
    fn other_delimiters_and_004010_round_trip() {
        let d = Delimiters {
            element: '|',
            component: '>',
            repetition: None,
            segment: '\n',
            line_break: "",
        };
        let e = envelope(d, "00401");
        let raw = interchange(
            &e,
            &[group(
                "IN",
                "AURORA",
                "DIST-001",
                "20261122",
                "1200",
                3,
                "004010",
                &[],
                d,
            )],
        );
        let x = parse(&raw).unwrap();
        assert_eq!(x.version, "00401");
        assert_eq!(x.delimiters.element, '|');
        assert_eq!(x.delimiters.repetition, None);
    }

    #[test]
    fn values_cannot_break_a_segment() {
        let d = Delimiters::STANDARD;
        assert_eq!(
            segment("N1", &["ST", "A*B~C:D^E", "", ""], d),
            "N1*ST*A B C D E~"
        );
    }

    #[test]
    fn a_ta1_answers_with_the_received_control_number() {
        let e = envelope(Delimiters::STANDARD, "00501");
        let received = isa_summary(&interchange(&e, &[])).unwrap();
        assert_eq!(
            ta1(&received, None, Delimiters::STANDARD),
            "TA1*000000042*261122*1200*A*000~"
        );
        let error = InterchangeError {
            note: "025",
            position: 1,
            segment: "ISA".into(),
            element: Some(13),
            message: "duplicate".into(),
        };
        assert_eq!(
            ta1(&received, Some(&error), Delimiters::STANDARD),
            "TA1*000000042*261122*1200*R*025~"
        );
    }
}
