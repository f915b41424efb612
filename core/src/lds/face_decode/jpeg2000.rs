//! JPEG 2000 (ISO/IEC 15444-1) faces, JP2 files and bare codestreams, through
//! `hayro-jpeg2000` built without SIMD (a `forbid(unsafe_code)` crate with no dependencies).
//!
//! Before the decoder sees the bytes, a small preflight of our own walks the JP2 boxes to the
//! contiguous codestream (`jp2c`) and reads its SIZ marker: every box must fit in the data,
//! the codestream must end with `EOC` (`FF D9`), and the image size, tile count and component
//! count must be within limits. The decoder therefore never allocates for a picture larger
//! than [`MAX_SIDE`](super::MAX_SIDE) a side or for millions of tiles, whatever the chip claims.

use hayro_jpeg2000::{ColorSpace, DecodeSettings, DecoderContext, Image};

use super::{
    EncodedFormat, FaceDecodeError, Layout, RawPixels, SourceColour, check_dimensions,
    without_zero_padding,
};

/// At most this many tiles (32 × 32-pixel tiles over the largest picture); real portraits
/// have one.
const MAX_TILES: u64 = 4096;

/// At most this many components (gray, gray + alpha, RGB, RGBA or CMYK).
const MAX_COMPONENTS: u16 = 4;

/// Decodes a JP2 file or a bare codestream to 8-bit gray, RGB or CMYK samples.
pub(super) fn decode(data: &[u8], format: EncodedFormat) -> Result<RawPixels, FaceDecodeError> {
    let codestream = match format {
        EncodedFormat::Jp2 => codestream_box(data)?,
        _ => data,
    };
    let siz = Siz::parse(codestream, format)?;
    check_dimensions(format, siz.width, siz.height)?;
    if siz.tiles > MAX_TILES {
        return Err(malformed(
            format,
            format!("{} tiles (at most {MAX_TILES})", siz.tiles),
        ));
    }
    if siz.components == 0 || siz.components > MAX_COMPONENTS {
        return Err(FaceDecodeError::UnsupportedColour {
            format,
            detail: format!("{} components in the codestream", siz.components),
        });
    }
    if !without_zero_padding(codestream).ends_with(&[0xFF, 0xD9]) {
        return Err(FaceDecodeError::Truncated {
            format,
            detail: "the codestream does not end with EOC (FFD9)".to_owned(),
        });
    }

    let decoder_error = |e: hayro_jpeg2000::error::DecodeError| FaceDecodeError::Decoder {
        format,
        detail: e.to_string(),
    };
    let image = Image::new(data, &DecodeSettings::default()).map_err(decoder_error)?;
    let (width, height) = (image.width(), image.height());
    if (u64::from(width), u64::from(height)) != (siz.width, siz.height) {
        return Err(malformed(
            format,
            format!(
                "decoder sees {width}x{height}, SIZ says {}x{}",
                siz.width, siz.height
            ),
        ));
    }
    let (layout, source) = layout(image.color_space(), format)?;
    let has_alpha = image.has_alpha();
    let bit_depth = image.original_bit_depth();
    let mut context = DecoderContext::default();
    let samples = image.decode(&mut context).map_err(decoder_error)?.data_u8();
    let samples = if has_alpha {
        let channels = match layout {
            Layout::Gray => 1,
            Layout::Rgb => 3,
            Layout::Cmyk => 4,
        };
        samples
            .chunks_exact(channels + 1)
            .flat_map(|pixel| pixel.iter().take(channels).copied())
            .collect()
    } else {
        samples
    };
    Ok(RawPixels {
        width,
        height,
        bit_depth,
        layout,
        source,
        samples,
    })
}

