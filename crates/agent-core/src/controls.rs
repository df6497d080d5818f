//! Which call controls the UI may show (E8). The UI renders this value and nothing
//! else, so a control the core did not allow cannot appear, and the core refuses the
//! matching action anyway (see `Input::CallControl`).

use std::fmt;

/// One control of the call panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Control {
    AudioDevices,
    EndCall,
    Mute,
    Hold,
    Resume,
    Transfer,
    Consult,
    Conference,
    Park,
    Dialpad,
    Notes,
    WrapUp,
    Record,
}

impl Control {
    pub const ALL: [Control; 13] = [
        Control::AudioDevices,
        Control::EndCall,
        Control::Mute,
        Control::Hold,
        Control::Resume,
        Control::Transfer,
        Control::Consult,
        Control::Conference,
        Control::Park,
        Control::Dialpad,
        Control::Notes,
        Control::WrapUp,
        Control::Record,
    ];

    const fn bit(self) -> u16 {
        1 << self as u16
    }
}

/// A set of controls: a small bit set, cheap to copy and compare.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Controls(u16);

impl Controls {
    pub const NONE: Controls = Controls(0);

    /// E8: during an emergency conversation, only the audio device settings and End
    /// call. Everything that could hold, move, record or annotate the call is absent.
    pub const EMERGENCY: Controls = Controls(Control::AudioDevices.bit() | Control::EndCall.bit());

    /// An ordinary connected call, before the recording policy is applied.
    pub(crate) const NORMAL_ACTIVE: Controls = Controls(
        Control::AudioDevices.bit()
            | Control::EndCall.bit()
            | Control::Mute.bit()
            | Control::Hold.bit()
            | Control::Transfer.bit()
            | Control::Consult.bit()
            | Control::Conference.bit()
            | Control::Park.bit()
            | Control::Dialpad.bit()
            | Control::Notes.bit()
            | Control::WrapUp.bit(),
    );

    /// An ordinary call on hold.
    pub(crate) const NORMAL_HELD: Controls = Controls(
        Control::AudioDevices.bit()
            | Control::EndCall.bit()
            | Control::Resume.bit()
            | Control::Transfer.bit()
            | Control::Notes.bit()
            | Control::WrapUp.bit(),
    );

    /// An ordinary call still ringing at the far end.
    pub(crate) const NORMAL_DIALLING: Controls =
        Controls(Control::AudioDevices.bit() | Control::EndCall.bit() | Control::Notes.bit());

    pub const fn contains(self, c: Control) -> bool {
        self.0 & c.bit() != 0
    }

    pub const fn with(self, c: Control) -> Controls {
        Controls(self.0 | c.bit())
    }

    pub const fn without(self, c: Control) -> Controls {
        Controls(self.0 & !c.bit())
    }

    pub fn iter(self) -> impl Iterator<Item = Control> {
        Control::ALL.into_iter().filter(move |c| self.contains(*c))
    }
}

impl fmt::Debug for Controls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emergency_set_is_exactly_audio_devices_and_end_call() {
        let shown: Vec<Control> = Controls::EMERGENCY.iter().collect();
        assert_eq!(shown, vec![Control::AudioDevices, Control::EndCall]);
    }

    #[test]
    fn with_and_without_are_inverse() {
        let c = Controls::NONE.with(Control::Record);
        assert!(c.contains(Control::Record));
        assert_eq!(c.without(Control::Record), Controls::NONE);
        assert_eq!(format!("{c:?}"), "{Record}");
    }
}
