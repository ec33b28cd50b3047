//! Everything the screens say in Japanese: the fixed words and the
//! sentences (DOMAIN.md "Words" gives the clinic's terms).

use chrono_tz::Tz;

use super::{
    AlertFacts, BusyTexts, ClinicTexts, EventWords, Lang, RecordsTexts, Texts, UiTexts, WallTexts,
    Words, alert_words, gate_label, gate_list, hm, item_label, stage_name, treatment_label,
};
use crate::config::{Config, RiskFlag};
use crate::domain::rules::{DoseProblem, GATE_FEVER, GATE_VITALS, VitalsFinding};
use crate::domain::{
    AlertCode, Badge, Check, Correction, Entry, EventKind, Missing, ReactionKind, Vitals,
};

pub(super) struct Japanese;

/// An event kind's name, for the undone badge.
fn event_name(name: &str) -> &'static str {
    match name {
        "reaction" => "反応",
        "adrenaline" => "アドレナリン",
        "ambulance_called" => "救急車要請",
        "transferred" => "救急搬送",
        _ => "記録",
    }
}

impl Words for Japanese {
    fn texts(&self) -> &'static Texts {
        &TEXTS
    }

    fn list_separator(&self) -> &'static str {
        "、"
    }

    fn alert_message(&self, f: &AlertFacts) -> String {
        let alert = f.alert;
        let m = alert.minutes;
        let d = &f.detail;
        let what = if f.drip { "点滴" } else { "注射" };
        match alert.code {
            AlertCode::WaitedTooLong => {
                format!("待ち時間超過：{}で{m}分", stage_name(Lang::Ja, alert.stage))
            }
            AlertCode::AdministrationDue => format!("{what}終了時刻：抜針・止血確認"),
            AlertCode::AdministrationOverdue => format!("施術時間{m}分超過：抜針・止血確認"),
            AlertCode::ObservationComplete => "経過観察終了：帰宅可".to_string(),
            AlertCode::DischargeOverdue => format!("帰宅予定を{m}分超過"),
            AlertCode::Contraindication => format!("禁忌あり（{d}）：施術見送り、または医師の判断"),
            AlertCode::CautionNeedsDoctor => format!("要注意（{d}）：医師の確認が必要"),
            AlertCode::Fever => format!("発熱 {d}度：感染症の疑い"),
            AlertCode::Vitals => format!("バイタル異常：{d}"),
            AlertCode::DripCheckDue => {
                format!("点滴{d}分チェック：残量・速度・ルート・刺入部・患者")
            }
            AlertCode::DripPaused if m > 0 => format!("点滴一時停止中（{}から{m}分）", f.since),
            AlertCode::DripPaused => format!("点滴一時停止中（{}から）", f.since),
            AlertCode::Vasovagal => {
                "迷走神経反射：抜針・仰臥位・下肢挙上・患者から離れない".to_string()
            }
            AlertCode::VitalsDue => "バイタル測定の時間です（反応中は5分ごと）".to_string(),
            AlertCode::Allergic if alert.severity == crate::domain::Severity::Critical => {
                "アレルギー反応：医師を呼ぶ・点滴停止中".to_string()
            }
            AlertCode::Allergic => "アレルギー反応：医師対応中".to_string(),
            AlertCode::Emergency => {
                let (dose, doctor) = &f.emergency;
                format!("緊急 アナフィラキシー：{dose}・仰臥位・{doctor}")
            }
            AlertCode::AdrenalineRepeatDue => format!("症状が続けばアドレナリン再投与（{d} mg）"),
            AlertCode::CallAmbulance => "救急車要請・搬送手配".to_string(),
            AlertCode::Late => format!("予約時刻から{m}分経過（未来院）"),
            AlertCode::HemostasisDue => "圧迫時間終了：止血確認".to_string(),
            AlertCode::PriorReaction => {
                let (kind, when) = &f.prior;
                format!("過去の反応あり（{kind}、{when}）：問診は「あり」、まず医師が確認")
            }
            AlertCode::BedNotReady => {
                format!("ベッド{d}が清掃中のまま（{m}分）：終わったら準備完了に（b）")
            }
            AlertCode::Caseload => format!(
                "看護師{d}が点滴{m}件を同時に担当（上限{}件）：担当を替える（R）",
                f.caseload_limit
            ),
        }
    }

    fn vitals_finding(&self, finding: &VitalsFinding) -> String {
        match finding {
            VitalsFinding::News2 { total } => format!("NEWS2 {total}"),
            VitalsFinding::Systolic { mmhg } => format!("収縮期血圧 {mmhg}"),
            VitalsFinding::SystolicDrop { mmhg, was } => {
                format!("収縮期血圧 {mmhg}（施術前 {was}）")
            }
            VitalsFinding::Spo2 { percent } => format!("SpO2 {percent}"),
        }
    }

    fn vitals_line(&self, v: &Vitals) -> String {
        format!(
            "血圧{}/{} 脈拍{} SpO2 {} 体温{:.1} 呼吸{}",
            v.systolic, v.diastolic, v.pulse, v.spo2, v.temperature, v.respiratory_rate
        )
    }

    fn alert_short(&self, code: AlertCode) -> &'static str {
        use AlertCode::*;
        match code {
            Contraindication => "禁忌",
            CautionNeedsDoctor => "医師確認",
            Fever => "発熱",
            Vitals => "バイタル",
            DripCheckDue => "点検",
            DripPaused => "停止中",
            Vasovagal => "迷走神経",
            VitalsDue => "要測定",
            Allergic => "アレルギー",
            Emergency => "緊急",
            AdrenalineRepeatDue => "再投与",
            CallAmbulance => "救急車",
            HemostasisDue => "止血確認",
            WaitedTooLong => "待ち",
            AdministrationDue => "終了",
            AdministrationOverdue => "超過",
            ObservationComplete => "観察済",
            Late => "遅刻",
            DischargeOverdue => "帰宅超過",
            PriorReaction => "過去に反応",
            BedNotReady => "清掃中",
            Caseload => "担当過多",
        }
    }

    fn dose_problem(&self, p: &DoseProblem) -> String {
        match p {
            DoseProblem::AboveCap { dose, cap, child } => format!(
                "{dose:.2} mg は{}の上限 {cap:.2} mg を超えています",
                if *child { "小児" } else { "成人" }
            ),
            DoseProblem::AboveWeightDose { dose, kg, expected } => {
                format!("{dose:.2} mg は体重 {kg} kg の量（{expected:.2} mg）を超えています")
            }
        }
    }

    fn gate(&self, id: &str) -> Option<&'static str> {
        match id {
            GATE_FEVER => Some("施術前の発熱"),
            GATE_VITALS => Some("施術前バイタル異常（危険域）"),
            _ => None,
        }
    }

    fn reaction_name(&self, kind: ReactionKind) -> &'static str {
        match kind {
            ReactionKind::Local => "局所反応",
            ReactionKind::Vasovagal => "迷走神経反射",
            ReactionKind::Allergic => "アレルギー反応",
            ReactionKind::Anaphylaxis => "アナフィラキシー",
        }
    }

    fn check_name(&self, check: Check) -> &'static str {
        match check {
            Check::HemostasisPressure => "圧迫止血開始",
            Check::HemostasisConfirmed => "止血確認",
            Check::FeelsWellWalksSteadily => "気分不良なし・歩行安定",
            Check::AftercareExplained => "アフターケア説明",
            Check::BloodDonationDeferralExplained => "献血不可の説明",
            Check::NextVisitSuggested => "次回来院の案内",
            Check::WhomToCallExplained => "連絡先の案内",
        }
    }

    fn flag_name(&self, flag: RiskFlag) -> &'static str {
        match flag {
            RiskFlag::Allergy => "アレルギー歴",
            RiskFlag::Vasovagal => "VVR・転倒リスク：臥位で",
            RiskFlag::FirstSession => "初回：テスト注射検討",
            RiskFlag::BloodThinner => "抗凝固薬",
            RiskFlag::BloodDonor => "献血者",
            RiskFlag::Infection => "感染症疑い",
        }
    }

    fn badge(&self, badge: &Badge, tz: Tz) -> String {
        match badge {
            Badge::PriorReaction { reaction, at } => format!(
                "過去に{} {}",
                self.reaction_name(*reaction),
                at.with_timezone(&tz).format("%Y-%m-%d")
            ),
            Badge::Override { doctor } => format!("医師判断: {doctor}"),
            Badge::Risk { flag } => self.flag_name(*flag).to_string(),
            Badge::Session { n, of } => format!("{n}/{of}回目"),
            Badge::OverDose { mg, doctor } => {
                format!("アドレナリン過量 {mg:.2} mg（{doctor}確認）")
            }
            Badge::Undone { what, reason } => {
                format!("取り消し: {}（{reason}）", event_name(what))
            }
            Badge::TimerShortened { doctor } => format!("時刻訂正で観察短縮（{doctor}承認）"),
            Badge::Doubtful { .. } => "事後入力：本来なら中止すべき記録".into(),
            Badge::NotShown => "掲示なし".into(),
        }
    }

    fn missing(&self, missing: &Missing, config: &Config) -> String {
        use Missing::*;
        let items = |ids: &[String]| gate_list(Lang::Ja, config, ids);
        let at = |t| hm(config, t);
        match missing {
            Screening => "問診の回答".into(),
            Contraindication { items: i } => {
                format!("禁忌：{}（見送り、または医師の判断）", items(i))
            }
            CautionAcknowledgement { items: i } => format!("医師の確認：{}", items(i)),
            Consent { items: i } => format!("同意：{}", items(i)),
            Plan => "施術計画（量・製品・担当看護師）".into(),
            PreTreatmentVitals => "施術前バイタル".into(),
            Lot => "ロット番号".into(),
            Observation { until: Some(t) } => format!("経過観察 {} まで", at(t)),
            Observation { until: None } => "症状消失まで経過観察".into(),
            EndVitals => "観察終了時バイタル".into(),
            EndVitalsInRange => "終了時バイタルが基準内".into(),
            Check { item } => self.check_name(*item).to_string(),
            DoctorClearance => "医師の帰宅許可（最後の反応の後）".into(),
            DripRunning { until } => {
                format!("点滴は {} まで：早く終えるには s（理由を記録）", at(until))
            }
            DripCheck { minute } => {
                format!("点滴{minute}分チェック（t で済、T で理由を付けて省略）")
            }
            OpenReaction { reaction } => format!(
                "{}が続いています：まず症状消失を記録、または救急搬送",
                self.reaction_name(*reaction)
            ),
            DoctorReasonForHome => {
                "アナフィラキシー後は救急搬送：帰宅には医師の許可と理由が必要".into()
            }
            TransferOnly => "アナフィラキシー後：救急搬送".into(),
            ReadingInRange => {
                "反応後に基準内のバイタル（最新が危険域、または反応後の測定なし）".into()
            }
        }
    }

    fn entry(&self, entry: &Entry, config: &Config) -> String {
        match entry {
            Entry::Screening { answers } => {
                let yes: Vec<String> = answers
                    .iter()
                    .filter(|(_, y)| **y)
                    .map(|(id, _)| item_label(Lang::Ja, config, id))
                    .collect();
                if yes.is_empty() {
                    "問診: 該当なし".into()
                } else {
                    format!("問診: {}", yes.join(", "))
                }
            }
            Entry::CautionsAcknowledged { doctor, items } => {
                let items: Vec<String> = items
                    .iter()
                    .map(|i| item_label(Lang::Ja, config, i))
                    .collect();
                format!("医師確認（要注意）: {doctor}（{}）", items.join("、"))
            }
            Entry::Override {
                doctor,
                reason,
                items,
            } => {
                let items: Vec<String> = items
                    .iter()
                    .map(|i| gate_label(Lang::Ja, config, i))
                    .collect();
                format!("医師判断で実施: {doctor}（{}：{reason}）", items.join("、"))
            }
            Entry::Consent { items } => format!("同意 {}/{}", items.len(), config.consent.len()),
            Entry::Plan { plan } => format!(
                "計画：{}、{} mL {}（担当 {}）",
                treatment_label(config, Lang::Ja, &plan.treatment),
                plan.dose_ml,
                plan.product,
                plan.nurse
            ),
            Entry::Vitals { vitals } => format!("バイタル {}", self.vitals_line(vitals)),
            Entry::DripCheck {
                minute,
                skipped: None,
            } => format!("点滴{minute}分チェック済"),
            Entry::DripCheck {
                minute,
                skipped: Some(reason),
            } => format!("点滴{minute}分チェック省略: {reason}"),
            Entry::Pause {
                reaction: Some(r), ..
            } => format!("点滴一時停止: {}", self.reaction_name(*r)),
            Entry::Pause { reason, .. } => format!("点滴一時停止: {reason}"),
            Entry::Resume => "点滴再開".into(),
            Entry::Reaction {
                reaction,
                signs,
                action,
                ..
            } => format!(
                "反応 {}: {signs}{}",
                self.reaction_name(*reaction),
                if action.is_empty() {
                    String::new()
                } else {
                    format!(" -> {action}")
                }
            ),
            Entry::DoctorPresent { doctor } => format!("医師到着: {doctor}"),
            Entry::SymptomFree => "症状消失".into(),
            Entry::Adrenaline {
                dose_mg,
                confirmed_by: None,
            } => format!("アドレナリン {dose_mg} mg 筋注"),
            Entry::Adrenaline {
                dose_mg,
                confirmed_by: Some(who),
            } => format!("アドレナリン {dose_mg} mg 筋注（過量・{who}確認）"),
            Entry::AmbulanceCalled => "救急車要請".into(),
            Entry::Acknowledge { code } => format!("確認済: {}", alert_words(self, code)),
            Entry::Clearance {
                doctor,
                reason: None,
            } => format!("医師の帰宅許可: {doctor}"),
            Entry::Clearance {
                doctor,
                reason: Some(r),
            } => format!("医師の帰宅許可: {doctor}（{r}）"),
            Entry::Checklist { item } => format!("[x] {}", self.check_name(*item)),
            Entry::Untick { item } => format!("チェック取り消し: {}", self.check_name(*item)),
            Entry::Reassigned { nurse } => format!("担当看護師の変更: {nurse}"),
            Entry::DoNotDisplay { on: true } => "掲示しない（本人の希望）".into(),
            Entry::DoNotDisplay { on: false } => "掲示の再開（本人の希望）".into(),
            Entry::BedReady { bed } => format!("ベッド{bed} 清掃完了"),
        }
    }

    fn record_event(&self, kind: &EventKind, tz: Tz) -> String {
        match kind {
            EventKind::Expected { expected_at, .. } => {
                format!("予約 {}", expected_at.with_timezone(&tz).format("%H:%M"))
            }
            EventKind::CheckedIn { ticket } => format!("来院（受付番号 {ticket}）"),
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
            Correction::Name { name } => ("氏名".to_string(), name.clone()),
            Correction::ChartNo { chart_no } => (
                "カルテ番号".to_string(),
                chart_no.clone().unwrap_or_else(|| "-".into()),
            ),
            Correction::Lot { number } => ("ロット番号".to_string(), number.clone()),
            Correction::Time { at, .. } => (
                match event {
                    Some(e) => format!("{e}の時刻"),
                    None => "時刻".into(),
                },
                at.with_timezone(&tz).format("%H:%M").to_string(),
            ),
        };
        let old = if old.is_empty() { "-" } else { old };
        format!("訂正 {field}: {old} -> {new}（{reason}）")
    }

    fn reaction_steps(
        &self,
        kind: ReactionKind,
        dose_mg: Option<f32>,
        cap_mg: f32,
        weight_kg: Option<f32>,
    ) -> Vec<String> {
        match kind {
            ReactionKind::Local => vec!["部位と症状を記録：通常は数日で治まる".into()],
            ReactionKind::Vasovagal => vec![
                "抜針".into(),
                "仰臥位・下肢挙上".into(),
                "患者から離れない（転倒リスク）".into(),
                "5分ごとにバイタル測定".into(),
            ],
            ReactionKind::Allergic => vec![
                "医師を呼ぶ".into(),
                "点滴は一時停止".into(),
                "5分ごとにバイタル：呼吸と血圧を観察".into(),
                "60分以上観察：帰宅は医師が許可".into(),
            ],
            ReactionKind::Anaphylaxis => {
                let first = match (dose_mg, weight_kg) {
                    (Some(d), Some(w)) => format!(
                        "アドレナリン {d:.2} mg＝{d:.2} mL（1 mg/mL）大腿外側に筋注（{w} kg）"
                    ),
                    _ => format!(
                        "アドレナリン大腿外側に筋注：体重未記録のため量を計算できません（上限 {cap_mg:.2} mg）"
                    ),
                };
                vec![
                    first,
                    "点滴中止・仰臥位・下肢挙上".into(),
                    "救急車要請・医師を呼ぶ".into(),
                    "症状が続けば5分後に再投与".into(),
                ]
            }
        }
    }
}

