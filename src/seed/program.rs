//! The demo's partner program: the program's terms, accepted by DIST-001's portal admin; a
//! catalogue of certifications, with one of DIST-001's about to run out; tier criteria that
//! leave DIST-002 one criterion short of GOLD, and every distributor evaluated; and an
//! application waiting for the brand.

use chrono::{Days, Months};
use entity::enums::{AddressKind, OrganizationKind, TierComparison, TierMeasure, UserRole};
use entity::{contact, partner_tier, user};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::access::Principal;
use crate::error::{Error, Result};
use crate::organizations::model::NewAddress;
use crate::program::applications::{self, AppliedContact, NewApplication};
use crate::program::certifications::{self, NewCertification, NewRecord};
use crate::program::qualification::{self, NewCriterion};
use crate::program::terms;
use crate::settings::CrmSettings;

pub async fn demo(
    db: &impl ConnectionTrait,
    distributors: &[(Uuid, &str)],
    portal_email: &str,
) -> Result<()> {
    let system = Principal::System;
    let crm = CrmSettings::default();
    let today = crm.today();

    // The terms, accepted for DIST-001 by its portal admin.
    let published = terms::publish(
        db,
        &system,
        "Aurora partner program terms".to_owned(),
        "1. The partner carries the brand's product lines it is certified for.\n\
         2. The partner reports its stock and its sales every month.\n\
         3. The partner settles its account on the terms of its tier."
            .to_owned(),
    )
    .await?;
    let portal = user::Entity::find()
        .filter(user::Column::Email.eq(portal_email))
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("the demo portal user is missing".into()))?;
    let admin = Principal::Partner {
        user_id: portal.id,
        roles: entity::roles::Roles::of([UserRole::PartnerAdmin]),
        organization_id: distributors[0].0,
    };
    terms::accept(db, &admin, published.id, terms::RequestFacts::default()).await?;

    // The catalogue, and who holds what: every distributor's first contact is an installer;
    // DIST-001's runs out in ten days.
    let installer = certifications::create(
        db,
        &system,
        NewCertification {
            code: "INSTALLER".to_owned(),
            name: "Heat pump installer".to_owned(),
            description: Some(
                "Sizing, installing and commissioning the brand's heat pumps.".to_owned(),
            ),
            validity_months: 24,
        },
    )
    .await?;
    certifications::create(
        db,
        &system,
        NewCertification {
            code: "SERVICE-TECH".to_owned(),
            name: "Service technician".to_owned(),
            description: None,
            validity_months: 12,
        },
    )
    .await?;
    for (i, (distributor, _)) in distributors.iter().enumerate() {
        let first = contact::Entity::find()
            .filter(contact::Column::OrganizationId.eq(*distributor))
            .order_by_asc(contact::Column::Id)
            .one(db)
            .await?;
        let Some(first) = first else { continue };
        let earned = if i == 0 {
            today - Months::new(24) + Days::new(10)
        } else {
            today - Days::new(30 + 7 * i as u64)
        };
        certifications::record(
            db,
            &system,
            &crm,
            NewRecord {
                contact_id: first.id,
                certification_id: installer.id,
                earned_on: earned,
                evidence: Some(format!(
                    "https://academy.aurora.example/certificates/{}",
                    88000 + i
                )),
            },
        )
        .await?;
    }

    // Criteria: SILVER asks for a fifth of DIST-002's purchases; GOLD for its purchases and
    // its product lines, which it has, and one certified contact more than it has.
    let tiers = partner_tier::Entity::find().all(db).await?;
    let tier = |code: &str| {
        tiers
            .iter()
            .find(|t| t.code == code)
            .cloned()
            .ok_or_else(|| Error::Internal(format!("the demo tier {code} is missing")))
    };
    let (silver, gold) = (tier("SILVER")?, tier("GOLD")?);
    let d = distributors
        .get(1)
        .map(|d| d.0)
        .ok_or_else(|| Error::Internal("the demo has one distributor".into()))?;
    let measured = |m: TierMeasure| {
        let crm = &crm;
        async move {
            Ok::<_, Error>(
                qualification::measure(db, crm, &[d], today, m, 12)
                    .await?
                    .get(&d)
                    .copied()
                    .unwrap_or_default(),
            )
        }
    };
    let purchases = measured(TierMeasure::Purchases).await?.floor();
    let lines = measured(TierMeasure::ProductLines).await?;
    let certified = measured(TierMeasure::CertifiedContacts).await?;
    let at_least = |measure, threshold| NewCriterion {
        measure,
        comparison: TierComparison::AtLeast,
        threshold,
        period_months: 12,
    };
    qualification::set_criteria(
        db,
        &system,
        silver.id,
        silver.version,
        vec![
            at_least(
                TierMeasure::Purchases,
                (purchases / Decimal::from(5)).floor(),
            ),
            NewCriterion {
                measure: TierMeasure::OpenComplaints,
                comparison: TierComparison::AtMost,
                threshold: Decimal::from(3),
                period_months: 12,
            },
        ],
    )
    .await?;
    qualification::set_criteria(
        db,
        &system,
        gold.id,
        gold.version,
        vec![
            at_least(TierMeasure::Purchases, purchases),
            at_least(TierMeasure::ProductLines, lines),
            at_least(TierMeasure::CertifiedContacts, certified + Decimal::ONE),
        ],
    )
    .await?;
    let ids: Vec<Uuid> = distributors.iter().map(|d| d.0).collect();
    qualification::evaluate(db, &system, &crm, &ids, today).await?;

    // An application waiting for the brand.
    applications::apply(
        db,
        NewApplication {
            kind: OrganizationKind::IntermediateCustomer,
            company_name: "Fahrrad Nord".to_owned(),
            legal_name: Some("Fahrrad Nord GmbH".to_owned()),
            tax_id: Some("DE811222333".to_owned()),
            website: Some("https://fahrrad-nord.example".to_owned()),
            territory: Some("DE-NORTH".to_owned()),
            product_lines: vec!["Heat pumps".to_owned(), "Boilers".to_owned()],
            contacts: vec![AppliedContact {
                name: "Petra Partner".to_owned(),
                title: Some("Owner".to_owned()),
                email: "petra@fahrrad-nord.example".to_owned(),
                phone: None,
            }],
            addresses: vec![NewAddress {
                organization_id: Uuid::nil(),
                kind: AddressKind::HeadOffice,
                line1: "Hafenstraße 5".to_owned(),
                line2: None,
                city: "Kiel".to_owned(),
                region: None,
                postal_code: Some("24103".to_owned()),
                country: "DE".to_owned(),
                gln: None,
                duns: None,
            }],
            message: Some("We install 400 heat pumps a year.".to_owned()),
        },
        None,
    )
    .await?;
    Ok(())
}
