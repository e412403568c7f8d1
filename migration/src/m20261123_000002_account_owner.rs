//! Organizations get an account owner: the staff user responsible for the account.

use sea_orm_migration::prelude::*;

use crate::columns::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organizations {
    Table,
    AccountOwnerId,
    NameKey,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite cannot add a foreign key to an existing table; the service checks the
        // owner is an active staff user.
        manager
            .alter_table(
                Table::alter()
                    .table(Organizations::Table)
                    .add_column(ColumnDef::new(Organizations::AccountOwnerId).uuid().null())
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_organizations_account_owner",
                Organizations::Table,
                vec![
                    Organizations::AccountOwnerId.into_iden(),
                    Organizations::NameKey.into_iden(),
                ],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_organizations_account_owner")
                    .table(Organizations::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Organizations::Table)
                    .drop_column(Organizations::AccountOwnerId)
                    .take(),
            )
            .await
    }
}
