//! A clinic group: two real branch servers (two data directories, two
//! sites) shipping to one real PostgreSQL started by the test (initdb on a
//! temp dir, a private socket). Head office reads it with `group ...`.

mod common;

use std::time::{Duration, Instant};

use common::Clinic;
use common::pg::Pg;
use serde_json::{Value, json};

/// The blocks of rights SQL exactly as README.md gives them, in order
/// (each opens with `-- flowboard group rights`).
fn readme_rights_blocks() -> Vec<String> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let mut blocks = Vec::new();
    let mut rest = readme.as_str();
    while let Some(start) = rest.find("```sql\n-- flowboard group rights") {
        let body = &rest[start + "```sql\n".len()..];
        let end = body.find("```").expect("end of the SQL block");
        blocks.push(body[..end].to_string());
        rest = &body[end..];
    }
    assert_eq!(blocks.len(), 2, "README gives the rights in two parts");
    blocks
}

/// Runs README's rights SQL (the blocks `which` names) as the owner.
fn run_rights(pg: &Pg, head: &Clinic, which: std::ops::Range<usize>) {
    let sql = head.dir.path().join("rights.sql");
    std::fs::write(&sql, readme_rights_blocks()[which].concat()).expect("write sql");
    pg.psql_file(&sql);
}

/// Creates the tables (`group migrate`, as the owner) and the roles
/// (README's SQL).
fn prepare(pg: &Pg, head: &Clinic) {
    let out = group_as(head, pg, "flowboard", &["migrate"]);
    assert!(out.status.success());
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.contains(&format!(
            "schema version {}",
            flowboard::group::schema::VERSION
        )),
        "{out}"
    );
    run_rights(pg, head, 0..2);
}

/// A branch whose config ships to `pg` as `site` (role branch_<site>).
fn branch(pg: &Pg, site: &str) -> Clinic {
    let config = format!(
        "{}\n[group]\nsite = \"{site}\"\nconnection = \"{}\"\ntls = \"disable\"\nbatch = 7\n",
        common::config_at_hour(common::TEST_HOUR),
        pg.connection(&format!("branch_{site}"))
    );
    let mut c = Clinic::with_config(&config);
    c.start();
    c
}

