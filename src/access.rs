//! Who is calling, and what they may see and change. Every resolver takes the principal from
//! the request context and passes it to the services; the rules live here and are applied in
//! the services' queries and the loaders, never by hand in resolvers.

use async_graphql::Context;
use entity::enums::OrganizationKind;
use entity::enums::{ChannelLinkStatus, UserRole};
use entity::roles::Roles;
use entity::{
    channel_link, order, organization, partner_tier, price_list, product, product_supplier,
    tier_membership, user,
};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, QueryTrait};
use uuid::Uuid;

use crate::error::{Error, Result};

/// The caller of one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
    /// No credentials. May only sign in.
    Anonymous,
    /// The operator at the command line (`seed`, `user create`): everything.
    System,
    /// A staff member of the brand.
    Staff { user_id: Uuid, role: UserRole },
    /// A person at a partner organization, in its portal, with the roles they hold there.
    Partner {
        user_id: Uuid,
        roles: Roles,
        organization_id: Uuid,
    },
    /// A partner organization's system holding an API token, narrowed by the token's scopes.
    PartnerSystem {
        token_id: Uuid,
        organization_id: Uuid,
        scopes: Vec<Scope>,
        /// Runs only trusted registered documents.
        registered_documents_only: bool,
    },
}

/// What an API token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    OrgsRead,
    OrgsWrite,
    OrdersRead,
    OrdersWrite,
    CatalogRead,
    InventoryWrite,
    Edi,
    CrmRead,
    CrmWrite,
}

