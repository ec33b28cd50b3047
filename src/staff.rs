//! Who is acting, when the server can tell: a member of `[[staff]]` who
//! logs in with their own Unix account is recorded under their initials
//! and cannot enter under others'; and, where the clinic asks for it, a
//! doctor's act at a shared terminal carries that doctor's PIN, checked
//! against a memory-hard hash (argon2) the server keeps in the data
//! directory (`doctor-pins`, owner-only). The PIN travels with the request
//! and is never recorded.

use std::io::Write;
use std::path::Path;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::config::{Config, DoctorPin};
use crate::domain::policy::{Policy, StaffMember, StaffRole};
use crate::protocol::{ErrorBody, Request};

/// The login name of a Unix user id, when the system knows it.
pub fn unix_user_name(uid: u32) -> Option<String> {
    nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
        .ok()
        .flatten()
        .map(|u| u.name)
}

/// The member of staff with this Unix account, if the list names one.
pub fn member_for_user<'a>(policy: &'a Policy, user: &str) -> Option<&'a StaffMember> {
    policy
        .staff
        .iter()
        .find(|s| s.unix_user.as_deref() == Some(user))
}

/// The doctor a name or initials stand for, on the staff list.
pub fn doctor<'a>(policy: &'a Policy, given: &str) -> Option<&'a StaffMember> {
    policy.staff.iter().find(|s| {
        s.role == StaffRole::Doctor
            && (s.initials.eq_ignore_ascii_case(given.trim())
                || s.name.to_lowercase() == given.trim().to_lowercase())
    })
}

/// What the server checks of a request before the domain sees it: who is
/// recorded (a known member is recorded as themselves), and a doctor's
/// PIN where the clinic asks for one. The PIN is taken out of the request.
pub fn admit(
    config: &Config,
    pins: &Path,
    member: Option<&StaffMember>,
    request: &mut Request,
) -> Result<(), ErrorBody> {
    if let Some(m) = member {
        match request.operator.as_deref() {
            Some(o) if !o.trim().eq_ignore_ascii_case(&m.initials) => {
                return Err(ErrorBody::new(
                    "operator_mismatch",
                    format!(
                        "you are logged in as {} ({}): entries are recorded under your own initials, not {:?}",
                        m.name,
                        m.initials,
                        crate::domain::text::sanitize(o)
                    ),
                ));
            }
            _ => request.operator = Some(m.initials.clone()),
        }
    }
    let pin = request.pin.take();
    if config.doctor_pin != DoctorPin::Required {
        return Ok(());
    }
    let Some(named) = request.command.doctor_named() else {
        return Ok(());
    };
    let Some(doc) = doctor(config, named) else {
        // The domain refuses an unknown doctor with the list.
        return Ok(());
    };
    let Some(pin) = pin.filter(|p| !p.is_empty()) else {
        return Err(ErrorBody::new(
            "pin_required",
            format!(
                "a doctor's act needs {}'s PIN: type it in the PIN field",
                doc.name
            ),
        ));
    };
    match verify(pins, &doc.initials, &pin) {
        Ok(true) => Ok(()),
        Ok(false) => Err(ErrorBody::new(
            "pin_wrong",
            format!("the PIN is not {}'s: nothing was recorded", doc.name),
        )),
        Err(PinError::NotSet) => Err(ErrorBody::new(
            "pin_not_set",
            format!(
                "{} has no PIN yet: run `flowboard pin set {}` on the server's machine",
                doc.name, doc.initials
            ),
        )),
        Err(e) => Err(ErrorBody::new("pin_unreadable", e.to_string())),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PinError {
    #[error("no PIN is set for this doctor")]
    NotSet,
    #[error("a PIN is 4 to 12 digits")]
    Shape,
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("the PIN file {0} is damaged: set the PINs again")]
    Damaged(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> PinError + '_ {
    move |source| PinError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The lines of the PIN file: initials and argon2 hash.
fn read(path: &Path) -> Result<Vec<(String, String)>, PinError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(path)(e)),
    };
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            l.split_once(' ')
                .map(|(i, h)| (i.to_string(), h.to_string()))
                .ok_or_else(|| PinError::Damaged(path.display().to_string()))
        })
        .collect()
}

