//! Logical Data Structure (ICAO 9303-10): EF.COM, data groups and EF.SOD.
