//! The channel's money over X12, as distributors write it: ship-and-debit claims arrive as
//! 844s and are answered with 849s; resales per end customer arrive as 867s.

use serde_json::{Value, json};

use crate::claims::{bought, claim, day, reported, sale};
use crate::edi::{Env, ack_segments, acknowledgement, group, interchange, post, set, token};
use crate::edi_partners::{retail_partner, segments_of};
use crate::helpers::{TestApp, spawn_app};
use crate::orders::{Trade, trade};
use crate::special_prices::{authorised, served_customer};

fn ymd(days_ago: u64) -> String {
    day(days_ago).replace('-', "")
}

/// An 844 as a distributor's claims system writes it: the debit number in BAA05, the
/// agreement in CON, the end customer under it, and a PAD loop per sale with both costs.
fn claim_844(
    debit: &str,
    spa: &str,
    customer: &str,
    sales: &[(&str, &str, &str, &str)],
) -> Vec<String> {
    let mut body = vec![
        format!("BAA*00*SD*{}*DM*{debit}", ymd(0)),
        "N1*DS*Nordlicht Vertrieb*91*DIST-1".to_owned(),
        "N1*MF*Aurora*92*BRAND".to_owned(),
        format!("CON*CT*{spa}"),
        format!("N1*EN*Stadtwerke Nord*92*{customer}"),
    ];
    for (i, (sku, invoice, quantity, paid)) in sales.iter().enumerate() {
        body.extend([
            format!("PAD*{}*SS", i + 1),
            format!("LIN**VP*{sku}*BP*NV-{}", i + 1),
            format!("UIT*EA*{paid}*DC"),
            "UIT*EA*8.50*CT".to_owned(),
            format!("QTY*39*{quantity}*EA"),
            format!("REF*IV*{invoice}"),
            format!("DTM*003*{}", ymd(0)),
        ]);
    }
    body.push(format!("CTT*1*{}", sales.len()));
    body
}

async fn send(
    app: &TestApp,
    edi: &str,
    control: u32,
    functional: &str,
    id: &str,
    body: &[String],
) -> Vec<String> {
    let mut env = Env::new("NORDLICHT", control);
    env.version = "00401";
    let raw = interchange(
        &env,
        &[group(&env, functional, control, &[set(id, "0001", body)])],
    );
    let (status, answer) = post(app, edi, &raw).await;
    assert_eq!(status, 200, "{answer}");
    ack_segments(&acknowledgement(&answer), 0)
}

/// The AK3 and AK4 of a refused set: the segment and element named.
fn named(ack: &[String]) -> (String, String) {
    let find = |id: &str| {
        ack.iter()
            .find(|s| s.starts_with(id))
            .cloned()
            .unwrap_or_else(|| panic!("no {id} in {ack:?}"))
    };
    (find("AK3"), find("AK4"))
}

async fn claims_filed(app: &TestApp) -> Value {
    app.graphql("{ claims { totalCount } }", json!({})).await["data"]["claims"]["totalCount"]
        .clone()
}

async fn ready(app: &TestApp, t: &Trade) -> String {
    retail_partner(app, t).await;
    let customer = served_customer(app, t).await;
    authorised(app, t, &customer, "400", chrono::Utc::now().date_naive()).await;
    bought(app, t, "PO-STOCK-1", "300", "10").await;
    reported(app, t, &customer, "150", "30").await;
    token(app, &t.distributor, "EDI").await
}

