use sea_orm::entity::prelude::*;

use crate::enums::SpecialPriceStatus;

/// A special pricing agreement (SPA): a price the brand authorises a distributor to sell at
/// for one end customer's deal, for some products, up to some quantities, for a while.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "special_prices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The authorisation number the distributor quotes (`SPA-000001`), given on approval.
    #[sea_orm(unique)]
    pub number: Option<String>,
    pub distributor_id: Uuid,
    pub end_customer_id: Uuid,
    /// The deal registration it is for, where the distributor named one.
    pub deal_registration_id: Option<Uuid>,
    pub status: SpecialPriceStatus,
    /// The distributor's price-list currency: every price of it is in this currency.
    pub currency: String,
    pub valid_from: Date,
    /// The last day it may be used.
    pub valid_until: Date,
    pub note: Option<String>,
    pub requested_by: Option<Uuid>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_note: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
