//! Inputs of service, parsed at the edge.

use async_graphql::{Enum, ID, InputObject, MaybeUndefined};
use chrono::Utc;
use uuid::Uuid;

use super::types::{CaseCategory, CaseKind, CaseResolution, CaseSeverity, CaseStatus};
use crate::cases::model::{
    CaseChanges, CaseFilter, Closing, NewCase, NewSurveyResponse, Resolution, Route, SurveyFilter,
};
use crate::domain;
use crate::error::{Error, ErrorCode, Result};
use crate::graphql::connection::SortDirection;
use crate::graphql::scalars::{Date, DateTime, Decimal};
use crate::ids::{NodeType, argument_id};
use crate::organizations::graphql::input_id;
use crate::organizations::model::Patch;
use crate::pagination::{Sort, SortKey};

const SUBJECT_MAX: usize = 200;
const TEXT_MAX: usize = 20_000;
const COMMENT_MAX: usize = 2000;
const DEPARTMENT_MAX: usize = 64;

fn optional_id(field: &str, raw: &Option<ID>, ty: NodeType) -> Result<Option<Uuid>> {
    raw.as_ref().map(|id| input_id(field, id, ty)).transpose()
}

fn note(field: &str, value: Option<&str>) -> Result<Option<String>> {
    domain::optional_note(&["input", field], value, TEXT_MAX)
}

/// A score within its scale, or a user error naming the field.
fn score(field: &str, value: Option<i32>, low: i32, high: i32) -> Result<Option<i32>> {
    match value {
        Some(v) if !(low..=high).contains(&v) => Err(Error::user(
            &["input", field],
            ErrorCode::OutOfRange,
            format!("{field} must be from {low} to {high}; it was {v}"),
        )),
        other => Ok(other),
    }
}

/// A case as it is opened.
#[derive(InputObject)]
pub struct CaseOpenInput {
    /// What it is.
    pub kind: CaseKind,
    /// The organization it comes from: your own or one downstream of you (any, for staff).
    pub organization_id: ID,
    /// The person who raised it; they must work at the organization.
    pub contact_id: Option<ID>,
    /// What it is about, in a line: 1 to 200 characters.
    pub subject: String,
    /// What the customer said.
    pub description: Option<String>,
    /// The order it concerns: one the organization placed or received, that you may see.
    pub order_id: Option<ID>,
    /// The SKU it concerns; with an order, it must be on the order.
    pub sku: Option<String>,
    /// How many units it concerns; with an order, at most the quantity ordered.
    pub quantity: Option<Decimal>,
    /// The day the goods were shipped; not in the future.
    pub ship_date: Option<Date>,
    /// What a complaint is about; a complaint needs one. It decides the department.
    pub category: Option<CaseCategory>,
    /// How serious it is. Default MEDIUM.
    #[graphql(default_with = "CaseSeverity::Medium")]
    pub severity: CaseSeverity,
}

impl CaseOpenInput {
    pub fn parse(self) -> Result<NewCase> {
        Ok(NewCase {
            kind: self.kind.into(),
            organization_id: input_id(
                "organizationId",
                &self.organization_id,
                NodeType::Organization,
            )?,
            contact_id: optional_id("contactId", &self.contact_id, NodeType::Contact)?,
            subject: domain::required_text(&["input", "subject"], &self.subject, SUBJECT_MAX)?,
            description: note("description", self.description.as_deref())?,
            order_id: optional_id("orderId", &self.order_id, NodeType::Order)?,
            sku: self
                .sku
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(|s| domain::sku(&["input", "sku"], s))
                .transpose()?,
            quantity: self.quantity.map(|q| q.0),
            ship_date: self.ship_date.map(|d| d.0),
            category: self.category.map(Into::into),
            severity: self.severity.into(),
        })
    }
}

/// Triage and investigation of a case. Omitted fields stay as they are; null clears.
#[derive(InputObject)]
pub struct CaseUpdateInput {
    /// The case.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// A new subject.
    pub subject: Option<String>,
    /// A new category.
    pub category: Option<CaseCategory>,
    /// A new severity; the deadlines follow it, counted from when the case was opened.
    pub severity: Option<CaseSeverity>,
    /// A new department queue.
    pub department: MaybeUndefined<String>,
    /// A new handler: an active staff user.
    pub assignee_id: MaybeUndefined<ID>,
    /// The investigated cause.
    pub cause: MaybeUndefined<String>,
}

