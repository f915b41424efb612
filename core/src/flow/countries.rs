//! ICAO 9303 issuing-state and organisation codes, as printed in an MRZ.
//!
//! Sources:
//! - ISO 3166-1 alpha-3 (ISO 3166 Maintenance Agency), which ICAO 9303-3 (8th ed., 2021) §5
//!   adopts for states, with the MRZ exception that Germany is `D` (printed `D<<`), never `DEU`.
//! - ICAO 9303-3 §5 additional codes: `GBD GBN GBO GBP GBS` (British nationality classes),
//!   `UNO UNA UNK` (United Nations), `EUE` (European Union, added 2016 with `XBA` and `XEC`),
//!   `XXA XXB XXC XXX` (stateless, refugees, unspecified), the organisations `XBA XIM XCC XCE
//!   XCO XDC XEC XES XMP XOM XPO`, and `UTO` (Utopia, specimens only).
//! - Not ICAO-endorsed but printed in real documents: `RKS` (Kosovo).
//! - Historical codes still found in libraries: `ANT` (Netherlands Antilles), `NTZ`.
//!
//! Cross-checked against `Arg0s1080/mrz` `mrz/base/countries.py` @ 08e2653 (which also lists
//! codes ICAO does not define, `WSA` and `INP`; they are left out here) and
//! `../shared/notes/mitid-flow.md` §8. `XCE`, `XDC`, `XES` and `XMP` are from 9303-3 §5's list of
//! organisations, not re-read against the PDF in this change.

/// What a code stands for; decides whether it is accepted as an issuing state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    /// An ISO 3166-1 state or territory (Germany as `D`).
    State,
    /// A code ICAO defines besides ISO 3166 (British classes, UN, EU, organisations, XX*).
    Icao,
    /// Used in real documents without ICAO endorsement (`RKS`).
    Unendorsed,
    /// No longer assigned but still seen (`ANT`, `NTZ`).
    Historical,
    /// The ICAO specimen state `UTO`: test documents only.
    Specimen,
}

