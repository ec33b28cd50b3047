//! A real PostgreSQL for a test: `initdb` on a temporary directory and
//! `postgres` on a private Unix socket (no TCP), run as `nobody` when the
//! tests run as root (PostgreSQL refuses root). Started by the test,
//! stopped when it is dropped. Nothing is mocked.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The directory holding `initdb` and `postgres`: PATH first, then the
/// newest of Debian's /usr/lib/postgresql/N/bin.
pub fn bin_dir() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("PATH") {
        for dir in std::env::split_paths(&path) {
            if dir.join("initdb").is_file() && dir.join("postgres").is_file() {
                return Some(dir);
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, b)| b)
}

/// Whether a PostgreSQL test may run here (a failure in CI when it
/// cannot: `.ci/run` installs `postgresql`).
pub fn available() -> bool {
    let psql = Command::new("psql")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    super::have_tool(
        "postgresql (initdb, postgres, psql)",
        bin_dir().is_some() && psql,
    )
}

pub struct Pg {
    /// Holds the data directory and the socket directory.
    pub dir: tempfile::TempDir,
    bin: PathBuf,
    child: Option<Child>,
    pub port: u16,
    as_nobody: bool,
    /// With TLS (on 127.0.0.1, the same port as the socket's): the
    /// server's certificate (self-signed for `localhost`, the CA a client
    /// is given).
    pub tls: Option<PathBuf>,
}

fn nobody() -> (u32, u32) {
    // nobody/nogroup on Debian.
    (65534, 65534)
}

impl Pg {
    /// initdb (superuser `flowboard`, trust on the local socket) and
    /// start; a database `flowboard` is created.
    pub fn start() -> Pg {
        Pg::start_with(false)
    }

    /// As `start`, also listening on 127.0.0.1 with TLS (a self-signed
    /// certificate for `localhost` made with openssl).
    pub fn start_tls() -> Pg {
        Pg::start_with(true)
    }

    fn start_with(tls: bool) -> Pg {
        let bin = bin_dir().expect("initdb and postgres");
        let dir = tempfile::Builder::new()
            .prefix("fb-pg-")
            .tempdir()
            .expect("temp dir");
        let as_nobody = nix::unistd::geteuid().is_root();
        if as_nobody {
            let (uid, gid) = nobody();
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).expect("chown");
        }
        let port = 20000 + (std::process::id() % 20000) as u16;
        let mut pg = Pg {
            dir,
            bin,
            child: None,
            port,
            as_nobody,
            tls: None,
        };
        let out = pg
            .command("initdb")
            .args(["--no-sync", "-A", "trust", "-U", "flowboard", "-E", "UTF8"])
            .args(["--locale=C", "-D"])
            .arg(pg.data())
            .stdout(Stdio::null())
            .output()
            .expect("run initdb");
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::create_dir_all(pg.socket_dir()).expect("socket dir");
        if as_nobody {
            let (uid, gid) = nobody();
            std::os::unix::fs::chown(pg.socket_dir(), Some(uid), Some(gid)).expect("chown");
        }
        if tls {
            let cert = pg.dir.path().join("server.crt");
            let key = pg.dir.path().join("server.key");
            let out = Command::new("openssl")
                .args([
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                ])
                .args(["-subj", "/CN=localhost"])
                .args(["-addext", "subjectAltName=DNS:localhost"])
                .arg("-keyout")
                .arg(&key)
                .arg("-out")
                .arg(&cert)
                .output()
                .expect("run openssl");
            assert!(
                out.status.success(),
                "openssl: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).expect("key");
            if as_nobody {
                let (uid, gid) = nobody();
                for f in [&cert, &key] {
                    std::os::unix::fs::chown(f, Some(uid), Some(gid)).expect("chown");
                }
            }
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port();
            pg.port = port;
            pg.tls = Some(cert);
        }
        pg.run_server();
        pg.psql("postgres", "flowboard", "CREATE DATABASE flowboard");
        pg
    }

