//! Service figures: complaints by what they are about, how fast cases are answered and
//! resolved, how often deadlines are missed, and what customers say in surveys.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::customers::round;
use super::portfolio::Period;
use super::sql::{self, Sql};
use crate::access::Principal;
use crate::error::{Error, ErrorCode, Result};

/// A span of days, both ends counted.
#[derive(Clone, Copy, Debug)]
pub struct Span {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Span {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self> {
        if to < from {
            return Err(Error::user(
                &["to"],
                ErrorCode::OutOfRange,
                format!("to ({to}) is before from ({from})"),
            ));
        }
        if (to - from).num_days() > 3660 {
            return Err(Error::user(
                &["to"],
                ErrorCode::OutOfRange,
                "a span of at most ten years can be asked for",
            ));
        }
        Ok(Self { from, to })
    }

    fn start(&self) -> chrono::DateTime<chrono::Utc> {
        sql::start_of(self.from)
    }

    fn end(&self) -> chrono::DateTime<chrono::Utc> {
        sql::start_of(self.to.succ_opt().unwrap_or(self.to))
    }
}

/// What complaints are counted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComplaintDimension {
    Category,
    Product,
    Organization,
    Period(Period),
}

/// One group of complaints.
#[derive(Clone, Debug, PartialEq)]
pub struct ComplaintCount {
    pub category: Option<String>,
    pub product_id: Option<Uuid>,
    pub organization_id: Option<Uuid>,
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub count: i64,
}

/// Complaints opened in `span` that the principal may see, counted by `by`, largest first
/// (periods in order).
pub async fn complaints(
    db: &impl ConnectionTrait,
    principal: &Principal,
    span: Span,
    by: ComplaintDimension,
) -> Result<Vec<ComplaintCount>> {
    let mut q = Sql::new(db.get_database_backend());
    let key = match by {
        ComplaintDimension::Category => "c.category".to_owned(),
        ComplaintDimension::Product => "c.product_id".to_owned(),
        ComplaintDimension::Organization => "c.organization_id".to_owned(),
        ComplaintDimension::Period(p) => {
            format!("{} / {}", q.month_of("c.created_at"), p.months())
        }
    };
    q.push(&format!(
        "SELECT {key} AS k, COUNT(*) AS n FROM cases c WHERE c.kind = 'COMPLAINT' AND c.created_at >= "
    ))
    .bind(span.start())
    .push(" AND c.created_at < ")
    .bind(span.end())
    .push(" AND ")
    .visible_records(principal, "c")
    .push(&format!(" GROUP BY {key}"));
    if matches!(by, ComplaintDimension::Period(_)) {
        q.push(" ORDER BY k");
    } else {
        q.push(&format!(
            " ORDER BY COUNT(*) DESC, CASE WHEN {key} IS NULL THEN 1 ELSE 0 END, {key}"
        ));
    }
    let mut out = Vec::new();
    for row in db.query_all_raw(q.build()).await? {
        let mut group = ComplaintCount {
            category: None,
            product_id: None,
            organization_id: None,
            period: None,
            count: sql::count(&row, "n")?,
        };
        match by {
            ComplaintDimension::Category => group.category = row.try_get("", "k")?,
            ComplaintDimension::Product => group.product_id = row.try_get("", "k")?,
            ComplaintDimension::Organization => group.organization_id = row.try_get("", "k")?,
            ComplaintDimension::Period(p) => {
                let n: i64 = row.try_get("", "k")?;
                group.period = Some((p.start(n as i32), p.end(n as i32)));
            }
        }
        out.push(group);
    }
    Ok(out)
}

/// How cases opened in a span were handled.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseHandling {
    pub cases: i64,
    pub responded: i64,
    pub mean_first_response_hours: Option<Decimal>,
    pub resolved: i64,
    pub mean_resolution_hours: Option<Decimal>,
    /// Cases that missed a deadline: answered or resolved late, or still waiting past one
    /// at the end of the span.
    pub breached: i64,
}

impl CaseHandling {
    pub fn breach_rate(&self) -> Option<Decimal> {
        (self.cases > 0).then(|| round(Decimal::from(self.breached) / Decimal::from(self.cases), 4))
    }
}

