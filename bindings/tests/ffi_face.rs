//! `decode_face_image` and `face_image_png` as Kotlin and Swift call them: owned bytes in,
//! a record or PNG bytes out, a typed `FACE_DECODE` error for bad bytes.

use idproof_ffi::{FaceColour, FaceEncoding, IdProofError, decode_face_image, face_image_png};
use idproof_fixtures::factory::face::SPECIMEN_FACE_JP2;
use sha2::{Digest, Sha256};

/// SHA-256 of the RGB pixels of the specimen portrait (`core/tests/face_decode.rs`).
const SPECIMEN_RGB_SHA256: &str =
    "b4be0240aa25fdc30736065694f74bcaf3dc5e74c06f35c233a75f0f1dd404be";

#[test]
fn the_specimen_face_decodes_to_rgb_and_png() {
    let face = decode_face_image(SPECIMEN_FACE_JP2.to_vec()).unwrap();
    assert_eq!(face.encoding, FaceEncoding::Jp2);
    assert_eq!(face.source_colour, FaceColour::Rgb);
    assert_eq!((face.width, face.height, face.bit_depth), (413, 531, 8));
    assert_eq!(hex::encode(Sha256::digest(&face.rgb)), SPECIMEN_RGB_SHA256);

    let png = face_image_png(SPECIMEN_FACE_JP2.to_vec()).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    // IHDR: width 413, height 531, depth 8, colour type 2 (RGB).
    assert_eq!(&png[16..26], &[0, 0, 1, 157, 0, 0, 2, 19, 8, 2]);
}

#[test]
fn bad_bytes_are_a_chip_error_with_face_decode() {
    let truncated = SPECIMEN_FACE_JP2[..SPECIMEN_FACE_JP2.len() - 10].to_vec();
    for bytes in [Vec::new(), b"not an image".to_vec(), truncated] {
        for e in [
            decode_face_image(bytes.clone()).unwrap_err(),
            face_image_png(bytes).unwrap_err(),
        ] {
            assert!(matches!(e, IdProofError::Chip { .. }), "{e:?}");
            assert_eq!(e.code(), "FACE_DECODE");
        }
    }
}
