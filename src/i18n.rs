//! The words of the user interface, in English and Japanese.
//!
//! One table per language, so a missing translation is a compile error.
//! Machine-facing text (JSON codes, protocol errors) stays English.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::domain::{Alert, AlertCode, Route, Stage};

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

const EN: Texts = Texts {
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
    ui: EN_UI,
    clinic: EN_CLINIC,
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
    },
    records: EN_RECORDS,
};

const JA: Texts = Texts {
    lang: Lang::Ja,
    stages: [
        "受付済・待合",
        "カウンセリング",
        "施術待ち",
        "施術・投与",
        "経過観察",
        "予約（未来院）",
        "帰宅済",
        "施術見送り",
        "キャンセル",
        "救急搬送",
    ],
    beds_free: "空きベッド",
    no_alerts: "アラートなし",
    no_patients: "患者はまだいません。a で受付登録します。",
    col_no: "番号",
    col_name: "氏名",
    col_treatment: "施術",
    col_bed: "ベッド",
    col_timer: "タイマー",
    col_alerts: "アラート",
    detail_title: "患者",
    detail_empty: "j/k で患者を選択してください。",
    alerts_title: "アラート",
    left: "残り",
    over: "超過",
    connecting: "サーバーに接続しています...",
    reconnecting: "接続が切れました：再接続中...（下の表示は古い可能性があります）",
    filter: "絞り込み",
    help_title: "キー操作",
    form_arrival: "受付登録",
    form_advance: "次の段階へ",
    form_cancel: "キャンセル",
    field_name: "氏名",
    field_chart_no: "カルテ番号",
    field_treatment: "施術",
    field_bed: "ベッド",
    field_reason: "理由",
    field_at: "時刻",
    at_hint: "空欄＝現在、または HH:MM",
    key_quit: "終了",
    key_arrival: "受付",
    key_select: "選択",
    key_next: "次の段階",
    key_cancel: "キャンセル",
    key_undo: "取り消し",
    key_filter: "絞り込み",
    key_help: "ヘルプ",
    key_close: "閉じる",
    confirm_undo: "この患者の直前の操作を取り消しますか？ Enter＝はい Esc＝いいえ",
    sent: "保存しました",
    too_small: "画面が小さすぎます：60x16 以上が必要です",
    events: EventWords {
        arrived: "受付",
        counselling_started: "カウンセリング開始",
        marked_ready: "施術待ち",
        administration_started: "施術開始",
        administration_ended: "抜針・経過観察開始",
        discharged: "帰宅",
        deferred: "施術見送り",
        cancelled: "キャンセル",
        transferred: "救急搬送",
        reverted: "取り消し:",
        undone: "取り消し済",
        recorded: "記録",
    },
    ui: JA_UI,
    clinic: JA_CLINIC,
    wall: WallTexts {
        bed: "ベッド {b}",
        free: "空き",
        ticket: "{n}番",
        attention: "対応が必要です",
        attention_now: "至急対応",
        emergency: "緊急",
        reconnecting: "再接続中：表示が古い可能性があります",
        connecting: "サーバーに接続しています...",
        page: "{n}/{m} ページ",
        nobody_waiting: "お待ちの方はいません",
        left: "残り",
        over: "超過",
        treating: "施術中",
        resting: "経過観察中",
        too_small: "画面が小さすぎます：40x10 以上が必要です",
        ask_operator: "この端末の担当者は？ イニシャル",
        ask_operator_again: "イニシャルを入力してください（英数字 1〜8 文字）",
    },
    records: JA_RECORDS,
};

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
    pub key_submit: &'static str,
    pub key_abort: &'static str,
    pub key_delete: &'static str,
    pub key_home_end: &'static str,
    pub key_keep_filter: &'static str,
    pub key_clear_filter: &'static str,
    pub key_yes: &'static str,
    pub key_no: &'static str,
}

const EN_UI: UiTexts = UiTexts {
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
    key_submit: "submit",
    key_abort: "close without saving",
    key_delete: "delete a character",
    key_home_end: "start / end of field",
    key_keep_filter: "keep filter",
    key_clear_filter: "clear filter",
    key_yes: "yes",
    key_no: "no",
};

const JA_UI: UiTexts = UiTexts {
    critical: "緊急",
    warning: "注意",
    info: "情報",
    badge_waited: "待ち",
    badge_due: "終了",
    badge_overdue: "超過",
    badge_observed: "観察済",
    badge_discharge: "帰宅遅れ",
    minutes_unit: "分",
    more_alerts: "他 {n} 件",
    timer_left: "残り {t}",
    timer_over: "超過 +{t}",
    since: "{t} から",
    stage: "段階",
    ticket: "番号",
    by: "入力",
    events_title: "記録",
    exit_reason: "理由",
    bed_none: "なし",
    bed_choose: "Left/Right でベッドを選択",
    no_free_bed: "空きベッドなし",
    no_match: "該当する患者はいません（Esc で解除）",
    no_next: "この患者に次の段階はありません",
    not_active: "この患者は既にフローを終えています",
    nothing_selected: "先に患者を選択してください（j/k）",
    read_only: "この端末は閲覧専用です：変更はできません",
    nothing_to_undo: "取り消せる操作がありません（受付のみ）",
    undo_what: "直前の操作",
    sending: "送信中...",
    lost_pending: "応答前に接続が切れました：再実行の前にボードを確認してください",
    lost_because: "理由",
    err_name_empty: "氏名を入力してください",
    err_bad_time: "HH:MM で入力（空欄＝現在）",
    err_bed_required: "点滴にはベッドが必要です（Left/Right で選択）",
    err_reason_empty: "理由を入力してください",
    help_board: "ボード",
    help_form: "入力フォーム",
    help_filter: "絞り込み",
    help_confirm: "確認",
    help_close: "Esc・?・q でヘルプを閉じます（j/k でスクロール）",
    key_page: "ページ移動",
    key_first_last: "先頭 / 末尾の患者",
    key_field_next: "次の項目",
    key_field_prev: "前の項目",
    key_choose: "選択 / カーソル移動",
    key_submit: "登録",
    key_abort: "保存せずに閉じる",
    key_delete: "1文字削除",
    key_home_end: "項目の先頭 / 末尾",
    key_keep_filter: "絞り込みを確定",
    key_clear_filter: "絞り込みを解除",
    key_yes: "はい",
    key_no: "いいえ",
};

pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::En => &EN,
        Lang::Ja => &JA,
    }
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
pub fn alert_message(
    lang: Lang,
    alert: &Alert,
    route: Option<Route>,
    config: &crate::config::Config,
) -> String {
    let m = alert.minutes;
    // Screening answers are named by their labels, not their ids.
    let d = &match alert.code {
        AlertCode::Contraindication | AlertCode::CautionNeedsDoctor => alert
            .detail
            .split(", ")
            .map(|id| item_label(lang, config, id))
            .collect::<Vec<_>>()
            .join(", "),
        _ => alert.detail.clone(),
    };
    let what = match (lang, route) {
        (Lang::En, Some(Route::Drip)) => "drip",
        (Lang::En, _) => "injection",
        (Lang::Ja, Some(Route::Drip)) => "点滴",
        (Lang::Ja, _) => "注射",
    };
    match (lang, alert.code) {
        (Lang::En, AlertCode::WaitedTooLong) => {
            format!("waited too long: {m} min in {}", alert.stage)
        }
        (Lang::En, AlertCode::AdministrationDue) => {
            format!("{what} due: remove needle, check hemostasis")
        }
        (Lang::En, AlertCode::AdministrationOverdue) => {
            format!("administration overdue by {m} min: remove needle, check hemostasis")
        }
        (Lang::En, AlertCode::ObservationComplete) => {
            "observation complete: ready for discharge".to_string()
        }
        (Lang::En, AlertCode::DischargeOverdue) => {
            format!("discharge overdue by {m} min")
        }
        (Lang::Ja, AlertCode::WaitedTooLong) => {
            format!("待ち時間超過：{}で{m}分", stage_name(Lang::Ja, alert.stage))
        }
        (Lang::Ja, AlertCode::AdministrationDue) => {
            format!("{what}終了時刻：抜針・止血確認")
        }
        (Lang::Ja, AlertCode::AdministrationOverdue) => {
            format!("施術時間{m}分超過：抜針・止血確認")
        }
        (Lang::Ja, AlertCode::ObservationComplete) => "経過観察終了：帰宅可".to_string(),
        (Lang::Ja, AlertCode::DischargeOverdue) => format!("帰宅予定を{m}分超過"),
        (Lang::En, AlertCode::Contraindication) => {
            format!("contraindication ({d}): defer, or a doctor's override")
        }
        (Lang::Ja, AlertCode::Contraindication) => {
            format!("禁忌あり（{d}）：施術見送り、または医師の判断")
        }
        (Lang::En, AlertCode::CautionNeedsDoctor) => {
            format!("caution ({d}): needs the doctor's acknowledgement")
        }
        (Lang::Ja, AlertCode::CautionNeedsDoctor) => format!("要注意（{d}）：医師の確認が必要"),
        (Lang::En, AlertCode::Fever) => format!("fever {d} C: infection flag"),
        (Lang::Ja, AlertCode::Fever) => format!("発熱 {d}℃：感染症の疑い"),
        (Lang::En, AlertCode::Vitals) => format!("vital signs: {d}"),
        (Lang::Ja, AlertCode::Vitals) => format!("バイタル異常：{d}"),
        (Lang::En, AlertCode::DripCheckDue) => {
            format!("drip check at {d} min: volume, rate, tubing, site, patient")
        }
        (Lang::Ja, AlertCode::DripCheckDue) => {
            format!("点滴{d}分チェック：残量・速度・ルート・刺入部・患者")
        }
        (Lang::En, AlertCode::DripPaused) => format!("drip paused for {m} min"),
        (Lang::Ja, AlertCode::DripPaused) => format!("点滴一時停止中（{m}分）"),
        (Lang::En, AlertCode::Vasovagal) => {
            "vasovagal reaction: needle out, lie flat, legs up, stay with the patient".to_string()
        }
        (Lang::Ja, AlertCode::Vasovagal) => {
            "迷走神経反射：抜針・仰臥位・下肢挙上・患者から離れない".to_string()
        }
        (Lang::En, AlertCode::VitalsDue) => {
            "vitals due (every 5 min during a reaction)".to_string()
        }
        (Lang::Ja, AlertCode::VitalsDue) => "バイタル測定の時間です（反応中は5分ごと）".to_string(),
        (Lang::En, AlertCode::Allergic) if alert.severity == crate::domain::Severity::Critical => {
            "allergic reaction: CALL THE DOCTOR, drip paused".to_string()
        }
        (Lang::En, AlertCode::Allergic) => "allergic reaction: doctor present".to_string(),
        (Lang::Ja, AlertCode::Allergic) if alert.severity == crate::domain::Severity::Critical => {
            "アレルギー反応：医師を呼ぶ・点滴停止中".to_string()
        }
        (Lang::Ja, AlertCode::Allergic) => "アレルギー反応：医師対応中".to_string(),
        (_, AlertCode::Emergency) => emergency_line(lang, alert),
        (Lang::En, AlertCode::AdrenalineRepeatDue) => {
            format!("adrenaline repeat due ({d} mg) if problems persist")
        }
        (Lang::Ja, AlertCode::AdrenalineRepeatDue) => {
            format!("症状が続けばアドレナリン再投与（{d} mg）")
        }
        (Lang::En, AlertCode::CallAmbulance) => "call the ambulance / arrange transfer".to_string(),
        (Lang::Ja, AlertCode::CallAmbulance) => "救急車要請・搬送手配".to_string(),
        (Lang::En, AlertCode::Late) => format!("late: expected {m} min ago"),
        (Lang::Ja, AlertCode::Late) => format!("予約時刻から{m}分経過（未来院）"),
        (Lang::En, AlertCode::HemostasisDue) => "pressure time is up: check hemostasis".to_string(),
        (Lang::Ja, AlertCode::HemostasisDue) => "圧迫時間終了：止血確認".to_string(),
        (Lang::En, AlertCode::PriorReaction) => {
            let (kind, when) = prior(alert, lang, config);
            format!(
                "reacted before ({kind}, {when}): past-reaction answer is yes; the doctor sees the patient first"
            )
        }
        (Lang::Ja, AlertCode::PriorReaction) => {
            let (kind, when) = prior(alert, lang, config);
            format!("過去の反応あり（{kind}、{when}）：問診は「あり」、まず医師が確認")
        }
    }
}

