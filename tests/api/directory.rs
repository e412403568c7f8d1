//! Organizations, contacts, addresses and channel links: the happy paths.

use serde_json::{Value, json};

use crate::helpers::spawn_app;

const ORG_FIELDS: &str = "organization { id __typename name code territory status version }";

#[tokio::test]
async fn a_distributor_is_created_read_back_and_listed_by_type() {
    let app = spawn_app().await;
    let payload = app
        .mutate(
            "organizationCreate",
            ORG_FIELDS,
            json!({ "kind": "DISTRIBUTOR", "name": "Nordlicht Vertrieb", "code": "dist-007", "territory": "north" }),
        )
        .await;
    assert_eq!(payload["userErrors"], json!([]));
    let org = &payload["organization"];
    assert_eq!(org["__typename"], "Distributor");
    assert_eq!(org["code"], "DIST-007");
    assert_eq!(org["territory"], "NORTH");
    assert_eq!(org["status"], "ACTIVE");
    assert_eq!(org["version"], 1);

    let body = app
        .graphql(
            r#"query($id: ID!) {
                node(id: $id) { id ... on Distributor { name } }
                organization(code: "DIST-007") { name }
                distributors { totalCount edges { node { code } } }
                customers { totalCount }
            }"#,
            json!({ "id": org["id"] }),
        )
        .await;
    assert_eq!(body["data"]["node"]["name"], "Nordlicht Vertrieb");
    assert_eq!(body["data"]["organization"]["name"], "Nordlicht Vertrieb");
    assert_eq!(body["data"]["distributors"]["totalCount"], 1);
    assert_eq!(
        body["data"]["distributors"]["edges"][0]["node"]["code"],
        "DIST-007"
    );
    assert_eq!(body["data"]["customers"]["totalCount"], 0);
}

