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
    pub stages: [&'static str; 9],
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
    /// Words of the wall display (and of the start-up questions).
    pub wall: WallTexts,
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
    stages: [
        "Waiting",
        "Counselling",
        "Ready",
        "Administration",
        "Observation",
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
};

const JA: Texts = Texts {
    stages: [
        "受付済・待合",
        "カウンセリング",
        "施術待ち",
        "施術・投与",
        "経過観察",
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
    help_close: "Esc, ? or q closes this help",
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
    help_close: "Esc・?・q でヘルプを閉じます",
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

pub fn stage_name(lang: Lang, stage: Stage) -> &'static str {
    let i = Stage::ALL.iter().position(|s| *s == stage).unwrap_or(0);
    texts(lang).stages[i]
}

/// The sentence for an alert, as the staff read it.
pub fn alert_message(lang: Lang, alert: &Alert, route: Option<Route>) -> String {
    let m = alert.minutes;
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
    }
}
