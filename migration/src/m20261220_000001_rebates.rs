//! Volume rebates: programs per tier or per partner with thresholds on what a partner buys
//! from the brand in a period, each with a rate, retroactive to the first unit or
//! incremental; at the period's end a settlement is proposed per partner, which the brand
//! approves into a credit memo.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RebatePrograms {
    Table,
    Id,
    Name,
    Currency,
    StartsOn,
    EndsOn,
    Method,
    TierId,
    PartnerId,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum RebateThresholds {
    Table,
    Id,
    ProgramId,
    Position,
    FromAmount,
    Rate,
}

#[derive(DeriveIden)]
enum RebateSettlements {
    Table,
    Id,
    Number,
    ProgramId,
    PartnerId,
    Currency,
    Purchases,
    Rate,
    Amount,
    Status,
    DecidedBy,
    DecidedAt,
    DecisionNote,
    CreditMemoId,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum PartnerTiers {
    Table,
    Id,
}

fn units(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use RebatePrograms as P;
        use RebateSettlements as S;
        use RebateThresholds as T;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(id(P::Id))
                    .col(text(P::Name, 200))
                    .col(text(P::Currency, 3))
                    .col(date(P::StartsOn))
                    .col(date(P::EndsOn))
                    .col(text(P::Method, 16))
                    .col(uuid_null(P::TierId))
                    .col(uuid_null(P::PartnerId))
                    .col(uuid_null(P::CreatedBy))
                    .col(timestamp(P::CreatedAt))
                    .col(timestamp(P::UpdatedAt))
                    .col(version(P::Version))
                    .foreign_key(&mut foreign_key(
                        "fk_rebate_programs_tier",
                        (P::Table, P::TierId),
                        (PartnerTiers::Table, PartnerTiers::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_rebate_programs_partner",
                        (P::Table, P::PartnerId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .col(id(T::Id))
                    .col(uuid(T::ProgramId))
                    .col(integer(T::Position))
                    .col(units(T::FromAmount))
                    .col(units(T::Rate))
                    .foreign_key(&mut foreign_key(
                        "fk_rebate_thresholds_program",
                        (T::Table, T::ProgramId),
                        (P::Table, P::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_rebate_thresholds_position",
                    T::Table,
                    vec![T::ProgramId.into_iden(), T::Position.into_iden()],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(S::Table)
                    .col(id(S::Id))
                    .col(text(S::Number, 32).unique_key().take())
                    .col(uuid(S::ProgramId))
                    .col(uuid(S::PartnerId))
                    .col(text(S::Currency, 3))
                    .col(units(S::Purchases))
                    .col(units(S::Rate))
                    .col(units(S::Amount))
                    .col(text(S::Status, 16))
                    .col(uuid_null(S::DecidedBy))
                    .col(timestamp_null(S::DecidedAt))
                    .col(text_null(S::DecisionNote, 2000))
                    .col(uuid_null(S::CreditMemoId))
                    .col(timestamp(S::CreatedAt))
                    .col(timestamp(S::UpdatedAt))
                    .col(version(S::Version))
                    .foreign_key(&mut foreign_key(
                        "fk_rebate_settlements_program",
                        (S::Table, S::ProgramId),
                        (P::Table, P::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_rebate_settlements_partner",
                        (S::Table, S::PartnerId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .take(),
            )
            .await?;
        // A program is settled once per partner.
        manager
            .create_index(
                index(
                    "ux_rebate_settlements_partner",
                    S::Table,
                    vec![S::ProgramId.into_iden(), S::PartnerId.into_iden()],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_rebate_settlements_created",
                S::Table,
                vec![S::CreatedAt.into_iden(), S::Id.into_iden()],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RebateSettlements::Table.into_iden(),
            RebateThresholds::Table.into_iden(),
            RebatePrograms::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