#[tokio::test]
async fn names_are_searched_without_regard_to_case_in_every_script() {
    let app = spawn_app().await;
    app.create_org("INTERMEDIATE_CUSTOMER", "ÄRZTE-Bedarf Süd", "DLR-1")
        .await;
    app.create_org("INTERMEDIATE_CUSTOMER", "東京商事", "DLR-2")
        .await;
    app.create_org("INTERMEDIATE_CUSTOMER", "Plain Dealer", "DLR-3")
        .await;
    let search = |needle: &'static str| {
        let app = &app;
        async move {
            let body = app
                .graphql(
                    "query($n: String) { organizations(filter: { nameContains: $n }) { edges { node { code } } } }",
                    json!({ "n": needle }),
                )
                .await;
            body["data"]["organizations"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["code"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(search("ärzte").await, vec!["DLR-1"]);
    assert_eq!(search("BEDARF SÜD").await, vec!["DLR-1"]);
    assert_eq!(search("商事").await, vec!["DLR-2"]);
    assert_eq!(search("%").await, Vec::<String>::new());
}

#[tokio::test]
async fn pages_move_forward_and_back_with_keyset_cursors() {
    let app = spawn_app().await;
    for (i, name) in ["Echo", "alpha", "Delta", "charlie", "Bravo"]
        .iter()
        .enumerate()
    {
        app.create_org("SUPPLIER", name, &format!("SUP-{i}")).await;
    }
    let page = |args: &'static str, cursor: Option<String>| {
        let app = &app;
        async move {
            let vars = if args.contains("$c") {
                "($c: String)"
            } else {
                ""
            };
            let query = format!(
                "query{vars} {{ suppliers({args}) {{ totalCount pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} edges {{ node {{ name }} }} }} }}"
            );
            app.graphql(&query, json!({ "c": cursor })).await["data"]["suppliers"].clone()
        }
    };
    let names = |conn: &Value| {
        conn["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["name"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let first = page("first: 2", None).await;
    assert_eq!(names(&first), vec!["alpha", "Bravo"]);
    assert_eq!(first["totalCount"], 5);
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    let second = page(
        "first: 2, after: $c",
        first["pageInfo"]["endCursor"].as_str().map(String::from),
    )
    .await;
    assert_eq!(names(&second), vec!["charlie", "Delta"]);
    let third = page(
        "first: 2, after: $c",
        second["pageInfo"]["endCursor"].as_str().map(String::from),
    )
    .await;
    assert_eq!(names(&third), vec!["Echo"]);
    assert_eq!(third["pageInfo"]["hasNextPage"], false);
    let back = page(
        "last: 2, before: $c",
        third["pageInfo"]["startCursor"].as_str().map(String::from),
    )
    .await;
    assert_eq!(names(&back), vec!["charlie", "Delta"]);
    assert_eq!(back["pageInfo"]["hasPreviousPage"], true);
    let newest = page(
        "first: 2, orderBy: { field: CREATED_AT, direction: DESC }",
        None,
    )
    .await;
    assert_eq!(names(&newest), vec!["Bravo", "charlie"]);
}

#[tokio::test]
async fn an_update_needs_the_current_version_and_a_stale_one_changes_nothing() {
    let app = spawn_app().await;
    let id = app.create_org("END_CUSTOMER", "Li Wei", "CUST-1").await;
    let updated = app
        .mutate(
            "organizationUpdate",
            ORG_FIELDS,
            json!({ "id": id, "version": 1, "name": "李伟", "territory": null }),
        )
        .await;
    assert_eq!(updated["userErrors"], json!([]));
    assert_eq!(updated["organization"]["name"], "李伟");
    assert_eq!(updated["organization"]["version"], 2);

    let stale = app
        .mutate(
            "organizationUpdate",
            ORG_FIELDS,
            json!({ "id": id, "version": 1, "name": "Someone Else" }),
        )
        .await;
    assert_eq!(stale["organization"], Value::Null);
    assert_eq!(stale["userErrors"][0]["code"], "CONFLICT");
    assert_eq!(stale["userErrors"][0]["field"], json!(["input", "version"]));
    let body = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Customer { name version } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        body["data"]["node"],
        json!({ "name": "李伟", "version": 2 })
    );
}

#[tokio::test]
async fn archived_organizations_drop_out_of_lists_unless_asked_for() {
    let app = spawn_app().await;
    let id = app.create_org("SUPPLIER", "Old Supplier", "SUP-OLD").await;
    app.create_org("SUPPLIER", "New Supplier", "SUP-NEW").await;
    let archived = app
        .mutate(
            "organizationArchive",
            "organization { archivedAt version }",
            json!({ "id": id, "version": 1 }),
        )
        .await;
    assert_eq!(archived["userErrors"], json!([]));
    let archived_at = archived["organization"]["archivedAt"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(archived_at).is_ok() && archived_at.ends_with('Z'),
        "RFC 3339 in UTC: {archived_at}"
    );
    let body = app
        .graphql(
            r#"query($id: ID!) {
                live: suppliers { totalCount edges { node { code } } }
                all: suppliers(filter: { includeArchived: true }) { totalCount }
                node(id: $id) { ... on Supplier { code archivedAt } }
            }"#,
            json!({ "id": id }),
        )
        .await;
    assert_eq!(body["data"]["live"]["totalCount"], 1);
    assert_eq!(body["data"]["live"]["edges"][0]["node"]["code"], "SUP-NEW");
    assert_eq!(body["data"]["all"]["totalCount"], 2);
    assert_eq!(body["data"]["node"]["code"], "SUP-OLD");
}

#[tokio::test]
async fn a_distributor_sees_its_dealers_and_a_dealer_its_customers() {
    let app = spawn_app().await;
    let dist = app
        .create_org("DISTRIBUTOR", "Westwind Distribution", "DIST-1")
        .await;
    let dealer = app
        .create_org("INTERMEDIATE_CUSTOMER", "Corner Shop", "DLR-1")
        .await;
    let customer = app.create_org("END_CUSTOMER", "Zoë Dubois", "CUST-1").await;
    for (up, down, kind) in [
        (&dist, &dealer, "RESELLS_TO"),
        (&dealer, &customer, "SERVES"),
    ] {
        let link = app
            .mutate(
                "channelLinkCreate",
                "channelLink { kind level status since upstream { code } downstream { code } }",
                json!({ "upstreamId": up, "downstreamId": down, "kind": kind, "level": "PROACTIVE", "since": "2024-03-01" }),
            )
            .await;
        assert_eq!(link["userErrors"], json!([]), "{link}");
        assert_eq!(link["channelLink"]["level"], "PROACTIVE");
        assert_eq!(link["channelLink"]["since"], "2024-03-01");
    }
    let body = app
        .graphql(
            r#"{ distributors { edges { node {
                    dealers { totalCount edges { node { code customers { edges { node { code servedBy { edges { node { code } } } } } } } } }
                    downstreamLinks { totalCount edges { node { kind downstream { code } } } }
            } } } }"#,
            json!({}),
        )
        .await;
    let d = &body["data"]["distributors"]["edges"][0]["node"];
    assert_eq!(d["dealers"]["totalCount"], 1, "{body}");
    let dealer_node = &d["dealers"]["edges"][0]["node"];
    assert_eq!(dealer_node["code"], "DLR-1");
    let c = &dealer_node["customers"]["edges"][0]["node"];
    assert_eq!(c["code"], "CUST-1");
    assert_eq!(c["servedBy"]["edges"][0]["node"]["code"], "DLR-1");
    assert_eq!(d["downstreamLinks"]["totalCount"], 1);
    assert_eq!(
        d["downstreamLinks"]["edges"][0]["node"]["kind"],
        "RESELLS_TO"
    );
}

