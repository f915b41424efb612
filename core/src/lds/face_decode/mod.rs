//! Face image decoding: DG2's encoded portrait to 8-bit RGB pixels and PNG, for a face matcher.
//!
//! DG2 carries the face as JPEG (ISO/IEC 10918) or JPEG 2000 (ISO/IEC 15444-1), the latter
//! either as a JP2 file or as a bare codestream; some issuers use grayscale, and some declare
//! the wrong image data type in the 19794-5 header. Platform decoders fail on exactly these
//! (iOS on bare codestreams, OpenJPEG-based readers on one-component images), so the core
//! decodes them itself, with pure-Rust decoders whose unsafe/SIMD paths are turned off
//! (`zune-jpeg`, `hayro-jpeg2000`), and hands out one shape: width, height, RGB bytes.
//!
//! The bytes come from a chip, so they are hostile until proven otherwise:
//! - the format is told by the magic bytes ([`EncodedFormat::detect`]), never by the header's claim;
//! - the input is at most [`MAX_ENCODED_LEN`] bytes and the picture at most [`MAX_SIDE`] pixels
//!   a side and [`MAX_PIXELS`] in all, checked from the headers *before* the decoder allocates
//!   the picture;
//! - an image without its end marker (JPEG `EOI`, JPEG 2000 `EOC`) is refused as truncated
//!   rather than decoded half grey: DG2 is a signed, complete file, and a face matcher must
//!   not be handed half a face;
//! - the decoders run under `catch_unwind`, so a bug in them on a crafted image is an
//!   error, not a crash.
//!
//! See `docs/face-image.md` for the crates chosen, their size cost and the images tested.

mod jpeg;
mod jpeg2000;
mod png;

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::{Error, ErrorCode};

use super::biometric::FaceImage;

pub use self::png::to_png;

/// The largest width or height accepted, in pixels. ICAO 9303 portraits are a few hundred
/// pixels a side.
pub const MAX_SIDE: u32 = 4096;

/// The largest picture accepted, in pixels (2048 × 2048, or 1536 × 2730 for a portrait). The
/// JPEG 2000 decoder needs about 24 bytes a pixel while it works, and a codestream of a few
/// hundred bytes can declare any size: this bounds what a hostile chip makes us allocate
/// (about 100 MB) where [`MAX_SIDE`] alone would allow 400 MB.
pub const MAX_PIXELS: u64 = 2048 * 2048;

/// The largest encoded image accepted, in bytes (the reader's default limit for a whole file).
pub const MAX_ENCODED_LEN: usize = 2 * 1024 * 1024;

/// How the encoded image is stored, told by its first bytes. Serialised by its stable name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum EncodedFormat {
    /// JPEG, `FF D8 FF`.
    Jpeg,
    /// JPEG 2000 in the JP2 file format, `00 00 00 0C 6A 50 20 20 0D 0A 87 0A`.
    Jp2,
    /// A bare JPEG 2000 codestream (`.j2k`), `FF 4F FF 51`.
    J2k,
}

impl EncodedFormat {
    /// The format whose signature starts `data`, if any.
    pub fn detect(data: &[u8]) -> Option<Self> {
        const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF];
        const JP2: &[u8] = &[
            0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A,
        ];
        const J2K: &[u8] = &[0xFF, 0x4F, 0xFF, 0x51];
        if data.starts_with(JPEG) {
            Some(EncodedFormat::Jpeg)
        } else if data.starts_with(JP2) {
            Some(EncodedFormat::Jp2)
        } else if data.starts_with(J2K) {
            Some(EncodedFormat::J2k)
        } else {
            None
        }
    }

    /// A short stable name: `JPEG`, `JP2`, `J2K`.
    pub fn as_str(self) -> &'static str {
        match self {
            EncodedFormat::Jpeg => "JPEG",
            EncodedFormat::Jp2 => "JP2",
            EncodedFormat::J2k => "J2K",
        }
    }
}

impl std::fmt::Display for EncodedFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The colour model of the encoded image, before conversion to RGB. Serialised by its stable
/// name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceColour {
    /// One channel (luminance); expanded to R = G = B.
    Gray,
    /// Three colour channels (RGB, or YCbCr / sYCC, converted to RGB by the decoder).
    Rgb,
    /// Four channels (CMYK or YCCK), converted to RGB without a colour profile.
    Cmyk,
}