impl CaseUpdateInput {
    pub fn parse(self) -> Result<(Uuid, i32, CaseChanges)> {
        let department = match self.department {
            MaybeUndefined::Undefined => Patch::Keep,
            MaybeUndefined::Null => Patch::Clear,
            MaybeUndefined::Value(d) => Patch::Set(
                domain::required_text(&["input", "department"], &d, DEPARTMENT_MAX)?.to_uppercase(),
            ),
        };
        let assignee_id = match self.assignee_id {
            MaybeUndefined::Undefined => Patch::Keep,
            MaybeUndefined::Null => Patch::Clear,
            MaybeUndefined::Value(id) => Patch::Set(input_id("assigneeId", &id, NodeType::User)?),
        };
        let cause = match self.cause {
            MaybeUndefined::Undefined => Patch::Keep,
            MaybeUndefined::Null => Patch::Clear,
            MaybeUndefined::Value(c) => match note("cause", Some(&c))? {
                Some(c) => Patch::Set(c),
                None => Patch::Clear,
            },
        };
        Ok((
            input_id("id", &self.id, NodeType::Case)?,
            self.version,
            CaseChanges {
                subject: self
                    .subject
                    .map(|s| domain::required_text(&["input", "subject"], &s, SUBJECT_MAX))
                    .transpose()?,
                category: self.category.map(Into::into),
                severity: self.severity.map(Into::into),
                department,
                assignee_id,
                cause,
            },
        ))
    }
}

/// A step on a case that needs nothing but the case.
#[derive(InputObject)]
pub struct CaseStepInput {
    /// The case.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
}

impl CaseStepInput {
    pub fn parse(self) -> Result<(Uuid, i32)> {
        Ok((input_id("id", &self.id, NodeType::Case)?, self.version))
    }
}

/// How a case was resolved.
#[derive(InputObject)]
pub struct CaseResolveInput {
    /// The case.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// How it was resolved. REPAIR, EXCHANGE and RETURN get a return authorisation number.
    pub resolution: CaseResolution,
    /// The investigated cause; a complaint needs one (here or set before).
    pub cause: Option<String>,
    /// Schedules a follow-up visit on this day, as a task for the case's handler.
    pub follow_up_on: Option<Date>,
}

impl CaseResolveInput {
    pub fn parse(self) -> Result<(Uuid, i32, Resolution)> {
        Ok((
            input_id("id", &self.id, NodeType::Case)?,
            self.version,
            Resolution {
                resolution: self.resolution.into(),
                cause: note("cause", self.cause.as_deref())?,
                follow_up_on: self.follow_up_on.map(|d| d.0),
            },
        ))
    }
}

/// Closes a resolved case, with the customer's verdict.
#[derive(InputObject)]
pub struct CaseCloseInput {
    /// The case.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// The customer's satisfaction, 1 to 5.
    pub satisfaction: Option<i32>,
    /// The customer's likelihood to recommend, 0 to 10.
    pub likelihood_to_recommend: Option<i32>,
    /// What the customer said.
    pub comment: Option<String>,
}

impl CaseCloseInput {
    pub fn parse(self) -> Result<(Uuid, i32, Closing)> {
        Ok((
            input_id("id", &self.id, NodeType::Case)?,
            self.version,
            Closing {
                satisfaction: score("satisfaction", self.satisfaction, 1, 5)?,
                recommend: score("likelihoodToRecommend", self.likelihood_to_recommend, 0, 10)?,
                comment: domain::optional_note(
                    &["input", "comment"],
                    self.comment.as_deref(),
                    COMMENT_MAX,
                )?,
            },
        ))
    }
}

/// Reopens a resolved or closed case.
#[derive(InputObject)]
pub struct CaseReopenInput {
    /// The case.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// Why, added to the case as a note both sides read.
    pub reason: Option<String>,
}

impl CaseReopenInput {
    pub fn parse(self) -> Result<(Uuid, i32, Option<String>)> {
        Ok((
            input_id("id", &self.id, NodeType::Case)?,
            self.version,
            note("reason", self.reason.as_deref())?,
        ))
    }
}

/// A note on a case.
#[derive(InputObject)]
pub struct CaseNoteAddInput {
    /// The case.
    pub case_id: ID,
    /// What it says: 1 to 20000 characters.
    pub body: String,
    /// An investigation note for the brand's staff only. Default false: both sides read it.
    #[graphql(default)]
    pub internal: bool,
}

impl CaseNoteAddInput {
    pub fn parse(self) -> Result<(Uuid, String, bool)> {
        let body = note("body", Some(&self.body))?.ok_or_else(|| {
            Error::user(
                &["input", "body"],
                ErrorCode::Required,
                "body must not be empty",
            )
        })?;
        Ok((
            input_id("caseId", &self.case_id, NodeType::Case)?,
            body,
            self.internal,
        ))
    }
}

