//! The group commands of the command line (head office, reading the
//! group's PostgreSQL), in the branch commands' formats with the site
//! first: `group trace-lot`, `group report day`, `group report reactions`,
//! `group status`, `group migrate`, `group board`.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use serde::Serialize;

use super::read::{self, SiteVisit};
use super::{GroupError, Target, connect, schema};
use crate::config::Config;
use crate::records::{self, Format, Outcome, Output, RecordsError, Sink, Sited};
use crate::report;

fn failed(e: GroupError) -> RecordsError {
    RecordsError::Failed(format!("the group database: {}", e.line()))
}

async fn client(target: &Target) -> Result<tokio_postgres::Client, RecordsError> {
    let mut client = connect(target, "flowboard-group").await.map_err(failed)?;
    let found = schema::version(&client).await.map_err(failed)?;
    if found != schema::VERSION {
        // A reader may not migrate: say what to do.
        if found > schema::VERSION {
            return Err(failed(GroupError::Schema(format!(
                "schema version {found} is newer than this flowboard understands ({}): upgrade flowboard",
                schema::VERSION
            ))));
        }
        schema::ensure(&mut client).await.map_err(failed)?;
    }
    Ok(client)
}

/// `flowboard group migrate`: creates or migrates the tables (as the
/// database's owner).
pub async fn migrate(target: &Target) -> Outcome {
    let mut client = connect(target, "flowboard-migrate").await.map_err(failed)?;
    let mut progress = |line: &str| eprintln!("flowboard: migrating: {line}");
    let applied = schema::migrate(&mut client, &mut progress)
        .await
        .map_err(failed)?;
    if applied.is_empty() {
        println!(
            "the group database is at schema version {} already",
            schema::VERSION
        );
    } else {
        println!(
            "the group database is at schema version {} (applied {:?})",
            schema::VERSION,
            applied
        );
    }
    Ok(())
}

/// `flowboard group trace-lot LOT`.
pub async fn trace_lot(
    target: &Target,
    config: &Config,
    lot: &str,
    format: Format,
    out: &mut Output,
) -> Outcome {
    let client = client(target).await?;
    let lot = crate::domain::text::lot_number(lot);
    let lot = lot.as_str();
    let (found, unfolded) = super::lots::trace(&client, lot).await.map_err(failed)?;
    for u in &unfolded {
        eprintln!(
            "flowboard: site {}: its events {} to {} are not in the lot rows yet (shipped by an older flowboard); they are folded when the branch ships with this version",
            u.site,
            u.folded_seq + 1,
            u.last_seq
        );
    }
    let rows: Vec<Sited<report::LotRow>> = found
        .into_iter()
        .map(|(site, a)| Sited {
            site,
            row: a.row(config),
        })
        .collect();
    let sites: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.site.as_str()).collect();
    let mut sink = Sink::new(out, format, false)?;
    if rows.is_empty() {
        sink.text(&format!(
            "no administration of lot {lot:?} is on record in any branch\n"
        ))?;
    } else {
        sink.text(&format!(
            "Lot {lot}: {} administrations in {} branches\n",
            rows.len(),
            sites.len()
        ))?;
    }
    sink.sited_rows(&rows, |r| {
        format!("{}  {}", r.site, records::lot_line(config, &r.row))
    })?;
    sink.finish()?;
    out.finish()?;
    Ok(())
}

/// `flowboard group report day --date D`: each site's day report, then
/// the total over every site.
pub async fn report_day(
    target: &Target,
    config: &Config,
    date: Option<NaiveDate>,
    format: Format,
    out: &mut Output,
) -> Outcome {
    let date = date.unwrap_or_else(|| Utc::now().with_timezone(&config.timezone).date_naive());
    let (from, to) = records::days(config, date, date)?;
    let client = client(target).await?;
    let visits = read::visits_between(&client, from, to)
        .await
        .map_err(failed)?;
    let mut by_site: BTreeMap<String, Vec<crate::domain::Visit>> = BTreeMap::new();
    for v in &visits {
        by_site
            .entry(v.site.clone())
            .or_default()
            .push(v.visit.clone());
    }
    let all: Vec<crate::domain::Visit> = visits.into_iter().map(|v| v.visit).collect();
    let total = report::day(&all, config, date, Utc::now());
    match format {
        Format::Json => {
            #[derive(Serialize)]
            struct Group {
                date: NaiveDate,
                sites: BTreeMap<String, report::DayReport>,
                total: report::DayReport,
            }
            let sites = by_site
                .iter()
                .map(|(site, v)| (site.clone(), report::day(v, config, date, Utc::now())))
                .collect();
            let mut json = serde_json::to_vec_pretty(&Group { date, sites, total })
                .map_err(std::io::Error::other)?;
            json.push(b'\n');
            std::io::Write::write_all(out, &json)?;
            out.finish()?;
            Ok(())
        }
        _ => {
            for (site, v) in &by_site {
                let r = report::day(v, config, date, Utc::now());
                records::write_day(&r, &format!("site {site}"), date, format, out)?;
                if format == Format::Text {
                    std::io::Write::write_all(out, b"\n")?;
                }
            }
            records::write_day(
                &total,
                &format!("all {} sites", by_site.len()),
                date,
                format,
                out,
            )
        }
    }
}

