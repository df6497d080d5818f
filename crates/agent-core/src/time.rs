//! Time as a value. The core is told the time; it never asks for it.

/// Wall-clock milliseconds since the Unix epoch, as given by the caller.
///
/// Wall-clock rather than monotonic because some deadlines (the emergency callback
/// window) must survive a restart of the app, where a monotonic instant means nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Millis(pub u64);

impl Millis {
    pub const fn from_secs(secs: u64) -> Self {
        Millis(secs * 1000)
    }

    pub const fn from_mins(mins: u64) -> Self {
        Millis(mins * 60_000)
    }

    /// `self + d`, saturating instead of overflowing.
    pub const fn plus(self, d: Millis) -> Millis {
        Millis(self.0.saturating_add(d.0))
    }

    /// How long from `earlier` to `self`; zero when `earlier` is later.
    pub const fn since(self, earlier: Millis) -> Millis {
        Millis(self.0.saturating_sub(earlier.0))
    }
}
