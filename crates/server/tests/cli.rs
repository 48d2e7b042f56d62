//! `hourbank simulate`: the command-line contract other tools rely on.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn simulate(stdin: &str, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hourbank"))
        .arg("simulate")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn prints_the_statement_as_json() {
    let out = simulate(
        r#"{"start": "2027-01-01", "end": "2027-12-31", "months": ["3", "12.5", 0, 7.25],
            "tariff": {"monthly_fee": "45000", "trial_months": 1}, "vat": {"mode": "on_top", "rate": "22"}}"#,
        &[],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let m = &v["months"];
    assert_eq!(m[0]["period"], "2027-01");
    assert_eq!(m[0]["phase"], "trial");
    assert_eq!(m[0]["extra_charge"], "6000.00");
    assert_eq!(m[0]["total_with_vat"], "7320.00");
    // One trial month, so February is the first subscription month at the custom fee.
    assert_eq!(m[1]["phase"], "subscription");
    assert_eq!(m[1]["fee"], "45000.00");
    assert_eq!(m[1]["extra_hours"], "2.5");
    assert_eq!(m[2]["reserve_end"], "10");
    assert_eq!(m[3]["reserve_forfeited"], "2.75");
    // 6000 + 50000 + 45000 + 45000
    assert_eq!(v["summary"]["total"], "146000.00");
    assert_eq!(v["summary"]["hours"], "22.75");
    assert_eq!(v["summary"]["effective_rate"], "6417.58");
}

#[test]
fn reads_a_file_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scenario.json");
    std::fs::write(&path, r#"{"start": "2027-01-15", "months": [4]}"#).unwrap();
    let out = simulate("", &[path.to_str().unwrap()]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["months"][0]["total"], "8000.00");
}

#[test]
fn bad_input_exits_2_with_one_line_naming_the_field() {
    let cases = [
        (r#"{"start": "2027-01-01", "months": [1, -2]}"#, "months[1]: must not be negative"),
        (r#"{"start": "2027-01-01", "months": ["seven"]}"#, "months[0]: is not a number: \"seven\""),
        (r#"{"start": "2027-01-01", "months": [1.125]}"#, "months[0]: must have at most two decimal places"),
        (r#"{"start": "2027-01-01", "months": [744.5]}"#, "months[0]: must be at most 744"),
        (
            r#"{"start": "2027-02-29", "months": []}"#,
            "start: is not a valid date (expected YYYY-MM-DD): \"2027-02-29\"",
        ),
        (r#"{"start": "2027-01-01", "months": [], "tarif": {}}"#, "tarif: unknown field"),
        (
            r#"{"start": "2027-01-01", "months": [], "vat": {"mode": "on-top"}}"#,
            "vat.mode: unknown value \"on-top\", expected one of: none, included, on_top",
        ),
        (
            r#"{"start": "2027-01-01", "end": "2027-01-31", "months": [1, 1]}"#,
            "months[1]: is past the contract's end in 2027-01",
        ),
    ];
    for (input, message) in cases {
        let out = simulate(input, &[]);
        assert_eq!(out.status.code(), Some(2), "{input}");
        assert!(out.stdout.is_empty(), "{input}");
        assert_eq!(String::from_utf8(out.stderr).unwrap(), format!("{message}\n"));
    }
    let out = simulate("", &["/nonexistent/scenario.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().starts_with("file: /nonexistent/scenario.json"));
}

/// The demo's accounts share a published password: `serve --demo` refuses an address other than
/// loopback unless told `--demo-public`, before it touches any database.
#[test]
fn the_demo_is_refused_on_a_public_address() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_hourbank"))
        .args(["serve", "--demo", "--listen", "0.0.0.0:0", "--dist", "/nonexistent"])
        .arg("--database-url")
        .arg(format!("sqlite://{}/never.db", dir.path().display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("--demo-public"), "{stderr}");
    assert!(!dir.path().join("never.db").exists(), "nothing was created");
}

/// `hourbank demo` loads only into a database with no users at all.
#[test]
fn the_demo_loads_only_into_an_empty_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/d.db", dir.path().display());
    let create = Command::new(env!("CARGO_BIN_EXE_hourbank"))
        .args(["admin", "create-user", "--email", "a@b.ru", "--name", "Анна", "--role", "admin", "--password-stdin"])
        .arg("--database-url")
        .arg(&url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut create = create;
    create.stdin.take().unwrap().write_all(b"a long passphrase here\n").unwrap();
    let created = create.wait_with_output().unwrap();
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let out =
        Command::new(env!("CARGO_BIN_EXE_hourbank")).arg("demo").arg("--database-url").arg(&url).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr).unwrap().contains("already has users"));
}