#[rustfmt::skip]
/// Every accepted code, as written without fillers (`D`, not `D<<`), sorted for binary search.
const CODES: &[(&str, CodeKind)] = {
    use CodeKind::{Historical as H, Icao as I, Specimen as T, State as S, Unendorsed as U};
    &[
        ("ABW", S), ("AFG", S), ("AGO", S), ("AIA", S), ("ALA", S), ("ALB", S), ("AND", S),
        ("ANT", H), ("ARE", S), ("ARG", S), ("ARM", S), ("ASM", S), ("ATA", S), ("ATF", S),
        ("ATG", S), ("AUS", S), ("AUT", S), ("AZE", S), ("BDI", S), ("BEL", S), ("BEN", S),
        ("BES", S), ("BFA", S), ("BGD", S), ("BGR", S), ("BHR", S), ("BHS", S), ("BIH", S),
        ("BLM", S), ("BLR", S), ("BLZ", S), ("BMU", S), ("BOL", S), ("BRA", S), ("BRB", S),
        ("BRN", S), ("BTN", S), ("BVT", S), ("BWA", S), ("CAF", S), ("CAN", S), ("CCK", S),
        ("CHE", S), ("CHL", S), ("CHN", S), ("CIV", S), ("CMR", S), ("COD", S), ("COG", S),
        ("COK", S), ("COL", S), ("COM", S), ("CPV", S), ("CRI", S), ("CUB", S), ("CUW", S),
        ("CXR", S), ("CYM", S), ("CYP", S), ("CZE", S), ("D", S), ("DJI", S), ("DMA", S),
        ("DNK", S), ("DOM", S), ("DZA", S), ("ECU", S), ("EGY", S), ("ERI", S), ("ESH", S),
        ("ESP", S), ("EST", S), ("ETH", S), ("EUE", I), ("FIN", S), ("FJI", S), ("FLK", S),
        ("FRA", S), ("FRO", S), ("FSM", S), ("GAB", S), ("GBD", I), ("GBN", I), ("GBO", I),
        ("GBP", I), ("GBR", S), ("GBS", I), ("GEO", S), ("GGY", S), ("GHA", S), ("GIB", S),
        ("GIN", S), ("GLP", S), ("GMB", S), ("GNB", S), ("GNQ", S), ("GRC", S), ("GRD", S),
        ("GRL", S), ("GTM", S), ("GUF", S), ("GUM", S), ("GUY", S), ("HKG", S), ("HMD", S),
        ("HND", S), ("HRV", S), ("HTI", S), ("HUN", S), ("IDN", S), ("IMN", S), ("IND", S),
        ("IOT", S), ("IRL", S), ("IRN", S), ("IRQ", S), ("ISL", S), ("ISR", S), ("ITA", S),
        ("JAM", S), ("JEY", S), ("JOR", S), ("JPN", S), ("KAZ", S), ("KEN", S), ("KGZ", S),
        ("KHM", S), ("KIR", S), ("KNA", S), ("KOR", S), ("KWT", S), ("LAO", S), ("LBN", S),
        ("LBR", S), ("LBY", S), ("LCA", S), ("LIE", S), ("LKA", S), ("LSO", S), ("LTU", S),
        ("LUX", S), ("LVA", S), ("MAC", S), ("MAF", S), ("MAR", S), ("MCO", S), ("MDA", S),
        ("MDG", S), ("MDV", S), ("MEX", S), ("MHL", S), ("MKD", S), ("MLI", S), ("MLT", S),
        ("MMR", S), ("MNE", S), ("MNG", S), ("MNP", S), ("MOZ", S), ("MRT", S), ("MSR", S),
        ("MTQ", S), ("MUS", S), ("MWI", S), ("MYS", S), ("MYT", S), ("NAM", S), ("NCL", S),
        ("NER", S), ("NFK", S), ("NGA", S), ("NIC", S), ("NIU", S), ("NLD", S), ("NOR", S),
        ("NPL", S), ("NRU", S), ("NTZ", H), ("NZL", S), ("OMN", S), ("PAK", S), ("PAN", S),
        ("PCN", S), ("PER", S), ("PHL", S), ("PLW", S), ("PNG", S), ("POL", S), ("PRI", S),
        ("PRK", S), ("PRT", S), ("PRY", S), ("PSE", S), ("PYF", S), ("QAT", S), ("REU", S),
        ("RKS", U), ("ROU", S), ("RUS", S), ("RWA", S), ("SAU", S), ("SDN", S), ("SEN", S),
        ("SGP", S), ("SGS", S), ("SHN", S), ("SJM", S), ("SLB", S), ("SLE", S), ("SLV", S),
        ("SMR", S), ("SOM", S), ("SPM", S), ("SRB", S), ("SSD", S), ("STP", S), ("SUR", S),
        ("SVK", S), ("SVN", S), ("SWE", S), ("SWZ", S), ("SXM", S), ("SYC", S), ("SYR", S),
        ("TCA", S), ("TCD", S), ("TGO", S), ("THA", S), ("TJK", S), ("TKL", S), ("TKM", S),
        ("TLS", S), ("TON", S), ("TTO", S), ("TUN", S), ("TUR", S), ("TUV", S), ("TWN", S),
        ("TZA", S), ("UGA", S), ("UKR", S), ("UMI", S), ("UNA", I), ("UNK", I), ("UNO", I),
        ("URY", S), ("USA", S), ("UTO", T), ("UZB", S), ("VAT", S), ("VCT", S), ("VEN", S),
        ("VGB", S), ("VIR", S), ("VNM", S), ("VUT", S), ("WLF", S), ("WSM", S), ("XBA", I),
        ("XCC", I), ("XCE", I), ("XCO", I), ("XDC", I), ("XEC", I), ("XES", I), ("XIM", I),
        ("XMP", I), ("XOM", I), ("XPO", I), ("XXA", I), ("XXB", I), ("XXC", I), ("XXX", I),
        ("YEM", S), ("ZAF", S), ("ZMB", S), ("ZWE", S),
    ]
};

/// Looks a code up, written with or without fillers (`D`, `D<<`, `DNK`).
pub fn lookup(code: &str) -> Option<CodeKind> {
    let code = code.trim_end_matches('<');
    CODES
        .binary_search_by(|(c, _)| (*c).cmp(code))
        .ok()
        .and_then(|i| CODES.get(i))
        .map(|(_, kind)| *kind)
}

/// Every code in the table (without fillers), in sorted order.
pub fn all() -> impl Iterator<Item = (&'static str, CodeKind)> {
    CODES.iter().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        assert!(CODES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(CODES.iter().all(|(c, _)| c.len() == 3 || *c == "D"));
        // 249 ISO 3166-1 codes less DEU (Germany is D), plus D, plus XK's RKS etc.
        let states = CODES.iter().filter(|(_, k)| *k == CodeKind::State).count();
        assert_eq!(states, 249);
    }

    #[test]
    fn germany_is_d_never_deu() {
        assert_eq!(lookup("D"), Some(CodeKind::State));
        assert_eq!(lookup("D<<"), Some(CodeKind::State));
        assert_eq!(lookup("DEU"), None);
    }
}
