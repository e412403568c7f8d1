//! Roles inside a partner company. A user now holds a set of roles (`users.roles`, the codes
//! joined by commas) in place of one `role`. Staff keep their one staff role. Partner users
//! move to the new partner roles without losing anything they could do:
//!
//! - `PARTNER_ADMIN` becomes `PARTNER_ADMIN,PARTNER_MANAGER,PARTNER_FINANCE,PARTNER_SERVICE`;
//! - `PARTNER_MEMBER` becomes `PARTNER_MANAGER,PARTNER_FINANCE,PARTNER_SERVICE`.
//!
//! Leads and deal registrations remember the user who entered them, so a partner's sales
//! people see their own.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Role,
    Roles,
}

#[derive(DeriveIden)]
enum Leads {
    Table,
    EnteredBy,
}

#[derive(DeriveIden)]
enum DealRegistrations {
    Table,
    RegisteredBy,
}

/// Each old role and the roles it becomes.
const MOVED: [(&str, &str); 2] = [
    (
        "PARTNER_ADMIN",
        "PARTNER_ADMIN,PARTNER_MANAGER,PARTNER_FINANCE,PARTNER_SERVICE",
    ),
    (
        "PARTNER_MEMBER",
        "PARTNER_MANAGER,PARTNER_FINANCE,PARTNER_SERVICE",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(text(Users::Roles, 200).default("").take())
                    .take(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(Users::Table)
                    .value(Users::Roles, Expr::col(Users::Role))
                    .to_owned(),
            )
            .await?;
        for (old, new) in MOVED {
            manager
                .exec_stmt(
                    Query::update()
                        .table(Users::Table)
                        .value(Users::Roles, new)
                        .and_where(Expr::col(Users::Role).eq(old))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::Role)
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Leads::Table)
                    .add_column(uuid_null(Leads::EnteredBy))
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(DealRegistrations::Table)
                    .add_column(uuid_null(DealRegistrations::RegisteredBy))
                    .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(DealRegistrations::Table)
                    .drop_column(DealRegistrations::RegisteredBy)
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Leads::Table)
                    .drop_column(Leads::EnteredBy)
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(text(Users::Role, 32).default("").take())
                    .take(),
            )
            .await?;
        // Staff keep their one role; a partner user goes back to admin if they administered,
        // else to member.
        manager
            .exec_stmt(
                Query::update()
                    .table(Users::Table)
                    .value(Users::Role, Expr::col(Users::Roles))
                    .and_where(Expr::col(Users::Roles).not_like("PARTNER%"))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(Users::Table)
                    .value(Users::Role, "PARTNER_MEMBER")
                    .and_where(Expr::col(Users::Roles).like("PARTNER%"))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(Users::Table)
                    .value(Users::Role, "PARTNER_ADMIN")
                    .and_where(Expr::col(Users::Roles).like("PARTNER_ADMIN%"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::Roles)
                    .take(),
            )
            .await?;
        Ok(())
    }
}
