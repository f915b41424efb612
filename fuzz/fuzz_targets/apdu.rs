//! Command and response APDU decoding; what decodes must re-encode to the same bytes.
#![no_main]

use idproof_core::codec::{CommandApdu, ResponseApdu};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(command) = CommandApdu::parse(data) {
        let _ = command.is_extended();
        // Decoding is lenient about nothing: a decoded command re-encodes losslessly.
        if let Ok(bytes) = command.to_bytes() {
            assert_eq!(CommandApdu::parse(&bytes).as_ref(), Ok(&command));
        }
    }
    if let Ok(response) = ResponseApdu::parse(data) {
        assert_eq!(response.to_bytes(), data);
        let _ = (response.sw.exact_length(), response.sw.name());
    }
});
