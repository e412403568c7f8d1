//! Events: the outbox every change writes its event to, in the change's own transaction,
//! with the organizations that may see the event; webhook endpoints, their deliveries
//! (claimed by one node at a time, retried with backoff, dead-lettered after the retry
//! window) and every attempt of each.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
    OccurredAt,
    Topic,
    EventType,
    SubjectId,
    OrderId,
    Audience,
    Payload,
}

#[derive(DeriveIden)]
enum EventAudiences {
    Table,
    EventId,
    OrganizationId,
}

#[derive(DeriveIden)]
enum WebhookEndpoints {
    Table,
    Id,
    OrganizationId,
    Url,
    Description,
    EventTypes,
    SigningSecret,
    Active,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    Version,
    ArchivedAt,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    EndpointId,
    EventId,
    Status,
    Attempts,
    NextAttemptAt,
    WindowStartedAt,
    DeliveredAt,
    DeadAt,
    LastStatusCode,
    LastError,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WebhookAttempts {
    Table,
    Id,
    DeliveryId,
    Attempt,
    Node,
    StartedAt,
    DurationMs,
    StatusCode,
    Error,
    Succeeded,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .col(id(Events::Id))
                    .col(timestamp(Events::OccurredAt))
                    .col(text(Events::Topic, 16))
                    .col(text(Events::EventType, 48))
                    .col(uuid(Events::SubjectId))
                    .col(uuid_null(Events::OrderId))
                    .col(ColumnDef::new(Events::Audience).text().not_null())
                    .col(ColumnDef::new(Events::Payload).text().not_null())
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_events_subject",
                Events::Table,
                vec![
                    Events::SubjectId.into_iden(),
                    Events::OccurredAt.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_events_occurred",
                Events::Table,
                vec![Events::OccurredAt.into_iden()],
            ))
            .await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            // Every node LISTENs on this channel for its subscribers. NOTIFY is delivered at
            // commit, so an event reaches subscribers exactly when its change is committed,
            // and never if it is rolled back. A payload too big for NOTIFY (8000 bytes) is
            // left out; the nodes then read it from the table.
            let db = manager.get_connection();
            db.execute_unprepared(
                r#"CREATE FUNCTION channelgraph_event_notify() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('channelgraph_events', json_build_object(
    'id', NEW.id, 'eventType', NEW.event_type, 'subjectId', NEW.subject_id,
    'orderId', NEW.order_id, 'audience', NEW.audience, 'occurredAt', NEW.occurred_at,
    'payload', CASE WHEN octet_length(NEW.payload) <= 6000 THEN NEW.payload END)::text);
  RETURN NULL;
END
$$ LANGUAGE plpgsql"#,
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER events_notify AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION channelgraph_event_notify()",
            )
            .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(EventAudiences::Table)
                    .col(uuid(EventAudiences::OrganizationId))
                    .col(uuid(EventAudiences::EventId))
                    .primary_key(
                        Index::create()
                            .col(EventAudiences::OrganizationId)
                            .col(EventAudiences::EventId),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_event_audiences_event",
                EventAudiences::Table,
                vec![EventAudiences::EventId.into_iden()],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookEndpoints::Table)
                    .col(id(WebhookEndpoints::Id))
                    .col(uuid_null(WebhookEndpoints::OrganizationId))
                    .col(text(WebhookEndpoints::Url, 2000))
                    .col(text_null(WebhookEndpoints::Description, 200))
                    .col(text(WebhookEndpoints::EventTypes, 2000))
                    .col(text(WebhookEndpoints::SigningSecret, 100))
                    .col(
                        ColumnDef::new(WebhookEndpoints::Active)
                            .boolean()
                            .not_null(),
                    )
                    .col(uuid_null(WebhookEndpoints::CreatedBy))
                    .col(timestamp(WebhookEndpoints::CreatedAt))
                    .col(timestamp(WebhookEndpoints::UpdatedAt))
                    .col(version(WebhookEndpoints::Version))
                    .col(timestamp_null(WebhookEndpoints::ArchivedAt))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_webhook_endpoints_organization",
                WebhookEndpoints::Table,
                vec![WebhookEndpoints::OrganizationId.into_iden()],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDeliveries::Table)
                    .col(id(WebhookDeliveries::Id))
                    .col(uuid(WebhookDeliveries::EndpointId))
                    .col(uuid(WebhookDeliveries::EventId))
                    .col(text(WebhookDeliveries::Status, 16))
                    .col(integer(WebhookDeliveries::Attempts))
                    .col(timestamp(WebhookDeliveries::NextAttemptAt))
                    .col(timestamp(WebhookDeliveries::WindowStartedAt))
                    .col(timestamp_null(WebhookDeliveries::DeliveredAt))
                    .col(timestamp_null(WebhookDeliveries::DeadAt))
                    .col(
                        ColumnDef::new(WebhookDeliveries::LastStatusCode)
                            .integer()
                            .null(),
                    )
                    .col(text_null(WebhookDeliveries::LastError, 500))
                    .col(timestamp(WebhookDeliveries::CreatedAt))
                    .col(timestamp(WebhookDeliveries::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookDeliveries::Table, WebhookDeliveries::EndpointId)
                            .to(WebhookEndpoints::Table, WebhookEndpoints::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookDeliveries::Table, WebhookDeliveries::EventId)
                            .to(Events::Table, Events::Id),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_webhook_deliveries_endpoint_event",
                    WebhookDeliveries::Table,
                    vec![
                        WebhookDeliveries::EndpointId.into_iden(),
                        WebhookDeliveries::EventId.into_iden(),
                    ],
                )
                .unique()
                .take(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_webhook_deliveries_due",
                vec![
                    WebhookDeliveries::Status.into_iden(),
                    WebhookDeliveries::NextAttemptAt.into_iden(),
                ],
            ),
            (
                "ix_webhook_deliveries_endpoint",
                vec![
                    WebhookDeliveries::EndpointId.into_iden(),
                    WebhookDeliveries::CreatedAt.into_iden(),
                ],
            ),
        ] {
            manager
                .create_index(index(name, WebhookDeliveries::Table, cols))
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(WebhookAttempts::Table)
                    .col(id(WebhookAttempts::Id))
                    .col(uuid(WebhookAttempts::DeliveryId))
                    .col(integer(WebhookAttempts::Attempt))
                    .col(text(WebhookAttempts::Node, 100))
                    .col(timestamp(WebhookAttempts::StartedAt))
                    .col(integer(WebhookAttempts::DurationMs))
                    .col(ColumnDef::new(WebhookAttempts::StatusCode).integer().null())
                    .col(text_null(WebhookAttempts::Error, 500))
                    .col(
                        ColumnDef::new(WebhookAttempts::Succeeded)
                            .boolean()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookAttempts::Table, WebhookAttempts::DeliveryId)
                            .to(WebhookDeliveries::Table, WebhookDeliveries::Id),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_webhook_attempts_delivery",
                WebhookAttempts::Table,
                vec![
                    WebhookAttempts::DeliveryId.into_iden(),
                    WebhookAttempts::Attempt.into_iden(),
                ],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            let db = manager.get_connection();
            db.execute_unprepared("DROP TRIGGER IF EXISTS events_notify ON events")
                .await?;
            db.execute_unprepared("DROP FUNCTION IF EXISTS channelgraph_event_notify()")
                .await?;
        }
        for table in [
            WebhookAttempts::Table.into_iden(),
            WebhookDeliveries::Table.into_iden(),
            WebhookEndpoints::Table.into_iden(),
            EventAudiences::Table.into_iden(),
            Events::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
