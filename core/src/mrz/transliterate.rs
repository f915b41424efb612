//! Names in the MRZ: the ICAO 9303-3 §6 transliteration of national characters into
//! `A-Z`, and matching a name a person types against the name printed in an MRZ.
//!
//! Table source: ICAO 9303-3 (8th ed.) §6.A "Transliteration of multinational Latin-based
//! characters" and §6.B "Transliteration of Cyrillic characters". Where ICAO lists more than
//! one option the first is what [`transliterate`] writes and the others are accepted by
//! [`name_matches`]: Ä → AE / A / AXX, Å → AA / A / AXX, Ö → OE / O / OXX, Ü → UE / U / UXX,
//! Ñ → N / NXX, Ø → OE. Greek and other scripts are not transliterated (they are dropped).

/// Transliteration options for one upper-case character, recommended form first. `None`
/// means the character is not a letter ICAO transliterates (it is dropped).
fn options(c: char) -> Option<&'static [&'static str]> {
    let opts: &'static [&'static str] = match c {
        'A'..='Z' => return ascii_letter(c),
        'Á' | 'À' | 'Â' | 'Ã' | 'Ă' | 'Ā' | 'Ą' => &["A"],
        'Ä' => &["AE", "A", "AXX"],
        'Å' => &["AA", "A", "AXX"],
        'Æ' => &["AE"],
        'Ć' | 'Ĉ' | 'Č' | 'Ċ' | 'Ç' => &["C"],
        'Đ' | 'Ď' | 'Ð' => &["D"],
        'É' | 'È' | 'Ê' | 'Ë' | 'Ě' | 'Ė' | 'Ē' | 'Ę' | 'Ĕ' => &["E"],
        'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => &["G"],
        'Ħ' | 'Ĥ' => &["H"],
        'Í' | 'Ì' | 'Î' | 'Ï' | 'İ' | 'Ĩ' | 'Ī' | 'Ĭ' | 'Į' => &["I"],
        'Ĳ' => &["IJ"],
        'Ĵ' => &["J"],
        'Ķ' => &["K"],
        'Ł' | 'Ĺ' | 'Ľ' | 'Ļ' | 'Ŀ' => &["L"],
        'Ń' | 'Ň' | 'Ņ' | 'Ŋ' => &["N"],
        'Ñ' => &["N", "NXX"],
        'Ó' | 'Ò' | 'Ô' | 'Õ' | 'Ő' | 'Ō' | 'Ŏ' => &["O"],
        'Ö' => &["OE", "O", "OXX"],
        'Ø' | 'Œ' => &["OE"],
        'Ŕ' | 'Ř' | 'Ŗ' => &["R"],
        'Ś' | 'Ŝ' | 'Š' | 'Ş' | 'Ș' => &["S"],
        'ẞ' => &["SS"],
        'Ť' | 'Ţ' | 'Ț' | 'Ŧ' => &["T"],
        'Þ' => &["TH"],
        'Ú' | 'Ù' | 'Û' | 'Ũ' | 'Ŭ' | 'Ű' | 'Ů' | 'Ū' | 'Ų' => &["U"],
        'Ü' => &["UE", "U", "UXX"],
        'Ŵ' => &["W"],
        'Ý' | 'Ŷ' | 'Ÿ' => &["Y"],
        'Ź' | 'Ž' | 'Ż' => &["Z"],
        _ => return cyrillic(c),
    };
    Some(opts)
}

fn ascii_letter(c: char) -> Option<&'static [&'static str]> {
    const LETTERS: [&str; 26] = [
        "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R",
        "S", "T", "U", "V", "W", "X", "Y", "Z",
    ];
    let index = usize::from(u8::try_from(c).ok()?.checked_sub(b'A')?);
    LETTERS.get(index..=index)
}

