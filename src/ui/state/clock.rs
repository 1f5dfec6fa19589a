//! The page's clock: whether it plays, how fast, and how real time turns into simulated time.

use crate::sim::Millis;

/// Largest real-time gap one tick may cover: after a background tab wakes up, time resumes smoothly.
const MAX_TICK_MS: f64 = 250.0;
/// While playing, the derived metrics (timeline, tables) refresh at most this often (real ms).
const METRICS_REFRESH_MS: f64 = 400.0;

/// Plain data: the two settings the user sees, and the pacing that turns frames into simulated time.
#[derive(Clone, Debug, PartialEq)]
pub struct Clock {
    pub playing: bool,
    /// Simulated ms per real ms.
    pub speed: f64,
    /// The real time (ms) of the last tick; `None` right after Play.
    last_tick: Option<f64>,
    /// Simulated time owed but less than one whole ms, kept for the next tick.
    carry_ms: f64,
    /// Real time since the metrics were last refreshed.
    metrics_age_ms: f64,
}

/// What one tick of real time asks of the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tick {
    /// Whole simulated milliseconds to advance.
    pub advance_ms: Millis,
    /// Whether the trace-wide metrics are due for a refresh.
    pub refresh_metrics: bool,
}

impl Clock {
    pub fn paused_at(speed: f64) -> Clock {
        Clock {
            playing: false,
            speed,
            last_tick: None,
            carry_ms: 0.0,
            metrics_age_ms: 0.0,
        }
    }

    /// Playing again starts counting from the next tick, not from when it last played.
    pub fn play(&mut self) {
        self.playing = true;
        self.last_tick = None;
    }

    pub fn pause(&mut self) {
        self.playing = false;
    }

    /// The + and − keys: each press a quarter of a decade faster or slower (four from 1× to 10×),
    /// within the slider's 0.1× to 100×, to two significant digits like the slider.
    pub fn nudge(&mut self, notches: i32) {
        let speed = (self.speed * 10f64.powf(f64::from(notches) / 4.0)).clamp(0.1, 100.0);
        let magnitude = 10f64.powf(speed.log10().floor() - 1.0);
        self.speed = (speed / magnitude).round() * magnitude;
    }

    /// A frame at real time `real_now` (ms): how far the model moves, if at all.
    pub fn tick(&mut self, real_now: f64) -> Option<Tick> {
        let elapsed = match self.last_tick {
            Some(last) => (real_now - last).clamp(0.0, MAX_TICK_MS),
            None => 0.0,
        };
        self.last_tick = Some(real_now);
        if !self.playing || elapsed == 0.0 {
            return None;
        }
        self.carry_ms += elapsed * self.speed;
        let whole = self.carry_ms.floor();
        self.carry_ms -= whole;
        self.metrics_age_ms += elapsed;
        let refresh_metrics = self.metrics_age_ms >= METRICS_REFRESH_MS;
        if refresh_metrics {
            self.metrics_age_ms = 0.0;
        }
        Some(Tick {
            advance_ms: whole as Millis,
            refresh_metrics,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn playing(speed: f64) -> Clock {
        let mut clock = Clock::paused_at(speed);
        clock.play();
        clock
    }

    #[test]
    fn the_first_tick_after_play_only_sets_the_pace() {
        let mut clock = playing(4.0);
        assert_eq!(clock.tick(1_000.0), None);
        assert_eq!(
            clock.tick(1_033.0),
            Some(Tick {
                advance_ms: 132,
                refresh_metrics: false
            })
        );
    }

    #[test]
    fn fractions_of_a_millisecond_are_carried_over() {
        let mut clock = playing(0.5);
        clock.tick(0.0);
        let steps: Vec<Millis> = (1..=4)
            .filter_map(|i| clock.tick(f64::from(i) * 33.0))
            .map(|t| t.advance_ms)
            .collect();
        assert_eq!(steps, [16, 17, 16, 17], "16.5 ms owed per frame at 0.5×");
    }

    #[test]
    fn a_long_gap_counts_as_a_quarter_second() {
        let mut clock = playing(1.0);
        clock.tick(0.0);
        assert_eq!(clock.tick(60_000.0).map(|t| t.advance_ms), Some(250));
    }

    #[test]
    fn metrics_refresh_a_few_times_a_second() {
        let mut clock = playing(10.0);
        clock.tick(0.0);
        let refreshes = (1..=30)
            .filter_map(|i| clock.tick(f64::from(i) * 33.0))
            .filter(|t| t.refresh_metrics)
            .count();
        assert_eq!(refreshes, 2, "990 ms of frames, one refresh per 400 ms");
    }

    #[test]
    fn plus_and_minus_move_a_quarter_decade_within_the_sliders_range() {
        let mut clock = Clock::paused_at(1.0);
        for _ in 0..4 {
            clock.nudge(1);
        }
        assert!((clock.speed - 10.0).abs() < 0.6, "{}", clock.speed);
        for _ in 0..20 {
            clock.nudge(1);
        }
        assert_eq!(clock.speed, 100.0);
        for _ in 0..40 {
            clock.nudge(-1);
        }
        assert!((clock.speed - 0.1).abs() < 1e-9);
    }

    #[test]
    fn a_paused_clock_does_not_move() {
        let mut clock = playing(4.0);
        clock.tick(0.0);
        clock.pause();
        assert_eq!(clock.tick(33.0), None);
    }
}