pub(super) static TEXTS: Texts = Texts {
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
    ui: UI,
    clinic: CLINIC,
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
        until_symptom_free: "症状消失まで",
        continued: "{s}（続き）",
        done: "終了",
    },
    records: RECORDS,
    busy: BUSY,
};

const UI: UiTexts = UiTexts {
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
    not_typed_tick: "「{c}」は入力されません：チェック欄です（Space・y で記録、n で取り消し、Tab で次の項目）",
    not_typed_choice: "「{c}」は入力されません：選択欄です（Left/Right で選択、Tab で次の項目）",
    key_submit: "登録",
    key_abort: "保存せずに閉じる",
    key_delete: "1文字削除",
    key_home_end: "項目の先頭 / 末尾",
    key_keep_filter: "絞り込みを確定",
    key_clear_filter: "絞り込みを解除",
    key_yes: "はい",
    key_no: "いいえ",
    key_alerts: "全アラート",
    key_clear_field: "項目を消去",
    key_alert_select: "その患者を選択",
    key_first_last_alert: "先頭 / 末尾のアラート",
    help_typing: "文字の入力",
    help_alerts: "アラート一覧",
    enter_not_taken: "Enter は受け付けていません：直前の保存が拒否されました。確認してもう一度 Enter",
    saving_queued: "保存中...（入力 {n} 件は順に反映されます）",
    brief_alerts: "全アラート",
    brief_next: "次へ",
    brief_cancel: "キャンセル",
};

