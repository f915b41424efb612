//! DG2 face images to pixels (`lds::face_decode`, feature `face-decode`).
//!
//! Real DG2s: the BSI 2008 and Dutch 2006 specimen passports (JMRTD test data, colour JP2).
//! Forms those lack — baseline JPEG, grayscale JPEG and JPEG 2000, a bare J2K codestream —
//! are the same BSI portrait re-encoded by libjpeg-turbo and OpenJPEG
//! (`fixtures/data/face/make_variants.py`), plus the BSI JP2's own codestream without its
//! box wrapper, and gmrtd's DG7 JPEG as a JPEG from an unrelated encoder.
//!
//! Each decode is pinned twice: the SHA-256 of our RGB buffer (any change in the decoders
//! shows), and nine pixels and the mean sample as an independent decoder gives them
//! (OpenJPEG 2.5.4 and libjpeg-turbo 3.2.0 through Pillow 13.0.0), within a tolerance: JPEG
//! 2000 lossy decoding may round differently (±1), JPEG upsampling and IDCT differ a little
//! more between decoders (±6).
#![cfg(feature = "face-decode")]

use idproof_core::lds::face_decode::{
    DecodedFace, EncodedFormat, FaceDecodeError, MAX_PIXELS, MAX_SIDE, SourceColour, decode_face,
    decode_image, to_png,
};
use idproof_core::lds::{Dg2, ImageFormat};
use idproof_core::{Error, ErrorCode};
use sha2::{Digest, Sha256};

