//! Call history: one line per kept call, appended to `history.txt` in the data folder.
//!
//! Only a [`agent_core::CallRecord`] can be appended, and the core makes those only
//! for ordinary calls (E7), so an emergency call has no way into this file.
//!
//! The format is one tab-separated line per call, versioned by its first field, so a
//! future format can be read beside this one. Lines that cannot be read are skipped and
//! counted, never fatal: history is a convenience, not a record of truth.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use agent_core::{CallRecord, Direction};
use wire::{CallDirection, HistoryEntry};

/// The file name in the data folder.
pub const HISTORY_FILE: &str = "history.txt";
/// How many entries the view carries.
const SHOWN: usize = 200;

#[derive(Debug)]
pub struct History {
    path: Option<PathBuf>,
    /// Newest first.
    entries: Vec<HistoryEntry>,
}

impl History {
    /// Reads the history in `dir`; `None` keeps it in memory only (unusable folder).
    pub fn open(dir: Option<&Path>) -> History {
        let Some(dir) = dir else {
            return History {
                path: None,
                entries: Vec::new(),
            };
        };
        let path = dir.join(HISTORY_FILE);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let mut skipped = 0;
        let mut entries: Vec<HistoryEntry> = text
            .lines()
            .filter_map(|line| {
                let e = decode(line);
                skipped += usize::from(e.is_none());
                e
            })
            .collect();
        if skipped > 0 {
            tracing::warn!(skipped, "history lines that could not be read were skipped");
        }
        entries.reverse();
        entries.truncate(SHOWN);
        History {
            path: Some(path),
            entries,
        }
    }

    pub fn entries(&self) -> &[HistoryEntry] {
        &self.entries
    }

    /// Appends a finished call. A write failure is logged; the entry stays in memory.
    pub fn append(&mut self, record: &CallRecord) {
        let entry = entry_of(record);
        if let Some(path) = &self.path {
            let line = encode(&entry);
            let written = OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .and_then(|mut f| f.write_all(line.as_bytes()));
            if let Err(e) = written {
                tracing::error!(error = %e, "cannot write call history");
            }
        }
        self.entries.insert(0, entry);
        self.entries.truncate(SHOWN);
    }
}

fn entry_of(r: &CallRecord) -> HistoryEntry {
    HistoryEntry {
        direction: match r.direction() {
            Direction::Outbound => CallDirection::Outbound,
            Direction::Inbound => CallDirection::Inbound,
        },
        remote: r.remote().to_owned(),
        started_at: r.started_at().0,
        answered_at: r.answered_at().map(|m| m.0),
        ended_at: r.ended_at().0,
        recorded: r.recorded(),
    }
}

fn encode(e: &HistoryEntry) -> String {
    // The remote party is the only free text: keep it on one line and one field.
    let remote: String = e
        .remote
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!(
        "v1\t{}\t{}\t{}\t{}\t{}\t{}\n",
        match e.direction {
            CallDirection::Outbound => "out",
            CallDirection::Inbound => "in",
        },
        e.started_at,
        e.answered_at.map_or("-".to_owned(), |a| a.to_string()),
        e.ended_at,
        u8::from(e.recorded),
        remote
    )
}

fn decode(line: &str) -> Option<HistoryEntry> {
    let mut f = line.splitn(7, '\t');
    if f.next()? != "v1" {
        return None;
    }
    let direction = match f.next()? {
        "out" => CallDirection::Outbound,
        "in" => CallDirection::Inbound,
        _ => return None,
    };
    let started_at = f.next()?.parse().ok()?;
    let answered_at = match f.next()? {
        "-" => None,
        a => Some(a.parse().ok()?),
    };
    let ended_at = f.next()?.parse().ok()?;
    let recorded = match f.next()? {
        "0" => false,
        "1" => true,
        _ => return None,
    };
    let remote = f.next()?.to_owned();
    Some(HistoryEntry {
        direction,
        remote,
        started_at,
        answered_at,
        ended_at,
        recorded,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(remote: &str) -> HistoryEntry {
        HistoryEntry {
            direction: CallDirection::Inbound,
            remote: remote.into(),
            started_at: 10,
            answered_at: Some(12),
            ended_at: 20,
            recorded: true,
        }
    }

    #[test]
    fn an_entry_reads_back_as_written() {
        let e = entry("+12065550100");
        assert_eq!(decode(encode(&e).trim_end()), Some(e));
    }

    #[test]
    fn a_remote_with_tabs_and_newlines_stays_on_one_line() {
        let line = encode(&entry("a\tb\nc"));
        assert_eq!(line.matches('\n').count(), 1);
        assert_eq!(decode(line.trim_end()).unwrap().remote, "a b c");
    }

    #[test]
    fn unreadable_lines_are_skipped_and_the_rest_kept_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let good = encode(&entry("first")) + "garbage\n" + &encode(&entry("second"));
        std::fs::write(dir.path().join(HISTORY_FILE), good).unwrap();
        let h = History::open(Some(dir.path()));
        let remotes: Vec<_> = h.entries().iter().map(|e| e.remote.as_str()).collect();
        assert_eq!(remotes, ["second", "first"]);
    }
}