/// ICAO 9303-3 §6.B (Cyrillic); `Ь` is omitted, hence the empty option.
fn cyrillic(c: char) -> Option<&'static [&'static str]> {
    let opts: &'static [&'static str] = match c {
        'А' => &["A"],
        'Б' => &["B"],
        'В' => &["V"],
        'Г' => &["G", "H"],
        'Ґ' | 'Ѓ' => &["G"],
        'Д' | 'Ђ' => &["D"],
        'Е' | 'Ё' | 'Э' => &["E"],
        'Є' | 'Ъ' => &["IE"],
        'Ж' => &["ZH"],
        'З' => &["Z"],
        'Ѕ' | 'Џ' => &["DZ"],
        'И' | 'І' | 'Ї' | 'Й' => &["I"],
        'Ј' => &["J"],
        'К' | 'Ќ' => &["K"],
        'Л' => &["L"],
        'Љ' => &["LJ"],
        'М' => &["M"],
        'Н' => &["N"],
        'Њ' => &["NJ"],
        'О' => &["O"],
        'П' => &["P"],
        'Р' => &["R"],
        'С' => &["S"],
        'Т' => &["T"],
        'Ћ' => &["C"],
        'У' | 'Ў' => &["U"],
        'Ф' => &["F"],
        'Х' => &["KH"],
        'Ц' => &["TS"],
        'Ч' => &["CH"],
        'Ш' => &["SH"],
        'Щ' => &["SHCH"],
        'Ы' => &["Y"],
        'Ь' => &[""],
        'Ю' => &["IU"],
        'Я' => &["IA"],
        _ => return None,
    };
    Some(opts)
}

/// How a character of a typed name is treated.
enum Piece {
    /// A letter with its transliteration options.
    Letter(&'static [&'static str]),
    /// A word separator: space, hyphen (ICAO: filler `<`).
    Separator,
    /// A comma, which in ICAO practice separates primary and secondary identifiers (`<<`).
    Comma,
}

/// Splits text into pieces, upper-casing first (so `ß` becomes `SS`, `ø` becomes `Ø`).
/// Apostrophes, digits and other characters are dropped, as ICAO 9303-3 §6 prescribes for
/// punctuation.
fn pieces(text: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    for c in text.chars() {
        if c.is_whitespace() || c == '-' || c == '<' {
            out.push(Piece::Separator);
        } else if c == ',' {
            out.push(Piece::Comma);
        } else {
            for u in c.to_uppercase() {
                if let Some(opts) = options(u) {
                    out.push(Piece::Letter(opts));
                }
            }
        }
    }
    out
}

/// Writes a name as it appears in an MRZ name field (ICAO 9303-3 §6): upper case,
/// national characters transliterated with the recommended option (Ø → OE, Ä → AE, ß → SS,
/// Þ → TH, accents dropped, Cyrillic romanised), spaces and hyphens as one `<`, apostrophes
/// and other punctuation removed, and a comma (surname, given names) as `<<`.
/// Leading and trailing separators are dropped; no padding is added.
///
/// ```
/// use idproof_core::mrz::transliterate;
/// assert_eq!(transliterate("Søren Ægir O'Brien-Ødegård"), "SOEREN<AEGIR<OBRIEN<OEDEGAARD");
/// assert_eq!(transliterate("Müller, Hans"), "MUELLER<<HANS");
/// ```
pub fn transliterate(name: &str) -> String {
    let mut out = String::new();
    let mut pending: &str = "";
    for piece in pieces(name) {
        match piece {
            Piece::Letter(opts) => {
                let text = opts.first().copied().unwrap_or("");
                if !text.is_empty() {
                    if !out.is_empty() {
                        out.push_str(pending);
                    }
                    pending = "";
                    out.push_str(text);
                }
            }
            Piece::Separator => {
                if pending.is_empty() {
                    pending = "<";
                }
            }
            Piece::Comma => pending = "<<",
        }
    }
    out
}

