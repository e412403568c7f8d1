//! Each buyer's credit exposure to each seller, per currency, kept as a running balance: what
//! its open sales orders will still invoice plus what its invoices still owe. The credit
//! check reads one row instead of summing every open order and unpaid invoice; the
//! transactions that change those amounts move the balance with them. Existing orders and
//! invoices are summed once, here.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CreditBalances {
    Table,
    BuyerId,
    SellerId,
    Currency,
    Amount,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CreditBalances::Table)
                    .col(uuid(CreditBalances::BuyerId))
                    .col(uuid(CreditBalances::SellerId))
                    .col(text(CreditBalances::Currency, 3))
                    .col(decimal(CreditBalances::Amount))
                    .primary_key(
                        Index::create()
                            .col(CreditBalances::BuyerId)
                            .col(CreditBalances::SellerId)
                            .col(CreditBalances::Currency),
                    )
                    .foreign_key(&mut foreign_key(
                        "fk_credit_balances_buyer",
                        (CreditBalances::Table, CreditBalances::BuyerId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_credit_balances_seller",
                        (CreditBalances::Table, CreditBalances::SellerId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // The same rule as the credit check's: sales orders accepted for credit and not yet
        // paid count what they will still invoice; invoices count what is still owed.
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO credit_balances (buyer_id, seller_id, currency, amount) \
                 SELECT buyer_id, seller_id, currency, ROUND(SUM(amount), 4) FROM ( \
                   SELECT buyer_id, seller_id, currency, total - invoiced_amount AS amount \
                   FROM orders WHERE kind = 'SALES' AND status IN \
                   ('SUBMITTED', 'ACKNOWLEDGED', 'PARTIALLY_SHIPPED', 'SHIPPED', 'INVOICED') \
                   UNION ALL \
                   SELECT o.buyer_id, o.seller_id, i.currency, i.total - i.paid \
                   FROM invoices i JOIN orders o ON o.id = i.order_id WHERE i.status <> 'PAID' \
                 ) owed GROUP BY buyer_id, seller_id, currency",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CreditBalances::Table).to_owned())
            .await
    }
}
