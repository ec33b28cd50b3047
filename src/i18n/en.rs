//! Everything the screens say in English: the fixed words and the
//! sentences.

use chrono_tz::Tz;

use super::{
    AlertFacts, BusyTexts, ClinicTexts, EventWords, Lang, RecordsTexts, Texts, UiTexts, WallTexts,
    Words, alert_words, gate_label, gate_list, hm, item_label, treatment_label,
};
use crate::config::{Config, RiskFlag};
use crate::domain::rules::{DoseProblem, GATE_FEVER, GATE_VITALS, VitalsFinding};
use crate::domain::{
    AlertCode, Badge, Check, Correction, Entry, EventKind, Missing, ReactionKind, Vitals,
};

pub(super) struct English;

impl Words for English {
    fn texts(&self) -> &'static Texts {
        &TEXTS
    }

    fn list_separator(&self) -> &'static str {
        ", "
    }

    fn alert_message(&self, f: &AlertFacts) -> String {
        let alert = f.alert;
        let m = alert.minutes;
        let d = &f.detail;
        let what = if f.drip { "drip" } else { "injection" };
        match alert.code {
            AlertCode::WaitedTooLong => format!("waited too long: {m} min in {}", alert.stage),
            AlertCode::AdministrationDue => format!("{what} due: remove needle, check hemostasis"),
            AlertCode::AdministrationOverdue => {
                format!("administration overdue by {m} min: remove needle, check hemostasis")
            }
            AlertCode::ObservationComplete => {
                "observation complete: ready for discharge".to_string()
            }
            AlertCode::DischargeOverdue => format!("discharge overdue by {m} min"),
            AlertCode::Contraindication => {
                format!("contraindication ({d}): defer, or a doctor's override")
            }
            AlertCode::CautionNeedsDoctor => {
                format!("caution ({d}): needs the doctor's acknowledgement")
            }
            AlertCode::Fever => format!("fever {d} C: infection flag"),
            AlertCode::Vitals => format!("vital signs: {d}"),
            AlertCode::DripCheckDue => {
                format!("drip check at {d} min: volume, rate, tubing, site, patient")
            }
            AlertCode::DripPaused if m > 0 => format!("drip paused at {} ({m} min)", f.since),
            AlertCode::DripPaused => format!("drip paused at {}", f.since),
            AlertCode::Vasovagal => {
                "vasovagal reaction: needle out, lie flat, legs up, stay with the patient"
                    .to_string()
            }
            AlertCode::VitalsDue => "vitals due (every 5 min during a reaction)".to_string(),
            AlertCode::Allergic if alert.severity == crate::domain::Severity::Critical => {
                "allergic reaction: CALL THE DOCTOR, drip paused".to_string()
            }
            AlertCode::Allergic => "allergic reaction: doctor present".to_string(),
            AlertCode::Emergency => {
                let (dose, doctor) = &f.emergency;
                format!("EMERGENCY anaphylaxis: {dose}; lie flat; {doctor}")
            }
            AlertCode::AdrenalineRepeatDue => {
                format!("adrenaline repeat due ({d} mg) if problems persist")
            }
            AlertCode::CallAmbulance => "call the ambulance / arrange transfer".to_string(),
            AlertCode::Late => format!("late: expected {m} min ago"),
            AlertCode::HemostasisDue => "pressure time is up: check hemostasis".to_string(),
            AlertCode::PriorReaction => {
                let (kind, when) = &f.prior;
                format!(
                    "reacted before ({kind}, {when}): past-reaction answer is yes; the doctor sees the patient first"
                )
            }
            AlertCode::BedNotReady => {
                format!("bed {d} still being cleaned ({m} min): mark it ready when done (b)")
            }
            AlertCode::Caseload => format!(
                "nurse {d} has {m} drips at once (limit {}): give a patient to another nurse (R)",
                f.caseload_limit
            ),
        }
    }

    fn vitals_finding(&self, finding: &VitalsFinding) -> String {
        finding.to_string()
    }

    fn vitals_line(&self, v: &Vitals) -> String {
        format!(
            "{}/{} P{} SpO2 {} {:.1}C RR{}",
            v.systolic, v.diastolic, v.pulse, v.spo2, v.temperature, v.respiratory_rate
        )
    }

    fn alert_short(&self, code: AlertCode) -> &'static str {
        use AlertCode::*;
        match code {
            Contraindication => "contraind.",
            CautionNeedsDoctor => "dr check",
            Fever => "fever",
            Vitals => "vitals",
            DripCheckDue => "check",
            DripPaused => "paused",
            Vasovagal => "VVR",
            VitalsDue => "vitals due",
            Allergic => "ALLERGY",
            Emergency => "EMERGENCY",
            AdrenalineRepeatDue => "adrenaline",
            CallAmbulance => "ambulance",
            HemostasisDue => "hemostasis",
            WaitedTooLong => "waited",
            AdministrationDue => "due",
            AdministrationOverdue => "overdue",
            ObservationComplete => "obs. done",
            Late => "late",
            DischargeOverdue => "discharge",
            PriorReaction => "REACTED BEFORE",
            BedNotReady => "cleaning",
            Caseload => "caseload",
        }
    }

    fn dose_problem(&self, p: &DoseProblem) -> String {
        p.describe()
    }

    fn gate(&self, id: &str) -> Option<&'static str> {
        match id {
            GATE_FEVER => Some("fever before treatment"),
            GATE_VITALS => Some("critical pre-treatment vitals"),
            _ => None,
        }
    }

    fn reaction_name(&self, kind: ReactionKind) -> &'static str {
        match kind {
            ReactionKind::Local => "local (injection site)",
            ReactionKind::Vasovagal => "vasovagal",
            ReactionKind::Allergic => "allergic",
            ReactionKind::Anaphylaxis => "anaphylaxis",
        }
    }

    fn check_name(&self, check: Check) -> &'static str {
        match check {
            Check::HemostasisPressure => "pressure on the site (hemostasis timer)",
            Check::HemostasisConfirmed => "hemostasis confirmed",
            Check::FeelsWellWalksSteadily => "feels well, walks steadily",
            Check::AftercareExplained => "aftercare explained",
            Check::BloodDonationDeferralExplained => "no blood donation explained",
            Check::NextVisitSuggested => "next visit suggested",
            Check::WhomToCallExplained => "whom to call explained",
        }
    }

    fn flag_name(&self, flag: RiskFlag) -> &'static str {
        match flag {
            RiskFlag::Allergy => "allergy hx",
            RiskFlag::Vasovagal => "VVR/fall risk: lying down",
            RiskFlag::FirstSession => "1st: test dose?",
            RiskFlag::BloodThinner => "blood thinner",
            RiskFlag::BloodDonor => "donor",
            RiskFlag::Infection => "infection?",
        }
    }

    fn badge(&self, badge: &Badge, tz: Tz) -> String {
        match badge {
            Badge::PriorReaction { reaction, at } => format!(
                "PAST {} {}",
                self.reaction_name(*reaction).to_uppercase(),
                at.with_timezone(&tz).format("%Y-%m-%d")
            ),
            Badge::Override { doctor } => format!("override: {doctor}"),
            Badge::Risk { flag } => self.flag_name(*flag).to_string(),
            Badge::Session { n, of } => format!("session {n}/{of}"),
            Badge::OverDose { mg, doctor } => {
                format!("adrenaline {mg:.2} mg over dose, confirmed: {doctor}")
            }
            Badge::Undone { what, reason } => {
                format!("undone: {} ({reason})", what.replace('_', " "))
            }
            Badge::TimerShortened { doctor } => {
                format!("time corrected, timer shortened: {doctor}")
            }
            Badge::Doubtful { .. } => "entered after the act: would have stopped it".into(),
            Badge::NotShown => "not on wall".into(),
        }
    }

    fn missing(&self, missing: &Missing, config: &Config) -> String {
        use Missing::*;
        let items = |ids: &[String]| gate_list(Lang::En, config, ids);
        let at = |t| hm(config, t);
        match missing {
            Screening => "screening answers".into(),
            Contraindication { items: i } => format!(
                "contraindication: {} (defer, or doctor's override)",
                items(i)
            ),
            CautionAcknowledgement { items: i } => {
                format!("doctor's acknowledgement: {}", items(i))
            }
            Consent { items: i } => format!("consent: {}", items(i)),
            Plan => "the plan (dose, product, nurse)".into(),
            PreTreatmentVitals => "pre-treatment vitals".into(),
            Lot => "the lot number".into(),
            Observation { until: Some(t) } => format!("observation until {}", at(t)),
            Observation { until: None } => "observation until symptom-free".into(),
            EndVitals => "end-of-observation vitals".into(),
            EndVitalsInRange => "end vitals in range".into(),
            Check { item } => self.check_name(*item).to_string(),
            DoctorClearance => "the doctor's clearance (after the last reaction)".into(),
            DripRunning { until } => format!(
                "the drip runs until {}: s stops it early, with a reason",
                at(until)
            ),
            DripCheck { minute } => {
                format!("the {minute}-minute drip check (t ticks it, T skips it with a reason)")
            }
            OpenReaction { reaction } => format!(
                "the {} reaction is open: symptom-free first, or transfer",
                self.reaction_name(*reaction)
            ),
            DoctorReasonForHome => {
                "after anaphylaxis the exit is transfer: home only with the doctor's clearance and reason".into()
            }
            TransferOnly => "after anaphylaxis: transfer by ambulance".into(),
            ReadingInRange => {
                "vitals in range taken after the reaction (the last are critical, or none since)"
                    .into()
            }
        }
    }

    fn entry(&self, entry: &Entry, config: &Config) -> String {
        match entry {
            Entry::Screening { answers } => {
                let yes: Vec<String> = answers
                    .iter()
                    .filter(|(_, y)| **y)
                    .map(|(id, _)| item_label(Lang::En, config, id))
                    .collect();
                if yes.is_empty() {
                    "screening: all no".into()
                } else {
                    format!("screening: {}", yes.join(", "))
                }
            }
            Entry::CautionsAcknowledged { doctor, items } => {
                let items: Vec<String> = items
                    .iter()
                    .map(|i| item_label(Lang::En, config, i))
                    .collect();
                format!("cautions acknowledged by {doctor}: {}", items.join(", "))
            }
            Entry::Override {
                doctor,
                reason,
                items,
            } => {
                let items: Vec<String> = items
                    .iter()
                    .map(|i| gate_label(Lang::En, config, i))
                    .collect();
                format!("override by {doctor} of {}: {reason}", items.join(", "))
            }
            Entry::Consent { items } => {
                format!("consent {}/{}", items.len(), config.consent.len())
            }
            Entry::Plan { plan } => format!(
                "plan: {}, {} mL {} ({})",
                treatment_label(config, Lang::En, &plan.treatment),
                plan.dose_ml,
                plan.product,
                plan.nurse
            ),
            Entry::Vitals { vitals } => format!("vitals {}", self.vitals_line(vitals)),
            Entry::DripCheck {
                minute,
                skipped: None,
            } => format!("drip check at {minute} min done"),
            Entry::DripCheck {
                minute,
                skipped: Some(reason),
            } => format!("drip check at {minute} min skipped: {reason}"),
            Entry::Pause {
                reaction: Some(r), ..
            } => format!("drip paused: {} reaction", self.reaction_name(*r)),
            Entry::Pause { reason, .. } => format!("drip paused: {reason}"),
            Entry::Resume => "drip resumed".into(),
            Entry::Reaction {
                reaction,
                signs,
                action,
                ..
            } => format!(
                "reaction {}: {signs}{}",
                self.reaction_name(*reaction),
                if action.is_empty() {
                    String::new()
                } else {
                    format!(" -> {action}")
                }
            ),
            Entry::DoctorPresent { doctor } => format!("doctor present: {doctor}"),
            Entry::SymptomFree => "symptom-free".into(),
            Entry::Adrenaline {
                dose_mg,
                confirmed_by: None,
            } => format!("adrenaline {dose_mg} mg IM"),
            Entry::Adrenaline {
                dose_mg,
                confirmed_by: Some(who),
            } => {
                format!("adrenaline {dose_mg} mg IM (above the computed dose, confirmed by {who})")
            }
            Entry::AmbulanceCalled => "ambulance called".into(),
            Entry::Acknowledge { code } => format!("acknowledged: {}", alert_words(self, code)),
            Entry::Clearance {
                doctor,
                reason: None,
            } => format!("cleared for discharge by {doctor}"),
            Entry::Clearance {
                doctor,
                reason: Some(r),
            } => format!("cleared for discharge by {doctor}: {r}"),
            Entry::Checklist { item } => format!("[x] {}", self.check_name(*item)),
            Entry::Untick { item } => format!("untick: {}", self.check_name(*item)),
            Entry::Reassigned { nurse } => format!("given to nurse {nurse}"),
            Entry::DoNotDisplay { on: true } => "not shown on the wall (the patient's wish)".into(),
            Entry::DoNotDisplay { on: false } => {
                "shown on the wall again (the patient's wish)".into()
            }
            Entry::BedReady { bed } => format!("bed {bed} cleaned and ready"),
        }
    }

    fn record_event(&self, kind: &EventKind, tz: Tz) -> String {
        match kind {
            EventKind::Expected { expected_at, .. } => {
                format!(
                    "booked for {}",
                    expected_at.with_timezone(&tz).format("%H:%M")
                )
            }
            EventKind::CheckedIn { ticket } => format!("arrived (ticket {ticket})"),
            EventKind::Corrected {
                correction,
                reason,
                old,
                ..
            } => self.correction(correction, old, reason, tz, None),
            _ => String::new(),
        }
    }

    fn correction(
        &self,
        correction: &Correction,
        old: &str,
        reason: &str,
        tz: Tz,
        event: Option<&str>,
    ) -> String {
        let (field, new) = match correction {
            Correction::Name { name } => ("name".to_string(), name.clone()),
            Correction::ChartNo { chart_no } => (
                "chart no.".to_string(),
                chart_no.clone().unwrap_or_else(|| "-".into()),
            ),
            Correction::Lot { number } => ("lot".to_string(), number.clone()),
            Correction::Time { at, .. } => (
                match event {
                    Some(e) => format!("time of {e}"),
                    None => "time".into(),
                },
                at.with_timezone(&tz).format("%H:%M").to_string(),
            ),
        };
        let old = if old.is_empty() { "-" } else { old };
        format!("corrected {field}: {old} -> {new} ({reason})")
    }

    fn reaction_steps(
        &self,
        kind: ReactionKind,
        dose_mg: Option<f32>,
        cap_mg: f32,
        weight_kg: Option<f32>,
    ) -> Vec<String> {
        match kind {
            ReactionKind::Local => {
                vec!["note the site and the signs; usually resolves in days".into()]
            }
            ReactionKind::Vasovagal => vec![
                "needle out".into(),
                "lie flat, legs up".into(),
                "stay with the patient (fall risk)".into(),
                "vitals every 5 min".into(),
            ],
            ReactionKind::Allergic => vec![
                "call the doctor".into(),
                "the drip pauses".into(),
                "vitals every 5 min; watch breathing and BP".into(),
                "observe 60 min or more; the doctor clears discharge".into(),
            ],
            ReactionKind::Anaphylaxis => {
                let first = match (dose_mg, weight_kg) {
                    (Some(d), Some(w)) => format!(
                        "adrenaline {d:.2} mg = {d:.2} mL (1 mg/mL) IM, outer thigh ({w} kg)"
                    ),
                    _ => format!(
                        "adrenaline IM, outer thigh: weight not recorded, the board cannot compute the dose (at most {cap_mg:.2} mg)"
                    ),
                };
                vec![
                    first,
                    "stop the drip; lie flat, legs up".into(),
                    "call the ambulance; call the doctor".into(),
                    "repeat the dose after 5 min if problems persist".into(),
                ]
            }
        }
    }
}

