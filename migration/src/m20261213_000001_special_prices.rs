//! Special pricing agreements: a distributor asks for a price for one end customer's deal,
//! and the brand authorises it, product by product, with a cap and a validity.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SpecialPrices {
    Table,
    Id,
    Number,
    DistributorId,
    EndCustomerId,
    DealRegistrationId,
    Status,
    Currency,
    ValidFrom,
    ValidUntil,
    Note,
    RequestedBy,
    DecidedBy,
    DecidedAt,
    DecisionNote,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum SpecialPriceLines {
    Table,
    Id,
    SpecialPriceId,
    LineNumber,
    ProductId,
    Quantity,
    TierPrice,
    RequestedPrice,
    RequestedDiscount,
    AuthorizedPrice,
    QuantityCap,
    ConsumedQuantity,
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
enum DealRegistrations {
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
            .create_table(
                Table::create()
                    .table(SpecialPrices::Table)
                    .col(id(SpecialPrices::Id))
                    .col(text_null(SpecialPrices::Number, 32).unique_key().take())
                    .col(uuid(SpecialPrices::DistributorId))
                    .col(uuid(SpecialPrices::EndCustomerId))
                    .col(uuid_null(SpecialPrices::DealRegistrationId))
                    .col(text(SpecialPrices::Status, 16))
                    .col(text(SpecialPrices::Currency, 3))
                    .col(date(SpecialPrices::ValidFrom))
                    .col(date(SpecialPrices::ValidUntil))
                    .col(text_null(SpecialPrices::Note, 2000))
                    .col(uuid_null(SpecialPrices::RequestedBy))
                    .col(uuid_null(SpecialPrices::DecidedBy))
                    .col(timestamp_null(SpecialPrices::DecidedAt))
                    .col(text_null(SpecialPrices::DecisionNote, 2000))
                    .col(timestamp(SpecialPrices::CreatedAt))
                    .col(timestamp(SpecialPrices::UpdatedAt))
                    .col(version(SpecialPrices::Version))
                    .foreign_key(&mut foreign_key(
                        "fk_special_prices_distributor",
                        (SpecialPrices::Table, SpecialPrices::DistributorId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_special_prices_end_customer",
                        (SpecialPrices::Table, SpecialPrices::EndCustomerId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_special_prices_deal",
                        (SpecialPrices::Table, SpecialPrices::DealRegistrationId),
                        (DealRegistrations::Table, DealRegistrations::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SpecialPriceLines::Table)
                    .col(id(SpecialPriceLines::Id))
                    .col(uuid(SpecialPriceLines::SpecialPriceId))
                    .col(integer(SpecialPriceLines::LineNumber))
                    .col(uuid(SpecialPriceLines::ProductId))
                    .col(units(SpecialPriceLines::Quantity))
                    .col(units(SpecialPriceLines::TierPrice))
                    .col(units_null(SpecialPriceLines::RequestedPrice))
                    .col(units_null(SpecialPriceLines::RequestedDiscount))
                    .col(units_null(SpecialPriceLines::AuthorizedPrice))
                    .col(units_null(SpecialPriceLines::QuantityCap))
                    .col(units(SpecialPriceLines::ConsumedQuantity))
                    .foreign_key(&mut foreign_key(
                        "fk_special_price_lines_agreement",
                        (SpecialPriceLines::Table, SpecialPriceLines::SpecialPriceId),
                        (SpecialPrices::Table, SpecialPrices::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_special_price_lines_product",
                        (SpecialPriceLines::Table, SpecialPriceLines::ProductId),
                        (Products::Table, Products::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_special_price_lines_number",
                    SpecialPriceLines::Table,
                    vec![
                        SpecialPriceLines::SpecialPriceId.into_iden(),
                        SpecialPriceLines::LineNumber.into_iden(),
                    ],
                )
                .unique()
                .take(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_special_prices_distributor",
                vec![
                    SpecialPrices::DistributorId.into_iden(),
                    SpecialPrices::CreatedAt.into_iden(),
                ],
            ),
            (
                "ix_special_prices_end_customer",
                vec![
                    SpecialPrices::EndCustomerId.into_iden(),
                    SpecialPrices::ValidUntil.into_iden(),
                ],
            ),
            (
                "ix_special_prices_created",
                vec![
                    SpecialPrices::CreatedAt.into_iden(),
                    SpecialPrices::Id.into_iden(),
                ],
            ),
        ] {
            manager
                .create_index(index(name, SpecialPrices::Table, cols))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SpecialPriceLines::Table.into_iden(),
            SpecialPrices::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
