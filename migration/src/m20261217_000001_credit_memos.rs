//! Credit memos: what the brand owes a partner back (an approved claim, and later price
//! protection, fund claims and rebates), as a document beside invoices. Each line names
//! what it settles, once; a memo lowers the partner's credit balance as it is issued.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CreditMemos {
    Table,
    Id,
    Number,
    PartnerId,
    SellerId,
    Currency,
    Amount,
    IssuedOn,
    IssuedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CreditMemoLines {
    Table,
    Id,
    CreditMemoId,
    LineNumber,
    Source,
    SourceId,
    Description,
    Amount,
}

#[derive(DeriveIden)]
enum Claims {
    Table,
    CreditMemoId,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

fn units(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CreditMemos::Table)
                    .col(id(CreditMemos::Id))
                    .col(text(CreditMemos::Number, 32).unique_key().take())
                    .col(uuid(CreditMemos::PartnerId))
                    .col(uuid(CreditMemos::SellerId))
                    .col(text(CreditMemos::Currency, 3))
                    .col(units(CreditMemos::Amount))
                    .col(date(CreditMemos::IssuedOn))
                    .col(uuid_null(CreditMemos::IssuedBy))
                    .col(timestamp(CreditMemos::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_credit_memos_partner",
                        (CreditMemos::Table, CreditMemos::PartnerId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CreditMemoLines::Table)
                    .col(id(CreditMemoLines::Id))
                    .col(uuid(CreditMemoLines::CreditMemoId))
                    .col(integer(CreditMemoLines::LineNumber))
                    .col(text(CreditMemoLines::Source, 24))
                    .col(uuid(CreditMemoLines::SourceId))
                    .col(text(CreditMemoLines::Description, 200))
                    .col(units(CreditMemoLines::Amount))
                    .foreign_key(&mut foreign_key(
                        "fk_credit_memo_lines_memo",
                        (CreditMemoLines::Table, CreditMemoLines::CreditMemoId),
                        (CreditMemos::Table, CreditMemos::Id),
                    ))
                    .take(),
            )
            .await?;
        // What a line settles is settled once.
        manager
            .create_index(
                index(
                    "ux_credit_memo_lines_source",
                    CreditMemoLines::Table,
                    vec![
                        CreditMemoLines::Source.into_iden(),
                        CreditMemoLines::SourceId.into_iden(),
                    ],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_credit_memo_lines_number",
                    CreditMemoLines::Table,
                    vec![
                        CreditMemoLines::CreditMemoId.into_iden(),
                        CreditMemoLines::LineNumber.into_iden(),
                    ],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_credit_memos_partner",
                CreditMemos::Table,
                vec![
                    CreditMemos::PartnerId.into_iden(),
                    CreditMemos::IssuedOn.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_credit_memos_created",
                CreditMemos::Table,
                vec![
                    CreditMemos::CreatedAt.into_iden(),
                    CreditMemos::Id.into_iden(),
                ],
            ))
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Claims::Table)
                    .add_column(uuid_null(Claims::CreditMemoId))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Claims::Table)
                    .drop_column(Claims::CreditMemoId)
                    .take(),
            )
            .await?;
        for table in [
            CreditMemoLines::Table.into_iden(),
            CreditMemos::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