pub(super) static TEXTS: Texts = Texts {
    lang: Lang::En,
    stages: [
        "Waiting",
        "Counselling",
        "Ready",
        "Administration",
        "Observation",
        "Expected",
        "Discharged",
        "Deferred",
        "Cancelled",
        "Transferred",
    ],
    beds_free: "beds free",
    no_alerts: "No alerts",
    no_patients: "No patients yet. Press a to register an arrival.",
    col_no: "No",
    col_name: "Name",
    col_treatment: "Treatment",
    col_bed: "Bed",
    col_timer: "Timer",
    col_alerts: "Alerts",
    detail_title: "Patient",
    detail_empty: "Select a patient with j/k.",
    alerts_title: "Alerts",
    left: "left",
    over: "over",
    connecting: "Connecting to the flowboard server...",
    reconnecting: "CONNECTION LOST: reconnecting to the server... (the board below may be out of date)",
    filter: "Filter",
    help_title: "Keys",
    form_arrival: "Register arrival",
    form_advance: "Move to next stage",
    form_cancel: "Cancel visit",
    field_name: "Name",
    field_chart_no: "Chart no.",
    field_treatment: "Treatment",
    field_bed: "Bed",
    field_reason: "Reason",
    field_at: "Time",
    at_hint: "empty = now, or HH:MM",
    key_quit: "quit",
    key_arrival: "arrival",
    key_select: "select",
    key_next: "next stage",
    key_cancel: "cancel visit",
    key_undo: "undo",
    key_filter: "filter",
    key_help: "help",
    key_close: "close",
    confirm_undo: "Undo the last action on this patient? Enter = yes, Esc = no",
    sent: "Saved",
    too_small: "Terminal too small: need at least 60x16",
    events: EventWords {
        arrived: "arrived",
        counselling_started: "counselling started",
        marked_ready: "ready for treatment",
        administration_started: "administration started",
        administration_ended: "needle out, observation",
        discharged: "discharged",
        deferred: "deferred",
        cancelled: "cancelled",
        transferred: "transferred",
        reverted: "undo of",
        undone: "undone",
        recorded: "recorded",
    },
    ui: UI,
    clinic: CLINIC,
    wall: WallTexts {
        bed: "Bed {b}",
        free: "free",
        ticket: "No. {n}",
        attention: "needs attention",
        attention_now: "needs attention now",
        emergency: "EMERGENCY",
        reconnecting: "RECONNECTING to the server... the board may be out of date",
        connecting: "Connecting to the server...",
        page: "page {n}/{m}",
        nobody_waiting: "Nobody waiting",
        left: "left",
        over: "over",
        treating: "treating",
        resting: "resting",
        too_small: "Wall too small: need at least 40x10",
        ask_operator: "Who is working at this terminal? Your initials",
        ask_operator_again: "Initials are needed: 1 to 8 letters or digits",
        until_symptom_free: "until symptom-free",
        continued: "{s}, continued",
        done: "done",
    },
    records: RECORDS,
    busy: BUSY,
};