/// The decoder's colour space as our sample layout and source colour; an ICC profile is
/// taken at its channel count (faces are sRGB or gray in practice).
fn layout(
    colour: &ColorSpace,
    format: EncodedFormat,
) -> Result<(Layout, SourceColour), FaceDecodeError> {
    let by_channels = |n: u8| match n {
        1 => Some((Layout::Gray, SourceColour::Gray)),
        3 => Some((Layout::Rgb, SourceColour::Rgb)),
        4 => Some((Layout::Cmyk, SourceColour::Cmyk)),
        _ => None,
    };
    match colour {
        ColorSpace::Gray => Ok((Layout::Gray, SourceColour::Gray)),
        ColorSpace::RGB => Ok((Layout::Rgb, SourceColour::Rgb)),
        ColorSpace::CMYK => Ok((Layout::Cmyk, SourceColour::Cmyk)),
        ColorSpace::Unknown { num_channels } | ColorSpace::Icc { num_channels, .. } => {
            by_channels(*num_channels).ok_or_else(|| FaceDecodeError::UnsupportedColour {
                format,
                detail: format!("{num_channels} colour channels"),
            })
        }
    }
}

/// The contents of the first contiguous codestream box (`jp2c`) of a JP2 file, every box
/// before it checked to fit in `data` (ISO/IEC 15444-1 Annex I.4: LBox, TBox, XLBox).
fn codestream_box(data: &[u8]) -> Result<&[u8], FaceDecodeError> {
    const FORMAT: EncodedFormat = EncodedFormat::Jp2;
    let mut rest = data;
    while !rest.is_empty() {
        let lbox = be(rest.get(0..4), FORMAT, "box length")?;
        let tbox = rest
            .get(4..8)
            .ok_or_else(|| truncated(FORMAT, "box type cut off"))?;
        let (header, len) = match lbox {
            0 => (8, rest.len()),
            1 => {
                let xl = be(rest.get(8..16), FORMAT, "extended box length")?;
                (16, usize::try_from(xl).unwrap_or(usize::MAX))
            }
            n => (8, usize::try_from(n).unwrap_or(usize::MAX)),
        };
        if len < header {
            return Err(malformed(
                FORMAT,
                format!("box length {len} below its header"),
            ));
        }
        let body = rest.get(header..len).ok_or_else(|| {
            truncated(
                FORMAT,
                &format!(
                    "box {} of {len} bytes, {} left",
                    String::from_utf8_lossy(tbox),
                    rest.len()
                ),
            )
        })?;
        if tbox == b"jp2c" {
            return Ok(body);
        }
        rest = rest.get(len..).unwrap_or_default();
    }
    Err(malformed(
        FORMAT,
        "no contiguous codestream box (jp2c)".to_owned(),
    ))
}

/// What the preflight needs from the SIZ marker segment (ISO/IEC 15444-1 A.5.1).
struct Siz {
    width: u64,
    height: u64,
    tiles: u64,
    components: u16,
}

impl Siz {
    /// SOC then SIZ: `FF4F FF51 Lsiz Rsiz Xsiz Ysiz XOsiz YOsiz XTsiz YTsiz XTOsiz YTOsiz Csiz`.
    fn parse(codestream: &[u8], format: EncodedFormat) -> Result<Self, FaceDecodeError> {
        if !codestream.starts_with(&[0xFF, 0x4F, 0xFF, 0x51]) {
            return Err(malformed(
                format,
                "the codestream does not start with SOC, SIZ".to_owned(),
            ));
        }
        let word = |i: usize| be(codestream.get(8 + 4 * i..12 + 4 * i), format, "SIZ");
        let (x, y, xo, yo) = (word(0)?, word(1)?, word(2)?, word(3)?);
        let (xt, yt, xto, yto) = (word(4)?, word(5)?, word(6)?, word(7)?);
        let components = be(codestream.get(40..42), format, "SIZ")?;
        let bad = || {
            malformed(
                format,
                "SIZ offsets or tile sizes are inconsistent".to_owned(),
            )
        };
        let width = x.checked_sub(xo).ok_or_else(bad)?;
        let height = y.checked_sub(yo).ok_or_else(bad)?;
        if xt == 0 || yt == 0 || xto > xo || yto > yo {
            return Err(bad());
        }
        let tiles = (x - xto)
            .div_ceil(xt)
            .saturating_mul((y - yto).div_ceil(yt));
        Ok(Siz {
            width,
            height,
            tiles,
            components: u16::try_from(components).unwrap_or(u16::MAX),
        })
    }
}