impl Scope {
    pub const ALL: [Scope; 9] = [
        Scope::OrgsRead,
        Scope::OrgsWrite,
        Scope::OrdersRead,
        Scope::OrdersWrite,
        Scope::CatalogRead,
        Scope::InventoryWrite,
        Scope::Edi,
        Scope::CrmRead,
        Scope::CrmWrite,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::OrgsRead => "orgs:read",
            Scope::OrgsWrite => "orgs:write",
            Scope::OrdersRead => "orders:read",
            Scope::OrdersWrite => "orders:write",
            Scope::CatalogRead => "catalog:read",
            Scope::InventoryWrite => "inventory:write",
            Scope::Edi => "edi",
            Scope::CrmRead => "crm:read",
            Scope::CrmWrite => "crm:write",
        }
    }

    pub fn parse(raw: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

impl Principal {
    /// The principal of the request behind `ctx`. Anonymous callers are refused here, so
    /// every resolver that asks for the principal answers UNAUTHENTICATED to them.
    pub fn of<'a>(ctx: &Context<'a>) -> Result<&'a Principal> {
        match ctx.data_opt::<Principal>() {
            Some(Principal::Anonymous) | None => Err(Error::Unauthenticated),
            Some(principal) => Ok(principal),
        }
    }

    /// The partner organization this principal acts for, if any.
    pub fn partner_organization(&self) -> Option<Uuid> {
        match self {
            Principal::Partner {
                organization_id, ..
            }
            | Principal::PartnerSystem {
                organization_id, ..
            } => Some(*organization_id),
            _ => None,
        }
    }

    /// Whether this principal runs only trusted registered documents (an API token made so).
    pub fn registered_documents_only(&self) -> bool {
        matches!(
            self,
            Principal::PartnerSystem {
                registered_documents_only: true,
                ..
            }
        )
    }

    /// Refuses an API token that lacks `scope`, naming it, and a partner user none of whose
    /// roles grants what the scope stands for ([`roles_granting`]), naming the roles that
    /// would. Staff are not narrowed by scopes.
    pub fn require_scope(&self, scope: Scope) -> Result<()> {
        match self {
            Principal::PartnerSystem { scopes, .. } if !scopes.contains(&scope) => Err(
                Error::Forbidden(format!("this API token lacks the {} scope", scope.as_str())),
            ),
            Principal::Partner { roles, .. } if !roles.any(roles_granting(scope)) => {
                Err(needs_role(roles_granting(scope)))
            }
            Principal::Anonymous => Err(Error::Unauthenticated),
            _ => Ok(()),
        }
    }

    /// Refuses a partner user who holds none of `roles`; every other principal passes (what
    /// staff and tokens may do is decided by their own checks).
    pub fn require_partner_role(&self, roles: &[UserRole]) -> Result<()> {
        match self {
            Principal::Partner { roles: held, .. } if !held.any(roles) => Err(needs_role(roles)),
            _ => Ok(()),
        }
    }

    /// How much of its company's `records` this principal sees: a partner user by their
    /// roles ([`reach_of`]); everyone else all it sees otherwise.
    pub fn reach(&self, records: Records) -> Reach {
        match self {
            Principal::Partner { user_id, roles, .. } => reach_of(*roles, records, *user_id),
            _ => Reach::All,
        }
    }

    /// Every row for a principal that reaches all of its company's `records`, none for one
    /// that reaches only its own or nothing: for records no user owns (invoices).
    pub fn reaching_all(&self, records: Records) -> Condition {
        match self.reach(records) {
            Reach::All => Condition::all(),
            _ => Condition::all().add(sea_orm::sea_query::Expr::val(false)),
        }
    }

    /// `records` narrowed to this principal's [`Self::reach`]: `own_column` names the user
    /// a record is a partner user's own by.
    pub fn within_reach<C: ColumnTrait>(&self, records: Records, own_column: C) -> Condition {
        match self.reach(records) {
            Reach::All => Condition::all(),
            Reach::Own(user) => Condition::all().add(own_column.eq(user)),
            Reach::Nothing => Condition::all().add(sea_orm::sea_query::Expr::val(false)),
        }
    }

    /// Refuses to give an API token `scope` where this partner user could not use all of
    /// it: a token sees all of the company's records its scopes open, so its maker's roles
    /// must grant the scope and reach all of those records ([`records_opened_by`]). Staff
    /// give any scope.
    pub fn ensure_can_delegate(&self, scope: Scope) -> Result<()> {
        if !matches!(self, Principal::Partner { .. }) {
            return Ok(());
        }
        self.require_scope(scope)?;
        match records_opened_by(scope)
            .iter()
            .find(|records| self.reach(**records) != Reach::All)
        {
            Some(records) => Err(Error::Forbidden(format!(
                "a token with {} sees all of the company's {}; your roles do not",
                scope.as_str(),
                records.as_str()
            ))),
            None => Ok(()),
        }
    }

    /// Whether this principal may read the directory at all (what it sees is narrowed by
    /// [`Principal::visible_organizations`]).
    pub fn ensure_can_read_directory(&self) -> Result<()> {
        self.require_scope(Scope::OrgsRead)
    }

    /// Whether this principal may read the catalog and the partner program (what it sees is
    /// narrowed by [`Principal::visible_products`] and [`Principal::visible_price_lists`]).
    pub fn ensure_can_read_catalog(&self) -> Result<()> {
        self.require_scope(Scope::CatalogRead)
    }

    /// Whether this principal may change products, price lists and tiers: admins and
    /// managers.
    pub fn ensure_can_manage_catalog(&self) -> Result<()> {
        match self {
            Principal::System => Ok(()),
            Principal::Staff {
                role: UserRole::Admin | UserRole::Manager,
                ..
            } => Ok(()),
            Principal::Anonymous => Err(Error::Unauthenticated),
            _ => Err(Error::Forbidden(
                "only admins and managers change the catalog and the partner program".into(),
            )),
        }
    }

    /// The products this principal may see: staff and buying partners see the catalog; a
    /// supplier sees only the products it makes.
    pub fn visible_products(&self) -> Condition {
        let Some(org) = self.partner_organization() else {
            return match self {
                Principal::Anonymous => Condition::all().add(product::Column::Id.is_null()),
                _ => Condition::all(),
            };
        };
        let suppliers = organization::Entity::find()
            .select_only()
            .column(organization::Column::Id)
            .filter(organization::Column::Kind.eq(OrganizationKind::Supplier))
            .into_query();
        Condition::any()
            .add(sea_orm::sea_query::ExprTrait::not_in_subquery(
                sea_orm::sea_query::Expr::val(org),
                suppliers,
            ))
            .add(product::Column::Id.in_subquery(self.supplied_products(org)))
    }

    /// Products that `org` makes.
    fn supplied_products(&self, org: Uuid) -> sea_orm::sea_query::SelectStatement {
        product_supplier::Entity::find()
            .select_only()
            .column(product_supplier::Column::ProductId)
            .filter(product_supplier::Column::SupplierId.eq(org))
            .into_query()
    }

    /// Specifications are shared with the suppliers that make the product, and staff.
    pub fn visible_specs<C: ColumnTrait>(&self, product_column: C) -> Condition {
        match (self, self.partner_organization()) {
            (Principal::Anonymous, _) => Condition::all().add(product_column.is_null()),
            (_, Some(org)) => {
                Condition::all().add(product_column.in_subquery(self.supplied_products(org)))
            }
            (_, None) => Condition::all(),
        }
    }

    /// Price lists: staff see them all, a partner the list of the tier it belongs to now.
    pub fn visible_price_lists(&self) -> Condition {
        let Some(org) = self.partner_organization() else {
            return match self {
                Principal::Anonymous => Condition::all().add(price_list::Column::Id.is_null()),
                _ => Condition::all(),
            };
        };
        let tiers = tier_membership::Entity::find()
            .select_only()
            .column(tier_membership::Column::TierId)
            .filter(tier_membership::Column::OrganizationId.eq(org))
            .filter(tier_membership::Column::EndedAt.is_null())
            .into_query();
        let lists = partner_tier::Entity::find()
            .select_only()
            .column(partner_tier::Column::PriceListId)
            .filter(partner_tier::Column::Id.in_subquery(tiers))
            .into_query();
        Condition::all().add(price_list::Column::Id.in_subquery(lists))
    }

    /// Whether this principal may read orders, shipments and invoices (what it sees is
    /// narrowed by [`Principal::visible_orders`]).
    pub fn ensure_can_read_orders(&self) -> Result<()> {
        self.require_scope(Scope::OrdersRead)
    }

    /// Whether this principal may place or work orders at all; which orders it may touch is
    /// decided by the side it acts for ([`Principal::acts_for`]).
    pub fn ensure_can_trade(&self) -> Result<()> {
        match self {
            Principal::Staff {
                role: UserRole::Analyst,
                ..
            } => Err(Error::Forbidden(
                "analysts read orders but do not change them".into(),
            )),
            _ => self.require_scope(Scope::OrdersWrite),
        }
    }

    /// Whether this principal may send X12 interchanges: partner systems with the `edi`
    /// scope, partner admins and managers, the brand's admins and managers, and the operator. Whose
    /// interchange it is is checked against its ISA sender.
    pub fn ensure_can_exchange_edi(&self) -> Result<()> {
        match self {
            Principal::Staff {
                role: UserRole::Admin | UserRole::Manager,
                ..
            }
            | Principal::System => Ok(()),
            Principal::Partner { .. } => {
                self.require_partner_role(&[UserRole::PartnerAdmin, UserRole::PartnerManager])
            }
            Principal::PartnerSystem { .. } | Principal::Anonymous => {
                self.require_scope(Scope::Edi)
            }
            _ => Err(Error::Forbidden(
                "only admins, managers and partner systems with the edi scope send X12".into(),
            )),
        }
    }

    /// Whether this principal may read X12 interchanges and documents (what it sees is
    /// narrowed to its own organization's for partners).
    pub fn ensure_can_read_edi(&self) -> Result<()> {
        self.require_scope(Scope::Edi)
    }

    /// The principal the trade model sees for X12 documents this principal sends: the `edi`
    /// scope carries the order and inventory scopes that the documents need.
    pub fn for_edi(&self) -> Principal {
        match self {
            Principal::PartnerSystem {
                token_id,
                organization_id,
                scopes,
                registered_documents_only,
            } if scopes.contains(&Scope::Edi) => Principal::PartnerSystem {
                token_id: *token_id,
                organization_id: *organization_id,
                scopes: Scope::ALL.to_vec(),
                registered_documents_only: *registered_documents_only,
            },
            other => other.clone(),
        }
    }

    /// Whether this principal may read a partner's credit (limit and exposure): staff, tokens
    /// with `orders:read`, and a partner's finance and managers.
    pub fn ensure_can_read_credit(&self) -> Result<()> {
        self.ensure_can_read_orders()?;
        self.require_partner_role(&[UserRole::PartnerManager, UserRole::PartnerFinance])
    }

    /// Whether this principal may invoice and record payments: staff except analysts,
    /// tokens with `orders:write`, and a partner's finance and managers.
    pub fn ensure_can_settle(&self) -> Result<()> {
        match self {
            Principal::Partner { .. } => {
                self.require_partner_role(&[UserRole::PartnerManager, UserRole::PartnerFinance])
            }
            _ => self.ensure_can_trade(),
        }
    }

    /// Whether this principal may submit inventory and sell-through reports; which
    /// organization it reports for is checked by the reports themselves.
    pub fn ensure_can_report_inventory(&self) -> Result<()> {
        match self {
            Principal::Staff {
                role: UserRole::Analyst,
                ..
            } => Err(Error::Forbidden(
                "analysts read reports but do not submit them".into(),
            )),
            _ => self.require_scope(Scope::InventoryWrite),
        }
    }

    /// Whether this principal may release or reject orders on credit hold and set credit
    /// limits: admins and managers.
    pub fn ensure_can_manage_credit(&self) -> Result<()> {
        self.ensure_can_manage_catalog().map_err(|e| match e {
            Error::Forbidden(_) => {
                Error::Forbidden("only admins and managers decide on credit".into())
            }
            other => other,
        })
    }

    /// Whether this principal acts for `organization` in trade: its own people and systems,
    /// for the brand the brand's staff, and the operator at the command line for anyone.
    pub fn acts_for(&self, organization: Uuid, brand: Option<Uuid>) -> bool {
        match self {
            Principal::System => true,
            Principal::Staff { .. } => Some(organization) == brand,
            _ => self.partner_organization() == Some(organization),
        }
    }

    /// Orders this principal may see: staff see all; a partner the orders it placed and the
    /// orders placed with it (a supplier's purchase orders, a distributor's dealers' orders),
    /// as far as a partner user's roles reach ([`Records::Orders`]).
    pub fn visible_orders(&self) -> Condition {
        match self {
            Principal::System | Principal::Staff { .. } => Condition::all(),
            Principal::Anonymous => Condition::all().add(order::Column::Id.is_null()),
            Principal::Partner {
                organization_id, ..
            }
            | Principal::PartnerSystem {
                organization_id, ..
            } => Condition::all()
                .add(
                    Condition::any()
                        .add(order::Column::BuyerId.eq(*organization_id))
                        .add(order::Column::SellerId.eq(*organization_id)),
                )
                .add(self.within_reach(Records::Orders, order::Column::SubmittedBy)),
        }
    }

    /// Rows that belong to an order (through `order_column`) the principal may see.
    pub fn owned_by_visible_order<C: ColumnTrait>(&self, order_column: C) -> Condition {
        self.owned_by_visible_order_of(order_column, None)
    }

    /// Rows that belong to one of `order_ids` (through `order_column`) the principal may
    /// see. The subquery names the orders itself, so it reads at most those orders by their
    /// key, whatever plan the database caches for the statement; the plain
    /// [`Self::owned_by_visible_order`] leaves it to the planner to guess how many orders a
    /// partner has, and a cached plan guesses the average partner's.
    pub fn owned_by_visible_order_among<C: ColumnTrait>(
        &self,
        order_column: C,
        order_ids: &[Uuid],
    ) -> Condition {
        self.owned_by_visible_order_of(order_column, Some(order_ids))
    }

    fn owned_by_visible_order_of<C: ColumnTrait>(
        &self,
        order_column: C,
        among: Option<&[Uuid]>,
    ) -> Condition {
        if !self.is_restricted() {
            return Condition::all();
        }
        let mut visible = order::Entity::find()
            .select_only()
            .column(order::Column::Id)
            .filter(self.visible_orders());
        if let Some(ids) = among {
            visible = visible.filter(order::Column::Id.is_in(ids.iter().copied()));
        }
        Condition::all().add(order_column.in_subquery(visible.into_query()))
    }

    /// Rows of this principal's own organization only, for partners (its X12 traffic is its
    /// own, not its downstream's); every row for staff.
    pub fn owned_by_self<C: ColumnTrait>(&self, org_column: C) -> Condition {
        if !self.is_restricted() {
            return Condition::all();
        }
        match self.partner_organization() {
            Some(org) => Condition::all().add(org_column.eq(org)),
            None => Condition::all().add(sea_orm::sea_query::Expr::val(false)),
        }
    }

    /// What limits count this principal by: `user:<id>` for a person, `token:<id>` for a
    /// partner system; None for the anonymous and the operator.
    pub fn limit_key(&self) -> Option<String> {
        match self {
            Principal::Staff { user_id, .. } | Principal::Partner { user_id, .. } => {
                Some(format!("user:{user_id}"))
            }
            Principal::PartnerSystem { token_id, .. } => Some(format!("token:{token_id}")),
            Principal::Anonymous | Principal::System => None,
        }
    }

    /// The user behind this principal, if it is a person.
    pub fn user_id(&self) -> Option<Uuid> {
        match self {
            Principal::Staff { user_id, .. } | Principal::Partner { user_id, .. } => Some(*user_id),
            _ => None,
        }
    }

    /// Whether this principal may change the directory (organizations, contacts, addresses,
    /// channel links). Staff may, except analysts, who only read. Partners change their
    /// directory entries through the brand for now.
    pub fn ensure_can_edit_directory(&self) -> Result<()> {
        match self {
            Principal::System => Ok(()),
            Principal::Staff { role, .. } => match role {
                UserRole::Admin | UserRole::Manager | UserRole::Sales | UserRole::Service => Ok(()),
                _ => Err(Error::Forbidden(
                    "your role may read the directory but not change it".into(),
                )),
            },
            Principal::Partner { .. } => Err(Error::Forbidden(
                "partner users cannot change the directory".into(),
            )),
            Principal::PartnerSystem { .. } => {
                self.require_scope(Scope::OrgsWrite)?;
                Err(Error::Forbidden(
                    "partner systems cannot change the directory".into(),
                ))
            }
            Principal::Anonymous => Err(Error::Unauthenticated),
        }
    }

    /// Whether this principal runs the partner program: decides applications and publishes
    /// the program's terms. The operator and the brand's admins and managers.
    pub fn ensure_runs_program(&self) -> Result<()> {
        match self {
            Principal::System
            | Principal::Staff {
                role: UserRole::Admin | UserRole::Manager,
                ..
            } => Ok(()),
            Principal::Anonymous => Err(Error::Unauthenticated),
            _ => Err(Error::Forbidden(
                "only the brand's admins and managers run the partner program".into(),
            )),
        }
    }

    /// Whether this principal may maintain organizations' own records: contacts, addresses
    /// and the fields partners change themselves. Staff who change the directory may; a
    /// partner admin, and a token with `orgs:write`, for their own organization
    /// ([`Self::ensure_maintains`]).
    pub fn ensure_can_maintain_records(&self) -> Result<()> {
        match self {
            Principal::Partner { .. } | Principal::PartnerSystem { .. } => {
                self.require_scope(Scope::OrgsWrite)
            }
            _ => self.ensure_can_edit_directory(),
        }
    }

    /// Whether this principal maintains `organization`'s own records: a partner only its
    /// own organization's (it sees its dealers', but they are theirs to keep).
    pub fn ensure_maintains(&self, organization: Uuid) -> Result<()> {
        match self.partner_organization() {
            Some(own) if own != organization => Err(Error::Forbidden(
                "a partner maintains only its own organization's records".into(),
            )),
            _ => Ok(()),
        }
    }

    /// Whether this principal may read relationship work: interactions, commitments and
    /// tasks (what it sees is narrowed by [`Principal::visible_records`] and
    /// [`Principal::owned_by_self`]).
    pub fn ensure_can_read_crm(&self) -> Result<()> {
        self.require_scope(Scope::CrmRead)
    }

    /// Whether this principal may record interactions and work tasks: staff except analysts,
    /// partner users, and partner systems with `crm:write`.
    pub fn ensure_can_write_crm(&self) -> Result<()> {
        match self {
            Principal::Staff {
                role: UserRole::Analyst,
                ..
            } => Err(Error::Forbidden(
                "analysts read relationship work but do not record it".into(),
            )),
            _ => self.require_scope(Scope::CrmWrite),
        }
    }

    /// Whether this principal works cases: triage, investigation and resolution are for the
    /// brand's staff (not analysts) and the operator.
    pub fn ensure_can_work_cases(&self) -> Result<()> {
        match self {
            Principal::System => Ok(()),
            Principal::Staff {
                role: UserRole::Admin | UserRole::Manager | UserRole::Sales | UserRole::Service,
                ..
            } => Ok(()),
            Principal::Anonymous => Err(Error::Unauthenticated),
            _ => Err(Error::Forbidden(
                "only the brand's staff triage, investigate and resolve cases".into(),
            )),
        }
    }

    /// Whether this principal runs the brand's sales and marketing: opportunities,
    /// campaigns, lead routing and deal decisions. Admins, managers and sales.
    pub fn ensure_can_sell(&self) -> Result<()> {
        match self {
            Principal::System
            | Principal::Staff {
                role: UserRole::Admin | UserRole::Manager | UserRole::Sales,
                ..
            } => Ok(()),
            Principal::Anonymous => Err(Error::Unauthenticated),
            _ => Err(Error::Forbidden(
                "only the brand's admins, managers and sales staff do this".into(),
            )),
        }
    }

    /// Whether this principal may read the brand's marketing (campaigns and their figures):
    /// the brand's staff.
    pub fn ensure_can_read_marketing(&self) -> Result<()> {
        if self.is_restricted() {
            return Err(Error::Forbidden("campaigns are the brand's own".into()));
        }
        Ok(())
    }

    /// Whether this principal may change how cases are routed: admins.
    pub fn ensure_can_route_cases(&self) -> Result<()> {
        match self {
            Principal::System
            | Principal::Staff {
                role: UserRole::Admin,
                ..
            } => Ok(()),
            Principal::Anonymous => Err(Error::Unauthenticated),
            _ => Err(Error::Forbidden("only admins change case routing".into())),
        }
    }

    /// Whose record a new interaction or task is: the partner's own organization, or the
    /// brand's (None) for staff and the operator.
    pub fn author_organization(&self) -> Option<Uuid> {
        self.partner_organization()
    }

    /// Relationship records (interactions, commitments): staff see all; a partner sees what
    /// it recorded itself and what the brand recorded about it, never another partner's.
    pub fn visible_records<A: ColumnTrait, O: ColumnTrait>(
        &self,
        author: A,
        about: O,
    ) -> Condition {
        match self {
            Principal::System | Principal::Staff { .. } => Condition::all(),
            Principal::Anonymous => Condition::all().add(sea_orm::sea_query::Expr::val(false)),
            Principal::Partner {
                organization_id, ..
            }
            | Principal::PartnerSystem {
                organization_id, ..
            } => Condition::any().add(author.eq(*organization_id)).add(
                Condition::all()
                    .add(author.is_null())
                    .add(about.eq(*organization_id)),
            ),
        }
    }

    /// Rows of what admins manage (API tokens, webhook endpoints), through the owning
    /// organization `org_column`: every row for the operator and the brand's admins, a
    /// partner admin's own organization's, none for anyone else.
    pub fn administered<C: ColumnTrait>(&self, org_column: C) -> Condition {
        match self {
            Principal::System
            | Principal::Staff {
                role: UserRole::Admin,
                ..
            } => Condition::all(),
            Principal::Partner {
                roles,
                organization_id,
                ..
            } if roles.has(UserRole::PartnerAdmin) => {
                Condition::all().add(org_column.eq(*organization_id))
            }
            _ => Condition::all().add(sea_orm::sea_query::Expr::val(false)),
        }
    }

    /// Whether this principal may manage `what` for `organization` (None: the brand's own):
    /// the operator and the brand's admins for anyone, a partner admin for its own
    /// organization.
    pub fn ensure_administers(&self, organization: Option<Uuid>, what: &str) -> Result<()> {
        match self {
            Principal::System
            | Principal::Staff {
                role: UserRole::Admin,
                ..
            } => Ok(()),
            Principal::Partner {
                roles,
                organization_id,
                ..
            } if roles.has(UserRole::PartnerAdmin) && organization == Some(*organization_id) => {
                Ok(())
            }
            Principal::Anonymous => Err(Error::Unauthenticated),
            _ => Err(Error::Forbidden(format!(
                "only admins and partner admins (for their own organization) {what}"
            ))),
        }
    }

    /// Whether this principal sees only part of the graph.
    pub fn is_restricted(&self) -> bool {
        matches!(
            self,
            Principal::Anonymous | Principal::Partner { .. } | Principal::PartnerSystem { .. }
        )
    }

    /// The organizations this principal may see, as a condition on the `organizations` table.
    /// Every list, lookup and nested relation of organizations applies it.
    ///
    /// A partner sees its own organization and those directly downstream of it through live
    /// channel links (a distributor's dealers, and the end customers it serves itself).
    pub fn visible_organizations(&self) -> Condition {
        match self {
            Principal::System | Principal::Staff { .. } => Condition::all(),
            Principal::Anonymous => Condition::all().add(organization::Column::Id.is_null()),
            Principal::Partner {
                organization_id, ..
            }
            | Principal::PartnerSystem {
                organization_id, ..
            } => self_and_downstream(*organization_id, None),
        }
    }

    /// The organizations this principal may see in part, as the parties it trades with: a
    /// partner's live upstream through channel links (the distributor a dealer buys from,
    /// the brand a distributor buys from) and the brand; staff, the brand. The part is who
    /// and where: code, name, kind, and live addresses with their GLNs (`TradingPartner`).
    /// Nothing else of them is visible through it: not their contacts, links, orders with
    /// others, tax ids, credit or figures, which stay behind [`Self::visible_organizations`].
    pub fn trading_partners(&self) -> Condition {
        let brand = organization::Column::Kind.eq(OrganizationKind::Brand);
        let live = organization::Column::ArchivedAt.is_null();
        match self {
            Principal::System | Principal::Staff { .. } => Condition::all().add(brand).add(live),
            Principal::Anonymous => Condition::all().add(organization::Column::Id.is_null()),
            Principal::Partner {
                organization_id, ..
            }
            | Principal::PartnerSystem {
                organization_id, ..
            } => {
                let upstream = channel_link::Entity::find()
                    .select_only()
                    .column(channel_link::Column::UpstreamId)
                    .filter(channel_link::Column::DownstreamId.eq(*organization_id))
                    .filter(live_links());
                Condition::all().add(live).add(
                    Condition::any()
                        .add(brand)
                        .add(organization::Column::Id.in_subquery(upstream.into_query())),
                )
            }
        }
    }

    /// Which of `ids` the principal may see: [`Self::visible_organizations`], with the
    /// partner's channel links looked up for those organizations only. The plain condition
    /// reads all of a partner's downstream links (a thousand for a big distributor) to
    /// answer for a page of fifty.
    pub fn visible_organizations_among(&self, ids: &[Uuid]) -> Condition {
        match self.partner_organization() {
            Some(organization_id) => self_and_downstream(organization_id, Some(ids)),
            None => self.visible_organizations(),
        }
    }

    /// Rows that belong to an organization (through `org_column`) the principal may see.
    pub fn owned_by_visible<C: ColumnTrait>(&self, org_column: C) -> Condition {
        if !self.is_restricted() {
            return Condition::all();
        }
        let visible = organization::Entity::find()
            .select_only()
            .column(organization::Column::Id)
            .filter(self.visible_organizations())
            .into_query();
        Condition::all().add(org_column.in_subquery(visible))
    }

    /// The users this principal may see: staff see everyone, a partner its own
    /// organization's users.
    pub fn visible_users(&self) -> Condition {
        match self {
            Principal::System | Principal::Staff { .. } => Condition::all(),
            Principal::Anonymous => Condition::all().add(user::Column::Id.is_null()),
            Principal::Partner {
                organization_id, ..
            }
            | Principal::PartnerSystem {
                organization_id, ..
            } => Condition::all().add(user::Column::OrganizationId.eq(*organization_id)),
        }
    }
}

