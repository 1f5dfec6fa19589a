//! The Kafka assignor oracle's file formats (`kafka-assignor-oracle-cases/1` and
//! `kafka-assignor-oracle-results/1`, see `tests/data/conformance/README.md`) and the mapping of a
//! case onto our assignors' inputs, shared by `tests/model/conformance.rs` and `lab assign`.

use super::java_hash;
use super::server::{
    self, AssignmentFill, GroupPlan, ServerAssignment, ServerAssignorName, ServerGroupSpec,
    ServerMember, ServerTopic, TopicId,
};
use super::{
    assign, AssignorName, ClusterMetadata, GroupAssignment, GroupSubscription, Subscription,
    TopicPartition,
};
use crate::sim::load::{self, LoadError};
use crate::sim::sort;
use crate::sim::sort::CollectBTree;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

pub const CASES_FORMAT: &str = "kafka-assignor-oracle-cases/1";
pub const RESULTS_FORMAT: &str = "kafka-assignor-oracle-results/1";
/// The Kafka release whose assignors we reproduce.
pub const KAFKA_VERSION: &str = "4.1.2";

/// A partition as the oracle writes it: `["topic", 3]`.
pub type WirePartition = (String, i32);

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CasesFile {
    pub format: String,
    #[serde(default)]
    pub seed: Option<i64>,
    pub cases: Vec<Case>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Case {
    pub id: String,
    pub assignor: String,
    /// Topic name → partition count, in file order (the order is the topic index for racks).
    #[serde(deserialize_with = "ordered_object")]
    pub topics: Vec<(String, i32)>,
    pub members: Vec<CaseMember>,
    /// Rack of each broker; `null` for a broker without a rack.
    #[serde(default)]
    pub broker_racks: Option<Vec<Option<String>>>,
    #[serde(default)]
    pub replication_factor: Option<i32>,
    /// Server side only: topic name → Kafka `Uuid` in its base64 form, in file order.
    #[serde(default, deserialize_with = "optional_ordered_object")]
    pub topic_ids: Option<Vec<(String, String)>>,
    #[serde(default)]
    pub big: bool,
    #[serde(default)]
    pub derived_from: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CaseMember {
    pub id: String,
    #[serde(default)]
    pub instance_id: Option<String>,
    pub topics: Vec<String>,
    #[serde(default)]
    pub owned: Vec<WirePartition>,
    #[serde(default = "no_generation")]
    pub generation: i32,
    #[serde(default)]
    pub rack: Option<String>,
}

fn no_generation() -> i32 {
    -1
}

/// The results file. `lab assign` writes it in the oracle's own layout (one result per line).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultsFile {
    pub format: String,
    #[serde(default)]
    pub kafka_version: Option<String>,
    pub results: Vec<CaseResult>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseResult {
    pub id: String,
    /// Member id → sorted partitions, every member present; `None` if the assignor failed.
    pub assignment: Option<BTreeMap<String, Vec<WirePartition>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default)]
    pub java_member_order: Vec<String>,
}

/// Which assignor a case names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseAssignor {
    /// A classic (client-side) assignor.
    Classic(AssignorName),
    /// A KIP-848 server-side assignor (`uniform`, `server-range`).
    Server(ServerAssignorName),
    /// A name we do not know.
    Unsupported,
}

impl Case {
    pub fn case_assignor(&self) -> CaseAssignor {
        if let Some(name) = AssignorName::from_protocol_name(&self.assignor) {
            return CaseAssignor::Classic(name);
        }
        match self.assignor.as_str() {
            "uniform" => CaseAssignor::Server(ServerAssignorName::Uniform),
            "server-range" => CaseAssignor::Server(ServerAssignorName::Range),
            _ => CaseAssignor::Unsupported,
        }
    }

