//! PNG output of a decoded face (8-bit RGB, no metadata): the lossless format every platform
//! and face-matching SDK reads (`BitmapFactory`, `UIImage`, browsers), with the `png` crate.

use png::{BitDepth, ColorType, Compression, Encoder};

use super::{DecodedFace, FaceDecodeError};

/// The face as a PNG file: 8-bit RGB, the same pixels as [`DecodedFace::rgb`].
pub fn to_png(face: &DecodedFace) -> Result<Vec<u8>, FaceDecodeError> {
    let png_error = |e: png::EncodingError| FaceDecodeError::Png(e.to_string());
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, face.width(), face.height());
    encoder.set_color(ColorType::Rgb);
    encoder.set_depth(BitDepth::Eight);
    encoder.set_compression(Compression::Balanced);
    let mut writer = encoder.write_header().map_err(png_error)?;
    writer.write_image_data(face.rgb()).map_err(png_error)?;
    writer.finish().map_err(png_error)?;
    Ok(out)
}
