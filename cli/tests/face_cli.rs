//! `idproof face`: exit codes and JSON fields as ARCHITECTURE.md "CLI contract" specifies.

use std::path::{Path, PathBuf};

use idproof_core::lds::Dg2;
use idproof_core::lds::face_decode::{decode_face, to_png};
use serde_json::json;

mod common;
use common::{idproof, json_of, stderr};

fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/data")
        .join(path)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("idproof-face-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

#[test]
fn a_dg2_decodes_with_its_header_and_the_picture_described() {
    let dg2 = data("lds/bsi2008_Datagroup2.bin");
    let out = idproof(&["face", &s(&dg2), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["verdict"], "valid");
    assert_eq!(v["failures"], json!([]));
    assert_eq!(v["source"], "DG2");
    assert_eq!(v["faces"], 1);
    assert_eq!(
        v["header"],
        json!({"declared_format": "JPEG 2000", "width": 337, "height": 449, "face_image_type": 1})
    );
    assert_eq!(v["format"], "JP2");
    assert_eq!(
        (v["width"].clone(), v["height"].clone()),
        (json!(413), json!(531))
    );
    assert_eq!(v["source_colour"], "rgb");
    assert_eq!(v["bit_depth"], 8);
    assert_eq!(v["png"], json!(null));
    assert!(
        stderr(&out).contains("decoded JP2: 413x531, rgb"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_dump_folder_yields_its_dg2_and_out_writes_the_png() {
    let dir = temp_dir("dump");
    std::fs::copy(data("lds/loes2006_ef011E.bin"), dir.join("COM.bin")).unwrap();
    std::fs::copy(data("lds/loes2006_ef0102.bin"), dir.join("DG2.bin")).unwrap();
    std::fs::write(dir.join("csca.der"), [0x30, 0x00]).unwrap();
    let png = dir.join("out").join("face.png");
    std::fs::create_dir_all(png.parent().unwrap()).unwrap();
    let out = idproof(&["face", &s(&dir), "--out", &s(&png)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("DG2.bin: DG2 with 1 face(s)"), "{text}");
    assert!(
        text.contains("decoded JP2: 449x598, rgb, 8 bits per sample"),
        "{text}"
    );
    // The PNG is the core's, byte for byte.
    let dg2 = Dg2::parse(&std::fs::read(dir.join("DG2.bin")).unwrap()).unwrap();
    let expected = to_png(&decode_face(dg2.faces().next().unwrap()).unwrap()).unwrap();
    assert_eq!(std::fs::read(&png).unwrap(), expected);
}

#[test]
fn a_bare_grayscale_codestream_decodes_and_no_png_without_out() {
    let dir = temp_dir("bare");
    std::fs::copy(data("face/specimen_face_gray.j2k"), dir.join("face.j2k")).unwrap();
    let out = idproof(&["face", &s(&dir.join("face.j2k")), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["source"], "image");
    assert_eq!(v["header"], json!(null));
    assert_eq!(
        (v["format"].clone(), v["source_colour"].clone()),
        (json!("J2K"), json!("gray"))
    );
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "nothing written"
    );
}

#[test]
fn a_truncated_image_exits_1_with_face_decode() {
    let dir = temp_dir("truncated");
    let jpeg = std::fs::read(data("face/specimen_face.jpg")).unwrap();
    let cut = dir.join("cut.jpg");
    std::fs::write(&cut, &jpeg[..jpeg.len() / 2]).unwrap();
    let png = dir.join("face.png");
    let out = idproof(&["face", &s(&cut), "--json", "--out", &s(&png)]);
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(v["verdict"], "invalid");
    assert_eq!(v["failures"][0]["code"], "FACE_DECODE");
    assert_eq!(v["format"], "JPEG");
    assert_eq!(v["width"], json!(null));
    assert!(!png.exists());
}

#[test]
fn input_errors_exit_2() {
    let dir = temp_dir("inputs");
    std::fs::copy(data("lds/loes2006_ef011E.bin"), dir.join("COM.bin")).unwrap();
    let dg2 = s(&data("lds/bsi2008_Datagroup2.bin"));
    let not_dg2 = s(&data("lds/loes2006_ef0101.bin"));
    let missing = s(&dir.join("missing.bin"));
    let folder = s(&dir);
    for args in [
        vec!["face", not_dg2.as_str()],
        vec!["face", missing.as_str()],
        vec!["face", folder.as_str()],
        vec!["face", dg2.as_str(), "--index", "1"],
        vec!["face"],
    ] {
        let out = idproof(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
    // A DG2 that does not parse.
    let mut broken = std::fs::read(data("lds/bsi2008_Datagroup2.bin")).unwrap();
    assert_eq!(&broken[38..42], b"FAC\0");
    broken[39] = b'X'; // "FXC\0": not a facial record
    std::fs::write(dir.join("DG2.bin"), &broken).unwrap();
    let out = idproof(&["face", &s(&dir.join("DG2.bin"))]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("LDS_FORMAT"), "{}", stderr(&out));
}
