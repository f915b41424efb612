//! X.509 certificates (CSCA, Document Signer, master list entries): the parse and every
//! accessor, name comparison, and a self-signature check (the signature code behind it).
#![no_main]

use idproof_core::asn1::Time;
use idproof_core::auth::cert::{self, Certificate};
use idproof_core::auth::trust::CertificateRole;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(cert) = Certificate::from_der(data) else {
        let _ = (cert::name_to_text(data), cert::name_country(data));
        return;
    };
    assert_eq!(cert.der(), data);
    let _ = (
        cert.tbs(),
        cert.signature_algorithm(),
        cert.signature(),
        cert.serial_hex(),
    );
    let _ = (cert.subject_text(), cert.issuer_text(), cert.country());
    let _ = (
        cert.not_before(),
        cert.not_after(),
        cert.spki(),
        cert.ski(),
        cert.aki(),
    );
    let _ = (cert.key_usage(), cert.is_ca(), cert.unreadable_extensions());
    let _ = cert.valid_at(Time::from_ymd(2026, 12, 7).unwrap());
    let _ = cert.allows(cert::key_usage::KEY_CERT_SIGN);
    assert!(cert::names_equivalent(cert.subject(), cert.subject()));
    let _ = cert.is_self_issued();
    let _ = CertificateRole::of(&cert);
    if cert.may_have_issued(&cert) {
        let _ = cert.verify_issued(&cert);
    }
});