#[tokio::test]
async fn an_844_files_a_claim_checked_as_the_portals_and_its_decision_goes_back_as_an_849() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let edi = ready(&app, &t).await;
    let body = claim_844(
        "DB-844",
        "SPA-000001",
        "CUST-1",
        &[
            ("WIDGET-1", "INV-1", "100", "9.1234"),
            ("WIDGET-1", "INV-2", "80", "9.50"),
        ],
    );
    let ack = send(&app, &edi, 71, "CF", "844", &body).await;
    assert_eq!(ack, ["AK1*CF*71", "AK2*844*0001", "AK5*A", "AK9*A*1*1*1"]);

    let read = app
        .graphql(
            "{ ediDocuments(filter: { transactionSet: \"844\" }) { nodes { reference
                 claim { number source reference status lines { invoice quantity result reasons { code } allowedAmount { amount } } } } } }",
            json!({}),
        )
        .await;
    let filed = &read["data"]["ediDocuments"]["nodes"][0];
    assert_eq!(filed["reference"], "DB-844", "{read}");
    assert_eq!(
        filed["claim"],
        json!({ "number": "CLM-000001", "source": "EDI", "reference": "DB-844", "status": "SUBMITTED", "lines": [
            { "invoice": "INV-1", "quantity": "100", "result": "VALID", "reasons": [], "allowedAmount": { "amount": "62.34" } },
            { "invoice": "INV-2", "quantity": "80", "result": "ADJUSTED",
              "reasons": [{ "code": "SALES_REPORTED" }, { "code": "COST_ABOVE_PURCHASE" }], "allowedAmount": { "amount": "31.17" } }
        ] }),
        "{read}"
    );
    // The distributor's own read of it, through its document.
    let own = app
        .graphql_as(
            &t.portal,
            "{ claims { nodes { number source } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        own["data"]["claims"]["nodes"],
        json!([{ "number": "CLM-000001", "source": "EDI" }])
    );

    // Approved: the 849 answers the debit number, line by line, and links the claim.
    let id = app.graphql("{ claims { nodes { id } } }", json!({})).await["data"]["claims"]["nodes"]
        [0]["id"]
        .clone();
    let approved = app
        .mutate(
            "claimApprove",
            "claim { status approvedAmount { amount } }",
            json!({ "id": id, "version": 1 }),
        )
        .await;
    assert_eq!(
        approved["claim"]["approvedAmount"]["amount"], "93.51",
        "{approved}"
    );
    let answer = app
        .graphql_as(
            &t.portal,
            "{ ediDocuments(filter: { transactionSet: \"849\" }) { nodes { claim { number } interchange { content } } } }",
            json!({}),
        )
        .await;
    let doc = &answer["data"]["ediDocuments"]["nodes"][0];
    assert_eq!(doc["claim"]["number"], "CLM-000001", "{answer}");
    let segments = segments_of(doc["interchange"]["content"].as_str().unwrap());
    let of = |id: &str| -> Vec<Vec<String>> {
        segments.iter().filter(|s| s[0] == id).cloned().collect()
    };
    assert_eq!(of("BRC")[0][4], "DB-844");
    assert_eq!(of("CON"), [vec!["CON", "CT", "SPA-000001"]]);
    assert_eq!(of("AAA"), [vec!["AAA", "Y"], vec!["AAA", "Y"]]);
    assert_eq!(
        of("AMT"),
        [vec!["AMT", "1", "62.34"], vec!["AMT", "1", "31.17"]]
    );
}

