//! The demo's channel money, through the same services the API uses:
//! - DIST-001's special price for one of its dealers' end customers, which it serves itself
//!   for the project, approved, with three claims against it: one valid and paid by a
//!   credit memo, one capped to what its sales report supports and waiting for the brand,
//!   one rejected;
//! - a price drop on the Gold list for HP-100, whose stock on hand earns the Gold
//!   distributors price protection credits (the first approved);
//! - an MDF fund per tier, from which DIST-001's stand at the trade fair was funded, linked
//!   to the fair's campaign and its leads, claimed with proof and paid;
//! - a Gold volume rebate running through the year, with every Gold distributor's progress.

use chrono::{Datelike, Days, NaiveDate};
use entity::enums::{
    ChannelLinkKind, ClaimSource, FundActivity, FundKind, RebateBasis, RebateMethod,
    RelationshipLevel, UserRole,
};
use entity::{campaign, channel_link, partner_tier, price_list_entry, product, user};
use rust_decimal::Decimal;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use uuid::Uuid;

use crate::access::Principal;
use crate::catalog::model::{PriceEntry, PriceListChanges};
use crate::channel_money::special_prices::{self, Asked, NewLine, NewSpecialPrice};
use crate::channel_money::{claims, funds, price_protection, rebates};
use crate::error::{Error, Result};
use crate::money::{Currency, Money};
use crate::reports::service::{NewSellThroughReport, SellThroughLine, submit_sell_through};
use crate::settings::{CrmSettings, TradeSettings};

