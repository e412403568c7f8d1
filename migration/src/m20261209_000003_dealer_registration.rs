//! Dealers a distributor registers itself: the organization remembers who registered it,
//! and a pending or rejected one why it stands so. A registered dealer waits (`PENDING`)
//! for the brand's channel manager, unless a setting lets it in at once.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organizations {
    Table,
    RegisteredById,
    StatusReason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Organizations::Table)
                    .add_column(uuid_null(Organizations::RegisteredById))
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Organizations::Table)
                    .add_column(text_null(Organizations::StatusReason, 2000))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_organizations_registered_by",
                Organizations::Table,
                vec![Organizations::RegisteredById.into_iden()],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_organizations_registered_by")
                    .table(Organizations::Table)
                    .to_owned(),
            )
            .await?;
        for column in [Organizations::StatusReason, Organizations::RegisteredById] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Organizations::Table)
                        .drop_column(column)
                        .take(),
                )
                .await?;
        }
        Ok(())
    }
}
