//! `idproof face FILE [--index N] [--out face.png] [--json]`: decode a DG2 face image to pixels,
//! print what it is (format, size, colour) and, with `--out`, write it as an RGB PNG.
//!
//! FILE is a DG2 file, a folder holding one (a dump, recognised by content: tag `75`), or an
//! encoded image on its own (JPEG, JP2, J2K codestream). Exit codes (ARCHITECTURE.md "CLI
//! contract"): `0` decoded; `1` the image was checked and does not decode (`FACE_DECODE`);
//! `2` usage or input error — unreadable FILE, no DG2 in a folder, a DG2 that does not
//! parse (`LDS_FORMAT`), no face at `--index`, or the PNG cannot be written.

use std::path::{Path, PathBuf};

use idproof_core::lds::face_decode::{self, DecodedFace, EncodedFormat, SourceColour};
use idproof_core::lds::{DataGroup, Dg2, FaceImage, LdsFile, recognise};
use idproof_core::{Error, ErrorCode};
use serde::Serialize;

use super::{EXIT_FAILED, EXIT_OK, usage_error};

/// Arguments of `idproof face`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A DG2 file, a dump folder holding one, or a JPEG / JP2 / J2K image.
    #[arg(value_name = "FILE|DIR")]
    path: PathBuf,
    /// Which face of the DG2 (they are numbered from 0 in file order).
    #[arg(long, value_name = "N", default_value_t = 0)]
    index: usize,
    /// Write the face as an 8-bit RGB PNG here.
    #[arg(long, value_name = "PNG")]
    out: Option<PathBuf>,
    /// Print one JSON object on stdout; human output goes to stderr.
    #[arg(long)]
    json: bool,
}

/// One failure in the JSON `failures` list.
#[derive(Debug, Serialize)]
struct Failure {
    code: ErrorCode,
    detail: String,
}

/// What the 19794-5 header says about the face (absent for a bare image).
#[derive(Debug, Serialize)]
struct Header {
    /// `JPEG`, `JPEG 2000` or the raw image data type byte.
    declared_format: String,
    width: u16,
    height: u16,
    face_image_type: u8,
}

/// The JSON object printed with `--json`.
#[derive(Debug, Serialize)]
struct Output {
    /// `valid` when the face decoded, `invalid` when it did not.
    verdict: &'static str,
    failures: Vec<Failure>,
    /// The file read.
    file: String,
    /// `DG2` or `image`.
    source: &'static str,
    /// Faces in the DG2 (1 for a bare image).
    faces: usize,
    index: usize,
    header: Option<Header>,
    /// `JPEG`, `JP2` or `J2K`, from the image's magic bytes (null when unrecognised).
    format: Option<EncodedFormat>,
    width: Option<u32>,
    height: Option<u32>,
    /// `gray`, `rgb` or `cmyk`: the encoded image's colour model (the PNG is RGB).
    source_colour: Option<SourceColour>,
    bit_depth: Option<u8>,
    /// The PNG written (`--out`).
    png: Option<String>,
}

/// The input after reading: a DG2's faces, or one bare image.
struct Input {
    file: String,
    source: &'static str,
    faces: Vec<FaceImage>,
}

