//! Relationship work: interactions (calls, visits, emails, meetings, trade-show contacts,
//! portal messages) with who took part and the commitments made, and tasks (follow-ups,
//! calls, visits) with an assignee and a due date. Key accounts get a flag; their return
//! visits are tasks, at most one open per account (a unique column set only while open).
//!
//! `author_organization_id` is the partner that recorded a row, null for the brand's own:
//! partners see their own records and what the brand recorded about them, never another
//! partner's.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
    KeyAccount,
}

#[derive(DeriveIden)]
enum Interactions {
    Table,
    Id,
    OrganizationId,
    AuthorOrganizationId,
    Kind,
    OccurredAt,
    Summary,
    InternalNotes,
    RecordedBy,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum InteractionParticipants {
    Table,
    Id,
    InteractionId,
    UserId,
    ContactId,
}

#[derive(DeriveIden)]
enum Commitments {
    Table,
    Id,
    InteractionId,
    OrganizationId,
    AuthorOrganizationId,
    Description,
    OwnerUserId,
    OwnerContactId,
    DueOn,
    Status,
    ClosedAt,
    ClosingNote,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum Tasks {
    Table,
    Id,
    Kind,
    Title,
    Notes,
    OrganizationId,
    ContactId,
    InteractionId,
    AuthorOrganizationId,
    AssigneeId,
    DueOn,
    Status,
    ReturnVisit,
    OpenReturnVisitOf,
    CompletedAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Organizations::Table)
                    .add_column(
                        ColumnDef::new(Organizations::KeyAccount)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Interactions::Table)
                    .col(id(Interactions::Id))
                    .col(uuid(Interactions::OrganizationId))
                    .col(uuid_null(Interactions::AuthorOrganizationId))
                    .col(text(Interactions::Kind, 32))
                    .col(timestamp(Interactions::OccurredAt))
                    .col(text(Interactions::Summary, 2000))
                    .col(long_text_null(Interactions::InternalNotes))
                    .col(uuid_null(Interactions::RecordedBy))
                    .col(timestamp(Interactions::CreatedAt))
                    .col(timestamp(Interactions::UpdatedAt))
                    .col(version(Interactions::Version))
                    .foreign_key(&mut foreign_key(
                        "fk_interactions_organization",
                        (Interactions::Table, Interactions::OrganizationId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .take(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_interactions_organization",
                vec![
                    Interactions::OrganizationId.into_iden(),
                    Interactions::OccurredAt.into_iden(),
                ],
            ),
            (
                "ix_interactions_author",
                vec![
                    Interactions::AuthorOrganizationId.into_iden(),
                    Interactions::OccurredAt.into_iden(),
                ],
            ),
            (
                "ix_interactions_occurred",
                vec![Interactions::OccurredAt.into_iden()],
            ),
        ] {
            manager
                .create_index(index(name, Interactions::Table, cols))
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(InteractionParticipants::Table)
                    .col(id(InteractionParticipants::Id))
                    .col(uuid(InteractionParticipants::InteractionId))
                    .col(uuid_null(InteractionParticipants::UserId))
                    .col(uuid_null(InteractionParticipants::ContactId))
                    .foreign_key(&mut foreign_key(
                        "fk_interaction_participants_interaction",
                        (
                            InteractionParticipants::Table,
                            InteractionParticipants::InteractionId,
                        ),
                        (Interactions::Table, Interactions::Id),
                    ))
                    .take(),
            )
            .await?;
        for (name, col) in [
            (
                "ix_interaction_participants_interaction",
                InteractionParticipants::InteractionId,
            ),
            (
                "ix_interaction_participants_user",
                InteractionParticipants::UserId,
            ),
            (
                "ix_interaction_participants_contact",
                InteractionParticipants::ContactId,
            ),
        ] {
            manager
                .create_index(index(
                    name,
                    InteractionParticipants::Table,
                    vec![col.into_iden()],
                ))
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(Commitments::Table)
                    .col(id(Commitments::Id))
                    .col(uuid(Commitments::InteractionId))
                    .col(uuid(Commitments::OrganizationId))
                    .col(uuid_null(Commitments::AuthorOrganizationId))
                    .col(text(Commitments::Description, 1000))
                    .col(uuid_null(Commitments::OwnerUserId))
                    .col(uuid_null(Commitments::OwnerContactId))
                    .col(date(Commitments::DueOn))
                    .col(text(Commitments::Status, 32))
                    .col(timestamp_null(Commitments::ClosedAt))
                    .col(text_null(Commitments::ClosingNote, 2000))
                    .col(timestamp(Commitments::CreatedAt))
                    .col(timestamp(Commitments::UpdatedAt))
                    .col(version(Commitments::Version))
                    .foreign_key(&mut foreign_key(
                        "fk_commitments_interaction",
                        (Commitments::Table, Commitments::InteractionId),
                        (Interactions::Table, Interactions::Id),
                    ))
                    .take(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_commitments_interaction",
                vec![Commitments::InteractionId.into_iden()],
            ),
            (
                "ix_commitments_organization",
                vec![
                    Commitments::OrganizationId.into_iden(),
                    Commitments::DueOn.into_iden(),
                ],
            ),
            (
                "ix_commitments_owner_user",
                vec![
                    Commitments::OwnerUserId.into_iden(),
                    Commitments::Status.into_iden(),
                    Commitments::DueOn.into_iden(),
                ],
            ),
            (
                "ix_commitments_owner_contact",
                vec![
                    Commitments::OwnerContactId.into_iden(),
                    Commitments::Status.into_iden(),
                    Commitments::DueOn.into_iden(),
                ],
            ),
            (
                "ix_commitments_status",
                vec![
                    Commitments::Status.into_iden(),
                    Commitments::DueOn.into_iden(),
                ],
            ),
        ] {
            manager
                .create_index(index(name, Commitments::Table, cols))
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(Tasks::Table)
                    .col(id(Tasks::Id))
                    .col(text(Tasks::Kind, 32))
                    .col(text(Tasks::Title, 200))
                    .col(long_text_null(Tasks::Notes))
                    .col(uuid_null(Tasks::OrganizationId))
                    .col(uuid_null(Tasks::ContactId))
                    .col(uuid_null(Tasks::InteractionId))
                    .col(uuid_null(Tasks::AuthorOrganizationId))
                    .col(uuid_null(Tasks::AssigneeId))
                    .col(date(Tasks::DueOn))
                    .col(text(Tasks::Status, 32))
                    .col(
                        ColumnDef::new(Tasks::ReturnVisit)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(Tasks::OpenReturnVisitOf)
                            .uuid()
                            .null()
                            .unique_key(),
                    )
                    .col(timestamp_null(Tasks::CompletedAt))
                    .col(uuid_null(Tasks::CreatedBy))
                    .col(timestamp(Tasks::CreatedAt))
                    .col(timestamp(Tasks::UpdatedAt))
                    .col(version(Tasks::Version))
                    .foreign_key(&mut foreign_key(
                        "fk_tasks_organization",
                        (Tasks::Table, Tasks::OrganizationId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .take(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_tasks_assignee",
                vec![
                    Tasks::AssigneeId.into_iden(),
                    Tasks::Status.into_iden(),
                    Tasks::DueOn.into_iden(),
                ],
            ),
            (
                "ix_tasks_organization",
                vec![Tasks::OrganizationId.into_iden(), Tasks::DueOn.into_iden()],
            ),
            (
                "ix_tasks_status",
                vec![Tasks::Status.into_iden(), Tasks::DueOn.into_iden()],
            ),
            (
                "ix_tasks_author",
                vec![
                    Tasks::AuthorOrganizationId.into_iden(),
                    Tasks::DueOn.into_iden(),
                ],
            ),
        ] {
            manager
                .create_index(index(name, Tasks::Table, cols))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Tasks::Table.into_iden(),
            Commitments::Table.into_iden(),
            InteractionParticipants::Table.into_iden(),
            Interactions::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Organizations::Table)
                    .drop_column(Organizations::KeyAccount)
                    .take(),
            )
            .await
    }
}