/// The reaction and its date an earlier-reaction alert is about.
fn prior(alert: &Alert, lang: Lang, config: &crate::config::Config) -> (String, String) {
    let mut parts = alert.detail.splitn(2, '|');
    let kind = parts
        .next()
        .and_then(|k| serde_json::from_value::<crate::domain::ReactionKind>(k.into()).ok())
        .map_or(String::new(), |k| reaction_name(lang, k).to_string());
    let when = parts
        .next()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
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
fn emergency_line(lang: Lang, alert: &Alert) -> String {
    let c = &texts(lang).clinic;
    let state = alert
        .emergency
        .clone()
        .unwrap_or(crate::domain::rules::EmergencyState {
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
    match lang {
        Lang::En => format!("EMERGENCY anaphylaxis: {dose}; lie flat; {doctor}"),
        Lang::Ja => format!("緊急 アナフィラキシー：{dose}・仰臥位・{doctor}"),
    }
}

/// A short word for an alert on a board row (after its severity symbol),
/// for the alerts added by the clinical rules.
pub fn alert_short(lang: Lang, code: AlertCode) -> &'static str {
    use AlertCode::*;
    match (lang, code) {
        (Lang::En, Contraindication) => "contraind.",
        (Lang::Ja, Contraindication) => "禁忌",
        (Lang::En, CautionNeedsDoctor) => "dr check",
        (Lang::Ja, CautionNeedsDoctor) => "医師確認",
        (Lang::En, Fever) => "fever",
        (Lang::Ja, Fever) => "発熱",
        (Lang::En, Vitals) => "vitals",
        (Lang::Ja, Vitals) => "バイタル",
        (Lang::En, DripCheckDue) => "check",
        (Lang::Ja, DripCheckDue) => "点検",
        (Lang::En, DripPaused) => "paused",
        (Lang::Ja, DripPaused) => "停止中",
        (Lang::En, Vasovagal) => "VVR",
        (Lang::Ja, Vasovagal) => "迷走神経",
        (Lang::En, VitalsDue) => "vitals due",
        (Lang::Ja, VitalsDue) => "要測定",
        (Lang::En, Allergic) => "ALLERGY",
        (Lang::Ja, Allergic) => "アレルギー",
        (Lang::En, Emergency) => "EMERGENCY",
        (Lang::Ja, Emergency) => "緊急",
        (Lang::En, AdrenalineRepeatDue) => "adrenaline",
        (Lang::Ja, AdrenalineRepeatDue) => "再投与",
        (Lang::En, CallAmbulance) => "ambulance",
        (Lang::Ja, CallAmbulance) => "救急車",
        (Lang::En, HemostasisDue) => "hemostasis",
        (Lang::Ja, HemostasisDue) => "止血確認",
        (Lang::En, WaitedTooLong) => "waited",
        (Lang::Ja, WaitedTooLong) => "待ち",
        (Lang::En, AdministrationDue) => "due",
        (Lang::Ja, AdministrationDue) => "終了",
        (Lang::En, AdministrationOverdue) => "overdue",
        (Lang::Ja, AdministrationOverdue) => "超過",
        (Lang::En, ObservationComplete) => "obs. done",
        (Lang::Ja, ObservationComplete) => "観察済",
        (Lang::En, Late) => "late",
        (Lang::Ja, Late) => "遅刻",
        (Lang::En, DischargeOverdue) => "discharge",
        (Lang::Ja, DischargeOverdue) => "帰宅超過",
        (Lang::En, PriorReaction) => "REACTED BEFORE",
        (Lang::Ja, PriorReaction) => "過去に反応",
    }
}

fn label<'a>(lang: Lang, label: &'a str, label_ja: &'a Option<String>) -> &'a str {
    match (lang, label_ja) {
        (Lang::Ja, Some(ja)) => ja,
        _ => label,
    }
}

/// A screening item's, consent item's or aftercare item's label.
pub fn item_label(lang: Lang, config: &crate::config::Config, id: &str) -> String {
    if let Some(q) = config.screening_item(id) {
        return label(lang, &q.label, &q.label_ja).to_string();
    }
    config
        .consent
        .iter()
        .chain(config.discharge.aftercare.iter())
        .find(|c| c.id == id)
        .map_or(id.to_string(), |c| {
            label(lang, &c.label, &c.label_ja).to_string()
        })
}

/// Why a dose is too much, in the screen's language.
pub fn dose_problem(lang: Lang, p: &crate::domain::rules::DoseProblem) -> String {
    use crate::domain::rules::DoseProblem::*;
    match (lang, p) {
        (Lang::En, _) => p.describe(),
        (Lang::Ja, AboveCap { dose, cap, child }) => format!(
            "{dose:.2} mg は{}の上限 {cap:.2} mg を超えています",
            if *child { "小児" } else { "成人" }
        ),
        (Lang::Ja, AboveWeightDose { dose, kg, expected }) => {
            format!("{dose:.2} mg は体重 {kg} kg の量（{expected:.2} mg）を超えています")
        }
    }
}

/// What an override covers, in words: a block answer's label, a fever,
/// critical vitals.
pub fn gate_label(lang: Lang, config: &crate::config::Config, id: &str) -> String {
    use crate::domain::rules::{GATE_FEVER, GATE_VITALS};
    match (id, lang) {
        (GATE_FEVER, Lang::En) => "fever before treatment".into(),
        (GATE_FEVER, Lang::Ja) => "施術前の発熱".into(),
        (GATE_VITALS, Lang::En) => "critical pre-treatment vitals".into(),
        (GATE_VITALS, Lang::Ja) => "施術前バイタル異常（危険域）".into(),
        _ => item_label(lang, config, id),
    }
}

pub fn reaction_name(lang: Lang, kind: crate::domain::ReactionKind) -> &'static str {
    use crate::domain::ReactionKind::*;
    match (lang, kind) {
        (Lang::En, Local) => "local (injection site)",
        (Lang::Ja, Local) => "局所反応",
        (Lang::En, Vasovagal) => "vasovagal",
        (Lang::Ja, Vasovagal) => "迷走神経反射",
        (Lang::En, Allergic) => "allergic",
        (Lang::Ja, Allergic) => "アレルギー反応",
        (Lang::En, Anaphylaxis) => "anaphylaxis",
        (Lang::Ja, Anaphylaxis) => "アナフィラキシー",
    }
}

pub fn check_name(lang: Lang, check: crate::domain::Check) -> &'static str {
    use crate::domain::Check::*;
    match (lang, check) {
        (Lang::En, HemostasisPressure) => "pressure on the site (hemostasis timer)",
        (Lang::Ja, HemostasisPressure) => "圧迫止血開始",
        (Lang::En, HemostasisConfirmed) => "hemostasis confirmed",
        (Lang::Ja, HemostasisConfirmed) => "止血確認",
        (Lang::En, FeelsWellWalksSteadily) => "feels well, walks steadily",
        (Lang::Ja, FeelsWellWalksSteadily) => "気分不良なし・歩行安定",
        (Lang::En, AftercareExplained) => "aftercare explained",
        (Lang::Ja, AftercareExplained) => "アフターケア説明",
        (Lang::En, BloodDonationDeferralExplained) => "no blood donation explained",
        (Lang::Ja, BloodDonationDeferralExplained) => "献血不可の説明",
        (Lang::En, NextVisitSuggested) => "next visit suggested",
        (Lang::Ja, NextVisitSuggested) => "次回来院の案内",
        (Lang::En, WhomToCallExplained) => "whom to call explained",
        (Lang::Ja, WhomToCallExplained) => "連絡先の案内",
    }
}

