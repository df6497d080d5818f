//! Human-readable output: aligned tables of a few chosen fields, or key/value blocks.

use serde_json::Value;

/// A cell's text: strings bare, null as `-`, lists joined by commas.
pub fn cell(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) => s.clone(),
        Value::Array(a) if a.is_empty() => "-".into(),
        Value::Array(a) => a.iter().map(cell).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

/// A table of `rows` (JSON objects) showing `columns` (field names); nested fields as
/// `a.b`.
pub fn table(rows: &[Value], columns: &[&str]) -> String {
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| columns.iter().map(|c| cell(field(r, c))).collect())
        .collect();
    let heads: Vec<String> = columns.iter().map(|c| label(c).to_uppercase()).collect();
    let widths: Vec<usize> = (0..columns.len())
        .map(|i| {
            body.iter()
                .map(|r| r[i].chars().count())
                .chain([heads[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_owned()
    };
    let mut out = line(&heads);
    for r in &body {
        out.push('\n');
        out.push_str(&line(r));
    }
    if rows.is_empty() {
        out.push_str("\n(none)");
    }
    out
}

/// `key: value` lines of an object's fields, in the order given.
pub fn record(v: &Value, fields: &[&str]) -> String {
    let w = fields.iter().map(|f| label(f).len()).max().unwrap_or(0);
    fields
        .iter()
        .map(|f| {
            format!(
                "{:<w$}  {}",
                format!("{}:", label(f)),
                cell(field(v, f)),
                w = w + 1
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A field's name for people: times are shown as dates, so `_ms` goes.
fn label(name: &str) -> &str {
    name.strip_suffix("_ms").unwrap_or(name)
}

fn field<'a>(v: &'a Value, path: &str) -> &'a Value {
    path.split('.')
        .fold(v, |v, k| v.get(k).unwrap_or(&Value::Null))
}

/// `ms` since the epoch as `YYYY-MM-DD HH:MM UTC`.
pub fn utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

/// Days since 1970-01-01 of a date (proleptic Gregorian), the inverse of
/// [`civil_from_days`] (H. Hinnant's algorithms).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tables_align_columns_and_show_missing_as_dash() {
        let t = table(
            &[
                json!({"e164": "+12065550100", "status": "Unassigned", "user": null}),
                json!({"e164": "+1", "status": "Assigned", "user": "ann"}),
            ],
            &["e164", "status", "user"],
        );
        assert_eq!(
            t,
            "E164          STATUS      USER\n+12065550100  Unassigned  -\n+1            Assigned    ann"
        );
    }

    #[test]
    fn dates_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(utc(1_793_610_000_000), "2026-11-02 09:00 UTC");
        let d = days_from_civil(2026, 12, 1);
        assert_eq!(utc(d * 86_400_000), "2026-12-01 00:00 UTC");
    }
}
