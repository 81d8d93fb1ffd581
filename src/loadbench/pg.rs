//! The PostgreSQL baseline: a throwaway cluster (initdb/pg_ctl, as user `postgres` when run
//! as root) in the work folder, the same unit versions loaded by COPY with a stored
//! `to_tsvector('russian', text)` column and a GIN index, and the same queries — ranked top 20
//! with the total count, filtered by the validity interval and status as zan does — run by
//! pgbench: one client per class, then the mix with N clients.

use super::{BenchQuery, Class, Figures, PerClass};
use crate::consolidate::ConsolidatedAct;
use chrono::NaiveDate;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub struct PgResult {
    pub version: String,
    pub load_secs: f64,
    pub gin_secs: f64,
    pub bytes: u64,
    pub single: PerClass,
    pub concurrent: PerClass,
}

/// The newest installed PostgreSQL's bin folder.
fn bin_dir() -> Option<PathBuf> {
    let mut dirs: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((v, bin))
        })
        .collect();
    dirs.sort();
    dirs.pop().map(|(_, b)| b)
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Runs a shell command line as the cluster's owner (`postgres` when we are root: initdb and
/// the server refuse root).
fn as_owner(cmd: &str) -> Result<String, String> {
    let out = if is_root() {
        Command::new("su")
            .args(["postgres", "-s", "/bin/sh", "-c", cmd])
            .output()
    } else {
        Command::new("sh").args(["-c", cmd]).output()
    }
    .map_err(|e| format!("{cmd}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    sock: PathBuf,
    port: u16,
}

impl Cluster {
    fn tool(&self, name: &str) -> Command {
        let mut c = Command::new(self.bin.join(name));
        c.arg("-h")
            .arg(&self.sock)
            .args(["-p", &self.port.to_string(), "-U", "postgres"]);
        c
    }

    fn psql(&self, sql: &str) -> Result<String, String> {
        let out = self
            .tool("psql")
            .args([
                "-X",
                "-q",
                "-t",
                "-A",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                "postgres",
                "-c",
            ])
            .arg(sql)
            .output()
            .map_err(|e| format!("psql: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "psql `{}`: {}",
                sql.chars().take(200).collect::<String>(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    fn psql_file(&self, file: &Path) -> Result<(), String> {
        let out = self
            .tool("psql")
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "postgres", "-f"])
            .arg(file)
            .output()
            .map_err(|e| format!("psql: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "psql -f {}: {}",
                file.display(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(())
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = as_owner(&format!(
            "{} -D {} -m immediate stop",
            self.bin.join("pg_ctl").display(),
            self.data.display()
        ));
    }
}

/// COPY text format: backslash, tab and line ends escaped.
fn copy_field(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

pub fn run(
    work: &Path,
    acts: &[ConsolidatedAct],
    queries: &[BenchQuery],
    today: NaiveDate,
    clients: usize,
    seconds: u64,
) -> Result<PgResult, String> {
    let bin = bin_dir().ok_or(
        "PostgreSQL is not installed (Debian: apt-get install -y postgresql): PG part skipped",
    )?;
    let root = work.join("pg");
    let data = root.join("data");
    let sock = root.join("sock");
    // A cluster a kept run (`--keep`, `--reuse`) left behind: the table is loaded again anyway.
    if root.exists() {
        std::fs::remove_dir_all(&root).map_err(|e| format!("{}: {e}", root.display()))?;
    }
    std::fs::create_dir_all(&sock).map_err(|e| format!("{}: {e}", sock.display()))?;
    if is_root() {
        let st = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(&root)
            .status()
            .map_err(|e| format!("chown: {e}"))?;
        if !st.success() {
            return Err("chown of the PostgreSQL folder failed".into());
        }
    }
    as_owner(&format!(
        "{} -D {} -E UTF8 --locale=C.UTF-8 -U postgres -A trust --no-sync >/dev/null",
        bin.join("initdb").display(),
        data.display()
    ))?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| e.to_string())?;
    let opts = format!(
        "-p {port} -k {} -c listen_addresses='' -c max_connections=100 -c shared_buffers=1GB -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c maintenance_work_mem=1GB -c work_mem=32MB",
        sock.display()
    );
    as_owner(&format!(
        "{} -D {} -l {} -w -t 120 -o \"{opts}\" start >/dev/null",
        bin.join("pg_ctl").display(),
        data.display(),
        root.join("log").display()
    ))?;
    let c = Cluster {
        bin,
        data,
        sock,
        port,
    };
    let version = c.psql("SHOW server_version")?;
    eprintln!("PostgreSQL {version} started; loading");

    // Rows.
    let rows = work.join("pg-rows.tsv");
    {
        use std::io::Write;
        let f = std::fs::File::create(&rows).map_err(|e| format!("{}: {e}", rows.display()))?;
        let mut w = std::io::BufWriter::new(f);
        let mut line = String::new();
        let mut id = 0u64;
        for a in acts {
            for v in &a.versions {
                id += 1;
                line.clear();
                let _ = write!(line, "{id}\t{}\t{}\t", v.act_id, v.lang.code());
                copy_field(&v.text, &mut line);
                let _ = writeln!(
                    line,
                    "\t{}\t{}\t{}",
                    v.valid_from.map_or("-infinity".into(), |d| d.to_string()),
                    v.valid_to.map_or("infinity".into(), |d| d.to_string()),
                    super::status_str(v.status)
                );
                w.write_all(line.as_bytes())
                    .map_err(|e| format!("{}: {e}", rows.display()))?;
            }
        }
        w.flush().map_err(|e| format!("{}: {e}", rows.display()))?;
    }
    c.psql(
        "CREATE TABLE units (id bigint, act_id text, lang text, text text, valid_from date, valid_to date, status text, \
         tsv tsvector GENERATED ALWAYS AS (to_tsvector('russian', text)) STORED)",
    )?;
    let t = Instant::now();
    c.psql(&format!(
        "\\copy units(id, act_id, lang, text, valid_from, valid_to, status) FROM '{}'",
        rows.display()
    ))?;
    let load_secs = t.elapsed().as_secs_f64();
    let _ = std::fs::remove_file(&rows);
    let t = Instant::now();
    c.psql("CREATE INDEX units_tsv ON units USING gin (tsv)")?;
    let gin_secs = t.elapsed().as_secs_f64();
    c.psql("VACUUM ANALYZE units")?;
    let bytes: u64 = c
        .psql("SELECT pg_total_relation_size('units')")?
        .parse()
        .unwrap_or(0);
    eprintln!("PostgreSQL loaded in {load_secs:.1} s + GIN {gin_secs:.1} s");

    // Queries, and the search as a function: EXECUTE plans each query with its own tsquery
    // and date (as a client sending literal SQL would get).
    let mut sql = String::from(
        "CREATE TABLE queries (id int PRIMARY KEY, tsq tsquery, as_of date);\n\
         CREATE FUNCTION zan_search(qid int) RETURNS TABLE(id bigint, r real, total bigint) LANGUAGE plpgsql AS $f$\n\
         DECLARE q tsquery; d date;\n\
         BEGIN\n\
           SELECT tsq, as_of INTO q, d FROM queries WHERE queries.id = qid;\n\
           RETURN QUERY EXECUTE 'SELECT u.id, ts_rank(u.tsv, $1), count(*) OVER () FROM units u \
             WHERE u.tsv @@ $1 AND u.valid_from <= $2 AND u.valid_to > $2 AND u.status <> ''repealed'' \
             ORDER BY 2 DESC LIMIT 20' USING q, d;\n\
         END $f$;\n",
    );
    let mut ranges = Vec::new();
    for (k, class) in Class::ALL.iter().enumerate() {
        let lo = sql_ids(queries, *class).0;
        let mut hi = lo;
        for (i, q) in queries
            .iter()
            .enumerate()
            .filter(|(_, q)| q.class == *class)
        {
            let f = if q.class == Class::Phrase {
                "phraseto_tsquery"
            } else {
                "plainto_tsquery"
            };
            let _ = writeln!(
                sql,
                "INSERT INTO queries VALUES ({}, {f}('russian', '{}'), '{}');",
                i + 1,
                q.words.replace('\'', "''"),
                q.as_of.unwrap_or(today)
            );
            hi = i + 1;
        }
        let script = work.join(format!("pg-class{k}.sql"));
        std::fs::write(
            &script,
            format!("\\set i random({lo}, {hi})\nSELECT count(*) FROM zan_search(:i);\n"),
        )
        .map_err(|e| format!("{}: {e}", script.display()))?;
        ranges.push((*class, script));
    }
    let qfile = work.join("pg-queries.sql");
    std::fs::write(&qfile, sql).map_err(|e| format!("{}: {e}", qfile.display()))?;
    c.psql_file(&qfile)?;

    // Warm-up: every query once.
    let n = queries.len();
    c.psql(&format!(
        "SELECT sum(n) FROM (SELECT (SELECT count(*) FROM zan_search(i)) n FROM generate_series(1, {n}) i) s"
    ))?;

    let per_class_secs = (seconds / 3).max(3);
    let mut single = PerClass::default();
    let mut all_single = Vec::new();
    for (class, script) in &ranges {
        let (d, _, _) = pgbench(
            &c,
            work,
            std::slice::from_ref(script),
            1,
            per_class_secs,
            "single",
        )?;
        let lat: Vec<Duration> = d.iter().map(|(_, l)| *l).collect();
        all_single.extend(lat.iter().copied());
        single.0.push((Some(*class), Figures::of(lat)));
    }
    single.0.push((None, Figures::of(all_single)));

    let scripts: Vec<PathBuf> = ranges.iter().map(|(_, s)| s.clone()).collect();
    let (d, qps, failed) = pgbench(&c, work, &scripts, clients, seconds, "multi")?;
    let mut concurrent = PerClass::default();
    for (k, class) in Class::ALL.iter().enumerate() {
        let lat: Vec<Duration> = d.iter().filter(|(s, _)| *s == k).map(|(_, l)| *l).collect();
        let mut f = Figures::of(lat);
        f.qps = Some(qps * f.n as f64 / d.len().max(1) as f64);
        concurrent.0.push((Some(*class), f));
    }
    let mut f = Figures::of(d.iter().map(|(_, l)| *l).collect());
    f.qps = Some(qps);
    f.errors = failed;
    concurrent.0.push((None, f));
    Ok(PgResult {
        version,
        load_secs,
        gin_secs,
        bytes,
        single,
        concurrent,
    })
}

/// First query id (1-based) of a class.
fn sql_ids(queries: &[BenchQuery], class: Class) -> (usize, usize) {
    let lo = queries.iter().position(|q| q.class == class).unwrap_or(0) + 1;
    let n = queries.iter().filter(|q| q.class == class).count();
    (lo, lo + n - 1)
}

/// What one pgbench run gives: (script index, latency) per transaction, transactions per
/// second, failed transactions.
type PgbenchRun = (Vec<(usize, Duration)>, f64, u64);

/// Runs pgbench; returns (script index, latency) per transaction from its log, the
/// transactions per second it reports, and the failed transactions.
fn pgbench(
    c: &Cluster,
    work: &Path,
    scripts: &[PathBuf],
    clients: usize,
    seconds: u64,
    tag: &str,
) -> Result<PgbenchRun, String> {
    let logs = work.join("pglogs");
    let _ = std::fs::remove_dir_all(&logs);
    std::fs::create_dir_all(&logs).map_err(|e| e.to_string())?;
    let mut cmd = c.tool("pgbench");
    cmd.args(["-n", "-c", &clients.to_string()])
        .args(["-j", &clients.min(2).to_string()])
        .args(["-T", &seconds.to_string(), "-l"])
        .arg(format!("--log-prefix={}/{tag}", logs.display()));
    for s in scripts {
        cmd.arg("-f").arg(format!("{}@1", s.display()));
    }
    cmd.arg("postgres");
    let out = cmd.output().map_err(|e| format!("pgbench: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        return Err(format!(
            "pgbench failed: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let mut tps = 0.0;
    let mut failed = 0;
    for l in text.lines() {
        if let Some(v) = l.strip_prefix("tps = ") {
            tps = v
                .split_whitespace()
                .next()
                .and_then(|x| x.parse().ok())
                .unwrap_or(0.0);
        }
        if let Some(v) = l.strip_prefix("number of failed transactions: ") {
            failed = v
                .split_whitespace()
                .next()
                .and_then(|x| x.parse().ok())
                .unwrap_or(0);
        }
    }
    let mut d = Vec::new();
    for e in std::fs::read_dir(&logs)
        .map_err(|e| e.to_string())?
        .flatten()
    {
        let body = std::fs::read_to_string(e.path()).unwrap_or_default();
        for l in body.lines() {
            // client_id transaction_no time_us script_no epoch epoch_us
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.len() < 4 {
                continue;
            }
            let (Ok(us), Ok(script)) = (f[2].parse::<u64>(), f[3].parse::<usize>()) else {
                continue;
            };
            d.push((script, Duration::from_micros(us)));
        }
    }
    let _ = std::fs::remove_dir_all(&logs);
    Ok((d, tps, failed))
}
