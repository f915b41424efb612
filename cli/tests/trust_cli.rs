//! `idproof trust inspect` wording, line by line: a Document Signer given as trust is
//! counted as a DSC and never as an anchor, a refused master list's remedy names only
//! arguments `trust inspect` takes (and following it works), and the refusal says why in
//! the terms of what was actually loaded ("the trust store is empty" only when it is).

use std::path::{Path, PathBuf};

use idproof_fixtures::factory::DocumentBuilder;
use serde_json::json;

mod common;
use common::{idproof, json_of, stderr};

/// The Dutch master list of 2026-07-22, whose CSCA (`CN=CSCA NL`, serial 7) is not in
/// the fixtures: it is refused unless trusted as is.
fn nl_list() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/data/pki/master-lists/NL_ML_2026-07-22.ml")
        .display()
        .to_string()
}

const NL_SIGNER: &str = "serialNumber=8, CN=Masterlist Signer NL, OU=Kingdom of the Netherlands, \
                         O=Kingdom of the Netherlands, C=NL";
const NL_CSCA: &str = "serialNumber=7, CN=CSCA NL, OU=Kingdom of the Netherlands, \
                       O=Kingdom of the Netherlands, C=NL";
const REMEDY: &str = "give its CSCA as another PATH (idproof trust inspect CSCA.der LIST.ml), \
                      or --trust-unverified-lists";
const DSC_NOTE: &str = "C=UT, O=Utopia Test Authority, CN=Document Signer Utopia (idproof test) \
                        is a Document Signer certificate (not a CA, or no keyCertSign): not a \
                        trust anchor; give the CSCA that issued it";

/// A fresh directory holding the specimen's `csca.der` and `dsc.der`.
fn pki_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("idproof-trust-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let doc = DocumentBuilder::specimen().build().unwrap();
    std::fs::write(dir.join("csca.der"), doc.pki.csca_der()).unwrap();
    std::fs::write(dir.join("dsc.der"), doc.pki.dsc_der()).unwrap();
    dir
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

fn stdout_lines(out: &std::process::Output) -> Vec<String> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_document_signer_is_counted_as_a_dsc_never_as_an_anchor() {
    let dir = pki_dir("dsc");
    let dsc = s(&dir.join("dsc.der"));
    let out = idproof(&["trust", "inspect", &dsc]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout_lines(&out),
        [
            "no trust anchors loaded; 1 Document Signers, 0 CRLs, 0 deviations, 0 countries"
                .to_owned(),
            format!(
                "  Certificate {dsc}: 1 certificates (0 new, 1 Document Signers (not anchors)), \
                 0 CRLs; not verified: Document Signer certificate(s) only: no trust anchor"
            ),
            format!("    note: {DSC_NOTE}"),
            String::new(),
            "  ctry CSCAs CRLs devs  validity".to_owned(),
        ]
    );
    let v = json_of(&idproof(&["trust", "inspect", &dsc, "--json"]));
    assert_eq!(
        (
            &v["verdict"],
            &v["certificates"],
            &v["document_signers"],
            &v["countries"]
        ),
        (&json!("valid"), &json!(0), &json!(1), &json!({}))
    );
    assert_eq!(
        v["sources"],
        json!([{
            "kind": "certificate", "label": dsc, "certificates": 1, "added": 0, "crls": 0,
            "document_signers": 1, "unrecognised": 0, "deviations": 0,
            "verification": "not_performed",
            "detail": "Document Signer certificate(s) only: no trust anchor",
            "refused": [], "notes": [DSC_NOTE],
        }])
    );
    // Its CSCA beside it is the one anchor; the DSC stays a DSC.
    let v = json_of(&idproof(&["trust", "inspect", &s(&dir), "--json"]));
    assert_eq!(
        (
            &v["certificates"],
            &v["document_signers"],
            &v["countries"]["UT"]["cscas"]
        ),
        (&json!(1), &json!(1), &json!(1))
    );
}

/// The refusal's reason, for each store the list met: nothing at all, only a DSC, an
/// unrelated CSCA. Only the first may say the store is empty.
#[test]
fn a_refused_list_says_what_the_store_held_and_names_flags_inspect_takes() {
    let dir = pki_dir("refused");
    let (dsc, csca, ml) = (s(&dir.join("dsc.der")), s(&dir.join("csca.der")), nl_list());
    let cases: [(&[&str], String); 3] = [
        (
            &[],
            "the trust store is empty: give CSCA certificates or master lists".to_owned(),
        ),
        (
            &[&dsc],
            "no trust anchors loaded (1 Document Signer certificate(s) only, which are not \
             anchors): give CSCA certificates or master lists"
                .to_owned(),
        ),
        (
            &[&csca],
            format!(
                "no CSCA in the trust store issued {NL_SIGNER} (issuer {NL_CSCA}, AKI \
                     F2423BA9C13C6815D65081792BF7307129046F336C2389950B82E998AC3BBCA4)"
            ),
        ),
    ];
    for (given, why) in cases {
        let mut args = vec!["trust", "inspect"];
        args.extend(given);
        args.push(&ml);
        let expected =
            format!("{ml}: not verified (master list: signer {NL_SIGNER}: {why}); {REMEDY}");
        let out = idproof(&[&args[..], &["--json"]].concat());
        assert_eq!(out.status.code(), Some(1), "{given:?}");
        let v = json_of(&out);
        assert_eq!(v["verdict"], "invalid");
        assert_eq!(
            v["failures"],
            json!([{"code": "TRUST_UNVERIFIED", "detail": expected}]),
            "{given:?}"
        );
        let out = idproof(&args);
        let lines = stdout_lines(&out);
        assert!(
            lines.contains(&format!("  REFUSED {expected}")),
            "{lines:#?}"
        );
        let anchors = if given == [csca.as_str()] {
            "1 trust anchors (CSCA and link certificates)"
        } else {
            "no trust anchors loaded"
        };
        let signers = usize::from(given == [dsc.as_str()]);
        let countries = usize::from(given == [csca.as_str()]);
        assert_eq!(
            lines[0],
            format!(
                "{anchors}; 1 source refused; {signers} Document Signers, 0 CRLs, 0 deviations, \
                 {countries} countries"
            )
        );
        // Only the store-empty case may say so, on any line.
        let empty = lines.iter().any(|l| l.contains("the trust store is empty"));
        assert_eq!(empty, given.is_empty(), "{lines:#?}");
    }
    // The remedy's flag is one `trust inspect` takes: following it loads the list.
    let out = idproof(&[
        "trust",
        "inspect",
        &ml,
        "--trust-unverified-lists",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_of(&out)["failures"], json!([]));
    // `verify`'s remedy (`--trust PATH`) is not one: inspect refuses it as a usage error, so
    // its message must never suggest it.
    let out = idproof(&["trust", "inspect", "--trust", &csca, &ml]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!REMEDY.contains("--trust "), "{REMEDY}");
}

/// RFC 4648 base64, for writing LDIF values.
fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                char::from(T[((n >> (18 - 6 * i)) & 63) as usize])
            } else {
                '='
            });
        }
    }
    out
}

