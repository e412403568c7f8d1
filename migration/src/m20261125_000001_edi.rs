//! ASC X12 traffic: the partners that trade by X12 and the ids they use, every interchange
//! received or sent, raw, with its control numbers, and every transaction set in it, linked
//! to what it created or came from. A sender's interchange and transaction set control
//! numbers are keys: the same one twice is a duplicate, recognised by a unique index and
//! never applied again.

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
enum EdiPartners {
    Table,
    OrganizationId,
    Qualifier,
    EdiId,
    X12Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EdiInterchanges {
    Table,
    Id,
    OrganizationId,
    Direction,
    Usage,
    SenderId,
    ReceiverId,
    ControlNumber,
    Version,
    Status,
    Message,
    Content,
    AnswersId,
    DedupeKey,
    CreatedAt,
}

#[derive(DeriveIden)]
enum EdiDocuments {
    Table,
    Id,
    InterchangeId,
    OrganizationId,
    Direction,
    Usage,
    TransactionSet,
    FunctionalId,
    Version,
    GroupControlNumber,
    ControlNumber,
    Status,
    Message,
    Reference,
    OrderId,
    ShipmentId,
    InvoiceId,
    InventoryReportId,
    SellThroughReportId,
    Content,
    DedupeKey,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EdiPartners::Table)
                    .col(id(EdiPartners::OrganizationId))
                    .col(text(EdiPartners::Qualifier, 2))
                    .col(text(EdiPartners::EdiId, 15).unique_key().take())
                    .col(text(EdiPartners::X12Version, 5))
                    .col(timestamp(EdiPartners::CreatedAt))
                    .col(timestamp(EdiPartners::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_edi_partners_organization",
                        (EdiPartners::Table, EdiPartners::OrganizationId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EdiInterchanges::Table)
                    .col(id(EdiInterchanges::Id))
                    .col(uuid(EdiInterchanges::OrganizationId))
                    .col(text(EdiInterchanges::Direction, 16))
                    .col(text(EdiInterchanges::Usage, 16))
                    .col(text(EdiInterchanges::SenderId, 35))
                    .col(text(EdiInterchanges::ReceiverId, 35))
                    .col(text_null(EdiInterchanges::ControlNumber, 9))
                    .col(text_null(EdiInterchanges::Version, 5))
                    .col(text(EdiInterchanges::Status, 32))
                    .col(long_text_null(EdiInterchanges::Message))
                    .col(ColumnDef::new(EdiInterchanges::Content).text().not_null())
                    .col(ColumnDef::new(EdiInterchanges::AnswersId).uuid().null())
                    .col(text_null(EdiInterchanges::DedupeKey, 64))
                    .col(timestamp(EdiInterchanges::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_edi_interchanges_organization",
                        (EdiInterchanges::Table, EdiInterchanges::OrganizationId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_edi_interchanges_answers",
                        (EdiInterchanges::Table, EdiInterchanges::AnswersId),
                        (EdiInterchanges::Table, EdiInterchanges::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_edi_interchanges_dedupe",
                    EdiInterchanges::Table,
                    vec![
                        EdiInterchanges::OrganizationId.into_iden(),
                        EdiInterchanges::Direction.into_iden(),
                        EdiInterchanges::DedupeKey.into_iden(),
                    ],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_edi_interchanges_organization",
                EdiInterchanges::Table,
                vec![
                    EdiInterchanges::OrganizationId.into_iden(),
                    EdiInterchanges::CreatedAt.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_edi_interchanges_answers",
                EdiInterchanges::Table,
                vec![EdiInterchanges::AnswersId.into_iden()],
            ))
            .await?;

        let mut documents = Table::create();
        documents
            .table(EdiDocuments::Table)
            .col(id(EdiDocuments::Id))
            .col(uuid(EdiDocuments::InterchangeId))
            .col(uuid(EdiDocuments::OrganizationId))
            .col(text(EdiDocuments::Direction, 16))
            .col(text(EdiDocuments::Usage, 16))
            .col(text(EdiDocuments::TransactionSet, 3))
            .col(text(EdiDocuments::FunctionalId, 2))
            .col(text(EdiDocuments::Version, 12))
            .col(text(EdiDocuments::GroupControlNumber, 9))
            .col(text(EdiDocuments::ControlNumber, 9))
            .col(text(EdiDocuments::Status, 32))
            .col(long_text_null(EdiDocuments::Message))
            .col(text_null(EdiDocuments::Reference, 35))
            .col(ColumnDef::new(EdiDocuments::OrderId).uuid().null())
            .col(ColumnDef::new(EdiDocuments::ShipmentId).uuid().null())
            .col(ColumnDef::new(EdiDocuments::InvoiceId).uuid().null())
            .col(
                ColumnDef::new(EdiDocuments::InventoryReportId)
                    .uuid()
                    .null(),
            )
            .col(
                ColumnDef::new(EdiDocuments::SellThroughReportId)
                    .uuid()
                    .null(),
            )
            .col(ColumnDef::new(EdiDocuments::Content).text().not_null())
            .col(text_null(EdiDocuments::DedupeKey, 64))
            .col(timestamp(EdiDocuments::CreatedAt))
            .foreign_key(&mut foreign_key(
                "fk_edi_documents_interchange",
                (EdiDocuments::Table, EdiDocuments::InterchangeId),
                (EdiInterchanges::Table, EdiInterchanges::Id),
            ))
            .foreign_key(&mut foreign_key(
                "fk_edi_documents_organization",
                (EdiDocuments::Table, EdiDocuments::OrganizationId),
                (Organizations::Table, Organizations::Id),
            ));
        manager.create_table(documents.take()).await?;
        manager
            .create_index(
                index(
                    "ux_edi_documents_dedupe",
                    EdiDocuments::Table,
                    vec![
                        EdiDocuments::OrganizationId.into_iden(),
                        EdiDocuments::Direction.into_iden(),
                        EdiDocuments::DedupeKey.into_iden(),
                    ],
                )
                .unique()
                .take(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_edi_documents_organization",
                vec![
                    EdiDocuments::OrganizationId.into_iden(),
                    EdiDocuments::CreatedAt.into_iden(),
                ],
            ),
            (
                "ix_edi_documents_interchange",
                vec![EdiDocuments::InterchangeId.into_iden()],
            ),
            (
                "ix_edi_documents_order",
                vec![EdiDocuments::OrderId.into_iden()],
            ),
            (
                "ix_edi_documents_shipment",
                vec![EdiDocuments::ShipmentId.into_iden()],
            ),
            (
                "ix_edi_documents_invoice",
                vec![EdiDocuments::InvoiceId.into_iden()],
            ),
        ] {
            manager
                .create_index(index(name, EdiDocuments::Table, cols))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            EdiDocuments::Table.into_iden(),
            EdiInterchanges::Table.into_iden(),
            EdiPartners::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
