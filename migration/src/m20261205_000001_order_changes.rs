//! Changes to an order before it ships: each order counts the changes made to it (the
//! change's sequence number, BCH05 in an 860), and a line keeps the price it was ordered at
//! when the seller's acknowledgement changed it, so both sides see what changed.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Orders {
    Table,
    ChangeCount,
}

#[derive(DeriveIden)]
enum OrderLines {
    Table,
    OrderedUnitPrice,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Orders::Table)
                    .add_column(
                        ColumnDef::new(Orders::ChangeCount)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .take(),
            )
            .await?;
        // Whole ten-thousandths, as every amount since `m20261203_000001_exact_amounts`.
        manager
            .alter_table(
                Table::alter()
                    .table(OrderLines::Table)
                    .add_column(
                        ColumnDef::new(OrderLines::OrderedUnitPrice)
                            .big_integer()
                            .null(),
                    )
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(OrderLines::Table)
                    .drop_column(OrderLines::OrderedUnitPrice)
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Orders::Table)
                    .drop_column(Orders::ChangeCount)
                    .take(),
            )
            .await
    }
}
