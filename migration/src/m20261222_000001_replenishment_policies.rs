//! Replenishment policies: per distributor and product, the stock to aim for in weeks of
//! supply, the least and most to order, the pack size orders come in, the lead time and the
//! days stock is reviewed. A tier's row sets its partners' defaults; a partner's row, and a
//! partner's row for one product, override them field by field. One row per scope.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReplenishmentPolicies {
    Table,
    Id,
    Scope,
    TierId,
    PartnerId,
    ProductId,
    TargetWeeks,
    MinQuantity,
    MaxQuantity,
    OrderMultiple,
    LeadTimeDays,
    ReviewDays,
    CreatedBy,
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
enum PartnerTiers {
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
        use ReplenishmentPolicies as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(id(P::Id))
                    // `tier:<id>`, `partner:<id>`, with `/product:<id>` for one product's.
                    .col(text(P::Scope, 120).unique_key().take())
                    .col(uuid_null(P::TierId))
                    .col(uuid_null(P::PartnerId))
                    .col(uuid_null(P::ProductId))
                    .col(units_null(P::TargetWeeks))
                    .col(units_null(P::MinQuantity))
                    .col(units_null(P::MaxQuantity))
                    .col(units_null(P::OrderMultiple))
                    .col(ColumnDef::new(P::LeadTimeDays).integer().null().take())
                    .col(text_null(P::ReviewDays, 32))
                    .col(uuid_null(P::CreatedBy))
                    .col(timestamp(P::CreatedAt))
                    .col(timestamp(P::UpdatedAt))
                    .col(version(P::Version))
                    .foreign_key(&mut foreign_key(
                        "fk_replenishment_policies_tier",
                        (P::Table, P::TierId),
                        (PartnerTiers::Table, PartnerTiers::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_replenishment_policies_partner",
                        (P::Table, P::PartnerId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_replenishment_policies_product",
                        (P::Table, P::ProductId),
                        (Products::Table, Products::Id),
                    ))
                    .take(),
            )
            .await?;
        for (name, column) in [
            ("ix_replenishment_policies_partner", P::PartnerId),
            ("ix_replenishment_policies_tier", P::TierId),
        ] {
            manager
                .create_index(index(name, P::Table, vec![column.into_iden()]))
                .await?;
        }
        manager
            .create_index(index(
                "ix_replenishment_policies_created",
                P::Table,
                vec![P::CreatedAt.into_iden(), P::Id.into_iden()],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ReplenishmentPolicies::Table).to_owned())
            .await
    }
}
