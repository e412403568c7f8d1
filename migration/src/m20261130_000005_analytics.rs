//! Analytics: a standard cost per product, so margins can be worked out, and the share of
//! its sales a partner states in a sell-through report, for its tier's sales-share
//! obligation.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Products {
    Table,
    StandardCost,
}

#[derive(DeriveIden)]
enum SellThroughReports {
    Table,
    BrandSharePercent,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Kind,
    CreatedAt,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Products::Table)
                    .add_column(decimal_null(Products::StandardCost))
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SellThroughReports::Table)
                    .add_column(decimal_null(SellThroughReports::BrandSharePercent))
                    .take(),
            )
            .await?;
        // Service figures read complaints by the day they were opened.
        manager
            .create_index(index(
                "ix_cases_kind_created",
                Cases::Table,
                vec![
                    Cases::Kind.into_iden(),
                    Cases::CreatedAt.into_iden(),
                    Cases::Id.into_iden(),
                ],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_cases_kind_created")
                    .table(Cases::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SellThroughReports::Table)
                    .drop_column(SellThroughReports::BrandSharePercent)
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Products::Table)
                    .drop_column(Products::StandardCost)
                    .take(),
            )
            .await
    }
}
