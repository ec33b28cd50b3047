//! The queue: everyone in the clinic who is not on a bed, grouped by
//! stage (waiting, counselling, ready, injection, observation), each with
//! the time in the stage or, for an injection or an observation, the time
//! left. Only stages with someone in them are shown; the groups flow into
//! columns, and when they do not fit the queue pages.

use crate::ui::cell::Plain;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use crate::domain::Stage;
use crate::domain::text::width;
use crate::i18n::{stage_name, texts};
use crate::projection::WallPatient;
use crate::ui::cell::{cell, cell_right, clip};
use crate::ui::view::fmt::duration;
use crate::ui::view::style::{bold, dim, severity_style, symbol};
use crate::wall::Wall;

/// A column is never narrower than this.
const MIN_COL_W: u16 = 24;
/// Nor wider than this.
const MAX_COL_W: u16 = 44;
/// Columns are this far apart.
const GAP: u16 = 2;

/// The groups: each active stage with its patients not on a bed.
fn groups(wall: &Wall) -> Vec<(Stage, Vec<&WallPatient>)> {
    Stage::ACTIVE
        .iter()
        .map(|stage| {
            let group: Vec<&WallPatient> = wall
                .view
                .queue
                .iter()
                .filter(|v| v.stage == *stage)
                .collect();
            (*stage, group)
        })
        .filter(|(_, group)| !group.is_empty())
        .collect()
}

/// One line of a queue column.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Entry<'a> {
    Heading(Stage, usize),
    /// The same group, going on from the column before.
    Continued(Stage),
    Patient(&'a WallPatient),
}

/// The queue laid out: columns of entries (all pages), how many columns a
/// page shows and how wide they are.
struct Flow<'a> {
    columns: Vec<Vec<Entry<'a>>>,
    per_page: usize,
    col_w: u16,
}

/// Flows the groups into columns of at most `area.height` lines, like a
/// newspaper: one group a column when they all fit so, else balanced
/// columns; a group that goes on in the next column says so ("Waiting,
/// continued": its count is said once), and a heading never sits alone at
/// the foot of a column.
fn flow<'a>(groups: &[(Stage, Vec<&'a WallPatient>)], area: Rect) -> Flow<'a> {
    let height = usize::from(area.height).max(2);
    let max_cols = usize::from((area.width + GAP) / (MIN_COL_W + GAP)).max(1);
    let total: usize = groups.iter().map(|(_, g)| g.len() + 1).sum();
    let one_each = groups.len() <= max_cols && groups.iter().all(|(_, g)| g.len() < height);
    let per_page = if one_each {
        groups.len().max(1)
    } else {
        max_cols
    };
    let target = if one_each {
        height
    } else {
        total.div_ceil(per_page).clamp(2, height)
    };
    let mut columns: Vec<Vec<Entry<'a>>> = vec![Vec::new()];
    for (stage, group) in groups {
        let heading = Entry::Heading(*stage, group.len());
        let needs_new =
            |col: &Vec<Entry<'a>>| !col.is_empty() && (one_each || col.len() + 2 > target);
        if columns.last().is_some_and(needs_new) {
            columns.push(Vec::new());
        }
        if let Some(col) = columns.last_mut() {
            col.push(heading);
        }
        for v in group {
            if columns.last().is_some_and(|c| c.len() >= target) {
                columns.push(vec![Entry::Continued(*stage)]);
            }
            if let Some(col) = columns.last_mut() {
                col.push(Entry::Patient(v));
            }
        }
    }
    let n = u16::try_from(per_page).unwrap_or(1);
    // A name and its timer stay close enough to read as one line.
    let col_w = (area.width.saturating_sub((n - 1) * GAP) / n).min(MAX_COL_W);
    Flow {
        columns,
        per_page,
        col_w,
    }
}

/// How many pages the queue needs in `area`.
pub fn pages(wall: &Wall, area: Rect) -> usize {
    let f = flow(&groups(wall), area);
    f.columns.len().div_ceil(f.per_page).max(1)
}

