//! Writing SDP text: CRLF line ends, fields in the order RFC 4566 prescribes, and per
//! media line the rtpmap and fmtp of each format in the order the formats are listed.

use std::fmt::{self, Display, Formatter};

use super::{Attribute, Connection, MediaDescription, SessionDescription};

impl Display for Connection {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "IN {} {}", self.address_type, self.address)
    }
}

impl Display for Attribute {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(v) => write!(f, "a={}:{}\r\n", self.name, v),
            None => write!(f, "a={}\r\n", self.name),
        }
    }
}

impl Display for SessionDescription {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let o = &self.origin;
        f.write_str("v=0\r\n")?;
        write!(
            f,
            "o={} {} {} IN {} {}\r\n",
            o.username, o.session_id, o.session_version, o.address_type, o.address
        )?;
        // s= must not be empty (RFC 4566 5.3); "-" is the customary placeholder.
        let name = if self.session_name.is_empty() {
            "-"
        } else {
            &self.session_name
        };
        write!(f, "s={name}\r\n")?;
        if let Some(c) = &self.connection {
            write!(f, "c={c}\r\n")?;
        }
        write!(f, "t={} {}\r\n", self.timing.0, self.timing.1)?;
        if let Some(d) = self.direction {
            write!(f, "a={}\r\n", d.as_str())?;
        }
        for a in &self.attributes {
            write!(f, "{a}")?;
        }
        for m in &self.media {
            write!(f, "{m}")?;
        }
        Ok(())
    }
}

impl Display for MediaDescription {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "m={} {} {} {}\r\n",
            self.media,
            self.port,
            self.protocol.as_str(),
            self.formats.join(" ")
        )?;
        if let Some(c) = &self.connection {
            write!(f, "c={c}\r\n")?;
        }
        for format in &self.formats {
            let Ok(pt) = format.parse::<u8>() else {
                continue;
            };
            for map in self.rtpmaps.iter().filter(|m| m.payload_type == pt) {
                write!(f, "a=rtpmap:{} {}/{}", pt, map.encoding, map.clock_rate)?;
                if let Some(ch) = map.channels {
                    write!(f, "/{ch}")?;
                }
                f.write_str("\r\n")?;
            }
            for fmtp in self.fmtps.iter().filter(|x| x.payload_type == pt) {
                write!(f, "a=fmtp:{} {}\r\n", pt, fmtp.params)?;
            }
        }
        if let Some(p) = self.ptime {
            write!(f, "a=ptime:{p}\r\n")?;
        }
        for c in &self.crypto {
            write!(f, "a=crypto:{} {} {}", c.tag, c.suite, c.key_params)?;
            for p in &c.session_params {
                write!(f, " {p}")?;
            }
            f.write_str("\r\n")?;
        }
        if let Some(d) = self.direction {
            write!(f, "a={}\r\n", d.as_str())?;
        }
        for a in &self.attributes {
            write!(f, "{a}")?;
        }
        Ok(())
    }
}
