//! Trading partners as EDI platforms keep them: each partner's profile (the ids, versions,
//! separators, encoding and acknowledgements it works with), its cross-references (its item
//! and location codes to ours), the product units its packs come in, the DUNS numbers of
//! addresses, and on orders the words the partner used (its item codes, its units, a
//! one-time ship-to) so that what goes back answers in them.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

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
enum Addresses {
    Table,
    Id,
    OrganizationId,
    Duns,
}

#[derive(DeriveIden)]
enum EdiPartners {
    Table,
    GroupId,
    GroupVersion,
    ElementSeparator,
    ComponentSeparator,
    RepetitionSeparator,
    SegmentTerminator,
    FunctionalAcks,
    InterchangeAcks,
    TestTraffic,
    Encoding,
}

#[derive(DeriveIden)]
enum EdiItemReferences {
    Table,
    Id,
    OrganizationId,
    Qualifier,
    Code,
    ProductId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EdiLocationReferences {
    Table,
    Id,
    OrganizationId,
    Qualifier,
    Code,
    AddressId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProductUnits {
    Table,
    Id,
    ProductId,
    Unit,
    Quantity,
    Gtin,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    ShipToName,
    ShipToStreet,
    ShipToCity,
    ShipToRegion,
    ShipToPostalCode,
    ShipToCountry,
    ShipToQualifier,
    ShipToCode,
}

#[derive(DeriveIden)]
enum OrderLines {
    Table,
    ItemQualifier,
    ItemCode,
    OrderedUnit,
    PackSize,
}

fn added(table: impl IntoIden, mut col: ColumnDef) -> TableAlterStatement {
    Table::alter().table(table).add_column(&mut col).take()
}

fn with_default(mut col: ColumnDef, value: &str) -> ColumnDef {
    col.default(value.to_owned());
    col
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        let partner_columns = [
            text_null(EdiPartners::GroupId, 15),
            text_null(EdiPartners::GroupVersion, 12),
            with_default(text(EdiPartners::ElementSeparator, 1), "*"),
            with_default(text(EdiPartners::ComponentSeparator, 1), ":"),
            with_default(text_null(EdiPartners::RepetitionSeparator, 1), "^"),
            with_default(text(EdiPartners::SegmentTerminator, 3), "~"),
            ColumnDef::new(EdiPartners::FunctionalAcks)
                .boolean()
                .not_null()
                .default(true)
                .take(),
            with_default(text(EdiPartners::InterchangeAcks, 16), "WHEN_REQUESTED"),
            ColumnDef::new(EdiPartners::TestTraffic)
                .boolean()
                .not_null()
                .default(true)
                .take(),
            with_default(text(EdiPartners::Encoding, 16), "UTF_8"),
        ];
        for col in partner_columns {
            manager.alter_table(added(EdiPartners::Table, col)).await?;
        }
        manager
            .alter_table(added(Addresses::Table, text_null(Addresses::Duns, 13)))
            .await?;
        manager
            .create_index(index(
                "ix_addresses_duns",
                Addresses::Table,
                vec![
                    Addresses::Duns.into_iden(),
                    Addresses::OrganizationId.into_iden(),
                ],
            ))
            .await?;
        for col in [
            text_null(Orders::ShipToName, 200),
            text_null(Orders::ShipToStreet, 400),
            text_null(Orders::ShipToCity, 100),
            text_null(Orders::ShipToRegion, 100),
            text_null(Orders::ShipToPostalCode, 20),
            text_null(Orders::ShipToCountry, 3),
            text_null(Orders::ShipToQualifier, 2),
            text_null(Orders::ShipToCode, 80),
        ] {
            manager.alter_table(added(Orders::Table, col)).await?;
        }
        for col in [
            text_null(OrderLines::ItemQualifier, 2),
            text_null(OrderLines::ItemCode, 48),
            text_null(OrderLines::OrderedUnit, 2),
            ColumnDef::new(OrderLines::PackSize).integer().null().take(),
        ] {
            manager.alter_table(added(OrderLines::Table, col)).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(EdiItemReferences::Table)
                    .col(id(EdiItemReferences::Id))
                    .col(uuid(EdiItemReferences::OrganizationId))
                    .col(text(EdiItemReferences::Qualifier, 2))
                    .col(text(EdiItemReferences::Code, 48))
                    .col(uuid(EdiItemReferences::ProductId))
                    .col(timestamp(EdiItemReferences::CreatedAt))
                    .col(timestamp(EdiItemReferences::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_edi_item_references_organization",
                        (EdiItemReferences::Table, EdiItemReferences::OrganizationId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_edi_item_references_product",
                        (EdiItemReferences::Table, EdiItemReferences::ProductId),
                        (Products::Table, Products::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_edi_item_references_code",
                    EdiItemReferences::Table,
                    vec![
                        EdiItemReferences::OrganizationId.into_iden(),
                        EdiItemReferences::Qualifier.into_iden(),
                        EdiItemReferences::Code.into_iden(),
                    ],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EdiLocationReferences::Table)
                    .col(id(EdiLocationReferences::Id))
                    .col(uuid(EdiLocationReferences::OrganizationId))
                    .col(text(EdiLocationReferences::Qualifier, 2))
                    .col(text(EdiLocationReferences::Code, 80))
                    .col(uuid(EdiLocationReferences::AddressId))
                    .col(timestamp(EdiLocationReferences::CreatedAt))
                    .col(timestamp(EdiLocationReferences::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_edi_location_references_organization",
                        (
                            EdiLocationReferences::Table,
                            EdiLocationReferences::OrganizationId,
                        ),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_edi_location_references_address",
                        (
                            EdiLocationReferences::Table,
                            EdiLocationReferences::AddressId,
                        ),
                        (Addresses::Table, Addresses::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_edi_location_references_code",
                    EdiLocationReferences::Table,
                    vec![
                        EdiLocationReferences::OrganizationId.into_iden(),
                        EdiLocationReferences::Qualifier.into_iden(),
                        EdiLocationReferences::Code.into_iden(),
                    ],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProductUnits::Table)
                    .col(id(ProductUnits::Id))
                    .col(uuid(ProductUnits::ProductId))
                    .col(text(ProductUnits::Unit, 2))
                    .col(integer(ProductUnits::Quantity))
                    .col(text_null(ProductUnits::Gtin, 14).unique_key().take())
                    .col(timestamp(ProductUnits::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_product_units_product",
                        (ProductUnits::Table, ProductUnits::ProductId),
                        (Products::Table, Products::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_product_units_unit",
                    ProductUnits::Table,
                    vec![
                        ProductUnits::ProductId.into_iden(),
                        ProductUnits::Unit.into_iden(),
                    ],
                )
                .unique()
                .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ProductUnits::Table.into_iden(),
            EdiLocationReferences::Table.into_iden(),
            EdiItemReferences::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("ix_addresses_duns")
                    .table(Addresses::Table)
                    .to_owned(),
            )
            .await?;
        let drops: Vec<(DynIden, DynIden)> = vec![
            (
                OrderLines::Table.into_iden(),
                OrderLines::ItemQualifier.into_iden(),
            ),
            (
                OrderLines::Table.into_iden(),
                OrderLines::ItemCode.into_iden(),
            ),
            (
                OrderLines::Table.into_iden(),
                OrderLines::OrderedUnit.into_iden(),
            ),
            (
                OrderLines::Table.into_iden(),
                OrderLines::PackSize.into_iden(),
            ),
            (Orders::Table.into_iden(), Orders::ShipToName.into_iden()),
            (Orders::Table.into_iden(), Orders::ShipToStreet.into_iden()),
            (Orders::Table.into_iden(), Orders::ShipToCity.into_iden()),
            (Orders::Table.into_iden(), Orders::ShipToRegion.into_iden()),
            (
                Orders::Table.into_iden(),
                Orders::ShipToPostalCode.into_iden(),
            ),
            (Orders::Table.into_iden(), Orders::ShipToCountry.into_iden()),
            (
                Orders::Table.into_iden(),
                Orders::ShipToQualifier.into_iden(),
            ),
            (Orders::Table.into_iden(), Orders::ShipToCode.into_iden()),
            (Addresses::Table.into_iden(), Addresses::Duns.into_iden()),
            (
                EdiPartners::Table.into_iden(),
                EdiPartners::GroupId.into_iden(),
            ),
            (
                EdiPartners::Table.into_iden(),
                EdiPartners::GroupVersion.into_iden(),
            ),
            (
                EdiPartners::Table.into_iden(),
                EdiPartners::ElementSeparator.into_iden(),
            ),
            (
                EdiPartners::Table.into_iden(),
                EdiPartners::ComponentSeparator.into_iden(),
            ),
            (
                EdiPartners::Table.into_iden(),
                EdiPartners::RepetitionSeparator.into_iden(),
            ),
            (
                EdiPartners::Table.into_iden(),
                EdiPartners::SegmentTerminator.into_iden(),
            ),
            (
                EdiPartners::Table.into_iden(),
                EdiPartners::FunctionalAcks.into_iden(),
            ),
            (
                EdiPartners::Table.into_iden(),
                EdiPartners::InterchangeAcks.into_iden(),
            ),
            (
                EdiPartners::Table.into_iden(),
                EdiPartners::TestTraffic.into_iden(),
            ),
            (
                EdiPartners::Table.into_iden(),
                EdiPartners::Encoding.into_iden(),
            ),
        ];
        for (table, col) in drops {
            manager
                .alter_table(Table::alter().table(table).drop_column(col).take())
                .await?;
        }
        Ok(())
    }
}