pub async fn demo(
    db: &impl ConnectionTrait,
    distributors: &[(Uuid, &str)],
    portal_email: &str,
) -> Result<()> {
    let system = Principal::System;
    let crm = CrmSettings::default();
    let trade = TradeSettings::default();
    let today = crate::store::now().date_naive();
    let eur = Currency::parse(&[], "EUR")?;
    let dist = distributors[0].0;
    let portal = user::Entity::find()
        .filter(user::Column::Email.eq(portal_email))
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("the demo portal user is missing".into()))?;
    let manager = Principal::Partner {
        user_id: portal.id,
        roles: entity::roles::Roles::of([UserRole::PartnerManager, UserRole::PartnerFinance]),
        organization_id: dist,
    };
    let tiers = partner_tier::Entity::find()
        .order_by_asc(partner_tier::Column::Rank)
        .all(db)
        .await?;
    let gold = tiers
        .iter()
        .find(|t| t.code == "GOLD")
        .ok_or_else(|| Error::Internal("the demo's Gold tier is missing".into()))?;
    let sku = |code: &str| {
        let code = code.to_owned();
        async move {
            product::Entity::find()
                .filter(product::Column::Sku.eq(code))
                .one(db)
                .await?
                .ok_or_else(|| Error::Internal("a demo product is missing".into()))
        }
    };

    // A special price for an end customer of one of DIST-001's dealers, on the product it
    // bought most of this year: 20 units at 85 % of what it last paid.
    // The customer is one of DIST-001's dealers' customers, which DIST-001 now serves
    // directly for this project.
    let dealers = channel_link::Entity::find()
        .select_only()
        .column(channel_link::Column::DownstreamId)
        .filter(channel_link::Column::UpstreamId.eq(dist))
        .filter(channel_link::Column::Kind.eq(ChannelLinkKind::ResellsTo))
        .into_query();
    let customer = channel_link::Entity::find()
        .filter(channel_link::Column::UpstreamId.in_subquery(dealers))
        .filter(channel_link::Column::Kind.eq(ChannelLinkKind::Serves))
        .order_by_asc(channel_link::Column::DownstreamId)
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("DIST-001's dealers serve nobody".into()))?
        .downstream_id;
    crate::organizations::links::create(
        db,
        &system,
        crate::organizations::model::NewChannelLink {
            upstream_id: dist,
            downstream_id: customer,
            kind: ChannelLinkKind::Serves,
            level: RelationshipLevel::Active,
            since: today - Days::new(60),
            until: None,
            territory: None,
            exclusive: false,
        },
    )
    .await?;
    let bought = most_bought(db, dist, today - Days::new(300)).await?;
    let item = product::Entity::find_by_id(bought)
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("a demo product is missing".into()))?;
    let paid = last_price(db, dist, item.id).await?;
    let (asked, _) = special_prices::request(
        db,
        &manager,
        &crm,
        &trade,
        NewSpecialPrice {
            end_customer_id: customer,
            deal_registration_id: None,
            valid_from: today - Days::new(30),
            valid_until: today + Days::new(60),
            lines: vec![NewLine {
                sku: item.sku.clone(),
                quantity: Decimal::from(20),
                asked: Asked::Price((paid * Decimal::new(85, 2)).round_dp(2)),
            }],
            note: Some("Hotel refit, 20 boilers".to_owned()),
        },
    )
    .await?;
    let (authorised, _) = special_prices::approve(
        db,
        &system,
        &crm,
        &trade,
        asked.id,
        asked.version,
        special_prices::Approval::default(),
    )
    .await?;
    let number = authorised
        .number
        .clone()
        .ok_or_else(|| Error::Internal("an approved special price has no number".into()))?;
    // DIST-001 reports 12 boilers sold to the customer this month.
    let month_start = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    submit_sell_through(
        db,
        &system,
        NewSellThroughReport {
            organization_id: Some(dist),
            period_start: month_start.min(today - Days::new(10)),
            period_end: today,
            lines: vec![SellThroughLine {
                sku: item.sku.clone(),
                segment: None,
                quantity: Decimal::from(12),
                end_customer: Some(customer),
            }],
            brand_share_percent: None,
        },
    )
    .await?;
    let sale = |invoice: &str, days_ago: u64, quantity: i64| claims::NewClaimLine {
        sku: item.sku.clone(),
        invoice: invoice.to_owned(),
        sold_on: today - Days::new(days_ago),
        quantity: Decimal::from(quantity),
        paid_cost: paid,
    };
    let file = |reference: &str, line: claims::NewClaimLine| claims::NewClaim {
        distributor: None,
        special_price: number.clone(),
        reference: reference.to_owned(),
        source: ClaimSource::Portal,
        lines: vec![line],
    };
    // Valid: 8 sold and reported; approved, a credit memo pays it.
    let (valid, _) =
        claims::submit(db, &manager, file("DB-2026-101", sale("R-8841", 3, 8))).await?;
    claims::approve(db, &system, valid.id, valid.version, Vec::new(), None).await?;
    // Capped: 6 more claimed, 4 left in the report; it waits for the brand.
    claims::submit(db, &manager, file("DB-2026-102", sale("R-8852", 2, 6))).await?;
    // Rejected: sold before the agreement was in force.
    let (early, _) =
        claims::submit(db, &manager, file("DB-2026-103", sale("R-8790", 40, 2))).await?;
    claims::reject(
        db,
        &system,
        early.id,
        early.version,
        "Sold before the agreement took effect".to_owned(),
    )
    .await?;

    // HP-100 falls 5 % on the Gold list: the Gold distributors' stock earns credits.
    let heat_pump = sku("HP-100").await?;
    let list = gold.price_list_id;
    let entries = price_list_entry::Entity::find()
        .filter(price_list_entry::Column::PriceListId.eq(list))
        .order_by_asc(price_list_entry::Column::ProductId)
        .order_by_asc(price_list_entry::Column::MinQuantity)
        .all(db)
        .await?;
    let window = trade.price_protection_days;
    let watch = price_protection::Watch::before(db, &[heat_pump.id], window).await?;
    let version = entity::price_list::Entity::find_by_id(list)
        .one(db)
        .await?
        .map(|l| l.version)
        .ok_or_else(|| Error::Internal("the Gold price list is missing".into()))?;
    crate::catalog::pricing::update(
        db,
        &system,
        list,
        version,
        PriceListChanges {
            name: None,
            valid_from: None,
            valid_until: Default::default(),
            entries: Some(
                entries
                    .iter()
                    .map(|e| {
                        let price = crate::money::stored(e.unit_price);
                        PriceEntry {
                            product_id: e.product_id,
                            min_quantity: crate::money::stored(e.min_quantity),
                            unit_price: if e.product_id == heat_pump.id {
                                (price * Decimal::new(95, 2)).round_dp(2)
                            } else {
                                price
                            },
                        }
                    })
                    .collect(),
            ),
        },
    )
    .await?;
    watch.after(db, &system).await?;
    if let Some(own) = entity::price_protection_credit::Entity::find()
        .order_by_asc(entity::price_protection_credit::Column::Number)
        .one(db)
        .await?
    {
        price_protection::approve(
            db,
            &system,
            own.id,
            own.version,
            Some("Stock confirmed".to_owned()),
        )
        .await?;
    }

    // An MDF fund per tier for the year to come, and DIST-001's stand at the trade fair.
    let (fund, _) = funds::create(
        db,
        &system,
        funds::NewFund {
            name: "Marketing development funds".to_owned(),
            kind: FundKind::Mdf,
            currency: eur,
            starts_on: today - Days::new(300),
            ends_on: today + Days::new(60),
            budget: Decimal::from(60_000),
            accrual_rate: None,
            tier_amounts: tiers
                .iter()
                .map(|t| (t.id, Decimal::from(1_000 * i64::from(t.rank))))
                .collect(),
        },
    )
    .await?;
    let fair = campaign::Entity::find()
        .filter(campaign::Column::Code.eq("FAIR-2026"))
        .one(db)
        .await?;
    let (from, until) = match &fair {
        Some(c) if c.starts_on >= fund.starts_on && c.ends_on < today => (c.starts_on, c.ends_on),
        _ => (today - Days::new(40), today - Days::new(37)),
    };
    let asked = funds::request(
        db,
        &manager,
        funds::NewFundRequest {
            fund: fund.id,
            partner: None,
            activity: FundActivity::TradeShow,
            title: "Stand at the home appliance fair".to_owned(),
            plan: "A 24 m² stand with two installers; leads captured into the portal".to_owned(),
            starts_on: from,
            ends_on: until,
            amount: Money {
                amount: Decimal::from(2_500),
                currency: eur,
            },
        },
    )
    .await?;
    let approved = funds::approve(
        db,
        &system,
        asked.id,
        asked.version,
        funds::Approval {
            amount: Some(Money {
                amount: Decimal::from(2_000),
                currency: eur,
            }),
            campaign: fair.as_ref().map(|c| c.id),
            note: Some("Half the stand".to_owned()),
        },
        trade.fund_claim_days,
    )
    .await?;
    let claimed = funds::claim(
        db,
        &manager,
        approved.id,
        approved.version,
        funds::NewFundClaim {
            amount: Money {
                amount: Decimal::new(1_86450, 2),
                currency: eur,
            },
            proofs: vec![(
                "https://files.dist-001.example/fair-2026/stand-invoice.pdf".to_owned(),
                format!("sha256:{}", "3b".repeat(32)),
            )],
            leads: Some(14),
            attendees: Some(420),
        },
    )
    .await?;
    funds::pay(db, &system, claimed.id, claimed.version, None, None).await?;

    // The Gold volume rebate for the year: 1 % from the first euro, 2 % from 300,000, 3 %
    // from 500,000, retroactive.
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let year_end = NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today);
    rebates::create(
        db,
        &system,
        rebates::NewProgram {
            name: format!("Gold volume {}", today.year()),
            currency: eur,
            starts_on: year_start,
            ends_on: year_end,
            method: RebateMethod::Retroactive,
            basis: RebateBasis::Purchases,
            tier: Some(gold.id),
            partner: None,
            thresholds: vec![
                (Decimal::ZERO, Decimal::ONE),
                (Decimal::from(300_000), Decimal::from(2)),
                (Decimal::from(500_000), Decimal::from(3)),
            ],
        },
    )
    .await?;
    Ok(())
}

