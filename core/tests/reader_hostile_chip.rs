//! `ReadSession` against hostile chips: random replies, a valid ICAO 9303-11 Appendix D prefix
//! followed by hostile or well-formed-but-malicious secure-messaging replies, and connection
//! losses at every point of the trace.
//!
//! The chip side is a small virtual chip: it answers the plain part of the session (ATR/INFO
//! probe, SELECT, GET CHALLENGE, EXTERNAL AUTHENTICATE) with the Appendix D trace, then mirrors
//! the terminal's secure messaging with the Appendix D session keys: it verifies every protected
//! command's MAC, decrypts it, and wraps whatever plaintext a test chooses in a correctly MACed
//! reply. So the reader's MAC check passes and the hostile plaintext reaches the parsing code.

mod common;

use common::CyclingRng;
use idproof_core::codec::CommandApdu;
use idproof_core::codec::StatusWord;
use idproof_core::codec::tlv::{self, TlvIter};
use idproof_core::crypto::pad_m2;
use idproof_core::lds::{DataGroup, LdsFile};
use idproof_core::mrz::MrzKey;
use idproof_core::reader::{
    AaExchange, AaResponse, AccessKey, Document, ExtendedLength, Phase, ReadOptions, ReadSession,
    Step,
};
use idproof_core::sm::{SecureMessaging, SmKeys, increment_ssc, push_do};
use idproof_core::{Error, ErrorCode};
use proptest::prelude::*;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

// ---------------------------------------------------------------------------------------------
// ICAO 9303-11 Appendix D values.

/// D.3: RND.IFD ‖ K.IFD.
const TERMINAL_RANDOM: &str = "781723860C06C2260B795240CB7049B01C19B33E32804F0B";
/// D.3: RND.IC, the GET CHALLENGE reply.
const CHALLENGE_REPLY: &str = "4608F919887022129000";
/// D.3: the EXTERNAL AUTHENTICATE command the terminal sends with the values above.
const EXTERNAL_AUTH: &str =
    "008200002872C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A728";
/// D.3: the chip's EXTERNAL AUTHENTICATE reply (E.IC ‖ M.IC).
const EXTERNAL_AUTH_REPLY: &str =
    "46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D74499000";
/// D.3: session keys and the initial send sequence counter.
const KS_ENC: &str = "979EC13B1CBFE9DCD01AB0FED307EAE5";
const KS_MAC: &str = "F1CB1F1FB5ADF208806B89DC579DC1F8";
const SSC: &str = "887022120C06C226";
/// D.4: EF.COM (LDS 1.7, Unicode 4.0.0, DG1 and DG2).
const EF_COM: &str = "60145F0104303130365F36063034303030305C026175";
/// D.4: the chip's reply to SELECT EF.COM (SW 9000, protected, at SSC ...C228).
const SELECT_COM_REPLY: &str = "990290008E08FA855A5D4C50A8ED9000";

fn session(options: ReadOptions) -> ReadSession {
    let key = MrzKey::new("L898902C", "690806", "940623").unwrap();
    ReadSession::new(
        AccessKey::Mrz(key),
        options,
        Box::new(CyclingRng::new(h(TERMINAL_RANDOM))),
    )
}

fn app_d_keys() -> SmKeys {
    let enc: [u8; 16] = h(KS_ENC).try_into().unwrap();
    let mac: [u8; 16] = h(KS_MAC).try_into().unwrap();
    SecureMessaging::tdes(&enc, &mac, [0; 8]).keys().clone()
}

fn app_d_ssc() -> [u8; 8] {
    h(SSC).try_into().unwrap()
}

// ---------------------------------------------------------------------------------------------
// The virtual chip.

/// A protected command as the chip sees it after checking its MAC and decrypting it.
#[derive(Debug, Clone)]
struct Command {
    ins: u8,
    p1: u8,
    p2: u8,
    data: Vec<u8>,
    le: Option<usize>,
}

impl Command {
    /// READ BINARY offset: P1-P2 for B0, DO'54' for B1.
    fn read_offset(&self) -> usize {
        if self.ins == 0xB1 {
            let (do54, _) = tlv::Tlv::parse(&self.data).unwrap();
            assert_eq!(do54.tag, 0x54, "B1 command without DO'54'");
            do54.value
                .iter()
                .fold(0, |acc, b| (acc << 8) | usize::from(*b))
        } else {
            usize::from(u16::from_be_bytes([self.p1, self.p2]))
        }
    }
}

/// What the chip answers to one protected command.
#[derive(Debug, Clone)]
enum Answer {
    /// A correctly MACed reply carrying this plaintext (empty: no DO'87') and status word.
    Secure(Vec<u8>, u16),
    /// A bare status word without secure messaging; the chip drops its SM session.
    Plain(u16),
    /// Exactly these bytes.
    Raw(Vec<u8>),
}

/// Wraps `data` and `sw` in a protected reply (ICAO 9303-11 §9.8.7) at counter value `ssc`.
/// Odd-INS replies carry their data in DO'85', even ones in DO'87'.
fn protect_reply(keys: &SmKeys, ssc: &[u8], odd_ins: bool, data: &[u8], sw: u16) -> Vec<u8> {
    let mut body = Vec::new();
    if !data.is_empty() {
        let cryptogram = keys.encrypt(ssc, data).unwrap();
        if odd_ins {
            push_do(&mut body, 0x85, &cryptogram).unwrap();
        } else {
            let mut value = vec![0x01];
            value.extend_from_slice(&cryptogram);
            push_do(&mut body, 0x87, &value).unwrap();
        }
    }
    push_do(&mut body, 0x99, &sw.to_be_bytes()).unwrap();
    let mac = keys.mac(ssc, &body).unwrap();
    push_do(&mut body, 0x8E, &mac).unwrap();
    body.extend_from_slice(&sw.to_be_bytes());
    body
}

/// The chip side of a session: plain commands get the Appendix D trace, protected commands
/// are checked, decrypted and handed to the test's behaviour.
struct Chip {
    keys: SmKeys,
    ssc: [u8; 8],
    open: bool,
    /// Completed EXTERNAL AUTHENTICATEs.
    bac_runs: usize,
    /// Every command received, as sent.
    log: Vec<Vec<u8>>,
}

impl Chip {
    fn new() -> Self {
        Self {
            keys: app_d_keys(),
            ssc: [0; 8],
            open: false,
            bac_runs: 0,
            log: Vec::new(),
        }
    }

