//! Completing one response over T=0-style status words, independent of any reader: `61xx`
//! chains are fetched with GET RESPONSE and `6Cxx` to a plain short command is resent with
//! the exact Le. Pure over an `exchange` closure, so the rules are tested without a reader.

use idproof_core::codec::CommandApdu;
use idproof_core::reader::TransportError;

/// At most this many GET RESPONSE rounds for one command (a chip that keeps answering `61xx`
/// is broken; stop rather than loop).
pub(crate) const MAX_GET_RESPONSE: usize = 256;

/// The whole response to `command`: data of every `61xx` part in order, then the final reply.
/// A chip that answers `61xx` beyond [`MAX_GET_RESPONSE`] rounds, or whose chain outgrows
/// `max_response_len`, is a [`TransportError::ChipFault`] (`CHIP_PROTOCOL`): the reader did
/// its part. Errors of `exchange` (a lost card, a gone reader) pass through unchanged.
pub(crate) fn complete_reply(
    command: &[u8],
    max_response_len: usize,
    mut exchange: impl FnMut(&[u8]) -> Result<Vec<u8>, TransportError>,
) -> Result<Vec<u8>, TransportError> {
    let mut reply = exchange(command)?;
    if let Some(resend) = exact_length_resend(command, &reply) {
        reply = exchange(&resend)?;
    }
    let mut data = Vec::new();
    let mut rounds = 0;
    while let [.., 0x61, available] = reply[..] {
        if rounds == MAX_GET_RESPONSE {
            return Err(TransportError::ChipFault(format!(
                "the chip kept answering 61xx (more data) after {MAX_GET_RESPONSE} GET RESPONSE rounds"
            )));
        }
        rounds += 1;
        data.extend_from_slice(reply.get(..reply.len() - 2).unwrap_or_default());
        if data.len() > max_response_len {
            return Err(TransportError::ChipFault(format!(
                "the chip's 61xx chain grew past {max_response_len} bytes, more than one response can hold"
            )));
        }
        let channel = command.first().map_or(0, |cla| cla & 0x03);
        reply = exchange(&[channel, 0xC0, 0x00, 0x00, available])?;
    }
    if data.is_empty() {
        Ok(reply)
    } else {
        data.extend_from_slice(&reply);
        Ok(data)
    }
}

