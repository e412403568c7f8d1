//! X12 as real trading partners write it, once each is set up: their ids, versions,
//! separators and encodings in a profile, their item and location codes in cross-references,
//! their packs, and the channel their orders go through. The fixtures are written here by
//! hand from the X12 conventions, in ways this server never writes: ISA12 `00400` with GS08
//! `004010VICS`, `|` and `>` separators, CRLF and trailing white space after terminators,
//! UPCs, EANs, case GTINs and the buyer's own item numbers, ship-tos by location code, DUNS
//! or address alone.

use channelgraph::edi::sets::{read_855, read_860, read_865};
use serde_json::{Value, json};

use crate::edi::{
    Env, ack_segments, acknowledgement, group, interchange, order_count, outbound, post, sent_set,
    set, token,
};
use crate::helpers::{TestApp, spawn_app};
use crate::orders::{Trade, trade};

const PROFILE: &str = "mutation($input: EdiPartnerConfigureInput!) { ediPartnerConfigure(input: $input) { ediPartner { ediId qualifier groupId version interchangeVersion groupVersion separators { element component repetition segment } functionalAcks interchangeAcks testTraffic encoding } userErrors { field code message } } }";

/// Pads an ISA element to its fixed width.
fn pad(value: &str, width: usize) -> String {
    format!("{value:<width$}")
}

/// An ISA as a 004010 retail sender writes it: `|` between elements, `>` between
/// components, `U` in ISA11, ISA12 `00400`, a TA1 asked for.
fn isa_00400(sender: &str, receiver: &str, control: u32) -> String {
    [
        "ISA".to_owned(),
        "00".into(),
        pad("", 10),
        "00".into(),
        pad("", 10),
        "ZZ".into(),
        pad(sender, 15),
        "ZZ".into(),
        pad(receiver, 15),
        "261203".into(),
        "1015".into(),
        "U".into(),
        "00400".into(),
        format!("{control:09}"),
        "1".into(),
        "P".into(),
        ">".into(),
    ]
    .join("|")
}

/// A whole 004010VICS interchange of one 850, `~` and CRLF after each segment, trailing
/// blanks after some.
fn retail_850(sender: &str, receiver: &str, control: u32, body: &[&str]) -> String {
    retail_set("PO", "850", sender, receiver, control, body)
}

/// A whole 004010VICS interchange of one set, written as [`retail_850`] writes its 850.
fn retail_set(
    functional: &str,
    id: &str,
    sender: &str,
    receiver: &str,
    control: u32,
    body: &[&str],
) -> String {
    let mut segments = vec![format!("ST|{id}|{control:04}")];
    segments.extend(body.iter().map(|s| s.to_string()));
    segments.push(format!("SE|{}|{control:04}", body.len() + 2));
    let mut out = isa_00400(sender, receiver, control);
    out.push_str("~\r\n");
    let gs = format!("GS|{functional}|{sender}|{receiver}|20261203|1015|{control}|X|004010VICS");
    for (i, s) in std::iter::once(gs)
        .chain(segments)
        .chain([format!("GE|1|{control}"), format!("IEA|1|{control:09}")])
        .enumerate()
    {
        out.push_str(&s);
        out.push_str(if i % 3 == 0 { "~  \r\n" } else { "~\r\n" });
    }
    out
}