#[tokio::test]
async fn contacts_and_addresses_belong_to_their_organization() {
    let app = spawn_app().await;
    let org = app
        .create_org("INTERMEDIATE_CUSTOMER", "Sakura Denki", "DLR-9")
        .await;
    let contact = app
        .mutate(
            "contactCreate",
            "contact { id name email buyingRole marketingConsent { status source changedAt } organization { code } }",
            json!({
                "organizationId": org, "name": "鈴木花子", "email": "hanako@Sakura.JP",
                "buyingRole": "DECISION_MAKER",
                "marketingConsent": { "status": "OPTED_OUT", "source": "phone call" }
            }),
        )
        .await;
    assert_eq!(contact["userErrors"], json!([]), "{contact}");
    assert_eq!(contact["contact"]["email"], "hanako@sakura.jp");
    assert_eq!(
        contact["contact"]["marketingConsent"]["status"],
        "OPTED_OUT"
    );
    assert_eq!(contact["contact"]["organization"]["code"], "DLR-9");

    let address = app
        .mutate(
            "addressCreate",
            "address { kind city country gln }",
            json!({
                "organizationId": org, "kind": "SHIPPING", "line1": "1-2-3 Umeda",
                "city": "大阪", "country": "jp", "gln": "4012345000009"
            }),
        )
        .await;
    assert_eq!(address["userErrors"], json!([]), "{address}");
    assert_eq!(address["address"]["country"], "JP");

    let body = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on IntermediateCustomer { contacts { totalCount edges { node { name } } } addresses { edges { node { city gln } } } } } }",
            json!({ "id": org }),
        )
        .await;
    let node = &body["data"]["node"];
    assert_eq!(node["contacts"]["totalCount"], 1);
    assert_eq!(node["contacts"]["edges"][0]["node"]["name"], "鈴木花子");
    assert_eq!(node["addresses"]["edges"][0]["node"]["city"], "大阪");
}

