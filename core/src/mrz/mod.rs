//! Machine Readable Zone (ICAO 9303-3/4/5/6): TD1, TD2 and TD3 parsing, check digits,
//! name transliteration and the MRZ key used by BAC and PACE.
