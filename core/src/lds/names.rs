//! Repeated name fields (DG11 other names `5F0F`, DG12 other persons `5F1A`).
//!
//! ICAO 9303-10 wraps them in an `A0` template with a `02` count, but real documents also
//! put them directly in the data group (and some list `A0` in the tag list instead of the
//! field tag, the "Belarus" deviation). Both shapes are accepted.

use crate::codec::tlv::Tlv;

use super::common::{children, text};
use super::error::LdsError;
use super::file::LdsFile;

/// Collects the values of `tag` found directly in `tlv` or inside its `A0` template.
pub(crate) fn collect(
    file: LdsFile,
    tlv: Tlv<'_>,
    tag: u32,
    out: &mut Vec<String>,
) -> Result<bool, LdsError> {
    if tlv.tag == tag {
        out.push(text(tlv.value));
        return Ok(true);
    }
    if tlv.tag == 0xA0 {
        let inner = children(file, tlv.value)?;
        if !inner.iter().any(|t| t.tag == tag) {
            return Ok(false);
        }
        for t in inner {
            if t.tag == tag {
                out.push(text(t.value));
            }
        }
        return Ok(true);
    }
    Ok(false)
}