/// `flowboard group report reactions --from D --to D`.
pub async fn report_reactions(
    target: &Target,
    config: &Config,
    from: NaiveDate,
    to: NaiveDate,
    format: Format,
    out: &mut Output,
) -> Outcome {
    let (start, end) = records::days(config, from, to)?;
    let client = client(target).await?;
    let visits = read::visits_with_reactions(&client, start, end)
        .await
        .map_err(failed)?;
    let mut rows: Vec<Sited<report::ReactionRow>> = visits
        .iter()
        .flat_map(|SiteVisit { site, visit }| {
            report::reactions(std::slice::from_ref(visit))
                .into_iter()
                .filter(|r| r.at >= start && r.at < end)
                .map(|row| Sited {
                    site: site.clone(),
                    row,
                })
        })
        .collect();
    rows.sort_by(|a, b| (a.row.at, &a.site).cmp(&(b.row.at, &b.site)));
    let mut sink = Sink::new(out, format, false)?;
    sink.text(&format!(
        "Reactions {from} to {to} in every branch: {}\n",
        rows.len()
    ))?;
    sink.sited_rows(&rows, |r| {
        format!("{}  {}", r.site, records::reaction_line(config, &r.row))
    })?;
    sink.finish()?;
    out.finish()?;
    Ok(())
}

