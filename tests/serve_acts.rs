//! The act pages' API (editions, differences, unit timelines), the OpenAPI description, the
//! search filters over HTTP, and the swap of a rebuilt index, over the fixture of act 142971.

mod index_support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use index_support::*;
use serde_json::Value;
use std::time::Duration;
use tower::ServiceExt;

async fn get_json(app: &axum::Router, uri: &str) -> (StatusCode, Value) {
    let res = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    let v = serde_json::from_slice(&body)
        .unwrap_or_else(|e| panic!("{uri}: not JSON ({e}): {}", String::from_utf8_lossy(&body)));
    (status, v)
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn app() -> (tempfile::TempDir, axum::Router) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    build(&dir);
    let app = zan::serve::router(dir).unwrap();
    (tmp, app)
}

#[tokio::test]
async fn editions_of_the_act() {
    let (_t, app) = app();
    let (st, v) = get_json(&app, &format!("/api/acts/{ACT_ID}/versions?lang=ru")).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let eds = v["texts"][0]["editions"].as_array().unwrap();
    // The base text, then order № 586.
    assert_eq!(eds.len(), 2, "{v}");
    assert_eq!(eds[0]["date"], base_from().to_string());
    assert!(eds[0]["orders"].as_array().unwrap().is_empty());
    assert_eq!(eds[1]["date"], amend_from().to_string());
    assert_eq!(eds[1]["orders"][0]["number"], "586");
}

#[tokio::test]
async fn difference_between_two_dates() {
    let (_t, app) = app();
    let uri = format!("/api/acts/{ACT_ID}/diff?lang=ru&from=2021-06-01&to=2022-06-01");
    let (st, v) = get_json(&app, &uri).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let t = &v["texts"][0];
    assert_eq!(t["changed"], 1, "{v}");
    let u = &t["units"][0];
    assert_eq!(u["unit"], "point:2");
    assert_eq!(u["change"], "changed");
    assert_eq!(u["changed_by"]["number"], "586");
    let inserted: String = u["words"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["op"] == "insert")
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert!(
        inserted.contains("сервис цифровых документов"),
        "{inserted}"
    );
    // Two dates within one edition: nothing changed.
    let uri = format!("/api/acts/{ACT_ID}/diff?from=2022-02-01&to=2022-06-01");
    let (_, v) = get_json(&app, &uri).await;
    for t in v["texts"].as_array().unwrap() {
        assert!(t["units"].as_array().unwrap().is_empty(), "{v}");
    }
    // Before the act existed → everything is added.
    let uri = format!("/api/acts/{ACT_ID}/diff?lang=kk&from=2019-01-01&to=2021-01-01");
    let (_, v) = get_json(&app, &uri).await;
    assert_eq!(v["texts"][0]["added"], 3, "{v}");
}

#[tokio::test]
async fn timeline_of_one_unit() {
    let (_t, app) = app();
    let uri = format!("/api/acts/{ACT_ID}/units/point:2/history?lang=kk");
    let (st, v) = get_json(&app, &uri).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let tl = v["texts"][0]["timeline"].as_array().unwrap();
    assert_eq!(tl.len(), 2);
    assert_eq!(tl[0]["valid_to"], amend_from().to_string());
    assert_eq!(tl[1]["changed_by"]["number"], "586");
    let kinds: Vec<_> = v["texts"][0]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds, vec!["original", "reworded"]);
}

#[tokio::test]
async fn unknown_and_malformed_get_json_errors() {
    let (_t, app) = app();
    for (uri, want) in [
        ("/api/acts/V0000000000/versions".to_string(), 404),
        (
            "/api/acts/V0000000000/diff?from=2020-01-01".to_string(),
            404,
        ),
        (format!("/api/acts/{ACT_ID}/diff"), 400),
        (format!("/api/acts/{ACT_ID}/diff?from=yesterday"), 400),
        (format!("/api/acts/{ACT_ID}/diff?from=2020-01-01&to=x"), 400),
        (format!("/api/acts/{ACT_ID}/units/point:99/history"), 404),
        (format!("/api/acts/{ACT_ID}/units/clause:1/history"), 400),
        (format!("/api/acts/{ACT_ID}/units/point:2"), 404),
        ("/api/search?q=a&status=maybe".to_string(), 400),
        ("/api/search?q=a&sort=random".to_string(), 400),
        ("/api/search?q=a&kind=clause".to_string(), 400),
        ("/api/search?q=a&year=twenty".to_string(), 400),
        (format!("/api/search?q={}", "a".repeat(3000)), 400),
    ] {
        let (st, v) = get_json(&app, &uri).await;
        assert_eq!(st.as_u16(), want, "{uri}: {v}");
        assert_eq!(v["status"], want, "{uri}");
    }
}

