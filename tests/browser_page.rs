//! The search page in a real browser: `zan index` over the default corpus, `zan serve` on a free
//! loopback port, headless Chromium loading page URLs (each state — a search, an act, a unit's
//! history, a diff — is addressable by URL) and dumping the DOM after its scripts ran. What the
//! page shows is checked against the JSON API of the same server.
//!
//! Needs the Debian package `chromium` (or `ZAN_CHROMIUM=/path/to/chrome`); without it the test
//! prints why and passes, so that a machine without a browser still runs the rest of the suite.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde_json::Value;

fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ZAN_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// Kills the server when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Percent-encodes a query or hash value.
fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The page escapes text this way before putting it into the DOM; Chromium serialises it back so.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A plain HTTP/1.1 GET (the server answers with a content length and closes).
fn http_get(port: u16, path: &str) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    )?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Ok((status, body.to_string()))
}

fn api(port: u16, path: &str) -> Value {
    let (status, body) = http_get(port, path).unwrap();
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"))
}

/// Loads `url` in headless Chromium, lets its scripts and fetches run, returns the DOM.
fn dump_dom(chromium: &Path, profile: &Path, url: &str) -> String {
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", chromium.display()));
    let mut out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    // Chromium can hang on exit in some containers: give it a deadline.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s on {url}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let dom = reader.join().unwrap();
    assert!(
        dom.contains("</html>"),
        "chromium returned no DOM for {url}: {dom:.300}"
    );
    dom
}

