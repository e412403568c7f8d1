//! Sales rollups. Per seller × buyer × month × currency, `order_rollups` keeps the counted
//! sales orders (sales orders not cancelled): how many, their revenue net of tax, their cost
//! and margin at the costs frozen on their lines, and the first and last moment one was
//! placed. Every write that changes what an order counts moves its rollup in the same
//! transaction through [`shift`], with the order before and after the write, as credit
//! balances are moved. The figures read whole months from here and the days at a window's
//! ends from the orders ([`super::sql::Sql::sales`]).

use chrono::{DateTime, Utc};
use entity::enums::{OrderKind, OrderStatus};
use entity::fixed::Fixed;
use entity::order;
use rust_decimal::{Decimal, RoundingStrategy};
use sea_orm::sea_query::{Expr, InsertStatement, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbBackend, DeriveIden};
use uuid::Uuid;

use super::sql::{self, Sql};
use crate::error::Result;
use crate::money::stored;

/// What one line adds to its order's cost and margin: its quantity (accepted, or else
/// ordered) at the unit cost frozen on it, rounded half away from zero to a stored
/// ten-thousandth as the migration that froze the costs did, and its net total less that.
/// A line without a frozen cost adds nothing.
pub fn line_cost(
    quantity: Decimal,
    accepted: Option<Decimal>,
    line_total: Decimal,
    unit_cost: Option<Decimal>,
) -> (Decimal, Decimal) {
    let Some(unit_cost) = unit_cost else {
        return (Decimal::ZERO, Decimal::ZERO);
    };
    let cost = (accepted.unwrap_or(quantity) * unit_cost).round_dp_with_strategy(
        entity::fixed::PLACES,
        RoundingStrategy::MidpointAwayFromZero,
    );
    (cost, line_total - cost)
}

/// What one order adds to its rollup.
#[derive(Clone, Debug, PartialEq)]
struct Share {
    seller: Uuid,
    buyer: Uuid,
    month: i32,
    currency: String,
    revenue: Decimal,
    cost: Decimal,
    margin: Decimal,
    at: DateTime<Utc>,
}

impl Share {
    fn of(o: &order::Model) -> Option<Share> {
        (o.kind == OrderKind::Sales && o.status != OrderStatus::Cancelled).then(|| Share {
            seller: o.seller_id,
            buyer: o.buyer_id,
            month: sql::month_number(o.submitted_at.date_naive()),
            currency: o.currency.clone(),
            revenue: stored(o.total) - stored(o.tax_total),
            cost: stored(o.cost),
            margin: stored(o.margin),
            at: o.submitted_at,
        })
    }

    fn cell(&self) -> (Uuid, Uuid, i32, &str) {
        (self.seller, self.buyer, self.month, &self.currency)
    }
}

/// Moves the rollups by what a write did to one order: `before` it (none for a new order)
/// and `after`. An order whose amounts changed in place moves its cell by the difference in
/// one upsert; one that starts or stops counting, or moves to another month, leaves one cell
/// and enters the other.
pub async fn shift(
    db: &impl ConnectionTrait,
    before: Option<&order::Model>,
    after: &order::Model,
) -> Result<()> {
    let old = before.and_then(Share::of);
    let new = Share::of(after);
    match (old, new) {
        (Some(old), Some(new)) if old.cell() == new.cell() && old.at == new.at => {
            if (old.revenue, old.cost, old.margin) != (new.revenue, new.cost, new.margin) {
                let moved = Share {
                    revenue: new.revenue - old.revenue,
                    cost: new.cost - old.cost,
                    margin: new.margin - old.margin,
                    ..new
                };
                amend(db, &moved).await?;
            }
        }
        (old, new) => {
            if let Some(old) = old {
                leave(db, &old, after.id).await?;
            }
            if let Some(new) = new {
                enter(db, &new).await?;
            }
        }
    }
    Ok(())
}

/// Adds an order with the share's amounts to its cell, making the cell if it is new: one
/// upsert, which takes the cell's row lock, so concurrent writers add up.
async fn enter(db: &impl ConnectionTrait, share: &Share) -> Result<()> {
    db.execute(&entering(share, db.get_database_backend()))
        .await?;
    Ok(())
}