async fn gtins_and_packs(app: &TestApp) -> (String, String) {
    let products = app
        .graphql(
            "{ products(first: 10) { nodes { id sku version } } }",
            json!({}),
        )
        .await;
    let id_of = |sku: &str| {
        products["data"]["products"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["sku"] == sku)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (widget, gadget) = (id_of("WIDGET-1"), id_of("GADGET-1"));
    for (id, gtin) in [(&widget, "036000291452"), (&gadget, "4006381333931")] {
        let body = app
            .mutate(
                "productUpdate",
                "product { gtin }",
                json!({ "id": id, "version": 1, "gtin": gtin }),
            )
            .await;
        assert_eq!(body["userErrors"], json!([]), "{body}");
    }
    let body = app
        .mutate(
            "productPacksSet",
            "product { packs { unit quantity gtin } }",
            json!({ "productId": widget, "packs": [{ "unit": "CASE", "quantity": 12, "gtin": "10036000291459" }] }),
        )
        .await;
    assert_eq!(
        body["product"]["packs"],
        json!([{ "unit": "CA", "quantity": 12, "gtin": "10036000291459" }]),
        "{body}"
    );
    (widget, gadget)
}

/// The distributor set up as a 004010VICS retail partner: its own id, `|` and `>` and a
/// line break after `~`.
pub async fn retail_partner(app: &TestApp, t: &Trade) {
    let body = app
        .graphql(
            PROFILE,
            json!({ "input": {
                "organizationId": t.distributor, "ediId": "NORDLICHT",
                "interchangeVersion": "V00401", "groupVersion": "V004010_VICS",
                "separators": { "element": "|", "component": ">", "repetition": null, "segment": "~\n" },
            } }),
        )
        .await;
    assert_eq!(
        body["data"]["ediPartnerConfigure"],
        json!({ "ediPartner": {
            "ediId": "NORDLICHT", "qualifier": "ZZ", "groupId": "NORDLICHT", "version": "V004010",
            "interchangeVersion": "V00401", "groupVersion": "V004010_VICS",
            "separators": { "element": "|", "component": ">", "repetition": null, "segment": "~\n" },
            "functionalAcks": true, "interchangeAcks": "WHEN_REQUESTED", "testTraffic": true, "encoding": "UTF_8",
        }, "userErrors": [] }),
        "{body}"
    );
}

async fn store_42(app: &TestApp, t: &Trade) -> String {
    let address = app
        .mutate(
            "addressCreate",
            "address { id }",
            json!({ "organizationId": t.distributor, "kind": "SHIPPING", "line1": "Filiale 42, Marktplatz 1", "city": "Kiel", "country": "DE" }),
        )
        .await["address"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = app
        .mutate(
            "ediLocationReferencesSet",
            "totalCount",
            json!({ "partnerId": t.distributor, "references": [{ "qualifier": "ASSIGNED_BY_BUYER", "code": "STORE-0042", "addressId": address }] }),
        )
        .await;
    assert_eq!(body["totalCount"], 1, "{body}");
    address
}

const ORDER: &str = "query($po: String!) { orders(filter: { poNumber: $po }) { nodes { id version seller { code } buyer { code } shipTo { line1 } shipToCode { qualifier code } oneTimeShipTo { name street city postalCode country } lines { lineNumber product { sku } quantity unitPrice { amount } itemCode { qualifier code } orderedUnit packSize buyerPartNumber } } } }";

async fn order(app: &TestApp, po: &str) -> Value {
    let body = app.graphql(ORDER, json!({ "po": po })).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["orders"]["nodes"][0].clone()
}

#[tokio::test]
async fn a_retail_850_in_004010vics_with_upcs_cases_and_a_92_ship_to_goes_through_and_is_answered_in_kind()
 {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let edi = token(&app, &t.distributor, "EDI").await;
    gtins_and_packs(&app).await;
    retail_partner(&app, &t).await;
    store_42(&app, &t).await;
    let body = app
        .mutate(
            "ediItemReferencesSet",
            "totalCount",
            json!({ "partnerId": t.distributor, "references": [{ "qualifier": "BUYER_ITEM_NUMBER", "code": "ITEM-77", "sku": "gadget-1" }] }),
        )
        .await;
    assert_eq!(body["totalCount"], 1, "{body}");

    let raw = retail_850(
        "NORDLICHT",
        "BRAND",
        4711,
        &[
            "BEG|00|SA|NL-RETAIL-1||20261203",
            "REF|DP|042",
            "DTM|002|20261215",
            "N1|ST|Nordlicht Filiale 42|92|STORE-0042",
            "PO1|1|2|CA|120||UP|036000291452|VN|WIDGET-1",
            "PO1|2|3|EA|80||IN|ITEM-77",
            "CTT|2",
        ],
    );
    let (status, answer) = post(&app, &edi, &raw).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["interchange"]["status"], "ACCEPTED", "{answer}");

    // Two cases of 12 are 24 of our unit at the distributor's price; ITEM-77 is its code for
    // GADGET-1; store 42 is its address; each is kept in its words.
    let placed = order(&app, "NL-RETAIL-1").await;
    assert_eq!(placed["seller"]["code"], "BRAND");
    assert_eq!(placed["shipTo"]["line1"], "Filiale 42, Marktplatz 1");
    assert_eq!(
        placed["shipToCode"],
        json!({ "qualifier": "92", "code": "STORE-0042" })
    );
    assert_eq!(placed["oneTimeShipTo"], Value::Null);
    assert_eq!(
        placed["lines"],
        json!([
            { "lineNumber": 1, "product": { "sku": "WIDGET-1" }, "quantity": "24", "unitPrice": { "amount": "10.00" },
              "itemCode": { "qualifier": "UP", "code": "036000291452" }, "orderedUnit": "CA", "packSize": 12, "buyerPartNumber": null },
            { "lineNumber": 2, "product": { "sku": "GADGET-1" }, "quantity": "3", "unitPrice": { "amount": "80.00" },
              "itemCode": { "qualifier": "IN", "code": "ITEM-77" }, "orderedUnit": null, "packSize": null, "buyerPartNumber": null },
        ])
    );

    // The TA1 and the 997 answer in the version of what they answer (ISA12 00400, GS08
    // 004010VICS, no AK103), from the id it sent to, with its separators.
    let acks = answer["acknowledgements"].as_array().unwrap();
    assert_eq!(acks.len(), 2, "the 997s, then the TA1 on its own: {answer}");
    let content = acks[0]["content"].as_str().unwrap();
    assert!(content.starts_with("ISA|00|"), "{content}");
    assert!(content.contains("|U|00400|"), "{content}");
    let ta1 = acks[1]["content"].as_str().unwrap();
    assert!(ta1.contains("|U|00400|"), "{ta1}");
    assert!(
        ta1.contains("~\nTA1|000004711|261203|1015|A|000~\nIEA|0|"),
        "{ta1}"
    );
    let ack = channelgraph::edi::envelope::parse(content).expect("the 997 reads back");
    assert_eq!(ack.delimiters.component, '>');
    assert_eq!(
        (ack.sender_id.as_str(), ack.receiver_id.as_str()),
        ("BRAND", "NORDLICHT")
    );
    assert_eq!(ack.groups[0].version, "004010VICS");
    assert_eq!(
        ack_segments(&ack, 0),
        ["AK1*PO*4711", "AK2*850*4711", "AK5*A", "AK9*A*1*1*1"]
    );

    // The 855 goes out in the partner's profile: ISA12 00401, 004010VICS, `|`, and names the
    // items and the ship-to the way the partner did, in cases.
    let acked = app
        .mutate(
            "orderAcknowledge",
            "order { ediDocuments { transactionSet direction interchange { content } } }",
            json!({ "id": placed["id"], "version": placed["version"], "lines": [
                { "lineNumber": 1, "decision": "ACCEPT" }, { "lineNumber": 2, "decision": "ACCEPT" }
            ] }),
        )
        .await;
    assert_eq!(acked["userErrors"], json!([]), "{acked}");
    let content = outbound(&acked["order"]["ediDocuments"], "855")["interchange"]["content"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(content.contains("|U|00401|"), "{content}");
    let (x, doc) = sent_set(&content);
    assert_eq!(x.delimiters.element, '|');
    assert_eq!(x.groups[0].version, "004010VICS");
    assert_eq!(
        (x.sender_id.as_str(), x.receiver_id.as_str()),
        ("BRAND", "NORDLICHT")
    );
    let segments: Vec<String> = doc
        .body
        .iter()
        .filter(|s| matches!(s.id.as_str(), "N1" | "PO1" | "ACK"))
        .map(|s| format!("{}*{}", s.id, s.elements.join("*")))
        .collect();
    assert_eq!(
        segments,
        [
            "N1*ST**92*STORE-0042",
            "PO1*1*2*CA*120**UP*036000291452*VP*WIDGET-1",
            "ACK*IA*2*CA*068*20261215",
            "PO1*2*3*EA*80**IN*ITEM-77*VP*GADGET-1",
            "ACK*IA*3*EA*068*20261215",
        ]
    );
    let read = read_855(&doc).expect("the 855 reads back");
    assert_eq!(read.po_number, "NL-RETAIL-1");
    assert_eq!(read.lines.len(), 2);
}

#[tokio::test]
async fn ship_tos_by_address_alone_by_duns_and_packs_by_their_gtin_are_taken_and_bad_codes_named() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let edi = token(&app, &t.distributor, "EDI").await;
    gtins_and_packs(&app).await;
    let duns = app
        .mutate(
            "addressCreate",
            "address { id duns }",
            json!({ "organizationId": t.distributor, "kind": "SHIPPING", "line1": "Lager Nord", "city": "Kiel", "country": "DE", "duns": "12-345-6789-0042" }),
        )
        .await;
    assert_eq!(duns["address"]["duns"], "1234567890042", "{duns}");
    let po = |n: u32, po: &str, lines: &[String]| {
        let env = Env::new("DIST-1", n);
        let mut body = vec![format!("BEG*00*SA*{po}**20261203")];
        body.extend(lines.iter().cloned());
        interchange(&env, &[group(&env, "PO", n, &[set("850", "0001", &body)])])
    };

    // A ship-to named by name and address only is kept with the order; a case named by its
    // own GTIN (UK) is 12 of the product.
    let raw = po(
        1,
        "NL-ONCE",
        &[
            "N1*ST*Baustelle Hafen".into(),
            "N2*z. Hd. Herrn Lund".into(),
            "N3*Hafenstr. 5".into(),
            "N4*Hamburg**20457*DE".into(),
            "PO1*1*1*CA*120**UK*10036000291459".into(),
        ],
    );
    let (_, answer) = post(&app, &edi, &raw).await;
    assert_eq!(answer["interchange"]["status"], "ACCEPTED", "{answer}");
    let placed = order(&app, "NL-ONCE").await;
    assert_eq!(placed["shipTo"], Value::Null);
    assert_eq!(
        placed["oneTimeShipTo"],
        json!({ "name": "Baustelle Hafen, z. Hd. Herrn Lund", "street": "Hafenstr. 5", "city": "Hamburg", "postalCode": "20457", "country": "DE" })
    );
    assert_eq!(placed["lines"][0]["quantity"], "12");
    assert_eq!(placed["lines"][0]["orderedUnit"], "CA");

    // DUNS+4 (qualifier 9) names the address that has it.
    let raw = po(
        2,
        "NL-DUNS",
        &[
            "N1*ST*Lager Nord*9*1234567890042".into(),
            "PO1*1*1*EA*10**EN*0036000291452".into(),
        ],
    );
    let (_, answer) = post(&app, &edi, &raw).await;
    assert_eq!(answer["interchange"]["status"], "ACCEPTED", "{answer}");
    let placed = order(&app, "NL-DUNS").await;
    assert_eq!(placed["shipTo"]["line1"], "Lager Nord");
    assert_eq!(
        placed["lines"][0]["itemCode"],
        json!({ "qualifier": "EN", "code": "0036000291452" })
    );

    // What cannot be resolved is refused at its element, naming the code, and changes
    // nothing.
    let before = order_count(&app).await;
    for (n, lines, message, ak) in [
        (
            3,
            vec![
                "N1*ST*Filiale*92*STORE-9".to_owned(),
                "PO1*1*1*EA***VP*WIDGET-1".into(),
            ],
            "N104: no address of DIST-1 has the location code `STORE-9`",
            "AK3*N1*3**8~AK4*4**7",
        ),
        (
            4,
            vec!["PO1*1*1*EA***UP*012345678905*BP*X-1".to_owned()],
            "PO107: no product is known by UP `012345678905`, BP `X-1`",
            "AK3*PO1*3**8~AK4*7**7",
        ),
        (
            5,
            vec!["PO1*1*1*CA***EN*4006381333931".to_owned()],
            "PO103 `CA`: GADGET-1 is sold in EA and in no pack of that unit",
            "AK3*PO1*3**8~AK4*3**7",
        ),
        (
            7,
            vec![
                "N1*ST*Evil\u{202e}Name".to_owned(),
                "PO1*1*1*EA***VP*WIDGET-1".into(),
            ],
            "N102 holds the invisible character U+202E",
            "AK3*N1*3**8~AK4*2**6",
        ),
        (
            8,
            vec![
                format!("N1*ST*{}", "x".repeat(61)),
                "PO1*1*1*EA***VP*WIDGET-1".into(),
            ],
            "N102 is 61 characters; X12 allows at most 60",
            "AK3*N1*3**8~AK4*2**7",
        ),
        (
            6,
            vec![
                "N1*ST*Filiale*ZZ*42".to_owned(),
                "PO1*1*1*EA***VP*WIDGET-1".into(),
            ],
            "N103 `ZZ` is not a ship-to qualifier we resolve (UL, 1, 9, 91, 92); send the address in N3 and N4",
            "AK3*N1*3**8~AK4*3**7",
        ),
    ] {
        let (_, answer) = post(&app, &edi, &po(n, &format!("NL-BAD-{n}"), &lines)).await;
        assert_eq!(answer["interchange"]["status"], "REJECTED", "{answer}");
        assert_eq!(answer["interchange"]["documents"][0]["message"], message);
        let content = answer["acknowledgements"][0]["content"].as_str().unwrap();
        assert!(content.contains(ak), "{ak} in {content}");
    }
    assert_eq!(order_count(&app).await, before);

    // A pack's GTIN is another item's however it is written: GADGET-1's EAN as a GTIN-14.
    let gadget = app
        .graphql(
            "{ products(filter: { sku: \"GADGET-1\" }) { nodes { id } } }",
            json!({}),
        )
        .await["data"]["products"]["nodes"][0]["id"]
        .clone();
    let body = app
        .mutate(
            "productPacksSet",
            "product { id }",
            json!({ "productId": gadget, "packs": [{ "unit": "BOX", "quantity": 6, "gtin": "04006381333931" }] }),
        )
        .await;
    assert_eq!(body["userErrors"][0]["code"], "TAKEN", "{body}");
}

#[tokio::test]
async fn a_dealers_850_to_its_distributor_is_an_order_with_that_distributor() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let dealer = token(&app, &t.dealer, "EDI").await;
    let env = Env {
        receiver: "DIST-1",
        ..Env::new("DLR-1", 1)
    };
    let body = vec![
        "BEG*00*SA*DLR-PO-1**20261203".to_owned(),
        "PO1*1*4*EA***VP*WIDGET-1".to_owned(),
    ];
    let raw = interchange(&env, &[group(&env, "PO", 1, &[set("850", "0001", &body)])]);
    let (_, answer) = post(&app, &dealer, &raw).await;
    assert_eq!(answer["interchange"]["status"], "ACCEPTED", "{answer}");
    // Sold by the distributor at the dealer's price, as orderSubmit makes it for the dealer
    // in the portal; the 997 comes from the distributor it was sent to.
    let placed = order(&app, "DLR-PO-1").await;
    assert_eq!(placed["seller"]["code"], "DIST-1");
    assert_eq!(placed["buyer"]["code"], "DLR-1");
    let quote = app
        .graphql(
            "query($b: ID!) { priceQuote(sku: \"WIDGET-1\", quantity: \"4\", buyerId: $b) { unitPrice { amount } } }",
            json!({ "b": t.dealer }),
        )
        .await;
    assert_eq!(
        placed["lines"][0]["unitPrice"], quote["data"]["priceQuote"]["unitPrice"],
        "{quote}"
    );
    let ack = acknowledgement(&answer);
    assert_eq!(
        (ack.sender_id.as_str(), ack.receiver_id.as_str()),
        ("DIST-1", "DLR-1")
    );

    // Its 860 goes where its order went: to the brand, it names no order.
    let change = vec![
        "BCH*04*SA*DLR-PO-1**1*20261203".to_owned(),
        "POC*1*QI*5**EA".to_owned(),
    ];
    let raw = |to: &'static str, control: u32| {
        let env = Env {
            receiver: to,
            ..Env::new("DLR-1", control)
        };
        interchange(
            &env,
            &[group(&env, "PC", control, &[set("860", "0001", &change)])],
        )
    };
    let (_, answer) = post(&app, &dealer, &raw("BRAND", 11)).await;
    assert_eq!(
        answer["interchange"]["documents"][0]["message"],
        "no order of DLR-1 has PO number DLR-PO-1",
        "{answer}"
    );
    let (_, answer) = post(&app, &dealer, &raw("DIST-1", 12)).await;
    assert_eq!(answer["interchange"]["status"], "ACCEPTED", "{answer}");
    assert_eq!(order(&app, "DLR-PO-1").await["lines"][0]["quantity"], "5");

    // A seller it has no channel link with is refused, naming why; so is a report to one.
    let env = Env {
        receiver: "SUP-1",
        ..Env::new("DLR-1", 2)
    };
    let body = vec![
        "BEG*00*SA*DLR-PO-2**20261203".to_owned(),
        "PO1*1*4*EA***VP*WIDGET-1".to_owned(),
    ];
    let raw = interchange(&env, &[group(&env, "PO", 2, &[set("850", "0001", &body)])]);
    let (_, answer) = post(&app, &dealer, &raw).await;
    assert_eq!(answer["interchange"]["status"], "REJECTED", "{answer}");
    // Answered as an unknown id is, so that nobody learns whom an id names.
    let message = "segment 1 (ISA), element 08: ISA08 `SUP-1` names no seller of yours; send to `BRAND`, or to the id of a distributor you buy from (TA1 note 008)";
    assert_eq!(answer["interchange"]["message"], message);
    let ta1 = answer["acknowledgements"][0]["content"].as_str().unwrap();
    assert!(ta1.contains("*ZZ*BRAND          *ZZ*DLR-1"), "{ta1}");
    let env = Env {
        receiver: "NOBODY",
        ..Env::new("DLR-1", 4)
    };
    let raw = interchange(&env, &[group(&env, "PO", 4, &[set("850", "0001", &body)])]);
    let (_, unknown) = post(&app, &dealer, &raw).await;
    assert_eq!(
        unknown["interchange"]["message"],
        message.replace("SUP-1", "NOBODY")
    );
    let env = Env {
        receiver: "DIST-1",
        ..Env::new("DLR-1", 3)
    };
    let stock = vec!["BIA*00*MM*R-1*20261203".to_owned()];
    let raw = interchange(&env, &[group(&env, "IB", 3, &[set("846", "0001", &stock)])]);
    let (_, answer) = post(&app, &dealer, &raw).await;
    assert_eq!(
        answer["interchange"]["documents"][0]["message"],
        "a 846 goes to the brand, not to DIST-1 (ISA08)",
        "{answer}"
    );
}

