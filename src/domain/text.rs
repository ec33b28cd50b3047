//! User-typed text is data: it is cleaned where it enters, and measured in
//! terminal columns (not bytes, not chars) wherever it is laid out.
//!
//! Our own width-aware truncation exists because ratatui's wrapping can
//! panic on Japanese text and only breaks at spaces (STYLE.md).

use unicode_properties::{GeneralCategory, UnicodeEmoji, UnicodeGeneralCategory};
use unicode_width::UnicodeWidthChar;

pub const MAX_NAME_CHARS: usize = 60;
pub const MAX_REASON_CHARS: usize = 200;

/// Removes escape sequences (CSI, OSC, and other ESC-introduced ones),
/// control characters, and invisible format characters (Unicode category
/// Cf: bidirectional overrides and isolates, zero-width spaces and joiners,
/// the word joiner, the soft hyphen, the Arabic letter mark, tag
/// characters, a byte order mark), which could make two names look alike
/// or shift columns; turns tabs and line breaks into spaces; collapses runs
/// of spaces; trims. A zero-width joiner is kept only between two emoji,
/// where it joins them into one picture (a family, a profession).
pub fn sanitize(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{200d}' if joins_emoji(&out, chars.peek().copied()) => out.push(c),
            '\u{1b}' => skip_escape(&mut chars),
            // C1 CSI / OSC / DCS introducers: their sequence goes too.
            '\u{9b}' => skip_until_final(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{9e}' | '\u{9f}' => skip_until_terminator(&mut chars),
            '\t' | '\n' | '\r' | '\u{2028}' | '\u{2029}' => push_space(&mut out),
            c if c.is_control() => {}
            // Bidi embedding/override/isolate controls can reorder what a
            // terminal shows; zero-width formatting marks hide text.
            c if c.general_category() == GeneralCategory::Format => {}
            ' ' | '\u{3000}' => {
                if c == '\u{3000}' && !out.ends_with([' ', '\u{3000}']) && !out.is_empty() {
                    out.push(c);
                } else {
                    push_space(&mut out);
                }
            }
            c => out.push(c),
        }
    }
    out.trim_matches([' ', '\u{3000}']).to_string()
}

/// Whether a zero-width joiner between the end of `before` and `next`
/// joins two emoji (`before` may end with a modifier or a presentation
/// selector of the first).
fn joins_emoji(before: &str, next: Option<char>) -> bool {
    let is_picture = |c: char| !c.is_ascii() && c.is_emoji_char();
    let last = before
        .chars()
        .rev()
        .find(|c| !((c.is_emoji_component() && !c.is_ascii()) || *c == '\u{fe0f}'));
    last.is_some_and(is_picture) && next.is_some_and(is_picture)
}

fn push_space(out: &mut String) {
    if !out.is_empty() && !out.ends_with([' ', '\u{3000}']) {
        out.push(' ');
    }
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.peek() {
        Some('[') => {
            chars.next();
            skip_until_final(chars);
        }
        Some(']') | Some('P') | Some('X') | Some('^') | Some('_') => {
            chars.next();
            skip_until_terminator(chars);
        }
        Some(c) if ('\u{20}'..='\u{2f}').contains(c) => {
            // nF escape: intermediates then one final byte.
            for c in chars.by_ref() {
                if !('\u{20}'..='\u{2f}').contains(&c) {
                    break;
                }
            }
        }
        Some(_) => {
            chars.next();
        }
        None => {}
    }
}

/// CSI: parameter and intermediate bytes, then a final byte in 0x40..=0x7e.
fn skip_until_final(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) || !('\u{20}'..='\u{7e}').contains(&c) {
            break;
        }
    }
}

/// OSC / DCS and friends: up to BEL or ST (ESC \).
fn skip_until_terminator(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

/// Columns a string takes in a terminal.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Cuts `s` to at most `max` columns, ending with `~` when cut (not `…`,
/// which is ambiguous-width: two columns in Japanese terminals). Never
/// splits a wide character; the result is never wider than `max`.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('~');
    out
}

/// Cuts or pads `s` with spaces to exactly `cols` columns.
pub fn fit(s: &str, cols: usize) -> String {
    let mut out = truncate(s, cols);
    let w = width(&out);
    out.extend(std::iter::repeat_n(' ', cols.saturating_sub(w)));
    out
}

