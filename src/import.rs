//! The day sheet: an appointments CSV (time, name, chart number,
//! treatment; a header row) as exported by reservation software, in UTF-8
//! (with or without a BOM) or Shift_JIS, turned into `expect` commands.
//! A bad row is reported with its line number; the others go through.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};

use crate::config::Config;
use crate::domain::Command;
use crate::domain::text::sanitize;

/// One good row, ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Line in the file (the header is line 1).
    pub line: usize,
    pub command: Command,
}

/// A row that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    pub line: usize,
    pub problem: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub rows: Vec<Row>,
    pub bad: Vec<BadRow>,
    /// "UTF-8" or "Shift_JIS".
    pub encoding: &'static str,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImportError {
    #[error("the file is neither UTF-8 nor Shift_JIS text")]
    Encoding,
    #[error(
        "the header row lacks a {0} column: expected columns time, name, chart_no, treatment (or 時間, 氏名, カルテ番号, 施術)"
    )]
    MissingColumn(&'static str),
    #[error("the file is empty")]
    Empty,
}

/// Decodes the file: UTF-8 (a BOM is dropped) when it is valid UTF-8,
/// else Shift_JIS (Windows-31J, as Japanese reservation software writes).
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), ImportError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_string(), "UTF-8"));
    }
    let (text, _, had_errors) = encoding_rs::SHIFT_JIS.decode(bytes);
    if had_errors {
        return Err(ImportError::Encoding);
    }
    Ok((text.into_owned(), "Shift_JIS"))
}

fn column(headers: &csv::StringRecord, names: &[&str]) -> Option<usize> {
    headers.iter().position(|h| {
        let h = h.trim().to_lowercase();
        names.iter().any(|n| h == *n)
    })
}

/// Reads a day sheet for `day` (clinic time zone).
pub fn parse(bytes: &[u8], day: NaiveDate, config: &Config) -> Result<Sheet, ImportError> {
    let (text, encoding) = decode(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|_| ImportError::Empty)?.clone();
    if headers.is_empty() {
        return Err(ImportError::Empty);
    }
    let time = column(&headers, &["time", "時間", "時刻", "予約時間", "予約時刻"])
        .ok_or(ImportError::MissingColumn("time"))?;
    let name = column(&headers, &["name", "氏名", "患者名", "名前", "お名前"])
        .ok_or(ImportError::MissingColumn("name"))?;
    let chart = column(
        &headers,
        &[
            "chart_no",
            "chart",
            "chart number",
            "カルテ番号",
            "診察券番号",
            "患者番号",
        ],
    );
    let treatment = column(&headers, &["treatment", "施術", "メニュー", "施術内容"])
        .ok_or(ImportError::MissingColumn("treatment"))?;

    let mut sheet = Sheet {
        rows: Vec::new(),
        bad: Vec::new(),
        encoding,
    };
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                sheet.bad.push(BadRow {
                    line,
                    problem: format!("not a CSV row: {e}"),
                });
                continue;
            }
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        match row(&record, time, name, chart, treatment, day, config) {
            Ok(command) => sheet.rows.push(Row { line, command }),
            Err(problem) => sheet.bad.push(BadRow { line, problem }),
        }
    }
    Ok(sheet)
}

