//! Cases and surveys as the services take them: parsed and valid.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use entity::enums::{CaseCategory, CaseKind, CaseResolution, CaseSeverity, CaseStatus};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::calendar::add_working_days;
use crate::organizations::model::Patch;

#[derive(Clone, Debug)]
pub struct NewCase {
    pub kind: CaseKind,
    pub organization_id: Uuid,
    pub contact_id: Option<Uuid>,
    pub subject: String,
    pub description: Option<String>,
    pub order_id: Option<Uuid>,
    pub sku: Option<String>,
    pub quantity: Option<Decimal>,
    pub ship_date: Option<NaiveDate>,
    pub category: Option<CaseCategory>,
    pub severity: CaseSeverity,
}

#[derive(Clone, Debug, Default)]
pub struct CaseChanges {
    pub subject: Option<String>,
    pub category: Option<CaseCategory>,
    pub severity: Option<CaseSeverity>,
    pub department: Patch<String>,
    pub assignee_id: Patch<Uuid>,
    pub cause: Patch<String>,
}

#[derive(Clone, Debug)]
pub struct Resolution {
    pub resolution: CaseResolution,
    pub cause: Option<String>,
    /// The day of a follow-up visit, scheduled as a task for the case's handler.
    pub follow_up_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, Default)]
pub struct Closing {
    pub satisfaction: Option<i32>,
    pub recommend: Option<i32>,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CaseFilter {
    pub organization_id: Option<Uuid>,
    pub order_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub department: Option<String>,
    pub kinds: Vec<CaseKind>,
    pub statuses: Vec<CaseStatus>,
    pub categories: Vec<CaseCategory>,
    pub severities: Vec<CaseSeverity>,
    /// A deadline missed (true), or none (false), as of `now`.
    pub breached: Option<bool>,
    pub opened_from: Option<DateTime<Utc>>,
    pub opened_before: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub struct NewSurveyResponse {
    pub organization_id: Uuid,
    pub contact_id: Option<Uuid>,
    pub case_id: Option<Uuid>,
    pub order_id: Option<Uuid>,
    pub satisfaction: Option<i32>,
    pub recommend: Option<i32>,
    pub comment: Option<String>,
    pub responded_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SurveyFilter {
    pub organization_id: Option<Uuid>,
    pub case_id: Option<Uuid>,
    pub order_id: Option<Uuid>,
    pub responded_from: Option<DateTime<Utc>>,
    pub responded_before: Option<DateTime<Utc>>,
}

/// A routing rule as set: a category with its department, or a territory with its person.
#[derive(Clone, Debug)]
pub enum Route {
    Category {
        category: CaseCategory,
        department: String,
    },
    Territory {
        territory: String,
        assignee_id: Uuid,
    },
}

/// How long the brand has to answer and to resolve, by severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span {
    Hours(i64),
    WorkingDays(u32),
}

impl Span {
    pub fn after(self, from: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
        match self {
            Span::Hours(h) => from + Duration::hours(h),
            Span::WorkingDays(d) => add_working_days(from, d, tz),
        }
    }
}

/// First response and resolution deadlines of a severity.
pub fn deadlines(severity: CaseSeverity) -> (Span, Span) {
    match severity {
        CaseSeverity::Critical => (Span::Hours(4), Span::WorkingDays(1)),
        CaseSeverity::High => (Span::Hours(8), Span::WorkingDays(3)),
        CaseSeverity::Medium => (Span::WorkingDays(1), Span::WorkingDays(5)),
        CaseSeverity::Low => (Span::WorkingDays(2), Span::WorkingDays(10)),
    }
}

/// Whether goods come back under this resolution, and so need a return authorisation.
pub fn goods_come_back(resolution: CaseResolution) -> bool {
    matches!(
        resolution,
        CaseResolution::Repair | CaseResolution::Exchange | CaseResolution::Return
    )
}
