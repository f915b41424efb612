//! Why an LDS file could not be parsed.

use crate::codec::tlv::TlvError;
use crate::error::{Error, ErrorCode};

use super::file::LdsFile;

/// An LDS file (EF.COM, a data group or EF.SOD) that is malformed or of the wrong kind.
///
/// Every variant names the file, so a user-facing message can say which file of the
/// document is broken; all of them map to [`ErrorCode::LdsFormat`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LdsError {
    /// The TLV encoding itself is broken (truncated, bad tag or length).
    #[error("{file}: {source}")]
    Tlv {
        /// The file being parsed.
        file: LdsFile,
        /// What the TLV decoder found.
        source: TlvError,
    },
    /// The file does not start with the outer tag of the file kind asked for.
    #[error("{file}: outer tag {found:#x}, expected {expected:#04x}")]
    WrongOuterTag {
        /// The file kind the caller asked for.
        file: LdsFile,
        /// Its outer tag.
        expected: u8,
        /// The tag found at the start of the bytes.
        found: u32,
    },
    /// Bytes after the outer object that are not padding (`00` or `FF`).
    #[error("{file}: {count} unexpected byte(s) after the outer object")]
    TrailingBytes {
        /// The file being parsed.
        file: LdsFile,
        /// How many bytes follow the outer object.
        count: usize,
    },
    /// A mandatory data object is absent.
    #[error("{file}: mandatory tag {tag:#x} missing")]
    Missing {
        /// The file being parsed.
        file: LdsFile,
        /// The missing tag.
        tag: u32,
    },
    /// A data object is present but its content is not acceptable.
    #[error("{file}: {detail}")]
    Invalid {
        /// The file being parsed.
        file: LdsFile,
        /// What is wrong, in words.
        detail: String,
    },
    /// The file is not an LDS file with an outer tag (EF.CardAccess, EF.DIR…), so this
    /// module has no parser for it.
    #[error("{0}: not an LDS file this parser handles")]
    NotLds(LdsFile),
}

impl LdsError {
    /// Shorthand for [`LdsError::Invalid`].
    pub(crate) fn invalid(file: LdsFile, detail: impl Into<String>) -> Self {
        LdsError::Invalid {
            file,
            detail: detail.into(),
        }
    }

    /// A closure turning a [`TlvError`] into an [`LdsError::Tlv`] for `file`.
    pub(crate) fn tlv(file: LdsFile) -> impl Fn(TlvError) -> LdsError {
        move |source| LdsError::Tlv { file, source }
    }

    /// The file the error is about.
    pub fn file(&self) -> LdsFile {
        match self {
            LdsError::Tlv { file, .. }
            | LdsError::WrongOuterTag { file, .. }
            | LdsError::TrailingBytes { file, .. }
            | LdsError::Missing { file, .. }
            | LdsError::Invalid { file, .. }
            | LdsError::NotLds(file) => *file,
        }
    }
}

impl From<LdsError> for Error {
    fn from(e: LdsError) -> Self {
        Error::new(ErrorCode::LdsFormat, e.to_string())
    }
}
