//! The demo's relationship work, written through the services as the operator: visits to
//! distributors with what was promised, key accounts with their return visits, inquiries
//! from end customers with their resolution and satisfaction, a campaign, and leads.

use chrono::{Duration, NaiveDate};
use entity::enums::{
    CampaignChannel, CaseKind, CaseResolution, CaseSeverity, InteractionKind, LeadSource,
};
use entity::{contact, organization};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::Rng;
use crate::access::Principal;
use crate::cases::model::{Closing, NewCase, Resolution};
use crate::error::Result;
use crate::growth::model::{NewCampaign, NewLead};
use crate::money::{Currency, Money};
use crate::relationship::model::{NewCommitment, NewInteraction, Owner};
use crate::settings::CrmSettings;
use crate::store::now;

/// Distributors visited, and how many of them are key accounts.
const VISITED: usize = 8;
const KEY_ACCOUNTS: usize = 3;
/// End customers with an inquiry, and leads from the trade fair.
const INQUIRIES: usize = 12;
const LEADS: usize = 10;

async fn first_contact(db: &impl ConnectionTrait, org: Uuid) -> Result<Option<Uuid>> {
    Ok(contact::Entity::find()
        .filter(contact::Column::OrganizationId.eq(org))
        .order_by_asc(contact::Column::Id)
        .one(db)
        .await?
        .map(|c| c.id))
}

pub async fn demo(
    db: &impl ConnectionTrait,
    rng: &mut Rng,
    distributors: &[(Uuid, &str)],
    customers: &[Uuid],
) -> Result<usize> {
    let system = Principal::System;
    let crm = CrmSettings::default();
    let today = crm.today();
    let mut written = 0;
    for (i, (distributor, _)) in distributors.iter().take(VISITED).enumerate() {
        if i < KEY_ACCOUNTS {
            let org = organization::Entity::find_by_id(*distributor)
                .one(db)
                .await?
                .map(|m| {
                    let mut row: organization::ActiveModel = m.into();
                    row.key_account = sea_orm::Set(true);
                    row
                });
            if let Some(row) = org {
                let saved = sea_orm::ActiveModelTrait::update(row, db).await?;
                crate::relationship::tasks::key_account_changed(db, &saved, &crm).await?;
            }
        }
        let days_ago = 10 + rng.below(60) as i64;
        let occurred_at = now() - Duration::days(days_ago);
        let contact = first_contact(db, *distributor).await?;
        let made_on = occurred_at.date_naive();
        let commitments = contact
            .map(|c| {
                vec![NewCommitment {
                    description: "Send the sell-through figures for the quarter".to_owned(),
                    owner: Owner::Contact(c),
                    due_on: made_on + Duration::days(14),
                }]
            })
            .unwrap_or_default();
        crate::relationship::interactions::record(
            db,
            &system,
            &crm,
            NewInteraction {
                organization_id: *distributor,
                kind: InteractionKind::Visit,
                occurred_at,
                summary:
                    "Quarterly review: stock levels, the spring range, training for the sales team."
                        .to_owned(),
                internal_notes: Some("Asks for better terms on the Gold tier.".to_owned()),
                user_ids: Vec::new(),
                contact_ids: contact.into_iter().collect(),
                commitments,
            },
        )
        .await?;
        written += 1;
    }
    for (i, customer) in customers.iter().take(INQUIRIES).enumerate() {
        let contact = first_contact(db, *customer).await?;
        let case = crate::cases::service::open(
            db,
            &system,
            &crm,
            Decimal::from(1_000_000),
            NewCase {
                kind: if i % 3 == 0 {
                    CaseKind::Complaint
                } else {
                    CaseKind::Inquiry
                },
                organization_id: *customer,
                contact_id: contact,
                subject: if i % 3 == 0 {
                    "The appliance stops mid-cycle".to_owned()
                } else {
                    "Which filter fits our model?".to_owned()
                },
                description: None,
                order_id: None,
                sku: None,
                quantity: None,
                ship_date: None,
                category: (i % 3 == 0).then_some(entity::enums::CaseCategory::ProductQuality),
                severity: if i % 3 == 0 {
                    CaseSeverity::High
                } else {
                    CaseSeverity::Low
                },
            },
        )
        .await?;
        written += 1;
        // Two in three are resolved; of those, half are closed with the customer's verdict.
        if i % 3 == 2 {
            continue;
        }
        let resolved = crate::cases::service::resolve(
            db,
            &system,
            &crm,
            case.id,
            case.version,
            Resolution {
                resolution: if i % 3 == 0 {
                    CaseResolution::Repair
                } else {
                    CaseResolution::None
                },
                cause: Some("Worn door seal lets the sensor trip".to_owned()),
                follow_up_on: None,
            },
        )
        .await?;
        if i % 2 == 0 {
            crate::cases::service::close(
                db,
                &system,
                resolved.id,
                resolved.version,
                Closing {
                    satisfaction: Some(2 + rng.below(4) as i32),
                    recommend: Some(4 + rng.below(7) as i32),
                    comment: None,
                },
            )
            .await?;
        }
    }
    let campaign = crate::growth::campaigns::create(
        db,
        &system,
        NewCampaign {
            code: "FAIR-2026".to_owned(),
            name: "Home appliance fair 2026".to_owned(),
            channel: CampaignChannel::TradeShow,
            starts_on: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap_or(today),
            ends_on: NaiveDate::from_ymd_opt(2026, 10, 4).unwrap_or(today),
            cost: Money {
                amount: Decimal::from(12_000),
                currency: Currency::parse(&[], "EUR")?,
            },
            material: Some("CATALOGUE-2027".to_owned()),
        },
    )
    .await?;
    let names = [
        "Jonas Weber",
        "Chloé Martin",
        "佐藤 花子",
        "Luca Rossi",
        "Ana Souza",
    ];
    for i in 0..LEADS {
        let (_, territory) = distributors[i % distributors.len()];
        crate::growth::leads::create(
            db,
            &system,
            &crm,
            NewLead {
                person_name: names[i % names.len()].to_owned(),
                company: Some(format!("Prospect {} GmbH", i + 1)),
                email: None,
                phone: None,
                tax_id: None,
                source: LeadSource::TradeShow,
                campaign_id: Some(campaign.id),
                captured_at: now() - Duration::days(1 + (i % 5) as i64),
                territory: Some(territory.to_owned()),
                notes: None,
            },
        )
        .await?;
        written += 1;
    }
    Ok(written)
}
