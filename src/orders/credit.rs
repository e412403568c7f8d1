//! Credit: a buyer's exposure to the brand is what its open orders will still invoice plus
//! what its invoices still owe. An order that would take the exposure past the credit limit
//! waits in CREDIT_HOLD until a manager releases or rejects it.

use std::collections::HashMap;

use entity::enums::{InvoiceStatus, OrderKind, OrderStatus};
use entity::{invoice, order, organization};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, Set};
use uuid::Uuid;

use crate::access::Principal;
use crate::audit;
use crate::error::Result;
use crate::money::{Money, label, stored};
use crate::store::{self, save_versioned};

/// Statuses of orders that count toward exposure: accepted for credit, not yet paid.
pub const OPEN: [OrderStatus; 5] = [
    OrderStatus::Submitted,
    OrderStatus::Acknowledged,
    OrderStatus::PartiallyShipped,
    OrderStatus::Shipped,
    OrderStatus::Invoiced,
];

/// `buyer`'s exposure to `seller` in `currency`: open orders not yet invoiced, plus unpaid
/// invoices.
pub async fn exposure(
    db: &impl ConnectionTrait,
    buyer: Uuid,
    seller: Uuid,
    currency: &str,
) -> Result<Decimal> {
    let all = exposures(db, &[buyer], seller).await?;
    Ok(all
        .get(&buyer)
        .and_then(|by_currency| by_currency.iter().find(|(c, _)| c == currency))
        .map(|(_, amount)| *amount)
        .unwrap_or_default())
}

/// The exposure of each of `buyers` to `seller`, per currency (sorted by currency): two
/// grouped sums in the database, whatever the number of buyers.
pub async fn exposures(
    db: &impl ConnectionTrait,
    buyers: &[Uuid],
    seller: Uuid,
) -> Result<HashMap<Uuid, Vec<(String, Decimal)>>> {
    let o = Alias::new("o");
    let orders = Query::select()
        .column(order::Column::BuyerId)
        .column(order::Column::Currency)
        .expr_as(
            Expr::cust("SUM(total - invoiced_amount)"),
            Alias::new("amount"),
        )
        .from(order::Entity)
        .and_where(Expr::col(order::Column::BuyerId).is_in(buyers.iter().copied()))
        .and_where(Expr::col(order::Column::SellerId).eq(seller))
        .and_where(Expr::col(order::Column::Kind).eq(OrderKind::Sales.to_string_value()))
        .and_where(Expr::col(order::Column::Status).is_in(OPEN.iter().map(|s| s.to_string_value())))
        .group_by_col(order::Column::BuyerId)
        .group_by_col(order::Column::Currency)
        .to_owned();
    let invoices = Query::select()
        .column((o.clone(), order::Column::BuyerId))
        .column((invoice::Entity, invoice::Column::Currency))
        .expr_as(
            Expr::cust("SUM(invoices.total - invoices.paid)"),
            Alias::new("amount"),
        )
        .from(invoice::Entity)
        .join_as(
            sea_orm::JoinType::InnerJoin,
            order::Entity,
            o.clone(),
            Expr::col((o.clone(), order::Column::Id))
                .equals((invoice::Entity, invoice::Column::OrderId)),
        )
        .and_where(Expr::col((o.clone(), order::Column::BuyerId)).is_in(buyers.iter().copied()))
        .and_where(Expr::col((o.clone(), order::Column::SellerId)).eq(seller))
        .and_where(
            Expr::col((invoice::Entity, invoice::Column::Status))
                .ne(InvoiceStatus::Paid.to_string_value()),
        )
        .group_by_col((o.clone(), order::Column::BuyerId))
        .group_by_col((invoice::Entity, invoice::Column::Currency))
        .to_owned();
    let mut sums: HashMap<Uuid, Vec<(String, Decimal)>> = HashMap::new();
    for stmt in [orders, invoices] {
        for row in db.query_all(&stmt).await? {
            let buyer: Uuid = row.try_get("", "buyer_id")?;
            let currency: String = row.try_get("", "currency")?;
            let amount = stored(row.try_get::<Decimal>("", "amount")?);
            let by_currency = sums.entry(buyer).or_default();
            match by_currency.iter_mut().find(|(c, _)| *c == currency) {
                Some((_, sum)) => *sum += amount,
                None => by_currency.push((currency, amount)),
            }
        }
    }
    for by_currency in sums.values_mut() {
        by_currency.sort_by(|a, b| a.0.cmp(&b.0));
    }
    Ok(sums)
}

/// The exposure to the brand of the organizations the principal may see it for: staff for
/// every organization, a partner for its own.
pub async fn exposures_for(
    db: &impl ConnectionTrait,
    principal: &Principal,
    organizations: &[Uuid],
) -> Result<HashMap<Uuid, Vec<(String, Decimal)>>> {
    principal.ensure_can_read_orders()?;
    let allowed: Vec<Uuid> = match principal.partner_organization() {
        Some(own) => organizations
            .iter()
            .copied()
            .filter(|o| *o == own)
            .collect(),
        None => organizations.to_vec(),
    };
    let Some(brand) = super::queries::brand_id(db).await? else {
        return Ok(HashMap::new());
    };
    let mut found = exposures(db, &allowed, brand).await?;
    // Organizations that owe nothing still answer, with no amounts.
    for org in allowed {
        found.entry(org).or_default();
    }
    Ok(found)
}

trait StringValue {
    fn to_string_value(&self) -> String;
}

impl<T: sea_orm::ActiveEnum<Value = String>> StringValue for T {
    fn to_string_value(&self) -> String {
        self.to_value()
    }
}

/// Why an order of `amount` must wait for a credit decision, if it must.
pub async fn hold_reason(
    db: &impl ConnectionTrait,
    buyer: &organization::Model,
    seller: Uuid,
    amount: Decimal,
    currency: &str,
) -> Result<Option<String>> {
    let (Some(limit), Some(limit_currency)) = (buyer.credit_limit, &buyer.credit_currency) else {
        return Ok(None);
    };
    let limit = stored(limit);
    if limit_currency != currency {
        return Ok(Some(format!(
            "the order is in {currency} but the credit limit is in {limit_currency}"
        )));
    }
    let exposure = exposure(db, buyer.id, seller, currency).await?;
    if exposure + amount > limit {
        return Ok(Some(format!(
            "exposure {} plus this order's {} exceeds the credit limit of {}",
            label(exposure, currency),
            label(amount, currency),
            label(limit, currency)
        )));
    }
    Ok(None)
}

/// Sets or clears an organization's credit limit. Admins and managers only.
pub async fn set_limit(
    db: &impl ConnectionTrait,
    principal: &Principal,
    organization_id: Uuid,
    version: i32,
    limit: Option<Money>,
) -> Result<organization::Model> {
    principal.ensure_can_manage_credit()?;
    let current = store::for_change::<organization::Entity>(
        db,
        organization_id,
        version,
        principal.visible_organizations(),
    )
    .await
    .map_err(|e| crate::catalog::tiers::rename_id_field(e, "organizationId"))?;
    let before = current.clone();
    let mut row: organization::ActiveModel = current.into();
    row.credit_limit = Set(limit.map(|m| m.amount));
    row.credit_currency = Set(limit.map(|m| m.currency.code().to_owned()));
    let saved = save_versioned::<organization::Entity>(db, row, organization_id, version).await?;
    audit::record(
        db,
        principal,
        "organization.credit_limit",
        "Organization",
        Some(organization_id),
        Some(&before),
        Some(&saved),
    )
    .await?;
    Ok(saved)
}
