//! The machine's own view of its network: the local address of the default route,
//! which identifies the network (for change detection) and, when it is a public
//! address, gives a country offline.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};

/// TEST-NET-1 (RFC 5737): connecting a UDP socket there picks the default route's
/// source address without sending a packet.
const PROBE: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)), 9);

/// The local address the default route would use; `None` without a route.
pub fn route_address() -> Option<IpAddr> {
    let socket = UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect(PROBE).ok()?;
    socket.local_addr().ok().map(|a| a.ip())
}

/// The registries' country of `address`: `None` for private, loopback and unknown
/// blocks. The registries record where a block was assigned, not where it is used, so
/// this is only the fallback when the service cannot answer.
pub fn offline_country(address: IpAddr) -> Option<String> {
    iptocc::country_code(address).map(str::to_owned)
}

/// Which network the machine is on, as far as it can tell without asking anyone.
/// A change means the agent may have moved: the country and the dispatchable address
/// are asked again (RAY BAUM's Act, E9).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NetworkId(Option<IpAddr>);

impl NetworkId {
    pub fn current() -> NetworkId {
        NetworkId(route_address())
    }

    pub fn of(address: Option<IpAddr>) -> NetworkId {
        NetworkId(address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_addresses_map_to_their_registry_country() {
        assert_eq!(
            offline_country("8.8.8.8".parse().unwrap()).as_deref(),
            Some("US")
        );
        assert_eq!(
            offline_country("2001:4860:4860::8888".parse().unwrap()).as_deref(),
            Some("US")
        );
    }

    #[test]
    fn private_and_loopback_addresses_have_no_country() {
        for a in ["10.1.2.3", "192.168.1.10", "127.0.0.1", "::1", "172.16.0.5"] {
            assert_eq!(offline_country(a.parse().unwrap()), None, "{a}");
        }
    }

    #[test]
    fn a_new_route_address_is_a_new_network() {
        let home = NetworkId::of(Some("192.168.1.10".parse().unwrap()));
        let office = NetworkId::of(Some("10.0.0.7".parse().unwrap()));
        assert_ne!(home, office);
        assert_eq!(home, NetworkId::of(Some("192.168.1.10".parse().unwrap())));
        assert_ne!(home, NetworkId::of(None));
    }
}
