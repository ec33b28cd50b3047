//! Real config files, good and bad (tests/configs/), through the real
//! binary: a good one is accepted, a bad one stops flowboard with exit
//! status 2 and a message naming the file and the problem, before any data
//! is touched.

mod common;

use std::path::Path;
use std::process::Command;

fn files(dir: &str) -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/configs")
        .join(dir);
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    files
}

fn flowboard(config: &Path, data: &Path, args: &[&str]) -> std::process::Output {
    Command::new(common::BIN)
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("FLOWBOARD_CONFIG")
        .output()
        .unwrap()
}

#[test]
fn every_invalid_config_is_refused_naming_the_file_and_the_problem() {
    for file in files("invalid") {
        let expect = std::fs::read_to_string(&file)
            .unwrap()
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{} lacks '# expect:'", file.display()))
            .to_string();
        let data = tempfile::tempdir().unwrap();
        let out = flowboard(&file, &data.path().join("d"), &["serve"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {err}", file.display());
        let name = file.file_name().unwrap().to_string_lossy();
        assert!(
            err.contains(name.as_ref()),
            "{name}: message lacks the file: {err}"
        );
        assert!(
            err.contains(&expect),
            "{name}: message lacks {expect:?}: {err}"
        );
        assert!(!data.path().join("d").exists(), "{name}: data touched");
    }
}

#[test]
fn every_valid_config_starts_a_server_that_serves_it() {
    for file in files("valid") {
        let mut clinic = common::Clinic::new();
        let mut child = Command::new(common::BIN)
            .arg("--config")
            .arg(&file)
            .arg("--data-dir")
            .arg(clinic.data())
            .arg("serve")
            .spawn()
            .unwrap();
        clinic.wait_for_socket();
        let expected = flowboard::config::Config::load(&file).unwrap();
        let out = flowboard(
            &file,
            &clinic.data(),
            &["--no-autostart", "snapshot", "--json"],
        );
        let snap: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(snap["clinic"], expected.clinic_name, "{}", file.display());
        assert_eq!(snap["beds"]["total"], expected.beds.len());
        child.kill().unwrap();
        child.wait().unwrap();
        clinic.server = None;
    }
}

#[test]
fn a_missing_config_file_is_a_clear_error() {
    let data = tempfile::tempdir().unwrap();
    let out = flowboard(
        Path::new("/nonexistent/clinic.toml"),
        data.path(),
        &["serve"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot read config file /nonexistent/clinic.toml"),
        "{err}"
    );
}

#[test]
fn a_bad_language_on_the_command_line_is_refused() {
    let out = Command::new(common::BIN)
        .args(["--lang", "xx", "snapshot"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("use \"en\" or \"ja\""));
}
