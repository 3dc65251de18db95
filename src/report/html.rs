//! The single-file HTML report (placeholder while the renderer is written).

use super::ReportData;

/// The HTML report.
pub fn render(data: &ReportData) -> String {
    super::markdown::render(data)
}
