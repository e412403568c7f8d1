//! Onboarding: invitations that let a person set their own password, applications from
//! companies that want to join the program, and the program's terms with every acceptance.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Invitations {
    Table,
    Id,
    Email,
    Name,
    Roles,
    OrganizationId,
    TokenHash,
    ExpiresAt,
    InvitedBy,
    ApplicationId,
    AcceptedAt,
    UserId,
    RevokedAt,
    RevokedBy,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum ProgramTerms {
    Table,
    Id,
    Number,
    Title,
    Body,
    PublishedBy,
    PublishedAt,
}

#[derive(DeriveIden)]
enum TermsAcceptances {
    Table,
    Id,
    TermsId,
    OrganizationId,
    UserId,
    AcceptedAt,
    RequestId,
    ClientAddress,
    UserAgent,
}

#[derive(DeriveIden)]
enum PartnerApplications {
    Table,
    Id,
    Kind,
    CompanyName,
    LegalName,
    TaxId,
    Website,
    Territory,
    ProductLines,
    Contacts,
    Addresses,
    Duplicates,
    Message,
    Status,
    Reason,
    DecidedBy,
    DecidedAt,
    OrganizationId,
    ClientAddress,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Invitations::Table)
                    .col(id(Invitations::Id))
                    .col(text(Invitations::Email, 320))
                    .col(text(Invitations::Name, 200))
                    .col(text(Invitations::Roles, 200))
                    .col(uuid_null(Invitations::OrganizationId))
                    .col(text(Invitations::TokenHash, 64).unique_key().take())
                    .col(timestamp(Invitations::ExpiresAt))
                    .col(uuid_null(Invitations::InvitedBy))
                    .col(uuid_null(Invitations::ApplicationId))
                    .col(timestamp_null(Invitations::AcceptedAt))
                    .col(uuid_null(Invitations::UserId))
                    .col(timestamp_null(Invitations::RevokedAt))
                    .col(uuid_null(Invitations::RevokedBy))
                    .col(timestamp(Invitations::CreatedAt))
                    .col(timestamp(Invitations::UpdatedAt))
                    .col(version(Invitations::Version))
                    .foreign_key(&mut foreign_key(
                        "fk_invitations_organization",
                        (Invitations::Table, Invitations::OrganizationId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .take(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_invitations_organization",
                vec![
                    Invitations::OrganizationId.into_iden(),
                    Invitations::CreatedAt.into_iden(),
                ],
            ),
            ("ix_invitations_email", vec![Invitations::Email.into_iden()]),
        ] {
            manager
                .create_index(index(name, Invitations::Table, cols))
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ProgramTerms::Table)
                    .col(id(ProgramTerms::Id))
                    .col(integer(ProgramTerms::Number).unique_key().take())
                    .col(text(ProgramTerms::Title, 200))
                    .col(ColumnDef::new(ProgramTerms::Body).text().not_null())
                    .col(uuid_null(ProgramTerms::PublishedBy))
                    .col(timestamp(ProgramTerms::PublishedAt))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TermsAcceptances::Table)
                    .col(id(TermsAcceptances::Id))
                    .col(uuid(TermsAcceptances::TermsId))
                    .col(uuid(TermsAcceptances::OrganizationId))
                    .col(uuid(TermsAcceptances::UserId))
                    .col(timestamp(TermsAcceptances::AcceptedAt))
                    .col(text_null(TermsAcceptances::RequestId, 100))
                    .col(text_null(TermsAcceptances::ClientAddress, 100))
                    .col(text_null(TermsAcceptances::UserAgent, 500))
                    .foreign_key(&mut foreign_key(
                        "fk_terms_acceptances_terms",
                        (TermsAcceptances::Table, TermsAcceptances::TermsId),
                        (ProgramTerms::Table, ProgramTerms::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_terms_acceptances_organization",
                        (TermsAcceptances::Table, TermsAcceptances::OrganizationId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_terms_acceptances_organization",
                TermsAcceptances::Table,
                vec![
                    TermsAcceptances::OrganizationId.into_iden(),
                    TermsAcceptances::TermsId.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PartnerApplications::Table)
                    .col(id(PartnerApplications::Id))
                    .col(text(PartnerApplications::Kind, 32))
                    .col(text(PartnerApplications::CompanyName, 200))
                    .col(text_null(PartnerApplications::LegalName, 200))
                    .col(text_null(PartnerApplications::TaxId, 64))
                    .col(text_null(PartnerApplications::Website, 500))
                    .col(text_null(PartnerApplications::Territory, 100))
                    .col(
                        ColumnDef::new(PartnerApplications::ProductLines)
                            .text()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PartnerApplications::Contacts)
                            .text()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PartnerApplications::Addresses)
                            .text()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PartnerApplications::Duplicates)
                            .text()
                            .not_null(),
                    )
                    .col(long_text_null(PartnerApplications::Message))
                    .col(text(PartnerApplications::Status, 32))
                    .col(text_null(PartnerApplications::Reason, 2000))
                    .col(uuid_null(PartnerApplications::DecidedBy))
                    .col(timestamp_null(PartnerApplications::DecidedAt))
                    .col(uuid_null(PartnerApplications::OrganizationId))
                    .col(text_null(PartnerApplications::ClientAddress, 100))
                    .col(timestamp(PartnerApplications::CreatedAt))
                    .col(timestamp(PartnerApplications::UpdatedAt))
                    .col(version(PartnerApplications::Version))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_partner_applications_status",
                PartnerApplications::Table,
                vec![
                    PartnerApplications::Status.into_iden(),
                    PartnerApplications::CreatedAt.into_iden(),
                ],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PartnerApplications::Table.into_iden(),
            TermsAcceptances::Table.into_iden(),
            ProgramTerms::Table.into_iden(),
            Invitations::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
