//! The one table of key bindings. The key handling, the footer and the
//! help screen all read it, so they cannot disagree (as in helix: commands
//! are data with their description).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::i18n::Texts;

/// What a key does. Which ops apply depends on the mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    // The board.
    Quit,
    Arrival,
    Down,
    Up,
    PageDown,
    PageUp,
    First,
    Last,
    Next,
    Cancel,
    Undo,
    Filter,
    ClearFilter,
    Help,
    /// The day's events (the history view).
    History,
    /// Every alert, when the strip cannot show them all.
    Alerts,
    /// Correct a recorded value of the selected patient.
    Correct,
    // The history view.
    PrevDay,
    NextDay,
    /// Only the patient of the line under the cursor (again: everyone).
    TogglePatient,
    /// Type who entered the events to list.
    FilterBy,
    /// All / stage changes / clinical entries / corrections.
    CycleKind,
    // Patient care on the board.
    Counselling,
    Vitals,
    DripCheck,
    /// Skip the due drip check, with a reason.
    SkipCheck,
    Pause,
    StopEarly,
    Reaction,
    FollowUp,
    Acknowledge,
    // The busy hour.
    /// Mark the bed being cleaned ready.
    BedReady,
    /// The selected patient not on the wall (or shown again).
    DoNotDisplay,
    /// The nurses' patients now.
    Caseload,
    /// Give the selected patient to another nurse.
    Reassign,
    // Forms and the filter line.
    FieldNext,
    FieldPrev,
    Left,
    Right,
    Backspace,
    Delete,
    Home,
    End,
    /// Ctrl-U: empty the field.
    ClearField,
    Submit,
    Abort,
    /// Space: tick a checkbox (a letter in a text field).
    Toggle,
    /// `y` / `n` on a yes/no question (letters in a text field).
    AnswerYes,
    AnswerNo,
    KeepFilter,
    // Confirmation and help.
    Yes,
    No,
    Close,
}

impl Op {
    /// Whether the op leads to a change of the board (refused on a
    /// read-only terminal, and not offered there).
    pub fn changes_board(self) -> bool {
        matches!(
            self,
            Op::Arrival
                | Op::Next
                | Op::Cancel
                | Op::Undo
                | Op::Correct
                | Op::Counselling
                | Op::Vitals
                | Op::DripCheck
                | Op::SkipCheck
                | Op::Pause
                | Op::StopEarly
                | Op::Reaction
                | Op::FollowUp
                | Op::Acknowledge
                | Op::BedReady
                | Op::DoNotDisplay
                | Op::Reassign
        )
    }
}

/// A key: its code, and whether Control is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn key(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

/// One line of help: the keys as shown, what each key does, and the words.
#[derive(Clone, Copy)]
pub struct Binding {
    /// The keys as the footer and the help show them.
    pub shown: &'static str,
    pub keys: &'static [(Key, Op)],
    pub describe: fn(&Texts) -> &'static str,
    /// Fewer words for the footer, where room is short (else `describe`).
    pub brief: Option<fn(&Texts) -> &'static str>,
    /// Footer priority when the footer is short of room (lower stays);
    /// `None`: only in the help.
    pub footer: Option<u8>,
}

