//! The Code tab's programs, for every choice the page's form, its strategies, its lessons, the example
//! scenarios and each setting's edge values offer: the Python ones are run with confluent-kafka from
//! PyPI (`tests/python/run_snippets.py`: construct, subscribe, poll, then the loop body once per
//! path — an error event, a record, a poison pill — with its commit, then close; no broker needed
//! for a refused setting to fail), and the Java ones' shape is checked here, since Maven Central (and so
//! kafka-clients) is out of reach of these machines: generic types against the deserializers, every
//! property a Kafka consumer setting, assignors as class names, brackets balanced, imports present.

use crate::digest::EXAMPLES;
use rebalance_lab::session::lessons::LESSONS;
use rebalance_lab::session::Strategy;
use rebalance_lab::sim::config::{kafka_consumer_defines, ConsumerConfig};
use rebalance_lab::sim::scenario::{ConfigOverrides, ConfigValue};
use rebalance_lab::sim::{Action, Scenario};
use rebalance_lab::ui::components::rail::new_consumer::DESERIALIZERS;
use rebalance_lab::ui::components::tabs::code::snippets::payload::Payload;
use rebalance_lab::ui::components::tabs::code::snippets::{ConsumerCode, Language};
use std::path::PathBuf;
use std::process::Command;

/// confluent-kafka's version, as `scripts/setup.sh test` installs it into `target/py`.
const CONFLUENT_KAFKA: &str = "2.16.1";

struct Case {
    name: String,
    config: ConsumerConfig,
    topics: Vec<String>,
}

fn overrides(pairs: &[(&str, &str)]) -> ConfigOverrides {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), ConfigValue(v.to_string())))
        .collect()
}

/// A consumer of `group` as a scenario (or the page's form) would configure it, if the client accepts it.
fn case(
    name: String,
    scenario: &Scenario,
    group: &str,
    config: &ConfigOverrides,
    topics: &[String],
) -> Option<Case> {
    let config = scenario.consumer_config(group, config).ok()?;
    config.validate().ok()?;
    Some(Case {
        name,
        config,
        topics: topics.to_vec(),
    })
}

