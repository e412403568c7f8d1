//! Price protection: a credit for a distributor's stock on hand when a product's net price
//! to it falls, capped by what it bought from the brand in a window, proposed as the price
//! changes and settled by a credit memo once approved.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PriceProtectionCredits {
    Table,
    Id,
    Number,
    DistributorId,
    SellerId,
    ProductId,
    EffectiveOn,
    InventoryReportId,
    OnHand,
    Bought,
    WindowDays,
    Quantity,
    OldPrice,
    NewPrice,
    Currency,
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
enum Products {
    Table,
    Id,
}

fn units(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use PriceProtectionCredits as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(id(P::Id))
                    .col(text(P::Number, 32).unique_key().take())
                    .col(uuid(P::DistributorId))
                    .col(uuid(P::SellerId))
                    .col(uuid(P::ProductId))
                    .col(date(P::EffectiveOn))
                    .col(uuid(P::InventoryReportId))
                    .col(units(P::OnHand))
                    .col(units(P::Bought))
                    .col(integer(P::WindowDays))
                    .col(units(P::Quantity))
                    .col(units(P::OldPrice))
                    .col(units(P::NewPrice))
                    .col(text(P::Currency, 3))
                    .col(units(P::Amount))
                    .col(text(P::Status, 16))
                    .col(uuid_null(P::DecidedBy))
                    .col(timestamp_null(P::DecidedAt))
                    .col(text_null(P::DecisionNote, 2000))
                    .col(uuid_null(P::CreditMemoId))
                    .col(timestamp(P::CreatedAt))
                    .col(timestamp(P::UpdatedAt))
                    .col(version(P::Version))
                    .foreign_key(&mut foreign_key(
                        "fk_price_protection_distributor",
                        (P::Table, P::DistributorId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_price_protection_product",
                        (P::Table, P::ProductId),
                        (Products::Table, Products::Id),
                    ))
                    .take(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_price_protection_distributor",
                vec![P::DistributorId.into_iden(), P::Status.into_iden()],
            ),
            (
                "ix_price_protection_created",
                vec![P::CreatedAt.into_iden(), P::Id.into_iden()],
            ),
        ] {
            manager.create_index(index(name, P::Table, cols)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PriceProtectionCredits::Table).take())
            .await
    }
}
