//! What applying a received set produced, why one was refused, and where in the set a
//! refusal of the trade model points: each mapping turns a field path of the trade model's
//! input back into the segment and element it came from.

use uuid::Uuid;

use super::envelope::{Problem, Segment, TransactionSet};
use crate::error::Error;

/// What an applied set created or changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    pub order_id: Option<Uuid>,
    pub shipment_id: Option<Uuid>,
    pub invoice_id: Option<Uuid>,
    pub inventory_report_id: Option<Uuid>,
    pub sell_through_report_id: Option<Uuid>,
    pub claim_id: Option<Uuid>,
    pub reference: Option<String>,
}

/// Why a set was not applied: the partner's fault, answered in the 997, or the server's.
#[derive(Debug)]
pub enum Failure {
    Refused(Problem),
    Fault(Error),
}

impl From<Problem> for Failure {
    fn from(p: Problem) -> Self {
        Failure::Refused(p)
    }
}

impl From<sea_orm::DbErr> for Failure {
    fn from(e: sea_orm::DbErr) -> Self {
        Failure::Fault(e.into())
    }
}

/// A refusal at `segment`, element `element` (997 code 5: segments in error).
pub fn refuse(segment: &Segment, element: Option<usize>, message: impl Into<String>) -> Problem {
    Problem::at("5", segment, element, message)
}

/// The first segment `id` of the set.
pub fn first<'a>(set: &'a TransactionSet, id: &str) -> Option<&'a Segment> {
    set.body.iter().find(|s| s.id == id)
}

/// The `i`th segment `id` of the set, from 0.
pub fn nth<'a>(set: &'a TransactionSet, id: &str, i: usize) -> Option<&'a Segment> {
    set.body.iter().filter(|s| s.id == id).nth(i)
}

/// The first segment `id` after `after`, before the next `until`.
pub fn following<'a>(
    set: &'a TransactionSet,
    after: &Segment,
    id: &str,
    until: &str,
) -> Option<&'a Segment> {
    set.body
        .iter()
        .skip_while(|s| s.position <= after.position)
        .take_while(|s| s.id != until)
        .find(|s| s.id == id)
}

/// The segment `id` where a fault of the set as a whole is reported; the ST when it has none.
pub fn anchor(set: &TransactionSet, id: &str) -> Segment {
    first(set, id).cloned().unwrap_or_else(|| Segment {
        id: "ST".into(),
        elements: Vec::new(),
        position: set.position,
    })
}

/// The element of a segment that holds a product id with one of `qualifiers`, searching the
/// qualifier positions `from`, `from + 2`, ….
pub fn id_element(segment: &Segment, from: usize, qualifiers: &[&str]) -> Option<usize> {
    (0..3)
        .map(|k| from + 2 * k)
        .find(|&q| qualifiers.contains(&segment.element(q)))
        .map(|q| q + 1)
}

/// An error of the trade model as the set's fault, where it is the partner's, located by
/// `locate` from its field path.
pub fn failure(err: Error, locate: impl Fn(&[String]) -> (Segment, Option<usize>)) -> Failure {
    match err {
        Error::User(e) => {
            let (segment, element) = locate(&e.field);
            Failure::Refused(refuse(&segment, element, e.message))
        }
        Error::NotFound(message) | Error::Forbidden(message) => {
            let (segment, _) = locate(&[]);
            Failure::Refused(refuse(&segment, None, message))
        }
        other => Failure::Fault(other),
    }
}

/// The line index of a field path `input.lines.<i>.…`.
pub fn line_index(field: &[String]) -> Option<usize> {
    (field.get(1).map(String::as_str) == Some("lines"))
        .then(|| field.get(2).and_then(|i| i.parse().ok()))
        .flatten()
}