#[tokio::test]
async fn an_844_is_refused_at_the_segment_and_element_at_fault_and_files_nothing() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let edi = ready(&app, &t).await;
    let good = [("WIDGET-1", "INV-1", "10", "9.1234")];
    let cases: Vec<(Vec<String>, &str, &str)> = vec![
        // An agreement that is not the distributor's, named in CON02.
        (
            claim_844("DB-1", "SPA-999999", "CUST-1", &good),
            "AK3*CON*5",
            "AK4*2",
        ),
        // Another end customer than the agreement's.
        (
            claim_844("DB-2", "SPA-000001", "CUST-9", &good),
            "AK3*N1*6",
            "AK4*4",
        ),
        // A sale without the distributor's invoice.
        (
            claim_844("DB-3", "SPA-000001", "CUST-1", &good)
                .into_iter()
                .filter(|s| !s.starts_with("REF*IV"))
                .collect(),
            "AK3*PAD*7",
            "",
        ),
        // A unit cost that is not a number.
        (
            claim_844(
                "DB-4",
                "SPA-000001",
                "CUST-1",
                &[("WIDGET-1", "INV-1", "10", "9,12")],
            ),
            "AK3*UIT*9",
            "AK4*2",
        ),
        // A product the catalogue does not have.
        (
            claim_844(
                "DB-5",
                "SPA-000001",
                "CUST-1",
                &[("NOPE-1", "INV-1", "10", "9")],
            ),
            "AK3*LIN*8",
            "AK4*3",
        ),
        // No debit number.
        (
            claim_844("", "SPA-000001", "CUST-1", &good)
                .into_iter()
                .map(|s| {
                    if s.starts_with("BAA") {
                        format!("BAA*00*SD*{}", ymd(0))
                    } else {
                        s
                    }
                })
                .collect(),
            "AK3*BAA*2",
            "AK4*5",
        ),
    ];
    for (i, (body, segment, element)) in cases.into_iter().enumerate() {
        let ack = send(&app, &edi, 80 + i as u32, "CF", "844", &body).await;
        assert_eq!(ack.last().unwrap(), "AK9*R*1*1*0", "case {i}: {ack:?}");
        assert!(
            ack.iter().any(|s| s.starts_with(&format!("{segment}*"))),
            "case {i}: {ack:?}"
        );
        if !element.is_empty() {
            assert!(
                ack.iter().any(|s| s.starts_with(&format!("{element}*"))),
                "case {i}: {ack:?}"
            );
        }
    }
    assert_eq!(claims_filed(&app).await, 0);

    // The same debit number twice: the second is refused at BAA05.
    let ok = claim_844("DB-7", "SPA-000001", "CUST-1", &good);
    assert_eq!(send(&app, &edi, 90, "CF", "844", &ok).await[2], "AK5*A");
    let again = send(&app, &edi, 91, "CF", "844", &ok).await;
    assert_eq!(
        named(&again),
        ("AK3*BAA*2**8".to_owned(), "AK4*5**7".to_owned()),
        "{again:?}"
    );
    assert_eq!(claims_filed(&app).await, 1);
}

/// An 867 as a distributor's point-of-sale feed writes it: the period in DTM 090/091, a PTD
/// loop per customer and kind of transfer, QTY before the LIN it counts.
fn resale_867(customer_code: &str) -> Vec<String> {
    [
        format!("BPT*00*POS-2026-11*{}*SS", ymd(0)),
        format!("DTM*090*{}", ymd(20)),
        format!("DTM*091*{}", ymd(0)),
        "N1*DS*Nordlicht Vertrieb*91*DIST-1".into(),
        "PTD*SS".into(),
        "N1*ST*Stadtwerke Nord Lager*ZZ*LAGER-7".into(),
        format!("N1*BY*Stadtwerke Nord*92*{customer_code}"),
        "REF*IV*INV-1".into(),
        "QTY*32*100*EA".into(),
        "LIN**VP*WIDGET-1".into(),
        "UIT*EA*12.00".into(),
        format!("DTM*003*{}", ymd(3)),
        "QTY*39*50*EA".into(),
        "LIN**VP*GADGET-1".into(),
        "PTD*SR".into(),
        format!("N1*ST*Stadtwerke Nord*ZZ*{}", customer_code.to_lowercase()),
        "QTY*32*10*EA".into(),
        "LIN**VP*WIDGET-1".into(),
        "PTD*SS".into(),
        "QTY*32*7*EA".into(),
        "LIN**VP*WIDGET-1".into(),
        "CTT*4*167".into(),
    ]
    .to_vec()
}

