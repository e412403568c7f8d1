//! Growth, part two: leads with their source, capture and entry, routing by territory to a
//! staff member or a partner, and what they converted into; and partners' deal
//! registrations with the products they cover, their decision and protection.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Leads {
    Table,
    Id,
    Number,
    PersonName,
    Company,
    Email,
    Phone,
    TaxId,
    Source,
    CampaignId,
    CapturedAt,
    EnteredAt,
    Late,
    Territory,
    Status,
    AssigneeId,
    PartnerId,
    OfferedAt,
    StatusReason,
    AuthorOrganizationId,
    ConvertedOrganizationId,
    ConvertedContactId,
    ConvertedOpportunityId,
    ConvertedAt,
    Notes,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum LeadRoutes {
    Table,
    Id,
    Territory,
    AssigneeId,
    PartnerId,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum DealRegistrations {
    Table,
    Id,
    Number,
    PartnerId,
    CustomerId,
    CustomerName,
    CustomerKey,
    CustomerTaxId,
    Amount,
    Currency,
    ExpectedCloseOn,
    Status,
    Conflict,
    ConflictWithId,
    DecidedBy,
    DecidedAt,
    DecisionReason,
    ProtectedUntil,
    OpportunityId,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum DealRegistrationLines {
    Table,
    Id,
    RegistrationId,
    ProductId,
    Quantity,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Leads::Table)
                    .col(id(Leads::Id))
                    .col(text(Leads::Number, 32).unique_key().take())
                    .col(text(Leads::PersonName, 200))
                    .col(text_null(Leads::Company, 200))
                    .col(text_null(Leads::Email, 254))
                    .col(text_null(Leads::Phone, 40))
                    .col(text_null(Leads::TaxId, 64))
                    .col(text(Leads::Source, 32))
                    .col(uuid_null(Leads::CampaignId))
                    .col(timestamp(Leads::CapturedAt))
                    .col(timestamp(Leads::EnteredAt))
                    .col(ColumnDef::new(Leads::Late).boolean().not_null())
                    .col(text_null(Leads::Territory, 32))
                    .col(text(Leads::Status, 32))
                    .col(uuid_null(Leads::AssigneeId))
                    .col(uuid_null(Leads::PartnerId))
                    .col(timestamp_null(Leads::OfferedAt))
                    .col(text_null(Leads::StatusReason, 2000))
                    .col(uuid_null(Leads::AuthorOrganizationId))
                    .col(uuid_null(Leads::ConvertedOrganizationId))
                    .col(uuid_null(Leads::ConvertedContactId))
                    .col(uuid_null(Leads::ConvertedOpportunityId))
                    .col(timestamp_null(Leads::ConvertedAt))
                    .col(long_text_null(Leads::Notes))
                    .col(timestamp(Leads::CreatedAt))
                    .col(timestamp(Leads::UpdatedAt))
                    .col(version(Leads::Version))
                    .take(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_leads_status",
                vec![Leads::Status.into_iden(), Leads::EnteredAt.into_iden()],
            ),
            (
                "ix_leads_assignee",
                vec![Leads::AssigneeId.into_iden(), Leads::Status.into_iden()],
            ),
            (
                "ix_leads_partner",
                vec![Leads::PartnerId.into_iden(), Leads::Status.into_iden()],
            ),
            (
                "ix_leads_author",
                vec![Leads::AuthorOrganizationId.into_iden()],
            ),
            ("ix_leads_campaign", vec![Leads::CampaignId.into_iden()]),
            ("ix_leads_entered", vec![Leads::EnteredAt.into_iden()]),
        ] {
            manager
                .create_index(index(name, Leads::Table, cols))
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(LeadRoutes::Table)
                    .col(id(LeadRoutes::Id))
                    .col(text(LeadRoutes::Territory, 32).unique_key().take())
                    .col(uuid_null(LeadRoutes::AssigneeId))
                    .col(uuid_null(LeadRoutes::PartnerId))
                    .col(timestamp(LeadRoutes::CreatedAt))
                    .col(timestamp(LeadRoutes::UpdatedAt))
                    .col(version(LeadRoutes::Version))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DealRegistrations::Table)
                    .col(id(DealRegistrations::Id))
                    .col(text(DealRegistrations::Number, 32).unique_key().take())
                    .col(uuid(DealRegistrations::PartnerId))
                    .col(uuid_null(DealRegistrations::CustomerId))
                    .col(text(DealRegistrations::CustomerName, 200))
                    .col(text(DealRegistrations::CustomerKey, 400))
                    .col(text_null(DealRegistrations::CustomerTaxId, 64))
                    .col(decimal(DealRegistrations::Amount))
                    .col(text(DealRegistrations::Currency, 3))
                    .col(date_null(DealRegistrations::ExpectedCloseOn))
                    .col(text(DealRegistrations::Status, 32))
                    .col(
                        ColumnDef::new(DealRegistrations::Conflict)
                            .boolean()
                            .not_null(),
                    )
                    .col(uuid_null(DealRegistrations::ConflictWithId))
                    .col(uuid_null(DealRegistrations::DecidedBy))
                    .col(timestamp_null(DealRegistrations::DecidedAt))
                    .col(text_null(DealRegistrations::DecisionReason, 2000))
                    .col(timestamp_null(DealRegistrations::ProtectedUntil))
                    .col(uuid_null(DealRegistrations::OpportunityId))
                    .col(timestamp(DealRegistrations::CreatedAt))
                    .col(timestamp(DealRegistrations::UpdatedAt))
                    .col(version(DealRegistrations::Version))
                    .take(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_deal_registrations_partner",
                vec![
                    DealRegistrations::PartnerId.into_iden(),
                    DealRegistrations::CreatedAt.into_iden(),
                ],
            ),
            (
                "ix_deal_registrations_customer",
                vec![
                    DealRegistrations::CustomerId.into_iden(),
                    DealRegistrations::Status.into_iden(),
                ],
            ),
            (
                "ix_deal_registrations_customer_key",
                vec![
                    DealRegistrations::CustomerKey.into_iden(),
                    DealRegistrations::Status.into_iden(),
                ],
            ),
            (
                "ix_deal_registrations_status",
                vec![
                    DealRegistrations::Status.into_iden(),
                    DealRegistrations::CreatedAt.into_iden(),
                ],
            ),
        ] {
            manager
                .create_index(index(name, DealRegistrations::Table, cols))
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(DealRegistrationLines::Table)
                    .col(id(DealRegistrationLines::Id))
                    .col(uuid(DealRegistrationLines::RegistrationId))
                    .col(uuid(DealRegistrationLines::ProductId))
                    .col(decimal(DealRegistrationLines::Quantity))
                    .foreign_key(&mut foreign_key(
                        "fk_deal_registration_lines_registration",
                        (
                            DealRegistrationLines::Table,
                            DealRegistrationLines::RegistrationId,
                        ),
                        (DealRegistrations::Table, DealRegistrations::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_deal_registration_lines_registration",
                DealRegistrationLines::Table,
                vec![DealRegistrationLines::RegistrationId.into_iden()],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DealRegistrationLines::Table.into_iden(),
            DealRegistrations::Table.into_iden(),
            LeadRoutes::Table.into_iden(),
            Leads::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
