//! JPEG (ISO/IEC 10918) faces through `zune-jpeg`, built without its SIMD paths so the whole
//! decoder is `forbid(unsafe_code)`.
//!
//! Order matters for a hostile image: the end marker is checked first (no decoding of a
//! truncated file), then the headers alone are parsed and the size checked, and only then
//! is the picture decoded.

use zune_jpeg::JpegDecoder;
use zune_jpeg::zune_core::bytestream::ZCursor;
use zune_jpeg::zune_core::colorspace::ColorSpace;
use zune_jpeg::zune_core::options::DecoderOptions;

use super::{
    EncodedFormat, FaceDecodeError, Layout, MAX_SIDE, RawPixels, SourceColour, check_dimensions,
    without_zero_padding,
};

const FORMAT: EncodedFormat = EncodedFormat::Jpeg;

/// At most this many scans: a progressive face has about ten; thousands of empty scans
/// would only burn time.
const MAX_SCANS: usize = 64;

/// Decodes a JPEG to 8-bit samples, RGB or (for a one-component image) gray.
pub(super) fn decode(data: &[u8]) -> Result<RawPixels, FaceDecodeError> {
    if !without_zero_padding(data).ends_with(&[0xFF, 0xD9]) {
        return Err(FaceDecodeError::Truncated {
            format: FORMAT,
            detail: "no end-of-image marker (FFD9) at the end".to_owned(),
        });
    }
    let max = usize::try_from(MAX_SIDE).unwrap_or(usize::MAX);
    let options = DecoderOptions::default()
        .set_max_width(max)
        .set_max_height(max)
        .jpeg_set_max_scans(MAX_SCANS);
    let mut probe = JpegDecoder::new_with_options(ZCursor::new(data), options);
    probe.decode_headers().map_err(|e| decoder_error(&e))?;
    let (width, height) = probe
        .dimensions()
        .ok_or_else(|| FaceDecodeError::Malformed {
            format: FORMAT,
            detail: "no frame header".to_owned(),
        })?;
    check_dimensions(FORMAT, to_u64(width), to_u64(height))?;
    let input = probe
        .input_colorspace()
        .ok_or_else(|| FaceDecodeError::Malformed {
            format: FORMAT,
            detail: "no colour space".to_owned(),
        })?;
    let colour = match input {
        ColorSpace::Luma | ColorSpace::LumaA => SourceColour::Gray,
        ColorSpace::CMYK | ColorSpace::YCCK => SourceColour::Cmyk,
        _ if input.num_components() == 3 => SourceColour::Rgb,
        other => {
            return Err(FaceDecodeError::UnsupportedColour {
                format: FORMAT,
                detail: format!("colour space {other:?}"),
            });
        }
    };
    // Gray stays one channel (expanded to RGB by the caller); every other model is converted
    // to RGB by the decoder, CMYK and YCCK included.
    let out = if colour == SourceColour::Gray {
        ColorSpace::Luma
    } else {
        ColorSpace::RGB
    };
    let mut decoder =
        JpegDecoder::new_with_options(ZCursor::new(data), options.jpeg_set_out_colorspace(out));
    let samples = decoder.decode().map_err(|e| decoder_error(&e))?;
    Ok(RawPixels {
        width: u32::try_from(width).unwrap_or(u32::MAX),
        height: u32::try_from(height).unwrap_or(u32::MAX),
        bit_depth: 8,
        layout: if colour == SourceColour::Gray {
            Layout::Gray
        } else {
            Layout::Rgb
        },
        source: colour,
        samples,
    })
}

fn decoder_error(e: &zune_jpeg::errors::DecodeErrors) -> FaceDecodeError {
    FaceDecodeError::Decoder {
        format: FORMAT,
        detail: e.to_string(),
    }
}

fn to_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}
