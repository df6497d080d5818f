//! PIDF-LO (RFC 4119) with a civic address (RFC 5139), profiled by RFC 5491: one
//! `dm:device` holding one `gp:geopriv` with the location, a `gp:method` and a
//! `dm:timestamp`.
//!
//! Written by hand with careful escaping: the document is small and fixed in shape,
//! and every value in it comes from an agent or an administrator, so every value is
//! escaped, attribute or text alike.

use std::fmt::{self, Write};

/// The civic address elements of RFC 5139, in the order of its schema's sequence
/// (`Ord` follows that order, so writing in sorted order gives a valid document).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CivicField {
    /// State, province (ISO 3166-2 subdivision).
    A1,
    /// County, parish.
    A2,
    /// City, township.
    A3,
    /// City division, borough.
    A4,
    /// Neighbourhood, block.
    A5,
    /// Street (deprecated by RFC 5139 in favour of RD, kept for old receivers).
    A6,
    /// Leading street direction.
    Prd,
    /// Trailing street suffix.
    Pod,
    /// Street suffix (St, Ave).
    Sts,
    /// House number.
    Hno,
    /// House number suffix.
    Hns,
    /// Landmark or vanity address.
    Lmk,
    /// Additional location information (free text).
    Loc,
    /// Floor.
    Flr,
    /// Name (occupant or business).
    Nam,
    /// Postal code.
    Pc,
    /// Building.
    Bld,
    /// Unit (apartment, suite).
    Unit,
    /// Room.
    Room,
    /// Seat, desk, cubicle.
    Seat,
    /// Place type.
    Plc,
    /// Postal community name.
    Pcn,
    /// Post office box.
    Pobox,
    /// Additional code.
    Addcode,
    /// Road name.
    Rd,
    /// Road section.
    Rdsec,
    /// Road branch.
    Rdbr,
    /// Road sub-branch.
    Rdsubbr,
    /// Road pre-modifier.
    Prm,
    /// Road post-modifier.
    Pom,
}

impl CivicField {
    /// The element name in the `civicAddr` namespace.
    pub fn element(self) -> &'static str {
        use CivicField::*;
        match self {
            A1 => "A1",
            A2 => "A2",
            A3 => "A3",
            A4 => "A4",
            A5 => "A5",
            A6 => "A6",
            Prd => "PRD",
            Pod => "POD",
            Sts => "STS",
            Hno => "HNO",
            Hns => "HNS",
            Lmk => "LMK",
            Loc => "LOC",
            Flr => "FLR",
            Nam => "NAM",
            Pc => "PC",
            Bld => "BLD",
            Unit => "UNIT",
            Room => "ROOM",
            Seat => "SEAT",
            Plc => "PLC",
            Pcn => "PCN",
            Pobox => "POBOX",
            Addcode => "ADDCODE",
            Rd => "RD",
            Rdsec => "RDSEC",
            Rdbr => "RDBR",
            Rdsubbr => "RDSUBBR",
            Prm => "PRM",
            Pom => "POM",
        }
    }
}

/// A civic address: the ISO 3166 country code and the other fields that are known.
/// Its `Debug` hides the values: addresses never go to ordinary logs (E7).
#[derive(Clone, PartialEq, Eq)]
pub struct CivicAddress {
    pub country: String,
    pub fields: Vec<(CivicField, String)>,
    /// `xml:lang` of the address text.
    pub lang: String,
}

impl CivicAddress {
    pub fn new(country: &str) -> Self {
        CivicAddress {
            country: country.to_owned(),
            fields: Vec::new(),
            lang: "en".to_owned(),
        }
    }

    /// Adds a field; builder style.
    pub fn with(mut self, field: CivicField, value: &str) -> Self {
        self.fields.push((field, value.to_owned()));
        self
    }
}

impl fmt::Debug for CivicAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CivicAddress")
            .field("country", &self.country)
            .field("fields", &self.fields.len())
            .finish_non_exhaustive()
    }
}

/// Everything that goes into one PIDF-LO document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PidfLo {
    /// The presentity, `pres:user@domain` (RFC 4119 section 4).
    pub entity: String,
    /// `dm:device` id; any token unique in the document.
    pub device_id: String,
    pub address: CivicAddress,
    /// How the location was determined (RFC 4119 `gp:method`), e.g. `Manual`.
    pub method: String,
    /// RFC 3339 time the location was last confirmed. The caller gives it: this crate
    /// reads no clock, so the bytes are reproducible in tests.
    pub timestamp: String,
}