/// The upsert that counts a new order in its cell, for a write that sends it with its other
/// rows; none for an order that does not count. On PostgreSQL the credit booking is the
/// primary statement of that write and runs first, as every write that moves both takes
/// their rows in that order; on SQLite, whose writes hold the database's one write lock, the
/// order does not matter.
pub fn entering_new(order: &order::Model, backend: DbBackend) -> Option<InsertStatement> {
    Share::of(order).map(|share| entering(&share, backend))
}

#[derive(DeriveIden)]
enum OrderRollups {
    Table,
    SellerId,
    BuyerId,
    Month,
    Currency,
    Orders,
    Revenue,
    Cost,
    Margin,
    FirstAt,
    LastAt,
}

fn entering(share: &Share, backend: DbBackend) -> InsertStatement {
    let (least, greatest) = match backend {
        DbBackend::Postgres => ("LEAST", "GREATEST"),
        _ => ("MIN", "MAX"),
    };
    let add = |column: &str| Expr::cust(format!("order_rollups.{column} + excluded.{column}"));
    Query::insert()
        .into_table(OrderRollups::Table)
        .columns([
            OrderRollups::SellerId,
            OrderRollups::BuyerId,
            OrderRollups::Month,
            OrderRollups::Currency,
            OrderRollups::Orders,
            OrderRollups::Revenue,
            OrderRollups::Cost,
            OrderRollups::Margin,
            OrderRollups::FirstAt,
            OrderRollups::LastAt,
        ])
        .values_panic([
            share.seller.into(),
            share.buyer.into(),
            share.month.into(),
            share.currency.clone().into(),
            1i64.into(),
            Fixed::from(share.revenue).into(),
            Fixed::from(share.cost).into(),
            Fixed::from(share.margin).into(),
            share.at.into(),
            share.at.into(),
        ])
        .on_conflict(
            OnConflict::columns([
                OrderRollups::SellerId,
                OrderRollups::BuyerId,
                OrderRollups::Month,
                OrderRollups::Currency,
            ])
            .values([
                (OrderRollups::Orders, add("orders")),
                (OrderRollups::Revenue, add("revenue")),
                (OrderRollups::Cost, add("cost")),
                (OrderRollups::Margin, add("margin")),
                (
                    OrderRollups::FirstAt,
                    Expr::cust(format!(
                        "{least}(order_rollups.first_at, excluded.first_at)"
                    )),
                ),
                (
                    OrderRollups::LastAt,
                    Expr::cust(format!(
                        "{greatest}(order_rollups.last_at, excluded.last_at)"
                    )),
                ),
            ])
            .to_owned(),
        )
        .to_owned()
}

/// Moves the amounts of a cell an order stays in by the differences `moved` holds.
async fn amend(db: &impl ConnectionTrait, moved: &Share) -> Result<()> {
    let mut q = Sql::new(db.get_database_backend());
    q.push("UPDATE order_rollups SET revenue = revenue + ")
        .bind(Fixed::from(moved.revenue))
        .push(", cost = cost + ")
        .bind(Fixed::from(moved.cost))
        .push(", margin = margin + ")
        .bind(Fixed::from(moved.margin))
        .push(" WHERE ");
    cell(&mut q, moved);
    let done = db.execute_raw(q.build()).await?;
    missing(done.rows_affected(), moved);
    Ok(())
}

/// A cell an order counted in is not there: orders were written past the rollups (by a node
/// of an earlier version, or in SQL). The figures are off until `channelgraph rollups
/// rebuild`.
fn missing(rows: u64, share: &Share) {
    if rows == 0 {
        tracing::warn!(
            seller = %share.seller,
            buyer = %share.buyer,
            month = share.month,
            currency = %share.currency,
            "a sales rollup an order counted in is missing; run `channelgraph rollups rebuild`"
        );
    }
}