pub fn flag_name(lang: Lang, flag: crate::config::RiskFlag) -> &'static str {
    use crate::config::RiskFlag::*;
    match (lang, flag) {
        (Lang::En, Allergy) => "allergy hx",
        (Lang::Ja, Allergy) => "アレルギー歴",
        (Lang::En, Vasovagal) => "VVR/fall risk: lying down",
        (Lang::Ja, Vasovagal) => "VVR・転倒リスク：臥位で",
        (Lang::En, FirstSession) => "1st: test dose?",
        (Lang::Ja, FirstSession) => "初回：テスト注射検討",
        (Lang::En, BloodThinner) => "blood thinner",
        (Lang::Ja, BloodThinner) => "抗凝固薬",
        (Lang::En, BloodDonor) => "donor",
        (Lang::Ja, BloodDonor) => "献血者",
        (Lang::En, Infection) => "infection?",
        (Lang::Ja, Infection) => "感染症疑い",
    }
}

/// A badge as shown on a board row.
pub fn badge_text(lang: Lang, badge: &crate::domain::Badge, tz: chrono_tz::Tz) -> String {
    use crate::domain::Badge;
    match (lang, badge) {
        (Lang::En, Badge::PriorReaction { reaction, at }) => format!(
            "PAST {} {}",
            reaction_name(lang, *reaction).to_uppercase(),
            at.with_timezone(&tz).format("%Y-%m-%d")
        ),
        (Lang::Ja, Badge::PriorReaction { reaction, at }) => format!(
            "過去に{} {}",
            reaction_name(lang, *reaction),
            at.with_timezone(&tz).format("%Y-%m-%d")
        ),
        (Lang::En, Badge::Override { doctor }) => format!("override: {doctor}"),
        (Lang::Ja, Badge::Override { doctor }) => format!("医師判断: {doctor}"),
        (_, Badge::Risk { flag }) => flag_name(lang, *flag).to_string(),
        (Lang::En, Badge::Session { n, of }) => format!("session {n}/{of}"),
        (Lang::Ja, Badge::Session { n, of }) => format!("{n}/{of}回目"),
        (Lang::En, Badge::OverDose { mg, doctor }) => {
            format!("adrenaline {mg:.2} mg over dose, confirmed: {doctor}")
        }
        (Lang::Ja, Badge::OverDose { mg, doctor }) => {
            format!("アドレナリン過量 {mg:.2} mg（{doctor}確認）")
        }
        (Lang::En, Badge::Undone { what, reason }) => {
            format!("undone: {} ({reason})", what.replace('_', " "))
        }
        (Lang::Ja, Badge::Undone { what, reason }) => {
            format!("取り消し: {}（{reason}）", event_name_ja(what))
        }
        (Lang::En, Badge::TimerShortened { doctor }) => {
            format!("time corrected, timer shortened: {doctor}")
        }
        (Lang::Ja, Badge::TimerShortened { doctor }) => {
            format!("時刻訂正で観察短縮（{doctor}承認）")
        }
        (Lang::En, Badge::Doubtful { .. }) => "entered after the act: would have stopped it".into(),
        (Lang::Ja, Badge::Doubtful { .. }) => "事後入力：本来なら中止すべき記録".into(),
    }
}

