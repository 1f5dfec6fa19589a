//! The three decoders of outside input under proptest: the share-link decoder (the page opens any
//! link), the scenario loader (`Scenario::from_bytes` + `validate`, the page's scenario box and
//! `lab run`) and the conformance-case loader (`lab assign`). Each gets arbitrary bytes and
//! structured mutations of valid inputs: huge, negative, zero and fractional numbers, empty, long
//! and unknown strings (assignors, types), duplicated entries (ids), thousands of members, deep
//! nesting, deleted and unknown fields, truncation and bytes that are not UTF-8.
//!
//! Properties: nothing panics; nothing hangs (every input is answered: a hang would stop the run); every
//! refusal is a typed error whose message names where (a field, or line and column) and why; an
//! input that loads builds its World (or is refused, typed) and runs; and a refused load leaves the
//! page's Lab as it was.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use rebalance_lab::session::lessons::LESSONS;
use rebalance_lab::session::share_link::{self as share, ShareLinkError};
use rebalance_lab::session::{Lab, Session, Strategy as PageStrategy};
use rebalance_lab::sim::assign::conformance::{self, FileError};
use rebalance_lab::sim::load::{JsonProblem, LoadError};
use rebalance_lab::sim::scenario::TimedAction;
use rebalance_lab::sim::{Action, Scenario, ScenarioError, World};
use serde_json::Value;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};