/// A big-endian unsigned integer of 2, 4 or 8 bytes.
fn be(bytes: Option<&[u8]>, format: EncodedFormat, what: &str) -> Result<u64, FaceDecodeError> {
    let bytes = bytes.ok_or_else(|| truncated(format, &format!("{what} cut off")))?;
    Ok(bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
}

fn truncated(format: EncodedFormat, detail: &str) -> FaceDecodeError {
    FaceDecodeError::Truncated {
        format,
        detail: detail.to_owned(),
    }
}

fn malformed(format: EncodedFormat, detail: String) -> FaceDecodeError {
    FaceDecodeError::Malformed { format, detail }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SOC + SIZ with one 8-bit component.
    fn siz(x: u32, y: u32, xt: u32, yt: u32, components: u16) -> Vec<u8> {
        let mut s = vec![0xFF, 0x4F, 0xFF, 0x51, 0x00, 0x29, 0x00, 0x00];
        for v in [x, y, 0, 0, xt, yt, 0, 0] {
            s.extend_from_slice(&v.to_be_bytes());
        }
        s.extend_from_slice(&components.to_be_bytes());
        s.extend_from_slice(&[7, 1, 1]);
        s.extend_from_slice(&[0xFF, 0xD9]);
        s
    }

    #[test]
    fn huge_or_empty_pictures_are_refused_from_siz() {
        let e = decode(
            &siz(100_000, 100_000, 100_000, 100_000, 1),
            EncodedFormat::J2k,
        );
        assert!(matches!(
            e,
            Err(FaceDecodeError::Dimensions {
                width: 100_000,
                height: 100_000,
                ..
            })
        ));
        let e = decode(&siz(0, 10, 10, 10, 1), EncodedFormat::J2k);
        assert!(matches!(e, Err(FaceDecodeError::Dimensions { .. })));
        let e = decode(&siz(4096, 4096, 4096, 4096, 1), EncodedFormat::J2k);
        assert!(matches!(e, Err(FaceDecodeError::Dimensions { .. })));
        let e = decode(&siz(2048, 2048, 1, 1, 1), EncodedFormat::J2k);
        assert!(
            matches!(e, Err(FaceDecodeError::Malformed { ref detail, .. }) if detail.contains("4194304 tiles")),
            "{:?}",
            e.as_ref().err()
        );
        let e = decode(&siz(64, 64, 64, 64, 5), EncodedFormat::J2k);
        assert!(matches!(e, Err(FaceDecodeError::UnsupportedColour { .. })));
        let e = decode(&siz(64, 64, 0, 64, 1), EncodedFormat::J2k);
        assert!(matches!(e, Err(FaceDecodeError::Malformed { .. })));
    }

    #[test]
    fn jp2_boxes_must_fit() {
        let mut jp2 = b"\x00\x00\x00\x0CjP  \r\n\x87\x0A".to_vec();
        jp2.extend_from_slice(b"\x00\x00\x01\x00jp2c\xFF\x4F");
        assert!(matches!(
            codestream_box(&jp2),
            Err(FaceDecodeError::Truncated { .. })
        ));
        let mut no_codestream = b"\x00\x00\x00\x0CjP  \r\n\x87\x0A".to_vec();
        no_codestream.extend_from_slice(b"\x00\x00\x00\x08free");
        assert!(matches!(
            codestream_box(&no_codestream),
            Err(FaceDecodeError::Malformed { .. })
        ));
        let mut tiny = b"\x00\x00\x00\x0CjP  \r\n\x87\x0A".to_vec();
        tiny.extend_from_slice(b"\x00\x00\x00\x04jp2c");
        assert!(matches!(
            codestream_box(&tiny),
            Err(FaceDecodeError::Malformed { .. })
        ));
    }
}
