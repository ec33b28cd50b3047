//! The clinic configuration: `config.toml` -> a typed, validated [`Config`].
//!
//! The clinical part of the config is the domain's `Policy`; loading a
//! file is the only I/O in this module. Every error names the file, the key
//! and what is wrong, so a clinic can fix its file without reading code.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

// The clinical types belong to the domain; they are re-exported here so
// that `config::Level` and the like read naturally where a config is read.
pub use crate::domain::policy::{
    Administration, Aftercare, BedCleaning, BoardRules, CaseloadRules, Course, DaySheet,
    DischargeRules, Item, Level, Limit, Observation, Policy, ReactionRules, RiskFlag,
    ScreeningItem, StaffMember, StaffRole, StageLimits, Treatment, VitalsRules,
};

/// The whole clinic configuration: the clinic's policy (what the domain
/// reads: zone, beds, treatments, screening, every clinical threshold) and
/// what only the program around it needs (name, language, the wall, the
/// terminals, who may connect). Every field has a default taken from
/// `DOMAIN.md`, so an empty file is a valid (default) clinic.
///
/// `config.toml` is flat (`timezone`, `[vitals]`, `[wall]` side by side):
/// [`ConfigFile`] is that shape, and converts both ways. The domain gets
/// `&Policy` (a `&Config` derefs to it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "ConfigFile", into = "ConfigFile")]
pub struct Config {
    /// What the domain reads.
    pub policy: Policy,
    /// Shown in the header of every screen.
    pub clinic_name: String,
    /// Language of the user interface (`en` or `ja`).
    pub language: Lang,
    /// Years records are kept. Never below 5 (Medical Practitioners Act
    /// art. 24); nothing is ever deleted by flowboard.
    pub retention_years: u32,
    /// A Unix group whose members may attach to the server (socket 0660);
    /// none: only the server's own user (socket 0600).
    pub socket_group: Option<String>,
    /// The wall display: privacy and paging.
    pub wall: Wall,
    /// How every terminal behaves: bell, date format.
    pub terminal: Terminal,
    /// The database.
    pub store: StoreSettings,
    /// What the server allows its clients, and how long its log grows.
    pub server: ServerLimits,
    /// Whether a doctor's act needs the doctor's PIN (shared terminals).
    pub doctor_pin: DoctorPin,
    /// The clinic group's PostgreSQL this branch ships its log to (none:
    /// a lone clinic). Never sent to a client: it holds the connection.
    pub group: Option<Group>,
}

/// `[group]`: this branch in a clinic group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// This branch's name in the group: 1 to 32 of a-z, 0-9 and `_`
    /// (it is part of the branch's PostgreSQL role, `branch_<site>`).
    pub site: String,
    /// The PostgreSQL connection string (`host=... user=... dbname=...`
    /// or a `postgresql://` URL).
    pub connection: String,
    /// TLS to PostgreSQL.
    #[serde(default)]
    pub tls: GroupTls,
    /// The CA certificate (PEM) that signs the server's certificate, for
    /// `tls = "verify-full"` (default: the system's roots).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    /// The board's header warns when the oldest event not yet shipped is
    /// older than this many minutes (1 to 1440).
    #[serde(default = "Group::default_warn")]
    pub warn_behind_minutes: u32,
    /// Events per batch shipped (1 to 10000).
    #[serde(default = "Group::default_batch")]
    pub batch: u32,
}

impl Group {
    fn default_warn() -> u32 {
        10
    }
    fn default_batch() -> u32 {
        500
    }
}

/// How the connection to the group's PostgreSQL is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GroupTls {
    /// No TLS (a local socket, or a line protected otherwise).
    Disable,
    /// TLS, the server's certificate checked against the CA and its name.
    #[default]
    VerifyFull,
    /// TLS, the certificate not checked (encryption only).
    Require,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StoreSettings {
    /// The database's page cache, in MiB. sled counts it in compressed
    /// bytes, so what it holds in memory is several times this. More makes
    /// reading old records a little faster and the server bigger; today's
    /// board is held apart from it.
    pub cache_mb: u32,
}

