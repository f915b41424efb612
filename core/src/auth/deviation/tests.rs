//! DeviationList parsing (every field, every CHOICE, each malformation → a clear error),
//! matching against a real DSC, and report annotation.

use super::apply::{DocumentFacts, MatchedDeviation, annotate};
use super::*;
use crate::auth::cert::Certificate;
use crate::crypto::signature::HashAlgorithm;
use crate::lds::DataGroup;
use crate::report::{Check, CheckName, CheckStatus};

/// A real Document Signer certificate (Finland, `fixtures/data/pki`).
const FI_DSC: &[u8] = include_bytes!("../../../../fixtures/data/pki/FI_DSC.der");

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap());
    } else if len < 0x100 {
        out.extend_from_slice(&[0x81, u8::try_from(len).unwrap()]);
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

fn oid(dotted: &str) -> Vec<u8> {
    tlv(tag::OID, &crate::asn1::oid_from_string(dotted).unwrap())
}

fn description(text: Option<&str>, dev_type: &str, parameter: Option<&[u8]>) -> Vec<u8> {
    let mut body = Vec::new();
    if let Some(t) = text {
        body.extend(tlv(0x13, t.as_bytes()));
    }
    body.extend(oid(dev_type));
    if let Some(p) = parameter {
        body.extend(tlv(0xA0, p));
    }
    tlv(tag::SEQUENCE, &body)
}

fn deviation(documents: &[u8], descriptions: &[Vec<u8>]) -> Vec<u8> {
    tlv(
        tag::SEQUENCE,
        &[
            tlv(tag::SEQUENCE, documents),
            tlv(tag::SET, &descriptions.concat()),
        ]
        .concat(),
    )
}

fn list(version: u8, digest: bool, deviations: &[Vec<u8>]) -> Vec<u8> {
    let mut body = vec![0x02, 0x01, version];
    if digest {
        body.extend(tlv(tag::SEQUENCE, &oid("2.16.840.1.101.3.4.2.1")));
    }
    body.extend(tlv(tag::SET, &deviations.concat()));
    tlv(tag::SEQUENCE, &body)
}

fn fi_dsc() -> Certificate {
    Certificate::from_der(FI_DSC).unwrap()
}

/// `[1] IssuerAndSerialNumber` of a certificate.
fn issuer_and_serial(cert: &Certificate) -> Vec<u8> {
    tlv(
        0xA1,
        &[cert.issuer().to_vec(), tlv(tag::INTEGER, cert.serial())].concat(),
    )
}

fn gtime(text: &str) -> Vec<u8> {
    tlv(tag::GENERALIZED_TIME, text.as_bytes())
}

/// Every DeviationDocuments field, and the shape of the BSI list (a DSC named by issuer and
/// serial, `DSEncoding` with the CertField `generic`).
fn full_list() -> Vec<u8> {
    let dsc = fi_dsc();
    let documents = [
        tlv(0x80, b"P"),
        issuer_and_serial(&dsc),
        tlv(
            0xA4,
            &[gtime("20190101000000Z"), gtime("20191231000000Z")].concat(),
        ),
        tlv(
            0xA5,
            &[tlv(0x13, b"C01X00T47"), tlv(0x13, b"L898902C3")].concat(),
        ),
    ]
    .concat();
    let descriptions = vec![
        description(
            Some("Country name is encoded as UTF-8 instead of Printable String."),
            "2.23.136.1.1.7.1.2",
            Some(&[0x02, 0x01, 0x00]),
        ),
        description(None, "2.23.136.1.1.7.2.2", Some(&[0x02, 0x01, 0x02])),
        tlv(
            tag::SEQUENCE,
            &[
                oid("2.23.136.1.1.7.5"),
                tlv(0xA0, &[0x04, 0x02, 0xAB, 0xCD]),
                tlv(0xA1, &[0x05, 0x00]),
            ]
            .concat(),
        ),
    ];
    list(0, true, &[deviation(&documents, &descriptions)])
}

#[test]
fn every_field_of_a_deviation_list_is_read() {
    let parsed = DeviationList::parse(&full_list()).unwrap();
    assert_eq!(
        parsed.digest_algorithm.as_deref(),
        Some("2.16.840.1.101.3.4.2.1")
    );
    assert_eq!(parsed.deviations.len(), 1);
    let d = &parsed.deviations[0];
    let dsc = fi_dsc();
    assert_eq!(d.documents.document_type.as_deref(), Some("P"));
    assert_eq!(
        d.documents.signer,
        Some(DocumentSigner::IssuerAndSerial {
            issuer: dsc.issuer().to_vec(),
            serial: dsc.serial().to_vec(),
        })
    );
    let period = d.documents.issued.unwrap();
    assert_eq!(period.first, Time::from_ymd(2019, 1, 1).unwrap());
    assert_eq!(period.last, Time::from_ymd(2019, 12, 31).unwrap());
    assert_eq!(
        d.documents.document_numbers.as_deref(),
        Some(&["C01X00T47".to_owned(), "L898902C3".to_owned()][..])
    );
    // SET OF is read in encoded order; DER would sort, and nothing here depends on order.
    let kinds: Vec<DeviationKind> = d.descriptions.iter().map(|x| x.kind).collect();
    assert_eq!(
        kinds,
        [
            DeviationKind::DsEncoding,
            DeviationKind::DgHashWrong,
            DeviationKind::NationalUse
        ]
    );
    let enc = &d.descriptions[0];
    assert_eq!(
        enc.description.as_deref(),
        Some("Country name is encoded as UTF-8 instead of Printable String.")
    );
    assert_eq!(enc.deviation_type, "2.23.136.1.1.7.1.2");
    assert_eq!(enc.parameter, Some(DeviationParameter::CertBodyField(0)));
    assert_eq!(
        enc.parameter.as_ref().unwrap().to_string(),
        "certificate field generic"
    );
    assert_eq!(
        d.descriptions[1].parameter,
        Some(DeviationParameter::Datagroup(2))
    );
    assert_eq!(d.descriptions[1].description, None);
    let national = &d.descriptions[2];
    assert_eq!(
        national.parameter,
        Some(DeviationParameter::Other(vec![0x04, 0x02, 0xAB, 0xCD]))
    );
    assert_eq!(national.national_use.as_deref(), Some(&[0x05, 0x00][..]));
}

#[test]
fn signer_choices_and_optional_parts_are_read() {
    let ski = tlv(0x82, &[1, 2, 3, 4]);
    let digest = tlv(0x83, &[9; 32]);
    let ext = description(
        None,
        "2.23.136.1.1.7.1.3",
        Some(&oid("2.5.29.35")), // CertField extension: authorityKeyIdentifier
    );
    let mrz = description(None, "2.23.136.1.1.7.3.2", Some(&[0x02, 0x01, 0x04]));
    let bytes = list(
        0,
        false,
        &[
            deviation(&ski, std::slice::from_ref(&ext)),
            deviation(&digest, std::slice::from_ref(&mrz)),
            deviation(&[], &[description(None, "2.23.136.1.1.7.4", None)]),
        ],
    );
    let parsed = DeviationList::parse(&bytes).unwrap();
    assert_eq!(parsed.digest_algorithm, None);
    let [a, b, c] = parsed.deviations.as_slice() else {
        panic!("three deviations");
    };
    assert_eq!(
        a.documents.signer,
        Some(DocumentSigner::SubjectKeyIdentifier(vec![1, 2, 3, 4]))
    );
    assert_eq!(
        a.descriptions[0].parameter,
        Some(DeviationParameter::CertExtension("2.5.29.35".into()))
    );
    assert_eq!(
        b.documents.signer,
        Some(DocumentSigner::CertificateDigest(vec![9; 32]))
    );
    assert_eq!(
        b.descriptions[0].parameter.as_ref().unwrap().to_string(),
        "MRZ field documentNumber"
    );
    assert_eq!(c.documents, DeviationDocuments::default());
    assert_eq!(c.descriptions[0].kind, DeviationKind::Chip);
}

#[test]
fn malformed_lists_are_clear_errors() {
    let good_desc = description(None, "2.23.136.1.1.7.2.3", None);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "version 1",
            list(1, false, &[]),
            "version 1 is not supported",
        ),
        (
            "not a SEQUENCE",
            tlv(tag::SET, &[]),
            "expected DeviationList",
        ),
        (
            "no deviations",
            tlv(tag::SEQUENCE, &[0x02, 0x01, 0x00]),
            "missing deviations",
        ),
        (
            "no description",
            list(0, false, &[deviation(&[], &[])]),
            "without any description",
        ),
        (
            "no deviationType",
            list(
                0,
                false,
                &[deviation(&[], &[tlv(tag::SEQUENCE, &tlv(0x13, b"x"))])],
            ),
            "missing deviationType",
        ),
        (
            "parameter on a type without one",
            list(
                0,
                false,
                &[deviation(
                    &[],
                    &[description(
                        None,
                        "2.23.136.1.1.7.2.3",
                        Some(&[0x02, 0x01, 0x01]),
                    )],
                )],
            ),
            "takes no parameter",
        ),
        (
            "Datagroup 17",
            list(
                0,
                false,
                &[deviation(
                    &[],
                    &[description(
                        None,
                        "2.23.136.1.1.7.2.2",
                        Some(&[0x02, 0x01, 17]),
                    )],
                )],
            ),
            "Datagroup 17 is not a data group",
        ),
        (
            "Datagroup as a string",
            list(
                0,
                false,
                &[deviation(
                    &[],
                    &[description(
                        None,
                        "2.23.136.1.1.7.2.2",
                        Some(&tlv(0x13, b"DG2")),
                    )],
                )],
            ),
            "must be a Datagroup INTEGER",
        ),
        (
            "unknown field in the documents",
            list(
                0,
                false,
                &[deviation(
                    &tlv(0x86, &[1]),
                    std::slice::from_ref(&good_desc),
                )],
            ),
            "unexpected field (tag 0x86)",
        ),
        (
            "documents out of order",
            list(
                0,
                false,
                &[deviation(
                    &[tlv(0x82, &[1]), tlv(0x80, b"P")].concat(),
                    std::slice::from_ref(&good_desc),
                )],
            ),
            "repeated or out of order",
        ),
        (
            "issuing period backwards",
            list(
                0,
                false,
                &[deviation(
                    &tlv(
                        0xA4,
                        &[gtime("20200101000000Z"), gtime("20190101000000Z")].concat(),
                    ),
                    std::slice::from_ref(&good_desc),
                )],
            ),
            "ends before it starts",
        ),
        (
            "document number not printable",
            list(
                0,
                false,
                &[deviation(
                    &tlv(0xA5, &tlv(0x13, b"AB\x00")),
                    std::slice::from_ref(&good_desc),
                )],
            ),
            "not a PrintableString",
        ),
    ];
    for (what, bytes, expected) in cases {
        let err = DeviationList::parse(&bytes).unwrap_err().to_string();
        assert!(err.contains(expected), "{what}: {err}");
    }
    // Every truncation of a good list is an error, never a panic.
    let full = full_list();
    for cut in 0..full.len() {
        assert!(DeviationList::parse(&full[..cut]).is_err(), "cut at {cut}");
    }
    let mut trailing = full.clone();
    trailing.push(0);
    assert!(DeviationList::parse(&trailing).is_err());
}