#[tokio::test]
async fn envelope_faults_limits_and_bad_bytes_are_answered_as_what_they_are() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let edi = token(&app, &t.distributor, "EDI").await;

    // A truncated ISA says how long it is and how long it must be.
    let truncated = "ISA*00*          *00*";
    let (status, answer) = post(&app, &edi, truncated).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["interchange"]["status"], "REJECTED", "{answer}");
    assert_eq!(
        answer["interchange"]["message"],
        format!(
            "segment 1 (ISA): the ISA has {} characters; it must have 106 (TA1 note 023)",
            truncated.len()
        )
    );

    // An unknown ISA05 qualifier: TA1 note 005.
    let raw = crate::edi::one_850(&Env::new("DIST-1", 1), 1, "NL-Q");
    let raw = raw.replacen("*ZZ*DIST-1", "*XX*DIST-1", 1);
    let (_, answer) = post(&app, &edi, &raw).await;
    assert_eq!(answer["interchange"]["status"], "REJECTED", "{answer}");
    let content = answer["acknowledgements"][0]["content"].as_str().unwrap();
    assert!(content.contains("*R*005~"), "{content}");

    // 1001 lines: the loop over its maximum at the 1001st PO1, not an unexpected segment.
    let env = Env::new("DIST-1", 2);
    let mut body = vec!["BEG*00*SA*NL-BIG**20261203".to_owned()];
    body.extend((1..=1001).map(|i| format!("PO1*{i}*1*EA***VP*WIDGET-1")));
    let raw = interchange(&env, &[group(&env, "PO", 2, &[set("850", "0001", &body)])]);
    let (_, answer) = post(&app, &edi, &raw).await;
    assert_eq!(
        answer["interchange"]["documents"][0]["message"],
        "a 850 carries at most 1000 lines (PO1 segments); this one has 1001",
        "{answer}"
    );
    let ack = acknowledgement(&answer);
    assert_eq!(
        ack_segments(&ack, 0)[1..4],
        ["AK2*850*0001", "AK3*PO1*1003**4", "AK5*R*5"]
    );

    // A control character in BEG03 is refused at the element; nothing reaches an order or
    // an outbound document.
    let env = Env::new("DIST-1", 3);
    let body = vec![
        "BEG*00*SA*NL-\u{7}BELL**20261203".to_owned(),
        "PO1*1*1*EA***VP*WIDGET-1".to_owned(),
    ];
    let raw = interchange(&env, &[group(&env, "PO", 3, &[set("850", "0001", &body)])]);
    let (_, answer) = post(&app, &edi, &raw).await;
    assert_eq!(
        answer["interchange"]["documents"][0]["message"],
        "BEG03 holds the control character U+0007"
    );
    let ack = acknowledgement(&answer);
    assert_eq!(
        ack_segments(&ack, 0)[1..5],
        ["AK2*850*0001", "AK3*BEG*2**8", "AK4*3**6", "AK5*R*5"]
    );
    assert_eq!(order_count(&app).await, 0);

    // ISA12 00401 with ISA14 1: the TA1 goes back in 00401, in the interchange it answers.
    let env = Env {
        version: "00401",
        ack_requested: true,
        ..Env::new("DIST-1", 4)
    };
    let (_, answer) = post(&app, &edi, &crate::edi::one_850(&env, 4, "NL-401")).await;
    let content = answer["acknowledgements"][1]["content"].as_str().unwrap();
    assert!(content.contains("*U*00401*"), "{content}");
    assert!(content.contains("~TA1*000000004*"), "{content}");

    // A GS02 that is not the sender's: the group is refused, AK9 code 7.
    let raw = crate::edi::one_850(&Env::new("DIST-1", 7), 7, "NL-GS02")
        .replace("GS*PO*DIST-1*", "GS*PO*DIST-2*");
    let (_, answer) = post(&app, &edi, &raw).await;
    assert_eq!(answer["interchange"]["status"], "REJECTED", "{answer}");
    assert_eq!(
        answer["interchange"]["documents"][0]["message"],
        "GS02 `DIST-2` does not name DIST-1; it sends as `DIST-1`"
    );
    let ack = acknowledgement(&answer);
    assert_eq!(ack_segments(&ack, 0), ["AK1*PO*7*005010", "AK9*R*1*1*0*7"]);

    // A partner not set up for test traffic has its test interchanges refused: TA1 020.
    let body = app
        .graphql(
            PROFILE,
            json!({ "input": { "organizationId": t.distributor, "ediId": "DIST-1", "testTraffic": false, "interchangeAcks": "NEVER", "functionalAcks": false } }),
        )
        .await;
    assert_eq!(
        body["data"]["ediPartnerConfigure"]["userErrors"],
        json!([]),
        "{body}"
    );
    let env = Env {
        usage: 'T',
        ..Env::new("DIST-1", 5)
    };
    let (_, answer) = post(&app, &edi, &crate::edi::one_850(&env, 5, "NL-TEST")).await;
    assert_eq!(answer["interchange"]["status"], "REJECTED", "{answer}");
    let content = answer["acknowledgements"][0]["content"].as_str().unwrap();
    assert!(content.contains("*R*020~"), "{content}");
    // And one that wants no acknowledgements gets none for an accepted interchange.
    let env = Env {
        ack_requested: true,
        ..Env::new("DIST-1", 6)
    };
    let (_, answer) = post(&app, &edi, &crate::edi::one_850(&env, 6, "NL-QUIET")).await;
    assert_eq!(answer["interchange"]["status"], "ACCEPTED", "{answer}");
    assert_eq!(answer["acknowledgements"], json!([]));
}

