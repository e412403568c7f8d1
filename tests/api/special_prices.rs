//! Special pricing agreements: a distributor asks for a price below its own for an end
//! customer's deal, and the brand authorises it with prices, caps and an authorisation
//! number, or refuses it.

use chrono::Days;
use serde_json::{Value, json};

use crate::bola::uuid_of;
use crate::helpers::{TestApp, spawn_app};
use crate::orders::{Trade, mutate_as, trade};

const AGREEMENT: &str = "specialPrice { id number status currency validFrom validUntil note decisionNote version
    distributor { code } endCustomer { code }
    lines { lineNumber product { sku } quantity tierPrice { amount } requestedPrice { amount }
            requestedDiscountPercent authorizedPrice { amount currency } quantityCap consumedQuantity remainingQuantity } }";

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// The distributor of `trade` and an end customer it serves.
pub async fn served_customer(app: &TestApp, t: &Trade) -> String {
    let customer = app
        .create_org("END_CUSTOMER", "Stadtwerke Nord", "CUST-1")
        .await;
    app.link(&t.distributor, &customer, "SERVES").await;
    customer
}

async fn request(app: &TestApp, token: &str, input: Value) -> Value {
    mutate_as(
        app,
        token,
        "specialPriceRequest",
        "SpecialPriceRequestInput",
        AGREEMENT,
        input,
    )
    .await
}

fn asked(customer: &str, lines: Value) -> Value {
    json!({ "endCustomerId": customer, "validFrom": today().to_string(),
            "validUntil": (today() + Days::new(90)).to_string(), "lines": lines, "note": "Tender 2027" })
}

#[tokio::test]
async fn a_distributor_asks_for_a_special_price_and_the_brand_authorises_it_with_caps() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let customer = served_customer(&app, &t).await;
    // WIDGET-1 costs the distributor 9.1234 from 100 up; GADGET-1 costs it 80.
    let made = request(
        &app,
        &t.portal,
        asked(
            &customer,
            json!([{ "sku": "widget-1", "quantity": "500", "netPrice": "8.50" },
                   { "sku": "GADGET-1", "quantity": "20", "discountPercent": "12.5" }]),
        ),
    )
    .await;
    assert_eq!(made["userErrors"], json!([]), "{made}");
    let spa = &made["specialPrice"];
    assert_eq!(spa["status"], "REQUESTED");
    assert_eq!(spa["number"], Value::Null);
    assert_eq!(spa["currency"], "EUR");
    assert_eq!(spa["distributor"]["code"], "DIST-1");
    assert_eq!(spa["endCustomer"]["code"], "CUST-1");
    assert_eq!(
        spa["lines"],
        json!([
            { "lineNumber": 1, "product": { "sku": "WIDGET-1" }, "quantity": "500", "tierPrice": { "amount": "9.1234" },
              "requestedPrice": { "amount": "8.50" }, "requestedDiscountPercent": null, "authorizedPrice": null,
              "quantityCap": null, "consumedQuantity": "0", "remainingQuantity": null },
            { "lineNumber": 2, "product": { "sku": "GADGET-1" }, "quantity": "20", "tierPrice": { "amount": "80.00" },
              "requestedPrice": null, "requestedDiscountPercent": "12.5", "authorizedPrice": null,
              "quantityCap": null, "consumedQuantity": "0", "remainingQuantity": null }
        ])
    );
    let id = spa["id"].as_str().unwrap().to_owned();

    // The brand caps the widgets at 400 and leaves the gadgets as asked: 80 less 12.5 %.
    let approved = app
        .mutate(
            "specialPriceApprove",
            AGREEMENT,
            json!({ "id": id, "version": 1, "note": "For the 2027 tender only",
                    "lines": [{ "lineNumber": 1, "quantityCap": "400" }] }),
        )
        .await;
    assert_eq!(approved["userErrors"], json!([]), "{approved}");
    let spa = &approved["specialPrice"];
    assert_eq!(spa["status"], "APPROVED");
    assert_eq!(spa["number"], "SPA-000001");
    assert_eq!(spa["decisionNote"], "For the 2027 tender only");
    let line = |n: usize, field: &str| spa["lines"][n][field].clone();
    assert_eq!(
        line(0, "authorizedPrice"),
        json!({ "amount": "8.50", "currency": "EUR" })
    );
    assert_eq!(line(0, "quantityCap"), "400");
    assert_eq!(line(0, "remainingQuantity"), "400");
    assert_eq!(
        line(1, "authorizedPrice"),
        json!({ "amount": "70.00", "currency": "EUR" })
    );
    assert_eq!(line(1, "quantityCap"), "20");

    // The distributor finds it among those usable today; decided once only.
    let body = app
        .graphql_as(
            &t.portal,
            "query($day: Date) { specialPrices(filter: { usableOn: $day }) { totalCount nodes { number } } }",
            json!({ "day": today().to_string() }),
        )
        .await;
    assert_eq!(
        body["data"]["specialPrices"],
        json!({ "totalCount": 1, "nodes": [{ "number": "SPA-000001" }] }),
        "{body}"
    );
    let again = app
        .mutate(
            "specialPriceReject",
            "specialPrice { id }",
            json!({ "id": id, "version": 2, "reason": "Changed our mind" }),
        )
        .await;
    assert_eq!(
        again["userErrors"][0]["code"], "ILLEGAL_TRANSITION",
        "{again}"
    );

    // Each step is an event for the distributor.
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let events = entity::event::Entity::find()
        .filter(entity::event::Column::EventType.starts_with("SPECIAL_PRICE"))
        .order_by_asc(entity::event::Column::OccurredAt)
        .all(&app.db)
        .await
        .unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(kinds, ["SPECIAL_PRICE_REQUESTED", "SPECIAL_PRICE_APPROVED"]);
    assert_eq!(events[1].audience, uuid_of(&t.distributor).to_string());
    let data: Value = serde_json::from_str(&events[1].payload).unwrap();
    assert_eq!(data["data"]["specialPrice"]["number"], "SPA-000001");
    assert_eq!(
        data["data"]["lines"][1]["authorizedPrice"]["amount"],
        "70.00"
    );
}