impl SourceColour {
    /// A short stable name: `gray`, `rgb`, `cmyk`.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceColour::Gray => "gray",
            SourceColour::Rgb => "rgb",
            SourceColour::Cmyk => "cmyk",
        }
    }
}

impl std::fmt::Display for SourceColour {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A decoded face: 8-bit RGB pixels, row by row from the top left, three bytes a pixel.
///
/// Only built by the decoder, so `rgb().len() == width * height * 3` always holds, both sides
/// are within `1..=MAX_SIDE` and the area is at most `MAX_PIXELS`.
#[derive(Clone, PartialEq, Eq)]
pub struct DecodedFace {
    format: EncodedFormat,
    source_colour: SourceColour,
    bit_depth: u8,
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

impl std::fmt::Debug for DecodedFace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecodedFace")
            .field("format", &self.format)
            .field("source_colour", &self.source_colour)
            .field("bit_depth", &self.bit_depth)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("rgb", &format_args!("[{} bytes]", self.rgb.len()))
            .finish()
    }
}

impl DecodedFace {
    /// The encoding the pixels came from.
    pub fn format(&self) -> EncodedFormat {
        self.format
    }

    /// The colour model of the encoded image (the pixels are RGB whatever it was).
    pub fn source_colour(&self) -> SourceColour {
        self.source_colour
    }

    /// Bits per sample in the encoded image (8 for baseline JPEG; JPEG 2000 may have up to
    /// 16, scaled to 8 here).
    pub fn bit_depth(&self) -> u8 {
        self.bit_depth
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The pixels: `width * height` RGB triples, row-major from the top left.
    pub fn rgb(&self) -> &[u8] {
        &self.rgb
    }

    /// The pixels, without copying.
    pub fn into_rgb(self) -> Vec<u8> {
        self.rgb
    }

    /// The pixel at column `x`, row `y`, if inside the image.
    pub fn pixel(&self, x: u32, y: u32) -> Option<[u8; 3]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let index = (usize::try_from(y).ok()? * usize::try_from(self.width).ok()?
            + usize::try_from(x).ok()?)
            * 3;
        let p = self.rgb.get(index..index + 3)?;
        Some([*p.first()?, *p.get(1)?, *p.get(2)?])
    }
}

/// Why a face image could not be decoded. All map to [`ErrorCode::FaceDecode`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FaceDecodeError {
    /// No JPEG, JP2 or JPEG 2000 codestream signature at the start of the bytes.
    #[error("face image is not JPEG, JP2 or a JPEG 2000 codestream (starts {prefix}){declared}")]
    UnknownFormat {
        /// The first bytes, in hex (at most 8).
        prefix: String,
        /// What the 19794-5 header claimed, when known (`", header says JPEG"`), else empty.
        declared: String,
    },
    /// More encoded bytes than [`MAX_ENCODED_LEN`].
    #[error("face image of {len} bytes is larger than the {max} accepted")]
    InputTooLarge {
        /// The length given.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A width or height of zero or above [`MAX_SIDE`], or more than [`MAX_PIXELS`] in all,
    /// as the image's own header declares.
    #[error(
        "{format} face image of {width}x{height} pixels: each side must be 1..={max} and the \
         picture at most {MAX_PIXELS} pixels"
    )]
    Dimensions {
        /// The encoding.
        format: EncodedFormat,
        /// Declared width.
        width: u64,
        /// Declared height.
        height: u64,
        /// The limit per side.
        max: u32,
    },
    /// The image stops before its end marker (JPEG `EOI`, JPEG 2000 `EOC`), or a JP2 box
    /// runs past the end.
    #[error("{format} face image is truncated: {detail}")]
    Truncated {
        /// The encoding.
        format: EncodedFormat,
        /// What is missing.
        detail: String,
    },
    /// The image's structure is unusable (no codestream, malformed header, too many tiles…).
    #[error("{format} face image is malformed: {detail}")]
    Malformed {
        /// The encoding.
        format: EncodedFormat,
        /// What is wrong.
        detail: String,
    },
    /// The decoder refused the data.
    #[error("{format} decoder: {detail}")]
    Decoder {
        /// The encoding.
        format: EncodedFormat,
        /// The decoder's message.
        detail: String,
    },
    /// A colour model with no RGB conversion here (e.g. two or five channels).
    #[error("{format} face image: {detail}")]
    UnsupportedColour {
        /// The encoding.
        format: EncodedFormat,
        /// Which model.
        detail: String,
    },
    /// PNG encoding failed (cannot happen for a [`DecodedFace`]; kept typed rather than a panic).
    #[error("PNG encoding: {0}")]
    Png(String),
}

