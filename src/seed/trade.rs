//! The demo's trade: a catalog of heating products from the demo suppliers, three partner
//! tiers with their price lists, and a year of orders, shipments, invoices, payments and
//! reports, all written through the same services the API uses, then dated back.

use crate::reactions::Reactions;
use chrono::{Datelike, Days, Duration, NaiveDate};
use entity::enums::{ProductStatus, SettlementCadence, SpecKind, UnitOfMeasure};
use entity::{order, order_event};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::Rng;
use crate::access::Principal;
use crate::catalog::model::{
    NewPriceList, NewProduct, NewSpec, NewTier, PriceEntry, ProductSupplier,
};
use crate::catalog::{pricing, products, tiers};
use crate::domain::gs1_check_digit;
use crate::error::Result;
use crate::money::{Currency, Money};
use crate::orders::model::{
    LineAck, LineDecision, LineQuantity, NewLine, NewOrder, NewPayment, NewShipment,
};
use crate::orders::{credit, fulfilment, lifecycle, submit};
use crate::reports::service::{
    InventoryLine, NewInventoryReport, NewSellThroughReport, SellThroughLine, submit_inventory,
    submit_sell_through,
};
use crate::settings::TradeSettings;
use crate::store::now;

/// The catalog: SKU, name, line, unit, list price in EUR.
const CATALOG: [(&str, &str, &str, UnitOfMeasure, i64); 8] = [
    (
        "HP-100",
        "Aurora Heat Pump 100",
        "Heat pumps",
        UnitOfMeasure::Each,
        420_000,
    ),
    (
        "HP-200",
        "Aurora Heat Pump 200",
        "Heat pumps",
        UnitOfMeasure::Each,
        690_000,
    ),
    (
        "BLR-30",
        "Condensing Boiler 30 kW",
        "Boilers",
        UnitOfMeasure::Each,
        210_000,
    ),
    (
        "BLR-45",
        "Condensing Boiler 45 kW",
        "Boilers",
        UnitOfMeasure::Each,
        280_000,
    ),
    (
        "CTL-SMART",
        "Smart Thermostat",
        "Controls",
        UnitOfMeasure::Each,
        18_900,
    ),
    (
        "CTL-ZONE",
        "Zone Controller",
        "Controls",
        UnitOfMeasure::Each,
        34_900,
    ),
    (
        "ACC-FILTER",
        "Filter Set",
        "Accessories",
        UnitOfMeasure::Package,
        2_450,
    ),
    (
        "ACC-VALVE",
        "Mixing Valve",
        "Accessories",
        UnitOfMeasure::Each,
        7_990,
    ),
];

/// Tiers: code, name, rank, percent of list price, and the break at 10 units.
const TIERS: [(&str, &str, i32, i64, i64); 3] = [
    ("REGISTERED", "Registered", 1, 95, 92),
    ("SILVER", "Silver", 2, 90, 87),
    ("GOLD", "Gold", 3, 85, 82),
];

/// What the demo's trade wrote.
#[derive(Default)]
pub struct TradeReport {
    pub products: usize,
    pub orders: usize,
    pub reports: usize,
}

/// The demo trades in EUR.
fn eur() -> Result<Currency> {
    Currency::parse(&[], "EUR")
}

fn cents(n: i64) -> Decimal {
    Decimal::new(n, 2)
}

fn gtin(n: usize) -> String {
    let body = format!("400638{:06}", 100 + n);
    let digits: Vec<u32> = body.chars().filter_map(|c| c.to_digit(10)).collect();
    format!("{body}{}", gs1_check_digit(&digits))
}