fn cases() -> u32 {
    std::env::var("DECODER_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400)
}

/// Runs `f` on every input, without a panic.
fn fuzz<T: std::fmt::Debug>(
    strategy: impl Strategy<Value = T>,
    f: impl Fn(&T) -> Result<(), String>,
) {
    let config = Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let result = runner.run(&strategy, |input| {
        // A hang would stop the test run itself; speed is not asserted here.
        let outcome = catch_unwind(AssertUnwindSafe(|| f(&input)));
        match outcome {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(TestCaseError::fail(e)),
            Err(_) => Err(TestCaseError::fail("panicked")),
        }
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

// ------------------------------------------------------------------------------------------------
// Mutations of valid JSON
// ------------------------------------------------------------------------------------------------

/// One change to a JSON value, applied at the `at`-th node (in document order, modulo their number).
#[derive(Clone, Debug)]
enum Mutation {
    /// A number: huge, negative, zero, fractional, beyond u64.
    Number(Value),
    /// A string: empty, long, unknown (an assignor, an action type, a setting).
    Text(String),
    /// The same entry again, next to itself (duplicate ids, topics, groups, members).
    Duplicate,
    /// The entry repeated until its array holds `n` items (thousands of members).
    Repeat(usize),
    /// The value wrapped in `depth` arrays.
    Nest(usize),
    /// The field removed.
    Delete,
    /// An unknown field added to an object.
    UnknownField,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let numbers = vec![
        serde_json::json!(u64::MAX),
        serde_json::json!(-1),
        serde_json::json!(0),
        serde_json::json!(i64::MIN),
        serde_json::json!(1.5),
        serde_json::json!(1e300),
        serde_json::from_str::<Value>("184467440737095516160").unwrap(),
        serde_json::json!(1_000_000_000),
        serde_json::json!(i32::MAX),
    ];
    let texts = vec![
        String::new(),
        " ".into(),
        "fair".into(),
        "explode".into(),
        "org.example.NoSuchAssignor".into(),
        "consumer".into(),
        "ünïcode ✓".into(),
        "x".repeat(10_000),
        "-5".into(),
        "null".into(),
    ];
    prop_oneof![
        3 => proptest::sample::select(numbers).prop_map(Mutation::Number),
        3 => proptest::sample::select(texts).prop_map(Mutation::Text),
        2 => Just(Mutation::Duplicate),
        1 => prop_oneof![Just(1_000usize), Just(3_000), Just(10_001)].prop_map(Mutation::Repeat),
        1 => prop_oneof![Just(20usize), Just(200)].prop_map(Mutation::Nest),
        2 => Just(Mutation::Delete),
        1 => Just(Mutation::UnknownField),
    ]
}

/// How the mutated text reaches the decoder: whole, cut short, or with a byte that is not UTF-8.
#[derive(Clone, Debug)]
enum Damage {
    None,
    Truncate(usize),
    NotUtf8(usize),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        6 => Just(Damage::None),
        1 => any::<usize>().prop_map(Damage::Truncate),
        1 => any::<usize>().prop_map(Damage::NotUtf8),
    ]
}

/// Counts the nodes of a value (document order).
fn count(v: &Value) -> usize {
    1 + match v {
        Value::Array(items) => items.iter().map(count).sum(),
        Value::Object(map) => map.values().map(count).sum(),
        _ => 0,
    }
}

/// Applies `m` at node `at` (0 = the root); `parent` operations act on the node's container.
fn apply(v: &mut Value, at: &mut usize, m: &Mutation) -> bool {
    if *at == 0 {
        match m {
            Mutation::Number(n) if v.is_number() => *v = n.clone(),
            Mutation::Text(t) if v.is_string() || v.is_number() => *v = Value::String(t.clone()),
            Mutation::Nest(depth) => {
                for _ in 0..*depth {
                    *v = Value::Array(vec![v.clone()]);
                }
            }
            Mutation::UnknownField if v.is_object() => {
                v.as_object_mut()
                    .unwrap()
                    .insert("no_such_field".into(), Value::Bool(true));
            }
            _ => return false,
        }
        return true;
    }
    *at -= 1;
    match v {
        Value::Array(items) => {
            for i in 0..items.len() {
                let here = *at;
                let size = count(&items[i]);
                if here < size {
                    if here == 0 {
                        match m {
                            Mutation::Duplicate => {
                                let copy = items[i].clone();
                                items.insert(i, copy);
                                return true;
                            }
                            Mutation::Repeat(n) => {
                                let copy = items[i].clone();
                                items.resize(*n, copy);
                                return true;
                            }
                            Mutation::Delete => {
                                items.remove(i);
                                return true;
                            }
                            _ => {}
                        }
                    }
                    return apply(&mut items[i], at, m);
                }
                *at -= size;
            }
            false
        }
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            for key in keys {
                let size = count(&map[&key]);
                if *at < size {
                    if *at == 0 && matches!(m, Mutation::Delete) {
                        map.remove(&key);
                        return true;
                    }
                    return apply(map.get_mut(&key).unwrap(), at, m);
                }
                *at -= size;
            }
            false
        }
        _ => false,
    }
}

/// A valid input, mutated one to three times, then maybe damaged: the bytes a decoder gets.
fn mutated(valid: Vec<Value>) -> impl Strategy<Value = Vec<u8>> {
    (
        proptest::sample::select(valid),
        vec((any::<usize>(), mutation()), 1..=3),
        damage(),
    )
        .prop_map(|(mut value, mutations, damage)| {
            for (at, m) in &mutations {
                let mut at = at % count(&value);
                apply(&mut value, &mut at, m);
            }
            let mut bytes = serde_json::to_vec(&value).unwrap();
            match damage {
                Damage::None => {}
                Damage::Truncate(at) => bytes.truncate(at % (bytes.len() + 1)),
                Damage::NotUtf8(at) => {
                    let at = at % (bytes.len() + 1);
                    bytes.insert(at, 0xff);
                }
            }
            bytes
        })
}

/// Random bytes, and random text made of JSON's own characters (more likely to get deep).
fn noise() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        vec(any::<u8>(), 0..2_000),
        vec(
            proptest::sample::select(br#"{}[]",:0123456789-.eEtruefalsn "#.to_vec()),
            0..2_000
        ),
    ]
}

// ------------------------------------------------------------------------------------------------
// What a refusal must say
// ------------------------------------------------------------------------------------------------

/// A JSON refusal locates itself: a field path, or a line and column.
fn located(e: &LoadError) -> Result<(), String> {
    match e {
        LoadError::Json(j) if j.line == 0 && j.path.is_empty() => {
            Err(format!("a JSON error with neither field nor place: {j:?}"))
        }
        LoadError::Json(j) if matches!(&j.problem, JsonProblem::Syntax(r) | JsonProblem::Value(r) if r.is_empty()) => {
            Err(format!("a JSON error without a reason: {j:?}"))
        }
        _ => Ok(()),
    }
}

fn said(message: String) -> Result<(), String> {
    if message.trim().is_empty() {
        Err("an error with an empty message".into())
    } else {
        Ok(())
    }
}

/// How many scenario inputs ran and how many were refused (the mutations must reach both).
static RAN: AtomicUsize = AtomicUsize::new(0);
static REFUSED: AtomicUsize = AtomicUsize::new(0);

/// A scenario that loaded: it builds (or is refused, typed) and its first simulated second runs.
fn builds_and_runs(scenario: &Scenario) -> Result<(), String> {
    match World::new(scenario) {
        Ok(mut world) => {
            world.run_until(1_000);
            RAN.fetch_add(1, Ordering::Relaxed);
            Ok(())
        }
        Err(ScenarioError::Load(e)) => Err(format!("validate gave a load error: {e}")),
        Err(e) => said(e.to_string()),
    }
}

fn check_scenario_bytes(bytes: &[u8]) -> Result<(), String> {
    REFUSED.fetch_add(1, Ordering::Relaxed);
    match Scenario::from_bytes(bytes) {
        Ok(scenario) => builds_and_runs(&scenario),
        Err(ScenarioError::Load(e)) => {
            located(&e)?;
            said(ScenarioError::Load(e).to_string())
        }
        Err(other) => Err(format!("from_bytes gave a non-load error: {other}")),
    }
}

/// The page: a Lab runs; a link is opened; if it is refused (decoded or built), the Lab is as it was.
fn check_share_link(text: &str) -> Result<(), String> {
    let mut lab = Lab::new(page_session()).map_err(|e| e.to_string())?;
    lab.run_until(5_000);
    let before = lab.snapshots();
    match share::decode(text) {
        Ok(session) => {
            if let Err(e) = Lab::new(session) {
                said(e.to_string())?;
            }
        }
        Err(ShareLinkError::Session(e)) => {
            located(&e)?;
            said(ShareLinkError::Session(e).to_string())?;
        }
        Err(e) => said(e.to_string())?,
    }
    if lab.snapshots() != before {
        return Err("opening a link changed the running Lab".into());
    }
    Ok(())
}

fn check_cases_bytes(bytes: &[u8]) -> Result<(), String> {
    match conformance::assign_cases(bytes) {
        Ok(results) => {
            let parsed = conformance::parse_results(&results).map_err(|e| e.to_string())?;
            for r in &parsed.results {
                if r.assignment.is_some() == r.error.is_some() {
                    return Err(format!(
                        "case {}: an assignment and an error, or neither",
                        r.id
                    ));
                }
            }
            Ok(())
        }
        Err(FileError::Load { error, what }) => {
            located(&error)?;
            said(FileError::Load { error, what }.to_string())
        }
        Err(e) => said(e.to_string()),
    }
}

// ------------------------------------------------------------------------------------------------
// Valid inputs to start from
// ------------------------------------------------------------------------------------------------

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("valid JSON")
}