impl Default for StoreSettings {
    fn default() -> Self {
        StoreSettings { cache_mb: 4 }
    }
}

/// Whether doctors' acts carry the doctor's PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DoctorPin {
    /// The doctor is named; no PIN.
    #[default]
    Off,
    /// The doctor named types their PIN (set with `flowboard pin set`).
    Required,
}

/// The server's limits: a careless script or a hostile local user cannot
/// stop the clinic by opening connections, by not reading, or by filling
/// the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerLimits {
    /// Connections at once (terminals, the wall, scripts); one more is
    /// told so and closed.
    pub max_connections: u32,
    /// A connection that has not said hello within this time is closed.
    pub handshake_timeout_ms: u32,
    /// What may wait to be sent to one connection: lines, and KiB. A
    /// client that falls further behind is disconnected (its screen
    /// reconnects and shows the board as it is then).
    pub send_queue_lines: u32,
    pub send_queue_kib: u32,
    /// The log rotates when it reaches this size (KiB) and keeps this many
    /// old files (`flowboard.log.1` ...).
    pub log_max_kib: u32,
    pub log_keep: u32,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            max_connections: 64,
            handshake_timeout_ms: 5_000,
            send_queue_lines: 256,
            send_queue_kib: 16_384,
            log_max_kib: 10_240,
            log_keep: 5,
        }
    }
}

impl std::ops::Deref for Config {
    type Target = Policy;

    fn deref(&self) -> &Policy {
        &self.policy
    }
}

impl std::ops::DerefMut for Config {
    fn deref_mut(&mut self) -> &mut Policy {
        &mut self.policy
    }
}

/// config.toml as written: one flat table. Unknown keys are refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConfigFile {
    pub clinic_name: String,
    pub timezone: Tz,
    pub language: Lang,
    pub beds: Vec<String>,
    pub treatments: Vec<Treatment>,
    pub stages: StageLimits,
    pub observation: Observation,
    pub administration: Administration,
    pub max_backdate_minutes: u32,
    pub screening: Vec<ScreeningItem>,
    pub consent: Vec<Item>,
    pub vitals: VitalsRules,
    pub reactions: ReactionRules,
    pub discharge: DischargeRules,
    pub day_sheet: DaySheet,
    pub board: BoardRules,
    pub bed_cleaning: BedCleaning,
    pub caseload: CaseloadRules,
    pub retention_years: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub socket_group: Option<String>,
    pub wall: Wall,
    pub terminal: Terminal,
    pub server: ServerLimits,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub staff: Vec<StaffMember>,
    pub store: StoreSettings,
    pub doctor_pin: DoctorPin,
    /// Read from the file, never written to the wire (the welcome).
    #[serde(skip_serializing)]
    pub group: Option<Group>,
}

impl Default for ConfigFile {
    fn default() -> Self {
        Config::default().into()
    }
}

impl From<ConfigFile> for Config {
    fn from(f: ConfigFile) -> Config {
        Config {
            policy: Policy {
                timezone: f.timezone,
                beds: f.beds,
                treatments: f.treatments,
                stages: f.stages,
                observation: f.observation,
                administration: f.administration,
                max_backdate_minutes: f.max_backdate_minutes,
                screening: f.screening,
                consent: f.consent,
                vitals: f.vitals,
                reactions: f.reactions,
                discharge: f.discharge,
                day_sheet: f.day_sheet,
                board: f.board,
                staff: f.staff,
                bed_cleaning: f.bed_cleaning,
                caseload: f.caseload,
            },
            clinic_name: f.clinic_name,
            language: f.language,
            retention_years: f.retention_years,
            socket_group: f.socket_group,
            wall: f.wall,
            terminal: f.terminal,
            store: f.store,
            server: f.server,
            doctor_pin: f.doctor_pin,
            group: f.group,
        }
    }
}