pub const NORMAL: &[Binding] = &[
    Binding {
        shown: "a",
        keys: &[(ch('a'), Op::Arrival)],
        describe: |t| t.key_arrival,
        brief: None,
        footer: Some(1),
    },
    Binding {
        shown: "j/k",
        keys: &[
            (ch('j'), Op::Down),
            (key(KeyCode::Down), Op::Down),
            (ch('k'), Op::Up),
            (key(KeyCode::Up), Op::Up),
        ],
        describe: |t| t.key_select,
        brief: None,
        footer: Some(4),
    },
    Binding {
        shown: "PgUp/PgDn",
        keys: &[
            (key(KeyCode::PageUp), Op::PageUp),
            (key(KeyCode::PageDown), Op::PageDown),
        ],
        describe: |t| t.ui.key_page,
        brief: None,
        footer: None,
    },
    Binding {
        shown: "Home/End",
        keys: &[
            (key(KeyCode::Home), Op::First),
            (ch('g'), Op::First),
            (key(KeyCode::End), Op::Last),
            (ch('G'), Op::Last),
        ],
        describe: |t| t.ui.key_first_last,
        brief: None,
        footer: None,
    },
    Binding {
        shown: "Enter",
        keys: &[(key(KeyCode::Enter), Op::Next)],
        describe: |t| t.key_next,
        brief: Some(|t| t.ui.brief_next),
        footer: Some(0),
    },
    // Enter on an expected patient checks them in (the footer says so
    // when one is selected): a line of its own in the help, no key of its
    // own.
    Binding {
        shown: "Enter",
        keys: &[],
        describe: |t| t.records.key_check_in_help,
        brief: None,
        footer: None,
    },
    Binding {
        shown: "x",
        keys: &[(ch('x'), Op::Cancel)],
        describe: |t| t.key_cancel,
        brief: Some(|t| t.ui.brief_cancel),
        footer: Some(4),
    },
    Binding {
        shown: "u",
        keys: &[(ch('u'), Op::Undo)],
        describe: |t| t.key_undo,
        brief: None,
        footer: Some(5),
    },
    Binding {
        shown: "/",
        keys: &[(ch('/'), Op::Filter)],
        describe: |t| t.key_filter,
        brief: None,
        footer: Some(6),
    },
    Binding {
        shown: "Esc",
        keys: &[(key(KeyCode::Esc), Op::ClearFilter)],
        describe: |t| t.ui.key_clear_filter,
        brief: None,
        footer: None,
    },
    Binding {
        shown: "H",
        keys: &[(ch('H'), Op::History)],
        describe: |t| t.records.key_history,
        brief: None,
        footer: Some(6),
    },
    Binding {
        shown: "!",
        keys: &[(ch('!'), Op::Alerts)],
        describe: |t| t.ui.key_alerts,
        brief: Some(|t| t.ui.brief_alerts),
        footer: Some(1),
    },
    Binding {
        shown: "C",
        keys: &[(ch('C'), Op::Correct)],
        describe: |t| t.records.key_correct,
        brief: Some(|t| t.records.brief_correct),
        footer: Some(7),
    },
    Binding {
        shown: "?",
        keys: &[(ch('?'), Op::Help)],
        describe: |t| t.key_help,
        brief: None,
        footer: Some(0),
    },
    Binding {
        shown: "q",
        keys: &[(ch('q'), Op::Quit), (ctrl('c'), Op::Quit)],
        describe: |t| t.key_quit,
        brief: None,
        footer: Some(2),
    },
    // Patient care: from here on the help lists them apart (CARE_FROM).
    Binding {
        shown: "c",
        keys: &[(ch('c'), Op::Counselling)],
        describe: |t| t.clinic.key_counselling,
        brief: Some(|t| t.clinic.brief_counselling),
        footer: Some(3),
    },
    Binding {
        shown: "v",
        keys: &[(ch('v'), Op::Vitals)],
        describe: |t| t.clinic.key_vitals,
        brief: None,
        footer: Some(2),
    },
    Binding {
        shown: "t",
        keys: &[(ch('t'), Op::DripCheck)],
        describe: |t| t.clinic.key_drip_check,
        brief: Some(|t| t.clinic.brief_check),
        footer: Some(1),
    },
    Binding {
        shown: "T",
        keys: &[(ch('T'), Op::SkipCheck)],
        describe: |t| t.clinic.key_skip_check,
        brief: Some(|t| t.clinic.brief_skip),
        footer: Some(6),
    },
    Binding {
        shown: "p",
        keys: &[(ch('p'), Op::Pause)],
        describe: |t| t.clinic.key_pause,
        brief: Some(|t| t.clinic.brief_pause),
        footer: Some(3),
    },
    Binding {
        shown: "s",
        keys: &[(ch('s'), Op::StopEarly)],
        describe: |t| t.clinic.key_stop,
        brief: Some(|t| t.clinic.brief_stop),
        footer: Some(5),
    },
    Binding {
        shown: "r",
        keys: &[(ch('r'), Op::Reaction)],
        describe: |t| t.clinic.key_reaction,
        brief: None,
        footer: Some(2),
    },
    Binding {
        shown: "f",
        keys: &[(ch('f'), Op::FollowUp)],
        describe: |t| t.clinic.key_followup,
        brief: Some(|t| t.clinic.brief_followup),
        footer: Some(1),
    },
    Binding {
        shown: "A",
        keys: &[(ch('A'), Op::Acknowledge)],
        describe: |t| t.clinic.key_ack,
        brief: Some(|t| t.clinic.brief_ack),
        footer: Some(1),
    },
    Binding {
        shown: "b",
        keys: &[(ch('b'), Op::BedReady)],
        describe: |t| t.busy.key_bed_ready,
        brief: None,
        footer: None,
    },
    Binding {
        shown: "D",
        keys: &[(ch('D'), Op::DoNotDisplay)],
        describe: |t| t.busy.key_do_not_display,
        brief: None,
        footer: None,
    },
    Binding {
        shown: "R",
        keys: &[(ch('R'), Op::Reassign)],
        describe: |t| t.busy.key_reassign,
        brief: None,
        footer: None,
    },
    Binding {
        shown: "N",
        keys: &[(ch('N'), Op::Caseload)],
        describe: |t| t.busy.key_caseload,
        brief: None,
        footer: None,
    },
];