#[tokio::test]
async fn trading_partner_setup_is_for_the_brands_staff_and_checked() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let edi = token(&app, &t.distributor, "EDI").await;
    for (input, field, message) in [
        (
            json!({ "organizationId": t.distributor, "ediId": "D1", "separators": { "element": "A" } }),
            vec!["input", "separators", "element"],
            "element must be one character that is not a letter, a digit, white space or a control character",
        ),
        (
            json!({ "organizationId": t.distributor, "ediId": "D1", "separators": { "element": "\t" } }),
            vec!["input", "separators", "element"],
            "element must be one character that is not a letter, a digit, white space or a control character",
        ),
        (
            json!({ "organizationId": t.distributor, "ediId": "D1", "ackWindowMinutes": -1 }),
            vec!["input", "ackWindowMinutes"],
            "ackWindowMinutes must be from 0 to 43200; it was -1",
        ),
        (
            json!({ "organizationId": t.distributor, "ediId": "D1", "separators": { "element": "|", "segment": "|" } }),
            vec!["input", "separators"],
            "the separators must all differ",
        ),
        (
            json!({ "organizationId": t.distributor, "ediId": "D1", "interchangeVersion": "V00501", "groupVersion": "V004010_VICS" }),
            vec!["input", "groupVersion"],
            "GS08 004010VICS is not of the release of ISA12 00501",
        ),
        (
            json!({ "organizationId": t.distributor }),
            vec!["input", "ediId"],
            "give the id the partner uses in the ISA",
        ),
    ] {
        let body = app.graphql(PROFILE, json!({ "input": input })).await;
        assert_eq!(
            body["data"]["ediPartnerConfigure"]["userErrors"][0]["field"],
            json!(field),
            "{body}"
        );
        assert_eq!(
            body["data"]["ediPartnerConfigure"]["userErrors"][0]["message"],
            message
        );
    }
    // Cross-references are checked whole: an unknown SKU or another's address changes none.
    let body = app
        .mutate(
            "ediItemReferencesSet",
            "totalCount",
            json!({ "partnerId": t.distributor, "references": [
                { "qualifier": "BUYER_PART_NUMBER", "code": "P-1", "sku": "WIDGET-1" },
                { "qualifier": "BUYER_PART_NUMBER", "code": "P-2", "sku": "NOPE" }
            ] }),
        )
        .await;
    assert_eq!(
        body["userErrors"],
        json!([{ "field": ["input", "references", "1", "sku"], "code": "NOT_FOUND", "message": "no product has SKU NOPE" }])
    );
    let list = app
        .graphql(
            "query($p: ID!) { ediItemReferences(partnerId: $p) { totalCount } }",
            json!({ "p": t.distributor }),
        )
        .await;
    assert_eq!(list["data"]["ediItemReferences"]["totalCount"], 0, "{list}");

    // A thousand at once, set and removed.
    let many: Vec<Value> = (0..1000)
        .map(|i| json!({ "qualifier": "BUYER_PART_NUMBER", "code": format!("P-{i}"), "sku": "WIDGET-1" }))
        .collect();
    let body = app
        .mutate(
            "ediItemReferencesSet",
            "totalCount",
            json!({ "partnerId": t.distributor, "references": many }),
        )
        .await;
    assert_eq!(body["totalCount"], 1000, "{body}");
    // All thousand pointed elsewhere at once.
    let moved: Vec<Value> = (0..1000)
        .map(|i| json!({ "qualifier": "BUYER_PART_NUMBER", "code": format!("P-{i}"), "sku": "GADGET-1" }))
        .collect();
    let body = app
        .mutate(
            "ediItemReferencesSet",
            "totalCount",
            json!({ "partnerId": t.distributor, "references": moved }),
        )
        .await;
    assert_eq!(body["totalCount"], 1000, "{body}");
    let list = app
        .graphql(
            "query($p: ID!) { ediItemReferences(partnerId: $p, first: 100) { nodes { product { sku } } } }",
            json!({ "p": t.distributor }),
        )
        .await;
    let nodes = list["data"]["ediItemReferences"]["nodes"]
        .as_array()
        .unwrap();
    assert_eq!(nodes.len(), 100, "{list}");
    assert!(
        nodes.iter().all(|n| n["product"]["sku"] == "GADGET-1"),
        "{list}"
    );
    let gone: Vec<Value> = (0..1000)
        .map(|i| json!({ "qualifier": "BUYER_PART_NUMBER", "code": format!("P-{i}") }))
        .collect();
    let body = app
        .mutate(
            "ediItemReferencesSet",
            "totalCount",
            json!({ "partnerId": t.distributor, "remove": gone }),
        )
        .await;
    assert_eq!(body["totalCount"], 0, "{body}");

    // A code set again names what it is set to now.
    for sku in ["WIDGET-1", "GADGET-1"] {
        let body = app
            .mutate(
                "ediItemReferencesSet",
                "totalCount",
                json!({ "partnerId": t.distributor, "references": [{ "qualifier": "CATALOG_NUMBER", "code": "C-1", "sku": sku }] }),
            )
            .await;
        assert_eq!(body["totalCount"], 1, "{body}");
    }
    let list = app
        .graphql(
            "query($p: ID!) { ediItemReferences(partnerId: $p) { nodes { qualifier code product { sku } } } }",
            json!({ "p": t.distributor }),
        )
        .await;
    assert_eq!(
        list["data"]["ediItemReferences"]["nodes"],
        json!([{ "qualifier": "CATALOG_NUMBER", "code": "C-1", "product": { "sku": "GADGET-1" } }]),
        "{list}"
    );

    // Partners, by portal or token, neither set up nor read cross-references.
    for token in [&t.portal, &edi] {
        let body = app
            .graphql_as(
                token,
                "mutation($p: ID!) { ediItemReferencesSet(input: { partnerId: $p, references: [{ qualifier: BUYER_PART_NUMBER, code: \"X\", sku: \"WIDGET-1\" }] }) { totalCount } }",
                json!({ "p": t.distributor }),
            )
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{body}"
        );
        let body = app
            .graphql_as(
                token,
                "query($p: ID!) { ediItemReferences(partnerId: $p) { totalCount } ediLocationReferences(partnerId: $p) { totalCount } }",
                json!({ "p": t.distributor }),
            )
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{body}"
        );
        assert_eq!(body["data"], Value::Null, "{body}");
    }
}

