//! CSV cells that spreadsheets take as text, never as formulas.

/// `+447430900123`, `-12.50`: a number alone cannot be a formula.
fn is_plain_number(value: &str) -> bool {
    let unsigned = value.strip_prefix(['+', '-']).unwrap_or(value);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
}

/// Characters that make a spreadsheet cell a formula.
fn starts_formula(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// Neutralises spreadsheet formulas (CSV injection, OWASP): a cell starting
/// with `=`, `+`, `-`, `@`, tab or CR gets a leading apostrophe. Plain E.164
/// numbers (`+` and digits) are left alone: they cannot hold a formula.
///
/// A spreadsheet whose list separator is `;` splits our comma-separated
/// lines at every `;`, quotes or not, so what follows a `;` inside a value
/// starts a cell there: it gets the apostrophe too.
pub fn safe_cell(value: &str) -> String {
    if is_plain_number(value) {
        return value.to_owned();
    }
    let mut safe = String::with_capacity(value.len() + 1);
    let mut cell_start = true;
    for c in value.chars() {
        // After a `;`, a quote would open a quoted cell holding a formula.
        if cell_start && (starts_formula(c) || (c == '"' && !safe.is_empty())) {
            safe.push('\'');
        }
        safe.push(c);
        cell_start = c == ';';
    }
    safe
}

/// One CSV line, every field quoted and formulas neutralised. Quoting every
/// field matters: a spreadsheet that splits on `;` would otherwise start a
/// new cell, and so a new formula, in the middle of `a;=1+1`.
pub fn csv_line(cells: &[&str]) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(Vec::new());
    let _ = writer.write_record(cells.iter().map(|cell| safe_cell(cell)));
    writer.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(cells: &[&str]) -> String {
        String::from_utf8(csv_line(cells)).unwrap()
    }

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        assert_eq!(
            safe_cell("=HYPERLINK(\"http://evil\",\"x\")"),
            "'=HYPERLINK(\"http://evil\",\"x\")"
        );
        for risky in ["+1+1", "-2+3", "-A1", "@SUM(A1)", "\tx", "\rx", "-", "+"] {
            assert!(safe_cell(risky).starts_with('\''), "{risky:?}");
        }
        assert_eq!(safe_cell("+447430900123"), "+447430900123");
        assert_eq!(safe_cell("-12.50"), "-12.50");
        assert_eq!(safe_cell("Hello"), "Hello");
        assert_eq!(safe_cell("a;=1+1; -2;@x"), "a;'=1+1; -2;'@x");
        assert_eq!(safe_cell("\"quoted\";\"=1\""), "\"quoted\";'\"=1\"");
    }

    #[test]
    fn every_field_is_quoted() {
        assert_eq!(
            line(&["a,b", "say \"hi\"", "=cmd", "multi\nline", "plain"]),
            "\"a,b\",\"say \"\"hi\"\"\",\"'=cmd\",\"multi\nline\",\"plain\"\n"
        );
    }

    /// Splits a line the way a spreadsheet with `;` as its separator does:
    /// quoted fields are one cell whatever they hold.
    fn semicolon_cells(line: &str) -> Vec<String> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(false)
            .from_reader(line.as_bytes());
        let record = reader.records().next().unwrap().unwrap();
        record.iter().map(str::to_owned).collect()
    }

    #[test]
    fn a_semicolon_spreadsheet_sees_no_formula() {
        for payload in [
            "Sale today;=2+3;=cmd|' /C calc'!A0",
            "x;=1+1",
            "x;+1;-1;@A1",
        ] {
            let written = line(&["2026-11-28", payload, "+447430900123"]);
            for separator in [b',', b';'] {
                let mut reader = csv::ReaderBuilder::new()
                    .delimiter(separator)
                    .has_headers(false)
                    .from_reader(written.as_bytes());
                for cell in reader.records().next().unwrap().unwrap().iter() {
                    assert!(
                        !cell.starts_with(['=', '+', '-', '@']) || cell == "+447430900123",
                        "{payload:?} split on {:?} gives the formula cell {cell:?}",
                        separator as char
                    );
                }
            }
        }
        // What the old writer produced for the campaign text: cells starting with `=`.
        let unquoted = "2026-11-28,Sale today;=2+3;=cmd|' /C calc'!A0\n";
        assert!(semicolon_cells(unquoted).iter().any(|c| c.starts_with('=')));
    }
}
