//! Access: users, refresh tokens, API tokens, and the audit trail.

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
enum Users {
    Table,
    Id,
    Email,
    Name,
    PasswordHash,
    Role,
    OrganizationId,
    DeactivatedAt,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    UserId,
    FamilyId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    RotatedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    OrganizationId,
    Name,
    Prefix,
    SecretHash,
    Scopes,
    ExpiresAt,
    LastUsedAt,
    RevokedAt,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    OccurredAt,
    PrincipalKind,
    PrincipalId,
    Action,
    ObjectType,
    ObjectId,
    Changes,
    RequestId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(id(Users::Id))
                    .col(text(Users::Email, 254).unique_key().take())
                    .col(text(Users::Name, 200))
                    .col(ColumnDef::new(Users::PasswordHash).text().not_null())
                    .col(text(Users::Role, 32))
                    .col(ColumnDef::new(Users::OrganizationId).uuid().null())
                    .col(timestamp_null(Users::DeactivatedAt))
                    .col(timestamp(Users::CreatedAt))
                    .col(timestamp(Users::UpdatedAt))
                    .col(version(Users::Version))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_users_organization")
                            .from(Users::Table, Users::OrganizationId)
                            .to(Organizations::Table, Organizations::Id),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_users_organization",
                Users::Table,
                vec![Users::OrganizationId.into_iden(), Users::Email.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RefreshTokens::Table)
                    .col(id(RefreshTokens::Id))
                    .col(uuid(RefreshTokens::UserId))
                    .col(uuid(RefreshTokens::FamilyId))
                    .col(text(RefreshTokens::TokenHash, 64).unique_key().take())
                    .col(timestamp(RefreshTokens::CreatedAt))
                    .col(timestamp(RefreshTokens::ExpiresAt))
                    .col(timestamp_null(RefreshTokens::RotatedAt))
                    .col(timestamp_null(RefreshTokens::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_refresh_tokens_user")
                            .from(RefreshTokens::Table, RefreshTokens::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_refresh_tokens_family",
                RefreshTokens::Table,
                vec![RefreshTokens::FamilyId.into_iden()],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_refresh_tokens_user",
                RefreshTokens::Table,
                vec![RefreshTokens::UserId.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ApiTokens::Table)
                    .col(id(ApiTokens::Id))
                    .col(uuid(ApiTokens::OrganizationId))
                    .col(text(ApiTokens::Name, 200))
                    .col(text(ApiTokens::Prefix, 16))
                    .col(text(ApiTokens::SecretHash, 64).unique_key().take())
                    .col(text(ApiTokens::Scopes, 400))
                    .col(timestamp_null(ApiTokens::ExpiresAt))
                    .col(timestamp_null(ApiTokens::LastUsedAt))
                    .col(timestamp_null(ApiTokens::RevokedAt))
                    .col(ColumnDef::new(ApiTokens::CreatedBy).uuid().null())
                    .col(timestamp(ApiTokens::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_api_tokens_organization")
                            .from(ApiTokens::Table, ApiTokens::OrganizationId)
                            .to(Organizations::Table, Organizations::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_api_tokens_created_by")
                            .from(ApiTokens::Table, ApiTokens::CreatedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_api_tokens_organization",
                ApiTokens::Table,
                vec![
                    ApiTokens::OrganizationId.into_iden(),
                    ApiTokens::CreatedAt.into_iden(),
                ],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(id(AuditEvents::Id))
                    .col(timestamp(AuditEvents::OccurredAt))
                    .col(text(AuditEvents::PrincipalKind, 32))
                    .col(ColumnDef::new(AuditEvents::PrincipalId).uuid().null())
                    .col(text(AuditEvents::Action, 64))
                    .col(text(AuditEvents::ObjectType, 64))
                    .col(ColumnDef::new(AuditEvents::ObjectId).uuid().null())
                    .col(ColumnDef::new(AuditEvents::Changes).text().not_null())
                    .col(text_null(AuditEvents::RequestId, 64))
                    .take(),
            )
            .await?;
        for (name, col) in [
            ("ix_audit_events_occurred", AuditEvents::OccurredAt),
            ("ix_audit_events_object", AuditEvents::ObjectId),
            ("ix_audit_events_principal", AuditEvents::PrincipalId),
        ] {
            manager
                .create_index(index(
                    name,
                    AuditEvents::Table,
                    vec![col.into_iden(), AuditEvents::Id.into_iden()],
                ))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditEvents::Table.into_iden(),
            ApiTokens::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