pub async fn case_handling(
    db: &impl ConnectionTrait,
    principal: &Principal,
    span: Span,
) -> Result<CaseHandling> {
    let mut q = Sql::new(db.get_database_backend());
    let response = q.seconds_between("c.created_at", "c.first_responded_at");
    let resolution = q.seconds_between("c.created_at", "c.resolved_at");
    let end = span.end();
    q.push(&format!(
        "SELECT COUNT(*) AS cases, COUNT(c.first_responded_at) AS responded, \
         SUM({response}) AS response_seconds, COUNT(c.resolved_at) AS resolved, \
         SUM({resolution}) AS resolution_seconds, \
         COUNT(CASE WHEN c.first_responded_at > c.first_response_due_at \
           OR c.resolved_at > c.resolution_due_at \
           OR (c.first_responded_at IS NULL AND c.first_response_due_at < "
    ))
    .bind(end)
    .push(") OR (c.resolved_at IS NULL AND c.resolution_due_at < ")
    .bind(end)
    .push(") THEN 1 END) AS breached FROM cases c WHERE c.created_at >= ")
    .bind(span.start())
    .push(" AND c.created_at < ")
    .bind(end)
    .push(" AND ")
    .visible_records(principal, "c");
    let row = db
        .query_one_raw(q.build())
        .await?
        .ok_or_else(|| Error::Internal("an aggregate without a row".into()))?;
    let mean = |seconds: Option<i64>, n: i64| {
        seconds
            .filter(|_| n > 0)
            .map(|s| round(Decimal::from(s) / Decimal::from(n * 3600), 2))
    };
    let responded = sql::count(&row, "responded")?;
    let resolved = sql::count(&row, "resolved")?;
    Ok(CaseHandling {
        cases: sql::count(&row, "cases")?,
        responded,
        mean_first_response_hours: mean(sql::integer_sum(&row, "response_seconds")?, responded),
        resolved,
        mean_resolution_hours: mean(sql::integer_sum(&row, "resolution_seconds")?, resolved),
        breached: sql::count(&row, "breached")?,
    })
}

/// What to group survey responses by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SurveyDimension {
    Period(Period),
    Segment,
}

/// Survey responses of one group.
#[derive(Clone, Debug, PartialEq)]
pub struct Satisfaction {
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub segment: Option<String>,
    pub responses: i64,
    pub rated: i64,
    pub satisfaction_sum: i64,
    pub recommend_answers: i64,
    pub promoters: i64,
    pub detractors: i64,
}

impl Satisfaction {
    /// The mean satisfaction score (1 to 5).
    pub fn mean_satisfaction(&self) -> Option<Decimal> {
        (self.rated > 0).then(|| {
            round(
                Decimal::from(self.satisfaction_sum) / Decimal::from(self.rated),
                2,
            )
        })
    }

    /// Net promoter score: per cent promoters (9–10) less per cent detractors (0–6).
    pub fn nps(&self) -> Option<Decimal> {
        (self.recommend_answers > 0).then(|| {
            round(
                Decimal::from((self.promoters - self.detractors) * 100)
                    / Decimal::from(self.recommend_answers),
                1,
            )
        })
    }
}

/// Survey responses given in `span` that the principal may see, grouped by `by`.
pub async fn satisfaction(
    db: &impl ConnectionTrait,
    principal: &Principal,
    span: Span,
    by: SurveyDimension,
) -> Result<Vec<Satisfaction>> {
    let mut q = Sql::new(db.get_database_backend());
    let key = match by {
        SurveyDimension::Segment => "g.segment".to_owned(),
        SurveyDimension::Period(p) => {
            format!("{} / {}", q.month_of("s.responded_at"), p.months())
        }
    };
    q.push(&format!(
        "SELECT {key} AS k, COUNT(*) AS responses, COUNT(s.satisfaction) AS rated, \
         SUM(s.satisfaction) AS satisfaction_sum, COUNT(s.recommend) AS recommend_answers, \
         COUNT(CASE WHEN s.recommend >= 9 THEN 1 END) AS promoters, \
         COUNT(CASE WHEN s.recommend <= 6 THEN 1 END) AS detractors \
         FROM survey_responses s JOIN organizations g ON g.id = s.organization_id \
         WHERE s.responded_at >= "
    ))
    .bind(span.start())
    .push(" AND s.responded_at < ")
    .bind(span.end())
    .push(" AND ")
    .visible_records(principal, "s")
    .push(&format!(
        " GROUP BY {key} ORDER BY CASE WHEN {key} IS NULL THEN 1 ELSE 0 END, {key}"
    ));
    let mut out = Vec::new();
    for row in db.query_all_raw(q.build()).await? {
        let mut group = Satisfaction {
            period: None,
            segment: None,
            responses: sql::count(&row, "responses")?,
            rated: sql::count(&row, "rated")?,
            satisfaction_sum: sql::integer_sum(&row, "satisfaction_sum")?.unwrap_or(0),
            recommend_answers: sql::count(&row, "recommend_answers")?,
            promoters: sql::count(&row, "promoters")?,
            detractors: sql::count(&row, "detractors")?,
        };
        match by {
            SurveyDimension::Segment => group.segment = row.try_get("", "k")?,
            SurveyDimension::Period(p) => {
                let n: i64 = row.try_get("", "k")?;
                group.period = Some((p.start(n as i32), p.end(n as i32)));
            }
        }
        out.push(group);
    }
    Ok(out)
}
