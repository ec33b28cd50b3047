//! The wall's model and its update: what the server said, and whether the
//! link is up. Plain data; no terminal, no socket, no clock.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEventKind, KeyModifiers};

use crate::client::ClientEvent;
use crate::config::Config;
use crate::domain::text::sanitize;
use crate::domain::{Board, Visit};
use crate::i18n::Lang;
use crate::protocol::Role;
use crate::snapshot::on_board;
use crate::ui::bell::Bell;
use crate::ui::palette::Palette;
use crate::ui::{Action, Connection, Msg, Screen};

#[derive(Debug, Clone)]
pub struct Wall {
    /// The clinic's config as the server sent it.
    pub config: Config,
    pub board: Board,
    pub lang: Lang,
    /// Chosen on the command line (`--lang`): the server's config does not
    /// change it.
    pub lang_pinned: bool,
    pub connection: Connection,
    pub palette: Palette,
    pub bell: Bell,
    /// The server confirmed the connection is read-only.
    pub read_only: bool,
}

impl Wall {
    /// The wall before the server has answered (`config` is the local one).
    pub fn new(config: Config) -> Wall {
        Wall {
            lang: config.language,
            lang_pinned: false,
            config,
            board: Board::default(),
            connection: Connection::Connecting,
            palette: Palette::Full,
            bell: Bell::default(),
            read_only: false,
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

    /// The patients in the clinic now, in flow order: the wall shows
    /// nobody who has left.
    pub fn present(&self, now: DateTime<Utc>) -> Vec<&Visit> {
        on_board(&self.board, &self.config, now)
            .into_iter()
            .filter(|v| v.stage.is_active())
            .collect()
    }
}

pub fn update(wall: &mut Wall, msg: Msg, now: DateTime<Utc>) -> Action {
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
        Msg::Client(ClientEvent::Connected(welcome)) => {
            let welcome = *welcome;
            wall.read_only = welcome.role == Role::ReadOnly;
            wall.config = welcome.config;
            wall.board = welcome.board;
            if !wall.lang_pinned {
                wall.lang = wall.config.language;
            }
            wall.connection = Connection::Connected;
            wall.bell.reset();
        }
        Msg::Client(ClientEvent::Board(board)) => wall.board = *board,
        // The link checks the changes follow (it reconnects when they do
        // not), so they apply here.
        Msg::Client(ClientEvent::Changed(changes)) => {
            let _ = changes.apply_to(&mut wall.board);
        }
        // The wall sends nothing, so no reply is for it.
        Msg::Client(ClientEvent::Reply(_)) => {}
        Msg::Client(ClientEvent::Lost(reason)) => {
            wall.connection = Connection::Lost(sanitize(&reason));
        }
    }
    if wall.connection == Connection::Connected {
        let alerts = super::view::wall_alerts(wall, now);
        action.bell = wall.bell.check(&alerts) && wall.config.terminal.bell;
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
