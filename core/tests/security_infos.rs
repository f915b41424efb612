//! SecurityInfos of every EF.CardAccess, EF.CardSecurity and DG14 among the shared vectors
//! (copied into `fixtures/data/`, see `fixtures/data/SOURCES.md`), each compared entry by entry
//! with what an independent reading of the DER gives (the expected lines below were produced
//! by a separate Python ASN.1 walk, not by this parser). Long values are pinned by the first 8
//! bytes of their SHA-256.

use idproof_core::access::security_info::{
    AlgorithmIdentifier, SecurityInfoError, SecurityInfos, oid,
};
use idproof_core::asn1::{Asn1Error, Mode};
use idproof_core::lds::{DataGroup, Dg14, LdsFile, ParsedFile, parse_file};
use idproof_core::{Error, ErrorCode};
use sha2::{Digest, Sha256};

fn data(path: &str) -> Vec<u8> {
    let full = format!("{}/../fixtures/data/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn hex_upper(b: &[u8]) -> String {
    hex::encode_upper(b)
}

fn digest(b: &[u8]) -> String {
    format!("sha256:{}", hex_upper(&Sha256::digest(b)[..8]))
}

/// Values up to `limit` bytes in hex, longer ones by digest.
fn shown(b: &[u8], limit: usize) -> String {
    if b.len() <= limit {
        hex_upper(b)
    } else {
        digest(b)
    }
}

fn id(v: Option<u32>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

fn alg(a: &AlgorithmIdentifier) -> String {
    format!(
        "alg={} params={}",
        a.algorithm,
        a.parameters
            .as_deref()
            .map_or_else(|| "-".to_string(), |p| shown(p, 16))
    )
}

/// One line per SecurityInfo, in the format of the expected tables.
fn render(infos: &SecurityInfos) -> Vec<String> {
    let mut out = Vec::new();
    for i in &infos.pace {
        out.push(format!(
            "PACE {} v{} param={}",
            i.protocol,
            i.version,
            id(i.parameter_id)
        ));
    }
    for i in &infos.pace_domain_parameters {
        out.push(format!(
            "PACE-DP {} {} id={}",
            i.protocol,
            alg(&i.domain_parameter),
            id(i.parameter_id)
        ));
    }
    for i in &infos.chip_authentication {
        out.push(format!(
            "CA {} v{} key={}",
            i.protocol,
            i.version,
            id(i.key_id)
        ));
    }
    for i in &infos.chip_authentication_domain_parameters {
        out.push(format!(
            "CA-DP {} {} key={}",
            i.protocol,
            alg(&i.domain_parameter),
            id(i.key_id)
        ));
    }
    for i in &infos.chip_authentication_public_keys {
        out.push(format!(
            "CA-PK {} {} pk={} key={}",
            i.protocol,
            alg(&i.public_key.algorithm),
            shown(&i.public_key.public_key, 100),
            id(i.key_id)
        ));
    }
    for i in &infos.terminal_authentication {
        let cvca = i.ef_cvca.map_or_else(
            || "-".to_string(),
            |f| {
                let sfid = f.sfid.map(|s| format!("/{s:02X}")).unwrap_or_default();
                format!("{}{sfid}", hex_upper(&f.fid))
            },
        );
        out.push(format!("TA {} v{} cvca={cvca}", i.protocol, i.version));
    }
    for i in &infos.active_authentication {
        out.push(format!(
            "AA {} v{} sig={}",
            i.protocol, i.version, i.signature_algorithm
        ));
    }
    for i in &infos.unknown {
        out.push(format!("UNKNOWN {} raw={}", i.protocol, shown(&i.raw, 16)));
    }
    for i in &infos.malformed {
        out.push(format!("MALFORMED {}", i.protocol));
    }
    if infos.trailing_bytes > 0 {
        out.push(format!("TRAILING {}", infos.trailing_bytes));
    }
    out
}

fn parse(kind: &str, bytes: &[u8]) -> SecurityInfos {
    match kind {
        "card_access" => SecurityInfos::from_card_access(bytes).unwrap(),
        "card_security" => SecurityInfos::from_card_security(bytes).unwrap(),
        "dg14" => Dg14::parse(bytes).unwrap().infos,
        other => panic!("{other}"),
    }
}

type Case = (&'static str, &'static str, &'static [&'static str]);

const CASES: &[Case] = &[
    (
        "card_access",
        "securityinfos/bsi_dh_EF_CardAccess.bin",
        &[
            "TA 0.4.0.127.0.7.2.2.2 v2 cvca=-",
            "CA 0.4.0.127.0.7.2.2.3.1.2 v2 key=1",
            "PACE 0.4.0.127.0.7.2.2.4.1.2 v2 param=0",
            "CA-DP 0.4.0.127.0.7.2.2.3.1 alg=0.4.0.127.0.7.1.2 params=020100 key=1",
            "UNKNOWN 0.4.0.127.0.7.2.2.6 raw=sha256:B69B617DD1D4F5EB",
            "UNKNOWN 0.4.0.127.0.7.2.2.8 raw=sha256:D0C93DDFE3D904FD",
        ],
    ),
    (
        "card_security",
        "securityinfos/bsi_dh_EF_CardSecurity.bin",
        &[
            "TA 0.4.0.127.0.7.2.2.2 v2 cvca=-",
            "CA 0.4.0.127.0.7.2.2.3.1.2 v2 key=1",
            "PACE 0.4.0.127.0.7.2.2.4.1.2 v2 param=0",
            "CA-DP 0.4.0.127.0.7.2.2.3.1 alg=0.4.0.127.0.7.1.2 params=020100 key=1",
            "UNKNOWN 0.4.0.127.0.7.2.2.6 raw=sha256:B69B617DD1D4F5EB",
            "UNKNOWN 0.4.0.127.0.7.2.2.5.1.3 raw=sha256:5EFAEB7777E44EC7",
            "UNKNOWN 0.4.0.127.0.7.2.2.5.1.3 raw=sha256:2AAB5CC89D977FEE",
            "UNKNOWN 0.4.0.127.0.7.2.2.5.1 raw=sha256:12418B42A531D506",
            "CA-PK 0.4.0.127.0.7.2.2.1.1 alg=0.4.0.127.0.7.1.2 params=020100 pk=sha256:CE6EB3068838A537 key=1",
        ],
    ),
    (
        "card_access",
        "securityinfos/bsi_ecdh_EF_CardAccess.bin",
        &[
            "TA 0.4.0.127.0.7.2.2.2 v2 cvca=-",
            "CA 0.4.0.127.0.7.2.2.3.2.2 v2 key=1",
            "PACE 0.4.0.127.0.7.2.2.4.2.2 v2 param=13",
            "CA-DP 0.4.0.127.0.7.2.2.3.2 alg=0.4.0.127.0.7.1.2 params=02010D key=1",
            "UNKNOWN 0.4.0.127.0.7.2.2.6 raw=sha256:B69B617DD1D4F5EB",
            "UNKNOWN 0.4.0.127.0.7.2.2.8 raw=sha256:F3079CD01D63174F",
        ],
    ),
    (
        "card_security",
        "cardsecurity/ecdh_EF_CardSecurity.bin",
        &[
            "TA 0.4.0.127.0.7.2.2.2 v2 cvca=-",
            "CA 0.4.0.127.0.7.2.2.3.2.2 v2 key=1",
            "PACE 0.4.0.127.0.7.2.2.4.2.2 v2 param=13",
            "CA-DP 0.4.0.127.0.7.2.2.3.2 alg=0.4.0.127.0.7.1.2 params=02010D key=1",
            "UNKNOWN 0.4.0.127.0.7.2.2.6 raw=sha256:B69B617DD1D4F5EB",
            "UNKNOWN 0.4.0.127.0.7.2.2.5.2.3 raw=sha256:F04D3432541C8E4B",
            "UNKNOWN 0.4.0.127.0.7.2.2.5.2.3 raw=sha256:B3ADC44EDCD59B64",
            "UNKNOWN 0.4.0.127.0.7.2.2.5.2 raw=sha256:F0EECD5352320E30",
            "CA-PK 0.4.0.127.0.7.2.2.1.2 alg=0.4.0.127.0.7.1.2 params=02010D pk=04A44EBE5451DF7AADB01E459B8C928A87746A57927C8C28A6775C97A7E1FE8D9A46FF4A1CC7E4D1389AEA19758E4F75C28C598FD734AEBEB135337CF95BE12E94 key=1",
        ],
    ),
    (
        "card_access",
        "securityinfos/bsi_ef_cardaccess_ca3.bin",
        &[
            "TA 0.4.0.127.0.7.2.2.2 v2 cvca=-",
            "CA 0.4.0.127.0.7.2.2.3.2.2 v2 key=72",
            "CA 0.4.0.127.0.7.2.2.3.2.2 v3 key=79",
            "PACE 0.4.0.127.0.7.2.2.4.2.2 v2 param=13",
            "PACE 0.4.0.127.0.7.2.2.4.6.2 v2 param=13",
            "UNKNOWN 0.4.0.127.0.7.2.2.11.1.2.3 raw=sha256:D1450B172E8FDAD0",
            "CA-DP 0.4.0.127.0.7.2.2.3.2 alg=0.4.0.127.0.7.1.2 params=02010D key=72",
            "CA-DP 0.4.0.127.0.7.2.2.3.2 alg=0.4.0.127.0.7.1.2 params=02010D key=79",
            "UNKNOWN 0.4.0.127.0.7.2.2.6 raw=sha256:14314AC5934E7969",
            "UNKNOWN 0.4.0.127.0.7.2.2.8 raw=sha256:73DE36358062FB91",
        ],
    ),
    (
        "card_access",
        "securityinfos/bsi_ef_cardaccess_dan.bin",
        &[
            "TA 0.4.0.127.0.7.2.2.2 v2 cvca=-",
            "CA 0.4.0.127.0.7.2.2.3.2.2 v2 key=65",
            "CA 0.4.0.127.0.7.2.2.3.2.2 v2 key=69",
            "PACE 0.4.0.127.0.7.2.2.4.2.2 v2 param=13",
            "CA-DP 0.4.0.127.0.7.2.2.3.2 alg=0.4.0.127.0.7.1.2 params=02010D key=65",
            "CA-DP 0.4.0.127.0.7.2.2.3.2 alg=0.4.0.127.0.7.1.2 params=02010D key=69",
            "UNKNOWN 0.4.0.127.0.7.2.2.6 raw=sha256:14314AC5934E7969",
        ],
    ),
    (
        "card_access",
        "securityinfos/bsi_ef_cardaccess_new_testcard.bin",
        &[
            "TA 0.4.0.127.0.7.2.2.2 v2 cvca=-",
            "CA 0.4.0.127.0.7.2.2.3.2.2 v2 key=65",
            "PACE 0.4.0.127.0.7.2.2.4.2.2 v2 param=13",
            "CA-DP 0.4.0.127.0.7.2.2.3.2 alg=0.4.0.127.0.7.1.2 params=02010D key=65",
            "UNKNOWN 0.4.0.127.0.7.2.2.6 raw=sha256:79C660B1505E14FD",
            "TRAILING 38",
        ],
    ),
    (
        "card_access",
        "securityinfos/bsi_ef_cardaccess_old_testcard.bin",
        &[
            "TA 0.4.0.127.0.7.2.2.2 v2 cvca=-",
            "CA 0.4.0.127.0.7.2.2.3.2.2 v2 key=-",
            "PACE 0.4.0.127.0.7.2.2.4.2.2 v1 param=-",
            "UNKNOWN 0.4.0.127.0.7.2.2.6 raw=sha256:B92955E8B1E5E28F",
            "CA-DP 0.4.0.127.0.7.2.2.3.2 alg=0.4.0.127.0.7.1.1.5.2.2.2 params=sha256:299CA2288B76662B key=-",
            "PACE-DP 0.4.0.127.0.7.2.2.4.2 alg=0.4.0.127.0.7.1.1.5.2.2.2 params=sha256:299CA2288B76662B id=-",
        ],
    ),
    (
        "card_access",
        "securityinfos/bsi_ef_cardaccess_slowenia.bin",
        &[
            "CA 0.4.0.127.0.7.2.2.3.2.1 v1 key=3",
            "CA-DP 0.4.0.127.0.7.2.2.3.2 alg=0.4.0.127.0.7.1.2 params=02010D key=3",
            "TA 0.4.0.127.0.7.2.2.2 v1 cvca=011A/1A",
            "UNKNOWN 1.0.24727.3.0.9 raw=sha256:99E70AF778F09963",
            "TRAILING 2",
        ],
    ),
    (
        "card_security",
        "cardsecurity/ef_cardsecurity_dan.bin",
        &[
            "TA 0.4.0.127.0.7.2.2.2 v2 cvca=-",
            "CA 0.4.0.127.0.7.2.2.3.2.2 v2 key=65",
            "PACE 0.4.0.127.0.7.2.2.4.2.2 v2 param=13",
            "UNKNOWN 0.4.0.127.0.7.2.2.5.2.3 raw=sha256:75770A43BC138907",
            "UNKNOWN 0.4.0.127.0.7.2.2.5.2.3 raw=sha256:289CDAF337E6595F",
            "UNKNOWN 0.4.0.127.0.7.2.2.5.2 raw=sha256:F0EECD5352320E30",
            "CA-DP 0.4.0.127.0.7.2.2.3.2 alg=0.4.0.127.0.7.1.2 params=02010D key=65",
            "UNKNOWN 0.4.0.127.0.7.2.2.6 raw=sha256:14314AC5934E7969",
            "CA-PK 0.4.0.127.0.7.2.2.1.2 alg=0.4.0.127.0.7.1.2 params=02010D pk=04925DB4E17ADE58209F96FAA07F1F8A223F823F96CC5D78CBEF5D17422088FDD58E56BC4250DE3346B3C832CAE48635FB6C43789DE8B3102F4393B418E24A13D9 key=65",
        ],
    ),
    (
        "dg14",
        "securityinfos/gmrtd_DG14_AT.bin",
        &[
            "TA 0.4.0.127.0.7.2.2.2 v1 cvca=-",
            "CA 0.4.0.127.0.7.2.2.3.2.2 v1 key=-",
            "PACE 0.4.0.127.0.7.2.2.4.2.2 v2 param=13",
            "CA-PK 0.4.0.127.0.7.2.2.1.2 alg=1.2.840.10045.2.1 params=sha256:EF6B106CAD7E960E pk=041983917269AC877C0B61544C2C022000D2A5ABA723E2D80141E648B40911DC3459761F27480E4B57181A53D8FE1190EA86C939AC14363178CAFFC621F0F905C3 key=-",
        ],
    ),
    (
        "dg14",
        "securityinfos/gmrtd_DG14_MY.bin",
        &[
            "CA-PK 0.4.0.127.0.7.2.2.1.2 alg=1.2.840.10045.2.1 params=sha256:EF6B106CAD7E960E pk=04A04F85AFDFC316FB5E9F33F94CA45837D20D9D91AD5002307C3F124B6EF5B92565D018A6B7F69DB73976BFBB4278757405C64E96104D161649E8A94078EAEFCE key=-",
            "CA 0.4.0.127.0.7.2.2.3.2.1 v1 key=-",
            "TA 0.4.0.127.0.7.2.2.2 v1 cvca=-",
        ],
    ),
    (
        "dg14",
        "securityinfos/gmrtd_DG14_generic.bin",
        &[
            "CA-PK 0.4.0.127.0.7.2.2.1.2 alg=1.2.840.10045.2.1 params=sha256:F6D2923647779382 pk=047777B5202C812EA334F4295B6AE711F70CC77CA43A53560569603CB92FB55C084D714BCF291F3C4DBB8EAD1278FCA88C3D6ADEBD71F9E2DE90CB0450F8AB7CDCBA5AF6752EB3C57EA7D5F126E21C10CEDD0FCB6D7FF2F57A713306E59882B51D key=-",
            "CA 0.4.0.127.0.7.2.2.3.2.4 v1 key=-",
            "TA 0.4.0.127.0.7.2.2.2 v1 cvca=-",
            "PACE 0.4.0.127.0.7.2.2.4.2.4 v2 param=16",
            "PACE 0.4.0.127.0.7.2.2.4.6.4 v2 param=16",
        ],
    ),
    (
        "dg14",
        "securityinfos/gmrtd_DG14_nistP256_no_CAInfo.bin",
        &[
            "CA-PK 0.4.0.127.0.7.2.2.1.2 alg=1.2.840.10045.2.1 params=sha256:5F619BBE9633B196 pk=048367FC170D90AD53A28C6526A9C7EC4F5C59C4F7F5D992583F951A1654B4D1D6332163A33D82CBF245154887A8812ED9A55C15AD9D5C5C463851875BBA9AEABD key=-",
            "PACE 0.4.0.127.0.7.2.2.4.2.4 v2 param=12",
        ],
    ),
    (
        "dg14",
        "securityinfos/gmrtd_DG14_with_keyid_brainpoolP256r1.bin",
        &[
            "TA 0.4.0.127.0.7.2.2.2 v1 cvca=-",
            "PACE 0.4.0.127.0.7.2.2.4.2.2 v2 param=13",
            "PACE 0.4.0.127.0.7.2.2.4.6.2 v2 param=13",
            "CA 0.4.0.127.0.7.2.2.3.2.2 v1 key=195",
            "CA-PK 0.4.0.127.0.7.2.2.1.2 alg=1.2.840.10045.2.1 params=sha256:EF6B106CAD7E960E pk=047036BC5D0BCF31913B59103BB6F2C0C98C99EF4C19B9517340B76BFE4EE2194C76C3F3314E021D4B092DB5A32AB7D6E297F2FBEAE45AA28DEFC4DA750FEAD54E key=195",
        ],
    ),
    (
        "card_access",
        "securityinfos/gmrtd_EF_CardAccess_AT.bin",
        &["PACE 0.4.0.127.0.7.2.2.4.2.2 v2 param=13"],
    ),
    (
        "card_access",
        "securityinfos/gmrtd_EF_CardAccess_DE.bin",
        &[
            "PACE 0.4.0.127.0.7.2.2.4.2.2 v2 param=13",
            "PACE 0.4.0.127.0.7.2.2.4.6.2 v2 param=13",
        ],
    ),
    (
        "card_access",
        "securityinfos/gmrtd_EF_CardAccess_SG.bin",
        &["PACE 0.4.0.127.0.7.2.2.4.2.4 v2 param=13"],
    ),
    (
        "card_access",
        "securityinfos/gmrtd_SecurityInfos_DE_CardSecurity_content.bin",
        &[
            "TA 0.4.0.127.0.7.2.2.2 v2 cvca=-",
            "CA 0.4.0.127.0.7.2.2.3.2.2 v2 key=72",
            "PACE 0.4.0.127.0.7.2.2.4.2.2 v2 param=13",
            "PACE 0.4.0.127.0.7.2.2.4.6.2 v2 param=13",
            "CA-DP 0.4.0.127.0.7.2.2.3.2 alg=0.4.0.127.0.7.1.2 params=02010D key=72",
            "CA-PK 0.4.0.127.0.7.2.2.1.2 alg=0.4.0.127.0.7.1.2 params=02010D pk=04614CD88B00821A887869D0060B44A9D18789353E8CF7DFBC3F29F79327DE30B97B1B2DDA0BE77F24AD415C327C7B7AB2E9C10B0258F5BCBF90C01825FBDFDEF7 key=13",
            "CA-PK 0.4.0.127.0.7.2.2.1.2 alg=0.4.0.127.0.7.1.2 params=02010D pk=048488A2DC34B6B36D6C01A8DFBD70A874610C53B32893A1DE3B1C4BBF477EEF3761AA51DFD6B52DA43587E95386FC34FFE178D90086A7D646047C82BEBC27DA3E key=72",
        ],
    ),
    (
        "card_access",
        "securityinfos/gmrtd_SecurityInfos_DE_DG14_content.bin",
        &[
            "TA 0.4.0.127.0.7.2.2.2 v1 cvca=-",
            "PACE 0.4.0.127.0.7.2.2.4.2.2 v2 param=13",
            "PACE 0.4.0.127.0.7.2.2.4.6.2 v2 param=13",
            "CA 0.4.0.127.0.7.2.2.3.2.2 v1 key=195",
            "CA-PK 0.4.0.127.0.7.2.2.1.2 alg=1.2.840.10045.2.1 params=sha256:EF6B106CAD7E960E pk=047036BC5D0BCF31913B59103BB6F2C0C98C99EF4C19B9517340B76BFE4EE2194C76C3F3314E021D4B092DB5A32AB7D6E297F2FBEAE45AA28DEFC4DA750FEAD54E key=195",
        ],
    ),
    (
        "dg14",
        "sod/etsi_DFLT_EACAA_EF_DG14.bin",
        &[
            "CA-PK 0.4.0.127.0.7.2.2.1.2 alg=1.2.840.10045.2.1 params=sha256:9C20CDF9EEBDFBD4 pk=047BEAAD1C2738A816525EE6B96823028B975E6EA1A2284105A6AAE2A42A2D83EFF9FAC24EE4ECCFCB1214AB3AD10C01782D465532B8D27E29 key=-",
            "CA 0.4.0.127.0.7.2.2.3.2.1 v1 key=-",
            "TA 0.4.0.127.0.7.2.2.2 v1 cvca=-",
        ],
    ),
    (
        "dg14",
        "securityinfos/pymrtd_etsi_EAC_LDS_F06_EF_DG14.bin",
        &[
            "CA-PK 0.4.0.127.0.7.2.2.1.2 alg=1.2.840.10045.2.1 params=sha256:9C20CDF9EEBDFBD4 pk=043BAFA045BF1A7504CEC6EC8A6ACEC37BDDB86D0B558F926C24EA3DC83638DAE2BC09DC23579FF3CAFF445A91E9E02E83C592874010CC0B70 key=-",
            "CA 0.4.0.127.0.7.2.2.3.2.1 v16 key=-",
            "TA 0.4.0.127.0.7.2.2.2 v1 cvca=-",
        ],
    ),
    (
        "dg14",
        "lds/bsi2008_Datagroup14.bin",
        &[
            "CA-PK 0.4.0.127.0.7.2.2.1.2 alg=1.2.840.10045.2.1 params=sha256:9C20CDF9EEBDFBD4 pk=043674AC25770268F4C1810A06AAEE78674C41805C005262782A16CDB71AD64BFCBF2CD40A2C78372CB8D25722C495FE849D81054754CA9DD0 key=-",
            "CA 0.4.0.127.0.7.2.2.3.2.1 v1 key=-",
            "TA 0.4.0.127.0.7.2.2.2 v1 cvca=-",
        ],
    ),
    (
        "dg14",
        "lds/bsi-tr03105_Datagroup14.bin",
        &[
            "CA-PK 0.4.0.127.0.7.2.2.1.2 alg=1.2.840.10045.2.1 params=sha256:9C20CDF9EEBDFBD4 pk=04A847F020F71DF33D386BE7C9223A354D6AC7727018B26E281C6FFB96A83B142AAF303C23F2BCF2CDE4706C14E45914A9BE42C15BCB67A01F key=-",
            "CA 0.4.0.127.0.7.2.2.3.2.1 v1 key=-",
            "TA 0.4.0.127.0.7.2.2.2 v1 cvca=-",
        ],
    ),
    (
        "dg14",
        "securityinfos/jmrtd-legacy_spec_sample_encoded_dg14.bin",
        &[
            "CA-PK 0.4.0.127.0.7.2.2.1.1 alg=1.2.840.113549.1.3.1 params=sha256:D87390FC393443DA pk=sha256:2F29A32C3575D5E0 key=-",
            "CA 0.4.0.127.0.7.2.2.3.1.1 v1 key=-",
            "TA 0.4.0.127.0.7.2.2.2 v1 cvca=-",
        ],
    ),
    (
        "card_security",
        "cardsecurity/jmrtd-efcardsecurity.dump",
        &[
            "TA 0.4.0.127.0.7.2.2.2 v2 cvca=-",
            "CA 0.4.0.127.0.7.2.2.3.2.2 v2 key=-",
            "CA-DP 0.4.0.127.0.7.2.2.3.2 alg=0.4.0.127.0.7.1.2 params=02010D key=-",
            "MALFORMED 0.4.0.127.0.7.2.2.1.2",
        ],
    ),
    (
        "card_security",
        "sod/DE/EF_CardSecurity.bin",
        &[
            "TA 0.4.0.127.0.7.2.2.2 v2 cvca=-",
            "CA 0.4.0.127.0.7.2.2.3.2.2 v2 key=72",
            "PACE 0.4.0.127.0.7.2.2.4.2.2 v2 param=13",
            "PACE 0.4.0.127.0.7.2.2.4.6.2 v2 param=13",
            "CA-DP 0.4.0.127.0.7.2.2.3.2 alg=0.4.0.127.0.7.1.2 params=02010D key=72",
            "CA-PK 0.4.0.127.0.7.2.2.1.2 alg=0.4.0.127.0.7.1.2 params=02010D pk=04614CD88B00821A887869D0060B44A9D18789353E8CF7DFBC3F29F79327DE30B97B1B2DDA0BE77F24AD415C327C7B7AB2E9C10B0258F5BCBF90C01825FBDFDEF7 key=13",
            "CA-PK 0.4.0.127.0.7.2.2.1.2 alg=0.4.0.127.0.7.1.2 params=02010D pk=048488A2DC34B6B36D6C01A8DFBD70A874610C53B32893A1DE3B1C4BBF477EEF3761AA51DFD6B52DA43587E95386FC34FFE178D90086A7D646047C82BEBC27DA3E key=72",
        ],
    ),
    (
        "card_security",
        "sod/FI/EF_CardSecurity.bin",
        &[
            "PACE 0.4.0.127.0.7.2.2.4.2.4 v2 param=16",
            "PACE 0.4.0.127.0.7.2.2.4.6.4 v2 param=16",
            "CA-PK 0.4.0.127.0.7.2.2.1.2 alg=0.4.0.127.0.7.1.2 params=020110 pk=047777B5202C812EA334F4295B6AE711F70CC77CA43A53560569603CB92FB55C084D714BCF291F3C4DBB8EAD1278FCA88C3D6ADEBD71F9E2DE90CB0450F8AB7CDCBA5AF6752EB3C57EA7D5F126E21C10CEDD0FCB6D7FF2F57A713306E59882B51D key=16",
        ],
    ),
];

#[test]
fn every_vector_file_parses_to_its_expected_security_infos() {
    for (kind, path, expected) in CASES {
        let infos = parse(kind, &data(path));
        let mut got = render(&infos);
        let mut want: Vec<String> = expected.iter().map(ToString::to_string).collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{path}");
        assert_eq!(infos.encoding, Mode::Der, "{path}");
        let counted = expected
            .iter()
            .filter(|l| !l.starts_with("TRAILING"))
            .count();
        assert_eq!(infos.len(), counted, "{path}");
    }
}

#[test]
fn dg14_is_parsed_by_tag_and_keeps_its_bytes() {
    let bytes = data("securityinfos/gmrtd_DG14_with_keyid_brainpoolP256r1.bin");
    let ParsedFile::Dg14(dg14) = parse_file(LdsFile::Dg(DataGroup::DG14), &bytes).unwrap() else {
        panic!("not parsed as DG14");
    };
    assert_eq!(dg14.raw(), bytes.as_slice());
    let infos = &dg14.infos;
    // The DE passport's CA key has keyId 195, encoded as INTEGER 00C3.
    assert_eq!(infos.chip_authentication[0].key_id, Some(195));
    assert_eq!(
        infos.chip_authentication[0].protocol,
        oid::ID_CA_ECDH_AES_CBC_CMAC_128
    );
    let key = &infos.chip_authentication_public_keys[0];
    assert_eq!(key.protocol, oid::ID_PK_ECDH);
    assert_eq!(key.key_id, Some(195));
    assert_eq!(key.public_key.algorithm.algorithm, oid::ID_EC_PUBLIC_KEY);
    assert_eq!(key.public_key.public_key.len(), 65);
    // The SPKI's raw bytes are the DER inside the file, from its SEQUENCE header on.
    assert_eq!(&key.public_key.raw[..4], &[0x30, 0x82, 0x01, 0x33]);
    assert!(
        bytes
            .windows(key.public_key.raw.len())
            .any(|w| w == key.public_key.raw.as_slice())
    );
}

#[test]
fn standardized_domain_parameters_give_their_id() {
    let infos =
        SecurityInfos::from_card_access(&data("securityinfos/bsi_ef_cardaccess_dan.bin")).unwrap();
    let ids: Vec<_> = infos
        .chip_authentication_domain_parameters
        .iter()
        .map(|d| (d.key_id, d.domain_parameter.standardized_parameter_id()))
        .collect();
    assert_eq!(ids, vec![(Some(65), Some(13)), (Some(69), Some(13))]);
    let old =
        SecurityInfos::from_card_access(&data("securityinfos/bsi_ef_cardaccess_old_testcard.bin"))
            .unwrap();
    // Explicit parameters are not standardized ones.
    assert_eq!(
        old.pace_domain_parameters[0]
            .domain_parameter
            .standardized_parameter_id(),
        None
    );
}

#[test]
fn slovenian_card_access_has_ef_cvca_and_trailing_status_word() {
    let bytes = data("securityinfos/bsi_ef_cardaccess_slowenia.bin");
    let infos = SecurityInfos::parse(&bytes).unwrap();
    assert_eq!(infos.trailing_bytes, 2);
    assert_eq!(&bytes[bytes.len() - 2..], &[0x62, 0x82]);
    let ta = &infos.terminal_authentication[0];
    let cvca = ta.ef_cvca.unwrap();
    assert_eq!((cvca.fid, cvca.sfid), ([0x01, 0x1A], Some(0x1A)));
    assert_eq!(infos.unknown[0].protocol, "1.0.24727.3.0.9");
    assert_eq!(
        infos.unknown[0].raw,
        hex::decode("300F06072881C1170300090201010201 06".replace(' ', "")).unwrap()
    );
    // The same bytes are refused where the SET must fill its container.
    assert_eq!(
        SecurityInfos::parse_exact(&bytes),
        Err(SecurityInfoError::Trailing(2))
    );
}

#[test]
fn flattened_public_key_info_is_kept_as_malformed() {
    // JMRTD's sample EF.CardSecurity puts AlgorithmIdentifier and BIT STRING directly in the
    // ChipAuthenticationPublicKeyInfo instead of inside a SubjectPublicKeyInfo.
    let infos =
        SecurityInfos::from_card_security(&data("cardsecurity/jmrtd-efcardsecurity.dump")).unwrap();
    assert!(infos.chip_authentication_public_keys.is_empty());
    let bad = &infos.malformed[0];
    assert_eq!(bad.protocol, oid::ID_PK_ECDH);
    assert_eq!(
        bad.problem,
        "SubjectPublicKeyInfo: expected AlgorithmIdentifier, found tag 0x06"
    );
    assert_eq!(&bad.raw[..2], &[0x30, 0x5D]);
}

#[test]
fn invalid_ca_version_is_read_as_written() {
    // ETSI F06: ChipAuthenticationInfo version 16. Parsing keeps it; chip authentication
    // refuses it.
    let dg14 = Dg14::parse(&data("securityinfos/pymrtd_etsi_EAC_LDS_F06_EF_DG14.bin")).unwrap();
    assert_eq!(dg14.infos.chip_authentication[0].version, 16);
}

#[test]
fn active_authentication_info_is_typed() {
    // SET { SEQUENCE { id-AA, 1, ecdsa-with-SHA256 } }
    let bytes =
        hex::decode("31173015060667810801010502010106082A8648CE3D040302".replace(' ', "")).unwrap();
    let infos = SecurityInfos::parse_exact(&bytes).unwrap();
    assert_eq!(infos.active_authentication.len(), 1);
    let aa = &infos.active_authentication[0];
    assert_eq!(
        (
            aa.protocol.as_str(),
            aa.version,
            aa.signature_algorithm.as_str()
        ),
        (oid::ID_AA, 1, "1.2.840.10045.4.3.2")
    );
    // Without its signature algorithm it is malformed, not fatal.
    let bytes = hex::decode("310D300B0606678108010105020101".replace(' ', "")).unwrap();
    let infos = SecurityInfos::parse(&bytes).unwrap();
    assert_eq!(infos.malformed.len(), 1);
    assert_eq!(infos.malformed[0].protocol, oid::ID_AA);
}

#[test]
fn known_protocols_with_the_wrong_shape_are_malformed_not_fatal() {
    for (der, problem) in [
        // PACEInfo without version
        ("310E300C060A04007F00070202040202", "version"),
        // PACEInfo with a negative version
        ("3111300F060A04007F000702020402020201FF", "version"),
        // ChipAuthenticationInfo with a keyId beyond 32 bits
        (
            "31183016060A04007F0007020203020202010102050100000000",
            "out of range",
        ),
        // TerminalAuthenticationInfo with a 3-byte fid
        ("31163014060804007F000702020202010130050403011A1A", "fid"),
        // PACEInfo with an extra field
        ("31163014060A04007F0007020204020202010202010D0500", "extra"),
    ] {
        let bytes = hex::decode(der).unwrap();
        let infos = SecurityInfos::parse(&bytes).unwrap_or_else(|e| panic!("{der}: {e}"));
        assert_eq!(infos.len(), 1, "{der}");
        assert_eq!(infos.malformed.len(), 1, "{der}");
        assert!(
            infos.malformed[0].problem.contains(problem),
            "{der}: {}",
            infos.malformed[0].problem
        );
        assert_eq!(infos.malformed[0].raw, bytes[2..], "{der}");
    }
}

#[test]
fn broken_containers_are_errors() {
    // Not a SET.
    assert_eq!(
        SecurityInfos::parse(&hex::decode("3000").unwrap()),
        Err(SecurityInfoError::NotASet(0x30))
    );
    // An element that is not SEQUENCE { OID, … }.
    assert!(matches!(
        SecurityInfos::parse(&hex::decode("3103020101").unwrap()),
        Err(SecurityInfoError::NotASecurityInfo { index: 0, .. })
    ));
    assert!(matches!(
        SecurityInfos::parse(&hex::decode("310830030201013001").unwrap()),
        Err(SecurityInfoError::Asn1(_))
    ));
    assert!(matches!(
        SecurityInfos::parse(&hex::decode("31053003020101").unwrap()),
        Err(SecurityInfoError::NotASecurityInfo { index: 0, .. })
    ));
    // Empty input, truncated SET.
    assert_eq!(
        SecurityInfos::parse(&[]),
        Err(SecurityInfoError::Asn1(Asn1Error::Truncated))
    );
    assert_eq!(
        SecurityInfos::parse(&hex::decode("31143012060A04007F00070202").unwrap()),
        Err(SecurityInfoError::Asn1(Asn1Error::Truncated))
    );
    // An empty SET is well-formed and empty.
    assert!(SecurityInfos::parse(&[0x31, 0x00]).unwrap().is_empty());
    // An EF.SOD's ContentInfo is SignedData, but not of SecurityInfos.
    let sod = data("sod/DE/EF_SOD.bin");
    let ci = idproof_core::lds::Sod::parse(&sod)
        .unwrap()
        .content_info()
        .to_vec();
    assert_eq!(
        SecurityInfos::from_card_security(&ci),
        Err(SecurityInfoError::ContentType("2.23.136.1.1.1".into()))
    );
    // A DG14 whose value is not a SET is an LDS format error naming DG14.
    let err = Dg14::parse(&hex::decode("6E03020101").unwrap()).unwrap_err();
    assert_eq!(err.file(), LdsFile::Dg(DataGroup::DG14));
    assert_eq!(Error::from(err).code, ErrorCode::LdsFormat);
    assert_eq!(
        Error::from(SecurityInfoError::NotASet(4)).code,
        ErrorCode::LdsFormat
    );
}

#[test]
fn every_truncation_of_every_vector_is_an_error() {
    for (kind, path, _) in CASES {
        let bytes = data(path);
        // EF.CardAccess tolerates trailing bytes, so cutting them off is fine; cut into the SET.
        let whole = match *kind {
            "card_access" => bytes.len() - parse(kind, &bytes).trailing_bytes,
            _ => bytes.len(),
        };
        for cut in 0..whole {
            let prefix = &bytes[..cut];
            let failed = match *kind {
                "card_access" => SecurityInfos::from_card_access(prefix).is_err(),
                "card_security" => SecurityInfos::from_card_security(prefix).is_err(),
                _ => Dg14::parse(prefix).is_err(),
            };
            assert!(failed, "{path} cut at {cut}");
        }
    }
}
