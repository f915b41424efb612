//! CRLs (from the PKD, LDIF files and CMS `crls`): the parse, every accessor and a lookup of
//! each revoked serial, which must find its own entry.
#![no_main]

use idproof_core::asn1::Time;
use idproof_core::auth::crl::Crl;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(crl) = Crl::from_der(data) else {
        return;
    };
    assert_eq!(crl.der(), data);
    let _ = (crl.issuer(), crl.issuer_text(), crl.aki());
    let _ = crl.current_at(Time::from_ymd(2026, 12, 7).unwrap());
    let serials = crl.revoked_serials_hex();
    // `find` takes a certificate's INTEGER content (and drops one leading zero, as the entries
    // had theirs dropped): a serial stored without a leading zero is found as itself.
    for entry in crl.revoked.iter().take(64) {
        if entry.serial.first() != Some(&0) {
            assert!(
                crl.find(&entry.serial).is_some(),
                "a listed serial is not found"
            );
        }
    }
    let _ = serials;
});