#[tokio::test]
async fn nodes_answers_in_order_with_null_for_unknown_ids() {
    let app = spawn_app().await;
    let a = app.create_org("SUPPLIER", "A Supplier", "SUP-A").await;
    let b = app
        .create_org("DISTRIBUTOR", "B Distribution", "DIST-B")
        .await;
    let unknown = channelgraph::ids::GlobalId::encode(
        channelgraph::ids::NodeType::Organization,
        uuid::Uuid::now_v7(),
    );
    let body = app
        .graphql(
            "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
            json!({ "ids": [b, unknown, a] }),
        )
        .await;
    assert_eq!(
        body["data"]["nodes"],
        json!([
            { "__typename": "Distributor", "id": b },
            null,
            { "__typename": "Supplier", "id": a }
        ])
    );
}

#[tokio::test]
async fn the_demo_seed_is_deterministic_and_runs_once() {
    let app = spawn_app().await;
    let report = channelgraph::seed::demo(&app.db).await.unwrap();
    assert_eq!(report.organizations, 1 + 5 + 20 + 200 + 2000);
    let again = channelgraph::seed::demo(&app.db).await.unwrap();
    assert_eq!(again.organizations, 0);
    let body = app
        .graphql(
            r#"{
                suppliers { totalCount }
                distributors { totalCount }
                intermediateCustomers { totalCount }
                customers { totalCount }
                north: distributors(filter: { territory: "NORTH" }) { totalCount }
                dist: organization(code: "DIST-001") { name ... on Distributor { dealers { totalCount } } }
            }"#,
            json!({}),
        )
        .await;
    let d = &body["data"];
    assert_eq!(d["suppliers"]["totalCount"], 5);
    assert_eq!(d["distributors"]["totalCount"], 20);
    assert_eq!(d["intermediateCustomers"]["totalCount"], 200);
    assert_eq!(d["customers"]["totalCount"], 2000);
    assert_eq!(d["north"]["totalCount"], 5);
    assert_eq!(d["dist"]["dealers"]["totalCount"], 10);
    // The same names on every run, on every machine.
    assert_eq!(d["dist"]["name"], "Juniper Installations Distribution");

    // A year of trade: 20 distributors monthly, 20 dealers quarterly.
    assert_eq!((report.products, report.orders), (8, 20 * 12 + 20 * 4));
    let body = app
        .graphql(
            r#"{
                products { totalCount }
                partnerTiers { nodes { code paymentTermsDays } }
                paid: orders(filter: { statuses: [PAID] }) { totalCount }
                invoiced: orders(filter: { statuses: [INVOICED] }) { totalCount }
                waiting: orders(filter: { statuses: [SUBMITTED, ACKNOWLEDGED] }) { totalCount }
                stockPositions(sku: "HP-100") { onHand }
                dist: organization(code: "DIST-001") { ... on Distributor { partnerTier { code } creditLimit { amount } } }
            }"#,
            json!({}),
        )
        .await;
    let d = &body["data"];
    assert_eq!(d["products"]["totalCount"], 8, "{body}");
    assert_eq!(
        d["partnerTiers"]["nodes"],
        json!([{ "code": "GOLD", "paymentTermsDays": 60 }, { "code": "REGISTERED", "paymentTermsDays": 30 }, { "code": "SILVER", "paymentTermsDays": 45 }])
    );
    for status in ["paid", "invoiced", "waiting"] {
        assert!(
            d[status]["totalCount"].as_i64().unwrap() > 0,
            "{status}: {body}"
        );
    }
    assert_eq!(
        d["stockPositions"].as_array().unwrap().len(),
        16,
        "every distributor above Registered, and the brand's own count"
    );
    assert_eq!(d["dist"]["partnerTier"]["code"], "GOLD");
    assert_eq!(d["dist"]["creditLimit"]["amount"], "400000.00");
}

