//! Certifications: the brand's catalogue of trainings a partner's people earn, each valid
//! for a number of months, and the certifications each partner contact holds.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Certifications {
    Table,
    Id,
    Code,
    Name,
    Description,
    ValidityMonths,
    ArchivedAt,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum ContactCertifications {
    Table,
    Id,
    ContactId,
    OrganizationId,
    CertificationId,
    EarnedOn,
    ExpiresOn,
    Evidence,
    RecordedBy,
    NoticeSentAt,
    RevokedAt,
    RevokedBy,
    RevokeReason,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum Contacts {
    Table,
    Id,
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
                    .table(Certifications::Table)
                    .col(id(Certifications::Id))
                    .col(text(Certifications::Code, 32).unique_key().take())
                    .col(text(Certifications::Name, 200))
                    .col(long_text_null(Certifications::Description))
                    .col(integer(Certifications::ValidityMonths))
                    .col(timestamp_null(Certifications::ArchivedAt))
                    .col(timestamp(Certifications::CreatedAt))
                    .col(timestamp(Certifications::UpdatedAt))
                    .col(version(Certifications::Version))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ContactCertifications::Table)
                    .col(id(ContactCertifications::Id))
                    .col(uuid(ContactCertifications::ContactId))
                    .col(uuid(ContactCertifications::OrganizationId))
                    .col(uuid(ContactCertifications::CertificationId))
                    .col(date(ContactCertifications::EarnedOn))
                    .col(date(ContactCertifications::ExpiresOn))
                    .col(text_null(ContactCertifications::Evidence, 500))
                    .col(uuid_null(ContactCertifications::RecordedBy))
                    .col(timestamp_null(ContactCertifications::NoticeSentAt))
                    .col(timestamp_null(ContactCertifications::RevokedAt))
                    .col(uuid_null(ContactCertifications::RevokedBy))
                    .col(text_null(ContactCertifications::RevokeReason, 2000))
                    .col(timestamp(ContactCertifications::CreatedAt))
                    .col(timestamp(ContactCertifications::UpdatedAt))
                    .col(version(ContactCertifications::Version))
                    .foreign_key(&mut foreign_key(
                        "fk_contact_certifications_contact",
                        (
                            ContactCertifications::Table,
                            ContactCertifications::ContactId,
                        ),
                        (Contacts::Table, Contacts::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_contact_certifications_organization",
                        (
                            ContactCertifications::Table,
                            ContactCertifications::OrganizationId,
                        ),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_contact_certifications_certification",
                        (
                            ContactCertifications::Table,
                            ContactCertifications::CertificationId,
                        ),
                        (Certifications::Table, Certifications::Id),
                    ))
                    .take(),
            )
            .await?;
        // One record per contact, certification and day earned: the same completion
        // recorded twice is a duplicate.
        manager
            .create_index(
                index(
                    "ux_contact_certifications_earned",
                    ContactCertifications::Table,
                    vec![
                        ContactCertifications::ContactId.into_iden(),
                        ContactCertifications::CertificationId.into_iden(),
                        ContactCertifications::EarnedOn.into_iden(),
                    ],
                )
                .unique()
                .take(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_contact_certifications_organization",
                vec![
                    ContactCertifications::OrganizationId.into_iden(),
                    ContactCertifications::ExpiresOn.into_iden(),
                ],
            ),
            (
                "ix_contact_certifications_expiry",
                vec![
                    ContactCertifications::ExpiresOn.into_iden(),
                    ContactCertifications::Id.into_iden(),
                ],
            ),
            (
                "ix_contact_certifications_certification",
                vec![
                    ContactCertifications::CertificationId.into_iden(),
                    ContactCertifications::ExpiresOn.into_iden(),
                ],
            ),
        ] {
            manager
                .create_index(index(name, ContactCertifications::Table, cols))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ContactCertifications::Table.into_iden(),
            Certifications::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
