//! What distributors report: stock per SKU on a date (X12 846) and sales per SKU over a
//! period (X12 852). A report for a date or period already reported replaces the earlier
//! one, which stays in the history.

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
enum Products {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum InventoryReports {
    Table,
    Id,
    OrganizationId,
    AsOf,
    SubmittedBy,
    SubmittedAt,
    ReplacedAt,
    ReplacedBy,
}

#[derive(DeriveIden)]
enum InventoryReportLines {
    Table,
    Id,
    ReportId,
    ProductId,
    OnHand,
    OnOrder,
}

#[derive(DeriveIden)]
enum SellThroughReports {
    Table,
    Id,
    OrganizationId,
    PeriodStart,
    PeriodEnd,
    SubmittedBy,
    SubmittedAt,
    ReplacedAt,
    ReplacedBy,
}

#[derive(DeriveIden)]
enum SellThroughReportLines {
    Table,
    Id,
    ReportId,
    ProductId,
    Segment,
    QuantitySold,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InventoryReports::Table)
                    .col(id(InventoryReports::Id))
                    .col(uuid(InventoryReports::OrganizationId))
                    .col(date(InventoryReports::AsOf))
                    .col(ColumnDef::new(InventoryReports::SubmittedBy).uuid().null())
                    .col(timestamp(InventoryReports::SubmittedAt))
                    .col(timestamp_null(InventoryReports::ReplacedAt))
                    .col(ColumnDef::new(InventoryReports::ReplacedBy).uuid().null())
                    .foreign_key(&mut foreign_key(
                        "fk_inventory_reports_organization",
                        (InventoryReports::Table, InventoryReports::OrganizationId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_inventory_reports_organization",
                InventoryReports::Table,
                vec![
                    InventoryReports::OrganizationId.into_iden(),
                    InventoryReports::AsOf.into_iden(),
                    InventoryReports::SubmittedAt.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InventoryReportLines::Table)
                    .col(id(InventoryReportLines::Id))
                    .col(uuid(InventoryReportLines::ReportId))
                    .col(uuid(InventoryReportLines::ProductId))
                    .col(decimal(InventoryReportLines::OnHand))
                    .col(decimal_null(InventoryReportLines::OnOrder))
                    .foreign_key(&mut foreign_key(
                        "fk_inventory_report_lines_report",
                        (InventoryReportLines::Table, InventoryReportLines::ReportId),
                        (InventoryReports::Table, InventoryReports::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_inventory_report_lines_product",
                        (InventoryReportLines::Table, InventoryReportLines::ProductId),
                        (Products::Table, Products::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_inventory_report_lines_report",
                InventoryReportLines::Table,
                vec![
                    InventoryReportLines::ReportId.into_iden(),
                    InventoryReportLines::ProductId.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SellThroughReports::Table)
                    .col(id(SellThroughReports::Id))
                    .col(uuid(SellThroughReports::OrganizationId))
                    .col(date(SellThroughReports::PeriodStart))
                    .col(date(SellThroughReports::PeriodEnd))
                    .col(
                        ColumnDef::new(SellThroughReports::SubmittedBy)
                            .uuid()
                            .null(),
                    )
                    .col(timestamp(SellThroughReports::SubmittedAt))
                    .col(timestamp_null(SellThroughReports::ReplacedAt))
                    .col(ColumnDef::new(SellThroughReports::ReplacedBy).uuid().null())
                    .foreign_key(&mut foreign_key(
                        "fk_sell_through_reports_organization",
                        (
                            SellThroughReports::Table,
                            SellThroughReports::OrganizationId,
                        ),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_sell_through_reports_organization",
                SellThroughReports::Table,
                vec![
                    SellThroughReports::OrganizationId.into_iden(),
                    SellThroughReports::PeriodStart.into_iden(),
                    SellThroughReports::SubmittedAt.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SellThroughReportLines::Table)
                    .col(id(SellThroughReportLines::Id))
                    .col(uuid(SellThroughReportLines::ReportId))
                    .col(uuid(SellThroughReportLines::ProductId))
                    .col(text_null(SellThroughReportLines::Segment, 32))
                    .col(decimal(SellThroughReportLines::QuantitySold))
                    .foreign_key(&mut foreign_key(
                        "fk_sell_through_report_lines_report",
                        (
                            SellThroughReportLines::Table,
                            SellThroughReportLines::ReportId,
                        ),
                        (SellThroughReports::Table, SellThroughReports::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_sell_through_report_lines_product",
                        (
                            SellThroughReportLines::Table,
                            SellThroughReportLines::ProductId,
                        ),
                        (Products::Table, Products::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_sell_through_report_lines_report",
                SellThroughReportLines::Table,
                vec![
                    SellThroughReportLines::ReportId.into_iden(),
                    SellThroughReportLines::ProductId.into_iden(),
                ],
            ))
            .await?;
        // One current report per date or period; replaced ones stay as history.
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_inventory_reports_current \
             ON inventory_reports (organization_id, as_of) WHERE replaced_at IS NULL",
        )
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_sell_through_reports_current \
             ON sell_through_reports (organization_id, period_start, period_end) \
             WHERE replaced_at IS NULL",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SellThroughReportLines::Table.into_iden(),
            SellThroughReports::Table.into_iden(),
            InventoryReportLines::Table.into_iden(),
            InventoryReports::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