/// Kinds of a partner company's records that its users see by their roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Records {
    /// Orders, with their lines, shipments and changes.
    Orders,
    /// Invoices and payments.
    Invoices,
    /// Leads, opportunities and deal registrations.
    Leads,
    /// Cases and survey answers.
    Cases,
    /// Interactions, commitments and tasks.
    Relationship,
}

impl Records {
    pub fn as_str(self) -> &'static str {
        match self {
            Records::Orders => "orders",
            Records::Invoices => "invoices and payments",
            Records::Leads => "leads and deals",
            Records::Cases => "cases",
            Records::Relationship => "interactions and commitments",
        }
    }
}

/// How much of its company's records of one kind a partner user sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// All of them.
    All,
    /// Those the user entered or owns.
    Own(Uuid),
    /// None.
    Nothing,
}

/// What each partner role opens of its company's records. PARTNER_MANAGER sees everything;
/// PARTNER_SALES its own orders, leads, opportunities, deals and the cases it opened;
/// PARTNER_FINANCE the orders, invoices and payments; PARTNER_SERVICE the cases and the
/// orders they are about; PARTNER_ADMIN none of these (users, tokens and company data).
fn reach_of(roles: Roles, records: Records, user: Uuid) -> Reach {
    use UserRole::{PartnerFinance, PartnerManager, PartnerSales, PartnerService};
    let (all, own): (&[UserRole], &[UserRole]) = match records {
        Records::Orders => (
            &[PartnerManager, PartnerFinance, PartnerService],
            &[PartnerSales],
        ),
        Records::Invoices => (&[PartnerManager, PartnerFinance], &[]),
        Records::Leads => (&[PartnerManager], &[PartnerSales]),
        Records::Cases => (&[PartnerManager, PartnerService], &[PartnerSales]),
        Records::Relationship => (&[PartnerManager, PartnerSales, PartnerService], &[]),
    };
    if roles.any(all) {
        Reach::All
    } else if roles.any(own) {
        Reach::Own(user)
    } else {
        Reach::Nothing
    }
}