/// The 997 a partner's software writes for one set the brand sent it.
fn partner_997(
    env: &Env,
    functional: &str,
    group_control: &str,
    set_id: &str,
    st02: &str,
    ak5: &str,
) -> String {
    let body = vec![
        format!("AK1*{functional}*{group_control}"),
        format!("AK2*{set_id}*{st02}"),
        format!("AK5*{ak5}"),
        format!("AK9*{ak5}*1*1*{}", usize::from(ak5 != "R")),
    ];
    let n = env.control;
    interchange(
        env,
        &[group(
            env,
            "FA",
            n,
            &[set("997", &format!("{n:04}"), &body)],
        )],
    )
}

const ACKS: &str = "query($f: EdiDocumentFilter) { ediDocuments(first: 50, filter: $f) { totalCount nodes { transactionSet controlNumber groupControlNumber acknowledgement acknowledgedAt acknowledgedIn { controlNumber } shipNoticeLate } } }";

#[tokio::test]
async fn partners_997s_reconcile_what_was_sent_and_missing_or_late_ones_are_raised() {
    use crate::webhooks::{Receiver, wait_log};
    let app = crate::helpers::spawn_app_with(|s| {
        s.edi_overdue_interval = std::time::Duration::from_secs(1);
    })
    .await;
    let t = trade(&app).await;
    let edi = token(&app, &t.distributor, "EDI").await;
    let hook = Receiver::start(0).await;
    let endpoint = app
        .mutate(
            "webhookEndpointCreate",
            "webhookEndpoint { id }",
            json!({ "url": hook.url, "eventTypes": ["ORDER_EDI_ACK_OVERDUE", "ORDER_SHIP_NOTICE_LATE"] }),
        )
        .await;
    assert_eq!(endpoint["userErrors"], json!([]), "{endpoint}");
    // Its 997s are due at once, and its ship notices within an hour of the goods.
    let body = app
        .graphql(
            PROFILE,
            json!({ "input": { "organizationId": t.distributor, "ediId": "DIST-1", "ackWindowMinutes": 0, "shipNoticeWindowMinutes": 60 } }),
        )
        .await;
    assert_eq!(
        body["data"]["ediPartnerConfigure"]["userErrors"],
        json!([]),
        "{body}"
    );

    let (_, answer) = post(
        &app,
        &edi,
        &crate::edi::one_850(&Env::new("DIST-1", 1), 1, "NL-ACK"),
    )
    .await;
    assert_eq!(answer["interchange"]["status"], "ACCEPTED", "{answer}");
    let placed = order(&app, "NL-ACK").await;
    app.mutate(
        "orderAcknowledge",
        "order { id }",
        json!({ "id": placed["id"], "version": placed["version"], "lines": [
            { "lineNumber": 1, "decision": "ACCEPT" }, { "lineNumber": 2, "decision": "ACCEPT" }
        ] }),
    )
    .await;

    // The 855 has had no 997 within the window: it is listed overdue, and reported once.
    let overdue = app
        .graphql(ACKS, json!({ "f": { "acknowledgement": "OVERDUE" } }))
        .await;
    let sent = overdue["data"]["ediDocuments"]["nodes"][0].clone();
    assert_eq!(
        overdue["data"]["ediDocuments"]["totalCount"], 1,
        "{overdue}"
    );
    assert_eq!(sent["transactionSet"], "855");
    let log = wait_log(&app, &app.token, |log| !log.is_empty()).await;
    assert_eq!(log[0]["event"]["type"], "ORDER_EDI_ACK_OVERDUE", "{log:?}");

    // The partner's 997 (its own control numbers, without leading zeros) reconciles it.
    let st02 = sent["controlNumber"]
        .as_str()
        .unwrap()
        .trim_start_matches('0')
        .to_owned();
    let gs06 = sent["groupControlNumber"].as_str().unwrap().to_owned();
    let (_, answer) = post(
        &app,
        &edi,
        &partner_997(&Env::new("DIST-1", 2), "PR", &gs06, "855", &st02, "A"),
    )
    .await;
    assert_eq!(answer["interchange"]["status"], "ACCEPTED", "{answer}");
    assert_eq!(
        answer["acknowledgements"],
        json!([]),
        "a 997 is never answered"
    );
    let body = app
        .graphql(ACKS, json!({ "f": { "transactionSet": "855" } }))
        .await;
    let doc = &body["data"]["ediDocuments"]["nodes"][0];
    assert_eq!(doc["acknowledgement"], "ACCEPTED", "{body}");
    assert_eq!(doc["acknowledgedIn"]["controlNumber"], "000000002");
    assert!(doc["acknowledgedAt"].is_string());
    let none = app
        .graphql(ACKS, json!({ "f": { "acknowledgement": "OVERDUE" } }))
        .await;
    assert_eq!(none["data"]["ediDocuments"]["totalCount"], 0, "{none}");

    // A 997 for a group the partner was never sent is refused, naming it.
    let (_, answer) = post(
        &app,
        &edi,
        &partner_997(&Env::new("DIST-1", 3), "PR", "999", "855", "1", "A"),
    )
    .await;
    assert_eq!(
        answer["interchange"]["documents"][0]["message"],
        "AK1 names group PR 999, which DIST-1 was not sent",
        "{answer}"
    );

    // Goods that left two hours ago get their 856 late: flagged, and raised.
    let shipped_at = (chrono::Utc::now() - chrono::Duration::hours(2)).to_rfc3339();
    let version = order(&app, "NL-ACK").await["version"].clone();
    let shipment = app
        .mutate(
            "shipmentCreate",
            "shipment { id }",
            json!({ "orderId": placed["id"], "version": version, "carrier": "DHL", "shippedAt": shipped_at, "lines": [{ "lineNumber": 1, "quantity": "12" }] }),
        )
        .await;
    assert_eq!(shipment["userErrors"], json!([]), "{shipment}");
    let body = app
        .graphql(ACKS, json!({ "f": { "transactionSet": "856" } }))
        .await;
    assert_eq!(
        body["data"]["ediDocuments"]["nodes"][0]["shipNoticeLate"], true,
        "{body}"
    );
    let log = wait_log(&app, &app.token, |log| {
        log.iter()
            .any(|d| d["event"]["type"] == "ORDER_SHIP_NOTICE_LATE")
    })
    .await;
    assert!(!log.is_empty());

    // The dealer sees none of the distributor's acknowledgements.
    let dealer = token(&app, &t.dealer, "EDI").await;
    let theirs = app
        .graphql_as(&dealer, ACKS, json!({ "f": { "transactionSet": "855" } }))
        .await;
    assert_eq!(theirs["data"]["ediDocuments"]["totalCount"], 0, "{theirs}");
}

/// What node-x12, an X12 parser that is not ours, reads in an interchange we wrote.
pub fn read_independently(interchange: &str) -> Value {
    use std::io::Write;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/x12-interop/parse.mjs");
    let mut child = std::process::Command::new("node")
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("node runs (tests/x12-interop: npm ci)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(interchange.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "node-x12 could not read {interchange}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(read["problems"], json!([]), "{interchange}");
    read
}

/// A set's segment as node-x12 read it, by its id.
pub fn segment_of<'a>(read: &'a Value, id: &str) -> &'a Value {
    read["groups"][0]["sets"][0]["segments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s[0] == id)
        .unwrap_or_else(|| panic!("no {id} in {read}"))
}

