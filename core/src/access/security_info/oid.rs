//! Object identifiers of the SecurityInfos (BSI TR-03110-3 §A.1, ICAO 9303-11 §9.2), dotted as
//! the rest of the code base keeps them (see [`crate::cms`]), and the classification of a
//! SecurityInfo's `protocol` into the kind of info it announces.

/// bsi-de `0.4.0.127.0.7`: the arc under which BSI TR-03110 registers its protocols.
pub const BSI_DE: &str = "0.4.0.127.0.7";

/// id-PK-DH: a Diffie-Hellman chip authentication public key (ChipAuthenticationPublicKeyInfo).
pub const ID_PK_DH: &str = "0.4.0.127.0.7.2.2.1.1";
/// id-PK-ECDH: an elliptic-curve chip authentication public key.
pub const ID_PK_ECDH: &str = "0.4.0.127.0.7.2.2.1.2";

/// id-TA: terminal authentication (TerminalAuthenticationInfo).
pub const ID_TA: &str = "0.4.0.127.0.7.2.2.2";

/// id-CA-DH: the arc of DH chip authentication; also the protocol of its
/// ChipAuthenticationDomainParameterInfo.
pub const ID_CA_DH: &str = "0.4.0.127.0.7.2.2.3.1";
/// id-CA-DH-3DES-CBC-CBC.
pub const ID_CA_DH_3DES_CBC_CBC: &str = "0.4.0.127.0.7.2.2.3.1.1";
/// id-CA-DH-AES-CBC-CMAC-128.
pub const ID_CA_DH_AES_CBC_CMAC_128: &str = "0.4.0.127.0.7.2.2.3.1.2";
/// id-CA-DH-AES-CBC-CMAC-192.
pub const ID_CA_DH_AES_CBC_CMAC_192: &str = "0.4.0.127.0.7.2.2.3.1.3";
/// id-CA-DH-AES-CBC-CMAC-256.
pub const ID_CA_DH_AES_CBC_CMAC_256: &str = "0.4.0.127.0.7.2.2.3.1.4";
/// id-CA-ECDH: the arc of ECDH chip authentication; also the protocol of its
/// ChipAuthenticationDomainParameterInfo.
pub const ID_CA_ECDH: &str = "0.4.0.127.0.7.2.2.3.2";
/// id-CA-ECDH-3DES-CBC-CBC.
pub const ID_CA_ECDH_3DES_CBC_CBC: &str = "0.4.0.127.0.7.2.2.3.2.1";
/// id-CA-ECDH-AES-CBC-CMAC-128.
pub const ID_CA_ECDH_AES_CBC_CMAC_128: &str = "0.4.0.127.0.7.2.2.3.2.2";
/// id-CA-ECDH-AES-CBC-CMAC-192.
pub const ID_CA_ECDH_AES_CBC_CMAC_192: &str = "0.4.0.127.0.7.2.2.3.2.3";
/// id-CA-ECDH-AES-CBC-CMAC-256.
pub const ID_CA_ECDH_AES_CBC_CMAC_256: &str = "0.4.0.127.0.7.2.2.3.2.4";

/// id-PACE: the arc of every PACE protocol (`…4.{1,2,3,4,6}.{1..4}`).
pub const ID_PACE: &str = "0.4.0.127.0.7.2.2.4";
/// id-PACE-DH-GM (also the protocol of its PACEDomainParameterInfo).
pub const ID_PACE_DH_GM: &str = "0.4.0.127.0.7.2.2.4.1";
/// id-PACE-ECDH-GM.
pub const ID_PACE_ECDH_GM: &str = "0.4.0.127.0.7.2.2.4.2";
/// id-PACE-DH-IM.
pub const ID_PACE_DH_IM: &str = "0.4.0.127.0.7.2.2.4.3";
/// id-PACE-ECDH-IM.
pub const ID_PACE_ECDH_IM: &str = "0.4.0.127.0.7.2.2.4.4";
/// id-PACE-ECDH-CAM.
pub const ID_PACE_ECDH_CAM: &str = "0.4.0.127.0.7.2.2.4.6";

pub use crate::crypto::ka::{
    DH_KEY_AGREEMENT, DH_PUBLIC_NUMBER, ID_EC_PUBLIC_KEY,
    STANDARDIZED_DOMAIN_PARAMETERS as ID_STANDARDIZED_DOMAIN_PARAMETERS,
};

/// id-ecc of BSI TR-03111: the `ecka-dh-SessionKDF-…` algorithms below it (seen in old
/// TR-03110 test cards' domain parameter infos) carry ECParameters like id-ecPublicKey.
pub const ID_ECC: &str = "0.4.0.127.0.7.1.1";

/// id-icao-mrtd-security-aaProtocolObject: ActiveAuthenticationInfo (ICAO 9303-11 §9.2.3).
pub const ID_AA: &str = "2.23.136.1.1.5";

/// Which SecurityInfo a `protocol` OID announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Pace,
    PaceDomainParameters,
    ChipAuthentication,
    ChipAuthenticationDomainParameters,
    ChipAuthenticationPublicKey,
    TerminalAuthentication,
    ActiveAuthentication,
    Unknown,
}

/// Classifies a SecurityInfo by its protocol OID (TR-03110-3 Table A.1 and ICAO 9303-11 §9.2).
pub(super) fn classify(protocol: &str) -> Kind {
    if protocol == ID_AA {
        return Kind::ActiveAuthentication;
    }
    let Some(rest) = protocol.strip_prefix("0.4.0.127.0.7.2.2.") else {
        return Kind::Unknown;
    };
    let arcs: Vec<&str> = rest.split('.').collect();
    match arcs.as_slice() {
        ["1", "1" | "2"] => Kind::ChipAuthenticationPublicKey,
        ["2"] => Kind::TerminalAuthentication,
        ["3", "1" | "2"] => Kind::ChipAuthenticationDomainParameters,
        ["3", "1" | "2", "1" | "2" | "3" | "4"] => Kind::ChipAuthentication,
        ["4", "1" | "2" | "3" | "4" | "6"] => Kind::PaceDomainParameters,
        ["4", "1" | "2" | "3" | "4" | "6", "1" | "2" | "3" | "4"] => Kind::Pace,
        _ => Kind::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_are_classified_by_their_arcs() {
        assert_eq!(classify(ID_AA), Kind::ActiveAuthentication);
        assert_eq!(classify(ID_PK_ECDH), Kind::ChipAuthenticationPublicKey);
        assert_eq!(classify(ID_TA), Kind::TerminalAuthentication);
        assert_eq!(classify(ID_CA_DH), Kind::ChipAuthenticationDomainParameters);
        assert_eq!(classify(ID_CA_ECDH_3DES_CBC_CBC), Kind::ChipAuthentication);
        assert_eq!(classify(ID_PACE_ECDH_CAM), Kind::PaceDomainParameters);
        assert_eq!(classify("0.4.0.127.0.7.2.2.4.2.2"), Kind::Pace);
        for unknown in [
            "0.4.0.127.0.7.2.2.6",
            "0.4.0.127.0.7.2.2.3.2.5",
            "0.4.0.127.0.7.2.2.4.5.2",
            "0.4.0.127.0.7.2.2.1.3",
            "0.4.0.127.0.7.2.2.2.2",
            "0.4.0.127.0.7.2.2",
            "1.0.24727.3.0.9",
        ] {
            assert_eq!(classify(unknown), Kind::Unknown, "{unknown}");
        }
    }
}