/// Head office: `group` commands as the reader role.
fn group(clinic: &Clinic, pg: &Pg, args: &[&str]) -> String {
    let out = group_as(clinic, pg, "head_office", args);
    assert!(
        out.status.success(),
        "group {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// `group ARGS` as PostgreSQL's `user`, whatever its outcome.
fn group_as(clinic: &Clinic, pg: &Pg, user: &str, args: &[&str]) -> std::process::Output {
    let connection = pg.connection(user);
    let mut all = vec!["group", "--connection", &connection, "--tls", "disable"];
    all.extend(args);
    clinic.run(&all)
}

/// Protocol lines that take a new patient of `clinic` (visit `visit`:
/// the clinic's n-th arrival) from arrival to administration of `lot`.
fn lot_lines(visit: u64, name: &str, chart: &str, lot: &str) -> Vec<String> {
    treatment_lines(visit, name, chart, "drip", lot)
}

/// The same for `treatment` (a drip on bed `visit`, an injection on none).
fn treatment_lines(visit: u64, name: &str, chart: &str, treatment: &str, lot: &str) -> Vec<String> {
    let mut lines = vec![
        json!({"cmd": "arrive", "name": name, "treatment": treatment, "chart_no": chart})
            .to_string(),
        json!({"cmd": "advance", "visit": visit, "to": "counselling"}).to_string(),
    ];
    lines.extend(common::counselling_lines(visit, treatment));
    lines.push(json!({"cmd": "advance", "visit": visit, "to": "ready"}).to_string());
    let mut start =
        json!({"cmd": "advance", "visit": visit, "to": "administration", "lot": {"number": lot}});
    if treatment == "drip" {
        start["bed"] = json!(visit.to_string());
    }
    lines.push(start.to_string());
    lines
}

/// Sends protocol lines in one connection; every one must succeed.
fn send(clinic: &Clinic, lines: &[String]) {
    let mut args = vec!["--no-autostart", "send"];
    args.extend(lines.iter().map(String::as_str));
    let out = clinic.ok(&args);
    assert!(!out.contains("\"ok\":false"), "{out}");
}

/// A patient of `clinic` from arrival to administration of `lot`
/// (visit `visit`: the clinic's n-th arrival).
fn give_lot(clinic: &Clinic, visit: u64, name: &str, chart: &str, lot: &str) {
    send(clinic, &lot_lines(visit, name, chart, lot));
}

/// The branch's own trace of `lot` (its JSON rows).
fn own_trace(clinic: &Clinic, lot: &str) -> Vec<Value> {
    serde_json::from_str(&clinic.ok(&["--no-autostart", "trace-lot", lot, "--format", "json"]))
        .expect("json")
}

/// Head office's trace of `lot` (JSON rows, each with its site).
fn group_trace(head: &Clinic, pg: &Pg, lot: &str) -> Vec<Value> {
    serde_json::from_str(&group(head, pg, &["trace-lot", lot, "--format", "json"])).expect("json")
}

/// Head office's trace of `lot` holds, for each branch, exactly the rows
/// of the branch's own trace (every field, in its order), with the site
/// first, and nothing of any other site. Returns it.
fn traces_agree(head: &Clinic, pg: &Pg, lot: &str, branches: &[(&str, &Clinic)]) -> Vec<Value> {
    let all = group_trace(head, pg, lot);
    for row in &all {
        assert!(
            branches.iter().any(|(site, _)| row["site"] == *site),
            "a row of another site: {row}"
        );
    }
    for (site, clinic) in branches {
        let mine: Vec<Value> = all
            .iter()
            .filter(|r| r["site"] == *site)
            .map(|r| {
                let mut r = r.clone();
                r.as_object_mut().expect("a row").remove("site");
                r
            })
            .collect();
        assert_eq!(mine, own_trace(clinic, lot), "lot {lot} at {site}");
    }
    all
}

/// The lot rows are the fold of what PostgreSQL holds: every visit with
/// an event naming a lot has one row, folded up to its last event, and
/// every site's rows are complete up to its last event.
fn lot_rows_complete(pg: &Pg) {
    let stale = pg.psql(
        "flowboard",
        "flowboard",
        "SELECT count(*) FROM (
           SELECT site, visit, max(seq) AS last FROM events
           GROUP BY site, visit HAVING bool_or(lot IS NOT NULL)) v
         FULL JOIN administrations a USING (site, visit)
         WHERE a.seq IS DISTINCT FROM v.last",
    );
    assert_eq!(
        stale, "0",
        "lot rows missing or not folded to the last event"
    );
    let lagging = pg.psql(
        "flowboard",
        "flowboard",
        "SELECT count(*) FROM sites WHERE folded_seq <> last_seq",
    );
    assert_eq!(lagging, "0");
}

/// Arrivals only (quick events).
fn arrivals(clinic: &Clinic, names: &[&str]) {
    for name in names {
        clinic.ok(&[
            "--no-autostart",
            "add",
            "--name",
            name,
            "--treatment",
            "face",
        ]);
    }
}

/// The sequence numbers PostgreSQL holds for `site`, in order.
fn shipped(pg: &Pg, site: &str) -> Vec<u64> {
    pg.psql(
        "flowboard",
        "flowboard",
        &format!("SELECT seq FROM events WHERE site = '{site}' ORDER BY seq"),
    )
    .lines()
    .map(|l| l.trim().parse().expect("a seq"))
    .collect()
}

/// The branch's own log, by its export: every event's seq, in order.
fn exported(clinic: &Clinic) -> Vec<u64> {
    let day = clinic.today();
    let out = clinic.ok(&[
        "--no-autostart",
        "export",
        "--from",
        &day,
        "--to",
        &day,
        "--format",
        "json",
    ]);
    let rows: Vec<Value> = serde_json::from_str(&out).expect("export JSON");
    let mut seqs: Vec<u64> = rows
        .iter()
        .map(|r| r["seq"].as_u64().expect("seq"))
        .collect();
    seqs.sort();
    seqs
}

/// Waits until PostgreSQL holds exactly the branch's log (fails after a
/// minute, showing both).
fn wait_shipped(pg: &Pg, site: &str, clinic: &Clinic) {
    let want = exported(clinic);
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let have = shipped(pg, site);
        if have == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "site {site}: PostgreSQL holds {have:?}, the branch's export {want:?}\n{}",
            status_of(clinic)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A PostgreSQL of its own with the group's tables and README's roles,
/// and head office's clinic directory (none where PostgreSQL is missing
/// on a developer machine; in CI that is a failure: `common::pg`).
fn head_office() -> Option<(Pg, Clinic)> {
    if !common::pg::available() {
        return None;
    }
    let pg = Pg::start();
    let head = Clinic::new();
    prepare(&pg, &head);
    Some((pg, head))
}

fn status_of(clinic: &Clinic) -> String {
    String::from_utf8_lossy(&clinic.run(&["group", "status"]).stdout).to_string()
}

#[test]
fn two_branches_ship_and_head_office_traces_a_lot_given_at_both() {
    let Some((pg, head)) = head_office() else {
        return;
    };
    let ginza = branch(&pg, "ginza");
    let umeda = branch(&pg, "umeda");
    give_lot(&ginza, 1, "山田 花子", "G-100", "EXO-2611-07");
    // Typed with a stray space and in lower case at umeda: the same lot,
    // as each branch's own trace-lot says.
    give_lot(&umeda, 1, "佐藤 一郎", "U-200", "exo- 2611-07");
    give_lot(&umeda, 2, "Ann Lee", "U-201", "EXO-2611-09");
    wait_shipped(&pg, "ginza", &ginza);
    wait_shipped(&pg, "umeda", &umeda);
    assert!(
        umeda
            .ok(&["--no-autostart", "trace-lot", "EXO-2611-07"])
            .contains("佐藤 一郎")
    );

    let text = group(&head, &pg, &["trace-lot", "EXO-2611-07"]);
    assert!(text.contains("2 administrations in 2 branches"), "{text}");
    assert!(
        text.contains("ginza") && text.contains("山田 花子"),
        "{text}"
    );
    assert!(
        text.contains("umeda") && text.contains("佐藤 一郎"),
        "{text}"
    );
    assert!(!text.contains("Ann Lee"), "{text}");
    let rows: Vec<Value> = serde_json::from_str(&group(
        &head,
        &pg,
        &["trace-lot", "EXO-2611-07", "--format", "json"],
    ))
    .expect("json");
    assert_eq!(rows.len(), 2);
    // The same row as the branch's own trace-lot, with the site first.
    let own: Vec<Value> = serde_json::from_str(&ginza.ok(&[
        "--no-autostart",
        "trace-lot",
        "EXO-2611-07",
        "--format",
        "json",
    ]))
    .expect("json");
    let at_ginza = rows.iter().find(|r| r["site"] == "ginza").expect("ginza");
    for key in [
        "name",
        "chart_no",
        "nurse",
        "dose_ml",
        "at",
        "lot",
        "treatment",
    ] {
        assert_eq!(at_ginza[key], own[0][key], "{key}");
    }

    // The day, per site and in total.
    let day: Value = serde_json::from_str(&group(
        &head,
        &pg,
        &[
            "report",
            "day",
            "--date",
            &ginza.today(),
            "--format",
            "json",
        ],
    ))
    .expect("json");
    let administered = |r: &Value| -> u64 {
        r["treatments"]
            .as_array()
            .expect("treatments")
            .iter()
            .map(|t| t["administered"].as_u64().unwrap_or(0))
            .sum()
    };
    assert_eq!(administered(&day["sites"]["ginza"]), 1);
    assert_eq!(administered(&day["sites"]["umeda"]), 2);
    assert_eq!(administered(&day["total"]), 3);
    let own_day: Value =
        serde_json::from_str(&umeda.ok(&["--no-autostart", "report", "day", "--format", "json"]))
            .expect("json");
    assert_eq!(
        day["sites"]["umeda"], own_day,
        "umeda's day as umeda reports it"
    );

    // Status: both sites, their last event.
    let status = group(&head, &pg, &["status"]);
    assert!(
        status.contains("ginza") && status.contains("umeda"),
        "{status}"
    );
    let at_branch = status_of(&ginza);
    assert!(at_branch.contains("this branch (ginza)"), "{at_branch}");
    assert!(at_branch.contains("connected"), "{at_branch}");

    // The group board: every branch now, redrawn when a branch ships.
    let mut board = head
        .cmd(&[
            "group",
            "--connection",
            &pg.connection("head_office"),
            "--tls",
            "disable",
            "board",
            "--plain",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("group board");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let stdout = board.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    // A site's line: name, the patients in each active stage, beds, emergencies.
    let site_line = |rx: &std::sync::mpsc::Receiver<String>, site: &str| -> Vec<u64> {
        loop {
            let line = rx
                .recv_timeout(Duration::from_secs(60))
                .expect("the group board printed a table");
            if line.starts_with(site) {
                return line
                    .split_whitespace()
                    .skip(1)
                    .filter_map(|n| n.parse().ok())
                    .collect();
            }
        }
    };
    // Emergencies, beds in use, then waiting, counselling, ready,
    // administration, observation.
    assert_eq!(site_line(&rx, "ginza"), vec![0, 1, 0, 0, 0, 1, 0]);
    assert_eq!(site_line(&rx, "umeda"), vec![0, 2, 0, 0, 0, 2, 0]);
    arrivals(&ginza, &["新しい 患者"]);
    assert_eq!(site_line(&rx, "ginza"), vec![0, 1, 1, 0, 0, 1, 0]);
    let _ = board.kill();
    let _ = board.wait();
}

#[test]
fn the_line_goes_down_the_branches_go_on_and_every_event_arrives_once() {
    let Some((mut pg, head)) = head_office() else {
        return;
    };
    let mut ginza = branch(&pg, "ginza");
    let umeda = branch(&pg, "umeda");
    arrivals(&ginza, &["A1", "A2", "A3"]);
    arrivals(&umeda, &["B1"]);
    wait_shipped(&pg, "ginza", &ginza);

    // The line goes down: both branches keep working.
    pg.stop();
    arrivals(&ginza, &["A4", "A5", "A6", "A7", "A8", "A9", "A10"]);
    give_lot(&umeda, 2, "鈴木 次郎", "U-9", "EXO-DOWN");
    // The branch's status says the line is down, and what waits, once the
    // shipper has tried (it waits a moment after a command to batch what
    // follows).
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let status = status_of(&ginza);
        if status.contains("not connected") && status.contains("3 of 10 events shipped") {
            break;
        }
        assert!(Instant::now() < deadline, "{status}");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(ginza.visit_names().contains(&"A10".to_string()));
    std::thread::sleep(Duration::from_secs(2));

    // It comes back: the backlog drains, each event once.
    pg.restart();
    wait_shipped(&pg, "ginza", &ginza);
    wait_shipped(&pg, "umeda", &umeda);

    // kill -9 of a branch server in the middle of shipping (batches of 7,
    // more events than fit in one), then of PostgreSQL in the middle of
    // a batch; a restart of each resumes with no gap and no duplicate.
    let names: Vec<String> = (0..40).map(|i| format!("K{i}")).collect();
    let mut lines: Vec<String> = names
        .iter()
        .map(|n| json!({"cmd": "arrive", "name": n, "treatment": "face"}).to_string())
        .collect();
    lines.insert(0, "--no-autostart".into());
    lines.insert(1, "send".into());
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    ginza.ok(&refs);
    ginza.kill9();
    ginza.start();
    pg.kill9();
    arrivals(&ginza, &["after the crash"]);
    pg.restart();
    wait_shipped(&pg, "ginza", &ginza);
    wait_shipped(&pg, "umeda", &umeda);
    let seqs = shipped(&pg, "ginza");
    let n = seqs.len() as u64;
    assert_eq!(seqs, (1..=n).collect::<Vec<u64>>(), "no gap, no duplicate");
    // The lot given while the line was down is found.
    let text = group(&head, &pg, &["trace-lot", "EXO-DOWN"]);
    assert!(
        text.contains("umeda") && text.contains("鈴木 次郎"),
        "{text}"
    );
}

#[test]
fn a_branch_role_may_only_insert_its_own_sites_rows() {
    let Some((pg, _head)) = head_office() else {
        return;
    };
    let ginza = branch(&pg, "ginza");
    let umeda = branch(&pg, "umeda");
    arrivals(&ginza, &["A1"]);
    arrivals(&umeda, &["B1"]);
    give_lot(&ginza, 2, "山田 花子", "G-100", "EXO-2611-07");
    give_lot(&umeda, 2, "佐藤 一郎", "U-200", "EXO-2611-07");
    wait_shipped(&pg, "ginza", &ginza);
    wait_shipped(&pg, "umeda", &umeda);
    let refused = |user: &str, sql: &str| {
        let err = pg
            .try_psql("flowboard", user, sql)
            .expect_err(&format!("{user} may not: {sql}"));
        assert!(
            err.contains("permission denied") || err.contains("row-level security"),
            "{user}: {sql}: {err}"
        );
    };
    refused(
        "branch_ginza",
        "UPDATE events SET kind = 'x' WHERE site = 'ginza'",
    );
    refused("branch_ginza", "DELETE FROM events WHERE site = 'ginza'");
    refused("branch_ginza", "DELETE FROM events WHERE site = 'umeda'");
    refused(
        "branch_ginza",
        "INSERT INTO events (site, seq, visit, at, recorded_at, kind, body) VALUES ('umeda', 999, 1, now(), now(), 'cancelled', '{}')",
    );
    refused("head_office", "DELETE FROM events");
    refused(
        "head_office",
        "INSERT INTO events (site, seq, visit, at, recorded_at, kind, body) VALUES ('umeda', 999, 1, now(), now(), 'cancelled', '{}')",
    );
    // The lot rows: a branch may write its own (a cache of its events),
    // never delete one, never touch another site's.
    refused(
        "branch_ginza",
        "DELETE FROM administrations WHERE site = 'ginza'",
    );
    refused(
        "branch_ginza",
        "DELETE FROM administrations WHERE site = 'umeda'",
    );
    refused(
        "branch_ginza",
        "INSERT INTO administrations (site, visit, seq) VALUES ('umeda', 99, 1)",
    );
    refused(
        "branch_ginza",
        "UPDATE administrations SET site = 'umeda' WHERE site = 'ginza'",
    );
    let umeda_rows = "SELECT visit, seq, lot, row::text FROM administrations WHERE site = 'umeda'";
    let before = pg.psql("flowboard", "flowboard", umeda_rows);
    assert!(before.contains("EXO-2611-07"), "{before}");
    // Another site's rows are not there for it: nothing is updated.
    pg.psql(
        "flowboard",
        "branch_ginza",
        "UPDATE administrations SET lot = 'FORGED' WHERE site = 'umeda'",
    );
    assert_eq!(pg.psql("flowboard", "flowboard", umeda_rows), before);
    assert_eq!(
        pg.psql(
            "flowboard",
            "branch_ginza",
            "SELECT string_agg(DISTINCT site, ',') FROM administrations"
        ),
        "ginza"
    );
    refused("head_office", "DELETE FROM administrations");
    refused("head_office", "UPDATE administrations SET lot = 'FORGED'");
    refused(
        "head_office",
        "INSERT INTO administrations (site, visit, seq) VALUES ('umeda', 99, 1)",
    );
    // A branch sees only its own rows; head office sees every branch.
    let seen = pg.psql(
        "flowboard",
        "branch_ginza",
        "SELECT DISTINCT site FROM events",
    );
    assert_eq!(seen, "ginza");
    let all = pg.psql(
        "flowboard",
        "head_office",
        "SELECT string_agg(DISTINCT site, ',') FROM events",
    );
    assert_eq!(all, "ginza,umeda");
    // The rows are the events as the branch recorded them.
    assert_eq!(shipped(&pg, "ginza"), exported(&ginza));
}

/// A branch whose database holds days of records not yet shipped: every
/// staff connection is told at once that the shipping is behind (the
/// board's header shows it), and told again when it has caught up.
#[test]
fn a_branch_behind_tells_its_screens_and_when_it_has_caught_up() {
    use std::io::{BufRead, BufReader, Write};
    let Some((mut pg, _head)) = head_office() else {
        return;
    };
    pg.stop();
    let config = format!(
        "{}\n[group]\nsite = \"ginza\"\nconnection = \"{}\"\ntls = \"disable\"\nwarn_behind_minutes = 5\n",
        common::config_at_hour(common::TEST_HOUR),
        pg.connection("branch_ginza")
    );
    let mut ginza = Clinic::with_config(&config);
    std::fs::create_dir_all(ginza.data()).expect("data dir");
    {
        let store = flowboard::store::Store::open(&ginza.data().join("db")).expect("store");
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).expect("a date");
        flowboard::demo::fill::fill(
            &store,
            &flowboard::config::Config::default(),
            2,
            today,
            &mut flowboard::demo::history::Clinic::new(5),
            |_, _| {},
        )
        .expect("fill");
    }
    ginza.start();
    let stream = std::os::unix::net::UnixStream::connect(ginza.socket()).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .expect("timeout");
    let mut w = stream.try_clone().expect("clone");
    writeln!(
        w,
        "{}",
        json!({"hello": {"protocol": flowboard::protocol::PROTOCOL_VERSION, "role": "read_only"}})
    )
    .expect("hello");
    let mut reader = BufReader::new(stream);
    let mut next_shipping = || -> Value {
        loop {
            let mut line = String::new();
            assert!(reader.read_line(&mut line).expect("read") > 0, "closed");
            let msg: Value = serde_json::from_str(&line).expect("json");
            if let Some(s) = msg.get("shipping") {
                return s.clone();
            }
        }
    };
    let behind = next_shipping();
    assert_eq!(behind["site"], "ginza", "{behind}");
    let since: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(behind["since"].clone()).expect("since");
    assert!(chrono::Utc::now() - since > chrono::Duration::minutes(5));
    // The line comes back: the backlog drains and the screens hear it.
    pg.restart();
    assert_eq!(next_shipping(), Value::Null);
    let events = ginza.ok(&["--no-autostart", "verify"]);
    let n: usize = shipped(&pg, "ginza").len();
    assert!(n > 100, "{n} events shipped");
    assert!(events.contains(&n.to_string()), "{events}");
}

/// TLS to the group: with `tls = "verify-full"` and the CA that signed
/// PostgreSQL's certificate the branch ships; without it (the system's
/// roots do not know a self-signed certificate) the branch refuses the
/// server, keeps working, and its status says why.
#[test]
fn tls_verify_full_ships_with_the_ca_and_refuses_an_unknown_certificate() {
    if !common::pg::available() {
        return;
    }
    let pg = Pg::start_tls();
    let head = Clinic::new();
    prepare(&pg, &head);
    let ca = pg.tls.clone().expect("a certificate");
    let config = |site: &str, ca_line: &str| {
        format!(
            "{}\n[group]\nsite = \"{site}\"\nconnection = \"{}\"\ntls = \"verify-full\"\n{ca_line}\n",
            common::config_at_hour(common::TEST_HOUR),
            pg.tcp_connection(&format!("branch_{site}"))
        )
    };
    let mut ginza =
        Clinic::with_config(&config("ginza", &format!("ca_file = \"{}\"", ca.display())));
    ginza.start();
    let mut umeda = Clinic::with_config(&config("umeda", ""));
    umeda.start();
    arrivals(&ginza, &["A1", "A2"]);
    arrivals(&umeda, &["B1"]);
    wait_shipped(&pg, "ginza", &ginza);
    // The connection was TLS: PostgreSQL says so for the branch's role.
    let ssl = pg.psql(
        "flowboard",
        "flowboard",
        "SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE s.ssl AND a.usename = 'branch_ginza'",
    );
    assert_eq!(ssl, "1", "the branch's connection is TLS");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let status = status_of(&umeda);
        if status.contains("last error") && status.contains("certificate") {
            assert!(status.contains("not connected"), "{status}");
            break;
        }
        assert!(Instant::now() < deadline, "{status}");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(shipped(&pg, "umeda").is_empty());
    assert!(umeda.visit_names().contains(&"B1".to_string()));
}

/// A branch restored from a backup older than what it shipped would
/// reuse sequence numbers PostgreSQL already holds for other events: it
/// ships nothing, and both the branch and head office are told why.
#[test]
fn a_branch_older_than_what_it_shipped_ships_nothing_and_says_why() {
    let Some((pg, head)) = head_office() else {
        return;
    };
    let mut ginza = branch(&pg, "ginza");
    arrivals(&ginza, &["A1"]);
    let backup = ginza.dir.path().join("backup");
    ginza.ok(&["--no-autostart", "backup", backup.to_str().expect("utf-8")]);
    arrivals(&ginza, &["A2", "A3"]);
    wait_shipped(&pg, "ginza", &ginza);
    let before = shipped(&pg, "ginza");
    ginza.kill9();
    let config = std::fs::read_to_string(&ginza.config).expect("config");
    let mut restored = Clinic::with_config(&config);
    restored.ok(&["restore", backup.to_str().expect("utf-8")]);
    restored.start();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let status = status_of(&restored);
        if status.contains("older than what it shipped") {
            break;
        }
        assert!(Instant::now() < deadline, "{status}");
        std::thread::sleep(Duration::from_millis(200));
    }
    arrivals(&restored, &["B1"]);
    assert_eq!(shipped(&pg, "ginza"), before, "nothing shipped over it");
    let status = group(&head, &pg, &["status"]);
    assert!(status.contains("older than what it shipped"), "{status}");
}

/// The lot rows head office reads say what each branch's own fold says,
/// through a lot given at both branches, a lot corrected at one after it
/// was shipped (it leaves the old lot's trace and joins the new one's), an
/// administration undone, a reaction recorded after the administration,
/// and a kill -9 of a branch server in the middle of shipping.
#[test]
fn the_lot_rows_say_what_each_branch_s_fold_says() {
    let Some((pg, head)) = head_office() else {
        return;
    };
    let mut ginza = branch(&pg, "ginza");
    let umeda = branch(&pg, "umeda");
    let both = |g: &Clinic, u: &Clinic| {
        wait_shipped(&pg, "ginza", g);
        wait_shipped(&pg, "umeda", u);
    };
    give_lot(&ginza, 1, "山田 花子", "G-100", "EXO-2611-07");
    give_lot(&ginza, 2, "田中 三郎", "G-101", "EXO-2611-07");
    give_lot(&umeda, 1, "佐藤 一郎", "U-200", "EXO-2611-07");
    both(&ginza, &umeda);
    let rows = traces_agree(
        &head,
        &pg,
        "EXO-2611-07",
        &[("ginza", &ginza), ("umeda", &umeda)],
    );
    assert_eq!(rows.len(), 3);
    lot_rows_complete(&pg);

    // The lot of ginza's first patient corrected after it was shipped;
    // at umeda a second patient given the lot, then the start undone;
    // umeda's first patient has a reaction during the drip.
    send(&ginza, &[json!({"cmd": "correct", "visit": 1, "correction": {"field": "lot", "number": "EXO-2611-08"}, "reason": "misread the vial"}).to_string()]);
    give_lot(&umeda, 2, "Ann Lee", "U-201", "EXO-2611-07");
    wait_shipped(&pg, "umeda", &umeda);
    assert_eq!(
        group_trace(&head, &pg, "EXO-2611-07").len(),
        3,
        "Ann Lee given it"
    );
    send(
        &umeda,
        &[
            json!({"cmd": "undo", "visit": 2, "reason": "wrong patient's chart"}).to_string(),
            json!({"cmd": "record", "visit": 1, "entry": {"kind": "reaction", "reaction": "local", "signs": "redness at the site", "action": "cold compress"}}).to_string(),
        ],
    );
    both(&ginza, &umeda);
    let old = traces_agree(
        &head,
        &pg,
        "EXO-2611-07",
        &[("ginza", &ginza), ("umeda", &umeda)],
    );
    let names: Vec<&str> = old
        .iter()
        .map(|r| r["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names.len(), 2, "{old:?}");
    assert!(
        names.contains(&"田中 三郎") && names.contains(&"佐藤 一郎"),
        "{names:?}"
    );
    let sato = old.iter().find(|r| r["name"] == "佐藤 一郎").expect("佐藤");
    assert!(
        sato["reactions"]
            .as_str()
            .unwrap_or("")
            .starts_with("local "),
        "{sato}"
    );
    let new = traces_agree(
        &head,
        &pg,
        "EXO-2611-08",
        &[("ginza", &ginza), ("umeda", &umeda)],
    );
    assert_eq!(new.len(), 1);
    assert_eq!(new[0]["name"], "山田 花子");
    assert_eq!(new[0]["site"], "ginza");
    lot_rows_complete(&pg);
    // The undone administration keeps its row, with no lot: no row is
    // ever deleted, and none goes back to an older fold.
    let undone = pg.psql(
        "flowboard",
        "flowboard",
        "SELECT lot IS NULL FROM administrations WHERE site = 'umeda' AND visit = 2",
    );
    assert_eq!(undone, "t");

    // kill -9 in the middle of shipping (batches of 7, four of them sent
    // at once; the second drip takes the nurse over her caseload,
    // confirmed): the rows still say exactly what the fold says.
    let mut lines = Vec::new();
    for (i, name) in ["K1", "K2"].iter().enumerate() {
        let mut more = lot_lines(3 + i as u64, name, &format!("G-{}", 300 + i), "EXO-KILL");
        if let Some(start) = more.last_mut() {
            let mut cmd: Value = serde_json::from_str(start).expect("json");
            cmd["confirm"] = json!(true);
            *start = cmd.to_string();
        }
        lines.extend(more);
    }
    lines.push(json!({"cmd": "correct", "visit": 4, "correction": {"field": "lot", "number": "EXO-2611-07"}, "reason": "misread the vial"}).to_string());
    send(&ginza, &lines);
    ginza.kill9();
    ginza.start();
    both(&ginza, &umeda);
    let killed = traces_agree(
        &head,
        &pg,
        "EXO-KILL",
        &[("ginza", &ginza), ("umeda", &umeda)],
    );
    assert_eq!(killed.len(), 1);
    let again = traces_agree(
        &head,
        &pg,
        "EXO-2611-07",
        &[("ginza", &ginza), ("umeda", &umeda)],
    );
    assert_eq!(again.len(), 3, "K2's corrected lot joined it");
    lot_rows_complete(&pg);
    // The text and CSV forms: the site first, then the branch's row.
    let text = group(&head, &pg, &["trace-lot", "EXO-2611-07"]);
    assert!(
        text.starts_with("Lot EXO-2611-07: 3 administrations in 2 branches\n"),
        "{text}"
    );
    assert!(text.contains("umeda  "), "{text}");
    let today = ginza.today();
    let csv = group(
        &head,
        &pg,
        &[
            "report",
            "reactions",
            "--from",
            &today,
            "--to",
            &today,
            "--format",
            "csv",
        ],
    );
    let own = umeda.ok(&[
        "--no-autostart",
        "report",
        "reactions",
        "--from",
        &today,
        "--to",
        &today,
        "--format",
        "csv",
    ]);
    let own: Vec<String> = own
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("site,{l}")
            } else {
                format!("umeda,{l}")
            }
        })
        .collect();
    assert_eq!(
        csv.lines().collect::<Vec<_>>(),
        own,
        "the reactions, site first"
    );
}

/// The hostile corpus as patients' names: each one the branch takes goes
/// through the shipper's fold into the lot rows and out through the
/// group's CSV exactly as the branch's own CSV writes it (the site
/// first), with no escape sequence and no formula reaching a spreadsheet.
#[test]
fn hostile_names_go_through_the_lot_rows_into_the_group_csv_as_the_branch_writes_them() {
    let Some((pg, head)) = head_office() else {
        return;
    };
    let corpus = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/hostile-text.jsonl"
    ))
    .expect("the hostile-text corpus");
    let ginza = branch(&pg, "ginza");
    let mut visit = 0;
    for line in corpus.lines() {
        let case: Value = serde_json::from_str(line).expect("a corpus line");
        let text = case["text"].as_str().expect("text");
        // Face injections: no bed, so forty patients fit in one morning.
        let chart = format!("G-{}", visit + 1);
        let lines = treatment_lines(visit + 1, text, &chart, "face", "EXO-HOSTILE");
        let out = ginza.run(&["--no-autostart", "send", &lines[0]]);
        let out = String::from_utf8_lossy(&out.stdout);
        if out.contains("\"ok\":false") {
            // Refused with a reason (empty, too long): nothing recorded.
            assert!(out.contains("\"error\""), "{}: {out}", case["case"]);
            continue;
        }
        visit += 1;
        send(&ginza, &lines[1..]);
    }
    assert!(visit > 30, "only {visit} names taken");
    wait_shipped(&pg, "ginza", &ginza);
    let own = ginza.ok(&[
        "--no-autostart",
        "trace-lot",
        "EXO-HOSTILE",
        "--format",
        "csv",
    ]);
    let theirs = group(&head, &pg, &["trace-lot", "EXO-HOSTILE", "--format", "csv"]);
    let want: Vec<String> = own
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("site,{l}")
            } else {
                format!("ginza,{l}")
            }
        })
        .collect();
    let have: Vec<&str> = theirs.lines().collect();
    assert_eq!(have, want);
    assert_eq!(have.len() as u64, visit + 1);
    for c in theirs.chars() {
        assert!(
            !c.is_control() || c == '\n' || c == '\r',
            "a control character {c:?} in the group CSV"
        );
    }
    let mut csv = csv::Reader::from_reader(theirs.as_bytes());
    for record in csv.records() {
        for field in record.expect("a CSV record").iter() {
            assert!(
                !flowboard::csv_out::is_formula(field),
                "a formula reaches the spreadsheet: {field}"
            );
        }
    }
}

