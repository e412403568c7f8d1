//! Catalog and the partner program: products and who makes them, their specifications,
//! price lists with quantity breaks, partner tiers with their obligations, tier membership
//! over time, and each organization's credit limit.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
    CreditLimit,
    CreditCurrency,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
    Sku,
    Name,
    NameKey,
    Gtin,
    ProductLine,
    Unit,
    ListPrice,
    Currency,
    TaxRate,
    Status,
    Description,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum ProductSuppliers {
    Table,
    ProductId,
    SupplierId,
    SupplierPartNumber,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ProductSpecs {
    Table,
    Id,
    ProductId,
    Kind,
    Name,
    Value,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum PriceLists {
    Table,
    Id,
    Code,
    Name,
    Currency,
    ValidFrom,
    ValidUntil,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum PriceListEntries {
    Table,
    Id,
    PriceListId,
    ProductId,
    MinQuantity,
    UnitPrice,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PartnerTiers {
    Table,
    Id,
    Code,
    Name,
    Rank,
    PriceListId,
    PaymentTermsDays,
    FinancingDays,
    MinSalesShare,
    ReportsInventory,
    ReportsSellThrough,
    SettlementCadence,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum TierProductLines {
    Table,
    TierId,
    ProductLine,
}

#[derive(DeriveIden)]
enum TierMemberships {
    Table,
    Id,
    OrganizationId,
    TierId,
    StartedAt,
    EndedAt,
    AssignedBy,
    Note,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Products::Table)
                    .col(id(Products::Id))
                    .col(text(Products::Sku, 48).unique_key().take())
                    .col(text(Products::Name, 200))
                    .col(sort_key(manager, Products::NameKey))
                    .col(text_null(Products::Gtin, 14).unique_key().take())
                    .col(text(Products::ProductLine, 80))
                    .col(text(Products::Unit, 8))
                    .col(decimal(Products::ListPrice))
                    .col(text(Products::Currency, 3))
                    .col(decimal(Products::TaxRate).default(0).take())
                    .col(text(Products::Status, 32))
                    .col(long_text_null(Products::Description))
                    .col(timestamp(Products::CreatedAt))
                    .col(timestamp(Products::UpdatedAt))
                    .col(version(Products::Version))
                    .take(),
            )
            .await?;
        for (name, col) in [
            ("ix_products_name", Products::NameKey),
            ("ix_products_line", Products::ProductLine),
            ("ix_products_created", Products::CreatedAt),
            ("ix_products_updated", Products::UpdatedAt),
        ] {
            manager
                .create_index(index(
                    name,
                    Products::Table,
                    vec![col.into_iden(), Products::Id.into_iden()],
                ))
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(ProductSuppliers::Table)
                    .col(uuid(ProductSuppliers::ProductId))
                    .col(uuid(ProductSuppliers::SupplierId))
                    .col(text_null(ProductSuppliers::SupplierPartNumber, 48))
                    .col(timestamp(ProductSuppliers::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(ProductSuppliers::ProductId)
                            .col(ProductSuppliers::SupplierId),
                    )
                    .foreign_key(&mut foreign_key(
                        "fk_product_suppliers_product",
                        (ProductSuppliers::Table, ProductSuppliers::ProductId),
                        (Products::Table, Products::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_product_suppliers_supplier",
                        (ProductSuppliers::Table, ProductSuppliers::SupplierId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_product_suppliers_supplier",
                ProductSuppliers::Table,
                vec![
                    ProductSuppliers::SupplierId.into_iden(),
                    ProductSuppliers::ProductId.into_iden(),
                ],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ProductSpecs::Table)
                    .col(id(ProductSpecs::Id))
                    .col(uuid(ProductSpecs::ProductId))
                    .col(text(ProductSpecs::Kind, 32))
                    .col(text(ProductSpecs::Name, 200))
                    .col(ColumnDef::new(ProductSpecs::Value).text().not_null())
                    .col(timestamp(ProductSpecs::CreatedAt))
                    .col(timestamp(ProductSpecs::UpdatedAt))
                    .col(version(ProductSpecs::Version))
                    .foreign_key(&mut foreign_key(
                        "fk_product_specs_product",
                        (ProductSpecs::Table, ProductSpecs::ProductId),
                        (Products::Table, Products::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_product_specs_product",
                ProductSpecs::Table,
                vec![
                    ProductSpecs::ProductId.into_iden(),
                    ProductSpecs::CreatedAt.into_iden(),
                    ProductSpecs::Id.into_iden(),
                ],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PriceLists::Table)
                    .col(id(PriceLists::Id))
                    .col(text(PriceLists::Code, 35).unique_key().take())
                    .col(text(PriceLists::Name, 200))
                    .col(text(PriceLists::Currency, 3))
                    .col(date(PriceLists::ValidFrom))
                    .col(date_null(PriceLists::ValidUntil))
                    .col(timestamp(PriceLists::CreatedAt))
                    .col(timestamp(PriceLists::UpdatedAt))
                    .col(version(PriceLists::Version))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_price_lists_created",
                PriceLists::Table,
                vec![
                    PriceLists::CreatedAt.into_iden(),
                    PriceLists::Id.into_iden(),
                ],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PriceListEntries::Table)
                    .col(id(PriceListEntries::Id))
                    .col(uuid(PriceListEntries::PriceListId))
                    .col(uuid(PriceListEntries::ProductId))
                    .col(decimal(PriceListEntries::MinQuantity))
                    .col(decimal(PriceListEntries::UnitPrice))
                    .col(timestamp(PriceListEntries::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_price_list_entries_list",
                        (PriceListEntries::Table, PriceListEntries::PriceListId),
                        (PriceLists::Table, PriceLists::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_price_list_entries_product",
                        (PriceListEntries::Table, PriceListEntries::ProductId),
                        (Products::Table, Products::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_price_list_entries_break",
                    PriceListEntries::Table,
                    vec![
                        PriceListEntries::PriceListId.into_iden(),
                        PriceListEntries::ProductId.into_iden(),
                        PriceListEntries::MinQuantity.into_iden(),
                    ],
                )
                .unique()
                .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PartnerTiers::Table)
                    .col(id(PartnerTiers::Id))
                    .col(text(PartnerTiers::Code, 35).unique_key().take())
                    .col(text(PartnerTiers::Name, 200))
                    .col(integer(PartnerTiers::Rank))
                    .col(uuid(PartnerTiers::PriceListId))
                    .col(integer(PartnerTiers::PaymentTermsDays))
                    .col(integer(PartnerTiers::FinancingDays))
                    .col(decimal_null(PartnerTiers::MinSalesShare))
                    .col(boolean(PartnerTiers::ReportsInventory))
                    .col(boolean(PartnerTiers::ReportsSellThrough))
                    .col(text(PartnerTiers::SettlementCadence, 32))
                    .col(timestamp(PartnerTiers::CreatedAt))
                    .col(timestamp(PartnerTiers::UpdatedAt))
                    .col(version(PartnerTiers::Version))
                    .foreign_key(&mut foreign_key(
                        "fk_partner_tiers_price_list",
                        (PartnerTiers::Table, PartnerTiers::PriceListId),
                        (PriceLists::Table, PriceLists::Id),
                    ))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TierProductLines::Table)
                    .col(uuid(TierProductLines::TierId))
                    .col(text(TierProductLines::ProductLine, 80))
                    .primary_key(
                        Index::create()
                            .col(TierProductLines::TierId)
                            .col(TierProductLines::ProductLine),
                    )
                    .foreign_key(&mut foreign_key(
                        "fk_tier_product_lines_tier",
                        (TierProductLines::Table, TierProductLines::TierId),
                        (PartnerTiers::Table, PartnerTiers::Id),
                    ))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TierMemberships::Table)
                    .col(id(TierMemberships::Id))
                    .col(uuid(TierMemberships::OrganizationId))
                    .col(uuid(TierMemberships::TierId))
                    .col(timestamp(TierMemberships::StartedAt))
                    .col(timestamp_null(TierMemberships::EndedAt))
                    .col(ColumnDef::new(TierMemberships::AssignedBy).uuid().null())
                    .col(text_null(TierMemberships::Note, 2000))
                    .foreign_key(&mut foreign_key(
                        "fk_tier_memberships_organization",
                        (TierMemberships::Table, TierMemberships::OrganizationId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_tier_memberships_tier",
                        (TierMemberships::Table, TierMemberships::TierId),
                        (PartnerTiers::Table, PartnerTiers::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_tier_memberships_assigned_by",
                        (TierMemberships::Table, TierMemberships::AssignedBy),
                        (Users::Table, Users::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_tier_memberships_organization",
                TierMemberships::Table,
                vec![
                    TierMemberships::OrganizationId.into_iden(),
                    TierMemberships::StartedAt.into_iden(),
                    TierMemberships::Id.into_iden(),
                ],
            ))
            .await?;
        // One open membership per organization: both databases know partial indexes.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_tier_memberships_open \
                 ON tier_memberships (organization_id) WHERE ended_at IS NULL",
            )
            .await?;

        manager
            .alter_table(
                Table::alter()
                    .table(Organizations::Table)
                    .add_column(decimal_null(Organizations::CreditLimit))
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Organizations::Table)
                    .add_column(text_null(Organizations::CreditCurrency, 3))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in [Organizations::CreditCurrency, Organizations::CreditLimit] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Organizations::Table)
                        .drop_column(col)
                        .take(),
                )
                .await?;
        }
        for table in [
            TierMemberships::Table.into_iden(),
            TierProductLines::Table.into_iden(),
            PartnerTiers::Table.into_iden(),
            PriceListEntries::Table.into_iden(),
            PriceLists::Table.into_iden(),
            ProductSpecs::Table.into_iden(),
            ProductSuppliers::Table.into_iden(),
            Products::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