/// A routing rule: give `category` with `department`, or `territory` with `assigneeId`.
#[derive(InputObject)]
pub struct CaseRouteSetInput {
    /// The category whose cases go to `department`.
    pub category: Option<CaseCategory>,
    /// The department queue, for a category rule.
    pub department: Option<String>,
    /// The territory whose cases go to `assigneeId`.
    pub territory: Option<String>,
    /// The person, an active staff user, for a territory rule.
    pub assignee_id: Option<ID>,
}

impl CaseRouteSetInput {
    pub fn parse(self) -> Result<Route> {
        match (self.category, self.territory) {
            (Some(category), None) => {
                let Some(department) = self.department else {
                    return Err(Error::user(
                        &["input", "department"],
                        ErrorCode::Required,
                        "a category rule names the department its cases go to",
                    ));
                };
                if self.assignee_id.is_some() {
                    return Err(Error::user(
                        &["input", "assigneeId"],
                        ErrorCode::Invalid,
                        "a category rule routes to a department, not a person",
                    ));
                }
                Ok(Route::Category {
                    category: category.into(),
                    department: domain::required_text(
                        &["input", "department"],
                        &department,
                        DEPARTMENT_MAX,
                    )?
                    .to_uppercase(),
                })
            }
            (None, Some(territory)) => {
                let Some(assignee) = self.assignee_id else {
                    return Err(Error::user(
                        &["input", "assigneeId"],
                        ErrorCode::Required,
                        "a territory rule names the person its cases go to",
                    ));
                };
                if self.department.is_some() {
                    return Err(Error::user(
                        &["input", "department"],
                        ErrorCode::Invalid,
                        "a territory rule routes to a person, not a department",
                    ));
                }
                Ok(Route::Territory {
                    territory: domain::territory(&["input", "territory"], &territory)?,
                    assignee_id: input_id("assigneeId", &assignee, NodeType::User)?,
                })
            }
            (Some(_), Some(_)) => Err(Error::user(
                &["input", "territory"],
                ErrorCode::Invalid,
                "a rule routes a category or a territory, not both",
            )),
            (None, None) => Err(Error::user(
                &["input", "category"],
                ErrorCode::Required,
                "name the category or the territory the rule routes",
            )),
        }
    }
}

/// Removes a routing rule.
#[derive(InputObject)]
pub struct CaseRouteDeleteInput {
    /// The rule.
    pub id: ID,
}

/// A survey response: satisfaction, likelihood to recommend, or both.
#[derive(InputObject)]
pub struct SurveyResponseRecordInput {
    /// The organization that answered.
    pub organization_id: ID,
    /// The person who answered; they must work at the organization.
    pub contact_id: Option<ID>,
    /// The case it is about; it must be the organization's.
    pub case_id: Option<ID>,
    /// The order it is about; the organization must have placed or received it.
    pub order_id: Option<ID>,
    /// Satisfaction, 1 to 5.
    pub satisfaction: Option<i32>,
    /// Likelihood to recommend, 0 to 10.
    pub likelihood_to_recommend: Option<i32>,
    /// What they said.
    pub comment: Option<String>,
    /// When they answered; default now, never in the future.
    pub responded_at: Option<DateTime>,
}

impl SurveyResponseRecordInput {
    pub fn parse(self) -> Result<NewSurveyResponse> {
        let satisfaction = score("satisfaction", self.satisfaction, 1, 5)?;
        let recommend = score("likelihoodToRecommend", self.likelihood_to_recommend, 0, 10)?;
        if satisfaction.is_none() && recommend.is_none() {
            return Err(Error::user(
                &["input", "satisfaction"],
                ErrorCode::Required,
                "a response holds satisfaction, likelihoodToRecommend, or both",
            ));
        }
        Ok(NewSurveyResponse {
            organization_id: input_id(
                "organizationId",
                &self.organization_id,
                NodeType::Organization,
            )?,
            contact_id: optional_id("contactId", &self.contact_id, NodeType::Contact)?,
            case_id: optional_id("caseId", &self.case_id, NodeType::Case)?,
            order_id: optional_id("orderId", &self.order_id, NodeType::Order)?,
            satisfaction,
            recommend,
            comment: domain::optional_note(
                &["input", "comment"],
                self.comment.as_deref(),
                COMMENT_MAX,
            )?,
            responded_at: self.responded_at.map(|t| t.0),
        })
    }
}

