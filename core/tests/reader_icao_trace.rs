//! The reader pinned to ICAO 9303-11 Appendix D: with the same random numbers, `ReadSession`
//! must send exactly the worked example's commands (BAC D.3, secure messaging D.4) and decode
//! exactly its EF.COM. The chip side here is the published trace, not our virtual chip.

mod common;

use common::CyclingRng;
use idproof_core::ErrorCode;
use idproof_core::lds::LdsFile;
use idproof_core::mrz::MrzKey;
use idproof_core::reader::{AccessKey, ReadOptions, ReadSession, Step};

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

fn icao_session() -> ReadSession {
    // D.3: RND.IFD = 781723860C06C226, K.IFD = 0B795240CB7049B01C19B33E32804F0B.
    let rng = CyclingRng::new(h("781723860C06C2260B795240CB7049B01C19B33E32804F0B"));
    let key = MrzKey::new("L898902C", "690806", "940623").unwrap();
    ReadSession::new(AccessKey::Mrz(key), ReadOptions::default(), Box::new(rng))
}

/// Steps the session until it wants to transmit; returns the command.
fn next_command(session: &mut ReadSession, reply: Option<&[u8]>) -> Vec<u8> {
    let mut reply = reply;
    loop {
        match session.step(reply.take()) {
            Step::Transmit(c) => return c,
            Step::Progress(_) => {}
            Step::Done(d) => panic!("unexpected end: {d:?}"),
            Step::Failed(e) => panic!("unexpected failure: {e}"),
        }
    }
}

#[test]
fn reader_reproduces_icao_appendix_d_bac_and_sm_trace() {
    let mut s = icao_session();
    // Probe of EF.ATR/INFO (not in the worked example): the chip has none.
    assert_eq!(next_command(&mut s, None), h("00B0810000"));
    // Probe of EF.CardAccess by SFI 1C (a BAC-only chip has none, so no PACE).
    let c = next_command(&mut s, Some(&h("6A82")));
    assert_eq!(c, h("00B09C0000"));
    // SELECT eMRTD application.
    let c = next_command(&mut s, Some(&h("6A82")));
    assert_eq!(c, h("00A4040C07A0000002471001"));
    // D.3 GET CHALLENGE.
    let c = next_command(&mut s, Some(&h("9000")));
    assert_eq!(c, h("0084000008"));
    // D.3 EXTERNAL AUTHENTICATE, byte for byte.
    let c = next_command(&mut s, Some(&h("4608F919887022129000")));
    assert_eq!(
        c,
        h(
            "008200002872C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A728"
        )
    );
    // D.4 SELECT EF.COM under secure messaging.
    let c = next_command(
        &mut s,
        Some(&h(
            "46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D74499000",
        )),
    );
    assert_eq!(
        c,
        h("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")
    );
    // D.4 READ BINARY of the first four bytes.
    let c = next_command(&mut s, Some(&h("990290008E08FA855A5D4C50A8ED9000")));
    assert_eq!(c, h("0CB000000D9701048E08ED6705417E96BA5500"));
    // D.4 READ BINARY of the remaining 0x12 bytes at offset 4.
    let c = next_command(
        &mut s,
        Some(&h("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000")),
    );
    assert_eq!(c, h("0CB000040D9701128E082EA28A70F3C7B53500"));
    // The reply completes EF.COM (DG1 and DG2 listed): the reader moves on to EF.SOD.
    let c = next_command(
        &mut s,
        Some(&h(
            "871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000",
        )),
    );
    // SELECT (INS A4) of a file, protected; its content is encrypted so only the header is fixed.
    assert_eq!(&c[..4], &h("0CA4020C")[..]);
    assert_eq!(s.stats().apdus, 9);
}

#[test]
fn wrong_mrz_key_is_access_denied() {
    let mut s = icao_session();
    next_command(&mut s, None);
    next_command(&mut s, Some(&h("6A82")));
    next_command(&mut s, Some(&h("6A82")));
    next_command(&mut s, Some(&h("9000")));
    next_command(&mut s, Some(&h("4608F919887022129000")));
    // A chip that does not know our key answers 6300.
    match s.step(Some(&h("6300"))) {
        Step::Failed(e) => assert_eq!(e.code, ErrorCode::AccessDenied),
        other => panic!("expected ACCESS_DENIED, got {other:?}"),
    }
    // The error sticks.
    assert!(matches!(s.step(None), Step::Failed(e) if e.code == ErrorCode::AccessDenied));
}

#[test]
fn tampered_reply_mac_fails_secure_messaging() {
    let mut s = icao_session();
    next_command(&mut s, None);
    next_command(&mut s, Some(&h("6A82")));
    next_command(&mut s, Some(&h("6A82")));
    next_command(&mut s, Some(&h("9000")));
    next_command(&mut s, Some(&h("4608F919887022129000")));
    next_command(
        &mut s,
        Some(&h(
            "46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D74499000",
        )),
    );
    // SELECT EF.COM's reply with one MAC bit flipped.
    match s.step(Some(&h("990290008E08FA855A5D4C50A8EC9000"))) {
        Step::Failed(e) => assert_eq!(e.code, ErrorCode::SecureMessaging),
        other => panic!("expected SECURE_MESSAGING, got {other:?}"),
    }
    let _ = LdsFile::Com;
}
