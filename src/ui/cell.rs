//! Laying text into fixed columns: display-width aware (Japanese names take
//! two columns a character) and without ambiguous-width marks, so columns
//! line up in every terminal (STYLE.md).

use crate::domain::text::{sanitize, truncate, width};

/// Cuts `s` to at most `cols` columns, marking a cut with `~`. The
/// domain's `truncate` marks it with `…`, which is ambiguous-width (two
/// columns in a terminal set to "ambiguous = wide"); both are one column
/// by Unicode width, so swapping keeps the measured width.
pub fn clip(s: &str, cols: usize) -> String {
    if width(s) <= cols {
        return s.to_string();
    }
    let mut cut = truncate(s, cols);
    if cut.ends_with('…') {
        cut.pop();
        cut.push('~');
    }
    cut
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_exactly_their_width_with_japanese_names() {
        assert_eq!(cell("山田 花子", 12), "山田 花子   ");
        assert_eq!(cell("山田 花子さま", 8), "山田 花~");
        assert_eq!(width(&cell("山田 花子さま", 8)), 8);
        assert_eq!(cell_right("3", 3), "  3");
        assert_eq!(clip("Takahashi Jun", 6), "Takah~");
    }
}