const UI: UiTexts = UiTexts {
    critical: "CRITICAL",
    warning: "WARNING",
    info: "INFO",
    badge_waited: "waited",
    badge_due: "due",
    badge_overdue: "overdue",
    badge_observed: "obs. done",
    badge_discharge: "discharge late",
    minutes_unit: "m",
    more_alerts: "+{n} more",
    timer_left: "{t} left",
    timer_over: "+{t} over",
    since: "since {t}",
    stage: "Stage",
    ticket: "No.",
    by: "by",
    events_title: "Events",
    exit_reason: "Reason",
    bed_none: "none",
    bed_choose: "choose a bed with Left/Right",
    no_free_bed: "no free bed",
    no_match: "No patient matches the filter (Esc clears it)",
    no_next: "This patient has no next stage",
    not_active: "This patient has already left the flow",
    nothing_selected: "Select a patient first (j/k)",
    read_only: "This terminal is read-only: the board can be viewed, not changed",
    nothing_to_undo: "Nothing to undo: only the arrival is recorded",
    undo_what: "Last action",
    sending: "Sending...",
    lost_pending: "connection lost before the server answered: check the board before trying again",
    lost_because: "reason",
    err_name_empty: "type the patient's name",
    err_bad_time: "use HH:MM, or leave empty for now",
    err_bed_required: "a drip needs a bed: choose one with Left/Right",
    err_reason_empty: "type a reason",
    help_board: "Board",
    help_form: "Forms",
    help_filter: "Filter",
    help_confirm: "Confirm",
    help_close: "Esc, ? or q closes this help; j/k scroll",
    key_page: "page up / down",
    key_first_last: "first / last patient",
    key_field_next: "next field",
    key_field_prev: "previous field",
    key_choose: "choose / move cursor",
    not_typed_tick: "\u{201c}{c}\u{201d} not typed in: a tick box (Space or y ticks it, n takes it back; Tab: next field)",
    not_typed_choice: "\u{201c}{c}\u{201d} not typed in: a choice (Left/Right chooses; Tab: next field)",
    key_submit: "submit",
    key_abort: "close without saving",
    key_delete: "delete a character",
    key_home_end: "start / end of field",
    key_keep_filter: "keep filter",
    key_clear_filter: "clear filter",
    key_yes: "yes",
    key_no: "no",
    key_alerts: "all alerts",
    key_clear_field: "clear the field",
    key_alert_select: "select that patient",
    key_first_last_alert: "first / last alert",
    help_typing: "Typing in a field",
    help_alerts: "Alert list",
    enter_not_taken: "Enter was not taken: the save before it was refused. Check, then Enter again",
    saving_queued: "Saving... ({n} keys waiting, applied in order)",
    brief_alerts: "alerts",
    brief_next: "next",
    brief_cancel: "cancel",
};