const RECORDS: RecordsTexts = RecordsTexts {
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
    counselling_started: "カウンセリングを開始しました",
    brief_correct: "訂正",
};

const CLINIC: ClinicTexts = ClinicTexts {
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
    sec_checklist: "チェック（Space・y で記録、n で取り消し）",
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
    key_toggle: "はい / いいえ",
    key_scroll: "スクロール",
    help_care: "患者対応",
    vitals_typing: "118/74 72 98 36.5 14 のように入力：空白か / で次の値へ",
    sec_checks_due: "予定の点滴チェック（y で済）",
    field_drip_check: "点滴{m}分チェック済",
    lot_with_expiry: "{n}（期限 {e}）",
    lot_new: "新しいロット（番号を入力）",
    lot_number_hint: "バイアルから転記：以前使ったロットは期限を自動入力",
    sec_pre_vitals: "施術前バイタル",
    sec_end_vitals: "観察終了時バイタル",
    form_needle_out: "抜針",
    stopped_early: "途中終了",
    volume_given: "投与量 {v} mL",
    timer_done: "済 {t}",
    lot_choice: "ロット",
    brief_counselling: "問診",
    brief_check: "点検",
    brief_skip: "省略",
    brief_pause: "一時停止",
    brief_stop: "途中終了",
    brief_followup: "対応",
    brief_ack: "確認",
};

