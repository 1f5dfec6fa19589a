//! The page's own `Lab` under random user actions, applied live as the page applies them (frame by
//! frame, sometimes after a Step), to two or three strategies side by side, including actions the
//! client refuses outright (no group, no topics, settings Kafka rejects). Checks: nothing panics, a
//! refused action changes no World, the share link carries the session unchanged, and the saved
//! session replays to the very same snapshots and traces.

use super::driver::Case;
use super::gen;
use super::run::Ran;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::subsequence;
use rebalance_lab::session::share_link as share;
use rebalance_lab::session::{Lab, Session, Strategy as PageStrategy};
use rebalance_lab::sim::{Action, Millis};
use std::path::PathBuf;

/// One step of the user: wait (advancing frame by frame), maybe press Step, then act.
#[derive(Clone, Debug)]
pub struct UserStep {
    pub wait_ms: Millis,
    pub frame_ms: Millis,
    pub press_step: bool,
    pub action: Action,
}

#[derive(Clone, Debug)]
pub struct LabCase {
    pub session: Session,
    pub steps: Vec<UserStep>,
}

pub fn case() -> impl Strategy<Value = LabCase> {
    (gen::case(), subsequence(PageStrategy::ALL.to_vec(), 1..=3))
        .prop_flat_map(|(mut scenario, strategies)| {
            let consumers = scenario.consumers.len();
            scenario.actions.clear();
            scenario.duration_ms = 120_000;
            let step = (
                1 as Millis..=15_000,
                16 as Millis..=2_000,
                prop::bool::weighted(0.2),
                gen::action(consumers, gen::any_add_consumer().boxed()),
            )
                .prop_map(|(wait_ms, frame_ms, press_step, action)| UserStep {
                    wait_ms,
                    frame_ms,
                    press_step,
                    action,
                });
            (
                Just(Session {
                    scenario,
                    strategies,
                    actions: Vec::new(),
                    until_ms: 0,
                }),
                vec(step, 0..=10),
            )
        })
        .prop_map(|(session, steps)| LabCase { session, steps })
}

impl Case for LabCase {
    fn check(&self) -> Result<Ran, String> {
        let mut lab =
            Lab::new(self.session.clone()).map_err(|e| format!("session refused: {e}"))?;
        let mut refused = 0;
        for step in &self.steps {
            let at = lab.now() + step.wait_ms;
            while lab.now() < at {
                let frame = (lab.now() + step.frame_ms).min(at);
                lab.run_until(frame);
            }
            if step.press_step {
                lab.step();
            }
            let before = lab.snapshots();
            let lengths: Vec<usize> = lab.lanes.iter().map(|l| l.world.trace().len()).collect();
            if let Err(e) = lab.apply(step.action.clone()) {
                refused += 1;
                let after: Vec<usize> = lab.lanes.iter().map(|l| l.world.trace().len()).collect();
                if lab.snapshots() != before || after != lengths {
                    return Err(format!(
                        "{}: a refused action changed a World ({e})",
                        lab.now()
                    ));
                }
            }
        }
        lab.run_until(lab.now() + 30_000);
        let saved = lab.saved_session();
        let link = share::encode(&saved);
        let decoded =
            share::decode(&link).map_err(|e| format!("the share link is refused: {e}"))?;
        if decoded != saved {
            return Err("the share link changed the session".into());
        }
        let replayed =
            Lab::new(decoded).map_err(|e| format!("the saved session is refused: {e}"))?;
        if replayed.snapshots() != lab.snapshots() {
            return Err("the replayed session has other snapshots".into());
        }
        for (a, b) in lab.lanes.iter().zip(&replayed.lanes) {
            if a.world.trace() != b.world.trace() {
                return Err(format!("the replayed {} trace differs", a.strategy.short()));
            }
        }
        Ok(Ran {
            events: lab.lanes.iter().map(|l| l.world.trace().len()).sum(),
            refused,
            // The page's Lab is checked for clean refusals and exact replays, not for liveness.
            liveness: false,
        })
    }

    fn write(&self, error: &str) -> PathBuf {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("property-failures");
        let _ = std::fs::create_dir_all(&dir);
        let mut session = self.session.clone();
        session.scenario.description =
            format!("Found by tests/model/properties (page Lab): {error}");
        let file = dir.join(format!("{}-lab.txt", session.scenario.name));
        let _ = std::fs::write(&file, self.text_of(&session));
        file
    }

    fn weight(&self) -> Vec<u64> {
        vec![
            self.steps.len() as u64,
            self.session.scenario.consumers.len() as u64,
            self.session.strategies.len() as u64,
        ]
    }

    fn size(&self) -> String {
        format!(
            "{} strategies, {} consumers, {} user actions",
            self.session.strategies.len(),
            self.session.scenario.consumers.len(),
            self.steps.len()
        )
    }

    fn text(&self) -> String {
        self.text_of(&self.session)
    }
}

impl LabCase {
    /// The session and the user's steps, readable: wait, frame size, Step pressed, action.
    fn text_of(&self, session: &Session) -> String {
        let mut out = format!(
            "session (open it as #{}):\n{}\nuser steps:\n",
            share::encode(session),
            serde_json::to_string_pretty(session).unwrap_or_default()
        );
        for s in &self.steps {
            out.push_str(&format!(
                "  wait {} ms in frames of {} ms{}, then {}\n",
                s.wait_ms,
                s.frame_ms,
                if s.press_step { ", press Step" } else { "" },
                serde_json::to_string(&s.action).unwrap_or_default()
            ));
        }
        out
    }
}
