//! The HTTP API over the fixture index of act 142971 (see `index_support`).

mod index_support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use index_support::*;
use serde_json::Value;
use tower::ServiceExt;

struct Fixture {
    _tmp: tempfile::TempDir,
    app: axum::Router,
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    build(&dir);
    let app = zan::serve::router(dir).unwrap();
    Fixture { _tmp: tmp, app }
}

/// GET `uri` (already percent-encoded where needed): status, content type and body.
async fn get(app: &axum::Router, uri: &str) -> (StatusCode, String, String) {
    let res = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let ctype = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, ctype, String::from_utf8(body.to_vec()).unwrap())
}

async fn get_json(app: &axum::Router, uri: &str) -> (StatusCode, Value) {
    let (status, ctype, body) = get(app, uri).await;
    assert!(
        ctype.starts_with("application/json"),
        "{uri}: {ctype} {body}"
    );
    (status, serde_json::from_str(&body).unwrap())
}

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[tokio::test]
async fn search_returns_hits() {
    let f = fixture();
    // Quoted: this exact form (bare, it also finds "апостиля", "апостильді").
    let (status, v) = get_json(&f.app, &format!("/api/search?q={}", enc("\"апостиль\""))).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["query"], "\"апостиль\"");
    assert_eq!(v["total"], 2);
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 2);
    for h in hits {
        assert_eq!(h["act_id"], ACT_ID);
        assert_eq!(h["path"], "point:2");
        assert_eq!(h["status"], "in_force");
        assert_eq!(h["valid_from"], "2022-01-03");
        assert_eq!(h["changed_by"]["number"], "586");
        assert!(h["snippet_html"]
            .as_str()
            .unwrap()
            .contains("<b>апостиль</b>"));
    }

    // Kazakh only, on a date before order № 586: the old wording.
    let uri = format!(
        "/api/search?q={}&lang=kk&as_of=2021-06-01&limit=5",
        enc("\"апостиль\"")
    );
    let (status, v) = get_json(&f.app, &uri).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["total"], 1);
    assert_eq!(v["hits"][0]["lang"], "kk");
    assert_eq!(v["hits"][0]["valid_to"], "2022-01-03");
}

