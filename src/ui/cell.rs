//! Laying text into fixed columns: display-width aware (Japanese names take
//! two columns a character) and without ambiguous-width marks, so columns
//! line up in every terminal (STYLE.md).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Text;
use ratatui::widgets::Widget;

use crate::domain::text::{sanitize, truncate, width};

/// Lines laid out already (cut and padded to their columns), drawn as an
/// unwrapped, left-aligned `Paragraph` draws them, for much less: runs of
/// printable ASCII go straight into their cells (no grapheme
/// segmentation, no width lookup), other text through `set_stringn`. For
/// screens redrawn every second all day (the wall): its timers change
/// every second, most of what it draws does not.
pub struct Plain<'a> {
    text: Text<'a>,
}

impl<'a> Plain<'a> {
    pub fn new(text: impl Into<Text<'a>>) -> Plain<'a> {
        Plain { text: text.into() }
    }
}

impl Widget for Plain<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        for (row, line) in self.text.lines.iter().enumerate() {
            let Ok(row) = u16::try_from(row) else {
                return;
            };
            if row >= area.height {
                return;
            }
            let y = area.y + row;
            let mut x = area.x;
            let line_style = self.text.style.patch(line.style);
            for span in &line.spans {
                if x >= area.right() {
                    break;
                }
                let style = line_style.patch(span.style);
                let content = span.content.as_ref();
                if content.bytes().all(|b| (0x20..0x7f).contains(&b)) {
                    for b in content.bytes() {
                        if x >= area.right() {
                            break;
                        }
                        buf[(x, y)].set_char(char::from(b)).set_style(style);
                        x += 1;
                    }
                } else {
                    let room = usize::from(area.right() - x);
                    x = buf.set_stringn(x, y, content, room, style).0;
                }
            }
        }
    }
}

/// Cuts `s` to at most `cols` columns, marking a cut with `~`.
pub fn clip(s: &str, cols: usize) -> String {
    truncate(s, cols)
}

/// Exactly `cols` columns: cut or padded on the right.
pub fn cell(s: &str, cols: usize) -> String {
    let mut out = clip(s, cols);
    let w = width(&out);
    out.extend(std::iter::repeat_n(' ', cols.saturating_sub(w)));
    out
}

/// Exactly `cols` columns: cut, or padded on the left.
pub fn cell_right(s: &str, cols: usize) -> String {
    let cut = clip(s, cols);
    let pad = cols.saturating_sub(width(&cut));
    let mut out: String = std::iter::repeat_n(' ', pad).collect();
    out.push_str(&cut);
    out
}

/// Text from outside this screen (names, reasons, server messages), made
/// safe to show: no control characters, no escape sequences.
pub fn clean(s: &str) -> String {
    sanitize(s)
}

