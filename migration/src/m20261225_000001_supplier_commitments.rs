//! A supplier's capacity commitments to the brand: per product and week, what it commits to
//! deliver. A new commitment for a week replaces the current one, which is kept as history.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SupplierCommitments {
    Table,
    Id,
    SupplierId,
    ProductId,
    WeekStart,
    Quantity,
    Note,
    CommittedBy,
    CreatedAt,
    ReplacedAt,
    ReplacedBy,
    CurrentKey,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use SupplierCommitments as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(id(C::Id))
                    .col(uuid(C::SupplierId))
                    .col(uuid(C::ProductId))
                    .col(date(C::WeekStart))
                    .col(ColumnDef::new(C::Quantity).big_integer().not_null().take())
                    .col(text_null(C::Note, 2000))
                    .col(uuid_null(C::CommittedBy))
                    .col(timestamp(C::CreatedAt))
                    .col(timestamp_null(C::ReplacedAt))
                    .col(uuid_null(C::ReplacedBy))
                    // `supplier/product/week` while current: one current commitment a week.
                    .col(text_null(C::CurrentKey, 120).unique_key().take())
                    .foreign_key(&mut foreign_key(
                        "fk_supplier_commitments_supplier",
                        (C::Table, C::SupplierId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_supplier_commitments_product",
                        (C::Table, C::ProductId),
                        (Products::Table, Products::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_supplier_commitments_week",
                C::Table,
                vec![
                    C::SupplierId.into_iden(),
                    C::ProductId.into_iden(),
                    C::WeekStart.into_iden(),
                ],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SupplierCommitments::Table).to_owned())
            .await
    }
}