const RECORDS: RecordsTexts = RecordsTexts {
    history_title: "History",
    loading: "Loading the records of {d}...",
    load_failed: "Could not load {d}: {e}",
    today: "today",
    no_events: "Nothing was recorded on this day",
    no_match: "No event matches the filters",
    count: "{n} events",
    count_one: "1 event",
    col_time: "Time",
    col_recorded: "Entered",
    col_by: "By",
    col_patient: "Patient",
    col_what: "What",
    filter_kind: "Kind",
    filter_patient: "Patient",
    filter_by: "By",
    kinds: ["all", "stage changes", "clinical entries", "corrections"],
    no_later_day: "There are no records after today",
    no_patient_row: "No patient on this line",
    key_history: "history",
    key_day: "previous / next day",
    key_move: "move",
    key_patient: "only this patient",
    key_by: "filter by who entered",
    key_kind: "cycle the kind",
    key_close: "back to the board",
    key_keep_by: "keep the filter",
    key_clear_by: "clear the filter",
    help_history: "History",
    help_by: "History: who entered",
    key_correct: "correct a record",
    form_correct: "Correct a record",
    field_what: "What",
    field_right_time: "Right time",
    what_time: "time of {e} ({t})",
    right_time_hint: "HH:MM, when it really happened",
    reason_hint: "required: why the record was wrong",
    was: "was {v}",
    corrected: "Corrected: the old value stays in the record",
    err_unchanged: "this is the value recorded now: type the right one",
    key_check_in: "check in",
    key_check_in_help: "check in (booked)",
    form_check_in: "Check in",
    counselling_started: "Counselling started",
    brief_correct: "correct",
};