fn data(path: &str) -> Vec<u8> {
    let full = format!("{}/../fixtures/data/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// What an independent decoder (Pillow) gives for an image.
struct Reference {
    width: u32,
    height: u32,
    /// Mean of all RGB samples × 1000.
    mean_milli: u64,
    /// (x, y, [r, g, b]) at the quarter points.
    pixels: [(u32, u32, [u8; 3]); 9],
}

/// Our decode must be the pinned bytes and agree with the reference within `tolerance`.
fn check(
    face: &DecodedFace,
    format: EncodedFormat,
    colour: SourceColour,
    sha256: &str,
    reference: &Reference,
    tolerance: u8,
) {
    assert_eq!(face.format(), format);
    assert_eq!(face.source_colour(), colour);
    assert_eq!(face.bit_depth(), 8);
    assert_eq!(
        (face.width(), face.height()),
        (reference.width, reference.height)
    );
    assert_eq!(
        face.rgb().len(),
        usize::try_from(reference.width * reference.height * 3).unwrap()
    );
    assert_eq!(hex::encode(Sha256::digest(face.rgb())), sha256, "{format}");
    for (x, y, expected) in reference.pixels {
        let got = face.pixel(x, y).unwrap();
        for (g, e) in got.iter().zip(expected) {
            assert!(
                g.abs_diff(e) <= tolerance,
                "{format} pixel ({x},{y}): ours {got:?}, reference {expected:?}"
            );
        }
    }
    let sum: u64 = face.rgb().iter().map(|b| u64::from(*b)).sum();
    let mean_milli = sum * 1000 / u64::try_from(face.rgb().len()).unwrap();
    assert!(
        mean_milli.abs_diff(reference.mean_milli) <= 100,
        "{format} mean ×1000: ours {mean_milli}, reference {}",
        reference.mean_milli
    );
    if colour == SourceColour::Gray {
        assert!(face.rgb().chunks(3).all(|p| p[0] == p[1] && p[1] == p[2]));
    }
    png_round_trips(face);
}

/// The PNG holds exactly the decoded pixels.
fn png_round_trips(face: &DecodedFace) {
    let png = to_png(face).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let mut reader = png::Decoder::new(std::io::Cursor::new(png))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (face.width(), face.height()));
    assert_eq!(info.color_type, png::ColorType::Rgb);
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    assert_eq!(&buf[..info.buffer_size()], face.rgb());
}

fn first_face(dg2: &[u8]) -> idproof_core::lds::FaceImage {
    Dg2::parse(dg2).unwrap().faces().next().unwrap().clone()
}

const BSI_PORTRAIT: Reference = Reference {
    width: 413,
    height: 531,
    mean_milli: 125_460,
    pixels: [
        (103, 132, [255, 224, 187]),
        (206, 132, [166, 94, 72]),
        (309, 132, [204, 143, 113]),
        (103, 265, [222, 126, 99]),
        (206, 265, [202, 103, 81]),
        (309, 265, [185, 99, 77]),
        (103, 398, [244, 167, 121]),
        (206, 398, [217, 114, 91]),
        (309, 398, [196, 98, 75]),
    ],
};
const BSI_PORTRAIT_SHA256: &str =
    "b4be0240aa25fdc30736065694f74bcaf3dc5e74c06f35c233a75f0f1dd404be";

#[test]
fn bsi2008_dg2_colour_jp2_decodes() {
    let face = first_face(&data("lds/bsi2008_Datagroup2.bin"));
    assert_eq!(face.format, ImageFormat::Jpeg2000);
    let decoded = decode_face(&face).unwrap();
    check(
        &decoded,
        EncodedFormat::Jp2,
        SourceColour::Rgb,
        BSI_PORTRAIT_SHA256,
        &BSI_PORTRAIT,
        1,
    );
}

#[test]
fn loes2006_dg2_jp2_decodes() {
    // A colour JP2 whose picture is gray (R = G = B): the source colour is what the file says.
    let face = first_face(&data("lds/loes2006_ef0102.bin"));
    let decoded = decode_face(&face).unwrap();
    check(
        &decoded,
        EncodedFormat::Jp2,
        SourceColour::Rgb,
        "57ac86bd692fea86a1ed676f2039393d9bfaf22e5f3af9694af922513cefe481",
        &Reference {
            width: 449,
            height: 598,
            mean_milli: 156_278,
            pixels: [
                (112, 149, [129, 129, 129]),
                (224, 149, [200, 200, 200]),
                (336, 149, [112, 112, 112]),
                (112, 299, [221, 221, 221]),
                (224, 299, [216, 216, 216]),
                (336, 299, [130, 130, 130]),
                (112, 448, [22, 22, 22]),
                (224, 448, [173, 173, 173]),
                (336, 448, [128, 128, 128]),
            ],
        },
        1,
    );
    // The 19794-5 header claims 449×598 here too; the BSI one claims 337×449 for a 413×531 JP2.
    assert_eq!((face.width, face.height), (449, 598));
}

#[test]
fn the_bsi_codestream_without_its_jp2_boxes_decodes_to_the_same_pixels() {
    let jp2 = data("face/specimen_face.jp2");
    let at = jp2.windows(4).position(|w| w == b"jp2c").unwrap() + 4;
    let codestream = &jp2[at..];
    assert!(codestream.starts_with(&[0xFF, 0x4F, 0xFF, 0x51]));
    let decoded = decode_image(codestream).unwrap();
    check(
        &decoded,
        EncodedFormat::J2k,
        SourceColour::Rgb,
        BSI_PORTRAIT_SHA256,
        &BSI_PORTRAIT,
        1,
    );
}

const GRAY_PORTRAIT_J2K: Reference = Reference {
    width: 413,
    height: 531,
    mean_milli: 128_235,
    pixels: [
        (103, 132, [230; 3]),
        (206, 132, [113; 3]),
        (309, 132, [157; 3]),
        (103, 265, [152; 3]),
        (206, 265, [130; 3]),
        (309, 265, [122; 3]),
        (103, 398, [185; 3]),
        (206, 398, [142; 3]),
        (309, 398, [125; 3]),
    ],
};

#[test]
fn grayscale_j2k_codestream_decodes() {
    let decoded = decode_image(&data("face/specimen_face_gray.j2k")).unwrap();
    check(
        &decoded,
        EncodedFormat::J2k,
        SourceColour::Gray,
        "ed87c0619886c33f0c5fd4725b2288bf1b977aae88cabfce63738870c2395436",
        &GRAY_PORTRAIT_J2K,
        1,
    );
}

#[test]
fn grayscale_jp2_decodes() {
    let decoded = decode_image(&data("face/specimen_face_gray.jp2")).unwrap();
    let reference = Reference {
        mean_milli: 128_236,
        ..GRAY_PORTRAIT_J2K
    };
    check(
        &decoded,
        EncodedFormat::Jp2,
        SourceColour::Gray,
        "feac2d1d4e4d3b10458e3b61716d236e5e645ebf0a74b087b83ec78cc161bb5d",
        &reference,
        1,
    );
}

#[test]
fn colour_jpeg_decodes() {
    let decoded = decode_image(&data("face/specimen_face.jpg")).unwrap();
    check(
        &decoded,
        EncodedFormat::Jpeg,
        SourceColour::Rgb,
        "2f70b05bb3394f62ce06d034524d85fca5dea471fe62552e91b1c0c75cf5d4b3",
        &Reference {
            width: 413,
            height: 531,
            mean_milli: 125_415,
            pixels: [
                (103, 132, [255, 223, 192]),
                (206, 132, [163, 94, 65]),
                (309, 132, [209, 148, 117]),
                (103, 265, [225, 127, 100]),
                (206, 265, [202, 103, 82]),
                (309, 265, [185, 98, 78]),
                (103, 398, [240, 166, 129]),
                (206, 398, [214, 115, 96]),
                (309, 398, [196, 97, 74]),
            ],
        },
        6,
    );
}

#[test]
fn grayscale_jpeg_decodes() {
    let decoded = decode_image(&data("face/specimen_face_gray.jpg")).unwrap();
    check(
        &decoded,
        EncodedFormat::Jpeg,
        SourceColour::Gray,
        "b7a01254edbbe0b07c56dd48044ef30d0c3fef623664ee0def6509d1d2eac99a",
        &Reference {
            width: 413,
            height: 531,
            mean_milli: 128_249,
            pixels: [
                (103, 132, [233; 3]),
                (206, 132, [111; 3]),
                (309, 132, [163; 3]),
                (103, 265, [153; 3]),
                (206, 265, [130; 3]),
                (309, 265, [122; 3]),
                (103, 398, [184; 3]),
                (206, 398, [142; 3]),
                (309, 398, [124; 3]),
            ],
        },
        6,
    );
}

#[test]
fn a_third_party_jpeg_decodes() {
    // gmrtd's DG7 (displayed signature): tag 67, count, 5F43 with the JPEG at byte 12.
    let dg7 = data("lds/gmrtd_DG7_displayed_signature.bin");
    let jpeg = &dg7[12..];
    let decoded = decode_image(jpeg).unwrap();
    assert_eq!(
        (decoded.format(), decoded.source_colour()),
        (EncodedFormat::Jpeg, SourceColour::Rgb)
    );
    assert_eq!((decoded.width(), decoded.height()), (148, 70));
    assert_eq!(
        hex::encode(Sha256::digest(decoded.rgb())),
        "11c5055266a5fc5c9fe2d6aea154b6384e7bed09deff6cb48fd173c2ca2e59c6"
    );
    png_round_trips(&decoded);
}

#[test]
fn a_wrong_header_claim_does_not_matter() {
    // The BSI DG2 with its image data type byte (offset 73) set to 0 = JPEG.
    let mut dg2 = data("lds/bsi2008_Datagroup2.bin");
    assert_eq!(dg2[73], 1);
    dg2[73] = 0;
    let face = first_face(&dg2);
    assert_eq!(
        (face.declared_data_type, face.format),
        (0, ImageFormat::Jpeg2000)
    );
    let decoded = decode_face(&face).unwrap();
    assert_eq!(decoded.format(), EncodedFormat::Jp2);
    assert_eq!(
        hex::encode(Sha256::digest(decoded.rgb())),
        BSI_PORTRAIT_SHA256
    );
}

/// Every encoded image the tests use.
fn all_images() -> Vec<(&'static str, Vec<u8>)> {
    let bsi = data("face/specimen_face.jp2");
    let at = bsi.windows(4).position(|w| w == b"jp2c").unwrap() + 4;
    vec![
        ("bsi jp2", bsi.clone()),
        ("bsi j2k", bsi[at..].to_vec()),
        ("loes jp2", data("lds/loes2006_ef0102.bin")[84..].to_vec()),
        ("gray j2k", data("face/specimen_face_gray.j2k")),
        ("gray jp2", data("face/specimen_face_gray.jp2")),
        ("jpeg", data("face/specimen_face.jpg")),
        ("gray jpeg", data("face/specimen_face_gray.jpg")),
    ]
}

#[test]
fn every_truncation_is_a_typed_error() {
    for (name, image) in all_images() {
        for len in 0..image.len() {
            let e = decode_image(&image[..len]).unwrap_err();
            assert_eq!(Error::from(e).code, ErrorCode::FaceDecode);
        }
        let e = decode_image(&image[..image.len() - 1]).unwrap_err();
        assert!(
            matches!(e, FaceDecodeError::Truncated { .. }),
            "{name}: {e:?}"
        );
        // Zero padding after the end marker is accepted (19794-5 records are padded).
        let mut padded = image.clone();
        padded.extend_from_slice(&[0; 16]);
        decode_image(&padded).unwrap();
    }
}

#[test]
fn corrupted_headers_never_panic() {
    // The headers (JP2 boxes, SOC/SIZ/COD/QCD, JPEG SOI/APP0/DQT/SOF/DHT) are in the first
    // 160 bytes; one of three bit patterns flipped in each.
    for (name, image) in all_images()
        .into_iter()
        .filter(|(name, _)| ["bsi jp2", "gray j2k", "jpeg", "gray jpeg"].contains(name))
    {
        for at in 0..image.len().min(160) {
            let mut bad = image.clone();
            bad[at] ^= [0x01, 0x80, 0xFF][at % 3];
            if let Ok(face) = decode_image(&bad) {
                assert_eq!(
                    face.rgb().len(),
                    face.width() as usize * face.height() as usize * 3
                );
                assert!(
                    face.width() <= MAX_SIDE && face.height() <= MAX_SIDE,
                    "{name}"
                );
                assert!(u64::from(face.width()) * u64::from(face.height()) <= MAX_PIXELS);
            }
        }
    }
}

#[test]
fn garbage_after_a_magic_is_a_typed_error() {
    let magics: [&[u8]; 3] = [
        &[0xFF, 0xD8, 0xFF],
        b"\x00\x00\x00\x0CjP  \r\n\x87\x0A",
        &[0xFF, 0x4F, 0xFF, 0x51],
    ];
    let mut state = 0x2545_F491_4F6C_DD1D_u64;
    for magic in magics {
        for len in [0, 1, 7, 64, 1000] {
            let mut bytes = magic.to_vec();
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                bytes.push(state.to_le_bytes()[0]);
            }
            bytes.extend_from_slice(&[0xFF, 0xD9]);
            assert!(decode_image(&bytes).is_err());
        }
    }
}

