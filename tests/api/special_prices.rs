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
async fn served_customer(app: &TestApp, t: &Trade) -> String {
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
