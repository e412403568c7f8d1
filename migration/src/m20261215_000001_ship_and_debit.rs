//! Ship-and-debit claims: after selling to an end customer at a special price, a
//! distributor claims what it paid above the authorised price, line by line; each line is
//! checked against the agreement, the distributor's sales reports and its purchases, and
//! against claims already made. Sales reports may now name the end customer sold to.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SellThroughReportLines {
    Table,
    EndCustomerId,
}

#[derive(DeriveIden)]
enum Claims {
    Table,
    Id,
    Number,
    DistributorId,
    SpecialPriceId,
    Reference,
    Source,
    Status,
    Currency,
    ClaimedAmount,
    AllowedAmount,
    ApprovedAmount,
    SubmittedBy,
    SubmittedAt,
    DecidedBy,
    DecidedAt,
    DecisionNote,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum ClaimLines {
    Table,
    Id,
    ClaimId,
    LineNumber,
    ProductId,
    SpecialPriceLineId,
    Invoice,
    SoldOn,
    Quantity,
    PaidCost,
    AuthorizedCost,
    ClaimedAmount,
    Result,
    Reasons,
    AllowedQuantity,
    AllowedCost,
    AllowedAmount,
    Decided,
    OverrideReason,
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

#[derive(DeriveIden)]
enum SpecialPrices {
    Table,
    Id,
}

/// An amount or quantity in whole ten-thousandths, as every amount is kept.
fn units(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().take()
}

fn units_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().null().take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SellThroughReportLines::Table)
                    .add_column(uuid_null(SellThroughReportLines::EndCustomerId))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_sell_through_lines_end_customer",
                SellThroughReportLines::Table,
                vec![SellThroughReportLines::EndCustomerId.into_iden()],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Claims::Table)
                    .col(id(Claims::Id))
                    .col(text(Claims::Number, 32).unique_key().take())
                    .col(uuid(Claims::DistributorId))
                    .col(uuid(Claims::SpecialPriceId))
                    .col(text(Claims::Reference, 30))
                    .col(text(Claims::Source, 16))
                    .col(text(Claims::Status, 16))
                    .col(text(Claims::Currency, 3))
                    .col(units(Claims::ClaimedAmount))
                    .col(units(Claims::AllowedAmount))
                    .col(units_null(Claims::ApprovedAmount))
                    .col(uuid_null(Claims::SubmittedBy))
                    .col(timestamp(Claims::SubmittedAt))
                    .col(uuid_null(Claims::DecidedBy))
                    .col(timestamp_null(Claims::DecidedAt))
                    .col(text_null(Claims::DecisionNote, 2000))
                    .col(timestamp(Claims::CreatedAt))
                    .col(timestamp(Claims::UpdatedAt))
                    .col(version(Claims::Version))
                    .foreign_key(&mut foreign_key(
                        "fk_claims_distributor",
                        (Claims::Table, Claims::DistributorId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_claims_special_price",
                        (Claims::Table, Claims::SpecialPriceId),
                        (SpecialPrices::Table, SpecialPrices::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ClaimLines::Table)
                    .col(id(ClaimLines::Id))
                    .col(uuid(ClaimLines::ClaimId))
                    .col(integer(ClaimLines::LineNumber))
                    .col(uuid(ClaimLines::ProductId))
                    .col(uuid_null(ClaimLines::SpecialPriceLineId))
                    .col(text(ClaimLines::Invoice, 30))
                    .col(date(ClaimLines::SoldOn))
                    .col(units(ClaimLines::Quantity))
                    .col(units(ClaimLines::PaidCost))
                    .col(units(ClaimLines::AuthorizedCost))
                    .col(units(ClaimLines::ClaimedAmount))
                    .col(text(ClaimLines::Result, 16))
                    .col(text_null(ClaimLines::Reasons, 2000))
                    .col(units(ClaimLines::AllowedQuantity))
                    .col(units(ClaimLines::AllowedCost))
                    .col(units(ClaimLines::AllowedAmount))
                    .col(text_null(ClaimLines::Decided, 16))
                    .col(text_null(ClaimLines::OverrideReason, 2000))
                    .foreign_key(&mut foreign_key(
                        "fk_claim_lines_claim",
                        (ClaimLines::Table, ClaimLines::ClaimId),
                        (Claims::Table, Claims::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_claim_lines_product",
                        (ClaimLines::Table, ClaimLines::ProductId),
                        (Products::Table, Products::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_claim_lines_number",
                    ClaimLines::Table,
                    vec![
                        ClaimLines::ClaimId.into_iden(),
                        ClaimLines::LineNumber.into_iden(),
                    ],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_claim_lines_sale",
                ClaimLines::Table,
                vec![
                    ClaimLines::Invoice.into_iden(),
                    ClaimLines::ProductId.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_index(
                index(
                    "ux_claims_reference",
                    Claims::Table,
                    vec![
                        Claims::DistributorId.into_iden(),
                        Claims::Reference.into_iden(),
                    ],
                )
                .unique()
                .take(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_claims_special_price",
                vec![Claims::SpecialPriceId.into_iden()],
            ),
            (
                "ix_claims_created",
                vec![Claims::CreatedAt.into_iden(), Claims::Id.into_iden()],
            ),
        ] {
            manager
                .create_index(index(name, Claims::Table, cols))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [ClaimLines::Table.into_iden(), Claims::Table.into_iden()] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("ix_sell_through_lines_end_customer")
                    .table(SellThroughReportLines::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SellThroughReportLines::Table)
                    .drop_column(SellThroughReportLines::EndCustomerId)
                    .take(),
            )
            .await?;
        Ok(())
    }
}
