//! Passive authentication: EF.SOD signer checks ([`pa`]), certificates ([`cert`]), the trust
//! store of CSCAs, master lists, CRLs and deviation lists ([`trust`], [`deviation`]) and
//! DSC → CSCA chain validation ([`chain`]); and Active Authentication of the chip with its
//! DG15 key ([`active`]).

pub mod active;
pub mod anti_clone;
pub mod card_security;
pub mod cert;
pub mod chain;
pub mod crl;
pub mod deviation;
pub(crate) mod glue;
pub mod ldif;
pub mod pa;
pub mod trust;