/// Writes the catalog, the program and a year of trade.
pub async fn demo(
    db: &impl ConnectionTrait,
    rng: &mut Rng,
    suppliers: &[Uuid],
    distributors: &[(Uuid, &str)],
    dealers: &[(Uuid, Uuid)],
) -> Result<TradeReport> {
    let system = Principal::System;
    let limits = TradeSettings::default();
    let today = now().date_naive();
    let mut report = TradeReport::default();

    let mut catalog = Vec::new();
    for (i, (sku, name, line, unit, price)) in CATALOG.iter().enumerate() {
        let product = products::create(
            db,
            &system,
            NewProduct {
                sku: (*sku).to_owned(),
                name: (*name).to_owned(),
                gtin: Some(gtin(i)),
                product_line: (*line).to_owned(),
                unit: *unit,
                list_price: Money::rounded(cents(*price), eur()?),
                tax_rate: Decimal::from(19),
                // The brand makes at a 40 % gross margin on list.
                standard_cost: Some((cents(*price) * Decimal::new(6, 1)).round_dp(2)),
                status: ProductStatus::Active,
                description: None,
                suppliers: vec![ProductSupplier {
                    supplier_id: suppliers[i % suppliers.len()],
                    part_number: Some(format!("P-{}", 7000 + i)),
                }],
            },
        )
        .await?;
        catalog.push(product);
    }
    report.products = catalog.len();
    for (name, kind, value) in [
        ("Refrigerant", SpecKind::Attribute, "R290"),
        ("Sound power", SpecKind::Attribute, "48 dB(A)"),
        ("Assembly drawing", SpecKind::Document, "DOC-HP100-REV-C"),
    ] {
        products::spec_create(
            db,
            &system,
            NewSpec {
                product_id: catalog[0].id,
                kind,
                name: name.to_owned(),
                value: value.to_owned(),
            },
        )
        .await?;
    }

    let valid_from = today.checked_sub_days(Days::new(400)).unwrap_or(today);
    let mut tier_ids = Vec::new();
    for (code, name, rank, percent, break_percent) in TIERS {
        let mut entries = Vec::new();
        for p in &catalog {
            for (min, pct) in [(1, percent), (10, break_percent)] {
                entries.push(PriceEntry {
                    product_id: p.id,
                    min_quantity: Decimal::from(min),
                    unit_price: (p.list_price * Decimal::from(pct) / Decimal::ONE_HUNDRED)
                        .round_dp(2),
                });
            }
        }
        let list = pricing::create(
            db,
            &system,
            NewPriceList {
                code: format!("{code}-LIST"),
                name: format!("{name} price list"),
                currency: eur()?,
                valid_from,
                valid_until: None,
                entries,
            },
        )
        .await?;
        let tier = tiers::create(
            db,
            &system,
            NewTier {
                code: code.to_owned(),
                name: name.to_owned(),
                rank,
                price_list_id: list.id,
                payment_terms_days: 15 + 15 * rank,
                financing_days: 15 * (rank - 1),
                min_sales_share: (rank > 1).then(|| Decimal::from(20 * rank)),
                required_product_lines: match rank {
                    1 => vec![],
                    2 => vec!["Heat pumps".to_owned()],
                    _ => vec!["Heat pumps".to_owned(), "Boilers".to_owned()],
                },
                reports_inventory: rank > 1,
                reports_sell_through: rank > 2,
                settlement_cadence: SettlementCadence::Monthly,
                lead_routing_weight: rank,
                deal_protection_days: (rank > 2).then_some(120),
            },
        )
        .await?;
        tier_ids.push(tier.id);
    }
    for (i, (distributor, _)) in distributors.iter().enumerate() {
        let tier = match i % 4 {
            0 => tier_ids[2],
            1 | 2 => tier_ids[1],
            _ => tier_ids[0],
        };
        let org = tiers::assign(db, &system, *distributor, 1, Some(tier), None).await?;
        if i == 0 {
            let limit = Money::rounded(Decimal::from(400_000), eur()?);
            credit::set_limit(db, &system, org.id, org.version, Some(limit)).await?;
        }
    }

    // A year of orders: each distributor monthly from the brand, some dealers quarterly
    // from their distributor.
    let mut po = 0;
    for (distributor, _) in distributors {
        for month in (0..12u64).rev() {
            let day = today
                .checked_sub_days(Days::new(month * 30 + 2 + rng.below(20) as u64))
                .unwrap_or(today);
            po += 1;
            place(
                db,
                rng,
                &catalog,
                *distributor,
                None,
                format!("PO-{po:05}"),
                day,
                today,
                &limits,
            )
            .await?;
            report.orders += 1;
        }
    }
    for (dealer, distributor) in dealers {
        for quarter in (0..4u64).rev() {
            let day = today
                .checked_sub_days(Days::new(quarter * 90 + 3 + rng.below(40) as u64))
                .unwrap_or(today);
            po += 1;
            place(
                db,
                rng,
                &catalog[4..],
                *dealer,
                Some(*distributor),
                format!("DLR-PO-{po:05}"),
                day,
                today,
                &limits,
            )
            .await?;
            report.orders += 1;
        }
    }

    // Six months of stock and sales reports from every distributor above Registered.
    for (i, (distributor, _)) in distributors.iter().enumerate() {
        if i % 4 == 3 {
            continue;
        }
        for month in (1..=6u32).rev() {
            let end = month_end(today, month);
            let start = NaiveDate::from_ymd_opt(end.year(), end.month(), 1).unwrap_or(end);
            let sold: Vec<SellThroughLine> = catalog
                .iter()
                .map(|p| SellThroughLine {
                    sku: p.sku.clone(),
                    segment: None,
                    quantity: Decimal::from(2 + rng.below(30)),
                    end_customer: None,
                })
                .collect();
            submit_sell_through(
                db,
                &system,
                NewSellThroughReport {
                    organization_id: Some(*distributor),
                    period_start: start,
                    period_end: end,
                    lines: sold,
                    brand_share_percent: Some(Decimal::from(25 + rng.below(40))),
                },
            )
            .await?;
            let stock: Vec<InventoryLine> = catalog
                .iter()
                .map(|p| InventoryLine {
                    sku: p.sku.clone(),
                    on_hand: Decimal::from(rng.below(80)),
                    on_order: Some(Decimal::from(rng.below(20))),
                })
                .collect();
            submit_inventory(
                db,
                &system,
                NewInventoryReport {
                    organization_id: Some(*distributor),
                    as_of: end,
                    lines: stock,
                },
            )
            .await?;
            report.reports += 2;
        }
    }
    Ok(report)
}

