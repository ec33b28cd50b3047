//! The words of the user interface, in English and Japanese.
//!
//! One mechanism: each language is one file (`en.rs`, `ja.rs`) holding
//! everything that language says — its tables of fixed words ([`Texts`])
//! and its sentences (the [`Words`] trait: an alert, what a move still
//! needs, an entry in the record). A missing word or sentence is a
//! compile error. The functions here gather the facts a sentence needs
//! (labels from the config, clock times) and ask the language to say it,
//! so a line is wholly in one language. Machine-facing text (JSON codes,
//! protocol errors) stays English.

mod en;
mod ja;

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::{Config, RiskFlag};
use crate::domain::rules::{DoseProblem, EmergencyState, VitalsFinding};
use crate::domain::{
    Alert, AlertCode, Badge, Check, Correction, Entry, EventKind, Missing, ReactionKind, Route,
    Stage, Vitals,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Ja,
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Lang, String> {
        match s {
            "en" => Ok(Lang::En),
            "ja" => Ok(Lang::Ja),
            other => Err(format!("unknown language {other:?}: use \"en\" or \"ja\"")),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        })
    }
}

/// The facts an alert's sentence is made of, gathered in the screen's
/// language (labels of screening items, the reaction and date of an
/// earlier one).
pub struct AlertFacts<'a> {
    pub alert: &'a Alert,
    /// The detail with screening ids as their labels.
    pub detail: String,
    /// The treatment is a drip (else an injection).
    pub drip: bool,
    /// When the condition began, `HH:MM`.
    pub since: String,
    /// An earlier reaction: its name and when.
    pub prior: (String, String),
    /// The emergency line's parts: the dose (or how many were given), and
    /// who is with the patient (or "call the doctor").
    pub emergency: (String, String),
    /// `caseload.max_drips_per_nurse`, for the caseload alert.
    pub caseload_limit: u32,
}

/// Everything a language says in sentences. Each language implements it
/// in its own file, next to its tables.
pub trait Words: Sync {
    /// The fixed words.
    fn texts(&self) -> &'static Texts;
    /// Between the items of a list.
    fn list_separator(&self) -> &'static str;
    fn alert_message(&self, facts: &AlertFacts) -> String;
    /// What is abnormal in a set of vitals.
    fn vitals_finding(&self, finding: &VitalsFinding) -> String;
    /// A set of vitals in one line: `118/74 P74 SpO2 98 36.5C RR14`.
    fn vitals_line(&self, vitals: &Vitals) -> String;
    /// A short word for an alert on a board row.
    fn alert_short(&self, code: AlertCode) -> &'static str;
    fn dose_problem(&self, problem: &DoseProblem) -> String;
    /// The words for a gate that is not a screening item (fever, vitals).
    fn gate(&self, id: &str) -> Option<&'static str>;
    fn reaction_name(&self, kind: ReactionKind) -> &'static str;
    fn check_name(&self, check: Check) -> &'static str;
    fn flag_name(&self, flag: RiskFlag) -> &'static str;
    fn badge(&self, badge: &Badge, tz: chrono_tz::Tz) -> String;
    fn missing(&self, missing: &Missing, config: &Config) -> String;
    fn entry(&self, entry: &Entry, config: &Config) -> String;
    fn record_event(&self, kind: &EventKind, tz: chrono_tz::Tz) -> String;
    /// `field`: the corrected value's name (computed by the language too).
    fn correction(
        &self,
        correction: &Correction,
        old: &str,
        reason: &str,
        tz: chrono_tz::Tz,
        event: Option<&str>,
    ) -> String;
    fn reaction_steps(
        &self,
        kind: ReactionKind,
        dose_mg: Option<f32>,
        cap_mg: f32,
        weight_kg: Option<f32>,
    ) -> Vec<String>;
}

/// The words of a language.
pub fn words(lang: Lang) -> &'static dyn Words {
    match lang {
        Lang::En => &en::English,
        Lang::Ja => &ja::Japanese,
    }
}