/// The nurses' patients (`N`): any of these closes it.
pub const CASELOAD: &[Binding] = &[Binding {
    shown: "Esc/N/q",
    keys: &[
        (key(KeyCode::Esc), Op::Close),
        (ch('N'), Op::Close),
        (ch('q'), Op::Close),
    ],
    describe: |t| t.key_close,
    brief: None,
    footer: Some(0),
}];

/// Where the patient-care keys begin in `NORMAL` (the help shows them as
/// their own section).
pub const CARE_FROM: usize = 15;

/// Keys that edit a line of text (forms and the filter line).
pub const EDITING: [Binding; 3] = [
    Binding {
        shown: "Backspace/Del",
        keys: &[
            (key(KeyCode::Backspace), Op::Backspace),
            (key(KeyCode::Delete), Op::Delete),
        ],
        describe: |t| t.ui.key_delete,
        brief: None,
        footer: None,
    },
    Binding {
        shown: "Home/End",
        keys: &[(key(KeyCode::Home), Op::Home), (key(KeyCode::End), Op::End)],
        describe: |t| t.ui.key_home_end,
        brief: None,
        footer: None,
    },
    Binding {
        shown: "Ctrl-U",
        keys: &[(ctrl('u'), Op::ClearField)],
        describe: |t| t.ui.key_clear_field,
        brief: None,
        footer: Some(4),
    },
];

pub const FORM: &[Binding] = &[
    Binding {
        shown: "Tab/Down",
        keys: &[
            (key(KeyCode::Tab), Op::FieldNext),
            (key(KeyCode::Down), Op::FieldNext),
        ],
        describe: |t| t.ui.key_field_next,
        brief: None,
        footer: Some(1),
    },
    Binding {
        shown: "S-Tab/Up",
        keys: &[
            (key(KeyCode::BackTab), Op::FieldPrev),
            (key(KeyCode::Up), Op::FieldPrev),
        ],
        describe: |t| t.ui.key_field_prev,
        brief: None,
        footer: Some(3),
    },
    Binding {
        shown: "Left/Right",
        keys: &[
            (key(KeyCode::Left), Op::Left),
            (key(KeyCode::Right), Op::Right),
        ],
        describe: |t| t.ui.key_choose,
        brief: None,
        footer: Some(2),
    },
    Binding {
        shown: "Enter",
        keys: &[(key(KeyCode::Enter), Op::Submit)],
        describe: |t| t.ui.key_submit,
        brief: None,
        footer: Some(0),
    },
    Binding {
        shown: "Esc",
        keys: &[(key(KeyCode::Esc), Op::Abort)],
        describe: |t| t.ui.key_abort,
        brief: None,
        footer: Some(0),
    },
    Binding {
        shown: "Space/y/n",
        keys: &[
            (ch(' '), Op::Toggle),
            (ch('y'), Op::AnswerYes),
            (ch('n'), Op::AnswerNo),
        ],
        describe: |t| t.clinic.key_toggle,
        brief: None,
        footer: Some(2),
    },
    EDITING[0],
    EDITING[1],
    EDITING[2],
];

