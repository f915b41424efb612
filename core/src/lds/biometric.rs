//! ISO/IEC 19794-5 facial records: the biometric data block inside DG2.
//!
//! Two editions are in use on chips: 19794-5:2005 (version `"010\0"`) and 19794-5:2011
//! (version `"030\0"`). Both are a general header followed by one record per face; only the
//! header fields differ. We extract what an app needs (image format, size, bytes) and skip
//! the rest, with every offset checked against the declared lengths.

/// Why a facial record could not be read; DG2 wraps it into an
/// [`LdsError`](super::LdsError) naming the file.
pub(crate) type FaceError = String;

/// How the image inside a face record is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    /// JPEG (ISO/IEC 10918), magic `FF D8 FF`.
    Jpeg,
    /// JPEG 2000, as a JP2 file (`00 00 00 0C 6A 50 20 20 …`) or a bare codestream
    /// (`FF 4F FF 51`).
    Jpeg2000,
    /// Neither the magic bytes nor the header's image data type says JPEG or JPEG 2000.
    Unknown,
}

impl ImageFormat {
    /// The format recognised from the first bytes of the image, if any.
    pub fn from_magic(data: &[u8]) -> Option<Self> {
        const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF];
        const JP2: &[u8] = &[0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20];
        const J2K: &[u8] = &[0xFF, 0x4F, 0xFF, 0x51];
        if data.starts_with(JPEG) {
            Some(ImageFormat::Jpeg)
        } else if data.starts_with(JP2) || data.starts_with(J2K) {
            Some(ImageFormat::Jpeg2000)
        } else {
            None
        }
    }

    /// The format the 19794-5 header's image data type claims (0 JPEG, 1 JPEG 2000).
    pub fn from_data_type(code: u8) -> Self {
        match code {
            0 => ImageFormat::Jpeg,
            1 => ImageFormat::Jpeg2000,
            _ => ImageFormat::Unknown,
        }
    }
}

/// The edition of ISO/IEC 19794-5 a facial record follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaceRecordVersion {
    /// 19794-5:2005, version `"010"`.
    V2005,
    /// 19794-5:2011, version `"030"`.
    V2011,
}

/// One face image extracted from a facial record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaceImage {
    /// The encoding, from the image's magic bytes when recognised, otherwise from the
    /// header's claim (headers are sometimes wrong; the bytes are what a decoder sees).
    pub format: ImageFormat,
    /// The image data type byte of the header (0 JPEG, 1 JPEG 2000), as given.
    pub declared_data_type: u8,
    /// Width in pixels, as declared by the record header.
    pub width: u16,
    /// Height in pixels, as declared by the record header.
    pub height: u16,
    /// Face image type (0 basic, 1 full frontal, 2 token frontal, …), as given.
    pub face_image_type: u8,
    /// The encoded image, ready for a JPEG / JPEG 2000 decoder.
    pub data: Vec<u8>,
}

/// A facial record: its edition and its faces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaceRecord {
    /// Which edition of 19794-5 it follows.
    pub version: FaceRecordVersion,
    /// The faces, in record order.
    pub faces: Vec<FaceImage>,
}

/// A bounds-checked big-endian reader over a byte slice.
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], FaceError> {
        let end = self.pos.checked_add(n).ok_or("length overflow")?;
        let s = self
            .data
            .get(self.pos..end)
            .ok_or_else(|| format!("facial record truncated in {what}"))?;
        self.pos = end;
        Ok(s)
    }

    fn u8(&mut self, what: &str) -> Result<u8, FaceError> {
        Ok(self.take(1, what)?.first().copied().unwrap_or(0))
    }

    fn u16(&mut self, what: &str) -> Result<u16, FaceError> {
        let b = self.take(2, what)?;
        Ok(b.iter().fold(0u16, |acc, x| (acc << 8) | u16::from(*x)))
    }

    fn u32(&mut self, what: &str) -> Result<usize, FaceError> {
        let b = self.take(4, what)?;
        let v = b.iter().fold(0u32, |acc, x| (acc << 8) | u32::from(*x));
        usize::try_from(v).map_err(|_| "length does not fit in memory".into())
    }
}

