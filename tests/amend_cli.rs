//! `zan split` on an order with an instruction form the grammar does not know: the order is
//! still split, the line is reported as `unparsed` (JSON) and warned about on stderr, and the
//! exit code is 0 — a lawyer sees what was not understood instead of losing it.

use std::process::Command;

#[test]
fn unknown_form_is_reported_not_dropped() {
    let seed = std::fs::read_to_string(format!(
        "{}/corpus/orders/003_814b87d5786cfbf5.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    // Put a renumbering instruction (no verb of the grammar) before the first insert of the
    // amending point; keep the seed's blank-line paragraphing.
    let mut lines: Vec<String> = seed.lines().map(String::from).collect();
    let at = lines
        .iter()
        .position(|l| l.contains("15-1-тармақпен толықтырылсын"))
        .expect("seed 003 insert");
    lines.insert(at, String::new());
    lines.insert(at, "      5-тармақ 6-тармақ деп есептелсін;".into());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("order.txt");
    std::fs::write(&file, lines.join("\n")).unwrap();

    let out = Command::new(env!("CARGO_BIN_EXE_zan"))
        .args(["split", file.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let unparsed = v["order"]["unparsed"].as_array().unwrap();
    assert_eq!(unparsed.len(), 1, "{unparsed:?}");
    assert_eq!(unparsed[0]["line"], at + 1);
    assert!(unparsed[0]["text"]
        .as_str()
        .unwrap()
        .contains("деп есептелсін"));
    // The known instructions around it are all still there.
    assert_eq!(v["amendments"].as_array().unwrap().len(), 7);
    assert!(
        stderr.contains(&format!(":{}:", at + 1)) && stderr.contains("not understood"),
        "{stderr}"
    );
    // The effective rule of the seed: ten calendar days after first publication.
    assert_eq!(v["order"]["effective"]["kind"], "after_publication_days");
    assert_eq!(v["order"]["effective"]["days"], 10);
}
