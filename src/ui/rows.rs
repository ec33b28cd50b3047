//! Which visits the board lists and in what order: the day's visits
//! (`snapshot::on_board`), narrowed by the filter, grouped by stage. The
//! key handling and the view both read this, so `j` moves to the row the
//! screen shows next.

use chrono::{DateTime, Utc};

use super::forms::treatment_label;
use crate::config::Config;
use crate::domain::{Board, Stage, Visit};
use crate::i18n::Lang;
use crate::snapshot::on_board;

/// One line of the board.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Row<'a> {
    /// The heading of a stage group, with how many are in it.
    Stage {
        stage: Stage,
        count: usize,
    },
    Visit(&'a Visit),
}

/// The visits listed, in screen order (active stages first, in flow order;
/// the ones who left at the end).
pub fn visible<'a>(
    board: &'a Board,
    config: &Config,
    filter: &str,
    now: DateTime<Utc>,
) -> Vec<&'a Visit> {
    let needle = filter.trim().to_lowercase();
    on_board(board, config, now)
        .into_iter()
        .filter(|v| needle.is_empty() || matches(v, config, &needle))
        .collect()
}

/// Whether a visit matches a lower-cased filter: name, ticket, chart
/// number, or treatment (id or label in either language).
fn matches(visit: &Visit, config: &Config, needle: &str) -> bool {
    let mut haystack = vec![
        visit.name.to_lowercase(),
        visit.ticket.to_string(),
        visit.treatment.to_lowercase(),
        treatment_label(config, Lang::En, &visit.treatment).to_lowercase(),
        treatment_label(config, Lang::Ja, &visit.treatment).to_lowercase(),
    ];
    if let Some(chart) = &visit.chart_no {
        haystack.push(chart.to_lowercase());
    }
    haystack.iter().any(|h| h.contains(needle))
}

/// The rows of the board: a heading before each non-empty stage.
pub fn grouped<'a>(visits: &[&'a Visit]) -> Vec<Row<'a>> {
    let mut rows = Vec::with_capacity(visits.len() + Stage::ALL.len());
    for stage in Stage::ALL {
        let group: Vec<&Visit> = visits
            .iter()
            .copied()
            .filter(|v| v.stage == stage)
            .collect();
        if group.is_empty() {
            continue;
        }
        rows.push(Row::Stage {
            stage,
            count: group.len(),
        });
        rows.extend(group.into_iter().map(Row::Visit));
    }
    rows
}
