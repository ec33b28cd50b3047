//! The bed map: one card per bed, in the config's order. A card names the
//! bed and who lies there (masked), and shows the time left of the drip or
//! of the observation in digits as large as the screen allows; a free bed
//! says so, and so does a bed being cleaned. A patient who asked not to be
//! shown is only "in use" (with the level of their alert, nothing more). When the beds do not fit, they page with the queue.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::Line;

use super::digits;
use crate::domain::Stage;
use crate::domain::text::width;
use crate::i18n::texts;
use crate::projection::{BedUse, WallBed};
use crate::ui::cell::{Plain, cell, clean, clip};
use crate::ui::view::style::{bold, dim, severity_style, symbol};
use crate::wall::Wall;

/// A card is never narrower than this.
const MIN_CARD_W: u16 = 18;
/// The timer a card is sized for; a longer one (a drip of 100 minutes or
/// more) is drawn at a smaller scale when it would not fit.
const WIDEST: &str = "88:88";

/// How the bed map is laid out in the room it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub per_row: usize,
    pub card_w: u16,
    pub card_h: u16,
    /// Scale of the large digits; 0: plain text.
    pub scale: usize,
    /// Rows of cards on one page.
    pub rows: usize,
    pub pages: usize,
    pub beds: usize,
}

impl Plan {
    pub fn height(&self) -> u16 {
        let rows = u16::try_from(self.rows).unwrap_or(0);
        rows * self.card_h
    }
}

/// The largest cards that fit `beds` beds in `width` x `budget` rows.
pub fn plan(beds: usize, width: u16, budget: u16) -> Plan {
    let per_row = usize::from((width / MIN_CARD_W).max(1)).min(beds.max(1));
    let n = u16::try_from(per_row).unwrap_or(1);
    let card_w = (width.saturating_sub(n - 1)) / n;
    let rows_needed = beds.div_ceil(per_row);
    let fits = |card_h: u16| usize::from(budget / card_h.max(1)) >= rows_needed;
    for scale in [3, 2, 1] {
        let card_h = 2 + u16::try_from(digits::ROWS * scale).unwrap_or(u16::MAX);
        let wide_enough = digits::width(WIDEST, scale) + 2 <= usize::from(card_w);
        if wide_enough && fits(card_h) {
            return Plan {
                per_row,
                card_w,
                card_h,
                scale,
                rows: rows_needed,
                pages: 1,
                beds,
            };
        }
    }
    // Plain cards of three lines; page when even they do not fit.
    let rows = usize::from(budget / 3).clamp(1, rows_needed.max(1));
    Plan {
        per_row,
        card_w,
        card_h: 3,
        scale: 0,
        rows,
        pages: rows_needed.div_ceil(rows).max(1),
        beds,
    }
}

/// `mm:ss` with all the minutes (a long drip shows 120:00, not 2:00:00).
fn minutes(secs: i64) -> String {
    let secs = secs.abs();
    format!("{:02}:{:02}", secs / 60, secs % 60)
}

pub fn render(
    frame: &mut Frame,
    area: Rect,
    wall: &Wall,
    now: DateTime<Utc>,
    plan: &Plan,
    page: usize,
) {
    if plan.beds == 0 || area.height == 0 {
        return;
    }
    let per_page = plan.per_row * plan.rows;
    let first = (page % plan.pages) * per_page;
    let beds = wall.view.beds.iter().skip(first).take(per_page);
    for (i, bed) in beds.enumerate() {
        let (row, col) = (i / plan.per_row, i % plan.per_row);
        let x = area.x + u16::try_from(col).unwrap_or(0) * (plan.card_w + 1);
        let y = area.y + u16::try_from(row).unwrap_or(0) * plan.card_h;
        let card = Rect {
            x,
            y,
            width: plan.card_w,
            height: plan.card_h,
        }
        .intersection(area);
        card_lines(frame, card, wall, now, bed, plan.scale);
    }
}

