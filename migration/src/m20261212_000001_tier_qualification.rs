//! Tiers that qualify themselves: each tier's criteria as data (a measure, a comparison, a
//! threshold and a period), the evaluations that record what each partner measured, and the
//! tier changes they propose. Tiers gain two benefits: a lead-routing weight and their own
//! deal-protection days.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PartnerTiers {
    Table,
    Id,
    LeadRoutingWeight,
    DealProtectionDays,
}

#[derive(DeriveIden)]
enum TierCriteria {
    Table,
    Id,
    TierId,
    Position,
    Measure,
    Comparison,
    Threshold,
    PeriodMonths,
}

#[derive(DeriveIden)]
enum TierEvaluations {
    Table,
    Id,
    OrganizationId,
    AsOf,
    TierId,
    QualifiedTierId,
    Measured,
    ProgramAsOf,
    EvaluatedAt,
}

#[derive(DeriveIden)]
enum TierProposals {
    Table,
    Id,
    OrganizationId,
    EvaluationId,
    FromTierId,
    ToTierId,
    Status,
    Reason,
    ApplyAfter,
    DecidedBy,
    DecidedAt,
    DecisionNote,
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
        // SQLite adds one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(PartnerTiers::Table)
                    .add_column(
                        ColumnDef::new(PartnerTiers::LeadRoutingWeight)
                            .integer()
                            .not_null()
                            .default(1),
                    )
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(PartnerTiers::Table)
                    .add_column(
                        ColumnDef::new(PartnerTiers::DealProtectionDays)
                            .integer()
                            .null(),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TierCriteria::Table)
                    .col(id(TierCriteria::Id))
                    .col(uuid(TierCriteria::TierId))
                    .col(integer(TierCriteria::Position))
                    .col(text(TierCriteria::Measure, 32))
                    .col(text(TierCriteria::Comparison, 16))
                    .col(
                        ColumnDef::new(TierCriteria::Threshold)
                            .big_integer()
                            .not_null(),
                    )
                    .col(integer(TierCriteria::PeriodMonths))
                    .foreign_key(&mut foreign_key(
                        "fk_tier_criteria_tier",
                        (TierCriteria::Table, TierCriteria::TierId),
                        (PartnerTiers::Table, PartnerTiers::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_tier_criteria_tier",
                TierCriteria::Table,
                vec![
                    TierCriteria::TierId.into_iden(),
                    TierCriteria::Position.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TierEvaluations::Table)
                    .col(id(TierEvaluations::Id))
                    .col(uuid(TierEvaluations::OrganizationId))
                    .col(date(TierEvaluations::AsOf))
                    .col(uuid_null(TierEvaluations::TierId))
                    .col(uuid_null(TierEvaluations::QualifiedTierId))
                    .col(ColumnDef::new(TierEvaluations::Measured).text().not_null())
                    .col(timestamp_null(TierEvaluations::ProgramAsOf))
                    .col(timestamp(TierEvaluations::EvaluatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_tier_evaluations_organization",
                        (TierEvaluations::Table, TierEvaluations::OrganizationId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_tier_evaluations_organization",
                TierEvaluations::Table,
                vec![
                    TierEvaluations::OrganizationId.into_iden(),
                    TierEvaluations::AsOf.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TierProposals::Table)
                    .col(id(TierProposals::Id))
                    .col(uuid(TierProposals::OrganizationId))
                    .col(uuid(TierProposals::EvaluationId))
                    .col(uuid_null(TierProposals::FromTierId))
                    .col(uuid(TierProposals::ToTierId))
                    .col(text(TierProposals::Status, 16))
                    .col(text(TierProposals::Reason, 2000))
                    .col(timestamp_null(TierProposals::ApplyAfter))
                    .col(uuid_null(TierProposals::DecidedBy))
                    .col(timestamp_null(TierProposals::DecidedAt))
                    .col(text_null(TierProposals::DecisionNote, 2000))
                    .col(timestamp(TierProposals::CreatedAt))
                    .col(timestamp(TierProposals::UpdatedAt))
                    .col(version(TierProposals::Version))
                    .foreign_key(&mut foreign_key(
                        "fk_tier_proposals_organization",
                        (TierProposals::Table, TierProposals::OrganizationId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_tier_proposals_evaluation",
                        (TierProposals::Table, TierProposals::EvaluationId),
                        (TierEvaluations::Table, TierEvaluations::Id),
                    ))
                    .take(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_tier_proposals_organization",
                vec![
                    TierProposals::OrganizationId.into_iden(),
                    TierProposals::CreatedAt.into_iden(),
                ],
            ),
            (
                "ix_tier_proposals_status",
                vec![
                    TierProposals::Status.into_iden(),
                    TierProposals::CreatedAt.into_iden(),
                ],
            ),
        ] {
            manager
                .create_index(index(name, TierProposals::Table, cols))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            TierProposals::Table.into_iden(),
            TierEvaluations::Table.into_iden(),
            TierCriteria::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        for column in [
            PartnerTiers::DealProtectionDays.into_iden(),
            PartnerTiers::LeadRoutingWeight.into_iden(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(PartnerTiers::Table)
                        .drop_column(column)
                        .take(),
                )
                .await?;
        }
        Ok(())
    }
}