/// A lot number as it is stored: cleaned, full-width letters and digits
/// (typed with a Japanese input method) as ASCII, spaces collapsed, upper
/// case — the way vials print it, so `ex2611-07` and `ＥＸ２６１１-07` are
/// the lot `EX2611-07`.
pub fn lot_number(input: &str) -> String {
    let half: String = sanitize(input)
        .chars()
        .map(|c| match c {
            // The full-width forms of ASCII, and the ideographic space.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .collect();
    half.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}

/// What two spellings of one lot share, to match them: the stored form
/// without its spaces (`EX 2611-07` is `EX2611-07`).
pub fn lot_key(input: &str) -> String {
    lot_number(input).replace(' ', "")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_lot_number_is_stored_as_the_vial_prints_it_whatever_the_keyboard() {
        use super::{lot_key, lot_number};
        assert_eq!(lot_number(" ex2611-07 "), "EX2611-07");
        assert_eq!(lot_number("ＥＸ２６１１－０７"), "EX2611-07");
        assert_eq!(lot_number("ex  2611\u{3000}07"), "EX 2611 07");
        assert_eq!(lot_key("ex 2611-07"), lot_key("EX2611-07"));
        assert_eq!(lot_number("\u{1b}[31mlot"), "LOT", "cleaned first");
    }

    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escape_sequences_are_removed_with_their_parameters() {
        assert_eq!(sanitize("\u{1b}[31mRed\u{1b}[0m Tanaka"), "Red Tanaka");
        assert_eq!(sanitize("A\u{1b}]0;pwned\u{7}B"), "AB");
        assert_eq!(sanitize("A\u{1b}]8;;http://x\u{1b}\\B"), "AB");
        assert_eq!(sanitize("\u{9b}2JClear"), "Clear");
        assert_eq!(sanitize("x\u{1b}(By"), "xy");
    }

    #[test]
    fn control_characters_and_bidi_overrides_are_dropped() {
        assert_eq!(sanitize("Ta\u{7}na\u{0}ka\u{7f}"), "Tanaka");
        assert_eq!(sanitize("abc\u{202e}fed"), "abcfed");
        assert_eq!(sanitize("  山田\t\n花子  "), "山田 花子");
    }

    /// Two patients must never look alike on a screen: invisible format
    /// characters go, wherever they are.
    #[test]
    fn zero_width_and_format_characters_are_removed() {
        assert_eq!(sanitize("Tanaka\u{200b} Yui"), "Tanaka Yui");
        assert_eq!(sanitize("Ab\u{200d}Cd"), "AbCd");
        assert_eq!(sanitize("Ab\u{200c}Cd"), "AbCd");
        assert_eq!(sanitize("Yui\u{2060}"), "Yui");
        assert_eq!(sanitize("Ta\u{ad}naka"), "Tanaka");
        assert_eq!(sanitize("a\u{61c}b"), "ab");
        assert_eq!(sanitize("Hi\u{e0041}\u{e0042}"), "Hi");
        assert_eq!(sanitize("A\u{feff}B"), "AB");
        assert_eq!(sanitize("\u{2067}abc\u{2069}"), "abc");
    }

    #[test]
    fn a_zero_width_joiner_stays_only_inside_an_emoji_sequence() {
        let family = "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}";
        assert_eq!(sanitize(family), family);
        let health_worker = "\u{1f469}\u{1f3fd}\u{200d}\u{2695}\u{fe0f}";
        assert_eq!(sanitize(health_worker), health_worker);
        assert_eq!(sanitize("\u{1f468}\u{200d}A"), "\u{1f468}A");
        assert_eq!(sanitize("1\u{200d}2"), "12");
        assert_eq!(sanitize("\u{200d}\u{1f468}"), "\u{1f468}");
    }

    #[test]
    fn japanese_full_width_space_is_kept_between_names() {
        assert_eq!(sanitize("山田\u{3000}花子"), "山田\u{3000}花子");
        assert_eq!(sanitize("\u{3000}山田\u{3000}"), "山田");
    }

    #[test]
    fn truncation_counts_columns_not_characters() {
        assert_eq!(width("山田花子"), 8);
        assert_eq!(truncate("山田花子", 7), "山田花~");
        assert_eq!(truncate("山田花子", 8), "山田花子");
        assert_eq!(fit("山田", 6), "山田  ");
        assert_eq!(fit("Tanaka Taro", 6), "Tanak~");
    }

    proptest! {
        #[test]
        fn sanitized_text_has_no_control_characters(s in "\\PC*|[\\x00-\\x1f\\x7f-\\u{9f}a-z山田]*") {
            let clean = sanitize(&s);
            prop_assert!(!clean.chars().any(|c| c.is_control()));
        }

        #[test]
        fn sanitized_text_has_no_invisible_format_characters_but_emoji_joiners(
            s in "[a-z山\u{200b}-\u{200f}\u{2060}-\u{2064}\u{ad}\u{61c}\u{feff}\u{e0020}-\u{e007f}\u{1f468}\u{1f469}]{0,20}"
        ) {
            let clean: Vec<char> = sanitize(&s).chars().collect();
            for (i, c) in clean.iter().enumerate() {
                if c.general_category() == GeneralCategory::Format {
                    prop_assert_eq!(*c, '\u{200d}');
                    prop_assert!(i > 0 && i + 1 < clean.len());
                    prop_assert!(clean[i - 1].is_emoji_char() && clean[i + 1].is_emoji_char());
                }
            }
        }

        #[test]
        fn fit_is_always_exactly_the_width(s in "[a-zA-Z山田花子👩‍⚕️\u{301}é ]{0,30}", cols in 0usize..40) {
            let clean = sanitize(&s);
            prop_assert_eq!(width(&fit(&clean, cols)), cols);
            prop_assert!(width(&truncate(&clean, cols)) <= cols);
        }
    }
}
