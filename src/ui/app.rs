//! The model of the board screen: everything the view draws and the
//! update changes. Plain data; no terminal, no socket, no clock.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::bell::Bell;
use super::forms::{Form, FormKind};
use super::history::History;
use super::input::TextInput;
use super::palette::Palette;
use super::rows;
use crate::config::Config;
use crate::domain::{Alert, Board, Visit, VisitId, alerts};
use crate::i18n::Lang;
use crate::snapshot::on_board;

/// The link to the server, as the screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    /// Not connected yet (start-up).
    Connecting,
    Connected,
    /// Was connected (or tried); the link is retrying. Why it was lost.
    Lost(String),
}

/// What the keyboard is talking to.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Normal,
    Help,
    /// Typing the filter text.
    Filter,
    /// A form over the board (boxed: it is by far the largest mode).
    Form(Box<Form>),
    /// Asking before undoing the last action on this visit.
    ConfirmUndo(VisitId),
    /// The day's events, filtered; today's or a past day's.
    History(Box<History>),
    /// The nurses' patients now.
    Caseload,
    /// Every alert on the board, the cursor on one (the strip shows only
    /// what fits).
    Alerts(usize),
    /// Several beds are being cleaned: which one is ready (`b`), the
    /// cursor on a bed by its name (a bed marked ready meanwhile by
    /// another terminal cannot move the cursor onto another bed).
    Beds(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Error,
}

/// The status line: the last outcome ("Saved") or error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub kind: StatusKind,
    pub text: String,
}

/// Where a request came from, so its reply reaches the right place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    Form(FormKind),
    Undo(VisitId),
    /// A record made by one key on the board (acknowledge, drip check,
    /// resume): its outcome goes to the status line.
    Quick(VisitId),
    /// The visits of a past day, for the history view.
    Visits,
}

#[derive(Debug, Clone)]
pub struct App {
    /// The clinic's config as the server sent it (timers and alerts are
    /// derived with the server's config, so every screen agrees).
    pub config: Config,
    pub board: Board,
    pub lang: Lang,
    /// Set when the language was chosen on the command line; otherwise
    /// the server's config decides.
    pub lang_pinned: bool,
    /// Who is at this terminal, recorded with every change.
    pub operator: Option<String>,
    pub connection: Connection,
    /// The branch's shipping to the clinic group is behind (the header
    /// says so).
    pub shipping: Option<crate::protocol::ShippingBehind>,
    /// The server said this terminal may only look (it also refuses any
    /// change itself; this only spares the staff a form it would refuse).
    pub read_only: bool,
    /// The selected visit: selection follows the patient, not the row.
    pub selected: Option<VisitId>,
    /// Row of the selection last time, to land near it if the patient
    /// disappears from the list (filtered out, next day).
    pub selected_row: usize,
    /// A visit to select as soon as it appears (a just-registered arrival).
    pub select_when_seen: Option<VisitId>,
    pub filter: TextInput,
    /// What the terminal can show: full colour, the Linux console's eight
    /// colours, or none (`NO_COLOR`: only bold and reverse video).
    pub palette: Palette,
    /// Rings once per new critical alert (`[terminal] bell`).
    pub bell: Bell,
    pub mode: Mode,
    /// Lines the help is scrolled down.
    pub help_scroll: u16,
    pub status: Option<Status>,
    /// Requests awaiting their reply, by request id.
    pub pending: BTreeMap<u64, Pending>,
    /// The id of the next request.
    pub next_request: u64,
}

impl App {
    /// The screen before the server has answered: `config` is the local
    /// one (replaced by the server's on connect), the board is empty.
    pub fn new(config: Config, operator: Option<String>) -> App {
        App {
            lang: config.language,
            lang_pinned: false,
            config,
            board: Board::default(),
            operator,
            connection: Connection::Connecting,
            shipping: None,
            read_only: false,
            selected: None,
            selected_row: 0,
            select_when_seen: None,
            filter: TextInput::new(),
            mode: Mode::Normal,
            help_scroll: 0,
            status: None,
            pending: BTreeMap::new(),
            next_request: 1,
            palette: Palette::Full,
            bell: Bell::default(),
        }
    }

    /// Draws without colour (`NO_COLOR`): severities still read from their
    /// symbols and words, the selection from reverse video.
    pub fn with_color(self, color: bool) -> App {
        self.with_palette(if color { Palette::Full } else { Palette::Mono })
    }

    /// Draws with the colours the terminal has (see [`Palette`]).
    pub fn with_palette(mut self, palette: Palette) -> App {
        self.palette = palette;
        self
    }

    /// The alerts of the visits on the board, most severe first (every
    /// alert, whatever the filter: a filter must not hide a critical one).
    pub fn board_alerts(&self, now: DateTime<Utc>) -> Vec<Alert> {
        let shown: std::collections::HashSet<VisitId> = on_board(&self.board, &self.config, now)
            .iter()
            .map(|v| v.id)
            .collect();
        alerts(&self.board, &self.config, now)
            .into_iter()
            .filter(|a| shown.contains(&a.visit))
            .collect()
    }

    /// Fixes the language whatever the server's config says.
    pub fn with_lang(mut self, lang: Lang) -> App {
        self.lang = lang;
        self.lang_pinned = true;
        self
    }

    /// The visits listed now, in screen order.
    pub fn visible(&self, now: DateTime<Utc>) -> Vec<&Visit> {
        rows::visible(&self.board, &self.config, self.filter.text(), now)
    }

    /// The selected visit, if it is listed.
    pub fn selected_visit(&self, now: DateTime<Utc>) -> Option<&Visit> {
        let id = self.selected?;
        self.visible(now).into_iter().find(|v| v.id == id)
    }

    /// Takes the next request id.
    pub fn take_request_id(&mut self) -> u64 {
        let id = self.next_request;
        self.next_request += 1;
        id
    }

    /// Keeps the selection on a listed visit after anything changed: the
    /// same patient if still listed, else the row where it was.
    pub fn reconcile_selection(&mut self, now: DateTime<Utc>) {
        let ids: Vec<VisitId> = self.visible(now).iter().map(|v| v.id).collect();
        if let Some(want) = self.select_when_seen
            && ids.contains(&want)
        {
            self.selected = Some(want);
            self.select_when_seen = None;
        }
        match self
            .selected
            .and_then(|id| ids.iter().position(|v| *v == id))
        {
            Some(row) => self.selected_row = row,
            None if ids.is_empty() => self.selected = None,
            None => {
                let row = self.selected_row.min(ids.len() - 1);
                self.selected = Some(ids[row]);
                self.selected_row = row;
            }
        }
    }

    /// Moves the selection by `delta` rows (clamped to the list).
    pub fn move_selection(&mut self, delta: isize, now: DateTime<Utc>) {
        let ids: Vec<VisitId> = self.visible(now).iter().map(|v| v.id).collect();
        if ids.is_empty() {
            return;
        }
        let current = self
            .selected
            .and_then(|id| ids.iter().position(|v| *v == id))
            .unwrap_or(0);
        let row = current.saturating_add_signed(delta).min(ids.len() - 1);
        self.selected = Some(ids[row]);
        self.selected_row = row;
    }
}