/// A group database of an older flowboard (schema version 1, events
/// already shipped, no lot rows) migrates: `group migrate` folds the lot
/// rows of every visit shipped (with a progress line), and they are the
/// rows the shipper writes; `group trace-lot` finds what it found before.
/// A site whose events were shipped without rows (an older flowboard
/// still running there) is named by `group trace-lot` until its next
/// shipper of this version has folded them.
#[test]
fn a_group_database_of_schema_1_migrates_and_its_lot_rows_are_folded_from_its_events() {
    let Some((pg, head)) = head_office() else {
        return;
    };
    let mut ginza = branch(&pg, "ginza");
    let mut umeda = branch(&pg, "umeda");
    give_lot(&ginza, 1, "山田 花子", "G-100", "EXO-2611-07");
    give_lot(&ginza, 2, "田中 三郎", "G-101", "EXO-2611-09");
    send(&ginza, &[json!({"cmd": "correct", "visit": 2, "correction": {"field": "lot", "number": "EXO-2611-07"}, "reason": "misread the vial"}).to_string()]);
    give_lot(&umeda, 1, "佐藤 一郎", "U-200", "EXO-2611-07");
    wait_shipped(&pg, "ginza", &ginza);
    wait_shipped(&pg, "umeda", &umeda);
    let before = group(
        &head,
        &pg,
        &["trace-lot", "EXO-2611-07", "--format", "json"],
    );
    let rows_sql =
        "SELECT site, visit, seq, lot, at, row::text FROM administrations ORDER BY site, visit";
    let shipped_rows = pg.psql("flowboard", "flowboard", rows_sql);
    ginza.kill9();
    umeda.kill9();

    // Back to schema 1 as an older flowboard left it (its SQL is
    // migration 1, unchanged).
    pg.psql(
        "flowboard",
        "flowboard",
        "DROP TABLE administrations; ALTER TABLE sites DROP COLUMN folded_seq; DELETE FROM schema_version WHERE version = 2",
    );
    let refused = group_as(&head, &pg, "head_office", &["trace-lot", "EXO-2611-07"]);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("flowboard group migrate"), "{err}");

    let migrated = group_as(&head, &pg, "flowboard", &["migrate"]);
    assert!(migrated.status.success());
    let out = String::from_utf8_lossy(&migrated.stdout);
    assert!(out.contains("schema version 2 (applied [2])"), "{out}");
    let progress = String::from_utf8_lossy(&migrated.stderr);
    assert!(
        progress.contains("lot rows: site ginza (1 of 2)")
            && progress.contains("site umeda (2 of 2)"),
        "{progress}"
    );
    // The second part of README's rights: the lot rows.
    run_rights(&pg, &head, 1..2);
    assert_eq!(pg.psql("flowboard", "flowboard", rows_sql), shipped_rows);
    assert_eq!(
        group(
            &head,
            &pg,
            &["trace-lot", "EXO-2611-07", "--format", "json"]
        ),
        before
    );
    lot_rows_complete(&pg);

    // Events shipped without their rows: said, then folded by the
    // branch's next shipper.
    pg.psql(
        "flowboard",
        "flowboard",
        "DELETE FROM administrations WHERE site = 'ginza'; UPDATE sites SET folded_seq = 0 WHERE site = 'ginza'",
    );
    let lagging = group_as(&head, &pg, "head_office", &["trace-lot", "EXO-2611-07"]);
    let err = String::from_utf8_lossy(&lagging.stderr);
    assert!(err.contains("site ginza: its events 1 to"), "{err}");
    let status = group(&head, &pg, &["status"]);
    assert!(
        status.contains("lot rows up to event 0 only: events 1 to"),
        "{status}"
    );
    ginza.start();
    let deadline = Instant::now() + Duration::from_secs(60);
    while pg.psql("flowboard", "flowboard", rows_sql) != shipped_rows {
        assert!(Instant::now() < deadline, "the rows were not folded again");
        std::thread::sleep(Duration::from_millis(100));
    }
    lot_rows_complete(&pg);
    assert_eq!(
        group(
            &head,
            &pg,
            &["trace-lot", "EXO-2611-07", "--format", "json"]
        ),
        before
    );
    let status = group(&head, &pg, &["status"]);
    assert!(!status.contains("lot rows up to"), "{status}");
}

