//! A private X display per test, so tests neither need nor disturb a desktop session.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

/// An Xvfb server, stopped on drop.
#[derive(Debug)]
pub struct Display {
    child: Child,
    number: u32,
    /// True once our server answered on the socket: only then are the lock file and
    /// socket of `number` ours to clear.
    owned: bool,
    pub name: String,
}

impl Display {
    pub fn start() -> anyhow::Result<Display> {
        // Pick a display number nobody holds. The lock file is what X servers check;
        // a socket left behind by a killed server would also make `wait_ready` think
        // a new server is up before it is, so such numbers are skipped too.
        // Spread the start: in a PID namespace every run has the same small pids.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let base = 100 + (std::process::id().wrapping_add(nanos) % 2000);
        for n in base..base + 500 {
            if Path::new(&format!("/tmp/.X{n}-lock")).exists()
                || Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
            {
                continue;
            }
            let name = format!(":{n}");
            let child = Command::new("Xvfb")
                .args([&name, "-screen", "0", "1280x1024x24", "-nolisten", "tcp"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .context("cannot start Xvfb (package xvfb; `cargo xtask test` installs it)")?;
            let mut display = Display {
                child,
                number: n,
                owned: false,
                name,
            };
            if display.wait_ready(n)? {
                display.owned = true;
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
        // SIGTERM lets Xvfb remove its lock file and socket; a SIGKILLed server leaves
        // them behind, and enough of those would use up the display numbers.
        if let Ok(pid) = i32::try_from(self.child.id()) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGTERM,
            );
        }
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !self.owned {
            return;
        }
        // Ours for certain now that our server is gone: clear what it may have left.
        let _ = std::fs::remove_file(format!("/tmp/.X{}-lock", self.number));
        let _ = std::fs::remove_file(format!("/tmp/.X11-unix/X{}", self.number));
    }
}
