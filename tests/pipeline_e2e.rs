//! The whole pipeline on the embedded corpus: `zan index`, `zan search`, and `zan serve`
//! answering real HTTP on loopback.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn zan() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_zan"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

struct Server(Child);
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// A plain HTTP/1.1 GET; returns status and body.
fn http_get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status: u16 = text
        .split_whitespace()
        .nth(1)
        .unwrap_or("0")
        .parse()
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|x| x.1.to_string())
        .unwrap_or_default();
    (status, body)
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn index_search_and_serve_the_default_corpus() {
    let tmp = tempfile::tempdir().unwrap();
    let idx = tmp.path().join("index");
    let idx_s = idx.display().to_string();
    let o = zan().args(["index", "--index", &idx_s]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("Indexed"), "{out}");

    // CLI search, both languages: corpus units by words of their current wording.
    let search = |q: &str, lang: &str| {
        let o = zan()
            .args(["search", q, "--index", &idx_s, "--lang", lang, "--json"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    // 142971 (ru): the apostille rules.
    assert!(search("апостиль специальный штамп", "ru").contains("V2000020668"));
    // 125804 (ru), point 12 as reworded by seed 000 (order № 20 of 31.01.2025).
    assert!(search("SMS-уведомление о подписании договора", "ru").contains("V1800017705"));
    // The act amended by seed 001 (kk), known only from the amendment: its inserted point 6-1.
    let s = search("мемлекеттік қызмет көрсету процесінің сипаттамасын", "kk");
    assert!(s.contains("V1600014149"), "{s}");

    // The server answers on loopback.
    let addr = free_addr();
    let child = zan()
        .args(["serve", "--index", &idx_s, "--addr", &addr.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _server = Server(child);
    let start = Instant::now();
    while TcpStream::connect(addr).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let (st, body) = http_get(addr, &format!("/api/search?q={}&lang=kk", enc("апостиль")));
    assert_eq!(st, 200, "{body}");
    assert!(body.contains("V2000020668"), "{body}");
    let (st, body) = http_get(addr, &format!("/api/search?q={}&lang=ru", enc("апостиль")));
    assert_eq!(st, 200, "{body}");
    let (st, body) = http_get(addr, "/api/search?q=&lang=ru");
    assert_eq!(st, 400, "{body}");
    assert!(body.contains("\"error\""), "{body}");
    let (st, _) = http_get(
        addr,
        &format!("/api/search?q={}&as_of=2020-13-45", enc("апостиль")),
    );
    assert_eq!(st, 400);
    let (st, _) = http_get(addr, &format!("/api/search?q={}&lang=de", enc("апостиль")));
    assert_eq!(st, 400);
    let (st, body) = http_get(addr, "/api/acts/V2000020668");
    assert_eq!(st, 200, "{body}");
    let (st, body) = http_get(addr, "/api/acts/V1600014149/history");
    assert_eq!(st, 200, "{body}");
    assert!(body.contains("27-1"), "{body}");
    let (st, _) = http_get(addr, "/api/acts/V0000000000");
    assert_eq!(st, 404);
    let (st, body) = http_get(addr, "/");
    assert_eq!(st, 200);
    assert!(body.contains("<form") || body.contains("<input"), "{body}");
}