/// For a `6Cxx` reply to a plain short command, the command with Le = `xx`. Secure-messaging
/// commands are never resent: the chip's send sequence counter has moved.
fn exact_length_resend(command: &[u8], reply: &[u8]) -> Option<Vec<u8>> {
    let [.., 0x6C, exact] = reply[..] else {
        return None;
    };
    let cla = *command.first()?;
    if cla & 0x0C != 0 || cla == 0xFF {
        return None;
    }
    let mut apdu = CommandApdu::parse(command).ok()?;
    if apdu.is_extended() {
        return None;
    }
    apdu.le = Some(if exact == 0 { 256 } else { usize::from(exact) });
    apdu.to_bytes().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use idproof_core::ErrorCode;
    use proptest::prelude::*;

    const READ: [u8; 5] = [0x00, 0xB0, 0x00, 0x00, 0x00];

    /// Runs `complete_reply` against scripted replies; returns the result and what was sent.
    fn run(
        command: &[u8],
        max: usize,
        mut replies: impl FnMut(usize) -> Vec<u8>,
    ) -> (Result<Vec<u8>, TransportError>, Vec<Vec<u8>>) {
        let mut sent = Vec::new();
        let result = complete_reply(command, max, |c| {
            sent.push(c.to_vec());
            Ok(replies(sent.len() - 1))
        });
        (result, sent)
    }

    #[test]
    fn a_chip_that_answers_61xx_for_ever_is_a_chip_fault_not_a_reader_one() {
        for command in [
            &READ[..],
            &[0x0C, 0xB0, 0x00, 0x00, 0x00],
            &[0x03, 0xA4, 0x04, 0x0C],
        ] {
            let (result, sent) = run(command, usize::MAX, |_| vec![0x61, 0x00]);
            let error = result.unwrap_err();
            assert_eq!(
                error,
                TransportError::ChipFault(
                    "the chip kept answering 61xx (more data) after 256 GET RESPONSE rounds".into()
                )
            );
            let core = idproof_core::Error::from(error);
            assert_eq!(core.code, ErrorCode::ChipProtocol);
            assert!(!core.detail.contains("reader"), "{core}");
            // The command, then exactly MAX_GET_RESPONSE GET RESPONSEs on its channel.
            assert_eq!(sent.len(), 1 + MAX_GET_RESPONSE);
            let channel = command[0] & 0x03;
            assert!(
                sent[1..]
                    .iter()
                    .all(|c| *c == [channel, 0xC0, 0x00, 0x00, 0x00])
            );
        }
    }

    #[test]
    fn a_61xx_chain_longer_than_a_response_is_a_chip_fault() {
        let (result, sent) = run(&READ, 600, |_| {
            let mut part = vec![0xAB; 250];
            part.extend_from_slice(&[0x61, 0xFA]);
            part
        });
        assert_eq!(
            result.unwrap_err(),
            TransportError::ChipFault(
                "the chip's 61xx chain grew past 600 bytes, more than one response can hold".into()
            )
        );
        assert_eq!(sent.len(), 3);
    }

    #[test]
    fn a_reply_without_61xx_or_6cxx_is_returned_as_is() {
        for reply in [
            vec![0x90, 0x00],
            vec![1, 2, 3, 0x90, 0x00],
            vec![0x6A, 0x82],
            vec![],
        ] {
            let expected = reply.clone();
            let (result, sent) = run(&READ, 258, |_| reply.clone());
            assert_eq!(result.unwrap(), expected);
            assert_eq!(sent, [READ.to_vec()]);
        }
    }

    #[test]
    fn a_6cxx_to_a_plain_short_read_is_resent_with_the_exact_le() {
        let (result, sent) = run(&READ, 258, |i| match i {
            0 => vec![0x6C, 0x10],
            _ => vec![7; 16].into_iter().chain([0x90, 0x00]).collect(),
        });
        assert_eq!(result.unwrap(), [vec![7; 16], vec![0x90, 0x00]].concat());
        assert_eq!(sent, [READ.to_vec(), vec![0x00, 0xB0, 0x00, 0x00, 0x10]]);
        assert_eq!(
            exact_length_resend(&[0x00, 0xB0, 0x00, 0x00, 0x20], &[0x6C, 0x00]),
            Some(vec![0x00, 0xB0, 0x00, 0x00, 0x00])
        );
    }

    #[test]
    fn secure_messaging_and_extended_commands_are_never_resent() {
        assert_eq!(
            exact_length_resend(&[0x0C, 0xB0, 0x00, 0x00, 0x00], &[0x6C, 0x10]),
            None
        );
        assert_eq!(
            exact_length_resend(&[0x00, 0xB0, 0x00, 0x00, 0x00, 0x04, 0x00], &[0x6C, 0x10]),
            None
        );
        assert_eq!(
            exact_length_resend(&[0x00, 0xB0, 0x00, 0x00, 0x00], &[0x90, 0x00]),
            None
        );
        let (result, sent) = run(&[0x0C, 0xB0, 0x00, 0x00, 0x00], 258, |_| vec![0x6C, 0x10]);
        assert_eq!(result.unwrap(), [0x6C, 0x10]);
        assert_eq!(sent.len(), 1);
    }

    #[test]
    fn errors_of_the_exchange_pass_through() {
        for error in [
            TransportError::TagLost,
            TransportError::Other("gone".into()),
        ] {
            let mut calls = 0;
            let result = complete_reply(&READ, 258, |_| {
                calls += 1;
                if calls == 1 {
                    Ok(vec![1, 0x61, 0x02])
                } else {
                    Err(error.clone())
                }
            });
            assert_eq!(result.unwrap_err(), error);
            assert_eq!(calls, 2);
        }
    }

    proptest! {
        /// Any chain of `61xx` parts that ends in a final reply assembles to the exact
        /// concatenation, with one GET RESPONSE per part asking for the announced length.
        #[test]
        fn completed_61xx_chains_concatenate_exactly(
            parts in prop::collection::vec((prop::collection::vec(any::<u8>(), 0..40), any::<u8>()), 1..20),
            last in prop::collection::vec(any::<u8>(), 0..40),
            sw in prop_oneof![Just([0x90u8, 0x00]), Just([0x62, 0x82]), Just([0x6A, 0x82])],
        ) {
            let mut script: Vec<Vec<u8>> = parts
                .iter()
                .map(|(data, xx)| [data.clone(), vec![0x61, *xx]].concat())
                .collect();
            script.push([last.clone(), sw.to_vec()].concat());
            let (result, sent) = run(&READ, usize::MAX, |i| script[i].clone());
            let expected: Vec<u8> = parts
                .iter()
                .flat_map(|(data, _)| data.iter().copied())
                .chain(last.iter().copied())
                .chain(sw)
                .collect();
            prop_assert_eq!(result.unwrap(), expected);
            prop_assert_eq!(sent.len(), parts.len() + 1);
            for (get, (_, xx)) in sent[1..].iter().zip(&parts) {
                prop_assert_eq!(get, &vec![0x00, 0xC0, 0x00, 0x00, *xx]);
            }
        }
    }
}
