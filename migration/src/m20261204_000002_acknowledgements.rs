//! Acknowledgements both ways: every outbound set that expects a partner's 997 keeps what the
//! 997 said, when, and by which document, and when one was due; a ship notice keeps whether
//! it went out later than the partner's window after the goods. Each partner's profile gives
//! the windows.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EdiDocuments {
    Table,
    AckStatus,
    AcknowledgedAt,
    AcknowledgedById,
    AckDueAt,
    OverdueReportedAt,
    ShipNoticeLate,
}

#[derive(DeriveIden)]
enum EdiPartners {
    Table,
    AckWindowMinutes,
    ShipNoticeWindowMinutes,
}

fn added(table: impl IntoIden, mut col: ColumnDef) -> TableAlterStatement {
    Table::alter().table(table).add_column(&mut col).take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            text_null(EdiDocuments::AckStatus, 24),
            timestamp_null(EdiDocuments::AcknowledgedAt),
            uuid_null(EdiDocuments::AcknowledgedById),
            timestamp_null(EdiDocuments::AckDueAt),
            timestamp_null(EdiDocuments::OverdueReportedAt),
            boolean(EdiDocuments::ShipNoticeLate),
        ] {
            manager.alter_table(added(EdiDocuments::Table, col)).await?;
        }
        for col in [
            EdiPartners::AckWindowMinutes,
            EdiPartners::ShipNoticeWindowMinutes,
        ] {
            manager
                .alter_table(added(
                    EdiPartners::Table,
                    ColumnDef::new(col)
                        .integer()
                        .not_null()
                        .default(1440)
                        .take(),
                ))
                .await?;
        }
        // The sweep for overdue acknowledgements reads sets by when they were due.
        manager
            .create_index(index(
                "ix_edi_documents_ack_due",
                EdiDocuments::Table,
                vec![EdiDocuments::AckDueAt.into_iden()],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_edi_documents_ack_due")
                    .table(EdiDocuments::Table)
                    .to_owned(),
            )
            .await?;
        let drops: Vec<(DynIden, DynIden)> = vec![
            (
                EdiDocuments::Table.into_iden(),
                EdiDocuments::AckStatus.into_iden(),
            ),
            (
                EdiDocuments::Table.into_iden(),
                EdiDocuments::AcknowledgedAt.into_iden(),
            ),
            (
                EdiDocuments::Table.into_iden(),
                EdiDocuments::AcknowledgedById.into_iden(),
            ),
            (
                EdiDocuments::Table.into_iden(),
                EdiDocuments::AckDueAt.into_iden(),
            ),
            (
                EdiDocuments::Table.into_iden(),
                EdiDocuments::OverdueReportedAt.into_iden(),
            ),
            (
                EdiDocuments::Table.into_iden(),
                EdiDocuments::ShipNoticeLate.into_iden(),
            ),
            (
                EdiPartners::Table.into_iden(),
                EdiPartners::AckWindowMinutes.into_iden(),
            ),
            (
                EdiPartners::Table.into_iden(),
                EdiPartners::ShipNoticeWindowMinutes.into_iden(),
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
