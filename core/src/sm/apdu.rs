//! Just enough APDU and data-object handling for secure messaging, on raw bytes, so `sm` does
//! not depend on the codec module.

use super::SmError;

/// A plain command APDU split into its parts.
pub(super) struct PlainCommand<'a> {
    pub header: [u8; 4],
    pub data: &'a [u8],
    /// The raw Le bytes as sent (1 byte short, 2 bytes extended), if any.
    pub le: Option<&'a [u8]>,
    /// Whether the command used extended length encoding.
    pub extended: bool,
}

/// Splits a short or extended command APDU (ISO/IEC 7816-4 cases 1, 2, 3, 4).
pub(super) fn parse_command(apdu: &[u8]) -> Result<PlainCommand<'_>, SmError> {
    let bad = SmError::MalformedCommand;
    let (header, body) = apdu.split_first_chunk::<4>().ok_or(bad)?;
    let header = *header;
    let plain = |data, le, extended| PlainCommand {
        header,
        data,
        le,
        extended,
    };
    match body {
        [] => Ok(plain(&[][..], None, false)),
        [_] => Ok(plain(&[][..], Some(body), false)),
        [0, rest @ ..] => {
            // Extended length: 00 Le1 Le2 | 00 Lc1 Lc2 data [Le1 Le2].
            let (lc, rest) = rest.split_first_chunk::<2>().ok_or(bad)?;
            if rest.is_empty() {
                return Ok(plain(&[][..], Some(lc.as_slice()), true));
            }
            let lc = usize::from(u16::from_be_bytes(*lc));
            if lc == 0 {
                return Err(bad);
            }
            let (data, le) = rest.split_at_checked(lc).ok_or(bad)?;
            match le.len() {
                0 => Ok(plain(data, None, true)),
                2 => Ok(plain(data, Some(le), true)),
                _ => Err(bad),
            }
        }
        [lc, rest @ ..] => {
            let (data, le) = rest.split_at_checked(usize::from(*lc)).ok_or(bad)?;
            match le.len() {
                0 => Ok(plain(data, None, false)),
                1 => Ok(plain(data, Some(le), false)),
                _ => Err(bad),
            }
        }
    }
}

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
    fn parses_all_cases() {
        let c = parse_command(&[0, 0xA4, 2, 0xC]).unwrap();
        assert!(c.data.is_empty() && c.le.is_none() && !c.extended);
        let c = parse_command(&[0, 0xB0, 0, 0, 4]).unwrap();
        assert_eq!(c.le, Some(&[4u8][..]));
        let c = parse_command(&[0, 0xA4, 2, 0xC, 2, 1, 0x1E]).unwrap();
        assert_eq!(c.data, &[1, 0x1E]);
        assert!(c.le.is_none());
        let c = parse_command(&[0, 0xA4, 2, 0xC, 2, 1, 0x1E, 0]).unwrap();
        assert_eq!(c.le, Some(&[0u8][..]));
        let c = parse_command(&[0, 0xB0, 0, 0, 0, 0x10, 0]).unwrap();
        assert_eq!(c.le, Some(&[0x10u8, 0][..]));
        assert!(c.extended && c.data.is_empty());
        let c = parse_command(&[0, 0xB1, 0, 0, 0, 0, 2, 0x54, 0, 0, 0]).unwrap();
        assert_eq!(c.data, &[0x54, 0]);
        assert_eq!(c.le, Some(&[0u8, 0][..]));
        for bad in [
            &[0u8, 1, 2][..],
            &[0, 1, 2, 3, 2, 1],
            &[0, 1, 2, 3, 1, 1, 2, 3],
            &[0, 1, 2, 3, 0, 0],
            &[0, 1, 2, 3, 0, 0, 0, 1],
            &[0, 1, 2, 3, 0, 0, 1, 5, 0],
        ] {
            assert!(parse_command(bad).is_err(), "{bad:02X?}");
        }
    }

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
