//! `flowboard report incident VISIT`: the course of one reaction, minute
//! by minute, in words (English or Japanese) for the text and the CSV,
//! and as stable codes for the JSON. The course itself is the domain's
//! (`domain::incident::course`); this module only says it.
//!
//! User text (signs, reasons, names) was cleaned where it entered; it is
//! cleaned again here, where it leaves for a terminal or a spreadsheet
//! (the CSV goes through `csv_out`, every cell neutralised).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::config::Config;
use crate::domain::Route;
use crate::domain::clinical::Consciousness;
use crate::domain::incident::{Course, Fix, Step, What};
use crate::domain::text::{fit, sanitize};
use crate::i18n::{Lang, reaction_name, stage_name};

fn hm(config: &Config, t: DateTime<Utc>) -> String {
    t.with_timezone(&config.timezone)
        .format("%H:%M")
        .to_string()
}

fn day_hm(config: &Config, t: DateTime<Utc>) -> String {
    t.with_timezone(&config.timezone)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Minutes from the first signs on the report's page: `T-4`, `T+0` in
/// English, `-4分`, `0分`, `+12分` in Japanese.
pub fn minute_words(course: &Course, at: DateTime<Utc>, lang: Lang) -> String {
    let m = (at - course.onset).num_seconds().div_euclid(60);
    match (lang, m) {
        (Lang::En, _) => minute(course, at),
        (Lang::Ja, 0) => "0分".to_string(),
        (Lang::Ja, m) if m > 0 => format!("+{m}分"),
        (Lang::Ja, m) => format!("{m}分"),
    }
}

/// Minutes from the first signs, as a spreadsheet keeps it as text:
/// `T-4`, `T+0`, `T+12` (whole minutes, rounded down).
pub fn minute(course: &Course, at: DateTime<Utc>) -> String {
    let m = (at - course.onset).num_seconds().div_euclid(60);
    if m < 0 {
        format!("T{m}")
    } else {
        format!("T+{m}")
    }
}

fn treatment_label(config: &Config, lang: Lang, id: &str) -> String {
    match config.treatment(id) {
        Some(t) => match (lang, &t.label_ja) {
            (Lang::Ja, Some(ja)) => ja.clone(),
            _ => t.label.clone(),
        },
        None => id.to_string(),
    }
}

fn consciousness(lang: Lang, c: Consciousness) -> &'static str {
    use Consciousness::*;
    match (lang, c) {
        (Lang::En, Alert) => "alert",
        (Lang::En, Confusion) => "new confusion",
        (Lang::En, Voice) => "responds to voice",
        (Lang::En, Pain) => "responds to pain",
        (Lang::En, Unresponsive) => "unresponsive",
        (Lang::Ja, Alert) => "意識清明",
        (Lang::Ja, Confusion) => "新たな混乱",
        (Lang::Ja, Voice) => "呼びかけに反応",
        (Lang::Ja, Pain) => "痛みに反応",
        (Lang::Ja, Unresponsive) => "反応なし",
    }
}