#[tokio::test]
async fn openapi_lists_every_route() {
    let (_t, app) = app();
    let (st, v) = get_json(&app, "/api/openapi.json").await;
    assert_eq!(st, StatusCode::OK);
    assert!(v["openapi"].as_str().unwrap().starts_with('3'));
    for p in [
        "/api/search",
        "/api/acts/{id}",
        "/api/acts/{id}/history",
        "/api/acts/{id}/versions",
        "/api/acts/{id}/diff",
        "/api/acts/{id}/units/{path}/history",
    ] {
        assert!(v["paths"][p].is_object(), "{p}");
    }
}

#[tokio::test]
async fn search_filters_groups_and_facets_over_http() {
    let (_t, app) = app();
    let q = enc("апостиль");
    let (st, v) = get_json(&app, &format!("/api/search?q={q}&lang=ru&facets=true")).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "in_force");
    assert_eq!(v["groups"][0]["act_id"], ACT_ID);
    assert!(v["facets"]["unit_kind"][0]["count"].as_u64().unwrap() >= 1);
    let total = v["total"].as_u64().unwrap();
    assert_eq!(v["total_exact"], true);
    // Facets are counted only when asked; hits, groups and the (small) total stay the same.
    let (st, lean) = get_json(&app, &format!("/api/search?q={q}&lang=ru")).await;
    assert_eq!(st, StatusCode::OK, "{lean}");
    assert!(lean["facets"]["unit_kind"].as_array().unwrap().is_empty());
    assert_eq!(
        (&lean["total"], &lean["total_exact"]),
        (&v["total"], &v["total_exact"])
    );
    assert_eq!(lean["hits"], v["hits"]);
    assert_eq!(lean["groups"], v["groups"]);
    let (st, bad) = get_json(&app, &format!("/api/search?q={q}&facets=maybe")).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{bad}");
    // The old wording of point 2 is only among the wordings no longer in force.
    let (_, old) = get_json(&app, &format!("/api/search?q={q}&lang=ru&status=repealed")).await;
    assert_eq!(old["total"], 1, "{old}");
    assert_eq!(old["hits"][0]["valid_to"], amend_from().to_string());
    let (_, all) = get_json(
        &app,
        &format!("/api/search?q={q}&lang=ru&status=all&sort=date"),
    )
    .await;
    assert_eq!(all["total"].as_u64().unwrap(), total + 1);
    // A date before the act existed: nothing from it.
    let (_, none) = get_json(
        &app,
        &format!("/api/search?q={q}&as_of=2019-12-31&status=all"),
    )
    .await;
    assert_eq!(none["total"], 0, "{none}");
}

#[tokio::test]
async fn rebuilt_index_is_swapped_in_without_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    build(&dir);
    let app = zan::serve::router_with_reload(dir.clone(), Duration::from_millis(50)).unwrap();
    let q = format!("/api/search?q={}", enc("\"апостиль\""));
    let (_, v) = get_json(&app, &q).await;
    assert_eq!(v["total"], 2);
    // Make sure the new build has another modification time.
    std::thread::sleep(Duration::from_millis(20));
    zan::index::build_index(&dir, &[kk_act()], &mut |_, _| {}).unwrap();
    let mut swapped = false;
    for _ in 0..100 {
        let (st, v) = get_json(&app, &q).await;
        assert_eq!(st, StatusCode::OK, "no request fails during the swap: {v}");
        if v["total"] == 1 {
            swapped = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(swapped, "the rebuilt index was not picked up");
    let (_, s) = get_json(&app, "/api/summary").await;
    assert_eq!(s["reloads"], 1, "{s}");
    let (st, _) = get_json(&app, &format!("/api/acts/{ACT_ID}?lang=ru")).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}
