//! Trust-store unit tests: deviation lists without a signer, malformed ones.

use super::*;

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap());
    } else {
        out.extend_from_slice(&[
            0x82,
            u8::try_from(len >> 8).unwrap(),
            u8::try_from(len & 0xFF).unwrap(),
        ]);
    }
    out.extend_from_slice(content);
    out
}

fn oid(dotted_der: &[u8]) -> Vec<u8> {
    tlv(tag::OID, dotted_der)
}

/// A deviation-list ContentInfo over `dl` with a SignerInfo naming a certificate that is
/// not there.
fn unsigned_deviation_list(dl: &[u8]) -> Vec<u8> {
    let sha256 = tlv(
        tag::SEQUENCE,
        &oid(&[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01]),
    );
    let econtent = tlv(tag::CTX0, &tlv(tag::OCTET_STRING, dl));
    // id-icao-DeviationList 2.23.136.1.1.7
    let eci = tlv(
        tag::SEQUENCE,
        &[oid(&[0x67, 0x81, 0x08, 0x01, 0x01, 0x07]), econtent].concat(),
    );
    let signer_info = tlv(
        tag::SEQUENCE,
        &[
            vec![0x02, 0x01, 0x03],
            tlv(0x80, &[1, 2, 3, 4]),
            sha256.clone(),
            tlv(
                tag::SEQUENCE,
                &oid(&[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02]),
            ),
            tlv(tag::OCTET_STRING, &[0; 8]),
        ]
        .concat(),
    );
    let sd = tlv(
        tag::SEQUENCE,
        &[
            vec![0x02, 0x01, 0x03],
            tlv(tag::SET, &sha256),
            eci,
            tlv(tag::SET, &signer_info),
        ]
        .concat(),
    );
    tlv(
        tag::SEQUENCE,
        &[
            oid(&[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02]),
            tlv(tag::CTX0, &sd),
        ]
        .concat(),
    )
}

#[test]
fn deviation_lists_are_parsed_in_full_and_refused_unverified() {
    // Two deviations that are not Deviation structures: a clear error.
    let opaque = tlv(
        tag::SET,
        &[
            tlv(tag::SEQUENCE, &[0x02, 0x01, 0x01]),
            tlv(tag::SEQUENCE, &[0x02, 0x01, 0x02]),
        ]
        .concat(),
    );
    let dl = tlv(tag::SEQUENCE, &[vec![0x02, 0x01, 0x00], opaque].concat());
    let mut trust = TrustStore::new();
    let err = trust
        .add_bytes(
            &unsigned_deviation_list(&dl),
            MasterListPolicy::TrustAsIs,
            "dl",
        )
        .unwrap_err();
    assert_eq!(
        err,
        TrustError::Malformed("deviation list: expected DeviationDocuments, found tag 0x02".into())
    );

    // A well-formed list (one deviation: SOD signature wrong, for every document).
    let description = tlv(
        tag::SEQUENCE,
        &oid(&[0x67, 0x81, 0x08, 0x01, 0x01, 0x07, 0x02, 0x03]),
    );
    let deviation = tlv(
        tag::SEQUENCE,
        &[tlv(tag::SEQUENCE, &[]), tlv(tag::SET, &description)].concat(),
    );
    let dl = tlv(
        tag::SEQUENCE,
        &[vec![0x02, 0x01, 0x00], tlv(tag::SET, &deviation)].concat(),
    );
    let ci = unsigned_deviation_list(&dl);
    // No signer certificate in it: refused, like an unverified master list.
    let err = trust
        .add_bytes(&ci, MasterListPolicy::VerifyWithStore, "dl")
        .unwrap_err();
    assert!(
        matches!(&err, TrustError::Unverified(why) if why.starts_with("deviation list: ")),
        "{err}"
    );
    assert!(trust.summary().sources.is_empty());
    // Trusted as is: recorded, but with no signer there is no issuing State to bind the
    // deviations to, so they annotate nothing.
    let kind = trust
        .add_bytes(&ci, MasterListPolicy::TrustAsIs, "dl")
        .unwrap();
    assert_eq!(kind, TrustFileKind::DeviationList);
    let summary = trust.summary();
    let source = &summary.sources[0];
    assert_eq!(source.deviations, 1);
    assert_eq!(source.verification, CheckStatus::NotPerformed);
    assert!(
        source
            .detail
            .starts_with("1 deviation(s); the issuing State is unknown"),
        "{}",
        source.detail
    );
    assert!(!trust.has_deviations());
    assert!(trust.is_empty());
}