pub const FILTER: &[Binding] = &[
    Binding {
        shown: "Enter",
        keys: &[(key(KeyCode::Enter), Op::KeepFilter)],
        describe: |t| t.ui.key_keep_filter,
        brief: None,
        footer: Some(0),
    },
    Binding {
        shown: "Esc",
        keys: &[(key(KeyCode::Esc), Op::ClearFilter)],
        describe: |t| t.ui.key_clear_filter,
        brief: None,
        footer: Some(0),
    },
    Binding {
        shown: "Left/Right",
        keys: &[
            (key(KeyCode::Left), Op::Left),
            (key(KeyCode::Right), Op::Right),
        ],
        describe: |t| t.ui.key_choose,
        brief: None,
        footer: None,
    },
    EDITING[0],
    EDITING[1],
    EDITING[2],
];

pub const CONFIRM: &[Binding] = &[
    Binding {
        shown: "Enter/y",
        keys: &[(key(KeyCode::Enter), Op::Yes), (ch('y'), Op::Yes)],
        describe: |t| t.ui.key_yes,
        brief: None,
        footer: Some(0),
    },
    Binding {
        shown: "Esc/n",
        keys: &[(key(KeyCode::Esc), Op::No), (ch('n'), Op::No)],
        describe: |t| t.ui.key_no,
        brief: None,
        footer: Some(0),
    },
];

pub const HELP: &[Binding] = &[
    Binding {
        shown: "Esc/?/q",
        keys: &[
            (key(KeyCode::Esc), Op::Close),
            (ch('?'), Op::Close),
            (ch('q'), Op::Close),
        ],
        describe: |t| t.key_close,
        brief: None,
        footer: Some(0),
    },
    Binding {
        shown: "j/k",
        keys: &[
            (ch('j'), Op::Down),
            (key(KeyCode::Down), Op::Down),
            (ch('k'), Op::Up),
            (key(KeyCode::Up), Op::Up),
        ],
        describe: |t| t.clinic.key_scroll,
        brief: None,
        footer: Some(1),
    },
];

/// The history view.
pub const HISTORY: &[Binding] = &[
    Binding {
        shown: "[/]",
        keys: &[
            (ch('['), Op::PrevDay),
            (key(KeyCode::Left), Op::PrevDay),
            (ch(']'), Op::NextDay),
            (key(KeyCode::Right), Op::NextDay),
        ],
        describe: |t| t.records.key_day,
        brief: None,
        footer: Some(0),
    },
    Binding {
        shown: "j/k",
        keys: &[
            (ch('j'), Op::Down),
            (key(KeyCode::Down), Op::Down),
            (ch('k'), Op::Up),
            (key(KeyCode::Up), Op::Up),
        ],
        describe: |t| t.records.key_move,
        brief: None,
        footer: Some(3),
    },
    Binding {
        shown: "PgUp/PgDn",
        keys: &[
            (key(KeyCode::PageUp), Op::PageUp),
            (key(KeyCode::PageDown), Op::PageDown),
        ],
        describe: |t| t.ui.key_page,
        brief: None,
        footer: None,
    },
    Binding {
        shown: "Home/End",
        keys: &[
            (key(KeyCode::Home), Op::First),
            (ch('g'), Op::First),
            (key(KeyCode::End), Op::Last),
            (ch('G'), Op::Last),
        ],
        describe: |t| t.ui.key_first_last,
        brief: None,
        footer: None,
    },
    Binding {
        shown: "p",
        keys: &[(ch('p'), Op::TogglePatient)],
        describe: |t| t.records.key_patient,
        brief: None,
        footer: Some(1),
    },
    Binding {
        shown: "/",
        keys: &[(ch('/'), Op::FilterBy)],
        describe: |t| t.records.key_by,
        brief: None,
        footer: Some(2),
    },
    Binding {
        shown: "t",
        keys: &[(ch('t'), Op::CycleKind)],
        describe: |t| t.records.key_kind,
        brief: None,
        footer: Some(1),
    },
    Binding {
        shown: "Esc/q/H",
        keys: &[
            (key(KeyCode::Esc), Op::Close),
            (ch('q'), Op::Close),
            (ch('H'), Op::Close),
        ],
        describe: |t| t.records.key_close,
        brief: None,
        footer: Some(0),
    },
];

