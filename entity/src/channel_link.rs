use sea_orm::entity::prelude::*;

use crate::enums::{ChannelLinkKind, ChannelLinkStatus, RelationshipLevel};

/// A directed edge of the channel: `upstream_id` supplies, distributes, resells to or serves
/// `downstream_id`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "channel_links")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub upstream_id: Uuid,
    pub downstream_id: Uuid,
    pub kind: ChannelLinkKind,
    pub level: RelationshipLevel,
    pub status: ChannelLinkStatus,
    pub since: Date,
    pub until: Option<Date>,
    pub territory: Option<String>,
    pub exclusive: bool,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organization::Entity",
        from = "Column::UpstreamId",
        to = "super::organization::Column::Id"
    )]
    Upstream,
    #[sea_orm(
        belongs_to = "super::organization::Entity",
        from = "Column::DownstreamId",
        to = "super::organization::Column::Id"
    )]
    Downstream,
}

impl ActiveModelBehavior for ActiveModel {}