#[tokio::test]
async fn an_867_reports_resales_per_end_customer_and_backs_a_claim() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    retail_partner(&app, &t).await;
    let customer = served_customer(&app, &t).await;
    authorised(&app, &t, &customer, "400", chrono::Utc::now().date_naive()).await;
    bought(&app, &t, "PO-STOCK-1", "300", "10").await;
    let edi = token(&app, &t.distributor, "EDI").await;

    let ack = send(&app, &edi, 61, "PT", "867", &resale_867("CUST-1")).await;
    assert_eq!(ack, ["AK1*PT*61", "AK2*867*0001", "AK5*A", "AK9*A*1*1*1"]);
    let read = app
        .graphql(
            "{ ediDocuments(filter: { transactionSet: \"867\" }) { nodes { reference
                 sellThroughReport { periodStart periodEnd organization { code } lines { product { sku } quantitySold endCustomer { code } } } } } }",
            json!({}),
        )
        .await;
    let doc = &read["data"]["ediDocuments"]["nodes"][0];
    assert_eq!(doc["reference"], "POS-2026-11", "{read}");
    assert_eq!(
        doc["sellThroughReport"],
        json!({ "periodStart": day(20), "periodEnd": day(0), "organization": { "code": "DIST-1" }, "lines": [
            { "product": { "sku": "WIDGET-1" }, "quantitySold": "90", "endCustomer": { "code": "CUST-1" } },
            { "product": { "sku": "GADGET-1" }, "quantitySold": "50", "endCustomer": { "code": "CUST-1" } },
            { "product": { "sku": "WIDGET-1" }, "quantitySold": "7", "endCustomer": null }
        ] }),
        "{read}"
    );

    // The resales back a claim as the portal's report does: 90 of 100 claimed are reported.
    let filed = claim(
        &app,
        &t,
        "DB-867",
        json!([sale("WIDGET-1", "INV-1", day(0), "100", "9.1234")]),
    )
    .await;
    assert_eq!(filed["claim"]["lines"][0]["result"], "ADJUSTED", "{filed}");
    assert_eq!(
        filed["claim"]["lines"][0]["allowedQuantity"], "90",
        "{filed}"
    );
}

#[tokio::test]
async fn an_867_is_refused_where_it_cannot_be_read_as_resales_and_reports_nothing() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    retail_partner(&app, &t).await;
    served_customer(&app, &t).await;
    // A customer in the directory that the distributor does not sell to.
    app.create_org("END_CUSTOMER", "Hafen Kiel", "CUST-2").await;
    let edi = token(&app, &t.distributor, "EDI").await;
    let unknown = send(&app, &edi, 61, "PT", "867", &resale_867("CUST-404")).await;
    let not_served = send(&app, &edi, 62, "PT", "867", &resale_867("CUST-2")).await;
    assert_eq!(named(&unknown), named(&not_served));
    assert_eq!(named(&unknown).0, "AK3*N1*8**8");
    let mut transfer = resale_867("CUST-1");
    transfer[14] = "PTD*TR".into();
    let mut over_returned = resale_867("CUST-1");
    over_returned[16] = "QTY*32*101*EA".into();
    let mut no_period = resale_867("CUST-1");
    no_period.remove(2);
    for (i, (body, at)) in [
        (transfer, ("AK3*PTD*16**8", "AK4*1**7")),
        (over_returned, ("AK3*QTY*18**8", "AK4*2**7")),
    ]
    .into_iter()
    .enumerate()
    {
        let ack = send(&app, &edi, 70 + i as u32, "PT", "867", &body).await;
        assert_eq!(
            named(&ack),
            (at.0.to_owned(), at.1.to_owned()),
            "case {i}: {ack:?}"
        );
    }
    let ack = send(&app, &edi, 75, "PT", "867", &no_period).await;
    assert!(ack.iter().any(|s| s.starts_with("AK3*BPT*2")), "{ack:?}");
    let reports = app
        .graphql("{ sellThroughReports { totalCount } }", json!({}))
        .await;
    assert_eq!(
        reports["data"]["sellThroughReports"]["totalCount"], 0,
        "{reports}"
    );
}
