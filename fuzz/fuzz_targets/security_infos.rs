//! SecurityInfos (EF.CardAccess, DG14, EF.CardSecurity content), DG14, DG15 and the PACE
//! candidate choice over whatever parses: chip-controlled bytes before any authentication.
#![no_main]

use idproof_core::access::security_info::SecurityInfos;
use idproof_core::lds::{Dg14, Dg15};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(infos) = SecurityInfos::parse(data) {
        for pace in &infos.pace_domain_parameters {
            let _ = pace.group();
        }
        let _ = idproof_core::access::chip_auth::ChipAuthentication::from_security_infos(&infos);
    }
    let _ = Dg14::parse(data);
    if let Ok(dg15) = Dg15::parse(data) {
        let _ = dg15.key();
    }
});
