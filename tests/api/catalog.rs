//! The catalog and the partner program: products, price lists, tiers and the one price that
//! applies.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

const QUOTE: &str = "query($sku: String!, $q: Decimal!, $buyer: ID) { priceQuote(sku: $sku, quantity: $q, buyerId: $buyer) {
    product { sku } buyer { code } quantity unitPrice { amount currency } lineTotal { amount currency }
    source tier { code } priceList { code } minQuantity } }";

fn uuid_of(id: &str) -> uuid::Uuid {
    channelgraph::ids::GlobalId::parse(id).unwrap().id
}

/// A distributor in tier GOLD (with quantity breaks on WIDGET) and a dealer outside the
/// program.
struct Program {
    distributor: String,
    dealer: String,
    widget: String,
    gold: String,
    silver: String,
}

async fn program(app: &TestApp) -> Program {
    let widget = app.create_product("WIDGET-1", "Widgets", "12.50").await;
    let gadget = app.create_product("GADGET-1", "Gadgets", "99").await;
    let gold_list = app
        .create_price_list(
            "GOLD-2026",
            &[
                (&widget, "1", "10.00"),
                (&widget, "100", "9.1234"),
                (&gadget, "1", "80"),
            ],
        )
        .await;
    let silver_list = app
        .create_price_list("SILVER-2026", &[(&widget, "1", "11.00")])
        .await;
    let gold = app.create_tier("GOLD", &gold_list, 60).await;
    let silver = app.create_tier("SILVER", &silver_list, 30).await;
    let distributor = app
        .create_org("DISTRIBUTOR", "Nordlicht Vertrieb", "DIST-1")
        .await;
    let dealer = app
        .create_org("INTERMEDIATE_CUSTOMER", "Ecke Laden", "DLR-1")
        .await;
    app.link(&distributor, &dealer, "RESELLS_TO").await;
    app.assign_tier(&distributor, &gold).await;
    Program {
        distributor,
        dealer,
        widget,
        gold,
        silver,
    }
}

#[tokio::test]
async fn a_buyer_is_quoted_from_its_tiers_price_list_at_the_quantity_break_reached() {
    let app = spawn_app().await;
    let p = program(&app).await;

    let quote = |q: &'static str| {
        let app = &app;
        let buyer = p.distributor.clone();
        async move {
            app.graphql(QUOTE, json!({ "sku": "widget-1", "q": q, "buyer": buyer }))
                .await
        }
    };
    let body = quote("3").await;
    assert_eq!(
        body["data"]["priceQuote"],
        json!({
            "product": { "sku": "WIDGET-1" }, "buyer": { "code": "DIST-1" }, "quantity": "3",
            "unitPrice": { "amount": "10.00", "currency": "EUR" },
            "lineTotal": { "amount": "30.00", "currency": "EUR" },
            "source": "TIER_PRICE_LIST", "tier": { "code": "GOLD" },
            "priceList": { "code": "GOLD-2026" }, "minQuantity": "1"
        }),
        "{body}"
    );
    // From 100 on the break applies; the line total is rounded half-even to cents.
    let body = quote("150").await;
    let q = &body["data"]["priceQuote"];
    assert_eq!(q["unitPrice"]["amount"], "9.1234");
    assert_eq!(q["lineTotal"]["amount"], "1368.51");
    assert_eq!(q["minQuantity"], "100");

    // The dealer is outside the program: the list price.
    let body = app
        .graphql(
            QUOTE,
            json!({ "sku": "WIDGET-1", "q": "2", "buyer": p.dealer }),
        )
        .await;
    let q = &body["data"]["priceQuote"];
    assert_eq!(q["source"], "LIST_PRICE", "{body}");
    assert_eq!(q["unitPrice"]["amount"], "12.50");
    assert_eq!(q["lineTotal"]["amount"], "25.00");
    assert_eq!(q["tier"], Value::Null);
}

