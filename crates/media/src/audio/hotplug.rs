//! Hot-plug, sans-IO: the backend polls its device list and [`diff`] says what
//! changed since the last poll, so the engine can follow a headset being plugged in
//! or pulled out.

use super::{DeviceInfo, DeviceKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceChange {
    Added(DeviceInfo),
    Removed(DeviceInfo),
    /// The system default of this kind is now this device (`None`: there is none).
    DefaultChanged {
        kind: DeviceKind,
        id: Option<String>,
    },
}

fn default_of(list: &[DeviceInfo], kind: DeviceKind) -> Option<&str> {
    list.iter()
        .find(|d| d.kind == kind && d.is_default)
        .map(|d| d.id.as_str())
}

/// Changes from `before` to `after`, devices matched by id and kind: removals first
/// (so a device that left is let go before another is taken), then additions, then
/// default changes.
pub fn diff(before: &[DeviceInfo], after: &[DeviceInfo]) -> Vec<DeviceChange> {
    let same = |a: &DeviceInfo, b: &DeviceInfo| a.id == b.id && a.kind == b.kind;
    let mut changes: Vec<DeviceChange> = before
        .iter()
        .filter(|d| !after.iter().any(|n| same(n, d)))
        .cloned()
        .map(DeviceChange::Removed)
        .collect();
    changes.extend(
        after
            .iter()
            .filter(|d| !before.iter().any(|o| same(o, d)))
            .cloned()
            .map(DeviceChange::Added),
    );
    for kind in [DeviceKind::Input, DeviceKind::Output] {
        let (old, new) = (default_of(before, kind), default_of(after, kind));
        if old != new {
            changes.push(DeviceChange::DefaultChanged {
                kind,
                id: new.map(str::to_owned),
            });
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev(id: &str, kind: DeviceKind, is_default: bool) -> DeviceInfo {
        DeviceInfo {
            id: id.into(),
            name: format!("Device {id}"),
            kind,
            is_default,
        }
    }

    #[test]
    fn plugging_a_headset_in_adds_it_and_moves_the_default() {
        let before = vec![
            dev("laptop-mic", DeviceKind::Input, true),
            dev("laptop-spk", DeviceKind::Output, true),
        ];
        let after = vec![
            dev("laptop-mic", DeviceKind::Input, false),
            dev("laptop-spk", DeviceKind::Output, true),
            dev("usb-headset", DeviceKind::Input, true),
        ];
        assert_eq!(
            diff(&before, &after),
            vec![
                DeviceChange::Added(dev("usb-headset", DeviceKind::Input, true)),
                DeviceChange::DefaultChanged {
                    kind: DeviceKind::Input,
                    id: Some("usb-headset".into())
                },
            ]
        );
    }

    #[test]
    fn pulling_the_last_device_out_removes_it_and_leaves_no_default() {
        let before = vec![dev("usb-headset", DeviceKind::Output, true)];
        assert_eq!(
            diff(&before, &[]),
            vec![
                DeviceChange::Removed(dev("usb-headset", DeviceKind::Output, true)),
                DeviceChange::DefaultChanged {
                    kind: DeviceKind::Output,
                    id: None
                },
            ]
        );
    }

    #[test]
    fn same_id_as_input_and_output_are_different_devices_and_no_change_is_empty() {
        let list = vec![
            dev("hw:1", DeviceKind::Input, false),
            dev("hw:1", DeviceKind::Output, false),
        ];
        assert!(diff(&list, &list).is_empty());
        assert_eq!(
            diff(&list[..1], &list),
            vec![DeviceChange::Added(dev("hw:1", DeviceKind::Output, false))]
        );
    }
}
