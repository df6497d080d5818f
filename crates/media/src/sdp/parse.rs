//! Reading SDP text. Strict where a wrong reading would put audio in the wrong place
//! (origin, connection, media, rtpmap, fmtp, crypto); lenient where peers differ
//! harmlessly (LF or CRLF, a trailing blank line, a missing t=, unknown line types).

use super::{
    AddressType, Attribute, Connection, Crypto, Direction, Fmtp, MediaDescription, Origin,
    Protocol, RtpMap, SdpError, SdpFault, SessionDescription,
};

/// Parses a session description.
pub fn parse(text: &str) -> Result<SessionDescription, SdpError> {
    let mut origin = None;
    let mut session_name = None;
    let mut connection = None;
    let mut timing = None;
    let mut direction = None;
    let mut attributes = Vec::new();
    let mut media: Vec<MediaDescription> = Vec::new();

    let mut seen_version = false;
    for (index, raw) in text.split('\n').enumerate() {
        let line_no = index + 1;
        let fail = |fault| SdpError::Malformed {
            line: line_no,
            fault,
        };
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            continue;
        }
        let bytes = line.as_bytes();
        if bytes.len() < 2 || bytes[1] != b'=' || !bytes[0].is_ascii_lowercase() {
            return Err(fail(SdpFault::NotTypeValue));
        }
        let value = &line[2..];
        if !seen_version {
            if bytes[0] != b'v' || value != "0" {
                return Err(fail(SdpFault::Version));
            }
            seen_version = true;
            continue;
        }
        match bytes[0] {
            b'o' => origin = Some(parse_origin(value).ok_or(fail(SdpFault::Origin))?),
            b's' => session_name = Some(value.to_owned()),
            b'c' => {
                let c = parse_connection(value).ok_or(fail(SdpFault::Connection))?;
                match media.last_mut() {
                    Some(m) => m.connection = Some(c),
                    None => connection = Some(c),
                }
            }
            // Only the first t= matters for a call; repeat times (r=) are ignored.
            b't' if timing.is_none() => {
                timing = Some(parse_timing(value).ok_or(fail(SdpFault::Timing))?)
            }
            b'm' => media.push(parse_media(value).ok_or(fail(SdpFault::Media))?),
            b'a' => {
                let (name, val) = match value.split_once(':') {
                    Some((n, v)) => (n, Some(v)),
                    None => (value, None),
                };
                match media.last_mut() {
                    Some(m) => parse_media_attribute(m, name, val).map_err(fail)?,
                    None => match (Direction::from_attribute(name), val) {
                        (Some(d), None) => direction = Some(d),
                        _ => attributes.push(Attribute {
                            name: name.to_owned(),
                            value: val.map(str::to_owned),
                        }),
                    },
                }
            }
            // i=, u=, e=, p=, b=, z=, k=, r= and unknown types carry nothing a call
            // needs.
            _ => {}
        }
    }
    if !seen_version {
        return Err(SdpError::Missing('v'));
    }
    Ok(SessionDescription {
        origin: origin.ok_or(SdpError::Missing('o'))?,
        session_name: session_name.ok_or(SdpError::Missing('s'))?,
        connection,
        timing: timing.unwrap_or((0, 0)),
        direction,
        attributes,
        media,
    })
}

fn parse_address_type(s: &str) -> Option<AddressType> {
    match s {
        "IP4" => Some(AddressType::Ip4),
        "IP6" => Some(AddressType::Ip6),
        _ => None,
    }
}

fn parse_origin(v: &str) -> Option<Origin> {
    let f: Vec<&str> = v.split_whitespace().collect();
    let [username, session_id, version, "IN", addr_type, address] = f.as_slice() else {
        return None;
    };
    if !session_id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(Origin {
        username: (*username).to_owned(),
        session_id: (*session_id).to_owned(),
        session_version: version.parse().ok()?,
        address_type: parse_address_type(addr_type)?,
        address: (*address).to_owned(),
    })
}

