//! Migrations of channelgraph. Each runs on SQLite and PostgreSQL alike.

pub use sea_orm_migration::prelude::*;

mod columns;
mod m20261122_000001_directory;
mod m20261123_000001_access;
mod m20261123_000002_account_owner;
mod m20261124_000001_catalog;
mod m20261124_000002_orders;
mod m20261124_000003_reports;
mod m20261125_000001_edi;
mod m20261125_000002_number_sequences;
mod m20261129_000001_credit_balances;
mod m20261130_000001_interactions;
mod m20261130_000002_cases;
mod m20261130_000003_campaigns;
mod m20261130_000004_leads;
mod m20261130_000005_analytics;
mod m20261201_000001_events;
mod m20261202_000001_revocations;
mod m20261202_000002_leases;
mod m20261203_000001_exact_amounts;
mod m20261204_000001_trading_partners;
mod m20261204_000002_acknowledgements;
mod m20261205_000001_order_changes;
mod m20261206_000001_persisted_documents;
mod m20261207_000001_trusted_documents;
mod m20261207_000002_outbox_by_transaction;
mod m20261208_000001_order_rollups;
mod m20261209_000001_partner_roles;
mod m20261209_000002_change_proposals;
mod m20261209_000003_dealer_registration;
mod m20261210_000001_onboarding;
mod m20261211_000001_certifications;
mod m20261212_000001_tier_qualification;
mod m20261213_000001_special_prices;
mod m20261214_000001_special_price_use;
mod m20261215_000001_ship_and_debit;
mod m20261216_000001_edi_claims;
mod m20261217_000001_credit_memos;
mod m20261218_000001_price_protection;
mod m20261219_000001_partner_funds;
mod m20261220_000001_rebates;
mod m20261221_000001_rebate_basis;
mod m20261222_000001_replenishment_policies;
mod m20261223_000001_replenishment_policy_proposals;
mod m20261224_000001_replenishment_proposals;
mod m20261225_000001_supplier_commitments;
mod m20261226_000001_purchase_proposals;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_directory::Migration),
            Box::new(m20261123_000001_access::Migration),
            Box::new(m20261123_000002_account_owner::Migration),
            Box::new(m20261124_000001_catalog::Migration),
            Box::new(m20261124_000002_orders::Migration),
            Box::new(m20261124_000003_reports::Migration),
            Box::new(m20261125_000001_edi::Migration),
            Box::new(m20261125_000002_number_sequences::Migration),
            Box::new(m20261129_000001_credit_balances::Migration),
            Box::new(m20261130_000001_interactions::Migration),
            Box::new(m20261130_000002_cases::Migration),
            Box::new(m20261130_000003_campaigns::Migration),
            Box::new(m20261130_000004_leads::Migration),
            Box::new(m20261130_000005_analytics::Migration),
            Box::new(m20261201_000001_events::Migration),
            Box::new(m20261202_000001_revocations::Migration),
            Box::new(m20261202_000002_leases::Migration),
            Box::new(m20261203_000001_exact_amounts::Migration),
            Box::new(m20261204_000001_trading_partners::Migration),
            Box::new(m20261204_000002_acknowledgements::Migration),
            Box::new(m20261205_000001_order_changes::Migration),
            Box::new(m20261206_000001_persisted_documents::Migration),
            Box::new(m20261207_000001_trusted_documents::Migration),
            Box::new(m20261207_000002_outbox_by_transaction::Migration),
            Box::new(m20261208_000001_order_rollups::Migration),
            Box::new(m20261209_000001_partner_roles::Migration),
            Box::new(m20261209_000002_change_proposals::Migration),
            Box::new(m20261209_000003_dealer_registration::Migration),
            Box::new(m20261210_000001_onboarding::Migration),
            Box::new(m20261211_000001_certifications::Migration),
            Box::new(m20261212_000001_tier_qualification::Migration),
            Box::new(m20261213_000001_special_prices::Migration),
            Box::new(m20261214_000001_special_price_use::Migration),
            Box::new(m20261215_000001_ship_and_debit::Migration),
            Box::new(m20261216_000001_edi_claims::Migration),
            Box::new(m20261217_000001_credit_memos::Migration),
            Box::new(m20261218_000001_price_protection::Migration),
            Box::new(m20261219_000001_partner_funds::Migration),
            Box::new(m20261220_000001_rebates::Migration),
            Box::new(m20261221_000001_rebate_basis::Migration),
            Box::new(m20261222_000001_replenishment_policies::Migration),
            Box::new(m20261223_000001_replenishment_policy_proposals::Migration),
            Box::new(m20261224_000001_replenishment_proposals::Migration),
            Box::new(m20261225_000001_supplier_commitments::Migration),
            Box::new(m20261226_000001_purchase_proposals::Migration),
        ]
    }
}
