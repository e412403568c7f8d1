//! Purchase proposals: what the brand's planning proposes it buys from a supplier, from the
//! channel's forecast, the brand's stock position and the supplier's commitments, each line
//! with the numbers its quantity came from.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PurchaseProposals {
    Table,
    Id,
    Number,
    SupplierId,
    Status,
    AsOf,
    HorizonWeeks,
    BrandStockAsOf,
    PendingFor,
    OrderId,
    CreatedBy,
    DecidedBy,
    DecidedAt,
    Reason,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum PurchaseProposalLines {
    Table,
    Id,
    ProposalId,
    LineNumber,
    ProductId,
    Quantity,
    ChannelDemand,
    BrandOnHand,
    Inbound,
    NetRequirement,
    Committed,
    CappedWeeks,
    Uncommitted,
    NeededFrom,
    Distributors,
    StaleDistributors,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use PurchaseProposalLines as L;
        use PurchaseProposals as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(id(P::Id))
                    .col(text(P::Number, 32).unique_key().take())
                    .col(uuid(P::SupplierId))
                    .col(text(P::Status, 16))
                    .col(date(P::AsOf))
                    .col(integer(P::HorizonWeeks))
                    .col(date_null(P::BrandStockAsOf))
                    // The supplier's id while the proposal waits: one waiting proposal per
                    // supplier.
                    .col(uuid_null(P::PendingFor).unique_key().take())
                    .col(uuid_null(P::OrderId))
                    .col(uuid_null(P::CreatedBy))
                    .col(uuid_null(P::DecidedBy))
                    .col(timestamp_null(P::DecidedAt))
                    .col(text_null(P::Reason, 2000))
                    .col(timestamp(P::CreatedAt))
                    .col(timestamp(P::UpdatedAt))
                    .col(version(P::Version))
                    .foreign_key(&mut foreign_key(
                        "fk_purchase_proposals_supplier",
                        (P::Table, P::SupplierId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .take(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_purchase_proposals_supplier",
                vec![P::SupplierId.into_iden(), P::CreatedAt.into_iden()],
            ),
            (
                "ix_purchase_proposals_created",
                vec![P::CreatedAt.into_iden(), P::Id.into_iden()],
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
                    .col(units(L::ChannelDemand))
                    .col(units(L::BrandOnHand))
                    .col(units(L::Inbound))
                    .col(units(L::NetRequirement))
                    .col(ColumnDef::new(L::Committed).big_integer().null().take())
                    .col(integer(L::CappedWeeks))
                    .col(units(L::Uncommitted))
                    .col(date_null(L::NeededFrom))
                    .col(integer(L::Distributors))
                    .col(integer(L::StaleDistributors))
                    .foreign_key(&mut foreign_key(
                        "fk_purchase_proposal_lines_proposal",
                        (L::Table, L::ProposalId),
                        (P::Table, P::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_purchase_proposal_lines_product",
                        (L::Table, L::ProductId),
                        (Products::Table, Products::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_purchase_proposal_lines_number",
                    L::Table,
                    vec![L::ProposalId.into_iden(), L::LineNumber.into_iden()],
                )
                .unique()
                .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PurchaseProposalLines::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PurchaseProposals::Table).to_owned())
            .await
    }
}