/// The result of comparing a typed name with an MRZ name, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameMatch {
    /// The same name after the ICAO recommended transliteration (Ø typed, OE printed, …).
    Exact,
    /// The same name once an alternative ICAO transliteration is used for some typed letter
    /// (Ä printed as A or AXX, Ö as O, Ü as U or UXX, Å as A, Ñ as NXX).
    AlternativeTransliteration,
    /// The MRZ name field is full and holds a truncation of the typed name: every MRZ name
    /// part starts the corresponding typed part (parts may be cut to initials, trailing ones
    /// dropped), as ICAO 9303-3 §4.6 truncation does.
    Truncated,
    /// Different names. `typed_as_mrz` is the typed name as an MRZ would print it, for
    /// showing the user what was compared.
    Mismatch {
        /// The typed name, transliterated.
        typed_as_mrz: String,
    },
}

impl NameMatch {
    /// True for every outcome except [`NameMatch::Mismatch`].
    pub fn is_match(&self) -> bool {
        !matches!(self, NameMatch::Mismatch { .. })
    }
}

/// Longest typed name considered; longer input is a mismatch (bounds the work).
const MAX_TYPED_CHARS: usize = 200;

/// Compares a name as a person types it (any case, national characters, spaces, hyphens,
/// apostrophes; surname first or given names first; a comma after the surname is allowed)
/// with an MRZ name: a full name field (`SURNAME<<GIVEN<NAMES<<<`, e.g. [`super::Mrz::name_field`])
/// or one part of it (surname or given names, `<` or spaces between words).
///
/// Pass the raw field with its trailing fillers: a field with no trailing filler is *full*,
/// and only a full field is accepted as a truncation of a longer typed name.
pub fn name_matches(typed: &str, mrz_name: &str) -> NameMatch {
    let mismatch = || NameMatch::Mismatch {
        typed_as_mrz: transliterate(typed),
    };
    if typed.chars().count() > MAX_TYPED_CHARS {
        return mismatch();
    }
    let mrz = mrz_name.trim().to_ascii_uppercase().replace(' ', "<");
    let full = !mrz.is_empty() && !mrz.ends_with('<');
    let words = |s: &str| -> Vec<String> {
        s.split('<')
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let (mrz_words, primary_count) = match mrz.split_once("<<") {
        Some((primary, secondary)) => {
            let primary = words(primary);
            let count = primary.len();
            let mut all = primary;
            all.extend(words(secondary));
            (all, Some(count))
        }
        None => (words(&mrz), None),
    };

    let typed_words = typed_words(typed);
    if typed_words.is_empty() || mrz_words.is_empty() {
        return mismatch();
    }
    let mut candidates = vec![typed_words.clone()];
    // Given names typed first: move the surname words (as many as the MRZ has) to the front.
    if let Some(k) = primary_count
        && k > 0
        && k < typed_words.len()
    {
        let split = typed_words.len() - k;
        let mut rotated = typed_words.get(split..).unwrap_or_default().to_vec();
        rotated.extend_from_slice(typed_words.get(..split).unwrap_or_default());
        candidates.push(rotated);
    }

    let same_words = |cand: &[Vec<&'static [&'static str]>], primary_only: bool| {
        cand.len() == mrz_words.len()
            && cand
                .iter()
                .zip(&mrz_words)
                .all(|(t, m)| word_matches(t, m, primary_only, false))
    };
    if candidates.iter().any(|c| same_words(c, true)) {
        return NameMatch::Exact;
    }
    if candidates.iter().any(|c| same_words(c, false)) {
        return NameMatch::AlternativeTransliteration;
    }
    let truncated = |cand: &[Vec<&'static [&'static str]>]| {
        cand.len() >= mrz_words.len()
            && cand
                .iter()
                .zip(&mrz_words)
                .all(|(t, m)| word_matches(t, m, false, true))
    };
    if full && candidates.iter().any(|c| truncated(c)) {
        return NameMatch::Truncated;
    }
    mismatch()
}