#[tokio::test]
#[ignore = "needs Node.js and tests/x12-interop's node-x12; .ci/run installs them and runs this with --ignored"]
async fn an_independent_parser_reads_every_set_we_send_in_the_partners_version_and_words() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let edi = token(&app, &t.distributor, "EDI").await;
    gtins_and_packs(&app).await;
    retail_partner(&app, &t).await;
    store_42(&app, &t).await;
    let raw = retail_850(
        "NORDLICHT",
        "BRAND",
        4712,
        &[
            "BEG|00|SA|NL-INTEROP||20261203",
            "N1|ST|Nordlicht Filiale 42|92|STORE-0042",
            "PO1|1|2|CA|120||UP|036000291452",
            "CTT|1",
        ],
    );
    let (_, answer) = post(&app, &edi, &raw).await;
    assert_eq!(answer["interchange"]["status"], "ACCEPTED", "{answer}");

    // The TA1 and 997: in the version of what they answer.
    let ack = read_independently(answer["acknowledgements"][0]["content"].as_str().unwrap());
    assert_eq!(ack["isa"][11], "00400");
    assert_eq!(
        ack["delimiters"],
        json!({ "element": "|", "segment": "~", "component": ">" })
    );
    assert_eq!(ack["groups"][0]["gs"][7], "004010VICS");
    assert_eq!(segment_of(&ack, "AK1"), &json!(["AK1", "PO", "4712"]));

    // The partner's 860 raises line 1 to three cases; the 865 answers it.
    let raw = retail_set(
        "PC",
        "860",
        "NORDLICHT",
        "BRAND",
        4713,
        &[
            "BCH|04|SA|NL-INTEROP||1|20261203",
            "POC|1|QI|3|3|CA|120||UP|036000291452",
            "CTT|1",
        ],
    );
    let (_, answer) = post(&app, &edi, &raw).await;
    assert_eq!(answer["interchange"]["status"], "ACCEPTED", "{answer}");

    // The 855, 856 and 810: in the profile's version, naming the item and the ship-to as
    // the partner did, in cases.
    let placed = order(&app, "NL-INTEROP").await;
    app.mutate(
        "orderAcknowledge",
        "order { version }",
        json!({ "id": placed["id"], "version": placed["version"], "lines": [{ "lineNumber": 1, "decision": "ACCEPT" }] }),
    )
    .await;
    let version = order(&app, "NL-INTEROP").await["version"].clone();
    app.mutate(
        "shipmentCreate",
        "shipment { id }",
        json!({ "orderId": placed["id"], "version": version, "carrier": "DHL", "lines": [{ "lineNumber": 1, "quantity": "36" }] }),
    )
    .await;
    let version = order(&app, "NL-INTEROP").await["version"].clone();
    let invoiced = app
        .mutate(
            "invoiceCreate",
            "invoice { id }",
            json!({ "orderId": placed["id"], "version": version }),
        )
        .await;
    assert_eq!(invoiced["userErrors"], json!([]), "{invoiced}");
    let documents = app
        .graphql(
            "query($po: String!) { orders(filter: { poNumber: $po }) { nodes { ediDocuments { transactionSet direction interchange { content } } } } }",
            json!({ "po": "NL-INTEROP" }),
        )
        .await["data"]["orders"]["nodes"][0]["ediDocuments"]
        .clone();
    for (set, id, expected) in [
        (
            "865",
            "POC",
            json!([
                "POC",
                "1",
                "QI",
                "3",
                "3",
                "CA",
                "120",
                "",
                "UP",
                "036000291452",
                "VP",
                "WIDGET-1"
            ]),
        ),
        ("865", "ACK", json!(["ACK", "IA", "3", "CA"])),
        (
            "855",
            "PO1",
            json!([
                "PO1",
                "1",
                "3",
                "CA",
                "120",
                "",
                "UP",
                "036000291452",
                "VP",
                "WIDGET-1"
            ]),
        ),
        ("855", "N1", json!(["N1", "ST", "", "92", "STORE-0042"])),
        (
            "856",
            "LIN",
            json!(["LIN", "1", "UP", "036000291452", "VP", "WIDGET-1"]),
        ),
        ("856", "SN1", json!(["SN1", "1", "3", "CA"])),
        ("856", "N1", json!(["N1", "ST", "", "92", "STORE-0042"])),
        (
            "810",
            "IT1",
            json!([
                "IT1",
                "1",
                "3",
                "CA",
                "120",
                "",
                "UP",
                "036000291452",
                "VP",
                "WIDGET-1"
            ]),
        ),
    ] {
        let content = outbound(&documents, set)["interchange"]["content"]
            .as_str()
            .unwrap()
            .to_owned();
        let read = read_independently(&content);
        assert_eq!(read["isa"][11], "00401", "{set}");
        assert_eq!(read["isa"][7].as_str().unwrap().trim(), "NORDLICHT");
        assert_eq!(read["groups"][0]["gs"][7], "004010VICS", "{set}");
        assert_eq!(read["groups"][0]["sets"][0]["st"][0], set);
        assert_eq!(segment_of(&read, id), &expected, "{set} {id}");
    }
}

