//! A byte stream split into chip replies driving a whole `ReadSession`.
//!
//! Byte 0 holds flags: bit 0 = the chip answers the plain part of the session (ATR/INFO probe,
//! SELECT, GET CHALLENGE, EXTERNAL AUTHENTICATE) with the ICAO App D trace, so BAC succeeds;
//! bit 1 = after BAC, every reply segment `sw1 sw2 ‖ plaintext` is wrapped in correct secure
//! messaging with the App D session keys (hostile plaintext reaches the reader's parsing);
//! bit 2 = extended length off. Then segments: a big-endian u16 header, bit 15 = the connection
//! is lost here (no data), else the low 9 bits are the segment's length (0..511).
//!
//! Checks: no panic; a failure never blames the caller (`USAGE`) and is sticky; a finished read
//! holds only whole TLV files; progress events do not run away.
#![no_main]

use idproof_core::ErrorCode;
use idproof_core::codec::tlv;
use idproof_core::reader::{AccessKey, ExtendedLength, ReadOptions, ReadSession, Step};
use idproof_core::sm::increment_ssc;
use idproof_fuzz::{CyclingRng, EXTERNAL_AUTH_REPLY, RND_IC, SSC, app_d_keys, arr, h, mrz_key};
use libfuzzer_sys::fuzz_target;

enum Segment<'a> {
    Reply(&'a [u8]),
    Lost,
}

fn next_segment<'a>(input: &mut &'a [u8]) -> Option<Segment<'a>> {
    let (header, rest) = input.split_first_chunk::<2>()?;
    let header = u16::from_be_bytes(*header);
    if header & 0x8000 != 0 {
        *input = rest;
        return Some(Segment::Lost);
    }
    let len = usize::from(header & 0x01FF).min(rest.len());
    let (segment, rest) = rest.split_at(len);
    *input = rest;
    Some(Segment::Reply(segment))
}

fuzz_target!(|data: &[u8]| {
    let Some((flags, mut input)) = data.split_first() else {
        return;
    };
    let (trace, wrap, never) = (flags & 1 != 0, flags & 2 != 0, flags & 4 != 0);
    let options = ReadOptions {
        extended_length: if never {
            ExtendedLength::Never
        } else {
            ExtendedLength::Auto
        },
        ..ReadOptions::default()
    };
    let mut session = ReadSession::new(AccessKey::Mrz(mrz_key()), options, Box::new(CyclingRng(0)));
    let keys = app_d_keys();
    let mut ssc: [u8; 8] = arr(SSC);
    let mut open = false;
    let mut reply: Option<Vec<u8>> = None;
    let mut progress_in_a_row = 0;
    loop {
        match session.step(reply.take().as_deref()) {
            Step::Transmit(command) => {
                progress_in_a_row = 0;
                let plain = command.first().is_some_and(|cla| cla & 0x0C == 0);
                if trace && plain {
                    open = false;
                    reply = Some(match command.get(1) {
                        Some(0xB0) => h("6A82"),
                        Some(0xA4) => h("9000"),
                        Some(0x84) => [h(RND_IC), h("9000")].concat(),
                        Some(0x82) => {
                            open = true;
                            ssc = arr(SSC);
                            h(EXTERNAL_AUTH_REPLY)
                        }
                        _ => h("6D00"),
                    });
                    continue;
                }
                match next_segment(&mut input) {
                    None => return,
                    Some(Segment::Lost) => {
                        session.connection_lost();
                        open = false;
                    }
                    Some(Segment::Reply(bytes)) => {
                        if wrap && open && !plain {
                            increment_ssc(&mut ssc);
                            increment_ssc(&mut ssc);
                            reply = Some(match bytes.split_first_chunk::<2>() {
                                Some((sw, plaintext)) => {
                                    idproof_fuzz::protect_reply(&keys, &ssc, plaintext, *sw)
                                }
                                None => bytes.to_vec(),
                            });
                        } else {
                            reply = Some(bytes.to_vec());
                        }
                    }
                }
            }
            Step::Progress(_) => {
                progress_in_a_row += 1;
                assert!(progress_in_a_row <= 4, "progress without end");
            }
            Step::Done(document) => {
                for (file, bytes) in &document.files {
                    let header = tlv::parse_header(bytes).expect("a read file is not TLV");
                    assert_eq!(header.total_len(), bytes.len(), "{file} length");
                }
                return;
            }
            Step::Failed(error) => {
                assert_ne!(
                    error.code,
                    ErrorCode::Usage,
                    "chip input blamed on caller: {error}"
                );
                assert!(matches!(session.step(None), Step::Failed(e) if e == error));
                assert!(matches!(session.step(Some(&[0x90, 0x00])), Step::Failed(e) if e == error));
                return;
            }
        }
    }
});
