//! Change proposals: what a partner changes on its own organization that the brand must
//! approve first (which fields, is a setting), kept with their decision.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ChangeProposals {
    Table,
    Id,
    OrganizationId,
    Changes,
    Status,
    ProposedBy,
    ProposedByToken,
    DecidedBy,
    DecidedAt,
    Reason,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ChangeProposals::Table)
                    .col(id(ChangeProposals::Id))
                    .col(uuid(ChangeProposals::OrganizationId))
                    .col(ColumnDef::new(ChangeProposals::Changes).text().not_null())
                    .col(text(ChangeProposals::Status, 32))
                    .col(uuid_null(ChangeProposals::ProposedBy))
                    .col(uuid_null(ChangeProposals::ProposedByToken))
                    .col(uuid_null(ChangeProposals::DecidedBy))
                    .col(timestamp_null(ChangeProposals::DecidedAt))
                    .col(text_null(ChangeProposals::Reason, 2000))
                    .col(timestamp(ChangeProposals::CreatedAt))
                    .col(timestamp(ChangeProposals::UpdatedAt))
                    .col(version(ChangeProposals::Version))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_change_proposals_organization")
                            .from(ChangeProposals::Table, ChangeProposals::OrganizationId)
                            .to(Organizations::Table, Organizations::Id),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_change_proposals_organization",
                ChangeProposals::Table,
                vec![
                    ChangeProposals::OrganizationId.into_iden(),
                    ChangeProposals::CreatedAt.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_change_proposals_status",
                ChangeProposals::Table,
                vec![
                    ChangeProposals::Status.into_iden(),
                    ChangeProposals::CreatedAt.into_iden(),
                ],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ChangeProposals::Table).take())
            .await
    }
}