/// Takes order `id`'s share out of its cell, and drops the cell when no order is left in it.
/// Where the order was the cell's first or last, the new first or last is read from the
/// cell's other orders. On PostgreSQL the cell's row is locked first, by a statement of its
/// own: the update then starts after every writer that held the row committed, and its
/// snapshot sees their orders (a statement that waited for the lock itself would read the
/// orders as they were before it waited).
async fn leave(db: &impl ConnectionTrait, share: &Share, id: Uuid) -> Result<()> {
    let backend = db.get_database_backend();
    if backend == DbBackend::Postgres {
        let mut q = Sql::new(backend);
        q.push("SELECT 1 AS locked FROM order_rollups WHERE ");
        cell(&mut q, share);
        q.push(" FOR UPDATE");
        db.query_all_raw(q.build()).await?;
    }
    let from = sql::start_of(sql::month_start(share.month));
    let to = sql::start_of(sql::month_start(share.month + 1));
    let others = |q: &mut Sql, pick: &str| {
        q.push(&format!(
            "(SELECT {pick}(o.submitted_at) FROM orders o WHERE o.seller_id = "
        ))
        .bind(share.seller)
        .push(" AND o.buyer_id = ")
        .bind(share.buyer)
        .push(" AND o.currency = ")
        .bind(share.currency.as_str())
        .push(" AND o.submitted_at >= ")
        .bind(from)
        .push(" AND ")
        .counted_sale("o", to)
        .push(" AND o.id <> ")
        .bind(id)
        .push(")");
    };
    let mut q = Sql::new(backend);
    q.push("UPDATE order_rollups SET orders = orders - 1, revenue = revenue - ")
        .bind(Fixed::from(share.revenue))
        .push(", cost = cost - ")
        .bind(Fixed::from(share.cost))
        .push(", margin = margin - ")
        .bind(Fixed::from(share.margin))
        .push(", first_at = CASE WHEN first_at < ")
        .bind(share.at)
        .push(" THEN first_at ELSE COALESCE(");
    others(&mut q, "MIN");
    q.push(", first_at) END, last_at = CASE WHEN last_at > ")
        .bind(share.at)
        .push(" THEN last_at ELSE COALESCE(");
    others(&mut q, "MAX");
    q.push(", last_at) END WHERE ");
    cell(&mut q, share);
    let done = db.execute_raw(q.build()).await?;
    missing(done.rows_affected(), share);
    let mut q = Sql::new(backend);
    q.push("DELETE FROM order_rollups WHERE orders = 0 AND ");
    cell(&mut q, share);
    db.execute_raw(q.build()).await?;
    Ok(())
}

/// Works every rollup out again from the orders, in the caller's transaction: after orders
/// were changed outside the API (in SQL, or loaded in bulk). On PostgreSQL the table is
/// locked first, so an order written meanwhile is counted once: by this statement if it
/// committed before, by its own upsert, which waits for this transaction, if not.
pub async fn rebuild(db: &impl ConnectionTrait) -> Result<u64> {
    let backend = db.get_database_backend();
    if backend == DbBackend::Postgres {
        db.execute_unprepared("LOCK TABLE order_rollups IN EXCLUSIVE MODE")
            .await?;
    }
    db.execute_unprepared("DELETE FROM order_rollups").await?;
    let q = Sql::new(backend);
    let month = q.month_of("submitted_at");
    let done = db
        .execute_unprepared(&format!(
            "INSERT INTO order_rollups \
             (seller_id, buyer_id, month, currency, orders, revenue, cost, margin, first_at, last_at) \
             SELECT seller_id, buyer_id, {month}, currency, COUNT(*), SUM(total - tax_total), \
             SUM(cost), SUM(margin), MIN(submitted_at), MAX(submitted_at) FROM orders \
             WHERE kind = 'SALES' AND status <> 'CANCELLED' \
             GROUP BY seller_id, buyer_id, {month}, currency"
        ))
        .await?;
    Ok(done.rows_affected())
}

fn cell(q: &mut Sql, share: &Share) {
    q.push("seller_id = ")
        .bind(share.seller)
        .push(" AND buyer_id = ")
        .bind(share.buyer)
        .push(" AND month = ")
        .bind(share.month)
        .push(" AND currency = ")
        .bind(share.currency.as_str());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn a_line_costs_its_accepted_quantity_at_its_frozen_cost() {
        assert_eq!(
            line_cost(d("3"), Some(d("2")), d("50"), Some(d("12.5"))),
            (d("25"), d("25"))
        );
        assert_eq!(
            line_cost(d("0.5"), None, d("50"), Some(d("0.0003"))),
            (d("0.0002"), d("49.9998"))
        );
        assert_eq!(
            line_cost(d("3"), None, d("50"), None),
            (Decimal::ZERO, Decimal::ZERO)
        );
    }
}