/// The product `buyer` was shipped most units of since `since`.
async fn most_bought(db: &impl ConnectionTrait, buyer: Uuid, since: NaiveDate) -> Result<Uuid> {
    let mut q = crate::analytics::sql::Sql::new(db.get_database_backend());
    q.push(
        "SELECT l.product_id AS product, SUM(l.shipped_quantity) AS units FROM order_lines l \
         JOIN orders o ON o.id = l.order_id WHERE o.buyer_id = ",
    )
    .bind(buyer)
    .push(" AND o.submitted_at >= ")
    .bind(since.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
    .push(" GROUP BY l.product_id ORDER BY units DESC, l.product_id LIMIT 1");
    let row = db
        .query_one_raw(q.build())
        .await?
        .ok_or_else(|| Error::Internal("DIST-001 bought nothing".into()))?;
    Ok(row.try_get("", "product")?)
}

/// What `buyer` last paid the brand a unit for `product`.
async fn last_price(db: &impl ConnectionTrait, buyer: Uuid, product: Uuid) -> Result<Decimal> {
    let mut q = crate::analytics::sql::Sql::new(db.get_database_backend());
    q.push(
        "SELECT l.unit_price AS price FROM order_lines l JOIN orders o ON o.id = l.order_id \
         WHERE o.buyer_id = ",
    )
    .bind(buyer)
    .push(" AND l.product_id = ")
    .bind(product)
    .push(" ORDER BY o.submitted_at DESC LIMIT 1");
    let row = db
        .query_one_raw(q.build())
        .await?
        .ok_or_else(|| Error::Internal("DIST-001 never bought the product".into()))?;
    Ok(crate::money::column(&row, "price")?.unwrap_or_default())
}
