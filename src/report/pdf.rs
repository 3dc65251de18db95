//! The PDF report (placeholder while the renderer is written).

use super::ReportData;

/// The PDF report.
pub fn render(data: &ReportData) -> Vec<u8> {
    super::markdown::render(data).into_bytes()
}
