//! The ICAO 9303-3 §4.9 check digit: weights 7-3-1 repeating, digits count as their value,
//! `A`..`Z` as 10..35 and the filler `<` as 0; the weighted sum modulo 10 is the digit.

/// The value ICAO 9303-3 §4.9 gives to one MRZ character, or `None` for a character that may
/// not appear in an MRZ (anything outside `A-Z`, `0-9`, `<`).
pub fn char_value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        b'<' => Some(0),
        _ => None,
    }
}

/// Computes the check digit (0..=9) of an MRZ field or of the concatenation a composite
/// check digit covers.
///
/// Returns `None` when the input holds a character that cannot appear in an MRZ, so callers
/// never confuse "no check digit possible" with a real digit.
pub fn check_digit(field: &str) -> Option<u8> {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    let mut sum: u32 = 0;
    for (c, w) in field.bytes().zip(WEIGHTS.iter().cycle()) {
        sum = (sum + char_value(c)? * w) % 10;
    }
    u8::try_from(sum).ok()
}

/// The check digit of `field` as the ASCII character it is printed as (`'0'..='9'`).
pub(crate) fn check_digit_char(field: &str) -> Option<char> {
    check_digit(field).map(|d| char::from(b'0' + d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icao_9303_3_examples() {
        assert_eq!(check_digit("520727"), Some(3));
        assert_eq!(check_digit("AB2134<<<"), Some(5));
        assert_eq!(check_digit("L898902C<"), Some(3));
        assert_eq!(check_digit(""), Some(0));
        assert_eq!(check_digit("<<<<<<<<<<<<<<"), Some(0));
    }

    #[test]
    fn rejects_characters_outside_the_mrz_alphabet() {
        assert_eq!(check_digit("abc"), None);
        assert_eq!(check_digit("AB C"), None);
        assert_eq!(check_digit("Ä"), None);
    }

    #[test]
    fn char_form_is_ascii_digit() {
        assert_eq!(check_digit_char("520727"), Some('3'));
    }
}
