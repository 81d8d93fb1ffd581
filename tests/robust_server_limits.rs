//! Server hardening: size, complexity and time limits, no path traversal, admin endpoint off
//! by default and behind a token; every refusal is a 4xx JSON error. (The request time limit
//! is tested in `src/serve/mod.rs`, where a slow handler can be mounted.)

mod index_support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;
use zan::serve::{limits, ServeOptions};

fn app(options: ServeOptions) -> (tempfile::TempDir, axum::Router) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    index_support::build(&dir);
    let app = zan::serve::router_with_options(dir, options).unwrap();
    (tmp, app)
}

async fn send(app: &axum::Router, req: Request<Body>) -> (StatusCode, Value) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    let v = serde_json::from_slice(&body)
        .unwrap_or_else(|_| panic!("not JSON ({status}): {}", String::from_utf8_lossy(&body)));
    (status, v)
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, Value) {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

fn assert_error(status: StatusCode, v: &Value, want: StatusCode) {
    assert_eq!(status, want, "{v}");
    assert_eq!(v["status"], want.as_u16(), "{v}");
    assert!(v["error"].as_str().is_some_and(|e| !e.is_empty()), "{v}");
}

#[tokio::test]
async fn oversized_requests_get_4xx_json() {
    let (_t, app) = app(ServeOptions::default());
    // A body on any route: 413, whether declared too large or streamed without a length.
    let big = vec![b'x'; limits::MAX_BODY_BYTES as usize + 1];
    let req = Request::post("/api/search?q=a")
        .header("content-length", big.len())
        .body(Body::from(big))
        .unwrap();
    let (st, v) = send(&app, req).await;
    assert_error(st, &v, StatusCode::PAYLOAD_TOO_LARGE);
    let req = Request::get("/api/search?q=a")
        .header("transfer-encoding", "chunked")
        .body(Body::from("5\r\nhello\r\n0\r\n\r\n"))
        .unwrap();
    let (st, v) = send(&app, req).await;
    assert_error(st, &v, StatusCode::PAYLOAD_TOO_LARGE);
    // A very long URI: 414.
    let long = format!("/api/search?q={}", "a".repeat(limits::MAX_URI_BYTES));
    let (st, v) = get(&app, &long).await;
    assert_error(st, &v, StatusCode::URI_TOO_LONG);
    // A write method on a read-only route: 405 JSON.
    let (st, v) = send(
        &app,
        Request::post("/api/search?q=a")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_error(st, &v, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn complex_queries_and_pages_are_refused() {
    let (_t, app) = app(ServeOptions::default());
    let many = vec!["слово"; limits::MAX_TERMS + 1].join("+");
    let deep = format!(
        "{}a{}",
        "(".repeat(limits::MAX_DEPTH + 1),
        ")".repeat(limits::MAX_DEPTH + 1)
    );
    let deep = deep.replace('(', "%28").replace(')', "%29");
    let huge_filter = "x".repeat(limits::MAX_PARAM_CHARS + 1);
    for uri in [
        format!("/api/search?q={many}"),
        format!("/api/search?q={deep}"),
        "/api/search?q=a+OR+(b+AND+(c+OR+(d+AND+(e+OR+(f+AND+(g+OR+(h+AND+(i+OR+(j+k)))))))))"
            .into(),
        format!("/api/search?q=a&limit={}", limits::MAX_PAGE + 1),
        "/api/search?q=a&limit=0".into(),
        "/api/search?q=a&limit=99999999999999999999999".into(),
        format!("/api/search?q=a&issuer={huge_filter}"),
    ] {
        let (st, v) = get(&app, &uri).await;
        assert_error(st, &v, StatusCode::BAD_REQUEST);
        assert!(v["error"].as_str().unwrap().len() < 300, "{v}");
    }
    // Right at the limits: answered.
    let ok = vec!["слово"; limits::MAX_TERMS].join("+");
    let (st, v) = get(
        &app,
        &format!("/api/search?q={ok}&limit={}", limits::MAX_PAGE),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let nested = format!(
        "{}a{}",
        "%28".repeat(limits::MAX_DEPTH - 1),
        "%29".repeat(limits::MAX_DEPTH - 1)
    );
    let (st, v) = get(&app, &format!("/api/search?q={nested}")).await;
    assert_eq!(st, StatusCode::OK, "{v}");
}

#[tokio::test]
async fn no_path_traversal() {
    let (_t, app) = app(ServeOptions::default());
    for uri in [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/static/../../Cargo.toml",
        "/api/acts/..%2F..%2F..%2Fetc%2Fpasswd",
        "/api/acts/%2Fetc%2Fpasswd",
        "/api/acts/V1/units/../../../../etc/passwd/history",
        "//etc/passwd",
        "/api/../Cargo.toml",
        "/index/summary.json",
        "/CURRENT",
    ] {
        let (st, v) = get(&app, uri).await;
        assert!(st.is_client_error(), "{uri}: {st} {v}");
        let text = v.to_string();
        assert!(!text.contains("root:"), "{uri}: {text}");
        assert!(!text.contains("[package]"), "{uri}: {text}");
        assert!(!text.contains("unit_versions"), "{uri}: {text}");
    }
}

#[tokio::test]
async fn admin_endpoint_is_off_by_default_and_needs_the_token() {
    let (_t, app_off) = app(ServeOptions::default());
    let post = |auth: Option<&str>| {
        let mut r = Request::post("/api/admin/reload");
        if let Some(a) = auth {
            r = r.header("authorization", a);
        }
        r.body(Body::empty()).unwrap()
    };
    let (st, v) = send(&app_off, post(Some("Bearer anything"))).await;
    assert_error(st, &v, StatusCode::NOT_FOUND);

    let (_t2, app_on) = app(ServeOptions {
        admin_token: Some("s3cret-token".into()),
        ..Default::default()
    });
    for auth in [
        None,
        Some("Bearer wrong"),
        Some("s3cret-token"),
        Some("Bearer s3cret"),
    ] {
        let (st, v) = send(&app_on, post(auth)).await;
        assert_error(st, &v, StatusCode::FORBIDDEN);
    }
    let (st, v) = send(&app_on, post(Some("Bearer s3cret-token"))).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["reloaded"], false, "nothing was rebuilt: {v}");
    // GET on the admin route is not an admin action.
    let (st, v) = get(&app_on, "/api/admin/reload").await;
    assert_error(st, &v, StatusCode::METHOD_NOT_ALLOWED);
}

/// Status and `Connection` header of the answer to `req`.
async fn status_and_connection(
    app: &axum::Router,
    req: Request<Body>,
) -> (StatusCode, Option<String>) {
    let res = app.clone().oneshot(req).await.unwrap();
    let conn = res
        .headers()
        .get("connection")
        .map(|v| v.to_str().unwrap().to_string());
    (res.status(), conn)
}

fn post(uri: &str, body: Vec<u8>) -> Request<Body> {
    Request::post(uri)
        .header("content-length", body.len())
        .body(Body::from(body))
        .unwrap()
}

/// A request body is never read, so the answer must tell a keep-alive client that the
/// connection closes (otherwise its next request fails on a dropped socket).
#[tokio::test]
async fn unread_bodies_close_the_connection() {
    let (_t, app) = app(ServeOptions::default());
    let close = Some("close".to_string());
    let big = vec![b'x'; limits::MAX_BODY_BYTES as usize + 1];
    let got = status_and_connection(&app, post("/api/search?q=a", big)).await;
    assert_eq!(got, (StatusCode::PAYLOAD_TOO_LARGE, close.clone()));
    let got = status_and_connection(&app, post("/api/search?q=a", b"0123456789".to_vec())).await;
    assert_eq!(got, (StatusCode::METHOD_NOT_ALLOWED, close.clone()));
    // Refused for its URI before the body is even looked at: still closes.
    let long = format!("/api/search?q={}", "a".repeat(limits::MAX_URI_BYTES));
    let got = status_and_connection(&app, post(&long, b"0123456789".to_vec())).await;
    assert_eq!(got, (StatusCode::URI_TOO_LONG, close));
    // A plain GET keeps the connection.
    let get = Request::get("/api/summary").body(Body::empty()).unwrap();
    assert_eq!(
        status_and_connection(&app, get).await,
        (StatusCode::OK, None)
    );
}
