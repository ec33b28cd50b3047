//! The one CSV writer: every CSV flowboard writes (export, report day,
//! report reactions, trace-lot) goes through [`CsvWriter`], so every cell
//! is made safe for the spreadsheet software clinics open these files in.
//!
//! Following the OWASP guidance on CSV injection (and ASVS 1.2.10): a cell
//! that a spreadsheet would read as a formula gets a leading single quote
//! (`'`), which makes the spreadsheet take it as text, and the cell is kept
//! otherwise as it was. A cell is read as a formula when its first
//! character is `=`, `+`, `-`, `@`, a tab, a carriage return, a line feed
//! or NUL, or when one of `= + - @` (or their full-width forms, which
//! Japanese spreadsheet software also accepts) comes first after leading
//! white space or invisible format characters that a spreadsheet skips.
//! Quoting follows RFC 4180 (the `csv` crate): a cell with a comma, a
//! quote or a line break is quoted and its quotes doubled, so no text can
//! start a new cell.
//!
//! Rows are serialised one at a time, so a long export can be streamed
//! through [`CsvWriter::row`] without holding all of it.

use std::borrow::Cow;
use std::io::Write;

use serde::Serialize;

/// The UTF-8 byte order mark spreadsheet software used in Japan needs to
/// read Japanese text in a CSV as UTF-8.
const BOM: &[u8] = b"\xef\xbb\xbf";

/// True when a spreadsheet would read `cell` as a formula (see the module
/// comment).
pub fn is_formula(cell: &str) -> bool {
    let Some(first) = cell.chars().next() else {
        return false;
    };
    if matches!(first, '\t' | '\r' | '\n' | '\0') {
        return true;
    }
    let lead = cell
        .chars()
        .find(|c| !(c.is_whitespace() || is_invisible(*c) || c.is_control()));
    matches!(
        lead,
        Some('=' | '+' | '-' | '@' | '\u{ff1d}' | '\u{ff0b}' | '\u{ff0d}' | '\u{ff20}')
    )
}

/// Characters that show as nothing: format characters a spreadsheet may
/// skip before it looks for a formula.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// The cell as it is written: with a leading `'` when it would be read as
/// a formula.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if is_formula(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Writes rows of a serialisable type as CSV, a header line first (the
/// field names), every cell neutralised.
pub struct CsvWriter<W: Write> {
    out: csv::Writer<W>,
    wrote_header: bool,
}

impl<W: Write> CsvWriter<W> {
    /// A writer onto `out`; with `bom`, the byte order mark goes first.
    pub fn new(mut out: W, bom: bool) -> std::io::Result<CsvWriter<W>> {
        if bom {
            out.write_all(BOM)?;
        }
        Ok(CsvWriter {
            out: csv::Writer::from_writer(out),
            wrote_header: false,
        })
    }

    /// Writes one row (and, before the first, the header).
    pub fn row<T: Serialize>(&mut self, row: &T) -> Result<(), csv::Error> {
        // The csv crate turns the struct into cells (and the header from
        // its field names); read them back as cells to neutralise each.
        let mut cells = csv::WriterBuilder::new()
            .has_headers(!self.wrote_header)
            .from_writer(Vec::new());
        cells.serialize(row)?;
        let bytes = cells
            .into_inner()
            .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))?;
        let mut records = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes.as_slice());
        for record in records.records() {
            self.record(record?.iter())?;
        }
        self.wrote_header = true;
        Ok(())
    }

    /// Writes one line of cells as given (neutralised).
    pub fn record<'a>(
        &mut self,
        cells: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), csv::Error> {
        self.out
            .write_record(cells.into_iter().map(|c| neutralise(c).into_owned()))
    }

    /// Flushes and hands back the underlying writer.
    pub fn finish(self) -> Result<W, csv::Error> {
        self.out
            .into_inner()
            .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))
    }
}

/// All `rows` as CSV bytes (nothing at all for no rows).
pub fn to_csv<T: Serialize>(rows: &[T], bom: bool) -> Result<Vec<u8>, csv::Error> {
    let mut writer = CsvWriter::new(Vec::new(), bom)?;
    for row in rows {
        writer.row(row)?;
    }
    writer.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row<'a> {
        name: &'a str,
        n: u32,
    }

    #[test]
    fn formulas_get_a_leading_quote_and_plain_text_is_left_alone() {
        for formula in [
            "=HYPERLINK(\"http://example.invalid\",\"click\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "=cmd|' /C calc'!A0",
            "\t=1+1",
            "\r=1+1",
            "\n=1",
            "  =1+1",
            "\u{3000}=1+1",
            "\u{200b}=1+1",
            "\u{ff1d}1+1",
        ] {
            assert_eq!(neutralise(formula), format!("'{formula}"), "{formula:?}");
        }
        for text in [
            "山田 花子",
            "Tanaka Yui",
            "a=b",
            "1-2",
            "",
            "'quoted",
            "10:05",
        ] {
            assert_eq!(neutralise(text), text, "{text:?}");
        }
    }

    #[test]
    fn every_cell_of_a_row_is_neutralised_and_quotes_are_doubled() {
        let csv = to_csv(
            &[
                Row { name: "=1+1", n: 1 },
                Row {
                    name: "a,\"b\"\n=c",
                    n: 2,
                },
            ],
            false,
        )
        .unwrap();
        let text = String::from_utf8(csv).unwrap();
        assert_eq!(text, "name,n\n'=1+1,1\n\"a,\"\"b\"\"\n=c\",2\n");
    }

    #[test]
    fn the_bom_comes_first_and_no_rows_write_nothing_else() {
        let csv = to_csv::<Row>(&[], true).unwrap();
        assert_eq!(csv, BOM);
        assert!(to_csv::<Row>(&[], false).unwrap().is_empty());
    }
}
