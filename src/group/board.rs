//! `flowboard group board`: every branch now, read-only, from the group's
//! PostgreSQL: per site the patients in each stage, the beds in use, and
//! any emergency. Kept live by LISTEN/NOTIFY (each shipped batch notifies
//! its site), never by polling: with nothing shipped it reads nothing.
//!
//! What a site shows is computed by the domain from the visits shipped
//! (the same `on_board` and `alerts` as the branch's own board), with head
//! office's config for the clock and the clinical thresholds.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use super::{GroupError, Target, read, schema};
use crate::config::Config;
use crate::domain::{AlertCode, Board, Stage};
use crate::i18n::{Lang, stage_name};

/// One branch now.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SiteNow {
    pub site: String,
    /// Patients in each active stage (`Stage::ACTIVE` order).
    pub stages: Vec<(Stage, usize)>,
    /// Beds in use (a patient still in the clinic on a bed, as the
    /// branch's board counts them).
    pub beds_in_use: usize,
    /// Patients in an emergency (anaphylaxis response running).
    pub emergencies: usize,
}

/// How far back a visit still in the clinic is looked for.
const WINDOW_HOURS: i64 = 36;

/// Every branch as it is at `now`.
pub async fn now_at(
    client: &tokio_postgres::Client,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Vec<SiteNow>, GroupError> {
    let since = now - chrono::Duration::hours(WINDOW_HOURS);
    let visits = read::visits_between(client, since, now + chrono::Duration::days(1)).await?;
    let mut boards: BTreeMap<String, Board> = BTreeMap::new();
    for site in read::sites(client).await? {
        boards.entry(site.site).or_default();
    }
    for v in visits {
        boards
            .entry(v.site)
            .or_default()
            .visits
            .insert(v.visit.id, v.visit);
    }
    Ok(boards
        .into_iter()
        .map(|(site, board)| summarise(site, &board, config, now))
        .collect())
}

/// A site's line, from its visits (pure).
pub fn summarise(site: String, board: &Board, config: &Config, now: DateTime<Utc>) -> SiteNow {
    let visits = crate::snapshot::on_board(board, config, now);
    let stages = Stage::ACTIVE
        .iter()
        .map(|s| (*s, visits.iter().filter(|v| v.stage == *s).count()))
        .collect();
    let beds_in_use = board
        .visits
        .values()
        .filter(|v| v.stage.is_active() && v.bed.is_some())
        .count();
    let emergencies = crate::domain::alerts(board, config, now)
        .iter()
        .filter(|a| a.code == AlertCode::Emergency)
        .count();
    SiteNow {
        site,
        stages,
        beds_in_use,
        emergencies,
    }
}

/// The table's lines (each wholly in `lang`): site, emergencies, beds in
/// use, then the patients in each stage (the emergency first: on a
/// narrow terminal the last columns are the ones cut). Columns are as
/// wide as their heading in display cells (Japanese takes two).
pub fn lines(sites: &[SiteNow], config: &Config, lang: Lang, now: DateTime<Utc>) -> Vec<String> {
    use crate::domain::text::{fit, sanitize, width};
    let clock = now.with_timezone(&config.timezone).format("%Y-%m-%d %H:%M");
    let (title, site, beds, emergency, none) = match lang {
        Lang::En => (
            format!("group board {clock}, {} sites", sites.len()),
            "site",
            "beds",
            "emergency",
            "no site has shipped yet",
        ),
        Lang::Ja => (
            format!("グループボード {clock} {} 拠点", sites.len()),
            "拠点",
            "使用ベッド",
            "緊急",
            "まだどの拠点からも届いていません",
        ),
    };
    let mut headings = vec![emergency.to_string(), beds.to_string()];
    headings.extend(
        Stage::ACTIVE
            .iter()
            .map(|s| stage_name(lang, *s).to_string()),
    );
    let widths: Vec<usize> = headings.iter().map(|h| width(h).max(3)).collect();
    const SITE: usize = 12;
    let mut out = vec![title];
    let mut head = fit(site, SITE);
    for (h, w) in headings.iter().zip(&widths) {
        head.push(' ');
        head.push_str(&fit(h, *w));
    }
    out.push(head.trim_end().to_string());
    if sites.is_empty() {
        out.push(none.to_string());
    }
    for s in sites {
        let mut values = vec![s.emergencies, s.beds_in_use];
        values.extend(s.stages.iter().map(|(_, n)| *n));
        let mut line = fit(&sanitize(&s.site), SITE);
        for (n, w) in values.iter().zip(&widths) {
            line.push(' ');
            line.push_str(&fit(&n.to_string(), *w));
        }
        out.push(line.trim_end().to_string());
    }
    out
}

/// Connects and LISTENs; returns the client and the notifications (one
/// site name per shipped batch).
pub async fn listen(
    target: &Target,
) -> Result<(tokio_postgres::Client, mpsc::UnboundedReceiver<String>), GroupError> {
    let (client, notes) = super::connect_listening(target, "flowboard-group-board").await?;
    client
        .batch_execute(&format!("LISTEN {}", schema::CHANNEL))
        .await?;
    Ok((client, notes))
}

/// Waits for the next notification, then takes those that follow within
/// a moment (a busy minute redraws a few times, not once per batch).
/// `false`: the connection is gone.
pub async fn next_change(notes: &mut mpsc::UnboundedReceiver<String>) -> bool {
    if notes.recv().await.is_none() {
        return false;
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    while notes.try_recv().is_ok() {}
    true
}
