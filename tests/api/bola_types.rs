//! The cross-partner matrix over every object type reachable from `Query` and
//! `Subscription`, not only the `Node` types: each is classified, the class is checked
//! against the schema, and the types a partner reaches from the root are tried as partner B
//! against partner A's world. A type nobody classified fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde_json::{Value, json};

use crate::bola::{node_types, world};
use crate::helpers::spawn_app_with;
use crate::subscriptions::{Said, Socket};

/// How a type is kept from other partners.
enum Class {
    /// A `Node`: the node matrix in `bola.rs` tries every path to it.
    Node,
    /// Shown only inside these types (through connections or not), each of which is
    /// classified and scoped itself.
    Inside(&'static [&'static str]),
    /// Scalars and enums only, inside scoped parents: nothing to follow from it.
    Leaf,
    /// Reached from `Query`: as staff this query shows the type; as B it shows nothing of A.
    Root(&'static str),
    /// A subscription's payload: B hears nothing of A's changes on this field.
    Live(&'static str),
}

const CLASSES: &[(&str, Class)] = &[
    (
        "AnalyticsSettingsView",
        Class::Root(
            "{ analyticsSettings { __typename reportingCurrency quadrantMinMargin { amount } } }",
        ),
    ),
    (
        "AuditEvent",
        Class::Root("{ auditEvents(first: 100) { nodes { __typename } } }"),
    ),
    (
        "EdiPartner",
        Class::Root(
            "query($a: ID!) { ediPartner(organizationId: $a) { __typename ediId organization { code } } }",
        ),
    ),
    (
        "EdiItemReference",
        Class::Root(
            "query($a: ID!) { ediItemReferences(partnerId: $a) { nodes { __typename code product { sku } } } }",
        ),
    ),
    (
        "EdiLocationReference",
        Class::Root(
            "query($a: ID!) { ediLocationReferences(partnerId: $a) { nodes { __typename code address { line1 } } } }",
        ),
    ),
    (
        "LeadRoute",
        Class::Root("{ leadRoutes { __typename territory partner { code } } }"),
    ),
    (
        "Portfolio",
        Class::Root(
            "{ portfolio { __typename seller { code } pareto { __typename customers revenue { amount } deciles { __typename revenue { amount } } } customersByPeriod { __typename active } cohorts { __typename } atRisk { __typename organization { code } } lost { __typename organization { code } } } }",
        ),
    ),
    (
        "PriceQuote",
        Class::Root(
            "query($a: ID!) { priceQuote(sku: \"MOTOR-1\", quantity: \"1\", buyerId: $a) { __typename buyer { code } priceList { code } tier { code } unitPrice { amount } } }",
        ),
    ),
    (
        "SellThroughFigure",
        Class::Root(
            "{ sellThrough(from: \"2026-01-01\", to: \"2026-12-31\") { __typename organization { code } quantity } }",
        ),
    ),
    (
        "DemandForecast",
        Class::Root(
            "query($a: ID!) { demandForecast(distributorId: $a, sku: \"MOTOR-1\") { __typename distributor { code } product { sku } status history { __typename weekStart quantity } weeks { __typename quantity } } }",
        ),
    ),
    (
        "SupplierForecast",
        Class::Root(
            "query($s: ID!) { supplierForecast(supplierId: $s, sku: \"MOTOR-1\") { __typename supplier { code } weeks { __typename channelDemand } } }",
        ),
    ),
    (
        "SupplierCommitment",
        Class::Root(
            "query($s: ID!) { supplierCommitments(supplierId: $s, sku: \"MOTOR-1\") { __typename quantity } }",
        ),
    ),
    (
        "ReplenishmentEnrolment",
        Class::Root(
            "query($a: ID!) { replenishmentEnrolment(distributorId: $a) { __typename distributor { code } mode } }",
        ),
    ),
    (
        "EffectiveReplenishmentPolicy",
        Class::Root(
            "query($a: ID!) { effectiveReplenishmentPolicy(distributorId: $a, sku: \"MOTOR-1\") { __typename distributor { code } product { sku } targetWeeks sources { __typename field level policy { id partner { code } } } } }",
        ),
    ),
    (
        "ServiceFigures",
        Class::Root(
            "{ serviceFigures(from: \"2020-01-01\", to: \"2029-12-31\") { __typename complaints(by: ORGANIZATION) { __typename organization { code } count } caseHandling { __typename cases } satisfaction(by: SEGMENT) { __typename responses } } }",
        ),
    ),
    (
        "StockPosition",
        Class::Root(
            "{ stockPositions { __typename organization { code } product { sku } onHand } }",
        ),
    ),
    (
        "TradingPartner",
        Class::Root("{ tradingPartners { __typename code name addresses { __typename line1 } } }"),
    ),
    ("CaseUpdate", Class::Live("caseEvents")),
    ("InventoryUpdate", Class::Live("inventoryEvents")),
    ("LeadUpdate", Class::Live("leadEvents")),
    ("OrderUpdate", Class::Live("orderEvents")),
    ("ShipmentUpdate", Class::Live("shipmentEvents")),
    ("ProgramUpdate", Class::Live("programEvents")),
    ("ApplicantAddress", Class::Inside(&["PartnerApplication"])),
    ("ApplicantContact", Class::Inside(&["PartnerApplication"])),
    ("DirectoryMatch", Class::Inside(&["PartnerApplication"])),
    ("CaseNote", Class::Inside(&["Case"])),
    ("DemandWeek", Class::Inside(&["DemandForecast"])),
    ("SupplyWeek", Class::Inside(&["SupplierForecast"])),
    (
        "ReplenishmentProposalLine",
        Class::Inside(&["ReplenishmentProposal"]),
    ),
    ("PurchaseProposalLine", Class::Inside(&["PurchaseProposal"])),
    (
        "ReplenishmentSource",
        Class::Inside(&["EffectiveReplenishmentPolicy"]),
    ),
    ("ComplaintCount", Class::Inside(&["ServiceFigures"])),
    (
        "CustomerFigures",
        Class::Inside(&[
            "Brand",
            "Customer",
            "Distributor",
            "IntermediateCustomer",
            "Organization",
            "PublicInterestOrganization",
            "Supplier",
        ]),
    ),
    ("DealRegistrationLine", Class::Inside(&["DealRegistration"])),
    ("ProposedChange", Class::Inside(&["ChangeProposal"])),
    ("MeasuredCriterion", Class::Inside(&["TierEvaluation"])),
    ("TierCriterion", Class::Inside(&["PartnerTier"])),
    ("DistributorScorecard", Class::Inside(&["Distributor"])),
    (
        "ReplenishmentFigures",
        Class::Inside(&["DistributorScorecard"]),
    ),
    ("CommitmentFigures", Class::Inside(&["SupplierScorecard"])),
    (
        "ChannelMoneyFigures",
        Class::Inside(&["DistributorScorecard", "Portfolio"]),
    ),
    ("InventoryReportLine", Class::Inside(&["InventoryReport"])),
    ("InvoiceLine", Class::Inside(&["Invoice"])),
    ("LeadDuplicate", Class::Inside(&["Lead"])),
    ("OrderEvent", Class::Inside(&["Order"])),
    ("OrderLine", Class::Inside(&["Order"])),
    ("Pareto", Class::Inside(&["Portfolio"])),
    ("ParetoStep", Class::Inside(&["Pareto"])),
    ("Payment", Class::Inside(&["Invoice"])),
    ("PriceListEntry", Class::Inside(&["PriceList"])),
    ("ProductSupplier", Class::Inside(&["Product"])),
    (
        "SellThroughReportLine",
        Class::Inside(&["SellThroughReport"]),
    ),
    ("ShipmentLine", Class::Inside(&["Shipment"])),
    ("SpecialPriceLine", Class::Inside(&["SpecialPrice"])),
    ("ClaimLine", Class::Inside(&["Claim"])),
    ("CreditMemoLine", Class::Inside(&["CreditMemo"])),
    (
        "PartnerStatement",
        Class::Root(
            "query($a: ID!) { partnerStatement(organizationId: $a, from: \"2026-01-01\", to: \"2026-12-31\") { __typename currency closingBalance { amount } entries { number } } }",
        ),
    ),
    ("StatementEntry", Class::Inside(&["PartnerStatement"])),
    ("FundBalance", Class::Inside(&["Fund"])),
    ("FundTierAmount", Class::Inside(&["Fund"])),
    ("RebateThreshold", Class::Inside(&["RebateProgram"])),
    ("RebateProgress", Class::Inside(&["RebateProgram"])),
    ("FundFigures", Class::Inside(&["Fund"])),
    ("FundProof", Class::Inside(&["FundRequest"])),
    ("ClaimReason", Class::Leaf),
    ("WinBackCustomer", Class::Inside(&["Portfolio"])),
    ("CaseHandling", Class::Leaf),
    ("Cohort", Class::Leaf),
    ("MarketingConsent", Class::Leaf),
    ("Money", Class::Leaf),
    ("ObligationCompliance", Class::Leaf),
    ("OneTimeAddress", Class::Leaf),
    ("OrderChange", Class::Leaf),
    ("PartnerCode", Class::Leaf),
    ("PartyAddress", Class::Leaf),
    ("PeriodCustomers", Class::Leaf),
    ("ProductPack", Class::Leaf),
    ("SatisfactionGroup", Class::Leaf),
    ("SupplierScorecard", Class::Inside(&["Supplier"])),
    ("TierObligations", Class::Leaf),
    ("TradingParty", Class::Leaf),
    ("WebhookAttempt", Class::Leaf),
    ("X12Separators", Class::Leaf),
];

const SCHEMA: &str = "{ __schema { queryType { name } subscriptionType { name }
    types { name kind possibleTypes { name }
      fields { name type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } }";

/// The named type under lists and non-nulls.
fn named(mut ty: &Value) -> &str {
    while ty["name"].is_null() {
        ty = &ty["ofType"];
    }
    ty["name"].as_str().unwrap()
}

fn is_page(name: &str) -> bool {
    name.ends_with("Connection") || name.ends_with("Edge") || name == "PageInfo"
}

struct Schema {
    kinds: BTreeMap<String, String>,
    /// For each type, the types it leads to (field types, and an abstract type's members).
    leads_to: BTreeMap<String, BTreeSet<String>>,
}

impl Schema {
    fn from(body: &Value) -> Schema {
        let mut kinds = BTreeMap::new();
        let mut leads_to: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for ty in body["data"]["__schema"]["types"].as_array().unwrap() {
            let name = ty["name"].as_str().unwrap().to_owned();
            kinds.insert(name.clone(), ty["kind"].as_str().unwrap().to_owned());
            let next = leads_to.entry(name).or_default();
            for field in ty["fields"].as_array().into_iter().flatten() {
                next.insert(named(&field["type"]).to_owned());
            }
            for member in ty["possibleTypes"].as_array().into_iter().flatten() {
                next.insert(member["name"].as_str().unwrap().to_owned());
            }
        }
        Schema { kinds, leads_to }
    }

    fn reachable_objects(&self) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = vec!["Query".to_owned(), "Subscription".to_owned()];
        while let Some(ty) = todo.pop() {
            if ty.starts_with("__") || !seen.insert(ty.clone()) {
                continue;
            }
            todo.extend(self.leads_to[&ty].iter().cloned());
        }
        seen.into_iter()
            .filter(|t| self.kinds[t] == "OBJECT" && t != "Query" && t != "Subscription")
            .collect()
    }

    /// The reachable types with a field of type `ty`, looking through connections and edges.
    fn parents(&self, ty: &str, reachable: &BTreeSet<String>) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut todo = vec![ty.to_owned()];
        let mut seen = BTreeSet::new();
        while let Some(child) = todo.pop() {
            if !seen.insert(child.clone()) {
                continue;
            }
            for (parent, next) in &self.leads_to {
                let counted = reachable.contains(parent)
                    || matches!(parent.as_str(), "Query" | "Subscription")
                    || self.kinds[parent] == "INTERFACE";
                if !next.contains(&child) || !counted || parent.starts_with("__") {
                    continue;
                }
                if is_page(parent) {
                    todo.push(parent.clone());
                } else {
                    out.insert(parent.clone());
                }
            }
        }
        out
    }

    fn leaf(&self, ty: &str) -> bool {
        self.leads_to[ty]
            .iter()
            .all(|t| matches!(self.kinds[t].as_str(), "SCALAR" | "ENUM"))
    }
}

