//! Secure-messaging data objects (DO'85', '87', '97', '99', '8E') on raw bytes; commands are
//! split by the codec's `CommandApdu`.

use super::SmError;

/// Appends a BER length (short form, or long form `81 xx` / `82 xxxx`).
pub(super) fn push_len(out: &mut Vec<u8>, len: usize) -> Result<(), SmError> {
    if let Ok(short) = u8::try_from(len) {
        if short >= 0x80 {
            out.push(0x81);
        }
        out.push(short);
    } else if let Ok(long) = u16::try_from(len) {
        out.push(0x82);
        out.extend_from_slice(&long.to_be_bytes());
    } else {
        return Err(SmError::MalformedCommand);
    }
    Ok(())
}

/// Appends the data object `tag ‖ L ‖ value` (single-byte tag, BER length). A building block
/// shared with the virtual chip for assembling protected responses.
pub fn push_do(out: &mut Vec<u8>, tag: u8, value: &[u8]) -> Result<(), SmError> {
    out.push(tag);
    push_len(out, value.len())?;
    out.extend_from_slice(value);
    Ok(())
}

/// One data object read from a protected response or command body.
pub(super) struct DataObject<'a> {
    pub tag: u8,
    pub value: &'a [u8],
}

/// Reads one single-byte-tag data object from the front of `input`; returns it and the rest.
pub(super) fn read_do(input: &[u8]) -> Result<(DataObject<'_>, &[u8]), SmError> {
    let bad = SmError::MalformedResponse;
    let (&tag, rest) = input.split_first().ok_or(bad)?;
    let (&first, rest) = rest.split_first().ok_or(bad)?;
    let (len, rest) = match first {
        0..=0x7F => (usize::from(first), rest),
        0x81 => {
            let (&l, rest) = rest.split_first().ok_or(bad)?;
            (usize::from(l), rest)
        }
        0x82 => {
            let (l, rest) = rest.split_first_chunk::<2>().ok_or(bad)?;
            (usize::from(u16::from_be_bytes(*l)), rest)
        }
        _ => return Err(bad),
    };
    let (value, rest) = rest.split_at_checked(len).ok_or(bad)?;
    Ok((DataObject { tag, value }, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_long_form_lengths() {
        let mut v = vec![];
        push_do(&mut v, 0x87, &[7; 300]).unwrap();
        assert_eq!(&v[..4], &[0x87, 0x82, 0x01, 0x2C]);
        let (d, rest) = read_do(&v).unwrap();
        assert_eq!((d.tag, d.value.len(), rest.len()), (0x87, 300, 0));
        let mut v = vec![];
        push_do(&mut v, 0x85, &[7; 200]).unwrap();
        assert_eq!(&v[..3], &[0x85, 0x81, 200]);
        assert!(read_do(&v[..100]).is_err());
        assert!(read_do(&[0x87, 0x83, 0, 0, 1, 0]).is_err());
    }
}
