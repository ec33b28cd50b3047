//! The nurses' patients now (`N`): each nurse with the patients they
//! treat and observe, and how many drips at once against the clinic's
//! limit (DOMAIN.md "During a drip and after it": about three patients
//! per nurse at any one time).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::style::{BORDER, bold, centered, clear_popup, dim, severity_style, symbol};
use crate::domain::Severity;
use crate::domain::caseload::caseloads;
use crate::i18n::texts;
use crate::ui::app::App;
use crate::ui::cell::{cell, clean, clip};

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let t = texts(app.lang);
    let b = &t.busy;
    let popup = centered(
        area,
        area.width.saturating_sub(2).min(90),
        area.height.saturating_sub(2),
    );
    clear_popup(frame, popup);
    let block = Block::bordered()
        .border_set(BORDER)
        .title(Span::styled(format!(" {} ", b.caseload_title), bold()));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    };
    let w = usize::from(inner.width);
    let loads = caseloads(&app.board, &app.config);
    let limit = app.config.caseload.max_drips_per_nurse;
    let word_w = crate::domain::text::width(b.caseload_administration)
        .max(crate::domain::text::width(b.caseload_observation));
    let mut lines = Vec::new();
    if loads.is_empty() {
        lines.push(Line::styled(cell(b.caseload_none, w), dim()));
    }
    for load in &loads {
        // The staff list's name beside the initials.
        let named = load.initials.as_deref().and_then(|i| {
            app.config
                .staff
                .iter()
                .find(|m| m.initials == i)
                .map(|m| (m.name.as_str(), i))
        });
        let who = match named {
            Some((name, i)) if name != i => format!("{} ({})", clean(name), clean(i)),
            _ => clean(&load.nurse),
        };
        let drips = b
            .caseload_drips
            .replace("{n}", &load.drips.to_string())
            .replace("{m}", &limit.to_string());
        let mut spans = vec![Span::styled(format!("{who}  "), bold()), Span::raw(drips)];
        if load.over {
            spans.push(Span::styled(
                format!("  {} {}", symbol(Severity::Warning), b.caseload_over),
                severity_style(Severity::Warning),
            ));
        }
        lines.push(Line::from(spans));
        for (word, visits) in [
            (b.caseload_administration, &load.administration),
            (b.caseload_observation, &load.observation),
        ] {
            if visits.is_empty() {
                continue;
            }
            for (i, v) in visits
                .iter()
                .filter_map(|id| app.board.visit(*id))
                .enumerate()
            {
                let bed = v.bed.as_deref().map_or(String::new(), |bed| {
                    format!("  {} {}", t.col_bed, clean(bed))
                });
                let head = if i == 0 { word } else { "" };
                lines.push(Line::raw(clip(
                    &format!(
                        "  {}  #{} {}{bed}",
                        cell(head, word_w),
                        v.ticket_text(),
                        clean(&v.name)
                    ),
                    w,
                )));
            }
        }
        lines.push(Line::raw(""));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