/// An LDIF export with broken entries, as `trust inspect` shows it: the good CSCA loads,
/// each broken entry is one `refused DN: reason` line under its source, and the verdict is
/// still `valid` (nothing that needed verifying was refused).
#[test]
fn broken_ldif_entries_are_shown_one_by_one() {
    let dir = pki_dir("ldif");
    let doc = DocumentBuilder::specimen().build().unwrap();
    let dsc = doc.pki.dsc_der();
    let dn = |name: &str| format!("cn={name},c=UT,dc=data,dc=download,dc=pkd");
    let ldif = format!(
        "version: 1\n\ndn: {}\nuserCertificate;binary:: {}\n\ndn: {}\nuserCertificate;binary:: MII!\n\n\
         dn: {}\nuserCertificate;binary:: {}\n",
        dn("csca"),
        base64(doc.pki.csca_der()),
        dn("not-base64"),
        dn("cut"),
        base64(&dsc[..dsc.len() / 2]),
    );
    let path = dir.join("broken.ldif");
    std::fs::write(&path, ldif).unwrap();
    let label = s(&path);
    let out = idproof(&["trust", "inspect", &label]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = stdout_lines(&out);
    assert_eq!(
        lines[..4],
        [
            "1 trust anchors (CSCA and link certificates); 0 Document Signers, 0 CRLs, 0 \
             deviations, 1 countries"
                .to_owned(),
            format!(
                "  Ldif {label}: 1 certificates (1 new, 2 refused), 0 CRLs; not verified: 3 \
                 entries; certificates from LDIF are trusted as given"
            ),
            format!(
                "    refused {}: userCertificate;binary: not valid base64",
                dn("not-base64")
            ),
            format!(
                "    refused {}: certificate: truncated ASN.1 element",
                dn("cut")
            ),
        ]
    );
    let v = json_of(&idproof(&["trust", "inspect", &label, "--json"]));
    assert_eq!(v["verdict"], "valid");
    assert_eq!(
        v["sources"][0]["refused"],
        json!([
            {"entry": dn("not-base64"), "reason": "userCertificate;binary: not valid base64"},
            {"entry": dn("cut"), "reason": "certificate: truncated ASN.1 element"},
        ])
    );
}
