//! The LDS file parsers (EF.COM, EF.SOD, DG1, DG2, DG11, DG12, DG14, DG15 and the opaque
//! data groups) on chip or dump bytes, recognition of dumped files by content, and every
//! field reader of what parses.
//!
//! First byte: which file the rest is parsed as ([`idproof_fuzz::every_file`]); the rest is
//! also recognised by content and, when recognised, parsed as what it was recognised as.
#![no_main]

use idproof_core::lds::{self, ParsedFile, Recognised};
use idproof_fuzz::every_file;
use libfuzzer_sys::fuzz_target;

/// Every field reader of a parsed file.
fn inspect(parsed: &ParsedFile) {
    let _ = (parsed.file(), parsed.raw().len());
    match parsed {
        ParsedFile::Com(com) => {
            let _ = (com.lds_version(), com.unicode_version(), com.data_groups());
        }
        ParsedFile::Sod(sod) => {
            if let Ok(sd) = sod.signed_data()
                && let Some(content) = sd.e_content.as_deref()
            {
                let _ = lds::sod::LdsSecurityObject::parse(content);
            }
        }
        ParsedFile::Dg1(dg1) => {
            let _ = (dg1.raw(), dg1.layout(), dg1.lines());
            let _ = idproof_core::mrz::Mrz::parse(dg1.mrz_text()).map(|m| m.validate());
        }
        ParsedFile::Dg2(dg2) => {
            let _ = (dg2.templates().len(), dg2.faces().count());
        }
        ParsedFile::Dg11(dg11) => {
            let _ = dg11.full_name_display();
        }
        ParsedFile::Dg15(dg15) => {
            let _ = dg15.key();
        }
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let all = every_file();
    let file = all[usize::from(selector) % all.len()];
    if let Ok(parsed) = lds::parse_file(file, bytes) {
        assert_eq!(parsed.file(), file);
        inspect(&parsed);
    }
    match lds::recognise_dump(bytes) {
        Some(Recognised::BareSod) => {
            // A bare ContentInfo wrapped as EF.SOD is EF.SOD.
            let wrapped = lds::wrap_bare_sod(bytes);
            assert_eq!(lds::recognise(&wrapped), Some(lds::LdsFile::Sod));
            if let Ok(parsed) = lds::parse_file(lds::LdsFile::Sod, &wrapped) {
                inspect(&parsed);
            }
        }
        Some(Recognised::File(file)) => {
            if let Ok(parsed) = lds::parse_file(file, bytes) {
                inspect(&parsed);
            }
        }
        None => {}
    }
});
