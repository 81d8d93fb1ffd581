//! End-to-end tests of the `zan` binary on the embedded corpus and on bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn zan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zan"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run zan")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn seed(name: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/orders");
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap().to_string_lossy().starts_with(name) {
            return p.display().to_string();
        }
    }
    panic!("seed {name} not found")
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// Bad input gives a one-line error naming the file and a non-zero exit.
#[test]
fn bad_inputs_name_the_file() {
    let dir = tmp();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, b"").unwrap();
    let garbage = dir.path().join("garbage.txt");
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(&garbage, bytes).unwrap();
    let missing = dir.path().join("missing.txt");
    let cases: Vec<(Vec<String>, PathBuf)> = vec![
        (
            vec!["split".into(), empty.display().to_string()],
            empty.clone(),
        ),
        (
            vec!["split".into(), garbage.display().to_string()],
            garbage.clone(),
        ),
        (
            vec!["split".into(), dir.path().display().to_string()],
            dir.path().to_path_buf(),
        ),
        (
            vec!["split".into(), missing.display().to_string()],
            missing.clone(),
        ),
        (
            vec!["repair".into(), empty.display().to_string()],
            empty.clone(),
        ),
        (
            vec!["repair".into(), garbage.display().to_string()],
            garbage.clone(),
        ),
        (
            vec!["repair".into(), dir.path().display().to_string()],
            dir.path().to_path_buf(),
        ),
        (
            vec!["repair".into(), missing.display().to_string()],
            missing.clone(),
        ),
    ];
    for (args, file) in cases {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = zan(&a);
        assert!(!o.status.success(), "{args:?} should fail");
        let err = stderr(&o);
        assert_eq!(
            err.trim().lines().count(),
            1,
            "{args:?}: one-line error, got {err}"
        );
        assert!(
            err.contains(&file.display().to_string()),
            "{args:?}: error must name the file: {err}"
        );
    }
}

