//! CSV: one row per open finding, with a header row, for spreadsheets and ticket imports. A cell that starts like a
//! formula (`=`, `+`, `-`, `@`, tab, carriage return) is prefixed with `'`, so text from a scanned site cannot run
//! as a formula when the file is opened in a spreadsheet (CWE-1236).

use super::ReportData;

/// The header row.
pub const COLUMNS: [&str; 18] = [
    "scan_id",
    "target_url",
    "host",
    "severity",
    "check_id",
    "module",
    "category",
    "title",
    "location",
    "status",
    "confidence",
    "cwe",
    "cve",
    "kev",
    "fingerprint",
    "found_at",
    "evidence",
    "remediation",
];

/// The CSV report.
pub fn render(data: &ReportData) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).expect("writing to memory");
    for f in &data.findings {
        let (url, host) = data
            .target_of(f)
            .map(|t| (t.url.as_str(), ReportData::target_name(t)))
            .unwrap_or(("", ""));
        let cwe = f.cwe.map(|c| format!("CWE-{c}")).unwrap_or_default();
        let row = [
            f.scan_id.as_str(),
            url,
            host,
            f.severity.as_str(),
            &f.check_id,
            f.module.as_str(),
            f.category.as_str(),
            &f.title,
            &f.location,
            f.status.as_str(),
            f.confidence.as_str(),
            &cwe,
            &f.cve.join(" "),
            if f.kev { "true" } else { "false" },
            &f.fingerprint,
            &f.found_at,
            f.evidence.as_deref().unwrap_or(""),
            &f.remediation,
        ];
        w.write_record(row.iter().map(|cell| defuse(cell)))
            .expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("CSV of UTF-8 text")
}

/// A cell that a spreadsheet will not take for a formula.
fn defuse(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn formula_like_cells_are_defused() {
        assert_eq!(super::defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(super::defuse("-1+1"), "'-1+1");
        assert_eq!(super::defuse("nginx/1.2"), "nginx/1.2");
    }
}