pub fn texts(lang: Lang) -> &'static Texts {
    words(lang).texts()
}

/// Every fixed string the screens show.
pub struct Texts {
    pub lang: Lang,
    pub stages: [&'static str; 10],
    pub beds_free: &'static str,
    pub no_alerts: &'static str,
    pub no_patients: &'static str,
    pub col_no: &'static str,
    pub col_name: &'static str,
    pub col_treatment: &'static str,
    pub col_bed: &'static str,
    pub col_timer: &'static str,
    pub col_alerts: &'static str,
    pub detail_title: &'static str,
    pub detail_empty: &'static str,
    pub alerts_title: &'static str,
    pub left: &'static str,
    pub over: &'static str,
    pub connecting: &'static str,
    pub reconnecting: &'static str,
    pub filter: &'static str,
    pub help_title: &'static str,
    pub form_arrival: &'static str,
    pub form_advance: &'static str,
    pub form_cancel: &'static str,
    pub field_name: &'static str,
    pub field_chart_no: &'static str,
    pub field_treatment: &'static str,
    pub field_bed: &'static str,
    pub field_reason: &'static str,
    pub field_at: &'static str,
    pub at_hint: &'static str,
    pub key_quit: &'static str,
    pub key_arrival: &'static str,
    pub key_select: &'static str,
    pub key_next: &'static str,
    pub key_cancel: &'static str,
    pub key_undo: &'static str,
    pub key_filter: &'static str,
    pub key_help: &'static str,
    pub key_close: &'static str,
    pub confirm_undo: &'static str,
    pub sent: &'static str,
    pub too_small: &'static str,
    pub events: EventWords,
    /// Words only the terminal UI uses (kept apart so its additions stay
    /// in one place).
    pub ui: UiTexts,
    /// Words of the clinical forms, the emergency banner and the care
    /// summary (issue 3).
    pub clinic: ClinicTexts,
    /// Words of the wall display (and of the start-up questions).
    pub wall: WallTexts,
    /// Words of the history view, corrections and check-in (issue 5).
    pub records: RecordsTexts,
    /// Words of the busy hour: beds that turn over, the wait, caseloads,
    /// a patient not shown (issue 13).
    pub busy: BusyTexts,
}

/// Words of the wall display. It faces the waiting room: nothing here
/// names a treatment, a reaction or what an alert is about.
pub struct WallTexts {
    /// `{b}` is the bed's name.
    pub bed: &'static str,
    pub free: &'static str,
    /// A patient named by reception number: `{n}`.
    pub ticket: &'static str,
    /// Alerts, without detail: warning and critical.
    pub attention: &'static str,
    pub attention_now: &'static str,
    pub emergency: &'static str,
    pub reconnecting: &'static str,
    pub connecting: &'static str,
    /// `{n}` / `{m}`.
    pub page: &'static str,
    pub nobody_waiting: &'static str,
    pub left: &'static str,
    pub over: &'static str,
    /// A bed's state: being treated, resting in observation.
    pub treating: &'static str,
    pub resting: &'static str,
    pub too_small: &'static str,
    /// The question asked at start when `--as` is not given.
    pub ask_operator: &'static str,
    pub ask_operator_again: &'static str,
    pub until_symptom_free: &'static str,
    /// {s}: the stage's name, heading a column that goes on from the one before.
    pub continued: &'static str,
    pub done: &'static str,
}

/// Words for event kinds in the detail pane.
pub struct EventWords {
    pub arrived: &'static str,
    pub counselling_started: &'static str,
    pub marked_ready: &'static str,
    pub administration_started: &'static str,
    pub administration_ended: &'static str,
    pub discharged: &'static str,
    pub deferred: &'static str,
    pub cancelled: &'static str,
    pub transferred: &'static str,
    pub reverted: &'static str,
    pub undone: &'static str,
    pub recorded: &'static str,
}

/// Words of the terminal UI. Placeholders in braces (`{n}`) are replaced
/// by the screen; no ambiguous-width symbols (STYLE.md).
pub struct UiTexts {
    /// Severity words, shown with the symbol so colour is never alone.
    pub critical: &'static str,
    pub warning: &'static str,
    pub info: &'static str,
    /// Short alert words for the row badges.
    pub badge_waited: &'static str,
    pub badge_due: &'static str,
    pub badge_overdue: &'static str,
    pub badge_observed: &'static str,
    pub badge_discharge: &'static str,
    pub minutes_unit: &'static str,
    /// `{n}` alerts not shown.
    pub more_alerts: &'static str,
    /// Timer words: `{t}` is the time.
    pub timer_left: &'static str,
    pub timer_over: &'static str,
    /// `{t}` is the clock time the stage began.
    pub since: &'static str,
    pub stage: &'static str,
    pub ticket: &'static str,
    pub by: &'static str,
    pub events_title: &'static str,
    pub exit_reason: &'static str,
    pub bed_none: &'static str,
    pub bed_choose: &'static str,
    pub no_free_bed: &'static str,
    pub no_match: &'static str,
    pub no_next: &'static str,
    pub not_active: &'static str,
    pub nothing_selected: &'static str,
    pub read_only: &'static str,
    pub nothing_to_undo: &'static str,
    pub undo_what: &'static str,
    pub sending: &'static str,
    pub lost_pending: &'static str,
    pub lost_because: &'static str,
    pub err_name_empty: &'static str,
    pub err_bad_time: &'static str,
    pub err_bed_required: &'static str,
    pub err_reason_empty: &'static str,
    pub help_board: &'static str,
    pub help_form: &'static str,
    pub help_filter: &'static str,
    pub help_confirm: &'static str,
    pub help_close: &'static str,
    pub key_page: &'static str,
    pub key_first_last: &'static str,
    pub key_field_next: &'static str,
    pub key_field_prev: &'static str,
    pub key_choose: &'static str,
    /// A character typed on a field that is not typed in (`{c}`): a tick
    /// box, a choice.
    pub not_typed_tick: &'static str,
    pub not_typed_choice: &'static str,
    pub key_submit: &'static str,
    pub key_abort: &'static str,
    pub key_delete: &'static str,
    pub key_home_end: &'static str,
    pub key_keep_filter: &'static str,
    pub key_clear_filter: &'static str,
    pub key_yes: &'static str,
    pub key_no: &'static str,
    pub key_alerts: &'static str,
    pub key_clear_field: &'static str,
    pub key_alert_select: &'static str,
    pub key_first_last_alert: &'static str,
    pub help_typing: &'static str,
    pub help_alerts: &'static str,
    pub enter_not_taken: &'static str,
    /// {n}: keys typed while saving.
    pub saving_queued: &'static str,
    pub brief_alerts: &'static str,
    pub brief_next: &'static str,
    pub brief_cancel: &'static str,
}

/// Words of the history view, the correction form and check-in.
/// Placeholders in braces are replaced by the screen.
pub struct RecordsTexts {
    pub history_title: &'static str,
    /// `{d}`: the day.
    pub loading: &'static str,
    /// `{d}`: the day, `{e}`: why.
    pub load_failed: &'static str,
    pub today: &'static str,
    pub no_events: &'static str,
    pub no_match: &'static str,
    /// `{n}`: how many (two or more, or none).
    pub count: &'static str,
    pub count_one: &'static str,
    pub col_time: &'static str,
    pub col_recorded: &'static str,
    pub col_by: &'static str,
    pub col_patient: &'static str,
    pub col_what: &'static str,
    pub filter_kind: &'static str,
    pub filter_patient: &'static str,
    pub filter_by: &'static str,
    pub kinds: [&'static str; 4],
    pub no_later_day: &'static str,
    pub no_patient_row: &'static str,
    pub key_history: &'static str,
    pub key_day: &'static str,
    pub key_move: &'static str,
    pub key_patient: &'static str,
    pub key_by: &'static str,
    pub key_kind: &'static str,
    pub key_close: &'static str,
    pub key_keep_by: &'static str,
    pub key_clear_by: &'static str,
    pub help_history: &'static str,
    pub help_by: &'static str,
    // Corrections.
    pub key_correct: &'static str,
    pub form_correct: &'static str,
    pub field_what: &'static str,
    pub field_right_time: &'static str,
    /// `{e}`: the event, `{t}`: its time now.
    pub what_time: &'static str,
    pub right_time_hint: &'static str,
    pub reason_hint: &'static str,
    /// `{v}`: the value before the correction.
    pub was: &'static str,
    pub corrected: &'static str,
    pub err_unchanged: &'static str,
    // Check-in of an expected patient.
    pub key_check_in: &'static str,
    /// The help's line for Enter on an expected patient.
    pub key_check_in_help: &'static str,
    pub form_check_in: &'static str,
    pub counselling_started: &'static str,
    pub brief_correct: &'static str,
}

/// Words of the clinical forms, the emergency banner and the care summary.
/// Placeholders in braces are replaced by the screen. No ambiguous-width
/// symbols (STYLE.md): temperatures say "C", never the degree sign.
pub struct ClinicTexts {
    // Form titles.
    pub form_counselling: &'static str,
    pub form_vitals: &'static str,
    pub form_start: &'static str,
    pub form_pause: &'static str,
    pub form_stop: &'static str,
    pub form_reaction: &'static str,
    pub form_followup: &'static str,
    pub form_discharge: &'static str,
    // Sections.
    pub sec_screening: &'static str,
    pub sec_block: &'static str,
    pub sec_caution: &'static str,
    pub sec_consent: &'static str,
    pub sec_plan: &'static str,
    pub sec_missing_ready: &'static str,
    pub sec_missing_start: &'static str,
    pub sec_missing_discharge: &'static str,
    pub sec_steps: &'static str,
    pub sec_checklist: &'static str,
    pub sec_aftercare: &'static str,
    pub nothing_missing: &'static str,
    /// `{d}`: the date of the last visit.
    pub from_last_visit: &'static str,
    pub first_visit_note: &'static str,
    pub level_block: &'static str,
    pub level_caution: &'static str,
    pub level_info: &'static str,
    pub answer_unset: &'static str,
    pub answer_yes: &'static str,
    pub answer_no: &'static str,
    pub decision_unset: &'static str,
    pub decision_defer: &'static str,
    pub decision_override: &'static str,
    pub defer_reason: &'static str,
    // Fields.
    pub field_decision: &'static str,
    pub field_doctor: &'static str,
    pub field_method: &'static str,
    pub method_papule: &'static str,
    pub method_nappage: &'static str,
    pub field_sites: &'static str,
    pub sites_hint: &'static str,
    pub field_dose_ml: &'static str,
    pub field_product: &'static str,
    pub field_origin: &'static str,
    pub origins: [&'static str; 5],
    pub not_chosen: &'static str,
    pub field_nurse: &'static str,
    pub field_weight: &'static str,
    pub weight_hint: &'static str,
    pub field_systolic: &'static str,
    pub field_diastolic: &'static str,
    pub field_pulse: &'static str,
    pub field_spo2: &'static str,
    pub field_temperature: &'static str,
    pub field_resp_rate: &'static str,
    pub field_consciousness: &'static str,
    pub consciousness: [&'static str; 5],
    pub field_lot: &'static str,
    pub field_lot_expiry: &'static str,
    pub expiry_hint: &'static str,
    pub field_volume: &'static str,
    pub volume_hint: &'static str,
    pub field_kind: &'static str,
    pub field_signs: &'static str,
    pub field_action: &'static str,
    pub field_followup: &'static str,
    pub followups: [&'static str; 6],
    pub field_dose_mg: &'static str,
    // Checklist.
    /// `{t}`: time left of pressure.
    pub hemostasis_left: &'static str,
    pub hemostasis_done: &'static str,
    /// `{a}`-`{b}` days, session `{n}` of `{m}`.
    pub next_visit: &'static str,
    /// `{m}` sessions.
    pub course_done: &'static str,
    /// `{p}`: the clinic's phone number.
    pub whom_to_call: &'static str,
    pub ticked: &'static str,
    pub discharge_hint: &'static str,
    pub vitals_hint: &'static str,
    pub clearance_hint: &'static str,
    // Errors next to fields.
    pub err_not_a_number: &'static str,
    pub err_required: &'static str,
    pub err_answer: &'static str,
    pub err_choose: &'static str,
    pub err_weight: &'static str,
    pub err_dose: &'static str,
    pub err_lot_blank: &'static str,
    pub err_bad_date: &'static str,
    pub err_out_of_range: &'static str,
    // Status lines.
    /// `{m}`: what is missing.
    pub saved_not_ready: &'static str,
    pub no_unacknowledged: &'static str,
    pub no_drip_check: &'static str,
    pub only_administration: &'static str,
    pub only_counselling: &'static str,
    pub only_from_administration: &'static str,
    pub resuming: &'static str,
    // The emergency banner and the care summary.
    pub emergency: &'static str,
    pub anaphylaxis: &'static str,
    /// `{d}`: the dose in mg.
    pub adrenaline_im: &'static str,
    pub repeat_due: &'static str,
    pub call_ambulance: &'static str,
    pub bed: &'static str,
    pub plan: &'static str,
    pub lot: &'static str,
    pub vitals: &'static str,
    pub reactions: &'static str,
    pub reaction_open: &'static str,
    /// `{t}`: when the patient became symptom-free.
    pub reaction_resolved: &'static str,
    pub checklist: &'static str,
    pub next_needs: &'static str,
    /// `{n}` consent items not agreed yet (the detail pane's short form).
    pub consent_count: &'static str,
    pub badges: &'static str,
    /// `{who}` acknowledged the alert.
    pub acknowledged_by: &'static str,
    pub paused: &'static str,
    // Keys.
    pub key_counselling: &'static str,
    pub key_vitals: &'static str,
    pub key_drip_check: &'static str,
    pub key_pause: &'static str,
    pub key_stop: &'static str,
    pub key_reaction: &'static str,
    pub key_followup: &'static str,
    pub key_ack: &'static str,
    pub key_toggle: &'static str,
    pub key_scroll: &'static str,
    pub help_care: &'static str,
    // The visit protocol's additions.
    pub field_age: &'static str,
    pub field_stop_drip: &'static str,
    /// `{why}`: what is wrong with the dose.
    pub confirm_dose: &'static str,
    /// `{c}`: the cap in mg.
    pub no_weight_dose: &'static str,
    /// `{ml}`: the dose in mL of 1 mg/mL.
    pub dose_in_ml: &'static str,
    /// `{n}`: doses given so far.
    pub doses_given: &'static str,
    /// `{who}`: the doctor with the patient.
    pub doctor_with: &'static str,
    pub call_the_doctor: &'static str,
    pub form_undo: &'static str,
    pub field_pin: &'static str,
    pub form_skip_check: &'static str,
    pub key_skip_check: &'static str,
    pub vitals_typing: &'static str,
    pub sec_checks_due: &'static str,
    /// {m}: the minute of the drip.
    pub field_drip_check: &'static str,
    /// {n}: the lot number, {e}: its expiry.
    pub lot_with_expiry: &'static str,
    pub lot_new: &'static str,
    pub lot_number_hint: &'static str,
    pub sec_pre_vitals: &'static str,
    pub sec_end_vitals: &'static str,
    pub form_needle_out: &'static str,
    pub stopped_early: &'static str,
    /// {v}: the volume given, as entered.
    pub volume_given: &'static str,
    /// {t}: how long ago the observation was done.
    pub timer_done: &'static str,
    pub lot_choice: &'static str,
    pub brief_counselling: &'static str,
    pub brief_check: &'static str,
    pub brief_skip: &'static str,
    pub brief_pause: &'static str,
    pub brief_stop: &'static str,
    pub brief_followup: &'static str,
    pub brief_ack: &'static str,
}

/// The header's warning when the branch's shipping to the clinic group
/// is behind: since when (clinic time, HH:MM) and for how many minutes.
pub fn shipping_behind(lang: Lang, since: &str, minutes: i64) -> String {
    match lang {
        Lang::En => format!("! group: not shipped since {since} ({minutes} min)"),
        Lang::Ja => format!("! グループ未送信: {since} から ({minutes} 分)"),
    }
}

pub fn stage_name(lang: Lang, stage: Stage) -> &'static str {
    let i = Stage::ALL.iter().position(|s| *s == stage).unwrap_or(0);
    texts(lang).stages[i]
}

/// The sentence for an alert, as the staff read it.
pub fn alert_message(lang: Lang, alert: &Alert, route: Option<Route>, config: &Config) -> String {
    // Screening answers are named by their labels, not their ids.
    let detail = match alert.code {
        AlertCode::Contraindication | AlertCode::CautionNeedsDoctor => alert
            .detail
            .split(", ")
            .map(|id| item_label(lang, config, id))
            .collect::<Vec<_>>()
            .join(", "),
        AlertCode::Vitals if !alert.findings.is_empty() => alert
            .findings
            .iter()
            .map(|f| words(lang).vitals_finding(f))
            .collect::<Vec<_>>()
            .join(words(lang).list_separator()),
        _ => alert.detail.clone(),
    };
    let prior = if alert.code == AlertCode::PriorReaction {
        prior(alert, lang, config)
    } else {
        Default::default()
    };
    let emergency = if alert.code == AlertCode::Emergency {
        emergency_parts(lang, alert)
    } else {
        Default::default()
    };
    words(lang).alert_message(&AlertFacts {
        alert,
        detail,
        drip: route == Some(Route::Drip),
        since: hm(config, &alert.since),
        prior,
        emergency,
        caseload_limit: config.caseload.max_drips_per_nurse,
    })
}

/// The reaction and its date an earlier-reaction alert is about.
fn prior(alert: &Alert, lang: Lang, config: &Config) -> (String, String) {
    let mut parts = alert.detail.splitn(2, '|');
    let kind = parts
        .next()
        .and_then(|k| serde_json::from_value::<ReactionKind>(k.into()).ok())
        .map_or(String::new(), |k| reaction_name(lang, k).to_string());
    let when = parts
        .next()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map_or(String::new(), |t| {
            t.with_timezone(&config.timezone)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        });
    (kind, when)
}

/// The emergency's line: what to do next, as the response stands (the
/// dose to give, or how many were given; call the doctor, or who is with
/// the patient). A dose the board cannot compute (no weight) is said so.
fn emergency_parts(lang: Lang, alert: &Alert) -> (String, String) {
    let c = &texts(lang).clinic;
    let state = alert.emergency.clone().unwrap_or(EmergencyState {
        dose_cg: None,
        cap_cg: 50,
        doses: 0,
        doctor: None,
    });
    let mg = |cg: u32| format!("{:.2}", f64::from(cg) / 100.0);
    let dose = match state.dose_cg {
        Some(cg) if state.doses == 0 => format!(
            "{} {}",
            c.adrenaline_im.replace("{d}", &mg(cg)),
            c.dose_in_ml.replace("{ml}", &mg(cg))
        ),
        None if state.doses == 0 => c.no_weight_dose.replace("{c}", &mg(state.cap_cg)),
        _ => c.doses_given.replace("{n}", &state.doses.to_string()),
    };
    let doctor = match &state.doctor {
        Some(who) => c.doctor_with.replace("{who}", who),
        None => c.call_the_doctor.to_string(),
    };
    (dose, doctor)
}

/// An alert code as recorded (an acknowledgement names one), in words.
fn alert_words(words: &dyn Words, code: &str) -> String {
    serde_json::from_value::<AlertCode>(serde_json::Value::String(code.to_string())).map_or_else(
        |_| code.replace('_', " "),
        |c| words.alert_short(c).to_string(),
    )
}

/// A treatment's label in the screen's language (the Japanese label when
/// there is one), or its id when the config does not know it.
pub fn treatment_label(config: &Config, lang: Lang, id: &str) -> String {
    match config.treatment(id) {
        Some(t) => label(lang, &t.label, &t.label_ja).to_string(),
        None => id.to_string(),
    }
}

/// A set of vitals in one line.
pub fn vitals_line(lang: Lang, vitals: &Vitals) -> String {
    words(lang).vitals_line(vitals)
}

/// A short word for an alert on a board row (after its severity symbol),
/// for the alerts added by the clinical rules.
pub fn alert_short(lang: Lang, code: AlertCode) -> &'static str {
    words(lang).alert_short(code)
}

fn label<'a>(lang: Lang, label: &'a str, label_ja: &'a Option<String>) -> &'a str {
    match (lang, label_ja) {
        (Lang::Ja, Some(ja)) => ja,
        _ => label,
    }
}

/// A screening item's, consent item's or aftercare item's label.
pub fn item_label(lang: Lang, config: &Config, id: &str) -> String {
    if let Some(q) = config.screening_item(id) {
        return label(lang, &q.label, &q.label_ja).to_string();
    }
    let consent = config
        .consent
        .iter()
        .map(|c| (&c.id, &c.label, &c.label_ja));
    let aftercare = (config.discharge.aftercare.iter()).map(|c| (&c.id, &c.label, &c.label_ja));
    consent
        .chain(aftercare)
        .find(|(c, _, _)| *c == id)
        .map_or(id.to_string(), |(_, l, ja)| label(lang, l, ja).to_string())
}

/// Why a dose is too much, in the screen's language.
pub fn dose_problem(lang: Lang, p: &DoseProblem) -> String {
    words(lang).dose_problem(p)
}

/// What an override covers, in words: a block answer's label, a fever,
/// critical vitals.
pub fn gate_label(lang: Lang, config: &Config, id: &str) -> String {
    match words(lang).gate(id) {
        Some(words) => words.to_string(),
        None => item_label(lang, config, id),
    }
}

/// Gate or item labels joined as the language lists them.
pub(crate) fn gate_list(lang: Lang, config: &Config, ids: &[String]) -> String {
    ids.iter()
        .map(|i| gate_label(lang, config, i))
        .collect::<Vec<_>>()
        .join(words(lang).list_separator())
}

/// `HH:MM` in the clinic's time zone.
pub(crate) fn hm(config: &Config, t: &DateTime<Utc>) -> String {
    t.with_timezone(&config.timezone)
        .format("%H:%M")
        .to_string()
}

pub fn reaction_name(lang: Lang, kind: ReactionKind) -> &'static str {
    words(lang).reaction_name(kind)
}

pub fn check_name(lang: Lang, check: Check) -> &'static str {
    words(lang).check_name(check)
}

pub fn flag_name(lang: Lang, flag: RiskFlag) -> &'static str {
    words(lang).flag_name(flag)
}

