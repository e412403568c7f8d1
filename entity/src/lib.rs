//! Tables of channelgraph as sea-orm entities. These are storage, not the API: the GraphQL
//! types in the server crate are designed separately and map from these models.

pub mod address;
pub mod api_token;
pub mod audit_event;
pub mod channel_link;
pub mod contact;
pub mod counter;
pub mod edi_document;
pub mod edi_interchange;
pub mod edi_partner;
pub mod enums;
pub mod inventory_report;
pub mod inventory_report_line;
pub mod invoice;
pub mod invoice_line;
pub mod order;
pub mod order_event;
pub mod order_line;
pub mod organization;
pub mod partner_tier;
pub mod payment;
pub mod price_list;
pub mod price_list_entry;
pub mod product;
pub mod product_spec;
pub mod product_supplier;
pub mod refresh_token;
pub mod sell_through_report;
pub mod sell_through_report_line;
pub mod shipment;
pub mod shipment_line;
pub mod tier_membership;
pub mod tier_product_line;
pub mod user;