/// The partner roles that grant what `scope` stands for on an API token.
pub fn roles_granting(scope: Scope) -> &'static [UserRole] {
    use UserRole::{PartnerAdmin, PartnerFinance, PartnerManager, PartnerSales, PartnerService};
    const EVERY: &[UserRole] = &[
        PartnerAdmin,
        PartnerManager,
        PartnerSales,
        PartnerFinance,
        PartnerService,
    ];
    match scope {
        Scope::OrgsRead | Scope::CatalogRead => EVERY,
        Scope::OrgsWrite => &[PartnerAdmin],
        Scope::OrdersRead => &[PartnerManager, PartnerSales, PartnerFinance, PartnerService],
        Scope::OrdersWrite => &[PartnerManager, PartnerSales],
        Scope::InventoryWrite => &[PartnerManager],
        // Raw X12 holds orders and invoices whole: for those who see all of them.
        Scope::Edi => &[PartnerManager],
        Scope::CrmRead | Scope::CrmWrite => &[PartnerManager, PartnerSales, PartnerService],
    }
}

/// The company's records an API token with `scope` reads or changes, all of them: orders
/// come with their invoices and payments (`orders:write` settles them), and `edi` carries
/// every scope ([`Principal::for_edi`]).
pub fn records_opened_by(scope: Scope) -> &'static [Records] {
    const TRADE: &[Records] = &[Records::Orders, Records::Invoices];
    const CRM: &[Records] = &[Records::Leads, Records::Cases, Records::Relationship];
    const EVERY: &[Records] = &[
        Records::Orders,
        Records::Invoices,
        Records::Leads,
        Records::Cases,
        Records::Relationship,
    ];
    match scope {
        Scope::OrgsRead | Scope::OrgsWrite | Scope::CatalogRead | Scope::InventoryWrite => &[],
        Scope::OrdersRead | Scope::OrdersWrite => TRADE,
        Scope::CrmRead | Scope::CrmWrite => CRM,
        Scope::Edi => EVERY,
    }
}