/// The last day of the month `back` months before `today`'s.
fn month_end(today: NaiveDate, back: u32) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    let first = first
        .checked_sub_months(chrono::Months::new(back - 1))
        .unwrap_or(first);
    first.pred_opt().unwrap_or(first)
}

/// Places one order on `day` and takes it as far as its age allows: older orders are paid,
/// recent ones invoiced, shipped or still waiting.
#[allow(clippy::too_many_arguments)]
async fn place(
    db: &impl ConnectionTrait,
    rng: &mut Rng,
    catalog: &[entity::product::Model],
    buyer: Uuid,
    seller: Option<Uuid>,
    po_number: String,
    day: NaiveDate,
    today: NaiveDate,
    limits: &TradeSettings,
) -> Result<()> {
    let system = Principal::System;
    let count = 1 + rng.below(3);
    let mut lines: Vec<NewLine> = Vec::new();
    for n in 0..count {
        let product = &catalog[rng.below(catalog.len())];
        if lines.iter().any(|l| l.sku == product.sku) {
            continue;
        }
        let quantity = if product.list_price > Decimal::from(1000) {
            1 + rng.below(12)
        } else {
            5 + rng.below(60)
        };
        lines.push(NewLine {
            line_number: n as i32 + 1,
            sku: product.sku.clone(),
            quantity: Decimal::from(quantity),
            unit: None,
            buyer_part_number: None,
            requested_date: day.checked_add_days(Days::new(14)),
            expected_unit_price: None,
            item: None,
            pack: None,
        });
    }
    let new = NewOrder {
        buyer_id: Some(buyer),
        seller_id: seller,
        po_number,
        currency: None,
        requested_date: day.checked_add_days(Days::new(14)),
        ship_to_address_id: None,
        one_time_ship_to: None,
        ship_to_reference: None,
        notes: None,
        special_price: None,
        end_customer_id: None,
        brand_initiated: false,
        lines,
    };
    let placed = submit::submit(db, &system, new, limits).await?;
    let age = (today - day).num_days();
    let id = placed.id;
    if age > 5 && placed.status == entity::enums::OrderStatus::Submitted {
        let lines = entity::order_line::Entity::find()
            .filter(entity::order_line::Column::OrderId.eq(id))
            .order_by_asc(entity::order_line::Column::LineNumber)
            .all(db)
            .await?;
        let acks = lines
            .iter()
            .map(|l| LineAck {
                line_number: l.line_number,
                decision: LineDecision::Accept,
                quantity: None,
                unit_price: None,
                promised_date: None,
            })
            .collect();
        let acked =
            lifecycle::acknowledge(db, &system, &Reactions, id, placed.version, acks, None).await?;
        if age > 15 {
            let shipped_at = day.checked_add_days(Days::new(3)).unwrap_or(day);
            let (shipped, _) = fulfilment::ship(
                db,
                &system,
                &Reactions,
                id,
                acked.version,
                NewShipment {
                    carrier: ["DHL", "DB Schenker", "Kuehne+Nagel"][rng.below(3)].to_owned(),
                    tracking_number: Some(format!("TRK{:08}", rng.below(100_000_000))),
                    shipped_at: shipped_at.and_hms_opt(9, 0, 0).map(|t| t.and_utc()),
                    expected_at: shipped_at.checked_add_days(Days::new(2)),
                    lines: lines
                        .iter()
                        .map(|l| LineQuantity {
                            line_number: l.line_number,
                            quantity: *l.quantity,
                        })
                        .collect(),
                },
            )
            .await?;
            let issued = day.checked_add_days(Days::new(5)).unwrap_or(day);
            let (_, invoice) =
                fulfilment::invoice(db, &system, &Reactions, id, shipped.version, Some(issued))
                    .await?;
            if invoice.due_on < today {
                let late = rng.below(5) == 0;
                let received = invoice
                    .due_on
                    .checked_add_days(Days::new(if late { 12 } else { 0 }))
                    .filter(|d| *d < today)
                    .unwrap_or(invoice.due_on);
                fulfilment::pay(
                    db,
                    &system,
                    invoice.id,
                    invoice.version,
                    NewPayment {
                        amount: *invoice.total,
                        currency: eur()?,
                        received_on: Some(received),
                        reference: Some(format!("BANK-{}", invoice.number)),
                    },
                )
                .await?;
            }
        }
    }
    backdate(db, id, day).await
}