#[test]
fn deviation_types_map_to_distinct_stable_codes() {
    let oids = [
        ("2.23.136.1.1.7.1", DeviationKind::CertOrKey),
        ("2.23.136.1.1.7.1.1", DeviationKind::DsSignature),
        ("2.23.136.1.1.7.1.2", DeviationKind::DsEncoding),
        ("2.23.136.1.1.7.1.3", DeviationKind::CscaEncoding),
        ("2.23.136.1.1.7.1.4", DeviationKind::AaKeyCompromised),
        ("2.23.136.1.1.7.2", DeviationKind::Lds),
        ("2.23.136.1.1.7.2.1", DeviationKind::DgMalformed),
        ("2.23.136.1.1.7.2.2", DeviationKind::DgHashWrong),
        ("2.23.136.1.1.7.2.3", DeviationKind::SodSignatureWrong),
        ("2.23.136.1.1.7.2.4", DeviationKind::ComInconsistent),
        ("2.23.136.1.1.7.3", DeviationKind::Mrz),
        ("2.23.136.1.1.7.3.1", DeviationKind::MrzWrongData),
        ("2.23.136.1.1.7.3.2", DeviationKind::MrzWrongCheckDigit),
        ("2.23.136.1.1.7.4", DeviationKind::Chip),
        ("2.23.136.1.1.7.5", DeviationKind::NationalUse),
        ("2.23.136.1.1.7.9", DeviationKind::Unknown),
        ("2.23.136.1.1.70", DeviationKind::Unknown),
        ("1.2.3", DeviationKind::Unknown),
    ];
    let mut codes = std::collections::BTreeSet::new();
    for (o, kind) in oids {
        assert_eq!(DeviationKind::from_oid(o), kind, "{o}");
        codes.insert(kind.code());
    }
    assert_eq!(codes.len(), 16);
    assert!(codes.iter().all(|c| c.starts_with("DEVIATION_")));
    assert_eq!(DeviationKind::DgHashWrong.code(), "DEVIATION_DG_HASH_WRONG");
}