#[test]
fn wrong_magic_is_unknown_format() {
    for bytes in [
        &b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"[..],
        b"",
        b"\xFF\xD8",
        b"\x00\x00\x00\x0CjP  \r\n\x87",
        // A DG2 is not an image: callers pass `FaceImage::data`.
        &data("lds/bsi2008_Datagroup2.bin")[..],
    ] {
        let e = decode_image(bytes).unwrap_err();
        assert!(matches!(e, FaceDecodeError::UnknownFormat { .. }), "{e:?}");
        let e = Error::from(e);
        assert_eq!(e.code.as_str(), "FACE_DECODE");
    }
}

#[test]
fn oversized_pictures_are_refused_before_decoding() {
    // The JPEG's SOF0 height and width set to 5000 × 413.
    let mut jpeg = data("face/specimen_face.jpg");
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    jpeg[sof + 5..sof + 7].copy_from_slice(&5000_u16.to_be_bytes());
    assert!(
        matches!(
            decode_image(&jpeg),
            Err(FaceDecodeError::Dimensions { .. } | FaceDecodeError::Decoder { .. })
        ),
        "{:?}",
        decode_image(&jpeg)
    );
    // Each side within MAX_SIDE, but 3000 × 2000 is more than MAX_PIXELS.
    let mut j2k = data("face/specimen_face_gray.j2k");
    j2k[8..12].copy_from_slice(&3000_u32.to_be_bytes());
    j2k[12..16].copy_from_slice(&2000_u32.to_be_bytes());
    assert!(matches!(
        decode_image(&j2k),
        Err(FaceDecodeError::Dimensions {
            width: 3000,
            height: 2000,
            ..
        })
    ));
    // The codestream's SIZ Xsiz set to 5000.
    let mut j2k = data("face/specimen_face_gray.j2k");
    j2k[8..12].copy_from_slice(&5000_u32.to_be_bytes());
    assert_eq!(
        decode_image(&j2k),
        Err(FaceDecodeError::Dimensions {
            format: EncodedFormat::J2k,
            width: 5000,
            height: 531,
            max: MAX_SIDE
        })
    );
}
