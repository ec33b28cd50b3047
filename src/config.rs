//! The clinic configuration: `config.toml` -> a typed, validated [`Config`].
//!
//! The types here are plain data and are what the domain reads; loading a
//! file is the only I/O in this module. Every error names the file, the key
//! and what is wrong, so a clinic can fix its file without reading code.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::domain::{Route, Stage};
use crate::i18n::Lang;

/// The whole clinic configuration. Every field has a default taken from
/// `DOMAIN.md`, so an empty file is a valid (default) clinic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Shown in the header of every screen.
    pub clinic_name: String,
    /// IANA time zone the clinic works in; all times are shown in it.
    pub timezone: Tz,
    /// Language of the user interface (`en` or `ja`).
    pub language: Lang,
    /// Bed names, in the order they are shown.
    pub beds: Vec<String>,
    /// Treatments the clinic offers.
    pub treatments: Vec<Treatment>,
    /// Waited-too-long limits per stage.
    pub stages: StageLimits,
    /// Observation after the needle is out.
    pub observation: Observation,
    /// Limits on administration and discharge.
    pub administration: Administration,
    /// How far back an entry made after the fact may be dated.
    pub max_backdate_minutes: u32,
    /// Screening questions asked at counselling.
    pub screening: Vec<ScreeningItem>,
    /// Consent items, all required before administration.
    pub consent: Vec<Item>,
    /// Vital signs: what is required and what raises alerts.
    pub vitals: VitalsRules,
    /// Reactions and the emergency path.
    pub reactions: ReactionRules,
    /// The discharge checklist.
    pub discharge: DischargeRules,
    /// The day sheet (appointments imported from the reservation system).
    pub day_sheet: DaySheet,
    /// What the board shows.
    pub board: BoardRules,
    /// Years records are kept. Never below 5 (Medical Practitioners Act
    /// art. 24); nothing is ever deleted by flowboard.
    pub retention_years: u32,
    /// A Unix group whose members may attach to the server (socket 0660);
    /// none: only the server's own user (socket 0600).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub socket_group: Option<String>,
    /// The wall display: privacy and paging.
    pub wall: Wall,
    /// How every terminal behaves: bell, date format.
    pub terminal: Terminal,
    /// The database.
    pub store: StoreSettings,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StoreSettings {
    /// The most memory the database's page cache may use, in MiB. More
    /// makes reading old records a little faster and the server bigger;
    /// today's board is held apart from it.
    pub cache_mb: u32,
}

impl Default for StoreSettings {
    fn default() -> Self {
        StoreSettings { cache_mb: 16 }
    }
}

/// How the wall shows a patient. The treatment is never shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WallNames {
    /// `Y.S.` (Latin), `山.花.` (Japanese): the first character of the
    /// family and the given name.
    #[default]
    Initials,
    /// The reception number only.
    Ticket,
    /// The full name: only if the clinic opts in.
    Full,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Wall {
    pub names: WallNames,
    /// When more patients wait than fit, the queue shows the next page
    /// every this many seconds.
    pub page_seconds: u32,
}