impl PidfLo {
    /// The document, UTF-8.
    pub fn to_xml(&self) -> String {
        let mut fields = self.address.fields.clone();
        // Stable sort keeps two values of one field (e.g. two LOC lines) in given order.
        fields.sort_by_key(|(field, _)| *field);
        let mut x = String::new();
        x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.push_str("<presence xmlns=\"urn:ietf:params:xml:ns:pidf\"\n");
        x.push_str(" xmlns:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\"\n");
        x.push_str(" xmlns:ca=\"urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr\"\n");
        x.push_str(" xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\"\n");
        let _ = writeln!(x, " entity=\"{}\">", escape(&self.entity));
        let _ = writeln!(x, "<dm:device id=\"{}\">", escape(&self.device_id));
        x.push_str("<gp:geopriv>\n<gp:location-info>\n");
        let _ = writeln!(
            x,
            "<ca:civicAddress xml:lang=\"{}\">",
            escape(&self.address.lang)
        );
        let _ = writeln!(
            x,
            "<ca:country>{}</ca:country>",
            escape(&self.address.country)
        );
        for (field, value) in &fields {
            let name = field.element();
            let _ = writeln!(x, "<ca:{name}>{}</ca:{name}>", escape(value));
        }
        x.push_str("</ca:civicAddress>\n</gp:location-info>\n");
        // Empty usage rules: retransmission and retention are left to the emergency
        // network's defaults (RFC 4119 section 2.2.2); no external ruleset is referenced.
        x.push_str("<gp:usage-rules/>\n");
        let _ = writeln!(x, "<gp:method>{}</gp:method>", escape(&self.method));
        x.push_str("</gp:geopriv>\n");
        let _ = writeln!(
            x,
            "<dm:timestamp>{}</dm:timestamp>",
            escape(&self.timestamp)
        );
        x.push_str("</dm:device>\n</presence>\n");
        x
    }
}

/// Escapes text for both element content and double- or single-quoted attributes.
/// Control characters XML 1.0 cannot carry at all are dropped rather than sent as an
/// invalid document; tab, LF and CR are kept as character references so attribute
/// normalisation does not turn them into spaces.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> PidfLo {
        PidfLo {
            entity: "pres:+13125550100@example.com".into(),
            device_id: "softphone".into(),
            address: CivicAddress::new("US")
                .with(CivicField::Pc, "60601")
                .with(CivicField::A1, "IL")
                .with(CivicField::A3, "Chicago")
                .with(CivicField::Hno, "123")
                .with(CivicField::Rd, "Main")
                .with(CivicField::Sts, "St")
                .with(CivicField::Flr, "4"),
            method: "Manual".into(),
            timestamp: "2026-11-22T06:00:00Z".into(),
        }
    }

    #[test]
    fn document_bytes() {
        assert_eq!(
            sample().to_xml(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<presence xmlns=\"urn:ietf:params:xml:ns:pidf\"\n \
xmlns:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\"\n \
xmlns:ca=\"urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr\"\n \
xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\"\n \
entity=\"pres:+13125550100@example.com\">\n\
<dm:device id=\"softphone\">\n\
<gp:geopriv>\n<gp:location-info>\n\
<ca:civicAddress xml:lang=\"en\">\n\
<ca:country>US</ca:country>\n\
<ca:A1>IL</ca:A1>\n\
<ca:A3>Chicago</ca:A3>\n\
<ca:STS>St</ca:STS>\n\
<ca:HNO>123</ca:HNO>\n\
<ca:FLR>4</ca:FLR>\n\
<ca:PC>60601</ca:PC>\n\
<ca:RD>Main</ca:RD>\n\
</ca:civicAddress>\n</gp:location-info>\n\
<gp:usage-rules/>\n\
<gp:method>Manual</gp:method>\n\
</gp:geopriv>\n\
<dm:timestamp>2026-11-22T06:00:00Z</dm:timestamp>\n\
</dm:device>\n</presence>\n"
        );
    }

    #[test]
    fn every_value_is_escaped() {
        let mut p = sample();
        p.entity = "pres:a\"b@x".into();
        p.address = CivicAddress::new("US").with(CivicField::Nam, "Smith & Sons <Inc> 'x'\u{1}\n");
        let xml = p.to_xml();
        assert!(xml.contains("entity=\"pres:a&quot;b@x\""), "{xml}");
        assert!(
            xml.contains("<ca:NAM>Smith &amp; Sons &lt;Inc&gt; &apos;x&apos;&#10;</ca:NAM>"),
            "{xml}"
        );
        assert!(!xml.contains('\u{1}'));
    }

    #[test]
    fn debug_hides_the_address() {
        let shown = format!("{:?}", sample().address);
        assert!(
            !shown.contains("Chicago") && !shown.contains("Main"),
            "{shown}"
        );
    }
}
