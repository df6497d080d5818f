//! The replay list of RFC 3711 3.3.2 as a sliding window over packet indices.

/// How far behind the highest index a packet may arrive and still be accepted. 128
/// packets is 2.5 s of 20 ms audio, far beyond any jitter buffer's reach.
pub(super) const WINDOW: u64 = 128;

#[derive(Debug, Clone, Default)]
pub(super) struct ReplayWindow {
    highest: Option<u64>,
    /// Bit i set: index `highest - i` was accepted.
    seen: u128,
}

impl ReplayWindow {
    pub(super) fn highest(&self) -> Option<u64> {
        self.highest
    }

    /// True when `index` was never accepted and is not too old to tell.
    pub(super) fn is_fresh(&self, index: u64) -> bool {
        match self.highest {
            None => true,
            Some(h) if index > h => true,
            Some(h) => {
                let behind = h - index;
                behind < WINDOW && self.seen & (1u128 << behind) == 0
            }
        }
    }

    /// Records an authenticated packet.
    pub(super) fn accept(&mut self, index: u64) {
        match self.highest {
            None => {
                self.highest = Some(index);
                self.seen = 1;
            }
            Some(h) if index > h => {
                let shift = index - h;
                self.seen = if shift >= WINDOW {
                    0
                } else {
                    self.seen << shift
                };
                self.seen |= 1;
                self.highest = Some(index);
            }
            Some(h) => {
                let behind = h - index;
                if behind < WINDOW {
                    self.seen |= 1u128 << behind;
                }
            }
        }
    }
}