/// Typing who entered the events, in the history view.
pub const HISTORY_BY: &[Binding] = &[
    Binding {
        shown: "Enter",
        keys: &[(key(KeyCode::Enter), Op::KeepFilter)],
        describe: |t| t.records.key_keep_by,
        brief: None,
        footer: Some(0),
    },
    Binding {
        shown: "Esc",
        keys: &[(key(KeyCode::Esc), Op::ClearFilter)],
        describe: |t| t.records.key_clear_by,
        brief: None,
        footer: Some(0),
    },
    Binding {
        shown: "Left/Right",
        keys: &[
            (key(KeyCode::Left), Op::Left),
            (key(KeyCode::Right), Op::Right),
        ],
        describe: |t| t.ui.key_choose,
        brief: None,
        footer: None,
    },
    EDITING[0],
    EDITING[1],
    EDITING[2],
];

/// The alert list.
pub const ALERTS: &[Binding] = &[
    Binding {
        shown: "Enter",
        keys: &[(key(KeyCode::Enter), Op::Next)],
        describe: |t| t.ui.key_alert_select,
        brief: None,
        footer: Some(0),
    },
    Binding {
        shown: "j/k",
        keys: &[
            (ch('j'), Op::Down),
            (key(KeyCode::Down), Op::Down),
            (ch('k'), Op::Up),
            (key(KeyCode::Up), Op::Up),
        ],
        describe: |t| t.records.key_move,
        brief: None,
        footer: Some(1),
    },
    Binding {
        shown: "PgUp/PgDn",
        keys: &[
            (key(KeyCode::PageUp), Op::PageUp),
            (key(KeyCode::PageDown), Op::PageDown),
        ],
        describe: |t| t.ui.key_page,
        brief: None,
        footer: None,
    },
    Binding {
        shown: "Home/End",
        keys: &[
            (key(KeyCode::Home), Op::First),
            (ch('g'), Op::First),
            (key(KeyCode::End), Op::Last),
            (ch('G'), Op::Last),
        ],
        describe: |t| t.ui.key_first_last_alert,
        brief: None,
        footer: None,
    },
    Binding {
        shown: "Esc/!/q",
        keys: &[
            (key(KeyCode::Esc), Op::Close),
            (ch('!'), Op::Close),
            (ch('q'), Op::Close),
        ],
        describe: |t| t.records.key_close,
        brief: None,
        footer: Some(0),
    },
];

/// The list of beds being cleaned (`b` with several).
pub const BEDS: &[Binding] = &[
    Binding {
        shown: "Enter",
        keys: &[(key(KeyCode::Enter), Op::Next)],
        describe: |t| t.busy.key_bed_chosen,
        brief: None,
        footer: Some(0),
    },
    Binding {
        shown: "j/k",
        keys: &[
            (ch('j'), Op::Down),
            (key(KeyCode::Down), Op::Down),
            (ch('k'), Op::Up),
            (key(KeyCode::Up), Op::Up),
        ],
        describe: |t| t.records.key_move,
        brief: None,
        footer: Some(1),
    },
    Binding {
        shown: "Home/End",
        keys: &[
            (key(KeyCode::Home), Op::First),
            (ch('g'), Op::First),
            (key(KeyCode::End), Op::Last),
            (ch('G'), Op::Last),
        ],
        describe: |t| t.busy.key_first_last_bed,
        brief: None,
        footer: None,
    },
    Binding {
        shown: "Esc/q",
        keys: &[(key(KeyCode::Esc), Op::Close), (ch('q'), Op::Close)],
        describe: |t| t.records.key_close,
        brief: None,
        footer: Some(0),
    },
];

