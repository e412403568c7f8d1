//! The 997 functional acknowledgement: one per received functional group, naming each set
//! accepted or rejected and, for a rejected one, the segment and element at fault.

use super::envelope::{Delimiters, Group, Problem};
use super::writer;

/// What became of one received transaction set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetOutcome {
    /// ST01 and ST02.
    pub id: String,
    pub control_number: String,
    /// The ST segment's position in the interchange, to count the fault's position within
    /// the set.
    pub position: usize,
    /// Why it was refused; `None` when it was accepted.
    pub problem: Option<Problem>,
}

/// The 997's body segments for `group`: AK1, per set AK2 (with AK3/AK4 for the fault) and
/// AK5, and AK9. A group refused as a whole lists no sets.
pub fn body(group: &Group, outcomes: &[SetOutcome]) -> Vec<(&'static str, Vec<String>)> {
    let mut out = Vec::new();
    let mut ak1 = vec![group.functional_id.clone(), group.control_number.clone()];
    if group.version.starts_with("005") {
        ak1.push(group.version.clone());
    }
    out.push(("AK1", ak1));
    let received = group.sets.len();
    if let Some(problem) = &group.problem {
        out.push((
            "AK9",
            vec![
                "R".into(),
                received.to_string(),
                received.to_string(),
                "0".into(),
                problem.code.into(),
            ],
        ));
        return out;
    }
    let mut accepted = 0;
    for o in outcomes {
        out.push(("AK2", vec![o.id.clone(), o.control_number.clone()]));
        match &o.problem {
            None => {
                accepted += 1;
                out.push(("AK5", vec!["A".into()]));
            }
            Some(p) => {
                let within = p.position.checked_sub(o.position).map(|n| n + 1);
                // A fault inside the body names its segment; a trailer fault needs no AK3.
                if let Some(pos) = within.filter(|_| !matches!(p.segment.as_str(), "ST" | "SE")) {
                    let code =
                        p.segment_note
                            .unwrap_or(if p.element.is_some() { "8" } else { "2" });
                    out.push((
                        "AK3",
                        vec![
                            p.segment.clone(),
                            pos.to_string(),
                            String::new(),
                            code.into(),
                        ],
                    ));
                    if let Some(element) = p.element {
                        let note = p.element_note.unwrap_or("7");
                        out.push(("AK4", vec![element.to_string(), String::new(), note.into()]));
                    }
                }
                out.push(("AK5", vec!["R".into(), p.code.into()]));
            }
        }
    }
    let status = match accepted {
        n if n == received => "A",
        0 => "R",
        _ => "P",
    };
    out.push((
        "AK9",
        vec![
            status.into(),
            received.to_string(),
            received.to_string(),
            accepted.to_string(),
        ],
    ));
    out
}

/// The whole 997 transaction set.
pub fn set(group: &Group, outcomes: &[SetOutcome], control_number: &str, d: Delimiters) -> String {
    writer::set("997", control_number, &body(group, outcomes), d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(problem: Option<Problem>) -> Group {
        Group {
            functional_id: "PO".into(),
            sender: "DIST-001".into(),
            receiver: "AURORA".into(),
            control_number: "7".into(),
            version: "005010".into(),
            sets: Vec::new(),
            position: 2,
            problem,
        }
    }

    #[test]
    fn a_rejected_set_names_its_segment_and_element() {
        let mut g = group(None);
        g.sets = vec![
            super::super::envelope::TransactionSet {
                id: "850".into(),
                control_number: "0001".into(),
                body: Vec::new(),
                position: 3,
                problem: None,
            };
            2
        ];
        let outcomes = [
            SetOutcome {
                id: "850".into(),
                control_number: "0001".into(),
                position: 3,
                problem: None,
            },
            SetOutcome {
                id: "850".into(),
                control_number: "0002".into(),
                position: 10,
                problem: Some(Problem {
                    code: "5",
                    position: 14,
                    segment: "PO1".into(),
                    element: Some(7),
                    segment_note: None,
                    element_note: None,
                    message: "no product has SKU NOPE".into(),
                }),
            },
        ];
        let text = set(&g, &outcomes, "0042", Delimiters::STANDARD);
        assert_eq!(
            text,
            "ST*997*0042~AK1*PO*7*005010~AK2*850*0001~AK5*A~AK2*850*0002~\
             AK3*PO1*5**8~AK4*7**7~AK5*R*5~AK9*P*2*2*1~SE*10*0042~"
        );
    }

    #[test]
    fn a_refused_group_lists_no_sets() {
        let g = group(Some(Problem {
            code: "4",
            position: 9,
            segment: "GE".into(),
            element: Some(2),
            segment_note: None,
            element_note: None,
            message: "GE02 8 does not match GS06 7".into(),
        }));
        assert_eq!(
            set(&g, &[], "0043", Delimiters::STANDARD),
            "ST*997*0043~AK1*PO*7*005010~AK9*R*0*0*0*4~SE*4*0043~"
        );
    }
}
