//! Partner funds: marketing development funds allocated by tier and co-op funds accrued on
//! purchases, per period, each with a budget. A partner requests money for an activity,
//! the brand approves all, part or none of it, the partner claims it with proof of what it
//! did, and a credit memo pays the claim. Approved money not claimed in time expires.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Funds {
    Table,
    Id,
    Name,
    Kind,
    Currency,
    StartsOn,
    EndsOn,
    Budget,
    AccrualRate,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum FundTierAmounts {
    Table,
    Id,
    FundId,
    TierId,
    Amount,
}

#[derive(DeriveIden)]
enum FundRequests {
    Table,
    Id,
    Number,
    FundId,
    PartnerId,
    Activity,
    Title,
    Plan,
    StartsOn,
    EndsOn,
    Requested,
    Approved,
    Status,
    CampaignId,
    DecidedBy,
    DecidedAt,
    DecisionNote,
    ExpiresOn,
    Claimed,
    Leads,
    Attendees,
    ClaimedAt,
    Paid,
    ClaimDecidedBy,
    ClaimDecidedAt,
    ClaimNote,
    CreditMemoId,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum FundProofs {
    Table,
    Id,
    FundRequestId,
    Position,
    Url,
    Digest,
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

fn units(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().take()
}

fn units_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().null().take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use FundRequests as R;
        manager
            .create_table(
                Table::create()
                    .table(Funds::Table)
                    .col(id(Funds::Id))
                    .col(text(Funds::Name, 200))
                    .col(text(Funds::Kind, 16))
                    .col(text(Funds::Currency, 3))
                    .col(date(Funds::StartsOn))
                    .col(date(Funds::EndsOn))
                    .col(units(Funds::Budget))
                    .col(units_null(Funds::AccrualRate))
                    .col(uuid_null(Funds::CreatedBy))
                    .col(timestamp(Funds::CreatedAt))
                    .col(timestamp(Funds::UpdatedAt))
                    .col(version(Funds::Version))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FundTierAmounts::Table)
                    .col(id(FundTierAmounts::Id))
                    .col(uuid(FundTierAmounts::FundId))
                    .col(uuid(FundTierAmounts::TierId))
                    .col(units(FundTierAmounts::Amount))
                    .foreign_key(&mut foreign_key(
                        "fk_fund_tier_amounts_fund",
                        (FundTierAmounts::Table, FundTierAmounts::FundId),
                        (Funds::Table, Funds::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_fund_tier_amounts_tier",
                        (FundTierAmounts::Table, FundTierAmounts::TierId),
                        (PartnerTiers::Table, PartnerTiers::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_fund_tier_amounts",
                    FundTierAmounts::Table,
                    vec![
                        FundTierAmounts::FundId.into_iden(),
                        FundTierAmounts::TierId.into_iden(),
                    ],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(id(R::Id))
                    .col(text(R::Number, 32).unique_key().take())
                    .col(uuid(R::FundId))
                    .col(uuid(R::PartnerId))
                    .col(text(R::Activity, 16))
                    .col(text(R::Title, 200))
                    .col(text(R::Plan, 4000))
                    .col(date(R::StartsOn))
                    .col(date(R::EndsOn))
                    .col(units(R::Requested))
                    .col(units_null(R::Approved))
                    .col(text(R::Status, 16))
                    .col(uuid_null(R::CampaignId))
                    .col(uuid_null(R::DecidedBy))
                    .col(timestamp_null(R::DecidedAt))
                    .col(text_null(R::DecisionNote, 2000))
                    .col(date_null(R::ExpiresOn))
                    .col(units_null(R::Claimed))
                    .col(ColumnDef::new(R::Leads).integer().null().take())
                    .col(ColumnDef::new(R::Attendees).integer().null().take())
                    .col(timestamp_null(R::ClaimedAt))
                    .col(units_null(R::Paid))
                    .col(uuid_null(R::ClaimDecidedBy))
                    .col(timestamp_null(R::ClaimDecidedAt))
                    .col(text_null(R::ClaimNote, 2000))
                    .col(uuid_null(R::CreditMemoId))
                    .col(timestamp(R::CreatedAt))
                    .col(timestamp(R::UpdatedAt))
                    .col(version(R::Version))
                    .foreign_key(&mut foreign_key(
                        "fk_fund_requests_fund",
                        (R::Table, R::FundId),
                        (Funds::Table, Funds::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_fund_requests_partner",
                        (R::Table, R::PartnerId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .take(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_fund_requests_fund",
                vec![
                    R::FundId.into_iden(),
                    R::PartnerId.into_iden(),
                    R::Status.into_iden(),
                ],
            ),
            (
                "ix_fund_requests_partner",
                vec![R::PartnerId.into_iden(), R::Status.into_iden()],
            ),
            (
                "ix_fund_requests_created",
                vec![R::CreatedAt.into_iden(), R::Id.into_iden()],
            ),
            (
                "ix_fund_requests_expiry",
                vec![R::Status.into_iden(), R::ExpiresOn.into_iden()],
            ),
        ] {
            manager.create_index(index(name, R::Table, cols)).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(FundProofs::Table)
                    .col(id(FundProofs::Id))
                    .col(uuid(FundProofs::FundRequestId))
                    .col(integer(FundProofs::Position))
                    .col(text(FundProofs::Url, 2000))
                    .col(text(FundProofs::Digest, 80))
                    .foreign_key(&mut foreign_key(
                        "fk_fund_proofs_request",
                        (FundProofs::Table, FundProofs::FundRequestId),
                        (R::Table, R::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_fund_proofs_position",
                    FundProofs::Table,
                    vec![
                        FundProofs::FundRequestId.into_iden(),
                        FundProofs::Position.into_iden(),
                    ],
                )
                .unique()
                .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            FundProofs::Table.into_iden(),
            FundRequests::Table.into_iden(),
            FundTierAmounts::Table.into_iden(),
            Funds::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