/// What a step was, in words.
pub fn what_words(course: &Course, step: &Step, config: &Config, lang: Lang) -> String {
    let ja = lang == Lang::Ja;
    let c = |s: &str| sanitize(s);
    let drip = config.treatment(&course.treatment).map(|t| t.route) == Some(Route::Drip);
    match &step.what {
        What::AdministrationStarted {
            bed,
            lot,
            lot_expiry,
            product,
            dose_ml,
            nurse,
        } => {
            let mut parts = Vec::new();
            if let Some(lot) = lot {
                parts.push(match (ja, lot_expiry) {
                    (false, Some(e)) => format!("lot {} (expires {e})", c(lot)),
                    (false, None) => format!("lot {}", c(lot)),
                    (true, Some(e)) => format!("ロット {}（有効期限 {e}）", c(lot)),
                    (true, None) => format!("ロット {}", c(lot)),
                });
            }
            if let Some(p) = product {
                parts.push(c(p));
            }
            if let Some(d) = dose_ml {
                parts.push(format!("{d} mL"));
            }
            if let Some(n) = nurse {
                parts.push(if ja {
                    format!("看護師 {}", c(n))
                } else {
                    format!("nurse {}", c(n))
                });
            }
            let head = match (ja, drip, bed) {
                (false, true, Some(b)) => format!("drip started on bed {}", c(b)),
                (false, true, None) => "drip started".to_string(),
                (false, false, _) => "injection started".to_string(),
                (true, true, Some(b)) => format!("点滴開始（ベッド{}）", c(b)),
                (true, true, None) => "点滴開始".to_string(),
                (true, false, _) => "注射開始".to_string(),
            };
            if ja {
                format!("{head}：{}", parts.join("、"))
            } else {
                format!("{head}: {}", parts.join(", "))
            }
        }
        What::Vitals {
            systolic,
            diastolic,
            pulse,
            spo2,
            temperature,
            respiratory_rate,
            consciousness: level,
            news2,
        } => {
            if ja {
                format!(
                    "バイタル：血圧 {systolic}/{diastolic}・脈拍 {pulse}・SpO2 {spo2}%・体温 {temperature:.1}℃・呼吸数 {respiratory_rate}・{}（NEWS2 {news2}点）",
                    consciousness(lang, *level)
                )
            } else {
                format!(
                    "vitals: BP {systolic}/{diastolic}, pulse {pulse}, SpO2 {spo2} %, {temperature:.1} C, RR {respiratory_rate}, {} (NEWS2 {news2})",
                    consciousness(lang, *level)
                )
            }
        }
        What::Reaction {
            reaction,
            signs,
            action,
        } => {
            let kind = reaction_name(lang, *reaction);
            let head = match (ja, step.at == course.onset) {
                (false, true) => format!("first signs: {kind}: {}", c(signs)),
                (false, false) => format!("reaction: {kind}: {}", c(signs)),
                (true, true) => format!("初発症状：{kind}：{}", c(signs)),
                (true, false) => format!("反応：{kind}：{}", c(signs)),
            };
            let done = match (ja, action.is_empty()) {
                (_, true) => String::new(),
                (false, false) => format!("; done: {}", c(action)),
                (true, false) => format!("；対応：{}", c(action)),
            };
            format!("{head}{done}")
        }
        What::Paused { reason } => {
            if ja {
                format!("点滴一時停止：{}", c(reason))
            } else {
                format!("drip paused: {}", c(reason))
            }
        }
        What::Resumed => if ja { "点滴再開" } else { "drip resumed" }.to_string(),
        What::AdministrationEnded {
            early,
            volume_ml,
            by_reaction,
        } => {
            let volume = match (ja, volume_ml) {
                (_, None) => String::new(),
                (false, Some(v)) => format!(" ({v} mL given)"),
                (true, Some(v)) => format!("（投与量 {v} mL）"),
            };
            match (ja, early, by_reaction) {
                (false, Some(_), Some(k)) => {
                    format!(
                        "administration stopped for the {}{volume}",
                        reaction_name(lang, *k)
                    )
                }
                (true, Some(_), Some(k)) => {
                    format!("投与中止（{}のため）{volume}", reaction_name(lang, *k))
                }
                (false, Some(r), None) => format!("administration stopped: {}{volume}", c(r)),
                (true, Some(r), None) => format!("投与中止：{}{volume}", c(r)),
                (false, None, _) => "needle out at the end of administration".to_string(),
                (true, None, _) => "投与終了・抜針".to_string(),
            }
        }
        What::DoctorPresent { doctor } => {
            if ja {
                format!("医師到着：{}", c(doctor))
            } else {
                format!("doctor present: {}", c(doctor))
            }
        }
        What::Adrenaline {
            dose_mg,
            confirmed_by,
        } => match (ja, confirmed_by) {
            (false, None) => format!("adrenaline {dose_mg:.2} mg IM"),
            (false, Some(d)) => format!(
                "adrenaline {dose_mg:.2} mg IM (above the computed dose, confirmed by {})",
                c(d)
            ),
            (true, None) => format!("アドレナリン {dose_mg:.2} mg 筋注"),
            (true, Some(d)) => {
                format!(
                    "アドレナリン {dose_mg:.2} mg 筋注（計算量超過・{}確認）",
                    c(d)
                )
            }
        },
        What::AmbulanceCalled => if ja {
            "救急車要請"
        } else {
            "ambulance called"
        }
        .to_string(),
        What::SymptomFree => if ja { "症状消失" } else { "symptom-free" }.to_string(),
        What::Clearance { doctor, reason } => match (ja, reason) {
            (false, None) => format!("cleared for discharge by {}", c(doctor)),
            (false, Some(r)) => format!("cleared for discharge by {}: {}", c(doctor), c(r)),
            (true, None) => format!("医師の帰宅許可：{}", c(doctor)),
            (true, Some(r)) => format!("医師の帰宅許可：{}（{}）", c(doctor), c(r)),
        },
        What::Transferred { reason } => {
            if ja {
                format!("救急搬送：{}", c(reason))
            } else {
                format!("transferred: {}", c(reason))
            }
        }
        What::Discharged => if ja { "帰宅" } else { "discharged home" }.to_string(),
        What::Cancelled { reason } => {
            if ja {
                format!("退出：{}", c(reason))
            } else {
                format!("left the clinic: {}", c(reason))
            }
        }
    }
}