#[tokio::test]
async fn a_portal_user_is_quoted_for_its_own_organization_only() {
    let app = spawn_app().await;
    let p = program(&app).await;
    app.create_user(
        "buyer@dist-1.test",
        "buyer password 1",
        crate::helpers::PARTNER_MEMBER,
        Some(uuid_of(&p.distributor)),
    )
    .await;
    let token = app.token_for("buyer@dist-1.test", "buyer password 1").await;

    let body = app
        .graphql_as(&token, QUOTE, json!({ "sku": "WIDGET-1", "q": "1" }))
        .await;
    assert_eq!(body["data"]["priceQuote"]["unitPrice"]["amount"], "10.00");
    assert_eq!(body["data"]["priceQuote"]["buyer"]["code"], "DIST-1");

    let body = app
        .graphql_as(
            &token,
            QUOTE,
            json!({ "sku": "WIDGET-1", "q": "1", "buyer": p.dealer }),
        )
        .await;
    assert_eq!(body["data"], Value::Null, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND");
    assert_eq!(body["errors"][0]["extensions"]["field"], "buyerId");

    // Partners see their own tier's price list only; tiers are public terms.
    let body = app
        .graphql_as(
            &token,
            "{ priceLists { totalCount nodes { code entries { product { sku } minQuantity unitPrice { amount } } } }
               partnerTiers { nodes { code paymentTermsDays priceList { code } } } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["priceLists"]["totalCount"], 1, "{body}");
    assert_eq!(body["data"]["priceLists"]["nodes"][0]["code"], "GOLD-2026");
    assert_eq!(
        body["data"]["partnerTiers"]["nodes"],
        json!([
            { "code": "GOLD", "paymentTermsDays": 60, "priceList": { "code": "GOLD-2026" } },
            { "code": "SILVER", "paymentTermsDays": 30, "priceList": null }
        ])
    );
    // Partners cannot change the catalog.
    let body = app
        .graphql_as(
            &token,
            "mutation { productCreate(input: { sku: \"X-1\", name: \"X\", productLine: \"Widgets\", unit: EACH, listPrice: { amount: \"1\", currency: \"EUR\" } }) { product { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");
}

#[tokio::test]
async fn tier_membership_keeps_its_history() {
    let app = spawn_app().await;
    let p = program(&app).await;
    app.assign_tier(&p.distributor, &p.silver).await;
    let body = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Distributor { partnerTier { code }
                tierHistory { tier { code } startedAt endedAt assignedBy { email } } } } }",
            json!({ "id": p.distributor }),
        )
        .await;
    let org = &body["data"]["node"];
    assert_eq!(org["partnerTier"]["code"], "SILVER", "{body}");
    let history = org["tierHistory"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["tier"]["code"], "SILVER");
    assert_eq!(history[0]["endedAt"], Value::Null);
    assert_eq!(history[1]["tier"]["code"], "GOLD");
    // No gap and no overlap: the old membership ends when the new one starts.
    assert_eq!(history[1]["endedAt"], history[0]["startedAt"]);
    assert_eq!(history[0]["assignedBy"]["email"], "admin@channelgraph.test");

    // The quote follows the tier the buyer is in now.
    let body = app
        .graphql(
            QUOTE,
            json!({ "sku": "WIDGET-1", "q": "1", "buyer": p.distributor }),
        )
        .await;
    assert_eq!(body["data"]["priceQuote"]["unitPrice"]["amount"], "11.00");

    // Leaving the program ends the membership; the history stays.
    let version = app.version_of(&p.distributor).await;
    let body = app
        .mutate(
            "partnerTierAssign",
            "organization { ... on Distributor { partnerTier { code } tierHistory { endedAt } } }",
            json!({ "organizationId": p.distributor, "version": version, "tierId": null, "note": "left the program" }),
        )
        .await;
    assert_eq!(body["organization"]["partnerTier"], Value::Null, "{body}");
    assert_eq!(
        body["organization"]["tierHistory"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["endedAt"].is_null())
            .count(),
        0
    );
    let _ = p.gold;
}

