//! The PACE-CAM chip authentication check (ICAO 9303-11 §4.4.3.5.2): the chip proves it holds
//! the static chip-authentication key of EF.CardSecurity by sending CA_IC = SK_map,IC · SK_IC⁻¹
//! (encrypted, tag `8A`); the terminal checks PK_map,IC = CA_IC · PK_IC.
//!
//! The check is only meaningful with a PK_IC taken from an EF.CardSecurity that has passed
//! passive authentication, so PACE hands back [`CamData`] and the caller runs
//! [`CamData::verify`] (or [`verify_cam`]) once it has that key.

use super::{PaceError, PaceStep};
use crate::crypto::ka::Group;

/// What PACE-CAM leaves to check: the decrypted chip-authentication data CA_IC, the chip's
/// mapping public key PK_map,IC from step 2, and the static domain parameters they live in.
#[derive(Debug, Clone)]
pub struct CamData {
    ca_ic: Vec<u8>,
    chip_mapping_public: Vec<u8>,
    group: Group,
}

impl CamData {
    /// Bundles the values (the terminal state machine builds this; public for the virtual
    /// chip's tests and for callers that ran the steps themselves).
    pub fn new(ca_ic: Vec<u8>, chip_mapping_public: Vec<u8>, group: Group) -> Self {
        Self {
            ca_ic,
            chip_mapping_public,
            group,
        }
    }

    /// CA_IC, big-endian, as decrypted from `8A`.
    pub fn ca_ic(&self) -> &[u8] {
        &self.ca_ic
    }

    /// PK_map,IC, the chip's GM mapping public key.
    pub fn chip_mapping_public(&self) -> &[u8] {
        &self.chip_mapping_public
    }

    /// Checks PK_map,IC = CA_IC · PK_IC with the chip's static chip-authentication public key
    /// `chip_static_public` (from a PA-verified EF.CardSecurity; `04‖X‖Y` on the PACE domain
    /// parameters).
    pub fn verify(&self, chip_static_public: &[u8]) -> Result<(), PaceError> {
        verify_cam(
            &self.group,
            &self.ca_ic,
            &self.chip_mapping_public,
            chip_static_public,
        )
    }
}

/// PK_map,IC = CA_IC · PK_IC in `group` (the static PACE domain parameters): `Ok` when the
/// chip holds the static key, [`PaceError::CamMismatch`] when not, and
/// [`PaceError::InvalidChipKey`] when PK_IC is not a valid point. Variable time: all inputs
/// are public once PACE has finished.
pub fn verify_cam(
    group: &Group,
    ca_ic: &[u8],
    chip_mapping_public: &[u8],
    chip_static_public: &[u8],
) -> Result<(), PaceError> {
    let product =
        group
            .mul_public(ca_ic, chip_static_public)
            .map_err(|e| PaceError::InvalidChipKey {
                step: PaceStep::Token,
                detail: format!("chip-authentication public key: {e}"),
            })?;
    if product.as_slice() == chip_mapping_public {
        Ok(())
    } else {
        Err(PaceError::CamMismatch)
    }
}