impl From<Config> for ConfigFile {
    fn from(c: Config) -> ConfigFile {
        let p = c.policy;
        ConfigFile {
            clinic_name: c.clinic_name,
            timezone: p.timezone,
            language: c.language,
            beds: p.beds,
            treatments: p.treatments,
            stages: p.stages,
            observation: p.observation,
            administration: p.administration,
            max_backdate_minutes: p.max_backdate_minutes,
            screening: p.screening,
            consent: p.consent,
            vitals: p.vitals,
            reactions: p.reactions,
            discharge: p.discharge,
            day_sheet: p.day_sheet,
            board: p.board,
            bed_cleaning: p.bed_cleaning,
            caseload: p.caseload,
            retention_years: c.retention_years,
            socket_group: c.socket_group,
            wall: c.wall,
            terminal: c.terminal,
            server: c.server,
            staff: p.staff,
            store: c.store,
            doctor_pin: c.doctor_pin,
            group: c.group,
        }
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

impl Default for Config {
    fn default() -> Self {
        Config {
            policy: Policy::default(),
            clinic_name: "Flowboard Clinic".to_string(),
            language: Lang::En,
            retention_years: 10,
            socket_group: None,
            wall: Wall::default(),
            terminal: Terminal::default(),
            store: StoreSettings::default(),
            server: ServerLimits::default(),
            doctor_pin: DoctorPin::Off,
            group: None,
        }
    }
}

impl Config {
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
        // The built-in list names the built-in treatments (face): a clinic
        // without them keeps it (an item for no patient of theirs shows
        // to nobody); a list written in the file names the file's own.
        let own_list = self.discharge.aftercare != DischargeRules::default().aftercare;
        for (i, a) in self
            .discharge
            .aftercare
            .iter()
            .enumerate()
            .filter(|_| own_list)
        {
            if let Some((j, t)) = a
                .treatments
                .iter()
                .enumerate()
                .find(|(_, t)| self.treatment(t).is_none())
            {
                return bad(
                    &format!("discharge.aftercare[{i}].treatments[{j}]"),
                    format!("there is no treatment {t:?}: use an id from [[treatments]]"),
                );
            }
        }
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
        if let Some(group) = &self.group {
            group.validate()?;
        }
        if self.doctor_pin == DoctorPin::Required
            && !self.staff.iter().any(|s| s.role == StaffRole::Doctor)
        {
            return bad(
                "doctor_pin",
                "\"required\" needs the doctors in [[staff]] (role = \"doctor\")".into(),
            );
        }
        let mut initials = BTreeSet::new();
        let mut users = BTreeSet::new();
        for (i, member) in self.staff.iter().enumerate() {
            let key = |field: &str| format!("staff[{i}].{field}");
            if crate::operator::initials(&member.initials).as_deref()
                != Some(member.initials.as_str())
            {
                return bad(
                    &key("initials"),
                    format!(
                        "{:?} are not initials: use 1 to {} capital letters or digits (KS)",
                        member.initials,
                        crate::operator::MAX_INITIALS
                    ),
                );
            }
            if !initials.insert(member.initials.as_str()) {
                return bad(
                    &key("initials"),
                    format!("{:?} are used twice", member.initials),
                );
            }
            if member.name.trim().is_empty() || member.name.chars().any(char::is_control) {
                return bad(&key("name"), "must be a name (printable text)".into());
            }
            if let Some(user) = &member.unix_user {
                let ok = !user.is_empty()
                    && user
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
                if !ok {
                    return bad(
                        &key("unix_user"),
                        format!(
                            "{user:?} is not a user name: use letters, digits, '_', '-' or '.'"
                        ),
                    );
                }
                if !users.insert(user.as_str()) {
                    return bad(&key("unix_user"), format!("{user:?} is listed twice"));
                }
            }
        }
        self.validate_bounds()?;
        self.validate_text()
    }

    /// Upper bounds: a number past them is a typing mistake, not a clinic.
    fn validate_bounds(&self) -> Result<(), (String, String)> {
        let within = |key: &str, value: u32, range: std::ops::RangeInclusive<u32>| {
            if range.contains(&value) {
                Ok(())
            } else {
                Err((
                    key.to_string(),
                    format!(
                        "must be between {} and {}, got {value}",
                        range.start(),
                        range.end()
                    ),
                ))
            }
        };
        within("retention_years", self.retention_years, 5..=100)?;
        within("beds", count(self.beds.len()), 1..=100)?;
        within("treatments", count(self.treatments.len()), 1..=50)?;
        within("screening", count(self.screening.len()), 0..=50)?;
        within("consent", count(self.consent.len()), 1..=50)?;
        within(
            "discharge.aftercare",
            count(self.discharge.aftercare.len()),
            0..=50,
        )?;
        for (i, t) in self.treatments.iter().enumerate() {
            let key = format!("treatments[{i}].course");
            within(&format!("{key}.sessions"), t.course.sessions, 1..=100)?;
            within(
                &format!("{key}.interval_days_max"),
                t.course.interval_days_max,
                1..=366,
            )?;
        }
        for (name, limit) in [
            ("waiting", self.stages.waiting),
            ("counselling", self.stages.counselling),
            ("ready", self.stages.ready),
        ] {
            within(
                &format!("stages.{name}.critical_minutes"),
                limit.critical_minutes,
                1..=1440,
            )?;
        }
        within(
            "observation.extended_minutes",
            self.observation.extended_minutes,
            1..=720,
        )?;
        within(
            "observation.discharge_overdue_minutes",
            self.observation.discharge_overdue_minutes,
            1..=1440,
        )?;
        within(
            "administration.overdue_minutes",
            self.administration.overdue_minutes,
            1..=1440,
        )?;
        // A drip check is a moment of a drip: from its start to its end.
        let longest_drip = self
            .treatments
            .iter()
            .filter(|t| t.route == crate::domain::Route::Drip)
            .map(|t| t.minutes)
            .max()
            .unwrap_or(240);
        let checks = &self.administration.drip_check_minutes;
        within(
            "administration.drip_check_minutes",
            count(checks.len()),
            0..=20,
        )?;
        for (i, minute) in checks.iter().enumerate() {
            if *minute > longest_drip {
                return Err((
                    format!("administration.drip_check_minutes[{i}]"),
                    format!(
                        "minute {minute} is after the end of the longest drip ({longest_drip} minutes): use 0 to {longest_drip}"
                    ),
                ));
            }
            if i > 0 && checks[i - 1] >= *minute {
                return Err((
                    format!("administration.drip_check_minutes[{i}]"),
                    format!("list the minutes once each, in rising order, got {checks:?}"),
                ));
            }
        }
        within(
            "vitals.reaction_interval_minutes",
            self.vitals.reaction_interval_minutes,
            1..=120,
        )?;
        within(
            "vitals.critical_systolic_below",
            u32::from(self.vitals.critical_systolic_below),
            40..=160,
        )?;
        within(
            "vitals.critical_spo2_at_or_below",
            u32::from(self.vitals.critical_spo2_at_or_below),
            50..=99,
        )?;
        let r = &self.reactions;
        within(
            "reactions.vasovagal_after_symptom_free_minutes",
            r.vasovagal_after_symptom_free_minutes,
            0..=720,
        )?;
        within(
            "reactions.allergic_observation_minutes",
            r.allergic_observation_minutes,
            1..=1440,
        )?;
        within(
            "reactions.adrenaline_repeat_minutes",
            r.adrenaline_repeat_minutes,
            1..=60,
        )?;
        within(
            "reactions.anaphylaxis_observation_hours",
            r.anaphylaxis_observation_hours[2],
            1..=72,
        )?;
        within(
            "discharge.hemostasis_minutes_blood_thinner",
            self.discharge.hemostasis_minutes_blood_thinner,
            1..=120,
        )?;
        within(
            "board.left_visible_minutes",
            self.board.left_visible_minutes,
            1..=1440,
        )?;
        if self.bed_cleaning.warn_minutes == 0 {
            return Err((
                "bed_cleaning.warn_minutes".to_string(),
                "is 0: a bed would be overdue for cleaning as its patient leaves; give the minutes \
                 a cleaning may take, or set `bed_cleaning.enabled = false` to free beds as \
                 their patient leaves"
                    .to_string(),
            ));
        }
        within(
            "bed_cleaning.warn_minutes",
            self.bed_cleaning.warn_minutes,
            1..=240,
        )?;
        within(
            "caseload.max_drips_per_nurse",
            self.caseload.max_drips_per_nurse,
            1..=50,
        )?;
        within(
            "day_sheet.late_grace_minutes",
            self.day_sheet.late_grace_minutes,
            0..=720,
        )?;
        let srv = &self.server;
        within("server.max_connections", srv.max_connections, 1..=10_000)?;
        within(
            "server.handshake_timeout_ms",
            srv.handshake_timeout_ms,
            100..=60_000,
        )?;
        within("server.send_queue_lines", srv.send_queue_lines, 4..=100_000)?;
        within("server.send_queue_kib", srv.send_queue_kib, 64..=1_048_576)?;
        within("server.log_max_kib", srv.log_max_kib, 16..=1_048_576)?;
        within("server.log_keep", srv.log_keep, 1..=100)
    }

    /// Text of the config reaches every terminal and every report: no
    /// control character, escape sequence or invisible format character
    /// may be in it (README: Security). Refused, not cleaned silently, so
    /// the clinic sees what its file says.
    fn validate_text(&self) -> Result<(), (String, String)> {
        let mut texts: Vec<(String, &str, usize)> = vec![
            ("clinic_name".into(), self.clinic_name.as_str(), 80),
            (
                "discharge.clinic_phone".into(),
                self.discharge.clinic_phone.as_str(),
                40,
            ),
        ];
        for (i, t) in self.treatments.iter().enumerate() {
            texts.push((format!("treatments[{i}].label"), &t.label, 60));
            if let Some(ja) = &t.label_ja {
                texts.push((format!("treatments[{i}].label_ja"), ja, 60));
            }
        }
        for (i, q) in self.screening.iter().enumerate() {
            texts.push((format!("screening[{i}].label"), &q.label, 200));
            if let Some(ja) = &q.label_ja {
                texts.push((format!("screening[{i}].label_ja"), ja, 200));
            }
        }
        let consent = self.consent.iter().map(|c| (&c.label, &c.label_ja));
        let aftercare = (self.discharge.aftercare.iter()).map(|a| (&a.label, &a.label_ja));
        for (list, items) in [
            ("consent", consent.collect::<Vec<_>>()),
            ("discharge.aftercare", aftercare.collect()),
        ] {
            for (i, (label, label_ja)) in items.into_iter().enumerate() {
                texts.push((format!("{list}[{i}].label"), label, 200));
                if let Some(ja) = label_ja {
                    texts.push((format!("{list}[{i}].label_ja"), ja, 200));
                }
            }
        }
        for (key, text, max) in texts {
            if let Some((at, c)) = text.chars().enumerate().find(|(_, c)| is_hidden(*c)) {
                return Err((
                    key,
                    format!(
                        "contains the invisible or control character U+{:04X} at character {}: remove it (escape sequences and control characters would reach every terminal)",
                        u32::from(c),
                        at + 1
                    ),
                ));
            }
            let n = text.chars().count();
            if n > max {
                return Err((key, format!("is {n} characters long: use at most {max}")));
            }
        }
        Ok(())
    }
}

/// A list's length as a config number.
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Characters that must not be in config text: control characters (tab
/// and line breaks included) and invisible format characters.
fn is_hidden(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    c.is_control() || c.general_category() == GeneralCategory::Format
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

impl Group {
    fn validate(&self) -> Result<(), (String, String)> {
        let bad = |key: &str, problem: String| Err((format!("group.{key}"), problem));
        if self.site.is_empty()
            || self.site.len() > 32
            || !self
                .site
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return bad(
                "site",
                format!(
                    "{:?} is not a site name: use 1 to 32 of a-z, 0-9 and _ (such as \"ginza\")",
                    self.site
                ),
            );
        }
        if let Err(e) = self.connection.parse::<tokio_postgres::Config>() {
            return bad(
                "connection",
                format!(
                    "is not a PostgreSQL connection string ({e}): write it as \"host=HOST user=branch_{} dbname=flowboard\" or postgresql://USER@HOST/DB",
                    self.site
                ),
            );
        }
        if self.ca_file.is_some() && self.tls != GroupTls::VerifyFull {
            return bad(
                "ca_file",
                "is only used with tls = \"verify-full\": remove it or set tls".into(),
            );
        }
        if !(1..=1440).contains(&self.warn_behind_minutes) {
            return bad(
                "warn_behind_minutes",
                format!(
                    "must be between 1 and 1440 (a day), got {}",
                    self.warn_behind_minutes
                ),
            );
        }
        if !(1..=10_000).contains(&self.batch) {
            return bad(
                "batch",
                format!("must be between 1 and 10000, got {}", self.batch),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Route;

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
    fn drip_checks_must_lie_within_the_drip() {
        let text = "[administration]\ndrip_check_minutes = [0, 15, 9999]\n";
        let err = parse(text).unwrap_err().to_string();
        assert!(
            err.contains("administration.drip_check_minutes[2]"),
            "{err}"
        );
        assert!(err.contains("longest drip (30 minutes)"), "{err}");
        let text = "[administration]\ndrip_check_minutes = [15, 0]\n";
        let err = parse(text).unwrap_err().to_string();
        assert!(err.contains("rising order"), "{err}");
    }

    #[test]
    fn numbers_have_upper_bounds_named_by_their_key() {
        for (text, key) in [
            ("retention_years = 4000000000\n", "retention_years"),
            ("retention_years = 101\n", "retention_years"),
            (
                "[stages.waiting]\nwarn_minutes = 20\ncritical_minutes = 100000\n",
                "stages.waiting.critical_minutes",
            ),
            (
                "[reactions]\nadrenaline_repeat_minutes = 100000\n",
                "reactions.adrenaline_repeat_minutes",
            ),
            (
                "[board]\nleft_visible_minutes = 100000\n",
                "board.left_visible_minutes",
            ),
        ] {
            let err = parse(text).unwrap_err().to_string();
            assert!(err.contains(&format!("`{key}`")), "{text}: {err}");
            assert!(err.contains("must be between"), "{err}");
        }
        assert!(parse("retention_years = 100\n").is_ok());
    }

    #[test]
    fn config_text_with_escape_sequences_or_invisible_characters_is_refused() {
        for (text, key) in [
            (
                "clinic_name = \"Evil\\u001b]0;PWNED\\u0007\"\n",
                "clinic_name",
            ),
            (
                "[discharge]\nclinic_phone = \"03\\u001b[2J-0000\"\n",
                "discharge.clinic_phone",
            ),
            ("clinic_name = \"A\\u200bB\"\n", "clinic_name"),
            ("clinic_name = \"A\\u202eB\"\n", "clinic_name"),
        ] {
            let err = parse(text).unwrap_err().to_string();
            assert!(err.contains(&format!("`{key}`")), "{text}: {err}");
            assert!(err.contains("remove it"), "{err}");
        }
    }

    #[test]
    fn an_unknown_route_is_refused() {
        let text = "[[treatments]]\nid = \"x\"\nlabel = \"X\"\nroute = \"oral\"\nminutes = 5\n";
        let err = parse(text).unwrap_err().to_string();
        assert!(err.contains("oral"), "{err}");
    }
}
