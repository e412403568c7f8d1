use sea_orm::entity::prelude::*;

use crate::enums::CampaignChannel;
use crate::fixed::Fixed;

/// A marketing campaign: its channel, dates, cost and the material it sends.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "campaigns")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub channel: CampaignChannel,
    pub starts_on: Date,
    pub ends_on: Date,
    pub cost: Fixed,
    pub currency: String,
    /// The material it sends (a catalogue, a mailing); a contact receives each once.
    pub material: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