/// Every consumer a scenario declares, under every strategy the page offers.
fn scenario_cases(label: &str, scenario: &Scenario, out: &mut Vec<Case>) {
    for strategy in Strategy::ALL {
        let s = strategy.scenario_for(scenario);
        let mut declared: Vec<(String, ConfigOverrides, Vec<String>)> = s
            .consumers
            .iter()
            .map(|c| (c.group.clone(), c.config.clone(), c.topics.clone()))
            .collect();
        for t in &s.actions {
            if let Action::AddConsumer {
                group,
                topics,
                config,
            } = &t.action
            {
                declared.push((group.clone(), config.clone(), topics.clone()));
            }
        }
        for (i, (group, config, topics)) in declared.iter().enumerate() {
            let name = format!("{label}/{}/consumer{i}", strategy.short());
            out.extend(case(name, &s, group, config, topics));
        }
    }
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    let orders = vec!["orders".to_string()];
    let base =
        Scenario::from_json(r#"{ "topics": [{ "name": "orders", "partitions": 6 }] }"#).unwrap();
    // The form: every pair of deserializers it offers, and its other fields.
    for key in DESERIALIZERS {
        for value in DESERIALIZERS {
            let o = overrides(&[("key.deserializer", key), ("value.deserializer", value)]);
            out.extend(case(
                format!("form/{key}/{value}"),
                &base,
                "orders-app",
                &o,
                &orders,
            ));
        }
    }
    let form_fields: &[&[(&str, &str)]] = &[
        &[("group.instance.id", "c1-instance")],
        &[
            ("session.timeout.ms", "10000"),
            ("heartbeat.interval.ms", "3000"),
            ("max.poll.interval.ms", "30000"),
        ],
        &[("max.poll.interval.ms", "20000")],
        &[
            ("session.timeout.ms", "6000"),
            ("heartbeat.interval.ms", "2000"),
        ],
        &[("poll.timeout.ms", "0"), ("processing.time.ms", "700")],
        &[("poll.timeout.ms", "1500")],
    ];
    for fields in form_fields {
        out.extend(case(
            format!("form/{fields:?}"),
            &base,
            "orders-app",
            &overrides(fields),
            &orders,
        ));
    }
    // Every setting a scenario may write, at its edges.
    let settings: &[(&str, &[&str])] = &[
        ("client.id", &["my-app"]),
        ("client.rack", &["rack-a"]),
        ("session.timeout.ms", &["6000", "1800000", "2147483647"]),
        ("heartbeat.interval.ms", &["1", "5000"]),
        ("max.poll.interval.ms", &["1", "2147483647"]),
        ("metadata.max.age.ms", &["0", "1", "2147483647"]),
        ("enable.auto.commit", &["false"]),
        ("auto.commit.interval.ms", &["0", "2147483647"]),
        ("max.poll.records", &["1", "2147483647"]),
        (
            "auto.offset.reset",
            &["earliest", "none", "by_duration:PT5M"],
        ),
        ("retry.backoff.ms", &["0", "1000"]),
        (
            "partition.assignment.strategy",
            &[
                "range",
                "roundrobin",
                "sticky",
                "cooperative-sticky",
                "range,roundrobin",
                "roundrobin,range,cooperative-sticky",
                "sticky,cooperative-sticky",
                "cooperative-sticky,range",
                "org.apache.kafka.clients.consumer.RoundRobinAssignor",
            ],
        ),
        ("fetch.min.bytes", &["1024"]),
        ("no.such.setting", &["x"]),
        (
            "value.deserializer",
            &[
                "io.confluent.kafka.serializers.KafkaAvroDeserializer",
                "org.apache.kafka.common.serialization.IntegerDeserializer",
                "org.apache.kafka.common.serialization.DoubleDeserializer",
                "com.example.OrderDeserializer",
            ],
        ),
    ];
    for (name, values) in settings {
        for value in *values {
            let o = overrides(&[(name, value)]);
            out.extend(case(
                format!("setting/{name}={value}"),
                &base,
                "orders-app",
                &o,
                &orders,
            ));
        }
    }
    // Each commit the loop body makes without auto-commit: the harness runs the body, so the commit
    // calls and their imports run too.
    for commit in ["sync", "async", "none"] {
        out.extend(case(
            format!("manual.commit={commit}"),
            &base,
            "orders-app",
            &overrides(&[("enable.auto.commit", "false"), ("manual.commit", commit)]),
            &orders,
        ));
    }
    // Names that need escaping, and several topics.
    let odd_topics = vec!["orders.v2_x-1".to_string(), "payments".to_string()];
    out.extend(case(
        "odd names".into(),
        &base,
        "team \"a\" \\ b",
        &overrides(&[("client.id", "it's \"x\"")]),
        &odd_topics,
    ));
    // The lessons and the example scenarios.
    for lesson in LESSONS {
        scenario_cases(
            &format!("lesson/{}", lesson.id),
            &lesson.scenario(),
            &mut out,
        );
    }
    for (path, json) in EXAMPLES {
        scenario_cases(path, &Scenario::from_json(json).unwrap(), &mut out);
    }
    out
}

fn render(c: &Case, language: Language) -> String {
    ConsumerCode {
        config: &c.config,
        topics: &c.topics,
    }
    .render(language)
}

/// `(`, `[` and `{` balanced outside string literals and `//` comments.
fn balanced(code: &str) -> bool {
    let mut stack = Vec::new();
    for line in code.lines() {
        let mut chars = line.chars().peekable();
        let mut in_string = false;
        while let Some(c) = chars.next() {
            match c {
                '\\' if in_string => {
                    chars.next();
                }
                '"' => in_string = !in_string,
                '/' if !in_string && chars.peek() == Some(&'/') => break,
                '(' | '[' | '{' if !in_string => stack.push(c),
                ')' | ']' | '}' if !in_string => {
                    let open = stack.pop();
                    if open
                        != Some(match c {
                            ')' => '(',
                            ']' => '[',
                            _ => '{',
                        })
                    {
                        return false;
                    }
                }
                _ => {}
            }
        }
        if in_string {
            return false;
        }
    }
    stack.is_empty()
}

#[test]
fn java_snippets_have_the_shape_kafka_clients_compiles() {
    let cases = cases();
    assert!(cases.len() > 80, "{} cases", cases.len());
    for c in &cases {
        let java = render(c, Language::Java);
        let types = format!(
            "{}, {}",
            Payload::of(&c.config.key_deserializer).java_type(),
            Payload::of(&c.config.value_deserializer).java_type()
        );
        for typed in ["KafkaConsumer", "ConsumerRecords", "ConsumerRecord"] {
            // `new KafkaConsumer<>(props)` infers its types from the declaration.
            let uses: Vec<&str> = java
                .match_indices(&format!("{typed}<"))
                .map(|(i, _)| &java[i..])
                .filter(|u| !u.starts_with(&format!("{typed}<>")))
                .collect();
            assert!(!uses.is_empty(), "{}: no {typed}<..>", c.name);
            for u in uses {
                let args = &u[typed.len() + 1..u.find('>').unwrap()];
                assert_eq!(args, types, "{}: {typed}<{args}>", c.name);
            }
        }
        for import in [
            "ConsumerRebalanceListener",
            "ConsumerRecord",
            "ConsumerRecords",
            "KafkaConsumer",
            "TopicPartition",
            "Duration",
            "List",
            "Collection",
            "Properties",
        ] {
            assert!(
                java.contains(&format!(".{import};")),
                "{}: import {import}",
                c.name
            );
        }
        assert!(balanced(&java), "{}: unbalanced\n{java}", c.name);
        for line in java
            .lines()
            .filter(|l| l.trim_start().starts_with("props.put("))
        {
            let name = line.split('"').nth(1).unwrap();
            let value = line.split('"').nth(3).unwrap_or("");
            let ignored = c.config.ignored.contains_key(name);
            assert!(
                kafka_consumer_defines(name) || ignored || name == "schema.registry.url",
                "{}: {name} is not a Kafka consumer setting",
                c.name
            );
            if name == "partition.assignment.strategy" {
                for class in value.split(',') {
                    assert!(
                        class.starts_with("org.apache.kafka.clients.consumer.")
                            && class.ends_with("Assignor"),
                        "{}: Java takes class names, not {class}",
                        c.name
                    );
                }
            }
            if name.ends_with(".ms") || name == "max.poll.records" {
                assert!(
                    value.parse::<i32>().is_ok()
                        || name == "metadata.max.age.ms"
                        || name == "retry.backoff.ms",
                    "{}: {name}={value} is not an INT",
                    c.name
                );
            }
        }
        for language in [Language::Python, Language::Rust] {
            let code = render(c, language);
            if language == Language::Rust {
                assert!(balanced(&code), "{}: Rust unbalanced\n{code}", c.name);
            }
            assert!(
                !code.contains("deserializer\""),
                "{}: librdkafka has no deserializer settings",
                c.name
            );
        }
    }
    write_rust_snippets(&cases);
}

/// Each distinct Rust program, for `scripts/check-rust-snippets.sh` to compile against the rdkafka
/// crate (it builds librdkafka from source, so it is not part of the test command).
fn write_rust_snippets(cases: &[Case]) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("rust-snippets");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for c in cases {
        let code = render(c, Language::Rust);
        if seen.insert(code.clone()) {
            std::fs::write(dir.join(format!("snippet_{:03}.rs", seen.len() - 1)), code).unwrap();
        }
    }
}

fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("LAB_PYTHON") {
        return PathBuf::from(p);
    }
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/target/py/bin/python3"
    ))
}

fn kind(deserializer: &str) -> &'static str {
    match Payload::of(deserializer) {
        Payload::String => "string",
        Payload::Bytes => "bytes",
        Payload::Long => "long",
        Payload::Integer => "integer",
        Payload::Double => "double",
        Payload::ConnectJson => "json",
        Payload::Avro | Payload::Other(_) => "raw",
    }
}

#[test]
fn python_snippets_run_with_confluent_kafka() {
    let python = python();
    let version = Command::new(&python)
        .args([
            "-c",
            "import confluent_kafka; print(confluent_kafka.__version__)",
        ])
        .output();
    let installed = version
        .as_ref()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    assert_eq!(
        installed.as_deref().unwrap_or(""),
        CONFLUENT_KAFKA,
        "{} must have confluent-kafka=={CONFLUENT_KAFKA}: run `bash scripts/setup.sh test` (or set LAB_PYTHON)",
        python.display()
    );
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("python-snippets");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut index = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for c in cases() {
        // Lessons and strategies repeat configurations: each distinct program runs once.
        let code = render(&c, Language::Python);
        if !seen.insert(code.clone()) {
            continue;
        }
        let file = format!("snippet_{:03}.py", index.len());
        std::fs::write(dir.join(&file), code).unwrap();
        index.push(serde_json::json!({
            "file": file,
            "case": c.name,
            "key": kind(&c.config.key_deserializer),
            "value": kind(&c.config.value_deserializer),
            "commit": if c.config.enable_auto_commit {
                "auto".to_string()
            } else {
                c.config.manual_commit.to_string()
            },
        }));
    }
    std::fs::write(
        dir.join("index.json"),
        serde_json::to_string_pretty(&index).unwrap(),
    )
    .unwrap();
    let out = Command::new(&python)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/python/run_snippets.py"
        ))
        .arg(&dir)
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
            .lines()
            .filter(|l| !l.starts_with('%'))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        stdout.contains(&format!(
            "{0} of {0} snippets constructed, subscribed, polled and run through their loop body",
            index.len()
        )),
        "{stdout}"
    );
    // Every commit the Code tab writes ran: a synchronous, an asynchronous and no commit.
    for commit in ["sync", "async", "none", "auto"] {
        assert!(
            index.iter().any(|e| e["commit"] == commit),
            "no snippet commits {commit}"
        );
    }
}
