//! A distributor's proposed change to its own replenishment policy, for every product or
//! one, which the brand accepts into the policy or rejects with a reason.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReplenishmentPolicyProposals {
    Table,
    Id,
    PartnerId,
    ProductId,
    TargetWeeks,
    MinQuantity,
    MaxQuantity,
    OrderMultiple,
    LeadTimeDays,
    ReviewDays,
    Note,
    Status,
    ProposedBy,
    DecidedBy,
    DecidedAt,
    Reason,
    PolicyId,
    CreatedAt,
    UpdatedAt,
    Version,
}

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

fn units_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().null().take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ReplenishmentPolicyProposals as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(id(P::Id))
                    .col(uuid(P::PartnerId))
                    .col(uuid_null(P::ProductId))
                    .col(units_null(P::TargetWeeks))
                    .col(units_null(P::MinQuantity))
                    .col(units_null(P::MaxQuantity))
                    .col(units_null(P::OrderMultiple))
                    .col(ColumnDef::new(P::LeadTimeDays).integer().null().take())
                    .col(text_null(P::ReviewDays, 32))
                    .col(text_null(P::Note, 2000))
                    .col(text(P::Status, 32))
                    .col(uuid_null(P::ProposedBy))
                    .col(uuid_null(P::DecidedBy))
                    .col(timestamp_null(P::DecidedAt))
                    .col(text_null(P::Reason, 2000))
                    // The policy an accepted proposal changed (or made); a plain id, as the
                    // policy may be removed later.
                    .col(uuid_null(P::PolicyId))
                    .col(timestamp(P::CreatedAt))
                    .col(timestamp(P::UpdatedAt))
                    .col(version(P::Version))
                    .foreign_key(&mut foreign_key(
                        "fk_replenishment_policy_proposals_partner",
                        (P::Table, P::PartnerId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_replenishment_policy_proposals_product",
                        (P::Table, P::ProductId),
                        (Products::Table, Products::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_replenishment_policy_proposals_partner",
                P::Table,
                vec![P::PartnerId.into_iden()],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_replenishment_policy_proposals_created",
                P::Table,
                vec![P::CreatedAt.into_iden(), P::Id.into_iden()],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(ReplenishmentPolicyProposals::Table)
                    .to_owned(),
            )
            .await
    }
}