/// Moves an order's timestamps to the days its steps would have happened.
async fn backdate(db: &impl ConnectionTrait, id: Uuid, day: NaiveDate) -> Result<()> {
    let Some(start) = day.and_hms_opt(8, 30, 0).map(|t| t.and_utc()) else {
        return Ok(());
    };
    let events = order_event::Entity::find()
        .filter(order_event::Column::OrderId.eq(id))
        .order_by_asc(order_event::Column::OccurredAt)
        .all(db)
        .await?;
    let mut last = start;
    for event in events {
        let offset = match event.action.as_str() {
            "ACKNOWLEDGED" => Duration::days(1),
            "SHIPPED" => Duration::days(3),
            "INVOICED" => Duration::days(5),
            "PAYMENT_RECORDED" => Duration::days(5 + 30),
            _ => Duration::zero(),
        };
        last = (start + offset).max(last);
        let mut row: order_event::ActiveModel = event.into();
        row.occurred_at = Set(last);
        row.update(db).await?;
    }
    let current = order::Entity::find_by_id(id).one(db).await?;
    if let Some(current) = current {
        let mut row: order::ActiveModel = current.clone().into();
        row.submitted_at = Set(start);
        row.created_at = Set(start);
        row.updated_at = Set(last);
        let moved = row.update(db).await?;
        crate::analytics::rollups::shift(db, Some(&current), &moved).await?;
    }
    Ok(())
}