fn field_words(lang: Lang, field: &str) -> String {
    let (base, undone) = match field.strip_suffix(" correction undone") {
        Some(base) => (base, true),
        None => (field, false),
    };
    let name = match (lang, base) {
        (Lang::En, "time") => "time",
        (Lang::En, "lot") => "lot",
        (Lang::En, "name") => "name",
        (Lang::En, "chart_no") => "chart number",
        (Lang::Ja, "time") => "時刻",
        (Lang::Ja, "lot") => "ロット番号",
        (Lang::Ja, "name") => "氏名",
        (Lang::Ja, "chart_no") => "カルテ番号",
        (_, other) => other,
    };
    match (lang, undone) {
        (_, false) => name.to_string(),
        (Lang::En, true) => format!("the {name} correction"),
        (Lang::Ja, true) => format!("{name}の訂正"),
    }
}

/// A correction in words: when, who, what changed, why.
pub fn fix_words(f: &Fix, config: &Config, lang: Lang) -> String {
    let ja = lang == Lang::Ja;
    let c = |s: &str| sanitize(s);
    let when = hm(config, f.recorded_at);
    let by = f.by.as_deref().map(c).unwrap_or_else(|| "-".to_string());
    let reason = match (ja, f.reason.is_empty()) {
        (_, true) => String::new(),
        (false, false) => format!(": {}", c(&f.reason)),
        (true, false) => format!("：{}", c(&f.reason)),
    };
    let doctor = match (ja, &f.doctor) {
        (_, None) => String::new(),
        (false, Some(d)) => format!(", approved by {}", c(d)),
        (true, Some(d)) => format!("・{}承認", c(d)),
    };
    let field = field_words(lang, &f.field);
    match (ja, f.field.as_str()) {
        (false, "undone") => format!("undone at {when} by {by}{reason}"),
        (true, "undone") => format!("{when} {by}が取り消し{reason}"),
        (false, x) if x.ends_with(" undone") => {
            format!("{field} undone at {when} by {by}{reason}")
        }
        (true, x) if x.ends_with(" undone") => format!("{when} {by}が{field}を取り消し{reason}"),
        (false, _) => format!(
            "{field} corrected from {} to {} at {when} by {by}{doctor}{reason}",
            c(&f.old),
            c(&f.new)
        ),
        (true, _) => format!(
            "{when} {by}が{field}を訂正（{} → {}）{doctor}{reason}",
            c(&f.old),
            c(&f.new)
        ),
    }
}

