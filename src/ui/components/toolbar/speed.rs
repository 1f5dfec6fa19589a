//! The speed control: a linear slider position mapped onto a logarithmic speed from 0.1× to 100×,
//! so that each third of the slider is one power of ten.

pub const MIN_SPEED: f64 = 0.1;
pub const MAX_SPEED: f64 = 100.0;
/// Slider positions run 0..=SLIDER_STEPS.
pub const SLIDER_STEPS: u32 = 300;

/// Speed for a slider position (clamped).
pub fn speed_at(position: u32) -> f64 {
    let t = f64::from(position.min(SLIDER_STEPS)) / f64::from(SLIDER_STEPS);
    let decades = (MAX_SPEED / MIN_SPEED).log10();
    round_speed(MIN_SPEED * 10f64.powf(t * decades))
}

/// Slider position closest to a speed (clamped into range).
pub fn position_of(speed: f64) -> u32 {
    let speed = speed.clamp(MIN_SPEED, MAX_SPEED);
    let decades = (MAX_SPEED / MIN_SPEED).log10();
    ((speed / MIN_SPEED).log10() / decades * f64::from(SLIDER_STEPS)).round() as u32
}

/// Two significant digits are all a learner needs: 0.13×, 1.3×, 13×.
fn round_speed(speed: f64) -> f64 {
    let magnitude = 10f64.powf(speed.log10().floor() - 1.0);
    (speed / magnitude).round() * magnitude
}

/// "0.5×", "4×", "100×".
pub fn label(speed: f64) -> String {
    let text = format!("{speed:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}×")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_and_middle_of_the_slider() {
        assert_eq!(speed_at(0), 0.1);
        assert_eq!(speed_at(SLIDER_STEPS), 100.0);
        assert_eq!(speed_at(SLIDER_STEPS / 3), 1.0);
        assert_eq!(speed_at(2 * SLIDER_STEPS / 3), 10.0);
    }

    #[test]
    fn positions_round_trip() {
        for speed in [0.1, 1.0, 4.0, 10.0, 100.0] {
            let back = speed_at(position_of(speed));
            assert!((back - speed).abs() / speed < 0.03, "{speed} -> {back}");
        }
        assert_eq!(position_of(1000.0), SLIDER_STEPS);
    }

    #[test]
    fn labels_are_short() {
        assert_eq!(label(4.0), "4×");
        assert_eq!(label(0.5), "0.5×");
        assert_eq!(label(100.0), "100×");
        assert_eq!(label(0.13), "0.13×");
    }
}