/// The part of `dom` from the element opening with `start` up to `end`.
fn section<'a>(dom: &'a str, start: &str, end: &str) -> &'a str {
    let i = dom
        .find(start)
        .unwrap_or_else(|| panic!("`{start}` not in the page"));
    let rest = &dom[i..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

#[test]
fn search_act_history_and_diff_in_chromium() {
    let Some(chromium) = find_chromium() else {
        println!(
            "SKIPPED browser_page: no chromium on PATH (install the Debian package `chromium`, \
             or set ZAN_CHROMIUM=/path/to/chrome)"
        );
        return;
    };
    let zan = env!("CARGO_BIN_EXE_zan");
    let tmp = tempfile::tempdir().unwrap();
    let idx = tmp.path().join("idx");
    let out = Command::new(zan)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("index")
        .arg("--index")
        .arg(&idx)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "zan index: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _server = Server(
        Command::new(zan)
            .arg("serve")
            .arg("--index")
            .arg(&idx)
            .arg("--addr")
            .arg(format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let up = Instant::now();
    while http_get(port, "/").map(|(s, _)| s != 200).unwrap_or(true) {
        assert!(
            up.elapsed() < Duration::from_secs(30),
            "zan serve did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let base = format!("http://127.0.0.1:{port}/");
    let profile = tmp.path().join("chromium-profile");

    // 1. A search in a word form other than the text's: hits with the matched words highlighted.
    let q = "апостилем";
    let s = api(port, &format!("/api/search?q={}&lang=ru", enc(q)));
    let hits = s["hits"].as_array().unwrap();
    let total = s["total"].as_u64().unwrap();
    assert!(!hits.is_empty(), "no API hits for {q}");
    let dom = dump_dom(&chromium, &profile, &format!("{base}?q={}&lang=ru", enc(q)));
    let status = section(&dom, "<div id=\"status\"", "</div>");
    assert!(
        status.contains(&format!("Найдено: {total}")),
        "status line: {status}"
    );
    let results = section(&dom, "<ol id=\"results\"", "</ol>");
    assert_eq!(
        results.matches("<li class=\"hit\">").count(),
        hits.len(),
        "{results:.2000}"
    );
    for h in hits {
        assert!(results.contains(h["act_id"].as_str().unwrap()));
    }
    let marks: Vec<&str> = results
        .split("<b>")
        .skip(1)
        .map(|m| &m[..m.find("</b>").unwrap()])
        .collect();
    assert!(
        marks.len() >= hits.len(),
        "fewer highlights than hits: {marks:?}"
    );
    for m in &marks {
        assert!(
            m.to_lowercase().starts_with("апостил"),
            "highlight `{m}` is not a form of {q}"
        );
    }

    // The amended unit found first: its act, its history and the difference its order made.
    let hit = hits
        .iter()
        .find(|h| !h["changed_by"].is_null())
        .expect("an amended unit among the hits");
    let act = hit["act_id"].as_str().unwrap();
    let lang = hit["lang"].as_str().unwrap();
    let path = hit["path"].as_str().unwrap();
    let document = hit["document"].as_str().unwrap_or("");
    let from = hit["valid_from"].as_str().unwrap();
    let number = hit["changed_by"]["number"].as_str().unwrap();

    // 2. The act page on the date the amended wording came into force.
    let a = api(port, &format!("/api/acts/{act}?lang={lang}&as_of={from}"));
    let units = a["texts"][0]["units"].as_array().unwrap();
    let dom = dump_dom(
        &chromium,
        &profile,
        &format!("{base}#act={act}&lang={lang}&as_of={from}"),
    );
    let panel = section(&dom, "<section id=\"act\"", "</section>");
    assert!(
        panel.contains(&format!("<h2>{act} на {from}</h2>")),
        "{panel:.1000}"
    );
    assert_eq!(panel.matches("<div class=\"unit\">").count(), units.len());
    let unit = units
        .iter()
        .find(|u| u["unit"] == path && u["document"].as_str().unwrap_or("") == document)
        .expect("the hit's unit on the act page");
    assert!(panel.contains(&esc(unit["text"].as_str().unwrap())));
    // The editions list, with the amending order.
    assert!(panel.contains("редакции</h3>"), "no editions list");
    assert!(panel.contains(&format!("приказ № {number}")));

    // 3. The unit's history as a timeline: every wording, the amending order linked.
    let h = api(
        port,
        &format!(
            "/api/acts/{act}/units/{path}/history?lang={lang}&document={}",
            enc(document)
        ),
    );
    let timeline = h["texts"][0]["timeline"].as_array().unwrap();
    assert!(timeline.len() >= 2, "an amended unit has ≥ 2 wordings");
    let dom = dump_dom(
        &chromium,
        &profile,
        &format!(
            "{base}#unit={}&act={act}&lang={lang}&document={}",
            enc(path),
            enc(document)
        ),
    );
    let tl = section(&dom, "<ul class=\"timeline\">", "</ul>");
    assert_eq!(tl.matches("<li>").count(), timeline.len(), "{tl:.2000}");
    for e in timeline {
        if let Some(t) = e["text"].as_str() {
            assert!(
                tl.contains(&esc(t)),
                "wording missing from the timeline: {t}"
            );
        }
    }
    assert!(tl.contains(&format!("data-diff=\"{act}\"")) && tl.contains(&format!("№ {number}")));

    // 4. The difference across the order's date: counts as the API has them, words marked.
    let to = NaiveDate::parse_from_str(from, "%Y-%m-%d").unwrap();
    let before = (to - chrono::Duration::days(1)).to_string();
    let d = api(
        port,
        &format!("/api/acts/{act}/diff?from={before}&to={from}&lang={lang}"),
    );
    let t = &d["texts"][0];
    let (added, removed, changed) = (&t["added"], &t["removed"], &t["changed"]);
    assert!(t["units"].as_array().is_some_and(|u| !u.is_empty()));
    let dom = dump_dom(
        &chromium,
        &profile,
        &format!("{base}#diff={act}&lang={lang}&from={before}&to={from}"),
    );
    let diff = section(&dom, "<div id=\"diff\"", "</section>");
    assert!(
        diff.contains(&format!(
            "различия {before} → {from}: добавлено {added}, исключено {removed}, изменено {changed}"
        )),
        "{diff:.1500}"
    );
    assert_eq!(
        diff.matches("<div class=\"unit ").count(),
        t["units"].as_array().unwrap().len()
    );
    assert!(diff.contains("<ins>") || diff.contains("<del>"));
}