#[tokio::test]
async fn a_partners_860_adds_changes_and_cancels_lines_and_is_answered_with_an_865_in_kind() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let edi = token(&app, &t.distributor, "EDI").await;
    gtins_and_packs(&app).await;
    retail_partner(&app, &t).await;
    store_42(&app, &t).await;
    app.mutate(
        "ediItemReferencesSet",
        "totalCount",
        json!({ "partnerId": t.distributor, "references": [{ "qualifier": "BUYER_ITEM_NUMBER", "code": "ITEM-77", "sku": "gadget-1" }] }),
    )
    .await;
    let raw = retail_850(
        "NORDLICHT",
        "BRAND",
        4720,
        &[
            "BEG|00|SA|NL-CHANGE-1||20261203",
            "DTM|002|20261215",
            "N1|ST|Nordlicht Filiale 42|92|STORE-0042",
            "PO1|1|2|CA|120||UP|036000291452",
            "PO1|2|3|EA|80||IN|ITEM-77",
            "CTT|2",
        ],
    );
    let (_, answer) = post(&app, &edi, &raw).await;
    assert_eq!(answer["interchange"]["status"], "ACCEPTED", "{answer}");

    // Its 860: one case instead of two on line 1, line 2 cancelled, five gadgets added as
    // line 3 for the 20th; the ship-to repeated as it was.
    let change = |control: u32, pocs: &[&str]| {
        let mut body = vec![
            "BCH|04|SA|NL-CHANGE-1||1|20261203",
            "N1|ST|Nordlicht Filiale 42|92|STORE-0042",
        ];
        body.extend(pocs);
        let ctt = format!(
            "CTT|{}",
            pocs.iter().filter(|p| p.starts_with("POC")).count()
        );
        let mut body: Vec<String> = body.into_iter().map(str::to_owned).collect();
        body.push(ctt);
        let body: Vec<&str> = body.iter().map(String::as_str).collect();
        retail_set("PC", "860", "NORDLICHT", "BRAND", control, &body)
    };
    let raw = change(
        4721,
        &[
            "POC|1|QD|1|1|CA|120||UP|036000291452",
            "POC|2|DI|||EA|||IN|ITEM-77",
            "POC|3|AI|5|5|EA|80||IN|ITEM-77",
            "DTM|002|20261220",
        ],
    );
    let (status, answer) = post(&app, &edi, &raw).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["interchange"]["status"], "ACCEPTED", "{answer}");
    let ack = channelgraph::edi::envelope::parse(
        answer["acknowledgements"][0]["content"].as_str().unwrap(),
    )
    .unwrap();
    assert_eq!(
        ack_segments(&ack, 0),
        ["AK1*PC*4721", "AK2*860*4721", "AK5*A", "AK9*A*1*1*1"]
    );
    let changed = app
        .graphql(
            "query($po: String!) { orders(filter: { poNumber: $po }) { nodes { id version status
                lines { lineNumber product { sku } quantity status requestedDate itemCode { qualifier code } }
                history { action note }
                ediDocuments { transactionSet direction interchange { content } } } } }",
            json!({ "po": "NL-CHANGE-1" }),
        )
        .await;
    let node = &changed["data"]["orders"]["nodes"][0];
    assert_eq!(node["status"], "SUBMITTED", "{changed}");
    assert_eq!(
        node["lines"],
        json!([
            { "lineNumber": 1, "product": { "sku": "WIDGET-1" }, "quantity": "12", "status": "OPEN", "requestedDate": "2026-12-15", "itemCode": { "qualifier": "UP", "code": "036000291452" } },
            { "lineNumber": 2, "product": { "sku": "GADGET-1" }, "quantity": "3", "status": "CANCELLED", "requestedDate": "2026-12-15", "itemCode": { "qualifier": "IN", "code": "ITEM-77" } },
            { "lineNumber": 3, "product": { "sku": "GADGET-1" }, "quantity": "5", "status": "OPEN", "requestedDate": "2026-12-20", "itemCode": { "qualifier": "IN", "code": "ITEM-77" } },
        ]),
        "{changed}"
    );
    assert_eq!(node["history"][1]["action"], "CHANGED");
    assert_eq!(
        node["history"][1]["note"],
        "change 1 (the buyer's 1): X12 860 4721"
    );

    // The 865 answers in the partner's version, separators and words: each line's change
    // and that it was accepted (the cancelled line deleted).
    let sent = outbound(&node["ediDocuments"], "865")["interchange"]["content"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(sent.contains("|U|00401|"), "{sent}");
    let (x, doc) = sent_set(&sent);
    assert_eq!(x.delimiters.element, '|');
    assert_eq!(x.groups[0].functional_id, "CA");
    assert_eq!(x.groups[0].version, "004010VICS");
    assert_eq!(
        (x.sender_id.as_str(), x.receiver_id.as_str()),
        ("BRAND", "NORDLICHT")
    );
    let segments: Vec<String> = doc
        .body
        .iter()
        .map(|s| format!("{}|{}", s.id, s.elements.join("|")))
        .collect();
    assert_eq!(
        segments[2..],
        [
            "POC|1|QD|1|1|CA|120||UP|036000291452|VP|WIDGET-1",
            "DTM|002|20261215",
            "ACK|IA|1|CA",
            "POC|2|DI|0|0|EA|80||IN|ITEM-77|VP|GADGET-1",
            "ACK|ID|0|EA",
            "POC|3|AI|5|5|EA|80||IN|ITEM-77|VP|GADGET-1",
            "DTM|002|20261220",
            "ACK|IA|5|EA",
            "CTT|3",
        ]
    );
    let read = read_865(&doc).expect("the 865 reads back");
    assert_eq!(read.kind.as_deref(), Some("AC"));
    assert_eq!(read.po_number.as_deref(), Some("NL-CHANGE-1"));
    assert_eq!(read.sequence.as_deref(), Some("1"));
    let lines: Vec<(String, String, String, String, String)> = read
        .lines
        .iter()
        .map(|l| {
            (
                l.line_number.clone(),
                l.change.clone(),
                l.quantity.unwrap().to_string(),
                l.unit.clone().unwrap(),
                l.status.clone().unwrap(),
            )
        })
        .collect();
    let row = |n: &str, c: &str, q: &str, u: &str, s: &str| {
        (
            n.to_owned(),
            c.to_owned(),
            q.to_owned(),
            u.to_owned(),
            s.to_owned(),
        )
    };
    assert_eq!(
        lines,
        [
            row("1", "QD", "1", "CA", "IA"),
            row("2", "DI", "0", "EA", "ID"),
            row("3", "AI", "5", "EA", "IA"),
        ]
    );
    assert_eq!(
        read.lines[0].ids,
        [
            ("UP".to_owned(), "036000291452".to_owned()),
            ("VP".to_owned(), "WIDGET-1".to_owned())
        ]
    );

    // A change the rules refuse is refused at its element and changes nothing: a price on
    // a sales order, a line the order does not have, an increase that is not one, an
    // unknown change code.
    let version = node["version"].clone();
    for (n, poc, message, ak) in [
        (
            4722,
            "POC|1|PC|||CA|96||UP|036000291452",
            "line 1 is priced 10.00 EUR a unit; a buyer's change keeps the price the order was placed at",
            "AK3|POC|4||8~\nAK4|6||",
        ),
        (
            4723,
            "POC|9|QI|4|4|EA",
            "order SO-000001 has no line 9",
            "AK3|POC|4||8~\nAK4|1||",
        ),
        (
            4724,
            "POC|1|QI|1|1|CA",
            "POC02 `QI` is an increase, but POC03 takes line 1 from 12 to 12",
            "AK3|POC|4||8~\nAK4|3||",
        ),
        (
            4725,
            "POC|1|XX|1|1|CA",
            "POC02 `XX` is not a change we take: AI, DI, QI, QD, PC, CT, CA, RZ, RQ, NC",
            "AK3|POC|4||8~\nAK4|2||",
        ),
    ] {
        let (_, answer) = post(&app, &edi, &change(n, &[poc])).await;
        assert_eq!(answer["interchange"]["status"], "REJECTED", "{answer}");
        assert_eq!(answer["interchange"]["documents"][0]["message"], message);
        let content = answer["acknowledgements"][0]["content"].as_str().unwrap();
        assert!(content.contains(ak), "{ak} in {content}");
    }
    let (_, answer) = post(
        &app,
        &edi,
        &change(4726, &["POC|1|PC|||CA|100||UP|036000291452"]),
    )
    .await;
    assert_eq!(
        answer["interchange"]["documents"][0]["message"],
        "POC06 `100` is no price of ours: divided by the pack's 12, the price per EA has more than 4 decimals",
        "{answer}"
    );
    let (_, answer) = post(
        &app,
        &edi,
        &change(
            4728,
            &["POC|4|AI|1|1|EA|80||IN|ITEM-77", "DTM|002|20261399"],
        ),
    )
    .await;
    assert_eq!(
        answer["interchange"]["documents"][0]["message"], "DTM02 must be a date, CCYYMMDD",
        "{answer}"
    );
    let elsewhere = retail_set(
        "PC",
        "860",
        "NORDLICHT",
        "BRAND",
        4727,
        &[
            "BCH|04|SA|NL-CHANGE-1||2|20261203",
            "N1|ST|Other Name",
            "POC|1|QD|1|1|CA",
            "CTT|1",
        ],
    );
    let (_, answer) = post(&app, &edi, &elsewhere).await;
    assert_eq!(
        answer["interchange"]["documents"][0]["message"],
        "the N1 ST loop names another ship-to than order SO-000001's; an 860 does not move an order: cancel it (BCH01 01) and send a new 850",
        "{answer}"
    );
    let now = order(&app, "NL-CHANGE-1").await;
    assert_eq!(now["version"], version);

    // The brand's own change to a supplier's purchase order goes to it as an 860.
    let body = app
        .graphql(
            PROFILE,
            json!({ "input": { "organizationId": t.supplier, "ediId": "TEILE", "version": "V004010" } }),
        )
        .await;
    assert_eq!(
        body["data"]["ediPartnerConfigure"]["userErrors"],
        json!([]),
        "{body}"
    );
    let po = app
        .mutate(
            "purchaseOrderCreate",
            "order { id version }",
            json!({ "supplierId": t.supplier, "currency": "EUR",
                    "lines": [{ "sku": "WIDGET-1", "quantity": "500", "unitPrice": "4.125" }] }),
        )
        .await;
    let changed = app
        .mutate(
            "orderChange",
            "order { status total { amount } ediDocuments { transactionSet direction interchange { content } } }",
            json!({ "id": po["order"]["id"], "version": po["order"]["version"], "lines": [
                { "action": "CHANGE", "lineNumber": 1, "quantity": "600", "unitPrice": "4.00" },
            ] }),
        )
        .await;
    assert_eq!(changed["userErrors"], json!([]), "{changed}");
    assert_eq!(changed["order"]["total"]["amount"], "2400.00");
    let sent = outbound(&changed["order"]["ediDocuments"], "860")["interchange"]["content"]
        .as_str()
        .unwrap()
        .to_owned();
    let (x, doc) = sent_set(&sent);
    assert_eq!(x.groups[0].functional_id, "PC");
    assert_eq!(x.groups[0].version, "004010");
    assert_eq!(x.receiver_id, "TEILE");
    let read = read_860(&doc).expect("the 860 reads back");
    assert_eq!(read.purpose, "04");
    assert_eq!(read.po_number, "PO-000001");
    assert_eq!(read.sequence.as_deref(), Some("1"));
    assert_eq!(read.lines.len(), 1);
    assert_eq!(read.lines[0].change, "CA");
    assert_eq!(read.lines[0].quantity, Some("600".parse().unwrap()));
    assert_eq!(read.lines[0].unit_price, Some("4".parse().unwrap()));
    assert_eq!(
        read.lines[0].ids,
        [("VP".to_owned(), "WIDGET-1".to_owned())]
    );

    // The supplier answers line by line: a price change (IP) is a PRICE_CHANGED line, its
    // ordered price kept.
    let supplier = token(&app, &t.supplier, "EDI").await;
    let env = Env::new("TEILE", 31);
    let body: Vec<String> = [
        "BAK*00*AC*PO-000001*20261203",
        "PO1*1*600*EA*3.9**VP*WIDGET-1",
        "ACK*IP*600*EA",
        "CTT*1",
    ]
    .map(str::to_owned)
    .to_vec();
    let raw = interchange(&env, &[group(&env, "PR", 31, &[set("855", "0001", &body)])]);
    let (_, answer) = post(&app, &supplier, &raw).await;
    assert_eq!(answer["interchange"]["status"], "ACCEPTED", "{answer}");
    let body = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Order { status lines { status unitPrice { amount } orderedUnitPrice { amount } } } } }",
            json!({ "id": po["order"]["id"] }),
        )
        .await;
    assert_eq!(
        body["data"]["node"],
        json!({ "status": "ACKNOWLEDGED", "lines": [
            { "status": "PRICE_CHANGED", "unitPrice": { "amount": "3.90" }, "orderedUnitPrice": { "amount": "4.00" } }
        ] }),
        "{body}"
    );
}

