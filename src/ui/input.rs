//! One line of typed text with a cursor: what a form field or the filter
//! holds while the user types. Control characters and escape sequences
//! never get in, so the buffer is always safe to show.

use unicode_width::UnicodeWidthChar;

/// Longest text a field keeps (the domain's limits are lower; the server
/// says so with a message next to the field).
pub const MAX_INPUT_CHARS: usize = 240;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    text: String,
    /// Cursor position in characters, `0..=chars`.
    cursor: usize,
}

/// Whether a typed character may enter a buffer: no control characters
/// (ESC, C1 controls), no bidi overrides, no zero-width byte-order marks.
pub fn accepts(c: char) -> bool {
    !(c.is_control()
        || matches!(
            c,
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{feff}'
        ))
}

fn col(c: char) -> usize {
    c.width().unwrap_or(0)
}

impl TextInput {
    pub fn new() -> TextInput {
        TextInput::default()
    }

    /// A field pre-filled with `text` (filtered like typing), cursor at the end.
    pub fn with_text(text: &str) -> TextInput {
        let mut input = TextInput::new();
        for c in text.chars() {
            input.insert(c);
        }
        input
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// Cursor position in characters.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Terminal columns before the cursor: where the terminal cursor goes.
    pub fn cursor_col(&self) -> usize {
        self.text.chars().take(self.cursor).map(col).sum()
    }

    fn byte_at(&self, char_index: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_index)
            .map_or(self.text.len(), |(i, _)| i)
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    /// Inserts a typed character at the cursor; refused characters and a
    /// full buffer leave it unchanged. Returns whether it was inserted.
    pub fn insert(&mut self, c: char) -> bool {
        if !accepts(c) || self.len() >= MAX_INPUT_CHARS {
            return false;
        }
        let at = self.byte_at(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
        true
    }

    pub fn backspace(&mut self) {
        if self.cursor == 0 {
            return;
        }
        self.cursor -= 1;
        let at = self.byte_at(self.cursor);
        self.text.remove(at);
    }

    pub fn delete(&mut self) {
        if self.cursor < self.len() {
            let at = self.byte_at(self.cursor);
            self.text.remove(at);
        }
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.len());
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.len();
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }

    /// The part of the text to show in `cols` columns so that the cursor
    /// is visible, and the cursor's column within that part.
    pub fn window(&self, cols: usize) -> (String, usize) {
        if cols == 0 {
            return (String::new(), 0);
        }
        let chars: Vec<char> = self.text.chars().collect();
        // Every edit keeps `cursor <= chars.len()`, and `start <= cursor`:
        // the slices below are in bounds.
        let mut start = 0;
        // Leave one column for the cursor itself after the text.
        while start < self.cursor
            && chars[start..self.cursor]
                .iter()
                .map(|c| col(*c))
                .sum::<usize>()
                >= cols
        {
            start += 1;
        }
        let mut shown = String::new();
        let mut used = 0;
        for c in &chars[start..] {
            let w = col(*c);
            if used + w > cols {
                break;
            }
            used += w;
            shown.push(*c);
        }
        let cursor_col = chars[start..self.cursor].iter().map(|c| col(*c)).sum();
        (shown, cursor_col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_name_is_edited_by_character_and_measured_in_columns() {
        let mut name = TextInput::new();
        for c in "山田花子".chars() {
            name.insert(c);
        }
        assert_eq!(name.cursor_col(), 8);
        name.left();
        name.left();
        assert_eq!(name.cursor_col(), 4);
        name.insert(' ');
        assert_eq!(name.text(), "山田 花子");
        assert_eq!(name.cursor_col(), 5);
        name.backspace();
        name.delete();
        assert_eq!(name.text(), "山田子");
        name.home();
        assert_eq!(name.cursor_col(), 0);
        name.end();
        assert_eq!(name.cursor_col(), 6);
    }

    #[test]
    fn control_characters_are_refused_at_the_keyboard() {
        let mut name = TextInput::new();
        for c in "\u{1b}[31mA\u{7}\u{9b}B\u{202e}".chars() {
            name.insert(c);
        }
        assert_eq!(name.text(), "[31mAB");
    }

    #[test]
    fn a_long_text_scrolls_to_keep_the_cursor_visible() {
        let name = TextInput::with_text("山田花子山田花子");
        let (shown, cursor) = name.window(6);
        assert_eq!(shown, "花子");
        assert_eq!(cursor, 4);
        let mut name = name;
        name.home();
        assert_eq!(name.window(6), ("山田花".to_string(), 0));
    }
}
