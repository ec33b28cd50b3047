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
    /// A row as the csv crate serialised it, read back as cells.
    row: Vec<u8>,
    cells: Cells,
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
            row: Vec::new(),
            cells: Cells::new(),
        })
    }

    /// Writes one row (and, before the first, the header).
    pub fn row<T: Serialize>(&mut self, row: &T) -> Result<(), csv::Error> {
        // The csv crate turns the struct into cells (and the header from
        // its field names); read them back as cells to neutralise each.
        self.row.clear();
        let mut cells = csv::WriterBuilder::new()
            .has_headers(!self.wrote_header)
            .buffer_capacity(1024)
            .from_writer(std::mem::take(&mut self.row));
        cells.serialize(row)?;
        self.row = cells
            .into_inner()
            .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))?;
        let out = &mut self.out;
        self.cells.read(&self.row, |record| {
            out.write_record(record.iter().map(|c| match neutralise(c) {
                Cow::Borrowed(c) => Cow::Borrowed(c.as_bytes()),
                Cow::Owned(c) => Cow::Owned(c.into_bytes()),
            }))
        })?;
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

/// Reads CSV text back into cells with one parser for every row: building
/// a parser is what costs (one built for each row took more than half of
/// a long export's time).
struct Cells {
    parser: csv_core::Reader,
    text: Vec<u8>,
    ends: Vec<usize>,
}

impl Cells {
    fn new() -> Cells {
        let mut parser = csv_core::Reader::new();
        // A parser drops a byte order mark only from the first input it
        // reads: an empty line first, so that a cell starting with one
        // keeps it.
        let _ = parser.read_record(b"\n", &mut [0; 1], &mut [0; 1]);
        Cells {
            parser,
            text: vec![0; 1024],
            ends: vec![0; 32],
        }
    }

    /// Calls `each` with the cells of every record in `input` (whole
    /// records, as the csv crate writes them).
    fn read(
        &mut self,
        mut input: &[u8],
        mut each: impl FnMut(&[&str]) -> Result<(), csv::Error>,
    ) -> Result<(), csv::Error> {
        use csv_core::ReadRecordResult as Read;
        let (mut written, mut fields) = (0, 0);
        // The input ended inside a record (never seen: the csv crate ends
        // each with a line break): an empty input tells the parser so, and
        // a new parser starts after it.
        let mut ending = false;
        loop {
            if input.is_empty() && !ending {
                return Ok(());
            }
            let (result, read, wrote, ends) =
                self.parser
                    .read_record(input, &mut self.text[written..], &mut self.ends[fields..]);
            input = &input[read..];
            written += wrote;
            fields += ends;
            match result {
                Read::OutputFull => self.text.resize(self.text.len() * 2, 0),
                Read::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                Read::Record => {
                    let mut cells = Vec::with_capacity(fields);
                    let mut start = 0;
                    for &end in &self.ends[..fields] {
                        let cell = std::str::from_utf8(&self.text[start..end]).map_err(|e| {
                            csv::Error::from(std::io::Error::new(
                                std::io::ErrorKind::InvalidData,
                                e,
                            ))
                        })?;
                        cells.push(cell);
                        start = end;
                    }
                    each(&cells)?;
                    (written, fields) = (0, 0);
                    if ending {
                        *self = Cells::new();
                        return Ok(());
                    }
                }
                Read::InputEmpty => ending = true,
                Read::End => {
                    *self = Cells::new();
                    return Ok(());
                }
            }
        }
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

    /// Many rows through one writer (one parser reads them all back):
    /// every cell of the hostile corpus, a cell that starts with a byte
    /// order mark and one longer than the parser's first buffer come out
    /// as the csv crate reads them, each neutralised, row by row.
    #[test]
    fn a_long_run_of_rows_keeps_every_cell_whatever_its_text() {
        #[derive(Serialize)]
        struct Wide {
            n: u32,
            name: String,
            note: Option<String>,
            empty: String,
        }
        let corpus = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/corpus/hostile-text.jsonl"
        ))
        .unwrap_or_default();
        let mut texts: Vec<String> = corpus
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["text"].as_str().map(str::to_string))
            .collect();
        assert!(texts.len() > 10, "the hostile corpus is missing");
        texts.push("\u{feff}=1+1".to_string());
        texts.push("\u{feff}山田".to_string());
        texts.push(format!("\"{}\"\n,", "長い".repeat(3000)));
        let rows: Vec<Wide> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| Wide {
                n: i as u32,
                name: t.clone(),
                note: (i % 2 == 0).then(|| t.clone()),
                empty: String::new(),
            })
            .collect();
        let csv = to_csv(&rows, false).unwrap();
        let mut read = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(csv.as_slice());
        assert_eq!(
            read.headers().unwrap().iter().collect::<Vec<_>>(),
            ["n", "name", "note", "empty"]
        );
        let back: Vec<csv::StringRecord> = read.records().map(Result::unwrap).collect();
        assert_eq!(back.len(), rows.len());
        for (row, record) in rows.iter().zip(&back) {
            let note = row
                .note
                .as_deref()
                .map_or(String::new(), |n| neutralise(n).into_owned());
            assert_eq!(
                record.iter().collect::<Vec<_>>(),
                [
                    row.n.to_string().as_str(),
                    &neutralise(&row.name),
                    &note,
                    ""
                ],
                "{:?}",
                row.name
            );
        }
    }

    #[test]
    fn a_first_cell_that_starts_with_a_byte_order_mark_keeps_it_on_every_row() {
        #[derive(Serialize)]
        struct One<'a> {
            name: &'a str,
        }
        let rows = [One { name: "\u{feff}a" }, One { name: "\u{feff}b" }];
        let text = String::from_utf8(to_csv(&rows, false).unwrap()).unwrap();
        assert_eq!(text, "name\n\u{feff}a\n\u{feff}b\n");
    }

    #[test]
    fn the_bom_comes_first_and_no_rows_write_nothing_else() {
        let csv = to_csv::<Row>(&[], true).unwrap();
        assert_eq!(csv, BOM);
        assert!(to_csv::<Row>(&[], false).unwrap().is_empty());
    }
}
