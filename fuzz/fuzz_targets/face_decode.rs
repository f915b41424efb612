//! Face images (DG2's JPEG / JPEG 2000) through `lds::face_decode`: the magic-byte dispatch, our
//! JP2 box walk and SIZ preflight, and the third-party decoders behind them. libFuzzer's panic
//! hook aborts, so a decoder panic that `catch_unwind` would hide in production is reported.
#![no_main]

use idproof_core::lds::face_decode::{MAX_PIXELS, MAX_SIDE, decode_image, to_png};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(face) = decode_image(data) {
        assert!(face.width() >= 1 && face.width() <= MAX_SIDE);
        assert!(face.height() >= 1 && face.height() <= MAX_SIDE);
        assert!(u64::from(face.width()) * u64::from(face.height()) <= MAX_PIXELS);
        assert_eq!(
            face.rgb().len(),
            face.width() as usize * face.height() as usize * 3
        );
        assert!(to_png(&face).is_ok());
    }
});
