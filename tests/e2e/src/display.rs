//! A private X display per test, so tests neither need nor disturb a desktop session.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

/// An Xvfb server, stopped on drop.
#[derive(Debug)]
pub struct Display {
    child: Child,
    pub name: String,
}

impl Display {
    pub fn start() -> anyhow::Result<Display> {
        // Pick a display number nobody holds; the lock file is what X servers check.
        let base = 100 + (std::process::id() % 500);
        for n in base..base + 200 {
            if Path::new(&format!("/tmp/.X{n}-lock")).exists() {
                continue;
            }
            let name = format!(":{n}");
            let child = Command::new("Xvfb")
                .args([&name, "-screen", "0", "1280x1024x24", "-nolisten", "tcp"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .context("cannot start Xvfb (package xvfb; `cargo xtask test` installs it)")?;
            let mut display = Display { child, name };
            if display.wait_ready(n)? {
                return Ok(display);
            }
        }
        bail!("no free X display number for Xvfb")
    }

    /// True once the server's socket exists; false if this server lost a race for `n`.
    fn wait_ready(&mut self, n: u32) -> anyhow::Result<bool> {
        let socket = format!("/tmp/.X11-unix/X{n}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                if status.success() {
                    bail!("Xvfb exited at once");
                }
                return Ok(false);
            }
            if Path::new(&socket).exists() {
                return Ok(true);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        bail!("Xvfb did not open {socket} within 20 s")
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