/// A section of the help screen: its title and its keys.
pub type Section = (fn(&Texts) -> &'static str, &'static [Binding]);

/// A table without the editing keys at its end (they have a section of
/// their own in the help).
const fn own(table: &'static [Binding]) -> &'static [Binding] {
    table.split_at(table.len() - EDITING.len()).0
}

/// The sections of the help screen, from the same tables as the keys and
/// the footer. The editing keys, shared by forms and filters, have their
/// own section.
pub fn help_sections() -> [Section; 10] {
    [
        (|t| t.ui.help_board, NORMAL.split_at(CARE_FROM).0),
        (|t| t.clinic.help_care, NORMAL.split_at(CARE_FROM).1),
        (|t| t.ui.help_form, own(FORM)),
        (|t| t.ui.help_typing, &EDITING),
        (|t| t.ui.help_filter, own(FILTER)),
        (|t| t.ui.help_alerts, ALERTS),
        (|t| t.busy.help_beds, BEDS),
        (|t| t.records.help_history, HISTORY),
        (|t| t.records.help_by, own(HISTORY_BY)),
        (|t| t.ui.help_confirm, CONFIRM),
    ]
}

/// The op a key press means in a table. Shift is ignored (it makes the
/// character itself: `G`, `?`); Control must match.
pub fn lookup(table: &[Binding], event: &KeyEvent) -> Option<Op> {
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    table
        .iter()
        .flat_map(|b| b.keys.iter())
        .find(|(k, _)| k.code == event.code && k.ctrl == ctrl)
        .map(|(_, op)| *op)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_means_two_things_in_one_mode() {
        for table in [
            NORMAL, FORM, FILTER, CONFIRM, HELP, HISTORY, HISTORY_BY, ALERTS, BEDS,
        ] {
            let keys: Vec<Key> = table
                .iter()
                .flat_map(|b| b.keys.iter().map(|(k, _)| *k))
                .collect();
            for (i, k) in keys.iter().enumerate() {
                assert!(!keys[i + 1..].contains(k), "{k:?} bound twice");
            }
        }
    }

    #[test]
    fn every_key_of_every_mode_is_in_the_help_and_no_section_is_empty() {
        let sections = help_sections();
        for (_, bindings) in &sections {
            assert!(!bindings.is_empty(), "an empty help section");
        }
        let listed: Vec<(KeyCode, bool, Op)> = sections
            .iter()
            .flat_map(|(_, b)| b.iter())
            .flat_map(|b| b.keys.iter().map(|(k, op)| (k.code, k.ctrl, *op)))
            .collect();
        for table in [
            NORMAL, FORM, FILTER, CONFIRM, HISTORY, HISTORY_BY, ALERTS, BEDS,
        ] {
            for b in table {
                for (k, op) in b.keys {
                    assert!(
                        listed.contains(&(k.code, k.ctrl, *op)),
                        "{:?} ({op:?}) is not in the help",
                        k.code
                    );
                }
            }
        }
    }

    #[test]
    fn every_board_key_is_in_the_help() {
        let [board, care, ..] = help_sections();
        assert_eq!(board.1.len() + care.1.len(), NORMAL.len());
        assert_eq!(care.1[0].keys[0].1, Op::Counselling);
        let press = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(lookup(NORMAL, &press), Some(Op::Quit));
        let press = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(lookup(NORMAL, &press), Some(Op::Last));
    }
}
