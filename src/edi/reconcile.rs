//! Partners' 997s reconciled with what the brand sent them: each AK2 (or, where a group is
//! acknowledged as a whole, its AK9) names outbound sets by functional group, group control
//! number and set control number, and each such set keeps what the 997 said of it. A 997
//! that names nothing the partner was sent is refused, naming the segment.

use chrono::Utc;
use entity::edi_document;
use entity::enums::EdiDirection;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::envelope::{Segment, TransactionSet};
use super::mapping::{Applied, Failure, refuse};
use entity::organization;

/// What a 997 says of a set or a group (AK501, AK901).
fn status_of(code: &str) -> Option<&'static str> {
    match code.trim() {
        "A" => Some("ACCEPTED"),
        "E" => Some("ACCEPTED_WITH_ERRORS"),
        "R" | "M" | "W" | "X" => Some("REJECTED"),
        // AK901 `P`: some sets accepted; each set's own AK5 says which.
        _ => None,
    }
}

/// One acknowledged group: its AK1 and what its AK2/AK5 pairs and AK9 say.
struct AckGroup<'a> {
    ak1: &'a Segment,
    sets: Vec<(&'a Segment, Option<&'static str>)>,
    group_status: Option<&'static str>,
}

fn groups(set: &TransactionSet) -> std::result::Result<Vec<AckGroup<'_>>, Failure> {
    let mut out: Vec<AckGroup<'_>> = Vec::new();
    for s in &set.body {
        match s.id.as_str() {
            "AK1" => out.push(AckGroup {
                ak1: s,
                sets: Vec::new(),
                group_status: None,
            }),
            "AK2" | "AK5" | "AK9" | "AK3" | "AK4" | "IK3" | "IK4" | "IK5" | "CTX" => {
                let Some(group) = out.last_mut() else {
                    return Err(refuse(s, None, format!("{} comes before any AK1", s.id)).into());
                };
                let code = s.element(1).trim();
                match s.id.as_str() {
                    "AK2" => group.sets.push((s, None)),
                    "AK5" | "IK5" => {
                        let status = status_of(code).ok_or_else(|| {
                            refuse(
                                s,
                                Some(1),
                                format!(
                                    "{}01 `{code}` is not a set's status (A, E, M, R, W, X)",
                                    s.id
                                ),
                            )
                        })?;
                        if let Some(last) = group.sets.last_mut() {
                            last.1 = Some(status);
                        }
                    }
                    "AK9" => {
                        if code != "P" && status_of(code).is_none() {
                            return Err(refuse(
                                s,
                                Some(1),
                                format!(
                                    "AK901 `{code}` is not a group's status (A, E, M, P, R, W, X)"
                                ),
                            )
                            .into());
                        }
                        group.group_status = status_of(code);
                    }
                    _ => {}
                }
            }
            other => {
                return Err(refuse(s, None, format!("{other} is not expected in a 997")).into());
            }
        }
    }
    if out.is_empty() {
        let st = super::mapping::anchor(set, "AK1");
        return Err(refuse(&st, None, "a 997 needs an AK1").into());
    }
    Ok(out)
}

/// A control number as a number, so `0006` and `6` match.
fn number(value: &str) -> String {
    let trimmed = value.trim().trim_start_matches('0');
    if trimmed.is_empty() {
        "0".into()
    } else {
        trimmed.into()
    }
}

/// Reconciles a partner's 997 with the sets the brand sent it.
pub async fn functional_ack(
    db: &impl ConnectionTrait,
    partner: &organization::Model,
    interchange: Uuid,
    set: &TransactionSet,
) -> std::result::Result<Applied, Failure> {
    let at = Utc::now();
    let mut references = Vec::new();
    for group in groups(set)? {
        let functional = group.ak1.element(1).trim().to_owned();
        let control = group.ak1.element(2).trim().to_owned();
        if functional == "FA" {
            return Err(refuse(
                group.ak1,
                Some(1),
                "a 997 acknowledges sets, not other 997s",
            )
            .into());
        }
        let sent: Vec<edi_document::Model> = edi_document::Entity::find()
            .filter(edi_document::Column::OrganizationId.eq(partner.id))
            .filter(edi_document::Column::Direction.eq(EdiDirection::Outbound))
            .filter(edi_document::Column::FunctionalId.eq(functional.clone()))
            .filter(edi_document::Column::GroupControlNumber.eq(number(&control)))
            .all(db)
            .await?;
        if sent.is_empty() {
            return Err(refuse(
                group.ak1,
                Some(2),
                format!(
                    "AK1 names group {functional} {control}, which {} was not sent",
                    partner.code
                ),
            )
            .into());
        }
        // Sets named one by one; where the group is acknowledged as a whole, every set in it.
        let mut updates: Vec<(Uuid, &'static str)> = Vec::new();
        if group.sets.is_empty() {
            let Some(status) = group.group_status else {
                return Err(refuse(
                    group.ak1,
                    None,
                    "the group names no sets (AK2) and its AK9 accepts or rejects none",
                )
                .into());
            };
            updates.extend(sent.iter().map(|d| (d.id, status)));
        } else {
            for (ak2, status) in &group.sets {
                let found = sent.iter().find(|d| {
                    d.transaction_set == ak2.element(1).trim()
                        && number(&d.control_number) == number(ak2.element(2))
                });
                let Some(doc) = found else {
                    return Err(refuse(
                        ak2,
                        Some(2),
                        format!(
                            "AK2 names set {} {} of group {control}, which {} was not sent",
                            ak2.element(1),
                            ak2.element(2),
                            partner.code
                        ),
                    )
                    .into());
                };
                let status = status.or(group.group_status).ok_or_else(|| {
                    refuse(ak2, None, "the set has no AK5 saying what became of it")
                })?;
                updates.push((doc.id, status));
            }
        }
        // One statement per status, whatever the number of sets.
        for status in ["ACCEPTED", "ACCEPTED_WITH_ERRORS", "REJECTED"] {
            let ids: Vec<Uuid> = updates
                .iter()
                .filter(|(_, s)| *s == status)
                .map(|(id, _)| *id)
                .collect();
            if ids.is_empty() {
                continue;
            }
            edi_document::Entity::update_many()
                .col_expr(edi_document::Column::AckStatus, Expr::value(status))
                .col_expr(edi_document::Column::AcknowledgedAt, Expr::value(at))
                .col_expr(
                    edi_document::Column::AcknowledgedById,
                    Expr::value(interchange),
                )
                .filter(edi_document::Column::Id.is_in(ids))
                .exec(db)
                .await?;
        }
        references.push(format!("{functional} {control}"));
    }
    Ok(Applied {
        reference: Some(references.join(", ")),
        ..Applied::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_numbers_match_as_numbers() {
        assert_eq!(number("0006"), number("6"));
        assert_eq!(number("000"), "0");
        assert_ne!(number("16"), number("6"));
    }

    #[test]
    fn a_997s_codes_say_what_became_of_a_set() {
        assert_eq!(status_of("A"), Some("ACCEPTED"));
        assert_eq!(status_of("E"), Some("ACCEPTED_WITH_ERRORS"));
        assert_eq!(status_of("R"), Some("REJECTED"));
        assert_eq!(status_of("P"), None);
    }
}