/// An event kind's name in Japanese, for the undone badge.
fn event_name_ja(name: &str) -> &'static str {
    match name {
        "reaction" => "反応",
        "adrenaline" => "アドレナリン",
        "ambulance_called" => "救急車要請",
        "transferred" => "救急搬送",
        _ => "記録",
    }
}

/// What a move still needs, as a line in a form or a status message.
pub fn missing_text(
    lang: Lang,
    missing: &crate::domain::Missing,
    config: &crate::config::Config,
) -> String {
    use crate::domain::Missing::*;
    let items = |ids: &[String]| {
        ids.iter()
            .map(|i| gate_label(lang, config, i))
            .collect::<Vec<_>>()
            .join(if lang == Lang::Ja { "、" } else { ", " })
    };
    let at = |t: &chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&config.timezone)
            .format("%H:%M")
            .to_string()
    };
    match (lang, missing) {
        (Lang::En, Screening) => "screening answers".into(),
        (Lang::Ja, Screening) => "問診の回答".into(),
        (Lang::En, Contraindication { items: i }) => format!(
            "contraindication: {} (defer, or doctor's override)",
            items(i)
        ),
        (Lang::Ja, Contraindication { items: i }) => {
            format!("禁忌：{}（見送り、または医師の判断）", items(i))
        }
        (Lang::En, CautionAcknowledgement { items: i }) => {
            format!("doctor's acknowledgement: {}", items(i))
        }
        (Lang::Ja, CautionAcknowledgement { items: i }) => format!("医師の確認：{}", items(i)),
        (Lang::En, Consent { items: i }) => format!("consent: {}", items(i)),
        (Lang::Ja, Consent { items: i }) => format!("同意：{}", items(i)),
        (Lang::En, Plan) => "the plan (dose, product, nurse)".into(),
        (Lang::Ja, Plan) => "施術計画（量・製品・担当看護師）".into(),
        (Lang::En, PreTreatmentVitals) => "pre-treatment vitals".into(),
        (Lang::Ja, PreTreatmentVitals) => "施術前バイタル".into(),
        (Lang::En, Lot) => "the lot number".into(),
        (Lang::Ja, Lot) => "ロット番号".into(),
        (Lang::En, Observation { until: Some(t) }) => format!("observation until {}", at(t)),
        (Lang::Ja, Observation { until: Some(t) }) => format!("経過観察 {} まで", at(t)),
        (Lang::En, Observation { until: None }) => "observation until symptom-free".into(),
        (Lang::Ja, Observation { until: None }) => "症状消失まで経過観察".into(),
        (Lang::En, EndVitals) => "end-of-observation vitals".into(),
        (Lang::Ja, EndVitals) => "観察終了時バイタル".into(),
        (Lang::En, EndVitalsInRange) => "end vitals in range".into(),
        (Lang::Ja, EndVitalsInRange) => "終了時バイタルが基準内".into(),
        (_, Check { item }) => check_name(lang, *item).to_string(),
        (Lang::En, DoctorClearance) => "the doctor's clearance (after the last reaction)".into(),
        (Lang::Ja, DoctorClearance) => "医師の帰宅許可（最後の反応の後）".into(),
        (Lang::En, DripRunning { until }) => format!(
            "the drip runs until {}: s stops it early, with a reason",
            at(until)
        ),
        (Lang::Ja, DripRunning { until }) => {
            format!("点滴は {} まで：早く終えるには s（理由を記録）", at(until))
        }
        (Lang::En, DripCheck { minute }) => {
            format!("the {minute}-minute drip check (t ticks it, T skips it with a reason)")
        }
        (Lang::Ja, DripCheck { minute }) => {
            format!("点滴{minute}分チェック（t で済、T で理由を付けて省略）")
        }
        (Lang::En, OpenReaction { reaction }) => format!(
            "the {} reaction is open: symptom-free first, or transfer",
            reaction_name(lang, *reaction)
        ),
        (Lang::Ja, OpenReaction { reaction }) => format!(
            "{}が続いています：まず症状消失を記録、または救急搬送",
            reaction_name(lang, *reaction)
        ),
        (Lang::En, DoctorReasonForHome) => {
            "after anaphylaxis the exit is transfer: home only with the doctor's clearance and reason".into()
        }
        (Lang::Ja, DoctorReasonForHome) => {
            "アナフィラキシー後は救急搬送：帰宅には医師の許可と理由が必要".into()
        }
        (Lang::En, TransferOnly) => "after anaphylaxis: transfer by ambulance".into(),
        (Lang::Ja, TransferOnly) => "アナフィラキシー後：救急搬送".into(),
        (Lang::En, ReadingInRange) => {
            "vitals in range taken after the reaction (the last are critical, or none since)".into()
        }
        (Lang::Ja, ReadingInRange) => {
            "反応後に基準内のバイタル（最新が危険域、または反応後の測定なし）".into()
        }
    }
}