fn single(documents: DeviationDocuments) -> Deviation {
    Deviation {
        documents,
        descriptions: vec![DeviationDescription {
            description: None,
            deviation_type: "2.23.136.1.1.7.2.3".into(),
            kind: DeviationKind::SodSignatureWrong,
            parameter: None,
            national_use: None,
        }],
    }
}

#[test]
fn a_deviation_applies_only_when_every_condition_holds() {
    let dsc = fi_dsc();
    let facts = DocumentFacts {
        dsc: Some(&dsc),
        document_code: Some("P<"),
        document_number: Some("L898902C3<"),
        signing_time: Time::new(2019, 12, 31, 15, 0, 0),
    };
    let by_serial = DocumentSigner::IssuerAndSerial {
        issuer: dsc.issuer().to_vec(),
        serial: dsc.serial().to_vec(),
    };
    let all = DeviationDocuments {
        document_type: Some("P".into()),
        signer: Some(by_serial.clone()),
        issued: Some(IssuancePeriod {
            first: Time::from_ymd(2019, 1, 1).unwrap(),
            // Midnight of the last day: a document signed later that day is still inside.
            last: Time::from_ymd(2019, 12, 31).unwrap(),
        }),
        document_numbers: Some(vec!["X".into(), "L898902C3".into()]),
    };
    assert!(single(all.clone()).applies_to(&facts, None));
    assert!(single(DeviationDocuments::default()).applies_to(&facts, None));

    let sha256 = Some(HashAlgorithm::Sha256);
    let digest = crate::crypto::signature::hash(HashAlgorithm::Sha256, dsc.der());
    for (what, signer, applies) in [
        ("serial", by_serial.clone(), true),
        (
            "other serial",
            DocumentSigner::IssuerAndSerial {
                issuer: dsc.issuer().to_vec(),
                serial: vec![0x01],
            },
            false,
        ),
        (
            "SKI",
            DocumentSigner::SubjectKeyIdentifier(dsc.ski().unwrap().to_vec()),
            true,
        ),
        (
            "other SKI",
            DocumentSigner::SubjectKeyIdentifier(vec![1]),
            false,
        ),
        ("digest", DocumentSigner::CertificateDigest(digest), true),
        (
            "other digest",
            DocumentSigner::CertificateDigest(vec![0; 32]),
            false,
        ),
    ] {
        let dev = single(DeviationDocuments {
            signer: Some(signer),
            ..DeviationDocuments::default()
        });
        assert_eq!(dev.applies_to(&facts, sha256), applies, "{what}");
    }
    // One condition off is enough to not apply.
    let off = [
        DeviationDocuments {
            document_type: Some("ID".into()),
            ..all.clone()
        },
        DeviationDocuments {
            document_numbers: Some(vec!["L898902C4".into()]),
            ..all.clone()
        },
        DeviationDocuments {
            issued: Some(IssuancePeriod {
                first: Time::from_ymd(2020, 1, 1).unwrap(),
                last: Time::from_ymd(2020, 12, 31).unwrap(),
            }),
            ..all.clone()
        },
    ];
    for docs in off {
        assert!(!single(docs.clone()).applies_to(&facts, None), "{docs:?}");
    }
    // A condition the verification cannot evaluate does not hold.
    let unknown = DocumentFacts {
        dsc: None,
        document_code: None,
        document_number: None,
        signing_time: None,
    };
    assert!(!single(all).applies_to(&unknown, None));
    assert!(
        !single(DeviationDocuments {
            signer: Some(DocumentSigner::CertificateDigest(vec![0; 32])),
            ..DeviationDocuments::default()
        })
        .applies_to(&facts, None),
        "no digest algorithm: a certificateDigest cannot match"
    );
}