    /// The coordinator's view for a server-side case: topics with their ids, members with their
    /// subscribed names and their current target assignment (by topic id, deleted topics included),
    /// filled as the oracle did (`computeIfAbsent` over `owned`).
    pub fn server_group_spec(&self) -> Result<ServerGroupSpec, String> {
        let ids: Vec<(String, TopicId)> = self
            .topic_ids
            .iter()
            .flatten()
            .map(|(name, id)| TopicId::parse(id).map(|id| (name.clone(), id)))
            .collect::<Result<_, _>>()?;
        let id_of = |name: &str| -> Result<TopicId, String> {
            ids.iter()
                .find(|(n, _)| n == name)
                .map(|(_, id)| *id)
                .ok_or_else(|| format!("case {}: no topic id for '{name}'", self.id))
        };
        let topics = self
            .topics
            .iter()
            .map(|(name, partitions)| {
                Ok(ServerTopic {
                    name: name.clone(),
                    id: id_of(name)?,
                    partitions: *partitions,
                })
            })
            .collect::<Result<_, String>>()?;
        let members = self
            .members
            .iter()
            .map(|m| {
                Ok(ServerMember {
                    member_id: m.id.clone(),
                    instance_id: m.instance_id.clone(),
                    rack: m.rack.clone(),
                    subscribed_topic_names: m.topics.clone(),
                    assignment: m
                        .owned
                        .iter()
                        .map(|(t, p)| Ok((id_of(t)?, *p)))
                        .collect::<Result<_, String>>()?,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(ServerGroupSpec {
            members,
            topics,
            assignment_fill: AssignmentFill::ComputeIfAbsent,
        })
    }

    /// The leader's view of the cluster: topics in file order and, if given, broker racks.
    pub fn cluster(&self) -> ClusterMetadata {
        ClusterMetadata {
            topics: self.topics.clone(),
            broker_racks: self.broker_racks.clone().unwrap_or_default(),
            replication_factor: self.replication_factor.unwrap_or(1),
        }
    }

    /// The subscriptions as the oracle hands them to Kafka: eager `sticky` carries prior ownership
    /// in its user data (absent when there is neither a generation nor anything owned); the
    /// cooperative assignor in `ownedPartitions`; the other eager assignors see no ownership.
    pub fn group_subscription(&self, assignor: AssignorName) -> GroupSubscription {
        let members = self
            .members
            .iter()
            .map(|m| {
                let owned: Vec<TopicPartition> = m
                    .owned
                    .iter()
                    .map(|(t, p)| TopicPartition::new(t.clone(), *p))
                    .collect();
                let mut subscription = Subscription::new(m.id.clone(), m.topics.clone());
                subscription.group_instance_id = m.instance_id.clone();
                subscription.rack = m.rack.clone();
                subscription.generation = m.generation;
                match assignor {
                    AssignorName::Sticky => {
                        if m.generation != -1 || !owned.is_empty() {
                            subscription.sticky_previous_assignment = Some(owned);
                        }
                    }
                    AssignorName::CooperativeSticky => subscription.owned_partitions = owned,
                    AssignorName::Range | AssignorName::RoundRobin => {}
                }
                subscription
            })
            .collect();
        GroupSubscription { members }
    }

    /// Iteration order of the `HashMap` holding the members, filled in `members` order.
    pub fn java_member_order(&self) -> Vec<String> {
        java_hash::hash_map_order(self.members.iter().map(|m| m.id.as_str()))
            .into_iter()
            .map(str::to_string)
            .collect()
    }
}

/// Whether this crate implements the assignor a case names (the others yield an `error`).
pub fn is_implemented(assignor: &str) -> bool {
    AssignorName::from_protocol_name(assignor).is_some()
        || matches!(assignor, "uniform" | "server-range")
}

/// A case turned into the inputs of the assignor it names, so that only the assignment itself
/// needs to run (benchmarks time [`PreparedCase::run`] alone, as Kafka's figures do).
pub enum PreparedCase {
    Classic {
        name: AssignorName,
        cluster: ClusterMetadata,
        group: GroupSubscription,
    },
    Server {
        name: ServerAssignorName,
        spec: ServerGroupSpec,
        /// Members in map order, subscriptions resolved: Kafka's `GroupSpecImpl`, built before the call.
        plan: GroupPlan,
    },
    /// A case we cannot run, with the reason.
    Invalid(String),
}

impl PreparedCase {
    pub fn new(case: &Case) -> Self {
        if let Err(error) = case.validate() {
            return PreparedCase::Invalid(error.to_string());
        }
        match case.case_assignor() {
            CaseAssignor::Classic(name) => PreparedCase::Classic {
                name,
                cluster: case.cluster(),
                group: case.group_subscription(name),
            },
            CaseAssignor::Server(name) => match case.server_group_spec() {
                Ok(spec) => PreparedCase::Server {
                    name,
                    plan: GroupPlan::new(&spec),
                    spec,
                },
                Err(message) => PreparedCase::Invalid(message),
            },
            CaseAssignor::Unsupported => PreparedCase::Invalid(format!(
                "UnsupportedAssignor: the assignor '{}' is not implemented",
                case.assignor
            )),
        }
    }

    /// Runs the assignor; the error is the message `lab assign` reports.
    pub fn run(&self) -> Result<GroupAssignment, String> {
        match (self, self.compute()?) {
            (PreparedCase::Server { spec, .. }, Computed::Server(result)) => {
                Ok(result.to_group_assignment(spec))
            }
            (_, Computed::Classic(result)) => Ok(result),
            (_, Computed::Server(_)) => unreachable!("only a server case computes a server answer"),
        }
    }

    /// Runs the assignor and returns its answer as it computes it: the call the benchmarks time.
    /// A client assignor answers with sorted partition lists per member (Kafka's `GroupAssignment`);
    /// a server one with partitions by topic index per member (Kafka's per-member topic map).
    pub fn compute(&self) -> Result<Computed, String> {
        match self {
            PreparedCase::Classic {
                name,
                cluster,
                group,
            } => assign(*name, cluster, group)
                .map(Computed::Classic)
                .map_err(|e| e.to_string()),
            PreparedCase::Server { name, spec, plan } => server::compute_planned(*name, spec, plan)
                .map(Computed::Server)
                .map_err(|e| e.to_string()),
            PreparedCase::Invalid(message) => Err(message.clone()),
        }
    }
}

/// An assignor's answer as it computed it (see [`PreparedCase::compute`]).
pub enum Computed {
    Classic(GroupAssignment),
    Server(ServerAssignment),
}

/// Runs one case. An assignor we do not provide, or one that fails, yields an `error`.
pub fn run_case(case: &Case) -> CaseResult {
    let (assignment, error) = match PreparedCase::new(case).run() {
        Ok(result) => (Some(to_wire(result, case)), None),
        Err(message) => (None, Some(message)),
    };
    CaseResult {
        id: case.id.clone(),
        assignment,
        error,
        java_member_order: case.java_member_order(),
    }
}

/// Member id → partitions sorted by topic then partition, every member of the case present.
fn to_wire(
    result: BTreeMap<String, Vec<TopicPartition>>,
    case: &Case,
) -> BTreeMap<String, Vec<WirePartition>> {
    let mut wire: BTreeMap<String, Vec<WirePartition>> = case
        .members
        .iter()
        .map(|m| (m.id.clone(), Vec::new()))
        .collect_map();
    for (member, mut partitions) in result {
        sort::sort_by(&mut partitions, |a, b| {
            java_hash::compare_strings(&a.topic, &b.topic).then(a.partition.cmp(&b.partition))
        });
        wire.insert(
            member,
            partitions
                .into_iter()
                .map(|tp| (tp.topic.to_string(), tp.partition))
                .collect(),
        );
    }
    wire
}

/// Why a cases or results file cannot be read at all (a single bad case only fails that case).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileError {
    /// Too long, not text, or JSON that does not fit, with the field, line and column. `what`:
    /// "cases file" or "results file".
    Load {
        what: &'static str,
        error: LoadError,
    },
    /// The `format` tag is not the one expected.
    WrongFormat {
        found: String,
        expected: &'static str,
    },
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::Load { what, error } => write!(f, "invalid {what}: {error}"),
            FileError::WrongFormat { found, expected } => {
                write!(f, "format: unexpected '{found}' (expected '{expected}')")
            }
        }
    }
}

impl std::error::Error for FileError {}

/// `lab assign`: runs every case of a cases file and renders the results file. A case that cannot
/// run gets its `error`; the others run.
pub fn assign_cases(bytes: &[u8]) -> Result<String, FileError> {
    let file = parse_cases_bytes(bytes)?;
    let results: Vec<CaseResult> = file.cases.iter().map(run_case).collect();
    Ok(write_results(&results))
}

/// [`assign_cases`] on text.
pub fn assign_cases_text(text: &str) -> Result<String, FileError> {
    assign_cases(text.as_bytes())
}

fn check_format(found: &str, expected: &'static str) -> Result<(), FileError> {
    if found == expected {
        Ok(())
    } else {
        Err(FileError::WrongFormat {
            found: found.to_string(),
            expected,
        })
    }
}

/// Reads a cases file, checking its format tag.
pub fn parse_cases(text: &str) -> Result<CasesFile, FileError> {
    parse_cases_bytes(text.as_bytes())
}

/// Reads a cases file's bytes (which may not be text at all), checking its format tag.
pub fn parse_cases_bytes(bytes: &[u8]) -> Result<CasesFile, FileError> {
    let file: CasesFile = load::from_bytes(bytes).map_err(|error| FileError::Load {
        what: "cases file",
        error,
    })?;
    check_format(&file.format, CASES_FORMAT)?;
    Ok(file)
}

/// Reads a results file, checking its format tag.
pub fn parse_results(text: &str) -> Result<ResultsFile, FileError> {
    let file: ResultsFile = load::from_text(text).map_err(|error| FileError::Load {
        what: "results file",
        error,
    })?;
    check_format(&file.format, RESULTS_FORMAT)?;
    Ok(file)
}

/// Writes results in the oracle's layout: a header, then one compact result per line.
pub fn write_results(results: &[CaseResult]) -> String {
    let mut out = format!(
        "{{\n\"format\":\"{RESULTS_FORMAT}\",\n\"kafkaVersion\":\"{KAFKA_VERSION}\",\n\"results\":[\n"
    );
    let lines: Vec<String> = results
        .iter()
        .map(|r| serde_json::to_string(r).expect("results serialize"))
        .collect();
    out.push_str(&lines.join(",\n"));
    out.push_str("\n]\n}\n");
    out
}

/// A JSON object read as a list of entries in document order (the order carries meaning here).
fn ordered_object<'de, D, V>(deserializer: D) -> Result<Vec<(String, V)>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct Entries<V>(std::marker::PhantomData<V>);
    impl<'de, V: Deserialize<'de>> Visitor<'de> for Entries<V> {
        type Value = Vec<(String, V)>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut entries = Vec::new();
            while let Some(entry) = map.next_entry::<String, V>()? {
                entries.push(entry);
            }
            Ok(entries)
        }
    }
    deserializer.deserialize_map(Entries(std::marker::PhantomData))
}

