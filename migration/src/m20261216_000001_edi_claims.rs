//! A claim that came as an 844, or was answered with an 849, is linked from its document.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EdiDocuments {
    Table,
    ClaimId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(EdiDocuments::Table)
                    .add_column(uuid_null(EdiDocuments::ClaimId))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(EdiDocuments::Table)
                    .drop_column(EdiDocuments::ClaimId)
                    .take(),
            )
            .await
    }
}
