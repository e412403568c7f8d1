//! The directory: organizations, their contacts and addresses, and the channel links between them.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
    Kind,
    Name,
    NameKey,
    LegalName,
    Code,
    TaxId,
    Segment,
    CustomerType,
    Territory,
    ParentId,
    Status,
    ArchivedAt,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum Contacts {
    Table,
    Id,
    OrganizationId,
    Name,
    NameKey,
    Title,
    Email,
    Phone,
    BuyingRole,
    Preferences,
    Notes,
    MarketingConsent,
    ConsentChangedAt,
    ConsentSource,
    ArchivedAt,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum Addresses {
    Table,
    Id,
    OrganizationId,
    Kind,
    Line1,
    Line2,
    City,
    Region,
    PostalCode,
    Country,
    Gln,
    ArchivedAt,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum ChannelLinks {
    Table,
    Id,
    UpstreamId,
    DownstreamId,
    Kind,
    Level,
    Status,
    Since,
    Until,
    Territory,
    Exclusive,
    ArchivedAt,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Organizations::Table)
                    .col(id(Organizations::Id))
                    .col(text(Organizations::Kind, 32))
                    .col(text(Organizations::Name, 200))
                    .col(sort_key(manager, Organizations::NameKey))
                    .col(text_null(Organizations::LegalName, 200))
                    .col(text(Organizations::Code, 35).unique_key().take())
                    .col(text_null(Organizations::TaxId, 64))
                    .col(text_null(Organizations::Segment, 32))
                    .col(text_null(Organizations::CustomerType, 32))
                    .col(text_null(Organizations::Territory, 64))
                    .col(ColumnDef::new(Organizations::ParentId).uuid().null())
                    .col(text(Organizations::Status, 32))
                    .col(timestamp_null(Organizations::ArchivedAt))
                    .col(timestamp(Organizations::CreatedAt))
                    .col(timestamp(Organizations::UpdatedAt))
                    .col(version(Organizations::Version))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_organizations_parent")
                            .from(Organizations::Table, Organizations::ParentId)
                            .to(Organizations::Table, Organizations::Id),
                    )
                    .take(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_organizations_kind_name",
                vec![
                    Organizations::Kind.into_iden(),
                    Organizations::NameKey.into_iden(),
                    Organizations::Id.into_iden(),
                ],
            ),
            (
                "ix_organizations_name",
                vec![
                    Organizations::NameKey.into_iden(),
                    Organizations::Id.into_iden(),
                ],
            ),
            (
                "ix_organizations_created",
                vec![
                    Organizations::CreatedAt.into_iden(),
                    Organizations::Id.into_iden(),
                ],
            ),
            (
                "ix_organizations_updated",
                vec![
                    Organizations::UpdatedAt.into_iden(),
                    Organizations::Id.into_iden(),
                ],
            ),
            (
                "ix_organizations_parent",
                vec![
                    Organizations::ParentId.into_iden(),
                    Organizations::NameKey.into_iden(),
                ],
            ),
            (
                "ix_organizations_territory",
                vec![
                    Organizations::Territory.into_iden(),
                    Organizations::NameKey.into_iden(),
                ],
            ),
            (
                "ix_organizations_segment",
                vec![
                    Organizations::Segment.into_iden(),
                    Organizations::NameKey.into_iden(),
                ],
            ),
            (
                "ix_organizations_status",
                vec![
                    Organizations::Status.into_iden(),
                    Organizations::NameKey.into_iden(),
                ],
            ),
        ] {
            manager
                .create_index(index(name, Organizations::Table, cols))
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Contacts::Table)
                    .col(id(Contacts::Id))
                    .col(uuid(Contacts::OrganizationId))
                    .col(text(Contacts::Name, 200))
                    .col(sort_key(manager, Contacts::NameKey))
                    .col(text_null(Contacts::Title, 200))
                    .col(text_null(Contacts::Email, 254))
                    .col(text_null(Contacts::Phone, 40))
                    .col(text_null(Contacts::BuyingRole, 32))
                    .col(long_text_null(Contacts::Preferences))
                    .col(long_text_null(Contacts::Notes))
                    .col(text(Contacts::MarketingConsent, 32))
                    .col(timestamp_null(Contacts::ConsentChangedAt))
                    .col(text_null(Contacts::ConsentSource, 200))
                    .col(timestamp_null(Contacts::ArchivedAt))
                    .col(timestamp(Contacts::CreatedAt))
                    .col(timestamp(Contacts::UpdatedAt))
                    .col(version(Contacts::Version))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_contacts_organization")
                            .from(Contacts::Table, Contacts::OrganizationId)
                            .to(Organizations::Table, Organizations::Id),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_contacts_organization",
                Contacts::Table,
                vec![
                    Contacts::OrganizationId.into_iden(),
                    Contacts::NameKey.into_iden(),
                    Contacts::Id.into_iden(),
                ],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Addresses::Table)
                    .col(id(Addresses::Id))
                    .col(uuid(Addresses::OrganizationId))
                    .col(text(Addresses::Kind, 32))
                    .col(text(Addresses::Line1, 200))
                    .col(text_null(Addresses::Line2, 200))
                    .col(text(Addresses::City, 100))
                    .col(text_null(Addresses::Region, 100))
                    .col(text_null(Addresses::PostalCode, 20))
                    .col(text(Addresses::Country, 2))
                    .col(text_null(Addresses::Gln, 13))
                    .col(timestamp_null(Addresses::ArchivedAt))
                    .col(timestamp(Addresses::CreatedAt))
                    .col(timestamp(Addresses::UpdatedAt))
                    .col(version(Addresses::Version))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_addresses_organization")
                            .from(Addresses::Table, Addresses::OrganizationId)
                            .to(Organizations::Table, Organizations::Id),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_addresses_organization",
                Addresses::Table,
                vec![
                    Addresses::OrganizationId.into_iden(),
                    Addresses::CreatedAt.into_iden(),
                    Addresses::Id.into_iden(),
                ],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ChannelLinks::Table)
                    .col(id(ChannelLinks::Id))
                    .col(uuid(ChannelLinks::UpstreamId))
                    .col(uuid(ChannelLinks::DownstreamId))
                    .col(text(ChannelLinks::Kind, 32))
                    .col(text(ChannelLinks::Level, 32))
                    .col(text(ChannelLinks::Status, 32))
                    .col(ColumnDef::new(ChannelLinks::Since).date().not_null())
                    .col(ColumnDef::new(ChannelLinks::Until).date().null())
                    .col(text_null(ChannelLinks::Territory, 64))
                    .col(ColumnDef::new(ChannelLinks::Exclusive).boolean().not_null())
                    .col(timestamp_null(ChannelLinks::ArchivedAt))
                    .col(timestamp(ChannelLinks::CreatedAt))
                    .col(timestamp(ChannelLinks::UpdatedAt))
                    .col(version(ChannelLinks::Version))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_channel_links_upstream")
                            .from(ChannelLinks::Table, ChannelLinks::UpstreamId)
                            .to(Organizations::Table, Organizations::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_channel_links_downstream")
                            .from(ChannelLinks::Table, ChannelLinks::DownstreamId)
                            .to(Organizations::Table, Organizations::Id),
                    )
                    .take(),
            )
            .await?;
        for (name, end) in [
            ("ix_channel_links_upstream", ChannelLinks::UpstreamId),
            ("ix_channel_links_downstream", ChannelLinks::DownstreamId),
        ] {
            manager
                .create_index(index(
                    name,
                    ChannelLinks::Table,
                    vec![
                        end.into_iden(),
                        ChannelLinks::Kind.into_iden(),
                        ChannelLinks::CreatedAt.into_iden(),
                        ChannelLinks::Id.into_iden(),
                    ],
                ))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ChannelLinks::Table.into_iden(),
            Addresses::Table.into_iden(),
            Contacts::Table.into_iden(),
            Organizations::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