/// A recorded entry in the detail pane.
pub fn entry_words(
    lang: Lang,
    entry: &crate::domain::Entry,
    config: &crate::config::Config,
) -> String {
    use crate::domain::Entry::*;
    let ja = lang == Lang::Ja;
    match entry {
        Screening { answers } => {
            let yes: Vec<String> = answers
                .iter()
                .filter(|(_, y)| **y)
                .map(|(id, _)| item_label(lang, config, id))
                .collect();
            let head = if ja { "問診" } else { "screening" };
            if yes.is_empty() {
                format!("{head}: {}", if ja { "該当なし" } else { "all no" })
            } else {
                format!("{head}: {}", yes.join(", "))
            }
        }
        CautionsAcknowledged { doctor, items } => {
            let items: Vec<String> = items.iter().map(|i| item_label(lang, config, i)).collect();
            if ja {
                format!("医師確認（要注意）: {doctor}（{}）", items.join("、"))
            } else {
                format!("cautions acknowledged by {doctor}: {}", items.join(", "))
            }
        }
        Override {
            doctor,
            reason,
            items,
        } => {
            let items: Vec<String> = items.iter().map(|i| gate_label(lang, config, i)).collect();
            if ja {
                format!("医師判断で実施: {doctor}（{}：{reason}）", items.join("、"))
            } else {
                format!("override by {doctor} of {}: {reason}", items.join(", "))
            }
        }
        Consent { items } => {
            if ja {
                format!("同意 {}/{}", items.len(), config.consent.len())
            } else {
                format!("consent {}/{}", items.len(), config.consent.len())
            }
        }
        Plan { plan } => format!(
            "{} {} {} mL, {} ({})",
            if ja { "計画" } else { "plan" },
            plan.treatment,
            plan.dose_ml,
            plan.product,
            plan.nurse
        ),
        Vitals { vitals: v } => format!(
            "{} {}/{} {} {} SpO2 {} {:.1} RR {}",
            if ja { "バイタル" } else { "vitals" },
            v.systolic,
            v.diastolic,
            if ja { "脈" } else { "P" },
            v.pulse,
            v.spo2,
            v.temperature,
            v.respiratory_rate
        ),
        DripCheck {
            minute,
            skipped: None,
        } => {
            if ja {
                format!("点滴{minute}分チェック済")
            } else {
                format!("drip check at {minute} min done")
            }
        }
        DripCheck {
            minute,
            skipped: Some(reason),
        } => {
            if ja {
                format!("点滴{minute}分チェック省略: {reason}")
            } else {
                format!("drip check at {minute} min skipped: {reason}")
            }
        }
        Pause { reason } => {
            if ja {
                format!("点滴一時停止: {reason}")
            } else {
                format!("drip paused: {reason}")
            }
        }
        Resume => {
            if ja {
                "点滴再開".into()
            } else {
                "drip resumed".into()
            }
        }
        Reaction {
            reaction,
            signs,
            action,
            ..
        } => format!(
            "{} {}: {signs}{}",
            if ja { "反応" } else { "reaction" },
            reaction_name(lang, *reaction),
            if action.is_empty() {
                String::new()
            } else {
                format!(" -> {action}")
            }
        ),
        DoctorPresent { doctor } => {
            if ja {
                format!("医師到着: {doctor}")
            } else {
                format!("doctor present: {doctor}")
            }
        }
        SymptomFree => {
            if ja {
                "症状消失".into()
            } else {
                "symptom-free".into()
            }
        }
        Adrenaline {
            dose_mg,
            confirmed_by,
        } => match (ja, confirmed_by) {
            (true, None) => format!("アドレナリン {dose_mg} mg 筋注"),
            (true, Some(who)) => format!("アドレナリン {dose_mg} mg 筋注（過量・{who}確認）"),
            (false, None) => format!("adrenaline {dose_mg} mg IM"),
            (false, Some(who)) => {
                format!("adrenaline {dose_mg} mg IM (above the computed dose, confirmed by {who})")
            }
        },
        AmbulanceCalled => {
            if ja {
                "救急車要請".into()
            } else {
                "ambulance called".into()
            }
        }
        Acknowledge { code } => {
            if ja {
                format!("確認済: {code}")
            } else {
                format!("acknowledged: {code}")
            }
        }
        Clearance { doctor, reason } => match (ja, reason) {
            (true, None) => format!("医師の帰宅許可: {doctor}"),
            (true, Some(r)) => format!("医師の帰宅許可: {doctor}（{r}）"),
            (false, None) => format!("cleared for discharge by {doctor}"),
            (false, Some(r)) => format!("cleared for discharge by {doctor}: {r}"),
        },
        Checklist { item } => format!("[x] {}", check_name(lang, *item)),
    }
}

/// Words for the day-sheet and correction events in the detail pane.
pub fn record_event_words(
    lang: Lang,
    kind: &crate::domain::EventKind,
    tz: chrono_tz::Tz,
) -> String {
    use crate::domain::EventKind;
    let ja = lang == Lang::Ja;
    match kind {
        EventKind::Expected { expected_at, .. } => {
            let t = expected_at.with_timezone(&tz).format("%H:%M");
            if ja {
                format!("予約 {t}")
            } else {
                format!("booked for {t}")
            }
        }
        EventKind::CheckedIn { ticket } => {
            if ja {
                format!("来院（受付番号 {ticket}）")
            } else {
                format!("arrived (ticket {ticket})")
            }
        }
        EventKind::Corrected {
            correction,
            reason,
            old,
            ..
        } => correction_words(lang, correction, old, reason, tz, None),
        _ => String::new(),
    }
}

/// A correction as the staff read it: which value, the old one beside the
/// new one, and why. `event`: the words of the event whose time was
/// corrected, when known.
pub fn correction_words(
    lang: Lang,
    correction: &crate::domain::Correction,
    old: &str,
    reason: &str,
    tz: chrono_tz::Tz,
    event: Option<&str>,
) -> String {
    use crate::domain::Correction;
    let ja = lang == Lang::Ja;
    let (field, new) = match correction {
        Correction::Name { name } => (if ja { "氏名" } else { "name" }.to_string(), name.clone()),
        Correction::ChartNo { chart_no } => (
            if ja { "カルテ番号" } else { "chart no." }.to_string(),
            chart_no.clone().unwrap_or_else(|| "-".into()),
        ),
        Correction::Lot { number } => (
            if ja { "ロット番号" } else { "lot" }.to_string(),
            number.clone(),
        ),
        Correction::Time { at, .. } => (
            match (ja, event) {
                (true, Some(e)) => format!("{e}の時刻"),
                (true, None) => "時刻".into(),
                (false, Some(e)) => format!("time of {e}"),
                (false, None) => "time".into(),
            },
            at.with_timezone(&tz).format("%H:%M").to_string(),
        ),
    };
    let old = if old.is_empty() { "-" } else { old };
    if ja {
        format!("訂正 {field}: {old} -> {new}（{reason}）")
    } else {
        format!("corrected {field}: {old} -> {new} ({reason})")
    }
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
}

