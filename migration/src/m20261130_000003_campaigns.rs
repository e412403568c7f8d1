//! Growth, part one: marketing consent with its history, campaigns with the material they
//! send, who received it and who responded, and opportunities with their stages. Existing
//! consents become the first entry of each contact's history.

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
enum Contacts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ConsentEvents {
    Table,
    Id,
    ContactId,
    Status,
    Channel,
    RecordedAt,
    RecordedBy,
}

#[derive(DeriveIden)]
enum Campaigns {
    Table,
    Id,
    Code,
    Name,
    Channel,
    StartsOn,
    EndsOn,
    Cost,
    Currency,
    Material,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum CampaignSends {
    Table,
    Id,
    CampaignId,
    ContactId,
    Material,
    SentAt,
}

#[derive(DeriveIden)]
enum CampaignResponses {
    Table,
    Id,
    CampaignId,
    ContactId,
    Kind,
    RespondedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Opportunities {
    Table,
    Id,
    Name,
    OrganizationId,
    AuthorOrganizationId,
    OwnerId,
    Stage,
    Amount,
    Currency,
    ExpectedCloseOn,
    CampaignId,
    LeadId,
    OrderId,
    LostReason,
    ClosedAt,
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
                    .table(ConsentEvents::Table)
                    .col(id(ConsentEvents::Id))
                    .col(uuid(ConsentEvents::ContactId))
                    .col(text(ConsentEvents::Status, 32))
                    .col(text(ConsentEvents::Channel, 200))
                    .col(timestamp(ConsentEvents::RecordedAt))
                    .col(uuid_null(ConsentEvents::RecordedBy))
                    .foreign_key(&mut foreign_key(
                        "fk_consent_events_contact",
                        (ConsentEvents::Table, ConsentEvents::ContactId),
                        (Contacts::Table, Contacts::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_consent_events_contact",
                ConsentEvents::Table,
                vec![
                    ConsentEvents::ContactId.into_iden(),
                    ConsentEvents::RecordedAt.into_iden(),
                ],
            ))
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO consent_events (id, contact_id, status, channel, recorded_at) \
                 SELECT id, id, marketing_consent, consent_source, consent_changed_at FROM contacts \
                 WHERE consent_changed_at IS NOT NULL AND consent_source IS NOT NULL",
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Campaigns::Table)
                    .col(id(Campaigns::Id))
                    .col(text(Campaigns::Code, 32).unique_key().take())
                    .col(text(Campaigns::Name, 200))
                    .col(text(Campaigns::Channel, 32))
                    .col(date(Campaigns::StartsOn))
                    .col(date(Campaigns::EndsOn))
                    .col(decimal(Campaigns::Cost))
                    .col(text(Campaigns::Currency, 3))
                    .col(text_null(Campaigns::Material, 64))
                    .col(timestamp(Campaigns::CreatedAt))
                    .col(timestamp(Campaigns::UpdatedAt))
                    .col(version(Campaigns::Version))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_campaigns_starts",
                Campaigns::Table,
                vec![Campaigns::StartsOn.into_iden()],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CampaignSends::Table)
                    .col(id(CampaignSends::Id))
                    .col(uuid(CampaignSends::CampaignId))
                    .col(uuid(CampaignSends::ContactId))
                    .col(text(CampaignSends::Material, 64))
                    .col(timestamp(CampaignSends::SentAt))
                    .foreign_key(&mut foreign_key(
                        "fk_campaign_sends_campaign",
                        (CampaignSends::Table, CampaignSends::CampaignId),
                        (Campaigns::Table, Campaigns::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_campaign_sends_contact",
                        (CampaignSends::Table, CampaignSends::ContactId),
                        (Contacts::Table, Contacts::Id),
                    ))
                    .take(),
            )
            .await?;
        // One copy of a material per contact, whichever campaign sends it.
        manager
            .create_index(
                index(
                    "ux_campaign_sends_material_contact",
                    CampaignSends::Table,
                    vec![
                        CampaignSends::Material.into_iden(),
                        CampaignSends::ContactId.into_iden(),
                    ],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_campaign_sends_campaign",
                CampaignSends::Table,
                vec![CampaignSends::CampaignId.into_iden()],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CampaignResponses::Table)
                    .col(id(CampaignResponses::Id))
                    .col(uuid(CampaignResponses::CampaignId))
                    .col(uuid_null(CampaignResponses::ContactId))
                    .col(text(CampaignResponses::Kind, 32))
                    .col(timestamp(CampaignResponses::RespondedAt))
                    .col(timestamp(CampaignResponses::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_campaign_responses_campaign",
                        (CampaignResponses::Table, CampaignResponses::CampaignId),
                        (Campaigns::Table, Campaigns::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_campaign_responses_campaign",
                CampaignResponses::Table,
                vec![
                    CampaignResponses::CampaignId.into_iden(),
                    CampaignResponses::RespondedAt.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Opportunities::Table)
                    .col(id(Opportunities::Id))
                    .col(text(Opportunities::Name, 200))
                    .col(uuid(Opportunities::OrganizationId))
                    .col(uuid_null(Opportunities::AuthorOrganizationId))
                    .col(uuid_null(Opportunities::OwnerId))
                    .col(text(Opportunities::Stage, 32))
                    .col(decimal(Opportunities::Amount))
                    .col(text(Opportunities::Currency, 3))
                    .col(date(Opportunities::ExpectedCloseOn))
                    .col(uuid_null(Opportunities::CampaignId))
                    .col(uuid_null(Opportunities::LeadId))
                    .col(uuid_null(Opportunities::OrderId))
                    .col(text_null(Opportunities::LostReason, 2000))
                    .col(timestamp_null(Opportunities::ClosedAt))
                    .col(timestamp(Opportunities::CreatedAt))
                    .col(timestamp(Opportunities::UpdatedAt))
                    .col(version(Opportunities::Version))
                    .foreign_key(&mut foreign_key(
                        "fk_opportunities_organization",
                        (Opportunities::Table, Opportunities::OrganizationId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .take(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_opportunities_organization",
                vec![
                    Opportunities::OrganizationId.into_iden(),
                    Opportunities::ExpectedCloseOn.into_iden(),
                ],
            ),
            (
                "ix_opportunities_owner",
                vec![
                    Opportunities::OwnerId.into_iden(),
                    Opportunities::Stage.into_iden(),
                ],
            ),
            (
                "ix_opportunities_campaign",
                vec![
                    Opportunities::CampaignId.into_iden(),
                    Opportunities::Stage.into_iden(),
                ],
            ),
            (
                "ix_opportunities_close",
                vec![Opportunities::ExpectedCloseOn.into_iden()],
            ),
            (
                "ix_opportunities_author",
                vec![Opportunities::AuthorOrganizationId.into_iden()],
            ),
        ] {
            manager
                .create_index(index(name, Opportunities::Table, cols))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Opportunities::Table.into_iden(),
            CampaignResponses::Table.into_iden(),
            CampaignSends::Table.into_iden(),
            Campaigns::Table.into_iden(),
            ConsentEvents::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