    fn answer(&mut self, command: &[u8], behaviour: &mut dyn FnMut(&Command) -> Answer) -> Vec<u8> {
        self.log.push(command.to_vec());
        let apdu = CommandApdu::parse(command).expect("the reader sent a malformed APDU");
        if apdu.cla & 0x0C == 0 {
            return self.answer_plain(command, &apdu);
        }
        assert!(self.open, "protected command without a secure channel");
        increment_ssc(&mut self.ssc);
        let command = self.unwrap_command(&apdu);
        match behaviour(&command) {
            Answer::Secure(data, sw) => {
                increment_ssc(&mut self.ssc);
                protect_reply(&self.keys, &self.ssc, command.ins & 1 == 1, &data, sw)
            }
            Answer::Plain(sw) => {
                self.open = false;
                sw.to_be_bytes().to_vec()
            }
            Answer::Raw(bytes) => {
                increment_ssc(&mut self.ssc);
                bytes
            }
        }
    }

    fn answer_plain(&mut self, raw: &[u8], apdu: &CommandApdu) -> Vec<u8> {
        self.open = false;
        match apdu.ins {
            // EF.ATR/INFO and EF.CardAccess: not present (as in the trace test): a BAC chip.
            0xB0 => h("6A82"),
            0xA4 => {
                assert_eq!(raw, h("00A4040C07A0000002471001"), "unexpected SELECT");
                h("9000")
            }
            0x84 => h(CHALLENGE_REPLY),
            0x82 => {
                assert_eq!(
                    raw,
                    h(EXTERNAL_AUTH),
                    "EXTERNAL AUTHENTICATE differs from D.3"
                );
                self.open = true;
                self.ssc = app_d_ssc();
                self.bac_runs += 1;
                h(EXTERNAL_AUTH_REPLY)
            }
            other => panic!("unexpected plain command INS {other:02X}"),
        }
    }

    /// Checks the command MAC and decrypts the command data.
    fn unwrap_command(&self, apdu: &CommandApdu) -> Command {
        let header = [apdu.cla, apdu.ins, apdu.p1, apdu.p2];
        let mut mac_input = pad_m2(&header, 8);
        let mut data = Vec::new();
        let mut le = None;
        let mut mac = None;
        for object in TlvIter::new(&apdu.data) {
            let object = object.expect("protected command body is not TLV");
            match object.tag {
                0x87 => {
                    let (indicator, ct) = object.value.split_first().unwrap();
                    assert_eq!(*indicator, 0x01);
                    data = self.keys.decrypt(&self.ssc, ct).unwrap();
                }
                0x85 => data = self.keys.decrypt(&self.ssc, object.value).unwrap(),
                0x97 => {
                    le = Some(match object.value {
                        [0] => 256,
                        [b] => usize::from(*b),
                        [0, 0] => 65_536,
                        [a, b] => usize::from(u16::from_be_bytes([*a, *b])),
                        other => panic!("DO'97' of {} bytes", other.len()),
                    });
                }
                0x8E => {
                    mac = Some(object.value.to_vec());
                    continue;
                }
                other => panic!("unexpected DO {other:02X} in a protected command"),
            }
            mac_input.extend_from_slice(object.raw);
        }
        let mac = mac.expect("protected command without DO'8E'");
        assert!(
            self.keys.verify_mac(&self.ssc, &mac_input, &mac).unwrap(),
            "the reader's command MAC does not verify"
        );
        Command {
            ins: apdu.ins,
            p1: apdu.p1,
            p2: apdu.p2,
            data,
            le,
        }
    }
}

/// A well-behaved file system behind the chip: EF.COM of Appendix D, EF.DG1 and EF.DG2 (300
/// bytes, so several chunks); EF.SOD is missing. READ BINARY serves what is asked, with 6282
/// when the file ends first.
#[derive(Default)]
struct Files {
    selected: Option<u16>,
}

fn dg2() -> Vec<u8> {
    let mut dg2 = h("7582012C");
    dg2.extend((0..300u16).map(|i| (i % 251) as u8));
    dg2
}

fn dg1() -> Vec<u8> {
    let mut dg1 = h("615B5F1F58");
    dg1.extend_from_slice(&[b'<'; 88]);
    dg1
}

impl Files {
    fn content(fid: u16) -> Option<Vec<u8>> {
        match fid {
            0x011E => Some(h(EF_COM)),
            0x0101 => Some(dg1()),
            0x0102 => Some(dg2()),
            // DG15 (not listed in EF.COM: read only when asked for).
            0x010F => Some(h("6F03300100")),
            _ => None,
        }
    }

    fn honest(&mut self, command: &Command) -> Answer {
        match command.ins {
            0xA4 => {
                let fid = u16::from_be_bytes(command.data.as_slice().try_into().unwrap());
                if Self::content(fid).is_some() {
                    self.selected = Some(fid);
                    Answer::Secure(Vec::new(), 0x9000)
                } else {
                    self.selected = None;
                    Answer::Secure(Vec::new(), 0x6A82)
                }
            }
            0xB0 | 0xB1 => {
                let Some(content) = self.selected.and_then(Self::content) else {
                    return Answer::Secure(Vec::new(), 0x6986);
                };
                let offset = command.read_offset();
                let le = command.le.unwrap_or(256);
                let want = if command.ins == 0xB1 {
                    do53_room(le)
                } else {
                    le
                };
                let Some(rest) = content.get(offset..).filter(|r| !r.is_empty()) else {
                    return Answer::Secure(Vec::new(), 0x6B00);
                };
                let chunk = &rest[..rest.len().min(want)];
                let sw = if chunk.len() < want { 0x6282 } else { 0x9000 };
                let data = if command.ins == 0xB1 {
                    tlv::encode(0x53, chunk)
                } else {
                    chunk.to_vec()
                };
                Answer::Secure(data, sw)
            }
            other => panic!("unexpected protected command INS {other:02X}"),
        }
    }
}

/// The most data bytes whose DO'53' encoding fits in `le` bytes.
fn do53_room(le: usize) -> usize {
    let mut n = le.saturating_sub(2);
    while n > 0 && tlv::encode(0x53, &vec![0; n]).len() > le {
        n -= 1;
    }
    n
}

// ---------------------------------------------------------------------------------------------
// Driving a session.

/// How a run ended.
#[derive(Debug)]
enum End {
    Failed(Error),
    Done(Box<Document>),
    /// Still asking to transmit when the APDU budget ran out.
    StillTransmitting,
}

struct Run {
    end: End,
    apdus: usize,
}

/// Most progress events the session may hand out in a row (one per phase change or chunk).
const MAX_PROGRESS_IN_A_ROW: usize = 4;