const EN_RECORDS: RecordsTexts = RecordsTexts {
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
};

const JA_RECORDS: RecordsTexts = RecordsTexts {
    history_title: "記録の履歴",
    loading: "{d} の記録を読み込み中...",
    load_failed: "{d} の記録を読み込めませんでした：{e}",
    today: "今日",
    no_events: "この日の記録はありません",
    no_match: "条件に合う記録はありません",
    count: "{n} 件",
    count_one: "1 件",
    col_time: "時刻",
    col_recorded: "入力",
    col_by: "入力者",
    col_patient: "患者",
    col_what: "内容",
    filter_kind: "種類",
    filter_patient: "患者",
    filter_by: "入力者",
    kinds: ["すべて", "段階の変更", "臨床記録", "訂正・取り消し"],
    no_later_day: "今日より先の記録はありません",
    no_patient_row: "この行に患者はいません",
    key_history: "履歴",
    key_day: "前日 / 翌日",
    key_move: "移動",
    key_patient: "この患者のみ・全員",
    key_by: "入力者で絞り込み",
    key_kind: "種類を切り替え",
    key_close: "ボードに戻る",
    key_keep_by: "絞り込みを確定",
    key_clear_by: "絞り込みを解除",
    help_history: "履歴",
    help_by: "履歴：入力者",
    key_correct: "記録の訂正",
    form_correct: "記録の訂正",
    field_what: "訂正する項目",
    field_right_time: "正しい時刻",
    what_time: "{e}の時刻（{t}）",
    right_time_hint: "HH:MM（実際の時刻）",
    reason_hint: "必須：訂正の理由",
    was: "訂正前 {v}",
    corrected: "訂正しました（訂正前の値も記録に残ります）",
    err_unchanged: "現在の記録と同じです：正しい値を入力してください",
    key_check_in: "来院受付",
    key_check_in_help: "予約患者の来院受付",
    form_check_in: "来院受付",
};

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
}

const EN_CLINIC: ClinicTexts = ClinicTexts {
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
    sec_checklist: "Checklist (Space ticks an item)",
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
    key_toggle: "tick / answer yes / no",
    key_scroll: "scroll",
    help_care: "Patient care",
};

const JA_CLINIC: ClinicTexts = ClinicTexts {
    form_counselling: "カウンセリング",
    form_vitals: "バイタルサイン",
    form_start: "施術開始",
    form_pause: "点滴の一時停止",
    form_stop: "途中終了",
    form_reaction: "副反応の記録",
    form_followup: "反応への対応",
    form_discharge: "帰宅前チェックリスト",
    sec_screening: "問診",
    sec_block: "禁忌：施術見送り、または医師の判断",
    sec_caution: "要注意：医師の確認",
    sec_consent: "同意（すべて必須）",
    sec_plan: "施術計画",
    sec_missing_ready: "施術待ちまでに不足",
    sec_missing_start: "施術開始までに不足",
    sec_missing_discharge: "帰宅までに不足",
    sec_steps: "いますぐ",
    sec_checklist: "チェック（Space で記録）",
    sec_aftercare: "説明するアフターケア",
    nothing_missing: "不足なし",
    from_last_visit: "確認：前回（{d}）の回答です",
    first_visit_note: "初診：初めての施術を「はい」にしました",
    level_block: "禁忌",
    level_caution: "要注意",
    level_info: "情報",
    answer_unset: "未回答",
    answer_yes: "はい",
    answer_no: "いいえ",
    decision_unset: "選択",
    decision_defer: "本日の施術を見送る",
    decision_override: "医師の判断で実施",
    defer_reason: "禁忌",
    field_decision: "判断",
    field_doctor: "医師",
    field_method: "手技",
    method_papule: "パピュール法",
    method_nappage: "ナパージュ法",
    field_sites: "部位",
    sites_hint: "例: 顔, 首",
    field_dose_ml: "量 mL",
    field_product: "製品名",
    field_origin: "由来",
    origins: ["脂肪", "臍帯", "歯髄", "骨髄", "胎盤"],
    not_chosen: "-",
    field_nurse: "担当看護師",
    field_weight: "体重 kg",
    weight_hint: "任意：アドレナリン量の計算用",
    field_systolic: "収縮期血圧",
    field_diastolic: "拡張期血圧",
    field_pulse: "脈拍 /分",
    field_spo2: "SpO2 %",
    field_temperature: "体温 C",
    field_resp_rate: "呼吸数 /分",
    field_consciousness: "意識レベル",
    consciousness: ["清明", "新たな混乱", "声に反応", "痛みに反応", "反応なし"],
    field_lot: "ロット番号",
    field_lot_expiry: "使用期限",
    expiry_hint: "YYYY-MM-DD（任意）",
    field_volume: "投与量 mL",
    volume_hint: "任意：実際に投与した量",
    field_kind: "種類",
    field_signs: "症状",
    field_action: "処置",
    field_followup: "対応",
    followups: [
        "医師到着",
        "症状消失",
        "アドレナリン投与",
        "救急車要請",
        "救急搬送",
        "医師の帰宅許可",
    ],
    field_dose_mg: "量 mg",
    hemostasis_left: "圧迫中：残り {t}",
    hemostasis_done: "圧迫時間終了：止血を確認",
    next_visit: "次回：{a}〜{b}日後（{n}/{m}回目）",
    course_done: "全{m}回のコース終了",
    whom_to_call: "連絡先：{p}",
    ticked: "済",
    discharge_hint: "Enter：帰宅",
    vitals_hint: "ボードで v：終了時バイタル",
    clearance_hint: "ボードで f：医師の帰宅許可",
    err_not_a_number: "数値ではありません",
    err_required: "必須です",
    err_answer: "はい／いいえで回答（Left/Right、y、n）",
    err_choose: "Left/Right で選択",
    err_weight: "2〜300 kg で入力（空欄可）",
    err_dose: "0 より大きく 100 mL 以下で入力",
    err_lot_blank: "ロット番号が空です：バイアルから転記してください",
    err_bad_date: "YYYY-MM-DD で入力",
    err_out_of_range: "範囲外です",
    saved_not_ready: "保存しました。施術待ちには不足：{m}",
    no_unacknowledged: "この患者に未確認のアラートはありません",
    no_drip_check: "この患者に予定の点滴チェックはありません",
    only_administration: "施術中のみ使えます",
    only_counselling: "カウンセリングか施術待ちの患者のみ",
    only_from_administration: "副反応は施術開始後に記録します",
    resuming: "点滴を再開します",
    emergency: "緊急",
    anaphylaxis: "アナフィラキシー",
    adrenaline_im: "アドレナリン {d} mg 大腿筋注",
    repeat_due: "再投与時期",
    call_ambulance: "救急車要請",
    bed: "ベッド",
    plan: "計画",
    lot: "ロット",
    vitals: "バイタル",
    reactions: "反応",
    reaction_open: "対応中",
    reaction_resolved: "{t} 症状消失",
    checklist: "チェック",
    next_needs: "次に必要",
    consent_count: "同意（{n}項目）",
    badges: "注意事項",
    acknowledged_by: "{who} 確認済",
    paused: "一時停止",
    key_counselling: "カウンセリング記録",
    key_vitals: "バイタル",
    key_drip_check: "点滴チェック済",
    key_pause: "点滴の停止 / 再開",
    key_stop: "途中終了",
    key_reaction: "副反応",
    key_followup: "反応への対応",
    key_ack: "アラート確認",
    field_age: "年齢（歳）",
    field_stop_drip: "抜針して点滴を中止する",
    confirm_dose: "{why}：投与するには確認した医師名を入れて、もう一度Enter",
    no_weight_dose: "体重未記録のため投与量を計算できません（上限 {c} mg）",
    dose_in_ml: "＝ 1 mg/mL 製剤 {ml} mL",
    doses_given: "投与済 {n} 回",
    doctor_with: "{who} 医師対応中",
    call_the_doctor: "医師を呼ぶ",
    form_undo: "取り消し（理由）",
    field_pin: "医師の暗証番号",
    form_skip_check: "点滴チェックを省略",
    key_skip_check: "点滴チェックを省略（理由）",
    key_toggle: "チェック / はい / いいえ",
    key_scroll: "スクロール",
    help_care: "患者対応",
};

