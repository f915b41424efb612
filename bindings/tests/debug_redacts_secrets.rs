//! Issue 17 item 8: the `Debug` form of every FFI type that carries a key or what a person
//! typed (MRZ, document data, CAN, CPR, P code, phone, SMS code) shows none of it, so a
//! `{:?}` in an app's or our own log line cannot leak it. Core's types are checked beside
//! them, and a whole read session is formatted at every step.

use idproof_ffi::{
    AccessKey, FlowAction, FlowEvent, MrzSource, ReadSession, ReadStep, default_read_options,
};
use idproof_fixtures::chip::profile_by_name;
use idproof_fixtures::virtual_passport::VirtualPassport;

const MRZ: [&str; 2] = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
];
/// Pieces of the secrets above and below, any of which in a `Debug` string is a leak.
const SECRETS: [&str; 10] = [
    "ERIKSSON",
    "340415",
    "L898902C3",
    "740812",
    "120415",
    "123456",
    "0101701234",
    "P1234567",
    "20000000",
    "918273",
];

fn assert_redacted(what: &str, debug: &str) {
    for secret in SECRETS {
        assert!(!debug.contains(secret), "{what}: {debug} shows {secret}");
    }
}

#[test]
fn access_keys_flow_events_and_actions_show_no_secret() {
    let keys = [
        AccessKey::Mrz {
            lines: MRZ.iter().map(|l| (*l).to_owned()).collect(),
        },
        AccessKey::DocumentData {
            document_number: "L898902C3".into(),
            birth_date: "740812".into(),
            expiry_date: "120415".into(),
        },
        AccessKey::Can {
            can: "123456".into(),
        },
    ];
    for key in &keys {
        assert_redacted("AccessKey", &format!("{key:?} {key:#?}"));
    }
    assert_eq!(format!("{:?}", keys[2]), "AccessKey::Can(<redacted>)");
    let events = [
        FlowEvent::EnterCpr {
            cpr: "0101701234".into(),
        },
        FlowEvent::EnterPCode {
            p_code: "P1234567".into(),
        },
        FlowEvent::ScanMrz {
            text: MRZ.concat(),
            source: MrzSource::Camera,
        },
        FlowEvent::EnterMrzFields {
            document_number: "L898902C3".into(),
            birth_date: "740812".into(),
            expiry_date: "120415".into(),
        },
        FlowEvent::EnterPhone {
            phone: "+45 20 00 00 00".replace(' ', ""),
        },
        FlowEvent::EnterSmsCode {
            code: "918273".into(),
        },
    ];
    for event in &events {
        assert_redacted("FlowEvent", &format!("{event:?} {event:#?}"));
    }
    assert_eq!(format!("{:?}", events[5]), "FlowEvent::EnterSmsCode");
    let actions = [
        FlowAction::CheckPCode {
            p_code: "P1234567".into(),
        },
        FlowAction::ReadChip {
            access_key: keys[0].clone(),
            challenge: vec![1; 8],
        },
        FlowAction::SendSms {
            session_id: "s".into(),
            phone: "+4520000000".into(),
        },
        FlowAction::VerifySmsCode {
            session_id: "s".into(),
            code: "918273".into(),
        },
    ];
    for action in &actions {
        assert_redacted("FlowAction", &format!("{action:?} {action:#?}"));
    }
}

#[test]
fn core_key_types_show_no_secret() {
    use idproof_core::mrz::MrzKey;
    use idproof_core::reader::{AccessKey as CoreKey, Can};
    let mrz_key = MrzKey::new("L898902C3", "740812", "120415").unwrap();
    let can = Can::new("123456").unwrap();
    assert_redacted("MrzKey", &format!("{mrz_key:?}"));
    assert_redacted("Can", &format!("{can:?}"));
    assert_redacted("AccessKey", &format!("{:?}", CoreKey::Mrz(mrz_key)));
    assert_redacted("AccessKey", &format!("{:?}", CoreKey::Can(can)));
}

/// A whole PACE read (MRZ key) and a CAN read, the session formatted after every step: no
/// state it passes through shows the key.
#[test]
fn a_read_session_shows_no_key_at_any_step() {
    for profile in ["modern-passport", "can-only"] {
        let mut passport = VirtualPassport::specimen(profile_by_name(profile).unwrap()).unwrap();
        let key = if profile == "can-only" {
            AccessKey::Can {
                can: "123456".into(),
            }
        } else {
            AccessKey::Mrz {
                lines: passport.mrz.lines().to_vec(),
            }
        };
        let session = ReadSession::new(key, default_read_options()).unwrap();
        let mut response = None;
        let mut steps = 0;
        loop {
            assert_redacted(profile, &format!("{session:?} {session:#?}"));
            steps += 1;
            match session.step(response.take()).unwrap() {
                ReadStep::Transmit { apdu } => {
                    use idproof_core::reader::Transport;
                    response = Some(passport.chip.transmit(&apdu).unwrap());
                }
                ReadStep::Progress { .. } => {}
                ReadStep::Done { .. } => break,
            }
        }
        assert!(steps > 20, "{profile}: {steps} steps");
    }
}