impl From<FaceDecodeError> for Error {
    fn from(e: FaceDecodeError) -> Self {
        Error::new(ErrorCode::FaceDecode, e.to_string())
    }
}

/// Decodes an encoded face image (JPEG, JP2 or JPEG 2000 codestream, told by its magic
/// bytes) to RGB.
pub fn decode_image(data: &[u8]) -> Result<DecodedFace, FaceDecodeError> {
    decode_with_claim(data, None)
}

/// Decodes a DG2 face. The format is told by the image's magic bytes; the 19794-5 header's
/// claim is only quoted in the error when the bytes are neither JPEG nor JPEG 2000.
pub fn decode_face(face: &FaceImage) -> Result<DecodedFace, FaceDecodeError> {
    decode_with_claim(&face.data, Some(face.declared_data_type))
}

fn decode_with_claim(data: &[u8], declared: Option<u8>) -> Result<DecodedFace, FaceDecodeError> {
    if data.len() > MAX_ENCODED_LEN {
        return Err(FaceDecodeError::InputTooLarge {
            len: data.len(),
            max: MAX_ENCODED_LEN,
        });
    }
    let Some(format) = EncodedFormat::detect(data) else {
        return Err(FaceDecodeError::UnknownFormat {
            prefix: data.iter().take(8).fold(String::new(), |mut hex, b| {
                use std::fmt::Write as _;
                let _ = write!(hex, "{b:02X}");
                hex
            }),
            declared: match declared {
                Some(0) => ", header says JPEG".to_owned(),
                Some(1) => ", header says JPEG 2000".to_owned(),
                Some(other) => format!(", header image data type {other}"),
                None => String::new(),
            },
        });
    };
    // The decoders are third-party code fed hostile bytes: a panic in them is a decode error.
    let decoded = catch_unwind(AssertUnwindSafe(|| match format {
        EncodedFormat::Jpeg => jpeg::decode(data),
        EncodedFormat::Jp2 | EncodedFormat::J2k => jpeg2000::decode(data, format),
    }));
    let raw = decoded.unwrap_or_else(|_| {
        Err(FaceDecodeError::Decoder {
            format,
            detail: "the decoder panicked on this image".to_owned(),
        })
    })?;
    raw.into_face(format)
}

/// The channels of decoded samples, before expansion to RGB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// One sample a pixel.
    Gray,
    /// R, G, B.
    Rgb,
    /// C, M, Y, K.
    Cmyk,
}

/// What a format module hands back: interleaved 8-bit samples (alpha already dropped), to
/// be expanded to RGB here, and what the chip's image was.
struct RawPixels {
    width: u32,
    height: u32,
    bit_depth: u8,
    layout: Layout,
    source: SourceColour,
    samples: Vec<u8>,
}

impl RawPixels {
    fn into_face(self, format: EncodedFormat) -> Result<DecodedFace, FaceDecodeError> {
        check_dimensions(format, u64::from(self.width), u64::from(self.height))?;
        let channels = match self.layout {
            Layout::Gray => 1,
            Layout::Rgb => 3,
            Layout::Cmyk => 4,
        };
        let pixels =
            usize::try_from(u64::from(self.width) * u64::from(self.height)).map_err(|_| {
                FaceDecodeError::Dimensions {
                    format,
                    width: u64::from(self.width),
                    height: u64::from(self.height),
                    max: MAX_SIDE,
                }
            })?;
        if self.samples.len() != pixels * channels {
            return Err(FaceDecodeError::Decoder {
                format,
                detail: format!(
                    "{} samples for {}x{} pixels of {channels} channel(s)",
                    self.samples.len(),
                    self.width,
                    self.height
                ),
            });
        }
        let rgb = match self.layout {
            Layout::Rgb => self.samples,
            Layout::Gray => self.samples.iter().flat_map(|&g| [g, g, g]).collect(),
            Layout::Cmyk => self
                .samples
                .chunks_exact(4)
                .flat_map(|p| match *p {
                    [c, m, y, k] => [cmyk(c, k), cmyk(m, k), cmyk(y, k)],
                    _ => [0, 0, 0],
                })
                .collect(),
        };
        Ok(DecodedFace {
            format,
            source_colour: self.source,
            bit_depth: self.bit_depth,
            width: self.width,
            height: self.height,
            rgb,
        })
    }
}

