//! Charts drawn on the server as SVG — no chart library in the browser. Each
//! is an image with a title for assistive technology; the page puts the same
//! numbers in a table beside it. Colours come from the stylesheet's classes,
//! so that one stylesheet serves both directions and the high-contrast mode.

use std::fmt::Write;

/// One series of a stacked bar chart.
pub struct Series {
    pub label: String,
    /// Its stylesheet class (`chart-completed`, `chart-late`, …).
    pub class: &'static str,
    pub values: Vec<u64>,
}

const HEIGHT: u32 = 190;
const AXIS: u32 = 24;
/// Room above the highest bar, for the scale's top label.
const HEADROOM: u32 = 10;
const SLOT: u32 = 28;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Stacked bars, one per label (oldest first, drawn left to right as time
/// runs), each segment titled with its series and number.
pub fn stacked_bars(id: &str, title: &str, labels: &[String], series: &[Series]) -> String {
    let n = labels.len() as u32;
    let width = (n * SLOT).max(SLOT) + AXIS;
    let totals: Vec<u64> =
        (0..labels.len()).map(|i| series.iter().map(|s| s.values.get(i).copied().unwrap_or(0)).sum()).collect();
    let top = totals.iter().copied().max().unwrap_or(0).max(1);
    let plot = HEIGHT - AXIS - HEADROOM;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title\" viewBox=\"0 0 {width} {HEIGHT}\" \
         width=\"{width}\" height=\"{HEIGHT}\" direction=\"ltr\"><title id=\"{id}-title\">{}</title>",
        escape(title)
    );
    // The scale: the highest total, and half of it.
    for (frac, label) in [(1.0, top), (0.5, top / 2)] {
        let y = (HEADROOM + plot) as f64 - frac * plot as f64 + 0.5;
        let _ = write!(
            svg,
            "<line class=\"chart-grid\" x1=\"{AXIS}\" x2=\"{width}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"chart-axis\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{label}</text>",
            AXIS - 4,
            y + 4.0
        );
    }
    for (i, name) in labels.iter().enumerate() {
        let x = AXIS + i as u32 * SLOT + 4;
        let mut y = (HEADROOM + plot) as f64;
        for s in series {
            let v = s.values.get(i).copied().unwrap_or(0);
            if v == 0 {
                continue;
            }
            let h = v as f64 / top as f64 * plot as f64;
            y -= h;
            let _ = write!(
                svg,
                "<rect class=\"{}\" x=\"{x}\" y=\"{y:.1}\" width=\"{}\" height=\"{h:.1}\"><title>{} · {}: {v}</title></rect>",
                s.class,
                SLOT - 8,
                escape(name),
                escape(&s.label)
            );
        }
        // Every other label, so that they do not run into each other.
        if i % 2 == 0 || n <= 8 {
            let _ = write!(
                svg,
                "<text class=\"chart-axis\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                x + (SLOT - 8) / 2,
                HEIGHT - 6,
                escape(name)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars of shares (0 to 1), one per label, each with its percent.
pub fn shares(id: &str, title: &str, rows: &[(String, Option<f64>)]) -> String {
    const ROW: u32 = 26;
    const LABEL: u32 = 220;
    const BAR: u32 = 300;
    let height = (rows.len() as u32 * ROW).max(ROW);
    let width = LABEL + BAR + 60;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title\" viewBox=\"0 0 {width} {height}\" \
         width=\"{width}\" height=\"{height}\" direction=\"ltr\"><title id=\"{id}-title\">{}</title>",
        escape(title)
    );
    for (i, (name, share)) in rows.iter().enumerate() {
        let y = i as u32 * ROW;
        // A long name is cut to fit; the table beside the chart has it whole.
        let shown: String =
            if name.chars().count() > 32 { name.chars().take(31).chain(['…']).collect() } else { name.clone() };
        let _ = write!(
            svg,
            "<text class=\"chart-axis\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <rect class=\"chart-track\" x=\"{LABEL}\" y=\"{}\" width=\"{BAR}\" height=\"16\"/>",
            LABEL - 8,
            y + 17,
            escape(&shown),
            y + 5
        );
        if let Some(v) = share {
            let w = (v.clamp(0.0, 1.0) * f64::from(BAR)).round();
            let _ = write!(
                svg,
                "<rect class=\"chart-completed\" x=\"{LABEL}\" y=\"{}\" width=\"{w}\" height=\"16\"><title>{}: {:.0}%</title></rect>\
                 <text class=\"chart-axis\" x=\"{}\" y=\"{}\">{:.0}%</text>",
                y + 5,
                escape(name),
                v * 100.0,
                LABEL + BAR + 6,
                y + 17,
                v * 100.0
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_scaled_to_the_highest_total_and_titled() {
        let labels = vec!["w1".to_owned(), "w<2>".to_owned()];
        let series = [
            Series { label: "done".into(), class: "chart-completed", values: vec![2, 4] },
            Series { label: "late".into(), class: "chart-late", values: vec![2, 0] },
        ];
        let svg = stacked_bars("t", "Trend & more", &labels, &series);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title id=\"t-title\">Trend &amp; more</title>"));
        assert!(svg.contains("w&lt;2&gt; · done: 4"), "labels are escaped");
        // Both totals are 4: each bar fills the plot's height (156).
        assert_eq!(svg.matches("height=\"78.0\"").count(), 2);
        assert_eq!(svg.matches("height=\"156.0\"").count(), 1);
        assert!(svg.contains("y=\"10.0\""), "the highest bar starts below the headroom");
        assert!(!svg.contains("w2 · late"), "a zero draws nothing");
    }

    #[test]
    fn shares_show_their_percent() {
        let svg = shares("i", "Index", &[("A".into(), Some(0.5)), ("B".into(), None)]);
        assert!(svg.contains("A: 50%") && svg.contains("width=\"150\""));
        assert_eq!(svg.matches("chart-completed").count(), 1, "no bar without a value");
    }
}