/// The 845 of an approved special price, as the distributor reads it in its portal.
async fn price_authorization(app: &TestApp, t: &Trade) -> String {
    let customer = crate::special_prices::served_customer(app, t).await;
    let today = chrono::Utc::now().date_naive();
    crate::special_prices::authorised(app, t, &customer, "400", today).await;
    let body = app
        .graphql_as(
            &t.portal,
            "{ ediDocuments(filter: { transactionSet: \"845\" }) { nodes { direction reference interchange { content } } } }",
            json!({}),
        )
        .await;
    let nodes = body["data"]["ediDocuments"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"));
    assert_eq!(nodes.len(), 1, "{body}");
    assert_eq!(nodes[0]["direction"], "OUTBOUND");
    assert_eq!(nodes[0]["reference"], "SPA-000001");
    nodes[0]["interchange"]["content"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The elements of each segment of the one set in `content`, written with `|` and `~`.
pub fn segments_of(content: &str) -> Vec<Vec<String>> {
    content
        .split('~')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.split('|').map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn an_approved_special_price_goes_to_a_distributor_that_trades_by_x12_as_an_845() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    retail_partner(&app, &t).await;
    let content = price_authorization(&app, &t).await;
    let today = chrono::Utc::now().date_naive();
    let ymd = |d: chrono::NaiveDate| d.format("%Y%m%d").to_string();
    let body: Vec<Vec<String>> = segments_of(&content)
        .into_iter()
        .skip_while(|s| s[0] != "ST")
        .take_while(|s| s[0] != "GE")
        .collect();
    let expected: Vec<Vec<String>> = [
        vec!["ST", "845", "0003"],
        vec!["BPA", "00", &ymd(today), "CT", "SPA-000001"],
        vec!["DTM", "007", &ymd(today)],
        vec!["DTM", "036", &ymd(today + chrono::Days::new(90))],
        vec!["N1", "MF", "Aurora", "91", "BRAND"],
        vec!["N1", "DS", "Nordlicht Vertrieb", "91", "DIST-1"],
        vec!["CON", "CT", "SPA-000001"],
        vec!["N1", "EN", "Stadtwerke Nord", "91", "CUST-1"],
        vec!["PAD", "1", "SD"],
        vec!["QTY", "38", "400", "EA"],
        vec!["LIN", "", "VP", "WIDGET-1"],
        vec!["CTP", "", "DIS", "9.1234"],
        vec!["CTP", "", "CON", "8.5"],
        vec!["PAD", "2", "SD"],
        vec!["QTY", "38", "20", "EA"],
        vec!["LIN", "", "VP", "GADGET-1"],
        vec!["CTP", "", "DIS", "80"],
        vec!["CTP", "", "CON", "70"],
        vec!["CTT", "2"],
        vec!["SE", "20", "0003"],
    ]
    .into_iter()
    .map(|s| s.into_iter().map(str::to_owned).collect())
    .collect();
    assert_eq!(body, expected, "{content}");
    assert!(content.contains("|PA|"), "{content}");

    // A distributor that does not trade by X12 gets none; nor does a rejection send one.
    let app = spawn_app().await;
    let t = trade(&app).await;
    let customer = crate::special_prices::served_customer(&app, &t).await;
    crate::special_prices::authorised(&app, &t, &customer, "400", today).await;
    let body = app
        .graphql(
            "{ ediDocuments(filter: { transactionSet: \"845\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["ediDocuments"]["totalCount"], 0, "{body}");
}

#[tokio::test]
#[ignore = "needs Node.js and tests/x12-interop's node-x12; .ci/run installs them and runs this with --ignored"]
async fn an_independent_parser_reads_the_845_of_a_special_price() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    retail_partner(&app, &t).await;
    let content = price_authorization(&app, &t).await;
    let read = read_independently(&content);
    assert_eq!(read["problems"], json!([]), "{read}");
    assert_eq!(read["groups"][0]["gs"][0], "PA");
    assert_eq!(read["groups"][0]["gs"][7], "004010VICS");
    assert_eq!(read["groups"][0]["sets"][0]["st"][0], "845");
    let segments = read["groups"][0]["sets"][0]["segments"].as_array().unwrap();
    let prices: Vec<&Value> = segments.iter().filter(|s| s[0] == "CTP").collect();
    assert_eq!(
        prices,
        [
            &json!(["CTP", "", "DIS", "9.1234"]),
            &json!(["CTP", "", "CON", "8.5"]),
            &json!(["CTP", "", "DIS", "80"]),
            &json!(["CTP", "", "CON", "70"])
        ]
    );
    assert_eq!(
        segment_of(&read, "CON"),
        &json!(["CON", "CT", "SPA-000001"])
    );
    assert_eq!(segment_of(&read, "QTY"), &json!(["QTY", "38", "400", "EA"]));
}

/// A claim under the special price, decided: line 1 valid, line 2 allowed in part, line 3
/// a duplicate. The 849 that answers it, as the distributor reads it.
async fn claim_answer(app: &TestApp, t: &Trade) -> String {
    use crate::claims::{bought, claim, day, reported, sale};
    let customer = crate::special_prices::served_customer(app, t).await;
    let today = chrono::Utc::now().date_naive();
    crate::special_prices::authorised(app, t, &customer, "400", today).await;
    bought(app, t, "PO-STOCK-1", "300", "10").await;
    reported(app, t, &customer, "150", "30").await;
    let filed = claim(
        app,
        t,
        "DB-849",
        json!([
            sale("WIDGET-1", "INV-1", day(0), "100", "9.1234"),
            sale("WIDGET-1", "INV-2", day(0), "80", "9.50"),
            sale("WIDGET-1", "INV-1", day(0), "5", "9.1234"),
        ]),
    )
    .await;
    let approved = app
        .mutate(
            "claimApprove",
            "claim { status }",
            json!({ "id": filed["claim"]["id"], "version": 1 }),
        )
        .await;
    assert_eq!(approved["claim"]["status"], "APPROVED", "{approved}");
    let body = app
        .graphql_as(
            &t.portal,
            "{ ediDocuments(filter: { transactionSet: \"849\" }) { nodes { reference interchange { content } } } }",
            json!({}),
        )
        .await;
    let nodes = body["data"]["ediDocuments"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"));
    assert_eq!(nodes.len(), 1, "{body}");
    assert_eq!(nodes[0]["reference"], "CLM-000001");
    nodes[0]["interchange"]["content"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_decided_claim_is_answered_with_an_849_line_by_line() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    retail_partner(&app, &t).await;
    let content = claim_answer(&app, &t).await;
    let today = chrono::Utc::now().date_naive().format("%Y%m%d").to_string();
    let body: Vec<Vec<String>> = segments_of(&content)
        .into_iter()
        .skip_while(|s| s[0] != "BRC")
        .take_while(|s| s[0] != "SE")
        .collect();
    let expected: Vec<Vec<String>> = [
        vec!["BRC", "11", &today, "IV", "DB-849"],
        vec!["N1", "MF", "Aurora", "91", "BRAND"],
        vec!["N1", "DS", "Nordlicht Vertrieb", "91", "DIST-1"],
        vec!["CON", "CT", "SPA-000001"],
        vec!["PAD", "1", "SD"],
        vec!["LIN", "", "VP", "WIDGET-1"],
        vec!["AAA", "Y"],
        vec!["UIT", "EA", "9.1234"],
        vec!["QTY", "39", "100", "EA"],
        vec!["AMT", "1", "62.34"],
        vec!["PAD", "2", "SD", "PQ"],
        vec!["LIN", "", "VP", "WIDGET-1"],
        vec!["AAA", "Y"],
        vec!["UIT", "EA", "9.1234"],
        vec!["QTY", "39", "50", "EA"],
        vec!["AMT", "1", "31.17"],
        vec!["PAD", "3", "SD"],
        vec!["LIN", "", "VP", "WIDGET-1"],
        vec!["AAA", "N"],
        vec!["UIT", "EA", "9.1234"],
        vec!["QTY", "39", "0", "EA"],
        vec!["AMT", "1", "0.00"],
        vec!["CTT", "1", "150"],
    ]
    .into_iter()
    .map(|s| s.into_iter().map(str::to_owned).collect())
    .collect();
    assert_eq!(body, expected, "{content}");
    assert!(content.contains("|CF|"), "{content}");
}

#[tokio::test]
#[ignore = "needs Node.js and tests/x12-interop's node-x12; .ci/run installs them and runs this with --ignored"]
async fn an_independent_parser_reads_the_849_of_a_claim() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    retail_partner(&app, &t).await;
    let content = claim_answer(&app, &t).await;
    let read = read_independently(&content);
    assert_eq!(read["problems"], json!([]), "{read}");
    assert_eq!(read["groups"][0]["gs"][0], "CF");
    assert_eq!(read["groups"][0]["sets"][0]["st"][0], "849");
    assert_eq!(segment_of(&read, "BRC")[4], json!("DB-849"), "{read}");
    let answers: Vec<&Value> = read["groups"][0]["sets"][0]["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s[0] == "AAA" || s[0] == "AMT")
        .collect();
    assert_eq!(
        answers,
        [
            &json!(["AAA", "Y"]),
            &json!(["AMT", "1", "62.34"]),
            &json!(["AAA", "Y"]),
            &json!(["AMT", "1", "31.17"]),
            &json!(["AAA", "N"]),
            &json!(["AMT", "1", "0.00"])
        ]
    );
}
