//! Colours as the terminal can show them. Styles are written once, in full
//! colour; a final pass over the drawn buffer brings them down to what the
//! terminal in front of us can show:
//!
//! * `Full` — xterm-256color, tmux-256color and friends;
//! * `Basic8` — the Linux console a small wall computer boots into
//!   (`TERM=linux`), `screen`, `vt100`: the eight basic colours only, no
//!   grey, no italics (dimmed text becomes plain text);
//! * `Mono` — `NO_COLOR` (https://no-color.org): no colour at all.
//!
//! Severity never depends on colour: every alert carries a symbol and a
//! word, the selection is reverse video, and both survive every palette.

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Palette {
    #[default]
    Full,
    Basic8,
    Mono,
}

impl Palette {
    /// The palette for a terminal: `term` is `$TERM`, `no_color` whether
    /// `$NO_COLOR` is set to a non-empty value.
    pub fn detect(term: Option<&str>, no_color: bool) -> Palette {
        if no_color {
            return Palette::Mono;
        }
        let term = term.unwrap_or("");
        if term.is_empty() || term == "dumb" {
            return Palette::Mono;
        }
        let rich = term.contains("256color")
            || term.contains("truecolor")
            || term.contains("direct")
            || term.starts_with("alacritty")
            || term.starts_with("kitty")
            || term.starts_with("wezterm")
            || term.starts_with("foot");
        if rich { Palette::Full } else { Palette::Basic8 }
    }

    /// The palette of this process's terminal, from the environment.
    /// Whether the terminal named by `$TERM` can draw Japanese: the Linux
    /// text console has no kanji or kana glyphs (fbterm and kmscon, which
    /// do, say another TERM).
    pub fn draws_cjk(term: Option<&str>) -> bool {
        !term.is_some_and(|t| t == "linux" || t.starts_with("linux-"))
    }

    pub fn from_env() -> Palette {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let term = std::env::var("TERM").ok();
        Palette::detect(term.as_deref(), no_color)
    }

    /// Brings every cell of a drawn buffer down to this palette.
    pub fn apply(self, buffer: &mut Buffer) {
        if self == Palette::Full {
            return;
        }
        for cell in buffer.content.iter_mut() {
            match self {
                Palette::Full => {}
                Palette::Mono => {
                    cell.fg = Color::Reset;
                    cell.bg = Color::Reset;
                }
                Palette::Basic8 => {
                    if cell.fg == Color::DarkGray {
                        // Grey is not among the eight: dimmed text (people
                        // who left, hints) is shown plain.
                        cell.modifier.remove(Modifier::DIM);
                    }
                    cell.fg = basic(cell.fg);
                    cell.bg = basic(cell.bg);
                }
            }
            cell.modifier.remove(Modifier::ITALIC);
        }
    }
}

/// The nearest of the eight basic colours (or the terminal's default).
fn basic(color: Color) -> Color {
    match color {
        Color::Reset
        | Color::Black
        | Color::Red
        | Color::Green
        | Color::Yellow
        | Color::Blue
        | Color::Magenta
        | Color::Cyan
        | Color::Gray => color,
        Color::LightRed => Color::Red,
        Color::LightGreen => Color::Green,
        Color::LightYellow => Color::Yellow,
        Color::LightBlue => Color::Blue,
        Color::LightMagenta => Color::Magenta,
        Color::LightCyan => Color::Cyan,
        Color::White => Color::Gray,
        Color::DarkGray | Color::Rgb(..) | Color::Indexed(_) => Color::Reset,
    }
}

/// Whether a colour is one of the eight a Linux console shows (or none).
pub fn is_basic(color: Color) -> bool {
    basic(color) == color
}

/// A map of a buffer's colours and modifiers, one character a cell, for
/// tests that look at styling (a text snapshot shows only the letters):
/// `.` default, `R` red, `Y` yellow, `C` cyan, `G` green, `B` blue,
/// `M` magenta, `W` grey/white, `K` black, `d` dark grey, `*` any other;
/// lower-case `r` marks reverse video over default colours.
pub fn style_map(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let cell = &buffer[(x, y)];
            let c = match cell.fg {
                Color::Reset if cell.modifier.contains(Modifier::REVERSED) => 'r',
                Color::Reset => '.',
                Color::Red | Color::LightRed => 'R',
                Color::Yellow | Color::LightYellow => 'Y',
                Color::Cyan | Color::LightCyan => 'C',
                Color::Green | Color::LightGreen => 'G',
                Color::Blue | Color::LightBlue => 'B',
                Color::Magenta | Color::LightMagenta => 'M',
                Color::Gray | Color::White => 'W',
                Color::Black => 'K',
                Color::DarkGray => 'd',
                _ => '*',
            };
            out.push(c);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_terminal_name_decides_the_palette_and_no_color_wins() {
        assert_eq!(
            Palette::detect(Some("xterm-256color"), false),
            Palette::Full
        );
        assert_eq!(Palette::detect(Some("tmux-256color"), false), Palette::Full);
        assert_eq!(
            Palette::detect(Some("screen-256color"), false),
            Palette::Full
        );
        assert_eq!(Palette::detect(Some("linux"), false), Palette::Basic8);
        assert_eq!(Palette::detect(Some("screen"), false), Palette::Basic8);
        assert_eq!(Palette::detect(Some("vt100"), false), Palette::Basic8);
        assert_eq!(Palette::detect(Some("dumb"), false), Palette::Mono);
        assert_eq!(Palette::detect(None, false), Palette::Mono);
        assert_eq!(Palette::detect(Some("xterm-256color"), true), Palette::Mono);
    }

    #[test]
    fn the_linux_console_gets_eight_colours_and_no_italics() {
        use ratatui::layout::Rect;
        use ratatui::style::Style;
        let mut buffer = Buffer::empty(Rect::new(0, 0, 4, 1));
        buffer.set_string(
            0,
            0,
            "ab",
            Style::new()
                .fg(Color::DarkGray)
                .add_modifier(Modifier::ITALIC | Modifier::DIM),
        );
        buffer.set_string(2, 0, "c", Style::new().fg(Color::LightRed));
        buffer.set_string(3, 0, "d", Style::new().fg(Color::Indexed(200)));
        Palette::Basic8.apply(&mut buffer);
        assert!(
            buffer
                .content
                .iter()
                .all(|c| is_basic(c.fg) && is_basic(c.bg))
        );
        assert!(
            buffer
                .content
                .iter()
                .all(|c| !c.modifier.intersects(Modifier::ITALIC | Modifier::DIM))
        );
        assert_eq!(buffer[(2, 0)].fg, Color::Red);
    }
}