/// A batch shipped again after later ones (a retry after a crash, a
/// second server of the same site) inserts nothing and moves no lot row
/// back to an older fold: the rows stay what the whole log's fold says.
#[test]
fn a_batch_shipped_again_later_changes_no_lot_row() {
    let Some((pg, head)) = head_office() else {
        return;
    };
    let mut ginza = branch(&pg, "ginza");
    give_lot(&ginza, 1, "山田 花子", "G-100", "EXO-2611-07");
    send(&ginza, &[
        json!({"cmd": "record", "visit": 1, "entry": {"kind": "reaction", "reaction": "local", "signs": "redness", "action": "cold compress"}}).to_string(),
        json!({"cmd": "correct", "visit": 1, "correction": {"field": "lot", "number": "EXO-2611-08"}, "reason": "misread the vial"}).to_string(),
    ]);
    wait_shipped(&pg, "ginza", &ginza);
    let rows_sql = "SELECT visit, seq, lot, row::text FROM administrations WHERE site = 'ginza'";
    let rows = pg.psql("flowboard", "flowboard", rows_sql);
    assert!(
        rows.contains("EXO-2611-08") && rows.contains("local"),
        "{rows}"
    );
    let events_before = shipped(&pg, "ginza");
    ginza.kill9();

    // The events up to the start of administration (lot EXO-2611-07, no
    // reaction yet), shipped again as the branch's role.
    let store = flowboard::store::Store::open(&ginza.data().join("db")).expect("store");
    let all = store.events_after(0, 1000).expect("events");
    let start = all
        .iter()
        .position(|e| flowboard::store::LogRow::lot(e).is_some())
        .expect("the start of administration");
    let old = &all[..=start];
    let target = flowboard::group::Target {
        connection: pg.connection("branch_ginza"),
        tls: flowboard::config::GroupTls::Disable,
        ca_file: None,
    };
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(async {
            let mut client = flowboard::group::connect(&target, "test")
                .await
                .expect("connect");
            flowboard::group::ship::ship_batch(&mut client, "ginza", old)
                .await
                .expect("the old batch again");
        });
    assert_eq!(
        shipped(&pg, "ginza"),
        events_before,
        "nothing inserted twice"
    );
    assert_eq!(
        pg.psql("flowboard", "flowboard", rows_sql),
        rows,
        "no row moved back"
    );
    lot_rows_complete(&pg);
    assert!(group_trace(&head, &pg, "EXO-2611-07").is_empty());
    assert_eq!(group_trace(&head, &pg, "EXO-2611-08").len(), 1);
}