fn matched(kind_oid: &str, parameter: Option<DeviationParameter>) -> MatchedDeviation {
    MatchedDeviation {
        description: DeviationDescription {
            description: Some("issuer's words".into()),
            deviation_type: kind_oid.into(),
            kind: DeviationKind::from_oid(kind_oid),
            parameter,
            national_use: None,
        },
        list: "UT.dvl".into(),
    }
}

#[test]
fn annotations_explain_failures_and_never_change_a_status() {
    let mut checks = vec![
        Check::passed(CheckName::SodSignature),
        Check::failed(CheckName::DgHashes, "PA_HASH", "DG2 does not match"),
        Check::failed(CheckName::ComConsistency, "PA_COM", "EF.COM lists DG3"),
        Check::passed_with(CheckName::ActiveAuthentication, "signature verifies"),
    ];
    let before: Vec<(CheckStatus, Option<String>)> =
        checks.iter().map(|c| (c.status, c.code.clone())).collect();
    let deviations = [
        matched("2.23.136.1.1.7.2.2", Some(DeviationParameter::Datagroup(2))),
        // DG3's hash is not the one that failed: no annotation from this one.
        matched("2.23.136.1.1.7.2.2", Some(DeviationParameter::Datagroup(3))),
        // The SOD signature passed: nothing to explain.
        matched("2.23.136.1.1.7.2.3", None),
        matched("2.23.136.1.1.7.1.4", None),
    ];
    annotate(&mut checks, &deviations, &[DataGroup::DG2]);
    let after: Vec<(CheckStatus, Option<String>)> =
        checks.iter().map(|c| (c.status, c.code.clone())).collect();
    assert_eq!(before, after, "statuses and codes are untouched");

    assert!(checks[0].deviations.is_empty());
    assert_eq!(checks[0].detail, None);
    let hash = &checks[1];
    assert_eq!(hash.deviations.len(), 1);
    assert_eq!(hash.deviations[0].code, "DEVIATION_DG_HASH_WRONG");
    assert_eq!(hash.deviations[0].deviation_type, "2.23.136.1.1.7.2.2");
    assert_eq!(
        hash.deviations[0].detail,
        "DG2: issuer's words (deviation list UT.dvl)"
    );
    assert_eq!(
        hash.detail.as_deref(),
        Some(
            "DG2 does not match; known deviation of the issuing State (the failure stands): \
             DEVIATION_DG_HASH_WRONG — DG2: issuer's words (deviation list UT.dvl)"
        )
    );
    assert!(checks[2].deviations.is_empty(), "no COM deviation is known");
    // The one annotation on a passed check: the AA key may be compromised.
    let aa = &checks[3];
    assert_eq!(aa.status, CheckStatus::Passed);
    assert_eq!(aa.deviations[0].code, "DEVIATION_AA_KEY_COMPROMISED");
    assert!(
        aa.detail
            .as_deref()
            .unwrap()
            .starts_with("signature verifies; known deviation of the issuing State: ")
    );
    let json = serde_json::to_value(&checks).unwrap();
    assert!(json[0].get("deviations").is_none(), "absent when empty");
    assert_eq!(json[1]["deviations"][0]["code"], "DEVIATION_DG_HASH_WRONG");
}

