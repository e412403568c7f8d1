//! Service: cases (complaints, service and repair requests, inquiries) with their notes,
//! the routes that send a case to a department by category and to a person by territory,
//! and survey responses. Tasks may follow up a case.

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
enum Tasks {
    Table,
    CaseId,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
    Number,
    Kind,
    OrganizationId,
    ContactId,
    AuthorOrganizationId,
    Subject,
    Description,
    OrderId,
    ProductId,
    Quantity,
    ShipDate,
    Category,
    Severity,
    Department,
    AssigneeId,
    Status,
    Cause,
    Resolution,
    ReturnAuthorization,
    FollowUpTaskId,
    Satisfaction,
    FirstResponseDueAt,
    ResolutionDueAt,
    FirstRespondedAt,
    ResolvedAt,
    ClosedAt,
    ReopenedCount,
    OpenedBy,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum CaseNotes {
    Table,
    Id,
    CaseId,
    AuthorOrganizationId,
    WrittenBy,
    Body,
    Internal,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CaseRoutes {
    Table,
    Id,
    Category,
    Territory,
    Department,
    AssigneeId,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum SurveyResponses {
    Table,
    Id,
    OrganizationId,
    ContactId,
    CaseId,
    OrderId,
    AuthorOrganizationId,
    Satisfaction,
    Recommend,
    Comment,
    RespondedAt,
    RecordedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Cases::Table)
                    .col(id(Cases::Id))
                    .col(text(Cases::Number, 32).unique_key().take())
                    .col(text(Cases::Kind, 32))
                    .col(uuid(Cases::OrganizationId))
                    .col(uuid_null(Cases::ContactId))
                    .col(uuid_null(Cases::AuthorOrganizationId))
                    .col(text(Cases::Subject, 200))
                    .col(long_text_null(Cases::Description))
                    .col(uuid_null(Cases::OrderId))
                    .col(uuid_null(Cases::ProductId))
                    .col(decimal_null(Cases::Quantity))
                    .col(date_null(Cases::ShipDate))
                    .col(text_null(Cases::Category, 32))
                    .col(text(Cases::Severity, 32))
                    .col(text_null(Cases::Department, 64))
                    .col(uuid_null(Cases::AssigneeId))
                    .col(text(Cases::Status, 32))
                    .col(long_text_null(Cases::Cause))
                    .col(text_null(Cases::Resolution, 32))
                    .col(
                        text_null(Cases::ReturnAuthorization, 32)
                            .unique_key()
                            .take(),
                    )
                    .col(uuid_null(Cases::FollowUpTaskId))
                    .col(ColumnDef::new(Cases::Satisfaction).integer().null())
                    .col(timestamp(Cases::FirstResponseDueAt))
                    .col(timestamp(Cases::ResolutionDueAt))
                    .col(timestamp_null(Cases::FirstRespondedAt))
                    .col(timestamp_null(Cases::ResolvedAt))
                    .col(timestamp_null(Cases::ClosedAt))
                    .col(
                        ColumnDef::new(Cases::ReopenedCount)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(uuid_null(Cases::OpenedBy))
                    .col(timestamp(Cases::CreatedAt))
                    .col(timestamp(Cases::UpdatedAt))
                    .col(version(Cases::Version))
                    .foreign_key(&mut foreign_key(
                        "fk_cases_organization",
                        (Cases::Table, Cases::OrganizationId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .take(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_cases_organization",
                vec![
                    Cases::OrganizationId.into_iden(),
                    Cases::CreatedAt.into_iden(),
                ],
            ),
            (
                "ix_cases_author",
                vec![
                    Cases::AuthorOrganizationId.into_iden(),
                    Cases::CreatedAt.into_iden(),
                ],
            ),
            (
                "ix_cases_assignee",
                vec![Cases::AssigneeId.into_iden(), Cases::Status.into_iden()],
            ),
            (
                "ix_cases_department",
                vec![Cases::Department.into_iden(), Cases::Status.into_iden()],
            ),
            (
                "ix_cases_status",
                vec![
                    Cases::Status.into_iden(),
                    Cases::ResolutionDueAt.into_iden(),
                ],
            ),
            ("ix_cases_order", vec![Cases::OrderId.into_iden()]),
            ("ix_cases_created", vec![Cases::CreatedAt.into_iden()]),
        ] {
            manager
                .create_index(index(name, Cases::Table, cols))
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(CaseNotes::Table)
                    .col(id(CaseNotes::Id))
                    .col(uuid(CaseNotes::CaseId))
                    .col(uuid_null(CaseNotes::AuthorOrganizationId))
                    .col(uuid_null(CaseNotes::WrittenBy))
                    .col(ColumnDef::new(CaseNotes::Body).text().not_null())
                    .col(ColumnDef::new(CaseNotes::Internal).boolean().not_null())
                    .col(timestamp(CaseNotes::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_case_notes_case",
                        (CaseNotes::Table, CaseNotes::CaseId),
                        (Cases::Table, Cases::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_case_notes_case",
                CaseNotes::Table,
                vec![
                    CaseNotes::CaseId.into_iden(),
                    CaseNotes::CreatedAt.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CaseRoutes::Table)
                    .col(id(CaseRoutes::Id))
                    .col(text_null(CaseRoutes::Category, 32).unique_key().take())
                    .col(text_null(CaseRoutes::Territory, 32).unique_key().take())
                    .col(text_null(CaseRoutes::Department, 64))
                    .col(uuid_null(CaseRoutes::AssigneeId))
                    .col(timestamp(CaseRoutes::CreatedAt))
                    .col(timestamp(CaseRoutes::UpdatedAt))
                    .col(version(CaseRoutes::Version))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SurveyResponses::Table)
                    .col(id(SurveyResponses::Id))
                    .col(uuid(SurveyResponses::OrganizationId))
                    .col(uuid_null(SurveyResponses::ContactId))
                    .col(uuid_null(SurveyResponses::CaseId))
                    .col(uuid_null(SurveyResponses::OrderId))
                    .col(uuid_null(SurveyResponses::AuthorOrganizationId))
                    .col(
                        ColumnDef::new(SurveyResponses::Satisfaction)
                            .integer()
                            .null(),
                    )
                    .col(ColumnDef::new(SurveyResponses::Recommend).integer().null())
                    .col(text_null(SurveyResponses::Comment, 2000))
                    .col(timestamp(SurveyResponses::RespondedAt))
                    .col(uuid_null(SurveyResponses::RecordedBy))
                    .col(timestamp(SurveyResponses::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_survey_responses_organization",
                        (SurveyResponses::Table, SurveyResponses::OrganizationId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .take(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_survey_responses_organization",
                vec![
                    SurveyResponses::OrganizationId.into_iden(),
                    SurveyResponses::RespondedAt.into_iden(),
                ],
            ),
            (
                "ix_survey_responses_case",
                vec![SurveyResponses::CaseId.into_iden()],
            ),
            (
                "ix_survey_responses_order",
                vec![SurveyResponses::OrderId.into_iden()],
            ),
            (
                "ix_survey_responses_responded",
                vec![SurveyResponses::RespondedAt.into_iden()],
            ),
        ] {
            manager
                .create_index(index(name, SurveyResponses::Table, cols))
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Tasks::Table)
                    .add_column(uuid_null(Tasks::CaseId))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_tasks_case",
                Tasks::Table,
                vec![Tasks::CaseId.into_iden()],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_tasks_case")
                    .table(Tasks::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Tasks::Table)
                    .drop_column(Tasks::CaseId)
                    .take(),
            )
            .await?;
        for table in [
            SurveyResponses::Table.into_iden(),
            CaseRoutes::Table.into_iden(),
            CaseNotes::Table.into_iden(),
            Cases::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
