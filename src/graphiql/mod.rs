//! GraphiQL, served from the binary: the page, with a small sign-in aid, and the pinned
//! GraphiQL and React builds it loads (no CDN, so it works without internet). Versions and
//! licences: `assets/LICENSES.txt` and the README.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

/// The page `GET /graphql` shows a browser.
pub const PAGE: &str = include_str!("index.html");

/// The files the page loads, by the name it loads them by. Names carry the version, so a
/// browser may keep them for good.
const ASSETS: [(&str, &str, &[u8]); 4] = [
    (
        "graphiql-3.8.3.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/graphiql-3.8.3.min.js"),
    ),
    (
        "graphiql-3.8.3.min.css",
        "text/css; charset=utf-8",
        include_bytes!("assets/graphiql-3.8.3.min.css"),
    ),
    (
        "react-18.3.1.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/react-18.3.1.production.min.js"),
    ),
    (
        "react-dom-18.3.1.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/react-dom-18.3.1.production.min.js"),
    ),
];

/// `GET /graphiql/assets/{name}`: one of the page's files, where GraphiQL is served.
pub async fn asset(
    name: web::Path<String>,
    state: web::Data<crate::http::GraphqlState>,
) -> HttpResponse {
    let found = ASSETS.iter().find(|(file, _, _)| *file == name.as_str());
    match found {
        Some((_, media, bytes)) if state.limits.graphiql => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, *media))
            .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
            .insert_header(("X-Content-Type-Options", "nosniff"))
            .body(*bytes),
        _ => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("not found"),
    }
}