/// What to do now for a reaction of `kind`, as the reaction dialog shows it.
/// The anaphylaxis dose comes from the recorded weight (`dose_mg`; `None`:
/// no weight, the board cannot compute it) up to the patient's `cap_mg`.
pub fn reaction_steps(
    lang: Lang,
    kind: crate::domain::ReactionKind,
    dose_mg: Option<f32>,
    cap_mg: f32,
    weight_kg: Option<f32>,
) -> Vec<String> {
    use crate::domain::ReactionKind::*;
    let en = lang == Lang::En;
    let lines: Vec<String> = match kind {
        Local => vec![if en {
            "note the site and the signs; usually resolves in days".into()
        } else {
            "部位と症状を記録：通常は数日で治まる".into()
        }],
        Vasovagal => {
            if en {
                vec![
                    "needle out".into(),
                    "lie flat, legs up".into(),
                    "stay with the patient (fall risk)".into(),
                    "vitals every 5 min".into(),
                ]
            } else {
                vec![
                    "抜針".into(),
                    "仰臥位・下肢挙上".into(),
                    "患者から離れない（転倒リスク）".into(),
                    "5分ごとにバイタル測定".into(),
                ]
            }
        }
        Allergic => {
            if en {
                vec![
                    "call the doctor".into(),
                    "the drip pauses".into(),
                    "vitals every 5 min; watch breathing and BP".into(),
                    "observe 60 min or more; the doctor clears discharge".into(),
                ]
            } else {
                vec![
                    "医師を呼ぶ".into(),
                    "点滴は一時停止".into(),
                    "5分ごとにバイタル：呼吸と血圧を観察".into(),
                    "60分以上観察：帰宅は医師が許可".into(),
                ]
            }
        }
        Anaphylaxis => {
            let first = match (en, dose_mg, weight_kg) {
                (true, Some(d), Some(w)) => {
                    format!("adrenaline {d:.2} mg = {d:.2} mL (1 mg/mL) IM, outer thigh ({w} kg)")
                }
                (true, _, _) => format!(
                    "adrenaline IM, outer thigh: weight not recorded, the board cannot compute the dose (at most {cap_mg:.2} mg)"
                ),
                (false, Some(d), Some(w)) => {
                    format!("アドレナリン {d:.2} mg＝{d:.2} mL（1 mg/mL）大腿外側に筋注（{w} kg）")
                }
                (false, _, _) => format!(
                    "アドレナリン大腿外側に筋注：体重未記録のため量を計算できません（上限 {cap_mg:.2} mg）"
                ),
            };
            if en {
                vec![
                    first,
                    "stop the drip; lie flat, legs up".into(),
                    "call the ambulance; call the doctor".into(),
                    "repeat the dose after 5 min if problems persist".into(),
                ]
            } else {
                vec![
                    first,
                    "点滴中止・仰臥位・下肢挙上".into(),
                    "救急車要請・医師を呼ぶ".into(),
                    "症状が続けば5分後に再投与".into(),
                ]
            }
        }
    };
    lines
}