fn parse_connection(v: &str) -> Option<Connection> {
    let f: Vec<&str> = v.split_whitespace().collect();
    let ["IN", addr_type, address] = f.as_slice() else {
        return None;
    };
    Some(Connection {
        address_type: parse_address_type(addr_type)?,
        address: (*address).to_owned(),
    })
}

fn parse_timing(v: &str) -> Option<(u64, u64)> {
    let (a, b) = v.split_once(' ')?;
    Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
}

fn parse_media(v: &str) -> Option<MediaDescription> {
    let mut f = v.split_whitespace();
    let media = f.next()?.to_owned();
    // `<port>/<number of ports>` is for layered multicast; we take the base port.
    let port = f.next()?.split('/').next()?.parse().ok()?;
    let protocol = Protocol::parse(f.next()?);
    let formats: Vec<String> = f.map(str::to_owned).collect();
    if formats.is_empty() {
        return None;
    }
    if matches!(protocol, Protocol::RtpAvp | Protocol::RtpSavp)
        && formats
            .iter()
            .any(|p| p.parse::<u8>().map_or(true, |pt| pt > 127))
    {
        return None;
    }
    Some(MediaDescription {
        media,
        port,
        protocol,
        formats,
        connection: None,
        rtpmaps: Vec::new(),
        fmtps: Vec::new(),
        direction: None,
        crypto: Vec::new(),
        ptime: None,
        attributes: Vec::new(),
    })
}

fn parse_media_attribute(
    m: &mut MediaDescription,
    name: &str,
    val: Option<&str>,
) -> Result<(), SdpFault> {
    match (name, val) {
        ("rtpmap", Some(v)) => m.rtpmaps.push(parse_rtpmap(v).ok_or(SdpFault::Rtpmap)?),
        ("fmtp", Some(v)) => {
            let (pt, params) = v.split_once(' ').ok_or(SdpFault::Fmtp)?;
            let payload_type = pt
                .parse::<u8>()
                .ok()
                .filter(|p| *p < 128)
                .ok_or(SdpFault::Fmtp)?;
            m.fmtps.push(Fmtp {
                payload_type,
                params: params.trim().to_owned(),
            });
        }
        ("crypto", Some(v)) => m.crypto.push(parse_crypto(v).ok_or(SdpFault::Crypto)?),
        ("ptime", Some(v)) => m.ptime = Some(v.trim().parse().map_err(|_| SdpFault::Ptime)?),
        (name, None) if Direction::from_attribute(name).is_some() => {
            m.direction = Direction::from_attribute(name)
        }
        (name, val) => m.attributes.push(Attribute {
            name: name.to_owned(),
            value: val.map(str::to_owned),
        }),
    }
    Ok(())
}

fn parse_rtpmap(v: &str) -> Option<RtpMap> {
    let (pt, rest) = v.split_once(' ')?;
    let payload_type = pt.parse::<u8>().ok().filter(|p| *p < 128)?;
    let mut parts = rest.trim().split('/');
    let encoding = parts.next().filter(|e| !e.is_empty())?.to_owned();
    let clock_rate = parts.next()?.parse().ok().filter(|r| *r > 0)?;
    let channels = match parts.next() {
        Some(c) => Some(c.parse().ok().filter(|c| *c > 0)?),
        None => None,
    };
    if parts.next().is_some() {
        return None;
    }
    Some(RtpMap {
        payload_type,
        encoding,
        clock_rate,
        channels,
    })
}

fn parse_crypto(v: &str) -> Option<Crypto> {
    let mut f = v.split_whitespace();
    let tag = f.next()?.parse().ok()?;
    let suite = f.next()?.to_owned();
    let key_params = f.next()?.to_owned();
    Some(Crypto {
        tag,
        suite,
        key_params,
        session_params: f.map(str::to_owned).collect(),
    })
}