/// Steps `session` (starting with `first_reply`), answering each command with `chip`, until it
/// finishes or `max_apdus` commands were sent.
fn drive(
    session: &mut ReadSession,
    first_reply: Option<Vec<u8>>,
    max_apdus: usize,
    mut chip: impl FnMut(&[u8]) -> Option<Vec<u8>>,
) -> Run {
    let mut reply = first_reply;
    let mut apdus = 0;
    let mut progress_in_a_row = 0;
    loop {
        match session.step(reply.take().as_deref()) {
            Step::Transmit(command) => {
                progress_in_a_row = 0;
                if apdus == max_apdus {
                    return Run {
                        end: End::StillTransmitting,
                        apdus,
                    };
                }
                apdus += 1;
                match chip(&command) {
                    Some(r) => reply = Some(r),
                    None => {
                        return Run {
                            end: End::StillTransmitting,
                            apdus,
                        };
                    }
                }
            }
            Step::Progress(_) => {
                progress_in_a_row += 1;
                assert!(
                    progress_in_a_row <= MAX_PROGRESS_IN_A_ROW,
                    "the session hands out progress without end"
                );
            }
            Step::Done(document) => {
                return Run {
                    end: End::Done(document),
                    apdus,
                };
            }
            Step::Failed(error) => {
                return Run {
                    end: End::Failed(error),
                    apdus,
                };
            }
        }
    }
}

/// Error codes a chip's misbehaviour may produce. `USAGE` would blame the caller for the chip.
fn is_chip_error(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::ChipProtocol
            | ErrorCode::AccessDenied
            | ErrorCode::SecureMessaging
            | ErrorCode::Unsupported
            | ErrorCode::LdsFormat
            | ErrorCode::PaceFailed
            | ErrorCode::CaFailed
    )
}

/// A failed session returns the same error whatever it is fed afterwards.
fn assert_sticky(session: &mut ReadSession, error: &Error) -> Result<(), TestCaseError> {
    for reply in [None, Some(&[0x90, 0x00][..]), Some(&[][..])] {
        match session.step(reply) {
            Step::Failed(e) => prop_assert_eq!(&e, error),
            other => prop_assert!(false, "failed session stepped to {:?}", other),
        }
    }
    session.connection_lost();
    match session.step(None) {
        Step::Failed(e) => prop_assert_eq!(&e, error),
        other => prop_assert!(false, "failed session resumed to {:?}", other),
    }
    Ok(())
}

/// Every file of a finished read is exactly one complete TLV.
fn assert_files_are_whole_tlvs(document: &Document) -> Result<(), TestCaseError> {
    for (file, bytes) in &document.files {
        let header = tlv::parse_header(bytes);
        prop_assert!(header.is_ok(), "{file} is not TLV");
        prop_assert_eq!(header.unwrap().total_len(), bytes.len(), "{} length", file);
    }
    Ok(())
}

/// Replays the Appendix D prefix (ATR probe unless extended length is off, EF.CardAccess probe,
/// SELECT, GET CHALLENGE, EXTERNAL AUTHENTICATE) through `chip`; returns the first protected command (the
/// SELECT of EF.COM).
fn open_secure_channel(session: &mut ReadSession, chip: &mut Chip, atr_probe: bool) -> Vec<u8> {
    let mut honest = Files::default();
    let mut first_protected = None;
    let run = drive(session, None, 6, |c| {
        if c[0] & 0x0C != 0 {
            first_protected = Some(c.to_vec());
            return None;
        }
        Some(chip.answer(c, &mut |cmd| honest.honest(cmd)))
    });
    assert!(matches!(run.end, End::StillTransmitting), "{:?}", run.end);
    // SELECT, GET CHALLENGE, EXTERNAL AUTHENTICATE, the EF.CardAccess probe, and the EF.ATR/INFO
    // probe unless extended length is off.
    assert_eq!(run.apdus, 5 + usize::from(atr_probe));
    first_protected.expect("no protected command after BAC")
}

// ---------------------------------------------------------------------------------------------
// The harness itself is faithful: an honest chip is read completely.

#[test]
fn virtual_chip_reproduces_appendix_d_and_is_read_completely() {
    // The mirror's reply to SELECT EF.COM is byte for byte the one in D.4.
    let keys = app_d_keys();
    let mut ssc = app_d_ssc();
    increment_ssc(&mut ssc);
    increment_ssc(&mut ssc);
    assert_eq!(
        protect_reply(&keys, &ssc, false, &[], 0x9000),
        h(SELECT_COM_REPLY)
    );

    let mut s = session(ReadOptions::default());
    let mut chip = Chip::new();
    let mut files = Files::default();
    let run = drive(&mut s, None, 100, |c| {
        Some(chip.answer(c, &mut |cmd| files.honest(cmd)))
    });
    let End::Done(document) = run.end else {
        panic!("honest chip not read: {:?}", run.end)
    };
    assert_eq!(document.file(LdsFile::Com), Some(&h(EF_COM)[..]));
    assert_eq!(
        document.file(LdsFile::Dg(1.try_into().unwrap())),
        Some(&dg1()[..])
    );
    assert_eq!(
        document.file(LdsFile::Dg(2.try_into().unwrap())),
        Some(&dg2()[..])
    );
    assert_eq!(document.absent, vec![LdsFile::Sod]);
    assert_eq!(chip.bac_runs, 1);
    // ATR, CardAccess, SELECT, GET CHALLENGE, EA; COM: SELECT + 2 reads; SOD: SELECT; DG1:
    // SELECT + 2; DG2: SELECT + header + one extended read of the other 298 bytes.
    assert_eq!(run.apdus, 5 + 3 + 1 + 3 + 3);
    assert!(document.stats.extended_length_used);
}

