//! The HTTP part: a real `zan serve` child process on loopback, loaded by wrk (Debian `wrk`)
//! with a Lua script rotating the benchmark's query URLs: one run per query class, one for
//! the whole mix.

use super::{BenchQuery, Class, Figures, PerClass};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The server child, killed (by its own id) when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// Status code of `GET path`, or `None` when the server does not answer yet.
fn get_status(port: u16, path: &str) -> Option<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0u8; 16];
    s.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

/// The HTTP figures: per class and the mix with `clients` connections, and the mix with one
/// connection (latency without queueing behind the other clients).
#[derive(Debug, Default)]
pub struct Http {
    pub concurrent: PerClass,
    pub single: Option<Figures>,
}

/// CPU time (user + system) the process `pid` has used so far, from /proc.
fn process_cpu(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf only reads a configuration value.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    let hz = u64::try_from(hz).ok().filter(|&h| h > 0)?;
    Some(Duration::from_micros(ticks * 1_000_000 / hz))
}

pub fn run(
    index: &Path,
    work: &Path,
    queries: &[BenchQuery],
    clients: usize,
    seconds: u64,
) -> Result<Http, String> {
    if Command::new("wrk").arg("--version").output().is_err() {
        return Err("wrk not found (Debian: apt-get install -y wrk): HTTP part skipped".into());
    }
    let exe = std::env::current_exe().map_err(|e| format!("own executable: {e}"))?;
    let port = free_port()?;
    let child = Command::new(exe)
        .args(["serve", "--index"])
        .arg(index)
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("starting zan serve: {e}"))?;
    let pid = child.id();
    let _server = Server(child);
    let t = Instant::now();
    while get_status(port, "/api/summary") != Some(200) {
        if t.elapsed() > Duration::from_secs(600) {
            return Err("zan serve did not answer within 10 minutes".into());
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    eprintln!("zan serve ready in {:.1} s", t.elapsed().as_secs_f64());
    let per_class_secs = (seconds / 3).max(3);
    let mut out = Http::default();
    let runs: Vec<(Option<Class>, u64, usize)> = Class::ALL
        .iter()
        .map(|c| (Some(*c), per_class_secs, clients))
        .chain([(None, seconds, clients), (None, per_class_secs, 1)])
        .collect();
    for (class, secs, clients) in runs {
        let urls: Vec<String> = queries
            .iter()
            .filter(|q| class.is_none_or(|c| q.class == c))
            .map(BenchQuery::url)
            .collect();
        let script = work.join("wrk.lua");
        std::fs::write(&script, lua(&urls)).map_err(|e| format!("{}: {e}", script.display()))?;
        let cpu0 = process_cpu(pid);
        let o = Command::new("wrk")
            .args([
                if clients > 1 { "-t2" } else { "-t1" },
                &format!("-c{clients}"),
                &format!("-d{secs}s"),
                "--timeout",
                "5s",
                "--latency",
                "-s",
            ])
            .arg(&script)
            .arg(format!("http://127.0.0.1:{port}"))
            .output()
            .map_err(|e| format!("running wrk: {e}"))?;
        let text = String::from_utf8_lossy(&o.stdout);
        let mut f = parse(&text).ok_or_else(|| format!("could not read wrk's output:\n{text}"))?;
        if let (Some(a), Some(b)) = (cpu0, process_cpu(pid)) {
            f.server_cpu_ms = Some((b - a).as_secs_f64() * 1000.0 / f.n.max(1) as f64);
        }
        if clients > 1 {
            out.concurrent.0.push((class, f));
        } else {
            out.single = Some(f);
        }
    }
    Ok(out)
}

/// The Lua script: each thread starts at its own place in the list and walks it round.
fn lua(urls: &[String]) -> String {
    let mut s = String::from("local paths = {\n");
    for u in urls {
        s.push_str(&format!("  \"{u}\",\n"));
    }
    s.push_str(
        "}\nlocal i = 0\nlocal counter = 0\nsetup = function(thread)\n  counter = counter + 1\n  thread:set(\"start\", counter * 7919)\nend\ninit = function(args)\n  i = (start or 0) % #paths\nend\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n",
    );
    s
}

fn duration_ms(s: &str) -> Option<f64> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| c.is_alphabetic())?);
    let v: f64 = num.parse().ok()?;
    Some(match unit {
        "us" => v / 1000.0,
        "ms" => v,
        "s" => v * 1000.0,
        "m" => v * 60_000.0,
        _ => return None,
    })
}

/// Requests/s, p50, p99 and errors (non-2xx responses + socket errors) of wrk's report.
fn parse(text: &str) -> Option<Figures> {
    let mut f = Figures::default();
    let mut got_qps = false;
    for line in text.lines() {
        let l = line.trim();
        if let Some(v) = l.strip_prefix("50%") {
            f.p50_ms = duration_ms(v)?;
        } else if let Some(v) = l.strip_prefix("99%") {
            f.p99_ms = duration_ms(v)?;
        } else if let Some(v) = l.strip_prefix("Requests/sec:") {
            f.qps = v.trim().parse().ok();
            got_qps = f.qps.is_some();
        } else if let Some(v) = l.strip_prefix("Non-2xx or 3xx responses:") {
            f.errors += v.trim().parse::<u64>().unwrap_or(0);
        } else if let Some(v) = l.strip_prefix("Socket errors:") {
            f.errors += v
                .split(',')
                .filter_map(|p| p.split_whitespace().last()?.parse::<u64>().ok())
                .sum::<u64>();
        } else if l.contains("requests in") {
            f.n = l.split_whitespace().next()?.parse().ok()?;
        }
    }
    got_qps.then_some(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrk_report() {
        let out = "Running 5s test @ http://127.0.0.1:1\n  2 threads and 32 connections\n  Latency Distribution\n     50%    3.52ms\n     75%    5.01ms\n     90%    8.00ms\n     99%   19.87ms\n  4960 requests in 5.00s, 9.77MB read\n  Non-2xx or 3xx responses: 2\n  Socket errors: connect 0, read 1, write 0, timeout 3\nRequests/sec:    991.20\nTransfer/sec:      1.95MB\n";
        let f = parse(out).unwrap();
        assert_eq!(f.p50_ms, 3.52);
        assert_eq!(f.p99_ms, 19.87);
        assert_eq!(f.qps, Some(991.2));
        assert_eq!(f.errors, 6);
        assert_eq!(f.n, 4960);
        assert_eq!(duration_ms("1.02s"), Some(1020.0));
        assert_eq!(duration_ms("850.00us"), Some(0.85));
    }
}