#[test]
fn each_kind_explains_the_checks_it_concerns() {
    use CheckName as C;
    let names = [
        C::SodSignature,
        C::DscChain,
        C::Revocation,
        C::DgHashes,
        C::ComConsistency,
        C::Mrz,
        C::Dg1MrzMatch,
        C::ChipAuthentication,
        C::ActiveAuthentication,
    ];
    let cases: [(&str, Option<DeviationParameter>, &[CheckName]); 10] = [
        ("2.23.136.1.1.7.1", None, &[C::SodSignature, C::DscChain]),
        ("2.23.136.1.1.7.1.1", None, &[C::DscChain]),
        (
            "2.23.136.1.1.7.1.2",
            Some(DeviationParameter::CertBodyField(0)),
            &[C::SodSignature, C::DscChain],
        ),
        (
            "2.23.136.1.1.7.1.3",
            Some(DeviationParameter::CertBodyField(4)),
            &[C::DscChain],
        ),
        (
            "2.23.136.1.1.7.2",
            None,
            &[C::SodSignature, C::DgHashes, C::ComConsistency],
        ),
        (
            "2.23.136.1.1.7.2.1",
            Some(DeviationParameter::Datagroup(1)),
            &[C::Dg1MrzMatch],
        ),
        ("2.23.136.1.1.7.2.4", None, &[C::ComConsistency]),
        ("2.23.136.1.1.7.3", None, &[C::Mrz, C::Dg1MrzMatch]),
        (
            "2.23.136.1.1.7.3.2",
            Some(DeviationParameter::MrzField(4)),
            &[C::Mrz],
        ),
        ("2.23.136.1.1.7.4", None, &[]),
    ];
    for (o, parameter, expected) in cases {
        let mut checks: Vec<Check> = names
            .iter()
            .map(|n| Check::failed(*n, "X", "failed"))
            .collect();
        annotate(&mut checks, &[matched(o, parameter)], &[DataGroup::DG2]);
        let annotated: Vec<CheckName> = checks
            .iter()
            .filter(|c| !c.deviations.is_empty())
            .map(|c| c.name)
            .collect();
        assert_eq!(annotated, expected, "{o}");
    }
}