/// `flowboard group status`: every site PostgreSQL knows (last shipped
/// event, its time, the lag behind now, last contact, last error), and
/// this branch's own shipper when a server answers here.
pub async fn status(
    target: Option<&Target>,
    config: &Config,
    local: Option<crate::group::ship::ShipStatus>,
    json: bool,
) -> Outcome {
    let mut problems = Vec::new();
    let sites = match target {
        Some(target) => match client(target).await {
            Ok(client) => match read::sites(&client).await {
                Ok(sites) => sites,
                Err(e) => {
                    problems.push(failed(e).to_string());
                    Vec::new()
                }
            },
            Err(e) => {
                problems.push(e.to_string());
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    let now = Utc::now();
    if json {
        let value = serde_json::json!({
            "sites": sites,
            "branch": local,
            "errors": problems,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&value).map_err(std::io::Error::other)?
        );
        return Ok(());
    }
    let ago = |t: Option<chrono::DateTime<Utc>>| {
        t.map_or("-".to_string(), |t| {
            format!(
                "{} ({} ago)",
                records::local(config, t),
                minutes((now - t).num_seconds())
            )
        })
    };
    println!("site             last event  recorded at               last contact");
    for s in &sites {
        println!(
            "{:<16} {:>10}  {:<25} {}",
            crate::domain::text::fit(&s.site, 16),
            s.last_seq,
            ago(s.last_event_at),
            ago(s.last_contact)
        );
        if let Some(e) = &s.last_error {
            println!("                 last error: {e}");
        }
        if s.folded_seq < s.last_seq {
            println!(
                "                 lot rows up to event {} only: events {} to {} were shipped by an older flowboard; group trace-lot does not see them until the branch ships with this version",
                s.folded_seq,
                s.folded_seq + 1,
                s.last_seq
            );
        }
    }
    if let Some(b) = &local {
        println!(
            "\nthis branch ({}): {} of {} events shipped, lag {}, {}",
            b.site,
            b.shipped_seq,
            b.durable_seq,
            minutes(b.lag(now).num_seconds()),
            if b.connected {
                "connected"
            } else {
                "not connected"
            }
        );
        if let (Some(e), Some(at)) = (&b.last_error, b.last_error_at) {
            println!("  last error at {}: {e}", records::local(config, at));
        }
    }
    for p in &problems {
        println!("\n{p}");
    }
    if sites.is_empty() && local.is_none() {
        return Err(RecordsError::Failed(
            "no group status: give the group's connection ([group] in config.toml or --connection)"
                .into(),
        ));
    }
    Ok(())
}

/// Seconds as a short duration: `0s`, `4m 10s`, `2h 5m`.
fn minutes(secs: i64) -> String {
    let secs = secs.max(0);
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m {}s", s / 60, s % 60),
        s => format!("{}h {}m", s / 3600, (s % 3600) / 60),
    }
}

/// `flowboard group board`: every branch now, redrawn when a branch ships
/// (LISTEN/NOTIFY). `plain`: the table printed again at each change, for
/// a script or a log (no terminal needed).
pub async fn board(
    target: &Target,
    config: &Config,
    lang: crate::i18n::Lang,
    plain: bool,
) -> Outcome {
    use super::board as group_board;
    if plain {
        let mut backoff = std::time::Duration::from_secs(1);
        loop {
            match group_board::listen(target).await {
                Ok((client, mut notes)) => {
                    backoff = std::time::Duration::from_secs(1);
                    loop {
                        let sites = group_board::now_at(&client, config, Utc::now())
                            .await
                            .map_err(failed)?;
                        let mut text =
                            group_board::lines(&sites, config, lang, Utc::now()).join("\n");
                        text.push_str("\n\n");
                        std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes())?;
                        std::io::Write::flush(&mut std::io::stdout().lock())?;
                        if !group_board::next_change(&mut notes).await {
                            eprintln!(
                                "flowboard: the group database's connection was lost; reconnecting"
                            );
                            break;
                        }
                    }
                }
                Err(e) => eprintln!("flowboard: the group database: {}; retrying", e.line()),
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(std::time::Duration::from_secs(30));
        }
    }
    screen(target, config, lang).await
}

/// The full-screen group board (ratatui): q or Esc leaves.
async fn screen(target: &Target, config: &Config, lang: crate::i18n::Lang) -> Outcome {
    use super::board as group_board;
    use ratatui::crossterm::event::{self, Event, KeyCode, KeyModifiers};
    use ratatui::widgets::Paragraph;
    let (keys_tx, mut keys) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        while let Ok(ev) = event::read() {
            if keys_tx.send(ev).is_err() {
                return;
            }
        }
    });
    let mut terminal = ratatui::try_init()?;
    let mut lines = vec!["connecting to the group database...".to_string()];
    let result: Outcome = async {
        let mut conn = None;
        loop {
            if conn.is_none() {
                match group_board::listen(target).await {
                    Ok((client, notes)) => {
                        let sites = group_board::now_at(&client, config, Utc::now())
                            .await
                            .map_err(failed)?;
                        lines = group_board::lines(&sites, config, lang, Utc::now());
                        conn = Some((client, notes));
                    }
                    Err(e) => lines = vec![format!("the group database: {}; retrying", e.line())],
                }
            }
            let shown: Vec<ratatui::text::Line> = lines
                .iter()
                .map(|l| ratatui::text::Line::raw(l.clone()))
                .collect();
            terminal.draw(|f| f.render_widget(Paragraph::new(shown), f.area()))?;
            tokio::select! {
                changed = async {
                    match conn.as_mut() {
                        Some((_, notes)) => group_board::next_change(notes).await,
                        None => {
                            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                            false
                        }
                    }
                } => {
                    match (changed, conn.as_ref()) {
                        (true, Some((client, _))) => {
                            let sites = group_board::now_at(client, config, Utc::now())
                                .await
                                .map_err(failed)?;
                            lines = group_board::lines(&sites, config, lang, Utc::now());
                        }
                        _ => conn = None,
                    }
                }
                key = keys.recv() => match key {
                    Some(Event::Key(k)) if matches!(k.code, KeyCode::Char('q') | KeyCode::Esc)
                        || (k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL)) => return Ok(()),
                    None => return Ok(()),
                    _ => {}
                },
            }
        }
    }
    .await;
    ratatui::restore();
    result
}
