//! Key-agreement groups from an `AlgorithmIdentifier` (DG14's ChipAuthenticationPublicKeyInfo,
//! PACEDomainParameterInfo, EF.CardSecurity): EC, X9.42 DH, PKCS #3 DH or BSI's standardized id.

use super::ecdh::EcGroup;
use super::{Group, Inner, KaError};
use crate::crypto::ec::der_reader::{DerError, Reader, single, tag};
use crate::crypto::ec::{Curve, parse_ec_parameters};

/// `id-ecPublicKey` (X9.62).
pub const ID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
/// `dhpublicnumber` (X9.42): DomainParameters { p, g, q, j?, validationParms? }.
pub const DH_PUBLIC_NUMBER: &str = "1.2.840.10046.2.1";
/// `dhKeyAgreement` (PKCS #3): DHParameter { p, g, privateValueLength? } — no q.
pub const DH_KEY_AGREEMENT: &str = "1.2.840.113549.1.3.1";
/// `standardizedDomainParameters` (BSI TR-03110-3): an INTEGER parameter id.
pub const STANDARDIZED_DOMAIN_PARAMETERS: &str = "0.4.0.127.0.7.1.2";

fn malformed(e: DerError) -> KaError {
    KaError::BadParameters(e.to_string())
}

pub(super) fn group_from_algorithm(oid: &str, params_der: &[u8]) -> Result<Group, KaError> {
    match oid {
        ID_EC_PUBLIC_KEY => {
            let domain = parse_ec_parameters(params_der)
                .map_err(|e| KaError::BadParameters(e.to_string()))?;
            // Named curves use the published constants; explicit ones are checked in full, even
            // when they match a known curve (the check is what proves they match).
            match (domain.explicit, Curve::known(domain.name)) {
                (false, Some(curve)) => Ok(Group(Inner::Ec(Box::new(EcGroup::from_curve(curve))))),
                _ => Group::ec(&domain.params),
            }
        }
        DH_PUBLIC_NUMBER | DH_KEY_AGREEMENT => {
            let body = single(params_der, tag::SEQUENCE).map_err(malformed)?;
            let mut r = Reader::new(body);
            let p = r.unsigned_integer().map_err(malformed)?;
            let g = r.unsigned_integer().map_err(malformed)?;
            // X9.42 puts q third; PKCS #3's optional third INTEGER is a length, not q.
            let q = if oid == DH_PUBLIC_NUMBER && r.peek_tag() == Some(tag::INTEGER) {
                Some(r.unsigned_integer().map_err(malformed)?)
            } else {
                None
            };
            Group::dh(p, g, q)
        }
        STANDARDIZED_DOMAIN_PARAMETERS => {
            let id = single(params_der, tag::INTEGER).map_err(malformed)?;
            match id {
                [id] => Group::standardized(*id),
                _ => Err(KaError::BadParameters(
                    "parameter id is not one byte".into(),
                )),
            }
        }
        other => Err(KaError::BadParameters(format!(
            "key-agreement algorithm {other}"
        ))),
    }
}