impl Default for Wall {
    fn default() -> Self {
        Wall {
            names: WallNames::Initials,
            page_seconds: 10,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Terminal {
    /// Ring the terminal bell once when a critical alert appears.
    pub bell: bool,
    /// How dates are written (strftime, as in `date +FORMAT`).
    pub date_format: String,
}

impl Default for Terminal {
    fn default() -> Self {
        Terminal {
            bell: true,
            date_format: "%Y-%m-%d".to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DaySheet {
    /// An expected patient is "late" this long after the booked time.
    pub late_grace_minutes: u32,
}

impl Default for DaySheet {
    fn default() -> Self {
        DaySheet {
            late_grace_minutes: 15,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BoardRules {
    /// Patients who went home (or left) stay on the board this long.
    pub left_visible_minutes: u32,
}

impl Default for BoardRules {
    fn default() -> Self {
        BoardRules {
            left_visible_minutes: 120,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VitalsRules {
    /// Vitals must be recorded before administration starts.
    pub required_before_start: bool,
    /// A temperature at or above this at counselling flags an infection.
    pub fever_celsius: f32,
    /// Critical when the systolic pressure is below this (mmHg).
    pub critical_systolic_below: u16,
    /// Critical when SpO2 is at or below this (%).
    pub critical_spo2_at_or_below: u8,
    /// Critical when the systolic falls more than this many percent below
    /// the pre-treatment reading.
    pub critical_systolic_drop_percent: u8,
    /// With a vasovagal reaction open, vitals are asked for this often.
    pub reaction_interval_minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReactionRules {
    /// Observation runs until this long after "symptom-free" is recorded
    /// for a vasovagal reaction.
    pub vasovagal_after_symptom_free_minutes: u32,
    /// Observation lasts at least this long after an allergic reaction.
    pub allergic_observation_minutes: u32,
    /// Adrenaline (1 mg/mL IM): mg per kg of body weight.
    pub adrenaline_mg_per_kg: f32,
    /// Adrenaline: the largest single dose (adult).
    pub adrenaline_max_mg: f32,
    /// A repeat dose is due this long after the last one, if needed.
    pub adrenaline_repeat_minutes: u32,
    /// Observation after anaphylaxis resolved: one dose, two doses, more.
    pub anaphylaxis_observation_hours: [u32; 3],
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DischargeRules {
    /// Minutes of pressure after the needle comes out.
    pub hemostasis_minutes: u32,
    /// Minutes of pressure with a blood thinner.
    pub hemostasis_minutes_blood_thinner: u32,
    /// The telephone number patients are given (whom to call).
    pub clinic_phone: String,
    /// Aftercare instructions explained at discharge.
    pub aftercare: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Treatment {
    /// Short id used on the command line and in the protocol (`drip`).
    pub id: String,
    /// English label.
    pub label: String,
    /// Japanese label; the English one is used when absent.
    #[serde(default)]
    pub label_ja: Option<String>,
    pub route: Route,
    /// Expected length of the administration in minutes.
    pub minutes: u32,
    /// The course: how many sessions, and the days between them (the next
    /// visit suggested at discharge).
    #[serde(default)]
    pub course: Course,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Course {
    pub sessions: u32,
    pub interval_days_min: u32,
    pub interval_days_max: u32,
}

impl Default for Course {
    fn default() -> Self {
        Course {
            sessions: 5,
            interval_days_min: 7,
            interval_days_max: 14,
        }
    }
}

/// How much a screening answer of "yes" matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// A badge, nothing more.
    Info,
    /// Needs the doctor's acknowledgement at counselling.
    Caution,
    /// Administration cannot start without a doctor's override.
    Block,
}

/// A risk a "yes" implies, shown as a badge and used by the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskFlag {
    /// Allergy history or allergic disease.
    Allergy,
    /// Past fainting with needles: administer lying down, fall risk.
    Vasovagal,
    /// First session ever: consider a test dose.
    FirstSession,
    /// Blood thinners: longer hemostasis.
    BloodThinner,
    /// Blood donor: must be told of the deferral.
    BloodDonor,
    /// Infection (fever today).
    Infection,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScreeningItem {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub label_ja: Option<String>,
    pub level: Level,
    /// Risks a "yes" implies.
    #[serde(default)]
    pub flags: Vec<RiskFlag>,
    /// A "yes" lengthens observation to `observation.extended_minutes`.
    #[serde(default)]
    pub extends_observation: bool,
}

/// A consent item, or an aftercare instruction: text in both languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub label_ja: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limit {
    /// Minutes in the stage after which a warning is raised.
    pub warn_minutes: u32,
    /// Minutes in the stage after which the alert becomes critical.
    pub critical_minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StageLimits {
    pub waiting: Limit,
    pub counselling: Limit,
    pub ready: Limit,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Observation {
    /// Length of observation after the needle comes out.
    pub minutes: u32,
    /// Length with an allergy caution, a past vasovagal reaction, a first
    /// session, or a reaction at an earlier visit.
    pub extended_minutes: u32,
    /// Minutes after observation is complete before "discharge overdue".
    pub discharge_overdue_minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Administration {
    /// Minutes past the expected end before "administration overdue".
    pub overdue_minutes: u32,
    /// Minutes into a drip at which the nurse checks volume, rate, tubing,
    /// the site and the patient.
    pub drip_check_minutes: Vec<u32>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            clinic_name: "Flowboard Clinic".to_string(),
            timezone: chrono_tz::Asia::Tokyo,
            language: Lang::En,
            beds: (1..=4).map(|n| n.to_string()).collect(),
            treatments: vec![
                Treatment {
                    id: "drip".into(),
                    label: "Exosome IV drip".into(),
                    label_ja: Some("エクソソーム点滴".into()),
                    route: Route::Drip,
                    minutes: 30,
                    course: Course {
                        sessions: 5,
                        interval_days_min: 14,
                        interval_days_max: 28,
                    },
                },
                Treatment {
                    id: "face".into(),
                    label: "Face injection".into(),
                    label_ja: Some("顔 注射".into()),
                    route: Route::Injection,
                    minutes: 15,
                    course: Course {
                        sessions: 5,
                        interval_days_min: 7,
                        interval_days_max: 14,
                    },
                },
                Treatment {
                    id: "scalp".into(),
                    label: "Scalp injection".into(),
                    label_ja: Some("頭皮 注射".into()),
                    route: Route::Injection,
                    minutes: 15,
                    course: Course {
                        sessions: 8,
                        interval_days_min: 28,
                        interval_days_max: 31,
                    },
                },
            ],
            stages: StageLimits::default(),
            observation: Observation::default(),
            administration: Administration::default(),
            max_backdate_minutes: 720,
            screening: default_screening(),
            consent: default_consent(),
            vitals: VitalsRules::default(),
            reactions: ReactionRules::default(),
            discharge: DischargeRules::default(),
            day_sheet: DaySheet::default(),
            board: BoardRules::default(),
            retention_years: 10,
            socket_group: None,
            wall: Wall::default(),
            terminal: Terminal::default(),
            store: StoreSettings::default(),
        }
    }
}

fn item(id: &str, label: &str, label_ja: &str) -> Item {
    Item {
        id: id.into(),
        label: label.into(),
        label_ja: Some(label_ja.into()),
    }
}

fn question(
    id: &str,
    label: &str,
    label_ja: &str,
    level: Level,
    flags: &[RiskFlag],
    extends_observation: bool,
) -> ScreeningItem {
    ScreeningItem {
        id: id.into(),
        label: label.into(),
        label_ja: Some(label_ja.into()),
        level,
        flags: flags.to_vec(),
        extends_observation,
    }
}

/// DOMAIN.md "Screening at counselling", in its order.
fn default_screening() -> Vec<ScreeningItem> {
    use Level::*;
    use RiskFlag::*;
    vec![
        question(
            "cancer_treatment",
            "Cancer under treatment",
            "がん治療中",
            Block,
            &[],
            false,
        ),
        question(
            "cancer_recent",
            "Cancer treatment ended within 5 years",
            "がん治療終了後5年以内",
            Block,
            &[],
            false,
        ),
        question(
            "pregnant",
            "Pregnant, or may be pregnant",
            "妊娠中・妊娠の可能性",
            Block,
            &[],
            false,
        ),
        question(
            "breastfeeding",
            "Breastfeeding",
            "授乳中",
            Block,
            &[],
            false,
        ),
        question(
            "infection",
            "Infectious disease (incl. fever today)",
            "感染症（本日の発熱を含む）",
            Block,
            &[Infection],
            false,
        ),
        question(
            "drug_allergy",
            "Past allergic reaction to a drug or injection",
            "薬・注射でのアレルギー歴",
            Caution,
            &[Allergy],
            true,
        ),
        question(
            "allergic_disease",
            "Allergic disease (asthma, atopic dermatitis, food allergy)",
            "アレルギー疾患（喘息・アトピー・食物）",
            Caution,
            &[Allergy],
            true,
        ),
        question(
            "other_treatment",
            "Other disease under treatment",
            "治療中の他の病気",
            Caution,
            &[],
            false,
        ),
        question(
            "vasovagal_history",
            "Past fainting with needles or blood draws",
            "注射・採血で気分が悪くなったことがある",
            Caution,
            &[Vasovagal],
            true,
        ),
        question(
            "vasovagal_risk",
            "Fear of needles, little sleep or a skipped meal today",
            "注射が怖い・寝不足・食事抜き",
            Info,
            &[Vasovagal],
            false,
        ),
        question(
            "blood_thinner",
            "Takes blood thinners",
            "抗凝固薬・抗血小板薬を服用中",
            Info,
            &[BloodThinner],
            false,
        ),
        question(
            "blood_donor",
            "Regular blood donor",
            "献血をしている",
            Info,
            &[BloodDonor],
            false,
        ),
        question(
            "first_session",
            "First session ever",
            "初めての施術",
            Info,
            &[FirstSession],
            true,
        ),
    ]
}

/// DOMAIN.md "Consent items".
fn default_consent() -> Vec<Item> {
    vec![
        item(
            "no_guarantee",
            "Effects are not guaranteed and vary; several sessions may be needed",
            "効果には個人差があり保証されない・複数回必要な場合がある",
        ),
        item(
            "not_approved",
            "Not an approved drug in Japan; self-paid, outside the relief system",
            "国内未承認・自費診療・医薬品副作用被害救済制度の対象外",
        ),
        item(
            "side_effects",
            "Possible side effects, and what to do if they appear at home",
            "起こりうる副作用と帰宅後の対処",
        ),
        item(
            "no_blood_donation",
            "No blood donation after receiving human-derived products",
            "ヒト由来製品の投与後は献血できない",
        ),
        item("price", "The price of today's treatment", "本日の施術料金"),
    ]
}

impl Default for VitalsRules {
    fn default() -> Self {
        VitalsRules {
            required_before_start: true,
            fever_celsius: 37.5,
            critical_systolic_below: 90,
            critical_spo2_at_or_below: 92,
            critical_systolic_drop_percent: 30,
            reaction_interval_minutes: 5,
        }
    }
}

impl Default for ReactionRules {
    fn default() -> Self {
        ReactionRules {
            vasovagal_after_symptom_free_minutes: 15,
            allergic_observation_minutes: 60,
            adrenaline_mg_per_kg: 0.01,
            adrenaline_max_mg: 0.5,
            adrenaline_repeat_minutes: 5,
            anaphylaxis_observation_hours: [2, 6, 12],
        }
    }
}

impl Default for DischargeRules {
    fn default() -> Self {
        DischargeRules {
            hemostasis_minutes: 5,
            hemostasis_minutes_blood_thinner: 10,
            clinic_phone: "03-0000-0000".into(),
            aftercare: vec![
                item(
                    "sites_4h",
                    "Do not touch the injection sites for 4 hours",
                    "注射部位に4時間触れない",
                ),
                item(
                    "face_12h",
                    "After facial injection: no make-up, face washing or bath for 12 hours",
                    "顔への注射後12時間はメイク・洗顔・入浴を控える",
                ),
                item(
                    "today",
                    "No long bath, alcohol or hard exercise today",
                    "本日は長風呂・飲酒・激しい運動を控える",
                ),
                item(
                    "no_rubbing",
                    "Do not rub the sites for 2-3 days; moisturise; sun protection",
                    "2〜3日は部位をこすらない・保湿・紫外線対策",
                ),
                item(
                    "bruise",
                    "A bruise at a drip site clears in about a week",
                    "点滴部位のあざは1週間ほどで消える",
                ),
            ],
        }
    }
}

impl Config {
    pub fn screening_item(&self, id: &str) -> Option<&ScreeningItem> {
        self.screening.iter().find(|q| q.id == id)
    }
}

impl Default for StageLimits {
    fn default() -> Self {
        StageLimits {
            waiting: Limit {
                warn_minutes: 20,
                critical_minutes: 40,
            },
            counselling: Limit {
                warn_minutes: 45,
                critical_minutes: 75,
            },
            ready: Limit {
                warn_minutes: 15,
                critical_minutes: 30,
            },
        }
    }
}

impl Default for Observation {
    fn default() -> Self {
        Observation {
            minutes: 15,
            extended_minutes: 30,
            discharge_overdue_minutes: 30,
        }
    }
}

impl Default for Administration {
    fn default() -> Self {
        Administration {
            overdue_minutes: 10,
            drip_check_minutes: vec![0, 15, 30],
        }
    }
}

impl Config {
    pub fn treatment(&self, id: &str) -> Option<&Treatment> {
        self.treatments.iter().find(|t| t.id == id)
    }

    /// The waited-too-long limit of a stage, if that stage has one.
    pub fn limit(&self, stage: Stage) -> Option<Limit> {
        match stage {
            Stage::Waiting => Some(self.stages.waiting),
            Stage::Counselling => Some(self.stages.counselling),
            Stage::Ready => Some(self.stages.ready),
            _ => None,
        }
    }

    /// Parses and validates a config text. `origin` names the file in errors.
    pub fn from_toml(text: &str, origin: &Path) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Parse {
            file: origin.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })?;
        config
            .validate()
            .map_err(|(key, problem)| ConfigError::Invalid {
                file: origin.to_path_buf(),
                key,
                problem,
            })?;
        Ok(config)
    }

    /// Reads, parses and validates a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            file: path.to_path_buf(),
            source: e,
        })?;
        Config::from_toml(&text, path)
    }

    fn validate(&self) -> Result<(), (String, String)> {
        let bad = |key: &str, problem: String| Err((key.to_string(), problem));
        if self.clinic_name.trim().is_empty() {
            return bad("clinic_name", "must not be empty".into());
        }
        if self.beds.is_empty() {
            return bad("beds", "list at least one bed".into());
        }
        let mut seen = BTreeSet::new();
        for (i, bed) in self.beds.iter().enumerate() {
            let key = format!("beds[{i}]");
            if bed.trim().is_empty() || bed.chars().any(char::is_control) || bed.chars().count() > 8
            {
                return bad(
                    &key,
                    format!("{bed:?} is not a bed name: use 1 to 8 printable characters"),
                );
            }
            if !seen.insert(bed) {
                return bad(&key, format!("bed {bed:?} is listed twice"));
            }
        }
        if self.treatments.is_empty() {
            return bad("treatments", "list at least one treatment".into());
        }
        let mut ids = BTreeSet::new();
        for (i, t) in self.treatments.iter().enumerate() {
            let key = format!("treatments[{i}]");
            if t.id.is_empty()
                || !t
                    .id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return bad(
                    &format!("{key}.id"),
                    format!("{:?} is not an id: use letters, digits, '-' or '_'", t.id),
                );
            }
            if !ids.insert(&t.id) {
                return bad(
                    &format!("{key}.id"),
                    format!("treatment id {:?} is used twice", t.id),
                );
            }
            if t.label.trim().is_empty() {
                return bad(&format!("{key}.label"), "must not be empty".into());
            }
            if t.course.sessions == 0
                || t.course.interval_days_min == 0
                || t.course.interval_days_min > t.course.interval_days_max
            {
                return bad(
                    &format!("{key}.course"),
                    "needs sessions >= 1 and 1 <= interval_days_min <= interval_days_max".into(),
                );
            }
            if !(1..=240).contains(&t.minutes) {
                return bad(
                    &format!("{key}.minutes"),
                    format!("must be between 1 and 240, got {}", t.minutes),
                );
            }
        }
        for (name, limit) in [
            ("waiting", self.stages.waiting),
            ("counselling", self.stages.counselling),
            ("ready", self.stages.ready),
        ] {
            if limit.warn_minutes == 0 || limit.critical_minutes <= limit.warn_minutes {
                return bad(
                    &format!("stages.{name}"),
                    format!(
                        "need 0 < warn_minutes < critical_minutes, got {} and {}",
                        limit.warn_minutes, limit.critical_minutes
                    ),
                );
            }
        }
        if !(1..=720).contains(&self.observation.minutes) {
            return bad(
                "observation.minutes",
                format!(
                    "must be between 1 and 720, got {}",
                    self.observation.minutes
                ),
            );
        }
        if self.observation.extended_minutes < self.observation.minutes {
            return bad(
                "observation.extended_minutes",
                format!(
                    "must be at least observation.minutes ({}), got {}",
                    self.observation.minutes, self.observation.extended_minutes
                ),
            );
        }
        validate_items(
            "screening",
            self.screening
                .iter()
                .map(|q| (q.id.as_str(), q.label.as_str())),
        )?;
        if self.consent.is_empty() {
            return bad("consent", "list at least one consent item".into());
        }
        validate_items(
            "consent",
            self.consent
                .iter()
                .map(|q| (q.id.as_str(), q.label.as_str())),
        )?;
        validate_items(
            "discharge.aftercare",
            self.discharge
                .aftercare
                .iter()
                .map(|q| (q.id.as_str(), q.label.as_str())),
        )?;
        if !(35.0..=42.0).contains(&self.vitals.fever_celsius) {
            return bad(
                "vitals.fever_celsius",
                format!(
                    "must be between 35.0 and 42.0, got {}",
                    self.vitals.fever_celsius
                ),
            );
        }
        if !(1..=100).contains(&self.vitals.critical_systolic_drop_percent) {
            return bad(
                "vitals.critical_systolic_drop_percent",
                "must be between 1 and 100".into(),
            );
        }
        if self.vitals.reaction_interval_minutes == 0 {
            return bad(
                "vitals.reaction_interval_minutes",
                "must be at least 1".into(),
            );
        }
        let r = &self.reactions;
        if !(r.adrenaline_mg_per_kg > 0.0 && r.adrenaline_mg_per_kg <= 0.1) {
            return bad(
                "reactions.adrenaline_mg_per_kg",
                format!(
                    "must be above 0 and at most 0.1, got {}",
                    r.adrenaline_mg_per_kg
                ),
            );
        }
        if !(r.adrenaline_max_mg > 0.0 && r.adrenaline_max_mg <= 1.0) {
            return bad(
                "reactions.adrenaline_max_mg",
                format!(
                    "must be above 0 and at most 1.0, got {}",
                    r.adrenaline_max_mg
                ),
            );
        }
        if r.adrenaline_repeat_minutes == 0 || r.allergic_observation_minutes == 0 {
            return bad(
                "reactions",
                "adrenaline_repeat_minutes and allergic_observation_minutes must be at least 1"
                    .into(),
            );
        }
        let h = r.anaphylaxis_observation_hours;
        if h[0] == 0 || h[0] > h[1] || h[1] > h[2] {
            return bad(
                "reactions.anaphylaxis_observation_hours",
                format!("needs three rising numbers of hours, got {h:?}"),
            );
        }
        let d = &self.discharge;
        if d.hemostasis_minutes == 0 || d.hemostasis_minutes_blood_thinner < d.hemostasis_minutes {
            return bad(
                "discharge.hemostasis_minutes_blood_thinner",
                "needs 1 <= hemostasis_minutes <= hemostasis_minutes_blood_thinner".into(),
            );
        }
        if self.retention_years < 5 {
            return bad(
                "retention_years",
                format!(
                    "is {}, but records must be kept at least 5 years (Medical Practitioners Act art. 24)",
                    self.retention_years
                ),
            );
        }
        if self.board.left_visible_minutes == 0 {
            return bad("board.left_visible_minutes", "must be at least 1".into());
        }
        if !(3..=600).contains(&self.wall.page_seconds) {
            return bad(
                "wall.page_seconds",
                format!(
                    "must be between 3 and 600 seconds, got {}",
                    self.wall.page_seconds
                ),
            );
        }
        let format = &self.terminal.date_format;
        let valid_format = chrono::format::StrftimeItems::new(format).parse().is_ok();
        if format.trim().is_empty() || !valid_format || format.chars().any(char::is_control) {
            return bad(
                "terminal.date_format",
                format!(
                    "{format:?} is not a date format: use strftime fields such as \"%Y-%m-%d\""
                ),
            );
        }
        if let Some(group) = &self.socket_group {
            let ok = !group.is_empty()
                && group
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
            if !ok {
                return bad(
                    "socket_group",
                    format!("{group:?} is not a group name: use letters, digits, '_', '-' or '.'"),
                );
            }
        }
        if self.observation.discharge_overdue_minutes == 0 {
            return bad(
                "observation.discharge_overdue_minutes",
                "must be at least 1".into(),
            );
        }
        if self.administration.overdue_minutes == 0 {
            return bad(
                "administration.overdue_minutes",
                "must be at least 1".into(),
            );
        }
        if !(1..=4096).contains(&self.store.cache_mb) {
            return bad(
                "store.cache_mb",
                format!(
                    "must be between 1 and 4096 (MiB), got {}",
                    self.store.cache_mb
                ),
            );
        }
        if !(1..=10_080).contains(&self.max_backdate_minutes) {
            return bad(
                "max_backdate_minutes",
                format!(
                    "must be between 1 and 10080 (a week), got {}",
                    self.max_backdate_minutes
                ),
            );
        }
        Ok(())
    }
}

/// Ids unique, letters/digits/'-'/'_', labels not empty.
fn validate_items<'a>(
    key: &str,
    items: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<(), (String, String)> {
    let mut seen = BTreeSet::new();
    for (i, (id, label)) in items.enumerate() {
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err((
                format!("{key}[{i}].id"),
                format!("{id:?} is not an id: use letters, digits, '-' or '_'"),
            ));
        }
        if !seen.insert(id) {
            return Err((format!("{key}[{i}].id"), format!("{id:?} is used twice")));
        }
        if label.trim().is_empty() {
            return Err((format!("{key}[{i}].label"), "must not be empty".into()));
        }
    }
    Ok(())
}

/// Where the config comes from: `--config` / `FLOWBOARD_CONFIG`, else
/// `./config.toml`, else the XDG config directory, else built-in defaults.
pub fn resolve(explicit: Option<&Path>) -> Result<(Config, Option<PathBuf>), ConfigError> {
    if let Some(path) = explicit {
        return Ok((Config::load(path)?, Some(path.to_path_buf())));
    }
    let local = PathBuf::from("config.toml");
    if local.is_file() {
        let abs = std::fs::canonicalize(&local).unwrap_or(local);
        return Ok((Config::load(&abs)?, Some(abs)));
    }
    if let Some(dirs) = directories::ProjectDirs::from("", "", "flowboard") {
        let xdg = dirs.config_dir().join("config.toml");
        if xdg.is_file() {
            return Ok((Config::load(&xdg)?, Some(xdg)));
        }
    }
    Ok((Config::default(), None))
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {}: {source}", file.display())]
    Read {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {} is not valid: {message}", file.display())]
    Parse { file: PathBuf, message: String },
    #[error("config file {}: key `{key}`: {problem}", file.display())]
    Invalid {
        file: PathBuf,
        key: String,
        problem: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::from_toml(text, Path::new("clinic.toml"))
    }

    #[test]
    fn an_empty_file_is_the_default_clinic() {
        assert_eq!(parse("").unwrap(), Config::default());
    }

    #[test]
    fn the_shipped_config_toml_is_valid_and_equals_the_defaults() {
        let text = include_str!("../config.toml");
        assert_eq!(parse(text).unwrap(), Config::default());
    }

    #[test]
    fn defaults_follow_domain_md() {
        // DOMAIN.md "The treatment": IV drip about 30 minutes.
        let c = Config::default();
        assert_eq!(c.treatment("drip").unwrap().minutes, 30);
        assert_eq!(c.treatment("drip").unwrap().route, Route::Drip);
        // DOMAIN.md "Observation": 15 minutes for everyone.
        assert_eq!(c.observation.minutes, 15);
        assert_eq!(c.timezone, chrono_tz::Asia::Tokyo);
    }

    #[test]
    fn an_unknown_key_names_the_file_and_the_key() {
        let err = parse("clinic_name = \"A\"\nbedz = [\"1\"]\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("clinic.toml"), "{err}");
        assert!(err.contains("bedz"), "{err}");
    }

    #[test]
    fn a_wrong_type_names_the_key() {
        let err = parse("[observation]\nminutes = \"fifteen\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("minutes"), "{err}");
    }

    #[test]
    fn a_bad_time_zone_is_refused() {
        let err = parse("timezone = \"Mars/Olympus\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("timezone"), "{err}");
    }

    #[test]
    fn a_zero_minute_treatment_is_refused_with_its_key() {
        let text =
            "[[treatments]]\nid = \"drip\"\nlabel = \"Drip\"\nroute = \"drip\"\nminutes = 0\n";
        let err = parse(text).unwrap_err().to_string();
        assert!(err.contains("treatments[0].minutes"), "{err}");
        assert!(err.contains("got 0"), "{err}");
    }

    #[test]
    fn duplicate_beds_are_refused() {
        let err = parse("beds = [\"1\", \"1\"]\n").unwrap_err().to_string();
        assert!(err.contains("beds[1]"), "{err}");
    }

    #[test]
    fn warn_must_come_before_critical() {
        let text = "[stages.waiting]\nwarn_minutes = 30\ncritical_minutes = 10\n";
        let err = parse(text).unwrap_err().to_string();
        assert!(err.contains("stages.waiting"), "{err}");
    }

    #[test]
    fn an_unknown_route_is_refused() {
        let text = "[[treatments]]\nid = \"x\"\nlabel = \"X\"\nroute = \"oral\"\nminutes = 5\n";
        let err = parse(text).unwrap_err().to_string();
        assert!(err.contains("oral"), "{err}");
    }
}