const CLINIC: ClinicTexts = ClinicTexts {
    form_counselling: "Counselling",
    form_vitals: "Vital signs",
    form_start: "Start administration",
    form_pause: "Pause the drip",
    form_stop: "Stop early",
    form_reaction: "Reaction",
    form_followup: "Reaction follow-up",
    form_discharge: "Discharge checklist",
    sec_screening: "Screening",
    sec_block: "Contraindication: defer, or a doctor's override",
    sec_caution: "Caution: the doctor's acknowledgement",
    sec_consent: "Consent (all required)",
    sec_plan: "Plan",
    sec_missing_ready: "Still missing before ready",
    sec_missing_start: "Still missing before the start",
    sec_missing_discharge: "Still missing before discharge",
    sec_steps: "Do now",
    sec_checklist: "Checklist (Space or y ticks, n takes a tick back)",
    sec_aftercare: "Aftercare to explain",
    nothing_missing: "nothing: ready to go",
    from_last_visit: "confirm: answers from the last visit ({d})",
    first_visit_note: "first visit: first session answered yes",
    level_block: "block",
    level_caution: "caution",
    level_info: "info",
    answer_unset: "?",
    answer_yes: "yes",
    answer_no: "no",
    decision_unset: "choose",
    decision_defer: "defer: no treatment today",
    decision_override: "doctor's override",
    defer_reason: "contraindication",
    field_decision: "Decision",
    field_doctor: "Doctor",
    field_method: "Method",
    method_papule: "papule",
    method_nappage: "nappage",
    field_sites: "Sites",
    sites_hint: "e.g. face, neck",
    field_dose_ml: "Dose mL",
    field_product: "Product",
    field_origin: "Origin",
    origins: [
        "adipose",
        "umbilical cord",
        "dental pulp",
        "bone marrow",
        "placenta",
    ],
    not_chosen: "-",
    field_nurse: "Nurse",
    field_weight: "Weight kg",
    weight_hint: "optional: sets the adrenaline dose",
    field_systolic: "Systolic BP",
    field_diastolic: "Diastolic BP",
    field_pulse: "Pulse /min",
    field_spo2: "SpO2 %",
    field_temperature: "Temp. C",
    field_resp_rate: "Resp. rate",
    field_consciousness: "Consciousness",
    consciousness: ["alert", "new confusion", "voice", "pain", "unresponsive"],
    field_lot: "Lot no.",
    field_lot_expiry: "Lot expiry",
    expiry_hint: "YYYY-MM-DD, optional",
    field_volume: "Given mL",
    volume_hint: "optional: the volume actually given",
    field_kind: "Kind",
    field_signs: "Signs",
    field_action: "Action taken",
    field_followup: "Follow-up",
    followups: [
        "doctor present",
        "symptom-free",
        "adrenaline given",
        "ambulance called",
        "transfer (ambulance)",
        "doctor's clearance",
    ],
    field_dose_mg: "Dose mg",
    hemostasis_left: "pressure: {t} left",
    hemostasis_done: "pressure time is up: check and confirm",
    next_visit: "next visit: in {a}-{b} days, session {n} of {m}",
    course_done: "course of {m} sessions complete",
    whom_to_call: "whom to call: {p}",
    ticked: "done",
    discharge_hint: "Enter: discharge",
    vitals_hint: "v on the board: end vitals",
    clearance_hint: "f on the board: doctor's clearance",
    err_not_a_number: "not a number",
    err_required: "required",
    err_answer: "answer yes or no (Left/Right, y, n)",
    err_choose: "choose one with Left/Right",
    err_weight: "enter 2-300 kg, or leave it empty",
    err_dose: "enter more than 0, at most 100 mL",
    err_lot_blank: "the lot number is blank: copy it from the vial",
    err_bad_date: "use YYYY-MM-DD",
    err_out_of_range: "out of range",
    saved_not_ready: "Saved. Not ready yet: {m}",
    no_unacknowledged: "No unacknowledged alert for this patient",
    no_drip_check: "No drip check is due for this patient",
    only_administration: "Only during administration",
    only_counselling: "The counselling form is for counselling or ready",
    only_from_administration: "Reactions are recorded from administration on",
    resuming: "Resuming the drip",
    emergency: "EMERGENCY",
    anaphylaxis: "anaphylaxis",
    adrenaline_im: "adrenaline {d} mg IM thigh",
    repeat_due: "REPEAT DUE",
    call_ambulance: "CALL AMBULANCE",
    bed: "bed",
    plan: "Plan",
    lot: "Lot",
    vitals: "Vitals",
    reactions: "Reactions",
    reaction_open: "open",
    reaction_resolved: "symptom-free {t}",
    checklist: "Checklist",
    next_needs: "Next needs",
    consent_count: "consent ({n} items)",
    badges: "Flags",
    acknowledged_by: "ack {who}",
    paused: "paused",
    key_counselling: "counselling form",
    key_vitals: "vitals",
    key_drip_check: "drip check done",
    key_pause: "pause / resume drip",
    key_stop: "stop early",
    key_reaction: "reaction",
    key_followup: "reaction follow-up",
    key_ack: "acknowledge alerts",
    field_age: "Age (years)",
    field_stop_drip: "Needle out: stop the drip",
    confirm_dose: "{why}: to give it, name the doctor who confirms and press Enter again",
    no_weight_dose: "weight not recorded: cannot compute the dose (cap {c} mg)",
    dose_in_ml: "= {ml} mL of 1 mg/mL",
    doses_given: "{n} dose(s) given",
    doctor_with: "{who} with the patient",
    call_the_doctor: "call the doctor",
    form_undo: "Undo, with the reason",
    field_pin: "Doctor's PIN",
    form_skip_check: "Skip the drip check",
    key_skip_check: "skip the due drip check (reason)",
    key_toggle: "yes / no",
    key_scroll: "scroll",
    help_care: "Patient care",
    vitals_typing: "118/74 72 98 36.5 14: a space or / moves to the next value",
    sec_checks_due: "Drip checks due (y: done)",
    field_drip_check: "drip check at {m} min done",
    lot_with_expiry: "{n} (expiry {e})",
    lot_new: "new lot: type its number",
    lot_number_hint: "from the vial; a lot used before fills in its expiry",
    sec_pre_vitals: "Pre-treatment vitals",
    sec_end_vitals: "End-of-observation vitals",
    form_needle_out: "Needle out",
    stopped_early: "Stopped early",
    volume_given: "{v} mL given",
    timer_done: "done {t}",
    lot_choice: "Lot",
    brief_counselling: "counsel",
    brief_check: "check",
    brief_skip: "skip",
    brief_pause: "pause",
    brief_stop: "stop",
    brief_followup: "follow-up",
    brief_ack: "ack",
};

