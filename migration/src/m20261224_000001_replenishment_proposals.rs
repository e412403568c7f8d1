//! Replenishment proposals (vendor-managed inventory): which distributors the brand plans
//! stock for, and how (proposals the distributor accepts, or brand-managed orders placed
//! after a window); the proposals, each line with the numbers its quantity came from; and
//! the mark on an order the brand placed for a distributor.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReplenishmentEnrolments {
    Table,
    Id,
    DistributorId,
    Mode,
    AcceptanceWindowHours,
    DueAt,
    ReviewedOn,
    UpdatedBy,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum ReplenishmentProposals {
    Table,
    Id,
    Number,
    DistributorId,
    Status,
    Trigger,
    AsOf,
    StockReportId,
    StockAsOf,
    ReportedThrough,
    BrandManaged,
    AcceptAfter,
    PendingFor,
    OrderId,
    DecidedBy,
    DecidedAt,
    Reason,
    Note,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum ReplenishmentProposalLines {
    Table,
    Id,
    ProposalId,
    LineNumber,
    ProductId,
    Quantity,
    Demand,
    WeeklyDemand,
    CoverWeeks,
    LeadTimeDays,
    ReviewPeriodDays,
    TargetWeeks,
    SafetyStock,
    OnHand,
    InTransit,
    Need,
    OrderMultiple,
    MinQuantity,
    MaxQuantity,
    Method,
    Wape,
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    BrandInitiated,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
}

/// A quantity in whole ten-thousandths.
fn units(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().take()
}

fn units_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().null().take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ReplenishmentEnrolments as E;
        use ReplenishmentProposalLines as L;
        use ReplenishmentProposals as P;
        manager
            .create_table(
                Table::create()
                    .table(E::Table)
                    .col(id(E::Id))
                    .col(uuid(E::DistributorId).unique_key().take())
                    .col(text(E::Mode, 16))
                    .col(integer(E::AcceptanceWindowHours))
                    // A report arrived since the last proposal: the next pass proposes.
                    .col(timestamp_null(E::DueAt))
                    // The last review day a pass proposed on.
                    .col(date_null(E::ReviewedOn))
                    .col(uuid_null(E::UpdatedBy))
                    .col(timestamp(E::CreatedAt))
                    .col(timestamp(E::UpdatedAt))
                    .col(version(E::Version))
                    .foreign_key(&mut foreign_key(
                        "fk_replenishment_enrolments_distributor",
                        (E::Table, E::DistributorId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(id(P::Id))
                    .col(text(P::Number, 32).unique_key().take())
                    .col(uuid(P::DistributorId))
                    .col(text(P::Status, 16))
                    .col(text(P::Trigger, 16))
                    .col(date(P::AsOf))
                    .col(uuid_null(P::StockReportId))
                    .col(date_null(P::StockAsOf))
                    .col(date_null(P::ReportedThrough))
                    .col(boolean(P::BrandManaged))
                    .col(timestamp_null(P::AcceptAfter))
                    // The distributor's id while the proposal waits: one waiting proposal
                    // per distributor.
                    .col(uuid_null(P::PendingFor).unique_key().take())
                    .col(uuid_null(P::OrderId))
                    .col(uuid_null(P::DecidedBy))
                    .col(timestamp_null(P::DecidedAt))
                    .col(text_null(P::Reason, 2000))
                    .col(text_null(P::Note, 2000))
                    .col(timestamp(P::CreatedAt))
                    .col(timestamp(P::UpdatedAt))
                    .col(version(P::Version))
                    .foreign_key(&mut foreign_key(
                        "fk_replenishment_proposals_distributor",
                        (P::Table, P::DistributorId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .take(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_replenishment_proposals_distributor",
                vec![P::DistributorId.into_iden(), P::CreatedAt.into_iden()],
            ),
            (
                "ix_replenishment_proposals_created",
                vec![P::CreatedAt.into_iden(), P::Id.into_iden()],
            ),
            (
                "ix_replenishment_proposals_accept_after",
                vec![P::Status.into_iden(), P::AcceptAfter.into_iden()],
            ),
        ] {
            manager.create_index(index(name, P::Table, cols)).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(L::Table)
                    .col(id(L::Id))
                    .col(uuid(L::ProposalId))
                    .col(integer(L::LineNumber))
                    .col(uuid(L::ProductId))
                    .col(units(L::Quantity))
                    .col(units(L::Demand))
                    .col(units(L::WeeklyDemand))
                    .col(units(L::CoverWeeks))
                    .col(integer(L::LeadTimeDays))
                    .col(integer(L::ReviewPeriodDays))
                    .col(units(L::TargetWeeks))
                    .col(units(L::SafetyStock))
                    .col(units(L::OnHand))
                    .col(units(L::InTransit))
                    .col(units(L::Need))
                    .col(units(L::OrderMultiple))
                    .col(units(L::MinQuantity))
                    .col(units_null(L::MaxQuantity))
                    .col(text_null(L::Method, 16))
                    .col(units_null(L::Wape))
                    .foreign_key(&mut foreign_key(
                        "fk_replenishment_proposal_lines_proposal",
                        (L::Table, L::ProposalId),
                        (P::Table, P::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_replenishment_proposal_lines_product",
                        (L::Table, L::ProductId),
                        (Products::Table, Products::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_replenishment_proposal_lines_number",
                    L::Table,
                    vec![L::ProposalId.into_iden(), L::LineNumber.into_iden()],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Orders::Table)
                    .add_column(boolean(Orders::BrandInitiated))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Orders::Table)
                    .drop_column(Orders::BrandInitiated)
                    .take(),
            )
            .await?;
        for table in [
            ReplenishmentProposalLines::Table.into_iden(),
            ReplenishmentProposals::Table.into_iden(),
            ReplenishmentEnrolments::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