/// A badge as shown on a board row.
pub fn badge_text(lang: Lang, badge: &Badge, tz: chrono_tz::Tz) -> String {
    words(lang).badge(badge, tz)
}

/// What a move still needs, as a line in a form or a status message.
pub fn missing_text(lang: Lang, missing: &Missing, config: &Config) -> String {
    words(lang).missing(missing, config)
}

/// A recorded entry in the detail pane.
pub fn entry_words(lang: Lang, entry: &Entry, config: &Config) -> String {
    words(lang).entry(entry, config)
}

/// Words for the day-sheet and correction events in the detail pane.
pub fn record_event_words(lang: Lang, kind: &EventKind, tz: chrono_tz::Tz) -> String {
    words(lang).record_event(kind, tz)
}

/// A correction as the staff read it: which value, the old one beside the
/// new one, and why. `event`: the words of the event whose time was
/// corrected, when known.
pub fn correction_words(
    lang: Lang,
    correction: &Correction,
    old: &str,
    reason: &str,
    tz: chrono_tz::Tz,
    event: Option<&str>,
) -> String {
    words(lang).correction(correction, old, reason, tz, event)
}

/// What to do now for a reaction of `kind`, as the reaction dialog shows it.
/// The anaphylaxis dose comes from the recorded weight (`dose_mg`; `None`:
/// no weight, the board cannot compute it) up to the patient's `cap_mg`.
pub fn reaction_steps(
    lang: Lang,
    kind: ReactionKind,
    dose_mg: Option<f32>,
    cap_mg: f32,
    weight_kg: Option<f32>,
) -> Vec<String> {
    words(lang).reaction_steps(kind, dose_mg, cap_mg, weight_kg)
}

