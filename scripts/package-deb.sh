#!/usr/bin/env bash
# Builds the Debian package with cargo-deb: the release binary, then its
# manual pages and shell completions written by the binary itself (so they
# always match the command line it parses), then the .deb with what
# [package.metadata.deb] in Cargo.toml lists.
#
#   cargo install cargo-deb      # once
#   scripts/package-deb.sh       # -> target/debian/flowboard_*.deb
#   sudo apt install ./target/debian/flowboard_*.deb
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --locked
bin=target/release/flowboard
rm -rf target/release/man target/release/completions
"$bin" man --dir target/release/man
mkdir -p target/release/completions
"$bin" completions bash >target/release/completions/flowboard.bash
"$bin" completions zsh >target/release/completions/_flowboard
"$bin" completions fish >target/release/completions/flowboard.fish
cargo deb --no-build --locked "$@"