pub fn render(frame: &mut Frame, area: Rect, wall: &Wall, now: DateTime<Utc>, page: usize) {
    if area.height == 0 {
        return;
    }
    let t = texts(wall.lang);
    let groups = groups(wall);
    if groups.is_empty() {
        let line = Line::styled(
            cell(
                &format!(" {}", t.wall.nobody_waiting),
                usize::from(area.width),
            ),
            dim(),
        );
        frame.render_widget(Plain::new(line), area);
        return;
    }
    let f = flow(&groups, area);
    let pages = f.columns.len().div_ceil(f.per_page).max(1);
    let first = (page % pages) * f.per_page;
    let w = usize::from(f.col_w);
    for (i, column) in f.columns.iter().skip(first).take(f.per_page).enumerate() {
        let x = area.x + u16::try_from(i).unwrap_or(0) * (f.col_w + GAP);
        let rect = Rect {
            x,
            width: f.col_w,
            ..area
        };
        let lines: Vec<Line> = column
            .iter()
            .map(|entry| match entry {
                Entry::Heading(stage, n) => Line::styled(
                    cell(&format!("{} ({n})", stage_name(wall.lang, *stage)), w),
                    bold().add_modifier(Modifier::UNDERLINED),
                ),
                Entry::Continued(stage) => Line::styled(
                    cell(
                        &t.wall
                            .continued
                            .replace("{s}", stage_name(wall.lang, *stage)),
                        w,
                    ),
                    dim().add_modifier(Modifier::UNDERLINED),
                ),
                Entry::Patient(v) => row(wall, now, v, w),
            })
            .collect();
        frame.render_widget(Plain::new(lines), rect);
    }
}

/// `!! T.Y. #8      44:02`: severity mark, label, timer on the right.
fn row(wall: &Wall, now: DateTime<Utc>, v: &WallPatient, w: usize) -> Line<'static> {
    let t = &texts(wall.lang).wall;
    let timer = v.timer(now);
    let mark = v.alert.map_or("", symbol);
    let style = v.alert.map_or(ratatui::style::Style::new(), severity_style);
    let label = wall.label(v);
    // A drip patient waiting for a bed reads their estimated wait (never
    // an estimate the board cannot give); the others their time.
    let busy = &texts(wall.lang).busy;
    let wait = v.wait_minutes.map(|n| match n {
        0 => busy.wait_soon.to_string(),
        n => busy.wait_about.replace("{n}", &n.to_string()),
    });
    let short = match (&wait, timer.remaining_secs) {
        (Some(wait), _) => wait.clone(),
        // An observation until symptom-free has no end to count to.
        (None, None) if v.stage == Stage::Observation => t.until_symptom_free.to_string(),
        (None, None) => duration(timer.elapsed_secs),
        (None, Some(left)) if left >= 0 => duration(left),
        (None, Some(over)) => format!("+{}", duration(over)),
    };
    // The word (left / over) when there is room for it.
    let long = match timer.remaining_secs {
        _ if wait.is_some() => short.clone(),
        None => short.clone(),
        Some(left) if left >= 0 => format!("{short} {}", t.left),
        Some(_) if v.stage == Stage::Observation => format!("{short} {}", t.done),
        Some(_) => format!("{short} {}", t.over),
    };
    let fixed = 3 + width(&label) + 1;
    let time = if fixed + width(&long) <= w {
        long
    } else {
        short
    };
    let time_w = width(&time);
    let label_w = w.saturating_sub(3 + time_w + 1);
    Line::from(vec![
        Span::styled(cell(mark, 3), style),
        Span::raw(cell(&label, label_w)),
        Span::raw(clip(" ", w.saturating_sub(3 + label_w))),
        Span::styled(cell_right(&time, w.saturating_sub(3 + label_w + 1)), style),
    ])
}
