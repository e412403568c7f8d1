//! Figures from rollups. Each order line keeps the standard cost its product had when the
//! line was written (in the order's currency), each order its cost and margin at those
//! costs, and `order_rollups` keeps per seller × buyer × month × currency the counted sales
//! orders (sales orders not cancelled): how many, their revenue (net of tax), cost and
//! margin, and the first and last moment one was placed.
//!
//! Lines written before this migration take their product's standard cost of today, which is
//! the cost the figures used for them until now; the rollup is filled from every order.
//! Orders are also indexed by seller and by buyer with the moment they were placed, for the
//! part of a window that does not cover a whole month.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Orders {
    Table,
    SellerId,
    BuyerId,
    SubmittedAt,
    Cost,
    Margin,
}

#[derive(DeriveIden)]
enum OrderLines {
    Table,
    UnitCost,
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

/// The single-column order indexes this migration widens with the submission time, and
/// the names of the wider ones.
const WIDENED: [(&str, &str, Orders); 2] = [
    (
        "ix_orders_seller",
        "ix_orders_seller_submitted",
        Orders::SellerId,
    ),
    (
        "ix_orders_buyer",
        "ix_orders_buyer_submitted",
        Orders::BuyerId,
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Whole ten-thousandths, as every amount since `m20261203_000001_exact_amounts`.
        manager
            .alter_table(
                Table::alter()
                    .table(OrderLines::Table)
                    .add_column(ColumnDef::new(OrderLines::UnitCost).big_integer().null())
                    .take(),
            )
            .await?;
        for column in [Orders::Cost, Orders::Margin] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Orders::Table)
                        .add_column(ColumnDef::new(column).big_integer().not_null().default(0))
                        .take(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(OrderRollups::Table)
                    .col(ColumnDef::new(OrderRollups::SellerId).uuid().not_null())
                    .col(ColumnDef::new(OrderRollups::BuyerId).uuid().not_null())
                    .col(ColumnDef::new(OrderRollups::Month).integer().not_null())
                    .col(
                        ColumnDef::new(OrderRollups::Currency)
                            .string_len(3)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OrderRollups::Orders)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OrderRollups::Revenue)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(OrderRollups::Cost).big_integer().not_null())
                    .col(
                        ColumnDef::new(OrderRollups::Margin)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OrderRollups::FirstAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OrderRollups::LastAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(OrderRollups::SellerId)
                            .col(OrderRollups::BuyerId)
                            .col(OrderRollups::Month)
                            .col(OrderRollups::Currency),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_order_rollups_buyer")
                    .table(OrderRollups::Table)
                    .col(OrderRollups::BuyerId)
                    .col(OrderRollups::Month)
                    .take(),
            )
            .await?;
        // The single-column indexes are prefixes of these.
        for (old, new, column) in WIDENED {
            manager
                .create_index(
                    Index::create()
                        .name(new)
                        .table(Orders::Table)
                        .col(column)
                        .col(Orders::SubmittedAt)
                        .take(),
                )
                .await?;
            manager
                .drop_index(Index::drop().name(old).table(Orders::Table).to_owned())
                .await?;
        }

        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE order_lines SET unit_cost = (SELECT p.standard_cost FROM products p, orders o \
             WHERE p.id = order_lines.product_id AND o.id = order_lines.order_id \
             AND p.currency = o.currency)",
        )
        .await?;
        let cost = "CAST(ROUND(CAST(COALESCE(l.accepted_quantity, l.quantity) AS NUMERIC) \
                    * l.unit_cost / 10000.0) AS BIGINT)";
        db.execute_unprepared(&format!(
            "UPDATE orders SET \
             cost = COALESCE((SELECT SUM({cost}) FROM order_lines l \
               WHERE l.order_id = orders.id AND l.unit_cost IS NOT NULL), 0), \
             margin = COALESCE((SELECT SUM(l.line_total - {cost}) FROM order_lines l \
               WHERE l.order_id = orders.id AND l.unit_cost IS NOT NULL), 0)"
        ))
        .await?;
        let month = match manager.get_database_backend() {
            DbBackend::Postgres => {
                "(CAST(EXTRACT(YEAR FROM submitted_at AT TIME ZONE 'UTC') AS BIGINT) * 12 \
                 + CAST(EXTRACT(MONTH FROM submitted_at AT TIME ZONE 'UTC') AS BIGINT) - 1)"
            }
            _ => {
                "(CAST(substr(submitted_at, 1, 4) AS INTEGER) * 12 \
                 + CAST(substr(submitted_at, 6, 2) AS INTEGER) - 1)"
            }
        };
        db.execute_unprepared(&format!(
            "INSERT INTO order_rollups \
             (seller_id, buyer_id, month, currency, orders, revenue, cost, margin, first_at, last_at) \
             SELECT seller_id, buyer_id, {month}, currency, COUNT(*), SUM(total - tax_total), \
             SUM(cost), SUM(margin), MIN(submitted_at), MAX(submitted_at) FROM orders \
             WHERE kind = 'SALES' AND status <> 'CANCELLED' \
             GROUP BY seller_id, buyer_id, {month}, currency"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (old, new, column) in WIDENED {
            manager
                .create_index(
                    Index::create()
                        .name(old)
                        .table(Orders::Table)
                        .col(column)
                        .take(),
                )
                .await?;
            manager
                .drop_index(Index::drop().name(new).table(Orders::Table).to_owned())
                .await?;
        }
        manager
            .drop_table(Table::drop().table(OrderRollups::Table).take())
            .await?;
        for column in [Orders::Cost, Orders::Margin] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Orders::Table)
                        .drop_column(column)
                        .take(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(OrderLines::Table)
                    .drop_column(OrderLines::UnitCost)
                    .take(),
            )
            .await
    }
}
