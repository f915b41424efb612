//! Byte-level encodings: ISO 7816 BER-TLV and command/response APDUs with status words.