const BUSY: BusyTexts = BusyTexts {
    next_bed: "次のベッド {t}",
    beds: "ベッド",
    bed_free: "空き",
    bed_until: "{t}まで",
    bed_unknown: "終了未定",
    bed_cleaning: "清掃中{m}分",
    starts_about: "開始{t}頃",
    wall_cleaning: "清掃中",
    wall_occupied: "使用中",
    wait_about: "約{n}分",
    wait_soon: "まもなく",
    key_bed_ready: "清掃が終わったベッドを準備完了にする",
    key_caseload: "看護師ごとの担当患者（担当数）",
    key_do_not_display: "掲示しない（再び掲示する）",
    caseload_title: "看護師ごとの担当患者",
    caseload_drips: "点滴{n}件（上限{m}件）",
    caseload_over: "上限超過",
    caseload_administration: "施術中",
    caseload_observation: "経過観察中",
    caseload_none: "施術中・経過観察中の担当患者はいません",
    no_bed_cleaning: "清掃中のベッドはありません",
    bed_marked: "ベッド{b}を準備完了にしました",
    bed_not_cleaning: "ベッド{b}はすでに清掃中ではありません（別の端末で準備完了）",
    beds_title: "準備完了にするベッド",
    beds_line: "ベッド{b}　清掃中{m}分　{who}さんの後",
    key_bed_chosen: "カーソルのベッドを準備完了にする",
    key_first_last_bed: "先頭 / 末尾のベッド",
    help_beds: "清掃中のベッド",
    now_hidden: "これから掲示しません",
    now_shown: "再び掲示します",
    form_reassign: "担当看護師の変更",
    key_reassign: "担当看護師を替える",
    reassign_now: "現在の担当：看護師{nurse}",
    reassign_option: "{who}（現在点滴{n}件）",
    reassign_other: "その他",
    field_other_nurse: "その他の看護師（イニシャルか氏名）",
    reassign_over: "{p}さんの点滴で看護師{nurse}の担当が同時{n}件になります（上限{m}件）：このまま Enter で変更",
    caseload_start: "{p}さんの点滴で看護師{nurse}の担当が同時{n}件になります（上限{m}件）：このまま Enter で開始、または先に担当を替えてください",
};