// ---------------------------------------------------------------------------------------------
// 0. A PACE chip (EF.CardAccess offers PACE) that answers PACE with random replies.

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// EF.CardAccess offers PACE-ECDH-GM (bp256) and PACE-CAM; every later reply is random. The
    /// session must end with a chip error (or keep asking), never panic, never read a document,
    /// never fall back to BAC after PACE started (no GET CHALLENGE once a GENERAL AUTHENTICATE
    /// was answered).
    #[test]
    fn random_replies_during_pace_fail_cleanly(replies in prop::collection::vec(reply(), 1..30)) {
        // SET { PACEInfo(ECDH-GM-AES-128, 2, 13), PACEInfo(ECDH-CAM-AES-128, 2, 13) }
        let card_access = h("3128\
            3012060A04007F0007020204020202010202010D\
            3012060A04007F0007020204060202010202010D9000");
        let mut s = session(ReadOptions::default());
        let mut replies = replies.into_iter();
        let mut ga_answered = false;
        let mut challenge_after_pace = false;
        let mut first = true;
        let mut saw_mse = false;
        let run = drive(&mut s, None, 40, |c| {
            saw_mse |= c.starts_with(&[0x00, 0x22, 0xC1, 0xA4]);
            if c == h("00B0810000") {
                return Some(h("6A82"));
            }
            if c == h("00B09C0000") && first {
                first = false;
                return Some(card_access.clone());
            }
            if c.get(1) == Some(&0x86) {
                ga_answered = true;
            }
            if c.get(1) == Some(&0x84) && ga_answered {
                challenge_after_pace = true;
            }
            replies.next()
        });
        prop_assert!(saw_mse, "PACE was not started from EF.CardAccess");
        prop_assert!(!challenge_after_pace, "fell back to BAC after PACE began");
        match run.end {
            End::Failed(e) => {
                prop_assert!(is_chip_error(e.code), "{e}");
                assert_sticky(&mut s, &e)?;
            }
            End::Done(d) => prop_assert!(false, "random replies read a document: {d:?}"),
            End::StillTransmitting => {}
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Random replies from the first command on.

/// Replies that are random, random with a plausible status word, or just a status word.
fn reply() -> impl Strategy<Value = Vec<u8>> {
    let sw = prop_oneof![
        Just(0x9000u16),
        Just(0x6282),
        Just(0x6700),
        Just(0x6A82),
        Just(0x6982),
        Just(0x6300),
        (0u8..=255).prop_map(|x| 0x6C00 | u16::from(x)),
        any::<u16>(),
    ];
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        (prop::collection::vec(any::<u8>(), 0..300), sw.clone()).prop_map(|(mut d, sw)| {
            d.extend_from_slice(&sw.to_be_bytes());
            d
        }),
        sw.prop_map(|sw| sw.to_be_bytes().to_vec()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_replies_fail_cleanly_and_stickily(
        replies in prop::collection::vec(reply(), 1..60),
        never_extended in any::<bool>(),
    ) {
        let options = ReadOptions {
            extended_length: if never_extended { ExtendedLength::Never } else { ExtendedLength::Auto },
            ..ReadOptions::default()
        };
        let mut s = session(options);
        let mut replies = replies.into_iter();
        let run = drive(&mut s, None, 60, |_| replies.next());
        match run.end {
            End::Failed(e) => {
                prop_assert!(is_chip_error(e.code), "{e}");
                prop_assert!(!e.detail.is_empty());
                assert_sticky(&mut s, &e)?;
            }
            // Without the MRZ keys no random reply opens secure messaging, so nothing is read.
            End::Done(d) => prop_assert!(false, "random replies read a document: {d:?}"),
            End::StillTransmitting => {}
        }
    }

    // -----------------------------------------------------------------------------------------
    // 2. Valid Appendix D prefix, then hostile replies.

    #[test]
    fn random_replies_after_bac_fail_cleanly(replies in prop::collection::vec(reply(), 1..60)) {
        let mut s = session(ReadOptions::default());
        let mut chip = Chip::new();
        let first = open_secure_channel(&mut s, &mut chip, true);
        prop_assert_eq!(first, h("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800"));
        let mut replies = replies.into_iter();
        let run = drive(&mut s, replies.next(), 60, |_| replies.next());
        match run.end {
            End::Failed(e) => {
                prop_assert!(is_chip_error(e.code), "{e}");
                assert_sticky(&mut s, &e)?;
            }
            // Random bytes cannot carry a valid MAC.
            End::Done(d) => prop_assert!(false, "random replies read a document: {d:?}"),
            End::StillTransmitting => {}
        }
    }

    #[test]
    fn malicious_secure_replies_fail_cleanly_within_bounds(
        moves in prop::collection::vec(hostile_move(), 1..24),
        never_extended in any::<bool>(),
    ) {
        let options = ReadOptions {
            extended_length: if never_extended { ExtendedLength::Never } else { ExtendedLength::Auto },
            ..ReadOptions::default()
        };
        let mut s = session(options);
        let mut chip = Chip::new();
        let first = open_secure_channel(&mut s, &mut chip, !never_extended);
        let mut files = Files::default();
        let mut moves = moves.into_iter();
        let mut reply = Some(chip.answer(&first, &mut |cmd| files.honest(cmd)));
        // The hostile moves, one per protected command (plain BAC commands after a dropped
        // session are answered by the trace), then an honest chip: the session must end.
        let run = drive(&mut s, reply.take(), 400, |c| {
            let next = if c[0] & 0x0C == 0 { None } else { moves.next() };
            Some(chip.answer(c, &mut |cmd| match &next {
                Some(m) => m.answer(cmd, &mut files),
                None => files.honest(cmd),
            }))
        });
        match run.end {
            End::Failed(e) => {
                prop_assert!(is_chip_error(e.code), "{e}");
                assert_sticky(&mut s, &e)?;
            }
            End::Done(d) => assert_files_are_whole_tlvs(&d)?,
            End::StillTransmitting => prop_assert!(
                false,
                "still reading after {} APDUs ({} BAC runs); last commands {:02X?}",
                run.apdus,
                chip.bac_runs,
                chip.log.iter().rev().take(3).collect::<Vec<_>>()
            ),
        }
    }
}

/// One malicious action of a chip that holds the right keys.
#[derive(Debug, Clone)]
enum Move {
    /// Behave.
    Honest,
    /// A file header claiming a huge file: `tag 84 len(4)`.
    HugeHeader(u8, u32),
    /// Random plaintext with a status word.
    Data(Vec<u8>, u16),
    /// No data with a status word (9000, 6282, 6700, 6Cxx, ...).
    Empty(u16),
    /// The honest answer plus `n` bytes more than Le.
    MoreThanAsked(u8),
    /// The honest B1-style answer under a wrong tag instead of DO'53'.
    WrongDo53Tag(u8),
    /// A bare status word (the chip drops secure messaging).
    Plain(u16),
    /// Raw bytes.
    Raw(Vec<u8>),
    /// A protected-looking reply with an all-zero MAC.
    ZeroMac,
}

impl Move {
    fn answer(&self, command: &Command, files: &mut Files) -> Answer {
        match self {
            Move::Honest => files.honest(command),
            Move::HugeHeader(tag, len) => {
                let mut data = vec![*tag, 0x84];
                data.extend_from_slice(&len.to_be_bytes());
                let want = command.le.unwrap_or(256).min(data.len());
                data.truncate(want);
                Answer::Secure(data, 0x9000)
            }
            Move::Data(data, sw) => Answer::Secure(data.clone(), *sw),
            Move::Empty(sw) => Answer::Secure(Vec::new(), *sw),
            Move::MoreThanAsked(n) => match files.honest(command) {
                Answer::Secure(mut data, sw) => {
                    data.extend(std::iter::repeat_n(0x41, usize::from(*n) + 1));
                    Answer::Secure(data, sw)
                }
                other => other,
            },
            Move::WrongDo53Tag(tag) => match files.honest(command) {
                Answer::Secure(data, sw) if command.ins & 0xFE == 0xB0 => {
                    let value = tlv::Tlv::parse(&data)
                        .ok()
                        .filter(|(t, _)| t.tag == 0x53)
                        .map_or(data.clone(), |(t, _)| t.value.to_vec());
                    let tag = if *tag == 0x53 { 0x54 } else { *tag };
                    Answer::Secure(tlv::encode(u32::from(tag.max(1)), &value), sw)
                }
                other => other,
            },
            Move::Plain(sw) => Answer::Plain(*sw),
            Move::Raw(bytes) => Answer::Raw(bytes.clone()),
            Move::ZeroMac => Answer::Raw(zero_mac_reply()),
        }
    }
}

/// A reply shaped like a protected one whose MAC is all zeros.
fn zero_mac_reply() -> Vec<u8> {
    let mut body = Vec::new();
    push_do(&mut body, 0x99, &[0x90, 0x00]).unwrap();
    push_do(&mut body, 0x8E, &[0u8; 8]).unwrap();
    body.extend_from_slice(&[0x90, 0x00]);
    body
}

fn hostile_move() -> impl Strategy<Value = Move> {
    let sw = prop_oneof![
        Just(0x9000u16),
        Just(0x6282),
        Just(0x6700),
        Just(0x6B00),
        Just(0x6A82),
        Just(0x6982),
        Just(0x6986),
        (1u8..=255).prop_map(|x| 0x6C00 | u16::from(x)),
        any::<u16>(),
    ];
    prop_oneof![
        4 => Just(Move::Honest),
        1 => (prop_oneof![Just(0x60u8), Just(0x77), Just(0x75), any::<u8>()], any::<u32>())
            .prop_map(|(t, l)| Move::HugeHeader(t, l)),
        2 => (prop::collection::vec(any::<u8>(), 0..300), sw.clone())
            .prop_map(|(d, sw)| Move::Data(d, sw)),
        2 => sw.clone().prop_map(Move::Empty),
        1 => any::<u8>().prop_map(Move::MoreThanAsked),
        1 => any::<u8>().prop_map(Move::WrongDo53Tag),
        1 => sw.prop_map(Move::Plain),
        1 => prop::collection::vec(any::<u8>(), 0..40).prop_map(Move::Raw),
        1 => Just(Move::ZeroMac),
    ]
}

// ---------------------------------------------------------------------------------------------
// Specific malicious replies, each with its exact outcome.

/// Reads with an honest chip whose EF.COM READ BINARY replies are replaced by `hostile`
/// (given the command and how many READs of EF.COM came before). Returns the run and the
/// protected commands the chip received.
fn read_com_with(
    options: ReadOptions,
    max_apdus: usize,
    mut hostile: impl FnMut(&Command, usize) -> Option<Answer>,
) -> (Run, Chip, Vec<Command>) {
    let mut s = session(options);
    let mut chip = Chip::new();
    let mut files = Files::default();
    let mut seen = Vec::new();
    let mut com_reads = 0;
    let run = drive(&mut s, None, max_apdus, |c| {
        Some(chip.answer(c, &mut |cmd| {
            seen.push(cmd.clone());
            if cmd.ins & 0xFE == 0xB0 && files.selected == Some(0x011E) {
                com_reads += 1;
                if let Some(answer) = hostile(cmd, com_reads - 1) {
                    return answer;
                }
            }
            files.honest(cmd)
        }))
    });
    if let End::Failed(e) = &run.end {
        let mut s2 = s;
        assert_sticky(&mut s2, e).unwrap();
    }
    (run, chip, seen)
}

fn expect_failure(run: &Run, code: ErrorCode, detail: &str) {
    match &run.end {
        End::Failed(e) => {
            assert_eq!(e.code, code, "{e}");
            assert_eq!(e.detail, detail);
        }
        other => panic!(
            "expected {code}: {detail}; got {other:?} after {} APDUs",
            run.apdus
        ),
    }
}

#[test]
fn no_data_with_9000_is_a_protocol_error() {
    let (run, _, _) = read_com_with(ReadOptions::default(), 50, |_, _| {
        Some(Answer::Secure(Vec::new(), 0x9000))
    });
    expect_failure(
        &run,
        ErrorCode::ChipProtocol,
        "READ BINARY at offset 0 returned no data",
    );
    // ATR, CardAccess, SELECT, GET CHALLENGE, EA, SELECT EF.COM, READ.
    assert_eq!(run.apdus, 7);
}

#[test]
fn more_data_than_requested_is_a_protocol_error() {
    // The header read asks for 4 bytes; the chip sends 5.
    let (run, _, _) = read_com_with(ReadOptions::default(), 50, |_, _| {
        Some(Answer::Secure(h("60145F0104"), 0x9000))
    });
    expect_failure(
        &run,
        ErrorCode::ChipProtocol,
        "READ BINARY returned 5 bytes, more than the 4 asked for",
    );
    // The body read asks for the 18 remaining bytes; the chip sends 19.
    let (run, _, _) = read_com_with(ReadOptions::default(), 50, |cmd, n| {
        (n == 1).then(|| {
            assert_eq!((cmd.read_offset(), cmd.le), (4, Some(0x12)));
            Answer::Secure(vec![0x41; 0x13], 0x9000)
        })
    });
    expect_failure(
        &run,
        ErrorCode::ChipProtocol,
        "READ BINARY returned 19 bytes, more than the 18 asked for",
    );
}

#[test]
fn end_of_file_without_data_on_the_header_fails_at_once() {
    let (run, _, _) = read_com_with(ReadOptions::default(), 50, |_, _| {
        Some(Answer::Secure(Vec::new(), 0x6282))
    });
    expect_failure(
        &run,
        ErrorCode::ChipProtocol,
        "the chip refuses READ BINARY even for 4 bytes at offset 0",
    );
    assert_eq!(run.apdus, 7);
}

#[test]
fn refusing_every_body_length_fails_after_a_bounded_step_down() {
    // The header is served; every later READ of EF.COM's 18 remaining bytes is refused. The
    // reader steps down to 16 bytes (the smallest chunk) and gives up there.
    for extended in [ExtendedLength::Auto, ExtendedLength::Never] {
        for sw in [
            0x6700, 0x6B00, 0x6282, 0x6C00, 0x6C10, 0x6C11, 0x6C20, 0x6CFF,
        ] {
            let options = ReadOptions {
                extended_length: extended,
                ..ReadOptions::default()
            };
            let (run, _, seen) = read_com_with(options, 50, |_, n| {
                (n > 0).then(|| Answer::Secure(Vec::new(), sw))
            });
            expect_failure(
                &run,
                ErrorCode::ChipProtocol,
                "the chip refuses READ BINARY even for 16 bytes at offset 4",
            );
            let lens: Vec<_> = seen.iter().skip(1).map(|c| c.le).collect();
            let expected = if sw == 0x6C11 {
                // 6C11: "17 bytes available" is taken, then refused again.
                vec![Some(4), Some(18), Some(17), Some(16)]
            } else {
                vec![Some(4), Some(18), Some(16)]
            };
            assert_eq!(lens, expected, "SW {sw:04X}, {extended:?}");
        }
    }
}

#[test]
fn a_chip_answering_small_6cxx_forever_is_given_up_on() {
    for (header_ok, sw) in [
        (false, 0x6C02),
        (false, 0x6C03),
        (true, 0x6C05),
        (true, 0x6C0F),
    ] {
        let (run, _, seen) = read_com_with(ReadOptions::default(), 64, |_, n| {
            (!header_ok || n > 0).then(|| Answer::Secure(Vec::new(), sw))
        });
        assert!(
            matches!(&run.end, End::Failed(e) if e.code == ErrorCode::ChipProtocol),
            "SW {sw:04X}: {:?} after {} APDUs, last Le {:?}",
            run.end,
            run.apdus,
            seen.last().map(|c| c.le)
        );
    }
}

#[test]
fn a_chip_dropping_sm_with_6cxx_forever_is_given_up_on() {
    let (run, chip, _) = read_com_with(ReadOptions::default(), 200, |_, _| {
        Some(Answer::Plain(0x6C02))
    });
    assert!(
        matches!(&run.end, End::Failed(e) if e.code == ErrorCode::ChipProtocol),
        "{:?} after {} APDUs and {} BAC runs",
        run.end,
        run.apdus,
        chip.bac_runs
    );
}

#[test]
fn unprotected_length_refusals_rerun_bac_a_bounded_number_of_times() {
    // An unprotected 6700 ends the chip's SM session: the reader re-opens it and asks for less.
    let (run, chip, _) = read_com_with(ReadOptions::default(), 200, |_, n| {
        (n > 0).then_some(Answer::Plain(0x6700))
    });
    expect_failure(
        &run,
        ErrorCode::ChipProtocol,
        "the chip refuses READ BINARY even for 16 bytes at offset 4",
    );
    // First BAC, one re-run after the 18-byte refusal; the 16-byte refusal ends it.
    assert_eq!(chip.bac_runs, 2);
}

/// A chip whose EF.COM is a generated file: `header` then filler bytes up to `len`.
struct BigFile {
    header: Vec<u8>,
    len: usize,
}

impl BigFile {
    fn byte_at(&self, i: usize) -> u8 {
        self.header
            .get(i)
            .copied()
            .unwrap_or(u8::try_from(i % 253).unwrap())
    }

    fn serve(&self, cmd: &Command) -> Answer {
        let offset = cmd.read_offset();
        let le = cmd.le.unwrap_or(256);
        let want = if cmd.ins == 0xB1 { do53_room(le) } else { le };
        let end = self.len.min(offset + want);
        let chunk: Vec<u8> = (offset..end).map(|i| self.byte_at(i)).collect();
        if cmd.ins == 0xB1 {
            Answer::Secure(tlv::encode(0x53, &chunk), 0x9000)
        } else {
            Answer::Secure(chunk, 0x9000)
        }
    }
}

#[test]
fn a_header_claiming_16_mib_is_read_in_bounded_chunks_without_preallocation() {
    // 60 84 01000000: a 16 MiB EF.COM. The 4-byte header read is completed by a second one,
    // then the reader asks for at most one extended reply's worth.
    let file = BigFile {
        header: h("608401000000"),
        len: 6 + (16 << 20),
    };
    // The default 2 MiB cap refuses such a file outright (see the next test); raise it to see
    // how a file beyond one reply is fetched.
    let mut s = session(ReadOptions {
        max_file_len: 32 << 20,
        ..ReadOptions::default()
    });
    let mut chip = Chip::new();
    let mut files = Files::default();
    let mut reads = Vec::new();
    let mut totals = Vec::new();
    let mut reply = None;
    let mut apdus = 0;
    while reads.len() < 3 {
        match s.step(reply.take().as_deref()) {
            Step::Transmit(c) => {
                apdus += 1;
                assert!(apdus < 20);
                reply = Some(chip.answer(&c, &mut |cmd| {
                    if cmd.ins == 0xB0 {
                        reads.push((cmd.read_offset(), cmd.le));
                        file.serve(cmd)
                    } else {
                        files.honest(cmd)
                    }
                }));
            }
            Step::Progress(p) if p.phase == Phase::Reading => totals.push(p.file_bytes_total),
            Step::Progress(_) => {}
            other => panic!("{other:?}"),
        }
    }
    // 65 538-byte transport: a 65 536-byte SM reply holds 65 511 plain bytes (87 83 00FFE9 01
    // ‖ 65 512-byte cryptogram, DO'99', DO'8E').
    assert_eq!(reads, vec![(0, Some(4)), (4, Some(4)), (8, Some(65_511))]);
    assert_eq!(totals.last(), Some(&Some(6 + (16 << 20))));
}

#[test]
fn a_file_beyond_the_size_cap_is_refused_after_its_header() {
    let (run, _, seen) = read_com_with(ReadOptions::default(), 50, |_, n| {
        (n < 2).then(|| Answer::Secure(if n == 0 { h("60840100") } else { h("0000") }, 0x9000))
    });
    expect_failure(
        &run,
        ErrorCode::LdsFormat,
        "COM claims 16777222 bytes, more than the 2097152-byte limit",
    );
    assert_eq!(seen.iter().filter(|c| c.ins == 0xB0).count(), 2);
}

#[test]
fn a_file_with_the_wrong_outer_tag_is_read_and_then_fails_lds_parse() {
    // EF.COM's header says tag 77 (EF.SOD's) with EF.COM's own length. The reader reads it
    // whole and reads on (nothing signs EF.COM, and the data groups must still be judged);
    // verification then fails the file, naming it, instead of no report at all.
    let mut com = h(EF_COM);
    com[0] = 0x77;
    let header = com[..4].to_vec();
    let (run, _, _) = read_com_with(ReadOptions::default(), 80, |_, n| {
        (n == 0).then(|| Answer::Secure(header.clone(), 0x9000))
    });
    let End::Done(document) = run.end else {
        panic!("the read stopped: {:?}", run.end);
    };
    assert_eq!(document.file(LdsFile::Com), Some(com.as_slice()));
    // The fallback data groups were still read (this chip has no EF.SOD).
    assert!(document.files.contains_key(&LdsFile::Dg(DataGroup::DG1)));
    assert!(document.files.contains_key(&LdsFile::Dg(DataGroup::DG2)));
    assert!(document.absent.contains(&LdsFile::Sod));
    let report = idproof_core::verify::verify_read(&document, None);
    let lds = report
        .check(idproof_core::report::CheckName::LdsParse)
        .unwrap();
    assert_eq!(lds.status, idproof_core::report::CheckStatus::Failed);
    assert_eq!(lds.code.as_deref(), Some("LDS_FORMAT"));
    assert!(lds.detail.as_deref().unwrap().starts_with("COM"), "{lds:?}");
}

#[test]
fn short_reads_of_a_large_file_switch_to_b1_and_reject_a_wrong_tag() {
    // A 33 KiB file read 231 bytes at a time: past offset 7FFF the reader uses READ BINARY B1
    // with the offset in DO'54' and expects the data in DO'53'.
    let file = BigFile {
        header: h("60828400"),
        len: 4 + 0x8400,
    };
    let options = ReadOptions {
        extended_length: ExtendedLength::Never,
        ..ReadOptions::default()
    };
    let mut b1_offsets = Vec::new();
    let mut b0_reads = 0;
    let (run, _, _) = read_com_with(options, 400, |cmd, _| {
        if cmd.ins == 0xB0 {
            b0_reads += 1;
            return Some(file.serve(cmd));
        }
        b1_offsets.push((cmd.read_offset(), cmd.le));
        Some(match file.serve(cmd) {
            // The first B1 reply is well-formed; the second uses tag 54 instead of 53.
            answer if b1_offsets.len() == 1 => answer,
            Answer::Secure(data, sw) => {
                let (do53, _) = tlv::Tlv::parse(&data).unwrap();
                Answer::Secure(tlv::encode(0x54, do53.value), sw)
            }
            other => other,
        })
    });
    expect_failure(
        &run,
        ErrorCode::ChipProtocol,
        "READ BINARY (B1) reply has tag 54, not 53",
    );
    // Header (4) + 142 × 231 = 0x8026: the first offset above 7FFF. Le = 231 + 3 (53 81 E7).
    assert_eq!(b0_reads, 143);
    assert_eq!(
        b1_offsets,
        vec![(0x8026, Some(234)), (0x8026 + 231, Some(234))]
    );
}

// ---------------------------------------------------------------------------------------------
// 3. Connection lost at any point of the trace, then a replay.

fn honest_document() -> Document {
    let mut s = session(ReadOptions::default());
    let mut chip = Chip::new();
    let mut files = Files::default();
    match drive(&mut s, None, 100, |c| {
        Some(chip.answer(c, &mut |cmd| files.honest(cmd)))
    })
    .end
    {
        End::Done(d) => *d,
        other => panic!("{other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Loses the connection at up to three random commands (the chip may or may not have
    /// executed each); every time, the session restarts with the ATR probe (if it never got a
    /// reply) or SELECT, re-runs BAC, and the read finishes with exactly the honest document.
    #[test]
    fn connection_lost_anywhere_restarts_and_replays(
        first in (1usize..=14, any::<bool>()),
        mut losses in prop::collection::vec((1usize..40, any::<bool>()), 0..3),
    ) {
        // The honest read takes 15 APDUs, so the first loss always happens.
        let expected = honest_document();
        losses.push(first);
        losses.sort_unstable();
        losses.dedup_by_key(|l| l.0);
        let mut s = session(ReadOptions::default());
        let mut chip = Chip::new();
        let mut files = Files::default();
        let mut reply: Option<Vec<u8>> = None;
        let mut apdus = 0;
        let mut atr_answered = false;
        let mut card_access_answered = false;
        let mut lost = 0;
        let mut after_loss = false;
        let document = loop {
            match s.step(reply.take().as_deref()) {
                Step::Transmit(c) => {
                    apdus += 1;
                    prop_assert!(apdus < 100);
                    if after_loss {
                        let restart = if !atr_answered {
                            h("00B0810000")
                        } else if !card_access_answered {
                            h("00B09C0000")
                        } else {
                            h("00A4040C07A0000002471001")
                        };
                        prop_assert_eq!(&c, &restart);
                        after_loss = false;
                    }
                    let loss = losses.iter().find(|l| l.0 == apdus).copied();
                    let answer = match loss {
                        Some((_, false)) => None,
                        _ => Some(chip.answer(&c, &mut |cmd| files.honest(cmd))),
                    };
                    if loss.is_some() {
                        // Power loss: the chip forgets its session; so does the session.
                        chip.open = false;
                        s.connection_lost();
                        lost += 1;
                        after_loss = true;
                        match s.step(None) {
                            Step::Progress(p) => prop_assert_eq!(p.phase, Phase::Resuming),
                            other => prop_assert!(false, "after a loss: {:?}", other),
                        }
                    } else {
                        atr_answered |= c == h("00B0810000");
                        card_access_answered |= c == h("00B09C0000");
                        reply = answer;
                    }
                }
                Step::Progress(_) => {}
                Step::Done(d) => break *d,
                Step::Failed(e) => prop_assert!(false, "failed after {} losses: {}", lost, e),
            }
        };
        prop_assert_eq!(&document.files, &expected.files);
        prop_assert_eq!(&document.absent, &expected.absent);
        prop_assert_eq!(document.stats.resumes, lost);
        prop_assert!(lost >= 1);
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Active Authentication: INTERNAL AUTHENTICATE after the files, whatever the chip answers.

#[test]
fn internal_authenticate_follows_the_files_and_keeps_any_answer() {
    let challenge = [0x96, 0x30, 0x2B, 0x0F, 0x3D, 0x7E, 0x78, 0x64];
    let options = || ReadOptions {
        data_groups: Some(vec![DataGroup::DG1, DataGroup::DG15]),
        active_authentication: Some(challenge),
        ..ReadOptions::default()
    };
    let cases = [
        (
            Answer::Secure(vec![0xAB; 128], 0x9000),
            AaResponse::Signature(vec![0xAB; 128]),
        ),
        (
            Answer::Secure(Vec::new(), 0x6982),
            AaResponse::Refused(StatusWord(0x6982)),
        ),
        // Refused without secure messaging: the read is complete all the same.
        (
            Answer::Plain(0x6D00),
            AaResponse::Refused(StatusWord(0x6D00)),
        ),
    ];
    for (answer, expected) in cases {
        let mut s = session(options());
        let mut chip = Chip::new();
        let mut files = Files::default();
        let mut internal_auth = Vec::new();
        let run = drive(&mut s, None, 60, |c| {
            Some(chip.answer(c, &mut |cmd| {
                if cmd.ins == 0x88 {
                    internal_auth.push(cmd.clone());
                    return answer.clone();
                }
                files.honest(cmd)
            }))
        });
        let End::Done(document) = run.end else {
            panic!("{:?}", run.end);
        };
        // 00 88 00 00 08 <challenge> 00, once, after every file.
        assert_eq!(internal_auth.len(), 1);
        let cmd = &internal_auth[0];
        assert_eq!((cmd.p1, cmd.p2, cmd.le), (0, 0, Some(256)));
        assert_eq!(cmd.data, challenge);
        assert_eq!(
            document.files.keys().copied().collect::<Vec<_>>(),
            [
                LdsFile::Com,
                LdsFile::Dg(DataGroup::DG1),
                LdsFile::Dg(DataGroup::DG15)
            ]
        );
        assert_eq!(
            document.active_authentication,
            Some(AaExchange {
                challenge,
                response: expected
            })
        );
    }
}

#[test]
fn internal_authenticate_reply_with_a_bad_mac_fails_the_read() {
    let options = ReadOptions {
        data_groups: Some(vec![DataGroup::DG15]),
        active_authentication: Some([1; 8]),
        ..ReadOptions::default()
    };
    let mut s = session(options);
    let mut chip = Chip::new();
    let mut files = Files::default();
    let run = drive(&mut s, None, 60, |c| {
        Some(chip.answer(c, &mut |cmd| {
            if cmd.ins == 0x88 {
                return Answer::Raw(zero_mac_reply());
            }
            files.honest(cmd)
        }))
    });
    match run.end {
        End::Failed(e) => assert_eq!(e.code, ErrorCode::SecureMessaging, "{e}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn without_dg15_no_internal_authenticate_is_sent() {
    let options = ReadOptions {
        active_authentication: Some([1; 8]),
        ..ReadOptions::default()
    };
    let mut s = session(options);
    let mut chip = Chip::new();
    let mut files = Files::default();
    let run = drive(&mut s, None, 60, |c| {
        Some(chip.answer(c, &mut |cmd| files.honest(cmd)))
    });
    let End::Done(document) = run.end else {
        panic!("{:?}", run.end);
    };
    assert_eq!(document.active_authentication, None);
}

// ---------------------------------------------------------------------------------------------
// 6982 to one file after access control: the file needs EAC, the key was right.

/// Reads with an honest chip that answers `6982` (protected or bare) to SELECT or READ BINARY
/// of DG2, `times` times; returns the run and the chip.
fn read_with_dg2_refused(select: bool, bare: bool, times: usize) -> (Run, Chip) {
    let mut s = session(ReadOptions::default());
    let mut chip = Chip::new();
    let mut files = Files::default();
    let mut refusals = 0;
    let run = drive(&mut s, None, 200, |c| {
        Some(chip.answer(c, &mut |cmd| {
            let at_dg2 = if select {
                cmd.ins == 0xA4 && cmd.data == [0x01, 0x02]
            } else {
                cmd.ins & 0xFE == 0xB0 && files.selected == Some(0x0102)
            };
            if at_dg2 && refusals < times {
                refusals += 1;
                if select {
                    files.selected = None;
                }
                return if bare {
                    Answer::Plain(0x6982)
                } else {
                    Answer::Secure(Vec::new(), 0x6982)
                };
            }
            files.honest(cmd)
        }))
    });
    (run, chip)
}

#[test]
fn a_6982_to_one_file_records_it_as_refused_and_reads_the_rest() {
    let honest = honest_document();
    let dg2 = LdsFile::Dg(DataGroup::DG2);
    for select in [true, false] {
        for bare in [false, true] {
            let case = format!("select={select} bare={bare}");
            let (run, chip) = read_with_dg2_refused(select, bare, usize::MAX);
            let End::Done(document) = run.end else {
                panic!("{case}: {:?}", run.end);
            };
            let command = if select { "SELECT" } else { "READ BINARY" };
            assert_eq!(document.refused.len(), 1, "{case}");
            assert_eq!(document.refused[0].file, dg2, "{case}");
            assert_eq!(
                document.refused[0].error,
                Error::new(
                    ErrorCode::FileAccessDenied,
                    format!(
                        "{command} of DG2 refused with 6982 (security status not satisfied): the chip requires terminal authentication (EAC) for this file; idproof does not hold inspection-system certificates"
                    )
                ),
                "{case}"
            );
            let mut expected = honest.files.clone();
            expected.remove(&dg2);
            assert_eq!(document.files, expected, "{case}");
            // Refused is not absent (this chip has no EF.SOD: that one is absent).
            assert_eq!(document.absent, honest.absent, "{case}");
            assert!(!document.absent.contains(&dg2), "{case}");
            // A bare 6982 ends the chip's session: BAC again, the file once more, BAC again.
            assert_eq!(chip.bac_runs, if bare { 3 } else { 1 }, "{case}");
            assert_eq!(
                document.stats.sm_restarts,
                if bare { 2 } else { 0 },
                "{case}"
            );
        }
    }
}

#[test]
fn a_bare_6982_once_is_a_dropped_session_and_the_file_is_read_after_bac() {
    let honest = honest_document();
    for select in [true, false] {
        let (run, chip) = read_with_dg2_refused(select, true, 1);
        let End::Done(document) = run.end else {
            panic!("select={select}: {:?}", run.end);
        };
        assert!(document.refused.is_empty(), "select={select}");
        assert_eq!(document.files, honest.files, "select={select}");
        assert_eq!(document.absent, honest.absent, "select={select}");
        assert_eq!(chip.bac_runs, 2, "select={select}");
        assert_eq!(document.stats.sm_restarts, 1, "select={select}");
    }
}