fn optional_ordered_object<'de, D, V>(deserializer: D) -> Result<Option<Vec<(String, V)>>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    ordered_object(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_keep_file_order() {
        let text = r#"{"format":"kafka-assignor-oracle-cases/1","cases":[
            {"id":"x","assignor":"range","topics":{"b":2,"a":1},
             "members":[{"id":"m","instanceId":null,"topics":["a"],"owned":[["a",0]],"generation":3,"rack":null}]}]}"#;
        let file = parse_cases(text).unwrap();
        assert_eq!(
            file.cases[0].topics,
            vec![("b".to_string(), 2), ("a".to_string(), 1)]
        );
        assert_eq!(file.cases[0].members[0].owned, vec![("a".to_string(), 0)]);
    }

    #[test]
    fn an_unknown_assignor_yields_an_error_and_the_run_goes_on() {
        let text = r#"{"format":"kafka-assignor-oracle-cases/1","cases":[
            {"id":"a","assignor":"nonsense","topics":{"t":1},"members":[{"id":"m","topics":["t"]}]},
            {"id":"b","assignor":"range","topics":{"t":1},"members":[{"id":"m","topics":["t"]}]}]}"#;
        let out = parse_results(&assign_cases_text(text).unwrap()).unwrap();
        assert!(out.results[0]
            .error
            .as_deref()
            .unwrap()
            .contains("nonsense"));
        assert_eq!(out.results[0].assignment, None);
        let b = out.results[1].assignment.as_ref().unwrap();
        assert_eq!(b["m"], vec![("t".to_string(), 0)]);
    }

    /// A broker without a rack (`null` in `brokerRacks`) adds no rack to its partitions, as Kafka's
    /// assignors drop `Node.rack()` nulls: t's partitions 0 and 2 sit on rack-a, 1 and 3 on no rack.
    #[test]
    fn a_broker_without_a_rack_is_read_and_assigned() {
        let text = r#"{"format":"kafka-assignor-oracle-cases/1","cases":[
            {"id":"r","assignor":"range","topics":{"t":4},"brokerRacks":["rack-a",null],"replicationFactor":1,
             "members":[{"id":"c0","topics":["t"],"rack":"rack-a"},{"id":"c1","topics":["t"],"rack":"rack-a"}]},
            {"id":"s","assignor":"cooperative-sticky","topics":{"t":4},"brokerRacks":["rack-a",null],"replicationFactor":1,
             "members":[{"id":"c0","topics":["t"],"rack":"rack-a"},{"id":"c1","topics":["t"],"rack":"rack-b"}]}]}"#;
        let out = parse_results(&assign_cases_text(text).unwrap()).unwrap();
        let range = out.results[0].assignment.as_ref().unwrap();
        // Rack-aware range: c0 takes the rack-a partitions it matches, c1 (rack-a too) finds them
        // taken and gets the rackless ones in the plain pass.
        let t = |p: &[i32]| p.iter().map(|&p| ("t".to_string(), p)).collect::<Vec<_>>();
        assert_eq!(range["c0"], t(&[0, 2]));
        assert_eq!(range["c1"], t(&[1, 3]));
        let sticky = out.results[1].assignment.as_ref().unwrap();
        assert_eq!(sticky["c0"].len() + sticky["c1"].len(), 4);
        assert_eq!(sticky["c0"].len(), 2, "balanced");
    }

    #[test]
    fn a_wrong_format_tag_is_rejected() {
        assert!(parse_cases(r#"{"format":"other","cases":[]}"#).is_err());
        assert!(parse_cases("not json").is_err());
    }
}