/// One RGB channel of a CMYK sample, without a profile: (255 − C)(255 − K)/255.
fn cmyk(ink: u8, black: u8) -> u8 {
    let v = (255 - u16::from(ink)) * (255 - u16::from(black)) / 255;
    u8::try_from(v).unwrap_or(u8::MAX)
}

/// Refuses a width or height of zero or above [`MAX_SIDE`], and more than [`MAX_PIXELS`].
fn check_dimensions(format: EncodedFormat, width: u64, height: u64) -> Result<(), FaceDecodeError> {
    let max = u64::from(MAX_SIDE);
    if width == 0 || height == 0 || width > max || height > max || width * height > MAX_PIXELS {
        return Err(FaceDecodeError::Dimensions {
            format,
            width,
            height,
            max: MAX_SIDE,
        });
    }
    Ok(())
}

/// `data` without trailing `00` padding (19794-5 records are sometimes padded).
fn without_zero_padding(data: &[u8]) -> &[u8] {
    let end = data.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
    data.get(..end).unwrap_or(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_magic() {
        assert_eq!(
            EncodedFormat::detect(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(EncodedFormat::Jpeg)
        );
        assert_eq!(
            EncodedFormat::detect(&hex_bytes("0000000C6A5020200D0A870A00")),
            Some(EncodedFormat::Jp2)
        );
        assert_eq!(
            EncodedFormat::detect(&[0xFF, 0x4F, 0xFF, 0x51, 0]),
            Some(EncodedFormat::J2k)
        );
        assert_eq!(EncodedFormat::detect(&[0xFF, 0xD8]), None);
        assert_eq!(EncodedFormat::detect(b"\x89PNG\r\n\x1a\n"), None);
        assert_eq!(EncodedFormat::detect(&[]), None);
    }

    #[test]
    fn unknown_bytes_quote_the_header_claim() {
        let face = FaceImage {
            format: crate::lds::ImageFormat::Jpeg,
            declared_data_type: 0,
            width: 1,
            height: 1,
            face_image_type: 1,
            data: b"GIF89a".to_vec(),
        };
        let e = decode_face(&face).unwrap_err();
        assert_eq!(
            e.to_string(),
            "face image is not JPEG, JP2 or a JPEG 2000 codestream (starts 474946383961), header says JPEG"
        );
        assert_eq!(Error::from(e).code, ErrorCode::FaceDecode);
    }

    #[test]
    fn oversized_input_is_refused_before_decoding() {
        let mut data = vec![0xFF, 0xD8, 0xFF];
        data.resize(MAX_ENCODED_LEN + 1, 0);
        assert_eq!(
            decode_image(&data),
            Err(FaceDecodeError::InputTooLarge {
                len: MAX_ENCODED_LEN + 1,
                max: MAX_ENCODED_LEN
            })
        );
    }

    #[test]
    fn gray_and_cmyk_expand_to_rgb() {
        let gray = RawPixels {
            width: 2,
            height: 1,
            bit_depth: 8,
            layout: Layout::Gray,
            source: SourceColour::Gray,
            samples: vec![0, 200],
        };
        let face = gray.into_face(EncodedFormat::J2k).unwrap();
        assert_eq!(face.rgb(), [0, 0, 0, 200, 200, 200]);
        assert_eq!(face.pixel(1, 0), Some([200, 200, 200]));
        assert_eq!(face.pixel(2, 0), None);
        let cmyk = RawPixels {
            width: 1,
            height: 1,
            bit_depth: 8,
            layout: Layout::Cmyk,
            source: SourceColour::Cmyk,
            samples: vec![255, 0, 51, 0],
        };
        assert_eq!(
            cmyk.into_face(EncodedFormat::Jp2).unwrap().rgb(),
            [0, 255, 204]
        );
        let short = RawPixels {
            width: 2,
            height: 2,
            bit_depth: 8,
            layout: Layout::Rgb,
            source: SourceColour::Rgb,
            samples: vec![0; 11],
        };
        assert!(matches!(
            short.into_face(EncodedFormat::Jpeg),
            Err(FaceDecodeError::Decoder { .. })
        ));
    }

    fn hex_bytes(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }
}
