//! Verification results: reports with stable failure codes, never bare booleans.