    /// A connection string for `user` over TCP to `localhost` (TLS).
    pub fn tcp_connection(&self, user: &str) -> String {
        assert!(self.tls.is_some(), "started with TLS");
        format!(
            "host=localhost port={} user={user} dbname=flowboard",
            self.port
        )
    }

    fn command(&self, tool: &str) -> Command {
        let path = self.bin.join(tool);
        if self.as_nobody {
            let (uid, gid) = nobody();
            let mut c = Command::new("setpriv");
            c.arg(format!("--reuid={uid}"))
                .arg(format!("--regid={gid}"))
                .arg("--clear-groups")
                .arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("pgdata")
    }

    pub fn socket_dir(&self) -> PathBuf {
        self.dir.path().join("sock")
    }

    /// A connection string for `user` to the `flowboard` database.
    pub fn connection(&self, user: &str) -> String {
        format!(
            "host={} port={} user={user} dbname=flowboard",
            self.socket_dir().display(),
            self.port
        )
    }

    fn run_server(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let log = std::fs::File::create(self.dir.path().join("postgres.log")).expect("log");
            let mut command = self.command("postgres");
            match &self.tls {
                None => {
                    command.args(["-c", "listen_addresses="]);
                }
                Some(cert) => {
                    // The TCP port is the TLS one; the socket's stays.
                    let key = cert.with_extension("key");
                    command
                        .args(["-c", "listen_addresses=127.0.0.1", "-c", "ssl=on"])
                        .arg("-c")
                        .arg(format!("ssl_cert_file={}", cert.display()))
                        .arg("-c")
                        .arg(format!("ssl_key_file={}", key.display()));
                }
            }
            let child = command
                .arg("-D")
                .arg(self.data())
                .args(["-c", "fsync=off"])
                .args(["-c", &format!("port={}", self.port)])
                .arg("-k")
                .arg(self.socket_dir())
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .expect("spawn postgres");
            self.child = Some(child);
            if self.wait_ready(Duration::from_secs(15)) {
                return;
            }
            // After a kill -9 the old backends may still hold the shared
            // memory for a moment: start again.
            self.kill9();
            assert!(
                Instant::now() < deadline,
                "postgres did not start: {}",
                std::fs::read_to_string(self.dir.path().join("postgres.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(300));
        }
    }

    fn wait_ready(&mut self, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(_)) = child.try_wait()
            {
                return false;
            }
            let ok = Command::new("psql")
                .args(["-X", "-q", "-c", "SELECT 1"])
                .arg(self.conn_for("postgres", "flowboard"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    fn conn_for(&self, db: &str, user: &str) -> String {
        format!(
            "host={} port={} user={user} dbname={db}",
            self.socket_dir().display(),
            self.port
        )
    }

    /// Runs SQL as `user` on database `db` (stop at the first error);
    /// returns the output rows (unaligned, `|`-separated) or panics.
    pub fn psql(&self, db: &str, user: &str, sql: &str) -> String {
        let out = self.try_psql(db, user, sql);
        match out {
            Ok(s) => s,
            Err(e) => panic!("psql as {user}: {e}\n{sql}"),
        }
    }

    /// Runs SQL as `user`; Err with psql's message when PostgreSQL refuses.
    pub fn try_psql(&self, db: &str, user: &str, sql: &str) -> Result<String, String> {
        let out = Command::new("psql")
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
            .arg(self.conn_for(db, user))
            .output()
            .expect("run psql");
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).to_string())
        }
    }

    /// Runs a file of SQL as the superuser.
    pub fn psql_file(&self, file: &Path) {
        let out = Command::new("psql")
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f"])
            .arg(file)
            .arg(self.connection("flowboard"))
            .output()
            .expect("run psql");
        assert!(
            out.status.success(),
            "{}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A clean stop (SIGINT: fast shutdown), waiting for it.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .arg("-INT")
                .arg(child.id().to_string())
                .status();
            let _ = child.wait();
        }
    }

    /// `kill -9` of the postmaster (its backends notice and exit).
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same data directory.
    pub fn restart(&mut self) {
        self.run_server();
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        self.stop();
    }
}