/// `zan index` over a folder with bad files indexes the good ones and lists the bad ones.
#[test]
fn index_goes_on_past_bad_files() {
    let corpus = tmp();
    let idx = tmp();
    let acts = corpus.path().join("acts/142971");
    std::fs::create_dir_all(&acts).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/acts/142971");
    for f in ["rus.md", "kaz.md", "meta.yaml"] {
        std::fs::copy(src.join(f), acts.join(f)).unwrap();
    }
    std::fs::create_dir_all(corpus.path().join("orders")).unwrap();
    std::fs::copy(seed("004"), corpus.path().join("orders/004.txt")).unwrap();
    std::fs::write(corpus.path().join("orders/empty.txt"), b"").unwrap();
    std::fs::write(
        corpus.path().join("orders/binary.txt"),
        [0u8, 159, 146, 150, 0, 1, 2, 3, 0, 0, 255, 254, 0, 7].repeat(100),
    )
    .unwrap();
    let idx_dir = idx.path().join("ix");
    let o = zan(&[
        "index",
        "--corpus",
        &corpus.path().display().to_string(),
        "--index",
        &idx_dir.display().to_string(),
    ]);
    assert!(o.status.success(), "index failed: {}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("empty.txt"), "{err}");
    assert!(err.contains("binary.txt"), "{err}");
    let out = stdout(&o);
    assert!(out.contains("Indexed"), "{out}");
    // The good act is searchable in both languages.
    let o = zan(&[
        "search",
        "апостиль",
        "--index",
        &idx_dir.display().to_string(),
        "--lang",
        "kk",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("V2000020668"), "{}", stdout(&o));
    let o = zan(&[
        "search",
        "апостиля",
        "--index",
        &idx_dir.display().to_string(),
        "--lang",
        "ru",
        "--json",
    ]);
    assert!(stdout(&o).contains("V2000020668"), "{}", stdout(&o));
}

/// The act amended by seed 001 (order № 503 of 13.06.2016, registered № 14149): points 8 and 17
/// repealed, 6-1, 27-1 and appendix 3 inserted, the rest reworded, all by order № 204 of 29.05.2020.
#[test]
fn history_of_the_act_amended_by_seed_001() {
    let o = zan(&["history", "--act", "V1600014149", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let events = v[0]["events"].as_array().unwrap();
    assert!(events.len() >= 15, "{events:?}");
    let kind_of = |kind: &str, num: &str| {
        events.iter().any(|e| {
            e["kind"] == kind
                && e["path"]
                    .as_array()
                    .unwrap()
                    .last()
                    .is_some_and(|u| u["num"] == num)
        })
    };
    for p in ["8", "17"] {
        assert!(kind_of("repealed", p), "point {p} repealed");
    }
    for p in ["6-1", "27-1", "3"] {
        assert!(kind_of("inserted", p), "unit {p} inserted");
    }
    for p in ["1", "7", "10", "27"] {
        assert!(kind_of("reworded", p), "point {p} reworded");
    }
    for e in events {
        assert_eq!(e["order"]["number"], "204");
        assert_eq!(e["order"]["date"], "2020-05-29");
    }
}

#[test]
fn history_of_acts_amended_by_seeds_000_003_004() {
    // 000 (ru): order № 20 of 31.01.2025 rewords points of the Rules of order № 578 (V1800017705).
    let o = zan(&[
        "history",
        "--act",
        "V1800017705",
        "--lang",
        "ru",
        "--unit",
        "point:12",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(
        s.contains("\"number\": \"20\"") && s.contains("2025-01-31"),
        "{s}"
    );
    // 004 (kk): order № 586 of 10.12.2021 rewords point 2 of the apostille rules (V2000020668).
    let o = zan(&[
        "history",
        "--act",
        "V2000020668",
        "--lang",
        "kk",
        "--unit",
        "point:2",
        "--json",
    ]);
    let s = stdout(&o);
    assert!(
        s.contains("\"number\": \"586\"") && s.contains("2021-12-10"),
        "{s}"
    );
    // 003 (kk): order № 343 of 28.07.2022 inserts point 15-1 into rules of order № 158.
    let o = zan(&["history", "--act", "V2000020478", "--lang", "kk", "--json"]);
    let s = stdout(&o);
    assert!(
        s.contains("\"number\": \"343\"") && s.contains("15-1"),
        "{s}"
    );
}

#[test]
fn consolidate_shows_unknown_base_clearly() {
    let o = zan(&[
        "consolidate",
        "--act",
        "V1600014149",
        "--lang",
        "kk",
        "--format",
        "text",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.contains("белгісіз"), "{s}");
    assert!(s.contains("6-1"), "{s}");
    let o = zan(&[
        "consolidate",
        "--act",
        "V1600014149",
        "--lang",
        "kk",
        "--as-of",
        "2020-01-01",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    // Before the amendments took effect, inserted points did not exist.
    assert!(v["units"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["path"][0]["num"] != "6-1"));
}

#[test]
fn every_subcommand_has_help_with_an_example() {
    for sub in [
        "repair",
        "split",
        "index",
        "search",
        "history",
        "consolidate",
        "serve",
        "pipeline",
    ] {
        let o = zan(&[sub, "--help"]);
        assert!(o.status.success());
        assert!(
            stdout(&o).contains("Example"),
            "{sub} --help lacks an example"
        );
    }
}

#[test]
fn eval_encoding_reports_a_missing_ftfy_and_goes_on() {
    // The ftfy comparison runs Python; where ftfy is missing, Python exits at once, and the
    // evaluation must say so and finish (it once died of SIGPIPE writing to the dead pipe).
    let o = zan(&["eval", "encoding", "--per-kind", "1", "--per-kind-two", "0"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("One deep"), "{out}");
    let ftfy = out.lines().find(|l| l.starts_with("ftfy: "));
    let ftfy_ran = out
        .lines()
        .any(|l| l.contains("ALL one-deep") && l.trim_end().ends_with('%'));
    assert!(ftfy.is_some() || ftfy_ran, "{out}");
}
