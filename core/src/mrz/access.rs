//! What a chip was opened with, as far as DG1 can be compared with it: the whole MRZ (scanned,
//! or typed in full) or only the three fields of the MRZ key typed by hand (document number,
//! date of birth, date of expiry).
//!
//! Why one type: the report's `dg1_mrz_match`, the activation flow's check of the chip read
//! and the backend's re-verification of an evidence bundle must apply the *same* rule to both
//! kinds of access. A read opened with the three fields is bound to them (the chip derived
//! its BAC/PACE keys from exactly those fields), so DG1 must hold them; it is never "nothing
//! to compare". Only a CAN-opened read, which has no MRZ-derived key, has nothing to compare.

use super::key::MrzKey;
use super::parse::Mrz;

/// The MRZ data a chip was opened with, borrowed.
#[derive(Debug, Clone, Copy)]
pub enum MrzAccess<'a> {
    /// The whole MRZ: DG1 must hold exactly its lines.
    Lines(&'a Mrz),
    /// Only the three key fields, typed by hand: DG1's document number and dates must be
    /// these (the rest of DG1 has nothing to be compared with).
    Fields(&'a MrzKey),
}

impl MrzAccess<'_> {
    /// The fields in which `dg1` differs from this access data, in the order
    /// `document_number`, `birth_date`, `expiry_date`, then `other` (any other difference
    /// from a whole MRZ: names, nationality, sex, optional data, check digits). Empty when DG1
    /// matches.
    pub fn differences(&self, dg1: &Mrz) -> Vec<&'static str> {
        let (number, birth, expiry) = match self {
            MrzAccess::Lines(mrz) => (mrz.document_number(), mrz.birth_date(), mrz.expiry_date()),
            MrzAccess::Fields(key) => (key.document_number(), key.birth_date(), key.expiry_date()),
        };
        let mut fields = Vec::new();
        if dg1.document_number() != number {
            fields.push("document_number");
        }
        if dg1.birth_date() != birth {
            fields.push("birth_date");
        }
        if dg1.expiry_date() != expiry {
            fields.push("expiry_date");
        }
        if let MrzAccess::Lines(mrz) = self
            && fields.is_empty()
            && dg1.lines() != mrz.lines()
        {
            fields.push("other");
        }
        fields
    }

    /// What a passed comparison covered, for a check's detail.
    pub fn compared(&self) -> &'static str {
        match self {
            MrzAccess::Lines(_) => "DG1 holds the whole MRZ used for access",
            MrzAccess::Fields(_) => {
                "DG1's document number, date of birth and date of expiry are the three fields \
                 typed to open the chip (no whole MRZ was given to compare the rest with)"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TD3: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n\
                       L898902C36UTO7408122F1204159ZE184226B<<<<<10";

    #[test]
    fn fields_compare_only_the_key_fields_and_lines_everything() {
        let dg1 = Mrz::parse(TD3).unwrap();
        let same = MrzKey::new("l898902c3", "740812", "120415").unwrap();
        assert!(MrzAccess::Fields(&same).differences(&dg1).is_empty());
        let wrong = MrzKey::new("L898902C4", "740813", "120415").unwrap();
        assert_eq!(
            MrzAccess::Fields(&wrong).differences(&dg1),
            ["document_number", "birth_date"]
        );
        assert!(MrzAccess::Lines(&dg1).differences(&dg1).is_empty());
        let renamed = Mrz::parse(&TD3.replace("ANNA", "ANNE")).unwrap();
        assert_eq!(MrzAccess::Lines(&renamed).differences(&dg1), ["other"]);
    }
}