fn card_lines(
    frame: &mut Frame,
    card: Rect,
    wall: &Wall,
    now: DateTime<Utc>,
    bed: &WallBed,
    scale: usize,
) {
    let t = &texts(wall.lang).wall;
    let busy = &texts(wall.lang).busy;
    let w = usize::from(card.width);
    let h = usize::from(card.height);
    let bed_name = t.bed.replace("{b}", &clean(&bed.bed));
    let Some(v) = bed.patient.as_ref() else {
        // Free, being cleaned, or in use by someone not shown: one line.
        let (word, style) = match bed.state {
            BedUse::Free => (t.free.to_string(), dim().add_modifier(Modifier::BOLD)),
            BedUse::Cleaning => (busy.wall_cleaning.to_string(), bold()),
            BedUse::Occupied => {
                let mark = bed
                    .alert
                    .map_or(String::new(), |severity| format!("{} ", symbol(severity)));
                (
                    format!("{mark}{}", busy.wall_occupied),
                    bed.alert.map_or(bold(), severity_style),
                )
            }
        };
        let mut lines = vec![Line::styled(
            cell(&format!(" {bed_name}  {word}"), w),
            style,
        )];
        lines.extend((1..h).map(|_| Line::raw(" ".repeat(w))));
        frame.render_widget(Plain::new(lines), card);
        return;
    };
    let label = wall.label(v);
    let title = Line::styled(
        cell(&format!(" {bed_name}  {label}"), w),
        bold().add_modifier(Modifier::REVERSED),
    );
    let timer = v.timer(now);
    let style = v.alert.map_or(bold(), severity_style);
    let state = if v.stage == Stage::Administration {
        t.treating
    } else {
        t.resting
    };
    let mark = v
        .alert
        .map_or(String::new(), |severity| format!("{} ", symbol(severity)));
    // No countdown to show (an observation until symptom-free): the word,
    // never a 00:00 that would read "finished".
    let Some(remaining) = timer.remaining_secs else {
        let mut lines = vec![title];
        let middle = h.saturating_sub(2) / 2;
        lines.extend((1..=middle).map(|_| Line::raw(" ".repeat(w))));
        lines.push(Line::styled(centred(t.until_symptom_free, w), style));
        while lines.len() + 1 < h {
            lines.push(Line::raw(" ".repeat(w)));
        }
        lines.push(Line::styled(centred(&format!("{mark}{state}"), w), style));
        lines.truncate(h);
        frame.render_widget(Plain::new(lines), card);
        return;
    };
    let over = remaining < 0;
    let time = minutes(remaining);
    let status = {
        // An observation past its time is done, not late.
        let word = match (over, v.stage) {
            (true, Stage::Observation) => t.done,
            (true, _) => t.over,
            (false, _) => t.left,
        };
        format!("{mark}{state} - {word}")
    };
    let mut lines = vec![title];
    let signed = format!("+{time}");
    let text = if over && digits::width(&signed, scale.max(1)) + 2 <= w {
        signed
    } else {
        time
    };
    let fits = (1..=scale)
        .rev()
        .find(|s| digits::width(&text, *s) + 2 <= w);
    match fits {
        Some(s) => {
            let rows = digits::render(&text, s);
            // A smaller scale than planned sits in the middle of the card.
            let pad = (digits::ROWS * scale - rows.len()) / 2;
            lines.extend((0..pad).map(|_| Line::raw(" ".repeat(w))));
            for row in rows {
                lines.push(Line::styled(centred(&row, w), style));
            }
            let used = lines.len();
            lines.extend((used..1 + digits::ROWS * scale).map(|_| Line::raw(" ".repeat(w))));
        }
        None => {
            let sign = if over && !text.starts_with('+') {
                "+"
            } else {
                ""
            };
            lines.push(Line::styled(centred(&format!("{sign}{text}"), w), style));
        }
    }
    lines.push(Line::styled(centred(&status, w), style));
    lines.truncate(h);
    frame.render_widget(Plain::new(lines), card);
}

/// `text` centred in exactly `w` columns.
fn centred(text: &str, w: usize) -> String {
    let text = clip(text, w);
    let left = (w - width(&text)) / 2;
    cell(&format!("{}{text}", " ".repeat(left)), w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_beds_on_an_80_column_wall_get_large_digits_in_one_row() {
        let p = plan(4, 80, 12);
        assert_eq!((p.per_row, p.rows, p.scale, p.pages), (4, 1, 1, 1));
        assert_eq!(p.card_h, 7);
    }

    #[test]
    fn a_big_wall_gets_bigger_digits() {
        let p = plan(4, 240, 38);
        assert!(p.scale >= 2, "{p:?}");
    }

    #[test]
    fn many_beds_on_a_small_wall_page() {
        let p = plan(12, 80, 6);
        assert_eq!(p.scale, 0);
        assert_eq!(p.per_row, 4);
        assert_eq!((p.rows, p.pages), (2, 2));
    }

    #[test]
    fn long_drips_show_all_their_minutes() {
        assert_eq!(minutes(7200), "120:00");
        assert_eq!(minutes(-185), "03:05");
    }
}