/// Parses an ISO/IEC 19794-5 facial record (the content of a biometric data block).
pub(crate) fn parse_face_record(data: &[u8]) -> Result<FaceRecord, FaceError> {
    let mut r = Reader { data, pos: 0 };
    if r.take(4, "format identifier")? != b"FAC\0" {
        return Err("biometric data block is not a facial record (no \"FAC\\0\")".into());
    }
    let version = match r.take(4, "version")? {
        b"010\0" => FaceRecordVersion::V2005,
        b"030\0" => FaceRecordVersion::V2011,
        other => {
            return Err(format!(
                "facial record version {:?} is not 010 or 030",
                String::from_utf8_lossy(other)
            ));
        }
    };
    let record_len = r.u32("record length")?;
    if record_len > data.len() {
        return Err(format!(
            "facial record declares {record_len} bytes but the block holds {}",
            data.len()
        ));
    }
    // Anything after the declared record length is not part of it.
    r.data = data.get(..record_len).unwrap_or(data);
    let count = r.u16("number of faces")?;
    if version == FaceRecordVersion::V2011 {
        r.take(3, "certification flag and temporal semantics")?;
    }
    if count == 0 {
        return Err("facial record holds no face".into());
    }
    let mut faces = Vec::new();
    for _ in 0..count {
        let start = r.pos;
        let block_len = r.u32("facial record data length")?;
        let end = start
            .checked_add(block_len)
            .filter(|end| *end <= r.data.len())
            .ok_or_else(|| {
                format!("facial record data of {block_len} bytes overruns the record")
            })?;
        let mut block = Reader {
            data: r.data.get(..end).unwrap_or_default(),
            pos: r.pos,
        };
        faces.push(match version {
            FaceRecordVersion::V2005 => face_2005(&mut block)?,
            FaceRecordVersion::V2011 => face_2011(&mut block)?,
        });
        r.pos = end;
    }
    Ok(FaceRecord { version, faces })
}

/// 19794-5:2005: facial information (20 bytes with the length), feature points (8 bytes
/// each), image information (12 bytes), image data to the end of the block.
fn face_2005(r: &mut Reader<'_>) -> Result<FaceImage, FaceError> {
    let points = r.u16("number of feature points")?;
    r.take(14, "facial information")?;
    r.take(usize::from(points) * 8, "feature points")?;
    let face_image_type = r.u8("face image type")?;
    let declared_data_type = r.u8("image data type")?;
    let width = r.u16("width")?;
    let height = r.u16("height")?;
    r.take(6, "image information")?;
    image(r, face_image_type, declared_data_type, width, height)
}

/// 19794-5:2011: capture date and device (14 bytes), quality blocks (count then 5 bytes
/// each), facial information (17 bytes), landmark points (8 bytes each), image information
/// (11 bytes), image data to the end of the representation.
fn face_2011(r: &mut Reader<'_>) -> Result<FaceImage, FaceError> {
    r.take(14, "capture date and device")?;
    let quality_blocks = r.u8("number of quality blocks")?;
    r.take(usize::from(quality_blocks) * 5, "quality blocks")?;
    let points = r.u16("number of landmark points")?;
    r.take(15, "facial information")?;
    r.take(usize::from(points) * 8, "landmark points")?;
    let face_image_type = r.u8("face image type")?;
    let declared_data_type = r.u8("image data type")?;
    let width = r.u16("width")?;
    let height = r.u16("height")?;
    r.take(5, "image information")?;
    // Some encoders put a 4-byte image length before the image: accept it when the image
    // magic appears right after it and it matches the remaining length.
    let rest = r.data.get(r.pos..).unwrap_or_default();
    if ImageFormat::from_magic(rest).is_none()
        && rest
            .get(4..)
            .is_some_and(|img| ImageFormat::from_magic(img).is_some())
    {
        r.take(4, "image data length")?;
    }
    image(r, face_image_type, declared_data_type, width, height)
}

