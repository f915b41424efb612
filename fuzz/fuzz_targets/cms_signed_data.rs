//! CMS SignedData (EF.SOD's and EF.CardSecurity's ContentInfo, master and deviation lists)
//! and what is read out of it: signed attributes, the LDS Security Object, the master list's
//! certList, the deviation list, and the `card_security` check over an empty trust store.
//!
//! First byte: bit 0 = the rest is wrapped as EF.SOD (`77` ‖ length) for `Sod::parse`; the
//! rest is tried as a ContentInfo and, on its own, as an eContent of every kind.
#![no_main]

use std::collections::BTreeMap;

use idproof_core::asn1::{Mode, Time};
use idproof_core::auth::card_security::card_security_check;
use idproof_core::auth::deviation::DeviationList;
use idproof_core::auth::trust::TrustStore;
use idproof_core::cms::{self, SignedData};
use idproof_core::lds::sod::LdsSecurityObject;
use idproof_core::lds::{LdsFile, Sod, recognise_dump, wrap_bare_sod};
use libfuzzer_sys::fuzz_target;

/// Every reader of a parsed SignedData's fields.
fn inspect(sd: &SignedData<'_>) {
    for signer in &sd.signer_infos {
        if let Some(attrs) = &signer.signed_attrs {
            let signed = attrs.signed_bytes();
            // What is signed is the attributes with the SET tag instead of [0].
            assert_eq!(signed.len(), attrs.raw().len());
            let _ = (
                attrs.content_type(),
                attrs.message_digest(),
                attrs.signing_time(),
            );
        }
    }
    if let Some(content) = sd.e_content.as_deref() {
        contents(content);
    }
}

/// What an eContent can be.
fn contents(content: &[u8]) {
    let _ = LdsSecurityObject::parse(content);
    let _ = cms::master_list_certificates(content);
    let _ = DeviationList::parse(content);
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    if let Ok(sd) = SignedData::parse(rest) {
        // BER is the fallback: what DER read, BER reads the same way (the elements differ
        // only in the `mode` they were read with).
        if sd.encoding == Mode::Der {
            let ber = SignedData::parse_mode(rest, Mode::Ber).expect("BER refused DER");
            assert_eq!(ber.e_content_type, sd.e_content_type);
            assert_eq!(ber.e_content, sd.e_content);
            assert_eq!(ber.certificates, sd.certificates);
            assert_eq!(ber.signer_infos.len(), sd.signer_infos.len());
        }
        inspect(&sd);
    }
    contents(rest);
    let _ = recognise_dump(rest);
    if flags & 1 != 0 {
        if let Ok(sod) = Sod::parse(&wrap_bare_sod(rest))
            && let Ok(sd) = sod.signed_data()
        {
            inspect(&sd);
        }
    } else {
        let files = BTreeMap::from([(LdsFile::CardSecurity, rest.to_vec())]);
        let at = Time::from_ymd(2026, 12, 7).unwrap();
        let _ = card_security_check(&files, &TrustStore::new(), at);
    }
});
