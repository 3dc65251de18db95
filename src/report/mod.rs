//! Reports made from stored scans, one file per format: the fix file now; SARIF, CSV and HTML come next.

pub mod fix;
pub mod line;
