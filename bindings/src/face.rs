//! Face images to pixels for the app's face matcher: DG2's JPEG or JPEG 2000 (JP2 or bare
//! codestream, grayscale included) decoded by the core (`lds::face_decode`), so no platform
//! JPEG 2000 decoder is needed (Android has none; iOS rejects bare codestreams).

use idproof_core::Error;
use idproof_core::lds::face_decode;

use crate::error::{IdProofError, guard};

/// How the encoded face was stored, told by its magic bytes (not by the DG2 header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FaceEncoding {
    /// JPEG.
    Jpeg,
    /// JPEG 2000 in a JP2 file.
    Jp2,
    /// A bare JPEG 2000 codestream.
    J2k,
}

/// The colour model of the encoded face; the decoded pixels are RGB whatever it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FaceColour {
    /// One channel, expanded to R = G = B.
    Gray,
    /// Three colour channels.
    Rgb,
    /// CMYK or YCCK, converted without a colour profile.
    Cmyk,
}

/// A decoded face: `width × height` pixels of 8-bit R, G, B, row by row from the top left.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DecodedFace {
    /// The encoding it came from.
    pub encoding: FaceEncoding,
    /// The colour model it came from.
    pub source_colour: FaceColour,
    /// Bits per sample of the encoded image (JPEG 2000 may have more than 8; scaled to 8).
    pub bit_depth: u8,
    /// Width in pixels (1…4096; at most 4 194 304 pixels in all).
    pub width: u32,
    /// Height in pixels (1…4096).
    pub height: u32,
    /// `width * height * 3` bytes: R, G, B per pixel.
    pub rgb: Vec<u8>,
}

impl From<face_decode::DecodedFace> for DecodedFace {
    fn from(face: face_decode::DecodedFace) -> Self {
        DecodedFace {
            encoding: match face.format() {
                face_decode::EncodedFormat::Jpeg => FaceEncoding::Jpeg,
                face_decode::EncodedFormat::Jp2 => FaceEncoding::Jp2,
                face_decode::EncodedFormat::J2k => FaceEncoding::J2k,
            },
            source_colour: match face.source_colour() {
                face_decode::SourceColour::Gray => FaceColour::Gray,
                face_decode::SourceColour::Rgb => FaceColour::Rgb,
                face_decode::SourceColour::Cmyk => FaceColour::Cmyk,
            },
            bit_depth: face.bit_depth(),
            width: face.width(),
            height: face.height(),
            rgb: face.into_rgb(),
        }
    }
}

fn decode(image: &[u8]) -> Result<face_decode::DecodedFace, IdProofError> {
    face_decode::decode_image(image).map_err(|e| Error::from(e).into())
}

/// Decodes an encoded face (`FaceImage.data` of a read `Document`: JPEG, JP2 or a bare JPEG
/// 2000 codestream) to RGB pixels. Throws `Chip` with code `FACE_DECODE` for bytes that are
/// not such an image, are truncated or corrupt, or exceed 4096 pixels a side or 2048² in all.
#[uniffi::export]
pub fn decode_face_image(image: Vec<u8>) -> Result<DecodedFace, IdProofError> {
    guard(|| decode(&image).map(DecodedFace::from))
}

/// The same face as an 8-bit RGB PNG file, ready for `BitmapFactory.decodeByteArray` or
/// `UIImage(data:)`. Errors as [`decode_face_image`].
#[uniffi::export]
pub fn face_image_png(image: Vec<u8>) -> Result<Vec<u8>, IdProofError> {
    guard(|| face_decode::to_png(&decode(&image)?).map_err(|e| Error::from(e).into()))
}
