//! Trade: sales orders and purchase orders with their lines and history, ship notices with
//! goods receipt, invoices with payments, and the counters that number them.

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
enum Addresses {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Counters {
    Table,
    Name,
    Value,
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
    Kind,
    Number,
    BuyerId,
    SellerId,
    BuyerPoNumber,
    ContentHash,
    Status,
    Currency,
    Total,
    TaxTotal,
    InvoicedAmount,
    RequestedDate,
    ShipToAddressId,
    PaymentTermsDays,
    Notes,
    SubmittedBy,
    SubmittedAt,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum OrderLines {
    Table,
    Id,
    OrderId,
    LineNumber,
    ProductId,
    BuyerPartNumber,
    Quantity,
    Unit,
    UnitPrice,
    PriceSource,
    LineTotal,
    TaxRate,
    TaxAmount,
    RequestedDate,
    Status,
    AcceptedQuantity,
    PromisedDate,
    ShippedQuantity,
    InvoicedQuantity,
}

#[derive(DeriveIden)]
enum OrderEvents {
    Table,
    Id,
    OrderId,
    OccurredAt,
    PrincipalKind,
    PrincipalId,
    Action,
    FromStatus,
    ToStatus,
    Changes,
    Note,
}

#[derive(DeriveIden)]
enum Shipments {
    Table,
    Id,
    OrderId,
    Number,
    Carrier,
    TrackingNumber,
    ShippedAt,
    ExpectedAt,
    ReceivedAt,
    ReceivedBy,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum ShipmentLines {
    Table,
    Id,
    ShipmentId,
    OrderLineId,
    Quantity,
    ReceivedQuantity,
}

#[derive(DeriveIden)]
enum Invoices {
    Table,
    Id,
    OrderId,
    Number,
    IssuedOn,
    DueOn,
    Currency,
    Total,
    TaxTotal,
    Paid,
    Status,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum InvoiceLines {
    Table,
    Id,
    InvoiceId,
    OrderLineId,
    Quantity,
    UnitPrice,
    LineTotal,
    TaxAmount,
}

#[derive(DeriveIden)]
enum Payments {
    Table,
    Id,
    InvoiceId,
    Amount,
    ReceivedOn,
    Reference,
    RecordedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Counters::Table)
                    .col(text(Counters::Name, 64).primary_key().take())
                    .col(ColumnDef::new(Counters::Value).big_integer().not_null())
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Orders::Table)
                    .col(id(Orders::Id))
                    .col(text(Orders::Kind, 32))
                    .col(text(Orders::Number, 35).unique_key().take())
                    .col(uuid(Orders::BuyerId))
                    .col(uuid(Orders::SellerId))
                    .col(text(Orders::BuyerPoNumber, 35))
                    .col(text(Orders::ContentHash, 64))
                    .col(text(Orders::Status, 32))
                    .col(text(Orders::Currency, 3))
                    .col(decimal(Orders::Total))
                    .col(decimal(Orders::TaxTotal))
                    .col(decimal(Orders::InvoicedAmount))
                    .col(date_null(Orders::RequestedDate))
                    .col(ColumnDef::new(Orders::ShipToAddressId).uuid().null())
                    .col(integer(Orders::PaymentTermsDays))
                    .col(long_text_null(Orders::Notes))
                    .col(ColumnDef::new(Orders::SubmittedBy).uuid().null())
                    .col(timestamp(Orders::SubmittedAt))
                    .col(timestamp(Orders::CreatedAt))
                    .col(timestamp(Orders::UpdatedAt))
                    .col(version(Orders::Version))
                    .foreign_key(&mut foreign_key(
                        "fk_orders_buyer",
                        (Orders::Table, Orders::BuyerId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_orders_seller",
                        (Orders::Table, Orders::SellerId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_orders_ship_to",
                        (Orders::Table, Orders::ShipToAddressId),
                        (Addresses::Table, Addresses::Id),
                    ))
                    .take(),
            )
            .await?;
        // A buyer's PO number names one order: the database refuses a second.
        manager
            .create_index(
                index(
                    "ux_orders_buyer_po",
                    Orders::Table,
                    vec![
                        Orders::BuyerId.into_iden(),
                        Orders::BuyerPoNumber.into_iden(),
                    ],
                )
                .unique()
                .take(),
            )
            .await?;
        for (name, first) in [
            ("ix_orders_seller", Orders::SellerId),
            ("ix_orders_buyer", Orders::BuyerId),
            ("ix_orders_status", Orders::Status),
        ] {
            manager
                .create_index(index(
                    name,
                    Orders::Table,
                    vec![
                        first.into_iden(),
                        Orders::SubmittedAt.into_iden(),
                        Orders::Id.into_iden(),
                    ],
                ))
                .await?;
        }
        for (name, col) in [
            ("ix_orders_submitted", Orders::SubmittedAt),
            ("ix_orders_updated", Orders::UpdatedAt),
        ] {
            manager
                .create_index(index(
                    name,
                    Orders::Table,
                    vec![col.into_iden(), Orders::Id.into_iden()],
                ))
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(OrderLines::Table)
                    .col(id(OrderLines::Id))
                    .col(uuid(OrderLines::OrderId))
                    .col(integer(OrderLines::LineNumber))
                    .col(uuid(OrderLines::ProductId))
                    .col(text_null(OrderLines::BuyerPartNumber, 48))
                    .col(decimal(OrderLines::Quantity))
                    .col(text(OrderLines::Unit, 8))
                    .col(decimal(OrderLines::UnitPrice))
                    .col(text(OrderLines::PriceSource, 32))
                    .col(decimal(OrderLines::LineTotal))
                    .col(decimal(OrderLines::TaxRate))
                    .col(decimal(OrderLines::TaxAmount))
                    .col(date_null(OrderLines::RequestedDate))
                    .col(text(OrderLines::Status, 32))
                    .col(decimal_null(OrderLines::AcceptedQuantity))
                    .col(date_null(OrderLines::PromisedDate))
                    .col(decimal(OrderLines::ShippedQuantity))
                    .col(decimal(OrderLines::InvoicedQuantity))
                    .foreign_key(&mut foreign_key(
                        "fk_order_lines_order",
                        (OrderLines::Table, OrderLines::OrderId),
                        (Orders::Table, Orders::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_order_lines_product",
                        (OrderLines::Table, OrderLines::ProductId),
                        (Products::Table, Products::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_order_lines_number",
                    OrderLines::Table,
                    vec![
                        OrderLines::OrderId.into_iden(),
                        OrderLines::LineNumber.into_iden(),
                    ],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_order_lines_product",
                OrderLines::Table,
                vec![OrderLines::ProductId.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OrderEvents::Table)
                    .col(id(OrderEvents::Id))
                    .col(uuid(OrderEvents::OrderId))
                    .col(timestamp(OrderEvents::OccurredAt))
                    .col(text(OrderEvents::PrincipalKind, 32))
                    .col(ColumnDef::new(OrderEvents::PrincipalId).uuid().null())
                    .col(text(OrderEvents::Action, 64))
                    .col(text_null(OrderEvents::FromStatus, 32))
                    .col(text(OrderEvents::ToStatus, 32))
                    .col(ColumnDef::new(OrderEvents::Changes).text().not_null())
                    .col(text_null(OrderEvents::Note, 2000))
                    .foreign_key(&mut foreign_key(
                        "fk_order_events_order",
                        (OrderEvents::Table, OrderEvents::OrderId),
                        (Orders::Table, Orders::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_order_events_order",
                OrderEvents::Table,
                vec![
                    OrderEvents::OrderId.into_iden(),
                    OrderEvents::OccurredAt.into_iden(),
                    OrderEvents::Id.into_iden(),
                ],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Shipments::Table)
                    .col(id(Shipments::Id))
                    .col(uuid(Shipments::OrderId))
                    .col(text(Shipments::Number, 35).unique_key().take())
                    .col(text(Shipments::Carrier, 80))
                    .col(text_null(Shipments::TrackingNumber, 80))
                    .col(timestamp(Shipments::ShippedAt))
                    .col(date_null(Shipments::ExpectedAt))
                    .col(timestamp_null(Shipments::ReceivedAt))
                    .col(ColumnDef::new(Shipments::ReceivedBy).uuid().null())
                    .col(timestamp(Shipments::CreatedAt))
                    .col(timestamp(Shipments::UpdatedAt))
                    .col(version(Shipments::Version))
                    .foreign_key(&mut foreign_key(
                        "fk_shipments_order",
                        (Shipments::Table, Shipments::OrderId),
                        (Orders::Table, Orders::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_shipments_order",
                Shipments::Table,
                vec![
                    Shipments::OrderId.into_iden(),
                    Shipments::ShippedAt.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ShipmentLines::Table)
                    .col(id(ShipmentLines::Id))
                    .col(uuid(ShipmentLines::ShipmentId))
                    .col(uuid(ShipmentLines::OrderLineId))
                    .col(decimal(ShipmentLines::Quantity))
                    .col(decimal_null(ShipmentLines::ReceivedQuantity))
                    .foreign_key(&mut foreign_key(
                        "fk_shipment_lines_shipment",
                        (ShipmentLines::Table, ShipmentLines::ShipmentId),
                        (Shipments::Table, Shipments::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_shipment_lines_order_line",
                        (ShipmentLines::Table, ShipmentLines::OrderLineId),
                        (OrderLines::Table, OrderLines::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_shipment_lines_shipment",
                ShipmentLines::Table,
                vec![ShipmentLines::ShipmentId.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Invoices::Table)
                    .col(id(Invoices::Id))
                    .col(uuid(Invoices::OrderId))
                    .col(text(Invoices::Number, 35).unique_key().take())
                    .col(date(Invoices::IssuedOn))
                    .col(date(Invoices::DueOn))
                    .col(text(Invoices::Currency, 3))
                    .col(decimal(Invoices::Total))
                    .col(decimal(Invoices::TaxTotal))
                    .col(decimal(Invoices::Paid))
                    .col(text(Invoices::Status, 32))
                    .col(timestamp(Invoices::CreatedAt))
                    .col(timestamp(Invoices::UpdatedAt))
                    .col(version(Invoices::Version))
                    .foreign_key(&mut foreign_key(
                        "fk_invoices_order",
                        (Invoices::Table, Invoices::OrderId),
                        (Orders::Table, Orders::Id),
                    ))
                    .take(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_invoices_order",
                vec![
                    Invoices::OrderId.into_iden(),
                    Invoices::IssuedOn.into_iden(),
                ],
            ),
            (
                "ix_invoices_status",
                vec![Invoices::Status.into_iden(), Invoices::DueOn.into_iden()],
            ),
        ] {
            manager
                .create_index(index(name, Invoices::Table, cols))
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(InvoiceLines::Table)
                    .col(id(InvoiceLines::Id))
                    .col(uuid(InvoiceLines::InvoiceId))
                    .col(uuid(InvoiceLines::OrderLineId))
                    .col(decimal(InvoiceLines::Quantity))
                    .col(decimal(InvoiceLines::UnitPrice))
                    .col(decimal(InvoiceLines::LineTotal))
                    .col(decimal(InvoiceLines::TaxAmount))
                    .foreign_key(&mut foreign_key(
                        "fk_invoice_lines_invoice",
                        (InvoiceLines::Table, InvoiceLines::InvoiceId),
                        (Invoices::Table, Invoices::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_invoice_lines_order_line",
                        (InvoiceLines::Table, InvoiceLines::OrderLineId),
                        (OrderLines::Table, OrderLines::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_invoice_lines_invoice",
                InvoiceLines::Table,
                vec![InvoiceLines::InvoiceId.into_iden()],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Payments::Table)
                    .col(id(Payments::Id))
                    .col(uuid(Payments::InvoiceId))
                    .col(decimal(Payments::Amount))
                    .col(date(Payments::ReceivedOn))
                    .col(text_null(Payments::Reference, 80))
                    .col(ColumnDef::new(Payments::RecordedBy).uuid().null())
                    .col(timestamp(Payments::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_payments_invoice",
                        (Payments::Table, Payments::InvoiceId),
                        (Invoices::Table, Invoices::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_payments_invoice",
                Payments::Table,
                vec![
                    Payments::InvoiceId.into_iden(),
                    Payments::CreatedAt.into_iden(),
                ],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Payments::Table.into_iden(),
            InvoiceLines::Table.into_iden(),
            Invoices::Table.into_iden(),
            ShipmentLines::Table.into_iden(),
            Shipments::Table.into_iden(),
            OrderEvents::Table.into_iden(),
            OrderLines::Table.into_iden(),
            Orders::Table.into_iden(),
            Counters::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