/// Runs `idproof face` and returns the exit code.
pub fn run(args: &Args) -> u8 {
    let input = match load(&args.path) {
        Ok(input) => input,
        Err(msg) => {
            return usage_error(msg);
        }
    };
    let Some(face) = input.faces.get(args.index) else {
        return usage_error(format!(
            "{}: no face at --index {} ({} in the file)",
            input.file,
            args.index,
            input.faces.len()
        ));
    };
    let decoded = match input.source {
        "DG2" => face_decode::decode_face(face),
        _ => face_decode::decode_image(&face.data),
    };
    let mut output = Output {
        verdict: "invalid",
        failures: Vec::new(),
        file: input.file.clone(),
        source: input.source,
        faces: input.faces.len(),
        index: args.index,
        header: (input.source == "DG2").then(|| Header {
            declared_format: match face.declared_data_type {
                0 => "JPEG".to_owned(),
                1 => "JPEG 2000".to_owned(),
                other => other.to_string(),
            },
            width: face.width,
            height: face.height,
            face_image_type: face.face_image_type,
        }),
        format: EncodedFormat::detect(&face.data),
        width: None,
        height: None,
        source_colour: None,
        bit_depth: None,
        png: None,
    };
    let code = match decoded {
        Ok(decoded) => {
            output.verdict = "valid";
            output.width = Some(decoded.width());
            output.height = Some(decoded.height());
            output.source_colour = Some(decoded.source_colour());
            output.bit_depth = Some(decoded.bit_depth());
            if let Some(path) = &args.out {
                if let Err(msg) = write_png(&decoded, path) {
                    return usage_error(msg);
                }
                output.png = Some(path.display().to_string());
            }
            EXIT_OK
        }
        Err(e) => {
            let e = Error::from(e);
            output.failures.push(Failure {
                code: e.code,
                detail: e.detail,
            });
            EXIT_FAILED
        }
    };
    let human = human(&output);
    if args.json {
        eprint!("{human}");
        println!("{}", serde_json::to_string(&output).unwrap_or_default());
    } else {
        print!("{human}");
    }
    code
}

/// Reads FILE or finds the DG2 in DIR.
fn load(path: &Path) -> Result<Input, String> {
    let shown = path.display().to_string();
    let (file, bytes) = if path.is_dir() {
        find_dg2(path)?
    } else {
        let bytes = std::fs::read(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
        (shown, bytes)
    };
    if EncodedFormat::detect(&bytes).is_some() {
        return Ok(Input {
            file,
            source: "image",
            faces: vec![FaceImage {
                format: idproof_core::lds::ImageFormat::from_magic(&bytes)
                    .unwrap_or(idproof_core::lds::ImageFormat::Unknown),
                declared_data_type: u8::MAX,
                width: 0,
                height: 0,
                face_image_type: 0,
                data: bytes,
            }],
        });
    }
    if recognise(&bytes) != Some(LdsFile::Dg(DataGroup::DG2)) {
        return Err(format!(
            "{file}: neither a DG2 (tag 75) nor a JPEG / JPEG 2000 image"
        ));
    }
    let dg2 = Dg2::parse(&bytes)
        .map_err(|e| format!("{file}: {}: {e}", ErrorCode::LdsFormat.as_str()))?;
    Ok(Input {
        file,
        source: "DG2",
        faces: dg2.faces().cloned().collect(),
    })
}

/// The one file in `dir` whose content is a DG2.
fn find_dg2(dir: &Path) -> Result<(String, Vec<u8>), String> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    entries.sort();
    for entry in entries {
        let Ok(bytes) = std::fs::read(&entry) else {
            continue;
        };
        if recognise(&bytes) == Some(LdsFile::Dg(DataGroup::DG2)) {
            return Ok((entry.display().to_string(), bytes));
        }
    }
    Err(format!("{}: no DG2 file (tag 75) in it", dir.display()))
}

fn write_png(face: &DecodedFace, path: &Path) -> Result<(), String> {
    let png = face_decode::to_png(face).map_err(|e| e.to_string())?;
    std::fs::write(path, png).map_err(|e| format!("{}: cannot write: {e}", path.display()))
}

/// The readable summary.
fn human(o: &Output) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    if o.source == "DG2" {
        let _ = writeln!(
            s,
            "{}: DG2 with {} face(s), face {}",
            o.file, o.faces, o.index
        );
    } else {
        let _ = writeln!(s, "{}: a bare image", o.file);
    }
    if let Some(h) = &o.header {
        let _ = writeln!(
            s,
            "  header says {}, {}x{}, face image type {}",
            h.declared_format, h.width, h.height, h.face_image_type
        );
    }
    match (o.format, o.width, o.height, o.source_colour) {
        (Some(format), Some(w), Some(h), Some(colour)) => {
            let _ = writeln!(
                s,
                "  decoded {format}: {w}x{h}, {colour}, {} bits per sample",
                o.bit_depth.unwrap_or(8)
            );
        }
        _ => {
            for f in &o.failures {
                let _ = writeln!(s, "  not decoded: {}: {}", f.code, f.detail);
            }
        }
    }
    if let Some(png) = &o.png {
        let _ = writeln!(s, "  wrote {png} (RGB PNG)");
    }
    s
}
