//! The clinic's policy: the clinical part of config.toml, as the domain
//! reads it. Plain data with the defaults of DOMAIN.md; loading and
//! checking a file is `config.rs`'s job (it sits above the domain and
//! hands the domain a `Policy`).

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::clinical::ReactionKind;
use super::model::{Route, Stage};

/// What the domain needs to know about the clinic: its zone and beds, its
/// treatments, the screening and consent it asks, and every clinical
/// threshold. Every field has a default taken from DOMAIN.md.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// IANA time zone the clinic works in; "today" is today there.
    pub timezone: Tz,
    /// Bed names, in the order they are shown.
    pub beds: Vec<String>,
    /// Treatments the clinic offers.
    pub treatments: Vec<Treatment>,
    /// Waited-too-long limits per stage.
    pub stages: StageLimits,
    /// Observation after the needle is out.
    pub observation: Observation,
    /// Limits on administration.
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
    /// The clinic's staff: who may act as a doctor (empty: names are
    /// free text).
    pub staff: Vec<StaffMember>,
    /// Beds are cleaned between patients.
    pub bed_cleaning: BedCleaning,
    /// How many drips one nurse watches at once.
    pub caseload: CaseloadRules,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            timezone: chrono_tz::Asia::Tokyo,
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
            staff: Vec::new(),
            bed_cleaning: BedCleaning::default(),
            caseload: CaseloadRules::default(),
        }
    }
}

impl Policy {
    pub fn screening_item(&self, id: &str) -> Option<&ScreeningItem> {
        self.screening.iter().find(|q| q.id == id)
    }

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

/// DOMAIN.md "During a drip and after it": a bed is cleaned between
/// patients (linen, surfaces) before the next one lies down; it goes to
/// "cleaning" when its patient leaves it, is free again when marked ready,
/// and a warning says so after 10 minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BedCleaning {
    /// A bed a patient left is "cleaning" until someone marks it ready
    /// (false: it is free as soon as the patient leaves).
    pub enabled: bool,
    /// Minutes of cleaning after which a warning says the bed is still
    /// not ready; also the time the bed forecast allows for cleaning.
    pub warn_minutes: u32,
}

impl Default for BedCleaning {
    fn default() -> Self {
        BedCleaning {
            enabled: true,
            warn_minutes: 10,
        }
    }
}

/// DOMAIN.md "During a drip and after it": infusion centres plan around
/// about three patients per nurse at any one time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CaseloadRules {
    /// A warning when one nurse has more drips running at once than this
    /// (a paused drip counts: the nurse still watches it).
    pub max_drips_per_nurse: u32,
}

impl Default for CaseloadRules {
    fn default() -> Self {
        CaseloadRules {
            max_drips_per_nurse: 3,
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
    /// Adrenaline: the largest single dose for a child.
    pub adrenaline_max_mg_child: f32,
    /// A patient younger than this many years is a child (the child cap).
    pub child_under_years: u32,
    /// After anaphylaxis the exit is transfer; `"doctor_reason"`: going
    /// home instead needs the doctor's recorded reason; `"never"`: only
    /// transfer.
    pub anaphylaxis_home: AnaphylaxisHome,
}

/// Whether a patient may go home (not by ambulance) after anaphylaxis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnaphylaxisHome {
    /// With the doctor's clearance and a recorded reason.
    #[default]
    DoctorReason,
    /// Never: transfer is the only exit.
    Never,
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
    /// Aftercare instructions explained at discharge, each for the routes
    /// and treatments it is about.
    pub aftercare: Vec<Aftercare>,
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
    /// Reactions at an earlier visit (today's included) that make this
    /// answer "yes": it cannot be answered "no" for such a patient.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reactions: Vec<ReactionKind>,
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

/// An aftercare instruction, and whom it is for: the routes and the
/// treatments it applies to (none named: everyone).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Aftercare {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub label_ja: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<Route>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub treatments: Vec<String>,
}

impl Aftercare {
    /// Whether the instruction is for a patient given `treatment` by
    /// `route`.
    pub fn applies(&self, route: Route, treatment: &str) -> bool {
        (self.routes.is_empty() || self.routes.contains(&route))
            && (self.treatments.is_empty() || self.treatments.iter().any(|t| t == treatment))
    }
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
    /// Minutes a drip may stay paused before the pause is a warning (a
    /// pause is deliberate: at first it is only shown).
    pub pause_warn_minutes: u32,
}

fn aftercare(
    id: &str,
    label: &str,
    label_ja: &str,
    routes: &[Route],
    treatments: &[&str],
) -> Aftercare {
    Aftercare {
        id: id.into(),
        label: label.into(),
        label_ja: Some(label_ja.into()),
        routes: routes.to_vec(),
        treatments: treatments.iter().map(|t| t.to_string()).collect(),
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
        reactions: Vec::new(),
    }
}

impl ScreeningItem {
    /// The earlier reactions that make this answer "yes".
    fn after(mut self, reactions: &[ReactionKind]) -> ScreeningItem {
        self.reactions = reactions.to_vec();
        self
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
        )
        .after(&[ReactionKind::Allergic, ReactionKind::Anaphylaxis]),
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
        )
        .after(&[ReactionKind::Vasovagal]),
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
            adrenaline_max_mg_child: 0.3,
            child_under_years: 12,
            anaphylaxis_home: AnaphylaxisHome::DoctorReason,
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
                aftercare(
                    "sites_4h",
                    "Do not touch the injection sites for 4 hours",
                    "注射部位に4時間触れない",
                    &[Route::Injection],
                    &[],
                ),
                aftercare(
                    "face_12h",
                    "After facial injection: no make-up, face washing or bath for 12 hours",
                    "顔への注射後12時間はメイク・洗顔・入浴を控える",
                    &[],
                    &["face"],
                ),
                aftercare(
                    "today",
                    "No long bath, alcohol or hard exercise today",
                    "本日は長風呂・飲酒・激しい運動を控える",
                    &[],
                    &[],
                ),
                aftercare(
                    "no_rubbing",
                    "Do not rub the sites for 2-3 days; moisturise; sun protection",
                    "2〜3日は部位をこすらない・保湿・紫外線対策",
                    &[Route::Injection],
                    &[],
                ),
                aftercare(
                    "bruise",
                    "A bruise at a drip site clears in about a week",
                    "点滴部位のあざは1週間ほどで消える",
                    &[Route::Drip],
                    &[],
                ),
            ],
        }
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
            pause_warn_minutes: 10,
        }
    }
}

/// What a member of staff may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// Overrides, clearances, caution acknowledgements, dose confirmations.
    Doctor,
    Nurse,
    Reception,
}

/// One person on the clinic's staff list (`[[staff]]` in config.toml).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffMember {
    /// What they type at a terminal and what the record shows (KS).
    pub initials: String,
    pub name: String,
    pub role: StaffRole,
    /// Their own Unix account, when they log in with one (over SSH): the
    /// server then knows who they are and records them by these initials.
    #[serde(default)]
    pub unix_user: Option<String>,
}