#[tokio::test]
async fn bad_parameters_are_400_json() {
    let f = fixture();
    let a = enc("апостиль");
    for uri in [
        "/api/search".to_string(),
        "/api/search?q=".to_string(),
        "/api/search?q=%20%20".to_string(),
        format!("/api/search?q={a}&as_of=2021-13-45"),
        format!("/api/search?q={a}&as_of=yesterday"),
        format!("/api/search?q={a}&lang=en"),
        format!("/api/search?q={a}&limit=0"),
        format!("/api/search?q={a}&limit=-3"),
        format!("/api/search?q={a}&limit=100000"),
        "/api/search?q=%3A".to_string(),
        "/api/search?q=-".to_string(),
        format!("/api/acts/{ACT_ID}?as_of=31-31-2020"),
        format!("/api/acts/{ACT_ID}?lang=de"),
        format!("/api/acts/{ACT_ID}/history?unit=clause%3A1"),
    ] {
        let (status, v) = get_json(&f.app, &uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {v}");
        assert_eq!(v["status"], 400, "{uri}");
        assert!(!v["error"].as_str().unwrap().is_empty(), "{uri}");
    }
}

#[tokio::test]
async fn unbalanced_syntax_is_never_a_500() {
    let f = fixture();
    for q in [
        "\"апостиль",
        "AND OR (",
        "((апостиль",
        "апостиль)",
        "*",
        ":",
        "-",
        "\"\"",
        "[1 TO",
    ] {
        let (status, v) = get_json(&f.app, &format!("/api/search?q={}", enc(q))).await;
        assert!(
            status == StatusCode::OK || status == StatusCode::BAD_REQUEST,
            "{q:?}: {status} {v}"
        );
    }
    // Pasted act text with a lone parenthesis: searched literally, with a notice.
    let uri = format!("/api/search?q={}", enc("подпункт 3) пункта 2 штамп"));
    let (status, v) = get_json(&f.app, &uri).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert!(v["notice"].is_string(), "{v}");
    // Invalid UTF-8 in the query string is decoded lossily, not an error.
    let (status, _) = get_json(&f.app, "/api/search?q=%FF%FE").await;
    assert!(status == StatusCode::OK || status == StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn act_shows_units_in_force_on_the_date() {
    let f = fixture();
    let (status, v) = get_json(&f.app, &format!("/api/acts/{ACT_ID}")).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let texts = v["texts"].as_array().unwrap();
    assert_eq!(texts.len(), 2);
    for t in texts {
        assert_eq!(t["versions"], 4);
        assert_eq!(t["units_total"], 3);
        assert_eq!(t["changes"][0]["date"], "2022-01-03");
        let units = t["units"].as_array().unwrap();
        let paths: Vec<_> = units.iter().map(|u| u["unit"].as_str().unwrap()).collect();
        assert_eq!(paths, vec!["point:1", "point:2", "point:3"]);
        assert!(units[1]["valid_to"].is_null());
    }

    let uri = format!("/api/acts/{ACT_ID}?lang=ru&as_of=2021-06-01");
    let (status, v) = get_json(&f.app, &uri).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let texts = v["texts"].as_array().unwrap();
    assert_eq!(texts.len(), 1);
    assert_eq!(texts[0]["lang"], "ru");
    let p2 = &texts[0]["units"][1];
    assert_eq!(p2["valid_to"], "2022-01-03");
    assert!(!p2["text"]
        .as_str()
        .unwrap()
        .contains("сервис цифровых документов"));

    // Before the act was in force: the act is known, no unit was in force.
    let (status, v) = get_json(&f.app, &format!("/api/acts/{ACT_ID}?as_of=2019-01-01")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(v["texts"][0]["units"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn history_of_a_unit() {
    let f = fixture();
    let uri = format!("/api/acts/{ACT_ID}/history?lang=kk&unit=point%3A2");
    let (status, v) = get_json(&f.app, &uri).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["unit"], "point:2");
    let events = v["texts"][0]["events"].as_array().unwrap();
    let kinds: Vec<_> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["original", "reworded"]);
    assert_eq!(events[1]["order"]["number"], "586");
    assert_eq!(events[1]["effective"], "2022-01-03");

    // Whole act, both languages.
    let (status, v) = get_json(&f.app, &format!("/api/acts/{ACT_ID}/history")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["texts"].as_array().unwrap().len(), 2);
    assert_eq!(v["texts"][1]["events"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn unknown_act_and_route_are_404_json() {
    let f = fixture();
    for uri in [
        "/api/acts/V9900000000".to_string(),
        "/api/acts/V9900000000/history".to_string(),
        "/api/nothing".to_string(),
        "/api/acts/".to_string(),
    ] {
        let (status, v) = get_json(&f.app, &uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}: {v}");
        assert_eq!(v["status"], 404);
    }
}

#[tokio::test]
async fn page_is_a_self_contained_search_form() {
    let f = fixture();
    let (status, ctype, body) = get(&f.app, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/html"), "{ctype}");
    assert!(body.contains("<form"));
    assert!(body.contains("name=\"q\""));
    assert!(body.contains("name=\"as_of\""));
    assert!(body.contains("/api/search"));
    // No external assets.
    assert!(!body.contains("http://") && !body.contains("https://"));
    assert!(!body.contains("<link") && !body.contains("src="));
}

#[tokio::test]
async fn router_without_index_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let err = zan::serve::router(tmp.path().join("none")).unwrap_err();
    assert!(format!("{err:#}").contains("zan index"), "{err:#}");
}

/// `serve` on a real socket: the page and a search answer over TCP.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_listens_on_a_socket() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    build(&dir);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
    let server = tokio::spawn(zan::serve::serve(dir, addr));

    let req = format!(
        "GET /api/search?q={}&lang=ru HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        enc("штамп")
    );
    // A plain blocking client, as a browser would be: retried until the server is up.
    let answer = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        for _ in 0..100 {
            if let Ok(mut s) = std::net::TcpStream::connect(addr) {
                s.write_all(req.as_bytes()).unwrap();
                let mut answer = String::new();
                s.read_to_string(&mut answer).unwrap();
                return answer;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        String::from("server never came up")
    })
    .await
    .unwrap();
    server.abort();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"total\":1"), "{answer}");
    assert!(
        answer.contains("<b>штамп</b>") || answer.contains("<b>штампа</b>"),
        "{answer}"
    );
}