const BUSY: BusyTexts = BusyTexts {
    next_bed: "next bed {t}",
    beds: "Beds",
    bed_free: "free",
    bed_until: "to {t}",
    bed_unknown: "to ?",
    bed_cleaning: "cleaning {m}m",
    starts_about: "start ~{t}",
    wall_cleaning: "cleaning",
    wall_occupied: "in use",
    wait_about: "about {n} min",
    wait_soon: "soon",
    key_bed_ready: "mark a cleaned bed ready",
    key_caseload: "nurses' patients now (caseload)",
    key_do_not_display: "not on the wall (or shown again)",
    caseload_title: "Nurses' patients now",
    caseload_drips: "{n} of {m} drips",
    caseload_over: "over the limit",
    caseload_administration: "treating",
    caseload_observation: "observing",
    caseload_none: "No patient with a nurse in treatment or observation",
    no_bed_cleaning: "No bed is being cleaned",
    bed_marked: "Bed {b} marked ready",
    bed_not_cleaning: "Bed {b} is no longer being cleaned (marked ready at another terminal)",
    beds_title: "Which bed is ready?",
    beds_line: "Bed {b}  cleaning for {m} min  after {who}",
    key_bed_chosen: "mark the bed under the cursor ready",
    key_first_last_bed: "first / last bed",
    help_beds: "Beds being cleaned",
    now_hidden: "Not shown on the wall from now on",
    now_shown: "Shown on the wall again",
    form_reassign: "Give to another nurse",
    key_reassign: "give the patient to another nurse",
    reassign_now: "With nurse {nurse} now",
    reassign_option: "{who} (drips now: {n})",
    reassign_other: "someone else",
    field_other_nurse: "Other nurse (initials or name)",
    reassign_over: "{p}'s drip would give nurse {nurse} {n} drips at once (limit {m}): Enter gives it all the same",
    caseload_start: "{p}'s drip gives nurse {nurse} {n} drips at once (limit {m}): Enter starts it all the same, or give a patient to another nurse first",
};