/// Typed name split into words, each a list of per-letter transliteration options.
fn typed_words(typed: &str) -> Vec<Vec<&'static [&'static str]>> {
    let mut words = Vec::new();
    let mut current: Vec<&'static [&'static str]> = Vec::new();
    for piece in pieces(typed) {
        match piece {
            Piece::Letter(opts) => current.push(opts),
            Piece::Separator | Piece::Comma => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Whether some transliteration of `letters` equals `target` (or, with `prefix`, starts
/// with `target`, which then may end inside a multi-letter transliteration such as AE).
fn word_matches(
    letters: &[&'static [&'static str]],
    target: &str,
    primary_only: bool,
    prefix: bool,
) -> bool {
    let Some((first, rest)) = letters.split_first() else {
        return target.is_empty();
    };
    if prefix && target.is_empty() {
        return true;
    }
    let opts = if primary_only {
        first.get(..1).unwrap_or_default()
    } else {
        first
    };
    opts.iter().any(|opt| {
        if let Some(remaining) = target.strip_prefix(opt) {
            word_matches(rest, remaining, primary_only, prefix)
        } else {
            prefix && opt.starts_with(target)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transliterates_icao_examples() {
        assert_eq!(transliterate("Åsa Öberg"), "AASA<OEBERG");
        assert_eq!(transliterate("Þór Guðmundsson"), "THOR<GUDMUNDSSON");
        assert_eq!(transliterate("Straße"), "STRASSE");
        assert_eq!(transliterate("Ĳsselmeer Œuvre"), "IJSSELMEER<OEUVRE");
        assert_eq!(transliterate("José María Núñez"), "JOSE<MARIA<NUNEZ");
        assert_eq!(transliterate("  d'Artagnan -  Jr "), "DARTAGNAN<JR");
        assert_eq!(transliterate("Щукин Юрий"), "SHCHUKIN<IURII");
        assert_eq!(
            transliterate("Eriksson, Anna Maria"),
            "ERIKSSON<<ANNA<MARIA"
        );
    }

    #[test]
    fn typed_names_match_with_alternatives() {
        assert_eq!(
            name_matches("Jens Ødegård", "JENS<OEDEGAARD"),
            NameMatch::Exact
        );
        assert_eq!(
            name_matches("ødegård, jens", "OEDEGAARD<<JENS<<<<"),
            NameMatch::Exact
        );
        assert_eq!(
            name_matches("Jens Oedegaard", "OEDEGAARD<<JENS<<<<"),
            NameMatch::Exact
        );
        assert_eq!(
            name_matches("Jürgen Müller", "MULLER<<JURGEN<<<<"),
            NameMatch::AlternativeTransliteration
        );
        assert_eq!(
            name_matches("Åsa Källström", "KALLSTROM<<ASA<<<"),
            NameMatch::AlternativeTransliteration
        );
        assert!(!name_matches("Jens Hansen", "OEDEGAARD<<JENS<<<<").is_match());
        assert!(!name_matches("", "OEDEGAARD<<JENS<<<<").is_match());
    }

    #[test]
    fn truncated_only_when_the_field_is_full() {
        let field = "MENDES<ESTEVES<NOGUEIRA<<RUI<G";
        assert_eq!(
            name_matches("Rui Gonçalo Mendes Esteves Nogueira", field),
            NameMatch::Truncated
        );
        assert_eq!(
            name_matches("Mendes Esteves Nogueira, Rui Gonçalo", field),
            NameMatch::Truncated
        );
        assert!(
            !name_matches(
                "Rui Gonçalo Mendes Esteves Nogueira",
                "MENDES<ESTEVES<NOGUEIRA<<RUI<G<"
            )
            .is_match()
        );
        assert_eq!(
            name_matches(
                "Müller Schmidt, Hans Günther",
                "MUELLER<SCHMIDT<<HANS<GUENTHE"
            ),
            NameMatch::Truncated
        );
    }

    #[test]
    fn mismatch_reports_the_transliterated_name() {
        assert_eq!(
            name_matches("Søren", "HANSEN<<PETER<<<"),
            NameMatch::Mismatch {
                typed_as_mrz: "SOEREN".to_owned()
            }
        );
    }
}