#[tokio::test]
async fn every_type_a_partner_can_reach_is_in_the_matrix() {
    let app = spawn_app_with(|s| {
        s.live.recheck = Duration::from_millis(200);
    })
    .await;
    let w = world(&app).await;
    let schema = Schema::from(&app.graphql(SCHEMA, json!({})).await);
    let reachable = schema.reachable_objects();
    let nodes = node_types(&app).await;

    // Every reachable object type is classified, once, and nothing else is.
    let mut classified: BTreeMap<String, &Class> = BTreeMap::new();
    for (ty, class) in CLASSES {
        assert!(
            classified.insert(ty.to_string(), class).is_none(),
            "{ty} twice"
        );
    }
    for ty in &nodes {
        classified.insert(ty.clone(), &Class::Node);
    }
    let unclassified: Vec<_> = reachable
        .iter()
        .filter(|t| !is_page(t) && !classified.contains_key(*t))
        .collect();
    assert!(
        unclassified.is_empty(),
        "add these types to the matrix in tests/api/bola_types.rs: {unclassified:?}"
    );
    let stale: Vec<_> = classified
        .keys()
        .filter(|t| !reachable.contains(*t))
        .collect();
    assert!(stale.is_empty(), "no longer reachable: {stale:?}");

    // Each class holds for the schema as it is.
    let a_dist = w
        .a_objects
        .iter()
        .find(|(t, _)| *t == "Distributor")
        .unwrap()
        .1
        .clone();
    // A's distributor has cross-references, for staff to see and B not to.
    let address = app
        .mutate(
            "addressCreate",
            "address { id }",
            json!({ "organizationId": a_dist, "kind": "SHIPPING", "line1": "A Street 9", "city": "Town", "country": "DE" }),
        )
        .await["address"]["id"]
        .clone();
    for (mutation, input) in [
        (
            "ediItemReferencesSet",
            json!({ "partnerId": a_dist, "references": [{ "qualifier": "BUYER_PART_NUMBER", "code": "A-PART-1", "sku": "MOTOR-1" }] }),
        ),
        (
            "ediLocationReferencesSet",
            json!({ "partnerId": a_dist, "references": [{ "qualifier": "ASSIGNED_BY_BUYER", "code": "A-STORE-1", "addressId": address }] }),
        ),
    ] {
        let body = app.mutate(mutation, "totalCount", input).await;
        assert_eq!(body["totalCount"], 1, "{body}");
    }
    // A's supplier commits this week's motors, for staff to see and B not to.
    let suppliers = app
        .graphql(
            "{ organizations(filter: { code: \"SUP-1\" }) { nodes { id } } product(sku: \"MOTOR-1\") { id } }",
            json!({}),
        )
        .await;
    let a_supplier = suppliers["data"]["organizations"]["nodes"][0]["id"].clone();
    let today = chrono::Utc::now().date_naive();
    let monday = today
        - chrono::Days::new(u64::from(
            chrono::Datelike::weekday(&today).num_days_from_monday(),
        ));
    let committed = app
        .mutate(
            "supplierCommit",
            "commitments { quantity }",
            json!({ "supplierId": a_supplier, "productId": suppliers["data"]["product"]["id"],
                    "weeks": [{ "weekStart": monday.to_string(), "quantity": "4" }] }),
        )
        .await;
    assert_eq!(committed["userErrors"], json!([]), "{committed}");
    for (ty, class) in &classified {
        let parents = schema.parents(ty, &reachable);
        let from_root = parents.contains("Query");
        let from_live = parents.contains("Subscription");
        match class {
            Class::Node => {}
            Class::Inside(declared) => {
                let declared: BTreeSet<String> = declared.iter().map(|p| p.to_string()).collect();
                assert_eq!(parents, declared, "{ty} is shown inside other types now");
                for parent in &parents {
                    assert!(
                        classified.contains_key(parent) || schema.kinds[parent] == "INTERFACE",
                        "{ty}'s parent {parent} is not in the matrix"
                    );
                }
            }
            Class::Leaf => {
                assert!(schema.leaf(ty), "{ty} leads to other types now");
                assert!(
                    !from_root && !from_live,
                    "{ty} is reached from the root now"
                );
            }
            Class::Root(query) => {
                assert!(from_root, "{ty} is not reached from Query");
                let variables = if query.contains("$s") {
                    json!({ "s": a_supplier })
                } else {
                    json!({ "a": a_dist })
                };
                let staff = app.graphql(query, variables.clone()).await;
                assert!(staff.get("errors").is_none(), "{ty}: {staff}");
                assert!(
                    staff
                        .to_string()
                        .contains(&format!("\"__typename\":\"{ty}\"")),
                    "{ty}: the query does not show the type: {staff}"
                );
                for (who, token) in [("B's user", &w.b_user), ("B's token", &w.b_token)] {
                    let body = app.graphql_as(token, query, variables.clone()).await;
                    for error in body["errors"].as_array().into_iter().flatten() {
                        assert!(
                            matches!(
                                error["extensions"]["code"].as_str(),
                                Some("FORBIDDEN" | "NOT_FOUND")
                            ),
                            "{who}, {ty}: {body}"
                        );
                    }
                    let text = body.to_string();
                    for code in &w.a_codes {
                        // The brand is every partner's trading partner, by name and code.
                        if *code == "BRAND" && *ty == "TradingPartner" {
                            continue;
                        }
                        assert!(
                            !text.contains(code),
                            "{who} sees {code} through {ty}: {text}"
                        );
                    }
                    assert!(!text.contains("A Street"), "{who}, {ty}: {text}");
                }
            }
            Class::Live(field) => {
                assert!(from_live, "{ty} is not a subscription's payload");
                assert!(
                    CLASSES
                        .iter()
                        .filter(|(_, c)| matches!(c, Class::Live(f) if f == field))
                        .count()
                        == 1
                );
            }
        }
    }

    // Live: B subscribes to every topic; A's changes on each reach staff and not B.
    let live: Vec<(&str, &str)> = CLASSES
        .iter()
        .filter_map(|(ty, c)| match c {
            Class::Live(field) => Some((*ty, *field)),
            _ => None,
        })
        .collect();
    let mut staff = Socket::signed_in(&app.address, &app.token).await;
    let mut b = Socket::signed_in(&app.address, &w.b_user).await;
    for (_, field) in &live {
        let query = format!("subscription {{ {field} {{ __typename type }} }}");
        staff.subscribe(field, &query, json!({})).await;
        b.subscribe(field, &query, json!({})).await;
    }
    // On SQLite the relay first reads a second back, for commits of the same instant, so
    // what B's own world committed just before can still arrive: let it, then listen.
    tokio::time::sleep(Duration::from_millis(1300)).await;
    while b.within(Duration::from_millis(50)).await.is_some() {}
    while staff.within(Duration::from_millis(50)).await.is_some() {}
    let placed = app
        .mutate(
            "orderSubmit",
            "order { id }",
            json!({ "buyerId": a_dist, "poNumber": "PO-A-LIVE", "lines": [{ "sku": "MOTOR-1", "quantity": "1" }] }),
        )
        .await;
    let order = placed["order"]["id"].as_str().unwrap().to_owned();
    app.mutate(
        "orderAcknowledge",
        "order { id }",
        json!({ "id": order, "version": 1, "lines": [{ "lineNumber": 1, "decision": "ACCEPT" }] }),
    )
    .await;
    app.mutate(
        "shipmentCreate",
        "shipment { id }",
        json!({ "orderId": order, "version": 2, "carrier": "DHL", "lines": [{ "lineNumber": 1, "quantity": "1" }] }),
    )
    .await;
    app.mutate(
        "caseOpen",
        "case { id }",
        json!({ "organizationId": a_dist, "kind": "COMPLAINT", "category": "PRODUCT_QUALITY", "subject": "A-LIVE case", "severity": "LOW" }),
    )
    .await;
    app.graphql(
        "mutation($org: ID!) { inventoryReportSubmit(input: { organizationId: $org, asOf: \"2026-11-30\", lines: [{ sku: \"MOTOR-1\", onHand: \"4\" }] }) { report { id } } }",
        json!({ "org": a_dist }),
    )
    .await;
    app.mutate(
        "leadCreate",
        "lead { id }",
        json!({ "personName": "A-LIVE lead", "source": "WEBSITE", "capturedAt": chrono::Utc::now().to_rfc3339() }),
    )
    .await;
    app.mutate(
        "invitationCreate",
        "invitation { id }",
        json!({ "email": "a-live@a.test", "name": "A-LIVE invitee", "roles": ["PARTNER_SALES"], "organizationId": a_dist }),
    )
    .await;
    let mut heard: BTreeSet<String> = BTreeSet::new();
    while heard.len() < live.len() {
        match staff.within(Duration::from_secs(10)).await {
            Some(Said::Json(m)) if m["type"] == "next" => {
                let field = m["id"].as_str().unwrap();
                let ty = m["payload"]["data"][field]["__typename"].as_str().unwrap();
                let expected = live.iter().find(|(_, f)| *f == field).unwrap().0;
                assert_eq!(ty, expected);
                heard.insert(field.to_owned());
            }
            other => panic!("staff heard {heard:?} and then {other:?}"),
        }
    }
    match b.within(Duration::from_millis(1500)).await {
        None => {}
        Some(said) => panic!("B heard of A's change: {said:?}"),
    }
}
