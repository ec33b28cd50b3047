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
    /// A Unix group whose members may attach to the server (socket 0660);
    /// none: only the server's own user (socket 0600).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub socket_group: Option<String>,
    /// The wall display: privacy and paging.
    pub wall: Wall,
    /// How every terminal behaves: bell, date format.
    pub terminal: Terminal,
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
    /// Minutes after observation is complete before "discharge overdue".
    pub discharge_overdue_minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Administration {
    /// Minutes past the expected end before "administration overdue".
    pub overdue_minutes: u32,
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
                },
                Treatment {
                    id: "face".into(),
                    label: "Face injection".into(),
                    label_ja: Some("顔 注射".into()),
                    route: Route::Injection,
                    minutes: 15,
                },
                Treatment {
                    id: "scalp".into(),
                    label: "Scalp injection".into(),
                    label_ja: Some("頭皮 注射".into()),
                    route: Route::Injection,
                    minutes: 15,
                },
            ],
            stages: StageLimits::default(),
            observation: Observation::default(),
            administration: Administration::default(),
            max_backdate_minutes: 720,
            socket_group: None,
            wall: Wall::default(),
            terminal: Terminal::default(),
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
            discharge_overdue_minutes: 30,
        }
    }
}

impl Default for Administration {
    fn default() -> Self {
        Administration {
            overdue_minutes: 10,
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
        if !(1..=10_080).contains(&self.max_backdate_minutes) {
            return bad(
                "max_backdate_minutes",
                format!(
                    "must be between 1 and 10080 (a week), got {}",
                    self.max_backdate_minutes
                ),
            );
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
        Ok(())
    }
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