/// Sets (or replaces) a doctor's PIN: 4 to 12 digits, stored as an
/// argon2id hash in an owner-only file, replaced atomically.
pub fn set(path: &Path, initials: &str, pin: &str) -> Result<(), PinError> {
    if !(4..=12).contains(&pin.len()) || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(PinError::Shape);
    }
    let salt = SaltString::generate(&mut OsRng);
    let hash = Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map_err(|_| PinError::Shape)?
        .to_string();
    let mut lines: Vec<(String, String)> = read(path)?
        .into_iter()
        .filter(|(i, _)| i != initials)
        .collect();
    lines.push((initials.to_string(), hash));
    let tmp = path.with_extension("new");
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(io(&tmp))?;
        for (i, h) in &lines {
            writeln!(f, "{i} {h}").map_err(io(&tmp))?;
        }
        f.sync_all().map_err(io(&tmp))?;
    }
    std::fs::rename(&tmp, path).map_err(io(path))
}

/// Whether `pin` is the doctor's.
pub fn verify(path: &Path, initials: &str, pin: &str) -> Result<bool, PinError> {
    let lines = read(path)?;
    let Some((_, hash)) = lines.iter().find(|(i, _)| i == initials) else {
        return Err(PinError::NotSet);
    };
    let parsed =
        PasswordHash::new(hash).map_err(|_| PinError::Damaged(path.display().to_string()))?;
    Ok(Argon2::default()
        .verify_password(pin.as_bytes(), &parsed)
        .is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Command, Entry, VisitId};

    fn staff() -> Config {
        let mut config = Config::default();
        config.policy.staff = vec![
            StaffMember {
                initials: "MK".into(),
                name: "Dr. Mori Kenji".into(),
                role: StaffRole::Doctor,
                unix_user: Some("mori".into()),
            },
            StaffMember {
                initials: "KS".into(),
                name: "Kato Sachiko".into(),
                role: StaffRole::Nurse,
                unix_user: Some("kato".into()),
            },
        ];
        config
    }

    fn override_by(doctor: &str, pin: Option<&str>, operator: Option<&str>) -> Request {
        Request {
            id: Some(1),
            at: None,
            operator: operator.map(str::to_string),
            confirm: false,
            pin: pin.map(str::to_string),
            command: Command::Record {
                visit: VisitId(1),
                entry: Entry::Override {
                    doctor: doctor.into(),
                    reason: "letter on file".into(),
                    items: vec!["pregnant".into()],
                },
            },
        }
    }

    #[test]
    fn a_nurse_logged_in_with_her_own_account_is_recorded_as_herself() {
        let config = staff();
        let dir = tempfile::tempdir().unwrap();
        let pins = dir.path().join("doctor-pins");
        let kato = member_for_user(&config, "kato");
        let mut r = override_by("MK", None, None);
        admit(&config, &pins, kato, &mut r).unwrap();
        assert_eq!(r.operator.as_deref(), Some("KS"));
        let mut r = override_by("MK", None, Some("MK"));
        let err = admit(&config, &pins, kato, &mut r).unwrap_err();
        assert_eq!(err.code, "operator_mismatch");
        assert!(err.message.contains("Kato Sachiko (KS)"), "{}", err.message);
        assert!(member_for_user(&config, "nobody").is_none());
    }

    #[test]
    fn with_pins_required_a_doctors_act_needs_that_doctors_pin() {
        let mut config = staff();
        config.doctor_pin = DoctorPin::Required;
        let dir = tempfile::tempdir().unwrap();
        let pins = dir.path().join("doctor-pins");
        let mut r = override_by("MK", Some("2468"), None);
        assert_eq!(
            admit(&config, &pins, None, &mut r).unwrap_err().code,
            "pin_not_set"
        );
        set(&pins, "MK", "2468").unwrap();
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(&pins).unwrap().permissions(),
        );
        assert_eq!(mode & 0o777, 0o600, "the PIN file is owner-only");
        assert!(
            !std::fs::read_to_string(&pins).unwrap().contains("2468"),
            "only the hash is kept"
        );
        let mut r = override_by("Dr. Mori Kenji", None, None);
        assert_eq!(
            admit(&config, &pins, None, &mut r).unwrap_err().code,
            "pin_required"
        );
        let mut r = override_by("MK", Some("1357"), None);
        assert_eq!(
            admit(&config, &pins, None, &mut r).unwrap_err().code,
            "pin_wrong"
        );
        let mut r = override_by("mk", Some("2468"), None);
        admit(&config, &pins, None, &mut r).unwrap();
        assert_eq!(r.pin, None, "the PIN goes no further");
        assert!(matches!(set(&pins, "MK", "12ab"), Err(PinError::Shape)));
    }
}