/// Words of the busy hour (issue 13): the bed map, the next bed, the
/// estimated start and wait, caseloads, a patient not shown. Placeholders
/// in braces are replaced by the screen.
pub struct BusyTexts {
    /// The header: `{t}` the clock time the next bed is expected free.
    pub next_bed: &'static str,
    /// The bed map's heading.
    pub beds: &'static str,
    /// A bed's state on the bed map.
    pub bed_free: &'static str,
    /// `{t}`: when the occupied bed is expected free.
    pub bed_until: &'static str,
    /// Nobody can say when it frees (a reaction open).
    pub bed_unknown: &'static str,
    /// `{m}`: minutes since the patient left.
    pub bed_cleaning: &'static str,
    /// A drip patient's estimated start on a row: `{t}`.
    pub starts_about: &'static str,
    /// The wall: a bed being cleaned, a bed whose patient is not shown.
    pub wall_cleaning: &'static str,
    pub wall_occupied: &'static str,
    /// The wall's estimated wait: `{n}` minutes; due now.
    pub wait_about: &'static str,
    pub wait_soon: &'static str,
    /// Keys.
    pub key_bed_ready: &'static str,
    pub key_caseload: &'static str,
    pub key_do_not_display: &'static str,
    /// The caseload panel: its title; `{n}` drips of at most `{m}`; its
    /// groups; nobody with a nurse now.
    pub caseload_title: &'static str,
    pub caseload_drips: &'static str,
    pub caseload_over: &'static str,
    pub caseload_administration: &'static str,
    pub caseload_observation: &'static str,
    pub caseload_none: &'static str,
    /// Marking a bed ready: no bed is being cleaned; sent (`{b}`); the
    /// bed chosen in the list is no longer being cleaned (`{b}`).
    pub no_bed_cleaning: &'static str,
    pub bed_marked: &'static str,
    pub bed_not_cleaning: &'static str,
    /// The list of beds being cleaned: its title, a bed's line (`{b}` the
    /// bed, `{m}` minutes, `{who}` the patient who left it), its keys and
    /// help section.
    pub beds_title: &'static str,
    pub beds_line: &'static str,
    pub key_bed_chosen: &'static str,
    pub key_first_last_bed: &'static str,
    pub help_beds: &'static str,
    /// The do-not-display key: sent, one way or the other.
    pub now_hidden: &'static str,
    pub now_shown: &'static str,
    /// The start form, before a drip over the caseload: `{p}` the
    /// patient, `{nurse}`, `{n}` drips at once, `{m}` the limit.
    pub caseload_start: &'static str,
    /// The reassignment form: its title and key; with whom now (`{nurse}`);
    /// a nurse of the staff list offered (`{who}` initials and name,
    /// `{n}` drips now), someone else, the typed field then; a running drip to a
    /// nurse at the limit (as `caseload_start`).
    pub form_reassign: &'static str,
    pub key_reassign: &'static str,
    pub reassign_now: &'static str,
    pub reassign_option: &'static str,
    pub reassign_other: &'static str,
    pub field_other_nurse: &'static str,
    pub reassign_over: &'static str,
}
