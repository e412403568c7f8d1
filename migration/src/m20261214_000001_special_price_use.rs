//! Orders bought at a special price: the order names the agreement and the end customer it
//! is for, and each line priced by the agreement names the agreement's line it draws on.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Orders {
    Table,
    SpecialPriceId,
    EndCustomerId,
}

#[derive(DeriveIden)]
enum OrderLines {
    Table,
    SpecialPriceLineId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Orders::SpecialPriceId, Orders::EndCustomerId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Orders::Table)
                        .add_column(uuid_null(column))
                        .take(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(OrderLines::Table)
                    .add_column(uuid_null(OrderLines::SpecialPriceLineId))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_order_lines_special_price_line",
                OrderLines::Table,
                vec![OrderLines::SpecialPriceLineId.into_iden()],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_orders_special_price",
                Orders::Table,
                vec![Orders::SpecialPriceId.into_iden()],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_order_lines_special_price_line")
                    .table(OrderLines::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_orders_special_price")
                    .table(Orders::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(OrderLines::Table)
                    .drop_column(OrderLines::SpecialPriceLineId)
                    .take(),
            )
            .await?;
        for column in [Orders::SpecialPriceId, Orders::EndCustomerId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Orders::Table)
                        .drop_column(column)
                        .take(),
                )
                .await?;
        }
        Ok(())
    }
}
