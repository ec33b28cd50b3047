//! The wall's model and its update: what the server projected for the
//! wall, and whether the link is up. Plain data; no terminal, no socket,
//! no clock. The wall never holds the board: its connection receives only
//! the projection (`crate::projection`), so nothing else can reach the
//! waiting room.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEventKind, KeyModifiers};

use crate::client::ClientEvent;
use crate::config::Config;
use crate::domain::VisitId;
use crate::domain::text::sanitize;
use crate::i18n::Lang;
use crate::projection::{WallPatient, WallSettings, WallView};
use crate::protocol::Role;
use crate::ui::bell::Bell;
use crate::ui::palette::Palette;
use crate::ui::{Action, Connection, Msg, Screen};

/// Whose alarm the bell rings for: a patient on the wall, or the bed of
/// one who is not shown.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Alarm {
    Visit(VisitId),
    Bed(String),
}

#[derive(Debug, Clone)]
pub struct Wall {
    /// The clinic's wall settings as the server sent them.
    pub settings: WallSettings,
    /// What the server projected for the wall, last time it said.
    pub view: WallView,
    pub lang: Lang,
    /// Chosen on the command line (`--lang`): the server's config does not
    /// change it.
    pub lang_pinned: bool,
    pub connection: Connection,
    pub palette: Palette,
    /// Rings for each new unacknowledged critical alert of a patient (a
    /// patient not shown, by their bed).
    pub bell: Bell<(Alarm, u32)>,
    /// The server confirmed the connection has the `wall` role.
    pub confirmed: bool,
    /// The terminal cannot draw Japanese (the Linux console): reception
    /// numbers for labels it cannot draw, English words.
    pub ascii: bool,
}

impl Wall {
    /// The wall before the server has answered (`config` is the local one).
    pub fn new(config: Config) -> Wall {
        Wall {
            lang: config.language,
            lang_pinned: false,
            settings: WallSettings::of(&config),
            view: WallView {
                beds: config
                    .beds
                    .iter()
                    .map(|bed| crate::projection::WallBed::free(bed))
                    .collect(),
                ..WallView::default()
            },
            connection: Connection::Connecting,
            palette: Palette::Full,
            bell: Bell::default(),
            confirmed: false,
            ascii: false,
        }
    }

    /// A terminal that cannot draw Japanese: the words are English (the
    /// language is pinned) and a label it cannot draw becomes the
    /// reception number.
    pub fn on_ascii_console(mut self) -> Wall {
        self.ascii = true;
        self.lang = Lang::En;
        self.lang_pinned = true;
        self
    }

    /// How the wall names a patient: the label, or on a terminal that
    /// cannot draw it, the reception number.
    pub fn label(&self, p: &WallPatient) -> String {
        let shown = p.label.show(self.lang);
        if self.ascii && !shown.is_ascii() {
            return crate::i18n::texts(self.lang)
                .wall
                .ticket
                .replace("{n}", &p.ticket.to_string());
        }
        shown
    }

    /// A label as shown, whoever it names (an attention line, the
    /// emergency banner).
    pub fn label_of(&self, label: &crate::projection::Label) -> String {
        match self.patients().find(|p| &p.label == label) {
            Some(p) => self.label(p),
            None if self.ascii => "?".to_string(),
            None => label.show(self.lang),
        }
    }

    pub fn with_lang(mut self, lang: Lang) -> Wall {
        self.lang = lang;
        self.lang_pinned = true;
        self
    }

    pub fn with_palette(mut self, palette: Palette) -> Wall {
        self.palette = palette;
        self
    }

    /// Everyone on the wall: on a bed, then in the queue.
    pub fn patients(&self) -> impl Iterator<Item = &WallPatient> {
        self.view
            .beds
            .iter()
            .filter_map(|b| b.patient.as_ref())
            .chain(self.view.queue.iter())
    }

    /// Looks at the alarms now: true when the bell is to ring.
    fn ring(&mut self) -> bool {
        let standing = self
            .patients()
            .flat_map(|p| (0..p.alarms).map(move |n| (Alarm::Visit(p.visit), n)))
            .chain(
                self.view
                    .beds
                    .iter()
                    .flat_map(|b| (0..b.alarms).map(move |n| (Alarm::Bed(b.bed.clone()), n))),
            )
            .collect();
        self.bell.ring_for(standing) && self.settings.bell
    }
}

pub fn update(wall: &mut Wall, msg: Msg, _now: DateTime<Utc>) -> Action {
    let mut action = Action::default();
    match msg {
        Msg::Key(key) => {
            let ctrl_c =
                key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
            if key.kind == KeyEventKind::Press && (ctrl_c || key.code == KeyCode::Char('q')) {
                action.quit = true;
            }
        }
        Msg::Tick | Msg::Resize => {}
        Msg::Client(ClientEvent::WallConnected(welcome)) => {
            let welcome = *welcome;
            wall.confirmed = welcome.role == Role::Wall;
            wall.settings = welcome.settings;
            wall.view = welcome.wall;
            if !wall.lang_pinned {
                wall.lang = wall.settings.language;
            }
            wall.connection = Connection::Connected;
            wall.bell.reset();
            action.bell = wall.ring();
        }
        Msg::Client(ClientEvent::Wall(view)) => {
            wall.view = *view;
            action.bell = wall.ring();
        }
        // A staff connection's news never reaches the wall (its link asks
        // for the wall's projection); and the wall sends nothing, so no
        // reply is for it.
        Msg::Client(
            ClientEvent::Connected(_)
            | ClientEvent::Board(_)
            | ClientEvent::Changed(_)
            | ClientEvent::Shipping(_)
            | ClientEvent::Reply(_),
        ) => {}
        Msg::Client(ClientEvent::Lost(reason)) => {
            wall.connection = Connection::Lost(sanitize(&reason));
        }
    }
    action
}

impl Screen for Wall {
    fn update(&mut self, msg: Msg, now: DateTime<Utc>) -> Action {
        update(self, msg, now)
    }

    fn view(&self, frame: &mut Frame, now: DateTime<Utc>) {
        super::view::view(frame, self, now);
    }
}
