//! The main window comes back where the agent left it: size and place are saved in the
//! data folder (`window.txt`) whenever they change, and restored at start. A place that
//! is on no monitor any more (a docking station unplugged) is dropped, so the window
//! never opens out of sight; the size alone is kept.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tauri::{PhysicalPosition, PhysicalSize, WebviewWindow, WindowEvent};

const FILE: &str = "window.txt";
/// Matches `minWidth`/`minHeight` in tauri.conf.json.
const MIN: (u32, u32) = (360, 560);
/// A drag fires many events: only the place the window settles in is written.
const SETTLE: Duration = Duration::from_millis(400);

/// Size and place, in physical pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    pub width: u32,
    pub height: u32,
    pub x: i32,
    pub y: i32,
}

impl Place {
    fn parse(text: &str) -> Option<Place> {
        let mut n = text.split_whitespace();
        let place = Place {
            width: n.next()?.parse().ok()?,
            height: n.next()?.parse().ok()?,
            x: n.next()?.parse().ok()?,
            y: n.next()?.parse().ok()?,
        };
        (place.width >= MIN.0
            && place.height >= MIN.1
            && place.width <= 16_384
            && place.height <= 16_384)
            .then_some(place)
    }

    fn text(self) -> String {
        format!("{} {} {} {}\n", self.width, self.height, self.x, self.y)
    }

    /// Whether the window's top-left corner area is on one of `monitors` (x, y, w, h).
    fn visible_on(self, monitors: &[(i32, i32, u32, u32)]) -> bool {
        // At least a grab-able strip of the title bar must be on screen.
        let (grab_x, grab_y) = (self.x.saturating_add(40), self.y.saturating_add(10));
        monitors.iter().any(|&(mx, my, mw, mh)| {
            grab_x >= mx
                && grab_y >= my
                && i64::from(grab_x) < i64::from(mx) + i64::from(mw)
                && i64::from(grab_y) < i64::from(my) + i64::from(mh)
        })
    }
}

fn path(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

/// Restores the saved place (if any), then saves every settled change.
pub fn keep(window: &WebviewWindow, dir: &Path) {
    if let Some(place) = std::fs::read_to_string(path(dir))
        .ok()
        .as_deref()
        .and_then(Place::parse)
    {
        let _ = window.set_size(PhysicalSize::new(place.width, place.height));
        let monitors: Vec<_> = window
            .available_monitors()
            .unwrap_or_default()
            .iter()
            .map(|m| {
                (
                    m.position().x,
                    m.position().y,
                    m.size().width,
                    m.size().height,
                )
            })
            .collect();
        if place.visible_on(&monitors) {
            let _ = window.set_position(PhysicalPosition::new(place.x, place.y));
        } else {
            tracing::info!("the saved window place is on no monitor; keeping only its size");
        }
    }
    let generation = Arc::new(AtomicU64::new(0));
    let file = path(dir);
    let w = window.clone();
    window.on_window_event(move |event| {
        if !matches!(event, WindowEvent::Resized(_) | WindowEvent::Moved(_)) {
            return;
        }
        let mine = generation.fetch_add(1, Ordering::SeqCst) + 1;
        let (generation, file, w) = (generation.clone(), file.clone(), w.clone());
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(SETTLE).await;
            if generation.load(Ordering::SeqCst) != mine {
                return; // a newer change will write
            }
            let (Ok(size), Ok(pos)) = (w.inner_size(), w.outer_position()) else {
                return;
            };
            let place = Place {
                width: size.width,
                height: size.height,
                x: pos.x,
                y: pos.y,
            };
            if let Err(e) = std::fs::write(&file, place.text()) {
                tracing::warn!(error = %e, "the window place could not be saved");
            }
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_place_reads_back() {
        let p = Place {
            width: 500,
            height: 800,
            x: -1200,
            y: 40,
        };
        assert_eq!(Place::parse(&p.text()), Some(p));
    }

    #[test]
    fn a_damaged_or_tiny_place_is_ignored() {
        for text in [
            "",
            "500 800 10",
            "wide tall 1 2",
            "100 100 0 0",
            "500 99999 0 0",
        ] {
            assert_eq!(Place::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn a_place_on_an_unplugged_monitor_is_not_visible() {
        let laptop = [(0, 0, 1920, 1080)];
        let with_external = [(0, 0, 1920, 1080), (-2560, 0, 2560, 1440)];
        let left_screen = Place {
            width: 420,
            height: 720,
            x: -2000,
            y: 100,
        };
        assert!(left_screen.visible_on(&with_external));
        assert!(!left_screen.visible_on(&laptop));
        let home = Place {
            width: 420,
            height: 720,
            x: 100,
            y: 100,
        };
        assert!(home.visible_on(&laptop));
    }
}
