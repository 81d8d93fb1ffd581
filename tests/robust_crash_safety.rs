//! Crash safety of `zan index`: a build killed (SIGKILL) at any point leaves the previous index
//! in place, opening and answering as before; a server keeps answering while new builds are
//! swapped in.

mod index_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use zan::index::{IndexReaderHandle, SearchQuery};
use zan::model::Lang;

/// A small corpus (three acts and the amending orders) so that 20 killed builds take seconds.
fn small_corpus(to: &Path) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut acts: Vec<PathBuf> = std::fs::read_dir(src.join("acts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    acts.sort();
    for act in acts.iter().take(3) {
        let out = to.join("acts").join(act.file_name().unwrap());
        std::fs::create_dir_all(&out).unwrap();
        for f in std::fs::read_dir(act).unwrap() {
            let f = f.unwrap().path();
            std::fs::copy(&f, out.join(f.file_name().unwrap())).unwrap();
        }
    }
    let orders = to.join("orders");
    std::fs::create_dir_all(&orders).unwrap();
    for f in std::fs::read_dir(src.join("orders")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, orders.join(f.file_name().unwrap())).unwrap();
    }
}

fn zan_index(corpus: &Path, index: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_zan"))
        .args(["index", "--corpus"])
        .arg(corpus)
        .arg("--index")
        .arg(index)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// What a few queries answer: act, language, unit and text of every hit, in rank order.
fn answers(dir: &Path) -> Vec<Vec<String>> {
    let index = IndexReaderHandle::open(dir).expect("the index opens");
    let acts = index.load_acts().expect("acts.json reads");
    assert!(!acts.is_empty());
    let day = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    [
        ("государственной услуги", Some(Lang::Ru)),
        ("\"мемлекеттік қызмет\"", Some(Lang::Kk)),
        ("документов OR құжаттар", None),
    ]
    .iter()
    .map(|(q, lang)| {
        let mut sq = SearchQuery::new(*q, day);
        sq.lang = *lang;
        sq.limit = 10;
        let hits = index.search(&sq).expect("search works");
        hits.into_iter()
            .map(|h| format!("{} {:?} {} {}", h.act_id, h.lang, h.path, h.snippet))
            .collect()
    })
    .collect()
}

#[test]
fn killed_builds_never_lose_the_index() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    small_corpus(&corpus);
    let dir = tmp.path().join("idx");
    let start = Instant::now();
    assert!(zan_index(&corpus, &dir).wait().unwrap().success());
    let full = start.elapsed();
    let before = answers(&dir);
    assert!(
        before.iter().any(|a| !a.is_empty()),
        "the queries find something"
    );

    // Kills spread over the whole build (and a little past it), from process start-up to the
    // pointer swap and the clean-up.
    let runs: u32 = 20;
    let mut finished = 0;
    for i in 0..runs {
        let delay = full.mul_f64(0.05 + 1.1 * f64::from(i) / f64::from(runs));
        let mut child = zan_index(&corpus, &dir);
        std::thread::sleep(delay);
        let done = child.try_wait().unwrap().is_some();
        child.kill().unwrap_or(()); // SIGKILL on Unix
        child.wait().unwrap();
        finished += u32::from(done);
        assert_eq!(
            answers(&dir),
            before,
            "run {i}: after a kill at {delay:?} the index answers as before"
        );
    }
    assert!(finished < runs, "at least some builds were killed mid-way");

    // The next build clears what the killed ones left: one build folder at most (none), the
    // live generation and the previous one.
    assert!(zan_index(&corpus, &dir).wait().unwrap().success());
    assert_eq!(answers(&dir), before);
    let mut left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left.len(), 3, "CURRENT and two generations: {left:?}");
    assert!(
        left.iter().all(|n| n == "CURRENT" || n.starts_with("gen-")),
        "{left:?}"
    );
    let siblings = std::fs::read_dir(tmp.path()).unwrap().count();
    assert_eq!(
        siblings, 2,
        "nothing beside the index folder but the corpus"
    );
}

#[test]
fn flat_index_of_the_older_layout_is_migrated() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    // An index of the older layout: the generation's files directly in the folder, plus the
    // sibling folders a killed build of that layout left.
    index_support::build(&tmp.path().join("flat"));
    let gen = zan::index::current_dir(&tmp.path().join("flat"));
    std::fs::rename(&gen, &dir).unwrap();
    std::fs::create_dir(tmp.path().join("idx.tmp-999999999")).unwrap();
    std::fs::create_dir(tmp.path().join("idx.old-999999999")).unwrap();
    std::fs::write(dir.join(".gitkeep"), "").unwrap();
    assert!(
        IndexReaderHandle::open(&dir).is_ok(),
        "the flat layout still opens"
    );
    zan::index::build_index(&dir, &index_support::fixture_acts(), &mut |_, _| {}).unwrap();
    assert!(IndexReaderHandle::open(&dir).is_ok());
    let mut left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, [".gitkeep", "CURRENT", "gen-1"]);
    assert!(!tmp.path().join("idx.tmp-999999999").exists());
    assert!(!tmp.path().join("idx.old-999999999").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_answers_while_new_indexes_are_swapped_in() {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    index_support::build(&dir);
    let app = zan::serve::router_with_reload(dir.clone(), Duration::from_millis(20)).unwrap();
    // "апостиль" in quotes: 2 hits with both texts, 1 with the Kazakh text alone.
    let uri = "/api/search?q=%22%D0%B0%D0%BF%D0%BE%D1%81%D1%82%D0%B8%D0%BB%D1%8C%22";
    let builder = {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || {
            for i in 0..6 {
                let acts = if i % 2 == 0 {
                    vec![index_support::kk_act()]
                } else {
                    index_support::fixture_acts()
                };
                zan::index::build_index(&dir, &acts, &mut |_, _| {}).unwrap();
                std::thread::sleep(Duration::from_millis(60));
            }
        })
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut requests = 0;
    while !builder.is_finished() {
        let res = app
            .clone()
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        seen.insert(v["total"].as_u64().unwrap());
        requests += 1;
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    builder.await.unwrap();
    assert!(requests > 10, "{requests}");
    assert_eq!(
        seen,
        [1, 2].into_iter().collect(),
        "both indexes were served, nothing else"
    );
}
