//! `POST /edi/x12`: the HTTP side of X12 intake. A partner system's API token is checked and
//! rate-limited as on `/graphql`; the body's bytes go to [`super::inbound::receive`], and the
//! answer is JSON or, when asked for, the acknowledgements as X12.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;

use crate::access::Principal;
use crate::error::INTERNAL;
use crate::http::{
    GraphqlState, JSON, authenticate, rate_limited, read_body, request_id_of, unauthenticated,
};

const EDI_X12: &str = "application/edi-x12";

/// `POST /edi/x12`: receives an interchange from a partner system. The answer is JSON with
/// the stored interchange, its sets and the acknowledgements; with `Accept:
/// application/edi-x12` it is the acknowledgements themselves.
pub async fn post(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<GraphqlState>,
) -> HttpResponse {
    let principal = match authenticate(&req, &state, JSON).await {
        Ok(Principal::Anonymous) => {
            return unauthenticated(JSON, "send an API token with the edi scope");
        }
        // A partner's system, with its token; people (staff or a portal's users) submit
        // interchanges with `ediSubmit`, where their own rules apply.
        Ok(principal @ Principal::PartnerSystem { .. }) => principal,
        Ok(_) => {
            return edi_error(
                StatusCode::FORBIDDEN,
                "/edi/x12 takes an API token with the edi scope; people submit interchanges with the ediSubmit mutation",
                "FORBIDDEN",
            );
        }
        Err(response) => return response,
    };
    if let Some(refused) = rate_limited(&req, &state, &principal, JSON) {
        return refused;
    }
    let wants_x12 = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains(EDI_X12));
    let body = match read_body(&req, payload, state.body_limit, JSON).await {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        return edi_error(
            StatusCode::BAD_REQUEST,
            "send an interchange, ISA to IEA, as the request body",
            "BAD_USER_INPUT",
        );
    }
    let receipt = super::inbound::receive(
        &state.db,
        &principal,
        super::inbound::Received::Bytes(&body),
        &state.trade,
    )
    .await;
    let receipt = match receipt {
        Ok(r) => r,
        Err(crate::error::Error::User(e)) => {
            return edi_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                &e.message,
                e.code.as_str(),
            );
        }
        Err(other) => {
            let gql = other.into_graphql();
            let code = gql
                .extensions
                .as_ref()
                .and_then(|e| e.get("code"))
                .map(|c| c.to_string().trim_matches('"').to_owned())
                .unwrap_or_else(|| INTERNAL.to_owned());
            let status = match code.as_str() {
                "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
                "FORBIDDEN" => StatusCode::FORBIDDEN,
                "NOT_FOUND" => StatusCode::NOT_FOUND,
                crate::error::UNAVAILABLE => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            if status == StatusCode::INTERNAL_SERVER_ERROR {
                // As on /graphql: the id every log line of the request carries.
                return error_body(
                    status,
                    json!({ "message": gql.message, "extensions": { "code": code, "requestId": request_id_of(&req) } }),
                );
            }
            return edi_error(status, &gql.message, &code);
        }
    };
    if wants_x12 {
        let text: String = receipt
            .acknowledgements
            .iter()
            .map(|a| a.content.as_str())
            .collect();
        return HttpResponse::Ok().content_type(EDI_X12).body(text);
    }
    let documents = &receipt.documents;
    let x = &receipt.interchange;
    let body = json!({
        "interchange": {
            "id": crate::ids::GlobalId::encode(crate::ids::NodeType::EdiInterchange, x.id),
            "controlNumber": x.control_number,
            "usage": x.usage,
            "status": x.status,
            "message": x.message,
            "documents": documents.iter().map(|d| json!({
                "id": crate::ids::GlobalId::encode(crate::ids::NodeType::EdiDocument, d.id),
                "transactionSet": d.transaction_set,
                "groupControlNumber": d.group_control_number,
                "controlNumber": d.control_number,
                "status": d.status,
                "message": d.message,
                "reference": d.reference,
            })).collect::<Vec<_>>(),
        },
        "acknowledgements": receipt.acknowledgements.iter().map(|a| json!({
            "id": crate::ids::GlobalId::encode(crate::ids::NodeType::EdiInterchange, a.id),
            "controlNumber": a.control_number,
            "content": a.content,
        })).collect::<Vec<_>>(),
    });
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/json; charset=utf-8"))
        .body(body.to_string())
}

fn edi_error(status: StatusCode, message: &str, code: &str) -> HttpResponse {
    error_body(
        status,
        json!({ "message": message, "extensions": { "code": code } }),
    )
}

fn error_body(status: StatusCode, error: serde_json::Value) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "application/json; charset=utf-8"))
        .body(json!({ "errors": [error] }).to_string())
}
