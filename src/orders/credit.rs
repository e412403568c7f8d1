//! Credit: a buyer's exposure to the brand is what its open orders will still invoice plus
//! what its invoices still owe. An order that would take the exposure past the credit limit
//! waits in CREDIT_HOLD until a manager releases or rejects it.

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
/// invoices. Two sums in the database.
pub async fn exposure(
    db: &impl ConnectionTrait,
    buyer: Uuid,
    seller: Uuid,
    currency: &str,
) -> Result<Decimal> {
    let orders = Query::select()
        .expr_as(
            Expr::cust("COALESCE(SUM(total - invoiced_amount), 0.0)"),
            Alias::new("amount"),
        )
        .from(order::Entity)
        .and_where(Expr::col(order::Column::BuyerId).eq(buyer))
        .and_where(Expr::col(order::Column::SellerId).eq(seller))
        .and_where(Expr::col(order::Column::Kind).eq(OrderKind::Sales.to_string_value()))
        .and_where(Expr::col(order::Column::Currency).eq(currency))
        .and_where(Expr::col(order::Column::Status).is_in(OPEN.iter().map(|s| s.to_string_value())))
        .to_owned();
    let buyer_orders = Query::select()
        .column(order::Column::Id)
        .from(order::Entity)
        .and_where(Expr::col(order::Column::BuyerId).eq(buyer))
        .and_where(Expr::col(order::Column::SellerId).eq(seller))
        .to_owned();
    let invoices = Query::select()
        .expr_as(
            Expr::cust("COALESCE(SUM(total - paid), 0.0)"),
            Alias::new("amount"),
        )
        .from(invoice::Entity)
        .and_where(Expr::col(invoice::Column::OrderId).in_subquery(buyer_orders))
        .and_where(Expr::col(invoice::Column::Currency).eq(currency))
        .and_where(Expr::col(invoice::Column::Status).ne(InvoiceStatus::Paid.to_string_value()))
        .to_owned();
    let mut total = Decimal::ZERO;
    for stmt in [orders, invoices] {
        if let Some(row) = db.query_one(&stmt).await? {
            let amount: Decimal = row.try_get("", "amount")?;
            total += stored(amount);
        }
    }
    Ok(total)
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
