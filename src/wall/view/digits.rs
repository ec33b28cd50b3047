//! Large digits for a timer read from across the room: a 5-row font of
//! plain `#` (ASCII, so the same width in every terminal, STYLE.md),
//! drawn at scale 1 or 2.

/// Rows of the font at scale 1.
pub const ROWS: usize = 5;

fn glyph(c: char) -> Option<[&'static str; ROWS]> {
    Some(match c {
        '0' => ["###", "# #", "# #", "# #", "###"],
        '1' => [" # ", "## ", " # ", " # ", "###"],
        '2' => ["###", "  #", "###", "#  ", "###"],
        '3' => ["###", "  #", "###", "  #", "###"],
        '4' => ["# #", "# #", "###", "  #", "  #"],
        '5' => ["###", "#  ", "###", "  #", "###"],
        '6' => ["###", "#  ", "###", "# #", "###"],
        '7' => ["###", "  #", "  #", "  #", "  #"],
        '8' => ["###", "# #", "###", "# #", "###"],
        '9' => ["###", "# #", "###", "  #", "###"],
        ':' => [" ", "#", " ", "#", " "],
        '+' => ["   ", " # ", "###", " # ", "   "],
        '-' => ["   ", "   ", "###", "   ", "   "],
        _ => return None,
    })
}

/// Columns `text` takes at `scale` (characters without a glyph are left out).
pub fn width(text: &str, scale: usize) -> usize {
    let glyphs: Vec<_> = text.chars().filter_map(glyph).collect();
    let cols: usize = glyphs.iter().map(|g| g[0].len()).sum();
    (cols + glyphs.len().saturating_sub(1)) * scale
}

/// The lines of `text` in large digits: `ROWS * scale` lines, each
/// `width(text, scale)` columns.
pub fn render(text: &str, scale: usize) -> Vec<String> {
    let glyphs: Vec<_> = text.chars().filter_map(glyph).collect();
    let mut lines = Vec::with_capacity(ROWS * scale);
    for row in 0..ROWS {
        let mut line = String::new();
        for (i, g) in glyphs.iter().enumerate() {
            if i > 0 {
                line.push_str(&" ".repeat(scale));
            }
            for c in g[row].chars() {
                line.extend(std::iter::repeat_n(c, scale));
            }
        }
        for _ in 0..scale {
            lines.push(line.clone());
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timer_in_large_digits() {
        assert_eq!(
            render("12:05", 1),
            [
                " #  ###   ### ###",
                "##    # # # # #  ",
                " #  ###   # # ###",
                " #  #   # # #   #",
                "### ###   ### ###",
            ]
        );
        assert_eq!(width("12:05", 1), 17);
    }

    #[test]
    fn scale_two_doubles_every_way() {
        let big = render("7", 2);
        assert_eq!(big.len(), 10);
        assert_eq!(big[0], "######");
        assert_eq!(big[2], "    ##");
        assert_eq!(width("12:05", 2), 34);
        for line in render("+12:05", 2) {
            assert_eq!(line.len(), width("+12:05", 2));
        }
    }
}