/// The report as text.
pub fn text(course: &Course, config: &Config, lang: Lang) -> String {
    let ja = lang == Lang::Ja;
    let c = |s: &str| sanitize(s);
    let mut out = String::new();
    let chart = course.chart_no.as_deref().map(c);
    let name = c(&course.name);
    let onset_day = course
        .onset
        .with_timezone(&config.timezone)
        .format("%Y-%m-%d");
    let reaction = reaction_name(lang, course.reaction);
    let outcome = stage_name(lang, course.outcome);
    let outcome_at = course.outcome_at.map(|t| hm(config, t));
    if ja {
        out += &format!("{} 有害事象 経過報告\n", c(&config.clinic_name));
        out += &format!(
            "来院 {}・受付番号 {}：{name}（カルテ番号 {}）\n",
            course.visit,
            course.ticket,
            chart.as_deref().unwrap_or("なし")
        );
        out += &format!(
            "施術：{}\n",
            treatment_label(config, lang, &course.treatment)
        );
        out += &format!(
            "反応：{reaction}・初発 {onset_day} {}\n",
            hm(config, course.onset)
        );
        out += &match outcome_at {
            Some(at) => format!("転帰：{outcome}（{at}）\n"),
            None => format!("転帰：院内（{outcome}）\n"),
        };
        out += "\n経過（初発を0分とする）\n時刻   分     記録者  内容\n";
    } else {
        out += &format!("{} incident report\n", c(&config.clinic_name));
        out += &format!(
            "Visit {}, reception no. {}: {name} (chart no. {})\n",
            course.visit,
            course.ticket,
            chart.as_deref().unwrap_or("none")
        );
        out += &format!(
            "Treatment: {}\n",
            treatment_label(config, lang, &course.treatment)
        );
        out += &format!(
            "Reaction: {reaction}; first signs {onset_day} {}\n",
            hm(config, course.onset)
        );
        out += &match outcome_at {
            Some(at) => format!("Outcome: {outcome} at {at}\n"),
            None => format!("Outcome: still in the clinic ({outcome})\n"),
        };
        out += "\nCourse (minute 0: the first signs)\ntime   min    by      what\n";
    }
    for step in &course.steps {
        let by = step.by.as_deref().map(c).unwrap_or_else(|| "-".into());
        out += &format!(
            "{}  {}  {}  {}\n",
            hm(config, step.at),
            fit(&minute_words(course, step.at, lang), 5),
            fit(&by, 6),
            what_words(course, step, config, lang)
        );
        for f in step.undone.iter().chain(step.corrected.iter()) {
            out += &format!("{:22}{}\n", "", fix_words(f, config, lang));
        }
    }
    if !course.corrections.is_empty() {
        out += if ja {
            "\n来院記録の訂正\n"
        } else {
            "\nCorrections of the visit\n"
        };
        for f in &course.corrections {
            out += &format!("  {}\n", fix_words(f, config, lang));
        }
    }
    out
}

/// One line of the report's CSV.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub visit: u64,
    pub chart_no: String,
    /// When it happened (clinic time).
    pub time: String,
    /// Minutes from the first signs: `T-4`, `T+0`.
    pub minute: String,
    /// A stable code: `administration_started`, `vitals`, `adrenaline`,
    /// …, `correction` for a correction of the visit itself.
    pub event: String,
    /// What, in the report's language.
    pub what: String,
    pub by: String,
    /// When it was entered (clinic time).
    pub entered: String,
    /// Undone or corrected later, in the report's language.
    pub corrections: String,
}

fn code(what: &What) -> String {
    serde_json::to_value(what)
        .ok()
        .and_then(|v| v["event"].as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The report as CSV rows (written through `csv_out`).
pub fn rows(course: &Course, config: &Config, lang: Lang) -> Vec<Row> {
    let chart = course.chart_no.clone().unwrap_or_default();
    let mut out: Vec<Row> = course
        .steps
        .iter()
        .map(|s| Row {
            visit: course.visit.0,
            chart_no: chart.clone(),
            time: day_hm(config, s.at),
            minute: minute(course, s.at),
            event: code(&s.what),
            what: what_words(course, s, config, lang),
            by: s.by.as_deref().map(sanitize).unwrap_or_default(),
            entered: day_hm(config, s.recorded_at),
            corrections: s
                .undone
                .iter()
                .chain(s.corrected.iter())
                .map(|f| fix_words(f, config, lang))
                .collect::<Vec<_>>()
                .join(if lang == Lang::Ja { "／" } else { " / " }),
        })
        .collect();
    out.extend(course.corrections.iter().map(|f| Row {
        visit: course.visit.0,
        chart_no: chart.clone(),
        time: day_hm(config, f.recorded_at),
        minute: minute(course, f.recorded_at),
        event: "correction".into(),
        what: fix_words(f, config, lang),
        by: f.by.as_deref().map(sanitize).unwrap_or_default(),
        entered: day_hm(config, f.recorded_at),
        corrections: String::new(),
    }));
    out
}

/// Why there is no report for a visit: it has no reaction.
pub fn no_reaction(lang: Lang, visit: u64, name: &str) -> String {
    match lang {
        Lang::En => format!(
            "visit {visit} ({}) has no reaction on record: there is no incident to report",
            sanitize(name)
        ),
        Lang::Ja => format!(
            "来院 {visit}（{}）には反応の記録がありません：報告する有害事象はありません",
            sanitize(name)
        ),
    }
}

#[cfg(test)]
mod tests;