#[tokio::test]
async fn sqlite_databases_run_in_wal_mode() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let app = spawn_app().await;
    if app.db.get_database_backend() != DbBackend::Sqlite {
        return;
    }
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA journal_mode",
        ))
        .await
        .unwrap()
        .unwrap();
    let mode: String = row.try_get_by_index(0).unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn concurrent_writes_all_succeed() {
    let app = spawn_app().await;
    let org = app
        .create_org("DISTRIBUTOR", "Busy Distribution", "DIST-1")
        .await;
    let writes = (0..24).map(|i| {
        let app = &app;
        let org = org.clone();
        async move {
            if i % 2 == 0 {
                app.mutate(
                    "organizationCreate",
                    "organization { id }",
                    json!({ "kind": "INTERMEDIATE_CUSTOMER", "name": format!("Dealer {i}"), "code": format!("DLR-{i}") }),
                )
                .await
            } else {
                app.mutate(
                    "contactCreate",
                    "contact { id }",
                    json!({ "organizationId": org, "name": format!("Person {i}") }),
                )
                .await
            }
        }
    });
    for payload in futures_util::future::join_all(writes).await {
        assert_eq!(payload["userErrors"], json!([]), "{payload}");
    }
    assert_eq!(app.organization_count().await, 13);
}

#[tokio::test]
async fn an_account_has_a_staff_owner_that_partners_do_not_see() {
    use entity::enums::UserRole;
    let app = spawn_app().await;
    let sales = app
        .create_user(
            "sales@channelgraph.test",
            "a sales password",
            UserRole::Sales,
            None,
        )
        .await;
    let sales_id = channelgraph::ids::GlobalId::encode(channelgraph::ids::NodeType::User, sales);
    let created = app
        .mutate(
            "organizationCreate",
            "organization { id accountOwner { email } }",
            json!({ "kind": "DISTRIBUTOR", "name": "Owned", "code": "DIST-1", "accountOwnerId": sales_id }),
        )
        .await;
    assert_eq!(
        created["organization"]["accountOwner"]["email"],
        "sales@channelgraph.test"
    );
    let org = created["organization"]["id"].as_str().unwrap().to_owned();
    let org_uuid = channelgraph::ids::GlobalId::parse(&org).unwrap().id;

    let owned = app
        .graphql(
            "query($o: ID!) { organizations(filter: { accountOwnerId: $o }) { nodes { code } } }",
            json!({ "o": sales_id }),
        )
        .await;
    assert_eq!(
        owned["data"]["organizations"]["nodes"],
        json!([{ "code": "DIST-1" }])
    );

    let partner = app
        .create_user(
            "portal@dist-1.test",
            "a portal password",
            crate::helpers::PARTNER_MEMBER,
            Some(org_uuid),
        )
        .await;
    let partner_id =
        channelgraph::ids::GlobalId::encode(channelgraph::ids::NodeType::User, partner);
    let refused = app
        .mutate(
            "organizationUpdate",
            "organization { id }",
            json!({ "id": org, "version": 1, "accountOwnerId": partner_id }),
        )
        .await;
    assert_eq!(refused["userErrors"][0]["code"], "NOT_ALLOWED", "{refused}");
    assert_eq!(
        refused["userErrors"][0]["field"],
        json!(["input", "accountOwnerId"])
    );

    let token = app
        .token_for("portal@dist-1.test", "a portal password")
        .await;
    let seen = app
        .graphql_as(
            &token,
            "{ distributors { nodes { code accountOwner { email } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        seen["data"]["distributors"]["nodes"],
        json!([{ "code": "DIST-1", "accountOwner": null }]),
        "a partner does not see the brand's staff"
    );

    let cleared = app
        .mutate(
            "organizationUpdate",
            "organization { accountOwner { email } }",
            json!({ "id": org, "version": 1, "accountOwnerId": null }),
        )
        .await;
    assert_eq!(
        cleared["organization"]["accountOwner"],
        Value::Null,
        "{cleared}"
    );
}
