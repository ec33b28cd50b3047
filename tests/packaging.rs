//! Installing like other terminal tools: shell completions and manual
//! pages written by the binary from its own command line, and a Debian
//! package recipe (Cargo.toml, [package.metadata.deb]) whose every file is
//! one the repository holds or `scripts/package-deb.sh` writes.

mod common;

use std::path::Path;
use std::process::Command;

use common::BIN;

fn run(args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        // No config is read for these: a broken one changes nothing.
        .env("FLOWBOARD_CONFIG", "/nonexistent/flowboard.toml")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn completions_offer_every_subcommand_in_bash_zsh_and_fish() {
    for shell in ["bash", "zsh", "fish"] {
        let script = run(&["completions", shell]);
        for sub in ["serve", "wall", "snapshot", "export", "trace-lot", "report"] {
            assert!(script.contains(sub), "{shell} lacks {sub}");
        }
        assert!(script.contains("data-dir"), "{shell}");
    }
}

#[test]
fn the_manual_pages_are_written_for_flowboard_and_each_subcommand() {
    let page = run(&["man"]);
    assert!(
        page.starts_with(".ie") || page.contains(".TH flowboard"),
        "{page}"
    );
    let dir = tempfile::tempdir().unwrap();
    run(&["man", "--dir", dir.path().to_str().unwrap()]);
    for name in [
        "flowboard",
        "flowboard-serve",
        "flowboard-wall",
        "flowboard-export",
    ] {
        let text = std::fs::read_to_string(dir.path().join(format!("{name}.1"))).unwrap();
        assert!(text.contains(".TH"), "{name}.1 is a manual page");
    }
    let export = std::fs::read_to_string(dir.path().join("flowboard-export.1")).unwrap();
    assert!(export.contains("flowboard export"), "{export}");
}

#[test]
fn the_debian_recipe_installs_files_that_exist_or_the_script_writes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest: toml::Value =
        toml::from_str(&std::fs::read_to_string(root.join("Cargo.toml")).unwrap()).unwrap();
    let deb = &manifest["package"]["metadata"]["deb"];
    let script = std::fs::read_to_string(root.join("scripts/package-deb.sh")).unwrap();
    let assets = deb["assets"].as_array().unwrap();
    let mut installs = Vec::new();
    for asset in assets {
        let [source, target, mode] = asset.as_array().unwrap().as_slice() else {
            panic!("an asset is [source, target, mode]: {asset}");
        };
        let (source, target) = (source.as_str().unwrap(), target.as_str().unwrap());
        assert!(["644", "755"].contains(&mode.as_str().unwrap()));
        installs.push(target.to_string());
        if source == "target/release/flowboard" {
            continue;
        }
        if let Some(generated) = source.strip_prefix("target/release/") {
            // Written by the script, with the binary's own subcommands.
            let dir = generated.split('/').next().unwrap();
            assert!(
                script.contains(&format!("target/release/{dir}")),
                "{source} is not written by scripts/package-deb.sh"
            );
            continue;
        }
        assert!(
            root.join(source).exists(),
            "{source} is not in the repository"
        );
    }
    for wanted in [
        "usr/bin/",
        "usr/share/man/man1/",
        "lib/systemd/system/",
        "etc/flowboard/config.toml",
    ] {
        assert!(
            installs.iter().any(|t| t == wanted),
            "nothing installs to {wanted}"
        );
    }
    let conf = deb["conf-files"].as_array().unwrap();
    assert!(
        conf.iter()
            .any(|c| c.as_str() == Some("/etc/flowboard/config.toml"))
    );
    // The unit starts the binary wherever it was installed, and the config
    // the package puts in /etc.
    let unit = std::fs::read_to_string(root.join("contrib/flowboard.service")).unwrap();
    assert!(unit.contains("ExecStart=flowboard serve"), "{unit}");
    assert!(
        unit.contains("--config /etc/flowboard/config.toml"),
        "{unit}"
    );
    // And the config it installs is one the program accepts.
    flowboard::config::Config::load(&root.join("config.toml")).unwrap();
}