fn row(
    record: &csv::StringRecord,
    time: usize,
    name: usize,
    chart: Option<usize>,
    treatment: usize,
    day: NaiveDate,
    config: &Config,
) -> Result<Command, String> {
    let field = |i: usize| record.get(i).unwrap_or("").trim();
    let time_text = field(time);
    let t = NaiveTime::parse_from_str(time_text, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(time_text, "%H:%M:%S"))
        .map_err(|_| format!("time {:?} is not HH:MM", sanitize(time_text)))?;
    let expected_at: DateTime<Utc> = config
        .timezone
        .from_local_datetime(&day.and_time(t))
        .earliest()
        .ok_or_else(|| format!("{time_text} does not exist on {day}"))?
        .with_timezone(&Utc);
    let patient = sanitize(field(name));
    if patient.is_empty() {
        return Err("the name is empty".into());
    }
    let chart_no = chart
        .map(field)
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    let wanted = field(treatment);
    let treatment = config
        .treatments
        .iter()
        .find(|t| {
            t.id.eq_ignore_ascii_case(wanted)
                || t.label.eq_ignore_ascii_case(wanted)
                || t.label_ja.as_deref() == Some(wanted)
        })
        .ok_or_else(|| {
            format!(
                "unknown treatment {:?}: use one of {}",
                sanitize(wanted),
                config
                    .treatments
                    .iter()
                    .map(|t| t.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
    // The same booking imported twice has the same key.
    let who = chart_no.clone().unwrap_or_else(|| patient.clone());
    let key = format!("{day}/{}/{who}/{}", t.format("%H:%M"), treatment.id);
    Ok(Command::Expect {
        name: patient,
        treatment: treatment.id.clone(),
        chart_no,
        expected_at,
        key: Some(key),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
    }

    #[test]
    fn a_utf8_sheet_with_japanese_headers_and_names_is_read() {
        let csv = "\u{feff}時間,氏名,カルテ番号,施術\n10:00,山田 花子,10077,点滴\n10:30,佐藤 健,,頭皮 注射\n";
        // "点滴" is not a label: the treatment must match an id or a label.
        let sheet = parse(csv.as_bytes(), day(), &Config::default()).unwrap();
        assert_eq!(sheet.encoding, "UTF-8");
        assert_eq!(sheet.rows.len(), 1);
        assert_eq!(
            sheet.bad,
            vec![BadRow {
                line: 2,
                problem: "unknown treatment \"点滴\": use one of drip, face, scalp".into()
            }]
        );
        let Command::Expect {
            name,
            treatment,
            chart_no,
            ..
        } = &sheet.rows[0].command
        else {
            panic!()
        };
        assert_eq!(
            (name.as_str(), treatment.as_str(), chart_no),
            ("佐藤 健", "scalp", &None)
        );
    }

    #[test]
    fn a_shift_jis_sheet_is_read() {
        let text = "time,name,chart_no,treatment\n09:30,高橋 直子,10290,顔 注射\n";
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        assert!(std::str::from_utf8(&bytes).is_err(), "really Shift_JIS");
        let sheet = parse(&bytes, day(), &Config::default()).unwrap();
        assert_eq!(sheet.encoding, "Shift_JIS");
        let Command::Expect {
            name, expected_at, ..
        } = &sheet.rows[0].command
        else {
            panic!()
        };
        assert_eq!(name, "高橋 直子");
        assert_eq!(
            expected_at.to_rfc3339(),
            "2026-11-21T00:30:00+00:00",
            "09:30 in Tokyo"
        );
    }

    #[test]
    fn bad_rows_are_reported_with_their_line_and_the_rest_imported() {
        let csv = "time,name,chart_no,treatment\n25:00,A,1,drip\n10:00,,2,drip\n10:30,C,3,drip\n";
        let sheet = parse(csv.as_bytes(), day(), &Config::default()).unwrap();
        assert_eq!(sheet.rows.len(), 1);
        assert_eq!(sheet.rows[0].line, 4);
        assert_eq!(sheet.bad[0].line, 2);
        assert!(sheet.bad[0].problem.contains("is not HH:MM"));
        assert_eq!(
            sheet.bad[1],
            BadRow {
                line: 3,
                problem: "the name is empty".into()
            }
        );
    }

    #[test]
    fn a_missing_column_is_named() {
        let err = parse(b"time,name\n10:00,A\n", day(), &Config::default()).unwrap_err();
        assert_eq!(err, ImportError::MissingColumn("treatment"));
    }

    #[test]
    fn the_same_row_gets_the_same_key() {
        let csv = "time,name,chart_no,treatment\n10:00,A,1,drip\n";
        let key = |s: &Sheet| match &s.rows[0].command {
            Command::Expect { key, .. } => key.clone(),
            _ => None,
        };
        let a = parse(csv.as_bytes(), day(), &Config::default()).unwrap();
        let b = parse(csv.as_bytes(), day(), &Config::default()).unwrap();
        assert_eq!(key(&a), key(&b));
        assert_eq!(key(&a).as_deref(), Some("2026-11-21/10:00/1/drip"));
    }

    #[test]
    fn bytes_that_are_no_text_are_refused() {
        assert_eq!(
            decode(&[0x82, 0xff, 0xff, 0x00, 0x81]).unwrap_err(),
            ImportError::Encoding
        );
    }
}
