//! A rebate program counts either what its partners buy from the brand or what they sell on
//! (their sell-through reports, valued at what they paid); a settlement keeps the volume
//! that counted, whichever it was.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RebatePrograms {
    Table,
    Basis,
}

#[derive(DeriveIden)]
enum RebateSettlements {
    Table,
    Purchases,
    Volume,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(RebatePrograms::Table)
                    .add_column(
                        ColumnDef::new(RebatePrograms::Basis)
                            .string_len(16)
                            .not_null()
                            .default("PURCHASES")
                            .take(),
                    )
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(RebateSettlements::Table)
                    .rename_column(RebateSettlements::Purchases, RebateSettlements::Volume)
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(RebateSettlements::Table)
                    .rename_column(RebateSettlements::Volume, RebateSettlements::Purchases)
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(RebatePrograms::Table)
                    .drop_column(RebatePrograms::Basis)
                    .take(),
            )
            .await
    }
}