#[tokio::test]
async fn the_brand_refuses_with_a_reason_and_only_its_admins_and_managers_decide() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let customer = served_customer(&app, &t).await;
    let made = request(
        &app,
        &t.portal,
        asked(
            &customer,
            json!([{ "sku": "GADGET-1", "quantity": "5", "netPrice": "70" }]),
        ),
    )
    .await;
    let id = made["specialPrice"]["id"].as_str().unwrap().to_owned();
    // The distributor does not decide its own; staff need a reason to refuse.
    let body = app
        .graphql_as(
            &t.portal,
            "mutation($input: SpecialPriceApproveInput!) { specialPriceApprove(input: $input) { specialPrice { id } } }",
            json!({ "input": { "id": id, "version": 1 } }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    let refused = app
        .mutate(
            "specialPriceReject",
            "specialPrice { id }",
            json!({ "id": id, "version": 1, "reason": "  " }),
        )
        .await;
    assert_eq!(
        refused["userErrors"][0]["field"],
        json!(["input", "reason"])
    );
    // Approving above the distributor's own price, or a line it does not have, is refused.
    for (lines, field, code) in [
        (
            json!([{ "lineNumber": 1, "price": "80" }]),
            "price",
            "OUT_OF_RANGE",
        ),
        (
            json!([{ "lineNumber": 2, "price": "60" }]),
            "lineNumber",
            "NOT_FOUND",
        ),
        (
            json!([{ "lineNumber": 1, "quantityCap": "0" }]),
            "quantityCap",
            "OUT_OF_RANGE",
        ),
        (
            json!([{ "lineNumber": 1, "quantityCap": "6" }]),
            "quantityCap",
            "OUT_OF_RANGE",
        ),
    ] {
        let body = app
            .mutate(
                "specialPriceApprove",
                "specialPrice { id }",
                json!({ "id": id, "version": 1, "lines": lines }),
            )
            .await;
        assert_eq!(
            (
                body["userErrors"][0]["field"].clone(),
                body["userErrors"][0]["code"].clone()
            ),
            (json!(["input", "lines", "0", field]), json!(code)),
            "{body}"
        );
    }
    // Nor may the approval end the agreement before it starts.
    let body = app
        .mutate(
            "specialPriceApprove",
            "specialPrice { id }",
            json!({ "id": id, "version": 1, "validUntil": (today() - Days::new(1)).to_string() }),
        )
        .await;
    assert_eq!(
        (
            body["userErrors"][0]["field"].clone(),
            body["userErrors"][0]["code"].clone()
        ),
        (json!(["input", "validUntil"]), json!("INVALID")),
        "{body}"
    );
    let rejected = app
        .mutate(
            "specialPriceReject",
            AGREEMENT,
            json!({ "id": id, "version": 1, "reason": "Margin too thin" }),
        )
        .await;
    assert_eq!(rejected["userErrors"], json!([]), "{rejected}");
    assert_eq!(rejected["specialPrice"]["status"], "REJECTED");
    assert_eq!(rejected["specialPrice"]["number"], Value::Null);
    assert_eq!(rejected["specialPrice"]["decisionNote"], "Margin too thin");
    let body = app
        .graphql_as(
            &t.portal,
            "query($id: ID!) { node(id: $id) { ... on SpecialPrice { status decisionNote lines { authorizedPrice { amount } } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        body["data"]["node"],
        json!({ "status": "REJECTED", "decisionNote": "Margin too thin", "lines": [{ "authorizedPrice": null }] }),
        "{body}"
    );
}

#[tokio::test]
async fn a_bad_request_names_its_field_and_writes_nothing() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let customer = served_customer(&app, &t).await;
    let elsewhere = app
        .create_org("END_CUSTOMER", "Fremde Kundin", "CUST-9")
        .await;
    let line = |v: Value| asked(&customer, json!([v]));
    let yesterday = (today() - Days::new(1)).to_string();
    let cases: Vec<(Value, Vec<&str>, &str)> = vec![
        (
            line(json!({ "sku": "GADGET-1", "quantity": "5", "netPrice": "80" })),
            vec!["lines", "0", "netPrice"],
            "OUT_OF_RANGE",
        ),
        (
            line(
                json!({ "sku": "GADGET-1", "quantity": "5", "netPrice": "70", "discountPercent": "5" }),
            ),
            vec!["lines", "0", "discountPercent"],
            "INVALID",
        ),
        (
            line(json!({ "sku": "GADGET-1", "quantity": "5" })),
            vec!["lines", "0", "netPrice"],
            "REQUIRED",
        ),
        (
            line(json!({ "sku": "GADGET-1", "quantity": "5", "discountPercent": "100" })),
            vec!["lines", "0", "discountPercent"],
            "OUT_OF_RANGE",
        ),
        (
            line(json!({ "sku": "GADGET-1", "quantity": "5", "discountPercent": "2.12345" })),
            vec!["lines", "0", "discountPercent"],
            "INVALID",
        ),
        (
            line(json!({ "sku": "NOPE-1", "quantity": "5", "netPrice": "1" })),
            vec!["lines", "0", "sku"],
            "NOT_FOUND",
        ),
        (
            line(json!({ "sku": "GADGET-1", "quantity": "0", "netPrice": "1" })),
            vec!["lines", "0", "quantity"],
            "OUT_OF_RANGE",
        ),
        (
            asked(
                &customer,
                json!([{ "sku": "GADGET-1", "quantity": "1", "netPrice": "1" },
                       { "sku": "gadget-1", "quantity": "1", "netPrice": "1" }]),
            ),
            vec!["lines", "1", "sku"],
            "DUPLICATE",
        ),
        (asked(&customer, json!([])), vec!["lines"], "REQUIRED"),
        (
            json!({ "endCustomerId": customer, "validFrom": "2100-01-01", "validUntil": "2100-06-01",
                    "lines": [{ "sku": "GADGET-1", "quantity": "1", "netPrice": "1" }] }),
            vec!["validUntil"],
            "OUT_OF_RANGE",
        ),
        (
            json!({ "endCustomerId": customer, "validFrom": today().to_string(), "validUntil": yesterday,
                    "lines": [{ "sku": "GADGET-1", "quantity": "1", "netPrice": "1" }] }),
            vec!["validUntil"],
            "INVALID",
        ),
        (
            json!({ "endCustomerId": customer, "validFrom": today().to_string(), "validUntil": (today() + Days::new(800)).to_string(),
                    "lines": [{ "sku": "GADGET-1", "quantity": "1", "netPrice": "1" }] }),
            vec!["validUntil"],
            "OUT_OF_RANGE",
        ),
        (
            asked(
                &t.dealer,
                json!([{ "sku": "GADGET-1", "quantity": "1", "netPrice": "1" }]),
            ),
            vec!["endCustomerId"],
            "NOT_ALLOWED",
        ),
        (
            asked(
                &elsewhere,
                json!([{ "sku": "GADGET-1", "quantity": "1", "netPrice": "1" }]),
            ),
            vec!["endCustomerId"],
            "NOT_FOUND",
        ),
    ];
    for (input, field, code) in cases {
        let body = request(&app, &t.portal, input.clone()).await;
        let mut expected = vec!["input"];
        expected.extend(field);
        assert_eq!(
            (
                body["userErrors"][0]["field"].clone(),
                body["userErrors"][0]["code"].clone()
            ),
            (json!(expected), json!(code)),
            "{input}: {body}"
        );
        assert_eq!(body["specialPrice"], Value::Null);
    }
    // Staff do not ask on a distributor's behalf.
    let body = app
        .graphql(
            "mutation($input: SpecialPriceRequestInput!) { specialPriceRequest(input: $input) { specialPrice { id } } }",
            json!({ "input": asked(&customer, json!([{ "sku": "GADGET-1", "quantity": "1", "netPrice": "1" }])) }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    let body = app
        .graphql("{ specialPrices { totalCount } }", json!({}))
        .await;
    assert_eq!(
        body["data"]["specialPrices"]["totalCount"], 0,
        "nothing was written"
    );

    // A customer the distributor does not serve, but whose deal the brand approved for it,
    // may be priced through that deal, and only through it.
    let deal = mutate_as(
        &app,
        &t.portal,
        "dealRegister",
        "DealRegisterInput",
        "dealRegistration { id }",
        json!({ "customerName": "Fremde Kundin", "lines": [{ "sku": "GADGET-1", "quantity": "2" }],
                "amount": { "amount": "150", "currency": "EUR" } }),
    )
    .await;
    let deal = deal["dealRegistration"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{deal}"))
        .to_owned();
    let approved = app
        .mutate(
            "dealApprove",
            "dealRegistration { id }",
            json!({ "id": deal, "version": 1, "customerId": elsewhere }),
        )
        .await;
    assert_eq!(approved["userErrors"], json!([]), "{approved}");
    let one_gadget = json!([{ "sku": "GADGET-1", "quantity": "2", "netPrice": "75" }]);
    let mut through_deal = asked(&elsewhere, one_gadget.clone());
    through_deal["dealRegistrationId"] = json!(deal);
    let made = request(&app, &t.portal, through_deal).await;
    assert_eq!(made["userErrors"], json!([]), "{made}");
    // A sales person names only its own deals: a colleague's is not there for it.
    app.create_user(
        "seller@dist-1.test",
        "seller password 1",
        entity::enums::UserRole::PartnerSales,
        Some(uuid_of(&t.distributor)),
    )
    .await;
    let seller = app
        .token_for("seller@dist-1.test", "seller password 1")
        .await;
    let mut colleagues = asked(&elsewhere, one_gadget.clone());
    colleagues["dealRegistrationId"] = json!(deal);
    let refused = request(&app, &seller, colleagues).await;
    assert_eq!(
        (
            refused["userErrors"][0]["code"].clone(),
            refused["userErrors"][0]["message"].clone()
        ),
        (
            json!("NOT_FOUND"),
            json!("none of your deal registrations has this id")
        ),
        "{refused}"
    );
    let mut wrong_customer = asked(&customer, one_gadget);
    wrong_customer["dealRegistrationId"] = json!(deal);
    let refused = request(&app, &t.portal, wrong_customer).await;
    assert_eq!(
        (
            refused["userErrors"][0]["field"].clone(),
            refused["userErrors"][0]["code"].clone()
        ),
        (json!(["input", "dealRegistrationId"]), json!("NOT_ALLOWED")),
        "{refused}"
    );
}

/// An approved agreement for `customer`: 500 widgets at 8.50 capped at `cap`, and 20
/// gadgets at 12.5 % off 80, valid from `from` for 90 days. Answers its id.
pub async fn authorised(
    app: &TestApp,
    t: &Trade,
    customer: &str,
    cap: &str,
    from: chrono::NaiveDate,
) -> String {
    let mut input = asked(
        customer,
        json!([{ "sku": "WIDGET-1", "quantity": "500", "netPrice": "8.50" },
               { "sku": "GADGET-1", "quantity": "20", "discountPercent": "12.5" }]),
    );
    input["validFrom"] = json!(from.to_string());
    input["validUntil"] = json!((from + Days::new(90)).to_string());
    let made = request(app, &t.portal, input).await;
    assert_eq!(made["userErrors"], json!([]), "{made}");
    let id = made["specialPrice"]["id"].as_str().unwrap().to_owned();
    let approved = app
        .mutate(
            "specialPriceApprove",
            "specialPrice { number }",
            json!({ "id": id, "version": 1, "lines": [{ "lineNumber": 1, "quantityCap": cap }] }),
        )
        .await;
    assert_eq!(approved["userErrors"], json!([]), "{approved}");
    id
}

const BOUGHT: &str =
    "order { id number status version total { amount } specialPrice { number } endCustomer { code }
    lines { lineNumber quantity unitPrice { amount } priceSource } }";

async fn buy(app: &TestApp, t: &Trade, input: Value) -> Value {
    mutate_as(
        app,
        &t.portal,
        "orderSubmit",
        "OrderSubmitInput",
        BOUGHT,
        input,
    )
    .await
}

/// Each line's consumed and remaining quantity.
async fn drawn(app: &TestApp, t: &Trade, id: &str) -> Vec<(String, String)> {
    let body = app
        .graphql_as(
            &t.portal,
            "query($id: ID!) { node(id: $id) { ... on SpecialPrice { lines { consumedQuantity remainingQuantity } } } }",
            json!({ "id": id }),
        )
        .await;
    body["data"]["node"]["lines"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|l| {
            (
                l["consumedQuantity"].as_str().unwrap().to_owned(),
                l["remainingQuantity"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn error_of(payload: &Value) -> (String, String) {
    let e = &payload["userErrors"][0];
    (
        e["field"]
            .as_array()
            .unwrap_or_else(|| panic!("{payload}"))
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect::<Vec<_>>()
            .join("."),
        e["code"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn an_order_that_names_an_approved_special_price_is_priced_by_it_and_draws_on_its_caps() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let customer = served_customer(&app, &t).await;
    let id = authorised(&app, &t, &customer, "400", today()).await;

    // The quote shows the authorised price and what the cap has left.
    let quote = "query($s: String, $c: ID) { priceQuote(sku: \"WIDGET-1\", quantity: \"150\", specialPrice: $s, endCustomerId: $c) {
        unitPrice { amount } lineTotal { amount } source priceList { code } specialPrice { number } specialPriceLeft } }";
    let body = app
        .graphql_as(
            &t.portal,
            quote,
            json!({ "s": " spa-000001 ", "c": customer }),
        )
        .await;
    assert_eq!(
        body["data"]["priceQuote"],
        json!({ "unitPrice": { "amount": "8.50" }, "lineTotal": { "amount": "1275.00" }, "source": "SPECIAL_PRICE",
                "priceList": null, "specialPrice": { "number": "SPA-000001" }, "specialPriceLeft": "400" }),
        "{body}"
    );
    let body = app
        .graphql_as(&t.portal, quote, json!({ "s": "SPA-000001" }))
        .await;
    assert_eq!(
        (
            &body["errors"][0]["extensions"]["reason"],
            &body["errors"][0]["extensions"]["field"]
        ),
        (&json!("REQUIRED"), &json!("endCustomerId")),
        "{body}"
    );

    // The order prices the widgets and the gadgets by it.
    let order = |po: &str, widgets: &str, gadgets: &str| {
        json!({ "poNumber": po, "specialPrice": "SPA-000001", "endCustomerId": customer,
                "lines": [{ "sku": "WIDGET-1", "quantity": widgets }, { "sku": "GADGET-1", "quantity": gadgets }] })
    };
    let placed = buy(&app, &t, order("PO-SPA-1", "150", "5")).await;
    assert_eq!(placed["userErrors"], json!([]), "{placed}");
    let o = &placed["order"];
    assert_eq!(o["specialPrice"]["number"], "SPA-000001");
    assert_eq!(o["endCustomer"]["code"], "CUST-1");
    assert_eq!(
        o["lines"],
        json!([
            { "lineNumber": 1, "quantity": "150", "unitPrice": { "amount": "8.50" }, "priceSource": "SPECIAL_PRICE" },
            { "lineNumber": 2, "quantity": "5", "unitPrice": { "amount": "70.00" }, "priceSource": "SPECIAL_PRICE" }
        ])
    );
    // 150 × 8.50 + 5 × 70.00, no tax.
    assert_eq!(o["total"]["amount"], "1625.00");
    let first = o["id"].as_str().unwrap().to_owned();
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        drawn(&app, &t, &id).await,
        pairs(&[("150", "250"), ("5", "15")])
    );

    // Sent again, it is the same order and draws nothing more.
    let again = buy(&app, &t, order("PO-SPA-1", "150", "5")).await;
    assert_eq!(again["order"]["id"], json!(first), "{again}");
    assert_eq!(
        drawn(&app, &t, &id).await,
        pairs(&[("150", "250"), ("5", "15")])
    );

    // More than a cap has left is refused at the line, and draws nothing.
    let over = buy(&app, &t, order("PO-SPA-2", "251", "1")).await;
    assert_eq!(
        error_of(&over),
        ("input.lines.0.quantity".into(), "OUT_OF_RANGE".into()),
        "{over}"
    );
    assert!(
        over["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("SPA-000001 has 250 EA of WIDGET-1 left"),
        "{over}"
    );
    // Another end customer, no end customer, an unknown number, another seller.
    let other = app.create_org("END_CUSTOMER", "Hafen Süd", "CUST-2").await;
    let mut wrong = order("PO-SPA-3", "1", "1");
    wrong["endCustomerId"] = json!(other);
    let refused = buy(&app, &t, wrong).await;
    assert_eq!(
        error_of(&refused),
        ("input.endCustomerId".into(), "NOT_ALLOWED".into()),
        "{refused}"
    );
    let mut wrong = order("PO-SPA-3", "1", "1");
    wrong["endCustomerId"] = Value::Null;
    let refused = buy(&app, &t, wrong).await;
    assert_eq!(
        error_of(&refused),
        ("input.endCustomerId".into(), "REQUIRED".into()),
        "{refused}"
    );
    let mut wrong = order("PO-SPA-3", "1", "1");
    wrong["specialPrice"] = json!("SPA-000009");
    let refused = buy(&app, &t, wrong).await;
    assert_eq!(
        error_of(&refused),
        ("input.specialPrice".into(), "NOT_FOUND".into()),
        "{refused}"
    );
    let mut wrong = order("PO-SPA-3", "1", "1");
    wrong["specialPrice"] = Value::Null;
    let refused = buy(&app, &t, wrong).await;
    assert_eq!(
        error_of(&refused),
        ("input.endCustomerId".into(), "NOT_ALLOWED".into()),
        "{refused}"
    );

    // An agreement that starts tomorrow is not used today.
    let later = authorised(&app, &t, &customer, "400", today() + Days::new(1)).await;
    let mut early = order("PO-SPA-4", "1", "1");
    early["specialPrice"] = json!("SPA-000002");
    let refused = buy(&app, &t, early).await;
    assert_eq!(
        error_of(&refused),
        ("input.specialPrice".into(), "NOT_ALLOWED".into()),
        "{refused}"
    );
    assert_eq!(
        drawn(&app, &t, &later).await,
        pairs(&[("0", "400"), ("0", "20")])
    );
    assert_eq!(
        drawn(&app, &t, &id).await,
        pairs(&[("150", "250"), ("5", "15")])
    );

    // The buyer lowers the widgets and cancels the gadgets: both give back.
    let changed = mutate_as(
        &app,
        &t.portal,
        "orderChange",
        "OrderChangeInput",
        "order { version total { amount } }",
        json!({ "id": first, "version": 1, "lines": [
            { "action": "CHANGE", "lineNumber": 1, "quantity": "100" },
            { "action": "CANCEL", "lineNumber": 2 } ] }),
    )
    .await;
    assert_eq!(changed["userErrors"], json!([]), "{changed}");
    assert_eq!(changed["order"]["total"]["amount"], "850.00");
    assert_eq!(
        drawn(&app, &t, &id).await,
        pairs(&[("100", "300"), ("0", "20")])
    );
    // Raised past the cap, the change is refused and nothing moves.
    let raised = mutate_as(
        &app,
        &t.portal,
        "orderChange",
        "OrderChangeInput",
        "order { version }",
        json!({ "id": first, "version": 2, "lines": [
            { "action": "CHANGE", "lineNumber": 1, "quantity": "401" } ] }),
    )
    .await;
    assert_eq!(
        error_of(&raised),
        ("input.lines".into(), "OUT_OF_RANGE".into()),
        "{raised}"
    );
    // The brand accepts 60 of the 100; then the buyer cancels: all of it comes back.
    let acked = app
        .mutate(
            "orderAcknowledge",
            "order { version }",
            json!({ "id": first, "version": 2, "lines": [
                { "lineNumber": 1, "decision": "CHANGE", "quantity": "60" } ] }),
        )
        .await;
    assert_eq!(acked["userErrors"], json!([]), "{acked}");
    assert_eq!(
        drawn(&app, &t, &id).await,
        pairs(&[("60", "340"), ("0", "20")])
    );
    let cancelled = mutate_as(
        &app,
        &t.portal,
        "orderCancel",
        "OrderCancelInput",
        "order { status }",
        json!({ "id": first, "version": 3, "note": "the tender moved" }),
    )
    .await;
    assert_eq!(cancelled["order"]["status"], "CANCELLED", "{cancelled}");
    assert_eq!(
        drawn(&app, &t, &id).await,
        pairs(&[("0", "400"), ("0", "20")])
    );
}

#[tokio::test]
async fn parallel_orders_never_pass_a_special_price_cap_together() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let customer = served_customer(&app, &t).await;
    let id = authorised(&app, &t, &customer, "400", today()).await;
    // Sixteen orders of 50 arrive at once: twice the cap.
    let orders = (0..16).map(|i| {
        let (app, t, customer) = (&app, &t, customer.clone());
        async move {
            buy(
                app,
                t,
                json!({ "poNumber": format!("PO-CAP-{i}"), "specialPrice": "SPA-000001", "endCustomerId": customer,
                        "lines": [{ "sku": "WIDGET-1", "quantity": "50" }] }),
            )
            .await
        }
    });
    let placed = futures_util::future::join_all(orders).await;
    let taken = placed.iter().filter(|p| p["order"].is_object()).count();
    let refused: Vec<(String, String)> = placed
        .iter()
        .filter(|p| p["order"].is_null())
        .map(error_of)
        .collect();
    assert_eq!(taken, 8, "{placed:?}");
    assert!(
        refused.iter().all(|e| *e
            == (
                "input.lines.0.quantity".to_owned(),
                "OUT_OF_RANGE".to_owned()
            )),
        "{refused:?}"
    );
    assert_eq!(drawn(&app, &t, &id).await[0], ("400".into(), "0".into()));
}