fn valid_scenarios() -> Vec<Value> {
    let mut all: Vec<Value> = [
        include_str!("../../examples/eager-range-join.json"),
        include_str!("../../examples/cooperative-sticky-join.json"),
        include_str!("../../examples/stall-and-crash.json"),
        include_str!("../../examples/static-restart.json"),
    ]
    .into_iter()
    .map(json)
    .collect();
    all.push(serde_json::to_value(LESSONS[0].scenario()).unwrap());
    all
}

fn page_session() -> Session {
    Session {
        scenario: LESSONS[0].scenario(),
        strategies: vec![PageStrategy::EagerRange, PageStrategy::CooperativeSticky],
        actions: vec![TimedAction {
            at_ms: 12_000,
            action: Action::KillConsumer {
                consumer: "c2".into(),
            },
        }],
        until_ms: 20_000,
    }
}

fn valid_cases() -> Vec<Value> {
    let file = json(include_str!("../data/conformance/public-cases.json"));
    let cases: Vec<Value> = file["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["big"] != Value::Bool(true))
        .step_by(23)
        .cloned()
        .collect();
    cases
        .chunks(3)
        .map(|chunk| serde_json::json!({ "format": conformance::CASES_FORMAT, "cases": chunk }))
        .collect()
}

// ------------------------------------------------------------------------------------------------
// The properties
// ------------------------------------------------------------------------------------------------

#[test]
fn the_scenario_loader_answers_any_bytes() {
    fuzz(noise(), |bytes| check_scenario_bytes(bytes));
}

#[test]
fn the_scenario_loader_answers_mutated_scenarios() {
    fuzz(mutated(valid_scenarios()), |bytes| {
        check_scenario_bytes(bytes)
    });
    let (ran, tried) = (RAN.load(Ordering::Relaxed), REFUSED.load(Ordering::Relaxed));
    eprintln!("{ran} of {tried} scenario inputs built a World and ran");
    assert!(ran > 0 && ran < tried, "the mutations reach both outcomes");
}

#[test]
fn the_share_link_decoder_answers_any_fragment() {
    let encoded = |bytes: &Vec<u8>| {
        use base64::Engine;
        format!(
            "#s={}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
        )
    };
    fuzz(noise(), |bytes| {
        check_share_link(&String::from_utf8_lossy(bytes))?;
        check_share_link(&encoded(bytes))
    });
}

#[test]
fn the_share_link_decoder_answers_mutated_sessions() {
    let session = serde_json::to_value(page_session()).unwrap();
    fuzz(mutated(vec![session]), |bytes| {
        use base64::Engine;
        let link = format!(
            "#s={}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
        );
        check_share_link(&link)
    });
}

#[test]
fn the_case_loader_answers_any_bytes() {
    fuzz(noise(), |bytes| check_cases_bytes(bytes));
}

#[test]
fn the_case_loader_answers_mutated_cases() {
    fuzz(mutated(valid_cases()), |bytes| check_cases_bytes(bytes));
}

/// Named examples of each class, with the message a learner reads (the README's table quotes them).
#[test]
fn each_class_of_bad_input_gets_its_message() {
    let scenario = |text: &str| match Scenario::from_json(text) {
        Ok(s) => World::new(&s)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default(),
        Err(e) => e.to_string(),
    };
    let deep = format!(
        r#"{{"groups":[{{"group_id":"g","config":{{"client.rack":{}1{}}}}}]}}"#,
        "[".repeat(300),
        "]".repeat(300)
    );
    assert!(
        scenario(&deep).contains("nested deeper than 128 levels"),
        "{}",
        scenario(&deep)
    );
    assert_eq!(
        scenario(r#"{"topics":[{"name":"t","partitions":"#),
        "invalid scenario JSON: topics[0].partitions (line 1, column 36): the text ends too early (was it cut short when copied?)"
    );
    assert_eq!(
        Scenario::from_bytes(b"{\"name\":\"\xff\"}")
            .unwrap_err()
            .to_string(),
        "invalid scenario JSON: the input is not UTF-8 text (byte 9 is not part of a character)"
    );
    assert!(
        scenario(r#"{"topics":[{"name":"t","partitions":18446744073709551616}]}"#)
            .starts_with("invalid scenario JSON: topics[0].partitions (line 1, column")
    );
    assert_eq!(
        scenario(
            r#"{"consumers":[{"group":"g","topics":["t"],"config":{"partition.assignment.strategy":"fair"}}]}"#
        ),
        "consumers[0] (group g): partition.assignment.strategy: unknown assignor \"fair\" (known: range, roundrobin, sticky, cooperative-sticky)"
    );
    assert_eq!(
        scenario(r#"{"consumers":[{"group":"g","topics":["t"],"config":{"session.timeout.ms":0}}]}"#),
        "consumers[0] (group g): heartbeat.interval.ms (3000) must be lower than session.timeout.ms (0): \
         new KafkaConsumer(...) throws KafkaException: Failed to construct kafka consumer, caused by \
         IllegalArgumentException: Heartbeat must be set lower than the session timeout"
    );
    let forever = Session {
        until_ms: 999_999_999_999,
        ..page_session()
    };
    let link = share::decode(&share::encode(&forever)).unwrap_err();
    assert_eq!(
        link.to_string(),
        "until_ms: 999999999999 is beyond what this simulator supports: at most 86400000 ms of simulated time (24 h) (Kafka may allow more, but a run this large would take minutes and freeze the page)"
    );
}