/// A partner user's refusal for lacking every one of `roles`.
fn needs_role(roles: &[UserRole]) -> Error {
    let names: Vec<String> = roles.iter().map(sea_orm::ActiveEnum::to_value).collect();
    Error::Forbidden(format!("this needs one of the roles {}", names.join(", ")))
}

/// Channel links in force: not archived, not ended, and within their dates. The dates are
/// calendar days wherever the parties are, so a link counts from the start of its first
/// day in the earliest time zone (UTC+14) to the end of its last day in the latest
/// (UTC−12). Every rule that follows links to grant sight or trade uses this one.
pub fn live_links() -> Condition {
    let now = chrono::Utc::now();
    let started_somewhere = (now + chrono::Duration::hours(14)).date_naive();
    let ended_everywhere = (now - chrono::Duration::hours(12)).date_naive();
    Condition::all()
        .add(channel_link::Column::ArchivedAt.is_null())
        .add(channel_link::Column::Status.ne(ChannelLinkStatus::Ended))
        .add(channel_link::Column::Since.lte(started_somewhere))
        .add(
            Condition::any()
                .add(channel_link::Column::Until.is_null())
                .add(channel_link::Column::Until.gte(ended_everywhere)),
        )
}

/// A partner's own organization and those it has a live channel link down to, the links
/// narrowed to `among` when given.
fn self_and_downstream(organization_id: Uuid, among: Option<&[Uuid]>) -> Condition {
    let mut downstream = channel_link::Entity::find()
        .select_only()
        .column(channel_link::Column::DownstreamId)
        .filter(channel_link::Column::UpstreamId.eq(organization_id))
        .filter(live_links());
    if let Some(ids) = among {
        downstream =
            downstream.filter(channel_link::Column::DownstreamId.is_in(ids.iter().copied()));
    }
    Condition::any()
        .add(organization::Column::Id.eq(organization_id))
        .add(organization::Column::Id.in_subquery(downstream.into_query()))
}