fn image(
    r: &mut Reader<'_>,
    face_image_type: u8,
    declared_data_type: u8,
    width: u16,
    height: u16,
) -> Result<FaceImage, FaceError> {
    let data = r.data.get(r.pos..).unwrap_or_default();
    if data.is_empty() {
        return Err("face record holds no image data".into());
    }
    let format = ImageFormat::from_magic(data)
        .unwrap_or_else(|| ImageFormat::from_data_type(declared_data_type));
    Ok(FaceImage {
        format,
        declared_data_type,
        width,
        height,
        face_image_type,
        data: data.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2011 record with one face, one quality block, one landmark and a JPEG "image".
    fn record_2011(image: &[u8], with_len: bool) -> Vec<u8> {
        let mut rep = Vec::new();
        rep.extend_from_slice(&[0; 14]); // capture date/time and device
        rep.push(1);
        rep.extend_from_slice(&[50, 0, 1, 0, 2]); // one quality block
        rep.extend_from_slice(&[0, 1]); // one landmark
        rep.extend_from_slice(&[0; 15]);
        rep.extend_from_slice(&[0; 8]);
        rep.extend_from_slice(&[1, 0, 0x01, 0xE0, 0x02, 0x80]); // full frontal, JPEG, 480x640
        rep.extend_from_slice(&[0; 5]);
        if with_len {
            rep.extend_from_slice(&u32::try_from(image.len()).unwrap().to_be_bytes());
        }
        rep.extend_from_slice(image);
        let rep_len = u32::try_from(rep.len() + 4).unwrap();
        let mut out = b"FAC\x00030\x00".to_vec();
        out.extend_from_slice(&(17 + rep_len).to_be_bytes());
        out.extend_from_slice(&[0, 1, 0, 0, 0]);
        out.extend_from_slice(&rep_len.to_be_bytes());
        out.extend_from_slice(&rep);
        out
    }

    #[test]
    fn iso_2011_record_yields_its_image() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 0xFF, 0xD9];
        for with_len in [false, true] {
            let rec = parse_face_record(&record_2011(&jpeg, with_len)).unwrap();
            assert_eq!(rec.version, FaceRecordVersion::V2011);
            let face = rec.faces.first().unwrap();
            assert_eq!(
                (face.format, face.width, face.height),
                (ImageFormat::Jpeg, 480, 640)
            );
            assert_eq!(face.data, jpeg);
        }
    }

    #[test]
    fn magic_wins_over_the_header_claim() {
        let j2k = [0xFF, 0x4F, 0xFF, 0x51, 0, 0];
        let face = parse_face_record(&record_2011(&j2k, false)).unwrap();
        let face = face.faces.first().unwrap();
        assert_eq!(face.declared_data_type, 0);
        assert_eq!(face.format, ImageFormat::Jpeg2000);
    }

    #[test]
    fn truncated_and_foreign_records_are_errors() {
        let full = record_2011(&[0xFF, 0xD8, 0xFF, 0xD9], false);
        for n in 0..full.len() {
            assert!(
                parse_face_record(full.get(..n).unwrap()).is_err(),
                "prefix {n}"
            );
        }
        assert!(parse_face_record(b"FIR\x00010\x00\x00\x00\x00\x0e\x00\x01").is_err());
        assert!(parse_face_record(b"FAC\x00020\x00\x00\x00\x00\x0e\x00\x01").is_err());
    }

    proptest::proptest! {
        #[test]
        fn random_records_never_panic(
            v2011 in proptest::bool::ANY,
            body in proptest::collection::vec(proptest::num::u8::ANY, 0..200),
        ) {
            let mut data = if v2011 { b"FAC\x00030\x00".to_vec() } else { b"FAC\x00010\x00".to_vec() };
            let len = u32::try_from(body.len() + 12).unwrap();
            data.extend_from_slice(&len.to_be_bytes());
            data.extend_from_slice(&body);
            let _ = parse_face_record(&data);
        }
    }
}