/// Breaks `s` into lines of at most `cols` columns: English at a space;
/// Japanese at a space that keeps most of the line, else between two
/// characters (the space in a name "佐藤 健" at the start of a sentence is
/// not where it breaks), an English word inside Japanese text kept whole,
/// and no line begun by closing punctuation (、。）」 …) where the line
/// before can give it a character.
/// Our own because ratatui's wrapping can panic on Japanese text
/// (STYLE.md).
pub fn wrap(s: &str, cols: usize) -> Vec<String> {
    let mut lines = Vec::new();
    if cols == 0 {
        return lines;
    }
    let mut line = String::new();
    for c in s.chars() {
        let mut candidate = line.clone();
        candidate.push(c);
        if width(&candidate) <= cols {
            line = candidate;
            continue;
        }
        if c == ' ' {
            lines.push(std::mem::take(&mut line));
            continue;
        }
        // Where the line breaks: its byte index, and whether a space is
        // dropped there.
        let space = line.rfind(' ').filter(|i| *i > 0);
        let english_word = !wide(c) && space.is_some_and(|i| !line[i..].chars().any(wide));
        let japanese = wide(c) || line.chars().any(wide);
        let cut = match space {
            // At the last space: after an English word, or when the line
            // keeps two thirds of its width (a list "…; 止血確認" breaks
            // between its items).
            Some(i) if english_word || !japanese || width(&line[..i]) * 3 >= cols * 2 => {
                Some((i, true))
            }
            // Japanese: between two characters, not at the space of a name
            // near the line's start.
            _ if japanese => Some(japanese_break(&line, c, cols)),
            // One word longer than the line: cut where it is.
            _ => None,
        };
        match cut {
            Some((i, space)) => {
                // `i` is a character boundary (from char_indices, or the
                // byte after an ASCII space).
                let rest = line[i + usize::from(space)..].to_string();
                line.truncate(i);
                line.truncate(line.trim_end_matches(' ').len());
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                line = rest;
            }
            None if line.is_empty() => {}
            None => lines.push(std::mem::take(&mut line)),
        }
        line.push(c);
        if width(&line) > cols {
            // A character wider than the whole line: leave it out.
            line.clear();
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Where Japanese text breaks before `c` (which does not fit after
/// `line`): before the English word or number the line ends with ("2件"
/// stays together) when it follows a Japanese character; before the last
/// character that may begin a line when `c` is closing punctuation; else
/// here.
fn japanese_break(line: &str, c: char, cols: usize) -> (usize, bool) {
    let fits = |i: usize| width(&line[i..]) + width_of(c) <= cols;
    let word_start = line
        .char_indices()
        .rev()
        .take_while(|(_, ch)| *ch != ' ' && !wide(*ch))
        .last()
        .map(|(i, _)| i);
    if let Some(i) = word_start
        && line[..i].chars().next_back().is_some_and(wide)
        && fits(i)
    {
        return (i, false);
    }
    if closing(c)
        && let Some((i, _)) = line
            .char_indices()
            .rev()
            .find(|(_, ch)| !closing(*ch))
            .filter(|(i, ch)| *i > 0 && *ch != ' ' && fits(*i))
    {
        return (i, false);
    }
    (line.len(), false)
}

/// A character that takes two columns (Japanese text).
fn wide(c: char) -> bool {
    width_of(c) > 1
}

fn width_of(c: char) -> usize {
    unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
}

/// Punctuation that does not begin a line in Japanese (kinsoku).
fn closing(c: char) -> bool {
    matches!(
        c,
        '、' | '。'
            | '，'
            | '．'
            | '）'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '：'
            | '；'
            | '！'
            | '？'
            | 'ー'
            | '々'
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Modifier, Style};
    use ratatui::text::{Line, Span};
    use ratatui::widgets::Paragraph;

    #[test]
    fn plain_lines_draw_the_cells_a_paragraph_draws() {
        let lines = || {
            vec![
                Line::styled(
                    cell(" Bed 2  山.花.", 14),
                    Style::new().add_modifier(Modifier::REVERSED),
                ),
                Line::raw(" ".repeat(14)),
                Line::from(vec![
                    Span::styled("!! ", Style::new().fg(Color::Red)),
                    Span::raw("T.Y. #8"),
                    Span::styled("    44:02", Style::new().bold()),
                ]),
                Line::raw("佐藤 健さま and a line far too long for its area"),
                Line::raw("ab山"),
                Line::raw("ok"),
            ]
        };
        for width in [1, 3, 6, 13, 14, 20] {
            let area = Rect::new(1, 1, width, 5);
            let mut expected = Buffer::empty(Rect::new(0, 0, 22, 8));
            let mut got = expected.clone();
            Paragraph::new(lines()).render(area, &mut expected);
            Plain::new(lines()).render(area, &mut got);
            assert_eq!(got, expected, "at width {width}");
        }
    }

    #[test]
    fn cells_are_exactly_their_width_with_japanese_names() {
        assert_eq!(cell("山田 花子", 12), "山田 花子   ");
        assert_eq!(cell("山田 花子さま", 8), "山田 花~");
        assert_eq!(width(&cell("山田 花子さま", 8)), 8);
        assert_eq!(cell_right("3", 3), "  3");
        assert_eq!(clip("Takahashi Jun", 6), "Takah~");
    }

    #[test]
    fn wrapping_breaks_english_at_spaces_and_japanese_anywhere() {
        assert_eq!(
            wrap("Terminal too small: need", 12),
            ["Terminal too", "small: need"]
        );
        assert_eq!(
            wrap("画面が小さすぎます", 8),
            ["画面が小", "さすぎま", "す"]
        );
        for line in wrap("画面が小さすぎます：60x16 以上が必要です", 7) {
            assert!(width(&line) <= 7, "{line}");
        }
        assert!(wrap("山", 1).is_empty());
    }

    /// The caseload warning of the start form at 40 columns: the name is
    /// not split at its space, "Enter" stays whole, no line begins with
    /// closing punctuation.
    #[test]
    fn japanese_wraps_between_characters_not_at_the_space_of_a_name() {
        let text = "佐藤 健さんの点滴で看護師KSの担当が同時2件になります（上限1件）：このまま Enter で開始、または先に担当を替えてください";
        let lines = wrap(text, 40);
        assert_eq!(
            lines,
            [
                "佐藤 健さんの点滴で看護師KSの担当が同時",
                "2件になります（上限1件）：このまま Enter",
                "で開始、または先に担当を替えてください"
            ]
        );
        for cols in 4..60 {
            let lines = wrap(text, cols);
            for line in &lines {
                assert!(width(line) <= cols, "{line} at {cols}");
                let first = line.chars().next().unwrap();
                assert!(!closing(first) || cols < 6, "{line:?} at {cols}");
            }
            // Nothing lost but the spaces a break took.
            let joined: String = lines.concat();
            assert_eq!(joined.replace(' ', ""), text.replace(' ', ""), "at {cols}");
        }
        assert_eq!(wrap("佐藤 健", 4), ["佐藤", "健"]);
        let english = "Tanaka Yui's drip gives nurse KS 4 drips at once (limit 3): Enter starts it all the same";
        for cols in 8..60 {
            let lines = wrap(english, cols);
            assert!(
                lines
                    .iter()
                    .all(|l| width(l) <= cols && !l.starts_with(' '))
            );
            assert_eq!(lines.join(" "), english, "at {cols}");
        }
    }
}
