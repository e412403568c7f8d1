use sea_orm::entity::prelude::*;

use crate::enums::CreditSource;
use crate::fixed::Fixed;

/// One thing a credit memo settles, traced back to it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "credit_memo_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub credit_memo_id: Uuid,
    pub line_number: i32,
    /// What kind of thing it settles; with `source_id`, settled once.
    pub source: CreditSource,
    /// The claim (or credit, fund claim, rebate) it settles.
    pub source_id: Uuid,
    pub description: String,
    pub amount: Fixed,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