/// Narrows a list of cases. All given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
#[graphql(name = "CaseFilter")]
pub struct CaseFilterInput {
    /// Only cases from this organization.
    pub organization_id: Option<ID>,
    /// Only cases about this order.
    pub order_id: Option<ID>,
    /// Only cases this user handles.
    pub assignee_id: Option<ID>,
    /// Only cases in this department queue.
    pub department: Option<String>,
    /// Only these kinds.
    pub kinds: Option<Vec<CaseKind>>,
    /// Only these statuses.
    pub statuses: Option<Vec<CaseStatus>>,
    /// Only these categories.
    pub categories: Option<Vec<CaseCategory>>,
    /// Only these severities.
    pub severities: Option<Vec<CaseSeverity>>,
    /// Only cases that missed a deadline (true), or only those that did not (false).
    pub breached: Option<bool>,
    /// Only those opened at or after this time.
    pub opened_from: Option<DateTime>,
    /// Only those opened before this time.
    pub opened_before: Option<DateTime>,
}

fn list<T: Copy + Into<U>, U>(values: Option<Vec<T>>) -> Vec<U> {
    values
        .unwrap_or_default()
        .into_iter()
        .map(Into::into)
        .collect()
}

impl CaseFilterInput {
    pub fn parse(self) -> Result<CaseFilter> {
        Ok(CaseFilter {
            organization_id: argument_id(
                "filter.organizationId",
                self.organization_id.as_ref(),
                NodeType::Organization,
            )?,
            order_id: argument_id("filter.orderId", self.order_id.as_ref(), NodeType::Order)?,
            assignee_id: argument_id(
                "filter.assigneeId",
                self.assignee_id.as_ref(),
                NodeType::User,
            )?,
            department: self.department.map(|d| d.trim().to_uppercase()),
            kinds: list(self.kinds),
            statuses: list(self.statuses),
            categories: list(self.categories),
            severities: list(self.severities),
            breached: self.breached,
            opened_from: self.opened_from.map(|t| t.0),
            opened_before: self.opened_before.map(|t| t.0),
            now: Utc::now(),
        })
    }
}

/// What a case list is sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseOrderField {
    /// When it was opened.
    CreatedAt,
    /// When it last changed.
    UpdatedAt,
}

/// How a case list is sorted; ties are broken by id.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct CaseOrder {
    /// The field to sort by.
    pub field: CaseOrderField,
    /// The direction. Default DESC: newest first.
    #[graphql(default_with = "SortDirection::Desc")]
    pub direction: SortDirection,
}

impl CaseOrder {
    pub fn sort(order: Option<Self>) -> Sort {
        let order = order.unwrap_or(CaseOrder {
            field: CaseOrderField::CreatedAt,
            direction: SortDirection::Desc,
        });
        Sort {
            key: match order.field {
                CaseOrderField::CreatedAt => SortKey::CreatedAt,
                CaseOrderField::UpdatedAt => SortKey::UpdatedAt,
            },
            descending: order.direction == SortDirection::Desc,
        }
    }
}

/// Narrows a list of survey responses. All given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
#[graphql(name = "SurveyResponseFilter")]
pub struct SurveyResponseFilterInput {
    /// Only this organization's responses.
    pub organization_id: Option<ID>,
    /// Only responses about this case.
    pub case_id: Option<ID>,
    /// Only responses about this order.
    pub order_id: Option<ID>,
    /// Only those given at or after this time.
    pub responded_from: Option<DateTime>,
    /// Only those given before this time.
    pub responded_before: Option<DateTime>,
}

impl SurveyResponseFilterInput {
    pub fn parse(self) -> Result<SurveyFilter> {
        Ok(SurveyFilter {
            organization_id: argument_id(
                "filter.organizationId",
                self.organization_id.as_ref(),
                NodeType::Organization,
            )?,
            case_id: argument_id("filter.caseId", self.case_id.as_ref(), NodeType::Case)?,
            order_id: argument_id("filter.orderId", self.order_id.as_ref(), NodeType::Order)?,
            responded_from: self.responded_from.map(|t| t.0),
            responded_before: self.responded_before.map(|t| t.0),
        })
    }
}

/// What a survey response list is sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SurveyResponseOrderField {
    /// When they answered.
    RespondedAt,
    /// When it was recorded.
    RecordedAt,
}

/// How a survey response list is sorted; ties are broken by id.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct SurveyResponseOrder {
    /// The field to sort by.
    pub field: SurveyResponseOrderField,
    /// The direction. Default DESC: newest first.
    #[graphql(default_with = "SortDirection::Desc")]
    pub direction: SortDirection,
}

impl SurveyResponseOrder {
    pub fn sort(order: Option<Self>) -> Sort {
        let order = order.unwrap_or(SurveyResponseOrder {
            field: SurveyResponseOrderField::RespondedAt,
            direction: SortDirection::Desc,
        });
        Sort {
            key: match order.field {
                SurveyResponseOrderField::RespondedAt => SortKey::CreatedAt,
                SurveyResponseOrderField::RecordedAt => SortKey::UpdatedAt,
            },
            descending: order.direction == SortDirection::Desc,
        }
    }
}