#[tokio::test]
async fn quotes_refuse_what_cannot_be_sold_or_priced() {
    let app = spawn_app().await;
    let p = program(&app).await;
    let error = |body: &Value| {
        (
            body["errors"][0]["extensions"]["reason"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            body["errors"][0]["extensions"]["field"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        )
    };

    let body = app
        .graphql(
            QUOTE,
            json!({ "sku": "NOPE", "q": "1", "buyer": p.distributor }),
        )
        .await;
    assert_eq!(error(&body), ("NOT_FOUND".into(), "sku".into()), "{body}");

    for q in [json!("0"), json!("-2"), json!("1000001")] {
        let body = app
            .graphql(
                QUOTE,
                json!({ "sku": "WIDGET-1", "q": q, "buyer": p.distributor }),
            )
            .await;
        assert_eq!(
            error(&body),
            ("OUT_OF_RANGE".into(), "quantity".into()),
            "{body}"
        );
    }
    // A float cannot carry an exact decimal.
    let body = app
        .graphql(
            QUOTE,
            json!({ "sku": "WIDGET-1", "q": 1.5, "buyer": p.distributor }),
        )
        .await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("send decimals as strings"),
        "{body}"
    );

    // An inactive product.
    let version = app.version_of(&p.widget).await;
    let body = app
        .mutate(
            "productUpdate",
            "product { status }",
            json!({ "id": p.widget, "version": version, "status": "INACTIVE" }),
        )
        .await;
    assert_eq!(body["product"]["status"], "INACTIVE");
    let body = app
        .graphql(
            QUOTE,
            json!({ "sku": "WIDGET-1", "q": "1", "buyer": p.distributor }),
        )
        .await;
    assert_eq!(error(&body), ("INACTIVE".into(), "sku".into()), "{body}");

    // A tier whose price list has expired: no price rather than a guess.
    let body = app
        .graphql(
            "{ priceLists(first: 1) { nodes { id version } } }",
            json!({}),
        )
        .await;
    let list = &body["data"]["priceLists"]["nodes"][0];
    let body = app
        .mutate(
            "priceListUpdate",
            "priceList { validUntil }",
            json!({ "id": list["id"], "version": list["version"], "validUntil": "2021-12-31" }),
        )
        .await;
    assert_eq!(body["priceList"]["validUntil"], "2021-12-31", "{body}");
    let body = app
        .graphql(
            QUOTE,
            json!({ "sku": "GADGET-1", "q": "1", "buyer": p.distributor }),
        )
        .await;
    assert_eq!(
        error(&body),
        ("NO_PRICE_LIST".into(), "buyerId".into()),
        "{body}"
    );
}

#[tokio::test]
async fn catalog_inputs_are_checked_field_by_field() {
    let app = spawn_app().await;
    app.create_product("WIDGET-1", "Widgets", "12.50").await;
    let create = |input: Value| {
        let app = &app;
        async move {
            let mut base = json!({ "sku": "NEW-1", "name": "New", "productLine": "Widgets", "unit": "EACH",
                                   "listPrice": { "amount": "1.00", "currency": "EUR" } });
            for (k, v) in input.as_object().unwrap() {
                base[k] = v.clone();
            }
            app.mutate("productCreate", "product { id }", base).await["userErrors"][0].clone()
        }
    };
    let cases = [
        (json!({ "sku": "widget-1" }), "sku", "TAKEN"),
        (json!({ "sku": "has space" }), "sku", "INVALID"),
        (json!({ "gtin": "4006381333932" }), "gtin", "INVALID"),
        (
            json!({ "listPrice": { "amount": "0", "currency": "EUR" } }),
            "listPrice.amount",
            "OUT_OF_RANGE",
        ),
        (
            json!({ "listPrice": { "amount": "-5", "currency": "EUR" } }),
            "listPrice.amount",
            "OUT_OF_RANGE",
        ),
        (
            json!({ "listPrice": { "amount": "1.005", "currency": "EUR" } }),
            "listPrice.amount",
            "INVALID",
        ),
        (
            json!({ "listPrice": { "amount": "100", "currency": "JPY" } }),
            "",
            "",
        ),
        (
            json!({ "listPrice": { "amount": "100.5", "currency": "JPY" } }),
            "listPrice.amount",
            "INVALID",
        ),
        (
            json!({ "listPrice": { "amount": "1", "currency": "XXX" } }),
            "listPrice.currency",
            "INVALID",
        ),
        (
            json!({ "listPrice": { "amount": "2000000000", "currency": "EUR" } }),
            "listPrice.amount",
            "OUT_OF_RANGE",
        ),
    ];
    for (i, (input, field, code)) in cases.into_iter().enumerate() {
        let mut input = input;
        if input.get("sku").is_none() {
            input["sku"] = json!(format!("CASE-{i}"));
        }
        let error = create(input.clone()).await;
        if code.is_empty() {
            assert_eq!(error, Value::Null, "{input}");
            continue;
        }
        let expected_field: Vec<String> = std::iter::once("input".to_owned())
            .chain(field.split('.').map(str::to_owned))
            .collect();
        assert_eq!(error["code"], code, "{input}: {error}");
        assert_eq!(error["field"], json!(expected_field), "{input}: {error}");
    }

    // Price lists: a price twice for the same break, an unknown product, a zero price.
    let widget = app
        .graphql("{ product(sku: \"WIDGET-1\") { id } }", json!({}))
        .await["data"]["product"]["id"]
        .clone();
    let list = |entries: Value| {
        let app = &app;
        async move {
            app.mutate(
                "priceListCreate",
                "priceList { id }",
                json!({ "code": "PL-1", "name": "PL", "currency": "EUR", "validFrom": "2026-01-01", "entries": entries }),
            )
            .await["userErrors"][0]
                .clone()
        }
    };
    let error = list(json!([{ "productId": widget, "unitPrice": "1" }, { "productId": widget, "unitPrice": "2" }])).await;
    assert_eq!(error["code"], "TAKEN");
    assert_eq!(
        error["field"],
        json!(["input", "entries", "1", "minQuantity"])
    );
    let error = list(json!([{ "productId": widget, "unitPrice": "0" }])).await;
    assert_eq!(error["code"], "OUT_OF_RANGE");
    assert_eq!(
        error["field"],
        json!(["input", "entries", "0", "unitPrice"])
    );
    let error = list(json!([{ "productId": widget, "unitPrice": "0.12345" }])).await;
    assert_eq!(error["code"], "INVALID");
    let body = app
        .graphql("{ priceLists { totalCount } }", json!({}))
        .await;
    assert_eq!(
        body["data"]["priceLists"]["totalCount"], 0,
        "nothing was half written"
    );

    // Tiers: only distributors and dealers join; unknown product lines are named.
    let list_id = app.create_price_list("PL-2", &[]).await;
    let body = app
        .mutate(
            "partnerTierCreate",
            "partnerTier { id }",
            json!({ "code": "GOLD", "name": "Gold", "rank": 3, "priceListId": list_id, "paymentTermsDays": 400 }),
        )
        .await;
    assert_eq!(body["userErrors"][0]["code"], "OUT_OF_RANGE");
    let body = app
        .mutate(
            "partnerTierCreate",
            "partnerTier { id }",
            json!({ "code": "GOLD", "name": "Gold", "rank": 3, "priceListId": list_id, "paymentTermsDays": 30, "requiredProductLines": ["Widgets", "Gizmos"] }),
        )
        .await;
    assert_eq!(
        body["userErrors"][0]["field"],
        json!(["input", "requiredProductLines", "1"])
    );
    let tier = app.create_tier("GOLD", &list_id, 30).await;
    let customer = app.create_org("END_CUSTOMER", "Jane Doe", "CUST-1").await;
    let body = app
        .mutate(
            "partnerTierAssign",
            "organization { id }",
            json!({ "organizationId": customer, "version": 1, "tierId": tier }),
        )
        .await;
    assert_eq!(body["userErrors"][0]["code"], "NOT_ALLOWED", "{body}");
}

#[tokio::test]
async fn a_supplier_sees_the_products_it_makes_and_their_specifications() {
    let app = spawn_app().await;
    let maker = app.create_org("SUPPLIER", "Teile GmbH", "SUP-1").await;
    let other = app.create_org("SUPPLIER", "Andere AG", "SUP-2").await;
    let distributor = app.create_org("DISTRIBUTOR", "Vertrieb", "DIST-1").await;
    let body = app
        .mutate(
            "productCreate",
            "product { id suppliers { supplier { code } partNumber } }",
            json!({ "sku": "MOTOR-1", "name": "Motor", "productLine": "Motors", "unit": "EACH", "gtin": "4006381333931",
                    "listPrice": { "amount": "250", "currency": "EUR" },
                    "suppliers": [{ "supplierId": maker, "partNumber": "T-991" }] }),
        )
        .await;
    assert_eq!(
        body["product"]["suppliers"],
        json!([{ "supplier": { "code": "SUP-1" }, "partNumber": "T-991" }])
    );
    let motor = body["product"]["id"].as_str().unwrap().to_owned();
    app.create_product("OTHER-1", "Other", "5").await;
    let body = app
        .mutate(
            "productSpecCreate",
            "specification { id kind name value }",
            json!({ "productId": motor, "kind": "ATTRIBUTE", "name": "Torque", "value": "12 Nm ± 0.5" }),
        )
        .await;
    let spec = body["specification"]["id"].as_str().unwrap().to_owned();

    for (org, email) in [
        (&maker, "maker@sup-1.test"),
        (&other, "other@sup-2.test"),
        (&distributor, "buyer@dist-1.test"),
    ] {
        app.create_user(
            email,
            "partner password",
            crate::helpers::PARTNER_MEMBER,
            Some(uuid_of(org)),
        )
        .await;
    }
    let query = "query($spec: ID!) { products { totalCount nodes { sku suppliers { supplier { code } } specifications { name value } } }
                 spec: node(id: $spec) { id } }";
    let as_maker = app.token_for("maker@sup-1.test", "partner password").await;
    let body = app
        .graphql_as(&as_maker, query, json!({ "spec": spec }))
        .await;
    assert_eq!(
        body["data"]["products"],
        json!({ "totalCount": 1, "nodes": [{ "sku": "MOTOR-1", "suppliers": [{ "supplier": { "code": "SUP-1" } }],
                "specifications": [{ "name": "Torque", "value": "12 Nm ± 0.5" }] }] }),
        "{body}"
    );
    assert_eq!(body["data"]["spec"]["id"], spec);

    let as_other = app.token_for("other@sup-2.test", "partner password").await;
    let body = app
        .graphql_as(&as_other, query, json!({ "spec": spec }))
        .await;
    assert_eq!(body["data"]["products"]["totalCount"], 0, "{body}");
    assert_eq!(body["data"]["spec"], Value::Null);

    // A buying partner sees the catalog, but not who makes it or its specifications.
    let as_buyer = app.token_for("buyer@dist-1.test", "partner password").await;
    let body = app
        .graphql_as(&as_buyer, query, json!({ "spec": spec }))
        .await;
    assert_eq!(body["data"]["products"]["totalCount"], 2, "{body}");
    let text = body.to_string();
    assert!(
        !text.contains("SUP-1") && !text.contains("Torque"),
        "{text}"
    );
    assert_eq!(body["data"]["spec"], Value::Null);
}
